"""Stability of KOTARO's tuned threshold, and the calibration of its probabilities.

Prints one JSON document (and writes it to benchmarks/results/kotaro_threshold.json):

* ``spread``: on each bundled dataset, the rows are cut into 3 stratified outer folds
  (``StratifiedKFold(3, shuffle=True, random_state=0)``). On each outer training part
  KOTARO is fitted 10 times, with ``random_state=0..9``, for each setting:

  - ``former_default``: ``KOTARO(cv=None, threshold_smoothing=0)``, one stratified 20 %
    hold-out and the plain balanced-accuracy maximum (the default before the threshold
    was cross-validated);
  - ``cv5_unsmoothed``: ``KOTARO(threshold_smoothing=0)``, out-of-fold values of all rows
    from 5 stratified folds, plain maximum;
  - ``default``: ``KOTARO()``, 5 folds and the kernel-smoothed maximum.

  Settings that the installed KOTARO does not accept are left out, so the script also
  runs against older versions (``former_default`` is then ``KOTARO(cv=None)``).

  Reported per setting: the standard deviation and the range of ``threshold_`` over the 10
  fits (mean over the outer folds), the mean and the smallest pairwise agreement of the 10
  fits' predictions on the outer test rows, the test balanced accuracy (mean and standard
  deviation over the fits), and whether two fits with ``random_state=None`` predicted
  identically.
* ``calibration``: ``StratifiedKFold(5, shuffle=True, random_state=0)`` outer folds; the
  probabilities on the test rows of all folds are pooled. Compared:

  - ``kotaro``: ``KOTARO().predict_proba``;
  - ``sklearn_sigmoid`` / ``sklearn_isotonic``: scikit-learn's
    ``CalibratedClassifierCV(KOTARO(threshold=0.0, calibration=None), cv=5,
    ensemble=False)``: the same kernel expansion (its decision values are ``f`` itself),
    calibrated on its out-of-fold values and refitted on all rows, with Platt's sigmoid
    (free intercept) or isotonic regression;
  - ``sklearn_sigmoid_balanced`` / ``sklearn_isotonic_balanced``: the same, with the
    calibrator fitted under ``compute_sample_weight("balanced")`` weights, i.e. for equal
    class priors, the prior that KOTARO's balanced-accuracy threshold assumes.

  Metrics: Brier score and log loss (the data's own class frequencies), their
  class-balanced forms (``synthaug.metrics.balanced_brier`` / ``balanced_log_loss``: each
  class weighs the same), the expected calibration error (10 quantile bins; ``ece``
  plain, ``balanced_ece`` with balanced weights), ROC AUC and average precision, and the
  share of rows where ``argmax(predict_proba)`` equals ``KOTARO().predict``.
* ``blobs``: scikit-learn's ``check_classifiers_train`` data (two of three
  ``make_blobs(n_samples=300, random_state=0)`` centres, shuffled with
  ``random_state=7``, standardised): the fitted ``calibration_coef_``, the out-of-fold
  balanced accuracy, the training accuracy and the agreement of ``argmax(predict_proba)``
  with ``predict``.

Usage: ``python benchmarks/bench_kotaro_threshold.py [--quick] [--out PATH]``
(``--quick``: one dataset, 3 fits, writes nothing).
"""

from __future__ import annotations

import argparse
import itertools
import platform
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from _common import write_report  # same directory
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_blobs
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle
from sklearn.utils.class_weight import compute_sample_weight

import synthaug
from synthaug.classifiers import KOTARO
from synthaug.datasets import load_dataset
from synthaug.metrics import balanced_brier, balanced_log_loss

DATASETS = ("yeast4", "ecoli1", "glass1")
SETTINGS = {"former_default": {"cv": None, "threshold_smoothing": 0.0},
            "cv5_unsmoothed": {"cv": 5, "threshold_smoothing": 0.0},
            "default": {}}


def _settings() -> dict[str, dict[str, Any]]:
    """The settings the installed KOTARO accepts (older versions lack some parameters)."""
    if "threshold_smoothing" in KOTARO().get_params():
        return SETTINGS
    # before the smoothing: always the plain maximum, and cv=None was the default
    return {"former_default": {"cv": None}, "cv5_unsmoothed": {"cv": 5}}


def _fit(X: np.ndarray, y: np.ndarray, **kw: Any) -> KOTARO:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return KOTARO(**kw).fit(X, y)


