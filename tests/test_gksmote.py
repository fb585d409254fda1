"""GK-SMOTE: its defining properties checked on small hand-built data."""

import pickle
import warnings

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import synthaug
from synthaug import GKSMOTE
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    SynthaugWarning,
)
from synthaug.generators import GKSMOTEGenerator
from synthaug.generators.gksmote import auto_n_neighbors, exact_two_means
from synthaug.registry import canonical_name, make_generator

MODES = ["paper", "reference"]


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=240, n_features=3, n_informative=3, n_redundant=0,
                               weights=[0.78], flip_y=0.05, class_sep=0.8, random_state=3)


def _noise_data():
    """A minority blob at the origin, a majority grid at (10, 10), two minority rows inside
    the grid (noise for any threshold) and a minority pair on the grid's edge whose 3
    nearest rows are 2 majority + 1 minority (noise only for thresholds <= 2/3)."""
    gx, gy = np.meshgrid(10 + 0.1 * np.arange(5), 10 + 0.1 * np.arange(4))
    maj = np.c_[gx.ravel(), gy.ravel()]
    blob = np.array([[0, 0], [0.1, 0], [0, 0.1], [0.1, 0.1], [0.2, 0], [0, 0.2]])
    inside_a, inside_b = [10.15, 10.15], [10.25, 10.05]
    edge = np.array([[9.5, 10.0], [9.45, 10.0]])
    X = np.vstack([[inside_a], maj, blob, edge, [inside_b]])
    y = np.r_[1, np.zeros(len(maj), int), np.ones(len(blob) + 2 + 1, int)]
    # class rows, in order: inside_a (0), blob (1..6), edge (7, 8), inside_b (9)
    return X, y


def _on_segments(new, Xc, seeds, partners, tol=1e-9):
    """Which rows of ``new`` lie on a segment from ``Xc[seeds[r]]`` to one of
    ``Xc[partners[r]]``, for some table row ``r``."""
    ok = np.zeros(len(new), bool)
    for s, row in zip(seeds, partners):
        for p in np.unique(row):
            d = Xc[p] - Xc[s]
            u = (new - Xc[s]) @ d / max(d @ d, 1e-300)
            resid = np.linalg.norm(new - (Xc[s] + u[:, None] * d), axis=1)
            ok |= (resid < tol) & (u >= -1e-12) & (u <= 1 + 1e-12)
    return ok


# ------------------------------------------------------------------------ noise filter
@pytest.mark.parametrize("mode", MODES)
def test_noise_filter_drops_exactly_the_right_rows(mode):
    X, y = _noise_data()
    expected = np.zeros(10, bool)
    expected[[0, 9]] = True
    gen = GKSMOTEGenerator(mode=mode, k_neighbors=3).fit(X, y, target_class=1)
    np.testing.assert_array_equal(gen.noise_mask_, expected)
    strict = GKSMOTEGenerator(mode=mode, k_neighbors=3, noise_threshold=0.5).fit(X, y)
    expected[[7, 8]] = True
    np.testing.assert_array_equal(strict.noise_mask_, expected)
    loose = GKSMOTEGenerator(mode=mode, k_neighbors=3, noise_threshold=0.7).fit(X, y)
    np.testing.assert_array_equal(loose.noise_mask_, gen.noise_mask_)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("threshold", [1.0, 0.5])
def test_noise_rows_are_never_seeds_nor_partners(mode, threshold):
    X, y = _noise_data()
    gen = GKSMOTEGenerator(mode=mode, k_neighbors=3, noise_threshold=threshold).fit(X, y)
    noise = np.flatnonzero(gen.noise_mask_)
    assert not np.isin(gen.seeds_, noise).any()
    assert not np.isin(gen.partners_, noise).any()
    assert np.isnan(gen.densities_[noise]).all() and np.isnan(gen.bandwidth_[noise]).all()
    assert not (gen.safe_mask_ | gen.borderline_mask_)[noise].any()
    new = gen.sample(300, random_state=0)
    Xc = X[y == 1]
    assert _on_segments(new, Xc, gen.seeds_, gen.partners_).all()
    # nothing is made near the noise rows inside the majority grid
    assert np.linalg.norm(new - Xc[0], axis=1).min() > 0.3


