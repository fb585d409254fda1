import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
)
from synthaug.generators import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    GaussianGenerator,
    JitterGenerator,
    RandomGenerator,
    SMOTEGenerator,
)
from synthaug.neighbors import kneighbors

ALL = [
    RandomGenerator(),
    RandomGenerator(shrinkage=0.5),
    SMOTEGenerator(k_neighbors=3),
    BorderlineSMOTEGenerator(),
    BorderlineSMOTEGenerator(kind="borderline-2"),
    ADASYNGenerator(),
    GaussianGenerator(),
    JitterGenerator(),
    JitterGenerator(scale="class-std"),
    JitterGenerator(scale="knn"),
]


@pytest.fixture(scope="module")
def data():
    from sklearn.datasets import make_classification

    return make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.8], flip_y=0.05, class_sep=0.7, random_state=3)


@pytest.mark.parametrize("gen", ALL, ids=lambda g: repr(g))
def test_exact_counts_prefix_and_determinism(gen, data):
    X, y = data
    gen = clone(gen).fit(X, y, target_class=1)
    big = gen.sample(10_000, random_state=7)
    assert big.shape == (10_000, X.shape[1])
    for m in (0, 1, 5, 4095, 4096, 4097, 9999):
        np.testing.assert_array_equal(gen.sample(m, random_state=7), big[:m])
    np.testing.assert_array_equal(gen.sample(50, random_state=7), big[:50])
    assert not np.array_equal(gen.sample(50, random_state=8), big[:50])
    assert np.isfinite(big).all()


@settings(max_examples=25, deadline=None)
@given(m=st.integers(0, 3000), extra=st.integers(0, 3000), seed=st.integers(0, 2**32))
def test_prefix_consistency_property(m, extra, seed):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.r_[np.zeros(45, int), np.ones(15, int)]
    gen = SMOTEGenerator(k_neighbors=4).fit(X, y, target_class=1)
    np.testing.assert_array_equal(gen.sample(m, random_state=seed),
                                  gen.sample(m + extra, random_state=seed)[:m])


def test_own_random_state_is_the_default_seed(data):
    X, y = data
    gen = SMOTEGenerator(random_state=5).fit(X, y, target_class=1)
    np.testing.assert_array_equal(gen.sample(20), gen.sample(20, random_state=5))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 6))
def test_every_smote_point_lies_on_a_segment_to_a_neighbour(seed, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 3))
    y = (rng.random(80) < 0.25).astype(int)
    y[:k + 1] = 1
    gen = SMOTEGenerator(k_neighbors=k).fit(X, y, target_class=1)
    Xc = X[y == 1]
    new = gen.sample(200, random_state=seed)
    # For each new point, some (seed i, neighbour j) pair must contain it: x = xi + u(xj-xi)
    ok = np.zeros(len(new), bool)
    for i in range(len(Xc)):
        for j in gen.neighbors_[i]:
            d = Xc[j] - Xc[i]
            u = (new - Xc[i]) @ d / max(d @ d, 1e-300)
            resid = np.linalg.norm(new - (Xc[i] + u[:, None] * d), axis=1)
            ok |= (resid < 1e-9) & (u >= -1e-12) & (u <= 1 + 1e-12)
    assert ok.all()


