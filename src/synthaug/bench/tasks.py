"""One task of the bench: a dataset, a method, a classifier and one fold.

:func:`run_task` is what a worker executes. It loads the dataset (a bundled one by name; a
user's file travels with the task), makes the fold's split, fits the preprocessing on the
training part only (:mod:`synthaug.bench.preprocess`), resamples the training part only,
fits the classifier (for the ``threshold`` baseline, wrapped in
:func:`threshold_moving`), scores the test part with every metric of
:mod:`synthaug.metrics`, and returns one row for the store. It never raises: errors and
timeouts become rows with a status and the error text, and warnings are kept in the row's
``warnings`` field.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import socket
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

import numpy as np

__all__ = ["METRIC_COLUMNS", "Task", "TaskTimeout", "bias_corrected", "run_task",
           "threshold_moving", "versions"]

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
    #: The table of a user's file (see :mod:`synthaug.bench.data`), carried to the worker;
    #: None for a bundled dataset, which the worker loads by name.
    data: Any = field(default=None, compare=False, repr=False)

    @property
    def task_id(self) -> str:
        """A hash of what the task computes (not its time limit; a file's table is
        identified by the content hash in its dataset name)."""
        key = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("timeout", "data")}
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
            f"{task.dataset} has {n_min} rows of its smallest class, fewer than the "
            f"{task.n_folds} folds.")
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
    from synthaug.bench.classifiers import make_classifier
    from synthaug.bench.data import load_bundled
    from synthaug.bench.methods import parse_method
    from synthaug.bench.preprocess import FoldPreprocessing, take_rows

    spec = parse_method(task.method)
    seed = task.fold_seed()
    clf = make_classifier(task.classifier, seed)
    reason = _weights_not_applicable(spec, clf, task.classifier)
    if reason:
        row.update(status="not_applicable", error=reason)
        return
    data = task.data if task.data is not None else load_bundled(task.dataset)
    reason = _not_applicable(spec, clf, data)
    if reason:
        row.update(status="not_applicable", error=reason)
        return
    train, test = _split(data.y, task)
    row["n_train"], row["n_test"] = len(train), len(test)
    prep = FoldPreprocessing(data.categorical)
    X_tr, X_te = prep.before_resampling(take_rows(data.X, train), take_rows(data.X, test))
    y_tr, y_te = data.y[train], data.y[test]
    if spec.size_policy is not None:
        _run_size_policy(spec, clf, X_tr, y_tr, X_te, y_te, seed, row, data.positive)
        return
    if spec.training == "bias-corrected":
        clf = bias_corrected(spec, clf, seed)
    if spec.generator == "threshold":
        reason = _threshold_folds_too_small(y_tr)
        if reason:
            row.update(status="not_applicable", error=reason)
            return
        clf = threshold_moving(clf, seed)
    t0 = time.perf_counter()
    sampler = spec.make_sampler(seed)
    if sampler is not None:
        X_tr, y_tr = sampler.fit_resample(X_tr, y_tr)
    row["n_synthetic"] = len(y_tr) - len(train)
    t1 = time.perf_counter()
    X_tr, X_te = prep.for_classifier(X_tr, X_te)
    clf.fit(X_tr, y_tr, **_class_weights(spec, clf, y_tr))
    t2 = time.perf_counter()
    if spec.training == "bias-corrected":
        row["n_synthetic"] = int(clf.n_synthetic_)
    _score(clf, X_te, y_te, row, data.positive)
    row.update(status="ok", resample_time=t1 - t0, fit_time=t2 - t1)


def _weights_not_applicable(spec: Any, clf: Any, name: str) -> str | None:
    """Why a method that weights the classes cannot use this classifier (``class-weight``,
    or a size policy with ``reweight``), known before any data is read; else None."""
    from synthaug.bench.classifiers import class_weight_mode

    if class_weight_mode(clf) is not None:
        return None
    if spec.generator == "class-weight":
        return f"{name} takes neither class_weight nor sample_weight"
    if spec.size_params.get("reweight"):
        return (f"{name} takes neither class_weight nor sample_weight, which "
                f"{spec.size_policy.upper()} with reweight needs to balance every candidate")
    return None


def bias_corrected(spec: Any, classifier: Any, seed: int) -> Any:
    """The ``+bias-corrected`` training mode: the method's generator and fixed size in a
    :class:`~synthaug.correction.BiasCorrectedClassifier` with the logistic loss and the
    classifier's ``C`` (it replaces ``logreg``; other classifiers are not applicable)."""
    from synthaug.correction import BiasCorrectedClassifier
    from synthaug.registry import make_generator
    from synthaug.sizing.counts import parse_strategy

    return BiasCorrectedClassifier(make_generator(spec.generator, **spec.params),
                                   sampling_strategy=parse_strategy(spec.size),
                                   C=classifier.get_params()["C"], random_state=seed)


