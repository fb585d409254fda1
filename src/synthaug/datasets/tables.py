"""Read a user's own table (CSV or Parquet) into features and labels.

Columns come back as pandas reads them: under pandas 3 text columns of a CSV are ``str``
dtype, which synthaug's encoding treats as categorical, so mixed tables need no extra step.
Integer-coded categories (postcodes, ratings) are numbers to pandas; name them in
``categorical`` to turn them into ``category`` columns.

What is checked, so that a bad file ends in one clear error rather than a parser's
traceback or a silently wrong table:

* the file is what its extension says: binary content in a ``.csv`` (an image, a zip
  archive, a Parquet file, UTF-16 text) and text in a ``.parquet`` are named as such;
* CSV text decodes in the given encoding (UTF-8 by default; a byte-order mark is fine);
* the CSV separator is found from the first rows (``,`` ``;`` tab or ``|``), and the
  whole file is parsed at once, so that a column never mixes numbers and text because it
  was read in chunks;
* column names are unique, the target exists, there is at least one row, and no label is
  missing;
* Parquet ``decimal`` columns become float64 and ``date`` columns datetime64 (which the
  encoding then refuses with a message, as it does every date and time column).

Two things are warned about (:class:`~synthaug.exceptions.SynthaugWarning`) rather than
refused: a CSV text column whose values are mostly numbers (a few typos turn a numeric
column into a categorical one), and an integer column that counts the rows (a saved row
number or index, which synthetic rows would fill with made-up values).
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import lzma
import os
import warnings
import zipfile
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    SynthaugWarning,
    UnknownColumnError,
)

__all__ = ["load_table"]

_CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zip")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_SEPARATORS = (",", ";", "\t", "|")
_HEAD_BYTES = 1 << 16   # bytes read to check the content and find the separator
_SNIFF_ROWS = 50        # records compared when finding the separator
_MIN_ROWS_FOR_ROW_NUMBER = 20

# Leading bytes of formats that end up renamed .csv / .parquet, with what to do about them.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"PAR1", "a Parquet file", "name it .parquet"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one)",
     "export the sheet as CSV, or name a zipped CSV .csv.zip"),
    (b"\x1f\x8b", "a gzip file", "name a gzipped CSV .csv.gz"),
    (b"\xfd7zXZ\x00", "an xz file", "name an xz-compressed CSV .csv.xz"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook", "export the sheet as CSV"),
    (b"\x89PNG", "a PNG image", "pass the table itself"),
    (b"\xff\xd8\xff", "a JPEG image", "pass the table itself"),
    (b"%PDF-", "a PDF document", "pass the table itself"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV"),
    (b"\xff\xfe", "UTF-16 text", "save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text", "save it as UTF-8"),
)


def _columns_hint(columns: Sequence[Any]) -> str:
    shown = ", ".join(repr(c) for c in list(columns)[:20])
    more = f", ... ({len(columns)} in all)" if len(columns) > 20 else ""
    return f"[{shown}{more}]"


def _warn(message: str) -> None:
    """Warn on behalf of load_table (called from a helper of load_table)."""
    warnings.warn(message, SynthaugWarning, stacklevel=4)


# --------------------------------------------------------------------------- raw bytes
def _head_bytes(path: Path) -> bytes:
    """The first bytes of the file's content, decompressed for ``.csv.gz`` and the like."""
    lower = path.name.lower()
    kind = lower.rsplit(".", 1)[-1]
    try:
        if kind == "gz":
            with gzip.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind == "bz2":
            with bz2.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind == "xz":
            with lzma.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind == "zip":
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    raise InvalidInputError(
                        f"{path.name} must hold exactly one CSV file; it holds {len(names)}.")
                with archive.open(names[0]) as fh:
                    return fh.read(_HEAD_BYTES)
        with open(path, "rb") as fh:
            return fh.read(_HEAD_BYTES)
    except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as exc:
        if kind in ("gz", "bz2", "xz", "zip") and not isinstance(exc, PermissionError):
            raise InvalidInputError(
                f"Could not read {path.name}: it is not a valid .{kind} file ({exc}); "
                "compress the CSV again, or drop that extension if it is plain text.") from None
        why = getattr(exc, "strerror", None) or exc
        raise InvalidInputError(f"Could not read {path.name}: {why}.") from exc


