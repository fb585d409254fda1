"""Is the advice any good? Nested cross-validation of ``synthaug.advise`` on bundled data,
and its answer on simulation designs whose right answer is known.

Real data (``--part real``): for each dataset and each outer stratified fold, ``advise``
runs on the training part only (its own inner folds choose the answer) and the pipeline it
returns is scored on the held-out part. On the same outer folds the fixed answers a user
could pick without advice are scored too:

* ``none`` (the classifier alone), ``class-weight`` (balanced weights), ``threshold``
  (the classifier with its threshold tuned for MCC; the peer study's threshold moving),
* ``smote-balance`` (SMOTE to full balance, the usual default), and every fast generator
  at full balance (``<generator>@1``), KOTARO;
* the peers of ``experiments/peers``: imbalanced-learn's SMOTE, Borderline-SMOTE, ADASYN
  and SVMSMOTE, and smote-variants' polynom_fit_SMOTE_star, ProWSyn and SMOTE_IPF (the
  bench's own wrappers, ``synthaug.bench.methods``), each to full balance.

The datasets are the 31 smallest of the default suite with at least 10 minority rows
(imbalanced-learn's ADASYN fails on every fold of iris0, so 30 are scored). The
classifier is a standardised logistic regression (``--classifier`` names another of the
bench's: knn, hgb, svm). The score is the one the advice is asked to optimise
(``--scoring``, balanced log loss by default), so "best on the metric it is asked to
optimise" is what is measured. Results are appended per (dataset, fold) to
``results/real-<scoring>.jsonl`` (``real-<classifier>-<scoring>.jsonl`` for another
classifier): a stopped run resumes where it stopped.

Known answers (``--part known``): E1b (a logistic model without intercept that is locally
symmetric by construction: imbalanced training already targets the balanced optimum, so
augmentation cannot help; the classifier is logistic regression without intercept, as in
the design), and E4 (logistic regression with SMOTE on a bimodal minority: full balance is
near-optimal), 5 seeds each; the advice's words, its choice and SMOTE's loss curve are
recorded in ``results/known.json``.

``--summary`` prints mean ranks and win/tie/loss of the advised pipeline (the default,
``selection="auto"``; each other selection rule is scored on the same folds as
``advised-<rule>``) against each fixed answer from the JSON lines (ties: equal within
1e-9), and the best fixed answer chosen in hindsight (the one with the best mean rank);
``--markdown`` prints the tables of ``docs/advise.md`` from the summaries.

Usage::

    python experiments/advise/validate.py --part real --datasets 31
    python experiments/advise/validate.py --part known
    python experiments/advise/validate.py --summary
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
RESULTS = HERE / "results"
FIXED_GENERATORS = ("random", "smote", "borderline-smote", "adasyn", "gksmote")
PEERS = ("imblearn:SMOTE", "imblearn:BorderlineSMOTE", "imblearn:ADASYN",
         "imblearn:SVMSMOTE", "sv:polynom_fit_SMOTE_star", "sv:ProWSyn", "sv:SMOTE_IPF")


def _classifier(name: str = "logreg", seed: int = 0):
    """The bench's classifier ``name`` after standardisation (fitted on the training part),
    as in the peer study."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from synthaug.bench.classifiers import make_classifier

    return make_pipeline(StandardScaler(), make_classifier(name, seed))


def _results_path(kind: str, scoring: str, classifier: str) -> Path:
    """``real-<scoring>.jsonl`` for logistic regression (the first runs), else
    ``real-<classifier>-<scoring>.jsonl``."""
    tag = scoring if classifier == "logreg" else f"{classifier}-{scoring}"
    return RESULTS / f"{kind}-{tag}.{'jsonl' if kind == 'real' else 'json'}"


def _fit(model, X, y):
    """Fit a clone; a threshold search around constant probabilities (nothing to tune)
    falls back to the estimator alone, as ``advise`` does."""
    from sklearn.base import clone

    try:
        return clone(model).fit(X, y)
    except ValueError as exc:
        if "constant predictions" not in str(exc) or not hasattr(model, "estimator"):
            raise
        return clone(model.estimator).fit(X, y)


