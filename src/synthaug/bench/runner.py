"""A bench run: grid -> unfinished tasks -> executor -> store, with a progress bar.

Everything that can be checked before a task runs is checked first, in this order: the grid
(names, numbers, missing optional libraries), the store file, the executor (an unreachable
scheduler); only then is the store created, so a run that cannot start leaves no file.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
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

from synthaug.bench.data import table_summary
from synthaug.bench.grid import BenchConfig, build_tasks
from synthaug.bench.store import FAILED_STATUSES, ResultStore
from synthaug.bench.tasks import Task, versions

__all__ = ["RunSummary", "run_bench"]


@dataclass
class RunSummary:
    """What a run did.

    Attributes
    ----------
    total, skipped, ran : int
        Tasks in the grid, tasks already in the store, tasks run now.
    counts : dict
        Tasks run now, by status.
    seconds : float
        Wall time of the run.
    store : str
        The store file.
    retried : int
        Tasks run now that had failed or timed out before (``retry_failed``).
    failed_before : int
        Failed or timed-out tasks of the grid left in the store and not run again.
    errors : dict
        First line of each error of this run's failed and timed-out tasks, with its count.
    """

    total: int
    skipped: int
    ran: int
    counts: dict[str, int]
    seconds: float
    store: str
    retried: int = 0
    failed_before: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        """Tasks of this run that failed or timed out."""
        return sum(self.counts.get(s, 0) for s in FAILED_STATUSES)

    @property
    def all_failed(self) -> bool:
        """Whether tasks failed and none of this run's tasks succeeded."""
        return self.failed > 0 and self.counts.get("ok", 0) == 0


def run_bench(config: BenchConfig, store_path: str | Path, executor: Any, *,
              quiet: bool = False, console: Console | None = None,
              log: Callable[[str], None] | None = None,
              retry_failed: bool = False) -> RunSummary:
    """Run every task of ``config`` that the store does not have yet.

    Each finished task is written to the store as it arrives (one transaction each), so
    stopping the run loses at most the tasks in flight; running it again resumes.

    Parameters
    ----------
    config : BenchConfig
        The grid; validated here (names, numbers, optional libraries), before anything runs.
    store_path : str or Path
        The SQLite store; created only once the grid and the executor are ready.
    executor : LocalExecutor or DaskExecutor
        Where the tasks run; its session is opened before the store is created.
    quiet : bool, default=False
        No progress bar; ``log`` (e.g. ``print``), if given, then receives a plain
        progress line every 5 % of the tasks (and at least every 30 s), for log files.
        When ``console`` is not a terminal, the bar gives way to these lines too.
    console : rich.console.Console, optional
        Where the progress bar goes (default: stderr).
    log : callable, optional
        See ``quiet``.
    retry_failed : bool, default=False
        Run the grid's failed and timed-out tasks again (with the tasks not run yet);
        otherwise every stored task is skipped.

    Returns
    -------
    RunSummary

    Raises
    ------
    SynthaugError
        For a grid, store or executor that cannot be used; nothing is created then.
    """
    config = config.validate()
    tasks = build_tasks(config)
    console = console or Console(stderr=True)
    store_path = Path(store_path)
    ResultStore.check(store_path)
    session = getattr(executor, "session", None)
    with session() if session else contextlib.nullcontext(), ResultStore(store_path) as store:
        store.write_meta("last_config", config.describe())
        for name, table in config.tables.items():  # the report's n, features and IR
            store.write_meta(f"dataset:{name}", table_summary(table))
        store.write_meta("versions", versions())
        return _run(config, tasks, store, executor, quiet=quiet, console=console, log=log,
                    retry_failed=retry_failed)


#: Seconds between progress lines when the output is not a terminal.
LOG_EVERY_S = 30.0