def _binary_kind(head: bytes) -> tuple[str, str] | None:
    """``(what, advice)`` when ``head`` starts like a known binary format."""
    for magic, what, advice in _SIGNATURES:
        if head.startswith(magic):
            return what, advice
    return None


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        raise InvalidParameterError(f"Unknown text encoding {encoding!r}.") from None


def _decode_error(path: Path, exc: UnicodeDecodeError, encoding: str) -> InvalidInputError:
    byte = exc.object[exc.start:exc.start + 1].hex() if exc.object else "?"
    return InvalidInputError(
        f"Could not read {path.name} as CSV: it is not {encoding} text (byte 0x{byte} "
        "cannot be decoded); save it as UTF-8, or in Python pass its encoding to "
        "load_table (e.g. encoding='latin-1').")


def _head_text(path: Path, encoding: str) -> tuple[str, bool]:
    """Decode the first bytes of a CSV file, refusing binary content with a message.

    Returns the text and whether it is the whole file.
    """
    head = _head_bytes(path)
    complete = len(head) < _HEAD_BYTES
    decoder = codecs.getincrementaldecoder("utf-8-sig" if _is_utf8(encoding) else encoding)()
    try:
        text, error = decoder.decode(head, final=complete), None
    except UnicodeDecodeError as exc:
        text, error = "", exc
    if error is not None or "\x00" in text:
        kind = _binary_kind(head)   # named only when the content is not plain text
        if kind is None and error is not None and b"\x00" not in head:
            raise _decode_error(path, error, encoding)
        what, advice = kind or ("binary data (it holds NUL bytes)",
                                "pass a CSV text file, saved as UTF-8")
        raise InvalidInputError(f"Could not read {path.name} as CSV: it looks like {what}, "
                                f"not text; {advice}.")
    return text, complete


# --------------------------------------------------------------------------- CSV
def _records(text: str, sep: str, complete: bool) -> list[list[str]]:
    """The first non-empty records of ``text`` split at ``sep`` (quotes respected)."""
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
            if row:
                rows.append(row)
            if len(rows) > _SNIFF_ROWS:
                break
    except csv.Error:
        pass
    if not complete and len(rows) <= _SNIFF_ROWS and len(rows) > 1:
        rows.pop()   # the text was cut: its last record may be partial
    return rows


def _find_separator(text: str, complete: bool) -> str:
    """The separator that splits the header into more than one field and at least 90 % of
    the first rows into as many (a file with a few broken rows is then named by the
    parser). When there is none, the file is one column: the first separator that splits
    no row (``,`` if each splits some).

    Among several, the one that leaves the fewest quote characters in the fields wins (the
    right one takes the quotes off quoted fields; a wrong one keeps them, or leaves a quote
    open and swallows the rest of the text as one row), then the one that agrees on the
    most rows, leaves fewer header names empty, makes the most fields, and comes first in
    ``_SEPARATORS``.
    """
    scores, unsplit = {}, []
    for sep in _SEPARATORS:
        records = _records(text, sep, complete)
        counts = [len(r) for r in records]
        if counts and counts[0] > 1:
            agree = sum(c == counts[0] for c in counts)
            if agree >= 0.9 * len(counts):
                quotes = sum(field.count('"') for row in records for field in row)
                empty = sum(not name for name in records[0])
                scores[sep] = (-quotes, agree, -empty, counts[0], -_SEPARATORS.index(sep))
        elif all(c == 1 for c in counts):
            unsplit.append(sep)
    if scores:
        return max(scores, key=scores.__getitem__)
    return unsplit[0] if unsplit else ","


