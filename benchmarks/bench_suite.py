"""How fast the bench engine runs grids.

Prints one JSON document (also written to benchmarks/results/bench_suite.json):

* ``overhead``: one grid run by the engine with one local worker, against a plain
  in-process loop doing the same work (load, split, scale, resample, fit, predict, score)
  with scikit-learn calls and no engine. Target: engine <= 1.1 x loop.
* ``dask``: the same grid on a Dask LocalCluster with 1 and with 2 single-threaded
  workers. Target: 2 workers give >= 1.6 x the throughput of 1.
* ``default_suite`` (with ``--default-suite``): ``synthaug bench`` with no grid options
  (the default suite) on all local cores, into a fresh store. Target: < 20 minutes on
  2 cores.

Usage: ``python benchmarks/bench_suite.py [--parts overhead,dask] [--default-suite]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import write_report  # same directory

GRID = dict(datasets=["yeast1", "vehicle0", "segment0", "page-blocks0", "abalone19",
                      "yeast3", "pima", "ecoli1"],
            methods=["none", "smote", "adasyn"], classifiers=["logreg", "hgb"], folds=5)


def plain_loop(config) -> float:
    """The same work as the engine's tasks, as a plain loop in this process."""
    from sklearn.model_selection import RepeatedStratifiedKFold
    from sklearn.preprocessing import StandardScaler

    from synthaug.bench.classifiers import make_classifier
    from synthaug.bench.methods import parse_method
    from synthaug.bench.tasks import Task
    from synthaug.datasets import load_dataset
    from synthaug.metrics import classification_report

    t0 = time.perf_counter()
    for name in config.datasets:
        X, y = load_dataset(name)
        splits = list(RepeatedStratifiedKFold(n_splits=config.folds, n_repeats=1,
                                              random_state=0).split(X, y))
        for method in config.methods:
            spec = parse_method(method)
            for clf_name in config.classifiers:
                for fold, (train, test) in enumerate(splits):
                    seed = Task(name, method, clf_name, config.folds, 1, 0, fold,
                                0).fold_seed()
                    scaler = StandardScaler().fit(X[train])
                    X_tr, y_tr = scaler.transform(X[train]), y[train]
                    sampler = spec.make_sampler(seed)
                    if sampler is not None:
                        X_tr, y_tr = sampler.fit_resample(X_tr, y_tr)
                    clf = make_classifier(clf_name, seed).fit(X_tr, y_tr)
                    X_te = scaler.transform(X[test])
                    proba = clf.predict_proba(X_te)[:, 1]
                    classification_report(y[test], y_pred=clf.predict(X_te), proba=proba)
    return time.perf_counter() - t0


def engine(config, executor) -> tuple[float, int]:
    from synthaug.bench import run_bench

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = run_bench(config, Path(tmp) / "s.sqlite", executor, quiet=True)
        return time.perf_counter() - t0, summary.ran


def part_overhead(config) -> dict:
    from threadpoolctl import threadpool_limits

    from synthaug.bench import LocalExecutor
    from synthaug.datasets import load_dataset

    for name in config.datasets:  # warm the dataset cache for both sides
        load_dataset(name)
    with threadpool_limits(1):
        loop = min(plain_loop(config) for _ in range(2))
    eng = min(engine(config, LocalExecutor(1))[0] for _ in range(2))
    return {"engine_s": eng, "plain_loop_s": loop, "ratio": eng / loop,
            "tasks": (len(config.datasets) * len(config.methods) * len(config.classifiers)
                      * config.folds),
            "note": "engine: 1 worker process (BLAS pinned to 1 thread); loop: in-process, "
                    "1 BLAS thread; both minimum of 2 runs"}


def part_dask(config) -> dict:
    """Throughput with 1 and 2 workers; clusters are started (and warmed with one task)
    before the clock starts, so start-up is not counted."""
    from synthaug.bench import DaskExecutor
    from synthaug.bench.executors import execute
    from synthaug.bench.tasks import Task

    out = {}
    for n_workers in (1, 2):
        client, cluster = DaskExecutor.local_cluster(n_workers)
        try:
            warm = [Task(d, "none", "logreg", 5, 1, 0, 0, 99) for d in config.datasets]
            client.gather(client.map(execute, warm, pure=False))
            out[n_workers] = engine(config, DaskExecutor(client=client))
        finally:
            client.close()
            cluster.close()
    (one, n), (two, _) = out[1], out[2]
    return {"one_worker_s": one, "two_workers_s": two, "tasks": n,
            "throughput_ratio": one / two}


def part_default_suite() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "default.sqlite"
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "synthaug.cli", "bench", "--store",
                               str(store), "--report", str(Path(tmp) / "r.html"), "--quiet"],
                              capture_output=True, text=True)
        wall = time.perf_counter() - t0
        import sqlite3

        with sqlite3.connect(store) as conn:
            counts = dict(conn.execute(
                "SELECT status, COUNT(*) FROM results GROUP BY status").fetchall())
            seconds = {m: round(t, 1) for m, t in conn.execute(
                "SELECT method, SUM(COALESCE(fit_time, 0) + COALESCE(resample_time, 0) + "
                "COALESCE(predict_time, 0)) FROM results GROUP BY method").fetchall()}
            failed = dict(conn.execute(
                "SELECT method, COUNT(*) FROM results WHERE status IN ('failed', 'timeout') "
                "GROUP BY method").fetchall())
    return {"wall_s": wall, "wall_min": wall / 60, "tasks_by_status": counts,
            "tasks": sum(counts.values()), "task_seconds_by_method": seconds,
            "failed_by_method": failed, "returncode": proc.returncode,
            "stderr_tail": proc.stderr[-500:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="overhead,dask")
    parser.add_argument("--default-suite", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "bench_suite.json"))
    args = parser.parse_args()
    from synthaug.bench import BenchConfig

    config = BenchConfig(**GRID).validate()
    out = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                       "python": platform.python_version(), "numpy": np.__version__},
           "grid": GRID, "targets": {"overhead.ratio": "<= 1.1",
                                     "dask.throughput_ratio": ">= 1.6",
                                     "default_suite.wall_min": "< 20"}}
    parts = [p for p in args.parts.split(",") if p]
    if "overhead" in parts:
        out["overhead"] = part_overhead(config)
        print(f"overhead ratio {out['overhead']['ratio']:.3f}", file=sys.stderr, flush=True)
    if "dask" in parts:
        out["dask"] = part_dask(config)
        print(f"dask ratio {out['dask']['throughput_ratio']:.3f}", file=sys.stderr, flush=True)
    if args.default_suite:
        out["default_suite"] = part_default_suite()
    previous = Path(args.out)
    if previous.exists():  # keep the parts not rerun this time
        kept = json.loads(previous.read_text())
        out = {**{k: v for k, v in kept.items() if k not in out}, **out}
    write_report(out, args.out)


if __name__ == "__main__":
    main()
