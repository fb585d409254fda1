"""Average treatment effect with a small arm: the small arm's outcome regression fitted on
real plus synthetic units, with the synthetic units' loss bias estimated on the large arm.

An extension of the bias-corrected training in
:class:`~synthaug.correction.BiasCorrectedClassifier` to causal inference. "Bias-Corrected
Data Synthesis for Imbalanced Learning" (Lyu, Ma, L. Zhang, A. R. Zhang; arXiv 2510.26046)
mentions average-treatment-effect estimation as an application; how it is done here is
this library's reconstruction (see ``docs/bias_correction.md``).

Write ``s`` for the augmented arm (by default the one with fewer units, ``n_s`` of them) and
``l`` for the other (``n_l`` units). A unit is the pair ``(x, y)`` of covariates and outcome.

1. **Synthetic units.** The generator is fitted on the joint rows ``[x, y]`` of both arms
   with the arm as the class label and ``s`` as its target, and draws ``n_tilde = n_l - n_s``
   pairs ``(x~, y~)``: SMOTE, for one, interpolates covariates and outcome together, so a
   synthetic unit carries the outcome of the segment it lies on.
2. **Augmented regression.** ``mu_s`` is the linear model minimising the mean loss over the
   ``N = n_s + n_tilde`` real and synthetic units of arm ``s``.
3. **Bias estimate.** ``R`` times, a pseudo-small arm ``A_r`` of ``n_s`` units of arm ``l``
   plays the role of ``s`` (the rest, ``B_r``, that of ``l``); the generator refitted on it
   draws ``n_tilde`` pairs ``S_r``, and
   ``B_hat(theta) = mean_r [mean_{S_r} f_theta - mean_{B_r} f_theta]`` with ``f_theta`` the
   loss of a pair. The transfer moves the pairs before evaluating them, as the classifier
   does (:mod:`synthaug.correction.transfer`), with the outcome moved along with ``x`` for the
   squared loss: ``"recentre_sep"`` moves ``S_r`` by ``mean_s - mean(A_r)`` and ``B_r`` by
   ``mean_s - mean(B_r)``, means taken over ``[x, y]``.
4. **Corrected fit.** ``mu_s`` minimises ``L_aug - scale * B_hat`` (``scale = n_tilde / N``)
   under the classifier's convexity guard (the scale is halved while the smallest Hessian
   eigenvalue is below ``margin`` times the uncorrected one's). ``mu_l`` is the plain
   regression on arm ``l``.

The ATE is the plug-in ``mean_i mu_1(x_i) - mu_0(x_i)`` over all units, or the augmented
inverse-propensity-weighted (AIPW) estimate, which adds the propensity-weighted residuals
of the real units.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import clone

from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_matrix, check_number
from synthaug.correction.objective import (
    CorrectedObjective,
    PointSet,
    guarded_minimise,
    minimise,
    smallest_eigenvalue,
)
from synthaug.correction.transfer import check_transfer
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    SynthaugWarning,
)
from synthaug.generators.protocol import as_encoded
from synthaug.limits import check_memory

__all__ = ["ATEResult", "bias_corrected_ate"]

_METHODS = ("aipw", "plugin")
_AUGMENT = ("small", "treated", "control", "none")
_OUTCOME_LOSSES = ("squared", "logistic")
_SE = ("auto", "influence", "bootstrap", "none")
#: Halvings of the correction scale the guard tries before it falls back to no correction.
#: 97.5% standard normal quantile, for the 95% interval.
_Z975 = 1.959963984540054


@dataclass
class ATEResult:
    """An average-treatment-effect estimate.

    Attributes
    ----------
    ate : float
        The estimate.
    se : float
        Its standard error (NaN when ``se="none"``).
    ci : tuple of float
        95% interval: ``ate +- 1.96 se`` (influence function) or the bootstrap percentile
        interval.
    method : str
        ``"aipw"`` or ``"plugin"``.
    mu1_coef, mu0_coef : ndarray of shape (n_features + 1,)
        Outcome models of the treated and control arm: coefficients, then the intercept
        (log-odds scale for ``outcome_loss="logistic"``).
    n_synthetic : int
        Synthetic units added to the augmented arm (0 without augmentation).
    details : dict
        ``augmented_arm`` (1, 0 or None), ``corrected``, ``scale`` (the correction weight
        used), ``correction_shrunk``, ``naive_coef`` (the augmented arm's uncorrected fit),
        ``plugin`` and ``aipw`` (both estimates), ``se_kind``, ``n_bootstrap`` and
        ``propensity_clipped`` (units whose propensity was clipped).
    """

    ate: float
    se: float
    ci: tuple[float, float]
    method: str
    mu1_coef: np.ndarray
    mu0_coef: np.ndarray
    n_synthetic: int
    details: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------- checks
def _one_of(name: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InvalidParameterError(
            f"{name} must be one of {', '.join(repr(v) for v in options)}; got {value!r}.")
    return str(value)


def _check_inputs(X: Any, treatment: Any, outcome: Any, outcome_loss: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float covariates (2-D), 0/1 treatment and a finite outcome of one length."""
    X = check_matrix(X, what="bias_corrected_ate")
    t = np.asarray(treatment)
    try:
        y = np.asarray(outcome, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataTypeError(f"outcome must be numeric: {exc}") from exc
    if t.ndim != 1 or y.ndim != 1:
        raise InvalidInputError(
            f"treatment and outcome must be 1-D; got shapes {t.shape} and {y.shape}.")
    if not (len(X) == len(t) == len(y)):
        raise InvalidInputError(
            f"X, treatment and outcome must have the same length; got {len(X)}, {len(t)} and "
            f"{len(y)}.")
    if not np.isfinite(y).all():
        raise InvalidInputError("outcome contains NaN or infinite values.")
    try:
        t_num = t.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"treatment must be 0/1; {exc}") from exc
    if not np.isin(t_num, (0.0, 1.0)).all():
        bad = np.unique(t[~np.isin(t_num, (0.0, 1.0))])[:5]
        raise InvalidInputError(f"treatment must hold only 0 and 1; found {bad.tolist()}.")
    if outcome_loss == "logistic" and not np.isin(y, (0.0, 1.0)).all():
        raise InvalidInputError("outcome_loss='logistic' needs a 0/1 outcome.")
    return X, t_num.astype(np.int64), y


def _augmented_arm(augment: str, t: np.ndarray) -> int | None:
    """The arm that receives synthetic units (1 treated, 0 control), or None."""
    n1, n0 = int(t.sum()), int(len(t) - t.sum())
    if augment == "none":
        return None
    arm = {"treated": 1, "control": 0}.get(augment, 1 if n1 < n0 else 0)
    if augment == "small" and n1 == n0:
        raise InvalidInputError(
            f"Both arms have {n1} units, so there is no small arm to augment; pass "
            "augment='none'.")
    small, large = (n1, n0) if arm == 1 else (n0, n1)
    if small >= large:
        raise InvalidInputError(
            f"augment={augment!r}, but that arm has {small} units and the other {large}: only "
            "the smaller arm can be augmented up to the larger one.")
    return arm


def _memory_estimate(n_s: int, n_l: int, d: int, n_splits: int) -> int:
    """Peak bytes of the corrected fit: the moved synthetic and reference units of every
    split (held at once, with a copy while stacking) and their per-row loss terms."""
    rows = n_splits * ((n_l - n_s) + (n_l - n_s))
    return int(8 * rows * (2 * (d + 1) + 4))


def _check_sizes(arm_name: str, n_s: int, n_l: int, generator: Any) -> None:
    """The large arm must hold a pseudo-small arm and a reference at least as large, and
    the small arm must hold more units than the generator's neighbours."""
    if n_l < 2 * n_s:
        raise NotEnoughSamplesError(
            f"The bias estimate needs pseudo-small arms of {n_s} units ({arm_name} arm size) "
            f"drawn from the other arm plus a held-out rest at least as large: {2 * n_s} "
            f"units, but the other arm has {n_l}.")
    k = getattr(generator, "k_neighbors", None)
    if isinstance(k, numbers.Integral) and n_s <= k:
        raise NotEnoughSamplesError(
            f"The {arm_name} arm has {n_s} units, but the generator's k_neighbors={k} needs "
            f"at least {k + 1}.")


# ---------------------------------------------------------------------- generator
def _seed(entropy: int, *key: int) -> int:
    return int(np.random.SeedSequence(entropy, spawn_key=key).generate_state(1)[0])


def _draw(generator: Any, Z: np.ndarray, labels: np.ndarray, n: int, entropy: int,
          key: tuple[int, ...]) -> np.ndarray:
    """``n`` joint rows from a clone of ``generator`` fitted on ``Z`` with class 1 as its
    target."""
    gen = clone(generator)
    if "random_state" in gen.get_params(deep=False):
        gen.set_params(random_state=_seed(entropy, 1, *key))
    codec = TableCodec(None).fit(Z)
    encoded = as_encoded(gen)._fit_encoded(codec, Z, np.empty((len(Z), 0), np.int64),
                                           labels, 1)
    num, _ = encoded.sample_encoded(n, random_state=_seed(entropy, 2, *key))
    return np.asarray(num, dtype=np.float64)


def _draw_for(generator: Any, Z_s: np.ndarray, Z_l: np.ndarray, n: int, entropy: int,
              key: tuple[int, ...], what: str) -> np.ndarray:
    """Synthetic units for ``Z_s`` (the target) against ``Z_l``; errors say which fit."""
    Z = np.vstack([Z_s, Z_l])
    labels = np.r_[np.ones(len(Z_s), np.int64), np.zeros(len(Z_l), np.int64)]
    try:
        return _draw(generator, Z, labels, n, entropy, key)
    except (ValueError, TypeError, ArithmeticError) as exc:
        kind = NotEnoughSamplesError if isinstance(exc, NotEnoughSamplesError) \
            else InvalidInputError
        raise kind(f"The generator {type(generator).__name__} could not be fitted on "
                   f"{what}: {exc}") from exc


# ---------------------------------------------------------------------- outcome models
def _bias_sets(Z_l: np.ndarray, pseudo: list[np.ndarray], synthetic: list[np.ndarray],
               mean_s: np.ndarray, transfer: str, shift_outcome: bool) -> list[PointSet]:
    """Point sets whose weighted loss sum is ``B_hat``: every ``S_r`` with weight
    ``+1 / (R n_tilde)`` and every ``B_r`` with ``-1 / (R n_B)``, each moved by the
    transfer (the outcome column too when ``shift_outcome``)."""
    R, n_l = len(pseudo), len(Z_l)
    n_tilde = synthetic[0].shape[0]
    total = Z_l.sum(axis=0)
    syn_rows, ref_rows = [], []
    keep = np.ones(n_l, dtype=bool)
    for idx, S in zip(pseudo, synthetic):
        keep[:] = True
        keep[idx] = False
        mean_A = Z_l[idx].mean(axis=0)
        mean_B = (total - Z_l[idx].sum(axis=0)) / (n_l - len(idx))
        if transfer == "loss":
            d_syn = d_ref = np.zeros_like(mean_s)
        else:
            d_syn = mean_s - mean_A
            d_ref = d_syn if transfer == "recentre" else mean_s - mean_B
        if not shift_outcome:
            d_syn, d_ref = d_syn.copy(), d_ref.copy()
            d_syn[-1] = d_ref[-1] = 0.0
        syn_rows.append(S + d_syn)
        ref_rows.append(Z_l[keep] + d_ref)
    syn, ref = np.vstack(syn_rows), np.vstack(ref_rows)
    n_B = n_l - len(pseudo[0])
    return [PointSet(syn[:, :-1], syn[:, -1], 1.0 / (R * n_tilde)),
            PointSet(ref[:, :-1], ref[:, -1], -1.0 / (R * n_B))]


def _fit_plain(X: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """Unpenalised linear (or logistic) regression of ``y`` on ``X`` with an intercept."""
    objective = CorrectedObjective([PointSet(X, y, 1.0 / len(y))], [], 0.0, loss, 0.0, True)
    res = minimise(objective, np.zeros(objective.n_params), max_iter=1000, tol=1e-10)
    return np.asarray(res.x)


def _guarded(objective: CorrectedObjective, theta0: np.ndarray, margin: float
             ) -> tuple[np.ndarray, float]:
    """Minimise ``objective`` under the classifier's convexity guard
    (:func:`~synthaug.correction.objective.guarded_minimise`, the floor ``margin`` times the
    uncorrected objective's smallest eigenvalue at ``theta0``); returns the solution and the
    scale used (0: the uncorrected fit)."""
    floor = margin * smallest_eigenvalue(objective.with_scale(0.0).hessian(theta0))
    theta, _, _, scale = guarded_minimise(objective, theta0, floor, max_iter=1000, tol=1e-10)
    return theta, scale


@dataclass
class _ArmFit:
    theta: np.ndarray
    naive: np.ndarray | None = None
    scale: float = 0.0
    full_scale: float = 0.0
    n_synthetic: int = 0


def _fit_augmented(X_s: np.ndarray, y_s: np.ndarray, X_l: np.ndarray, y_l: np.ndarray,
                   generator: Any, loss: str, correct: bool, n_splits: int, transfer: str,
                   margin: float, entropy: int) -> _ArmFit:
    """The small arm's outcome model on real plus synthetic units, corrected or not."""
    n_s, n_l = len(y_s), len(y_l)
    n_tilde = n_l - n_s
    Z_s, Z_l = np.column_stack([X_s, y_s]), np.column_stack([X_l, y_l])
    S = _draw_for(generator, Z_s, Z_l, n_tilde, entropy, (0,), "the small arm")
    N = n_s + n_tilde
    base = [PointSet(X_s, y_s, 1.0 / N), PointSet(S[:, :-1], S[:, -1], 1.0 / N)]
    naive = CorrectedObjective(base, [], 0.0, loss, 0.0, True)
    theta_naive = np.asarray(minimise(naive, np.zeros(naive.n_params), max_iter=1000,
                                      tol=1e-10).x)
    if not correct:
        return _ArmFit(theta_naive, theta_naive, 0.0, 0.0, n_tilde)
    pseudo, synthetic = [], []
    for r in range(n_splits):
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(3, r)))
        perm = rng.permutation(n_l)
        A, B = np.sort(perm[:n_s]), perm[n_s:]
        synthetic.append(_draw_for(generator, Z_l[A], Z_l[B], n_tilde, entropy, (r + 1,),
                                   f"a pseudo-small arm of {n_s} units of the large arm"))
        pseudo.append(A)
    bias = _bias_sets(Z_l, pseudo, synthetic, Z_s.mean(axis=0), transfer,
                      shift_outcome=loss == "squared")
    full_scale = n_tilde / N
    theta, scale = _guarded(naive.with_bias(bias, full_scale), theta_naive, margin)
    if scale < full_scale:
        warnings.warn(f"The corrected outcome objective was not convex enough at scale "
                      f"{full_scale:.3g}; the correction scale was shrunk to {scale:.3g}.",
                      SynthaugWarning, stacklevel=4)
    return _ArmFit(theta, theta_naive, scale, full_scale, n_tilde)


