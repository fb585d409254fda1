"""The ``synthaug`` command-line tool (typer).

Commands: ``bench``, ``report``, ``results export``, ``datasets list``, ``resample``,
``tune``, ``diagnose``.
Errors of the library's own types are printed
as one line and exit with status 2, never as a traceback. Output files are written to a
temporary file beside the target and renamed into place, so an interrupted run never
leaves a partial output file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from synthaug._io import atomic_write
from synthaug._version import __version__
from synthaug.exceptions import InvalidInputError, SynthaugError

app = typer.Typer(name="synthaug", no_args_is_help=True, add_completion=False,
                  help="Imbalanced classification with synthetic minority data.")
datasets_app = typer.Typer(no_args_is_help=True, help="Bundled benchmark datasets.")
app.add_typer(datasets_app, name="datasets")
results_app = typer.Typer(no_args_is_help=True, help="Bench results in the store.")
app.add_typer(results_app, name="results")
DEFAULT_STORE = Path("synthaug-results.sqlite")

console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"synthaug {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option(
        "--version", callback=_version_callback, is_eager=True,
        help="Show the version and exit.")] = False) -> None:
    """synthaug: synthetic minority data for imbalanced classification."""


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


def write_output(frame: pd.DataFrame, output: Path) -> None:
    """Write CSV or Parquet atomically: to a temporary file, then rename."""
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise InvalidInputError(
            f"Cannot tell the output format from {output.name!r}: use a .csv or .parquet "
            "file name.")
    if suffix == ".csv":
        atomic_write(output, lambda tmp: frame.to_csv(tmp, index=False))
    else:
        atomic_write(output, lambda tmp: frame.to_parquet(tmp, index=False))


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

    try:
        table = list_datasets(min_ir=min_ir, max_n=max_n)
    except SynthaugError as exc:
        _fail(str(exc))
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

    try:
        params = dict(parse_param(p) for p in (param or []))
        generator = make_generator(method, **params)
        X, y, source = read_input(input, target)
        sampler = Oversampler(generator, sampling_strategy=parse_strategy(sampling_strategy),
                              categorical_features=list(categorical) if categorical else "auto",
                              random_state=random_state)
        X_res, y_res = sampler.fit_resample(X, y)
        frame = X_res.copy()
        label = y.name if y.name is not None else "target"
        frame[label] = y_res.to_numpy()
        write_output(frame, output)
    except SynthaugError as exc:
        _fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps({
            "input": source, "output": str(output), "method": method,
            "before": {str(k): int(v) for k, v in y.value_counts().sort_index().items()},
            "after": {str(k): int(v) for k, v in y_res.value_counts().sort_index().items()},
        }) + "\n")
        return
    console.print(f"{source}: {len(X)} rows -> {len(X_res)} rows with {method}")
    console.print(_counts_table(y, y_res))
    console.print(f"wrote {output}")


# --------------------------------------------------------------------------- tune / diagnose
def _numeric_problem(input: str, target: str | None, classifier: str, generator: str,
                     params: list[str] | None) -> tuple[Any, Any, Any, Any, str]:
    """Read the table and build (X, y, estimator, generator, source) for tune/diagnose."""
    import numpy as np
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from synthaug.bench.classifiers import make_classifier
    from synthaug.exceptions import DataTypeError
    from synthaug.registry import make_generator, parse_param

    gen = make_generator(generator, **dict(parse_param(p) for p in (params or [])))
    X, y, source = read_input(input, target)
    bad = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if bad:
        raise DataTypeError(f"tune and diagnose need numeric features; encode {bad[:5]} first.")
    estimator = make_pipeline(StandardScaler(), make_classifier(classifier, 0))
    return X.to_numpy(dtype=np.float64), y.to_numpy(), estimator, gen, source


@app.command()
def tune(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    generator: Annotated[str, typer.Option(help="Generator name, e.g. smote.")] = "smote",
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Generator parameter key=value (repeatable).")] = None,
    classifier: Annotated[str, typer.Option(help="Classifier short name.")] = "logreg",
    policy: Annotated[str, typer.Option(help="vtss or tg-vtss.")] = "tg-vtss",
    random_state: Annotated[int | None, typer.Option(help="Seed.")] = None,
    plot: Annotated[Path | None, typer.Option(help="PNG/SVG of the loss curve.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Choose how many synthetic rows to add (VTSS or TG-VTSS) and show why."""
    from synthaug.sizing.search import TGVTSS, VTSS

    try:
        if policy not in ("vtss", "tg-vtss"):
            raise InvalidInputError(f"--policy must be vtss or tg-vtss, got {policy!r}.")
        X, y, estimator, gen, source = _numeric_problem(input, target, classifier,
                                                        generator, param)
        cls = VTSS if policy == "vtss" else TGVTSS
        search = cls(estimator, gen, random_state=random_state).fit(X, y)
        if plot is not None:
            fig = search.plot()
            atomic_write(plot, lambda tmp: fig.savefig(tmp, format=plot.suffix.lstrip(".")
                                                       or "png", dpi=120))
    except SynthaugError as exc:
        _fail(str(exc))
    res = search.cv_results_
    out = {"input": source, "policy": policy, "generator": generator,
           "classifier": classifier, "gap": search.gap_, "chosen_size": search.best_size_,
           "chosen_gamma": search.best_gamma_, "diagnostics": _jsonable(search.diagnostics_),
           "curve": [{"size": int(s), "mean_loss": float(m), "std_loss": float(d)}
                     for s, m, d in zip(res["size"], res["mean_loss"], res["std_loss"])]}
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
        return
    diag = search.diagnostics_
    if diag:
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
    if plot is not None:
        console.print(f"plot: {plot}")


