"""A self-contained HTML report of benchmark results.

:func:`write_report` turns the task-level results of ``synthaug bench`` (one row per
dataset x method x classifier x fold) into one HTML file that opens offline: the CSS is
inline, there is no script, and the plots are inline SVG drawn with matplotlib's
object-oriented API (no pyplot, so no global backend is changed).

The statistics come from :mod:`synthaug.bench.stats`; every text taken from the results
(dataset and method names, error messages) is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Iterable, Sequence
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

__all__ = ["write_report"]

_REQUIRED = ("dataset", "method", "classifier", "status")
_TIMES = ("resample_time", "fit_time", "predict_time")
_MAX_FAILURE_ROWS = 500
_MAX_ERROR_CHARS = 300
_MAX_LISTED = 60

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
.note{color:#555;font-size:.9em}.scroll{overflow-x:auto}
.fig svg{max-width:100%;height:auto}
"""


# --------------------------------------------------------------------------- html helpers


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


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


def _cell(content: str, *, bold: bool = False, cls: str = "") -> str:
    """A ``<td>`` around already-escaped ``content``."""
    attr = f' class="{cls}"' if cls else ""
    body = f"<b>{content}</b>" if bold else content
    return f"<td{attr}>{body}</td>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1) -> str:
    """An HTML table; ``header`` is plain text, ``rows`` hold rendered ``<td>`` cells.

    The first ``left`` header cells are left-aligned (row labels).
    """
    head = "".join(f'<th class="{"l" if i < left else ""}">{_esc(h)}</th>'
                   for i, h in enumerate(header))
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>' \
           "</table></div>"


def _label(value: Any) -> str:
    """A left-aligned row-label cell with escaped text."""
    return _cell(_esc(value), cls="l")


def _note(text: str) -> str:
    return f'<p class="note">{_esc(text)}</p>'


def _listing(values: Sequence[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:_MAX_LISTED])
    if len(values) > _MAX_LISTED:
        shown += f", … and {len(values) - _MAX_LISTED} more"
    return _esc(shown)


# --------------------------------------------------------------------------- figures


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
    for column in (*metric_columns(frame), *_TIMES):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
    return frame


def _method_order(methods: Iterable[str], first: Sequence[str | None]) -> list[str]:
    """Methods sorted by name, with the comparison methods (if present) first."""
    names = sorted(set(methods))
    head = [m for m in dict.fromkeys(first) if m in names]
    return head + [m for m in names if m not in head]


class _Context:
    """What every section needs: the results, their aggregate and the orderings."""

    def __init__(self, results: pd.DataFrame, baseline: str | None, reference: str | None,
                 cd_metrics: Sequence[str], alpha: float) -> None:
        self.results = results
        self.agg = aggregate(results, std=True)
        self.metrics = metric_columns(results)
        self.methods = _method_order(results["method"], [baseline, reference])
        self.classifiers = sorted(set(results["classifier"]))
        self.datasets = sorted(set(results["dataset"]))
        primary = [m for m in cd_metrics if m in self.metrics]
        self.primary = primary or self.metrics[:2]
        self.baseline, self.reference, self.alpha = baseline, reference, alpha
        self.figures = Figures()

    def agg_for(self, classifier: str) -> pd.DataFrame:
        return self.agg[self.agg["classifier"] == classifier]

    def methods_for(self, classifier: str) -> list[str]:
        present = set(self.agg_for(classifier)["method"])
        return [m for m in self.methods if m in present]


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


