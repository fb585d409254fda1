"""BiasCorrectedTorchClassifier (synthaug.correction.neural): the torch version of the
bias-corrected loss.

The key check: with its default linear module it reaches the linear
BiasCorrectedClassifier's coefficients (same generator, seed and splits; weight decay
1 / (C N)), which pins down the data path, the transfer shifts applied to the inputs, the
weights of the three row sets and the sign of the correction. A missing torch is not tested
here (this file is skipped without it).
"""

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402

from synthaug.correction import BiasCorrectedClassifier  # noqa: E402
from synthaug.correction.neural import BiasCorrectedTorchClassifier  # noqa: E402
from synthaug.correction.transfer import TRANSFERS  # noqa: E402
from synthaug.exceptions import (  # noqa: E402
    InvalidInputError,
    InvalidParameterError,
    NotFittedError,
    SynthaugWarning,
    TrainingDivergedError,
)


@pytest.fixture(autouse=True)
def _one_thread():
    """Small problems run fastest (and identically) on one torch thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _shift_data(seed=0, d=3, n0=300, n1=30):
    """Majority N(0, I), minority N(1, I): the design the correction is built for."""
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.standard_normal((n0, d)), rng.standard_normal((n1, d)) + 1.0])
    return X, np.r_[np.zeros(n0, int), np.ones(n1, int)]


def _mlp(d):
    return torch.nn.Sequential(torch.nn.Linear(d, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))


def _theta(module):
    return np.r_[module.weight.detach().numpy().ravel(), module.bias.detach().numpy()]


def _pair(C, weight_decay=None, **kw):
    """The linear and the torch estimator on one problem, fitted with the same seed."""
    X, y = _shift_data()
    lin = BiasCorrectedClassifier(n_splits=5, convexity_guard="off", C=C, tol=1e-10,
                                  random_state=3, **kw).fit(X, y)
    N = len(y) + lin.n_synthetic_
    wd = 1.0 / (C * N) if weight_decay is None else weight_decay
    net = BiasCorrectedTorchClassifier(n_splits=5, weight_decay=wd, dtype="float64",
                                       tol=1e-12, random_state=3, **kw).fit(X, y)
    return lin, net, X


# ---------------------------------------------------------------------- the linear case
@pytest.mark.parametrize("transfer", TRANSFERS)
def test_linear_module_matches_linear_estimator(transfer):
    lin, net, X = _pair(1.0, transfer=transfer)
    assert net.scale_ == lin.scale_ == pytest.approx(net.n_synthetic_ / (len(X) + 270))
    np.testing.assert_allclose(_theta(net.module_), np.r_[lin.coef_[0], lin.intercept_],
                               atol=1e-6)
    np.testing.assert_allclose(_theta(net.naive_module_),
                               np.r_[lin.naive_coef_[0], lin.naive_intercept_], atol=1e-6)
    assert net.bias_estimate_ == pytest.approx(lin.bias_estimate_, abs=1e-7)
    np.testing.assert_allclose(net.bias_by_split_, lin.bias_by_split_, atol=1e-7)
    # the correction moved the fit by far more than the tolerance
    assert np.abs(lin.coef_ - lin.naive_coef_).max() > 1e-3
    np.testing.assert_allclose(net.decision_function(X), lin.decision_function(X), atol=1e-5)


def test_no_weight_decay_matches_a_negligible_ridge_and_majority_label():
    lin, net, _ = _pair(1e8, weight_decay=0.0, bias_label="majority")
    np.testing.assert_allclose(_theta(net.module_), np.r_[lin.coef_[0], lin.intercept_],
                               atol=1e-6)
    assert net.bias_estimate_ == pytest.approx(lin.bias_estimate_, abs=1e-7)


def test_scale_zero_is_the_naive_fit():
    lin, net, _ = _pair(1.0, scale=0.0)
    assert net.scale_ == 0.0 and not net.correction_shrunk_
    np.testing.assert_allclose(_theta(net.module_),
                               np.r_[lin.naive_coef_[0], lin.naive_intercept_], atol=1e-6)
    np.testing.assert_array_equal(_theta(net.module_), _theta(net.naive_module_))
    assert net.history_ == net.naive_history_


# ---------------------------------------------------------------------- determinism
def test_same_seed_same_fit_and_global_rng_untouched():
    X, y = _shift_data(seed=1)
    state = torch.get_rng_state()
    kw = dict(module_factory=_mlp, n_splits=3, weight_decay=1e-2, max_epochs=20)
    a = BiasCorrectedTorchClassifier(random_state=7, **kw).fit(X, y)
    b = BiasCorrectedTorchClassifier(random_state=7, **kw).fit(X, y)
    c = BiasCorrectedTorchClassifier(random_state=8, **kw).fit(X, y)
    assert torch.equal(state, torch.get_rng_state())
    np.testing.assert_array_equal(a.decision_function(X), b.decision_function(X))
    assert a.history_ == b.history_
    assert not np.array_equal(a.decision_function(X), c.decision_function(X))


def test_minibatch_adam_is_deterministic():
    X, y = _shift_data(seed=2)
    kw = dict(module_factory=_mlp, n_splits=3, weight_decay=1e-2, optimizer="adam",
              batch_size=64, max_epochs=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = BiasCorrectedTorchClassifier(**kw).fit(X, y)
        b = clone(BiasCorrectedTorchClassifier(**kw)).fit(X, y)
    assert len(a.history_) == a.n_epochs_ == 5
    np.testing.assert_array_equal(a.decision_function(X), b.decision_function(X))


# ---------------------------------------------------------------------- a small network
def test_mlp_fits_and_predicts():
    X, y = _shift_data(seed=3)
    labels = np.array(["no", "yes"])[y]
    clf = BiasCorrectedTorchClassifier(_mlp, n_splits=4, weight_decay=1e-2,
                                       random_state=0).fit(X, labels)
    proba = clf.predict_proba(X[:50])
    assert proba.shape == (50, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred == "yes", clf.decision_function(X) > 0)
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    assert clf.n_synthetic_ == 270 and clf.bias_by_split_.shape == (4,)
    assert clf.bias_estimate_ == pytest.approx(clf.bias_by_split_.mean(), rel=1e-12)
    assert clf.n_epochs_ == len(clf.history_) and np.isfinite(clf.history_).all()
    # balanced accuracy well above chance on the shifted classes
    recall = [np.mean(pred[labels == c] == c) for c in ("no", "yes")]
    assert np.mean(recall) > 0.7


def test_runaway_correction_is_shrunk_by_halvings():
    X, y = _shift_data(seed=4)
    with pytest.warns(SynthaugWarning, match="shrunk"):
        clf = BiasCorrectedTorchClassifier(n_splits=3, scale=50.0, weight_decay=0.0,
                                           random_state=0).fit(X, y)
    assert clf.correction_shrunk_ and 0.0 <= clf.scale_ < 50.0
    if clf.scale_ > 0:
        halvings = np.log2(50.0 / clf.scale_)
        assert halvings == pytest.approx(round(halvings))
    assert np.isfinite(clf.decision_function(X)).all()


# ---------------------------------------------------------------------- errors
def test_bad_inputs_are_refused():
    X, y = _shift_data()
    clf = BiasCorrectedTorchClassifier(n_splits=2, random_state=0)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(InvalidInputError, match="1 class"):
        clf.fit(X, np.zeros(len(y), int))
    X_nan = X.copy()
    X_nan[0, 1] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        clf.fit(X_nan, y)


def test_bad_modules_and_parameters_are_refused():
    X, y = _shift_data()
    wrong = BiasCorrectedTorchClassifier(lambda d: torch.nn.Linear(d, 2), n_splits=2)
    with pytest.raises(InvalidParameterError, match="one logit per row"):
        wrong.fit(X, y)
    not_module = BiasCorrectedTorchClassifier(lambda d: "net", n_splits=2)
    with pytest.raises(InvalidParameterError, match=r"torch\.nn\.Module"):
        not_module.fit(X, y)
    with pytest.raises(InvalidParameterError, match="full batch"):
        BiasCorrectedTorchClassifier(batch_size=32).fit(X, y)
    with pytest.raises(InvalidParameterError, match="optimizer"):
        BiasCorrectedTorchClassifier(optimizer="sgd").fit(X, y)
    with pytest.raises(InvalidParameterError, match="transfer"):
        BiasCorrectedTorchClassifier(transfer="shift").fit(X, y)
    fitted = BiasCorrectedTorchClassifier(n_splits=2, random_state=0).fit(X, y)
    with pytest.raises(InvalidInputError, match="features"):
        fitted.predict(X[:, :2])


class _NaNModule(torch.nn.Module):
    """A module whose logits are NaN: the fit must stop with the epoch named."""

    def __init__(self, d):
        super().__init__()
        self.lin = torch.nn.Linear(d, 1)

    def forward(self, x):
        return self.lin(x) * float("nan")


@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_nan_names_epoch_and_learning_rate(optimizer):
    X, y = _shift_data()
    clf = BiasCorrectedTorchClassifier(_NaNModule, n_splits=2, optimizer=optimizer,
                                       random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"NaN or infinite at epoch 1 .*lr="):
        clf.fit(X, y)


def test_missing_torch_names_the_extra(monkeypatch):
    """Without torch, construction works and fit says what to install."""
    import sys

    from synthaug.exceptions import MissingDependencyError

    monkeypatch.setitem(sys.modules, "torch", None)      # makes `import torch` fail
    X, y = _shift_data()
    with pytest.raises(MissingDependencyError, match=r'synthaug\[torch\]'):
        BiasCorrectedTorchClassifier(n_splits=2).fit(X, y)
