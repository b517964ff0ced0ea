"""Notebook 09: saved models, freezing, resuming a training, the network check, the label curve.

The networks and the strategies are the notebook's own cells (tools/notebook_code.py), run on small
random images: what is tested is what students read.
"""

import os
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

import neurona as nr  # noqa: E402
from neurona.runs import Ledger, RunRecord  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_code import run_cells, source  # noqa: E402

TARGET_CLASSES = [4, 6, 7, 9]


@pytest.fixture
def lesson(tmp_path):
    """The notebook's networks and strategies, with a small source network saved in tmp_path."""
    rng = np.random.default_rng(0)
    namespace = {"nr": nr, "keras": keras, "np": np, "pd": pd, "SEED": 0, "BATCH_SIZE": 32,
                 "TARGET_CLASSES": TARGET_CLASSES, "SEEN": 64, "MIN_EPOCHS": 1, "MAX_EPOCHS": 2,
                 "SOURCE_FILE": str(tmp_path / "source.keras"),
                 "x_pool": rng.random((80, 28, 28, 1), dtype=np.float32),
                 "y_pool": np.repeat(np.arange(4), 20)}
    run_cells("09", ["09-008"], namespace)          # conv_base, with_head (and the number format)
    nr.seed(0)
    source = namespace["with_head"](namespace["conv_base"](), 6)
    source.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    source.fit(rng.random((64, 28, 28, 1), dtype=np.float32), rng.integers(0, 6, 64), epochs=1,
               batch_size=32, verbose=0)
    source.save(namespace["SOURCE_FILE"])
    namespace["source"] = source
    run_cells("09", ["09-019"], namespace)          # labelled, train, the three strategies
    return namespace


def weights_equal(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights(), strict=True))


def test_the_notebook_splits_fashion_mnist_into_six_source_and_four_held_out_classes():
    code = source("09", "09-005")
    assert "SOURCE_CLASSES = [0, 1, 2, 3, 5, 8]" in code and "TARGET_CLASSES = [4, 6, 7, 9]" in code


def test_a_saved_and_loaded_model_gives_the_same_predictions_and_keeps_its_optimizer(lesson):
    loaded = keras.models.load_model(lesson["SOURCE_FILE"])
    images = np.random.default_rng(1).random((50, 28, 28, 1), dtype=np.float32)
    assert loaded is not lesson["source"]
    theirs, ours = loaded.predict(images, verbose=0), lesson["source"].predict(images, verbose=0)
    assert np.array_equal(theirs, ours)
    assert int(loaded.optimizer.iterations) == 2   # 64 images in batches of 32, one epoch
    assert loaded.get_layer("base").get_layer("conv2").dtype_policy.name == lesson["policy"]


def test_freezing_the_base_moves_its_parameters_out_of_training(lesson):
    run_cells("09", ["09-016"], lesson)
    assert lesson["counts"] == {"base trainable": {"trainable": 224_260, "non-trainable": 0},
                                "base frozen": {"trainable": 205_444, "non-trainable": 18_816}}


def test_a_frozen_base_stays_as_it_was_and_fine_tuning_moves_only_conv2(lesson):
    x, y = lesson["labelled"](10)
    model, run = lesson["feature_extraction"](x, y, "test 09 frozen")
    assert run.epochs == 2 and run.status == "finished"
    frozen, trained = model.get_layer("base"), lesson["source"].get_layer("base")
    assert weights_equal(frozen, trained)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 205_444
    head_before = [w.copy() for w in model.layers[2].get_weights()]
    model, _ = lesson["fine_tuning"](model, x, y, "test 09 tuned")
    assert weights_equal(frozen.get_layer("conv1"), trained.get_layer("conv1"))
    assert not weights_equal(frozen.get_layer("conv2"), trained.get_layer("conv2"))
    head_after = model.layers[2].get_weights()
    assert not all(np.array_equal(a, b) for a, b in zip(head_before, head_after, strict=True))


