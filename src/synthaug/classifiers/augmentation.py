"""Augmentation policies for the imbalance-aware networks: what happens to each training
batch (noise, within-class mixup, image shifts and rotations) and, for the generator
policy, which fresh synthetic rows join each epoch.

"Simplifying Neural Network Training Under Class Imbalance" (arXiv 2312.02517) finds that
augmentation matters more under imbalance and that the best policy depends on the
imbalance ratio, so the policy and its ``strength`` are parameters of
:class:`~synthaug.classifiers.ImbalancedMLPClassifier` and
:class:`~synthaug.classifiers.ImbalancedCNNClassifier`, chosen by name or given as an
:class:`AugmentationPolicy` object.

Policies apply to every training row of every class (as in the paper), except the
generator policy, which adds rows of the smaller classes only.

=================  =======  ==============================================================
name               input    what it does (``s`` = strength)
=================  =======  ==============================================================
``none``           any      nothing
``noise``          any      adds N(0, (0.1 s)^2) to every value (features are standardised
                            by the MLP; images are in their own units, e.g. [0, 1])
``mixup``          any      moves each row towards a random row of its own class by a
                            uniform fraction in [0, min(0.5, 0.5 s)] (labels unchanged)
``generator``      any      each epoch, a synthaug generator (default SMOTE) adds fresh
                            rows to every smaller class: ``s`` times its gap to the largest
``shift``          image    translation by up to ``round(s)`` pixels (at least 1), zero fill
``shift_rotate``   image    ``shift``, then a rotation by up to 15 s degrees
``affine_strong``  image    rotation 20 s degrees, scale 1 +- 0.1 s, shear 10 s degrees,
                            shift 1 pixel
``trivial``        image    TrivialAugment-style: per image one operation at a uniform
                            magnitude, from identity, shift, rotate, shear, scale,
                            contrast, brightness, noise and a 2x2 cutout
=================  =======  ==============================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synthaug._validation import check_number
from synthaug.exceptions import InvalidParameterError

__all__ = ["IMAGE_POLICIES", "TABULAR_POLICIES", "AugmentationPolicy", "GeneratorPolicy",
           "make_policy"]

#: Policy names an MLP accepts.
TABULAR_POLICIES = ("none", "noise", "mixup", "generator")
#: Policy names a CNN accepts.
IMAGE_POLICIES = ("none", "noise", "mixup", "generator", "shift", "shift_rotate",
                  "affine_strong", "trivial")


class AugmentationPolicy:
    """Base class: a policy that changes nothing.

    Subclasses override :meth:`transform` (per batch, on torch tensors) and/or
    :meth:`extra_rows` (per epoch, numpy rows to add to the training set).

    Parameters
    ----------
    strength : float >= 0, default=1.0
        How strong the augmentation is; 0 turns it off.
    """

    name = "none"
    image_only = False

    def __init__(self, strength: float = 1.0) -> None:
        self.strength = check_number("augmentation_strength", strength, 0.0)

    def prepare(self, X: np.ndarray, y: np.ndarray, random_state: int) -> None:
        """Learn what the policy needs from the training rows (flat, as the network sees
        them) and their class codes."""
        self.low_ = float(X.min()) if X.size else 0.0
        self.high_ = float(X.max()) if X.size else 1.0

    def extra_rows(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
        """Rows (flat) and class codes to add to this epoch's training set, or None."""
        return None

    def transform(self, X: Any, y: Any, gen: Any) -> Any:
        """The augmented batch (same shape as ``X``), drawn with the torch generator
        ``gen``."""
        return X

    def __repr__(self) -> str:
        return f"{type(self).__name__}(strength={self.strength:g})"


class _Noise(AugmentationPolicy):
    name = "noise"

    def transform(self, X: Any, y: Any, gen: Any) -> Any:
        import torch

        if self.strength == 0:
            return X
        noise = torch.randn(X.shape, generator=gen, dtype=X.dtype)   # gen lives on the CPU
        return X + 0.1 * self.strength * noise.to(X.device)


class _Mixup(AugmentationPolicy):
    name = "mixup"

    def transform(self, X: Any, y: Any, gen: Any) -> Any:
        import torch

        if self.strength == 0:
            return X
        partner = torch.arange(len(y), device=y.device)
        for code in torch.unique(y).tolist():
            idx = torch.nonzero(y == code).flatten()
            perm = torch.randperm(len(idx), generator=gen).to(y.device)
            partner[idx] = idx[perm]
        shape = (len(y),) + (1,) * (X.dim() - 1)
        lam = torch.rand(shape, generator=gen, dtype=X.dtype).to(X.device) * min(
            0.5, 0.5 * self.strength)
        return X + lam * (X[partner] - X)


