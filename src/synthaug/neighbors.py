"""The one nearest-neighbour backend used by every method in synthaug.

All neighbour searches go through :func:`kneighbors`. It is exact by default (scikit-learn's
``NearestNeighbors``, which chunks its distance computations so memory stays bounded and
uses all cores through OpenMP, with ``n_jobs=-1`` for the tree algorithms). Which algorithm
is used is decided here only, and can be overridden globally with :func:`set_neighbors` or
per call by passing an estimator object that has ``fit`` and ``kneighbors`` (the same
duck-typing imbalanced-learn accepts, e.g. a GPU index).

Results are always exact. A large dense search (at least ``ACCELERATE_MIN_PAIRS`` query x
row pairs and ``ACCELERATE_MIN_QUERIES`` queries) takes a faster path built on float32
matrix products (:func:`_blocked_knn`): a pilot search in a subsample bounds each query's
``k``-th distance, one blocked pass keeps the few rows that may lie within that bound, and
those are ranked by exact float64 distance, with every answer checked against a bound on the
float32 rounding error (a query that fails the check is recomputed from all its candidates).
The answer is the exact float64 one either way (ties broken by the lower index), only
faster: on 2 cores, from 50,000 rows up, it takes 0.23-0.40x the time of scikit-learn's
exact brute-force search and 0.6-1.4x that of a bare (inexact) faiss float32 flat index
(``benchmarks/bench_neighbors.py``); at 10,000 x 10,000 it is level with scikit-learn.
No approximate index is ever used unless one is passed in explicitly.

Tests that only ask *how many* rows lie closer than a radius (noise and danger filters)
use :func:`count_closer`, which needs no neighbour lists and no selection: the same blocked
float32 products, certified against the same kind of rounding bound, with the few undecided
pairs recomputed exactly in float64. Both are threaded with joblib (``n_jobs``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from synthaug.exceptions import InvalidInputError

__all__ = ["count_closer", "get_neighbors_config", "kneighbors", "neighbors_config",
           "row_sq_distances", "set_neighbors"]

_CONFIG: dict[str, Any] = {"algorithm": "auto", "n_jobs": -1, "estimator": None,
                           "accelerate": True}
#: Below this many query x indexed pairs (or this many queries) scikit-learn is as fast:
#: measured on 2 cores, level at 10,000 x 10,000 rows, 1.5x slower at 20,000 x 20,000.
ACCELERATE_MIN_PAIRS = 100_000_000
ACCELERATE_MIN_QUERIES = 1_000


_KEEP: Any = object()  # "leave the installed estimator as it is"


def set_neighbors(*, algorithm: str | None = None, n_jobs: int | None = None,
                  estimator: Any = _KEEP, accelerate: bool | None = None) -> None:
    """Set the backend used by every neighbour search.

    Settings combine: only the ones given change, so ``set_neighbors(n_jobs=1)`` keeps an
    estimator installed earlier.

    Parameters
    ----------
    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, optional
        scikit-learn's algorithm choice ("auto" lets scikit-learn pick: brute force with
        its parallel, chunked distance reduction above 15 features, a tree below).
    n_jobs : int, optional
        Workers for the tree algorithms and the blocked float32 paths; -1 uses all cores.
    estimator : object, optional
        An unfitted estimator with ``fit(X)`` and ``kneighbors(X, n_neighbors,
        return_distance)``; it is cloned for each search and replaces scikit-learn's.
        ``None`` removes an installed estimator (back to scikit-learn); leaving it out
        keeps the current one.
    accelerate : bool, optional
        Whether large dense searches take the blocked float32 path (same exact answers);
        ``False`` sends every search to scikit-learn.
    """
    if algorithm is not None:
        _CONFIG["algorithm"] = algorithm
    if n_jobs is not None:
        _CONFIG["n_jobs"] = n_jobs
    if estimator is not _KEEP:
        _CONFIG["estimator"] = estimator
    if accelerate is not None:
        _CONFIG["accelerate"] = accelerate


def get_neighbors_config() -> dict[str, Any]:
    """The current backend settings (a copy)."""
    return dict(_CONFIG)


@contextlib.contextmanager
def neighbors_config(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the backend (``with neighbors_config(algorithm="brute"): ...``)."""
    saved = dict(_CONFIG)
    try:
        set_neighbors(**kwargs)
        yield
    finally:
        _CONFIG.clear()
        _CONFIG.update(saved)


