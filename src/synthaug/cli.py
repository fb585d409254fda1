"""The ``synthaug`` command-line tool (typer).

Commands: ``bench``, ``report``, ``results export``, ``datasets list``, ``resample``,
``tune``, ``diagnose``.

Every failure is one line ``error: ...`` on stderr and a non-zero exit status, never a
traceback: status 2 for a bad input (the library's own error types, unreadable or
unwritable files), 1 for a bench in which every task failed or an unexpected error.
Output paths are checked before any work starts. Warnings are shown as one line
``warning: ...`` each, once. Output files are written to a temporary file beside the
target and renamed into place, so an interrupted run never leaves a partial output file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import click
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from synthaug._io import atomic_write, jsonable
from synthaug._version import __version__
from synthaug.exceptions import InvalidInputError, InvalidParameterError, SynthaugError

app = typer.Typer(name="synthaug", no_args_is_help=True, add_completion=False,
                  help="Imbalanced classification with synthetic minority data.")
datasets_app = typer.Typer(no_args_is_help=True, help="Bundled benchmark datasets.")
app.add_typer(datasets_app, name="datasets")
results_app = typer.Typer(no_args_is_help=True, help="Bench results in the store.")
app.add_typer(results_app, name="results")
DEFAULT_STORE = Path("synthaug-results.sqlite")

console = Console()
err_console = Console(stderr=True, emoji=False)  # ":name:" in a column name is text


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    err_console.print(f"[bold red]error:[/bold red] {escape(_one_line(message))}",
                      highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


def _say(kind: str, message: str) -> None:
    """One line ``kind: message`` on stderr (``warning``, ``note``)."""
    err_console.print(f"[yellow]{kind}:[/yellow] {escape(_one_line(message))}",
                      highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn every error of a command into one ``error:`` line and a non-zero exit."""
    try:
        yield
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise
    except SynthaugError as exc:
        _fail(str(exc))
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        _fail(f"{where}{exc.strerror or exc}")
    except Exception as exc:  # the promise is one line, never a traceback
        _fail(f"unexpected {type(exc).__name__}: {exc} (this is a bug in synthaug; please "
              "report it with the command that caused it)", code=1)


_SHOWN_WARNINGS: set[str] = set()


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: Any = None, line: str | None = None) -> None:
    """``warnings.showwarning`` of the CLI: one line ``warning: message``, each text once."""
    text = _one_line(message)
    if text not in _SHOWN_WARNINGS:
        _SHOWN_WARNINGS.add(text)
        _say("warning", text)


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"synthaug {__version__}")
        raise typer.Exit()


@app.callback()
def main(ctx: typer.Context, version: Annotated[bool, typer.Option(
        "--version", callback=_version_callback, is_eager=True,
        help="Show the version and exit.")] = False) -> None:
    """synthaug: synthetic minority data for imbalanced classification."""
    previous = warnings.showwarning
    _SHOWN_WARNINGS.clear()
    warnings.showwarning = _show_warning

    def restore() -> None:
        warnings.showwarning = previous

    ctx.call_on_close(restore)


# --------------------------------------------------------------------------- helpers
def read_input(source: str, target: str | None) -> tuple[pd.DataFrame, pd.Series, str]:
    """Read a CSV/Parquet file, or a bundled dataset when no file exists at ``source``.

    Returns ``(X, y, description)``.
    """
    from synthaug.datasets import list_datasets, load_dataset, load_table

    path = Path(source)
    if path.exists():
        if target is None:
            raise InvalidInputError(f"{source} is a file: name its label column with --target.")
        X, y = load_table(path, target)
        if len(X) == 0:
            raise InvalidInputError(f"{source} has a header but no rows.")
        return X, y, str(path)
    names = set(list_datasets()["name"])
    try:
        X, y = load_dataset(source, as_frame=True)
    except InvalidInputError as exc:
        raise InvalidInputError(
            f"{source!r} is neither an existing file nor a bundled dataset "
            f"({len(names)} bundled; see `synthaug datasets list`). {exc}") from None
    y = pd.Series(y, name=target or "target", index=X.index)
    return X, y, f"bundled dataset {source}"


