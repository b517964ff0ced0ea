"""Notebook 01's losses and loss explorers: the notebook's own NumPy code, checked against Keras.

The losses and their gradients are written in the notebook's cells; these tests run those cells
(tools/notebook_code.py) and compare what the explorers show with Keras's losses differentiated by
TensorFlow's GradientTape, at several predictions, net inputs and targets.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import neurona as nr
from neurona.plots.losses import plot_losses

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells  # noqa: E402

# The cells that define the losses (01-019), the regression losses (01-024, which also draws them)
# and the classification pairs through sigmoid and softmax (01-033).
LOSS_CELLS = ["01-019", "01-024", "01-033"]


@pytest.fixture(scope="module")
def lesson():
    import matplotlib.pyplot as plt

    namespace = run_cells("01", LOSS_CELLS, {"np": np, "nr": nr})
    plt.close("all")
    return namespace


def keras_gradient(keras_loss, y, value, activation=None):
    """Keras's loss of each example and its derivative by ``value``, from GradientTape."""
    import tensorflow as tf

    variable = tf.Variable(np.asarray(value, dtype="float64"))
    with tf.GradientTape() as tape:
        output = variable if activation is None else activation(variable)
        losses = keras_loss(tf.constant(np.asarray(y, dtype="float64")), output)
    return losses.numpy(), tape.gradient(losses, variable).numpy()


def test_the_regression_explorer_shows_kerass_losses_and_gradients(lesson):
    import keras

    explorer = nr.LossExplorer(lesson["regression_losses"], target=1.3, value=3.3,
                               value_range=(-1.7, 4.3))
    keras_losses = {"MSE": keras.losses.mean_squared_error,
                    "MAE": keras.losses.mean_absolute_error,
                    "Huber, δ = 1": keras.losses.huber}
    assert list(explorer.values()) == list(keras_losses)
    checked = 0
    for prediction in (-1.7, -0.4, 0.8, 1.25, 1.35, 2.1, 2.3, 4.3):   # inside and beyond Huber's δ
        explorer.set(value=prediction)
        shown = explorer.values()
        for name, keras_loss in keras_losses.items():
            loss, gradient = keras_gradient(keras_loss, [[1.3]], [[prediction]])
            assert shown[name]["loss"] == pytest.approx(loss[0], abs=1e-12), (name, prediction)
            assert shown[name]["gradient"] == pytest.approx(gradient[0, 0], abs=1e-12), \
                (name, prediction)
            checked += 1
    assert checked == 24


def test_the_classification_explorer_shows_kerass_gradients_by_the_net_input(lesson):
    import keras

    explorer = nr.LossExplorer(lesson["classification_losses"], target=1, value=-4.0,
                               targets=[0, 1], value_range=(-8, 8), against="value",
                               value_name="net input", symbol="z")
    pairs = {
        "sigmoid + binary CE": (keras.losses.binary_crossentropy, keras.activations.sigmoid),
        "softmax (3 classes) + categorical CE": (keras.losses.categorical_crossentropy,
                                                 keras.activations.softmax),
        "sigmoid + MSE (a poor pair)": (keras.losses.mean_squared_error, keras.activations.sigmoid),
    }
    assert list(explorer.values()) == list(pairs)
    for target in (0, 1):
        for z in (-8.0, -5.0, -1.5, 0.0, 0.7, 3.0, 8.0):
            explorer.set(value=z, target=target)
            assert explorer.target == target and explorer.value == z
            shown = explorer.values()
            for name, (keras_loss, activation) in pairs.items():
                if name.startswith("softmax"):   # one class of three moves; the others stay at 0
                    logits = [[z, 0.0, 0.0]]
                    onehot = [[target, 1 - target, 0.0]]
                    loss, gradient = keras_gradient(keras_loss, onehot, logits, activation)
                else:
                    loss, gradient = keras_gradient(keras_loss, [[target]], [[z]], activation)
                assert shown[name]["loss"] == pytest.approx(loss[0], rel=1e-6, abs=1e-9), (name, z)
                assert shown[name]["gradient"] == pytest.approx(gradient[0, 0], abs=1e-9), (name, z)
    # the lesson's point: with its own loss, the push by the net input is p - y
    explorer.set(value=-5.0, target=1)
    p = 1 / (1 + np.exp(5.0))
    assert explorer.values()["sigmoid + binary CE"]["gradient"] == pytest.approx(p - 1)
    assert explorer.values()["sigmoid + MSE (a poor pair)"]["gradient"] == pytest.approx(
        2 * (p - 1) * p * (1 - p))


