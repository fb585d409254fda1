"""What the benchmark scripts share: the memory probe and the JSON report writer.

The scripts import it as a sibling module (``python benchmarks/bench_x.py`` puts this
folder on ``sys.path``).
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from pathlib import Path
from typing import Any


def peak_memory(make: Any, X: Any, y: Any) -> dict[str, float]:
    """tracemalloc peak of ``make().fit_resample(X, y)`` over the bytes it returns."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    X_res, y_res = make().fit_resample(X, y)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    out_bytes = X_res.nbytes + y_res.nbytes
    return {"peak_bytes": peak, "output_bytes": out_bytes, "peak_over_output": peak / out_bytes}


def write_report(report: dict[str, Any], out: str | Path, save: bool = True) -> None:
    """Print the report as JSON and, unless ``save`` is false, keep it at ``out``."""
    text = json.dumps(report, indent=2)
    if save:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text + "\n")
    print(text)
