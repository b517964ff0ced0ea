"""The Trainer panel: controls, background training, Stop, divergence, run comparison."""

import time
import warnings

import keras
import numpy as np
import pytest

from neurona.plots.live import LiveCurves
from neurona.runs import Ledger, RunRecord
from neurona.widgets.trainer import Trainer

PNG = b"\x89PNG"


def dense(hidden_layers=1, units=16, activation="relu", dropout=0.0, l2=0.0):
    reg = keras.regularizers.L2(l2) if l2 else None
    layers = [keras.Input((20,))]
    for _ in range(hidden_layers):
        layers.append(keras.layers.Dense(units, activation, kernel_regularizer=reg))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    return keras.Sequential([*layers, keras.layers.Dense(3, "softmax")])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 20)).astype("float32")
    y = rng.integers(0, 3, size=256)
    return x, y


@pytest.fixture
def trainer(data):
    x, y = data
    return Trainer(dense, x, y, validation_split=0.25, ledger=Ledger(), defaults={"epochs": 2})


def test_live_curves_can_draw_into_a_widget():
    class Target:
        value = b""

    target = Target()
    view = LiveCurves(target=target)
    run = RunRecord("demo", hparams={"epochs": 2})
    run.add_epoch({"loss": 1.0, "val_loss": 1.1}, 1.0)
    assert view.update(run, final=True)
    assert target.value == view.last_png and target.value.startswith(PNG)


def test_a_run_joins_the_ledger_with_its_settings_and_the_comparison_updates(trainer):
    trainer.set(units=8, activation="tanh", learning_rate=0.01, batch_size=64, epochs=3)
    trainer.train(wait=True)
    record = trainer.ledger.last
    assert record.name == "tanh, lr 0.01, 8 units, batch 64, 3 epochs"
    assert record.status == "finished" and record.epochs == 3
    hp = record.hparams
    assert (hp["units"], hp["activation"], hp["batch_size"], hp["epochs"]) == (8, "tanh", 64, 3)
    assert hp["optimizer"] == "adam" and hp["learning_rate"] == 0.01
    assert trainer.models[record.name] is trainer.model and trainer.record is record
    assert bytes(trainer.live_image.value).startswith(PNG)
    assert bytes(trainer.compare_image.value).startswith(PNG)
    assert record.name in trainer.table_html.value
    assert "first epoch" in trainer.timing.value and "samples/s" in trainer.timing.value
    assert "val_accuracy" in trainer.timing.value
    assert trainer.metric_menu.value == "val_loss"
    assert set(trainer.metric_menu.options) >= {"val_loss", "val_accuracy", "loss", "accuracy"}
    assert not trainer.train_button.disabled and trainer.stop_button.disabled


def test_two_learning_rates_give_two_rows_and_two_lines(trainer):
    for rate in (0.1, 0.001):
        trainer.set(learning_rate=rate, epochs=1)
        trainer.train(wait=True)
    assert trainer.runs == ["lr 0.1, 1 epoch", "lr 0.001, 1 epoch"]
    assert list(trainer.table().index) == trainer.runs
    png = bytes(trainer.compare_image.value)
    trainer.metric_menu.value = "accuracy"
    redrawn = bytes(trainer.compare_image.value)
    assert redrawn.startswith(PNG) and redrawn != png
    trainer.train(wait=True)  # the same settings again: a distinct name
    assert trainer.runs[-1] == "lr 0.001, 1 epoch (2)"


def test_stop_ends_the_run_cleanly_and_keeps_the_model(trainer, data):
    trainer.set(batch_size=1, epochs=200)
    trainer.train(wait=False)
    assert trainer.train_button.disabled and not trainer.stop_button.disabled
    deadline = time.monotonic() + 20
    while (trainer.record is None or trainer.record.epochs < 1) and time.monotonic() < deadline:
        time.sleep(0.02)
    trainer.stop()
    trainer.wait()
    record = trainer.ledger.last
    assert record.status == "stopped" and 1 <= record.epochs < 200
    assert "stopped" in trainer.timing.value
    assert np.isfinite(trainer.model.predict(data[0][:4], verbose=0)).all()
    assert not trainer.train_button.disabled and trainer.stop_button.disabled


