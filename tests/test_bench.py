import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bench_helpers import kill_bench_after
from synthaug.bench import (
    BenchConfig,
    LocalExecutor,
    Task,
    build_tasks,
    load_config,
    parse_method,
    run_bench,
    run_task,
    suite_config,
)
from synthaug.bench.grid import apply_overrides
from synthaug.bench.store import ResultStore
from synthaug.cli import app
from synthaug.datasets import load_dataset
from synthaug.exceptions import InvalidParameterError, UnknownMethodError
from synthaug.metrics import METRICS

runner = CliRunner()
TESTS = str(Path(__file__).parent)


def test_method_grammar_canonical_names():
    assert parse_method("smote").name == "smote"
    assert parse_method("SMOTE[k_neighbors=3]+gamma:1.50").name == "smote[k_neighbors=3]+gamma:1.5"
    assert parse_method("smote+balance").name == "smote"
    assert parse_method("borderline-2").params == {"kind": "borderline-2"}
    assert parse_method("imblearn:SMOTE").kind == "imblearn"
    assert parse_method("sv:ProWSyn").kind == "sv"
    assert parse_method("none").kind == "baseline"
    assert parse_method("adasyn+0.5+plain").size == "0.5"
    with pytest.raises(UnknownMethodError, match="Known methods: none, class-weight"):
        parse_method("smoot")
    with pytest.raises(UnknownMethodError, match="Unknown part 'turbo'"):
        parse_method("smote+turbo")
    with pytest.raises(InvalidParameterError, match="no parameter bogus"):
        parse_method("smote[bogus=1]")


def test_config_file_and_overrides(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text('[bench]\ndatasets = ["ecoli1"]\nmethods = ["none", "smote[k_neighbors=3]"]\n'
                   'classifiers = ["logreg"]\nfolds = 4\nrepeats = 2\n')
    config, _ = load_config(cfg)
    assert config.folds == 4 and config.repeats == 2
    tasks = build_tasks(config.validate())
    assert len(tasks) == 1 * 2 * 1 * 4 * 2
    assert len({t.task_id for t in tasks}) == len(tasks)
    bad = tmp_path / "bad.toml"
    bad.write_text("[bench]\nfoldz = 3\n")
    with pytest.raises(InvalidParameterError, match="foldz"):
        load_config(bad)


def test_default_suite_matches_the_issue():
    config = suite_config("default")
    assert config.methods == ["none", "class-weight", "random", "smote", "borderline-smote",
                              "adasyn", "gksmote", "smote+vtss-fast", "smote+tg-vtss-fast"]
    # the full protocol of the size policies is in the full suite only, under its own names
    assert suite_config("full").methods == [*config.methods, "smote+vtss", "smote+tg-vtss"]
    assert config.classifiers == ["logreg", "hgb"] and config.folds == 5
    from synthaug.datasets import list_datasets

    table = list_datasets()
    chosen = table[table["name"].isin(config.datasets)]
    assert (chosen["imbalance_ratio"] >= 1.5).all() and (chosen["n"] <= 10_000).all()
    # and enough minority rows for k_neighbors + 1 = 6 in every training part of 5 folds
    assert (chosen["n_minority"] >= 8).all()
    assert len(chosen) == ((table["imbalance_ratio"] >= 1.5) & (table["n"] <= 10_000)
                           & (table["n_minority"] >= 8)).sum()


def test_default_suite_skips_tg_vtss_with_hgb_only():
    config = suite_config("default").validate()
    pairs = {(t.method, t.classifier) for t in build_tasks(config)}
    n_pairs = len(config.methods) * len(config.classifiers)
    assert pairs == {(m, c) for m in config.methods for c in config.classifiers} - {
        ("smote+tg-vtss-fast", "hgb")}
    assert len(build_tasks(config)) == (n_pairs - 1) * len(config.datasets) * 5
    # naming the classifiers (or methods) runs every method with them
    only_hgb = apply_overrides(suite_config("default"), {"classifiers": "hgb"}).validate()
    assert ("smote+tg-vtss-fast", "hgb") in {(t.method, t.classifier)
                                             for t in build_tasks(only_hgb)}


def test_skip_pairs_in_a_config_file(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text('[bench]\ndatasets = ["ecoli1"]\nmethods = ["none", "smote+balance"]\n'
                   'classifiers = ["logreg", "knn"]\nfolds = 2\n'
                   'skip = [["smote", "knn"]]\n')
    config, _ = load_config(cfg)
    tasks = build_tasks(config.validate())
    assert sorted({(t.method, t.classifier) for t in tasks}) == [
        ("none", "knn"), ("none", "logreg"), ("smote", "logreg")]
    for bad, match in [('skip = [["smote"]]', "pairs"), ('skip = "smote"', "pairs"),
                       ('skip = [["smote", "tractor"]]', "tractor"),
                       ('skip = [["smoot", "knn"]]', "smoot")]:
        cfg.write_text('[bench]\ndatasets = ["ecoli1"]\nmethods = ["none"]\n'
                       f'classifiers = ["logreg"]\n{bad}\n')
        with pytest.raises((InvalidParameterError, UnknownMethodError), match=match):
            load_config(cfg)[0].validate()


def test_task_row_is_correct():
    task = Task("ecoli1", "smote", "logreg", n_folds=5, n_repeats=1, repeat=0, fold=2, seed=0)
    row = run_task(task)
    X, y = load_dataset("ecoli1")
    assert row["status"] == "ok", row["error"]
    assert row["n_train"] + row["n_test"] == len(y)
    # SMOTE balanced the training fold: n_synthetic = majority - minority in that fold
    from sklearn.model_selection import RepeatedStratifiedKFold

    train, _ = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=1, random_state=0)
                       .split(X, y))[2]
    assert row["n_synthetic"] == (y[train] == 0).sum() - (y[train] == 1).sum()
    assert all(row[m] is not None and np.isfinite(row[m]) for m in METRICS)
    again = run_task(task)
    assert all(again[m] == row[m] for m in METRICS)  # deterministic


