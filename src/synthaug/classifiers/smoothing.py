"""Label smoothing whose strength depends on the class: more on rare classes.

A network trained on a handful of minority rows drives their logits to extremes and
overfits them. Smoothing the targets, ``(1 - eps) * onehot(y) + eps / K``, caps how sure
it may become; "Simplifying Neural Network Training Under Class Imbalance" (Shwartz-Ziv
et al., NeurIPS 2023, arXiv 2312.02517) smooths minority targets more than majority ones.
The paper does not print its formula; the form used here is a reconstruction:

``eps_c = min(max_smoothing, label_smoothing * (n_max / n_c) ** alpha)``

so the largest class gets ``label_smoothing`` and a class ``r`` times rarer gets ``r **
alpha`` times more, up to ``max_smoothing``. ``mode="uniform"`` gives every class
``label_smoothing`` (the usual label smoothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from synthaug._validation import check_number
from synthaug.exceptions import InvalidParameterError

__all__ = ["SMOOTHING_MODES", "check_smoothing", "smoothed_targets", "smoothing_epsilons"]

#: The values of ``mode``.
SMOOTHING_MODES = ("uniform", "class-conditional")


def check_smoothing(label_smoothing: Any, mode: str, alpha: Any, max_smoothing: Any) -> None:
    """Raise :class:`InvalidParameterError` for a smoothing setting outside its range."""
    try:
        check_number("label_smoothing", label_smoothing, 0.0, 1.0, open_high=True)
    except InvalidParameterError as exc:
        raise InvalidParameterError(
            f"{str(exc).rstrip('.')} (1 would make every target uniform).") from None
    if mode not in SMOOTHING_MODES:
        raise InvalidParameterError(
            f"smoothing must be one of {', '.join(map(repr, SMOOTHING_MODES))}; got "
            f"{mode!r}.")
    check_number("smoothing_alpha", alpha, 0.0)
    check_number("max_smoothing", max_smoothing, 0.0, 1.0, open_high=True)


def smoothing_epsilons(class_counts: Sequence[float], label_smoothing: float = 0.05, *,
                       mode: str = "class-conditional", alpha: float = 0.5,
                       max_smoothing: float = 0.5) -> np.ndarray:
    """The smoothing ``eps_c`` of each class (see the module docstring).

    Parameters
    ----------
    class_counts : sequence of float
        Training rows per class.
    label_smoothing : float in [0, 1), default=0.05
        The largest class's smoothing (every class's with ``mode="uniform"``).
    mode : {"uniform", "class-conditional"}, default="class-conditional"
    alpha : float >= 0, default=0.5
        How fast smoothing grows with rarity.
    max_smoothing : float in [0, 1), default=0.5
        Cap of any class's smoothing (never below ``label_smoothing``).

    Returns
    -------
    ndarray of shape (n_classes,)
    """
    check_smoothing(label_smoothing, mode, alpha, max_smoothing)
    counts = np.asarray(class_counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size < 2 or (counts <= 0).any():
        raise InvalidParameterError(
            f"class_counts must hold a positive count for each of at least 2 classes; got "
            f"{class_counts!r}.")
    eps0 = float(label_smoothing)
    if mode == "uniform":
        return np.full(counts.size, eps0)
    cap = max(float(max_smoothing), eps0)
    return np.minimum(cap, eps0 * (counts.max() / counts) ** float(alpha))


def smoothed_targets(codes: np.ndarray, epsilons: np.ndarray) -> np.ndarray:
    """Soft targets ``(1 - eps_y) * onehot(y) + eps_y / K`` for class codes ``codes``;
    each row sums to 1."""
    codes = np.asarray(codes, dtype=np.int64)
    k = len(epsilons)
    eps = np.asarray(epsilons, dtype=np.float64)[codes]
    targets = np.repeat((eps / k)[:, None], k, axis=1)
    targets[np.arange(len(codes)), codes] += 1.0 - eps
    return targets
