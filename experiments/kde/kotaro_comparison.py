"""KOTARO against standard imbalanced-learning baselines: the comparison of docs/kotaro.md.

Protocol
--------
* **Simulated data.** ``make_classification(n_samples=n, n_features=10, n_informative=5,
  weights=[1 - 1/(1+IR)], class_sep=1.0, flip_y=0.01, random_state=seed)`` for IR in
  {5, 20, 50, 100, 200}; ``n = clip(51 * IR, 500, MAX_N)`` so that every set has about 50
  minority rows where the cap allows (``MAX_N = 5000`` keeps KOTARO's training folds on the
  exact solver). Several seeds per IR.
* **Bundled data.** Pima (mildly imbalanced; the KOTARO paper, arXiv 2510.04046, states
  its weaker result there as a limitation) plus high-IR KEEL sets, all from
  ``synthaug.datasets.load_dataset``.
* **Cross-validation.** ``StratifiedKFold(k, shuffle=True, random_state=0)``.
* **Methods** (each standardises inside, fitted on the training fold only):
  ``kotaro`` (``KOTARO(random_state=fold)``, defaults: it standardises itself),
  ``svm`` (StandardScaler + ``SVC(rbf, class_weight="balanced")``),
  ``rf`` (StandardScaler + ``RandomForestClassifier(200, class_weight="balanced")``),
  ``logreg`` (StandardScaler + ``LogisticRegression(class_weight="balanced",
  max_iter=1000)``), ``smote_svm`` (imblearn Pipeline: StandardScaler, synthaug ``SMOTE``,
  ``SVC(rbf)``).
* **Scores** on the test fold, minority coded 1: balanced accuracy, G-mean, MCC of the
  predicted labels, AUPRC (average precision) of the continuous score
  (``decision_function``; ``predict_proba`` for the random forest).
* **Statistics.** Fold scores are averaged per (dataset or IR setting, method) (over folds
  and, for simulated data, seeds). Mean ranks (1 = best) over the settings; two-sided
  Wilcoxon signed-rank of KOTARO against each competitor over all settings (simulated IRs
  plus bundled datasets), with win/tie/loss counts.

Usage::

    python experiments/kde/kotaro_comparison.py           # full run
    python experiments/kde/kotaro_comparison.py --quick   # smoke run, writes nothing
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from imblearn.pipeline import Pipeline as ImbPipeline
from joblib import Parallel, delayed
from matplotlib.figure import Figure
from scipy.stats import rankdata, wilcoxon
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

import synthaug
from synthaug.classifiers import KOTARO
from synthaug.datasets import load_dataset
from synthaug.metrics import average_precision, balanced_accuracy, g_mean, mcc
from synthaug.sampler import SMOTE

RESULTS = Path(__file__).resolve().parent / "results"
METHODS = ["kotaro", "svm", "rf", "logreg", "smote_svm"]
METRICS = ["balanced_accuracy", "g_mean", "mcc", "auprc"]
IRS = [5, 20, 50, 100, 200]
SEEDS = [0, 1, 2]
MAX_N = 5000
DATASETS = ["pima", "ecoli4", "page-blocks-1-3_vs_4", "yeast4", "yeast5", "yeast6",
            "winequality-red-4", "abalone19"]


def make_model(method: str, seed: int) -> Any:
    if method == "kotaro":
        return KOTARO(random_state=seed)
    if method == "svm":
        return make_pipeline(StandardScaler(), SVC(kernel="rbf", class_weight="balanced"))
    if method == "rf":
        return make_pipeline(StandardScaler(), RandomForestClassifier(
            n_estimators=200, class_weight="balanced", random_state=seed))
    if method == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(
            class_weight="balanced", max_iter=1000))
    if method == "smote_svm":
        return ImbPipeline([("scale", StandardScaler()), ("smote", SMOTE(random_state=seed)),
                            ("svc", SVC(kernel="rbf"))])
    raise ValueError(method)


def simulated(ir: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    n = int(np.clip(51 * ir, 500, MAX_N))
    X, y = make_classification(n_samples=n, n_features=10, n_informative=5,
                               weights=[1 - 1 / (1 + ir)], class_sep=1.0, flip_y=0.01,
                               random_state=seed)
    return X, y


def bundled(name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = load_dataset(name)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    labels, counts = np.unique(y, return_counts=True)
    return X, (y == labels[np.argmin(counts)]).astype(int)


def run_fold(key: str, group: str, seed: int, fold: int, X: np.ndarray, y: np.ndarray,
             train: np.ndarray, test: np.ndarray) -> list[dict[str, Any]]:
    rows = []
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in METHODS:
            t0 = time.perf_counter()
            model = make_model(method, fold)
            model.fit(X[train], y[train])
            pred = model.predict(X[test])
            if method == "rf":
                score = model.predict_proba(X[test])[:, 1]
            else:
                score = model.decision_function(X[test])
            yt = y[test]
            rows.append({
                "setting": key, "group": group, "seed": seed, "fold": fold, "method": method,
                "balanced_accuracy": balanced_accuracy(yt, pred), "g_mean": g_mean(yt, pred),
                "mcc": mcc(yt, pred), "auprc": average_precision(yt, score),
                "seconds": time.perf_counter() - t0,
            })
    return rows


def tasks(irs: list[int], seeds: list[int], datasets: list[str], k: int):
    info = {}
    for ir in irs:
        for seed in seeds:
            X, y = simulated(ir, seed)
            info[f"IR={ir}"] = {"n": len(y), "n_minority": int(y.sum()), "ir": ir}
            skf = StratifiedKFold(k, shuffle=True, random_state=0)
            for fold, (tr, te) in enumerate(skf.split(X, y)):
                yield f"IR={ir}", "simulated", seed, fold, X, y, tr, te
    for name in datasets:
        X, y = bundled(name)
        info[name] = {"n": len(y), "n_features": X.shape[1], "n_minority": int(y.sum()),
                      "ir": round(float((len(y) - y.sum()) / y.sum()), 2)}
        skf = StratifiedKFold(k, shuffle=True, random_state=0)
        for fold, (tr, te) in enumerate(skf.split(X, y)):
            yield name, "bundled", 0, fold, X, y, tr, te
    tasks.info = info  # type: ignore[attr-defined]


def summarise(df: pd.DataFrame) -> dict[str, Any]:
    means = df.groupby(["setting", "method"], sort=False)[METRICS].mean()
    order = list(dict.fromkeys(df["setting"]))
    out: dict[str, Any] = {"means": {}, "ranks": {}, "wilcoxon": {}}
    for s in order:
        out["means"][s] = {m: {k: round(float(means.loc[(s, m), k]), 4) for k in METRICS}
                           for m in METHODS}
    for metric in METRICS:
        mat = np.array([[means.loc[(s, m), metric] for m in METHODS] for s in order])
        ranks = np.vstack([rankdata(-row) for row in mat])
        out["ranks"][metric] = {m: round(float(r), 2) for m, r in zip(METHODS, ranks.mean(0))}
        tests = {}
        for j, m in enumerate(METHODS[1:], start=1):
            d = mat[:, 0] - mat[:, j]
            w, t, lo = int((d > 1e-12).sum()), int((np.abs(d) <= 1e-12).sum()), int(
                (d < -1e-12).sum())
            p = float(wilcoxon(mat[:, 0], mat[:, j]).pvalue) if np.any(d != 0) else 1.0
            tests[m] = {"win": w, "tie": t, "loss": lo, "median_diff": round(float(
                np.median(d)), 4), "p": round(p, 4)}
        out["wilcoxon"][metric] = tests
    return out


def plot(summary: dict[str, Any], irs: list[int], path: Path) -> None:
    fig = Figure(figsize=(10, 4), constrained_layout=True)
    axes = fig.subplots(1, 2)
    for ax, metric, title in zip(axes, ["balanced_accuracy", "auprc"],
                                 ["Balanced accuracy", "AUPRC (average precision)"]):
        for m in METHODS:
            vals = [summary["means"][f"IR={ir}"][m][metric] for ir in irs]
            ax.plot(irs, vals, marker="o", label=m, lw=2.5 if m == "kotaro" else 1.2)
        ax.set_xscale("log")
        ax.set_xticks(irs)
        ax.set_xticklabels([str(i) for i in irs])
        ax.set_xlabel("imbalance ratio (simulated, 10 features)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.savefig(path, dpi=120)


def markdown(summary: dict[str, Any], info: dict[str, Any]) -> str:
    lines = []
    for metric in METRICS:
        lines.append(f"\n**{metric}** (mean over folds; simulated rows: and seeds)\n")
        lines.append("| setting | n | IR | " + " | ".join(METHODS) + " |")
        lines.append("|---|---|---|" + "---|" * len(METHODS))
        for s, row in summary["means"].items():
            best = max(row[m][metric] for m in METHODS)
            cells = [(f"**{row[m][metric]:.3f}**" if row[m][metric] == best
                      else f"{row[m][metric]:.3f}") for m in METHODS]
            lines.append(f"| {s} | {info[s]['n']} | {info[s]['ir']} | " + " | ".join(cells)
                         + " |")
        r = summary["ranks"][metric]
        lines.append("| mean rank | | | " + " | ".join(f"{r[m]:.2f}" for m in METHODS) + " |")
    lines.append("\n**KOTARO vs each competitor** (win/tie/loss over settings, Wilcoxon p)\n")
    lines.append("| metric | " + " | ".join(METHODS[1:]) + " |")
    lines.append("|---|" + "---|" * (len(METHODS) - 1))
    for metric in METRICS:
        t = summary["wilcoxon"][metric]
        lines.append(f"| {metric} | " + " | ".join(
            f"{t[m]['win']}/{t[m]['tie']}/{t[m]['loss']}, p={t[m]['p']:.3f}"
            for m in METHODS[1:]) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small smoke run, writes nothing")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--n-jobs", type=int, default=2)
    args = ap.parse_args()
    irs, seeds, datasets = (IRS, SEEDS, DATASETS) if not args.quick else (
        [5, 50], [0], ["pima", "yeast5"])
    t0 = time.time()
    jobs = list(tasks(irs, seeds, datasets, args.folds))
    info = tasks.info  # type: ignore[attr-defined]
    out = Parallel(n_jobs=args.n_jobs)(delayed(run_fold)(*job) for job in jobs)
    df = pd.DataFrame([r for rows in out for r in rows])
    summary = summarise(df)
    runtime = time.time() - t0
    print(markdown(summary, info))
    secs = df.groupby("method")["seconds"].sum().round(1).to_dict()
    print(f"\nruntime {runtime:.0f} s; fit+predict seconds per method: {secs}")
    if args.quick:
        return
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "protocol": {"irs": irs, "seeds": seeds, "max_n": MAX_N, "folds": args.folds,
                     "datasets": datasets, "methods": METHODS, "metrics": METRICS},
        "settings": info, **summary,
        "method_seconds": secs, "runtime_s": round(runtime, 1),
        "versions": {"python": platform.python_version(), "sklearn": sklearn.__version__,
                     "synthaug": getattr(synthaug, "__version__", "?")},
    }
    (RESULTS / "kotaro_comparison.json").write_text(json.dumps(payload, indent=1))
    plot(summary, irs, RESULTS / "kotaro_comparison.png")


if __name__ == "__main__":
    main()
