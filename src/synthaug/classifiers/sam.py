"""Sharpness-aware minimisation (SAM) and its asymmetric variant for imbalanced classes
(SAM-A), as a wrapper around any torch optimiser.

SAM (Foret et al., "Sharpness-Aware Minimization for Efficiently Improving
Generalization", arXiv 2010.01412) takes each step with the gradient measured at a nearby
point uphill of the current weights: first an *ascent* step ``eps = rho * g / ||g||``
along the loss gradient ``g``, then the gradient of the loss at ``theta + eps``, then the
weights are put back and the base optimiser steps with that gradient. It prefers flat
minima.

SAM-A ("Simplifying Neural Network Training Under Class Imbalance", Shwartz-Ziv et al.,
NeurIPS 2023, arXiv 2312.02517) makes the ascent favour the minority classes. The paper's
text says only that the ascent is larger for minority classes; two readings exist:

``"weighted_direction"`` (what the authors' code does)
    The ascent direction comes from the class-weighted loss
    ``sum_i w_{y_i} l_i / sum_i w_{y_i}`` with ``w_c = (n_max / n_c) ** beta`` (the code
    uses ``beta = 1``); the descent gradient is the plain training loss at
    ``theta + eps``. Since ``eps`` is normalised to length ``rho``, only its *direction*
    changes: it points where the minority loss rises fastest.
``"per_class_radius"``
    Every class ``c`` in the batch gets its own radius ``rho_c = rho * (n_max / n_c) **
    beta`` and its own ascent ``eps_c`` along the gradient of its share of the loss; the
    descent gradient is the sum of each class's share measured at its own ``theta +
    eps_c``. The minority's perturbation is larger, not only turned. It costs one more
    forward and backward pass per class present in the batch.

``mode="sam"`` is plain SAM (all classes weighted alike); ``"weighted_direction"`` with
equal class counts takes the same steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from synthaug._validation import check_number
from synthaug.exceptions import InvalidParameterError

__all__ = ["SAM_MODES", "SharpnessAware", "ascent_weights"]

#: The values of ``mode``.
SAM_MODES = ("sam", "weighted_direction", "per_class_radius")
#: Added to a gradient norm before dividing by it (a zero gradient takes no ascent).
_TINY = 1e-12


def ascent_weights(class_counts: Sequence[float], beta: float = 1.0) -> np.ndarray:
    """Per-class ascent factors ``(n_max / n_c) ** beta``: 1 for the largest class, more
    for rarer ones. A class with no rows gets the largest factor of those present."""
    counts = np.asarray(class_counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0 or not np.isfinite(counts).all() or (
            counts < 0).any() or counts.max() <= 0:
        raise InvalidParameterError(
            f"class_counts must be non-negative counts with at least one above 0; got "
            f"{class_counts!r}.")
    present = counts > 0
    factors = np.ones_like(counts)
    factors[present] = (counts.max() / counts[present]) ** float(beta)
    factors[~present] = factors[present].max()
    return factors


class SharpnessAware:
    """One SAM or SAM-A step per call, around a base optimiser.

    Parameters
    ----------
    params : iterable of torch tensors
        The parameters the base optimiser updates.
    base_optimizer : torch.optim.Optimizer
        Takes the descent step (SGD, AdamW, ...), with its own learning rate schedule.
    rho : float, default=0.05
        Radius of the ascent step (of the majority class in ``"per_class_radius"``).
    mode : {"sam", "weighted_direction", "per_class_radius"}, default="weighted_direction"
        See the module docstring.
    class_counts : sequence of float, optional
        Training rows per class, in class-code order; needed by the two SAM-A modes.
    beta : float, default=1.0
        Exponent of the class factors ``(n_max / n_c) ** beta``.

    Notes
    -----
    :meth:`step` takes a function that returns the per-row training losses of the batch
    (weights, smoothing and all) at the *current* parameters, for the rows given (all
    rows by default). The training objective is their mean.
    """

    def __init__(self, params: Any, base_optimizer: Any, *, rho: float = 0.05,
                 mode: str = "weighted_direction", class_counts: Sequence[float] | None = None,
                 beta: float = 1.0) -> None:
        if mode not in SAM_MODES:
            raise InvalidParameterError(
                f"mode must be one of {', '.join(map(repr, SAM_MODES))}; got {mode!r}.")
        check_number("rho", rho, 0.0)
        if mode != "sam" and class_counts is None:
            raise InvalidParameterError(f'mode="{mode}" needs class_counts.')
        self.params = [p for p in params if p.requires_grad]
        self.base_optimizer = base_optimizer
        self.rho = float(rho)
        self.mode = mode
        self.beta = float(beta)
        self.factors = (ascent_weights(class_counts, beta) if class_counts is not None
                        else None)

    # ------------------------------------------------------------------ helpers
    def _zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def _grads(self) -> list[Any]:
        import torch

        return [p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p)
                for p in self.params]

    def _perturbation(self, grads: list[Any], radius: float) -> list[Any]:
        import torch

        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads)).item()
        scale = radius / (norm + _TINY)
        return [g * scale for g in grads]

    def _shift(self, deltas: list[Any], sign: float) -> None:
        import torch

        with torch.no_grad():
            for p, d in zip(self.params, deltas, strict=True):
                p.add_(d, alpha=sign)

    # ------------------------------------------------------------------ step
    def step(self, losses: Callable[..., Any], y: Any) -> float:
        """Take one step; returns the batch's training loss at the weights before it.

        Parameters
        ----------
        losses : callable
            ``losses(index=None)`` returns the per-row losses (a 1-D tensor with gradient)
            of the batch rows ``index`` (a long tensor), or of all rows.
        y : torch.Tensor
            The class codes of the batch rows (long, 0..K-1).
        """
        if self.mode == "per_class_radius":
            return self._per_class_step(losses, y)
        self._zero_grad()
        row_losses = losses()
        value = float(row_losses.detach().mean())
        if self.rho == 0.0:  # no ascent: the plain base step
            row_losses.mean().backward()
            self.base_optimizer.step()
            return value
        if self.mode == "sam":
            ascent = row_losses.mean()
        else:
            import torch

            w = torch.as_tensor(self.factors, dtype=row_losses.dtype,
                                device=row_losses.device)[y]
            ascent = (w * row_losses).sum() / w.sum()
        ascent.backward()
        eps = self._perturbation(self._grads(), self.rho)
        self._shift(eps, +1.0)
        self._zero_grad()
        losses().mean().backward()
        self._shift(eps, -1.0)
        self.base_optimizer.step()
        return value

    def _per_class_step(self, losses: Callable[..., Any], y: Any) -> float:
        import torch

        n_batch = int(y.shape[0])
        total = [torch.zeros_like(p) for p in self.params]
        value = 0.0
        for code in torch.unique(y).tolist():
            index = torch.nonzero(y == code).flatten()
            radius = self.rho * float(self.factors[code])
            self._zero_grad()
            part = losses(index).sum() / n_batch       # this class's share of the mean
            value += float(part.detach())
            part.backward()
            eps = self._perturbation(self._grads(), radius) if radius > 0 else None
            if eps is not None:
                self._shift(eps, +1.0)
                self._zero_grad()
                (losses(index).sum() / n_batch).backward()
                self._shift(eps, -1.0)
            for acc, g in zip(total, self._grads(), strict=True):
                acc.add_(g)
        for p, g in zip(self.params, total, strict=True):
            p.grad = g
        self.base_optimizer.step()
        return value
