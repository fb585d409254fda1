"""LLM oversampling (ImbLLM-style label-first vs GReaT-style) against SMOTE-NC, plain SMOTE
and no oversampling, on mixed-type tables.

Tables (``TABLES``): two bundled ones whose one-hot groups are decoded back into categorical
columns (``abalone9_18``: 7 numeric + sex; ``crx``: 6 numeric + 9 categorical, its
training minority cut to 20 % so that there is something to fill) and two simulated ones
(``sim-shift``: class-dependent means and category frequencies; ``sim-interact``: the
minority is a segment-dependent linear relation between two numeric columns). Per seed:
stratified 70/30 split, every method fills the training minority up to the majority count
(the same budget for every method), and the synthetic rows are compared with held-out
minority rows and used to train a HistGradientBoostingClassifier.

Methods:

* ``llm-label-first``: ``LLMGenerator()`` with its defaults apart from ``epochs`` and
  ``max_tries`` (label-first sentences, interpolated rows, label + feature prompts, guided
  decoding, ``invalid="complete"``);
* ``llm-full``: ``LLMGenerator(permutation="full")`` (GReaT-style order and label-only
  prompts, no interpolated rows; still trained on the minority only and still guided);
* ``llm-label-first-unguided`` / ``llm-full-unguided``: the same fitted models sampled
  with ``guided=False, invalid="impute"`` (free sampling, reference-code repairs); the
  training does not depend on these two parameters, so this equals refitting with them;
* ``smote-nc``: ``SMOTEGenerator`` on the mixed table (categorical columns by vote);
* ``smote-onehot``: ``SMOTEGenerator`` on the one-hot encoded table (plain SMOTE; its
  one-hot cells become fractions; decoded by arg-max for the mixed-table measures);
* ``none``: no synthetic rows (downstream scores only).

Measures: invalid-row rate and continuations (LLM modes), distinct share, per-column
entropy against the real training minority, a structure check on ``sim-interact``, k-NN
precision/recall (k=5) and MMD^2 against the held-out minority in a one-hot +
standardised space (numeric columns standardised with the training rows, one-hot cells
0/1), DCR (synthetic and held-out rows to the training minority), and downstream balanced
accuracy, minority F1 and AUPRC on the test part.

Both LLM modes get about ``--steps`` optimiser steps (600; equal compute), the epochs
following from their number of training sentences. Writes
``experiments/llm/results/compare.json`` and prints the JSON (``--quick``: one seed, 100
steps, printed only). Run from the repository root with
``OMP_NUM_THREADS=1``: ``python experiments/llm/compare.py [--quick] [--seeds N]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from synthaug.datasets import load_dataset
from synthaug.diagnostics.fidelity import (
    column_entropy,
    distance_to_closest_record,
    distinct_share,
    fidelity,
)
from synthaug.generators import SMOTEGenerator
from synthaug.generators.llm import GenerationError, LLMGenerator

HERE = Path(__file__).resolve().parent
METHODS = ("none", "smote-onehot", "smote-nc", "llm-full", "llm-label-first",
           "llm-full-unguided", "llm-label-first-unguided")


# --------------------------------------------------------------------------- tables
def decode_onehot(X: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns kept; every group of 0/1 columns ``<name>_<level>`` with at most one
    1 per row becomes one categorical column ``<name>`` (no 1: the dropped reference level,
    written ``"ref"``)."""
    groups: dict[str, list[str]] = {}
    for c in X.columns:
        v = X[c].to_numpy()
        if "_" in str(c) and np.isin(v, (0.0, 1.0)).all():
            groups.setdefault(str(c).rsplit("_", 1)[0], []).append(c)
    out: dict[str, Any] = {}
    done: set[str] = set()
    for c in X.columns:
        if c in done:
            continue
        name = str(c).rsplit("_", 1)[0] if "_" in str(c) else None
        cols = groups.get(name) if name is not None else None
        if cols is None or c not in cols:
            out[str(c)] = X[c].to_numpy(dtype=float)
            continue
        block = X[cols].to_numpy()
        if (block.sum(axis=1) > 1).any():
            raise ValueError(f"group {name} has rows with several 1s")
        levels = ["ref"] + [str(k).rsplit("_", 1)[1] for k in cols]
        codes = np.where(block.sum(axis=1) == 0, 0, block.argmax(axis=1) + 1)
        out[name] = pd.Categorical(np.asarray(levels)[codes], categories=levels)
        done.update(cols)
    return pd.DataFrame(out)


