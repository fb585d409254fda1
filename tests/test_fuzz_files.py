"""Fuzzed CSV and Parquet files through ``load_table`` and ``synthaug resample``.

Every file must end in one of two ways: a clear error (one of the library's own types, a
message naming the problem; on the command line one ``error:`` line and exit status 2,
never a traceback), or a correct output (the input rows first, then synthetic rows; the
same columns; every class filled up to the majority). A failing run leaves neither an
output file nor a temporary file behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from synthaug import SMOTE
from synthaug.cli import app
from synthaug.datasets import load_table
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    InvalidParameterError,
    SynthaugError,
    SynthaugWarning,
    UnknownColumnError,
)

runner = CliRunner()
# SYNTHAUG_FUZZ_EXAMPLES=500 for a longer hunt; the default keeps the file well under 30 s.
EXAMPLES = int(os.environ.get("SYNTHAUG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=max(1, EXAMPLES * 5 // 8))

SEPARATORS = [",", ";", "\t", "|"]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]
# Text that needs quoting: separators, quotes, newlines, spaces and non-ASCII letters.
TRICKY = st.sampled_from(list("abxyz ,;\t|\"'\n-_.éü日0"))


# --------------------------------------------------------------------------- strategies
def _names(draw, n: int) -> list[str]:
    name = st.text(TRICKY, min_size=1, max_size=6).map(lambda s: "c" + s)
    return draw(st.lists(name, min_size=n, max_size=n, unique=True))


@st.composite
def tables(draw, min_minority: int = 6) -> tuple[pd.DataFrame, str]:
    """A valid imbalanced table (numeric and text features, a two-class target) and the
    name of its target column. Text values start with a letter, so they never read as
    numbers or as missing; no text column has a distinct value in every row."""
    n_major = draw(st.integers(14, 36))
    n_minor = draw(st.integers(min_minority, n_major - 2))
    n = n_major + n_minor
    n_num = draw(st.integers(1, 3))
    n_txt = draw(st.integers(0, 2))
    names = _names(draw, n_num + n_txt + 1)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    data = {}
    for name in names[:n_num]:
        kind = draw(st.sampled_from(["int", "float", "intlike"]))
        if kind == "int":
            data[name] = rng.integers(-1000, 1000, n)
        elif kind == "float":
            data[name] = np.round(rng.normal(0, draw(st.sampled_from([1e-3, 1.0, 1e6])), n), 6)
        else:
            data[name] = rng.integers(-50, 50, n).astype(np.float64)
    for name in names[n_num:-1]:
        levels = draw(st.lists(st.text(TRICKY, max_size=5).map(lambda s: "k" + s),
                               min_size=1, max_size=4, unique=True))
        data[name] = rng.choice(np.asarray(levels, dtype=object), n)
    labels = draw(st.sampled_from([(0, 1), ("no", "yes"), ("k;a", 'k"b'), (1.0, 2.0)]))
    target = names[-1]
    data[target] = rng.permutation(np.r_[[labels[0]] * n_major, [labels[1]] * n_minor])
    frame = pd.DataFrame(data)
    if np.issubdtype(np.asarray(labels).dtype, np.number):
        frame[target] = frame[target].astype(type(labels[0]))
    return frame, target


csv_formats = st.fixed_dictionaries({
    "sep": st.sampled_from(SEPARATORS),
    "quoting": st.sampled_from(QUOTING),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig"]),
    "lineterminator": st.sampled_from(["\n", "\r\n", "\r"]),
}).filter(lambda f: f["lineterminator"] != "\r" or f["quoting"] != csv.QUOTE_MINIMAL)
# (with "\r" rows, pandas' writer leaves a "\n" in text unquoted unless every text is quoted)


# --------------------------------------------------------------------------- helpers
@contextmanager
def workdir():
    """A fresh folder per example (hypothesis reuses function-scoped fixtures)."""
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def write_csv(frame: pd.DataFrame, path: Path, fmt: dict) -> None:
    frame.to_csv(path, index=False, **fmt)


def resample(path: Path, out: Path, target: str):
    return runner.invoke(app, ["resample", str(path), "-o", str(out), "--target", target,
                               "--random-state", "0"])


def one_line(text: str) -> str:
    return " ".join(text.split())


def assert_clean_failure(result, out: Path, *, contains=()) -> str:
    """Exit 2, no traceback, stderr ends in exactly one ``error:`` line, no output file and
    no temporary file left in the output's folder."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), result.output)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    for text in contains:
        assert one_line(text) in errors[0], (text, errors[0])
    assert not out.exists()
    assert_no_temporaries(out.parent)
    return errors[0]


