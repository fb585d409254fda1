"""One task of the bench: a dataset, a method, a classifier and one fold.

:func:`run_task` is what a worker executes. It loads the dataset, makes the fold's split,
fits the preprocessing on the training part only, resamples the training part only, fits
the classifier, scores the test part with every metric of :mod:`synthaug.metrics`, and
returns one row for the store. It never raises: errors and timeouts become rows with a
status and the error text, and warnings are kept in the row's ``warnings`` field.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

__all__ = ["METRIC_COLUMNS", "Task", "TaskTimeout", "run_task", "versions"]

from synthaug.metrics import METRICS

METRIC_COLUMNS = tuple(METRICS)


class TaskTimeout(Exception):
    """Raised inside a task that ran past its time limit."""


@dataclass(frozen=True)
class Task:
    """Everything that identifies one unit of work (and its time limit)."""

    dataset: str
    method: str
    classifier: str
    n_folds: int
    n_repeats: int
    repeat: int
    fold: int
    seed: int
    timeout: float | None = None

    @property
    def task_id(self) -> str:
        key = {k: v for k, v in asdict(self).items() if k != "timeout"}
        return hashlib.sha1(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]

    def fold_seed(self) -> int:
        """The seed of this fold's sampler and classifier."""
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.repeat, self.fold))
        return int(seq.generate_state(1)[0] % (2**31 - 1))


