"""LEO-CVAE: a conditional VAE trained with a loss weighted by local label entropy.

LEO-CVAE ("Uncertainty-aware generative oversampling using an entropy-guided conditional
variational autoencoder", arXiv 2509.25334) scores every row by the Shannon entropy of the
labels among its nearest neighbours (:func:`local_entropy`): 0 deep inside a class, high
where classes mix. That score is used twice. A conditional VAE is trained with each row's
reconstruction error weighted by its class weight times ``(1 + H)^gamma``, so boundary rows
count more; and new rows of class ``c`` are decoded from the posterior of class-``c`` seed
rows drawn with probability proportional to ``(1 + H)^gamma`` (:func:`draw_seeds`), so they
concentrate where the class is uncertain.

Torch is optional: this module imports it only inside the methods that train or sample
(:func:`synthaug.deep.require_torch`); the network lives in the private module
``synthaug.generators._leo_cvae_net``. See ``docs/leo_cvae.md`` for the defaults, the
differences from the reference code, and the measurements.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from synthaug._labels import plain_label
from synthaug._random import rng_from, to_entropy
from synthaug._validation import check_integer, check_number
from synthaug.deep import (
    EarlyStopping,
    load_fitted,
    plot_history,
    require_torch,
    resolve_device,
    save_fitted,
    seeded,
    torch_threads,
    train,
)
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.generators.base import BaseGenerator
from synthaug.neighbors import kneighbors

__all__ = ["LEOCVAEGenerator", "draw_seeds", "local_entropy", "seed_probabilities"]

_SAMPLE_FROM = ("posterior", "prior")
_SEED_ROWS = ("all", "train")
#: Rows of each class a validation part needs, and the training part keeps, for the split.
_MIN_PART = 2


# --------------------------------------------------------------------------- entropy
def local_entropy(X: Any, y: Any, k: int = 15) -> np.ndarray:
    """Shannon entropy (base 2) of the labels among each row's ``k`` nearest neighbours.

    The row itself is not one of its neighbours (:func:`synthaug.neighbors.kneighbors`
    drops it by index, so a duplicate row elsewhere still counts). With ``k_c`` of the
    ``k`` neighbours in class ``c``, ``H = -sum_c (k_c / k) log2(k_c / k)``: 0 when every
    neighbour shares one label, 1 for a 50/50 split of two labels, at most
    ``log2(min(k, n_classes))``. Distances are Euclidean on ``X`` as given, so scale the
    columns first (:class:`LEOCVAEGenerator` standardises them by default).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    k : int, default=15
        Neighbours per row. The search spans all rows, so only the total matters: with
        fewer than ``k + 1`` rows, ``k`` is capped at ``n_samples - 1`` with a
        :class:`~synthaug.exceptions.SynthaugWarning`.

    Returns
    -------
    ndarray of shape (n_samples,)
        Entropies in bits.

    Raises
    ------
    NotEnoughSamplesError
        With fewer than 2 rows (no row has a neighbour).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise InvalidInputError(
            f"X must be 2-D and y 1-D with one label per row; got shapes {X.shape} and "
            f"{y.shape}.")
    check_integer("k", k, 1)
    n = X.shape[0]
    if n < 2:
        raise NotEnoughSamplesError(
            f"local entropy needs at least 2 rows (each row's neighbours exclude itself); "
            f"got {n}.")
    k = int(k)
    if k > n - 1:
        warnings.warn(
            f"local entropy: k={k} neighbours need {k + 1} rows but there are {n}; using "
            f"k={n - 1}.", SynthaugWarning, stacklevel=2)
        k = n - 1
    _, codes = np.unique(y, return_inverse=True)
    n_classes = int(codes.max()) + 1
    labels = codes.reshape(-1)[kneighbors(X, k)]                   # (n, k)
    flat = (np.arange(n)[:, None] * n_classes + labels).ravel()
    counts = np.bincount(flat, minlength=n * n_classes).reshape(n, n_classes)
    p = counts / k
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return np.abs(-terms.sum(axis=1))   # abs: turns -0.0 into 0.0


