"""The one nearest-neighbour backend used by every method in synthaug.

All neighbour searches go through :func:`kneighbors`. It is exact by default (scikit-learn's
``NearestNeighbors``, which chunks its distance computations so memory stays bounded and
uses all cores through OpenMP, with ``n_jobs=-1`` for the tree algorithms). Which algorithm
is used is decided here only, and can be overridden globally with :func:`set_neighbors` or
per call by passing an estimator object that has ``fit`` and ``kneighbors`` (the same
duck-typing imbalanced-learn accepts, e.g. a GPU index).

Results are always exact. When the optional ``faiss-cpu`` package is installed (the
``fast`` extra) and a dense search is large enough, its flat (brute-force) float32 index is
used to find a few more candidates than needed; those are re-ranked with float64
distances, and every row is checked against a bound on the float32 rounding error. Rows
that the bound cannot certify are searched again with scikit-learn, so the answer is the
exact float64 one either way (ties broken by the lower index), only faster. No
approximate index is ever used unless one is passed in explicitly.

Tests that only ask *how many* rows lie closer than a radius (noise and danger filters)
use :func:`count_closer`, which needs no neighbour lists and no selection: a blocked float32
matrix product, threaded with joblib, certified against the same kind of rounding bound,
with the few undecided pairs recomputed exactly in float64.
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
#: measured on 2 cores, faiss is ~3x faster from 20,000 x 20,000 up, slower at 5,000 x 5,000.
ACCELERATE_MIN_PAIRS = 30_000_000
ACCELERATE_MIN_QUERIES = 1_000


def set_neighbors(*, algorithm: str | None = None, n_jobs: int | None = None,
                  estimator: Any = None, accelerate: bool | None = None) -> None:
    """Set the backend used by every neighbour search.

    Parameters
    ----------
    algorithm : {"auto", "brute", "kd_tree", "ball_tree"}, optional
        scikit-learn's algorithm choice ("auto" lets scikit-learn pick: brute force with
        its parallel, chunked distance reduction above 15 features, a tree below).
    n_jobs : int, optional
        Workers for the tree algorithms; -1 uses all cores.
    estimator : object, optional
        An unfitted estimator with ``fit(X)`` and ``kneighbors(X, n_neighbors,
        return_distance)``; it is cloned for each search and replaces scikit-learn's.
    """
    if algorithm is not None:
        _CONFIG["algorithm"] = algorithm
    if n_jobs is not None:
        _CONFIG["n_jobs"] = n_jobs
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
    if _use_faiss(X_fit, Q, estimator):
        dist, ind = _certified_faiss(np.asarray(X_fit, dtype=np.float64),
                                     np.asarray(Q, dtype=np.float64), k)
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


# --------------------------------------------------------------------------- faiss path
def _faiss() -> Any:
    try:
        import faiss  # type: ignore[import-not-found]
    except ImportError:
        return None
    return faiss


def _use_faiss(X_fit: Any, Q: Any, estimator: Any) -> bool:
    if (estimator is not None or _CONFIG["estimator"] is not None or not _CONFIG["accelerate"]
            or _CONFIG["algorithm"] not in ("auto", "brute")):
        return False
    if not (isinstance(X_fit, np.ndarray) and isinstance(Q, np.ndarray)):
        return False  # sparse (mixed data) and other inputs go to scikit-learn
    if (X_fit.ndim != 2 or X_fit.shape[0] * Q.shape[0] < ACCELERATE_MIN_PAIRS
            or Q.shape[0] < ACCELERATE_MIN_QUERIES):
        return False
    return _faiss() is not None


def _certified_faiss(X: np.ndarray, Q: np.ndarray, k: int, search_block: int = 65536,
                     block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours via float32 candidates, float64 re-ranking and a
    rounding-error certificate; uncertified rows are recomputed by scikit-learn.

    faiss answers large query batches much faster than small ones, so queries are sent in
    batches of ``search_block`` and re-ranked in blocks of ``block`` rows (bounded memory).
    """
    faiss = _faiss()
    n, d = X.shape
    k = min(k, n)
    extra = min(n, k + max(8, k))
    mu = X.mean(axis=0)
    X32 = np.ascontiguousarray(X - mu, dtype=np.float32)
    index = faiss.IndexFlatL2(d)
    index.add(X32)
    norms = np.einsum("ij,ij->i", X32, X32)
    max_x2 = float(norms.max()) * (1 + 1e-5) if n else 0.0
    del X32, norms
    eps = float(np.finfo(np.float32).eps)
    out_d = np.empty((Q.shape[0], k))
    out_i = np.empty((Q.shape[0], k), dtype=np.intp)
    redo: list[np.ndarray] = []
    for s0 in range(0, Q.shape[0], search_block):
        q_all = Q[s0:s0 + search_block] - mu
        d32_all, cand_all = index.search(np.ascontiguousarray(q_all, dtype=np.float32), extra)
        for s1 in range(0, len(q_all), block):
            q = q_all[s1:s1 + block]
            cand = cand_all[s1:s1 + block].astype(np.intp)
            diff = (X[cand] - mu) - q[:, None, :]
            exact = np.einsum("ijk,ijk->ij", diff, diff)
            del diff
            order = _rank(exact, cand)
            rows = np.arange(len(q))[:, None]
            exact = exact[rows, order]
            cand = cand[rows, order]
            start = s0 + s1
            out_d[start:start + len(q)] = np.sqrt(exact[:, :k])
            out_i[start:start + len(q)] = cand[:, :k]
            if extra < n:
                q2 = np.einsum("ij,ij->i", q, q)
                bound = 8.0 * eps * (d + 2) * (q2 + max_x2)
                worst_outside = d32_all[s1:s1 + block, -1].astype(np.float64) - bound
                # strictly inside: a non-candidate tied with the k-th may have a lower index
                bad = ~(exact[:, k - 1] < worst_outside)
                if bad.any():
                    redo.append(start + np.flatnonzero(bad))
    if redo:
        idx = np.concatenate(redo)
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", n_jobs=_CONFIG["n_jobs"])
        dist, ind = nn.fit(X).kneighbors(Q[idx], return_distance=True)
        out_d[idx] = dist
        out_i[idx] = ind
    return out_d, out_i


