"""Saving a fitted network without pickle: its weights as safetensors, everything else as
JSON.

A saved model is a folder with ``weights.safetensors`` (named tensors) and
``config.json`` (the estimator's class, its parameters and whatever fitted state is not a
tensor). Loading reads only those two files: no code is unpickled or run, so a folder
from elsewhere cannot execute anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synthaug.deep.runtime import require_torch
from synthaug.exceptions import InvalidInputError

__all__ = ["CONFIG", "FORMAT", "WEIGHTS", "load_fitted", "save_fitted"]

WEIGHTS = "weights.safetensors"
CONFIG = "config.json"
#: Version of the folder's layout, written to ``config.json``.
FORMAT = 1


def save_fitted(path: str | Path, tensors: dict[str, Any], config: dict[str, Any]) -> Path:
    """Write ``tensors`` (name -> tensor) and ``config`` (JSON-ready values) to the folder
    ``path`` (created if needed); returns the folder."""
    require_torch("saving a model")
    from safetensors.torch import save_file

    from synthaug._io import jsonable

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()},
              str(folder / WEIGHTS))
    payload = {"format": FORMAT, **jsonable(config)}
    (folder / CONFIG).write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return folder


def load_fitted(path: str | Path, *, kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a folder written by :func:`save_fitted`; returns ``(tensors, config)``.

    ``kind`` is the class name the folder must hold (its ``config["class"]``).
    """
    require_torch("loading a model")
    from safetensors.torch import load_file

    folder = Path(path)
    missing = [name for name in (WEIGHTS, CONFIG) if not (folder / name).is_file()]
    if missing:
        raise InvalidInputError(
            f"{folder} is not a saved model: it lacks {', '.join(missing)} (save writes a "
            "folder with both).")
    try:
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{folder / CONFIG} is not valid JSON: {exc}") from None
    if config.get("format") != FORMAT:
        raise InvalidInputError(
            f"{folder} was saved in format {config.get('format')!r}; this version of "
            f"synthaug reads format {FORMAT}.")
    if config.get("class") != kind:
        raise InvalidInputError(
            f"{folder} holds a {config.get('class')!r}, not a {kind}.")
    return load_file(str(folder / WEIGHTS)), config
