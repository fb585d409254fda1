"""The results store: one embedded SQLite database, one row per finished task.

Only the driver process writes, one task per transaction, so a run that is stopped (Ctrl-C
or ``kill -9``) leaves every finished row intact and nothing half-written; ``task_id`` is
the primary key, so a task is never stored twice. Finished tasks are skipped when the same
run is started again.
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
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
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

    def finished_ids(self) -> set[str]:
        """Task ids with a final status."""
        marks = ",".join("?" * len(FINAL_STATUSES))
        cur = self._conn.execute(
            f"SELECT task_id FROM results WHERE status IN ({marks})", FINAL_STATUSES)
        return {r[0] for r in cur}

    def write(self, row: dict[str, Any]) -> None:
        """Insert or replace one task row, in its own transaction."""
        values = [row.get(c) for c in COLUMNS]
        marks = ",".join("?" * len(COLUMNS))
        names = ",".join(f'"{c}"' for c in COLUMNS)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(f"INSERT OR REPLACE INTO results ({names}) VALUES ({marks})",
                               [_plain(v) for v in values])

    def write_meta(self, key: str, value: Any) -> None:
        with self._conn:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               (key, json.dumps(value, default=str)))

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


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN -> NULL
        return None
    return value
