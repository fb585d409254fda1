"""Generators that need the true data-generating law, so exist only in simulations.

The VTSS simulation experiments (E1-E7, described in ``docs/vtss.md``; Ma & Zhang,
arXiv 2601.16120) compare real generators against three reference points:

* :class:`OracleGenerator` draws from the true minority law, the ideal generator that
  adds genuinely new information;
* :class:`SemiOracleGenerator` adds a fresh draw of the true noise to the *fitted* minority
  mean, so it carries the estimation error of the mean but no shape error;
* :class:`ShiftedGaussianGenerator` draws ``N(nu, scale^2 I)`` with ``nu`` a (deliberately
  biased) version of the minority mean, the "aligned" generator of experiments E2 and E3.

Laws are plain callables ``law(n, rng) -> ndarray of shape (n, d)``, such as those returned
by :mod:`synthaug.datasets.simulations`; they are constructor parameters, so the generators
clone and (when the law is picklable) pickle like any other. All three follow the
:class:`~synthaug.generators.base.BaseGenerator` protocol, including exact counts and
prefix-consistent sampling, and handle numeric data only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
)
from synthaug.generators.base import BaseGenerator

__all__ = [
    "OracleGenerator",
    "SemiOracleGenerator",
    "ShiftedGaussianGenerator",
    "log_shrinkage",
]


def log_shrinkage(n1: int) -> float:
    """E3's mean multiplier ``1 - 1 / sqrt(log n1)``: a bias that vanishes slowly in
    ``n1``.

    Pass it as ``ShiftedGaussianGenerator(mean=mu1, multiplier=log_shrinkage)`` to
    evaluate it at the number of minority rows each fit sees (as the reference code does
    inside cross-validation folds).
    """
    if n1 < 2:
        raise InvalidInputError(f"log_shrinkage needs n1 >= 2, got {n1}.")
    return 1.0 - 1.0 / math.sqrt(math.log(n1))


def _check_law(name: str, law: Any) -> None:
    if not callable(law):
        raise InvalidParameterError(
            f"{name} must be a callable law(n, rng) -> array of shape (n, d), got {law!r}.")


def _draw(law: Callable[..., Any], size: int, rng: np.random.Generator, d: int,
          name: str) -> np.ndarray:
    out = np.asarray(law(size, rng), dtype=np.float64)
    if out.shape != (size, d):
        raise InvalidParameterError(
            f"{name}(n, rng) must return an array of shape (n, {d}) for the {d} numeric "
            f"columns fitted, got shape {out.shape} for n={size}.")
    return out


def _vector(name: str, value: Any, d: int) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64).ravel()
    if arr.shape != (d,) or not np.isfinite(arr).all():
        raise InvalidInputError(
            f"{name} must be {d} finite numbers (one per numeric column), got {value!r}.")
    return arr


class _SimulationGenerator(BaseGenerator):
    """Shared checks: numeric columns only, and the target class's rows."""

    def _class_rows(self, X_num: np.ndarray, X_cat: np.ndarray, y: np.ndarray,
                    target_class: Any) -> np.ndarray:
        if X_cat.shape[1]:
            raise DataTypeError(
                f"{type(self).__name__} models numeric data only; the input has "
                f"{X_cat.shape[1]} categorical column(s).")
        rows = X_num[y == target_class]
        self.n_target_ = int(rows.shape[0])
        return rows

    def _empty_cat(self, size: int) -> np.ndarray:
        return np.empty((size, 0), dtype=np.int64)


class OracleGenerator(_SimulationGenerator):
    """Draw from the true minority law (simulation only).

    ``fit`` learns nothing from the data beyond the number of columns; every synthetic row
    is a fresh draw ``law(n, rng)``. Under local symmetry this is the one generator the
    theory expects to help (experiments E1, E1b).

    Parameters
    ----------
    law : callable ``(n, rng) -> ndarray of shape (n, d)``
        The minority's true law, e.g. ``Simulation.minority_law``. It must draw only from
        ``rng`` (that is what makes sampling reproducible and prefix-consistent).
    random_state : None, int or Generator, optional

    Attributes
    ----------
    n_target_ : int
        Number of target-class rows seen at fit (unused by the draws).
    """

    def __init__(self, law: Callable[..., Any] | None = None,
                 random_state: Any = None) -> None:
        self.law = law
        self.random_state = random_state

    def _check_params(self) -> None:
        _check_law("law", self.law)

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        self._class_rows(X_num, X_cat, y, target_class)
        self._d = X_num.shape[1]
        _draw(self.law, 1, np.random.default_rng(0), self._d, "law")  # fail early

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        return _draw(self.law, size, rng, self._d, "law"), self._empty_cat(size)


