"""How many synthetic rows: fixed forms (``resolve_counts``, ``Gamma``) and, in later
modules, data-driven size policies."""

from synthaug.sizing.counts import Gamma, parse_strategy, resolve_counts, round_half_up

__all__ = ["TGVTSS", "VTSS", "Gamma", "parse_strategy", "resolve_counts", "round_half_up"]


def __getattr__(name: str):  # VTSS/TGVTSS import the diagnostics: load them on first use
    if name in ("VTSS", "TGVTSS"):
        from synthaug.sizing import search

        return getattr(search, name)
    raise AttributeError(name)
