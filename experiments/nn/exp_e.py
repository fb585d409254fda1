"""Experiment E: label smoothing on a few points of grid A.

Binary digits 3 vs 8 at r in {0.5, 0.1, 0.025}; the small CNN with plain SGD (batch 32,
100 epochs, no SAM) and the best fixed augmentation policy of experiment A (read from
``results/exp_a.json``; "shift" when that file is missing), with: no smoothing, uniform
smoothing 0.1, class-conditional smoothing (eps0 0.05, alpha 0.5, cap 0.5: the default) and
class-conditional with eps0 0.1. Minority recall, balanced accuracy, balanced log loss and
expected calibration error (top-label, 10 bins) on the balanced test set.

    python experiments/nn/exp_e.py            # 3 ratios, 5 seeds
    python experiments/nn/exp_e.py --quick    # 2 ratios, 3 seeds, 40 epochs
"""

from __future__ import annotations

import json
import time

from common import (
    RESULTS,
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

VARIANTS = {
    "none": {"label_smoothing": 0.0},
    "uniform 0.1": {"label_smoothing": 0.1, "smoothing": "uniform"},
    "class-conditional 0.05": {"label_smoothing": 0.05, "smoothing": "class-conditional"},
    "class-conditional 0.1": {"label_smoothing": 0.1, "smoothing": "class-conditional"},
}
MEASURES = ["balanced_accuracy", "minority_recall", "balanced_log_loss", "ece"]


def best_policy() -> str:
    path = RESULTS / "exp_a.json"
    if path.exists():
        return json.loads(path.read_text())["best_fixed_policy"]
    return "shift"


def main() -> None:
    args = parser(__doc__.splitlines()[0], seeds=5).parse_args()
    started = time.time()
    ratios = (0.1, 0.025) if args.quick else (0.5, 0.1, 0.025)
    epochs = 40 if args.quick else 100
    seeds = n_seeds(args, 5)
    policy = best_policy()
    rows = []
    for seed in range(seeds):
        for r in ratios:
            task = binary_task(seed, r)
            extra = {}
            if policy == "generator":
                from synthaug.generators import SMOTEGenerator

                extra["augmentation_generator"] = SMOTEGenerator(
                    k_neighbors=min(5, task["n_minor"] - 1))
            for name, params in VARIANTS.items():
                clf = plain_cnn(augmentation=policy, max_epochs=epochs, random_state=seed,
                                **extra, **params)
                clf.fit(task["X_train"], task["y_train"])
                s = scores(task["y_test"], clf.predict_proba(task["X_test"]))
                rows.append({"seed": seed, "r": r, "smoothing": name,
                             "epsilons": clf.smoothing_.tolist(), **s})
    summary = summarise(rows, ["r", "smoothing"], MEASURES)
    payload = {"experiment": "E", "task": "digits 3 (majority) vs 8 (minority)",
               "policy": policy,
               "model": f"CNN, SGD, batch 32, {epochs} epochs, no SAM, augmentation {policy}",
               "seeds": seeds, "ratios": list(ratios), "variants": VARIANTS,
               "summary": summary, "runs": rows}
    save("exp_e", payload, started, args.quick)

    fig, axes = figure(1, 4, size=(3.4, 3.2))
    width = 0.8 / len(VARIANTS)
    for ax, measure in zip(axes[0], MEASURES, strict=True):
        for k, name in enumerate(VARIANTS):
            cells = [next(e for e in summary if e["r"] == r and e["smoothing"] == name)
                     for r in ratios]
            ax.bar([i + (k - 1.5) * width for i in range(len(ratios))],
                   [c[measure]["mean"] for c in cells], width,
                   yerr=[c[measure]["se"] for c in cells], capsize=2, label=name)
        ax.set_xticks(range(len(ratios)), [f"r={r:g}" for r in ratios])
        ax.set_title(measure.replace("_", " "), fontsize=9)
        ax.grid(alpha=0.3, axis="y")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"E: label smoothing (digits 3 vs 8, CNN, augmentation {policy}, {seeds} "
                 "seeds, mean ± SE)", fontsize=10)
    save_figure(fig, "exp_e", args.quick)


if __name__ == "__main__":
    main()