def spread(name: str, n_fits: int) -> dict[str, Any]:
    X, y = load_dataset(name)
    out: dict[str, Any] = {"n": len(y), "n_minority": int(np.bincount(y).min())}
    outer = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    for setting, kw in _settings().items():
        stds, ranges, agree_mean, agree_min, bacc_mean, bacc_std, none_same = ([] for _ in
                                                                              range(7))
        start = time.perf_counter()
        for tr, te in outer:
            fits = [_fit(X[tr], y[tr], random_state=s, **kw) for s in range(n_fits)]
            thr = np.array([m.threshold_ for m in fits])
            preds = [m.predict(X[te]) for m in fits]
            pairs = [np.mean(a == b) for a, b in itertools.combinations(preds, 2)]
            baccs = [balanced_accuracy_score(y[te], p) for p in preds]
            stds.append(float(thr.std()))
            ranges.append(float(thr.max() - thr.min()))
            agree_mean.append(float(np.mean(pairs)))
            agree_min.append(float(np.min(pairs)))
            bacc_mean.append(float(np.mean(baccs)))
            bacc_std.append(float(np.std(baccs)))
            a, b = (_fit(X[tr], y[tr], random_state=None, **kw) for _ in range(2))
            none_same.append(bool(np.array_equal(a.predict(X[te]), b.predict(X[te]))))
        out[setting] = {
            "threshold_std": float(np.mean(stds)), "threshold_range": float(np.mean(ranges)),
            "pairwise_agreement_mean": float(np.mean(agree_mean)),
            "pairwise_agreement_min": float(np.min(agree_min)),
            "test_balanced_accuracy_mean": float(np.mean(bacc_mean)),
            "test_balanced_accuracy_std_over_fits": float(np.mean(bacc_std)),
            "random_state_none_identical": all(none_same),
            "seconds": round(time.perf_counter() - start, 2),
        }
    return out


def _ece(y: np.ndarray, p: np.ndarray, w: np.ndarray, bins: int = 10) -> float:
    """Weighted expected calibration error over quantile bins of ``p``."""
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            wb = w[sel]
            total += wb.sum() * abs(np.average(y[sel], weights=wb) -
                                    np.average(p[sel], weights=wb))
    return float(total / w.sum())


def _scores(y: np.ndarray, p: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    ones = np.ones_like(p)
    bal = compute_sample_weight("balanced", y)
    P = np.column_stack([1 - p, p])
    return {
        "brier": float(brier_score_loss(y, p)), "balanced_brier": balanced_brier(y, P),
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15))),
        "balanced_log_loss": balanced_log_loss(y, P),
        "ece": _ece(y, p, ones), "balanced_ece": _ece(y, p, bal),
        "roc_auc": float(roc_auc_score(y, p)),
        "average_precision": float(average_precision_score(y, p)),
        "argmax_equals_kotaro_predict": float(np.mean((p > 0.5) == (pred == 1))),
    }


def calibration(name: str) -> dict[str, Any]:
    X, y = load_dataset(name)
    n = len(y)
    probs: dict[str, np.ndarray] = {}
    pred = np.empty(n, dtype=y.dtype)
    start = time.perf_counter()
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        m = _fit(X[tr], y[tr], random_state=0)
        pred[te] = m.predict(X[te])
        probs.setdefault("kotaro", np.empty(n))[te] = m.predict_proba(X[te])[:, 1]
        for method, balanced in itertools.product(("sigmoid", "isotonic"), (False, True)):
            key = f"sklearn_{method}" + ("_balanced" if balanced else "")
            cal = CalibratedClassifierCV(KOTARO(threshold=0.0, calibration=None),
                                         method=method, cv=5, ensemble=False)
            sw = compute_sample_weight("balanced", y[tr]) if balanced else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # KOTARO.fit takes no sample_weight
                cal.fit(X[tr], y[tr], sample_weight=sw)
            probs.setdefault(key, np.empty(n))[te] = cal.predict_proba(X[te])[:, 1]
    out: dict[str, Any] = {"n": n, "minority_share": float(np.mean(y == 1)),
                           "seconds": round(time.perf_counter() - start, 2)}
    out.update({k: _scores(y, p, pred) for k, p in probs.items()})
    return out


def blobs() -> dict[str, Any]:
    X, y = make_blobs(n_samples=300, random_state=0)
    X, y = shuffle(X, y, random_state=7)
    X, y = X[y != 2], y[y != 2]
    X = StandardScaler().fit_transform(X)
    m = _fit(X, y)
    p = m.predict_proba(X)
    return {"calibration_coef": [float(v) for v in np.atleast_1d(m.calibration_coef_)],
            "threshold": float(m.threshold_),
            "out_of_fold_balanced_accuracy": m.validation_balanced_accuracy_,
            "train_accuracy": float(np.mean(m.predict(X) == y)),
            "argmax_proba_equals_predict": float(np.mean(m.classes_[p.argmax(1)] ==
                                                         m.predict(X))),
            "proba_range": [float(p[:, 1].min()), float(p[:, 1].max())]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one dataset, 3 fits")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" /
                                             "kotaro_threshold.json"))
    args = parser.parse_args()
    names = DATASETS[:1] if args.quick else DATASETS
    n_fits = 3 if args.quick else 10
    report: dict[str, Any] = {
        "versions": {"synthaug": synthaug.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__, "sklearn": sklearn.__version__,
                     "python": platform.python_version()},
        "quick": args.quick, "n_fits": n_fits,
        "spread": {name: spread(name, n_fits) for name in names},
        "calibration": {name: calibration(name) for name in names},
        "blobs": blobs(),
    }
    write_report(report, args.out, save=not args.quick)


if __name__ == "__main__":
    main()
