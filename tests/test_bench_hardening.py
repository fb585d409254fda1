"""The bench's hardening: one canonical name per method, exit status and retries, missing
libraries found up front, determinism across runs and executors, safe loading."""

import json
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from synthaug.bench import BenchConfig, LocalExecutor, build_tasks, parse_method, run_bench
from synthaug.bench.classifiers import make_classifier
from synthaug.bench.store import ResultStore
from synthaug.cli import app
from synthaug.exceptions import (
    InvalidParameterError,
    MissingDependencyError,
    SamplingStrategyError,
    UnknownMethodError,
)
from synthaug.metrics import METRICS

runner = CliRunner()


# --------------------------------------------------------------------------- one name
@pytest.mark.parametrize("spellings", [
    ["smote", "smote+gamma:1", "smote+gamma:1.00", "smote+gamma:1.0", "smote+balance",
     "SMOTE", "smote[k_neighbors=5]", "smote[k_neighbors=5.0]"],
    ["smote[k_neighbors=3]+gamma:1.5", "smote[k_neighbors=3.0]+gamma:1.50",
     "smote[ k_neighbors=3 ]+gamma:1.500+plain"],
    ["adasyn+0.8", "adasyn+0.80", "adasyn+.8"],
    ["smote+gamma:2", "smote+gamma:2.0", "smote+gamma:2.00"],
    ["borderline-2", "borderline-smote[kind=borderline-2]",
     "borderline-smote[kind='borderline-2',m_neighbors=10]"],
    ["imblearn:SMOTE", "imblearn:SMOTE[k_neighbors=5.0]"],
    ["jitter[sigma=2]", "jitter[sigma=2.0]"],
])
def test_one_method_has_one_name(spellings):
    names = {parse_method(s).name for s in spellings}
    assert len(names) == 1, names
    params = {json.dumps(parse_method(s).params, sort_keys=True) for s in spellings}
    assert len(params) == 1, params


def test_parameter_order_and_types_are_canonical():
    a = parse_method("borderline-smote[m_neighbors=8,k_neighbors=3.0]")
    b = parse_method("borderline-smote[k_neighbors=3,m_neighbors=8.0]")
    assert a.name == b.name == "borderline-smote[k_neighbors=3,m_neighbors=8]"
    assert a.params == {"k_neighbors": 3, "m_neighbors": 8}
    assert all(type(v) is int for v in a.params.values())
    assert parse_method("jitter[sigma=2]").params == {"sigma": 2.0}  # a float parameter
    assert parse_method("smote+gamma:1.25").name == "smote+gamma:1.25"


def test_one_grid_row_per_method_whatever_the_spelling():
    config = BenchConfig(datasets=["iris0"], classifiers=["logreg"], folds=2,
                         methods=["none", "smote+gamma:1", "smote+gamma:1.00",
                                  "smote[k_neighbors=5.0]", "smote+gamma:1.5",
                                  "smote+gamma:1.50"]).validate()
    assert config.methods == ["none", "smote", "smote+gamma:1.5"]
    tasks = build_tasks(config)
    assert len(tasks) == 3 * 2 and len({t.task_id for t in tasks}) == 6


@pytest.mark.parametrize("text, error, message", [
    ("smote+2.5", SamplingStrategyError, "(0, 1]"),
    ("smote+nan", SamplingStrategyError, "(0, 1]"),
    ("smote+gamma:1+gamma:2", UnknownMethodError, "give one"),
    ("smote[k_neighbors=3,k_neighbors=4]", InvalidParameterError, "given twice"),
])
def test_sizes_and_parameters_are_checked_when_parsed(text, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace("]", r"\]")):
        parse_method(text)


def test_set_neighbors_settings_combine():
    from synthaug.neighbors import get_neighbors_config, neighbors_config, set_neighbors

    class Index:
        def fit(self, X):
            return self

        def kneighbors(self, X, n_neighbors, return_distance=True):
            raise AssertionError("not called here")

    index = Index()
    with neighbors_config():
        set_neighbors(estimator=index)
        set_neighbors(n_jobs=1)  # what every bench worker does
        config = get_neighbors_config()
        assert config["estimator"] is index and config["n_jobs"] == 1
        set_neighbors(algorithm="brute")
        assert get_neighbors_config()["estimator"] is index
        set_neighbors(estimator=None)  # an explicit None removes it
        assert get_neighbors_config()["estimator"] is None


# --------------------------------------------------------------------------- exit status
GRID = ["--datasets", "iris0", "--classifiers", "logreg", "--folds", "2", "--jobs", "1",
        "--no-report", "--quiet"]


def _statuses(path):
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT method, status FROM results"
                                 " WHERE fold = 0").fetchall())


