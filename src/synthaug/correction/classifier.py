"""``BiasCorrectedClassifier``: a linear classifier trained on real plus synthetic minority
rows, with the synthetic rows' loss bias estimated on the majority class and subtracted.

Reconstructed from the abstract of Lyu, Ma, L. Zhang and A. R. Zhang, "Bias-Corrected
Data Synthesis for Imbalanced Learning" (arXiv 2510.26046); the estimator itself is not
public in full, so the details below (splits, transfer, guard) are this library's choices,
measured in ``experiments/bias_correction/shift_smote.py`` (see ``docs/bias_correction.md``).

Fit, in four steps:

1. Draw ``n_tilde`` synthetic minority rows ``S1`` from the generator fitted on the data
   (the minority as its target). The augmented risk ``L_aug`` is the mean loss over the
   ``N = n0 + n1 + n_tilde`` real and synthetic rows.
2. ``R`` times: split the majority into a pseudo-minority ``A_r`` (as many rows as the
   minority) and the rest ``B_r``; fit a clone of the generator on ``A_r`` (labelled as the
   minority) against ``B_r`` (labelled as the majority), and draw ``n_tilde`` rows ``S0_r``.
3. Estimate the bias ``B_hat(theta) = mean_r [mean_{S0_r} f - mean_{B_r} f]`` (see
   :mod:`synthaug.correction.transfer`) and minimise
   ``L_aug - scale * B_hat + ||w||^2 / (2 C N)`` by L-BFGS-B from the uncorrected fit.
4. Guard: the corrected objective has rows with negative weight, so it may be non-convex
   or unbounded. If its smallest Hessian eigenvalue at the solution is below ``margin``
   times the uncorrected objective's (at its own solution), the scale is halved and the
   fit redone, until it passes.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import ConvergenceWarning

from synthaug._labels import class_roles
from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_matrix, check_number, check_numeric_X_y
from synthaug.correction.objective import (
    CorrectedObjective,
    PointSet,
    check_loss,
    guarded_minimise,
    minimise,
    smallest_eigenvalue,
)
from synthaug.correction.transfer import (
    MajoritySplits,
    bias_by_split,
    bias_sets,
    check_transfer,
)
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.generators.protocol import as_encoded
from synthaug.limits import check_memory
from synthaug.sizing.counts import resolve_counts

__all__ = ["BiasCorrectedClassifier"]

_GUARDS = ("shrink", "warn", "off")
_BIAS_LABELS = ("minority", "majority")
#: Halvings of the scale the guard tries before it falls back to no correction.


def _seed(entropy: int, *key: int) -> int:
    """An independent integer seed for one use (``key``) of the estimator's seed."""
    return int(np.random.SeedSequence(entropy, spawn_key=key).generate_state(1)[0])


