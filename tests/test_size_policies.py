"""Size policies for every classifier: the pilot diagnostics, the reweighting line, the
selection rules, repeated inner folds and multiclass data."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from synthaug._random import to_entropy
from synthaug.exceptions import InvalidParameterError
from synthaug.generators import SMOTEGenerator
from synthaug.search import TGVTSS, VTSS, default_pilot, select_candidate, split_columns
from synthaug.search.selection import one_standard_error
from synthaug.search.weighting import weight_route


def _data(n0=160, n1=30, d=3, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    sizes = [n0, n1] if classes == 2 else [n0, n1, n1 + 12]
    X = np.vstack([rng.normal(loc=0.9 * k, size=(n, d)) for k, n in enumerate(sizes)])
    y = np.repeat(np.arange(len(sizes)), sizes)
    return X, y


# --- TG-VTSS with classifiers that have no per-sample scores --------------------------


@pytest.mark.parametrize("clf", [KNeighborsClassifier(),
                                 HistGradientBoostingClassifier(max_iter=20, random_state=0)])
def test_tg_vtss_runs_its_diagnostics_on_a_pilot(clf):
    X, y = _data()
    search = TGVTSS(clf, SMOTEGenerator(), grid="coarse", cv=3, random_state=0).fit(X, y)
    assert search.diagnostics_["diagnostic_estimator"] == "LogisticRegression"
    # the pilot's diagnostics are the classifier-independent part: a search whose own
    # estimator is the pilot proposes exactly the same candidates
    on_pilot = TGVTSS(default_pilot(), SMOTEGenerator(), grid="coarse", cv=3,
                      random_state=0).fit(X, y)
    assert search.diagnostics_["candidates"] == on_pilot.diagnostics_["candidates"]
    assert search.diagnostics_["symmetry"] == on_pilot.diagnostics_["symmetry"]
    # and the user's classifier did the size search and the refit
    assert type(search.best_estimator_) is type(clf)
    assert search.best_index_ == int(np.argmin(search.cv_results_["mean_loss"]))
    assert search.best_gamma_ == search.cv_results_["gamma"][search.best_index_]
    assert search.predict_proba(X).shape == (len(y), 2)


def test_a_given_diagnostic_estimator_is_used():
    X, y = _data()
    pilot = TGVTSS(KNeighborsClassifier(), SMOTEGenerator(), grid="coarse", cv=3,
                      diagnostic_estimator=LogisticRegression(C=0.01), random_state=0)
    pilot.fit(X, y)
    default = TGVTSS(KNeighborsClassifier(), SMOTEGenerator(), grid="coarse", cv=3,
                     random_state=0).fit(X, y)
    assert pilot.diagnostics_["diagnostic_estimator"] == "LogisticRegression"
    assert pilot.diagnostics_["symmetry"] != default.diagnostics_["symmetry"]


# --- the reweighting line ---------------------------------------------------------------


def test_reweight_gamma_zero_is_class_weighting():
    X, y = _data()
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[0.0], cv=3,
                  reweight=True, random_state=0).fit(X, y)
    weighted = LogisticRegression(class_weight="balanced").fit(X, y)
    assert search.best_size_ == 0
    np.testing.assert_allclose(search.best_estimator_.coef_, weighted.coef_, rtol=1e-10)
    np.testing.assert_allclose(search.best_estimator_.intercept_, weighted.intercept_,
                               rtol=1e-10)
    plain = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[0.0], cv=3,
                 random_state=0).fit(X, y)
    assert not np.allclose(plain.best_estimator_.coef_, weighted.coef_)


def test_reweight_gamma_one_is_plain_balancing():
    X, y = _data(n0=160, n1=30)
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[1.0], cv=3,
                  reweight=True, random_state=0).fit(X, y)
    X_res, y_res = search.best_sampler_.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [160, 160]
    balanced = LogisticRegression().fit(X_res, y_res)
    np.testing.assert_allclose(search.best_estimator_.coef_, balanced.coef_, rtol=1e-10)


def test_reweight_between_gives_equal_class_weight():
    X, y = _data(n0=160, n1=30)
    route = weight_route(make_pipeline(StandardScaler(), LogisticRegression()))
    assert (route.kind, route.name) == ("sample_weight", "logisticregression__sample_weight")
    y_aug = np.concatenate([y, np.ones(65, dtype=int)])  # half the gap filled
    from sklearn.utils.class_weight import compute_sample_weight

    w = compute_sample_weight("balanced", y_aug)
    assert w[y_aug == 0].sum() == pytest.approx(w[y_aug == 1].sum())
    search = VTSS(make_pipeline(StandardScaler(), LogisticRegression()), SMOTEGenerator(),
                  gammas=[0.5], cv=3, reweight=True, random_state=0).fit(X, y)
    assert search.best_size_ == 65


def test_reweight_needs_a_weighted_classifier():
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier takes neither"):
        VTSS(KNeighborsClassifier(), SMOTEGenerator(), reweight=True).fit(X, y)
    with pytest.raises(InvalidParameterError, match="KNeighborsClassifier takes neither"):
        weight_route(make_pipeline(StandardScaler(), KNeighborsClassifier()))


# --- selection rules ----------------------------------------------------------------------


def _table(means, splits):
    table = {"gamma": np.array([0.0, 0.5, 1.0, 1.5]), "mean_loss": np.array(means)}
    for k, col in enumerate(np.array(splits).T):
        table[f"split{k}_loss"] = col
    return table


def test_one_standard_error_rule_on_a_hand_made_table():
    # best mean at gamma 1.0 (0.40); its splits 0.30, 0.40, 0.50: sd 0.1, SE 0.1/sqrt(3)
    splits = [[0.48, 0.46, 0.50], [0.44, 0.45, 0.43], [0.30, 0.40, 0.50], [0.41, 0.42, 0.43]]
    table = _table([0.48, 0.44, 0.40, 0.42], splits)
    assert one_standard_error(table, 2) == pytest.approx(0.1 / np.sqrt(3))
    assert select_candidate(table, "min") == 2
    # 0.40 + 0.0577 = 0.4577: gamma 0.5 (0.44) is within, gamma 0 (0.48) is not
    assert select_candidate(table, "one-se") == 1
    with pytest.raises(InvalidParameterError, match="rule must be one of"):
        select_candidate(table, "smallest")


def test_one_se_picks_the_smallest_gamma_not_the_first_row():
    splits = [[0.40, 0.40], [0.41, 0.41], [0.30, 0.50], [0.40, 0.40]]
    table = _table([0.40, 0.41, 0.40, 0.40], splits)
    table["gamma"] = np.array([1.5, 1.0, 0.5, 0.0])
    assert select_candidate(table, "min") == 0
    assert select_candidate(table, "one-se") == 3


def test_one_se_rule_in_a_search_never_picks_a_larger_gamma():
    X, y = _data(seed=3)
    kw = dict(gammas=[0.0, 0.5, 1.0, 1.5], cv=3, random_state=1)
    best = VTSS(LogisticRegression(), SMOTEGenerator(), **kw).fit(X, y)
    one_se = VTSS(LogisticRegression(), SMOTEGenerator(), rule="one-se", **kw).fit(X, y)
    np.testing.assert_allclose(best.cv_results_["mean_loss"], one_se.cv_results_["mean_loss"])
    assert one_se.best_index_ == select_candidate(one_se.cv_results_, "one-se")
    assert one_se.best_gamma_ <= best.best_gamma_


def test_repeated_inner_folds():
    X, y = _data()
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[0.0, 1.0], cv=3,
                  n_repeats=4, random_state=0).fit(X, y)
    losses = split_columns(search.cv_results_, "loss")
    assert losses.shape == (2, 12)
    np.testing.assert_allclose(search.cv_results_["mean_loss"], losses.mean(axis=1))
    with pytest.raises(InvalidParameterError, match="n_repeats must be an integer >= 1"):
        VTSS(LogisticRegression(), SMOTEGenerator(), n_repeats=0).fit(X, y)


# --- multiclass: one shared gamma ------------------------------------------------------


def test_vtss_multiclass_shares_one_gamma():
    X, y = _data(classes=3)            # classes of 160, 30 and 42 rows
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=[0.0, 0.5, 1.0], cv=3,
                  random_state=0).fit(X, y)
    assert search.class_gaps_ == {1: 130, 2: 118}
    assert search.cv_results_["size"].tolist() == [0, 65 + 59, 248]
    # every split's sizes come from that split's own classes
    splits = search._splitter(to_entropy(0)).split(X, y)
    assert split_columns(search.cv_results_, "size")[2].tolist() == [
        int(sum(np.bincount(y[tr]).max() - np.bincount(y[tr]))) for tr, _ in splits]
    _, y_res = search.best_sampler_.fit_resample(X, y)
    counts = np.bincount(y_res)
    g = search.best_gamma_
    assert counts.tolist() == [160, 30 + round(g * 130 + 1e-9), 42 + round(g * 118 + 1e-9)]
    assert search.predict_proba(X).shape == (len(y), 3)


def test_tg_vtss_multiclass_diagnoses_each_class_against_the_rest():
    X, y = _data(classes=3)
    search = TGVTSS(LogisticRegression(max_iter=1000), SMOTEGenerator(), grid="coarse",
                    cv=3, random_state=0).fit(X, y)
    assert set(search.diagnostics_["per_class"]) == {1, 2}
    cands = search.diagnostics_["candidates"]
    assert cands == sorted(set(cands)) and cands == search.cv_results_["gamma"].tolist()
    for c, gap_c in ((1, 130), (2, 118)):
        ovr = search.diagnostics_["per_class"][c]
        ovr_gap = len(y) - 2 * np.sum(y == c)
        for size in ovr["candidates"]:   # each class's candidate sizes are among them
            assert any(abs(g - size / gap_c) < 1e-6 for g in cands), (c, size, ovr_gap)
