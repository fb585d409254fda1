"""Analyse the peer study: synthaug's methods against the methods a user would otherwise pick.

The study (``experiments/peers/peers.toml``) runs every method on the same repeated
stratified folds through ``synthaug bench``; this script turns its results store into
``docs/peers.md`` and prints a JSON summary.

Protocol of the analysis
------------------------
* **Families.** A method is a *peer* when it is ``none``, ``class-weight``, ``threshold``
  (with or without parameters) or another library's sampler (``imblearn:*``, ``sv:*``);
  every other method is a *synthaug* method.
* **Cells.** One cell per classifier and metric (average precision, MCC, balanced log loss
  where lower is better, G-mean). Fold scores are averaged per (dataset, method, classifier)
  with :func:`synthaug.bench.stats.aggregate` (ok tasks only).
* **Missing results.** In each cell, a method with a score on fewer than ``min_coverage``
  (default one half) of the datasets scored by any method is dropped (for example
  ``class-weight`` with k-NN, which is ``not_applicable``); the cell then keeps the datasets
  where every remaining method has a score. Both the dropped methods and the number of
  dropped datasets are reported.
* **Ranks.** Mean ranks over the kept datasets (:func:`synthaug.bench.stats.mean_ranks`,
  1 = best, ties share their average rank).
* **Best of each family.** The peer and the synthaug method with the lowest mean rank
  (ties broken by the better mean score, then by name).
* **Gap.** Per dataset, the score of synthaug's best minus the best peer's, oriented so
  that a positive gap favours synthaug (for balanced log loss: peer minus synthaug); its
  mean over datasets with a 95 % percentile bootstrap interval (datasets resampled with
  replacement, seeded).
* **Test.** The two-sided Wilcoxon signed-rank test of synthaug's best against the best
  peer (:func:`synthaug.bench.stats.win_tie_loss`), Holm-corrected
  (:func:`synthaug.bench.stats.holm`) over all the cells of the analysis (4 classifiers x 4
  metrics = 16 hypotheses), because the study's claim is one claim about all of them.
  Both methods are chosen on the same datasets they are tested on, so the p-values are
  optimistic; the report says so.
* **Target.** For each classifier, synthaug's best ranks first among all methods of the
  cell (a shared first place counts) on at least 3 of the 4 metrics.

Usage::

    python experiments/peers/analyse.py --store experiments/peers/results.sqlite -o docs/peers.md
    python experiments/peers/analyse.py --store /tmp/peers_smoke.sqlite -o /tmp/peers.md \\
        --label "smoke run: 5 datasets"
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthaug.bench.report import natural_key
from synthaug.bench.stats import (
    TIE_TOLERANCE,
    aggregate,
    holm,
    mean_ranks,
    score_matrix,
    win_tie_loss,
)
from synthaug.bench.store import ResultStore
from synthaug.exceptions import InvalidInputError, InvalidParameterError
from synthaug.metrics import METRICS

__all__ = [
    "PEER_PREFIXES",
    "STUDY_METRICS",
    "Analysis",
    "Cell",
    "analyse",
    "analyse_cell",
    "bootstrap_ci",
    "cell_data",
    "is_peer",
    "load_results",
    "main",
    "render_markdown",
    "split_methods",
    "summary",
    "target_check",
]

#: The metrics of the study, in the order of the tables.
STUDY_METRICS = ("average_precision", "mcc", "balanced_log_loss", "g_mean")
#: Method names (before any ``[params]`` or ``+size``) that are peers.
PEER_BASES = ("none", "class-weight", "threshold")
#: Prefixes of other libraries' samplers, all peers.
PEER_PREFIXES = ("imblearn:", "sv:")
#: Synthaug's best must rank first on at least this many of the metrics, per classifier.
TARGET_FIRSTS = 3
_LABELS = {"average_precision": "average precision", "mcc": "MCC",
           "balanced_log_loss": "balanced log loss", "g_mean": "G-mean"}


# --------------------------------------------------------------------------- families


def is_peer(method: str) -> bool:
    """Whether ``method`` is a peer (a non-synthaug choice) rather than a synthaug method.

    Parameters
    ----------
    method : str
        A stored method name, e.g. ``"imblearn:SMOTE"`` or ``"gksmote[mode='reference']"``.

    Returns
    -------
    bool
    """
    base = method.split("[", 1)[0].split("+", 1)[0]
    return base in PEER_BASES or method.startswith(PEER_PREFIXES)


def split_methods(methods: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split method names into (peers, synthaug methods), each in the given order."""
    peers = [m for m in methods if is_peer(m)]
    return peers, [m for m in methods if not is_peer(m)]


