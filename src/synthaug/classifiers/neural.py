"""Neural classifiers trained the way "Simplifying Neural Network Training Under Class
Imbalance" (Shwartz-Ziv et al., NeurIPS 2023, arXiv 2312.02517) recommends: tune the
ordinary parts of training for the imbalance instead of adding a special loss.

* :class:`ImbalancedMLPClassifier`: a multilayer perceptron for tabular rows.
* :class:`ImbalancedCNNClassifier`: a small convolutional network for small images (such
  as scikit-learn's 8x8 digits).

Both take the same training settings:

* the optimiser (SGD with momentum or AdamW, cosine learning-rate decay) wrapped, if asked,
  in SAM or SAM-A (:mod:`synthaug.classifiers.sam`);
* label smoothing, uniform or class-conditional (:mod:`synthaug.classifiers.smoothing`);
* the batch size, ``"auto"`` proposing one from the imbalance ratio
  (:func:`synthaug.classifiers.suggest_batch_size`);
* an augmentation policy and its strength (:mod:`synthaug.classifiers.augmentation`), a
  synthaug generator among them;
* class weighting or balanced sampling, and early stopping on a balanced validation
  measure.

They follow scikit-learn's classifier API (``fit``, ``predict``, ``predict_proba``,
``classes_``) and need torch (``pip install "synthaug[torch]"``). On the CPU a fit is
deterministic for a fixed ``random_state``.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from synthaug._labels import plain_label
from synthaug._random import to_entropy
from synthaug._validation import check_integer, check_matrix, check_number, check_target
from synthaug.classifiers.augmentation import AugmentationPolicy, make_policy
from synthaug.classifiers.batch_size import suggest_batch_size
from synthaug.classifiers.sam import SAM_MODES, SharpnessAware
from synthaug.classifiers.smoothing import (
    check_smoothing,
    smoothed_targets,
    smoothing_epsilons,
)
from synthaug.deep import (
    EarlyStopping,
    require_torch,
    resolve_device,
    seeded,
    torch_threads,
    train,
)
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
)

__all__ = ["ImbalancedCNNClassifier", "ImbalancedMLPClassifier"]

#: Rows per forward pass when predicting.
_PREDICT_BLOCK = 8192
#: The values of ``sam``.
SAM_CHOICES = ("none", "sam", "sam-a")
#: The values of ``optimizer`` and their default learning rates.
OPTIMIZERS = {"sgd": 0.01, "adamw": 1e-3}
#: The values of ``early_stopping_metric``.
STOP_METRICS = ("balanced_log_loss", "balanced_accuracy")


class _ImbalancedNetwork(ClassifierMixin, BaseEstimator):
    """What the MLP and the CNN share: validation, the training loop and prediction.

    Subclasses set ``_images`` and implement ``_build(n_inputs, n_classes)`` (the network)
    and ``_inputs(X)`` (validated rows as a float matrix, one flat row per sample).
    """

    _images = False

    # ------------------------------------------------------------------ parameters
    def _check_params(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise InvalidParameterError(
                f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}; got "
                f"{self.optimizer!r}.")
        check_number("learning_rate", self.learning_rate, 0.0, open_low=True, optional=True)
        check_number("momentum", self.momentum, 0.0, 1.0, open_high=True)
        check_number("weight_decay", self.weight_decay, 0.0)
        if self.sam not in SAM_CHOICES:
            raise InvalidParameterError(
                f"sam must be one of {', '.join(map(repr, SAM_CHOICES))}; got {self.sam!r}.")
        if self.sam_mode not in SAM_MODES[1:]:
            raise InvalidParameterError(
                f"sam_mode must be one of {', '.join(map(repr, SAM_MODES[1:]))}; got "
                f"{self.sam_mode!r}.")
        check_number("rho", self.rho, 0.0)
        check_number("sam_beta", self.sam_beta, 0.0)
        check_smoothing(self.label_smoothing, self.smoothing, self.smoothing_alpha,
                        self.max_smoothing)
        if not (isinstance(self.batch_size, str) and self.batch_size == "auto"):
            check_integer("batch_size", self.batch_size, 1)
        if not (self.class_weight is None or isinstance(self.class_weight, dict) or (
                isinstance(self.class_weight, str) and self.class_weight == "balanced")):
            raise InvalidParameterError(
                f'class_weight must be None, "balanced" or a dict {{label: weight}}; got '
                f"{self.class_weight!r}.")
        if not isinstance(self.balanced_sampling, bool | np.bool_):
            raise InvalidParameterError(
                f"balanced_sampling must be True or False; got {self.balanced_sampling!r}.")
        check_integer("max_epochs", self.max_epochs, 1)
        check_integer("patience", self.patience, 1)
        check_number("validation_fraction", self.validation_fraction, 0.0, 1.0,
                     open_low=True, open_high=True)
        if self.early_stopping_metric not in STOP_METRICS:
            raise InvalidParameterError(
                f"early_stopping_metric must be one of {', '.join(map(repr, STOP_METRICS))};"
                f" got {self.early_stopping_metric!r}.")
        check_number("dropout", self.dropout, 0.0, 1.0, open_high=True)
        make_policy(self.augmentation, self.augmentation_strength, images=self._images,
                    generator=self.augmentation_generator)

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Any, y: Any) -> _ImbalancedNetwork:
        """Train the network on ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like
            Training rows (see the class docstring for the shapes accepted).
        y : array-like of shape (n_samples,)
            Class labels, two or more classes.

        Returns
        -------
        self
        """
        torch = require_torch(type(self).__name__)
        self._check_params()
        X_arr = self._inputs(X)
        y_arr = check_target(y)
        if X_arr.shape[0] != y_arr.shape[0]:
            raise InvalidInputError(f"X has {X_arr.shape[0]} rows but y has {y_arr.shape[0]} "
                                    "labels; they must have the same length.")
        self.classes_, codes = np.unique(y_arr, return_inverse=True)
        self.n_features_in_ = X_arr.shape[1]
        seed = to_entropy(self.random_state)
        rng = np.random.default_rng(seed)
        train_idx, val_idx = self._split(codes, rng)
        X_fit, c_fit = X_arr[train_idx], codes[train_idx]
        n_classes = len(self.classes_)
        counts = np.bincount(c_fit, minlength=n_classes).astype(np.float64)

        self.batch_size_ = (suggest_batch_size(c_fit) if self.batch_size == "auto"
                            else int(self.batch_size))
        if self.batch_size_ > len(c_fit):
            where = " after the validation split" if val_idx is not None else ""
            raise InvalidParameterError(
                f"batch_size={self.batch_size_} is larger than the {len(c_fit)} training "
                f"rows{where}; use batch_size <= {len(c_fit)} or batch_size=\"auto\".")
        if self._images or not getattr(self, "scale", False):
            self.mean_ = np.zeros(X_arr.shape[1])
            self.scale_ = np.ones(X_arr.shape[1])
        else:
            self.mean_ = X_fit.mean(axis=0)
            std = X_fit.std(axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)
        Z_fit = (X_fit - self.mean_) / self.scale_
        self.smoothing_ = smoothing_epsilons(counts, self.label_smoothing, mode=self.smoothing,
                                             alpha=self.smoothing_alpha,
                                             max_smoothing=self.max_smoothing)
        self.class_weight_ = self._class_weights(c_fit)
        policy = copy.deepcopy(make_policy(self.augmentation, self.augmentation_strength,
                                           images=self._images,
                                           generator=self.augmentation_generator))
        policy.prepare(Z_fit, c_fit, int(rng.integers(2**31 - 1)))
        self.augmentation_ = policy

        device = resolve_device(self.device, type(self).__name__)
        self.device_ = str(device)
        with torch_threads(1, device), seeded(seed, device):
            self.module_ = self._build(X_arr.shape[1], n_classes).to(device).float()
            self.history_ = self._train(torch, device, Z_fit, c_fit, counts, val_idx, X_arr,
                                        codes, rng, policy)
        self.module_.eval()
        self.n_epochs_ = len(self.history_)
        return self

    def _class_weights(self, c_fit: np.ndarray) -> np.ndarray:
        """Loss weight of each class (scikit-learn's ``compute_class_weight``)."""
        from sklearn.utils.class_weight import compute_class_weight

        if self.class_weight is None:
            return np.ones(len(self.classes_))
        try:
            weights = compute_class_weight(self.class_weight, classes=self.classes_,
                                           y=self.classes_[c_fit])
        except ValueError as exc:
            raise InvalidParameterError(f"class_weight: {exc}") from None
        if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.max() > 0):
            raise InvalidParameterError(
                f"class_weight must give finite weights >= 0, not all 0; got "
                f"{self.class_weight!r}.")
        return weights

    def _split(self, codes: np.ndarray, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray | None]:
        """Training and validation rows (stratified; validation only with early
        stopping)."""
        everything = np.arange(len(codes))
        if not self.early_stopping:
            return everything, None
        counts = np.bincount(codes)
        if counts.min() < 2:
            label = plain_label(self.classes_[int(np.argmin(counts))])
            raise NotEnoughSamplesError(
                f"early_stopping holds out validation rows of every class, but class "
                f"{label!r} has {counts.min()} row; give it at least 2 rows or set "
                "early_stopping=False.")
        val = []
        for code in range(len(counts)):
            rows = rng.permutation(np.flatnonzero(codes == code))
            take = min(max(1, round(self.validation_fraction * len(rows))), len(rows) - 1)
            val.append(rows[:take])
        val_idx = np.sort(np.concatenate(val))
        return np.setdiff1d(everything, val_idx), val_idx

    def _train(self, torch: Any, device: Any, Z_fit: np.ndarray, c_fit: np.ndarray,
               counts: np.ndarray, val_idx: np.ndarray | None, X_all: np.ndarray,
               codes: np.ndarray, rng: np.random.Generator, policy: AugmentationPolicy
               ) -> list[dict[str, float]]:
        module = self.module_
        lr = self.learning_rate if self.learning_rate is not None else OPTIMIZERS[
            self.optimizer]
        if self.optimizer == "sgd":
            base = torch.optim.SGD(module.parameters(), lr=lr, momentum=self.momentum,
                                   weight_decay=self.weight_decay)
        else:
            base = torch.optim.AdamW(module.parameters(), lr=lr,
                                     weight_decay=self.weight_decay)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(base, T_max=self.max_epochs)
        sam = None
        if self.sam != "none":
            sam = SharpnessAware(module.parameters(), base, rho=self.rho,
                                 mode="sam" if self.sam == "sam" else self.sam_mode,
                                 class_counts=counts, beta=self.sam_beta)
        targets = torch.as_tensor(smoothed_targets(np.arange(len(counts)), self.smoothing_),
                                  dtype=torch.float32, device=device)
        weights = torch.as_tensor(self.class_weight_, dtype=torch.float32, device=device)
        gen = torch.Generator().manual_seed(int(rng.integers(2**63 - 1)))
        X_t = torch.as_tensor(Z_fit, dtype=torch.float32, device=device)
        y_t = torch.as_tensor(c_fit, dtype=torch.int64, device=device)
        draw_p = None
        if self.balanced_sampling:
            draw_p = (1.0 / counts)[c_fit]
            draw_p /= draw_p.sum()
        size = self.batch_size_

        def step(epoch: int) -> dict[str, float]:
            module.train()
            X_ep, y_ep = X_t, y_t
            extra = policy.extra_rows(rng)
            if extra is not None:
                X_ep = torch.cat([X_t, torch.as_tensor(extra[0], dtype=torch.float32,
                                                       device=device)])
                y_ep = torch.cat([y_t, torch.as_tensor(extra[1], device=device)])
            n = len(y_ep)
            order = (rng.choice(len(c_fit), len(c_fit), p=draw_p) if draw_p is not None
                     else rng.permutation(n))
            if draw_p is not None and extra is not None:
                order = np.concatenate([order, np.arange(len(c_fit), n)])
                order = order[rng.permutation(len(order))]
            order_t = torch.as_tensor(order, device=device)
            total, rows = 0.0, 0
            for start in range(0, len(order), size):
                idx = order_t[start:start + size]
                xb = policy.transform(self._shape(X_ep[idx]), y_ep[idx], gen)
                yb = y_ep[idx]

                def losses(index: Any = None, xb: Any = xb, yb: Any = yb) -> Any:
                    xs, ys = (xb, yb) if index is None else (xb[index], yb[index])
                    logp = torch.log_softmax(module(xs), dim=1)
                    return -(targets[ys] * logp).sum(dim=1) * weights[ys]

                if sam is not None:
                    value = sam.step(losses, yb)
                else:
                    base.zero_grad(set_to_none=True)
                    loss = losses().mean()
                    loss.backward()
                    base.step()
                    value = float(loss.detach())
                total += value * len(yb)
                rows += len(yb)
            schedule.step()
            return {"loss": total / rows}

        validate = None
        stopper = None
        if val_idx is not None:
            X_val = (X_all[val_idx] - self.mean_) / self.scale_
            c_val = codes[val_idx]

            def validate() -> float:
                proba = self._proba_scaled(torch, X_val)
                if self.early_stopping_metric == "balanced_accuracy":
                    from synthaug.metrics import balanced_accuracy

                    return 1.0 - balanced_accuracy(c_val, proba.argmax(axis=1))
                from synthaug.metrics import balanced_log_loss

                return balanced_log_loss(c_val, proba, labels=np.arange(len(counts)))

            stopper = EarlyStopping(patience=self.patience)
        history = train(step, max_epochs=self.max_epochs, module=module, validate=validate,
                        early_stopping=stopper, progress=self.progress,
                        description=type(self).__name__, lr=lr)
        self.best_epoch_ = stopper.best_epoch if stopper is not None else len(history) - 1
        return history

    # ------------------------------------------------------------------ prediction
    def _shape(self, X: Any) -> Any:
        """Flat rows as the network's input (images: (n, C, H, W))."""
        return X

    def _proba_scaled(self, torch: Any, Z: np.ndarray) -> np.ndarray:
        module = self.module_
        was_training = module.training
        module.eval()
        device = next(module.parameters()).device
        out = []
        with torch.no_grad():
            for start in range(0, len(Z), _PREDICT_BLOCK):
                xb = torch.as_tensor(Z[start:start + _PREDICT_BLOCK], dtype=torch.float32,
                                     device=device)
                out.append(torch.softmax(module(self._shape(xb)), dim=1).double().cpu()
                           .numpy())
        module.train(was_training)
        proba = np.vstack(out) if out else np.empty((0, len(self.classes_)))
        return proba / proba.sum(axis=1, keepdims=True)

    def _check_fitted(self) -> None:
        if not hasattr(self, "module_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_``
        order."""
        self._check_fitted()
        torch = require_torch(type(self).__name__)
        X_arr = self._inputs(X)
        if X_arr.shape[1] != self.n_features_in_:
            raise InvalidInputError(
                f"X has {X_arr.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input.")
        with torch_threads(1, torch.device(self.device_)):
            return self._proba_scaled(torch, (X_arr - self.mean_) / self.scale_)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "module_")

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


_COMMON_DOC = """
    optimizer : {"sgd", "adamw"}, default="sgd"
        Base optimiser; its learning rate decays to 0 along a cosine over ``max_epochs``.
    learning_rate : float, optional
        Default 0.01 for SGD, 0.001 for AdamW.
    momentum : float in [0, 1), default=0.9
        SGD's momentum.
    weight_decay : float, default=5e-4
    sam : {"none", "sam", "sam-a"}, default="sam-a"
        Plain steps, sharpness-aware steps, or asymmetric SAM-A whose ascent favours the
        rarer classes (:mod:`synthaug.classifiers.sam`). SAM costs two gradient passes per
        step.
    sam_mode : {"weighted_direction", "per_class_radius"}, default="weighted_direction"
        The reading of SAM-A: the authors' code (ascent direction from the class-weighted
        loss) or a larger ascent radius per rarer class.
    rho : float, default=0.05
        Ascent radius.
    sam_beta : float, default=1.0
        Exponent of SAM-A's class factors ``(n_max / n_c) ** sam_beta``.
    label_smoothing : float in [0, 1), default={default_smoothing}
        Smoothing of the largest class's targets (of every class with
        ``smoothing="uniform"``); 0 turns smoothing off. Defaults by evidence
        (``docs/imbalanced_nn.md``): 0.05 for the MLP (on 12 bundled tables it gave the
        best AUPRC and MCC ranks of the settings tried) and 0 for the CNN (on the digits
        task class-conditional smoothing cost balanced accuracy at every ratio).
    smoothing : {"class-conditional", "uniform"}, default="class-conditional"
        Class-conditional: ``min(max_smoothing, label_smoothing * (n_max / n_c) **
        smoothing_alpha)`` (a reconstruction; :mod:`synthaug.classifiers.smoothing`).
    smoothing_alpha : float, default=0.5
    max_smoothing : float in [0, 1), default=0.5
    batch_size : int or "auto", default="auto"
        Rows per step; ``"auto"`` is :func:`synthaug.classifiers.suggest_batch_size` of the
        training labels (smaller for larger imbalance ratios).
    augmentation : str or AugmentationPolicy, default={default_aug!r}
        Per-batch augmentation (:mod:`synthaug.classifiers.augmentation`); ``"generator"``
        adds fresh synthetic rows of the smaller classes every epoch.
    augmentation_strength : float, default=1.0
    augmentation_generator : str or generator, default="smote"
        The generator of ``augmentation="generator"``.
    class_weight : None, "balanced" or dict, default=None
        Weigh each row's loss by its class's weight: ``"balanced"`` is ``n / (K n_c)``, a
        dict maps labels to weights (others get 1), as in scikit-learn.
    balanced_sampling : bool, default=False
        Draw each epoch's rows with replacement so that every class is equally likely.
    max_epochs : int, default=100
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of every class and keep the weights of the epoch
        with the best ``early_stopping_metric``; stop after ``patience`` epochs without
        improvement.
    validation_fraction : float in (0, 1), default=0.1
    patience : int, default=20
    early_stopping_metric : {"balanced_log_loss", "balanced_accuracy"}
    dropout : float in [0, 1), default=0.0
    device : {"auto", "cpu", "cuda"}, default="auto"
    progress : bool, default=False
        Show a progress bar while training.
    random_state : int, numpy Generator or None
        Seeds the split, the initial weights, the batches and the augmentation.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    module_ : torch.nn.Module
        The trained network (in evaluation mode).
    history_ : list of dict
        Per epoch: ``loss`` (training) and, with early stopping, ``val_loss`` (the
        monitored measure, lower is better: ``1 - balanced accuracy`` for that metric).
    best_epoch_ : int
        Epoch whose weights were kept (0-based).
    n_epochs_ : int
    batch_size_ : int
    smoothing_ : ndarray
        Label smoothing of each class.
    class_weight_ : ndarray
    augmentation_ : AugmentationPolicy
