"""Bias-corrected training on real data: one handwritten digit against the rest.

Design
------
* Data: scikit-learn's bundled 8x8 digits (``sklearn.datasets.load_digits``: 1797 images,
  64 pixel intensities 0-16, about 180 per digit; no download). One digit is the minority
  (label 1), the other nine the majority (label 0). Default digits: 8 and 9, the two that a
  linear model separates worst from the rest (measured with ``--separability``:
  class-weighted logistic regression, 5-fold cross-validated on all 1797 rows, balanced
  log loss 0.216 for digit 8 and 0.100 for digit 9, every other digit 0.096 or less;
  balanced accuracy 0.917 for digit 8, 0.963 for digit 9, 0.965 or more for the others).
  An easy digit leaves every method near perfect and little to compare.
* Seed ``s`` of digit ``k``: a split of all 1797 rows, stratified on the ten digits, into a
  training part (70%) and a test part (30%: 540 rows, 52 or 54 of them the minority, the
  natural ratio). The test part is never touched by training and is the same for
  every imbalance ratio of the seed. In the training part the majority (about 1130 rows) is
  kept whole and the minority is cut to ``round(n0 / IR)`` rows for an imbalance ratio
  ``IR`` of 10, 20 and 50 (about 113, 57 and 23 rows), by taking the first rows of one
  random order, so the smaller minorities are subsets of the larger ones. The 70% share
  keeps 23 minority rows at ``IR = 50`` (the script refuses fewer than 8; SMOTE with
  ``k_neighbors = 5`` needs 6) and enough real minority rows (122 or 126) for ``IR = 10``.
* Features: a ``StandardScaler`` fitted on the (cut) training part. Pixels that are constant
  there (the image border) get scale 1 from scikit-learn, so nothing is divided by zero;
  a pixel that is nearly constant in training can take large standardised values on the
  test part (up to about 25), which the ridge keeps in check.
* Methods, all logistic regression with intercept and the same ridge ``C`` (no method is
  tuned); ``C = 1`` (scikit-learn's default, the value a user starts from) is the main
  run, ``C = 0.1`` and ``0.01`` (stronger ridges) show how much the comparison depends on
  it. Every ``C`` uses the same splits and synthetic rows:

  - ``no augmentation``: ``LogisticRegression(C=C)`` on the real rows;
  - ``class weighting``: the same with ``class_weight="balanced"``;
  - ``naive SMOTE``: SMOTE (``k_neighbors = 5``) to full balance, then the plain fit: read
    from the corrected classifier below (``naive_coef_``, ``naive_intercept_``), so the
    naive and the corrected fit share their synthetic rows;
  - ``corrected``: ``BiasCorrectedClassifier(SMOTEGenerator(k_neighbors=5), C=C,
    random_state=s)`` with its defaults (20 majority splits, ``transfer="recentre_sep"``,
    ``scale="auto"``, convexity guard ``"shrink"``).

* Metrics on the test part: balanced log loss (``synthaug.metrics.balanced_log_loss``),
  balanced accuracy (threshold 0.5) and ROC AUC.
* Summary per ``C``, digit, ratio and method: mean over seeds with a 95% confidence interval
  (Student t over seeds), and the paired difference ``corrected - naive SMOTE`` and
  ``corrected - class weighting`` per metric, with its interval and the number of seeds
  where the correction wins (lower loss, higher accuracy or AUC) and ties. The intervals
  describe the spread over random splits of one fixed set of 1797 images, not over new
  data sets. Also the share of fits where the guard shrank the correction scale, the mean
  scale used, the mean fit time per method, and two diagnostics of the corrected fit:
  the norm of its coefficients over the naive fit's (median and largest), and how the
  pseudo-minorities the bias is estimated from differ from the minority: the share of
  each pseudo-minority row's 5 nearest neighbours within its pseudo-minority (the rows
  SMOTE interpolates between) that show the same digit, and their mean distance over the
  same distance within the real minority.

Output: ``experiments/bias_correction/results/digits.json``: the design, the summaries
(keyed by ``C``, digit and ratio), and every seed's metrics, minority size, scale, guard
outcome, diagnostics and fit times.

Run ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 10 python
experiments/bias_correction/digits.py`` (40 seeds, digits 8 and 9, three ``C``: 5 to 11
minutes on one core, depending on load). ``--quick`` runs 2 seeds and writes no file
unless ``--out`` is given; ``--table`` prints the tables of ``docs/bias_correction.md``
from the saved JSON; ``--separability`` prints the per-digit measurement that chose the
default digits.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import stats
from scipy.special import expit
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from synthaug._io import atomic_write, jsonable
from synthaug.correction import BiasCorrectedClassifier
from synthaug.exceptions import SynthaugWarning
from synthaug.generators import SMOTEGenerator
from synthaug.metrics import balanced_accuracy, balanced_log_loss, roc_auc

RESULTS = Path(__file__).resolve().parent / "results"
METHODS = ("no augmentation", "class weighting", "naive SMOTE", "corrected")
#: metric name -> True when larger is better.
METRICS = {"balanced_log_loss": False, "balanced_accuracy": True, "roc_auc": True}
RATIOS = (10, 20, 50)
DIGITS = (8, 9)
C = 1.0
#: Ridge strengths run by default: scikit-learn's default first, then two stronger ridges.
CS = (C, 0.1, 0.01)
TEST_SIZE = 0.3
MIN_MINORITY = 8      # SMOTE with k_neighbors=5 needs 6; keep a margin


def split(digit: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                          np.ndarray, np.ndarray]:
    """``(X_train, y_train, X_test, y_test, minority_order, digits_train)`` of one seed: a
    70/30 split stratified on the ten digits, labels 1 for ``digit``, a random order of the
    training minority rows (positions in ``X_train``) from which each ratio keeps a prefix,
    and the digit of every training row."""
    X, digits = load_digits(return_X_y=True)
    rng = np.random.default_rng([2510, digit, seed])
    train, test = train_test_split(np.arange(len(digits)), test_size=TEST_SIZE,
                                   stratify=digits,
                                   random_state=int(rng.integers(2**31 - 1)))
    y = (digits == digit).astype(int)
    order = rng.permutation(np.flatnonzero(y[train] == 1))
    return X[train], y[train], X[test], y[test], order, digits[train]


def neighbour_structure(X_major: np.ndarray, digits_major: np.ndarray,
                        pseudo: list[np.ndarray], X_minority: np.ndarray,
                        k: int = 5) -> tuple[float, float]:
    """How SMOTE's neighbourhoods in the pseudo-minorities differ from the minority's.

    Returns the share of a pseudo-minority row's ``k`` nearest neighbours (within its
    pseudo-minority ``A_r``, as SMOTE fitted on ``A_r`` sees them) that show the same digit,
    averaged over rows and splits (1 for the real minority, which is one digit), and the
    mean distance to those neighbours divided by the same mean within the minority.
    """
    def knn(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dist, idx = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z)
        return dist[:, 1:], idx[:, 1:]

    same, dist = [], []
    for A in pseudo:
        d, i = knn(X_major[A])
        same.append(np.mean(digits_major[A][i] == digits_major[A][:, None]))
        dist.append(d.mean())
    return float(np.mean(same)), float(np.mean(dist) / knn(X_minority)[0].mean())


def _metrics(y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """Test metrics of the minority probabilities ``proba`` (prediction: ``proba > 0.5``)."""
    return {"balanced_log_loss": balanced_log_loss(y, proba),
            "balanced_accuracy": balanced_accuracy(y, (proba > 0.5).astype(int)),
            "roc_auc": roc_auc(y, proba)}


def one_repetition(digit: int, ratio: int, seed: int, c: float = C) -> dict[str, Any]:
    """Every method's test metrics (and guard outcome, fit times) for one seed and ratio,
    all fits with inverse ridge strength ``c``."""
    X_tr, y_tr, X_te, y_te, order, digits_tr = split(digit, seed)
    majority = np.flatnonzero(y_tr == 0)
    n1 = round(len(majority) / ratio)
    if n1 < MIN_MINORITY or n1 > len(order):
        raise ValueError(f"digit {digit}, ratio {ratio}: {n1} minority rows are needed, "
                         f"{len(order)} are available and at least {MIN_MINORITY} required.")
    keep = np.sort(np.r_[majority, order[:n1]])
    scaler = StandardScaler().fit(X_tr[keep])
    X, y, X_test = scaler.transform(X_tr[keep]), y_tr[keep], scaler.transform(X_te)

    metrics: dict[str, dict[str, float]] = {}
    seconds: dict[str, float] = {}
    for name, weight in (("no augmentation", None), ("class weighting", "balanced")):
        start = time.perf_counter()
        lr = LogisticRegression(C=c, class_weight=weight, max_iter=5000, tol=1e-8).fit(X, y)
        seconds[name] = time.perf_counter() - start
        metrics[name] = _metrics(y_te, lr.predict_proba(X_test)[:, 1])

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = BiasCorrectedClassifier(SMOTEGenerator(k_neighbors=5), C=c,
                                      random_state=seed).fit(X, y)
    seconds["corrected"] = time.perf_counter() - start
    same_digit, distance_ratio = neighbour_structure(
        X[y == 0], digits_tr[keep][y == 0], clf.splits_.pseudo, X[y == 1])
    naive = expit(X_test @ clf.naive_coef_[0] + clf.naive_intercept_[0])
    metrics["naive SMOTE"] = _metrics(y_te, naive)
    metrics["corrected"] = _metrics(y_te, clf.predict_proba(X_test)[:, 1])
    return {"seed": seed, "n_train_majority": len(majority), "n_train_minority": n1,
            "n_test": len(y_te), "n_test_minority": int(y_te.sum()),
            "metrics": metrics, "seconds": seconds,
            "scale_auto": clf.n_synthetic_ / (len(y) + clf.n_synthetic_),
            "scale": clf.scale_, "shrunk": clf.correction_shrunk_,
            "coef_norm": float(np.linalg.norm(clf.coef_)),
            "naive_coef_norm": float(np.linalg.norm(clf.naive_coef_)),
            "min_eigenvalue": clf.min_eigenvalue_,
            "naive_min_eigenvalue": clf.naive_min_eigenvalue_,
            "bias_estimate": clf.bias_estimate_, "bias_estimate_std": clf.bias_estimate_std_,
            "pseudo_same_digit_share": same_digit, "pseudo_neighbour_distance_ratio":
                distance_ratio,
            "convergence_warnings": sum(issubclass(w.category, ConvergenceWarning)
                                        for w in caught),
            "other_warnings": sorted({str(w.message)[:120] for w in caught
                                      if issubclass(w.category, SynthaugWarning)
                                      and "scale was shrunk" not in str(w.message)})}


def _mean_ci(values: np.ndarray) -> dict[str, Any]:
    """Mean and 95% Student-t interval over seeds."""
    n = len(values)
    m = float(values.mean())
    if n < 2:
        return {"mean": m, "ci95": [float("nan"), float("nan")], "se": float("nan"), "n": n}
    se = float(values.std(ddof=1) / np.sqrt(n))
    half = float(stats.t.ppf(0.975, n - 1)) * se
    return {"mean": m, "ci95": [m - half, m + half], "se": se, "n": n}


def _paired(method: np.ndarray, reference: np.ndarray, larger_better: bool) -> dict[str, Any]:
    """``method - reference`` over seeds, with the wins and ties of ``method``."""
    diff = method - reference
    out = _mean_ci(diff)
    out["median"] = float(np.median(diff))
    out["wins"] = int(np.sum(diff > 0 if larger_better else diff < 0))
    out["ties"] = int(np.sum(diff == 0))
    return out


def summarise(reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Per method and metric: mean and CI; per metric: the paired differences of the
    corrected fit against naive SMOTE and class weighting; guard and times."""
    value = {(m, k): np.array([r["metrics"][m][k] for r in reps])
             for m in METHODS for k in METRICS}
    out: dict[str, Any] = {
        "n_train_minority": sorted({r["n_train_minority"] for r in reps}),
        "methods": {m: {k: _mean_ci(value[m, k]) for k in METRICS} for m in METHODS},
        "corrected_minus_naive": {k: _paired(value["corrected", k], value["naive SMOTE", k],
                                             better) for k, better in METRICS.items()},
        "corrected_minus_class_weighting": {
            k: _paired(value["corrected", k], value["class weighting", k], better)
            for k, better in METRICS.items()},
        "guard_shrunk_share": float(np.mean([r["shrunk"] for r in reps])),
        "median_coef_norm_ratio": float(np.median([r["coef_norm"] / r["naive_coef_norm"]
                                                   for r in reps])),
        "max_coef_norm_ratio": float(max(r["coef_norm"] / r["naive_coef_norm"]
                                         for r in reps)),
        "mean_scale": float(np.mean([r["scale"] for r in reps])),
        "mean_scale_auto": float(np.mean([r["scale_auto"] for r in reps])),
        "pseudo_same_digit_share": float(np.mean([r["pseudo_same_digit_share"]
                                                  for r in reps])),
        "pseudo_neighbour_distance_ratio": float(np.mean(
            [r["pseudo_neighbour_distance_ratio"] for r in reps])),
        "convergence_warnings": int(sum(r["convergence_warnings"] for r in reps)),
        "mean_fit_seconds": {m: float(np.mean([r["seconds"][m] for r in reps]))
                             for m in reps[0]["seconds"]},
    }
    for m in METHODS:
        for k in METRICS:
            out["methods"][m][k]["per_seed"] = value[m, k]
    return out