# --------------------------------------------------------------------------- reading


#: Columns kept in a compact export of a store (what the analysis reads).
EXPORT_COLUMNS = ("dataset", "method", "classifier", "repeat", "fold", "n_folds", "seed",
                  "status", "error", "n_synthetic", "resample_time", "fit_time", "versions",
                  "finished_at",
                  "average_precision", "mcc", "balanced_log_loss", "g_mean",
                  "balanced_accuracy", "roc_auc")


def load_results(store: str | Path) -> pd.DataFrame:
    """Every task row of a results store written by ``synthaug bench``, or of its compact
    export (``.parquet``, written by :func:`export_results`).

    Raises
    ------
    InvalidInputError
        When there is no store at ``store``, it is not a results store, or it is empty.
    """
    if str(store).endswith(".parquet"):
        if not Path(store).is_file():
            raise InvalidInputError(f"No results export at {store}.")
        frame = pd.read_parquet(store)
    else:
        with ResultStore.open_existing(store) as handle:
            frame = handle.read()
    if frame.empty:
        raise InvalidInputError(f"The results store {store} holds no rows; run the study "
                                "first.")
    return frame


def load_many(stores: Sequence[str | Path]) -> pd.DataFrame:
    """The rows of several stores or exports (for example one per classifier), as one
    table; a task present in more than one keeps its last copy."""
    frames = [load_results(store) for store in stores]
    frame = pd.concat(frames, ignore_index=True)
    keys = [c for c in ("dataset", "method", "classifier", "repeat", "fold") if c in frame]
    return frame.drop_duplicates(subset=keys, keep="last").reset_index(drop=True)


def export_results(store: str | Path, out: str | Path) -> int:
    """Write the columns the analysis needs (:data:`EXPORT_COLUMNS`) of ``store`` to the
    Parquet file ``out`` (small enough to keep in the repository); returns the rows."""
    frame = load_results(store)
    frame = frame[[c for c in EXPORT_COLUMNS if c in frame]]
    frame.to_parquet(out, index=False)
    return len(frame)


# --------------------------------------------------------------------------- one cell


def bootstrap_ci(values: Any, *, level: float = 0.95, n_boot: int = 10_000,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of ``values``.

    The values (one per dataset) are resampled with replacement ``n_boot`` times with a
    generator seeded by ``seed``, so the interval is reproducible.

    Parameters
    ----------
    values : array-like of float
        One value per dataset; NaN values are dropped.
    level : float, default=0.95
        Coverage of the interval, in (0, 1).
    n_boot : int, default=10000
        Number of bootstrap resamples, at least 1.
    seed : int, default=0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    (float, float)
        The lower and upper bounds; both NaN when no value is left.
    """
    if not 0.0 < level < 1.0:
        raise InvalidParameterError(f"level must be in (0, 1), got {level!r}.")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise InvalidParameterError(f"n_boot must be a positive integer, got {n_boot!r}.")
    arr = np.asarray(values, dtype=np.float64).ravel()
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, arr.size, size=(n_boot, arr.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def cell_data(agg: pd.DataFrame, metric: str, classifier: str, *,
              min_coverage: float = 0.5) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The complete datasets x methods scores of one cell, after dropping sparse methods.

    Parameters
    ----------
    agg : DataFrame
        Output of :func:`synthaug.bench.stats.aggregate`.
    metric, classifier : str
        The cell.
    min_coverage : float, default=0.5
        A method scored on fewer than this fraction of the datasets that any method of the
        cell scored is dropped (a method with no score at all always is); the other
        methods keep the datasets where all of them have a score.

    Returns
    -------
    matrix : DataFrame
        Index: the kept datasets; columns: the kept methods (sorted by name).
    dropped_methods : list of str
    dropped_datasets : list of str
        Datasets scored by some method but left out because a kept method lacks them.
    """
    if not 0.0 <= min_coverage <= 1.0:
        raise InvalidParameterError(f"min_coverage must be in [0, 1], got {min_coverage!r}.")
    full = score_matrix(agg, metric, classifier, complete=False)
    full = full.dropna(axis=0, how="all")
    coverage = full.notna().mean(axis=0) if len(full) else full.notna().sum(axis=0) * 0.0
    keep = coverage.index[(coverage >= min_coverage) & (coverage > 0)]
    dropped_methods = [str(m) for m in full.columns if m not in keep]
    matrix = full[list(keep)].dropna(axis=0, how="any")
    dropped_datasets = [str(d) for d in full.index if d not in matrix.index]
    return matrix, dropped_methods, dropped_datasets


def _best(ranks: pd.Series, matrix: pd.DataFrame, candidates: Sequence[str],
          greater: bool) -> str | None:
    """The candidate with the lowest mean rank; ties go to the better mean score, then
    to the name."""
    present = [m for m in candidates if m in ranks.index and np.isfinite(ranks[m])]
    if not present:
        return None
    sign = -1.0 if greater else 1.0
    return min(present, key=lambda m: (ranks[m], sign * matrix[m].mean(), m))


@dataclass
class Cell:
    """The analysis of one classifier and metric (see the module docstring)."""

    classifier: str
    metric: str
    n_datasets: int
    methods: list[str]
    dropped_methods: list[str]
    dropped_datasets: list[str]
    ranks: pd.Series
    best_peer: str | None = None
    best_synthaug: str | None = None
    #: Methods sharing the lowest mean rank.
    first: list[str] = field(default_factory=list)
    #: Per-dataset gap, positive when synthaug's best is better.
    gaps: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.float64))
    gap: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    wins: int = 0
    ties: int = 0
    losses: int = 0
    p_value: float = float("nan")
    p_holm: float = float("nan")
    #: Win/tie/loss of every synthaug method against the best peer (index: method).
    versus_peer: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def synthaug_first(self) -> bool:
        """Whether synthaug's best shares the lowest mean rank of the cell."""
        return self.best_synthaug is not None and self.best_synthaug in self.first


