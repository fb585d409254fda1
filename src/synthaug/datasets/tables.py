"""Read a user's own table (CSV or Parquet) into features and labels.

Columns come back as pandas reads them: under pandas 3 text columns of a CSV are ``str``
dtype, which synthaug's encoding treats as categorical, so mixed tables need no extra step.
Integer-coded categories (postcodes, ratings) are numbers to pandas; name them in
``categorical`` to turn them into ``category`` columns.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from synthaug.exceptions import InvalidInputError, UnknownColumnError

__all__ = ["load_table"]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zip")
_PARQUET_SUFFIXES = (".parquet", ".pq")


def _columns_hint(columns: Sequence[Any]) -> str:
    shown = ", ".join(repr(c) for c in list(columns)[:20])
    more = f", ... ({len(columns)} in all)" if len(columns) > 20 else ""
    return f"[{shown}{more}]"


def _read(path: Path) -> pd.DataFrame:
    lower = path.name.lower()
    if lower.endswith(_CSV_SUFFIXES):
        reader, kind = pd.read_csv, "CSV"
    elif lower.endswith(_PARQUET_SUFFIXES):
        reader, kind = pd.read_parquet, "Parquet"
    else:
        raise InvalidInputError(
            f"Cannot tell the format of {str(path)!r} from its extension; use one of "
            f"{', '.join(_CSV_SUFFIXES + _PARQUET_SUFFIXES)}.")
    try:
        return reader(path)
    except (OSError, ValueError, ImportError) as exc:
        raise InvalidInputError(f"Could not read {str(path)!r} as {kind}: {exc}") from exc


def load_table(path: str | os.PathLike[str], target: Hashable, *,
               categorical: Sequence[Hashable] | None = None
               ) -> tuple[pd.DataFrame, pd.Series]:
    """Load a CSV or Parquet file and split off the label column.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file (optionally ``.gz``, ``.bz2``, ``.xz`` or ``.zip`` compressed) or a
        ``.parquet`` / ``.pq`` file. The format follows the extension.
    target : str
        Name of the label column.
    categorical : sequence of str, optional
        Columns to convert to pandas ``category`` dtype, for categories stored as numbers.
        Text columns need not be listed: they are categorical already.

    Returns
    -------
    X : DataFrame
        Every column except ``target``, dtypes as read (plus the ``categorical`` ones).
    y : Series
        The ``target`` column, unchanged.

    Raises
    ------
    InvalidInputError
        If the file does not exist, has an unknown extension, or cannot be parsed.
    UnknownColumnError
        If ``target`` or a ``categorical`` column is not in the file.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInputError(f"No such file: {str(path)!r}.")
    if path.is_dir():
        raise InvalidInputError(f"{str(path)!r} is a directory; pass a .csv or .parquet file.")
    frame = _read(path)
    if target not in frame.columns:
        raise UnknownColumnError(
            f"Target column {target!r} is not in {path.name}; its columns are "
            f"{_columns_hint(frame.columns)}.")
    y = frame[target]
    X = frame.drop(columns=[target])
    if categorical is not None:
        if isinstance(categorical, (str, bytes)):
            categorical = [categorical]
        missing = [c for c in categorical if c not in X.columns]
        if missing:
            where = "is the target" if missing == [target] else "not among the features"
            raise UnknownColumnError(
                f"categorical column(s) {missing} {where}; the feature columns are "
                f"{_columns_hint(X.columns)}.")
        X = X.astype({c: "category" for c in categorical})
    return X, y
