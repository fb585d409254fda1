"""The data-generating processes of the VTSS simulations (experiments E1-E7 of docs/vtss.md).

Each ``make_*`` function draws one training set (class 0 = majority, class 1 = minority), a
large *balanced* test set, and returns them in a :class:`Simulation` together with what an
experiment needs beyond the data:

* ``theta_star``: the population optimum of the balanced risk, where it is known in closed
  form (``loss`` names the loss and label coding it refers to), else ``None``;
* ``minority_law`` / ``majority_law``: callables ``law(n, rng) -> ndarray (n, d)`` drawing
  fresh rows of each class, for the oracle generator
  (:class:`synthaug.generators.OracleGenerator`) and for Monte Carlo risks;
* ``noise_law``: ``law(n, rng)`` drawing the minority row minus the minority's population
  mean, for the semi-oracle generator (:class:`synthaug.generators.SemiOracleGenerator`),
  where that mean is known;
* ``params``: the design's constants and derived population quantities (``g_phi`` etc.).

The laws are small frozen dataclasses rather than closures, so that generators holding them
can be cloned and pickled.

Seeding. All randomness comes from ``random_state`` through one
:class:`numpy.random.SeedSequence`, split into independent streams for the training
majority, training minority, test majority and test minority rows. So a given seed always
gives the same data, the test set does not change when the training sizes do, and the
majority rows do not change when ``n1`` does. Rows are ordered majority first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_number
from synthaug.exceptions import InvalidInputError, InvalidParameterError

__all__ = [
    "CentredLaw",
    "CurvedHeavyTailLaw",
    "GaussianMixtureLaw",
    "NoiseLaw",
    "RingLaw",
    "ShiftedLaw",
    "Simulation",
    "SymmetricLogisticLaw",
    "TiltedMixtureLaw",
    "make_aligned_2d",
    "make_heavy_tailed",
    "make_linear_mixture",
    "make_mean_shift",
    "make_ring",
    "make_symmetric_logistic",
    "make_symmetry_null",
    "make_symmetry_test",
    "symmetry_g_phi",
    "symmetry_location",
]

Law = Callable[[int, np.random.Generator], np.ndarray]

_SQRT3 = math.sqrt(3.0)


# ---------------------------------------------------------------------------- result type
@dataclass(frozen=True, eq=False)
class Simulation:
    """One draw of a simulation design.

    Attributes
    ----------
    X_train, y_train : ndarray
        Training rows (majority first) and 0/1 labels, 1 = minority.
    X_test, y_test : ndarray
        A balanced test set, ``n_test`` rows of each class (majority first).
    minority_law, majority_law : callable ``(n, rng) -> ndarray of shape (n, d)``
        Fresh draws from each class's true distribution.
    theta_star : ndarray or None
        Population minimiser of the balanced risk under ``loss``; ``None`` where no closed
        form is known.
    noise_law : callable or None
        Draws of ``X - E[X]`` for a minority row ``X`` (the semi-oracle's noise); ``None``
        where the minority mean has no closed form.
    loss : str or None
        The loss ``theta_star`` refers to: ``"squared"`` (no intercept, 0/1 targets),
        ``"squared_pm1"`` (no intercept, targets ``2y - 1``), ``"centred_squared"`` (no
        intercept, targets ``y - 1/2``), ``"logistic_no_intercept"`` or ``"logistic"``
        (with intercept).
    params : mapping
        The design's constants and derived population quantities.
    description : str
        One line naming the experiment and its sizes.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    minority_law: Law
    majority_law: Law
    theta_star: np.ndarray | None = None
    noise_law: Law | None = None
    loss: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def n0(self) -> int:
        """Number of majority training rows."""
        return int(np.sum(self.y_train == 0))

    @property
    def n1(self) -> int:
        """Number of minority training rows."""
        return int(np.sum(self.y_train == 1))

    @property
    def gap(self) -> int:
        """``D = n0 - n1``, the synthetic size of full balancing."""
        return self.n0 - self.n1


# ---------------------------------------------------------------------------- laws
def _as_tuple(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(values, dtype=float).ravel())


@dataclass(frozen=True, eq=False)
class NoiseLaw:
    """Centred noise with identity covariance (before the optional per-coordinate ``scale``).

    kind : {"gaussian", "cube", "rademacher", "sphere"}
        ``N(0, I)``; uniform on ``[-sqrt 3, sqrt 3]^d``; independent signs ``+-1``; uniform
        on the sphere of radius ``sqrt d``. All four have mean 0, covariance ``I`` and are
        symmetric (experiment E1).
    d : int
        Dimension.
    scale : tuple of float, optional
        Per-coordinate multipliers (E7's majority uses ``(2, 1, ..., 1)``).
    """

    kind: str
    d: int
    scale: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("gaussian", "cube", "rademacher", "sphere"):
            raise InvalidParameterError(
                f"noise must be 'gaussian', 'cube', 'rademacher' or 'sphere', got "
                f"{self.kind!r}.")
        if self.scale is not None and len(self.scale) != self.d:
            raise InvalidParameterError(
                f"scale has {len(self.scale)} entries for d={self.d}.")

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        shape = (n, self.d)
        if self.kind == "gaussian":
            out = rng.standard_normal(shape)
        elif self.kind == "cube":
            out = rng.uniform(-_SQRT3, _SQRT3, shape)
        elif self.kind == "rademacher":
            out = 2.0 * rng.integers(0, 2, shape).astype(np.float64) - 1.0
        else:
            out = rng.standard_normal(shape)
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out *= math.sqrt(self.d) / np.maximum(norms, np.finfo(float).tiny)
        if self.scale is not None:
            out *= np.asarray(self.scale)
        return out


@dataclass(frozen=True, eq=False)
class ShiftedLaw:
    """``mean + noise``: a location family around a noise law."""

    mean: tuple[float, ...]
    noise: Law

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        out = self.noise(n, rng)
        out += np.asarray(self.mean)
        return out


@dataclass(frozen=True, eq=False)
class CentredLaw:
    """``law - mean``: a law with its (known) population mean removed."""

    law: Law
    mean: tuple[float, ...]

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        out = self.law(n, rng)
        out -= np.asarray(self.mean)
        return out


@dataclass(frozen=True, eq=False)
class GaussianMixtureLaw:
    """A mixture of ``N(means[k], I)``, component ``k`` chosen with probability
    ``weights[k]`` (equal weights by default)."""

    means: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...] | None = None

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        means = np.asarray(self.means, dtype=float)
        p = None if self.weights is None else np.asarray(self.weights, dtype=float)
        k = rng.choice(means.shape[0], size=n, p=p)
        out = rng.standard_normal((n, means.shape[1]))
        out += means[k]
        return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _symmetric_alpha(a: float, b: float, c: float) -> float:
    """The E1b mixing weight ``P(T = -a)`` that makes both class gradients vanish at
    ``theta = c e1``: ``b v(cb) / (a v(ca) + b v(cb))`` with ``v(z) = s(z)(1 - s(z))``."""
    va = _sigmoid(c * a) * (1.0 - _sigmoid(c * a))
    vb = _sigmoid(c * b) * (1.0 - _sigmoid(c * b))
    return b * vb / (a * va + b * vb)


