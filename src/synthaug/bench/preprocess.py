"""The bench's preprocessing of one fold, in one place.

Everything is fitted on the fold's training part only:

* **All-numeric data** (every bundled dataset; a file without categorical columns): a
  ``StandardScaler`` is fitted on the training part *before* resampling, so that the
  generators' neighbours are found in standardised units; the generators and the
  classifier see the same scaled matrix.
* **Data with categorical columns** (a user's mixed table): the generators see the
  original columns (categories stay categories, SMOTENC-style; integer columns stay
  whole), and *after* resampling a ``ColumnTransformer`` (``StandardScaler`` on the
  numeric columns, ``OneHotEncoder(handle_unknown="ignore")`` on the categorical ones) is
  fitted on the resampled training part and turns both parts into numbers for the
  classifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["FoldPreprocessing", "take_rows"]


def take_rows(X: Any, index: np.ndarray) -> Any:
    """Rows ``index`` of a matrix or a DataFrame (a DataFrame gets a fresh index)."""
    if hasattr(X, "iloc"):
        return X.iloc[index].reset_index(drop=True)
    return X[index]


class FoldPreprocessing:
    """Scale before resampling (all-numeric data) or encode after it (mixed data).

    Parameters
    ----------
    categorical : sequence of str
        The categorical columns of the table; empty for all-numeric data.
    """

    def __init__(self, categorical: Sequence[str] = ()) -> None:
        self.categorical = list(categorical)

    @property
    def mixed(self) -> bool:
        """Whether the data has categorical columns."""
        return bool(self.categorical)

    def before_resampling(self, X_train: Any, X_test: Any) -> tuple[Any, Any]:
        """What the generators see: scaled matrices, or the tables as they are."""
        if self.mixed:
            return X_train, X_test
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test)

    def for_classifier(self, X_train: Any, X_test: Any) -> tuple[Any, Any]:
        """What the classifier sees: the matrices unchanged, or the tables scaled and
        one-hot encoded by a transformer fitted on the (resampled) training part."""
        if not self.mixed:
            return X_train, X_test
        encoder = self._column_transformer(X_train).fit(X_train)
        return encoder.transform(X_train), encoder.transform(X_test)

    def _column_transformer(self, X_train: Any) -> Any:
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        numeric = [c for c in X_train.columns if str(c) not in set(self.categorical)]
        categorical = [c for c in X_train.columns if str(c) in set(self.categorical)]
        return ColumnTransformer(
            [("numeric", StandardScaler(), numeric),
             ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
              categorical)],
            remainder="drop")
