"""Imbalance-aware MLP: seconds per epoch on 100,000 x 30 rows with batch size 256.

Target: one epoch of the MLP with two hidden layers of 128 units and SAM-A under 10 s on
2 CPU cores (SAM doubles the gradient cost; nothing more should be added). Plain SGD and
both SAM-A readings are timed (``per_class_radius`` costs one more pass per class in a
batch), with and without the per-batch augmentation policies, and the torch thread count
of the fit (one, see ``synthaug.deep.torch_threads``) is recorded.

The epoch time is the difference between a ``1 + E`` and a 1-epoch fit divided by ``E``
(so the setup, the split and the first-call costs are not counted), after a warm-up.

Prints JSON and writes benchmarks/results/imbalanced_nn.json.
Usage: ``python benchmarks/bench_imbalanced_nn.py [--epochs 3] [--quick]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from _common import write_report  # same directory

TARGET_S = 10.0


def _fit_seconds(X: np.ndarray, y: np.ndarray, epochs: int, **params: object) -> float:
    from synthaug.classifiers import ImbalancedMLPClassifier

    clf = ImbalancedMLPClassifier(hidden_layer_sizes=(128, 128), batch_size=256,
                                  max_epochs=epochs, device="cpu", random_state=0, **params)
    t0 = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20,000 rows, for a smoke run")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    from sklearn.datasets import make_classification

    n = 20_000 if args.quick else 100_000
    X, y = make_classification(n_samples=n, n_features=30, n_informative=10,
                               weights=[0.95], random_state=0)
    _fit_seconds(X[:2000], y[:2000], 1)                       # warm-up
    settings = {
        "sgd": {"sam": "none"},
        "sam": {"sam": "sam"},
        "sam-a weighted_direction": {"sam": "sam-a"},
        "sam-a per_class_radius": {"sam": "sam-a", "sam_mode": "per_class_radius"},
        "sam-a + noise": {"sam": "sam-a", "augmentation": "noise"},
        "sam-a + mixup": {"sam": "sam-a", "augmentation": "mixup"},
    }
    rows = {}
    for name, params in settings.items():
        one = _fit_seconds(X, y, 1, **params)
        more = _fit_seconds(X, y, 1 + args.epochs, **params)
        per_epoch = (more - one) / args.epochs
        rows[name] = {"s_per_epoch": round(per_epoch, 3), "fit_1_epoch_s": round(one, 3),
                      "steps_per_epoch": int(np.ceil(n / 256))}
    import torch

    report = {
        "benchmark": "ImbalancedMLPClassifier seconds per epoch",
        "data": f"make_classification({n}, 30, n_informative=10, weights=[0.95])",
        "model": "MLP 30-128-128-2, batch 256, label smoothing 0.05 class-conditional",
        "target_s_per_epoch": TARGET_S,
        "met": rows["sam-a weighted_direction"]["s_per_epoch"] < TARGET_S,
        "results": rows,
        "sam_over_sgd": round(rows["sam"]["s_per_epoch"] / rows["sgd"]["s_per_epoch"], 2),
        "machine": {"cpus": os.cpu_count(), "torch": torch.__version__,
                    "python": platform.python_version(),
                    "load_average": [round(v, 2) for v in os.getloadavg()]},
        "note": "Wall times on a shared machine; the fit runs torch on one thread.",
    }
    write_report(report, "benchmarks/results/imbalanced_nn.json", save=not args.no_save)


if __name__ == "__main__":
    main()
