"""How a size search picks one candidate from its cross-validated losses.

Two rules, both reading a ``cv_results_`` table (one entry per candidate, with the
per-split columns ``split{k}_loss``):

* ``"min"``: the candidate with the lowest mean validation loss (ties: the first in the
  table, which is the smaller size).
* ``"one-se"``: the one-standard-error rule of Breiman et al. (1984) and Hastie,
  Tibshirani & Friedman, *The Elements of Statistical Learning*, section 7.10: among the
  candidates whose mean loss is within one standard error of the best mean, the one with
  the *smallest* multiplier ``gamma`` (the fewest synthetic rows). The standard error is
  the best candidate's ``sd / sqrt(K)``, with ``sd`` the sample standard deviation
  (``ddof=1``) of its ``K`` per-split losses. On small data the mean losses of nearby sizes
  differ by less than their noise; the rule then prefers the simpler model, which with the
  reweighting search means fewer synthetic rows and more class weight.

With repeated cross-validation the splits overlap, so ``sd / sqrt(K)`` understates the
true uncertainty of a mean; the rule is then a little less conservative than its name says.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from synthaug.exceptions import InvalidParameterError

__all__ = ["RULES", "check_rule", "one_standard_error", "select_candidate"]

#: The selection rules of VTSS and TG-VTSS.
RULES = ("min", "one-se")


def check_rule(rule: Any) -> str:
    """``rule`` if it is one of :data:`RULES`, else an :class:`InvalidParameterError`."""
    if not isinstance(rule, str) or rule not in RULES:
        raise InvalidParameterError(
            f"rule must be one of {', '.join(map(repr, RULES))}, got {rule!r}.")
    return rule


def _split_losses(results: dict[str, Any]) -> np.ndarray:
    keys = sorted((k for k in results if k.startswith("split") and k.endswith("_loss")),
                  key=lambda k: int(k[5:-5]))
    if not keys:
        return np.empty((len(results["gamma"]), 0))
    return np.column_stack([np.asarray(results[k], dtype=float) for k in keys])


def one_standard_error(results: dict[str, Any], index: int) -> float:
    """The standard error ``sd / sqrt(K)`` of candidate ``index``'s mean loss over its
    ``K`` finite per-split losses (``sd`` with ``ddof=1``); 0 with fewer than two."""
    losses = _split_losses(results)[index]
    losses = losses[np.isfinite(losses)]
    if losses.size < 2:
        return 0.0
    return float(np.std(losses, ddof=1) / np.sqrt(losses.size))


def select_candidate(results: dict[str, Any], rule: str = "min") -> int:
    """The index of the chosen candidate in ``results`` (a ``cv_results_`` table).

    Parameters
    ----------
    results : dict
        At least ``gamma``, ``mean_loss`` and the per-split columns ``split{k}_loss``.
    rule : {"min", "one-se"}, default="min"
        See the module docstring.

    Returns
    -------
    int
        Position of the chosen candidate. With ``"one-se"``: the smallest ``gamma`` among
        the candidates with ``mean_loss <= best mean + one standard error`` (ties: the
        first in the table).

    Raises
    ------
    InvalidParameterError
        For an unknown rule, or when no candidate has a finite mean loss.
    """
    check_rule(rule)
    mean = np.asarray(results["mean_loss"], dtype=float)
    if not np.isfinite(mean).any():
        raise InvalidParameterError("No candidate has a finite mean loss to choose from.")
    best = int(np.nanargmin(np.where(np.isfinite(mean), mean, np.nan)))
    if rule == "min":
        return best
    bound = mean[best] + one_standard_error(results, best)
    within = np.flatnonzero(np.isfinite(mean) & (mean <= bound))
    gammas = np.asarray(results["gamma"], dtype=float)[within]
    return int(within[np.argmin(gammas)])  # argmin: the first of equal gammas
