"""The bench's cheap VTSS / TG-VTSS protocol against the full one, on the same tasks.

Each task is one bundled dataset x classifier x outer fold of the bench (5 stratified
folds, the bench's preprocessing and seeds), run by the bench's own task runner once with
``smote+vtss`` / ``smote+tg-vtss`` (full protocol: 5 inner folds, the library's grids) and
once with ``smote+vtss-fast`` / ``smote+tg-vtss-fast`` (3 inner folds, coarse grids; see
``synthaug.bench.methods.PROTOCOLS``). Per task: the chosen multiplier gamma (synthetic
rows over the training fold's gap), the balanced log loss and average precision on the
outer test fold, and the task's time (one thread, as a bench worker). TG-VTSS needs
per-sample scores, so with ``hgb`` it is recorded not applicable (no time). Summary per
policy and classifier: mean ``|gamma_fast - gamma_full|``, the share of tasks with the
same choice (same size), the mean test-loss difference (fast - full), and the time ratio
(fast / full).

Prints JSON and writes benchmarks/results/vtss_protocol.json.
Usage: ``python benchmarks/bench_vtss_protocol.py [--datasets a,b] [--classifiers logreg,hgb]
[--folds 5] [--jobs 2] [--no-save] [--from-json benchmarks/results/vtss_protocol.json]``
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import write_report  # same directory
from joblib import Parallel, delayed

from synthaug.bench.data import load_bundled
from synthaug.bench.executors import _pin_threads
from synthaug.bench.methods import PROTOCOLS
from synthaug.bench.tasks import Task, _split, run_task

#: Small and medium default-suite datasets (214 to 1,484 rows): the full protocol with hgb
#: costs about 13 s per task on these, so larger ones would take the run past 8 minutes.
DATASETS = ["ecoli1", "glass1", "haberman", "pima", "vehicle0", "yeast4", "yeast6"]
POLICIES = ("vtss", "tg-vtss")


def training_gap(dataset: str, folds: int, fold: int, seed: int) -> int:
    """Majority minus minority rows in the bench's training part of ``fold``."""
    data = load_bundled(dataset)
    task = Task(dataset, "none", "logreg", folds, 1, 0, fold, seed)
    train, _ = _split(data.y, task)
    counts = np.bincount(data.y[train])
    return int(counts.max() - counts.min())


def one_run(dataset: str, method: str, classifier: str, folds: int, fold: int, seed: int,
            gap: int) -> dict[str, Any]:
    """One bench task: its status, chosen gamma, test metrics and wall time."""
    t0 = time.perf_counter()
    row = run_task(Task(dataset, method, classifier, folds, 1, 0, fold, seed))
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {"status": row["status"], "time_s": wall}
    if row["status"] == "ok":
        out.update(gamma=round(row["n_synthetic"] / gap, 3) if gap else 0.0,
                   n_synthetic=row["n_synthetic"], test_loss=row["balanced_log_loss"],
                   test_ap=row["average_precision"])
    else:
        out["error"] = str(row.get("error"))[:200]
    return out


def one_fold(dataset: str, fold: int, classifiers: list[str], folds: int,
             seed: int) -> list[dict[str, Any]]:
    """Both protocols of both policies with every classifier on one outer fold."""
    _pin_threads()  # one thread, as a bench worker runs
    gap = training_gap(dataset, folds, fold, seed)
    return [{"dataset": dataset, "classifier": c, "policy": policy, "fold": fold, "gap": gap,
             **{p: one_run(dataset, f"smote+{policy}{s}", c, folds, fold, seed, gap)
                for p, s in (("full", ""), ("fast", "-fast"))}}
            for c in classifiers for policy in POLICIES]