def analyse_cell(agg: pd.DataFrame, metric: str, classifier: str, *,
                 min_coverage: float = 0.5, level: float = 0.95, n_boot: int = 10_000,
                 seed: int = 0) -> Cell:
    """Ranks, best of each family, gap and test for one classifier and metric.

    ``p_holm`` is left NaN; :func:`analyse` corrects the p-values of all cells together.
    """
    if metric not in METRICS:
        raise InvalidParameterError(f"Unknown metric {metric!r}; choose from {sorted(METRICS)}.")
    greater = METRICS[metric].greater_is_better
    matrix, dropped_methods, dropped_datasets = cell_data(
        agg, metric, classifier, min_coverage=min_coverage)
    methods = [str(m) for m in matrix.columns]
    kept = agg[(agg["classifier"] == classifier) & agg["method"].isin(methods)
               & agg["dataset"].isin(matrix.index)]
    ranks = (mean_ranks(kept, metric, classifier, methods=methods) if methods
             else pd.Series(dtype=np.float64, name=metric))
    cell = Cell(classifier=classifier, metric=metric, n_datasets=int(matrix.shape[0]),
                methods=methods, dropped_methods=dropped_methods,
                dropped_datasets=dropped_datasets, ranks=ranks)
    if matrix.empty:
        return cell
    top = ranks.min()
    cell.first = [str(m) for m in ranks.index if ranks[m] <= top + TIE_TOLERANCE]
    peers, ours = split_methods(methods)
    cell.best_peer = _best(ranks, matrix, peers, greater)
    cell.best_synthaug = _best(ranks, matrix, ours, greater)
    if cell.best_peer is None or cell.best_synthaug is None:
        return cell
    sign = 1.0 if greater else -1.0
    cell.gaps = sign * (matrix[cell.best_synthaug] - matrix[cell.best_peer])
    cell.gap = float(cell.gaps.mean())
    cell.ci_low, cell.ci_high = bootstrap_ci(cell.gaps, level=level, n_boot=n_boot, seed=seed)
    table = win_tie_loss(kept, metric, classifier, reference=cell.best_peer)
    cell.versus_peer = table.loc[[m for m in ours if m in table.index]]
    row = table.loc[cell.best_synthaug]
    cell.wins, cell.ties, cell.losses = int(row["wins"]), int(row["ties"]), int(row["losses"])
    cell.p_value = float(row["p_value"])
    return cell


# --------------------------------------------------------------------------- all cells


@dataclass
class Analysis:
    """Every cell of the study, with the run's facts."""

    cells: list[Cell]
    classifiers: list[str]
    metrics: list[str]
    facts: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def cell(self, classifier: str, metric: str) -> Cell:
        for cell in self.cells:
            if cell.classifier == classifier and cell.metric == metric:
                return cell
        raise InvalidParameterError(f"No cell for classifier {classifier!r} and metric "
                                    f"{metric!r}.")


