"""The convolution and pooling explorers, and the pictures they draw."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from neurona.cnn import BOOK_SEVEN, KERNELS, conv_output_size, convolve2d, pool2d
from neurona.plots.convolution import (
    plot_convolution_step,
    plot_feature_maps,
    plot_filters,
    plot_pooling,
)
from neurona.widgets.convolution import ConvolutionExplorer, PoolingExplorer


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def digit():
    image = np.zeros((28, 28))
    image[5:8, 6:22] = 1.0      # a "7": top bar ...
    for r in range(8, 24):      # ... and a diagonal stroke
        image[r, 20 - (r - 8) // 2: 22 - (r - 8) // 2] = 1.0
    return image


def test_set_changes_the_formula_and_redraws(digit):
    explorer = ConvolutionExplorer(digit, kernel="sharpen")
    assert "(28 + 2·0 − 3)/1 + 1 = 26" in explorer.formula.value
    assert "Keras says 26" in explorer.keras_line.value
    before, redraws = explorer.image.value, explorer.redraws
    explorer.set(padding="same", stride=2)
    assert explorer.redraws == redraws + 1            # one redraw for two changes
    assert explorer.image.value != before
    assert explorer.output_size == (14, 14) and "= 14" in explorer.formula.value
    assert explorer.keras_size == 14 and "✓" in explorer.keras_line.value
    explorer.set(kernel="0 0 0 0 0; 0 0 0 0 0; 0 0 1 0 0; 0 0 0 0 0; 0 0 0 0 0",
                 padding="valid", stride=3)
    assert explorer.kernel.shape == (5, 5) and explorer.kernel_menu.value == "typed in"
    assert "⌊(28 + 2·0 − 5)/3⌋ + 1 = 8" in explorer.formula.value


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_the_formula_line_agrees_with_keras(digit, padding, stride):
    explorer = ConvolutionExplorer(digit[:13, :13], kernel="emboss", padding=padding,
                                   stride=stride)
    layer = keras.layers.Conv2D(1, 3, strides=stride, padding=padding)
    keras_size = layer(np.zeros((1, 13, 13, 1), "float32")).shape[1]
    assert explorer.keras_size == keras_size == explorer.output_size[0]
    assert explorer.formula.value.split("(<i>")[0].rstrip().endswith(f"= {keras_size}") or \
        f"= {keras_size} (" in explorer.formula.value


def test_a_bad_typed_kernel_shows_a_message_and_keeps_the_last_good_one(digit):
    explorer = ConvolutionExplorer(digit, kernel="Gaussian blur", check_with_keras=False)
    redraws = explorer.redraws
    explorer.kernel_text.value = "1 2; 3 4"
    assert "odd" in explorer.message.value and "Gaussian blur" in explorer.message.value
    np.testing.assert_array_equal(explorer.kernel, KERNELS["Gaussian blur"])
    assert explorer.redraws == redraws
    explorer.kernel_text.value = "1 1 x; 1 1 1; 1 1 1"
    assert "cannot read" in explorer.message.value
    explorer.kernel_text.value = "0 -1 0; -1 5 -1; 0 -1 0"
    assert explorer.message.value == "" and explorer.redraws == redraws + 1
    np.testing.assert_array_equal(explorer.kernel, KERNELS["sharpen"])
    with pytest.raises(ValueError, match="odd"):
        explorer.set(kernel="1 2; 3 4")
    with pytest.raises(ValueError, match="stride"):
        explorer.set(stride=4)


def test_the_step_slider_builds_the_output(digit):
    explorer = ConvolutionExplorer(digit, kernel="edge (vertical)", check_with_keras=False)
    assert explorer.step == explorer.windows - 1 == 26 * 26 - 1    # starts with the whole map
    # The slider counts windows from 1, as the text does: its end reads "676", "676 of 676".
    assert explorer.play.max == explorer.step_slider.max == explorer.step_slider.value == 676
    explorer.set(step=0)
    first = explorer.image.value
    assert "window 1 of 676: output[0, 0]" in explorer.step_line.value
    assert explorer.step_slider.value == 1
    explorer.step_slider.value = 28                 # as the slider or Play would move it
    assert explorer.image.value != first
    assert "output[1, 1]" in explorer.step_line.value
    value = convolve2d(digit, KERNELS["edge (vertical)"])[1, 1]
    assert f"= {value:.3g}" in explorer.step_line.value
    explorer.set(stride=2)                          # fewer windows: the slider follows
    assert explorer.step_slider.max == 169 and explorer.step <= 168
    explorer.set(step=-1)
    assert explorer.step == 168
    with pytest.raises(ValueError, match="step must be a whole number from -1 to 168"):
        explorer.set(step=169)


def test_the_explorer_does_not_need_keras_when_not_checking(digit):
    explorer = ConvolutionExplorer(digit, check_with_keras=False)
    assert explorer.keras_size is None and explorer.keras_line.value == ""


def test_pooling_explorer_shows_max_and_average_of_the_seven():
    explorer = PoolingExplorer()
    np.testing.assert_array_equal(explorer.pooled("max"), pool2d(BOOK_SEVEN, 2))
    assert "max pooling" in explorer.summary.value and "average" in explorer.summary.value
    before = explorer.image.value
    explorer.set(size=3, stride=1)
    assert explorer.pooled("average").shape == (4, 4) and explorer.image.value != before


def test_plots_return_figures(digit):
    fig = plot_convolution_step(digit, KERNELS["sharpen"], step=10, padding="same", stride=2)
    assert fig.axes[2].get_title().startswith("output 14×14: [0, 10]")
    with pytest.raises(ValueError, match="step must be a whole number from 0 to 195"):
        plot_convolution_step(digit, KERNELS["sharpen"], step=196, padding="same", stride=2)
    fig = plot_pooling()
    assert [ax.get_title() for ax in fig.axes][1] == "max pooling → 3×3"
    assert len(plot_filters(np.zeros((5, 5, 1, 6))).axes) == 7


def test_filters_and_feature_maps_of_a_model(digit):
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(3, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(2),
    ])
    assert len(plot_filters(model).axes) == 5
    fig = plot_feature_maps(model, digit, max_maps=4)
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    names = [layer.name for layer in model.layers[:3]]
    assert titles == [f"{names[0]} (26, 26, 4)", f"{names[1]} (13, 13, 4)",
                      f"{names[2]} (11, 11, 3)"]
    assert conv_output_size(13, 3) == 11


def test_feature_maps_of_a_bfloat16_model_are_drawn_in_float32(digit):
    """The course's fast CNN computes in bfloat16: its maps must still be pictures."""
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = keras.Sequential([
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(2, dtype="float32"),
        ])
        fig = plot_feature_maps(model, digit, max_maps=4)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    maps = [ax.images[0].get_array() for ax in fig.axes[1:5]]
    assert all(m.dtype == np.float32 and m.shape == (26, 26) for m in maps)
    assert any(float(m.max()) > float(m.min()) for m in maps)  # not one flat colour


