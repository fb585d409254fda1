"""synthaug.advice: the ranking, the cross-validated size choice, the threshold search,
the time budget, an interrupted run, and the errors."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.svm import LinearSVC

import synthaug.advice as advise_module
from synthaug.advice import Advice, _CountMetric, advise, parse_time_budget
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    UnknownMethodError,
)
from synthaug.metrics import balanced_accuracy, balanced_log_loss, g_mean, mcc, minority_f1


def _data():
    return make_classification(400, n_features=5, n_informative=3, weights=[0.9],
                               class_sep=1.0, random_state=3)


def logreg_advice_labels():
    return _data()[1]


@pytest.fixture(scope="module")
def data():
    return _data()


@pytest.fixture(scope="module")
def logreg_advice(data):
    X, y = data
    return advise(X, y, classifier=LogisticRegression(max_iter=500),
                  generators=["random", "smote"], random_state=0)


@pytest.mark.parametrize("name,reference", [
    ("mcc", mcc), ("g_mean", g_mean), ("balanced_accuracy", balanced_accuracy),
    ("f1_minority", minority_f1)])
def test_count_metrics_equal_the_library_metrics(name, reference):
    rng = np.random.default_rng(0)
    for _ in range(20):
        y_true = np.where(rng.random(60) < 0.2, "yes", "no")
        y_pred = np.where(rng.random(60) < 0.3, "yes", "no")
        assert _CountMetric(name)(y_true, y_pred) == pytest.approx(
            reference(y_true, y_pred), abs=1e-12)


def test_ranking_is_ordered_and_none_matches_plain_cross_validation(data, logreg_advice):
    X, y = data
    r = logreg_advice.ranking
    assert r["mean"].is_monotonic_increasing                 # a loss: lower first
    assert r.iloc[0]["diff"] == 0 and (r["diff"] >= -1e-12).all()
    assert set(r["candidate"]) >= {"none", "class-weight", "kotaro"}
    assert len(r) == 5
    # "none" is the classifier on the shared folds, scored by balanced log loss
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    expected = [balanced_log_loss(y[va], LogisticRegression(max_iter=500).fit(
        X[tr], y[tr]).predict_proba(X[va])) for tr, va in folds]
    np.testing.assert_allclose(logreg_advice.fold_scores["none"], expected, rtol=1e-10)
    # the words mention local symmetry exactly when the symmetry test finds it
    regime = logreg_advice.diagnostics["regime"]
    assert regime in ("local symmetry", "local asymmetry")
    assert ("local-symmetry test finds" in logreg_advice.recommendation) == (
        regime == "local symmetry")


def test_curves_and_cross_validated_size_choice(logreg_advice):
    curve = logreg_advice.curves["smote"]
    assert curve["gamma"].tolist() == list(advise_module.GAMMAS)
    counts = np.bincount(logreg_advice_labels())
    gap = counts.max() - counts.min()
    assert curve["size"].tolist() == [math.floor(g * gap + 0.5) for g in advise_module.GAMMAS]
    row = logreg_advice.ranking.set_index("generator").loc["smote"]
    # the reported size is the one best on all folds
    assert row["gamma"] == curve["gamma"].iloc[int(np.argmin(curve["mean"]))]
    # gamma 0 of any generator is the classifier without synthetic rows
    assert curve["mean"].iloc[0] == pytest.approx(logreg_advice.fold_scores["none"].mean())


def _fake_run(smote_scores, none_scores):
    """A finished run with two answers (a loss: lower is better)."""
    info = {"none": {"kind": "baseline", "generator": None, "gamma": None,
                     "n_synthetic": 0, "seconds": 0.1},
            "smote (gamma 0.5)": {"kind": "synthetic", "generator": "smote", "gamma": 0.5,
                                  "n_synthetic": 160, "seconds": 1.0}}
    return SimpleNamespace(scores={"none": np.asarray(none_scores, dtype=float),
                                   "smote (gamma 0.5)": np.asarray(smote_scores, dtype=float)},
                           info=info, greater=False, scoring="balanced_log_loss",
                           splits=[None] * 5)


def test_recommendation_adds_rows_only_beyond_noise():
    none = [0.50, 0.52, 0.48, 0.51, 0.49]
    clear = _fake_run([0.40, 0.43, 0.37, 0.42, 0.38], none)       # better on every fold
    ranking = advise_module._ranking(clear)
    assert ranking["candidate"].tolist() == ["smote (gamma 0.5)", "none"]
    choice = advise_module._choose(clear, ranking, "one_se")
    assert choice.best == "smote (gamma 0.5)" and choice.rival == "none"
    assert choice.d_mean == pytest.approx(0.10) and choice.beyond_noise
    text = advise_module._recommend(clear, ranking, {}, 320, choice)
    assert text.startswith("Add 160 smote rows (0.5 times the gap of 320 rows)")
    noisy = _fake_run([0.40, 0.60, 0.37, 0.62, 0.45], none)       # mean 0.488 < 0.50
    ranking = advise_module._ranking(noisy)
    assert ranking.iloc[0]["candidate"] == "smote (gamma 0.5)"
    # one-SE: the lead (0.012) is inside its standard error, so no rows are advised ...
    choice = advise_module._choose(noisy, ranking, "one_se")
    assert choice.best == "none" and not choice.beyond_noise
    text = advise_module._recommend(noisy, ranking, {}, 320, choice)
    assert "within noise" in text and "Do not add synthetic data" in text
    # ... while "best" follows the ranking and says the lead is noise
    choice = advise_module._choose(noisy, ranking, "best")
    assert choice.best == "smote (gamma 0.5)"
    text = advise_module._recommend(noisy, ranking, {}, 320, choice)
    assert text.startswith("Add 160 smote rows") and "within noise" in text
    symmetric = advise_module._recommend(clear, ranking, {"regime": "local symmetry"}, 320,
                                         advise_module._choose(clear, ranking, "one_se"))
    assert symmetric.startswith("The local-symmetry test")


@pytest.mark.parametrize("scoring,expected", [
    ("average_precision", "one_se"), ("roc_auc", "one_se"), ("balanced_log_loss", "best"),
    ("mcc", "best"), ("g_mean", "balance"), ("balanced_accuracy", "balance")])
def test_auto_selection_per_metric(scoring, expected):
    assert advise_module._resolve_selection("auto", scoring) == expected
    assert advise_module._resolve_selection("one_se", scoring) == "one_se"


def _fake_gmean_run(scores: dict, generators: dict):
    """A finished G-mean run (greater is better); ``generators`` maps a synthetic answer
    to (generator, gamma)."""
    info = {name: {"kind": "synthetic", "generator": generators[name][0],
                   "gamma": generators[name][1], "n_synthetic": 100 * generators[name][1],
                   "seconds": 1.0, "threshold": "own"} if name in generators else
            {"kind": "baseline", "generator": None, "gamma": None, "n_synthetic": 0,
             "seconds": 0.1, "threshold": "own"} for name in scores}
    return SimpleNamespace(scores={k: np.asarray(v, dtype=float) for k, v in scores.items()},
                           info=info, greater=True, scoring="g_mean", splits=[None] * 5)


def test_balance_selection_keeps_full_balance_unless_beaten_beyond_noise():
    weights = [0.70, 0.72, 0.68, 0.71, 0.69]
    # KOTARO leads class weighting by 0.02 on average, but by -0.08..+0.12 per fold
    noisy = _fake_gmean_run({"class-weight": weights, "none": [0.5] * 5,
                             "kotaro": [0.78, 0.64, 0.80, 0.62, 0.76]}, {})
    ranking = advise_module._ranking(noisy)
    assert ranking.iloc[0]["candidate"] == "kotaro"
    assert advise_module._balanced_anchor(ranking) == "class-weight"
    choice = advise_module._choose(noisy, ranking, "balance")
    assert choice.best == "class-weight" and choice.anchor == "class-weight"
    assert choice.anchor_lead[0] == pytest.approx(0.02)
    text = advise_module._recommend(noisy, ranking, {}, 320, choice)
    assert text.startswith("Balance the classes with balanced class weights")
    assert "within noise" in text
    assert advise_module._choose(noisy, ranking, "best").best == "kotaro"
    # better on every fold: the first-ranked answer is advised
    clear = _fake_gmean_run({"class-weight": weights, "kotaro": [0.80, 0.81, 0.79, 0.80,
                                                                 0.82]}, {})
    choice = advise_module._choose(clear, advise_module._ranking(clear), "balance")
    assert choice.best == "kotaro"


def test_balance_selection_without_class_weights_starts_from_smote_to_balance():
    """A classifier without weights (k-NN): full balance is SMOTE's gamma-1 answer, even
    when another generator's full-balance answer ranks above it."""
    run = _fake_gmean_run(
        {"none": [0.3] * 5, "random (gamma 1)": [0.75, 0.70, 0.74, 0.71, 0.72],
         "smote (gamma 1)": [0.72, 0.73, 0.70, 0.69, 0.71],
         "adasyn (gamma 1.5)": [0.85, 0.60, 0.82, 0.61, 0.80]},
        {"random (gamma 1)": ("random", 1.0), "smote (gamma 1)": ("smote", 1.0),
         "adasyn (gamma 1.5)": ("adasyn", 1.5)})
    ranking = advise_module._ranking(run)
    assert advise_module._balanced_anchor(ranking) == "smote (gamma 1)"
    choice = advise_module._choose(run, ranking, "balance")
    assert choice.best == "smote (gamma 1)"
    assert advise_module._recommend(run, ranking, {}, 100, choice).startswith(
        "Balance the classes with 100 smote rows (full balance)")