@dataclass(frozen=True, eq=False)
class SymmetricLogisticLaw:
    """E1b's covariates ``X = T e1 + W``, for one class or for the whole population.

    ``T`` is ``-a`` with probability ``alpha`` and ``b`` otherwise; ``P(Y = +1 | x) =
    sigmoid(c x1)``. ``W`` is 0 in coordinate 1 and standard normal in the others, with the
    first ``n_shifted`` of those moved by ``shift * S`` for one random sign ``S`` per row
    (shared by the shifted coordinates), so ``E[W] = 0`` and ``W`` is independent of
    ``(T, Y)``.

    label : {1, 0, None}
        1: the law of ``X`` given ``Y = +1`` (the minority); 0: given ``Y = -1``; None: the
        marginal of ``X``. Conditioning only reweights ``T``, so each is sampled exactly.
    """

    label: int | None
    d: int = 20
    a: float = 5.0
    b: float = 1.0
    c: float = 1.0
    alpha: float = 0.0
    n_shifted: int = 3
    shift: float = 2.5

    @property
    def prob_minus(self) -> float:
        """``P(T = -a)`` under this law."""
        al, a, b, c = self.alpha, self.a, self.b, self.c
        if self.label is None:
            return al
        if self.label == 1:
            wm, wp = al * _sigmoid(-c * a), (1.0 - al) * _sigmoid(c * b)
        else:
            wm, wp = al * (1.0 - _sigmoid(-c * a)), (1.0 - al) * (1.0 - _sigmoid(c * b))
        return wm / (wm + wp)

    @property
    def mean(self) -> np.ndarray:
        """The population mean, ``E[T] e1``."""
        p = self.prob_minus
        out = np.zeros(self.d)
        out[0] = -self.a * p + self.b * (1.0 - p)
        return out

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        minus = rng.random(n) < self.prob_minus
        out = np.empty((n, self.d))
        out[:, 0] = np.where(minus, -self.a, self.b)
        out[:, 1:] = rng.standard_normal((n, self.d - 1))
        k = min(self.n_shifted, self.d - 1)
        if k > 0:
            signs = 2.0 * rng.integers(0, 2, n) - 1.0
            out[:, 1:1 + k] += self.shift * signs[:, None]
        return out