def _summary(ctx: _Context) -> str:
    res = ctx.results
    facts = [("datasets", len(ctx.datasets)), ("methods", len(ctx.methods)),
             ("classifiers", len(ctx.classifiers)), ("tasks", len(res))]
    if "n_folds" in res.columns and res["n_folds"].notna().any():
        facts.append(("folds per repeat", _listing(sorted(res["n_folds"].dropna().unique()))))
    if "repeat" in res.columns and res["repeat"].notna().any():
        facts.append(("repeats", res["repeat"].nunique()))
    if "started_at" in res.columns and res["started_at"].notna().any():
        facts.append(("first task started", res["started_at"].dropna().astype(str).min()))
    if "finished_at" in res.columns and res["finished_at"].notna().any():
        facts.append(("last task finished", res["finished_at"].dropna().astype(str).max()))
    parts = [_table(["", "value"], ([_label(k), _cell(_esc(v))] for k, v in facts))]

    counts = res["status"].value_counts()
    parts.append("<h3>Tasks by status</h3>")
    parts.append(_table(["status", "tasks", "share"], (
        [_label(s), _cell(str(int(n))), _cell(f"{100 * n / max(len(res), 1):.1f}%")]
        for s, n in counts.items())) if len(counts) else _note("There are no tasks."))
    parts.append("<h3>Contents</h3><ul>"
                 f"<li><b>Methods:</b> {_listing(ctx.methods)}</li>"
                 f"<li><b>Classifiers:</b> {_listing(ctx.classifiers)}</li>"
                 f"<li><b>Datasets:</b> {_listing(ctx.datasets)}</li>"
                 f"<li><b>Primary metrics:</b> {_listing(ctx.primary)}</li></ul>")
    versions = _versions(res)
    parts.append("<h3>Library versions</h3>")
    parts.append(_table(["package", "version"], (
        [_label(p), _cell(_esc(", ".join(v)), cls="l")] for p, v in versions.items()))
        if versions else _note("No library versions were recorded."))
    return "".join(parts)


def _ranks(ctx: _Context) -> str:
    if not ctx.metrics or not ctx.classifiers:
        return _note("There are no metric values to rank.")
    lower = [m for m in ctx.metrics if not METRICS[m].greater_is_better]
    parts = [_note(
        "Rank 1 is best. Methods are ranked within each dataset (ties share the average "
        "rank) on the dataset-level mean over ok folds, and the ranks averaged over the "
        "datasets where every method has a value. Lower is better for: "
        f"{', '.join(lower) or 'none'}.")]
    for clf in ctx.classifiers:
        methods = ctx.methods_for(clf)
        table = {m: mean_ranks(ctx.agg, m, clf, methods=methods) for m in ctx.metrics}
        best = {m: table[m].min() for m in ctx.metrics}
        rows = [[_label(method)] + [
            _cell(_fmt(table[m].get(method), ".2f"),
                  bold=bool(np.isfinite(best[m]) and table[m].get(method) == best[m]))
            for m in ctx.metrics] for method in methods]
        rows.append([_label("datasets used")]
                    + [_cell(str(table[m].attrs["n_datasets"])) for m in ctx.metrics])
        parts.append(f"<h3>Classifier: {_esc(clf)}</h3>")
        parts.append(_table(["method", *ctx.metrics], rows))
    return "".join(parts)


def _friedman_text(matrix: pd.DataFrame, cd: float, alpha: float) -> str:
    res = friedman(matrix)
    k, n = res.n_methods, res.n_datasets
    if np.isnan(res.statistic):
        text = (f"Friedman test not computed (k = {k} methods, N = {n} datasets; it needs "
                "at least 3 methods, 2 datasets and rows that are not all tied).")
    else:
        text = (f"Friedman χ²({k - 1}) = {res.statistic:.3f}, p = {res.pvalue:.3g}; "
                f"Iman–Davenport F({k - 1}, {(k - 1) * (n - 1)}) = "
                f"{_fmt(res.iman_davenport, '.3f')}, p = {res.iman_davenport_pvalue:.3g}.")
    text += (f" Nemenyi critical difference at α = {alpha:g}: {cd:.3f} over N = {n} "
             "datasets; methods joined by a bar do not differ significantly.")
    return _note(text)


def _cd_block(ctx: _Context, metric: str, clf: str) -> str:
    methods = ctx.methods_for(clf)
    ranks = mean_ranks(ctx.agg, metric, clf, methods=methods)
    n = ranks.attrs["n_datasets"]
    head = f"<h4>{_esc(metric)}</h4>"
    if len(methods) < 2 or n < 1:
        return head + _note(
            f"No diagram: it needs at least 2 methods and 1 dataset where all have a value "
            f"(here {len(methods)} methods, {n} datasets).")
    cd = nemenyi_cd(len(methods), n, ctx.alpha)
    matrix = score_matrix(ctx.agg, metric, clf, methods=methods)
    figure = ctx.figures.render(cd_figure, ranks, cd, nemenyi_groups(ranks, cd))
    return head + _friedman_text(matrix, cd, ctx.alpha) + figure


