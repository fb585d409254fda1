"""Classifiers of the bench, by short name, and how each takes class weights.

Short names: ``logreg``, ``knn``, ``tree``, ``hgb`` (histogram gradient boosting), ``svm``
(RBF kernel), ``mlp`` and ``kotaro`` (synthaug's adaptive-bandwidth kernel classifier; with
the method ``none`` it is KOTARO as a no-synthesis remedy); any scikit-learn classifier is
also accepted by import path (``sklearn.ensemble.RandomForestClassifier``).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from sklearn.base import is_classifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from synthaug.exceptions import UnknownMethodError

__all__ = ["CLASSIFIERS", "class_weight_mode", "make_classifier"]

CLASSIFIERS: dict[str, Callable[[int], Any]] = {
    "logreg": lambda seed: LogisticRegression(max_iter=1000),
    "knn": lambda seed: KNeighborsClassifier(n_neighbors=5),
    "tree": lambda seed: DecisionTreeClassifier(random_state=seed),
    "hgb": lambda seed: HistGradientBoostingClassifier(random_state=seed),
    "svm": lambda seed: SVC(kernel="rbf", probability=True, random_state=seed),
    "mlp": lambda seed: MLPClassifier(hidden_layer_sizes=(64,), max_iter=500,
                                      random_state=seed),
    "kotaro": lambda seed: _kotaro(seed),
}


def _kotaro(seed: int) -> Any:
    from synthaug.classifiers import KOTARO

    return KOTARO(random_state=seed)


def make_classifier(name: str, random_state: int = 0) -> Any:
    """A fresh classifier for a short name or an import path.

    Raises
    ------
    UnknownMethodError
        For an unknown short name or a path that is not a scikit-learn classifier.
    """
    if name in CLASSIFIERS:
        return CLASSIFIERS[name](random_state)
    if "." in name:
        module_name, _, attr = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise UnknownMethodError(f"Cannot import classifier {name!r}: {exc}") from None
        est = cls()
        if not is_classifier(est):
            raise UnknownMethodError(f"{name} is not a scikit-learn classifier.")
        if "random_state" in est.get_params():
            est.set_params(random_state=random_state)
        return est
    raise UnknownMethodError(
        f"Unknown classifier {name!r}. Known: {', '.join(CLASSIFIERS)}, or an import path "
        "such as sklearn.ensemble.RandomForestClassifier.")


def class_weight_mode(estimator: Any) -> str | None:
    """How ``estimator`` can weight classes: ``"param"`` (a ``class_weight`` parameter),
    ``"sample_weight"`` (its ``fit`` takes sample weights), or None (not applicable)."""
    if "class_weight" in estimator.get_params():
        return "param"
    if "sample_weight" in inspect.signature(estimator.fit).parameters:
        return "sample_weight"
    return None
