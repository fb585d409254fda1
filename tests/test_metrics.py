import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    log_loss,
    matthews_corrcoef,
    roc_auc_score,
)
from sklearn.utils.class_weight import compute_sample_weight

from synthaug import metrics as M
from synthaug.exceptions import InvalidInputError, InvalidParameterError

# A 4-row binary example small enough to check by hand.
Y4 = np.array([0, 0, 0, 1])
P4 = np.array([0.1, 0.2, 0.3, 0.6])


@pytest.fixture
def scored_binary():
    rng = np.random.default_rng(3)
    y = (rng.random(300) < 0.2).astype(int)
    p = np.clip(0.25 + 0.4 * y + rng.normal(0, 0.2, 300), 0.01, 0.99)
    return y, p


@pytest.fixture
def scored_multiclass():
    rng = np.random.default_rng(4)
    y = rng.choice(3, size=400, p=[0.6, 0.3, 0.1])
    logits = rng.normal(size=(400, 3)) + 1.5 * np.eye(3)[y]
    P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, P


# ----------------------------------------------------------------- hand-computed values


def test_balanced_log_loss_hand_value():
    per_majority = -(math.log(0.9) + math.log(0.8) + math.log(0.7)) / 3
    per_minority = -math.log(0.6)
    expected = (per_majority + per_minority) / 2
    assert M.balanced_log_loss(Y4, P4) == pytest.approx(expected, rel=1e-12)
    # the same with the two-column matrix
    assert M.balanced_log_loss(Y4, np.column_stack([1 - P4, P4])) == pytest.approx(expected)


def test_balanced_log_loss_clips_with_eps():
    # the minority row gets probability 0 for its class: it costs -log(eps), not inf
    y = np.array([0, 1])
    p = np.array([0.0, 0.0])
    eps = 1e-6
    expected = (-math.log(1 - eps) - math.log(eps)) / 2
    assert M.balanced_log_loss(y, p, eps=eps) == pytest.approx(expected)


def test_balanced_brier_hand_value():
    expected = ((0.01 + 0.04 + 0.09) / 3 + (0.6 - 1) ** 2) / 2  # = 0.103333...
    assert M.balanced_brier(Y4, P4) == pytest.approx(expected, rel=1e-12)
    assert M.balanced_brier(Y4, np.column_stack([1 - P4, P4])) == pytest.approx(expected)


def test_balanced_brier_multiclass_hand_value():
    y = np.array([0, 1, 2])
    P = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    # row errors: 0, (0.25 + 0.25 + 0) / 3, 0 -> one per class, averaged over 3 classes
    assert M.balanced_brier(y, P) == pytest.approx((0.5 / 3) / 3)


def test_g_mean_extremes_and_hand_value():
    y = np.array([0, 0, 0, 0, 1, 1])
    assert M.g_mean(y, y) == 1.0
    assert M.g_mean(y, np.zeros_like(y)) == 0.0  # all majority: minority recall 0
    pred = np.array([0, 0, 0, 1, 1, 0])  # recalls 3/4 and 1/2
    assert M.g_mean(y, pred) == pytest.approx(math.sqrt(0.75 * 0.5))


def test_balanced_accuracy_of_majority_predictor_is_half():
    y = np.array([0] * 9 + [1])
    assert M.balanced_accuracy(y, np.zeros(10, dtype=int)) == 0.5


def test_minority_f1_hand_value():
    y = np.array([0, 0, 0, 1, 1])
    pred = np.array([0, 1, 0, 1, 0])  # tp 1, fp 1, fn 1 -> F1 = 2 / 4
    assert M.minority_f1(y, pred) == pytest.approx(0.5)


# ----------------------------------------------------------------- agreement with sklearn


def test_label_metrics_agree_with_sklearn(binary_data):
    _, y = binary_data
    rng = np.random.default_rng(0)
    pred = np.where(rng.random(y.size) < 0.8, y, 1 - y)
    assert M.balanced_accuracy(y, pred) == pytest.approx(balanced_accuracy_score(y, pred))
    assert M.mcc(y, pred) == pytest.approx(matthews_corrcoef(y, pred))
    assert M.minority_f1(y, pred) == pytest.approx(f1_score(y, pred, pos_label=1))
    assert M.minority_f1(y, pred, pos_label=0) == pytest.approx(f1_score(y, pred, pos_label=0))


