import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from synthaug.bench import stats as S
from synthaug.bench.report import (
    dataset_metadata,
    error_cause,
    failure_causes,
    natural_key,
    write_report,
)
from synthaug.exceptions import InvalidInputError, InvalidParameterError
from synthaug.metrics import METRICS

METHODS = ["none", "smote", "class-weight", "best"]
ERROR_TEXT = "ValueError: <k_neighbors> & 'n' too \"large\""


def _results(n_datasets=8, methods=METHODS, classifiers=("logreg", "tree"), n_folds=3, seed=0):
    """Fold-level results: "best" is clearly best, "none" clearly worst; one fail, one timeout."""
    rng = np.random.default_rng(seed)
    quality = {m: 0.1 * i for i, m in enumerate(methods)}
    quality["best"] = 0.5
    rows = []
    for d in range(n_datasets):
        for method in methods:
            for clf in classifiers:
                for fold in range(n_folds):
                    q = 0.5 + quality[method] * 0.5 + rng.normal(0, 0.01)
                    row = {
                        "task_id": f"t{len(rows)}", "dataset": f"ds{d}", "method": method,
                        "method_params": "{}", "classifier": clf, "repeat": 0, "fold": fold,
                        "n_folds": n_folds, "seed": 0, "status": "ok", "error": None,
                        "fit_time": 0.1, "resample_time": 0.01 if method != "none" else 0.0,
                        "predict_time": 0.001, "n_train": 100, "n_test": 50, "n_synthetic": 10,
                        "versions": json.dumps({"synthaug": "0.1.0", "numpy": np.__version__}),
                        "started_at": "2024-01-01T00:00:00", "finished_at": "2024-01-01T00:00:01",
                        "worker": "w0",
                    }
                    for name, info in METRICS.items():
                        row[name] = q if info.greater_is_better else 1.0 - q
                    rows.append(row)
    frame = pd.DataFrame(rows)
    _set_status(frame, ("ds0", "smote", classifiers[-1], min(1, n_folds - 1)), "failed",
                ERROR_TEXT)
    _set_status(frame, (f"ds{min(3, n_datasets - 1)}", "best", classifiers[0], n_folds - 1),
                "timeout", "timed out after 60 s")
    return frame


def _set_status(frame, key, status, error):
    """Turn the task at (dataset, method, classifier, fold) into a failure, if it exists."""
    mask = frame[["dataset", "method", "classifier", "fold"]].apply(tuple, axis=1) == key
    frame.loc[mask, list(METRICS)] = np.nan
    frame.loc[mask, "status"] = status
    frame.loc[mask, "error"] = error


def _agg(table, metric="balanced_accuracy", classifier="c"):
    """An aggregate-like frame from a {dataset: {method: value}} table."""
    rows = [{"dataset": d, "method": m, "classifier": classifier, metric: v}
            for d, values in table.items() for m, v in values.items()]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- aggregate


def test_aggregate_means_over_ok_folds_and_counts():
    res = _results()
    agg = S.aggregate(res, std=True)
    assert len(agg) == 8 * 4 * 2
    row = agg[(agg.dataset == "ds0") & (agg.method == "smote") & (agg.classifier == "tree")]
    row = row.iloc[0]
    assert (row.n_tasks, row.n_ok, row.n_failed, row.n_not_applicable) == (3, 2, 1, 0)
    ok = res[(res.dataset == "ds0") & (res.method == "smote") & (res.classifier == "tree")
             & (res.status == "ok")]
    assert row.balanced_accuracy == pytest.approx(ok.balanced_accuracy.mean())
    assert row.balanced_accuracy_std == pytest.approx(ok.balanced_accuracy.std(ddof=1))
    assert agg.n_failed.sum() == 2


def test_aggregate_ignores_metrics_of_failed_tasks():
    res = _results(n_datasets=1, methods=["none"], classifiers=("knn",), n_folds=2)
    res.loc[0, "status"] = "failed"  # a failed task whose metric column is not NaN
    agg = S.aggregate(res)
    assert agg.balanced_accuracy.iloc[0] == pytest.approx(res.balanced_accuracy.iloc[1])


def test_aggregate_requires_columns():
    with pytest.raises(InvalidInputError):
        S.aggregate(pd.DataFrame({"dataset": ["a"]}))


