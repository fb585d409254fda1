"""LLMGenerator with the tiny model: fit and sampling time, invalid rows, throughput.

Data: a simulated mixed table of 2,000 rows (500 in the minority class) and 10 columns, 6
numeric (two of them whole numbers) and 4 categorical (3 to 6 levels), whose distributions
differ by class. The generator is fitted on the minority class with its defaults (ImbLLM's
label-first sentences, 1,000 interpolated rows: the majority size minus the minority's)
and draws 1,000 rows. Targets on 2 CPU cores: fit + sampling under 300 s, fewer than 5 %
of the generated rows rejected. Also reports the share of distinct sampled rows and how
many sampled rows copy a training row.

Prints JSON and writes benchmarks/results/bench_llm.json (``--quick``: fewer epochs and
rows, printed only unless ``--out`` is given).
Usage: ``python benchmarks/bench_llm.py [--quick] [--epochs E] [--device cpu]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import write_report  # same directory

from synthaug.diagnostics.fidelity import distinct_share
from synthaug.generators import _llm_model as lm
from synthaug.generators.llm import LLMGenerator


def make_table(n: int = 2_000, n_min: int = 500, seed: int = 0) -> tuple[pd.DataFrame,
                                                                        np.ndarray]:
    """The simulated mixed table (see the module docstring)."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n - n_min, dtype=int), np.ones(n_min, dtype=int)]
    shift = y * 0.8
    frame = pd.DataFrame({
        "age": np.clip(np.rint(rng.normal(40 + 8 * shift, 10)), 18, 90).astype(int),
        "income": np.round(rng.lognormal(10.3 + 0.3 * shift, 0.4), 2),
        "balance": np.round(rng.normal(1_500 - 600 * shift, 800), 2),
        "duration": rng.poisson(200 + 150 * shift).astype(int),
        "score": np.round(rng.beta(2 + 2 * shift, 5), 4),
        "rate": np.round(rng.normal(3.5 + shift, 1.2), 3),
    })
    levels = {"job": ["admin", "technician", "services", "management", "retired",
                      "student"],
              "region": ["north", "south", "east", "west"],
              "channel": ["phone", "web", "branch"],
              "plan": ["basic", "plus", "premium", "business", "family"]}
    for name, cats in levels.items():
        base = rng.dirichlet(np.ones(len(cats)) * 2)
        tilt = rng.dirichlet(np.ones(len(cats)) * 2)
        p_min = 0.5 * base + 0.5 * tilt
        col = np.where(y == 1, rng.choice(len(cats), n, p=p_min),
                       rng.choice(len(cats), n, p=base))
        frame[name] = pd.Categorical(np.asarray(cats)[col], categories=cats)
    return frame, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 epochs, 200 sampled rows")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--n-sample", type=int, default=None)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    epochs = args.epochs if args.epochs is not None else (3 if args.quick else None)
    n_sample = args.n_sample or (200 if args.quick else 1_000)
    out = args.out or str(Path(__file__).parent / "results" / "bench_llm.json")
    save = bool(args.out) or not (args.quick or args.epochs or args.n_sample)

    X, y = make_table()
    load_before = os.getloadavg()
    gen = LLMGenerator(epochs=epochs, device=args.device, random_state=0)
    w0, c0 = time.perf_counter(), time.process_time()
    gen.fit(X, y)
    fit_wall, fit_cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"fit: {fit_wall:.1f} s wall, losses {[round(h['loss'], 3) for h in gen.history_]}",
          file=sys.stderr)
    w0, c0 = time.perf_counter(), time.process_time()
    S = gen.sample(n_sample, random_state=1)
    sample_wall, sample_cpu = time.perf_counter() - w0, time.process_time() - c0

    minority = X[y == 1]
    real_rows = {tuple(r) for r in minority.astype(str).itertuples(index=False)}
    copies = sum(tuple(r) in real_rows for r in S.astype(str).itertuples(index=False))
    num_cols = [c for c in X.columns if not isinstance(X[c].dtype, pd.CategoricalDtype)]
    in_range = float(((S[num_cols] >= minority[num_cols].min())
                      & (S[num_cols] <= minority[num_cols].max())).all(axis=1).mean())
    report = {
        "data": {"rows": len(X), "minority": int((y == 1).sum()), "columns": X.shape[1],
                 "numeric": len(num_cols), "categorical": X.shape[1] - len(num_cols)},
        "model": {**lm.TINY, "parameters": lm.count_parameters(gen.model_),
                  "vocab": len(gen.tokenizer_), "n_positions": gen.model_.config.n_positions,
                  "lr": lm.LR_TINY, "epochs": len(gen.history_),
                  "batch_size": gen.batch_size, "temperature": gen.temperature,
                  "top_k": gen.top_k, "max_new_tokens": gen.max_new_tokens_},
        "n_interpolated": gen.n_interpolated_,
        "training_rows": int((y == 1).sum()) + gen.n_interpolated_,
        "final_loss": gen.history_[-1]["loss"] if gen.history_ else None,
        "loss_every_5_epochs": [round(h["loss"], 4) for h in gen.history_[::5]],
        "fit_wall_s": round(fit_wall, 2),
        "fit_cpu_s": round(fit_cpu, 2),
        "n_sampled": n_sample,
        "sample_wall_s": round(sample_wall, 2),
        "sample_cpu_s": round(sample_cpu, 2),
        "rows_per_s": round(n_sample / sample_wall, 1),
        "total_wall_s": round(fit_wall + sample_wall, 2),
        "total_cpu_s": round(fit_cpu + sample_cpu, 2),
        "invalid_rate": round(gen.invalid_rate_, 4),
        "invalid_reasons": gen.invalid_reasons_,
        "continued_rows": gen.continued_rows_,
        "guided": gen.guided_,
        "distinct_share": distinct_share(S),
        "copies_of_training_rows": int(copies),
        "numeric_in_minority_range": in_range,
        "targets": {"total_wall_s": 300, "invalid_rate": 0.05},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "omp_threads": os.environ.get("OMP_NUM_THREADS"),
                    "load_before": [round(v, 2) for v in load_before],
                    "load_after": [round(v, 2) for v in os.getloadavg()]},
    }
    write_report(report, out, save)


if __name__ == "__main__":
    main()