def test_smote_neighbours_are_exact_and_within_class(data):
    X, y = data
    gen = SMOTEGenerator(k_neighbors=5).fit(X, y, target_class=1)
    Xc = X[y == 1]
    D = ((Xc[:, None, :] - Xc[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_array_equal(np.sort(gen.neighbors_, 1), np.sort(np.argsort(D, 1)[:, :5], 1))


def _danger_by_hand(X, y, m):
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    idx = np.flatnonzero(y == 1)
    nn = np.argsort(D[idx], axis=1, kind="stable")[:, :m]
    n_other = (y[nn] != 1).sum(1)
    return (n_other * 2 >= m) & (n_other < m), n_other == m


@pytest.mark.parametrize("kind", ["borderline-1", "borderline-2"])
def test_borderline_seeds_only_from_danger_set(data, kind):
    X, y = data
    gen = BorderlineSMOTEGenerator(kind=kind, m_neighbors=8).fit(X, y, target_class=1)
    danger, noise = _danger_by_hand(X, y, 8)
    np.testing.assert_array_equal(gen.danger_mask_, danger)
    np.testing.assert_array_equal(gen.noise_mask_, noise)
    assert danger.any() and not danger.all()
    np.testing.assert_array_equal(np.sort(gen.seeds_), np.flatnonzero(danger))
    # Every new point is within reach of a danger seed: on a segment from a danger row.
    Xc = X[y == 1]
    new = gen.sample(300, random_state=0)
    pool = Xc if kind == "borderline-1" else X
    ok = np.zeros(len(new), bool)
    for row, seed in enumerate(gen.seeds_):
        for p in gen.partners_[row]:
            d = pool[p] - Xc[seed]
            u = (new - Xc[seed]) @ d / max(d @ d, 1e-300)
            resid = np.linalg.norm(new - (Xc[seed] + u[:, None] * d), axis=1)
            hi = 1.0 if kind == "borderline-1" or y[p] == 1 else 0.5
            ok |= (resid < 1e-9) & (u >= -1e-12) & (u <= hi + 1e-12)
    assert ok.all()


@pytest.mark.parametrize("k", [1, 4, 9])
def test_other_class_votes_rank_ties_own_class_first(monkeypatch, k):
    import synthaug.neighbors as nb
    from synthaug.generators.smote import other_class_votes

    monkeypatch.setattr(nb, "COUNT_QUERY_BLOCK", 32)  # threaded, several blocks
    monkeypatch.setattr(nb, "COUNT_ROW_BLOCK", 50)
    rng = np.random.default_rng(7)
    X = rng.integers(0, 5, size=(400, 2)).astype(float)  # integer grid: ties everywhere
    y = (rng.random(400) < 0.3).astype(int)
    mask = y == 1
    Xc = X[mask]
    votes = other_class_votes(Xc, X[~mask], kneighbors(Xc, min(k, 3 * k)), k)
    D = ((Xc[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    D[np.arange(mask.sum()), np.flatnonzero(mask)] = np.inf     # the row itself
    expected = [np.sum(~mask[np.lexsort((~mask, row))[:k]]) for row in D]
    np.testing.assert_array_equal(votes, expected)


def test_borderline_without_danger_warns_and_still_returns_rows():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 0.1, (50, 2)), rng.normal(10, 0.1, (10, 2))]
    y = np.r_[np.zeros(50, int), np.ones(10, int)]
    with pytest.warns(UserWarning, match="no row of class 1 is in danger"):
        gen = BorderlineSMOTEGenerator(k_neighbors=3, m_neighbors=5).fit(X, y, target_class=1)
    assert gen.sample(25, random_state=0).shape == (25, 2)


def test_adasyn_allocates_in_proportion_to_majority_share(data):
    X, y = data
    gen = ADASYNGenerator(k_neighbors=5).fit(X, y, target_class=1)
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    idx = np.flatnonzero(y == 1)
    nn = np.argsort(D[idx], axis=1, kind="stable")[:, :5]
    share = (y[nn] == 0).mean(1)
    np.testing.assert_allclose(gen.weights_, share / share.sum())
    # Empirical seed frequencies follow the weights (chi-square style bound).
    n = 200_000
    freq = np.zeros(len(idx))
    rng_counts = np.bincount(_seed_draws(gen, n), minlength=len(gen.seeds_))
    freq[gen.seeds_] = rng_counts / n
    assert np.all(freq[share == 0] == 0)
    np.testing.assert_allclose(freq, gen.weights_, atol=4 * np.sqrt(gen.weights_.max() / n))


def _seed_draws(gen, n):
    """Recover which seed each sampled row used, through the chunk streams."""
    from synthaug._random import chunk_streams, to_entropy

    out = []
    for start, stop, rng in chunk_streams(to_entropy(11), n, gen.chunk_size):
        u = rng.random(gen.chunk_size) * gen._seed_cdf[-1]
        s = np.minimum(np.searchsorted(gen._seed_cdf, u, side="right"), len(gen.seeds_) - 1)
        out.append(s[: stop - start])
    return np.concatenate(out)


def test_gaussian_shrinkage_formula(data):
    X, y = data
    gen = GaussianGenerator(shrinkage=0.3).fit(X, y, target_class=1)
    S = np.cov(X[y == 1], rowvar=False)
    d = X.shape[1]
    np.testing.assert_allclose(gen.covariance_, 0.7 * S + 0.3 * np.trace(S) / d * np.eye(d))
    draws = gen.sample(200_000, random_state=0)
    np.testing.assert_allclose(draws.mean(0), gen.mean_, atol=0.02)
    np.testing.assert_allclose(np.cov(draws, rowvar=False), gen.covariance_, atol=0.05)


def test_jitter_scales(data):
    X, y = data
    Xc = X[y == 1]
    fixed = JitterGenerator(sigma=0.5).fit(X, y, target_class=1)
    np.testing.assert_allclose(fixed.noise_scale_, 0.5)
    cstd = JitterGenerator(scale="class-std", sigma=2.0).fit(X, y, target_class=1)
    np.testing.assert_allclose(cstd.noise_scale_, 2 * Xc.std(0))
    knn = JitterGenerator(scale="knn", c=0.1, k=3).fit(X, y, target_class=1)
    std = X.std(0)
    _, dist = kneighbors(Xc / std, 3, return_distance=True)
    np.testing.assert_allclose(knn.noise_scale_, 0.1 * np.median(dist) / 2.0 * std)


def test_random_generator_copies_rows(data):
    X, y = data
    new = RandomGenerator().fit(X, y, target_class=1).sample(500, random_state=0)
    rows = {tuple(r) for r in X[y == 1]}
    assert all(tuple(r) in rows for r in new)


def test_sklearn_conventions(data):
    X, y = data
    gen = BorderlineSMOTEGenerator(k_neighbors=4, kind="borderline-2", random_state=1)
    assert clone(gen).get_params() == gen.get_params()
    gen.fit(X, y, target_class=1)
    again = pickle.loads(pickle.dumps(gen))
    np.testing.assert_array_equal(again.sample(30, random_state=2), gen.sample(30, random_state=2))


def test_bad_inputs(data):
    X, y = data
    with pytest.raises(NotFittedError):
        SMOTEGenerator().sample(3)
    with pytest.raises(NotEnoughSamplesError, match=r"has 3 rows.*k_neighbors=5.*<= 2"):
        SMOTEGenerator().fit(X[:40], np.r_[np.zeros(37, int), np.ones(3, int)], target_class=1)
    with pytest.raises(InvalidParameterError, match="kind"):
        BorderlineSMOTEGenerator(kind="three").fit(X, y)
    with pytest.raises(InvalidInputError, match="target_class=5"):
        SMOTEGenerator().fit(X, y, target_class=5)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        SMOTEGenerator().fit(Xn, y)
    with pytest.raises(InvalidInputError, match="only 1 class"):
        SMOTEGenerator().fit(X, np.zeros(len(y)))
    gen = SMOTEGenerator().fit(X, y)
    with pytest.raises(InvalidParameterError, match="n must be"):
        gen.sample(-1)
