"""How close do generators' rows come to real minority rows they did not see?

Protocol
--------
* Datasets: ``DATASETS`` below, the bundled KEEL sets of the MOMS paper's list (Cha & Kim,
  arXiv 2509.11511) that ship offline (18 of its 19 KEEL sets).
* For each dataset, ``--repeats`` (default 3) stratified 2-fold splits: the generator is
  fitted on one half (features standardised by a scaler fitted on that half) and draws as
  many minority rows as the other half holds; those are compared with the other half's
  real minority rows, scaled by the same scaler.
* Measures (:func:`synthaug.diagnostics.fidelity`): unbiased MMD^2 with a median-heuristic
  Gaussian kernel, and the k-nearest-neighbour precision and recall (k = 5, or fewer when
  the held-out minority is small). Lower MMD, higher precision and recall are better.
* Generators: any registered method name (``--methods``), each with its defaults; per
  dataset, a generator's mean over repeats; the summary gives mean ranks over datasets.
  As a reference point, ``real`` is the fitting half's own minority rows (the real rows
  a generator could at best imitate; its MMD is the sampling noise between two real
  halves).

Run ``python experiments/deep/fidelity.py`` (``--quick`` for three datasets and one
repeat); results in ``experiments/deep/results/fidelity.json``.
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
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from synthaug._io import jsonable
from synthaug.bench import parse_method
from synthaug.datasets import load_dataset
from synthaug.diagnostics import fidelity
from synthaug.registry import make_generator

RESULTS = Path(__file__).resolve().parent / "results"
DATASETS = ["abalone9_18", "abalone19", "cleveland-0_vs_4", "ecoli3", "ecoli4",
            "glass_0_1_6_vs_5", "glass4", "pima", "segment0", "winequality-red-3_vs_5",
            "winequality-red-4", "winequality-white-3_vs_7", "winequality-white-3-9_vs_5",
            "yeast-0-5-6-7-9_vs_4", "yeast-1-2-8-9_vs_7", "yeast-1-4-5-8_vs_7", "yeast4",
            "yeast6"]
METHODS = ["smote", "borderline-smote", "adasyn", "gksmote", "gaussian"]


def one_split(name: str, method: str, X: np.ndarray, y: np.ndarray, fit: np.ndarray,
              held: np.ndarray, seed: int) -> dict[str, Any]:
    scaler = StandardScaler().fit(X[fit])
    Xf, Xh = scaler.transform(X[fit]), scaler.transform(X[held])
    real = Xh[y[held] == 1]
    k = int(min(5, len(real) - 1))
    start = time.perf_counter()
    if method == "real":
        rows = Xf[y[fit] == 1]
    else:
        spec = parse_method(method)     # the bench's grammar: "moms[lambda_=0]"
        gen = make_generator(spec.generator, **{**spec.params, "random_state": seed})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gen.fit(Xf, y[fit], target_class=1)
            rows = np.asarray(gen.sample(len(real), random_state=seed), dtype=np.float64)
    seconds = time.perf_counter() - start
    result = fidelity(real, rows, k=k, random_state=seed).as_dict()
    return {"dataset": name, "method": method, "seed": seed, "seconds": seconds, **result}


def run(datasets: list[str], methods: list[str], repeats: int) -> pd.DataFrame:
    rows = []
    for name in datasets:
        X, y = load_dataset(name)
        X = np.asarray(X, dtype=np.float64)
        for r in range(repeats):
            split = StratifiedKFold(2, shuffle=True, random_state=r).split(X, y)
            fit, held = next(iter(split))
            for method in ["real", *methods]:
                try:
                    rows.append(one_split(name, method, X, y, fit, held, r))
                except Exception as exc:  # a method that fails on a dataset is recorded
                    rows.append({"dataset": name, "method": method, "seed": r,
                                 "error": f"{type(exc).__name__}: {exc}"})
        print(f"{name}: done", flush=True)
    return pd.DataFrame(rows)


def summarise(frame: pd.DataFrame) -> dict[str, Any]:
    ok = frame[frame.get("error").isna()] if "error" in frame else frame
    per = ok.groupby(["dataset", "method"])[["mmd2", "precision", "recall"]].mean()
    out: dict[str, Any] = {"mean": per.groupby("method").mean().round(4).to_dict("index")}
    ranks = {}
    for measure, better_low in [("mmd2", True), ("precision", False), ("recall", False)]:
        table = per[measure].unstack("method").drop(columns="real", errors="ignore").dropna()
        ranked = table.rank(axis=1, ascending=better_low).mean().sort_values()
        ranks[measure] = {"n_datasets": len(table), **ranked.round(2).to_dict()}
    out["mean_rank"] = ranks
    if "error" in frame:
        failed = frame[frame["error"].notna()]
        out["failures"] = failed[["dataset", "method", "error"]].to_dict("records")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(RESULTS / "fidelity.json"))
    args = parser.parse_args()
    datasets = DATASETS[:3] if args.quick else DATASETS
    repeats = 1 if args.quick else args.repeats
    methods = [m for m in args.methods.split(",") if m]
    frame = run(datasets, methods, repeats)
    report = {"protocol": __doc__.split("Protocol")[1].split("Run ")[0].strip(),
              "datasets": datasets, "methods": methods, "repeats": repeats,
              "machine": {"python": platform.python_version()},
              "summary": summarise(frame), "rows": frame.to_dict("records")}
    if not args.quick:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(jsonable(report), indent=2) + "\n")
    print(json.dumps(jsonable(report["summary"]), indent=2))


if __name__ == "__main__":
    main()