def test_g_mean_agrees_with_imblearn(multiclass_data):
    imblearn_metrics = pytest.importorskip("imblearn.metrics")
    _, y = multiclass_data
    rng = np.random.default_rng(1)
    pred = np.where(rng.random(y.size) < 0.7, y, rng.integers(0, 3, y.size))
    expected = imblearn_metrics.geometric_mean_score(y, pred)
    assert M.g_mean(y, pred) == pytest.approx(expected)


def test_score_metrics_agree_with_sklearn(scored_binary):
    y, p = scored_binary
    assert M.roc_auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert M.average_precision(y, p) == pytest.approx(average_precision_score(y, p))
    two_col = np.column_stack([1 - p, p])
    assert M.roc_auc(y, two_col) == pytest.approx(roc_auc_score(y, p))
    assert M.average_precision(y, two_col) == pytest.approx(average_precision_score(y, p))


def test_score_metrics_accept_any_real_scores(scored_binary):
    y, p = scored_binary
    scores = 10 * (p - 0.5)  # decision-function style, outside [0, 1]
    assert M.roc_auc(y, scores) == pytest.approx(roc_auc_score(y, p))


def test_multiclass_score_metrics(scored_multiclass):
    y, P = scored_multiclass
    assert M.roc_auc(y, P) == pytest.approx(roc_auc_score(y, P, multi_class="ovr"))
    onehot = np.eye(3)[y]
    assert M.average_precision(y, P) == pytest.approx(
        average_precision_score(onehot, P, average="macro"))


def test_balanced_losses_equal_weighted_sklearn_losses(scored_binary, scored_multiclass):
    y, p = scored_binary
    w = compute_sample_weight("balanced", y)
    assert M.balanced_log_loss(y, p) == pytest.approx(log_loss(y, p, sample_weight=w))
    assert M.balanced_brier(y, p) == pytest.approx(brier_score_loss(y, p, sample_weight=w))
    ym, P = scored_multiclass
    wm = compute_sample_weight("balanced", ym)
    assert M.balanced_log_loss(ym, P) == pytest.approx(log_loss(ym, P, sample_weight=wm))


def test_balanced_log_loss_is_insensitive_to_class_sizes():
    # duplicating every majority row changes plain log loss but not the balanced one
    y2 = np.concatenate([Y4, Y4[:3]])
    p2 = np.concatenate([P4, P4[:3]])
    assert M.balanced_log_loss(y2, p2) == pytest.approx(M.balanced_log_loss(Y4, P4))
    assert log_loss(y2, p2) != pytest.approx(log_loss(Y4, P4))


# ----------------------------------------------------------------- labels and defaults


def test_string_labels_and_default_pos_label():
    y = pd.Series(["no", "no", "no", "yes", "yes"])
    pred = ["no", "yes", "no", "yes", "no"]
    assert M.minority_f1(y, pred) == pytest.approx(f1_score(y, pred, pos_label="yes"))
    # 1-D probabilities refer to the larger label ("yes")
    p = np.array([0.1, 0.6, 0.2, 0.9, 0.4])
    assert M.roc_auc(y, p) == pytest.approx(roc_auc_score(y == "yes", p))


def test_default_pos_label_is_one_in_01_data_even_when_frequent():
    y = np.array([1, 1, 1, 0])
    pred = np.array([1, 1, 0, 0])
    assert M.minority_f1(y, pred) == pytest.approx(f1_score(y, pred, pos_label=1))


def test_default_pos_label_ties_take_larger_label():
    y = np.array([2, 2, 5, 5, 9, 9, 9])
    pred = np.array([2, 5, 5, 5, 9, 9, 9])
    assert M.minority_f1(y, pred) == pytest.approx(f1_score(y, pred, labels=[5],
                                                            average="macro"))


def test_labels_argument_names_missing_columns():
    y = np.array([0, 0, 1, 1])
    P = np.array([[0.8, 0.1, 0.1], [0.6, 0.2, 0.2], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1]])
    with pytest.raises(InvalidInputError, match="columns"):
        M.balanced_log_loss(y, P)
    value = M.balanced_log_loss(y, P, labels=[0, 1, 2])
    expected = (-(math.log(0.8) + math.log(0.6)) / 2 - (math.log(0.7) + math.log(0.8)) / 2) / 2
    assert value == pytest.approx(expected)


# ----------------------------------------------------------------- classification_report