class SemiOracleGenerator(_SimulationGenerator):
    """Fitted minority mean plus a fresh draw of the true noise (simulation only).

    Each row is ``mean_ + noise_law(1, rng)``, where ``mean_`` is the target class's sample
    mean. The shape of the law is exact; only the mean is estimated, so the generator's
    bias is the estimation error of the mean (experiment E1).

    Parameters
    ----------
    noise_law : callable ``(n, rng) -> ndarray of shape (n, d)``
        The law of ``X - E[X]`` for a minority row ``X``, e.g. ``Simulation.noise_law``.
    random_state : None, int or Generator, optional

    Attributes
    ----------
    mean_ : ndarray of shape (d,)
        The fitted minority mean.
    n_target_ : int
    """

    def __init__(self, noise_law: Callable[..., Any] | None = None,
                 random_state: Any = None) -> None:
        self.noise_law = noise_law
        self.random_state = random_state

    def _check_params(self) -> None:
        _check_law("noise_law", self.noise_law)

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        rows = self._class_rows(X_num, X_cat, y, target_class)
        if rows.shape[0] < 1:  # pragma: no cover - base class checks the label exists
            raise NotEnoughSamplesError(f"class {target_class!r} has no rows.")
        self.mean_ = rows.mean(axis=0)
        _draw(self.noise_law, 1, np.random.default_rng(0), self.mean_.shape[0], "noise_law")

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        num = _draw(self.noise_law, size, rng, self.mean_.shape[0], "noise_law")
        num += self.mean_
        return num, self._empty_cat(size)


class ShiftedGaussianGenerator(_SimulationGenerator):
    """Draw ``N(nu, scale^2 I)`` around a chosen, possibly biased, minority mean.

    The centre is ``nu = m * base + shift``, where ``base`` is ``mean`` if given and the
    fitted minority mean otherwise, and ``m`` is ``multiplier`` (or ``multiplier(n1)`` when
    it is a callable of the number of minority rows fitted). This expresses the aligned
    generators of the VTSS experiments:

    * E2, fixed centre: ``ShiftedGaussianGenerator(mean=(0.5, 0))``;
    * E3, ``nu = (1 - 1/sqrt(log n1)) mu1`` with the true ``mu1``:
      ``ShiftedGaussianGenerator(mean=mu1, multiplier=log_shrinkage)``;
    * a data-driven version shrinking the *fitted* mean: ``multiplier=log_shrinkage``
      without ``mean``; a fixed offset from it: ``shift=...``.

    Parameters
    ----------
    mean : array-like of shape (d,), optional
        Base centre; ``None`` uses the fitted minority mean.
    multiplier : float or callable ``n1 -> float``, default=1.0
    shift : array-like of shape (d,), optional
        Added after the multiplier; default zero.
    scale : float or array-like of shape (d,), default=1.0
        Standard deviation of every coordinate (the VTSS experiments use 1).
    random_state : None, int or Generator, optional

    Attributes
    ----------
    mean_ : ndarray of shape (d,)
        The centre ``nu`` in use.
    multiplier_ : float
        The multiplier applied at fit.
    n_target_ : int
    """

    def __init__(self, mean: Any = None, multiplier: float | Callable[[int], float] = 1.0,
                 shift: Any = None, scale: Any = 1.0, random_state: Any = None) -> None:
        self.mean = mean
        self.multiplier = multiplier
        self.shift = shift
        self.scale = scale
        self.random_state = random_state

    def _check_params(self) -> None:
        m = self.multiplier
        if not callable(m) and (isinstance(m, bool) or not isinstance(m, (int, float, np.number))
                                or not np.isfinite(m)):
            raise InvalidParameterError(
                f"multiplier must be a finite number or a callable n1 -> float, got {m!r}.")
        scale = np.asarray(self.scale, dtype=np.float64)
        if scale.ndim > 1 or not np.isfinite(scale).all() or (scale <= 0).any():
            raise InvalidParameterError(
                f"scale must be a positive number or one per column, got {self.scale!r}.")

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        rows = self._class_rows(X_num, X_cat, y, target_class)
        d = X_num.shape[1]
        if self.mean is None:
            if rows.shape[0] < 1:  # pragma: no cover - base class checks the label exists
                raise NotEnoughSamplesError(f"class {target_class!r} has no rows.")
            base = rows.mean(axis=0)
        else:
            base = _vector("mean", self.mean, d)
        m = self.multiplier(self.n_target_) if callable(self.multiplier) else self.multiplier
        if not np.isfinite(m):
            raise InvalidInputError(f"multiplier gave {m!r} for n1={self.n_target_}.")
        self.multiplier_ = float(m)
        nu = self.multiplier_ * base
        if self.shift is not None:
            nu = nu + _vector("shift", self.shift, d)
        self.mean_ = nu
        scale = np.asarray(self.scale, dtype=np.float64)
        self._scale = scale if scale.ndim == 0 else _vector("scale", scale, d)

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        num = rng.standard_normal((size, self.mean_.shape[0]))
        num *= self._scale
        num += self.mean_
        return num, self._empty_cat(size)
