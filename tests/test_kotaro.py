"""Tests of synthaug.classifiers.KOTARO (interpolating kernel classifier)."""

from __future__ import annotations

import itertools
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_blobs, make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle
from sklearn.utils.class_weight import compute_sample_weight

from synthaug.classifiers import KOTARO, default_sparse_neighbors
from synthaug.classifiers._kernel_solvers import (
    MIN_SLOPE,
    best_threshold,
    calibration_curve_values,
    exact_matrix,
    fit_calibration,
)
from synthaug.datasets import load_dataset
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.metrics import balanced_brier

FIXED = {"threshold": 0.0, "calibration": None}


@pytest.fixture
def small():
    X, y = make_classification(n_samples=120, n_features=5, n_informative=3, n_redundant=0,
                               weights=[0.8], class_sep=1.2, random_state=3)
    return X, y


def _bacc(positive, pred):
    return 0.5 * (pred[positive].mean() + (~pred[~positive]).mean())


def _check_blobs():
    """The binary problem of scikit-learn's check_classifiers_train."""
    X, y = make_blobs(n_samples=300, random_state=0)
    X, y = shuffle(X, y, random_state=7)
    X = StandardScaler().fit_transform(X)
    return X[y != 2], y[y != 2]


# --------------------------------------------------------------------------- the model
@pytest.mark.parametrize("coding,low", [("pm1", -1.0), ("01", 0.0)])
def test_exact_solver_interpolates_training_labels(small, coding, low):
    X, y = small
    model = KOTARO(solver="exact", ridge=1e-12, label_coding=coding, **FIXED).fit(X, y)
    f = model.kernel_expansion(X)
    minority = y == model.positive_class_
    np.testing.assert_allclose(f, np.where(minority, 1.0, low), atol=1e-6)
    assert model.solver_ == "exact" and model.solver_info_["method"] == "lu"


def test_bandwidths_match_hand_computation():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    y = np.array([0, 1, 0, 1])
    # two nearest other points: 0 -> {1, 3}; 1 -> {0, 3}; 3 -> {1, 0}; 7 -> {3, 1}
    expected = {"max": [3.0, 2.0, 3.0, 6.0], "mean": [2.0, 1.5, 2.5, 5.0],
                "min": [1.0, 1.0, 2.0, 4.0]}
    for stat, d in expected.items():
        for rule, power in (("inv_dist", 1), ("inv_dist_sq", 2)):
            m = KOTARO(n_neighbors=2, scale_stat=stat, bandwidth_rule=rule,
                       standardize=False, **FIXED).fit(X, y)
            np.testing.assert_allclose(m.local_scale_, d)
            np.testing.assert_allclose(m.gamma_, 1.0 / np.asarray(d) ** power)


def test_kernel_orientation_is_pinned_down():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    y = np.array([0, 1, 0, 1])
    m = KOTARO(n_neighbors=2, standardize=False, ridge=0.0, **FIXED).fit(X, y)
    xs = m.X_fit_[:, 0]
    K = exact_matrix(m.X_fit_, m.gamma_, "column_centre")
    # column j is the basis function centred at x_j, with x_j's width
    np.testing.assert_allclose(K, np.exp(-m.gamma_[None, :] * (xs[:, None] - xs) ** 2))
    assert not np.allclose(K, K.T)
    q = 2.0 - m.mean_[0]
    f_hand = np.sum(m.dual_coef_ * np.exp(-m.gamma_ * (q - xs) ** 2))
    np.testing.assert_allclose(m.kernel_expansion([[2.0]]), [f_hand])

    r = KOTARO(n_neighbors=2, standardize=False, kernel_orientation="row_centre",
               **FIXED).fit(X, y)
    K = exact_matrix(r.X_fit_, r.gamma_, "row_centre")
    np.testing.assert_allclose(K, np.exp(-r.gamma_[:, None] * (xs[:, None] - xs) ** 2))
    np.testing.assert_allclose(K @ r.dual_coef_, [-1, 1, -1, 1], atol=1e-6)
    # a new point uses its own width: its 2 nearest training points (1 and 3) are at 1
    f_hand = np.sum(r.dual_coef_ * np.exp(-1.0 * (q - xs) ** 2))
    np.testing.assert_allclose(r.kernel_expansion([[2.0]]), [f_hand])


