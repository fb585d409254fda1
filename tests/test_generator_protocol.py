"""Bring your own generator: any estimator with fit(X, y, *, target_class) and
sample(n, *, random_state) works where a built-in one does, and check_generator tests the
protocol on any generator."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from synthaug import Gamma, Oversampler
from synthaug.checks import GeneratorCheckError, check_generator
from synthaug.exceptions import InvalidInputError, InvalidParameterError
from synthaug.registry import GENERATORS
from synthaug.search import VTSS


class DiagonalGaussian(BaseEstimator):
    """A user's generator: a diagonal Gaussian fitted to the target class."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def fit(self, X, y, *, target_class):
        rows = np.asarray(X, dtype=float)[np.asarray(y) == target_class]
        self.mean_, self.std_ = rows.mean(axis=0), rows.std(axis=0) * self.scale
        self.columns_ = list(X.columns) if isinstance(X, pd.DataFrame) else None
        return self

    def sample(self, n, *, random_state=None):
        z = np.random.default_rng(random_state).standard_normal((n, self.mean_.size))
        rows = self.mean_ + z * self.std_
        return pd.DataFrame(rows, columns=self.columns_) if self.columns_ else rows


class NotPrefixConsistent(DiagonalGaussian):
    def sample(self, n, *, random_state=None):
        rng = np.random.default_rng(random_state)
        rng.standard_normal(n)  # the stream depends on n: prefixes break
        return self.mean_ + rng.standard_normal((n, self.mean_.size)) * self.std_


class WrongCount(DiagonalGaussian):
    def sample(self, n, *, random_state=None):
        return super().sample(n + 1, random_state=random_state)


class NaNRows(DiagonalGaussian):
    def sample(self, n, *, random_state=None):
        rows = super().sample(n, random_state=random_state)
        rows[:, 0] = np.nan
        return rows


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (150, 3)), rng.normal(2, 1, (30, 3))])
    return X, np.r_[np.zeros(150, int), np.ones(30, int)]


def test_user_generator_passes_the_protocol_checks():
    assert all(check_generator(DiagonalGaussian()).values())


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_registered_generator_passes_the_protocol_checks(name):
    assert all(check_generator(GENERATORS[name]()).values())


@pytest.mark.parametrize("broken, check", [(NotPrefixConsistent(), "prefix_consistent"),
                                           (WrongCount(), "sample_shape"),
                                           (NaNRows(), "sample_finite")])
def test_check_generator_names_the_broken_promise(broken, check):
    with pytest.raises(GeneratorCheckError, match=f"fails {check}"):
        check_generator(broken)


def test_user_generator_in_oversampler_exact_counts_and_types():
    X, y = _data()
    X_res, y_res = Oversampler(DiagonalGaussian(), sampling_strategy=Gamma(0.5),
                               random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [150, 90]
    np.testing.assert_array_equal(X_res[:180], X)
    # the new rows come from the user's model: mean near the minority mean
    np.testing.assert_allclose(X_res[180:].mean(axis=0), X[150:].mean(axis=0), atol=0.5)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    F_res, s_res = Oversampler(DiagonalGaussian(), random_state=0).fit_resample(
        frame, pd.Series(y, name="target"))
    assert list(F_res.columns) == ["a", "b", "c"] and s_res.name == "target"
    assert (s_res == 1).sum() == 150
    again, _ = Oversampler(DiagonalGaussian(), random_state=0).fit_resample(
        frame, pd.Series(y, name="target"))
    pd.testing.assert_frame_equal(F_res, again)


def test_user_generator_in_vtss():
    X, y = _data()
    search = VTSS(LogisticRegression(), DiagonalGaussian(), gammas=[0, 1], cv=3,
                  random_state=0).fit(X, y)
    assert isinstance(search.best_sampler_.generator, DiagonalGaussian)
    _, y_res = search.best_sampler_.fit_resample(X, y)
    assert (y_res == 1).sum() - 30 == search.best_size_


@pytest.mark.parametrize("bad, match", [(DiagonalGaussian, "got the class DiagonalGaussian"),
                                        (LogisticRegression(), "lacks sample")])
def test_oversampler_rejects_what_is_not_a_generator(bad, match):
    X, y = _data()
    with pytest.raises(InvalidParameterError, match=match):
        Oversampler(bad).fit_resample(X, y)


@pytest.mark.parametrize("broken, match", [(WrongCount(), r"returned shape \(121, 3\)"),
                                           (NaNRows(), "NaN")])
def test_oversampler_refuses_bad_generator_output(broken, match):
    X, y = _data()
    with pytest.raises(InvalidInputError, match=match):
        Oversampler(broken, random_state=0).fit_resample(X, y)


def test_user_generator_by_import_path_in_the_bench(tmp_path, monkeypatch):
    import os

    from synthaug.bench import BenchConfig, LocalExecutor, run_bench
    from synthaug.bench.store import ResultStore
    from synthaug.exceptions import UnknownMethodError
    from synthaug.registry import generator_class

    tests = os.path.dirname(__file__)
    monkeypatch.setenv("PYTHONPATH", tests + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.syspath_prepend(tests)
    config = BenchConfig(datasets=["iris0"],
                         methods=["none", "bench_helpers.UserGaussian+gamma:0.5",
                                  "bench_helpers.UserGaussian[scale=0.5]"],
                         classifiers=["logreg"], folds=3)
    summary = run_bench(config, tmp_path / "u.sqlite", LocalExecutor(1), quiet=True)
    assert summary.counts == {"ok": 9}
    frame = ResultStore(tmp_path / "u.sqlite").read()
    assert set(frame["method"]) == {"none", "bench_helpers.UserGaussian+gamma:0.5",
                                    "bench_helpers.UserGaussian[scale=0.5]"}
    with pytest.raises(UnknownMethodError, match="is a function, not a generator class"):
        generator_class("os.path.join")
    with pytest.raises(UnknownMethodError, match="lacks sample"):
        generator_class("sklearn.linear_model.LogisticRegression")
