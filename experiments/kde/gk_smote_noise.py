"""GK-SMOTE under symmetric label noise: the validation experiment of docs/gk_smote.md.

Protocol
--------
* **Datasets.** The 30 KEEL sets shipped in the data folder of the GK-SMOTE reference
  repository (github.com/Miraj-Rahman-AI/GK-SMOTE), all bundled with synthaug
  (``synthaug.datasets.load_dataset``; the names are matched tolerantly).
* **Cross-validation.** One repetition of ``StratifiedKFold(5, shuffle=True,
  random_state=0)`` per dataset, on the clean labels.
* **Label noise.** For a noise level ``gamma`` in {0, 0.1, 0.2, 0.3}, a fraction ``gamma``
  of the *training* rows (``round(gamma * n_train)`` rows, drawn uniformly without
  replacement over both classes) get the other label. The generator is seeded from
  (dataset, gamma, fold). The test fold keeps its clean labels. Because the flips ignore
  the class, most flipped rows are majority rows that become minority rows: at an imbalance
  ratio of 9 and ``gamma = 0.1`` about half the noisy minority labels are wrong.
* **Pipeline per fold.** ``StandardScaler`` fitted on the noisy training fold, then one of
  six resamplings: ``none`` (no resampling), ``smote``, ``borderline-smote``, ``adasyn``
  (all ``k_neighbors=5``, synthaug's defaults otherwise), ``gksmote`` (``mode="paper"``,
  the default) and ``gksmote-reference`` (``mode="reference"``), each to full balance with
  ``random_state=fold``. Then two classifiers from ``synthaug.bench.classifiers``:
  ``logreg`` (``LogisticRegression(max_iter=1000)``) and ``hgb``
  (``HistGradientBoostingClassifier(random_state=fold)``).
* **Scores** on the clean test fold: MCC and balanced accuracy of the predicted labels
  (threshold 0.5), AUPRC (average precision) of the predicted minority probability.
* **Failures.** A noisy training fold with fewer than 2 minority (or majority) rows fails
  every method; a resampler or classifier that raises fails that (method, classifier).
  Each failure is recorded with its message. Warnings (e.g. GK-SMOTE reallocating the
  share of a cluster too small to interpolate) are counted.
* **Statistics** (``synthaug.bench.stats``, Demšar 2006). Fold scores are averaged per
  (dataset, noise, method, classifier). A dataset-level mean with a failed fold is
  discarded, and for each (noise, classifier, metric) cell only the datasets where all six
  methods have a score are used, both for the mean ranks (1 = best) and for the pairwise
  comparisons: win/tie/loss counts and the two-sided Wilcoxon signed-rank test of GK-SMOTE
  (each mode) against every other method, with Holm-adjusted p-values within the cell.
  The Friedman test of the six methods is reported too.

Outputs: ``experiments/kde/results/gk_smote_noise.json`` (per-dataset means, failures,
ranks, tests, runtime) and ``gk_smote_noise.png`` (mean rank against the noise level, one
panel per classifier and metric). Work is parallelised over (dataset, noise) cells with
joblib (``--n-jobs``, default 2), each worker limited to one BLAS/OpenMP thread.

``--diagnose`` (no classifiers, about a minute) explains the noisy results: on the same
noisy training folds it fits GK-SMOTE in both modes and measures, among the rows labelled
minority, which share is truly minority (clean label) -- over all of them (the seeds of
SMOTE), over the rows the noise filter keeps, and over GK-SMOTE's seeds (the safe cluster
in paper mode, both clusters by size in reference mode). It writes
``gk_smote_noise_diagnosis.json`` and ``gk_smote_noise_diagnosis.png``.

Usage::

    python experiments/kde/gk_smote_noise.py            # full run, ~20 min on 2 busy cores
    python experiments/kde/gk_smote_noise.py --quick    # 5 datasets, noise 0 and 0.3
    python experiments/kde/gk_smote_noise.py --report   # print the Markdown tables again
    python experiments/kde/gk_smote_noise.py --diagnose # who the noisy seeds are
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import textwrap
import time
import warnings
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed
from matplotlib.figure import Figure
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import synthaug
from synthaug import ADASYN, GKSMOTE, SMOTE, BorderlineSMOTE
from synthaug.bench.classifiers import make_classifier
from synthaug.bench.stats import aggregate, friedman, mean_ranks, score_matrix, win_tie_loss
from synthaug.datasets import load_dataset
from synthaug.metrics import average_precision, balanced_accuracy, mcc

#: The KEEL sets of the GK-SMOTE reference repository, with their KEEL spelling.
REFERENCE_DATASETS = (
    "abalone19", "abalone9-18", "ecoli-0-1-3-7_vs_2-6", "ecoli-0-1_vs_2-3-5",
    "ecoli-0-2-3-4_vs_5", "ecoli-0-3-4_vs_5", "ecoli-0-4-6_vs_5", "ecoli-0-6-7_vs_3-5",
    "ecoli4", "glass-0-1-5_vs_2", "glass-0-1-6_vs_2", "glass-0-1-6_vs_5", "glass2", "glass4",
    "glass5", "page-blocks-1-3_vs_4", "shuttle-c0-vs-c4", "shuttle-c2-vs-c4", "vowel0",
    "yeast-0-2-5-6_vs_3-7-8-9", "yeast-0-2-5-7-9_vs_3-6-8", "yeast-0-3-5-9_vs_7-8",
    "yeast-0-5-6-7-9_vs_4", "yeast-1-2-8-9_vs_7", "yeast-1-4-5-8_vs_7", "yeast-2_vs_4",
    "yeast-2_vs_8", "yeast4", "yeast5", "yeast6",
)
#: ``--quick``: a few small sets, one of them too small for k_neighbors=5 (a failure path).
QUICK_DATASETS = ("ecoli-0-1-3-7_vs_2-6", "glass2", "ecoli4", "yeast-2_vs_4",
                  "page-blocks-1-3_vs_4")
NOISE_LEVELS = (0.0, 0.1, 0.2, 0.3)
QUICK_NOISE_LEVELS = (0.0, 0.3)
METHODS = ("none", "smote", "borderline-smote", "adasyn", "gksmote", "gksmote-reference")
GK_METHODS = ("gksmote", "gksmote-reference")
CLASSIFIERS = ("logreg", "hgb")
METRICS = ("mcc", "balanced_accuracy", "average_precision")
METRIC_LABELS = {"mcc": "MCC", "balanced_accuracy": "balanced accuracy",
                 "average_precision": "AUPRC"}
N_FOLDS = 5
RESULTS_DIR = Path(__file__).resolve().parent / "results"
STEM = "gk_smote_noise"


# --------------------------------------------------------------------------- one cell


def make_sampler(method: str, seed: int) -> Any:
    """The resampler of ``method`` (None for the ``none`` baseline)."""
    if method == "none":
        return None
    if method == "smote":
        return SMOTE(k_neighbors=5, random_state=seed)
    if method == "borderline-smote":
        return BorderlineSMOTE(k_neighbors=5, random_state=seed)
    if method == "adasyn":
        return ADASYN(k_neighbors=5, random_state=seed)
    if method == "gksmote":
        return GKSMOTE(mode="paper", random_state=seed)
    if method == "gksmote-reference":
        return GKSMOTE(mode="reference", random_state=seed)
    raise ValueError(f"unknown method {method!r}")


def noise_rng(dataset: str, noise: float, fold: int) -> np.random.Generator:
    """The generator of the label flips of one (dataset, noise level, fold)."""
    key = [zlib.crc32(dataset.encode("utf-8")), round(noise * 1000), fold]
    return np.random.default_rng(np.random.SeedSequence(key))


def flip_labels(y: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Symmetric label noise: ``round(noise * n)`` rows drawn uniformly get the other label."""
    y = y.copy()
    n_flip = round(noise * y.size)
    if n_flip:
        rows = rng.choice(y.size, size=n_flip, replace=False)
        y[rows] = 1 - y[rows]
    return y


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"


