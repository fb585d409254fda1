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
* ``y`` comes back in its own type (Series with the same name, one-column DataFrame, list
  or array) and dtype; a one-vs-all indicator matrix comes back as one.
* a list ``X`` comes back as a list, as imbalanced-learn does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone

from synthaug._labels import class_roles, plain_label
from synthaug._random import to_entropy
from synthaug.encoding import encode_X_y
from synthaug.generators import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    GKSMOTEGenerator,
    LEOCVAEGenerator,
    LLMGenerator,
    MOMSGenerator,
    RandomGenerator,
    SMOTEGenerator,
)
from synthaug.generators.base import BaseGenerator, categorical_setting
from synthaug.generators.protocol import (
    as_encoded,
    check_generator_interface,
    is_multiclass_native,
    unwrap,
)
from synthaug.limits import check_memory
from synthaug.sizing.counts import resolve_counts

__all__ = ["ADASYN", "GKSMOTE", "LEOCVAE", "MOMS", "SMOTE", "BorderlineSMOTE",
           "LLMOversampler", "Oversampler", "RandomOverSampler"]


def _derived_seed(entropy: int, *key: int) -> int:
    """An independent integer seed for one use (``key``) of one Oversampler seed."""
    return int(np.random.SeedSequence(entropy, spawn_key=key).generate_state(1)[0])


def _one_hot_labels(y: Any) -> np.ndarray | None:
    """The class of each row when ``y`` is a one-vs-all indicator matrix (imbalanced-learn
    accepts these), else None."""
    if isinstance(y, (pd.DataFrame, pd.Series)) or isinstance(y, list):
        return None
    arr = np.asarray(y)
    if arr.ndim != 2 or arr.shape[1] < 2 or arr.dtype.kind not in "biuf" or arr.size == 0:
        return None
    if not np.isin(arr, (0, 1)).all() or not (arr.sum(axis=1) == 1).all():
        return None
    return arr.argmax(axis=1)


