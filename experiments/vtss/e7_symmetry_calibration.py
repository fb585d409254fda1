"""E7: calibration and power of the local-symmetry Wald test.

Protocol
--------
* **Data** (:func:`synthaug.datasets.simulations.make_symmetry_null` / ``make_symmetry_test``,
  ``n_test=0``): ``X0 = -e1 + U * (2, 1, ..., 1)``, ``X1 = b e1 + U`` with ``U`` uniform on
  ``[-sqrt 3, sqrt 3]^d``; labels 0/1 (1 = minority). The simulation's ``loss`` field is
  ``"centred_squared"`` (targets ``y - 1/2``, no intercept), which is exactly what
  ``symmetry_test(LinearRegression(fit_intercept=False), X, y, centered=True)`` fits:
  it regresses ``y - 1/2`` and uses the scores ``s_i = 2 x_i (x_i' theta - y_i + 1/2)``.
  The test has ``p = d`` degrees of freedom.
* **Null grid**: ``d`` in {2, 5, 10} x ``n1`` in {50, 250, 500} x ``kappa = n0 / n1`` in
  {5, 20} at the exact null ``b0 = (5 - sqrt 21) / 2``. ``--datasets-required`` datasets
  (default 2000) in the acceptance cells (``d`` in {2, 5} with ``n1 = 500``, and ``d = 2``
  with ``n1 = 250``), ``--datasets-per-cell`` (default 500) in the others. Dataset ``i``
  of a cell is seeded with ``seed_of(7, d, n1, kappa, i)``.
* **Power**: ``d = 5``, ``n1 = 500``, ``kappa = 20``, local alternatives
  ``g_phi = h / sqrt(n_eff) e1`` for ``h`` in -4..4 (``--power-datasets`` per ``h``,
  default 500). The prediction is ``P(chi2'_d(lambda) > chi2_d(0.95))`` with
  ``lambda = g_phi' V^-1 g_phi``, ``V`` the mean over the ``h``'s datasets of the test's own
  variance estimate (the population ``V`` is not available in closed form).

Targets
-------
* Rejection rate at ``alpha = 0.05`` within 3.5 %-7.5 % in the acceptance cells; the other
  cells are recorded as finite-sample behaviour (an independent direct simulation of the
  test's formulas shows over-rejection when ``n1`` is small relative to ``d``: about
  9-10 % at ``d = 10, n1 = 250``, 13-18 % at ``d = 5, n1 = 50``, 31-42 % at
  ``d = 10, n1 = 50``).
* Null quantiles of ``T_sym`` track those of ``chi2_d``; the power curve tracks the
  noncentral chi-square.

Run ``python experiments/vtss/e7_symmetry_calibration.py`` (add ``--datasets-per-cell``,
``--datasets-required``, ``--power-datasets`` to change the sizes).
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
from _common import Timer, finish, new_figure, seed_of
from scipy import stats
from sklearn.linear_model import LinearRegression

from synthaug.datasets.simulations import make_symmetry_null, make_symmetry_test
from synthaug.diagnostics import symmetry_test

NAME = "e7_symmetry_calibration"
DS = (2, 5, 10)
N1S = (50, 250, 500)
RATIOS = (5, 20)
ALPHA = 0.05
QUANTILES = (0.5, 0.9, 0.95, 0.99)


def is_required(d: int, n1: int) -> bool:
    """The acceptance cells: d in {2, 5} with n1 = 500, and d = 2, n1 = 250."""
    return (d in (2, 5) and n1 == 500) or (d == 2 and n1 == 250)


def run_test(sim):
    """The Wald test on one simulated dataset (centred squared loss, no intercept)."""
    assert sim.loss == "centred_squared"
    return symmetry_test(LinearRegression(fit_intercept=False), sim.X_train, sim.y_train,
                         alpha=ALPHA, centered=True)


def null_cell(d: int, n1: int, ratio: int, n_datasets: int) -> dict:
    """Rejection rate and quantiles of ``T_sym`` in one null cell."""
    T = np.empty(n_datasets)
    for i in range(n_datasets):
        sim = make_symmetry_null(d=d, n1=n1, ratio=ratio, n_test=0,
                                 random_state=seed_of(7, d, n1, ratio, i))
        T[i] = run_test(sim).statistic
    cutoff = stats.chi2.ppf(1 - ALPHA, d)
    rate = float(np.mean(T > cutoff))
    se = float(np.sqrt(rate * (1 - rate) / n_datasets))
    out = {"d": d, "n1": n1, "ratio": ratio, "n0": round(ratio * n1),
           "n_datasets": n_datasets, "required": is_required(d, n1), "cutoff": cutoff,
           "rejection_rate": rate, "mc_se": se,
           "quantiles": {str(q): float(np.quantile(T, q)) for q in QUANTILES},
           "chi2_quantiles": {str(q): float(stats.chi2.ppf(q, d)) for q in QUANTILES}}
    if out["required"]:
        out["within_3.5_7.5"] = bool(0.035 <= rate <= 0.075)
    out["_T"] = T
    return out


def power_curve(n_datasets: int, hs: np.ndarray, d: int = 5, n1: int = 500,
                ratio: int = 20) -> list[dict]:
    """Empirical and predicted (noncentral chi-square) power for each local alternative."""
    cutoff = stats.chi2.ppf(1 - ALPHA, d)
    rows = []
    for h in hs:
        reject, Vs = 0, []
        for i in range(n_datasets):
            sim = make_symmetry_test(d=d, n1=n1, ratio=ratio, h=float(h), n_test=0,
                                     random_state=seed_of(8, int(h + 100), i))
            res = run_test(sim)
            reject += int(res.statistic > cutoff)
            Vs.append(res.variance)
        g = np.asarray(sim.params["g_phi"], dtype=float)
        V = np.mean(Vs, axis=0)
        lam = float(g @ np.linalg.solve(V, g))
        predicted = float(stats.ncx2.sf(cutoff, d, lam)) if lam > 0 else ALPHA
        rate = reject / n_datasets
        rows.append({"h": float(h), "b": float(sim.params["b"]), "g_phi1": float(g[0]),
                     "lambda": lam, "power": rate,
                     "mc_se": float(np.sqrt(rate * (1 - rate) / n_datasets)),
                     "predicted": predicted, "n_datasets": n_datasets})
    return rows


def plot(cells: list[dict], power: list[dict]):
    fig, axes = new_figure(1, 3, (5.2, 4.2))
    ax = axes[0, 0]
    labels, rates, errs, colors = [], [], [], []
    for c in cells:
        labels.append(f"d{c['d']} n{c['n1']} k{c['ratio']}")
        rates.append(100 * c["rejection_rate"])
        errs.append(196 * c["mc_se"])
        colors.append("C0" if c["required"] else "C7")
    y = np.arange(len(cells))
    ax.barh(y, rates, xerr=errs, color=colors)
    ax.axvspan(3.5, 7.5, color="C2", alpha=0.15, label="3.5-7.5 % band")
    ax.axvline(5, color="k", lw=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("rejection rate at alpha = 0.05 (%), log scale")
    ax.set_title("null calibration (blue: acceptance cells)")
    ax.legend(fontsize=7)

    ax = axes[0, 1]
    for c in cells:
        if not c["required"]:
            continue
        q = np.linspace(0.01, 0.99, 99)
        ax.plot(stats.chi2.ppf(q, c["d"]), np.quantile(c["_T"], q), lw=1,
                label=f"d={c['d']}, n1={c['n1']}, kappa={c['ratio']}")
    lim = ax.get_xlim()
    ax.plot(lim, lim, "k--", lw=0.8)
    ax.set_xlabel("chi2_d quantile")
    ax.set_ylabel("T_sym quantile")
    ax.set_title("null QQ plot, acceptance cells")
    ax.legend(fontsize=7)

    ax = axes[0, 2]
    h = [r["h"] for r in power]
    ax.errorbar(h, [r["power"] for r in power], yerr=[1.96 * r["mc_se"] for r in power],
                marker="o", label="simulated")
    ax.plot(h, [r["predicted"] for r in power], "k--", label="noncentral chi2_5")
    ax.axhline(ALPHA, color="grey", lw=0.8)
    ax.set_xlabel("h  (g_phi = h / sqrt(n_eff) e1)")
    ax.set_ylabel("rejection rate")
    ax.set_title(f"power, d=5, n1=500, kappa=20 ({power[0]['n_datasets']} per h)")
    ax.legend(fontsize=8)
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets-required", type=int, default=2000,
                        help="datasets per acceptance cell (default 2000)")
    parser.add_argument("--datasets-per-cell", type=int, default=500,
                        help="datasets per other null cell (default 500)")
    parser.add_argument("--power-datasets", type=int, default=500,
                        help="datasets per h of the power curve (default 500)")
    args = parser.parse_args(argv)
    timer = Timer()
    cells = []
    for d, n1, ratio in itertools.product(DS, N1S, RATIOS):
        n = args.datasets_required if is_required(d, n1) else args.datasets_per_cell
        cells.append(null_cell(d, n1, ratio, n))
        c = cells[-1]
        print(f"d={d:2d} n1={n1:3d} kappa={ratio:2d}: reject {100 * c['rejection_rate']:5.2f}%"
              f" (n={n}){' *' if c['required'] else ''}  [{timer()} s]", flush=True)
    power = power_curve(args.power_datasets, np.arange(-4, 5))
    for r in power:
        print(f"h={r['h']:+.0f}: power {r['power']:.3f}  predicted {r['predicted']:.3f}")
    fig = plot(cells, power)
    required = [c for c in cells if c["required"]]
    summary = {
        "acceptance_cells_within_band": all(c["within_3.5_7.5"] for c in required),
        "acceptance_rates": {f"d={c['d']},n1={c['n1']},kappa={c['ratio']}":
                             c["rejection_rate"] for c in required},
        "max_abs_power_gap": max(abs(r["power"] - r["predicted"]) for r in power)}
    print(summary)
    finish(NAME, fig, {
        "experiment": "E7 symmetry-test calibration",
        "sizes": vars(args), "alpha": ALPHA,
        "null_cells": [{k: v for k, v in c.items() if k != "_T"} for c in cells],
        "power": power, "summary": summary}, timer)


if __name__ == "__main__":
    main()
