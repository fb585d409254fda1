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
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from synthaug._labels import class_roles, plain_label
from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_numeric_X_y
from synthaug.diagnostics.quality import alignment, generator_quality, theory_target
from synthaug.diagnostics.scores import check_supported, final_step
from synthaug.diagnostics.symmetry import symmetry_test
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.generators.protocol import is_multiclass_native
from synthaug.limits import check_memory
from synthaug.metrics import balanced_log_loss
from synthaug.sampler import Oversampler
from synthaug.search.selection import check_rule, select_candidate
from synthaug.search.weighting import WeightRoute, weight_route
from synthaug.sizing.counts import Gamma, resolve_counts, round_half_up

__all__ = ["TGVTSS", "VTSS", "default_pilot", "split_columns"]

#: VTSS's default multipliers: 0 (no synthetic rows), 0.1, ..., 1.5.
DEFAULT_GAMMAS = tuple(np.round(np.arange(0.0, 1.5001, 0.1), 2))
SYMMETRIC_GAMMAS = (0.0, 0.05, 0.10, 0.15, 0.20)
LOCAL_GAMMAS = tuple(np.round(np.arange(0.80, 1.2001, 0.05), 2))
WIDE_GAMMAS = tuple(np.round(np.arange(0.0, 2.0001, 0.05), 2))
#: TG-VTSS's candidate multipliers per regime (symmetric, local, wide) for each ``grid``.
TG_GRIDS = {
    "fine": (SYMMETRIC_GAMMAS, LOCAL_GAMMAS, WIDE_GAMMAS),
    "coarse": ((0.0, 0.1, 0.2), (0.8, 0.9, 1.0, 1.1, 1.2),
               tuple(np.round(np.arange(0.0, 2.0001, 0.25), 2))),
}


def _augment(X: np.ndarray, y: np.ndarray, pools: dict[Any, np.ndarray],
             counts: dict[Any, int]) -> tuple[np.ndarray, np.ndarray]:
    """The real rows plus the first ``counts[c]`` rows of each class's pool."""
    parts = [(pools[c][:n], c) for c, n in counts.items() if n > 0]
    if not parts:
        return X, y
    X_aug = np.vstack([X, *(p for p, _ in parts)])
    y_aug = np.concatenate([y, *(np.full(len(p), c, dtype=y.dtype) for p, c in parts)])
    return X_aug, y_aug


