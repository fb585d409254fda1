"""Cost of VTSS's size search against the classifier fits it has to make.

VTSS with 21 candidate sizes x 5 folds on 50,000 x 20 (5 % minority,
``make_classification(..., weights=[0.95], random_state=0)``) with logistic regression:
its total ``fit`` time (search, one SMOTE pool per fold, validation losses, final refit)
against the time of the 105 classifier fits alone (the same augmented training sets, fitted
cold, as a user looping over sizes would). Target: <= 1.3 x.

Prints JSON and writes benchmarks/results/vtss.json.
Usage: ``python benchmarks/bench_vtss.py [--n 50000] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
from _common import write_report  # same directory
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from synthaug.generators import SMOTEGenerator
from synthaug.search import VTSS
from synthaug.search.vtss import DEFAULT_GAMMAS
from synthaug.sizing.counts import round_half_up


def fits_alone(X, y, gammas, estimator, seed=0):
    """The 105 fits on the same augmented training sets (pools drawn outside the clock)."""
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    total = 0.0
    for k, (tr, _) in enumerate(folds.split(X, y)):
        Xt, yt = X[tr], y[tr]
        gap = int((yt == 0).sum() - (yt == 1).sum())
        sizes = [round_half_up(g * gap) for g in gammas]
        pool = SMOTEGenerator().fit(Xt, yt, target_class=1).sample(max(sizes), random_state=k)
        for s in sizes:
            Xa = np.vstack([Xt, pool[:s]])
            ya = np.concatenate([yt, np.ones(s, dtype=yt.dtype)])
            t0 = time.perf_counter()
            clone(estimator).fit(Xa, ya)
            total += time.perf_counter() - t0
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "vtss.json"))
    args = parser.parse_args()
    X, y = make_classification(n_samples=args.n, n_features=20, weights=[0.95],
                               random_state=0)
    estimator = LogisticRegression(max_iter=1000)
    gammas = DEFAULT_GAMMAS
    t_vtss, t_warm, t_fits = [], [], []
    for _ in range(args.repeats):  # alternate the measurements
        t0 = time.perf_counter()
        VTSS(estimator, SMOTEGenerator(), gammas=gammas, cv=5, warm_start=False,
             random_state=0).fit(X, y)
        t_vtss.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        VTSS(estimator, SMOTEGenerator(), gammas=gammas, cv=5, warm_start=True,
             random_state=0).fit(X, y)
        t_warm.append(time.perf_counter() - t0)
        t_fits.append(fits_alone(X, y, gammas, estimator))
    out = {
        "data": {"n": args.n, "d": 20, "minority_share": 0.05}, "candidates": len(gammas),
        "folds": 5, "fits": 5 * len(gammas),
        "vtss_cold_s": min(t_vtss), "vtss_warm_start_s": min(t_warm),
        "fits_alone_s": min(t_fits),
        "ratio_cold": min(t_vtss) / min(t_fits), "ratio_warm_start": min(t_warm) / min(t_fits),
        "target": "total <= 1.3 x the 105 fits alone",
        "machine": {"platform": platform.platform()},
    }
    write_report(out, args.out)


if __name__ == "__main__":
    main()
