import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import synthaug
from synthaug import ADASYN, SMOTE, BorderlineSMOTE, Gamma, Oversampler, RandomOverSampler
from synthaug.encoding import TableCodec, majority_vote
from synthaug.exceptions import (
    DataTypeError,
    InvalidInputError,
    NotEnoughSamplesError,
    SamplingStrategyError,
    UnknownColumnError,
)
from synthaug.generators import GaussianGenerator, JitterGenerator, SMOTEGenerator

NAMED = [RandomOverSampler(), SMOTE(), BorderlineSMOTE(), ADASYN(),
         Oversampler(GaussianGenerator()), Oversampler(JitterGenerator())]


@pytest.mark.parametrize("sampler", NAMED, ids=lambda s: type(s).__name__)
def test_counts_exact_and_original_rows_first(sampler, binary_data):
    X, y = binary_data
    s = clone(sampler).set_params(random_state=0)
    X_res, y_res = s.fit_resample(X, y)
    n1 = (y == 1).sum()
    assert np.bincount(y_res).tolist() == [(y == 0).sum(), (y == 0).sum()]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert s.n_synthetic_ == (y == 0).sum() - n1
    assert s.synthetic_mask_.sum() == s.n_synthetic_
    X2, _ = clone(s).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X2)


def test_gamma_beyond_balance_and_multiclass(multiclass_data):
    X, y = multiclass_data
    counts = np.bincount(y)
    _, y_res = SMOTE(sampling_strategy=Gamma(1.5), random_state=0).fit_resample(X, y)
    expected = [counts[0]] + [c + int(np.floor(1.5 * (counts[0] - c) + 0.5)) for c in counts[1:]]
    assert np.bincount(y_res).tolist() == expected
    s = SMOTE(sampling_strategy="minority", random_state=0)
    _, y_res = s.fit_resample(X, y)
    assert list(s.generators_) == [2]
    assert np.bincount(y_res).tolist() == [counts[0], counts[1], counts[0]]


def test_pipeline_gridsearch_clone(binary_data):
    X, y = binary_data
    pipe = Pipeline([("over", SMOTE(random_state=0)), ("clf", LogisticRegression())])
    search = GridSearchCV(pipe, {"over__k_neighbors": [3, 5],
                                 "over__sampling_strategy": ["auto", Gamma(0.5)]},
                          cv=3, scoring="balanced_accuracy")
    search.fit(X, y)
    assert set(search.best_params_) == {"over__k_neighbors", "over__sampling_strategy"}
    assert search.predict(X).shape == y.shape
    gen_pipe = Pipeline([("over", Oversampler(SMOTEGenerator(k_neighbors=3), random_state=1)),
                         ("clf", LogisticRegression())])
    GridSearchCV(gen_pipe, {"over__generator__k_neighbors": [2, 4]}, cv=3).fit(X, y)
    c = clone(SMOTE(k_neighbors=7, sampling_strategy="gamma:2"))
    assert c.get_params()["k_neighbors"] == 7 and c.get_params()["sampling_strategy"] == "gamma:2"


def test_numpy_integer_array_rounded_not_truncated():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 10, size=(100, 3)).astype(np.int32)
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    s = SMOTE(random_state=0)
    X_res, y_res = s.fit_resample(X, y)
    assert X_res.dtype == np.int32 and y_res.dtype == y.dtype
    # recompute the float synthetic rows and check rounding
    gen = s.generators_[1]
    from synthaug._random import to_entropy
    from synthaug.sampler import _derived_seed

    floats, _ = gen.sample_encoded(60, random_state=_derived_seed(to_entropy(0), 2, 0))
    np.testing.assert_array_equal(X_res[100:], np.rint(floats).astype(np.int32))
    assert (np.abs(floats - np.trunc(floats)) > 0.5).any()  # truncation would differ


def test_pandas_round_trip_keeps_names_dtypes_and_categories(mixed_frame):
    X, y = mixed_frame
    X.index = pd.RangeIndex(100, 100 + len(X))
    y.index = X.index
    s = SMOTE(random_state=0)
    X_res, y_res = s.fit_resample(X, y)
    assert list(X_res.columns) == list(X.columns)
    assert list(X_res.dtypes) == list(X.dtypes)
    assert isinstance(X_res["colour"].dtype, pd.CategoricalDtype)
    assert list(X_res["colour"].cat.categories) == list(X["colour"].cat.categories)
    assert set(X_res["city"]) <= set(X["city"])
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert y_res.value_counts().tolist() == [(y == 0).sum()] * 2
    # index policy: originals keep labels, synthetic rows continue the integer index
    assert X_res.index[: len(X)].equals(X.index)
    assert X_res.index[len(X)] == X.index.max() + 1 and X_res.index.is_unique
    assert y_res.index.equals(X_res.index)
    # the synthetic ages are whole numbers within the class range
    ages = X_res["age"].to_numpy()[len(X):]
    minority_ages = X.loc[y == 1, "age"]
    assert ages.min() >= minority_ages.min() and ages.max() <= minority_ages.max()