def compare(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Summary of the paired fast / full runs of one policy and classifier."""
    ok = [r for r in rows if r["full"]["status"] == "ok" and r["fast"]["status"] == "ok"]
    if not ok:
        return {"tasks": len(rows), "ok": 0,
                "status": sorted({r["full"]["status"] for r in rows})}
    gf = np.array([r["fast"]["gamma"] for r in ok])
    gF = np.array([r["full"]["gamma"] for r in ok])
    loss = np.array([r["fast"]["test_loss"] - r["full"]["test_loss"] for r in ok])
    ap = np.array([r["fast"]["test_ap"] - r["full"]["test_ap"] for r in ok])
    t_fast = sum(r["fast"]["time_s"] for r in ok)
    t_full = sum(r["full"]["time_s"] for r in ok)
    return {"tasks": len(rows), "ok": len(ok),
            "mean_abs_gamma_diff": float(np.abs(gf - gF).mean()),
            "same_choice_share": float(np.mean(
                [r["fast"]["n_synthetic"] == r["full"]["n_synthetic"] for r in ok])),
            "mean_test_loss_diff_fast_minus_full": float(loss.mean()),
            "mean_test_ap_diff_fast_minus_full": float(ap.mean()),
            "mean_gamma_fast": float(gf.mean()), "mean_gamma_full": float(gF.mean()),
            "share_gamma_zero_fast": float(np.mean(gf == 0)),
            "mean_time_fast_s": t_fast / len(ok), "mean_time_full_s": t_full / len(ok),
            "time_ratio_fast_over_full": t_fast / t_full}


def suite_estimate(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """Core-seconds the fast protocol adds to the default suite: per policy and classifier,
    the measured time per task fitted as ``a + b x n`` (dataset rows), summed over the
    default suite's tasks of that method and classifier (an upper bound where the time
    grows more slowly than ``n``, as hgb's does), and the plain mean x tasks."""
    from synthaug.bench.grid import build_tasks, suite_config
    from synthaug.datasets import list_datasets

    rows = list_datasets().set_index("name")["n"]
    suite = build_tasks(suite_config("default"))
    out: dict[str, Any] = {"default_suite_tasks": len(suite)}
    total = 0.0
    for policy in POLICIES:
        for c in sorted({t["classifier"] for t in tasks}):
            mine = [t for t in tasks if t["policy"] == policy and t["classifier"] == c]
            n = np.array([rows[t["dataset"]] for t in mine], dtype=float)
            secs = np.array([t["fast"]["time_s"] for t in mine])
            b, a = np.polyfit(n, secs, 1)
            theirs = np.array([rows[t.dataset] for t in suite
                               if t.method == f"smote+{policy}-fast" and t.classifier == c],
                              dtype=float)
            linear = float(np.clip(a + b * theirs, secs.min(), None).sum())
            out[f"{policy}-fast/{c}"] = {"tasks": len(theirs), "mean_s": float(secs.mean()),
                                         "core_s_by_mean": float(secs.mean() * len(theirs)),
                                         "core_s_linear_in_n": linear}
            total += max(linear, float(secs.mean() * len(theirs)))
    out["added_core_s"] = total
    out["added_min_on_2_cores"] = total / 2 / 60
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both protocols on every task of the command line's grid (the raw report)."""
    datasets, classifiers = args.datasets.split(","), args.classifiers.split(",")
    t_start = time.perf_counter()
    units = Parallel(n_jobs=args.jobs)(
        delayed(one_fold)(d, fold, classifiers, args.folds, args.seed)
        for d in datasets for fold in range(args.folds))
    return {"datasets": datasets, "classifiers": classifiers, "outer_folds": args.folds,
            "protocols": PROTOCOLS, "tasks": [t for unit in units for t in unit],
            "total_s": time.perf_counter() - t_start,
            "machine": {"platform": platform.platform(),
                        "python": platform.python_version()}}


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its summary and the default-suite estimate (re)computed from its
    tasks; the tasks are kept last."""
    tasks = report["tasks"]
    summary = {f"{p}/{c}": compare([t for t in tasks if t["policy"] == p
                                    and t["classifier"] == c])
               for p in POLICIES for c in report["classifiers"]}
    rest = {k: v for k, v in report.items()
            if k not in ("summary", "default_suite_estimate", "tasks")}
    return {**rest, "summary": summary, "default_suite_estimate": suite_estimate(tasks),
            "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--classifiers", default="logreg,hgb")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (1 thread each)")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--from-json", help="summarize a saved report again, run nothing")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results"
                                             / "vtss_protocol.json"))
    args = parser.parse_args()
    if args.from_json:
        report = summarize(json.loads(Path(args.from_json).read_text()))
    else:
        report = summarize(run(args))
    write_report(report, args.out, save=not args.no_save)


if __name__ == "__main__":
    main()
