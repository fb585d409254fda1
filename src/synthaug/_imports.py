"""Classes named by import path (``sklearn.ensemble.RandomForestClassifier``,
``mypkg.gens.MyGenerator``): one resolver for the bench's classifiers and generators.

Only a class is ever imported and returned; nothing is unpickled or evaluated.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from synthaug.exceptions import UnknownMethodError

__all__ = ["describe", "import_class"]


def describe(obj: Any) -> str:
    """``"a module"``, ``"a function"`` or ``"an object of type T"``, for messages."""
    if inspect.ismodule(obj):
        return "a module"
    if inspect.isroutine(obj):
        return "a function"
    return f"an object of type {type(obj).__name__}"


def import_class(path: str, *, what: str, example: str) -> type:
    """The class at the import path ``path``.

    Parameters
    ----------
    path : str
        ``package.module.Name``.
    what : str
        What the class is for ("classifier", "generator"), for messages.
    example : str
        An import path of the right kind, for messages.

    Raises
    ------
    UnknownMethodError
        When the module cannot be imported, lacks the name, or the name is not a class
        (the message says what it is).
    """
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownMethodError(f"Cannot import {what} {path!r}: {exc}") from None
    if not hasattr(module, attr):
        raise UnknownMethodError(f"Cannot import {what} {path!r}: module {module_name} has "
                                 f"no attribute {attr!r}.")
    found = getattr(module, attr)
    if not inspect.isclass(found):
        raise UnknownMethodError(f"{path} is {describe(found)}, not a {what} class; name a "
                                 f"class such as {example}.")
    return found