def _check_names(names: Sequence[Any], path: Path) -> None:
    """Refuse duplicate column names (pandas would rename them silently to ``a.1``)."""
    counts = Counter(n for n in names if n not in ("", None))
    dups = [n for n, k in counts.items() if k > 1]
    if dups:
        raise InvalidInputError(
            f"{path.name} has duplicate column names {_columns_hint(dups)}; give every "
            "column its own name.")


def _read_csv(path: Path, sep: str | None, encoding: str) -> pd.DataFrame:
    text, complete = _head_text(path, encoding)
    if not text.strip():
        raise InvalidInputError(f"{path.name} is empty: it has no header and no rows.")
    sep = sep or _find_separator(text, complete)
    records = _records(text, sep, complete)
    if records and (complete or len(records) > 1):   # a header cut short is not checked
        _check_names(records[0], path)
    try:
        frame = pd.read_csv(path, sep=sep, encoding=encoding, low_memory=False)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, exc, encoding) from None
    except MemoryError:
        raise
    except Exception as exc:   # the parser's errors vary: ParserError, ValueError, ...
        raise InvalidInputError(
            f"Could not read {path.name} as CSV with separator {sep!r}: "
            f"{' '.join(str(exc).split())}. Check the separator and the quoting.") from exc
    return frame


def _warn_mostly_numeric(frame: pd.DataFrame, path: Path) -> None:
    """Warn about text columns whose values are mostly numbers (a few stray values made
    pandas read the column as text, hence categorical)."""
    for name in frame.columns:
        col = frame[name]
        if not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
            continue
        values = col.dropna()
        if values.empty:
            continue
        numbers = pd.to_numeric(values.astype(str), errors="coerce")
        bad = values[numbers.isna().to_numpy()]
        if 0 < len(bad) < len(values) - len(bad):
            examples = ", ".join(repr(v) for v in pd.unique(bad)[:3])
            _warn(f"Column {name!r} of {path.name} is read as text, hence categorical, "
                  f"because {len(bad)} of its {len(values)} values are not numbers "
                  f"(e.g. {examples}); if it is a numeric column, fix or remove those "
                  "values.")


# --------------------------------------------------------------------------- Parquet
def _read_parquet(path: Path) -> pd.DataFrame:
    head = _head_bytes(path)
    if not head:
        raise InvalidInputError(f"Could not read {path.name} as Parquet: the file is empty.")
    if not head.startswith(b"PAR1"):
        kind = _binary_kind(head)
        if kind is None and b"\x00" not in head:
            kind = ("text (a CSV file?)", "name it .csv")
        what, advice = kind or ("something else (no Parquet header)", "pass a Parquet file")
        raise InvalidInputError(f"Could not read {path.name} as Parquet: it looks like "
                                f"{what}; {advice}.")
    try:
        import pyarrow.parquet as pq

        _check_names(pq.read_schema(path).names, path)
        return pd.read_parquet(path)
    except (InvalidInputError, MemoryError):
        raise
    except Exception as exc:   # pyarrow's errors: ArrowInvalid, OSError, TypeError, ...
        raise InvalidInputError(
            f"Could not read {path.name} as Parquet: {' '.join(str(exc).split())[:300]}"
        ) from exc


def _normalise_objects(X: pd.DataFrame) -> pd.DataFrame:
    """Parquet ``decimal`` columns to float64, ``date`` columns to datetime64."""
    changes = {}
    for name in X.columns:
        if X[name].dtype != object:
            continue
        kind = pd.api.types.infer_dtype(X[name], skipna=True)
        if kind == "decimal":
            changes[name] = X[name].astype(np.float64)
        elif kind == "date":
            changes[name] = pd.to_datetime(X[name])
    return X.assign(**changes) if changes else X


