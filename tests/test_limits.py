"""Memory limits: estimates close to measured peaks, and an up-front refusal that states
the need, the limit and the alternative."""

import tracemalloc

import numpy as np
import pytest

from synthaug import SMOTE, BorderlineSMOTE, RandomOverSampler
from synthaug.exceptions import InvalidParameterError, MemoryLimitError
from synthaug.limits import check_memory, format_bytes, memory_limit


def _data(n=40_000, d=10, share=0.05, seed=0):
    rng = np.random.default_rng(seed)
    n_min = int(n * share)
    X = np.vstack([rng.normal(0, 1, (n - n_min, d)), rng.normal(0.7, 1, (n_min, d))])
    return X, np.r_[np.zeros(n - n_min, dtype=int), np.ones(n_min, dtype=int)]


@pytest.mark.parametrize("make", [lambda: SMOTE(random_state=0),
                                  lambda: BorderlineSMOTE(random_state=0),
                                  lambda: RandomOverSampler(random_state=0)])
def test_estimate_is_within_a_factor_of_two_of_the_measured_peak(make):
    X, y = _data()
    estimate = make().memory_estimate(y, X.shape[1])
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    make().fit_resample(X, y)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    assert 0.5 * peak <= estimate <= 2.0 * peak, (estimate, peak)


def test_refuses_up_front_with_need_limit_and_alternative(monkeypatch):
    X, y = _data(n=20_000)
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "1M")
    assert memory_limit() == 1024**2
    with pytest.raises(MemoryLimitError, match=r"needs about .* MB of memory, but only 1 MB "
                                               r"is available; .*RandomOverSampler"):
        SMOTE(random_state=0).fit_resample(X, y)
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "8G")
    _, y_res = SMOTE(random_state=0).fit_resample(X, y)
    assert (y_res == 1).sum() == 19_000


def test_bad_limit_setting_is_named(monkeypatch):
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "lots")
    with pytest.raises(InvalidParameterError, match="SYNTHAUG_MEMORY_LIMIT='lots'"):
        check_memory(1, what="x", alternative="y")


def test_format_bytes():
    assert format_bytes(1536) == "1.5 KB" and format_bytes(3 * 1024**3) == "3 GB"


def test_kotaro_estimate_and_refusal(monkeypatch):
    import warnings

    from synthaug.classifiers import KOTARO

    X, y = _data(n=2500, d=8)
    for solver in ("exact",):  # the sparse form: benchmarks/bench_memory.py (slow traced)
        model = KOTARO(solver=solver, random_state=0)
        estimate = model.memory_estimate(*X.shape)
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert 0.5 * peak <= estimate <= 2.0 * peak, (solver, estimate, peak)
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "20M")
    with pytest.raises(MemoryLimitError, match=r"KOTARO \(solver='exact'\) on 2,500 x 8 needs "
                                               r"about .*solver='sparse'"):
        KOTARO(solver="exact").fit(X, y)


def test_size_search_estimate_and_refusal(monkeypatch):
    from sklearn.linear_model import LogisticRegression

    from synthaug.generators import SMOTEGenerator
    from synthaug.search import TGVTSS, VTSS

    X, y = _data(n=20_000, d=10)
    narrow = VTSS(LogisticRegression(), SMOTEGenerator(), gammas=(0, 0.5))
    wide = TGVTSS(LogisticRegression(), SMOTEGenerator(), n_jobs=2)
    # the search holds at least one fold's training part and its augmented copy
    assert narrow.memory_estimate(y, 10) >= 2 * X.nbytes
    assert wide.memory_estimate(y, 10) > 2 * narrow.memory_estimate(y, 10)
    monkeypatch.setenv("SYNTHAUG_MEMORY_LIMIT", "4M")
    with pytest.raises(MemoryLimitError, match="VTSS on 20,000 x 10 needs about"):
        narrow.fit(X, y)
