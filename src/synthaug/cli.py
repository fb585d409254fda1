"""The ``synthaug`` command-line tool (typer).

Commands: ``bench``, ``report``, ``results export``, ``datasets list``, ``resample``.
Errors of the library's own types are printed
as one line and exit with status 2, never as a traceback. Output files are written to a
temporary file beside the target and renamed into place, so an interrupted run never
leaves a partial output file.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

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


def atomic_write(output: Path, write: Callable[[str], Any]) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``output``, then rename it into
    place with the usual permissions, so no reader ever sees a partial file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    atomic_write(output, lambda tmp: write_report(frame, tmp))
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
