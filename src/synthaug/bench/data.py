"""The datasets of a bench run: bundled names and a user's own files, in one form.

A bench dataset is either a bundled name (``yeast4``) or a CSV / Parquet file
(``data/churn.csv``). A file is read once, in the driver, with
:func:`synthaug.datasets.load_table`; its table then travels with each task, so that local
workers and Dask workers (which may not see the driver's disk) run on exactly the rows the
driver read.

A file's stored name is its file name (or the ``name`` given) plus a short hash of its bytes
and of how it is read (target, categorical columns, positive label): ``churn.csv#3fa2b1c0``.
A changed file, or the same file read with another target, is a new dataset, so resuming a
run never mixes results of two versions of the data.

Labels are coded as integers in the driver: binary data as 0/1 with the positive class as
1 (by default the smaller class, as the bundled datasets have it), multiclass data as
0..K-1 in sorted label order. The original labels are kept in :attr:`TableData.classes`.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synthaug._labels import class_roles, plain_label
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    SynthaugWarning,
)

__all__ = ["FileSpec", "TableData", "check_splittable", "is_file_reference", "load_bundled",
           "load_file", "min_class_rows"]

#: Neighbours of the neighbour-based generators at their defaults (SMOTE, ADASYN, ...).
DEFAULT_K_NEIGHBORS = 5
_TABLE_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zip", ".parquet", ".pq")
_HASH_CHARS = 8


@dataclass(frozen=True)
class FileSpec:
    """A user's file in the grid and how to read it.

    Parameters
    ----------
    path : str
        A CSV or Parquet file.
    target : str, optional
        The label column; default: the last column.
    categorical : tuple of str, default=()
        Columns to treat as categories although they hold numbers (text and bool columns
        are categorical already).
    positive : label, optional
        The class scored as the minority (``f1_minority``; in binary data the positive class
        of every metric). Default: the smallest class.
    name : str, optional
        The name shown in the store and the report, before the hash; default: the file name.
    """

    path: str
    target: str | None = None
    categorical: tuple[str, ...] = ()
    positive: Any = None
    name: str | None = None


@dataclass(frozen=True)
class TableData:
    """One dataset, ready for the tasks.

    Attributes
    ----------
    name : str
        The stored name (``churn.csv#3fa2b1c0`` for a file).
    X : ndarray or DataFrame
        Features: a float matrix, or the file's table (categorical columns kept).
    y : ndarray of int64
        Labels coded as integers (see the module docstring).
    classes : tuple
        The original label of each code.
    categorical : tuple of str
        The categorical columns of ``X`` (empty for an all-numeric table).
    positive : int
        The code of the class scored as the minority.
    """

    name: str
    X: Any = field(repr=False, compare=False)
    y: np.ndarray = field(repr=False, compare=False)
    classes: tuple[Any, ...] = ()
    categorical: tuple[str, ...] = ()
    positive: int = 1

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def is_binary(self) -> bool:
        """Whether the data has two classes."""
        return self.n_classes == 2


def is_file_reference(text: str) -> bool:
    """Whether a ``--datasets`` entry names a file rather than a bundled dataset: it exists
    as a file, contains a path separator, or ends like a CSV or Parquet file."""
    return (Path(text).is_file() or "/" in text or "\\" in text
            or text.lower().endswith(_TABLE_SUFFIXES))


def load_bundled(name: str) -> TableData:
    """A bundled dataset as :class:`TableData` (0/1 labels, minority 1)."""
    from synthaug.datasets import load_dataset

    X, y = load_dataset(name)
    return TableData(name=name, X=X, y=y, classes=(0, 1), positive=1)


def load_file(spec: FileSpec) -> TableData:
    """Read a user's file in the driver and make it a bench dataset.

    Raises
    ------
    InvalidInputError
        When the file cannot be read (see :func:`synthaug.datasets.load_table`).
    UnknownColumnError
        When the target or a categorical column is not in the file.
    InvalidParameterError
        When ``positive`` is not a label of the file, or the file has one class.
    DataTypeError
        For a column that is neither numbers nor categories (dates, for instance).
    """
    from synthaug.datasets import load_table
    from synthaug.encoding import TableCodec

    path = Path(spec.path).expanduser()
    if not path.exists():
        raise InvalidInputError(
            f"No such file: {str(path)!r}. --datasets takes bundled dataset names (see "
            "`synthaug datasets list`) and paths of CSV or Parquet files.")
    target = spec.target if spec.target is not None else _last_column(path)
    X, labels = load_table(path, target, categorical=list(spec.categorical) or None)
    codec = TableCodec("auto").fit(X)   # refuses dates and the like now, not in every task
    categorical = tuple(str(c) for c in np.asarray(X.columns)[codec.categorical_mask_])
    y, classes, positive = _code_labels(labels.to_numpy(), spec.positive, path.name)
    if categorical:   # one dtype for every categorical column (peers such as SMOTENC read it)
        X = X.set_axis([str(c) for c in X.columns], axis=1)
        X = X.astype({c: "category" for c in categorical})
    else:
        X = X.to_numpy(dtype=np.float64)
    digest = _digest(path, target, spec)
    return TableData(name=f"{spec.name or path.name}#{digest}", X=X, y=y, classes=classes,
                     categorical=categorical, positive=positive)


def _last_column(path: Path) -> str:
    """The name of the last column of a file (the default target)."""
    from synthaug.datasets.tables import _read

    columns = list(_read(path, None, "utf-8").columns)
    return columns[-1]


def _digest(path: Path, target: str, spec: FileSpec) -> str:
    """A short hash of the file's bytes and of how it is read."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    how = {"target": str(target), "categorical": sorted(map(str, spec.categorical)),
           "positive": None if spec.positive is None else str(spec.positive)}
    sha.update(json.dumps(how, sort_keys=True).encode())
    return sha.hexdigest()[:_HASH_CHARS]