"""


class ImbalancedMLPClassifier(_ImbalancedNetwork):
    __doc__ = """Multilayer perceptron for tabular rows, trained with the imbalance-aware
    recipe of "Simplifying Neural Network Training Under Class Imbalance"
    (arXiv 2312.02517): small batches, SAM-A, class-conditional label smoothing and an
    augmentation policy.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default=(128, 128)
        Widths of the hidden ReLU layers.
    scale : bool, default=True
        Standardise the features with the training rows' mean and deviation.
""" + _COMMON_DOC.replace("{default_aug!r}", "'none'").replace(
        "{default_smoothing}", "0.05") + """
    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(600, weights=[0.9], random_state=0)
    >>> clf = ImbalancedMLPClassifier(max_epochs=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(self, hidden_layer_sizes: Sequence[int] = (128, 128), scale: bool = True,
                 optimizer: str = "sgd", learning_rate: float | None = None,
                 momentum: float = 0.9, weight_decay: float = 5e-4, sam: str = "sam-a",
                 sam_mode: str = "weighted_direction", rho: float = 0.05,
                 sam_beta: float = 1.0, label_smoothing: float = 0.05,
                 smoothing: str = "class-conditional", smoothing_alpha: float = 0.5,
                 max_smoothing: float = 0.5, batch_size: int | str = "auto",
                 augmentation: Any = "none", augmentation_strength: float = 1.0,
                 augmentation_generator: Any = "smote", class_weight: str | None = None,
                 balanced_sampling: bool = False, max_epochs: int = 100,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 patience: int = 20, early_stopping_metric: str = "balanced_log_loss",
                 dropout: float = 0.0, device: str = "auto", progress: bool = False,
                 random_state: Any = None) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.scale = scale
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.sam = sam
        self.sam_mode = sam_mode
        self.rho = rho
        self.sam_beta = sam_beta
        self.label_smoothing = label_smoothing
        self.smoothing = smoothing
        self.smoothing_alpha = smoothing_alpha
        self.max_smoothing = max_smoothing
        self.batch_size = batch_size
        self.augmentation = augmentation
        self.augmentation_strength = augmentation_strength
        self.augmentation_generator = augmentation_generator
        self.class_weight = class_weight
        self.balanced_sampling = balanced_sampling
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.early_stopping_metric = early_stopping_metric
        self.dropout = dropout
        self.device = device
        self.progress = progress
        self.random_state = random_state

    def _check_params(self) -> None:
        super()._check_params()
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if not isinstance(sizes, Sequence) or not all(
                isinstance(h, numbers.Integral) and not isinstance(h, bool) and h >= 1
                for h in sizes):
            raise InvalidParameterError(
                f"hidden_layer_sizes must be a sequence of integers >= 1; got "
                f"{self.hidden_layer_sizes!r}.")
        if not isinstance(self.scale, bool | np.bool_):
            raise InvalidParameterError(f"scale must be True or False; got {self.scale!r}.")

    def _inputs(self, X: Any) -> np.ndarray:
        return check_matrix(X, what=type(self).__name__)

    def _build(self, n_inputs: int, n_classes: int) -> Any:
        import torch.nn as nn

        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Integral) else tuple(sizes)
        layers: list[Any] = []
        width = n_inputs
        for h in sizes:
            layers += [nn.Linear(width, int(h)), nn.ReLU()]
            if self.dropout > 0:
                layers.append(nn.Dropout(self.dropout))
            width = int(h)
        layers.append(nn.Linear(width, n_classes))
        return nn.Sequential(*layers)