def test_threshold_metric_tries_every_answer_at_both_thresholds(data):
    X, y = data
    advice = advise(X, y, classifier=LogisticRegression(max_iter=500), generators=["smote"],
                    scoring="mcc", random_state=0)
    r = advice.ranking.set_index("candidate")
    assert advice.greater_is_better and r["mean"].is_monotonic_decreasing
    tuned = advise_module.TUNED
    for name in ("none", "class-weight", "kotaro"):
        assert r.loc[name, "threshold"] == "own" and r.loc[name + tuned, "threshold"] == "tuned"
    smote = r[r["generator"] == "smote"]
    assert sorted(smote["threshold"]) == ["own", "tuned"]
    # "none" at its own threshold is the plain classifier's MCC on the shared folds
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    expected = [mcc(y[va], LogisticRegression(max_iter=500).fit(X[tr], y[tr]).predict(X[va]))
                for tr, va in folds]
    np.testing.assert_allclose(advice.fold_scores["none"], expected, rtol=1e-10)
    assert ((r["mean"] >= -1) & (r["mean"] <= 1)).all()
    # the advised estimator carries a tuned threshold exactly when its answer does
    assert isinstance(advice.best_estimator_, TunedThresholdClassifierCV) == (
        r.loc[advice.best, "threshold"] == "tuned")
    searched = advice.make_estimator("none" + tuned).fit(X, y)
    assert isinstance(searched, TunedThresholdClassifierCV)
    assert 0 < searched.best_threshold_ < 1
    assert not isinstance(advice.make_estimator("none"), TunedThresholdClassifierCV)
    with pytest.raises(InvalidParameterError, match="not an answer of this advice"):
        advice.make_estimator("polynom_fit_SMOTE")