def _code_labels(labels: np.ndarray, positive: Any, where: str
                 ) -> tuple[np.ndarray, tuple[Any, ...], int]:
    """Integer codes of the labels, the original label of each code, the positive code."""
    roles = class_roles(labels)
    if roles.n_classes < 2:
        raise InvalidParameterError(
            f"The target column of {where} holds one class ({roles.labels[0]!r}); a bench "
            "needs at least two. Check --target.")
    chosen = roles.minority if positive is None else _find_label(roles.labels, positive, where)
    if roles.is_binary:
        other = next(lab for lab in roles.labels if lab != chosen)
        classes = (other, chosen)
    else:
        classes = roles.labels
    lookup = {lab: code for code, lab in enumerate(classes)}
    y = np.fromiter((lookup[plain_label(v)] for v in labels), dtype=np.int64,
                    count=len(labels))
    return y, tuple(classes), lookup[chosen]


def _find_label(labels: Sequence[Any], positive: Any, where: str) -> Any:
    """The label equal to ``positive``, or written as it (``"1"`` finds ``1``)."""
    for lab in labels:
        if lab == positive:
            return lab
    for lab in labels:
        if str(lab) == str(positive):
            return lab
    raise InvalidParameterError(
        f"positive={positive!r} is not a label of {where}; its labels are "
        f"{list(labels)[:20]}.")


def min_class_rows(folds: int, k_neighbors: int = DEFAULT_K_NEIGHBORS) -> int:
    """The fewest rows a class needs so that stratified ``folds``-fold splits give every
    training part at least ``k_neighbors + 1`` of its rows and every validation part one.

    A validation part holds at least ``floor(n / folds)`` rows of the class and a training
    part at least ``n - ceil(n / folds)``.
    """
    n = folds
    while n - math.ceil(n / folds) < k_neighbors + 1:
        n += 1
    return n


def check_splittable(name: str, smallest: int, folds: int) -> None:
    """Refuse a dataset that every task would fail on; warn about one that neighbour-based
    generators would fail on. ``smallest`` is the number of rows of its smallest class.

    Raises
    ------
    NotEnoughSamplesError
        When a class has fewer rows than ``folds`` (stratified folds cannot be made).

    Warns
    -----
    SynthaugWarning
        When a class has fewer rows than :func:`min_class_rows` (some training part holds
        at most ``k_neighbors`` = 5 of its rows, so SMOTE-like methods at their defaults fail).
    """
    if smallest < folds:
        raise NotEnoughSamplesError(
            f"Dataset {name!r} has {smallest} rows of its smallest class, fewer than the "
            f"{folds} folds, so every task on it would fail; use fewer folds (--folds) or "
            "leave the dataset out.")
    need = min_class_rows(folds)
    if smallest < need:
        warnings.warn(
            f"Dataset {name!r} has {smallest} rows of its smallest class: with {folds} folds "
            f"some training parts hold fewer than {DEFAULT_K_NEIGHBORS + 1}, so "
            f"neighbour-based methods with k_neighbors={DEFAULT_K_NEIGHBORS} will fail on it "
            f"(it needs {need} rows); use fewer folds, smaller k_neighbors "
            "(smote[k_neighbors=3]) or leave it out.", SynthaugWarning, stacklevel=3)


def table_summary(table: TableData) -> dict[str, Any]:
    """Rows, features, imbalance ratio, classes and categorical columns of a dataset, as
    plain values for the store's metadata (the report's per-dataset columns)."""
    counts = np.bincount(np.asarray(table.y, dtype=np.int64))
    counts = counts[counts > 0]
    return {"n": len(table.y), "n_features": int(np.shape(table.X)[1]),
            "imbalance_ratio": float(counts.max() / counts.min()),
            "classes": [str(c) for c in table.classes],
            "categorical": list(table.categorical)}
