"""LLMGenerator with a tiny model on a small mixed table: exact counts, valid values,
determinism, prefix consistency, save/load, the two permutation modes, local models and
the errors (synthaug.generators.llm)."""

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from synthaug.exceptions import (  # noqa: E402
    GenerationError,
    InvalidParameterError,
    NotEnoughSamplesError,
)
from synthaug.generators.llm import LLMGenerator  # noqa: E402

#: A very small network: enough to learn rows of three short columns in a few seconds.
MICRO = {"n_layer": 1, "n_head": 2, "n_embd": 32, "n_inner": 64}
FAST = {"model": MICRO, "epochs": 25, "batch_size": 8, "learning_rate": 1e-2,
        "device": "cpu", "max_tries": 40}


def table(n_major=60, n_minor=30, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_major, dtype=int), np.ones(n_minor, dtype=int)]
    n = y.size
    X = pd.DataFrame({
        "a": rng.integers(0, 5, n) + 4 * y,
        "b": rng.integers(0, 4, n),
        "colour": np.where(y == 1, rng.choice(["red", "green"], n),
                           rng.choice(["blue", "red"], n)),
    })
    return X, y


@pytest.fixture(scope="module")
def data():
    return table()


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return LLMGenerator(**FAST, random_state=0).fit(X, y)


def test_exact_rows_of_the_class_only(fitted, data):
    X, y = data
    S = fitted.sample(40, random_state=1)
    assert S.shape == (40, 3) and list(S.columns) == list(X.columns)
    minority = X[y == 1]
    assert set(S["colour"]) <= set(minority["colour"])            # never "blue"
    for col in ("a", "b"):
        assert S[col].between(minority[col].min(), minority[col].max()).all()
    assert 0.0 <= fitted.invalid_rate_ < 1.0
    assert sum(fitted.invalid_reasons_.values()) >= 0
    assert fitted.sample(0, random_state=1).shape == (0, 3)


def test_training_set_and_history(fitted, data):
    X, y = data
    assert fitted.n_interpolated_ == 30                 # majority 60 minus minority 30
    assert len(fitted.history_) == 25
    assert fitted.history_[-1]["loss"] < fitted.history_[0]["loss"]
    assert fitted.memory_estimate(len(X), X.shape[1], int((y == 1).sum())) > 0


def test_determinism_and_prefix_consistency(fitted):
    a = fitted.sample(300, random_state=3)
    pd.testing.assert_frame_equal(a, fitted.sample(300, random_state=3))
    pd.testing.assert_frame_equal(fitted.sample(10, random_state=3), a.iloc[:10])
    assert not a.equals(fitted.sample(300, random_state=4))


def test_a_short_draw_generates_only_the_rows_asked_for(fitted, monkeypatch):
    """Rows have streams of their own, so ``sample(3)`` prompts the model for 3 rows (and
    their retries), not for a whole chunk of 256, and gets the first 3 rows of any longer
    draw with the same seed."""
    import synthaug.generators._llm_model as llm_model

    batches = []
    real = llm_model.generate

    def counting(model, tokenizer, prompts, **kwargs):
        batches.append(len(prompts))
        return real(model, tokenizer, prompts, **kwargs)

    monkeypatch.setattr(llm_model, "generate", counting)
    short = fitted.sample(3, random_state=11)
    assert batches[0] == 3 and max(batches) <= 3
    pd.testing.assert_frame_equal(short, fitted.sample(40, random_state=11).iloc[:3])


def test_the_same_seed_fits_the_same_model(data, fitted):
    X, y = data
    again = LLMGenerator(**FAST, random_state=0).fit(X, y)
    assert [h["loss"] for h in again.history_] == [h["loss"] for h in fitted.history_]
    pd.testing.assert_frame_equal(again.sample(20, random_state=5),
                                  fitted.sample(20, random_state=5))


def test_save_and_load_sample_the_same_rows(fitted, tmp_path):
    folder = fitted.save(tmp_path / "llm")
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json", "tokenizer.json", "weights.safetensors"]
    loaded = LLMGenerator.load(folder, device="cpu")
    pd.testing.assert_frame_equal(loaded.sample(30, random_state=7),
                                  fitted.sample(30, random_state=7))


def test_label_first_prompts_fix_one_feature_each(fitted):
    features = np.arange(6) % 3
    prompts = fitted._prompts([np.random.default_rng(i) for i in range(6)], features)
    assert all(p.startswith("label is 1, ") and p.endswith(",") for p in prompts)
    names = [p.split(", ")[1].split(" is ")[0] for p in prompts]
    assert names == ["a", "b", "colour"] * 2


def test_the_guide_allows_only_missing_columns_and_class_categories(fitted):
    from synthaug.generators._llm_model import ClauseGuide

    assert fitted.guided_
    tok = fitted.tokenizer_
    guide = fitted._guide
    assert isinstance(guide, ClauseGuide)
    state = guide.start({0})                                   # "a" already written
    starts = {tok.decode([t]) for t in guide.allowed(state)}
    assert starts == {" b", " colour"}
    for t in tok(" colour is", add_special_tokens=False)["input_ids"]:
        guide.advance(state, t)
    values = {tok.decode([t]) for t in guide.allowed(state)}
    assert values == {" red", " green"}                        # never "blue"
    guide.advance(state, tok(" red", add_special_tokens=False)["input_ids"][0])
    assert guide.allowed(state) == [guide.comma]               # "b" is still missing
    guide.advance(state, guide.comma)
    assert {tok.decode([t]) for t in guide.allowed(state)} == {" b"}


