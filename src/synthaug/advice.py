"""``advise``: should synthetic rows be added to this table, from which generator, and how
many?

:func:`advise` puts every answer on the same cross-validation folds and ranks them by one
score:

* the **no-synthesis** answers: the classifier as it is (``none``), with balanced class
  weights (``class-weight``) and, for binary data, KOTARO (an adaptive-bandwidth kernel
  classifier that needs no resampling);
* for each **generator**, the classifier trained on the real rows plus ``gamma`` times the
  gap to the largest class in synthetic rows, for a grid of ``gamma`` from 0 (none) to
  1.5 (beyond balance). Each fold's score uses the ``gamma`` that scored best on the
  *other* folds (a cross-validated choice), so a generator is not favoured for having had
  a size to tune; the size reported is the one best on all folds.

For a threshold metric (MCC, G-mean, minority F1, balanced accuracy) every answer comes
twice: at the classifier's own decision (the size chosen by the metric) and with its
decision threshold tuned on inner folds of each training part (scikit-learn's
``TunedThresholdClassifierCV``; the size chosen by the balanced log loss), the
no-synthesis answers included.

For a ranking metric (average precision, ROC AUC), which resampling can barely improve, a
synthetic answer ranked first is advised only when it beats the best answer without
synthetic rows by more than one standard error of the paired fold differences; otherwise
that answer is. For G-mean and balanced accuracy, which weigh both classes equally (their
Bayes decision is the one made after full balance), full balance (balanced class weights,
or SMOTE to balance for a classifier that takes no weights) is advised unless the answer
ranked first beats it by more than one standard error. For the other metrics the answer
ranked first is advised, and the words say when its lead is within noise
(``selection="auto"``; the nested validation in ``docs/advise.md`` chose this).

Around the ranking it runs the diagnostics of VTSS / TG-VTSS (binary data; see
``docs/vtss.md``): the local-symmetry test (is the imbalance the leading error at all?)
and, per generator, the generator-quality score and the alignment of the generator's bias
with the class shift, on the classifier when they support it (logistic regression, an
MLP), else on a standardised logistic-regression pilot. The
:class:`Advice` says in words what to do, holds the chosen pipeline (``best_estimator_``),
the ranking with fold-level uncertainty, the loss-against-size curves and the diagnostics,
and writes a one-page HTML report.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from synthaug._labels import class_roles, plain_label
from synthaug._random import to_entropy
from synthaug._validation import check_numeric_X_y
from synthaug.exceptions import InvalidParameterError, NotEnoughSamplesError, SynthaugError
from synthaug.metrics import (
    METRICS,
    average_precision,
    balanced_accuracy,
    balanced_brier,
    balanced_log_loss,
    g_mean,
    mcc,
    minority_f1,
    roc_auc,
)

__all__ = ["DEEP_GENERATORS", "FAST_GENERATORS", "Advice", "advise", "parse_time_budget"]

#: Generators of ``generators="fast"``, cheapest first.
FAST_GENERATORS = ("random", "smote", "borderline-smote", "adasyn", "gksmote")
#: Generators ``generators="all"`` adds when their extra is installed (torch, transformers).
DEEP_GENERATORS = ("leo-cvae", "moms", "llm")
#: Multiples of the gap every generator is tried at.
GAMMAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)
#: The answers without synthetic rows.
BASELINES = ("none", "class-weight", "kotaro")
#: Inner folds of the threshold search.
THRESHOLD_FOLDS = 3
#: Suffix of an answer whose decision threshold is tuned (threshold metrics).
TUNED = " + tuned threshold"
#: How the answer is chosen from the ranking.
SELECTIONS = ("auto", "one_se", "balance", "best")
#: Metrics ``selection="auto"`` treats with the one-SE rule (ranking metrics).
RANKING_METRICS = ("average_precision", "roc_auc")
#: Threshold metrics that weigh both classes equally: their Bayes decision is the one a
#: classifier makes after full balance, so ``selection="auto"`` starts from full balance.
BALANCED_METRICS = ("g_mean", "balanced_accuracy")
#: The generator whose full-balance answer is the start for a classifier without weights.
BALANCE_GENERATOR = "smote"
#: The scores :func:`advise` ranks by: the metric and whether it needs a threshold.
_SCORERS = {
    "balanced_log_loss": balanced_log_loss, "balanced_brier": balanced_brier,
    "average_precision": average_precision, "roc_auc": roc_auc,
    "mcc": mcc, "g_mean": g_mean, "f1_minority": minority_f1,
    "balanced_accuracy": balanced_accuracy,
}
#: KOTARO is tried up to this many rows (its cost grows faster than the classifier's).
KOTARO_MAX_ROWS = 20_000
#: A deep generator is tried only when the time left is at least this many times what
#: one fast generator took (a heuristic: their fits cost tens to hundreds of times more).
DEEP_COST_FACTOR = 20.0


def parse_time_budget(value: Any) -> float | None:
    """Seconds of a time budget: a number of seconds, or text such as ``"90s"``, ``"10m"``
    or ``"1.5h"``; None means no budget."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([smh]?)\s*", str(value))
        if match is None:
            raise InvalidParameterError(
                f"time_budget must be seconds or text like '90s', '10m', '1h'; got {value!r}.")
        seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidParameterError(f"time_budget must be positive; got {value!r}.")
    return seconds


