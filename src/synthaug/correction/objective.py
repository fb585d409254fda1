"""Corrected empirical risks for linear models, with analytic gradients and Hessians.

Every risk used by :class:`~synthaug.correction.BiasCorrectedClassifier` is a weighted sum
of per-row losses of a linear score ``z = w . x + b``:

* the augmented risk: real rows and synthetic minority rows, each with weight ``1 / N``;
* the bias estimate: synthetic rows drawn from pseudo-minorities of the majority (weight
  ``+1 / (R n_tilde)``) against held-out real majority rows (weight ``-1 / (R n_B)``), all
  evaluated at one label ``y*``.

A :class:`PointSet` is one such group of rows with one weight. A set may carry several
*shifts* ``delta_r``: each row is then evaluated once per shift, at ``x + delta_r``. That is
how the recentring transfers evaluate the whole majority under ``R`` different shifts
without ``R`` copies of it (for a linear score the shift only adds ``w . delta_r``).

Losses, with labels ``t`` in {0, 1}:

* ``"logistic"``: ``log(1 + exp(z)) - t z`` (the negative log-likelihood);
* ``"squared"``: ``(z - t)^2 / 2``.

:class:`CorrectedObjective` sums the sets and adds the ridge term ``alpha ||w||^2 / 2``
(the intercept is not penalised); :func:`minimise` runs L-BFGS-B on it with the analytic
gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from synthaug.exceptions import InvalidParameterError

__all__ = ["LOSSES", "MAX_HALVINGS", "CorrectedObjective", "PointSet", "check_loss",
           "guarded_minimise", "loss_terms", "minimise",
           "smallest_eigenvalue"]

#: The losses the corrected objective supports.
LOSSES = ("logistic", "squared")


def check_loss(loss: Any) -> str:
    """Return ``loss`` if it is one of :data:`LOSSES`, else raise."""
    if loss not in LOSSES:
        raise InvalidParameterError(
            f"loss must be one of {', '.join(repr(v) for v in LOSSES)}; got {loss!r}.")
    return str(loss)


def loss_terms(loss: str, z: np.ndarray, t: Any, order: int = 1
               ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Elementwise loss, first and (with ``order=2``) second derivative in ``z``.

    Parameters
    ----------
    loss : {"logistic", "squared"}
    z : ndarray
        Linear scores.
    t : float or ndarray broadcastable to ``z``
        Labels in {0, 1}.
    order : {0, 1, 2}
        Highest derivative wanted; the others come back as None.

    Returns
    -------
    value, first, second : ndarray (or None)
    """
    if loss == "logistic":
        value = np.logaddexp(0.0, z) - t * z
        if order == 0:
            return value, None, None
        p = expit(z)
        first = p - t
        second = p * (1.0 - p) if order >= 2 else None
        return value, first, second
    diff = z - t
    value = 0.5 * diff * diff
    if order == 0:
        return value, None, None
    return value, diff, (np.ones_like(z) if order >= 2 else None)


