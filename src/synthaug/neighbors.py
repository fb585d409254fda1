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
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

__all__ = ["get_neighbors_config", "kneighbors", "neighbors_config", "set_neighbors"]

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