# --------------------------------------------------------------------------- results
@dataclass
class Advice:
    """What :func:`advise` found.

    Attributes
    ----------
    recommendation : str
        The advice in plain words.
    scoring : str
    greater_is_better : bool
    ranking : DataFrame
        One row per answer tried, best first: ``candidate``, ``kind`` (``"baseline"`` or
        ``"synthetic"``), ``generator``, ``gamma`` (chosen on all folds), ``n_synthetic``
        (rows it adds on the full data), ``threshold`` (``"own"``: the classifier's own
        decision; ``"tuned"``: tuned on inner folds), ``mean`` and ``se`` of the fold
        scores, ``diff`` and ``diff_se`` (paired difference to the first, in the better
        direction: >= 0), ``seconds``.
    fold_scores : DataFrame
        Folds x answers.
    curves : dict of DataFrame
        Per generator: ``gamma``, ``size``, ``mean``, ``se`` of the score at every
        multiple of the gap (the balanced log loss for a threshold metric).
    diagnostics : dict
        ``symmetry`` (the local-symmetry test) and, per generator, ``quality``,
        ``alignment`` and ``theory_target``; empty for multiclass data.
    best : str
        The answer advised: the one ranked first, unless it adds synthetic rows without
        beating the best answer without them beyond noise (``selection="one_se"``, the
        choice of ``"auto"`` for a ranking metric), or does not beat full balance beyond
        noise (``selection="balance"``, the choice of ``"auto"`` for G-mean and balanced
        accuracy).
    best_estimator_ : estimator
        The advised pipeline (an imbalanced-learn pipeline of the oversampler and the
        classifier, the weighted classifier, or KOTARO; wrapped in a threshold search when
        its threshold is tuned), refitted on all rows unless ``refit=False``.
    skipped : dict
        Answers not tried and why (time budget, missing extra, not applicable).
    interrupted : bool
        True when the run was stopped (Ctrl-C) and the advice covers what had finished.
    seconds : float
    """

    recommendation: str
    scoring: str
    greater_is_better: bool
    ranking: pd.DataFrame
    fold_scores: pd.DataFrame
    curves: dict[str, pd.DataFrame]
    diagnostics: dict[str, Any]
    best: str
    best_estimator_: Any
    skipped: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    seconds: float = 0.0
    _estimators: dict[str, Any] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        return self.recommendation

    def make_estimator(self, candidate: str | None = None) -> Any:
        """An unfitted estimator of any answer in ``ranking`` (default: the advised one),
        to fit on data of one's own."""
        name = self.best if candidate is None else candidate
        if name not in self._estimators:
            raise InvalidParameterError(
                f"{name!r} is not an answer of this advice; the answers are "
                f"{', '.join(self._estimators)}.")
        return clone(self._estimators[name])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (no estimator)."""
        from synthaug._io import jsonable

        return jsonable({
            "recommendation": self.recommendation, "scoring": self.scoring,
            "greater_is_better": self.greater_is_better, "best": self.best,
            "ranking": self.ranking.to_dict(orient="records"),
            "curves": {k: v.to_dict(orient="records") for k, v in self.curves.items()},
            "diagnostics": self.diagnostics, "skipped": self.skipped,
            "interrupted": self.interrupted, "seconds": round(self.seconds, 2)})

    def to_html(self, path: Any = None) -> str:
        """A one-page report: the advice, the ranking with error bars, the loss-against-size
        curve of each generator and the diagnostics. Written to ``path`` when given (the
        HTML is returned either way)."""
        from synthaug._advice_report import advice_html

        html = advice_html(self)
        if path is not None:
            from synthaug._io import atomic_write

            atomic_write(path, lambda tmp: open(tmp, "w", encoding="utf-8").write(html))
        return html


# --------------------------------------------------------------------------- helpers
def _requirement_missing(name: str) -> str | None:
    from synthaug.exceptions import MissingDependencyError, UnknownMethodError
    from synthaug.registry import check_requirements

    try:
        check_requirements(name)
    except MissingDependencyError as exc:
        return str(exc)
    except UnknownMethodError:
        return f"{name} is not a generator of this version of synthaug"
    return None


def _generator_list(generators: Any) -> list[str]:
    from synthaug.registry import canonical_name, generator_class

    if isinstance(generators, str) and generators in ("fast", "all"):
        names = list(FAST_GENERATORS) + (list(DEEP_GENERATORS) if generators == "all" else [])
        return names
    if isinstance(generators, str):
        generators = [g.strip() for g in generators.split(",") if g.strip()]
    if not isinstance(generators, list | tuple):
        raise InvalidParameterError(
            f'generators must be "fast", "all" or a list of generator names (empty: the '
            f"answers without synthetic rows only); got {generators!r}.")
    names = []
    for g in generators:
        generator_class(g)                       # unknown names fail here, with suggestions
        names.append(canonical_name(g))
    return names


def _scorer(scoring: str) -> tuple[Any, bool, bool]:
    """``(function, greater_is_better, needs_threshold)`` of a scoring name."""
    if scoring not in _SCORERS:
        raise InvalidParameterError(
            f"scoring must be one of {', '.join(sorted(_SCORERS))}; got {scoring!r}.")
    info = METRICS[scoring]
    return _SCORERS[scoring], info.greater_is_better, info.needs == "pred"


def _score(func: Any, needs_pred: bool, y: np.ndarray, proba: np.ndarray,
           classes: np.ndarray) -> float:
    if needs_pred:
        return float(func(y, classes[np.argmax(proba, axis=1)]))
    if func in (balanced_log_loss, balanced_brier):
        return float(func(y, proba, labels=classes))
    return float(func(y, proba if proba.shape[1] > 2 else proba[:, 1], labels=classes))


class _CountMetric:
    """A binary threshold metric computed from the four confusion counts.

    The threshold search scores 100 thresholds per inner fold; the library's metrics
    validate their input on every call (milliseconds each), which made a search minutes
    long. These give the same values (``tests/test_advise.py`` checks them against
    :mod:`synthaug.metrics`) from counts alone. The positive class is the minority, the
    smaller class of the labels the search sees.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.__name__ = name

    def __call__(self, y_true: Any, y_pred: Any) -> float:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        labels, counts = np.unique(y_true, return_counts=True)
        pos = labels[np.flatnonzero(counts == counts.min())[-1]]   # ties: the last label
        t, p = y_true == pos, y_pred == pos
        tp = float(np.count_nonzero(t & p))
        fn = float(np.count_nonzero(t & ~p))
        fp = float(np.count_nonzero(~t & p))
        tn = float(len(t) - tp - fn - fp)
        tpr = tp / (tp + fn) if tp + fn else 0.0
        tnr = tn / (tn + fp) if tn + fp else 0.0
        if self.name == "balanced_accuracy":
            return (tpr + tnr) / 2
        if self.name == "g_mean":
            return math.sqrt(tpr * tnr)
        if self.name == "f1_minority":
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        return (tp * tn - fp * fn) / denom if denom else 0.0


