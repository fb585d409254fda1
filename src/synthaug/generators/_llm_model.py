"""The language-model side of :class:`~synthaug.generators.llm.LLMGenerator`: building or
loading a causal LM and its tokenizer, training it on sentences, and sampling from it.

Three kinds of model are accepted, and none is ever downloaded:

* ``"tiny"`` (or a dict of ``GPT2Config`` overrides): a small GPT-2-style network built
  from scratch, with a byte-level BPE tokenizer trained on the table's own sentences by the
  ``tokenizers`` library. Digits are always single tokens, so the model writes numbers
  digit by digit and can produce values it never saw; column names and category values
  become whole tokens.
* a local folder holding a causal LM saved with ``save_pretrained`` (weights, config and
  tokenizer files), read with ``local_files_only=True``;
* a ``(model, tokenizer)`` pair of objects.

Generation is a plain loop over the model's key/value cache: prompts are left-padded
with an attention mask and position ids that start at each prompt's first real token, and
each next token is drawn by inverse-CDF sampling from uniforms supplied by the caller (a
numpy stream), so that a draw is reproducible from the caller's seed alone. A
:class:`ClauseGuide` can mask, at each step, the tokens that would make a row malformed.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from synthaug.deep import require_torch, train
from synthaug.exceptions import InvalidParameterError, MissingDependencyError

__all__ = [
    "LR_FINETUNE",
    "LR_TINY",
    "TINY",
    "build_tiny",
    "count_parameters",
    "generate",
    "load_local",
    "model_from_saved",
    "prepare_pair",
    "require_transformers",
    "tokenizer_from_json",
    "tokenizer_json",
    "train_lm",
]

#: The default size of the ``"tiny"`` model (GPT2Config fields); see ``benchmarks/bench_llm.py``.
TINY: dict[str, Any] = {"n_layer": 2, "n_head": 4, "n_embd": 64, "n_inner": 256,
                        "activation_function": "relu", "resid_pdrop": 0.0,
                        "embd_pdrop": 0.0, "attn_pdrop": 0.0}
#: Peak learning rate of a tiny model trained from scratch (warm-up, then cosine decay).
LR_TINY = 5e-3
#: Learning rate of fine-tuning a pre-trained model (linear decay, no warm-up: the
#: Hugging Face ``Trainer`` defaults the ImbLLM reference code runs with).
LR_FINETUNE = 5e-5
#: Share of the steps spent warming up the tiny model's learning rate.
WARMUP = 0.05
#: Most tokens of the tiny model's tokenizer: the characters of the table's text, merges,
#: the end token. Small on purpose: the output layer over the vocabulary is the largest
#: cost of a training step of so small a network.
TINY_VOCAB = 384
EOS = "<|endoftext|>"

INSTALL = 'pip install "synthaug[llm]" (transformers, tokenizers; torch as for synthaug[torch])'


def require_transformers(what: str) -> Any:
    """The ``transformers`` module, or a :class:`MissingDependencyError` saying how to
    install it."""
    require_torch(what)
    try:
        import transformers
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs transformers, which is not installed: {INSTALL}.") from None
    return transformers


def count_parameters(module: Any) -> int:
    return int(sum(p.numel() for p in module.parameters()))


# --------------------------------------------------------------------------- tokenizers
def build_tokenizer(texts: Sequence[str], vocab_size: int = TINY_VOCAB) -> Any:
    """A byte-level BPE tokenizer trained on ``texts``, with digits as single tokens,
    wrapped as a ``PreTrainedTokenizerFast`` whose end and pad token is ``EOS``.

    Its alphabet is the bytes that occur in ``texts`` (not all 256): prompts are built from
    the same values, and the model has no use for characters it never saw.
    """
    require_transformers("the tiny LLM tokenizer")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.ByteLevel(add_prefix_space=False),
        pre_tokenizers.Digits(individual_digits=True)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=int(vocab_size), min_frequency=2,
                                  special_tokens=[EOS], show_progress=False)
    tok.train_from_iterator(list(texts), trainer)
    return _wrap(tok, EOS, EOS)


def _wrap(tok: Any, eos: str, pad: str) -> Any:
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=eos, pad_token=pad)


def tokenizer_json(tokenizer: Any) -> tuple[str, dict[str, str]]:
    """A fast tokenizer as its JSON text and its special tokens (for saving)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise InvalidParameterError(
            f"saving needs a fast tokenizer (a tokenizers-backed one); got "
            f"{type(tokenizer).__name__}.")
    return backend.to_str(), {"eos": str(tokenizer.eos_token), "pad": str(tokenizer.pad_token)}


