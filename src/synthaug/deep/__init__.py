"""What every torch-based method shares: loading torch, choosing a device, seeding,
the training loop with early stopping and a history, and saving fitted networks.

Torch is an optional dependency (``pip install "synthaug[torch]"``); this package imports
it only when a function needs it, so ``import synthaug`` works without it.

* :mod:`synthaug.deep.runtime`: :func:`require_torch`, :func:`resolve_device`,
  :func:`seeded` (deterministic CPU training without touching the global random state),
  :func:`torch_threads` (small networks train faster on one thread).
* :mod:`synthaug.deep.training`: :class:`EarlyStopping` (keeps a copy of the best weights
  and restores them), :func:`train` (the epoch loop: progress bar, history, divergence
  check) and :func:`plot_history`.
* :mod:`synthaug.deep.persist`: :func:`save_fitted` / :func:`load_fitted`, weights as
  safetensors plus a JSON configuration (no pickle).
"""

from synthaug.deep.persist import load_fitted, save_fitted
from synthaug.deep.runtime import require_torch, resolve_device, seeded, torch_threads
from synthaug.deep.training import EarlyStopping, plot_history, train

__all__ = ["EarlyStopping", "load_fitted", "plot_history", "require_torch",
           "resolve_device", "save_fitted", "seeded", "torch_threads", "train"]