def sim_shift(seed: int = 0, n: int = 1000, n_min: int = 120) -> tuple[pd.DataFrame,
                                                                         np.ndarray]:
    """Five numeric and three categorical columns; the minority shifts the means and tilts
    the category frequencies."""
    rng = np.random.default_rng(1000 + seed)
    y = np.r_[np.zeros(n - n_min, dtype=int), np.ones(n_min, dtype=int)]
    s = y.astype(float)
    X = pd.DataFrame({
        "age": np.clip(np.rint(rng.normal(42 + 7 * s, 11)), 18, 90),
        "income": np.round(rng.lognormal(10.2 + 0.35 * s, 0.45), 2),
        "balance": np.round(rng.normal(1500 - 700 * s, 900), 2),
        "calls": rng.poisson(3 + 2 * s).astype(float),
        "score": np.round(rng.beta(2 + 1.5 * s, 5), 4),
    })
    levels = {"job": ["admin", "technician", "services", "management", "retired",
                      "student"],
              "region": ["north", "south", "east", "west"],
              "channel": ["phone", "web", "branch"]}
    for name, cats in levels.items():
        base = rng.dirichlet(np.ones(len(cats)) * 2)
        tilt = rng.dirichlet(np.ones(len(cats)) * 0.7)
        col = np.where(y == 1, rng.choice(len(cats), n, p=0.4 * base + 0.6 * tilt),
                       rng.choice(len(cats), n, p=base))
        X[name] = pd.Categorical(np.asarray(cats)[col], categories=cats)
    return X, y


