"""Options of the size policies in method names (``smote+vtss[reweight]``), the
``threshold`` baseline, and the not-applicable rules that go with them."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import matthews_corrcoef
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.preprocessing import StandardScaler

from synthaug.bench import BenchConfig, LocalExecutor, Task, build_tasks, run_bench, run_task
from synthaug.bench.methods import known_methods, parse_method
from synthaug.bench.store import ResultStore
from synthaug.bench.tasks import threshold_moving
from synthaug.datasets import load_dataset
from synthaug.exceptions import InvalidParameterError, SynthaugWarning, UnknownMethodError
from synthaug.registry import make_generator
from synthaug.search import TGVTSS, VTSS


@pytest.mark.parametrize("typed, canonical", [
    ("smote+vtss[reweight]", "smote+vtss[reweight]"),
    ("smote+vtss[reweight=true]", "smote+vtss[reweight]"),
    ("smote+vtss[reweight=True]", "smote+vtss[reweight]"),
    ("SMOTE+VTSS[ reweight ]", "smote+vtss[reweight]"),
    # values equal to the protocol's setting are left out
    ("smote+vtss[rule=min]", "smote+vtss"),
    ("smote+vtss[reweight=false]", "smote+vtss"),
    ("smote+vtss[cv=5,n_repeats=1]", "smote+vtss"),
    ("smote+vtss[]", "smote+vtss"),
    ("smote+vtss-fast[cv=3]", "smote+vtss-fast"),          # the fast protocol's 3 folds
    ("smote+vtss-fast[cv=5]", "smote+vtss-fast[cv=5]"),    # the library default is not
    ("smote+tg-vtss-fast[grid=coarse]", "smote+tg-vtss-fast"),
    ("smote+tg-vtss[grid=fine]", "smote+tg-vtss"),
    # sorted, typed, numbers in their shortest form, words without quotes
    ("smote+vtss-fast[rule=one-se,n_repeats=3]", "smote+vtss-fast[n_repeats=3,rule=one-se]"),
    ("smote+vtss[rule='ONE-SE']", "smote+vtss[rule=one-se]"),
    ("smote+tg-vtss[reweight,grid=coarse]", "smote+tg-vtss[grid=coarse,reweight]"),
    ("smote+tg-vtss[gqs_threshold=20.0,alpha=0.10,gqs_cv=3.0]",
     "smote+tg-vtss[alpha=0.1,gqs_threshold=20]"),
    ("smote[k_neighbors=3]+vtss[n_repeats=2.0]+plain", "smote[k_neighbors=3]+vtss[n_repeats=2]"),
])
def test_size_options_have_one_canonical_name(typed, canonical):
    spec = parse_method(typed)
    assert spec.name == canonical
    again = parse_method(spec.name)   # the canonical name reads back as itself
    assert again.name == canonical and again.size_params == spec.size_params


def test_size_options_are_typed_and_stored_in_the_params_json():
    spec = parse_method("smote+tg-vtss[alpha=0.1,gqs_cv=4,reweight=true,rule=one-se]")
    assert spec.size == "tg-vtss" and spec.size_policy == "tg-vtss"
    assert spec.size_params == {"alpha": 0.1, "gqs_cv": 4, "reweight": True,
                                "rule": "one-se"}
    assert type(spec.size_params["gqs_cv"]) is int
    assert type(spec.size_params["alpha"]) is float
    assert json.loads(spec.params_json())["size_params"] == spec.size_params
    # a method without options stores what it stored before the options existed
    assert json.loads(parse_method("smote+vtss").params_json()) == {
        "generator": "smote", "params": {}, "size": "vtss", "training": "plain"}


@pytest.mark.parametrize("text, error, match", [
    ("smote+vtss[gammas=1]", InvalidParameterError,
     r"\+vtss has no option 'gammas'.*its options are cv, n_repeats, reweight, rule"),
    ("smote+vtss[grid=coarse]", InvalidParameterError, "no option 'grid'"),
    ("smote+tg-vtss[random_state=1]", InvalidParameterError,
     "its options are alpha, cv, gqs_cv, gqs_threshold, grid, n_repeats, reweight, rule"),
    ("smote+vtss[n_jobs=2]", InvalidParameterError, "no option 'n_jobs'"),
    ("smote+vtss[rule=max]", InvalidParameterError, "rule must be one of min, one-se"),
    ("smote+tg-vtss[grid=medium]", InvalidParameterError, "grid must be one of fine, coarse"),
    ("smote+vtss[cv=1]", InvalidParameterError, "cv must be an integer >= 2, got 1"),
    ("smote+vtss[cv=2.5]", InvalidParameterError, "cv must be an integer >= 2"),
    ("smote+vtss[n_repeats=0]", InvalidParameterError, "n_repeats must be an integer >= 1"),
    ("smote+tg-vtss[gqs_cv=1]", InvalidParameterError, "gqs_cv must be an integer >= 2"),
    ("smote+tg-vtss[alpha=1]", InvalidParameterError, r"alpha must be a number in \(0, 1\)"),
    ("smote+tg-vtss[gqs_threshold=-1]", InvalidParameterError, "gqs_threshold must be"),
    ("smote+vtss[reweight=2]", InvalidParameterError, "reweight is true or false"),
    ("smote+vtss[cv]", InvalidParameterError, r"'cv' of \+vtss takes a value"),
    ("smote+vtss[reweight,reweight=true]", InvalidParameterError, "given twice"),
    ("smote+gamma:1.5[reweight]", InvalidParameterError,
     "'gamma:1.5' takes no options in brackets"),
    ("smote+balance[reweight]", InvalidParameterError, "'balance' takes no options"),
    ("smote+0.8[cv=3]", InvalidParameterError, "'0.8' takes no options"),
    ("smote+plain[x=1]", InvalidParameterError, "'plain' takes no options"),
    ("smote+vtss[cv=[3]]", UnknownMethodError, "Unbalanced brackets"),
    ("none+vtss[reweight]", UnknownMethodError, "adds no rows"),
])
def test_bad_size_options_are_clear_errors(text, error, match):
    with pytest.raises(error, match=match):
        parse_method(text)


def test_make_search_receives_the_options():
    spec = parse_method("smote[k_neighbors=3]+vtss-fast[n_repeats=3,reweight,rule=one-se]")
    spec.check_available()   # the installed VTSS takes every option
    search = spec.make_search(LogisticRegression(), 7)
    assert isinstance(search, VTSS)
    params = search.get_params(deep=False)
    assert (params["n_repeats"], params["reweight"], params["rule"]) == (3, True, "one-se")
    # the protocol's settings stay, the bench's own ones too
    assert params["cv"] == 3 and tuple(params["gammas"]) == (0.0, 0.5, 1.0, 1.5)
    assert (params["n_jobs"], params["random_state"]) == (1, 7)
    assert params["generator"].get_params()["k_neighbors"] == 3
    # an option overrides the protocol's setting
    assert parse_method("smote+vtss-fast[cv=4]").make_search(LogisticRegression(), 0).cv == 4

    tg = parse_method("smote+tg-vtss[alpha=0.1,cv=4,gqs_cv=2,gqs_threshold=20,grid=coarse]")
    search = tg.make_search(LogisticRegression(), 0)
    assert isinstance(search, TGVTSS)
    params = search.get_params(deep=False)
    assert {k: params[k] for k in ("alpha", "cv", "gqs_cv", "gqs_threshold", "grid")} == {
        "alpha": 0.1, "cv": 4, "gqs_cv": 2, "gqs_threshold": 20.0, "grid": "coarse"}
    assert (params["n_repeats"], params["rule"], params["reweight"]) == (1, "min", False)


def _fold(dataset, n_folds, fold):
    X, y = load_dataset(dataset)
    train, test = list(RepeatedStratifiedKFold(n_splits=n_folds, n_repeats=1,
                                               random_state=0).split(X, y))[fold]
    scaler = StandardScaler().fit(X[train])
    return scaler.transform(X[train]), y[train], scaler.transform(X[test]), y[test]


def test_reweighted_size_policy_task_matches_the_search_run_by_hand():
    task = Task("ecoli1", "smote+vtss-fast[reweight]", "logreg", 3, 1, 0, 1, 0)
    row = run_task(task)
    assert row["status"] == "ok", row["error"]
    X_tr, y_tr, X_te, y_te = _fold("ecoli1", 3, 1)
    search = VTSS(LogisticRegression(max_iter=1000), make_generator("smote"), cv=3,
                  gammas=(0.0, 0.5, 1.0, 1.5), reweight=True, n_jobs=1,
                  random_state=task.fold_seed()).fit(X_tr, y_tr)
    assert row["n_synthetic"] == search.best_size_
    # the option reached the search: without it this fold chooses another size
    plain = run_task(Task("ecoli1", "smote+vtss-fast", "logreg", 3, 1, 0, 1, 0))
    assert plain["n_synthetic"] != row["n_synthetic"]
    assert row["mcc"] == pytest.approx(
        matthews_corrcoef(y_te, search.predict(X_te)), abs=1e-12)


def test_threshold_task_tunes_mcc_and_keeps_the_probabilities():
    task = Task("ecoli1", "threshold", "logreg", 3, 1, 0, 2, 0)
    row = run_task(task)
    plain = run_task(Task("ecoli1", "none", "logreg", 3, 1, 0, 2, 0))
    assert row["status"] == "ok", row["error"]
    assert row["n_synthetic"] == 0
    # the same classifier refitted on the same rows: the ranking metrics are none's
    for metric in ("roc_auc", "average_precision", "balanced_log_loss"):
        assert row[metric] == plain[metric]
    X_tr, y_tr, X_te, y_te = _fold("ecoli1", 3, 2)
    model = threshold_moving(LogisticRegression(max_iter=1000), task.fold_seed())
    model.fit(X_tr, y_tr)
    assert 0 < model.best_threshold_ < 1
    assert row["mcc"] != plain["mcc"]   # the threshold moved
    assert row["mcc"] == pytest.approx(
        matthews_corrcoef(y_te, model.predict(X_te)), abs=1e-12)


def test_tiny_bench_with_threshold_and_a_reweighted_policy(tmp_path):
    methods = ["none", "threshold", "smote+vtss-fast[reweight=True]"]
    config = BenchConfig(datasets=["iris0"], methods=methods, classifiers=["logreg"],
                         folds=3)
    summary = run_bench(config, tmp_path / "p.sqlite", LocalExecutor(1), quiet=True)
    frame = ResultStore(tmp_path / "p.sqlite").read()
    assert summary.counts == {"ok": 9} and (frame["status"] == "ok").all()
    assert set(frame["method"]) == {"none", "threshold", "smote+vtss-fast[reweight]"}
    policy = frame[frame["method"] == "smote+vtss-fast[reweight]"]
    assert all(json.loads(p)["size_params"] == {"reweight": True}
               for p in policy["method_params"])
    none = frame[frame["method"] == "none"].set_index("fold")
    threshold = frame[frame["method"] == "threshold"].set_index("fold")
    assert (threshold["n_synthetic"] == 0).all()
    np.testing.assert_array_equal(threshold["roc_auc"], none["roc_auc"])


def _write(path, counts, seed=0):
    """A CSV of two Gaussian features and one class column with ``counts`` rows per class."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([f"c{k}" for k in range(len(counts))], counts)
    codes = np.repeat(np.arange(len(counts)), counts)
    pd.DataFrame({"x1": rng.normal(size=len(labels)) + codes,
                  "x2": rng.normal(size=len(labels)) - codes, "cls": labels}).to_csv(
        path, index=False)
    return str(path)


