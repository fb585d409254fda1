"""Class roles are decided in one place (synthaug._labels.class_roles), with one tie rule,
and every consumer accepts labels of any type (strings as pandas.read_csv gives them)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import SMOTE, Gamma, resolve_counts
from synthaug._labels import class_roles
from synthaug.classifiers import KOTARO
from synthaug.diagnostics import symmetry_test
from synthaug.diagnostics.symmetry import class_split
from synthaug.exceptions import InvalidInputError
from synthaug.generators import SMOTEGenerator
from synthaug.search import TGVTSS, VTSS


def _data(labels, n0=120, n1=25, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0, 1, (n0, 3)), rng.normal(1.5, 1, (n1, 3))])
    y = np.array([labels[0]] * n0 + [labels[1]] * n1, dtype=object)
    return X, y


@pytest.mark.parametrize("y, majority, minority", [
    ([0, 0, 1, 1], 0, 1),                          # tie: first label majority, last minority
    (["yes", "no", "no", "yes"], "no", "yes"),
    ([7, -1, -1, 7, 7], 7, -1),
    ([2, 1, 0, 0, 1, 2], 0, 2),                    # three-way tie
    ([3, 3, 3, 1, 2, 2], 3, 1),
    ([True, False, False], False, True),
])
def test_one_tie_rule(y, majority, minority):
    roles = class_roles(np.asarray(y, dtype=object if isinstance(y[0], str) else None))
    assert (roles.majority, roles.minority) == (majority, minority)
    assert type(roles.majority) is type(majority)  # Python scalars, not numpy ones


def test_consumers_agree_with_class_roles_on_ties():
    y = np.array(["b", "a", "a", "b"], dtype=object)
    roles = class_roles(y)
    X = np.arange(8.0).reshape(4, 2)
    assert class_split(y) == (roles.majority, roles.minority) == ("a", "b")
    assert SMOTEGenerator(k_neighbors=1).fit(X, y).target_class_ == "b"
    assert resolve_counts(y, "minority") == {}  # balanced: nothing to add
    y3 = np.array([0, 0, 1, 1, 2, 2, 2, 2])
    assert list(resolve_counts(y3, "not minority")) == [0, 2][:1]  # minority is 1 (last tie)
    assert resolve_counts(y3, "minority") == {1: 2}
    K = KOTARO(n_neighbors=1, threshold=0.5).fit(X, y)
    assert K.positive_class_ == roles.minority


def test_binary_roles_reject_three_classes():
    with pytest.raises(InvalidInputError,
                       match="binary classification is supported: KOTARO needs exactly two"):
        class_roles([0, 1, 2], binary=True, who="KOTARO")


@pytest.mark.parametrize("labels", [("neg", "pos"), ("no", "yes"), (-1, 7)])
def test_string_and_noncontiguous_labels_through_search_and_diagnostics(labels):
    X, y = _data(labels)
    gen = SMOTEGenerator().fit(X, y)
    assert gen.target_class_ == labels[1]
    assert symmetry_test(LogisticRegression(), X, y).df == 4
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[0, 1], cv=3,
                  random_state=0).fit(X, y)
    assert search.minority_class_ == labels[1]
    assert set(search.predict(X)) <= set(labels)
    assert search.best_size_ in (0, 95)
    tg = TGVTSS(LogisticRegression(), SMOTEGenerator(), cv=3, random_state=0).fit(X, y)
    assert set(tg.classes_) == set(labels)
    _, y_res = SMOTE(sampling_strategy=Gamma(1), random_state=0).fit_resample(
        pd.DataFrame(X), pd.Series(y, name="label"))
    assert (y_res == labels[1]).sum() == 120


@pytest.mark.parametrize("command", ["tune", "diagnose"])
def test_cli_tune_and_diagnose_with_text_labels(tmp_path, command):
    from typer.testing import CliRunner

    from synthaug.cli import app

    X, y = _data(("neg", "pos"), n0=150, n1=30)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(label=y)
    path = tmp_path / "pn.csv"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(app, [command, str(path), "--target", "label", "--json"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