class Oversampler(BaseOverSampler):
    """Oversample with any generator, to any size.

    An imbalanced-learn over-sampler (``imblearn.base.is_sampler`` is true, it subclasses
    ``BaseOverSampler``), so it works as a step of ``imblearn.pipeline.Pipeline``, in
    ``GridSearchCV`` and with ``clone``.

    Parameters
    ----------
    generator : generator, default=None
        Prototype generator, cloned for each class that receives rows; ``None`` means
        ``SMOTEGenerator()``. Any object that follows the generator protocol works (a
        scikit-learn estimator with ``fit(X, y, *, target_class)`` and
        ``sample(n, *, random_state)``; see :mod:`synthaug.generators.protocol`), not only
        synthaug's own.
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
        The fitted generator of each class that received rows. A multiclass-native
        generator is fitted once, for every class, and is the same object under each.
    synthetic_mask_ : ndarray of bool
        Which rows of the last output are synthetic.
    n_synthetic_ : int
        Number of synthetic rows in the last output.
    n_features_in_ : int
        Number of columns seen at fit.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame with string column names.
    """

    # Parameters are validated at fit, by resolve_counts and the generator; imbalanced-
    # learn's constraints would reject Gamma and "balance".
    _parameter_constraints: dict = {}  # noqa: RUF012

    def __init__(self, generator: Any = None, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.generator = generator
        self.sampling_strategy = sampling_strategy
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _make_generator(self) -> Any:
        gen = self.generator if self.generator is not None else SMOTEGenerator()
        check_generator_interface(gen, who="generator")
        return gen

    def memory_estimate(self, y: Any, n_features: int) -> int:
        """Peak bytes that ``fit_resample`` needs beyond its input, for labels ``y`` and
        ``n_features`` columns: the output plus each class generator's working memory
        (:meth:`BaseGenerator.memory_estimate`; once for a multiclass-native generator).
        ``fit_resample`` refuses up front, with
        :class:`~synthaug.exceptions.MemoryLimitError`, when this exceeds the memory
        available (see :mod:`synthaug.limits`)."""
        y_arr = np.asarray(y)
        return self._estimate(self._make_generator(), y_arr, int(n_features),
                              resolve_counts(y_arr, self.sampling_strategy))

    @staticmethod
    def _estimate(generator: Any, y: np.ndarray, n_features: int,
                  counts: dict[Any, int]) -> int:
        sizes = class_roles(y).counts
        total = sum(counts.values())
        output = (len(y) + total) * n_features * 8 + (len(y) + total) * 9  # X, y and mask
        work = 0
        if hasattr(generator, "memory_estimate"):
            each = [generator.memory_estimate(len(y), n_features, sizes[c]) for c in counts]
            # one generator per class, all kept; a multiclass-native one is fitted once
            work = (max(each, default=0) if is_multiclass_native(generator)
                    else sum(each))
        return int(output + work)

    def fit(self, X: Any, y: Any) -> Oversampler:
        """Resample and keep the fitted generators; returns ``self``."""
        self.fit_resample(X, y)
        return self

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """Return ``(X_resampled, y_resampled)``: the original rows, then the new ones.

        Parameters
        ----------
        X : array-like, list or DataFrame of shape (n_samples, n_features)
        y : array-like, list, Series or one-column DataFrame of shape (n_samples,), or a
            one-vs-all indicator matrix of shape (n_samples, n_classes)

        Returns
        -------
        X_resampled, y_resampled
            In the types of ``X`` and ``y`` (see the module docstring).
        """
        labels = _one_hot_labels(y)
        prototype = self._make_generator()
        codec, X_num, X_cat, y_arr = encode_X_y(
            X, y if labels is None else labels,
            categorical_features=categorical_setting(unwrap(prototype),
                                                     self.categorical_features))
        counts = resolve_counts(y_arr, self.sampling_strategy)
        n, d = len(y_arr), codec.n_features_in_
        check_memory(self._estimate(prototype, y_arr, d, counts),
                     what=f"{type(self).__name__} on {n:,} x {d} rows adding "
                          f"{sum(counts.values()):,}",
                     alternative="resample a subset of the majority class, ask for fewer rows "
                                 "(sampling_strategy), or use RandomOverSampler, which needs "
                                 "no neighbour search.")
        entropy = to_entropy(self.random_state)
        n = X_num.shape[0]
        total = sum(counts.values())
        self.sampling_strategy_ = dict(counts)
        self.generators_ = {}
        self.n_synthetic_ = total
        self.synthetic_mask_ = np.concatenate([np.zeros(n, bool), np.ones(total, bool)])
        self.n_features_in_ = codec.n_features_in_
        if codec.is_frame_ and all(isinstance(c, str) for c in codec.columns_):
            self.feature_names_in_ = np.asarray(codec.columns_, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

        fast = (not codec.is_frame_ and codec.n_categorical == 0
                and codec.array_dtype_ == np.float64)
        X_out = None
        if fast:
            X_out = np.empty((n + total, X_num.shape[1]), dtype=np.float64)
            X_out[:n] = X_num
        parts_num, parts_cat = [], []
        start = n
        native = is_multiclass_native(prototype)
        shared = None
        for i, (label, n_new) in enumerate(counts.items()):
            if native:   # one fit models every class; each class is drawn by name
                if shared is None:
                    shared = self._fitted(prototype, codec, X_num, X_cat, y_arr, None,
                                          _derived_seed(entropy, 1, 0))
                encoded, target = shared, label
            else:
                encoded, target = self._fitted(prototype, codec, X_num, X_cat, y_arr, label,
                                               _derived_seed(entropy, 1, i)), None
            self.generators_[label] = unwrap(encoded)
            seed = _derived_seed(entropy, 2, i)
            if fast:
                encoded.sample_encoded(n_new, target_class=target, random_state=seed,
                                       out_num=X_out[start:start + n_new],
                                       out_cat=np.empty((n_new, 0), dtype=np.int64))
            else:
                num, cat = encoded.sample_encoded(n_new, target_class=target,
                                                  random_state=seed)
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
        y_res = self._join_y(y, y_arr, y_new, X_res, one_hot=labels is not None)
        if isinstance(X, list):
            X_res = X_res.tolist()
        return X_res, y_res

    @staticmethod
    def _fitted(prototype: Any, codec: Any, X_num: np.ndarray, X_cat: np.ndarray,
                y: np.ndarray, label: Any, seed: int) -> Any:
        """A clone of ``prototype`` seeded with ``seed`` and fitted for class ``label``
        (None: every class, for a multiclass-native generator), seen encoded."""
        gen = clone(prototype)
        if "random_state" in gen.get_params(deep=False):
            gen.set_params(random_state=seed)
        return as_encoded(gen)._fit_encoded(codec, X_num, X_cat, y, label)

    def _fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        """imbalanced-learn's hook; ``fit_resample`` does the work (it validates mixed
        tables itself, which imbalanced-learn's numeric check would refuse)."""
        return self.fit_resample(X, y)

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
    def _join_y(y: Any, y_arr: np.ndarray, y_new: np.ndarray, X_res: Any, *,
                one_hot: bool = False) -> Any:
        if one_hot:
            y_in = np.asarray(y)
            extra = np.zeros((len(y_new), y_in.shape[1]), dtype=y_in.dtype)
            extra[np.arange(len(y_new)), y_new.astype(np.int64)] = 1
            return np.concatenate([y_in, extra], axis=0)
        if isinstance(y, pd.DataFrame):
            column = Oversampler._join_y(y.iloc[:, 0], y_arr, y_new, X_res)
            return column.to_frame(name=y.columns[0])
        if isinstance(y, pd.Series):
            new = pd.Series(y_new, name=y.name).astype(y.dtype)
            out = pd.concat([y, new], ignore_index=True)
            if isinstance(X_res, pd.DataFrame):
                out.index = X_res.index
            return out
        if isinstance(y, list):
            return list(y) + [plain_label(v) for v in y_new]
        y_in = np.asarray(y)
        if y_in.ndim == 2:
            y_in = y_in.ravel()
        out = np.empty(len(y_in) + len(y_new), dtype=y_in.dtype)
        out[:len(y_in)] = y_in
        out[len(y_in):] = y_new.astype(y_in.dtype) if y_in.dtype != object else y_new
        return out

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False       # dense tables only (a clear error otherwise)
        tags.input_tags.allow_nan = False    # NaN is refused with a message, never guessed
        tags.input_tags.categorical = True   # SMOTENC-style shared encoding
        tags.input_tags.string = True        # text columns are categorical
        tags.non_deterministic = False
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
    step : {"han", "imblearn"}, default="han"
        See :class:`synthaug.generators.BorderlineSMOTEGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = BorderlineSMOTEGenerator
    _generator_params = ("k_neighbors", "m_neighbors", "kind", "step")

    def __init__(self, k_neighbors: int = 5, m_neighbors: int = 10,
                 kind: str = "borderline-1", step: str = "han", *,
                 sampling_strategy: Any = "auto", categorical_features: Any = "auto",
                 random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.kind = kind
        self.step = step
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
    mode : {"reference", "repo", "paper"}, default="reference"
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

    def __init__(self, mode: str = "reference", k_neighbors: int | str = "auto",
                 bandwidth: str | float = "auto", noise_threshold: float = 1.0,
                 fallback: str = "error", *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.mode = mode
        self.k_neighbors = k_neighbors
        self.bandwidth = bandwidth
        self.noise_threshold = noise_threshold
        self.fallback = fallback
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class LEOCVAE(_NamedOversampler):
    """LEO-CVAE: oversampling with a conditional VAE whose loss is weighted, and whose seeds
    are drawn, by the local entropy of the class labels (needs torch). One network is fitted
    for every class.

    Parameters
    ----------
    k_neighbors : int, default=15
    gamma : float, default=2.5
    beta : float, default=4.0
    kl_floor : float, default=0.1
    max_epochs : int, default=500
    patience : int, default=25
    validation_fraction : float, default=0.2
    scale : bool, default=True
    sample_from : {"posterior", "prior"}, default="posterior"
    device : {"auto", "cpu", "cuda"}, default="auto"
    progress : bool, default=False
        See :class:`synthaug.generators.LEOCVAEGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = LEOCVAEGenerator
    _generator_params = ("k_neighbors", "gamma", "beta", "kl_floor", "max_epochs", "patience",
                         "validation_fraction", "scale", "sample_from", "device", "progress")

    def __init__(self, k_neighbors: int = 15, gamma: float = 2.5, beta: float = 4.0,
                 kl_floor: float = 0.1, max_epochs: int = 500, patience: int = 25,
                 validation_fraction: float = 0.2, scale: bool = True,
                 sample_from: str = "posterior", device: str = "auto",
                 progress: bool = False, *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.gamma = gamma
        self.beta = beta
        self.kl_floor = kl_floor
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.scale = scale
        self.sample_from = sample_from
        self.device = device
        self.progress = progress
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class LLMOversampler(_NamedOversampler):
    """ImbLLM: minority rows written by a causal language model trained on the class as
    text, with the label clause first, feature clauses reshuffled every epoch and
    interpolated rows added (needs torch and transformers). ``permutation="full"`` is the
    GReaT baseline. One model per class that receives rows.

    Parameters
    ----------
    model, permutation, n_interpolated, k_neighbors, epochs, batch_size, learning_rate,
    temperature, top_k, top_p, decimals, invalid, allow_extrapolation, max_tries,
    max_new_tokens, guided, device, progress
        See :class:`synthaug.generators.LLMGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = LLMGenerator
    _generator_params = ("model", "permutation", "n_interpolated", "k_neighbors", "epochs",
                         "batch_size", "learning_rate", "temperature", "top_k", "top_p",
                         "decimals", "invalid", "allow_extrapolation", "max_tries",
                         "max_new_tokens", "guided", "device", "progress")

    def __init__(self, model: Any = "tiny", permutation: str = "label-first",
                 n_interpolated: Any = None, k_neighbors: int = 5, epochs: Any = None,
                 batch_size: int = 32, learning_rate: Any = None, temperature: float = 0.7,
                 top_k: Any = 50, top_p: float = 1.0, decimals: Any = "auto",
                 invalid: str = "complete", allow_extrapolation: bool = False,
                 max_tries: int = 20, max_new_tokens: Any = None, guided: bool = True,
                 device: str = "auto", progress: bool = False, *,
                 sampling_strategy: Any = "auto", categorical_features: Any = "auto",
                 random_state: Any = None) -> None:
        self.model = model
        self.permutation = permutation
        self.n_interpolated = n_interpolated
        self.k_neighbors = k_neighbors
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.temperature = temperature
        self.top_k = top_k
        self.top_p = top_p
        self.decimals = decimals
        self.invalid = invalid
        self.allow_extrapolation = allow_extrapolation
        self.max_tries = max_tries
        self.max_new_tokens = max_new_tokens
        self.guided = guided
        self.device = device
        self.progress = progress
        super().__init__(None, sampling_strategy, categorical_features, random_state)


class MOMS(_NamedOversampler):
    """MOMS: minority rows as images of majority rows under a map trained with an MMD and a
    triplet loss (needs torch). One generator per class that receives rows.

    Parameters
    ----------
    hidden_dims, latent_dim, lambda_, margin, alpha, k_neighbors, safe_percentile, kernel,
    max_epochs, patience, lr, batch_size, device, progress
        See :class:`synthaug.generators.MOMSGenerator`.
    sampling_strategy, categorical_features, random_state
        See :class:`Oversampler`.
    """

    _generator_class = MOMSGenerator
    _generator_params = ("hidden_dims", "latent_dim", "lambda_", "margin", "alpha",
                         "k_neighbors", "safe_percentile", "kernel", "max_epochs",
                         "patience", "lr", "batch_size", "device", "progress")

    def __init__(self, hidden_dims: Any = "auto", latent_dim: Any = "auto",
                 lambda_: float = 0.01, margin: float = 1.0, alpha: float = 0.3,
                 k_neighbors: int = 5, safe_percentile: float = 75.0,
                 kernel: str = "gaussian", max_epochs: int = 300, patience: int = 30,
                 lr: float = 1e-3, batch_size: Any = "auto", device: str = "auto",
                 progress: bool = False, *, sampling_strategy: Any = "auto",
                 categorical_features: Any = "auto", random_state: Any = None) -> None:
        self.hidden_dims = hidden_dims
        self.latent_dim = latent_dim
        self.lambda_ = lambda_
        self.margin = margin
        self.alpha = alpha
        self.k_neighbors = k_neighbors
        self.safe_percentile = safe_percentile
        self.kernel = kernel
        self.max_epochs = max_epochs
        self.patience = patience
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.progress = progress
        super().__init__(None, sampling_strategy, categorical_features, random_state)

    def __sklearn_is_fitted__(self) -> bool:
        # the parameter lambda_ ends in "_", which scikit-learn would read as fitted state
        return hasattr(self, "generators_")