def versions() -> dict[str, str]:
    """Versions of the libraries that produce the numbers."""
    import imblearn
    import sklearn

    import synthaug

    out = {"synthaug": synthaug.__version__, "scikit-learn": sklearn.__version__,
           "imbalanced-learn": imblearn.__version__, "numpy": np.__version__}
    with contextlib.suppress(ImportError):
        import smote_variants

        out["smote-variants"] = smote_variants.__version__
    return out


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TaskTimeout` after ``seconds`` (main thread of a process only; the
    executors also enforce the limit from outside)."""
    usable = (seconds and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise TaskTimeout(f"task exceeded its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _split(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import RepeatedStratifiedKFold

    from synthaug.exceptions import NotEnoughSamplesError

    n_min = int(np.bincount(y).min())
    if n_min < task.n_folds:
        raise NotEnoughSamplesError(
            f"{task.dataset} has {n_min} minority rows, fewer than the {task.n_folds} folds.")
    cv = RepeatedStratifiedKFold(n_splits=task.n_folds, n_repeats=task.n_repeats,
                                 random_state=task.seed)
    index = task.repeat * task.n_folds + task.fold
    for i, (train, test) in enumerate(cv.split(np.zeros(len(y)), y)):
        if i == index:
            return train, test
    raise IndexError(f"fold {task.fold} of repeat {task.repeat} does not exist")


def base_row(task: Task) -> dict[str, Any]:
    from synthaug.bench.methods import parse_method

    row: dict[str, Any] = {
        "task_id": task.task_id, "dataset": task.dataset, "method": task.method,
        "method_params": None, "classifier": task.classifier, "repeat": task.repeat,
        "fold": task.fold, "n_folds": task.n_folds, "seed": task.seed, "status": None,
        "error": None, "fit_time": None, "resample_time": None, "predict_time": None,
        "n_train": None, "n_test": None, "n_synthetic": None, "warnings": None,
        "versions": json.dumps(versions()), "worker": f"{socket.gethostname()}:{os.getpid()}",
    }
    with contextlib.suppress(Exception):
        row["method_params"] = parse_method(task.method).params_json()
    for name in METRIC_COLUMNS:
        row[name] = None
    return row


def run_task(task: Task) -> dict[str, Any]:
    """Run one task and return its row (never raises)."""
    row = base_row(task)
    row["started_at"] = datetime.now(timezone.utc).isoformat()
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught, _time_limit(task.timeout):
            warnings.simplefilter("always")
            _run(task, row)
    except TaskTimeout as exc:
        row.update(status="timeout", error=str(exc))
    except Exception as exc:
        tb = traceback.format_exception_only(type(exc), exc)
        row.update(status="failed", error="".join(tb).strip()[-2000:])
    if caught:  # kept with the row instead of flooding the console of a long run
        texts = dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught)
        row["warnings"] = "\n".join(texts)[:2000]
    row["finished_at"] = datetime.now(timezone.utc).isoformat()
    return row


def _run(task: Task, row: dict[str, Any]) -> None:
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.class_weight import compute_sample_weight

    from synthaug.bench.classifiers import class_weight_mode, make_classifier
    from synthaug.bench.methods import parse_method
    from synthaug.datasets import load_dataset

    spec = parse_method(task.method)
    seed = task.fold_seed()
    clf = make_classifier(task.classifier, seed)
    fit_kwargs: dict[str, Any] = {}
    if spec.generator == "class-weight":
        mode = class_weight_mode(clf)
        if mode is None:
            row.update(status="not_applicable",
                       error=f"{task.classifier} takes neither class_weight nor sample_weight")
            return
    X, y = load_dataset(task.dataset)
    train, test = _split(y, task)
    row["n_train"], row["n_test"] = len(train), len(test)
    scaler = StandardScaler().fit(X[train])
    X_tr, y_tr = scaler.transform(X[train]), y[train]
    X_te, y_te = scaler.transform(X[test]), y[test]

    if spec.size_policy is not None:
        _run_size_policy(spec, clf, X_tr, y_tr, X_te, y_te, seed, row, len(train))
        return
    t0 = time.perf_counter()
    sampler = spec.make_sampler(seed)
    if sampler is not None:
        X_tr, y_tr = sampler.fit_resample(X_tr, y_tr)
    row["n_synthetic"] = len(y_tr) - len(train)
    t1 = time.perf_counter()
    if spec.generator == "class-weight":
        if class_weight_mode(clf) == "param":
            clf.set_params(class_weight="balanced")
        else:
            fit_kwargs["sample_weight"] = compute_sample_weight("balanced", y_tr)
    clf.fit(X_tr, y_tr, **fit_kwargs)
    t2 = time.perf_counter()
    _score(clf, X_te, y_te, row)
    row.update(status="ok", resample_time=t1 - t0, fit_time=t2 - t1)


def _score(model: Any, X_te: np.ndarray, y_te: np.ndarray, row: dict[str, Any]) -> None:
    """Every metric of the test fold (minority label 1), and the prediction time."""
    from synthaug.metrics import classification_report

    t0 = time.perf_counter()
    proba = model.predict_proba(X_te)[:, list(model.classes_).index(1)]
    y_pred = model.predict(X_te)
    row["predict_time"] = time.perf_counter() - t0
    row.update(classification_report(y_te, y_pred=y_pred, proba=proba))


def _run_size_policy(spec: Any, clf: Any, X_tr: np.ndarray, y_tr: np.ndarray,
                     X_te: np.ndarray, y_te: np.ndarray, seed: int, row: dict[str, Any],
                     n_train: int) -> None:
    """VTSS / TG-VTSS with the task's classifier as the estimator.

    The whole search (inner cross-validation, diagnostics, final refit) is counted as
    ``resample_time``; ``fit_time`` is 0. A classifier the policy cannot use (no
    probabilities, or no per-sample scores for TG-VTSS) makes the task not applicable.
    """
    from synthaug.exceptions import InvalidParameterError

    search = spec.make_search(clf, seed)
    try:
        search._check_estimator()
    except InvalidParameterError as exc:
        row.update(status="not_applicable", error=str(exc))
        return
    t0 = time.perf_counter()
    search.fit(X_tr, y_tr)
    t1 = time.perf_counter()
    _score(search, X_te, y_te, row)
    row.update(status="ok", resample_time=t1 - t0, fit_time=0.0,
               n_synthetic=int(search.best_size_))