@dataclass(frozen=True)
class PointSet:
    """Rows that enter an objective with one weight per row.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    label : float or ndarray of shape (n,)
        The label (0 or 1) every row is evaluated at, or one per row.
    weight : float
        Weight of each row (of each row-shift pair when ``shifts`` is given); negative
        weights are allowed, which is what makes a corrected objective possibly
        non-convex.
    shifts : ndarray of shape (m, d), optional
        Evaluate every row at ``x + shifts[r]`` for each ``r`` (``m`` evaluations per row).
    """

    X: np.ndarray
    label: Any
    weight: float
    shifts: np.ndarray | None = None

    def scores(self, w: np.ndarray, b: float) -> np.ndarray:
        """Linear scores: shape (n,) without shifts, (n, m) with them."""
        z = self.X @ w + b
        if self.shifts is None:
            return z
        return z[:, None] + (self.shifts @ w)[None, :]

    def labels(self) -> Any:
        """The label(s), shaped to broadcast against :meth:`scores`."""
        lab = np.asarray(self.label, dtype=np.float64)
        if lab.ndim == 1 and self.shifts is not None:
            return lab[:, None]
        return lab

    def total(self, loss: str, w: np.ndarray, b: float) -> float:
        """Weighted sum of the losses (no derivatives)."""
        value, _, _ = loss_terms(loss, self.scores(w, b), self.labels(), order=0)
        return float(self.weight * value.sum())

    def derivatives(self, loss: str, w: np.ndarray, b: float, hessian: bool
                    ) -> tuple[float, np.ndarray, float, np.ndarray | None]:
        """Weighted value, gradient in ``w``, derivative in ``b`` and (optionally) the
        Hessian in ``(w, b)`` (``(d + 1) x (d + 1)``, intercept last)."""
        value, g, h = loss_terms(loss, self.scores(w, b), self.labels(),
                                 order=2 if hessian else 1)
        c = self.weight
        if self.shifts is None:
            grad_w = c * (self.X.T @ g)
            grad_b = c * float(g.sum())
        else:
            g_rows, g_shift = g.sum(axis=1), g.sum(axis=0)
            grad_w = c * (self.X.T @ g_rows + self.shifts.T @ g_shift)
            grad_b = c * float(g_shift.sum())
        hess = self._hessian(h) * c if hessian else None
        return float(c * value.sum()), grad_w, grad_b, hess

    def _hessian(self, h: np.ndarray) -> np.ndarray:
        """``sum_{i, r} h_ir xt_ir xt_ir^T`` with ``xt = (x + delta_r, 1)``."""
        n, d = self.X.shape
        Xt = np.empty((n, d + 1))
        Xt[:, :d] = self.X
        Xt[:, d] = 1.0
        if self.shifts is None:
            return Xt.T @ (Xt * h[:, None])
        out = Xt.T @ (Xt * h.sum(axis=1)[:, None])
        Dt = np.zeros((self.shifts.shape[0], d + 1))
        Dt[:, :d] = self.shifts
        U = Xt.T @ h                                    # (d + 1, m): sum_i h_ir xt_i
        cross = U @ Dt                                  # sum_r u_r delta_r^T
        out += cross + cross.T + Dt.T @ (Dt * h.sum(axis=0)[:, None])
        return out