def test_not_applicable_and_failure_rows():
    na = run_task(Task("ecoli1", "class-weight", "knn", 5, 1, 0, 0, 0))
    assert na["status"] == "not_applicable"
    bad = run_task(Task("iris0", "smote[k_neighbors=40]", "logreg", 3, 1, 0, 0, 0))
    assert bad["status"] == "failed" and "k_neighbors=40" in bad["error"]


def _rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT task_id, status FROM results").fetchall()


def test_smoke_suite_through_the_cli(tmp_path):
    store, report = tmp_path / "s.sqlite", tmp_path / "r.html"
    result = runner.invoke(app, ["bench", "--suite", "smoke", "--store", str(store),
                                 "--report", str(report), "--jobs", "2", "--quiet"])
    assert result.exit_code == 0, result.output
    frame = ResultStore(store).read()
    assert len(frame) == 5 * 2 * 1 * 3 and (frame["status"] == "ok").all()
    assert set(frame["method"]) == {"none", "smote"}
    assert frame[list(METRICS)].notna().all().all()
    assert (frame.loc[frame["method"] == "none", "n_synthetic"] == 0).all()
    assert (frame.loc[frame["method"] == "smote", "n_synthetic"] > 0).all()
    html = report.read_text()
    assert "<svg" in html or "data:image/png" in html
    # a second run skips every finished task
    again = runner.invoke(app, ["bench", "--suite", "smoke", "--store", str(store),
                                "--no-report", "--jobs", "1", "--quiet"])
    assert again.exit_code == 0 and "30 were already done" in again.output
    export = tmp_path / "results.csv"
    assert runner.invoke(app, ["results", "export", "--store", str(store), "-o",
                               str(export)]).exit_code == 0
    assert len(export.read_text().splitlines()) == 31