def tokenizer_from_json(text: str, special: dict[str, str]) -> Any:
    require_transformers("loading an LLM tokenizer")
    from tokenizers import Tokenizer

    return _wrap(Tokenizer.from_str(text), special["eos"], special["pad"])


# --------------------------------------------------------------------------- models
def build_tiny(tokenizer: Any, n_positions: int, overrides: dict[str, Any] | None = None
               ) -> Any:
    """A freshly initialised GPT-2-style model for ``tokenizer`` (call it seeded)."""
    transformers = require_transformers("the tiny LLM")
    fields = {**TINY, **(overrides or {})}
    eos = tokenizer.eos_token_id
    try:
        config = transformers.GPT2Config(vocab_size=len(tokenizer), n_positions=int(n_positions),
                                         bos_token_id=eos, eos_token_id=eos, pad_token_id=eos,
                                         **fields)
    except TypeError as exc:
        raise InvalidParameterError(f"model: a bad GPT2Config field ({exc}).") from None
    if config.n_embd % config.n_head:
        raise InvalidParameterError(
            f"model: n_embd={config.n_embd} must be a multiple of n_head={config.n_head}.")
    return transformers.GPT2LMHeadModel(config)


def load_local(path: str | Path) -> tuple[Any, Any]:
    """A causal LM and its tokenizer from the local folder ``path`` (never downloaded)."""
    transformers = require_transformers("a local LLM")
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InvalidParameterError(
            f"model={str(path)!r} is not 'tiny' and not an existing folder. synthaug never "
            "downloads models: pass model='tiny' (a small model trained from scratch), the "
            "path of a local folder holding a causal language model saved with "
            "save_pretrained (for example made beforehand on a machine with internet access "
            "by `huggingface-cli download distilgpt2 --local-dir ./distilgpt2`), or a "
            "(model, tokenizer) pair of objects.")
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder),
                                                               local_files_only=True)
        model = transformers.AutoModelForCausalLM.from_pretrained(str(folder),
                                                                  local_files_only=True)
    except (OSError, ValueError) as exc:
        raise InvalidParameterError(
            f"model={str(path)!r}: the folder does not hold a loadable causal language model "
            f"and tokenizer ({exc}).") from None
    return model, tokenizer


def prepare_pair(model: Any, tokenizer: Any) -> tuple[Any, Any]:
    """Check a ``(model, tokenizer)`` pair and give the tokenizer a pad token (its end
    token when it has none)."""
    if not callable(tokenizer) or not hasattr(model, "forward"):
        raise InvalidParameterError(
            "model must be 'tiny', a dict of GPT2Config fields, a local folder, or a "
            "(model, tokenizer) pair of a causal language model and its tokenizer.")
    if tokenizer.eos_token_id is None:
        raise InvalidParameterError(
            "the tokenizer has no end-of-sequence token; set tokenizer.eos_token first.")
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def max_positions(model: Any) -> int | None:
    config = getattr(model, "config", None)
    for name in ("n_positions", "max_position_embeddings"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return None


def model_from_saved(config_dict: dict[str, Any]) -> Any:
    """An untrained model with the architecture of a saved model's configuration."""
    transformers = require_transformers("loading an LLM")
    data = dict(config_dict)
    kind = data.pop("model_type")
    config = transformers.AutoConfig.for_model(kind, **data)
    return transformers.AutoModelForCausalLM.from_config(config)


def unique_state(model: Any) -> dict[str, Any]:
    """The model's state dict without the copies of tied tensors (safetensors refuses
    tensors that share memory); :func:`load_state` ties them back."""
    out: dict[str, Any] = {}
    seen: set[tuple[int, int]] = set()
    for name, tensor in model.state_dict().items():
        key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset())
        if key in seen:
            continue
        seen.add(key)
        out[name] = tensor
    return out


