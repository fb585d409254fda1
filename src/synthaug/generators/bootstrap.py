"""Resampling generators: the bootstrap (optionally smoothed) and bootstrap plus jitter.

Both copy a uniformly drawn row of the target class and, optionally, add Gaussian noise to
its numeric columns; categorical columns are copied from the drawn row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synthaug._validation import check_n_neighbors, check_number
from synthaug.exceptions import InvalidParameterError
from synthaug.generators.base import BaseGenerator
from synthaug.neighbors import kneighbors

__all__ = ["JitterGenerator", "RandomGenerator"]


class _NoisyBootstrap(BaseGenerator):
    """Bootstrap a class row, add ``N(0, diag(noise_scale_**2))`` to its numeric part."""

    def _store_class(self, X_num: np.ndarray, X_cat: np.ndarray, mask: np.ndarray) -> None:
        self._class_num = X_num[mask]
        self._class_cat = X_cat[mask]
        self.n_class_ = int(mask.sum())

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        idx = rng.integers(0, self.n_class_, size)
        num = self._class_num[idx]
        scale = self.noise_scale_
        if scale is not None:
            noise = rng.standard_normal(num.shape)
            noise *= scale
            num += noise
        return num, self._class_cat[idx]


class RandomGenerator(_NoisyBootstrap):
    """Random oversampling: copies of target-class rows drawn with replacement.

    With ``shrinkage`` set this is a *smoothed bootstrap*: each copy gets Gaussian noise
    with per-feature standard deviation ``shrinkage * h * std_j``, where ``std_j`` is the
    class's standard deviation of feature ``j`` and ``h = (4 / ((d + 2) n)) ** (1 / (d + 4))``
    is Silverman's rule-of-thumb bandwidth factor (as imbalanced-learn's
    ``RandomOverSampler(shrinkage=...)``).

    Parameters
    ----------
    shrinkage : float or None, default=None
        ``None`` (or 0) gives exact copies.
    random_state : None, int or Generator, optional
    """

    def __init__(self, shrinkage: float | None = None, random_state: Any = None) -> None:
        self.shrinkage = shrinkage
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.shrinkage is not None and not (
                isinstance(self.shrinkage, (int, float)) and self.shrinkage >= 0):
            raise InvalidParameterError(
                f"shrinkage must be None or a number >= 0, got {self.shrinkage!r}.")

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask = y == target_class
        self._store_class(X_num, X_cat, mask)
        if not self.shrinkage or X_num.shape[1] == 0:
            self.noise_scale_ = None
            return
        n, d = self._class_num.shape
        h = (4.0 / ((d + 2) * n)) ** (1.0 / (d + 4))
        self.noise_scale_ = self.shrinkage * h * self._class_num.std(axis=0)


class JitterGenerator(_NoisyBootstrap):
    """Bootstrap plus Gaussian jitter on the numeric columns.

    Parameters
    ----------
    scale : {"fixed", "class-std", "knn"}, default="fixed"
        How the noise standard deviation is set, per feature ``j``:

        * ``"fixed"``: ``sigma`` for every feature (``N(0, sigma**2 I)``);
        * ``"class-std"``: ``sigma * std_j`` with ``std_j`` the target class's standard
          deviation ("minority jitter");
        * ``"knn"``: local kNN-scaled jitter, computed in standardised space (each feature
          divided by its standard deviation over all rows): ``c * med / sqrt(d)``, where
          ``med`` is the median distance of target-class rows to their ``k`` nearest
          target-class neighbours, mapped back to the original units (times ``std_j``).
    sigma : float, default=1.0
        Noise level for ``"fixed"``; multiplier for ``"class-std"``.
    c : float, default=0.08
        Multiplier for ``"knn"``.
    k : int, default=3
        Neighbours for ``"knn"``.
    random_state : None, int or Generator, optional

    Attributes
    ----------
    noise_scale_ : ndarray of shape (n_numeric,)
        The per-feature noise standard deviation used.
    """

    def __init__(self, scale: str = "fixed", sigma: float = 1.0, c: float = 0.08, k: int = 3,
                 random_state: Any = None) -> None:
        self.scale = scale
        self.sigma = sigma
        self.c = c
        self.k = k
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.scale not in ("fixed", "class-std", "knn"):
            raise InvalidParameterError(
                f"scale must be 'fixed', 'class-std' or 'knn', got {self.scale!r}.")
        for name in ("sigma", "c"):
            check_number(name, getattr(self, name), 0.0)

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask = y == target_class
        self._store_class(X_num, X_cat, mask)
        d = X_num.shape[1]
        if self.scale == "fixed":
            self.noise_scale_ = np.full(d, float(self.sigma))
        elif self.scale == "class-std":
            self.noise_scale_ = float(self.sigma) * self._class_num.std(axis=0)
        else:
            k = check_n_neighbors(self.n_class_, self.k, label=target_class, param="k")
            std = X_num.std(axis=0)
            std[std == 0] = 1.0
            _, dist = kneighbors(self._class_num / std, k, return_distance=True)
            med = float(np.median(dist))
            self.noise_scale_ = self.c * med / np.sqrt(max(d, 1)) * std
