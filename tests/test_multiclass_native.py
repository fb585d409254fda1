"""Multiclass-native generators: fitted once for every class, drawn per class.

The Oversampler and the size searches fit such a generator once (``target_class=None``)
and draw each class with ``sample(n, target_class=c)``; each class's draws are
prefix-consistent on their own.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import Oversampler
from synthaug.checks import check_generator
from synthaug.exceptions import InvalidParameterError
from synthaug.generators import GaussianGenerator
from synthaug.generators.base import BaseGenerator
from synthaug.search import VTSS


class ClassMeans(BaseGenerator):
    """Every class at once: its mean plus standard normal noise. Counts its fits."""

    multiclass_native = True
    fits = 0

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _fit(self, X_num, X_cat, y, target_class):
        type(self).fits += 1
        self.means_ = {c: X_num[y == c].mean(axis=0) for c in np.unique(y).tolist()}

    def _sample_chunk(self, rng, size, target_class):
        mean = self.means_[target_class]
        return mean + rng.standard_normal((size, len(mean))), np.empty((size, 0), np.int64)


class ForeignClassMeans:
    """The same, outside the base class (the protocol alone)."""

    multiclass_native = True

    def __init__(self, random_state=None):
        self.random_state = random_state

    def get_params(self, deep=True):
        return {"random_state": self.random_state}

    def set_params(self, **params):
        self.random_state = params.get("random_state", self.random_state)
        return self

    def fit(self, X, y, *, target_class=None):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        self.means_ = {c: X[y == c].mean(axis=0) for c in np.unique(y).tolist()}
        self.default_ = target_class
        return self

    def sample(self, n, *, target_class=None, random_state=None):
        c = self.default_ if target_class is None else target_class
        rng = np.random.default_rng([random_state or 0, int(c)])
        return self.means_[c] + rng.standard_normal((n, len(self.means_[c])))


def three_classes(seed=0):
    rng = np.random.default_rng(seed)
    sizes, centres = (200, 60, 25), (0.0, 6.0, -6.0)
    X = np.vstack([rng.normal(m, 1.0, (n, 3)) for n, m in zip(sizes, centres)])
    y = np.repeat([0, 1, 2], sizes)
    return X, y


def test_oversampler_fits_a_native_generator_once_and_draws_each_class():
    X, y = three_classes()
    ClassMeans.fits = 0
    sampler = Oversampler(ClassMeans(), random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert ClassMeans.fits == 1
    assert sampler.generators_[1] is sampler.generators_[2]
    assert np.bincount(y_res).tolist() == [200, 200, 200]
    new, labels = X_res[len(y):], y_res[len(y):]
    # each class's rows come from that class's law (means 6 and -6, unit noise)
    assert abs(new[labels == 1].mean() - 6.0) < 0.2
    assert abs(new[labels == 2].mean() + 6.0) < 0.2
    again = Oversampler(ClassMeans(), random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(again, X_res)


def test_native_sample_is_per_class_and_prefix_consistent():
    X, y = three_classes()
    gen = ClassMeans().fit(X, y)
    a = gen.sample(50, target_class=1, random_state=3)
    np.testing.assert_array_equal(gen.sample(20, target_class=1, random_state=3), a[:20])
    b = gen.sample(50, target_class=2, random_state=3)
    # the classes draw from their own streams, not the same noise shifted
    assert not np.allclose(a - a.mean(axis=0), b - b.mean(axis=0))
    with pytest.raises(InvalidParameterError, match=r"name the one to draw.*\[0, 1, 2\]"):
        gen.sample(5, random_state=0)
    with pytest.raises(InvalidParameterError, match="target_class=7 is not a class"):
        gen.sample(5, target_class=7)
    # a target_class given to fit is the default class of sample
    default = ClassMeans().fit(X, y, target_class=2)
    np.testing.assert_array_equal(default.sample(50, random_state=3), b)


def test_a_generator_fitted_for_one_class_refuses_another():
    X, y = three_classes()
    gen = GaussianGenerator(random_state=0).fit(X, y, target_class=2)
    assert gen.sample(4, target_class=2, random_state=0).shape == (4, 3)
    with pytest.raises(InvalidParameterError, match="fit it again with target_class=1"):
        gen.sample(4, target_class=1)


def test_check_generator_runs_the_per_class_checks():
    X, y = three_classes()
    passed = check_generator(ClassMeans(), X, y)
    assert passed["per_class"]
    assert "per_class" not in check_generator(GaussianGenerator(), X, y)


def test_a_foreign_native_generator_is_fitted_once_by_the_oversampler():
    X, y = three_classes()
    X_res, y_res = Oversampler(ForeignClassMeans(), random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [200, 200, 200]
    new, labels = X_res[len(y):], y_res[len(y):]
    assert abs(new[labels == 2].mean() + 6.0) < 0.2


def test_vtss_fits_a_native_generator_once_per_fold():
    X, y = three_classes()
    ClassMeans.fits = 0
    search = VTSS(LogisticRegression(max_iter=500), ClassMeans(), gammas=(0.0, 0.5, 1.0),
                  cv=3, random_state=0).fit(X, y)
    # 3 folds, one fit each, plus the refit of the chosen size (if it adds rows)
    assert ClassMeans.fits == 3 + (search.best_gamma_ > 0)
    assert search.class_gaps_ == {1: 140, 2: 175}
    # the refit's sampler holds one generator for both classes
    generators = search.best_sampler_.generators_ if search.best_gamma_ > 0 else {}
    assert len({id(g) for g in generators.values()}) <= 1


def test_memory_estimate_counts_a_native_generator_once():
    _, y = three_classes()

    class Sized(ClassMeans):
        def memory_estimate(self, n_rows, n_features, n_target):
            return 1000 * n_target

    class SizedPerClass(GaussianGenerator):
        def memory_estimate(self, n_rows, n_features, n_target):
            return 1000 * n_target

    output = (len(y) + 140 + 175) * 3 * 8 + (len(y) + 140 + 175) * 9
    # classes 1 and 2 (60 and 25 rows) receive rows: the largest once, or both
    assert Oversampler(Sized()).memory_estimate(y, 3) == output + 1000 * 60
    assert Oversampler(SizedPerClass()).memory_estimate(y, 3) == output + 1000 * (60 + 25)
