"""GK-SMOTE's default mode and neighbour count, compared on the whole default suite.

Runs the bench engine over the datasets of the ``default`` suite (smallest first, so that
a run stopped early covers as many datasets as possible) with four GK-SMOTE variants
(``mode`` paper / reference x ``k_neighbors`` "auto" / 5) and plain SMOTE as a reference
point, classifiers logreg, knn, hgb and svm, 5 folds x 1 repeat, random_state 0. Results
go to a SQLite store, so running the script again resumes where it stopped.

It then ranks the variants per classifier x metric (average_precision, mcc,
balanced_log_loss, g_mean) with :mod:`synthaug.bench.stats`, over the datasets where every
variant and classifier has all its folds and none failed (a GK-SMOTE failure, e.g. every
minority row flagged as noise, is counted per variant and keeps that dataset out of the
ranking instead of being ranked on its other folds). It reports the variant with the best
mean rank over the 16 cells (ties go to GK-SMOTE's default when the store was run) and
its win/tie/loss against that default (two-sided Wilcoxon, Holm over the 16 cells),
prints the JSON and writes benchmarks/results/gksmote_defaults.json.

Usage::

    nice -n 10 python benchmarks/bench_gksmote_defaults.py [--jobs 2]
    python benchmarks/bench_gksmote_defaults.py --analyse-only   # from what is stored

The store remembers which method name each variant was run under. Method names drop
parameters equal to the generator's defaults, so after a change of GK-SMOTE's defaults the
same name means another variant: the script then still analyses the stored results under
their original meaning, but refuses to run more tasks into that store.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import write_report  # same directory

from synthaug.bench import BenchConfig, LocalExecutor, ResultStore, parse_method, run_bench
from synthaug.bench.stats import aggregate, holm, mean_ranks, win_tie_loss
from synthaug.datasets import list_datasets
from synthaug.generators import GKSMOTEGenerator

#: Variant label -> method text of the bench grammar.
VARIANTS = {
    "paper/auto": "gksmote[mode=paper,k_neighbors=auto]",
    "reference/auto": "gksmote[mode=reference,k_neighbors=auto]",
    "paper/k=5": "gksmote[mode=paper,k_neighbors=5]",
    "reference/k=5": "gksmote[mode=reference,k_neighbors=5]",
}
REFERENCE = {"smote": "smote"}
CLASSIFIERS = ["logreg", "knn", "hgb", "svm"]
METRICS = ["average_precision", "mcc", "balanced_log_loss", "g_mean"]
FOLDS, REPEATS, SEED = 5, 1, 0
RESULTS = Path(__file__).parent / "results"
META_KEY = "gksmote_defaults:methods"
COMMAND = "nice -n 10 python benchmarks/bench_gksmote_defaults.py --jobs 2"


def current_default_label() -> str:
    """The label of the variant that GK-SMOTE's current defaults select."""
    params = GKSMOTEGenerator().get_params()
    k = "auto" if params["k_neighbors"] == "auto" else f"k={params['k_neighbors']}"
    return f"{params['mode']}/{k}"


def method_names() -> dict[str, str]:
    """Label -> canonical bench method name, under the current defaults."""
    return {label: parse_method(text).name
            for label, text in {**VARIANTS, **REFERENCE}.items()}


def suite_datasets(limit: int | None = None) -> list[str]:
    """The default suite's datasets, smallest first (the suite's own filter)."""
    from synthaug.bench.grid import suite_config

    names = set(suite_config("default").datasets)
    table = list_datasets().sort_values(["n", "name"], kind="stable")
    ordered = [n for n in table["name"] if n in names]
    return ordered[:limit] if limit else ordered


def stored_names(store_path: Path) -> dict[str, Any] | None:
    """The label -> method name map and defaults recorded in the store, if any."""
    if not store_path.exists():
        return None
    with ResultStore(store_path) as store:
        return store.read_meta(META_KEY).get(META_KEY)


