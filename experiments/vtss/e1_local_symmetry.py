"""E1 and E1b: under local symmetry only the oracle generator helps.

Protocol
--------
* **E1** (:func:`synthaug.datasets.simulations.make_mean_shift`): ``X0 = -mu + xi``,
  ``X1 = mu + xi``, ``mu = e1``, ``d = 20``, ``n0 = 2000``, ``n1 = 100`` (``D = 1900``);
  ``xi`` uniform on the cube, Rademacher, or uniform on the sphere of radius ``sqrt d``.
  The simulation's ``loss`` is ``"squared_pm1"``: least squares without intercept on
  targets ``2y - 1`` (ridge ``1e-8`` added to the Gram matrix). The balanced risk is
  ``R_bal(theta) = (1 - mu'theta)^2 + |theta|^2``, so the excess risk is computed in closed
  form as ``(theta - theta*)' (I + mu mu') (theta - theta*)``, ``theta* = mu / 2``.
  ``gamma`` takes 20 values in ``linspace(0, 4)``, ``n_tilde = round(gamma D)``.
* **E1b** (:func:`synthaug.datasets.simulations.make_symmetric_logistic`): ``d = 20``,
  5000 training rows drawn from the joint law (about 550 minority rows), the symmetric
  ``alpha`` (about 0.855); ``LogisticRegression(fit_intercept=False, C=1e6)`` (warm-started
  along ``gamma``); ``gamma`` in ``linspace(0, 2, 21)``, ``n_tilde = floor(gamma D)``. The
  excess risk is the balanced test log loss (20k + 20k rows) minus that of the exact
  population optimum ``theta* = e1`` on the same test set.
* **Generators** (each fitted on the training rows; one pool per generator and
  repetition, nested prefixes): :class:`~synthaug.generators.OracleGenerator` (the true
  minority law), :class:`~synthaug.generators.SMOTEGenerator` (``k = 5``),
  :class:`~synthaug.generators.GaussianGenerator` (shrinkage 0.1) and
  :class:`~synthaug.generators.SemiOracleGenerator` (fitted mean + true noise).
* Repetitions: ``--reps`` for E1 (per noise family), ``--reps-logistic`` for E1b; seeds
  ``seed_of(1, family, r)`` and ``seed_of(11, r)``.

Targets (qualitative, from the reference results)
-------------------------------------------------
E1: the oracle's excess risk falls monotonically in ``gamma``; SMOTE, Gaussian-fit and
Semi-Oracle rise and end well above their ``gamma = 0`` level at ``gamma = 4``, SMOTE
highest, then Gaussian-fit, then Semi-Oracle; the same for all three noise families.
E1b: the oracle drops far below the ``gamma = 0`` excess risk; SMOTE and Gaussian-fit end
above it at ``gamma = 2``, SMOTE higher.

Run ``python experiments/vtss/e1_local_symmetry.py --reps 50 --reps-logistic 10``.
"""

from __future__ import annotations

import argparse
import math
import warnings

import numpy as np
from _common import Timer, finish, new_figure, seed_of
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from synthaug.datasets.simulations import make_mean_shift, make_symmetric_logistic
from synthaug.generators import (
    GaussianGenerator,
    OracleGenerator,
    SemiOracleGenerator,
    SMOTEGenerator,
)
from synthaug.metrics import balanced_log_loss

NAME = "e1_local_symmetry"
FAMILIES = ("cube", "rademacher", "sphere")
GENERATORS = ("oracle", "smote", "gaussian", "semi_oracle")
E1_GAMMAS = np.linspace(0.0, 4.0, 20)
E1B_GAMMAS = np.linspace(0.0, 2.0, 21)


def make_generator(name: str, sim):
    return {"oracle": lambda: OracleGenerator(sim.minority_law),
            "smote": lambda: SMOTEGenerator(k_neighbors=5),
            "gaussian": lambda: GaussianGenerator(shrinkage=0.1),
            "semi_oracle": lambda: SemiOracleGenerator(sim.noise_law)}[name]()


def pools(sim, size: int, seed: int) -> dict[str, np.ndarray]:
    """One synthetic minority pool of ``size`` rows per generator."""
    out = {}
    for k, name in enumerate(GENERATORS):
        gen = make_generator(name, sim).fit(sim.X_train, sim.y_train, target_class=1)
        out[name] = np.asarray(gen.sample(size, random_state=seed + k), dtype=float)
    return out


