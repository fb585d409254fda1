"""Balancing by weight: how a size search fits a classifier with balanced class weights.

The reweighting search (``VTSS(reweight=True)``, ``TGVTSS(reweight=True)``) fits every
candidate on the real rows plus its synthetic rows with the weights
``compute_sample_weight("balanced", y_augmented)``: each class then carries the same total
weight, so every candidate is balanced in effective weight. Synthetic rows close part of
the gap and the weights close the rest; with no synthetic rows this is exactly
``class_weight="balanced"``, and at full balance every weight is 1.

A classifier takes the weights through its ``fit(..., sample_weight=...)`` (also as the
last step of a :class:`~sklearn.pipeline.Pipeline`, routed as ``<step>__sample_weight``),
or, when its ``fit`` has no ``sample_weight``, through a ``class_weight="balanced"``
parameter, which computes the same weights from the labels it is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import has_fit_parameter

from synthaug.exceptions import InvalidParameterError

__all__ = ["BalancedWeights", "WeightRoute", "weight_route"]


class WeightRoute:
    """How one classifier receives balanced weights: as a fit argument or a parameter.

    Attributes
    ----------
    kind : {"sample_weight", "class_weight"}
    name : str
        The fit argument (``sample_weight`` or ``<step>__sample_weight``) or the parameter
        (``class_weight`` or ``<step>__class_weight``).
    """

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name

    def prepare(self, estimator: Any) -> Any:
        """Set ``class_weight="balanced"`` on ``estimator`` when that is the route; return
        it."""
        if self.kind == "class_weight":
            estimator.set_params(**{self.name: "balanced"})
        return estimator

    def fit(self, estimator: Any, X: np.ndarray, y: np.ndarray) -> Any:
        """Fit ``estimator`` (already :meth:`prepare`-d) with balanced class weights."""
        if self.kind == "sample_weight":
            return estimator.fit(X, y, **{self.name: compute_sample_weight("balanced", y)})
        return estimator.fit(X, y)


def weight_route(estimator: Any) -> WeightRoute:
    """The :class:`WeightRoute` of ``estimator`` (a classifier or a Pipeline ending in one).

    Raises
    ------
    InvalidParameterError
        When the classifier's ``fit`` takes no ``sample_weight`` and it has no
        ``class_weight`` parameter (for example ``KNeighborsClassifier``).
    """
    last, prefix = estimator, ""
    if isinstance(estimator, Pipeline):
        step, last = estimator.steps[-1]
        prefix = f"{step}__"
    if has_fit_parameter(last, "sample_weight"):
        return WeightRoute("sample_weight", prefix + "sample_weight")
    if "class_weight" in last.get_params():
        return WeightRoute("class_weight", prefix + "class_weight")
    raise InvalidParameterError(
        f"reweight=True balances every candidate with class weights, but "
        f"{type(last).__name__} takes neither sample_weight in fit nor a class_weight "
        "parameter; use reweight=False (synthetic rows only) or another classifier.")


class BalancedWeights(ClassifierMixin, BaseEstimator):
    """A classifier fitted with balanced class weights, whatever route it takes them by.

    ``fit`` clones ``estimator`` and fits it through its :class:`WeightRoute` (the
    ``sample_weight`` of ``compute_sample_weight("balanced", y)``, or
    ``class_weight="balanced"``), so a classifier whose weights go through ``fit`` can sit
    in a pipeline or a threshold search like any other.

    Parameters
    ----------
    estimator : classifier (or Pipeline ending in one)

    Attributes
    ----------
    estimator_ : the fitted classifier
    classes_ : ndarray
    """

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def fit(self, X: Any, y: Any) -> BalancedWeights:
        route = weight_route(self.estimator)
        self.estimator_ = route.fit(route.prepare(clone(self.estimator)), X, y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X: Any) -> np.ndarray:
        return self.estimator_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.estimator_.predict_proba(X)
