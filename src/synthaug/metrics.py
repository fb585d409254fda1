"""Balanced metrics and losses for imbalanced classification.

Plain accuracy and plain log loss are dominated by the majority class: a model that never
predicts the minority scores well on both. Every metric here either weighs the classes
equally (balanced accuracy, G-mean, the balanced losses), looks at the minority class only
(minority F1, average precision), or is insensitive to class sizes by construction (MCC,
ROC AUC). Where scikit-learn computes the same quantity, it does the arithmetic; this module
adds input checks with the library's own errors and the balanced losses.

Conventions
-----------
* Labels are sorted (``np.unique`` order). A matrix of probabilities has one column per
  label in that order, like ``predict_proba`` of a classifier fitted on the same labels.
* In binary problems the *positive* class is the larger label: ``1`` in synthaug's 0/1
  encoding, where ``1`` is the minority. A 1-D ``proba`` or ``y_score`` is the probability
  or score of that class.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
    recall_score,
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize

from synthaug._validation import check_target
from synthaug.exceptions import InvalidInputError, InvalidParameterError

__all__ = [
    "METRICS",
    "MetricInfo",
    "average_precision",
    "balanced_accuracy",
    "balanced_brier",
    "balanced_log_loss",
    "classification_report",
    "g_mean",
    "mcc",
    "minority_f1",
    "roc_auc",
]


class MetricInfo(NamedTuple):
    """What a metric consumes and which direction is better.

    Attributes
    ----------
    needs : {"pred", "proba"}
        ``"pred"``: hard labels; ``"proba"``: probabilities or scores.
    greater_is_better : bool
        False for losses.
    """

    needs: str
    greater_is_better: bool


#: Every metric :func:`classification_report` returns, by name.
METRICS: dict[str, MetricInfo] = {
    "balanced_accuracy": MetricInfo("pred", True),
    "g_mean": MetricInfo("pred", True),
    "mcc": MetricInfo("pred", True),
    "f1_minority": MetricInfo("pred", True),
    "roc_auc": MetricInfo("proba", True),
    "average_precision": MetricInfo("proba", True),
    "balanced_log_loss": MetricInfo("proba", False),
    "balanced_brier": MetricInfo("proba", False),
}


# --------------------------------------------------------------------------- checks


def _labels_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate true and predicted labels as two 1-D arrays of the same length."""
    t = check_target(y_true, min_classes=1, what="y_true")
    p = check_target(y_pred, min_classes=1, what="y_pred")
    if t.shape[0] != p.shape[0]:
        raise InvalidInputError(
            f"y_true has {t.shape[0]} labels but y_pred has {p.shape[0]}; they must match.")
    numeric_t, numeric_p = t.dtype.kind in "biuf", p.dtype.kind in "biuf"
    if numeric_t != numeric_p and "O" not in (t.dtype.kind, p.dtype.kind):
        raise InvalidInputError(
            f"y_true holds {t.dtype} labels but y_pred holds {p.dtype} labels; encode both "
            "the same way.")
    return t, p