def test_categorical_value_is_the_neighbours_majority(mixed_frame):
    X, y = mixed_frame
    s = SMOTE(k_neighbors=4, random_state=3)
    X_res, _ = s.fit_resample(X, y)
    gen = s.generators_[1]
    # Re-draw the seeds of the chunk and check each categorical value is the vote
    from synthaug._random import chunk_streams, to_entropy
    from synthaug.sampler import _derived_seed

    n_new = s.n_synthetic_
    _, _, rng = next(chunk_streams(to_entropy(_derived_seed(to_entropy(3), 2, 0)), n_new,
                                   gen.chunk_size))
    seeds = rng.integers(0, len(gen.seeds_), gen.chunk_size)[:n_new]
    codec = gen.codec_
    _, cat = codec.encode(X[y == 1])
    for c, name in enumerate(["colour", "city"]):
        voted = majority_vote(cat[gen.vote_neighbors_[seeds], c])
        expected = codec.categories_[c][voted]
        np.testing.assert_array_equal(X_res[name].to_numpy()[len(X):].astype(object), expected)


def test_majority_vote_ties_go_to_nearest():
    codes = np.array([[2, 1, 1, 2, 3], [0, 1, 2, 3, 4], [4, 4, 4, 1, 1]])
    assert majority_vote(codes).tolist() == [2, 0, 4]


def test_categorical_features_by_name_index_mask(mixed_frame):
    X, y = mixed_frame
    num = X[["age", "income"]].assign(code=np.arange(len(X)) % 3)
    for spec in (["code"], [2], [False, False, True]):
        codec = TableCodec(spec).fit(num)
        assert codec.categorical_mask_.tolist() == [False, False, True]
    with pytest.raises(UnknownColumnError, match="nope"):
        SMOTE(categorical_features=["nope"]).fit_resample(num, y)
    with pytest.raises(DataTypeError, match="city"):
        SMOTE(categorical_features=["colour"]).fit_resample(X, y)


def test_bad_inputs_raise_named_errors(binary_data):
    X, y = binary_data
    Xn = X.copy()
    Xn[0, 0] = np.inf
    with pytest.raises(InvalidInputError, match="infinite"):
        SMOTE().fit_resample(Xn, y)
    with pytest.raises(InvalidInputError, match="only 1 class"):
        SMOTE().fit_resample(X, np.ones(len(y)))
    few = np.r_[np.zeros(len(y) - 4, int), np.ones(4, int)]
    with pytest.raises(NotEnoughSamplesError, match="has 4 rows"):
        SMOTE().fit_resample(X, few)
    with pytest.raises(SamplingStrategyError, match="remove rows"):
        SMOTE(sampling_strategy={1: 3}).fit_resample(X, y)
    with pytest.raises(InvalidInputError, match="rows but y has"):
        SMOTE().fit_resample(X, y[:-1])
    with pytest.raises(InvalidInputError, match="2-dimensional"):
        SMOTE().fit_resample(X[:, 0], y)
    frame = pd.DataFrame({"a": np.arange(len(y), dtype=float),
                          "when": pd.date_range("2020", periods=len(y))})
    with pytest.raises(DataTypeError, match="when"):
        SMOTE().fit_resample(frame, y)


def test_top_level_api():
    assert synthaug.__version__
    assert synthaug.resolve_counts(np.r_[np.zeros(5), np.ones(2)], "balance") == {1: 3}


def test_imblearn_conventions(binary_data):
    """imbalanced-learn recognises the samplers, and types round-trip as it returns them."""
    from imblearn.base import is_sampler
    from imblearn.over_sampling.base import BaseOverSampler
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    from synthaug.exceptions import NotFittedError

    X, y = binary_data
    s = SMOTE(random_state=0)
    assert is_sampler(s) and isinstance(s, BaseOverSampler)
    X_l, y_l = s.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_l, list) and isinstance(y_l, list)
    np.testing.assert_allclose(X_l, SMOTE(random_state=0).fit_resample(X, y)[0])
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    X_f, y_s = s.fit_resample(frame, pd.Series(y, name="t"))
    assert isinstance(y_s, pd.Series) and y_s.name == "t"
    assert (y_s.index == X_f.index).all()
    _, y_f = s.fit_resample(frame, pd.DataFrame({"t": y}))
    assert isinstance(y_f, pd.DataFrame) and list(y_f.columns) == ["t"]
    _, y_a = s.fit_resample(frame, y)  # numpy y stays numpy even with a DataFrame X
    assert isinstance(y_a, np.ndarray) and y_a.dtype == y.dtype
    assert s.n_features_in_ == X.shape[1]
    assert list(s.get_feature_names_out()) == list(frame.columns)
    with pytest.raises(SklearnNotFittedError):
        SMOTEGenerator().sample(3)
    assert issubclass(NotFittedError, SklearnNotFittedError)