def _rank(exact: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Per-row order by (exact distance, index)."""
    by_index = np.argsort(cand, axis=1, kind="stable")
    rows = np.arange(exact.shape[0])[:, None]
    by_dist = np.argsort(exact[rows, by_index], axis=1, kind="stable")
    return by_index[rows, by_dist]


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
    n, d = X.shape
    mu = X.mean(axis=0)
    # rows as [x - mu, -|x - mu|^2 / 2] and queries as [q - mu, 1]: one product scores a pair
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
    del Qc
    # |x - q|^2 < r^2  <=>  score > c. A float32 dot product of length d + 1 errs by at most
    # (d + 1) u sum|a_i b_i| (u = eps / 2); rounding the inputs and the thresholds to float32
    # adds a few u more: (d + 4) u (|q| max|x| + max|x|^2 / 2) + 2 u |c| covers all of it.
    c = 0.5 * (q2[:, None] - r2)
    u = float(np.finfo(np.float32).eps) / 2
    bound = ((d + 4) * u * (np.sqrt(q2 * max_x2) + 0.5 * max_x2)[:, None]
             + 2 * u * np.abs(c) + 1e-30)
    inside = (c + bound).astype(np.float32)    # a score above: surely closer
    outside = (c - bound).astype(np.float32)   # a score below: surely not
    reach = outside.min(axis=1)                # below it a pair counts for no radius
    with threadpool_limits(limits=1, user_api="blas"):
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_count_block)(X, Q, Xa, Qa, r2, inside, outside, reach,
                                  slice(s, s + COUNT_QUERY_BLOCK))
            for s in range(0, Q.shape[0], COUNT_QUERY_BLOCK))
    return np.concatenate(parts)


def _count_block(X: np.ndarray, Q: np.ndarray, Xa: np.ndarray, Qa: np.ndarray,
                 r2: np.ndarray, inside: np.ndarray, outside: np.ndarray, reach: np.ndarray,
                 rows: slice) -> np.ndarray:
    """Exact counts for the query rows ``rows``.

    One float32 product and one comparison per pair find the pairs that may be closer than
    the largest radius (few, for neighbourhood-sized radii); only those are compared with
    each radius, and the ones inside a rounding band are recomputed in float64.
    """
    qa, r2, inside, outside = Qa[rows], r2[rows], inside[rows], outside[rows]
    b, n_r = r2.shape
    counts = np.zeros((b, n_r), dtype=np.int64)
    score = np.empty((b, COUNT_ROW_BLOCK), dtype=np.float32)
    flag = np.empty((b, COUNT_ROW_BLOCK), dtype=bool)
    reach = reach[rows][:, None]
    for s in range(0, Xa.shape[0], COUNT_ROW_BLOCK):
        xb = Xa[s:s + COUNT_ROW_BLOCK]
        width = xb.shape[0]
        g, f = score[:, :width], flag[:, :width]
        np.matmul(qa, xb.T, out=g)
        np.greater_equal(g, reach, out=f)
        hits = np.flatnonzero(f)
        if hits.size == 0:
            continue
        qi, xi = np.divmod(hits, width)
        sc = g[qi, xi]
        for r in range(n_r):
            sure = sc > inside[qi, r]
            counts[:, r] += np.bincount(qi[sure], minlength=b)
            band = np.flatnonzero(~sure & (sc >= outside[qi, r]))
            if band.size:
                qb = qi[band]
                closer = row_sq_distances(X[s + xi[band]], Q[rows][qb]) < r2[qb, r]
                counts[:, r] += np.bincount(qb[closer], minlength=b)
    return counts
