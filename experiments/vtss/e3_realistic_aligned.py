"""E3: asymmetry with a "realistic" aligned generator.

Protocol
--------
* **Data** (:func:`synthaug.datasets.simulations.make_aligned_2d`, ``kind="realistic"``):
  majority ``N(0, I2)`` (label 0), minority ``N(mu1, I2)`` (label 1), ``mu1 = (1, 0)``,
  ``n0 = 20 n1`` for ``n1`` in {10, 100, 200, 300, 400, 500} (``D = 19 n1``). Repetition
  ``r`` at ``n1`` is seeded with ``seed_of(3, n1, r)``.
* **Generator**: :class:`synthaug.generators.ShiftedGaussianGenerator` with
  ``mean = mu1`` and the callable ``multiplier = log_shrinkage``, i.e.
  ``N((1 - 1/sqrt(log m)) mu1, I)`` with ``m`` the number of minority rows the generator
  is fitted on (so inside a CV fold the bias is that of the fold's ``n1``, as in the
  reference code).
* **Model**: squared loss on 0/1 targets without intercept,
  ``theta = (X'X + 1e-6 I)^-1 X'y`` on the real plus synthetic rows (E2's estimator);
  the diagnostics use ``LinearRegression(fit_intercept=False)`` (the library's squared-
  loss scores).
* **Risk**: balanced excess risk in closed form, ``R_bal(theta) - 1/3`` with
  ``R_bal(theta) = |theta|^2 + (mu1'theta - 1)^2 / 2`` (no test set is needed).
* **Selection**. :class:`synthaug.search.VTSS` / :class:`~synthaug.search.TGVTSS` need
  ``predict_proba`` (balanced log loss), which a squared-loss model does not have, so the
  two procedures are written here around the library's diagnostics, with the K-fold
  protocol of the library's selectors: 5 stratified folds; per fold the generator is
  fitted on the fold's training part, one pool is drawn and candidates are nested prefixes
  of it; every candidate ``n`` is rescaled to the fold's gap, ``round(n D_fold / D)``; the
  score is the **balanced validation MSE** (mean of the two per-class MSEs); the mean over
  folds picks the size, then the model is refitted on all training rows plus that many
  rows of a fresh pool.

  - **Plain VTSS**: ``gamma`` in ``linspace(0.5, 1.5, 100)`` (first reference commit).
  - **TG-VTSS**: ``symmetry_test`` (alpha 0.05) on all training rows; if asymmetric,
    ``generator_quality`` with 3 cross-fitting folds (threshold 10), ``alignment`` and
    ``theory_target``; TG-VTSS's candidate sets (constants of
    :mod:`synthaug.search.vtss`).
* Compared with **full balancing** ``n_tilde = D`` (same pool as the selected fit's refit)
  and, for context, ``n_tilde = 0``; paired differences per repetition (mean and SE).

Deviations from the reference setup: 100 repetitions per ``n1`` by default, as in the
reference runs (pass ``--reps`` to reduce); the risk is the closed-form population risk
rather than a test set; the selection loop is in this script (not the library
meta-estimators), because the library's selectors score by log loss.

Run ``python experiments/vtss/e3_realistic_aligned.py --reps 100``.
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import Timer, finish, mean_se, new_figure, seed_of
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import StratifiedKFold

from synthaug.datasets.simulations import make_aligned_2d
from synthaug.diagnostics import alignment, generator_quality, symmetry_test, theory_target
from synthaug.generators import ShiftedGaussianGenerator
from synthaug.generators.simulation import log_shrinkage
from synthaug.search.vtss import LOCAL_GAMMAS, SYMMETRIC_GAMMAS, WIDE_GAMMAS

NAME = "e3_realistic_aligned"
N1S = (10, 100, 200, 300, 400, 500)
MU = np.array([1.0, 0.0])
THETA_STAR = MU / (MU @ MU + 2.0)
RIDGE = 1e-6
VTSS_GAMMAS = np.linspace(0.5, 1.5, 100)


def r_bal(theta: np.ndarray) -> np.ndarray:
    """Population balanced squared risk, vectorised over rows of ``theta``."""
    theta = np.atleast_2d(theta)
    return (theta ** 2).sum(axis=1) + 0.5 * (theta @ MU - 1.0) ** 2


EXCESS_FLOOR = float(r_bal(THETA_STAR)[0])


def generator() -> ShiftedGaussianGenerator:
    return ShiftedGaussianGenerator(mean=MU, multiplier=log_shrinkage)


def thetas(X, y, pool, sizes) -> np.ndarray:
    """Least-squares fits on real rows plus each nested prefix ``pool[:size]``, shape
    ``(len(sizes), 2)`` (cumulative Gram matrices, so every size costs O(1))."""
    G0, b0 = X.T @ X + RIDGE * np.eye(X.shape[1]), X.T @ y
    cg = np.concatenate([np.zeros((1, 2, 2)),
                         np.cumsum(pool[:, :, None] * pool[:, None, :], axis=0)])
    cb = np.concatenate([np.zeros((1, 2)), np.cumsum(pool, axis=0)])
    s = np.asarray(sizes, dtype=int)
    return np.linalg.solve(G0 + cg[s], (b0 + cb[s])[..., None])[..., 0]


def balanced_mse(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Balanced MSE of each row of ``theta`` on ``(X, y)``."""
    res = X @ theta.T - y[:, None]
    return 0.5 * (res[y == 0] ** 2).mean(axis=0) + 0.5 * (res[y == 1] ** 2).mean(axis=0)


