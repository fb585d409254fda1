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
