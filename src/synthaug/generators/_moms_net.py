"""The torch pieces of MOMS: the residual map and the two loss terms.

Imported only by :class:`synthaug.generators.moms.MOMSGenerator` when it fits or loads a
model, so ``import synthaug.generators`` does not need torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["KERNELS", "TransMap", "median_bandwidth", "mmd2_biased", "triplet_loss"]

#: The MMD kernels; each is a function of the distance matrix and the bandwidth.
KERNELS = ("gaussian", "laplacian", "imq", "rq")
#: Floor of the median-heuristic bandwidth (all rows equal would give 0).
_H_FLOOR = 1e-6


class TransMap(nn.Module):
    """Residual encoder-decoder from ``d`` features to ``d`` features.

    Encoder: ``Linear -> BatchNorm1d -> GELU`` for each width of ``hidden_dims``; latent:
    ``Linear -> BatchNorm1d`` to ``latent_dim``; decoder: the widths in reverse, each
    ``Linear -> BatchNorm1d``, plus the encoder activation of the same width, then GELU;
    output: ``Linear`` to ``d`` with no activation.
    """

    def __init__(self, n_features: int, hidden_dims: Sequence[int], latent_dim: int) -> None:
        super().__init__()
        widths = [int(w) for w in hidden_dims]
        self.encoder = nn.ModuleList()
        prev = n_features
        for w in widths:
            self.encoder.append(nn.Sequential(nn.Linear(prev, w), nn.BatchNorm1d(w)))
            prev = w
        self.latent = nn.Sequential(nn.Linear(prev, latent_dim), nn.BatchNorm1d(latent_dim))
        self.decoder = nn.ModuleList()
        prev = latent_dim
        for w in reversed(widths):
            self.decoder.append(nn.Sequential(nn.Linear(prev, w), nn.BatchNorm1d(w)))
            prev = w
        self.output = nn.Linear(prev, n_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        h = x
        for layer in self.encoder:
            h = F.gelu(layer(h))
            skips.append(h)
        h = self.latent(h)
        for layer, skip in zip(self.decoder, reversed(skips), strict=True):
            h = F.gelu(layer(h) + skip)
        return self.output(h)


def median_bandwidth(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """The median of the Euclidean distances between the rows of ``A`` and of ``B``,
    detached (a constant of the loss, not something the map can move), floored."""
    with torch.no_grad():
        return torch.cdist(A, B).median().clamp_min(_H_FLOOR)


def _sq_cdist(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Squared distances by the expansion ``|a|^2 + |b|^2 - 2 a.b`` (one matrix product;
    its gradient is finite at zero distance, unlike that of ``cdist``)."""
    a2 = A.square().sum(1, keepdim=True)
    b2 = B.square().sum(1, keepdim=True)
    return (a2 + b2.T - 2.0 * A @ B.T).clamp_min(0.0)


def mmd2_biased(Z: torch.Tensor, X: torch.Tensor, h: torch.Tensor, kernel: str,
                K_xx_mean: torch.Tensor | None = None) -> torch.Tensor:
    """Biased (V-statistic) MMD^2 between the rows of ``Z`` and ``X``, diagonals included.

    ``K_xx_mean`` (the mean of ``k(X, X)``) may be passed in when ``X`` and ``h`` are
    fixed; it does not depend on the map, so it changes the value but not the gradient.
    """
    def k(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        S = _sq_cdist(A, B)
        if kernel == "gaussian":
            return torch.exp(-S / (2.0 * h * h))
        if kernel == "imq":
            return torch.rsqrt(1.0 + S / (h * h))
        if kernel == "rq":
            return 1.0 / (1.0 + S / (2.0 * h * h))
        # laplacian needs the distance itself; keep its gradient finite at 0
        return torch.exp(-torch.sqrt(S + 1e-12) / h)

    kzz = k(Z, Z).mean()
    kxx = k(X, X).mean() if K_xx_mean is None else K_xx_mean
    kzx = k(Z, X).mean()
    return kzz + kxx - 2.0 * kzx


def _nearest_rows(Z: torch.Tensor, P: torch.Tensor, block: int = 8192) -> torch.Tensor:
    """For each row of ``Z``, the nearest row of ``P``, found without gradient and in
    blocks of ``P`` (memory ``len(Z) x block``, whatever the size of ``P``)."""
    with torch.no_grad():
        best = torch.full((Z.shape[0],), float("inf"), device=Z.device, dtype=Z.dtype)
        arg = torch.zeros(Z.shape[0], dtype=torch.long, device=Z.device)
        for start in range(0, P.shape[0], block):
            value, index = _sq_cdist(Z, P[start:start + block]).min(dim=1)
            better = value < best
            best = torch.where(better, value, best)
            arg = torch.where(better, index + start, arg)
    return P[arg]


def _row_distance(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    return torch.sqrt((A - B).square().sum(dim=1) + 1e-12)


def triplet_loss(Z: torch.Tensor, danger: torch.Tensor, safe: torch.Tensor,
                 margin: float) -> torch.Tensor:
    """Mean over the rows of ``Z`` (the anchors) of ``relu(d+ - d- + margin)``: ``d+`` the
    distance to the nearest row of ``danger``, ``d-`` to the nearest row of ``safe``
    (Euclidean, not squared).

    The nearest rows are chosen without gradient, then the two distances are taken with
    it: the gradient of a minimum is that of its smallest term, so this is the exact
    gradient of the nearest-neighbour distances, at the memory of one block.
    """
    d_pos = _row_distance(Z, _nearest_rows(Z, danger))
    d_neg = _row_distance(Z, _nearest_rows(Z, safe))
    return F.relu(d_pos - d_neg + margin).mean()
