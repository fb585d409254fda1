"""Where tasks run: local worker processes (joblib's loky) or a Dask cluster.

Both executors have one interface, ``run(tasks, on_result)``: they call ``on_result(row)``
in the driver process for every task, as each finishes, so that one store receives every
row. They share the same fault handling:

* a task that raises is a ``failed`` row (that happens inside :func:`run_task`);
* a task that runs past its time limit is a ``timeout`` row: inside the worker a signal
  interrupts it where possible, and the driver also gives up on a task that has not come
  back well after its limit (the local executor then replaces its workers; Dask cancels
  the task);
* a worker that dies takes its tasks with it: they are run again, one at a time, and a
  task whose worker dies while it runs alone is recorded as ``failed`` (on Dask, the
  scheduler's own retry limit decides). The run goes on.

Each worker pins BLAS and OpenMP to one thread, so ``N`` workers use ``N`` cores.

A user's file is read once, in the driver, and its table travels with the tasks: local
workers receive it with each task; on Dask it is scattered to the workers once per dataset,
so workers need no access to the driver's disk.

``with executor.session(): ...`` connects to the cluster (or starts it) before anything
else happens, so that an unreachable scheduler is reported before a store is created; the
runs inside the block share that connection.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import replace
from typing import Any

from synthaug.bench.tasks import Task, base_row, run_task
from synthaug.exceptions import InvalidParameterError, MissingDependencyError

__all__ = ["DaskExecutor", "LocalExecutor", "make_executor"]

OnResult = Callable[[dict[str, Any]], None]
_ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}
_PINNED = False


def _pin_threads() -> None:
    """Limit BLAS/OpenMP and the neighbour backend to one thread in this worker, once."""
    global _PINNED
    if _PINNED:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    from synthaug.neighbors import set_neighbors

    set_neighbors(n_jobs=1)
    _PINNED = True


def execute(task: Task, data: Any = None) -> dict[str, Any]:
    """Worker entry point: pin threads, run the task (with the file's table ``data`` when
    it was sent separately, as on Dask)."""
    _pin_threads()
    if data is not None:
        task = replace(task, data=data)
    return run_task(task)


def _special_row(task: Task, status: str, error: str) -> dict[str, Any]:
    from datetime import datetime, timezone

    row = base_row(task)
    now = datetime.now(timezone.utc).isoformat()
    row.update(status=status, error=error, started_at=now, finished_at=now)
    return row


class _Executor:
    """What both executors share: a session that is opened before the run."""

    description = ""

    def start(self) -> None:
        """Get ready to run (connect, start a cluster); nothing to do by default."""

    def close(self) -> None:
        """Release what :meth:`start` took."""

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        """``start()`` now, ``close()`` at the end of the block."""
        self.start()
        try:
            yield self
        finally:
            self.close()


class LocalExecutor(_Executor):
    """Run tasks in ``n_jobs`` local worker processes.

    Parameters
    ----------
    n_jobs : int, default=-1
        Worker processes; -1 uses every core.
    grace : float, default=30
        Seconds past a task's limit (counted from its submission, twice the limit, since a
        task may wait behind one other) before the driver replaces the workers.
    """

    def __init__(self, n_jobs: int = -1, grace: float = 30.0) -> None:
        self.n_jobs = (os.cpu_count() or 1) if n_jobs in (-1, None) else int(n_jobs)
        if self.n_jobs < 1:
            raise InvalidParameterError(f"--jobs must be >= 1 or -1, got {n_jobs}.")
        self.grace = grace
        self.description = f"local, {self.n_jobs} worker{'s' * (self.n_jobs > 1)}"

    def _executor(self) -> Any:
        # A private pool, not loky's process-wide reusable one: joblib's own loky backend
        # (the size search's parallel folds, scikit-learn's n_jobs) reuses that one and
        # breaks on an executor it did not make.
        from joblib.externals.loky import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=self.n_jobs, timeout=60, env=_ONE_THREAD)

    def run(self, tasks: Iterable[Task], on_result: OnResult) -> None:
        from joblib.externals.loky.process_executor import (
            BrokenProcessPool,
            TerminatedWorkerError,
        )

        pending: deque[Task] = deque(tasks)
        # tasks that were running when a worker died: run again one at a time, so that
        # the one that kills its worker is identified and the others are not blamed
        suspects: deque[Task] = deque()
        inflight: dict[Any, tuple[Task, float]] = {}
        alone: str | None = None  # the suspect now running by itself
        executor = self._executor()
        try:
            while pending or suspects or inflight:
                if suspects:
                    if not inflight:
                        task = suspects.popleft()
                        alone = task.task_id
                        inflight[executor.submit(execute, task)] = (task, time.monotonic())
                else:
                    while pending and len(inflight) < 2 * self.n_jobs:
                        task = pending.popleft()
                        inflight[executor.submit(execute, task)] = (task, time.monotonic())
                done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    task, _ = inflight.pop(fut)
                    try:
                        on_result(fut.result())
                    except (TerminatedWorkerError, BrokenProcessPool) as exc:
                        broken = True
                        if task.task_id == alone:
                            on_result(_special_row(
                                task, "failed", f"worker died while running this task alone "
                                f"({type(exc).__name__})"))
                        else:
                            suspects.append(task)
                now = time.monotonic()
                overdue = [f for f, (t, t0) in inflight.items()
                           if t.timeout and now - t0 > 2 * t.timeout + self.grace]
                for fut in overdue:
                    task, _ = inflight.pop(fut)
                    on_result(_special_row(
                        task, "timeout",
                        f"task exceeded its time limit of {task.timeout:g} s and did not "
                        "stop; its worker was replaced"))
                    broken = True
                if broken:
                    suspects.extend(task for task, _ in inflight.values())
                    inflight.clear()
                    executor.shutdown(wait=False, kill_workers=True)
                    executor = self._executor()
                if not inflight:
                    alone = None
        except BaseException:
            executor.shutdown(wait=False, kill_workers=True)
            raise
        executor.shutdown(wait=True)


class DaskExecutor(_Executor):
    """Run tasks on a Dask cluster.

    Parameters
    ----------
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running scheduler, or ``local:N`` to start a
        ``distributed.LocalCluster`` of ``N`` single-threaded worker processes here.
    client : distributed.Client, optional
        An existing client to use instead (left open after the run).
    grace : float, default=30
        Seconds past a task's limit before the driver cancels it.
    connect_timeout : float, optional
        Seconds to wait for the scheduler (default: Dask's
        ``distributed.comm.timeouts.connect``).

    Raises
    ------
    MissingDependencyError
        When Dask's ``distributed`` is not installed.
    InvalidParameterError
        For ``local:N`` without a whole number ``N >= 1``, or neither scheduler nor client.
    """

    def __init__(self, scheduler: str | None = None, *, client: Any = None,
                 grace: float = 30.0, connect_timeout: float | None = None) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError(
                "--scheduler needs Dask: pip install 'synthaug[dask]'") from exc
        if (scheduler is None) == (client is None):
            raise InvalidParameterError("DaskExecutor needs a scheduler or a client.")
        self.scheduler = scheduler
        self.n_local = _local_workers(scheduler) if scheduler else None
        self.client = client
        self.grace = grace
        self.connect_timeout = connect_timeout
        self.description = f"dask {scheduler or client}"
        self._active: tuple[Any, Any] | None = None

    @staticmethod
    def local_cluster(n_workers: int) -> tuple[Any, Any]:
        """Start a LocalCluster of single-threaded worker processes; ``(client, cluster)``."""
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, env=dict(_ONE_THREAD))
        return Client(cluster), cluster

    def _client(self) -> tuple[Any, Any]:
        from distributed import Client

        if self.client is not None:
            return self.client, None
        if self.n_local is not None:
            return self.local_cluster(self.n_local)
        kwargs = {} if self.connect_timeout is None else {"timeout": self.connect_timeout}
        try:
            return Client(self.scheduler, **kwargs), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidParameterError(
                f"Cannot reach the Dask scheduler at {self.scheduler} ({exc}); start it "
                "(dask scheduler), check the address, or run locally with --jobs N."
            ) from None

    def start(self) -> None:
        """Connect to the scheduler, or start the local cluster, now.

        Raises
        ------
        InvalidParameterError
            When the scheduler cannot be reached.
        """
        if self._active is None:
            self._active = self._client()

    def close(self) -> None:
        """Close the connection (and the local cluster) that :meth:`start` opened."""
        if self._active is None:
            return
        client, cluster = self._active
        self._active = None
        if client is not self.client:
            client.close()
        if cluster is not None:
            cluster.close()

    def run(self, tasks: Iterable[Task], on_result: OnResult) -> None:
        with contextlib.ExitStack() as stack:
            if self._active is None:  # not in a session: one for this run
                stack.enter_context(self.session())
            self._run(self._active[0], tasks, on_result)

    def _run(self, client: Any, tasks: Iterable[Task], on_result: OnResult) -> None:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending: deque[Task] = deque(tasks)
        inflight: dict[Any, tuple[Task, float]] = {}
        tables: dict[str, Any] = {}   # each file's table goes to the cluster once
        while pending or inflight:
            while pending and len(inflight) < 2 * n_workers:
                task = pending.popleft()
                fut = client.submit(execute, *_with_table(client, task, tables), pure=False,
                                    key=f"task-{task.task_id}")
                inflight[fut] = (task, time.monotonic())
            self._collect(inflight, on_result)
            self._cancel_overdue(inflight, on_result)

    @staticmethod
    def _collect(inflight: dict[Any, tuple[Task, float]], on_result: OnResult) -> None:
        """Wait up to a second; pass on the rows of the tasks that finished."""
        from distributed import wait as dask_wait

        try:
            done, _ = dask_wait(list(inflight), timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:  # dask raises instead of returning when none is done
            done = set()
        for fut in done:
            task, _ = inflight.pop(fut)
            if fut.status == "finished":
                on_result(fut.result())
            else:
                exc = fut.exception()
                on_result(_special_row(task, "failed", f"dask: {type(exc).__name__}: {exc}"))

    def _cancel_overdue(self, inflight: dict[Any, tuple[Task, float]],
                        on_result: OnResult) -> None:
        now = time.monotonic()
        for fut, (task, t0) in list(inflight.items()):
            if task.timeout and now - t0 > 2 * task.timeout + self.grace:
                inflight.pop(fut)
                fut.cancel()
                on_result(_special_row(task, "timeout", f"task exceeded its time limit of "
                                       f"{task.timeout:g} s and was cancelled"))


def _with_table(client: Any, task: Task, tables: dict[str, Any]) -> tuple[Any, ...]:
    """The arguments of :func:`execute` on Dask: a task without its file's table, and the
    table scattered to the cluster once per dataset (a future), instead of one copy of the
    table in every task."""
    if task.data is None:
        return (task,)
    if task.dataset not in tables:
        tables[task.dataset] = client.scatter(task.data, broadcast=True)
    return replace(task, data=None), tables[task.dataset]


def _local_workers(scheduler: str) -> int | None:
    """``N`` of ``local:N`` (None for a scheduler address)."""
    if not scheduler.startswith("local:"):
        return None
    text = scheduler.split(":", 1)[1]
    if not (text.isdigit() and int(text) >= 1):
        raise InvalidParameterError(
            f"Use --scheduler local:N with a whole number N >= 1, got {scheduler!r}.")
    return int(text)


def make_executor(jobs: int | None = -1, scheduler: str | None = None) -> Any:
    """The local executor, or the Dask one when a scheduler is named."""
    if scheduler:
        return DaskExecutor(scheduler)
    return LocalExecutor(jobs if jobs is not None else -1)
