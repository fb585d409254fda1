"""A parametric generator: a multivariate normal fitted to the target class."""

from __future__ import annotations

from typing import Any

import numpy as np

from synthaug.exceptions import InvalidParameterError, NotEnoughSamplesError
from synthaug.generators.base import BaseGenerator

__all__ = ["GaussianGenerator"]


class GaussianGenerator(BaseGenerator):
    """Draw numeric columns from ``N(mean, Sigma)`` fitted to the target class.

    ``Sigma = (1 - s) S + s (tr S / d) I`` shrinks the sample covariance ``S`` towards a
    scaled identity, which keeps it positive definite when the class is small or the
    features are collinear. Categorical columns, if any, are drawn independently from the
    class's observed frequencies.

    Parameters
    ----------
    shrinkage : float in [0, 1], default=0.1
        The weight ``s`` of the identity target.
    random_state : None, int or Generator, optional

    Attributes
    ----------
    mean_ : ndarray of shape (n_numeric,)
    covariance_ : ndarray of shape (n_numeric, n_numeric)
        The shrunk covariance ``Sigma``.
    """

    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        covariance = 4 * n_features * n_features * 8          # covariance, factor, copies
        return super().memory_estimate(n_rows, n_features, n_target) + covariance

    def __init__(self, shrinkage: float = 0.1, random_state: Any = None) -> None:
        self.shrinkage = shrinkage
        self.random_state = random_state

    def _check_params(self) -> None:
        s = self.shrinkage
        if not isinstance(s, (int, float)) or not 0.0 <= s <= 1.0:
            raise InvalidParameterError(f"shrinkage must lie in [0, 1], got {s!r}.")

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask = y == target_class
        n_c = int(mask.sum())
        if n_c < 2:
            raise NotEnoughSamplesError(
                f"class {target_class!r} has {n_c} row; a covariance needs at least 2.")
        Xc = X_num[mask]
        d = Xc.shape[1]
        self.mean_ = Xc.mean(axis=0)
        S = np.atleast_2d(np.cov(Xc, rowvar=False)) if d else np.zeros((0, 0))
        s = float(self.shrinkage)
        target = (np.trace(S) / d if d else 0.0) * np.eye(d)
        self.covariance_ = (1.0 - s) * S + s * target
        vals, vecs = np.linalg.eigh(self.covariance_) if d else (np.zeros(0), np.zeros((0, 0)))
        self._root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        self._cat_cdfs = []
        for c, cats in enumerate(self.codec_.categories_):
            freq = np.bincount(X_cat[mask, c], minlength=len(cats)).astype(float)
            self._cat_cdfs.append(np.cumsum(freq / freq.sum()))

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        z = rng.standard_normal((size, self.mean_.shape[0]))
        num = z @ self._root.T
        num += self.mean_
        cat = np.empty((size, len(self._cat_cdfs)), dtype=np.int64)
        for c, cdf in enumerate(self._cat_cdfs):
            cat[:, c] = np.minimum(np.searchsorted(cdf, rng.random(size), side="right"),
                                   len(cdf) - 1)
        return num, cat
