"""Bias-corrected training under a pure shift with SMOTE: which transfer, how many splits.

Design
------
* Majority ``N(0, I_d)``, ``n0`` rows (default 4000); minority ``N(mu, I_d)``, ``n1`` rows
  (default 100), ``mu = 1`` on the first three coordinates (``mu = (1, 1)`` at ``d = 2``).
  The classes differ by a shift only, so SMOTE (translation-equivariant) makes the same
  kind of error on the majority as on the minority: the setting in which a transferred
  bias estimate can work.
* Generator ``SMOTEGenerator(k_neighbors=5)``, to full balance (``n_tilde = n0 - n1``).
* Logistic loss with intercept and a negligible ridge (``C = 1e4`` on the sum of losses).
* Target: the balanced optimum ``theta* = (mu, -||mu||^2 / 2)`` (the true log-odds of the
  two Gaussians); error ``||theta_hat - theta*||`` over coefficients and intercept.
* Methods: naive SMOTE (the uncorrected augmented fit), ``BiasCorrectedClassifier`` with
  each (transfer, bias label, splits) variant below, and class-weighted logistic
  regression on the real rows only (``class_weight="balanced"``, same ``C``).
* Seed ``s`` draws the data with ``default_rng([2510, d, s])`` and fits every corrected
  variant with ``random_state=s`` (so all variants share the synthetic minority rows and
  the naive fit, and the first 5 splits of R = 20 are the 5 splits of R = 5).

Output: ``experiments/bias_correction/results/shift_smote.json``: per ``d``, the mean
error and its 95% confidence interval (normal approximation) of every method, the paired
gain over naive SMOTE (naive error - method error, positive = better) and over
class-weighted logistic regression, how often the convexity guard shrank the scale, the
mean fit time, and every seed's error.

Run ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 python
experiments/bias_correction/shift_smote.py --seeds 100`` (one BLAS thread: the fits are
small, and threads only contend on a shared machine); ``--table`` prints the table of
``docs/bias_correction.md`` from the saved JSON.
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

from synthaug._io import jsonable
from synthaug.correction import BiasCorrectedClassifier
from synthaug.generators import SMOTEGenerator

RESULTS = Path(__file__).resolve().parent / "results"

#: (name, transfer, bias_label, n_splits) of the corrected variants compared.
VARIANTS = (
    ("loss/minority/R5", "loss", "minority", 5),
    ("recentre/minority/R20", "recentre", "minority", 20),
    ("recentre_sep/minority/R5", "recentre_sep", "minority", 5),
    ("recentre_sep/minority/R10", "recentre_sep", "minority", 10),
    ("recentre_sep/minority/R20", "recentre_sep", "minority", 20),
    ("loss/majority/R20", "loss", "majority", 20),
)
C = 1e4


def make_data(d: int, n0: int, n1: int, seed: int) -> tuple[np.ndarray, np.ndarray,
                                                             np.ndarray]:
    """Training rows, labels (1 = minority) and ``theta*`` of one repetition."""
    rng = np.random.default_rng([2510, d, seed])
    mu = np.zeros(d)
    mu[:min(3, d)] = 1.0
    X = np.vstack([rng.standard_normal((n0, d)), rng.standard_normal((n1, d)) + mu])
    y = np.r_[np.zeros(n0, dtype=int), np.ones(n1, dtype=int)]
    return X, y, np.r_[mu, -0.5 * mu @ mu]


def _theta(coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return np.r_[np.ravel(coef), np.ravel(intercept)]


def one_repetition(d: int, n0: int, n1: int, seed: int) -> dict[str, Any]:
    """Errors (and guard events, fit times) of every method on one data set."""
    X, y, star = make_data(d, n0, n1, seed)
    errors: dict[str, float] = {}
    shrunk: dict[str, bool] = {}
    seconds: dict[str, float] = {}
    for name, transfer, label, R in VARIANTS:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            clf = BiasCorrectedClassifier(SMOTEGenerator(k_neighbors=5), transfer=transfer,
                                          bias_label=label, n_splits=R, C=C,
                                          random_state=seed).fit(X, y)
        seconds[name] = time.perf_counter() - start
        errors[name] = float(np.linalg.norm(_theta(clf.coef_, clf.intercept_) - star))
        shrunk[name] = bool(clf.correction_shrunk_)
        errors.setdefault("naive SMOTE", float(np.linalg.norm(
            _theta(clf.naive_coef_, clf.naive_intercept_) - star)))
    start = time.perf_counter()
    lr = LogisticRegression(class_weight="balanced", C=C, max_iter=5000, tol=1e-8).fit(X, y)
    seconds["class-weighted LR"] = time.perf_counter() - start
    errors["class-weighted LR"] = float(np.linalg.norm(_theta(lr.coef_, lr.intercept_) - star))
    return {"errors": errors, "shrunk": shrunk, "seconds": seconds}


def _mean_ci(values: np.ndarray) -> dict[str, float]:
    n = len(values)
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    m = float(values.mean())
    return {"mean": m, "ci95": [m - 1.96 * se, m + 1.96 * se], "se": se, "n": n}


def summarise(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Per method: error mean and CI, paired gain over naive SMOTE, guard and time."""
    methods = list(reps[0]["errors"])
    err = {m: np.array([r["errors"][m] for r in reps]) for m in methods}
    out: dict[str, Any] = {}
    for m in methods:
        entry: dict[str, Any] = {"error": _mean_ci(err[m])}
        if m != "naive SMOTE":
            entry["gain_over_naive"] = _paired(err["naive SMOTE"], err[m])
            entry["relative_gain"] = float(entry["gain_over_naive"]["mean"]
                                           / err["naive SMOTE"].mean())
        if m not in ("naive SMOTE", "class-weighted LR"):
            entry["gain_over_class_weighted"] = _paired(err["class-weighted LR"], err[m])
        if m in reps[0]["shrunk"]:
            entry["guard_shrunk_share"] = float(np.mean([r["shrunk"][m] for r in reps]))
        if m in reps[0]["seconds"]:
            entry["mean_fit_seconds"] = float(np.mean([r["seconds"][m] for r in reps]))
        entry["per_seed_error"] = err[m]
        out[m] = entry
    return out


