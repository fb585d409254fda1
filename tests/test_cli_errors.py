"""Every CLI failure is one line ``error: ...`` on stderr with a non-zero exit status, never
a traceback; bad output paths and stores are refused before any work; warnings are one
line each."""

import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug.cli import app

runner = CliRunner()
GRID = ["--datasets", "iris0", "--methods", "none", "--classifiers", "logreg", "--folds",
        "2", "--jobs", "1", "--quiet"]


def assert_one_line_error(result, contains=None, code=2):
    """Exit ``code``, no exception escaped, stderr ends in exactly one ``error:`` line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), result.output)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    if contains is not None:
        assert contains in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def files(tmp_path, monkeypatch):
    """A table, an empty file, a header-only file, a plain file to use as a folder, a file
    that is not SQLite, and a results store with one row; run in ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(40, int), np.ones(12, int)]
    pd.DataFrame({"x1": rng.normal(size=52), "x2": rng.normal(size=52) + y,
                  "label": y}).to_csv("data.csv", index=False)
    Path("empty.csv").write_text("")
    Path("header.csv").write_text("x1,label\n")
    Path("afile").write_text("not a folder")
    Path("notsqlite.sqlite").write_text("this is not a database\n")
    from synthaug.bench.store import ResultStore
    from synthaug.bench.tasks import Task, run_task

    with ResultStore("store.sqlite") as store:
        store.write(run_task(Task("iris0", "none", "logreg", 2, 1, 0, 0, 0)))
    return tmp_path


# --------------------------------------------------------------------------- output paths
@pytest.mark.parametrize("output", ["afile/out.csv", "afile/deeper/out.csv", "/proc/out.csv"])
def test_resample_refuses_an_unwritable_output(files, output):
    if output.startswith("/proc") and not Path("/proc").is_dir():
        pytest.skip("no /proc here")
    result = runner.invoke(app, ["resample", "data.csv", "--target", "label", "-o", output])
    assert_one_line_error(result, f"Cannot write the output {output}")


def test_report_and_export_refuse_an_unwritable_output(files):
    result = runner.invoke(app, ["report", "--store", "store.sqlite", "-o", "afile/r.html"])
    assert_one_line_error(result, "afile is a file, not a folder")
    result = runner.invoke(app, ["results", "export", "--store", "store.sqlite", "-o",
                                 "afile/r.csv"])
    assert_one_line_error(result, "afile is a file, not a folder")
    if Path("/proc").is_dir():
        result = runner.invoke(app, ["report", "--store", "store.sqlite", "-o", "/proc/r.html"])
        assert_one_line_error(result, "/proc does not accept new files")


def test_bench_checks_the_report_path_before_running(files):
    result = runner.invoke(app, ["bench", *GRID, "--store", "new.sqlite", "--report",
                                 "afile/r.html"])
    assert_one_line_error(result, "Cannot write the report afile/r.html")
    assert not Path("new.sqlite").exists()  # refused before any task ran


def test_tune_checks_the_plot_before_the_search(files):
    result = runner.invoke(app, ["tune", "data.csv", "--target", "label", "--policy", "vtss",
                                 "--plot", "afile/curve.png"])
    assert_one_line_error(result, "afile is a file, not a folder")
    result = runner.invoke(app, ["tune", "data.csv", "--target", "label", "--policy", "vtss",
                                 "--plot", "curve.xyz"])
    line = assert_one_line_error(result, "unknown image format 'xyz'")
    assert ".png" in line and ".svg" in line
    assert not Path("curve.xyz").exists()


# --------------------------------------------------------------------------- stores
@pytest.mark.parametrize("command", [
    ["report", "-o", "r.html"],
    ["results", "export", "-o", "r.csv"],
    ["bench", *GRID, "--no-report"],
])
def test_a_store_that_is_not_sqlite_is_refused_and_left_alone(files, command):
    before = Path("notsqlite.sqlite").read_bytes()
    result = runner.invoke(app, [*command, "--store", "notsqlite.sqlite"])
    assert_one_line_error(result, "notsqlite.sqlite is not a results store")
    assert Path("notsqlite.sqlite").read_bytes() == before


def test_an_sqlite_file_of_something_else_is_refused(files):
    with sqlite3.connect("other.sqlite") as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    result = runner.invoke(app, ["report", "--store", "other.sqlite", "-o", "r.html"])
    assert_one_line_error(result, "not a results store (no results table")
    result = runner.invoke(app, ["bench", *GRID, "--store", "other.sqlite", "--no-report"])
    assert_one_line_error(result, "not a results store")
    with sqlite3.connect("other.sqlite") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"customers"}


@pytest.mark.parametrize("store, message", [
    ("afile/s.sqlite", "afile is a file, not a folder"),
    (".", "is a folder"),
])
def test_bench_refuses_a_store_it_cannot_create(files, store, message):
    result = runner.invoke(app, ["bench", *GRID, "--store", store, "--no-report"])
    assert_one_line_error(result, message)


