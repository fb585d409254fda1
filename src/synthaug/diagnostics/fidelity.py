"""How close are synthetic rows to real ones? Two measures that work for any generator.

Both compare the synthetic rows with *held-out* real rows of the same class (rows the
generator did not see; against its own training rows a generator that copies them would
look perfect).

* :func:`mmd2`: the squared maximum mean discrepancy with a Gaussian kernel, unbiased
  (U-statistic: the diagonal terms are left out, so it is about 0 when both samples come
  from one law, and may be slightly negative). The bandwidth is the median distance of the
  pooled rows unless given.
* :func:`knn_precision_recall`: the k-nearest-neighbour precision and recall of
  Kynkäänniemi et al., "Improved Precision and Recall Metric for Assessing Generative
  Models" (arXiv 1904.06991). Precision is the share of synthetic rows inside the real
  manifold (the union of balls around each real row reaching its k-th nearest real
  neighbour); recall is the share of real rows inside the synthetic manifold, built the
  same way. Precision falls when a generator puts rows where the class is not; recall
  falls when it covers only part of the class.

:func:`fidelity` returns both. Scale the features first (both measures use Euclidean
distances).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances

from synthaug._validation import check_matrix
from synthaug.exceptions import InvalidInputError, InvalidParameterError, NotEnoughSamplesError
from synthaug.neighbors import kneighbors

__all__ = ["Fidelity", "fidelity", "knn_precision_recall", "mmd2"]

#: Rows of query processed at once when distances are computed in blocks.
_BLOCK = 2048


def _sq_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Pairwise squared Euclidean distances, shape (len(A), len(B))."""
    return np.maximum(euclidean_distances(A, B, squared=True), 0.0)


