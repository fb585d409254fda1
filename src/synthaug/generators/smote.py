"""The SMOTE family: SMOTE, Borderline-SMOTE and ADASYN on one interpolation core.

All three make a new row as ``x_seed + u * (x_partner - x_seed)`` with ``u`` uniform; they
differ only in which minority rows may be seeds, how often each is chosen, and which rows
may be partners. :class:`_InterpolationGenerator` holds that core (vectorised, one chunk
at a time); each public class only decides seeds, weights and partners in ``_fit``.

Categorical columns (SMOTENC-style, through :mod:`synthaug.encoding`): neighbours are
searched in the shared mixed neighbour space, and a new row takes, in each categorical
column, the most frequent value among its seed's ``k`` nearest same-class neighbours.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from synthaug._validation import check_n_neighbors
from synthaug.encoding import majority_vote, neighbour_space
from synthaug.exceptions import InvalidParameterError, SynthaugWarning
from synthaug.generators.base import BaseGenerator
from synthaug.neighbors import count_closer, kneighbors, row_sq_distances

__all__ = ["ADASYNGenerator", "BorderlineSMOTEGenerator", "SMOTEGenerator",
           "neighbors_across_classes", "other_class_votes"]


def neighbors_across_classes(Z_all: Any, class_idx: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest rows of every class (self excluded) of each target-class row.

    ``Z_all`` is the neighbour space of all rows and ``class_idx`` the positions of the
    target-class rows in it; used by the danger, hardness and noise tests of the family.
    """
    nn = kneighbors(Z_all, k + 1, Z_all[class_idx])
    is_self = nn == class_idx[:, None]
    missing = ~is_self.any(axis=1)
    is_self[missing, -1] = True
    return nn[~is_self].reshape(len(class_idx), k)


def other_class_votes(Z_class: Any, Z_other: Any, nn_class: np.ndarray, k: int
                      ) -> np.ndarray:
    """How many of each target-class row's ``k`` nearest rows (all classes, the row itself
    excluded) are of other classes; rows at equal distance count own class first.

    Computed without a neighbour search over the other classes: the ``j``-th nearest
    same-class row is among the ``k`` nearest exactly when at most ``k - j`` other-class rows
    are strictly closer, and those are counted by :func:`synthaug.neighbors.count_closer`
    (a threshold test per pair, several times cheaper than ranking every pair).

    Parameters
    ----------
    Z_class, Z_other : array or sparse matrix
        Neighbour space of the target-class rows and of all other rows.
    nn_class : ndarray of shape (n_class, >= min(k, n_class - 1))
        Each target-class row's nearest same-class rows (itself excluded), nearest first.
    k : int

    Returns
    -------
    ndarray of int, shape (n_class,)
    """
    n_same_cols = min(k, nn_class.shape[1])
    radius_sq = np.stack([row_sq_distances(Z_class, Z_class[nn_class[:, j]])
                          for j in range(n_same_cols)], axis=1)
    closer = count_closer(Z_other, Z_class, radius_sq)
    n_same = (closer <= k - 1 - np.arange(n_same_cols)).sum(axis=1)
    return k - n_same


