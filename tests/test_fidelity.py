"""MMD and k-NN precision/recall of synthetic rows (synthaug.diagnostics.fidelity)."""

import numpy as np
import pytest

from synthaug.diagnostics import fidelity, knn_precision_recall, mmd2
from synthaug.exceptions import InvalidInputError, InvalidParameterError, NotEnoughSamplesError


def test_mmd2_closed_form():
    # two identical points per sample, at 0 and at 1, h = 1: k_xx = k_yy = 1, k_xy = e^-1/2
    value, h = mmd2([[0.0], [0.0]], [[1.0], [1.0]], bandwidth=1.0)
    assert h == 1.0
    assert value == pytest.approx(2 - 2 * np.exp(-0.5), abs=1e-12)


def test_mmd2_is_near_zero_for_one_law_and_grows_with_a_shift():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(400, 3)), rng.normal(size=(400, 3))
    same, _ = mmd2(A, B)
    shifted, _ = mmd2(A, B + 1.0)
    far, _ = mmd2(A, B + 3.0)
    assert abs(same) < 0.01 < shifted < far


def test_median_bandwidth_is_the_median_pooled_distance():
    A = np.array([[0.0], [1.0]])
    B = np.array([[3.0], [6.0]])
    # pooled distances: 1, 3, 6, 2, 5, 3 -> median 3
    assert mmd2(A, B)[1] == pytest.approx(3.0)


def test_knn_precision_recall_by_hand():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    synthetic = np.array([[0.5], [10.0]])
    # k = 1: every real ball has radius 1, so 0.5 is inside and 10 outside; the synthetic
    # balls (radius 9.5) cover every real row
    assert knn_precision_recall(real, synthetic, k=1) == (0.5, 1.0)


def test_a_copy_of_part_of_the_class_has_high_precision_and_low_recall():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(500, 2))
    part = real[real[:, 0] > 0.5] + rng.normal(scale=0.01, size=(int((real[:, 0] > 0.5).sum()), 2))
    result = fidelity(real, part)
    assert result.precision > 0.95 and result.recall < 0.5
    assert result.n_real == 500 and result.k == 5


def test_bad_input():
    with pytest.raises(InvalidInputError, match="columns"):
        mmd2(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(NotEnoughSamplesError, match="at least 2 rows"):
        mmd2(np.zeros((1, 2)), np.zeros((3, 2)))
    with pytest.raises(NotEnoughSamplesError, match="Lower k"):
        knn_precision_recall(np.zeros((3, 2)), np.ones((9, 2)), k=5)
    with pytest.raises(InvalidParameterError, match="bandwidth"):
        mmd2(np.zeros((3, 2)), np.ones((3, 2)), bandwidth=-1)
    with pytest.raises(InvalidInputError, match="NaN"):
        fidelity(np.full((8, 2), np.nan), np.ones((8, 2)))


# --------------------------------------------------------------------------- diversity
def test_distinct_share():
    import pandas as pd

    from synthaug.diagnostics.fidelity import distinct_share

    assert distinct_share(np.array([[0, 1], [0, 1], [1, 1], [2, 0]])) == 0.75
    frame = pd.DataFrame({"a": [1, 1, 1], "b": ["x", "x", "y"]})
    assert distinct_share(frame) == pytest.approx(2 / 3)
    with pytest.raises(NotEnoughSamplesError):
        distinct_share(np.empty((0, 2)))


def test_column_entropy_numeric_and_categorical():
    import pandas as pd

    from synthaug.diagnostics.fidelity import column_entropy

    real = pd.DataFrame({"x": np.linspace(0, 1, 400), "c": ["a", "b", "c", "d"] * 100})
    narrow = pd.DataFrame({"x": np.full(400, 0.5), "c": ["a"] * 400})
    out = column_entropy(real, narrow, bins=4)
    assert out["x"]["kind"] == "numeric" and out["c"]["kind"] == "categorical"
    assert out["x"]["real"] == pytest.approx(2.0) and out["x"]["synthetic"] == 0.0
    assert out["c"]["real"] == pytest.approx(2.0) and out["c"]["synthetic"] == 0.0
    same = column_entropy(real, real)
    assert same["x"]["real"] == same["x"]["synthetic"]
    with pytest.raises(InvalidInputError, match="same features"):
        column_entropy(real, narrow[["c", "x"]])
    with pytest.raises(InvalidParameterError, match="bins"):
        column_entropy(real, real, bins=1)


def test_distance_to_closest_record_flags_copies():
    import pandas as pd

    from synthaug.diagnostics.fidelity import distance_to_closest_record

    rng = np.random.default_rng(0)
    train = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200),
                          "c": rng.choice(["a", "b"], 200)})
    holdout = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200),
                            "c": rng.choice(["a", "b"], 200)})
    copies = train.sample(100, random_state=0)
    fresh = distance_to_closest_record(holdout, train, holdout)
    copied = distance_to_closest_record(copies, train, holdout)
    assert fresh.ratio == pytest.approx(1.0)
    assert copied.synthetic_copies == 1.0 and copied.holdout_copies == 0.0
    assert copied.ratio == 0.0 and copied.synthetic_below_holdout_5pct == 1.0
    assert copied.n_train == 200 and copied.as_dict()["n_synthetic"] == 100
    # a categorical mismatch alone is distance 1 (one standard deviation)
    one = distance_to_closest_record(pd.DataFrame({"x": [0.0], "c": ["b"]}),
                                     pd.DataFrame({"x": [-1.0, 1.0], "c": ["a", "a"]}),
                                     pd.DataFrame({"x": [1.0], "c": ["a"]}))
    assert one.synthetic_median == pytest.approx(np.sqrt(1.0 + 1.0))
    assert one.holdout_median == 0.0 and one.ratio == np.inf