def load_state(model: Any, tensors: dict[str, Any]) -> None:
    model.load_state_dict(tensors, strict=False)
    if hasattr(model, "tie_weights"):
        model.tie_weights()


def copy_pair(model: Any, tokenizer: Any) -> tuple[Any, Any]:
    """Private copies, so that fine-tuning never changes the caller's objects."""
    return copy.deepcopy(model), copy.deepcopy(tokenizer)


# --------------------------------------------------------------------------- training
def encode_rows(tokenizer: Any, texts: Sequence[str], limit: int | None = None
                ) -> list[list[int]]:
    """Token ids of each sentence with the end token appended (cut to ``limit``)."""
    eos = int(tokenizer.eos_token_id)
    ids = tokenizer(list(texts))["input_ids"]
    out = [[*row, eos] for row in ids]
    if limit is not None:
        out = [row[:limit] for row in out]
    return out


def train_lm(model: Any, tokenizer: Any, epoch_texts: Callable[[int], list[str]], *,
             n_rows: int, epochs: int, batch_size: int, lr: float, schedule: str, device: Any,
             rng: np.random.Generator, progress: bool = False, weight_decay: float = 0.0,
             max_length: int | None = None) -> list[dict[str, float]]:
    """Train ``model`` on the ``n_rows`` sentences ``epoch_texts(epoch)`` (fresh each epoch).

    AdamW with gradient-norm clipping at 1; ``schedule="warmup-cosine"`` warms the rate up
    over the first ``WARMUP`` share of the steps and decays it to a tenth by a cosine,
    ``"linear"`` decays it linearly to 0 from the first step. Padding is masked out of
    the loss (labels -100), every sentence ends with the end token, and on CUDA the forward
    pass runs in bfloat16 (float16 with loss scaling where bfloat16 is missing).
    Returns the history (per epoch: token-mean ``loss`` and the last ``lr``).
    """
    torch = require_torch("training an LLM")
    model.to(device)
    model.train()
    steps_per_epoch = max(1, math.ceil(n_rows / batch_size))
    total = max(1, steps_per_epoch * epochs)
    warm = max(1, int(WARMUP * total)) if schedule == "warmup-cosine" else 0

    def factor(step: int) -> float:
        if schedule == "warmup-cosine":
            if step < warm:
                return (step + 1) / warm
            t = (step - warm) / max(1, total - warm)
            return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(t, 1.0)))
        return max(0.0, 1.0 - step / total)

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    cuda = getattr(device, "type", "cpu") == "cuda"
    bf16 = cuda and torch.cuda.is_bf16_supported()
    scaler = torch.amp.GradScaler("cuda") if cuda and not bf16 else None
    pad = int(tokenizer.pad_token_id)

    def step(epoch: int) -> dict[str, float]:
        model.train()
        rows = encode_rows(tokenizer, epoch_texts(epoch), max_length)
        order = rng.permutation(len(rows))
        loss_sum = torch.zeros((), dtype=torch.float64, device=device)
        tokens = 0
        for start in range(0, len(rows), batch_size):
            batch = [rows[k] for k in order[start:start + batch_size]]
            width = max(len(r) for r in batch)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for i, r in enumerate(batch):
                ids[i, :len(r)] = torch.tensor(r, dtype=torch.long)
                mask[i, :len(r)] = 1
            labels = ids.masked_fill(mask == 0, -100)
            ids, mask, labels = ids.to(device), mask.to(device), labels.to(device)
            with torch.autocast("cuda", dtype=torch.bfloat16 if bf16 else torch.float16,
                                enabled=cuda):
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            optimiser.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.unscale_(optimiser)
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                scaler.step(optimiser)
                scaler.update()
            else:
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimiser.step()
            scheduler.step()
            n_tok = int(mask[:, 1:].sum())
            loss_sum += loss.detach().double() * n_tok
            tokens += n_tok
        return {"loss": float(loss_sum) / max(tokens, 1),
                "lr": float(optimiser.param_groups[0]["lr"])}

    history = train(step, max_epochs=int(epochs), progress=progress, description="LLM",
                    lr=lr)
    model.eval()
    return history