def run(store_path: Path, datasets: list[str], jobs: int, timeout: float | None) -> None:
    """Run (or resume) the grid; refuse a store made under other GK-SMOTE defaults."""
    names = method_names()
    record = {"names": names, "default": current_default_label()}
    before = stored_names(store_path)
    if before is not None and before["names"] != names:
        sys.exit(f"{store_path} was run with GK-SMOTE's defaults at {before['default']} "
                 f"(method names {before['names']}); the defaults are now "
                 f"{record['default']}, so the same names mean other variants. Analyse it "
                 "with --analyse-only, or use a new --store.")
    config = BenchConfig(datasets=datasets, methods=list(names.values()),
                         classifiers=list(CLASSIFIERS), folds=FOLDS, repeats=REPEATS,
                         random_state=SEED, task_timeout=timeout)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    if before is None:
        ResultStore.check(store_path)
        with ResultStore(store_path) as store:
            store.write_meta(META_KEY, record)
    summary = run_bench(config, store_path, LocalExecutor(jobs), quiet=True, log=print)
    print(f"bench: {summary.ran} tasks run, {summary.skipped} already stored, "
          f"{summary.failed} failed now, {summary.failed_before} failed before; "
          f"{summary.seconds:.0f} s", flush=True)


# --------------------------------------------------------------------------- analysis


def _coverage(results: pd.DataFrame, datasets: list[str], names: dict[str, str]
              ) -> tuple[list[str], list[str], dict[str, Any]]:
    """Datasets with every task stored, those of them with every task ok, and the
    failures per variant (tasks and datasets)."""
    per = len(CLASSIFIERS) * FOLDS * REPEATS
    want = set(names.values())
    rows = results[results["method"].isin(want) & results["classifier"].isin(CLASSIFIERS)]
    done = rows.groupby(["dataset", "method"]).size()
    not_ok = rows[rows["status"] != "ok"].groupby(["dataset", "method"]).size()
    complete = [d for d in datasets
                if all(done.get((d, m), 0) == per for m in want)]
    clean = [d for d in complete if not any(not_ok.get((d, m), 0) for m in want)]
    failures = {}
    for label, method in names.items():
        mine = rows[(rows["method"] == method) & (rows["status"] != "ok")]
        errors = (mine["error"].fillna("").str.split("\n").str[0]
                  .str.replace(r"^(?:\w+\.)+(?=\w+:)", "", regex=True).str.slice(0, 200)
                  .value_counts())
        failures[label] = {
            "tasks": len(mine),
            "by_status": {str(k): int(v) for k, v in mine["status"].value_counts().items()},
            "datasets": sorted(mine["dataset"].unique().tolist()),
            "errors": {str(k): int(v) for k, v in errors.items()},
        }
    return complete, clean, failures


def _cell(agg: pd.DataFrame, metric: str, classifier: str, methods: list[str]
          ) -> tuple[pd.Series, pd.Series]:
    """Mean ranks of ``methods`` and their mean score, one classifier and metric."""
    ranks = mean_ranks(agg, metric, classifier, methods=methods)
    rows = agg[(agg["classifier"] == classifier) & agg["method"].isin(methods)]
    return ranks, rows.groupby("method")[metric].mean()


