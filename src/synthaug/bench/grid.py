"""What a bench run covers: suites, TOML configuration, and the list of tasks.

A grid is datasets x methods x classifiers x repeated stratified k-fold splits. Three
suites are built in:

* ``default``: every bundled binary dataset with imbalance ratio >= 1.5, n <= 10,000 and
  at least 8 minority rows (107); methods none, class-weight, random, smote,
  borderline-smote, adasyn, gksmote, smote+vtss-fast, smote+tg-vtss-fast; classifiers
  logreg and hgb, except smote+tg-vtss-fast with hgb (:data:`DEFAULT_SKIP`); 5 folds,
  1 repeat.
* ``smoke``: 5 small datasets, methods none and smote, classifier logreg, 3 folds (tests).
* ``full``: every bundled binary dataset with at least 8 minority rows (113), the default
  methods plus ``smote+vtss`` and ``smote+tg-vtss`` (the full protocol), every built-in
  classifier (TG-VTSS is not applicable to classifiers without per-sample scores, and is
  recorded so).

VTSS and TG-VTSS join the default suite with the bench's cheap protocol (``vtss-fast``,
``tg-vtss-fast``: 3 inner folds, VTSS's multipliers 0, 0.5, 1, 1.5, TG-VTSS's coarse
grids; :data:`synthaug.bench.methods.PROTOCOLS`). Their full protocol (5 inner folds, 21
or up to 41 candidate sizes) would take the default suite past its 20-minute budget on 2
cores (see docs/bench.md); it stays in ``full`` under its own method names, so results of
the two protocols are never mixed. Even the cheap protocol of TG-VTSS costs about 30 fits of
the classifier per task (up to 10 candidates x 3 inner folds); with gradient boosting that
was 1,890 of the suite's 3,540 core-seconds, so the default suite leaves that one pair out
(``skip``) and runs TG-VTSS with logistic regression only; the full suite and a TOML grid
run it with every classifier.

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
    skip = [["smote+tg-vtss-fast", "hgb"]]   # method-classifier pairs left out

    [[bench.dataset]]          # a user's own file, one table per file
    path = "data/churn.csv"    # relative to the config file's folder
    target = "churned"         # default: the last column
    categorical = ["plan"]     # number-coded categories (text columns are categorical)
    positive = "yes"           # the class scored as the minority (default: the smallest)
    name = "churn"             # stored as churn#<hash> (default: the file name)

Files can also be named among ``datasets`` (``datasets = ["yeast4", "data/churn.csv"]``);
the keys ``target``, ``categorical`` and ``positive`` of ``[bench]`` then apply to them.
A file's stored name carries a hash of its content (see :mod:`synthaug.bench.data`).

The default and full suites leave out the bundled datasets whose smallest class cannot
give every training part of 5 stratified folds ``k_neighbors + 1 = 6`` rows (and every
validation part one): on those, SMOTE-like methods fail on every fold, and lymphography
(4 minority rows) cannot even be split.

CLI flags override the file. A suite's ``skip`` pairs belong to its own grid: giving
``methods`` or ``classifiers`` (in the file or as flags) without ``skip`` clears them, so
a grid that names its methods runs all of them.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from synthaug.bench.classifiers import make_classifier
from synthaug.bench.data import (
    FileSpec,
    TableData,
    check_splittable,
    is_file_reference,
    load_file,
    min_class_rows,
)
from synthaug.bench.methods import parse_method, split_outside_brackets
from synthaug.bench.tasks import Task
from synthaug.exceptions import InvalidInputError, InvalidParameterError, SynthaugWarning

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["SUITES", "BenchConfig", "build_tasks", "load_config", "suite_config"]

DEFAULT_METHODS = ["none", "class-weight", "random", "smote", "borderline-smote", "adasyn",
                   "gksmote", "smote+vtss-fast", "smote+tg-vtss-fast"]
#: Method-classifier pairs the default suite leaves out for time (see the module docstring).
DEFAULT_SKIP = [("smote+tg-vtss-fast", "hgb")]
SMOKE_DATASETS = ["ecoli1", "glass1", "new_thyroid1", "iris0", "haberman"]
SUITES = ("default", "smoke", "full")
#: Folds of the default and full suites.
SUITE_FOLDS = 5


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
    #: How to read the files named in ``datasets``: label column (default: the last),
    #: number-coded categorical columns, the class scored as the minority.
    target: str | None = None
    categorical: list[str] = field(default_factory=list)
    positive: Any = None
    #: Files with their own settings (``[[bench.dataset]]`` tables).
    files: list[FileSpec] = field(default_factory=list)
    #: ``(method, classifier)`` pairs left out of the grid.
    skip: list[tuple[str, str]] = field(default_factory=list)
    #: The files' tables by stored name; filled by :meth:`validate`.
    tables: dict[str, TableData] = field(default_factory=dict, repr=False, compare=False)

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
        InvalidInputError
            For an unknown bundled dataset or a file that cannot be read.
        NotEnoughSamplesError
            For a dataset with fewer rows in a class than folds.

        Warns
        -----
        SynthaugWarning
            For a dataset too small for neighbour-based methods at their defaults.
        """
        self._check_types()
        if not ((self.datasets or self.files) and self.methods and self.classifiers):
            raise InvalidParameterError(
                "A bench grid needs at least one dataset, method and classifier.")
        self._check_numbers()
        specs = [parse_method(m) for m in self.methods]
        for spec in {s.name: s for s in specs}.values():  # once per method
            spec.check_available()
        for c in self.classifiers:
            make_classifier(c)
        canonical, tables = self._datasets()
        return replace(self, datasets=_unique(canonical), files=[], tables=tables,
                       methods=_unique([s.name for s in specs]),
                       classifiers=_unique(self.classifiers), skip=self._skip_pairs())

    def _skip_pairs(self) -> list[tuple[str, str]]:
        """The ``skip`` pairs with canonical method names, each checked."""
        pairs = []
        for pair in self.skip:
            if not (isinstance(pair, list | tuple) and len(pair) == 2
                    and all(isinstance(v, str) for v in pair)):
                raise InvalidParameterError(
                    f"skip must be a list of [method, classifier] pairs, got {pair!r} in it.")
            method, classifier = pair
            make_classifier(classifier)
            pairs.append((parse_method(method).name, classifier))
        return _unique(pairs)

    def _datasets(self) -> tuple[list[str], dict[str, TableData]]:
        """Stored names of every dataset, in order, and the files' tables (read now)."""
        from synthaug.datasets.bundled import _resolve

        canonical: list[str] = []
        tables = dict(self.tables)
        self._warn_unused_file_settings()
        for entry in [*self.datasets, *self.files]:
            if isinstance(entry, str) and entry in tables:   # validated before
                canonical.append(entry)
            elif isinstance(entry, FileSpec) or is_file_reference(entry):
                data = load_file(entry if isinstance(entry, FileSpec) else self._spec(entry))
                check_splittable(data.name, int(np.bincount(data.y).min()), self.folds)
                tables[data.name] = data
                canonical.append(data.name)
            else:
                name = _resolve(entry).name
                check_splittable(name, _bundled_minority(name), self.folds)
                canonical.append(name)
        return canonical, tables

    def _warn_unused_file_settings(self) -> None:
        """Say so when target, categorical or positive are given but no file is named in
        ``datasets`` (they apply to nothing else)."""
        given = [k for k in ("target", "categorical", "positive") if getattr(self, k)]
        if given and not self.tables and not any(
                isinstance(d, str) and is_file_reference(d) for d in self.datasets):
            warnings.warn(
                f"{', '.join(given)} apply to the CSV or Parquet files named in datasets, "
                "and none is named there, so they are ignored; name a file in --datasets "
                "(or give each [[bench.dataset]] table its own settings).", SynthaugWarning,
                stacklevel=4)

    def _spec(self, path: str) -> FileSpec:
        """How to read a file named in ``datasets``: this config's target, categorical
        columns and positive label."""
        return FileSpec(path=path, target=self.target, categorical=tuple(self.categorical),
                        positive=self.positive)

    def describe(self) -> dict[str, Any]:
        """The grid as plain JSON-ready values (without the files' tables)."""
        out = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "tables"}
        out["files"] = [asdict(f) for f in self.files]
        out["tables"] = {name: {"classes": list(t.classes), "categorical": list(t.categorical),
                                "positive": t.classes[t.positive]}
                         for name, t in self.tables.items()}
        return out

    def _check_numbers(self) -> None:
        if self.folds < 2:
            raise InvalidParameterError(f"folds must be >= 2, got {self.folds}.")
        if self.repeats < 1:
            raise InvalidParameterError(f"repeats must be >= 1, got {self.repeats}.")
        if not 0 <= self.random_state < 2**32:
            raise InvalidParameterError(
                f"random_state must be an integer in [0, 2**32 - 1], got {self.random_state}.")
        if self.task_timeout is not None and not self.task_timeout > 0:
            raise InvalidParameterError("task_timeout must be a positive number of seconds.")

    def _check_types(self) -> None:
        """Values from a TOML file can be of any type: say which one is wrong."""
        for key in ("datasets", "methods", "classifiers", "categorical"):
            value = getattr(self, key)
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise InvalidParameterError(
                    f"{key} must be a list of names (or one comma-separated string), got "
                    f"{value!r}.")
        if not isinstance(self.skip, list | tuple):
            raise InvalidParameterError(
                f"skip must be a list of [method, classifier] pairs, got {self.skip!r}.")
        for key in ("folds", "repeats", "random_state"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidParameterError(f"{key} must be an integer, got {value!r}.")
        timeout = self.task_timeout
        if timeout is not None and (isinstance(timeout, bool)
                                    or not isinstance(timeout, int | float)):
            raise InvalidParameterError(
                f"task_timeout must be a number of seconds, got {timeout!r}.")
        if self.target is not None and not isinstance(self.target, str):
            raise InvalidParameterError(f"target must be a column name, got {self.target!r}.")


def _bundled_minority(name: str) -> int:
    """Minority rows of a bundled dataset, from the (cached) dataset table, or from the
    dataset itself when the table left it out (its loader then says why it fails)."""
    from synthaug.datasets import list_datasets, load_dataset

    table = list_datasets()
    found = table.loc[table["name"] == name, "n_minority"]
    if len(found):
        return int(found.iloc[0])
    return int(np.bincount(load_dataset(name)[1]).min())


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def suite_config(name: str) -> BenchConfig:
    """The built-in suite ``name``."""
    from synthaug.datasets import list_datasets

    splittable = min_class_rows(SUITE_FOLDS)
    if name == "default":
        table = list_datasets(min_ir=1.5, max_n=10_000, min_minority=splittable)
        return BenchConfig(datasets=list(table["name"]), methods=list(DEFAULT_METHODS),
                           classifiers=["logreg", "hgb"], skip=list(DEFAULT_SKIP),
                           suite=name)
    if name == "smoke":
        return BenchConfig(datasets=list(SMOKE_DATASETS), methods=["none", "smote"],
                           classifiers=["logreg"], folds=3, suite=name)
    if name == "full":
        return BenchConfig(datasets=list(list_datasets(min_minority=splittable)["name"]),
                           methods=[*DEFAULT_METHODS, "smote+vtss", "smote+tg-vtss"],
                           classifiers=["logreg", "knn", "tree", "hgb", "svm", "mlp"],
                           suite=name)
    raise InvalidParameterError(f"Unknown suite {name!r}; known: {', '.join(SUITES)}.")


_KEYS = {"suite", "datasets", "methods", "classifiers", "folds", "repeats", "random_state",
         "task_timeout", "store", "target", "categorical", "positive", "dataset", "skip"}
_FILE_KEYS = {"path", "target", "categorical", "positive", "name"}


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
    files = _file_specs(table.get("dataset", []), path)
    given = set(table) | ({"datasets"} if files else set())
    config = suite_config(table.get("suite", "default")) if (
        "suite" in table or not {"datasets", "methods", "classifiers"} <= given
    ) else BenchConfig()
    if files and "datasets" not in table and "suite" not in table:
        config = replace(config, datasets=[])   # the files alone, not the default suite
    return replace(apply_overrides(config, table), files=files), table


def _file_specs(tables: Any, config_path: Path) -> list[FileSpec]:
    """The ``[[bench.dataset]]`` tables; relative paths are taken from the config file's
    folder."""
    if isinstance(tables, dict):
        tables = [tables]
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise InvalidParameterError(
            f"dataset in {config_path} must be [[bench.dataset]] tables with a path.")
    specs = []
    for i, item in enumerate(tables, 1):
        unknown = sorted(set(item) - _FILE_KEYS)
        if unknown or not isinstance(item.get("path"), str):
            why = (f"unknown key(s) {', '.join(unknown)}" if unknown
                   else "it has no path (a string)")
            raise InvalidParameterError(
                f"[[bench.dataset]] number {i} in {config_path}: {why}; its keys are "
                f"{', '.join(sorted(_FILE_KEYS))}.")
        path = Path(item["path"]).expanduser()
        if not path.is_absolute():
            path = config_path.parent / path
        categorical = item.get("categorical", [])
        if isinstance(categorical, str):
            categorical = split_outside_brackets(categorical, ",")
        specs.append(FileSpec(path=str(path), target=item.get("target"),
                              categorical=tuple(categorical), positive=item.get("positive"),
                              name=item.get("name")))
    return specs


def apply_overrides(config: BenchConfig, values: dict[str, Any]) -> BenchConfig:
    """Replace the fields given (None values are ignored)."""
    fields = {k: v for k, v in values.items()
              if v is not None and k in BenchConfig.__dataclass_fields__}
    for key in ("datasets", "methods", "classifiers", "categorical"):
        if key in fields and isinstance(fields[key], str):
            fields[key] = split_outside_brackets(fields[key], ",")
    fields.pop("files", None)
    fields.pop("tables", None)
    if {"methods", "classifiers"} & fields.keys() and "skip" not in fields:
        fields["skip"] = []   # a suite's pairs belong to its own grid
    return replace(config, **fields)


def build_tasks(config: BenchConfig) -> list[Task]:
    """Every task of the grid, in a stable order (dataset, method, classifier, split).

    ``config`` must be validated (:meth:`BenchConfig.validate`), so that the files' tables
    are read; each task of a file carries its table to the worker."""
    skip = set(config.skip)
    return [Task(dataset=d, method=m, classifier=c, n_folds=config.folds,
                 n_repeats=config.repeats, repeat=r, fold=f, seed=config.random_state,
                 timeout=config.task_timeout, data=config.tables.get(d))
            for d in config.datasets for m in config.methods for c in config.classifiers
            if (m, c) not in skip
            for r in range(config.repeats) for f in range(config.folds)]
