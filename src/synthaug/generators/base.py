"""The Generator protocol and the base class every generator builds on.

A generator learns, once, how to make rows of one class, and then draws any number of them:

>>> gen = SMOTEGenerator(k_neighbors=5).fit(X, y, target_class=1)   # doctest: +SKIP
>>> X_new = gen.sample(500, random_state=0)                          # doctest: +SKIP

A *multiclass-native* generator (class attribute ``multiclass_native = True``) learns every
class in one fit and draws any of them:

>>> gen = SomeNativeGenerator().fit(X, y)                            # doctest: +SKIP
>>> X_new = gen.sample(500, target_class=2, random_state=0)         # doctest: +SKIP

``sample`` is *prefix-consistent*: ``sample(m, random_state=s)`` equals the first ``m`` rows
of ``sample(n, random_state=s)`` (per class, for a multiclass-native generator).
:class:`BaseGenerator` builds this in by producing rows in fixed-size chunks, each with its
own random stream (:func:`synthaug._random.chunk_streams`), so a subclass only writes
``_fit`` and ``_sample_chunk``.

Input validation and the split into numeric and categorical columns happen here, once, via
:func:`synthaug.encoding.encode_X_y` and :class:`synthaug.encoding.TableCodec`.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from synthaug._labels import class_roles, plain_label
from synthaug._random import chunk_streams, to_entropy
from synthaug._validation import check_integer
from synthaug.encoding import TableCodec, encode_X_y
from synthaug.exceptions import InvalidInputError, InvalidParameterError, NotFittedError

__all__ = ["BaseGenerator", "categorical_setting", "default_target_class"]


def default_target_class(y: np.ndarray) -> Any:
    """The class a generator models when none is named: the minority of
    :func:`synthaug._labels.class_roles` (the smallest class; ties: the last label)."""
    return class_roles(y).minority


def categorical_setting(generator: Any, categorical_features: Any) -> Any:
    """The ``categorical_features`` to encode a table with for ``generator``: ``"auto"``
    means no categorical columns for a numeric-only generator (``handles_categorical =
    "none"``), so number-like columns are read as numbers rather than as categories it
    would refuse."""
    if isinstance(categorical_features, str) and categorical_features == "auto" and getattr(
            generator, "handles_categorical", "encoded") == "none":
        return None
    return categorical_features


class BaseGenerator(BaseEstimator, metaclass=ABCMeta):
    """Base class of synthaug's generators.

    Subclasses implement

    * ``_fit(X_num, X_cat, y, target_class)``: learn from validated data. ``X_num`` is the
      float64 matrix of numeric columns, ``X_cat`` the integer codes of the categorical
      columns (``self.codec_.categories_`` holds their levels), ``y`` the labels.
    * ``_sample_chunk(rng, size) -> (num, cat)``: exactly ``size`` new rows, drawn from
      ``rng`` alone.

    Class attributes
    ----------------
    chunk_size : int
        Rows per random stream. Cheap generators use large chunks; costly ones (neural,
        LLM) small ones, since a partial last chunk is still drawn whole (unless
        ``partial_chunks``).
    partial_chunks : bool
        True when a chunk's first ``m`` rows do not depend on how many rows the chunk
        holds (each row has a stream of its own), so a partial last chunk is drawn with
        only the rows asked for.
    multiclass_native : bool
        True for generators that model every class at once: ``fit`` learns all classes
        (a ``target_class`` given to it only becomes the default class of ``sample``), and
        ``sample(n, target_class=c)`` draws class ``c``. Such a subclass implements
        ``_sample_chunk(rng, size, target_class)``. :class:`~synthaug.sampler.Oversampler`
        and the size searches fit it once for all classes instead of once per class.
    handles_categorical : {"encoded", "none"}
        "encoded": categorical columns come as codes through the shared codec. "none": the
        generator models numeric columns only; with ``categorical_features="auto"`` every
        column is read as a number (nullable integers and booleans included), and a text
        column is refused with a message that names it.
    """

    chunk_size: int = 4096
    partial_chunks: bool = False
    multiclass_native: bool = False
    handles_categorical: str = "encoded"

    # ------------------------------------------------------------------ public API
    def fit(self, X: Any, y: Any, *, target_class: Any = None,
            categorical_features: Any = "auto") -> BaseGenerator:
        """Learn to generate rows of ``target_class``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            All rows, every class (some generators use the other classes).
        y : array-like of shape (n_samples,)
            Class labels.
        target_class : label, optional
            The class to generate; defaults to the smallest class.
        categorical_features : "auto", None, names, positions or mask, default="auto"
            Categorical columns (see :class:`synthaug.encoding.TableCodec`).

        Returns
        -------
        self
        """
        codec, X_num, X_cat, y_arr = encode_X_y(
            X, y, categorical_features=categorical_setting(self, categorical_features))
        return self._fit_encoded(codec, X_num, X_cat, y_arr, target_class)

    def sample(self, n: int, *, target_class: Any = None, random_state: Any = None) -> Any:
        """Draw exactly ``n`` new rows of the target class.

        Parameters
        ----------
        n : int
            Number of rows, ``n >= 0``.
        target_class : label, optional
            The class to draw. A multiclass-native generator draws any class it was fitted
            on (default: the ``target_class`` given to ``fit``, which must then have been
            given); any other generator only the class it was fitted for.
        random_state : None, int or numpy Generator, optional
            Seed of this draw; defaults to the generator's own ``random_state``. The same
            seed gives the same rows, and a smaller ``n`` gives a prefix of a larger one.

        Returns
        -------
        ndarray or DataFrame of shape (n, n_features)
            In the format of the ``X`` given to ``fit``.
        """
        X_num, X_cat = self.sample_encoded(n, target_class=target_class,
                                           random_state=random_state)
        return self.codec_.decode(X_num, X_cat)

    # ------------------------------------------------------------------ internal API
    def _fit_encoded(self, codec: TableCodec, X_num: np.ndarray, X_cat: np.ndarray,
                     y: np.ndarray, target_class: Any) -> BaseGenerator:
        """Fit on already validated, encoded data (used by ``Oversampler`` so that input is
        validated once for all classes)."""
        self._check_params()
        if target_class is None and not self.multiclass_native:
            target_class = default_target_class(y)
        classes = np.unique(y)
        if target_class is not None:
            target_class = plain_label(target_class)
        if target_class is not None and target_class not in set(classes.tolist()):
            raise InvalidInputError(
                f"target_class={target_class!r} is not a label of y (labels: "
                f"{classes.tolist()}).")
        self.codec_ = codec
        self.classes_ = classes
        self.target_class_ = target_class
        self.n_features_in_ = codec.n_features_in_
        self._fit(X_num, X_cat, y, target_class)
        self.is_fitted_ = True
        return self

    def sample_encoded(self, n: int, *, target_class: Any = None, random_state: Any = None,
                       out_num: np.ndarray | None = None,
                       out_cat: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` rows in the encoded space (float numeric part, categorical codes).

        ``out_num`` / ``out_cat`` may be preallocated views to write into, which lets an
        oversampler build its output without an intermediate copy.
        """
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")
        n = check_integer("n", n, 0)
        label = self._sample_class(target_class)
        seed = random_state if random_state is not None else getattr(self, "random_state", None)
        entropy = to_entropy(seed)
        if self.multiclass_native:  # one stream per class: each class is prefix-consistent
            position = int(np.flatnonzero(self.classes_ == label)[0])
            entropy = int(np.random.SeedSequence([entropy, position]).generate_state(
                1, np.uint64)[0])

            def draw(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
                return self._sample_chunk(rng, size, label)
        else:
            draw = self._sample_chunk
        if out_num is None:
            out_num = np.empty((n, self.codec_.n_numeric), dtype=np.float64)
        if out_cat is None:
            out_cat = np.empty((n, self.codec_.n_categorical), dtype=np.int64)
        for start, stop, rng in chunk_streams(entropy, n, self.chunk_size):
            m = stop - start
            num, cat = draw(rng, m if self.partial_chunks else self.chunk_size)
            out_num[start:stop] = num[:m]
            if out_cat.shape[1]:
                out_cat[start:stop] = cat[:m]
        return out_num, out_cat

    def _sample_class(self, target_class: Any) -> Any:
        """The class ``sample`` draws: ``target_class`` checked against what was fitted."""
        if target_class is not None:
            target_class = plain_label(target_class)
        if not self.multiclass_native:
            if target_class is not None and target_class != self.target_class_:
                raise InvalidParameterError(
                    f"{type(self).__name__} was fitted to make rows of class "
                    f"{self.target_class_!r} and cannot draw class {target_class!r}; fit it "
                    f"again with target_class={target_class!r}.")
            return self.target_class_
        label = self.target_class_ if target_class is None else target_class
        known = self.classes_.tolist()
        if label is None:
            raise InvalidParameterError(
                f"{type(self).__name__} models every class; name the one to draw: "
                f"sample(n, target_class=c) with c in {known}.")
        if label not in set(known):
            raise InvalidParameterError(
                f"target_class={label!r} is not a class {type(self).__name__} was fitted on "
                f"({known}).")
        return label

    # ------------------------------------------------------------------ memory
    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        """Peak working memory, in bytes, of ``fit`` and ``sample`` on a table of
        ``n_rows x n_features`` whose target class has ``n_target`` rows; the input and the
        sampled output are not counted (:class:`~synthaug.sampler.Oversampler` adds them).

        An upper bound from the largest arrays the method allocates; subclasses that
        search neighbours or build matrices add theirs. ``benchmarks/bench_memory.py``
        checks it against measured peaks.
        """
        target_copy = 2 * n_target * n_features * 8          # class rows and seed rows
        chunk = 4 * min(self.chunk_size, max(n_rows, 1)) * n_features * 8
        return int(target_copy + chunk)

    # ------------------------------------------------------------------ hooks
    def _check_params(self) -> None:
        """Validate constructor parameters (called at fit)."""

    @abstractmethod
    def _fit(self, X_num: np.ndarray, X_cat: np.ndarray, y: np.ndarray,
             target_class: Any) -> None:
        """Learn from validated, encoded data (see the class docstring)."""

    @abstractmethod
    def _sample_chunk(self, rng: np.random.Generator, size: int, *args: Any
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Exactly ``size`` new rows ``(numeric, codes)``, drawn from ``rng`` alone (a
        multiclass-native generator gets the class to draw as a third argument)."""

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags
