"""E5: end-to-end, nonlinear model with jitter.

Protocol
--------
* **Data** (:func:`synthaug.datasets.simulations.make_ring`, the defaults): ``d = 5``,
  ``n0 = 4000``, ``n1 = 200`` (``D = 3800``); majority with correlated ``(x1, x2)`` (0.5)
  and a 30 % component moved by +1.5 on ``x1``; minority a noisy ring in ``(x1, x2)``
  (centre (4.8, 0), radius 2.2, radial SD 0.12, noise SD 0.08, other coordinates
  ``N(0, 0.08^2)``). Balanced test set of ``--n-test`` rows per class (reference: 10k).
  Repetition ``r`` draws data with ``seed_of(5, r)``.
* **Generator**: :class:`synthaug.generators.JitterGenerator` (``scale="fixed"``,
  ``sigma = 1``): bootstrap of minority rows plus ``N(0, I)`` noise.
* **Model**: ``Pipeline(RBFSampler(gamma = 1 / (d Var X), n_components = 100),
  LogisticRegression(C = 2))`` (``Var X`` the variance of all training entries, the
  RBFSampler seeded per repetition), so ``p = 101`` for the diagnostics.
* **Curve**: the jitter generator fitted on all training rows, one pool; ``n_tilde =
  round(gamma D)`` for ``gamma`` in 0, 0.25, ..., 2 (nested prefixes); balanced test log
  loss of each fit. ``gamma = 1`` is **full balancing**.
* **TG-VTSS**: :class:`synthaug.search.TGVTSS` (5-fold CV selection with per-fold
  rescaling and nested prefixes, ``gqs_cv = 3``, alpha 0.05, threshold 10), refitted by the
  library on all training rows; its test loss is also recomputed with the curve's pool at
  the chosen size ("same pool"), which isolates the size choice from pool noise.
* **Plain VTSS** (``--no-vtss`` skips it): :class:`synthaug.search.VTSS`, gamma in
  0.5..1.5 (21 values), 5-fold CV.
* Paired differences against full balancing on each repetition's own test set (mean, SE
  over repetitions); distribution of the selected gamma and of the diagnostics (regime,
  realistic / biased, GQS, alignment, ``n_th``).

Deviations from the reference setup: far fewer repetitions (CPU budget; no count is
stated for E5, the reference default is 100); a coarser curve (9 sizes); the test set
size is an option.

Run ``OMP_NUM_THREADS=1 python experiments/vtss/e5_ring_jitter.py --reps 20 --n-test 10000``
(the recorded run; single-threaded BLAS is much faster on a shared machine).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _common import Timer, finish, mean_se, new_figure, seed_of
from sklearn.kernel_approximation import RBFSampler
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from synthaug.datasets.simulations import make_ring
from synthaug.generators import JitterGenerator
from synthaug.metrics import balanced_log_loss
from synthaug.search import TGVTSS, VTSS

NAME = "e5_ring_jitter"
CURVE_GAMMAS = np.round(np.linspace(0.0, 2.0, 9), 3)
I_D = int(np.argmin(np.abs(CURVE_GAMMAS - 1.0)))


def model(X: np.ndarray, seed: int):
    gamma = 1.0 / (X.shape[1] * X.var())
    return make_pipeline(RBFSampler(gamma=gamma, n_components=100, random_state=seed),
                         LogisticRegression(C=2, max_iter=5000))


def generator() -> JitterGenerator:
    return JitterGenerator(scale="fixed", sigma=1.0)


def loss(est, X, y) -> float:
    return balanced_log_loss(y, est.predict_proba(X)[:, 1])


def fit_aug(est, X, y, pool, size):
    Xa = np.vstack([X, pool[:size]])
    ya = np.concatenate([y, np.ones(size, dtype=y.dtype)])
    return est.fit(Xa, ya)


def one_rep(r: int, n_test: int, do_vtss: bool) -> dict:
    sim = make_ring(n_test=n_test, random_state=seed_of(5, r))
    X, y, Xt, yt = sim.X_train, sim.y_train, sim.X_test, sim.y_test
    D = sim.gap
    seed = seed_of(55, r)
    est = model(X, seed)
    tg = TGVTSS(est, generator(), cv=5, gqs_cv=3, random_state=seed).fit(X, y)
    pool = generator().fit(X, y, target_class=1).sample(max(2 * D, tg.best_size_),
                                                        random_state=seed_of(555, r))
    curve = [loss(fit_aug(model(X, seed), X, y, pool, round(g * D)), Xt, yt)
             for g in CURVE_GAMMAS]
    q = tg.diagnostics_["quality"] or {}
    out = {"rep": r, "D": D, "curve": curve, "loss_D": curve[I_D],
           "loss_tg": loss(tg, Xt, yt),
           "loss_tg_same_pool": loss(fit_aug(model(X, seed), X, y, pool, tg.best_size_),
                                     Xt, yt),
           "n_tg": tg.best_size_, "gamma_tg": tg.best_size_ / D,
           "regime": tg.diagnostics_["regime"],
           "T_sym": tg.diagnostics_["symmetry"]["statistic"],
           "cutoff": tg.diagnostics_["symmetry"]["cutoff"],
           "gqs": q.get("gqs"), "label": q.get("label"),
           "cos": tg.diagnostics_["alignment"], "n_th": tg.diagnostics_["theory_target"],
           "n_candidates": len(tg.diagnostics_["candidates"])}
    if do_vtss:
        vt = VTSS(est, generator(), cv=5, random_state=seed).fit(X, y)
        out.update(loss_vtss=loss(vt, Xt, yt), n_vtss=vt.best_size_,
                   gamma_vtss=vt.best_size_ / D)
    return out


def summarise(reps: list[dict]) -> dict:
    curve = np.array([r["curve"] for r in reps])
    base = curve[:, I_D]
    s = {"gammas": CURVE_GAMMAS.tolist(), "curve_mean": curve.mean(axis=0).tolist(),
         "curve_se": (curve.std(axis=0, ddof=1) / np.sqrt(len(reps))).tolist()
         if len(reps) > 1 else None,
         "curve_min_gamma": float(CURVE_GAMMAS[int(np.argmin(curve.mean(axis=0)))]),
         "loss_D": mean_se(base), "methods": {}}
    for key in ("loss_tg", "loss_tg_same_pool", "loss_vtss"):
        if key not in reps[0]:
            continue
        v = np.array([r[key] for r in reps])
        s["methods"][key] = {"mean_loss": mean_se(v), "minus_D": mean_se(v - base),
                             "better_than_D_share": float(np.mean(v < base)),
                             "minus_per_rep_curve_min": mean_se(v - curve.min(axis=1))}
    for key in ("gamma_tg", "gamma_vtss"):
        if key in reps[0]:
            g = [r[key] for r in reps]
            s[f"{key}_median"] = float(np.median(g))
            s[f"{key}_range"] = [float(min(g)), float(max(g))]
    asym = [r for r in reps if r["regime"] == "local asymmetry"]
    s["diagnostics"] = {"asymmetry_share": len(asym) / len(reps),
                        "T_sym_median": float(np.median([r["T_sym"] for r in reps])),
                        "cutoff": reps[0]["cutoff"]}
    if asym:
        g = [r["gqs"] for r in asym]
        nth = [r["n_th"] / r["D"] for r in asym if r["n_th"] is not None]
        s["diagnostics"].update(
            realistic_share=float(np.mean([r["label"] == "realistic" for r in asym])),
            gqs_median=float(np.median(g)), gqs_range=[float(min(g)), float(max(g))],
            cos_median=float(np.median([r["cos"] for r in asym])),
            n_th_over_D_median=float(np.median(nth)) if nth else None,
            n_th_defined_share=len(nth) / len(asym))
    return s


def plot(reps: list[dict], s: dict):
    fig, axes = new_figure(1, 2, (5.5, 4.2))
    D = reps[0]["D"]
    ax = axes[0, 0]
    m = np.array(s["curve_mean"])
    ax.plot(CURVE_GAMMAS * D, m, marker="o", label="jitter curve (test)")
    if s["curve_se"] is not None:
        se = np.array(s["curve_se"])
        ax.fill_between(CURVE_GAMMAS * D, m - 1.96 * se, m + 1.96 * se, alpha=0.2)
    for (key, v), c in zip(s["methods"].items(), ("C3", "C1", "C2")):
        ax.axhline(v["mean_loss"][0], color=c, ls="--", lw=1,
                   label=f"{key[5:]}: {v['mean_loss'][0]:.4f}")
    ax.axvline(D, color="grey", lw=0.8, label="full balancing")
    ax.set_xlabel("n_tilde (synthetic rows)")
    ax.set_ylabel("balanced test log loss")
    ax.set_title(f"E5 ring + jitter(sigma=1), RFF logistic, {len(reps)} reps")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    bins = np.linspace(0, 2, 41)
    ax.hist([r["gamma_tg"] for r in reps], bins=bins, alpha=0.6, label="TG-VTSS")
    if "gamma_vtss" in reps[0]:
        ax.hist([r["gamma_vtss"] for r in reps], bins=bins, alpha=0.6, label="VTSS")
    ax.axvline(1.0, color="grey", ls="--")
    ax.set_xlabel("selected gamma = n_tilde / D")
    ax.set_ylabel("repetitions")
    ax.set_title("selected sizes")
    ax.legend(fontsize=7)
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="repetitions (default 20)")
    parser.add_argument("--n-test", type=int, default=10_000, help="test rows per class")
    parser.add_argument("--no-vtss", action="store_true", help="skip plain VTSS")
    args = parser.parse_args(argv)
    timer = Timer()
    reps = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for r in range(args.reps):
            x = one_rep(r, args.n_test, not args.no_vtss)
            reps.append(x)
            print(f"rep {r}: D {x['loss_D']:.4f} TG {x['loss_tg']:.4f} "
                  f"(same pool {x['loss_tg_same_pool']:.4f}, gamma {x['gamma_tg']:.2f}) "
                  f"VTSS {x.get('loss_vtss', float('nan')):.4f} {x['regime']} "
                  f"GQS {x['gqs'] if x['gqs'] is None else round(x['gqs'], 1)} "
                  f"[{timer()} s]", flush=True)
    s = summarise(reps)
    print({k: v for k, v in s.items() if k not in ("curve_mean", "curve_se", "gammas")})
    finish(NAME, plot(reps, s), {"experiment": "E5 ring with jitter, RFF logistic",
                                 "sizes": vars(args), "summary": s, "reps": reps}, timer)


if __name__ == "__main__":
    main()