def test_balanced_metric_with_knn_ranks_smote_to_balance_on_its_own(data):
    """k-NN takes no weights: SMOTE to full balance joins the ranking as an answer of its
    own, scored at the classifier's threshold on the shared folds, and the advice keeps
    it unless the first-ranked answer beats it by more than one standard error."""
    from sklearn.neighbors import KNeighborsClassifier

    X, y = data
    knn = KNeighborsClassifier(5)
    advice = advise(X, y, classifier=knn, generators=["random", "smote"],
                    baselines=("none",), scoring="g_mean", random_state=0)
    r = advice.ranking.set_index("candidate")
    assert "class-weight" not in r.index
    full = "smote (gamma 1)"
    assert r.loc[full, "threshold"] == "own" and r.loc[full, "gamma"] == 1.0
    # its fold scores are SMOTE to balance refitted on each shared fold
    from imblearn.pipeline import make_pipeline

    from synthaug.sampler import Oversampler

    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    scores = advice.fold_scores[full].to_numpy()
    pipe = advice.make_estimator(full)
    assert isinstance(pipe.steps[0][1], Oversampler)
    counts = np.bincount(y[folds[0][0]])
    fitted = make_pipeline(pipe.steps[0][1]).fit_resample(X[folds[0][0]], y[folds[0][0]])
    assert np.bincount(fitted[1]).tolist() == [counts.max()] * 2
    assert np.all((scores >= 0) & (scores <= 1))
    top = advice.ranking.iloc[0]["candidate"]
    lead = advice.fold_scores[top] - advice.fold_scores[full]
    beyond = lead.mean() > lead.std(ddof=1) / math.sqrt(5)
    assert advice.best == (top if beyond or top == full else full)


