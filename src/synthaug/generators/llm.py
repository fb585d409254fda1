"""LLM oversampling: a causal language model fine-tuned on minority rows written as text.

The method follows ImbLLM (Nguyen et al., "Large Language Models for Imbalanced
Classification: Diversity makes the difference", arXiv 2510.09783), which builds on GReaT
(Borisov et al., "Language Models are Realistic Tabular Data Generators", arXiv 2210.06280).
Rows become sentences ``"label is c, age is 41, job is admin, ..."``; the model learns
them and writes new ones. ImbLLM adds three things to GReaT, all aimed at diversity:

1. **label first**: the label clause always opens the sentence and only the feature clauses
   are shuffled (afresh every epoch);
2. **interpolated rows**: SMOTE rows of the class (numeric clauses only, since their
   categories would only be votes) join the training sentences;
3. **label + feature prompts**: each new row is prompted with the label and one feature's
   value, every feature taking its turn; a numeric prompt value comes from the real *and*
   the interpolated values, a categorical one from the real rows.

``permutation="full"`` is the GReaT-style ablation: every clause shuffled, no interpolated
rows, label-only prompts.

Two additions of synthaug make every returned row a real, complete row of the class
without imputing cells: decoding is guided (each column named once, categorical values
restricted to the class's categories, no end before every column is written), and a row
with a bad number is continued from its valid clauses rather than filled with the mean
(``invalid="complete"``). ``guided=False, invalid="impute"`` is the reference behaviour.

The text side (clauses, escaping of separators, number format, parser) lives in
``synthaug.generators._llm_text``; the model side (tiny model and tokenizer, local models,
training, batched sampling) in ``synthaug.generators._llm_model``. transformers and torch
are optional and imported only when a model is built.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from synthaug._random import rng_from, to_entropy
from synthaug._validation import check_integer, check_number
from synthaug.deep import load_fitted, resolve_device, save_fitted, seeded, torch_threads
from synthaug.encoding import TableCodec
from synthaug.exceptions import (
    GenerationError,
    InvalidInputError,
    InvalidParameterError,
    NotEnoughSamplesError,
    NotFittedError,
)
from synthaug.generators._llm_text import NumberFormat, RowCodec, without_last_clause
from synthaug.generators.base import BaseGenerator

__all__ = ["GenerationError", "LLMGenerator"]

_PERMUTATIONS = ("label-first", "full")
_INVALID = ("complete", "drop", "impute")
#: Epochs when ``epochs=None``: the tiny model (tuned in ``benchmarks/bench_llm.py``) and a
#: pre-trained model (the ImbLLM reference setting).
EPOCHS_TINY = 20
EPOCHS_FINETUNE = 50
#: The tiny model trains from scratch: on a small class 20 epochs are a few dozen steps,
#: too few to learn to write whole rows (on ecoli3's 17-row folds most rows came out
#: incomplete). With ``epochs=None`` it runs at least this many optimiser steps, in at most
#: ``MAX_EPOCHS_TINY`` epochs.
MIN_STEPS_TINY = 1000
MAX_EPOCHS_TINY = 300
#: Continuations of one row (``invalid="complete"``) before it is given up for a fresh one.
MAX_CONTINUATIONS = 4
#: Names tried, in order, for the label clause (the first that is no feature's name).
_LABEL_NAMES = ("label", "target", "class")


def _column_text(name: Any) -> str:
    return name if isinstance(name, str) else f"x{name}"


class LLMGenerator(BaseGenerator):
    """Minority rows written by a causal language model trained on the class as text
    (ImbLLM; GReaT with ``permutation="full"``).

    Fitting (one class, the ``target_class``; the model never sees other classes):

    1. Write every real row of the class as ``"label is c, <feature> is <value>, ..."``.
       Numbers use one fixed count of decimals per column (``decimals``), the same in
       training and in prompts; separators inside names and values are escaped.
    2. ``"label-first"``: add ``n_interpolated`` SMOTE rows of the class (SMOTENC neighbours
       with categorical columns), numeric clauses only.
    3. Train the model on these sentences, every sentence ending with the end token and the
       clause order drawn afresh each epoch (label clause first with ``"label-first"``).

    Sampling: each row gets a prompt ``"label is c, <F> is <v>,"``; the feature ``F`` goes
    round every feature in a random order per chunk, ``v`` is a real value of the class (or,
    for a numeric ``F``, a real or interpolated one). The model continues it (temperature,
    top-k, top-p) and the text is parsed back; when a name occurs twice the first wins and
    pieces that are not clauses are ignored. A row cut off at ``max_new_tokens`` keeps only
    its finished clauses. A row is valid when every column is present, every number
    parses and lies within the class's range (unless ``allow_extrapolation``) and every
    category is one of the class's; other rows are continued, repaired or dropped as
    ``invalid`` says, a dropped row's slot being prompted afresh, up to ``max_tries``
    rounds.

    Parameters
    ----------
    model : "tiny", dict, str or (model, tokenizer), default="tiny"
        ``"tiny"``: a small GPT-2-style model trained from scratch with a tokenizer built
        on the table's text (nothing downloaded). A dict: ``GPT2Config`` fields that
        override the tiny model's size (``n_layer``, ``n_head``, ``n_embd``, ...). A path: a
        local folder holding a causal LM and its tokenizer (``save_pretrained`` layout),
        fine-tuned in full. A pair: model and tokenizer objects (copied, not changed).
    permutation : {"label-first", "full"}, default="label-first"
        ImbLLM's order and prompts, or GReaT's (all clauses shuffled, label-only prompts,
        no interpolated rows).
    n_interpolated : None, int or float, default=None
        Interpolated training rows: ``None`` is the size of the largest other class minus
        the class's own (ImbLLM's default), an int a count, a float a multiple of the
        class's row count. Ignored with ``permutation="full"`` or without numeric columns.
    k_neighbors : int, default=5
        Neighbours of the interpolation (capped at the class's rows minus one).
    epochs : int or None, default=None
        Training epochs; None is 50 for a pre-trained model (the reference setting) and,
        for the tiny model, 20 or as many as it takes to run 1,000 optimiser steps (at most
        300 epochs): a model trained from scratch on a small class needs the steps. 0
        trains nothing (useful to test failure handling).
    batch_size : int, default=32
    learning_rate : float or None, default=None
        None: 5e-3 for the tiny model (warm-up over 5 % of the steps, then cosine decay to
        a tenth), 5e-5 for a pre-trained one (linear decay to 0, no warm-up). AdamW,
        gradient-norm clipping at 1.
    temperature : float, default=0.7
    top_k : int or None, default=50
    top_p : float, default=1.0
        Sampling of each token; ``temperature=0`` is greedy.
    decimals : "auto" or int, default="auto"
        Decimals of written numbers: "auto" is 0 for whole-number columns and 4
        significant digits of the column's median magnitude otherwise.
    invalid : {"complete", "drop", "impute"}, default="complete"
        What to do with a row that has a column missing (the model learns to end rows
        early from the interpolated sentences, which have no categorical clauses) or a bad
        cell (an unreadable or out-of-range number, a category foreign to the class).
        "complete": keep the row's valid clauses and continue it in the next round,
        prompting the model with them (repeats and junk left out) and forbidding it to end
        at once, so each bad or missing cell is drawn again given the rest of the row (a
        row still not valid after 4 continuations is dropped).
        "drop": discard the row. "impute": fill a missing number with the class's mean
        (rounded) and a missing or foreign category with its most frequent one, as the
        ImbLLM reference code does, and discard rows with other faults.
    allow_extrapolation : bool, default=False
        Accept numbers outside the class's ``[min, max]`` per column.
    max_tries : int, default=20
        Generation rounds per chunk of rows before :class:`GenerationError`.
    max_new_tokens : int or None, default=None
        Tokens generated per row; None is the longest training sentence plus a quarter
        and 8.
    guided : bool, default=True
        Constrain decoding to well-formed rows: at each clause start only the name of a
        column the row lacks, after a categorical name only one of the class's categories,
        and the end only once every column is written (numbers stay free). False samples
        freely, as GReaT and ImbLLM do, and relies on ``invalid`` alone. Not used when the
        tokenizer splits names differently in context (``guided_`` tells). Fixed at
        ``fit`` (the guide is built from the tokenizer then): changing it afterwards with
        ``set_params`` takes effect at the next ``fit``.
    device : {"auto", "cpu", "cuda"}, default="auto"
    progress : bool, default=False
        Show a progress bar while training.
    random_state : None, int or Generator, optional
        Seeds the interpolation, initialisation and training (deterministic on the CPU),
        and is the default seed of :meth:`sample`.

    Attributes
    ----------
    model_, tokenizer_ : the trained model (evaluation mode) and its tokenizer.
    history_ : list of dict
        Per epoch: ``epoch``, ``loss`` (token mean), ``lr``.
    n_interpolated_ : int
        Interpolated rows trained on.
    invalid_rate_ : float
        Share of the rows generated by the last ``sample`` call that were rejected.
    invalid_reasons_ : dict
        Rejected rows of the last ``sample`` call by first reason.
    imputed_cells_ : int
        Cells filled in by ``invalid="impute"`` in the last ``sample`` call.
    continued_rows_ : int
        Continuations prompted by ``invalid="complete"`` in the last ``sample`` call.
    max_new_tokens_ : int
    guided_ : bool
        Whether sampling is guided (``guided`` and a tokenizer that allows it).

    Notes
    -----
    Not multiclass-native: like ImbLLM, the model is trained on one class's rows, so
    :class:`~synthaug.sampler.Oversampler` fits one model per class it fills. Draws are
    prefix-consistent (chunks of 256 rows, each from its own stream, and within a chunk one
    stream per row): a row's prompt value and the uniforms behind every token it samples,
    retries included, come from its own stream only, so ``sample(1)`` generates one row,
    not a chunk.
    """

    chunk_size = 256
    partial_chunks = True
    handles_categorical = "encoded"

    def __init__(self, model: Any = "tiny", permutation: str = "label-first",
                 n_interpolated: int | float | None = None, k_neighbors: int = 5,
                 epochs: int | None = None, batch_size: int = 32,
                 learning_rate: float | None = None, temperature: float = 0.7,
                 top_k: int | None = 50, top_p: float = 1.0, decimals: Any = "auto",
                 invalid: str = "complete", allow_extrapolation: bool = False,
                 max_tries: int = 20, max_new_tokens: int | None = None,
                 guided: bool = True, device: str = "auto", progress: bool = False,
                 random_state: Any = None) -> None:
        self.model = model
        self.permutation = permutation
        self.n_interpolated = n_interpolated
        self.k_neighbors = k_neighbors
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.temperature = temperature
        self.top_k = top_k
        self.top_p = top_p
        self.decimals = decimals
        self.invalid = invalid
        self.allow_extrapolation = allow_extrapolation
        self.max_tries = max_tries
        self.max_new_tokens = max_new_tokens
        self.guided = guided
        self.device = device
        self.progress = progress
        self.random_state = random_state

    # ------------------------------------------------------------------ parameters
    def _check_params(self) -> None:
        for name in ("k_neighbors", "batch_size", "max_tries"):
            check_integer(name, getattr(self, name), 1)
        check_integer("epochs", self.epochs, 0, optional=True)
        check_integer("top_k", self.top_k, 1, optional=True)
        check_integer("max_new_tokens", self.max_new_tokens, 1, optional=True)
        check_number("temperature", self.temperature, 0.0, 100.0)
        check_number("top_p", self.top_p, 0.0, 1.0, open_low=True)
        check_number("learning_rate", self.learning_rate, 0.0, 1.0, open_low=True,
                     optional=True)
        if self.permutation not in _PERMUTATIONS:
            raise InvalidParameterError(
                f"permutation must be 'label-first' or 'full', got {self.permutation!r}.")
        if self.invalid not in _INVALID:
            raise InvalidParameterError(
                f"invalid must be 'complete', 'drop' or 'impute', got {self.invalid!r}.")
        v = self.n_interpolated
        if v is not None and (isinstance(v, bool) or not isinstance(
                v, (int, float, np.integer, np.floating)) or not math.isfinite(v) or v < 0):
            raise InvalidParameterError(
                f"n_interpolated must be None, a count (int >= 0) or a multiple of the class "
                f"size (float >= 0), got {v!r}.")
        d = self.decimals
        if not (isinstance(d, str) and d == "auto") and (
                isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 12):
            raise InvalidParameterError(
                f"decimals must be 'auto' or an integer from 0 to 12, got {d!r}.")
        for name in ("allow_extrapolation", "progress", "guided"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise InvalidParameterError(
                    f"{name} must be True or False, got {getattr(self, name)!r}.")

    def _model_kind(self) -> str:
        m = self.model
        if (isinstance(m, str) and m == "tiny") or isinstance(m, dict):
            return "tiny"
        if isinstance(m, (str, Path)):
            return "path"
        if isinstance(m, (tuple, list)) and len(m) == 2:
            return "objects"
        raise InvalidParameterError(
            f"model must be 'tiny', a dict of GPT2Config fields, the path of a local model "
            f"folder, or a (model, tokenizer) pair; got {type(m).__name__}.")

    # ------------------------------------------------------------------ fitting
    def _fit(self, X_num, X_cat, y, target_class):  # type: ignore[no-untyped-def]
        from synthaug.generators import _llm_model as lm

        lm.require_transformers("LLMGenerator")
        kind = self._model_kind()
        codec = self.codec_
        mask = y == target_class
        n_min = int(mask.sum())
        if n_min < 2:
            raise NotEnoughSamplesError(
                f"LLMGenerator needs at least 2 rows of class {target_class!r} to learn from; "
                f"it has {n_min}. Use RandomGenerator (bootstrap) for so few rows.")
        if codec.n_features_in_ == 0:
            raise InvalidInputError("LLMGenerator needs at least one feature column.")
        device = resolve_device(self.device, "LLMGenerator")
        seed = to_entropy(self.random_state)
        num, cat = X_num[mask], X_cat[mask]

        num_names = [_column_text(codec.columns_[j]) for j in codec.numeric_idx_]
        cat_names = [_column_text(codec.columns_[j]) for j in codec.categorical_idx_]
        taken = set(num_names) | set(cat_names)
        label_name = next((n for n in _LABEL_NAMES if n not in taken), None)
        k = 1
        while label_name is None:
            label_name = None if f"label_{k}" in taken else f"label_{k}"
            k += 1
        fixed = None if self.decimals == "auto" else int(self.decimals)
        fmt = NumberFormat.fit(num, fixed)
        try:
            self._text = RowCodec(num_names, cat_names, codec.categories_, label_name,
                                  str(target_class), fmt)
        except ValueError as exc:
            raise InvalidInputError(
                f"LLMGenerator writes columns by name, and {exc}; rename the columns so "
                "that their names differ as text.") from None

        # interpolated rows (numeric columns only)
        n_inter = self._interpolated_count(y, target_class, n_min, codec.n_numeric)
        inter = np.empty((0, codec.n_numeric))
        if n_inter:
            from synthaug.generators.smote import SMOTEGenerator

            smote = SMOTEGenerator(k_neighbors=min(int(self.k_neighbors), n_min - 1))
            smote._fit_encoded(codec, X_num, X_cat, y, target_class)
            inter, _ = smote.sample_encoded(n_inter, random_state=rng_from(seed, 2))
            inter = np.column_stack([fmt.round(j, inter[:, j]) for j in range(inter.shape[1])])
        self.n_interpolated_ = int(n_inter)
        self._set_pools(num, cat, inter)

        clauses = self._text.feature_clauses(num, cat) + (
            self._text.feature_clauses(inter, None) if n_inter else [])
        permutation = self.permutation
        # tokenizer and lengths from one ordering of every sentence
        first = self._text.sentences(clauses, rng_from(seed, 3), permutation)
        if kind == "tiny":
            tokenizer = lm.build_tokenizer(first)
        elif kind == "path":
            tokenizer = None
        else:
            tokenizer = self.model[1]
        model = None
        if kind == "path":
            model, tokenizer = lm.load_local(self.model)
        elif kind == "objects":
            model, tokenizer = lm.copy_pair(*self.model)
        model, tokenizer = (model, tokenizer) if kind == "tiny" else lm.prepare_pair(
            model, tokenizer)
        real_lengths = [len(r) for r in lm.encode_rows(tokenizer, first[:n_min])]
        longest = max(len(r) for r in lm.encode_rows(tokenizer, first))
        longest = max(longest, max(real_lengths))
        max_new = (int(self.max_new_tokens) if self.max_new_tokens is not None
                   else longest + longest // 4 + 8)
        needed = longest + 2 * max_new + 8         # room for a continued row
        with seeded(seed, device), torch_threads(1, device):
            if kind == "tiny":
                overrides = self.model if isinstance(self.model, dict) else None
                model = lm.build_tiny(tokenizer, needed, overrides)
            limit = lm.max_positions(model)
            if limit is not None and limit < longest + 8:
                raise InvalidInputError(
                    f"the rows of class {target_class!r} are up to {longest} tokens long as "
                    f"text, but the model reads at most {limit} positions; use fewer or "
                    "shorter columns (names and values), or a model with a longer context.")
            if limit is not None and limit < needed:
                max_new = max(1, limit - longest - 8)
            if self.epochs is not None:
                epochs = self.epochs
            elif kind == "tiny":
                per_epoch = math.ceil(len(first) / self.batch_size)
                epochs = min(MAX_EPOCHS_TINY,
                             max(EPOCHS_TINY, math.ceil(MIN_STEPS_TINY / per_epoch)))
            else:
                epochs = EPOCHS_FINETUNE
            lr = (float(self.learning_rate) if self.learning_rate is not None else
                  lm.LR_TINY if kind == "tiny" else lm.LR_FINETUNE)
            rng_epochs = rng_from(seed, 4)
            rng_batches = rng_from(seed, 5)

            def epoch_texts(epoch: int) -> list[str]:
                if epoch == 0:
                    return first
                return self._text.sentences(clauses, rng_epochs, permutation)

            self.history_ = lm.train_lm(
                model, tokenizer, epoch_texts, n_rows=len(clauses), epochs=int(epochs),
                batch_size=int(self.batch_size), lr=lr,
                schedule="warmup-cosine" if kind == "tiny" else "linear", device=device,
                rng=rng_batches, progress=bool(self.progress),
                weight_decay=0.01 if kind == "tiny" else 0.0, max_length=needed)
        model.to(device).eval()
        self.model_, self.tokenizer_ = model, tokenizer
        self._device = device
        self._kind = kind
        self.max_new_tokens_ = int(max_new)
        self._positions = lm.max_positions(model)
        self._build_guide()
        self.invalid_rate_ = math.nan
        self.continued_rows_ = 0
        self.invalid_reasons_: dict[str, int] = {}
        self.imputed_cells_ = 0

    def _build_guide(self) -> None:
        """The decoding guide (``guided``), checked on a sentence of the first real row."""
        from synthaug.generators._llm_model import ClauseGuide

        text = self._text
        sample = text.sentences(text.feature_clauses(self._real_num[:1], self._real_cat[:1]),
                                np.random.default_rng(0))[0]
        values: list[list[str] | None] = [None] * text.n_num
        values += [[t for t, ok in zip(text.cat_text[j], self._allowed[j]) if ok]
                   for j in range(text.n_cat)]
        guide = ClauseGuide(self.tokenizer_, [*text.num_names, *text.cat_names], values,
                            sample) if self.guided else None
        self._guide = guide if guide is not None and guide.usable else None
        self.guided_ = self._guide is not None

    def _interpolated_count(self, y: np.ndarray, target_class: Any, n_min: int,
                            n_numeric: int) -> int:
        if self.permutation == "full" or n_numeric == 0:
            return 0
        v = self.n_interpolated
        if v is None:
            _, counts = np.unique(y[y != target_class], return_counts=True)
            return int(max(counts.max() - n_min, 0)) if counts.size else 0
        if isinstance(v, (int, np.integer)):
            return int(v)
        return int(float(v) * n_min)

    def _set_pools(self, num: np.ndarray, cat: np.ndarray, inter: np.ndarray) -> None:
        """Prompt values, validity bounds and imputation values from the class's rows."""
        fmt = self._text.number_format
        self._real_num, self._real_cat, self._inter_num = num, cat, inter
        self._pool_num = [np.concatenate([num[:, j], inter[:, j]]) for j in range(num.shape[1])]
        lo, hi = num.min(axis=0) if num.size else np.empty(0), (
            num.max(axis=0) if num.size else np.empty(0))
        # the bounds as written (rounding may move an extreme value just outside)
        self._lo = np.array([min(lo[j], fmt.round(j, lo[j])) for j in range(lo.size)])
        self._hi = np.array([max(hi[j], fmt.round(j, hi[j])) for j in range(hi.size)])
        levels = [len(c) for c in self.codec_.categories_]
        self._allowed = [np.bincount(cat[:, j], minlength=levels[j]) > 0
                         for j in range(cat.shape[1])]
        self._impute_num = np.array([float(fmt.round(j, num[:, j].mean()))
                                     for j in range(num.shape[1])])
        self._impute_cat = np.array([int(np.bincount(cat[:, j]).argmax())
                                     for j in range(cat.shape[1])], dtype=np.int64)

    # ------------------------------------------------------------------ sampling
    def sample_encoded(self, n: int, *, target_class: Any = None, random_state: Any = None,
                       out_num: np.ndarray | None = None,
                       out_cat: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """See :meth:`BaseGenerator.sample_encoded`; also sets ``invalid_rate_``,
        ``invalid_reasons_`` and ``imputed_cells_`` for this draw."""
        self._stats: Counter[str] = Counter()
        result = super().sample_encoded(n, target_class=target_class,
                                        random_state=random_state, out_num=out_num,
                                        out_cat=out_cat)
        made = self._stats.pop("generated", 0)
        self.imputed_cells_ = int(self._stats.pop("imputed", 0))
        self.continued_rows_ = int(self._stats.pop("continued", 0))
        self.invalid_reasons_ = dict(self._stats)
        self.invalid_rate_ = (sum(self._stats.values()) / made) if made else 0.0
        return result

    def _prompts(self, rngs: list[np.random.Generator], features: np.ndarray) -> list[str]:
        """One prompt per slot: the label, and (label-first) the slot's feature with a
        value drawn from the slot's own stream (``rngs``, one per slot)."""
        text = self._text
        if self.permutation == "full":
            return [text.prompt()] * len(features)
        u = [r.random() for r in rngs]
        out = []
        n_num = text.n_num
        for f, ui in zip(features.tolist(), u):
            if f < n_num:
                pool = self._pool_num[f]
                out.append(text.prompt(text.num_clause(f, pool[int(ui * len(pool))])))
            else:
                col = self._real_cat[:, f - n_num]
                out.append(text.prompt(text.cat_clause(f - n_num, col[int(ui * len(col))])))
        return out

    def _sample_chunk(self, rng: np.random.Generator, size: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        from synthaug.generators._llm_model import generate

        text = self._text
        d = text.n_num + text.n_cat
        features = rng.permutation(d)[np.arange(size) % d]
        # one stream per slot: a row does not depend on how many rows the chunk holds
        root = int(rng.integers(2**63))
        slot_rngs = [np.random.default_rng([root, slot]) for slot in range(size)]
        num = np.empty((size, text.n_num))
        cat = np.empty((size, text.n_cat), dtype=np.int64)
        pending = np.arange(size)
        prefix: dict[int, str] = {}                     # slot -> a row to continue
        tries: dict[int, int] = {}                      # slot -> continuations so far
        written_count: dict[int, int] = {}              # slot -> valid clauses kept
        kept: dict[int, tuple[str, ...]] = {}           # slot -> their column names
        lo = hi = None
        if not self.allow_extrapolation:
            lo, hi = self._lo, self._hi
        impute = self.invalid == "impute"
        complete = self.invalid == "complete"
        stats = getattr(self, "_stats", None)
        if stats is None:
            stats = self._stats = Counter()
        reasons: Counter[str] = Counter()
        generated = 0
        for _ in range(int(self.max_tries)):
            fresh = np.array([slot not in prefix for slot in pending.tolist()], dtype=bool)
            new_prompts = iter(self._prompts([slot_rngs[s] for s in pending[fresh].tolist()],
                                             features[pending[fresh]]))
            prompts = [next(new_prompts) if f else prefix[slot]
                       for slot, f in zip(pending.tolist(), fresh.tolist())]
            order = {name: j for j, name in enumerate([*text.num_names, *text.cat_names])}
            written_sets = [
                (set() if self.permutation == "full" else {int(features[slot])}) if f
                else {order[name] for name in kept[slot]}
                for slot, f in zip(pending.tolist(), fresh.tolist())]
            # clauses each row still lacks (the prompt's feature clause counts as written)
            need = np.array([d - (0 if self.permutation == "full" else 1) if f
                             else d - written_count[slot]
                             for slot, f in zip(pending.tolist(), fresh.tolist())])
            u = np.array([slot_rngs[slot].random(self.max_new_tokens_)
                          for slot in pending.tolist()]).reshape(len(prompts), -1)
            with torch_threads(1, self._device):
                cont, finished = generate(
                    self.model_, self.tokenizer_, prompts, max_new_tokens=self.max_new_tokens_,
                    uniforms=u, temperature=float(self.temperature),
                    top_k=None if self.top_k is None else int(self.top_k),
                    top_p=float(self.top_p), device=self._device,
                    min_clauses=need if complete else None, guide=self._guide,
                    written=written_sets, positions_limit=self._positions)
            ok = np.zeros(len(prompts), dtype=bool)
            for i, (p, c, fin) in enumerate(zip(prompts, cont, finished)):
                slot = int(pending[i])
                prefix.pop(slot, None)
                # a row cut off at the token limit keeps only its finished clauses
                written = p + c if fin else without_last_clause(p + c)
                row = text.parse(written, lo, hi, self._allowed,
                                 self._impute_num if impute else None,
                                 self._impute_cat if impute else None)
                if row.reason is not None and complete and row.valid:
                    tries[slot] = tries.get(slot, 0) + 1
                    if tries[slot] <= MAX_CONTINUATIONS:
                        prefix[slot] = text.restart(written, row.valid)
                        written_count[slot] = len(row.valid)
                        kept[slot] = row.valid
                        stats["continued"] += 1
                        continue
                    tries.pop(slot)
                    reasons["still incomplete after continuations"] += 1
                    continue
                if row.reason is not None:
                    tries.pop(slot, None)
                    reasons[row.reason if fin else "cut off at max_new_tokens"] += 1
                    continue
                tries.pop(slot, None)
                stats["imputed"] += row.imputed
                num[slot], cat[slot] = row.num, row.cat
                ok[i] = True
            generated += int(fresh.sum())
            pending = pending[~ok]
            if not pending.size:
                break
        if prefix:
            reasons["incomplete after max_tries"] += len(prefix)
        stats["generated"] += generated
        stats.update(reasons)
        if pending.size:
            made = size - pending.size
            why = ", ".join(f"{k}: {v}" for k, v in reasons.most_common())
            raise GenerationError(
                f"LLMGenerator wrote only {made} valid rows of the {size} of a chunk after "
                f"max_tries={self.max_tries} rounds ({generated} rows generated; rejected: "
                f"{why}). Likely causes: too little training (epochs={self.epochs}, "
                f"{len(self.history_)} run), max_new_tokens={self.max_new_tokens_} too small "
                "for the rows, too many or too long columns for the model, or a temperature "
                "too high. Train longer, raise max_tries or max_new_tokens, or pass "
                "allow_extrapolation=True / invalid='impute' to accept more rows.")
        return num, cat

    # ------------------------------------------------------------------ memory
    def memory_estimate(self, n_rows: int, n_features: int, n_target: int) -> int:
        """Peak working memory of ``fit`` and ``sample`` in bytes (an upper bound for the
        tiny model; for a pre-trained model, from its parameter count once fitted, else from
        the size of its weight files).

        Counts the model with its gradients and AdamW's two moments (float32), the
        activations of a training batch and of a chunk's generation (logits over the
        vocabulary and the key/value cache), and the sentences of the training set.
        """
        from synthaug.generators import _llm_model as lm

        seq = 8 + 14 * max(n_features, 1)                      # tokens per row, generous
        vocab = lm.TINY_VOCAB
        fields = {**lm.TINY, **(self.model if isinstance(self.model, dict) else {})}
        width, layers = int(fields["n_embd"]), int(fields["n_layer"])
        if getattr(self, "model_", None) is not None:
            n_params = lm.count_parameters(self.model_)
            config = self.model_.config
            width = int(getattr(config, "n_embd", getattr(config, "hidden_size", width)))
            layers = int(getattr(config, "n_layer", getattr(config, "num_hidden_layers",
                                                            layers)))
            vocab = int(getattr(config, "vocab_size", vocab))
        elif isinstance(self.model, (str, Path)) and not (
                isinstance(self.model, str) and self.model == "tiny"):
            folder = Path(self.model)
            files = list(folder.glob("*.safetensors")) + list(folder.glob("*.bin")) \
                if folder.is_dir() else []
            n_params = sum(f.stat().st_size for f in files) // 4 or 100_000_000
            width, layers, vocab = 768, 12, 50_257
        else:
            n_params = vocab * width + 3 * seq * width + layers * 12 * width * width
        model = 4 * n_params * 4                              # weights, grads, 2 moments
        batch = int(self.batch_size) if isinstance(self.batch_size, int) else 32
        train_act = batch * seq * (layers * 20 * width + 3 * vocab) * 4
        chunk = self.chunk_size
        gen = chunk * seq * (2 * layers * width + 2 * vocab) * 4
        inter = max(n_rows - n_target, n_target)
        text = (n_target + inter) * seq * 16
        return super().memory_estimate(n_rows, n_features, n_target) + int(
            model + max(train_act, gen) + text)

    # ------------------------------------------------------------------ persistence
    def _check_fitted(self) -> None:
        if not getattr(self, "is_fitted_", False):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit "
                                 "first.")

    def save(self, path: str | Path) -> Path:
        """Save the fitted generator to the folder ``path``: the weights and the class's
        rows as safetensors, the configuration as JSON and the tokenizer as its own JSON
        file (``tokenizer.json``); no pickle. :meth:`load` reads it back and then samples
        exactly the rows this generator samples."""
        self._check_fitted()
        import torch

        from synthaug.generators import _llm_model as lm

        tok_text, special = lm.tokenizer_json(self.tokenizer_)
        tensors = {f"model.{k}": v for k, v in lm.unique_state(self.model_).items()}
        tensors.update({
            "real_num": torch.as_tensor(self._real_num, dtype=torch.float64),
            "real_cat": torch.as_tensor(self._real_cat, dtype=torch.int64),
            "inter_num": torch.as_tensor(self._inter_num, dtype=torch.float64),
        })
        params = self.get_params(deep=False)
        if self._kind == "objects":
            params["model"] = "saved"
        elif isinstance(params["model"], Path):
            params["model"] = str(params["model"])
        if not isinstance(params["random_state"], (int, np.integer, type(None))):
            params["random_state"] = None
        codec = self.codec_
        config = {
            "class": type(self).__name__,
            "params": params,
            "kind": self._kind,
            "model_config": self.model_.config.to_dict(),
            "tokenizer_special": special,
            "classes": self.classes_.tolist(),
            "classes_dtype": self.classes_.dtype.str if self.classes_.dtype != object
            else "object",
            "target_class": self.target_class_,
            "codec": codec.to_state(),
            "text": {"num_names": [_column_text(codec.columns_[j])
                                   for j in codec.numeric_idx_],
                     "cat_names": [_column_text(codec.columns_[j])
                                   for j in codec.categorical_idx_],
                     "label_name": self._label_name_raw(),
                     "decimals": self._text.number_format.decimals},
            "history": self.history_,
            "n_interpolated": self.n_interpolated_,
            "max_new_tokens": self.max_new_tokens_,
        }
        folder = save_fitted(path, tensors, config)
        (folder / "tokenizer.json").write_text(tok_text, encoding="utf-8")
        return folder

    def _label_name_raw(self) -> str:
        from synthaug.generators._llm_text import unescape

        return unescape(self._text.label_name)

    @classmethod
    def load(cls, path: str | Path, device: str = "auto") -> LLMGenerator:
        """A generator saved by :meth:`save`, ready to sample, on ``device``."""
        from synthaug.generators import _llm_model as lm

        tensors, config = load_fitted(path, kind=cls.__name__)
        tok_file = Path(path) / "tokenizer.json"
        if not tok_file.is_file():
            raise InvalidInputError(f"{path} lacks tokenizer.json (save writes it).")
        params = dict(config["params"])
        params["device"] = device
        gen = cls(**params)
        dev = resolve_device(device, cls.__name__)
        codec = gen.codec_ = TableCodec.from_state(config["codec"])
        dtype = config["classes_dtype"]
        gen.classes_ = np.asarray(config["classes"],
                                  dtype=object if dtype == "object" else np.dtype(dtype))
        gen.target_class_ = config["target_class"]
        gen.n_features_in_ = codec.n_features_in_
        t = config["text"]
        gen._text = RowCodec(t["num_names"], t["cat_names"], codec.categories_,
                             t["label_name"], str(gen.target_class_),
                             NumberFormat([int(d) for d in t["decimals"]]))
        gen._set_pools(tensors["real_num"].numpy(), tensors["real_cat"].numpy(),
                       tensors["inter_num"].numpy())
        model = lm.model_from_saved(config["model_config"])
        lm.load_state(model, {k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
        gen.model_ = model.to(dev).eval()
        gen.tokenizer_ = lm.tokenizer_from_json(tok_file.read_text(encoding="utf-8"),
                                                config["tokenizer_special"])
        gen._device = dev
        gen._kind = config["kind"]
        gen.history_ = [{k: (math.nan if v is None else v) for k, v in rec.items()}
                        for rec in config["history"]]
        gen.n_interpolated_ = int(config["n_interpolated"])
        gen.max_new_tokens_ = int(config["max_new_tokens"])
        gen._positions = lm.max_positions(gen.model_)
        gen._build_guide()
        gen.invalid_rate_ = math.nan
        gen.continued_rows_ = 0
        gen.invalid_reasons_ = {}
        gen.imputed_cells_ = 0
        gen.is_fitted_ = True
        return gen
