"""Input checks at the public boundary.

Every public entry point (``Generator.fit``, ``Oversampler.fit_resample``, the CLI, the
bench) validates here, once (mixed tables through :func:`synthaug.encoding.encode_X_y`,
which calls these checks and then encodes), and raises one of :mod:`synthaug.exceptions`
with a message that names the problem and what to do. Internals trust what comes out of
these functions.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from sklearn.exceptions import DataConversionWarning

from synthaug._labels import class_roles
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
)

__all__ = ["MAX_ABS_VALUE", "check_finite", "check_integer", "check_matrix",
           "check_n_neighbors", "check_number", "check_numeric_X_y",
           "check_table_and_target", "check_target"]


@overload
def check_integer(name: str, value: Any, low: int = ..., high: int | None = ..., *,
                  optional: Literal[False] = ...) -> int: ...


@overload
def check_integer(name: str, value: Any, low: int = ..., high: int | None = ..., *,
                  optional: bool) -> int | None: ...


def check_integer(name: str, value: Any, low: int = 0, high: int | None = None, *,
                  optional: bool = False) -> int | None:
    """Check a scalar integer parameter and return it as a Python ``int``.

    Parameters
    ----------
    name : str
        The parameter's name, used in the error message.
    value : Any
        The value given. Python ints and numpy integers are accepted (anything
        :class:`numbers.Integral`); ``bool`` is not, nor are floats such as ``3.0``.
    low : int, default=0
        The smallest value allowed (inclusive).
    high : int or None, default=None
        The largest value allowed (inclusive); ``None`` for no upper bound.
    optional : bool, default=False
        Whether ``None`` is allowed (and returned as is).

    Returns
    -------
    int or None
        ``int(value)``, or ``None`` when ``optional`` and ``value`` is ``None``.

    Raises
    ------
    InvalidParameterError
        With the message ``"{name} must be an integer >= {low}[ and <= {high}][ or None];
        got {value!r}."``.
    """
    if optional and value is None:
        return None
    if (not isinstance(value, bool) and isinstance(value, numbers.Integral)
            and value >= low and (high is None or value <= high)):
        return int(value)
    upper = f" and <= {high}" if high is not None else ""
    none = " or None" if optional else ""
    raise InvalidParameterError(
        f"{name} must be an integer >= {low}{upper}{none}; got {value!r}.")


@overload
def check_number(name: str, value: Any, low: float = ..., high: float = ..., *,
                 open_low: bool = ..., open_high: bool = ...,
                 optional: Literal[False] = ...) -> float: ...


@overload
def check_number(name: str, value: Any, low: float = ..., high: float = ..., *,
                 open_low: bool = ..., open_high: bool = ..., optional: bool) -> float | None: ...


def check_number(name: str, value: Any, low: float = -math.inf, high: float = math.inf,
                 *, open_low: bool = False, open_high: bool = False,
                 optional: bool = False) -> float | None:
    """Check a finite real scalar parameter and return it as a Python ``float``.

    Parameters
    ----------
    name : str
        The parameter's name, used in the error message.
    value : Any
        The value given. Python and numpy ints and floats are accepted (anything
        :class:`numbers.Real`); ``bool``, NaN and infinities are not.
    low, high : float, default=-inf, inf
        The bounds of the interval allowed.
    open_low, open_high : bool, default=False
        Whether ``low`` (``high``) itself is excluded.
    optional : bool, default=False
        Whether ``None`` is allowed (and returned as is).

    Returns
    -------
    float or None
        ``float(value)``, or ``None`` when ``optional`` and ``value`` is ``None``.

    Raises
    ------
    InvalidParameterError
        With the message ``"{name} must be a number in {interval}[ or None]; got
        {value!r}."``, the interval written like ``[0, 1)`` or ``(0, inf)``.
    """
    if optional and value is None:
        return None
    if (not isinstance(value, bool) and isinstance(value, numbers.Real)
            and math.isfinite(value)
            and (value > low if open_low else value >= low)
            and (value < high if open_high else value <= high)):
        return float(value)
    left = "(" if open_low or low == -math.inf else "["
    right = ")" if open_high or high == math.inf else "]"
    none = " or None" if optional else ""
    raise InvalidParameterError(
        f"{name} must be a number in {left}{low:g}, {high:g}{right}{none}; got {value!r}.")


def check_target(y: Any, *, min_classes: int = 2, what: str = "y") -> np.ndarray:
    """Validate class labels and return them as a 1-D numpy array.

    Accepts lists, numpy arrays, pandas Series (nullable dtypes included, as long as no
    value is missing) and single-column DataFrames.
    """
    if y is None:
        raise InvalidInputError(f"This estimator requires y to be passed, but the target "
                                f"{what} is None.")
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise InvalidInputError(f"{what} must be one column; got {y.shape[1]} columns.")
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        if y.isna().any():
            raise InvalidInputError(f"{what} has {int(y.isna().sum())} missing labels; "
                                    "drop or label those rows first.")
        if isinstance(y.dtype, pd.api.extensions.ExtensionDtype) and not isinstance(
                y.dtype, pd.CategoricalDtype):
            y = y.to_numpy(dtype=object)
            y = np.asarray(y.tolist())
        else:
            y = y.to_numpy()
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        warnings.warn(f"A column-vector {what} was passed when a 1d array was expected; it "
                      "is read as 1d (use y.ravel() to avoid this warning).",
                      DataConversionWarning, stacklevel=3)
        arr = arr.ravel()
    if arr.ndim != 1:
        raise InvalidInputError(f"{what} must be 1-dimensional; got shape {arr.shape}.")
    if arr.size == 0:
        raise InvalidInputError(f"{what} is empty.")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise InvalidInputError(f"{what} contains NaN or inf labels.")
    if arr.dtype == object and pd.isna(arr).any():
        raise InvalidInputError(f"{what} contains missing labels.")
    if arr.dtype == object:
        arr = _narrow_object_labels(arr, what)
    if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "f":
        raise InvalidInputError(
            f"{what} holds continuous values; classification needs class labels.")
    n_classes = len(np.unique(arr))
    if n_classes < min_classes:
        raise InvalidInputError(
            f"{what} has only {n_classes} class ({np.unique(arr).tolist()}); at least "
            f"{min_classes} classes are needed.")
    return arr


def _narrow_object_labels(arr: np.ndarray, what: str) -> np.ndarray:
    """Object-dtype labels as the plainest dtype that holds them: integers as int64,
    booleans as bool, floats as float64, text stays object (scikit-learn reads each of
    these as class labels; an object array of Python ints it calls 'unknown')."""
    kind = pd.api.types.infer_dtype(arr, skipna=False)
    if kind == "integer":
        return arr.astype(np.int64)
    if kind == "boolean":
        return arr.astype(bool)
    if kind in ("floating", "mixed-integer-float"):
        return arr.astype(np.float64)
    if kind in ("string", "bytes", "categorical"):
        return arr
    kinds = sorted({type(v).__name__ for v in arr[:1000]})
    raise DataTypeError(
        f"{what} mixes label types ({', '.join(kinds)}); use one type for every label, "
        "for example all strings.")


# Squared distances, covariances and Gram matrices square the features: beyond this
# magnitude they overflow float64 (max ~1.8e308) and turn into inf or NaN downstream.
MAX_ABS_VALUE = 1e150


def check_finite(X_num: np.ndarray, columns: list[Any] | None = None,
                 what: str = "X") -> None:
    """Raise if a numeric matrix holds NaN or inf, or values so large (beyond
    :data:`MAX_ABS_VALUE`) that squaring them overflows; the message names the columns."""
    if X_num.size == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        low, high = X_num.min(axis=0), X_num.max(axis=0)
    if np.isfinite(low).all() and np.isfinite(high).all():
        too_big = np.flatnonzero(np.maximum(np.abs(low), np.abs(high)) > MAX_ABS_VALUE)
        if too_big.size == 0:
            return
        names = _names(columns, too_big)
        peak = float(np.max(np.abs(np.r_[low[too_big], high[too_big]])))
        raise InvalidInputError(
            f"{what} holds values as large as {peak:.3g} (in columns {names}); squared "
            f"distances and covariances of such values overflow float64. Rescale the "
            f"features first (for example with sklearn.preprocessing.StandardScaler).")
    finite = np.isfinite(X_num)
    bad = np.flatnonzero(~finite.all(axis=0))
    n_nan = int(np.isnan(X_num).sum())
    n_inf = int(X_num.size - finite.sum() - n_nan)
    raise InvalidInputError(
        f"{what} contains {n_nan} NaN and {n_inf} infinite values (in columns "
        f"{_names(columns, bad)}). Impute or drop them first; synthaug does not guess "
        "missing values.")


def _names(columns: list[Any] | None, idx: np.ndarray) -> str:
    names = [columns[j] for j in idx] if columns is not None else idx.tolist()
    return f"{names[:10]}{' ...' if len(names) > 10 else ''}"


def check_numeric_X_y(X: Any, y: Any, *, what: str = "this method",
                      binary: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Validate an all-numeric feature table and its labels together (same length; two
    classes when ``binary``) for the estimators that need numbers only."""
    arr = check_matrix(X, what=what)
    y_arr = check_target(y)
    if arr.shape[0] != y_arr.shape[0]:
        raise InvalidInputError(f"X has {arr.shape[0]} rows but y has {y_arr.shape[0]} "
                                "labels; they must have the same length.")
    if binary:
        class_roles(y_arr, binary=True, who=what)
    return arr, y_arr


