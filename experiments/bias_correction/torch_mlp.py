"""``BiasCorrectedTorchClassifier``: agreement with the linear estimator, and a small network.

Design: majority ``N(0, I_d)``, minority shifted by 1 on three coordinates; SMOTE to full
balance, 20 splits.

* ``agreement``: the default (linear) module against ``BiasCorrectedClassifier`` with the
  same seed (``random_state=0``), ``weight_decay = 1 / N`` against ``C = 1`` and the linear
  convexity guard off; largest absolute difference over the coefficients and intercept,
  corrected and uncorrected, for d = 3 (300 / 30 rows) and d = 10 (2000 / 100 rows), three
  transfers and two float types.
* ``network``: one hidden layer of 16 tanh units, d = 5, 2000 / 100 rows, five data seeds
  (10 to 14); balanced accuracy on 40,000 fresh rows of the uncorrected and the corrected
  module, for weight decays 1e-4, 1e-3, 1e-2 and both optimisers; class-weighted logistic
  regression as the reference.

Run ``OMP_NUM_THREADS=1 nice python experiments/bias_correction/torch_mlp.py`` (about 10
minutes on one core); results in ``experiments/bias_correction/results/torch_mlp.json``;
``--table`` prints the tables of ``docs/bias_correction.md`` from it.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from synthaug._io import jsonable
from synthaug.correction import BiasCorrectedClassifier
from synthaug.correction.neural import BiasCorrectedTorchClassifier

RESULTS = Path(__file__).resolve().parent / "results" / "torch_mlp.json"


def data(seed: int, d: int, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mu = np.zeros(d)
    mu[:3] = 1.0
    X = np.vstack([rng.standard_normal((n0, d)), rng.standard_normal((n1, d)) + mu])
    return X, np.r_[np.zeros(n0, int), np.ones(n1, int)]


def balanced_accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    positive = scores > 0
    return float(0.5 * (positive[y == 1].mean() + (~positive[y == 0]).mean()))


def linear_theta(module: Any) -> np.ndarray:
    weight = module.weight.detach().double().numpy().ravel()
    return np.r_[weight, module.bias.item()]


def agreement() -> list[dict[str, Any]]:
    rows = []
    for d, n0, n1 in [(3, 300, 30), (10, 2000, 100)]:
        X, y = data(0, d, n0, n1)
        for transfer in ("recentre_sep", "recentre", "loss"):
            lin = BiasCorrectedClassifier(n_splits=20, convexity_guard="off", tol=1e-10,
                                          transfer=transfer, random_state=0).fit(X, y)
            reference = np.r_[lin.coef_[0], lin.intercept_]
            naive_reference = np.r_[lin.naive_coef_[0], lin.naive_intercept_]
            N = len(y) + lin.n_synthetic_
            for dtype, tol in (("float64", 1e-12), ("float32", 1e-6)):
                start = time.perf_counter()
                net = BiasCorrectedTorchClassifier(n_splits=20, weight_decay=1 / N,
                                                   dtype=dtype, tol=tol, transfer=transfer,
                                                   random_state=0).fit(X, y)
                rows.append({
                    "d": d, "n0": n0, "n1": n1, "transfer": transfer, "dtype": dtype,
                    "corrected_diff": float(np.abs(linear_theta(net.module_) - reference).max()),
                    "naive_diff": float(np.abs(linear_theta(net.naive_module_)
                                               - naive_reference).max()),
                    "correction_size": float(np.abs(reference - naive_reference).max()),
                    "bias_estimate_diff": abs(net.bias_estimate_ - lin.bias_estimate_),
                    "seconds": time.perf_counter() - start})
    return rows


def mlp(n_features: int) -> Any:
    import torch

    return torch.nn.Sequential(torch.nn.Linear(n_features, 16), torch.nn.Tanh(),
                               torch.nn.Linear(16, 1))


def network(seeds: range = range(10, 15)) -> dict[str, Any]:
    import torch

    X_test, y_test = data(999, 5, 20000, 20000)
    weighted = [balanced_accuracy(LogisticRegression(class_weight="balanced").fit(
        *data(s, 5, 2000, 100)).decision_function(X_test), y_test) for s in seeds]
    rows = []
    for decay in (1e-4, 1e-3, 1e-2):
        for optimizer in ("lbfgs", "adam"):
            for seed in seeds:
                X, y = data(seed, 5, 2000, 100)
                start = time.perf_counter()
                clf = BiasCorrectedTorchClassifier(mlp, n_splits=20, weight_decay=decay,
                                                   optimizer=optimizer,
                                                   random_state=seed).fit(X, y)
                with torch.no_grad():
                    naive = clf.naive_module_(torch.as_tensor(X_test, dtype=torch.float32))
                rows.append({
                    "weight_decay": decay, "optimizer": optimizer, "seed": seed,
                    "naive": balanced_accuracy(naive.numpy().ravel(), y_test),
                    "corrected": balanced_accuracy(clf.decision_function(X_test), y_test),
                    "shrunk": bool(clf.correction_shrunk_), "scale": clf.scale_,
                    "seconds": time.perf_counter() - start})
    return {"class_weighted_logreg": float(np.mean(weighted)), "rows": rows}


def table(report: dict[str, Any]) -> str:
    lines = ["| d | n0 / n1 | transfer | dtype | corrected fit | uncorrected fit | "
             "correction size | `bias_estimate_` |", "|---|---|---|---|---|---|---|---|"]
    for r in report["agreement"]:
        lines.append(f"| {r['d']} | {r['n0']} / {r['n1']} | {r['transfer']} | {r['dtype']} | "
                     f"{r['corrected_diff']:.1e} | {r['naive_diff']:.1e} | "
                     f"{r['correction_size']:.3f} | {r['bias_estimate_diff']:.1e} |")
    net = report["network"]
    lines += ["", f"class-weighted logistic regression: {net['class_weighted_logreg']:.3f}", "",
              "| weight_decay | optimizer | uncorrected | corrected | paired difference (SE) "
              "| scale shrunk |", "|---|---|---|---|---|---|"]
    rows = net["rows"]
    for decay in sorted({r["weight_decay"] for r in rows}):
        for optimizer in ("lbfgs", "adam"):
            cell = [r for r in rows if r["weight_decay"] == decay and r["optimizer"] == optimizer]
            diff = np.array([r["corrected"] - r["naive"] for r in cell])
            se = diff.std(ddof=1) / np.sqrt(len(diff))
            lines.append(
                f"| {decay:g} | {optimizer} | {np.mean([r['naive'] for r in cell]):.3f} | "
                f"{np.mean([r['corrected'] for r in cell]):.3f} | {diff.mean():+.3f} "
                f"({se:.3f}) | {sum(r['shrunk'] for r in cell)} of {len(cell)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true", help="print the saved tables")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(RESULTS.read_text())))
        return
    import torch

    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    report = {"agreement": agreement(), "network": network()}
    RESULTS.write_text(json.dumps(jsonable(report), indent=2) + "\n")
    print(table(report))


if __name__ == "__main__":
    main()
