"""Classifiers used by the bench tests (imported by path in worker processes)."""

import time

from sklearn.linear_model import LogisticRegression


class SleepyClassifier(LogisticRegression):
    """Logistic regression that sleeps in ``fit``: a task that times out."""

    def fit(self, X, y, sample_weight=None):
        time.sleep(60)
        return super().fit(X, y, sample_weight=sample_weight)


class CrashingClassifier(LogisticRegression):
    """Logistic regression whose ``fit`` kills its own process: a dying worker."""

    def fit(self, X, y, sample_weight=None):
        import os

        os._exit(3)


class UserGaussian:
    """A user's own generator, not derived from synthaug's base class: a diagonal Gaussian
    of the target class (the bench imports it by path)."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def get_params(self, deep=True):
        return {"scale": self.scale}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X, y, *, target_class):
        import numpy as np

        rows = np.asarray(X, dtype=float)[np.asarray(y) == target_class]
        self.mean_, self.std_ = rows.mean(axis=0), rows.std(axis=0) * self.scale
        return self

    def sample(self, n, *, random_state=None):
        import numpy as np

        z = np.random.default_rng(random_state).standard_normal((n, self.mean_.size))
        return self.mean_ + z * self.std_