def _threshold_search(estimator: Any, scoring: str, seed: int) -> Any:
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import TunedThresholdClassifierCV

    folds = StratifiedKFold(THRESHOLD_FOLDS, shuffle=True, random_state=seed % 2**32)
    return TunedThresholdClassifierCV(estimator, scoring=make_scorer(_CountMetric(scoring)),
                                      cv=folds, random_state=seed % 2**32)


def _fit_threshold_search(estimator: Any, scoring: str, seed: int, X: np.ndarray,
                          y: np.ndarray) -> Any:
    """The threshold search around ``estimator``, fitted on ``X, y``; the estimator alone
    (default threshold) when its probabilities are the same for every row, where there is
    no threshold to tune (scikit-learn refuses the search then)."""
    try:
        return clone(_threshold_search(estimator, scoring, seed)).fit(X, y)
    except ValueError as exc:
        if "constant predictions" not in str(exc):
            raise
        return clone(estimator).fit(X, y)


def _weighted(classifier: Any) -> Any:
    """``classifier`` with balanced class weights, or None when it takes none."""
    from synthaug.search.weighting import BalancedWeights, weight_route

    try:
        route = weight_route(classifier)
    except InvalidParameterError:
        return None
    if route.kind == "class_weight":
        return route.prepare(clone(classifier))
    return BalancedWeights(clone(classifier))


def _pipeline(generator: str, gamma: float, classifier: Any, seed: int) -> Any:
    from imblearn.pipeline import Pipeline

    from synthaug.registry import make_generator
    from synthaug.sampler import Oversampler
    from synthaug.sizing import Gamma

    sampler = Oversampler(make_generator(generator), sampling_strategy=Gamma(gamma),
                          random_state=seed % 2**32)
    return Pipeline([("oversample", sampler), ("classify", clone(classifier))])


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    se = float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else math.nan
    return float(values.mean()), se