def cv_select(X, y, sizes, seed) -> tuple[int, np.ndarray]:
    """K-fold selection (5 folds, per-fold rescaling, nested prefixes); chosen size and
    the mean validation losses."""
    sizes = np.asarray(sizes, dtype=int)
    D = int((y == 0).sum() - (y == 1).sum())
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    losses = []
    for k, (tr, va) in enumerate(folds.split(X, y)):
        Xtr, ytr = X[tr], y[tr]
        D_fold = int((ytr == 0).sum() - (ytr == 1).sum())
        fs = np.maximum(np.round(sizes * D_fold / D).astype(int), 0)
        gen = generator().fit(Xtr, ytr, target_class=1)
        pool = gen.sample(int(fs.max()), random_state=seed_of(seed, k))
        losses.append(balanced_mse(thetas(Xtr, ytr, pool, fs), X[va], y[va]))
    mean = np.mean(losses, axis=0)
    return int(sizes[int(np.argmin(mean))]), mean


def tg_candidates(X, y, seed) -> tuple[list[int], dict]:
    D = int((y == 0).sum() - (y == 1).sum())
    model = LinearRegression(fit_intercept=False)
    test = symmetry_test(model, X, y, alpha=0.05)
    diag = {"T_sym": test.statistic, "cutoff": test.cutoff, "regime": test.regime,
            "gqs": None, "label": None, "cos": None, "n_th": None}
    if test.symmetric:
        sizes = [round(g * D) for g in SYMMETRIC_GAMMAS]
    else:
        q = generator_quality(model, generator(), X, y, cv=3, random_state=seed)
        n_th = theory_target(D, test.g_phi, q.g_psi)
        diag.update(gqs=q.gqs, label=q.label, cos=alignment(test.g_phi, q.g_psi), n_th=n_th,
                    g_phi=test.g_phi, g_psi=q.g_psi)
        if q.realistic:
            sizes = [round(g * D) for g in LOCAL_GAMMAS]
            if n_th is not None:
                sizes += [round(g * n_th) for g in LOCAL_GAMMAS]
        else:
            sizes = [round(g * D) for g in WIDE_GAMMAS]
    return sorted({max(int(s), 0) for s in sizes}), diag


def one_rep(n1: int, r: int) -> dict:
    sim = make_aligned_2d("realistic", n1=n1, ratio=20, n_test=0,
                          random_state=seed_of(3, n1, r))
    X, y = sim.X_train, sim.y_train.astype(float)
    D = sim.gap
    cands, diag = tg_candidates(X, y, seed_of(4, n1, r))
    n_tg, _ = cv_select(X, y, cands, seed_of(5, n1, r))
    n_vt, _ = cv_select(X, y, [round(g * D) for g in VTSS_GAMMAS], seed_of(5, n1, r))
    pool = generator().fit(X, y, target_class=1).sample(max(n_tg, n_vt, D),
                                                        random_state=seed_of(6, n1, r))
    th = thetas(X, y, pool, [0, D, n_tg, n_vt])
    ex = r_bal(th) - EXCESS_FLOOR
    diag["n_th_over_D"] = None if diag["n_th"] is None else diag["n_th"] / D
    diag["pop_n_th_over_D"] = theory_target(1.0, sim.params["g_phi"], sim.params["g_psi"])
    return {"n1": n1, "rep": r, "D": D, "excess_0": ex[0], "excess_D": ex[1],
            "excess_tg": ex[2], "excess_vtss": ex[3], "n_tg": n_tg, "n_vtss": n_vt,
            "gamma_tg": n_tg / D, "gamma_vtss": n_vt / D, "n_candidates": len(cands),
            "diag": {k: v for k, v in diag.items() if k not in ("g_phi", "g_psi")}}


