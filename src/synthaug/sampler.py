"""``Oversampler``: a generator plus a fixed size, with imbalanced-learn's ``fit_resample``.

An :class:`Oversampler` validates the input once, resolves how many rows each class gets
(:func:`synthaug.sizing.resolve_counts`), fits one clone of its generator per class that
needs rows, and returns the original rows followed by the synthetic ones. It works as a
step of ``imblearn.pipeline.Pipeline``, in ``GridSearchCV`` and with ``clone``.

Output format
-------------
* numpy in, numpy out, same dtype (integer arrays are rounded, not truncated);
* pandas in, pandas out: same columns and dtypes (integer columns rounded, categoricals
  kept). **Index policy**: the original rows keep their index labels; when the index is
  integer-valued the synthetic rows continue it (``max + 1``, ``max + 2``, ...), otherwise
  the result gets a fresh ``RangeIndex``. ``synthetic_mask_`` flags the synthetic rows.
* ``y`` comes back in its own type (Series with the same name, or array) and dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from synthaug._random import to_entropy
from synthaug._validation import check_X_y
from synthaug.exceptions import InvalidParameterError
from synthaug.generators import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    GKSMOTEGenerator,
    RandomGenerator,
    SMOTEGenerator,
)
from synthaug.generators.base import BaseGenerator
from synthaug.sizing.counts import resolve_counts

__all__ = ["ADASYN", "GKSMOTE", "SMOTE", "BorderlineSMOTE", "Oversampler",
           "RandomOverSampler"]


def _derived_seed(entropy: int, *key: int) -> int:
    """An independent integer seed for one use (``key``) of one Oversampler seed."""
    return int(np.random.SeedSequence(entropy, spawn_key=key).generate_state(1)[0])


class Oversampler(BaseEstimator):
    """Oversample with any generator, to any size.

    Parameters
    ----------
    generator : BaseGenerator, default=None
        Prototype generator, cloned for each class that receives rows; ``None`` means
        ``SMOTEGenerator()``.
    sampling_strategy : float, str, Gamma, dict or callable, default="auto"
        How many rows to add; any form of :func:`synthaug.sizing.resolve_counts`
        (imbalanced-learn's forms, ``Gamma(g)`` / ``"gamma:g"``, ``"balance"``).
    categorical_features : "auto", None, names, positions or mask, default="auto"
        Categorical columns (see :class:`synthaug.encoding.TableCodec`).
    random_state : None, int or Generator, optional
        Seeds every generator fit and sample this oversampler makes.

    Attributes
    ----------
    sampling_strategy_ : dict
        New rows per class, as resolved at the last ``fit_resample``.
    generators_ : dict
        The fitted generator of each class that received rows.
    synthetic_mask_ : ndarray of bool
        Which rows of the last output are synthetic.
    n_synthetic_ : int
        Number of synthetic rows in the last output.
    """

    def __init__(self, generator: BaseGenerator | None = None, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.generator = generator
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _make_generator(self) -> BaseGenerator:
        gen = self.generator if self.generator is not None else SMOTEGenerator()
        if not hasattr(gen, "_fit_encoded") or not hasattr(gen, "sample_encoded"):
            raise InvalidParameterError(
                f"generator must be a synthaug generator (see synthaug.generators); got "
                f"{type(gen).__name__}.")
        return gen

    def fit(self, X: Any, y: Any) -> Oversampler:
        """Resample and keep the fitted generators; returns ``self``."""
        self.fit_resample(X, y)
        return self

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Return ``(X_resampled, y_resampled)``: the original rows, then the new ones.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : array-like or Series of shape (n_samples,)

        Returns
        -------
        X_resampled, y_resampled
            In the formats of ``X`` and ``y`` (see the module docstring).
        """
        codec, X_num, X_cat, y_arr = check_X_y(
            X, y, categorical_features=self.categorical_features)
        counts = resolve_counts(y_arr, self.sampling_strategy)
        prototype = self._make_generator()
        entropy = to_entropy(self.random_state)
        n = X_num.shape[0]
        total = sum(counts.values())
        self.sampling_strategy_ = dict(counts)
        self.generators_ = {}
        self.n_synthetic_ = total
        self.synthetic_mask_ = np.concatenate([np.zeros(n, bool), np.ones(total, bool)])

        fast = (not codec.is_frame_ and codec.n_categorical == 0
                and codec.array_dtype_ == np.float64)
        X_out = None
        if fast:
            X_out = np.empty((n + total, X_num.shape[1]), dtype=np.float64)
            X_out[:n] = X_num
        parts_num, parts_cat = [], []
        start = n
        for i, (label, n_new) in enumerate(counts.items()):
            gen = clone(prototype)
            if "random_state" in gen.get_params(deep=False):
                gen.set_params(random_state=_derived_seed(entropy, 1, i))
            gen._fit_encoded(codec, X_num, X_cat, y_arr, label)
            self.generators_[label] = gen
            seed = _derived_seed(entropy, 2, i)
            if fast:
                gen.sample_encoded(n_new, random_state=seed,
                                   out_num=X_out[start:start + n_new],
                                   out_cat=np.empty((n_new, 0), dtype=np.int64))
            else:
                num, cat = gen.sample_encoded(n_new, random_state=seed)
                parts_num.append(num)
                parts_cat.append(cat)
            start += n_new

        y_new = np.concatenate(
            [np.full(c, label, dtype=y_arr.dtype) for label, c in counts.items()]
        ) if counts else np.empty(0, dtype=y_arr.dtype)
        if fast:
            X_res = X_out
        else:
            syn = codec.decode(np.concatenate(parts_num) if parts_num else
                               np.empty((0, codec.n_numeric)),
                               np.concatenate(parts_cat) if parts_cat else
                               np.empty((0, codec.n_categorical), dtype=np.int64))
            X_res = self._join(X, syn)
        return X_res, self._join_y(y, y_arr, y_new, X_res)

    @staticmethod
    def _join(X: Any, syn: Any) -> Any:
        if isinstance(X, pd.DataFrame):
            index = X.index
            if pd.api.types.is_integer_dtype(index.dtype) and not isinstance(
                    index, pd.MultiIndex):
                top = int(index.max()) + 1 if len(index) else 0
                syn.index = pd.RangeIndex(top, top + len(syn))
                if isinstance(index, pd.RangeIndex) and index.step == 1 and (
                        index.start == 0):
                    return pd.concat([X, syn], axis=0, ignore_index=True)
                return pd.concat([X, syn], axis=0)
            return pd.concat([X, syn], axis=0, ignore_index=True)
        X_arr = np.asarray(X)
        return np.concatenate([X_arr, syn.astype(X_arr.dtype, copy=False)], axis=0)

    @staticmethod
    def _join_y(y: Any, y_arr: np.ndarray, y_new: np.ndarray, X_res: Any) -> Any:
        if isinstance(y, pd.Series):
            new = pd.Series(y_new, name=y.name).astype(y.dtype)
            out = pd.concat([y, new], ignore_index=True)
            if isinstance(X_res, pd.DataFrame):
                out.index = X_res.index
            return out
        y_in = np.asarray(y)
        if y_in.ndim == 2:
            y_in = y_in.ravel()
        out = np.empty(len(y_in) + len(y_new), dtype=y_in.dtype)
        out[:len(y_in)] = y_in
        out[len(y_in):] = y_new.astype(y_in.dtype) if y_in.dtype != object else y_new
        return out

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class _NamedOversampler(Oversampler):
    """An Oversampler whose generator is built from its own parameters."""

    _generator_params: tuple[str, ...] = ()
    _generator_class: type[BaseGenerator] = SMOTEGenerator

    def _make_generator(self) -> BaseGenerator:
        return self._generator_class(**{p: getattr(self, p) for p in self._generator_params})


class RandomOverSampler(_NamedOversampler):
    """Random oversampling (copies of rows, optionally a smoothed bootstrap).

    Parameters
    ----------
    shrinkage : float or None, default=None
        See :class:`synthaug.generators.RandomGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = RandomGenerator
    _generator_params = ("shrinkage",)

    def __init__(self, shrinkage: float | None = None, *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.shrinkage = shrinkage
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class SMOTE(_NamedOversampler):
    """SMOTE (SMOTENC-style with categorical columns).

    Parameters
    ----------
    k_neighbors : int, default=5
        See :class:`synthaug.generators.SMOTEGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = SMOTEGenerator
    _generator_params = ("k_neighbors",)

    def __init__(self, k_neighbors: int = 5, *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class BorderlineSMOTE(_NamedOversampler):
    """Borderline-SMOTE.

    Parameters
    ----------
    k_neighbors : int, default=5
    m_neighbors : int, default=10
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        See :class:`synthaug.generators.BorderlineSMOTEGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = BorderlineSMOTEGenerator
    _generator_params = ("k_neighbors", "m_neighbors", "kind")

    def __init__(self, k_neighbors: int = 5, m_neighbors: int = 10,
                 kind: str = "borderline-1", *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.kind = kind
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class ADASYN(_NamedOversampler):
    """ADASYN.

    Parameters
    ----------
    k_neighbors : int, default=5
        See :class:`synthaug.generators.ADASYNGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = ADASYNGenerator
    _generator_params = ("k_neighbors",)

    def __init__(self, k_neighbors: int = 5, *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class GKSMOTE(_NamedOversampler):
    """GK-SMOTE: SMOTE inside the dense part of each minority class, after a noise filter.

    Multiclass data are handled one-vs-rest (one generator per class that receives rows).

    Parameters
    ----------
    mode : {"paper", "reference", "repo"}, default="paper"
    k_neighbors : "auto" or int, default="auto"
    bandwidth : {"auto", "knn_std", "scott", "silverman"} or float, default="auto"
    noise_threshold : float in (0, 1], default=1.0
    fallback : {"error", "smote"}, default="error"
        See :class:`synthaug.generators.GKSMOTEGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = GKSMOTEGenerator
    _generator_params = ("mode", "k_neighbors", "bandwidth", "noise_threshold", "fallback")

    def __init__(self, mode: str = "paper", k_neighbors: int | str = "auto",
                 bandwidth: str | float = "auto", noise_threshold: float = 1.0,
                 fallback: str = "error", *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.mode = mode
        self.k_neighbors = k_neighbors
        self.bandwidth = bandwidth
        self.noise_threshold = noise_threshold
        self.fallback = fallback
        super().__init__(None, sampling_strategy, categorical_features, random_state)
