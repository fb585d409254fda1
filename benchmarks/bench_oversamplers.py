"""Speed and memory of synthaug's classic oversamplers against imbalanced-learn.

Prints one JSON document (and writes it to benchmarks/results/oversamplers.json):

* ``smote_1m``: SMOTE fit + full-balance sample on 1,000,000 x 20, 5 % minority;
  time ratio synthaug / imbalanced-learn and synthaug's tracemalloc peak over the bytes of
  the returned ``(X_res, y_res)``.
* ``borderline_200k``, ``adasyn_200k``: 200,000 x 30, 3 % minority.
* ``sizes_20``: 20 sizes (0.05 to 1 x the gap) drawn as nested prefixes of one pool from one
  fitted generator, against one fit plus one full-balance sample; ``sizes_20_wide`` the
  same for 0.1 to 2 x the gap (VTSS's wide grid), where the pool is twice as large.

Times are the minimum of ``--repeats`` runs in one process, alternating the libraries, with
the libraries' default threading and again limited to one thread (threadpoolctl). Data come
from ``make_classification(..., weights=[1 - minority_share], random_state=0)``.

Usage: ``python benchmarks/bench_oversamplers.py [--quick] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import platform
import time
from pathlib import Path

import imblearn
import imblearn.over_sampling as imb
import numpy as np
import sklearn
from _common import peak_memory, write_report  # same directory
from sklearn.datasets import make_classification
from threadpoolctl import threadpool_limits

import synthaug
from synthaug import ADASYN, SMOTE, BorderlineSMOTE
from synthaug.generators import SMOTEGenerator
from synthaug.neighbors import neighbors_config
from synthaug.sizing import resolve_counts


def _data(n, d, share):
    return make_classification(n_samples=n, n_features=d, n_informative=min(d, 10),
                               weights=[1 - share], random_state=0)


@contextlib.contextmanager
def _threads(limit):
    if limit is None:
        yield
        return
    with threadpool_limits(limits=limit), neighbors_config(n_jobs=limit):
        yield


def _time(fn):
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def compare(ours, theirs, X, y, repeats, threads=None):
    """Min-of-``repeats`` times, alternating the libraries."""
    t_ours, t_theirs = [], []
    with _threads(threads):
        for _ in range(repeats):
            t, res = _time(lambda: ours().fit_resample(X, y))
            t_ours.append(t)
            del res
            t, res = _time(lambda: theirs().fit_resample(X, y))
            t_theirs.append(t)
            del res
    return {"synthaug_s": min(t_ours), "imblearn_s": min(t_theirs),
            "ratio": min(t_ours) / min(t_theirs), "synthaug_all_s": t_ours,
            "imblearn_all_s": t_theirs}


def bench_pair(name, ours, theirs, n, d, share, repeats):
    X, y = _data(n, d, share)
    result = {"data": {"n": n, "d": d, "minority_share": share,
                       "n_new": int(sum(resolve_counts(y, "auto").values()))}}
    result["default_threads"] = compare(ours, theirs, X, y, repeats)
    result["one_thread"] = compare(ours, theirs, X, y, max(1, repeats - 1), threads=1)
    result["memory_synthaug"] = peak_memory(ours, X, y)
    result["memory_imblearn"] = peak_memory(theirs, X, y)
    print(f"{name}: ratio {result['default_threads']['ratio']:.3f} "
          f"(1 thread {result['one_thread']['ratio']:.3f})", flush=True)
    return result


def bench_sizes(n, d, share, repeats, gammas):
    """20 sizes (``gammas`` x the gap) as nested prefixes of one pool from one fitted
    generator, against one fit plus one full-balance sample."""
    X, y = _data(n, d, share)
    gap = int((y == 0).sum() - (y == 1).sum())
    sizes = [int(np.floor(g * gap + 0.5)) for g in gammas]

    def twenty():
        gen = SMOTEGenerator().fit(X, y, target_class=1)
        pool = gen.sample(max(sizes), random_state=0)
        return [pool[:s] for s in sizes]

    def one():
        gen = SMOTEGenerator().fit(X, y, target_class=1)
        return gen.sample(gap, random_state=0)

    t20, t1 = [], []
    for _ in range(repeats):  # alternate, so drifting machine load hits both alike
        t20.append(_time(twenty)[0])
        t1.append(_time(one)[0])
    # the prefixes are what separate calls would return
    gen = SMOTEGenerator().fit(X, y, target_class=1)
    pool = gen.sample(max(sizes), random_state=0)
    same = all(np.array_equal(gen.sample(s, random_state=0), pool[:s]) for s in sizes[:3])
    return {"data": {"n": n, "d": d, "minority_share": share}, "gammas": list(gammas),
            "twenty_sizes_s": min(t20), "one_fit_one_balance_s": min(t1),
            "ratio": min(t20) / min(t1), "prefixes_equal_separate_calls": bool(same)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller data")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only-sizes", action="store_true",
                        help="run only the sizes part (merged into an existing --out file)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "oversamplers.json"))
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    report = {
        "versions": {"synthaug": synthaug.__version__, "imblearn": imblearn.__version__,
                     "sklearn": sklearn.__version__, "numpy": np.__version__,
                     "python": platform.python_version()},
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform()},
        "targets": {"smote_1m.ratio": "<= 1.0", "smote_1m.peak_over_output": "<= 1.5",
                    "borderline_200k.ratio": "<= 0.7", "adasyn_200k.ratio": "<= 0.7",
                    "sizes_20.ratio": "<= 1.3",
                    "sizes_20_wide.ratio": "(information: sizes up to 2 x balance)"},
    }
    if args.only_sizes and Path(args.out).exists():
        report = {**json.loads(Path(args.out).read_text()), **report}
    else:
        report["smote_1m"] = bench_pair("smote_1m", lambda: SMOTE(random_state=0),
                                        lambda: imb.SMOTE(random_state=0),
                                        1_000_000 // scale, 20, 0.05, args.repeats)
        report["borderline_200k"] = bench_pair(
            "borderline_200k", lambda: BorderlineSMOTE(random_state=0),
            lambda: imb.BorderlineSMOTE(random_state=0), 200_000 // scale, 30, 0.03,
            args.repeats)
        report["adasyn_200k"] = bench_pair(
            "adasyn_200k", lambda: ADASYN(random_state=0), lambda: imb.ADASYN(random_state=0),
            200_000 // scale, 30, 0.03, args.repeats)
    # 20 sizes up to full balance (the target), and the VTSS-style wide grid up to 2x
    report["sizes_20"] = bench_sizes(200_000 // scale, 20, 0.05, max(5, args.repeats),
                                     np.round(np.linspace(0.05, 1.0, 20), 2).tolist())
    report["sizes_20_wide"] = bench_sizes(200_000 // scale, 20, 0.05, max(5, args.repeats),
                                          np.round(np.linspace(0.1, 2.0, 20), 2).tolist())
    for key in ("sizes_20", "sizes_20_wide"):
        print(f"{key}: ratio {report[key]['ratio']:.3f}", flush=True)
    write_report(report, args.out)


if __name__ == "__main__":
    main()
