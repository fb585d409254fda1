"""Names of generators, as used by the CLI, configuration files and the bench.

One table maps a short name (``"smote"``) to a generator class; :func:`make_generator`
builds one from a name and parameters, and an unknown name is an error that lists the known
ones. Later methods register here as they are added.
"""

from __future__ import annotations

import ast
import difflib
from typing import Any

from synthaug.exceptions import InvalidParameterError, UnknownMethodError
from synthaug.generators import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    GaussianGenerator,
    GKSMOTEGenerator,
    JitterGenerator,
    RandomGenerator,
    SMOTEGenerator,
)
from synthaug.generators.base import BaseGenerator

__all__ = ["GENERATORS", "canonical_name", "generator_names", "make_generator", "parse_param"]

GENERATORS: dict[str, type[BaseGenerator]] = {
    "random": RandomGenerator,
    "smote": SMOTEGenerator,
    "borderline-smote": BorderlineSMOTEGenerator,
    "adasyn": ADASYNGenerator,
    "gaussian": GaussianGenerator,
    "jitter": JitterGenerator,
    "gksmote": GKSMOTEGenerator,
}

_ALIASES = {
    "ros": "random",
    "random-oversampling": "random",
    "bootstrap": "random",
    "smotenc": "smote",
    "borderline": "borderline-smote",
    "borderline-1": "borderline-smote",
    "borderline-2": "borderline-smote",
    "bsmote": "borderline-smote",
    "gk-smote": "gksmote",
}


def generator_names() -> list[str]:
    """The registered generator names, sorted."""
    return sorted(GENERATORS)


def canonical_name(name: str) -> str:
    """The registry key of a generator name or alias (case and _ vs - ignored)."""
    key = name.strip().lower().replace("_", "-")
    return _ALIASES.get(key, key)


def make_generator(name: str, **params: Any) -> BaseGenerator:
    """Build the generator registered as ``name`` with ``params``.

    ``"borderline-2"`` selects ``BorderlineSMOTEGenerator(kind="borderline-2")``.

    Raises
    ------
    UnknownMethodError
        For an unknown name (the message lists the known names and close matches).
    InvalidParameterError
        For a parameter the generator does not take.
    """
    key = canonical_name(name)
    if key not in GENERATORS:
        close = difflib.get_close_matches(key, list(GENERATORS) + list(_ALIASES), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownMethodError(
            f"Unknown method {name!r}.{hint} Known methods: {', '.join(generator_names())}.")
    cls = GENERATORS[key]
    if name.strip().lower().replace("_", "-") == "borderline-2":
        params.setdefault("kind", "borderline-2")
    valid = cls().get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise InvalidParameterError(
            f"{cls.__name__} has no parameter {', '.join(unknown)}; its parameters are "
            f"{', '.join(sorted(valid))}.")
    return cls(**params)


def parse_param(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` from the command line; the value is read as a Python literal
    when it is one (``3``, ``0.5``, ``None``, ``'x'``), else kept as a string."""
    if "=" not in text:
        raise InvalidParameterError(f"Parameters are given as key=value; got {text!r}.")
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key.isidentifier():
        raise InvalidParameterError(f"{key!r} is not a valid parameter name.")
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError):
        value = raw.strip()
    return key, value
