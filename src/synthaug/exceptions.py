"""The library's own error and warning types.

Every error raised at synthaug's public boundary is one of these. Each subclasses the
built-in type a scikit-learn user would expect (``ValueError`` or ``TypeError``), so
``except ValueError`` keeps working, while ``except synthaug.exceptions.SynthaugError``
catches only what the library itself raised.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "DataTypeError",
    "GenerationError",
    "InvalidInputError",
    "InvalidParameterError",
    "MemoryLimitError",
    "MissingDependencyError",
    "NotEnoughSamplesError",
    "NotFittedError",
    "SamplingStrategyError",
    "SynthaugError",
    "SynthaugWarning",
    "TrainingDivergedError",
    "UnknownColumnError",
    "UnknownMethodError",
]


class SynthaugError(Exception):
    """Base class of every error raised by synthaug."""


class InvalidInputError(SynthaugError, ValueError):
    """The data given is unusable: NaN or inf values, one class only, wrong shape."""


class DataTypeError(SynthaugError, TypeError):
    """A column or array has a dtype the method cannot use (e.g. undeclared text)."""


class UnknownColumnError(SynthaugError, KeyError, ValueError):
    """A column named by the user (target, categorical feature) does not exist."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class NotEnoughSamplesError(InvalidInputError):
    """A class has too few rows for the requested neighbourhood size."""


class MemoryLimitError(InvalidInputError):
    """The work asked for would need more memory than is available; raised before it
    starts, with the estimate, the limit and an alternative (see :mod:`synthaug.limits`)."""


class SamplingStrategyError(SynthaugError, ValueError):
    """A ``sampling_strategy`` that cannot be resolved into counts of new rows."""


class InvalidParameterError(SynthaugError, ValueError):
    """A constructor parameter is out of range or of the wrong kind."""


class UnknownMethodError(SynthaugError, ValueError):
    """A method or generator name that synthaug does not know."""


class NotFittedError(SynthaugError, _SklearnNotFittedError):
    """A generator or estimator was used before ``fit``.

    A subclass of scikit-learn's ``NotFittedError`` (itself a ``ValueError`` and an
    ``AttributeError``), so ``except sklearn.exceptions.NotFittedError`` catches it."""


class MissingDependencyError(SynthaugError, ImportError):
    """An optional dependency (torch, transformers, dask) is needed but not installed."""


class TrainingDivergedError(SynthaugError, ValueError):
    """A neural network's training produced NaN or infinite values (the message names the
    epoch and the likely cause, usually the learning rate)."""


class GenerationError(SynthaugError, RuntimeError, ValueError):
    """A generator could not make enough valid rows within its allowed rounds (the LLM
    oversampler: the message says how many valid rows were made and why the others were
    rejected). A ``ValueError`` too, like every error the library raises about what it was
    given (here: data or settings it cannot learn to write valid rows from)."""


class SynthaugWarning(UserWarning):
    """Warnings issued by synthaug (e.g. a dataset loader skipped)."""
