import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthaug.cli import app

runner = CliRunner()


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    y = np.r_[np.zeros(100, int), np.ones(20, int)]
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.integers(0, 50, n),
                          "colour": rng.choice(["r", "g"], n), "label": y})
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "synthaug" in result.output


def test_resample_csv_to_parquet(table, tmp_path):
    out = tmp_path / "out.parquet"
    result = runner.invoke(app, ["resample", str(table), "--target", "label", "--method",
                                 "smote", "-p", "k_neighbors=3", "--sampling-strategy",
                                 "gamma:1.5", "--random-state", "0", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["before"] == {"0": 100, "1": 20} and info["after"] == {"0": 100, "1": 140}
    frame = pd.read_parquet(out)
    assert list(frame.columns) == ["x1", "x2", "colour", "label"]
    assert set(frame["colour"]) == {"r", "g"}
    assert frame["x2"].dtype == np.int64
    assert not list(tmp_path.glob(".*.tmp"))


def test_resample_bundled_dataset(tmp_path):
    out = tmp_path / "ecoli.csv"
    result = runner.invoke(app, ["resample", "ecoli1", "--method", "adasyn", "--random-state",
                                 "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    counts = frame["target"].value_counts()
    assert counts[0] == counts[1]
    assert "class counts" in result.output


@pytest.mark.parametrize("args, message", [
    (["--method", "smoot"], "Unknown method 'smoot'"),
    (["--target", "nope"], "nope"),
    (["--sampling-strategy", "2.5"], "(0, 1]"),
    (["-p", "k_neighbors=50"], "k_neighbors=50"),
    (["-p", "bogus=1"], "no parameter bogus"),
])
def test_errors_are_one_line_without_traceback(table, tmp_path, args, message):
    out = tmp_path / "never.csv"
    base = ["resample", str(table), "-o", str(out)]
    if "--target" not in args:
        base += ["--target", "label"]
    result = runner.invoke(app, base + args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_input_says_neither(tmp_path):
    result = runner.invoke(app, ["resample", "no_such_thing", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "neither an existing file nor a bundled dataset" in result.output


def test_datasets_list_json():
    result = runner.invoke(app, ["datasets", "list", "--json", "--min-ir", "9", "--max-n", "400"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(r["imbalance_ratio"] >= 9 and r["n"] <= 400 for r in rows)


def test_output_file_has_ordinary_permissions(table, tmp_path):
    import os
    import stat

    out = tmp_path / "perm.csv"
    result = runner.invoke(app, ["resample", str(table), "--target", "label", "-o", str(out)])
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_tune_and_diagnose_json(tmp_path):
    plot = tmp_path / "curve.png"
    result = runner.invoke(app, ["tune", "ecoli1", "--policy", "vtss", "--random-state", "0",
                                 "--plot", str(plot), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output.strip().splitlines()[-1])
    sizes = [row["size"] for row in info["curve"]]
    assert info["chosen_size"] in sizes and info["gap"] > 0
    assert plot.exists() and plot.stat().st_size > 1000
    result = runner.invoke(app, ["diagnose", "ecoli1", "--random-state", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output.strip().splitlines()[-1])
    assert info["symmetry"]["regime"] in ("local symmetry", "local asymmetry")
    assert info["quality"]["label"] in ("realistic", "biased")
    knn = runner.invoke(app, ["tune", "ecoli1", "--classifier", "knn", "--reweight", "--json"])
    assert knn.exit_code == 2 and "KNeighborsClassifier takes neither" in knn.output
    knn = runner.invoke(app, ["tune", "ecoli1", "--classifier", "knn", "--json"])
    assert knn.exit_code == 0, knn.output
    info = json.loads(knn.output.strip().splitlines()[-1])
    assert info["diagnostics"]["diagnostic_estimator"] == "LogisticRegression"
    bad = runner.invoke(app, ["tune", "ecoli1", "--rule", "smallest"])
    assert bad.exit_code == 2 and "rule must be one of" in bad.output


def test_results_export_then_import_resumes_elsewhere(tmp_path):
    from synthaug.bench import BenchConfig, LocalExecutor, ResultStore, run_bench

    config = BenchConfig(datasets=["ecoli1"], methods=["none", "smote"],
                         classifiers=["logreg"], folds=3)
    first = tmp_path / "first.sqlite"
    run_bench(config, first, LocalExecutor(1), quiet=True)
    exported = tmp_path / "rows.parquet"
    assert runner.invoke(app, ["results", "export", "--store", str(first), "-o",
                               str(exported)]).exit_code == 0
    second = tmp_path / "second.sqlite"
    result = runner.invoke(app, ["results", "import", str(exported), "--store", str(second)])
    assert result.exit_code == 0, result.output
    summary = run_bench(config, second, LocalExecutor(1), quiet=True)
    assert (summary.ran, summary.skipped) == (0, 6)
    a = ResultStore(first).read().sort_values("task_id").reset_index(drop=True)
    b = ResultStore(second).read().sort_values("task_id").reset_index(drop=True)
    assert len(b) == 6
    pd.testing.assert_series_equal(a["mcc"], b["mcc"])
    # a file without the store's columns is refused with the reason
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "odd.csv", index=False)
    bad = runner.invoke(app, ["results", "import", str(tmp_path / "odd.csv"),
                              "--store", str(tmp_path / "third.sqlite")])
    assert bad.exit_code == 2 and "lack the columns" in bad.output
