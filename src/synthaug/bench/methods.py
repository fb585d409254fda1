"""Method names of the bench: one grammar for the CLI, the config and the report.

A method is ``GENERATOR[params][+SIZE][+TRAINING]``:

* ``GENERATOR`` is a generator registered in :mod:`synthaug.registry` (``smote``,
  ``adasyn``, ...), or one of the methods that add no rows: ``none`` (plain training),
  ``class-weight`` (balanced class weights in the classifier) and ``threshold`` (the plain
  classifier with its decision threshold tuned for MCC by inner cross-validation), or a
  peer library's sampler: ``imblearn:NAME`` (imbalanced-learn) or ``sv:NAME``
  (smote-variants).
* ``[params]`` are ``key=value`` pairs separated by commas: ``smote[k_neighbors=3]``.
* ``SIZE`` is any fixed sampling strategy in its string form (``balance``, ``auto``,
  ``gamma:1.5``, ``0.8``, ``minority``), or a size policy that chooses the size by
  validation with the bench's classifier: ``vtss`` or ``tg-vtss`` (the library's full
  protocol) or ``vtss-fast`` or ``tg-vtss-fast`` (the cheap protocol of the default suite,
  :data:`PROTOCOLS`); the default is full balance. A size policy takes options of its
  search class in brackets (:data:`SIZE_OPTIONS`): ``smote+vtss[reweight]``,
  ``smote+vtss-fast[n_repeats=3,rule=one-se]``, ``smote+tg-vtss[grid=coarse,reweight]``;
  a bare key means True. A fixed size takes none.
* ``TRAINING`` is ``plain`` (the default) or ``bias-corrected`` (short ``bc``): the
  classifier is trained on real plus synthetic rows with the generator's loss bias,
  estimated on the majority class, subtracted
  (:class:`synthaug.correction.BiasCorrectedClassifier`; logistic regression only, a fixed
  size of a synthaug generator: ``smote+bc``, ``smote+gamma:0.5+bc``).

Examples: ``smote``, ``smote[k_neighbors=3]+gamma:1.5``, ``imblearn:SMOTE``,
``sv:ProWSyn[proportion=0.5]``. :func:`parse_method` gives the canonical spelling, which is
what the store and the report show. It is made from the parsed values, not from the text
typed: parameters are sorted, take the type of their default and are left out when equal to
it, and sizes are written in one way, so ``smote[k_neighbors=3.0]+gamma:1.50`` and
``smote[k_neighbors=3]+gamma:1.5`` are one method, and ``smote+gamma:1`` is ``smote``.
The options of a size policy are written the same way: sorted, left out when equal to the
protocol's setting (:data:`PROTOCOLS` over the search class's defaults), True written as
the bare key, so ``smote+vtss[reweight=True]`` is ``smote+vtss[reweight]`` and
``smote+vtss-fast[cv=3,rule=min]`` is ``smote+vtss-fast``.

:meth:`MethodSpec.check_available` checks, once and in the driver, what a method needs
beyond its name: the peer library installed, the peer's class and parameter names.
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
from dataclasses import dataclass, field
from typing import Any

from synthaug.exceptions import (
    InvalidParameterError,
    MissingDependencyError,
    SamplingStrategyError,
    UnknownMethodError,
)
from synthaug.registry import (
    GENERATORS,
    canonical_name,
    canonical_params,
    check_requirements,
    generator_defaults,
    is_import_path,
    make_generator,
    parse_param,
)
from synthaug.search.selection import RULES
from synthaug.search.vtss import TG_GRIDS
from synthaug.sizing.counts import Gamma, parse_strategy

__all__ = ["PROTOCOLS", "SIZE_OPTIONS", "MethodSpec", "known_methods", "make_search",
           "parse_method", "parse_size_options"]

NO_SYNTHESIS = ("none", "class-weight", "threshold")
TRAINING_MODES = ("plain", "bias-corrected")
#: Short spellings of training modes.
TRAINING_ALIASES = {"bc": "bias-corrected"}
#: Size policies chosen by validation with the bench's classifier (meta-estimators).
SIZE_POLICIES = ("vtss", "tg-vtss", "vtss-fast", "tg-vtss-fast")
#: The search settings of each protocol, by search class: ``full`` is the library's
#: defaults (5 inner folds; VTSS's 16 multipliers 0, 0.1, ..., 1.5, TG-VTSS's grids in
#: steps of 0.05); ``fast`` has 3 inner folds, VTSS's 4 multipliers 0, 0.5, 1, 1.5 and
#: TG-VTSS's coarse grids. Options in the method name (:data:`SIZE_OPTIONS`) override
#: them. The protocol is part of the method name (``+vtss`` vs ``+vtss-fast``), so stored
#: results never mix.
PROTOCOLS: dict[str, dict[str, dict[str, Any]]] = {
    "full": {"VTSS": {}, "TGVTSS": {}},
    "fast": {"VTSS": {"cv": 3, "gammas": (0.0, 0.5, 1.0, 1.5)},
             "TGVTSS": {"cv": 3, "grid": "coarse"}},
}
SIZE_KEYWORDS = ("balance", "auto", "minority", "not majority", "not minority", "all")
#: The options a size policy takes in brackets, by search class: the scalar constructor
#: parameters of :class:`~synthaug.search.VTSS` / :class:`~synthaug.search.TGVTSS`
#: (the estimator, generator, seed, folds in parallel and warm starts are the bench's;
#: the candidate grid of VTSS is the protocol's).
SIZE_OPTIONS: dict[str, tuple[str, ...]] = {
    "VTSS": ("cv", "n_repeats", "reweight", "rule"),
    "TGVTSS": ("alpha", "cv", "gqs_cv", "gqs_threshold", "grid", "n_repeats", "reweight",
               "rule"),
}

@dataclass(frozen=True)
class MethodSpec:
    """A parsed method name."""

    generator: str
    params: dict[str, Any] = field(default_factory=dict)
    size: str = "balance"
    training: str = "plain"
    kind: str = "synthaug"  # "synthaug", "baseline", "imblearn", "sv"
    #: Options of the size policy's search class (``+vtss[reweight]``), canonical: only
    #: those that differ from the protocol's setting.
    size_params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The canonical spelling: defaults left out, parameters and options sorted."""
        text = self.generator
        if self.params:
            inner = ",".join(f"{k}={_fmt(v)}" for k, v in sorted(self.params.items()))
            text += f"[{inner}]"
        if self.kind != "baseline" and self.size != "balance":
            text += f"+{self.size}"
        if self.size_params:
            text += f"[{','.join(_fmt_option(k, v) for k, v in sorted(self.size_params.items()))}]"
        if self.training != "plain":
            text += f"+{self.training}"
        return text

    def params_json(self) -> str:
        """The parsed method as JSON, for the store (``size_params`` only when the size
        policy has options, so the rows of every other method read as before)."""
        parts = {"generator": self.generator, "params": self.params, "size": self.size,
                 "training": self.training}
        if self.size_params:
            parts["size_params"] = self.size_params
        return json.dumps(parts, sort_keys=True, default=str)

    @property
    def size_policy(self) -> str | None:
        """The size policy (``"vtss"``, ``"tg-vtss"``, ``"vtss-fast"``, ``"tg-vtss-fast"``)
        when the size is chosen by validation, else None."""
        return self.size if self.size in SIZE_POLICIES else None

    @property
    def protocol(self) -> str | None:
        """``"fast"`` or ``"full"`` for a size policy (see :data:`PROTOCOLS`), else None."""
        if self.size_policy is None:
            return None
        return "fast" if self.size.endswith("-fast") else "full"

    def make_search(self, classifier: Any, random_state: int) -> Any:
        """The VTSS / TG-VTSS meta-estimator around ``classifier`` (size policies only),
        with the settings of the method's protocol and its options."""
        return make_search(self.size, classifier,
                           make_generator(self.generator, **self.params), random_state,
                           self.size_params)

    def check_available(self) -> None:
        """Check what this method needs beyond its name, before any task runs.

        Raises
        ------
        MissingDependencyError
            When the peer library (smote-variants for ``sv:``) or a module the generator
            needs is not installed.
        UnknownMethodError
            When the peer library has no sampler of that name.
        InvalidParameterError
            When the peer's sampler takes no parameter of a given name, or a synthaug
            generator's parameter has a value it refuses.
        """
        if self.kind == "synthaug":
            check_requirements(self.generator)
            # values, not only names: "borderline-2[step=bogus]" fails here, not in every task
            check = getattr(make_generator(self.generator, **self.params), "_check_params",
                            None)
            if callable(check):
                check()
        elif self.kind in ("imblearn", "sv"):
            cls = peer_class(self.kind, self.generator.split(":", 1)[1])
            _check_peer_params(cls, self.generator, self.params)

    def make_sampler(self, random_state: int) -> Any:
        """A fresh, unfitted sampler with ``fit_resample`` (None for baselines and size
        policies and bias-corrected training, which resample inside their estimator)."""
        if (self.kind == "baseline" or self.size_policy is not None
                or self.training == "bias-corrected"):
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


