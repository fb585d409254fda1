"""Shared helpers of the VTSS validation scripts: output paths, JSON and figures.

Every script writes ``experiments/vtss/results/<name>.json`` (numbers) and ``<name>.png``
(a :class:`matplotlib.figure.Figure`, no pyplot).
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from synthaug._io import jsonable

RESULTS = Path(__file__).resolve().parent / "results"


def save_json(name: str, data: dict[str, Any]) -> Path:
    """Write ``results/<name>.json`` (with the Python/numpy versions) and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = dict(data)
    data.setdefault("environment", {"python": platform.python_version(),
                                    "numpy": np.__version__})
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(jsonable(data), indent=1) + "\n")
    return path


def new_figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.0, 4.0)):
    """A Figure and its axes array (always 2-D), without pyplot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    axes = np.atleast_2d(np.asarray(fig.subplots(nrows, ncols, squeeze=False)))
    return fig, axes


def save_figure(fig: Any, name: str) -> Path:
    """Write ``results/<name>.png`` at 120 dpi and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig.savefig(path, dpi=120)
    return path


class Timer:
    """Wall-clock seconds since construction."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self) -> float:
        return round(time.perf_counter() - self.start, 2)


def finish(name: str, fig: Any, record: dict[str, Any], timer: Timer) -> None:
    """End an experiment: write its figure and its JSON record (with the runtime added),
    and print the runtime."""
    save_figure(fig, name)
    save_json(name, {**record, "runtime_s": timer()})
    print(f"runtime {timer()} s")


def mean_se(values: Any) -> tuple[float, float]:
    """Mean and standard error of a 1-D sample (NaN-free)."""
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return float(v.mean()), se


def seed_of(*keys: int) -> int:
    """A 32-bit seed derived from a tuple of non-negative integers (distinct tuples give
    independent streams), for APIs that take an int ``random_state``."""
    return int(np.random.SeedSequence([int(k) for k in keys]).generate_state(1)[0])
