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

Three more checks look at diversity and copying, and accept mixed tables (pandas columns
of category, object, string or bool dtype count as categorical):

* :func:`distinct_share`: the share of distinct rows among the synthetic ones (1 when no
  row repeats; a generator that collapses onto a few rows scores low);
* :func:`column_entropy`: each column's Shannon entropy in the real and in the synthetic
  rows (categorical: entropy of the category frequencies; numeric: of a histogram on bins
  shared by both samples), so a generator that narrows a column shows a lower value;
* :func:`distance_to_closest_record` (DCR): each synthetic row's distance to the nearest
  *training* row, set against the same distance for held-out real rows. Held-out rows are
  new draws from the population, so their DCR is the yardstick: synthetic rows much closer
  to the training rows than that (many at distance 0) are memorised copies.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics.pairwise import euclidean_distances

from synthaug._validation import check_integer, check_matrix
from synthaug.exceptions import InvalidInputError, InvalidParameterError, NotEnoughSamplesError
from synthaug.neighbors import kneighbors

__all__ = ["DCR", "Fidelity", "column_entropy", "distance_to_closest_record",
           "distinct_share", "fidelity", "knn_precision_recall", "mmd2"]

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
    k = check_integer("k", k, 1)
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


# --------------------------------------------------------------------------- diversity
def _as_frame(X: Any, what: str) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        frame = X.reset_index(drop=True)
    else:
        arr = np.asarray(X)
        if arr.ndim != 2:
            raise InvalidInputError(f"{what} must be 2-dimensional; got shape {arr.shape}.")
        frame = pd.DataFrame(arr)
    if frame.shape[0] == 0:
        raise NotEnoughSamplesError(f"{what} has no rows.")
    return frame


def _is_categorical(col: pd.Series) -> bool:
    dt = col.dtype
    return (isinstance(dt, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dt)
            or pd.api.types.is_string_dtype(dt) or pd.api.types.is_bool_dtype(dt))


def distinct_share(X: Any) -> float:
    """Share of distinct rows in ``X`` (rows are compared on all columns, exactly)."""
    frame = _as_frame(X, "distinct_share")
    keys = frame.astype(str).agg("\x1f".join, axis=1) if frame.shape[1] else \
        pd.Series([""] * len(frame))
    return float(keys.nunique() / len(frame))


def _entropy(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def column_entropy(real: Any, synthetic: Any, *, bins: int = 20
                   ) -> dict[Any, dict[str, Any]]:
    """Shannon entropy (bits) of every column in the real and in the synthetic rows.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    bins : int, default=20
        Equal-width bins of a numeric column, spanning the range of both samples together.

    Returns
    -------
    dict
        Column -> ``{"kind": "numeric" | "categorical", "real": H, "synthetic": H}``.
    """
    bins = check_integer("bins", bins, 2)
    A, B = _as_frame(real, "column_entropy (real rows)"), _as_frame(
        synthetic, "column_entropy (synthetic rows)")
    if list(A.columns) != list(B.columns):
        raise InvalidInputError(
            f"column_entropy: the real rows have columns {list(A.columns)} and the synthetic "
            f"rows {list(B.columns)}; they must describe the same features.")
    out: dict[Any, dict[str, Any]] = {}
    for name in A.columns:
        a, b = A[name], B[name]
        if _is_categorical(a) or _is_categorical(b):
            keys = pd.Index(pd.unique(pd.concat([a.astype(str), b.astype(str)])))
            ca = a.astype(str).value_counts().reindex(keys, fill_value=0).to_numpy()
            cb = b.astype(str).value_counts().reindex(keys, fill_value=0).to_numpy()
            out[name] = {"kind": "categorical", "real": _entropy(ca), "synthetic": _entropy(cb)}
            continue
        va = a.to_numpy(dtype=np.float64)
        vb = b.to_numpy(dtype=np.float64)
        both = np.concatenate([va, vb])
        if not np.isfinite(both).all():
            raise InvalidInputError(f"column_entropy: column {name!r} has NaN or inf values.")
        lo, hi = float(both.min()), float(both.max())
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, int(bins) + 1)
        out[name] = {"kind": "numeric",
                     "real": _entropy(np.histogram(va, edges)[0].astype(float)),
                     "synthetic": _entropy(np.histogram(vb, edges)[0].astype(float))}
    return out