def make_search(policy: str, classifier: Any, generator: Any, random_state: int,
                params: dict[str, Any] | None = None) -> Any:
    """VTSS or TG-VTSS for the size policy ``policy`` (one of :data:`SIZE_POLICIES`),
    folds run one at a time, with the settings of its protocol (:data:`PROTOCOLS`) and
    then the method's options ``params`` (:data:`SIZE_OPTIONS`, as
    :attr:`MethodSpec.size_params` holds them)."""
    cls = _search_class(policy)
    settings = {**_protocol_settings(policy), **(params or {})}
    return cls(classifier, generator, n_jobs=1, random_state=random_state, **settings)


def _search_class(policy: str) -> type:
    from synthaug.search.vtss import TGVTSS, VTSS

    return TGVTSS if policy.startswith("tg-") else VTSS


def _protocol_settings(policy: str) -> dict[str, Any]:
    """The settings :data:`PROTOCOLS` gives the search of ``policy``."""
    name = "TGVTSS" if policy.startswith("tg-") else "VTSS"
    return dict(PROTOCOLS["fast" if policy.endswith("-fast") else "full"][name])


def _effective_defaults(policy: str) -> dict[str, Any]:
    """The value of every option of ``policy`` when the name gives none: the protocol's
    setting, else the search class's default."""
    cls = _search_class(policy)
    signature = inspect.signature(cls).parameters
    out = {key: signature[key].default for key in SIZE_OPTIONS[cls.__name__]}
    out.update({k: v for k, v in _protocol_settings(policy).items() if k in out})
    return out


