"""Rows as sentences and sentences back as rows, for :class:`~synthaug.generators.llm.LLMGenerator`.

A row is written as clauses ``"<column> is <value>"`` joined by ``", "``, the way GReaT
("Language Models are Realistic Tabular Data Generators", arXiv 2210.06280) and ImbLLM
("Large Language Models for Imbalanced Classification: Diversity makes the difference",
arXiv 2510.09783) feed tables to a causal language model.

Escaping
--------
The two separators are ``","`` (between clauses) and ``" is "`` (between a name and its
value). A name or value that contains one of them would be split in the wrong place, so
:func:`escape` protects them with a backslash before the text reaches the model:

* ``\\`` becomes ``\\\\`` and ``,`` becomes ``\\,`` (names and values);
* in names, every word ``is`` (between spaces or at either end) becomes ``\\is`` (a value
  may contain ``" is "`` as it is: a clause is split at its *first* unescaped ``" is "``,
  which is the one after the name);
* leading and trailing whitespace is escaped (``\\ ``) so that the parser, which strips
  unescaped whitespace around names and values, keeps it;
* newlines and carriage returns become ``\\n`` and ``\\r``.

:func:`unescape` reverses it; any other escaped character stands for itself.

Numbers
-------
:class:`NumberFormat` writes every number of a column with a fixed count of decimals,
chosen once at fit time and used for training text and prompts alike, so the model is
never asked to continue a number written differently from the ones it learnt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CLAUSE_SEP",
    "NAME_SEP",
    "NumberFormat",
    "ParsedRow",
    "RowCodec",
    "escape",
    "parse_text",
    "split_clauses",
    "unescape",
    "without_last_clause",
]

#: Between two clauses.
CLAUSE_SEP = ", "
#: Between a column name and its value.
NAME_SEP = " is "

_UNESCAPE = {"n": "\n", "r": "\r"}
_IS_WORD = re.compile(r"(?<![^ ])is(?![^ ])")
#: Significant digits of the automatic number format.
AUTO_DIGITS = 4
#: Most decimals the automatic format uses (for very small magnitudes).
MAX_DECIMALS = 8


# --------------------------------------------------------------------------- escaping
def escape(text: str, *, name: bool = False) -> str:
    """``text`` made safe to write as a column name (``name=True``) or a value."""
    out = text.replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n").replace(
        "\r", "\\r")
    if name:
        out = _IS_WORD.sub(r"\\is", out)
    stripped = out.lstrip()
    out = "".join("\\" + c for c in out[:len(out) - len(stripped)]) + stripped
    body = out.rstrip()
    return body + "".join("\\" + c for c in out[len(body):])


def unescape(text: str) -> str:
    """The inverse of :func:`escape` (``\\X`` stands for ``X``; ``\\n``/``\\r`` for line
    breaks; a lone backslash at the end is dropped)."""
    if "\\" not in text:
        return text
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 < len(text):
                nxt = text[i + 1]
                out.append(_UNESCAPE.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _unescaped_positions(text: str, target: str) -> list[int]:
    """Start positions of ``target`` in ``text`` that are not escaped (the character
    before each is not an escaping backslash)."""
    if "\\" not in text:
        found, start = [], 0
        while True:
            k = text.find(target, start)
            if k < 0:
                return found
            found.append(k)
            start = k + len(target)
    escaped = np.zeros(len(text) + 1, dtype=bool)
    i = 0
    while i < len(text):
        if text[i] == "\\":
            escaped[i + 1] = True
            i += 2
        else:
            i += 1
    found, start = [], 0
    while True:
        k = text.find(target, start)
        if k < 0:
            return found
        if not escaped[k]:
            found.append(k)
            start = k + len(target)
        else:
            start = k + 1


def _strip_unescaped(text: str) -> str:
    """Strip whitespace at both ends, but not a whitespace character escaped by ``\\``."""
    out = text.lstrip()
    end = len(out)
    while end > 0 and out[end - 1].isspace():
        # count the backslashes before this character: odd means it is escaped
        j, slashes = end - 2, 0
        while j >= 0 and out[j] == "\\":
            slashes += 1
            j -= 1
        if slashes % 2:
            break
        end -= 1
    return out[:end]


def split_clauses(text: str) -> list[str]:
    """``text`` cut at its unescaped commas (pieces are not stripped)."""
    cuts = _unescaped_positions(text, ",")
    pieces, start = [], 0
    for k in cuts:
        pieces.append(text[start:k])
        start = k + 1
    pieces.append(text[start:])
    return pieces


def without_last_clause(text: str) -> str:
    """``text`` up to its last unescaped comma: what is left of a sentence cut off at a
    token limit once its last, possibly unfinished, clause is dropped."""
    cuts = _unescaped_positions(text, ",")
    return text[:cuts[-1]] if cuts else ""


def parse_text(text: str, names: Sequence[str]) -> dict[str, str]:
    """The raw (unescaped) value of each column of ``names`` found in ``text``.

    ``text`` is cut at unescaped commas; each piece is cut at its first unescaped
    ``" is "`` into an escaped name and a value. A piece without ``" is "``, or whose name
    is not one of ``names``, is ignored; when a name occurs twice the first occurrence wins.
    Names in ``names`` are the escaped forms written by :class:`RowCodec`.
    """
    wanted = set(names)
    found: dict[str, str] = {}
    for piece in split_clauses(text.replace("\n", " ").replace("\r", " ")):
        cut = _unescaped_positions(piece, NAME_SEP)
        if not cut:
            continue
        name = _strip_unescaped(piece[:cut[0]])
        if name not in wanted or name in found:
            continue
        found[name] = unescape(_strip_unescaped(piece[cut[0] + len(NAME_SEP):]))
    return found


# --------------------------------------------------------------------------- numbers
@dataclass
class NumberFormat:
    """How the numbers of each numeric column are written: a fixed count of decimals.

    ``decimals`` has one entry per numeric column. :meth:`fit` chooses it from the data:
    0 for a column of whole numbers, otherwise enough decimals for ``AUTO_DIGITS``
    significant digits of the column's median magnitude (at most ``MAX_DECIMALS``), or a
    fixed count for every column when ``fixed`` is given.
    """

    decimals: list[int] = field(default_factory=list)

    @classmethod
    def fit(cls, X_num: np.ndarray, fixed: int | None = None) -> NumberFormat:
        out = []
        for j in range(X_num.shape[1]):
            col = X_num[:, j]
            if fixed is not None:
                out.append(int(fixed))
            elif col.size == 0 or np.all(col == np.round(col)):
                out.append(0)
            else:
                mag = np.abs(col[col != 0])
                scale = float(np.median(mag)) if mag.size else 1.0
                d = AUTO_DIGITS - 1 - math.floor(math.log10(scale))
                out.append(int(min(max(d, 0), MAX_DECIMALS)))
        return cls(out)

    def format(self, j: int, value: float) -> str:
        """Column ``j``'s ``value`` as text (``-0`` is written ``0``)."""
        text = f"{value:.{self.decimals[j]}f}"
        if text.startswith("-") and float(text) == 0.0:
            text = text[1:]
        return text

    def format_column(self, j: int, values: np.ndarray) -> list[str]:
        return [self.format(j, float(v)) for v in values]

    def round(self, j: int, values: np.ndarray) -> np.ndarray:
        """``values`` as they read back after writing (rounded to column ``j``'s decimals)."""
        return np.round(np.asarray(values, dtype=np.float64), self.decimals[j])


