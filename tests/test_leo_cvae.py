"""LEO-CVAE: entropies, seed draws and the loss checked against closed forms; the fitted
generator checked for exact counts, restored best weights, determinism and save/load."""

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy.stats import chisquare
from sklearn.datasets import make_classification

torch = pytest.importorskip("torch")

from synthaug import Oversampler  # noqa: E402
from synthaug.checks import check_generator  # noqa: E402
from synthaug.exceptions import (  # noqa: E402
    DataTypeError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
    TrainingDivergedError,
)
from synthaug.generators._leo_cvae_net import leo_loss  # noqa: E402
from synthaug.generators.leo_cvae import (  # noqa: E402
    LEOCVAEGenerator,
    draw_seeds,
    local_entropy,
    seed_probabilities,
)

FAST = {"max_epochs": 25, "patience": 5, "device": "cpu"}


@pytest.fixture(scope="module")
def three():
    """3 classes, weights 0.8 / 0.15 / 0.05 (240 / 45 / 15 rows)."""
    return make_classification(n_samples=300, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1,
                               weights=[0.8, 0.15, 0.05], flip_y=0.0,
                               random_state=0)


@pytest.fixture(scope="module")
def fitted(three):
    X, y = three
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)   # class 2 has 15 rows = k
        return LEOCVAEGenerator(**FAST, random_state=0).fit(X, y)


# --------------------------------------------------------------------------- entropy
def test_local_entropy_matches_a_hand_count():
    # on a line, k = 2: a pure pair, a 50/50 row, and a row whose 3 neighbours split 1/1/1
    X = np.array([[0.0], [0.1], [0.2],            # class 0, far from the rest
                  [10.0], [10.1], [10.3],         # rows 3..5: classes 0, 1, 1
                  [20.0], [20.1], [19.9], [20.25]])  # row 6 (class 2) and 1, 0, 2 around
    y = np.array([0, 0, 0, 0, 1, 1, 2, 1, 0, 2])
    H = local_entropy(X, y, k=2)
    # rows 0-2: both neighbours class 0; row 3: 10.1 (1), 10.3 (1); row 4: 10.0 (0), 10.3 (1)
    assert H[:3].tolist() == [0.0, 0.0, 0.0]
    assert H[3] == 0.0 and H[4] == 1.0
    # row 5 (10.3): neighbours 10.1 (1) and 10.0 (0) -> 1 bit
    assert H[5] == 1.0
    H3 = local_entropy(X, y, k=3)
    # row 6 (20.0): neighbours 20.1 (1), 19.9 (0), 20.25 (2): one of each class
    assert H3[6] == pytest.approx(math.log2(3), abs=1e-12)
    assert H3.max() <= math.log2(3) + 1e-12 and H3.min() >= 0.0


def test_local_entropy_equals_a_brute_force_count():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = rng.integers(0, 3, 60)
    k = 7
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    expected = []
    for i in range(60):
        counts = np.bincount(y[np.argsort(D[i], kind="stable")[:k]], minlength=3)
        p = counts[counts > 0] / k
        expected.append(float(-(p * np.log2(p)).sum()))
    np.testing.assert_allclose(local_entropy(X, y, k), expected, atol=1e-12)


def test_local_entropy_caps_k_with_a_warning_and_refuses_one_row():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    with pytest.warns(SynthaugWarning, match="k=15 neighbours need 16 rows.*using k=3"):
        H = local_entropy(X, y, k=15)
    # every row sees all 3 others: 2 of the other class and 1 of its own
    p = np.array([1 / 3, 2 / 3])
    np.testing.assert_allclose(H, -(p * np.log2(p)).sum())
    with pytest.raises(NotEnoughSamplesError, match="at least 2 rows"):
        local_entropy(X[:1], y[:1], k=1)


# --------------------------------------------------------------------------- seed draws
def test_seed_frequencies_follow_the_entropy_weights():
    H = np.array([0.0, 0.5, 1.0, 0.0, 0.25, 1.0])
    gamma = 2.5
    expected = (1 + H) ** gamma / ((1 + H) ** gamma).sum()
    np.testing.assert_allclose(seed_probabilities(H, gamma), expected)
    n = 200_000
    counts = np.bincount(draw_seeds(np.random.default_rng(0), H, gamma, n), minlength=6)
    assert chisquare(counts, expected * n).pvalue > 1e-3
    # the same draws are far from uniform: the test can tell the two apart
    assert chisquare(counts, np.full(6, n / 6)).pvalue < 1e-100
    # gamma = 0: uniform seeds
    assert np.allclose(seed_probabilities(H, 0.0), 1 / 6)


