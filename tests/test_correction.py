"""BiasCorrectedClassifier and its objective (synthaug.correction).

The method is a reconstruction of "Bias-Corrected Data Synthesis for Imbalanced
Learning" (Lyu, Ma, L. Zhang, A. R. Zhang; arXiv 2510.26046). The tests check what holds
whatever the paper's details: exact derivatives, the balanced optimum reached with the
true bias, no correction for a generator without shape error, the guard, and the
bookkeeping of the majority splits.
"""

import warnings

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression, Ridge

from synthaug.correction import BiasCorrectedClassifier, CorrectedObjective, PointSet
from synthaug.correction.objective import minimise
from synthaug.correction.transfer import TRANSFERS, bias_sets
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    MemoryLimitError,
    NotEnoughSamplesError,
    SynthaugWarning,
)
from synthaug.generators import ShiftedGaussianGenerator, SMOTEGenerator


def _shift_data(d, n0, n1, seed, mu=None):
    """Majority N(0, I_d), minority N(mu, I_d); mu = 1 on the first three coordinates."""
    rng = np.random.default_rng(seed)
    if mu is None:
        mu = np.zeros(d)
        mu[:min(3, d)] = 1.0
    X = np.vstack([rng.standard_normal((n0, d)), rng.standard_normal((n1, d)) + mu])
    return X, np.r_[np.zeros(n0, int), np.ones(n1, int)], np.asarray(mu, dtype=float)


def _theta(coef, intercept):
    return np.r_[np.ravel(coef), np.ravel(intercept)]


