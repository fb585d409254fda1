import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone

from synthaug._random import chunk_streams, to_entropy
from synthaug.datasets import simulations as S
from synthaug.exceptions import DataTypeError, InvalidParameterError
from synthaug.generators import (
    OracleGenerator,
    SemiOracleGenerator,
    ShiftedGaussianGenerator,
)
from synthaug.generators.simulation import log_shrinkage

# Every design, with sizes small enough for a quick run.
DESIGNS = {
    "E1-cube": lambda rs, **kw: S.make_mean_shift("cube", n0=300, n1=30, random_state=rs, **kw),
    "E1-rademacher": lambda rs, **kw: S.make_mean_shift("rademacher", n0=300, n1=30,
                                                         random_state=rs, **kw),
    "E1-sphere": lambda rs, **kw: S.make_mean_shift("sphere", n0=300, n1=30, random_state=rs,
                                                     **kw),
    "E1b": lambda rs, **kw: S.make_symmetric_logistic(n_train=800, random_state=rs, **kw),
    "E2": lambda rs, **kw: S.make_aligned_2d("biased", n1=20, random_state=rs, **kw),
    "E3": lambda rs, **kw: S.make_aligned_2d("realistic", n1=20, random_state=rs, **kw),
    "E4": lambda rs, **kw: S.make_linear_mixture(n0=400, n1=20, random_state=rs, **kw),
    "E5": lambda rs, **kw: S.make_ring(n0=400, n1=20, random_state=rs, **kw),
    "E6": lambda rs, **kw: S.make_heavy_tailed(n0=200, n1=25, random_state=rs, **kw),
    "E7-null": lambda rs, **kw: S.make_symmetry_null(n1=50, ratio=5, random_state=rs, **kw),
    "E7-alt": lambda rs, **kw: S.make_symmetry_test(n1=50, ratio=5, h=3.0, random_state=rs,
                                                    **kw),
}
DIMS = {"E1-cube": 20, "E1-rademacher": 20, "E1-sphere": 20, "E1b": 20, "E2": 2, "E3": 2,
        "E4": 5, "E5": 5, "E6": 10, "E7-null": 5, "E7-alt": 5}


def balanced_least_squares(X, y, target):
    """Minimiser of 1/2 mean_{y=0} (x'theta - t)^2 + 1/2 mean_{y=1} (x'theta - t)^2."""
    w = np.where(y == 1, 0.5 / np.sum(y == 1), 0.5 / np.sum(y == 0))
    A = (X * w[:, None]).T @ X
    return np.linalg.solve(A, (X * w[:, None]).T @ target)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_shapes_labels_and_balance(name):
    sim = DESIGNS[name](0, n_test=150)
    d = DIMS[name]
    assert sim.X_train.shape == (len(sim.y_train), d)
    assert set(np.unique(sim.y_train)) == {0, 1}
    assert sim.n0 > sim.n1 >= 2 and sim.gap == sim.n0 - sim.n1
    assert np.all(np.diff(sim.y_train) >= 0)  # majority first
    assert sim.X_test.shape == (300, d)
    np.testing.assert_array_equal(np.bincount(sim.y_test), [150, 150])
    assert np.isfinite(sim.X_train).all() and np.isfinite(sim.X_test).all()
    rng = np.random.default_rng(0)
    assert sim.minority_law(7, rng).shape == (7, d)
    assert sim.majority_law(7, rng).shape == (7, d)
    if sim.noise_law is not None:
        assert sim.noise_law(7, rng).shape == (7, d)
    if sim.theta_star is not None:
        assert sim.theta_star.shape == (d,)
    assert sim.description.startswith(name.split("-")[0])


@pytest.mark.parametrize("name", list(DESIGNS))
def test_deterministic_under_random_state(name):
    a, b, c = (DESIGNS[name](s, n_test=40) for s in (5, 5, 6))
    for attr in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
    assert not np.array_equal(a.X_test, c.X_test)
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    np.testing.assert_array_equal(DESIGNS[name](g1, n_test=10).X_train,
                                  DESIGNS[name](g2, n_test=10).X_train)