# --------------------------------------------------------------------------- loss
def test_loss_sums_squared_errors_over_features_and_weights_rows():
    x = torch.zeros(2, 3)
    x_hat = torch.tensor([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])    # row errors 5 and 9
    w = torch.tensor([2.0, 1.0])
    mu = torch.zeros(2, 4)
    logvar = torch.zeros(2, 4)
    loss, recon, kl = leo_loss(x_hat, x, mu, logvar, w, beta=4.0, kl_floor=0.0)
    assert recon.item() == pytest.approx((2 * 5 + 9) / 2)
    assert kl.item() == 0.0 and loss.item() == pytest.approx(9.5)


def test_kl_floor_is_active_below_it_and_inactive_above():
    x = torch.zeros(2, 3)
    x_hat = torch.ones(2, 3)
    w = torch.ones(2)
    # KL of one row, one dimension: (mu^2 + s^2 - 1 - log s^2) / 2
    mu = torch.tensor([[0.2], [0.0]], requires_grad=True)
    logvar = torch.zeros(2, 1)
    loss, recon, kl = leo_loss(x_hat, x, mu, logvar, w, beta=4.0, kl_floor=0.1)
    assert kl.item() == pytest.approx(0.01)                     # (0.04 / 2) / 2 rows
    assert loss.item() == pytest.approx(recon.item() + 4.0 * 0.1)
    loss.backward()
    assert torch.all(mu.grad == 0)                               # the hinge gives no gradient
    mu_big = torch.tensor([[2.0], [0.0]])
    loss, recon, kl = leo_loss(x_hat, x, mu_big, logvar, w, beta=4.0, kl_floor=0.1)
    assert kl.item() == pytest.approx(1.0)
    assert loss.item() == pytest.approx(recon.item() + 4.0 * 1.0)


# --------------------------------------------------------------------------- training
def test_the_best_validation_weights_are_restored():
    X, y = make_classification(n_samples=200, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.7], random_state=1)
    gen = LEOCVAEGenerator(max_epochs=300, patience=3, min_delta=0.0, lr=1e-2,
                           device="cpu", random_state=0).fit(X, y)
    val = [r["val_loss"] for r in gen.history_]
    assert gen.n_epochs_ == len(val) < 300                       # early stopping fired
    assert gen.best_epoch_ == int(np.argmin(val)) < gen.n_epochs_ - 1
    # the kept network reproduces the best validation loss, not the last epoch's
    assert gen._validation_loss(gen.module_) == min(val)
    assert min(val) < val[-1]
    assert set(gen.history_[0]) == {"epoch", "loss", "recon", "kl", "val_loss"}


def test_exact_counts_through_the_oversampler_and_near_the_minority(three):
    X, y = three
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        sampler = Oversampler(LEOCVAEGenerator(**FAST), random_state=0)
        X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [240, 240, 240]
    assert sampler.generators_[1] is sampler.generators_[2]      # fitted once
    assert np.isfinite(X_res).all()
    np.testing.assert_array_equal(X_res[:300], X)
    new, labels = X_res[300:], y_res[300:]
    for c in (1, 2):
        rows = X[y == c]
        sd = rows.std(axis=0)
        lo, hi = rows.min(axis=0) - 3 * sd, rows.max(axis=0) + 3 * sd
        assert np.all((new[labels == c] >= lo) & (new[labels == c] <= hi))
        # closer to the class's own mean than to the majority's
        m = new[labels == c].mean(axis=0)
        assert (np.linalg.norm(m - rows.mean(axis=0))
                < np.linalg.norm(m - X[y == 0].mean(axis=0)))


