"""Multi-task bias correction: a task too balanced to estimate its own bias, corrected with
the bias estimated on another task's majority.

Design
------
* Two tasks in ``d`` dimensions. Task ``k`` has majority ``N(off_k, I_d)`` and minority
  ``N(mu + off_k, I_d)``, ``mu = 1`` on the first three coordinates, ``off_k = 2 k`` on the
  last coordinate (the tasks sit in different places).
* Task 0: 100 majority and 60 minority rows, so its majority is smaller than the 120 rows
  a pseudo-minority of 60 plus its reference need and the single-task
  ``BiasCorrectedClassifier`` refuses to correct. Task 1: 1500 majority, 60 minority rows.
* SMOTE (``k_neighbors=5``) to balance in each task; logistic loss, ``C = 1e4``.
* Target for task 0: its balanced optimum ``theta* = (mu, -||mu||^2 / 2)``; error
  ``||theta_hat - theta*||`` over coefficients and intercept.
* Methods on task 0: naive SMOTE (the uncorrected augmented fit),
  ``MultiTaskBiasCorrected`` (pooled sources, 20 splits, all drawn from task 1 here), and
  class-weighted logistic regression on task 0's real rows (same ``C``).

Output: ``experiments/bias_correction/results/multitask.json``. Run
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 python
experiments/bias_correction/multitask.py --seeds 50``; ``--table`` prints the table.
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
from sklearn.linear_model import LogisticRegression

from synthaug.correction import MultiTaskBiasCorrected
from synthaug.exceptions import SynthaugWarning

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = ((100, 60), (1500, 60))
C = 1e4


def make_data(d: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng([2510, 7, d, seed])
    mu = np.zeros(d)
    mu[:3] = 1.0
    Xs, ys, gs = [], [], []
    for k, (n0, n1) in enumerate(SIZES):
        off = np.zeros(d)
        off[-1] = 2.0 * k
        Xs += [rng.standard_normal((n0, d)) + off, rng.standard_normal((n1, d)) + mu + off]
        ys += [np.zeros(n0, int), np.ones(n1, int)]
        gs.append(np.full(n0 + n1, k))
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(gs), mu


def one_repetition(d: int, seed: int) -> dict[str, float]:
    X, y, g, mu = make_data(d, seed)
    target = np.r_[mu, -mu @ mu / 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        model = MultiTaskBiasCorrected(C=C, random_state=seed).fit(X, y, g)
    est = model.estimators_[0]
    cw = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(
        X[g == 0], y[g == 0])

    def err(coef: np.ndarray, intercept: np.ndarray) -> float:
        return float(np.linalg.norm(np.r_[np.ravel(coef), np.ravel(intercept)] - target))

    return {"naive": err(est.naive_coef_, est.naive_intercept_),
            "corrected": err(est.coef_, est.intercept_),
            "class_weighted": err(cw.coef_, cw.intercept_),
            "shrunk": bool(est.correction_shrunk_)}


def summarise(reps: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    naive = np.array([r["naive"] for r in reps])
    for name in ("naive", "corrected", "class_weighted"):
        e = np.array([r[name] for r in reps])
        gain = naive - e
        out[name] = {"mean": float(e.mean()), "se": float(e.std(ddof=1) / np.sqrt(len(e))),
                     "gain_over_naive": float(gain.mean()),
                     "gain_se": float(gain.std(ddof=1) / np.sqrt(len(e)))}
    out["shrunk_share"] = float(np.mean([r["shrunk"] for r in reps]))
    return out


def markdown_table(record: dict[str, Any]) -> str:
    dims = list(record["summary"])
    lines = ["| method | " + " | ".join(f"d = {d}" for d in dims) + " |",
             "|---|" + "---|" * len(dims)]
    for name in ("naive", "corrected", "class_weighted"):
        cells = []
        for d in dims:
            s = record["summary"][d][name]
            cell = f"{s['mean']:.3f} ({s['se']:.3f})"
            if name != "naive":
                cell += f"<br>gain {s['gain_over_naive']:+.3f} ({s['gain_se']:.3f})"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--dims", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--out", type=Path, default=RESULTS / "multitask.json")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.out.read_text())))
        return
    start = time.perf_counter()
    reps = {str(d): [one_repetition(d, s) for s in range(args.seeds)] for d in args.dims}
    record = {"seeds": args.seeds, "sizes": SIZES, "C": C,
              "generator": "SMOTEGenerator(k_neighbors=5)",
              "python": platform.python_version(),
              "seconds": round(time.perf_counter() - start, 1),
              "summary": {d: summarise(r) for d, r in reps.items()}, "runs": reps}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1))
    print(markdown_table(record))


if __name__ == "__main__":
    main()