# --------------------------------------------------------------------------- ranks


def test_mean_ranks_hand_computed_with_ties():
    table = {
        "d1": {"A": 0.9, "B": 0.8, "C": 0.7},
        "d2": {"A": 0.8, "B": 0.8, "C": 0.9},   # A and B tie for ranks 2 and 3
        "d3": {"A": 0.5, "B": 0.6, "C": np.nan},  # incomplete: not used
    }
    ranks = S.mean_ranks(_agg(table), "balanced_accuracy", "c")
    assert ranks.attrs["n_datasets"] == 2
    assert ranks.to_dict() == pytest.approx({"A": (1 + 2.5) / 2, "B": (2 + 2.5) / 2,
                                             "C": (3 + 1) / 2})
    assert ranks.index[0] == "A"  # sorted best first
    assert ranks.sum() == pytest.approx(6.0)


def test_mean_ranks_lower_is_better():
    table = {"d1": {"A": 0.2, "B": 0.5}, "d2": {"A": 0.3, "B": 0.3}}
    ranks = S.mean_ranks(_agg(table, "balanced_log_loss"), "balanced_log_loss", "c")
    assert ranks["A"] == pytest.approx((1 + 1.5) / 2)
    assert ranks["B"] == pytest.approx((2 + 1.5) / 2)


def test_mean_ranks_on_results_and_no_complete_dataset():
    agg = S.aggregate(_results())
    ranks = S.mean_ranks(agg, "average_precision", "logreg")
    assert ranks.index[0] == "best" and ranks.index[-1] == "none"
    assert ranks.attrs["n_datasets"] == 8
    empty = _agg({"d1": {"A": 0.5, "B": np.nan}})
    ranks = S.mean_ranks(empty, "balanced_accuracy", "c")
    assert ranks.attrs["n_datasets"] == 0 and ranks.isna().all()


def test_mean_ranks_rejects_unknown_names():
    agg = _agg({"d1": {"A": 0.5}})
    with pytest.raises(InvalidParameterError):
        S.mean_ranks(agg, "accuracy", "c")
    with pytest.raises(InvalidParameterError):
        S.mean_ranks(agg, "balanced_accuracy", "nope")


# --------------------------------------------------------------------------- Friedman, CD


def test_friedman_matches_scipy_and_iman_davenport():
    rng = np.random.default_rng(1)
    scores = rng.random((10, 4)) + np.array([0.0, 0.1, 0.2, 0.3])
    res = S.friedman(scores)
    chi2, p = sps.friedmanchisquare(*scores.T)
    assert res.statistic == pytest.approx(chi2) and res.pvalue == pytest.approx(p)
    n, k = scores.shape
    f = (n - 1) * chi2 / (n * (k - 1) - chi2)
    assert res.iman_davenport == pytest.approx(f)
    assert res.iman_davenport_pvalue == pytest.approx(sps.f.sf(f, k - 1, (k - 1) * (n - 1)))
    assert (res.n_datasets, res.n_methods) == (10, 4)


def test_friedman_from_results_and_degenerate_cases():
    agg = S.aggregate(_results())
    matrix = S.score_matrix(agg, "balanced_accuracy", "tree")
    res = S.friedman(matrix)
    assert res.pvalue < 0.001 and res.n_methods == 4
    assert np.isnan(S.friedman(np.ones((5, 2))).statistic)  # k < 3
    assert np.isnan(S.friedman(np.ones((1, 4))).statistic)  # N < 2
    assert np.isnan(S.friedman(np.ones((5, 3))).pvalue)  # everything tied
    perfect = np.tile([1.0, 2.0, 3.0], (6, 1))
    assert S.friedman(perfect).iman_davenport_pvalue == 0.0


@pytest.mark.parametrize("k, q", [(2, 1.960), (3, 2.343), (4, 2.569), (5, 2.728),
                                  (10, 3.164)])
def test_nemenyi_cd_matches_demsar_table(k, q):
    n = 14
    expected = q * np.sqrt(k * (k + 1) / (6 * n))
    assert S.nemenyi_cd(k, n) == pytest.approx(expected, abs=1e-3)
    assert S.nemenyi_cd(k, 1) / np.sqrt(k * (k + 1) / 6) == pytest.approx(q, abs=1e-3)


