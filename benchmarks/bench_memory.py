"""Memory estimates against measured peaks, at 1,000,000 x 20 with 5% minority.

For every sampler, ``Oversampler.memory_estimate`` (what ``fit_resample`` checks before it
starts, see ``synthaug.limits``) is compared with the tracemalloc peak of ``fit_resample``.
The target: every method runs at this size, and its estimate lies between 0.5 and 2 times
its measured peak, so the up-front refusal neither blocks work that fits nor lets through
work that does not.

KOTARO's fit is measured too, at ``--kotaro-n`` rows (sparse solver; its traced run is
slow, so the default is 50,000; its memory grows linearly in the rows).

Usage: ``python benchmarks/bench_memory.py [--n 1000000] [--d 20] [--kotaro-n 50000]
[--only smote,gksmote] [--no-save]``.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from _common import peak_memory, write_report

from synthaug import ADASYN, GKSMOTE, SMOTE, BorderlineSMOTE, Oversampler, RandomOverSampler
from synthaug.generators import GaussianGenerator, JitterGenerator

SAMPLERS = {
    "random": lambda: RandomOverSampler(random_state=0),
    "smote": lambda: SMOTE(random_state=0),
    "borderline-smote": lambda: BorderlineSMOTE(random_state=0),
    "adasyn": lambda: ADASYN(random_state=0),
    "gksmote": lambda: GKSMOTE(random_state=0),
    "gaussian": lambda: Oversampler(GaussianGenerator(), random_state=0),
    "jitter": lambda: Oversampler(JitterGenerator(), random_state=0),
}


def _kotaro(n: int, d: int) -> dict[str, float]:
    """KOTARO's fit (sparse solver above max_exact) on n x d: traced peak vs estimate."""
    import gc
    import tracemalloc
    import warnings

    from synthaug.classifiers import KOTARO

    rng = np.random.default_rng(1)
    n_min = n // 20
    X = np.vstack([rng.normal(0, 1, (n - n_min, d)), rng.normal(0.7, 1, (n_min, d))])
    y = np.r_[np.zeros(n - n_min, dtype=np.int64), np.ones(n_min, dtype=np.int64)]
    estimate = KOTARO(random_state=0).memory_estimate(n, d)
    gc.collect()
    start = time.perf_counter()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        KOTARO(random_state=0).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {"n": n, "peak_bytes": peak, "output_bytes": 0, "estimate_bytes": estimate,
            "estimate_over_peak": estimate / peak,
            "wall_s": round(time.perf_counter() - start, 2),
            "note": "fit only; wall time includes tracemalloc's overhead"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--d", type=int, default=20)
    parser.add_argument("--only", default=None, help="comma-separated sampler names")
    parser.add_argument("--kotaro-n", type=int, default=50_000,
                        help="rows for KOTARO's fit (sparse solver; 0 skips it)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n_min = args.n // 20
    X = np.vstack([rng.normal(0, 1, (args.n - n_min, args.d)),
                   rng.normal(0.7, 1, (n_min, args.d))])
    y = np.r_[np.zeros(args.n - n_min, dtype=np.int64), np.ones(n_min, dtype=np.int64)]
    names = args.only.split(",") if args.only else list(SAMPLERS)
    results = {}
    for name in names:
        make = SAMPLERS[name]
        estimate = make().memory_estimate(y, args.d)
        start = time.perf_counter()
        measured = peak_memory(make, X, y)
        results[name] = {**measured, "estimate_bytes": estimate,
                         "estimate_over_peak": estimate / measured["peak_bytes"],
                         "wall_s": round(time.perf_counter() - start, 2)}
        print(name, results[name], flush=True)
    if args.kotaro_n:
        results["kotaro"] = _kotaro(args.kotaro_n, args.d)
        print("kotaro", results["kotaro"], flush=True)
    ratios = [r["estimate_over_peak"] for r in results.values()]
    report = {"data": {"n": args.n, "d": args.d, "minority_share": 0.05},
              "target": "0.5 <= estimate / peak <= 2 for every sampler",
              "met": bool(all(0.5 <= r <= 2 for r in ratios)),
              "samplers": results,
              "machine": {"platform": platform.platform()}}
    suffix = "" if args.n == 1_000_000 else f"_{args.n}"
    write_report(report, f"benchmarks/results/memory{suffix}.json", save=not args.no_save)


if __name__ == "__main__":
    main()
