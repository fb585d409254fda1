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


def stored_rows(path, columns="task_id, status"):
    """The rows of a bench store's results table."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {columns} FROM results").fetchall()


def kill_bench_after(cmd, store, min_rows, env=None, timeout=120.0):
    """Start the bench command ``cmd``, SIGKILL its process group once ``store`` holds at
    least ``min_rows`` results, and return how many it held."""
    import os
    import signal
    import sqlite3
    import subprocess

    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.1)
        if store.exists():
            try:
                if len(stored_rows(store)) >= min_rows:
                    break
            except sqlite3.OperationalError:
                pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return len(stored_rows(store))