@pytest.mark.parametrize("solver", ["exact", "sparse"])
def test_duplicates_give_finite_widths_and_outputs(solver):
    rng = np.random.default_rng(0)
    base = rng.normal(size=(30, 3))
    X = np.repeat(base, 8, axis=0)              # every row has 7 exact duplicates
    y = np.repeat(np.arange(30) % 3 == 0, 8).astype(int)
    y[::8] = 1 - y[::8]                          # and some duplicates disagree
    m = KOTARO(solver=solver, random_state=0).fit(X, y)
    assert np.all(m.local_scale_ == 0)
    assert np.isfinite(m.gamma_).all() and m.scale_floor_ > 0
    assert np.isfinite(m.dual_coef_).all()
    Q = np.vstack([X, rng.normal(size=(20, 3))])
    assert np.isfinite(m.decision_function(Q)).all()
    assert np.isfinite(m.predict_proba(Q)).all()


def test_all_identical_rows_do_not_break():
    X = np.ones((20, 2))
    y = np.array([0] * 14 + [1] * 6)
    m = KOTARO(random_state=0).fit(X, y)
    assert np.isfinite(m.gamma_).all()
    assert np.isfinite(m.decision_function(X)).all()


def test_threshold_auto_maximises_validation_balanced_accuracy():
    X, y = make_classification(n_samples=400, n_features=6, weights=[0.85], flip_y=0.05,
                               class_sep=0.8, random_state=1)
    m = KOTARO(threshold_smoothing=0.0, random_state=0).fit(X, y)
    s, pos = m.validation_scores_, m.validation_positive_
    assert s.size == m.validation_indices_.size > 0
    u = np.unique(s)
    cuts = np.concatenate([[u[0] - 1.0], (u[1:] + u[:-1]) / 2, [u[-1] + 1.0],
                           np.linspace(u[0] - 0.5, u[-1] + 0.5, 2001)])
    brute = max(_bacc(pos, s > t) for t in cuts)
    chosen = _bacc(pos, s > m.threshold_)
    assert chosen == pytest.approx(brute, abs=1e-12)
    assert m.validation_balanced_accuracy_ == pytest.approx(chosen)


def test_smoothed_threshold_maximises_the_smoothed_balanced_accuracy():
    rng = np.random.default_rng(0)
    s = np.concatenate([rng.normal(-1, 0.6, 300), rng.normal(0.4, 0.8, 25)])
    pos = np.r_[np.zeros(300, bool), np.ones(25, bool)]
    t, bacc = best_threshold(s, pos, 0.0, smoothing=1.0)

    def silverman(v):
        iqr = np.subtract(*np.percentile(v, [75, 25])) / 1.349
        return 0.9 * min(v.std(), iqr) * v.size ** -0.2

    h_pos, h_neg = silverman(s[pos]), silverman(s[~pos])

    def smoothed(t):
        return 0.5 * (norm.sf((t - s[pos]) / h_pos).mean(axis=-1)
                      + norm.cdf((t - s[~pos]) / h_neg).mean(axis=-1))

    grid = np.linspace(s.min(), s.max(), 20001)[:, None]
    assert smoothed(t) >= smoothed(grid).max() - 1e-6
    assert bacc == pytest.approx(_bacc(pos, s > t))
    # smoothing 0 is the plain maximisation over every cut
    _, b0 = best_threshold(s, pos, 0.0, smoothing=0.0)
    assert b0 == max(_bacc(pos, s > c) for c in np.r_[s, s.min() - 1]) >= bacc


