import json
import warnings

import numpy as np
import pandas as pd
import pytest

from synthaug.datasets import bundled, list_datasets, load_dataset, load_table
from synthaug.exceptions import (
    InvalidInputError,
    InvalidParameterError,
    SynthaugWarning,
    UnknownColumnError,
)


@pytest.fixture(scope="module")
def table():
    """The full list, built once for the module (fast when the user cache holds it)."""
    return list_datasets()


def _row(table, name):
    rows = table[table["name"] == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


# ----------------------------------------------------------------- the list


def test_list_has_many_binary_datasets(table):
    assert list(table.columns) == ["name", "n", "n_features", "n_minority", "imbalance_ratio"]
    assert len(table) > 100
    assert table["name"].is_unique
    assert (table["imbalance_ratio"] >= 1).all()
    assert (table["n_minority"] >= 1).all()
    # IR is n_majority / n_minority, counted from the data
    n_majority = table["n"] - table["n_minority"]
    np.testing.assert_allclose(table["imbalance_ratio"], n_majority / table["n_minority"])


def test_known_package_bugs_are_fixed(table):
    german = _row(table, "german")  # the package's summary says 998 columns, 1 minority
    assert (german["n"], german["n_minority"]) == (1000, 300)
    assert german["imbalance_ratio"] == pytest.approx(700 / 300)
    assert german["n_features"] < 100
    hypo = _row(table, "hypothyroid")  # raises in the package under pandas 3
    assert (hypo["n"], hypo["n_minority"]) == (3163, 151)
    page = _row(table, "page-blocks0")  # the package names it new_thyroid2
    assert (page["n"], page["n_minority"]) == (5472, 559)
    assert "new_thyroid2" not in set(table["name"])
    assert "abalone-21_vs_8" in set(table["name"])


def test_filters_are_inclusive(table):
    ecoli1 = _row(table, "ecoli1")
    ir = float(ecoli1["imbalance_ratio"])
    picked = list_datasets(min_ir=ir, max_ir=ir)
    assert "ecoli1" in set(picked["name"])
    assert (picked["imbalance_ratio"] == ir).all()
    sub = list_datasets(min_ir=9, max_n=2000, min_minority=10, max_features=20)
    assert len(sub) > 0
    assert (sub["imbalance_ratio"] >= 9).all() and (sub["n"] <= 2000).all()
    assert (sub["n_minority"] >= 10).all() and (sub["n_features"] <= 20).all()
    expected = table[(table["imbalance_ratio"] >= 9) & (table["n"] <= 2000)
                     & (table["n_minority"] >= 10) & (table["n_features"] <= 20)]
    assert sorted(sub["name"]) == sorted(expected["name"])


def test_filter_errors():
    with pytest.raises(InvalidParameterError, match="min_ir"):
        list_datasets(min_ir=-1)
    with pytest.raises(InvalidParameterError, match="nothing can match"):
        list_datasets(min_n=500, max_n=100)
    with pytest.raises(InvalidParameterError, match="max_features"):
        list_datasets(max_features="ten")


def test_returned_table_is_a_copy(table):
    first = list_datasets()
    first.loc[0, "n"] = -1
    assert list_datasets().loc[0, "n"] != -1


# ----------------------------------------------------------------- loading


def test_load_ecoli1_matches_its_row(table):
    X, y = load_dataset("ecoli1")
    row = _row(table, "ecoli1")
    assert X.shape == (row["n"], row["n_features"])
    assert X.dtype == np.float64
    assert y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1}
    assert int(y.sum()) == row["n_minority"]


@pytest.mark.parametrize("name", ["glass_0_4_vs_5", "zoo-3", "german", "hypothyroid"])
def test_minority_is_label_one(table, name):
    X, y = load_dataset(name)
    row = _row(table, name)
    assert 0 < y.sum() <= y.size - y.sum()
    assert (y.size, int(y.sum())) == (row["n"], row["n_minority"])
    assert np.isfinite(X).all()


def test_tolerant_name_matching():
    X, y = load_dataset("ecoli1")
    for variant in ["ECOLI1", " Ecoli1 "]:
        X2, y2 = load_dataset(variant)
        np.testing.assert_array_equal(X, X2)
        np.testing.assert_array_equal(y, y2)
    a = load_dataset("yeast-1_vs_7")[0]
    b = load_dataset("YEAST_1-VS_7")[0]
    np.testing.assert_array_equal(a, b)
    # the package's loader names and its (wrong) name fields are aliases
    assert load_dataset("flaref")[0].shape == load_dataset("flare-F")[0].shape
    assert load_dataset("abalone-22_vs_8")[0].shape == load_dataset("abalone-21_vs_8")[0].shape


def test_unknown_name_suggests_close_matches():
    with pytest.raises(InvalidInputError, match="Did you mean") as info:
        load_dataset("ecoli_11")
    assert "'ecoli1'" in str(info.value)
    assert "synthaug datasets list" in str(info.value)
    with pytest.raises(InvalidInputError, match="page-blocks0"):
        load_dataset("new_thyroid2")
    with pytest.raises(InvalidInputError, match="string"):
        load_dataset(3)


def test_as_frame_and_copies():
    X, y = load_dataset("crx", as_frame=True)
    Xa, ya = load_dataset("crx")
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.columns.is_unique
    assert not any("__" in c or "b'" in c for c in X.columns)
    assert y.name == "target"
    np.testing.assert_array_equal(X.to_numpy(), Xa)
    np.testing.assert_array_equal(y.to_numpy(), ya)
    Xa[:] = -1  # callers own what they get
    assert not (load_dataset("crx")[0] == -1).all()


