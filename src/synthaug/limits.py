"""Memory limits: estimate what a method needs before it starts, and refuse up front.

Every generator declares its working memory (:meth:`BaseGenerator.memory_estimate`); an
``Oversampler`` adds its output; KOTARO and the size search have their own. Before the heavy
work starts, :func:`check_memory` compares the estimate with the memory this process may
use and, when it does not fit, raises :class:`~synthaug.exceptions.MemoryLimitError` that
states the need, the limit and the alternative, instead of running out of memory halfway.

The limit is the memory the operating system reports as available (``MemAvailable`` on
Linux), or the value of the environment variable ``SYNTHAUG_MEMORY_LIMIT`` (bytes, or with
a suffix: ``"512M"``, ``"8G"``), whichever is smaller. The estimates are upper bounds from the
algorithms' largest arrays, checked against measured peaks by
``benchmarks/bench_memory.py``.
"""

from __future__ import annotations

import os
import re

from synthaug.exceptions import InvalidParameterError, MemoryLimitError

__all__ = ["SAFETY_MARGIN", "available_memory", "check_memory", "format_bytes", "memory_limit"]

#: The estimates lie within about 10% of measured peaks (benchmarks/bench_memory.py: 0.94
#: to 1.04 at 1,000,000 x 20); work is refused when estimate x margin exceeds the limit.
SAFETY_MARGIN = 1.15

_SUFFIX = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def format_bytes(n: float) -> str:
    """``1536 -> '1.5 KB'``, in powers of 1024."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024:
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TB"


def _parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", text.upper())
    if not match:
        raise InvalidParameterError(
            f"SYNTHAUG_MEMORY_LIMIT={text!r} is not a size; use bytes or a number with K, M, "
            "G or T (for example 8G).")
    return int(float(match.group(1)) * _SUFFIX[match.group(2)])


def available_memory() -> int | None:
    """Bytes the operating system can give this process now, or None if it cannot tell."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit() -> int | None:
    """The limit :func:`check_memory` enforces (see the module docstring), or None."""
    limits = [available_memory()]
    env = os.environ.get("SYNTHAUG_MEMORY_LIMIT")
    if env:
        limits.append(_parse_size(env))
    known = [v for v in limits if v is not None]
    return min(known) if known else None


def check_memory(need: float, *, what: str, alternative: str) -> None:
    """Raise :class:`MemoryLimitError` when ``need`` bytes, times :data:`SAFETY_MARGIN`,
    exceed :func:`memory_limit`.

    Parameters
    ----------
    need : float
        Estimated peak bytes of the work about to start.
    what : str
        The work, for the message ("SMOTE on 1,000,000 x 20").
    alternative : str
        What to do instead, for the message.
    """
    limit = memory_limit()
    if limit is None or need * SAFETY_MARGIN <= limit:
        return
    raise MemoryLimitError(
        f"{what} needs about {format_bytes(need)} of memory, but only {format_bytes(limit)} "
        f"is available; {alternative}")