#: Inner folds of the ``threshold`` baseline's threshold search.
THRESHOLD_FOLDS = 5


def threshold_moving(classifier: Any, seed: int) -> Any:
    """The ``threshold`` baseline: ``classifier`` with its decision threshold tuned to
    maximise the Matthews correlation coefficient by stratified inner cross-validation
    (:class:`~sklearn.model_selection.TunedThresholdClassifierCV`), then refitted on the
    whole training part. Its probabilities are the classifier's own, so only the
    threshold-based metrics can differ from ``none``."""
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    folds = StratifiedKFold(THRESHOLD_FOLDS, shuffle=True, random_state=seed)
    return TunedThresholdClassifierCV(classifier, scoring="matthews_corrcoef", cv=folds,
                                      random_state=seed)


def _threshold_folds_too_small(y_train: np.ndarray) -> str | None:
    """Why the threshold search cannot run on this training part (fewer minority rows
    than its inner folds), else None."""
    n_min = int(np.unique(y_train, return_counts=True)[1].min())
    if n_min < THRESHOLD_FOLDS:
        return (f"{n_min} minority rows in this training fold, fewer than the threshold "
                f"search's {THRESHOLD_FOLDS} inner folds")
    return None


def _class_weights(spec: Any, clf: Any, y_train: np.ndarray) -> dict[str, Any]:
    """Balance the classes in the classifier for ``class-weight`` (its ``class_weight``
    parameter, or the fit arguments to pass); nothing for the other methods."""
    from sklearn.utils.class_weight import compute_sample_weight

    from synthaug.bench.classifiers import class_weight_mode

    if spec.generator != "class-weight":
        return {}
    if class_weight_mode(clf) == "param":
        clf.set_params(class_weight="balanced")
        return {}
    return {"sample_weight": compute_sample_weight("balanced", y_train)}


#: The end of the reason recorded for a binary-only method or classifier.
_BINARY_ONLY = "is for binary data only; this dataset has {k} classes"


def _not_applicable(spec: Any, clf: Any, data: Any) -> str | None:
    """Why the task cannot run on this dataset (recorded as ``not_applicable``), or None."""
    from synthaug.classifiers import KOTARO

    if spec.training == "bias-corrected":
        from sklearn.linear_model import LogisticRegression

        if type(clf) is not LogisticRegression:
            return ("bias-corrected training fits its own logistic regression; it replaces "
                    f"logreg only, not {type(clf).__name__}")
    if data.categorical:
        reason = _numeric_only(spec)
        if reason:
            return (f"{reason} takes numeric features only; this dataset has categorical "
                    f"columns ({', '.join(data.categorical[:5])})")
    if data.is_binary:
        return None
    k = data.n_classes
    if spec.generator == "threshold":
        return f"threshold moving {_BINARY_ONLY.format(k=k)}"
    if spec.training == "bias-corrected":
        return f"bias-corrected training {_BINARY_ONLY.format(k=k)}"
    if isinstance(clf, KOTARO):
        return f"KOTARO {_BINARY_ONLY.format(k=k)}"
    if spec.kind == "sv":
        return f"{spec.generator} (smote-variants) {_BINARY_ONLY.format(k=k)}"
    if spec.kind != "baseline" and _is_ratio(spec.size):
        return f"the ratio size {spec.size} {_BINARY_ONLY.format(k=k)}"
    return None