def analyse(results: pd.DataFrame, *, classifiers: Sequence[str] | None = None,
            metrics: Sequence[str] = STUDY_METRICS, min_coverage: float = 0.5,
            level: float = 0.95, n_boot: int = 10_000, seed: int = 0) -> Analysis:
    """Analyse task-level results of the peer study.

    Parameters
    ----------
    results : DataFrame
        Task rows, as :func:`load_results` returns them.
    classifiers : sequence of str, optional
        Default: every classifier in ``results``, sorted.
    metrics : sequence of str, default=STUDY_METRICS
    min_coverage : float, default=0.5
        See :func:`cell_data`.
    level, n_boot, seed
        The bootstrap interval of the gap (:func:`bootstrap_ci`).

    Returns
    -------
    Analysis
        The cells, with the Wilcoxon p-values Holm-corrected over all cells.
    """
    agg = aggregate(results)
    if classifiers is None:
        classifiers = sorted(agg["classifier"].astype(str).unique())
    cells = [analyse_cell(agg, metric, clf, min_coverage=min_coverage, level=level,
                          n_boot=n_boot, seed=seed)
             for clf in classifiers for metric in metrics]
    adjusted = holm([c.p_value for c in cells])
    for cell, p in zip(cells, adjusted):
        cell.p_holm = float(p)
    analysis = Analysis(cells=cells, classifiers=list(classifiers), metrics=list(metrics),
                        facts=run_facts(results),
                        settings={"min_coverage": min_coverage, "level": level,
                                  "n_boot": n_boot, "seed": seed,
                                  "holm_family": f"all {len(cells)} cells"})
    analysis.notes = mechanism_notes(results, agg, analysis)
    return analysis


def target_check(analysis: Analysis, *, needed: int = TARGET_FIRSTS) -> pd.DataFrame:
    """Per classifier, on how many metrics synthaug's best ranks first (shared counts).

    Returns
    -------
    DataFrame
        Index: classifiers; columns ``firsts`` (int), ``metrics`` (the metrics where it
        ranks first), ``of`` (metrics analysed), ``needed`` and ``passed`` (bool).
    """
    rows = []
    for clf in analysis.classifiers:
        cells = [analysis.cell(clf, m) for m in analysis.metrics]
        won = [c.metric for c in cells if c.synthaug_first]
        rows.append({"classifier": clf, "firsts": len(won), "metrics": won,
                     "of": len(cells), "needed": needed, "passed": len(won) >= needed})
    return pd.DataFrame(rows).set_index("classifier")


# --------------------------------------------------------------------------- facts


def _versions(results: pd.DataFrame) -> dict[str, list[str]]:
    """Every version recorded per package in the rows' ``versions`` JSON."""
    found: dict[str, set[str]] = {}
    for raw in results.get("versions", pd.Series(dtype=object)).dropna().unique():
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            continue
        if isinstance(parsed, dict):
            for package, version in parsed.items():
                found.setdefault(str(package), set()).add(str(version))
    return {p: sorted(v) for p, v in sorted(found.items())}


def run_facts(results: pd.DataFrame) -> dict[str, Any]:
    """What was run: datasets, folds, repeats, classifiers, methods, dates, versions."""
    methods = sorted(results["method"].astype(str).unique(), key=natural_key)
    peers, ours = split_methods(methods)
    finished = results.get("finished_at", pd.Series(dtype=object)).dropna().astype(str)

    def ints(column: str) -> list[int]:
        if column not in results:
            return []
        return sorted({int(v) for v in results[column].dropna()})

    repeats = ints("repeat")
    return {
        "n_datasets": int(results["dataset"].nunique()),
        "datasets": sorted(results["dataset"].astype(str).unique(), key=natural_key),
        "folds": ints("n_folds"),
        "repeats": (max(repeats) + 1) if repeats else None,
        "classifiers": sorted(results["classifier"].astype(str).unique()),
        "peers": peers,
        "synthaug": ours,
        "n_tasks": len(results),
        "status": {str(k): int(v) for k, v in results["status"].value_counts().items()},
        "first_row": finished.min() if len(finished) else None,
        "last_row": finished.max() if len(finished) else None,
        "versions": _versions(results),
    }


# --------------------------------------------------------------------------- mechanisms


def _mean_abs_change(agg: pd.DataFrame, metric: str, classifier: str, method: str,
                     reference: str) -> tuple[float, int]:
    """Mean absolute difference of ``method`` and ``reference`` over their common
    datasets, and the number of those datasets."""
    table = score_matrix(agg, metric, classifier, complete=False)
    if method not in table or reference not in table:
        return float("nan"), 0
    pair = table[[method, reference]].dropna()
    return float((pair[method] - pair[reference]).abs().mean()), len(pair)


