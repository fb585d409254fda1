"""The bias estimate borrowed from the majority class, and how it is moved to the minority.

The generator is fitted on ``R`` random pseudo-minorities ``A_r`` of the majority (each the
size of the real minority) and draws ``S0_r``; the rest of the majority, ``B_r``, is the
real reference. The bias estimate at ``theta`` is

    B_hat(theta) = mean_r [ mean_{S0_r} f_theta - mean_{B_r} f_theta ],

with ``f_theta(x)`` the loss of ``x`` at one fixed label ``y*``. The *transfer* decides where
those rows are evaluated:

* ``"loss"``: where they are (the majority's own region);
* ``"recentre"``: ``S0_r`` and ``B_r`` both moved by ``mean(X1) - mean(A_r)``, so that the
  pseudo-minority sits where the real minority does;
* ``"recentre_sep"``: ``S0_r`` moved by ``mean(X1) - mean(A_r)`` and ``B_r`` by
  ``mean(X1) - mean(B_r)``, each centred on the minority by its own mean, which removes the
  noise ``mean(A_r) - mean(B_r)`` that one common shift carries into the estimate.

For a loss that is not translation-invariant (the logistic and squared losses of a linear
model are not), only the recentred forms evaluate the generator's error where the minority
lies; with a translation-equivariant generator such as SMOTE and classes that differ by a
shift, they make the transfer exact up to the noise in the sample means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from synthaug.correction.objective import PointSet, loss_terms
from synthaug.exceptions import InvalidParameterError

__all__ = ["TRANSFERS", "MajoritySplits", "bias_by_split", "bias_sets", "check_transfer"]

#: The ways the majority's bias is moved to the minority (see the module docstring).
TRANSFERS = ("recentre_sep", "recentre", "loss")


def check_transfer(transfer: Any) -> str:
    """Return ``transfer`` if it is one of :data:`TRANSFERS`, else raise."""
    if transfer not in TRANSFERS:
        raise InvalidParameterError(
            f"transfer must be one of {', '.join(repr(v) for v in TRANSFERS)}; got "
            f"{transfer!r}.")
    return str(transfer)


@dataclass
class MajoritySplits:
    """The ``R`` pseudo-minority splits of the majority and the rows drawn from each.

    Attributes
    ----------
    X_major : ndarray of shape (n0, d)
        All majority rows.
    pseudo : list of ndarray of int
        ``pseudo[r]``: positions in ``X_major`` of the pseudo-minority ``A_r``.
    synthetic : list of ndarray of shape (n_tilde, d)
        ``synthetic[r]``: ``S0_r``, the generator's rows fitted with ``A_r`` as its target.
    """

    X_major: np.ndarray
    pseudo: list[np.ndarray]
    synthetic: list[np.ndarray]

    @property
    def n_splits(self) -> int:
        return len(self.pseudo)

    @property
    def n_reference(self) -> int:
        """Rows of each reference ``B_r`` (the same for every split)."""
        return self.X_major.shape[0] - self.pseudo[0].shape[0]

    def shifts(self, transfer: str, minority_mean: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
        """``(synthetic_shifts, reference_shifts)``, each of shape (R, d): how far
        ``S0_r`` and ``B_r`` are moved before the loss is evaluated."""
        d = self.X_major.shape[1]
        R = self.n_splits
        if transfer == "loss":
            return np.zeros((R, d)), np.zeros((R, d))
        total = self.X_major.sum(axis=0)
        mean_A = np.stack([self.X_major[idx].mean(axis=0) for idx in self.pseudo])
        syn = minority_mean[None, :] - mean_A
        if transfer == "recentre":
            return syn, syn.copy()
        sums_A = mean_A * self.pseudo[0].shape[0]
        mean_B = (total[None, :] - sums_A) / self.n_reference
        return syn, minority_mean[None, :] - mean_B


def bias_sets(splits: MajoritySplits, transfer: str, minority_mean: np.ndarray,
              label: float) -> list[PointSet]:
    """The point sets whose weighted loss sum is ``B_hat(theta)``.

    ``S0_r`` rows (moved) get ``+1 / (R n_tilde)``; the reference ``B_r = majority - A_r``
    is written as all majority rows under ``R`` shifts with ``-1 / (R n_B)`` plus the
    ``A_r`` rows under their split's shift with ``+1 / (R n_B)``, so the majority is held
    once whatever ``R``.
    """
    syn_shift, ref_shift = splits.shifts(transfer, minority_mean)
    R, n_B = splits.n_splits, splits.n_reference
    n_tilde = splits.synthetic[0].shape[0]
    synthetic = np.vstack(splits.synthetic)
    for r in range(R):                              # moved in place: one copy of S0
        synthetic[r * n_tilde:(r + 1) * n_tilde] += syn_shift[r]
    removed = np.vstack([splits.X_major[idx] + ref_shift[r]
                         for r, idx in enumerate(splits.pseudo)])
    return [PointSet(synthetic, label, 1.0 / (R * n_tilde)),
            PointSet(splits.X_major, label, -1.0 / (R * n_B), shifts=ref_shift),
            PointSet(removed, label, 1.0 / (R * n_B))]


def bias_by_split(splits: MajoritySplits, transfer: str, minority_mean: np.ndarray,
                  label: float, loss: str, w: np.ndarray, b: float) -> np.ndarray:
    """``mean_{S0_r} f - mean_{B_r} f`` at ``(w, b)`` for each split ``r``, shape (R,)."""
    syn_shift, ref_shift = splits.shifts(transfer, minority_mean)
    out = np.empty(splits.n_splits)
    z_major = splits.X_major @ w + b
    keep = np.ones(splits.X_major.shape[0], dtype=bool)
    for r, idx in enumerate(splits.pseudo):
        z_syn = splits.synthetic[r] @ w + b + syn_shift[r] @ w
        keep[:] = True
        keep[idx] = False
        z_ref = z_major[keep] + ref_shift[r] @ w
        syn = loss_terms(loss, z_syn, label, order=0)[0].mean()
        ref = loss_terms(loss, z_ref, label, order=0)[0].mean()
        out[r] = syn - ref
    return out
