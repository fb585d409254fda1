"""Seeding helpers shared by every generator.

Prefix-consistency (``sample(m, s)`` equals the first ``m`` rows of ``sample(n, s)``) is
built in here: output rows are produced in fixed-size chunks, and chunk ``i`` draws from its
own stream, ``SeedSequence(entropy, spawn_key=(i,))``. A chunk's rows therefore never depend
on how many rows were asked for in total.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from synthaug.exceptions import InvalidParameterError

__all__ = ["chunk_streams", "rng_from", "to_entropy"]


def to_entropy(random_state: Any) -> int:
    """Turn a ``random_state`` (None, int, ``numpy.random.Generator`` or ``RandomState``)
    into one integer of entropy. ``None`` draws fresh entropy from the OS; a Generator or
    RandomState is advanced by one draw, as scikit-learn does with them."""
    if random_state is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(random_state, (bool, np.bool_)):
        raise InvalidParameterError(f"random_state must be None, an int or a Generator, "
                                    f"got {random_state!r}.")
    if isinstance(random_state, (int, np.integer)):
        if random_state < 0:
            raise InvalidParameterError(f"random_state must be >= 0, got {random_state}.")
        return int(random_state)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    raise InvalidParameterError(
        f"random_state must be None, an int, a numpy Generator or RandomState, "
        f"got {type(random_state).__name__}.")


def rng_from(random_state: Any, *key: int) -> np.random.Generator:
    """A ``numpy.random.Generator`` seeded from ``random_state`` and an optional spawn key,
    so that different uses of one seed (``key``) draw independent streams."""
    entropy = to_entropy(random_state)
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(key)))


def chunk_streams(entropy: int, n: int, chunk_size: int
                  ) -> Iterator[tuple[int, int, np.random.Generator]]:
    """Yield ``(start, stop, rng)`` for each chunk of ``n`` rows.

    Chunk ``i`` covers rows ``[i * chunk_size, min(n, (i+1) * chunk_size))`` and its
    ``rng`` depends only on ``entropy`` and ``i``. Callers draw a whole chunk's worth of
    randomness (``chunk_size`` rows) even for the last, partial chunk, then keep the rows
    they need: this is what makes every sample a prefix of every larger one.
    """
    for i, start in enumerate(range(0, n, chunk_size)):
        rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(0, i)))
        yield start, min(n, start + chunk_size), rng