def test_nemenyi_cd_rejects_bad_arguments():
    for args in [(1, 5), (3, 0), (2.5, 5)]:
        with pytest.raises(InvalidParameterError):
            S.nemenyi_cd(*args)
    with pytest.raises(InvalidParameterError):
        S.nemenyi_cd(3, 5, alpha=1.5)


def test_nemenyi_groups():
    ranks = pd.Series({"a": 1.0, "b": 1.5, "c": 2.2, "d": 3.9})
    assert S.nemenyi_groups(ranks, 1.0) == [["a", "b"], ["b", "c"]]
    assert S.nemenyi_groups(ranks, 5.0) == [["a", "b", "c", "d"]]
    assert S.nemenyi_groups(ranks, 0.1) == []


# --------------------------------------------------------------------------- win/tie/loss


def test_win_tie_loss_hand_built():
    ref = [0.50, 0.60, 0.70, 0.80, 0.40, 0.55]
    a = [0.60, 0.60, 0.65, 0.90, 0.45, 0.75]     # 4 wins, 1 tie, 1 loss
    b = [0.50 + 1e-14, 0.50, 0.60, 0.70, 0.30, np.nan]  # 1 tie, 4 losses, 1 missing
    table = {f"d{i}": {"ref": ref[i], "A": a[i], "B": b[i]} for i in range(6)}
    wtl = S.win_tie_loss(_agg(table), "balanced_accuracy", "c", "ref")
    assert wtl.loc["A", ["wins", "ties", "losses", "n_datasets"]].tolist() == [4, 1, 1, 6]
    assert wtl.loc["B", ["wins", "ties", "losses", "n_datasets"]].tolist() == [0, 1, 4, 5]
    diff = np.array(a) - np.array(ref)
    assert wtl.loc["A", "p_value"] == pytest.approx(sps.wilcoxon(diff).pvalue)
    assert wtl.loc["A", "mean_difference"] == pytest.approx(diff.mean())
    diff_b = np.array([0.0, -0.1, -0.1, -0.1, -0.1])
    assert wtl.loc["B", "p_value"] == pytest.approx(sps.wilcoxon(diff_b).pvalue)
    assert "ref" not in wtl.index


def test_win_tie_loss_lower_is_better_and_nan_p():
    table = {"d1": {"ref": 0.5, "A": 0.4, "B": 0.5}, "d2": {"ref": 0.5, "A": 0.6, "B": 0.5}}
    wtl = S.win_tie_loss(_agg(table, "balanced_brier"), "balanced_brier", "c", "ref")
    assert wtl.loc["A", ["wins", "ties", "losses"]].tolist() == [1, 0, 1]
    assert np.isnan(wtl.loc["B", "p_value"])  # all differences zero
    one = _agg({"d1": {"ref": 0.5, "A": 0.9}})
    assert np.isnan(S.win_tie_loss(one, "balanced_accuracy", "c", "ref").loc["A", "p_value"])
    with pytest.raises(InvalidParameterError):
        S.win_tie_loss(one, "balanced_accuracy", "c", "smote")


# --------------------------------------------------------------------------- report


def _no_remote_resources(text):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert "<script" not in text.lower() and "<link" not in text.lower()
    assert "@import" not in text and "url(http" not in text


def test_write_report_full(tmp_path):
    res = _results()
    out = write_report(res, tmp_path / "sub" / "report.html")
    assert out == tmp_path / "sub" / "report.html" and out.exists()
    text = out.read_text(encoding="utf-8")
    for heading in ["Summary", "Mean ranks", "Friedman test and Nemenyi critical difference",
                    "Win/tie/loss", "Against none", "Against smote", "Per-dataset scores",
                    "Box plots", "Runtime", "Failures"]:
        assert f">{heading}</h" in text, heading
    assert "<svg" in text
    assert text.count("<svg") == 2 * 2 + 2  # 2 CD diagrams + 1 box figure per classifier
    assert "ValueError: &lt;k_neighbors&gt; &amp; &#x27;n&#x27; too &quot;large&quot;" in text
    assert "<k_neighbors>" not in text
    assert "timed out after N s" in text  # failures are grouped by cause
    assert "8/0/0<br>" in text and "0/0/8<br>" in text  # best vs none; none vs smote
    assert 'class="win"' in text and 'class="loss"' in text  # Wilcoxon p < 0.05 with N = 8
    _no_remote_resources(text)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # inline SVGs do not clash
    assert len(text) < 2_000_000