def seed_probabilities(entropies: Any, gamma: float) -> np.ndarray:
    """Seed probabilities ``P_i = (1 + H_i)^gamma / sum_j (1 + H_j)^gamma``.

    Every weight is at least 1, so a row in a pure neighbourhood (``H = 0``) can still be
    drawn; ``gamma = 0`` draws uniformly.
    """
    w = (1.0 + np.asarray(entropies, dtype=np.float64)) ** float(gamma)
    return w / w.sum()


def draw_seeds(rng: np.random.Generator, entropies: Any, gamma: float, size: int
               ) -> np.ndarray:
    """``size`` positions in ``entropies`` drawn with replacement with the probabilities of
    :func:`seed_probabilities`, from ``rng`` alone."""
    p = seed_probabilities(entropies, gamma)
    return rng.choice(p.shape[0], size=int(size), replace=True, p=p)


def _stratified_split(codes: np.ndarray, fraction: float, rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Training and validation rows: ``round(fraction * n_c)`` random rows of each class
    go to validation, if that leaves at least 2 rows of the class on both sides; a class
    too small for that stays wholly in training (its positions are returned last)."""
    train_parts, val_parts, small = [], [], []
    for c in range(int(codes.max()) + 1):
        rows = np.flatnonzero(codes == c)
        n_val = math.floor(fraction * rows.size + 0.5)
        if n_val < _MIN_PART or rows.size - n_val < _MIN_PART:
            small.append(c)
            train_parts.append(rows)
            continue
        rows = rng.permutation(rows)
        val_parts.append(rows[:n_val])
        train_parts.append(rows[n_val:])
    train = np.sort(np.concatenate(train_parts))
    val = np.sort(np.concatenate(val_parts)) if val_parts else np.empty(0, dtype=np.intp)
    return train, val, small


class _FlatAdam:
    """Adam with L2 weight decay (``torch.optim.Adam``'s update, betas 0.9 / 0.999, eps
    1e-8) and gradient-norm clipping over one flat buffer holding every parameter.

    The network's parameters become views into ``self.params`` and their gradients views
    into ``self.grads``, so a step is a handful of whole-buffer operations instead of a few
    per parameter tensor. With layers this small a step is dominated by per-call overhead,
    and ``torch.optim.Adam`` plus ``clip_grad_norm_`` made it about 20 % slower on the CPU
    (measured on 2 cores). The update is the same as theirs up to float rounding.
    """

    def __init__(self, torch: Any, module: Any, lr: float, weight_decay: float,
                 clip: float | None, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.torch = torch
        self.module_params = list(module.parameters())
        first = self.module_params[0]
        total = sum(p.numel() for p in self.module_params)
        self.params = torch.zeros(total, dtype=first.dtype, device=first.device)
        self.grads = torch.zeros_like(self.params)
        offset = 0
        for p in self.module_params:
            size = p.numel()
            self.params[offset:offset + size].copy_(p.detach().reshape(-1))
            p.data = self.params[offset:offset + size].view_as(p)
            p.grad = self.grads[offset:offset + size].view_as(p)
            offset += size
        self.m = torch.zeros_like(self.params)
        self.v = torch.zeros_like(self.params)
        self.lr, self.weight_decay, self.clip = lr, weight_decay, clip
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.views = True

    def zero_grad(self) -> None:
        self.grads.zero_()

    def step(self) -> None:
        torch = self.torch
        if self.t == 0:   # autograd accumulates into the existing views; check it once
            base = self.grads.untyped_storage().data_ptr()
            self.views = all(p.grad is not None and p.grad.untyped_storage().data_ptr()
                             == base for p in self.module_params)
        if not self.views:
            torch.cat([p.grad.reshape(-1) for p in self.module_params], out=self.grads)
        g = self.grads
        if self.clip is not None:
            norm = torch.linalg.vector_norm(g)
            g.mul_(torch.clamp(self.clip / (norm + 1e-6), max=1.0))
        if self.weight_decay:
            g = g.add(self.params, alpha=self.weight_decay)
        self.t += 1
        self.m.mul_(self.beta1).add_(g, alpha=1.0 - self.beta1)
        self.v.mul_(self.beta2).addcmul_(g, g, value=1.0 - self.beta2)
        bias1 = 1.0 - self.beta1 ** self.t
        bias2 = 1.0 - self.beta2 ** self.t
        denom = (self.v.sqrt() / math.sqrt(bias2)).add_(self.eps)
        self.params.addcdiv_(self.m, denom, value=-self.lr / bias1)
        if not self.views:
            offset = 0
            for p in self.module_params:
                size = p.numel()
                p.data.copy_(self.params[offset:offset + size].view_as(p))
                offset += size

    def release(self) -> None:
        """Give every parameter its own storage again (for saving and pickling)."""
        for p in self.module_params:
            p.data = p.data.clone()
            p.grad = None


# --------------------------------------------------------------------------- generator
class LEOCVAEGenerator(BaseGenerator):
    """LEO-CVAE: local-entropy-guided oversampling with a conditional VAE.

    Multiclass-native: one fit models every class, and ``sample(n, target_class=c)`` draws
    class ``c`` (:class:`~synthaug.sampler.Oversampler` fits it once and draws each class
    it has to fill). Numeric columns only.

    Fitting:

    1. Standardise the columns (``scale=True``; constant columns are left centred with
       scale 1).
    2. Local entropy ``H_i`` of every row over its ``k_neighbors`` nearest rows of all
       classes (:func:`local_entropy`).
    3. Row weights ``W_i = w_{y_i} (1 + H_i)^gamma`` with the balanced class weights
       ``w_c = n / (n_classes n_c)``.
    4. Train a conditional VAE (encoder ``[x, onehot(y)]`` -> ``hidden_dims`` ->
       ``(mu, log sigma^2)`` of size ``latent_dim``; decoder ``[z, onehot(y)]`` ->
       reversed ``hidden_dims`` -> linear output; LeakyReLU(0.2) and dropout after every
       hidden layer) on the loss ``mean_i(W_i ||x_hat_i - x_i||^2) + beta max(KL, kl_floor)``
       where ``KL`` is the batch mean of each row's KL divergence from ``N(0, I)``. Adam,
       mini-batches, gradient-norm clipping, and early stopping on the same loss over a
       stratified validation split; the weights of the best validation epoch are restored.

    Sampling class ``c``: seed rows of class ``c`` drawn with replacement with probability
    proportional to ``(1 + H)^gamma`` (:func:`draw_seeds`), ``z = mu + sigma * eps`` from
    each seed's posterior, decoded with the class's one-hot (dropout off), and mapped back
    to the input's scale. All randomness of a draw (seeds and ``eps``) comes from the numpy
    stream given to the chunk, so draws are deterministic and prefix-consistent.

    Parameters
    ----------
    k_neighbors : int, default=15
        Neighbours of the local entropy.
    gamma : float, default=2.5
        Exponent of the entropy weight ``(1 + H)^gamma`` in the loss and the seed draw.
        0 turns both off (plain class-weighted CVAE, uniform seeds).
    beta : float, default=4.0
        Weight of the KL term.
    kl_floor : float, default=0.1
        Floor on the batch-mean KL (a hinge on the total, not per latent dimension).
    latent_dim : int, default=16
    hidden_dims : sequence of int, default=(64, 32)
        Encoder widths; the decoder mirrors them.
    dropout : float, default=0.1
    lr : float, default=1e-3
        Adam learning rate.
    weight_decay : float, default=1e-5
        Adam's (L2) weight decay.
    batch_size : int, default=32
    max_epochs : int, default=500
    patience : int, default=25
        Epochs without an improvement of the validation loss before stopping.
    min_delta : float, default=1e-4
        Smallest decrease of the validation loss that counts as an improvement.
    validation_fraction : float in [0, 0.5], default=0.2
        Share of each class held out for early stopping. A class that would have fewer
        than 2 rows in either part stays wholly in training, with a warning; when no class
        can be split (or with 0) there is no early stopping and training runs
        ``max_epochs`` epochs on every row.
    grad_clip : float or None, default=1.0
        Maximum gradient norm per step (None: no clipping).
    scale : bool, default=True
        Standardise the columns inside the generator (neighbours and network see z-scores;
        samples come back on the input's scale). False trains on the raw columns, as the
        reference code does.
    sample_from : {"posterior", "prior"}, default="posterior"
        ``"posterior"``: decode ``z`` from an entropy-drawn seed's posterior. ``"prior"``:
        decode ``z ~ N(0, I)`` with the class's one-hot (no seeds).
    seed_rows : {"all", "train"}, default="all"
        Seeds come from every row of the class, or only from its training-split rows (the
        reference code's choice).
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where to train and sample; "cuda" without a CUDA device is an error.
    progress : bool, default=False
        Show a progress bar while training.
    random_state : None, int or Generator, optional
        Seeds the split, the initialisation and training (deterministic on the CPU), and is
        the default seed of :meth:`sample`.

    Attributes
    ----------
    entropies_ : ndarray of shape (n_samples,)
        Local entropy of every training row (in the order of ``y``).
    n_neighbors_ : int
        Neighbours used for the entropies (``k_neighbors``, capped at ``n_samples - 1``).
    class_weights_ : dict
        ``w_c`` per class.
    history_ : list of dict
        Per epoch: ``epoch``, ``loss``, ``recon``, ``kl`` (training means) and
        ``val_loss`` (when there is a validation split).
    best_epoch_ : int
        0-based epoch whose weights were kept (the last one without early stopping).
    n_epochs_ : int
        Epochs run.
    early_stopping_ : bool
        Whether a validation split (and so early stopping) was used.
    module_ : torch.nn.Module
        The trained network, in evaluation mode.
    scale_mean_, scale_std_ : ndarray of shape (n_features,)
        The standardisation (zeros and ones with ``scale=False``).

    Examples
    --------
    >>> from synthaug import Oversampler
    >>> from synthaug.generators.leo_cvae import LEOCVAEGenerator
    >>> X_res, y_res = Oversampler(LEOCVAEGenerator(random_state=0)).fit_resample(X, y)
    ... # doctest: +SKIP
    """

    multiclass_native = True
    handles_categorical = "none"
    chunk_size = 512

    def __init__(self, k_neighbors: int = 15, gamma: float = 2.5, beta: float = 4.0,
                 kl_floor: float = 0.1, latent_dim: int = 16,
                 hidden_dims: Sequence[int] = (64, 32), dropout: float = 0.1,
                 lr: float = 1e-3, weight_decay: float = 1e-5, batch_size: int = 32,
                 max_epochs: int = 500, patience: int = 25, min_delta: float = 1e-4,
                 validation_fraction: float = 0.2, grad_clip: float | None = 1.0,
                 scale: bool = True, sample_from: str = "posterior", seed_rows: str = "all",
                 device: str = "auto", progress: bool = False,
                 random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.gamma = gamma
        self.beta = beta
        self.kl_floor = kl_floor
        self.latent_dim = latent_dim
        self.hidden_dims = hidden_dims
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.min_delta = min_delta
        self.validation_fraction = validation_fraction
        self.grad_clip = grad_clip
        self.scale = scale
        self.sample_from = sample_from
        self.seed_rows = seed_rows
        self.device = device
        self.progress = progress
        self.random_state = random_state

    # ------------------------------------------------------------------ parameters
    def _check_params(self) -> None:
        for name in ("k_neighbors", "latent_dim", "batch_size", "max_epochs", "patience"):
            check_integer(name, getattr(self, name), 1)
        for name in ("gamma", "beta", "kl_floor", "weight_decay", "min_delta"):
            check_number(name, getattr(self, name), 0.0)
        check_number("lr", self.lr, 0.0, open_low=True)
        check_number("dropout", self.dropout, 0.0, 0.99)
        check_number("validation_fraction", self.validation_fraction, 0.0, 0.5)
        check_number("grad_clip", self.grad_clip, 0.0, open_low=True, optional=True)
        dims = self.hidden_dims
        if (isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence) or not dims
                or any(isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1
                       for h in dims)):
            raise InvalidParameterError(
                f"hidden_dims must be a non-empty sequence of integers >= 1, got {dims!r}.")
        if self.sample_from not in _SAMPLE_FROM:
            raise InvalidParameterError(
                f"sample_from must be 'posterior' or 'prior', got {self.sample_from!r}.")
        if self.seed_rows not in _SEED_ROWS:
            raise InvalidParameterError(
                f"seed_rows must be 'all' or 'train', got {self.seed_rows!r}.")
        if not isinstance(self.scale, (bool, np.bool_)):
            raise InvalidParameterError(f"scale must be True or False, got {self.scale!r}.")

    # ------------------------------------------------------------------ fitting
    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        torch = require_torch("LEOCVAEGenerator")
        if X_cat.shape[1]:
            names = [self.codec_.columns_[j] for j in self.codec_.categorical_idx_]
            raise DataTypeError(
                f"LEOCVAEGenerator models numeric columns only; {names} are categorical. "
                "One-hot encode them upstream (and pass categorical_features=None), or use "
                "a generator that handles categories (SMOTE, GaussianGenerator).")
        if X_num.shape[1] == 0:
            raise InvalidInputError("LEOCVAEGenerator needs at least one numeric column.")
        device = resolve_device(self.device, "LEOCVAEGenerator")
        seed = to_entropy(self.random_state)
        _, codes = np.unique(y, return_inverse=True)
        codes = codes.reshape(-1)
        n, n_classes = codes.size, len(self.classes_)
        counts = np.bincount(codes, minlength=n_classes)

        if self.scale:
            mean = X_num.mean(axis=0)
            std = X_num.std(axis=0)
            std[~(std > 1e-12 * np.maximum(1.0, np.abs(mean)))] = 1.0   # constant columns
        else:
            mean, std = np.zeros(X_num.shape[1]), np.ones(X_num.shape[1])
        Z = (X_num - mean) / std
        self.scale_mean_, self.scale_std_ = mean, std

        k = int(self.k_neighbors)
        small = [plain_label(self.classes_[c]) for c in range(n_classes) if counts[c] <= k]
        if small and k <= n - 1:
            warnings.warn(
                f"LEOCVAEGenerator: class(es) {small} have at most k_neighbors={k} rows, so "
                "none of their rows can have a neighbourhood of its own class only; their "
                "entropies are high by construction. Lower k_neighbors if that is not "
                "wanted.", SynthaugWarning, stacklevel=4)
        self.n_neighbors_ = min(k, n - 1)
        self.entropies_ = local_entropy(Z, codes, k)
        class_w = n / (n_classes * counts)
        self.class_weights_ = {plain_label(self.classes_[c]): float(class_w[c])
                               for c in range(n_classes)}
        weights = class_w[codes] * (1.0 + self.entropies_) ** float(self.gamma)

        train_idx, val_idx = self._split(codes, seed)
        self.early_stopping_ = val_idx.size > 0
        self._codes = codes
        self._train_rows = train_idx
        self._device = device
        with seeded(seed, device), torch_threads(1, device):
            self.module_ = self._train(torch, device, Z, codes, weights, train_idx, val_idx)
        self._rows = torch.as_tensor(Z, dtype=torch.float32, device=device)

    def _split(self, codes: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """The internal stratified split (warns when it cannot hold out every class)."""
        every = np.arange(codes.size)
        if self.validation_fraction == 0:
            return every, np.empty(0, dtype=np.intp)
        train_idx, val_idx, small = _stratified_split(
            codes, float(self.validation_fraction), rng_from(seed, 1))
        if small:
            labels = [plain_label(self.classes_[c]) for c in small]
            if val_idx.size == 0:
                warnings.warn(
                    f"LEOCVAEGenerator: no class has enough rows for a "
                    f"{self.validation_fraction:.0%} validation split with {_MIN_PART} rows "
                    f"of the class on each side; training runs all max_epochs="
                    f"{self.max_epochs} epochs on every row, without early stopping.",
                    SynthaugWarning, stacklevel=5)
                return every, val_idx
            warnings.warn(
                f"LEOCVAEGenerator: class(es) {labels} are too small for a "
                f"{self.validation_fraction:.0%} validation split ({_MIN_PART} rows needed "
                "on each side); all their rows are used for training and early stopping "
                "watches the other classes only.", SynthaugWarning, stacklevel=5)
        return train_idx, val_idx

    def _train(self, torch: Any, device: Any, Z: np.ndarray, codes: np.ndarray,
               weights: np.ndarray, train_idx: np.ndarray, val_idx: np.ndarray) -> Any:
        """Build the network and run the epoch loop; returns the module in eval mode."""
        from synthaug.generators._leo_cvae_net import ConditionalVAE, leo_loss

        n_classes = len(self.classes_)
        latent = int(self.latent_dim)
        beta, floor = float(self.beta), float(self.kl_floor)
        module = ConditionalVAE(Z.shape[1], n_classes, self.hidden_dims, latent,
                                float(self.dropout)).to(device)
        clip = None if self.grad_clip is None else float(self.grad_clip)
        optimiser = _FlatAdam(torch, module, float(self.lr), float(self.weight_decay), clip)
        eye = torch.eye(n_classes, dtype=torch.float32, device=device)
        d = Z.shape[1]

        def tensors(idx: np.ndarray) -> tuple[Any, Any, Any]:
            return (torch.as_tensor(Z[idx], dtype=torch.float32, device=device),
                    eye[torch.as_tensor(codes[idx], device=device)],
                    torch.as_tensor(weights[idx], dtype=torch.float32, device=device))

        # rows, one-hots and weights side by side, shuffled once per epoch: a mini-batch
        # is then a slice, not a gather
        packed = torch.cat([t.reshape(len(train_idx), -1) for t in tensors(train_idx)], dim=1)
        n_train, batch = packed.shape[0], int(self.batch_size)

        def step(epoch: int) -> dict[str, float]:
            module.train()
            shuffled = packed[torch.randperm(n_train, device=device)]
            noise = torch.randn(n_train, latent, device=device)
            measures = []
            for start in range(0, n_train, batch):
                rows = shuffled[start:start + batch]
                x, onehot, w = rows[:, :d], rows[:, d:d + n_classes], rows[:, -1]
                x_hat, mu, logvar = module(x, onehot, noise[start:start + batch])
                loss, recon, kl = leo_loss(x_hat, x, mu, logvar, w, beta, floor)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                measures.append(torch.stack([loss, recon, kl]).detach() * rows.shape[0])
            mean = (torch.stack(measures).double().sum(dim=0) / n_train).tolist()
            return {"loss": mean[0], "recon": mean[1], "kl": mean[2]}

        validate = None
        stopper = None
        if val_idx.size:
            X_v, O_v, W_v = tensors(val_idx)
            # one fixed draw of eps for the validation rows: the validation loss is then a
            # deterministic function of the weights, so early stopping compares like with
            # like and the restored weights reproduce the best recorded value exactly
            eps_v = torch.randn(X_v.shape[0], latent, device=device)
            self._validation = (X_v, O_v, W_v, eps_v)

            def validate() -> float:
                return self._validation_loss(module)

            stopper = EarlyStopping(patience=int(self.patience),
                                    min_delta=float(self.min_delta))
        else:
            self._validation = None
        history = train(step, max_epochs=int(self.max_epochs), module=module,
                        validate=validate, early_stopping=stopper,
                        progress=bool(self.progress), description="LEO-CVAE",
                        lr=float(self.lr))
        optimiser.release()
        self.history_ = history
        self.n_epochs_ = len(history)
        self.best_epoch_ = stopper.best_epoch if stopper is not None else len(history) - 1
        module.eval()
        return module

    def _validation_loss(self, module: Any) -> float:
        """The loss over the whole validation split, dropout off, with its fixed ``eps``."""
        torch = require_torch("LEOCVAEGenerator")
        from synthaug.generators._leo_cvae_net import leo_loss

        if self._validation is None:
            raise InvalidParameterError("this fit had no validation split.")
        X_v, O_v, W_v, eps_v = self._validation
        was_training = module.training
        module.eval()
        with torch.no_grad():
            x_hat, mu, logvar = module(X_v, O_v, eps_v)
            loss = leo_loss(x_hat, X_v, mu, logvar, W_v, float(self.beta),
                            float(self.kl_floor))[0]
        module.train(was_training)
        return float(loss)

    # ------------------------------------------------------------------ sampling
    def _seed_pool(self, position: int) -> np.ndarray:
        """Rows that may seed class ``position`` (indices into the training rows)."""
        rows = np.flatnonzero(self._codes == position)
        if self.seed_rows == "train":
            kept = np.intersect1d(rows, self._train_rows)
            return kept if kept.size else rows
        return rows

    def _sample_chunk(self, rng: np.random.Generator, size: int, *args: Any
                      ) -> tuple[np.ndarray, np.ndarray]:
        torch = require_torch("LEOCVAEGenerator")
        (label,) = args
        position = int(np.flatnonzero(self.classes_ == label)[0])
        latent = int(self.latent_dim)
        device = self._device
        module = self.module_
        module.eval()
        onehot = torch.zeros(size, len(self.classes_), dtype=torch.float32, device=device)
        onehot[:, position] = 1.0
        with torch.no_grad(), torch_threads(1, device):
            if self.sample_from == "posterior":
                pool = self._seed_pool(position)
                seeds = pool[draw_seeds(rng, self.entropies_[pool], self.gamma, size)]
                eps = torch.from_numpy(
                    rng.standard_normal((size, latent)).astype(np.float32)).to(device)
                rows = self._rows[torch.as_tensor(seeds, device=device)]
                mu, logvar = module.encode(rows, onehot)
                z = mu + torch.exp(0.5 * logvar) * eps
            else:
                z = torch.from_numpy(
                    rng.standard_normal((size, latent)).astype(np.float32)).to(device)
            out = module.decode(z, onehot).double().cpu().numpy()
        out *= self.scale_std_
        out += self.scale_mean_
        return out, np.empty((size, 0), dtype=np.int64)

    # ------------------------------------------------------------------ memory
    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        """Peak working memory of ``fit`` and ``sample`` in bytes (an upper bound).

        Counts the standardised copy and the float32 tensors of the rows, the neighbour
        search of the entropies (its lists and the float32 blocks of the exact search), the
        network with its gradients and Adam's two moments, and one chunk of samples.
        :class:`~synthaug.sampler.Oversampler` counts it once (the generator is
        multiclass-native: one fit for every class).
        """
        k = int(self.k_neighbors) if isinstance(self.k_neighbors, (int, np.integer)) else 15
        rows = n_rows * n_features * (8 + 3 * 4) + n_rows * 8 * 6   # Z, tensors, weights
        knn = n_rows * (k + 1) * 16 + n_rows * (n_features + 2) * 4 * 2
        knn += 2 * min(n_rows, 1024) ** 2 * 4 * 2
        dims = [int(h) for h in self.hidden_dims] if isinstance(
            self.hidden_dims, Sequence) else [64, 32]
        width = [n_features + 8, *dims, int(self.latent_dim) * 2, *dims[::-1], n_features]
        n_params = sum((a + 1) * b for a, b in itertools.pairwise(width))
        network = 4 * n_params * 4 * 2                  # weights, grads, 2 moments, best copy
        chunk = self.chunk_size * (n_features + 4 * int(self.latent_dim) + 2 * sum(dims)) * 8
        return super().memory_estimate(n_rows, n_features, n_target) + int(
            rows + knn + network + chunk)

    # ------------------------------------------------------------------ inspection
    def _check_fitted(self) -> None:
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")

    def plot_history(self, keys: Sequence[str] | None = None, ax: Any = None) -> Any:
        """Plot the training history (matplotlib), marking the epoch whose weights were
        kept; returns the Axes."""
        self._check_fitted()
        return plot_history(self.history_, keys=keys, ax=ax, best_epoch=self.best_epoch_)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Save the fitted generator to the folder ``path`` (safetensors weights and a JSON
        configuration; no pickle). :meth:`load` reads it back; it then samples exactly the
        rows this generator samples."""
        self._check_fitted()
        torch = require_torch("saving a model")
        tensors = {f"net.{k}": v for k, v in self.module_.state_dict().items()}
        tensors.update({
            "rows": self._rows,
            "codes": torch.as_tensor(self._codes, dtype=torch.int64),
            "train_rows": torch.as_tensor(self._train_rows, dtype=torch.int64),
            "entropies": torch.as_tensor(self.entropies_, dtype=torch.float64),
            "scale_mean": torch.as_tensor(self.scale_mean_, dtype=torch.float64),
            "scale_std": torch.as_tensor(self.scale_std_, dtype=torch.float64),
        })
        params = self.get_params(deep=False)
        params["hidden_dims"] = [int(h) for h in self.hidden_dims]
        if not isinstance(params["random_state"], (int, np.integer, type(None))):
            params["random_state"] = None
        config = {
            "class": type(self).__name__,
            "params": params,
            "classes": self.classes_.tolist(),
            "classes_dtype": self.classes_.dtype.str if self.classes_.dtype != object
            else "object",
            "target_class": self.target_class_,
            "codec": self.codec_.to_state(),
            "n_neighbors": self.n_neighbors_,
            "class_weights": [[k, v] for k, v in self.class_weights_.items()],
            "history": self.history_,
            "best_epoch": self.best_epoch_,
            "early_stopping": self.early_stopping_,
        }
        return save_fitted(path, tensors, config)

    @classmethod
    def load(cls, path: str | Path, device: str = "auto") -> LEOCVAEGenerator:
        """A generator saved by :meth:`save`, ready to sample, on ``device``."""
        from synthaug.generators._leo_cvae_net import ConditionalVAE

        tensors, config = load_fitted(path, kind=cls.__name__)
        params = dict(config["params"])
        params["hidden_dims"] = tuple(params["hidden_dims"])
        params["device"] = device
        gen = cls(**params)
        dev = resolve_device(device, cls.__name__)
        gen.codec_ = TableCodec.from_state(config["codec"])
        dtype = config["classes_dtype"]
        gen.classes_ = np.asarray(config["classes"],
                                  dtype=object if dtype == "object" else np.dtype(dtype))
        gen.target_class_ = config["target_class"]
        gen.n_features_in_ = gen.codec_.n_features_in_
        gen.n_neighbors_ = int(config["n_neighbors"])
        gen.class_weights_ = {k: float(v) for k, v in config["class_weights"]}
        gen.history_ = [{k: (math.nan if v is None else v) for k, v in rec.items()}
                        for rec in config["history"]]
        gen.n_epochs_ = len(gen.history_)
        gen.best_epoch_ = int(config["best_epoch"])
        gen.early_stopping_ = bool(config["early_stopping"])
        gen.entropies_ = tensors["entropies"].numpy()
        gen.scale_mean_ = tensors["scale_mean"].numpy()
        gen.scale_std_ = tensors["scale_std"].numpy()
        gen._codes = tensors["codes"].numpy()
        gen._train_rows = tensors["train_rows"].numpy()
        gen._rows = tensors["rows"].to(dev)
        gen._device = dev
        gen._validation = None
        module = ConditionalVAE(gen.scale_mean_.shape[0], len(gen.classes_),
                                params["hidden_dims"], int(params["latent_dim"]),
                                float(params["dropout"]))
        module.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
        gen.module_ = module.to(dev).eval()
        gen.is_fitted_ = True
        return gen