def test_validation_scores_come_from_a_model_fitted_without_them():
    X, y = make_classification(n_samples=200, n_features=4, n_redundant=0, weights=[0.8],
                               random_state=2)
    m = KOTARO(standardize=False, cv=None, random_state=5).fit(X, y)
    assert m.n_splits_ == 1
    val = m.validation_indices_
    train = np.setdiff1d(np.arange(len(y)), val)
    # stratified: about validation_fraction of each class is held out
    for c in np.unique(y):
        assert np.sum(y[val] == c) == round(0.2 * np.sum(y == c))
    sub = KOTARO(standardize=False, **FIXED).fit(X[train], y[train])
    np.testing.assert_allclose(sub.kernel_expansion(X[val]), m.validation_scores_,
                               rtol=1e-6, atol=1e-8)


def test_out_of_fold_scores_come_from_stratified_folds():
    X, y = make_classification(n_samples=200, n_features=4, n_redundant=0, weights=[0.8],
                               random_state=2)
    m = KOTARO(standardize=False, random_state=5).fit(X, y)  # cv=5 by default
    assert m.n_splits_ == 5
    np.testing.assert_array_equal(np.sort(m.validation_indices_), np.arange(len(y)))
    positive = y == m.positive_class_
    folds = StratifiedKFold(5, shuffle=True, random_state=5).split(np.zeros((len(y), 1)),
                                                                     positive)
    start = 0
    for train, test in folds:
        np.testing.assert_array_equal(m.validation_indices_[start:start + test.size], test)
        sub = KOTARO(standardize=False, **FIXED).fit(X[train], y[train])
        np.testing.assert_allclose(sub.kernel_expansion(X[test]),
                                   m.validation_scores_[start:start + test.size],
                                   rtol=1e-6, atol=1e-8)
        start += test.size


def test_best_threshold_breaks_ties_towards_default():
    scores = np.array([-2.0, -1.0, 1.0, 2.0])
    positive = np.array([False, False, True, True])
    t, bacc = best_threshold(scores, positive, 0.0)
    assert bacc == 1.0 and t == 0.0


@pytest.mark.parametrize("minority", [0, 1])
def test_predict_proba_sums_to_one_and_is_monotone(small, minority):
    X, y = small
    y = y if minority == 1 else 1 - y          # minority is classes_[minority]
    m = KOTARO(random_state=0).fit(X, y)
    assert m.positive_class_ == minority
    rng = np.random.default_rng(1)
    Q = np.vstack([X, X + rng.normal(scale=0.5, size=X.shape)])
    s = m.decision_function(Q)
    p = m.predict_proba(Q)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all((p >= 0) & (p <= 1))
    order = np.argsort(s)
    assert np.all(np.diff(p[order, 1]) >= -1e-12)
    np.testing.assert_array_equal(m.predict(Q), m.classes_[(s > 0).astype(int)])
    # decision_function is positive for classes_[1], whichever class is the minority
    f = m.kernel_expansion(Q)
    np.testing.assert_array_equal(m.predict(Q) == minority, f > m.threshold_)


@pytest.mark.parametrize("minority", [0, 1])
def test_predict_proba_argmax_equals_predict_on_blobs(minority):
    X, y = _check_blobs()
    y = y if minority == 1 else 1 - y
    m = KOTARO().fit(X, y)
    assert np.mean(m.predict(X) == y) == 1.0
    p = m.predict_proba(X)
    np.testing.assert_array_equal(m.classes_[p.argmax(axis=1)], m.predict(X))
    # strictly increasing in the decision value: the ranking (ROC AUC) is kept
    s = m.decision_function(X)
    order = np.argsort(s)
    assert np.all(np.diff(p[order, 1])[np.diff(s[order]) > 0] > 0)


def test_predict_proba_argmax_equals_predict_on_yeast4():
    X, y = load_dataset("yeast4")
    m = KOTARO().fit(X, y)
    Q = np.vstack([X, X + np.random.default_rng(0).normal(scale=0.05, size=X.shape)])
    pred = m.predict(Q)
    assert 0 < np.mean(pred == m.positive_class_) < 0.5
    np.testing.assert_array_equal(m.classes_[m.predict_proba(Q).argmax(axis=1)], pred)


