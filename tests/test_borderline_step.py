"""Borderline-SMOTE-2's step towards other-class partners: the paper's ``U[0, 0.5)`` and
imbalanced-learn's ``U[0, 1) x U[0, 0.5)`` (``step="han"`` / ``step="imblearn"``)."""

import numpy as np
import pytest
from scipy import stats
from sklearn.base import clone

from synthaug.exceptions import InvalidParameterError
from synthaug.generators import BorderlineSMOTEGenerator

N_GROUPS = 20
SPACING = 100.0


def _groups():
    """``N_GROUPS`` far-apart triples: minority ``a = (x0, 0)``, majority ``(x0 + 1, 0)``,
    minority ``b = (x0, 2)``. With ``m_neighbors=2, k_neighbors=1`` both minority rows are
    in danger (one of their two nearest rows is of the other class); ``a``'s single partner
    is the majority row (other class, along x), ``b``'s is ``a`` (same class, along -y)."""
    rows, labels = [], []
    for g in range(N_GROUPS):
        x0 = g * SPACING
        rows += [[x0, 0.0], [x0 + 1.0, 0.0], [x0, 2.0]]
        labels += [1, 0, 1]
    far = np.column_stack([np.full(60, -1e4), np.arange(60.0)])   # majority, out of reach
    return np.vstack([rows, far]), np.r_[labels, np.zeros(60, int)]


def _step_fractions(step, n=8000, random_state=0):
    """Fit on :func:`_groups` and return the step fractions of the new rows towards an
    other-class partner and towards a same-class partner, read off their coordinates."""
    X, y = _groups()
    gen = BorderlineSMOTEGenerator(k_neighbors=1, m_neighbors=2, kind="borderline-2",
                                   step=step).fit(X, y, target_class=1)
    assert gen.danger_mask_.all() and gen.seeds_.size == 2 * N_GROUPS
    new = gen.sample(n, random_state=random_state)
    offset = new[:, 0] - np.round(new[:, 0] / SPACING) * SPACING
    other = new[:, 1] == 0.0          # on a -> majority row (y stays 0)
    same = ~other                     # on b -> a (x stays at the group's origin)
    np.testing.assert_allclose(offset[same], 0.0, atol=1e-9)
    return offset[other], (2.0 - new[same, 1]) / 2.0


def _product_cdf(t):
    """CDF of ``U[0, 1) * U[0, 0.5)``: ``P(u <= t) = 2t (1 - ln 2t)`` on ``[0, 0.5]``."""
    s = np.clip(2 * np.asarray(t, float), 1e-300, 1.0)
    return s * (1 - np.log(s))


def test_imblearn_step_is_product_of_uniforms():
    u_other, u_same = _step_fractions("imblearn")
    assert len(u_other) > 3000 and len(u_same) > 3000
    assert u_other.min() >= 0 and u_other.max() < 0.5
    assert abs(u_other.mean() - 0.125) < 0.01            # 0.5 * 0.25; SE ~ 0.002
    assert stats.kstest(u_other, _product_cdf).pvalue > 1e-3
    assert stats.kstest(u_other, stats.uniform(0, 0.5).cdf).pvalue < 1e-12
    # same-class partners are untouched: U[0, 1)
    assert abs(u_same.mean() - 0.5) < 0.03
    assert stats.kstest(u_same, stats.uniform(0, 1).cdf).pvalue > 1e-3


def test_han_step_is_uniform_on_half():
    u_other, u_same = _step_fractions("han")
    assert u_other.min() >= 0 and u_other.max() < 0.5
    assert abs(u_other.mean() - 0.25) < 0.015             # SE ~ 0.003
    assert stats.kstest(u_other, stats.uniform(0, 0.5).cdf).pvalue > 1e-3
    assert stats.kstest(u_other, _product_cdf).pvalue < 1e-12
    assert abs(u_same.mean() - 0.5) < 0.03
    assert stats.kstest(u_same, stats.uniform(0, 1).cdf).pvalue > 1e-3


def test_default_step_is_han():
    assert BorderlineSMOTEGenerator().step == "han"
    X, y = _groups()
    kw = dict(k_neighbors=1, m_neighbors=2, kind="borderline-2")
    a = BorderlineSMOTEGenerator(**kw).fit(X, y, target_class=1).sample(500, random_state=3)
    b = BorderlineSMOTEGenerator(**kw, step="han").fit(X, y, target_class=1).sample(
        500, random_state=3)
    np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def data():
    from sklearn.datasets import make_classification

    return make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.8], flip_y=0.05, class_sep=0.7, random_state=3)


def test_imblearn_step_exact_count_prefix_and_determinism(data):
    X, y = data
    gen = BorderlineSMOTEGenerator(kind="borderline-2", step="imblearn", m_neighbors=8,
                                   random_state=5).fit(X, y, target_class=1)
    big = gen.sample(10_000, random_state=7)
    assert big.shape == (10_000, X.shape[1])
    for m in (0, 1, 4095, 4096, 4097, 9999):
        np.testing.assert_array_equal(gen.sample(m, random_state=7), big[:m])
    np.testing.assert_array_equal(gen.sample(200), gen.sample(200))   # own random_state
    assert not np.array_equal(gen.sample(50, random_state=8), big[:50])
    again = clone(gen).fit(X, y, target_class=1)
    np.testing.assert_array_equal(again.sample(300, random_state=7), big[:300])
    # the two readings draw the same seeds and partners but different steps
    han = clone(gen).set_params(step="han").fit(X, y, target_class=1)
    assert not np.array_equal(han.sample(300, random_state=7), big[:300])


def test_borderline_1_ignores_step(data):
    X, y = data
    rows = [BorderlineSMOTEGenerator(step=s, m_neighbors=8).fit(X, y, target_class=1)
            .sample(1000, random_state=2) for s in ("han", "imblearn")]
    np.testing.assert_array_equal(rows[0], rows[1])


@pytest.mark.parametrize("bad", ["paper", "IMBLEARN", None, 0.5])
def test_bad_step_is_named(data, bad):
    X, y = data
    with pytest.raises(InvalidParameterError, match=r"step must be 'han'.*'imblearn'"):
        BorderlineSMOTEGenerator(kind="borderline-2", step=bad).fit(X, y)


def test_bench_grammar_passes_step():
    from synthaug.bench import parse_method

    spec = parse_method("borderline-2[step=imblearn]")
    assert spec.params == {"kind": "borderline-2", "step": "imblearn"}
    assert spec.name == "borderline-smote[kind='borderline-2',step='imblearn']"
    assert parse_method(spec.name) == spec
