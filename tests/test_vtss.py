import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from synthaug.diagnostics import (
    alignment,
    generator_quality,
    score_model,
    symmetry_test,
    theory_target,
)
from synthaug.diagnostics._linalg import regularised_inverse
from synthaug.exceptions import InvalidInputError, InvalidParameterError, SynthaugWarning
from synthaug.generators import GaussianGenerator, SMOTEGenerator
from synthaug.sampler import Oversampler
from synthaug.search import TGVTSS, VTSS
from synthaug.search.vtss import split_columns


def _mixture(n0, n1, seed):
    """E4-style data: majority N(0, I); minority a two-component mixture (d = 5)."""
    rng = np.random.default_rng(seed)
    X0 = rng.normal(size=(n0, 5))
    X1 = rng.normal(size=(n1, 5))
    X1[:, 0] += 2.0
    X1[:, 1] += np.where(rng.integers(0, 2, n1) == 1, 1.75, -1.75)
    return np.vstack([X0, X1]), np.r_[np.zeros(n0, int), np.ones(n1, int)]


def test_theory_target_worked_example():
    gap = 3800
    assert theory_target(gap, (4 / 3, 0.0), (0.5, 0.0)) == pytest.approx(4 * gap, rel=1e-12)
    assert theory_target(gap, (1.0, 0.0), (0.6, 0.0)) is None  # 1 - 1.2 < 0
    assert theory_target(0, (1.0, 0.0), (0.6, 0.0)) == 0.0
    assert theory_target(gap, (0.0, 0.0), (0.6, 0.0)) is None
    assert alignment((1, 0), (0, 2)) == pytest.approx(0.0)
    assert alignment((1, 1), (2, 2)) == pytest.approx(1.0)


def test_balancing_floor_of_the_worked_example():
    """Population augmented fit at n_tilde = D for the 2-D example: excess risk 0.0162."""
    mu, nu = np.array([1.0, 0.0]), np.array([0.5, 0.0])
    n1 = 1.0
    n0, D = 20 * n1, 19 * n1
    # minimise n0 E0 + n1 E1 + D Esyn of (x theta - y)^2 with identity covariances
    A = (n0 + n1 + D) * np.eye(2) + n1 * np.outer(mu, mu) + D * np.outer(nu, nu)
    b = n1 * mu + D * nu
    theta = np.linalg.solve(A, b)
    np.testing.assert_allclose(theta, [21 / 91.5, 0])

    def r_bal(t):  # half majority risk + half minority risk
        return 0.5 * (t @ t) + 0.5 * ((mu @ t - 1) ** 2 + t @ t)

    theta_star = mu / (mu @ mu + 2)
    np.testing.assert_allclose(theta_star, [1 / 3, 0])
    assert r_bal(theta) - r_bal(theta_star) == pytest.approx(0.0162, abs=1e-4)


def test_logistic_scores_match_sklearn_gradient():
    X, y = _mixture(300, 60, 1)
    est = LogisticRegression(C=1e6, max_iter=2000).fit(X, y)
    model = score_model(est)
    assert model.n_params == 6
    s = model.scores(X, y.astype(float))
    # at the unpenalised optimum the mean score is ~0
    np.testing.assert_allclose(s.mean(0), 0, atol=1e-4)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    z = score_model(pipe).design(X)
    np.testing.assert_allclose(z[:, :-1], StandardScaler().fit_transform(X))


def test_mlp_last_layer_scores():
    X, y = _mixture(200, 50, 2)
    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2000, random_state=0).fit(X, y)
    model = score_model(mlp)
    assert model.n_params == 9
    _, r, _ = model._residual_and_curvature(X, y.astype(float))
    np.testing.assert_allclose(r + y, mlp.predict_proba(X)[:, 1], atol=1e-8)


def test_unsupported_model_is_named():
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier has no supported"):
        score_model(KNeighborsClassifier().fit([[0], [1]], [0, 1]))
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier has no supported"):
        TGVTSS(LogisticRegression(), SMOTEGenerator(),
               diagnostic_estimator=KNeighborsClassifier()).fit(*_mixture(100, 20, 0))
    with pytest.raises(InvalidParameterError, match="has no predict_proba"):
        VTSS(SVC(), SMOTEGenerator()).fit(*_mixture(100, 20, 0))


def test_asymmetry_detected_on_the_mixture_design():
    X, y = _mixture(4000, 200, 666)
    test = symmetry_test(LogisticRegression(C=1e6, max_iter=1000), X, y)
    assert test.df == 6 and test.cutoff == pytest.approx(12.5916, abs=1e-3)
    assert test.regime == "local asymmetry" and test.statistic > 10 * test.cutoff
    q = generator_quality(LogisticRegression(C=1e6, max_iter=1000), SMOTEGenerator(), X, y,
                          cv=3, random_state=0)
    assert 1 < q.gqs < 30  # the reference runs: median 7.7, range 3.3-13.7
    assert 0 < alignment(test.g_phi, q.g_psi) < 1


def _e7_null(n1, ratio, d, rng):
    b = (5 - np.sqrt(21)) / 2
    s3 = np.sqrt(3)
    U0 = rng.uniform(-s3, s3, size=(n1 * ratio, d))
    U0[:, 0] *= 2
    X0 = U0 - np.eye(d)[0]
    X1 = rng.uniform(-s3, s3, size=(n1, d)) + b * np.eye(d)[0]
    return np.vstack([X0, X1]), np.r_[np.zeros(n1 * ratio, int), np.ones(n1, int)]