def test_too_few_rows_for_the_threshold_search_keep_the_own_threshold_answers():
    """10 minority rows: each inner training part holds 8, enough for SMOTE's 5
    neighbours, but the threshold search's folds inside it hold 5 or 6. SMOTE's tuned
    answer is skipped with the reason; its own-threshold answers (and full balance, the
    start of the balance rule) stay in the ranking."""
    from sklearn.neighbors import KNeighborsClassifier

    X, y = make_classification(160, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.9375], flip_y=0, random_state=1)
    assert np.bincount(y)[1] == 10
    advice = advise(X, y, classifier=KNeighborsClassifier(3), generators=["smote"],
                    baselines=("none",), scoring="g_mean", random_state=0)
    assert "NotEnoughSamplesError" in advice.skipped["smote + tuned threshold"]
    own = advice.ranking[advice.ranking["generator"] == "smote"]
    assert len(own) >= 1 and set(own["threshold"]) == {"own"}
    assert advise_module._balanced_anchor(advice.ranking) in set(own["candidate"])


def test_threshold_metric_with_a_classifier_of_constant_probabilities(data):
    """No threshold to tune when every row gets the same probability: the answer is
    scored at the default threshold instead of failing (scikit-learn refuses the search)."""
    from sklearn.dummy import DummyClassifier

    X, y = data
    advice = advise(X, y, classifier=DummyClassifier(strategy="prior"), generators=[],
                    baselines=("none",), scoring="mcc", random_state=0)
    assert advice.fold_scores["none"].tolist() == [0.0] * 5
    assert isinstance(advice.best_estimator_, DummyClassifier)


def test_time_budget_skips_generators(data):
    X, y = data
    advice = advise(X, y, generators=["smote", "adasyn"], time_budget=1e-6, random_state=0)
    assert advice.skipped["smote"].startswith("time budget")
    assert advice.skipped["adasyn"].startswith("time budget")
    assert set(advice.ranking["kind"]) == {"baseline"}


def test_interrupted_run_returns_what_finished(data, monkeypatch):
    X, y = data
    original = advise_module._Run.generator

    def stop_at_adasyn(self, name):
        if name == "adasyn":
            raise KeyboardInterrupt
        return original(self, name)

    monkeypatch.setattr(advise_module._Run, "generator", stop_at_adasyn)
    advice = advise(X, y, generators=["smote", "adasyn"], random_state=0)
    assert advice.interrupted
    assert "Stopped early" in advice.recommendation
    assert "smote" in advice.curves and "adasyn" not in advice.curves


