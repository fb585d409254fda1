"""Which settings of the size search should be the defaults? Measured on the default suite.

Reads the results of the peer study (``experiments/peers/``: every bundled dataset of the
default suite, 5 folds x 2 repeats, one store or Parquet export per classifier) and compares
the variants of the validation-chosen size that it runs:

* the selection rule: lowest mean loss (``min``) or the one-standard-error rule (``one-se``);
* repeated inner folds (``n_repeats=3``) against one split;
* the reweighting line (``reweight``: gamma 0 is pure class weighting) against synthetic
  rows only;
* TG-VTSS against VTSS,

with fixed full balancing (``smote``), class weighting and no resampling as reference
points. For each classifier and metric (average precision, MCC, balanced log loss, G-mean):
the mean rank of each variant among the variants (datasets where all have results), and the
win/tie/loss count with a Holm-corrected Wilcoxon p-value of each variant against the
current default (``smote+vtss-fast``). It also reports how often each variant chose no
synthetic rows.

Usage::

    python benchmarks/bench_size_defaults.py experiments/peers/results-logreg.parquet ...

Writes ``benchmarks/results/size_defaults.json`` (``--no-save`` to only print).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments" / "peers"))

from _common import write_report
from analyse import load_many

from synthaug.bench.stats import aggregate, mean_ranks, score_matrix, win_tie_loss

DEFAULT = "smote+vtss-fast"
VARIANTS = (DEFAULT, "smote+vtss-fast[rule=one-se]", "smote+vtss-fast[n_repeats=3]",
            "smote+vtss-fast[reweight]", "smote+vtss-fast[reweight,rule=one-se]",
            "smote+tg-vtss-fast", "smote+tg-vtss-fast[reweight]")
REFERENCES = ("smote", "class-weight", "none")
METRICS = ("average_precision", "mcc", "balanced_log_loss", "g_mean")


def _cell(agg: pd.DataFrame, metric: str, classifier: str) -> dict[str, Any]:
    rows = agg[(agg["classifier"] == classifier) & agg[metric].notna()]
    present = set(rows["method"])   # not_applicable variants (reweight with knn) left out
    variants = [m for m in VARIANTS if m in present]
    matrix = score_matrix(agg, metric, classifier, methods=variants, complete=True)
    ranks = mean_ranks(agg, metric, classifier, methods=variants)
    sub = agg[agg["method"].isin(variants)]
    table = win_tie_loss(sub, metric, classifier, DEFAULT) if DEFAULT in variants else None
    cell: dict[str, Any] = {"n_datasets": len(matrix),
                            "mean_rank": {m: round(float(r), 3) for m, r in ranks.items()},
                            "mean_score": {m: round(float(matrix[m].mean()), 4)
                                           for m in matrix.columns}}
    if table is not None:
        cell["vs_default"] = {m: {"wins": int(r.wins), "ties": int(r.ties),
                                  "losses": int(r.losses),
                                  "p_holm": None if np.isnan(r.p_holm) else float(r.p_holm)}
                              for m, r in table.iterrows()}
    refs = [m for m in REFERENCES if m in present]
    full = score_matrix(agg, metric, classifier, methods=[*variants, *refs], complete=True)
    cell["rank_with_references"] = {
        m: round(float(r), 3)
        for m, r in mean_ranks(agg, metric, classifier, methods=list(full.columns)).items()}
    return cell


def _zero_share(results: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Share of ok tasks where each variant chose no synthetic rows, per classifier."""
    ok = results[(results["status"] == "ok") & results["method"].isin(VARIANTS)]
    out: dict[str, dict[str, float]] = {}
    for (clf, method), rows in ok.groupby(["classifier", "method"]):
        out.setdefault(str(clf), {})[str(method)] = round(
            float((rows["n_synthetic"] == 0).mean()), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+", help="peer-study stores or .parquet exports")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    results = load_many(args.stores)
    agg = aggregate(results)
    classifiers = sorted(agg["classifier"].unique())
    mean_over_cells: dict[str, list[float]] = {}
    cells = {}
    for clf in classifiers:
        for metric in METRICS:
            cell = _cell(agg, metric, clf)
            cells[f"{clf}/{metric}"] = cell
            for m, r in cell["mean_rank"].items():
                mean_over_cells.setdefault(m, []).append(r)
    report = {
        "what": "size-search variants on the default suite (peer-study results)",
        "stores": args.stores,
        "default": DEFAULT,
        "classifiers": classifiers,
        # a variant's mean over the cells where it ran (the reweight variants: logreg only)
        "mean_rank_over_cells": {m: {"mean_rank": round(float(np.mean(v)), 3),
                                     "cells": len(v)}
                                 for m, v in sorted(mean_over_cells.items(),
                                                    key=lambda kv: np.mean(kv[1]))},
        "zero_synthetic_share": _zero_share(results),
        "cells": cells,
    }
    write_report(report, Path(__file__).parent / "results" / "size_defaults.json",
                 save=not args.no_save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
