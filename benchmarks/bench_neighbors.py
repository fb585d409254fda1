"""Speed of synthaug's exact neighbour backend against scikit-learn (and faiss, if present).

For each shape, the same exact k-nearest-neighbour query is timed through
``synthaug.neighbors.kneighbors`` (the blocked float32 path above the acceleration
threshold), scikit-learn's ``NearestNeighbors(algorithm="brute")`` and, when ``faiss-cpu``
is installed, a bare ``faiss.IndexFlatL2`` float32 search (not exact: no float64 re-ranking,
so a lower bound on what an exact faiss path costs). The indices of synthaug and
scikit-learn are compared (they agree except where exact distance ties are ordered
differently). ``count_closer`` is timed on the GK-SMOTE noise-filter shape: every row of a
5 % minority class against the other 95 %, at each row's nearest same-class distance.

All rows are ``standard_normal``; times are the minimum of ``--repeats`` runs, with all
cores. Prints JSON and writes benchmarks/results/neighbors.json.
Usage: ``python benchmarks/bench_neighbors.py [--repeats 2] [--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import sklearn
from _common import write_report  # same directory
from sklearn.neighbors import NearestNeighbors

import synthaug
from synthaug.neighbors import count_closer, kneighbors, row_sq_distances

#: (name, indexed rows, queries (None: the rows themselves), features, k)
SHAPES = [
    ("smote_minority_50k", 50_000, None, 20, 5),
    ("kotaro_fit_50k", 50_000, None, 20, 32),
    ("kotaro_predict_100k", 50_000, 100_000, 20, 33),
    ("all_rows_200k_6k", 200_000, 6_000, 30, 11),
    ("wide_20k_d200", 20_000, None, 200, 5),
]


def _best(repeats, fn, *args):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times), out


def _sklearn_search(X, Q, k):
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", n_jobs=-1)
    return nn.fit(X).kneighbors(Q, return_distance=False)


def _faiss_search(X, Q, k):
    import faiss  # type: ignore[import-not-found]

    index = faiss.IndexFlatL2(X.shape[1])
    index.add(np.ascontiguousarray(X, dtype=np.float32))
    return index.search(np.ascontiguousarray(Q, dtype=np.float32), k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="5x fewer rows")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "neighbors.json"))
    args = parser.parse_args()
    scale = 5 if args.quick else 1
    try:
        import faiss  # type: ignore[import-not-found]  # noqa: F401
        has_faiss = True
    except ImportError:
        has_faiss = False
    rng = np.random.default_rng(0)
    report: dict = {"versions": {"synthaug": synthaug.__version__, "numpy": np.__version__,
                                 "sklearn": sklearn.__version__,
                                 "python": platform.python_version()},
                    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                    "knn": {}}
    for name, n, n_query, d, k in SHAPES:
        X = rng.standard_normal((n // scale, d))
        Q = None if n_query is None else rng.standard_normal((n_query // scale, d))
        kk = k + 1 if Q is None else k      # a self query also returns the row itself
        Qs = X if Q is None else Q
        t_ours, ind = _best(args.repeats, kneighbors, X, k, Q)
        t_skl, ref = _best(args.repeats, _sklearn_search, X, Qs, kk)
        if Q is None:
            ref = ref[:, 1:]
        row = {"rows": X.shape[0], "queries": Qs.shape[0], "features": d, "k": k,
               "synthaug_s": round(t_ours, 3), "sklearn_s": round(t_skl, 3),
               "ratio_vs_sklearn": round(t_ours / t_skl, 3),
               "same_indices_share": float((np.sort(ind, 1) == np.sort(ref, 1)).mean())}
        if has_faiss:
            t_faiss, _ = _best(args.repeats, _faiss_search, X, Qs, kk)
            row["faiss_flat_float32_s"] = round(t_faiss, 3)
            row["ratio_vs_faiss"] = round(t_ours / t_faiss, 3)
        report["knn"][name] = row
        print(name, json.dumps(row), flush=True)
    # the GK-SMOTE noise-filter count: minority rows against the other rows
    n = 1_000_000 // scale
    X = rng.standard_normal((n, 20))
    minority = rng.random(n) < 0.05
    Xc, Xo = X[minority], X[~minority]
    nearest = kneighbors(Xc, 1)[:, 0]
    radius_sq = row_sq_distances(Xc, Xc[nearest])
    t_count, counts = _best(args.repeats, count_closer, Xo, Xc, radius_sq)
    report["count_closer_noise_filter"] = {
        "rows": Xo.shape[0], "queries": Xc.shape[0], "features": 20,
        "seconds": round(t_count, 3),
        "ns_per_pair": round(t_count / (Xo.shape[0] * Xc.shape[0]) * 1e9, 3),
        "mean_count": float(counts.mean())}
    print("count_closer", json.dumps(report["count_closer_noise_filter"]), flush=True)
    write_report(report, args.out, save=not args.quick)


if __name__ == "__main__":
    main()
