"""The bad-input matrix: every public entry point x every awkward input.

Used by ``tests/test_bad_inputs.py`` (which asserts that each cell ends in correct output or
in an error of synthaug's own type whose message names the problem) and by
``tools/reliability_report.py`` (which writes ``docs/reliability.md`` from the same cells).

A new sampler, generator or classifier joins by being added to :data:`ENTRY_POINTS`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

N_MAJ, N_MIN, D = 60, 15, 3


# ----------------------------------------------------------------------------- the cases
@dataclass
class Case:
    """One awkward input.

    ``expect`` is "ok" (must succeed), "error" (must fail with one of ``words`` in the
    message) or "either" (may do both; an error must still name the problem). ``numeric``
    says what numeric-only estimators (KOTARO, VTSS, diagnostics) must do when it differs.
    """

    name: str
    make: Callable[[], tuple[Any, Any]]
    expect: str
    words: tuple[str, ...] = ()
    numeric: str | None = None
    binary: str | None = None
    csv: bool = True
    note: str = ""


def _base(n_maj: int = N_MAJ, n_min: int = N_MIN, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(0.0, 1.0, (n_maj, D)), rng.normal(1.5, 1.0, (n_min, D))])
    return X, np.r_[np.zeros(n_maj, dtype=np.int64), np.ones(n_min, dtype=np.int64)]


def _with(value: float, row: int = 0, col: int = 0) -> Callable[[], tuple[Any, Any]]:
    def make() -> tuple[Any, Any]:
        X, y = _base()
        X[row, col] = value
        return X, y
    return make


def _scaled(factor: float) -> Callable[[], tuple[Any, Any]]:
    def make() -> tuple[Any, Any]:
        X, y = _base()
        return X * factor, y
    return make


def _frame_with(column: pd.Series) -> Callable[[], tuple[Any, Any]]:
    def make() -> tuple[Any, Any]:
        X, y = _base()
        frame = pd.DataFrame(X, columns=["a", "b", "c"])
        frame["extra"] = column.to_numpy() if not isinstance(column.dtype, pd.CategoricalDtype) \
            else column
        frame["extra"] = frame["extra"].astype(column.dtype)
        return frame, pd.Series(y, name="label")
    return make


def _relabel(labels: tuple[Any, Any]) -> Callable[[], tuple[Any, Any]]:
    def make() -> tuple[Any, Any]:
        X, y = _base()
        return X, np.where(y == 0, labels[0], labels[1]).astype(object)
    return make


def _minority(n: int) -> Callable[[], tuple[Any, Any]]:
    return lambda: _base(n_min=n)


def _duplicates() -> tuple[Any, Any]:
    X, y = _base()
    X[y == 1] = X[y == 1][0]
    return X, y


def _constant() -> tuple[Any, Any]:
    X, y = _base()
    X[:, 2] = 5.0
    return X, y


def _three_classes() -> tuple[Any, Any]:
    X, y = _base()
    rng = np.random.default_rng(1)
    X3 = np.vstack([X, rng.normal(-2.0, 1.0, (12, D))])
    return X3, np.r_[y, np.full(12, 2)]


_CATS = np.random.default_rng(2).choice(["u", "v", "w"], N_MAJ + N_MIN)
_NUMS = np.random.default_rng(3).integers(0, 9, N_MAJ + N_MIN)

CASES: list[Case] = [
    Case("NaN in X", _with(np.nan), "error", ("NaN",)),
    Case("+inf in X", _with(np.inf), "error", ("infinite", "inf")),
    Case("-inf in X", _with(-np.inf), "error", ("infinite", "inf")),
    Case("NA in a nullable Float64 column",
         _frame_with(pd.Series([1.5, None] * 37 + [0.5], dtype="Float64")), "error",
         ("NaN", "missing"), csv=False),
    Case("a single class", lambda: (_base()[0], np.zeros(N_MAJ + N_MIN, dtype=int)), "error",
         ("class",)),
    Case("minority of 1 row", _minority(1), "either", ("row", "member", "class")),
    Case("minority of 2 rows", _minority(2), "either", ("row", "member", "class")),
    Case("all minority rows identical", _duplicates, "either", ("identical", "duplicate",
                                                                "distinct", "singular")),
    Case("a constant column", _constant, "ok"),
    Case("values near 1e300", _scaled(1e300), "either", ("large", "overflow", "scale")),
    Case("values near 1e-300", _scaled(1e-300), "either", ("small", "underflow", "scale")),
    Case("float32 X", lambda: (_base()[0].astype(np.float32), _base()[1]), "ok", csv=False),
    Case("integer X", lambda: (np.rint(_base()[0] * 10).astype(np.int64), _base()[1]), "ok"),
    Case("boolean X", lambda: (_base()[0] > 0.5, _base()[1]), "ok", csv=False),
    Case("nullable Int64 column", _frame_with(pd.Series(_NUMS, dtype="Int64")), "ok",
         csv=False),
    Case("nullable Float64 column", _frame_with(pd.Series(_NUMS * 0.5, dtype="Float64")), "ok",
         csv=False),
    Case("nullable boolean column", _frame_with(pd.Series(_NUMS > 4, dtype="boolean")), "ok",
         csv=False, note="numeric-only estimators read it as 0/1"),
    Case("string column", _frame_with(pd.Series(_CATS, dtype="string")), "ok",
         ("categorical", "encode", "numeric"), numeric="error"),
    Case("object column", _frame_with(pd.Series(_CATS, dtype=object)), "ok",
         ("categorical", "encode", "numeric"), numeric="error", csv=False),
    Case("category column", _frame_with(pd.Series(_CATS, dtype="category")), "ok",
         ("categorical", "encode", "numeric"), numeric="error", csv=False),
    Case("sparse X", lambda: (sp.csr_matrix(_base()[0]), _base()[1]), "error", ("parse",),
         csv=False),
    Case("empty input", lambda: (np.empty((0, D)), np.empty(0, dtype=int)), "error",
         ("empty", "0 sample", "no rows")),
    Case("X and y of different lengths", lambda: (_base()[0], _base()[1][:-5]), "error",
         ("rows", "labels", "length"), csv=False),
    Case('labels "no" / "yes"', _relabel(("no", "yes")), "ok"),
    Case("labels -1 / 7", _relabel((-1, 7)), "ok"),
    Case("three classes", _three_classes, "ok", ("binary", "two classes"), binary="error"),
]


# ----------------------------------------------------------------------------- entry points
@dataclass
class EntryPoint:
    """A public entry point: ``run(X, y)`` returns a dict describing correct output, or
    raises. ``numeric`` / ``binary``: it needs numeric features / exactly two classes."""

    name: str
    run: Callable[[Any, Any], dict[str, Any]]
    numeric: bool = False
    binary: bool = False
    cli: bool = False
    tags: dict[str, Any] = field(default_factory=dict)
    #: Case name -> (expectation, words) where this entry point differs from the case's
    #: own (the ATE takes the labels as a 0/1 treatment, so other labels are an error).
    overrides: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def _finite(values: Any) -> bool:
    arr = values.to_numpy() if isinstance(values, pd.DataFrame) else np.asarray(values)
    if arr.dtype.kind in "fc":
        return bool(np.isfinite(arr).all())
    if arr.dtype == object:
        flat = [v for v in arr.ravel() if isinstance(v, float)]
        return bool(np.isfinite(flat).all()) if flat else True
    return True


def _sampler_run(make: Callable[[], Any]) -> Callable[[Any, Any], dict[str, Any]]:
    def run(X: Any, y: Any) -> dict[str, Any]:
        from synthaug import resolve_counts
        from synthaug._validation import check_target

        X_res, y_res = make().fit_resample(X, y)
        y_in = check_target(y)
        want = resolve_counts(y_in, "auto")
        added = len(y_res) - len(y_in)
        problems = []
        if added != sum(want.values()):
            problems.append(f"added {added} rows, asked for {sum(want.values())}")
        if len(X_res) != len(y_res):
            problems.append("X and y lengths differ")
        if not _finite(X_res):
            problems.append("non-finite output")
        return {"detail": f"{added} rows added", "problems": problems}
    return run


def _generator_run(make: Callable[[], Any]) -> Callable[[Any, Any], dict[str, Any]]:
    def run(X: Any, y: Any) -> dict[str, Any]:
        gen = make().fit(X, y)
        if getattr(gen, "multiclass_native", False):   # fitted for every class: name one
            from synthaug._labels import class_roles
            from synthaug._validation import check_target

            rows = gen.sample(20, target_class=class_roles(check_target(y)).minority,
                              random_state=0)
        else:
            rows = gen.sample(20, random_state=0)
        problems = []
        if np.shape(rows) != (20, np.shape(X)[1]):
            problems.append(f"sample(20) gave shape {np.shape(rows)}")
        if not _finite(rows):
            problems.append("non-finite output")
        return {"detail": "20 rows sampled", "problems": problems}
    return run


def _classifier_run(make: Callable[[], Any]) -> Callable[[Any, Any], dict[str, Any]]:
    def run(X: Any, y: Any) -> dict[str, Any]:
        est = make().fit(X, y)
        proba = est.predict_proba(X)
        pred = est.predict(X)
        problems = []
        if not np.isfinite(proba).all() or (proba < 0).any() or (proba > 1).any():
            problems.append("probabilities not finite in [0, 1]")
        if not np.allclose(proba.sum(axis=1), 1.0):
            problems.append("probabilities do not sum to 1")
        if not set(np.asarray(pred).tolist()) <= set(np.asarray(est.classes_).tolist()):
            problems.append("predict returns labels outside classes_")
        return {"detail": "fitted, probabilities valid", "problems": problems}
    return run


def _ate_run(X: Any, y: Any) -> dict[str, Any]:
    """``bias_corrected_ate`` with the labels as the treatment (the minority is the small
    treated arm) and a fixed outcome."""
    from synthaug.correction import bias_corrected_ate
    from synthaug.generators import SMOTEGenerator

    outcome = np.sin(np.arange(len(y), dtype=np.float64))
    result = bias_corrected_ate(X, y, outcome, SMOTEGenerator(), n_splits=3, random_state=0)
    problems = [] if np.isfinite([result.ate, result.se, *result.ci]).all() else [
        "non-finite estimate or interval"]
    return {"detail": f"ATE {result.ate:.3g} (se {result.se:.2g})", "problems": problems}


def _multitask_run(X: Any, y: Any) -> dict[str, Any]:
    """``MultiTaskBiasCorrected`` with the rows dealt alternately into two tasks."""
    from synthaug.correction import MultiTaskBiasCorrected
    from synthaug.generators import SMOTEGenerator

    groups = np.arange(len(y)) % 2
    est = MultiTaskBiasCorrected(SMOTEGenerator(k_neighbors=3), n_splits=3,
                                 random_state=0).fit(X, y, groups)
    proba = est.predict_proba(X, groups[:len(X)] if len(X) <= len(groups) else None)
    problems = []
    if not np.isfinite(proba).all() or not np.allclose(proba.sum(axis=1), 1.0):
        problems.append("probabilities not finite or not summing to 1")
    return {"detail": "fitted, probabilities valid", "problems": problems}


_NOT_ZERO_ONE = ("error", ("0 and 1", "0/1"))
_ARM = ("arm", "unit")   # the ATE names a small treatment arm, not a class


def _symmetry_run(X: Any, y: Any) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    from synthaug.diagnostics import symmetry_test

    test = symmetry_test(LogisticRegression(), X, y)
    ok = np.isfinite(test.statistic) and 0 <= test.p_value <= 1
    return {"detail": test.regime, "problems": [] if ok else ["non-finite statistic"]}


def _cli_run(command: str) -> Callable[[Any, Any], dict[str, Any]]:
    def run(X: Any, y: Any) -> dict[str, Any]:
        import tempfile
        from pathlib import Path

        from typer.testing import CliRunner

        from synthaug.cli import app

        frame = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(
            np.asarray(X), columns=[f"x{j}" for j in range(np.shape(X)[1])])
        frame["label"] = np.asarray(y)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "data.csv"
            frame.to_csv(path, index=False)
            args = [command, str(path), "--target", "label"]
            out = Path(tmp) / "out.csv"
            if command == "resample":
                args += ["-o", str(out), "--random-state", "0"]
            result = CliRunner().invoke(app, args)
            text = result.output
            if result.exit_code != 0:
                raise CLIError(text.strip().splitlines()[-1] if text.strip() else
                               f"exit {result.exit_code}", text,
                               result.exception)
            problems = []
            if "Traceback" in text:
                problems.append("traceback printed")
            if command == "resample":
                if not out.exists():
                    problems.append("no output file")
                else:
                    res = pd.read_csv(out)
                    counts = res["label"].value_counts()
                    if counts.nunique() != 1:
                        problems.append(f"output not balanced: {counts.to_dict()}")
            return {"detail": "exit 0", "problems": problems}
    return run


class CLIError(Exception):
    """A CLI command exited non-zero; ``output`` is what it printed."""

    def __init__(self, message: str, output: str, exception: BaseException | None) -> None:
        super().__init__(message)
        self.output = output
        self.exception = exception


def _kotaro() -> Any:
    from synthaug.classifiers import KOTARO

    return KOTARO(random_state=0)


def _imbalanced_mlp() -> Any:
    from synthaug.classifiers import ImbalancedMLPClassifier

    return ImbalancedMLPClassifier(hidden_layer_sizes=(16,), max_epochs=10, random_state=0)


#: Settings that keep the neural generators' fits short in the matrix (by class name).
_FAST = {"LEOCVAEGenerator": {"max_epochs": 20}, "LLMGenerator": {"epochs": 20},
         "MOMSGenerator": {"max_epochs": 20, "hidden_dims": (8,), "latent_dim": 4}}
#: A numeric-only generator's rows are real numbers, which a boolean column cannot hold:
#: it must refuse a nullable boolean column by name (other estimators read it as 0/1).
_GENERATED_NUMBERS = {"nullable boolean column": ("error", ("boolean", "categorical"))}


def _entry_points() -> list[EntryPoint]:
    from sklearn.linear_model import LogisticRegression

    from synthaug import (
        ADASYN,
        GKSMOTE,
        LEOCVAE,
        MOMS,
        SMOTE,
        BorderlineSMOTE,
        Oversampler,
        RandomOverSampler,
    )
    from synthaug.correction import BiasCorrectedClassifier, BiasCorrectedTorchClassifier
    from synthaug.generators import GaussianGenerator, JitterGenerator, SMOTEGenerator
    from synthaug.registry import GENERATORS
    from synthaug.search import TGVTSS, VTSS

    samplers = {
        "RandomOverSampler": lambda: RandomOverSampler(random_state=0),
        "SMOTE": lambda: SMOTE(random_state=0),
        "BorderlineSMOTE": lambda: BorderlineSMOTE(random_state=0),
        "ADASYN": lambda: ADASYN(random_state=0),
        "GKSMOTE": lambda: GKSMOTE(random_state=0),
        "LEOCVAE": lambda: LEOCVAE(max_epochs=20, random_state=0),
        "MOMS": lambda: MOMS(max_epochs=20, hidden_dims=(8,), latent_dim=4, random_state=0),
        "Oversampler(GaussianGenerator)": lambda: Oversampler(GaussianGenerator(),
                                                              random_state=0),
        "Oversampler(JitterGenerator)": lambda: Oversampler(JitterGenerator(),
                                                            random_state=0),
    }
    def numeric_only(generator: Any) -> bool:
        # the generator's own tag (handles_categorical = "none"), not a list of names
        return getattr(generator, "handles_categorical", "encoded") == "none"

    points = [EntryPoint(f"{name}.fit_resample", _sampler_run(make),
                         numeric=numeric_only(make()._make_generator()),
                         overrides=_GENERATED_NUMBERS
                         if numeric_only(make()._make_generator()) else {})
              for name, make in samplers.items()]
    points += [EntryPoint(f"{cls.__name__}.fit + sample", _generator_run(
                   lambda cls=cls: cls(**_FAST.get(cls.__name__, {}))),
                   numeric=numeric_only(cls),
                   overrides=_GENERATED_NUMBERS if numeric_only(cls) else {})
               for _, cls in sorted(GENERATORS.items())]
    points += [
        EntryPoint("KOTARO.fit + predict_proba", _classifier_run(_kotaro), numeric=True,
                   binary=True),
        EntryPoint("VTSS.fit + predict_proba", _classifier_run(
            lambda: VTSS(LogisticRegression(), SMOTEGenerator(), gammas=(0.0, 0.5, 1.0),
                         random_state=0)), numeric=True),
        EntryPoint("TGVTSS.fit + predict_proba", _classifier_run(
            lambda: TGVTSS(LogisticRegression(), SMOTEGenerator(), cv=3, gqs_cv=2,
                           random_state=0)),
            numeric=True),
        EntryPoint("BiasCorrectedClassifier.fit + predict_proba", _classifier_run(
            lambda: BiasCorrectedClassifier(SMOTEGenerator(), n_splits=3, random_state=0)),
            numeric=True, binary=True),
        EntryPoint("BiasCorrectedTorchClassifier.fit + predict_proba", _classifier_run(
            lambda: BiasCorrectedTorchClassifier(generator=SMOTEGenerator(), n_splits=3,
                                                 max_epochs=10,
                                                 random_state=0)),
            numeric=True, binary=True),
        EntryPoint("ImbalancedMLPClassifier.fit + predict_proba", _classifier_run(
            lambda: _imbalanced_mlp()), numeric=True),
        EntryPoint("bias_corrected_ate", _ate_run, numeric=True, binary=True, overrides={
            'labels "no" / "yes"': _NOT_ZERO_ONE, "labels -1 / 7": _NOT_ZERO_ONE,
            "three classes": _NOT_ZERO_ONE, "a single class": ("error", _ARM),
            "minority of 1 row": ("either", _ARM), "minority of 2 rows": ("either", _ARM)}),
        EntryPoint("MultiTaskBiasCorrected.fit + predict_proba", _multitask_run,
                   numeric=True, binary=True),
        EntryPoint("symmetry_test", _symmetry_run, numeric=True, binary=True),
        EntryPoint("synthaug resample", _cli_run("resample"), cli=True),
        EntryPoint("synthaug tune", _cli_run("tune"), numeric=True, cli=True),
        EntryPoint("synthaug diagnose", _cli_run("diagnose"), numeric=True, binary=True,
                   cli=True),
    ]
    return points


ENTRY_POINTS = _entry_points()


def cells() -> list[tuple[EntryPoint, Case]]:
    """Every (entry point, case) pair that applies (CLI entry points take CSV-representable
    cases only)."""
    return [(e, c) for e in ENTRY_POINTS for c in CASES if c.csv or not e.cli]


def expectation(entry: EntryPoint, case: Case) -> str:
    """What the cell must do: "ok", "error" or "either"."""
    if case.name in entry.overrides:
        return entry.overrides[case.name][0]
    if entry.binary and case.binary:
        return case.binary
    if entry.numeric and case.numeric:
        return case.numeric
    return case.expect


@dataclass
class Outcome:
    """What one cell did, and whether that is acceptable."""

    status: str          # "ok" or "error"
    detail: str          # output summary, or "ErrorType: message"
    problems: list[str]  # empty when acceptable


_LIBRARIES = ("/numpy/", "/scipy/", "/sklearn/", "/torch/", "/pandas/", "/imblearn/")


def run_cell(entry: EntryPoint, case: Case) -> Outcome:
    """Run one cell and judge it."""
    import warnings

    from synthaug.exceptions import SynthaugError

    want = expectation(entry, case)
    X, y = case.make()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = entry.run(X, y)
    except CLIError as exc:
        message = str(exc)
        problems = []
        if "Traceback" in exc.output:
            problems.append("traceback printed")
        if not message.startswith("error:"):
            problems.append(f"not a one-line error: {message[:80]!r}")
        problems += _judge_error(want, words(entry, case), message)
        return Outcome("error", message, problems)
    except Exception as exc:  # every failure is judged, not propagated
        message = f"{type(exc).__name__}: {exc}"
        problems = []
        if not isinstance(exc, SynthaugError) or not isinstance(exc, (ValueError, TypeError)):
            frames = [f for f in traceback.extract_tb(exc.__traceback__)
                      if any(lib in f.filename for lib in _LIBRARIES)]
            where = f" (raised in {frames[-1].filename.split('site-packages/')[-1]})" \
                if frames else ""
            problems.append(f"not a synthaug error{where}")
        problems += _judge_error(want, words(entry, case), message)
        return Outcome("error", message, problems)
    problems = list(result["problems"])
    if want == "error":
        problems.append("succeeded, but this input must be refused")
    return Outcome("ok", result["detail"], problems)


def words(entry: EntryPoint, case: Case) -> tuple[str, ...]:
    """The words an error message of the cell must contain one of (any, when empty)."""
    if case.name in entry.overrides:
        return entry.overrides[case.name][1]
    return case.words


def _judge_error(want: str, wanted: tuple[str, ...], message: str) -> list[str]:
    if want == "ok":
        return ["refused an input it must accept"]
    if wanted and not any(w.lower() in message.lower() for w in wanted):
        return [f"message names none of {list(wanted)}"]
    return []