def _predict(theta: np.ndarray, X: np.ndarray, loss: str) -> np.ndarray:
    z = X @ theta[:-1] + theta[-1]
    return expit(z) if loss == "logistic" else z


# ---------------------------------------------------------------------- estimate
def _propensity(propensity: Any, X: np.ndarray, t: np.ndarray, clip: float
                ) -> tuple[np.ndarray, int]:
    if propensity is None:
        from sklearn.linear_model import LogisticRegression

        propensity = LogisticRegression(max_iter=1000)
    model = clone(propensity).fit(X, t)
    e = np.asarray(model.predict_proba(X))[:, list(model.classes_).index(1)]
    clipped = int(((e < clip) | (e > 1 - clip)).sum())
    return np.clip(e, clip, 1.0 - clip), clipped


def _point_estimate(X: np.ndarray, t: np.ndarray, y: np.ndarray, settings: dict[str, Any],
                    entropy: int) -> dict[str, Any]:
    """Both outcome models, the plug-in and the AIPW estimate and the AIPW scores."""
    loss, arm = settings["outcome_loss"], settings["arm"]
    fits: dict[int, _ArmFit] = {}
    for a in (0, 1):
        if a == arm:
            fits[a] = _fit_augmented(
                X[t == a], y[t == a], X[t != a], y[t != a], settings["generator"], loss,
                settings["correct"], settings["n_splits"], settings["transfer"],
                settings["margin"], entropy)
        else:
            fits[a] = _ArmFit(_fit_plain(X[t == a], y[t == a], loss))
    m1, m0 = _predict(fits[1].theta, X, loss), _predict(fits[0].theta, X, loss)
    e, clipped = _propensity(settings["propensity"], X, t, settings["clip"])
    scores = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)
    return {"fits": fits, "plugin": float(np.mean(m1 - m0)), "aipw": float(np.mean(scores)),
            "scores": scores, "clipped": clipped}