# --------------------------------------------------------------------------- guidance
class ClauseGuide:
    """Keeps generated rows well formed while the model writes them.

    At the start of each clause (after a comma, and right after the prompt) the model may
    only write ``" <name> is"`` for a column the row does not have yet; after a categorical
    column's name, only one of the values in ``values`` (the class's categories), followed
    by a comma or the end; a numeric value is free until the next comma. The end token is
    allowed only once every column is written, and is forced then. Numbers can therefore
    still be unreadable or out of range, and rows can still be cut off, but no column is
    repeated, forgotten or given a foreign category.

    Built from the token ids of each name and value as written after a space; ``usable``
    is False when the tokenizer does not split text at clause boundaries the same way in
    context (the guide is then not used).
    """

    def __init__(self, tokenizer: Any, names: Sequence[str],
                 values: Sequence[Sequence[str] | None], sample: str) -> None:
        def ids(text: str) -> list[int]:
            return list(tokenizer(text, add_special_tokens=False)["input_ids"])

        self.eos = int(tokenizer.eos_token_id)
        comma = ids(",")
        self.names = [ids(f" {n} is") for n in names]
        self.values = [None if v is None else [ids(f" {t}") for t in v] for v in values]
        self.usable = len(comma) == 1 and all(self.names)
        self.comma = comma[0] if comma else -1
        if self.usable:   # the ids in context must be the ids of the parts
            head, _, rest = sample.partition(",")
            whole = ids(sample)
            first = rest.split(" is ", 1)[0].strip()
            self.usable = whole[:len(ids(head)) + 1] == [*ids(head), self.comma] and any(
                whole[len(ids(head)) + 1:][:len(seq)] == seq
                for n, seq in zip(names, self.names) if n == first)

    def start(self, written: set[int]) -> list[Any]:
        """The state of a row at a clause start whose columns ``written`` are done:
        ``[mode, written, candidates, position]``."""
        return ["start", set(written), None, 0]

    def allowed(self, state: list[Any]) -> list[int] | None:
        """Token ids allowed next; None for any token (the end only when complete)."""
        mode, written, cands, pos = state
        complete = len(written) == len(self.names)
        if mode == "free":
            return None
        if mode == "start":
            if complete:
                return [self.eos]
            return sorted({seq[0] for j, seq in enumerate(self.names) if j not in written})
        if mode == "name":
            return sorted({seq[pos] for _, seq in cands if len(seq) > pos})
        out = {seq[pos] for seq in cands if len(seq) > pos}
        if any(len(seq) == pos for seq in cands):       # a whole value: end the clause
            out.add(self.comma)
            if complete:
                out.add(self.eos)
        return sorted(out)

    def may_end(self, state: list[Any]) -> bool:
        return len(state[1]) == len(self.names)

    def advance(self, state: list[Any], token: int) -> None:
        """Move ``state`` past ``token``."""
        mode, written, cands, pos = state
        if mode == "free":
            if token == self.comma:
                state[:] = ["start", written, None, 0]
            return
        if mode == "value":
            if token == self.comma and any(len(seq) == pos for seq in cands):
                state[:] = ["start", written, None, 0]
            else:
                state[:] = ["value", written, [seq for seq in cands
                                               if len(seq) > pos and seq[pos] == token],
                            pos + 1]
            return
        if mode == "start":
            cands = [(j, seq) for j, seq in enumerate(self.names) if j not in written]
        cands = [(j, seq) for j, seq in cands if len(seq) > pos and seq[pos] == token]
        pos += 1
        done = [j for j, seq in cands if len(seq) == pos]
        if not done:
            state[:] = ["name", written, cands, pos]
            return
        j = done[0]
        written.add(j)
        values = self.values[j]
        state[:] = ["free", written, None, 0] if values is None else [
            "value", written, values, 0]


