"""synthaug.advise: seconds for a 10,000 x 20 table with logistic regression and the fast
generators (target: under 60 s on 2 CPU cores).

The table is ``make_classification(10000, 20, n_informative=10, weights=[0.95])``; the
advice runs with its defaults (5 folds, none / class weighting / KOTARO, five generators at
seven sizes each). Prints JSON and writes benchmarks/results/advise.json.
Usage: ``python benchmarks/bench_advise.py [--rows 10000]``
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

from _common import write_report  # same directory

TARGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    from sklearn.datasets import make_classification

    import synthaug

    X, y = make_classification(args.rows, 20, n_informative=10, weights=[0.95],
                               random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        advice = synthaug.advise(X, y, random_state=0)
        seconds = time.perf_counter() - t0
    report = {
        "benchmark": "synthaug.advise, logistic regression, fast generators",
        "data": f"make_classification({args.rows}, 20, n_informative=10, weights=[0.95])",
        "seconds": round(seconds, 1), "target_s": TARGET_S, "met": seconds < TARGET_S,
        "per_answer_s": dict(zip(advice.ranking["candidate"],
                                 advice.ranking["seconds"], strict=True)),
        "recommendation": advice.recommendation,
        "machine": {"cpus": os.cpu_count(),
                    "load_average": [round(v, 2) for v in os.getloadavg()]},
        "note": "Wall time on a shared machine; an idle one is faster.",
    }
    write_report(report, "benchmarks/results/advise.json", save=not args.no_save)


if __name__ == "__main__":
    main()
