"""The 2-D biased example of the VTSS paper, fitted with bias-corrected training.

A check of two things at once: that the corrected objective, given the *true* bias of the
generator, removes the excess risk that full balancing leaves (a check of the solver), and
how much of that excess the bias estimated on the majority removes (a check of the
transfer).

Design
------
The worked example of Ma & Zhang, "Synthetic Augmentation in Imbalanced Learning: When It
Helps, When It Hurts, and How Much to Add" (arXiv 2601.16120), see ``docs/vtss.md``:

* majority ``N(0, I_2)`` with ``n0 = 20 n1`` rows, minority ``N(mu, I_2)`` with
  ``mu = (1, 0)`` and ``n1`` rows;
* least squares on 0/1 targets, no intercept (``loss="squared"``, ``fit_intercept=False``,
  ``C = 1e6``, a negligible ridge);
* the generator draws ``N(mean of its input's target rows - 0.5 e1, I_2)``:
  :class:`~synthaug.generators.ShiftedGaussianGenerator` with ``shift=(-0.5, 0)``. Fitted
  on the minority it draws around ``(0.5, 0)`` (the paper's biased generator); fitted on a
  pseudo-minority of the majority it draws around ``(-0.5, 0)``, so its error acts on any
  input and the majority can reveal it;
* full balance, ``n_tilde = n0 - n1 = 19 n1`` synthetic rows.

Balanced risk and the floor
---------------------------
For ``x ~ N(m, I)`` and a label ``t``, ``E[(w . x - t)^2] = ||w||^2 + (w . m - t)^2``. The
balanced risk (the mean squared error averaged over the two classes with weight 1/2 each)
is therefore

    R_bal(w) = 1/2 ||w||^2 + 1/2 (||w||^2 + (w . mu - 1)^2) = ||w||^2 + (w . mu - 1)^2 / 2,

minimised at ``w* = mu / (||mu||^2 + 2) = (1/3, 0)`` with ``R_bal(w*) = 1/3``. Being
quadratic, its excess is exactly

    R_bal(w) - R_bal(w*) = (w - w*)' (I + mu mu' / 2) (w - w*),

which for ``w = (t, 0)`` is ``1.5 (t - 1/3)^2`` (``R_bal(t) = t^2 + (t - 1)^2 / 2``). This
is the excess risk reported for every estimate (the library's squared loss carries a
factor 1/2, which does not move any minimiser).

In the population, least squares on ``n0`` majority rows, ``n1`` minority rows and
``n_tilde`` rows of ``N(nu, I)`` (``nu = (0.5, 0)``) solves the normal equations
``sum_k n_k (I + m_k m_k') w = sum_k n_k t_k m_k`` over the three groups (mean ``m_k``,
label ``t_k``); at ratio 20 and full balance that gives ``w = (10.5 / 45.75, 0)`` and the
balancing floor ``1.5 (10.5 / 45.75 - 1/3)^2 = 0.01617``.

Estimators
----------
* ``naive``: ``BiasCorrectedClassifier.naive_coef_``, the plain augmented fit.
* ``true bias (fitted law)``: the corrected objective of the classifier (the augmented risk
  minus ``n_tilde / N`` times the bias, built with :mod:`synthaug.correction.objective` and
  minimised by its :func:`~synthaug.correction.objective.minimise`) with the generator's
  true bias in place of the majority's estimate: the mean loss at the minority label under
  the law the generator fitted to the real minority draws from,
  ``N(mean(X1) - 0.5 e1, I)``, minus that under the minority's law ``N(mu, I)``. Both
  expectations are exact: a quadratic's mean under ``N(c, I_d)`` is its mean over the
  ``2d`` points ``c +- sqrt(d) e_j``.
* ``true bias (population law)``: the same with ``N((0.5, 0), I)`` for the generator's law.
* ``recentre_sep``, ``recentre``, ``loss``: ``BiasCorrectedClassifier`` with that
  ``transfer`` (``n_splits=20``, the bias at the minority label, ``scale="auto"``).
* ``class-weighted LS``: least squares on the real rows only, each class with total weight
  1/2 (no synthetic rows): the baseline.

Population limits (from the normal equations, with the signed groups of each objective):
naive 0.01617; the true bias and both recentred transfers 0; the plain ``loss`` transfer
0.0358 (``w = (20/41, 0)``), *worse* than not correcting. The generator's bias on an input
of mean ``m``, at the minority label, is
``E_{N(m + s, I)} f - E_{N(m, I)} f = (w . s)^2 + 2 (w . s)(w . m - 1)`` for
``f(x) = (w . x - 1)^2`` and the shift ``s = -0.5 e1``: the cross term depends on where it
is evaluated. Around the majority (``m = 0``) it exceeds the minority's (``m = mu``) by
``-2 (w . s)(w . mu) = t^2`` at ``w = (t, 0)``, so the ``loss`` transfer subtracts too much,
flattens the objective along ``e1`` and carries ``t`` past ``1/3``. The recentred transfers
evaluate it at ``mean(X1)``, which leaves only the error of that sample mean: an excess
of about ``c / n1`` with ``c = 0.130`` (:func:`mean_error_constant`). The true bias
(fitted law) knows the minority's law ``N(mu, I)`` itself, an oracle no data-driven
estimate can match; its excess falls like ``1 / n0``.

Seed ``s`` at ``n1`` draws the data with ``default_rng([2601, n1, s])`` and fits every
classifier with ``random_state=s`` (so the three transfers share their synthetic rows, the
naive fit and their splits). The true-bias objectives draw their own synthetic rows from
``default_rng([2601, n1, s, 1])``; their paired naive fit is stored as
``naive (true-bias rows)``.

Output: ``experiments/bias_correction/results/vtss_2d.json``: the population limits and
``c``; per ``n1`` and estimator, the mean excess risk with its 95% confidence interval
(mean +- 1.96 standard errors over seeds), ``n1`` times the mean, the share of the naive
excess left, the paired difference from class-weighted least squares, the mean
coefficient, how often the convexity guard shrank the correction, and every seed's excess
risk. Run ``OMP_NUM_THREADS=1 python experiments/bias_correction/vtss_2d.py`` (about seven
minutes on two busy cores); ``--table`` prints the markdown tables of the saved results.
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

from synthaug._io import jsonable
from synthaug.correction import BiasCorrectedClassifier, CorrectedObjective, PointSet
from synthaug.correction.objective import minimise, smallest_eigenvalue
from synthaug.generators import ShiftedGaussianGenerator

RESULTS = Path(__file__).resolve().parent / "results"

MU = np.array([1.0, 0.0])            #: minority mean
SHIFT = np.array([-0.5, 0.0])        #: the generator's error: a translation of its input mean
RATIO = 20                           #: n0 / n1
C = 1e6                              #: inverse ridge strength (negligible ridge)
N_SPLITS = 20
TRANSFERS = ("recentre_sep", "recentre", "loss")
W_STAR = MU / (MU @ MU + 2.0)        #: balanced optimum (1/3, 0)
#: seeds per n1 in the default run (fewer at the largest size, where a fit is slowest)
SEEDS = {25: 100, 50: 100, 100: 100, 200: 100, 400: 100, 800: 100, 1600: 100, 3200: 50}
ESTIMATORS = ("naive", "true bias (fitted law)", "true bias (population law)",
              "recentre_sep", "recentre", "loss", "class-weighted LS")


# ---------------------------------------------------------------------- closed forms
def gaussian_mse(w: np.ndarray, mean: np.ndarray, label: float) -> float:
    """``E[(w . x - label)^2]`` for ``x ~ N(mean, I)``: ``||w||^2 + (w . mean - label)^2``."""
    w = np.asarray(w, dtype=np.float64)
    return float(w @ w + (w @ mean - label) ** 2)


def balanced_risk(w: np.ndarray) -> float:
    """Balanced mean squared error ``(R0 + R1) / 2`` of ``x -> w . x`` (0/1 targets)."""
    return 0.5 * gaussian_mse(w, np.zeros(2), 0.0) + 0.5 * gaussian_mse(w, MU, 1.0)


def excess_risk(w: Any) -> float:
    """``R_bal(w) - R_bal(w*) = (w - w*)' (I + mu mu' / 2) (w - w*)``."""
    e = np.ravel(np.asarray(w, dtype=np.float64)) - W_STAR
    return float(e @ e + 0.5 * (e @ MU) ** 2)


def population_fit(groups: list[tuple[float, np.ndarray, float]]) -> np.ndarray:
    """Minimiser of ``sum_k n_k E_{N(m_k, I)}[(w . x - t_k)^2]`` over ``w``.

    ``groups`` holds ``(n_k, m_k, t_k)``; a weight may be negative (the rows a correction
    subtracts). The normal equations are ``sum_k n_k (I + m_k m_k') w = sum_k n_k t_k m_k``.
    """
    A = sum(n * (np.eye(2) + np.outer(m, m)) for n, m, _ in groups)
    b = sum(n * t * np.asarray(m) for n, m, t in groups)
    return np.linalg.solve(A, b)


def population_limits(ratio: int = RATIO) -> dict[str, dict[str, Any]]:
    """Population coefficient and excess risk of each estimator at full balance.

    Per ``n1 = 1``: ``n0 = ratio`` majority rows, one minority row, ``n_tilde = ratio - 1``
    synthetic rows of ``N(mu + shift, I)``. A correction adds ``-n_tilde`` times the
    pseudo-minority's synthetic rows and ``+n_tilde`` times the reference rows, both at the
    minority label, each at the mean where the transfer evaluates it:

    * ``loss``: synthetic rows at ``shift`` (around the majority), reference at 0;
    * recentred transfers (and the true bias): synthetic rows at ``mu + shift``, reference
      at ``mu``. These cancel the synthetic rows exactly, leaving ``n0`` majority and
      ``n1 + n_tilde = n0`` minority rows: the balanced problem.
    """
    n0, n1, nt = float(ratio), 1.0, float(ratio - 1)
    data = [(n0, np.zeros(2), 0.0), (n1, MU, 1.0), (nt, MU + SHIFT, 1.0)]
    fits = {
        "naive": population_fit(data),
        "recentred or true bias": population_fit(
            [*data, (-nt, MU + SHIFT, 1.0), (nt, MU, 1.0)]),
        "loss": population_fit([*data, (-nt, SHIFT, 1.0), (nt, np.zeros(2), 1.0)]),
    }
    return {k: {"coef": w, "excess_risk": excess_risk(w)} for k, w in fits.items()}


def mean_error_constant() -> float:
    """``c`` in ``E[excess] ~ c / n1`` for the balanced fit that knows everything but the
    minority mean, estimated by the mean of ``n1`` rows.

    That fit is ``w(m) = m / (||m||^2 + 2)`` at ``m = mean(X1) ~ N(mu, I / n1)``; with the
    Jacobian ``J = ((||mu||^2 + 2) I - 2 mu mu') / (||mu||^2 + 2)^2`` and the excess's
    Hessian ``H = I + mu mu' / 2``, the delta method gives ``c = trace(J H J)``
    (``1.5 / 81 + 1 / 9 = 0.130`` here). The recentred transfers aim at this fit: they
    move the majority's rows onto ``mean(X1)``.
    """
    a = MU @ MU + 2.0
    J = (a * np.eye(2) - 2.0 * np.outer(MU, MU)) / a**2
    H = np.eye(2) + 0.5 * np.outer(MU, MU)
    return float(np.trace(J @ H @ J))


def balancing_floor(ratio: int = RATIO) -> float:
    """Excess balanced risk of the population augmented fit at full balance (0.01617 at
    ratio 20)."""
    return population_limits(ratio)["naive"]["excess_risk"]


# ---------------------------------------------------------------------- estimators
def make_data(n1: int, seed: int, ratio: int = RATIO) -> tuple[np.ndarray, np.ndarray]:
    """``ratio * n1`` majority rows ``N(0, I)`` (label 0) and ``n1`` minority rows
    ``N(mu, I)`` (label 1)."""
    rng = np.random.default_rng([2601, n1, seed])
    n0 = ratio * n1
    X = np.vstack([rng.standard_normal((n0, 2)), rng.standard_normal((n1, 2)) + MU])
    return X, np.r_[np.zeros(n0, dtype=int), np.ones(n1, dtype=int)]


def generator() -> ShiftedGaussianGenerator:
    """``N(mean of the input's target rows - 0.5 e1, I)``: the biased generator."""
    return ShiftedGaussianGenerator(shift=SHIFT)


def _gaussian_points(centre: np.ndarray) -> np.ndarray:
    """``2d`` points with mean ``centre`` and covariance exactly ``I``: the mean of any
    quadratic over them equals its expectation under ``N(centre, I)``."""
    d = len(centre)
    return centre + np.sqrt(d) * np.vstack([np.eye(d), -np.eye(d)])


def true_bias_fits(X: np.ndarray, y: np.ndarray, seed: int) -> dict[str, Any]:
    """The naive fit and the corrected fits with the generator's true bias plugged in.

    The augmented risk is the classifier's (real rows and ``n_tilde`` synthetic rows with
    weight ``1 / N``, ridge ``1 / (C N)``); the bias is ``E_syn f - E_{N(mu, I)} f`` with
    ``f`` the squared loss at the minority label, ``E_syn`` under the fitted generator's
    law or under ``N(mu + shift, I)``, and enters with the classifier's scale
    ``n_tilde / N``.
    """
    n0, n1 = int((y == 0).sum()), int((y == 1).sum())
    n_tilde = n0 - n1
    gen = generator().fit(X, y, target_class=1)
    S1 = gen.sample(n_tilde, random_state=np.random.default_rng([2601, n1, seed, 1]))
    N = len(y) + n_tilde
    base = [PointSet(X, y.astype(np.float64), 1.0 / N), PointSet(S1, 1.0, 1.0 / N)]
    naive = CorrectedObjective(base, [], 0.0, "squared", 1.0 / (C * N), False)
    start = np.zeros(2)
    w_naive = minimise(naive, start, max_iter=1000, tol=1e-10).x
    minority = [PointSet(_gaussian_points(MU), 1.0, -0.25)]
    out: dict[str, Any] = {"naive (true-bias rows)": w_naive}
    for name, centre in (("true bias (fitted law)", gen.mean_),
                         ("true bias (population law)", MU + SHIFT)):
        bias = [PointSet(_gaussian_points(centre), 1.0, 0.25), *minority]
        objective = naive.with_bias(bias, n_tilde / N)
        res = minimise(objective, w_naive, max_iter=1000, tol=1e-10)
        out[name] = res.x
        out[name + " min eigenvalue"] = smallest_eigenvalue(objective.hessian(res.x))
    return out


def class_weighted_ls(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares without intercept on the real rows, each class weighted to 1/2."""
    weights = np.where(y == 1, 0.5 / (y == 1).sum(), 0.5 / (y == 0).sum())
    A = (X * weights[:, None]).T @ X
    return np.linalg.solve(A, (X * weights[:, None]).T @ y.astype(np.float64))


def one_repetition(n1: int, seed: int, transfers: tuple[str, ...] = TRANSFERS,
                   n_splits: int = N_SPLITS) -> dict[str, Any]:
    """Coefficients of every estimator on one data set, with guard events and times."""
    X, y = make_data(n1, seed)
    coefs: dict[str, np.ndarray] = {}
    shrunk: dict[str, bool] = {}
    seconds: dict[str, float] = {}
    for transfer in transfers:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            clf = BiasCorrectedClassifier(generator(), loss="squared", fit_intercept=False,
                                          C=C, transfer=transfer, n_splits=n_splits,
                                          tol=1e-10, random_state=seed).fit(X, y)
        seconds[transfer] = time.perf_counter() - start
        coefs.setdefault("naive", clf.naive_coef_[0])
        coefs[transfer] = clf.coef_[0]
        shrunk[transfer] = bool(clf.correction_shrunk_)
    start = time.perf_counter()
    true = true_bias_fits(X, y, seed)
    seconds["true bias"] = time.perf_counter() - start
    for name in ("true bias (fitted law)", "true bias (population law)",
                 "naive (true-bias rows)"):
        coefs[name] = true[name]
    coefs["class-weighted LS"] = class_weighted_ls(X, y)
    return {"coef": coefs, "excess": {k: excess_risk(w) for k, w in coefs.items()},
            "shrunk": shrunk, "seconds": seconds,
            "true_bias_min_eigenvalue": min(true[k] for k in true if "eigenvalue" in k)}


# ---------------------------------------------------------------------- summaries
def _mean_ci(values: np.ndarray) -> dict[str, Any]:
    n = len(values)
    m = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return {"mean": m, "ci95": [m - 1.96 * se, m + 1.96 * se], "se": se, "n": n}


def summarise(reps: list[dict[str, Any]], n1: int) -> dict[str, Any]:
    """Per estimator: excess risk mean and CI, ``n1`` times the mean (constant when the
    excess falls like ``1 / n1``), the share of the naive excess left, the paired
    difference from class-weighted least squares, mean coefficient, guard and time."""
    excess = {name: np.array([r["excess"][name] for r in reps]) for name in reps[0]["excess"]}
    out: dict[str, Any] = {}
    for name, values in excess.items():
        entry: dict[str, Any] = {
            "excess_risk": _mean_ci(values),
            "n1_times_excess": n1 * float(values.mean()),
            "share_of_naive": float(values.mean() / excess["naive"].mean()),
            "mean_coef": np.mean([r["coef"][name] for r in reps], axis=0),
        }
        if name != "class-weighted LS":
            diff = _mean_ci(values - excess["class-weighted LS"])
            diff["z"] = diff["mean"] / diff["se"] if diff["se"] else None
            entry["minus_class_weighted"] = diff
        if name in reps[0]["shrunk"]:
            entry["guard_shrunk_share"] = float(np.mean([r["shrunk"][name] for r in reps]))
        if name in reps[0]["seconds"]:
            entry["mean_fit_seconds"] = float(np.mean([r["seconds"][name] for r in reps]))
        entry["per_seed_excess_risk"] = values
        out[name] = entry
    out["true_bias_min_eigenvalue"] = float(min(r["true_bias_min_eigenvalue"] for r in reps))
    return out


def markdown_table(record: dict[str, Any]) -> str:
    """Two tables: mean excess balanced risk x 1000 [95% CI] per estimator (rows) and
    ``n1`` (columns); then ``n1`` times the mean excess, with the paired difference from
    class-weighted least squares (z score) for the corrected fits."""
    sizes = list(record["results"])
    res = record["results"]
    head = "| estimator | " + " | ".join(f"n1 = {n}" for n in sizes) + " |"
    rule = "|---|" + "---|" * len(sizes)
    seeds = "| seeds | " + " | ".join(str(res[n]["naive"]["excess_risk"]["n"])
                                       for n in sizes) + " |"
    lines = ["Excess balanced risk x 1000, mean [95% CI]:", "", head, rule, seeds]
    for name in ESTIMATORS:
        cells = []
        for n in sizes:
            e = res[n][name]["excess_risk"]
            lo, hi = (1e3 * v for v in e["ci95"])
            cells.append(f"{1e3 * e['mean']:.3g} [{max(lo, 0.0):.3g}, {hi:.3g}]")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "n1 x mean excess (z of the paired difference from class-weighted LS):",
              "", head, rule]
    for name in ESTIMATORS:
        cells = []
        for n in sizes:
            e = res[n][name]
            cell = f"{e['n1_times_excess']:.3g}"
            if "minus_class_weighted" in e and name not in ("naive", "loss"):
                cell += f" (z {e['minus_class_weighted']['z']:+.1f})"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def save(record: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(jsonable(record), indent=1) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SEEDS),
                        help="minority sizes n1 (n0 = 20 n1)")
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per n1 (default: 100, 50 at n1 = 3200)")
    parser.add_argument("--out", type=Path, default=RESULTS / "vtss_2d.json")
    parser.add_argument("--table", action="store_true",
                        help="print the markdown table of the saved results and stop")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.out.read_text())))
        return
    start = time.perf_counter()
    record: dict[str, Any] = {
        "design": {"ratio": RATIO, "mu": MU, "generator_shift": SHIFT,
                   "generator": "ShiftedGaussianGenerator(shift=(-0.5, 0)): "
                                "N(input mean - 0.5 e1, I)",
                   "loss": "squared, no intercept", "C": C, "n_splits": N_SPLITS,
                   "synthetic_size": "n0 - n1 (full balance)",
                   "target": "w* = mu / (||mu||^2 + 2) = (1/3, 0)",
                   "excess_risk": "(w - w*)' (I + mu mu' / 2) (w - w*), the balanced MSE "
                                  "excess",
                   "ci": "mean +- 1.96 standard errors over seeds"},
        "population": population_limits(),
        "mean_error_constant": mean_error_constant(),
        "results": {},
        "environment": {"python": platform.python_version(), "numpy": np.__version__},
    }
    for n1 in args.sizes:
        n_seeds = args.seeds if args.seeds is not None else SEEDS.get(n1, 20)
        reps = [one_repetition(n1, s) for s in range(n_seeds)]
        record["results"][str(n1)] = summarise(reps, n1)
        record["runtime_s"] = round(time.perf_counter() - start, 1)
        save(record, args.out)
        print(f"n1={n1} ({n_seeds} seeds) done at {record['runtime_s']} s", flush=True)
        for name in ESTIMATORS:
            e = record["results"][str(n1)][name]["excess_risk"]
            print(f"  {name:28s} {e['mean']:.5f} +- {1.96 * e['se']:.5f}", flush=True)
    print(markdown_table(record))


if __name__ == "__main__":
    main()
