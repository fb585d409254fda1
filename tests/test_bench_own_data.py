"""The bench on a user's own files: names with a content hash, mixed columns, string and
multiclass labels, the TOML [[bench.dataset]] table, resume after a kill, and the suite
filter that keeps datasets every task would fail on out of the default suite."""

import math
import os
import sqlite3
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bench_helpers import kill_bench_after
from synthaug.bench import BenchConfig, LocalExecutor, build_tasks, load_config, run_bench
from synthaug.bench.data import FileSpec, check_splittable, load_file, min_class_rows
from synthaug.bench.grid import SUITE_FOLDS, suite_config
from synthaug.bench.store import ResultStore
from synthaug.bench.tasks import run_task
from synthaug.cli import app
from synthaug.exceptions import NotEnoughSamplesError, SynthaugWarning
from synthaug.metrics import METRICS

runner = CliRunner()

# A logistic regression that takes a moment per fit, so that a run can be killed midway.
SLOW_CLASSIFIER = '''
import time
from sklearn.linear_model import LogisticRegression


class SlowLogReg(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        time.sleep(0.15)
        return super().fit(X, y, sample_weight=sample_weight)
'''


def _churn(path, n=200, seed=0):
    """A mixed table: integer and float columns, a text category, string labels last."""
    rng = np.random.default_rng(seed)
    label = np.where(rng.random(n) < 0.2, "churned", "stayed")
    frame = pd.DataFrame({
        "age": rng.integers(18, 80, n),
        "balance": rng.normal(1000, 300, n) + 400 * (label == "churned"),
        "plan": rng.choice(["basic", "plus", "pro"], n),
        "label": label,
    })
    frame.to_csv(path, index=False)
    return path


def _three_classes(path, seed=1):
    rng = np.random.default_rng(seed)
    cls = np.array(["a"] * 120 + ["b"] * 50 + ["c"] * 30)
    frame = pd.DataFrame({"x1": rng.normal(size=200) + (cls == "b"),
                          "x2": rng.normal(size=200) + (cls == "c"), "cls": cls})
    frame.to_csv(path, index=False)
    return path