def test_write_report_escapes_names(tmp_path):
    res = _results(n_datasets=3, methods=["none", "smote", "<b>x</b>$"], classifiers=("knn",))
    res["dataset"] = res["dataset"].str.replace("ds", "<i>ds")
    text = write_report(res, tmp_path / "r.html", title="A & B").read_text()
    assert "<b>x</b>" not in text and "<i>ds" not in text
    assert "&lt;b&gt;x&lt;/b&gt;$" in text and "A &amp; B" in text


def test_write_report_missing_reference_is_skipped(tmp_path):
    res = _results(n_datasets=3, methods=["none", "adasyn"], classifiers=("knn",))
    text = write_report(res, tmp_path / "r.html").read_text()
    assert "Skipped: the method &#x27;smote&#x27; is not in the results." in text


@pytest.mark.parametrize("case", ["one_method", "one_dataset", "all_failed", "nan_auc",
                                  "empty", "no_metrics", "two_methods", "not_applicable"])
def test_write_report_edge_cases(tmp_path, case):
    res = _results(n_datasets=3, classifiers=("knn",), n_folds=2)
    if case == "one_method":
        res = res[res.method == "smote"]
    elif case == "one_dataset":
        res = res[res.dataset == "ds1"]
    elif case == "all_failed":
        res["status"] = "failed"
        res[list(METRICS)] = np.nan
    elif case == "nan_auc":
        res["roc_auc"] = np.nan
        res.loc[res.dataset == "ds2", "average_precision"] = np.nan
    elif case == "empty":
        res = res.iloc[:0]
    elif case == "no_metrics":
        res = res.drop(columns=[*METRICS, "versions", "fit_time"])
    elif case == "two_methods":
        res = res[res.method.isin(["none", "smote"])]
    elif case == "not_applicable":
        mask = res.method == "best"
        res.loc[mask, "status"] = "not_applicable"
        res.loc[mask, list(METRICS)] = np.nan
    out = write_report(res.reset_index(drop=True), tmp_path / "r.html")
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    _no_remote_resources(text)


def test_write_report_rejects_bad_arguments(tmp_path):
    with pytest.raises(InvalidInputError):
        write_report(pd.DataFrame({"dataset": ["a"]}), tmp_path / "r.html")
    with pytest.raises(InvalidParameterError):
        write_report(_results(n_datasets=2), tmp_path / "r.html", cd_metrics=["accuracy"])
    with pytest.raises(InvalidParameterError):
        write_report(_results(n_datasets=2), tmp_path / "r.html", alpha=2.0)
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- Holm


def test_holm_hand_computed():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06
    adjusted = S.holm([0.01, 0.04, 0.03, 0.005, np.nan])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02, np.nan])
    np.testing.assert_allclose(S.holm([0.2, 0.5, 0.9]), [0.6, 1.0, 1.0])  # capped at 1
    np.testing.assert_allclose(S.holm([0.04]), [0.04])
    assert S.holm([]).size == 0 and np.isnan(S.holm([np.nan])).all()


def test_holm_matches_the_definition_on_random_pvalues():
    rng = np.random.default_rng(3)
    p = rng.random(7) ** 3
    order = np.argsort(p)
    m = p.size
    expected = np.empty(m)
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[idx]))
        expected[idx] = running
    np.testing.assert_allclose(S.holm(p), expected)
    assert np.all(S.holm(p) >= p)


def test_win_tie_loss_reports_holm_over_the_family():
    wtl = S.win_tie_loss(S.aggregate(_results()), "balanced_accuracy", "logreg", "none")
    np.testing.assert_allclose(wtl["p_holm"], S.holm(wtl["p_value"].to_numpy()))
    assert (wtl["p_holm"] >= wtl["p_value"]).all()


# --------------------------------------------------------------------------- the report