def _fixed_answers(seed: int, classifier: str = "logreg") -> dict:
    """The answers a user could pick without advice, unfitted."""
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    from synthaug.advice import _pipeline, _weighted
    from synthaug.classifiers import KOTARO

    clf = _classifier(classifier, seed)
    answers = {"none": clf, "class-weight": _weighted(clf),
               "threshold": TunedThresholdClassifierCV(
                   clf, scoring="matthews_corrcoef",
                   cv=StratifiedKFold(3, shuffle=True, random_state=seed),
                   random_state=seed),
               "kotaro": KOTARO(random_state=seed)}
    if answers["class-weight"] is None:         # kNN takes no weights
        del answers["class-weight"]
    for name in FIXED_GENERATORS:
        answers[f"{name}@1"] = _pipeline(name, 1.0, clf, seed)
    answers["smote-balance"] = answers.pop("smote@1")
    from imblearn.pipeline import Pipeline

    from synthaug.bench.methods import parse_method

    for peer in PEERS:
        answers[peer] = Pipeline([("oversample", parse_method(peer).make_sampler(seed)),
                                  ("classify", clf)])
    return answers


def _score(scoring: str, model, X, y) -> float:
    from synthaug.advice import _SCORERS, _scorer

    func, _, needs_pred = _scorer(scoring)
    if needs_pred:
        return float(func(y, model.predict(X)))
    proba = model.predict_proba(X)
    if scoring in ("balanced_log_loss", "balanced_brier"):
        return float(_SCORERS[scoring](y, proba, labels=model.classes_))
    return float(_SCORERS[scoring](y, proba[:, 1], labels=model.classes_))


def _datasets(n: int) -> list[str]:
    """The ``n`` smallest datasets of the default suite (every fold holds >= 5 minority
    rows in its training part for 5 inner folds)."""
    from synthaug.bench.grid import suite_config
    from synthaug.datasets import list_datasets

    names = list(suite_config("default").datasets)
    table = list_datasets().set_index("name")
    table = table.loc[[d for d in names if d in table.index]]
    table = table[table["n_minority"] >= 10] if "n_minority" in table else table
    return table.sort_values("n").index[:n].tolist()


def _selections(advice) -> dict[str, str]:
    """The answer each selection rule other than ``"auto"`` picks from ``advice``'s
    ranking (same folds, no refit)."""
    from types import SimpleNamespace

    from synthaug.advice import SELECTIONS, _choose

    run = SimpleNamespace(scores={k: advice.fold_scores[k].to_numpy()
                                  for k in advice.fold_scores},
                          greater=advice.greater_is_better)
    return {rule: _choose(run, advice.ranking, rule).best
            for rule in sorted(SELECTIONS) if rule != "auto"}


def _inner_scores(advice) -> dict[str, list[float]]:
    """Every answer's inner fold scores, so other selection rules that pick between the
    first-ranked answer and a fixed one can be measured without rerunning."""
    return {n: [round(float(v), 6) for v in advice.fold_scores[n]]
            for n in advice.fold_scores}


def run_real(n_datasets: int, scoring: str, folds: int, seed: int,
             classifier: str = "logreg") -> None:
    from sklearn.model_selection import StratifiedKFold

    import synthaug
    from synthaug.datasets import load_dataset

    RESULTS.mkdir(exist_ok=True)
    out = _results_path("real", scoring, classifier)
    done = set()
    if out.exists():
        for line in out.read_text().splitlines():
            rec = json.loads(line)
            done.add((rec["dataset"], rec["fold"]))
    for name in _datasets(n_datasets):
        X, y = load_dataset(name)
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y)
        for k, (tr, te) in enumerate(splits):
            if (name, k) in done:
                continue
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                advice = synthaug.advise(X[tr], y[tr],
                                         classifier=_classifier(classifier, seed + k),
                                         scoring=scoring, random_state=seed + k)
                # "advised": the default choice (selection="auto"); "advised-top": the
                # answer ranked first, whatever its lead (selection="best"); and each
                # other selection rule, from the same ranking
                scores = {"advised": _score(scoring, advice.best_estimator_, X[te], y[te])}
                picks = _selections(advice)
                top = picks["best"]
                known = {advice.best: scores["advised"]}    # one fit per distinct pick
                for rule, pick in picks.items():
                    if pick not in known:
                        known[pick] = _score(scoring, _fit(advice.make_estimator(pick),
                                                           X[tr], y[tr]), X[te], y[te])
                    scores["advised-top" if rule == "best" else f"advised-{rule}"] = \
                        known[pick]
                for label, model in _fixed_answers(seed + k, classifier).items():
                    try:
                        scores[label] = _score(scoring, _fit(model, X[tr], y[tr]),
                                               X[te], y[te])
                    except Exception as exc:  # recorded, not fatal
                        scores[label] = None
                        print(f"{name} fold {k} {label}: {type(exc).__name__}: {exc}")
            rec = {"dataset": name, "fold": k, "scoring": scoring, "classifier": classifier,
                   "choice": advice.best, "top": top, "selections": picks,
                   "inner": _inner_scores(advice),
                   "regime": advice.diagnostics.get("regime"),
                   "recommendation": advice.recommendation, "scores": scores,
                   "advise_seconds": round(advice.seconds, 2),
                   "seconds": round(time.perf_counter() - t0, 2)}
            with out.open("a") as fh:
                fh.write(json.dumps(rec) + "\n")
            print(f"{name} fold {k}: advised {advice.best!r} "
                  f"{scores['advised']:.4f} ({rec['seconds']} s)", flush=True)


