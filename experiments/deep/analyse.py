"""Mean ranks of the deep-generator classification study (``deep.toml``).

Reads the study's results store (SQLite) or exported rows (Parquet/CSV), averages the
fold scores per (dataset, method, classifier) and ranks the methods within each dataset
(1 = best; :func:`synthaug.bench.stats.mean_ranks`), per classifier and metric, on the
datasets where every method has a result. Prints a Markdown table per classifier and a
JSON summary, and writes ``results/ranks.json``.

Usage::

    python experiments/deep/analyse.py --store experiments/deep/results.sqlite
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from synthaug.bench.stats import aggregate, mean_ranks, score_matrix
from synthaug.bench.store import ResultStore

METRICS = ("balanced_accuracy", "average_precision", "mcc", "g_mean", "balanced_log_loss")
SHORT = {"balanced_accuracy": "BA", "average_precision": "AP", "mcc": "MCC",
         "g_mean": "G-mean", "balanced_log_loss": "BLL"}
HERE = Path(__file__).parent


def load(path: str) -> pd.DataFrame:
    """Task rows from a store or an export."""
    if path.endswith(".sqlite"):
        return ResultStore(path).read()
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)


def analyse(results: pd.DataFrame) -> dict:
    agg = aggregate(results[results["status"] == "ok"])
    out: dict = {"n_tasks_ok": int((results["status"] == "ok").sum()),
                 "n_tasks": len(results), "classifiers": {}}
    for clf in sorted(agg["classifier"].unique()):
        cell: dict = {}
        for metric in METRICS:
            matrix = score_matrix(agg, metric, clf)
            ranks = mean_ranks(agg, metric, clf)
            cell[metric] = {"n_datasets": len(matrix),
                            "mean_rank": {m: round(float(r), 2) for m, r in ranks.items()},
                            "mean_score": {m: round(float(v), 4)
                                           for m, v in matrix.mean().items()}}
        out["classifiers"][clf] = cell
    return out


def markdown(summary: dict) -> str:
    lines = []
    for clf, cell in summary["classifiers"].items():
        methods = list(next(iter(cell.values()))["mean_rank"])
        n = {c["n_datasets"] for c in cell.values()}
        lines += [f"**{clf}** ({'/'.join(map(str, sorted(n)))} datasets; mean rank, 1 = "
                  "best, mean score in brackets)", "",
                  "| method | " + " | ".join(SHORT[m] for m in cell) + " |",
                  "|---|" + "---|" * len(cell)]
        for method in sorted(methods, key=lambda m: cell["average_precision"]["mean_rank"][m]):
            row = [f"{cell[m]['mean_rank'][method]:.2f} ({cell[m]['mean_score'][method]:.3f})"
                   for m in cell]
            lines.append(f"| {method} | " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", nargs="+", required=True,
                        help="results.sqlite, or exported rows (.parquet/.csv)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    results = pd.concat([load(p) for p in args.store], ignore_index=True)
    results = results.drop_duplicates("task_id", keep="last")
    summary = analyse(results)
    print(markdown(summary))
    if not args.no_save:
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "ranks.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "classifiers"}))


if __name__ == "__main__":
    main()
