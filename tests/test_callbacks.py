"""The Keras callbacks inside real `model.fit` calls (TensorFlow backend, CPU)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import neurona as nr  # noqa: E402
from neurona.runs import Ledger  # noqa: E402
from neurona.tracking import record_of  # noqa: E402


def tiny_classifier(seed=0, lr=0.01, optimizer="adam"):
    nr.seed(seed)
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    opt = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[optimizer](lr)
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 8)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 1)
    return x, y


def test_track_records_epochs_times_hparams_and_draws_live(data):
    x, y = data
    ledger = Ledger()
    track = nr.Track("tiny", ledger=ledger, verbose=False, units=16)
    model = tiny_classifier()
    model.fit(x, y, epochs=3, batch_size=50, validation_split=0.25, verbose=0, callbacks=[track])
    run = ledger["tiny"]
    assert run is track.record and run.status == "finished"
    assert run.epochs == 3 and len(run.epoch_seconds) == 3
    assert set(run.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert run.samples_per_epoch == 300  # 400 minus the 25% validation split
    assert run.hparams["batch_size"] == 50 and run.hparams["epochs"] == 3
    assert run.hparams["optimizer"] == "adam"
    assert run.hparams["learning_rate"] == pytest.approx(0.01)
    assert run.hparams["units"] == 16 and run.hparams["steps_per_epoch"] == 6
    assert run.parameters == model.count_params()
    assert run.device.startswith(("CPU", "GPU")) and run.backend == "tensorflow"
    assert run.versions["keras"] == keras.__version__
    # the live view drew at least the final picture, and its time is kept out of the epochs
    assert track.view.redraws >= 1 and track.view.last_png.startswith(b"\x89PNG")
    assert run.overhead_seconds >= track.view.draw_seconds > 0


def test_default_batch_size_and_summary_line(data, capsys):
    x, y = data
    ledger = Ledger()
    tiny_classifier().fit(x, y, epochs=2, verbose=0,
                          callbacks=nr.callbacks(ledger=ledger, live=False))
    run = ledger.last
    assert run.name == "run 1" and run.hparams["batch_size"] == 32
    assert run.samples_per_epoch == 400
    out = capsys.readouterr().out
    assert "run 1: 2 epochs, first" in out and "samples/s" in out


def test_nan_guard_stops_an_exploding_run_and_keeps_its_history(data, capsys):
    x, y = data
    ledger = Ledger()
    model = tiny_classifier(optimizer="sgd", lr=1e12)
    model.fit(x, y, epochs=20, batch_size=20, verbose=0,
              callbacks=nr.callbacks("explodes", ledger=ledger, live=False))
    run = ledger["explodes"]
    assert run.status == "diverged"
    assert run.epochs < 20
    assert "the loss became" in run.note
    out = capsys.readouterr().out
    assert "learning rate (1e+12) is probably too large" in out
    assert "history up to here is kept" in out


def test_early_stopping_is_recorded_as_stopped(data):
    x, y = data
    ledger = Ledger()
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    tiny_classifier().fit(x, y, epochs=10, verbose=0,
                          callbacks=[nr.Track("early", ledger=ledger, live=False), stop])
    run = ledger["early"]
    assert run.status == "stopped" and run.epochs < 10


def test_interrupt_keeps_the_partial_run(data):
    x, y = data
    ledger = Ledger()

    class CtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if record_of(self.model).epochs == 1 and batch == 2:
                raise KeyboardInterrupt

    model = tiny_classifier()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=5, batch_size=50, verbose=0,
                  callbacks=[nr.Track("cut", ledger=ledger, live=False), CtrlC()])
    run = ledger["cut"]
    assert run.status == "running" and run.epochs == 1 and run.partial_batches == 3
    ledger.close_open_runs()
    assert run.status == "interrupted" and "after 1 epoch and 3 batches" in run.note
    assert model.predict(x[:2], verbose=0).shape == (2, 3)  # the model is still usable


def test_callbacks_of_a_fit_find_its_record_and_the_model_carries_nothing(data):
    x, y = data
    ledger, seen = Ledger(), []

    class Peek(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(record_of(self.model))

    model, plain = tiny_classifier(), tiny_classifier()
    assert record_of(model) is None
    model.fit(x, y, epochs=2, verbose=0, callbacks=[nr.Track("peek", ledger=ledger, live=False,
                                                             verbose=False), Peek()])
    assert seen == [ledger["peek"]] * 2
    assert record_of(model) is None  # only while it trains
    plain.fit(x, y, epochs=2, verbose=0)
    assert set(vars(model)) == set(vars(plain))  # no attribute stashed on the tracked model


def test_seed_makes_runs_reproducible(data):
    x, y = data
    losses = []
    for _ in range(2):
        ledger = Ledger()
        tiny_classifier(seed=7).fit(x, y, epochs=2, batch_size=40, verbose=0, shuffle=True,
                                    callbacks=[nr.Track(ledger=ledger, live=False, verbose=False)])
        losses.append(ledger.last.history["loss"])
    assert losses[0] == losses[1]


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="name must be a string"):
        nr.Track(3)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0; got -1"):
        nr.seed(-1)