def bias_corrected_ate(X: Any, treatment: Any, outcome: Any, generator: Any = None, *,
                       method: str = "aipw", augment: str = "small", correct: bool = True,
                       outcome_loss: str = "squared", n_splits: int = 20,
                       transfer: str = "recentre_sep", margin: float = 0.5,
                       propensity: Any = None, clip: float = 0.01, se: str = "auto",
                       n_bootstrap: int = 200, random_state: Any = None) -> ATEResult:
    """Average treatment effect with the small arm's outcome model fitted on real plus
    synthetic units and bias-corrected (experimental).

    When one arm is small, its outcome regression is noisy; synthetic units can fill it,
    but they do not follow the arm's law, so the regression fitted on them is biased. The
    bias of the generator is measured on the large arm (pseudo-small subsamples against the
    held-out rest) and subtracted from the small arm's training loss, as
    :class:`~synthaug.correction.BiasCorrectedClassifier` does with the majority class. A
    reconstruction (see ``docs/bias_correction.md``), not a verified implementation of
    "Bias-Corrected Data Synthesis for Imbalanced Learning" (arXiv 2510.26046).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numeric covariates.
    treatment : array-like of shape (n_samples,)
        0 (control) or 1 (treated).
    outcome : array-like of shape (n_samples,)
        Continuous outcome (0/1 for ``outcome_loss="logistic"``).
    generator : synthaug generator, default=SMOTEGenerator()
        Fitted on the joint rows ``[x, outcome]`` with the augmented arm as its target
        class, so every synthetic unit carries an outcome (SMOTE interpolates both). Its
        neighbours are found in that joint space: put covariates and outcome on comparable
        scales if that matters.
    method : {"aipw", "plugin"}, default="aipw"
        ``"plugin"``: ``mean_i mu_1(x_i) - mu_0(x_i)`` over all units. ``"aipw"``: the
        plug-in plus ``T (Y - mu_1) / e - (1 - T)(Y - mu_0) / (1 - e)`` averaged over the
        real units, ``e`` the clipped propensity.
    augment : {"small", "treated", "control", "none"}, default="small"
        The arm that receives synthetic units, up to the size of the other arm; it must be
        the smaller one. ``"none"``: plain regression in both arms.
    correct : bool, default=True
        Subtract the bias estimate; False gives the naive augmented fit.
    outcome_loss : {"squared", "logistic"}, default="squared"
        Least squares, or logistic regression for a 0/1 outcome (the synthetic outcomes
        are then fractions; the transfer moves only the covariates).
    n_splits : int, default=20
        Pseudo-small splits ``R`` of the large arm averaged in the bias estimate.
    transfer : {"recentre_sep", "recentre", "loss"}, default="recentre_sep"
        How the large arm's bias is moved to the small arm (module docstring).
    margin : float in [0, 1], default=0.5
        Convexity guard: share of the uncorrected objective's smallest Hessian eigenvalue
        the corrected one must keep, else the correction scale is halved.
    propensity : classifier with predict_proba, default=LogisticRegression(max_iter=1000)
        Propensity model, cloned and fitted on ``(X, treatment)``; AIPW only.
    clip : float in (0, 0.5), default=0.01
        Propensities are clipped to ``[clip, 1 - clip]``.
    se : {"auto", "influence", "bootstrap", "none"}, default="auto"
        ``"influence"``: the standard AIPW influence-function SE,
        ``std(psi_i) / sqrt(n)`` with ``psi_i`` the AIPW scores (AIPW only; the outcome
        models and propensity are treated as known). ``"bootstrap"``: resample units with
        replacement, refit everything ``n_bootstrap`` times; the CI is the percentile
        interval. ``"auto"``: influence for AIPW, bootstrap for the plug-in.
    n_bootstrap : int, default=200
    random_state : None, int or numpy Generator
        Seeds the splits, the generator draws and the bootstrap.

    Returns
    -------
    ATEResult

    Raises
    ------
    InvalidInputError
        Treatment not 0/1, lengths differ, NaN or infinite values, or the augmented arm is
        not the smaller one.
    NotEnoughSamplesError
        The large arm holds fewer than twice the small arm's units (pseudo-small split plus
        a reference), or the small arm is too small for the generator's neighbours.
    """
    method = _one_of("method", method, _METHODS)
    augment = _one_of("augment", augment, _AUGMENT)
    outcome_loss = _one_of("outcome_loss", outcome_loss, _OUTCOME_LOSSES)
    se = _one_of("se", se, _SE)
    transfer = check_transfer(transfer)
    n_splits = check_integer("n_splits", n_splits, 1)
    n_bootstrap = check_integer("n_bootstrap", n_bootstrap, 2)
    check_number("clip", clip, 0, 0.5, open_low=True, open_high=True)
    check_number("margin", margin, 0, 1)
    if se == "auto":
        se = "influence" if method == "aipw" else "bootstrap"
    if se == "influence" and method == "plugin":
        raise InvalidParameterError(
            "se='influence' is the AIPW influence function; for method='plugin' use "
            "se='bootstrap' or se='none'.")
    X, t, y = _check_inputs(X, treatment, outcome, outcome_loss)
    if generator is None:
        from synthaug.generators.smote import SMOTEGenerator

        generator = SMOTEGenerator()
    else:
        as_encoded(generator)  # raises for something that is not a generator
    if t.sum() < 2 or (1 - t).sum() < 2:
        raise NotEnoughSamplesError(
            f"Each arm needs at least 2 units; got {int(t.sum())} treated and "
            f"{int((1 - t).sum())} control.")
    arm = _augmented_arm(augment, t)
    if arm is not None:
        n_s = int((t == arm).sum())
        _check_sizes("treated" if arm == 1 else "control", n_s, len(t) - n_s, generator)
        check_memory(_memory_estimate(n_s, len(t) - n_s, X.shape[1], n_splits),
                     what=f"bias_corrected_ate on {len(t):,} x {X.shape[1]}",
                     alternative="lower n_splits or subsample the large arm.")
    settings = {"outcome_loss": outcome_loss, "arm": arm, "generator": generator,
                "correct": bool(correct), "n_splits": n_splits, "transfer": transfer,
                "margin": float(margin), "propensity": propensity, "clip": float(clip)}
    entropy = to_entropy(random_state)
    est = _point_estimate(X, t, y, settings, _seed(entropy, 0))
    ate = est[method]
    if se == "influence":
        s = float(np.std(est["scores"], ddof=1) / np.sqrt(len(y)))
        ci = (ate - _Z975 * s, ate + _Z975 * s)
    elif se == "bootstrap":
        s, ci = _bootstrap(X, t, y, settings, method, n_bootstrap, entropy)
    else:
        s, ci = float("nan"), (float("nan"), float("nan"))
    fit_s = est["fits"][arm] if arm is not None else None
    details = {"augmented_arm": arm, "corrected": bool(correct) and arm is not None,
               "scale": fit_s.scale if fit_s else 0.0,
               "correction_shrunk": bool(fit_s and fit_s.scale < fit_s.full_scale),
               "naive_coef": fit_s.naive if fit_s else None,
               "plugin": est["plugin"], "aipw": est["aipw"], "se_kind": se,
               "n_bootstrap": n_bootstrap if se == "bootstrap" else 0,
               "propensity_clipped": est["clipped"]}
    return ATEResult(ate=float(ate), se=s, ci=(float(ci[0]), float(ci[1])), method=method,
                     mu1_coef=est["fits"][1].theta, mu0_coef=est["fits"][0].theta,
                     n_synthetic=fit_s.n_synthetic if fit_s else 0, details=details)


def _bootstrap(X: np.ndarray, t: np.ndarray, y: np.ndarray, settings: dict[str, Any],
               method: str, n_bootstrap: int, entropy: int
               ) -> tuple[float, tuple[float, float]]:
    """SE and percentile 95% interval from resampling units (within arm, so the arm sizes
    and the size checks stay those of the data) and refitting everything."""
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(9,)))
    arms = [np.flatnonzero(t == a) for a in (0, 1)]
    values = np.empty(n_bootstrap)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SynthaugWarning)
        for b in range(n_bootstrap):
            idx = np.concatenate([rng.choice(a, size=len(a), replace=True) for a in arms])
            values[b] = _point_estimate(X[idx], t[idx], y[idx], settings,
                                        _seed(entropy, 10, b))[method]
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(np.std(values, ddof=1)), (float(lo), float(hi))