class GeneratorPolicy(AugmentationPolicy):
    """Each epoch, fresh synthetic rows of every smaller class from a synthaug generator.

    Parameters
    ----------
    generator : str or generator, default="smote"
        A registered generator name (``synthaug.registry``) or a generator object (cloned
        per class).
    strength : float, default=1.0
        Rows added per class and epoch, as a multiple of the class's gap to the largest
        class (1: each epoch is balanced).

    Notes
    -----
    A class with fewer rows than a neighbour-based generator's ``k_neighbors + 1`` is
    given ``k_neighbors = n_c - 1``; a class of one row is copied (random oversampling).
    """

    name = "generator"

    def __init__(self, generator: Any = "smote", strength: float = 1.0) -> None:
        super().__init__(strength)
        self.generator = generator

    def prepare(self, X: np.ndarray, y: np.ndarray, random_state: int) -> None:
        from sklearn.base import clone

        from synthaug.registry import make_generator

        super().prepare(X, y, random_state)
        counts = np.bincount(y)
        self.fitted_: list[tuple[int, int, Any]] = []
        template = (make_generator(self.generator) if isinstance(self.generator, str)
                    else self.generator)
        native = None
        for code in np.flatnonzero(counts < counts.max()):
            n_new = round(float(self.strength * (counts.max() - counts[code])))
            if n_new == 0 or counts[code] == 0:
                continue
            if counts[code] < 2:       # one row: nothing to interpolate, copy it
                from synthaug.generators import RandomGenerator

                gen = RandomGenerator(random_state=random_state)
                self.fitted_.append((int(code), n_new, gen.fit(
                    X, y, target_class=int(code), categorical_features=None)))
                continue
            if getattr(template, "multiclass_native", False):
                if native is None:
                    native = clone(template).set_params(random_state=random_state).fit(
                        X, y, categorical_features=None)
                self.fitted_.append((int(code), n_new, native))
                continue
            gen = clone(template)
            params = gen.get_params()
            if "random_state" in params:
                gen.set_params(random_state=random_state)
            k = params.get("k_neighbors")
            if isinstance(k, int) and k > counts[code] - 1:   # a small class: fewer neighbours
                gen.set_params(k_neighbors=int(counts[code] - 1))
            self.fitted_.append((int(code), n_new, gen.fit(X, y, target_class=int(code),
                                                           categorical_features=None)))

    def extra_rows(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
        if not self.fitted_:
            return None
        rows, codes = [], []
        for code, n_new, gen in self.fitted_:
            seed = int(rng.integers(2**63 - 1))
            kwargs = {"target_class": code} if getattr(gen, "multiclass_native", False) else {}
            rows.append(np.asarray(gen.sample(n_new, random_state=seed, **kwargs),
                                   dtype=np.float64))
            codes.append(np.full(n_new, code, dtype=np.int64))
        return np.vstack(rows), np.concatenate(codes)

    def __repr__(self) -> str:
        return f"GeneratorPolicy(generator={self.generator!r}, strength={self.strength:g})"


class _Affine(AugmentationPolicy):
    """Random affine maps of images, all drawn at once and applied with one grid sample."""

    image_only = True
    max_shift = 1.0
    max_rotate = 0.0
    max_scale = 0.0
    max_shear = 0.0

    def _parameters(self, n: int, gen: Any) -> tuple[Any, ...]:
        import torch

        def uniform(half_width: float) -> Any:
            return (2 * torch.rand(n, generator=gen, dtype=torch.float64) - 1) * half_width

        s = self.strength
        shift = self.max_shift if self.name != "shift" else max(1, round(s))
        tx = torch.round(uniform(shift + 0.5 - 1e-9))        # whole pixels
        ty = torch.round(uniform(shift + 0.5 - 1e-9))
        angle = uniform(self.max_rotate * s)
        scale = 1 + uniform(self.max_scale * s)
        shear = uniform(self.max_shear * s)
        return tx, ty, angle, scale, shear

    def transform(self, X: Any, y: Any, gen: Any) -> Any:
        if self.strength == 0:
            return X
        return affine_images(X, *self._parameters(len(X), gen))


class _Shift(_Affine):
    name = "shift"


class _ShiftRotate(_Affine):
    name = "shift_rotate"
    max_rotate = 15.0


class _AffineStrong(_Affine):
    name = "affine_strong"
    max_rotate = 20.0
    max_scale = 0.1
    max_shear = 10.0


def affine_images(X: Any, tx: Any, ty: Any, angle: Any, scale: Any, shear: Any) -> Any:
    """Apply per-image affine maps to a batch ``X`` of shape (n, C, H, W).

    ``tx``, ``ty`` are shifts in pixels, ``angle`` and ``shear`` in degrees, ``scale`` a
    factor; each of shape (n,). Pixels that come from outside the image are 0. Whole-pixel
    shifts with no other change reproduce the pixel values exactly.
    """
    import torch
    import torch.nn.functional as F

    n, _, h, w = X.shape
    a = torch.deg2rad(angle)
    sh = torch.deg2rad(shear)
    cos, sin = torch.cos(a), torch.sin(a)
    # Output-to-input map in normalised coordinates: rotation, shear along x, scale.
    theta = torch.zeros((n, 2, 3), dtype=torch.float64)
    theta[:, 0, 0] = cos / scale
    theta[:, 0, 1] = (-sin + torch.tan(sh) * cos) / scale
    theta[:, 1, 0] = sin / scale
    theta[:, 1, 1] = (cos + torch.tan(sh) * sin) / scale
    theta[:, 0, 2] = -2 * tx / w
    theta[:, 1, 2] = -2 * ty / h
    theta = theta.to(dtype=X.dtype, device=X.device)
    grid = F.affine_grid(theta, list(X.shape), align_corners=False)
    return F.grid_sample(X, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class _Trivial(_Affine):
    """One operation per image at a uniform random magnitude (TrivialAugment-style)."""

    name = "trivial"
    #: identity, shift, rotate, shear, scale, contrast, brightness, noise, cutout
    n_ops = 9

    def transform(self, X: Any, y: Any, gen: Any) -> Any:
        import torch

        if self.strength == 0:
            return X
        n, _, h, w = X.shape
        s = self.strength
        op = torch.randint(0, self.n_ops, (n,), generator=gen)
        mag = torch.rand(n, generator=gen, dtype=torch.float64)
        sign = torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0).double()
        zero = torch.zeros(n, dtype=torch.float64)
        tx = torch.where(op == 1, torch.round(sign * (mag * s + 0.5)).clamp(-2, 2), zero)
        ty = torch.where(op == 1, torch.round(
            (2 * torch.rand(n, generator=gen, dtype=torch.float64) - 1) * (s + 0.5)), zero)
        angle = torch.where(op == 2, sign * mag * 30 * s, zero)
        shear = torch.where(op == 3, sign * mag * 20 * s, zero)
        scale = torch.where(op == 4, 1 + sign * mag * 0.2 * s, zero + 1)
        out = affine_images(X, tx, ty, angle, scale, shear)
        view = (n, 1, 1, 1)
        device = out.device
        m = mag.to(X.dtype).view(view).to(device)
        sg = sign.to(X.dtype).view(view).to(device)
        mean = out.mean(dim=(1, 2, 3), keepdim=True)
        contrast = (mean + (out - mean) * (1 + sg * m * 0.5 * s)).clamp(self.low_, self.high_)
        bright = (out + sg * m * 0.2 * s * (self.high_ - self.low_)).clamp(self.low_,
                                                                           self.high_)
        noise = out + m * 0.1 * s * torch.randn(out.shape, generator=gen,
                                                dtype=out.dtype).to(device)
        cut = out.clone()
        r = torch.randint(0, max(h - 1, 1), (n,), generator=gen)
        c = torch.randint(0, max(w - 1, 1), (n,), generator=gen)
        rows = torch.arange(h).view(1, h, 1)
        cols = torch.arange(w).view(1, 1, w)
        patch = ((rows >= r.view(n, 1, 1)) & (rows < r.view(n, 1, 1) + 2)
                 & (cols >= c.view(n, 1, 1)) & (cols < c.view(n, 1, 1) + 2))
        cut = cut.masked_fill(patch.unsqueeze(1).to(cut.device), 0.0)
        for code, version in ((5, contrast), (6, bright), (7, noise), (8, cut)):
            out = torch.where((op == code).view(view).to(device), version, out)
        return out


_POLICIES: dict[str, type[AugmentationPolicy]] = {
    "none": AugmentationPolicy, "noise": _Noise, "mixup": _Mixup,
    "shift": _Shift, "shift_rotate": _ShiftRotate, "affine_strong": _AffineStrong,
    "trivial": _Trivial,
}


def make_policy(augmentation: Any, strength: float = 1.0, *, images: bool = False,
                generator: Any = "smote") -> AugmentationPolicy:
    """The policy for an ``augmentation`` parameter: a name (see the module docstring) or
    an :class:`AugmentationPolicy` object (used as it is)."""
    if isinstance(augmentation, AugmentationPolicy):
        if augmentation.image_only and not images:
            raise InvalidParameterError(
                f"{augmentation!r} transforms images; the MLP takes tabular rows (use one "
                f"of {', '.join(TABULAR_POLICIES)}).")
        return augmentation
    allowed = IMAGE_POLICIES if images else TABULAR_POLICIES
    if augmentation not in allowed:
        extra = ("" if images or augmentation not in IMAGE_POLICIES else
                 " (that policy is for images: use ImbalancedCNNClassifier)")
        raise InvalidParameterError(
            f"augmentation must be one of {', '.join(map(repr, allowed))} or an "
            f"AugmentationPolicy; got {augmentation!r}{extra}.")
    if augmentation == "generator":
        return GeneratorPolicy(generator, strength)
    return _POLICIES[augmentation](strength)