#: Peer samplers that take categorical columns.
_MIXED_PEERS = ("imblearn:SMOTENC", "imblearn:SMOTEN")


def _numeric_only(spec: Any) -> str | None:
    """The part of a method that needs all-numeric features, or None."""
    if spec.size_policy is not None:
        return f"{spec.size_policy.upper()} (its size search)"
    if spec.training == "bias-corrected":
        return "bias-corrected training"
    if spec.kind in ("imblearn", "sv") and spec.generator not in _MIXED_PEERS:
        return spec.generator
    return None


def _is_ratio(size: str) -> bool:
    try:
        float(size)
    except ValueError:
        return False
    return True


def _score(model: Any, X_te: Any, y_te: np.ndarray, row: dict[str, Any],
           positive: int = 1) -> None:
    """Every metric of the test fold, and the prediction time.

    Binary data: the probability of class ``positive`` (1). Multiclass data: the whole
    probability matrix (ROC AUC and average precision are one-vs-rest, macro-averaged;
    balanced accuracy, G-mean and the balanced losses weigh every class equally), and
    ``f1_minority`` is the F1 score of class ``positive``.
    """
    from synthaug.metrics import classification_report, minority_f1

    t0 = time.perf_counter()
    proba = model.predict_proba(X_te)
    y_pred = model.predict(X_te)
    row["predict_time"] = time.perf_counter() - t0
    classes = list(model.classes_)
    if len(classes) == 2:
        row.update(classification_report(y_te, y_pred=y_pred,
                                         proba=proba[:, classes.index(positive)]))
        return
    row.update(classification_report(y_te, y_pred=y_pred, proba=proba, labels=classes))
    row["f1_minority"] = minority_f1(y_te, y_pred, pos_label=positive)


def _inner_folds_too_small(search: Any, y: np.ndarray) -> str | None:
    """Why the size search cannot run on this training part, known before it starts: fewer
    minority rows than inner folds, or too few in an inner training part for the
    generator's ``k_neighbors``; else None."""
    from synthaug._labels import class_roles

    roles = class_roles(y)
    n_min, cv = roles.counts[roles.minority], int(search.cv)
    if n_min < cv:
        return (f"{n_min} minority rows in this training fold, fewer than the size "
                f"search's {cv} inner folds")
    params = search.generator.get_params() if hasattr(search.generator, "get_params") else {}
    k = params.get("k_neighbors")
    smallest = n_min - math.ceil(n_min / cv)
    if isinstance(k, int) and smallest < k + 1:
        return (f"{n_min} minority rows in this training fold leave {smallest} in an inner "
                f"training part of the size search (cv={cv}), fewer than k_neighbors + 1 = "
                f"{k + 1}")
    return None


def _run_size_policy(spec: Any, clf: Any, X_tr: np.ndarray, y_tr: np.ndarray,
                     X_te: np.ndarray, y_te: np.ndarray, seed: int, row: dict[str, Any],
                     positive: int = 1) -> None:
    """VTSS / TG-VTSS with the task's classifier as the estimator.

    The whole search (inner cross-validation, diagnostics, final refit) is counted as
    ``resample_time``; ``fit_time`` is 0. A classifier the policy cannot use (no
    probabilities) makes the task not applicable; so does one without class or sample
    weights for ``reweight``, checked before the data are read (see
    :func:`_weights_not_applicable`).
    """
    from synthaug.exceptions import InvalidParameterError

    search = spec.make_search(clf, seed)
    try:
        search._check_estimator()
    except InvalidParameterError as exc:
        row.update(status="not_applicable", error=str(exc))
        return
    reason = _inner_folds_too_small(search, y_tr)
    if reason:
        row.update(status="not_applicable", error=reason)
        return
    t0 = time.perf_counter()
    search.fit(X_tr, y_tr)
    t1 = time.perf_counter()
    _score(search, X_te, y_te, row, positive)
    row.update(status="ok", resample_time=t1 - t0, fit_time=0.0,
               n_synthetic=int(search.best_size_))