def _one_of(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InvalidParameterError(
            f"{name} must be one of {', '.join(repr(v) for v in options)}; got {value!r}.")
    return str(value)


def check_predict_input(estimator: Any, X: Any, *, fitted: str) -> np.ndarray:
    """``X`` as a float matrix for ``estimator``'s predictions: the estimator must be
    fitted (have the attribute ``fitted``) and ``X`` have the columns it was fitted on."""
    name = type(estimator).__name__
    if not hasattr(estimator, fitted):
        raise NotFittedError(f"This {name} is not fitted yet; call fit first.")
    arr = check_matrix(X, what=name)
    if arr.shape[1] != estimator.n_features_in_:
        raise InvalidInputError(
            f"X has {arr.shape[1]} features, but {name} is expecting "
            f"{estimator.n_features_in_} features as input.")
    return arr


class BiasCorrectedClassifier(ClassifierMixin, BaseEstimator):
    """Linear classifier on real plus synthetic minority rows, bias-corrected (experimental).

    Synthetic rows do not follow the minority's law, so a model trained on them as if they
    were real is biased. This estimator measures the generator's loss bias on the majority
    class (where real rows are plentiful: it feeds the generator a minority-sized subset and
    compares its output with the remaining real rows), moves that estimate to the minority,
    and subtracts it from the augmented training loss. A reconstruction of "Bias-Corrected
    Data Synthesis for Imbalanced Learning" (Lyu, Ma, L. Zhang, A. R. Zhang; arXiv
    2510.26046), not a verified implementation of the paper; see ``docs/bias_correction.md``.

    Binary classification, numeric features; wrap in
    :class:`sklearn.multiclass.OneVsRestClassifier` for more classes. Class-weighted
    logistic regression (no synthetic rows) is the baseline it has to beat.

    Parameters
    ----------
    generator : synthaug generator or protocol generator, default=SMOTEGenerator()
        Makes the synthetic rows; cloned and refitted ``n_splits + 1`` times.
    loss : {"logistic", "squared"}, default="logistic"
        ``"logistic"``: logistic regression. ``"squared"``: least squares on 0/1 targets
        (a linear probability model).
    sampling_strategy : any form of :func:`synthaug.sizing.counts.resolve_counts`, default="balance"
        How many synthetic minority rows (``n_tilde``) to add; ``"balance"`` closes the gap.
    n_splits : int, default=20
        ``R``, the number of random pseudo-minority splits of the majority averaged in the
        bias estimate (split ``r`` depends only on the seed and ``r``, so the first splits
        of a larger ``R`` are those of a smaller one).
    bias_label : {"minority", "majority"}, default="minority"
        The label ``y*`` at which the bias rows are evaluated.
    transfer : {"recentre_sep", "recentre", "loss"}, default="recentre_sep"
        How the majority's bias is moved to the minority
        (:mod:`synthaug.correction.transfer`).
    pseudo_minority_size : "n_minority" or int, default="n_minority"
        Rows of each pseudo-minority ``A_r``; by default as many as the real minority, so
        the generator sees the same input size as when it made ``S1``. The majority must
        hold at least twice this many rows (``A_r`` plus a reference at least as large);
        with ``"n_minority"`` and a majority smaller than twice the minority (mild
        imbalance), ``A_r`` is cut to half the majority, with a warning: the generator then
        sees fewer rows than the minority, so its bias is estimated at a smaller input
        size. An integer that does not fit is an error.
    scale : "auto" or float, default="auto"
        Weight of the correction; ``"auto"`` is ``n_tilde / N``, the share of the synthetic
        rows in the augmented risk.
    convexity_guard : {"shrink", "warn", "off"}, default="shrink"
        ``"shrink"``: if the corrected objective's smallest Hessian eigenvalue at the
        solution is below ``margin`` times the uncorrected one's, halve the scale and
        refit until it is not (at most 12 times, then no correction); warn when the scale
        was shrunk. ``"warn"``: only warn. ``"off"``: no check.
    margin : float in [0, 1], default=0.5
        Required share of the uncorrected objective's curvature.
    C : float, default=1.0
        Inverse ridge strength, as in :class:`sklearn.linear_model.LogisticRegression`:
        the objective, times ``N``, is ``sum of losses - scale * N * B_hat +
        ||w||^2 / (2 C)``; the intercept is not penalised. With no correction the fit is
        ``LogisticRegression(C=C)`` (logistic) or ``Ridge(alpha=1 / C)`` with a halved
        squared loss on 0/1 targets (squared) on the augmented data.
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        L-BFGS-B iterations per fit.
    tol : float, default=1e-8
        Convergence when no gradient component of the objective divided by ``N``
        exceeds ``tol`` (L-BFGS-B's ``gtol``).
    random_state : None, int or numpy Generator, default=None
        Seeds the splits and every generator draw.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
        Zero without ``fit_intercept``.
    naive_coef_, naive_intercept_ : ndarray
        The uncorrected fit on real plus synthetic rows, for comparison.
    n_features_in_ : int
    minority_class_, majority_class_ : label
    n_synthetic_ : int
        ``n_tilde``, the synthetic minority rows added.
    pseudo_minority_size_ : int
    scale_ : float
        The correction scale used (after the guard's shrinking).
    correction_shrunk_ : bool
        Whether the guard shrank the scale.
    min_eigenvalue_, naive_min_eigenvalue_ : float
        Smallest Hessian eigenvalue of the corrected objective at its solution and of the
        uncorrected one at its own (objective divided by ``N``).
    bias_estimate_ : float
        ``B_hat`` at the fitted parameters.
    bias_estimate_std_ : float
        Standard deviation of the per-split estimates (NaN for one split). It understates
        the uncertainty of ``B_hat``: every split reuses most of the majority, so the
        splits are far from independent; do not test "bias is zero" with it.
    bias_by_split_ : ndarray of shape (n_splits,)
        The per-split estimates at the fitted parameters.
    n_iter_ : int
        L-BFGS-B iterations of the final corrected fit.
    splits_ : MajoritySplits
        The pseudo-minority positions (within the majority rows) and the synthetic rows
        drawn from each split (:class:`synthaug.correction.transfer.MajoritySplits`).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from synthaug.correction import BiasCorrectedClassifier
    >>> X, y = make_classification(600, 5, weights=[0.9], random_state=0)
    >>> clf = BiasCorrectedClassifier(random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    def __init__(self, generator: Any = None, *, loss: str = "logistic",
                 sampling_strategy: Any = "balance", n_splits: int = 20,
                 bias_label: str = "minority", transfer: str = "recentre_sep",
                 pseudo_minority_size: Any = "n_minority", scale: Any = "auto",
                 convexity_guard: str = "shrink", margin: float = 0.5, C: float = 1.0,
                 fit_intercept: bool = True, max_iter: int = 1000, tol: float = 1e-8,
                 random_state: Any = None) -> None:
        self.generator = generator
        self.loss = loss
        self.sampling_strategy = sampling_strategy
        self.n_splits = n_splits
        self.bias_label = bias_label
        self.transfer = transfer
        self.pseudo_minority_size = pseudo_minority_size
        self.scale = scale
        self.convexity_guard = convexity_guard
        self.margin = margin
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> None:
        check_loss(self.loss)
        check_transfer(self.transfer)
        _one_of("bias_label", self.bias_label, _BIAS_LABELS)
        _one_of("convexity_guard", self.convexity_guard, _GUARDS)
        check_integer("n_splits", self.n_splits, 1)
        check_integer("max_iter", self.max_iter, 1)
        check_number("C", self.C, 0, open_low=True)
        check_number("tol", self.tol, 0, open_low=True)
        check_number("margin", self.margin, 0, 1)
        if self.scale != "auto":
            check_number("scale", self.scale, 0)
        if self.pseudo_minority_size != "n_minority":
            check_integer("pseudo_minority_size", self.pseudo_minority_size, 1)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise InvalidParameterError(
                f"fit_intercept must be True or False; got {self.fit_intercept!r}.")

    def _generator(self) -> Any:
        if self.generator is None:
            from synthaug.generators.smote import SMOTEGenerator

            return SMOTEGenerator()
        as_encoded(self.generator)  # raises for something that is not a generator
        return self.generator

    def _sizes(self, y: np.ndarray) -> tuple[int, int]:
        """``(n_tilde, n_A)`` for labels ``y``; with synthetic rows to add, the majority
        must hold a pseudo-minority and a reference at least as large."""
        roles = class_roles(y, binary=True, who="BiasCorrectedClassifier")
        n0, n1 = roles.counts[roles.majority], roles.counts[roles.minority]
        n_tilde = int(resolve_counts(y, self.sampling_strategy).get(roles.minority, 0))
        n_A = n1 if self.pseudo_minority_size == "n_minority" else int(
            self.pseudo_minority_size)
        if n_tilde and n0 < 2 * n_A and self.pseudo_minority_size == "n_minority" and (
                n0 // 2 >= 2):
            warnings.warn(
                f"The majority class {roles.majority!r} has {n0} rows, fewer than twice the "
                f"minority's {n1}: each pseudo-minority gets {n0 // 2} rows (half the "
                "majority) instead of one per minority row.", SynthaugWarning, stacklevel=3)
            n_A = n0 // 2
        if n_tilde and n0 < 2 * n_A:
            raise NotEnoughSamplesError(
                f"The majority class {roles.majority!r} has {n0} rows, but the bias estimate "
                f"needs a pseudo-minority of {n_A} rows (pseudo_minority_size) plus a real "
                f"reference at least as large: {2 * n_A} rows. Lower pseudo_minority_size "
                f"to at most {n0 // 2}, or fit without correction.")
        return n_tilde, n_A

    def memory_estimate(self, y: Any, n_features: int) -> int:
        """Peak bytes of ``fit`` beyond its input, for labels ``y`` and ``n_features``
        columns: the augmented rows, the ``R`` synthetic majority samples and shifted
        pseudo-minorities, the per-split scores of the majority, and the generator's own
        working memory (see :mod:`synthaug.limits`)."""
        y = np.asarray(y)
        roles = class_roles(y)
        d = int(n_features)
        n = sum(roles.counts.values())
        n0, n1 = roles.counts[roles.majority], roles.counts[roles.minority]
        R = int(self.n_splits)
        n_tilde = int(resolve_counts(y, self.sampling_strategy).get(roles.minority, 0)) \
            if roles.n_classes > 1 else 0
        n_A = n1 if self.pseudo_minority_size == "n_minority" else int(
            self.pseudo_minority_size)
        # data with S1, S0 as drawn and stacked, the shifted pseudo-minorities, X0 copy
        rows = (n + n_tilde) * d + R * (2 * n_tilde + n_A) * d + n0 * d
        largest = max(n0 * R, R * n_tilde, n + n_tilde)
        scores = 4 * largest                                           # z, loss, g, h
        hessian = 2 * max(R * n_tilde, n + n_tilde, n0) * (d + 1)      # (x, 1) and h (x, 1)
        estimate = getattr(self._generator(), "memory_estimate", None)
        work = estimate(n, d, n1) if callable(estimate) else 0
        return int(8 * (rows + scores + hessian) + work)

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> BiasCorrectedClassifier:
        """Fit the uncorrected and the corrected model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.
        y : array-like of shape (n_samples,)
            Two classes.

        Returns
        -------
        self
        """
        self._check_params()
        X, y = check_numeric_X_y(X, y, what="BiasCorrectedClassifier", binary=True)
        n_tilde, n_A = self._sizes(y)
        check_memory(self.memory_estimate(y, X.shape[1]),
                     what=f"BiasCorrectedClassifier on {len(y):,} x {X.shape[1]}",
                     alternative="lower n_splits, subsample the majority class, or ask "
                                 "for fewer synthetic rows (sampling_strategy).")
        roles = class_roles(y)
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        self.minority_class_, self.majority_class_ = roles.minority, roles.majority
        self.n_synthetic_ = n_tilde
        self.pseudo_minority_size_ = n_A
        entropy = to_entropy(self.random_state)
        generator = self._generator()
        codec = TableCodec(None).fit(X)
        t_min, N, naive = self._naive_problem(generator, codec, X, y, roles.minority,
                                              n_tilde, entropy)
        theta_naive, naive_res = self._fit_naive(naive)
        if n_tilde == 0:
            warnings.warn("sampling_strategy adds no synthetic rows, so there is no bias to "
                          "correct; the fit is the plain one.", SynthaugWarning, stacklevel=2)
            self._finish_without_correction(theta_naive, naive_res)
            return self

        self.splits_ = self._majority_splits(generator, codec, X[y == roles.majority], roles,
                                             n_A, n_tilde, entropy)
        label = t_min if self.bias_label == "minority" else 1.0 - t_min
        minority_mean = X[y == roles.minority].mean(axis=0)
        bias = bias_sets(self.splits_, self.transfer, minority_mean, label)
        full_scale = n_tilde / N if self.scale == "auto" else float(self.scale)
        objective = naive.with_bias(bias, full_scale)
        theta, res = self._guarded_fit(objective, theta_naive)
        self.coef_, self.intercept_ = self._unpack(theta)
        self.n_iter_ = int(res.nit) if res is not None else 0
        self._record_bias(objective, theta, minority_mean, label)
        return self

    def _naive_problem(self, generator: Any, codec: TableCodec, X: np.ndarray,
                       y: np.ndarray, minority: Any, n_tilde: int, entropy: int
                       ) -> tuple[float, int, CorrectedObjective]:
        """Draw the ``n_tilde`` synthetic minority rows ``S1`` and build the uncorrected
        augmented objective; returns the minority's 0/1 target, ``N`` and the objective
        (``classes_`` must be set)."""
        t_min = float(minority == self.classes_[1])
        S1 = self._draw(generator, codec, X, y, minority, n_tilde, entropy, 0)
        N = len(y) + n_tilde
        base = [PointSet(X, (y == self.classes_[1]).astype(np.float64), 1.0 / N)]
        if n_tilde:
            base.append(PointSet(S1, t_min, 1.0 / N))
        naive = CorrectedObjective(base, [], 0.0, self.loss, 1.0 / (float(self.C) * N),
                                   self.fit_intercept)
        return t_min, N, naive

    def _fit_naive(self, naive: CorrectedObjective) -> tuple[np.ndarray, Any]:
        """The uncorrected augmented fit, from zero; sets ``naive_coef_``,
        ``naive_intercept_`` and ``naive_min_eigenvalue_``."""
        res = minimise(naive, np.zeros(naive.n_params), max_iter=self.max_iter, tol=self.tol)
        self._warn_convergence(res, "uncorrected")
        self.naive_min_eigenvalue_ = smallest_eigenvalue(naive.hessian(res.x))
        self.naive_coef_, self.naive_intercept_ = self._unpack(res.x)
        return res.x, res

    def _record_bias(self, objective: CorrectedObjective, theta: np.ndarray,
                     minority_mean: np.ndarray, label: float) -> None:
        """``bias_estimate_`` at the fitted ``theta``, and its per-split values."""
        w, b = objective.split_theta(theta)
        per_split = bias_by_split(self.splits_, self.transfer, minority_mean, label,
                                  self.loss, w, b)
        self.bias_by_split_ = per_split
        self.bias_estimate_ = objective.bias_value(theta)
        self.bias_estimate_std_ = (float(np.std(per_split, ddof=1)) if len(per_split) > 1
                                   else float("nan"))

    def _finish_without_correction(self, theta: np.ndarray, res: Any) -> None:
        self.coef_, self.intercept_ = self._unpack(theta)
        self.scale_ = 0.0
        self.correction_shrunk_ = False
        self.min_eigenvalue_ = self.naive_min_eigenvalue_
        self.bias_estimate_ = 0.0
        self.bias_estimate_std_ = float("nan")
        self.bias_by_split_ = np.empty(0)
        self.n_iter_ = int(res.nit)

    def _draw(self, generator: Any, codec: TableCodec, X: np.ndarray, y: np.ndarray,
              target: Any, n: int, entropy: int, key: int) -> np.ndarray:
        """``n`` rows from a clone of ``generator`` fitted on ``(X, y)`` for ``target``."""
        if n == 0:
            return np.empty((0, X.shape[1]))
        gen = clone(generator)
        if "random_state" in gen.get_params(deep=False):
            gen.set_params(random_state=_seed(entropy, 1, key))
        encoded = as_encoded(gen)._fit_encoded(codec, X, np.empty((len(X), 0), np.int64), y,
                                               target)
        num, _ = encoded.sample_encoded(n, random_state=_seed(entropy, 2, key))
        return np.asarray(num, dtype=np.float64)

    def _majority_splits(self, generator: Any, codec: TableCodec, X_maj: np.ndarray,
                         roles: Any, n_A: int, n_tilde: int, entropy: int) -> MajoritySplits:
        """Fit the generator on ``n_splits`` pseudo-minorities of the majority and draw.

        The generator sees ``A_r`` labelled as the minority class and the rest of the
        majority, ``B_r``, labelled as the majority class, with the minority as its target:
        the same roles, and the same target size, as when it made the real synthetic rows.
        """
        n0 = X_maj.shape[0]
        labels = np.array([roles.minority, roles.majority])
        y_sub = np.repeat(labels, [n_A, n0 - n_A])
        pseudo, synthetic = [], []
        for r in range(int(self.n_splits)):
            rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(3, r)))
            perm = rng.permutation(n0)
            A, B = np.sort(perm[:n_A]), perm[n_A:]
            X_sub = np.vstack([X_maj[A], X_maj[B]])
            try:
                S0 = self._draw(generator, codec, X_sub, y_sub, roles.minority, n_tilde,
                                entropy, r + 1)
            except (ValueError, TypeError, ArithmeticError) as exc:
                kind = NotEnoughSamplesError if isinstance(exc, NotEnoughSamplesError) \
                    else InvalidInputError
                raise kind(
                    f"The generator {type(generator).__name__} could not be refitted on the "
                    f"majority class with a pseudo-minority of {n_A} rows (needed for the "
                    f"bias estimate): {exc}") from exc
            pseudo.append(A)
            synthetic.append(S0)
        return MajoritySplits(X_major=X_maj, pseudo=pseudo, synthetic=synthetic)

    def _guarded_fit(self, objective: CorrectedObjective, theta_naive: np.ndarray
                     ) -> tuple[np.ndarray, Any]:
        """Minimise ``objective`` from the uncorrected solution, shrinking its scale as
        :attr:`convexity_guard` says; sets ``scale_``, ``correction_shrunk_`` and
        ``min_eigenvalue_``."""
        floor = float(self.margin) * self.naive_min_eigenvalue_
        theta, res, low, scale = guarded_minimise(
            objective, theta_naive, floor, max_iter=self.max_iter, tol=self.tol,
            shrink=self.convexity_guard == "shrink")
        if res is None:   # the guard gave up: the uncorrected fit
            low = self.naive_min_eigenvalue_
        if self.convexity_guard == "warn" and not low >= floor:
            warnings.warn(
                f"The corrected objective is not convex enough at its solution: smallest "
                f"Hessian eigenvalue {low:.3g} < margin x uncorrected ({floor:.3g}) at "
                f"scale {scale:.3g}. The fit may be unreliable; use "
                "convexity_guard='shrink' or a smaller scale.", SynthaugWarning,
                stacklevel=3)
        self.scale_ = float(scale)
        self.correction_shrunk_ = bool(scale < objective.scale)
        self.min_eigenvalue_ = float(low)
        if self.correction_shrunk_:
            warnings.warn(
                f"The corrected objective was not strongly convex enough at scale "
                f"{objective.scale:.3g} (smallest Hessian eigenvalue below margin="
                f"{self.margin} x the uncorrected one's); the correction scale was shrunk to "
                f"{scale:.3g}.", SynthaugWarning, stacklevel=3)
        if res is not None and self.scale_ > 0:
            self._warn_convergence(res, "corrected")
        return theta, res

    def _warn_convergence(self, res: Any, which: str) -> None:
        if not res.success and np.isfinite(res.x).all():
            warnings.warn(f"L-BFGS-B did not converge on the {which} objective "
                          f"({res.message}); increase max_iter or scale the features.",
                          ConvergenceWarning, stacklevel=3)

    def _unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = self.n_features_in_
        coef = np.asarray(theta[:d], dtype=np.float64).reshape(1, d).copy()
        b = float(theta[d]) if self.fit_intercept else 0.0
        return coef, np.array([b])

    # ------------------------------------------------------------------ predict
    def _check_X(self, X: Any) -> np.ndarray:
        return check_predict_input(self, X, fitted="coef_")

    def _score(self, X: Any) -> np.ndarray:
        return self._check_X(X) @ self.coef_[0] + self.intercept_[0]

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores whose sign gives the class (positive: ``classes_[1]``).

        Logistic loss: the log-odds ``X @ coef_ + intercept_``. Squared loss: the fitted
        value minus 0.5 (the fit targets 0 and 1, so 0.5 is the boundary).
        """
        s = self._score(X)
        return s - 0.5 if self.loss == "squared" else s

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n_samples, 2), columns in ``classes_`` order.

        Logistic loss: the sigmoid of the score. Squared loss: the fitted value clipped to
        [0, 1] (a linear probability model; not calibrated).
        """
        s = self._score(X)
        p = expit(s) if self.loss == "logistic" else np.clip(s, 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels."""
        score = self.decision_function(X)
        return self.classes_[(score > 0).astype(int)]

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_class = False  # binary only: wrap in OneVsRestClassifier
        return tags