# --------------------------------------------------------------------------- generation
def _cache_keyword(model: Any) -> str:
    """The forward argument that takes the key/value cache (renamed in transformers 5)."""
    try:
        params = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return "past_key_values"
    return "cache" if "cache" in params else "past_key_values"


def _next_tokens(torch: Any, logits: Any, u: Any, temperature: float, top_k: int | None,
                 top_p: float) -> Any:
    """One token per row by inverse-CDF sampling at the uniforms ``u``."""
    logits = logits.float()
    if temperature <= 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None and 0 < top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, -math.inf)
    probs = torch.softmax(logits, dim=-1)
    if top_p < 1.0:
        sorted_p, idx = torch.sort(probs, dim=-1, descending=True)
        before = sorted_p.cumsum(dim=-1) - sorted_p          # mass of the better tokens
        sorted_p = sorted_p.masked_fill(before >= top_p, 0.0)
        probs = torch.zeros_like(probs).scatter_(-1, idx, sorted_p)
    cdf = probs.cumsum(dim=-1)
    target = (u.to(cdf.dtype) * cdf[:, -1]).unsqueeze(-1)
    out = torch.searchsorted(cdf, target, right=True).squeeze(-1)
    return out.clamp_(max=probs.shape[-1] - 1)


def _guided(torch: Any, guide: ClauseGuide, states: list[list[Any]], logits: Any,
            eos: int) -> Any:
    """``logits`` with the tokens the guide forbids set to -inf."""
    masked = torch.full_like(logits, -math.inf)
    keep_rows, keep_cols, free_rows = [], [], []
    for i, state in enumerate(states):
        allowed = guide.allowed(state)
        if not allowed:                                  # free text (or a dead end)
            free_rows.append(i)
        else:
            keep_rows.extend([i] * len(allowed))
            keep_cols.extend(allowed)
    if free_rows:
        rows = torch.as_tensor(free_rows, device=logits.device)
        masked[rows] = logits[rows].float()
        ending = [i for i in free_rows if not guide.may_end(states[i])]
        if ending:
            masked[torch.as_tensor(ending, device=logits.device), eos] = -math.inf
    if keep_rows:
        r = torch.as_tensor(keep_rows, device=logits.device)
        c = torch.as_tensor(keep_cols, device=logits.device)
        masked[r, c] = logits[r, c].float()
    return masked


def result_vocab(model: Any, tokenizer: Any) -> int:
    """Size of the model's output layer (at least the tokenizer's vocabulary)."""
    size = getattr(getattr(model, "config", None), "vocab_size", None)
    return max(int(size) if size else 0, len(tokenizer))


