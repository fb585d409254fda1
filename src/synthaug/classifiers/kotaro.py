"""KOTARO: an interpolating kernel classifier with per-sample bandwidths.

KOTARO (arXiv 2510.04046) gives every training row ``x_i`` its own Gaussian kernel, wide
where the data are sparse (often the minority) and narrow where they are dense, and fits
the kernel expansion that interpolates the coded labels. The formulas are known from a
third-party summary only; the orientation of the kernel matrix, the label coding, the
ridge and the threshold step are reconstructed and exposed as parameters. See
``docs/kotaro.md`` for the provenance of each step and the measured behaviour of the two
solvers.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.metaestimators import available_if

from synthaug._labels import class_roles
from synthaug._random import rng_from, to_entropy
from synthaug._validation import (
    check_integer,
    check_matrix,
    check_n_neighbors,
    check_number,
    check_target,
)
from synthaug.classifiers._kernel_solvers import (
    GMRES_RESTART,
    best_threshold,
    calibration_curve_values,
    exact_decision,
    exact_matrix,
    fit_calibration,
    local_scale,
    restrict_neighbors,
    scale_floor,
    solve_exact,
    solve_truncated,
    truncated_decision,
    truncated_matrix,
    widths,
)
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.limits import check_memory
from synthaug.neighbors import kneighbors

__all__ = ["KOTARO", "default_sparse_neighbors"]

#: Query rows per neighbour search when predicting with the truncated form.
QUERY_BLOCK = 65_536
#: Seed of the internal fold split when ``random_state=None``: repeated fits on the same
#: data give the same threshold and the same predictions.
DEFAULT_SPLIT_SEED = 0
_CHOICES = {
    "bandwidth_rule": ("inv_dist", "inv_dist_sq"),
    "scale_stat": ("max", "mean", "min"),
    "label_coding": ("pm1", "01"),
    "kernel_orientation": ("column_centre", "row_centre"),
    "solver": ("auto", "exact", "sparse"),
    "calibration": ("sigmoid", None),
}


def default_sparse_neighbors(n_neighbors: int) -> int:
    """Centres kept per row of the truncated kernel when ``sparse_neighbors=None``:
    ``max(5 * n_neighbors, 32)``.

    The kernel of a centre is still far from zero at its ``n``-th neighbour (that distance
    *is* its bandwidth), so the truncation must reach well beyond ``n``; 5 x n (at least
    32) keeps the decision values within a few per cent of the exact form on the
    benchmark data (``docs/kotaro.md``) at a cost linear in ``n_samples``.
    """
    return max(5 * int(n_neighbors), 32)


@dataclass
class _Expansion:
    """One fitted kernel expansion ``f(x) = sum_j w_j k_j(x)`` (on scaled data)."""

    X: np.ndarray
    gamma: np.ndarray
    w: np.ndarray
    solver: str
    k: int
    orientation: str
    n_neighbors: int
    stat: str
    rule: str
    floor: float

    def query_widths(self, dist: np.ndarray) -> np.ndarray:
        """Widths of query rows (row_centre): their own distance to the ``n`` nearest
        training rows (nothing is excluded: a query is not a training row)."""
        return widths(local_scale(dist, self.n_neighbors, self.stat), self.floor, self.rule)

    def decision(self, Q: np.ndarray, ind: np.ndarray | None = None,
                 dist: np.ndarray | None = None) -> np.ndarray:
        """``f`` at the rows of ``Q``; ``ind``/``dist`` are precomputed query neighbour lists
        (``k + 1`` nearest centres for the truncated form, ``n`` for exact row_centre)."""
        row = self.orientation == "row_centre"
        if self.solver == "exact":
            q_gamma = None
            if row:
                if dist is None:
                    dist = kneighbors(self.X, self.n_neighbors, Q, return_distance=True)[1]
                q_gamma = self.query_widths(dist)
            return exact_decision(self.X, self.gamma, self.w, Q, self.orientation, q_gamma)
        if ind is not None and dist is not None:
            q_gamma = self.query_widths(dist) if row else None
            return truncated_decision(ind, dist, self.gamma, self.w, self.orientation, q_gamma)
        out = np.empty(Q.shape[0])
        for s in range(0, Q.shape[0], QUERY_BLOCK):
            ii, dd = kneighbors(self.X, self.k + 1, Q[s:s + QUERY_BLOCK], return_distance=True)
            q_gamma = self.query_widths(dd) if row else None
            out[s:s + QUERY_BLOCK] = truncated_decision(ii, dd, self.gamma, self.w,
                                                        self.orientation, q_gamma)
        return out


def _memory_bytes(n: int, d: int, solver: str, k: int, n_list: int) -> int:
    """Upper bound of KOTARO's fit memory; see :meth:`KOTARO.memory_estimate`."""
    rows = 3 * n * d * 8                         # input copy, scaled rows, stored rows
    lists = 2 * n * n_list * 16                  # neighbour lists, and a fold's restricted copy
    if solver == "exact":
        system = 2 * n * n * 8                   # kernel matrix and its LU factors
    else:
        system = 2 * n * k * 12 + n * (GMRES_RESTART + 4) * 8   # CSR (and a fold's) + GMRES
    return int(rows + lists + system + 8 * n * 8)