def test_streams_are_separate():
    small = S.make_mean_shift(n0=50, n1=5, n_test=20, random_state=1)
    large = S.make_mean_shift(n0=50, n1=9, n_test=20, random_state=1)
    np.testing.assert_array_equal(small.X_test, large.X_test)
    np.testing.assert_array_equal(small.X_train[:50], large.X_train[:50])
    np.testing.assert_array_equal(small.X_train[50:], large.X_train[50:55])
    assert S.make_mean_shift(n0=3, n1=2, n_test=0, random_state=0).X_test.shape == (0, 20)


def test_worked_example_theta_star():
    sim = S.make_aligned_2d("biased", n1=10, n_test=100_000, random_state=3)
    np.testing.assert_allclose(sim.theta_star, [1 / 3, 0.0])
    np.testing.assert_allclose(sim.params["g_phi"], [4 / 3, 0.0])
    np.testing.assert_allclose(sim.params["g_psi"], [0.5, 0.0])
    np.testing.assert_allclose(sim.params["generator_mean"], [0.5, 0.0])
    assert sim.n0 == 200
    theta = balanced_least_squares(sim.X_test, sim.y_test, sim.y_test.astype(float))
    np.testing.assert_allclose(theta, [1 / 3, 0.0], atol=0.01)


def test_realistic_generator_mean():
    sim = S.make_aligned_2d("realistic", n1=100, n_test=0, random_state=0)
    m = 1 - 1 / math.sqrt(math.log(100))
    np.testing.assert_allclose(sim.params["generator_mean"], [m, 0.0])
    assert log_shrinkage(100) == pytest.approx(m)


@pytest.mark.parametrize("noise", ["cube", "rademacher", "sphere", "gaussian"])
def test_noise_moments(noise):
    d = 4
    x = S.NoiseLaw(noise, d)(200_000, np.random.default_rng(0))
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=0.015)
    np.testing.assert_allclose(np.cov(x, rowvar=False), np.eye(d), atol=0.02)
    np.testing.assert_allclose(np.mean(x ** 3, axis=0), 0.0, atol=0.05)  # symmetric
    if noise == "cube":
        assert np.abs(x).max() <= math.sqrt(3)
    elif noise == "rademacher":
        assert set(np.unique(x)) == {-1.0, 1.0}
    elif noise == "sphere":
        np.testing.assert_allclose(np.linalg.norm(x, axis=1), math.sqrt(d))


def test_mean_shift_theta_star():
    sim = S.make_mean_shift("rademacher", n0=10, n1=5, n_test=50_000, random_state=0)
    np.testing.assert_allclose(sim.theta_star, 0.5 * np.eye(20)[0])
    assert sim.loss == "squared_pm1"
    theta = balanced_least_squares(sim.X_test, sim.y_test, 2.0 * sim.y_test - 1.0)
    np.testing.assert_allclose(theta, sim.theta_star, atol=0.015)


def test_symmetric_logistic_is_locally_symmetric():
    sim = S.make_symmetric_logistic(n_train=5000, n_test=60_000, random_state=0)
    assert sim.params["alpha"] == pytest.approx(0.855, abs=1e-3)
    assert 0.09 < sim.n1 / 5000 < 0.13
    theta = sim.theta_star
    np.testing.assert_array_equal(theta, np.eye(20)[0])
    for k in (0, 1):
        X = sim.X_test[sim.y_test == k]
        p = 1 / (1 + np.exp(-X @ theta))
        grad = ((p - k)[:, None] * X).mean(axis=0)
        # the class gradients vanish at theta* (Monte Carlo error ~ 0.02 per coordinate)
        np.testing.assert_allclose(grad, 0.0, atol=0.03)
    # the shifted nuisance coordinates are bimodal with mean zero
    X1 = sim.minority_law(50_000, np.random.default_rng(1))
    np.testing.assert_allclose(X1[:, 1:4].mean(axis=0), 0.0, atol=0.05)
    assert np.abs(X1[:, 1]).mean() > 2.0
    np.testing.assert_allclose(X1.mean(axis=0), sim.params["minority_mean"], atol=0.05)
    assert S.make_symmetric_logistic(alpha=0.5, n_train=200, n_test=0,
                                     random_state=0).theta_star is None