def sim_interact(seed: int = 0, n: int = 1000, n_min: int = 100) -> tuple[pd.DataFrame,
                                                                           np.ndarray]:
    """A segment column with 8 levels; in the minority ``spend`` follows ``visits`` with a
    slope that depends on the segment (in the majority they are independent), and ``tier``
    depends on the segment. Marginals of the two classes are close, so a generator has to
    keep the joint structure to help."""
    rng = np.random.default_rng(2000 + seed)
    y = np.r_[np.zeros(n - n_min, dtype=int), np.ones(n_min, dtype=int)]
    seg_names = [f"s{k}" for k in range(8)]
    seg = rng.integers(0, 8, n)
    slope = np.linspace(-1.5, 1.5, 8)
    visits = rng.normal(0, 1, n)
    spend = np.where(y == 1, slope[seg] * visits + rng.normal(0, 0.3, n),
                     rng.normal(0, 1.2, n))
    tier = np.where(y == 1, (seg // 3) % 3, rng.integers(0, 3, n))
    X = pd.DataFrame({
        "visits": np.round(10 + 3 * visits, 2),
        "spend": np.round(100 + 25 * spend, 2),
        "tenure": np.round(rng.gamma(2, 2, n), 1),
        "noise": np.round(rng.normal(0, 1, n), 3),
        "segment": pd.Categorical(np.asarray(seg_names)[seg], categories=seg_names),
        "tier": pd.Categorical(np.asarray(["bronze", "silver", "gold"])[tier],
                               categories=["bronze", "silver", "gold"]),
    })
    return X, y


def interact_check(S: pd.DataFrame) -> dict[str, float]:
    """How well rows keep ``sim-interact``'s minority structure: the RMS residual of
    ``spend`` from the segment's line in ``visits`` (noise SD 0.3; about 0.25 measured on
    the real minority rows, 1.5 on majority rows, which lack the relation) and the share
    of rows whose ``tier`` follows the segment (1 for real minority rows, about 1/3 by
    chance)."""
    seg = pd.Categorical(S["segment"], categories=[f"s{k}" for k in range(8)]).codes
    slope = np.linspace(-1.5, 1.5, 8)[seg]
    resid = (S["spend"].to_numpy(float) - 100) / 25 - slope * (
        S["visits"].to_numpy(float) - 10) / 3
    tier = pd.Categorical(S["tier"], categories=["bronze", "silver", "gold"]).codes
    return {"relation_rms": float(np.sqrt(np.mean(resid ** 2))),
            "tier_follows_segment": float(np.mean(tier == (seg // 3) % 3))}


def bundled(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    X, y = load_dataset(name, as_frame=True)
    return decode_onehot(X), np.asarray(y).astype(int)


#: name -> (loader, share of the training minority kept (1 = as is), structure check)
TABLES: dict[str, tuple[Any, float, Any]] = {
    "abalone9_18": (lambda: bundled("abalone9_18"), 1.0, None),
    "crx": (lambda: bundled("crx"), 0.2, None),
    "sim-shift": (sim_shift, 1.0, None),
    "sim-interact": (sim_interact, 1.0, interact_check),
}


# --------------------------------------------------------------------------- encodings
class Encoder:
    """One-hot (every level) + numeric, fitted on a table's categories; ``scaled`` also
    standardises the numeric columns with the training rows."""

    def __init__(self, X_train: pd.DataFrame) -> None:
        self.cat = [c for c in X_train.columns
                    if isinstance(X_train[c].dtype, pd.CategoricalDtype)]
        self.num = [c for c in X_train.columns if c not in self.cat]
        self.levels = {c: list(X_train[c].cat.categories) for c in self.cat}
        A = X_train[self.num].to_numpy(dtype=float)
        self.mean, self.std = A.mean(axis=0), A.std(axis=0)
        self.std[~(self.std > 0)] = 1.0

    def onehot(self, X: pd.DataFrame) -> np.ndarray:
        parts = [X[self.num].to_numpy(dtype=float)]
        for c in self.cat:
            codes = pd.Categorical(X[c], categories=self.levels[c]).codes
            parts.append(np.eye(len(self.levels[c]))[codes])
        return np.hstack(parts)

    def scale(self, Z: np.ndarray) -> np.ndarray:
        Z = Z.copy()
        k = len(self.num)
        Z[:, :k] = (Z[:, :k] - self.mean) / self.std
        return Z

    def decode(self, Z: np.ndarray) -> pd.DataFrame:
        """One-hot rows (fractions allowed) back to the mixed table, arg-max per group."""
        out: dict[str, Any] = {c: Z[:, j] for j, c in enumerate(self.num)}
        k = len(self.num)
        for c in self.cat:
            m = len(self.levels[c])
            out[c] = pd.Categorical(np.asarray(self.levels[c], dtype=object)[
                Z[:, k:k + m].argmax(axis=1)], categories=self.levels[c])
            k += m
        return pd.DataFrame(out)


# --------------------------------------------------------------------------- one run
def cpu() -> float:
    return time.process_time()


def downstream(Z_train: np.ndarray, y_train: np.ndarray, Z_test: np.ndarray,
               y_test: np.ndarray, seed: int) -> dict[str, float]:
    clf = HistGradientBoostingClassifier(random_state=seed).fit(Z_train, y_train)
    p = clf.predict_proba(Z_test)[:, 1]
    pred = (p >= 0.5).astype(int)
    return {"balanced_accuracy": float(balanced_accuracy_score(y_test, pred)),
            "minority_f1": float(f1_score(y_test, pred, pos_label=1, zero_division=0)),
            "auprc": float(average_precision_score(y_test, p))}


def synthetic_measures(enc: Encoder, S: pd.DataFrame, Z_syn: np.ndarray,
                       min_train: pd.DataFrame, min_test: pd.DataFrame) -> dict[str, Any]:
    real_z = enc.scale(enc.onehot(min_test))
    fid = fidelity(real_z, enc.scale(Z_syn), k=5)
    ent = column_entropy(min_train.reset_index(drop=True), S.reset_index(drop=True))
    gaps = {c: v["synthetic"] - v["real"] for c, v in ent.items()}
    dcr = distance_to_closest_record(S.reset_index(drop=True), min_train.reset_index(drop=True),
                                     min_test.reset_index(drop=True))
    return {"distinct_share": distinct_share(S),
            "entropy_gap_mean": float(np.mean(list(gaps.values()))),
            "entropy_gap_num": float(np.mean([gaps[c] for c in enc.num])) if enc.num else None,
            "entropy_gap_cat": float(np.mean([gaps[c] for c in enc.cat])) if enc.cat else None,
            "entropy": {str(c): {"real": round(v["real"], 4),
                                 "synthetic": round(v["synthetic"], 4)}
                        for c, v in ent.items()},
            "precision": fid.precision, "recall": fid.recall, "mmd2": fid.mmd2,
            "dcr_ratio": dcr.ratio, "dcr_synthetic_median": dcr.synthetic_median,
            "dcr_holdout_median": dcr.holdout_median,
            "dcr_copies": dcr.synthetic_copies,
            "dcr_below_holdout_5pct": dcr.synthetic_below_holdout_5pct}


def llm_epochs(n_sentences: int, steps: int, batch_size: int = 32) -> int:
    """Epochs that give about ``steps`` optimiser steps on ``n_sentences`` sentences."""
    return max(1, round(steps / math.ceil(n_sentences / batch_size)))


def run_table(name: str, seed: int, epochs: int | None, steps: int, max_tries: int
              ) -> dict[str, Any]:
    load, keep, check = TABLES[name]
    X, y = load()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                              random_state=seed)
    X_tr, X_te = X_tr.reset_index(drop=True), X_te.reset_index(drop=True)
    if keep < 1.0:
        rng = np.random.default_rng(seed)
        mins = np.flatnonzero(y_tr == 1)
        drop = rng.choice(mins, len(mins) - int(keep * len(mins)), replace=False)
        mask = np.ones(len(y_tr), dtype=bool)
        mask[drop] = False
        X_tr, y_tr = X_tr[mask].reset_index(drop=True), y_tr[mask]
    n_min, n_maj = int((y_tr == 1).sum()), int((y_tr == 0).sum())
    n_gen = n_maj - n_min
    enc = Encoder(X_tr)
    Z_tr, Z_te = enc.onehot(X_tr), enc.onehot(X_te)
    min_train, min_test = X_tr[y_tr == 1], X_te[y_te == 1]
    info = {"table": name, "seed": seed, "n_train": len(y_tr), "n_test": len(y_te),
            "train_minority": n_min, "train_majority": n_maj,
            "test_minority": int((y_te == 1).sum()), "n_generated": n_gen,
            "numeric": enc.num, "categorical": enc.cat}
    if check is not None:
        info["structure_real_holdout"] = check(min_test)
    methods: dict[str, Any] = {}

    def finish(method: str, S: pd.DataFrame | None, Z_syn: np.ndarray | None,
               extra: dict[str, Any]) -> None:
        rec = dict(extra)
        if Z_syn is not None:
            Z_fit = np.vstack([Z_tr, Z_syn])
            y_fit = np.r_[y_tr, np.ones(len(Z_syn), dtype=int)]
            rec.update(synthetic_measures(enc, S, Z_syn, min_train, min_test))
            if check is not None:
                rec.update(check(S))
        else:
            Z_fit, y_fit = Z_tr, y_tr
        rec.update(downstream(Z_fit, y_fit, Z_te, y_te, seed))
        methods[method] = rec
        print(f"  {name} seed {seed} {method}: "
              + ", ".join(f"{k}={v:.3f}" for k, v in rec.items()
                          if isinstance(v, float) and k in (
                              "balanced_accuracy", "minority_f1", "auprc", "precision",
                              "recall", "invalid_rate", "distinct_share", "fit_cpu_s",
                              "sample_cpu_s", "relation_rms", "tier_follows_segment")),
              file=sys.stderr, flush=True)

    finish("none", None, None, {})

    c0 = cpu()
    g = SMOTEGenerator(k_neighbors=5).fit(Z_tr, y_tr, target_class=1)
    Z_syn = np.asarray(g.sample(n_gen, random_state=seed), dtype=float)
    finish("smote-onehot", enc.decode(Z_syn), Z_syn, {"cpu_s": round(cpu() - c0, 2)})

    c0 = cpu()
    g = SMOTEGenerator(k_neighbors=5).fit(X_tr, y_tr, target_class=1)
    S = g.sample(n_gen, random_state=seed)[X_tr.columns]
    finish("smote-nc", S, enc.onehot(S), {"cpu_s": round(cpu() - c0, 2)})

    for perm, label in (("full", "llm-full"), ("label-first", "llm-label-first")):
        n_sent = n_min if perm == "full" else n_min + max(n_gen, 0)
        gen = LLMGenerator(permutation=perm, device="cpu", max_tries=max_tries,
                           epochs=epochs if epochs is not None else llm_epochs(n_sent, steps),
                           random_state=seed)
        c0 = cpu()
        gen.fit(X_tr, y_tr, target_class=1)
        fit_s = cpu() - c0
        base = {"fit_cpu_s": round(fit_s, 2), "epochs": len(gen.history_),
                "final_loss": round(gen.history_[-1]["loss"], 4) if gen.history_ else None,
                "n_interpolated": gen.n_interpolated_,
                "training_sentences": n_min + gen.n_interpolated_,
                "optimiser_steps": len(gen.history_) * math.ceil(
                    (n_min + gen.n_interpolated_) / gen.batch_size)}
        for unguided in (False, True):
            method = label + ("-unguided" if unguided else "")
            if unguided:
                # training ignores `guided` and `invalid`: same weights as a refit with them
                gen.set_params(guided=False, invalid="impute")
                gen._build_guide()
            c0 = cpu()
            try:
                S = gen.sample(n_gen, random_state=seed + 100)[X_tr.columns]
            except GenerationError as exc:
                methods[method] = {**base, "error": str(exc)}
                print(f"  {name} seed {seed} {method}: {exc}", file=sys.stderr)
                continue
            sample_s = cpu() - c0
            extra = {**base, "sample_cpu_s": round(sample_s, 2),
                     "rows_per_cpu_s": round(n_gen / max(sample_s, 1e-9), 1),
                     "guided": gen.guided_, "invalid_rate": float(gen.invalid_rate_),
                     "invalid_reasons": dict(gen.invalid_reasons_),
                     "continued_rows": int(getattr(gen, "continued_rows_", 0)),
                     "continued_per_row": int(getattr(gen, "continued_rows_", 0)) / n_gen,
                     "imputed_cells": int(gen.imputed_cells_)}
            finish(method, S, enc.onehot(S), extra)
    return {**info, "methods": methods}


# --------------------------------------------------------------------------- summary
def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("balanced_accuracy", "minority_f1", "auprc", "precision", "recall", "mmd2",
            "distinct_share", "entropy_gap_mean", "entropy_gap_num", "entropy_gap_cat",
            "dcr_ratio", "dcr_copies", "dcr_below_holdout_5pct", "invalid_rate",
            "continued_per_row", "fit_cpu_s", "sample_cpu_s", "cpu_s", "relation_rms",
            "tier_follows_segment")
    out: dict[str, Any] = {}
    for table in dict.fromkeys(r["table"] for r in runs):
        rows = [r for r in runs if r["table"] == table]
        out[table] = {}
        for m in METHODS:
            recs = [r["methods"][m] for r in rows if m in r["methods"]]
            errors = sum("error" in rec for rec in recs)
            recs = [rec for rec in recs if "error" not in rec]
            s: dict[str, Any] = {"runs": len(recs), "errors": errors}
            for k in keys:
                vals = [rec[k] for rec in recs if rec.get(k) is not None]
                if vals:
                    v = np.asarray(vals, dtype=float)
                    s[k] = {"mean": round(float(v.mean()), 4),
                            "se": round(float(v.std(ddof=1) / np.sqrt(len(v))), 4)
                            if len(v) > 1 else None}
            out[table][m] = s
    # mean over tables of the per-table means
    out["all tables (mean of table means)"] = {
        m: {k: round(float(np.mean([out[t][m][k]["mean"] for t in out
                                    if t in {r["table"] for r in runs} and k in out[t][m]])), 4)
            for k in ("balanced_accuracy", "minority_f1", "auprc", "precision", "recall",
                      "mmd2", "distinct_share", "entropy_gap_mean", "dcr_ratio",
                      "invalid_rate", "continued_per_row")
            if any(k in out[t][m] for t in out if t in {r["table"] for r in runs})}
        for m in METHODS}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="1 seed, 100 optimiser steps per LLM fit; printed, not saved")
    ap.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 3)")
    ap.add_argument("--steps", type=int, default=None,
                    help="optimiser steps per LLM fit, the epochs following from the "
                         "number of training sentences (default 600; 100 with --quick)")
    ap.add_argument("--epochs", type=int, default=None,
                    help="fixed LLM epochs for both modes instead of --steps")
    ap.add_argument("--max-tries", type=int, default=50,
                    help="LLMGenerator max_tries (library default 20)")
    ap.add_argument("--tables", nargs="*", default=list(TABLES))
    ap.add_argument("--out", default=None, help="JSON file to write (default "
                    "experiments/llm/results/compare.json; none with --quick)")
    args = ap.parse_args()
    seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)
    steps = args.steps if args.steps is not None else (100 if args.quick else 600)
    epochs = args.epochs
    out = Path(args.out) if args.out else (
        None if args.quick else HERE / "results" / "compare.json")
    w0, c0 = time.perf_counter(), cpu()
    load0 = os.getloadavg()
    runs = []
    for table in args.tables:
        for seed in range(seeds):
            runs.append(run_table(table, seed, epochs, steps, args.max_tries))
    report = {
        "settings": {"seeds": seeds, "llm_epochs": epochs if epochs is not None
                     else f"about {steps} optimiser steps per fit (batch 32)",
                     "llm_max_tries": args.max_tries, "test_size": 0.3,
                     "tables": {t: {"training_minority_kept": TABLES[t][1]}
                                for t in args.tables},
                     "classifier": "HistGradientBoostingClassifier(random_state=seed), "
                                   "one-hot input",
                     "budget": "training majority count - training minority count"},
        "summary": summarise(runs),
        "runs": runs,
        "compute": {"wall_s": round(time.perf_counter() - w0, 1),
                    "cpu_s": round(cpu() - c0, 1), "cpus": os.cpu_count(),
                    "omp_threads": os.environ.get("OMP_NUM_THREADS"),
                    "python": platform.python_version(),
                    "load_before": [round(v, 2) for v in load0],
                    "load_after": [round(v, 2) for v in os.getloadavg()], "gpu": None},
    }
    text = json.dumps(report, indent=1, default=float)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