def test_probability_is_one_half_exactly_at_the_threshold():
    s = np.array([-1.0, -1e-300, 0.0, 1e-300, 5e-324, 1.0, 1e300])
    p = calibration_curve_values(s, MIN_SLOPE, 1.0)
    assert p[2] == 0.5 and p[0] < 0.5 and np.all(p[:3] <= 0.5) and np.all(p[3:] > 0.5)
    assert np.all(1.0 - p[3:] < 0.5) and np.all(np.diff(p) >= 0)


def test_calibration_slope_on_separated_and_uninformative_scores():
    rng = np.random.default_rng(0)
    # perfectly separated held-out values, with a few huge ones: no collapse to 0.5
    s = np.r_[rng.uniform(-1.5, -0.2, 200), -3000.0, rng.uniform(0.2, 1.5, 20), 4000.0]
    is1 = s > 0
    a = fit_calibration(s, is1, 1.0)
    p = calibration_curve_values(s, a, 1.0)
    assert a > 3.0
    assert p[is1].min() > 0.6 and p[~is1].max() < 0.4
    # values that carry no information: the smallest slope, still strictly monotone
    s = rng.normal(size=300)
    assert fit_calibration(s, rng.random(300) < 0.3, 1.0) >= MIN_SLOPE
    assert fit_calibration(s, s < 0, 1.0) == MIN_SLOPE


def test_separable_classes_give_confident_probabilities():
    X, y = make_blobs(n_samples=[160, 40], centers=[[0.0] * 5, [8.0] * 5], random_state=0)
    m = KOTARO(random_state=0).fit(X, y)
    assert m.validation_balanced_accuracy_ == 1.0
    p = m.predict_proba(X)[:, 1]
    assert m.calibration_coef_ > 2.0
    assert p[y == 1].min() > 0.75 and p[y == 0].max() < 0.25