@dataclass(frozen=True, eq=False)
class RingLaw:
    """E5's minority: a noisy ring in coordinates 1-2, small noise in the others.

    The angle is uniform on ``[0, 2 pi)``, the radius ``radius + radial_sd * N(0, 1)``; the
    point ``centre + r (cos, sin)`` gets ``N(0, noise_sd^2 I_2)`` added; the other
    coordinates are ``N(0, other_sd^2)``. The population mean is ``(centre, 0, ..., 0)``.
    """

    d: int = 5
    centre: tuple[float, float] = (4.8, 0.0)
    radius: float = 2.2
    radial_sd: float = 0.12
    noise_sd: float = 0.08
    other_sd: float = 0.08

    @property
    def mean(self) -> np.ndarray:
        out = np.zeros(self.d)
        out[:2] = self.centre
        return out

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        angle = rng.uniform(0.0, 2.0 * math.pi, n)
        r = self.radius + self.radial_sd * rng.standard_normal(n)
        out = np.empty((n, self.d))
        out[:, 0] = self.centre[0] + r * np.cos(angle)
        out[:, 1] = self.centre[1] + r * np.sin(angle)
        out[:, :2] += self.noise_sd * rng.standard_normal((n, 2))
        out[:, 2:] = self.other_sd * rng.standard_normal((n, self.d - 2))
        return out


@dataclass(frozen=True, eq=False)
class TiltedMixtureLaw:
    """E5's majority: ``(x1, x2)`` standard normal with correlation ``rho``; a fraction
    ``mix_weight`` of rows has ``x1`` moved by ``mix_shift``; other coordinates ``N(0, 1)``.
    The population mean is ``mix_weight * mix_shift * e1``."""

    d: int = 5
    rho: float = 0.5
    mix_weight: float = 0.3
    mix_shift: float = 1.5

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        out = rng.standard_normal((n, self.d))
        out[:, 1] = self.rho * out[:, 0] + math.sqrt(1.0 - self.rho ** 2) * out[:, 1]
        out[:, 0] += self.mix_shift * (rng.random(n) < self.mix_weight)
        return out


def _logistic(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True, eq=False)
class CurvedHeavyTailLaw:
    """E6's classes in 10 dimensions: 3 Student-t, 3 contaminated Gaussian, 4 lognormal.

    Both classes: coordinates 1-3 are ``t(df)``; 4-6 are ``N(0, 1)`` whose scale is
    ``outlier_scale`` with probability ``outlier_prob`` (per entry); 7-10 are ``exp(L)``
    with ``L ~ N(0, lognormal_sigma^2)``. The minority (``minority=True``) adds small shifts
    (``t_shift``, ``gaussian_shift``, and ``lognormal_shift`` on ``L``) and bends itself
    along a smooth curve driven by ``u = x1``::

        gate     = logistic(2.2 (|u| - 0.65))
        strength = 0.70 + 0.30 logistic(x6)
        bend     = tanh(0.9 u) * gate * strength
        x2 += 1.35 tanh(0.8 u) strength;  x3 += 0.75 tanh(x2 - 0.45 u)
        x4 += 1.45 bend;                  x5 += 0.80 tanh(x2)
        L1 += 0.75 bend;                  L2 += 0.55 tanh(x4)

    (each line uses the values updated by the lines before it). The result is one connected,
    curved, heavy-tailed minority whose tails are sparsely observed at ``n1 = 100``.
    """

    minority: bool
    df: float = 2.2
    t_shift: float = 0.12
    gaussian_shift: float = 0.16
    lognormal_shift: float = 0.10
    lognormal_sigma: float = 1.1
    outlier_prob: float = 0.10
    outlier_scale: float = 6.0

    def __call__(self, n: int, rng: np.random.Generator) -> np.ndarray:
        on = 1.0 if self.minority else 0.0
        xt = rng.standard_t(self.df, (n, 3)) + on * self.t_shift
        scale = np.where(rng.random((n, 3)) < self.outlier_prob, self.outlier_scale, 1.0)
        xg = on * self.gaussian_shift + rng.standard_normal((n, 3)) * scale
        latent = rng.normal(on * self.lognormal_shift, self.lognormal_sigma, (n, 4))
        if self.minority:
            u = xt[:, 0]
            strength = 0.70 + 0.30 * _logistic(xg[:, 2])
            bend = np.tanh(0.9 * u) * _logistic(2.2 * (np.abs(u) - 0.65)) * strength
            xt[:, 1] += 1.35 * np.tanh(0.8 * u) * strength
            xt[:, 2] += 0.75 * np.tanh(xt[:, 1] - 0.45 * u)
            xg[:, 0] += 1.45 * bend
            xg[:, 1] += 0.80 * np.tanh(xt[:, 1])
            latent[:, 0] += 0.75 * bend
            latent[:, 1] += 0.55 * np.tanh(xg[:, 0])
        return np.hstack([xt, xg, np.exp(latent)])


