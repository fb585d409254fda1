"""The benchmark engine: grid -> tasks -> executor -> SQLite store -> HTML report.

Run it from the command line (``synthaug bench``) or from Python::

    from synthaug.bench import run_bench, suite_config, LocalExecutor
    summary = run_bench(suite_config("smoke"), "results.sqlite", LocalExecutor(2))

A user's own file joins a grid by path, or as a :class:`FileSpec` with its settings::

    config = BenchConfig(datasets=["yeast4"], files=[FileSpec("churn.csv", target="churned")],
                         methods=["none", "smote"], classifiers=["logreg"])
"""

from synthaug.bench.data import FileSpec
from synthaug.bench.executors import DaskExecutor, LocalExecutor, make_executor
from synthaug.bench.grid import BenchConfig, build_tasks, load_config, suite_config
from synthaug.bench.methods import MethodSpec, parse_method
from synthaug.bench.runner import RunSummary, run_bench
from synthaug.bench.store import ResultStore
from synthaug.bench.tasks import Task, run_task

__all__ = [
    "BenchConfig",
    "DaskExecutor",
    "FileSpec",
    "LocalExecutor",
    "MethodSpec",
    "ResultStore",
    "RunSummary",
    "Task",
    "build_tasks",
    "load_config",
    "make_executor",
    "parse_method",
    "run_bench",
    "run_task",
    "suite_config",
]