def _check_table_shape(X: Any) -> Any:
    """Reject None, sparse input and wrong shapes; return an array or DataFrame."""
    if X is None:
        raise InvalidInputError("X is None.")
    if hasattr(X, "toarray") and not isinstance(X, (np.ndarray, pd.DataFrame)):
        raise DataTypeError("Sparse X is not supported; pass a dense array or DataFrame.")
    if not isinstance(X, (np.ndarray, pd.DataFrame)):
        try:
            X = np.asarray(X)
        except Exception as exc:  # pragma: no cover - exotic inputs
            raise DataTypeError(f"Cannot read X as a table: {exc}") from exc
    if isinstance(X, np.ndarray) and X.ndim != 2:
        raise InvalidInputError(
            f"X must be 2-dimensional (n_samples, n_features); got shape {X.shape}. Reshape "
            "your data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for "
            "a single sample.")
    if X.shape[1] == 0:
        raise InvalidInputError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 "
                                "is required.")
    if X.shape[0] == 0:
        raise InvalidInputError(f"X has 0 sample(s) (shape={X.shape}) while a minimum of 1 "
                                "is required.")
    dtypes = X.dtypes if isinstance(X, pd.DataFrame) else [X.dtype]
    if any(getattr(dt, "kind", "") == "c" for dt in dtypes):
        raise InvalidInputError("Complex data not supported: X holds complex numbers; pass "
                                "real-valued features.")
    if isinstance(X, np.ndarray) and X.dtype == object and X.size and any(
            isinstance(v, complex) for v in X.ravel()[:1000]):
        raise InvalidInputError("Complex data not supported: X holds complex numbers; pass "
                                "real-valued features.")
    return X