def _paired(reference: np.ndarray, errors: np.ndarray) -> dict[str, Any]:
    """Mean and CI of ``reference - errors`` over seeds (positive: ``errors`` smaller),
    with its z score."""
    out = _mean_ci(reference - errors)
    out["z"] = out["mean"] / out["se"] if out["se"] else None
    return out


def save(record: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(jsonable(record), indent=1) + "\n")


def markdown_table(record: dict[str, Any]) -> str:
    """The error table of ``docs/bias_correction.md``: mean error [95% CI] per method and
    ``d``, and the paired gain over naive SMOTE with its z score."""
    dims = list(record["results"])
    methods = ["naive SMOTE"] + [m for m in record["results"][dims[0]] if m != "naive SMOTE"]
    head = "| method | " + " | ".join(f"d = {d}" for d in dims) + " |"
    lines = [head, "|---|" + "---|" * len(dims)]
    for m in methods:
        cells = []
        for d in dims:
            e = record["results"][d][m]
            lo, hi = e["error"]["ci95"]
            cell = f"{e['error']['mean']:.3f} [{lo:.3f}, {hi:.3f}]"
            if "gain_over_naive" in e:
                g = e["gain_over_naive"]
                cell += f"<br>gain {g['mean']:+.3f} (z {g['z']:+.1f})"
            cells.append(cell)
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def baseline_table(record: dict[str, Any]) -> str:
    """Paired gain of every corrected variant over class-weighted logistic regression
    (positive: the corrected fit is closer to theta*), with its z score."""
    dims = list(record["results"])
    methods = [m for m, e in record["results"][dims[0]].items()
               if "gain_over_class_weighted" in e]
    lines = ["| method | " + " | ".join(f"d = {d}" for d in dims) + " |",
             "|---|" + "---|" * len(dims)]
    for m in methods:
        cells = [record["results"][d][m]["gain_over_class_weighted"] for d in dims]
        lines.append(f"| {m} | " + " | ".join(f"{g['mean']:+.3f} (z {g['z']:+.1f})"
                                                for g in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 5, 10, 20])
    parser.add_argument("--n0", type=int, default=4000)
    parser.add_argument("--n1", type=int, default=100)
    parser.add_argument("--out", type=Path, default=RESULTS / "shift_smote.json")
    parser.add_argument("--table", action="store_true",
                        help="print the markdown table of the saved results and stop")
    args = parser.parse_args(argv)
    if args.table:
        record = json.loads(args.out.read_text())
        print(markdown_table(record))
        first = next(iter(record["results"].values()))
        if any("gain_over_class_weighted" in e for e in first.values()):
            print()
            print(baseline_table(record))
        return
    start = time.perf_counter()
    record: dict[str, Any] = {
        "design": {"n0": args.n0, "n1": args.n1, "seeds": args.seeds, "dims": args.dims,
                   "mu": "1 on the first 3 coordinates (all coordinates at d = 2)",
                   "generator": "SMOTEGenerator(k_neighbors=5), full balance",
                   "loss": "logistic with intercept", "C": C,
                   "target": "theta* = (mu, -||mu||^2 / 2)",
                   "error": "||theta_hat - theta*|| (coefficients and intercept)",
                   "ci": "mean +- 1.96 standard errors over seeds",
                   "variants": [list(v) for v in VARIANTS]},
        "results": {},
        "environment": {"python": platform.python_version(), "numpy": np.__version__},
    }
    for d in args.dims:
        reps = []
        for s in range(args.seeds):
            reps.append(one_repetition(d, args.n0, args.n1, s))
        record["results"][str(d)] = summarise(reps)
        record["runtime_s"] = round(time.perf_counter() - start, 1)
        save(record, args.out)
        print(f"d={d} done at {record['runtime_s']} s", flush=True)
        for m, e in record["results"][str(d)].items():
            print(f"  {m:28s} {e['error']['mean']:.3f}"
                  + (f"  gain {e['gain_over_naive']['mean']:+.3f}" if "gain_over_naive" in e
                     else ""), flush=True)


if __name__ == "__main__":
    main()