# --------------------------------------------------------------------------- checks
def _read(path: Path, sep: str | None, encoding: str) -> pd.DataFrame:
    lower = path.name.lower()
    if lower.endswith(_CSV_SUFFIXES):
        return _read_csv(path, sep, encoding)
    if lower.endswith(_PARQUET_SUFFIXES):
        return _read_parquet(path)
    raise InvalidInputError(
        f"Cannot tell the format of {str(path)!r} from its extension; use one of "
        f"{', '.join(_CSV_SUFFIXES + _PARQUET_SUFFIXES)}.")


def _check_labels(y: pd.Series, path: Path) -> None:
    missing = np.flatnonzero(y.isna().to_numpy())
    if missing.size:
        rows = ", ".join(str(i) for i in missing[:5]) + (", ..." if missing.size > 5 else "")
        raise InvalidInputError(
            f"Target column {y.name!r} of {path.name} has {missing.size} missing label(s) "
            f"(data rows {rows}, counting from 0); drop those rows or label them.")


def _warn_row_numbers(X: pd.DataFrame, path: Path) -> None:
    """Warn about integer columns that count the rows (a saved index or row number)."""
    n = len(X)
    if n <= _MIN_ROWS_FOR_ROW_NUMBER:
        return
    for name in X.columns:
        col = X[name]
        if not pd.api.types.is_integer_dtype(col) or col.isna().any():
            continue
        values = col.to_numpy(dtype=getattr(col.dtype, "numpy_dtype", col.dtype))
        if np.all(values[1:] > values[:-1]) and np.all(values[1:] - values[:-1] == 1):
            _warn(f"Column {name!r} of {path.name} counts the rows ({values[0]}, "
                  f"{values[1]}, ..., {values[-1]}), so it looks like a row number or a "
                  "saved index (pandas' to_csv writes one unless index=False): synthetic "
                  "rows would get made-up values in it. Drop the column (in Python "
                  f"X.drop(columns=[{name!r}]), or delete it from the file).")


def load_table(path: str | os.PathLike[str], target: Hashable, *,
               categorical: Sequence[Hashable] | None = None, sep: str | None = None,
               encoding: str = "utf-8") -> tuple[pd.DataFrame, pd.Series]:
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
    sep : str, optional
        CSV field separator. By default the one of ``,`` ``;`` tab ``|`` that splits the
        header and the first rows into the same number of fields (``,`` for one column).
    encoding : str, default="utf-8"
        Text encoding of a CSV file (a UTF-8 byte-order mark is skipped).

    Returns
    -------
    X : DataFrame
        Every column except ``target``, dtypes as read (plus the ``categorical`` ones;
        Parquet decimals as float64, dates as datetime64).
    y : Series
        The ``target`` column, unchanged.

    Raises
    ------
    InvalidInputError
        If the file does not exist, has an unknown extension, is not the format its
        extension says, is empty or has no rows, cannot be decoded or parsed, has
        duplicate column names, or has missing labels.
    InvalidParameterError
        If ``sep`` is not one character or ``encoding`` is unknown.
    UnknownColumnError
        If ``target`` or a ``categorical`` column is not in the file.

    Warns
    -----
    SynthaugWarning
        For a CSV text column whose values are mostly numbers, and for an integer column
        that counts the rows (a saved index).
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInputError(f"No such file: {str(path)!r}.")
    if path.is_dir():
        raise InvalidInputError(f"{str(path)!r} is a directory; pass a .csv or .parquet file.")
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1):
        raise InvalidParameterError(f"sep must be one character, got {sep!r}.")
    frame = _read(path, sep, encoding)
    if target not in frame.columns:
        raise UnknownColumnError(
            f"Target column {target!r} is not in {path.name}; its columns are "
            f"{_columns_hint(frame.columns)}.")
    if len(frame) == 0:
        raise InvalidInputError(f"{path.name} has a header but no rows.")
    y = frame[target]
    _check_labels(y, path)
    X = _normalise_objects(frame.drop(columns=[target]))
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
    if path.name.lower().endswith(_CSV_SUFFIXES):
        _warn_mostly_numeric(X, path)
    _warn_row_numbers(X, path)
    return X, y