def test_failing_and_timed_out_methods_are_recorded_and_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", TESTS + os.pathsep + os.environ.get("PYTHONPATH", ""))
    store = tmp_path / "f.sqlite"
    config = BenchConfig(datasets=["iris0"], methods=["none", "smote[k_neighbors=40]"],
                         classifiers=["logreg", "bench_helpers.SleepyClassifier"], folds=3,
                         task_timeout=2)
    sys.path.insert(0, TESTS)
    try:
        summary = run_bench(config, store, LocalExecutor(2), quiet=True)
    finally:
        sys.path.remove(TESTS)
    assert summary.counts == {"ok": 3, "failed": 6, "timeout": 3}
    frame = ResultStore(store).read()
    timeouts = frame[frame["status"] == "timeout"]
    assert set(timeouts["classifier"]) == {"bench_helpers.SleepyClassifier"}
    assert timeouts["error"].str.contains("time limit").all()
    from synthaug.bench.report import write_report

    html = Path(write_report(frame, tmp_path / "r.html")).read_text()
    assert "timeout" in html and "k_neighbors=40" in html


@pytest.mark.slow
def test_dying_worker_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", TESTS + os.pathsep + os.environ.get("PYTHONPATH", ""))
    config = BenchConfig(datasets=["iris0"], methods=["none"],
                         classifiers=["logreg", "bench_helpers.CrashingClassifier"], folds=3)
    sys.path.insert(0, TESTS)
    try:
        summary = run_bench(config, tmp_path / "d.sqlite", LocalExecutor(2), quiet=True)
    finally:
        sys.path.remove(TESTS)
    frame = ResultStore(tmp_path / "d.sqlite").read()
    assert summary.ran == 6 and len(frame) == 6
    crashed = frame[frame["classifier"] == "bench_helpers.CrashingClassifier"]
    assert (crashed["status"] == "failed").all()
    assert crashed["error"].str.contains("worker died while running this task alone").all()
    assert (frame.loc[frame["classifier"] == "logreg", "status"] == "ok").all()


@pytest.mark.slow
def test_resume_after_sigkill(tmp_path):
    store = tmp_path / "k.sqlite"
    cmd = [sys.executable, "-m", "synthaug.cli", "bench", "--datasets",
           "ecoli1,glass1,iris0,haberman,new_thyroid1,pima", "--methods",
           "none,smote,adasyn", "--classifiers", "logreg", "--folds", "3", "--store",
           str(store), "--no-report", "--jobs", "1", "--quiet"]
    partial = kill_bench_after(cmd, store, 5)
    assert 5 <= partial < 54
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = _rows(store)
    assert len(rows) == 54 and len({r[0] for r in rows}) == 54
    assert all(status == "ok" for _, status in rows)


@pytest.mark.slow
def test_dask_local_cluster_matches_local(tmp_path):
    pytest.importorskip("distributed")
    from synthaug.bench import DaskExecutor

    config = BenchConfig(datasets=["ecoli1", "glass1"], methods=["none", "smote"],
                         classifiers=["logreg"], folds=3)
    run_bench(config, tmp_path / "a.sqlite", LocalExecutor(2), quiet=True)
    run_bench(config, tmp_path / "b.sqlite", DaskExecutor("local:2"), quiet=True)
    a = ResultStore(tmp_path / "a.sqlite").read().set_index("task_id").sort_index()
    b = ResultStore(tmp_path / "b.sqlite").read().set_index("task_id").sort_index()
    assert len(a) == len(b) == 12 and list(a.index) == list(b.index)
    for m in METRICS:
        np.testing.assert_array_equal(a[m].to_numpy(), b[m].to_numpy())


