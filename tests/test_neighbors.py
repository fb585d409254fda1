import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

import synthaug.neighbors as nb
from synthaug.neighbors import kneighbors, neighbors_config


def _exact(X, Q, k):
    D = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    return np.sqrt(np.sort(D, axis=1)[:, :k])


def test_self_query_excludes_self_even_with_duplicates():
    X = np.array([[0.0, 0], [0, 0], [1, 0], [3, 0], [0, 0]])
    ind, dist = kneighbors(X, 2, return_distance=True)
    assert all(i not in row for i, row in enumerate(ind))
    np.testing.assert_allclose(dist[0], [0, 0])


@pytest.fixture
def accelerate_everything(monkeypatch):
    monkeypatch.setattr(nb, "ACCELERATE_MIN_PAIRS", 0)
    monkeypatch.setattr(nb, "ACCELERATE_MIN_QUERIES", 0)


def test_certified_path_is_exact(accelerate_everything):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 12)) * 50 + 1000  # large offset: float32 would lose digits
    Q = rng.normal(size=(400, 12)) * 50 + 1000
    ind, dist = kneighbors(X, 7, Q, return_distance=True)
    np.testing.assert_allclose(dist, _exact(X, Q, 7), rtol=1e-10, atol=1e-8)
    ref = NearestNeighbors(n_neighbors=7).fit(X).kneighbors(Q, return_distance=False)
    np.testing.assert_array_equal(ind, ref)


def test_certified_path_with_ties_and_duplicates(accelerate_everything):
    rng = np.random.default_rng(1)
    X = rng.integers(0, 3, size=(2000, 4)).astype(float)  # massive ties
    ind, dist = kneighbors(X, 5, return_distance=True)
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_allclose(dist, np.sqrt(np.sort(D, 1)[:, :5]))
    # ties broken by the lower index, deterministically
    again = kneighbors(X, 5)
    np.testing.assert_array_equal(ind, again)


def _lexsort_knn(X, Q, k):
    D = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    ind = np.array([np.lexsort((np.arange(len(X)), row))[:k] for row in D])
    return ind, np.sqrt(np.take_along_axis(D, ind, axis=1))


@pytest.mark.parametrize("case", ["offset", "grid", "duplicates"])
def test_blocked_path_is_exact_in_every_branch(accelerate_everything, monkeypatch, case):
    # small blocks: several threaded tasks; a low hit cap: the duplicates case overflows it
    # and goes to scikit-learn; the offset case fails the float32 certificate for some
    # queries, which are then ranked from all their hits
    monkeypatch.setattr(nb, "COUNT_QUERY_BLOCK", 64)
    monkeypatch.setattr(nb, "COUNT_ROW_BLOCK", 100)
    monkeypatch.setattr(nb, "MAX_HITS_PER_QUERY", 200)
    rng = np.random.default_rng(2)
    if case == "offset":
        X = rng.normal(size=(1500, 6)) * 0.01 + 3e3
        Q = rng.normal(size=(300, 6)) * 0.01 + 3e3
    elif case == "grid":
        X = rng.integers(0, 4, size=(1500, 3)).astype(float)
        Q = X[:300]
    else:
        X = np.repeat(rng.normal(size=(5, 4)), 300, axis=0)
        Q = X[::5]
    results = []
    block = nb._knn_block
    monkeypatch.setattr(nb, "_knn_block", lambda *a: results.append(block(*a)) or results[-1])
    dist, ind = nb._blocked_knn(X, Q, 6, -1)
    assert any(r is None for r in results) == (case == "duplicates")  # hit cap overflowed
    ref_ind, ref_dist = _lexsort_knn(X, Q, 6)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12, atol=1e-12)
    if case == "duplicates":   # scikit-learn's order among exact ties is its own
        return
    np.testing.assert_array_equal(ind, ref_ind)


@pytest.mark.parametrize("n", [12, 40])
def test_blocked_path_with_fewer_rows_than_candidates(n):
    rng = np.random.default_rng(n)
    X, Q = rng.normal(size=(n, 3)), rng.normal(size=(50, 3))
    for k in (1, 3, 10):
        dist, ind = nb._blocked_knn(X, Q, k, 1)
        ref_ind, ref_dist = _lexsort_knn(X, Q, k)
        np.testing.assert_array_equal(ind, ref_ind)
        np.testing.assert_allclose(dist, ref_dist, rtol=1e-12)


