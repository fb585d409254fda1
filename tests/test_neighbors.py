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
    if nb._faiss() is None:
        pytest.skip("faiss-cpu not installed")
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
