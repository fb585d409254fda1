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
