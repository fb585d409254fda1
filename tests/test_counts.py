import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthaug import Gamma, resolve_counts
from synthaug.exceptions import SamplingStrategyError
from synthaug.sizing import parse_strategy, round_half_up

Y = np.array([0] * 90 + [1] * 10)
Y3 = np.array([0] * 50 + [1] * 20 + [2] * 5)


def test_auto_and_balance_fill_the_gap():
    assert resolve_counts(Y, "auto") == {1: 80}
    assert resolve_counts(Y, "balance") == {1: 80}
    assert resolve_counts(Y3, "auto") == {1: 30, 2: 45}
    assert resolve_counts(Y3, "not majority") == {1: 30, 2: 45}
    assert resolve_counts(Y3, "minority") == {2: 45}
    assert resolve_counts(Y3, "all") == {1: 30, 2: 45}  # the majority gets 0 -> dropped


def test_gamma_overshoots_and_rounds_half_up():
    assert resolve_counts(Y, Gamma(2)) == {1: 160}
    assert resolve_counts(Y, Gamma(0)) == {}
    # 0.5125 * 80 = 41.0; 0.00625 * 80 = 0.5 -> rounds up to 1 (not to even 0)
    assert resolve_counts(Y, Gamma(0.00625)) == {1: 1}
    assert resolve_counts(Y3, "gamma:1.5") == {1: 45, 2: round_half_up(67.5)}
    assert round_half_up(67.5) == 68 and round_half_up(2.5) == 3 and round_half_up(2.49) == 2


def test_float_ratio_has_imblearn_meaning():
    assert resolve_counts(Y, 0.5) == {1: 35}  # int(0.5 * 90) - 10
    assert resolve_counts(Y, "0.5") == {1: 35}
    with pytest.raises(SamplingStrategyError, match="cannot remove rows"):
        resolve_counts(Y, 0.05)
    with pytest.raises(SamplingStrategyError, match=r"\(0, 1\]"):
        resolve_counts(Y, 1.5)
    with pytest.raises(SamplingStrategyError, match="binary"):
        resolve_counts(Y3, 0.5)


def test_dict_and_callable_are_totals():
    assert resolve_counts(Y3, {1: 40, 2: 10}) == {1: 20, 2: 5}
    assert resolve_counts(Y3, lambda y: {2: 50}) == {2: 45}
    with pytest.raises(SamplingStrategyError, match="remove rows"):
        resolve_counts(Y3, {1: 10})
    with pytest.raises(SamplingStrategyError, match="not in y"):
        resolve_counts(Y3, {7: 10})


def test_ties_pick_smallest_label_as_majority():
    y = np.array([0] * 5 + [1] * 5 + [2] * 2)
    assert resolve_counts(y, "auto") == {2: 3}
    assert resolve_counts(y, Gamma(1)) == {2: 3}


@pytest.mark.parametrize("bad", ["gamma:x", "lots", object(), -0.5, "gamma:-1"])
def test_bad_strategies_name_the_forms(bad):
    with pytest.raises(SamplingStrategyError):
        resolve_counts(Y, bad)


def test_single_class_is_an_error():
    with pytest.raises(SamplingStrategyError, match="two classes"):
        resolve_counts(np.zeros(10), "auto")


def test_parse_strategy_reads_cli_strings():
    assert parse_strategy("gamma:1.5") == Gamma(1.5)
    assert parse_strategy("BALANCE") == "balance"
    assert parse_strategy("0.8") == 0.8


@given(n_maj=st.integers(2, 500), n_min=st.integers(1, 500), g=st.floats(0, 5))
def test_gamma_count_formula(n_maj, n_min, g):
    y = np.array([0] * max(n_maj, n_min + 1) + [1] * n_min)
    gap = (y == 0).sum() - n_min
    expected = int(np.floor(g * gap + 0.5))
    assert resolve_counts(y, Gamma(g)).get(1, 0) == expected