class _InterpolationGenerator(BaseGenerator):
    """Shared state and sampling of the SMOTE family.

    ``_fit`` of a subclass sets, through :meth:`_set_core`:

    * ``seeds_`` (n_seeds,): indices, among the target-class rows, of the rows that may seed
      new points, and ``seed_weights_`` (probabilities, or None for uniform);
    * ``partners_`` (n_seeds, k): for each seed, indices into the partner pool
      (``_pool_num``), and ``partner_gap_`` (the upper bound of ``u`` per partner, or a
      scalar 1.0);
    * ``vote_neighbors_`` (n_seeds, k): same-class neighbours used for categorical votes.
    """

    #: Whether fitting compares the target class with every other row (danger, hardness
    #: and noise tests), which needs a float32 copy of all rows and blocked products.
    _searches_all_rows: bool = False

    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        k = self.k_neighbors if isinstance(self.k_neighbors, int) else 32
        extra = 4 * n_target * (k + 1) * 8                  # neighbours, distances, partners
        if self._searches_all_rows:
            extra += n_rows * (n_features + 2) * 4 * 2        # float32 rows, norms, counts
            block = min(n_rows, 1024) * min(n_target, 1024) * 4    # one float32 block
            extra += 2 * block * max(os.cpu_count() or 1, 1)          # per thread
        return super().memory_estimate(n_rows, n_features, n_target) + int(extra)

    def _target_rows(self, y: np.ndarray, target_class: Any) -> tuple[np.ndarray, int, int]:
        """Mask and count of the target class, and ``k_neighbors`` checked against it."""
        mask = y == target_class
        n_c = int(mask.sum())
        return mask, n_c, check_n_neighbors(n_c, self.k_neighbors, label=target_class)

    def _class_space(self, X_num: np.ndarray, X_cat: np.ndarray, mask: np.ndarray
                     ) -> tuple[Any, float]:
        levels = [len(c) for c in self.codec_.categories_]
        return neighbour_space(X_num[mask], X_cat[mask], levels)

    def _all_space(self, X_num: np.ndarray, X_cat: np.ndarray, scale: float) -> Any:
        levels = [len(c) for c in self.codec_.categories_]
        return neighbour_space(X_num, X_cat, levels, scale=scale)[0]

    def _set_core(self, *, class_num: np.ndarray, class_cat: np.ndarray, seeds: np.ndarray,
                  seed_weights: np.ndarray | None, partners: np.ndarray,
                  pool_num: np.ndarray, partner_gap: Any, vote_neighbors: np.ndarray) -> None:
        self.seeds_ = np.asarray(seeds, dtype=np.intp)
        self.seed_weights_ = seed_weights
        self.partners_ = np.asarray(partners, dtype=np.intp)
        self.partner_gap_ = partner_gap
        self.vote_neighbors_ = np.asarray(vote_neighbors, dtype=np.intp)
        self._seed_num = np.ascontiguousarray(class_num[self.seeds_])
        self._pool_num = pool_num
        self._class_cat = class_cat
        self._seed_cdf = None if seed_weights is None else np.cumsum(seed_weights)

    def _steps(self, rng: np.random.Generator, s: np.ndarray, j: np.ndarray, size: int
               ) -> np.ndarray:
        """Step fractions ``u`` along seed ``s`` -> partner ``j``: ``U[0, gap)`` per pair."""
        u = rng.random(size)
        if not np.isscalar(self.partner_gap_):
            u *= self.partner_gap_[s, j]
        return u

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        n_seeds, k = self.partners_.shape
        if self._seed_cdf is None:
            s = rng.integers(0, n_seeds, size)
        else:
            s = np.searchsorted(self._seed_cdf, rng.random(size) * self._seed_cdf[-1],
                                side="right")
            np.minimum(s, n_seeds - 1, out=s)
        j = rng.integers(0, k, size)
        u = self._steps(rng, s, j, size)
        partner = self.partners_[s, j]
        base = self._seed_num[s]
        num = self._pool_num[partner]
        num -= base
        num *= u[:, None]
        num += base
        cat = np.empty((size, self._class_cat.shape[1]), dtype=np.int64)
        if cat.shape[1]:
            voters = self.vote_neighbors_[s]
            for c in range(cat.shape[1]):
                cat[:, c] = majority_vote(self._class_cat[voters, c])
        return num, cat


