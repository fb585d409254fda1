"""The network and loss of :class:`synthaug.generators.leo_cvae.LEOCVAEGenerator`.

Private, and imported only when a LEO-CVAE generator is fitted or loaded: it imports
torch at module level, which the rest of :mod:`synthaug.generators` must not.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ConditionalVAE", "leo_loss"]

#: Slope of the LeakyReLU activations (the reference value).
NEGATIVE_SLOPE = 0.2


def _mlp(sizes: Sequence[int], dropout: float) -> nn.Sequential:
    """Linear layers between consecutive ``sizes``, each followed by LeakyReLU and
    dropout."""
    layers: list[nn.Module] = []
    for a, b in itertools.pairwise(sizes):
        layers += [nn.Linear(a, b), nn.LeakyReLU(NEGATIVE_SLOPE), nn.Dropout(dropout)]
    return nn.Sequential(*layers)


class ConditionalVAE(nn.Module):
    """A VAE whose encoder and decoder both see the class as a one-hot vector.

    Encoder: ``[x, onehot(c)]`` through ``hidden_dims`` to the heads ``mu`` and
    ``log sigma^2``; decoder: ``[z, onehot(c)]`` through ``reversed(hidden_dims)`` to a
    linear output of ``n_features`` columns.
    """

    def __init__(self, n_features: int, n_classes: int, hidden_dims: Sequence[int],
                 latent_dim: int, dropout: float) -> None:
        super().__init__()
        dims = [int(h) for h in hidden_dims]
        self.n_classes = int(n_classes)
        self.encoder = _mlp([n_features + n_classes, *dims], dropout)
        self.mu = nn.Linear(dims[-1], latent_dim)
        self.logvar = nn.Linear(dims[-1], latent_dim)
        back = dims[::-1]
        self.decoder_body = _mlp([latent_dim + n_classes, *back], dropout)
        self.decoder_out = nn.Linear(back[-1], n_features)

    def _hidden(self, body: nn.Sequential, h: Any) -> Any:
        # the layers of ``body`` called functionally: the same computation as body(h),
        # without a module call per layer (a measurable share of a step this small)
        for layer in body:
            if isinstance(layer, nn.Linear):
                h = F.linear(h, layer.weight, layer.bias)
            elif isinstance(layer, nn.LeakyReLU):
                h = F.leaky_relu(h, layer.negative_slope)
            else:
                h = F.dropout(h, layer.p, self.training)
        return h

    def encode(self, x: Any, onehot: Any) -> tuple[Any, Any]:
        """``(mu, log sigma^2)`` of the posterior of each row."""
        h = self._hidden(self.encoder, torch.cat([x, onehot], dim=1))
        return (F.linear(h, self.mu.weight, self.mu.bias),
                F.linear(h, self.logvar.weight, self.logvar.bias))

    def decode(self, z: Any, onehot: Any) -> Any:
        """The reconstruction of each latent code, given its class."""
        h = self._hidden(self.decoder_body, torch.cat([z, onehot], dim=1))
        return F.linear(h, self.decoder_out.weight, self.decoder_out.bias)

    def forward(self, x: Any, onehot: Any, eps: Any) -> tuple[Any, Any, Any]:
        """``(x_hat, mu, logvar)`` with ``z = mu + exp(logvar / 2) * eps``."""
        mu, logvar = self.encode(x, onehot)
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.decode(z, onehot), mu, logvar


def leo_loss(x_hat: Any, x: Any, mu: Any, logvar: Any, weights: Any, beta: float,
             kl_floor: float) -> tuple[Any, Any, Any]:
    """The local-entropy-weighted loss of one batch; returns ``(loss, recon, kl)``.

    ``recon = mean_i(W_i * sum_j (x_hat_ij - x_ij)^2)`` (squared errors summed over the
    features, not averaged), ``kl`` the batch mean of each row's KL divergence from
    ``N(0, I)``, and ``loss = recon + beta * max(kl, kl_floor)``: the floor is a hinge on
    the batch-mean KL (not per latent dimension), so below it the KL term gives no gradient
    and the encoder is not pushed further towards posterior collapse.
    """
    recon = (weights * ((x_hat - x) ** 2).sum(dim=1)).mean()
    kl = (-0.5 * (1.0 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
    loss = recon + beta * torch.clamp(kl, min=kl_floor)
    return loss, recon, kl
