"""``resolve_counts`` and ``Gamma``: every fixed "how many new rows" form, in one place.

imbalanced-learn's ``sampling_strategy`` forms keep their meaning (float ratio for binary
data, the strings, a dict of totals, a callable). synthaug adds ``Gamma(g)``: ``g`` times the
gap to the largest class, where ``g > 1`` overshoots balance, which VTSS-style size
selection needs and imbalanced-learn refuses.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from synthaug._labels import class_roles, plain_label
from synthaug.exceptions import SamplingStrategyError

__all__ = ["Gamma", "parse_strategy", "resolve_counts", "round_half_up"]

_STRING_FORMS = ("auto", "minority", "not majority", "not minority", "all", "balance")
ACCEPTED_FORMS = (
    "a float in (0, 1] (binary only: minority/majority ratio after resampling); "
    "'auto', 'minority', 'not majority', 'not minority', 'all', 'balance'; "
    "Gamma(g) or 'gamma:g' with g >= 0 (g x the gap to the largest class); "
    "a dict {class: total count after resampling}; or a callable y -> such a dict"
)


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves away from zero (2.5 -> 3), unlike ``round``."""
    return math.floor(x + 0.5)


@dataclass(frozen=True)
class Gamma:
    """Ask for ``g x (n_majority - n_class)`` new rows for every non-majority class.

    ``Gamma(1)`` is full balance, ``Gamma(0.5)`` closes half the gap and ``Gamma(2)``
    makes each minority class as much larger than the majority as it was smaller.

    Parameters
    ----------
    g : float
        Multiple of the gap, ``g >= 0``.
    """

    g: float

    def __post_init__(self) -> None:
        if isinstance(self.g, bool) or not isinstance(self.g, numbers.Real):
            raise SamplingStrategyError(f"Gamma needs a real number, got {self.g!r}.")
        if not math.isfinite(self.g) or self.g < 0:
            raise SamplingStrategyError(f"Gamma needs a finite g >= 0, got {self.g!r}.")

    def __str__(self) -> str:
        return f"gamma:{self.g:g}"


def parse_strategy(strategy: Any) -> Any:
    """Turn the string forms of the CLI and configs (``'gamma:1.5'``, ``'0.8'``) into
    their Python values; other values pass through unchanged."""
    if isinstance(strategy, str):
        text = strategy.strip()
        low = text.lower()
        if low.startswith("gamma:"):
            try:
                return Gamma(float(low.split(":", 1)[1]))
            except ValueError as exc:
                raise SamplingStrategyError(
                    f"Cannot read {strategy!r} as 'gamma:g' with a number g.") from exc
        if low in _STRING_FORMS:
            return low
        try:
            return float(text)
        except ValueError:
            raise SamplingStrategyError(
                f"Unknown sampling strategy {strategy!r}. Accepted: {ACCEPTED_FORMS}."
            ) from None
    return strategy


def resolve_counts(y: Any, strategy: Any = "auto") -> dict[Any, int]:
    """Turn a sampling strategy into ``{class: number of new rows}``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    strategy : float, str, Gamma, dict or callable, default="auto"
        Any form accepted by imbalanced-learn's ``sampling_strategy`` for over-sampling,
        plus ``Gamma(g)`` / ``'gamma:g'`` and ``'balance'`` (= ``Gamma(1)``).

    Returns
    -------
    dict
        New rows per class, only for classes that receive rows (``n_new > 0``), in sorted
        label order.

    Raises
    ------
    SamplingStrategyError
        For an unknown form, a ratio outside (0, 1], a float with more than two classes, or
        a dict that asks to remove rows.
    """
    y = np.asarray(y)
    if y.size == 0:
        raise SamplingStrategyError("Resampling needs labels; y is empty.")
    roles = class_roles(y)
    counts = roles.counts
    if len(counts) < 2:
        raise SamplingStrategyError(
            f"Resampling needs at least two classes; y holds only {list(counts)}.")
    strategy = parse_strategy(strategy)
    maj = roles.majority
    n_max = counts[maj]

    if isinstance(strategy, Gamma):
        out = {c: round_half_up(strategy.g * (n_max - n)) for c, n in counts.items() if c != maj}
    elif isinstance(strategy, str):
        if strategy == "balance":
            return resolve_counts(y, Gamma(1.0))
        if strategy == "minority":
            targets = [roles.minority]
        elif strategy in ("auto", "not majority"):
            targets = [c for c in counts if c != maj]
        elif strategy == "not minority":
            targets = [c for c in counts if c != roles.minority]
        else:  # "all"
            targets = list(counts)
        out = {c: n_max - counts[c] for c in targets}
    elif isinstance(strategy, numbers.Real) and not isinstance(strategy, bool):
        ratio = float(strategy)
        if len(counts) != 2:
            raise SamplingStrategyError(
                "A float sampling_strategy is only defined for binary data; with "
                f"{len(counts)} classes use a dict, a string form or Gamma(g).")
        if not (0.0 < ratio <= 1.0):
            raise SamplingStrategyError(
                f"A float sampling_strategy is the minority/majority ratio after "
                f"resampling and must lie in (0, 1]; got {ratio}. For more than balance "
                f"use Gamma(g) ('gamma:g') with g > 1.")
        mino = next(c for c in counts if c != maj)
        want = int(ratio * n_max)
        if want < counts[mino]:
            raise SamplingStrategyError(
                f"sampling_strategy={ratio} asks for {want} rows of class {mino!r}, which "
                f"already has {counts[mino]}; over-sampling cannot remove rows. Use a "
                f"ratio >= {counts[mino] / n_max:.4f}.")
        out = {mino: want - counts[mino]}
    elif isinstance(strategy, Mapping):
        out = _from_totals(counts, strategy)
    elif callable(strategy):
        result = strategy(y)
        if not isinstance(result, Mapping):
            raise SamplingStrategyError(
                f"A callable sampling_strategy must return a dict of totals, got "
                f"{type(result).__name__}.")
        out = _from_totals(counts, result)
    else:
        raise SamplingStrategyError(
            f"Unknown sampling strategy {strategy!r}. Accepted: {ACCEPTED_FORMS}.")
    return {c: int(n) for c, n in sorted(out.items(), key=lambda kv: _sort_key(kv[0]))
            if n > 0}


def _from_totals(counts: Mapping[Any, int], totals: Mapping[Any, Any]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for label, total in totals.items():
        key = plain_label(label)
        if key not in counts:
            raise SamplingStrategyError(
                f"sampling_strategy names class {label!r}, which is not in y "
                f"(classes: {list(counts)}).")
        if isinstance(total, bool) or not isinstance(total, numbers.Integral):
            raise SamplingStrategyError(
                f"sampling_strategy totals must be integers; class {label!r} got {total!r}.")
        if total < counts[key]:
            raise SamplingStrategyError(
                f"sampling_strategy asks for {total} rows of class {label!r}, which already "
                f"has {counts[key]}; over-sampling cannot remove rows.")
        out[key] = int(total) - counts[key]
    return out


def _sort_key(label: Any) -> tuple[str, Any]:
    return (type(label).__name__, label)


Strategy = float | str | Gamma | Mapping[Any, int] | Callable[[np.ndarray], Mapping[Any, int]]