def run_known(seeds: int) -> None:
    from sklearn.linear_model import LogisticRegression

    import synthaug
    from synthaug.datasets.simulations import make_linear_mixture, make_symmetric_logistic

    designs = {"E1b symmetric logistic": (lambda s: make_symmetric_logistic(
                   d=5, n_train=5000, n_test=0, random_state=s),
                   lambda: LogisticRegression(fit_intercept=False, C=1e4, max_iter=1000)),
               "E4 linear mixture": (lambda s: make_linear_mixture(
                   d=5, n0=2000, n1=100, n_test=0, random_state=s), _classifier)}
    report = {}
    for label, (make, classifier) in designs.items():
        rows = []
        for s in range(seeds):
            sim = make(s)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                advice = synthaug.advise(sim.X_train, sim.y_train, classifier=classifier(),
                                         generators=["smote"], random_state=s, refit=False)
            curve = advice.curves["smote"]
            rows.append({"seed": s, "best": advice.best,
                         "regime": advice.diagnostics.get("regime"),
                         "recommendation": advice.recommendation,
                         "smote_curve": curve[["gamma", "mean", "se"]].round(5)
                         .to_dict(orient="records")})
            print(label, s, advice.best, "|", advice.recommendation)
        report[label] = rows
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "known.json").write_text(json.dumps(report, indent=2) + "\n")


def _as_default(recs: list[dict], scoring: str) -> list[dict]:
    """Records with ``"advised"`` meaning the default (``selection="auto"``) throughout.

    The first runs recorded the one-SE choice as ``"advised"`` and the first-ranked answer
    as ``"advised-top"`` (no ``"selections"`` key); where they ever differ, the one-SE
    choice becomes ``"advised-one_se"`` and ``"advised"`` takes the answer ``"auto"``
    resolves to. Runs made after ``"auto"`` became the default record it directly."""
    from synthaug.advice import _resolve_selection

    old = [r for r in recs if "selections" not in r]
    if not any(r["choice"] != r["top"] for r in old):
        return recs
    rule = _resolve_selection("auto", scoring)
    if rule not in ("one_se", "best"):
        raise ValueError(f"{scoring}: rerun, the records predate selection={rule!r}")
    out = []
    for r in recs:
        if "selections" not in r:
            scores = {**r["scores"], "advised-one_se": r["scores"]["advised"]}
            if rule == "best":
                scores["advised"] = scores["advised-top"]
            r = {**r, "scores": scores, "choice": r["top"] if rule == "best" else r["choice"]}
        out.append(r)
    return out