def test_unreachable_scheduler_is_one_line_and_leaves_no_store(files):
    pytest.importorskip("distributed")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["bench", *GRID, "--scheduler", "tcp://127.0.0.1:1",
                                     "--store", "s.sqlite", "--no-report"])
    assert_one_line_error(result, "Cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert not Path("s.sqlite").exists()
    result = runner.invoke(app, ["bench", *GRID, "--scheduler", "local:x", "--store",
                                 "s.sqlite", "--no-report"])
    assert_one_line_error(result, "local:N with a whole number")
    assert not Path("s.sqlite").exists()


# --------------------------------------------------------------------------- bad inputs
BAD_INPUTS = [
    (["--target", "nope"], "nope"),
    (["--target", "label", "--generator", "smoot"], "Unknown method 'smoot'"),
    (["--target", "label", "-p", "k_neighbors=abc"], "k_neighbors"),
    (["--target", "label", "-p", "bogus=1"], "no parameter bogus"),
    (["--target", "label", "-p", "k_neighbors"], "key=value"),
    (["--target", "label", "--classifier", "sklearn.metrics.log_loss"],
     "sklearn.metrics.log_loss is a function, not a classifier class"),
    (["--target", "label", "--classifier", "nope"], "Unknown classifier 'nope'"),
    (["--target", "label", "--random-state", "-1"], "--random-state"),
]


@pytest.mark.parametrize("command", ["tune", "diagnose"])
@pytest.mark.parametrize("args, message", BAD_INPUTS)
def test_tune_and_diagnose_bad_inputs(files, command, args, message):
    if command == "tune":
        args = [*args, "--policy", "vtss"]
    assert_one_line_error(runner.invoke(app, [command, "data.csv", *args]), message)


@pytest.mark.parametrize("source, message", [
    ("missing.csv", "neither an existing file nor a bundled dataset"),
    ("empty.csv", "empty.csv"),
    ("header.csv", "has a header but no rows"),
    (".", "directory"),
])
@pytest.mark.parametrize("command", ["resample", "tune", "diagnose"])
def test_unreadable_inputs(files, command, source, message):
    extra = ["-o", "out.csv"] if command == "resample" else []
    result = runner.invoke(app, [command, source, "--target", "label", *extra])
    assert_one_line_error(result, message)
    assert not Path("out.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--method", "smoot"], "Unknown method 'smoot'"),
    (["-p", "k_neighbors=abc"], "k_neighbors"),
    (["-p", "k_neighbors=-1"], "k_neighbors"),
    (["--sampling-strategy", "gamma:x"], "gamma:x"),
    (["--sampling-strategy", "2.5"], "(0, 1]"),
    (["--sampling-strategy", "nonsense"], "nonsense"),
    (["--categorical", "zz"], "zz"),
    (["-o", "out.txt"], "out.txt"),
])
def test_resample_bad_inputs(files, args, message):
    base = ["resample", "data.csv", "--target", "label"]
    if "-o" not in args:
        base += ["-o", "out.csv"]
    assert_one_line_error(runner.invoke(app, base + args), message)
    assert not Path("out.csv").exists()


def test_diagnose_needs_a_classifier_with_scores(files):
    result = runner.invoke(app, ["diagnose", "data.csv", "--target", "label", "--classifier",
                                 "knn"])
    assert_one_line_error(result, "Use --classifier logreg or mlp")


@pytest.mark.parametrize("args, message", [
    (["--methods", "smote[k_neighbors=3"], "smote[k_neighbors=3"),  # brackets shown as typed
    (["--methods", "smote+2.5"], "(0, 1]"),
    (["--methods", "imblearn:SMOOT"], "did you mean SMOTE"),
    (["--classifiers", "sklearn.metrics.log_loss"], "is a function, not a classifier class"),
    (["--classifiers", "sklearn.linear_model.LinearRegression"], "not a classifier"),
    (["--random-state", "-1"], "random_state"),
    (["--datasets", "nope"], "Unknown dataset 'nope'"),
    (["--config", "missing.toml"], "No config file"),
    (["--config", "data.csv"], "not valid TOML"),
])
def test_bench_bad_inputs_leave_no_store(files, args, message):
    base = ["bench", "--datasets", "iris0", "--methods", "none", "--classifiers", "logreg",
            "--store", "s.sqlite", "--no-report"]
    assert_one_line_error(runner.invoke(app, base + args), message)
    assert not Path("s.sqlite").exists()


def test_config_values_of_the_wrong_type(files):
    Path("grid.toml").write_text('[bench]\ndatasets = ["iris0"]\nmethods = ["none"]\n'
                                 'classifiers = ["logreg"]\nfolds = "three"\n')
    result = runner.invoke(app, ["bench", "--config", "grid.toml", "--store", "s.sqlite"])
    assert_one_line_error(result, "folds must be an integer, got 'three'")


# --------------------------------------------------------------------------- warnings
def test_warnings_are_one_readable_line_and_the_hook_is_restored(files):
    before = warnings.showwarning
    y = np.r_[np.zeros(20, int), np.ones(20, int)]
    pd.DataFrame({"x1": np.arange(40.0) + 10 * y, "label": y}).to_csv("bal.csv", index=False)
    result = runner.invoke(app, ["tune", "bal.csv", "--target", "label", "--policy", "vtss"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["warning: The classes are already balanced (gap 0): no synthetic rows "
                     "are added and no size is searched."]
    assert warnings.showwarning is before