def e1_rep(family: str, r: int) -> dict[str, np.ndarray]:
    """Closed-form excess risk against gamma, per generator, on one E1 dataset."""
    sim = make_mean_shift(family, n_test=0, random_state=seed_of(1, FAMILIES.index(family), r))
    assert sim.loss == "squared_pm1"
    X, t = sim.X_train, 2.0 * sim.y_train - 1.0
    D, d = sim.gap, X.shape[1]
    mu, theta_star = np.asarray(sim.params["mu"]), sim.theta_star
    M = np.eye(d) + np.outer(mu, mu)
    G, b = X.T @ X + 1e-8 * np.eye(d), X.T @ t
    sizes = [round(g * D) for g in E1_GAMMAS]
    out = {}
    for name, P in pools(sim, max(sizes), seed_of(5, r)).items():
        risk = []
        for n in sizes:
            S = P[:n]
            theta = np.linalg.solve(G + S.T @ S, b + S.sum(axis=0))
            e = theta - theta_star
            risk.append(float(e @ M @ e))
        out[name] = np.array(risk)
    return out


def e1b_rep(r: int) -> dict[str, np.ndarray]:
    """Test-set excess balanced log loss against gamma, per generator, on one E1b dataset."""
    sim = make_symmetric_logistic(random_state=seed_of(11, r))
    assert sim.loss == "logistic_no_intercept"
    X, y, Xt, yt = sim.X_train, sim.y_train, sim.X_test, sim.y_test
    D = sim.gap
    ref = balanced_log_loss(yt, expit(Xt @ sim.theta_star))
    sizes = [math.floor(g * D) for g in E1B_GAMMAS]
    out = {}
    for name, P in pools(sim, max(sizes), seed_of(15, r)).items():
        est = LogisticRegression(fit_intercept=False, C=1e6, max_iter=5000, warm_start=True)
        risk = []
        for n in sizes:
            est.fit(np.vstack([X, P[:n]]), np.concatenate([y, np.ones(n, dtype=y.dtype)]))
            risk.append(balanced_log_loss(yt, est.predict_proba(Xt)[:, 1]) - ref)
        out[name] = np.array(risk)
    return out


def checks(curves: dict[str, np.ndarray]) -> dict[str, bool]:
    """The qualitative targets on mean curves."""
    o = curves["oracle"]
    return {"oracle_falls": bool(o[-1] < o[0]),
            "oracle_monotone": bool(np.all(np.diff(o) <= 1e-12)),
            "oracle_monotone_share": float(np.mean(np.diff(o) <= 0)),
            **{f"{g}_ends_above_start": bool(curves[g][-1] > curves[g][0])
               for g in ("smote", "gaussian", "semi_oracle")},
            "order_smote>gaussian>semi_oracle_at_end": bool(
                curves["smote"][-1] > curves["gaussian"][-1] > curves["semi_oracle"][-1])}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50,
                        help="E1 repetitions per noise family (default 50; reference 100)")
    parser.add_argument("--reps-logistic", type=int, default=10,
                        help="E1b repetitions (default 10; reference 100)")
    args = parser.parse_args(argv)
    timer = Timer()
    result = {"experiment": "E1 / E1b local symmetry", "sizes": vars(args),
              "e1_gammas": E1_GAMMAS, "e1b_gammas": E1B_GAMMAS, "e1": {}, "e1b": {}}
    panels = []
    for family in FAMILIES:
        reps = [e1_rep(family, r) for r in range(args.reps)]
        mean = {g: np.mean([x[g] for x in reps], axis=0) for g in GENERATORS}
        se = {g: np.std([x[g] for x in reps], axis=0, ddof=1) / np.sqrt(args.reps)
              for g in GENERATORS} if args.reps > 1 else None
        result["e1"][family] = {"mean": mean, "se": se, "checks": checks(mean)}
        panels.append((f"E1, {family} noise ({args.reps} reps), squared loss", E1_GAMMAS,
                       mean, se))
        print(family, result["e1"][family]["checks"], f"[{timer()} s]", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        reps = [e1b_rep(r) for r in range(args.reps_logistic)]
    mean = {g: np.mean([x[g] for x in reps], axis=0) for g in GENERATORS}
    se = {g: np.std([x[g] for x in reps], axis=0, ddof=1) / np.sqrt(len(reps))
          for g in GENERATORS} if len(reps) > 1 else None
    result["e1b"] = {"mean": mean, "se": se, "checks": checks(mean)}
    panels.append((f"E1b, logistic no intercept ({len(reps)} reps)", E1B_GAMMAS, mean, se))
    print("E1b", result["e1b"]["checks"], f"[{timer()} s]", flush=True)

    fig, axes = new_figure(1, 4, (4.2, 3.8))
    for ax, (title, gammas, m, s) in zip(axes[0], panels):
        for g in GENERATORS:
            ax.plot(gammas, m[g], marker="o", ms=2.5, label=g)
            if s is not None:
                ax.fill_between(gammas, m[g] - 1.96 * s[g], m[g] + 1.96 * s[g], alpha=0.15)
        ax.axhline(m["smote"][0], color="grey", lw=0.8, ls=":")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_xlabel("gamma = n_tilde / D")
        ax.set_ylabel("balanced excess risk")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    finish(NAME, fig, result, timer)


if __name__ == "__main__":
    main()