def _critical_difference(ctx: _Context) -> str:
    if not ctx.primary or not ctx.classifiers:
        return _note("There are no metric values to test.")
    parts = []
    for clf in ctx.classifiers:
        parts.append(f"<h3>Classifier: {_esc(clf)}</h3>")
        parts.extend(_cd_block(ctx, metric, clf) for metric in ctx.primary)
    return "".join(parts)


def _wtl_cell(row: pd.Series, alpha: float) -> str:
    text = f"{int(row['wins'])}/{int(row['ties'])}/{int(row['losses'])}"
    p = row["p_value"]
    cls = ""
    if np.isfinite(p) and p < alpha:
        cls = "win" if row["wins"] > row["losses"] else "loss"
    return _cell(f"{_esc(text)}<br><small>p = {_fmt(p, '.3g')}</small>", cls=cls)


def _wtl_block(ctx: _Context, reference: str) -> str:
    if reference not in ctx.methods:
        return _note(f"Skipped: the method {reference!r} is not in the results.")
    parts = []
    for clf in ctx.classifiers:
        parts.append(f"<h4>Classifier: {_esc(clf)}</h4>")
        methods = ctx.methods_for(clf)
        if reference not in methods:
            parts.append(_note(f"Skipped: {reference!r} has no results with {clf!r}."))
            continue
        others = [m for m in methods if m != reference]
        if not others:
            parts.append(_note("There is no other method to compare."))
            continue
        tables = {m: win_tie_loss(ctx.agg, m, clf, reference) for m in ctx.metrics}
        rows = [[_label(method)] + [_wtl_cell(tables[m].loc[method], ctx.alpha)
                                    for m in ctx.metrics] for method in others]
        parts.append(_table(["method", *ctx.metrics], rows))
    return "".join(parts)


def _win_tie_loss(ctx: _Context) -> str:
    if not ctx.metrics:
        return _note("There are no metric values to compare.")
    parts = [_note(
        "Each cell: datasets where the method wins / ties / loses against the reference "
        f"(ties: equal within {TIE_TOLERANCE:g}), and the two-sided Wilcoxon signed-rank "
        f"p-value over the datasets where both have a value. Green: significantly better at "
        f"α = {ctx.alpha:g}; red: significantly worse.")]
    references = [r for r in dict.fromkeys([ctx.baseline, ctx.reference]) if r is not None]
    if not references:
        parts.append(_note("No reference method was given."))
    for reference in references:
        parts.append(f"<h3>Against {_esc(reference)}</h3>")
        parts.append(_wtl_block(ctx, reference))
    return "".join(parts)


def _score_cell(mean: float, sd: float, n_failed: float, n_na: float, best: float) -> str:
    """``mean ± sd``; bold when it equals ``best``; a word when there is no value."""
    if not np.isfinite(mean):
        return _cell("failed" if n_failed > 0 else "n/a" if n_na > 0 else "–")
    text = _fmt(mean) + (f" ± {_fmt(sd)}" if np.isfinite(sd) else "")
    if n_failed > 0:
        text += " †"
    return _cell(_esc(text), bold=bool(np.isfinite(best) and abs(mean - best) <= TIE_TOLERANCE))


def _dataset_table(ctx: _Context, metric: str, clf: str) -> str:
    agg = ctx.agg_for(clf)
    methods = ctx.methods_for(clf)
    greater = METRICS[metric].greater_is_better
    datasets = sorted(set(agg["dataset"]))

    def grid(column: str) -> np.ndarray:
        table = agg.pivot(index="dataset", columns="method", values=column)
        return table.reindex(index=datasets, columns=methods).to_numpy(np.float64)

    means, sds = grid(metric), grid(f"{metric}_std")
    failed, not_applicable = grid("n_failed"), grid("n_not_applicable")
    rows = []
    for i, dataset in enumerate(datasets):
        finite = means[i][np.isfinite(means[i])]
        best = (finite.max() if greater else finite.min()) if finite.size > 1 else np.nan
        rows.append([_label(dataset)] + [
            _score_cell(means[i, j], sds[i, j], failed[i, j], not_applicable[i, j], best)
            for j in range(len(methods))])
    better = "higher" if greater else "lower"
    return (f"<h4>{_esc(metric)} ({better} is better)</h4>"
            + _table(["dataset", *methods], rows))


