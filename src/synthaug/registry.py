"""Names of generators, as used by the CLI, configuration files and the bench.

One table maps a short name (``"smote"``) to a generator class; :func:`make_generator`
builds one from a name and parameters, and an unknown name is an error that lists the known
ones. Later methods register here as they are added, with the optional modules they need in
:data:`REQUIREMENTS`.

Parameter values are read as Python literals (:func:`parse_param`) and then given the type
of the parameter's default (:func:`canonical_params`), so ``k_neighbors=5`` and
``k_neighbors=5.0`` are the same setting and build the same generator.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import math
import re
from typing import Any

from synthaug._imports import import_class
from synthaug.exceptions import (
    InvalidParameterError,
    MissingDependencyError,
    UnknownMethodError,
)
from synthaug.generators import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    GaussianGenerator,
    GKSMOTEGenerator,
    JitterGenerator,
    LEOCVAEGenerator,
    LLMGenerator,
    MOMSGenerator,
    RandomGenerator,
    SMOTEGenerator,
)
from synthaug.generators.base import BaseGenerator
from synthaug.generators.protocol import check_generator_interface

__all__ = ["GENERATORS", "REQUIREMENTS", "canonical_name", "canonical_params",
           "check_requirements", "generator_class", "generator_defaults", "generator_names",
           "is_import_path", "make_generator",
           "parse_param"]

GENERATORS: dict[str, type[BaseGenerator]] = {
    "random": RandomGenerator,
    "smote": SMOTEGenerator,
    "borderline-smote": BorderlineSMOTEGenerator,
    "adasyn": ADASYNGenerator,
    "gaussian": GaussianGenerator,
    "jitter": JitterGenerator,
    "gksmote": GKSMOTEGenerator,
    "leo-cvae": LEOCVAEGenerator,
    "moms": MOMSGenerator,
    "llm": LLMGenerator,
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
    "leocvae": "leo-cvae",
    "imbllm": "llm",
}


#: Optional modules a generator needs: ``{name: [(module, how to install it), ...]}``.
#: The bench checks them once, before any task runs.
_TORCH = [("torch", 'pip install torch==2.13.0 (CPU wheel), then pip install "synthaug[torch]"'),
          ("safetensors", 'pip install "synthaug[torch]"')]
_LLM = [*_TORCH, ("transformers", 'pip install "synthaug[llm]"'),
        ("tokenizers", 'pip install "synthaug[llm]"')]
REQUIREMENTS: dict[str, list[tuple[str, str]]] = {"leo-cvae": _TORCH, "moms": _TORCH,
                                                  "llm": _LLM}


def check_requirements(name: str) -> None:
    """Raise :class:`~synthaug.exceptions.MissingDependencyError` when a module that the
    generator ``name`` needs (see :data:`REQUIREMENTS`) is not installed."""
    key = canonical_name(name)
    for module, install in REQUIREMENTS.get(key, []):
        if not _importable(module):
            raise MissingDependencyError(
                f"The method {key!r} needs {module}, which is not installed: {install}.")


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def generator_names() -> list[str]:
    """The registered generator names, sorted."""
    return sorted(GENERATORS)


_IMPORT_PATH = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+")


def is_import_path(name: str) -> bool:
    """Whether ``name`` names a generator class by import path (``mypkg.gens.MyGen``)."""
    return bool(_IMPORT_PATH.fullmatch(name.strip()))


def canonical_name(name: str) -> str:
    """The registry key of a generator name or alias (case and _ vs - ignored); an import
    path is kept as written."""
    if is_import_path(name):
        return name.strip()
    key = name.strip().lower().replace("_", "-")
    return _ALIASES.get(key, key)


def generator_class(name: str) -> type:
    """The generator class registered as ``name``, or imported from the import path
    ``name``: a user's own generator (see :mod:`synthaug.generators.protocol`) runs in the
    bench like a built-in one.

    Raises
    ------
    UnknownMethodError
        For an unknown name, a path that does not import, or an object that is not a
        generator class constructible without arguments.
    """
    key = canonical_name(name)
    if key in GENERATORS:
        return GENERATORS[key]
    if not is_import_path(key):
        close = difflib.get_close_matches(key, list(GENERATORS) + list(_ALIASES), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownMethodError(
            f"Unknown method {name!r}.{hint} Known methods: {', '.join(generator_names())}, "
            "or a generator class by import path (mypkg.module.MyGenerator).")
    obj = import_class(key, what="generator", example="mypkg.gens.MyGenerator")
    try:
        instance = obj()
    except Exception as exc:  # the user's constructor: report whatever it raised
        raise UnknownMethodError(f"{key}() cannot be built without arguments: {exc}") from None
    try:
        check_generator_interface(instance, who=key)
    except InvalidParameterError as exc:
        raise UnknownMethodError(str(exc)) from None
    return obj


def make_generator(name: str, **params: Any) -> BaseGenerator:
    """Build the generator registered as ``name`` with ``params``.

    ``"borderline-2"`` selects ``BorderlineSMOTEGenerator(kind="borderline-2")``.

    Raises
    ------
    UnknownMethodError
        For an unknown name (the message lists the known names and close matches), or an
        import path that is not a generator class (see :func:`generator_class`).
    InvalidParameterError
        For a parameter the generator does not take.

    Values get the type of the parameter's default where that changes nothing (see
    :func:`canonical_params`): ``k_neighbors=5.0`` builds ``k_neighbors=5``.
    """
    cls = generator_class(name)
    if name.strip().lower().replace("_", "-") == "borderline-2":
        params.setdefault("kind", "borderline-2")
    valid = cls().get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise InvalidParameterError(
            f"{cls.__name__} has no parameter {', '.join(unknown)}; its parameters are "
            f"{', '.join(sorted(valid))}.")
    return cls(**{k: _coerce(v, valid[k]) for k, v in params.items()})


def generator_defaults(name: str) -> dict[str, Any]:
    """The default parameters of the generator registered as ``name``."""
    return generator_class(name)().get_params(deep=False)


_NO_DEFAULT: Any = object()
_SCALARS = (bool, int, float, str, type(None))


def canonical_params(params: dict[str, Any], defaults: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
    """Parameters in one canonical form: sorted by name, each value given the type of its
    default, and values equal to their default left out.

    Parameters
    ----------
    params : dict
        Parsed values (e.g. from :func:`parse_param`).
    defaults : dict, optional
        The defaults of the estimator the parameters are for. A whole float such as
        ``5.0`` becomes the int ``5`` unless the parameter's default is a float; an int
        becomes a float where the default is a float.

    Returns
    -------
    dict
        ``{"k_neighbors": 5.0}`` with default ``k_neighbors=5`` gives ``{}``;
        ``{"k_neighbors": 3.0}`` gives ``{"k_neighbors": 3}``.
    """
    defaults = defaults or {}
    out = {}
    for key in sorted(params):
        default = defaults.get(key, _NO_DEFAULT)
        value = _coerce(params[key], default)
        if default is not _NO_DEFAULT and _same(value, default):
            continue
        out[key] = value
    return out


def _coerce(value: Any, default: Any) -> Any:
    """``value`` with the numeric type of ``default``: a whole float is an int unless the
    default is a float, and an int is a float where the default is a float."""
    if isinstance(value, bool) or isinstance(default, bool):
        return value
    if isinstance(default, float):
        return float(value) if isinstance(value, int) else value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _same(value: Any, default: Any) -> bool:
    if not (isinstance(value, _SCALARS) and isinstance(default, _SCALARS)):
        return False
    return type(value) is type(default) and value == default


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
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        value = raw.strip()
    return key, value