def test_a_diverging_run_ends_with_a_clear_message(data):
    x, _ = data
    target = x @ np.ones(20, dtype="float32")

    def linear():
        return keras.Sequential([keras.Input((20,)), keras.layers.Dense(1)])

    trainer = Trainer(
        linear,
        x * 100,
        target,
        loss="mse",
        metrics=(),
        ledger=Ledger(),
        defaults={"optimizer": "sgd", "learning_rate": 1.0, "epochs": 5},
    )
    trainer.train(wait=True)
    record = trainer.ledger.last
    assert record.status == "diverged"
    assert "the loss became" in trainer.timing.value
    assert "learning rate (1) is probably too large" in trainer.timing.value


def test_absurd_values_are_refused_with_the_allowed_range(trainer):
    with pytest.raises(ValueError, match="units must be a whole number from 1 to 1,024; got 0"):
        trainer.set(units=0)
    with pytest.raises(ValueError, match="batch_size must be a whole number from 1 to 192"):
        trainer.set(batch_size=1000)
    with pytest.raises(ValueError, match="learning_rate must be one of 1e-05, .*, 1; got 5"):
        trainer.set(learning_rate=5)
    with pytest.raises(ValueError, match="dropout must be a number from 0 to 0.9"):
        trainer.set(dropout=1.0)
    with pytest.raises(ValueError, match="activation must be one of relu"):
        trainer.set(activation="softmax")
    with pytest.raises(ValueError, match="no control 'initializer'"):
        trainer.set(initializer="zeros")  # dense() does not take it
    with pytest.raises(ValueError, match="epochs"):
        trainer.set(units=8, epochs=500)
    assert trainer.controls["units"].value == 16  # nothing changed
    trainer.controls["units"].value = 5000  # a slider clamps
    assert trainer.controls["units"].value == 1024


def test_pin_drop_clear_and_reset(trainer):
    for units in (4, 8, 12):
        trainer.set(units=units, epochs=1)
        trainer.train(wait=True)
    first, second, third = trainer.runs
    trainer.pin(first)
    assert "(pinned)" in trainer.run_menu.options[0][0]
    trainer.drop(second)
    assert trainer.runs == [first, third] and second not in trainer.models
    assert second not in [run.name for run in trainer.ledger]
    trainer.clear_unpinned()
    assert trainer.runs == [first] and len(trainer.ledger) == 1
    trainer.pin(first, pinned=False)
    trainer.clear_unpinned()
    assert trainer.runs == [] and "No runs yet" in trainer.table_html.value
    with pytest.raises(KeyError, match="no run named"):
        trainer.drop("nope")
    trainer.reset_button.click()
    assert trainer.hparams() == {k: trainer.defaults[k] for k in trainer.hparams()}
    assert trainer.run_name() == "defaults"


def test_a_builder_without_architecture_parameters_shows_only_training_controls(data):
    x, y = data
    trainer = Trainer(
        lambda: keras.Sequential([keras.Input((20,)), keras.layers.Dense(3, "softmax")]),
        x,
        y,
        ledger=Ledger(),
        defaults={"epochs": 1},
        controls=None,
    )
    assert list(trainer.controls) == [
        "optimizer",
        "learning_rate",
        "schedule",
        "batch_size",
        "epochs",
    ]
    trainer.set(optimizer="sgd")
    trainer.train(wait=True)
    assert trainer.ledger.last.hparams["optimizer"] == "sgd"
    with pytest.raises(ValueError, match="does not take 'units'"):
        Trainer(lambda: None, x, y, controls=["units"])


def test_a_notebook_chooses_the_controls(data):
    x, y = data
    trainer = Trainer(dense, x, y, controls=["activation", "learning_rate"], ledger=Ledger())
    assert list(trainer.controls) == ["activation", "learning_rate"]
    assert set(trainer.hparams()) == {
        "activation",
        "optimizer",
        "learning_rate",
        "schedule",
        "batch_size",
        "epochs",
    }