def check_matrix(X: Any, *, what: str = "this method") -> np.ndarray:
    """Validate an all-numeric feature table and return it as a finite float64 matrix.

    For the estimators that need numbers only (size selection, diagnostics, KOTARO); the
    message says to encode categorical columns first.
    """
    X = _check_table_shape(X)
    try:
        arr = (X.to_numpy(dtype=np.float64) if isinstance(X, pd.DataFrame)
               else np.asarray(X, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise DataTypeError(f"{what} needs numeric features (encode categorical columns "
                            f"first): {exc}") from None
    check_finite(arr)
    return arr


def check_table_and_target(X: Any, y: Any) -> tuple[Any, np.ndarray]:
    """Validate a feature table (array, list or DataFrame; not sparse, 2-D, not empty, not
    complex) and its labels, of the same length. Returns the table (as an array or the
    DataFrame itself) and the labels as a 1-D array; the encoding of the columns happens
    in :func:`synthaug.encoding.encode_X_y`."""
    X = _check_table_shape(X)
    y_arr = check_target(y)
    if X.shape[0] != y_arr.shape[0]:
        raise InvalidInputError(
            f"X has {X.shape[0]} rows but y has {y_arr.shape[0]} labels.")
    return X, y_arr


def check_n_neighbors(n_rows: int, n_neighbors: Any, *, label: Any = None,
                      param: str = "k_neighbors", within: str = "class") -> int:
    """Check that ``n_rows`` rows leave room for ``n_neighbors`` neighbours of each row
    (``n_rows >= n_neighbors + 1``), and say what to set when they do not."""
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)):
        raise InvalidParameterError(f"{param} must be a positive integer, got {n_neighbors!r}.")
    if n_neighbors < 1:
        raise InvalidParameterError(f"{param} must be >= 1, got {n_neighbors}.")
    if n_rows < n_neighbors + 1:
        who = f"class {label!r}" if label is not None else "the data"
        hint = (f"set {param} <= {n_rows - 1}" if n_rows >= 2 else
                "use RandomGenerator (bootstrap), which needs no neighbours")
        raise NotEnoughSamplesError(
            f"{who} has {n_rows} row{'s' if n_rows != 1 else ''} in the {within}, but "
            f"{param}={n_neighbors} needs at least {n_neighbors + 1}; {hint}.")
    return int(n_neighbors)