# --------------------------------------------------------------------------- the search
class _Run:
    """The state of one :func:`advise` call."""

    def __init__(self, X: np.ndarray, y: np.ndarray, classifier: Any, scoring: str,
                 cv: int, seed: int, progress: bool) -> None:
        self.X, self.y, self.classifier = X, y, classifier
        self.scoring = scoring
        self.func, self.greater, self.needs_threshold = _scorer(scoring)
        self.binary = class_roles(y).is_binary
        if self.needs_threshold and not self.binary:
            self.needs_threshold = False    # argmax: thresholds are binary here
        self.seed = seed
        self.splits = list(StratifiedKFold(cv, shuffle=True, random_state=seed % 2**32)
                           .split(X, y))
        self.scores: dict[str, np.ndarray] = {}
        self.info: dict[str, dict[str, Any]] = {}
        self.curves: dict[str, pd.DataFrame] = {}
        self.progress = progress
        #: The generator whose full-balance answer joins the ranking on its own (a
        #: balanced threshold metric; see ``_balanced_anchor``).
        self.balance_generator: str | None = None
        #: Parts of answers that could not run (the rest of the answer stands).
        self.skipped: dict[str, str] = {}

    def log(self, text: str) -> None:
        if self.progress:
            from rich.console import Console

            Console(stderr=True).print(f"[dim]advise:[/dim] {text}", highlight=False)

    def _fold_scores(self, estimator: Any, k: int) -> tuple[float, float | None]:
        """The fold-``k`` score at the classifier's own threshold and, for a threshold
        metric, with the threshold tuned on inner folds of the training part (else None).
        The tuned search refits the estimator on the whole training part, so the first
        score comes from that same fit."""
        train, val = self.splits[k]
        if self.needs_threshold:
            fitted = _fit_threshold_search(estimator, self.scoring, self.seed + k,
                                           self.X[train], self.y[train])
            plain = getattr(fitted, "estimator_", fitted)
            return (float(self.func(self.y[val], plain.predict(self.X[val]))),
                    float(self.func(self.y[val], fitted.predict(self.X[val]))))
        fitted = clone(estimator).fit(self.X[train], self.y[train])
        return _score(self.func, False, self.y[val], fitted.predict_proba(self.X[val]),
                      fitted.classes_), None

    def _add(self, label: str, scores: Any, info: dict[str, Any]) -> None:
        self.scores[label] = np.asarray(scores, dtype=float)
        self.info[label] = info
        self.log(f"{label}: {self.scores[label].mean():.4f}")

    def discard(self, name: str) -> None:
        """Forget whatever an answer that failed part-way left behind."""
        for table in (self.scores, self.info, self.curves):
            for key in [k for k in table if k in (name, f"{name}{TUNED}")
                        or k.startswith(f"{name} (")]:
                del table[key]

    def baseline(self, name: str, estimator: Any) -> None:
        t0 = time.perf_counter()
        pairs = [self._fold_scores(estimator, k) for k in range(len(self.splits))]
        seconds = time.perf_counter() - t0
        info = {"kind": "baseline", "generator": None, "gamma": None, "n_synthetic": 0,
                "estimator": estimator, "seconds": seconds}
        self._add(name, [own for own, _ in pairs], {**info, "threshold": "own"})
        if self.needs_threshold:
            self._add(f"{name}{TUNED}", [tuned for _, tuned in pairs],
                      {**info, "threshold": "tuned"})

    def generator(self, name: str) -> None:
        from synthaug.registry import make_generator
        from synthaug.search.vtss import fold_probabilities
        from synthaug.sizing import Gamma, resolve_counts

        t0 = time.perf_counter()
        gammas = np.asarray(GAMMAS)
        # the size is chosen by the score itself; for a threshold metric there are two
        # answers: at the classifier's own threshold (size chosen by the metric) and with
        # a tuned threshold (size chosen by the balanced log loss, the threshold then
        # tuned at the chosen size only)
        size_func = balanced_log_loss if self.needs_threshold else self.func
        size_greater = False if self.needs_threshold else self.greater
        table = np.empty((len(gammas), len(self.splits)))
        own = np.empty_like(table)          # threshold metrics: at the own threshold
        gen = make_generator(name)
        for k, (train, val) in enumerate(self.splits):
            probas, _, classes = fold_probabilities(
                self.classifier, gen, self.X, self.y, train, val, gammas,
                (self.seed + 101 + k) % 2**63)
            table[:, k] = [_score(size_func, False, self.y[val], p, classes) for p in probas]
            if self.needs_threshold:
                own[:, k] = [self.func(self.y[val], classes[np.argmax(p, axis=1)])
                             for p in probas]
        sizes = [int(sum(resolve_counts(self.y, Gamma(float(g))).values())) for g in gammas]
        mean, se = zip(*(_mean_se(row) for row in table), strict=True)
        self.curves[name] = pd.DataFrame({"gamma": gammas, "size": sizes, "mean": mean,
                                          "se": se})
        best_all, chosen = _cross_validated_choice(-table if size_greater else table)
        if self.needs_threshold:
            best_own, chosen_own = _cross_validated_choice(-own)
            self._generator_answer(name, gammas, sizes, best_own, chosen_own,
                                   [own[i, k] for k, i in enumerate(chosen_own)], "own", t0)
            one = int(np.flatnonzero(gammas == 1.0)[0])
            if (name == self.balance_generator and best_own != one
                    and "class-weight" not in self.scores):
                # full balance as an answer of its own (no size chosen, so no choice to
                # cross-validate): the start of selection="balance" for a classifier
                # without weights
                self._generator_answer(name, gammas, sizes, one, [one] * len(self.splits),
                                       list(own[one]), "own", t0)
            try:
                tuned = [self._fold_scores(_pipeline(name, float(gammas[i]), self.classifier,
                                                     self.seed + k), k)[1]
                         for k, i in enumerate(chosen)]
            except SynthaugError as exc:
                # the threshold search's inner folds can be too small for the generator
                # (SMOTE's neighbours) where the fold itself was not: keep the answers above
                self.skipped[f"{name}{TUNED}"] = f"failed: {type(exc).__name__}: {exc}"
            else:
                self._generator_answer(name, gammas, sizes, best_all, chosen, tuned,
                                       "tuned", t0)
        else:
            self._generator_answer(name, gammas, sizes, best_all, chosen,
                                   [table[i, k] for k, i in enumerate(chosen)], "own", t0)

    def _generator_answer(self, name: str, gammas: np.ndarray, sizes: list[int],
                          best_all: int, chosen: list[int], scores: list[float],
                          threshold: str, t0: float) -> None:
        gamma = float(gammas[best_all])
        label = f"{name} (gamma {gamma:g}){TUNED if threshold == 'tuned' else ''}"
        self._add(label, scores, {
            "kind": "synthetic" if gamma > 0 else "baseline", "generator": name,
            "gamma": gamma, "n_synthetic": sizes[best_all],
            "estimator": _pipeline(name, gamma, self.classifier, self.seed),
            "threshold": threshold, "seconds": time.perf_counter() - t0,
            "gammas_chosen_per_fold": [float(gammas[i]) for i in chosen]})


