"""Experiment B: batch size against the imbalance ratio.

Binary digits 3 vs 8 at each r of grid A; the small CNN with plain SGD (no SAM, no
smoothing, no augmentation), a fixed number of epochs (100: smaller batches take more
steps) and batch sizes 4, 8, 16, 32, 64 and the full training set. Balanced accuracy is
normalised per r by the batch-32 value. Also records where ``suggest_batch_size`` (the
``batch_size="auto"`` rule) lands against the best batch size per r, and the one-vs-rest
task's ratios for the same check at larger n.

Secondary setting (``--fixed-steps``, written to ``results/exp_b_steps.json``): at r in
{0.1, 0.05, 0.025}, batch sizes 4, 16 and 32 each get the number of optimiser steps that
batch 4 takes in 100 epochs (more epochs for the larger batches), to separate the batch
size from the step count.

    python experiments/nn/exp_b.py                 # full grid, 3 seeds
    python experiments/nn/exp_b.py --quick         # 3 ratios x 3 seeds, 40 epochs
    python experiments/nn/exp_b.py --fixed-steps   # the equal-steps control
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
    ovr_task,
    parser,
    plain_cnn,
    save,
    save_figure,
    scores,
    summarise,
)

from synthaug.classifiers import suggest_batch_size

BATCHES = (4, 8, 16, 32, 64, "full")
MEASURES = ["balanced_accuracy", "minority_recall", "balanced_log_loss", "norm_ba"]


def fixed_steps(args) -> None:
    started = time.time()
    ratios = (0.025,) if args.quick else (0.1, 0.05, 0.025)
    base_epochs = 40 if args.quick else 100
    seeds = n_seeds(args, 3)
    rows = []
    for seed in range(seeds):
        for r in ratios:
            task = binary_task(seed, r)
            n = len(task["y_train"])
            target = base_epochs * -(-n // 4)
            for b in (4, 16, 32):
                epochs = round(target / -(-n // b))
                clf = plain_cnn(batch_size=b, max_epochs=epochs, random_state=seed)
                clf.fit(task["X_train"], task["y_train"])
                s = scores(task["y_test"], clf.predict_proba(task["X_test"]))
                rows.append({"seed": seed, "r": r, "batch": str(b), "epochs": epochs,
                             "steps": epochs * -(-n // b), **s})
    summary = summarise(rows, ["r", "batch"], ["balanced_accuracy", "minority_recall",
                                               "steps"])
    save("exp_b_steps", {"experiment": "B, equal optimiser steps",
                         "model": "CNN, SGD, cosine over the epochs, no SAM/smoothing/"
                                  "augmentation", "seeds": seeds, "ratios": list(ratios),
                         "summary": summary, "runs": rows}, started, args.quick)


def main() -> None:
    p = parser(__doc__.splitlines()[0], seeds=3)
    p.add_argument("--fixed-steps", action="store_true",
                   help="run only the equal-steps control")
    args = p.parse_args()
    if args.fixed_steps:
        fixed_steps(args)
        return
    started = time.time()
    ratios = QUICK_RATIOS if args.quick else RATIOS
    epochs = 40 if args.quick else 100
    seeds = n_seeds(args, 3)
    rows = []
    for seed in range(seeds):
        for r in ratios:
            task = binary_task(seed, r)
            n = len(task["y_train"])
            per_seed = []
            for b in BATCHES:
                size = n if b == "full" else b
                clf = plain_cnn(batch_size=size, max_epochs=epochs, random_state=seed)
                clf.fit(task["X_train"], task["y_train"])
                s = scores(task["y_test"], clf.predict_proba(task["X_test"]))
                per_seed.append({"seed": seed, "r": r, "batch": str(b), "batch_rows": size,
                                 "n_train": n, "steps": epochs * -(-n // size), **s})
            ref = next(e["balanced_accuracy"] for e in per_seed if e["batch"] == "32")
            for e in per_seed:
                e["norm_ba"] = e["balanced_accuracy"] / ref
            rows += per_seed
    summary = summarise(rows, ["r", "batch"], MEASURES)
    verdict = []
    for r in ratios:
        cells = {e["batch"]: e for e in summary if e["r"] == r}
        best = max(cells, key=lambda b: cells[b]["balanced_accuracy"]["mean"])
        auto = [suggest_batch_size(binary_task(seed, r)["y_train"]) for seed in range(seeds)]
        auto_b = str(auto[0]) if len(set(auto)) == 1 else "varies"
        verdict.append({
            "r": r, "best_batch": best, "best_ba": cells[best]["balanced_accuracy"],
            "smallest_batch_norm_ba": cells["4"]["norm_ba"],
            "full_batch_norm_ba": cells["full"]["norm_ba"],
            "suggest_batch_size": auto,
            "suggested_ba": cells[auto_b]["balanced_accuracy"] if auto_b in cells else None,
            "ba_range_across_batches": (max(c["balanced_accuracy"]["mean"]
                                            for c in cells.values())
                                        - min(c["balanced_accuracy"]["mean"]
                                              for c in cells.values()))})
    ovr = [{"r": float(r), "n_major": t["n_major"], "n_minor": t["n_minor"],
            "suggest_batch_size": suggest_batch_size(t["y_train"])}
           for r in np.logspace(-2.5, -1, 6) for t in [ovr_task(0, float(r))]]
    payload = {"experiment": "B", "task": "digits 3 (majority) vs 8 (minority)",
               "model": "CNN, SGD lr 0.01 m 0.9 wd 5e-4, cosine, "
                        f"{epochs} epochs (fixed), no SAM, no smoothing, no augmentation",
               "seeds": seeds, "ratios": list(ratios), "batches": [str(b) for b in BATCHES],
               "normalisation": "balanced accuracy / balanced accuracy at batch 32, per seed",
               "per_ratio": verdict, "suggest_batch_size_one_vs_rest": ovr,
               "summary": summary, "runs": rows}
    save("exp_b", payload, started, args.quick)

    fig, axes = figure(1, 2)
    xs = np.arange(len(BATCHES))
    for r in ratios:
        cells = {e["batch"]: e for e in summary if e["r"] == r}
        for ax, measure in ((axes[0, 0], "norm_ba"), (axes[0, 1], "balanced_accuracy")):
            ax.errorbar(xs, [cells[str(b)][measure]["mean"] for b in BATCHES],
                        yerr=[cells[str(b)][measure]["se"] for b in BATCHES], marker="o",
                        capsize=2, label=f"r={r:g}")
    for ax, label in ((axes[0, 0], "BA / BA(batch 32)"), (axes[0, 1], "balanced accuracy")):
        ax.set_xticks(xs, [str(b) for b in BATCHES])
        ax.set_xlabel(f"batch size ({epochs} epochs each)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0, 0].axhline(1.0, color="k", lw=0.8)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"B: batch size vs r (digits 3 vs 8, CNN, {seeds} seeds, mean ± SE)")
    save_figure(fig, "exp_b", args.quick)


if __name__ == "__main__":
    main()