def test_the_notebook_losses_match_keras_on_a_batch(lesson):
    import keras

    y, y_hat = np.array([[0.0], [2.0], [-1.0]]), np.array([[0.5], [-2.0], [-1.0]])
    for ours, keras_loss in [("mse", keras.losses.mean_squared_error),
                             ("mae", keras.losses.mean_absolute_error),
                             ("huber", keras.losses.huber)]:
        loss, gradient = keras_gradient(keras_loss, y, y_hat)
        np.testing.assert_allclose(lesson[ours](y, y_hat)[:, 0], loss)
        np.testing.assert_allclose(lesson[f"{ours}_gradient"](y, y_hat), gradient)
    p = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    onehot = np.eye(3)[[1, 0]]
    loss, _ = keras_gradient(keras.losses.categorical_crossentropy, onehot, p)
    np.testing.assert_allclose(lesson["categorical_crossentropy"](onehot, p), loss)


def test_moving_the_slider_or_the_target_redraws_the_picture(lesson):
    explorer = nr.LossExplorer(lesson["classification_losses"], target=1, value=-4.0,
                               targets=[0, 1], value_range=(-8, 8), against="value", symbol="z")
    before, redraws = explorer.last_png, explorer.redraws
    explorer.slider.value = 2.0
    assert explorer.redraws == redraws + 1 and explorer.last_png != before
    assert "z = 2.00" in explorer.readout.value
    before = explorer.last_png
    explorer.target_buttons.value = 0.0
    assert explorer.redraws == redraws + 2 and explorer.last_png != before
    assert explorer.target == 0.0
    explorer.set(value=-1.0, target=1)   # two controls, one picture
    assert explorer.redraws == redraws + 3


def test_an_explorer_with_a_fixed_target_has_no_buttons(lesson):
    explorer = nr.LossExplorer(lesson["regression_losses"], target=1.3, value=2.0,
                               value_range=(-1.7, 4.3))
    assert explorer.target_buttons is None and explorer.target == 1.3
    with pytest.raises(ValueError, match="target must be one of 1.3"):
        explorer.set(target=2.0)


def test_bad_arguments_are_refused_with_what_is_allowed(lesson):
    losses = lesson["regression_losses"]
    with pytest.raises(ValueError, match="value must be a number from -1.7 to 4.3"):
        nr.LossExplorer(losses, target=1.3, value=9.0, value_range=(-1.7, 4.3))
    with pytest.raises(ValueError, match="target must be one of 0, 1; got 0.5"):
        nr.LossExplorer(losses, target=0.5, value=0.0, targets=[0, 1])
    with pytest.raises(ValueError, match="against must be one of"):
        nr.LossExplorer(losses, against="errors")
    with pytest.raises(ValueError, match="at least one loss"):
        nr.LossExplorer({})
    with pytest.raises(TypeError, match=r"losses\['MSE'\] must be a pair"):
        nr.LossExplorer({"MSE": lesson["mse"]})
    with pytest.raises(TypeError, match="gradient function of 'bad' must return one number per"):
        nr.LossExplorer({"bad": (lesson["mse"], lambda y, v: np.ones(3))})
    with pytest.raises(ValueError, match=r"value_range\[1\] must be a finite number > 3"):
        nr.plot_losses(losses, target=0.0, value_range=(3, 1))
    explorer = nr.LossExplorer(losses, target=1.3, value=2.0, value_range=(-1.7, 4.3))
    with pytest.raises(ValueError, match="value must be a number from -1.7 to 4.3"):
        explorer.set(value=5.0)


def test_plot_losses_draws_every_loss_and_marks_the_point(lesson):
    import matplotlib.pyplot as plt

    figure = plot_losses(lesson["regression_losses"], target=1.3, value=2.3,
                         value_range=(-1.7, 4.3))
    left, right = figure.axes
    curves = left.get_lines()[:6:2]   # each loss's curve, then its marked point
    assert [line.get_label() for line in curves] == list(lesson["regression_losses"])
    marked = [line for line in left.get_lines() if line.get_marker() == "o"]
    assert [tuple(np.round(line.get_xydata()[0], 6)) for line in marked] == [
        (1.0, 1.0), (1.0, 1.0), (1.0, 0.5)]   # error 1: MSE 1, MAE 1, Huber ½
    assert left.get_xlabel() == "error ŷ − y" and right.get_ylabel() == "gradient ∂L/∂ŷ"
    plt.close(figure)