class KOTARO(ClassifierMixin, BaseEstimator):
    """Interpolating kernel classifier with per-sample Gaussian bandwidths (binary).

    Each training row ``x_j`` gets the kernel ``k_j(x) = exp(-gamma_j |x - x_j|^2)``, with
    ``gamma_j`` from the distance ``d_j`` to the farthest of its ``n_neighbors`` nearest
    other rows, so kernels are wide in sparse regions (where minority rows typically lie)
    and narrow in dense ones. The weights solve ``(K + ridge I) w = y`` with
    ``K_ij = k_j(x_i)``, so ``f(x) = sum_j w_j k_j(x)`` reproduces the coded labels at the
    training rows; a row is assigned to the minority class when ``f`` exceeds a threshold.

    Parameters
    ----------
    n_neighbors : int, default=6
        ``n``: neighbours defining each row's local scale (the row itself excluded).
    bandwidth_rule : {"inv_dist", "inv_dist_sq"}, default="inv_dist"
        ``gamma_i = 1 / d_i`` (the summary's formula; not scale-consistent, so results
        depend on the units unless ``standardize=True``) or ``1 / d_i**2`` (scale-consistent).
    scale_stat : {"max", "mean", "min"}, default="max"
        How ``d_i`` summarises the ``n`` neighbour distances ("max" is the paper formula).
    label_coding : {"pm1", "01"}, default="pm1"
        Minority coded +1 / majority -1, or 1 / 0. Sets the default threshold (0 or 0.5).
    threshold : "auto" or float, default="auto"
        Decision threshold on ``f``. "auto" maximises the (smoothed) balanced accuracy of
        the cross-validated decision values (see Notes); a float is used as is.
    kernel_orientation : {"column_centre", "row_centre"}, default="column_centre"
        "column_centre": ``K_ij = exp(-gamma_j |x_i - x_j|^2)`` (each basis function keeps
        its centre's width; ``f`` interpolates everywhere). "row_centre":
        ``exp(-gamma_i ...)``, the width of the evaluation point (a balloon estimator; a new
        point's width comes from its ``n`` nearest training rows).
    ridge : float, default=1e-8
        ``epsilon`` in ``(K + epsilon I) w = y``; raised automatically (x100, up to three
        times, with a ``SynthaugWarning``) when a solve fails.
    standardize : bool, default=True
        Scale features to zero mean and unit variance before anything else (constant
        features are only centred).
    solver : {"auto", "exact", "sparse"}, default="auto"
        "exact": dense ``n x n`` kernel and LU solve (O(n^2) memory, O(n^3) time).
        "sparse": truncated kernel (each row keeps its ``sparse_neighbors`` nearest
        centres, CSR) solved with GMRES; O(n k) memory. "auto": exact up to ``max_exact``
        rows, sparse above, with a ``SynthaugWarning`` when it switches (the truncated
        model is a different, less accurate one; see ``docs/kotaro.md``).
    max_exact : int, default=5000
        Largest training set for which ``solver="auto"`` uses the exact form.
    sparse_neighbors : int, optional
        Centres kept per row by the sparse form (at least ``n_neighbors``, at most
        ``n_samples - 1``). Default: :func:`default_sparse_neighbors`, ``max(5 n, 32)``.
    cv : int or None, default=5
        Number of stratified folds whose out-of-fold decision values choose the threshold
        and fit the calibration: every row gets a value from a model fitted without its
        fold. Reduced (with a warning) to the size of the smallest class. None: one
        stratified hold-out of ``validation_fraction`` of each class instead (one extra fit
        instead of ``cv``, but a noisier threshold).
    validation_fraction : float, default=0.2
        Share of each class held out when ``cv=None``; ignored otherwise.
    threshold_smoothing : float, default=1.0
        Bandwidth multiplier of the smoothed balanced accuracy that ``threshold="auto"``
        maximises: each class's step function ``1[f > t]`` is replaced by a Gaussian kernel
        with ``threshold_smoothing`` x Silverman's rule-of-thumb bandwidth of that class's
        out-of-fold values (taken on ``arcsinh((f - default) / c)``, see Notes). 0
        maximises the plain balanced accuracy over every cut.
    calibration : {"sigmoid", None}, default="sigmoid"
        "sigmoid": :meth:`predict_proba` is ``expit(a * arcsinh(decision_function / c))``,
        0.5 at the threshold, with ``a`` fitted to the out-of-fold decision values (see
        Notes). None: no ``predict_proba``, and no extra fits when ``threshold`` is a float.
    tol : float, default=1e-6
        Relative residual at which GMRES stops (sparse form): the fitted values then match
        the coded labels to about ``tol``.
    max_iter : int, default=500
        GMRES inner iterations per attempt (sparse form; up to four attempts, see
        ``ridge``).
    random_state : None, int or Generator, optional
        Seeds the internal fold split. None uses a fixed split (the same as ``0``), so two
        fits on the same data are identical; pass different values to see how much the
        split matters. The kernel fit itself is deterministic.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    positive_class_ : label
        The minority (smaller) class; on a tie, ``classes_[1]``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    mean_, scale_ : ndarray of shape (n_features,)
        The standardisation (``scale_`` is ones when ``standardize=False``).
    X_fit_ : ndarray of shape (n_samples, n_features)
        The scaled training rows (the kernel centres).
    local_scale_ : ndarray of shape (n_samples,)
        ``d_i`` before the floor.
    scale_floor_ : float
        The floor applied to ``d_i`` (1e-3 x the median positive ``d_i``).
    gamma_ : ndarray of shape (n_samples,)
        Kernel widths.
    dual_coef_ : ndarray of shape (n_samples,)
        The weights ``w``.
    solver_ : {"exact", "sparse"}
    sparse_neighbors_ : int or None
        Centres kept per row (sparse form only).
    solver_info_ : dict
        How the final system was solved: method, ridge used, residual (and iterations).
    threshold_ : float
        Threshold on ``f`` (in the label coding).
    n_splits_ : int
        Folds actually used (0 when no held-out values were needed or possible; 1 for the
        single hold-out of ``cv=None``).
    validation_indices_, validation_scores_, validation_positive_ : ndarray
        The held-out rows in fold order (every row once with ``cv``), their ``f`` values
        from the model fitted without their fold, and whether they belong to the minority
        class. Empty when no held-out values were needed or possible.
    validation_balanced_accuracy_ : float or None
        Balanced accuracy of ``f > threshold_`` on those values.
    calibration_coef_ : float or None
        The slope ``a`` of ``P(classes_[1]) = expit(a * arcsinh(decision_function / c))``.
    calibration_scale_ : float or None
        ``c``: half the gap between the coded labels (1 for "pm1", 0.5 for "01").

    Notes
    -----
    **Threshold.** The paper's "regional optimisation" is not known. With
    ``threshold="auto"`` the rows are cut into ``cv`` stratified folds
    (``sklearn.model_selection.StratifiedKFold``, shuffled with ``random_state``); for
    each fold a model with the same settings is fitted on the other folds and evaluated on
    it. The threshold maximises the balanced accuracy of these out-of-fold values, after
    kernel smoothing (``threshold_smoothing``), which makes it far less dependent on the
    split; ties go to the cut nearest the default. The search runs on
    ``arcsinh((f - default) / c)``, with ``c`` half the gap between the coded labels, so
    that the few huge values an interpolant can produce far from its centres do not
    inflate the smoothing bandwidth. The final model is refitted on **all**
    rows and uses that threshold (with the ``pm1``/``01`` coding the scale of ``f`` does
    not depend on the sample size, so it transfers). The scaler is fitted once on all rows.
    When a class is too small to hold any row out, a ``SynthaugWarning`` is issued, the
    default threshold is used and the calibration is fitted to the training decision
    values (the coded labels).

    **Probabilities.** The threshold maximises balanced accuracy, which is the Bayes
    decision when both classes are equally likely. ``predict_proba`` is calibrated for
    that prior: ``expit(a * arcsinh(s / c))`` of the decision value ``s``, with no
    intercept, so it is exactly 0.5 at the threshold and ``argmax(predict_proba)`` equals
    :meth:`predict` on every row; ``a`` is fitted to the out-of-fold decision values with
    class-balanced weights (:func:`~synthaug.classifiers._kernel_solvers.fit_calibration`).
    On imbalanced data these are *not* the probabilities at the training class
    frequencies: those would put 0.5 far above the threshold and contradict
    :meth:`predict`. Convert with the prior ``pi`` of ``classes_[1]``:
    ``p * pi / (p * pi + (1 - p) * (1 - pi))``, or wrap the model (``threshold=0.0,
    calibration=None``) in ``sklearn.calibration.CalibratedClassifierCV``.

    **Why not scikit-learn's threshold and calibration wrappers.** ``TunedThresholdClassifierCV``
    and ``CalibratedClassifierCV`` refit the whole estimator on every fold: each refit
    would repeat the standardisation and the neighbour search, and the tuned threshold
    would live in the wrapper, not in :meth:`predict` and :meth:`decision_function`. Here
    the folds reuse one neighbour search of all rows (the sparse form's lists of the
    training part are read off it) and one scaler. ``CalibratedClassifierCV`` also fits
    a free intercept (its probability is not 0.5 at the threshold, so its argmax
    contradicts :meth:`predict`) and, by default, averages the fold models. Both are
    still the right tools to *check* KOTARO; ``benchmarks/bench_kotaro_threshold.py``
    compares the calibration with ``CalibratedClassifierCV`` on the same scores.

    **Sparse form.** The truncated system keeps, in row ``i``, the diagonal and the
    ``sparse_neighbors`` nearest other centres; prediction uses a query's
    ``sparse_neighbors + 1`` nearest centres, the same rule, so the fitted and the
    predicted function agree at the training rows. Neighbour lists of the internal
    folds are taken from the full data's lists (searched once), so tuning adds no search.

    Multiclass targets raise ``InvalidInputError`` (the estimator tags declare the model
    binary-only); wrap the model in ``sklearn.multiclass.OneVsRestClassifier`` for
    one-vs-rest.
    """

    def __init__(self, n_neighbors: int = 6, bandwidth_rule: str = "inv_dist",
                 scale_stat: str = "max", label_coding: str = "pm1",
                 threshold: str | float = "auto", kernel_orientation: str = "column_centre",
                 ridge: float = 1e-8, standardize: bool = True, solver: str = "auto",
                 max_exact: int = 5000, sparse_neighbors: int | None = None,
                 cv: int | None = 5, validation_fraction: float = 0.2,
                 threshold_smoothing: float = 1.0, calibration: str | None = "sigmoid",
                 tol: float = 1e-6, max_iter: int = 500, random_state: Any = None) -> None:
        self.n_neighbors = n_neighbors
        self.bandwidth_rule = bandwidth_rule
        self.scale_stat = scale_stat
        self.label_coding = label_coding
        self.threshold = threshold
        self.kernel_orientation = kernel_orientation
        self.ridge = ridge
        self.standardize = standardize
        self.solver = solver
        self.max_exact = max_exact
        self.sparse_neighbors = sparse_neighbors
        self.cv = cv
        self.validation_fraction = validation_fraction
        self.threshold_smoothing = threshold_smoothing
        self.calibration = calibration
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # binary only: see Notes
        return tags

    # ------------------------------------------------------------------ validation
    def memory_estimate(self, n_rows: int, n_features: int) -> int:
        """Peak bytes of ``fit`` on ``n_rows x n_features`` (see :mod:`synthaug.limits`):
        the neighbour lists, the kernel system of the chosen solver (dense ``n x n`` for
        the exact one, ``n x k`` sparse plus GMRES vectors for the truncated one) and the
        stored training rows. ``fit`` refuses up front when it exceeds available memory."""
        solver = self.solver if self.solver != "auto" else (
            "exact" if n_rows <= self.max_exact else "sparse")
        k = min(self.sparse_neighbors if self.sparse_neighbors is not None
                else default_sparse_neighbors(self.n_neighbors), max(n_rows - 1, 1))
        need = self.n_neighbors if solver == "exact" else k
        n_list = need if self.cv is None and self.threshold != "auto" else min(
            max(n_rows - 1, 1), math.ceil((need + 1) / 0.8 * 1.25) + 5)
        return _memory_bytes(n_rows, n_features, solver, k, n_list)

    def _check_params(self) -> None:
        for name, options in _CHOICES.items():
            if getattr(self, name) not in options:
                raise InvalidParameterError(
                    f"{name} must be one of {list(options)}, got {getattr(self, name)!r}.")
        thr = self.threshold
        if not (thr == "auto" if isinstance(thr, str) else
                isinstance(thr, numbers.Real) and math.isfinite(thr)):
            raise InvalidParameterError(f"threshold must be 'auto' or a finite number, "
                                        f"got {thr!r}.")
        check_number("ridge", self.ridge, 0.0)
        check_number("threshold_smoothing", self.threshold_smoothing, 0.0)
        check_number("tol", self.tol, 0.0, open_low=True)
        check_integer("max_exact", self.max_exact, 1)
        check_integer("max_iter", self.max_iter, 1)
        k = self.sparse_neighbors
        if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral)
                              or k < self.n_neighbors):
            raise InvalidParameterError(
                f"sparse_neighbors must be None or an integer >= n_neighbors "
                f"({self.n_neighbors}), got {k!r}.")
        check_number("validation_fraction", self.validation_fraction, 0.0, 1.0,
                     open_low=True, open_high=True)
        check_integer("cv", self.cv, 2, optional=True)
        if not isinstance(self.standardize, (bool, np.bool_)):
            raise InvalidParameterError(f"standardize must be a bool, got {self.standardize!r}.")

    def _as_matrix(self, X: Any, *, fit: bool) -> np.ndarray:
        names = None
        if isinstance(X, pd.DataFrame) and all(isinstance(c, str) for c in X.columns):
            names = np.asarray(X.columns, dtype=object)
        arr = check_matrix(X, what="KOTARO")
        if fit:
            self.n_features_in_ = arr.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return arr
        fitted_names = getattr(self, "feature_names_in_", None)
        if names is not None and fitted_names is not None and not np.array_equal(
                names, fitted_names):
            raise InvalidInputError(
                "The feature names should match those that were passed during fit: "
                f"fitted with {list(fitted_names)[:10]}, got {list(names)[:10]}.")
        if names is None and fitted_names is not None:
            warnings.warn("X does not have valid feature names, but KOTARO was fitted with "
                          "feature names", UserWarning, stacklevel=3)
        if names is not None and fitted_names is None:
            warnings.warn("X has feature names, but KOTARO was fitted without feature names",
                          UserWarning, stacklevel=3)
        if arr.shape[1] != self.n_features_in_:
            raise InvalidInputError(f"X has {arr.shape[1]} features, but KOTARO is expecting "
                                    f"{self.n_features_in_} features as input.")
        return arr

    # ------------------------------------------------------------------ fitting
    def _split_seed(self) -> int:
        """The fold split's seed: ``DEFAULT_SPLIT_SEED`` for None, else from
        ``random_state`` (a Generator is advanced by one draw)."""
        if self.random_state is None:
            return DEFAULT_SPLIT_SEED
        return to_entropy(self.random_state) % (2**32)

    def _splits(self, positive: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """Stratified folds (or the single hold-out of ``cv=None``), or None (with a
        warning) when a class is too small to hold any row out."""
        seed = self._split_seed()
        groups = [np.flatnonzero(~positive), np.flatnonzero(positive)]
        smallest = min(g.size for g in groups)
        n_folds = 0 if self.cv is None else min(int(self.cv), smallest)
        parts: list[tuple[np.ndarray, np.ndarray]] = []
        if self.cv is None:
            rng = rng_from(seed)
            fitted = np.empty(positive.size, dtype=bool)
            for g in groups:
                perm = rng.permutation(g)
                n_val = min(max(round(self.validation_fraction * g.size), 1), g.size - 1)
                fitted[perm] = np.arange(g.size) >= n_val
            parts = [(np.flatnonzero(fitted), np.flatnonzero(~fitted))]
        elif n_folds >= 2:
            folds = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
            parts = list(folds.split(np.zeros((positive.size, 1)), positive))
        too_small = (smallest < 2 or not parts
                     or any(tr.size < self.n_neighbors + 1 for tr, _ in parts))
        if too_small:
            warnings.warn(
                f"KOTARO: the smallest class has {smallest} row(s), too few to hold any "
                "out; the default threshold is used and the calibration is fitted to the "
                "training decision values.", SynthaugWarning, stacklevel=3)
            return None
        if self.cv is not None and n_folds < self.cv:
            warnings.warn(f"KOTARO: cv={self.cv} folds reduced to {n_folds}, the size of the "
                          "smallest class.", SynthaugWarning, stacklevel=3)
        return parts

    def _fit_expansion(self, Xs: np.ndarray, target: np.ndarray, ind: np.ndarray,
                       dist: np.ndarray, floor: float, solver: str, k: int
                       ) -> tuple[_Expansion, np.ndarray, dict[str, Any]]:
        d = local_scale(dist, self.n_neighbors, self.scale_stat)
        gamma = widths(d, floor, self.bandwidth_rule)
        if solver == "exact":
            K = exact_matrix(Xs, gamma, self.kernel_orientation)
            w, info = solve_exact(K, target, float(self.ridge))
            del K
        else:
            K = truncated_matrix(ind[:, :k], dist[:, :k], gamma, self.kernel_orientation)
            w, info = solve_truncated(K, target, float(self.ridge), float(self.tol),
                                      int(self.max_iter))
        exp = _Expansion(Xs, gamma, w, solver, k, self.kernel_orientation, self.n_neighbors,
                         self.scale_stat, self.bandwidth_rule, floor)
        return exp, d, info

    def _held_out_scores(self, Xs: np.ndarray, target: np.ndarray, ind: np.ndarray,
                         dist: np.ndarray, floor: float, solver: str, k: int,
                         parts: list[tuple[np.ndarray, np.ndarray]] | None
                         ) -> tuple[np.ndarray, np.ndarray] | None:
        """Row indices and ``f`` values of the held-out rows, each from a model fitted on
        the other rows (same settings, same floor, neighbour lists reused)."""
        if parts is None:
            return None
        val_idx, val_f = [], []
        for tr, va in parts:
            member = np.zeros(Xs.shape[0], dtype=bool)
            member[tr] = True
            k_sub = min(k, tr.size - 1)
            need_sub = self.n_neighbors if solver == "exact" else k_sub
            t_ind, t_dist = restrict_neighbors(Xs, ind, dist, tr, member, need_sub,
                                               rows_are_members=True)
            sub, _, _ = self._fit_expansion(Xs[tr], target[tr], t_ind, t_dist, floor,
                                            solver, k_sub)
            q_ind = q_dist = None
            n_query = (k_sub + 1 if solver == "sparse" else
                       self.n_neighbors if self.kernel_orientation == "row_centre" else 0)
            if n_query:
                q_ind, q_dist = restrict_neighbors(Xs, ind, dist, va, member, n_query,
                                                   rows_are_members=False)
            val_idx.append(va)
            val_f.append(sub.decision(Xs[va], q_ind, q_dist))
        return np.concatenate(val_idx), np.concatenate(val_f)

    def _fit_threshold_and_calibration(self, held_out: tuple[np.ndarray, np.ndarray] | None,
                                       target: np.ndarray, positive: np.ndarray,
                                       default_thr: float) -> None:
        if held_out is not None:
            self.validation_indices_, self.validation_scores_ = held_out
            self.validation_positive_ = positive[self.validation_indices_]
        else:
            self.validation_indices_ = np.empty(0, dtype=np.intp)
            self.validation_scores_ = np.empty(0)
            self.validation_positive_ = np.empty(0, dtype=bool)
        half_gap = 1.0 if self.label_coding == "pm1" else 0.5
        if self.threshold == "auto" and held_out is not None:
            # chosen on arcsinh((f - default) / half_gap): linear where the coded labels
            # are, logarithmic beyond, so the few huge values an interpolant can produce
            # far from its centres do not inflate the smoothing bandwidth
            z = np.arcsinh((self.validation_scores_ - default_thr) / half_gap)
            t_z, _ = best_threshold(z, self.validation_positive_, 0.0,
                                    float(self.threshold_smoothing))
            self.threshold_ = float(default_thr + half_gap * np.sinh(t_z))
        else:
            self.threshold_ = default_thr if self.threshold == "auto" else float(self.threshold)
        self.validation_balanced_accuracy_ = None
        if held_out is not None:
            pred = self.validation_scores_ > self.threshold_
            pv = self.validation_positive_
            self.validation_balanced_accuracy_ = float(
                0.5 * (pred[pv].mean() + (~pred[~pv]).mean()))
        self.calibration_coef_ = self.calibration_scale_ = None
        if self.calibration == "sigmoid":
            if held_out is not None:
                scores, pos = self.validation_scores_, self.validation_positive_
            else:  # the training decision values: the coded labels, up to the ridge
                scores, pos = target, positive
            s = self._sign * (scores - self.threshold_)
            is_cls1 = pos if self._sign > 0 else ~pos
            self.calibration_scale_ = half_gap
            self.calibration_coef_ = fit_calibration(s, is_cls1, self.calibration_scale_)

    def fit(self, X: Any, y: Any) -> KOTARO:
        """Fit the kernel expansion, and the threshold and calibration on out-of-fold values.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features, no missing values.
        y : array-like of shape (n_samples,)
            Two classes.

        Returns
        -------
        self : KOTARO
        """
        self._check_params()
        if y is None:
            raise InvalidInputError("KOTARO requires y to be passed, but the target y is None.")
        arr = self._as_matrix(X, fit=True)
        y_arr = check_target(y)
        if y_arr.shape[0] != arr.shape[0]:
            raise InvalidInputError(f"X has {arr.shape[0]} rows but y has {y_arr.shape[0]} "
                                    "labels.")
        roles = class_roles(y_arr, binary=True, who="KOTARO")
        classes = np.unique(y_arr)
        n = arr.shape[0]
        check_n_neighbors(n, self.n_neighbors, param="n_neighbors", within="training data")
        self.classes_ = classes
        pos_idx = roles.labels.index(roles.minority)
        self.positive_class_ = classes[pos_idx]
        self._sign = 1.0 if pos_idx == 1 else -1.0
        positive = y_arr == classes[pos_idx]
        pm1 = self.label_coding == "pm1"
        target = np.where(positive, 1.0, -1.0 if pm1 else 0.0)
        default_thr = 0.0 if pm1 else 0.5

        self.mean_ = arr.mean(axis=0)
        if self.standardize:
            std = arr.std(axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)
        else:
            self.scale_ = np.ones(arr.shape[1])
        Xs = (arr - self.mean_) / self.scale_
        del arr

        solver = self.solver if self.solver != "auto" else (
            "exact" if n <= self.max_exact else "sparse")
        k = min(self.sparse_neighbors if self.sparse_neighbors is not None
                else default_sparse_neighbors(self.n_neighbors), n - 1)
        if solver == "exact" and n > self.max_exact:
            warnings.warn(
                f"KOTARO: solver='exact' on {n} rows builds a dense {n} x {n} kernel matrix "
                f"(about {2 * 8 * n * n / 1e9:.1f} GB with the LU copy) and takes O(n^3) "
                "time; solver='sparse' scales linearly.", SynthaugWarning, stacklevel=2)
        if self.solver == "auto" and solver == "sparse":
            warnings.warn(
                f"KOTARO: {n} training rows > max_exact={self.max_exact}, so solver='auto' "
                f"switches from the exact kernel model to the truncated (sparse) one: each "
                f"row keeps only its {k} nearest centres and the system is solved by GMRES. "
                "This is a different model, not a small approximation: on the data measured "
                "in docs/kotaro.md its decision values correlate 0.1 to 0.98 with the exact "
                "model's and its balanced accuracy differs by -0.05 to +0.34. To keep the "
                f"exact model pass solver='exact' or max_exact>={n} (dense n x n matrix, "
                f"about {2 * 8 * n * n / 1e9:.1f} GB, O(n^3) time); pass solver='sparse' to "
                "choose the truncated model and silence this warning.",
                SynthaugWarning, stacklevel=2)
        need = self.n_neighbors if solver == "exact" else k
        tuning = self.threshold == "auto" or self.calibration is not None
        parts = self._splits(positive) if tuning else None
        self.n_splits_ = 0 if parts is None else len(parts)
        n_list = need
        if parts is not None:
            held = max(va.size for _, va in parts) / n
            n_list = min(n - 1, math.ceil((need + 1) / (1.0 - held) * 1.25) + 5)
        check_memory(_memory_bytes(n, Xs.shape[1], solver, k, n_list),
                     what=f"KOTARO (solver={solver!r}) on {n:,} x {Xs.shape[1]}",
                     alternative=("use solver='sparse', whose memory grows linearly" if
                                  solver == "exact" else
                                  "fit on a stratified subsample, or lower sparse_neighbors."))
        ind, dist = kneighbors(Xs, n_list, return_distance=True)
        d_all = local_scale(dist, self.n_neighbors, self.scale_stat)
        floor = scale_floor(d_all, Xs)

        held_out = self._held_out_scores(Xs, target, ind, dist, floor, solver, k, parts)
        self._expansion, self.local_scale_, self.solver_info_ = self._fit_expansion(
            Xs, target, ind[:, :need], dist[:, :need], floor, solver, k)
        self.X_fit_ = Xs
        self.gamma_ = self._expansion.gamma
        self.dual_coef_ = self._expansion.w
        self.scale_floor_ = floor
        self.solver_ = solver
        self.sparse_neighbors_ = k if solver == "sparse" else None

        self._fit_threshold_and_calibration(held_out, target, positive, default_thr)
        return self

    # ------------------------------------------------------------------ prediction
    def _check_fitted(self) -> None:
        if not hasattr(self, "_expansion"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")

    def kernel_expansion(self, X: Any) -> np.ndarray:
        """The raw expansion ``f(x) = sum_j w_j k_j(x)`` in the label coding.

        Larger means more minority-like; at the training rows it reproduces the coded
        labels (exact form, ``column_centre``, small ridge).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        f : ndarray of shape (n_samples,)
        """
        self._check_fitted()
        Xs = (self._as_matrix(X, fit=False) - self.mean_) / self.scale_
        return self._expansion.decision(Xs)

    def decision_function(self, X: Any) -> np.ndarray:
        """Signed distance to the threshold, positive for ``classes_[1]`` (scikit-learn's
        binary convention): ``f - threshold_``, negated when the minority is ``classes_[0]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        f = self.kernel_expansion(X)
        return self._sign * (f - self.threshold_)

    def predict(self, X: Any) -> np.ndarray:
        """Class labels (in the original label space): ``classes_[1]`` where
        ``decision_function > 0``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(np.intp)]

    @available_if(lambda self: self.calibration is not None)
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, calibrated for equal class priors and 0.5 at the threshold.

        ``P(classes_[1]) = expit(a * arcsinh(decision_function / c))`` with
        ``a = calibration_coef_`` and ``c = calibration_scale_`` (see the class Notes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Columns in the order of ``classes_``; increasing in ``decision_function`` for
            ``classes_[1]`` (strictly, until float rounding saturates it at 0 or 1), and
            ``argmax`` equals :meth:`predict` on every row.
        """
        s = self.decision_function(X)
        p1 = calibration_curve_values(s, float(self.calibration_coef_),  # type: ignore[arg-type]
                                      float(self.calibration_scale_))  # type: ignore[arg-type]
        return np.column_stack([1.0 - p1, p1])