def _class_seed(seed: int, j: int) -> int:
    """The pool seed of the ``j``-th class that receives rows (the fold's seed for the
    first, so binary searches draw as they always have)."""
    if j == 0:
        return seed
    state = np.random.SeedSequence([seed, j]).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def fold_probabilities(estimator: Any, generator: Any, X: np.ndarray, y: np.ndarray,
                       train: np.ndarray, val: np.ndarray, gammas: np.ndarray, seed: int,
                       warm_start: bool = False, route: WeightRoute | None = None
                       ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Validation probabilities of every candidate size on one fold; also the sizes and
    the fitted classes.

    Each class below the largest gets one synthetic pool of its largest candidate size
    (the generator fitted on the fold's training part, that class as the target; a
    multiclass-native generator is fitted once for all classes), and every
    candidate takes nested prefixes of the pools; sizes come from the one resolver
    (:func:`synthaug.sizing.counts.resolve_counts`) on the fold's own labels.
    """
    X_tr, y_tr = X[train], y[train]
    wanted = [resolve_counts(y_tr, Gamma(float(g))) for g in gammas]
    largest: dict[Any, int] = {}
    for counts in wanted:
        for c, n in counts.items():
            largest[c] = max(largest.get(c, 0), n)
    pools: dict[Any, np.ndarray] = {}
    native = is_multiclass_native(generator)
    shared = clone(generator).fit(X_tr, y_tr, target_class=None) if native and largest \
        else None
    for j, c in enumerate(c for c in class_roles(y_tr).labels if c in largest):
        if shared is None:
            rows = clone(generator).fit(X_tr, y_tr, target_class=c).sample(
                largest[c], random_state=_class_seed(seed, j))
        else:   # one fit models every class
            rows = shared.sample(largest[c], target_class=c,
                                 random_state=_class_seed(seed, j))
        pools[c] = np.asarray(rows, dtype=np.float64)
    sizes = np.array([sum(counts.values()) for counts in wanted], dtype=int)
    est = clone(estimator)
    if warm_start:
        _set_warm_start(est)
    probas: list[np.ndarray] = [np.empty(0)] * len(gammas)
    classes = np.unique(y_tr)
    for i in np.argsort(sizes, kind="stable"):  # growing sizes: warm starts help most
        model = est if warm_start else clone(estimator)
        X_aug, y_aug = _augment(X_tr, y_tr, pools, wanted[i])
        if route is None:
            fitted = model.fit(X_aug, y_aug)
        else:
            fitted = route.fit(route.prepare(model), X_aug, y_aug)
        probas[i] = fitted.predict_proba(X[val])
        classes = fitted.classes_
    return probas, sizes, classes


def _fold_losses(estimator: Any, generator: Any, X: np.ndarray, y: np.ndarray,
                 train: np.ndarray, val: np.ndarray, gammas: np.ndarray, seed: int,
                 warm_start: bool, route: WeightRoute | None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Balanced validation log loss of every candidate on one fold; also the sizes
    (see :func:`fold_probabilities`)."""
    probas, sizes, classes = fold_probabilities(estimator, generator, X, y, train, val,
                                                gammas, seed, warm_start, route)
    losses = np.array([balanced_log_loss(y[val], p, labels=classes) for p in probas])
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
        part, the synthetic pools of the largest candidate, the augmented copy and the
        generator's working memory; then the final refit (see :mod:`synthaug.limits`)."""
        roles = class_roles(np.asarray(y))
        n, d = sum(roles.counts.values()), int(n_features)
        pool = sum(resolve_counts(np.asarray(y), Gamma(self._largest_gamma())).values()) \
            if roles.n_classes > 1 else 0
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
        if self.reweight:
            weight_route(self.estimator)

    def _check_params(self, y: np.ndarray) -> None:
        """Settings that can be checked before any fitting."""
        check_rule(self.rule)
        if not isinstance(self.reweight, (bool, np.bool_)):
            raise InvalidParameterError(f"reweight must be True or False, got "
                                        f"{self.reweight!r}.")
        check_integer("cv", self.cv, 2)
        check_integer("n_repeats", self.n_repeats, 1)
        roles = class_roles(y)
        smallest = min(roles.counts.values())
        if smallest < self.cv:
            label = min(roles.counts, key=roles.counts.get)
            raise NotEnoughSamplesError(
                f"class {label!r} has {smallest} row{'s' if smallest != 1 else ''}, but "
                f"cv={self.cv} stratified folds need at least {self.cv} rows in each class; "
                "lower cv or add data.")

    def _splitter(self, entropy: int) -> Any:
        seed = entropy % (2**32)
        if self.n_repeats == 1:
            return StratifiedKFold(self.cv, shuffle=True, random_state=seed)
        return RepeatedStratifiedKFold(n_splits=self.cv, n_repeats=self.n_repeats,
                                       random_state=seed)

    def fit(self, X: Any, y: Any) -> _SizeSearch:
        """Choose the synthetic size and refit on all rows plus that many synthetic ones."""
        self._check_estimator()
        X, y = check_numeric_X_y(X, y, what="VTSS / TG-VTSS")
        roles = class_roles(y)
        if roles.n_classes < 2:
            raise InvalidInputError(
                f"VTSS / TG-VTSS need at least two classes; y holds only {roles.labels[0]!r}.")
        self._check_params(y)
        route = weight_route(self.estimator) if self.reweight else None
        self.class_gaps_ = {c: roles.counts[roles.majority] - n
                            for c, n in roles.counts.items() if c != roles.majority}
        gap = int(sum(self.class_gaps_.values()))
        check_memory(self.memory_estimate(y, X.shape[1]),
                     what=f"{type(self).__name__} on {len(y):,} x {X.shape[1]}",
                     alternative="search on a stratified subsample, run the folds one at a "
                                 "time (n_jobs=1), or use a smaller largest gamma.")
        entropy = to_entropy(self.random_state)
        self.gap_ = gap
        self.minority_class_ = roles.minority
        self.diagnostics_: dict[str, Any] = {}
        if gap == 0:
            warnings.warn("The classes are already balanced (gap 0): no synthetic rows are "
                          "added and no size is searched.", SynthaugWarning, stacklevel=2)
            gammas = np.array([0.0])
            self.cv_results_ = _results_table(gammas, np.array([0]), np.full((1, 0), np.nan),
                                              np.zeros((1, 0), dtype=int))
            best = 0
        else:
            gammas = np.asarray(self._candidates(X, y, gap, entropy), dtype=float)
            warm = self.warm_start and _warm_start_param(self.estimator) is not None
            jobs = Parallel(n_jobs=self.n_jobs)(
                delayed(_fold_losses)(self.estimator, self.generator, X, y, tr, va, gammas,
                                      (entropy + 1 + k) % (2**63), warm, route)
                for k, (tr, va) in enumerate(self._splitter(entropy).split(X, y)))
            full_sizes = np.array([sum(resolve_counts(y, Gamma(float(g))).values())
                                   for g in gammas], dtype=int)
            self.cv_results_ = _results_table(
                gammas, full_sizes, np.column_stack([j[0] for j in jobs]),
                np.column_stack([j[1] for j in jobs]))
            best = select_candidate(self.cv_results_, self.rule)
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
        final = clone(self.estimator)
        if route is None:
            self.best_estimator_ = final.fit(X_res, y_res)
        else:
            self.best_estimator_ = route.fit(route.prepare(final), X_res, y_res)
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
        Any probabilistic classifier (or a Pipeline ending in one).
    generator : synthaug generator
    gammas : sequence of float, default=0, 0.1, ..., 1.5 (16 values)
        Candidate multipliers; class ``c`` receives ``round(gamma x (n_max - n_c))`` rows,
        so 0 (no synthetic rows) is a candidate and 1 is full balance. The default was
        chosen on the bundled default suite (see ``docs/vtss.md``, "Defaults chosen by
        evidence").
    cv : int, default=5
        Stratified folds.
    n_repeats : int, default=1
        Repetitions of the stratified ``cv``-fold split with different shuffles (more
        splits give a less noisy mean loss on small data, at ``n_repeats`` times the cost).
    rule : {"min", "one-se"}, default="min"
        How the candidate is chosen from the mean losses: the lowest, or the smallest
        ``gamma`` within one standard error of the lowest
        (:func:`synthaug.search.selection.select_candidate`).
    reweight : bool, default=False
        Balance every candidate in effective weight: fit it with
        ``compute_sample_weight("balanced", y_augmented)`` (or ``class_weight="balanced"``),
        so the weights cover the part of the gap the synthetic rows leave open. Gamma 0 is
        then pure class weighting, gamma 1 pure synthetic balancing; the search picks where
        on that line the data want to be (:mod:`synthaug.search.weighting`).
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
        The chosen multiplier and the number of synthetic rows it adds on the full data
        (summed over classes).
    best_sampler_ : Oversampler
        An oversampler fixed at the chosen size, for reuse in any pipeline (with
        ``reweight=True`` fit the classifier with balanced weights too, as
        ``best_estimator_`` was).
    best_estimator_ : estimator
        Refitted on all rows plus ``best_size_`` synthetic rows (balanced weights with
        ``reweight=True``).
    gap_ : int
        Rows that full balance adds on the full data (summed over the classes below the
        largest); ``class_gaps_`` gives them per class.
    cv_results_ : dict
        One entry per candidate, as ``GridSearchCV`` gives (``pandas.DataFrame`` of it
        works): ``gamma``, ``size``, ``mean_loss``, ``std_loss``, ``rank_loss`` and, per
        split ``k``, ``split{k}_loss`` and ``split{k}_size`` (the size rescaled to that
        split's classes). :func:`split_columns` gathers them into a candidates x splits
        matrix.

    Notes
    -----
    Multiclass data share one ``gamma``: every class below the largest receives the same
    multiple of its own gap, and the loss is the class-balanced log loss over all classes.
    """

    def __init__(self, estimator: Any, generator: Any, gammas: Any = DEFAULT_GAMMAS,
                 cv: int = 5, n_repeats: int = 1, rule: str = "min", reweight: bool = False,
                 scoring: str = "balanced_log_loss", warm_start: bool = True,
                 n_jobs: int | None = None, random_state: Any = None) -> None:
        self.estimator = estimator
        self.generator = generator
        self.gammas = gammas
        self.cv = cv
        self.n_repeats = n_repeats
        self.rule = rule
        self.reweight = reweight
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


def default_pilot() -> Any:
    """Standardised logistic regression: the model whose scores and Hessians the
    diagnostics use when the classifier itself has none (trees, boosting, kNN, SVM)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()),
                     ("logreg", LogisticRegression(max_iter=1000))])