def _per_dataset(ctx: _Context) -> str:
    if not ctx.primary or not ctx.classifiers:
        return _note("There are no metric values to show.")
    parts = [_note("Mean ± standard deviation over the ok folds; the best mean of each row "
                   "in bold. †: some folds failed or timed out; n/a: not applicable.")]
    for clf in ctx.classifiers:
        parts.append(f"<h3>Classifier: {_esc(clf)}</h3>")
        parts.extend(_dataset_table(ctx, metric, clf) for metric in ctx.primary)
    return "".join(parts)


def _box_plots(ctx: _Context) -> str:
    parts = [_note("Distribution over datasets of the dataset-level mean of each metric.")]
    for clf in ctx.classifiers:
        agg = ctx.agg_for(clf)
        metrics = [m for m in ctx.metrics if agg[m].notna().any()]
        parts.append(f"<h3>Classifier: {_esc(clf)}</h3>")
        if not metrics:
            parts.append(_note("No metric has a value for this classifier."))
            continue
        parts.append(ctx.figures.render(box_figure, agg, metrics, ctx.methods_for(clf)))
    if not ctx.classifiers:
        parts.append(_note("There are no results."))
    return "".join(parts)


def _runtime(ctx: _Context) -> str:
    res = ctx.results
    times = [t for t in _TIMES if t in res.columns]
    if not times or res.empty:
        return _note("No timings were recorded.")
    frame = res[["method", "classifier", "status", *times]].copy()
    frame["total"] = frame[times].sum(axis=1, min_count=1)
    ok = frame[frame["status"] == "ok"]
    means = ok.groupby(["method", "classifier"])[[*times, "total"]].mean()
    sums = frame.groupby(["method", "classifier"])["total"].sum()
    counts = frame.groupby(["method", "classifier"]).size()
    rows = []
    for method in ctx.methods:
        for clf in ctx.classifiers:
            if (method, clf) not in counts.index:
                continue
            mean = means.loc[(method, clf)] if (method, clf) in means.index else None
            rows.append([_label(method), _label(clf), _cell(str(int(counts[(method, clf)])))]
                        + [_cell(_fmt(None if mean is None else mean[c], ".3g"))
                           for c in [*times, "total"]]
                        + [_cell(_fmt(sums[(method, clf)], ".4g"))])
    header = ["method", "classifier", "tasks", *(f"mean {t} (s)" for t in times),
              "mean total (s)", "sum over all tasks (s)"]
    grand = frame["total"].sum()
    return (_note("Means over the ok tasks; the last column sums every task.")
            + _table(header, rows, left=2)
            + _note(f"Total recorded time: {_fmt(grand, '.4g')} s "
                    f"({_fmt(grand / 3600, '.3g')} h)."))


def _failures(ctx: _Context) -> str:
    res = ctx.results
    bad = res[res["status"] != "ok"]
    if bad.empty:
        return _note("Every task succeeded.")
    counts = bad.groupby(["method", "classifier", "status"]).size().reset_index(name="n")
    parts = ["<h3>Counts</h3>", _table(["method", "classifier", "status", "tasks"], (
        [_label(r.method), _label(r.classifier), _label(r.status), _cell(str(r.n))]
        for r in counts.itertuples(index=False)), left=3)]
    order = bad["status"].map({"failed": 0, "timeout": 1}).fillna(2)
    detail = bad.assign(_order=order).sort_values(["_order", "dataset", "method"], kind="stable")
    shown = detail.head(_MAX_FAILURE_ROWS)
    columns = ["dataset", "method", "classifier", "repeat", "fold", "status"]
    rows = []
    for _, row in shown.iterrows():
        cells = [_label(row.get(c, "")) for c in columns]
        error = row.get("error")
        error = "" if error is None or (isinstance(error, float) and np.isnan(error)) \
            else str(error)
        if len(error) > _MAX_ERROR_CHARS:
            error = error[:_MAX_ERROR_CHARS] + " …"
        rows.append([*cells, _cell(_esc(error), cls="err")])
    parts.append("<h3>Tasks</h3>")
    parts.append(_table([*columns, "error"], rows, left=7))
    if len(detail) > len(shown):
        parts.append(_note(f"… and {len(detail) - len(shown)} more tasks not shown."))
    return "".join(parts)