def summarise(reps: list[dict]) -> dict:
    ex = {k: np.array([r[f"excess_{k}"] for r in reps]) for k in ("0", "D", "tg", "vtss")}
    d = [r["diag"] for r in reps]
    asym = [x for x in d if x["regime"] == "local asymmetry"]
    out = {"n": len(reps)}
    for k, v in ex.items():
        out[f"excess_{k}"] = mean_se(v)
    for k in ("tg", "vtss"):
        diff = ex[k] - ex["D"]
        out[f"{k}_minus_D"] = mean_se(diff)
        out[f"{k}_better_share"] = float(np.mean(diff < 0))
        g = np.array([r[f"gamma_{k}"] for r in reps])
        out[f"gamma_{k}_median"] = float(np.median(g))
        out[f"gamma_{k}_quartiles"] = np.quantile(g, [0.25, 0.75]).tolist()
    out["asymmetry_share"] = len(asym) / len(d)
    out["T_sym_median"] = float(np.median([x["T_sym"] for x in d]))
    if asym:
        out["realistic_share_of_asym"] = float(np.mean([x["label"] == "realistic"
                                                        for x in asym]))
        out["gqs_median"] = float(np.median([x["gqs"] for x in asym]))
        out["cos_median"] = float(np.median([x["cos"] for x in asym]))
        nth = [x["n_th_over_D"] for x in asym if x["n_th_over_D"] is not None]
        out["n_th_over_D_median"] = float(np.median(nth)) if nth else None
    out["pop_n_th_over_D"] = reps[0]["diag"]["pop_n_th_over_D"]
    return out


def plot(rows: list[dict], reps_by_n1: dict, n_reps: int):
    fig, axes = new_figure(1, 2, (5.5, 4.2))
    ax = axes[0, 0]
    n1 = np.array([r["n1"] for r in rows])
    for key, label, c in (("D", "full balancing (n = D)", "C0"), ("tg", "TG-VTSS", "C3"),
                          ("vtss", "plain VTSS", "C2"), ("0", "no synthetic rows", "C7")):
        m = np.array([r[f"excess_{key}"][0] for r in rows])
        se = np.array([r[f"excess_{key}"][1] for r in rows])
        ax.errorbar(n1, m, yerr=1.96 * se, marker="o", color=c, label=label, capsize=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n1 (n0 = 20 n1)")
    ax.set_ylabel("balanced excess risk (closed form)")
    ax.set_title(f"E3 realistic aligned generator, {n_reps} reps")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    data = [[x["gamma_tg"] for x in reps_by_n1[k]] for k in N1S]
    ax.boxplot(data, positions=range(len(N1S)), widths=0.35)
    ax.set_xticks(range(len(N1S)), [str(k) for k in N1S])
    nth = [r["n_th_over_D_median"] or np.nan for r in rows]
    pop = [r["pop_n_th_over_D"] or np.nan for r in rows]
    ax.plot(range(len(N1S)), nth, "s", color="C1", label="median estimated n_th / D")
    ax.plot(range(len(N1S)), pop, "x", color="k", label="population n_th / D")
    ax.axhline(1.0, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("n1")
    ax.set_ylabel("TG-VTSS chosen gamma = n / D")
    ax.set_title("chosen sizes (boxes) and theory target")
    ax.legend(fontsize=7)
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100, help="repetitions per n1 (100)")
    args = parser.parse_args(argv)
    timer = Timer()
    rows, by_n1, all_reps = [], {}, []
    for n1 in N1S:
        reps = [one_rep(n1, r) for r in range(args.reps)]
        by_n1[n1] = reps
        all_reps += reps
        row = {"n1": n1, "n0": 20 * n1, "D": reps[0]["D"], **summarise(reps)}
        rows.append(row)
        print(f"n1={n1:4d} D {row['excess_D'][0]:.5f} TG {row['excess_tg'][0]:.5f} "
              f"VTSS {row['excess_vtss'][0]:.5f} 0 {row['excess_0'][0]:.4f} | TG-D "
              f"{row['tg_minus_D'][0]:+.5f} ({row['tg_minus_D'][1]:.5f}) gamma_tg "
              f"{row['gamma_tg_median']:.2f} asym {row['asymmetry_share']:.2f} real "
              f"{row.get('realistic_share_of_asym', float('nan')):.2f} [{timer()} s]",
              flush=True)
    finish(NAME, plot(rows, by_n1, args.reps),
           {"experiment": "E3 realistic aligned generator", "sizes": vars(args),
            "rows": rows, "reps": all_reps}, timer)


if __name__ == "__main__":
    main()