def _cross_validated_choice(oriented: np.ndarray) -> tuple[int, list[int]]:
    """From a sizes x folds table (lower is better): the size best on all folds, and per
    fold the size best on the *other* folds (the choice that fold's score may use)."""
    best_all = int(np.argmin(oriented.mean(axis=1)))
    chosen = [int(np.argmin(np.delete(oriented, k, axis=1).mean(axis=1)))
              for k in range(oriented.shape[1])]
    return best_all, chosen


def _diagnostics(X: np.ndarray, y: np.ndarray, classifier: Any, generators: list[str],
                 seed: int) -> dict[str, Any]:
    """The symmetry test and each generator's quality and alignment (binary data), on the
    classifier when the diagnostics support it (logistic regression, an MLP), else on a
    standardised logistic-regression pilot, as TG-VTSS does."""
    from synthaug.diagnostics import alignment, generator_quality, symmetry_test, theory_target
    from synthaug.diagnostics.scores import check_supported, final_step
    from synthaug.registry import make_generator
    from synthaug.search.vtss import default_pilot

    try:
        check_supported(classifier)
        pilot = classifier
    except InvalidParameterError:
        pilot = default_pilot()
    test = symmetry_test(pilot, X, y)
    out: dict[str, Any] = {"symmetry": test.as_dict(), "regime": test.regime,
                           "model": type(final_step(pilot)).__name__, "generators": {}}
    counts = pd.Series(y).value_counts()
    gap = int(counts.max() - counts.min())
    for name in generators:
        try:
            quality = generator_quality(pilot, make_generator(name), X, y,
                                        random_state=seed % 2**32)
        except Exception as exc:  # a diagnostic that cannot run is reported, not fatal
            out["generators"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        out["generators"][name] = {
            "quality": quality.as_dict(),
            "alignment": alignment(test.g_phi, quality.g_psi),
            "theory_target": theory_target(gap, test.g_phi, quality.g_psi)}
    return out


def _ranking(run: _Run) -> pd.DataFrame:
    names = list(run.scores)
    sign = 1.0 if run.greater else -1.0
    means = {n: run.scores[n].mean() for n in names}
    order = sorted(names, key=lambda n: (-sign * means[n], run.info[n]["seconds"]))
    best = order[0]
    rows = []
    for n in order:
        mean, se = _mean_se(run.scores[n])
        diff = sign * (run.scores[best] - run.scores[n])            # >= 0 on average
        d_mean, d_se = _mean_se(diff)
        info = run.info[n]
        rows.append({"candidate": n, "kind": info["kind"], "generator": info["generator"],
                     "gamma": info["gamma"], "n_synthetic": info["n_synthetic"],
                     "threshold": info.get("threshold", "own"),
                     "mean": mean, "se": se, "diff": d_mean,
                     "diff_se": 0.0 if n == best else d_se,
                     "seconds": round(info["seconds"], 3)})
    return pd.DataFrame(rows)


_DESCRIBE = {"none": "the classifier as it is", "class-weight": "balanced class weights",
             "kotaro": "KOTARO (a kernel classifier that needs no resampling)"}


@dataclass
class _Choice:
    """The answer advised, and how it compares with the best answer without synthesis."""

    best: str
    rival: str | None          # the best answer without synthetic rows
    d_mean: float = math.nan   # the first-ranked synthetic answer's lead over the rival
    d_se: float = math.nan
    beyond_noise: bool = False
    anchor: str | None = None  # selection="balance": the full-balance answer
    anchor_lead: tuple[float, float] = (math.nan, math.nan)   # the first's lead over it


def _resolve_selection(selection: str, scoring: str) -> str:
    """``"auto"``: the one-SE rule for a ranking metric, full balance unless beaten for a
    metric that weighs both classes equally, the first-ranked answer else."""
    if selection != "auto":
        return selection
    if scoring in RANKING_METRICS:
        return "one_se"
    return "balance" if scoring in BALANCED_METRICS else "best"


def _balanced_anchor(ranking: pd.DataFrame) -> str | None:
    """The full-balance answer at the classifier's own threshold: balanced class weights
    where the classifier takes them, else SMOTE (or the first generator) to full balance;
    None when the ranking has neither."""
    if "class-weight" in set(ranking["candidate"]):
        return "class-weight"
    full = ranking[(ranking["kind"] == "synthetic") & (ranking["gamma"] == 1.0)
                   & (ranking["threshold"] == "own")]
    if full.empty:
        return None
    preferred = full[full["generator"] == BALANCE_GENERATOR]
    return str((preferred if not preferred.empty else full).iloc[0]["candidate"])


def _lead(run: _Run, first: str, other: str) -> tuple[float, float, bool]:
    """Mean and standard error of ``first``'s paired fold lead over ``other``, and
    whether it exceeds one standard error."""
    sign = 1.0 if run.greater else -1.0
    d_mean, d_se = _mean_se(sign * (run.scores[first] - run.scores[other]))
    return d_mean, d_se, bool(d_mean > (d_se if np.isfinite(d_se) else 0.0))


def _choose(run: _Run, ranking: pd.DataFrame, selection: str) -> _Choice:
    """``"one_se"``: a synthetic answer ranked first is advised only when it beats the
    best answer without synthetic rows by more than one standard error of the paired fold
    differences, else that answer is; ``"balance"``: the first-ranked answer only when it
    beats the full-balance answer (``_balanced_anchor``) by more than one standard error,
    else that answer; ``"best"``: the answer ranked first."""
    top = ranking.iloc[0]
    plain = ranking[ranking["kind"] == "baseline"]
    rival = str(plain.iloc[0]["candidate"]) if not plain.empty else None
    choice = _Choice(best=str(top["candidate"]), rival=rival)
    if top["kind"] == "synthetic" and rival is not None:
        choice.d_mean, choice.d_se, choice.beyond_noise = _lead(run, choice.best, rival)
    if selection == "balance":
        anchor = _balanced_anchor(ranking)
        if anchor is not None and anchor != choice.best:
            choice.anchor = anchor
            d_mean, d_se, beyond = _lead(run, choice.best, anchor)
            choice.anchor_lead = (d_mean, d_se)
            if not beyond:
                choice.best = anchor
        return choice
    if selection == "one_se" and top["kind"] == "synthetic" and rival is not None \
            and not choice.beyond_noise:
        choice.best = rival
    return choice


def _describe_balance(ranking: pd.DataFrame, anchor: str) -> str:
    """``anchor`` (see ``_balanced_anchor``) in words."""
    if anchor == "class-weight":
        return "balanced class weights"
    row = ranking.set_index("candidate").loc[anchor]
    return f"{int(row['n_synthetic']):,} {row['generator']} rows (full balance)"


def _recommend(run: _Run, ranking: pd.DataFrame, diagnostics: dict[str, Any],
               gap: int, choice: _Choice) -> str:
    top = ranking.iloc[0]
    synthetic = ranking[ranking["kind"] == "synthetic"]
    words = []
    if diagnostics.get("regime") == "local symmetry":     # SymmetryTest.regime
        words.append("The local-symmetry test finds that the imbalance is not the leading "
                     "error here, so synthetic rows can help little.")
    rival, lead = choice.rival, f"{choice.d_mean:.4g} ± {choice.d_se:.2g}"
    if choice.anchor is not None and choice.best == choice.anchor:
        d_mean, d_se = choice.anchor_lead
        words.append(
            f"Balance the classes with {_describe_balance(ranking, choice.anchor)}: "
            f"{run.scoring} weighs both classes equally, so full balance is the start, and "
            f"{top['candidate']}, ranked first, beats it by only {d_mean:.4g} ± {d_se:.2g} "
            f"over {len(run.splits)} folds (within noise).")
        return " ".join(words)
    if top["kind"] == "synthetic" and rival is not None:
        if choice.beyond_noise or choice.best == top["candidate"]:
            share = "full balance" if top["gamma"] == 1 else (
                f"{top['gamma']:g} times the gap of {gap:,} rows")
            tuned = " and tune the decision threshold" if top["candidate"].endswith(
                TUNED) else ""
            text = (f"Add {int(top['n_synthetic']):,} {top['generator']} rows ({share})"
                    f"{tuned}: it ")
            text += (f"beats {rival}, the best answer without synthetic rows, by {lead} "
                     f"{run.scoring} over {len(run.splits)} folds." if choice.beyond_noise
                     else f"ranks first, but its lead over {rival}, the best answer "
                     f"without synthetic rows ({lead}), is within noise: the rows may help "
                     f"a little or not at all, and {rival} is as safe a choice.")
            diag = diagnostics.get("generators", {}).get(top["generator"], {})
            if diag.get("alignment") is not None:
                a = diag["alignment"]
                text += (f" The generator's bias is {'aligned' if a > 0 else 'misaligned'} "
                         f"with the class shift (alignment {a:.2f}).")
            words.append(text)
            return " ".join(words)
        words.append(f"{top['candidate']} ranks first, but its lead over {rival} "
                     f"({lead}) is within noise.")
    if rival is None:
        words.append("Only synthetic answers were tried; see the ranking.")
        return " ".join(words)
    name = rival[:-len(TUNED)] if rival.endswith(TUNED) else rival
    how = _DESCRIBE.get(name, name)
    if rival.endswith(TUNED):
        how += " with its decision threshold tuned"
    if synthetic.empty:
        words.append(f"Do not add synthetic data: use {how}; no generator improved on it "
                     "at any size tried.")
    else:
        words.append(f"Do not add synthetic data: use {how}; no generator helps beyond "
                     "noise.")
    return " ".join(words)


def advise(X: Any, y: Any, classifier: Any = None, generators: Any = "fast",
           scoring: str = "balanced_log_loss", cv: int = 5, time_budget: Any = None,
           random_state: Any = None, baselines: Any = BASELINES, selection: str = "auto",
           refit: bool = True, progress: bool = False) -> Advice:
    """Should synthetic rows be added to ``X, y``, from which generator, and how many?

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric features (encode categorical columns first).
    y : array-like of shape (n_samples,)
    classifier : classifier with ``predict_proba``, optional
        Default: standardised logistic regression.
    generators : "fast", "all" or list of str, default="fast"
        ``"fast"``: random oversampling, SMOTE, Borderline-SMOTE, ADASYN, GK-SMOTE.
        ``"all"`` adds LEO-CVAE, MOMS and the LLM oversampler where their extras are
        installed and the time budget allows. A list names registered generators; an
        empty one tries only the answers without synthetic rows.
    scoring : str, default="balanced_log_loss"
        A name of :data:`synthaug.metrics.METRICS`. Threshold metrics (``mcc``,
        ``g_mean``, ``f1_minority``, ``balanced_accuracy``) tune every answer's threshold.
    cv : int, default=5
        Stratified folds, shared by every answer.
    time_budget : float or str, optional
        Seconds (or ``"90s"``, ``"10m"``): answers are tried cheapest first, and those
        that would not fit are skipped and listed in ``skipped``.
    random_state : None or int
    baselines : sequence of str, default=("none", "class-weight", "kotaro")
        The answers without synthetic rows to try (KOTARO only for binary data).
    selection : {"auto", "one_se", "balance", "best"}, default="auto"
        ``"one_se"``: a synthetic answer ranked first is advised only when it beats the
        best answer without synthetic rows by more than one standard error of the paired
        fold differences (else that answer is advised); ``"balance"``: the answer ranked
        first is advised only when it beats full balance (balanced class weights, or
        SMOTE to balance for a classifier without weights, at its own threshold) by more
        than one standard error (else full balance is); ``"best"``: the answer ranked
        first, whatever its lead; ``"auto"``: ``"one_se"`` for the ranking metrics
        (``average_precision``, ``roc_auc``), ``"balance"`` for the metrics that weigh
        both classes equally (``g_mean``, ``balanced_accuracy``), ``"best"`` for the
        others (measured: ``docs/advise.md``).
    refit : bool, default=True
        Refit the advised pipeline on all rows (``best_estimator_``).
    progress : bool, default=False
        Print a line per answer.

    Returns
    -------
    Advice

    Notes
    -----
    Stopping the run (Ctrl-C) returns the advice for the answers that had finished.
    """
    from synthaug.search.vtss import default_pilot

    t_start = time.perf_counter()
    budget = parse_time_budget(time_budget)
    X_arr, y_arr = check_numeric_X_y(X, y, what="advise")
    roles = class_roles(y_arr)
    if roles.n_classes < 2:
        raise InvalidParameterError(
            f"advise needs at least two classes; y holds only {roles.labels[0]!r}.")
    if isinstance(cv, bool) or not isinstance(cv, int | np.integer) or cv < 2:
        raise InvalidParameterError(f"cv must be an integer >= 2; got {cv!r}.")
    smallest = min(roles.counts.values())
    if smallest < cv:
        label = min(roles.counts, key=roles.counts.get)
        raise NotEnoughSamplesError(
            f"class {plain_label(label)!r} has {smallest} rows, fewer than the {cv} folds "
            "advise compares the answers on; lower cv or add data.")
    names = _generator_list(generators)
    baselines = tuple(baselines)
    unknown = sorted(set(baselines) - set(BASELINES))
    if unknown:
        raise InvalidParameterError(
            f"baselines must be taken from {', '.join(BASELINES)}; got {unknown}.")
    classifier = default_pilot() if classifier is None else classifier
    if not hasattr(classifier, "predict_proba"):
        raise InvalidParameterError(
            f"{type(classifier).__name__} has no predict_proba; advise scores answers by "
            "probabilities (use SVC(probability=True) for an SVM).")
    _scorer(scoring)
    if selection not in SELECTIONS:
        raise InvalidParameterError(
            f"selection must be one of {', '.join(SELECTIONS)}; got {selection!r}.")
    seed = to_entropy(random_state)
    run = _Run(X_arr, y_arr, classifier, scoring, int(cv), seed, progress)
    if scoring in BALANCED_METRICS:
        run.balance_generator = BALANCE_GENERATOR if BALANCE_GENERATOR in names else (
            names[0] if names else None)
    skipped: dict[str, str] = {}
    diagnostics: dict[str, Any] = {}
    interrupted = False
    fast_seconds: list[float] = []

    def left() -> float:
        return math.inf if budget is None else budget - (time.perf_counter() - t_start)

    try:
        if "none" in baselines:
            run.baseline("none", classifier)
        weighted = _weighted(classifier) if "class-weight" in baselines else None
        if "class-weight" not in baselines:
            pass
        elif weighted is None:
            skipped["class-weight"] = (f"{type(classifier).__name__} takes neither "
                                       "class_weight nor sample_weight")
        else:
            run.baseline("class-weight", weighted)
        if "kotaro" not in baselines:
            pass
        elif run.binary and len(y_arr) <= KOTARO_MAX_ROWS and left() > 0:
            from synthaug.classifiers import KOTARO

            try:
                run.baseline("kotaro", KOTARO(random_state=seed % 2**32))
            except SynthaugError as exc:
                skipped["kotaro"] = f"failed: {type(exc).__name__}: {exc}"
                run.discard("kotaro")
        elif not run.binary:
            skipped["kotaro"] = "binary data only"
        else:
            skipped["kotaro"] = (f"more than {KOTARO_MAX_ROWS:,} rows"
                                 if len(y_arr) > KOTARO_MAX_ROWS else "time budget spent")
        if run.binary:
            diagnostics = _diagnostics(X_arr, y_arr, classifier,
                                       [n for n in names if n in FAST_GENERATORS], seed)
        for name in names:
            missing = _requirement_missing(name)
            if missing is not None:
                skipped[name] = missing
                continue
            deep = name not in FAST_GENERATORS
            if left() <= 0:
                skipped[name] = "time budget spent"
                continue
            if deep and budget is not None and left() < DEEP_COST_FACTOR * max(
                    fast_seconds, default=math.inf):
                skipped[name] = "time budget: a deep generator would not fit in what is left"
                continue
            t0 = time.perf_counter()
            try:
                run.generator(name)
            except SynthaugError as exc:   # one generator that cannot run is not fatal
                skipped[name] = f"failed: {type(exc).__name__}: {exc}"
                run.discard(name)
                continue
            if not deep:
                fast_seconds.append(time.perf_counter() - t0)
    except KeyboardInterrupt:
        interrupted = True
        if not run.scores:
            raise
    skipped.update(run.skipped)
    if not run.scores:
        raise InvalidParameterError(
            "advise could not score any answer: "
            + "; ".join(f"{k}: {v}" for k, v in skipped.items()))
    ranking = _ranking(run)
    gap = int(sum(roles.counts[roles.majority] - n for c, n in roles.counts.items()
                  if c != roles.majority))
    choice = _choose(run, ranking, _resolve_selection(selection, scoring))
    text = _recommend(run, ranking, diagnostics, gap, choice)
    if interrupted:
        text += " (Stopped early: the advice covers only the answers that finished.)"
    estimators = {name: _unfitted(run, name, seed) for name in ranking["candidate"]}
    chosen = clone(estimators[choice.best])
    if refit and run.info[choice.best].get("threshold") == "tuned":
        chosen = _fit_threshold_search(chosen.estimator, scoring, seed, X_arr, y_arr)
    elif refit:
        chosen.fit(X_arr, y_arr)
    return Advice(recommendation=text, scoring=scoring, greater_is_better=run.greater,
                  ranking=ranking, fold_scores=pd.DataFrame(run.scores),
                  curves=run.curves, diagnostics=diagnostics, best=choice.best,
                  best_estimator_=chosen, skipped=skipped, interrupted=interrupted,
                  seconds=time.perf_counter() - t_start, _estimators=estimators)


def _unfitted(run: _Run, name: str, seed: int) -> Any:
    """The answer ``name`` as an unfitted estimator: its pipeline, wrapped in the
    threshold search when its threshold is tuned."""
    estimator = run.info[name]["estimator"]
    if run.info[name].get("threshold") == "tuned":
        return _threshold_search(estimator, run.scoring, seed)
    return estimator