def test_a_generator_that_fails_is_skipped_not_fatal(data, monkeypatch):
    from synthaug.exceptions import InvalidInputError as Refused

    X, y = data
    original = advise_module._Run.generator

    def refuse_adasyn(self, name):
        if name == "adasyn":
            self.scores["adasyn (gamma 1)"] = np.zeros(5)   # a partial result, then a failure
            raise Refused("every row of class 1 was filtered as noise")
        return original(self, name)

    monkeypatch.setattr(advise_module._Run, "generator", refuse_adasyn)
    advice = advise(X, y, generators=["adasyn", "smote"], random_state=0)
    assert advice.skipped["adasyn"].startswith("failed: InvalidInputError: every row")
    assert not any(c.startswith("adasyn") for c in advice.ranking["candidate"])
    assert "smote" in advice.curves
    with pytest.raises(InvalidParameterError, match="could not score any answer"):
        advise(X, y, generators=["adasyn"], baselines=(), random_state=0)


def test_report_and_json(logreg_advice, tmp_path):
    html = logreg_advice.to_html(tmp_path / "advice.html")
    assert (tmp_path / "advice.html").read_text(encoding="utf-8") == html
    assert "<svg" in html and logreg_advice.recommendation.split(":")[0] in html
    payload = json.loads(json.dumps(logreg_advice.to_dict()))
    assert payload["best"] == logreg_advice.best
    assert len(payload["ranking"]) == len(logreg_advice.ranking)
    assert isinstance(logreg_advice, Advice) and str(logreg_advice) == payload[
        "recommendation"]


def test_deterministic(data):
    X, y = data
    a = advise(X, y, generators=["smote"], random_state=4, refit=False)
    b = advise(X, y, generators=["smote"], random_state=4, refit=False)
    np.testing.assert_array_equal(a.fold_scores.to_numpy(), b.fold_scores.to_numpy())


@pytest.mark.parametrize("value,seconds", [(90, 90.0), ("90s", 90.0), ("10m", 600.0),
                                           ("1.5h", 5400.0), (None, None)])
def test_parse_time_budget(value, seconds):
    assert parse_time_budget(value) == seconds


def test_bad_input(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="time_budget"):
        advise(X, y, time_budget="soon")
    with pytest.raises(InvalidInputError, match=r"one class|single class|only"):
        advise(X, np.zeros(len(y)))
    with pytest.raises(NotEnoughSamplesError, match="fewer than the 5 folds"):
        advise(X[:200], np.r_[np.zeros(197), np.ones(3)])
    with pytest.raises(InvalidParameterError, match="predict_proba"):
        advise(X, y, classifier=LinearSVC())
    with pytest.raises(InvalidParameterError, match="scoring"):
        advise(X, y, scoring="accuracy")
    with pytest.raises(UnknownMethodError):
        advise(X, y, generators=["smoteish"])
    with pytest.raises(InvalidParameterError, match="baselines"):
        advise(X, y, baselines=("threshold",))
    with pytest.raises(InvalidParameterError, match="selection must be one of"):
        advise(X, y, selection="smallest")


def test_cli_advise_json_and_report(tmp_path):
    from typer.testing import CliRunner

    from synthaug.cli import app

    report = tmp_path / "advice.html"
    result = CliRunner().invoke(app, ["advise", "ecoli3", "--generators", "smote",
                                      "--cv", "3", "--json", "-o", str(report)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output.strip().splitlines()[-1])
    assert payload["input"] == "bundled dataset ecoli3"
    assert {r["candidate"] for r in payload["ranking"]} >= {"none", "class-weight"}
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(app, ["advise", "ecoli3", "--time-budget", "soon"])
    assert bad.exit_code != 0 and "time_budget" in bad.output
    assert "Traceback" not in bad.output
    first = CliRunner().invoke(app, ["advise", "ecoli3", "--generators", "smote", "--cv", "3",
                                     "--selection", "best", "--json"])
    payload = json.loads(first.output.strip().splitlines()[-1])
    assert payload["best"] == payload["ranking"][0]["candidate"]
    bad = CliRunner().invoke(app, ["advise", "ecoli3", "--selection", "smallest"])
    assert bad.exit_code != 0 and "selection must be one of" in bad.output
    assert "Traceback" not in bad.output