def summary(scoring: str, classifier: str = "logreg") -> dict:
    from synthaug.metrics import METRICS

    path = _results_path("real", scoring, classifier)
    recs = _as_default([json.loads(line) for line in path.read_text().splitlines()],
                       scoring)
    if all("advised-one_se" in r["scores"] and r.get("regime") for r in recs):
        # a rule not offered, measured here: the one-SE choice where the local-symmetry
        # test finds symmetry (synthetic rows can help little), the default elsewhere
        for r in recs:
            r["scores"]["advised-one_se_if_symmetric"] = r["scores"][
                "advised-one_se" if r["regime"] == "local symmetry" else "advised"]
    frame = pd.DataFrame([{"dataset": r["dataset"], "fold": r["fold"], **r["scores"]}
                          for r in recs])
    per_dataset = frame.drop(columns="fold").groupby("dataset").mean()
    per_dataset = per_dataset.dropna(axis=1, thresh=int(0.9 * len(per_dataset)))
    per_dataset = per_dataset.dropna()
    greater = METRICS[scoring].greater_is_better
    variants = [c for c in per_dataset if c.startswith("advised")]
    fixed = [c for c in per_dataset if c not in variants]

    def mean_ranks(column: str) -> pd.Series:     # one advised variant against the fixed
        table = per_dataset[[column, *fixed]]
        return (-table if greater else table).rank(axis=1, method="average").mean()

    ranks = mean_ranks("advised").sort_values()
    best_fixed = next(c for c in ranks.index if c != "advised")
    wtl = {}
    for variant in variants:
        wtl[variant] = {}
        for col in ranks.index.drop("advised"):
            d = per_dataset[variant] - per_dataset[col]
            d = d if greater else -d
            wtl[variant][col] = {"win": int((d > 1e-9).sum()),
                                 "tie": int((d.abs() <= 1e-9).sum()),
                                 "loss": int((d < -1e-9).sum()),
                                 "mean_gain": round(float(d.mean()), 4)}
    choices = pd.Series([r["choice"].split(" (")[0] for r in recs]).value_counts()
    out = {"scoring": scoring, "classifier": classifier, "n_datasets": len(per_dataset),
           "n_outer_folds": len(frame),
           "mean_rank": {k: round(float(v), 2) for k, v in ranks.items()},
           "mean_rank_of_advised_top": (round(float(mean_ranks("advised-top")["advised-top"]),
                                              2) if "advised-top" in variants else None),
           "mean_rank_of_variants": {v: round(float(mean_ranks(v)[v]), 2)
                                     for v in variants},
           "best_fixed_in_hindsight": best_fixed, "vs": wtl,
           "choices": {k: int(v) for k, v in choices.items()}}
    return out


def _cross_validated_lead(inner: dict[str, list[float]], anchor: str,
                          greater: bool) -> np.ndarray:
    """Per inner fold, the lead over ``anchor`` of *choosing* the first-ranked answer: on
    fold ``k`` the answer best on the other folds (advise's own cross-validated choice),
    scored on fold ``k``, so the lead does not carry the luck of having been ranked first
    on those same folds."""
    from synthaug.advice import _cross_validated_choice

    names = list(inner)
    table = np.array([inner[n] for n in names]) * (1.0 if greater else -1.0)
    _, picks = _cross_validated_choice(-table)
    chosen = np.array([table[i, k] for k, i in enumerate(picks)])
    return chosen - table[names.index(anchor)]