def _score_array(y: np.ndarray, values: Any, what: str, *, probability: bool) -> np.ndarray:
    """Validate scores or probabilities: numeric, finite, one row per label."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} must be numeric: {exc}") from exc
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim not in (1, 2):
        raise InvalidInputError(
            f"{what} must be 1-D (binary) or 2-D (n_samples, n_classes); got shape {arr.shape}.")
    if arr.shape[0] != y.shape[0]:
        raise InvalidInputError(
            f"y_true has {y.shape[0]} labels but {what} has {arr.shape[0]} rows; they must match.")
    if np.isnan(arr).any():
        raise InvalidInputError(f"{what} contains {int(np.isnan(arr).sum())} NaN values.")
    if not np.isfinite(arr).all():
        raise InvalidInputError(f"{what} contains infinite values.")
    if probability and np.any((arr < 0.0) | (arr > 1.0)):
        raise InvalidInputError(
            f"{what} holds values outside [0, 1] (min {arr.min():.4g}, max {arr.max():.4g}); "
            "pass probabilities, e.g. the output of predict_proba.")
    return arr


def _classes(y: np.ndarray, labels: Any) -> np.ndarray:
    """The sorted label set: ``labels`` if given (checked to cover ``y``), else ``unique(y)``."""
    if labels is None:
        return np.unique(y)
    classes = np.unique(np.asarray(labels))
    missing = np.setdiff1d(np.unique(y), classes)
    if missing.size:
        raise InvalidInputError(
            f"y_true holds labels {missing.tolist()} that are not in labels={classes.tolist()}.")
    return classes


def _proba_matrix(y: np.ndarray, proba: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(classes, P)`` with ``P`` of shape (n, n_classes) in sorted label order."""
    arr = _score_array(y, proba, "proba", probability=True)
    classes = _classes(y, labels)
    if arr.ndim == 1:
        if classes.size != 2:
            raise InvalidInputError(
                f"A 1-D proba needs exactly two classes, but there are {classes.size} "
                f"({classes.tolist()[:10]}); pass an (n_samples, n_classes) matrix, or "
                "labels=[negative, positive] when y_true holds one class only.")
        return classes, np.column_stack([1.0 - arr, arr])
    if arr.shape[1] != classes.size:
        raise InvalidInputError(
            f"proba has {arr.shape[1]} columns but there are {classes.size} classes "
            f"({classes.tolist()[:10]}); pass labels= to name the columns.")
    sums = arr.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        worst = int(np.argmax(np.abs(sums - 1.0)))
        raise InvalidInputError(
            f"Each row of proba must sum to 1; row {worst} sums to {sums[worst]:.6g}.")
    return classes, arr


def _binary_or_ovr_scores(y: np.ndarray, y_score: Any, labels: Any,
                          name: str) -> tuple[np.ndarray, np.ndarray]:
    """Scores for a ranking metric: ``(classes, s)`` with ``s`` 1-D for binary problems."""
    arr = _score_array(y, y_score, "y_score", probability=False)
    present = np.unique(y)
    if present.size < 2:
        raise InvalidInputError(
            f"{name} is undefined when y_true holds a single class ({present.tolist()}); "
            "evaluate on data that contains both classes, e.g. with stratified splits.")
    classes = _classes(y, labels)
    if arr.ndim == 1:
        if classes.size != 2:
            raise InvalidInputError(
                f"A 1-D y_score needs a binary problem, but there are {classes.size} classes; "
                "pass an (n_samples, n_classes) matrix of probabilities.")
        return classes, arr
    if arr.shape[1] != classes.size:
        raise InvalidInputError(
            f"y_score has {arr.shape[1]} columns but there are {classes.size} classes "
            f"({classes.tolist()[:10]}); pass labels= to name the columns.")
    if classes.size == 2:
        return classes, arr[:, 1]
    return classes, arr


# --------------------------------------------------------------------------- label metrics


