"""GK-SMOTE speed and memory against imbalanced-learn's BorderlineSMOTE.

Both need a neighbour search over all rows for every minority row. Data:
``make_classification(1_000_000, 20, n_informative=10, weights=[0.95], random_state=0)``,
fit plus full-balance sample. Times: minimum of ``--repeats`` runs alternating the two;
memory: the ``tracemalloc`` peak of GK-SMOTE's ``fit_resample`` over the bytes of the
returned ``(X_res, y_res)``. Targets: time <= 0.7 x BorderlineSMOTE, memory <= 2 x.

Prints JSON and writes benchmarks/results/gksmote.json.
Usage: ``python benchmarks/bench_gksmote.py [--n 1000000] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
from pathlib import Path

import imblearn.over_sampling as imb
from _common import peak_memory, write_report  # same directory
from sklearn.datasets import make_classification

from synthaug import GKSMOTE


def _time(make, X, y):
    gc.collect()
    t0 = time.perf_counter()
    make().fit_resample(X, y)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "gksmote.json"))
    args = parser.parse_args()
    X, y = make_classification(n_samples=args.n, n_features=20, n_informative=10,
                               weights=[0.95], random_state=0)
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(_time(lambda: GKSMOTE(random_state=0), X, y))
        theirs.append(_time(lambda: imb.BorderlineSMOTE(random_state=0), X, y))
    memory = peak_memory(lambda: GKSMOTE(random_state=0), X, y)
    report = {"data": {"n": args.n, "d": 20, "minority_share": 0.05},
              "gksmote_s": min(ours), "imblearn_borderline_s": min(theirs),
              "ratio": min(ours) / min(theirs), "gksmote_all_s": ours,
              "imblearn_all_s": theirs, **memory,
              "targets": {"ratio": "<= 0.7", "peak_over_output": "<= 2"},
              "machine": {"platform": platform.platform()}}
    write_report(report, args.out)


if __name__ == "__main__":
    main()