@dataclass(frozen=True)
class Fidelity:
    """Synthetic rows against held-out real rows (see the module docstring)."""

    mmd2: float
    bandwidth: float
    precision: float
    recall: float
    k: int
    n_real: int
    n_synthetic: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pair(real: Any, synthetic: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    A = check_matrix(real, what=f"{what} (real rows)")
    B = check_matrix(synthetic, what=f"{what} (synthetic rows)")
    if A.shape[1] != B.shape[1]:
        raise InvalidInputError(
            f"{what}: the real rows have {A.shape[1]} columns and the synthetic rows "
            f"{B.shape[1]}; they must describe the same features.")
    return A, B


def _subsample(X: np.ndarray, max_rows: int, rng: np.random.Generator) -> np.ndarray:
    if len(X) <= max_rows:
        return X
    return X[np.sort(rng.choice(len(X), max_rows, replace=False))]


def _mean_kernel(A: np.ndarray, B: np.ndarray, gamma: float, *, drop_diagonal: bool
                 ) -> float:
    """Mean of ``exp(-gamma |a - b|^2)`` over pairs (``A is B``: without the diagonal)."""
    total = 0.0
    for start in range(0, len(A), _BLOCK):
        block = np.exp(-gamma * _sq_distances(A[start:start + _BLOCK], B))
        if drop_diagonal:
            idx = np.arange(block.shape[0])
            block[idx, start + idx] = 0.0
        total += float(block.sum())
    pairs = len(A) * (len(B) - 1) if drop_diagonal else len(A) * len(B)
    return total / pairs


def mmd2(real: Any, synthetic: Any, *, bandwidth: float | str = "median",
         max_rows: int = 2000, random_state: Any = 0) -> tuple[float, float]:
    """Unbiased squared MMD between two samples, Gaussian kernel.

    Parameters
    ----------
    real, synthetic : array-like of shape (n, d) and (m, d)
        At least 2 rows each.
    bandwidth : float or "median", default="median"
        ``h`` of ``k(a, b) = exp(-|a - b|^2 / (2 h^2))``; ``"median"`` is the median
        pairwise distance of the pooled rows.
    max_rows : int, default=2000
        Each sample is subsampled to at most this many rows (the cost is quadratic).
    random_state : int, default=0
        Seeds the subsampling.

    Returns
    -------
    (mmd2, bandwidth) : tuple of float
    """
    A, B = _pair(real, synthetic, "mmd2")
    if len(A) < 2 or len(B) < 2:
        raise NotEnoughSamplesError(
            f"mmd2 needs at least 2 rows in each sample; got {len(A)} real and {len(B)} "
            "synthetic.")
    rng = np.random.default_rng(random_state)
    A, B = _subsample(A, max_rows, rng), _subsample(B, max_rows, rng)
    if bandwidth == "median":
        pooled = _subsample(np.vstack([A, B]), max_rows, rng)
        d2 = _sq_distances(pooled, pooled)
        off = d2[np.triu_indices(len(pooled), k=1)]
        h = float(np.sqrt(np.median(off)))
        if not h > 0:
            h = 1.0   # every pair identical: any bandwidth gives the same answer
    elif isinstance(bandwidth, int | float) and not isinstance(bandwidth, bool) \
            and bandwidth > 0 and np.isfinite(bandwidth):
        h = float(bandwidth)
    else:
        raise InvalidParameterError(
            f"bandwidth must be a positive number or 'median'; got {bandwidth!r}.")
    gamma = 1.0 / (2.0 * h * h)
    value = (_mean_kernel(A, A, gamma, drop_diagonal=True)
             + _mean_kernel(B, B, gamma, drop_diagonal=True)
             - 2.0 * _mean_kernel(A, B, gamma, drop_diagonal=False))
    return float(value), h


def _coverage(support: np.ndarray, queries: np.ndarray, k: int) -> float:
    """Share of ``queries`` within ``|q - s| <= r_k(s)`` of some row ``s`` of ``support``,
    ``r_k(s)`` the distance from ``s`` to its k-th nearest other row of ``support``."""
    _, dist = kneighbors(support, k, return_distance=True)
    radius_sq = dist[:, -1] ** 2
    inside = np.zeros(len(queries), dtype=bool)
    for start in range(0, len(queries), _BLOCK):
        d2 = _sq_distances(queries[start:start + _BLOCK], support)
        inside[start:start + _BLOCK] = (d2 <= radius_sq[None, :]).any(axis=1)
    return float(inside.mean())


def knn_precision_recall(real: Any, synthetic: Any, *, k: int = 5) -> tuple[float, float]:
    """k-NN precision and recall of synthetic rows against real rows (module docstring).

    Both samples need more than ``k`` rows.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidParameterError(f"k must be an integer >= 1; got {k!r}.")
    A, B = _pair(real, synthetic, "knn_precision_recall")
    if len(A) <= k or len(B) <= k:
        raise NotEnoughSamplesError(
            f"knn_precision_recall with k={k} needs more than {k} rows in each sample; got "
            f"{len(A)} real and {len(B)} synthetic. Lower k.")
    return _coverage(A, B, int(k)), _coverage(B, A, int(k))


def fidelity(real: Any, synthetic: Any, *, k: int = 5, bandwidth: float | str = "median",
             max_rows: int = 2000, random_state: Any = 0) -> Fidelity:
    """MMD and k-NN precision/recall of ``synthetic`` against held-out ``real`` rows.

    See :func:`mmd2` and :func:`knn_precision_recall`; returns a :class:`Fidelity`.
    """
    value, h = mmd2(real, synthetic, bandwidth=bandwidth, max_rows=max_rows,
                    random_state=random_state)
    rng = np.random.default_rng(random_state)
    A, B = _pair(real, synthetic, "fidelity")
    A, B = _subsample(A, max_rows, rng), _subsample(B, max_rows, rng)
    precision, recall = knn_precision_recall(A, B, k=k)
    return Fidelity(mmd2=value, bandwidth=h, precision=precision, recall=recall, k=int(k),
                    n_real=len(A), n_synthetic=len(B))