# ------------------------------------------------------------------------ densities
def _line_data():
    X = np.r_[0.0, 1.0, 3.0, 7.0, 100.0 + np.arange(12)][:, None]
    y = np.r_[np.ones(4, int), np.zeros(12, int)]
    return X, y


def test_densities_by_hand_paper_mode():
    X, y = _line_data()
    e = np.exp
    gen = GKSMOTEGenerator(mode="paper", k_neighbors=2, bandwidth=2.0).fit(X, y)
    # neighbours (self excluded): 0 -> 1, 3; 1 -> 0, 3; 3 -> 1, 0; 7 -> 3, 1
    hand = np.array([e(-1 / 8) + e(-9 / 8), e(-1 / 8) + e(-4 / 8),
                     e(-4 / 8) + e(-9 / 8), e(-16 / 8) + e(-36 / 8)]) / 2
    np.testing.assert_allclose(gen.densities_, hand, rtol=1e-12)
    np.testing.assert_array_equal(gen.bandwidth_, np.full(4, 2.0))
    # kNN-SD bandwidth: the SD of the two neighbour distances
    with pytest.warns(SynthaugWarning, match="safe cluster"):  # row 0 alone is "safe"
        gen = GKSMOTEGenerator(mode="paper", k_neighbors=2, bandwidth="knn_std").fit(X, y)
    dists = np.array([[1, 3], [1, 2], [2, 3], [4, 6]], float)
    h = dists.std(axis=1)
    np.testing.assert_allclose(gen.bandwidth_, h)
    np.testing.assert_allclose(gen.densities_, e(-dists ** 2 / (2 * h[:, None] ** 2)).mean(1))
    # Silverman / Scott: one global h from the SD of the 4 retained rows (n=4, d=1)
    sd = np.std([0, 1, 3, 7])
    for rule, factor in (("silverman", (4 * 3 / 4) ** -0.2), ("scott", 4 ** -0.2)):
        gen = GKSMOTEGenerator(mode="paper", k_neighbors=2, bandwidth=rule).fit(X, y)
        np.testing.assert_allclose(gen.bandwidth_, np.full(4, sd * factor))
    gen = GKSMOTEGenerator(mode="paper", k_neighbors=2).fit(X, y)
    assert gen.bandwidth_[0] == pytest.approx(sd * 3 ** -0.2)  # "auto": Silverman in paper mode


def test_default_is_reference_mode_with_knn_std_bandwidth():
    # the default chosen on the bench's default suite (docs/gk_smote.md): reference mode,
    # k "auto", and so the kNN-SD bandwidth of the reference code
    X, y = _line_data()
    assert GKSMOTEGenerator().get_params()["mode"] == "reference"
    assert GKSMOTEGenerator().get_params()["k_neighbors"] == "auto"
    gen = GKSMOTEGenerator(k_neighbors=2).fit(X, y)
    assert gen.mode_ == "reference"
    dists = np.array([[0, 1], [0, 1], [0, 2], [0, 4]], float)  # self included, then nearest
    np.testing.assert_allclose(gen.bandwidth_, dists.std(axis=1))


def test_densities_by_hand_reference_mode():
    X, y = _line_data()
    e = np.exp
    with pytest.warns(SynthaugWarning, match="borderline cluster"):  # 7 alone
        gen = GKSMOTEGenerator(mode="reference", k_neighbors=2, bandwidth=2.0).fit(X, y)
    # the row itself (distance 0, kernel 1) plus its nearest other row: 1, 1, 2, 4
    hand = (1 + e(-np.array([1, 1, 4, 16]) / 8)) / 2
    np.testing.assert_allclose(gen.densities_, hand, rtol=1e-12)
    # kNN-SD ("auto" in reference mode): h = SD of [0, d] = d / 2, so every density is
    # (1 + e^-2) / 2: identical densities, every retained row is safe
    gen = GKSMOTEGenerator(mode="repo", k_neighbors=2).fit(X, y)
    np.testing.assert_allclose(gen.bandwidth_, [0.5, 0.5, 1.0, 2.0])
    np.testing.assert_allclose(gen.densities_, np.full(4, (1 + e(-2)) / 2))
    assert gen.safe_mask_.all() and not gen.borderline_mask_.any()


