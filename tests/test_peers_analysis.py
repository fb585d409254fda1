"""The peer study's analysis (experiments/peers/analyse.py) on a store with known ranks."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from synthaug.bench.store import ResultStore

_PATH = Path(__file__).resolve().parents[1] / "experiments" / "peers" / "analyse.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("peers_analyse", _PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


analyse_mod = _load_module()

DATASETS = ["d1", "d2", "d3", "d4"]
METHODS = ["none", "imblearn:SMOTE", "smote"]   # two peers, one synthaug method
METRICS = ("average_precision", "mcc", "balanced_log_loss", "g_mean")

# knn: one table for every metric (for balanced log loss the lower score wins, so the
# ranks reverse). Ranks within each dataset, greater is better:
#   d1: none 1, SMOTE 2, smote 3     d2: none 3, SMOTE 1, smote 2
#   d3: none 2, SMOTE 3, smote 1     d4: none 1, SMOTE 3, smote 2
# mean ranks: none 1.75, imblearn:SMOTE 2.25, smote 2.0.
KNN = {"d1": (0.9, 0.8, 0.7), "d2": (0.7, 0.9, 0.8), "d3": (0.8, 0.7, 0.9),
       "d4": (0.9, 0.7, 0.8)}
# logreg: smote is best on every dataset except for balanced log loss, where none is best
# (lowest) and smote worst.
LOGREG = {"d1": (0.5, 0.6, 0.8), "d2": (0.4, 0.5, 0.6), "d3": (0.6, 0.65, 0.7),
          "d4": (0.3, 0.4, 0.9)}
LOGREG_LOSS = {"d1": (0.2, 0.3, 0.4), "d2": (0.1, 0.5, 0.6), "d3": (0.3, 0.35, 0.5),
               "d4": (0.2, 0.25, 0.3)}


def _score(classifier: str, metric: str, dataset: str, method: str) -> float:
    i = METHODS.index(method)
    if classifier == "knn":
        return KNN[dataset][i]
    return (LOGREG_LOSS if metric == "balanced_log_loss" else LOGREG)[dataset][i]


def _write_store(path: Path, *, failed: tuple[str, str, str] | None = None,
                 not_applicable: tuple[str, str] | None = None) -> Path:
    """Two folds per (dataset, method, classifier) at score +- 0.01, so the fold mean is the
    score. ``failed`` = (dataset, method, classifier) makes those tasks fail;
    ``not_applicable`` = (method, classifier) adds that pair as not applicable everywhere."""
    methods = [*METHODS, *([not_applicable[0]] if not_applicable else [])]
    with ResultStore(path) as store:
        for clf in ("knn", "logreg"):
            for ds in DATASETS:
                for method in methods:
                    if method not in METHODS and (method, clf) != not_applicable:
                        continue
                    for fold, shift in ((0, 0.01), (1, -0.01)):
                        row = {"task_id": f"{ds}-{method}-{clf}-{fold}", "dataset": ds,
                               "method": method, "classifier": clf, "repeat": 0,
                               "fold": fold, "n_folds": 2, "seed": 0, "status": "ok",
                               "n_synthetic": 0 if method == "none" else 10,
                               "versions": json.dumps({"synthaug": "0.1.0"}),
                               "finished_at": f"2026-01-0{fold + 1}T00:00:00+00:00"}
                        if not_applicable and (method, clf) == not_applicable:
                            row["status"] = "not_applicable"
                        elif failed and (ds, method, clf) == failed:
                            row["status"] = "failed"
                        else:
                            for metric in METRICS:
                                row[metric] = _score(clf, metric, ds, method) + shift
                        store.write(row)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return _write_store(tmp_path_factory.mktemp("peers") / "store.sqlite")


@pytest.fixture(scope="module")
def analysis(store):
    results = analyse_mod.load_results(store)
    return analyse_mod.analyse(results, n_boot=2000, seed=3)


def test_families():
    peers, ours = analyse_mod.split_methods(
        ["none", "class-weight", "threshold", "threshold[scoring=f1]", "imblearn:SMOTE",
         "sv:ProWSyn", "smote", "borderline-smote[kind='borderline-2']",
         "smote+vtss-fast[reweight]", "gksmote[mode='reference']"])
    assert peers == ["none", "class-weight", "threshold", "threshold[scoring=f1]",
                     "imblearn:SMOTE", "sv:ProWSyn"]
    assert ours == ["smote", "borderline-smote[kind='borderline-2']",
                    "smote+vtss-fast[reweight]", "gksmote[mode='reference']"]


@pytest.mark.parametrize("metric", ["average_precision", "mcc", "g_mean"])
def test_mean_ranks_match_hand_computed(analysis, metric):
    cell = analysis.cell("knn", metric)
    assert cell.n_datasets == 4
    assert cell.ranks.to_dict() == pytest.approx(
        {"none": 1.75, "imblearn:SMOTE": 2.25, "smote": 2.0})
    assert (cell.best_peer, cell.best_synthaug) == ("none", "smote")
    assert cell.first == ["none"] and not cell.synthaug_first
    # smote against none: d1 loses, d2 wins, d3 wins, d4 loses
    assert (cell.wins, cell.ties, cell.losses) == (2, 0, 2)


def test_lower_is_better_reverses_the_ranks(analysis):
    cell = analysis.cell("knn", "balanced_log_loss")
    assert cell.ranks.to_dict() == pytest.approx(
        {"none": 2.25, "imblearn:SMOTE": 1.75, "smote": 2.0})
    assert cell.best_peer == "imblearn:SMOTE"
    # positive gap = synthaug better = lower loss: SMOTE - smote per dataset
    expected = np.mean([0.8 - 0.7, 0.9 - 0.8, 0.7 - 0.9, 0.7 - 0.8])
    assert cell.gap == pytest.approx(expected)


def test_best_methods_gap_and_target(analysis):
    ap = analysis.cell("logreg", "average_precision")
    assert ap.ranks["smote"] == 1.0 and ap.first == ["smote"] and ap.synthaug_first
    assert ap.best_peer == "imblearn:SMOTE"
    expected = np.mean([0.8 - 0.6, 0.6 - 0.5, 0.7 - 0.65, 0.9 - 0.4])
    assert ap.gap == pytest.approx(expected)
    assert ap.gaps.to_dict() == pytest.approx(
        {"d1": 0.2, "d2": 0.1, "d3": 0.05, "d4": 0.5})
    assert (ap.wins, ap.ties, ap.losses) == (4, 0, 0)
    loss = analysis.cell("logreg", "balanced_log_loss")
    assert loss.ranks.to_dict() == pytest.approx(
        {"none": 1.0, "imblearn:SMOTE": 2.0, "smote": 3.0})
    assert loss.best_peer == "none" and not loss.synthaug_first

    check = analyse_mod.target_check(analysis)
    assert check.loc["logreg", "firsts"] == 3
    assert check.loc["logreg", "metrics"] == ["average_precision", "mcc", "g_mean"]
    assert bool(check.loc["logreg", "passed"])
    assert check.loc["knn", "firsts"] == 0 and not bool(check.loc["knn", "passed"])


def test_holm_over_all_cells(analysis):
    raw = np.array([c.p_value for c in analysis.cells])
    finite = np.isfinite(raw)
    m = int(finite.sum())
    # Holm's largest factor is m: the smallest p-value is multiplied by the family size
    smallest = int(np.nanargmin(raw))
    assert analysis.cells[smallest].p_holm == pytest.approx(min(1.0, m * raw[smallest]))
    assert all(c.p_holm >= c.p_value for c in analysis.cells if np.isfinite(c.p_value))


def test_bootstrap_ci_contains_the_mean_and_is_seeded():
    gaps = np.array([0.2, 0.1, 0.05, 0.5, -0.1, 0.3])
    low, high = analyse_mod.bootstrap_ci(gaps, n_boot=2000, seed=7)
    assert low < gaps.mean() < high
    assert low >= gaps.min() and high <= gaps.max()
    assert analyse_mod.bootstrap_ci(gaps, n_boot=2000, seed=7) == (low, high)
    assert analyse_mod.bootstrap_ci(gaps, n_boot=2000, seed=8) != (low, high)


def test_missing_results_drop_datasets_and_methods(tmp_path):
    path = _write_store(tmp_path / "missing.sqlite", failed=("d4", "smote", "logreg"),
                        not_applicable=("class-weight", "knn"))
    result = analyse_mod.analyse(analyse_mod.load_results(path), n_boot=200)
    ap = result.cell("logreg", "average_precision")
    assert ap.n_datasets == 3 and ap.dropped_datasets == ["d4"]
    assert ap.dropped_methods == []
    # without d4: d1..d3 unchanged, smote still first everywhere
    assert ap.ranks.to_dict() == pytest.approx(
        {"smote": 1.0, "imblearn:SMOTE": 2.0, "none": 3.0})
    knn = result.cell("knn", "mcc")
    assert knn.dropped_methods == ["class-weight"] and knn.n_datasets == 4
    assert "class-weight" not in knn.ranks.index
    assert knn.ranks.to_dict() == pytest.approx(
        {"none": 1.75, "imblearn:SMOTE": 2.25, "smote": 2.0})


def test_markdown_and_cli(store, analysis, tmp_path, capsys):
    out = tmp_path / "peers.md"
    code = analyse_mod.main(["--store", str(store), "-o", str(out), "--n-boot", "2000",
                             "--seed", "3", "--label", "smoke run: 4 datasets"])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "(smoke run: 4 datasets)" in text.splitlines()[0]
    assert "| logreg | first | first | first: `none` | first | 3 of 4 | **pass** |" in text
    assert "| knn |" in text and "**miss**" in text
    summary = json.loads(capsys.readouterr().out)
    assert summary["target"]["logreg"]["passed"] is True
    assert summary["facts"]["versions"] == {"synthaug": ["0.1.0"]}
    assert len(summary["cells"]) == 8
    # a second analysis with the same seed gives the same intervals, around the mean gap
    for cell, again in zip(analysis.cells, summary["cells"]):
        assert again["ci"] == [cell.ci_low, cell.ci_high]
        assert cell.ci_low <= cell.gap <= cell.ci_high


def test_missing_store_is_a_clear_error(tmp_path, capsys):
    code = analyse_mod.main(["--store", str(tmp_path / "nothing.sqlite"),
                             "-o", str(tmp_path / "x.md")])
    assert code == 2
    assert "No results store" in capsys.readouterr().err
