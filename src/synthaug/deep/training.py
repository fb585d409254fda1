"""The epoch loop every torch-based method runs: early stopping that really restores the
best weights, a per-epoch history, a progress bar that can be turned off, and a clear
error when training diverges."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from synthaug._validation import check_integer, check_number
from synthaug.exceptions import InvalidParameterError, TrainingDivergedError

__all__ = ["EarlyStopping", "plot_history", "train"]


class EarlyStopping:
    """Stop when a monitored loss has not improved for ``patience`` epochs, keeping a copy
    of the best weights.

    An epoch improves when its loss is below the best so far by more than ``min_delta``.
    The best weights are copied (``tensor.clone()``), not referenced: a ``state_dict()``
    holds the live parameters, so keeping it without copying would "restore" the last
    epoch's weights.

    Parameters
    ----------
    patience : int, default=25
        Epochs without improvement before stopping.
    min_delta : float, default=1e-4
        Smallest decrease that counts as an improvement.

    Attributes
    ----------
    best_loss : float
    best_epoch : int
        0-based epoch of the best loss (-1 before the first update).
    best_state : dict or None
        Copy of the module's ``state_dict`` at the best epoch.
    """

    def __init__(self, patience: int = 25, min_delta: float = 1e-4) -> None:
        self.patience = check_integer("patience", patience, 1)
        self.min_delta = check_number("min_delta", min_delta, 0.0)
        self.best_loss = math.inf
        self.best_epoch = -1
        self.best_state: dict[str, Any] | None = None
        self._waited = 0

    def update(self, epoch: int, loss: float, module: Any) -> bool:
        """Record ``loss`` of ``epoch``; returns True when training should stop."""
        if loss < self.best_loss - self.min_delta:
            self.best_loss = float(loss)
            self.best_epoch = int(epoch)
            self.best_state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            self._waited = 0
        else:
            self._waited += 1
        return self._waited >= self.patience

    def restore(self, module: Any) -> None:
        """Load the best weights into ``module`` (nothing happens before an update)."""
        if self.best_state is not None:
            module.load_state_dict(self.best_state)


def train(step: Callable[[int], dict[str, float]], *, max_epochs: int,
          module: Any = None, validate: Callable[[], float] | None = None,
          early_stopping: EarlyStopping | None = None, progress: bool = False,
          description: str = "training", lr: float | None = None
          ) -> list[dict[str, float]]:
    """Run ``step`` for up to ``max_epochs`` epochs and return the history.

    Parameters
    ----------
    step : callable
        ``step(epoch)`` trains one epoch and returns its measures (e.g. ``{"loss": ...}``).
    max_epochs : int
    module : torch.nn.Module, optional
        The network, for early stopping's copies of the best weights.
    validate : callable, optional
        ``validate()`` returns the validation loss after an epoch, recorded as
        ``"val_loss"`` and monitored by ``early_stopping``.
    early_stopping : EarlyStopping, optional
        Stops on ``val_loss`` (or on ``loss`` without ``validate``); the best weights are
        restored into ``module`` at the end.
    progress : bool, default=False
        Show a progress bar (rich) while training.
    description : str
        The progress bar's label and the name used in errors.
    lr : float, optional
        The learning rate, quoted when training diverges.

    Returns
    -------
    list of dict
        One dict per epoch run: ``epoch`` and the measures (``val_loss`` included).

    Raises
    ------
    TrainingDivergedError
        At the first epoch whose measures are NaN or infinite.
    """
    if early_stopping is not None and module is None:
        raise InvalidParameterError("early stopping needs the module to copy weights from.")
    from rich.progress import Progress

    history: list[dict[str, float]] = []
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task(description, total=max_epochs)
        for epoch in range(max_epochs):
            record = {"epoch": epoch, **{k: float(v) for k, v in step(epoch).items()}}
            if validate is not None:
                record["val_loss"] = float(validate())
            _check_finite(record, description, lr)
            history.append(record)
            bar.advance(task)
            if early_stopping is not None:
                monitored = record.get("val_loss", record.get("loss", math.nan))
                if early_stopping.update(epoch, monitored, module):
                    break
    if early_stopping is not None:
        early_stopping.restore(module)
    return history


def _check_finite(record: dict[str, float], description: str, lr: float | None) -> None:
    bad = [k for k, v in record.items() if not math.isfinite(v)]
    if bad:
        rate = f" (lr={lr:g})" if lr is not None else ""
        raise TrainingDivergedError(
            f"{description} diverged at epoch {int(record['epoch']) + 1}: "
            f"{', '.join(bad)} became {record[bad[0]]}. The usual cause is a learning rate "
            f"too high for the data{rate}; lower lr, check the input for extreme values, "
            "or scale the features.")


def plot_history(history: Sequence[dict[str, float]], keys: Sequence[str] | None = None,
                 ax: Any = None, best_epoch: int | None = None) -> Any:
    """Plot the measures of a training history against the epoch (matplotlib).

    Parameters
    ----------
    history : list of dict
        As returned by :func:`train` (a fitted estimator's ``history_``).
    keys : list of str, optional
        Measures to draw; default every one but ``epoch``.
    ax : matplotlib Axes, optional
    best_epoch : int, optional
        Marked with a vertical line (the epoch whose weights were kept).

    Returns
    -------
    matplotlib Axes
    """
    if not history:
        raise InvalidParameterError("The history is empty: fit the estimator first.")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    keys = list(keys) if keys is not None else [k for k in history[0] if k != "epoch"]
    epochs = [r["epoch"] + 1 for r in history]
    for key in keys:
        ax.plot(epochs, [r.get(key, math.nan) for r in history], label=key)
    if best_epoch is not None and best_epoch >= 0:
        ax.axvline(best_epoch + 1, color="grey", linestyle=":", label="best epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
