"""E6: synthetic vs non-synthetic remedies with an MLP.

Protocol
--------
* **Data** (:func:`synthaug.datasets.simulations.make_heavy_tailed`, the defaults):
  ``d = 10`` (3 Student-t(2.2), 3 Gaussian with 10 % outliers at scale 6, 4 lognormal with
  sigma 1.1), small class shifts, a curved minority; ``n0 = 800``, ``n1 = 100``
  (``D = 700``); balanced test set of ``--n-test`` rows per class (reference: 5k). Repetition
  ``r`` draws data with ``seed_of(6, r)``.
* **Inputs** are standardised with a ``StandardScaler`` fitted on the training rows (also
  applied to the test rows); the generators and the MLP work in that space, so the
  generators are "fitted in standardised space" as in the reference setup.
* **Model**: sklearn ``MLPClassifier((64, 32), relu)``, solver adam with
  ``learning_rate_init = 2e-3``, L2 penalty ``alpha = 1e-3``, full batch
  (``batch_size`` = all rows), exactly 120 epochs (no early stop), float32 inputs,
  ``random_state`` fixed per repetition. Diagnostics use the library's last-layer
  linearisation.
* **Generators**: ``SMOTEGenerator(k_neighbors=3)``, ``JitterGenerator(scale="knn",
  c=0.08, k=3)``, ``ADASYNGenerator(k_neighbors=3)``.
* **Methods** (balanced test log loss on each repetition's own test set):

  - raw ERM (no weights, no synthetic rows);
  - class reweighting (sample weights ``n / (2 n_k)``);
  - tuned cost-sensitive weighting: minority weight ``w`` in {1, ..., 10} (majority 1),
    ``w`` chosen by stratified ``--cv``-fold CV on balanced log loss, then refitted;
  - full balancing with each generator (``n_tilde = D``);
  - :class:`synthaug.search.TGVTSS` with each generator (``cv = --cv`` selection folds,
    ``gqs_cv = 3``, alpha 0.05, threshold 10, ``warm_start=False``: warm-starting an MLP
    across candidates would continue training rather than refit, so each candidate is a
    fresh 120-epoch fit).

  Paired differences on the same test set: every method against ERM, and each TG-VTSS
  against full balancing with the same generator (mean, SE and 95 % t-interval over
  repetitions); the diagnosis distribution (regime, realistic / biased, GQS, chosen gamma).

Deviations from the reference setup (CPU budget: one MLP fit takes about 0.5-1 s here and
TG-VTSS with a biased diagnosis fits 41 candidates per fold): sklearn's adam with an L2
penalty instead of AdamW (decoupled weight decay); ``--cv 3`` selection folds in the
recorded run instead of 5 (for TG-VTSS and for the cost-sensitive tuning); very few
repetitions instead of 100 (``--max-seconds`` stops starting new repetitions after a time
budget); the scaler is fitted on all training rows, not per CV fold.

Run ``python experiments/vtss/e6_mlp_remedies.py --reps 10 --cv 3 --max-seconds 330``
(reference sizes: ``--reps 100 --cv 5 --n-test 5000``, several CPU-hours).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _common import Timer, finish, mean_se, new_figure, seed_of
from scipy import stats
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from synthaug.datasets.simulations import make_heavy_tailed
from synthaug.generators import ADASYNGenerator, JitterGenerator, SMOTEGenerator
from synthaug.metrics import balanced_log_loss
from synthaug.search import TGVTSS

NAME = "e6_mlp_remedies"
RATIOS = tuple(range(1, 11))
GENERATORS = {
    "smote": lambda: SMOTEGenerator(k_neighbors=3),
    "knn_jitter": lambda: JitterGenerator(scale="knn", c=0.08, k=3),
    "adasyn": lambda: ADASYNGenerator(k_neighbors=3),
}


def mlp(seed: int) -> MLPClassifier:
    return MLPClassifier(hidden_layer_sizes=(64, 32), activation="relu", solver="adam",
                         learning_rate_init=2e-3, alpha=1e-3, batch_size=1_000_000,
                         max_iter=120, tol=0.0, n_iter_no_change=10_000, shuffle=False,
                         random_state=seed)


def loss(est, X, y) -> float:
    return balanced_log_loss(y, est.predict_proba(X)[:, 1])


def weights(y: np.ndarray, w1: float) -> np.ndarray:
    return np.where(y == 1, float(w1), 1.0)


def tune_cost(X, y, seed: int, cv: int) -> tuple[int, list[float]]:
    folds = StratifiedKFold(cv, shuffle=True, random_state=seed)
    losses = np.zeros(len(RATIOS))
    for tr, va in folds.split(X, y):
        for i, w in enumerate(RATIOS):
            est = mlp(seed).fit(X[tr], y[tr], sample_weight=weights(y[tr], w))
            losses[i] += loss(est, X[va], y[va]) / cv
    return RATIOS[int(np.argmin(losses))], losses.tolist()


def one_rep(r: int, n_test: int, cv: int) -> dict:
    sim = make_heavy_tailed(n_test=n_test, random_state=seed_of(6, r))
    scaler = StandardScaler().fit(sim.X_train)
    X = scaler.transform(sim.X_train).astype(np.float32)
    Xt = scaler.transform(sim.X_test).astype(np.float32)
    y, yt = sim.y_train, sim.y_test
    D = sim.gap
    seed = seed_of(66, r)
    out: dict = {"rep": r, "D": D, "loss": {}, "diag": {}}
    out["loss"]["erm"] = loss(mlp(seed).fit(X, y), Xt, yt)
    n0, n1 = int((y == 0).sum()), int((y == 1).sum())
    bal = np.where(y == 1, len(y) / (2 * n1), len(y) / (2 * n0))
    out["loss"]["reweight"] = loss(mlp(seed).fit(X, y, sample_weight=bal), Xt, yt)
    w, cv_losses = tune_cost(X, y, seed, cv)
    out["cost_ratio"], out["cost_cv_losses"] = w, cv_losses
    out["loss"]["cost_tuned"] = loss(mlp(seed).fit(X, y, sample_weight=weights(y, w)), Xt, yt)
    for name, make in GENERATORS.items():
        pool = make().fit(X, y, target_class=1).sample(D, random_state=seed_of(666, r))
        Xa = np.vstack([X, np.asarray(pool, dtype=np.float32)])
        ya = np.concatenate([y, np.ones(D, dtype=y.dtype)])
        out["loss"][f"balance_{name}"] = loss(mlp(seed).fit(Xa, ya), Xt, yt)
        tg = TGVTSS(mlp(seed), make(), cv=cv, gqs_cv=3, warm_start=False,
                    random_state=seed).fit(X, y)
        out["loss"][f"tgvtss_{name}"] = loss(tg, Xt, yt)
        q = tg.diagnostics_["quality"] or {}
        out["diag"][name] = {"regime": tg.diagnostics_["regime"],
                             "T_sym": tg.diagnostics_["symmetry"]["statistic"],
                             "cutoff": tg.diagnostics_["symmetry"]["cutoff"],
                             "gqs": q.get("gqs"), "label": q.get("label"),
                             "cos": tg.diagnostics_["alignment"],
                             "n_th": tg.diagnostics_["theory_target"],
                             "n_candidates": len(tg.diagnostics_["candidates"]),
                             "n_tg": tg.best_size_, "gamma_tg": tg.best_size_ / D}
    return out


def t_interval(v: np.ndarray) -> list[float] | None:
    if v.size < 2:
        return None
    m, se = mean_se(v)
    h = float(stats.t.ppf(0.975, v.size - 1)) * se
    return [m - h, m + h]


def summarise(reps: list[dict]) -> dict:
    methods = list(reps[0]["loss"])
    L = {m: np.array([r["loss"][m] for r in reps]) for m in methods}
    s: dict = {"n_reps": len(reps), "methods": {}}
    for m in methods:
        s["methods"][m] = {"mean_loss": mean_se(L[m]), "t95": t_interval(L[m]),
                           "minus_erm": mean_se(L[m] - L["erm"])}
    for g in GENERATORS:
        diff = L[f"tgvtss_{g}"] - L[f"balance_{g}"]
        s["methods"][f"tgvtss_{g}"]["minus_balance"] = mean_se(diff)
        s["methods"][f"tgvtss_{g}"]["minus_balance_t95"] = t_interval(diff)
        d = [r["diag"][g] for r in reps]
        s[f"diag_{g}"] = {
            "regimes": [x["regime"] for x in d], "labels": [x["label"] for x in d],
            "gqs": [x["gqs"] for x in d], "gamma_tg": [x["gamma_tg"] for x in d],
            "T_sym": [x["T_sym"] for x in d], "cutoff": d[0]["cutoff"]}
    s["cost_ratios"] = [r["cost_ratio"] for r in reps]
    return s


def plot(reps: list[dict], s: dict):
    fig, axes = new_figure(1, 2, (6.0, 4.2))
    ax = axes[0, 0]
    names = list(s["methods"])
    means = [s["methods"][m]["mean_loss"][0] for m in names]
    ses = [s["methods"][m]["mean_loss"][1] for m in names]
    ses = [0.0 if (e is None or not np.isfinite(e)) else 1.96 * e for e in ses]
    colors = ["C7"] * 3 + [("C0" if m.startswith("balance") else "C3") for m in names[3:]]
    ax.barh(range(len(names)), means, xerr=ses, color=colors)
    for i, r in enumerate(reps):
        ax.plot([r["loss"][m] for m in names], range(len(names)), "k.", ms=3,
                label="repetitions" if i == 0 else None)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlim(min(means) - 0.1, max(means) + 0.1)
    ax.set_xlabel("balanced test log loss")
    ax.set_title(f"E6 MLP remedies, {len(reps)} reps")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for i, g in enumerate(GENERATORS):
        gam = s[f"diag_{g}"]["gamma_tg"]
        ax.plot(gam, [i] * len(gam), "o", ms=6, alpha=0.6)
    ax.axvline(1.0, color="grey", ls="--", label="full balancing")
    ax.set_yticks(range(len(GENERATORS)), list(GENERATORS))
    ax.set_xlim(-0.05, 2.05)
    ax.set_xlabel("TG-VTSS chosen gamma = n_tilde / D")
    ax.set_title("chosen sizes")
    ax.legend(fontsize=7)
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions (at most)")
    parser.add_argument("--cv", type=int, default=3, help="selection / tuning folds")
    parser.add_argument("--n-test", type=int, default=5000, help="test rows per class")
    parser.add_argument("--max-seconds", type=float, default=400.0,
                        help="start no new repetition after this many seconds")
    args = parser.parse_args(argv)
    timer = Timer()
    reps = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for r in range(args.reps):
            if reps and timer() > args.max_seconds:
                break
            x = one_rep(r, args.n_test, args.cv)
            reps.append(x)
            print(f"rep {r}: " + " ".join(f"{k} {v:.4f}" for k, v in x["loss"].items())
                  + f" | w {x['cost_ratio']} | "
                  + " ".join(f"{g}: {d['regime'][6:]}/{d['label']}/gqs "
                             f"{d['gqs'] if d['gqs'] is None else round(d['gqs'], 1)}/"
                             f"gamma {d['gamma_tg']:.2f}" for g, d in x["diag"].items())
                  + f" [{timer()} s]", flush=True)
    s = summarise(reps)
    print(s["methods"])
    finish(NAME, plot(reps, s),
           {"experiment": "E6 MLP, synthetic vs non-synthetic remedies",
            "sizes": {**vars(args), "reps_run": len(reps)}, "summary": s, "reps": reps},
           timer)


if __name__ == "__main__":
    main()
