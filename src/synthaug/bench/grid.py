"""What a bench run covers: suites, TOML configuration, and the list of tasks.

A grid is datasets x methods x classifiers x repeated stratified k-fold splits. Three
suites are built in:

* ``default``: every bundled binary dataset with imbalance ratio >= 1.5 and n <= 10,000;
  methods none, class-weight, random, smote, borderline-smote, adasyn, gksmote;
  classifiers logreg and hgb; 5 folds, 1 repeat.
* ``smoke``: 5 small datasets, methods none and smote, classifier logreg, 3 folds (tests).
* ``full``: every bundled binary dataset, the default methods plus ``smote+vtss`` and
  ``smote+tg-vtss``, every built-in classifier (TG-VTSS is not applicable to classifiers
  without per-sample scores, and is recorded so).

VTSS and TG-VTSS are not in the default suite: with their full protocol (5-fold inner
search, 21 or up to 41 candidate sizes) they cost 4 to 5 s per task with logistic
regression on these datasets, which would take the default suite past its 20-minute
budget on 2 cores (see docs/bench.md).

A TOML file can describe any grid (keys of a ``[bench]`` table, all optional)::

    [bench]
    suite = "default"          # start from a suite, then override
    datasets = ["ecoli1", "yeast4"]
    methods = ["none", "smote[k_neighbors=3]+gamma:1.5"]
    classifiers = ["logreg"]
    folds = 5
    repeats = 2
    random_state = 0
    task_timeout = 300

CLI flags override the file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from synthaug.bench.classifiers import make_classifier
from synthaug.bench.methods import parse_method, split_outside_brackets
from synthaug.bench.tasks import Task
from synthaug.exceptions import InvalidInputError, InvalidParameterError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["SUITES", "BenchConfig", "build_tasks", "load_config", "suite_config"]

DEFAULT_METHODS = ["none", "class-weight", "random", "smote", "borderline-smote", "adasyn",
                   "gksmote"]
SMOKE_DATASETS = ["ecoli1", "glass1", "new_thyroid1", "iris0", "haberman"]
SUITES = ("default", "smoke", "full")


@dataclass
class BenchConfig:
    """A grid and how to run it."""

    datasets: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    classifiers: list[str] = field(default_factory=list)
    folds: int = 5
    repeats: int = 1
    random_state: int = 0
    task_timeout: float | None = None
    suite: str | None = None

    def validate(self) -> BenchConfig:
        """Check names, numbers and dependencies now, in the driver, rather than in every
        worker; returns the config with canonical dataset and method names.

        Raises
        ------
        InvalidParameterError
            For an empty grid or a number out of range or of the wrong type.
        UnknownMethodError
            For an unknown method or classifier.
        MissingDependencyError
            When a method or classifier needs a library that is not installed.
        """
        from synthaug.datasets.bundled import _resolve

        self._check_types()
        if not (self.datasets and self.methods and self.classifiers):
            raise InvalidParameterError(
                "A bench grid needs at least one dataset, method and classifier.")
        canonical = [_resolve(name).name for name in self.datasets]
        specs = [parse_method(m) for m in self.methods]
        for spec in {s.name: s for s in specs}.values():  # once per method
            spec.check_available()
        for c in self.classifiers:
            make_classifier(c)
        if self.folds < 2:
            raise InvalidParameterError(f"folds must be >= 2, got {self.folds}.")
        if self.repeats < 1:
            raise InvalidParameterError(f"repeats must be >= 1, got {self.repeats}.")
        if not 0 <= self.random_state < 2**32:
            raise InvalidParameterError(
                f"random_state must be an integer in [0, 2**32 - 1], got {self.random_state}.")
        if self.task_timeout is not None and not self.task_timeout > 0:
            raise InvalidParameterError("task_timeout must be a positive number of seconds.")
        return replace(self, datasets=_unique(canonical),
                       methods=_unique([s.name for s in specs]),
                       classifiers=_unique(self.classifiers))

    def _check_types(self) -> None:
        """Values from a TOML file can be of any type: say which one is wrong."""
        for key in ("datasets", "methods", "classifiers"):
            value = getattr(self, key)
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise InvalidParameterError(
                    f"{key} must be a list of names (or one comma-separated string), got "
                    f"{value!r}.")
        for key in ("folds", "repeats", "random_state"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidParameterError(f"{key} must be an integer, got {value!r}.")
        timeout = self.task_timeout
        if timeout is not None and (isinstance(timeout, bool)
                                    or not isinstance(timeout, int | float)):
            raise InvalidParameterError(
                f"task_timeout must be a number of seconds, got {timeout!r}.")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def suite_config(name: str) -> BenchConfig:
    """The built-in suite ``name``."""
    from synthaug.datasets import list_datasets

    if name == "default":
        table = list_datasets(min_ir=1.5, max_n=10_000)
        return BenchConfig(datasets=list(table["name"]), methods=list(DEFAULT_METHODS),
                           classifiers=["logreg", "hgb"], suite=name)
    if name == "smoke":
        return BenchConfig(datasets=list(SMOKE_DATASETS), methods=["none", "smote"],
                           classifiers=["logreg"], folds=3, suite=name)
    if name == "full":
        return BenchConfig(datasets=list(list_datasets()["name"]),
                           methods=[*DEFAULT_METHODS, "smote+vtss", "smote+tg-vtss"],
                           classifiers=["logreg", "knn", "tree", "hgb", "svm", "mlp"],
                           suite=name)
    raise InvalidParameterError(f"Unknown suite {name!r}; known: {', '.join(SUITES)}.")


_KEYS = {"suite", "datasets", "methods", "classifiers", "folds", "repeats", "random_state",
         "task_timeout", "store"}


def load_config(path: str | Path) -> tuple[BenchConfig, dict[str, Any]]:
    """Read a TOML grid; returns the config and the raw ``[bench]`` table (for ``store``)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"No config file at {path}." if not path.exists() else
                                f"{path} is not a file; --config takes a TOML file.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    table = data.get("bench", data)
    if not isinstance(table, dict):
        raise InvalidInputError(f"[bench] in {path} must be a table of settings.")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise InvalidParameterError(
            f"Unknown key(s) {', '.join(unknown)} in {path}; known: {', '.join(sorted(_KEYS))}.")
    config = suite_config(table.get("suite", "default")) if (
        "suite" in table or not {"datasets", "methods", "classifiers"} <= set(table)
    ) else BenchConfig()
    return apply_overrides(config, table), table


def apply_overrides(config: BenchConfig, values: dict[str, Any]) -> BenchConfig:
    """Replace the fields given (None values are ignored)."""
    fields = {k: v for k, v in values.items()
              if v is not None and k in BenchConfig.__dataclass_fields__}
    for key in ("datasets", "methods", "classifiers"):
        if key in fields and isinstance(fields[key], str):
            fields[key] = split_outside_brackets(fields[key], ",")
    return replace(config, **fields)


def build_tasks(config: BenchConfig) -> list[Task]:
    """Every task of the grid, in a stable order (dataset, method, classifier, split)."""
    return [Task(dataset=d, method=m, classifier=c, n_folds=config.folds,
                 n_repeats=config.repeats, repeat=r, fold=f, seed=config.random_state,
                 timeout=config.task_timeout)
            for d in config.datasets for m in config.methods for c in config.classifiers
            for r in range(config.repeats) for f in range(config.folds)]