def test_buttons_train_and_report_errors_in_the_panel(data):
    x, y = data
    trainer = Trainer(
        dense,
        x,
        y,
        validation_data=(x[:32], y[:32]),
        ledger=Ledger(),
        defaults={"epochs": 1},
        name_format="{activation} x{units}",
    )
    trainer.train_button.click()
    trainer.wait()
    assert trainer.runs == ["relu x16"] and "val_loss" in trainer.ledger.last.history
    trainer.set(units=2)
    trainer.reset_button.click()
    assert trainer.controls["units"].value == 16

    def broken(units=4):
        raise ValueError("this builder is broken")

    panel = Trainer(broken, x, y, ledger=Ledger())
    panel.train_button.click()
    assert "this builder is broken" in panel.message.value and not panel.training


def test_a_setting_varied_once_stays_in_every_later_name(trainer):
    trainer.set(learning_rate=0.1)
    trainer.train(wait=True)
    trainer.reset()
    trainer.set(epochs=trainer.hparams()["epochs"])
    assert "lr 0.001" in trainer.run_name()


def test_the_table_keeps_whole_numbers_whole(trainer):
    from neurona.runs import RunRecord

    trainer.ledger.add(RunRecord("another notebook run", hparams={"momentum": 0.9}))
    trainer.set(units=8, epochs=1)
    trainer.train(wait=True)
    table = trainer.table()
    assert str(table["units"].iloc[0]) == "8" and "momentum" not in table.columns


def test_a_cosine_schedule_warms_up_then_decays_over_the_run(trainer, data):
    trainer.set(schedule="cosine", learning_rate=0.01, batch_size=64, epochs=2)
    trainer.train(wait=True)
    record = trainer.ledger.last
    assert record.name == "lr 0.01, cosine schedule, batch 64"
    assert record.hparams["schedule"] == "cosine" and record.status == "finished"
    schedule = trainer.model.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    steps = 2 * 3  # 192 training samples in batches of 64, twice
    rates = [float(schedule(step)) for step in (0, 1, steps)]
    assert rates[0] == pytest.approx(0.001) and rates[1] == pytest.approx(0.01)
    assert rates[2] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="schedule must be one of constant, cosine; got 'step'"):
        trainer.set(schedule="step")


def test_a_batches_function_feeds_each_run_at_the_batch_size_of_the_controls(data):
    import tensorflow as tf

    x, y = data
    asked = []

    def batches(x_train, y_train, batch_size):
        asked.append((len(x_train), batch_size))
        return tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size)

    trainer = Trainer(dense, x, y, batches=batches, validation_data=(x[:32], y[:32]),
                      ledger=Ledger(), defaults={"epochs": 2})
    trainer.set(batch_size=64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "shuffle=True ... ignored" from Keras
        trainer.train(wait=True)
    record = trainer.ledger.last
    assert asked == [(256, 64)]
    assert record.status == "finished" and record.epochs == 2
    assert record.samples_per_epoch == 256 and record.hparams["batch_size"] == 64
    assert record.hparams["steps_per_epoch"] == 4 and "val_loss" in record.history
    with pytest.raises(ValueError, match="validation_data instead"):
        Trainer(dense, x, y, batches=batches, validation_split=0.2)
    with pytest.raises(TypeError, match="function of"):
        Trainer(dense, x, y, batches=64)


def test_a_failing_batches_function_is_reported_in_the_panel(data):
    x, y = data

    def batches(x_train, y_train, batch_size):
        raise RuntimeError("no pipeline here")

    trainer = Trainer(dense, x, y, batches=batches, ledger=Ledger(), defaults={"epochs": 1})
    with pytest.raises(RuntimeError, match="no pipeline here"):
        trainer.train(wait=True)
    assert "no pipeline here" in trainer.message.value
    assert not trainer.train_button.disabled
