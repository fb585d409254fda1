"""Statistics for comparing methods over many datasets.

The functions follow Demšar (2006), *Statistical comparisons of classifiers over multiple
data sets*, JMLR 7:1-30: the unit of comparison is the dataset, so fold-level results are
first averaged per (dataset, method, classifier) with :func:`aggregate`; methods are then
ranked within each dataset (:func:`mean_ranks`), the ranks tested with the Friedman test
(:func:`friedman`) and compared pairwise with the Nemenyi critical difference
(:func:`nemenyi_cd`), and pairs of methods are compared with win/tie/loss counts and the
Wilcoxon signed-rank test (:func:`win_tie_loss`), whose p-values against one reference are
corrected for multiple comparisons with Holm's step-down method (:func:`holm`).

All functions are pure: they take DataFrames or arrays and return new ones. The direction
of each metric (greater or lower is better) comes from :data:`synthaug.metrics.METRICS`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps

from synthaug._validation import check_integer, check_number
from synthaug.exceptions import InvalidInputError, InvalidParameterError
from synthaug.metrics import METRICS

__all__ = [
    "TIE_TOLERANCE",
    "FriedmanResult",
    "aggregate",
    "friedman",
    "holm",
    "mean_ranks",
    "metric_columns",
    "nemenyi_cd",
    "nemenyi_groups",
    "score_matrix",
    "win_tie_loss",
]

#: Two dataset-level scores closer than this count as a tie.
TIE_TOLERANCE = 1e-12

_KEYS = ["dataset", "method", "classifier"]
_FAILED = ("failed", "timeout")


# --------------------------------------------------------------------------- helpers


def metric_columns(frame: pd.DataFrame) -> list[str]:
    """The metric columns of ``frame``, in the order of :data:`~synthaug.metrics.METRICS`.

    Parameters
    ----------
    frame : DataFrame
        Task-level results or the output of :func:`aggregate`.

    Returns
    -------
    list of str
    """
    return [name for name in METRICS if name in frame.columns]


def _check_columns(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{what} lacks the columns {missing}.")


def _check_metric(metric: str) -> bool:
    """Validate a metric name; return whether greater is better."""
    if metric not in METRICS:
        raise InvalidParameterError(
            f"Unknown metric {metric!r}; choose one of {sorted(METRICS)}.")
    return METRICS[metric].greater_is_better


def _select_classifier(agg: pd.DataFrame, metric: str, classifier: str) -> pd.DataFrame:
    _check_columns(agg, [*_KEYS, metric], "agg")
    rows = agg[agg["classifier"] == classifier]
    if rows.empty:
        known = sorted(agg["classifier"].astype(str).unique().tolist())
        raise InvalidParameterError(
            f"No results for classifier {classifier!r}; the results hold {known}.")
    return rows


# --------------------------------------------------------------------------- aggregation


def aggregate(results: pd.DataFrame, *, std: bool = False) -> pd.DataFrame:
    """Average the fold-level metrics per (dataset, method, classifier).

    Parameters
    ----------
    results : DataFrame
        One row per task with at least the columns ``dataset``, ``method``, ``classifier``
        and ``status``, plus any of the metric columns of
        :data:`~synthaug.metrics.METRICS`.
    std : bool, default=False
        Also return the sample standard deviation (``ddof=1``) of each metric over the ok
        folds, in a column ``<metric>_std``.

    Returns
    -------
    DataFrame
        One row per (dataset, method, classifier) present in ``results``, with the mean of
        each metric over the tasks whose status is ``"ok"`` (NaN values, e.g. an undefined
        ROC AUC in one fold, are skipped; NaN when no ok fold has a value), and the counts
        ``n_tasks``, ``n_ok``, ``n_failed`` (status ``"failed"`` or ``"timeout"``) and
        ``n_not_applicable``.
    """
    _check_columns(results, [*_KEYS, "status"], "results")
    metrics = metric_columns(results)
    status = results["status"].astype(str)
    frame = results[_KEYS].copy()
    for name in metrics:
        values = pd.to_numeric(results[name], errors="coerce").astype(np.float64)
        frame[name] = values.where(status == "ok")
    frame["n_tasks"] = 1
    frame["n_ok"] = (status == "ok").astype(int)
    frame["n_failed"] = status.isin(_FAILED).astype(int)
    frame["n_not_applicable"] = (status == "not_applicable").astype(int)

    grouped = frame.groupby(_KEYS, sort=True, dropna=False, observed=True)
    counts = grouped[["n_tasks", "n_ok", "n_failed", "n_not_applicable"]].sum()
    parts = [grouped[metrics].mean()] if metrics else []
    if std and metrics:
        parts.append(grouped[metrics].std(ddof=1).add_suffix("_std"))
    out = pd.concat([*parts, counts], axis=1).reset_index()
    return out


def score_matrix(agg: pd.DataFrame, metric: str, classifier: str, *,
                 methods: Sequence[str] | None = None, complete: bool = True) -> pd.DataFrame:
    """The datasets x methods table of one metric for one classifier.

    Parameters
    ----------
    agg : DataFrame
        Output of :func:`aggregate`.
    metric : str
        A key of :data:`~synthaug.metrics.METRICS`.
    classifier : str
        A value of the ``classifier`` column.
    methods : sequence of str, optional
        Methods to keep, in this column order. Default: every method with results for
        ``classifier``, sorted by name.
    complete : bool, default=True
        Keep only the datasets where every method has a value.

    Returns
    -------
    DataFrame
        Index: datasets (sorted); columns: methods.
    """
    _check_metric(metric)
    rows = _select_classifier(agg, metric, classifier)
    table = rows.pivot_table(index="dataset", columns="method", values=metric,
                             aggfunc="mean", dropna=False)
    table = table.astype(np.float64)
    if methods is not None:
        unknown = [m for m in methods if m not in table.columns]
        if unknown:
            raise InvalidParameterError(
                f"No results for methods {unknown} with classifier {classifier!r}.")
        table = table[list(methods)]
    table.columns.name = "method"
    if complete:
        table = table.dropna(axis=0, how="any")
    return table.sort_index()


# --------------------------------------------------------------------------- ranks


def _row_ranks(matrix: pd.DataFrame, greater_is_better: bool) -> pd.DataFrame:
    """Rank the methods within each dataset: 1 = best, ties get their average rank."""
    oriented = -matrix if greater_is_better else matrix
    return oriented.rank(axis=1, method="average", ascending=True)


def mean_ranks(agg: pd.DataFrame, metric: str, classifier: str, *,
               methods: Sequence[str] | None = None) -> pd.Series:
    """Mean rank of each method over datasets, for one metric and one classifier.

    Within each dataset the methods are ranked from 1 (best, following the direction of
    ``metric`` in :data:`~synthaug.metrics.METRICS`) to k; tied scores share the average of
    the ranks they span. Only datasets where every method has a value are used.

    Parameters
    ----------
    agg : DataFrame
        Output of :func:`aggregate`.
    metric : str
        A key of :data:`~synthaug.metrics.METRICS`.
    classifier : str
        A value of the ``classifier`` column.
    methods : sequence of str, optional
        Methods to rank; default all methods with results for ``classifier``.

    Returns
    -------
    Series
        Mean rank per method (index), sorted from best to worst and named ``metric``. The
        number of datasets used is in ``result.attrs["n_datasets"]``; when it is 0 every
        rank is NaN.
    """
    greater = _check_metric(metric)
    matrix = score_matrix(agg, metric, classifier, methods=methods, complete=True)
    if matrix.empty:
        ranks = pd.Series(np.nan, index=matrix.columns, dtype=np.float64)
    else:
        ranks = _row_ranks(matrix, greater).mean(axis=0).sort_values(kind="stable")
    ranks.index.name = "method"
    ranks.name = metric
    ranks.attrs["n_datasets"] = int(matrix.shape[0])
    return ranks


# --------------------------------------------------------------------------- Friedman


class FriedmanResult(NamedTuple):
    """Result of :func:`friedman`.

    Attributes
    ----------
    statistic : float
        Friedman's chi-square statistic (with scipy's correction for ties).
    pvalue : float
        Its p-value (chi-square with k - 1 degrees of freedom).
    iman_davenport : float
        Iman and Davenport's F statistic, ``(N-1) chi2 / (N(k-1) - chi2)``.
    iman_davenport_pvalue : float
        Its p-value (F with k - 1 and (k - 1)(N - 1) degrees of freedom).
    n_datasets : int
        N, the number of complete rows used.
    n_methods : int
        k, the number of columns.
    """

    statistic: float
    pvalue: float
    iman_davenport: float
    iman_davenport_pvalue: float
    n_datasets: int
    n_methods: int


def friedman(scores_matrix: Any) -> FriedmanResult:
    """Friedman test that all methods perform alike, with the Iman-Davenport variant.

    The statistic depends only on the within-row ranks, and reversing every row's order
    leaves it unchanged, so the direction of the metric does not matter.

    Parameters
    ----------
    scores_matrix : DataFrame or array-like of shape (n_datasets, n_methods)
        One row per dataset, one column per method. Rows holding a NaN are dropped.

    Returns
    -------
    FriedmanResult
        All four statistics are NaN when there are fewer than 3 methods or 2 datasets, or
        when every row is entirely tied.
    """
    arr = np.asarray(scores_matrix, dtype=np.float64)
    if arr.ndim != 2:
        raise InvalidInputError(
            f"scores_matrix must be 2-D (n_datasets, n_methods); got shape {arr.shape}.")
    arr = arr[~np.isnan(arr).any(axis=1)]
    n, k = arr.shape
    nan = float("nan")
    if k < 3 or n < 2:
        return FriedmanResult(nan, nan, nan, nan, n, k)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        chi2, pvalue = sps.friedmanchisquare(*arr.T)
    chi2, pvalue = float(chi2), float(pvalue)
    if not np.isfinite(chi2):
        return FriedmanResult(nan, nan, nan, nan, n, k)
    denominator = n * (k - 1) - chi2
    if denominator <= 0.0:
        f_stat, f_p = math.inf, 0.0
    else:
        f_stat = (n - 1) * chi2 / denominator
        f_p = float(sps.f.sf(f_stat, k - 1, (k - 1) * (n - 1)))
    return FriedmanResult(chi2, pvalue, float(f_stat), f_p, n, k)


@lru_cache(maxsize=256)
def _q_alpha(k: int, alpha: float) -> float:
    """Critical value of the Nemenyi test: studentized range quantile over sqrt(2)."""
    return float(sps.studentized_range.ppf(1.0 - alpha, k, np.inf) / math.sqrt(2.0))


def nemenyi_cd(k: int, n_datasets: int, alpha: float = 0.05) -> float:
    """Critical difference of mean ranks for the Nemenyi test.

    Two methods whose mean ranks over ``n_datasets`` datasets differ by at least
    ``q_alpha * sqrt(k (k + 1) / (6 N))`` perform significantly differently, where
    ``q_alpha`` is the ``1 - alpha`` quantile of the studentized range of ``k`` means with
    infinite degrees of freedom, divided by ``sqrt(2)`` (Demšar 2006, Table 5).

    Parameters
    ----------
    k : int
        Number of methods compared, at least 2.
    n_datasets : int
        Number of datasets N, at least 1.
    alpha : float, default=0.05
        Significance level, in (0, 1).

    Returns
    -------
    float
    """
    check_integer("k", k, 2)
    check_integer("n_datasets", n_datasets, 1)
    check_number("alpha", alpha, 0.0, 1.0, open_low=True, open_high=True)
    q = _q_alpha(int(k), float(alpha))
    return q * math.sqrt(k * (k + 1) / (6.0 * n_datasets))


def nemenyi_groups(ranks: pd.Series, cd: float) -> list[list[str]]:
    """Maximal groups of methods whose mean ranks lie within the critical difference.

    These are the bars of a critical-difference diagram: inside a group no two methods
    differ significantly.

    Parameters
    ----------
    ranks : Series
        Mean rank per method, e.g. from :func:`mean_ranks`; NaN entries are ignored.
    cd : float
        Critical difference, e.g. from :func:`nemenyi_cd`.

    Returns
    -------
    list of list of str
        Groups of at least two methods, each sorted from best to worst rank, ordered by
        their best member; no group is contained in another.
    """
    ordered = ranks.dropna().sort_values(kind="stable")
    names, values = ordered.index.tolist(), ordered.to_numpy(dtype=np.float64)
    groups: list[list[str]] = []
    last_end = 0
    for start in range(len(values)):
        end = start
        while end + 1 < len(values) and values[end + 1] - values[start] < cd:
            end += 1
        if end > start and end + 1 > last_end:
            groups.append([str(name) for name in names[start:end + 1]])
            last_end = end + 1
    return groups


# --------------------------------------------------------------------------- pairwise


def holm(pvalues: Any) -> np.ndarray:
    """Holm's step-down correction of a family of p-values.

    With the m finite p-values sorted as p(1) <= ... <= p(m), the adjusted value of p(i)
    is ``max over j <= i of min(1, (m - j + 1) p(j))`` (Holm 1979), which controls the
    family-wise error rate. NaN p-values are left NaN and are not counted in m.

    Parameters
    ----------
    pvalues : array-like of float
        One p-value per hypothesis of the family.

    Returns
    -------
    ndarray of float
        The adjusted p-values, in the order of ``pvalues``.
    """
    p = np.asarray(pvalues, dtype=np.float64).ravel()
    adjusted = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    order = finite[np.argsort(p[finite], kind="stable")]
    m = order.size
    scaled = (m - np.arange(m)) * p[order]
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted


#: Up to this many pairs, scipy's ``wilcoxon`` enumerates every sign flip (a permutation
#: test when there are ties or zeros); :func:`_exact_wilcoxon_p` does the same, faster.
_EXACT_MAX = 13


def _exact_wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided exact signed-rank p-value by enumerating every sign flip.

    Zeros are dropped and tied absolute differences share their average rank (scipy's
    ``zero_method="wilcox"``); the p-value is twice the smaller tail of the statistic's
    distribution over the ``2**m`` sign flips, as scipy's permutation test computes it.
    """
    d = differences[differences != 0.0]
    ranks = sps.rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    flips = ((np.arange(2 ** d.size)[:, None] >> np.arange(d.size)) & 1).astype(np.float64)
    null = flips @ ranks
    gamma = abs(np.finfo(np.float64).eps * 100 * observed)
    less = np.count_nonzero(null <= observed + gamma) / null.size
    greater = np.count_nonzero(null >= observed - gamma) / null.size
    return float(min(1.0, 2.0 * min(less, greater)))