class ImbalancedCNNClassifier(_ImbalancedNetwork):
    __doc__ = """Small convolutional network for small images, trained with the
    imbalance-aware recipe of "Simplifying Neural Network Training Under Class Imbalance"
    (arXiv 2312.02517).

    The network: a 3x3 convolution with ``channels[0]`` maps, ReLU, a 3x3 convolution with
    ``channels[1]`` maps, ReLU, 2x2 max-pooling and a linear layer. Pixels are used as
    given: put them on a common scale first (scikit-learn's digits: divide by 16).

    ``X`` may be flat rows of ``C*H*W`` values (as in a table), or arrays of shape
    ``(n, H, W)`` or ``(n, C, H, W)`` matching ``image_shape``.

    Parameters
    ----------
    image_shape : tuple, default=(8, 8)
        ``(H, W)`` for one channel or ``(C, H, W)``.
    channels : tuple of two int, default=(16, 32)
        Feature maps of the two convolutions.
""" + _COMMON_DOC.replace("{default_aug!r}", "'none'").replace(
        "{default_smoothing}", "0.0") + """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ImbalancedCNNClassifier(max_epochs=2, random_state=0).fit(X / 16, y)
    >>> clf.predict(X[:3] / 16).shape
    (3,)
    """

    _images = True

    def __init__(self, image_shape: Sequence[int] = (8, 8),
                 channels: Sequence[int] = (16, 32), optimizer: str = "sgd",
                 learning_rate: float | None = None, momentum: float = 0.9,
                 weight_decay: float = 5e-4, sam: str = "sam-a",
                 sam_mode: str = "weighted_direction", rho: float = 0.05,
                 sam_beta: float = 1.0, label_smoothing: float = 0.0,
                 smoothing: str = "class-conditional", smoothing_alpha: float = 0.5,
                 max_smoothing: float = 0.5, batch_size: int | str = "auto",
                 augmentation: Any = "none", augmentation_strength: float = 1.0,
                 augmentation_generator: Any = "smote", class_weight: str | None = None,
                 balanced_sampling: bool = False, max_epochs: int = 100,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 patience: int = 20, early_stopping_metric: str = "balanced_log_loss",
                 dropout: float = 0.0, device: str = "auto", progress: bool = False,
                 random_state: Any = None) -> None:
        self.image_shape = image_shape
        self.channels = channels
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.sam = sam
        self.sam_mode = sam_mode
        self.rho = rho
        self.sam_beta = sam_beta
        self.label_smoothing = label_smoothing
        self.smoothing = smoothing
        self.smoothing_alpha = smoothing_alpha
        self.max_smoothing = max_smoothing
        self.batch_size = batch_size
        self.augmentation = augmentation
        self.augmentation_strength = augmentation_strength
        self.augmentation_generator = augmentation_generator
        self.class_weight = class_weight
        self.balanced_sampling = balanced_sampling
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.early_stopping_metric = early_stopping_metric
        self.dropout = dropout
        self.device = device
        self.progress = progress
        self.random_state = random_state

    def _chw(self) -> tuple[int, int, int]:
        shape = tuple(self.image_shape)
        return (1, *shape) if len(shape) == 2 else shape  # type: ignore[return-value]

    def _check_params(self) -> None:
        super()._check_params()
        shape = self.image_shape
        ok = isinstance(shape, Sequence) and len(shape) in (2, 3) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
            for v in shape)
        if not ok:
            raise InvalidParameterError(
                f"image_shape must be (H, W) or (C, H, W) of positive integers; got "
                f"{shape!r}.")
        _, h, w = self._chw()
        if h < 2 or w < 2:
            raise InvalidParameterError(
                f"image_shape {tuple(shape)} is too small for the 2x2 pooling; images need "
                "at least 2x2 pixels.")
        ch = self.channels
        if not (isinstance(ch, Sequence) and len(ch) == 2 and all(
                isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
                for v in ch)):
            raise InvalidParameterError(
                f"channels must be two positive integers; got {ch!r}.")

    def _inputs(self, X: Any) -> np.ndarray:
        c, h, w = self._chw()
        expected = (f"flat rows of {c * h * w} values, or arrays of shape (n, {h}, {w})"
                    + (f" or (n, 1, {h}, {w})" if c == 1 else f" or (n, {c}, {h}, {w})"))
        arr = X if hasattr(X, "iloc") else np.asarray(X) if not isinstance(X, np.ndarray) \
            else X
        if isinstance(arr, np.ndarray) and arr.ndim in (3, 4):
            tail = arr.shape[1:]
            if tail not in ((h, w), (c, h, w)) or (arr.ndim == 3 and c != 1):
                raise InvalidInputError(
                    f"{type(self).__name__} expects images of shape (C, H, W) = "
                    f"{(c, h, w)}: {expected}; got an array of shape {arr.shape}. Set "
                    "image_shape to your images' shape.")
            arr = arr.reshape(arr.shape[0], -1)
        elif isinstance(arr, np.ndarray) and arr.ndim not in (2,):
            raise InvalidInputError(
                f"{type(self).__name__} expects {expected}; got an array of shape "
                f"{arr.shape}.")
        flat = check_matrix(arr, what=type(self).__name__)
        if flat.shape[1] != c * h * w:
            raise InvalidInputError(
                f"{type(self).__name__} expects images of shape (C, H, W) = {(c, h, w)}: "
                f"{expected}; got rows of {flat.shape[1]} values. Set image_shape to your "
                "images' shape.")
        return flat

    def _shape(self, X: Any) -> Any:
        return X.reshape((X.shape[0], *self._chw()))

    def _build(self, n_inputs: int, n_classes: int) -> Any:
        import torch.nn as nn

        c, h, w = self._chw()
        c1, c2 = (int(v) for v in self.channels)
        layers: list[Any] = [nn.Conv2d(c, c1, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten()]
        if self.dropout > 0:
            layers.append(nn.Dropout(self.dropout))
        layers.append(nn.Linear(c2 * (h // 2) * (w // 2), n_classes))
        return nn.Sequential(*layers)