def test_deterministic_for_a_fixed_random_state(three, fitted):
    X, y = three
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        again = LEOCVAEGenerator(**FAST, random_state=0).fit(X, y)
        other = LEOCVAEGenerator(**FAST, random_state=1).fit(X, y)
    assert again.history_ == fitted.history_
    a = fitted.sample(50, target_class=2, random_state=3)
    np.testing.assert_array_equal(again.sample(50, target_class=2, random_state=3), a)
    np.testing.assert_array_equal(fitted.sample(20, target_class=2, random_state=3), a[:20])
    assert not np.allclose(other.sample(50, target_class=2, random_state=3), a)
    assert not np.allclose(fitted.sample(50, target_class=2, random_state=4), a)


def test_save_and_load_give_identical_samples(fitted, tmp_path):
    folder = fitted.save(tmp_path / "leo")
    loaded = LEOCVAEGenerator.load(folder, device="cpu")
    for c in (0, 1, 2):
        np.testing.assert_array_equal(loaded.sample(40, target_class=c, random_state=5),
                                      fitted.sample(40, target_class=c, random_state=5))
    assert loaded.history_ == fitted.history_ and loaded.best_epoch_ == fitted.best_epoch_
    np.testing.assert_array_equal(loaded.entropies_, fitted.entropies_)
    assert loaded.get_params()["hidden_dims"] == (64, 32)


def test_save_and_load_keep_a_dataframe_format(three, tmp_path):
    pd = pytest.importorskip("pandas")
    X, y = three
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    labels = np.array(["big", "mid", "small"])[y]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        gen = LEOCVAEGenerator(max_epochs=3, device="cpu", random_state=0).fit(frame, labels)
    loaded = LEOCVAEGenerator.load(gen.save(tmp_path / "frame"), device="cpu")
    out = loaded.sample(7, target_class="small", random_state=1)
    assert list(out.columns) == ["a", "b", "c", "d"]
    pd.testing.assert_frame_equal(out, gen.sample(7, target_class="small", random_state=1))


def test_prior_sampling_and_training_split_seeds(fitted):
    prior = fitted.set_params(sample_from="prior").sample(30, target_class=1, random_state=0)
    fitted.set_params(sample_from="posterior")
    assert np.isfinite(prior).all()
    assert not np.allclose(prior, fitted.sample(30, target_class=1, random_state=0))
    pool_all = fitted._seed_pool(1)
    fitted.set_params(seed_rows="train")
    pool_train = fitted._seed_pool(1)
    fitted.set_params(seed_rows="all")
    assert pool_all.size == 45 and 30 <= pool_train.size < 45
    assert np.isin(pool_train, fitted._train_rows).all()


# --------------------------------------------------------------------------- edge cases
def test_a_class_too_small_for_the_split_trains_on_all_its_rows():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (60, 3)), rng.normal(3, 1, (5, 3))])
    y = np.r_[np.zeros(60, int), np.ones(5, int)]
    with pytest.warns(SynthaugWarning, match=r"\[1\] are too small for a 20% validation"):
        gen = LEOCVAEGenerator(max_epochs=5, k_neighbors=3, device="cpu",
                               random_state=0).fit(X, y)
    assert gen.early_stopping_ and np.isin(np.arange(60, 65), gen._train_rows).all()
    with pytest.warns(SynthaugWarning, match="without early stopping"):
        tiny = LEOCVAEGenerator(max_epochs=4, k_neighbors=3, device="cpu",
                                random_state=0).fit(X[55:], y[55:])
    assert not tiny.early_stopping_ and tiny.n_epochs_ == 4 and tiny.best_epoch_ == 3
    assert tiny.sample(9, target_class=1, random_state=0).shape == (9, 3)


def test_too_few_rows_for_the_neighbours_caps_k_with_a_warning():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [3.0, 3.0], [3.1, 3.0]])
    y = np.array([0, 0, 0, 1, 1])
    with pytest.warns(SynthaugWarning) as record:
        gen = LEOCVAEGenerator(max_epochs=2, device="cpu", random_state=0).fit(X, y)
    messages = " | ".join(str(w.message) for w in record)
    assert "using k=4" in messages and "without early stopping" in messages
    assert gen.n_neighbors_ == 4
    assert gen.sample(3, target_class=1, random_state=0).shape == (3, 2)


def test_cuda_without_a_cuda_device_is_a_clear_error(three):
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    X, y = three
    with pytest.raises(InvalidParameterError, match=r'device="cuda".*no CUDA device'):
        LEOCVAEGenerator(device="cuda").fit(X, y)


