"""Per-sample scores and Hessians of the supported models, at their fitted parameters.

The VTSS diagnostics need, for a fitted model and rows ``(x_i, y_i)``, the score
``s_i = grad loss`` and the Hessian ``h_i`` of the loss with respect to the parameters:

* logistic regression (also as the last step of a Pipeline: the features are the output of
  every earlier step), ``z = [features, 1]`` with an intercept:
  ``s_i = (p_i - y_i) z_i``, ``h_i = p_i (1 - p_i) z_i z_i^T``;
* squared loss without intercept (a linear regressor fitted to numeric labels):
  ``s_i = 2 (x_i^T theta - y_i) x_i``, ``h_i = 2 x_i x_i^T`` (the centred variant is the
  same with labels ``y - 1/2``, see ``symmetry_test(centered=True)``);
* an MLP classifier, by the last-layer linearisation: the last hidden layer's activations
  (with a 1 appended) are fixed features and the logistic formulas apply to the output
  layer.

:func:`score_model` picks the right one; an unsupported model is an error that lists the
supported ones. Only per-class means and covariances are needed, so Hessians are returned
as their (weighted) mean, never as an ``(n, p, p)`` array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline

from synthaug.exceptions import InvalidParameterError

__all__ = ["SUPPORTED", "ScoreModel", "check_supported", "final_step", "score_model"]

SUPPORTED = ("LogisticRegression (alone or last in a Pipeline)",
             "MLPClassifier (last-layer linearisation)",
             "LinearRegression / Ridge without intercept (squared loss)")


def final_step(estimator: Any) -> Any:
    """The last step of a Pipeline, or the estimator itself."""
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def _features(estimator: Any, X: np.ndarray) -> np.ndarray:
    if isinstance(estimator, Pipeline):
        for _, step in estimator.steps[:-1]:
            if step is not None and step != "passthrough":
                X = step.transform(X)
    return np.asarray(X, dtype=np.float64)


@dataclass
class ScoreModel:
    """Scores and Hessians of one fitted model.

    Attributes
    ----------
    kind : {"logistic", "squared", "mlp"}
    n_params : int
        The parameter dimension ``p`` (the degrees of freedom of the Wald test).
    """

    estimator: Any
    kind: str

    def design(self, X: np.ndarray) -> np.ndarray:
        """The matrix ``z`` whose rows enter the score formulas."""
        last = final_step(self.estimator)
        F = _features(self.estimator, X)
        if self.kind == "mlp":
            F = _last_hidden(last, F)
            return np.hstack([F, np.ones((F.shape[0], 1))])
        if self.kind == "logistic" and last.fit_intercept:
            return np.hstack([F, np.ones((F.shape[0], 1))])
        return F

    @property
    def n_params(self) -> int:
        last = final_step(self.estimator)
        if self.kind == "mlp":
            return last.coefs_[-1].shape[0] + 1
        n = last.coef_.reshape(-1).shape[0] if self.kind == "squared" else last.coef_.shape[1]
        return n + int(self.kind == "logistic" and last.fit_intercept)

    def _residual_and_curvature(self, X: np.ndarray, y: np.ndarray
                                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = self.design(X)
        y = np.asarray(y, dtype=np.float64)
        last = final_step(self.estimator)
        if self.kind == "squared":
            pred = z @ last.coef_.reshape(-1)
            return z, 2.0 * (pred - y), np.full(len(y), 2.0)
        if self.kind == "mlp":
            logits = z[:, :-1] @ last.coefs_[-1][:, 0] + last.intercepts_[-1][0]
            p = 1.0 / (1.0 + np.exp(-logits))
        else:
            p = self.estimator.predict_proba(X)[:, 1]
        return z, p - y, p * (1.0 - p)

    def scores(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-sample scores, shape ``(n, p)``."""
        z, r, _ = self._residual_and_curvature(X, y)
        return r[:, None] * z

    def mean_hessian(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mean of the per-sample Hessians over the rows given, shape ``(p, p)``."""
        z, _, c = self._residual_and_curvature(X, y)
        return (z * c[:, None]).T @ z / max(len(z), 1)


def _last_hidden(mlp: MLPClassifier, X: np.ndarray) -> np.ndarray:
    """Activations of the last hidden layer of a fitted MLPClassifier."""
    act = {"relu": lambda a: np.maximum(a, 0), "tanh": np.tanh,
           "logistic": lambda a: 1.0 / (1.0 + np.exp(-a)), "identity": lambda a: a}[
        mlp.activation]
    A = X
    for W, b in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1]):
        A = act(A @ W + b)
    return A


def check_supported(estimator: Any) -> None:
    """Raise :class:`InvalidParameterError` before any fitting when ``estimator`` (fitted
    or not) is not one of :data:`SUPPORTED`."""
    last = final_step(estimator)
    if not isinstance(last, (LogisticRegression, MLPClassifier, LinearRegression, Ridge)):
        raise InvalidParameterError(
            f"{type(last).__name__} has no supported score for the VTSS diagnostics; "
            f"supported: {'; '.join(SUPPORTED)}.")


def score_model(estimator: Any) -> ScoreModel:
    """The :class:`ScoreModel` of a fitted estimator.

    Raises
    ------
    InvalidParameterError
        When the model has no supported score (the message lists the supported ones).
    """
    last = final_step(estimator)
    if isinstance(last, LogisticRegression):
        if getattr(last, "classes_", np.array([0, 1])).shape[0] != 2:
            raise InvalidParameterError("The VTSS diagnostics are for binary problems.")
        return ScoreModel(estimator, "logistic")
    if isinstance(last, MLPClassifier):
        return ScoreModel(estimator, "mlp")
    if isinstance(last, (LinearRegression, Ridge)):
        if last.fit_intercept:
            raise InvalidParameterError(
                "The squared-loss scores are for a linear model without intercept "
                "(fit_intercept=False).")
        return ScoreModel(estimator, "squared")
    raise InvalidParameterError(
        f"{type(last).__name__} has no supported score for the VTSS diagnostics; supported: "
        f"{'; '.join(SUPPORTED)}.")