@app.command()
def diagnose(
    input: Annotated[str, typer.Argument(help="CSV/Parquet file, or a bundled dataset name.")],
    generator: Annotated[str, typer.Option(help="Generator name, e.g. smote.")] = "smote",
    target: Annotated[str | None, typer.Option(help="Label column (files).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Generator parameter key=value (repeatable).")] = None,
    classifier: Annotated[str, typer.Option(help="logreg or mlp.")] = "logreg",
    random_state: Annotated[int | None, typer.Option(help="Seed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Does synthetic data help here? The symmetry test, generator quality and target."""
    from synthaug.diagnostics import alignment, generator_quality, symmetry_test, theory_target

    try:
        X, y, estimator, gen, source = _numeric_problem(input, target, classifier,
                                                        generator, param)
        test = symmetry_test(estimator, X, y)
        quality = generator_quality(estimator, gen, X, y, random_state=random_state)
    except SynthaugError as exc:
        _fail(str(exc))
    counts = pd.Series(y).value_counts()
    gap = int(counts.max() - counts.min())
    target_size = theory_target(gap, test.g_phi, quality.g_psi)
    out = {"input": source, "generator": generator, "classifier": classifier, "gap": gap,
           "symmetry": test.as_dict(), "quality": quality.as_dict(),
           "alignment": alignment(test.g_phi, quality.g_psi), "theory_target": target_size}
    if as_json:
        sys.stdout.write(json.dumps(_jsonable(out)) + "\n")
        return
    console.print(f"{source}: gap {gap} rows")
    console.print(f"regime: [bold]{test.regime}[/bold] (T = {test.statistic:.3g}, cutoff "
                  f"{test.cutoff:.3g}, p = {test.p_value:.3g})")
    console.print(f"generator quality: GQS {quality.gqs:.3g} -> {quality.label}")
    console.print(f"alignment: {out['alignment']:.3f}; theory target: "
                  f"{'none' if target_size is None else round(target_size)} rows")


def _jsonable(value: Any) -> Any:
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


# --------------------------------------------------------------------------- bench
@app.command()
def bench(
    config: Annotated[Path | None, typer.Option(help="TOML file describing the grid.")] = None,
    suite: Annotated[str | None, typer.Option(
        help="Built-in grid: default, smoke or full (default: default).")] = None,
    datasets: Annotated[str | None, typer.Option(help="Comma-separated dataset names.")] = None,
    methods: Annotated[str | None, typer.Option(
        help="Comma-separated methods, e.g. 'none,smote[k_neighbors=3]+gamma:1.5'.")] = None,
    classifiers: Annotated[str | None, typer.Option(
        help="Comma-separated: logreg, knn, tree, hgb, svm, mlp or import paths.")] = None,
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
    quiet: Annotated[bool, typer.Option(
        "--quiet", help="No progress bar: a plain log line every 5 % of the tasks.")] = False,
) -> None:
    """Run a benchmark grid (resumable): datasets x methods x classifiers x folds."""
    from synthaug.bench import load_config, make_executor, run_bench, suite_config
    from synthaug.bench.grid import apply_overrides

    try:
        table: dict[str, Any] = {}
        if config is not None:
            cfg, table = load_config(config)
            if suite is not None:
                cfg = apply_overrides(suite_config(suite), table)
        else:
            cfg = suite_config(suite or "default")
        cfg = apply_overrides(cfg, {"datasets": datasets, "methods": methods,
                                    "classifiers": classifiers, "folds": folds,
                                    "repeats": repeats, "random_state": random_state,
                                    "task_timeout": task_timeout})
        store_path = store or Path(table.get("store", DEFAULT_STORE))
        executor = make_executor(jobs, scheduler)
        summary = run_bench(cfg, store_path, executor, quiet=quiet, console=err_console,
                            log=lambda line: print(line, file=sys.stderr, flush=True))
    except SynthaugError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        err_console.print("stopped: finished tasks are in the store; run the same command "
                          "again to resume.")
        raise typer.Exit(code=130) from None
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items())) or "nothing new"
    err_console.print(f"{summary.ran} tasks run in {summary.seconds:.1f} s ({counts}); "
                      f"{summary.skipped} were already done; results in {summary.store}")
    if not no_report:
        _write_report(store_path, report or Path("synthaug-report.html"))


def _write_report(store_path: Path, output: Path) -> None:
    from synthaug.bench.report import write_report
    from synthaug.bench.store import ResultStore

    with ResultStore.open_existing(store_path) as st:
        frame = st.read()
    write_report(frame, output)  # written atomically, with ordinary permissions
    err_console.print(f"report: {output}")


@app.command("report")
def report_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")] = Path(
        "synthaug-report.html"),
    store: Annotated[Path, typer.Option(help="SQLite results file.")] = DEFAULT_STORE,
) -> None:
    """Write the HTML report of a results store."""
    try:
        _write_report(store, output)
    except SynthaugError as exc:
        _fail(str(exc))


@results_app.command("export")
def results_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV or Parquet file.")],
    store: Annotated[Path, typer.Option(help="SQLite results file.")] = DEFAULT_STORE,
) -> None:
    """Export every task row of the store as CSV or Parquet."""
    from synthaug.bench.store import ResultStore

    try:
        with ResultStore.open_existing(store) as st:
            frame = st.read()
        write_output(frame, output)
    except SynthaugError as exc:
        _fail(str(exc))
    err_console.print(f"{len(frame)} rows -> {output}")


if __name__ == "__main__":  # pragma: no cover
    app()
