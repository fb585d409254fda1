"""MultiTaskBiasCorrected: per-task bias-corrected classifiers with pooled bias sources.

Design: every task has majority N(off_k, I) and minority N(mu + off_k, I) (mu = 1 on the
first three coordinates, tasks offset along the last one), so SMOTE's error is the same in
every task up to location, and the balanced optimum of task 0 (offset 0) is
theta* = (mu, -||mu||^2 / 2).
"""

import warnings

import numpy as np
import pytest

from synthaug.correction import BiasCorrectedClassifier, MultiTaskBiasCorrected
from synthaug.correction.multitask import allot_splits
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)


def _tasks(seed, d=10, sizes=((100, 60), (1500, 60))):
    rng = np.random.default_rng(seed)
    mu = np.zeros(d)
    mu[:3] = 1.0
    Xs, ys, gs = [], [], []
    for k, (n0, n1) in enumerate(sizes):
        off = np.zeros(d)
        off[-1] = 2.0 * k
        Xs += [rng.standard_normal((n0, d)) + off, rng.standard_normal((n1, d)) + mu + off]
        ys += [np.zeros(n0, int), np.ones(n1, int)]
        gs.append(np.full(n0 + n1, k))
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(gs), mu


def _fit(model, X, y, g):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        return model.fit(X, y, g)


def test_allot_splits_is_proportional_with_largest_remainders():
    assert allot_splits(20, {"a": 1100, "b": 900}) == {"a": 11, "b": 9}
    assert allot_splits(20, {"a": 100, "b": 2000, "c": 1500}) == {"a": 1, "b": 11, "c": 8}
    assert allot_splits(2, {"a": 10, "b": 10, "c": 10}) == {"a": 1, "b": 1}
    assert sum(allot_splits(7, {"a": 3, "b": 5, "c": 11}).values()) == 7


def test_pooled_estimate_fits_where_the_single_task_classifier_raises_and_helps():
    gains = []
    for seed in range(6):
        X, y, g, mu = _tasks(seed)
        with pytest.raises(NotEnoughSamplesError, match="120 rows"):
            BiasCorrectedClassifier(pseudo_minority_size=60).fit(X[g == 0], y[g == 0])
        with pytest.raises(NotEnoughSamplesError, match="at least 120 rows"):
            _fit(MultiTaskBiasCorrected(bias_sources="own", n_splits=4), X, y, g)
        model = _fit(MultiTaskBiasCorrected(C=1e4, n_splits=10, random_state=seed), X, y, g)
        assert model.bias_sources_[0] == {1: 10}          # task 0's majority is too small
        est = model.estimators_[0]
        assert est.n_synthetic_ == 40 and est.scale_ > 0
        target = np.r_[mu, -mu @ mu / 2]
        naive = np.linalg.norm(np.r_[est.naive_coef_[0], est.naive_intercept_] - target)
        corrected = np.linalg.norm(np.r_[est.coef_[0], est.intercept_] - target)
        gains.append(naive - corrected)
    assert np.mean(gains) > 0.1                         # about 0.25 on average
    assert sum(gain > 0 for gain in gains) >= 5


def test_own_sources_match_the_single_task_classifier():
    X, y, g, _ = _tasks(0, d=3, sizes=((300, 30), (400, 40)))
    model = _fit(MultiTaskBiasCorrected(bias_sources="own", n_splits=3, random_state=0),
                 X, y, g)
    for task in (0, 1):
        est = model.estimators_[task]
        single = BiasCorrectedClassifier(n_splits=3, random_state=est.random_state)
        single = _fit_single(single, X[g == task], y[g == task])
        np.testing.assert_allclose(est.naive_coef_, single.naive_coef_, rtol=1e-10)
        assert model.bias_sources_[task] == {task: 3}
        assert est.coef_.shape == (1, 3) and np.isfinite(est.coef_).all()


def _fit_single(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        return clf.fit(X, y)


def test_predict_routes_rows_to_their_task_model():
    X, y, g, _ = _tasks(1, d=3, sizes=((300, 30), (400, 40)))
    model = _fit(MultiTaskBiasCorrected(n_splits=3, random_state=0), X, y, g)
    proba = model.predict_proba(X, g)
    for task in (0, 1):
        np.testing.assert_array_equal(proba[g == task],
                                      model.estimators_[task].predict_proba(X[g == task]))
    np.testing.assert_array_equal(model.predict(X, g),
                                  model.classes_[(proba[:, 1] > 0.5).astype(int)])
    assert model.decision_function(X, g).shape == (len(y),)
    again = _fit(MultiTaskBiasCorrected(n_splits=3, random_state=0), X, y, g)
    np.testing.assert_array_equal(again.predict_proba(X, g), proba)


def test_errors():
    X, y, g, _ = _tasks(2, d=3, sizes=((300, 30), (400, 40)))
    with pytest.raises(NotFittedError):
        MultiTaskBiasCorrected().predict(X, g)
    with pytest.raises(InvalidInputError, match="groups is required"):
        MultiTaskBiasCorrected().fit(X, y)
    with pytest.raises(InvalidInputError, match="one task label per row"):
        MultiTaskBiasCorrected().fit(X, y, g[:-1])
    with pytest.raises(InvalidParameterError, match="bias_sources"):
        MultiTaskBiasCorrected(bias_sources="all").fit(X, y, g)
    one_class = g.copy()
    one_class[(g == 0) & (y == 1)] = 5                   # task 0 left with one class
    with pytest.raises(InvalidInputError, match="both classes"):
        MultiTaskBiasCorrected().fit(X, y, one_class)
    model = _fit(MultiTaskBiasCorrected(n_splits=2, random_state=0), X, y, g)
    with pytest.raises(InvalidInputError, match="not seen in fit"):
        model.predict(X, np.full(len(y), 7))
