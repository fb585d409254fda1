"""A bench run: grid -> unfinished tasks -> executor -> store, with a progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from synthaug.bench.grid import BenchConfig, build_tasks
from synthaug.bench.store import ResultStore
from synthaug.bench.tasks import versions

__all__ = ["RunSummary", "run_bench"]


@dataclass
class RunSummary:
    """What a run did."""

    total: int
    skipped: int
    ran: int
    counts: dict[str, int]
    seconds: float
    store: str


def run_bench(config: BenchConfig, store_path: str | Path, executor: Any, *,
              quiet: bool = False, console: Console | None = None,
              log: Callable[[str], None] | None = None) -> RunSummary:
    """Run every task of ``config`` that the store does not have yet.

    Each finished task is written to the store as it arrives (one transaction each), so
    stopping the run loses at most the tasks in flight; running it again resumes.

    With ``quiet`` there is no progress bar; ``log`` (e.g. ``print``), if given, then
    receives a plain progress line every 5 % of the tasks, for log files.
    """
    config = config.validate()
    tasks = build_tasks(config)
    console = console or Console(stderr=True)
    counts: dict[str, int] = {}
    start = time.perf_counter()
    with ResultStore(store_path) as store:
        store.write_meta("last_config", asdict(config))
        store.write_meta("versions", versions())
        finished = store.finished_ids()
        todo = [t for t in tasks if t.task_id not in finished]
        skipped = len(tasks) - len(todo)
        if not quiet:
            console.print(f"{len(tasks)} tasks ({len(config.datasets)} datasets x "
                          f"{len(config.methods)} methods x {len(config.classifiers)} "
                          f"classifiers x {config.folds * config.repeats} splits); "
                          f"{skipped} already in {store_path}; running {len(todo)} on "
                          f"{executor.description}.")
        progress = Progress(
            TextColumn("[bold]bench"), BarColumn(), MofNCompleteColumn(),
            TextColumn("ok {task.fields[ok]} | failed {task.fields[failed]} | "
                       "remaining {task.fields[remaining]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=console, disable=quiet, transient=False)
        with progress:
            bar = progress.add_task("bench", total=len(todo), ok=0, failed=0,
                                    remaining=len(todo))

            step = max(1, len(todo) // 20)

            def on_result(row: dict[str, Any]) -> None:
                store.write(row)
                status = row["status"]
                counts[status] = counts.get(status, 0) + 1
                done = sum(counts.values())
                if quiet and log and (done % step == 0 or done == len(todo)):
                    elapsed = time.perf_counter() - start
                    eta = elapsed / done * (len(todo) - done)
                    log(f"bench: {done}/{len(todo)} done ({counts.get('ok', 0)} ok), "
                        f"{elapsed:.0f} s elapsed, about {eta:.0f} s left")
                progress.update(bar, advance=1, ok=counts.get("ok", 0),
                                failed=done - counts.get("ok", 0)
                                - counts.get("not_applicable", 0),
                                remaining=len(todo) - done)

            if todo:
                executor.run(todo, on_result)
    return RunSummary(total=len(tasks), skipped=skipped, ran=sum(counts.values()),
                      counts=counts, seconds=time.perf_counter() - start, store=str(store_path))