def _quiet_fit(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        return clf.fit(X, y)


# ---------------------------------------------------------------------- derivatives
@pytest.mark.parametrize("loss", ["logistic", "squared"])
@pytest.mark.parametrize("transfer", TRANSFERS)
def test_gradient_and_hessian_match_finite_differences(loss, transfer):
    X, y, _ = _shift_data(3, 150, 15, seed=1)
    clf = _quiet_fit(BiasCorrectedClassifier(loss=loss, transfer=transfer, n_splits=3,
                                             random_state=0), X, y)
    bias = bias_sets(clf.splits_, transfer, X[y == 1].mean(axis=0), 1.0)
    objective = CorrectedObjective([PointSet(X, y.astype(float), 1 / 165)], bias, 3.0,
                                   loss, alpha=0.01, fit_intercept=True)
    theta = np.random.default_rng(2).standard_normal(4)
    value, grad = objective.value_and_grad(theta)
    assert value == pytest.approx(objective.value(theta), rel=1e-12)
    numeric = approx_fprime(theta, objective.value, 1e-7)
    np.testing.assert_allclose(grad, numeric, atol=1e-6)
    hess = np.array([approx_fprime(theta, lambda t, i=i: objective.value_and_grad(t)[1][i],
                                   1e-6) for i in range(4)])
    np.testing.assert_allclose(objective.hessian(theta), hess, atol=1e-5)


def test_shifted_point_set_equals_explicit_copies():
    """A set with R shifts is the R shifted copies of its rows, stacked."""
    rng = np.random.default_rng(0)
    X, shifts = rng.standard_normal((20, 2)), rng.standard_normal((3, 2))
    stacked = np.vstack([X + s for s in shifts])
    theta = np.array([0.3, -0.7, 0.2])
    for loss in ("logistic", "squared"):
        a = CorrectedObjective([PointSet(X, 1.0, -0.4, shifts=shifts)], [], 0.0, loss, 0.0, True)
        b = CorrectedObjective([PointSet(stacked, 1.0, -0.4)], [], 0.0, loss, 0.0, True)
        assert a.value(theta) == pytest.approx(b.value(theta), rel=1e-12)
        np.testing.assert_allclose(a.value_and_grad(theta)[1], b.value_and_grad(theta)[1])
        np.testing.assert_allclose(a.hessian(theta), b.hessian(theta), atol=1e-12)


def test_bias_estimate_is_the_mean_of_the_split_estimates():
    X, y, _ = _shift_data(2, 300, 20, seed=3)
    clf = _quiet_fit(BiasCorrectedClassifier(n_splits=4, random_state=1), X, y)
    assert clf.bias_by_split_.shape == (4,)
    assert clf.bias_estimate_ == pytest.approx(clf.bias_by_split_.mean(), rel=1e-10)
    assert clf.bias_estimate_std_ == pytest.approx(np.std(clf.bias_by_split_, ddof=1))


# ---------------------------------------------------------------------- C scaling
def test_without_synthetic_rows_the_fit_is_sklearns():
    """C has LogisticRegression's meaning (and Ridge(alpha=1/C) for the squared loss)."""
    X, y, _ = _shift_data(3, 200, 40, seed=4)
    few = {0: 200, 1: 40}                       # totals as they are: no synthetic rows
    with pytest.warns(SynthaugWarning, match="no synthetic rows"):
        clf = BiasCorrectedClassifier(sampling_strategy=few, C=0.5).fit(X, y)
    ref = LogisticRegression(C=0.5, tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(_theta(clf.coef_, clf.intercept_),
                               _theta(ref.coef_, ref.intercept_), atol=1e-5)
    with pytest.warns(SynthaugWarning):
        sq = BiasCorrectedClassifier(loss="squared", sampling_strategy=few, C=0.5).fit(X, y)
    ridge = Ridge(alpha=2.0).fit(X, y.astype(float))
    np.testing.assert_allclose(_theta(sq.coef_, sq.intercept_),
                               _theta(ridge.coef_, ridge.intercept_), atol=1e-6)
    assert clf.scale_ == 0.0 and clf.n_synthetic_ == 0


# ---------------------------------------------------------------------- true bias
def _sigma_points(centre):
    """2d points with mean ``centre`` and covariance exactly I: the expectation of a
    quadratic (the squared loss of a linear model) under N(centre, I) is their mean."""
    d = len(centre)
    offsets = np.sqrt(d) * np.vstack([np.eye(d), -np.eye(d)])
    return centre + offsets


def _worked_example(n1, seed):
    """The 2-D squared-loss example: ratio 20, the generator N(input mean - 0.5 e1, I)."""
    X, y, mu = _shift_data(2, 20 * n1, n1, seed, mu=[1.0, 0.0])
    gen = ShiftedGaussianGenerator(shift=(-0.5, 0.0))
    S1 = gen.fit(X, y, target_class=1).sample(19 * n1, random_state=seed)
    N = len(y) + len(S1)
    base = [PointSet(X, y.astype(float), 1 / N), PointSet(S1, 1.0, 1 / N)]
    # true bias of the synthetic law given X1, against the minority law, at label 1
    true_bias = [PointSet(_sigma_points(gen.mean_), 1.0, 1 / 4),
                 PointSet(_sigma_points(mu), 1.0, -1 / 4)]
    objective = CorrectedObjective(base, true_bias, len(S1) / N, "squared", 0.0, False)
    corrected = minimise(objective, np.zeros(2), max_iter=200, tol=1e-12).x
    naive = minimise(objective.with_scale(0.0), np.zeros(2), max_iter=200, tol=1e-12).x
    return X, y, corrected, naive


def test_true_bias_recovers_the_balanced_optimum():
    """theta* = mu / (||mu||^2 + 2) = (1/3, 0) solves the balanced normal equations; the
    augmented fit stalls at (21 / 91.5, 0), the corrected one converges to theta*."""
    star = np.array([1 / 3, 0.0])
    errors = {}
    for n1 in (25, 1000):
        runs = [_worked_example(n1, seed) for seed in range(3)]
        errors[n1] = np.mean([np.linalg.norm(c - star) for _, _, c, _ in runs])
        naive_err = np.mean([np.linalg.norm(nv - star) for _, _, _, nv in runs])
        assert naive_err > 0.07                     # the floor: |21/91.5 - 1/3| = 0.104
    assert errors[1000] < 0.02
    assert errors[1000] < errors[25] / 3


def test_transferred_bias_approaches_the_true_one_in_the_worked_example():
    """The generator's error (a shift of -0.5 e1) acts on any input, so the majority
    splits see it too; recentred, the estimate closes most of the balancing floor."""
    star = np.array([1 / 3, 0.0])
    X, y, corrected, naive = _worked_example(500, seed=7)
    clf = _quiet_fit(BiasCorrectedClassifier(ShiftedGaussianGenerator(shift=(-0.5, 0.0)),
                                             loss="squared", fit_intercept=False, C=1e8,
                                             n_splits=5, random_state=0), X, y)
    assert not clf.correction_shrunk_
    np.testing.assert_allclose(clf.naive_coef_[0], naive, atol=0.02)  # same law, other draw
    assert np.linalg.norm(clf.coef_[0] - star) < 0.03
    assert np.linalg.norm(clf.coef_[0] - corrected) < 0.03


# ---------------------------------------------------------------------- semi-oracle
def test_semi_oracle_generator_is_barely_corrected():
    """Sample mean plus fresh N(0, I) noise: no shape error, so the correction is small."""
    X, y, mu = _shift_data(5, 2000, 50, seed=11)
    star = np.r_[mu, -0.5 * mu @ mu]
    clf = _quiet_fit(BiasCorrectedClassifier(ShiftedGaussianGenerator(), C=1e4,
                                             random_state=0), X, y)
    change = np.linalg.norm(_theta(clf.coef_, clf.intercept_)
                            - _theta(clf.naive_coef_, clf.naive_intercept_))
    assert change / np.linalg.norm(star) < 0.15


# ---------------------------------------------------------------------- SMOTE shift design
def test_correction_beats_naive_smote_under_a_shift():
    """Majority N(0, I_10), minority shifted by 1 on 3 coordinates, SMOTE to balance: the
    defaults move the fit closer to theta* = (mu, -||mu||^2 / 2) than naive SMOTE."""
    gains = []
    for seed in range(3):
        X, y, mu = _shift_data(10, 1500, 40, seed=100 + seed)
        star = np.r_[mu, -0.5 * mu @ mu]
        clf = _quiet_fit(BiasCorrectedClassifier(C=1e4, random_state=seed), X, y)
        gains.append(np.linalg.norm(_theta(clf.naive_coef_, clf.naive_intercept_) - star)
                     - np.linalg.norm(_theta(clf.coef_, clf.intercept_) - star))
    assert np.mean(gains) > 0.2 and min(gains) > 0


# ---------------------------------------------------------------------- convexity guard
def test_huge_scale_is_shrunk_not_divergent():
    X, y, _ = _shift_data(3, 400, 30, seed=5)
    clf = BiasCorrectedClassifier(scale=200.0, n_splits=3, transfer="loss", random_state=0)
    with pytest.warns(SynthaugWarning, match="shrunk"):
        clf.fit(X, y)
    assert clf.correction_shrunk_ and 0 <= clf.scale_ < 200.0
    assert np.isfinite(clf.coef_).all() and np.abs(clf.coef_).max() < 10
    assert clf.min_eigenvalue_ >= 0.5 * clf.naive_min_eigenvalue_


def test_guard_warn_and_off_keep_the_scale():
    X, y, _ = _shift_data(3, 400, 30, seed=5)
    params = dict(scale=200.0, n_splits=3, transfer="loss", random_state=0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the divergent fit may not converge
        with pytest.warns(SynthaugWarning, match="not convex enough"):
            warned = BiasCorrectedClassifier(convexity_guard="warn", **params).fit(X, y)
    assert warned.scale_ == 200.0 and not warned.correction_shrunk_
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        off = BiasCorrectedClassifier(convexity_guard="off", **params).fit(X, y)
    assert off.scale_ == 200.0
    assert not [w for w in caught if issubclass(w.category, SynthaugWarning)]


def test_default_fit_is_not_shrunk_under_a_shift():
    X, y, _ = _shift_data(5, 1000, 40, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthaugWarning)
        clf = BiasCorrectedClassifier(n_splits=5, random_state=0).fit(X, y)
    assert clf.scale_ == pytest.approx(960 / 2000) and not clf.correction_shrunk_


# ---------------------------------------------------------------------- bookkeeping
_SEEN = []


class _RecordingSMOTE(SMOTEGenerator):
    """SMOTE that records which rows it was given as its target class and as the rest."""

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        _SEEN.append((X_num[y == target_class].copy(), X_num[y != target_class].copy()))
        super()._fit(X_num, X_cat, y, target_class)


def test_generator_gets_exact_disjoint_pseudo_minorities():
    X, y, _ = _shift_data(2, 300, 25, seed=8)
    _SEEN.clear()
    clf = _quiet_fit(BiasCorrectedClassifier(_RecordingSMOTE(), n_splits=4, random_state=3),
                     X, y)
    assert len(_SEEN) == 5                                   # minority, then 4 splits
    np.testing.assert_array_equal(_SEEN[0][0], X[y == 1])
    majority = {tuple(r) for r in X[y == 0]}
    for target, rest in _SEEN[1:]:
        assert target.shape == (25, 2) and rest.shape == (275, 2)
        A, B = {tuple(r) for r in target}, {tuple(r) for r in rest}
        assert not A & B and A | B == majority
    assert [len(idx) for idx in clf.splits_.pseudo] == [25] * 4
    assert len({tuple(idx) for idx in clf.splits_.pseudo}) == 4   # different splits
    _SEEN.clear()
    _quiet_fit(BiasCorrectedClassifier(_RecordingSMOTE(), n_splits=2, pseudo_minority_size=40,
                                       random_state=3), X, y)
    assert [t.shape[0] for t, _ in _SEEN[1:]] == [40, 40]


def test_deterministic_under_random_state():
    X, y, _ = _shift_data(3, 300, 20, seed=9)
    a = _quiet_fit(BiasCorrectedClassifier(n_splits=3, random_state=5), X, y)
    b = _quiet_fit(BiasCorrectedClassifier(n_splits=3, random_state=5), X, y)
    c = _quiet_fit(BiasCorrectedClassifier(n_splits=3, random_state=6), X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)
    assert a.bias_estimate_ == b.bias_estimate_
    assert not np.array_equal(a.coef_, c.coef_)
    # the splits of a smaller n_splits are the first splits of a larger one
    d = _quiet_fit(BiasCorrectedClassifier(n_splits=5, random_state=5), X, y)
    for r in range(3):
        np.testing.assert_array_equal(a.splits_.pseudo[r], d.splits_.pseudo[r])
        np.testing.assert_array_equal(a.splits_.synthetic[r], d.splits_.synthetic[r])


# ---------------------------------------------------------------------- bad input
def test_bad_parameters_name_the_problem():
    X, y, _ = _shift_data(2, 100, 10, seed=0)
    for params, word in [({"loss": "hinge"}, "loss"), ({"transfer": "shift"}, "transfer"),
                         ({"bias_label": 1}, "bias_label"),
                         ({"convexity_guard": "clip"}, "convexity_guard"),
                         ({"n_splits": 0}, "n_splits"), ({"margin": 1.5}, "margin"),
                         ({"C": 0}, "C"), ({"scale": -1.0}, "scale"),
                         ({"pseudo_minority_size": 0}, "pseudo_minority_size")]:
        with pytest.raises(InvalidParameterError, match=word):
            BiasCorrectedClassifier(**params).fit(X, y)
    with pytest.raises(InvalidParameterError, match="instance"):
        BiasCorrectedClassifier(SMOTEGenerator).fit(X, y)


def test_bad_data_is_refused_clearly():
    X, y, _ = _shift_data(2, 100, 10, seed=0)
    with pytest.raises(InvalidInputError, match="OneVsRestClassifier"):
        BiasCorrectedClassifier().fit(X, np.arange(110) % 3)
    with pytest.raises(InvalidInputError, match="class"):
        BiasCorrectedClassifier().fit(X, np.zeros(110, int))
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        BiasCorrectedClassifier().fit(X_nan, y)


def test_majority_too_small_for_the_splits():
    X, y, _ = _shift_data(2, 30, 20, seed=0)
    with pytest.raises(NotEnoughSamplesError, match=r"30 rows.*pseudo-minority of 20.*40"):
        BiasCorrectedClassifier(pseudo_minority_size=20).fit(X, y)
    # the default cuts the pseudo-minority to half the majority instead, and says so
    with pytest.warns(SynthaugWarning, match="each pseudo-minority gets 15 rows"):
        clf = BiasCorrectedClassifier(n_splits=3, random_state=0).fit(X, y)
    assert clf.pseudo_minority_size_ == 15 and clf.n_synthetic_ == 10
    assert [len(a) for a in clf.splits_.pseudo] == [15, 15, 15]


def test_generator_that_cannot_refit_on_the_majority():
    X, y, _ = _shift_data(2, 200, 30, seed=0)
    with pytest.raises(NotEnoughSamplesError, match="could not be refitted on the majority"):
        BiasCorrectedClassifier(SMOTEGenerator(k_neighbors=5), pseudo_minority_size=4,
                                random_state=0).fit(X, y)


# ---------------------------------------------------------------------- sklearn API
def test_sklearn_api_and_string_labels():
    X, y, _ = _shift_data(3, 300, 30, seed=12)
    labels = np.where(y == 1, "yes", "no")
    clf = BiasCorrectedClassifier(n_splits=3, C=10.0, random_state=0)
    assert clone(clf).get_params() == clf.get_params()
    assert clf.get_params()["transfer"] == "recentre_sep"
    _quiet_fit(clf, X, labels)
    assert list(clf.classes_) == ["no", "yes"] and clf.minority_class_ == "yes"
    assert clf.coef_.shape == (1, 3) and clf.intercept_.shape == (1,)
    assert clf.n_features_in_ == 3 and clf.n_synthetic_ == 270
    proba = clf.predict_proba(X[:7])
    assert proba.shape == (7, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X[:7])
    np.testing.assert_array_equal(pred, np.where(proba[:, 1] > 0.5, "yes", "no"))
    np.testing.assert_array_equal(pred == "yes", clf.decision_function(X[:7]) > 0)
    # the minority may be the first label: roles follow class sizes, not label order
    # (the logistic loss is symmetric: swapping the labels negates the fit exactly)
    flipped = _quiet_fit(clone(clf), X, 1 - y)
    assert flipped.minority_class_ == 0
    np.testing.assert_allclose(flipped.coef_, -clf.coef_, atol=1e-4)
    np.testing.assert_allclose(flipped.intercept_, -clf.intercept_, atol=1e-4)
    with pytest.raises(InvalidInputError, match="features"):
        clf.predict(X[:, :2])


def test_squared_loss_probabilities_are_clipped_scores():
    X, y, _ = _shift_data(2, 300, 30, seed=13)
    clf = _quiet_fit(BiasCorrectedClassifier(loss="squared", n_splits=3, random_state=0),
                     X, y)
    score = X @ clf.coef_[0] + clf.intercept_[0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], np.clip(score, 0, 1))
    np.testing.assert_allclose(clf.decision_function(X), score - 0.5)


class _Bootstrap(BaseEstimator):
    """A protocol generator that is not a synthaug one: resample the target rows."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y, *, target_class):
        self.rows_ = np.asarray(X)[np.asarray(y) == target_class]
        return self

    def sample(self, n, *, random_state=None):
        rng = np.random.default_rng(random_state)
        return self.rows_[rng.integers(0, len(self.rows_), n)]


def test_any_protocol_generator_works():
    X, y, _ = _shift_data(3, 300, 30, seed=14)
    clf = _quiet_fit(BiasCorrectedClassifier(_Bootstrap(), n_splits=3, random_state=0), X, y)
    assert clf.n_synthetic_ == 270 and np.isfinite(clf.coef_).all()
    # every synthetic majority row is a row of its own pseudo-minority
    for idx, S0 in zip(clf.splits_.pseudo, clf.splits_.synthetic):
        A = {tuple(r) for r in clf.splits_.X_major[idx]}
        assert {tuple(r) for r in S0} <= A


def test_memory_is_checked_before_fitting(monkeypatch):
    X, y, _ = _shift_data(3, 300, 30, seed=15)
    clf = BiasCorrectedClassifier(n_splits=4)
    small, large = clf.memory_estimate(y, 3), clf.set_params(n_splits=8).memory_estimate(y, 3)
    assert 0 < small < large                   # the synthetic majority samples grow with R
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "1K")
    with pytest.raises(MemoryLimitError, match="lower n_splits"):
        clf.fit(X, y)
