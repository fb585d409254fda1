"""Generators that are not synthaug's own: the protocol they follow and the adapter that
lets them work everywhere a built-in generator does.

The protocol is small. A generator is a scikit-learn estimator (``get_params`` /
``set_params``, so it clones) with

* ``fit(X, y, *, target_class)`` that learns to make rows of ``target_class`` and returns
  ``self``, and
* ``sample(n, *, random_state)`` that returns exactly ``n`` rows in the format of the ``X``
  given to ``fit`` (an array of the same width, or a DataFrame with the same columns).

A generator that models every class in one fit says so with a class attribute
``multiclass_native = True``; it is then fitted once with ``target_class=None`` and drawn
per class with ``sample(n, *, target_class, random_state)``.

A wrapper around another library's tabular synthesiser fits in a dozen lines. Prefix
consistency (a smaller ``n`` with the same seed gives a prefix of a larger sample) is the
author's promise; :func:`synthaug.checks.check_generator` tests it, with the rest of the
protocol, the way scikit-learn's ``check_estimator`` tests an estimator.

Built-in generators (subclasses of :class:`~synthaug.generators.base.BaseGenerator`) work on
the shared encoding directly; :func:`as_encoded` wraps any other one so that
``Oversampler`` (and through it VTSS, TG-VTSS and the bench) treats both alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthaug._validation import check_finite
from synthaug.encoding import TableCodec
from synthaug.exceptions import InvalidInputError, InvalidParameterError, NotFittedError
from synthaug.generators.base import BaseGenerator

__all__ = ["as_encoded", "check_generator_interface", "encode_rows", "is_multiclass_native"]

_METHODS = ("fit", "sample", "get_params", "set_params")


def check_generator_interface(generator: Any, *, who: str = "generator") -> None:
    """Raise :class:`~synthaug.exceptions.InvalidParameterError` unless ``generator`` is an
    instance with the protocol's methods (see the module docstring)."""
    if isinstance(generator, type):
        raise InvalidParameterError(
            f"{who} must be a generator instance, got the class {generator.__name__}; "
            f"write {generator.__name__}() instead.")
    missing = [m for m in _METHODS if not callable(getattr(generator, m, None))]
    if missing:
        raise InvalidParameterError(
            f"{who} {type(generator).__name__} lacks {', '.join(missing)}: a generator is a "
            "scikit-learn estimator with fit(X, y, *, target_class) and sample(n, *, "
            "random_state) (see synthaug.generators.protocol).")


def encode_rows(codec: TableCodec, rows: Any, n: int, who: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``rows`` returned by ``who.sample(n)`` are ``n`` rows of the fitted table
    and return them encoded ``(numeric, codes)``."""
    if codec.is_frame_ and not isinstance(rows, pd.DataFrame):
        arr = np.asarray(rows)
        if arr.ndim != 2 or arr.shape[1] != codec.n_features_in_:
            raise InvalidInputError(
                f"{who}.sample returned shape {arr.shape}; expected ({n}, "
                f"{codec.n_features_in_}).")
        rows = pd.DataFrame(arr, columns=pd.Index(codec.columns_))
    if isinstance(rows, pd.DataFrame):
        missing = [c for c in codec.columns_ if c not in rows.columns] if codec.is_frame_ else []
        if missing:
            raise InvalidInputError(f"{who}.sample returned rows without columns {missing}.")
        if codec.is_frame_:
            rows = rows.loc[:, codec.columns_]
        shape = rows.shape
    else:
        rows = np.asarray(rows)
        shape = rows.shape
    if len(shape) != 2 or shape[0] != n or shape[1] != codec.n_features_in_:
        raise InvalidInputError(
            f"{who}.sample({n}) returned shape {tuple(shape)}; the protocol asks for exactly "
            f"({n}, {codec.n_features_in_}).")
    try:
        num, cat = codec.encode(rows)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{who}.sample returned rows that do not fit the table it "
                                f"was fitted on: {exc}") from None
    check_finite(num, [codec.columns_[j] for j in codec.numeric_idx_],
                 what=f"the output of {who}.sample")
    return num, cat


def is_multiclass_native(generator: Any) -> bool:
    """Whether ``generator`` (or the user's generator inside an adapter) models every class
    in one fit (its ``multiclass_native`` attribute)."""
    return bool(getattr(unwrap(generator), "multiclass_native", False))


class _ForeignGenerator:
    """A protocol generator seen through the shared encoding (see :func:`as_encoded`)."""

    def __init__(self, generator: Any) -> None:
        self.generator = generator

    def _fit_encoded(self, codec: TableCodec, X_num: np.ndarray, X_cat: np.ndarray,
                     y: np.ndarray, target_class: Any) -> _ForeignGenerator:
        self.codec_ = codec
        fitted = self.generator.fit(codec.decode(X_num, X_cat), y, target_class=target_class)
        if fitted is not None and fitted is not self.generator:
            self.generator = fitted
        return self

    def sample_encoded(self, n: int, *, target_class: Any = None, random_state: Any = None,
                       out_num: np.ndarray | None = None,
                       out_cat: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if not hasattr(self, "codec_"):
            raise NotFittedError("This generator is not fitted yet; call fit first.")
        who = type(self.generator).__name__
        if target_class is None:
            rows = self.generator.sample(n, random_state=random_state)
        elif is_multiclass_native(self.generator):
            rows = self.generator.sample(n, target_class=target_class,
                                         random_state=random_state)
        else:
            raise InvalidParameterError(
                f"{who} is not multiclass-native (no multiclass_native = True), so it draws "
                "only the class it was fitted for; fit it once per class instead.")
        num, cat = encode_rows(self.codec_, rows, n, who)
        if out_num is not None:
            out_num[:] = num
            num = out_num
        if out_cat is not None and out_cat.shape[1]:
            out_cat[:] = cat
            cat = out_cat
        return num, cat


def as_encoded(generator: Any) -> Any:
    """``generator`` itself when it is a built-in one, else an adapter that feeds it the
    table in the user's format and encodes what it returns (with the checks of
    :func:`encode_rows`). Either way the result has ``_fit_encoded`` and
    ``sample_encoded``."""
    if isinstance(generator, BaseGenerator):
        return generator
    check_generator_interface(generator)
    return _ForeignGenerator(generator)


def unwrap(generator: Any) -> Any:
    """The user's generator inside an adapter made by :func:`as_encoded`."""
    return generator.generator if isinstance(generator, _ForeignGenerator) else generator
