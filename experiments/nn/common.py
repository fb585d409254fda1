"""Shared set-up of the imbalance-aware network experiments (A-E and tabular).

* The digits tasks: scikit-learn's 8x8 digits divided by 16 (pixels in [0, 1]), a
  stratified 70/30 split of all ten digits re-drawn per seed, then either

  - the **binary pair** (default 3 = majority, 8 = minority): the majority digit keeps its
    whole training pool (about 126 images), the minority digit is subsampled to
    ``max(2, round(126 r))`` images; or
  - the **one-vs-rest** variant: one minority digit against the other nine (about 1,130
    images), the minority subsampled to ``max(2, round(n_majority r))``.

  The test set is balanced: the larger test class is subsampled to the size of the
  smaller one.
* Measures: balanced accuracy, minority and majority recall, balanced log loss and the
  expected calibration error (top-label, 10 equal-width bins).
* Output: ``experiments/nn/results/<name>.json`` and ``docs/figures/nn_<name>.png``
  (matplotlib, Agg backend).

Every script runs with ``OMP_NUM_THREADS=1`` in mind; the networks train on the CPU with
one thread and are deterministic for a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FIGURES = HERE.parents[1] / "docs" / "figures"

#: Imbalance ratios r = n_minority / n_majority of the binary digits grid.
RATIOS = (1.0, 0.5, 0.25, 0.1, 0.05, 0.025)
#: The CI-sized grid.
QUICK_RATIOS = (1.0, 0.1, 0.025)
#: Nominal training-pool size of one digit (70 % of about 180).
POOL = 126


# ---------------------------------------------------------------------- data
def digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as flat rows in [0, 1] and their labels."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def split(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified 70/30 train/test split of all ten digits."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=0.3, stratify=y, random_state=seed)
    return np.sort(train), np.sort(test)


def balance(idx: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Subsample ``idx`` so that both 0/1 classes of ``labels`` have the smaller count."""
    groups = [idx[labels == c] for c in (0, 1)]
    m = min(len(g) for g in groups)
    return np.sort(np.concatenate([rng.choice(g, m, replace=False) for g in groups]))


def binary_task(seed: int, r: float, pair: tuple[int, int] = (3, 8)) -> dict[str, Any]:
    """The binary digits task at ratio ``r``: ``pair[0]`` is the majority (label 0),
    ``pair[1]`` the minority (label 1). Returns X_train, y_train, X_test, y_test (balanced
    test set) and the raw test pools of each class (for the ratio-shifted tests of D)."""
    X, y = digits()
    tr, te = split(y, seed)
    rng = np.random.default_rng([seed, round(r * 10000)])
    maj, mnr = pair
    tr_maj = tr[y[tr] == maj]
    tr_min = tr[y[tr] == mnr]
    k = min(len(tr_min), max(2, round(POOL * r)))
    tr_min = np.sort(rng.choice(tr_min, k, replace=False))
    train = np.concatenate([tr_maj, tr_min])
    y_train = (y[train] == mnr).astype(int)
    pool = te[np.isin(y[te], pair)]
    y_pool = (y[pool] == mnr).astype(int)
    test = balance(pool, y_pool, rng)
    return {"X_train": X[train], "y_train": y_train,
            "X_test": X[test], "y_test": (y[test] == mnr).astype(int),
            "X_test_major": X[pool[y_pool == 0]], "X_test_minor": X[pool[y_pool == 1]],
            "n_major": len(tr_maj), "n_minor": k}


def ovr_task(seed: int, r: float, digit: int = 8) -> dict[str, Any]:
    """One-vs-rest: ``digit`` (label 1, subsampled to ``max(2, round(n_majority r))``)
    against the other nine digits (label 0); balanced test set."""
    X, y = digits()
    tr, te = split(y, seed)
    rng = np.random.default_rng([seed, round(r * 10000), digit])
    tr_maj = tr[y[tr] != digit]
    tr_min = tr[y[tr] == digit]
    k = min(len(tr_min), max(2, round(len(tr_maj) * r)))
    tr_min = np.sort(rng.choice(tr_min, k, replace=False))
    train = np.concatenate([tr_maj, tr_min])
    y_te = (y[te] == digit).astype(int)
    test = balance(te, y_te, rng)
    return {"X_train": X[train], "y_train": (y[train] == digit).astype(int),
            "X_test": X[test], "y_test": (y[test] == digit).astype(int),
            "n_major": len(tr_maj), "n_minor": k}


# ---------------------------------------------------------------------- models
def plain_cnn(**params: Any) -> Any:
    """The small CNN with plain training (SGD lr 0.01, momentum 0.9, weight decay 5e-4,
    cosine over ``max_epochs``; no SAM, no smoothing, batch 32, no augmentation) unless
    ``params`` say otherwise."""
    from synthaug.classifiers import ImbalancedCNNClassifier

    base = {"sam": "none", "label_smoothing": 0.0, "batch_size": 32, "augmentation": "none",
            "max_epochs": 100, "device": "cpu"}
    base.update(params)
    return ImbalancedCNNClassifier(**base)


# ---------------------------------------------------------------------- measures
def ece(y: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """Top-label expected calibration error with ``bins`` equal-width confidence bins."""
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)


def scores(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Balanced accuracy, minority (label 1) and majority recall, balanced log loss and
    ECE of binary probabilities ``proba`` (columns: classes 0, 1)."""
    from synthaug.metrics import balanced_accuracy, balanced_log_loss

    pred = proba.argmax(axis=1)
    return {"balanced_accuracy": float(balanced_accuracy(y, pred)),
            "minority_recall": float((pred[y == 1] == 1).mean()),
            "majority_recall": float((pred[y == 0] == 0).mean()),
            "balanced_log_loss": float(balanced_log_loss(y, proba, labels=[0, 1])),
            "ece": ece(y, proba)}


def mean_se(values: Any) -> dict[str, float]:
    """Mean and standard error (sample sd / sqrt(n); 0 for one value)."""
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0
    return {"mean": float(v.mean()), "se": se, "n": len(v)}


def summarise(rows: list[dict[str, Any]], keys: list[str],
              measures: list[str]) -> list[dict[str, Any]]:
    """Group ``rows`` by ``keys`` and give each measure's mean and standard error."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    out = []
    for key, members in groups.items():
        entry = dict(zip(keys, key, strict=True))
        for m in measures:
            entry[m] = mean_se([row[m] for row in members])
        out.append(entry)
    return out


# ---------------------------------------------------------------------- scripts
def parser(description: str, seeds: int) -> argparse.ArgumentParser:
    """Command-line options shared by the scripts."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true",
                   help="CI-sized run (fewer ratios, seeds and epochs)")
    p.add_argument("--seeds", type=int, default=None,
                   help=f"number of seeds (default {seeds}; 3 with --quick)")
    return p


def n_seeds(args: argparse.Namespace, full: int) -> int:
    return args.seeds if args.seeds is not None else (3 if args.quick else full)


def save(name: str, payload: dict[str, Any], started: float, quick: bool) -> Path:
    """Write ``results/<name>.json`` (``<name>_quick.json`` for a quick run) with the run's
    settings and timing, print it, and return the path."""
    import sklearn
    import torch

    from synthaug._io import jsonable

    RESULTS.mkdir(parents=True, exist_ok=True)
    data = dict(payload)
    data["quick"] = quick
    data["seconds"] = round(time.time() - started, 1)
    data["environment"] = {"python": platform.python_version(), "numpy": np.__version__,
                           "torch": torch.__version__, "sklearn": sklearn.__version__}
    path = RESULTS / f"{name}{'_quick' if quick else ''}.json"
    text = json.dumps(jsonable(data), indent=1)
    path.write_text(text + "\n")
    print(text)
    return path


def figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (5.0, 3.8)):
    """A matplotlib figure (Agg backend) and its 2-D axes array."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows),
                             squeeze=False, layout="constrained")
    return fig, axes


def save_figure(fig: Any, name: str, quick: bool) -> Path:
    """Write ``docs/figures/nn_<name>.png`` (a quick run writes to ``results/`` instead,
    so it never replaces the published figure)."""
    import matplotlib.pyplot as plt

    if quick:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"nn_{name}_quick.png"
    else:
        FIGURES.mkdir(parents=True, exist_ok=True)
        path = FIGURES / f"nn_{name}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