def _rows(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT task_id, status, dataset FROM results").fetchall()


def test_file_dataset_default_target_string_labels_and_categories(tmp_path):
    data = load_file(FileSpec(str(_churn(tmp_path / "churn.csv"))))
    assert data.name.startswith("churn.csv#") and len(data.name.split("#")[1]) == 8
    assert data.classes == ("stayed", "churned") and data.positive == 1   # the smaller class
    assert data.categorical == ("plan",) and list(data.X.columns) == ["age", "balance", "plan"]
    assert set(np.unique(data.y)) == {0, 1}
    assert (data.y == 1).sum() < (data.y == 0).sum()
    chosen = load_file(FileSpec(str(tmp_path / "churn.csv"), positive="stayed"))
    assert chosen.classes[chosen.positive] == "stayed" and chosen.name != data.name


def test_changed_file_is_a_new_dataset(tmp_path):
    path = _churn(tmp_path / "churn.csv")
    first = load_file(FileSpec(str(path))).name
    assert load_file(FileSpec(str(path))).name == first          # same bytes, same name
    _churn(path, seed=5)
    assert load_file(FileSpec(str(path))).name != first
    assert load_file(FileSpec(str(path), name="churn")).name.startswith("churn#")


def test_mixed_file_task_runs_with_every_metric(tmp_path):
    config = BenchConfig(datasets=[str(_churn(tmp_path / "churn.csv")), "iris0"],
                         methods=["none", "smote"], classifiers=["logreg"],
                         folds=3).validate()
    assert config.datasets[0].startswith("churn.csv#") and config.datasets[1] == "iris0"
    tasks = build_tasks(config)
    assert tasks[0].data is not None and tasks[-1].data is None
    row = run_task(next(t for t in tasks if t.method == "smote" and t.data is not None))
    assert row["status"] == "ok", row["error"]
    assert row["n_synthetic"] > 0
    assert all(row[m] is not None and np.isfinite(row[m]) for m in METRICS)


def test_multiclass_file_runs_size_policies_and_marks_kotaro_not_applicable(tmp_path):
    path = _three_classes(tmp_path / "three.csv")
    config = BenchConfig(datasets=[str(path)], methods=["none", "smote", "smote+vtss"],
                         classifiers=["logreg", "kotaro"], folds=3)
    summary = run_bench(config, tmp_path / "m.sqlite", LocalExecutor(1), quiet=True)
    frame = ResultStore(tmp_path / "m.sqlite").read()
    assert summary.failed == 0 and len(frame) == 3 * 2 * 3
    na = frame[frame["status"] == "not_applicable"]
    assert set(na["classifier"]) == {"kotaro"} and len(na) == 3 * 3
    assert na["error"].str.contains("binary data only").all()
    ok = frame[frame["status"] == "ok"]
    assert set(ok["method"]) == {"none", "smote", "smote+vtss"}
    assert set(ok["classifier"]) == {"logreg"}
    assert ok[list(METRICS)].notna().all().all()
    smote = ok[ok["method"] == "smote"]
    assert (smote["n_synthetic"] > 0).all()   # both smaller classes grew


def test_toml_dataset_tables(tmp_path):
    (tmp_path / "data").mkdir()
    _churn(tmp_path / "data" / "churn.csv")
    _three_classes(tmp_path / "data" / "three.csv")
    cfg = tmp_path / "grid.toml"
    cfg.write_text('[bench]\nmethods = ["none"]\nclassifiers = ["logreg"]\nfolds = 3\n\n'
                   '[[bench.dataset]]\npath = "data/churn.csv"\ntarget = "label"\n'
                   'categorical = ["age"]\npositive = "churned"\nname = "churn"\n\n'
                   '[[bench.dataset]]\npath = "data/three.csv"\n')
    config, _ = load_config(cfg)
    assert config.datasets == [] and len(config.files) == 2   # the files, not a suite
    valid = config.validate()
    assert valid.datasets[0].startswith("churn#") and valid.datasets[1].startswith("three.csv#")
    churn = valid.tables[valid.datasets[0]]
    assert churn.categorical == ("age", "plan") and churn.classes[churn.positive] == "churned"
    assert len(build_tasks(valid)) == 2 * 3
    assert valid.validate().datasets == valid.datasets        # validating again is a no-op


def test_cli_target_and_categorical_flags(tmp_path):
    path = _churn(tmp_path / "churn.csv")
    frame = pd.read_csv(path)
    frame[["label", "age", "balance", "plan"]].to_csv(tmp_path / "first.csv", index=False)
    store = tmp_path / "c.sqlite"
    result = runner.invoke(app, [
        "bench", "--datasets", f"{tmp_path / 'first.csv'},iris0", "--target", "label",
        "--categorical", "age", "--methods", "none,smote", "--classifiers", "logreg",
        "--folds", "3", "--store", str(store), "--no-report", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    stored = ResultStore(store).read()
    assert (stored["status"] == "ok").all() and len(stored) == 2 * 2 * 3
    assert {d.split("#")[0] for d in stored["dataset"]} == {"first.csv", "iris0"}
    # the last column of first.csv is plan: three classes, so the run differs
    other = runner.invoke(app, [
        "bench", "--datasets", str(tmp_path / "first.csv"), "--methods", "none",
        "--classifiers", "logreg", "--folds", "3", "--store", str(store), "--no-report",
        "--jobs", "1", "--quiet"])
    assert other.exit_code == 0, other.output
    assert ResultStore(store).read()["dataset"].nunique() == 3


def test_too_small_file_is_refused_up_front(tmp_path):
    frame = pd.DataFrame({"x": np.arange(30.0), "y": ["a"] * 27 + ["b"] * 3})
    frame.to_csv(tmp_path / "tiny.csv", index=False)
    store = tmp_path / "t.sqlite"
    result = runner.invoke(app, ["bench", "--datasets", str(tmp_path / "tiny.csv"),
                                 "--methods", "none", "--classifiers", "logreg",
                                 "--store", str(store), "--no-report", "--jobs", "1"])
    assert result.exit_code == 2 and "fewer than the 5 folds" in result.output
    assert not store.exists()
    with pytest.warns(SynthaugWarning, match="neighbour-based methods"):
        check_splittable("small", 7, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_splittable("enough", 8, 5)
    with pytest.raises(NotEnoughSamplesError, match="--folds"):
        check_splittable("tiny", 3, 5)


def test_file_settings_without_a_file_are_reported():
    config = BenchConfig(datasets=["iris0"], methods=["none"], classifiers=["logreg"],
                         target="label")
    with pytest.warns(SynthaugWarning, match="target apply to the CSV or Parquet files"):
        config.validate()


def test_default_suite_has_no_dataset_that_fails_for_none():
    from synthaug.datasets import list_datasets

    need = min_class_rows(SUITE_FOLDS)
    assert need == 8   # 8 - ceil(8 / 5) = 6 = k_neighbors + 1 in every training part
    assert need - math.ceil(need / SUITE_FOLDS) >= 6 and need // SUITE_FOLDS >= 1
    table = list_datasets().set_index("name")
    for suite in ("default", "full"):
        chosen = table.loc[suite_config(suite).datasets]
        assert (chosen["n_minority"] >= need).all()
        assert "lymphography" not in chosen.index


@pytest.mark.slow
def test_own_file_resumes_after_sigkill(tmp_path):
    (tmp_path / "slow_clf.py").write_text(SLOW_CLASSIFIER)
    env = {**os.environ, "PYTHONPATH": str(tmp_path) + os.pathsep
           + os.environ.get("PYTHONPATH", "")}
    store = tmp_path / "k.sqlite"
    cmd = [sys.executable, "-m", "synthaug.cli", "bench", "--datasets",
           str(_churn(tmp_path / "churn.csv")), "--methods", "none,smote", "--classifiers",
           "slow_clf.SlowLogReg", "--folds", "3", "--repeats", "4", "--store", str(store),
           "--no-report", "--jobs", "1", "--quiet"]
    partial = kill_bench_after(cmd, store, 3, env=env)
    assert 3 <= partial < 24
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert f"{partial} were already done" in done.stderr
    rows = _rows(store)
    assert len(rows) == 24 and len({r[0] for r in rows}) == 24
    assert all(status == "ok" for _, status, _ in rows)
    assert len({dataset for _, _, dataset in rows}) == 1


@pytest.mark.slow
def test_own_file_on_dask_matches_local(tmp_path):
    pytest.importorskip("distributed")
    from synthaug.bench import DaskExecutor, FileSpec

    config = BenchConfig(files=[FileSpec(str(_churn(tmp_path / "churn.csv")))],
                         methods=["none", "smote"], classifiers=["logreg"], folds=3)
    run_bench(config, tmp_path / "a.sqlite", LocalExecutor(2), quiet=True)
    run_bench(config, tmp_path / "b.sqlite", DaskExecutor("local:2"), quiet=True)
    a = ResultStore(tmp_path / "a.sqlite").read().set_index("task_id").sort_index()
    b = ResultStore(tmp_path / "b.sqlite").read().set_index("task_id").sort_index()
    assert len(a) == 6 and list(a.index) == list(b.index) and (a["status"] == "ok").all()
    for m in METRICS:
        np.testing.assert_array_equal(a[m].to_numpy(), b[m].to_numpy())


def test_report_shows_rows_features_and_ratio_of_a_file(tmp_path):
    from typer.testing import CliRunner

    from synthaug.cli import app

    path = _churn(tmp_path / "churn.csv")
    store = tmp_path / "m.sqlite"
    runner = CliRunner()
    result = runner.invoke(app, ["bench", "--datasets", str(path), "--methods", "none",
                                 "--classifiers", "logreg", "--folds", "2", "--store",
                                 str(store), "--no-report", "--quiet"])
    assert result.exit_code == 0, result.output
    from synthaug.bench.store import ResultStore

    with ResultStore.open_existing(store) as st:
        meta = st.read_meta("dataset:")
    (key, info), = meta.items()
    frame = pd.read_csv(path)
    counts = frame.iloc[:, -1].value_counts()
    assert key.startswith("dataset:churn.csv#")
    assert info["n"] == len(frame) and info["n_features"] == frame.shape[1] - 1
    assert info["imbalance_ratio"] == pytest.approx(counts.max() / counts.min())
    result = runner.invoke(app, ["report", "--store", str(store), "--format", "md", "-o",
                                 str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r.md").read_text()
    ratio = counts.max() / counts.min()
    assert f"{ratio:.2f}" in text or f"{ratio:.1f}" in text