def _fmt(value: float, spec: str = ".3f") -> str:
    return "n/a" if value is None or not np.isfinite(value) else format(value, spec)


def _ranking_note(agg: pd.DataFrame, analysis: Analysis) -> str | None:
    """How much synthaug's best moves a ranking metric, next to a threshold metric."""
    if "average_precision" not in analysis.metrics:
        return None
    parts, smaller = [], 0
    for clf in analysis.classifiers:
        best = analysis.cell(clf, "average_precision").best_synthaug
        if best is None:
            continue
        d_ap, n = _mean_abs_change(agg, "average_precision", clf, best, "none")
        d_mcc, _ = _mean_abs_change(agg, "mcc", clf, best, "none")
        if n:
            smaller += bool(d_ap < d_mcc)
            parts.append(f"with {clf}, `{best}` moves average precision by {_fmt(d_ap)} "
                         f"and MCC by {_fmt(d_mcc)} ({n} datasets)")
    if not parts:
        return None
    return ("**Ranking against threshold metrics.** Average precision depends only on the "
            "order of the test scores. Much of what balancing does to a classifier is a shift "
            "of its prior, which moves every score the same way and leaves their order, and "
            "so average precision, nearly as it was; MCC and G-mean are read at the fixed 0.5 "
            "threshold and change with that shift. Mean absolute "
            "change against `none` of synthaug's best method for average precision: "
            + "; ".join(parts) + f". Average precision moved less than MCC with {smaller} "
            f"of {len(parts)} classifiers.")


def _rows_note(results: pd.DataFrame) -> str | None:
    """How many rows class weighting and the samplers add to the training part."""
    ok = results[results["status"] == "ok"]
    if "n_synthetic" not in ok or ok.empty:
        return None
    rows = ok.groupby("method")["n_synthetic"].mean()
    parts = []
    if "class-weight" in rows:
        parts.append(f"`class-weight` adds {_fmt(rows['class-weight'], '.0f')} rows (it "
                     "re-weighs the real ones)")
    samplers = rows[[m for m in rows.index if m.split("[", 1)[0] not in PEER_BASES]]
    if len(samplers) and samplers.max() - samplers.min() < 0.5:
        parts.append(f"every sampler adds {_fmt(samplers.mean(), '.0f')} synthetic rows per "
                     "training part on average")
    elif len(samplers):
        parts.append(f"the samplers add between {_fmt(samplers.min(), '.0f')} "
                     f"(`{samplers.idxmin()}`) and {_fmt(samplers.max(), '.0f')} "
                     f"(`{samplers.idxmax()}`) synthetic rows per training part on average")
    if not parts:
        return None
    return ("**Weighting adds no rows.** " + "; ".join(parts) + ". Weighting and "
            "balancing samplers both move the classifier's prior towards the minority; only "
            "the samplers also change where in feature space the minority is represented.")


def _threshold_note(agg: pd.DataFrame, analysis: Analysis) -> str:
    """What threshold moving changes: the labels, not the scores."""
    if "threshold" not in set(agg["method"]):
        return ("**Threshold moving** (`threshold`) has no results in this store, so it is "
                "not compared here.")
    parts = []
    for clf in analysis.classifiers:
        changes = {m: _mean_abs_change(agg, m, clf, "threshold", "none")[0]
                   for m in ("average_precision", "balanced_log_loss", "mcc", "g_mean")}
        parts.append(f"{clf}: " + ", ".join(f"{_LABELS[m]} {_fmt(v)}"
                                              for m, v in changes.items()))
    return ("**Threshold moving changes labels, not scores.** `threshold` refits the same "
            "classifier and tunes the decision threshold for MCC, so the score order "
            "(average precision) and the probabilities (balanced log loss) stay close to "
            "`none`'s, and only the threshold metrics (MCC, G-mean) can move. Mean absolute "
            "change against `none`: " + "; ".join(parts) + ".")