def run_cell(dataset: str, noise: float) -> dict[str, Any]:
    """All folds, methods and classifiers of one (dataset, noise level)."""
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    warned: Counter[tuple[str, str]] = Counter()
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        X, y = load_dataset(dataset)
        cv = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0)
        for fold, (train, test) in enumerate(cv.split(X, y)):
            y_train = flip_labels(y[train], noise, noise_rng(dataset, noise, fold))
            scaler = StandardScaler().fit(X[train])
            X_train, X_test, y_test = scaler.transform(X[train]), scaler.transform(X[test]), y[test]
            n_min = int((y_train == 1).sum())
            n_maj = int(y_train.size - n_min)
            base = {"dataset": dataset, "noise": noise, "fold": fold,
                    "n_train_minority": n_min}
            if n_min < 2 or n_maj < 2:
                reason = f"noisy training fold has {n_min} minority / {n_maj} majority rows"
                for method in METHODS:
                    failures.append({**base, "method": method, "classifier": None,
                                     "stage": "data", "error": reason})
                    rows.extend({**base, "method": method, "classifier": clf,
                                 "status": "failed"} for clf in CLASSIFIERS)
                continue
            for method in METHODS:
                sampler = make_sampler(method, fold)
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        X_res, y_res = ((X_train, y_train) if sampler is None
                                        else sampler.fit_resample(X_train, y_train))
                    for w in caught:    # counted by message, with its numbers masked
                        text = re.sub(r"\d+(\.\d+)?", "#", str(w.message))[:200]
                        warned[(method, f"{w.category.__name__}: {text}")] += 1
                except Exception as exc:
                    failures.append({**base, "method": method, "classifier": None,
                                     "stage": "resample", "error": _short(exc)})
                    rows.extend({**base, "method": method, "classifier": clf,
                                 "status": "failed"} for clf in CLASSIFIERS)
                    continue
                for clf_name in CLASSIFIERS:
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            clf = make_classifier(clf_name, fold).fit(X_res, y_res)
                            proba = clf.predict_proba(X_test)[:, list(clf.classes_).index(1)]
                        y_pred = clf.predict(X_test)
                        scores = {"mcc": mcc(y_test, y_pred),
                                  "balanced_accuracy": balanced_accuracy(y_test, y_pred),
                                  "average_precision": average_precision(y_test, proba)}
                    except Exception as exc:
                        failures.append({**base, "method": method, "classifier": clf_name,
                                         "stage": "classifier", "error": _short(exc)})
                        rows.append({**base, "method": method, "classifier": clf_name,
                                     "status": "failed"})
                        continue
                    rows.append({**base, "method": method, "classifier": clf_name,
                                 "status": "ok", **scores})
    return {"dataset": dataset, "noise": noise, "rows": rows, "failures": failures,
            "warnings": [{"dataset": dataset, "noise": noise, "method": m, "warning": w,
                          "count": c} for (m, w), c in sorted(warned.items())],
            "seconds": time.perf_counter() - start}


