"""The one encoding of tabular input shared by every generator.

A :class:`TableCodec` is fitted on the full feature table. It remembers the input's format
(numpy array or pandas DataFrame, column names, dtypes) and splits the columns into

* **numeric** columns, handed to generators as one float64 matrix, and
* **categorical** columns, handed over as integer codes (one column of codes per feature).

Generators work on that split, and the codec turns their output back into the input's
format: integer columns are *rounded* (never truncated), categoricals stay categorical with
the same categories, and pandas columns keep their names and dtypes.

The SMOTENC-style helpers live here too, so that every interpolating generator treats
categorical columns the same way: a neighbour space in which each mismatched category adds
the squared median of the numeric standard deviations (Chawla et al., 2002), built sparse
so that many levels never create a dense blow-up, and a vectorised vote that gives a new row
the most frequent category among its seed's neighbours.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from synthaug._validation import check_finite, check_table_and_target
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    SynthaugWarning,
    UnknownColumnError,
)

__all__ = ["TableCodec", "encode_X_y", "majority_vote", "neighbour_space"]


def _is_categorical_dtype(dtype: Any) -> bool:
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype) or pd.api.types.is_bool_dtype(dtype))


def _is_numeric_dtype(dtype: Any) -> bool:
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))


# A categorical column with a distinct value in every row, and more rows than this, looks
# like an identifier; TableCodec.fit warns about it.
MIN_ROWS_FOR_IDENTIFIER = 20


def _not_numeric_message(name: Any, dtype: Any) -> str:
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(
            dtype) or isinstance(dtype, pd.PeriodDtype):
        return (f"Column {name!r} holds dates or times ({dtype}), which synthaug cannot "
                "interpolate; convert it to numbers (for example days since a fixed date) "
                "or drop it.")
    return (f"Column {name!r} has non-numeric dtype {dtype} but is not declared categorical. "
            "Pass it in categorical_features (or use categorical_features='auto' with a "
            "pandas DataFrame), or encode it.")


def _warn_if_identifier(name: Any, col: Any, cats: np.ndarray) -> None:
    """Warn when categorical column ``name`` has a different value in every row."""
    n = len(col)
    if n <= MIN_ROWS_FOR_IDENTIFIER or len(cats) < n or pd.Series(col).nunique() < n:
        return
    warnings.warn(
        f"Categorical column {name!r} has a different value in each of its {n} rows, so it "
        "looks like an identifier (an ID, a name, a timestamp): synthetic rows would only "
        "copy its values from real rows. Drop the column before resampling (in Python "
        f"X.drop(columns=[{name!r}]), or delete it from the file), or convert it to "
        "numbers if it is a measurement.", SynthaugWarning, stacklevel=4)


class TableCodec:
    """Split a feature table into numeric and categorical parts and put it back together.

    Parameters
    ----------
    categorical_features : "auto", None, or sequence of str, int or bool, default="auto"
        Which columns are categorical: column names (pandas input), positions, a boolean
        mask, ``None`` for none, or ``"auto"`` for pandas columns of category, object,
        string or bool dtype and for the columns of a numpy object array that do not read
        as numbers (other numpy input then has no categorical columns).

    Notes
    -----
    ``fit`` checks the columns once for every generator and the CLI:

    * a categorical column with a different value in every row, in a table of more than
      ``MIN_ROWS_FOR_IDENTIFIER`` (20) rows, looks like an identifier (an ID, a name, a
      timestamp read as text). It is kept, but a :class:`~synthaug.exceptions.SynthaugWarning`
      names it and says to drop it: synthetic rows could only copy its values;
    * date and time columns (datetime64, timedelta64, period) are refused with a
      :class:`~synthaug.exceptions.DataTypeError` that says to convert them to numbers;
    * a column of lists, dicts or arrays is refused with a ``DataTypeError`` too;
    * missing values in a categorical column are an
      :class:`~synthaug.exceptions.InvalidInputError` (numeric ones are refused by the
      input checks after encoding).

    Attributes
    ----------
    is_frame_ : bool
        Whether the fitted input was a pandas DataFrame.
    columns_ : list
        Column names (pandas) or positions (numpy).
    categorical_mask_ : ndarray of bool
        Which columns are categorical.
    categories_ : list of ndarray
        The categories of each categorical column, in code order.
    """

    def __init__(self, categorical_features: Any = "auto") -> None:
        self.categorical_features = categorical_features

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Any) -> TableCodec:
        """Learn the format, the column split and the categories of ``X``."""
        self.is_frame_ = isinstance(X, pd.DataFrame)
        if self.is_frame_:
            self.columns_ = list(X.columns)
            self.dtypes_ = list(X.dtypes)
            self.index_name_ = X.index.name
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise InvalidInputError(
                    f"X must be 2-dimensional (n_samples, n_features); got shape {arr.shape}.")
            self.columns_ = list(range(arr.shape[1]))
            self.dtypes_ = [arr.dtype] * arr.shape[1]
            self.array_dtype_ = arr.dtype
        self.categorical_mask_ = self._resolve_mask(X)
        self.numeric_idx_ = np.flatnonzero(~self.categorical_mask_)
        self.categorical_idx_ = np.flatnonzero(self.categorical_mask_)
        for j in self.numeric_idx_:
            if not self._column_is_numeric(X, j):
                raise DataTypeError(_not_numeric_message(self.columns_[j], self.dtypes_[j]))
        self.categories_ = []
        for j in self.categorical_idx_:
            col = self._column(X, j)
            if pd.isna(col).any():
                raise InvalidInputError(
                    f"Categorical column {self.columns_[j]!r} has missing values; impute them "
                    "or make 'missing' a category of its own.")
            cats = self._categories(col, j)
            _warn_if_identifier(self.columns_[j], col, cats)
            self.categories_.append(cats)
        self.n_features_in_ = len(self.columns_)
        return self

    def _categories(self, col: Any, j: int) -> np.ndarray:
        """The categories of column ``j`` (its dtype's, or its sorted distinct values)."""
        dtype = self.dtypes_[j]
        if isinstance(dtype, pd.CategoricalDtype):
            return np.asarray(dtype.categories)
        try:
            cats = pd.unique(pd.Series(col, dtype=object)) if not isinstance(
                col, np.ndarray) or col.dtype == object else np.unique(col)
            return np.asarray(sorted(cats, key=lambda v: (str(type(v)), v)), dtype=object)
        except TypeError:  # unhashable (lists, dicts, arrays) or unorderable values
            kinds = sorted({type(v).__name__ for v in col[:1000]})
            raise DataTypeError(
                f"Column {self.columns_[j]!r} holds values of type {', '.join(kinds)}, "
                "which are neither numbers nor categories; turn it into columns of plain "
                "values, or drop it.") from None

    def _resolve_mask(self, X: Any) -> np.ndarray:
        d = len(self.columns_)
        spec = self.categorical_features
        mask = np.zeros(d, dtype=bool)
        if spec is None:
            return mask
        if isinstance(spec, str):
            if spec != "auto":
                raise InvalidInputError(
                    f"categorical_features must be 'auto', None, names, positions or a "
                    f"boolean mask; got {spec!r}.")
            if self.is_frame_:
                mask[:] = [_is_categorical_dtype(dt) for dt in self.dtypes_]
            elif self.array_dtype_.kind == "O":
                mask[:] = [not self._object_is_numeric(X, j) for j in range(d)]
            return mask
        items = list(spec) if isinstance(spec, (Sequence, np.ndarray, pd.Index)) else [spec]
        if len(items) == d and all(isinstance(v, (bool, np.bool_)) for v in items):
            return np.asarray(items, dtype=bool)
        for item in items:
            if isinstance(item, (bool, np.bool_)):
                raise InvalidInputError(
                    f"A boolean categorical_features mask needs one entry per column "
                    f"({d}); got {len(items)}.")
            if isinstance(item, (int, np.integer)):
                if not -d <= item < d:
                    raise UnknownColumnError(
                        f"categorical_features position {item} is out of range for "
                        f"{d} columns.")
                mask[int(item)] = True
            elif self.is_frame_ and item in self.columns_:
                mask[self.columns_.index(item)] = True
            else:
                known = self.columns_ if self.is_frame_ else "positions 0.." + str(d - 1)
                raise UnknownColumnError(
                    f"categorical_features names column {item!r}, which is not in X "
                    f"(columns: {known}).")
        return mask

    # ------------------------------------------------------------------ helpers
    def _column(self, X: Any, j: int) -> Any:
        if isinstance(X, pd.DataFrame):
            return X.iloc[:, j].to_numpy()
        return np.asarray(X)[:, j]

    def _column_is_numeric(self, X: Any, j: int) -> bool:
        if self.is_frame_:
            return _is_numeric_dtype(self.dtypes_[j])
        return np.issubdtype(self.array_dtype_, np.number) or self._object_is_numeric(X, j)

    @staticmethod
    def _object_is_numeric(X: Any, j: int) -> bool:
        try:
            np.asarray(np.asarray(X)[:, j], dtype=np.float64)
        except (TypeError, ValueError):
            return False
        return True

    @property
    def n_numeric(self) -> int:
        """Number of numeric columns."""
        return len(self.numeric_idx_)

    @property
    def n_categorical(self) -> int:
        """Number of categorical columns."""
        return len(self.categorical_idx_)

    # ------------------------------------------------------------------ encode / decode
    def encode(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(X_num, X_cat)``: numeric columns as float64, categorical as codes.

        A float64 numpy array with no categorical columns is returned as it is (no copy).
        """
        if self.is_frame_:
            if self.n_categorical == 0 and all(
                    dt == np.float64 for dt in self.dtypes_):
                X_num = X.to_numpy(dtype=np.float64, copy=False)
            else:
                X_num = np.empty((len(X), self.n_numeric), dtype=np.float64)
                for out_j, j in enumerate(self.numeric_idx_):
                    X_num[:, out_j] = X.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = np.asarray(X)
            if self.n_categorical == 0:
                X_num = arr if arr.dtype == np.float64 else arr.astype(np.float64)
            else:
                X_num = arr[:, self.numeric_idx_].astype(np.float64)
        X_cat = np.empty((X_num.shape[0], self.n_categorical), dtype=np.int64)
        for out_j, (j, cats) in enumerate(zip(self.categorical_idx_, self.categories_)):
            col = self._column(X, j)
            codes = pd.Categorical(col, categories=cats).codes
            if (codes < 0).any():
                raise InvalidInputError(
                    f"Column {self.columns_[j]!r} holds values not seen when the codec was "
                    "fitted.")
            X_cat[:, out_j] = codes
        return X_num, X_cat

    def decode(self, X_num: np.ndarray, X_cat: np.ndarray) -> Any:
        """Turn numeric values and category codes back into the fitted input's format.

        Integer columns are rounded to the nearest integer and clipped to their dtype's
        range; categorical columns get their categories back.
        """
        n = X_num.shape[0]
        if not self.is_frame_:
            dtype = self.array_dtype_
            if self.n_categorical == 0:
                return _cast_numeric(X_num, dtype)
            out = np.empty((n, self.n_features_in_), dtype=dtype)
            if self.n_numeric:
                out[:, self.numeric_idx_] = _cast_numeric(X_num, dtype) if np.issubdtype(
                    dtype, np.number) else X_num
            for out_j, (j, cats) in enumerate(zip(self.categorical_idx_, self.categories_)):
                out[:, j] = cats[X_cat[:, out_j]]
            return out
        data: dict[Any, Any] = {}
        num_pos = {j: k for k, j in enumerate(self.numeric_idx_)}
        cat_pos = {j: k for k, j in enumerate(self.categorical_idx_)}
        for j, (name, dtype) in enumerate(zip(self.columns_, self.dtypes_)):
            if j in num_pos:
                data[name] = pd.Series(_cast_numeric(X_num[:, num_pos[j]], dtype), copy=False)
            else:
                k = cat_pos[j]
                values = self.categories_[k][X_cat[:, k]]
                data[name] = pd.Series(values, dtype=object).astype(dtype)
        frame = pd.DataFrame(data)
        frame.columns = pd.Index(self.columns_)
        return frame

    # ------------------------------------------------------------------ saving
    def to_state(self) -> dict[str, Any]:
        """The fitted codec as JSON-ready values, for saving a fitted generator.

        :meth:`from_state` rebuilds from it a codec that encodes and decodes exactly as
        this one does.

        Returns
        -------
        state : dict
            ``version``, ``is_frame``, ``columns``, ``dtypes`` (one per column: a dtype
            name, or a dict for string and categorical dtypes, the latter with ``ordered``
            and the dtype of their categories), ``array_dtype`` (numpy input, else
            ``None``), ``index_name`` (pandas input, else ``None``), ``categorical_mask``
            and ``categories`` (per categorical column, its values and their array dtype).

        Notes
        -----
        Column names, the index name and categories must be JSON values (str, int, float,
        bool) or numpy scalars; tuples come back as tuples. Dates and times as categories
        are kept when their array is datetime64 or timedelta64.
        """
        return {
            "version": _STATE_VERSION,
            "is_frame": bool(self.is_frame_),
            "columns": [_json_scalar(c) for c in self.columns_],
            "dtypes": [_dtype_to_state(dt) for dt in self.dtypes_],
            "array_dtype": None if self.is_frame_ else str(self.array_dtype_),
            "index_name": _json_scalar(self.index_name_) if self.is_frame_ else None,
            "categorical_mask": [bool(m) for m in self.categorical_mask_],
            "categories": [_values_to_state(c) for c in self.categories_],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TableCodec:
        """A fitted codec rebuilt from :meth:`to_state`.

        Parameters
        ----------
        state : dict
            What :meth:`to_state` returned, possibly after a JSON round trip.

        Returns
        -------
        codec : TableCodec
            Fitted, with ``categorical_features`` set to the saved boolean mask.
        """
        if state.get("version") != _STATE_VERSION:
            raise InvalidInputError(
                f"This saved TableCodec has state version {state.get('version')!r}; this "
                f"version of synthaug reads version {_STATE_VERSION} only.")
        mask = np.asarray(state["categorical_mask"], dtype=bool).reshape(-1)
        codec = cls(categorical_features=mask.tolist())
        codec.is_frame_ = bool(state["is_frame"])
        codec.columns_ = [_from_json_scalar(c) for c in state["columns"]]
        codec.categorical_mask_ = mask
        codec.numeric_idx_ = np.flatnonzero(~mask)
        codec.categorical_idx_ = np.flatnonzero(mask)
        codec.categories_ = [_values_from_state(c) for c in state["categories"]]
        codec.n_features_in_ = len(codec.columns_)
        if len(mask) != codec.n_features_in_ or len(codec.categories_) != codec.n_categorical:
            raise InvalidInputError("This saved TableCodec state is inconsistent: its "
                                    "columns, mask and categories do not match.")
        if codec.is_frame_:
            cats_of = dict(zip(codec.categorical_idx_.tolist(), codec.categories_))
            codec.dtypes_ = [_dtype_from_state(dt, cats_of.get(j))
                             for j, dt in enumerate(state["dtypes"])]
            codec.index_name_ = _from_json_scalar(state["index_name"])
        else:
            codec.array_dtype_ = np.dtype(state["array_dtype"])
            codec.dtypes_ = [codec.array_dtype_] * codec.n_features_in_
        return codec


# Bumped whenever TableCodec.to_state changes its layout; from_state refuses other versions.
_STATE_VERSION = 1


def _json_scalar(value: Any) -> Any:
    """``value`` as a JSON value: numpy scalars as Python ones, tuples as lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return [_json_scalar(v) for v in value]
    return value


def _from_json_scalar(value: Any) -> Any:
    """Undo :func:`_json_scalar` for names: lists (saved tuples) become tuples again."""
    if isinstance(value, list):
        return tuple(_from_json_scalar(v) for v in value)
    return value


def _dtype_to_state(dtype: Any) -> Any:
    """A column dtype as a JSON value: its name, or a dict where the name loses details."""
    if isinstance(dtype, pd.CategoricalDtype):
        return {"kind": "category", "ordered": bool(dtype.ordered),
                "categories_dtype": _dtype_to_state(dtype.categories.dtype)}
    if isinstance(dtype, pd.StringDtype):
        return {"kind": "string", "storage": dtype.storage,
                "na_value": "NA" if getattr(dtype, "na_value", pd.NA) is pd.NA else "nan"}
    return str(dtype)


def _dtype_from_state(state: Any, categories: np.ndarray | None = None) -> Any:
    """The dtype saved by :func:`_dtype_to_state`; a categorical one gets ``categories``."""
    if isinstance(state, str):
        return pd.api.types.pandas_dtype(state)
    if state["kind"] == "string":
        if state["na_value"] == "NA":   # pandas < 2.3 knows no na_value argument
            return pd.StringDtype(state["storage"])
        return pd.StringDtype(state["storage"], na_value=np.nan)
    if state["kind"] == "category":
        if categories is None:
            raise InvalidInputError("A saved categorical dtype belongs to a column that is "
                                    "not categorical.")
        index = pd.Index(categories, dtype=_dtype_from_state(state["categories_dtype"]))
        return pd.CategoricalDtype(index, ordered=state["ordered"])
    raise InvalidInputError(f"Unknown saved dtype {state!r}.")


def _values_to_state(values: np.ndarray) -> dict[str, Any]:
    """The categories of one column as JSON values, with what rebuilds their array.

    Dates and times are saved as integers of their unit; an object array whose values are
    all numpy scalars of one dtype remembers that dtype, so they come back as such.
    """
    if values.dtype.kind in "mM":
        return {"dtype": values.dtype.str, "values": values.view(np.int64).tolist()}
    state: dict[str, Any] = {"dtype": values.dtype.str,
                             "values": [_json_scalar(v) for v in values.tolist()]}
    if values.dtype == object and len(values):
        kinds = {v.dtype for v in values if isinstance(v, np.generic)}
        if len(kinds) == 1 and all(isinstance(v, np.generic) for v in values):
            state["item_dtype"] = kinds.pop().str
    return state


def _values_from_state(state: dict[str, Any]) -> np.ndarray:
    """The categories array saved by :func:`_values_to_state`."""
    dtype = np.dtype(state["dtype"])
    values = state["values"]
    if dtype.kind in "mM":
        return np.asarray(values, dtype=np.int64).view(dtype)
    if dtype.kind != "O":
        return np.asarray(values, dtype=dtype)
    out = np.empty(len(values), dtype=object)
    if "item_dtype" in state:
        out[:] = list(np.asarray(values, dtype=np.dtype(state["item_dtype"])))
    else:
        for i, v in enumerate(values):
            out[i] = _from_json_scalar(v)
    return out


def _cast_numeric(values: np.ndarray, dtype: Any) -> Any:
    """Cast float values to ``dtype``; integer targets are rounded and clipped, not truncated."""
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        if pd.api.types.is_integer_dtype(dtype):
            return pd.array(np.rint(values).astype(np.int64), dtype=dtype)
        return pd.array(values, dtype=dtype)
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    if values.dtype == dtype:
        return values
    return values.astype(dtype)


def encode_X_y(X: Any, y: Any, *, categorical_features: Any = "auto",
               codec: TableCodec | None = None
               ) -> tuple[TableCodec, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a feature table and its labels, and encode the table.

    The one entry of mixed tables into the library: the checks of
    :func:`synthaug._validation.check_table_and_target`, the codec fitted (or the one
    given, already fitted), and the numeric part checked for NaN, inf and magnitudes that
    overflow.

    Returns
    -------
    codec : TableCodec
    X_num : ndarray of shape (n_samples, n_numeric), float64
    X_cat : ndarray of shape (n_samples, n_categorical), int codes
    y : ndarray of shape (n_samples,)
    """
    X, y_arr = check_table_and_target(X, y)
    if codec is None:
        codec = TableCodec(categorical_features).fit(X)
    X_num, X_cat = codec.encode(X)
    check_finite(X_num, [codec.columns_[j] for j in codec.numeric_idx_])
    return codec, X_num, X_cat, y_arr


def neighbour_space(X_num: np.ndarray, X_cat: np.ndarray, n_levels: Sequence[int],
                    scale: float | None = None) -> tuple[Any, float]:
    """The space in which mixed rows are compared, SMOTENC-style.

    Numeric columns are used as they are. Each categorical column is one-hot encoded with
    entries ``m / sqrt(2)``, where ``m`` is the median of the numeric columns' standard
    deviations (or ``scale``), so that two rows with different categories in one column are
    ``m**2`` apart in squared distance, as in SMOTENC. The result is sparse when there are
    categorical columns, so many levels cost memory in proportion to the rows only.

    Returns
    -------
    Z : ndarray or scipy.sparse.csr_matrix
    scale : float
        The ``m`` used (1.0 when there are no numeric columns or their deviations are 0).
    """
    if X_cat.shape[1] == 0:
        return X_num, 1.0
    if scale is None:
        stds = X_num.std(axis=0) if X_num.shape[1] else np.array([])
        scale = float(np.median(stds)) if stds.size else 1.0
        if not np.isfinite(scale) or scale <= 0:
            scale = 1.0
    n = X_cat.shape[0]
    offsets = np.concatenate([[0], np.cumsum(n_levels)[:-1]]).astype(np.int64)
    cols = (X_cat + offsets[None, :]).ravel()
    rows = np.repeat(np.arange(n), X_cat.shape[1])
    vals = np.full(cols.size, scale / np.sqrt(2.0))
    onehot = sp.csr_matrix((vals, (rows, cols)), shape=(n, int(np.sum(n_levels))))
    Z = sp.hstack([sp.csr_matrix(X_num), onehot], format="csr")
    return Z, scale


def majority_vote(codes: np.ndarray) -> np.ndarray:
    """Most frequent code in each row of ``codes`` (shape ``(m, k)``, columns ordered by
    increasing distance); ties go to the value of the nearest neighbour among the tied.

    Vectorised with an ``(m, k, k)`` comparison, so callers pass one chunk at a time.
    """
    m, k = codes.shape
    if k == 0:
        raise InvalidInputError("majority_vote needs at least one neighbour.")
    counts = (codes[:, :, None] == codes[:, None, :]).sum(axis=2)
    best = counts.argmax(axis=1)
    return codes[np.arange(m), best]