def test_bench_exit_status_and_retry_failed(tmp_path):
    store = str(tmp_path / "s.sqlite")
    # every task fails: non-zero exit and one error line that says why
    result = runner.invoke(app, ["bench", *GRID, "--methods", "smote[k_neighbors=40]",
                                 "--store", store])
    assert result.exit_code == 1, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: every task that ran failed: 2 tasks failed")
    assert "k_neighbors=40" in last and "Traceback" not in result.output
    # some fail: exit 0, and it says how many
    result = runner.invoke(app, ["bench", *GRID, "--methods", "none,smote[k_neighbors=40]",
                                 "--store", store])
    assert result.exit_code == 0, result.output
    assert "warning: 0 of 2 tasks failed" not in result.stderr
    assert "2 tasks run" in result.stderr  # only the none tasks were new
    assert "2 tasks of this grid failed in an earlier run" in result.stderr
    with ResultStore(store) as st:
        before = st.read().set_index("task_id")
    # --retry-failed runs the failed tasks again, and only those
    result = runner.invoke(app, ["bench", *GRID, "--methods", "none,smote[k_neighbors=40]",
                                 "--store", store, "--retry-failed"])
    assert result.exit_code == 1, result.output  # they fail again: all that ran failed
    with ResultStore(store) as st:
        after = st.read().set_index("task_id")
    ok = before.index[before["status"] == "ok"]
    failed = before.index[before["status"] == "failed"]
    assert len(ok) == 2 and len(failed) == 2
    assert (after.loc[ok, "finished_at"] == before.loc[ok, "finished_at"]).all()
    assert (after.loc[failed, "finished_at"] != before.loc[failed, "finished_at"]).all()
    # a partly failing first run: exit 0 and the count of failures
    result = runner.invoke(app, ["bench", *GRID, "--methods", "none,smote[k_neighbors=40]",
                                 "--store", str(tmp_path / "t.sqlite")])
    assert result.exit_code == 0, result.output
    assert "warning: 2 of 4 tasks failed" in result.stderr


def test_retry_failed_in_python(tmp_path):
    config = BenchConfig(datasets=["iris0"], methods=["none", "smote[k_neighbors=40]"],
                         classifiers=["logreg"], folds=2)
    first = run_bench(config, tmp_path / "s.sqlite", LocalExecutor(1), quiet=True)
    assert first.counts == {"ok": 2, "failed": 2} and first.failed == 2
    assert not first.all_failed and list(first.errors.values()) == [2]
    again = run_bench(config, tmp_path / "s.sqlite", LocalExecutor(1), quiet=True)
    assert again.ran == 0 and again.failed_before == 2
    retry = run_bench(config, tmp_path / "s.sqlite", LocalExecutor(1), quiet=True,
                      retry_failed=True)
    assert retry.ran == 2 and retry.retried == 2 and retry.all_failed


# --------------------------------------------------------------------------- dependencies
def test_missing_smote_variants_is_reported_once_before_any_task(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "smote_variants", None)  # import fails
    store = tmp_path / "s.sqlite"
    config = BenchConfig(datasets=["iris0"], methods=["none", "sv:ProWSyn"],
                         classifiers=["logreg"], folds=2)
    with pytest.raises(MissingDependencyError, match="smote-variants"):
        run_bench(config, store, LocalExecutor(1), quiet=True)
    assert not store.exists()
    result = runner.invoke(app, ["bench", *GRID, "--methods", "none,sv:ProWSyn", "--store",
                                 str(store)])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: sv:* methods need smote-variants")
    assert len(result.stderr.strip().splitlines()) == 1 and not store.exists()


def test_a_generator_s_missing_module_is_reported_up_front(tmp_path, monkeypatch):
    from synthaug import registry

    monkeypatch.setitem(registry.REQUIREMENTS, "gaussian",
                        [("no_such_module_for_synthaug", "pip install something")])
    config = BenchConfig(datasets=["iris0"], methods=["none", "gaussian"],
                         classifiers=["logreg"], folds=2)
    with pytest.raises(MissingDependencyError, match="no_such_module_for_synthaug"):
        run_bench(config, tmp_path / "s.sqlite", LocalExecutor(1), quiet=True)
    assert not (tmp_path / "s.sqlite").exists()


def test_peer_names_and_parameters_are_checked_up_front():
    config = BenchConfig(datasets=["iris0"], classifiers=["logreg"],
                         methods=["imblearn:SMOTE[bogus=1]"])
    with pytest.raises(InvalidParameterError, match="imblearn:SMOTE has no parameter bogus"):
        config.validate()
    with pytest.raises(UnknownMethodError, match="did you mean SMOTE"):
        BenchConfig(datasets=["iris0"], classifiers=["logreg"],
                    methods=["imblearn:SMOOT"]).validate()