# ---------------------------------------------------------------------------- helpers
def _streams(random_state: Any) -> list[np.random.Generator]:
    """Four independent generators: train majority, train minority, test majority, test
    minority."""
    seq = np.random.SeedSequence(to_entropy(random_state))
    return [np.random.default_rng(s) for s in seq.spawn(4)]


def _stack(X0: np.ndarray, X1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.concatenate([np.zeros(len(X0), dtype=np.int64), np.ones(len(X1), dtype=np.int64)])
    return np.vstack([X0, X1]), y


def _simulate(majority: Law, minority: Law, n0: int, n1: int, n_test: int,
              random_state: Any, **fields: Any) -> Simulation:
    r0, r1, t0, t1 = _streams(random_state)
    X_train, y_train = _stack(majority(n0, r0), minority(n1, r1))
    X_test, y_test = _stack(majority(n_test, t0), minority(n_test, t1))
    return Simulation(X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test,
                      minority_law=minority, majority_law=majority, **fields)


def _e(d: int, j: int = 0) -> np.ndarray:
    out = np.zeros(d)
    out[j] = 1.0
    return out


# ---------------------------------------------------------------------------- E1
def make_mean_shift(noise: str = "cube", *, d: int = 20, n0: int = 2000, n1: int = 100,
                    shift: float = 1.0, n_test: int = 10_000,
                    random_state: Any = None) -> Simulation:
    """E1: a symmetric mean shift, the local-symmetry design for squared loss.

    ``X0 = -mu + xi`` (majority) and ``X1 = mu + xi`` (minority) with ``mu = shift * e1``
    and ``xi`` centred, identity-covariance, symmetric noise. Fitting squared loss without
    intercept to targets ``-1/+1`` gives ``R_bal(theta) = (1 - theta'mu)^2 + |theta|^2``,
    so ``theta* = mu / (1 + |mu|^2)`` and, by symmetry, ``g_phi = 0``: imbalanced ERM
    already targets ``theta*``, and only the oracle generator should help.

    Parameters
    ----------
    noise : {"cube", "rademacher", "sphere", "gaussian"}, default="cube"
        Law of ``xi`` (see :class:`NoiseLaw`); experiment E1 runs the first three.
    d : int, default=20
    n0, n1 : int, default=2000, 100
        Training sizes of the majority and the minority.
    shift : float, default=1.0
        ``|mu|``.
    n_test : int, default=10_000
        Test rows per class (experiment E1 uses none; the risk here is also available in
        closed form).
    random_state : None, int or Generator

    Returns
    -------
    Simulation
        ``theta_star = mu / (1 + |mu|^2)`` with ``loss="squared_pm1"`` (labels are 0/1;
        regress on ``2y - 1``); ``noise_law`` is the law of ``xi``; ``params`` has ``mu``,
        ``noise`` and ``g_phi`` (zero).
    """
    d = check_integer("d", d, 1)
    n0, n1 = check_integer("n0", n0, 0), check_integer("n1", n1, 0)
    n_test = check_integer("n_test", n_test, 0)
    xi = NoiseLaw(noise, d)
    mu = float(shift) * _e(d)
    theta = mu / (1.0 + mu @ mu)
    return _simulate(
        ShiftedLaw(_as_tuple(-mu), xi), ShiftedLaw(_as_tuple(mu), xi), n0, n1, n_test,
        random_state, theta_star=theta, noise_law=xi, loss="squared_pm1",
        params={"mu": mu, "noise": noise, "g_phi": np.zeros(d)},
        description=f"E1 mean shift, {noise} noise, d={d}, n0={n0}, n1={n1}")


# ---------------------------------------------------------------------------- E1b
def make_symmetric_logistic(*, d: int = 20, n_train: int = 5000, a: float = 5.0,
                            b: float = 1.0, c: float = 1.0, alpha: float | None = None,
                            n_shifted: int = 3, shift: float = 2.5, n_test: int = 20_000,
                            random_state: Any = None) -> Simulation:
    """E1b: a logistic model that is locally symmetric by construction.

    ``X = T e1 + W`` with ``T in {-a, b}``, ``P(T = -a) = alpha``, and
    ``P(Y = +1 | x) = sigmoid(c x1)``; ``W`` is described in :class:`SymmetricLogisticLaw`.
    The default ``alpha = b v(cb) / (a v(ca) + b v(cb))``, ``v(z) = s(z)(1 - s(z))``
    (about 0.855), makes ``E[s(c x1)(1 - s(c x1)) x] = 0``, so both class gradients of the
    logistic loss vanish at ``theta = c e1``.

    Unlike the other designs the training set is drawn from the joint law, ``n_train`` rows
    with a random class split (about 11 % positives, the minority, label 1, at the
    defaults); it is redrawn in the rare case that a class has fewer than two rows. The test
    set is drawn class by class.

    Parameters
    ----------
    d : int, default=20
    n_train : int, default=5000
    a, b, c : float, default=5, 1, 1
    alpha : float in (0, 1), optional
        ``P(T = -a)``; the default is the symmetric value above. Another value breaks the
        symmetry (and ``theta_star`` becomes None).
    n_shifted : int, default=3
        Coordinates of ``W`` with mean ``+-shift``.
    shift : float, default=2.5
    n_test : int, default=20_000
        Test rows per class.
    random_state : None, int or Generator

    Returns
    -------
    Simulation
        ``theta_star = c e1`` (``loss="logistic_no_intercept"``): both class gradients
        vanish there and the balanced logistic risk is strictly convex, so it is the exact
        population optimum that the reference code estimates from a 20k + 20k balanced
        fit. ``noise_law`` is the minority law minus its mean; ``params`` has ``alpha`` and
        ``minority_mean``.
    """
    d = check_integer("d", d, 2)
    n_train = check_integer("n_train", n_train, 4)
    n_test = check_integer("n_test", n_test, 0)
    a, b, c = (check_number(name, v, 0, open_low=True)
               for name, v in (("a", a), ("b", b), ("c", c)))
    symmetric = _symmetric_alpha(a, b, c)
    if alpha is None:
        alpha = symmetric
    elif not 0.0 < float(alpha) < 1.0:
        raise InvalidParameterError(f"alpha must lie in (0, 1), got {alpha!r}.")
    alpha = float(alpha)
    kw = {"d": d, "a": a, "b": b, "c": c, "alpha": alpha,
          "n_shifted": check_integer("n_shifted", n_shifted, 0),
          "shift": float(shift)}
    population = SymmetricLogisticLaw(None, **kw)
    minority = SymmetricLogisticLaw(1, **kw)
    majority = SymmetricLogisticLaw(0, **kw)
    r_train, _, t0, t1 = _streams(random_state)
    for _ in range(100):
        X = population(n_train, r_train)
        pos = r_train.random(n_train) < _logistic(c * X[:, 0])
        if 2 <= pos.sum() <= n_train - 2:
            break
    else:  # pragma: no cover - needs an absurd design
        raise InvalidInputError("could not draw two rows of each class; increase n_train.")
    X_train, y_train = _stack(X[~pos], X[pos])
    X_test, y_test = _stack(majority(n_test, t0), minority(n_test, t1))
    mean1 = minority.mean
    theta = c * _e(d) if math.isclose(alpha, symmetric, rel_tol=1e-12) else None
    return Simulation(
        X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test,
        minority_law=minority, majority_law=majority, theta_star=theta,
        noise_law=CentredLaw(minority, _as_tuple(mean1)), loss="logistic_no_intercept",
        params={"alpha": alpha, "a": a, "b": b, "c": c, "minority_mean": mean1},
        description=f"E1b symmetric logistic, d={d}, n_train={n_train} "
                    f"(n1={int(pos.sum())})")


# ---------------------------------------------------------------------------- E2 / E3
def make_aligned_2d(kind: str = "biased", *, n1: int = 100, ratio: float = 20,
                    mu: Any = (1.0, 0.0), n_test: int = 5000,
                    random_state: Any = None) -> Simulation:
    """E2 / E3: the worked 2-D example, with a mean-shifted ("aligned") Gaussian generator.

    Majority ``N(0, I)``, minority ``N(mu, I)``; squared loss without intercept on 0/1
    targets, so ``R_bal(theta) = |theta|^2 + (theta'mu - 1)^2 / 2`` (for identity class
    covariances) and ``theta* = mu / (|mu|^2 + 2)``, ``(1/3, 0)`` at the default ``mu``.
    The data are the same for both experiments; they differ in the generator
    ``N(nu, I)`` (:class:`synthaug.generators.ShiftedGaussianGenerator`):

    * ``"biased"`` (E2): ``nu = mu / 2``, i.e. ``(0.5, 0)``; the bias-cancelling size is
      ``4D``;
    * ``"realistic"`` (E3): ``nu = (1 - 1 / sqrt(log n1)) mu``, a bias that vanishes slowly.

    Parameters
    ----------
    kind : {"biased", "realistic"}, default="biased"
    n1 : int, default=100
        Minority training size (``>= 2``); the experiments' grids are 6..3200 (E2) and
        10..500 (E3).
    ratio : float, default=20
        ``n0 = round(ratio * n1)``.
    mu : array-like, default=(1, 0)
        Minority mean; its length sets the dimension.
    n_test : int, default=5000
        Test rows per class.
    random_state : None, int or Generator

    Returns
    -------
    Simulation
        ``theta_star = mu / (|mu|^2 + 2)`` (``loss="squared"``); ``noise_law`` is
        ``N(0, I)``; ``params`` has ``mu``, ``generator_mean`` (``nu``), ``g_phi =
        2 (1 - mu'theta*) mu`` and ``g_psi = 2 [(nu nu' - mu mu') theta* - (nu - mu)]``,
        ((4/3, 0) and (0.5, 0) for E2).
    """
    if kind not in ("biased", "realistic"):
        raise InvalidParameterError(f"kind must be 'biased' or 'realistic', got {kind!r}.")
    n1 = check_integer("n1", n1, 2)
    n0 = round(check_number("ratio", ratio, 0, open_low=True) * n1)
    n_test = check_integer("n_test", n_test, 0)
    mu_arr = np.asarray(mu, dtype=float).ravel()
    d = mu_arr.size
    if d == 0:
        raise InvalidParameterError("mu must have at least one coordinate.")
    theta = mu_arr / (mu_arr @ mu_arr + 2.0)
    if kind == "biased":
        nu = 0.5 * mu_arr
    else:
        nu = (1.0 - 1.0 / math.sqrt(math.log(n1))) * mu_arr
    g_phi = 2.0 * (1.0 - mu_arr @ theta) * mu_arr
    g_psi = 2.0 * ((np.outer(nu, nu) - np.outer(mu_arr, mu_arr)) @ theta - (nu - mu_arr))
    xi = NoiseLaw("gaussian", d)
    experiment = "E2" if kind == "biased" else "E3"
    return _simulate(
        ShiftedLaw((0.0,) * d, xi), ShiftedLaw(_as_tuple(mu_arr), xi), n0, n1, n_test,
        random_state, theta_star=theta, noise_law=xi, loss="squared",
        params={"mu": mu_arr, "generator_mean": nu, "g_phi": g_phi, "g_psi": g_psi,
                "kind": kind},
        description=f"{experiment} aligned 2-D ({kind} generator), n0={n0}, n1={n1}")


# ---------------------------------------------------------------------------- E4
def make_linear_mixture(*, d: int = 5, n0: int = 4000, n1: int = 200, shift: float = 2.0,
                        separation: float = 3.5, n_test: int = 10_000,
                        random_state: Any = None) -> Simulation:
    """E4: the end-to-end linear design (logistic regression with SMOTE).

    Majority ``N(0, I_d)``; minority an equal mixture of ``N(shift e1 + (separation/2) e2,
    I)`` and ``N(shift e1 - (separation/2) e2, I)``. The minority's bimodality is what
    SMOTE's interpolation smooths over.

    Parameters
    ----------
    d : int, default=5
        ``>= 2``.
    n0, n1 : int, default=4000, 200
    shift : float, default=2.0
        ``delta``, the distance of the minority centre from the origin along ``e1``.
    separation : float, default=3.5
        Distance between the two minority components (along ``e2``).
    n_test : int, default=10_000
    random_state : None, int or Generator

    Returns
    -------
    Simulation
        ``theta_star`` is None (logistic loss with intercept has no closed form here);
        ``noise_law`` is the minority law minus its mean ``shift e1``.
    """
    d = check_integer("d", d, 2)
    n0, n1 = check_integer("n0", n0, 0), check_integer("n1", n1, 0)
    n_test = check_integer("n_test", n_test, 0)
    centre = float(shift) * _e(d)
    half = 0.5 * float(separation) * _e(d, 1)
    minority = GaussianMixtureLaw((_as_tuple(centre + half), _as_tuple(centre - half)))
    noise = GaussianMixtureLaw((_as_tuple(half), _as_tuple(-half)))
    return _simulate(
        ShiftedLaw((0.0,) * d, NoiseLaw("gaussian", d)), minority, n0, n1, n_test,
        random_state, noise_law=noise, loss="logistic",
        params={"minority_mean": centre, "shift": float(shift),
                "separation": float(separation)},
        description=f"E4 linear, minority mixture, d={d}, n0={n0}, n1={n1}")


# ---------------------------------------------------------------------------- E5
def make_ring(*, d: int = 5, n0: int = 4000, n1: int = 200, n_test: int = 10_000,
              random_state: Any = None, centre: tuple[float, float] = (4.8, 0.0),
              radius: float = 2.2, radial_sd: float = 0.12, noise_sd: float = 0.08,
              other_sd: float = 0.08, rho: float = 0.5, mix_weight: float = 0.3,
              mix_shift: float = 1.5) -> Simulation:
    """E5: the end-to-end nonlinear design (random Fourier features, jitter generator).

    Majority: :class:`TiltedMixtureLaw` (correlated first two coordinates, a 30 % component
    moved along ``x1``). Minority: :class:`RingLaw`, a thin noisy ring in ``(x1, x2)`` that a
    linear model cannot separate and an isotropic jitter of SD 1 smears out.

    Parameters
    ----------
    d : int, default=5
        ``>= 2``.
    n0, n1 : int, default=4000, 200
    n_test : int, default=10_000
    random_state : None, int or Generator
    centre, radius, radial_sd, noise_sd, other_sd : ring parameters (defaults as in E5)
    rho, mix_weight, mix_shift : majority parameters (defaults as in E5)

    Returns
    -------
    Simulation
        ``theta_star`` None; ``noise_law`` is the ring minus its centre.
    """
    d = check_integer("d", d, 2)
    n0, n1 = check_integer("n0", n0, 0), check_integer("n1", n1, 0)
    n_test = check_integer("n_test", n_test, 0)
    ring = RingLaw(d, (float(centre[0]), float(centre[1])), float(radius), float(radial_sd),
                   float(noise_sd), float(other_sd))
    majority = TiltedMixtureLaw(d, float(rho), float(mix_weight), float(mix_shift))
    return _simulate(
        majority, ring, n0, n1, n_test, random_state,
        noise_law=CentredLaw(ring, _as_tuple(ring.mean)), loss="logistic",
        params={"minority_mean": ring.mean},
        description=f"E5 nonlinear ring, d={d}, n0={n0}, n1={n1}")


# ---------------------------------------------------------------------------- E6
def make_heavy_tailed(*, n0: int = 800, n1: int = 100, n_test: int = 5000,
                      random_state: Any = None, df: float = 2.2,
                      outlier_prob: float = 0.10, outlier_scale: float = 6.0,
                      lognormal_sigma: float = 1.1) -> Simulation:
    """E6: heavy-tailed mixed marginals with a curved minority (the MLP study).

    Ten features (3 Student-t with ``df`` degrees of freedom, 3 Gaussian with outliers, 4
    lognormal); small class shifts 0.12 / 0.16 / 0.10; the minority bends along a smooth
    curve (:class:`CurvedHeavyTailLaw`). Remedies that only reweight the observed minority
    cannot fill its sparsely observed tails; local generators can.

    Parameters
    ----------
    n0, n1 : int, default=800, 100
    n_test : int, default=5000
    random_state : None, int or Generator
    df, outlier_prob, outlier_scale, lognormal_sigma : marginal parameters (defaults as in E6)

    Returns
    -------
    Simulation
        ``theta_star`` and ``noise_law`` are None (no closed form).
    """
    n0, n1 = check_integer("n0", n0, 0), check_integer("n1", n1, 0)
    n_test = check_integer("n_test", n_test, 0)
    kw = {"df": check_number("df", df, 0, open_low=True),
          "outlier_prob": float(outlier_prob),
          "outlier_scale": float(outlier_scale),
          "lognormal_sigma": check_number("lognormal_sigma", lognormal_sigma, 0,
                                          open_low=True)}
    return _simulate(
        CurvedHeavyTailLaw(False, **kw), CurvedHeavyTailLaw(True, **kw), n0, n1, n_test,
        random_state, loss="logistic", params=dict(kw),
        description=f"E6 heavy-tailed, curved minority, d=10, n0={n0}, n1={n1}")


# ---------------------------------------------------------------------------- E7
def symmetry_g_phi(b: float) -> float:
    """First coordinate of E7's ``g_phi`` at minority location ``b``:
    ``2 (5b - 1 - b^2) / (6 + b^2)`` (centred squared loss; the others are 0)."""
    return 2.0 * (5.0 * b - 1.0 - b * b) / (6.0 + b * b)


def symmetry_location(g_phi: float) -> float:
    """The minority location ``b`` at which E7's ``g_phi`` has first coordinate ``g_phi``.

    Solves ``(2 + g) b^2 - 10 b + (2 + 6 g) = 0`` on the branch through the null
    ``b0 = (5 - sqrt 21) / 2`` (``g = 0``), on which ``symmetry_g_phi`` increases. Defined
    for ``g`` in ``[(-14 - sqrt 700) / 12, (-14 + sqrt 700) / 12]``, about
    ``[-3.37, 1.04]`` (where the discriminant is non-negative).
    """
    g = float(g_phi)
    disc = 100.0 - 4.0 * (2.0 + g) * (2.0 + 6.0 * g)
    if not disc >= 0.0:
        raise InvalidParameterError(
            f"no E7 location gives g_phi={g!r}; the attainable range is about "
            "[-3.37, 1.04].")
    # (10 - sqrt(disc)) / (2 (2 + g)), written without cancellation.
    return 2.0 * (2.0 + 6.0 * g) / (10.0 + math.sqrt(disc))


def make_symmetry_test(*, d: int = 5, n1: int = 500, ratio: float = 20, h: float = 0.0,
                       b: float | None = None, n_test: int = 10_000,
                       random_state: Any = None) -> Simulation:
    """E7: the calibration design of the local-symmetry Wald test, null or local alternative.

    ``X0 = -e1 + U * (2, 1, ..., 1)`` and ``X1 = b e1 + U`` with ``U`` uniform on
    ``[-sqrt 3, sqrt 3]^d``; centred squared loss (targets ``y - 1/2``). Then ``g_phi =
    symmetry_g_phi(b) e1``, which is zero at ``b0 = (5 - sqrt 21) / 2`` (the exact null).
    The local alternative ``h`` sets ``g_phi = h / sqrt(n_eff) e1`` with ``n_eff = n0 n1 /
    (n0 + n1)``, by moving ``b`` (:func:`symmetry_location`).

    Parameters
    ----------
    d : int, default=5
        Experiment E7's null grid uses 2, 5, 10.
    n1 : int, default=500
        Experiment E7's grid: 50, 250, 500.
    ratio : float, default=20
        ``kappa = n0 / n1`` (5 or 20 in experiment E7).
    h : float, default=0.0
        Local-alternative index (experiment E7's power curve uses -4..4 at ``d = 5``).
    b : float, optional
        Set the minority location directly (overrides ``h``).
    n_test : int, default=10_000
        Test rows per class (experiment E7 uses none; pass 0 to skip them in large Monte
        Carlo runs).
    random_state : None, int or Generator

    Returns
    -------
    Simulation
        ``theta_star = (1 + b) / (2 (6 + b^2)) e1`` (``loss="centred_squared"``);
        ``noise_law`` is the uniform-cube law of ``U``; ``params`` has ``b``, ``h``,
        ``n_eff`` and ``g_phi``.
    """
    d = check_integer("d", d, 1)
    n1 = check_integer("n1", n1, 1)
    n0 = round(check_number("ratio", ratio, 0, open_low=True) * n1)
    n_test = check_integer("n_test", n_test, 0)
    n_eff = n0 * n1 / (n0 + n1)
    if b is None:
        b = symmetry_location(float(h) / math.sqrt(n_eff))
    else:
        b = float(b)
    g = symmetry_g_phi(b)
    if abs(g) < 1e-12:  # the null, up to rounding
        g = 0.0
    h = g * math.sqrt(n_eff)
    u = NoiseLaw("cube", d)
    majority_scale = np.ones(d)
    majority_scale[0] = 2.0
    majority = ShiftedLaw(_as_tuple(-_e(d)), NoiseLaw("cube", d, _as_tuple(majority_scale)))
    minority = ShiftedLaw(_as_tuple(b * _e(d)), u)
    theta = (1.0 + b) / (2.0 * (6.0 + b * b)) * _e(d)
    return _simulate(
        majority, minority, n0, n1, n_test, random_state, theta_star=theta, noise_law=u,
        loss="centred_squared",
        params={"b": b, "h": h, "n_eff": n_eff, "g_phi": g * _e(d)},
        description=f"E7 symmetry test, d={d}, n0={n0}, n1={n1}, h={h:.6g}")


def make_symmetry_null(*, d: int = 5, n1: int = 500, ratio: float = 20,
                       n_test: int = 10_000, random_state: Any = None) -> Simulation:
    """E7 under the exact null ``b = b0 = (5 - sqrt 21) / 2`` (``g_phi = 0``); see
    :func:`make_symmetry_test`."""
    return make_symmetry_test(d=d, n1=n1, ratio=ratio, b=(5.0 - math.sqrt(21.0)) / 2.0,
                              n_test=n_test, random_state=random_state)
