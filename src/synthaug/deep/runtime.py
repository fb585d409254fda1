"""Loading torch, choosing a device, and seeding a training run."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from synthaug.exceptions import InvalidParameterError, MissingDependencyError

__all__ = ["DEVICES", "require_torch", "resolve_device", "seeded", "torch_threads"]

#: The values a ``device`` parameter takes.
DEVICES = ("auto", "cpu", "cuda")

INSTALL = ('pip install torch==2.13.0 (the CPU wheel), then pip install "synthaug[torch]"')


def require_torch(what: str) -> Any:
    """The ``torch`` module, or a :class:`~synthaug.exceptions.MissingDependencyError`
    that names ``what`` needs it and how to install it."""
    try:
        import torch
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs torch, which is not installed: {INSTALL}.") from None
    return torch


def resolve_device(device: Any, what: str = "this estimator") -> Any:
    """The ``torch.device`` for a ``device`` parameter.

    ``"auto"`` is CUDA when available, else the CPU; ``"cuda"`` without a CUDA device is
    an error (not a silent fall-back, so a run meant for a GPU does not quietly take hours
    on the CPU).
    """
    torch = require_torch(what)
    if device not in DEVICES:
        raise InvalidParameterError(
            f"device must be one of {', '.join(map(repr, DEVICES))}; got {device!r}.")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise InvalidParameterError(
            f'device="cuda" was asked for {what}, but torch finds no CUDA device (torch '
            f'{torch.__version__}, a CPU build or no GPU); use device="cpu" or "auto".')
    return torch.device(device)


@contextlib.contextmanager
def seeded(seed: int, device: Any = None) -> Iterator[None]:
    """Run the block with torch's random state seeded by ``seed`` and restore the global
    state afterwards, so that a fit is deterministic on the CPU for a fixed seed and does
    not change what the caller's own torch code draws next."""
    torch = require_torch("seeded")
    devices = [device] if device is not None and getattr(device, "type", "cpu") == "cuda" \
        else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed) % (2**63 - 1))
        yield


@contextlib.contextmanager
def torch_threads(n_threads: int | None, device: Any = None) -> Iterator[None]:
    """Run the block with ``n_threads`` torch threads on the CPU, then restore the setting.

    The library's networks are small (layers of tens to hundreds of units, batches of tens
    to hundreds of rows): intra-op threads cannot pay for their synchronisation, and on a
    busy machine they made each step several times slower (measured on a 2-core machine:
    5 ms per LEO-CVAE step on one thread, 58-150 ms on two). ``None``, or a device other
    than the CPU, leaves torch's setting alone.
    """
    torch = require_torch("torch_threads")
    if n_threads is None or getattr(device, "type", "cpu") != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
        torch.set_num_threads(before)