class CorrectedObjective:
    """``sum over sets of weighted losses - scale * (bias sets) + alpha ||w||^2 / 2``.

    Parameters
    ----------
    base : sequence of PointSet
        The augmented risk (real and synthetic minority rows).
    bias : sequence of PointSet
        The bias estimate ``B_hat(theta)``, entering with the factor ``-scale``.
    scale : float
        Weight of the correction (0 gives the plain augmented risk).
    loss : {"logistic", "squared"}
    alpha : float
        Ridge strength on the coefficients (not the intercept).
    fit_intercept : bool
        Whether ``theta`` ends with an intercept.

    Notes
    -----
    ``theta`` is ``w`` (length ``d``), followed by ``b`` when ``fit_intercept``.
    """

    def __init__(self, base: Sequence[PointSet], bias: Sequence[PointSet], scale: float,
                 loss: str, alpha: float, fit_intercept: bool) -> None:
        self.base = list(base)
        self.bias = list(bias)
        self.scale = float(scale)
        self.loss = check_loss(loss)
        self.alpha = float(alpha)
        self.fit_intercept = bool(fit_intercept)
        sets = self.base + self.bias
        self.n_features = sets[0].X.shape[1] if sets else 0

    @property
    def n_params(self) -> int:
        return self.n_features + int(self.fit_intercept)

    def split_theta(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """``(w, b)`` from ``theta`` (``b = 0`` without an intercept)."""
        theta = np.asarray(theta, dtype=np.float64)
        b = float(theta[-1]) if self.fit_intercept else 0.0
        return theta[:self.n_features], b

    def _weighted_sets(self) -> list[tuple[PointSet, float]]:
        out = [(s, 1.0) for s in self.base]
        if self.scale != 0.0:
            out += [(s, -self.scale) for s in self.bias]
        return out

    def value(self, theta: np.ndarray) -> float:
        """The objective at ``theta``."""
        w, b = self.split_theta(theta)
        total = sum(f * s.total(self.loss, w, b) for s, f in self._weighted_sets())
        return float(total + 0.5 * self.alpha * (w @ w))

    def value_and_grad(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """The objective and its gradient at ``theta`` (the ``jac=True`` form of scipy)."""
        w, b = self.split_theta(theta)
        value = 0.5 * self.alpha * float(w @ w)
        grad = np.zeros(self.n_features + 1)
        grad[:self.n_features] = self.alpha * w
        for s, f in self._weighted_sets():
            v, gw, gb, _ = s.derivatives(self.loss, w, b, hessian=False)
            value += f * v
            grad[:self.n_features] += f * gw
            grad[-1] += f * gb
        return value, (grad if self.fit_intercept else grad[:self.n_features])

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """The Hessian at ``theta``, shape ``(n_params, n_params)``."""
        w, b = self.split_theta(theta)
        d = self.n_features
        H = np.zeros((d + 1, d + 1))
        for s, f in self._weighted_sets():
            H += f * s.derivatives(self.loss, w, b, hessian=True)[3]
        H[np.arange(d), np.arange(d)] += self.alpha
        return H if self.fit_intercept else H[:d, :d]

    def bias_value(self, theta: np.ndarray) -> float:
        """``B_hat(theta)``: the bias sets alone, without the scale."""
        w, b = self.split_theta(theta)
        return float(sum(s.total(self.loss, w, b) for s in self.bias))

    def with_bias(self, bias: Sequence[PointSet], scale: float) -> CorrectedObjective:
        """The same augmented risk with the bias sets ``bias`` at ``scale``."""
        return CorrectedObjective(self.base, bias, scale, self.loss, self.alpha,
                                  self.fit_intercept)

    def with_scale(self, scale: float) -> CorrectedObjective:
        """The same objective with another correction scale."""
        return CorrectedObjective(self.base, self.bias, scale, self.loss, self.alpha,
                                  self.fit_intercept)


def smallest_eigenvalue(H: np.ndarray) -> float:
    """Smallest eigenvalue of a symmetric matrix (``-inf`` if it is not finite)."""
    if not np.isfinite(H).all():
        return -np.inf
    return float(np.linalg.eigvalsh(0.5 * (H + H.T))[0])


#: L-BFGS-B's relative-decrease stop, kept near machine precision so that ``tol`` (the
#: largest gradient component allowed) decides when a fit has converged.
_FTOL = 1e3 * np.finfo(np.float64).eps


def minimise(objective: CorrectedObjective, theta0: np.ndarray, *, max_iter: int,
             tol: float) -> Any:
    """Minimise ``objective`` by L-BFGS-B from ``theta0`` with the analytic gradient;
    ``tol`` bounds the largest gradient component at the solution.

    Returns scipy's ``OptimizeResult``. Overflow on a divergent (unbounded) objective is
    silenced here; the caller judges the result (finite, converged, convex enough).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return minimize(objective.value_and_grad, np.asarray(theta0, dtype=np.float64),
                        jac=True, method="L-BFGS-B",
                        options={"maxiter": int(max_iter), "maxcor": 20, "gtol": tol,
                                 "ftol": _FTOL})


#: How many times the convexity guard halves the correction scale before it gives up and
#: falls back to the uncorrected fit.
MAX_HALVINGS = 12


def guarded_minimise(objective: CorrectedObjective, theta0: np.ndarray, floor: float, *,
                     max_iter: int, tol: float, shrink: bool = True
                     ) -> tuple[np.ndarray, Any, float, float]:
    """Minimise ``objective`` from ``theta0`` under the convexity guard.

    The corrected objective gives real rows negative weight, so it may be non-convex or
    unbounded below. With ``shrink``, while the solution is not finite or the smallest
    Hessian eigenvalue there is below ``floor`` (a margin times the uncorrected objective's),
    the correction scale is halved and the fit redone; after :data:`MAX_HALVINGS` halvings the
    scale is 0 (the uncorrected objective), and if even that fails, ``theta0`` is returned
    with ``res`` None. Without ``shrink`` the first fit is returned as it is.

    Returns
    -------
    theta, res, min_eigenvalue, scale
        The solution, scipy's result (None for the fallback), the smallest Hessian
        eigenvalue at the solution (``-inf`` when it is not finite) and the scale used.
    """
    scale = objective.scale
    for attempt in range(MAX_HALVINGS + 1):
        current = objective.with_scale(scale)
        res = minimise(current, theta0, max_iter=max_iter, tol=tol)
        theta = np.asarray(res.x)
        finite = bool(np.isfinite(theta).all() and np.isfinite(res.fun))
        low = smallest_eigenvalue(current.hessian(theta)) if finite else -np.inf
        if not shrink or (finite and low >= floor):
            return theta, res, float(low), float(scale)
        scale = scale / 2 if attempt < MAX_HALVINGS - 1 else 0.0
    return np.asarray(theta0), None, float(floor), 0.0
