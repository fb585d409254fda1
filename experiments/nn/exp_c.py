"""Experiment C: where SGD, SAM and SAM-A put the decision boundary on a 2-D toy.

make_moons (noise 0.2): 1,000 majority points (moon 0) against 20 minority points (moon
1) for training, 5,000 + 5,000 for a balanced test set. An MLP 2-64-64-2 trained full
batch (one step per epoch) for 2,000 steps, SGD lr 0.1 (at the default 0.01 the
full-batch network has not fitted the minority after 2,000 steps) momentum 0.9, cosine, no
smoothing, with: plain SGD, SAM and SAM-A "weighted_direction" (the authors' code) at rho
0.05 and 0.2, and SAM-A "per_class_radius" at rho 0.01 and 0.05 (its minority radius is
rho * 50 here). Measures: the mean distance from the
minority training points to the decision boundary (boundary located on a 600 x 600 grid;
also signed: positive when the point lies on the minority side), minority recall and
balanced accuracy on the test set. When the whole grid is predicted majority, the
distance to the grid's edge stands in (a lower bound). A second part looks for the fewest
steps at which SAM-A's mean distance exceeds SGD's, averaged over 3 seeds (for a fast
behavioural test).

    python experiments/nn/exp_c.py            # 5 seeds
    python experiments/nn/exp_c.py --quick    # 3 seeds, 500 steps, rho 0.05
"""

from __future__ import annotations

import time

import numpy as np
from common import figure, mean_se, n_seeds, parser, save, save_figure

from synthaug.classifiers import ImbalancedMLPClassifier
from synthaug.metrics import balanced_accuracy

METHODS = (("sgd", "none", "weighted_direction"), ("sam", "sam", "weighted_direction"),
           ("sam-a weighted_direction", "sam-a", "weighted_direction"),
           ("sam-a per_class_radius", "sam-a", "per_class_radius"))
GRID = 600
LR = 0.1
RHOS = {"sam": (0.05, 0.2), "weighted_direction": (0.05, 0.2),
        "per_class_radius": (0.01, 0.05)}


def moons(seed: int, n_major: int = 1000, n_minor: int = 20, n_test: int = 5000):
    from sklearn.datasets import make_moons

    X, y = make_moons(2 * (n_major + n_test) + 10, noise=0.2, random_state=seed)
    i0, i1 = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    train = np.concatenate([i0[:n_major], i1[:n_minor]])
    test = np.concatenate([i0[n_major:n_major + n_test], i1[n_minor:n_minor + n_test]])
    return X[train], y[train], X[test], y[test]


def fit(X, y, seed, steps, sam, mode, rho):
    return ImbalancedMLPClassifier(
        hidden_layer_sizes=(64, 64), batch_size=len(y), max_epochs=steps,
        label_smoothing=0.0, sam=sam, sam_mode=mode, rho=rho, augmentation="none",
        learning_rate=LR,
        device="cpu", random_state=seed).fit(X, y)


def grid_axes():
    return np.linspace(-2.0, 3.0, GRID), np.linspace(-1.6, 2.1, GRID)


def boundary(clf):
    """Predicted minority probability on the grid and the boundary points (midpoints of
    neighbouring grid cells with different predictions)."""
    gx, gy = grid_axes()
    xx, yy = np.meshgrid(gx, gy)
    p = clf.predict_proba(np.c_[xx.ravel(), yy.ravel()])[:, 1].reshape(xx.shape)
    lab = p >= 0.5
    pts = []
    h = lab[:, 1:] != lab[:, :-1]
    pts.append(np.c_[((xx[:, 1:] + xx[:, :-1]) / 2)[h], yy[:, 1:][h]])
    v = lab[1:, :] != lab[:-1, :]
    pts.append(np.c_[xx[1:, :][v], ((yy[1:, :] + yy[:-1, :]) / 2)[v]])
    return p, np.vstack(pts)


def measure(clf, X, y, X_test, y_test):
    from scipy.spatial import cKDTree

    p, pts = boundary(clf)
    minor = X[y == 1]
    side = clf.predict_proba(minor)[:, 1] >= 0.5
    if len(pts):
        dist = cKDTree(pts).query(minor)[0]
    else:  # no boundary inside the grid: at least the distance to the grid's edge
        gx, gy = grid_axes()
        dist = np.minimum.reduce([minor[:, 0] - gx[0], gx[-1] - minor[:, 0],
                                  minor[:, 1] - gy[0], gy[-1] - minor[:, 1]])
    pred = clf.predict(X_test)
    return p, {"mean_distance": float(np.mean(dist)),
               "mean_signed_distance": float(np.mean(np.where(side, dist, -dist))),
               "boundary_in_grid": bool(len(pts)),
               "train_minority_recall": float(side.mean()),
               "minority_recall": float((pred[y_test == 1] == 1).mean()),
               "balanced_accuracy": float(balanced_accuracy(y_test, pred))}


