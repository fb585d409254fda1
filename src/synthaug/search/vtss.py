"""VTSS and TG-VTSS: choose how many synthetic rows to add by balanced validation loss.

Both are meta-estimators in the manner of ``GridSearchCV``: ``fit(X, y)`` evaluates
candidate synthetic sizes by cross-validation, picks the one with the lowest mean balanced
validation loss, and refits the estimator on all real rows plus that many synthetic rows.

* :class:`VTSS` searches a given grid of multipliers ``gamma`` (size = ``gamma x gap``).
* :class:`TGVTSS` first runs the diagnostics (local-symmetry test, generator quality,
  alignment, theory target) and searches only the candidates they point to.

Per fold, the generator is fitted on the fold's training part only, one synthetic pool of
the largest size is drawn, and every candidate uses a nested prefix of it; candidate sizes
are rescaled to the fold's own gap (``round(gamma x D_fold)``). Logistic regression is
warm-started across the candidates of a fold (convex, so only the path changes; neural
networks are refitted from scratch for each candidate).
"""

from __future__ import annotations

import warnings
from abc import ABCMeta, abstractmethod
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from synthaug._labels import class_roles
from synthaug._random import to_entropy
from synthaug._validation import check_numeric_X_y
from synthaug.diagnostics.quality import alignment, generator_quality, theory_target
from synthaug.diagnostics.scores import SUPPORTED, final_step
from synthaug.diagnostics.symmetry import class_split, symmetry_test
from synthaug.exceptions import (
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.limits import check_memory
from synthaug.metrics import balanced_log_loss
from synthaug.sampler import Oversampler
from synthaug.sizing.counts import Gamma, round_half_up

__all__ = ["TGVTSS", "VTSS", "split_columns"]

DEFAULT_GAMMAS = tuple(np.round(np.linspace(0.5, 1.5, 21), 3))
SYMMETRIC_GAMMAS = (0.0, 0.05, 0.10, 0.15, 0.20)
LOCAL_GAMMAS = tuple(np.round(np.arange(0.80, 1.2001, 0.05), 2))
WIDE_GAMMAS = tuple(np.round(np.arange(0.0, 2.0001, 0.05), 2))
#: TG-VTSS's candidate multipliers per regime (symmetric, local, wide) for each ``grid``.
TG_GRIDS = {
    "fine": (SYMMETRIC_GAMMAS, LOCAL_GAMMAS, WIDE_GAMMAS),
    "coarse": ((0.0, 0.1, 0.2), (0.8, 0.9, 1.0, 1.1, 1.2),
               tuple(np.round(np.arange(0.0, 2.0001, 0.25), 2))),
}


def _fit_augmented(est: Any, X: np.ndarray, y: np.ndarray, pool: np.ndarray, size: int,
                   minority: Any) -> Any:
    X_aug = np.vstack([X, pool[:size]]) if size else X
    y_aug = np.concatenate([y, np.full(size, minority, dtype=y.dtype)]) if size else y
    return est.fit(X_aug, y_aug)


def _fold_losses(estimator: Any, generator: Any, X: np.ndarray, y: np.ndarray,
                 train: np.ndarray, val: np.ndarray, gammas: np.ndarray, minority: Any,
                 seed: int, warm_start: bool) -> tuple[np.ndarray, np.ndarray]:
    """Balanced validation log loss of every candidate on one fold; also the sizes."""
    X_tr, y_tr = X[train], y[train]
    gap = int(max((y_tr != minority).sum() - (y_tr == minority).sum(), 0))
    sizes = np.array([max(round_half_up(g * gap), 0) for g in gammas], dtype=int)
    gen = clone(generator).fit(X_tr, y_tr, target_class=minority)
    pool = np.asarray(gen.sample(int(sizes.max()), random_state=seed), dtype=np.float64)
    est = clone(estimator)
    if warm_start:
        _set_warm_start(est)
    losses = np.empty(len(gammas))
    for i in np.argsort(sizes, kind="stable"):  # growing sizes: warm starts help most
        fitted = _fit_augmented(est if warm_start else clone(estimator), X_tr, y_tr, pool,
                                int(sizes[i]), minority)
        classes = list(fitted.classes_)
        proba = fitted.predict_proba(X[val])[:, classes.index(minority)]
        y_val = (y[val] == minority).astype(int)
        losses[i] = balanced_log_loss(y_val, proba)
    return losses, sizes


def _results_table(gammas: np.ndarray, sizes: np.ndarray, losses: np.ndarray,
                   fold_sizes: np.ndarray) -> dict[str, np.ndarray]:
    """``cv_results_`` in ``GridSearchCV``'s shape: one 1-D array per column, one entry per
    candidate, so ``pandas.DataFrame(search.cv_results_)`` works. ``losses`` and
    ``fold_sizes`` are candidates x folds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no folds: mean of nothing is NaN
        mean = losses.mean(axis=1) if losses.shape[1] else np.full(len(gammas), np.nan)
        std = losses.std(axis=1) if losses.shape[1] else np.full(len(gammas), np.nan)
    rank = np.empty(len(gammas), dtype=int)
    rank[np.argsort(np.where(np.isnan(mean), np.inf, mean), kind="stable")] = np.arange(
        1, len(gammas) + 1)
    table: dict[str, np.ndarray] = {"gamma": np.asarray(gammas, dtype=float),
                                    "size": np.asarray(sizes, dtype=int),
                                    "mean_loss": mean, "std_loss": std, "rank_loss": rank}
    for k in range(losses.shape[1]):
        table[f"split{k}_loss"] = losses[:, k]
    for k in range(fold_sizes.shape[1]):
        table[f"split{k}_size"] = fold_sizes[:, k]
    return table


def split_columns(results: dict[str, np.ndarray], name: str) -> np.ndarray:
    """The per-fold columns ``split0_<name>``, ``split1_<name>``, ... of ``cv_results_`` as
    one candidates x folds matrix."""
    keys = sorted((k for k in results if k.startswith("split") and k.endswith(f"_{name}")),
                  key=lambda k: int(k[5:-len(name) - 1]))
    if not keys:
        return np.empty((len(results["gamma"]), 0))
    return np.column_stack([results[k] for k in keys])


def _warm_start_param(estimator: Any) -> str | None:
    """The warm-start parameter of a convex model (logistic regression), else None.

    Warm starts only change the path to the same optimum for a convex loss fitted to
    convergence; for a neural network they would continue training the previous
    candidate's weights, so candidates would no longer be comparable fits.
    """
    from sklearn.linear_model import LogisticRegression

    last = final_step(estimator)
    if not isinstance(last, LogisticRegression) or "warm_start" not in last.get_params():
        return None
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__warm_start"
    return "warm_start"


def _set_warm_start(estimator: Any) -> None:
    name = _warm_start_param(estimator)
    if name is not None:
        estimator.set_params(**{name: True})


class _SizeSearch(ClassifierMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of VTSS and TG-VTSS (candidates differ)."""

    @abstractmethod
    def _candidates(self, X: np.ndarray, y: np.ndarray, gap: int, entropy: int
                    ) -> np.ndarray:
        """Candidate multipliers of the gap, searched by cross-validation."""

    def _largest_gamma(self) -> float:
        """The largest multiple of the gap a candidate can reach (TG-VTSS's wide grid)."""
        return float(max(WIDE_GAMMAS))

    def memory_estimate(self, y: Any, n_features: int) -> int:
        """Peak bytes of ``fit`` beyond its input and the classifier's own memory, for
        labels ``y`` and ``n_features`` columns: per fold running at once, the training
        part, the synthetic pool of the largest candidate, the augmented copy and the
        generator's working memory; then the final refit (see :mod:`synthaug.limits`)."""
        roles = class_roles(np.asarray(y))
        n, d = sum(roles.counts.values()), int(n_features)
        pool = round_half_up(self._largest_gamma() * roles.gap)
        estimate = getattr(self.generator, "memory_estimate", None)  # a user's may lack it
        work = estimate(n, d, roles.counts[roles.minority]) if callable(estimate) else 0
        per_fold = (n + pool + (n + pool)) * d * 8 + work   # train part, pool, augmented
        folds = self.cv if isinstance(self.cv, int) else 5
        jobs = min(folds, effective_n_jobs(self.n_jobs))   # folds held at once
        return int(jobs * per_fold + (n + pool) * d * 8)   # plus the final refit

    def _check_estimator(self) -> None:
        if not hasattr(self.estimator, "predict_proba"):
            raise InvalidParameterError(
                f"{type(self.estimator).__name__} has no predict_proba; size selection "
                "scores candidates by balanced log loss, so it needs a probabilistic "
                "classifier (e.g. LogisticRegression, HistGradientBoostingClassifier, "
                "SVC(probability=True), MLPClassifier).")

    def fit(self, X: Any, y: Any) -> _SizeSearch:
        """Choose the synthetic size and refit on all rows plus that many synthetic ones."""
        self._check_estimator()
        X, y = check_numeric_X_y(X, y, what="VTSS / TG-VTSS", binary=True)
        majority, minority = class_split(y)
        n0, n1 = int((y == majority).sum()), int((y == minority).sum())
        if isinstance(self.cv, bool) or not isinstance(self.cv, (int, np.integer)) or (
                self.cv < 2):
            raise InvalidParameterError(f"cv must be an integer >= 2, got {self.cv!r}.")
        if n1 < self.cv:
            raise NotEnoughSamplesError(
                f"class {minority!r} has {n1} row{'s' if n1 != 1 else ''}, but cv={self.cv} "
                f"stratified folds need at least {self.cv} rows in each class; lower cv or "
                "add data.")
        gap = n0 - n1
        check_memory(self.memory_estimate(y, X.shape[1]),
                     what=f"{type(self).__name__} on {len(y):,} x {X.shape[1]}",
                     alternative="search on a stratified subsample, run the folds one at a "
                                 "time (n_jobs=1), or use a smaller largest gamma.")
        entropy = to_entropy(self.random_state)
        self.gap_ = gap
        self.minority_class_ = minority
        self.diagnostics_: dict[str, Any] = {}
        if gap == 0:
            warnings.warn("The classes are already balanced (gap 0): no synthetic rows are "
                          "added and no size is searched.", SynthaugWarning, stacklevel=2)
            gammas = np.array([0.0])
            self.cv_results_ = _results_table(gammas, np.array([0]), np.full((1, 0), np.nan),
                                              np.zeros((1, 0), dtype=int))
        else:
            gammas = np.asarray(self._candidates(X, y, gap, entropy), dtype=float)
            folds = StratifiedKFold(self.cv, shuffle=True, random_state=entropy % (2**32))
            warm = self.warm_start and _warm_start_param(self.estimator) is not None
            jobs = Parallel(n_jobs=self.n_jobs)(
                delayed(_fold_losses)(self.estimator, self.generator, X, y, tr, va, gammas,
                                      minority, (entropy + 1 + k) % (2**63), warm)
                for k, (tr, va) in enumerate(folds.split(X, y)))
            self.cv_results_ = _results_table(
                gammas, np.array([round_half_up(g * gap) for g in gammas]),
                np.column_stack([j[0] for j in jobs]), np.column_stack([j[1] for j in jobs]))
        best = int(np.nanargmin(self.cv_results_["mean_loss"])) if gap else 0
        self.best_index_ = best
        self.best_gamma_ = float(gammas[best])
        self.best_size_ = int(self.cv_results_["size"][best])
        self.best_sampler_ = Oversampler(clone(self.generator),
                                         sampling_strategy=Gamma(self.best_gamma_),
                                         random_state=entropy % (2**32))
        if self.best_size_ > 0:
            X_res, y_res = self.best_sampler_.fit_resample(X, y)
        else:
            X_res, y_res = X, y
        self.best_estimator_ = clone(self.estimator).fit(X_res, y_res)
        self.classes_ = self.best_estimator_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _fitted(self) -> Any:
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet.")
        return self.best_estimator_

    def predict(self, X: Any) -> np.ndarray:
        """Labels from the refitted estimator."""
        return self._fitted().predict(np.asarray(X, dtype=np.float64))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from the refitted estimator."""
        return self._fitted().predict_proba(np.asarray(X, dtype=np.float64))

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # binary problems only
        tags.input_tags.allow_nan = False
        return tags

    def plot(self, ax: Any = None) -> Any:
        """The validation-loss curve over synthetic sizes, with the chosen size and full
        balance marked. Returns the matplotlib Figure (no pyplot is used)."""
        from matplotlib.figure import Figure

        self._fitted()
        res = self.cv_results_
        if ax is None:
            fig = Figure(figsize=(6, 4))
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        order = np.argsort(res["size"])
        size, mean, sd = res["size"][order], res["mean_loss"][order], res["std_loss"][order]
        ax.plot(size, mean, marker="o", ms=3, label="mean validation loss")
        ax.fill_between(size, mean - sd, mean + sd, alpha=0.2, label="+/- 1 sd over folds")
        ax.axvline(self.gap_, color="grey", ls="--", label=f"full balance ({self.gap_})")
        ax.axvline(self.best_size_, color="C3", label=f"chosen ({self.best_size_})")
        ax.set_xlabel("synthetic rows added")
        ax.set_ylabel("balanced log loss (validation)")
        ax.set_title(type(self).__name__)
        ax.legend(fontsize=8)
        return fig


class VTSS(_SizeSearch):
    """Validation-tuned synthetic size: search a grid of multiples of the gap.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
    generator : synthaug generator
    gammas : sequence of float, default=0.5, 0.55, ..., 1.5 (21 values)
        Candidate multipliers; size = ``round(gamma x gap)``.
    cv : int, default=5
        Stratified folds.
    scoring : {"balanced_log_loss"}, default="balanced_log_loss"
    warm_start : bool, default=True
        Warm-start logistic regression across a fold's candidates (other models are
        always refitted from scratch).
    n_jobs : int, optional
        Folds run in parallel (joblib).
    random_state : None, int or Generator

    Attributes
    ----------
    best_gamma_, best_size_ : float, int
        The chosen multiplier and size on the full data.
    best_sampler_ : Oversampler
        An oversampler fixed at the chosen size, for reuse in any pipeline.
    best_estimator_ : estimator
        Refitted on all rows plus ``best_size_`` synthetic rows.
    cv_results_ : dict
        One entry per candidate, as ``GridSearchCV`` gives (``pandas.DataFrame`` of it
        works): ``gamma``, ``size``, ``mean_loss``, ``std_loss``, ``rank_loss`` and, per
        fold ``k``, ``split{k}_loss`` and ``split{k}_size`` (the size rescaled to that
        fold's gap). :func:`split_columns` gathers them into a candidates x folds matrix.
    """

    def __init__(self, estimator: Any, generator: Any, gammas: Any = DEFAULT_GAMMAS, cv: int = 5,
                 scoring: str = "balanced_log_loss", warm_start: bool = True,
                 n_jobs: int | None = None, random_state: Any = None) -> None:
        self.estimator = estimator
        self.generator = generator
        self.gammas = gammas
        self.cv = cv
        self.scoring = scoring
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _largest_gamma(self) -> float:
        g = np.asarray(self.gammas, dtype=float).ravel()
        return float(g.max()) if g.size and np.isfinite(g).all() else 0.0

    def _candidates(self, X: np.ndarray, y: np.ndarray, gap: int, entropy: int) -> np.ndarray:
        if self.scoring != "balanced_log_loss":
            raise InvalidParameterError(
                f"scoring must be 'balanced_log_loss', got {self.scoring!r}.")
        g = np.asarray(self.gammas, dtype=float).ravel()
        if g.size == 0 or np.any(g < 0) or not np.all(np.isfinite(g)):
            raise InvalidParameterError("gammas must be a non-empty list of numbers >= 0.")
        return np.unique(g)


class TGVTSS(_SizeSearch):
    """Theory-guided VTSS: diagnostics choose the candidates, validation picks among them.

    1. Local-symmetry test (balanced pilot fit, Wald statistic at level ``alpha``). Under
       local symmetry the candidates are small: 0 to 0.2 x the gap.
    2. Otherwise the cross-fitted generator-quality score: a *biased* generator
       (``GQS > gqs_threshold``) gets the wide grid 0 to 2 x the gap (41 sizes); a
       *realistic* one gets 0.8 to 1.2 x the gap and 0.8 to 1.2 x the theory target
       ``n_th`` (when it exists).
    3. The candidate with the lowest cross-validated balanced log loss wins.

    Parameters
    ----------
    estimator : classifier
        One of the models with scores (:data:`synthaug.diagnostics.SUPPORTED`):
        LogisticRegression (alone or last in a Pipeline) or MLPClassifier.
    generator : synthaug generator
    alpha : float, default=0.05
    gqs_threshold : float, default=10
    cv : int, default=5
    gqs_cv : int, default=3
    grid : {"fine", "coarse"}, default="fine"
        Spacing of the candidate multipliers. ``"fine"``: steps of 0.05 (0 to 0.2,
        0.8 to 1.2, 0 to 2: 5, 9 (+9) or 41 candidates). ``"coarse"``: 0, 0.1, 0.2; 0.8,
        0.9, ..., 1.2; 0, 0.25, ..., 2 (3, 5 (+5) or 9 candidates), for a cheaper search
        over the same ranges.
    warm_start, n_jobs, random_state
        As in :class:`VTSS`.

    Attributes
    ----------
    diagnostics_ : dict
        ``regime``, ``symmetry`` (the test), ``quality`` (GQS, label, g_psi), ``alignment``,
        ``theory_target`` (rows, or None) and ``candidates`` (sizes on the full data).
    """

    def __init__(self, estimator: Any, generator: Any, alpha: float = 0.05,
                 gqs_threshold: float = 10.0, cv: int = 5, gqs_cv: int = 3,
                 grid: str = "fine", warm_start: bool = True, n_jobs: int | None = None,
                 random_state: Any = None) -> None:
        self.estimator = estimator
        self.generator = generator
        self.alpha = alpha
        self.gqs_threshold = gqs_threshold
        self.cv = cv
        self.gqs_cv = gqs_cv
        self.grid = grid
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _check_estimator(self) -> None:
        super()._check_estimator()
        from sklearn.linear_model import LogisticRegression
        from sklearn.neural_network import MLPClassifier

        if not isinstance(final_step(self.estimator), (LogisticRegression, MLPClassifier)):
            raise InvalidParameterError(
                f"TG-VTSS needs per-sample scores of the model; "
                f"{type(final_step(self.estimator)).__name__} has none. Supported: "
                f"{'; '.join(SUPPORTED[:2])}. Use VTSS for other classifiers.")

    def _candidates(self, X: np.ndarray, y: np.ndarray, gap: int, entropy: int) -> np.ndarray:
        if self.grid not in TG_GRIDS:
            raise InvalidParameterError(
                f"grid must be one of {', '.join(map(repr, TG_GRIDS))}, got {self.grid!r}.")
        symmetric, local, wide = TG_GRIDS[self.grid]
        test = symmetry_test(self.estimator, X, y, alpha=self.alpha)
        diag: dict[str, Any] = {"symmetry": test.as_dict(), "regime": test.regime,
                                "quality": None, "alignment": None, "theory_target": None}
        if test.symmetric:
            sizes = [round_half_up(g * gap) for g in symmetric]
        else:
            quality = generator_quality(self.estimator, self.generator, X, y, cv=self.gqs_cv,
                                        threshold=self.gqs_threshold,
                                        random_state=entropy % (2**32))
            diag["quality"] = quality.as_dict()
            diag["alignment"] = alignment(test.g_phi, quality.g_psi)
            target = theory_target(gap, test.g_phi, quality.g_psi)
            diag["theory_target"] = target
            if quality.realistic:
                sizes = [round_half_up(g * gap) for g in local]
                if target is not None:
                    sizes += [round_half_up(g * target) for g in local]
            else:
                sizes = [round_half_up(g * gap) for g in wide]
        sizes = sorted({max(int(s), 0) for s in sizes})
        diag["candidates"] = sizes
        self.diagnostics_ = diag
        return np.asarray(sizes, dtype=float) / gap