def analyse(store_path: Path, datasets: list[str]) -> dict[str, Any]:
    """The report: coverage, failures, mean ranks per cell, the choice and its evidence."""
    record = stored_names(store_path)
    if record is None:
        sys.exit(f"No results store at {store_path}; run without --analyse-only first.")
    names, default = record["names"], record["default"]
    by_method = {m: label for label, m in names.items()}
    with ResultStore(store_path) as store:
        results = store.read()
    results = results[results["dataset"].isin(datasets)]
    complete, clean, failures = _coverage(results, datasets, names)
    agg = aggregate(results[results["dataset"].isin(clean)
                            & results["method"].isin(by_method)])
    agg["method"] = agg["method"].map(by_method)
    gk = list(VARIANTS)
    cells, overall = [], {label: [] for label in gk}
    overall_with_smote = {label: [] for label in [*gk, "smote"]}
    for clf in CLASSIFIERS:
        for metric in METRICS:
            if not clean:
                continue
            ranks, _ = _cell(agg, metric, clf, gk)
            ranks5, means5 = _cell(agg, metric, clf, [*gk, "smote"])
            for label in gk:
                overall[label].append(float(ranks[label]))
            for label in overall_with_smote:
                overall_with_smote[label].append(float(ranks5[label]))
            cells.append({"classifier": clf, "metric": metric,
                          "n_datasets": int(ranks.attrs["n_datasets"]),
                          "mean_rank": {k: round(float(ranks[k]), 4) for k in gk},
                          "mean_rank_with_smote": {k: round(float(ranks5[k]), 4)
                                                   for k in overall_with_smote},
                          "mean_score": {k: round(float(means5[k]), 5)
                                         for k in overall_with_smote}})
    report: dict[str, Any] = {
        "command": COMMAND,
        "grid": {"suite": "default", "variants": VARIANTS, "reference": REFERENCE,
                 "method_names": names, "classifiers": CLASSIFIERS, "metrics": METRICS,
                 "folds": FOLDS, "repeats": REPEATS, "random_state": SEED},
        "default_when_run": default,
        "datasets": {"in_grid": len(datasets), "complete": len(complete),
                     "ranked": len(clean),
                     "left_out_for_failures": sorted(set(complete) - set(clean))},
        "failures": failures,
        "cells": cells,
    }
    if not cells:
        report["choice"] = None
        return report
    summary = {label: float(np.mean(v)) for label, v in overall.items()}
    best_rank = min(summary.values())
    # ties (to 1e-9) go to the current default, then to the order of VARIANTS
    order = [default, *[label for label in gk if label != default]]
    best = next(label for label in order if summary[label] <= best_rank + 1e-9)
    best_cells = {label: sum(c["mean_rank"][label] == min(c["mean_rank"].values())
                             for c in cells) for label in gk}
    report["overall_mean_rank"] = {k: round(v, 4) for k, v in summary.items()}
    report["overall_mean_rank_with_smote"] = {
        k: round(float(np.mean(v)), 4) for k, v in overall_with_smote.items()}
    report["cells_best"] = best_cells
    report["choice"] = best
    report["differs_from_default_when_run"] = best != default
    report["best_vs_default"] = _best_vs_default(agg, best, default) if best != default \
        else None
    return report


def _best_vs_default(agg: pd.DataFrame, best: str, default: str) -> list[dict[str, Any]]:
    """Win/tie/loss and two-sided Wilcoxon p of ``best`` against ``default`` per cell,
    with Holm's correction over the 16 cells."""
    pair = agg[agg["method"].isin([best, default])]
    out = []
    for clf in CLASSIFIERS:
        for metric in METRICS:
            row = win_tie_loss(pair, metric, clf, reference=default).loc[best]
            out.append({"classifier": clf, "metric": metric, "wins": int(row["wins"]),
                        "ties": int(row["ties"]), "losses": int(row["losses"]),
                        "n_datasets": int(row["n_datasets"]),
                        "mean_difference": round(float(row["mean_difference"]), 5),
                        "p_value": _sig(row["p_value"])})
    for cell, p in zip(out, holm([c["p_value"] for c in out]), strict=True):
        cell["p_holm"] = _sig(p)
    return out


def _sig(p: float) -> float:
    """A p-value to 3 significant digits (small ones stay readable)."""
    return float(f"{float(p):.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--store", default=str(RESULTS / "gksmote_defaults.sqlite"))
    parser.add_argument("--out", default=str(RESULTS / "gksmote_defaults.json"))
    parser.add_argument("--limit", type=int, default=None,
                        help="only the LIMIT smallest datasets (a quick check)")
    parser.add_argument("--task-timeout", type=float, default=900.0,
                        help="seconds per task before it counts as timed out")
    parser.add_argument("--analyse-only", action="store_true",
                        help="no new tasks: the JSON from what the store holds")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    store = Path(args.store)
    datasets = suite_datasets(args.limit)
    if not args.analyse_only:
        run(store, datasets, args.jobs, args.task_timeout)
    report = analyse(store, datasets)
    report["machine"] = {"platform": platform.platform(), "jobs": args.jobs}
    write_report(report, args.out, save=not args.no_save)


if __name__ == "__main__":
    main()
