"""How many synthetic rows: fixed forms (``resolve_counts``, ``Gamma``) and, in later
modules, data-driven size policies."""

from synthaug.sizing.counts import Gamma, parse_strategy, resolve_counts, round_half_up

__all__ = ["Gamma", "parse_strategy", "resolve_counts", "round_half_up"]