_SECTIONS = (
    ("summary", "Summary", _summary),
    ("ranks", "Mean ranks", _ranks),
    ("friedman", "Friedman test and Nemenyi critical difference", _critical_difference),
    ("win-tie-loss", "Win/tie/loss", _win_tie_loss),
    ("per-dataset", "Per-dataset scores", _per_dataset),
    ("box-plots", "Box plots", _box_plots),
    ("runtime", "Runtime", _runtime),
    ("failures", "Failures", _failures),
)


# --------------------------------------------------------------------------- entry point


def _page(title: str, ctx: _Context) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f'<a href="#{key}">{_esc(heading)}</a>' for key, heading, _ in _SECTIONS)
    body = "".join(f'<section id="{key}"><h2>{_esc(heading)}</h2>{render(ctx)}</section>'
                   for key, heading, render in _SECTIONS)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{_esc(title)}</h1>"
            f"<p class=\"note\">Generated by synthaug {_esc(__version__)} on {stamp}.</p>"
            f"<nav>{nav}</nav></header>{body}</body></html>\n")


def _write_text(path: Path, text: str) -> None:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)

    atomic_write(path, write)


def write_report(results: pd.DataFrame, path: str | os.PathLike[str], *,
                 title: str = "synthaug benchmark", baseline: str | None = "none",
                 reference: str | None = "smote",
                 cd_metrics: Sequence[str] = ("average_precision", "balanced_accuracy"),
                 alpha: float = 0.05) -> Path:
    """Write a self-contained HTML report of benchmark results.

    Sections: summary (datasets, methods, classifiers, tasks by status, library versions);
    mean ranks per metric and classifier; Friedman test and Nemenyi critical-difference
    diagram per classifier for each of ``cd_metrics``; win/tie/loss counts with Wilcoxon
    signed-rank p-values against ``baseline`` and against ``reference``; per-dataset score
    tables (mean ± sd) for ``cd_metrics``; box plots of every metric; a runtime table; the
    failed, timed-out and not-applicable tasks. The file has inline CSS and inline SVG
    plots, no script and no external resource, so it opens offline.

    Parameters
    ----------
    results : DataFrame
        One row per task, as stored by ``synthaug bench``: at least ``dataset``, ``method``,
        ``classifier`` and ``status``; metric columns named as in
        :data:`~synthaug.metrics.METRICS`; optionally ``error``, ``repeat``, ``fold``,
        ``n_folds``, the ``*_time`` columns, ``versions`` (JSON), ``started_at`` and
        ``finished_at``.
    path : str or path-like
        The HTML file to write (replaced atomically; parent folders are created).
    title : str, default="synthaug benchmark"
        Page title.
    baseline : str or None, default="none"
        The no-resampling method for the first win/tie/loss comparison; skipped, with a
        note, when it is None or absent from the results.
    reference : str or None, default="smote"
        The method for the second win/tie/loss comparison; skipped likewise.
    cd_metrics : sequence of str, default=("average_precision", "balanced_accuracy")
        Primary metrics: those with a critical-difference diagram and per-dataset tables.
        Metrics absent from ``results`` are left out; when none is present, the first two
        metric columns of ``results`` are used.
    alpha : float, default=0.05
        Significance level of the Nemenyi and Wilcoxon tests.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    InvalidInputError
        If ``results`` is not a DataFrame or lacks a required column.
    InvalidParameterError
        If a name in ``cd_metrics`` is not a metric, or ``alpha`` is not in (0, 1).
    """
    unknown = [m for m in cd_metrics if m not in METRICS]
    if isinstance(cd_metrics, str) or unknown:
        raise InvalidParameterError(
            f"cd_metrics must be a sequence of metric names from {sorted(METRICS)}; "
            f"got {cd_metrics!r}.")
    if not (isinstance(alpha, (int, float, np.floating)) and 0.0 < alpha < 1.0):
        raise InvalidParameterError(f"alpha must be in (0, 1), got {alpha!r}.")
    ctx = _Context(_prepare(results), baseline, reference, list(cd_metrics), float(alpha))
    target = Path(path)
    _write_text(target, _page(title, ctx))
    return target