def _make_index(n_neighbors: int, estimator: Any = None) -> Any:
    est = estimator if estimator is not None else _CONFIG["estimator"]
    if est is not None:
        index = clone(est) if hasattr(est, "get_params") else est
        if hasattr(index, "set_params"):
            with contextlib.suppress(ValueError, TypeError):
                index.set_params(n_neighbors=n_neighbors)
        return index
    return NearestNeighbors(n_neighbors=n_neighbors, algorithm=_CONFIG["algorithm"],
                            n_jobs=_CONFIG["n_jobs"])


def kneighbors(X_fit: Any, n_neighbors: int, X_query: Any = None, *,
               return_distance: bool = False, estimator: Any = None
               ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Indices (and distances) of the ``n_neighbors`` nearest rows of ``X_fit``.

    Parameters
    ----------
    X_fit : array or sparse matrix of shape (n_fit, n_features)
        The rows searched.
    n_neighbors : int
        Neighbours per query row.
    X_query : array or sparse matrix, optional
        Query rows. When omitted, each row of ``X_fit`` is queried against the others and
        **itself is excluded** (a duplicate row elsewhere is still a valid neighbour at
        distance 0).
    return_distance : bool, default=False
        Also return the distances.
    estimator : object, optional
        A per-call override of the backend (see :func:`set_neighbors`).

    Returns
    -------
    indices : ndarray of shape (n_query, n_neighbors), int
        Sorted by increasing distance.
    distances : ndarray of shape (n_query, n_neighbors), only with ``return_distance``.
    """
    self_query = X_query is None
    k = n_neighbors + 1 if self_query else n_neighbors
    Q = X_fit if self_query else X_query
    if _use_blocked(X_fit, Q, estimator):
        dist, ind = _blocked_knn(np.asarray(X_fit, dtype=np.float64),
                                 np.asarray(Q, dtype=np.float64), k, _CONFIG["n_jobs"])
        if self_query:
            ind, dist = _drop_self(ind, dist)
        return (ind, dist) if return_distance else ind
    index = _make_index(k, estimator)
    index.fit(X_fit)
    dist, ind = index.kneighbors(X_fit if self_query else X_query, n_neighbors=k,
                                 return_distance=True)
    ind = np.asarray(ind)
    dist = np.asarray(dist)
    if self_query:
        ind, dist = _drop_self(ind, dist)
    return (ind, dist) if return_distance else ind


def _drop_self(ind: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove each query row's own index; where ties pushed it out, drop the farthest."""
    n, k1 = ind.shape
    is_self = ind == np.arange(n)[:, None]
    missing = ~is_self.any(axis=1)
    is_self[missing, k1 - 1] = True
    keep = ~is_self
    return ind[keep].reshape(n, k1 - 1), dist[keep].reshape(n, k1 - 1)


def _use_blocked(X_fit: Any, Q: Any, estimator: Any) -> bool:
    if (estimator is not None or _CONFIG["estimator"] is not None or not _CONFIG["accelerate"]
            or _CONFIG["algorithm"] not in ("auto", "brute")):
        return False
    if not (isinstance(X_fit, np.ndarray) and isinstance(Q, np.ndarray)):
        return False  # sparse (mixed data) and other inputs go to scikit-learn
    return (X_fit.ndim == 2 and X_fit.shape[0] * Q.shape[0] >= ACCELERATE_MIN_PAIRS
            and Q.shape[0] >= ACCELERATE_MIN_QUERIES)


# --------------------------------------------------------------------------- radius counts
#: Query rows per task and indexed rows per matrix product of :func:`count_closer`. Measured
#: on 2 cores, 1M x 20 rows: 1024 x 1024 blocks (4 MB of float32 scores) run at ~0.6 ns a
#: pair; 256 x 8192 at ~0.9 (the scores fall out of cache), 512 x 512 at ~0.9 (per-call cost).
COUNT_QUERY_BLOCK = 1024
COUNT_ROW_BLOCK = 1024


def row_sq_distances(A: Any, B: Any) -> np.ndarray:
    """Squared Euclidean distance between row ``i`` of ``A`` and row ``i`` of ``B``.

    Dense or sparse. The exact float64 reference of :func:`count_closer`: compute a radius
    with this function and a row at exactly that distance is never counted as closer.
    """
    if sp.issparse(A) or sp.issparse(B):
        diff = sp.csr_matrix(A, dtype=np.float64) - sp.csr_matrix(B, dtype=np.float64)
        return np.asarray(diff.multiply(diff).sum(axis=1), dtype=np.float64).ravel()
    diff = np.asarray(A, dtype=np.float64) - np.asarray(B, dtype=np.float64)
    return np.einsum("ij,ij->i", diff, diff)


def count_closer(X_fit: Any, X_query: Any, radius_sq: Any, *, n_jobs: int | None = None
                 ) -> np.ndarray:
    """For each query row, how many rows of ``X_fit`` are *strictly* closer than a radius.

    Parameters
    ----------
    X_fit : array or sparse matrix of shape (n_fit, n_features)
        The rows counted.
    X_query : array or sparse matrix of shape (n_query, n_features)
    radius_sq : array of shape (n_query,) or (n_query, n_radii)
        Squared radius (or radii) of each query row: finite and non-negative.
    n_jobs : int, optional
        Threads; defaults to the backend's ``n_jobs`` (all cores).

    Returns
    -------
    counts : ndarray of int64, shape like ``radius_sq``
        ``counts[i, r]`` is the number of rows ``x`` of ``X_fit`` with
        ``|x - q_i|^2 < radius_sq[i, r]``.

    Notes
    -----
    For dense input the answer is the exact float64 one, with distances as
    :func:`row_sq_distances` computes them. Each pair is first scored in float32 by one
    matrix product, ``q.x - |x|^2 / 2`` on centred rows, and compared with
    ``(|q|^2 - r^2) / 2`` widened by a bound on the float32 rounding error; pairs inside
    that band are recomputed in float64. Sparse input (mixed data) is counted with
    scikit-learn's float64 ``euclidean_distances``.
    """
    r2 = np.asarray(radius_sq, dtype=np.float64)
    single = r2.ndim == 1
    n_query = X_query.shape[0]
    if (r2.ndim not in (1, 2) or r2.shape[0] != n_query or not np.all(np.isfinite(r2))
            or (r2 < 0).any()):
        raise InvalidInputError(
            "count_closer: radius_sq must hold finite, non-negative squared radii, one row "
            f"per query row ({n_query}).")
    r2 = r2.reshape(n_query, -1)
    n_jobs = _CONFIG["n_jobs"] if n_jobs is None else n_jobs
    if n_query == 0 or X_fit.shape[0] == 0:
        counts = np.zeros(r2.shape, dtype=np.int64)
    elif sp.issparse(X_fit) or sp.issparse(X_query):
        counts = _count_sparse(X_fit, X_query, r2)
    else:
        counts = _count_dense(np.asarray(X_fit, dtype=np.float64),
                              np.asarray(X_query, dtype=np.float64), r2, n_jobs)
    return counts[:, 0] if single else counts


def _count_sparse(X: Any, Q: Any, r2: np.ndarray) -> np.ndarray:
    """Counts from float64 ``euclidean_distances``; pairs within its rounding error of a
    radius are recomputed exactly with :func:`row_sq_distances`."""
    X, Q = sp.csr_matrix(X, dtype=np.float64), sp.csr_matrix(Q, dtype=np.float64)
    x2 = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    q2 = np.asarray(Q.multiply(Q).sum(axis=1)).ravel()
    u = float(np.finfo(np.float64).eps) / 2
    tol = 4 * (X.shape[1] + 4) * u * (q2 + x2.max())
    counts = np.empty(r2.shape, dtype=np.int64)
    step = max(1, 2 ** 22 // max(X.shape[0], 1))
    for s in range(0, Q.shape[0], step):
        d2 = euclidean_distances(Q[s:s + step], X, Y_norm_squared=x2[None, :], squared=True)
        for r in range(r2.shape[1]):
            rad = r2[s:s + step, r:r + 1]
            counts[s:s + step, r] = (d2 < rad - tol[s:s + step, None]).sum(axis=1)
            qi, xi = np.nonzero(np.abs(d2 - rad) <= tol[s:s + step, None])
            if qi.size:
                closer = row_sq_distances(X[xi], Q[s + qi]) < r2[s + qi, r]
                np.add.at(counts[s:s + step, r], qi[closer], 1)
    return counts


def _count_dense(X: np.ndarray, Q: np.ndarray, r2: np.ndarray, n_jobs: int) -> np.ndarray:
    Xa, Qa, q2, max_x2 = _scored_rows(X, Q)
    inside, outside = _score_thresholds(q2, r2, max_x2, X.shape[1])
    reach = outside.min(axis=1)                # below it a pair counts for no radius
    with threadpool_limits(limits=1, user_api="blas"):
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_count_block)(X, Q, Xa, Qa, r2, inside, outside, reach,
                                  slice(s, s + COUNT_QUERY_BLOCK))
            for s in range(0, Q.shape[0], COUNT_QUERY_BLOCK))
    return np.concatenate(parts)