def generate(model: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int,
             uniforms: np.ndarray, temperature: float, top_k: int | None, top_p: float,
             device: Any, min_clauses: np.ndarray | None = None,
             guide: ClauseGuide | None = None, written: Sequence[set[int]] | None = None,
             positions_limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Continue each prompt; returns the continuations (cut before the end token) and
    whether each one reached the end token within ``max_new_tokens``.

    ``uniforms`` has shape ``(len(prompts), max_new_tokens)``: the uniform draw behind each
    sampled token. A row given ``min_clauses = k > 0`` may not end before it has written at
    least one token and ``k - 1`` commas (``k`` more clauses). With a ``guide`` (and the
    columns each prompt has ``written``) every step is constrained as
    :class:`ClauseGuide` says. With
    ``positions_limit``, generation stops before the longest prompt plus the new tokens
    would exceed it (rows not ended by then count as cut off).
    """
    torch = require_torch("sampling an LLM")
    eos, pad = int(tokenizer.eos_token_id), int(tokenizer.pad_token_id)
    encoded = tokenizer(list(prompts))["input_ids"]
    b = len(encoded)
    width = max(len(r) for r in encoded)
    ids = torch.full((b, width), pad, dtype=torch.long)
    mask = torch.zeros((b, width), dtype=torch.long)
    for i, r in enumerate(encoded):
        ids[i, width - len(r):] = torch.tensor(r, dtype=torch.long)
        mask[i, width - len(r):] = 1
    ids, mask = ids.to(device), mask.to(device)
    if positions_limit is not None:
        max_new_tokens = max(0, min(max_new_tokens, positions_limit - width))
    if max_new_tokens == 0:
        return [""] * b, np.zeros(b, dtype=bool)
    positions = (mask.cumsum(dim=-1) - 1).clamp(min=0)
    need = None
    if min_clauses is not None and np.any(np.asarray(min_clauses) > 0):
        need = torch.as_tensor(np.maximum(np.asarray(min_clauses, dtype=np.int64) - 1, 0),
                               device=device)
        first = torch.as_tensor(np.asarray(min_clauses) > 0, device=device)
        commas = torch.zeros(b, dtype=torch.long, device=device)
        is_comma = torch.zeros(int(result_vocab(model, tokenizer)), dtype=torch.bool)
        for token, idx in tokenizer.get_vocab().items():
            if "," in tokenizer.convert_tokens_to_string([token]) and idx < is_comma.numel():
                is_comma[idx] = True
        is_comma = is_comma.to(device)
    u = torch.as_tensor(uniforms, dtype=torch.float64, device=device)
    states = [guide.start(w) for w in written] if guide is not None and written is not None \
        else None
    if states is None:
        guide = None
    keyword = _cache_keyword(model)
    out_tokens = torch.full((b, max_new_tokens), pad, dtype=torch.long, device=device)
    done = torch.zeros(b, dtype=torch.bool, device=device)
    n_steps = 0
    with torch.no_grad():
        result = model(input_ids=ids, attention_mask=mask, position_ids=positions,
                       use_cache=True)
        last = positions[:, -1:]
        for t in range(max_new_tokens):
            cache = getattr(result, "cache", None) or result.past_key_values
            logits = result.logits[:, -1, :]
            if guide is not None:
                logits = _guided(torch, guide, states, logits, eos)
            elif need is not None:
                ban = commas < need
                if t == 0:
                    ban = ban | first
                if bool(ban.any()):
                    logits = logits.clone()
                    logits[ban, eos] = -math.inf
            token = _next_tokens(torch, logits, u[:, t], temperature, top_k, top_p)
            if need is not None:
                commas += is_comma[token.clamp(max=is_comma.numel() - 1)].long()
            finished_before = done.tolist()
            token = torch.where(done, torch.full_like(token, pad), token)
            out_tokens[:, t] = token
            if guide is not None:
                for i, (tok, was) in enumerate(zip(token.tolist(), finished_before)):
                    if not was:
                        guide.advance(states[i], tok)
            n_steps = t + 1
            done |= token == eos
            if bool(done.all()) or t == max_new_tokens - 1:
                break
            mask = torch.cat([mask, torch.ones((b, 1), dtype=mask.dtype, device=device)],
                             dim=1)
            last = last + 1
            result = model(input_ids=token[:, None], attention_mask=mask, position_ids=last,
                           use_cache=True, **{keyword: cache})
    tokens = out_tokens[:, :n_steps].cpu().numpy()
    finished = done.cpu().numpy().copy()
    texts = []
    for row in tokens:
        stop = np.flatnonzero(row == eos)
        texts.append(tokenizer.decode(row[:stop[0]] if stop.size else row,
                                      skip_special_tokens=True))
    return texts, finished