def assert_no_temporaries(folder: Path) -> None:
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not left, left


def read_back(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out) if out.suffix == ".parquet" else pd.read_csv(out)


def assert_correct_output(result, out: Path, frame: pd.DataFrame, target: str) -> None:
    """Exit 0, and the output is the input plus synthetic rows that balance the classes."""
    assert result.exit_code == 0, (result.output, repr(result.exception))
    res = read_back(out)
    assert sorted(map(str, res.columns)) == sorted(map(str, frame.columns))
    counts = frame[target].value_counts()
    n_major = int(counts.max())
    assert len(res) == n_major * len(counts)
    out_counts = res[target].astype(str).value_counts()
    assert set(out_counts.index) == {str(v) for v in counts.index}
    assert (out_counts == n_major).all(), out_counts
    head = res.iloc[:len(frame)]
    for name in frame.columns:   # the input rows come first, unchanged
        want, got = frame[name], head[name]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            rtol = 1e-6 if want.dtype == np.float32 else 1e-12   # float32 prints 8 digits
            np.testing.assert_allclose(got.to_numpy(dtype=float), want.to_numpy(dtype=float),
                                       rtol=rtol, err_msg=str(name))
        else:
            assert got.astype(str).tolist() == want.astype(str).tolist(), name
        if not pd.api.types.is_numeric_dtype(want) or pd.api.types.is_bool_dtype(want):
            synthetic = set(res[name].iloc[len(frame):].astype(str))
            assert synthetic <= set(want.astype(str)), name   # categories are copied
    assert_no_temporaries(out.parent)


