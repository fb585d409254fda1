"""Generator quality (GQS), alignment and the closed-form theory target (VTSS).

* :func:`generator_quality` estimates the synthetic minority's gradient bias
  ``g_psi = E_syn[grad loss] - grad R1`` by cross-fitting (the generator is fitted on the
  fold's training part, its rows are compared with the held-out real minority) and the
  *generator-quality score*: the ratio of the squared-bias term to the variance term of
  the excess risk at full balance,
  ``GQS = (D^2 / (2 n0)) g_psi^T H^-1 g_psi / tr(H^-1 S_aug)``, with
  ``S_aug = S0 / 2 + n1 / (2 n0) S1 + (n0 - n1) / (2 n0) S_syn``. ``GQS <= 10`` reads as
  "realistic", above as "biased".
* :func:`alignment`: the cosine between ``g_phi`` (the intrinsic shift of the symmetry
  test) and ``g_psi``.
* :func:`theory_target`: the size that cancels the first-order bias along ``g_phi``,
  ``D / (1 - 2 <g_phi, g_psi> / |g_phi|^2)``, or None when the denominator is <= 0.

These formulas are a reconstruction from the reference code (see docs/vtss.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from synthaug._random import to_entropy
from synthaug._validation import check_numeric_X_y
from synthaug.diagnostics._linalg import regularised_inverse
from synthaug.diagnostics.scores import check_supported, score_model
from synthaug.diagnostics.symmetry import (
    _binary_target,
    balanced_pilot_fit,
    centre_labels,
    class_split,
)
from synthaug.exceptions import InvalidParameterError

__all__ = ["GeneratorQuality", "alignment", "generator_quality", "theory_target"]


@dataclass
class GeneratorQuality:
    """Result of :func:`generator_quality`."""

    gqs: float
    g_psi: np.ndarray
    threshold: float
    n_folds: int
    fold_bias: list[np.ndarray] = field(default_factory=list)

    @property
    def realistic(self) -> bool:
        return bool(self.gqs <= self.threshold)

    @property
    def label(self) -> str:
        return "realistic" if self.realistic else "biased"

    def as_dict(self) -> dict[str, Any]:
        return {"gqs": self.gqs, "label": self.label, "threshold": self.threshold,
                "g_psi": self.g_psi.tolist(), "n_folds": self.n_folds}


def generator_quality(estimator: Any, generator: Any, X: Any, y: Any, *, cv: int = 3,
                      threshold: float = 10.0, random_state: Any = None,
                      centered: bool = False) -> GeneratorQuality:
    """Cross-fitted generator-quality score of ``generator`` for ``estimator``'s loss.

    Parameters
    ----------
    estimator : estimator
        Unfitted; balanced pilot fits of clones are made per fold.
    generator : synthaug generator
        Unfitted; a clone is fitted on each fold's training part.
    X, y : array-like
        Real data, two classes.
    cv : int, default=3
        Cross-fitting folds (stratified, shuffled).
    threshold : float, default=10
        GQS at or below which the generator counts as realistic.
    random_state : None, int or Generator
        Seeds the folds and the synthetic draws.
    """
    check_supported(estimator)
    X, y_orig = check_numeric_X_y(X, y, what="the generator-quality score", binary=True)
    y = centre_labels(estimator, y_orig, centered)
    majority, minority = class_split(y)
    minority_orig = class_split(y_orig)[1]
    n0, n1 = int((y == majority).sum()), int((y == minority).sum())
    gap = n0 - n1
    if cv < 2:
        raise InvalidParameterError(f"cv must be >= 2, got {cv}.")
    entropy = to_entropy(random_state)
    folds = StratifiedKFold(cv, shuffle=True, random_state=entropy % (2**32))
    deltas, Hs, S0s, S1s, Ssyns = [], [], [], [], []
    for f, (train, held) in enumerate(folds.split(X, y)):
        pilot = balanced_pilot_fit(estimator, X[train], y[train])
        model = score_model(pilot)
        gen = clone(generator).fit(X[train], y_orig[train], target_class=minority_orig)
        syn = np.asarray(gen.sample(max(gap, 2), random_state=(entropy + f) % (2**63)),
                         dtype=np.float64)
        t_held = _binary_target(model, y[held], minority)
        t_syn = _binary_target(model, np.full(len(syn), minority), minority)
        m0, m1 = held[y[held] == majority], held[y[held] == minority]
        Xh0, Xh1 = X[m0], X[m1]
        t0, t1 = t_held[y[held] == majority], t_held[y[held] == minority]
        s0, s1 = model.scores(Xh0, t0), model.scores(Xh1, t1)
        ssyn = model.scores(syn, t_syn)
        deltas.append(ssyn.mean(axis=0) - s1.mean(axis=0))
        Hs.append((model.mean_hessian(Xh0, t0) + model.mean_hessian(Xh1, t1)) / 2.0)
        S0s.append(np.atleast_2d(np.cov(s0, rowvar=False)))
        S1s.append(np.atleast_2d(np.cov(s1, rowvar=False)))
        Ssyns.append(np.atleast_2d(np.cov(ssyn, rowvar=False)))
    g_psi = np.mean(deltas, axis=0)
    H_inv = regularised_inverse(np.mean(Hs, axis=0), what="held-out Hessian")
    S_aug = (np.mean(S0s, axis=0) / 2.0 + n1 / (2.0 * n0) * np.mean(S1s, axis=0)
             + gap / (2.0 * n0) * np.mean(Ssyns, axis=0))
    bias = gap**2 / (2.0 * n0) * float(g_psi @ H_inv @ g_psi)
    variance = float(np.trace(H_inv @ S_aug))
    gqs = bias / variance if variance > 0 else np.inf
    return GeneratorQuality(gqs=float(gqs), g_psi=g_psi, threshold=float(threshold),
                            n_folds=cv, fold_bias=deltas)


def alignment(g_phi: Any, g_psi: Any) -> float:
    """Cosine of the angle between ``g_phi`` and ``g_psi`` (NaN if either is zero)."""
    a, b = np.asarray(g_phi, dtype=float), np.asarray(g_psi, dtype=float)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else float("nan")


def theory_target(gap: float, g_phi: Any, g_psi: Any) -> float | None:
    """The bias-cancelling synthetic size ``D / (1 - 2 <g_phi, g_psi> / |g_phi|^2)``.

    Returns None when the denominator is <= 0 (no finite target) or ``g_phi`` is zero, and
    0 when the gap is 0 (already balanced: nothing to add, nothing divided by).
    """
    if gap == 0:
        return 0.0
    a, b = np.asarray(g_phi, dtype=float), np.asarray(g_psi, dtype=float)
    norm2 = float(a @ a)
    if norm2 == 0:
        return None
    den = 1.0 - 2.0 * float(a @ b) / norm2
    return float(gap / den) if den > 0 else None