def _noise_results(n_datasets=12, methods=("none", "class-weight", "smote", "adasyn")):
    """Every method alike: scores are pure noise, so the Friedman test does not reject."""
    rng = np.random.default_rng(7)
    rows = []
    for d in range(n_datasets):
        for method in methods:
            row = {"dataset": f"ds{d}", "method": method, "classifier": "logreg",
                   "status": "ok", "fold": 0}
            for name in METRICS:
                row[name] = 0.5 + rng.normal(0, 0.05)
            rows.append(row)
    return pd.DataFrame(rows)


def test_cd_diagram_only_where_friedman_rejects(tmp_path):
    quiet = _noise_results()
    matrix = S.score_matrix(S.aggregate(quiet), "average_precision", "logreg")
    assert S.friedman(matrix).pvalue > 0.05
    text = write_report(quiet, tmp_path / "quiet.html").read_text()
    assert "The Friedman test does not reject" in text
    assert text.count("<svg") == 1  # the box plots only
    loud = write_report(_results(n_datasets=12), tmp_path / "loud.html").read_text()
    assert "The Friedman test rejects" in loud and "does not reject" not in loud
    assert loud.count("<svg") == 2 * 2 + 2
    pair = _results(n_datasets=12, methods=["none", "smote"])
    two = write_report(pair, tmp_path / "two.html").read_text()
    assert "Friedman test not computed" in two and "Without a Friedman test" in two
    assert "does not reject" not in two and two.count("<svg") == 2  # box plots only


def test_caution_below_ten_datasets(tmp_path):
    few = write_report(_results(n_datasets=8), tmp_path / "few.html").read_text()
    assert "Caution: the ranks and tests rest on only 8 datasets" in few
    many = write_report(_results(n_datasets=12), tmp_path / "many.html").read_text()
    assert "Caution" not in many


def _finding_results(n_datasets=12):
    """none is best on average precision; smote best on balanced accuracy (known answer)."""
    order_ap = {"none": 0.9, "class-weight": 0.8, "smote": 0.6, "adasyn": 0.7}
    order_ba = {"none": 0.6, "class-weight": 0.7, "smote": 0.9, "adasyn": 0.8}
    rng = np.random.default_rng(11)
    rows = []
    for d in range(n_datasets):
        for method in order_ap:
            row = {"dataset": f"ds{d}", "method": method, "classifier": "logreg",
                   "status": "ok", "fold": 0,
                   "average_precision": order_ap[method] + rng.normal(0, 0.005),
                   "balanced_accuracy": order_ba[method] + rng.normal(0, 0.005)}
            rows.append(row)
    return pd.DataFrame(rows)


def _finding_section(text):
    return text[text.index('id="finding"'):text.index('id="summary"')]


def test_finding_in_plain_words(tmp_path):
    text = write_report(_finding_results(), tmp_path / "r.html").read_text()
    finding = _finding_section(text)
    assert "No resampling ranks first on average precision with logistic regression." \
        in finding
    assert ("On balanced accuracy with logistic regression, smote ranks first (mean rank "
            "1.00 over 12 datasets); it is significantly better than no resampling") in finding
    assert "it is significantly better than class weighting" in finding
    assert ("smote is significantly worse than no resampling on average precision with "
            "logistic regression") in finding
    assert ("adasyn is significantly worse than no resampling on average precision") in finding
    assert "Caution" not in finding
    assert text.index('id="finding"') < text.index('id="summary"')  # the first section


def test_finding_says_when_nothing_is_significant(tmp_path):
    finding = _finding_section(write_report(_noise_results(n_datasets=6),
                                            tmp_path / "r.html").read_text())
    assert "Caution: the ranks and tests rest on only 6 datasets" in finding
    assert "is significantly" not in finding and "is not significantly better" in finding


# --------------------------------------------------------------------------- exports


def test_markdown_export(tmp_path):
    out = write_report(_results(n_datasets=12), tmp_path / "r.md")
    text = out.read_text()
    assert text.startswith("# synthaug benchmark")
    for heading in ["## Finding", "## Mean ranks", "## Per-dataset scores", "## Failures"]:
        assert f"\n{heading}\n" in text
    assert "| method | balanced\\_accuracy |" in text and "| --- | ---: |" in text
    assert "<svg" not in text and "Figure not saved" in text
    assert "**1.00**" in text  # the best mean rank in bold