def _scored_rows(X: np.ndarray, Q: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Rows as float32 ``[x - mu, -|x - mu|^2 / 2]`` and queries as ``[q - mu, 1]``, so one
    matrix product gives every pair's score ``q.x - |x|^2 / 2`` (centred on the rows' mean
    ``mu``); also the queries' ``|q - mu|^2`` and the largest ``|x - mu|^2``."""
    n, d = X.shape
    mu = X.mean(axis=0)
    Xa = np.empty((n, d + 1), dtype=np.float32)
    max_x2 = 0.0
    for s in range(0, n, 65536):
        xb = X[s:s + 65536] - mu
        x2 = np.einsum("ij,ij->i", xb, xb)
        max_x2 = max(max_x2, float(x2.max()))
        Xa[s:s + 65536, :d] = xb
        Xa[s:s + 65536, d] = -0.5 * x2
    Qc = Q - mu
    q2 = np.einsum("ij,ij->i", Qc, Qc)
    Qa = np.empty((Q.shape[0], d + 1), dtype=np.float32)
    Qa[:, :d] = Qc
    Qa[:, d] = 1.0
    return Xa, Qa, q2, max_x2


def _score_thresholds(q2: np.ndarray, r2: np.ndarray, max_x2: float, d: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Score thresholds of each squared radius: above ``inside`` a pair is surely closer,
    below ``outside`` surely not.

    ``|x - q|^2 < r^2`` exactly when the score exceeds ``c = (|q|^2 - r^2) / 2``. A float32
    dot product of length ``d + 1`` errs by at most ``(d + 1) u sum|a_i b_i|`` (``u`` =
    eps / 2); rounding the inputs and the thresholds to float32 adds a few ``u`` more:
    ``(d + 4) u (|q| max|x| + max|x|^2 / 2) + 2 u |c|`` covers all of it.
    """
    c = 0.5 * (q2[:, None] - r2)
    u = float(np.finfo(np.float32).eps) / 2
    bound = ((d + 4) * u * (np.sqrt(q2 * max_x2) + 0.5 * max_x2)[:, None]
             + 2 * u * np.abs(c) + 1e-30)
    return (c + bound).astype(np.float32), (c - bound).astype(np.float32)


def _hits(qa: np.ndarray, Xa: np.ndarray, reach: np.ndarray
          ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Per block of ``COUNT_ROW_BLOCK`` rows, the pairs whose float32 score reaches the
    query's ``reach``: ``(first row of the block, scores, query positions, row positions
    within the block)``. One matrix product and one comparison per pair."""
    b = qa.shape[0]
    score = np.empty((b, COUNT_ROW_BLOCK), dtype=np.float32)
    flag = np.empty((b, COUNT_ROW_BLOCK), dtype=bool)
    reach = reach[:, None]
    for s in range(0, Xa.shape[0], COUNT_ROW_BLOCK):
        xb = Xa[s:s + COUNT_ROW_BLOCK]
        width = xb.shape[0]
        g, f = score[:, :width], flag[:, :width]
        np.matmul(qa, xb.T, out=g)
        np.greater_equal(g, reach, out=f)
        hits = np.flatnonzero(f)
        if hits.size:
            qi, xi = np.divmod(hits, width)
            yield s, g.ravel()[hits], qi, xi


def _count_block(X: np.ndarray, Q: np.ndarray, Xa: np.ndarray, Qa: np.ndarray,
                 r2: np.ndarray, inside: np.ndarray, outside: np.ndarray, reach: np.ndarray,
                 rows: slice) -> np.ndarray:
    """Exact counts for the query rows ``rows``.

    One float32 product and one comparison per pair find the pairs that may be closer than
    the largest radius (few, for neighbourhood-sized radii); only those are compared with
    each radius, and the ones inside a rounding band are recomputed in float64.
    """
    r2, inside, outside = r2[rows], inside[rows], outside[rows]
    b, n_r = r2.shape
    counts = np.zeros((b, n_r), dtype=np.int64)
    for s, sc, qi, xi in _hits(Qa[rows], Xa, reach[rows]):
        for r in range(n_r):
            sure = sc > inside[qi, r]
            counts[:, r] += np.bincount(qi[sure], minlength=b)
            band = np.flatnonzero(~sure & (sc >= outside[qi, r]))
            if band.size:
                qb = qi[band]
                closer = row_sq_distances(X[s + xi[band]], Q[rows][qb]) < r2[qb, r]
                counts[:, r] += np.bincount(qb[closer], minlength=b)
    return counts


# --------------------------------------------------------------------------- blocked exact kNN
#: Hits a query task may collect before its rows are handed to scikit-learn instead (a
#: loose pilot radius, e.g. masses of duplicate rows, would otherwise hit every row).
MAX_HITS_PER_QUERY = 4096


def _blocked_knn(X: np.ndarray, Q: np.ndarray, k: int, n_jobs: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 k nearest neighbours from float32 matrix products.

    1. A pilot search in a fixed random subsample of ``X`` gives each query ``k`` rows, so
       a radius that surely holds its ``k`` nearest (their largest exact distance).
    2. One pass over ``X``, as in :func:`count_closer`, collects every row whose float32
       score may lie within that radius (the rounding band included): the true ``k``
       nearest are always among these hits, and there are few of them.
    3. Per query, the best ``k + 8`` hits by float32 score are recomputed in float64 and
       ranked (ties by the lower index); the rounding bound certifies that no other hit
       could rank among the ``k``, or the query is ranked from all its hits
       (:func:`_knn_block`). A query block flooded with hits goes to scikit-learn.
    """
    n, d = X.shape
    rng = np.random.default_rng(0)
    m = int(min(n, max(8 * k, 64, np.sqrt(12.0 * k * n))))
    pilot_rows = np.sort(rng.choice(n, size=m, replace=False)) if m < n else np.arange(n)
    pilot = NearestNeighbors(n_neighbors=k, algorithm="brute", n_jobs=n_jobs)
    pilot_ind = pilot_rows[pilot.fit(X[pilot_rows]).kneighbors(Q, return_distance=False)]
    r2 = np.zeros(Q.shape[0])
    for j in range(k):
        np.maximum(r2, row_sq_distances(X[pilot_ind[:, j]], Q), out=r2)
    Xa, Qa, q2, max_x2 = _scored_rows(X, Q)
    inside, outside = _score_thresholds(q2, r2[:, None], max_x2, d)
    # the band's width, twice the rounding bound: a safe allowance for any pair's score
    slack = inside[:, 0].astype(np.float64) - outside[:, 0].astype(np.float64)
    with threadpool_limits(limits=1, user_api="blas"):
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_knn_block)(X, Q, Xa, Qa, q2, outside[:, 0], slack, k,
                                slice(s, s + COUNT_QUERY_BLOCK))
            for s in range(0, Q.shape[0], COUNT_QUERY_BLOCK))
    out_d = np.empty((Q.shape[0], k))
    out_i = np.empty((Q.shape[0], k), dtype=np.intp)
    redo = []
    for s, part in zip(range(0, Q.shape[0], COUNT_QUERY_BLOCK), parts):
        if part is None:
            redo.append(np.arange(s, min(s + COUNT_QUERY_BLOCK, Q.shape[0])))
        else:
            out_d[s:s + len(part[0])], out_i[s:s + len(part[0])] = part
    if redo:
        idx = np.concatenate(redo)
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", n_jobs=n_jobs)
        out_d[idx], out_i[idx] = nn.fit(X).kneighbors(Q[idx], return_distance=True)
    return out_d, out_i


def _knn_block(X: np.ndarray, Q: np.ndarray, Xa: np.ndarray, Qa: np.ndarray, q2: np.ndarray,
               reach: np.ndarray, slack: np.ndarray, k: int, rows: slice
               ) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact ``k`` nearest of the query rows ``rows`` (None: too many hits, redo elsewhere).

    Hits (pairs whose float32 score reaches the pilot radius) go into a padded table; the
    best ``k + 8`` by score of each query (``argpartition``) are recomputed in float64 and
    re-ranked. That answer is certified when every hit left out scores too low to tie the
    ``k``-th even after rounding; queries that fail are recomputed from all their hits.
    ``slack`` is a per-query allowance for the float32 error of a score (at least the
    rounding bound).
    """
    b = reach[rows].shape[0]
    q_hits, x_hits, s_hits, total = [], [], [], 0
    for s, sc, qi, xi in _hits(Qa[rows], Xa, reach[rows]):
        q_hits.append(qi.astype(np.int32))
        x_hits.append((xi + s).astype(np.intp))
        s_hits.append(sc)
        total += qi.size
        if total > MAX_HITS_PER_QUERY * b:
            return None
    # hits into a padded (query, hit) table; each block's hits arrive sorted by query
    size = np.zeros(b, dtype=np.intp)
    pos = []
    for qi in q_hits:
        per_query = np.bincount(qi, minlength=b)
        starts = np.cumsum(per_query) - per_query
        pos.append(size[qi] + np.arange(qi.size) - starts[qi])
        size += per_query
    width = int(size.max())
    n_cand = k + 8
    table_s = np.full((b, max(width, n_cand + 1)), -np.inf, dtype=np.float32)
    table_x = np.zeros(table_s.shape, dtype=np.intp)
    qi, at = np.concatenate(q_hits), np.concatenate(pos)
    table_s[qi, at] = np.concatenate(s_hits)
    table_x[qi, at] = np.concatenate(x_hits)
    # best n_cand scores of each query first, then the best of the rest at n_cand
    part = np.argpartition(-table_s, n_cand, axis=1)
    cand = np.take_along_axis(table_x, part[:, :n_cand], axis=1)
    padding = np.take_along_axis(table_s, part[:, :n_cand], axis=1) == -np.inf
    best_left = np.take_along_axis(table_s, part[:, n_cand:n_cand + 1], axis=1)[:, 0]
    Qr = Q[rows]
    d2 = row_sq_distances(X[cand.ravel()], np.repeat(Qr, n_cand, axis=0)).reshape(b, n_cand)
    d2[padding] = np.inf                                           # short hit lists
    rank = np.lexsort((cand, d2), axis=1)[:, :k]
    out_d2 = np.take_along_axis(d2, rank, axis=1)
    out_i = np.take_along_axis(cand, rank, axis=1)
    # a left-out hit j has exact d2 >= |q|^2 - 2 (score_j + slack) >= that of the best one
    left = size > n_cand
    floor = q2[rows] - 2.0 * (best_left.astype(np.float64) + slack[rows])
    unsure = np.flatnonzero(left & ~(out_d2[:, -1] < floor))
    for r in unsure:
        xs = table_x[r, :size[r]]
        dr = row_sq_distances(X[xs], np.broadcast_to(Qr[r], (xs.size, Qr.shape[1])))
        top = np.lexsort((xs, dr))[:k]
        out_d2[r], out_i[r] = dr[top], xs[top]
    return np.sqrt(out_d2), out_i