def test_reference_density_neighbours_include_noise_rows():
    # minority a=(0,0), b=(1,0) and a noise row c=(1.5,0) hemmed in by majority rows; the
    # reference code's densities search all minority rows, so b's neighbour is c
    maj = np.array([[1.5, 0.05], [1.5, -0.05], [1.55, 0.0], [20, 20], [21, 20], [20, 21]])
    X = np.vstack([[0, 0], [1, 0], [1.5, 0], maj])
    y = np.r_[1, 1, 1, np.zeros(len(maj), int)]
    with pytest.warns(SynthaugWarning, match="neither density cluster"):
        gen = GKSMOTEGenerator(mode="reference", k_neighbors=2, bandwidth=1.0).fit(X, y)
    np.testing.assert_array_equal(gen.noise_mask_, [False, False, True])
    np.testing.assert_allclose(gen.densities_[:2], (1 + np.exp(-np.array([1, 0.25]) / 2)) / 2)
    # one row per cluster: the two retained rows are used as one cluster
    np.testing.assert_array_equal(np.sort(gen.seeds_), [0, 1])
    new = gen.sample(50, random_state=0)
    assert np.allclose(new[:, 1], 0) and (new[:, 0] >= 0).all() and (new[:, 0] <= 1).all()
    # paper mode: densities over retained rows only, a and b alike, both safe
    paper = GKSMOTEGenerator(mode="paper", k_neighbors=2, bandwidth=1.0).fit(X, y)
    assert paper.safe_mask_[:2].all()


@pytest.mark.parametrize("mode", MODES)
def test_moving_a_point_away_lowers_its_density(mode):
    rng = np.random.default_rng(0)
    blob = rng.normal(size=(15, 2))
    maj = rng.normal(size=(40, 2)) + np.array([-30.0, 0.0])
    for i in range(5):
        before = GKSMOTEGenerator(mode=mode, k_neighbors=4, bandwidth=1.0)
        X = np.vstack([blob, maj])
        y = np.r_[np.ones(15, int), np.zeros(40, int)]
        d_before = before.fit(X, y).densities_[i]
        moved = blob.copy()
        outward = blob[i] - blob.mean(axis=0)
        moved[i] = blob[i] + 3 * outward / np.linalg.norm(outward)
        X = np.vstack([moved, maj])
        d_after = clone(before).fit(X, y).densities_[i]
        assert d_after < d_before


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bandwidth", ["knn_std", "scott", "silverman", 0.5])
@pytest.mark.filterwarnings("ignore::synthaug.exceptions.SynthaugWarning")
def test_duplicates_give_finite_densities(mode, bandwidth):
    X = np.r_[np.zeros((6, 2)), [[0, 0], [1, 1]], 20 + np.arange(20)[:, None] * [1, 0]]
    y = np.r_[np.ones(8, int), np.zeros(20, int)]
    gen = GKSMOTEGenerator(mode=mode, k_neighbors=3, bandwidth=bandwidth).fit(X, y)
    assert np.isfinite(gen.densities_).all() and np.isfinite(gen.bandwidth_).all()
    assert (gen.bandwidth_ >= 1e-12).all()
    assert np.isfinite(gen.sample(100, random_state=0)).all()
    # every minority row identical: one point, every density equal, every row safe
    Xd = np.r_[np.zeros((5, 2)), 20 + np.arange(10)[:, None] * [1, 0]]
    yd = np.r_[np.ones(5, int), np.zeros(10, int)]
    gen = GKSMOTEGenerator(mode=mode, k_neighbors=3, bandwidth=bandwidth).fit(Xd, yd)
    assert np.isfinite(gen.densities_).all() and gen.safe_mask_.all()
    np.testing.assert_array_equal(gen.sample(20, random_state=0), np.zeros((20, 2)))