# --------------------------------------------------------------------------- determinism
def _metrics(path):
    with ResultStore(path) as store:
        frame = store.read().set_index("task_id").sort_index()
    assert (frame["status"] == "ok").all(), frame["error"].dropna().tolist()
    return frame


def test_same_seed_same_results_across_jobs_and_executors(tmp_path):
    pytest.importorskip("distributed")
    from synthaug.bench import DaskExecutor

    config = BenchConfig(datasets=["ecoli1", "new_thyroid1"], methods=["none", "smote"],
                         classifiers=["logreg"], folds=2, random_state=7)
    runs = {"jobs1": LocalExecutor(1), "jobs2": LocalExecutor(2),
            "dask": DaskExecutor("local:2")}
    frames = {}
    for name, executor in runs.items():
        run_bench(config, tmp_path / f"{name}.sqlite", executor, quiet=True)
        frames[name] = _metrics(tmp_path / f"{name}.sqlite")
    ref = frames["jobs1"]
    assert len(ref) == 2 * 2 * 2
    for name, frame in frames.items():
        assert list(frame.index) == list(ref.index), name
        for col in [*METRICS, "n_synthetic", "n_train", "seed"]:
            np.testing.assert_array_equal(frame[col].to_numpy(), ref[col].to_numpy(),
                                          err_msg=f"{name}: {col}")


def test_tune_and_diagnose_have_a_default_seed(tmp_path):
    first = runner.invoke(app, ["tune", "ecoli1", "--policy", "vtss", "--json"])
    second = runner.invoke(app, ["tune", "ecoli1", "--policy", "vtss", "--json"])
    assert first.exit_code == second.exit_code == 0, first.output
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a == b and a["random_state"] == 0
    text = runner.invoke(app, ["tune", "ecoli1", "--policy", "vtss", "--random-state", "3"])
    assert "seed 3 (--random-state)" in text.stdout
    first = runner.invoke(app, ["diagnose", "ecoli1", "--json"])
    second = runner.invoke(app, ["diagnose", "ecoli1", "--json"])
    assert first.exit_code == second.exit_code == 0, first.output
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a == b and a["random_state"] == 0
    text = runner.invoke(app, ["diagnose", "ecoli1"])
    assert "seed 0 (--random-state)" in text.stdout


# --------------------------------------------------------------------------- safe loading
@pytest.mark.parametrize("path, message", [
    ("sklearn.metrics.log_loss", "sklearn.metrics.log_loss is a function, not a classifier "
                                 "class"),
    ("sklearn.linear_model", "is a module, not a classifier class"),
    ("collections.OrderedDict", "is a class but not a scikit-learn estimator"),
    ("sklearn.linear_model.LinearRegression", "not a classifier"),
    ("sklearn.pipeline.Pipeline", "cannot be built without arguments"),
    ("sklearn.no_such_module.Thing", "Cannot import classifier"),
])
def test_classifier_import_paths_must_name_a_classifier_class(path, message):
    with pytest.raises(UnknownMethodError, match=message):
        make_classifier(path)


def test_classifier_import_path_that_works():
    est = make_classifier("sklearn.ensemble.RandomForestClassifier", 3)
    assert type(est).__name__ == "RandomForestClassifier" and est.random_state == 3


def test_the_bench_never_unpickles():
    import re

    import synthaug.bench as bench

    loads = re.compile(r"import (cloud)?pickle|from (cloud)?pickle|pickle\.loads?\(|"
                       r"joblib\.load\(|(np|numpy)\.load\(|import dill|import shelve")
    for module in Path(bench.__file__).parent.glob("*.py"):
        found = loads.search(module.read_text())
        assert found is None, f"{module.name}: {found.group(0)}"


def test_progress_lines_when_output_is_not_a_terminal(tmp_path, monkeypatch):
    """Under nohup or in CI logs the live bar would print nothing until the end: plain
    progress lines are printed instead (every 5 % and at least every 30 s)."""
    import io

    from rich.console import Console

    from synthaug.bench import BenchConfig, LocalExecutor, run_bench, runner

    monkeypatch.setattr(runner, "LOG_EVERY_S", 0.0)
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    config = BenchConfig(datasets=["iris0"], methods=["none", "smote"], classifiers=["logreg"],
                         folds=2)
    run_bench(config, tmp_path / "p.sqlite", LocalExecutor(1), console=console)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("bench: ")]
    assert len(lines) == 4 and lines[-1].startswith("bench: 4/4 done (4 ok)")
