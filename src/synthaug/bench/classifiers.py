"""Classifiers of the bench, by short name, and how each takes class weights.

Short names: ``logreg``, ``knn``, ``tree``, ``hgb`` (histogram gradient boosting), ``svm``
(RBF kernel), ``mlp``, ``kotaro`` (synthaug's adaptive-bandwidth kernel classifier; with
the method ``none`` it is KOTARO as a no-synthesis remedy) and ``imbmlp`` (synthaug's
imbalance-aware MLP: SAM-A, class-conditional label smoothing, batch size from the
imbalance ratio; needs torch); any scikit-learn classifier is
also accepted by import path (``sklearn.ensemble.RandomForestClassifier``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from sklearn.base import BaseEstimator, is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from synthaug._imports import import_class
from synthaug.exceptions import UnknownMethodError

__all__ = ["CLASSIFIERS", "class_weight_mode", "classifier_class", "make_classifier"]

CLASSIFIERS: dict[str, Callable[[int], Any]] = {
    "logreg": lambda seed: LogisticRegression(max_iter=1000),
    "knn": lambda seed: KNeighborsClassifier(n_neighbors=5),
    "tree": lambda seed: DecisionTreeClassifier(random_state=seed),
    "hgb": lambda seed: HistGradientBoostingClassifier(random_state=seed),
    "svm": lambda seed: SVC(kernel="rbf", probability=True, random_state=seed),
    "mlp": lambda seed: MLPClassifier(hidden_layer_sizes=(64,), max_iter=500,
                                      random_state=seed),
    "kotaro": lambda seed: _kotaro(seed),
    "imbmlp": lambda seed: _imbalanced_mlp(seed),
}


def _kotaro(seed: int) -> Any:
    from synthaug.classifiers import KOTARO

    return KOTARO(random_state=seed)


def _imbalanced_mlp(seed: int) -> Any:
    from synthaug.classifiers import ImbalancedMLPClassifier
    from synthaug.deep import require_torch

    require_torch('the classifier "imbmlp"')
    return ImbalancedMLPClassifier(random_state=seed)


def make_classifier(name: str, random_state: int = 0) -> Any:
    """A fresh classifier for a short name or an import path.

    Raises
    ------
    UnknownMethodError
        For an unknown short name or a path that is not a scikit-learn classifier class
        (see :func:`classifier_class`).
    """
    if name in CLASSIFIERS:
        return CLASSIFIERS[name](random_state)
    if isinstance(name, str) and "." in name.strip(".") and all(
            part.isidentifier() for part in name.split(".")):
        est = _build(name, classifier_class(name))
        if "random_state" in est.get_params():
            est.set_params(random_state=random_state)
        return est
    raise UnknownMethodError(
        f"Unknown classifier {name!r}. Known: {', '.join(CLASSIFIERS)}, or an import path "
        "such as sklearn.ensemble.RandomForestClassifier.")


def classifier_class(path: str) -> type:
    """The scikit-learn classifier class at the import path ``path``.

    Raises
    ------
    UnknownMethodError
        When the path cannot be imported, or names something that is not a scikit-learn
        estimator class with ``fit`` and ``predict`` (the message says what it is).
    """
    found = import_class(path, what="classifier",
                         example="sklearn.ensemble.RandomForestClassifier")
    missing = [m for m in ("fit", "predict", "get_params") if not callable(
        getattr(found, m, None))]
    if not issubclass(found, BaseEstimator) or missing:
        lacks = f" (it has no {', '.join(missing)})" if missing else ""
        raise UnknownMethodError(
            f"{path} is a class but not a scikit-learn estimator{lacks}; a classifier "
            "subclasses sklearn.base.BaseEstimator and has fit and predict.")
    return found


def _build(path: str, cls: type) -> Any:
    try:
        est = cls()
    except TypeError as exc:
        raise UnknownMethodError(
            f"{path} cannot be built without arguments ({exc}); the bench builds each "
            "classifier with its defaults.") from None
    if not is_classifier(est):
        raise UnknownMethodError(
            f"{path} is a scikit-learn estimator but not a classifier (a regressor or a "
            "transformer?); the bench needs a classifier.")
    return est


def class_weight_mode(estimator: Any) -> str | None:
    """How ``estimator`` can weight classes: ``"param"`` (a ``class_weight`` parameter),
    ``"sample_weight"`` (its ``fit`` takes sample weights), or None (not applicable)."""
    if "class_weight" in estimator.get_params():
        return "param"
    if "sample_weight" in inspect.signature(estimator.fit).parameters:
        return "sample_weight"
    return None
