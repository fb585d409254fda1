"""Numerical core of :class:`synthaug.classifiers.KOTARO`.

Everything here works on already validated, centred (and possibly standardised) float64
arrays and on neighbour lists from :func:`synthaug.neighbors.kneighbors`:

* local scales ``d_i`` and per-centre Gaussian widths ``gamma_i`` (with a floor, so
  duplicate rows give finite widths);
* the **exact** form: the dense ``n x n`` kernel matrix, solved directly with a ridge that
  is raised on failure, then least squares as a last resort;
* the **truncated** form: each evaluation point keeps only its nearest centres, giving a
  sparse (CSR) matrix that is never formed densely, solved with restarted GMRES (the
  matrix is not symmetric), again with ridge escalation and a damped least-squares
  fallback;
* evaluation of the kernel expansion ``f(x) = sum_j w_j k_j(x)`` for new rows, in blocks
  of bounded size;
* the two post-processing fits: the balanced-accuracy threshold and Platt scaling.
"""

from __future__ import annotations

import inspect
import math
import warnings
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.optimize import minimize
from scipy.special import expit

from synthaug.exceptions import SynthaugWarning
from synthaug.neighbors import kneighbors

__all__ = [
    "SCALE_FLOOR_REL",
    "best_threshold",
    "exact_decision",
    "exact_matrix",
    "fit_sigmoid",
    "local_scale",
    "restrict_neighbors",
    "scale_floor",
    "solve_exact",
    "solve_truncated",
    "truncated_decision",
    "truncated_matrix",
    "widths",
]

#: Every local scale is at least this fraction of the median positive local scale, so a row
#: with ``n`` exact duplicates (``d_i = 0``) gets a narrow but finite kernel.
SCALE_FLOOR_REL = 1e-3
#: Absolute lower bound of the floor: ``1 / 1e-150**2`` is still a finite float64.
_SCALE_FLOOR_ABS = 1e-150
#: Factor by which the ridge grows on each retry, and how many retries there are.
RIDGE_STEP = 100.0
RIDGE_RETRIES = 3
#: Elements of one dense block of kernel values during prediction (32 MiB of float64).
DENSE_BLOCK = 1 << 22
#: Inner iterations between GMRES restarts.
GMRES_RESTART = 50
_RTOL_KW = "rtol" if "rtol" in inspect.signature(spla.gmres).parameters else "tol"


# --------------------------------------------------------------------------- bandwidths
def local_scale(dist: np.ndarray, n_neighbors: int, stat: str) -> np.ndarray:
    """``d_i``: the max, mean or min of each row's first ``n_neighbors`` neighbour distances.

    ``dist`` holds sorted distances to the nearest *other* rows (the row itself excluded),
    so ``"max"`` is the distance to the farthest of the ``n`` nearest neighbours.
    """
    block = dist[:, :n_neighbors]
    if stat == "max":
        return block[:, -1].copy()
    if stat == "min":
        return block[:, 0].copy()
    return block.mean(axis=1)


def scale_floor(d: np.ndarray, X: np.ndarray) -> float:
    """The smallest local scale allowed: ``SCALE_FLOOR_REL`` x the median positive ``d_i``.

    When every ``d_i`` is zero (each row has at least ``n`` exact duplicates) the root mean
    squared distance of the rows to their mean replaces the median; when that is zero too,
    1 does.
    """
    positive = d[d > 0]
    if positive.size:
        ref = float(np.median(positive))
    else:
        ref = math.sqrt(float(np.mean(np.einsum("ij,ij->i", X, X)))) if X.size else 0.0
        ref = ref if ref > 0 and math.isfinite(ref) else 1.0
    return max(SCALE_FLOOR_REL * ref, _SCALE_FLOOR_ABS)


def widths(d: np.ndarray, floor: float, rule: str) -> np.ndarray:
    """``gamma_i = 1 / d_i`` (``"inv_dist"``) or ``1 / d_i**2`` (``"inv_dist_sq"``), with
    ``d_i`` raised to ``floor`` first."""
    dd = np.maximum(d, floor)
    return 1.0 / dd if rule == "inv_dist" else 1.0 / (dd * dd)


