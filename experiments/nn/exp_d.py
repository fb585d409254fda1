"""Experiment D: training ratio against test ratio.

Binary digits 3 vs 8: the small CNN with plain SGD (batch 32, 100 epochs, no SAM, no
smoothing, no augmentation) trained at each r_train of grid A, then scored with plain
accuracy on test sets whose minority is subsampled to ``max(1, round(n_major_test *
r_test))`` images for each r_test of the same grid. The accuracy is the expectation over
the random minority subsample, ``(n_maj rec_maj + k rec_min) / (n_maj + k)``, computed from
the recalls on the whole test pool of each digit (so it carries no subsampling noise).
Output: the accuracy matrix (mean and standard error over seeds), the best r_train per
r_test, and a heat map.

    python experiments/nn/exp_d.py            # 6 x 6 grid, 5 seeds
    python experiments/nn/exp_d.py --quick    # 3 x 3 grid, 3 seeds, 40 epochs
"""

from __future__ import annotations

import time

import numpy as np
from common import (
    QUICK_RATIOS,
    RATIOS,
    binary_task,
    figure,
    mean_se,
    n_seeds,
    parser,
    plain_cnn,
    save,
    save_figure,
)


def main() -> None:
    args = parser(__doc__.splitlines()[0], seeds=5).parse_args()
    started = time.time()
    ratios = QUICK_RATIOS if args.quick else RATIOS
    epochs = 40 if args.quick else 100
    seeds = n_seeds(args, 5)
    acc = np.zeros((seeds, len(ratios), len(ratios)))
    rows = []
    for seed in range(seeds):
        for i, r_train in enumerate(ratios):
            task = binary_task(seed, r_train)
            clf = plain_cnn(max_epochs=epochs, random_state=seed)
            clf.fit(task["X_train"], task["y_train"])
            rec_maj = float((clf.predict(task["X_test_major"]) == 0).mean())
            rec_min = float((clf.predict(task["X_test_minor"]) == 1).mean())
            n_maj = len(task["X_test_major"])
            for j, r_test in enumerate(ratios):
                k = max(1, round(n_maj * r_test))
                acc[seed, i, j] = (n_maj * rec_maj + k * rec_min) / (n_maj + k)
            rows.append({"seed": seed, "r_train": r_train, "majority_recall": rec_maj,
                         "minority_recall": rec_min,
                         "accuracy_by_r_test": acc[seed, i].tolist()})
    mean = acc.mean(axis=0)
    se = acc.std(axis=0, ddof=1) / np.sqrt(seeds) if seeds > 1 else np.zeros_like(mean)
    best = [{"r_test": r_test, "best_r_train": ratios[int(np.argmax(mean[:, j]))],
             "accuracy": float(mean[:, j].max()),
             "accuracy_train_at_r_test": float(mean[j, j]),
             "accuracy_train_balanced": float(mean[0, j])}
            for j, r_test in enumerate(ratios)]
    recalls = [{"r_train": r, **{k: mean_se([row[k] for row in rows if row["r_train"] == r])
                                 for k in ("majority_recall", "minority_recall")}}
               for r in ratios]
    payload = {"experiment": "D", "task": "digits 3 (majority) vs 8 (minority)",
               "model": f"CNN, SGD, batch 32, {epochs} epochs, no SAM/smoothing/augmentation",
               "seeds": seeds, "ratios": list(ratios),
               "accuracy_mean": mean.tolist(), "accuracy_se": se.tolist(),
               "rows_are": "r_train", "columns_are": "r_test",
               "best_r_train_per_r_test": best, "recalls_per_r_train": recalls, "runs": rows}
    save("exp_d", payload, started, args.quick)

    fig, axes = figure(1, 1, size=(5.6, 4.6))
    ax = axes[0, 0]
    im = ax.imshow(mean, cmap="viridis", origin="upper")
    for i in range(len(ratios)):
        for j in range(len(ratios)):
            bold = i == int(np.argmax(mean[:, j]))
            ax.text(j, i, f"{mean[i, j]:.3f}", ha="center", va="center", fontsize=7,
                    color="w" if mean[i, j] < mean.mean() else "k",
                    fontweight="bold" if bold else "normal")
    ax.set_xticks(range(len(ratios)), [f"{r:g}" for r in ratios])
    ax.set_yticks(range(len(ratios)), [f"{r:g}" for r in ratios])
    ax.set_xlabel("test ratio r_test")
    ax.set_ylabel("training ratio r_train")
    fig.colorbar(im, ax=ax, label="accuracy")
    ax.set_title(f"D: accuracy, mean of {seeds} seeds (bold: best r_train per r_test)",
                 fontsize=9)
    save_figure(fig, "exp_d", args.quick)


if __name__ == "__main__":
    main()