def test_probabilities_calibrated_like_sklearn_on_held_out_rows():
    X, y = make_classification(n_samples=900, n_features=8, n_informative=4, weights=[0.88],
                               flip_y=0.02, random_state=11)
    train, test = next(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    m = KOTARO(random_state=0).fit(X[train], y[train])
    p = m.predict_proba(X[test])
    # scikit-learn's Platt scaling of the same kernel expansion, on out-of-fold values,
    # fitted for equal class priors (the prior of the balanced-accuracy threshold)
    ref = CalibratedClassifierCV(KOTARO(threshold=0.0, calibration=None), method="sigmoid",
                                 cv=StratifiedKFold(5, shuffle=True, random_state=0),
                                 ensemble=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KOTARO.fit has no sample_weight
        ref.fit(X[train], y[train], sample_weight=compute_sample_weight("balanced", y[train]))
    p_ref = ref.predict_proba(X[test])
    ours, theirs = balanced_brier(y[test], p), balanced_brier(y[test], p_ref)
    assert ours <= theirs + 0.01               # 0.118 and 0.115 when written
    # calibration in the large under equal priors: the balanced-weighted mean probability
    # of classes_[1] (ideally the weighted share, one half) is as close as scikit-learn's
    w = compute_sample_weight("balanced", y[test])
    mean, mean_ref = np.average(p[:, 1], weights=w), np.average(p_ref[:, 1], weights=w)
    assert abs(mean - 0.5) < abs(mean_ref - 0.5) + 0.05   # 0.408 and 0.426 when written
    np.testing.assert_array_equal(m.classes_[p.argmax(axis=1)], m.predict(X[test]))


def test_no_predict_proba_without_calibration(small):
    X, y = small
    m = KOTARO(calibration=None, random_state=0).fit(X, y)
    assert not hasattr(m, "predict_proba")


def test_sparse_solver_with_all_neighbours_matches_exact(small):
    X, y = small
    n = len(y)
    Q = np.random.default_rng(2).normal(size=(50, X.shape[1]))
    for orientation in ("column_centre", "row_centre"):
        kw = {"kernel_orientation": orientation, "random_state": 0}
        ex = KOTARO(solver="exact", **kw).fit(X, y)
        sp = KOTARO(solver="sparse", sparse_neighbors=n - 1, tol=1e-12, **kw).fit(X, y)
        assert sp.solver_ == "sparse" and sp.sparse_neighbors_ == n - 1
        np.testing.assert_allclose(sp.gamma_, ex.gamma_)
        np.testing.assert_allclose(sp.validation_scores_, ex.validation_scores_, atol=1e-5)
        assert sp.threshold_ == pytest.approx(ex.threshold_, abs=1e-5)
        np.testing.assert_allclose(sp.kernel_expansion(Q), ex.kernel_expansion(Q), atol=1e-5)
        np.testing.assert_allclose(sp.kernel_expansion(X), ex.kernel_expansion(X), atol=1e-5)


def test_sparse_solver_is_close_to_exact_when_truncated():
    X, y = make_classification(n_samples=600, n_features=10, weights=[0.9], random_state=4)
    ex = KOTARO(solver="exact", **FIXED).fit(X[:400], y[:400])
    sp = KOTARO(solver="sparse", tol=1e-10, **FIXED).fit(X[:400], y[:400])
    assert sp.sparse_neighbors_ == default_sparse_neighbors(6) == 32
    fe, fs = ex.decision_function(X[400:]), sp.decision_function(X[400:])
    assert np.corrcoef(fe, fs)[0, 1] > 0.9
    assert np.mean((fe > 0) == (fs > 0)) > 0.95
    # the truncated form interpolates too: fit and prediction use the same neighbour rule
    np.testing.assert_allclose(sp.kernel_expansion(X[:400]),
                               np.where(y[:400] == sp.positive_class_, 1.0, -1.0), atol=1e-5)


def test_auto_solver_switch_warns(small):
    X, y = small
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert KOTARO(**FIXED).fit(X, y).solver_ == "exact"
        # an explicit choice of the truncated form is not warned about
        assert KOTARO(solver="sparse", **FIXED).fit(X, y).solver_ == "sparse"
    with pytest.warns(SynthaugWarning, match=r"switches .*solver='exact'") as rec:
        m = KOTARO(max_exact=50, **FIXED).fit(X, y)
    assert m.solver_ == "sparse" and m.sparse_neighbors_ == 32
    assert "120 training rows > max_exact=50" in str(rec[0].message)


def test_deterministic_under_random_state(small):
    X, y = small
    a = KOTARO(random_state=7).fit(X, y)
    b = KOTARO(random_state=7).fit(X, y)
    np.testing.assert_array_equal(a.validation_indices_, b.validation_indices_)
    assert a.threshold_ == b.threshold_
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = KOTARO(random_state=8).fit(X, y)
    assert not np.array_equal(a.validation_indices_, c.validation_indices_)


@pytest.mark.parametrize("cv", [5, None])
def test_random_state_none_is_reproducible(cv):
    X, y = load_dataset("ecoli1")
    a = KOTARO(cv=cv).fit(X, y)
    b = KOTARO(cv=cv).fit(X, y)
    assert a.threshold_ == b.threshold_
    Q = X + np.random.default_rng(0).normal(scale=0.05, size=X.shape)
    np.testing.assert_array_equal(a.predict(Q), b.predict(Q))
    # None is the fixed default split, seed 0
    assert KOTARO(cv=cv, random_state=0).fit(X, y).threshold_ == a.threshold_


def test_threshold_is_stable_across_fold_splits():
    X, y = load_dataset("ecoli4")
    train, test = next(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))

    def spread(**kw):
        fits = [KOTARO(random_state=s, **kw).fit(X[train], y[train]) for s in range(6)]
        thr = np.array([m.threshold_ for m in fits])
        preds = [m.predict(X[test]) for m in fits]
        agree = min(np.mean(a == b) for a, b in itertools.combinations(preds, 2))
        return thr.std(), agree

    std, agree = spread()
    old_std, old_agree = spread(cv=None, threshold_smoothing=0.0)  # the former default
    assert std < 0.06 and agree > 0.95     # 0.036 and 0.973 when written
    assert std < 0.5 * old_std and agree > old_agree + 0.05   # 0.327 and 0.839


def test_cross_fitting_covers_every_row_once(small):
    X, y = small
    m = KOTARO(cv=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(np.sort(m.validation_indices_), np.arange(len(y)))
    assert np.isfinite(m.validation_scores_).all()


def test_clone_get_params_and_pickle(small):
    X, y = small
    m = KOTARO(n_neighbors=4, bandwidth_rule="inv_dist_sq", threshold=0.1, cv=3,
               random_state=3)
    c = clone(m)
    assert c.get_params() == m.get_params()
    assert not hasattr(c, "classes_")
    c.set_params(label_coding="01", threshold="auto")
    assert c.get_params()["label_coding"] == "01"
    m.fit(X, y)
    restored = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(restored.decision_function(X), m.decision_function(X))


def test_labels_and_frames_round_trip(small):
    X, y = small
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = np.where(y == 1, "rare", "common")
    m = KOTARO(random_state=0).fit(frame, pd.Series(labels))
    assert list(m.classes_) == ["common", "rare"] and m.positive_class_ == "rare"
    assert m.n_features_in_ == X.shape[1]
    assert list(m.feature_names_in_) == list(frame.columns)
    assert set(m.predict(frame)) <= {"common", "rare"}


def test_inv_dist_sq_is_scale_invariant_without_standardisation(small):
    X, y = small
    kw = {"bandwidth_rule": "inv_dist_sq", "standardize": False, "random_state": 0}
    a = KOTARO(**kw).fit(X, y)
    b = KOTARO(**kw).fit(10.0 * X, y)
    np.testing.assert_allclose(a.kernel_expansion(X), b.kernel_expansion(10.0 * X),
                               atol=1e-7)
    np.testing.assert_array_equal(a.predict(X), b.predict(10.0 * X))


# in 5-D the kernels are wide relative to the truncation, so the sparse form warns that
# GMRES fell back to damped least squares; it must still classify well
@pytest.mark.filterwarnings("ignore:KOTARO. GMRES:synthaug.exceptions.SynthaugWarning")
def test_better_than_chance_on_imbalanced_problem():
    rng = np.random.default_rng(0)
    n_maj, n_min = 1000, 50
    X = np.vstack([rng.normal(0, 1, (n_maj, 5)), rng.normal(2.0, 1, (n_min, 5))])
    y = np.r_[np.zeros(n_maj, int), np.ones(n_min, int)]
    Xt = np.vstack([rng.normal(0, 1, (2000, 5)), rng.normal(2.0, 1, (100, 5))])
    yt = np.r_[np.zeros(2000, int), np.ones(100, int)]
    for solver in ("exact", "sparse"):
        m = KOTARO(solver=solver, random_state=0).fit(X, y)
        assert balanced_accuracy_score(yt, m.predict(Xt)) > 0.7


# --------------------------------------------------------------------------- robustness
def test_exact_solve_raises_the_ridge_on_a_singular_system():
    rng = np.random.default_rng(1)
    X = np.repeat(rng.normal(size=(10, 2)), 3, axis=0)
    y = np.tile([0, 0, 1], 10)
    with pytest.warns(SynthaugWarning, match="ridge"):
        m = KOTARO(solver="exact", ridge=0.0, **FIXED).fit(X, y)
    assert m.solver_info_["ridge"] > 0
    assert np.isfinite(m.dual_coef_).all()


def test_tiny_minority_warns_and_stays_finite():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3))
    y = np.zeros(40, int)
    y[0] = 1
    with pytest.warns(SynthaugWarning, match="too few"):
        m = KOTARO(random_state=0).fit(X, y)
    assert m.threshold_ == 0.0 and m.validation_scores_.size == 0
    assert np.isfinite(m.predict_proba(X)).all()


