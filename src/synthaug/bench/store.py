"""The results store: one embedded SQLite database, one row per finished task.

Only the driver process writes, one task per transaction, so a run that is stopped (Ctrl-C
or ``kill -9``) leaves every finished row intact and nothing half-written; ``task_id`` is
the primary key, so a task is never stored twice. Finished tasks are skipped when the same
run is started again (failed and timed-out ones too, unless they are asked for again).

Everything is read back from SQLite and JSON text; nothing is unpickled. A file that is not
a results store (not SQLite, or SQLite without a ``results`` table) is refused with an
:class:`~synthaug.exceptions.InvalidInputError`, never modified.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from synthaug.bench.tasks import METRIC_COLUMNS
from synthaug.exceptions import InvalidInputError

__all__ = ["COLUMNS", "ResultStore"]

_TEXT = ("task_id", "dataset", "method", "method_params", "classifier", "status", "error",
         "warnings", "versions", "started_at", "finished_at", "worker")
_INT = ("repeat", "fold", "n_folds", "seed", "n_train", "n_test", "n_synthetic")
_REAL = (*METRIC_COLUMNS, "fit_time", "resample_time", "predict_time")
COLUMNS = ("task_id", "dataset", "method", "method_params", "classifier", "repeat", "fold",
           "n_folds", "seed", "status", "error", "warnings", *METRIC_COLUMNS, "fit_time",
           "resample_time", "predict_time", "n_train", "n_test", "n_synthetic", "versions",
           "started_at", "finished_at", "worker")
FINAL_STATUSES = ("ok", "failed", "timeout", "not_applicable")
#: Statuses of tasks that did not run to the end; ``--retry-failed`` runs them again.
FAILED_STATUSES = ("failed", "timeout")
_SQLITE_HEADER = b"SQLite format 3\x00"


def _decl(col: str) -> str:
    if col == "task_id":
        return "task_id TEXT PRIMARY KEY"
    kind = "INTEGER" if col in _INT else "REAL" if col in _REAL else "TEXT"
    return f'"{col}" {kind}'


class ResultStore:
    """A SQLite file of task rows.

    Parameters
    ----------
    path : str or Path
        The database file; created with its table when missing.

    Raises
    ------
    InvalidInputError
        When the file cannot be created or opened, or is not a results store.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.check(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise InvalidInputError(
                f"Cannot open the results store {self.path}: {_reason(exc)}; pass another "
                "--store.") from None
        try:
            self._check_tables()
            self._setup()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise InvalidInputError(
                f"Cannot use {self.path} as a results store: {_reason(exc)}; pass another "
                "--store.") from None
        except BaseException:
            self._conn.close()
            raise

    @staticmethod
    def check(path: str | Path) -> None:
        """Refuse, without changing anything, a ``path`` that holds something other than
        an SQLite file (a folder, another kind of file); a missing path passes.

        Raises
        ------
        InvalidInputError
            When ``path`` is a folder or a file that is not SQLite.
        """
        path = Path(path)
        if path.is_dir():
            raise InvalidInputError(f"The results store {path} is a folder; name a file "
                                    "with --store.")
        if not path.is_file():
            return
        try:
            with open(path, "rb") as handle:
                head = handle.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise InvalidInputError(f"Cannot read the results store {path}: "
                                    f"{_reason(exc)}.") from None
        if head and head != _SQLITE_HEADER:
            raise InvalidInputError(
                f"{path} is not a results store (not an SQLite file); pass another --store "
                "or move that file away.")

    def _check_tables(self) -> None:
        tables = {r[0] for r in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "results" not in tables:
            raise InvalidInputError(
                f"{self.path} is an SQLite database but not a results store (no results "
                f"table; it has {', '.join(sorted(tables)[:5])}); pass another --store.")

    def _setup(self) -> None:
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        cols = ", ".join(_decl(c) for c in COLUMNS)
        self._conn.execute(f"CREATE TABLE IF NOT EXISTS results ({cols})")
        have = {r[1] for r in self._conn.execute("PRAGMA table_info(results)")}
        for col in COLUMNS:  # a store written by an older version gains new columns
            if col not in have:
                self._conn.execute(f"ALTER TABLE results ADD COLUMN {_decl(col)}")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def finished_ids(self, *, retry_failed: bool = False) -> set[str]:
        """Task ids with a final status; with ``retry_failed``, without the failed and
        timed-out ones (so that they run again)."""
        statuses = tuple(s for s in FINAL_STATUSES
                         if not (retry_failed and s in FAILED_STATUSES))
        return set(self.statuses(statuses))

    def statuses(self, statuses: Iterable[str] = FINAL_STATUSES) -> dict[str, str]:
        """``{task_id: status}`` of the rows with one of ``statuses``."""
        statuses = tuple(statuses)
        marks = ",".join("?" * len(statuses))
        cur = self._conn.execute(
            f"SELECT task_id, status FROM results WHERE status IN ({marks})", statuses)
        return {r[0]: r[1] for r in cur}

    def write(self, row: dict[str, Any]) -> None:
        """Insert or replace one task row, in its own transaction."""
        values = [row.get(c) for c in COLUMNS]
        marks = ",".join("?" * len(COLUMNS))
        names = ",".join(f'"{c}"' for c in COLUMNS)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(f"INSERT OR REPLACE INTO results ({names}) VALUES ({marks})",
                               [_plain(v) for v in values])

    def import_rows(self, frame: Any) -> int:
        """Insert or replace the task rows of ``frame`` (a DataFrame with the store's
        columns, as ``synthaug results export`` writes them) in one transaction, so the
        results of a run elsewhere join this store and a resumed bench skips those tasks.
        Returns the number of rows.

        Raises
        ------
        InvalidInputError
            When ``frame`` lacks a column every row needs (``task_id``, ``dataset``,
            ``method``, ``classifier``, ``status``), or holds a status that is not final.
        """
        needed = ("task_id", "dataset", "method", "classifier", "status")
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InvalidInputError(
                f"The rows to import lack the columns {missing}; import a file written by "
                "`synthaug results export`.")
        odd = sorted(set(frame["status"].dropna().astype(str)) - set(FINAL_STATUSES))
        if odd or frame["status"].isna().any():
            raise InvalidInputError(
                f"The rows to import hold statuses that are not final ({odd or ['missing']});"
                f" expected {', '.join(FINAL_STATUSES)}.")
        cols = [c for c in COLUMNS if c in frame.columns]
        names = ",".join(f'"{c}"' for c in cols)
        marks = ",".join("?" * len(cols))
        rows = [[_plain(v) for v in values] for values in
                frame[cols].itertuples(index=False, name=None)]
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                f"INSERT OR REPLACE INTO results ({names}) VALUES ({marks})", rows)
        return len(rows)

    def write_meta(self, key: str, value: Any) -> None:
        with self._conn:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               (key, json.dumps(value, default=str)))

    def read_meta(self, prefix: str = "") -> dict[str, Any]:
        """The metadata records whose key starts with ``prefix``, decoded from JSON."""
        rows = self._conn.execute("SELECT key, value FROM meta WHERE key LIKE ? ESCAPE '\\'",
                                  (prefix.replace("%", "\\%").replace("_", "\\_") + "%",))
        return {key: json.loads(value) for key, value in rows}

    def read(self, *, statuses: Iterable[str] | None = None) -> pd.DataFrame:
        """All rows (or those with the given statuses) as a DataFrame."""
        query = "SELECT * FROM results"
        params: list[Any] = []
        if statuses is not None:
            statuses = list(statuses)
            query += f" WHERE status IN ({','.join('?' * len(statuses))})"
            params = statuses
        frame = pd.read_sql_query(query + " ORDER BY dataset, method, classifier, repeat, fold",
                                  self._conn, params=params)
        for col in _REAL:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        return frame

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    @classmethod
    def open_existing(cls, path: str | Path) -> ResultStore:
        """Open a store that must already exist (for ``report`` and ``results export``)."""
        if not Path(path).exists():
            raise InvalidInputError(f"No results store at {path}; run `synthaug bench` first "
                                    "or pass --store.")
        return cls(path)


def _reason(exc: BaseException) -> str:
    """The human part of an OS or SQLite error."""
    if isinstance(exc, FileExistsError) and exc.filename:  # from mkdir of a parent
        return f"{exc.filename} is a file, not a folder"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.rstrip(".")


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN -> NULL
        return None
    return value