# ------------------------------------------------------------------------ generation
@pytest.mark.parametrize("mode", MODES)
def test_every_new_point_is_on_a_segment_within_one_cluster(mode, data):
    X, y = data
    gen = GKSMOTEGenerator(mode=mode, k_neighbors=5).fit(X, y, target_class=1)
    assert gen.safe_mask_.any() and gen.borderline_mask_.any()
    assert not (gen.safe_mask_ & gen.borderline_mask_).any()
    np.testing.assert_array_equal(gen.safe_mask_ | gen.borderline_mask_, ~gen.noise_mask_)
    # partners share their seed's cluster
    cluster = np.where(gen.safe_mask_, 1, np.where(gen.borderline_mask_, 2, 0))
    assert (cluster[gen.partners_] == cluster[gen.seeds_][:, None]).all()
    assert not (gen.partners_ == gen.seeds_[:, None]).any()
    Xc = X[y == 1]
    new = gen.sample(400, random_state=1)
    assert _on_segments(new, Xc, gen.seeds_, gen.partners_).all()


def test_paper_mode_seeds_only_from_the_safe_cluster(data):
    X, y = data
    gen = GKSMOTEGenerator(mode="paper", k_neighbors=5).fit(X, y, target_class=1)
    assert gen.borderline_mask_.any()
    np.testing.assert_array_equal(np.sort(gen.seeds_), np.flatnonzero(gen.safe_mask_))
    assert gen.allocation_ == {"safe": 1.0, "borderline": 0.0}
    Xc = X[y == 1]
    new = gen.sample(400, random_state=2)
    safe = np.flatnonzero(gen.safe_mask_)
    rows = np.isin(gen.seeds_, safe)
    assert _on_segments(new, Xc, gen.seeds_[rows], gen.partners_[rows]).all()


def test_reference_mode_allocates_by_cluster_size(data):
    X, y = data
    gen = GKSMOTEGenerator(mode="reference", k_neighbors=5).fit(X, y, target_class=1)
    n_safe, n_border = gen.safe_mask_.sum(), gen.borderline_mask_.sum()
    assert gen.allocation_["safe"] == pytest.approx(n_safe / (n_safe + n_border))
    # every retained row is an equally likely seed, so the expected shares are the sizes'
    assert gen.seed_weights_ is None
    np.testing.assert_array_equal(np.sort(gen.seeds_), np.flatnonzero(~gen.noise_mask_))


def test_single_row_cluster_gives_its_share_to_the_other():
    # 10 minority rows on a line and one far (but not noise) outlier: in reference mode the
    # outlier is a borderline cluster of one row, whose share goes to the safe cluster
    X = np.r_[0.1 * np.arange(10), 5.0, 100 + np.arange(20)][:, None]
    y = np.r_[np.ones(11, int), np.zeros(20, int)]
    with pytest.warns(SynthaugWarning, match="borderline cluster .* 1 row"):
        gen = GKSMOTEGenerator(mode="reference", k_neighbors=3, bandwidth=0.5).fit(X, y)
    np.testing.assert_array_equal(np.flatnonzero(gen.borderline_mask_), [10])
    assert gen.allocation_ == {"safe": 1.0, "borderline": 0.0}
    assert 10 not in gen.seeds_ and 10 not in gen.partners_
    new = gen.sample(500, random_state=0)
    assert new.shape == (500, 1) and new.max() <= 0.9 + 1e-12


def test_paper_mode_single_safe_row_gives_its_share_to_borderline():
    # a centre and 5 points on a circle: the centre's 2 nearest rows are closer than any
    # circle point's, so it is the only safe row, and paper mode must use the borderline
    angles = 2 * np.pi * np.arange(5) / 5
    star = np.r_[[[0, 0]], np.c_[np.cos(angles), np.sin(angles)]]
    X = np.r_[star, 30 + np.arange(20)[:, None] * [1, 0]]
    y = np.r_[np.ones(6, int), np.zeros(20, int)]
    with pytest.warns(SynthaugWarning, match="safe cluster"):
        gen = GKSMOTEGenerator(mode="paper", k_neighbors=2, bandwidth=0.5).fit(X, y)
    np.testing.assert_array_equal(np.flatnonzero(gen.safe_mask_), [0])
    assert gen.allocation_ == {"safe": 0.0, "borderline": 1.0}
    np.testing.assert_array_equal(np.sort(gen.seeds_), np.arange(1, 6))
    assert gen.sample(100, random_state=0).shape == (100, 2)