# --------------------------------------------------------------------------- tables


def _cell(entry: dict[str, Any], digits: int = 3, sign: str = "") -> str:
    lo, hi = entry["ci95"]
    return f"{entry['mean']:{sign}.{digits}f} [{lo:{sign}.{digits}f}, {hi:{sign}.{digits}f}]"


def markdown_tables(results: dict[str, Any]) -> str:
    """The tables of ``docs/bias_correction.md`` for one ridge strength (``results`` maps
    digit, then ratio, to a summary): per digit, every method's balanced log loss (BLL)
    and balanced accuracy (BA) by ratio, mean [95% CI]; per digit, the paired differences
    of the corrected fit (mean [95% CI], median, wins out of the seeds); and one table of
    the guard, scale, coefficient growth, neighbourhoods and fit times."""
    parts = []
    for digit, by_ratio in results.items():
        ratios = list(by_ratio)
        seeds = by_ratio[ratios[0]]["methods"]["corrected"]["roc_auc"]["n"]
        head = "| {} | " + " | ".join(
            f"IR {r} ({'/'.join(str(n) for n in by_ratio[r]['n_train_minority'])} rows)"
            for r in ratios) + " |"
        rule = "|---|" + "---|" * len(ratios)
        lines = [f"Digit {digit} against the rest, {seeds} seeds: test BLL and BA, "
                 "mean [95% CI]", "", head.format("method"), rule]
        for m in METHODS:
            cells = [f"BLL {_cell(by_ratio[r]['methods'][m]['balanced_log_loss'])}<br>"
                     f"BA {_cell(by_ratio[r]['methods'][m]['balanced_accuracy'])}"
                     for r in ratios]
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
        lines += ["", f"Digit {digit}: corrected minus reference, mean [95% CI], median, "
                  f"wins of the correction out of {seeds}", "",
                  "| comparison | " + " | ".join(f"IR {r}" for r in ratios) + " |", rule]
        for key, label in (("corrected_minus_naive", "naive SMOTE"),
                           ("corrected_minus_class_weighting", "class weighting")):
            for k, short, digits in (("balanced_log_loss", "BLL", 3),
                                     ("balanced_accuracy", "BA", 3), ("roc_auc", "AUC", 4)):
                cells = []
                for r in ratios:
                    p = by_ratio[r][key][k]
                    ties = f", {p['ties']} tied" if p["ties"] else ""
                    cells.append(f"{_cell(p, digits, '+')}<br>median {p['median']:+.{digits}f}, "
                                 f"wins {p['wins']}{ties}")
                lines.append(f"| {short} vs {label} | " + " | ".join(cells) + " |")
        parts.append("\n".join(lines))
    cols = [(d, r) for d, by_ratio in results.items() for r in by_ratio]
    res = results
    rows = {
        "guard shrank the scale": lambda s: f"{s['guard_shrunk_share']:.0%}",
        "mean scale (auto)": lambda s: f"{s['mean_scale']:.3f} ({s['mean_scale_auto']:.3f})",
        "coef norm, corrected / naive: median (max)":
            lambda s: f"{s['median_coef_norm_ratio']:.2f} ({s['max_coef_norm_ratio']:.1f})",
        "same-digit share of pseudo-minority neighbours":
            lambda s: f"{s['pseudo_same_digit_share']:.2f}",
        "neighbour distance, pseudo-minority / minority":
            lambda s: f"{s['pseudo_neighbour_distance_ratio']:.2f}",
        "fit seconds: corrected (class weighting)":
            lambda s: f"{s['mean_fit_seconds']['corrected']:.2f} "
                      f"({s['mean_fit_seconds']['class weighting']:.2f})",
    }
    lines = ["| | " + " | ".join(f"digit {d}, IR {r}" for d, r in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for name, fmt in rows.items():
        lines.append(f"| {name} | " + " | ".join(fmt(res[d][r]) for d, r in cols) + " |")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def ridge_table(record: dict[str, Any]) -> str:
    """Balanced log loss at every ridge strength run: class weighting, naive SMOTE and
    corrected (means), and the corrected fit's paired difference from the first two with
    its wins out of the seeds."""
    cs = list(record["results"])
    first = record["results"][cs[0]]
    lines = ["| digit, IR | " + " | ".join(f"C = {c}" for c in cs) + " |",
             "|---|" + "---|" * len(cs)]
    for digit, by_ratio in first.items():
        for ratio in by_ratio:
            cells = []
            for c in cs:
                s = record["results"][c][digit][ratio]
                bll = [s["methods"][m]["balanced_log_loss"]["mean"]
                       for m in ("class weighting", "naive SMOTE", "corrected")]
                n = s["methods"]["corrected"]["balanced_log_loss"]["n"]
                dn = s["corrected_minus_naive"]["balanced_log_loss"]
                dc = s["corrected_minus_class_weighting"]["balanced_log_loss"]
                cells.append(" / ".join(f"{v:.3f}" for v in bll)
                             + f"<br>vs naive {dn['mean']:+.3f} ({dn['wins']}/{n})"
                             + f"<br>vs weighting {dc['mean']:+.3f} ({dc['wins']}/{n})")
            lines.append(f"| {digit}, {ratio} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_tables(record: dict[str, Any]) -> None:
    """The detailed tables at the first ridge strength, then :func:`ridge_table`."""
    first = next(iter(record["results"]))
    print(f"C = {first}:\n")
    print(markdown_tables(record["results"][first]))
    if len(record["results"]) > 1:
        print("\nBalanced log loss: class weighting / naive SMOTE / corrected, and the "
              "corrected fit's paired difference (wins):\n")
        print(ridge_table(record))


def separability(seed: int = 0) -> dict[int, dict[str, float]]:
    """Per digit against the rest, on all 1797 rows: 5-fold cross-validated balanced log
    loss and balanced accuracy of class-weighted logistic regression (``C = 1``, features
    standardised within each fold). The hardest digits are the default minorities."""
    X, digits = load_digits(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(
        C=C, class_weight="balanced", max_iter=5000))
    cv = StratifiedKFold(5, shuffle=True, random_state=seed)
    out = {}
    for k in range(10):
        y = (digits == k).astype(int)
        proba = cross_val_predict(model, X, y, cv=cv, method="predict_proba")[:, 1]
        out[k] = {"balanced_log_loss": balanced_log_loss(y, proba),
                  "balanced_accuracy": balanced_accuracy(y, (proba > 0.5).astype(int))}
    return out


def save(record: dict[str, Any], out: Path) -> None:
    text = json.dumps(jsonable(record), indent=1) + "\n"
    atomic_write(out, lambda tmp: Path(tmp).write_text(text))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--digits", type=int, nargs="+", default=list(DIGITS),
                        choices=range(10), metavar="DIGIT")
    parser.add_argument("--ratios", type=int, nargs="+", default=list(RATIOS))
    parser.add_argument("--C", type=float, nargs="+", default=list(CS), dest="cs",
                        help="inverse ridge strengths, each applied to every fit; the "
                             "first is the main one (default: 1 0.1 0.01)")
    parser.add_argument("--quick", action="store_true",
                        help="2 seeds; writes no file unless --out is given")
    parser.add_argument("--out", type=Path, default=None,
                        help="results JSON (default: results/digits.json; none with --quick)")
    parser.add_argument("--table", action="store_true",
                        help="print the markdown tables of the saved results and stop")
    parser.add_argument("--separability", action="store_true",
                        help="print the per-digit measurement behind the default digits")
    args = parser.parse_args(argv)
    out = args.out if args.out is not None or args.quick else RESULTS / "digits.json"
    if args.table:
        print_tables(json.loads((out or RESULTS / "digits.json").read_text()))
        return
    if args.separability:
        for k, v in separability().items():
            print(f"digit {k}: balanced log loss {v['balanced_log_loss']:.3f}, "
                  f"balanced accuracy {v['balanced_accuracy']:.3f}")
        return
    seeds = 2 if args.quick else args.seeds
    start = time.perf_counter()
    record: dict[str, Any] = {
        "design": {"data": "sklearn.datasets.load_digits (1797 x 64)",
                   "task": "one digit (label 1) against the other nine (label 0)",
                   "digits": args.digits, "ratios": args.ratios, "seeds": seeds,
                   "split": f"train/test {1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%}, stratified on "
                            "the ten digits; test part keeps the natural ratio",
                   "minority": "round(n0_train / IR) training minority rows, nested across "
                               "ratios; majority kept whole",
                   "features": "StandardScaler fitted on the cut training part",
                   "C": args.cs, "methods": list(METHODS),
                   "generator": "SMOTEGenerator(k_neighbors=5), full balance",
                   "corrected": "BiasCorrectedClassifier defaults: n_splits=20, "
                                "transfer='recentre_sep', scale='auto', guard 'shrink'",
                   "ci": "mean +- Student t(0.975, seeds - 1) standard errors over seeds",
                   "paired": "corrected minus reference; wins: lower loss, higher accuracy "
                             "or AUC"},
        "results": {},
        "runs": {},
        "environment": {"python": platform.python_version(), "numpy": np.__version__,
                        "scikit-learn": sklearn.__version__},
    }
    for c in args.cs:
        results: dict[str, Any] = record["results"].setdefault(f"{c:g}", {})
        runs: dict[str, Any] = record["runs"].setdefault(f"{c:g}", {})
        for digit in args.digits:
            results[str(digit)], runs[str(digit)] = {}, {}
            for ratio in args.ratios:
                reps = [one_repetition(digit, ratio, s, c) for s in range(seeds)]
                results[str(digit)][str(ratio)] = summarise(reps)
                runs[str(digit)][str(ratio)] = reps
                record["runtime_s"] = round(time.perf_counter() - start, 1)
                if out is not None:
                    save(record, out)
                s = results[str(digit)][str(ratio)]
                d = s["corrected_minus_naive"]["balanced_log_loss"]
                print(f"C={c:g} digit {digit} IR {ratio} done at {record['runtime_s']} s: "
                      f"corrected - naive BLL {d['mean']:+.4f} (wins {d['wins']}/{seeds}), "
                      f"guard shrank {s['guard_shrunk_share']:.0%}", flush=True)
    print_tables(jsonable(record))


if __name__ == "__main__":
    main()
