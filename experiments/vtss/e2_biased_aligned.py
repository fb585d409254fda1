"""E2: asymmetry with a biased, aligned generator.

Protocol
--------
* **Data** (:func:`synthaug.datasets.simulations.make_aligned_2d`, ``kind="biased"``):
  majority ``N(0, I2)`` (label 0), minority ``N(mu, I2)`` (label 1), ``mu = (1, 0)``,
  ``n0 = 20 n1`` for ``n1`` in {6, 12, 25, 50, 100, 200, 400, 800, 1600, 3200}; test set
  5000 rows per class. Repetition ``r`` at ``n1`` is seeded with ``seed_of(2, n1, r)``.
* **Generator**: :class:`synthaug.generators.ShiftedGaussianGenerator` with fixed centre
  ``nu = (0.5, 0)`` (``N(nu, I)``), fitted on the training rows, one pool of ``4D`` rows per
  repetition; ``n_tilde = D`` uses its first ``D`` rows (nested prefixes).
* **Model**: least squares on 0/1 targets without intercept, ridge ``1e-6`` added to the
  Gram matrix (``theta = (X'X + 1e-6 I)^-1 X'y``) on the real plus synthetic rows.
* **Risk**: squared loss with 0/1 labels, ``R0(theta) = E[(x'theta)^2] = |theta|^2`` for
  ``x ~ N(0, I)`` and ``R1(theta) = E[(x'theta - 1)^2] = (mu'theta - 1)^2 + |theta|^2`` for
  ``x ~ N(mu, I)``, so ``R_bal(theta) = |theta|^2 + (mu'theta - 1)^2 / 2``, minimised at
  ``theta* = mu / (|mu|^2 + 2) = (1/3, 0)`` with ``R_bal(theta*) = 1/3``. The balanced
  excess risk ``R_bal(theta_hat) - 1/3`` is computed in closed form (the main number) and,
  as a check, on the test set (balanced MSE minus that of ``theta*``).
* Sizes compared: ``n_tilde`` = 0 (no synthetic rows, context only), ``D`` (full balancing)
  and ``4D`` (the theory target of the worked 2-D example: ``n_th = D / (1 - 2 * 0.375) = 4D``).

Targets (from the reference results)
------------------------------------
``n_tilde = D`` plateaus at the population floor 0.0162 (acceptance: within 0.001 for
``n1 >= 400``); ``n_tilde = 4D`` decays roughly like ``1 / n`` to about 0 (reference table:
0.0020 at ``n1 = 6``, 0.0001 at 100-200, about 4e-6 at 3200).

Run ``python experiments/vtss/e2_biased_aligned.py --reps 100``.
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import Timer, finish, mean_se, new_figure, seed_of

from synthaug.datasets.simulations import make_aligned_2d
from synthaug.diagnostics import theory_target
from synthaug.generators import ShiftedGaussianGenerator

NAME = "e2_biased_aligned"
N1S = (6, 12, 25, 50, 100, 200, 400, 800, 1600, 3200)
MU = np.array([1.0, 0.0])
THETA_STAR = MU / (MU @ MU + 2.0)
RIDGE = 1e-6
MULTIPLIERS = {"0": 0, "D": 1, "4D": 4}
# reference table (balanced excess risk), n_tilde = 4D and n_tilde = D
REFERENCE = {6: (0.0020, 0.0192), 12: (0.0012, 0.0196), 25: (0.0005, 0.0165),
        50: (0.0002, 0.0165), 100: (0.0001, 0.0168), 200: (0.0001, 0.0164),
        400: (0.0, 0.0161), 800: (0.0, 0.0161), 1600: (0.0, 0.0161), 3200: (4e-6, 0.0161)}


def r_bal(theta: np.ndarray) -> float:
    """Population balanced squared risk (0/1 labels, identity class covariances)."""
    return float(theta @ theta + 0.5 * (MU @ theta - 1.0) ** 2)


def population_floor(ratio: float = 20.0) -> float:
    """Excess risk of the population augmented estimate at ``n_tilde = D`` (the worked 2-D example).

    Per majority row the augmented Gram matrix is ``I + (1/ratio) (I + mu mu') +
    (1 - 1/ratio) (I + nu nu')`` and the right-hand side ``(1/ratio) mu + (1 - 1/ratio) nu``.
    """
    nu = np.array([0.5, 0.0])
    w1, ws = 1.0 / ratio, 1.0 - 1.0 / ratio
    G = np.eye(2) + w1 * (np.eye(2) + np.outer(MU, MU)) + ws * (np.eye(2) + np.outer(nu, nu))
    theta = np.linalg.solve(G, w1 * MU + ws * nu)
    return r_bal(theta) - r_bal(THETA_STAR)


def test_risk(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Balanced MSE on the (balanced) test set, 0/1 targets."""
    r = X @ theta - y
    return 0.5 * float(np.mean(r[y == 0] ** 2)) + 0.5 * float(np.mean(r[y == 1] ** 2))


def one_rep(n1: int, rep: int) -> dict[str, tuple[float, float]]:
    """Closed-form and test-set excess risks of each size on one dataset."""
    sim = make_aligned_2d("biased", n1=n1, ratio=20, n_test=5000,
                          random_state=seed_of(2, n1, rep))
    D = sim.gap
    gen = ShiftedGaussianGenerator(mean=(0.5, 0.0)).fit(sim.X_train, sim.y_train,
                                                         target_class=1)
    pool = gen.sample(4 * D, random_state=seed_of(3, n1, rep))
    G_real = sim.X_train.T @ sim.X_train
    b_real = sim.X_train.T @ sim.y_train
    ref_test = test_risk(THETA_STAR, sim.X_test, sim.y_test)
    out = {}
    for name, m in MULTIPLIERS.items():
        S = pool[: m * D]
        theta = np.linalg.solve(G_real + S.T @ S + RIDGE * np.eye(2), b_real + S.sum(axis=0))
        out[name] = (r_bal(theta) - r_bal(THETA_STAR),
                     test_risk(theta, sim.X_test, sim.y_test) - ref_test)
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100, help="repetitions per n1 (100)")
    args = parser.parse_args(argv)
    timer = Timer()
    floor = population_floor()
    n_th_ratio = theory_target(1.0, (4 / 3, 0.0), (0.5, 0.0))
    rows = []
    for n1 in N1S:
        reps = [one_rep(n1, r) for r in range(args.reps)]
        row = {"n1": n1, "n0": 20 * n1, "D": 19 * n1,
               "reference_4D": REFERENCE[n1][0], "reference_D": REFERENCE[n1][1]}
        for name in MULTIPLIERS:
            row[f"excess_{name}"], row[f"se_{name}"] = mean_se([r[name][0] for r in reps])
            row[f"test_excess_{name}"] = mean_se([r[name][1] for r in reps])[0]
        row["D_within_0.001_of_floor"] = bool(abs(row["excess_D"] - floor) <= 0.001)
        rows.append(row)
        print(f"n1={n1:5d}  4D {row['excess_4D']:.5f} (reference {REFERENCE[n1][0]:.4f})   "
              f"D {row['excess_D']:.5f} (reference {REFERENCE[n1][1]:.4f})   "
              f"0 {row['excess_0']:.4f}   [{timer()} s]", flush=True)

    fig, axes = new_figure(1, 1, (6.5, 4.5))
    ax = axes[0, 0]
    n1 = np.array(N1S)
    for name, color in (("D", "C0"), ("4D", "C3"), ("0", "C7")):
        m = np.array([r[f"excess_{name}"] for r in rows])
        se = np.array([r[f"se_{name}"] for r in rows])
        ax.errorbar(n1, m, yerr=1.96 * se, marker="o", color=color,
                    label=f"n_tilde = {name} (library)" if name != "0" else "no synthetic rows")
    ax.plot(n1, [REFERENCE[k][1] for k in N1S], "s", mfc="none", color="C0", label="reference, D")
    ax.plot(n1, [max(REFERENCE[k][0], 1e-6) for k in N1S], "s", mfc="none", color="C3",
            label="reference, 4D (0 drawn at 1e-6)")
    ax.axhline(floor, color="C0", ls=":", label=f"population floor {floor:.4f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n1 (n0 = 20 n1)")
    ax.set_ylabel("balanced excess risk (closed form)")
    ax.set_title(f"E2: biased aligned generator nu = (0.5, 0), {args.reps} reps")
    ax.legend(fontsize=7)
    summary = {"population_floor": floor, "theory_target_over_D": n_th_ratio,
               "D_plateau_within_0.001_for_n1_ge_400":
                   all(r["D_within_0.001_of_floor"] for r in rows if r["n1"] >= 400),
               "excess_4D_at_3200": rows[-1]["excess_4D"]}
    print(summary)
    finish(NAME, fig, {"experiment": "E2 biased aligned generator",
                       "sizes": vars(args), "rows": rows, "summary": summary}, timer)


if __name__ == "__main__":
    main()
