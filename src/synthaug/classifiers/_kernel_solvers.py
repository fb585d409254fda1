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
* the two post-processing fits: the (smoothed) balanced-accuracy threshold and the
  calibration curve of ``predict_proba``.
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
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit, ndtr

from synthaug.exceptions import SynthaugWarning
from synthaug.neighbors import kneighbors

__all__ = [
    "MIN_SLOPE",
    "SCALE_FLOOR_REL",
    "best_threshold",
    "calibration_curve_values",
    "exact_decision",
    "exact_matrix",
    "fit_calibration",
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
#: Smallest calibration slope: the probability stays strictly increasing in the decision
#: value (so rankings, ROC AUC and average precision are kept) even when the held-out
#: values carry no signal.
MIN_SLOPE = 1e-3
#: Scores per block when the smoothed balanced accuracy is evaluated (32 MiB of float64).
_SMOOTH_BLOCK = 1 << 22


def _bandwidth(v: np.ndarray) -> float:
    """Silverman's rule of thumb, ``0.9 min(sd, IQR / 1.349) m^(-1/5)``; the standard
    deviation alone when the IQR is 0, and 0 when the values do not vary."""
    if v.size < 2:
        return 0.0
    sd = float(np.std(v))
    q75, q25 = np.percentile(v, [75.0, 25.0])
    iqr = float(q75 - q25) / 1.349
    spread = min(sd, iqr) if iqr > 0 else sd
    h = 0.9 * spread * v.size ** -0.2
    return h if math.isfinite(h) and h > 0 else 0.0


def _compress(v: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Values closer than ``width`` merged into their mean, with counts as weights (exact
    distinct values when ``width`` is 0). Keeps the smoothed curves cheap on large data
    while changing them by far less than the smoothing itself."""
    if v.size == 0:
        return v.astype(float), np.zeros(0)
    lo, span = float(v.min()), float(v.max() - v.min())
    if width <= 0 or span / width > 1e12:
        u, counts = np.unique(v, return_counts=True)
        return u.astype(float), counts.astype(float)
    key = np.floor((v - lo) / width).astype(np.int64)
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    means = np.bincount(inv, weights=v) / counts
    return means, counts.astype(float)


def _smoothed_share_above(t: np.ndarray, v: np.ndarray, w: np.ndarray, h: float) -> np.ndarray:
    """``sum_i w_i Phi((v_i - t) / h) / sum_i w_i`` for every cut ``t``: the kernel-smoothed
    share of the values above ``t`` (the plain share of ``v > t`` when ``h`` is 0)."""
    out = np.empty(t.size)
    step = max(1, _SMOOTH_BLOCK // max(1, v.size))
    for s in range(0, t.size, step):
        d = v[None, :] - t[s:s + step, None]
        k = ndtr(d / h) if h > 0 else (d > 0).astype(float)
        out[s:s + step] = k @ w
    return out / w.sum()


def best_threshold(scores: np.ndarray, positive: np.ndarray, default: float,
                   smoothing: float = 0.0) -> tuple[float, float]:
    """The threshold ``t`` maximising the balanced accuracy of ``scores > t``.

    With ``smoothing = 0`` every distinct cut is tried: the midpoints between consecutive
    distinct scores, plus one cut below all scores and one above. With ``smoothing > 0``
    the step functions ``1[s > t]`` are replaced by Gaussian kernels, ``Phi((s - t) / h)``,
    with one bandwidth per class: ``smoothing`` x Silverman's rule of thumb on that class's
    scores. This is the balanced accuracy read off a kernel-smoothed ROC curve ("Smooth
    non-parametric receiver operating characteristic (ROC) curves for continuous
    diagnostic tests", Zou, Hall and Shapiro, 1997). The smoothed curve has no jagged
    steps, so the cut that maximises it moves much less from one sample of scores (one
    fold split) to the next. Scores closer than an eighth of the bandwidth are merged
    first; the candidate cuts are the merged scores and the midpoints between them, and
    the best one is refined by a bounded scalar search. Ties are broken towards
    ``default``.

    Returns
    -------
    threshold : float
    balanced_accuracy : float
        The plain (unsmoothed) balanced accuracy of ``scores > threshold``.
    """
    p = positive.astype(bool)
    if smoothing <= 0 or scores.size == 0 or p.all() or not p.any():
        return _best_cut(scores, p, default)
    h_pos = smoothing * _bandwidth(scores[p])
    h_neg = smoothing * _bandwidth(scores[~p])
    vp, wp = _compress(scores[p], h_pos / 8.0)
    vn, wn = _compress(scores[~p], h_neg / 8.0)
    u = np.unique(np.concatenate([vp, vn]))
    pad = max(float(u[-1] - u[0]), 1.0)
    cand = np.sort(np.concatenate([u, (u[1:] + u[:-1]) / 2.0, [u[0] - pad, u[-1] + pad]]))

    def smoothed(t: np.ndarray) -> np.ndarray:
        tpr = _smoothed_share_above(t, vp, wp, h_pos)
        tnr = 1.0 - _smoothed_share_above(t, vn, wn, h_neg)
        return 0.5 * (tpr + tnr)

    b = smoothed(cand)
    best = np.flatnonzero(b >= b.max() - 1e-12)
    i = int(best[np.argmin(np.abs(cand[best] - default))])
    t = float(cand[i])
    if best.size == 1 and 0 < i < cand.size - 1 and (h_pos > 0 or h_neg > 0):
        res = minimize_scalar(lambda x: -float(smoothed(np.array([x]))[0]),
                              bounds=(float(cand[i - 1]), float(cand[i + 1])),
                              method="bounded")
        if res.success and -res.fun > b[i]:
            t = float(res.x)
    pred = scores > t
    bacc = 0.5 * (pred[p].mean() + (~pred[~p]).mean())
    return t, float(bacc)


def _best_cut(scores: np.ndarray, positive: np.ndarray, default: float) -> tuple[float, float]:
    """Exact maximisation of the balanced accuracy over every distinct cut."""
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


def calibration_curve_values(s: np.ndarray, slope: float, scale: float) -> np.ndarray:
    """``P(classes_[1]) = expit(slope * arcsinh(s / scale))`` for decision values ``s``.

    Exactly 0.5 at ``s = 0`` (the threshold), above 0.5 wherever ``s > 0`` (also where the
    float arithmetic would round it to 0.5), so ``argmax`` of the two columns agrees with
    ``s > 0``.
    """
    p1 = expit(slope * np.arcsinh(s / scale))
    up = (s > 0) & (p1 <= 0.5)
    p1[up] = np.nextafter(0.5, 1.0)
    p1[s <= 0] = np.minimum(p1[s <= 0], 0.5)
    return p1


def fit_calibration(s: np.ndarray, is_cls1: np.ndarray, scale: float) -> float:
    """The slope ``a`` of ``P(classes_[1] | s) = expit(a * arcsinh(s / scale))``.

    ``s`` are decision values (0 at the threshold, positive towards ``classes_[1]``). The
    curve has no intercept, so the probability is exactly 0.5 at the threshold and
    ``argmax(predict_proba) == predict`` by construction. ``a`` is fitted by maximum
    likelihood with:

    * **class-balanced weights** (each class weighs the same in total), so the
      probabilities are those of a problem with equal class priors: the prior under which
      the balanced-accuracy threshold is the Bayes decision, and the only one with which a
      probability of 0.5 *at that threshold* can be calibrated;
    * **Platt's smoothed targets**, ``(N1 + 1) / (N1 + 2)`` and ``1 / (N0 + 2)``, which
      keep ``a`` finite when ``s`` separates the classes perfectly ("Probabilistic outputs
      for support vector machines and comparisons to regularized likelihood methods",
      Platt, 1999);
    * the **arcsinh** transform, linear for ``|s| < scale`` and logarithmic beyond, so a
      few extreme held-out values (interpolants can overshoot far from the data) cannot
      drag the slope to 0;
    * ``a >= MIN_SLOPE``, so the probability stays strictly increasing in ``s``.
    """
    pos = is_cls1.astype(bool)
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return MIN_SLOPE
    t = np.where(pos, (n1 + 1.0) / (n1 + 2.0), 1.0 / (n0 + 2.0))
    w = np.where(pos, 0.5 / n1, 0.5 / n0)
    z = np.arcsinh(s / scale)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        u = params[0] * z
        g = w * (expit(u) - t)
        return float(np.sum(w * (np.logaddexp(0.0, u) - t * u))), np.array([g @ z])

    res = minimize(loss, np.array([1.0]), jac=True, method="L-BFGS-B",
                   bounds=[(MIN_SLOPE, None)])
    a = float(res.x[0])
    return a if math.isfinite(a) else MIN_SLOPE