def test_categorical_columns_are_refused_by_name():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": np.arange(20.0), "colour": pd.Categorical(["r", "g"] * 10)})
    y = np.r_[np.zeros(14), np.ones(6)]
    # read as numbers by default, so the text-like column is named as not numeric
    with pytest.raises(DataTypeError, match=r"Column 'colour' has non-numeric dtype"):
        LEOCVAEGenerator(max_epochs=1).fit(frame, y)
    # declared categorical, it is refused as a category the network cannot model
    with pytest.raises(DataTypeError, match=r"\['colour'\] are categorical"):
        LEOCVAEGenerator(max_epochs=1).fit(frame, y, categorical_features=["colour"])


def test_divergence_is_a_training_error():
    X, y = make_classification(n_samples=80, n_features=3, n_informative=2, n_redundant=0,
                               random_state=0)
    with pytest.raises(TrainingDivergedError, match="LEO-CVAE diverged at epoch"):
        LEOCVAEGenerator(lr=1e30, max_epochs=20, grad_clip=None, device="cpu",
                         random_state=0).fit(X, y)


@pytest.mark.parametrize("params, match", [
    ({"gamma": -1}, "gamma"), ({"hidden_dims": ()}, "hidden_dims"),
    ({"sample_from": "mean"}, "sample_from"), ({"validation_fraction": 0.7}, "validation"),
    ({"seed_rows": "val"}, "seed_rows"), ({"device": "tpu"}, "device must be one of"),
])
def test_bad_parameters_are_refused(three, params, match):
    X, y = three
    with pytest.raises(InvalidParameterError, match=match):
        LEOCVAEGenerator(**params).fit(X, y)


def test_unfitted_use_is_refused():
    with pytest.raises(NotFittedError):
        LEOCVAEGenerator().save("never")
    with pytest.raises(NotFittedError):
        LEOCVAEGenerator().plot_history()


def test_plot_history_marks_the_best_epoch(fitted):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = fitted.plot_history(keys=["loss", "val_loss"])
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss", "best epoch"]


def test_memory_estimate_grows_with_the_rows():
    gen = LEOCVAEGenerator()
    small, big = gen.memory_estimate(1_000, 64, 100), gen.memory_estimate(100_000, 64, 100)
    assert 0 < small < big and big > 100_000 * 64 * 8


def test_the_generator_protocol_holds():
    gen = LEOCVAEGenerator(max_epochs=3, device="cpu", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        passed = check_generator(gen, sizes=(0, 1, 7, 600))
    assert passed["per_class"]


def test_importing_the_module_does_not_import_torch():
    code = ("import sys, synthaug, synthaug.generators.leo_cvae; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_flat_adam_matches_torch_adam_with_clipping():
    """The generator's one-buffer Adam (a speed-up on the CPU) makes torch.optim.Adam's
    update with clip_grad_norm_, step for step."""
    from synthaug.generators._leo_cvae_net import ConditionalVAE
    from synthaug.generators.leo_cvae import _FlatAdam

    def trained(flat: bool):
        torch.manual_seed(0)
        module = ConditionalVAE(6, 2, (8, 4), 3, 0.0)
        opt = (_FlatAdam(torch, module, 0.05, 1e-3, 0.5) if flat else
               torch.optim.Adam(module.parameters(), lr=0.05, weight_decay=1e-3))
        gen = torch.Generator().manual_seed(1)
        for _ in range(50):
            x = torch.randn(16, 6, generator=gen) * 3.0     # large: clipping is active
            onehot = torch.nn.functional.one_hot(torch.arange(16) % 2, 2).float()
            x_hat, mu, logvar = module(x, onehot, torch.randn(16, 3, generator=gen))
            loss = leo_loss(x_hat, x, mu, logvar, torch.ones(16), 4.0, 0.1)[0]
            opt.zero_grad()
            loss.backward()
            if not flat:
                torch.nn.utils.clip_grad_norm_(module.parameters(), 0.5)
            opt.step()
        if flat:
            opt.release()
        return torch.cat([p.detach().reshape(-1) for p in module.parameters()])

    np.testing.assert_allclose(trained(True).numpy(), trained(False).numpy(), atol=1e-5)