def test_latex_export_bolds_the_best(tmp_path):
    res = _results(n_datasets=12, methods=["none", "smote", "<b>x</b>_%"])
    text = write_report(res, tmp_path / "r.tex").read_text()
    assert text.count(r"\begin{table}") == 4  # scores and ranks, 2 classifiers
    assert r"\toprule" in text and r"\textbf{1.00}" in text
    assert "Method & balanced accuracy & G-mean & MCC" in text
    assert r"<b>x</b>\_\%" in text
    rank_tables = text.split(r"\caption{Mean rank")[1:]
    for table in rank_tables:
        best_row = next(line for line in table.splitlines() if line.startswith("<b>x"))
        assert best_row.count(r"\textbf{") == len(METRICS)
        none_row = next(line for line in table.splitlines() if line.startswith("none "))
        assert r"\textbf" not in none_row


def test_csv_export(tmp_path):
    out = write_report(_results(n_datasets=12), tmp_path / "r.csv")
    table = pd.read_csv(out)
    assert len(table) == 2 * len(METRICS) * 4
    for column in ["classifier", "metric", "method", "mean_score", "mean_rank", "n_datasets",
                   "p_value_vs_none", "p_holm_vs_none", "wins_vs_class-weight"]:
        assert column in table.columns
    row = table[(table.classifier == "logreg") & (table.metric == "average_precision")
                & (table.method == "best")].iloc[0]
    assert row.mean_rank == 1.0 and row.wins_vs_none == 12
    assert row.p_holm_vs_none >= row.p_value_vs_none


def test_format_argument_wins_over_suffix_and_is_checked(tmp_path):
    out = write_report(_results(n_datasets=3), tmp_path / "r.txt", fmt="md")
    assert out.read_text().startswith("# ")
    assert write_report(_results(n_datasets=3), tmp_path / "r.x").read_text().startswith(
        "<!DOCTYPE html>")
    with pytest.raises(InvalidParameterError):
        write_report(_results(n_datasets=3), tmp_path / "r.pdf", fmt="pdf")


def test_figures_saved_as_standalone_files(tmp_path):
    out = write_report(_results(n_datasets=12), tmp_path / "r.md", figures=tmp_path / "figs")
    files = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert len(files) == 2 * (2 * 2 + 2)  # svg + pdf of every figure
    assert "01-cd-logreg-average_precision.svg" in files
    for name in files:
        head = (tmp_path / "figs" / name).read_bytes()[:5]
        assert head == b"%PDF-" if name.endswith(".pdf") else b"<?xml" in head + b"<?xml"
    assert "](figs/01-cd-logreg-average_precision.svg)" in out.read_text()


# --------------------------------------------------------------------------- tables


def test_natural_order_and_dataset_metadata(tmp_path):
    from synthaug.datasets import list_datasets

    known = list_datasets().set_index("name").loc["ecoli1"]
    res = _results(n_datasets=3, classifiers=("knn",))
    res["dataset"] = res["dataset"].map({"ds0": "ecoli1", "ds1": "ds10",
                                         "ds2": "churn.csv#3fa2b1c0"})
    extra = _results(n_datasets=3, classifiers=("knn",)).query("dataset == 'ds2'")
    res = pd.concat([res, extra], ignore_index=True)
    meta = dataset_metadata(["ecoli1", "churn.csv#3fa2b1c0", "nope"], res)
    assert meta.loc["ecoli1", "n"] == known["n"]
    assert meta.loc["ecoli1", "n_features"] == known["n_features"]
    assert meta.loc["ecoli1", "imbalance_ratio"] == pytest.approx(known["imbalance_ratio"])
    assert meta.loc["churn.csv#3fa2b1c0", "n"] == 150  # n_train + n_test of its tasks
    assert np.isnan(meta.loc["churn.csv#3fa2b1c0", "n_features"])
    assert meta.loc["nope"].isna().all()
    assert sorted(["ds10", "DS2", "ds1", "Ecoli1"], key=natural_key) == [
        "ds1", "DS2", "ds10", "Ecoli1"]
    text = write_report(res, tmp_path / "r.html").read_text()
    table = text[text.index('id="per-dataset"'):text.index('id="box-plots"')]
    assert "<th>n</th><th>features</th><th>IR</th>" in table
    assert table.index(">churn.csv#3fa2b1c0<") < table.index(">ds2<") \
        < table.index(">ds10<") < table.index(">ecoli1<")
    assert f"<td>{int(known['n'])}</td><td>{int(known['n_features'])}</td>" in table


