"""The shared torch layer: early stopping restores the best weights, divergence is a clear
error, seeding is deterministic and leaves the global state alone, save/load round-trips."""

import json
import math

import pytest

torch = pytest.importorskip("torch")

from synthaug.deep import (  # noqa: E402
    EarlyStopping,
    load_fitted,
    plot_history,
    resolve_device,
    save_fitted,
    seeded,
    train,
)
from synthaug.exceptions import (  # noqa: E402
    InvalidInputError,
    InvalidParameterError,
    TrainingDivergedError,
)


def test_early_stopping_restores_a_copy_of_the_best_weights():
    module = torch.nn.Linear(2, 1)
    losses = [5.0, 3.0, 1.0, 2.0, 4.0, 6.0, 7.0]
    seen = {}

    def step(epoch):
        with torch.no_grad():
            module.weight.fill_(float(epoch))   # the weights change every epoch
        seen[epoch] = module.weight.detach().clone()
        return {"loss": losses[epoch]}

    stopper = EarlyStopping(patience=3, min_delta=0.0)
    history = train(step, max_epochs=len(losses), module=module, early_stopping=stopper)
    assert len(history) == 6                       # epochs 3, 4, 5 did not improve on 2
    assert stopper.best_epoch == 2 and stopper.best_loss == 1.0
    assert torch.equal(module.weight, seen[2])     # restored, not the last epoch's weights


def test_min_delta_decides_what_counts_as_an_improvement():
    stopper = EarlyStopping(patience=1, min_delta=0.5)
    module = torch.nn.Linear(1, 1)
    assert not stopper.update(0, 1.0, module)
    assert stopper.update(1, 0.7, module)          # better by 0.3 < 0.5: no improvement
    assert stopper.best_epoch == 0


def test_divergence_names_the_epoch_and_the_learning_rate():
    values = iter([1.0, 0.5, math.nan])
    with pytest.raises(TrainingDivergedError, match=r"epoch 3.*lr=0\.5"):
        train(lambda e: {"loss": next(values)}, max_epochs=5, lr=0.5)


def test_seeded_is_deterministic_and_restores_the_global_state():
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    with seeded(7):
        a = torch.rand(4)
    with seeded(7):
        b = torch.rand(4)
    assert torch.equal(a, b)
    assert torch.equal(torch.rand(3), expected_next)


def test_device_resolution():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(InvalidParameterError, match="device must be one of"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(InvalidParameterError, match="no CUDA device"):
            resolve_device("cuda")


def test_save_and_load_round_trip(tmp_path):
    tensors = {"w": torch.arange(6.0).reshape(2, 3)}
    save_fitted(tmp_path / "m", tensors, {"class": "Thing", "params": {"k": 3}})
    loaded, config = load_fitted(tmp_path / "m", kind="Thing")
    assert torch.equal(loaded["w"], tensors["w"]) and config["params"] == {"k": 3}
    with pytest.raises(InvalidInputError, match="holds a 'Thing', not a Other"):
        load_fitted(tmp_path / "m", kind="Other")
    with pytest.raises(InvalidInputError, match="lacks"):
        load_fitted(tmp_path / "nothing", kind="Thing")
    config_path = tmp_path / "m" / "config.json"
    config_path.write_text(json.dumps({"format": 99, "class": "Thing"}))
    with pytest.raises(InvalidInputError, match="format 99"):
        load_fitted(tmp_path / "m", kind="Thing")


def test_plot_history_draws_each_measure():
    import matplotlib

    matplotlib.use("Agg")
    history = [{"epoch": e, "loss": 1.0 / (e + 1), "val_loss": 1.2 / (e + 1)} for e in range(5)]
    ax = plot_history(history, best_epoch=3)
    assert [line.get_label() for line in ax.get_lines()] == ["loss", "val_loss", "best epoch"]
    with pytest.raises(InvalidParameterError, match="empty"):
        plot_history([])