def parse_number(text: str) -> float | None:
    """``text`` as a finite float, or None (no number, ``nan``, ``inf``, trailing junk)."""
    t = text.strip()
    if not t or t[0] not in "+-.0123456789":
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


# --------------------------------------------------------------------------- rows
@dataclass
class ParsedRow:
    """One parsed sentence: the numeric values and category codes it gave, why it was
    rejected (``reason``, the first problem, None when valid; ``reasons``, every distinct
    problem), how many cells were filled in, and the names of the columns whose cells
    were read and valid (``valid``, in the order written)."""

    num: np.ndarray
    cat: np.ndarray
    reason: str | None = None
    imputed: int = 0
    reasons: tuple[str, ...] = ()
    valid: tuple[str, ...] = ()


class RowCodec:
    """Writes rows of one class as sentences and reads generated sentences back.

    Parameters
    ----------
    num_names, cat_names : sequence of str
        Display names of the numeric and categorical columns (escaped here).
    categories : sequence of sequence
        The category values of each categorical column, in code order.
    label_name : str
        Name of the label clause.
    label_value : str
        The class's label as text.
    number_format : NumberFormat
        How numbers are written.
    """

    def __init__(self, num_names: Sequence[str], cat_names: Sequence[str],
                 categories: Sequence[Sequence[Any]], label_name: str, label_value: str,
                 number_format: NumberFormat) -> None:
        self.num_names = [escape(str(n), name=True) for n in num_names]
        self.cat_names = [escape(str(n), name=True) for n in cat_names]
        self.label_name = escape(str(label_name), name=True)
        self.label_value = escape(str(label_value))
        self.number_format = number_format
        self.cat_text = [[escape(str(v)) for v in cats] for cats in categories]
        self.cat_lookup = [{unescape(t): code for code, t in enumerate(texts)}
                           for texts in self.cat_text]
        every = [self.label_name, *self.num_names, *self.cat_names]
        dup = sorted({n for n in every if every.count(n) > 1})
        if dup:
            raise ValueError(f"two columns are written with the same name {dup[0]!r}")

    @property
    def n_num(self) -> int:
        return len(self.num_names)

    @property
    def n_cat(self) -> int:
        return len(self.cat_names)

    @property
    def label_clause(self) -> str:
        return f"{self.label_name}{NAME_SEP}{self.label_value}"

    # ---------------------------------------------------------------- writing
    def num_clause(self, j: int, value: float) -> str:
        return f"{self.num_names[j]}{NAME_SEP}{self.number_format.format(j, value)}"

    def cat_clause(self, j: int, code: int) -> str:
        return f"{self.cat_names[j]}{NAME_SEP}{self.cat_text[j][int(code)]}"

    def feature_clauses(self, num: np.ndarray, cat: np.ndarray | None) -> list[list[str]]:
        """The feature clauses of each row, numeric columns first (``cat=None``: numeric
        clauses only, as written for interpolated rows)."""
        cols: list[list[str]] = []
        for j in range(self.n_num):
            texts = self.number_format.format_column(j, num[:, j])
            cols.append([f"{self.num_names[j]}{NAME_SEP}{t}" for t in texts])
        if cat is not None:
            for j in range(self.n_cat):
                texts = self.cat_text[j]
                cols.append([f"{self.cat_names[j]}{NAME_SEP}{texts[c]}" for c in cat[:, j]])
        n = num.shape[0] if cat is None else max(num.shape[0], cat.shape[0])
        return [[col[i] for col in cols] for i in range(n)]

    def sentences(self, clauses: Sequence[Sequence[str]], rng: np.random.Generator,
                  permutation: str = "label-first") -> list[str]:
        """One sentence per row of ``clauses`` in a fresh random order drawn from ``rng``.

        ``"label-first"``: the label clause, then the feature clauses shuffled;
        ``"full"``: every clause, the label's included, shuffled.
        """
        label = self.label_clause
        out = []
        for row in clauses:
            if permutation == "full":
                parts = [label, *row]
                order = rng.permutation(len(parts))
                out.append(CLAUSE_SEP.join(parts[k] for k in order))
            else:
                order = rng.permutation(len(row))
                out.append(CLAUSE_SEP.join([label, *(row[k] for k in order)]))
        return out

    def prompt(self, clause: str | None = None) -> str:
        """A prompt: the label clause, then ``clause`` if given, each closed by the clause
        separator's comma (the text the model continues is then exactly a training
        sentence's prefix)."""
        sep = CLAUSE_SEP.rstrip()
        if clause is None:
            return f"{self.label_clause}{sep}"
        return f"{self.label_clause}{CLAUSE_SEP}{clause}{sep}"

    def restart(self, text: str, keep: Sequence[str]) -> str:
        """The prompt that continues a row which ended with columns missing or invalid:
        the label clause and the row's clauses of the columns ``keep`` (first occurrences,
        in the order written), without junk, repeats or invalid cells, so that it reads
        like the start of a training sentence."""
        found = parse_text(text, list(keep))
        clauses = [f"{name}{NAME_SEP}{escape(value)}" for name, value in found.items()]
        return self.prompt(CLAUSE_SEP.join(clauses)) if clauses else self.prompt()

    # ---------------------------------------------------------------- reading
    def parse(self, text: str, lo: np.ndarray | None = None, hi: np.ndarray | None = None,
              allowed: Sequence[np.ndarray] | None = None,
              impute_num: np.ndarray | None = None,
              impute_cat: np.ndarray | None = None) -> ParsedRow:
        """Read one generated sentence back as a row.

        A row is invalid (``reason`` set, values partial) when a column is missing, a number
        does not parse or lies outside ``[lo, hi]`` (when given), or a category was never
        seen or is not in ``allowed`` (per column, a mask of the codes the class may take).
        With ``impute_num`` a missing number is filled with its entry instead; with
        ``impute_cat`` a missing or foreign category is filled with its entry.
        """
        found = parse_text(text, [*self.num_names, *self.cat_names])
        num = np.full(self.n_num, np.nan)
        cat = np.full(self.n_cat, -1, dtype=np.int64)
        problems: list[str] = []
        imputed = 0
        good: set[str] = set()
        for j, name in enumerate(self.num_names):
            raw = found.get(name)
            if raw is None:
                if impute_num is not None:
                    num[j] = impute_num[j]
                    imputed += 1
                else:
                    problems.append("missing column")
                continue
            v = parse_number(raw)
            if v is None:
                problems.append("number not readable")
                continue
            if lo is not None and hi is not None and not lo[j] <= v <= hi[j]:
                problems.append("number out of range")
            else:
                good.add(name)
            num[j] = v
        for j, name in enumerate(self.cat_names):
            raw = found.get(name)
            code = None if raw is None else self.cat_lookup[j].get(raw)
            if code is not None and allowed is not None and not allowed[j][code]:
                code = None
            if code is None:
                if impute_cat is not None:
                    cat[j] = impute_cat[j]
                    imputed += 1
                else:
                    problems.append("missing column" if raw is None else "unseen category")
                continue
            cat[j] = code
            good.add(name)
        reasons = tuple(dict.fromkeys(problems))
        valid = tuple(name for name in found if name in good)
        return ParsedRow(num, cat, reasons[0] if reasons else None, imputed, reasons, valid)
