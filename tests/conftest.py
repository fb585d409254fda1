import numpy as np
import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def binary_data():
    X, y = make_classification(n_samples=400, n_features=5, n_informative=3, n_redundant=0,
                               weights=[0.85], flip_y=0.02, class_sep=0.8, random_state=0)
    return X, y


@pytest.fixture
def multiclass_data():
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, n_classes=3,
                               weights=[0.7, 0.2, 0.1], random_state=1)
    return X, y


@pytest.fixture
def mixed_frame():
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 300
    y = (rng.random(n) < 0.2).astype(int)
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(np.int64),
        "income": rng.normal(50, 10, n) + 5 * y,
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
        "city": pd.Series(rng.choice(["a", "b", "c", "d"], n), dtype="str"),
    })
    return frame, pd.Series(y, name="label")