def test_from_scratch_starts_from_random_weights(lesson):
    x, y = lesson["labelled"](10)
    model, _ = lesson["from_scratch"](x, y, "test 09 scratch")
    assert not weights_equal(model.get_layer("base").get_layer("conv1"),
                             lesson["source"].get_layer("base").get_layer("conv1"))
    assert sorted(np.unique(y).tolist()) == [0, 1, 2, 3] and len(y) == 40


# -- resuming a training: the run record goes on ---------------------------------------------------
def tiny_model():
    nr.seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    schedule = keras.optimizers.schedules.CosineDecay(0.01, decay_steps=40)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy")
    return model


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 8)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64") + (x[:, 1] > 1)


def test_a_training_saved_with_its_ledger_resumes_in_the_same_record(data, tmp_path):
    x, y = data
    first = Ledger()
    model = tiny_model()
    model.fit(x, y, epochs=2, batch_size=20, verbose=0,
              callbacks=nr.callbacks("part", ledger=first, live=False, verbose=False))
    model.save(tmp_path / "checkpoint.keras")
    first.to_csv(tmp_path / "runs.csv")

    restored = keras.models.load_model(tmp_path / "checkpoint.keras")
    saved = Ledger.read_csv(tmp_path / "runs.csv")["part"]
    assert saved.epochs == 2 and saved.status == "finished"
    later = Ledger()
    restored.fit(x, y, initial_epoch=2, epochs=4, batch_size=20, verbose=0,
                 callbacks=nr.callbacks(resume=saved, ledger=later, live=False, verbose=False))
    assert later["part"] is saved and len(later) == 1
    assert saved.epochs == 4 and len(saved.history["loss"]) == 4 and saved.status == "finished"
    assert saved.resumed_after == [2] and saved.hparams["epochs"] == 4
    assert "(resumed after epoch 2)" in saved.summary()
    assert int(restored.optimizer.iterations) == 4 * 5
    # the whole run, both parts, survives another trip through a CSV file
    later.to_csv(tmp_path / "again.csv")
    again = Ledger.read_csv(tmp_path / "again.csv")["part"]
    assert again.resumed_after == [2] and again.history == saved.history


def test_resuming_at_the_wrong_epoch_is_refused_with_the_right_one(data):
    x, y = data
    run = RunRecord("part", status="finished", epoch_seconds=[1.0, 1.0],
                    history={"loss": [1.0, 0.9]})
    message = r"initial_epoch=2\) so that its epochs go on.*got initial_epoch=0"
    with pytest.raises(ValueError, match=message):
        tiny_model().fit(x, y, epochs=3, verbose=0,
                         callbacks=nr.callbacks(resume=run, ledger=Ledger(), live=False))
    assert run.epochs == 2 and run.status == "finished" and run.resumed_after == []


def test_a_resumed_run_can_be_renamed_and_bad_resumes_are_refused(data):
    x, y = data
    run = RunRecord("part", status="finished", epoch_seconds=[1.0], history={"loss": [1.0]})
    ledger = Ledger()
    tiny_model().fit(x, y, initial_epoch=1, epochs=2, verbose=0,
                     callbacks=nr.callbacks("both parts", resume=run, ledger=ledger, live=False,
                                            verbose=False))
    assert ledger["both parts"] is run and run.epochs == 2
    with pytest.raises(TypeError, match="resume must be the RunRecord"):
        nr.Track(resume="part")
    running = RunRecord("open")
    with pytest.raises(ValueError, match="still running"):
        running.resume(0)


# -- the network check of the optional cell --------------------------------------------------
def test_network_status_is_false_offline_without_trying(monkeypatch, no_network):
    monkeypatch.setenv("NEURONA_OFFLINE", "1")
    assert nr.network_status() == (False, "NEURONA_OFFLINE=1 makes this machine offline")


def test_network_status_says_why_a_server_cannot_be_reached(monkeypatch, no_network):
    monkeypatch.delenv("NEURONA_OFFLINE", raising=False)
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    reachable, why = nr.network_status("https://example.org/x", timeout=0.5)
    assert not reachable and why.startswith("cannot reach example.org (")