def test_custom_estimator_override():
    calls = []

    class Recording(NearestNeighbors):
        def kneighbors(self, *a, **k):
            calls.append(1)
            return super().kneighbors(*a, **k)

    X = np.random.default_rng(0).normal(size=(50, 3))
    with neighbors_config(estimator=Recording()):
        kneighbors(X, 3)
    assert calls
    kneighbors(X, 3)
    assert len(calls) == 1


# ----------------------------------------------------------------------------- count_closer
def _brute_counts(X, Q, r2):
    D = ((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    return np.stack([(D < r2[:, [j]]).sum(1) for j in range(r2.shape[1])], axis=1)


@pytest.fixture
def small_count_blocks(monkeypatch):
    # several query tasks and row blocks, a partial last block, so the threaded path runs
    monkeypatch.setattr(nb, "COUNT_QUERY_BLOCK", 64)
    monkeypatch.setattr(nb, "COUNT_ROW_BLOCK", 100)


@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_count_closer_is_exact_with_ties_and_large_offsets(small_count_blocks, offset):
    rng = np.random.default_rng(3)
    # integer grid: many rows exactly at a radius, which must never be counted; the offset
    # makes float32 lose digits, so the float64 band recomputation has work to do
    X = rng.integers(0, 4, size=(1500, 3)).astype(float) * [1.0, 2.0, 3.0] + offset
    Q = X[rng.choice(1500, 300)]
    r2 = np.c_[nb.row_sq_distances(Q, X[rng.choice(1500, 300)]),
               nb.row_sq_distances(Q, X[rng.choice(1500, 300)])]
    got = nb.count_closer(X, Q, r2)
    np.testing.assert_array_equal(got, _brute_counts(X - offset, Q - offset, r2))
    np.testing.assert_array_equal(nb.count_closer(X, Q, r2[:, 0]), got[:, 0])


def test_count_closer_continuous_data_and_single_thread(small_count_blocks):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(2000, 8)) * 30 + 500
    Q = rng.normal(size=(150, 8)) * 30 + 500
    # radii a hair above and below the distance to some row: float32 cannot tell, so only
    # the float64 recomputation of the band gets these right
    d2 = nb.row_sq_distances(Q, X[rng.choice(2000, 150)])
    r2 = np.c_[rng.uniform(0, 40 ** 2, size=150), d2 * (1 + 1e-9), d2 * (1 - 1e-9)]
    expected = _brute_counts(X, Q, r2)
    np.testing.assert_array_equal(nb.count_closer(X, Q, r2), expected)
    np.testing.assert_array_equal(nb.count_closer(X, Q, r2, n_jobs=1), expected)


def test_count_closer_sparse_matches_dense():
    import scipy.sparse as sp
    rng = np.random.default_rng(5)
    X = rng.integers(0, 3, size=(800, 6)).astype(float)
    X[:, 3:] = X[:, 3:] > 1                       # one-hot-like columns, exact ties
    Q = X[rng.choice(800, 120)]
    r2 = nb.row_sq_distances(sp.csr_matrix(Q), sp.csr_matrix(X[rng.choice(800, 120)]))
    np.testing.assert_array_equal(nb.count_closer(sp.csr_matrix(X), sp.csr_matrix(Q), r2),
                                  _brute_counts(X, Q, r2[:, None])[:, 0])
    np.testing.assert_array_equal(nb.count_closer(X, Q, r2),
                                  _brute_counts(X, Q, r2[:, None])[:, 0])


def test_count_closer_rejects_bad_radii():
    from synthaug.exceptions import InvalidInputError
    X = np.zeros((5, 2))
    for bad in (np.full(3, np.nan), np.full(3, -1.0), np.ones(4), np.ones((3, 2, 1))):
        with pytest.raises(InvalidInputError, match="radius_sq"):
            nb.count_closer(X, X[:3], bad)
    np.testing.assert_array_equal(nb.count_closer(X[:0], X[:3], np.ones(3)), [0, 0, 0])
