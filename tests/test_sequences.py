"""Notebook 13: its windows, its recurrent layer by hand, its gradients, its pictures.

The windowing, the networks and the gradient measurement are the notebook's own cells, run here by
id (tools/notebook_code.run_cells); the kit's pictures and the latency of a model with two inputs
are tested beside them.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import neurona as nr  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells, source, written_module  # noqa: E402

STEPS = 12


def windowing(frame, steps=STEPS, cells=("13-006", "13-008")):
    """Run the notebook's windowing and day-split cells on ``frame``; return their namespace."""
    namespace = {"np": np, "pd": pd, "nr": nr, "STEPS": steps, "frame": frame}
    return run_cells("13", list(cells), namespace)


def coded(frame):
    """The frame with each reading replaced by its day and time: day * 100,000 + 10-s ticks."""
    times = frame.index
    day = (times.normalize() - times.normalize()[0]).days.to_numpy()
    ticks = ((times - times.normalize()).total_seconds().to_numpy() // 10).astype(int)
    code = (day * 100_000 + ticks).astype(np.float32)
    every_column = np.repeat(code[:, None], frame.shape[1], axis=1)
    return pd.DataFrame(every_column, index=times, columns=frame.columns)


@pytest.fixture(scope="module")
def days():
    """Four generated days of the usual recording window (05:00-20:00, a reading every 10 s)."""
    return nr.solar.generate(4, seed=1)


def check_windows_stay_in_their_day(frame, steps=STEPS):
    ns = windowing(coded(frame), steps)
    windows, later = ns["windows"], ns["later"]
    assert len(windows) > 0
    day, tick = windows // 100_000, windows % 100_000                      # (n, steps, 16)
    target_day, target_tick = later.to_numpy() // 100_000, later.to_numpy() % 100_000
    # Every reading of a window, and its target, from one day.
    assert (day == target_day[:, None, None]).all()
    # Consecutive readings, 10 s apart, the last one at the window's time, the target 10 s later.
    assert (np.diff(tick[:, :, 0], axis=1) == 1).all()
    now_tick = ((later.index - later.index.normalize()).total_seconds().to_numpy() // 10)
    assert (tick[:, -1, 0] == now_tick).all()
    assert (target_tick == now_tick + 1).all()
    return ns


def test_windows_never_cross_a_day(days):
    ns = check_windows_stay_in_their_day(days)
    assert ns["windows"].shape[1:] == (STEPS, 16)
    # Four days of daylight: every day gives windows, none from the night.
    assert len(pd.unique(ns["later"].index.normalize())) == 4


def test_windows_never_cross_midnight_on_whole_days():
    whole = nr.solar.generate(3, seed=2, hours=(0, 24))       # rows run on through every midnight
    ns = check_windows_stay_in_their_day(whole, steps=40)
    assert len(pd.unique(ns["later"].index.normalize())) == 3


def test_windows_never_bridge_a_gap_in_the_data(days):
    day_two = days.index.normalize() == days.index.normalize()[0] + pd.Timedelta(days=1)
    noon = day_two & (days.index.hour == 12) & (days.index.minute < 30)
    gapped = days[~noon]                                  # half an hour missing at noon on day 2
    ns = check_windows_stay_in_their_day(gapped)
    times = ns["later"].index
    oldest = times - pd.Timedelta(seconds=10 * (STEPS - 1))
    gap_start, gap_end = days.index[noon][0], days.index[noon][-1]
    assert not ((oldest <= gap_end) & (times + pd.Timedelta(seconds=10) >= gap_start)).any()


def test_validation_days_windows_are_disjoint_from_training_days(days):
    ns = windowing(coded(days))
    windows, is_val = ns["windows"], ns["is_val"]
    train_days = set(np.unique(windows[~is_val] // 100_000).tolist())
    val_days = set(np.unique(windows[is_val] // 100_000).tolist())
    assert train_days and val_days and not train_days & val_days
    assert val_days == {3.0}                              # the last quarter of 4 days: the last
    assert ns["train_days"] and ns["val_days"] and not set(ns["train_days"]) & set(ns["val_days"])


def test_a_window_that_peeks_is_caught(days):
    ns = windowing(days.iloc[:5400], cells=("13-006",))
    peeking = source("13", "13-006").split("\n\n\nwindows, hours, later")[0].replace(
        "readings[now[:, None] - back]", "readings[now[:, None] - back + 1]")
    assert peeking != source("13", "13-006").split("\n\n\nwindows, hours, later")[0]
    exec(peeking, ns)  # noqa: S102  (the notebook's cell, made to peek one reading ahead)
    with pytest.raises(ValueError, match="the features use the future"):
        nr.solar.check_no_future(ns["windows_as_rows"], days.iloc[:5400])


@pytest.fixture(scope="module")
def task(days):
    """The notebook's section 1 and 2 cells on two generated days: windows, inputs and targets."""
    two = days[days.index.normalize() <= days.index.normalize()[0] + pd.Timedelta(days=1)]
    return run_cells("13", ["13-006", "13-008", "13-012"],
                     {"np": np, "pd": pd, "nr": nr, "STEPS": STEPS, "frame": two, "TRAIN_EVERY": 1})


def test_network_windows_and_the_target_are_notebook_12s(task):
    x, windows = task["x_val"], task["windows"][task["is_val"]]
    column = task["TARGET_COLUMN"]
    assert x.shape == (len(windows), STEPS, 17) and x.dtype == np.float32
    assert np.allclose(x[:, -1, column], 0)                           # DH10 minus DH10 now, at now
    assert np.allclose(x[:, :, -1], windows[:, :, column] / 1000, atol=1e-6)  # DH10 in kW/m²
    assert np.allclose(x[:, 0, 3], (windows[:, 0, 3] - windows[:, -1, column]) / 100, atol=1e-5)
    now, actual = task["persistence_val"], task["actual_val"]
    assert np.allclose(task["to_forecast"](task["network_y"](actual, now), now), actual, atol=1e-3)
    assert task["skill"](now) == 0.0                                   # persistence scores 0
    assert task["skill"](actual) == 1.0


def test_the_recurrent_layer_by_hand_is_keras_simple_rnn():
    ns = run_cells("13", ["13-019"], {"np": np, "keras": keras, "layers": keras.layers, "SEED": 0,
                                      "UNITS": 5, "x_val": np.ones((8, 3, 4), np.float32)})
    x = np.random.default_rng(0).normal(size=(6, 7, 4)).astype(np.float32)
    layer = keras.layers.SimpleRNN(5, return_sequences=True)
    expected = layer(x).numpy()
    assert np.allclose(ns["rnn_forward"](x, *layer.get_weights()), expected, atol=1e-5)
    assert ns["difference"] < 1e-5


@pytest.fixture(scope="module")
def networks():
    """The notebook's model-building cells, with its sizes."""
    return run_cells("13", ["13-023", "13-027", "13-032", "13-037"],
                     {"np": np, "keras": keras, "layers": keras.layers,
                      "tf": __import__("tensorflow"),
                      "STEPS": STEPS, "N_FEATURES": 17, "UNITS": 32, "SEED": 0, "MEMORY_STEPS": 40})


@pytest.mark.parametrize("kind, parameters", [("SimpleRNN", 32 * (17 + 32 + 1) + 33),
                                              ("LSTM", 4 * 32 * (17 + 32 + 1) + 33),
                                              ("GRU", 3 * 32 * (17 + 32 + 2) + 33),
                                              ("Conv1D", (3 * 17 + 1) * 32 + (3 * 32 + 1) * 32
                                               + 8 * 32 + 1)])
def test_the_four_sequence_models(networks, kind, parameters):
    model = networks["sequence_model"](kind)
    assert model.input_shape == (None, STEPS, 17) and model.output_shape == (None, 1)
    assert model.count_params() == parameters
    assert model.layers[-1].activation.__name__ == "linear"           # the change can be negative


def test_gradient_by_state_measures_a_power_of_the_recurrent_weight(networks):
    a, steps = 0.8, 6
    model = keras.Sequential([keras.Input((steps, 1)),
                              keras.layers.SimpleRNN(1, activation=None, use_bias=False),
                              keras.layers.Dense(1)])
    model.set_weights([np.array([[2.0]]), np.array([[a]]), np.array([[1.0]]), np.array([0.0])])
    x = np.random.default_rng(0).normal(size=(3, steps, 1)).astype(np.float32)
    norms = networks["gradient_by_state"](model, x, np.zeros((3, 1), np.float32))
    assert norms.shape == (steps,)
    assert np.allclose(norms[:-1] / norms[1:], a, rtol=1e-4)          # one factor a per step back


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_gradient_by_state_unrolls_the_model_itself(networks, kind):
    import tensorflow as tf

    model = networks["sequence_model"](kind)
    x = np.random.default_rng(1).normal(size=(5, STEPS, 17)).astype(np.float32)
    y = np.ones((5, 1), np.float32)
    norms = networks["gradient_by_state"](model, x, y)
    assert norms.shape == (STEPS,) and (norms > 0).all()
    if kind != "LSTM":   # there the last state measured is the cell c, not the output h
        x_t = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            last = model.layers[0](x_t)
            tape.watch(last)
            loss = keras.ops.mean(keras.ops.square(model.layers[1](last) - y))
        assert np.isclose(norms[-1], np.linalg.norm(tape.gradient(loss, last)), rtol=1e-4)


def test_the_relu_rnn_and_the_two_input_model(networks):
    relu = networks["relu_rnn"]()
    assert relu.input_shape == (None, 40, 17) and relu.layers[0].activation.__name__ == "relu"
    both, alone = networks["gru_model"](True), networks["gru_model"](False)
    assert [t.name for t in both.inputs] == ["window", "hour"] and len(alone.inputs) == 1
    assert both.count_params() - alone.count_params() == 2 * 16   # the hour's 2 inputs to Dense(16)
    out = both.predict({"window": np.zeros((4, STEPS, 17)), "hour": np.zeros((4, 2))}, verbose=0)
    assert out.shape == (4, 1)


def test_the_pyramid_is_notebook_12s_with_or_without_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell = {"Path": Path, "keras": keras, "layers": keras.layers, "nr": nr}
    built_here = run_cells("13", ["13-016"], dict(cell))["pyramid_mlp"]((800, 400, 208), inputs=206)
    written_module("12", "pyramid_code.py", tmp_path)
    loaded = run_cells("13", ["13-016"], dict(cell))["pyramid_mlp"]
    assert loaded.__module__ == "pyramid_code"
    from_file = loaded((800, 400, 208), inputs=206)
    parameters = 206 * 800 + 800 + 801 * 400 + 401 * 208 + 209
    assert from_file.count_params() == built_here.count_params() == parameters
    assert [w.shape for w in from_file.weights] == [w.shape for w in built_here.weights]


# --------------------------------------------------------------------------- the kit's pictures


def test_plot_window_draws_the_window_and_its_target():
    window = np.linspace(100, 400, 12 * 16).reshape(12, 16)
    ax = nr.plot_window(window, 900.0, horizon_s=10)
    lines = ax.get_lines()
    assert len(lines) == 15 + 3                  # 15 other sensors, DH10, persistence, the target
    star = [line for line in lines if line.get_marker() == "*"][0]
    assert star.get_xdata()[0] == 10 and star.get_ydata()[0] == 900.0
    assert lines[15].get_xdata()[0] == -110                   # 12 readings, 10 s apart, ending at 0
    plt.close("all")
    with pytest.raises(ValueError, match=r"shape \(steps, sensors\)"):
        nr.plot_window(np.zeros(12), 1.0)
    with pytest.raises(ValueError, match="one name per sensor column"):
        nr.plot_window(np.zeros((12, 3)), 1.0)
    with pytest.raises(ValueError, match="highlight must be one of the names"):
        nr.plot_window(np.zeros((12, 2)), 1.0, names=["a", "b"])


def test_plot_unrolled_rnn_draws_the_way_back_only_when_asked():
    def arrows(ax):
        return [child for child in ax.texts if getattr(child, "arrow_patch", None) is not None]

    with_back = len(arrows(nr.plot_unrolled_rnn(4)))
    without = len(arrows(nr.plot_unrolled_rnn(4, backward=False)))
    assert without == 4 + 4 + 1                  # inputs up, states along, the last state up
    assert with_back == without + 3 + 4 + 1      # states back (not into h_0), inputs, the loss
    plt.close("all")
    with pytest.raises(ValueError, match="steps must be a whole number"):
        nr.plot_unrolled_rnn(9)
    with pytest.raises(TypeError, match="backward must be True or False"):
        nr.plot_unrolled_rnn(3, backward="yes")


def test_plot_gradient_by_step_puts_the_last_step_at_zero_on_a_log_axis():
    ax = nr.plot_gradient_by_step({"SimpleRNN": [1e-4, 1e-3, 1e-2], "LSTM": [1e-2, 1e-2, 1e-2]})
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    first = ax.get_lines()[0]
    assert list(first.get_xdata()) == [2, 1, 0] and first.get_ydata()[-1] == 1e-2
    ax = nr.plot_gradient_by_step({"SimpleRNN": [1e-4, 1e-3, 1e-2]}, relative=True)
    relative = ax.get_lines()[0]
    assert np.allclose(relative.get_ydata(), [1e-2, 1e-1, 1.0])
    plt.close("all")
    with pytest.raises(TypeError, match="relative must be True or False"):
        nr.plot_gradient_by_step({"x": [1.0, 2.0]}, relative=1)
    with pytest.raises(ValueError, match="non-empty mapping"):
        nr.plot_gradient_by_step([1, 2])
    with pytest.raises(ValueError, match="finite and non-negative"):
        nr.plot_gradient_by_step({"x": [1.0, -1.0]})


def test_plot_batch_losses_marks_a_run_that_ended_at_nan():
    ax = nr.plot_batch_losses({"no clipping": [5.0, 80.0, 1e9, float("nan")],
                               "clipped": [5.0, 4.0, 3.0]})
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(crosses) == 1 and crosses[0].get_ydata()[0] == 1e9
    assert "ended at nan after batch 4" in ax.get_legend().get_texts()[0].get_text()
    plt.close("all")
    with pytest.raises(ValueError, match="negative"):
        nr.plot_batch_losses({"x": [1.0, -2.0]})


def test_plot_skill_and_time_names_the_columns_it_needs():
    table = pd.DataFrame({"skill": [0.7, -0.1], "per_epoch_s": [np.nan, 1.5],
                          "latency_1_s": [1e-4, 1e-3], "latency_batch_s": [1e-3, 2e-2]},
                         index=["linear", "GRU"])
    fig = nr.plot_skill_and_time(table, budget_s=1.0, batch=1024)
    assert len(fig.axes) == 3 and fig.axes[2].get_xscale() == "log"
    assert any("no epochs" in t.get_text() for t in fig.axes[1].texts)
    plt.close("all")
    with pytest.raises(ValueError, match="lacks the column.*per_epoch_s"):
        nr.plot_skill_and_time(table.drop(columns="per_epoch_s"))


def test_latency_times_a_model_with_two_inputs():
    window, hour = keras.Input((4, 3)), keras.Input((2,))
    joined = keras.layers.Concatenate()([keras.layers.GRU(2)(window), hour])
    model = keras.Model([window, hour], keras.layers.Dense(1)(joined))
    inputs = [np.zeros((5, 4, 3), np.float32), np.zeros((5, 2), np.float32)]
    frame = nr.bench.latency(model, inputs, samples=(1, 8), repeats=2, label="two").frame
    assert list(frame["samples"]) == [1, 8] and (frame["median_s"] > 0).all()
    with pytest.raises(ValueError, match="as many rows each; got 5, 3"):
        nr.bench.latency(model, [inputs[0], inputs[1][:3]], samples=(1,))
    with pytest.raises(ValueError, match=r"inputs\[1\] must be a non-empty batch"):
        nr.bench.latency(model, [inputs[0], np.zeros(5)], samples=(1,))