class SMOTEGenerator(_InterpolationGenerator):
    """SMOTE: interpolate between a minority row and one of its k nearest minority neighbours.

    Seeds are drawn uniformly from the target class, a partner uniformly from the seed's
    ``k_neighbors`` nearest same-class rows, and the new row lies at a uniform position on
    the segment between them (Chawla et al., 2002). With categorical columns it behaves as
    SMOTENC.

    Parameters
    ----------
    k_neighbors : int, default=5
        Number of same-class neighbours a partner is drawn from.
    random_state : None, int or Generator, optional
        Default seed of :meth:`sample`.

    Attributes
    ----------
    neighbors_ : ndarray of shape (n_class, k_neighbors)
        Indices (within the target class) of each row's nearest neighbours.
    """

    chunk_size = 4096

    def __init__(self, k_neighbors: int = 5, random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask, n_c, k = self._target_rows(y, target_class)
        Z, _ = self._class_space(X_num, X_cat, mask)
        self.neighbors_ = kneighbors(Z, k)
        class_num = X_num[mask]
        self._set_core(class_num=class_num, class_cat=X_cat[mask], seeds=np.arange(n_c),
                       seed_weights=None, partners=self.neighbors_, pool_num=class_num,
                       partner_gap=1.0, vote_neighbors=self.neighbors_)


class BorderlineSMOTEGenerator(_InterpolationGenerator):
    """Borderline-SMOTE: SMOTE seeded only from minority rows near the class border.

    A target-class row is *in danger* when at least half, but not all, of its
    ``m_neighbors`` nearest rows (all classes) belong to other classes; rows whose
    neighbours all belong to other classes are treated as noise and never seed (Han et al.,
    2005). Seeds are drawn uniformly from the danger set. For borderline-1 the test is
    computed by :func:`other_class_votes` (rows at equal distance count own class first);
    borderline-2 needs the neighbours themselves, so it ranks rows of all classes (ties by
    row order).

    * ``kind="borderline-1"``: partners are the seed's ``k_neighbors`` nearest same-class
      rows, ``u ~ U[0, 1)``.
    * ``kind="borderline-2"``: partners are the seed's ``k_neighbors`` nearest rows of any
      class; towards a row of another class the step is shortened so new rows stay on the
      seed's side, in one of two readings chosen by ``step``:

      - ``step="han"``: ``u ~ U[0, 0.5)``, as Han et al. (2005) describe it (mean 0.25);
      - ``step="imblearn"``: ``u = v * w`` with ``v ~ U[0, 1)`` and ``w ~ U[0, 0.5)``,
        as imbalanced-learn's ``BorderlineSMOTE(kind="borderline-2")`` does (mean 0.125,
        density decreasing from the seed), for comparisons with that library.

      Towards a same-class partner the step is ``u ~ U[0, 1)`` in both readings.

    When no row is in danger (a cleanly separated class) the generator warns and seeds from
    every non-noise row (every row if all are noise) instead of returning fewer rows.

    Parameters
    ----------
    k_neighbors : int, default=5
        Partner neighbourhood size.
    m_neighbors : int, default=10
        Neighbourhood size of the danger test.
    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
    step : {"han", "imblearn"}, default="han"
        How far a borderline-2 row steps towards an other-class partner (see above); the
        paper's reading is the default. Has no effect for borderline-1, whose partners are
        all of the target class.
    random_state : None, int or Generator, optional

    Attributes
    ----------
    danger_mask_ : ndarray of bool, shape (n_class,)
        Which target-class rows are in danger.
    noise_mask_ : ndarray of bool, shape (n_class,)
        Which target-class rows have only other-class neighbours.
    seeds_ : ndarray
        Target-class row indices that seed new rows.
    """

    _searches_all_rows = True

    def __init__(self, k_neighbors: int = 5, m_neighbors: int = 10,
                 kind: str = "borderline-1", step: str = "han",
                 random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.kind = kind
        self.step = step
        self.random_state = random_state

    def _check_params(self) -> None:
        if self.kind not in ("borderline-1", "borderline-2"):
            raise InvalidParameterError(
                f"kind must be 'borderline-1' or 'borderline-2', got {self.kind!r}.")
        if self.step not in ("han", "imblearn"):
            raise InvalidParameterError(
                f"step must be 'han' (U[0, 0.5) towards other-class partners) or "
                f"'imblearn' (U[0, 1) x U[0, 0.5)), got {self.step!r}.")

    def _steps(self, rng: np.random.Generator, s: np.ndarray, j: np.ndarray, size: int
               ) -> np.ndarray:
        """``U[0, gap)`` per pair ("han"), or for ``step="imblearn"`` that times an extra
        ``U[0, 1)`` on the shortened (other-class) pairs. The extra draw is made for every
        row of the chunk, so the random stream, and hence prefix consistency, does not
        depend on which pairs were drawn."""
        u = super()._steps(rng, s, j, size)
        if self.step == "imblearn" and not np.isscalar(self.partner_gap_):
            v = rng.random(size)
            u *= np.where(self.partner_gap_[s, j] < 1.0, v, 1.0)
        return u

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask, n_c, k = self._target_rows(y, target_class)
        m = check_n_neighbors(len(y), self.m_neighbors, param="m_neighbors",
                              within="data (all classes)")
        class_idx = np.flatnonzero(mask)
        Z_class, scale = self._class_space(X_num, X_cat, mask)
        Z_all = self._all_space(X_num, X_cat, scale)
        nn_class = kneighbors(Z_class, min(max(m, k), n_c - 1))
        if self.kind == "borderline-2":
            # one search over all rows serves the danger test and the partners
            nn_all = neighbors_across_classes(Z_all, class_idx, max(m, k))
            n_other = (~mask[nn_all[:, :m]]).sum(axis=1)
        else:
            n_other = other_class_votes(Z_class, Z_all[~mask], nn_class, m)
        self.noise_mask_ = n_other == m
        self.danger_mask_ = (n_other * 2 >= m) & ~self.noise_mask_
        seeds = np.flatnonzero(self.danger_mask_)
        if seeds.size == 0:
            fallback = np.flatnonzero(~self.noise_mask_)
            seeds = fallback if fallback.size else np.arange(n_c)
            warnings.warn(
                f"BorderlineSMOTE: no row of class {target_class!r} is in danger (near the "
                f"border), so new rows are seeded from {seeds.size} non-noise rows, as plain "
                "SMOTE would.", SynthaugWarning, stacklevel=3)
        nn_class = nn_class[:, :k]
        class_num = X_num[mask]
        if self.kind == "borderline-1":
            self._set_core(class_num=class_num, class_cat=X_cat[mask], seeds=seeds,
                           seed_weights=None, partners=nn_class[seeds], pool_num=class_num,
                           partner_gap=1.0, vote_neighbors=nn_class[seeds])
        else:
            partners = nn_all[seeds, :k]
            gap = np.where(mask[partners], 1.0, 0.5)
            self._set_core(class_num=class_num, class_cat=X_cat[mask], seeds=seeds,
                           seed_weights=None, partners=partners, pool_num=X_num,
                           partner_gap=gap, vote_neighbors=nn_class[seeds])



class ADASYNGenerator(_InterpolationGenerator):
    """ADASYN: SMOTE with more seeds where the target class is harder to learn.

    Each target-class row's weight is the share of other-class rows among its
    ``k_neighbors`` nearest rows (all classes; rows at equal distance count own class
    first, see :func:`other_class_votes`); seeds are drawn with probability
    proportional to that weight (He et al., 2008), and partners are the seed's
    ``k_neighbors`` nearest same-class rows. Rows with no other-class neighbour never seed.

    The paper allocates ``round(w_i * n)`` rows to row ``i``; here seeds are drawn
    independently with probabilities ``w_i`` (a multinomial allocation with the same
    expectation), which keeps every sample a prefix of a larger one and always returns
    exactly ``n`` rows. When no row has another-class neighbour the weights are uniform,
    with a warning.

    Parameters
    ----------
    k_neighbors : int, default=5
    random_state : None, int or Generator, optional

    Attributes
    ----------
    weights_ : ndarray of shape (n_class,)
        Seed probabilities of the target-class rows (sum to 1).
    """

    _searches_all_rows = True

    def __init__(self, k_neighbors: int = 5, random_state: Any = None) -> None:
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        mask, n_c, k = self._target_rows(y, target_class)
        Z_class, scale = self._class_space(X_num, X_cat, mask)
        Z_all = self._all_space(X_num, X_cat, scale)
        nn_class = kneighbors(Z_class, k)
        hardness = other_class_votes(Z_class, Z_all[~mask], nn_class, k) / k
        if hardness.sum() == 0:
            warnings.warn(
                f"ADASYN: no row of class {target_class!r} has a neighbour of another class; "
                "seeds are drawn uniformly, as in SMOTE.", SynthaugWarning, stacklevel=3)
            hardness = np.ones(n_c)
        self.weights_ = hardness / hardness.sum()
        seeds = np.flatnonzero(self.weights_ > 0)
        class_num = X_num[mask]
        self._set_core(class_num=class_num, class_cat=X_cat[mask], seeds=seeds,
                       seed_weights=self.weights_[seeds], partners=nn_class[seeds],
                       pool_num=class_num, partner_gap=1.0, vote_neighbors=nn_class[seeds])