class TGVTSS(_SizeSearch):
    """Theory-guided VTSS: diagnostics choose the candidates, validation picks among them.

    1. Local-symmetry test (balanced pilot fit, Wald statistic at level ``alpha``). Under
       local symmetry the candidates are small: 0 to 0.2 x the gap.
    2. Otherwise the cross-fitted generator-quality score: a *biased* generator
       (``GQS > gqs_threshold``) gets the wide grid 0 to 2 x the gap (41 sizes); a
       *realistic* one gets 0.8 to 1.2 x the gap and 0.8 to 1.2 x the theory target
       ``n_th`` (when it exists).
    3. The candidate chosen by ``rule`` from the cross-validated balanced log loss wins.

    The diagnostics need per-sample scores and Hessians of the loss
    (:data:`synthaug.diagnostics.SUPPORTED`: logistic regression, an MLP). For any other
    classifier with ``predict_proba`` (kNN, trees, boosting, SVM) they run on a *pilot*
    model, ``diagnostic_estimator`` (default: standardised logistic regression), and only
    the size search uses the classifier. The diagnostics then describe the pilot's loss,
    not the classifier's: the symmetry test asks whether imbalance shifts a linear model's
    optimum, and the theory target is a linear model's. The candidates they choose are a
    guide; the validation loss of the classifier itself still picks among them.

    Multiclass data share one ``gamma`` (as in :class:`VTSS`); the diagnostics run one
    class against the rest for every class below the largest, and the candidates are the
    union of the multipliers each class's diagnostics give (a theory target of ``n_th``
    rows for class ``c`` becomes the multiplier ``n_th / (n_max - n_c)``).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
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
    n_repeats, rule, reweight
        As in :class:`VTSS`. With ``reweight=True`` the realistic regime's grid also
        offers 0 (pure class weighting).
    diagnostic_estimator : estimator, optional
        The model the diagnostics use. Default: the classifier itself when it is
        supported, else :func:`default_pilot`.
    warm_start, n_jobs, random_state
        As in :class:`VTSS`.

    Attributes
    ----------
    diagnostics_ : dict
        Binary data: ``regime``, ``symmetry`` (the test), ``quality`` (GQS, label, g_psi),
        ``alignment``, ``theory_target`` (rows, or None), ``candidates`` (sizes on the full
        data) and ``diagnostic_estimator`` (the name of the model they ran on).
        Multiclass data: ``per_class`` (the binary diagnostics of each class against the
        rest), ``candidates`` (the multipliers) and ``diagnostic_estimator``.
    """

    def __init__(self, estimator: Any, generator: Any, alpha: float = 0.05,
                 gqs_threshold: float = 10.0, cv: int = 5, gqs_cv: int = 3,
                 grid: str = "fine", n_repeats: int = 1, rule: str = "min",
                 reweight: bool = False, diagnostic_estimator: Any = None,
                 warm_start: bool = True, n_jobs: int | None = None,
                 random_state: Any = None) -> None:
        self.estimator = estimator
        self.generator = generator
        self.alpha = alpha
        self.gqs_threshold = gqs_threshold
        self.cv = cv
        self.gqs_cv = gqs_cv
        self.grid = grid
        self.n_repeats = n_repeats
        self.rule = rule
        self.reweight = reweight
        self.diagnostic_estimator = diagnostic_estimator
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _check_estimator(self) -> None:
        super()._check_estimator()
        if self.diagnostic_estimator is not None:
            check_supported(self.diagnostic_estimator)

    def _diagnostic_model(self) -> Any:
        """The model the diagnostics run on (see ``diagnostic_estimator``)."""
        if self.diagnostic_estimator is not None:
            return self.diagnostic_estimator
        try:
            check_supported(self.estimator)
        except InvalidParameterError:
            return default_pilot()
        if isinstance(final_step(self.estimator), (LinearRegression, Ridge)):
            return default_pilot()   # a regressor is no classifier's pilot
        return self.estimator

    def _candidates(self, X: np.ndarray, y: np.ndarray, gap: int, entropy: int) -> np.ndarray:
        if self.grid not in TG_GRIDS:
            raise InvalidParameterError(
                f"grid must be one of {', '.join(map(repr, TG_GRIDS))}, got {self.grid!r}.")
        model = self._diagnostic_model()
        name = type(final_step(model)).__name__
        roles = class_roles(y)
        if roles.is_binary:
            diag, multipliers = self._diagnose(model, X, y, gap, entropy)
            diag["diagnostic_estimator"] = name
            self.diagnostics_ = diag
            return multipliers
        per_class: dict[Any, Any] = {}
        found: set[float] = set()
        n_max = roles.counts[roles.majority]
        for c, n_c in roles.counts.items():
            if n_c == n_max:
                continue
            one_vs_rest = (y == c).astype(int)
            diag, multipliers = self._diagnose(model, X, one_vs_rest,
                                               len(y) - 2 * n_c, entropy)
            # the binary candidates are multiples of the one-vs-rest gap: as rows for
            # class c, then as multiples of its gap to the largest class
            rows = multipliers * (len(y) - 2 * n_c)
            found.update(np.round(rows / (n_max - n_c), 6).tolist())
            per_class[plain_label(c)] = diag
        candidates = np.array(sorted(found))
        self.diagnostics_ = {"per_class": per_class, "candidates": candidates.tolist(),
                             "diagnostic_estimator": name}
        return candidates

    def _diagnose(self, model: Any, X: np.ndarray, y: np.ndarray, gap: int, entropy: int
                  ) -> tuple[dict[str, Any], np.ndarray]:
        """The binary diagnostics and their candidate multipliers of ``gap``."""
        symmetric, local, wide = TG_GRIDS[self.grid]
        test = symmetry_test(model, X, y, alpha=self.alpha)
        diag: dict[str, Any] = {"symmetry": test.as_dict(), "regime": test.regime,
                                "quality": None, "alignment": None, "theory_target": None}
        if test.symmetric:
            sizes = [round_half_up(g * gap) for g in symmetric]
        else:
            quality = generator_quality(model, self.generator, X, y, cv=self.gqs_cv,
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
                if self.reweight:
                    sizes.append(0)
            else:
                sizes = [round_half_up(g * gap) for g in wide]
        sizes = sorted({max(int(s), 0) for s in sizes})
        diag["candidates"] = sizes
        return diag, np.asarray(sizes, dtype=float) / gap