def test_the_window_slider_reads_what_the_text_says(digit):
    explorer = ConvolutionExplorer(digit, kernel="edge (vertical)", check_with_keras=False)
    explorer.set(kernel="0 -1 0; -1 5 -1; 0 -1 0", padding="same", stride=2)
    assert explorer.windows == 196
    assert explorer.step_slider.max == explorer.step_slider.value == explorer.play.max == 196
    assert "window 196 of 196" in explorer.step_line.value
    explorer.set(step=4)
    assert explorer.step_slider.value == 5 and "window 5 of 196" in explorer.step_line.value


def test_a_kernel_set_from_code_shows_in_the_text_box(digit):
    explorer = ConvolutionExplorer(digit, check_with_keras=False)
    assert explorer.kernel_text.value == "-1 0 1; -1 0 1; -1 0 1"   # edge (vertical), editable
    explorer.kernel_menu.value = "Gaussian blur"
    assert explorer.kernel_text.value == ("0.0625 0.125 0.0625; 0.125 0.25 0.125; "
                                          "0.0625 0.125 0.0625")
    assert explorer.kernel_name == "Gaussian blur"  # showing it is not typing it
    explorer.set(kernel="0 -1 0; -1 5 -1; 0 -1 0")
    assert explorer.kernel_text.value == "0 -1 0; -1 5 -1; 0 -1 0"
    assert explorer.kernel_menu.value == "typed in" and explorer.message.value == ""
    redraws = explorer.redraws
    explorer.set(kernel=np.array([[0, 0, 0], [0, 2, 0], [0, 0, 0]]))
    assert explorer.kernel_text.value == "0 0 0; 0 2 0; 0 0 0"
    assert explorer.redraws == redraws + 1          # showing the text does not redraw again
    np.testing.assert_array_equal(explorer.kernel, [[0, 0, 0], [0, 2, 0], [0, 0, 0]])


def test_kernel_numbers_contrast_with_their_cells(digit):
    from matplotlib.colors import to_rgb

    from neurona.plots.convolution import plot_convolution_step

    figure = plot_convolution_step(digit, KERNELS["sharpen"])
    ax_k = figure.axes[1]
    cells = ax_k.images[0]
    colors = {}
    for text in ax_k.texts:
        i, j = (round(v) for v in text.get_position()[::-1])
        background = np.array(to_rgb(cells.to_rgba(KERNELS["sharpen"][i, j])))
        colors[text.get_text()] = to_rgb(text.get_color())
        # Dark cells (the navy 5) get white numbers, light ones black.
        expected = (1, 1, 1) if background.mean() < 0.4 else (0, 0, 0)
        assert to_rgb(text.get_color()) == expected
    assert colors["5"] == (1, 1, 1) and colors["0"] == (0, 0, 0)
