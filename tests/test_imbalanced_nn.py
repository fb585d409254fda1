"""The imbalance-aware networks and their parts: SAM / SAM-A steps against closed forms,
class-conditional smoothing, the batch-size proposal, augmentation policies, and the
classifiers' contract (determinism, shapes, early stopping, errors)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.datasets import load_digits, make_classification  # noqa: E402

from synthaug.classifiers import (  # noqa: E402
    GeneratorPolicy,
    ImbalancedCNNClassifier,
    ImbalancedMLPClassifier,
    SharpnessAware,
    smoothed_targets,
    smoothing_epsilons,
    suggest_batch_size,
)
from synthaug.classifiers.augmentation import affine_images, make_policy  # noqa: E402
from synthaug.exceptions import (  # noqa: E402
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
)
from synthaug.metrics import balanced_accuracy  # noqa: E402


# ---------------------------------------------------------------------- SAM on a quadratic
def _quadratic(A: np.ndarray, theta0: np.ndarray):
    """A parameter theta and per-row losses 0.5 |theta - a_i|^2 (gradient of the mean:
    theta - mean(a))."""
    theta = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    A_t = torch.tensor(A, dtype=torch.float64)

    def losses(index=None):
        rows = A_t if index is None else A_t[index]
        return 0.5 * ((theta - rows) ** 2).sum(dim=1)

    return theta, losses


RNG = np.random.default_rng(0)
A = RNG.normal(size=(10, 3))
Y = np.array([0] * 7 + [1] * 3)
THETA0 = np.array([2.0, -1.0, 0.5])
LR, RHO = 0.1, 0.3


def _step(mode, counts=None, beta=1.0):
    theta, losses = _quadratic(A, THETA0)
    opt = torch.optim.SGD([theta], lr=LR)
    sam = SharpnessAware([theta], opt, rho=RHO, mode=mode, class_counts=counts, beta=beta)
    value = sam.step(losses, torch.tensor(Y))
    return theta.detach().numpy(), value


def test_sam_step_matches_closed_form():
    g = THETA0 - A.mean(axis=0)
    eps = RHO * g / np.linalg.norm(g)
    expected = THETA0 - LR * (THETA0 + eps - A.mean(axis=0))
    got, value = _step("sam")
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert value == pytest.approx(0.5 * ((THETA0 - A) ** 2).sum(axis=1).mean())


def test_weighted_direction_ascends_along_the_class_weighted_gradient():
    counts = [7, 3]
    w = np.where(Y == 1, 7 / 3, 1.0)
    g_weighted = THETA0 - (w[:, None] * A).sum(axis=0) / w.sum()
    eps = RHO * g_weighted / np.linalg.norm(g_weighted)
    expected = THETA0 - LR * (THETA0 + eps - A.mean(axis=0))   # descent: plain mean
    got, _ = _step("weighted_direction", counts)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # and it differs from plain SAM, so the weights matter
    assert not np.allclose(got, _step("sam")[0])


def test_per_class_radius_matches_closed_form():
    counts, beta = [7, 3], 0.5
    total = np.zeros(3)
    for code, n_c in ((0, 7), (1, 3)):
        rows = A[Y == code]
        radius = RHO * (7 / n_c) ** beta
        g_c = THETA0 - rows.mean(axis=0)
        eps_c = radius * g_c / np.linalg.norm(g_c)
        total += len(rows) / len(Y) * (THETA0 + eps_c - rows.mean(axis=0))
    got, value = _step("per_class_radius", counts, beta)
    np.testing.assert_allclose(got, THETA0 - LR * total, rtol=1e-12)
    assert value == pytest.approx(0.5 * ((THETA0 - A) ** 2).sum(axis=1).mean())


def test_rho_zero_is_the_base_step():
    theta, losses = _quadratic(A, THETA0)
    opt = torch.optim.SGD([theta], lr=LR)
    SharpnessAware([theta], opt, rho=0.0, mode="sam").step(losses, torch.tensor(Y))
    np.testing.assert_allclose(theta.detach().numpy(),
                               THETA0 - LR * (THETA0 - A.mean(axis=0)), rtol=1e-12)


def test_weighted_direction_with_equal_counts_is_sam():
    """SAM-A in the reference code's reading reduces to SAM when the classes are equal:
    identical parameters after several steps of the same network."""
    X, y = make_classification(64, n_features=5, weights=[0.5], random_state=1)
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    finals = []
    for mode, counts in (("sam", None), ("weighted_direction", [32, 32])):
        torch.manual_seed(3)
        net = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(),
                                  torch.nn.Linear(8, 2))
        opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
        sam = SharpnessAware(net.parameters(), opt, rho=0.05, mode=mode, class_counts=counts)
        for start in range(0, 64, 16):
            xb, yb = Xt[start:start + 16], yt[start:start + 16]

            def losses(index=None, xb=xb, yb=yb, net=net):
                xs, ys = (xb, yb) if index is None else (xb[index], yb[index])
                return torch.nn.functional.cross_entropy(net(xs), ys, reduction="none")

            sam.step(losses, yb)
        finals.append(torch.cat([p.detach().flatten() for p in net.parameters()]))
    torch.testing.assert_close(finals[0], finals[1], rtol=0, atol=1e-6)


def test_sam_rejects_bad_settings():
    theta, _ = _quadratic(A, THETA0)
    opt = torch.optim.SGD([theta], lr=LR)
    with pytest.raises(InvalidParameterError, match="mode"):
        SharpnessAware([theta], opt, mode="asymmetric")
    with pytest.raises(InvalidParameterError, match="class_counts"):
        SharpnessAware([theta], opt, mode="per_class_radius")
    with pytest.raises(InvalidParameterError, match="rho"):
        SharpnessAware([theta], opt, rho=-1.0, mode="sam")


# ---------------------------------------------------------------------- smoothing
def test_class_conditional_smoothing():
    eps = smoothing_epsilons([400, 100, 4], 0.05, alpha=0.5, max_smoothing=0.5)
    np.testing.assert_allclose(eps, [0.05, 0.05 * 2.0, 0.5])     # 0.05 * 10 capped at 0.5
    assert smoothing_epsilons([400, 100], 0.1, mode="uniform").tolist() == [0.1, 0.1]
    T = smoothed_targets(np.array([0, 1, 2, 2]), eps)
    np.testing.assert_allclose(T.sum(axis=1), 1.0)
    assert T[0, 0] == pytest.approx(1 - 0.05 + 0.05 / 3)
    assert T[2, 2] == pytest.approx(1 - 0.5 + 0.5 / 3)
    assert T[2, 0] == pytest.approx(0.5 / 3)


@pytest.mark.parametrize("value", [1.0, -0.1, 1.5, float("nan"), "0.1", True])
def test_label_smoothing_outside_range_is_refused(value):
    X, y = make_classification(60, random_state=0)
    with pytest.raises(InvalidParameterError,
                       match=r"label_smoothing must be a number in \[0, 1\)"):
        ImbalancedMLPClassifier(label_smoothing=value, max_epochs=1).fit(X, y)


# ---------------------------------------------------------------------- batch size
def test_suggest_batch_size():
    assert suggest_batch_size([0] * 900 + [1] * 900) == 128
    assert suggest_batch_size([0] * 1600 + [1] * 400) == 32      # 128 / 4
    assert suggest_batch_size([0] * 1600 + [1] * 100) == 8       # 128 / 16
    assert suggest_batch_size([0] * 1000 + [1] * 30) == 4        # 3.8 -> the floor, 4
    assert suggest_batch_size([0] * 100000 + [1] * 10) == 4      # floor
    assert suggest_batch_size([0] * 60 + [1] * 60) == 8          # 120 rows / 8 steps -> 8
    assert suggest_batch_size([0] * 2 + [1] * 1) == 3            # fewer rows than min_size
    with pytest.raises(InvalidParameterError, match="min_size"):
        suggest_batch_size([0, 1], min_size=64, max_size=8)


# ---------------------------------------------------------------------- augmentation
def test_whole_pixel_shift_is_exact():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    zero = torch.zeros(1, dtype=torch.float64)
    out = affine_images(x, zero + 1, zero - 1, zero, zero + 1, zero)
    expected = torch.zeros(1, 1, 4, 4)
    expected[..., :3, 1:] = x[..., 1:, :3]                        # right 1, up 1
    torch.testing.assert_close(out, expected)


def test_shift_policy_moves_pixels_by_at_most_one():
    X = torch.zeros(200, 1, 8, 8)
    X[:, 0, 4, 4] = 1.0
    out = make_policy("shift", 1.0, images=True).transform(X, torch.zeros(200), torch.Generator()
                                                          .manual_seed(0))
    pos = out.reshape(200, -1).argmax(dim=1)
    rows, cols = pos // 8, pos % 8
    assert out.reshape(200, -1).max(dim=1).values.eq(1.0).all()  # the pixel survives whole
    assert (rows - 4).abs().max() == 1 and (cols - 4).abs().max() == 1
    assert len(set(zip(rows.tolist(), cols.tolist(), strict=True))) == 9   # all 9 offsets


def test_mixup_stays_within_each_class():
    gen = torch.Generator().manual_seed(0)
    X = torch.cat([torch.rand(30, 4), 10 + torch.rand(10, 4)])
    y = torch.tensor([0] * 30 + [1] * 10)
    out = make_policy("mixup", 1.0).transform(X, y, gen)
    assert out[:30].min() >= 0 and out[:30].max() <= 1
    assert out[30:].min() >= 10 and out[30:].max() <= 11
    assert not torch.equal(out, X)


def test_generator_policy_adds_the_gap_each_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(70, 3))
    y = np.array([0] * 50 + [1] * 12 + [2] * 8)
    policy = GeneratorPolicy("smote", strength=0.5)
    policy.prepare(X, y, random_state=0)
    Xa, ya = policy.extra_rows(np.random.default_rng(1))
    assert np.bincount(ya).tolist() == [0, 19, 21]                 # half of 38 and of 42
    Xb, _ = policy.extra_rows(np.random.default_rng(2))
    assert not np.array_equal(Xa, Xb)                              # fresh rows per epoch
    minority = X[y == 2]
    assert (Xa[ya == 2] >= minority.min(axis=0) - 1e-12).all()     # SMOTE: inside the box
    assert (Xa[ya == 2] <= minority.max(axis=0) + 1e-12).all()


def test_image_policy_refused_for_the_mlp():
    with pytest.raises(InvalidParameterError, match="ImbalancedCNNClassifier"):
        make_policy("shift_rotate", images=False)


# ---------------------------------------------------------------------- classifiers
@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(600, n_features=6, n_informative=4, weights=[0.9],
                               class_sep=1.5, random_state=0)


def test_mlp_learns_and_is_deterministic(imbalanced):
    X, y = imbalanced
    a = ImbalancedMLPClassifier(max_epochs=30, random_state=5).fit(X[:400], y[:400])
    b = ImbalancedMLPClassifier(max_epochs=30, random_state=5).fit(X[:400], y[:400])
    c = ImbalancedMLPClassifier(max_epochs=30, random_state=6).fit(X[:400], y[:400])
    P = a.predict_proba(X[400:])
    np.testing.assert_array_equal(P, b.predict_proba(X[400:]))
    assert not np.array_equal(P, c.predict_proba(X[400:]))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert balanced_accuracy(y[400:], a.predict(X[400:])) > 0.8
    assert a.n_epochs_ == 30 and len(a.history_) == 30
    assert a.batch_size_ == suggest_batch_size(y[:400])


def test_mlp_string_labels_and_three_classes():
    X, y = make_classification(450, n_features=6, n_informative=4, n_classes=3,
                               weights=[0.7, 0.2, 0.1], random_state=2)
    labels = np.array(["ant", "bee", "cat"])[y]
    clf = ImbalancedMLPClassifier(max_epochs=15, sam_mode="per_class_radius",
                                  label_smoothing=0.05, class_weight="balanced",
                                  random_state=0).fit(X, labels)
    assert clf.classes_.tolist() == ["ant", "bee", "cat"]
    assert set(clf.predict(X)) <= {"ant", "bee", "cat"}
    counts = np.bincount(y)
    np.testing.assert_allclose(clf.class_weight_, len(y) / (3 * counts))
    assert clf.smoothing_[0] == pytest.approx(0.05)
    assert clf.smoothing_[2] > clf.smoothing_[1] > clf.smoothing_[0]


def test_early_stopping_keeps_the_best_epoch(imbalanced):
    X, y = imbalanced
    clf = ImbalancedMLPClassifier(max_epochs=60, early_stopping=True, patience=5,
                                  learning_rate=0.2, random_state=0).fit(X, y)
    val = [r["val_loss"] for r in clf.history_]
    assert clf.best_epoch_ == int(np.argmin(val))
    assert clf.n_epochs_ <= clf.best_epoch_ + 1 + 5 or clf.n_epochs_ == 60


def test_batch_size_larger_than_the_data():
    X, y = make_classification(50, random_state=0)
    with pytest.raises(InvalidParameterError, match="batch_size=64 is larger than the 50"):
        ImbalancedMLPClassifier(batch_size=64, max_epochs=1).fit(X, y)


def test_early_stopping_needs_two_rows_per_class():
    X = np.random.default_rng(0).normal(size=(21, 2))
    y = np.array([0] * 20 + [1])
    with pytest.raises(NotEnoughSamplesError, match="class 1 has 1 row"):
        ImbalancedMLPClassifier(early_stopping=True, max_epochs=1).fit(X, y)


def test_cnn_accepts_flat_and_image_shaped_input():
    X, y = load_digits(return_X_y=True)
    X = X[:300] / 16
    y = y[:300]
    flat = ImbalancedCNNClassifier(max_epochs=3, random_state=0).fit(X, y)
    square = ImbalancedCNNClassifier(max_epochs=3, random_state=0).fit(X.reshape(-1, 8, 8), y)
    np.testing.assert_array_equal(flat.predict_proba(X),
                                  square.predict_proba(X.reshape(-1, 1, 8, 8)))


@pytest.mark.parametrize("shape", [(40, 63), (40, 7, 9), (40, 3, 8, 8)])
def test_cnn_wrong_image_shape_names_the_expected_one(shape):
    X = np.zeros(shape)
    y = np.arange(40) % 2
    with pytest.raises(InvalidInputError, match=r"\(C, H, W\) = \(1, 8, 8\)"):
        ImbalancedCNNClassifier(max_epochs=1).fit(X, y)


def test_generator_policy_on_tiny_classes_and_the_users_policy_left_alone():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(104, 3))
    y = np.array([0] * 100 + [1] * 3 + [2])
    policy = GeneratorPolicy("smote")
    clf = ImbalancedMLPClassifier(hidden_layer_sizes=(8,), augmentation=policy,
                                  max_epochs=2, random_state=0).fit(X, y)
    assert not hasattr(policy, "fitted_")                       # the parameter is not fitted
    gens = {code: gen for code, _, gen in clf.augmentation_.fitted_}
    assert gens[1].k_neighbors == 2                             # 3 rows: at most 2 neighbours
    assert type(gens[2]).__name__ == "RandomGenerator"          # 1 row: copied
    extra_X, extra_y = clf.augmentation_.extra_rows(np.random.default_rng(0))
    np.testing.assert_allclose(extra_X[extra_y == 2],
                               np.repeat(((X - clf.mean_) / clf.scale_)[y == 2], 99, axis=0))


def _signed_boundary_distance(clf, X, y, minority=1, steps=160):
    """Mean signed distance from the minority training points to the decision boundary,
    on a grid: positive when a point lies on the minority side."""
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    grid = np.c_[g0.ravel(), g1.ravel()]
    side = clf.predict(grid) == minority
    out = []
    for point, own in zip(X[y == minority], clf.predict(X[y == minority]) == minority,
                          strict=True):
        other = grid[side != own]
        d = np.sqrt(((other - point) ** 2).sum(axis=1)).min() if len(other) else 0.0
        out.append(d if own else -d)
    return float(np.mean(out))


@pytest.mark.slow
def test_sam_a_moves_the_boundary_away_from_the_minority():
    """Two moons, 1000 majority against 20 minority points, full-batch training: SAM-A's
    boundary keeps further from the minority training points than plain SGD's (the
    behaviour the paper shows on a 2-D toy; experiment C of docs/imbalanced_nn.md)."""
    from sklearn.datasets import make_moons

    gains = []
    for seed in range(3):
        X, y = make_moons(2000, noise=0.2, random_state=seed)
        rng = np.random.default_rng(seed)
        keep = np.r_[rng.choice(np.flatnonzero(y == 0), 1000, replace=False),
                     rng.choice(np.flatnonzero(y == 1), 20, replace=False)]
        X, y = X[keep], y[keep]
        dist = {}
        for sam in ("none", "sam-a"):
            clf = ImbalancedMLPClassifier(hidden_layer_sizes=(64, 64), sam=sam, rho=0.05,
                                          batch_size=len(y), max_epochs=500,
                                          learning_rate=0.1, random_state=seed).fit(X, y)
            dist[sam] = _signed_boundary_distance(clf, X, y)
        gains.append(dist["sam-a"] - dist["none"])
    assert np.mean(gains) > 0.03 and sum(g > 0 for g in gains) >= 2, gains