def _loss_note(agg: pd.DataFrame, analysis: Analysis) -> str | None:
    """Balanced log loss rewards any move of the probabilities towards balanced priors."""
    if "balanced_log_loss" not in analysis.metrics:
        return None
    parts = []
    for clf in analysis.classifiers:
        best = analysis.cell(clf, "balanced_log_loss").best_synthaug
        table = score_matrix(agg, "balanced_log_loss", clf, complete=False)
        if best is None or "none" not in table:
            continue
        deltas = [f"`{m}` {_fmt((table[m] - table['none']).mean(), '+.3f')}"
                  for m in dict.fromkeys(["class-weight", best])
                  if m in table and (table[m] - table["none"]).notna().any()]
        parts.append(f"{clf}: " + ", ".join(deltas))
    if not parts:
        return None
    return ("**Balanced log loss rewards balanced priors.** It weighs both classes equally, "
            "so moving the predicted probabilities towards a 50/50 prior (balancing rows or "
            "weights) tends to lower it, largely apart from where the synthetic rows lie. "
            "Mean change against `none` (negative is better): " + "; ".join(parts) + ".")


def _selection_note(analysis: Analysis) -> str:
    peers, ours = analysis.facts["peers"], analysis.facts["synthaug"]
    return (f"**Best of a family.** Each cell compares the best of {len(ours)} synthaug "
            f"methods with the best of {len(peers)} peers, both chosen on the datasets they "
            "are then tested on. The Wilcoxon p-values do not account for that choice, so "
            "they are optimistic, and a family with more members has more chances of a "
            "first place by luck. The gap's interval is over datasets, for the two methods "
            "as chosen.")


def _applicability_note(results: pd.DataFrame) -> str | None:
    na = results[results["status"] == "not_applicable"]
    if na.empty:
        return None
    counts = na.groupby(["method", "classifier"]).size().sort_values(ascending=False)
    shown = ", ".join(f"`{m}` with {c} ({n})" for (m, c), n in counts.head(8).items())
    more = f", and {len(counts) - 8} more pairs" if len(counts) > 8 else ""
    return (f"**Not applicable.** {len(na)} tasks were recorded `not_applicable` (the method "
            f"cannot run with that classifier or on that dataset): {shown}{more}. Where a "
            "method is not applicable on most datasets of a cell it is dropped from that "
            "cell (see each table's notes).")


def _needed_note(analysis: Analysis) -> str:
    return ("**What a single method would need.** In most cells the best synthaug method and "
            "the best peer win on about as many datasets as each other (the W/T/L column), "
            "so a first place is decided by which of many near-equal methods is luckiest "
            "on this suite, not by a mechanism one method has and the others lack. A "
            "ranking metric (average precision) needs a better score order, which comes "
            "from the classifier rather than from rows added to its training set; the "
            "threshold metrics and the balanced log loss reward the right prior shift, "
            "which class weights, threshold moving and every oversampler to balance give "
            "in nearly the same measure. What does move these numbers is choosing per "
            "dataset: `synthaug advise` chooses among the answers on inner folds, and in "
            "its nested validation (`docs/advise.md`) it ranks first on three of the four "
            "metrics with logistic regression, against the same peers.")


def mechanism_notes(results: pd.DataFrame, agg: pd.DataFrame,
                    analysis: Analysis) -> list[str]:
    """Paragraphs of "Reading the results", with the numbers of this store filled in."""
    notes = [_ranking_note(agg, analysis), _rows_note(results),
             _loss_note(agg, analysis), _threshold_note(agg, analysis),
             _applicability_note(results), _selection_note(analysis),
             _needed_note(analysis)]
    return [n for n in notes if n]


# --------------------------------------------------------------------------- output


def _p(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.2g}" if value >= 0.001 else "< 0.001"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _rank_section(analysis: Analysis) -> list[str]:
    lines = ["## Mean ranks", "",
             "Per classifier, the mean rank of each method (1 = best) over the datasets where "
             "every kept method has a score; **bold** marks the first place, (p) a peer.", ""]
    for clf in analysis.classifiers:
        cells = [analysis.cell(clf, m) for m in analysis.metrics]
        methods = sorted({m for c in cells for m in c.methods},
                         key=lambda m: (not is_peer(m), natural_key(m)))
        rows = []
        for method in methods:
            row = [f"`{method}`" + (" (p)" if is_peer(method) else "")]
            for c in cells:
                if method not in c.ranks.index:
                    row.append("dropped" if method in c.dropped_methods else "")
                else:
                    text = _fmt(c.ranks[method], ".2f")
                    row.append(f"**{text}**" if method in c.first else text)
            rows.append(row)
        lines += [f"### {clf}", ""]
        lines += _table(["method", *(_LABELS.get(m, m) for m in analysis.metrics)], rows)
        for c in cells:
            note = f"- {_LABELS.get(c.metric, c.metric)}: {c.n_datasets} datasets"
            if c.dropped_datasets:
                note += f" ({len(c.dropped_datasets)} dropped for missing results)"
            if c.dropped_methods:
                note += "; methods dropped: " + ", ".join(f"`{m}`" for m in c.dropped_methods)
            lines.append(note)
        lines.append("")
    return lines


