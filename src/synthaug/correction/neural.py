"""``BiasCorrectedTorchClassifier``: the bias-corrected loss for any differentiable binary
classifier written in PyTorch (experimental).

The data path is that of the linear :class:`~synthaug.correction.BiasCorrectedClassifier`,
reused from it: the same synthetic rows ``S1``, the same majority splits and the same draws
``S0_r`` for the same ``random_state``. Only the model and the optimiser change: the
corrected objective

    mean over the N real and synthetic rows of l(f(x), y)
      - scale * mean_r [ mean_{S0_r} l(f(x + syn_shift_r), y*)
                         - mean_{B_r} l(f(x + ref_shift_r), y*) ]
      + weight_decay / 2 * ||weights||^2

(``l`` the logistic loss on the logit ``f(x)``) is minimised in torch (L-BFGS or Adam).
For a nonlinear model the recentring shifts of :meth:`MajoritySplits.shifts
<synthaug.correction.transfer.MajoritySplits.shifts>` move the *inputs*. A reconstruction of
"Bias-Corrected Data Synthesis for Imbalanced Learning" (Lyu, Ma, L. Zhang, A. R. Zhang;
arXiv 2510.26046), not a verified implementation of the paper.

PyTorch is optional: this module imports it only when a model is fitted, so
``import synthaug.correction`` works without it and ``fit`` raises
:class:`~synthaug.exceptions.MissingDependencyError` naming the extra to install (through
:mod:`synthaug.deep`, the torch layer shared by the library's networks).
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from synthaug._labels import class_roles
from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_number, check_numeric_X_y
from synthaug.correction.classifier import (
    BiasCorrectedClassifier,
    _one_of,
    _seed,
    check_predict_input,
)
from synthaug.correction.objective import MAX_HALVINGS
from synthaug.correction.transfer import MajoritySplits
from synthaug.deep.runtime import DEVICES, require_torch, resolve_device, seeded
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    InvalidParameterError,
    SynthaugWarning,
    TrainingDivergedError,
)
from synthaug.limits import check_memory

__all__ = ["BiasCorrectedTorchClassifier"]

_OPTIMIZERS = ("lbfgs", "adam")
_DTYPES = ("float32", "float64")
_GUARDS = ("shrink", "off")
#: Default learning rate and epoch budget per optimiser (``lr=None``, ``max_epochs=None``).
_DEFAULT_LR = {"lbfgs": 1.0, "adam": 1e-2}
_DEFAULT_EPOCHS = {"lbfgs": 100, "adam": 300}
#: L-BFGS iterations per epoch (one ``optimizer.step``).
_LBFGS_INNER = 20
#: The divergence guard's first bound: a corrected fit whose augmented risk (the uncorrected
#: mean loss) exceeds the uncorrected fit's by more than the loss of a coin flip, log 2 per
#: row, is taken to have run off along a direction the negative-weight rows made unbounded.
#: The second bound (in ``_fit_modules``): the correction term ``scale * |B_hat|`` may not
#: outweigh the uncorrected fit's whole augmented risk; a flexible module that does so has
#: learnt to tell the synthetic majority rows from the rest rather than to remove a bias.
_MAX_RISK_RISE = math.log(2.0)
#: Rows per forward pass in ``predict`` and in the final bias evaluation.
_CHUNK = 65_536


@dataclass
class _Problem:
    """Every row of the corrected objective, on the device, stacked as
    ``[real + S1 | S0 (moved) | B (moved)]`` so that one forward pass serves all three."""

    X: Any              # tensor (n_base + n_syn + n_ref, d)
    target: Any         # tensor (n_base,): the 0/1 targets of the real and S1 rows
    n_base: int
    n_syn: int          # R * n_tilde
    n_ref: int          # R * n_B
    label: float        # y*, the 0/1 target of the bias rows
    n_splits: int


class BiasCorrectedTorchClassifier(ClassifierMixin, BaseEstimator):
    """Any differentiable binary classifier in PyTorch, trained on real plus synthetic
    minority rows with the synthetic rows' loss bias subtracted (experimental).

    The nonlinear counterpart of :class:`~synthaug.correction.BiasCorrectedClassifier`: the
    synthetic rows, the majority splits and the bias estimate are built the same way (and,
    for the same ``random_state``, are the same rows), but the model is any
    ``torch.nn.Module`` that maps a row to one logit, and the corrected objective is
    minimised in torch. With the default linear module, ``weight_decay = 1 / (C N)`` and
    ``convexity_guard="off"`` on the linear estimator, both reach the same coefficients.
    A reconstruction of "Bias-Corrected Data Synthesis for Imbalanced Learning" (Lyu, Ma,
    L. Zhang, A. R. Zhang; arXiv 2510.26046), not a verified implementation of the paper.

    For a nonlinear model the corrected objective has no convexity to certify (the
    synthetic majority rows enter with a negative weight), so the guard here is a
    divergence check instead of the linear estimator's curvature check: see
    ``divergence_guard``. A flexible module can also lower the objective by telling the
    synthetic majority rows ``S0_r`` apart from the other rows and raising their loss, which
    removes no bias; keep the module small or the weight decay strong, and compare
    ``module_`` with ``naive_module_`` on held-out data (``docs/bias_correction.md``
    has a measurement).

    Parameters
    ----------
    module_factory : callable or None, default=None
        ``module_factory(n_features) -> torch.nn.Module`` whose forward maps a float tensor
        of shape ``(n, n_features)`` to one logit per row, shape ``(n,)`` or ``(n, 1)``
        (positive: ``classes_[1]``). Called once per fit, with torch seeded from
        ``random_state``, so its initial weights are reproducible. ``None``: a single
        ``torch.nn.Linear(n_features, 1)``, logistic regression.
    generator : synthaug generator or protocol generator, default=SMOTEGenerator()
        Makes the synthetic rows; cloned and refitted ``n_splits + 1`` times.
    sampling_strategy, n_splits, bias_label, transfer, pseudo_minority_size
        As in :class:`~synthaug.correction.BiasCorrectedClassifier` (defaults
        ``"balance"``, 20, ``"minority"``, ``"recentre_sep"``, ``"n_minority"``).
    scale : "auto" or float, default="auto"
        Weight of the correction; ``"auto"`` is ``n_tilde / N``.
    weight_decay : float, default=1e-4
        Adds ``weight_decay / 2`` times the squared norm of every parameter with two or
        more dimensions (the weight matrices; biases and other 1-D parameters are not
        penalised, as the linear estimator leaves the intercept alone). The linear
        estimator's ``C`` is ``weight_decay = 1 / (C N)``.
    max_epochs : int or None, default=None
        Epochs per fit; ``None``: 100 for L-BFGS (each epoch is up to 20 L-BFGS
        iterations) and 300 for Adam (each epoch is one pass over the rows).
    batch_size : int or None, default=None
        Rows of the augmented data per Adam step; each step also takes the matching share of
        the bias rows, so every step's loss is an unbiased estimate of the objective.
        ``None`` (or a size of at least ``N``): full batch. L-BFGS is always full batch.
    lr : float or None, default=None
        Learning rate; ``None``: 1.0 for L-BFGS (with a strong-Wolfe line search) and 0.01
        for Adam.
    optimizer : {"lbfgs", "adam"}, default="lbfgs"
        ``"lbfgs"``: full-batch L-BFGS. The default because the data this method is for are
        small tables, where the full objective fits in memory; L-BFGS then converges to a
        stationary point without tuning and deterministically, and the correction (a small
        difference of two mean losses) is not drowned in minibatch noise. ``"adam"``: for
        large data (with ``batch_size``), or modules with stochastic layers such as dropout,
        which an L-BFGS line search cannot handle.
    tol : float, default=1e-6
        Stop when an epoch changes the objective by at most ``tol * max(1, |objective|)``;
        L-BFGS also stops when no gradient component exceeds ``tol``.
    divergence_guard : {"shrink", "off"}, default="shrink"
        ``"shrink"``: the corrected fit is stopped as a runaway after any epoch where it
        turns NaN or infinite, its augmented risk (the uncorrected mean loss on the real
        and synthetic rows) exceeds the uncorrected fit's by more than ``log 2``, or the
        correction term ``scale * |B_hat|`` exceeds the uncorrected fit's augmented risk;
        the scale is then halved and the fit redone from the uncorrected solution (at
        most 12 times, then no correction), with a warning. ``"off"``: no check (a NaN
        still raises :class:`~synthaug.exceptions.TrainingDivergedError`).
    device : {"cpu", "auto", "cuda"}, default="cpu"
        ``"auto"``: CUDA when available, else the CPU.
    dtype : {"float32", "float64"}, default="float32"
        Precision of the module and the data; ``"float64"`` to compare with the linear
        estimator closely.
    random_state : None, int or numpy Generator, default=None
        Seeds the splits, every generator draw, the module's initial weights, the minibatch
        order and any randomness inside the module (dropout). Torch's global random state
        is restored after ``fit``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    minority_class_, majority_class_ : label
    module_ : torch.nn.Module
        The fitted (corrected) module, in eval mode.
    naive_module_ : torch.nn.Module
        The uncorrected fit on real plus synthetic rows, for comparison.
    history_, naive_history_ : list of float
        The objective after each epoch of the accepted corrected fit and of the uncorrected
        fit.
    n_epochs_ : int
        Epochs of the accepted corrected fit.
    n_synthetic_ : int
    pseudo_minority_size_ : int
    scale_ : float
        The correction scale used (after the guard's shrinking).
    correction_shrunk_ : bool
    bias_estimate_ : float
        ``B_hat`` at the fitted module.
    bias_estimate_std_ : float
        Spread of the per-split estimates (NaN for one split); it understates the
        uncertainty of ``B_hat``, as the splits reuse most of the majority.
    bias_by_split_ : ndarray of shape (n_splits,)
    splits_ : MajoritySplits
        The pseudo-minority positions and the synthetic rows drawn from each split.
    device_ : str
        The device the module was trained on.

    Examples
    --------
    >>> import torch
    >>> from sklearn.datasets import make_classification
    >>> from synthaug.correction.neural import BiasCorrectedTorchClassifier
    >>> X, y = make_classification(400, 4, weights=[0.9], random_state=0)
    >>> def mlp(d):
    ...     return torch.nn.Sequential(torch.nn.Linear(d, 16), torch.nn.Tanh(),
    ...                                torch.nn.Linear(16, 1))
    >>> clf = BiasCorrectedTorchClassifier(mlp, n_splits=5, weight_decay=1e-2,
    ...                                    random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    def __init__(self, module_factory: Callable[[int], Any] | None = None,
                 generator: Any = None, *, sampling_strategy: Any = "balance",
                 n_splits: int = 20, bias_label: str = "minority",
                 transfer: str = "recentre_sep", pseudo_minority_size: Any = "n_minority",
                 scale: Any = "auto", weight_decay: float = 1e-4,
                 max_epochs: int | None = None, batch_size: int | None = None,
                 lr: float | None = None, optimizer: str = "lbfgs", tol: float = 1e-6,
                 divergence_guard: str = "shrink", device: str = "cpu",
                 dtype: str = "float32", random_state: Any = None) -> None:
        self.module_factory = module_factory
        self.generator = generator
        self.sampling_strategy = sampling_strategy
        self.n_splits = n_splits
        self.bias_label = bias_label
        self.transfer = transfer
        self.pseudo_minority_size = pseudo_minority_size
        self.scale = scale
        self.weight_decay = weight_decay
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.tol = tol
        self.divergence_guard = divergence_guard
        self.device = device
        self.dtype = dtype
        self.random_state = random_state

    # ------------------------------------------------------------------ checks
    def _linear_twin(self) -> BiasCorrectedClassifier:
        """The linear estimator with the same data-path parameters: its helpers draw
        ``S1`` and the majority splits, so both estimators see the same rows."""
        return BiasCorrectedClassifier(
            self.generator, sampling_strategy=self.sampling_strategy,
            n_splits=self.n_splits, bias_label=self.bias_label, transfer=self.transfer,
            pseudo_minority_size=self.pseudo_minority_size, scale=self.scale,
            random_state=self.random_state)

    def _check_params(self) -> BiasCorrectedClassifier:
        twin = self._linear_twin()
        twin._check_params()      # n_splits, bias_label, transfer, sizes, scale
        _one_of("optimizer", self.optimizer, _OPTIMIZERS)
        _one_of("device", self.device, DEVICES)
        _one_of("dtype", self.dtype, _DTYPES)
        _one_of("divergence_guard", self.divergence_guard, _GUARDS)
        check_number("weight_decay", self.weight_decay, 0)
        check_number("tol", self.tol, 0, open_low=True)
        check_number("lr", self.lr, 0, open_low=True, optional=True)
        check_integer("max_epochs", self.max_epochs, 1, optional=True)
        if self.batch_size is not None:
            check_integer("batch_size", self.batch_size, 1)
            if self.optimizer == "lbfgs":
                raise InvalidParameterError(
                    "optimizer='lbfgs' works on the full batch; leave batch_size=None, or "
                    "use optimizer='adam' for minibatches.")
        if self.module_factory is not None and not callable(self.module_factory):
            raise InvalidParameterError(
                "module_factory must be a callable n_features -> torch.nn.Module, or None; "
                f"got {type(self.module_factory).__name__}.")
        return twin

    def _build_module(self, torch: Any, n_features: int, device: Any, dtype: Any) -> Any:
        if self.module_factory is None:
            module = torch.nn.Linear(n_features, 1)
        else:
            module = self.module_factory(n_features)
        if not isinstance(module, torch.nn.Module):
            raise InvalidParameterError(
                f"module_factory({n_features}) must return a torch.nn.Module; it returned "
                f"an object of type {type(module).__name__}.")
        if not any(p.requires_grad for p in module.parameters()):
            raise InvalidParameterError(
                f"The module from module_factory ({type(module).__name__}) has no trainable "
                "parameters.")
        return module.to(device=device, dtype=dtype)

    # ------------------------------------------------------------------ objective
    def _logits(self, module: Any, X: Any) -> Any:
        """The module's logits for ``X`` as a 1-D tensor; a wrong output shape is an
        error that names the shape expected."""
        out = module(X)
        n = X.shape[0]
        shape = tuple(getattr(out, "shape", ()))
        if shape not in ((n,), (n, 1)):
            raise InvalidParameterError(
                f"The module from module_factory must return one logit per row, shape "
                f"({n},) or ({n}, 1), for an input of shape {tuple(X.shape)}; it returned "
                f"{'shape ' + str(shape) if hasattr(out, 'shape') else type(out).__name__}. "
                "For two classes end the module with a Linear(..., 1) layer.")
        return out.reshape(n)

    def _objective(self, torch: Any, module: Any, P: _Problem, scale: float,
                   penalised: list[Any], batch: tuple[Any, Any, Any] | None = None,
                   with_bias: bool = False) -> tuple[Any, Any, Any]:
        """``(objective, augmented risk, B_hat)`` on all rows, or on one minibatch
        ``batch`` (positions within the base, synthetic and reference rows). ``B_hat`` is
        None unless the correction is on (``scale != 0``) or ``with_bias``."""
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        bias_rows = (scale != 0.0 or with_bias) and P.n_syn > 0
        if batch is None:
            X = P.X if bias_rows else P.X[:P.n_base]
            target = P.target
            nb, ns = P.n_base, P.n_syn
        else:
            ib, is_, ir = batch
            if not bias_rows:
                is_, ir = is_[:0], ir[:0]
            rows = torch.cat([ib, is_ + P.n_base, ir + P.n_base + P.n_syn])
            X, target = P.X[rows], P.target[ib]
            nb, ns = len(ib), len(is_)
        z = self._logits(module, X)
        risk = bce(z[:nb], target)
        total, bias = risk, None
        if bias_rows:
            losses = bce(z[nb:], torch.full_like(z[nb:], P.label), reduction="none")
            bias = losses[:ns].mean() - losses[ns:].mean()
            if scale != 0.0:
                total = total - scale * bias
        if self.weight_decay and penalised:
            total = total + 0.5 * float(self.weight_decay) * sum(
                (p * p).sum() for p in penalised)
        return total, risk, bias

    def _train(self, torch: Any, module: Any, P: _Problem, scale: float, batch_rng: Any,
               diverged: Callable[[float, float], bool] | None = None
               ) -> tuple[list[float], bool, int | None]:
        """Minimise the objective at ``scale`` in place.

        After each epoch, ``diverged(augmented risk, B_hat)`` may stop the fit early.
        Returns the objective after each epoch, whether the fit converged, and the epoch
        at which it turned NaN or infinite or ``diverged`` said so (None if neither)."""
        params = [p for p in module.parameters() if p.requires_grad]
        penalised = [p for p in params if p.ndim >= 2]
        lr = float(self.lr) if self.lr is not None else _DEFAULT_LR[self.optimizer]
        epochs = int(self.max_epochs or _DEFAULT_EPOCHS[self.optimizer])
        tol = float(self.tol)
        full = self.batch_size is None or self.batch_size >= P.n_base
        if self.optimizer == "lbfgs":
            opt = torch.optim.LBFGS(params, lr=lr, max_iter=_LBFGS_INNER,
                                    tolerance_grad=tol, tolerance_change=1e-3 * tol,
                                    history_size=20, line_search_fn="strong_wolfe")
        else:
            opt = torch.optim.Adam(params, lr=lr)

        def step(batch: Any = None) -> Any:
            opt.zero_grad()
            value = self._objective(torch, module, P, scale, penalised, batch)[0]
            value.backward()
            return value

        module.train()
        history: list[float] = []
        previous = math.inf
        for epoch in range(1, epochs + 1):
            if self.optimizer == "lbfgs" or full:
                opt.step(step)
            else:
                for batch in self._batches(torch, P, batch_rng):
                    opt.step(lambda b=batch: step(b))
            with torch.no_grad():
                value, risk, bias = self._objective(torch, module, P, scale, penalised)
                value = float(value)
            if not math.isfinite(value) or not all(
                    bool(torch.isfinite(p).all()) for p in params):
                return history, False, epoch
            history.append(value)
            if diverged is not None and diverged(float(risk), float(bias)):
                return history, False, epoch
            if abs(previous - value) <= tol * max(1.0, abs(value)):
                return history, True, None
            previous = value
        return history, False, None

    def _batches(self, torch: Any, P: _Problem, rng: Any) -> list[tuple[Any, Any, Any]]:
        """One epoch of minibatches: the base rows in ``batch_size`` chunks, the
        synthetic and reference rows split into as many chunks, each in a fresh order."""
        n_batches = max(1, math.ceil(P.n_base / int(self.batch_size)))  # type: ignore[arg-type]
        device = P.X.device
        parts = [torch.randperm(n, generator=rng).to(device).tensor_split(n_batches)
                 for n in (P.n_base, P.n_syn, P.n_ref)]
        return list(zip(*parts, strict=True))

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> BiasCorrectedTorchClassifier:
        """Fit the uncorrected and the corrected module.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features.
        y : array-like of shape (n_samples,)
            Two classes.

        Returns
        -------
        self
        """
        torch = require_torch("BiasCorrectedTorchClassifier")
        twin = self._check_params()
        X, y = check_numeric_X_y(X, y, what="BiasCorrectedTorchClassifier", binary=True)
        n_tilde, n_A = twin._sizes(y)
        roles = class_roles(y)
        n0 = roles.counts[roles.majority]
        itemsize = 4 if self.dtype == "float32" else 8
        n_rows = len(y) + n_tilde + int(self.n_splits) * (n_tilde + n0 - n_A)
        check_memory(twin.memory_estimate(y, X.shape[1]) + 3 * itemsize * n_rows
                     * (X.shape[1] + 2),
                     what=f"BiasCorrectedTorchClassifier on {len(y):,} x {X.shape[1]}",
                     alternative="lower n_splits, subsample the majority class, or ask "
                                 "for fewer synthetic rows (sampling_strategy).")
        device = resolve_device(self.device, "BiasCorrectedTorchClassifier")
        dtype = getattr(torch, self.dtype)
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        self.minority_class_, self.majority_class_ = roles.minority, roles.majority
        self.n_synthetic_ = n_tilde
        self.pseudo_minority_size_ = n_A
        self.device_ = str(device)
        entropy = to_entropy(self.random_state)
        generator = twin._generator()
        codec = TableCodec(None).fit(X)
        S1 = twin._draw(generator, codec, X, y, roles.minority, n_tilde, entropy, 0)
        t_min = float(roles.minority == self.classes_[1])
        label = t_min if self.bias_label == "minority" else 1.0 - t_min
        minority_mean = X[y == roles.minority].mean(axis=0)
        X_base = np.vstack([X, S1])
        target = np.r_[(y == self.classes_[1]).astype(np.float64), np.full(n_tilde, t_min)]
        if n_tilde:
            self.splits_ = twin._majority_splits(generator, codec, X[y == roles.majority],
                                                 roles, n_A, n_tilde, entropy)
            S0, B = self._moved_bias_rows(self.splits_, minority_mean)
        else:
            S0 = B = np.empty((0, X.shape[1]))
        P = _Problem(X=torch.as_tensor(np.vstack([X_base, S0, B]), dtype=dtype,
                                       device=device),
                     target=torch.as_tensor(target, dtype=dtype, device=device),
                     n_base=len(target), n_syn=len(S0), n_ref=len(B), label=label,
                     n_splits=int(self.n_splits))
        with seeded(_seed(entropy, 4), device):      # restores torch's global state
            batch_rng = torch.Generator().manual_seed(_seed(entropy, 5))
            module = self._build_module(torch, X.shape[1], device, dtype)
            self._fit_modules(torch, module, P, n_tilde, batch_rng)
        self._record_bias(torch, P)
        return self

    def _moved_bias_rows(self, splits: MajoritySplits, minority_mean: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
        """All ``S0_r`` rows and all ``B_r`` rows, stacked split after split, each moved by
        its split's shift: the transfer applied to the inputs."""
        syn_shift, ref_shift = splits.shifts(self.transfer, minority_mean)
        S0 = np.vstack([S + syn_shift[r] for r, S in enumerate(splits.synthetic)])
        keep = np.ones(splits.X_major.shape[0], dtype=bool)
        B = []
        for r, idx in enumerate(splits.pseudo):
            keep[:] = True
            keep[idx] = False
            B.append(splits.X_major[keep] + ref_shift[r])
        return S0, np.vstack(B)

    def _fit_modules(self, torch: Any, module: Any, P: _Problem, n_tilde: int,
                     batch_rng: Any) -> None:
        """The uncorrected fit, then the corrected one from it under the divergence
        guard; sets the modules, histories, ``scale_`` and ``correction_shrunk_``."""
        history, converged, bad = self._train(torch, module, P, 0.0, batch_rng)
        if bad is not None:
            raise self._nan_error(bad, "uncorrected")
        self._warn_convergence(converged, "uncorrected")
        self.naive_module_ = module
        self.naive_history_ = history
        full_scale = (n_tilde / P.n_base if self.scale == "auto" else float(self.scale))
        if n_tilde == 0 or full_scale == 0.0:
            if n_tilde == 0:
                warnings.warn("sampling_strategy adds no synthetic rows, so there is no bias "
                              "to correct; the fit is the plain one.", SynthaugWarning,
                              stacklevel=3)
            self._accept(copy.deepcopy(module), history, 0.0, False)
            return
        with torch.no_grad():
            naive_risk = float(self._objective(torch, module, P, 0.0, [])[1])
        scale = full_scale

        def diverged(risk: float, bias: float) -> bool:
            return (risk - naive_risk > _MAX_RISK_RISE
                    or scale * abs(bias) > naive_risk)

        guard = diverged if self.divergence_guard == "shrink" else None
        for attempt in range(MAX_HALVINGS + 1):
            candidate = copy.deepcopy(module)
            history, converged, bad = self._train(torch, candidate, P, scale, batch_rng,
                                                  guard)
            if bad is None:
                break
            if guard is None:
                raise self._nan_error(bad, "corrected")
            scale = scale / 2 if attempt < MAX_HALVINGS - 1 else 0.0
            if scale == 0.0:
                candidate, history, converged = copy.deepcopy(module), self.naive_history_, True
                break
        self._warn_convergence(converged, "corrected")
        self._accept(candidate, history, scale, scale < full_scale)
        if self.correction_shrunk_:
            warnings.warn(
                f"The corrected fit ran away at scale {full_scale:.3g} (NaN, an augmented "
                f"risk more than log 2 above the uncorrected fit's, or a correction term "
                f"larger than the uncorrected risk): the correction scale was shrunk to "
                f"{scale:.3g}.", SynthaugWarning, stacklevel=3)

    def _accept(self, module: Any, history: list[float], scale: float, shrunk: bool) -> None:
        module.eval()
        self.naive_module_.eval()
        self.module_ = module
        self.history_ = list(history)
        self.n_epochs_ = len(history)
        self.scale_ = float(scale)
        self.correction_shrunk_ = bool(shrunk)

    def _nan_error(self, epoch: int, which: str) -> TrainingDivergedError:
        lr = self.lr if self.lr is not None else _DEFAULT_LR[self.optimizer]
        return TrainingDivergedError(
            f"The {which} objective became NaN or infinite at epoch {epoch} "
            f"(optimizer={self.optimizer!r}, lr={lr:g}). The usual cause is a learning rate "
            "too large for the data: lower lr, or standardise the features"
            + (", or keep divergence_guard='shrink'" if which == "corrected" else "")
            + "; otherwise check that the module's forward stays finite.")

    def _warn_convergence(self, converged: bool, which: str) -> None:
        if not converged:
            warnings.warn(
                f"The {which} fit did not converge within max_epochs; increase max_epochs, "
                "tune lr or scale the features.", ConvergenceWarning, stacklevel=4)

    def _record_bias(self, torch: Any, P: _Problem) -> None:
        """``bias_estimate_`` and its per-split values at the fitted module."""
        if P.n_syn == 0:
            self.bias_estimate_, self.bias_estimate_std_ = 0.0, float("nan")
            self.bias_by_split_ = np.empty(0)
            return
        rows = P.X[P.n_base:]
        with torch.no_grad():
            z = torch.cat([self._logits(self.module_, rows[i:i + _CHUNK])
                           for i in range(0, rows.shape[0], _CHUNK)])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                z, torch.full_like(z, P.label), reduction="none")
        loss = loss.double().cpu().numpy()
        R = P.n_splits
        per_split = (loss[:P.n_syn].reshape(R, -1).mean(axis=1)
                     - loss[P.n_syn:].reshape(R, -1).mean(axis=1))
        self.bias_by_split_ = per_split
        self.bias_estimate_ = float(per_split.mean())
        self.bias_estimate_std_ = float(np.std(per_split, ddof=1)) if R > 1 else float("nan")

    # ------------------------------------------------------------------ predict
    def decision_function(self, X: Any) -> np.ndarray:
        """The module's logits (positive: ``classes_[1]``), shape (n_samples,)."""
        arr = check_predict_input(self, X, fitted="module_")
        torch = require_torch("BiasCorrectedTorchClassifier")
        param = next(self.module_.parameters())
        self.module_.eval()
        with torch.no_grad():
            Xt = torch.as_tensor(arr, dtype=param.dtype, device=param.device)
            z = torch.cat([self._logits(self.module_, Xt[i:i + _CHUNK])
                           for i in range(0, Xt.shape[0], _CHUNK)])
        return z.double().cpu().numpy()

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (the sigmoid of the logit), shape (n_samples, 2), columns in
        ``classes_`` order."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels."""
        score = self.decision_function(X)      # checks that the estimator is fitted
        return self.classes_[(score > 0).astype(int)]

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_class = False  # binary only: wrap in OneVsRestClassifier
        return tags