def main() -> None:
    p = parser(__doc__.splitlines()[0], seeds=5)
    p.add_argument("--steps", type=int, default=None, help="full-batch steps (default 2000)")
    args = p.parse_args()
    started = time.time()
    seeds = n_seeds(args, 5)
    steps = args.steps or (500 if args.quick else 2000)
    def rhos_of(sam, mode):
        if sam == "none":
            return (0.0,)
        return RHOS["sam" if sam == "sam" else mode][:1 if args.quick else 2]

    keys = ["mean_distance", "mean_signed_distance", "boundary_in_grid",
            "train_minority_recall",
            "minority_recall", "balanced_accuracy"]
    rows, maps = [], {}
    for seed in range(seeds):
        X, y, X_test, y_test = moons(seed)
        for name, sam, mode in METHODS:
            for rho in rhos_of(sam, mode):
                clf = fit(X, y, seed, steps, sam, mode, rho)
                prob, m = measure(clf, X, y, X_test, y_test)
                rows.append({"seed": seed, "method": name, "rho": rho, **m})
                if seed == 0:
                    maps[(name, rho)] = prob
    summary = []
    for name, sam, mode in METHODS:
        for rho in rhos_of(sam, mode):
            cell = [r for r in rows if r["method"] == name and r["rho"] == rho]
            summary.append({"method": name, "rho": rho,
                            **{k: mean_se([c[k] for c in cell]) for k in keys}})

    # Fewest steps at which SAM-A's (weighted_direction, rho 0.05) mean distance beats
    # SGD's on average over seeds 0-2, for both the unsigned and the signed distance.
    search = []
    for s in ((100, 250, 500) if args.quick else (100, 250, 500, 1000)):
        entry = {"steps": s}
        per: dict[str, dict[str, list[float]]] = {}
        for name, sam, rho in (("sgd", "none", 0.0),
                               ("sam-a weighted_direction", "sam-a", 0.05)):
            per[name] = {"mean_distance": [], "mean_signed_distance": [],
                         "balanced_accuracy": []}
            for seed in range(3):
                X, y, X_test, y_test = moons(seed)
                m = measure(fit(X, y, seed, s, sam, "weighted_direction", rho), X, y,
                            X_test, y_test)[1]
                for k in per[name]:
                    per[name][k].append(m[k])
        entry["per_seed"] = per
        for k in ("mean_distance", "mean_signed_distance"):
            a, b = per["sam-a weighted_direction"][k], per["sgd"][k]
            entry[k] = {"sam-a": float(np.mean(a)), "sgd": float(np.mean(b)),
                        "holds_on_mean": bool(np.mean(a) > np.mean(b)),
                        "holds_every_seed": bool(all(x > z for x, z in zip(a, b,
                                                                             strict=True)))}
        search.append(entry)
    full = {}
    for name, rho in (("sam-a weighted_direction", 0.05), ("sam-a per_class_radius", 0.01),
                      ("sam-a per_class_radius", 0.05)):
        for k in ("mean_distance", "mean_signed_distance"):
            a = [r[k] for r in rows if r["method"] == name and r["rho"] == rho
                 and r["seed"] < 3]
            b = [r[k] for r in rows if r["method"] == "sgd" and r["seed"] < 3]
            if a:
                full[f"{name} rho={rho:g} {k}"] = {
                    "steps": steps, "sam_a": float(np.mean(a)), "sgd": float(np.mean(b)),
                    "holds": bool(np.mean(a) > np.mean(b))}
    payload = {"experiment": "C", "data": "make_moons noise 0.2, 1000 vs 20 train, "
               "5000 + 5000 test", "model": f"MLP 2-64-64-2, full batch, SGD lr {LR} m 0.9 "
               f"wd 5e-4, cosine, {steps} steps, no smoothing", "seeds": seeds,
               "rhos": RHOS, "summary": summary, "step_search_rho_0.05_3_seeds": search,
               "at_full_steps_3_seeds": full, "runs": rows}
    save("exp_c", payload, started, args.quick)

    X, y, _, _ = moons(0)
    n_rows = 1 if args.quick else 2
    fig, axes = figure(n_rows, len(METHODS), size=(3.2, 2.8))
    gx, gy = grid_axes()
    for i in range(n_rows):
        for j, (name, sam, mode) in enumerate(METHODS):
            ax = axes[i, j]
            rho = rhos_of(sam, mode)[min(i, len(rhos_of(sam, mode)) - 1)]
            prob = maps[(name, rho)]
            ax.contourf(gx, gy, prob, levels=[0, 0.5, 1], colors=["#dde6f5", "#f7d9d4"])
            ax.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=1)
            ax.scatter(*X[y == 0].T, s=2, c="#4c72b0", alpha=0.4)
            ax.scatter(*X[y == 1].T, s=14, c="#c44e52", edgecolors="k", linewidths=0.5)
            cell = next(e for e in summary if e["method"] == name and e["rho"] == rho)
            ax.set_title(f"{name}" + ("" if sam == "none" else f", rho={rho:g}") +
                         f"\nd={cell['mean_distance']['mean']:.3f}, "
                         f"signed {cell['mean_signed_distance']['mean']:.3f}, "
                         f"BA={cell['balanced_accuracy']['mean']:.3f}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle(f"C: decision regions, seed 0 ({steps} full-batch steps); d and BA: mean "
                 f"over {seeds} seeds", fontsize=10)
    save_figure(fig, "exp_c", args.quick)


if __name__ == "__main__":
    main()
