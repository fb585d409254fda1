"""MOMS: a neural map from majority rows to minority-like rows.

MOMS (Cha & Kim, arXiv 2509.11511) trains a residual encoder-decoder ``T`` that moves
majority rows onto the minority class. Its loss has two parts:

* the squared maximum mean discrepancy (MMD) between the mapped rows and the minority
  rows, which makes the mapped rows *distributed* like the minority;
* a triplet term that pulls each mapped row towards its nearest *danger* minority row
  (a borderline row, in Borderline-SMOTE's sense) and away from its nearest *safe*
  majority row (one far from every minority row), which puts the new rows where a
  classifier needs them.

New minority rows are the images of majority rows under the trained map. See
``docs/moms.md`` for the defaults, what was measured to choose them, and how this
implementation departs from the reference code.

Torch is needed to fit, sample, save or load (``pip install "synthaug[torch]"``); importing
this module does not need it.
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
from synthaug._random import to_entropy
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
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
    SynthaugWarning,
)
from synthaug.generators.base import BaseGenerator
from synthaug.neighbors import kneighbors

__all__ = ["MOMSGenerator", "danger_mask", "resolve_architecture", "safe_majority_mask"]

_KERNELS = ("gaussian", "laplacian", "imq", "rq")
_OPTIMIZERS = ("adamw", "adam")
#: Widest layer of the "auto" architecture (see :func:`resolve_architecture`).
AUTO_MAX_WIDTH = 256
#: "auto" batch size: full batch while the training subset has at most this many rows,
#: else mini-batches of ``AUTO_BATCH`` rows.
AUTO_FULL_BATCH = 1024
AUTO_BATCH = 512
#: Rows mapped per forward pass when sampling.
_FORWARD_ROWS = 8192
#: Most majority rows mapped per chunk of ``sample`` (one permutation of the majority).
_MAX_CHUNK = 65536
#: Most danger rows used to estimate their mean pairwise distance (the margin's scale).
_MAX_PAIRWISE = 2000


# ---------------------------------------------------------------------- pure helpers
def resolve_architecture(n_features: int, hidden_dims: Any = "auto", latent_dim: Any = "auto"
                         ) -> tuple[tuple[int, ...], int]:
    """The widths of the map for ``n_features`` columns.

    ``"paper"`` is the documented setting: hidden ``(2d, 4d, 8d, 16d)``, latent ``32d``.
    ``"auto"`` is the same shape with every width capped at ``AUTO_MAX_WIDTH`` (256): the
    documented network up to ``d = 8`` (up to ``d = 16`` but for the latent width), while
    for wide data the cost per epoch stops growing with ``d^2`` (``docs/moms.md``).
    Explicit values are used as given.
    """
    d = max(int(n_features), 1)
    if isinstance(hidden_dims, str):
        if hidden_dims not in ("auto", "paper"):
            raise InvalidParameterError(
                f"hidden_dims must be 'auto', 'paper' or a sequence of positive integers; "
                f"got {hidden_dims!r}.")
        cap = AUTO_MAX_WIDTH if hidden_dims == "auto" else math.inf
        hidden = tuple(int(min(m * d, cap)) for m in (2, 4, 8, 16))
    else:
        hidden = tuple(int(w) for w in hidden_dims)
    if isinstance(latent_dim, str):
        if latent_dim not in ("auto", "paper"):
            raise InvalidParameterError(
                f"latent_dim must be 'auto', 'paper' or a positive integer; got "
                f"{latent_dim!r}.")
        latent = int(min(32 * d, AUTO_MAX_WIDTH if latent_dim == "auto" else math.inf))
    else:
        latent = int(latent_dim)
    return hidden, latent


def danger_mask(X: np.ndarray, y: np.ndarray, target_class: Any, k: int = 5) -> np.ndarray:
    """Which rows of ``target_class`` are in *danger*, as Borderline-SMOTE defines it.

    A row is in danger when, among its ``k`` nearest rows of ``X`` (itself excluded), at
    least ``k / 2`` but not all belong to other classes; the rows with all ``k`` of
    another class are noise. This is imbalanced-learn's rule (``m / 2 <= m' < m``): for odd
    ``k`` it means "more than half", for even ``k`` it includes exactly half.

    Returns
    -------
    ndarray of bool, shape (n_target,)
        In the order of the target-class rows of ``y``.
    """
    own = np.flatnonzero(y == target_class)
    nn = _kneighbors_of_rows(X, own, k)
    n_other = (y[nn] != target_class).sum(axis=1)
    return (n_other >= k / 2) & (n_other < k)


def _kneighbors_of_rows(X: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest rows of ``X`` to each of ``X[rows]``, the row itself excluded,
    with one search over the queried rows only (not over all of ``X``)."""
    nn = kneighbors(X, k + 1, X[rows])
    is_self = nn == rows[:, None]
    # drop the row itself where it was found, else the farthest of the k + 1
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(nn, dtype=bool)
    keep[np.arange(nn.shape[0]), drop] = False
    return nn[keep].reshape(nn.shape[0], k)