def library_outcome(path: Path, target: str):
    """``load_table`` then SMOTE: the resampled (X, y), or the exception raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SynthaugWarning)
            X, y = load_table(path, target)
            return SMOTE(random_state=0).fit_resample(X, y)
    except Exception as exc:   # judged by the caller
        return exc


# --------------------------------------------------------------------------- valid CSV
@FUZZ
@given(table=tables(), fmt=csv_formats)
def test_load_table_reads_back_any_csv_dialect(table, fmt):
    frame, target = table
    with workdir() as tmp:
        path = tmp / "data.csv"
        write_csv(frame, path, fmt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SynthaugWarning)
            X, y = load_table(path, target)
    assert list(X.columns) == [c for c in frame.columns if c != target]
    for name in X.columns:
        if pd.api.types.is_numeric_dtype(frame[name]):
            assert pd.api.types.is_numeric_dtype(X[name]), name
            np.testing.assert_allclose(X[name].to_numpy(float), frame[name].to_numpy(float),
                                       rtol=1e-12)
        else:
            assert X[name].tolist() == frame[name].tolist(), name
    assert y.astype(str).tolist() == frame[target].astype(str).tolist()


@FEW
@given(table=tables(), fmt=csv_formats, suffix=st.sampled_from([".csv", ".parquet"]))
def test_cli_resample_writes_a_correct_file_from_any_csv_dialect(table, fmt, suffix):
    frame, target = table
    with workdir() as tmp:
        path, out = tmp / "data.csv", tmp / f"out{suffix}"
        write_csv(frame, path, fmt)
        assert_correct_output(resample(path, out, target), out, frame, target)


# --------------------------------------------------------------------------- broken CSV
def _corrupt(kind: str, frame: pd.DataFrame, target: str, data: st.DataObject):
    """Apply one defect; return (frame or raw bytes, the expected outcome).

    The outcome is ``("ok", None)``, or ``(error type, [texts the message must hold])``,
    or ``(SynthaugError, [])`` where several clear errors are acceptable.
    """
    features = [c for c in frame.columns if c != target]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    text = [c for c in features if c not in numeric]
    row = data.draw(st.integers(0, len(frame) - 1), label="row")
    frame = frame.copy()
    if kind == "no_target":
        return frame.drop(columns=[target]), (UnknownColumnError,
                                              [repr(target), *map(repr, features)])
    if kind == "nan_numeric":
        col = data.draw(st.sampled_from(numeric), label="column")
        frame[col] = frame[col].astype(float)
        frame.loc[row, col] = np.nan
        return frame, (InvalidInputError, [repr(col), "NaN"])
    if kind == "nan_text" and text:
        col = data.draw(st.sampled_from(text), label="column")
        frame.loc[row, col] = None
        return frame, (InvalidInputError, [repr(col), "missing values"])
    if kind == "nan_target":
        frame[target] = frame[target].astype(object)
        frame.loc[row, target] = None
        return frame, (InvalidInputError, [repr(target), "missing label"])
    if kind == "one_class":
        frame[target] = frame[target].iloc[0]
        return frame, (InvalidInputError, ["only 1 class"])
    if kind == "mixed":
        col = data.draw(st.sampled_from(numeric), label="column")
        frame[col] = frame[col].astype(object)
        frame.loc[row, col] = "oops"
        return frame, ("ok", None)
    if kind == "duplicate" and len(features) >= 2:
        frame.columns = [features[0] if c == features[1] else c for c in frame.columns]
        return frame, (InvalidInputError, ["duplicate column names", repr(features[0])])
    if kind == "na_token" and text:   # pandas reads "NA", "null", "" ... as missing
        col = data.draw(st.sampled_from(text), label="column")
        frame.loc[row, col] = data.draw(st.sampled_from(["NA", "null", "N/A", "nan", ""]))
        return frame, (InvalidInputError, [repr(col), "missing values"])
    if kind == "header_only":
        if any(sep in str(c) for c in frame.columns for sep in SEPARATORS):
            return frame.iloc[:0], (SynthaugError, [])   # one line cannot tell the separator
        return frame.iloc[:0], (InvalidInputError, ["no rows"])
    return None


CORRUPTIONS = ["no_target", "nan_numeric", "nan_text", "nan_target", "one_class", "mixed",
               "duplicate", "na_token", "header_only"]


@FUZZ
@given(table=tables(), fmt=csv_formats, kind=st.sampled_from(CORRUPTIONS), data=st.data())
def test_broken_csv_ends_in_a_clear_error_or_a_correct_file(table, fmt, kind, data):
    frame, target = table
    case = _corrupt(kind, frame, target, data)
    if case is None:   # this table cannot carry that defect (e.g. no text column)
        return
    broken, (expected, texts) = case
    with workdir() as tmp:
        path, out = tmp / "data.csv", tmp / "out.csv"
        write_csv(broken, path, fmt)
        outcome = library_outcome(path, target)
        result = resample(path, out, target)
        if expected == "ok":
            assert not isinstance(outcome, Exception), outcome
            assert_correct_output(result, out, pd.read_csv(path, sep=fmt["sep"]), target)
            return
        if expected is SynthaugError:
            assert isinstance(outcome, SynthaugError), (kind, outcome)
        else:
            assert type(outcome) is expected, (kind, outcome)
        message = str(outcome)
        for text in texts:
            assert text in message, (text, message)
        assert_clean_failure(result, out, contains=texts)


@FEW
@given(table=tables(), data=st.data())
def test_latin1_bytes_are_a_clear_error_or_read_with_their_encoding(table, data):
    frame, target = table
    frame = frame.assign(ville=np.where(np.arange(len(frame)) % 2, "café", "Zürich"))
    with workdir() as tmp:
        path, out = tmp / "data.csv", tmp / "out.csv"
        text = frame.to_csv(index=False)
        assume(all(ord(ch) < 256 for ch in text))   # latin-1 cannot hold every letter
        path.write_bytes(text.encode("latin-1"))
        with pytest.raises(InvalidInputError, match="not utf-8 text") as info:
            load_table(path, target)
        assert "encoding=" in str(info.value)
        assert_clean_failure(resample(path, out, target), out, contains=["utf-8"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SynthaugWarning)
            X, _ = load_table(path, target, encoding="latin-1")
    assert set(X["ville"]) == {"café", "Zürich"}


@FEW
@given(table=tables(), fmt=csv_formats, cut=st.floats(0.05, 0.95))
def test_truncated_csv_ends_in_a_clear_error_or_a_correct_file(table, fmt, cut):
    frame, target = table
    with workdir() as tmp:
        path, out = tmp / "data.csv", tmp / "out.csv"
        write_csv(frame, path, fmt)
        raw = path.read_bytes()
        path.write_bytes(raw[:max(1, int(len(raw) * cut))])
        outcome = library_outcome(path, target)
        result = resample(path, out, target)
        if isinstance(outcome, Exception):
            assert isinstance(outcome, SynthaugError), repr(outcome)
            assert_clean_failure(result, out)
        else:   # the cut fell between rows: what is left is a smaller valid table
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SynthaugWarning)
                X, y = load_table(path, target)
            assert_correct_output(result, out, X.assign(**{target: y}), target)


EDITS = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3),
                           st.sampled_from([b",", b";", b"\t", b"|", b'"', b"\n", b"\r", b" ",
                                            b"\x00", b"\xff", b"\xc3", b"x", b"1", b"-"])),
                 min_size=1, max_size=4)


def _edit(raw: bytes, edits) -> bytes:
    """Delete, insert, replace or duplicate single bytes at the given relative places."""
    for where, how, byte in edits:
        i = min(int(where * len(raw)), max(len(raw) - 1, 0))
        if how == 0:
            raw = raw[:i] + raw[i + 1:]
        elif how == 1:
            raw = raw[:i] + byte + raw[i:]
        elif how == 2:
            raw = raw[:i] + byte + raw[i + 1:]
        else:
            raw = raw[:i] + raw[i:i + 1] * 2 + raw[i + 1:]
    return raw


@FUZZ
@given(table=tables(), fmt=csv_formats, edits=EDITS)
def test_mutated_csv_bytes_end_in_a_clear_error_or_a_correct_file(table, fmt, edits):
    frame, target = table
    with workdir() as tmp:   # Parquet output: a mutation may put a bare "\r" into text
        path, out = tmp / "data.csv", tmp / "out.parquet"
        write_csv(frame, path, fmt)
        path.write_bytes(_edit(path.read_bytes(), edits))
        outcome = library_outcome(path, target)
        result = resample(path, out, target)
        if isinstance(outcome, Exception):
            assert isinstance(outcome, SynthaugError), repr(outcome)
            assert_clean_failure(result, out)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SynthaugWarning)
                X, y = load_table(path, target)
            assert_correct_output(result, out, X.assign(**{target: y}), target)


def test_cli_csv_output_keeps_carriage_returns_in_text(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40), "t": ["a\rb", "c"] * 20,
                          "label": [0] * 30 + [1] * 10})
    path, out = tmp_path / "data.csv", tmp_path / "out.csv"
    frame.to_csv(path, index=False, lineterminator="\r\n")   # quotes "a\rb"
    X, _ = load_table(path, "label")
    assert X["t"].tolist() == frame["t"].tolist()
    assert_correct_output(resample(path, out, "label"), out, frame, "label")


# --------------------------------------------------------------------------- not a CSV
MAGIC = [b"", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\x1f\x8b\x08", b"PAR1", b"%PDF-1.4\n",
         b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]


@FUZZ
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=400),
       name=st.sampled_from(["data.csv", "data.parquet", "data.csv.gz", "data.csv.zip"]))
def test_binary_blobs_are_a_clear_error(magic, body, name):
    with workdir() as tmp:
        path, out = tmp / name, tmp / "out.csv"
        path.write_bytes(magic + body)
        with pytest.raises(SynthaugError) as info:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SynthaugWarning)
                load_table(path, "label")
        assert path.name in str(info.value) or "label" in str(info.value)
        assert_clean_failure(resample(path, out, "label"), out)


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"\n\n  \n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
    (b"PAR1\x15\x04\x15\x00", "a Parquet file, not text; name it .parquet"),
    ("a,b\n1,2\n".encode("utf-16"), "UTF-16"),
    (b"a,b,label\n1,\xe9,0\n", "not utf-8 text"),
    (b"\x00\x01\x02\x03", "binary data"),
])
def test_what_a_non_csv_looks_like_is_named(tmp_path, content, expected):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=r"data\.csv") as info:
        load_table(path, "label")
    assert expected in str(info.value)


def test_text_renamed_parquet_is_named(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_text("a,b,label\n1,2,0\n")
    with pytest.raises(InvalidInputError, match=r"looks like text \(a CSV file\?\)"):
        load_table(path, "label")


# --------------------------------------------------------------------------- Parquet
PARQUET_KINDS = ["Int64", "string", "category", "bool", "float32", "int8", "uint16",
                 "datetime", "Int64_na", "string_na"]


@st.composite
def parquet_tables(draw):
    frame, target = draw(tables())
    kinds = draw(st.lists(st.sampled_from(PARQUET_KINDS), max_size=3))
    n = len(frame)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    for i, kind in enumerate(kinds):
        name = f"p{i}_{kind}"
        if kind == "Int64":
            frame[name] = pd.array(rng.integers(-5, 5, n), dtype="Int64")
        elif kind in ("string", "string_na"):
            frame[name] = pd.array(rng.choice(["u", "v", "w"], n), dtype="string")
        elif kind == "category":
            frame[name] = pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "hi"])
        elif kind == "bool":
            frame[name] = rng.random(n) < 0.5
        elif kind == "float32":
            frame[name] = rng.normal(size=n).astype(np.float32)
        elif kind == "int8":
            frame[name] = rng.integers(-100, 100, n).astype(np.int8)
        elif kind == "uint16":
            frame[name] = rng.integers(0, 60000, n).astype(np.uint16)
        elif kind == "datetime":
            frame[name] = pd.Timestamp("2020-01-01") + pd.to_timedelta(
                rng.integers(0, 1000, n), unit="D")
        elif kind == "Int64_na":
            frame[name] = pd.array(rng.integers(-5, 5, n), dtype="Int64")
            frame.loc[0, name] = pd.NA
        if kind == "string_na":
            frame.loc[0, name] = pd.NA
    label = draw(st.sampled_from(["as is", "category", "string", "bool"]))
    values = frame[target]
    if label == "category":
        frame[target] = pd.Categorical(values)
    elif label == "string":
        frame[target] = pd.array(values.astype(str), dtype="string")
    elif label == "bool":
        frame[target] = values == values.iloc[0]
    return frame, target, kinds


@FEW
@given(table=parquet_tables(), suffix=st.sampled_from([".csv", ".parquet"]))
def test_parquet_dtypes_end_in_a_clear_error_or_a_correct_file(table, suffix):
    frame, target, kinds = table
    with workdir() as tmp:
        path, out = tmp / "data.parquet", tmp / f"out{suffix}"
        frame.to_parquet(path, index=False)
        outcome = library_outcome(path, target)
        result = resample(path, out, target)
        bad = [f"p{i}_{k}" for i, k in enumerate(kinds)]
        dates = [c for c in bad if c.endswith("datetime")]
        missing = [c for c in bad if c.endswith("_na")]
        if dates or missing:
            expected = DataTypeError if dates else InvalidInputError
            assert isinstance(outcome, expected), repr(outcome)
            assert any(repr(c) in str(outcome) for c in dates + missing), str(outcome)
            if dates:
                assert "dates or times" in str(outcome)
            assert_clean_failure(result, out)
            return
        assert not isinstance(outcome, Exception), repr(outcome)
        assert_correct_output(result, out, frame, target)
        if suffix == ".parquet":   # feature dtypes survive a Parquet round trip
            res, src = pd.read_parquet(out), pd.read_parquet(path)
            for name in src.columns.drop(target):
                assert res[name].dtype == src[name].dtype, name


@FUZZ
@given(body=st.binary(min_size=0, max_size=300), cut=st.floats(0.0, 1.0))
def test_damaged_parquet_is_a_clear_error(body, cut):
    frame = pd.DataFrame({"a": np.arange(30.0), "label": [0] * 20 + [1] * 10})
    with workdir() as tmp:
        path, out = tmp / "data.parquet", tmp / "out.csv"
        frame.to_parquet(path)
        raw = path.read_bytes()
        keep = int(len(raw) * cut)
        path.write_bytes(raw[:keep] + body if keep < len(raw) else b"PAR1" + body)
        with pytest.raises(InvalidInputError, match=r"data\.parquet"):
            load_table(path, "label")
        assert_clean_failure(resample(path, out, "label"), out, contains=["data.parquet"])


def test_duplicate_parquet_columns_are_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table([pa.array([1.0, 2.0]), pa.array([3.0, 4.0]), pa.array([0, 1])],
                     names=["a", "a", "label"])
    pq.write_table(table, tmp_path / "dup.parquet")
    with pytest.raises(InvalidInputError, match=r"duplicate column names \['a'\]"):
        load_table(tmp_path / "dup.parquet", "label")


def test_parquet_object_columns_are_normalised_or_refused(tmp_path):
    import datetime
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 30
    y = pa.array([0] * 20 + [1] * 10)
    base = {"a": pa.array(np.random.default_rng(0).normal(size=n)), "label": y}
    pq.write_table(pa.table({**base, "d": pa.array(
        [decimal.Decimal(i) / 4 for i in range(n)])}), tmp_path / "dec.parquet")
    X, _ = load_table(tmp_path / "dec.parquet", "label")
    assert X["d"].dtype == np.float64 and X["d"].iloc[3] == 0.75
    pq.write_table(pa.table({**base, "day": pa.array(
        [datetime.date(2020, 1, 1 + i % 28) for i in range(n)])}), tmp_path / "date.parquet")
    X, y_ = load_table(tmp_path / "date.parquet", "label")
    with pytest.raises(DataTypeError, match="'day' holds dates or times"):
        SMOTE().fit_resample(X, y_)
    pq.write_table(pa.table({**base, "l": pa.array([[i, 1] for i in range(n)])}),
                   tmp_path / "list.parquet")
    X, y_ = load_table(tmp_path / "list.parquet", "label")
    with pytest.raises(DataTypeError, match="'l' holds values of type ndarray"):
        SMOTE().fit_resample(X, y_)


# --------------------------------------------------------------------------- ID columns
@FEW
@given(table=tables(min_minority=8), fmt=csv_formats,
       ids=st.sampled_from(["uuid", "email", "padded"]))
def test_an_identifier_column_is_warned_about(table, fmt, ids):
    frame, target = table
    n = len(frame)
    make = {"uuid": lambda i: f"{i * 7919 % 100003:08x}-{i:04x}",
            "email": lambda i: f"user{i}@example.org", "padded": lambda i: f"ID-{i:05d}"}[ids]
    frame.insert(0, "customer", [make(i) for i in range(n)])
    with workdir() as tmp:
        path, out = tmp / "data.csv", tmp / "out.csv"
        write_csv(frame, path, fmt)
        X, y = load_table(path, target)
        with pytest.warns(SynthaugWarning, match="'customer'.*identifier") as record:
            SMOTE(random_state=0).fit_resample(X, y)
        assert any("drop" in str(w.message).lower() for w in record)
        result = resample(path, out, target)
        assert_correct_output(result, out, frame, target)
        warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert any("'customer'" in line and "identifier" in line for line in warned), warned


def test_identifier_rule_needs_more_than_20_rows_all_distinct():
    def warns(frame):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            TableCodec().fit(frame)
        return [w for w in record if issubclass(w.category, SynthaugWarning)]

    ids = [f"u{i}" for i in range(21)]
    assert len(warns(pd.DataFrame({"id": ids, "x": np.arange(21.0)}))) == 1
    assert not warns(pd.DataFrame({"id": ids[:20], "x": np.arange(20.0)}))
    assert not warns(pd.DataFrame({"id": [*ids[:-1], "u0"], "x": np.arange(21.0)}))
    assert not warns(pd.DataFrame({"x": np.arange(50.0)}))   # numeric: not categorical
    cat = pd.DataFrame({"id": pd.Categorical(ids, categories=[*ids, "spare"])})
    assert len(warns(cat)) == 1
    arr = np.asarray([[f"u{i}", i % 3] for i in range(30)], dtype=object)
    assert str(warns(arr)[0].message).startswith("Categorical column 0 has a different")


def test_a_saved_index_column_is_warned_about(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40), "label": [0] * 30 + [1] * 10})
    frame.to_csv(tmp_path / "data.csv")   # writes the index as an unnamed first column
    with pytest.warns(SynthaugWarning, match="'Unnamed: 0'.*counts the rows"):
        load_table(tmp_path / "data.csv", "label")


def test_a_mostly_numeric_text_column_is_warned_about(tmp_path):
    values = [str(v) for v in range(30)]
    values[7] = "12,5"
    frame = pd.DataFrame({"x": values, "z": np.tile([1.0, 2.0], 15),
                          "label": [0] * 20 + [1] * 10})
    frame.to_csv(tmp_path / "data.csv", index=False, sep=";")
    with pytest.warns(SynthaugWarning, match=r"'x'.*1 of its 30 values.*'12,5'"):
        load_table(tmp_path / "data.csv", "label")


# --------------------------------------------------------------------------- parsing
def test_a_large_csv_is_parsed_whole_so_a_column_never_mixes_types(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a,b,label\n" + "1,2,0\n" * 280_000 + "3,x,1\n")
    with pytest.warns(SynthaugWarning, match="'b'"):
        X, _ = load_table(path, "label")
    assert set(X["b"].map(type)) == {str}


@pytest.mark.parametrize("sep", SEPARATORS)
def test_separator_found_despite_other_separators_in_quoted_text(tmp_path, sep):
    frame = pd.DataFrame({"t": ["a,b;c", "d|e\tf", 'g"h'] * 10, "v": np.arange(30) % 4,
                          "label": [0, 1, 0] * 10})
    frame.to_csv(tmp_path / "data.csv", sep=sep, index=False)
    X, y = load_table(tmp_path / "data.csv", "label")
    assert X["t"].tolist() == frame["t"].tolist() and y.tolist() == frame["label"].tolist()


def test_explicit_separator_and_bad_arguments(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a;b,c;label\n1;2,5;0\n3;4,5;1\n")
    X, _ = load_table(path, "label", sep=";")
    assert list(X.columns) == ["a", "b,c"]
    with pytest.raises(InvalidParameterError, match="one character"):
        load_table(path, "label", sep=";;")
    with pytest.raises(InvalidParameterError, match="encoding"):
        load_table(path, "label", encoding="no-such-codec")


def test_missing_target_lists_the_columns_even_with_another_separator(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a|b|c\n1|2|3\n")
    with pytest.raises(UnknownColumnError, match=r"'label'.*\['a', 'b', 'c'\]"):
        load_table(path, "label")


# --------------------------------------------------------------------------- atomic output
@pytest.mark.parametrize("existing", [False, True])
def test_a_failing_write_leaves_no_partial_output(tmp_path, monkeypatch, existing):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40), "label": [0] * 30 + [1] * 10})
    path, out = tmp_path / "data.csv", tmp_path / "out.csv"
    frame.to_csv(path, index=False)
    if existing:
        out.write_text("old\n")
    real = pd.DataFrame.to_csv

    def half_then_fail(self, target=None, *args, **kwargs):
        if isinstance(target, str) and target.endswith(".tmp"):
            Path(target).write_text(real(self, None, **kwargs)[:50])
            raise OSError(28, "No space left on device", target)
        return real(self, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    result = resample(path, out, "label")
    if existing:
        assert out.read_text() == "old\n"
        out.unlink()
    assert_clean_failure(result, out, contains=["No space left on device"])
