"""Playground.record: the Playground's training so far as one finished run of the ledger."""

import math

import pytest

import neurona as nr
from neurona.runs import Ledger, RunRecord
from neurona.widgets.playground import Playground


def test_the_run_holds_the_settings_the_epochs_and_the_timing():
    pg = Playground("data=xor layers=3 lr=0.1 batch=5 start=2 noise=10")
    pg.step(12)
    ledger = Ledger()
    run = pg.record("room: xor", ledger=ledger)
    assert isinstance(run, RunRecord) and list(ledger) == [run]
    assert run.name == "room: xor" and run.status == "finished"
    hp = run.hparams
    assert (hp["dataset"], hp["layers"], hp["hidden_neurons"], hp["activation"]) == \
        ("xor", "3", 3, "tanh")
    assert (hp["learning_rate"], hp["batch_size"], hp["noise"], hp["start"], hp["seed"]) == \
        (0.1, 5, 10, 2, 0)
    assert hp["epochs"] == 12 and hp["features"] == "x1,x2"
    # The whole settings string travels with the run: it reproduces it.
    assert nr.PlaygroundSettings.from_string(hp["settings"]) == pg.settings
    assert run.epochs == 12 and len(run.epoch_seconds) == 12
    assert all(s > 0 for s in run.epoch_seconds)
    assert run.samples_per_epoch == len(pg._x_train) and run.samples_per_second > 0
    assert run.parameters == pg.model.n_parameters == 2 * 3 + 3 + 3 + 1
    assert run.backend == "numpy" and run.device.startswith("CPU: ") and "NumPy" in run.device


def test_the_history_is_the_panel_s_losses_and_accuracies_after_each_epoch():
    pg = Playground("data=circle layers=4 lr=0.3")
    pg.step(15)
    run = pg.record(ledger=Ledger())
    assert set(run.metrics()) == {"loss", "val_loss", "accuracy", "val_accuracy"}
    # pg.history starts with the untrained network (epoch 0); the run starts at epoch 1.
    assert run.history["loss"] == pytest.approx(pg.history["loss"][1:])
    assert run.history["val_loss"] == pytest.approx(pg.history["test_loss"][1:])
    assert run.final("val_accuracy") == pytest.approx(pg.accuracy())
    assert run.final("accuracy") == pytest.approx(pg.accuracy(test=False))
    assert all(0 <= a <= 1 for a in run.history["val_accuracy"])


def test_names_count_up_and_the_notebook_ledger_is_the_default(monkeypatch):
    fresh = Ledger()
    monkeypatch.setattr("neurona.runs.ledger", fresh)
    pg = Playground("data=clusters layers=1")
    pg.step(2)
    first = pg.record()
    pg.step(2)  # training goes on; a second record is a new run with all the epochs so far
    second = pg.record()
    assert [r.name for r in fresh] == ["playground 1", "playground 2"]
    assert (first.epochs, second.epochs) == (2, 4)
    assert first.history["loss"] == second.history["loss"][:2]


def test_a_reset_starts_a_new_run_and_the_start_travels():
    pg = Playground("data=xor layers=2")
    pg.step(5)
    pg.reset()
    pg.step(3)
    run = pg.record(ledger=Ledger())
    assert run.epochs == 3 and run.hparams["start"] == 1


def test_a_diverged_training_keeps_the_epochs_before_it():
    pg = Playground("data=circle layers=4,2")
    pg.step(3)
    pg.model.weights[0][:] = math.nan  # what a learning rate far too large ends in
    pg.step(5)  # the panel stops at the first NaN loss
    assert pg.epoch == 4
    run = pg.record(ledger=Ledger())
    assert run.status == "diverged" and "epoch 4" in run.note and "learning rate" in run.note
    assert run.epochs == 3 and all(math.isfinite(v) for v in run.history["loss"])


def test_nothing_trained_and_wrong_arguments_are_refused():
    pg = Playground("data=xor")
    with pytest.raises(ValueError, match="nothing to record yet"):
        pg.record(ledger=Ledger())
    pg.step(1)
    with pytest.raises(ValueError, match="ledger must be a neurona Ledger"):
        pg.record(ledger=[])
    with pytest.raises(ValueError, match="name must be a string"):
        pg.record(3, ledger=Ledger())


def test_the_run_goes_through_the_ledger_s_csv(tmp_path):
    pg = Playground("data=xor layers=5")
    pg.step(4)
    ledger = Ledger()
    pg.record("xor 5", ledger=ledger)
    run = Ledger.read_csv(ledger.to_csv(tmp_path / "runs.csv"))["xor 5"]
    assert run.epochs == 4 and str(run.hparams["layers"]) == "5"
    assert run.history["val_accuracy"] == pytest.approx(ledger["xor 5"].history["val_accuracy"])