def _run(config: BenchConfig, tasks: list[Task], store: ResultStore, executor: Any, *,
         quiet: bool, console: Console, log: Callable[[str], None] | None,
         retry_failed: bool) -> RunSummary:
    """Run the tasks the store lacks (and its failed ones with ``retry_failed``)."""
    stored = store.statuses()
    todo = [t for t in tasks if stored.get(t.task_id) is None
            or (retry_failed and stored[t.task_id] in FAILED_STATUSES)]
    retried = sum(t.task_id in stored for t in todo)
    failed_before = sum(stored.get(t.task_id) in FAILED_STATUSES for t in tasks) - retried
    if not quiet:
        again = f" ({retried} of them failed before)" if retried else ""
        console.print(f"{len(tasks)} tasks ({len(config.datasets)} datasets x "
                      f"{len(config.methods)} methods x {len(config.classifiers)} "
                      f"classifiers x {config.folds * config.repeats} splits); "
                      f"{len(tasks) - len(todo)} already in {store.path}; running "
                      f"{len(todo)}{again} on {executor.description}.")
    # Not a terminal (nohup, CI logs): no live bar, which would print nothing until the
    # end, but a plain line every 5 % of the tasks or every 30 s.
    lines = quiet or not console.is_terminal
    if lines and log is None and not quiet:
        log = console.print
    tally = _Tally(store, len(todo), quiet=lines, log=log)
    with _progress(console, lines) as progress:
        tally.bar = (progress, progress.add_task("bench", total=len(todo), ok=0, failed=0,
                                                 remaining=len(todo)))
        if todo:
            executor.run(todo, tally.on_result)
    return RunSummary(total=len(tasks), skipped=len(tasks) - len(todo), ran=tally.done,
                      counts=tally.counts, seconds=time.perf_counter() - tally.start,
                      store=str(store.path), retried=retried, failed_before=failed_before,
                      errors=dict(tally.errors.most_common()))


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("[bold]bench"), BarColumn(), MofNCompleteColumn(),
        TextColumn("ok {task.fields[ok]} | failed {task.fields[failed]} | "
                   "remaining {task.fields[remaining]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, disable=quiet, transient=False)


class _Tally:
    """Stores each row as it arrives, counts statuses and errors, moves the progress bar
    (or, when quiet or not on a terminal, logs a line every 5 % of the tasks and at least
    every :data:`LOG_EVERY_S` seconds while results arrive)."""

    def __init__(self, store: ResultStore, total: int, *, quiet: bool,
                 log: Callable[[str], None] | None) -> None:
        self.store, self.total, self.quiet, self.log = store, total, quiet, log
        self.counts: dict[str, int] = {}
        self.errors: Counter[str] = Counter()
        self.start = time.perf_counter()
        self.step = max(1, total // 20)
        self.last_line = self.start
        self.bar: tuple[Progress, Any] | None = None

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def on_result(self, row: dict[str, Any]) -> None:
        self.store.write(row)
        status = row["status"]
        self.counts[status] = self.counts.get(status, 0) + 1
        if status in FAILED_STATUSES:
            self.errors[_first_line(row.get("error"))] += 1
        done, ok = self.done, self.counts.get("ok", 0)
        now = time.perf_counter()
        if self.quiet and self.log and (done % self.step == 0 or done == self.total
                                        or now - self.last_line >= LOG_EVERY_S):
            self.last_line = now
            elapsed = now - self.start
            eta = elapsed / done * (self.total - done)
            self.log(f"bench: {done}/{self.total} done ({ok} ok), "
                     f"{elapsed:.0f} s elapsed, about {eta:.0f} s left")
        if self.bar is not None:
            progress, bar = self.bar
            progress.update(bar, advance=1, ok=ok,
                            failed=done - ok - self.counts.get("not_applicable", 0),
                            remaining=self.total - done)


def _first_line(error: Any) -> str:
    """``"pkg.mod.SomeError: text."`` -> ``"SomeError: text"`` (first line, 300 characters)."""
    text = str(error or "").strip()
    line = text.splitlines()[0] if text else "no error text"
    line = re.sub(r"^(?:[A-Za-z_]\w*\.)+(?=\w+(?::|$))", "", line)
    return line[:300].rstrip(".")