def _best_section(analysis: Analysis) -> list[str]:
    level = round(100 * analysis.settings["level"])
    lines = ["## Synthaug's best against the best peer", "",
             f"Gap: synthaug's best minus the best peer, per dataset, signed so that a "
             f"positive gap favours synthaug (for balanced log loss, the peer's loss minus "
             f"synthaug's); mean over datasets with a {level} % bootstrap interval "
             f"({analysis.settings['n_boot']} resamples, seed {analysis.settings['seed']}). "
             f"W/T/L: datasets where synthaug's best wins, ties, loses. p: two-sided Wilcoxon "
             f"signed-rank test; Holm: corrected over {analysis.settings['holm_family']}.", ""]
    rows = []
    for c in analysis.cells:
        rows.append([c.classifier, _LABELS.get(c.metric, c.metric), c.n_datasets,
                     f"`{c.best_peer}`" if c.best_peer else "n/a",
                     f"`{c.best_synthaug}`" if c.best_synthaug else "n/a",
                     _fmt(c.gap, "+.4f"), f"[{_fmt(c.ci_low, '+.4f')}, {_fmt(c.ci_high, '+.4f')}]",
                     f"{c.wins}/{c.ties}/{c.losses}", _p(c.p_value), _p(c.p_holm)])
    lines += _table(["classifier", "metric", "datasets", "best peer", "synthaug's best",
                     "mean gap", f"{level} % CI", "W/T/L", "p", "Holm"], rows)
    fewest = min((c.n_datasets for c in analysis.cells), default=0)
    if fewest < 10:
        lines += [f"Caution: some cells rest on {fewest} datasets; with fewer than 10 the "
                  "tests have little power and the intervals are wide.", ""]
    return lines


def _target_section(analysis: Analysis) -> list[str]:
    check = target_check(analysis)
    lines = ["## Target check", "",
             f"Target: for each classifier, synthaug's best single method ranks first among "
             f"all methods (a shared first place counts) on at least {TARGET_FIRSTS} of the "
             f"{len(analysis.metrics)} metrics.", ""]
    rows = []
    for clf, row in check.iterrows():
        per_metric = []
        for m in analysis.metrics:
            c = analysis.cell(clf, m)
            mark = "first" if c.synthaug_first else (
                "first: " + ", ".join(f"`{f}`" for f in c.first) if c.first else "n/a")
            if c.synthaug_first and len(c.first) > 1:
                mark = "shared first"
            per_metric.append(mark)
        rows.append([clf, *per_metric, f"{row['firsts']} of {row['of']}",
                     "**pass**" if row["passed"] else "**miss**"])
    lines += _table(["classifier", *(_LABELS.get(m, m) for m in analysis.metrics),
                     "firsts", "result"], rows)
    passed = int(check["passed"].sum())
    lines += [f"The target is met for {passed} of {len(check)} classifiers.", ""]
    return lines


def _wtl_section(analysis: Analysis) -> list[str]:
    lines = ["## Where each synthaug method wins and loses", "",
             "Wins/ties/losses over datasets of each synthaug method against the best peer of "
             "the cell (named under each column's metric).", ""]
    for clf in analysis.classifiers:
        cells = [analysis.cell(clf, m) for m in analysis.metrics]
        methods = sorted({m for c in cells for m in c.versus_peer.index}, key=natural_key)
        header = ["method", *(f"{_LABELS.get(c.metric, c.metric)} vs `{c.best_peer}`"
                              for c in cells)]
        rows = []
        for method in methods:
            row = [f"`{method}`"]
            for c in cells:
                if method in c.versus_peer.index:
                    r = c.versus_peer.loc[method]
                    row.append(f"{int(r['wins'])}/{int(r['ties'])}/{int(r['losses'])}")
                else:
                    row.append("")
            rows.append(row)
        lines += [f"### {clf}", "", *_table(header, rows)]
    return lines