def rules(scoring: str, classifier: str = "logreg") -> dict:
    """Selection rules that pick between the first-ranked answer and a fixed start (full
    balance for ``"balance"``), measured from the recorded inner fold scores and the outer
    scores of both: the start's lead threshold at 0, 0.5, 1 and 2 standard errors, and the
    cross-validated choice (``_cross_validated_lead``) beyond 0 or 1 standard error.
    Returns per rule the mean rank among the fixed answers and win / tie / loss against
    SMOTE to balance."""
    from synthaug.advice import _balanced_anchor, _mean_se
    from synthaug.metrics import METRICS

    greater = METRICS[scoring].greater_is_better
    sign = 1.0 if greater else -1.0
    path = _results_path("real", scoring, classifier)
    recs = [json.loads(line) for line in path.read_text().splitlines()]
    recs = [r for r in recs if "inner" in r and len(r["inner"]) > 3]
    rows = []
    for r in recs:
        inner, top = r["inner"], r["top"]
        ranking = pd.DataFrame([{"candidate": n, "kind": _kind(n), "gamma": _gamma(n),
                                 "generator": n.split(" (")[0],
                                 "threshold": "tuned" if n.endswith("threshold") else "own"}
                                for n in inner])
        anchor = _balanced_anchor(ranking)
        if anchor is None:          # no full-balance answer ran: every rule takes the top
            anchor = top
        outer_anchor = (r["scores"]["advised-top"] if anchor == top else
                        r["scores"]["class-weight" if anchor == "class-weight"
                                    else "smote-balance"])
        outer = {"start": outer_anchor}
        if anchor == top:
            outer.update({f"lead>{m}se": outer_anchor for m in (0, 0.5, 1, 2)})
            outer.update({"cv>0": outer_anchor, "cv>1se": outer_anchor})
        else:
            d = sign * (np.array(inner[top]) - np.array(inner[anchor]))
            mean, se = _mean_se(d)
            for m in (0, 0.5, 1, 2):
                outer[f"lead>{m}se"] = (r["scores"]["advised-top"] if mean > m * se
                                        else outer_anchor)
            cv = _cross_validated_lead(inner, anchor, greater)
            cv_mean, cv_se = _mean_se(cv)
            outer["cv>0"] = r["scores"]["advised-top"] if cv_mean > 0 else outer_anchor
            outer["cv>1se"] = (r["scores"]["advised-top"] if cv_mean > cv_se
                               else outer_anchor)
        fixed = {k: v for k, v in r["scores"].items() if not k.startswith("advised")}
        rows.append({"dataset": r["dataset"], **fixed,
                     **{f"rule:{k}": v for k, v in outer.items()}})
    per = pd.DataFrame(rows).groupby("dataset").mean()
    per = per.dropna(axis=1, thresh=int(0.9 * len(per))).dropna()
    fixed = [c for c in per if not c.startswith("rule:")]
    out = {"scoring": scoring, "classifier": classifier, "n_datasets": len(per)}
    for rule in [c for c in per if c.startswith("rule:")]:
        table = per[[rule, *fixed]]
        rank = (-table if greater else table).rank(axis=1).mean()[rule]
        d = sign * (per[rule] - per["smote-balance"])
        out[rule[5:]] = {"mean_rank": round(float(rank), 2),
                         "vs smote-balance": f"{int((d > 1e-9).sum())} / "
                         f"{int((d.abs() <= 1e-9).sum())} / {int((d < -1e-9).sum())}",
                         "mean_gain": round(float(d.mean()), 4)}
    return out


def _kind(name: str) -> str:
    gamma = _gamma(name)
    return "synthetic" if gamma is not None and gamma > 0 else "baseline"


def _gamma(name: str) -> float | None:
    if " (gamma " not in name:
        return None
    return float(name.split(" (gamma ")[1].split(")")[0])


