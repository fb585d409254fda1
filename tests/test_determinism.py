"""The same random_state gives identical output across runs and across n_jobs settings
(the neighbour backend's workers, the size search's parallel folds)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from synthaug import ADASYN, GKSMOTE, SMOTE, BorderlineSMOTE, Oversampler, RandomOverSampler
from synthaug.generators import GaussianGenerator, SMOTEGenerator
from synthaug.neighbors import neighbors_config
from synthaug.search import VTSS
from synthaug.search.vtss import split_columns


def _data(n=3000, d=6, seed=0):
    rng = np.random.default_rng(seed)
    n_min = n // 10
    X = np.vstack([rng.normal(0, 1, (n - n_min, d)), rng.normal(1.0, 1, (n_min, d))])
    return X, np.r_[np.zeros(n - n_min, dtype=int), np.ones(n_min, dtype=int)]


@pytest.mark.parametrize("make", [
    lambda: RandomOverSampler(random_state=3), lambda: SMOTE(random_state=3),
    lambda: BorderlineSMOTE(random_state=3), lambda: ADASYN(random_state=3),
    lambda: GKSMOTE(random_state=3), lambda: Oversampler(GaussianGenerator(), random_state=3)],
    ids=["random", "smote", "borderline", "adasyn", "gksmote", "gaussian"])
def test_samplers_identical_across_runs_and_n_jobs(make):
    X, y = _data()
    outputs = []
    for n_jobs, accelerate in ((1, True), (2, True), (-1, True), (1, False)):
        with neighbors_config(n_jobs=n_jobs, accelerate=accelerate):
            outputs.append(make().fit_resample(X, y)[0])
    for other in outputs[1:]:
        np.testing.assert_array_equal(outputs[0], other)


def test_vtss_identical_across_n_jobs():
    X, y = _data(n=800)
    runs = [VTSS(LogisticRegression(), SMOTEGenerator(), gammas=(0, 0.5, 1), cv=3,
                 n_jobs=n_jobs, random_state=5).fit(X, y) for n_jobs in (1, 2)]
    np.testing.assert_array_equal(split_columns(runs[0].cv_results_, "loss"),
                                  split_columns(runs[1].cv_results_, "loss"))
    assert runs[0].best_size_ == runs[1].best_size_
    np.testing.assert_array_equal(runs[0].predict_proba(X), runs[1].predict_proba(X))


def test_bench_workers_then_joblib_parallel_in_one_process(tmp_path):
    """The bench's worker pool must not leave joblib's loky backend an executor it cannot
    reuse (the size search's parallel folds ran into an AttributeError after a bench)."""
    from synthaug.bench import BenchConfig, LocalExecutor, run_bench

    config = BenchConfig(datasets=["iris0"], methods=["none"], classifiers=["logreg"],
                         folds=2)
    run_bench(config, tmp_path / "s.sqlite", LocalExecutor(2), quiet=True)
    X, y = _data(n=400)
    search = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=(0, 1), cv=2, n_jobs=2,
                  random_state=0).fit(X, y)
    assert search.best_size_ in (0, 320)