# --------------------------------------------------------------------------- diagnosis


def diagnose_cell(dataset: str, noise: float) -> dict[str, Any]:
    """Share of truly-minority rows among the noisy minority labels and GK-SMOTE's seeds.

    Averaged over the folds of one (dataset, noise level), on the same noisy, standardised
    training folds as :func:`run_cell`. A seed share weighs each generating cluster by its
    share of the new rows (``allocation_``).
    """
    shares: dict[str, list[float]] = {"labels": [], "retained": [], "seeds_paper": [],
                                      "seeds_reference": [], "kept": [], "safe_paper": []}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X, y = load_dataset(dataset)
        cv = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0)
        for fold, (train, _) in enumerate(cv.split(X, y)):
            y_train = flip_labels(y[train], noise, noise_rng(dataset, noise, fold))
            X_train = StandardScaler().fit_transform(X[train])
            truly = y[train][y_train == 1] == 1       # clean label of each noisy-minority row
            if truly.size < 2:
                continue
            shares["labels"].append(truly.mean())
            for mode in ("paper", "reference"):
                try:
                    gen = GKSMOTE(mode=mode, random_state=fold).fit(X_train, y_train)
                except Exception:
                    continue
                gen = gen.generators_[1]
                clusters = {"safe": gen.safe_mask_, "borderline": gen.borderline_mask_}
                seed_share = sum(w * truly[clusters[c]].mean()
                                 for c, w in gen.allocation_.items() if w > 0)
                shares[f"seeds_{mode}"].append(seed_share)
                if mode == "paper":
                    shares["retained"].append(truly[~gen.noise_mask_].mean())
                    shares["kept"].append((~gen.noise_mask_).mean())
                    shares["safe_paper"].append(gen.safe_mask_.mean())
    return {"dataset": dataset, "noise": noise,
            **{k: _clean(np.mean(v)) if v else None for k, v in shares.items()}}