def safe_majority_mask(X_majority: np.ndarray, X_minority: np.ndarray,
                       percentile: float = 75.0) -> tuple[np.ndarray, np.ndarray, float]:
    """Which majority rows are *safe*: farther from every minority row than the
    ``percentile``-th percentile of that distance over the majority.

    Returns
    -------
    mask : ndarray of bool, shape (n_majority,)
    distance : ndarray of shape (n_majority,)
        Each majority row's distance to its nearest minority row.
    threshold : float
    """
    _, dist = kneighbors(X_minority, 1, X_majority, return_distance=True)
    dist = dist[:, 0]
    threshold = float(np.percentile(dist, percentile))
    return dist > threshold, dist, threshold


def _one_hot_join(X_num: np.ndarray, X_cat: np.ndarray, n_levels: Sequence[int]
                  ) -> np.ndarray:
    """The numeric columns followed by a one-hot block (every level) per categorical
    column: the space the map works in."""
    if not n_levels:
        return X_num
    blocks = [X_num]
    for j, n in enumerate(n_levels):
        block = np.zeros((X_cat.shape[0], n))
        block[np.arange(X_cat.shape[0]), X_cat[:, j]] = 1.0
        blocks.append(block)
    return np.hstack(blocks)


def _one_hot_split(Z: np.ndarray, n_levels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Numeric columns and category codes (the largest value of each one-hot block) of
    mapped rows."""
    n_num = Z.shape[1] - int(sum(n_levels))
    cat = np.empty((Z.shape[0], len(n_levels)), dtype=np.int64)
    start = n_num
    for j, n in enumerate(n_levels):
        cat[:, j] = Z[:, start:start + n].argmax(axis=1)
        start += n
    return np.ascontiguousarray(Z[:, :n_num]), cat


def _net() -> Any:
    """The torch half of MOMS (imported on first use)."""
    require_torch("MOMSGenerator")
    from synthaug.generators import _moms_net

    return _moms_net


# ---------------------------------------------------------------------- the generator
class MOMSGenerator(BaseGenerator):
    """Minority rows as images of majority rows under a map trained with MMD and a
    triplet loss (MOMS, Cha & Kim, arXiv 2509.11511).

    Fitting standardises the columns, finds the danger minority rows and the safe majority
    rows, draws a random training subset ``S`` of the majority (``train_size`` rows), and
    trains the map ``T`` to minimise ``MMD^2(T(S), minority) + lambda_ * triplet``.
    Sampling maps a random subset of the majority (drawn from the sample's seed) and
    undoes the standardisation. Categorical columns are one-hot encoded (every level) for
    the map, and a mapped row takes the level with the largest value of each block.

    For a multiclass problem the source rows are those of the largest class other than
    the target; :class:`~synthaug.sampler.Oversampler` fits one generator per class.

    Parameters
    ----------
    hidden_dims : "auto", "paper" or sequence of int, default="auto"
        Encoder widths (the decoder mirrors them). "paper": ``(2d, 4d, 8d, 16d)``;
        "auto": the same capped at 256 (see :func:`resolve_architecture`).
    latent_dim : "auto", "paper" or int, default="auto"
        Latent width; "paper": ``32d``, "auto": ``min(32d, 256)``.
    lambda_ : float, default=0.01
        Weight of the triplet term; 0 trains on the MMD alone (the "MMD" ablation) and
        never computes the triplet.
    margin : float, default=1.0
        Base triplet margin ``m``.
    alpha : float, default=0.3
        Margin scaling: the margin is ``m + alpha * (mean pairwise distance of the danger
        rows)`` when there are at least 2 danger rows, else ``m``.
    k_neighbors : int, default=5
        Neighbourhood of the danger test.
    safe_percentile : float, default=75.0
        Percentile of the majority's nearest-minority distance above which a majority row
        is safe.
    kernel : {"gaussian", "laplacian", "imq", "rq"}, default="gaussian"
        MMD kernel. The bandwidth ``h`` is the median distance between the mapped and the
        minority rows at each step (detached): Gaussian ``exp(-r^2 / 2h^2)``, Laplacian
        ``exp(-r / h)``, inverse multiquadric ``(1 + r^2 / h^2)^(-1/2)``, rational
        quadratic ``(1 + r^2 / 2h^2)^(-1)``.
    max_epochs : int, default=300
        Upper bound on epochs (the reference runs 1000; see ``docs/moms.md``).
    patience : int or None, default=30
        Early stopping on the training loss: stop after this many epochs without an
        improvement of ``min_delta`` and keep the best weights. None: run every epoch.
    min_delta : float, default=1e-4
    lr : float, default=1e-3
    weight_decay : float, default=1e-4
    optimizer : {"adamw", "adam"}, default="adamw"
        With a cosine learning-rate schedule over ``max_epochs``.
    grad_clip : float, default=0.5
        Largest gradient norm.
    batch_size : "auto", "full" or int, default="auto"
        Rows of ``S`` per step. "full": one step per epoch on all of ``S`` and every
        minority row (the reference); "auto": full batch up to 1024 rows of ``S``, else
        mini-batches of 512. With mini-batches an epoch is one pass over ``S``, and each
        step pairs its batch with at most as many minority rows drawn at random, so memory
        stays ``O(batch^2)``.
    train_size : "auto" or int, default="auto"
        Rows of the training subset ``S``; "auto": majority size minus target size (the
        reference's ``n_trans``), which must be at least 2 (BatchNorm).
    device : {"auto", "cpu", "cuda"}, default="auto"
    n_threads : int or None, default=1
        Torch threads while fitting and sampling on the CPU (restored afterwards); None
        leaves torch's own setting. One thread was fastest on a busy 2-core machine.
    random_state : None, int or Generator, optional
        Seeds the training (subset, initial weights, batches) and is the default seed of
        :meth:`sample`.
    progress : bool, default=False
        Show a progress bar while training.

    Attributes
    ----------
    hidden_dims_, latent_dim_ : tuple of int, int
        The resolved architecture.
    danger_mask_ : ndarray of bool, shape (n_target,)
        Danger rows among the target-class rows (in the order of ``y``).
    safe_mask_ : ndarray of bool, shape (n_source,)
        Safe rows among the source (majority) rows.
    safe_threshold_ : float
        The percentile distance that defines them.
    margin_ : float
        The effective triplet margin.
    source_class_ : label
        The class whose rows are mapped.
    train_indices_ : ndarray of int
        Positions, among the source rows, of the training subset ``S``.
    batch_size_ : int
    history_ : list of dict
        Per epoch: ``loss``, ``mmd2`` and, when the triplet is used, ``triplet``.
    best_epoch_ : int
        The epoch whose weights were kept.
    n_epochs_ : int
    model_ : torch.nn.Module
    """

    handles_categorical = "encoded"

    def __sklearn_is_fitted__(self) -> bool:
        # the parameter lambda_ ends in "_", which scikit-learn would read as fitted state
        return bool(getattr(self, "is_fitted_", False))

    def __init__(self, hidden_dims: Any = "auto", latent_dim: Any = "auto",
                 lambda_: float = 0.01, margin: float = 1.0, alpha: float = 0.3,
                 k_neighbors: int = 5, safe_percentile: float = 75.0,
                 kernel: str = "gaussian", max_epochs: int = 300,
                 patience: int | None = 30, min_delta: float = 1e-4, lr: float = 1e-3,
                 weight_decay: float = 1e-4, optimizer: str = "adamw",
                 grad_clip: float = 0.5, batch_size: Any = "auto",
                 train_size: Any = "auto", device: str = "auto", n_threads: int | None = 1,
                 random_state: Any = None, progress: bool = False) -> None:
        self.hidden_dims = hidden_dims
        self.latent_dim = latent_dim
        self.lambda_ = lambda_
        self.margin = margin
        self.alpha = alpha
        self.k_neighbors = k_neighbors
        self.safe_percentile = safe_percentile
        self.kernel = kernel
        self.max_epochs = max_epochs
        self.patience = patience
        self.min_delta = min_delta
        self.lr = lr
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.grad_clip = grad_clip
        self.batch_size = batch_size
        self.train_size = train_size
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------ chunking
    @property  # type: ignore[override]
    def chunk_size(self) -> int:
        """Rows per random stream of ``sample``: once fitted, the number of source rows
        (capped at 65,536), so each chunk maps a permutation of the source rows and a
        sample of up to that many rows has no repeated source row."""
        return int(getattr(self, "chunk_size_", 1024))

    # ------------------------------------------------------------------ parameters
    def _check_params(self) -> None:
        for name in ("lambda_", "margin", "alpha", "min_delta", "weight_decay"):
            check_number(name, getattr(self, name), 0)
        for name in ("lr", "grad_clip"):
            check_number(name, getattr(self, name), 0, open_low=True)
        check_number("safe_percentile", self.safe_percentile, 0, 100, open_high=True)
        for name in ("k_neighbors", "max_epochs"):
            check_integer(name, getattr(self, name), 1)
        check_integer("n_threads", self.n_threads, 1, optional=True)
        check_integer("patience", self.patience, 1, optional=True)
        if self.kernel not in _KERNELS:
            raise InvalidParameterError(
                f"kernel must be one of {', '.join(_KERNELS)}; got {self.kernel!r}.")
        if self.optimizer not in _OPTIMIZERS:
            raise InvalidParameterError(
                f"optimizer must be one of {', '.join(_OPTIMIZERS)}; got {self.optimizer!r}.")
        b = self.batch_size
        if not (b in ("auto", "full") or (not isinstance(b, bool)
                                          and isinstance(b, (int, np.integer)) and b >= 2)):
            raise InvalidParameterError(
                f"batch_size must be 'auto', 'full' or an integer >= 2; got {b!r}.")
        t = self.train_size
        if not (t == "auto" or (not isinstance(t, bool) and isinstance(t, (int, np.integer))
                                and t >= 2)):
            raise InvalidParameterError(
                f"train_size must be 'auto' or an integer >= 2 (BatchNorm needs 2 rows); "
                f"got {t!r}.")
        hidden, latent = resolve_architecture(1, self.hidden_dims, self.latent_dim)
        if not hidden or min(hidden) < 1 or latent < 1:
            raise InvalidParameterError(
                f"hidden_dims must hold at least one positive width and latent_dim must be "
                f">= 1; got {self.hidden_dims!r} and {self.latent_dim!r}.")

    # ------------------------------------------------------------------ fitting
    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        torch = require_torch("MOMSGenerator")
        net = _net()
        device = resolve_device(self.device, "MOMSGenerator")
        self.n_levels_ = [len(c) for c in self.codec_.categories_]
        X_num = _one_hot_join(X_num, X_cat, self.n_levels_)
        d = X_num.shape[1]
        self.hidden_dims_, self.latent_dim_ = resolve_architecture(d, self.hidden_dims,
                                                                   self.latent_dim)

        # 1. the classes: target rows and the source (largest other class)
        labels, counts = np.unique(y, return_counts=True)
        others = labels != target_class
        if not others.any():
            raise NotEnoughSamplesError("MOMS needs a second class to map rows from.")
        self.source_class_ = plain_label(labels[others][int(np.argmax(counts[others]))])
        src_rows = np.flatnonzero(y == self.source_class_)
        tgt_rows = np.flatnonzero(y == target_class)
        n_src, n_tgt = src_rows.size, tgt_rows.size
        n_train = (n_src - n_tgt) if self.train_size == "auto" else int(self.train_size)
        if n_train < 2:
            raise NotEnoughSamplesError(
                f"MOMS trains on train_size = {n_train} source rows (train_size='auto' is "
                f"{n_src} rows of class {self.source_class_!r} minus {n_tgt} of class "
                f"{target_class!r}); BatchNorm needs at least 2. The classes are (nearly) "
                "balanced: pass train_size=<int >= 2> to train anyway.")
        if n_train > n_src:
            raise InvalidParameterError(
                f"train_size={n_train} exceeds the {n_src} rows of the source class "
                f"{self.source_class_!r}.")
        if X_num.shape[0] < self.k_neighbors + 1:
            raise NotEnoughSamplesError(
                f"k_neighbors={self.k_neighbors} needs at least {self.k_neighbors + 1} rows; "
                f"got {X_num.shape[0]}.")

        # 2. standardise (constant columns keep scale 1)
        self.mean_ = X_num.mean(axis=0)
        scale = X_num.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = (X_num - self.mean_) / self.scale_

        # 3. danger and safe sets
        self.danger_mask_ = danger_mask(Z, y, target_class, self.k_neighbors)
        Z_src, Z_tgt = Z[src_rows], Z[tgt_rows]
        self.safe_mask_, _, self.safe_threshold_ = safe_majority_mask(
            Z_src, Z_tgt, self.safe_percentile)
        danger = Z_tgt[self.danger_mask_]
        safe = Z_src[self.safe_mask_]
        entropy = to_entropy(self.random_state)
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(7,)))
        self.margin_ = float(self.margin)
        if danger.shape[0] > 1:
            pts = danger
            if pts.shape[0] > _MAX_PAIRWISE:
                pts = pts[rng.choice(pts.shape[0], _MAX_PAIRWISE, replace=False)]
            diff = np.sqrt(np.maximum(
                (pts ** 2).sum(1)[:, None] + (pts ** 2).sum(1)[None, :] - 2 * pts @ pts.T, 0))
            iu = np.triu_indices(pts.shape[0], 1)
            self.margin_ += float(self.alpha) * float(diff[iu].mean())
        use_triplet = self.lambda_ > 0 and danger.shape[0] > 0 and safe.shape[0] > 0
        if self.lambda_ > 0 and not use_triplet:
            warnings.warn(
                f"MOMS: class {target_class!r} has {danger.shape[0]} danger rows and "
                f"{safe.shape[0]} safe majority rows; the triplet term needs both, so the "
                "map is trained on the MMD alone.", SynthaugWarning, stacklevel=4)
        self.uses_triplet_ = bool(use_triplet)

        # 4. the training subset S (random, never the first rows) and the batch size
        self.train_indices_ = np.sort(rng.choice(n_src, n_train, replace=False))
        if self.batch_size == "full" or (self.batch_size == "auto"
                                         and n_train <= AUTO_FULL_BATCH):
            self.batch_size_ = n_train
        else:
            size = AUTO_BATCH if self.batch_size == "auto" else int(self.batch_size)
            self.batch_size_ = min(size, n_train)
        full = self.batch_size_ >= n_train

        # 5. train
        f32 = torch.float32
        S_t = torch.as_tensor(Z_src[self.train_indices_], dtype=f32, device=device)
        T_t = torch.as_tensor(Z_tgt, dtype=f32, device=device)
        D_t = torch.as_tensor(danger, dtype=f32, device=device)
        M_t = torch.as_tensor(safe, dtype=f32, device=device)
        lam, kernel, margin = float(self.lambda_), self.kernel, self.margin_
        with seeded(entropy, device), torch_threads(self.n_threads, device):
            model = net.TransMap(d, self.hidden_dims_, self.latent_dim_).to(device)
            opt_cls = torch.optim.AdamW if self.optimizer == "adamw" else torch.optim.Adam
            opt = opt_cls(model.parameters(), lr=float(self.lr),
                          weight_decay=float(self.weight_decay))
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=self.max_epochs)

            def step(epoch: int) -> dict[str, float]:
                model.train()
                if full:
                    batches = [None]
                else:
                    n_b = math.ceil(n_train / self.batch_size_)
                    batches = np.array_split(rng.permutation(n_train), n_b)
                sums = {"loss": 0.0, "mmd2": 0.0, "triplet": 0.0}
                for idx in batches:
                    if idx is None:
                        S_b, T_b = S_t, T_t
                    else:
                        S_b = S_t[torch.as_tensor(idx, device=device)]
                        T_b = T_t if n_tgt <= len(idx) else T_t[torch.as_tensor(
                            rng.choice(n_tgt, len(idx), replace=False), device=device)]
                    mapped = model(S_b)
                    h = net.median_bandwidth(mapped.detach(), T_b)
                    mmd = net.mmd2_biased(mapped, T_b, h, kernel)
                    loss = mmd
                    if use_triplet:
                        trip = net.triplet_loss(mapped, D_t, M_t, margin)
                        loss = mmd + lam * trip
                        sums["triplet"] += float(trip.detach())
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), float(self.grad_clip))
                    opt.step()
                    sums["loss"] += float(loss.detach())
                    sums["mmd2"] += float(mmd.detach())
                sched.step()
                out = {k: v / len(batches) for k, v in sums.items()}
                if not use_triplet:
                    del out["triplet"]
                return out

            stopper = (EarlyStopping(patience=int(self.patience), min_delta=float(
                self.min_delta)) if self.patience is not None else None)
            self.history_ = train(step, max_epochs=int(self.max_epochs), module=model,
                                  early_stopping=stopper, progress=bool(self.progress),
                                  description="MOMS", lr=float(self.lr))
        self.n_epochs_ = len(self.history_)
        self.best_epoch_ = stopper.best_epoch if stopper is not None else self.n_epochs_ - 1
        model.eval()
        self.model_ = model
        self._device = device
        self._source = torch.as_tensor(Z_src, dtype=f32, device=device)
        self.chunk_size_ = int(min(n_src, _MAX_CHUNK))

    # ------------------------------------------------------------------ sampling
    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Map ``size`` source rows: consecutive random permutations of the source rows
        (so no source row repeats within ``n_source`` rows), chosen with ``rng``."""
        torch = require_torch("MOMSGenerator")
        n_src = self._source.shape[0]
        reps = math.ceil(size / n_src)
        idx = np.concatenate([rng.permutation(n_src) for _ in range(reps)])[:size]
        out = np.empty((size, self._source.shape[1]), dtype=np.float64)
        self.model_.eval()
        with torch.no_grad(), torch_threads(self.n_threads, self._device):
            for start in range(0, size, _FORWARD_ROWS):
                part = torch.as_tensor(idx[start:start + _FORWARD_ROWS], device=self._device)
                out[start:start + part.shape[0]] = self.model_(
                    self._source[part]).double().cpu().numpy()
        out *= self.scale_
        out += self.mean_
        return _one_hot_split(out, self.n_levels_)

    # ------------------------------------------------------------------ memory
    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        """Peak bytes of fit and sample: the standardised copy and neighbour search, the
        network with its optimiser state and best-weight copy, the activations of one
        step, the step's kernel matrices, and the chunk mapped at sampling."""
        d = max(int(n_features), 1)
        hidden, latent = resolve_architecture(d, self.hidden_dims, self.latent_dim)
        widths = [d, *hidden, latent, *reversed(hidden), d]
        params = sum(a * b + 3 * b for a, b in itertools.pairwise(widths))
        n_src = max(int(n_rows) - int(n_target), 2)
        n_train = max(n_src - int(n_target), 2) if self.train_size == "auto" \
            else int(self.train_size)
        b = self.batch_size
        rows = (n_train if b == "full" or (b == "auto" and n_train <= AUTO_FULL_BATCH)
                else min(AUTO_BATCH if b == "auto" else int(b), n_train))
        pair_rows = rows + min(int(n_target), rows)
        data = 3 * int(n_rows) * d * 8 + n_src * d * 4
        network = 6 * params * 4
        activations = 4 * rows * sum(widths) * 4
        kernels = 8 * pair_rows * pair_rows * 4 + 2 * rows * 8192 * 4
        chunk = min(n_src, _MAX_CHUNK) * d * 8 + min(n_src, _FORWARD_ROWS) * sum(widths) * 4
        return int(data + network + activations + kernels + chunk)

    # ------------------------------------------------------------------ extras
    def plot_history(self, keys: Sequence[str] | None = None, ax: Any = None) -> Any:
        """Plot the training history (matplotlib), the kept epoch marked."""
        self._check_fitted()
        return plot_history(self.history_, keys=keys, ax=ax, best_epoch=self.best_epoch_)

    def _check_fitted(self) -> None:
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")

    def save(self, path: str | Path) -> Path:
        """Save the fitted generator to the folder ``path`` (safetensors + JSON, no
        pickle); :meth:`load` reads it back and samples the same rows."""
        self._check_fitted()
        tensors = {f"model.{k}": v for k, v in self.model_.state_dict().items()}
        tensors["source"] = self._source
        config = {
            "class": type(self).__name__,
            "params": self.get_params(deep=False),
            "fitted": {
                "hidden_dims": list(self.hidden_dims_), "latent_dim": self.latent_dim_,
                "mean": self.mean_, "scale": self.scale_,
                "target_class": self.target_class_, "source_class": self.source_class_,
                "classes": self.classes_.tolist(), "history": self.history_,
                "best_epoch": self.best_epoch_, "n_epochs": self.n_epochs_,
                "margin": self.margin_, "safe_threshold": self.safe_threshold_,
                "danger_mask": self.danger_mask_, "safe_mask": self.safe_mask_,
                "train_indices": self.train_indices_, "batch_size": self.batch_size_,
                "uses_triplet": self.uses_triplet_,
            },
            "n_levels": list(self.n_levels_),
            "codec": self.codec_.to_state(),
        }
        return save_fitted(path, tensors, config)

    @classmethod
    def load(cls, path: str | Path, *, device: str = "auto") -> MOMSGenerator:
        """A generator saved by :meth:`save`, on ``device``."""
        torch = require_torch("MOMSGenerator")
        tensors, config = load_fitted(path, kind=cls.__name__)
        fitted = config["fitted"]
        gen = cls(**{**config["params"], "device": device})
        dev = resolve_device(device, cls.__name__)
        d = len(fitted["mean"])
        gen.n_levels_ = [int(n) for n in config["n_levels"]]
        model = _net().TransMap(d, fitted["hidden_dims"], fitted["latent_dim"])
        model.load_state_dict({k[len("model."):]: v for k, v in tensors.items()
                               if k.startswith("model.")})
        gen.model_ = model.to(dev).eval()
        gen._device = dev
        gen._source = tensors["source"].to(dev)
        gen.hidden_dims_ = tuple(fitted["hidden_dims"])
        gen.latent_dim_ = int(fitted["latent_dim"])
        gen.mean_ = np.asarray(fitted["mean"], dtype=np.float64)
        gen.scale_ = np.asarray(fitted["scale"], dtype=np.float64)
        gen.classes_ = np.asarray(fitted["classes"])
        gen.target_class_ = fitted["target_class"]
        gen.source_class_ = fitted["source_class"]
        gen.history_ = fitted["history"]
        gen.best_epoch_ = int(fitted["best_epoch"])
        gen.n_epochs_ = int(fitted["n_epochs"])
        gen.margin_ = float(fitted["margin"])
        gen.safe_threshold_ = float(fitted["safe_threshold"])
        gen.danger_mask_ = np.asarray(fitted["danger_mask"], dtype=bool)
        gen.safe_mask_ = np.asarray(fitted["safe_mask"], dtype=bool)
        gen.train_indices_ = np.asarray(fitted["train_indices"], dtype=np.intp)
        gen.batch_size_ = int(fitted["batch_size"])
        gen.uses_triplet_ = bool(fitted["uses_triplet"])
        gen.chunk_size_ = int(min(gen._source.shape[0], _MAX_CHUNK))
        gen.codec_ = TableCodec.from_state(config["codec"])
        gen.n_features_in_ = gen.codec_.n_features_in_
        gen.is_fitted_ = True
        del torch
        return gen