def test_sparse_fallback_warns_when_gmres_fails():
    X, y = make_classification(n_samples=300, n_features=20, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = KOTARO(solver="sparse", bandwidth_rule="inv_dist_sq", max_iter=20,
                   tol=1e-12, **FIXED).fit(X, y)
    assert any(issubclass(w.category, SynthaugWarning) for w in caught)
    assert m.solver_info_["method"] in ("gmres", "lsmr")
    assert np.isfinite(m.decision_function(X)).all()


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_non_finite_features_are_rejected(small, bad):
    X, y = small
    X = X.copy()
    X[3, 1] = np.nan if bad == "nan" else np.inf
    with pytest.raises(InvalidInputError, match="NaN"):
        KOTARO().fit(X, y)


def test_input_errors(small):
    X, y = small
    with pytest.raises(InvalidInputError, match="at least 2 classes"):
        KOTARO().fit(X, np.zeros(len(y)))
    with pytest.raises(InvalidInputError, match="binary"):
        KOTARO().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(NotEnoughSamplesError, match="n_neighbors"):
        KOTARO(n_neighbors=6).fit(X[:6], [0, 1, 0, 1, 0, 1])
    with pytest.raises(InvalidInputError, match="rows"):
        KOTARO().fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        KOTARO().predict(X)
    m = KOTARO(**FIXED).fit(X, y)
    with pytest.raises(InvalidInputError, match="features"):
        m.predict(X[:, :2])


@pytest.mark.parametrize("params", [
    {"bandwidth_rule": "gauss"}, {"scale_stat": "median"}, {"label_coding": "pm"},
    {"threshold": "best"}, {"threshold": float("nan")}, {"kernel_orientation": "rows"},
    {"ridge": -1.0}, {"solver": "cg"}, {"max_exact": 0}, {"sparse_neighbors": 2},
    {"validation_fraction": 1.0}, {"cv": 1}, {"calibration": "isotonic"}, {"tol": 0.0},
    {"threshold_smoothing": -1.0}, {"threshold_smoothing": float("inf")},
    {"max_iter": 0}, {"standardize": "yes"},
])
def test_parameter_errors(small, params):
    X, y = small
    with pytest.raises(InvalidParameterError):
        KOTARO(**params).fit(X, y)


def test_exact_solver_above_max_exact_warns(small):
    X, y = small
    with pytest.warns(SynthaugWarning, match="dense"):
        KOTARO(solver="exact", max_exact=50, **FIXED).fit(X, y)


def test_restricted_neighbour_lists_equal_a_fresh_search():
    from synthaug.classifiers._kernel_solvers import restrict_neighbors
    from synthaug.neighbors import kneighbors

    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 3))
    member = rng.random(200) < 0.5
    ind, dist = kneighbors(X, 8, return_distance=True)   # short lists: some rows lack members
    sub = np.flatnonzero(member)
    out = np.flatnonzero(~member)
    k = 5
    ti, td = restrict_neighbors(X, ind, dist, sub, member, k, rows_are_members=True)
    ri, rd = kneighbors(X[member], k, return_distance=True)
    np.testing.assert_array_equal(ti, ri)
    np.testing.assert_allclose(td, rd)
    qi, qd = restrict_neighbors(X, ind, dist, out, member, k + 1, rows_are_members=False)
    ri, rd = kneighbors(X[member], k + 1, X[~member], return_distance=True)
    np.testing.assert_array_equal(qi, ri)
    np.testing.assert_allclose(qd, rd)


@pytest.mark.parametrize("solver", ["exact", "sparse"])
def test_prediction_in_blocks_equals_one_block(small, monkeypatch, solver):
    import synthaug.classifiers._kernel_solvers as ks
    import synthaug.classifiers.kotaro as ko

    X, y = small
    m = KOTARO(solver=solver, kernel_orientation="row_centre", random_state=0).fit(X, y)
    Q = np.random.default_rng(5).normal(size=(37, X.shape[1]))
    whole = m.decision_function(Q)
    monkeypatch.setattr(ko, "QUERY_BLOCK", 5)
    monkeypatch.setattr(ks, "DENSE_BLOCK", 3 * len(y))
    np.testing.assert_allclose(m.decision_function(Q), whole, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- conformance
# scikit-learn's estimator checks run on KOTARO from tests/test_conformance.py.


def test_tags_declare_binary_only():
    tags = KOTARO().__sklearn_tags__()
    assert tags.classifier_tags.multi_class is False
    assert tags.estimator_type == "classifier"
