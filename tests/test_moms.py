"""MOMSGenerator: the danger and safe sets, the loss, exact counts, seeding, persistence,
categorical columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from imblearn.over_sampling import BorderlineSMOTE  # noqa: E402
from scipy.spatial.distance import cdist  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

from synthaug import Oversampler  # noqa: E402
from synthaug.exceptions import (  # noqa: E402
    InvalidParameterError,
    NotEnoughSamplesError,
)
from synthaug.generators import _moms_net  # noqa: E402
from synthaug.generators.moms import (  # noqa: E402
    MOMSGenerator,
    _one_hot_join,
    _one_hot_split,
    danger_mask,
    resolve_architecture,
)

FAST = {"max_epochs": 8, "patience": None, "hidden_dims": (8, 16), "latent_dim": 8}


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=400, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.85], class_sep=0.8, random_state=3)
    return X, y


def _std(X):
    s = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(s > 0, s, 1.0)


@pytest.mark.parametrize("k", [5, 4, 3])
def test_danger_set_equals_imblearn(data, k):
    X, y = data
    Z = _std(X)
    nn = NearestNeighbors(n_neighbors=k + 1).fit(Z)
    expected = BorderlineSMOTE(k_neighbors=1, m_neighbors=k)._in_danger_noise(
        nn, Z[y == 1], 1, y, kind="danger")
    ours = danger_mask(Z, y, 1, k)
    assert expected.sum() > 0  # the data has borderline rows, so the test means something
    np.testing.assert_array_equal(ours, expected)
    gen = MOMSGenerator(k_neighbors=k, random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(gen.danger_mask_, expected)


def test_safe_set_is_above_the_percentile(data):
    X, y = data
    gen = MOMSGenerator(safe_percentile=60, random_state=0, **FAST).fit(X, y)
    Z = (X - gen.mean_) / gen.scale_
    dist = cdist(Z[y == 0], Z[y == 1]).min(axis=1)
    threshold = np.percentile(dist, 60)
    assert gen.safe_threshold_ == pytest.approx(threshold, rel=1e-10)
    np.testing.assert_array_equal(gen.safe_mask_, dist > threshold)
    assert gen.safe_mask_.sum() == np.sum(dist > threshold) > 0


def test_mmd_falls_during_training(data):
    X, y = data
    gen = MOMSGenerator(max_epochs=60, patience=None, hidden_dims=(8, 16), latent_dim=8,
                        lr=5e-3, random_state=0).fit(X, y)
    first, last = gen.history_[0]["mmd2"], gen.history_[-1]["mmd2"]
    assert last < 0.5 * first
    assert set(gen.history_[0]) == {"epoch", "loss", "mmd2", "triplet"}
    # loss = MMD^2 + lambda * triplet, per epoch
    rec = gen.history_[-1]
    assert rec["loss"] == pytest.approx(rec["mmd2"] + 0.01 * rec["triplet"], rel=1e-5)


def test_early_stopping_keeps_the_best_epoch(data):
    X, y = data
    gen = MOMSGenerator(max_epochs=40, patience=3, min_delta=0.0, hidden_dims=(8,),
                        latent_dim=4, lr=0.05, random_state=0).fit(X, y)
    losses = [r["loss"] for r in gen.history_]
    assert gen.best_epoch_ == int(np.argmin(losses))
    assert gen.n_epochs_ == len(losses) <= 40


def test_mmd2_biased_closed_form():
    Z = torch.tensor([[0.0], [1.0]])
    X = torch.tensor([[0.0]])
    h = torch.tensor(1.0)
    # k(Z,Z) = [[1, e^-1/2], [e^-1/2, 1]], k(X,X) = 1, k(Z,X) = [1, e^-1/2]
    e = np.exp(-0.5)
    expected = (2 + 2 * e) / 4 + 1 - 2 * (1 + e) / 2
    assert float(_moms_net.mmd2_biased(Z, X, h, "gaussian")) == pytest.approx(expected)


def test_triplet_closed_form():
    Z = torch.tensor([[0.0, 0.0], [3.0, 0.0]])
    danger = torch.tensor([[1.0, 0.0]])
    safe = torch.tensor([[4.0, 0.0], [0.0, 5.0]])
    # row 0: d+ = 1, d- = 4 -> relu(1 - 4 + 1) = 0; row 1: d+ = 2, d- = 1 -> relu(2) = 2
    assert float(_moms_net.triplet_loss(Z, danger, safe, 1.0)) == pytest.approx(1.0, abs=1e-5)


def test_lambda_zero_never_computes_the_triplet(data, monkeypatch):
    X, y = data
    calls = []

    def spy(*args, **kwargs):
        calls.append(1)
        raise AssertionError("triplet computed")

    monkeypatch.setattr(_moms_net, "triplet_loss", spy)
    gen = MOMSGenerator(lambda_=0.0, random_state=0, **FAST).fit(X, y)
    assert calls == []
    assert all("triplet" not in r for r in gen.history_)
    assert all(r["loss"] == r["mmd2"] for r in gen.history_)
    with pytest.raises(AssertionError, match="triplet computed"):  # the spy is live
        MOMSGenerator(lambda_=0.01, random_state=0, **FAST).fit(X, y)


@pytest.mark.parametrize("classes", [2, 3])
def test_exact_counts_through_oversampler(classes):
    weights = [0.8] if classes == 2 else [0.7, 0.2]
    X, y = make_classification(n_samples=300, n_features=5, n_informative=3,
                               n_classes=classes, weights=weights, random_state=0)
    over = Oversampler(MOMSGenerator(**FAST), random_state=0)
    Xr, yr = over.fit_resample(X, y)
    counts = np.bincount(yr)
    assert (counts == counts.max()).all()
    largest = int(np.argmax(np.bincount(y)))
    assert all(g.source_class_ == largest for g in over.generators_.values())
    assert Xr.shape == (300 + sum(counts.max() - np.bincount(y)), 5)
    np.testing.assert_array_equal(Xr[:300], X)


def test_exact_n_and_no_repeated_source_row(data):
    X, y = data
    gen = MOMSGenerator(random_state=0, **FAST).fit(X, y)
    n_src = int((y == 0).sum())
    for n in (1, 7, n_src, n_src + 5):
        assert gen.sample(n).shape == (n, 4)
    rows = gen.sample(n_src, random_state=2)
    assert np.unique(rows, axis=0).shape[0] == n_src  # a permutation of the source rows
    big = gen.sample(2 * n_src + 3, random_state=2)
    np.testing.assert_array_equal(big[:n_src], rows)  # prefix-consistent


def test_training_subset_is_random_not_the_first_rows(data):
    X, y = data
    gen = MOMSGenerator(random_state=0, **FAST).fit(X, y)
    n_train = int((y == 0).sum() - (y == 1).sum())
    assert gen.train_indices_.size == n_train
    assert not np.array_equal(gen.train_indices_, np.arange(n_train))
    other = MOMSGenerator(random_state=1, **FAST).fit(X, y)
    assert not np.array_equal(gen.train_indices_, other.train_indices_)


def test_deterministic(data):
    X, y = data
    a = MOMSGenerator(random_state=5, **FAST).fit(X, y)
    b = MOMSGenerator(random_state=5, **FAST).fit(X, y)
    np.testing.assert_array_equal(a.sample(50, random_state=1), b.sample(50, random_state=1))
    assert a.history_ == b.history_
    assert not np.array_equal(a.sample(50, random_state=1), a.sample(50, random_state=2))


def test_minibatch_mode_runs_and_is_deterministic(data):
    X, y = data
    kw = {**FAST, "batch_size": 64}
    a = MOMSGenerator(random_state=5, **kw).fit(X, y)
    b = MOMSGenerator(random_state=5, **kw).fit(X, y)
    assert a.batch_size_ == 64
    np.testing.assert_array_equal(a.sample(20), b.sample(20))


def test_save_load_gives_identical_samples(data, tmp_path):
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd"))
    gen = MOMSGenerator(random_state=0, **FAST).fit(frame, y)
    gen.save(tmp_path / "m")
    back = MOMSGenerator.load(tmp_path / "m", device="cpu")
    pd.testing.assert_frame_equal(gen.sample(40, random_state=3),
                                  back.sample(40, random_state=3))
    assert back.history_ == gen.history_


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="CUDA"):
        MOMSGenerator(device="cuda", **FAST).fit(X, y)


def test_too_few_rows_to_train_is_a_clear_error():
    X, y = make_classification(n_samples=40, n_features=3, n_informative=2, n_redundant=0,
                               weights=[0.5], random_state=0)
    assert abs(np.bincount(y)[0] - np.bincount(y)[1]) < 2
    with pytest.raises(NotEnoughSamplesError, match="train_size"):
        MOMSGenerator(**FAST).fit(X, y, target_class=1)
    gen = MOMSGenerator(train_size=10, **FAST).fit(X, y, target_class=1)  # the way out
    assert gen.sample(5).shape == (5, 3)
    with pytest.raises(InvalidParameterError, match="train_size"):
        MOMSGenerator(train_size=1, **FAST).fit(X, y)


def test_categorical_columns_are_one_hot_mapped(data, tmp_path):
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["g"] = pd.Categorical(np.where(X[:, 0] > 0, "u", "v"))
    frame["h"] = np.where(X[:, 1] > 0.5, "p", np.where(X[:, 1] < -0.5, "q", "r"))
    gen = MOMSGenerator(random_state=0, **FAST).fit(frame, y)
    assert gen.n_levels_ == [2, 3] and gen.mean_.shape == (4 + 5,)
    out = gen.sample(30, random_state=1)
    assert list(out.columns) == list(frame.columns)
    assert out["g"].dtype == frame["g"].dtype
    assert set(out["h"]) <= {"p", "q", "r"}
    gen.save(tmp_path / "m")
    back = MOMSGenerator.load(tmp_path / "m", device="cpu")
    pd.testing.assert_frame_equal(out, back.sample(30, random_state=1))
    Xr, yr = Oversampler(MOMSGenerator(**FAST), random_state=0).fit_resample(frame, y)
    assert np.bincount(yr)[0] == np.bincount(yr)[1] and list(Xr.columns) == list(frame.columns)


def test_one_hot_decoding_takes_the_largest_level():
    Z = np.array([[1.5, 0.1, 0.9, 0.3, -2.0, -1.0],
                  [2.5, 0.4, 0.2, 0.1, 0.0, -3.0]])
    num, cat = _one_hot_split(Z, [3, 2])
    np.testing.assert_array_equal(num, Z[:, :1])
    np.testing.assert_array_equal(cat, [[1, 1], [0, 0]])
    back = _one_hot_join(num, cat, [3, 2])
    np.testing.assert_array_equal(back[:, 1:], [[0, 1, 0, 0, 1], [1, 0, 0, 1, 0]])


def test_architecture():
    assert resolve_architecture(16, "paper", "paper") == ((32, 64, 128, 256), 512)
    assert resolve_architecture(16) == ((32, 64, 128, 256), 256)
    assert resolve_architecture(8) == resolve_architecture(8, "paper", "paper")
    assert resolve_architecture(40) == ((80, 160, 256, 256), 256)
    assert resolve_architecture(3, (5,), 2) == ((5,), 2)
    gen = MOMSGenerator()
    small = gen.memory_estimate(1000, 8, 100)
    assert 0 < small < gen.memory_estimate(100_000, 8, 1_000)