def test_smaller_cluster_partners_stay_uniform():
    # reference mode with clusters of different sizes: the small one (kc < k) is listed once
    # per cyclic shift, so each of its partners is equally likely
    rng = np.random.default_rng(4)
    dense = rng.normal(scale=0.2, size=(30, 2))
    sparse = np.array([[3.0, 0], [3.0, 1.5], [4.5, 0.5]])
    X = np.r_[dense, sparse, rng.normal(size=(60, 2)) + np.array([0.0, 20.0])]
    y = np.r_[np.ones(33, int), np.zeros(60, int)]
    gen = GKSMOTEGenerator(mode="reference", k_neighbors=5, bandwidth=0.5).fit(X, y)
    border = np.flatnonzero(gen.borderline_mask_)
    np.testing.assert_array_equal(border, [30, 31, 32])
    rows = np.isin(gen.seeds_, border)
    assert rows.sum() == 3 * 2 and gen.partners_.shape[1] == 5
    for s in border:
        counts = np.unique(gen.partners_[gen.seeds_ == s], return_counts=True)[1]
        assert len(counts) == 2 and counts[0] == counts[1]
    w = gen.seed_weights_
    assert w[rows].sum() == pytest.approx(3 / 33) and w.sum() == pytest.approx(1)


# ------------------------------------------------------------------------ sampling
@pytest.mark.parametrize("mode", MODES)
def test_exact_counts_prefix_and_determinism(mode, data):
    X, y = data
    gen = GKSMOTEGenerator(mode=mode, random_state=3).fit(X, y, target_class=1)
    big = gen.sample(5000, random_state=7)
    assert big.shape == (5000, X.shape[1]) and np.isfinite(big).all()
    for m in (0, 1, 17, 4095, 4096, 4097):
        np.testing.assert_array_equal(gen.sample(m, random_state=7), big[:m])
    again = GKSMOTEGenerator(mode=mode, random_state=3).fit(X, y, target_class=1)
    np.testing.assert_array_equal(again.sample(300), gen.sample(300))
    np.testing.assert_array_equal(gen.sample(300), gen.sample(300, random_state=3))
    assert not np.array_equal(gen.sample(50, random_state=8), big[:50])
    restored = pickle.loads(pickle.dumps(gen))
    np.testing.assert_array_equal(restored.sample(40, random_state=2),
                                  gen.sample(40, random_state=2))


def test_oversampler_is_deterministic_and_balanced(data, multiclass_data):
    X, y = data
    a = GKSMOTE(random_state=0).fit_resample(X, y)
    b = GKSMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(a[0], b[0])
    assert np.bincount(a[1]).tolist() == [np.bincount(y).max()] * 2
    Xm, ym = multiclass_data  # one-vs-rest: one generator per minority class
    sampler = GKSMOTE(mode="repo", random_state=1)
    _, ym_res = sampler.fit_resample(Xm, ym)
    assert len(set(np.bincount(ym_res).tolist())) == 1
    assert set(sampler.generators_) == {1, 2}


# ------------------------------------------------------------------------ all noise
def _all_noise_data():
    gx, gy = np.meshgrid(np.arange(10.0), np.arange(10.0))
    maj = np.c_[gx.ravel(), gy.ravel()]
    minority = np.array([[2.5, 2.5], [6.5, 6.5], [2.5, 7.5], [7.5, 2.5]])
    return np.r_[maj, minority], np.r_[np.zeros(len(maj), int), np.ones(4, int)]


def test_all_noise_raises_or_falls_back_to_smote():
    X, y = _all_noise_data()
    with pytest.raises(InvalidInputError, match="all 4 rows of class 1 were filtered as noise"):
        GKSMOTEGenerator(k_neighbors=3).fit(X, y)
    with pytest.raises(InvalidInputError, match="filtered as noise"):
        GKSMOTE(k_neighbors=3).fit_resample(X, y)
    with pytest.warns(SynthaugWarning, match="falling back to plain SMOTE"):
        gen = GKSMOTEGenerator(k_neighbors=3, fallback="smote").fit(X, y)
    assert gen.fallback_used_ and gen.noise_mask_.all()
    new = gen.sample(100, random_state=0)
    Xc = X[y == 1]
    assert _on_segments(new, Xc, gen.seeds_, gen.partners_).all()
    # a single survivor cannot be interpolated either
    X1 = np.r_[X, [[2.5, 3.3]]]  # nearest rows: 2 grid points, then the noise row (2.5, 2.5)
    y1 = np.r_[y, 1]
    with pytest.raises(InvalidInputError, match="only 1 of the 5 rows"):
        GKSMOTEGenerator(k_neighbors=3).fit(X1, y1)