def test_store_gains_new_columns_and_keeps_one_row_per_task(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # a store from before the warnings column
        conn.execute("CREATE TABLE results (task_id TEXT PRIMARY KEY, dataset TEXT)")
    store = ResultStore(path)
    row = run_task(Task("ecoli1", "adasyn", "logreg", 3, 1, 0, 0, 0))
    store.write(row)
    store.write(row)
    frame = store.read()
    assert len(frame) == 1 and frame.loc[0, "status"] == "ok"
    assert "warnings" in frame.columns


def test_peer_libraries_run_on_the_same_folds():
    ours = run_task(Task("ecoli1", "smote", "logreg", 5, 1, 0, 1, 0))
    theirs = run_task(Task("ecoli1", "imblearn:SMOTE", "logreg", 5, 1, 0, 1, 0))
    assert theirs["status"] == "ok", theirs["error"]
    assert theirs["n_train"] == ours["n_train"] and theirs["n_synthetic"] == ours["n_synthetic"]
    pytest.importorskip("smote_variants")
    sv = run_task(Task("ecoli1", "sv:polynom_fit_SMOTE_star", "logreg", 5, 1, 0, 1, 0))
    assert sv["status"] == "ok", sv["error"]
    assert sv["n_train"] == ours["n_train"] and sv["n_synthetic"] > 0


def test_size_policies_in_the_grid():
    assert parse_method("smote[k_neighbors=3]+tg-vtss").size_policy == "tg-vtss"
    with pytest.raises(UnknownMethodError, match="takes no size"):
        parse_method("none+vtss")
    with pytest.raises(UnknownMethodError, match="cannot be combined"):
        parse_method("imblearn:SMOTE+vtss")
    row = run_task(Task("ecoli1", "smote+vtss", "logreg", 3, 1, 0, 0, 0))
    assert row["status"] == "ok", row["error"]
    assert row["n_synthetic"] >= 0 and row["fit_time"] == 0.0
    # TG-VTSS takes any classifier with probabilities (diagnostics on a logistic pilot)
    knn = run_task(Task("ecoli1", "smote+tg-vtss", "knn", 3, 1, 0, 0, 0))
    assert knn["status"] == "ok", knn["error"]
    assert knn["n_synthetic"] >= 0 and knn["fit_time"] == 0.0


def test_fast_protocol_has_its_own_method_names():
    from sklearn.linear_model import LogisticRegression

    fast, full = parse_method("smote+vtss-fast"), parse_method("smote+vtss")
    assert (fast.name, fast.size_policy, fast.protocol) == ("smote+vtss-fast", "vtss-fast",
                                                            "fast")
    assert full.protocol == "full" and parse_method("smote").protocol is None
    search = fast.make_search(LogisticRegression(), 0)
    assert search.cv == 3 and 0.0 in search.gammas and search.n_jobs == 1
    assert full.make_search(LogisticRegression(), 0).cv == 5   # the library's defaults
    tg = parse_method("smote+tg-vtss-fast").make_search(LogisticRegression(), 0)
    assert (tg.cv, tg.grid) == (3, "coarse")
    row = run_task(Task("ecoli1", "smote+tg-vtss-fast", "logreg", 5, 1, 0, 0, 0))
    assert row["status"] == "ok", row["error"]
    from sklearn.ensemble import HistGradientBoostingClassifier

    hgb = parse_method("smote+tg-vtss-fast").make_search(HistGradientBoostingClassifier(), 0)
    assert hgb._check_estimator() is None   # no per-sample scores needed any more


def test_kotaro_is_a_bench_classifier():
    row = run_task(Task("ecoli1", "none", "kotaro", 3, 1, 0, 0, 0))
    assert row["status"] == "ok", row["error"]
    assert 0.5 < row["balanced_accuracy"] <= 1.0


def test_size_policy_on_too_small_inner_folds_is_not_applicable():
    """Known before the search starts: 33 minority rows of an outer training fold leave 22
    in an inner training part (3 inner folds), fewer than k_neighbors + 1 = 41."""
    row = run_task(Task("iris0", "smote[k_neighbors=40]+vtss-fast", "logreg", 3, 1, 0, 0, 0))
    assert row["status"] == "not_applicable", row["error"]
    assert "fewer than k_neighbors + 1 = 41" in row["error"]
    ok = run_task(Task("iris0", "smote[k_neighbors=3]+vtss-fast", "logreg", 3, 1, 0, 0, 0))
    assert ok["status"] == "ok", ok["error"]


def test_a_bad_generator_value_fails_when_the_grid_is_checked():
    config = BenchConfig(datasets=["ecoli1"], methods=["none", "borderline-2[step='bogus']"],
                         classifiers=["logreg"])
    with pytest.raises(InvalidParameterError, match="bogus"):
        config.validate()
    with pytest.raises(InvalidParameterError, match="lambda_"):
        BenchConfig(datasets=["ecoli1"], methods=["moms[lambda_=-1.0]"],
                    classifiers=["logreg"]).validate()
