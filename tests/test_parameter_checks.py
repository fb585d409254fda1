"""The shared scalar-parameter checks: ``check_integer`` and ``check_number``."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from synthaug._validation import check_integer, check_number
from synthaug.exceptions import InvalidParameterError

# ---------------------------------------------------------------------------- check_integer


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_integer_accepts_python_and_numpy_ints(value):
    out = check_integer("k", value, 1)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, False, np.bool_(True), "3", 2.5, 3.0,
                                   np.float64(3.0), None, [3]])
def test_integer_rejects_non_integers(value):
    with pytest.raises(InvalidParameterError, match="k must be an integer >= 0"):
        check_integer("k", value)


def test_integer_bounds_are_inclusive():
    assert check_integer("k", 1, 1, 5) == 1
    assert check_integer("k", 5, 1, 5) == 5
    with pytest.raises(InvalidParameterError, match="k must be an integer >= 1 and <= 5"):
        check_integer("k", 0, 1, 5)
    with pytest.raises(InvalidParameterError, match="k must be an integer >= 1 and <= 5"):
        check_integer("k", 6, 1, 5)


def test_integer_exact_message():
    with pytest.raises(InvalidParameterError) as info:
        check_integer("batch_size", 0, 1)
    assert str(info.value) == "batch_size must be an integer >= 1; got 0."


def test_integer_optional():
    assert check_integer("top_k", None, 1, optional=True) is None
    assert check_integer("top_k", 2, 1, optional=True) == 2
    with pytest.raises(InvalidParameterError,
                       match=re.escape("top_k must be an integer >= 1 or None; got 0.")):
        check_integer("top_k", 0, 1, optional=True)


def test_integer_is_a_value_error():
    with pytest.raises(ValueError):
        check_integer("k", -1)


# ---------------------------------------------------------------------------- check_number


@pytest.mark.parametrize("value", [2, np.int64(2), 2.0, np.float32(2.0), np.float64(2.0)])
def test_number_accepts_ints_and_floats(value):
    out = check_number("lr", value, 0.0)
    assert out == 2.0 and type(out) is float


@pytest.mark.parametrize("value", [True, False, np.bool_(True), "0.5", None, math.nan,
                                   np.float32("nan"), math.inf, -math.inf, 1 + 0j])
def test_number_rejects_non_numbers_nan_and_inf(value):
    with pytest.raises(InvalidParameterError, match="x must be a number in"):
        check_number("x", value)


@pytest.mark.parametrize("kwargs, inside, outside", [
    ({"low": 0, "high": 1}, [0, 1, 0.5], [-1e-9, 1 + 1e-9]),
    ({"low": 0, "high": 1, "open_low": True}, [1e-9, 1], [0, -1]),
    ({"low": 0, "high": 1, "open_high": True}, [0, 1 - 1e-9], [1, 2]),
    ({"low": 0, "high": 1, "open_low": True, "open_high": True}, [0.5], [0, 1]),
    ({"low": 0}, [0, 1e300], [-1e-9]),
    ({"low": 0, "open_low": True}, [1e-300], [0]),
])
def test_number_bounds(kwargs, inside, outside):
    for v in inside:
        assert check_number("x", v, **kwargs) == float(v)
    for v in outside:
        with pytest.raises(InvalidParameterError, match="x must be a number in"):
            check_number("x", v, **kwargs)


@pytest.mark.parametrize("kwargs, interval", [
    ({"low": 0, "high": 1}, "[0, 1]"),
    ({"low": 0, "high": 1, "open_high": True}, "[0, 1)"),
    ({"low": 0, "high": 0.5, "open_low": True}, "(0, 0.5]"),
    ({"low": 0}, "[0, inf)"),
    ({"low": 0, "open_low": True}, "(0, inf)"),
    ({}, "(-inf, inf)"),
])
def test_number_interval_in_message(kwargs, interval):
    with pytest.raises(InvalidParameterError, match=re.escape(f"in {interval}; got")):
        check_number("x", math.nan, **kwargs)


def test_number_exact_message():
    with pytest.raises(InvalidParameterError) as info:
        check_number("momentum", 1.0, 0.0, 1.0, open_high=True)
    assert str(info.value) == "momentum must be a number in [0, 1); got 1.0."


def test_number_optional():
    assert check_number("lr", None, 0.0, open_low=True, optional=True) is None
    assert check_number("lr", 0.1, 0.0, open_low=True, optional=True) == 0.1
    with pytest.raises(InvalidParameterError,
                       match=re.escape("lr must be a number in (0, inf) or None; got 0.")):
        check_number("lr", 0, 0.0, open_low=True, optional=True)
    with pytest.raises(InvalidParameterError, match="lr must be a number"):
        check_number("lr", None, 0.0)