# ------------------------------------------------------------------------ parameters
def test_auto_neighbours_rule(data):
    assert [auto_n_neighbors(n) for n in (2, 4, 9, 10, 16, 50, 100, 10_000)] == [
        1, 3, 3, 4, 4, 8, 10, 10]
    X, y = data
    gen = GKSMOTEGenerator().fit(X, y, target_class=1)
    assert gen.n_neighbors_ == auto_n_neighbors(int((y == 1).sum()))
    assert GKSMOTEGenerator(k_neighbors=4).fit(X, y).n_neighbors_ == 4


def test_exact_two_means_is_the_1d_optimum():
    from sklearn.cluster import KMeans

    def sse(v, high):
        return sum(((v[m] - v[m].mean()) ** 2).sum() for m in (high, ~high) if m.any())

    rng = np.random.default_rng(0)
    for _ in range(5):
        v = np.r_[rng.normal(0, 1, 20), rng.normal(4, 0.5, 7)]
        high = exact_two_means(v)
        km = KMeans(n_clusters=2, n_init=10, random_state=0).fit(v[:, None])
        assert sse(v, high) <= km.inertia_ + 1e-9
        assert v[high].mean() > v[~high].mean()
    assert exact_two_means(np.full(5, 0.3)).all()
    assert exact_two_means(np.array([0.3, 0.3 * (1 + 1e-15)])).all()


def test_bad_parameters_and_inputs(data):
    X, y = data
    for bad in ({"mode": "both"}, {"k_neighbors": 0}, {"k_neighbors": "sqrt"},
                {"k_neighbors": 2.5}, {"bandwidth": "lscv"}, {"bandwidth": -1.0},
                {"bandwidth": True}, {"noise_threshold": 0.0}, {"noise_threshold": 1.5},
                {"fallback": "ignore"}):
        with pytest.raises(InvalidParameterError):
            GKSMOTEGenerator(**bad).fit(X, y)
    few = np.r_[np.zeros(30, int), np.ones(3, int)]
    with pytest.raises(NotEnoughSamplesError, match="k_neighbors=5"):
        GKSMOTEGenerator(k_neighbors=5).fit(X[:33], few)


# ------------------------------------------------------------------------ integration
def test_pipeline_clone_and_registry(binary_data):
    X, y = binary_data
    pipe = Pipeline([("scale", StandardScaler()), ("gk", GKSMOTE(random_state=0)),
                     ("clf", LogisticRegression())])
    pipe.fit(X, y)
    assert pipe.predict(X).shape == y.shape
    sampler = GKSMOTE(mode="repo", k_neighbors=4, bandwidth="scott", noise_threshold=0.8,
                      fallback="smote", random_state=1)
    assert clone(sampler).get_params() == sampler.get_params()
    sampler.fit_resample(X, y)
    gen = sampler.generators_[1]
    assert isinstance(gen, GKSMOTEGenerator) and gen.mode_ == "reference"
    assert (gen.k_neighbors, gen.bandwidth, gen.noise_threshold) == (4, "scott", 0.8)
    assert synthaug.GKSMOTE is GKSMOTE
    assert canonical_name("GK-SMOTE") == canonical_name("gk_smote") == "gksmote"
    assert isinstance(make_generator("gk-smote", mode="repo"), GKSMOTEGenerator)


def test_mixed_data(mixed_frame):
    X, y = mixed_frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        X_res, y_res = GKSMOTE(random_state=0).fit_resample(X, y)
    assert list(X_res.columns) == list(X.columns) and y_res.value_counts().nunique() == 1
    new = X_res.iloc[len(X):]
    assert new["colour"].isin(X["colour"].cat.categories).all()
    assert new["city"].isin(set(X["city"])).all()
