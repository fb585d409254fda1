"""The local-symmetry Wald test (VTSS, Ma & Zhang): does imbalance bias the fit at all?

At the balanced optimum ``theta*`` the class gradients cancel on average; the *intrinsic
shift* ``g_phi = grad R0(theta*) - grad R1(theta*)`` says whether each class's gradient
vanishes on its own (local symmetry, ``g_phi = 0``: imbalanced training already targets
``theta*``, and realistic synthetic data cannot help) or not (local asymmetry). The test:

1. a balanced pilot fit (weights ``0.5 / n_class``, rescaled to mean 1);
2. per-class mean scores ``m_k``, mean Hessians ``H_k`` and score covariances ``S_k``;
3. ``H = (H0 + H1) / 2``, ``G = H0 - H1``, ``A0 = I - G H^-1 / 2``, ``A1 = -I - G H^-1 / 2``,
   ``V = A0 S0 A0^T / n0 + A1 S1 A1^T / n1`` (the delta-method variance of ``m0 - m1``);
4. ``T = g^T V^-1 g`` with ``g = m0 - m1``, against ``chi2_p(1 - alpha)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from synthaug._labels import class_roles
from synthaug._validation import check_numeric_X_y
from synthaug.diagnostics._linalg import regularised_inverse
from synthaug.diagnostics.scores import ScoreModel, check_supported, final_step, score_model
from synthaug.exceptions import InvalidParameterError, NotEnoughSamplesError

__all__ = ["SymmetryTest", "balanced_pilot_fit", "class_split", "symmetry_test"]


@dataclass
class SymmetryTest:
    """Result of :func:`symmetry_test`."""

    statistic: float
    cutoff: float
    p_value: float
    df: int
    alpha: float
    regime: str  # "local symmetry" or "local asymmetry"
    g_phi: np.ndarray
    variance: np.ndarray

    @property
    def symmetric(self) -> bool:
        return self.regime == "local symmetry"

    def as_dict(self) -> dict[str, Any]:
        return {"statistic": self.statistic, "cutoff": self.cutoff, "p_value": self.p_value,
                "df": self.df, "alpha": self.alpha, "regime": self.regime,
                "g_phi": self.g_phi.tolist()}


def class_split(y: np.ndarray) -> tuple[Any, Any]:
    """``(majority label, minority label)`` of binary labels, by
    :func:`synthaug._labels.class_roles` (ties: the second label is the minority).

    Raises
    ------
    InvalidInputError
        For anything but two classes.
    """
    roles = class_roles(y, binary=True, who="VTSS, TG-VTSS and their diagnostics")
    return roles.majority, roles.minority


def _fit_weighted(estimator: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
    est = clone(estimator)
    if isinstance(est, Pipeline):
        est.fit(X, y, **{f"{est.steps[-1][0]}__sample_weight": w})
    else:
        est.fit(X, y, sample_weight=w)
    return est


def balanced_pilot_fit(estimator: Any, X: np.ndarray, y: np.ndarray) -> Any:
    """Fit a clone of ``estimator`` with class-balanced weights ``0.5 / n_class`` (mean 1)."""
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    w = 0.5 / counts[inverse]
    return _fit_weighted(estimator, X, y, w / w.mean())


def _binary_target(model: ScoreModel, y: np.ndarray, minority: Any) -> np.ndarray:
    """Labels as the score formulas want them: 0/1 with 1 = the estimator's positive class
    for logistic/MLP models; as given (numeric) for squared loss."""
    if model.kind == "squared":
        return np.asarray(y, dtype=np.float64)
    classes = getattr(model.estimator, "classes_", None)
    positive = classes[1] if classes is not None else minority
    return (y == positive).astype(np.float64)


def symmetry_test(estimator: Any, X: Any, y: Any, *, alpha: float = 0.05,
                  centered: bool = False) -> SymmetryTest:
    """The local-symmetry Wald test of a model on real (not augmented) data.

    Parameters
    ----------
    estimator : estimator
        Unfitted; a balanced pilot fit of a clone is made here. Supported: see
        :data:`synthaug.diagnostics.scores.SUPPORTED`.
    X, y : array-like
        Real training data, two classes.
    alpha : float, default=0.05
        Test level.
    centered : bool, default=False
        Squared-loss models only: regress ``y - 1/2`` instead of ``y`` (0/1 labels), which
        gives the centred scores ``s_i = 2 x_i (x_i^T theta - y_i + 1/2)``.

    Returns
    -------
    SymmetryTest
        Statistic, chi-square cutoff and p-value (``df = p`` parameters), the regime, the
        estimate ``g_phi = m0 - m1`` and its variance ``V``.
    """
    if not 0 < alpha < 1:
        raise InvalidParameterError(f"alpha must lie in (0, 1), got {alpha}.")
    check_supported(estimator)
    X, y = check_numeric_X_y(X, y, what="the symmetry test", binary=True)
    y = centre_labels(estimator, y, centered)
    majority, minority = class_split(y)
    for label in (majority, minority):
        if (y == label).sum() < 2:
            raise NotEnoughSamplesError(
                f"class {label!r} has {(y == label).sum()} row; the symmetry test estimates "
                "a score covariance per class and needs at least 2 rows in each.")
    pilot = balanced_pilot_fit(estimator, X, y)
    model = score_model(pilot)
    return _wald(model, X, y, majority, minority, alpha)


def centre_labels(estimator: Any, y: np.ndarray, centered: bool) -> np.ndarray:
    """``y - 1/2`` for the centred squared loss (regressors only), else ``y``."""
    if not centered:
        return y
    from sklearn.base import is_regressor

    if not is_regressor(final_step(estimator)):
        raise InvalidParameterError("centered=True applies to squared-loss (regression) "
                                    "models only.")
    return np.asarray(y, dtype=np.float64) - 0.5


def _wald(model: ScoreModel, X: np.ndarray, y: np.ndarray, majority: Any, minority: Any,
          alpha: float) -> SymmetryTest:
    t = _binary_target(model, y, minority)
    parts = {}
    for name, label in (("0", majority), ("1", minority)):
        mask = y == label
        s = model.scores(X[mask], t[mask])
        parts[name] = (s.mean(axis=0), model.mean_hessian(X[mask], t[mask]),
                       np.atleast_2d(np.cov(s, rowvar=False, ddof=1)), int(mask.sum()))
    (m0, H0, S0, n0), (m1, H1, S1, n1) = parts["0"], parts["1"]
    p = m0.shape[0]
    H_inv = regularised_inverse((H0 + H1) / 2.0, what="pilot Hessian")
    GH = (H0 - H1) @ H_inv
    A0 = np.eye(p) - GH / 2.0
    A1 = -np.eye(p) - GH / 2.0
    V = A0 @ S0 @ A0.T / n0 + A1 @ S1 @ A1.T / n1
    g = m0 - m1
    T = float(g @ regularised_inverse(V, what="Wald variance") @ g)
    cutoff = float(stats.chi2.ppf(1.0 - alpha, p))
    return SymmetryTest(statistic=T, cutoff=cutoff, p_value=float(stats.chi2.sf(T, p)), df=p,
                        alpha=alpha,
                        regime="local symmetry" if T <= cutoff else "local asymmetry",
                        g_phi=g, variance=V)
