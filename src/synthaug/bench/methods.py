"""Method names of the bench: one grammar for the CLI, the config and the report.

A method is ``GENERATOR[params][+SIZE][+TRAINING]``:

* ``GENERATOR`` is a generator registered in :mod:`synthaug.registry` (``smote``,
  ``adasyn``, ...), or one of the methods that add no rows: ``none`` (plain training) and
  ``class-weight`` (balanced class weights in the classifier), or a peer library's sampler:
  ``imblearn:NAME`` (imbalanced-learn) or ``sv:NAME`` (smote-variants).
* ``[params]`` are ``key=value`` pairs separated by commas: ``smote[k_neighbors=3]``.
* ``SIZE`` is any fixed sampling strategy in its string form (``balance``, ``auto``,
  ``gamma:1.5``, ``0.8``, ``minority``), or a size policy that chooses the size by
  validation with the bench's classifier: ``vtss`` or ``tg-vtss``; the default is full
  balance.
* ``TRAINING`` is ``plain`` (the default); other training modes join as they are built.

Examples: ``smote``, ``smote[k_neighbors=3]+gamma:1.5``, ``imblearn:SMOTE``,
``sv:ProWSyn[proportion=1.0]``. :func:`parse_method` gives the canonical spelling, which is
what the store and the report show.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Any

from synthaug.exceptions import UnknownMethodError
from synthaug.registry import GENERATORS, canonical_name, make_generator, parse_param
from synthaug.sizing.counts import parse_strategy

__all__ = ["MethodSpec", "known_methods", "parse_method"]

NO_SYNTHESIS = ("none", "class-weight")
TRAINING_MODES = ("plain",)
#: Size policies chosen by validation with the bench's classifier (meta-estimators).
SIZE_POLICIES = ("vtss", "tg-vtss")
SIZE_KEYWORDS = ("balance", "auto", "minority", "not majority", "not minority", "all")


@dataclass(frozen=True)
class MethodSpec:
    """A parsed method name."""

    generator: str
    params: dict[str, Any] = field(default_factory=dict)
    size: str = "balance"
    training: str = "plain"
    kind: str = "synthaug"  # "synthaug", "baseline", "imblearn", "sv"

    @property
    def name(self) -> str:
        """The canonical spelling: defaults left out, parameters sorted."""
        text = self.generator
        if self.params:
            inner = ",".join(f"{k}={_fmt(v)}" for k, v in sorted(self.params.items()))
            text += f"[{inner}]"
        if self.kind != "baseline" and self.size != "balance":
            text += f"+{self.size}"
        if self.training != "plain":
            text += f"+{self.training}"
        return text

    def params_json(self) -> str:
        return json.dumps({"generator": self.generator, "params": self.params,
                           "size": self.size, "training": self.training}, sort_keys=True,
                          default=str)

    @property
    def size_policy(self) -> str | None:
        """``"vtss"`` or ``"tg-vtss"`` when the size is chosen by validation, else None."""
        return self.size if self.size in SIZE_POLICIES else None

    def make_search(self, classifier: Any, random_state: int) -> Any:
        """The VTSS / TG-VTSS meta-estimator around ``classifier`` (size policies only)."""
        from synthaug.sizing.search import TGVTSS, VTSS

        cls = VTSS if self.size == "vtss" else TGVTSS
        return cls(classifier, make_generator(self.generator, **self.params), n_jobs=1,
                   random_state=random_state)

    def make_sampler(self, random_state: int) -> Any:
        """A fresh, unfitted sampler with ``fit_resample`` (None for baselines and size
        policies, which resample inside their meta-estimator)."""
        if self.kind == "baseline" or self.size_policy is not None:
            return None
        if self.kind == "imblearn":
            return _imblearn_sampler(self.generator.split(":", 1)[1], self.params,
                                     self.size, random_state)
        if self.kind == "sv":
            return SmoteVariantsSampler(self.generator.split(":", 1)[1], self.params,
                                        random_state)
        from synthaug.sampler import Oversampler

        return Oversampler(make_generator(self.generator, **self.params),
                           sampling_strategy=parse_strategy(self.size),
                           random_state=random_state)


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def known_methods() -> list[str]:
    """Every method keyword, for error messages and ``--help``."""
    return [*NO_SYNTHESIS, *sorted(GENERATORS), "imblearn:NAME", "sv:NAME"]


def split_outside_brackets(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` where it is not inside ``[...]`` (method parameters may
    contain ``+`` and ``,``); parts are stripped, empty ones dropped."""
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_method(text: str) -> MethodSpec:
    """Parse a method name (see the module docstring).

    Raises
    ------
    UnknownMethodError
        For an unknown generator, size or training mode; the message lists the known ones.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnknownMethodError(f"A method name is a non-empty string, got {text!r}.")
    head, *rest = split_outside_brackets(text.strip(), "+")
    params: dict[str, Any] = {}
    if "[" in head:
        if not head.endswith("]"):
            raise UnknownMethodError(f"Unbalanced brackets in method {text!r}.")
        head, inner = head[:-1].split("[", 1)
        for item in filter(None, (s.strip() for s in inner.split(","))):
            key, value = parse_param(item)
            params[key] = value
    head = head.strip()
    low = head.lower()
    if low in NO_SYNTHESIS:
        kind, generator = "baseline", low
    elif low.startswith("imblearn:"):
        kind, generator = "imblearn", "imblearn:" + head.split(":", 1)[1]
    elif low.startswith("sv:"):
        kind, generator = "sv", "sv:" + head.split(":", 1)[1]
    else:
        kind = "synthaug"
        generator = canonical_name(head)
        if generator not in GENERATORS:
            import difflib

            close = difflib.get_close_matches(generator, known_methods(), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise UnknownMethodError(
                f"Unknown method {head!r}.{hint} Known methods: {', '.join(known_methods())}.")
        if head.lower().replace("_", "-") == "borderline-2":
            params.setdefault("kind", "borderline-2")
        make_generator(generator, **params)  # checks the parameters now, not in a worker
    size, training = "balance", "plain"
    for part in rest:
        low = part.lower()
        if low in TRAINING_MODES:
            training = low
        elif kind == "baseline":
            raise UnknownMethodError(
                f"{generator!r} adds no rows, so it takes no size or training mode "
                f"(got {part!r}).")
        elif low in SIZE_POLICIES:
            if kind != "synthaug":
                raise UnknownMethodError(
                    f"{low} chooses the size of a synthaug generator; it cannot be combined "
                    f"with {generator!r}.")
            size = low
        elif low in SIZE_KEYWORDS or low.startswith("gamma:") or _is_number(low):
            strategy = parse_strategy(low)
            size = "balance" if low in ("balance", "gamma:1", "gamma:1.0") else (
                str(strategy) if not isinstance(strategy, float) else low)
        else:
            raise UnknownMethodError(
                f"Unknown part {part!r} in method {text!r}: a size (balance, auto, "
                f"gamma:G, a ratio like 0.8, minority, vtss, tg-vtss) or a training mode "
                f"({', '.join(TRAINING_MODES)}) was expected. Known methods: "
                f"{', '.join(known_methods())}.")
    return MethodSpec(generator=generator, params=params, size=size, training=training,
                      kind=kind)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _imblearn_sampler(name: str, params: dict[str, Any], size: str, seed: int) -> Any:
    module = importlib.import_module("imblearn.over_sampling")
    cls = getattr(module, name, None)
    if cls is None:
        raise UnknownMethodError(
            f"imbalanced-learn has no over-sampler {name!r}; known: "
            f"{', '.join(sorted(module.__all__))}.")
    kwargs = dict(params)
    if size != "balance":
        kwargs.setdefault("sampling_strategy", parse_strategy(size))
    if "random_state" in cls().get_params():
        kwargs.setdefault("random_state", seed)
    return cls(**kwargs)


class SmoteVariantsSampler:
    """Adapter giving a smote-variants oversampler the ``fit_resample`` interface."""

    def __init__(self, name: str, params: dict[str, Any], random_state: int) -> None:
        import logging

        logging.getLogger("smote_variants").setLevel(logging.WARNING)
        try:
            import smote_variants as sv
        except ImportError as exc:
            from synthaug.exceptions import MissingDependencyError

            raise MissingDependencyError(
                "sv:* methods need smote-variants: pip install --no-deps smote-variants "
                "metric-learn minisom seaborn (see the README)") from exc
        cls = getattr(sv, name, None)
        if cls is None:
            raise UnknownMethodError(f"smote-variants has no oversampler {name!r}.")
        self.sampler = cls(random_state=random_state, **params)

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        return self.sampler.sample(X, y)