@dataclass(frozen=True)
class DCR:
    """Distances to the closest training record (see :func:`distance_to_closest_record`)."""

    synthetic_median: float
    holdout_median: float
    ratio: float
    synthetic_copies: float
    holdout_copies: float
    synthetic_below_holdout_5pct: float
    n_train: int
    n_synthetic: int
    n_holdout: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mixed_space(train: pd.DataFrame, others: list[pd.DataFrame]) -> list[Any]:
    """Training rows and ``others`` in one space: numeric columns standardised with the
    training rows' mean and deviation, each categorical column one-hot with entries
    ``1/sqrt(2)`` (a mismatch adds 1 to the squared distance, as one standard deviation)."""
    from synthaug.encoding import neighbour_space

    cat_cols = [c for c in train.columns if _is_categorical(train[c])]
    num_cols = [c for c in train.columns if c not in cat_cols]
    mean = train[num_cols].to_numpy(dtype=np.float64).mean(axis=0) if num_cols else None
    std = train[num_cols].to_numpy(dtype=np.float64).std(axis=0) if num_cols else None
    if std is not None:
        std[~(std > 0)] = 1.0
    levels = {c: pd.Index(pd.unique(pd.concat([f[c].astype(str) for f in [train, *others]])))
              for c in cat_cols}
    spaces = []
    for frame in [train, *others]:
        if num_cols:
            num = (frame[num_cols].to_numpy(dtype=np.float64) - mean) / std
        else:
            num = np.empty((len(frame), 0))
        if not np.isfinite(num).all():
            raise InvalidInputError("distance_to_closest_record: NaN or inf values.")
        codes = np.column_stack([levels[c].get_indexer(frame[c].astype(str))
                                 for c in cat_cols]) if cat_cols else \
            np.empty((len(frame), 0), dtype=np.int64)
        Z, _ = neighbour_space(num, codes.astype(np.int64), [len(levels[c]) for c in cat_cols],
                               scale=1.0)
        spaces.append(Z)
    return spaces


def distance_to_closest_record(synthetic: Any, train: Any, holdout: Any) -> DCR:
    """Distance of each synthetic row, and of each held-out real row, to the closest
    training row.

    Numeric columns are standardised with the training rows; a categorical mismatch counts
    as one standard deviation. The held-out rows give the distances a fresh draw of the
    population has; synthetic rows that are much closer (a ``ratio`` well below 1, or a
    share of exact copies well above the held-out share) copy training rows.

    Parameters
    ----------
    synthetic, train, holdout : array-like or DataFrame with the same columns
        The generator's rows, the rows it was fitted on, and real rows it never saw.

    Returns
    -------
    DCR
        Medians of both distances and ``ratio`` = synthetic / holdout median (inf when the
        holdout median is 0 and the synthetic one is not, 1 when both are 0); the shares at
        distance 0 (``*_copies``); and the share of synthetic rows closer than the 5th
        percentile of the held-out distances.
    """
    S = _as_frame(synthetic, "distance_to_closest_record (synthetic rows)")
    T = _as_frame(train, "distance_to_closest_record (training rows)")
    H = _as_frame(holdout, "distance_to_closest_record (held-out rows)")
    if not (list(S.columns) == list(T.columns) == list(H.columns)):
        raise InvalidInputError(
            "distance_to_closest_record: the synthetic, training and held-out rows must have "
            "the same columns.")
    Zt, Zs, Zh = _mixed_space(T, [S, H])
    d_s = kneighbors(Zt, 1, Zs, return_distance=True)[1][:, 0]
    d_h = kneighbors(Zt, 1, Zh, return_distance=True)[1][:, 0]
    med_s, med_h = float(np.median(d_s)), float(np.median(d_h))
    ratio = med_s / med_h if med_h > 0 else (1.0 if med_s == 0 else math.inf)
    tiny = 1e-12
    return DCR(synthetic_median=med_s, holdout_median=med_h, ratio=float(ratio),
               synthetic_copies=float((d_s <= tiny).mean()),
               holdout_copies=float((d_h <= tiny).mean()),
               synthetic_below_holdout_5pct=float((d_s < np.quantile(d_h, 0.05)).mean()),
               n_train=len(T), n_synthetic=len(S), n_holdout=len(H))