def _facts_section(analysis: Analysis, label: str | None) -> list[str]:
    f = analysis.facts
    folds = ", ".join(str(x) for x in f["folds"]) or "n/a"
    status = ", ".join(f"{k} {v}" for k, v in sorted(f["status"].items()))
    versions = "; ".join(f"{p} {', '.join(v)}" for p, v in f["versions"].items()) or "n/a"
    lines = ["## What was run", ""]
    if label:
        lines += [f"**{label}.**", ""]
    lines += [
        f"- Datasets: {f['n_datasets']}; {folds}-fold stratified cross-validation, "
        f"{f['repeats']} repeat(s); {f['n_tasks']} tasks ({status}).",
        f"- Classifiers: {', '.join(f['classifiers'])}.",
        f"- Peers ({len(f['peers'])}): " + ", ".join(f"`{m}`" for m in f["peers"]) + ".",
        f"- Synthaug ({len(f['synthaug'])}): " + ", ".join(f"`{m}`" for m in f["synthaug"])
        + ".",
        f"- Rows written from {f['first_row']} to {f['last_row']}.",
        f"- Software: {versions}.",
        "",
    ]
    return lines


def render_markdown(analysis: Analysis, *, store: str | None = None,
                    label: str | None = None) -> str:
    """``docs/peers.md``: what was run, the tables and the generated reading notes."""
    title = "# Peer study: synthaug against the alternatives"
    if label:
        title += f" ({label})"
    intro = ["This page is generated by `python experiments/peers/analyse.py`"
             + (f" from `{store}`" if store else "") + "; do not edit it by hand. The grid "
             "of the study is `experiments/peers/peers.toml` (see `experiments/peers/README.md`); "
             "what this store holds is listed below. "
             "Methods, metrics and tests are described in the docstring of "
             "`experiments/peers/analyse.py`.", ""]
    lines = [title, "", *intro, *_facts_section(analysis, label), *_target_section(analysis),
             *_best_section(analysis), *_rank_section(analysis), *_wtl_section(analysis),
             "## Reading the results", ""]
    for note in analysis.notes:
        lines += [note, ""]
    return "\n".join(lines).rstrip() + "\n"


def _num(value: float) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def summary(analysis: Analysis) -> dict[str, Any]:
    """The analysis as JSON-ready values (what the CLI prints)."""
    check = target_check(analysis)
    return {
        "facts": {k: v for k, v in analysis.facts.items() if k != "datasets"},
        "settings": analysis.settings,
        "target": {clf: {"firsts": int(r["firsts"]), "of": int(r["of"]),
                         "metrics": list(r["metrics"]), "passed": bool(r["passed"])}
                   for clf, r in check.iterrows()},
        "cells": [{
            "classifier": c.classifier, "metric": c.metric, "n_datasets": c.n_datasets,
            "dropped_methods": c.dropped_methods, "n_dropped_datasets": len(c.dropped_datasets),
            "first": c.first, "best_peer": c.best_peer, "best_synthaug": c.best_synthaug,
            "synthaug_first": c.synthaug_first, "gap": _num(c.gap),
            "ci": [_num(c.ci_low), _num(c.ci_high)],
            "wins": c.wins, "ties": c.ties, "losses": c.losses,
            "p_value": _num(c.p_value), "p_holm": _num(c.p_holm),
            "ranks": {str(m): _num(r) for m, r in c.ranks.items()},
        } for c in analysis.cells],
    }


def _shown_path(path: str) -> str:
    """``path`` relative to the working folder when inside it, else its file name only (the
    page must not point outside the repository)."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.name


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: analyse a store, write the Markdown, print the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, nargs="+",
                        help="results stores of the study (or their .parquet exports), "
                             "for example one per classifier")
    parser.add_argument("--export", default=None,
                        help="only write a compact .parquet export of the one store given")
    parser.add_argument("-o", "--output", default="docs/peers.md", help="Markdown to write")
    parser.add_argument("--label", default=None,
                        help='a note for the title, e.g. "smoke run: 5 datasets"')
    parser.add_argument("--min-coverage", type=float, default=0.5,
                        help="drop a method scored on fewer than this share of a cell's "
                             "datasets (default 0.5)")
    parser.add_argument("--n-boot", type=int, default=10_000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    args = parser.parse_args(argv)
    try:
        if args.export:
            if len(args.store) != 1:
                raise InvalidParameterError("--export takes exactly one --store.")
            rows = export_results(args.store[0], args.export)
            print(json.dumps({"exported_rows": rows, "output": args.export}))
            return 0
        results = load_many(args.store)
        analysis = analyse(results, min_coverage=args.min_coverage, n_boot=args.n_boot,
                           seed=args.seed)
    except (InvalidInputError, InvalidParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render_markdown(analysis, store=", ".join(_shown_path(s) for s in args.store),
                           label=args.label)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    report = summary(analysis)
    report["output"] = str(out)
    report["generated_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