@pytest.mark.parametrize("h", [0.0, 3.0])
def test_symmetry_test_population_quantities(h):
    sim = S.make_symmetry_test(d=3, n1=500, ratio=20, h=h, n_test=100_000, random_state=2)
    b = sim.params["b"]
    n_eff = 500 * 10_000 / 10_500
    assert sim.params["n_eff"] == pytest.approx(n_eff)
    assert sim.params["g_phi"][0] * math.sqrt(n_eff) == pytest.approx(h, abs=1e-9)
    np.testing.assert_allclose(sim.theta_star, [(1 + b) / (2 * (6 + b * b)), 0, 0])
    target = sim.y_test - 0.5
    theta = balanced_least_squares(sim.X_test, sim.y_test, target)
    np.testing.assert_allclose(theta, sim.theta_star, atol=0.01)
    scores = 2 * sim.X_test * (sim.X_test @ sim.theta_star - target)[:, None]
    g_hat = scores[sim.y_test == 0].mean(axis=0) - scores[sim.y_test == 1].mean(axis=0)
    np.testing.assert_allclose(g_hat, sim.params["g_phi"], atol=0.04)


def test_symmetry_null_and_location():
    b0 = (5 - math.sqrt(21)) / 2
    assert S.make_symmetry_null(n_test=0, random_state=0).params["b"] == pytest.approx(b0)
    assert S.symmetry_location(0.0) == pytest.approx(b0)
    for g in (-3.0, -2.0, -0.4, 0.2, 1.0):
        assert S.symmetry_g_phi(S.symmetry_location(g)) == pytest.approx(g)
    with pytest.raises(InvalidParameterError):
        S.symmetry_location(1.2)


@pytest.mark.parametrize("maker", [S.make_linear_mixture, S.make_ring])
def test_noise_law_is_centred_minority(maker):
    sim = maker(n0=20, n1=5, n_test=0, random_state=0)
    rng = np.random.default_rng(0)
    X1 = sim.minority_law(100_000, rng)
    np.testing.assert_allclose(X1.mean(axis=0), sim.params["minority_mean"], atol=0.02)
    np.testing.assert_allclose(sim.noise_law(100_000, rng).mean(axis=0), 0.0, atol=0.02)
    np.testing.assert_allclose(np.cov(X1, rowvar=False),
                               np.cov(sim.noise_law(100_000, rng), rowvar=False),
                               rtol=0.05, atol=0.03)


def test_heavy_tailed_marginals():
    sim = S.make_heavy_tailed(n0=50, n1=20, n_test=5000, random_state=0)
    assert (sim.X_test[:, 6:] > 0).all()  # lognormal block
    X0 = sim.X_test[sim.y_test == 0]
    assert np.abs(X0[:, :3]).max() > 15  # t(2.2) tails
    assert sim.theta_star is None and sim.noise_law is None


def test_invalid_parameters():
    with pytest.raises(InvalidParameterError):
        S.make_mean_shift("laplace")
    with pytest.raises(InvalidParameterError):
        S.make_aligned_2d("other")
    with pytest.raises(InvalidParameterError):
        S.make_linear_mixture(n1=-1)
    with pytest.raises(InvalidParameterError):
        S.make_aligned_2d(n1=1)


# ------------------------------------------------------------------ generators
@pytest.fixture(scope="module")
def e2():
    return S.make_aligned_2d("biased", n1=40, n_test=0, random_state=11)


def make_generators(sim):
    return [OracleGenerator(sim.minority_law), SemiOracleGenerator(sim.noise_law),
            ShiftedGaussianGenerator(mean=(0.5, 0.0))]