def markdown() -> str:
    """The validation tables of ``docs/advise.md`` from every ``summary-*.json``: the
    default's place per classifier and metric, one overview row per run (with the mean
    rank each other selection rule would have had), then each run's mean ranks and the
    advised pipeline's win / tie / loss against every fixed answer."""
    metrics = ("average_precision", "balanced_log_loss", "mcc", "g_mean")
    order = ("logreg", "knn", "hgb", "svm")

    def key(r: dict) -> tuple:
        clf = r.get("classifier", "logreg")
        return (order.index(clf) if clf in order else len(order), clf,
                metrics.index(r["scoring"]) if r["scoring"] in metrics else len(metrics))

    runs = [json.loads(p.read_text()) for p in RESULTS.glob("summary-*.json")]
    runs = sorted((r for r in runs if "vs" in r), key=key)
    grid = {(r.get("classifier", "logreg"), r["scoring"]): r for r in runs}
    classifiers = list(dict.fromkeys(c for c, _ in grid))
    lines = ["| classifier | " + " | ".join(metrics) + " |",
             "|---" * (len(metrics) + 1) + "|"]
    for clf in classifiers:
        cells = []
        for metric in metrics:
            r = grid.get((clf, metric))
            if r is None:
                cells.append("not run")
                continue
            ranks = r["mean_rank"]
            place = list(ranks).index("advised") + 1
            leader = next(k for k in ranks if k != "advised")
            text = f"{ranks['advised']:.2f}, {_ordinal(place)}"
            cells.append(f"**{text}** (next: {leader} {ranks[leader]:.2f})" if place == 1
                         else f"{text} ({leader} {ranks[leader]:.2f})")
        lines.append(f"| {clf} | " + " | ".join(cells) + " |")
    lines += ["", "| classifier | metric | datasets | advised (auto): mean rank (place) | "
              "other rules: mean rank | best fixed answer in hindsight (mean rank) | "
              "advised vs it: win / tie / loss | advised vs SMOTE to balance: win / tie / "
              "loss, mean gain |", "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        ranks = r["mean_rank"]
        place = list(ranks).index("advised") + 1
        best = r["best_fixed_in_hindsight"]
        vs_best, vs_smote = r["vs"]["advised"][best], r["vs"]["advised"]["smote-balance"]
        variants = r.get("mean_rank_of_variants") or {
            "advised-top": r["mean_rank_of_advised_top"]}
        others = ", ".join(f"{k.removeprefix('advised-').replace('top', 'best')} {v:.2f}"
                           for k, v in sorted(variants.items()) if k != "advised")
        lines.append(
            f"| {r.get('classifier', 'logreg')} | {r['scoring']} | {r['n_datasets']} | "
            f"{ranks['advised']:.2f} ({place} of {len(ranks)}) | {others} | "
            f"{best} ({ranks[best]:.2f}) | "
            f"{vs_best['win']} / {vs_best['tie']} / {vs_best['loss']} | "
            f"{vs_smote['win']} / {vs_smote['tie']} / {vs_smote['loss']}, "
            f"{vs_smote['mean_gain']:+.4f} |")
    rule_runs = sorted((json.loads(p.read_text()) for p in RESULTS.glob("rules-*.json")),
                       key=key)
    if rule_runs:
        names = [k for k in rule_runs[0] if isinstance(rule_runs[0][k], dict)]
        lines += ["", "| rule | " + " | ".join(
            f"{r['classifier']}, {r['scoring']}: mean rank; vs SMOTE to balance (mean gain)"
            for r in rule_runs) + " |", "|---" * (len(rule_runs) + 1) + "|"]
        for name in names:
            lines.append(f"| {name} | " + " | ".join(
                f"{r[name]['mean_rank']:.2f}; {r[name]['vs smote-balance']} "
                f"({r[name]['mean_gain']:+.4f})" for r in rule_runs) + " |")
    for r in runs:
        lines += ["", f"**{r.get('classifier', 'logreg')}, {r['scoring']}** "
                  f"({r['n_datasets']} datasets, {r['n_outer_folds']} outer folds; mean "
                  "gain in the metric, positive = advice better). Choices: "
                  + ", ".join(f"{k} {v}" for k, v in r["choices"].items()) + ".", "",
                  "| answer | mean rank | advised: win / tie / loss | mean gain of advice |",
                  "|---|---|---|---|"]
        for name, rank in r["mean_rank"].items():
            if name == "advised":
                lines.append(f"| **advised** | **{rank:.2f}** | – | – |")
                continue
            v = r["vs"]["advised"][name]
            lines.append(f"| {name} | {rank:.2f} | {v['win']} / {v['tie']} / {v['loss']} | "
                         f"{v['mean_gain']:+.4f} |")
    return "\n".join(lines) + "\n"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("real", "known"))
    parser.add_argument("--datasets", type=int, default=31)
    parser.add_argument("--scoring", default="balanced_log_loss")
    parser.add_argument("--classifier", default="logreg",
                        help="a bench classifier: logreg, knn, hgb, svm")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--rules", action="store_true",
                        help="measure other selection thresholds from the recorded scores")
    parser.add_argument("--markdown", action="store_true",
                        help="print the tables of docs/advise.md from the summaries")
    args = parser.parse_args()
    if args.part == "real":
        run_real(args.datasets, args.scoring, args.folds, args.random_state,
                 args.classifier)
    elif args.part == "known":
        run_known(args.seeds)
    if args.summary:
        result = summary(args.scoring, args.classifier)
        _results_path("summary", args.scoring, args.classifier).write_text(
            json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    if args.rules:
        result = rules(args.scoring, args.classifier)
        _results_path("rules", args.scoring, args.classifier).write_text(
            json.dumps(result, indent=1))
        print(json.dumps(result, indent=1))
    if args.markdown:
        print(markdown(), end="")


if __name__ == "__main__":
    main()
