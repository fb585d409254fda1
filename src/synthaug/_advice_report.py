"""The one-page HTML report of an :class:`~synthaug.advice.Advice` (built from the bench
report's page blocks and figure renderer, so both pages look alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from synthaug.bench.figures import Figures
from synthaug.bench.report import _Cell, _Figure, _html_page, _Items, _Note, _Table

if TYPE_CHECKING:
    from synthaug.advice import Advice

__all__ = ["advice_html"]


def _ranking_figure(advice: Advice) -> Any:
    import matplotlib.pyplot as plt

    r = advice.ranking.iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(r) + 1.2))
    se = np.nan_to_num(r["se"].to_numpy(dtype=float))
    colours = ["#1f77b4" if k == "synthetic" else "#7f7f7f" for k in r["kind"]]
    ax.errorbar(r["mean"], range(len(r)), xerr=se, fmt="none", ecolor="#444", capsize=3)
    ax.scatter(r["mean"], range(len(r)), c=colours, zorder=3)
    ax.set_yticks(range(len(r)), [str(c) for c in r["candidate"]])
    better = "higher" if advice.greater_is_better else "lower"
    ax.set_xlabel(f"{advice.scoring} (mean ± standard error over folds; {better} is better)")
    fig.tight_layout()
    return fig


def _curves_figure(advice: Advice) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for name, curve in advice.curves.items():
        ax.errorbar(curve["gamma"], curve["mean"], yerr=np.nan_to_num(curve["se"]),
                    marker="o", capsize=2, label=name)
    ax.set_xlabel("synthetic rows, as a multiple of the gap to the largest class")
    measure = advice.scoring if advice.scoring not in ("mcc", "g_mean", "f1_minority",
                                                       "balanced_accuracy") \
        else "balanced_log_loss"
    ax.set_ylabel(measure)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def advice_html(advice: Advice) -> str:
    """The report's HTML."""
    figures = Figures()
    rows = [[_Cell(str(r.candidate), bold=(r.candidate == advice.best)), _Cell(r.kind),
             _Cell("" if r.gamma is None or r.gamma != r.gamma else f"{r.gamma:g}"),
             _Cell(f"{int(r.n_synthetic):,}"), _Cell(f"{r.mean:.4f}"),
             _Cell(f"{r.se:.4f}"), _Cell(f"{r.diff:.4f} ± {r.diff_se:.4f}"),
             _Cell(f"{r.seconds:.1f}")]
            for r in advice.ranking.itertuples(index=False)]
    ranking = [
        _Table(("answer", "kind", "gamma", "synthetic rows", advice.scoring, "se",
                "behind the first", "seconds"), rows),
        _Note(f"In bold: the answer advised ({advice.best})."),
        _Figure(figures.render("ranking", _ranking_figure, advice))]
    sections = [("advice", "Advice", [_Note(advice.recommendation)]),
                ("ranking", "Ranking", ranking)]
    if advice.curves:
        sections.append(("curves", "Score against synthetic size", [
            _Note("Each generator at every multiple of the gap (0: no synthetic rows, 1: "
                  "full balance), mean ± standard error over the folds."),
            _Figure(figures.render("curves", _curves_figure, advice))]))
    diag = advice.diagnostics
    if diag:
        sym = diag["symmetry"]
        items = [("local symmetry", f"{diag['regime']} (Wald statistic "
                                    f"{sym['statistic']:.3g}, cutoff {sym['cutoff']:.3g})")]
        for name, one in diag.get("generators", {}).items():
            if "error" in one:
                items.append((name, f"not measured: {one['error']}"))
                continue
            q, th = one["quality"], one["theory_target"]
            items.append((name, f"GQS {q['gqs']:.3g} ({q['label']}), alignment "
                                f"{one['alignment']:.3f}, theory target "
                                f"{'none' if th is None else round(th)} rows"))
        sections.append(("diagnostics", "Diagnostics", [
            _Note(f"On {diag.get('model', 'the pilot')}: is the imbalance the leading "
                  "error, and is each generator's bias aligned with the class shift?"),
            _Items(items)]))
    if advice.skipped:
        sections.append(("skipped", "Not tried", [_Items(list(advice.skipped.items()))]))
    return _html_page("synthaug advice", sections)