def test_oracle_matches_minority_law(e2):
    gen = OracleGenerator(e2.minority_law).fit(e2.X_train, e2.y_train, target_class=1)
    X = gen.sample(60_000, random_state=0)
    np.testing.assert_allclose(X.mean(axis=0), [1.0, 0.0], atol=0.02)
    np.testing.assert_allclose(np.cov(X, rowvar=False), np.eye(2), atol=0.03)
    sim = S.make_linear_mixture(n0=40, n1=10, n_test=0, random_state=0)
    gen = OracleGenerator(sim.minority_law).fit(sim.X_train, sim.y_train)
    X = gen.sample(60_000, random_state=1)
    np.testing.assert_allclose(X.mean(axis=0), [2, 0, 0, 0, 0], atol=0.03)
    assert np.var(X[:, 1]) == pytest.approx(1 + 1.75 ** 2, abs=0.1)


def test_semi_oracle_is_fitted_mean_plus_noise(e2):
    gen = SemiOracleGenerator(e2.noise_law).fit(e2.X_train, e2.y_train, target_class=1)
    fitted = e2.X_train[e2.y_train == 1].mean(axis=0)
    np.testing.assert_allclose(gen.mean_, fitted)
    n = gen.chunk_size + 10
    X = gen.sample(n, random_state=4)
    expected = np.vstack([e2.noise_law(gen.chunk_size, rng)[:stop - start]
                          for start, stop, rng in chunk_streams(to_entropy(4), n,
                                                                gen.chunk_size)])
    np.testing.assert_allclose(X, fitted + expected)


def test_shifted_gaussian_centres(e2):
    X1 = e2.X_train[e2.y_train == 1]
    gen = ShiftedGaussianGenerator(mean=(0.5, 0.0)).fit(e2.X_train, e2.y_train, target_class=1)
    np.testing.assert_array_equal(gen.mean_, [0.5, 0.0])
    X = gen.sample(60_000, random_state=0)
    np.testing.assert_allclose(X.mean(axis=0), [0.5, 0.0], atol=0.02)
    np.testing.assert_allclose(np.cov(X, rowvar=False), np.eye(2), atol=0.03)
    gen = ShiftedGaussianGenerator(mean=(1.0, 0.0), multiplier=log_shrinkage).fit(
        e2.X_train, e2.y_train, target_class=1)
    np.testing.assert_allclose(gen.mean_, [log_shrinkage(40), 0.0])
    gen = ShiftedGaussianGenerator(multiplier=0.5, shift=(0.0, 1.0), scale=(2.0, 0.5)).fit(
        e2.X_train, e2.y_train, target_class=1)
    np.testing.assert_allclose(gen.mean_, 0.5 * X1.mean(axis=0) + [0.0, 1.0])
    X = gen.sample(60_000, random_state=0)
    np.testing.assert_allclose(X.std(axis=0), [2.0, 0.5], rtol=0.02)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_generators_prefix_consistent_and_clone(e2, index):
    gen = make_generators(e2)[index]
    fitted = clone(gen).fit(e2.X_train, e2.y_train, target_class=1)
    big = fitted.sample(5000, random_state=7)
    assert big.shape == (5000, 2)
    for m in (0, 1, 4095, 4096, 4097):
        np.testing.assert_array_equal(fitted.sample(m, random_state=7), big[:m])
    assert not np.array_equal(fitted.sample(20, random_state=8), big[:20])
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.sample(100, random_state=7), big[:100])
    assert clone(gen).get_params().keys() == gen.get_params().keys()


def test_generator_errors(e2):
    with pytest.raises(InvalidParameterError):
        OracleGenerator().fit(e2.X_train, e2.y_train)
    with pytest.raises(InvalidParameterError):
        SemiOracleGenerator(S.NoiseLaw("gaussian", 3)).fit(e2.X_train, e2.y_train)
    with pytest.raises(InvalidParameterError):
        ShiftedGaussianGenerator(scale=-1.0).fit(e2.X_train, e2.y_train)
    with pytest.raises(ValueError):
        ShiftedGaussianGenerator(mean=(1.0, 2.0, 3.0)).fit(e2.X_train, e2.y_train)
    import pandas as pd

    frame = pd.DataFrame({"a": e2.X_train[:, 0],
                          "c": pd.Categorical(np.where(e2.X_train[:, 1] > 0, "u", "v"))})
    with pytest.raises(DataTypeError):
        OracleGenerator(e2.minority_law).fit(frame, e2.y_train)