def balanced_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean of the per-class recalls (balanced accuracy).

    Each class counts equally, so always predicting the majority gives ``1 / n_classes``
    instead of the majority's share.
    """
    t, p = _labels_pair(y_true, y_pred)
    return float(balanced_accuracy_score(t, p))


def g_mean(y_true: Any, y_pred: Any) -> float:
    """Geometric mean of the per-class recalls.

    Unlike balanced accuracy it collapses to 0 as soon as one class is never recovered,
    which is what makes it popular in the oversampling literature. Recalls are taken over
    the classes present in ``y_true``.
    """
    t, p = _labels_pair(y_true, y_pred)
    recalls = recall_score(t, p, labels=np.unique(t), average=None, zero_division=0.0)
    recalls = np.asarray(recalls, dtype=np.float64)
    if np.any(recalls == 0.0):
        return 0.0
    return float(np.exp(np.mean(np.log(recalls))))


def mcc(y_true: Any, y_pred: Any) -> float:
    """Matthews correlation coefficient (multiclass: Gorodkin's R_K); 0 for constant output."""
    t, p = _labels_pair(y_true, y_pred)
    return float(matthews_corrcoef(t, p))


def _default_pos_label(y: np.ndarray) -> Any:
    """Label 1 for 0/1 data containing 1; else the rarest class of ``y`` (ties: larger label)."""
    values, counts = np.unique(y, return_counts=True)
    if y.dtype.kind in "biu" and set(values.tolist()) <= {0, 1} and 1 in values:
        return values[values == 1][0]
    rarest = values[counts == counts.min()]
    return rarest[-1]


def minority_f1(y_true: Any, y_pred: Any, *, pos_label: Any = None) -> float:
    """F1 score of one class, by default the minority.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    pos_label : label, optional
        The class to score. By default: ``1`` when the labels are 0/1 (synthaug's encoding,
        where 1 is the minority, even in a sample where it happens not to be rarer); otherwise
        the least frequent class of ``y_true``, and among equally rare classes the largest
        label.

    Returns
    -------
    float
        In [0, 1]; 0 when there is no true positive (no division-by-zero warning).
    """
    t, p = _labels_pair(y_true, y_pred)
    if pos_label is None:
        pos_label = _default_pos_label(t)
    elif pos_label not in set(np.unique(t).tolist()) | set(np.unique(p).tolist()):
        raise InvalidInputError(
            f"pos_label={pos_label!r} occurs in neither y_true nor y_pred "
            f"(labels: {np.unique(t).tolist()[:10]}).")
    score = f1_score(t, p, labels=[pos_label], average=None, zero_division=0.0)
    return float(np.asarray(score)[0])


# --------------------------------------------------------------------------- score metrics


def roc_auc(y_true: Any, y_score: Any, *, labels: Any = None) -> float:
    """Area under the ROC curve.

    Binary: ``y_score`` is a 1-D score of the positive (larger) label, or a two-column
    probability matrix. Multiclass: an (n, n_classes) probability matrix, scored one-vs-rest
    and macro-averaged.

    Raises
    ------
    InvalidInputError
        If ``y_true`` holds a single class: the curve is undefined then.
    """
    t = check_target(y_true, min_classes=1, what="y_true")
    classes, s = _binary_or_ovr_scores(t, y_score, labels, "ROC AUC")
    if s.ndim == 1:
        return float(roc_auc_score((t == classes[1]).astype(int), s))
    try:
        return float(roc_auc_score(t, s, multi_class="ovr", average="macro", labels=classes))
    except ValueError as exc:
        raise InvalidInputError(f"Multiclass ROC AUC could not be computed: {exc}") from exc


def average_precision(y_true: Any, y_score: Any, *, labels: Any = None) -> float:
    """Average precision, the step-wise area under the precision-recall curve (AUPRC).

    It weighs the minority class directly and, unlike ROC AUC, drops sharply when many
    majority rows outrank the minority. Inputs as in :func:`roc_auc`; multiclass is
    the macro average of the one-vs-rest values.

    Raises
    ------
    InvalidInputError
        If ``y_true`` holds a single class.
    """
    t = check_target(y_true, min_classes=1, what="y_true")
    classes, s = _binary_or_ovr_scores(t, y_score, labels, "Average precision")
    if s.ndim == 1:
        return float(average_precision_score((t == classes[1]).astype(int), s))
    onehot = label_binarize(t, classes=classes)
    present = onehot.sum(axis=0) > 0
    return float(average_precision_score(onehot[:, present], s[:, present], average="macro"))


# --------------------------------------------------------------------------- balanced losses


def _per_class_mean(y: np.ndarray, classes: np.ndarray, row_loss: np.ndarray) -> float:
    """Mean over the classes present in ``y`` of the mean row loss within each class."""
    means = [row_loss[y == c].mean() for c in classes if np.any(y == c)]
    return float(np.mean(means))


def balanced_log_loss(y_true: Any, proba: Any, *, eps: float = 1e-15,
                      labels: Any = None) -> float:
    """Class-balanced log loss.

    For every class present in ``y_true``, the mean of ``-log p(true class)`` over its rows;
    then the plain mean over those classes. Each class weighs the same however few rows it
    has, so a model cannot score well by being confident about the majority only. Equals
    scikit-learn's ``log_loss`` with ``compute_sample_weight("balanced", y)`` weights.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        1-D: probability of the positive (larger) label in a binary problem. 2-D: one column
        per class in sorted label order; rows must sum to 1.
    eps : float, default=1e-15
        Probabilities are clipped to ``[eps, 1 - eps]`` so a confident mistake costs
        ``-log(eps)`` instead of infinity.
    labels : array-like, optional
        All class labels, when ``y_true`` lacks some of the columns of ``proba``.
    """
    if not (isinstance(eps, (int, float, np.floating)) and 0.0 < eps < 0.5):
        raise InvalidParameterError(f"eps must be a float in (0, 0.5), got {eps!r}.")
    t = check_target(y_true, min_classes=1, what="y_true")
    classes, P = _proba_matrix(t, proba, labels)
    col = np.searchsorted(classes, t)
    p_true = np.clip(P[np.arange(t.size), col], eps, 1.0 - eps)
    return _per_class_mean(t, classes, -np.log(p_true))


def balanced_brier(y_true: Any, proba: Any, *, labels: Any = None) -> float:
    """Class-balanced Brier score.

    A row's error is the mean over the ``n_classes`` columns of ``(P[i, j] - 1[y_i = j])**2``;
    for a binary problem this is ``(p - 1[y = positive])**2`` whether ``proba`` is the 1-D
    positive-class probability or the two-column matrix. The per-class mean errors are then
    averaged with equal weight per class present in ``y_true``. Inputs as in
    :func:`balanced_log_loss`.
    """
    t = check_target(y_true, min_classes=1, what="y_true")
    classes, P = _proba_matrix(t, proba, labels)
    onehot = (t[:, None] == classes[None, :]).astype(np.float64)
    row_err = ((P - onehot) ** 2).mean(axis=1)
    return _per_class_mean(t, classes, row_err)


# --------------------------------------------------------------------------- all at once


def _predict_from_proba(classes: np.ndarray, P: np.ndarray, threshold: float) -> np.ndarray:
    """Hard labels: binary by ``P[:, 1] >= threshold``, multiclass by argmax."""
    if classes.size == 2:
        return classes[(P[:, 1] >= threshold).astype(int)]
    return classes[np.argmax(P, axis=1)]


def classification_report(y_true: Any, y_pred: Any = None, proba: Any = None, *,
                          threshold: float = 0.5, labels: Any = None) -> dict[str, float]:
    """Every metric of this module at once, keyed as in :data:`METRICS`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_pred : array-like of shape (n_samples,), optional
        Hard predictions. Derived from ``proba`` when omitted: binary rows are positive when
        the positive-class probability is ``>= threshold``, multiclass rows take the argmax.
    proba : array-like of shape (n_samples,) or (n_samples, n_classes), optional
        Probabilities as in :func:`balanced_log_loss`. The probability-based metrics
        (``roc_auc``, ``average_precision``, ``balanced_log_loss``, ``balanced_brier``) are
        reported only when it is given.
    threshold : float, default=0.5
        Decision threshold for binary problems, used only to derive ``y_pred``.
    labels : array-like, optional
        All class labels, when ``y_true`` may lack some.

    Returns
    -------
    dict of str to float
    """
    if y_pred is None and proba is None:
        raise InvalidInputError("classification_report needs y_pred, proba, or both.")
    if not (isinstance(threshold, (int, float, np.floating)) and 0.0 <= threshold <= 1.0):
        raise InvalidParameterError(f"threshold must be in [0, 1], got {threshold!r}.")
    t = check_target(y_true, min_classes=1, what="y_true")
    P = classes = None
    if proba is not None:
        classes, P = _proba_matrix(t, proba, labels)
        if y_pred is None:
            y_pred = _predict_from_proba(classes, P, threshold)
    report = {
        "balanced_accuracy": balanced_accuracy(t, y_pred),
        "g_mean": g_mean(t, y_pred),
        "mcc": mcc(t, y_pred),
        "f1_minority": minority_f1(t, y_pred),
    }
    if P is not None:
        report["roc_auc"] = roc_auc(t, P, labels=classes)
        report["average_precision"] = average_precision(t, P, labels=classes)
        report["balanced_log_loss"] = balanced_log_loss(t, P, labels=classes)
        report["balanced_brier"] = balanced_brier(t, P, labels=classes)
    return report
