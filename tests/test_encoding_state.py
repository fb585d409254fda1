"""TableCodec.to_state / from_state: a JSON round trip decodes exactly as the fitted codec."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthaug.encoding import TableCodec
from synthaug.exceptions import InvalidInputError


def _round_trip(codec: TableCodec) -> TableCodec:
    return TableCodec.from_state(json.loads(json.dumps(codec.to_state())))


def _encoded_rows(codec: TableCodec, X, seed: int = 0):
    """Encoded rows of ``X`` with non-integer noise on the numeric part (so that rounding
    to integer dtypes is exercised) and shuffled category codes."""
    rng = np.random.default_rng(seed)
    X_num, X_cat = codec.encode(X)
    X_num = X_num + rng.uniform(-0.45, 0.45, X_num.shape)
    X_cat = rng.permuted(X_cat, axis=0)
    return X_num, X_cat


def _check_arrays_identical(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype
    assert a.shape == b.shape
    np.testing.assert_array_equal(a, b)
    if a.dtype == object:
        assert [type(v) for v in a.ravel()] == [type(v) for v in b.ravel()]


@pytest.mark.parametrize("categorical_features", [None, [1, 3]])
def test_numpy_float_round_trip(categorical_features):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    X[:, 1] = rng.integers(0, 3, 60)
    X[:, 3] = rng.choice([0.5, 1.5], 60)
    codec = TableCodec(categorical_features).fit(X)
    back = _round_trip(codec)
    assert back.array_dtype_ == np.float64 and not back.is_frame_
    X_num, X_cat = _encoded_rows(codec, X)
    _check_arrays_identical(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))
    for a, b in zip(codec.encode(X), back.encode(X)):
        np.testing.assert_array_equal(a, b)


def test_numpy_int_round_trip_rounds_the_same():
    X = np.random.default_rng(1).integers(-5, 5, (40, 3)).astype(np.int16)
    codec = TableCodec([2]).fit(X)
    back = _round_trip(codec)
    X_num, X_cat = _encoded_rows(codec, X)
    _check_arrays_identical(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))


def test_numpy_object_with_text_round_trip():
    rng = np.random.default_rng(2)
    n = 50
    X = np.empty((n, 4), dtype=object)
    X[:, 0] = rng.normal(size=n)
    X[:, 1] = rng.choice(["red", "green", "blue"], n).tolist()
    X[:, 2] = rng.integers(0, 100, n).tolist()
    X[:, 3] = rng.choice(["yes", "no"], n).tolist()
    codec = TableCodec("auto").fit(X)
    assert codec.n_categorical == 2
    back = _round_trip(codec)
    X_num, X_cat = _encoded_rows(codec, X)
    _check_arrays_identical(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))


def test_numpy_object_keeps_numpy_scalar_categories():
    X = np.empty((30, 2), dtype=object)
    X[:, 0] = np.linspace(0, 1, 30).tolist()
    X[:, 1] = list(np.arange(30) % 3 == 0)          # numpy bools in an object array
    codec = TableCodec([1]).fit(X)
    back = _round_trip(codec)
    X_num, X_cat = _encoded_rows(codec, X)
    _check_arrays_identical(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))


@pytest.fixture
def typed_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 80
    frame = pd.DataFrame({
        "count": rng.integers(0, 50, n).astype(np.int64),
        "small": rng.integers(-3, 3, n).astype(np.int8),
        "nullable": pd.array(rng.integers(0, 9, n), dtype="Int64"),
        "income": rng.normal(50, 10, n),
        "ratio": rng.random(n).astype(np.float32),
        "flag": rng.random(n) < 0.3,
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
        "size": pd.Categorical(rng.choice(["S", "M", "L"], n), categories=["S", "M", "L"],
                               ordered=True),
        "level": pd.Categorical(rng.choice([3, 1, 2], n), categories=[3, 1, 2],
                                ordered=True),
        "grade": pd.Categorical(rng.choice([1.5, 2.5], n)),
        "city": pd.Series(rng.choice(["Oslo", "Lima", "Pune"], n), dtype="str"),
        "name": pd.Series(rng.choice(["ann", "bo"], n), dtype=pd.StringDtype("python")),
        "kind": pd.Series(rng.choice(["a", "b", "c"], n), dtype=object),
    })
    frame.index = pd.Index(np.arange(100, 100 + n), name="row_id")
    return frame


def test_frame_round_trip_keeps_dtypes_and_decodes_identically(typed_frame):
    codec = TableCodec("auto").fit(typed_frame)
    back = _round_trip(codec)
    assert back.is_frame_ and back.index_name_ == "row_id"
    assert back.columns_ == codec.columns_
    assert back.dtypes_ == codec.dtypes_
    for a, b in zip(codec.dtypes_, back.dtypes_):
        assert type(a) is type(b)
        if isinstance(a, pd.CategoricalDtype):
            assert a.ordered == b.ordered
            assert a.categories.dtype == b.categories.dtype
            pd.testing.assert_index_equal(a.categories, b.categories)
        if isinstance(a, pd.StringDtype):
            assert (a.storage, str(a.na_value)) == (b.storage, str(b.na_value))
    np.testing.assert_array_equal(back.categorical_mask_, codec.categorical_mask_)
    for a, b in zip(codec.categories_, back.categories_):
        _check_arrays_identical(a, b)
    X_num, X_cat = _encoded_rows(codec, typed_frame)
    pd.testing.assert_frame_equal(codec.decode(X_num, X_cat), back.decode(X_num, X_cat),
                                  check_exact=True)
    for a, b in zip(codec.encode(typed_frame), back.encode(typed_frame)):
        np.testing.assert_array_equal(a, b)


def test_frame_with_declared_numeric_categoricals(typed_frame):
    """Integer and float columns declared categorical have numpy-scalar categories."""
    X = typed_frame[["count", "small", "income", "flag"]]
    codec = TableCodec(["small", "flag", "count"]).fit(X)
    back = _round_trip(codec)
    X_num, X_cat = _encoded_rows(codec, X)
    pd.testing.assert_frame_equal(codec.decode(X_num, X_cat), back.decode(X_num, X_cat),
                                  check_exact=True)


def test_frame_with_tuple_and_int_column_names():
    X = pd.DataFrame({("a", 1): [1.0, 2.0, 3.0], ("b", 2): ["x", "y", "x"]})
    codec = TableCodec("auto").fit(X)
    back = _round_trip(codec)
    assert back.columns_ == codec.columns_
    X_num, X_cat = codec.encode(X)
    pd.testing.assert_frame_equal(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))
    X = pd.DataFrame(np.arange(12.0).reshape(4, 3))
    back = _round_trip(TableCodec("auto").fit(X))
    assert back.columns_ == [0, 1, 2]


def test_datetime_categories_round_trip():
    days = pd.to_datetime(["2020-01-01", "2021-06-30", "2020-01-01", "2022-03-03"])
    X = pd.DataFrame({"when": pd.Categorical(days), "v": [1.0, 2.0, 3.0, 4.0]})
    codec = TableCodec("auto").fit(X)
    back = _round_trip(codec)
    X_num, X_cat = codec.encode(X)
    pd.testing.assert_frame_equal(codec.decode(X_num, X_cat), back.decode(X_num, X_cat))


def test_unknown_state_version_is_refused():
    state = TableCodec().fit(np.zeros((3, 2))).to_state()
    state["version"] = 99
    with pytest.raises(InvalidInputError, match="version"):
        TableCodec.from_state(state)
