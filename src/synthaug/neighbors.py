"""The one nearest-neighbour backend used by every method in synthaug.

All neighbour searches go through :func:`kneighbors`. It is exact by default (scikit-learn's
``NearestNeighbors``, which chunks its distance computations so memory stays bounded and
uses all cores through OpenMP, with ``n_jobs=-1`` for the tree algorithms). Which algorithm
is used is decided here only, and can be overridden globally with :func:`set_neighbors` or
per call by passing an estimator object that has ``fit`` and ``kneighbors`` (the same
duck-typing imbalanced-learn accepts, e.g. a GPU index).

No approximate index is used unless one is passed in explicitly: results are exact and
therefore deterministic, whatever the data size.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

__all__ = ["get_neighbors_config", "kneighbors", "neighbors_config", "set_neighbors"]

_CONFIG: dict[str, Any] = {"algorithm": "auto", "n_jobs": -1, "estimator": None}


def set_neighbors(*, algorithm: str | None = None, n_jobs: int | None = None,
                  estimator: Any = None) -> None:
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