# --------------------------------------------------------------------------- exact form
def _sq_dist(A: np.ndarray, B: np.ndarray, a2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    D = A @ B.T
    D *= -2.0
    D += a2[:, None]
    D += b2[None, :]
    np.maximum(D, 0.0, out=D)
    return D


def exact_matrix(X: np.ndarray, gamma: np.ndarray, orientation: str) -> np.ndarray:
    """The dense kernel matrix: ``K_ij = exp(-gamma_j |x_i - x_j|^2)`` for
    ``"column_centre"`` (column ``j`` is the basis function centred at ``x_j``) or
    ``exp(-gamma_i |x_i - x_j|^2)`` for ``"row_centre"``."""
    x2 = np.einsum("ij,ij->i", X, X)
    K = _sq_dist(X, X, x2, x2)
    np.fill_diagonal(K, 0.0)
    K *= -(gamma[None, :] if orientation == "column_centre" else gamma[:, None])
    np.exp(K, out=K)
    return K


def _ridges(ridge: float) -> list[float]:
    base = max(ridge, 1e-10)
    return [ridge] + [base * RIDGE_STEP ** i for i in range(1, RIDGE_RETRIES + 1)]


def solve_exact(K: np.ndarray, y: np.ndarray, ridge: float) -> tuple[np.ndarray, dict[str, Any]]:
    """Solve ``(K + ridge I) w = y`` with LU; raise the ridge on failure, then use least squares.

    A solve fails when LAPACK reports a singular or numerically singular matrix (reciprocal
    condition number below machine epsilon), or when the result is not finite or its
    relative residual exceeds 1e-6. Each retry multiplies the ridge by ``RIDGE_STEP``.

    Returns
    -------
    w : ndarray of shape (n,)
    info : dict
        ``method`` ("lu" or "lstsq"), ``ridge`` (the one used) and ``residual`` (relative).
    """
    n = K.shape[0]
    ynorm = max(float(np.linalg.norm(y)), 1e-300)
    for attempt, r in enumerate(_ridges(ridge)):
        A = K.copy()
        A.flat[:: n + 1] += r
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", sla.LinAlgWarning)
                w = sla.solve(A, y, overwrite_a=True, check_finite=False)
        except (np.linalg.LinAlgError, sla.LinAlgWarning, ValueError):
            continue
        finally:
            del A
        if not np.all(np.isfinite(w)):
            continue
        res = float(np.linalg.norm(K @ w + r * w - y)) / ynorm
        if res <= 1e-6:
            if attempt:
                warnings.warn(f"KOTARO: the kernel system was singular or ill-conditioned with "
                              f"ridge={ridge:g}; solved with ridge={r:g} instead.",
                              SynthaugWarning, stacklevel=3)
            return w, {"method": "lu", "ridge": r, "residual": res}
    r = _ridges(ridge)[-1]
    A = K.copy()
    A.flat[:: n + 1] += r
    w = sla.lstsq(A, y, cond=1e-12, check_finite=False)[0]
    res = float(np.linalg.norm(A @ w - y)) / ynorm
    warnings.warn(f"KOTARO: the kernel system stayed singular up to ridge={r:g}; used a "
                  f"least-squares solution (relative residual {res:.2g}).",
                  SynthaugWarning, stacklevel=3)
    return w, {"method": "lstsq", "ridge": r, "residual": res}


def exact_decision(X_fit: np.ndarray, gamma: np.ndarray, w: np.ndarray, Q: np.ndarray,
                   orientation: str, q_gamma: np.ndarray | None = None) -> np.ndarray:
    """``f(q) = sum_j w_j exp(-g |q - x_j|^2)`` over all centres, in blocks of query rows.

    ``g`` is ``gamma_j`` (column_centre) or the query's own width ``q_gamma`` (row_centre).
    """
    x2 = np.einsum("ij,ij->i", X_fit, X_fit)
    out = np.empty(Q.shape[0])
    step = max(1, DENSE_BLOCK // max(1, X_fit.shape[0]))
    for s in range(0, Q.shape[0], step):
        q = Q[s:s + step]
        E = _sq_dist(q, X_fit, np.einsum("ij,ij->i", q, q), x2)
        E *= -(gamma[None, :] if orientation == "column_centre"
               else q_gamma[s:s + step, None])  # type: ignore[index]
        np.exp(E, out=E)
        out[s:s + step] = E @ w
    return out


# --------------------------------------------------------------------------- truncated form
def _truncated_values(ind: np.ndarray, dist: np.ndarray, gamma_centre: np.ndarray,
                      orientation: str, gamma_row: np.ndarray | None) -> np.ndarray:
    g = gamma_centre[ind] if orientation == "column_centre" else gamma_row[:, None]  # type: ignore[index]
    return np.exp(-g * (dist * dist))


def truncated_matrix(ind: np.ndarray, dist: np.ndarray, gamma: np.ndarray,
                     orientation: str) -> sp.csr_matrix:
    """The truncated kernel matrix in CSR form (never dense).

    Row ``i`` keeps the diagonal (``K_ii = 1``) and its ``k`` nearest other training rows
    (``ind``/``dist``, self excluded), so it has ``k + 1`` stored entries. Prediction keeps
    the same rule (a query's ``k + 1`` nearest centres), so the fitted function and the
    predicted one coincide at the training rows.
    """
    n, k = ind.shape
    cols = np.empty((n, k + 1), dtype=np.intp)
    cols[:, 0] = np.arange(n)
    cols[:, 1:] = ind
    vals = np.empty((n, k + 1))
    vals[:, 0] = 1.0
    vals[:, 1:] = _truncated_values(ind, dist, gamma, orientation, gamma)
    indptr = np.arange(0, n * (k + 1) + 1, k + 1, dtype=np.intp)
    return sp.csr_matrix((vals.ravel(), cols.ravel(), indptr), shape=(n, n))


def solve_truncated(K: sp.csr_matrix, y: np.ndarray, ridge: float, tol: float,
                    max_iter: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Solve ``(K + ridge I) w = y`` for a sparse, non-symmetric ``K`` with GMRES.

    GMRES(``GMRES_RESTART``) runs up to ``max_iter`` inner iterations to a relative residual
    of ``tol``. If it does not get there, the ridge is multiplied by ``RIDGE_STEP`` (up to
    ``RIDGE_RETRIES`` times, warm-started from the last iterate); if it still fails, damped
    least squares (LSMR with ``damp = sqrt(last ridge)``) gives a bounded solution. Both
    fallbacks warn.

    Returns
    -------
    w : ndarray of shape (n,)
    info : dict
        ``method`` ("gmres" or "lsmr"), ``ridge``, ``iterations`` (all attempts) and
        ``residual`` (relative, of the system actually solved).
    """
    n = K.shape[0]
    eye = sp.identity(n, format="csr")
    ynorm = max(float(np.linalg.norm(y)), 1e-300)
    restart = max(1, min(GMRES_RESTART, n))
    cycles = max(1, math.ceil(max_iter / restart))
    iterations = 0
    w = np.zeros(n)
    A = K
    for attempt, r in enumerate(_ridges(ridge)):
        A = K + r * eye
        count = [0]

        def _count(_: Any, c: list[int] = count) -> None:
            c[0] += 1

        w_new, _ = spla.gmres(A, y, x0=w, restart=restart, maxiter=cycles, atol=0.0,
                              callback=_count, callback_type="pr_norm", **{_RTOL_KW: tol})
        iterations += count[0]
        if np.all(np.isfinite(w_new)):
            w = w_new
            res = float(np.linalg.norm(A @ w - y)) / ynorm
            # gmres' own convergence test uses its preconditioned residual; check the true one
            if res <= 10.0 * tol:
                if attempt:
                    warnings.warn(
                        f"KOTARO: GMRES did not converge on the truncated kernel system with "
                        f"ridge={ridge:g}; converged with ridge={r:g}.",
                        SynthaugWarning, stacklevel=3)
                return w, {"method": "gmres", "ridge": r, "iterations": iterations,
                           "residual": res}
    r = _ridges(ridge)[-1]
    out = spla.lsmr(K, y, damp=math.sqrt(r), atol=tol, btol=tol, maxiter=max(max_iter, 100))
    w = out[0]
    iterations += int(out[2])
    res = float(np.linalg.norm(K @ w - y)) / ynorm
    warnings.warn(
        f"KOTARO: GMRES did not converge on the truncated kernel system up to ridge={r:g}; "
        f"used damped least squares (relative residual {res:.2g}). The kernels are probably "
        "too wide for truncation: try bandwidth_rule='inv_dist', standardize=True, more "
        "sparse_neighbors or a larger ridge.", SynthaugWarning, stacklevel=3)
    return w, {"method": "lsmr", "ridge": r, "iterations": iterations, "residual": res}


def truncated_decision(ind: np.ndarray, dist: np.ndarray, gamma: np.ndarray, w: np.ndarray,
                       orientation: str, q_gamma: np.ndarray | None = None) -> np.ndarray:
    """``f(q) = sum over q's nearest centres j of w_j exp(-g |q - x_j|^2)`` from the query's
    neighbour lists (``ind``/``dist``, shape (n_query, k + 1))."""
    E = _truncated_values(ind, dist, gamma, orientation, q_gamma)
    return np.einsum("ij,ij->i", E, w[ind])


def restrict_neighbors(X: np.ndarray, ind: np.ndarray, dist: np.ndarray, rows: np.ndarray,
                       member: np.ndarray, k: int, *, rows_are_members: bool
                       ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of a subset, for some rows, reusing full-data neighbour lists.

    ``ind``/``dist`` are sorted neighbour lists over all of ``X`` (each row itself excluded).
    The ``k`` nearest subset members of a row are the first ``k`` members in its list, so
    no new search is needed when the list holds enough of them; rows that lack members are
    searched again in the subset. Indices are returned in subset numbering.

    Parameters
    ----------
    rows : ndarray of int
        Rows (full numbering) whose lists are wanted.
    member : ndarray of bool, shape (n,)
        The subset.
    rows_are_members : bool
        Whether ``rows`` belong to the subset (their own entry is then excluded, as in a
        self-query).
    """
    to_sub = np.cumsum(member) - 1
    cand, cdist = ind[rows], dist[rows]
    keep = member[cand]
    keep &= np.cumsum(keep, axis=1) <= k
    ok = keep.sum(axis=1) == k
    out_i = np.empty((rows.size, k), dtype=np.intp)
    out_d = np.empty((rows.size, k))
    out_i[ok] = to_sub[cand[ok][keep[ok]]].reshape(-1, k)
    out_d[ok] = cdist[ok][keep[ok]].reshape(-1, k)
    lacking = np.flatnonzero(~ok)
    if lacking.size:
        Xs = X[member]
        Q = X[rows[lacking]]
        if rows_are_members:
            ii, dd = kneighbors(Xs, k + 1, Q, return_distance=True)
            own = to_sub[rows[lacking]]
            is_self = ii == own[:, None]
            is_self[~is_self.any(axis=1), -1] = True
            first = np.argmax(is_self, axis=1)
            drop = np.zeros_like(is_self)
            drop[np.arange(lacking.size), first] = True
            ii = ii[~drop].reshape(lacking.size, k)
            dd = dd[~drop].reshape(lacking.size, k)
        else:
            ii, dd = kneighbors(Xs, k, Q, return_distance=True)
        out_i[lacking] = ii
        out_d[lacking] = dd
    return out_i, out_d


# --------------------------------------------------------------------------- post-processing
def best_threshold(scores: np.ndarray, positive: np.ndarray,
                   default: float) -> tuple[float, float]:
    """The threshold ``t`` maximising balanced accuracy of ``scores > t``.

    Every distinct cut is tried: the midpoints between consecutive distinct scores, plus
    one cut below all scores and one above. Ties are broken towards ``default``.

    Returns
    -------
    threshold : float
    balanced_accuracy : float
    """
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    p = positive[order].astype(bool)
    m = s.size
    n_pos, n_neg = int(p.sum()), int(m - p.sum())
    cum_pos = np.concatenate([[0], np.cumsum(p)])
    cum_neg = np.concatenate([[0], np.cumsum(~p)])
    # cut k: rows [0, k) are predicted negative; only cuts between distinct values are real
    k = np.flatnonzero(np.concatenate([[True], s[1:] > s[:-1], [True]]))
    tpr = (n_pos - cum_pos[k]) / max(n_pos, 1)
    tnr = cum_neg[k] / max(n_neg, 1)
    bacc = 0.5 * (tpr + tnr)
    spread = max(float(s[-1] - s[0]), 1.0) if m else 1.0
    lo = np.where(k > 0, s[np.maximum(k - 1, 0)], s[0] - spread)
    hi = np.where(k < m, s[np.minimum(k, m - 1)], s[-1] + spread)
    t = lo + (hi - lo) / 2.0
    t = np.where((t >= lo) & (t < hi), t, lo)
    best = np.flatnonzero(bacc >= bacc.max() - 1e-12)
    choice = best[np.argmin(np.abs(t[best] - default))]
    return float(t[choice]), float(bacc[choice])


def fit_sigmoid(s: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """Platt scaling: ``P(positive | s) = expit(a s + b)`` with ``a >= 0``.

    Fitted by maximum likelihood against Platt's smoothed targets
    (``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)``), which keep ``a`` finite even when the
    scores separate the classes perfectly. The bound ``a >= 0`` makes the probability
    non-decreasing in the decision value.
    """
    pos = positive.astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    t = np.where(pos, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    scale = float(np.std(s))
    scale = scale if scale > 0 and math.isfinite(scale) else 1.0
    z = s / scale

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        u = params[0] * z + params[1]
        g = expit(u) - t
        return float(np.sum(np.logaddexp(0.0, u) - t * u)), np.array([g @ z, g.sum()])

    x0 = np.array([1.0, math.log((n_pos + 1.0) / (n_neg + 1.0))])
    res = minimize(loss, x0, jac=True, method="L-BFGS-B", bounds=[(0.0, None), (None, None)])
    a, b = (float(v) for v in res.x)
    return a / scale, b