def run_diagnosis(datasets: tuple[str, ...], noise_levels: tuple[float, ...], n_jobs: int,
                  out_dir: Path, stem: str) -> None:
    """``--diagnose``: write the diagnosis JSON and PNG and print a summary table."""
    rows = Parallel(n_jobs=n_jobs)(delayed(diagnose_cell)(d, g)
                                   for d in datasets for g in noise_levels)
    frame = pd.DataFrame(rows)
    cols = ["labels", "retained", "seeds_paper", "seeds_reference", "kept", "safe_paper"]
    summary = frame.groupby("noise")[cols].agg(["mean", "median"])
    payload = {
        "what": "share of truly-minority rows (clean label) among the rows labelled minority "
                "in the noisy training folds ('labels', = SMOTE's seeds), among those kept by "
                "GK-SMOTE's noise filter ('retained'), and among GK-SMOTE's seeds in each mode "
                "(weighted by cluster allocation); 'kept' = share of noisy-minority rows kept "
                "by the filter, 'safe_paper' = share in the safe cluster; means over 5 folds",
        "per_dataset": rows,
        "summary": {f"{g:g}": {f"{c}_{a}": _clean(summary.loc[g, (c, a)])
                               for c in cols for a in ("mean", "median")}
                    for g in noise_levels},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}_diagnosis.json").write_text(
        json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for _, part in frame.groupby("dataset"):
        ax.plot(part["noise"], part["seeds_paper"], color="C3", alpha=0.15, linewidth=0.8)
    labels = {"labels": ("all minority labels (SMOTE seeds)", "0.4", ":"),
              "retained": ("kept by the noise filter", "C0", "-"),
              "seeds_reference": ("GK-SMOTE reference-mode seeds", "C4", "--"),
              "seeds_paper": ("GK-SMOTE paper-mode seeds (safe cluster)", "C3", "-")}
    for col, (label, colour, line) in labels.items():
        means = frame.groupby("noise")[col].mean()
        ax.plot(means.index, means.to_numpy(), color=colour, linestyle=line, marker="o",
                linewidth=2.2, label=label)
    ax.set_xticks(list(noise_levels))
    ax.set_xlabel("training label noise γ")
    ax.set_ylabel("share truly minority (mean over datasets)")
    ax.set_title("Who GK-SMOTE interpolates between under symmetric noise\n"
                 "(thin lines: paper-mode seeds per dataset)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(out_dir / f"{stem}_diagnosis.png", dpi=110)
    print(summary.round(3).to_string())


# --------------------------------------------------------------------------- statistics


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjustment of a family of p-values (NaN entries left out)."""
    finite = sorted((p, k) for k, p in p_values.items() if np.isfinite(p))
    adjusted: dict[str, float] = {k: float("nan") for k in p_values}
    running = 0.0
    m = len(finite)
    for i, (p, k) in enumerate(finite):
        running = max(running, min(1.0, (m - i) * p))
        adjusted[k] = running
    return adjusted


def _clean(value: Any) -> Any:
    """JSON-safe floats: NaN and infinities become None."""
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def analyse(results: pd.DataFrame, noise_levels: tuple[float, ...]) -> dict[str, Any]:
    """Per-dataset means, mean ranks and pairwise tests for every (noise, classifier, metric)."""
    per_dataset: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for noise in noise_levels:
        agg = aggregate(results[results["noise"] == noise])
        # a dataset-level mean over fewer than all folds is not comparable: discard it
        agg.loc[agg["n_failed"] > 0, list(METRICS)] = np.nan
        per_dataset.extend({"noise": noise, **{k: _clean(v) for k, v in rec.items()}}
                           for rec in agg.to_dict("records"))
        for clf in CLASSIFIERS:
            for metric in METRICS:
                matrix = score_matrix(agg, metric, clf, methods=METHODS, complete=False)
                used = matrix.dropna(axis=0, how="any").index.tolist()
                excluded = sorted(set(matrix.index) - set(used))
                sub = agg[agg["dataset"].isin(used)]
                ranks = mean_ranks(sub, metric, clf, methods=METHODS)
                fr = friedman(score_matrix(sub, metric, clf, methods=METHODS))
                pairwise: dict[str, Any] = {}
                for ref in GK_METHODS:
                    wtl = win_tie_loss(sub, metric, clf, reference=ref)
                    adjusted = holm(wtl["p_value"].to_dict())
                    # win_tie_loss counts from each competitor's side; flip to the GK side
                    pairwise[ref] = {
                        other: {"wins": int(r["losses"]), "ties": int(r["ties"]),
                                "losses": int(r["wins"]), "n_datasets": int(r["n_datasets"]),
                                "mean_difference": _clean(-r["mean_difference"]),
                                "p_value": _clean(r["p_value"]),
                                "p_holm": _clean(adjusted[other])}
                        for other, r in wtl.iterrows()}
                cells.append({
                    "noise": noise, "classifier": clf, "metric": metric,
                    "n_datasets": int(ranks.attrs["n_datasets"]), "excluded": excluded,
                    "mean_ranks": {m: _clean(ranks[m]) for m in METHODS},
                    "mean_scores": {m: _clean(matrix.loc[used, m].mean()) for m in METHODS},
                    "friedman_p": _clean(fr.pvalue),
                    "pairwise": pairwise,
                })
    return {"per_dataset": per_dataset, "cells": cells}


# --------------------------------------------------------------------------- outputs


def plot(payload: dict[str, Any], path: Path) -> None:
    """Mean rank against noise level, per method; one panel per (classifier, metric)."""
    cells = payload["analysis"]["cells"]
    noise_levels = payload["config"]["noise_levels"]
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axes = fig.subplots(len(CLASSIFIERS), len(METRICS), sharex=True, sharey=True)
    styles = {"none": ("0.5", ":", "o"), "smote": ("C0", "-", "s"),
              "borderline-smote": ("C1", "-", "^"), "adasyn": ("C2", "-", "v"),
              "gksmote": ("C3", "-", "D"), "gksmote-reference": ("C4", "--", "D")}
    for i, clf in enumerate(CLASSIFIERS):
        for j, metric in enumerate(METRICS):
            ax = axes[i][j]
            sel = [c for c in cells if c["classifier"] == clf and c["metric"] == metric]
            sel.sort(key=lambda c: c["noise"])
            for method in METHODS:
                colour, line, marker = styles[method]
                ranks = [c["mean_ranks"][method] for c in sel]
                ranks = [np.nan if r is None else r for r in ranks]
                lw = 2.4 if method in GK_METHODS else 1.4
                ax.plot([c["noise"] for c in sel], ranks, color=colour, linestyle=line,
                        marker=marker, linewidth=lw, label=method)
            n_used = sorted({c["n_datasets"] for c in sel})
            ax.set_title(f"{clf}, {METRIC_LABELS[metric]} (N = {', '.join(map(str, n_used))})",
                         fontsize=10)
            ax.set_xticks(noise_levels)
            ax.grid(alpha=0.3)
            if i == len(CLASSIFIERS) - 1:
                ax.set_xlabel("training label noise γ")
            if j == 0:
                ax.set_ylabel("mean rank (1 = best)")
    axes[0][0].invert_yaxis()   # shared y: best rank on top in every panel
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(METHODS))
    fig.suptitle("GK-SMOTE vs SMOTE-family oversamplers under symmetric training label noise "
                 f"({payload['config']['n_folds']}-fold CV, KEEL)")
    fig.savefig(path, dpi=110)


def _fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _cell_order(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cells by classifier, metric (in the module's order), then noise level."""
    return sorted(cells, key=lambda c: (CLASSIFIERS.index(c["classifier"]),
                                        METRICS.index(c["metric"]), c["noise"]))


def significance_summary(cells: list[dict[str, Any]], reference: str,
                         noise: float) -> dict[str, int]:
    """For one GK mode and noise level: best-rank cells and significant wins/losses against
    ``none``, SMOTE, Borderline-SMOTE and ADASYN (raw and Holm-adjusted p < 0.05)."""
    out = {"cells": 0, "best": 0, "tests": 0, "wins": 0, "losses": 0,
           "wins_holm": 0, "losses_holm": 0}
    for c in cells:
        if c["noise"] != noise:
            continue
        out["cells"] += 1
        ranks = {m: r for m, r in c["mean_ranks"].items() if r is not None}
        out["best"] += int(bool(ranks) and min(ranks, key=ranks.get) == reference)
        for other, r in c["pairwise"][reference].items():
            if other in GK_METHODS:
                continue
            out["tests"] += 1
            sign = "wins" if r["wins"] > r["losses"] else "losses"
            out[sign] += int(r["p_value"] is not None and r["p_value"] < 0.05)
            out[f"{sign}_holm"] += int(r["p_holm"] is not None and r["p_holm"] < 0.05)
    return out


def markdown(payload: dict[str, Any]) -> str:
    """The result tables of docs/gk_smote.md, as Markdown."""
    cells = _cell_order(payload["analysis"]["cells"])
    noise_levels = payload["config"]["noise_levels"]
    out = ["Mean rank over the N datasets (1 = best of 6; the best in bold), mean score in "
           "brackets, and the Friedman p-value of the six methods.\n",
           "| classifier | metric | γ | N | " + " | ".join(METHODS) + " | Friedman p |",
           "|---|---|---|---|" + "---|" * len(METHODS) + "---|"]
    for c in cells:
        best = min(v for v in c["mean_ranks"].values() if v is not None)
        parts = []
        for m in METHODS:
            r, score = c["mean_ranks"][m], c["mean_scores"][m]
            text = f"{r:.2f} ({score:.3f})"
            parts.append(f"**{text}**" if r == best else text)
        out.append(f"| {c['classifier']} | {METRIC_LABELS[c['metric']]} | {c['noise']:g} | "
                   f"{c['n_datasets']} | " + " | ".join(parts)
                   + f" | {_fmt_p(c['friedman_p'])} |")
    out += ["", "Per noise level, over the 6 (classifier, metric) cells: how often each GK-SMOTE "
            "mode has the best mean rank, and its significant (p < 0.05) wins and losses in "
            "the 24 Wilcoxon tests against none, SMOTE, Borderline-SMOTE and ADASYN "
            "(raw p; Holm-adjusted in brackets).\n",
            "| mode | γ | best mean rank | significant wins | significant losses |",
            "|---|---|---|---|---|"]
    for ref in GK_METHODS:
        for g in noise_levels:
            s = significance_summary(cells, ref, g)
            out.append(f"| {ref} | {g:g} | {s['best']}/{s['cells']} | "
                       f"{s['wins']} ({s['wins_holm']}) of {s['tests']} | "
                       f"{s['losses']} ({s['losses_holm']}) of {s['tests']} |")
    for ref in GK_METHODS:
        others = [m for m in METHODS if m != ref]
        out += ["", f"**{ref} against each method**: wins/ties/losses of {ref} over the "
                "datasets, two-sided Wilcoxon signed-rank p (Holm-adjusted within the cell in "
                "brackets).\n",
                "| classifier | metric | γ | " + " | ".join(others) + " |",
                "|---|---|---|" + "---|" * len(others)]
        for c in cells:
            parts = []
            for m in others:
                r = c["pairwise"][ref][m]
                parts.append(f"{r['wins']}/{r['ties']}/{r['losses']}, "
                             f"{_fmt_p(r['p_value'])} ({_fmt_p(r['p_holm'])})")
            out.append(f"| {c['classifier']} | {METRIC_LABELS[c['metric']]} | {c['noise']:g} | "
                       + " | ".join(parts) + " |")
    # wrap the prose lines (not the table rows) like the rest of the docs
    out = [line if line.startswith("|")
           else textwrap.fill(line, 92) + "\n" * line.endswith("\n") for line in out]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="5 small datasets and noise levels 0 and 0.3 (a smoke test)")
    parser.add_argument("--n-jobs", type=int, default=2, help="joblib workers (default 2)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR,
                        help=f"where the JSON and PNG go (default {RESULTS_DIR})")
    parser.add_argument("--report", action="store_true",
                        help="do not run: re-plot and print the Markdown tables of the JSON")
    parser.add_argument("--diagnose", action="store_true",
                        help="only the seed-purity diagnosis (no classifiers)")
    args = parser.parse_args(argv)
    stem = STEM + ("_quick" if args.quick else "")
    json_path, png_path = args.out_dir / f"{stem}.json", args.out_dir / f"{stem}.png"

    if args.report:
        payload = json.loads(json_path.read_text(encoding="utf-8"))
        plot(payload, png_path)
        print(markdown(payload))
        return

    datasets = QUICK_DATASETS if args.quick else REFERENCE_DATASETS
    noise_levels = QUICK_NOISE_LEVELS if args.quick else NOISE_LEVELS
    if args.diagnose:
        run_diagnosis(datasets, noise_levels, args.n_jobs, args.out_dir, stem)
        return
    info = {}
    for name in datasets:
        X, y = load_dataset(name)          # also warms the on-disk cache before the workers
        n_min = int(y.sum())
        info[name] = {"n": int(y.size), "d": int(X.shape[1]), "n_minority": n_min,
                      "imbalance_ratio": round((y.size - n_min) / n_min, 2)}
    # largest first, so the two workers finish together
    cells = sorted(((d, g) for d in datasets for g in noise_levels),
                   key=lambda c: -info[c[0]]["n"])
    print(f"{len(datasets)} datasets x {len(noise_levels)} noise levels = {len(cells)} cells, "
          f"{args.n_jobs} jobs", flush=True)

    start = time.perf_counter()
    outputs = []
    jobs = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
        delayed(run_cell)(d, g) for d, g in cells)
    for k, out in enumerate(jobs, 1):
        outputs.append(out)
        n_fail = len(out["failures"])
        print(f"[{k:3d}/{len(cells)}] {out['dataset']:<26} γ={out['noise']:.1f} "
              f"{out['seconds']:6.1f}s  failures={n_fail}  "
              f"elapsed={time.perf_counter() - start:6.0f}s", flush=True)
    wall = time.perf_counter() - start

    results = pd.DataFrame([r for out in outputs for r in out["rows"]])
    results = results.sort_values(["dataset", "noise", "fold", "method", "classifier"])
    failures = sorted((f for out in outputs for f in out["failures"]),
                      key=lambda f: (f["dataset"], f["noise"], f["fold"], f["method"]))
    warned = sorted((w for out in outputs for w in out["warnings"]),
                    key=lambda w: (w["dataset"], w["noise"], w["method"]))
    payload = {
        "experiment": "GK-SMOTE under symmetric training label noise",
        "config": {"datasets": list(datasets), "noise_levels": list(noise_levels),
                   "methods": list(METHODS), "classifiers": list(CLASSIFIERS),
                   "metrics": list(METRICS), "n_folds": N_FOLDS, "cv_random_state": 0,
                   "quick": args.quick, "n_jobs": args.n_jobs},
        "datasets": info,
        "runtime": {"wall_seconds": round(wall, 1),
                    "cell_seconds_total": round(sum(o["seconds"] for o in outputs), 1),
                    "python": platform.python_version(), "synthaug": synthaug.__version__,
                    "scikit-learn": sklearn.__version__, "joblib": joblib.__version__,
                    "numpy": np.__version__, "pandas": pd.__version__},
        "failures": failures,
        "warnings": warned,
        "analysis": analyse(results, noise_levels),
    }
    args.out_dir.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    plot(payload, png_path)
    print(f"wall {wall:.0f}s; {len(failures)} failures; wrote {json_path} and {png_path}")
    print(markdown(payload))


if __name__ == "__main__":
    main()
