"""Average treatment effect with a small treated arm: no augmentation, naive SMOTE
augmentation and bias-corrected augmentation of the treated arm's outcome model.

Design
------
* ``n0 = 800`` controls ``X ~ N(0, I_3)``, ``n1 = 40`` treated ``X ~ N(mu, I_3)`` with
  ``mu = (1, 1, 0)``: the covariates confound treatment (the true propensity is logistic in
  ``x``, so the default logistic propensity model is well specified).
* Outcome ``y = mu_0(x) + t tau(x) + e``, ``e ~ N(0, 1)``, ``mu_0(x) = 1 + x . beta``,
  ``beta = (1, 0.75, 0.5)``, in four variants:

  - ``linear``: ``tau = 2`` (both outcome models linear, a constant effect);
  - ``linear_het``: ``tau(x) = 2 + 0.5 x_1`` (linear, but the arms' slopes differ);
  - ``curved``: ``mu_0`` gains ``0.5 x_1^2`` in both arms, ``tau = 2`` (the linear models
    are misspecified and SMOTE's chords lie above the curve, in both arms alike);
  - ``curved_het``: only the treated arm is curved, ``tau(x) = 2 + 0.5 x_1^2`` (the large
    arm shows none of the small arm's interpolation bias).

* Target: the population ATE ``E[tau(X)]`` over the mixture of the two arms (weights
  ``n0 / n`` and ``n1 / n``).
* Methods, each with the plug-in and the AIPW estimate: ``none`` (least squares in each
  arm on real units), ``naive`` (treated arm on real + SMOTE units, ``k_neighbors=5``, up
  to 800) and ``corrected`` (:func:`synthaug.correction.bias_corrected_ate` with its
  defaults: 20 splits, ``"recentre_sep"``). Every method of a seed shares the data, the
  naive and corrected ones the synthetic units.
* Coverage: the 95% AIPW interval from the influence-function SE. The plug-in's only SE
  is the bootstrap, which is too slow for every seed here; no plug-in coverage.

Output: ``experiments/bias_correction/results/ate.json``: per design and method, the bias,
RMSE (with the Monte Carlo SE of the bias), the AIPW coverage and mean SE, how often the
guard shrank the correction, and every seed's estimates.

Run ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 python
experiments/bias_correction/ate.py --seeds 100``; ``--table`` prints the table of
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

from synthaug.correction import bias_corrected_ate
from synthaug.exceptions import SynthaugWarning

RESULTS = Path(__file__).resolve().parent / "results"
DESIGNS = ("linear", "linear_het", "curved", "curved_het")
METHODS = {"none": {"augment": "none"}, "naive": {"correct": False}, "corrected": {}}
N0, N1, D = 800, 40, 3
MU = np.array([1.0, 1.0, 0.0])
BETA = np.array([1.0, 0.75, 0.5])


def make_data(design: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(X, t, y, true_ate)`` for one seed of one design."""
    rng = np.random.default_rng([2510, DESIGNS.index(design), seed])
    X = np.vstack([rng.standard_normal((N0, D)), rng.standard_normal((N1, D)) + MU])
    t = np.r_[np.zeros(N0, int), np.ones(N1, int)]
    w1 = N1 / (N0 + N1)                          # treated share of the population
    mu0 = 1.0 + X @ BETA
    if design == "curved":
        mu0 = mu0 + 0.5 * X[:, 0] ** 2
    if design == "linear_het":
        tau, truth = 2.0 + 0.5 * X[:, 0], 2.0 + 0.5 * w1 * MU[0]
    elif design == "curved_het":
        tau, truth = 2.0 + 0.5 * X[:, 0] ** 2, 2.0 + 0.5 * (1.0 + w1 * MU[0] ** 2)
    else:
        tau, truth = np.full(len(t), 2.0), 2.0
    y = mu0 + t * tau + rng.standard_normal(len(t))
    return X, t, y, float(truth)


def one_repetition(design: str, seed: int) -> dict[str, Any]:
    X, t, y, truth = make_data(design, seed)
    out: dict[str, Any] = {"truth": truth}
    for name, kwargs in METHODS.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SynthaugWarning)
            res = bias_corrected_ate(X, t, y, method="aipw", random_state=seed, **kwargs)
        out[name] = {"plugin": res.details["plugin"], "aipw": res.ate, "se": res.se,
                     "covered": bool(res.ci[0] <= truth <= res.ci[1]),
                     "shrunk": res.details["correction_shrunk"],
                     "seconds": time.perf_counter() - start}
    return out


def summarise(reps: list[dict[str, Any]]) -> dict[str, Any]:
    truth = np.array([r["truth"] for r in reps])
    out: dict[str, Any] = {}
    for name in METHODS:
        row: dict[str, Any] = {}
        for est in ("plugin", "aipw"):
            err = np.array([r[name][est] for r in reps]) - truth
            row[est] = {"bias": float(err.mean()),
                        "bias_se": float(err.std(ddof=1) / np.sqrt(len(err))),
                        "rmse": float(np.sqrt(np.mean(err ** 2))),
                        "sd": float(err.std(ddof=1))}
        row["aipw_coverage"] = float(np.mean([r[name]["covered"] for r in reps]))
        row["aipw_mean_se"] = float(np.mean([r[name]["se"] for r in reps]))
        row["shrunk_share"] = float(np.mean([r[name]["shrunk"] for r in reps]))
        row["mean_seconds"] = float(np.mean([r[name]["seconds"] for r in reps]))
        out[name] = row
    return out


def markdown_table(record: dict[str, Any]) -> str:
    lines = ["| design | method | plug-in bias | plug-in RMSE | AIPW bias | AIPW RMSE | "
             "AIPW coverage | AIPW mean SE |", "|---|---|---|---|---|---|---|---|"]
    for design, summary in record["summary"].items():
        for name, row in summary.items():
            p, a = row["plugin"], row["aipw"]
            lines.append(
                f"| {design} | {name} | {p['bias']:+.3f} ({p['bias_se']:.3f}) | "
                f"{p['rmse']:.3f} | {a['bias']:+.3f} ({a['bias_se']:.3f}) | {a['rmse']:.3f} | "
                f"{row['aipw_coverage']:.0%} | {row['aipw_mean_se']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=DESIGNS)
    parser.add_argument("--out", type=Path, default=RESULTS / "ate.json")
    parser.add_argument("--table", action="store_true",
                        help="print the markdown table from the saved JSON and exit")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.out.read_text())))
        return
    start = time.perf_counter()
    reps = {design: [one_repetition(design, s) for s in range(args.seeds)]
            for design in args.designs}
    record = {"seeds": args.seeds, "n0": N0, "n1": N1, "d": D, "mu": MU.tolist(),
              "beta": BETA.tolist(), "generator": "SMOTEGenerator(k_neighbors=5)",
              "python": platform.python_version(),
              "seconds": round(time.perf_counter() - start, 1),
              "summary": {d: summarise(r) for d, r in reps.items()}, "runs": reps}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1))
    print(markdown_table(record))


if __name__ == "__main__":
    main()