def test_network_status_connects_to_the_server_or_to_the_proxy(monkeypatch):
    monkeypatch.delenv("NEURONA_OFFLINE", raising=False)
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        reachable, why = nr.network_status(f"http://127.0.0.1:{port}/", timeout=2)
        assert reachable and why.startswith("127.0.0.1 answered in ")
        monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
        assert nr.network_status("https://no-such-host.invalid/", timeout=2)[0]


def test_network_status_refuses_bad_arguments():
    with pytest.raises(ValueError, match="http:// or https://"):
        nr.network_status("storage.googleapis.com")
    with pytest.raises(ValueError, match="timeout must be"):
        nr.network_status(timeout=0)


def test_the_optional_imagenet_cell_skips_in_one_line(monkeypatch, capsys, no_network):
    namespace = {"nr": nr, "keras": keras, "QUICK": True}
    run_cells("09", ["09-037"], namespace)
    assert capsys.readouterr().out.startswith("Skipped (quick mode): ")
    monkeypatch.setenv("NEURONA_OFFLINE", "1")
    run_cells("09", ["09-037"], {**namespace, "QUICK": False})
    out = capsys.readouterr().out
    assert out.startswith("Skipped (NEURONA_OFFLINE=1 makes this machine offline)")


def test_the_optional_imagenet_cell_survives_a_broken_download(monkeypatch, capsys, no_network,
                                                               tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))   # no weights cached from an earlier run
    monkeypatch.setattr(nr, "network_status", lambda: (True, "pretend the server answered"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_cells("09", ["09-037"], {"nr": nr, "keras": keras, "QUICK": False})
    assert not caught, [str(w.message) for w in caught]   # a warning would be red in the notebook
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Downloading data from https://")   # Keras says what it tries
    assert lines[-1].startswith("Skipped: a download failed (") and len(lines) == 2


# -- the picture of the label curve ---------------------------------------------------------------
def curve():
    rows = [(s, n, a, t) for s, base in (("from scratch", 0.6), ("feature extraction", 0.75),
                                           ("fine-tuning", 0.78))
            for n, a, t in ((20, base, 2.0), (100, base + 0.1, 3.0), (1000, base + 0.2, 9.0))]
    columns = ["strategy", "labels per class", "test accuracy", "training s"]
    return pd.DataFrame(rows, columns=columns)


def test_the_label_curve_draws_one_line_per_strategy_on_a_log_axis():
    figure = nr.plot_accuracy_vs_labels(curve(), title="test")
    left, right = figure.axes
    assert [line.get_label() for line in left.get_lines()] == [
        "from scratch", "feature extraction", "fine-tuning"]
    assert len(right.get_lines()) == 3 and left.get_xscale() == "log"
    assert list(left.get_lines()[1].get_ydata()) == pytest.approx([0.75, 0.85, 0.95])
    assert [tick.get_text() for tick in left.get_xticklabels()] == ["20", "100", "1,000"]
    assert figure._suptitle.get_text() == "test"


def test_the_label_curve_refuses_tables_it_cannot_draw():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        nr.plot_accuracy_vs_labels(curve().to_dict())
    with pytest.raises(ValueError, match="no column 'training s'; it needs"):
        nr.plot_accuracy_vs_labels(curve().drop(columns="training s"))
    with pytest.raises(ValueError, match="is empty"):
        nr.plot_accuracy_vs_labels(curve().iloc[:0])
    with pytest.raises(ValueError, match="must be > 0"):
        nr.plot_accuracy_vs_labels(curve().assign(**{"labels per class": 0}))


# -- a notebook's TensorFlow log -------------------------------------------------------------------
def test_in_a_notebook_tensorflow_logs_warnings_only_without_retracing_notes():
    code = ("import sys; sys.ps1 = '>>> '\n"   # what a Jupyter kernel looks like to TensorFlow
            "import neurona, logging\n"
            "import tensorflow as tf\n"
            "logger = tf.get_logger()\n"
            "print(logger.level, [type(f).__name__ for f in logger.filters])\n")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    assert done.stdout.strip() == "30 ['_NoRetracingNotes']"