def _tasks(path, methods, classifiers=("logreg",), folds=3):
    config = BenchConfig(datasets=[path], methods=list(methods),
                         classifiers=list(classifiers), folds=folds).validate()
    return {t.method: t for t in build_tasks(config) if t.fold == 0}


def test_threshold_is_not_applicable_on_multiclass_data_but_size_policies_run(tmp_path):
    tasks = _tasks(_write(tmp_path / "three.csv", (120, 50, 30)),
                   ["threshold", "smote+vtss-fast"])
    na = run_task(tasks["threshold"])
    assert na["status"] == "not_applicable"
    assert na["error"] == "threshold moving is for binary data only; this dataset has 3 classes"
    ok = run_task(tasks["smote+vtss-fast"])   # the searches take multiclass data
    assert ok["status"] == "ok", ok["error"]
    assert ok["n_synthetic"] >= 0 and np.isfinite(ok["balanced_accuracy"])


def test_threshold_with_fewer_minority_rows_than_inner_folds_is_not_applicable(tmp_path):
    # 6 minority rows, 3 outer folds: 4 in each training part, fewer than 5 inner folds
    with pytest.warns(SynthaugWarning, match="6 rows of its smallest class"):
        tasks = _tasks(_write(tmp_path / "tiny.csv", (60, 6)), ["threshold", "none"])
    row = run_task(tasks["threshold"])
    assert row["status"] == "not_applicable", row["error"]
    assert row["error"] == ("4 minority rows in this training fold, fewer than the threshold "
                            "search's 5 inner folds")
    assert run_task(tasks["none"])["status"] == "ok"


