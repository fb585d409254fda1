"""``MultiTaskBiasCorrected``: one bias-corrected linear classifier per task, with the bias
of the synthetic rows estimated on the majority classes of all tasks that can afford it.

An extension of :class:`~synthaug.correction.BiasCorrectedClassifier` to several tasks (or
groups), each with its own imbalance. "Bias-Corrected Data Synthesis for Imbalanced
Learning" (Lyu, Ma, L. Zhang, A. R. Zhang; arXiv 2510.26046) mentions imbalanced
multi-task learning as an application; the pooling below is this library's
reconstruction (see ``docs/bias_correction.md``).

For task ``t`` with ``n1_t`` minority and ``n0_t`` majority rows, the synthetic rows and the
augmented risk are the classifier's, on the task's own rows. The bias estimate needs
pseudo-minorities of ``n1_t`` rows plus a reference at least as large, i.e. a majority of at
least ``2 n1_t`` rows; a task whose own majority is smaller (imbalance below 2:1, or a
small task) cannot estimate it alone. With ``bias_sources="pooled"`` the ``R`` splits of
task ``t`` are drawn from the majority classes of every task whose majority holds at least
``2 n1_t`` rows (the task itself included when it does), allotted in proportion to those
majorities' sizes; each split compares rows drawn from one source's pseudo-minority with the
rest of that same source's majority, moved to task ``t``'s minority mean by the transfer, so
that sources in other places of the feature space still measure the generator's error where
task ``t``'s minority lies.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from synthaug._labels import class_roles
from synthaug._random import to_entropy
from synthaug._validation import check_matrix, check_numeric_X_y
from synthaug.correction.classifier import BiasCorrectedClassifier
from synthaug.correction.objective import PointSet
from synthaug.correction.transfer import bias_sets
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
)
from synthaug.sizing.counts import resolve_counts

__all__ = ["MultiTaskBiasCorrected", "allot_splits"]

_SOURCES = ("pooled", "own")


def _seed(entropy: int, *key: int) -> int:
    return int(np.random.SeedSequence(entropy, spawn_key=key).generate_state(1)[0])


def allot_splits(n_splits: int, sizes: dict[Any, int]) -> dict[Any, int]:
    """Share ``n_splits`` among sources in proportion to ``sizes`` (largest remainders,
    ties to the earlier source); sources that get no split are left out."""
    keys = list(sizes)
    w = np.array([sizes[k] for k in keys], dtype=np.float64)
    quota = n_splits * w / w.sum()
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[:n_splits - counts.sum()]] += 1
    return {k: int(c) for k, c in zip(keys, counts) if c > 0}


class MultiTaskBiasCorrected(ClassifierMixin, BaseEstimator):
    """Bias-corrected linear classifiers for several imbalanced tasks (experimental).

    Each task (a value of ``groups``) gets its own linear model, trained as
    :class:`~synthaug.correction.BiasCorrectedClassifier` trains one: on its real rows plus
    synthetic minority rows up to balance, with the synthetic rows' loss bias subtracted.
    The bias is estimated on the majority classes of the tasks with enough majority rows
    (``bias_sources="pooled"``), so a task too small or too balanced to estimate it from its
    own majority still gets a correction. The generator is shared (cloned for every fit).

    Parameters
    ----------
    generator : synthaug generator, default=SMOTEGenerator()
    loss : {"logistic", "squared"}, default="logistic"
    n_splits : int, default=20
        Pseudo-minority splits per task, allotted among its bias sources in proportion to
        their majority sizes.
    bias_sources : {"pooled", "own"}, default="pooled"
        ``"pooled"``: every task whose majority holds at least twice the task's minority
        size. ``"own"``: only the task itself (each task is then the single-task
        classifier, which raises when its majority is too small).
    transfer : {"recentre_sep", "recentre", "loss"}, default="recentre_sep"
        As in :class:`~synthaug.correction.BiasCorrectedClassifier`; the pooled estimate
        relies on the recentring forms to move other tasks' bias to this task's minority.
    scale, convexity_guard, margin, C, fit_intercept, max_iter, tol
        As in :class:`~synthaug.correction.BiasCorrectedClassifier`, per task.
    random_state : None, int or numpy Generator, default=None

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    tasks_ : ndarray
        The task labels seen in ``fit``.
    estimators_ : dict
        Task -> fitted :class:`~synthaug.correction.BiasCorrectedClassifier` holding that
        task's model (``coef_``, ``naive_coef_``, ``scale_``, ``bias_estimate_``...).
    bias_sources_ : dict
        Task -> {source task: splits drawn from its majority}.
    """

    def __init__(self, generator: Any = None, *, loss: str = "logistic", n_splits: int = 20,
                 bias_sources: str = "pooled", transfer: str = "recentre_sep",
                 scale: Any = "auto", convexity_guard: str = "shrink", margin: float = 0.5,
                 C: float = 1.0, fit_intercept: bool = True, max_iter: int = 1000,
                 tol: float = 1e-8, random_state: Any = None) -> None:
        self.generator = generator
        self.loss = loss
        self.n_splits = n_splits
        self.bias_sources = bias_sources
        self.transfer = transfer
        self.scale = scale
        self.convexity_guard = convexity_guard
        self.margin = margin
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _task_estimator(self, seed: int) -> BiasCorrectedClassifier:
        est = BiasCorrectedClassifier(
            self.generator, loss=self.loss, n_splits=self.n_splits, transfer=self.transfer,
            scale=self.scale, convexity_guard=self.convexity_guard, margin=self.margin,
            C=self.C, fit_intercept=self.fit_intercept, max_iter=self.max_iter, tol=self.tol,
            random_state=seed)
        est._check_params()
        return est

    @staticmethod
    def _check_groups(groups: Any, n: int) -> np.ndarray:
        if groups is None:
            raise InvalidInputError("groups is required: one task label per row.")
        g = np.asarray(groups)
        if g.ndim != 1 or len(g) != n:
            raise InvalidInputError(
                f"groups must be 1-D with one task label per row ({n}); got shape {g.shape}.")
        if g.dtype.kind == "f" and not np.isfinite(g).all():
            raise InvalidInputError("groups contains NaN or infinite values.")
        return g

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, groups: Any = None) -> MultiTaskBiasCorrected:
        """Fit one corrected model per task.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes overall; every task must hold both.
        groups : array-like of shape (n_samples,)
            The task of each row.

        Returns
        -------
        self
        """
        if self.bias_sources not in _SOURCES:
            raise InvalidParameterError(
                f"bias_sources must be one of {', '.join(repr(v) for v in _SOURCES)}; got "
                f"{self.bias_sources!r}.")
        X, y = check_numeric_X_y(X, y, what=type(self).__name__, binary=True)
        g = self._check_groups(groups, len(y))
        self.classes_ = np.unique(y)
        self.tasks_ = np.unique(g)
        self.n_features_in_ = X.shape[1]
        roles = {}
        for task in self.tasks_:
            yt = y[g == task]
            if len(np.unique(yt)) < 2:
                raise InvalidInputError(
                    f"Task {task!r} holds only class {yt[0]!r}; every task needs both "
                    "classes.")
            roles[task] = class_roles(yt, binary=True, who=type(self).__name__)
        entropy = to_entropy(self.random_state)
        codec = TableCodec(None).fit(X)
        majorities = {u: X[(g == u) & (y == roles[u].majority)] for u in self.tasks_}
        self.estimators_, self.bias_sources_ = {}, {}
        for i, task in enumerate(self.tasks_):
            mask = g == task
            self.estimators_[task] = self._fit_task(
                X[mask], y[mask], roles[task], task, majorities, codec, _seed(entropy, i))
        return self

    def _sources(self, task: Any, n_A: int, majorities: dict[Any, np.ndarray]
                 ) -> dict[Any, int]:
        """Source task -> number of splits, for a task with minority size ``n_A``."""
        own = {task: len(majorities[task])}
        pool = own if self.bias_sources == "own" else {
            u: len(m) for u, m in majorities.items()}
        eligible = {u: n for u, n in pool.items() if n >= 2 * n_A}
        if not eligible:
            where = "its own majority" if self.bias_sources == "own" else "any task's majority"
            raise NotEnoughSamplesError(
                f"Task {task!r} has a minority of {n_A} rows, so its bias estimate needs a "
                f"majority of at least {2 * n_A} rows (a pseudo-minority of {n_A} plus a "
                f"reference at least as large), but {where} is smaller (largest: "
                f"{max(pool.values())} rows).")
        return allot_splits(int(self.n_splits), eligible)

    def _fit_task(self, Xt: np.ndarray, yt: np.ndarray, roles: Any, task: Any,
                  majorities: dict[Any, np.ndarray], codec: TableCodec, entropy: int
                  ) -> BiasCorrectedClassifier:
        """The classifier's fit on one task, with the bias splits drawn from its sources."""
        est = self._task_estimator(entropy)
        est.classes_, est.n_features_in_ = self.classes_, Xt.shape[1]
        est.minority_class_, est.majority_class_ = roles.minority, roles.majority
        n_A = roles.counts[roles.minority]
        n_tilde = int(resolve_counts(yt, "balance").get(roles.minority, 0))
        est.n_synthetic_, est.pseudo_minority_size_ = n_tilde, n_A
        generator = est._generator()
        t_min, N, naive = est._naive_problem(generator, codec, Xt, yt, roles.minority,
                                             n_tilde, entropy)
        theta_naive, naive_res = est._fit_naive(naive)
        if n_tilde == 0:
            est._finish_without_correction(theta_naive, naive_res)
            self.bias_sources_[task] = {}
            return est
        sources = self._sources(task, n_A, majorities)
        self.bias_sources_[task] = sources
        minority_mean = Xt[yt == roles.minority].mean(axis=0)
        bias: list[PointSet] = []
        est.splits_ = {}
        for j, (u, R_u) in enumerate(sources.items()):
            helper = clone(est).set_params(n_splits=R_u)
            splits = helper._majority_splits(generator, codec, majorities[u], roles, n_A,
                                             n_tilde, _seed(entropy, 4, j))
            est.splits_[u] = splits
            share = R_u / int(self.n_splits)
            bias += [dataclasses.replace(s, weight=s.weight * share)
                     for s in bias_sets(splits, self.transfer, minority_mean, t_min)]
        full_scale = n_tilde / N if self.scale == "auto" else float(self.scale)
        objective = naive.with_bias(bias, full_scale)
        theta, res = est._guarded_fit(objective, theta_naive)
        est.coef_, est.intercept_ = est._unpack(theta)
        est.n_iter_ = int(res.nit) if res is not None else 0
        est.bias_estimate_ = objective.bias_value(theta)
        est.bias_by_split_, est.bias_estimate_std_ = np.empty(0), float("nan")
        return est

    # ------------------------------------------------------------------ predict
    def _per_task(self, X: Any, groups: Any, method: str) -> np.ndarray:
        if not hasattr(self, "estimators_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")
        arr = check_matrix(X, what=type(self).__name__)
        g = self._check_groups(groups, len(arr))
        unknown = np.setdiff1d(np.unique(g), self.tasks_)
        if unknown.size:
            raise InvalidInputError(
                f"groups holds tasks not seen in fit: {unknown[:5].tolist()}.")
        out: np.ndarray | None = None
        for task in np.unique(g):
            mask = g == task
            part = getattr(self.estimators_[task], method)(arr[mask])
            if out is None:
                out = np.empty((len(arr), *part.shape[1:]), dtype=part.dtype)
            out[mask] = part
        return out if out is not None else np.empty(0)

    def decision_function(self, X: Any, groups: Any = None) -> np.ndarray:
        """Scores of each row under its task's model (positive: ``classes_[1]``)."""
        return self._per_task(X, groups, "decision_function")

    def predict_proba(self, X: Any, groups: Any = None) -> np.ndarray:
        """Class probabilities, shape (n_samples, 2), each row from its task's model."""
        return self._per_task(X, groups, "predict_proba")

    def predict(self, X: Any, groups: Any = None) -> np.ndarray:
        """Predicted labels, each row from its task's model."""
        return self._per_task(X, groups, "predict")
