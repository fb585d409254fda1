"""Experiment A: the best augmentation policy against the imbalance ratio.

Binary digits 3 (majority) vs 8 (minority) at r in {1, 0.5, 0.25, 0.1, 0.05, 0.025}; the
small CNN with plain SGD training (batch 32, 100 epochs, no SAM, no smoothing) and one
augmentation policy at a time: none, shift (light: +-1 pixel), trivial and affine_strong
(strong) and generator (synthaug SMOTE rows of the minority, fresh each epoch, so each
epoch is balanced; k_neighbors = min(5, n_minor - 1)). Balanced accuracy and minority
recall on a balanced test set, mean and standard error over seeds; the best policy per r
and its gain over none.

``--defaults`` (written to ``results/exp_a_defaults.json``) checks the classifier's own
defaults (SAM-A, class-conditional smoothing, batch "auto", policy "shift") against the
same defaults with ``augmentation="generator"`` at r in {0.1, 0.05, 0.025}.

    python experiments/nn/exp_a.py              # full grid, 5 seeds
    python experiments/nn/exp_a.py --quick      # 3 ratios x 3 seeds, 40 epochs
    python experiments/nn/exp_a.py --defaults   # the recipe's defaults, 3 seeds
"""

from __future__ import annotations

import time

import numpy as np
from common import (
    QUICK_RATIOS,
    RATIOS,
    binary_task,
    figure,
    n_seeds,
    parser,
    plain_cnn,
    save,
    save_figure,
    scores,
    summarise,
)

POLICIES = ("none", "shift", "trivial", "affine_strong", "generator")
MEASURES = ["balanced_accuracy", "minority_recall", "majority_recall", "balanced_log_loss",
            "ece"]


def defaults(args) -> None:
    from synthaug.classifiers import ImbalancedCNNClassifier
    from synthaug.generators import SMOTEGenerator

    started = time.time()
    ratios = (0.025,) if args.quick else (0.1, 0.05, 0.025)
    seeds = n_seeds(args, 3)
    rows = []
    for seed in range(seeds):
        for r in ratios:
            task = binary_task(seed, r)
            for name, extra in (("defaults", {}),
                                ("defaults + generator", {
                                    "augmentation": "generator",
                                    "augmentation_generator": SMOTEGenerator(
                                        k_neighbors=min(5, task["n_minor"] - 1))})):
                clf = ImbalancedCNNClassifier(device="cpu", random_state=seed,
                                              max_epochs=40 if args.quick else 100, **extra)
                clf.fit(task["X_train"], task["y_train"])
                s = scores(task["y_test"], clf.predict_proba(task["X_test"]))
                rows.append({"seed": seed, "r": r, "config": name,
                             "batch_size": clf.batch_size_, **s})
    save("exp_a_defaults", {"experiment": "A, the classifier's defaults",
                            "seeds": seeds, "ratios": list(ratios),
                            "summary": summarise(rows, ["r", "config"], MEASURES),
                            "runs": rows}, started, args.quick)


def main() -> None:
    p = parser(__doc__.splitlines()[0], seeds=5)
    p.add_argument("--defaults", action="store_true",
                   help="run only the check of the classifier's defaults")
    args = p.parse_args()
    if args.defaults:
        defaults(args)
        return
    started = time.time()
    ratios = QUICK_RATIOS if args.quick else RATIOS
    epochs = 40 if args.quick else 100
    seeds = n_seeds(args, 5)
    rows = []
    for seed in range(seeds):
        for r in ratios:
            task = binary_task(seed, r)
            for policy in POLICIES:
                extra = {}
                if policy == "generator":
                    # The default "smote" needs 6 minority rows (k_neighbors=5); with
                    # fewer, k drops to n_minor - 1.
                    from synthaug.generators import SMOTEGenerator

                    extra["augmentation_generator"] = SMOTEGenerator(
                        k_neighbors=min(5, task["n_minor"] - 1))
                clf = plain_cnn(augmentation=policy, max_epochs=epochs, random_state=seed,
                                **extra)
                clf.fit(task["X_train"], task["y_train"])
                s = scores(task["y_test"], clf.predict_proba(task["X_test"]))
                rows.append({"seed": seed, "r": r, "policy": policy,
                             "n_minor": task["n_minor"], **s})
    summary = summarise(rows, ["r", "policy"], MEASURES)
    best = []
    for r in ratios:
        cells = {e["policy"]: e for e in summary if e["r"] == r}
        top = max(cells, key=lambda p: cells[p]["balanced_accuracy"]["mean"])
        paired = {}
        for measure in ("balanced_accuracy", "minority_recall"):
            diffs = [a[measure] - b[measure] for a in rows for b in rows
                     if a["r"] == r == b["r"] and a["seed"] == b["seed"]
                     and a["policy"] == top and b["policy"] == "none"]
            paired[measure] = {"mean": float(np.mean(diffs)),
                               "se": float(np.std(diffs, ddof=1) / np.sqrt(len(diffs)))
                               if len(diffs) > 1 else 0.0}
        spread = (max(c["balanced_accuracy"]["mean"] for c in cells.values())
                  - min(c["balanced_accuracy"]["mean"] for c in cells.values()))
        best.append({"r": r, "best_policy": top,
                     "best_ba": cells[top]["balanced_accuracy"],
                     "gain_over_none": paired, "ba_spread_across_policies": spread})
    overall = {p: float(np.mean([e["balanced_accuracy"]["mean"] for e in summary
                                 if e["policy"] == p])) for p in POLICIES}
    payload = {"experiment": "A", "task": "digits 3 (majority) vs 8 (minority)",
               "model": "CNN conv16-conv32-pool-linear, SGD lr 0.01 m 0.9 wd 5e-4, cosine, "
                        f"batch 32, {epochs} epochs, no SAM, no smoothing",
               "seeds": seeds, "ratios": list(ratios), "policies": list(POLICIES),
               "best_per_ratio": best, "mean_ba_over_ratios": overall,
               "best_fixed_policy": max(overall, key=overall.get),
               "summary": summary, "runs": rows}
    save("exp_a", payload, started, args.quick)

    fig, axes = figure(1, 2)
    for ax, measure, label in ((axes[0, 0], "balanced_accuracy", "balanced accuracy"),
                               (axes[0, 1], "minority_recall", "minority recall")):
        for policy in POLICIES:
            cells = sorted((e for e in summary if e["policy"] == policy), key=lambda e: e["r"])
            ax.errorbar([e["r"] for e in cells], [e[measure]["mean"] for e in cells],
                        yerr=[e[measure]["se"] for e in cells], marker="o", capsize=2,
                        label=policy)
        ax.set_xscale("log")
        ax.set_xlabel("imbalance ratio r = n_min / n_maj")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"A: augmentation policy vs r (digits 3 vs 8, CNN, {seeds} seeds, mean ± SE)")
    save_figure(fig, "exp_a", args.quick)


if __name__ == "__main__":
    main()
