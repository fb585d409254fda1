"""Speed, memory and solver accuracy of synthaug's KOTARO classifier.

Prints one JSON document (and writes it to benchmarks/results/kotaro.json):

* ``fit_50k``: ``KOTARO(random_state=0)`` with default settings (``solver="auto"``, which
  is the truncated sparse form at this size, with its switch warning; ``threshold="auto"``
  and the calibration, so five internal fits on 80 % plus the final fit) on 50,000 x 20.
  Wall and CPU time, the share spent in neighbour searches, tracemalloc's peak and the
  growth of the peak RSS.
  Targets: < 60 s on 2 cores, < 4 GB.
* ``predict_100k``: ``predict`` of 100,000 further rows. Target: < 10 s.
* ``exact_vs_sparse``: the exact and the truncated form fitted on the same 4,000 rows and
  compared on 4,000 held-out rows: agreement of the predicted labels (each with its own
  tuned threshold; both at ``f > 0``; both at the exact model's threshold), Pearson
  correlation and relative L2 distance of the values of ``f``, balanced accuracy and ROC
  AUC of both.
  As a yardstick for the threshold step's own noise, the exact form is also refitted with
  another internal split (``random_state=1``). On the 20-feature benchmark data for
  several ``sparse_neighbors``, and on a 5-feature problem, where the kernels are wide
  relative to the truncation.
* ``exact_vs_sparse_real``: the same comparison on two bundled datasets larger than
  ``max_exact`` (page-blocks0, 5,472 x 10; SATIMAGE, 6,435 x 36): a stratified sample of
  4,000 rows is fitted with each form (``sparse_neighbors`` 32, the default) and the other
  rows are predicted. This is what ``solver="auto"`` gives up when it switches.

Data: ``make_classification(n_samples=150_000, n_features=20, weights=[0.95],
random_state=0)`` (shuffled, so the split is i.i.d.); the first 50,000 rows are fitted,
the other 100,000 predicted. The comparison uses ``n_samples=8_000`` with the same
settings (and ``n_features=5, n_informative=3, n_redundant=0`` for the second problem).
Run on a shared machine the times include other users' load, so the load average before
and after each step and the process CPU time are recorded too.

Usage: ``python benchmarks/bench_kotaro.py [--quick] [--skip-compare]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from _common import write_report  # same directory
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split

import synthaug
import synthaug.classifiers._kernel_solvers as solvers_mod
import synthaug.classifiers.kotaro as kotaro_mod
from synthaug.classifiers import KOTARO
from synthaug.datasets import load_dataset

_KNN_SECONDS = [0.0]
_original_kneighbors = kotaro_mod.kneighbors


def _timed_kneighbors(*args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    try:
        return _original_kneighbors(*args, **kwargs)
    finally:
        _KNN_SECONDS[0] += time.perf_counter() - start


kotaro_mod.kneighbors = _timed_kneighbors  # type: ignore[assignment]
solvers_mod.kneighbors = _timed_kneighbors  # type: ignore[assignment]


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measure(fn: Any) -> tuple[Any, dict[str, Any]]:
    """Run ``fn`` once under tracemalloc; wall, CPU and neighbour-search time, memory."""
    _KNN_SECONDS[0] = 0.0
    load_before = _load()
    rss_before = _rss_bytes()
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "neighbor_search_s": round(_KNN_SECONDS[0], 3),
        "tracemalloc_peak_bytes": int(peak),
        "peak_rss_growth_bytes": max(0, _rss_bytes() - rss_before),
        "load_avg_1min_before": load_before,
        "load_avg_1min_after": _load(),
        "warnings": sorted({str(w.message)[:160] for w in caught}),
    }


def bench_speed(n_fit: int, n_pred: int) -> dict[str, Any]:
    X, y = make_classification(n_samples=n_fit + n_pred, n_features=20, weights=[0.95],
                               random_state=0)
    Xf, yf, Xp, yp = X[:n_fit], y[:n_fit], X[n_fit:], y[n_fit:]
    model, fit = _measure(lambda: KOTARO(random_state=0).fit(Xf, yf))
    fit.update(n=n_fit, d=20, minority_share=float(np.mean(yf == model.positive_class_)),
               solver=model.solver_, sparse_neighbors=model.sparse_neighbors_,
               solver_info={k: (float(v) if isinstance(v, (float, np.floating)) else v)
                            for k, v in model.solver_info_.items()},
               threshold=model.threshold_,
               validation_balanced_accuracy=model.validation_balanced_accuracy_)
    pred, pr = _measure(lambda: model.predict(Xp))
    pr.update(n=n_pred, balanced_accuracy=float(balanced_accuracy_score(yp, pred)))
    return {"fit_50k": fit, "predict_100k": pr}


def _fit(X: np.ndarray, y: np.ndarray, **kw: Any) -> tuple[KOTARO, float, int]:
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = KOTARO(**kw).fit(X, y)
    return m, round(time.perf_counter() - start, 3), len(caught)


def _compare(X: np.ndarray, y: np.ndarray, Xt: np.ndarray, yt: np.ndarray,
             ks: tuple[int, ...]) -> dict[str, Any]:
    ex, ex_s, ex_w = _fit(X, y, solver="exact", random_state=0)
    fe, pe = ex.kernel_expansion(Xt), ex.predict(Xt)
    minority = yt == ex.positive_class_
    # the threshold step's own variability: the exact form with another internal split
    ex1 = _fit(X, y, solver="exact", random_state=1)[0]
    out: dict[str, Any] = {
        "exact": {"fit_s": ex_s, "solve": ex.solver_info_["method"], "warnings": ex_w,
                  "threshold": ex.threshold_,
                  "balanced_accuracy": float(balanced_accuracy_score(yt, pe)),
                  "roc_auc": float(roc_auc_score(minority, fe)),
                  "label_agreement_other_split": float(np.mean(pe == ex1.predict(Xt))),
                  "threshold_other_split": ex1.threshold_},
    }
    for k in ks:
        sp, sp_s, sp_w = _fit(X, y, solver="sparse", sparse_neighbors=k, random_state=0)
        fs, ps = sp.kernel_expansion(Xt), sp.predict(Xt)
        out[f"sparse_k{k}"] = {
            "fit_s": sp_s, "solve": sp.solver_info_["method"], "warnings": sp_w,
            "iterations": int(sp.solver_info_["iterations"]),
            "ridge": float(sp.solver_info_["ridge"]),
            "threshold": sp.threshold_,
            "balanced_accuracy": float(balanced_accuracy_score(yt, ps)),
            "roc_auc": float(roc_auc_score(minority, fs)),
            "label_agreement": float(np.mean(pe == ps)),
            "label_agreement_at_f_gt_0": float(np.mean((fe > 0) == (fs > 0))),
            "label_agreement_at_exact_threshold": float(
                np.mean((fe > ex.threshold_) == (fs > ex.threshold_))),
            "decision_corr": float(np.corrcoef(fe, fs)[0, 1]),
            "decision_rel_l2": float(np.linalg.norm(fe - fs) / np.linalg.norm(fe)),
        }
    return out


def bench_compare(n: int) -> dict[str, Any]:
    res: dict[str, Any] = {"n_fit": n, "n_test": n}
    X, y = make_classification(n_samples=2 * n, n_features=20, weights=[0.95], random_state=0)
    res["d20"] = _compare(X[:n], y[:n], X[n:], y[n:], (32, 64, 128))
    X, y = make_classification(n_samples=2 * n, n_features=5, n_informative=3, n_redundant=0,
                               weights=[0.95], random_state=0)
    res["d5"] = _compare(X[:n], y[:n], X[n:], y[n:], (32,))
    return res


def bench_compare_real(n: int) -> dict[str, Any]:
    res: dict[str, Any] = {"n_fit": n}
    for name in ("page-blocks0", "SATIMAGE"):
        X, y = load_dataset(name)
        X, Xt, y, yt = train_test_split(X, y, train_size=n, stratify=y, random_state=0)
        res[name] = {"n_test": len(yt), "d": X.shape[1],
                     "minority_share": float(np.mean(y == 1)),
                     **_compare(X, y, Xt, yt, (32,))}
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller data")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "kotaro.json"))
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    report: dict[str, Any] = {
        "versions": {"synthaug": synthaug.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__, "sklearn": sklearn.__version__,
                     "python": platform.python_version()},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "shared": "times include other processes' load (see load_avg_*)"},
        "targets": {"fit_50k.wall_s": "< 60 (2 cores)",
                    "fit_50k.tracemalloc_peak_bytes": "< 4e9",
                    "predict_100k.wall_s": "< 10"},
        "quick": args.quick,
    }
    report.update(bench_speed(50_000 // scale, 100_000 // scale))
    if not args.skip_compare:
        report["exact_vs_sparse"] = bench_compare(4_000 // scale)
        report["exact_vs_sparse_real"] = bench_compare_real(4_000 // scale)
    write_report(report, args.out, save=not args.quick)


if __name__ == "__main__":
    main()