def _wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value; NaN if undefined.

    The same value as ``scipy.stats.wilcoxon`` (default arguments); for at most
    :data:`_EXACT_MAX` pairs it is computed by :func:`_exact_wilcoxon_p`, which avoids
    scipy's much slower permutation test when there are ties or zeros.
    """
    if differences.size < 2 or np.all(differences == 0.0):
        return float("nan")
    if differences.size <= _EXACT_MAX:
        return _exact_wilcoxon_p(differences)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sps.wilcoxon(differences, alternative="two-sided")
        except ValueError:
            return float("nan")
    return float(result.pvalue)


def win_tie_loss(agg: pd.DataFrame, metric: str, classifier: str,
                 reference: str) -> pd.DataFrame:
    """Count the datasets where each method beats, ties or loses to a reference method.

    For every other method the paired dataset-level scores are compared on the datasets
    where both have a value. A tie is a difference within :data:`TIE_TOLERANCE`; such
    differences count as zero in the Wilcoxon signed-rank test (scipy's default
    ``zero_method="wilcox"`` then drops them).

    Parameters
    ----------
    agg : DataFrame
        Output of :func:`aggregate`.
    metric : str
        A key of :data:`~synthaug.metrics.METRICS`; its direction decides what a win is.
    classifier : str
        A value of the ``classifier`` column.
    reference : str
        The method the others are compared with.

    Returns
    -------
    DataFrame
        Index: the other methods (sorted); columns ``wins``, ``ties``, ``losses``,
        ``n_datasets``, ``mean_difference`` (method minus reference, NaN if no dataset),
        ``p_value`` (two-sided Wilcoxon signed-rank test; NaN when all differences are zero
        or there are fewer than 2 datasets) and ``p_holm`` (``p_value`` corrected with
        :func:`holm` over the methods of this table, the family of comparisons with
        ``reference``).
    """
    greater = _check_metric(metric)
    matrix = score_matrix(agg, metric, classifier, complete=False)
    if reference not in matrix.columns:
        raise InvalidParameterError(
            f"The reference method {reference!r} has no results for classifier "
            f"{classifier!r}; methods: {matrix.columns.tolist()}.")
    rows = []
    for method in matrix.columns:
        if method == reference:
            continue
        pair = matrix[[method, reference]].dropna()
        diff = (pair[method] - pair[reference]).to_numpy(dtype=np.float64, copy=True)
        diff[np.abs(diff) <= TIE_TOLERANCE] = 0.0
        better = diff > 0.0 if greater else diff < 0.0
        worse = diff < 0.0 if greater else diff > 0.0
        rows.append({
            "method": method,
            "wins": int(better.sum()),
            "ties": int((diff == 0.0).sum()),
            "losses": int(worse.sum()),
            "n_datasets": int(diff.size),
            "mean_difference": float(diff.mean()) if diff.size else float("nan"),
            "p_value": _wilcoxon_p(diff),
        })
    columns = ["wins", "ties", "losses", "n_datasets", "mean_difference", "p_value", "p_holm"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="method"))
    table = pd.DataFrame(rows).set_index("method")
    table["p_holm"] = holm(table["p_value"].to_numpy())
    return table[columns]