@pytest.mark.parametrize("mode, guided", [("drop", True), ("impute", False)])
def test_other_invalid_modes_and_free_sampling(fitted, data, mode, guided):
    X, y = data
    minority = X[y == 1]
    saved = fitted.invalid, fitted._guide
    try:
        fitted.invalid = mode
        if not guided:
            fitted._guide = None                               # free generation
        S = fitted.sample(20, random_state=2)
    finally:
        fitted.invalid, fitted._guide = saved
    assert len(S) == 20 and set(S["colour"]) <= set(minority["colour"])
    assert S["a"].between(minority["a"].min(), minority["a"].max()).all()
    if mode == "drop":
        assert fitted.imputed_cells_ == 0 and fitted.continued_rows_ == 0


def test_full_permutation_uses_label_prompts_and_no_interpolation(data):
    X, y = data
    gen = LLMGenerator(**{**FAST, "epochs": 2, "max_tries": 1}, permutation="full",
                       random_state=0).fit(X, y)
    assert gen.n_interpolated_ == 0
    streams = [np.random.default_rng(i) for i in range(3)]
    assert gen._prompts(streams, np.arange(3)) == ["label is 1,"] * 3


def test_numpy_input_and_a_pre_built_model(fitted, data):
    X, y = data
    arr = X.to_numpy(dtype=object)
    model, tok = fitted.model_, fitted.tokenizer_
    before = {k: v.clone() for k, v in model.state_dict().items()}
    gen = LLMGenerator(model=(model, tok), epochs=2, batch_size=8, device="cpu",
                       invalid="impute", allow_extrapolation=True, max_tries=40,
                       random_state=0).fit(arr, y)
    assert gen._text.num_names == ["x0", "x1"] and gen._text.cat_names == ["x2"]
    # the caller's model is copied, not trained
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert gen.model_ is not model


def test_a_local_model_folder(fitted, data, tmp_path):
    X, y = data
    fitted.model_.save_pretrained(tmp_path / "m")
    fitted.tokenizer_.save_pretrained(tmp_path / "m")
    gen = LLMGenerator(model=str(tmp_path / "m"), epochs=1, batch_size=8, device="cpu",
                       random_state=0).fit(X, y)
    assert gen._kind == "path" and len(gen.history_) == 1
    assert gen.history_[0]["lr"] < 5e-5                 # fine-tuning: linear decay from 5e-5


def test_a_missing_model_folder_says_how_to_provide_one(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="never downloads"):
        LLMGenerator(model="no/such/folder", device="cpu").fit(X, y)


def test_too_few_rows_of_the_class(data):
    X, y = data
    y = y.copy()
    y[y == 1] = 0
    y[0] = 1
    with pytest.raises(NotEnoughSamplesError, match="at least 2 rows"):
        LLMGenerator(**FAST).fit(X, y)


def test_an_untrained_model_fails_with_a_clear_message(data):
    X, y = data
    gen = LLMGenerator(**{**FAST, "epochs": 0, "max_tries": 1}, random_state=0).fit(X, y)
    with pytest.raises(GenerationError, match=r"wrote only \d+ valid rows .* max_tries=1"):
        gen.sample(5, random_state=0)


@pytest.mark.parametrize("params, match", [
    ({"permutation": "random"}, "permutation"),
    ({"invalid": "keep"}, "invalid"),
    ({"top_p": 0.0}, "top_p"),
    ({"epochs": -1}, "epochs"),
    ({"n_interpolated": -2}, "n_interpolated"),
    ({"decimals": "two"}, "decimals"),
    ({"model": 3}, "model must be"),
])
def test_bad_parameters(data, params, match):
    X, y = data
    with pytest.raises(InvalidParameterError, match=match):
        LLMGenerator(**{**FAST, **params}).fit(X, y)


def test_generator_protocol(data):
    from synthaug.checks import check_generator

    X, y = data
    results = check_generator(LLMGenerator(**FAST, random_state=0), X, y, sizes=(0, 1, 7, 300))
    assert all(results.values()), results


@pytest.mark.slow
def test_as_the_generator_of_vtss_and_of_bias_correction():
    """The LLM generator plugs into the size search and the bias-corrected classifier like
    any other (numeric tables: both take numbers only)."""
    from sklearn.linear_model import LogisticRegression

    from synthaug.correction import BiasCorrectedClassifier
    from synthaug.search import VTSS

    X, y = table(60, 30)
    X = X[["a", "b"]].to_numpy(dtype=float)
    gen = LLMGenerator(**FAST, random_state=0)
    search = VTSS(LogisticRegression(), gen, gammas=(0.0, 1.0), cv=2,
                  random_state=0).fit(X, y)
    assert search.cv_results_["size"].tolist() == [0, 30]
    assert search.best_estimator_.predict_proba(X).shape == (90, 2)
    corrected = BiasCorrectedClassifier(gen, n_splits=2, random_state=0).fit(X, y)
    assert corrected.predict_proba(X[:5]).shape == (5, 2)
