"""How many synthetic rows: every fixed form (``resolve_counts``, ``Gamma``) in one place.

The data-driven size policies (VTSS, TG-VTSS) live in :mod:`synthaug.search`; they are
also reachable here as ``synthaug.sizing.VTSS`` / ``TGVTSS`` for older code.
"""

from synthaug.sizing.counts import Gamma, parse_strategy, resolve_counts, round_half_up

__all__ = ["Gamma", "parse_strategy", "resolve_counts", "round_half_up"]


def __getattr__(name: str):  # older spelling: synthaug.sizing.VTSS
    if name in ("VTSS", "TGVTSS"):
        import synthaug.search

        return getattr(synthaug.search, name)
    raise AttributeError(name)