def test_clean_feature_names():
    names = ["numerical_grid__imputer__Length", "category__imputation_encoding__Sex_b'M'",
             "numerical__imputer__x", "x", "x_2", "plain"]
    assert bundled._clean_feature_names(names) == ["Length", "Sex_M", "x", "x_2", "x_2_2",
                                                   "plain"]


# ----------------------------------------------------------------- cache and skipped loaders


def _fake_registry():
    def good():
        return {"data": np.arange(12.0).reshape(6, 2), "target": np.array([0, 0, 0, 0, 1, 1]),
                "feature_names": ["a", "b"]}

    def flipped():  # 1 is the majority here: the loader output gets flipped
        return {"data": np.zeros((4, 3)), "target": np.array([1, 1, 1, 0])}

    def broken():
        raise TypeError("Invalid value '0' for dtype 'str'")

    return {name: bundled._Entry(name, fn, ()) for name, fn in
            [("good", good), ("flipped", flipped), ("broken", broken)]}


@pytest.fixture
def fake_bundle(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(bundled, "_registry", _fake_registry)
    bundled._clear_cache()
    yield tmp_path
    bundled._clear_cache()


def test_broken_loader_is_skipped_with_one_warning(fake_bundle):
    with pytest.warns(SynthaugWarning, match="broken") as record:
        table = list_datasets()
    assert len([w for w in record if issubclass(w.category, SynthaugWarning)]) == 1
    assert list(table["name"]) == ["flipped", "good"]
    flipped = table.iloc[0]
    assert (flipped["n"], flipped["n_minority"], flipped["imbalance_ratio"]) == (4, 1, 3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list_datasets()  # same process: no second warning


def test_table_is_cached_on_disk(fake_bundle):
    with pytest.warns(SynthaugWarning):
        first = list_datasets()
    files = list((fake_bundle / "synthaug").glob("*.json"))
    assert len(files) == 1
    payload = json.loads(files[0].read_text())
    assert set(payload["skipped"]) == {"broken"}
    # a new "process": the table comes from disk, no loader runs
    bundled._clear_cache()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bundled, "_build_rows", lambda entries: pytest.fail("rebuilt"))
        with pytest.warns(SynthaugWarning, match="broken"):
            second = list_datasets()
    pd.testing.assert_frame_equal(first, second)


def test_corrupt_cache_is_rebuilt(fake_bundle):
    path = bundled._cache_file()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.warns(SynthaugWarning):
        assert len(list_datasets()) == 2
    assert json.loads(path.read_text())["schema"] == bundled._CACHE_SCHEMA


def test_unwritable_cache_dir_still_works(fake_bundle, monkeypatch):
    blocker = fake_bundle / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file, so mkdir fails
    with pytest.warns(SynthaugWarning):
        assert len(list_datasets()) == 2


# ----------------------------------------------------------------- load_table


@pytest.fixture
def frame():
    return pd.DataFrame({
        "age": [23, 45, 31, 60, 38],
        "income": [1.5, 2.25, 3.0, 0.5, 4.75],
        "city": ["a", "b", "a", "c", "b"],
        "label": [0, 1, 0, 0, 1],
    })


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".pq", ".csv.gz"])
def test_load_table_round_trip(tmp_path, frame, suffix):
    path = tmp_path / f"data{suffix}"
    if ".csv" in suffix:
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    X, y = load_table(path, "label")
    assert list(X.columns) == ["age", "income", "city"]
    assert pd.api.types.is_string_dtype(X["city"])
    assert X["city"].tolist() == ["a", "b", "a", "c", "b"]
    assert pd.api.types.is_integer_dtype(X["age"])
    np.testing.assert_allclose(X["income"], frame["income"])
    assert y.name == "label" and y.tolist() == [0, 1, 0, 0, 1]


def test_load_table_categorical(tmp_path, frame):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    X, _ = load_table(str(path), "label", categorical=["age"])
    assert isinstance(X["age"].dtype, pd.CategoricalDtype)
    with pytest.raises(UnknownColumnError, match="nope"):
        load_table(path, "label", categorical=["nope"])


def test_load_table_missing_target_lists_columns(tmp_path, frame):
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(UnknownColumnError, match=r"'target'.*'age', 'income', 'city', 'label'"):
        load_table(path, "target")
    with pytest.raises(KeyError):  # still a KeyError for generic handlers
        load_table(path, "target")


def test_load_table_file_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="No such file"):
        load_table(tmp_path / "missing.csv", "y")
    other = tmp_path / "data.xlsx"
    other.write_text("")
    with pytest.raises(InvalidInputError, match="extension"):
        load_table(other, "y")
    with pytest.raises(InvalidInputError, match="directory"):
        load_table(tmp_path, "y")
    bad = tmp_path / "bad.parquet"
    bad.write_text("this is not parquet")
    with pytest.raises(InvalidInputError, match="Could not read"):
        load_table(bad, "y")


def test_loaded_arrays_are_cached_on_disk(tmp_path, monkeypatch):
    from synthaug.datasets import bundled
    from synthaug.datasets._cache import read_arrays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bundled._load_cached.cache_clear()
    X1, y1 = load_dataset("glass1")
    cached = read_arrays("glass1")
    assert cached is not None
    np.testing.assert_array_equal(cached["data"], X1)
    np.testing.assert_array_equal(cached["target"], y1)
    bundled._load_cached.cache_clear()
    X2, y2 = load_dataset("glass1", as_frame=True)
    np.testing.assert_array_equal(X2.to_numpy(), X1)
    np.testing.assert_array_equal(y2.to_numpy(), y1)
    assert list(X2.columns) == cached["feature_names"]
    bundled._load_cached.cache_clear()