@pytest.mark.slow
def test_symmetry_test_is_calibrated_at_the_null():
    rng = np.random.default_rng(7)
    reps = 300
    rejections = sum(
        not symmetry_test(LinearRegression(fit_intercept=False), *_e7_null(500, 5, 2, rng),
                          centered=True).symmetric
        for _ in range(reps))
    rate = rejections / reps
    assert 0.02 <= rate <= 0.09, rate  # nominal 0.05; binomial sd ~ 0.013


def test_regularised_inverse_warns_on_singular():
    M = np.array([[1.0, 1.0], [1.0, 1.0]])
    with pytest.warns(SynthaugWarning, match="singular"):
        inv = regularised_inverse(M)
    assert np.isfinite(inv).all()


def test_vtss_search_nested_prefixes_and_refit():
    X, y = _mixture(600, 40, 3)
    search = VTSS(LogisticRegression(max_iter=1000), SMOTEGenerator(), gammas=[0, 0.5, 1, 2],
                  cv=3, random_state=0).fit(X, y)
    res = search.cv_results_
    assert split_columns(res, "loss").shape == (4, 3)
    table = pd.DataFrame(res)  # 1-D columns, as GridSearchCV's
    assert table.shape == (4, 5 + 2 * 3)
    assert table.loc[table["rank_loss"] == 1, "size"].item() == search.best_size_
    assert list(res["size"]) == [0, 280, 560, 1120]
    assert search.best_gamma_ in (0, 0.5, 1, 2)
    assert search.best_size_ == res["size"][np.argmin(res["mean_loss"])]
    # per-fold sizes are rescaled to the fold's own gap
    fold_sizes = split_columns(res, "size")
    assert (fold_sizes[2] < 560).all() and (fold_sizes[2] > 300).all()
    # best_sampler_ reproduces the chosen size on the full data
    assert isinstance(search.best_sampler_, Oversampler)
    _, y_res = clone(search.best_sampler_).fit_resample(X, y)
    assert (y_res == 1).sum() - 40 == search.best_size_
    assert search.predict_proba(X).shape == (len(y), 2)
    again = VTSS(LogisticRegression(max_iter=1000), SMOTEGenerator(), gammas=[0, 0.5, 1, 2],
                 cv=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(split_columns(again.cv_results_, "loss"),
                                  split_columns(res, "loss"))
    fig = search.plot()
    assert fig.axes


def test_tgvtss_candidates_follow_the_diagnostics():
    X, y = _mixture(2000, 100, 666)
    tg = TGVTSS(LogisticRegression(C=1e6, max_iter=1000), GaussianGenerator(), cv=3,
                random_state=0).fit(X, y)
    diag = tg.diagnostics_
    gap = 1900
    assert diag["regime"] == "local asymmetry"
    cands = diag["candidates"]
    if diag["quality"]["label"] == "biased":
        assert cands == sorted({int(np.floor(g * gap + 0.5)) for g in np.arange(0, 2.0001, 0.05)})
    else:
        assert min(cands) <= int(0.8 * gap) + 1
    assert tg.best_size_ in cands


def test_tgvtss_coarse_grid_spans_the_same_ranges():
    from synthaug.search.vtss import TG_GRIDS

    for fine, coarse in zip(TG_GRIDS["fine"], TG_GRIDS["coarse"], strict=True):
        assert (min(fine), max(fine)) == (min(coarse), max(coarse))
        assert len(coarse) < len(fine)
    X, y = _mixture(400, 40, 1)
    with pytest.raises(InvalidParameterError, match="grid"):
        TGVTSS(LogisticRegression(), SMOTEGenerator(), grid="medium").fit(X, y)


def test_multiclass_and_balanced_inputs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    with pytest.warns(SynthaugWarning, match="already balanced"):
        VTSS(LogisticRegression(), SMOTEGenerator()).fit(X, np.repeat([0, 1, 2], 30))
    with pytest.raises(InvalidInputError, match="only 1 class"):
        VTSS(LogisticRegression(), SMOTEGenerator()).fit(X, np.zeros(90, dtype=int))
    with pytest.warns(SynthaugWarning, match="already balanced"):
        s = VTSS(LogisticRegression(), SMOTEGenerator()).fit(X[:60], np.repeat([0, 1], 30))
    assert s.best_size_ == 0


def test_warm_start_only_for_convex_models():
    from synthaug.search.vtss import _warm_start_param

    assert _warm_start_param(LogisticRegression()) == "warm_start"
    assert _warm_start_param(make_pipeline(StandardScaler(), LogisticRegression())) == (
        "logisticregression__warm_start")
    assert _warm_start_param(MLPClassifier()) is None


def test_search_package_and_the_older_spelling_agree():
    import synthaug.search
    import synthaug.sizing

    assert synthaug.sizing.VTSS is synthaug.search.VTSS
    assert synthaug.sizing.TGVTSS is synthaug.search.TGVTSS


def test_diagnostics_refuse_unsupported_models_before_fitting():
    from synthaug.diagnostics import generator_quality, symmetry_test

    X, y = _mixture(300, 40, 0)
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier())
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier has no supported"):
        symmetry_test(knn, X, y)
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier has no supported"):
        generator_quality(knn, SMOTEGenerator(), X, y)
