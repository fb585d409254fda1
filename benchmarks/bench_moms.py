"""MOMS: fit time and memory at the default settings, how they grow, and whether the
capped default architecture loses quality against the documented one.

Parts (each can be skipped):

* ``default``: a default-settings fit (plus one full-balance sample), and the same with
  the documented ("paper") architecture for comparison, on
  ``make_classification(5000, 16, n_informative=8, weights=[0.9], random_state=0)``.
  Targets: under 120 s on 2 CPU cores and a peak resident memory under 3 GB (the peak RSS
  of a fresh child process, ``resource.getrusage``).
* ``scaling``: seconds per epoch (default settings, no early stopping: the time of a
  ``5 + --scaling-epochs`` epoch fit minus that of a 5-epoch fit, after a warm-up)
  against the majority size (1000, 2000, 4500, 9000 at d = 16) and the number of features
  (8, 16, 32, 64 at 4500 majority rows), for the default and the documented architecture.
* ``quality``: the default ("auto", widths capped at 256) against the documented
  ("paper") architecture and a cheaper one capped at 64 ("cap64"): MMD^2 and k-NN
  precision/recall of the synthetic rows against held-out minority rows on a toy problem
  (``synthaug.diagnostics.fidelity``; d = 16, where "auto" differs from "paper" only in
  its latent width, 256 instead of 512), and the balanced
  accuracy of a logistic regression after oversampling, 3-fold stratified, on three
  bundled datasets.

Prints JSON and writes benchmarks/results/moms.json.
Usage: ``python benchmarks/bench_moms.py [--quick] [--skip quality]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import write_report  # same directory

NOTE = ("Measured on a shared 2-core machine with other jobs running (see the load "
        "averages under machine): timings are noisy and pessimistic; an idle machine is "
        "faster.")
DATASETS = ("vehicle1", "PC1", "vowel0")


def _default_fit(n: int, d: int, arch: str = "auto") -> dict:
    """One default-settings fit and full-balance sample, timed (run in a child process so
    that its peak RSS is its own)."""
    import torch
    from sklearn.datasets import make_classification

    from synthaug.generators.moms import MOMSGenerator

    X, y = make_classification(n_samples=n, n_features=d, n_informative=min(8, d // 2),
                               weights=[0.9], random_state=0)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    gen = MOMSGenerator(hidden_dims=arch, latent_dim=arch, random_state=0).fit(X, y)
    fit_s = time.perf_counter() - t0
    n_new = int((y == 0).sum() - (y == 1).sum())
    t1 = time.perf_counter()
    gen.sample(n_new)
    sample_s = time.perf_counter() - t1
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"arch": arch, "n": n, "d": d, "fit_s": fit_s, "sample_s": sample_s, "n_new": n_new,
            "epochs": gen.n_epochs_, "best_epoch": gen.best_epoch_,
            "s_per_epoch": fit_s / gen.n_epochs_, "batch_size": gen.batch_size_,
            "hidden_dims": list(gen.hidden_dims_), "latent_dim": gen.latent_dim_,
            "peak_rss_mb": peak_kib / 1024, "rss_before_fit_mb": rss0 / 1024,
            "estimate_mb": gen.memory_estimate(n, d, int((y == 1).sum())) / 2**20,
            "torch_threads_outside_fit": torch.get_num_threads(),
            "mmd2_first_last": [gen.history_[0]["mmd2"], gen.history_[-1]["mmd2"]]}


def _per_epoch(n_maj: int, d: int, epochs: int, arch: str = "auto") -> dict:
    from sklearn.datasets import make_classification

    from synthaug.generators.moms import MOMSGenerator

    n = round(n_maj / 0.9)
    X, y = make_classification(n_samples=n, n_features=d, n_informative=min(8, d // 2),
                               weights=[0.9], random_state=0)
    # a warm-up fit (imports, first-call costs), then fits of 5 and 5 + epochs epochs:
    # the difference over the extra epochs is the cost of an epoch
    MOMSGenerator(max_epochs=2, patience=None, random_state=0).fit(X[:300], y[:300])
    times = []
    for e in (5, epochs + 5):
        gen = MOMSGenerator(hidden_dims=arch, latent_dim=arch, max_epochs=e, patience=None,
                            random_state=0)
        t0 = time.perf_counter()
        gen.fit(X, y)
        times.append(time.perf_counter() - t0)
    dt = times[1] - times[0]
    return {"arch": arch, "setup_and_5_epochs_s": times[0], "n_majority": int((y == 0).sum()),
            "n_minority": int((y == 1).sum()), "d": d,
            "batch_size": gen.batch_size_, "s_per_epoch": dt / epochs,
            "hidden_dims": list(gen.hidden_dims_), "latent_dim": gen.latent_dim_}


def _widths(arch: str, d: int) -> tuple:
    """``(hidden_dims, latent_dim)`` parameters for an architecture name: "auto" and
    "paper" as the generator reads them, "cap64" the documented shape capped at 64 (the
    cheaper default that was measured and rejected)."""
    if arch == "cap64":
        return tuple(min(m * d, 64) for m in (2, 4, 8, 16)), min(32 * d, 64)
    return arch, arch


def _fidelity_toy(arch: str, max_epochs: int, seed: int = 0) -> dict:
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from synthaug.diagnostics import fidelity
    from synthaug.generators.moms import MOMSGenerator

    X, y = make_classification(n_samples=3000, n_features=16, n_informative=8,
                               weights=[0.9], random_state=1)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y,
                                          random_state=seed)
    scaler = StandardScaler().fit(Xtr)
    t0 = time.perf_counter()
    hidden, latent = _widths(arch, X.shape[1])
    gen = MOMSGenerator(hidden_dims=hidden, latent_dim=latent, max_epochs=max_epochs,
                        random_state=seed).fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    n_new = int((ytr == 0).sum() - (ytr == 1).sum())
    fid = fidelity(scaler.transform(Xte[yte == 1]), scaler.transform(gen.sample(n_new)))
    return {"arch": arch, "seed": seed, "fit_s": fit_s, "epochs": gen.n_epochs_,
            "heldout_mmd2": fid.mmd2, "precision": fid.precision, "recall": fid.recall}


def _classifier(name: str, arch: str, max_epochs: int) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    from synthaug import Oversampler
    from synthaug.datasets import load_dataset
    from synthaug.generators.moms import MOMSGenerator

    X, y = load_dataset(name)
    X = np.asarray(X, dtype=np.float64)
    scores, times = [], []
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y):
        Xtr, ytr = X[train], y[train]
        t0 = time.perf_counter()
        if arch != "none":
            hidden, latent = _widths(arch, X.shape[1])
            gen = MOMSGenerator(hidden_dims=hidden, latent_dim=latent, max_epochs=max_epochs)
            Xtr, ytr = Oversampler(gen, random_state=0).fit_resample(Xtr, ytr)
        times.append(time.perf_counter() - t0)
        scaler = StandardScaler().fit(Xtr)
        clf = LogisticRegression(max_iter=5000).fit(scaler.transform(Xtr), ytr)
        scores.append(balanced_accuracy_score(y[test], clf.predict(scaler.transform(X[test]))))
    return {"dataset": name, "arch": arch, "balanced_accuracy": float(np.mean(scores)),
            "folds": [float(s) for s in scores], "resample_s": float(np.sum(times))}


def _child(task: str, *args: object) -> dict:
    """Run ``task`` in a fresh interpreter (its own peak RSS, no warm caches shared)."""
    code = (f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import bench_moms as b; print(json.dumps(b.{task}(*{args!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few epochs (a smoke run, minutes)")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["default", "scaling", "quality"])
    parser.add_argument("--scaling-epochs", type=int, default=20)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "moms.json"))
    args = parser.parse_args()
    quick = args.quick
    report: dict = {"note": NOTE, "quick": quick,
                    "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                                "load_average_start": os.getloadavg()}}
    if "default" not in args.skip:
        n = 1000 if quick else 5000
        report["default_fit"] = _child("_default_fit", n, 16)
        # the documented architecture, for comparison (not a default)
        report["paper_architecture_fit"] = _child("_default_fit", n, 16, "paper")
        report["targets"] = {"fit_s": "< 120 on 2 CPU cores", "peak_rss_mb": "< 3072"}
    if "scaling" not in args.skip:
        epochs = 3 if quick else args.scaling_epochs
        sizes = (500, 1000) if quick else (1000, 2000, 4500, 9000)
        dims = (8, 16) if quick else (8, 16, 32)
        rows = [_child("_per_epoch", m, 16, epochs) for m in sizes]
        base = 4500 if not quick else 500
        rows += [_child("_per_epoch", base, d, epochs) for d in dims if d != 16]
        wide = (16, 32, 64) if not quick else (8,)
        rows += [_child("_per_epoch", base, 64, epochs) for _ in (0,) if not quick]
        rows += [_child("_per_epoch", base, d, epochs, "paper") for d in wide]
        report["scaling"] = {"epochs_timed": epochs, "rows": rows}
    if "quality" not in args.skip:
        epochs = 20 if quick else 300
        names = DATASETS[:1] if quick else DATASETS
        report["quality"] = {
            "max_epochs": epochs,
            "fidelity_toy": [_child("_fidelity_toy", a, epochs, seed)
                             for seed in ((0,) if quick else (0, 1, 2))
                             for a in ("cap64", "auto")],
            "logistic_regression": [_child("_classifier", name, a, epochs)
                                    for name in names
                                    for a in ("none", "cap64", "auto", "paper")]}
    report["machine"]["load_average_end"] = os.getloadavg()
    write_report(report, args.out)


if __name__ == "__main__":
    main()