def _int_option(minimum: int) -> Any:
    def check(key: str, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidParameterError(
                f"{key} must be an integer >= {minimum}, got {value!r}.")
        return value
    return check


def _float_option(low: float, high: float, what: str) -> Any:
    def check(key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                math.isfinite(value) and low < value < high):
            raise InvalidParameterError(f"{key} must be {what}, got {value!r}.")
        return float(value)
    return check


def _choice_option(choices: tuple[str, ...]) -> Any:
    def check(key: str, value: Any) -> str:
        text = value.lower() if isinstance(value, str) else value
        if text not in choices:
            raise InvalidParameterError(
                f"{key} must be one of {', '.join(choices)}, got {value!r}.")
        return text
    return check


def _bool_option(key: str, value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise InvalidParameterError(
            f"{key} is true or false (a bare [{key}] means true), got {value!r}.")
    return value


#: How each option's value is checked and given its canonical type.
_OPTION_CHECKS: dict[str, Any] = {
    "cv": _int_option(2), "n_repeats": _int_option(1), "gqs_cv": _int_option(2),
    "rule": _choice_option(RULES), "grid": _choice_option(tuple(TG_GRIDS)),
    "reweight": _bool_option, "alpha": _float_option(0.0, 1.0, "a number in (0, 1)"),
    "gqs_threshold": _float_option(0.0, math.inf, "a finite number > 0"),
}


def parse_size_options(policy: str, items: list[str], text: str) -> dict[str, Any]:
    """The canonical options of the size policy ``policy`` from the ``key=value`` (or bare
    ``key``) items in its brackets: values checked and typed, those equal to the
    protocol's setting left out.

    Raises
    ------
    InvalidParameterError
        For an option the policy does not take (the message lists those it takes), one
        given twice, or a value out of range.
    """
    allowed = SIZE_OPTIONS[_search_class(policy).__name__]
    defaults = _effective_defaults(policy)
    options: dict[str, Any] = {}
    for item in items:
        key, value = parse_param(item) if "=" in item else (item.strip(), True)
        if key not in allowed:
            raise InvalidParameterError(
                f"+{policy} has no option {key!r} (in method {text!r}); its options are "
                f"{', '.join(allowed)}.")
        if key in options:
            raise InvalidParameterError(f"Option {key!r} is given twice in method {text!r}.")
        if "=" not in item and _OPTION_CHECKS[key] is not _bool_option:
            raise InvalidParameterError(
                f"Option {key!r} of +{policy} takes a value ({key}=...), in method {text!r}.")
        options[key] = _OPTION_CHECKS[key](key, value)
    return {k: v for k, v in options.items() if v != defaults[k]}


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _fmt_option(key: str, value: Any) -> str:
    """A size-policy option as written in a method name: True as the bare key, numbers in
    their shortest form, words without quotes."""
    if value is True:
        return key
    if isinstance(value, bool):
        return f"{key}={str(value).lower()}"
    if isinstance(value, float):
        return f"{key}={_number(value)}"
    return f"{key}={value}"


def _number(value: float) -> str:
    """The shortest text that reads back as ``value``, without a trailing ``.0``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


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
    InvalidParameterError
        For a parameter the generator does not take, or one given twice; for an option a
        size policy does not take or a value out of range (:func:`parse_size_options`);
        for options on a fixed size or a training mode.
    SamplingStrategyError
        For a size out of range (a ratio outside (0, 1], a negative gamma).
    """
    if not isinstance(text, str) or not text.strip():
        raise UnknownMethodError(f"A method name is a non-empty string, got {text!r}.")
    head, *rest = split_outside_brackets(text.strip(), "+")
    head, params = _split_params(head, text)
    kind, generator, defaults = _generator(head.strip())
    if kind == "synthaug" and head.strip().lower().replace("_", "-") == "borderline-2":
        params.setdefault("kind", "borderline-2")
    params = canonical_params(params, defaults)
    if kind == "synthaug":
        make_generator(generator, **params)  # checks the parameters now, not in a worker
    size, training, size_params = "balance", "plain", {}
    rest = [TRAINING_ALIASES.get(p.lower(), p) for p in rest]
    sizes = [p for p in rest if p.lower() not in TRAINING_MODES]
    if len(sizes) > 1:
        raise UnknownMethodError(f"Method {text!r} names {len(sizes)} sizes "
                                 f"({', '.join(sizes)}); give one.")
    for part in rest:
        low, options = _split_options(part, text)
        if options is not None and low not in SIZE_POLICIES and (
                low in TRAINING_MODES or _is_fixed_size(low)):
            raise InvalidParameterError(
                f"{low!r} takes no options in brackets (got {part!r} in method {text!r}); "
                f"only the size policies {', '.join(SIZE_POLICIES)} do.")
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
            size_params = parse_size_options(low, options or [], text)
        elif _is_fixed_size(low):
            size = canonical_size(low)
        else:
            raise UnknownMethodError(
                f"Unknown part {part!r} in method {text!r}: a size (balance, auto, "
                f"gamma:G, a ratio like 0.8, minority, vtss, tg-vtss, vtss-fast, "
                f"tg-vtss-fast) or a training mode "
                f"({', '.join(TRAINING_MODES)}) was expected. Known methods: "
                f"{', '.join(known_methods())}.")
    if training == "bias-corrected" and (kind != "synthaug" or size in SIZE_POLICIES):
        raise UnknownMethodError(
            f"bias-corrected training needs a synthaug generator and a fixed size (e.g. "
            f"smote+bc, smote+gamma:0.5+bc); got {text!r}.")
    return MethodSpec(generator=generator, params=params, size=size, training=training,
                      kind=kind, size_params=size_params)


def _split_options(part: str, text: str) -> tuple[str, list[str] | None]:
    """``"vtss[reweight, rule=one-se]"`` -> ``("vtss", ["reweight", "rule=one-se"])``;
    ``(part, None)`` (lower-cased) without brackets."""
    if "[" not in part:
        return part.lower(), None
    if not part.endswith("]") or part.count("[") != 1 or part.count("]") != 1:
        raise UnknownMethodError(f"Unbalanced brackets in method {text!r}.")
    base, inner = part[:-1].split("[", 1)
    return base.strip().lower(), [s.strip() for s in inner.split(",") if s.strip()]


def _is_fixed_size(low: str) -> bool:
    return low in SIZE_KEYWORDS or low.startswith("gamma:") or _is_number(low)


def _split_params(head: str, text: str) -> tuple[str, dict[str, Any]]:
    """``"smote[k_neighbors=3]"`` -> ``("smote", {"k_neighbors": 3})``."""
    params: dict[str, Any] = {}
    if "[" not in head:
        return head, params
    if not head.endswith("]"):
        raise UnknownMethodError(f"Unbalanced brackets in method {text!r}.")
    head, inner = head[:-1].split("[", 1)
    for item in filter(None, (s.strip() for s in inner.split(","))):
        key, value = parse_param(item)
        if key in params:
            raise InvalidParameterError(f"Parameter {key!r} is given twice in method {text!r}.")
        params[key] = value
    return head, params


def _generator(head: str) -> tuple[str, str, dict[str, Any] | None]:
    """``(kind, canonical generator name, its default parameters or None)``."""
    low = head.lower()
    if low in NO_SYNTHESIS:
        return "baseline", low, None
    for kind in ("imblearn", "sv"):
        if low.startswith(kind + ":"):
            name = head.split(":", 1)[1].strip()
            return kind, f"{kind}:{name}", _peer_defaults(kind, name)
    generator = canonical_name(head)
    if is_import_path(generator):
        return "synthaug", generator, generator_defaults(generator)  # checks the class
    if generator not in GENERATORS:
        import difflib

        close = difflib.get_close_matches(generator, known_methods(), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownMethodError(
            f"Unknown method {head!r}.{hint} Known methods: {', '.join(known_methods())}.")
    return "synthaug", generator, generator_defaults(generator)


def canonical_size(text: str) -> str:
    """The one spelling of a fixed size: ``"gamma:1.50"`` -> ``"gamma:1.5"``,
    ``"gamma:1"`` -> ``"balance"``, ``"0.80"`` -> ``"0.8"``; keywords as they are.

    Raises
    ------
    SamplingStrategyError
        For a ratio outside (0, 1] or a gamma that is negative or not finite.
    """
    strategy = parse_strategy(text)
    if isinstance(strategy, Gamma):
        if not (math.isfinite(strategy.g) and strategy.g >= 0):
            raise SamplingStrategyError(
                f"gamma must be a finite number >= 0, got {text!r}.")
        return "balance" if strategy.g == 1 else f"gamma:{_number(strategy.g)}"
    if isinstance(strategy, float):
        if not 0 < strategy <= 1:
            raise SamplingStrategyError(
                f"A ratio size is the minority/majority ratio after resampling and must lie "
                f"in (0, 1]; got {text!r}. For more than balance use gamma:G with G > 1.")
        return _number(strategy)
    return str(strategy)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_SV_INSTALL = ("sv:* methods need smote-variants: pip install --no-deps smote-variants "
               "metric-learn minisom seaborn")


def peer_class(kind: str, name: str) -> type:
    """The sampler class ``name`` of imbalanced-learn (``kind="imblearn"``) or
    smote-variants (``kind="sv"``).

    Raises
    ------
    MissingDependencyError
        When smote-variants is not installed.
    UnknownMethodError
        When the library has no sampler ``name`` (the message lists close names).
    """
    import difflib

    if kind == "imblearn":
        module = importlib.import_module("imblearn.over_sampling")
        known = sorted(module.__all__)
        library = "imbalanced-learn"
    else:
        import logging

        logging.getLogger("smote_variants").setLevel(logging.WARNING)
        try:
            module = importlib.import_module("smote_variants")
        except ImportError as exc:
            raise MissingDependencyError(_SV_INSTALL + ".") from exc
        known = sorted(n for n in dir(module) if not n.startswith("_") and isinstance(
            getattr(module, n), type) and callable(getattr(getattr(module, n), "sample", None)))
        library = "smote-variants"
    cls = getattr(module, name, None) if name in known else None
    if cls is None:
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else (
            f"; known: {', '.join(known)}." if len(known) <= 20 else ".")
        raise UnknownMethodError(f"{library} has no over-sampler {name!r}{hint}")
    return cls


def _peer_defaults(kind: str, name: str) -> dict[str, Any] | None:
    """The default parameters of a peer sampler, or None when it cannot be found (then
    :meth:`MethodSpec.check_available` says why)."""
    try:
        cls = peer_class(kind, name)
    except (MissingDependencyError, UnknownMethodError):
        return None
    return {p.name: p.default for p in _init_parameters(cls) if p.default is not p.empty}


def _init_parameters(cls: type) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(cls).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _check_peer_params(cls: type, generator: str, params: dict[str, Any]) -> None:
    names = {p.name for p in _init_parameters(cls)}
    unknown = sorted(set(params) - names)
    if unknown:
        raise InvalidParameterError(
            f"{generator} has no parameter {', '.join(unknown)}; its parameters are "
            f"{', '.join(sorted(names))}.")


def _imblearn_sampler(name: str, params: dict[str, Any], size: str, seed: int) -> Any:
    cls = peer_class("imblearn", name)
    accepted = {p.name for p in _init_parameters(cls)}
    kwargs = dict(params)
    if size != "balance":
        kwargs.setdefault("sampling_strategy", parse_strategy(size))
    if "random_state" in accepted:
        kwargs.setdefault("random_state", seed)
    if "categorical_features" in accepted:   # SMOTENC: the table's categorical dtypes
        kwargs.setdefault("categorical_features", "auto")
    return cls(**kwargs)


class SmoteVariantsSampler:
    """Adapter giving a smote-variants oversampler the ``fit_resample`` interface."""

    def __init__(self, name: str, params: dict[str, Any], random_state: int) -> None:
        cls = peer_class("sv", name)
        self.sampler = cls(**{"random_state": random_state, **params})

    def fit_resample(self, X: Any, y: Any) -> tuple[Any, Any]:
        return self.sampler.sample(X, y)