@pytest.mark.parametrize("method", ["smote+vtss[reweight]", "smote+tg-vtss-fast[reweight]"])
def test_reweight_with_a_classifier_without_weights_is_not_applicable(method):
    row = run_task(Task("ecoli1", method, "knn", 3, 1, 0, 0, 0))
    assert row["status"] == "not_applicable"
    assert "knn takes neither class_weight nor sample_weight" in row["error"]
    assert "reweight" in row["error"]
    assert row["n_train"] is None   # known before the data were split or anything fitted


def test_threshold_is_a_known_baseline():
    assert "threshold" in known_methods()
    spec = parse_method("threshold")
    assert (spec.kind, spec.name, spec.make_sampler(0)) == ("baseline", "threshold", None)
    with pytest.raises(UnknownMethodError, match="adds no rows"):
        parse_method("threshold+gamma:1.5")


# --- the bias-corrected training mode ------------------------------------------------


def test_bias_corrected_training_names():
    assert parse_method("smote+bc").name == "smote+bias-corrected"
    assert parse_method("smote+gamma:0.5+BC").name == "smote+gamma:0.5+bias-corrected"
    assert parse_method("smote+bc").make_sampler(0) is None   # resampled inside the model
    for bad in ("none+bc", "smote+vtss+bc", "imblearn:SMOTE+bc"):
        with pytest.raises(UnknownMethodError, match=r"needs a synthaug generator|adds no rows"):
            parse_method(bad)


def test_bias_corrected_training_runs_with_logreg_only(tmp_path):
    from synthaug.bench import ResultStore
    from synthaug.datasets.bundled import load_dataset

    config = BenchConfig(datasets=["ecoli1"], methods=["smote+bc"],
                         classifiers=["logreg", "knn"], folds=3)
    run_bench(config, tmp_path / "bc.sqlite", LocalExecutor(1), quiet=True)
    frame = ResultStore(tmp_path / "bc.sqlite").read()
    ok = frame[frame["status"] == "ok"]
    assert set(ok["classifier"]) == {"logreg"} and len(ok) == 3
    na = frame[frame["status"] == "not_applicable"]
    assert set(na["classifier"]) == {"knn"}
    assert na["error"].str.contains("replaces logreg only").all()
    # full balance of each training fold: its majority minus its minority rows
    _, y = load_dataset("ecoli1")
    n1 = int(np.bincount(y).min())
    for n_train, n_syn in zip(ok["n_train"], ok["n_synthetic"]):
        assert n_syn in {n_train - 2 * (n1 - -(-n1 // 3)), n_train - 2 * (n1 - n1 // 3)}