def check_output(path: Path, what: str = "output") -> None:
    """Fail now, before any work, when ``path`` cannot be written.

    Raises
    ------
    InvalidInputError
        When ``path`` is a folder, a parent of it is a file, or its nearest existing
        folder does not accept new files (``/proc``, read-only places).
    """
    if path.is_dir():
        raise InvalidInputError(f"The {what} {path} is a folder; give a file name.")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InvalidInputError(f"Cannot write the {what} {path}: {folder} is a file, not "
                                "a folder.")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        why = "" if exc.errno == errno.ENOENT else f" ({exc.strerror or exc})"
        raise InvalidInputError(f"Cannot write the {what} {path}: {folder} does not accept "
                                f"new files{why}.") from None


def _table_format(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InvalidInputError(
            f"Cannot tell the output format from {output.name!r}: use a .csv or .parquet "
            "file name.")
    return "csv" if suffix == ".csv" else "parquet"


def write_output(frame: pd.DataFrame, output: Path) -> None:
    """Write CSV or Parquet atomically: to a temporary file, then rename.

    CSV text is quoted in full when any of it holds a carriage return: pandas quotes only
    fields holding its line terminator, and a bare "\\r" would split the row when read back.
    """
    if _table_format(output) == "csv":
        quoting = csv.QUOTE_NONNUMERIC if _holds_carriage_return(frame) else csv.QUOTE_MINIMAL
        atomic_write(output, lambda tmp: frame.to_csv(tmp, index=False, quoting=quoting))
    else:
        atomic_write(output, lambda tmp: frame.to_parquet(tmp, index=False))


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return any("\r" in str(c) for c in frame.columns) or any(
        frame[c].astype(str).str.contains("\r", regex=False).any() for c in text)


def _counts_table(before: pd.Series, after: pd.Series) -> Table:
    table = Table(title="class counts")
    table.add_column("class")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("added", justify="right")
    b = before.value_counts()
    a = after.value_counts()
    for label in sorted(a.index, key=lambda v: (str(type(v)), v)):
        nb, na = int(b.get(label, 0)), int(a.get(label, 0))
        table.add_row(str(label), str(nb), str(na), str(na - nb))
    return table


# --------------------------------------------------------------------------- datasets
@datasets_app.command("list")
def datasets_list(
    min_ir: Annotated[float | None, typer.Option(help="Minimum imbalance ratio.")] = None,
    max_n: Annotated[int | None, typer.Option(help="Maximum number of rows.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the bundled binary datasets (name, rows, features, minority, imbalance ratio)."""
    from synthaug.datasets import list_datasets

    with _user_errors():
        table = list_datasets(min_ir=min_ir, max_n=max_n)
    if as_json:
        sys.stdout.write(table.to_json(orient="records") + "\n")
        return
    out = Table(title=f"{len(table)} bundled binary datasets")
    for col in table.columns:
        out.add_column(str(col), justify="left" if col == "name" else "right")
    for row in table.itertuples(index=False):
        out.add_row(*[f"{v:.2f}" if isinstance(v, float) else str(v) for v in row])
    console.print(out)


# --------------------------------------------------------------------------- resample
@app.command()
def resample(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV or Parquet to write.")],
    method: Annotated[str, typer.Option(help="Generator name, e.g. smote, adasyn.")] = "smote",
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Generator parameter key=value (repeatable).")] = None,
    sampling_strategy: Annotated[str, typer.Option(
        help="auto, balance, a ratio like 0.8, gamma:1.5, minority, ...")] = "auto",
    categorical: Annotated[list[str] | None, typer.Option(
        help="Categorical column (repeatable); default: auto from dtypes.")] = None,
    random_state: Annotated[int | None, typer.Option(help="Seed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print counts as JSON.")] = False,
) -> None:
    """Add synthetic rows to a table and write the result."""
    from synthaug.registry import make_generator, parse_param
    from synthaug.sampler import Oversampler
    from synthaug.sizing import parse_strategy

    with _user_errors():
        _table_format(output)
        check_output(output)
        params = dict(parse_param(p) for p in (param or []))
        generator = make_generator(method, **params)
        X, y, source = read_input(input, target)
        sampler = Oversampler(generator, sampling_strategy=parse_strategy(sampling_strategy),
                              categorical_features=list(categorical) if categorical else "auto",
                              random_state=random_state)
        X_res, y_res = sampler.fit_resample(X, y)
        frame = X_res.copy()
        label = y.name if y.name is not None else "target"
        frame[label] = y_res.array  # keeps the label's dtype (category, string, Int64)
        write_output(frame, output)
    if as_json:
        sys.stdout.write(json.dumps({
            "input": source, "output": str(output), "method": method,
            "before": {str(k): int(v) for k, v in y.value_counts().sort_index().items()},
            "after": {str(k): int(v) for k, v in y_res.value_counts().sort_index().items()},
        }) + "\n")
        return
    console.print(escape(f"{source}: {len(X)} rows -> {len(X_res)} rows with {method}"))
    console.print(_counts_table(y, y_res))
    console.print(escape(f"wrote {output}"))


# --------------------------------------------------------------------------- tune / diagnose
MAX_SEED = 2**32 - 1


def check_seed(random_state: int) -> int:
    """A seed every part of the library accepts (numpy and scikit-learn: 0 to 2**32 - 1)."""
    if not 0 <= random_state <= MAX_SEED:
        raise InvalidParameterError(
            f"--random-state must lie in [0, {MAX_SEED}], got {random_state}.")
    return random_state


def _numeric_problem(input: str, target: str | None, classifier: str, generator: str,
                     params: list[str] | None, random_state: int, *, scores: bool = False
                     ) -> tuple[Any, Any, Any, Any, str]:
    """Read the table and build (X, y, estimator, generator, source) for tune/diagnose.

    With ``scores``, the classifier must have per-sample scores (logreg or mlp), as the
    diagnostics need.
    """
    import numpy as np
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from synthaug.bench.classifiers import make_classifier
    from synthaug.exceptions import DataTypeError
    from synthaug.registry import make_generator, parse_param

    gen = make_generator(generator, **dict(parse_param(p) for p in (params or [])))
    clf = make_classifier(classifier, check_seed(random_state))
    if scores:
        _check_scores(classifier, clf)
    X, y, source = read_input(input, target)
    bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if bad:
        raise DataTypeError(f"tune and diagnose need numeric features; encode {bad[:5]} first.")
    estimator = make_pipeline(StandardScaler(), clf)
    return X.to_numpy(dtype=np.float64), y.to_numpy(), estimator, gen, source


def _check_scores(name: str, classifier: Any) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    if not isinstance(classifier, LogisticRegression | MLPClassifier):
        raise InvalidParameterError(
            f"The diagnostics need per-sample scores of the model; {name} "
            f"({type(classifier).__name__}) has none. Use --classifier logreg or mlp.")


def _check_plot(plot: Path) -> str:
    """The image format of ``plot`` (from its extension; png without one), checked with
    the path before the search starts."""
    from matplotlib.backend_bases import FigureCanvasBase

    fmt = plot.suffix.lstrip(".").lower() or "png"
    supported = FigureCanvasBase.get_supported_filetypes()
    if fmt not in supported:
        raise InvalidInputError(
            f"Cannot write a plot as {plot.name!r}: unknown image format {fmt!r}; use one of "
            f"{', '.join('.' + f for f in sorted(supported))}.")
    check_output(plot, "plot")
    return fmt


SEED_HELP = "Seed of the folds and the generator; the same seed gives the same answer."


@app.command()
def tune(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    generator: Annotated[str, typer.Option(help="Generator name, e.g. smote.")] = "smote",
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Generator parameter key=value (repeatable).")] = None,
    classifier: Annotated[str, typer.Option(help="Classifier short name.")] = "logreg",
    policy: Annotated[str, typer.Option(help="vtss or tg-vtss.")] = "tg-vtss",
    reweight: Annotated[bool, typer.Option(
        help="Cover the gap that synthetic rows leave open with class weights.")] = False,
    rule: Annotated[str, typer.Option(help="min or one-se (smallest size within one "
                                           "standard error of the best).")] = "min",
    repeats: Annotated[int, typer.Option(help="Repeats of the inner cross-validation.")] = 1,
    random_state: Annotated[int, typer.Option(help=SEED_HELP)] = 0,
    plot: Annotated[Path | None, typer.Option(help="PNG/SVG of the loss curve.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Choose how many synthetic rows to add (VTSS or TG-VTSS) and show why."""
    from synthaug.search.vtss import TGVTSS, VTSS

    with _user_errors():
        if policy not in ("vtss", "tg-vtss"):
            raise InvalidInputError(f"--policy must be vtss or tg-vtss, got {policy!r}.")
        fmt = _check_plot(plot) if plot is not None else None
        X, y, estimator, gen, source = _numeric_problem(input, target, classifier,
                                                        generator, param, random_state)
        cls = VTSS if policy == "vtss" else TGVTSS
        search = cls(estimator, gen, reweight=reweight, rule=rule, n_repeats=repeats,
                     random_state=random_state).fit(X, y)
        if plot is not None:
            fig = search.plot()
            atomic_write(plot, lambda tmp: fig.savefig(tmp, format=fmt, dpi=120))
        res = search.cv_results_
        out = {"input": source, "policy": policy, "generator": generator,
               "reweight": reweight, "rule": rule, "repeats": repeats,
               "classifier": classifier, "random_state": random_state, "gap": search.gap_,
               "chosen_size": search.best_size_, "chosen_gamma": search.best_gamma_,
               "diagnostics": jsonable(search.diagnostics_),
               "curve": [{"size": int(s), "mean_loss": float(m), "std_loss": float(d)}
                         for s, m, d in zip(res["size"], res["mean_loss"], res["std_loss"])]}
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
        return
    console.print(escape(f"{source}: {policy} with {generator} and {classifier}, seed "
                         f"{random_state} (--random-state)"), highlight=False)
    _print_tune(search, out)
    if plot is not None:
        console.print(f"plot: {plot}")


def _print_tune(search: Any, out: dict[str, Any]) -> None:
    diag = search.diagnostics_
    if diag.get("diagnostic_estimator"):
        console.print(f"diagnostics on: {diag['diagnostic_estimator']}")
    for label, one in diag.get("per_class", {}).items():   # multiclass: each vs the rest
        console.print(escape(f"class {label!r} vs the rest: regime {one['regime']}, "
                             f"candidate sizes {one['candidates']}"), highlight=False)
    if "regime" in diag:
        console.print(f"regime: [bold]{diag['regime']}[/bold] (Wald statistic "
                      f"{diag['symmetry']['statistic']:.3g}, cutoff "
                      f"{diag['symmetry']['cutoff']:.3g})")
        if diag.get("quality"):
            q, th = diag["quality"], diag["theory_target"]
            console.print(f"generator quality: GQS {q['gqs']:.3g} -> {q['label']}; "
                          f"alignment {diag['alignment']:.3f}; theory target "
                          f"{'none' if th is None else round(th)}")
    console.print(f"chosen size: [bold]{search.best_size_}[/bold] synthetic rows "
                  f"(gamma {search.best_gamma_:.3g}; full balance = {search.gap_})")
    table = Table(title="validation loss by size")
    table.add_column("size", justify="right")
    table.add_column("balanced log loss", justify="right")
    table.add_column("sd", justify="right")
    for row in out["curve"]:
        mark = " *" if row["size"] == search.best_size_ else ""
        table.add_row(f"{row['size']}{mark}", f"{row['mean_loss']:.4f}", f"{row['std_loss']:.4f}")
    console.print(table)


@app.command()
def diagnose(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    generator: Annotated[str, typer.Option(help="Generator name, e.g. smote.")] = "smote",
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Generator parameter key=value (repeatable).")] = None,
    classifier: Annotated[str, typer.Option(help="logreg or mlp.")] = "logreg",
    random_state: Annotated[int, typer.Option(help=SEED_HELP)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Does synthetic data help here? The symmetry test, generator quality and target."""
    from synthaug.diagnostics import alignment, generator_quality, symmetry_test, theory_target

    with _user_errors():
        X, y, estimator, gen, source = _numeric_problem(input, target, classifier,
                                                        generator, param, random_state,
                                                        scores=True)
        test = symmetry_test(estimator, X, y)
        quality = generator_quality(estimator, gen, X, y, random_state=random_state)
        counts = pd.Series(y).value_counts()
        gap = int(counts.max() - counts.min())
        target_size = theory_target(gap, test.g_phi, quality.g_psi)
        out = {"input": source, "generator": generator, "classifier": classifier,
               "random_state": random_state, "gap": gap, "symmetry": test.as_dict(),
               "quality": quality.as_dict(),
               "alignment": alignment(test.g_phi, quality.g_psi),
               "theory_target": target_size}
    if as_json:
        sys.stdout.write(json.dumps(jsonable(out)) + "\n")
        return
    console.print(escape(f"{source}: gap {gap} rows; seed {random_state} (--random-state)"),
                  highlight=False)
    console.print(f"regime: [bold]{test.regime}[/bold] (T = {test.statistic:.3g}, cutoff "
                  f"{test.cutoff:.3g}, p = {test.p_value:.3g})")
    console.print(f"generator quality: GQS {quality.gqs:.3g} -> {quality.label}")
    console.print(f"alignment: {out['alignment']:.3f}; theory target: "
                  f"{'none' if target_size is None else round(target_size)} rows")


# --------------------------------------------------------------------------- advise
@app.command()
def advise(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    classifier: Annotated[str, typer.Option(help="Classifier short name or import path "
                                                 "(standardised first).")] = "logreg",
    generators: Annotated[str, typer.Option(
        help="fast, all, or a comma list of generator names.")] = "fast",
    scoring: Annotated[str, typer.Option(
        help="balanced_log_loss, average_precision, roc_auc, balanced_brier, or a "
             "threshold metric (mcc, g_mean, f1_minority, balanced_accuracy).")
    ] = "balanced_log_loss",
    cv: Annotated[int, typer.Option(help="Folds shared by every answer.")] = 5,
    time_budget: Annotated[str | None, typer.Option(
        help="e.g. 90s, 10m: cheap answers first, the rest skipped when time runs out.")
    ] = None,
    random_state: Annotated[int, typer.Option(help=SEED_HELP)] = 0,
    selection: Annotated[str, typer.Option(
        help="one_se: add synthetic rows only when they beat the best answer without them "
             "beyond one standard error; balance: full balance unless the first-ranked "
             "answer beats it beyond one standard error; best: the first-ranked answer; "
             "auto: one_se for ranking metrics (average_precision, roc_auc), balance for "
             "g_mean and balanced_accuracy, else best.")] = "auto",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="HTML report to write.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Should synthetic rows be added, from which generator, and how many? Ranks every
    answer on the same folds and says what to do."""
    from synthaug.advice import advise as run_advise
    from synthaug.advice import parse_time_budget

    with _user_errors():
        budget = parse_time_budget(time_budget)
        if output is not None:
            check_output(output, "report")
        X, y, estimator, _, source = _numeric_problem(input, target, classifier, "smote",
                                                      None, random_state)
        advice = run_advise(X, y, classifier=estimator, generators=generators,
                            scoring=scoring, cv=cv, time_budget=budget,
                            random_state=random_state, selection=selection, refit=False,
                            progress=not as_json)
        if output is not None:
            advice.to_html(output)
    if as_json:
        sys.stdout.write(json.dumps({"input": source, "classifier": classifier,
                                     **advice.to_dict()}) + "\n")
        return
    console.print(escape(f"{source}: {classifier}, scored by {scoring} over {cv} folds, "
                         f"seed {random_state} (--random-state)"), highlight=False)
    table = Table(title="answers, best first")
    for col in ("answer", "synthetic rows", scoring, "se", "behind the first"):
        table.add_column(col, justify="left" if col == "answer" else "right")
    for r in advice.ranking.itertuples(index=False):
        mark = " (advised)" if r.candidate == advice.best else ""
        table.add_row(escape(str(r.candidate)) + mark, f"{int(r.n_synthetic):,}",
                      f"{r.mean:.4f}",
                      f"{r.se:.4f}", f"{r.diff:.4f} ± {r.diff_se:.4f}")
    console.print(table)
    for name, why in advice.skipped.items():
        console.print(escape(f"not tried: {name} ({why})"), highlight=False)
    console.print(escape(advice.recommendation), highlight=False)
    if output is not None:
        console.print(f"report: {output}")


# --------------------------------------------------------------------------- bench
@app.command()
def bench(
    config: Annotated[Path | None, typer.Option(help="TOML file describing the grid.")] = None,
    suite: Annotated[str | None, typer.Option(
        help="Built-in grid: default, smoke or full (default: default).")] = None,
    datasets: Annotated[str | None, typer.Option(
        help="Comma-separated bundled dataset names and CSV/Parquet files, e.g. "
        "'yeast4,data/churn.csv'.")] = None,
    target: Annotated[str | None, typer.Option(
        help="Label column of the files in --datasets (default: the last column).")] = None,
    categorical: Annotated[list[str] | None, typer.Option(
        help="Number-coded categorical column of the files (repeat, or a comma list); "
        "text columns are categorical already.")] = None,
    positive: Annotated[str | None, typer.Option(
        help="Class of the files scored as the minority (default: the smallest).")] = None,
    methods: Annotated[str | None, typer.Option(
        help="Comma-separated methods, e.g. 'none,smote[k_neighbors=3]+gamma:1.5'.")] = None,
    classifiers: Annotated[str | None, typer.Option(
        help="Comma-separated: logreg, knn, tree, hgb, svm, mlp, kotaro, imbmlp or import "
             "paths.")] = None,
    folds: Annotated[int | None, typer.Option(help="Stratified folds.")] = None,
    repeats: Annotated[int | None, typer.Option(help="Repeats of the k-fold split.")] = None,
    random_state: Annotated[int | None, typer.Option(help="Seed of splits and methods.")] = None,
    task_timeout: Annotated[float | None, typer.Option(
        help="Seconds before a task is recorded as timed out.")] = None,
    jobs: Annotated[int, typer.Option(help="Local worker processes (-1: all cores).")] = -1,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler tcp://HOST:PORT, or local:N for an in-process cluster.")] = None,
    store: Annotated[Path | None, typer.Option(help="SQLite results file.")] = None,
    report: Annotated[Path | None, typer.Option(
        help="HTML report to write at the end (default: synthaug-report.html).")] = None,
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip the report.")] = False,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Run the stored failed and timed-out tasks of the grid again "
        "(and those not run yet).")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", help="No progress bar: a plain log line every 5 % of the tasks.")] = False,
) -> None:
    """Run a benchmark grid (resumable): datasets x methods x classifiers x folds.

    Exits with status 1 when every task that ran failed; when some failed, says how many.
    """
    from synthaug.bench import make_executor, run_bench

    report_path = None if no_report else report or Path("synthaug-report.html")
    try:
        with _user_errors():
            cfg, store_path = _bench_config(config, suite, {
                "datasets": datasets, "methods": methods, "classifiers": classifiers,
                "folds": folds, "repeats": repeats, "random_state": random_state,
                "task_timeout": task_timeout, "target": target, "positive": positive,
                "categorical": _comma_list(categorical)}, store)
            _check_store(store_path)
            if report_path is not None:
                check_output(report_path, "report")
            executor = make_executor(jobs, scheduler)
            summary = run_bench(cfg, store_path, executor, quiet=quiet, console=err_console,
                                log=lambda line: print(line, file=sys.stderr, flush=True),
                                retry_failed=retry_failed)
    except KeyboardInterrupt:
        err_console.print("stopped: finished tasks are in the store; run the same command "
                          "again to resume.")
        raise typer.Exit(code=130) from None
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items())) or "nothing new"
    err_console.print(escape(f"{summary.ran} tasks run in {summary.seconds:.1f} s ({counts}); "
                             f"{summary.skipped} were already done; results in "
                             f"{summary.store}"), highlight=False, soft_wrap=True)
    if report_path is not None:
        with _user_errors():
            _write_report(store_path, report_path)
    _bench_outcome(summary)


def _bench_config(config: Path | None, suite: str | None, flags: dict[str, Any],
                  store: Path | None) -> tuple[Any, Path]:
    """The grid (suite or TOML file, then the flags) and the store path."""
    from dataclasses import replace

    from synthaug.bench import load_config, suite_config
    from synthaug.bench.grid import apply_overrides

    table: dict[str, Any] = {}
    if config is not None:
        cfg, table = load_config(config)
        if suite is not None:
            cfg = replace(apply_overrides(suite_config(suite), table), files=cfg.files)
    else:
        cfg = suite_config(suite or "default")
    if flags.get("datasets") is not None:  # --datasets replaces the config's files too
        cfg = replace(cfg, files=[])
    cfg = apply_overrides(cfg, flags)
    stored = table.get("store", DEFAULT_STORE)
    if not isinstance(stored, str | Path) or not str(stored):
        raise InvalidParameterError(f"store in {config} must be a file name, got {stored!r}.")
    return cfg, store or Path(stored)


def _comma_list(values: list[str] | None) -> list[str] | None:
    """Repeated options and comma lists as one list: ``["a,b", "c"]`` -> ``["a", "b", "c"]``."""
    if not values:
        return None
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def _check_store(path: Path) -> None:
    """A store that exists must be one; a new one must be writable. Creates nothing."""
    from synthaug.bench.store import ResultStore

    ResultStore.check(path)
    if not path.exists():
        check_output(path, "results store")


def _bench_outcome(summary: Any) -> None:
    """One line about failed tasks; exit status 1 when every task that ran failed."""
    if summary.failed:
        top, n_top = next(iter(summary.errors.items()))
        timed_out = summary.counts.get("timeout", 0)
        what = f"{summary.failed} tasks failed" + (
            f" ({timed_out} of them timed out)" if timed_out else "")
        cause = f"most common error ({n_top} tasks): {top}"
        if summary.all_failed:
            _fail(f"every task that ran failed: {what}; {cause}. Fix the cause, then run "
                  "the same command with --retry-failed.", code=1)
        _say("warning", f"{summary.failed} of {summary.ran} tasks failed; {cause}. The "
             "report lists them; --retry-failed runs them again.")
    elif summary.failed_before:
        _say("note", f"{summary.failed_before} tasks of this grid failed in an earlier run "
             "and were skipped; --retry-failed runs them again.")


def _write_report(store_path: Path, output: Path, fmt: str | None = None,
                  figures: Path | None = None) -> None:
    from synthaug.bench.report import write_report
    from synthaug.bench.store import ResultStore

    with ResultStore.open_existing(store_path) as st:
        frame = st.read()
        files = st.read_meta("dataset:")
    known = pd.DataFrame([{"name": key.split(":", 1)[1], **{k: v[k] for k in (
        "n", "n_features", "imbalance_ratio")}} for key, v in files.items()]) if files else None
    write_report(frame, output, fmt=fmt, figures=figures,  # atomic, ordinary permissions
                 datasets=known)
    err_console.print(escape(f"report: {output}"), highlight=False, soft_wrap=True)
    if figures is not None:
        err_console.print(escape(f"figures: {figures}"), highlight=False, soft_wrap=True)


_REPORT_SUFFIXES = {"html": ".html", "md": ".md", "latex": ".tex", "csv": ".csv"}


def _report_target(output: Path | None, fmt: str | None) -> tuple[Path, str | None]:
    """The report file and its format: ``--format`` wins, else the suffix of ``-o``."""
    if fmt is not None and fmt not in _REPORT_SUFFIXES:
        raise InvalidParameterError(
            f"Unknown report format {fmt!r}; choose one of {', '.join(_REPORT_SUFFIXES)}.")
    if output is None:
        output = Path("synthaug-report" + _REPORT_SUFFIXES[fmt or "html"])
    return output, fmt


def _check_figures_folder(folder: Path) -> None:
    """Fail now when ``folder`` is a file or cannot take new files."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"The figures folder {folder} is a file; name a folder.")
    check_output(folder / "figure.svg", "figures in")


@app.command("report")
def report_cmd(
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="File to write (default: synthaug-report.html, .md, .tex "
        "or .csv by --format).")] = None,
    store: Annotated[Path, typer.Option(help="SQLite results file.")] = DEFAULT_STORE,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html, md, latex (summary and mean-rank tables, best in bold) or "
        "csv; default from the suffix of --output, else html.")] = None,
    figures: Annotated[Path | None, typer.Option(
        help="Folder where every figure is also saved as a standalone SVG and PDF.")] = None,
) -> None:
    """Write the report of a results store: HTML, Markdown, LaTeX tables or CSV."""
    with _user_errors():
        target, kind = _report_target(output, fmt)
        check_output(target, "report")
        if figures is not None:
            _check_figures_folder(figures)
        _write_report(store, target, kind, figures)


@results_app.command("export")
def results_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV or Parquet file.")],
    store: Annotated[Path, typer.Option(help="SQLite results file.")] = DEFAULT_STORE,
) -> None:
    """Export every task row of the store as CSV or Parquet."""
    from synthaug.bench.store import ResultStore

    with _user_errors():
        _table_format(output)
        check_output(output)
        with ResultStore.open_existing(store) as st:
            frame = st.read()
        write_output(frame, output)
    err_console.print(escape(f"{len(frame)} rows -> {output}"), highlight=False)


@results_app.command("import")
def results_import(
    input: Annotated[Path, typer.Argument(help="CSV or Parquet file written by "
                                               "`synthaug results export`.")],
    store: Annotated[Path, typer.Option(help="SQLite results file (created if absent).")]
    = DEFAULT_STORE,
) -> None:
    """Add exported task rows to a store (rows of the same task are replaced), so a bench
    run resumed on this store skips them: to move or merge runs between machines."""
    import pandas as pd

    from synthaug.bench.store import ResultStore

    with _user_errors():
        kind = _table_format(input)
        if not input.is_file():
            raise InvalidInputError(f"No file {str(input)!r} to import.")
        frame = pd.read_csv(input) if kind == "csv" else pd.read_parquet(input)
        with ResultStore(store) as st:
            count = st.import_rows(frame)
    err_console.print(escape(f"{count} rows -> {store}"), highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