def test_report_with_predictions_only_has_label_metrics():
    y = np.array([0, 0, 0, 1, 1])
    rep = M.classification_report(y, y_pred=y)
    assert set(rep) == {k for k, info in M.METRICS.items() if info.needs == "pred"}
    assert all(v == 1.0 for v in rep.values())


def test_report_with_proba_has_every_metric(scored_binary):
    y, p = scored_binary
    rep = M.classification_report(y, proba=p)
    assert list(rep) == list(M.METRICS)
    assert rep["roc_auc"] == pytest.approx(M.roc_auc(y, p))
    assert rep["balanced_log_loss"] == pytest.approx(M.balanced_log_loss(y, p))
    pred = (p >= 0.5).astype(int)
    assert rep["balanced_accuracy"] == pytest.approx(M.balanced_accuracy(y, pred))


def test_report_threshold_moves_derived_predictions():
    y = np.array([0, 0, 0, 1])
    p = np.array([0.1, 0.2, 0.3, 0.35])
    assert M.classification_report(y, proba=p)["balanced_accuracy"] == 0.5
    assert M.classification_report(y, proba=p, threshold=0.35)["balanced_accuracy"] == 1.0


def test_report_multiclass_uses_argmax(scored_multiclass):
    y, P = scored_multiclass
    rep = M.classification_report(y, proba=P)
    assert rep["mcc"] == pytest.approx(matthews_corrcoef(y, P.argmax(axis=1)))
    assert rep["g_mean"] == pytest.approx(M.g_mean(y, P.argmax(axis=1)))


def test_metrics_table_directions():
    losses = {k for k, info in M.METRICS.items() if not info.greater_is_better}
    assert losses == {"balanced_log_loss", "balanced_brier"}
    assert {info.needs for info in M.METRICS.values()} == {"pred", "proba"}
    needs, better = M.METRICS["roc_auc"]  # plain tuple unpacking works
    assert (needs, better) == ("proba", True)


# ----------------------------------------------------------------- input errors


def test_length_mismatch():
    with pytest.raises(InvalidInputError, match="4 labels but y_pred has 3"):
        M.g_mean(Y4, [0, 0, 1])
    with pytest.raises(InvalidInputError, match="rows"):
        M.balanced_brier(Y4, P4[:3])


def test_nan_and_out_of_range_probabilities():
    with pytest.raises(InvalidInputError, match="NaN"):
        M.balanced_log_loss(Y4, np.array([0.1, np.nan, 0.3, 0.6]))
    with pytest.raises(InvalidInputError, match=r"outside \[0, 1\]"):
        M.balanced_brier(Y4, np.array([0.1, 0.2, 0.3, 1.6]))
    with pytest.raises(InvalidInputError, match="NaN"):
        M.roc_auc(Y4, np.array([0.1, np.nan, 0.3, 0.6]))


def test_single_class_is_an_error_for_ranking_metrics():
    with pytest.raises(InvalidInputError, match="single class"):
        M.roc_auc([1, 1, 1], [0.2, 0.5, 0.9])
    with pytest.raises(InvalidInputError, match="single class"):
        M.average_precision([0, 0], [0.2, 0.5])


def test_shape_errors():
    y3 = np.array([0, 1, 2, 2])
    with pytest.raises(InvalidInputError, match="two classes"):
        M.balanced_log_loss(y3, np.array([0.1, 0.2, 0.3, 0.4]))
    with pytest.raises(InvalidInputError, match="sum to 1"):
        M.balanced_log_loss(Y4, np.full((4, 2), 0.3))
    with pytest.raises(InvalidInputError, match="1-D"):
        M.balanced_brier(Y4, np.zeros((4, 2, 1)))


def test_parameter_and_label_errors():
    with pytest.raises(InvalidParameterError, match="eps"):
        M.balanced_log_loss(Y4, P4, eps=0.0)
    with pytest.raises(InvalidParameterError, match="threshold"):
        M.classification_report(Y4, proba=P4, threshold=1.5)
    with pytest.raises(InvalidInputError, match="needs y_pred, proba"):
        M.classification_report(Y4)
    with pytest.raises(InvalidInputError, match="pos_label"):
        M.minority_f1(Y4, Y4, pos_label=7)
    with pytest.raises(InvalidInputError, match="encode both"):
        M.mcc(["a", "b"], [0, 1])
    with pytest.raises(InvalidInputError, match="not in labels"):
        M.balanced_brier(np.array([0, 1, 2]), np.full((3, 2), 0.5), labels=[0, 1])