def test_runtime_counts_ok_tasks(tmp_path):
    text = write_report(_results(n_datasets=2), tmp_path / "r.md").read_text()
    runtime = text[text.index("## Runtime"):text.index("## Failures")]
    assert "| ok tasks |" in runtime and "(s)" in runtime
    # smote with tree: 2 datasets x 3 folds, one failed
    assert "| smote | tree | 5 | 0.010 | 0.100 | 0.001 | 0.111 | 0.555 |" in runtime
    assert "e-0" not in runtime  # no scientific notation


def test_failures_grouped_by_cause(tmp_path):
    res = _results(n_datasets=4, classifiers=("knn",), n_folds=3)
    errors = ["NotEnoughSamplesError: class 1 has 3 rows, but k_neighbors=5 needs 6",
              "synthaug.exceptions.NotEnoughSamplesError: class 1 has 4 rows, but "
              "k_neighbors=5 needs 6\nTraceback line",
              "OSError: cannot read /home/u/data/x.csv at 0x7f3a2b",
              "OSError: cannot read /tmp/other/y.csv at 0x1234"]
    for i, error in enumerate(errors):
        _set_status(res, (f"ds{i}", "smote", "knn", 0), "failed", error)
    causes = failure_causes(res)
    failed = causes[causes.status == "failed"].set_index("cause")
    first = "NotEnoughSamplesError: class N has N rows, but k_neighbors=N needs N"
    assert failed.loc[first, "tasks"] == 2
    assert failed.loc[first, "datasets"] == ["ds0", "ds1"]
    assert failed.loc["OSError: cannot read <path> at <id>", "tasks"] == 2
    assert len(failed) == 3  # and the fixture's own failure
    assert causes.iloc[-1].status == "timeout"
    text = write_report(res, tmp_path / "r.html").read_text()
    section = text[text.index('id="failures"'):]
    assert section.count("<tr>") == 1 + 4  # header + 3 failure causes + 1 timeout
    assert error_cause(None) == "(no error message)"
    assert error_cause("ValueError: 12 vs 3.5e-3") == "ValueError: N vs N"
    traceback = 'Traceback (most recent call last):\n  File "/a/b.py", line 3\nKeyError: 7'
    assert error_cause(traceback) == "KeyError: N"
    assert error_cause("timed out after 60 s") == "timed out after N s"


def test_report_command_writes_each_format(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from synthaug.bench.store import ResultStore
    from synthaug.cli import app

    monkeypatch.chdir(tmp_path)
    with ResultStore(tmp_path / "s.sqlite") as store:
        for row in _results(n_datasets=3, classifiers=("knn",)).to_dict("records"):
            store.write(row)
    runner = CliRunner()
    for fmt, name in [("md", "synthaug-report.md"), ("latex", "synthaug-report.tex"),
                      ("csv", "synthaug-report.csv")]:
        result = runner.invoke(app, ["report", "--store", "s.sqlite", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).exists()
    result = runner.invoke(app, ["report", "--store", "s.sqlite", "-o", "r.html",
                                 "--figures", "figs"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert any(p.suffix == ".pdf" for p in (tmp_path / "figs").iterdir())
    result = runner.invoke(app, ["report", "--store", "s.sqlite", "--format", "docx"])
    assert result.exit_code == 2 and "Unknown report format" in result.output


def test_fast_exact_wilcoxon_matches_scipy():
    rng = np.random.default_rng(5)
    cases = [np.array([0.5, -0.2, 0.5, 0.0, 0.3, 0.3, -0.5, 0.1, 0.9, 0.5, 0.5, 0.2, -0.3])]
    cases += [np.round(rng.normal(0.1, 1.0, int(rng.integers(2, 9))), 1) for _ in range(12)]
    for diff in cases:
        if rng.random() < 0.5:
            diff[rng.integers(0, diff.size)] = 0.0  # a zero
        if np.all(diff == 0.0):
            continue
        expected = sps.wilcoxon(diff).pvalue
        assert S._wilcoxon_p(diff) == pytest.approx(expected, rel=1e-9, abs=1e-12)
