"""Softmax as evidence turned into probabilities: the explorer widget and the weight pictures."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from neurona.plots.weights import (
    WEIGHT_COLORBAR_LABEL,
    plot_prediction_bars,
    plot_weight_images,
)
from neurona.widgets.softmax import SoftmaxExplorer, softmax


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# -- softmax and the explorer --------------------------------------------------------------


def test_probabilities_sum_to_one_and_follow_the_largest_evidence():
    explorer = SoftmaxExplorer()
    assert explorer.classes == tuple("0123456789")
    np.testing.assert_allclose(explorer.probabilities(), 0.1)
    explorer.set_evidence([0, 1, 2, 3, 4, 5, -1, 2.5, 0, 0])
    p = explorer.probabilities()
    assert p.shape == (10,) and p.sum() == pytest.approx(1.0)
    assert explorer.predicted_class == "5" and int(np.argmax(p)) == 5
    assert "Σ p<sub>k</sub> = 1.000" in explorer.summary.value
    assert "<b>5</b>" in explorer.summary.value
    assert "e^{z_k}" in explorer.formula.value  # the numerator is exp(z_k)


def test_adding_a_constant_to_all_evidence_changes_nothing():
    z = np.array([0.5, -2.0, 3.0])
    np.testing.assert_allclose(softmax(z), softmax(z + 4.0))
    np.testing.assert_allclose(softmax(z + 1000.0), softmax(z))  # stable: no overflow
    explorer = SoftmaxExplorer(classes=["a", "b", "c"], evidence=z)
    before = explorer.probabilities()
    explorer.set_evidence(z - 1.5)
    np.testing.assert_allclose(explorer.probabilities(), before)


def test_temperature_towards_zero_is_one_hot_and_large_is_flat():
    z = [1.0, 2.0, 0.5]
    np.testing.assert_allclose(softmax(z, temperature=0.01), [0, 1, 0], atol=1e-12)
    assert np.ptp(softmax(z, temperature=100)) < 0.02
    explorer = SoftmaxExplorer(classes=3, evidence=z)
    explorer.set_temperature(0.01)
    np.testing.assert_allclose(explorer.probabilities(), [0, 1, 0], atol=1e-12)
    assert "T = 0.01" in explorer.formula.value


def test_bad_input_raises():
    explorer = SoftmaxExplorer(classes=["a", "b"])
    with pytest.raises(ValueError, match="one evidence value per class: 2"):
        explorer.set_evidence([1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        explorer.set_evidence([1, np.nan])
    with pytest.raises(ValueError, match="from -5.0 to 5.0"):
        explorer.set_evidence([1, 7])
    with pytest.raises(ValueError, match="numbers"):
        explorer.set_evidence(["x", 1])
    with pytest.raises(TypeError):
        explorer.set_evidence("12")
    with pytest.raises(ValueError, match="temperature must be a finite number > 0; got 0"):
        softmax([1, 2], temperature=0)
    with pytest.raises(ValueError, match=r"temperature must be a number from 0.01 to 10 \(the"):
        explorer.set_temperature(50)
    with pytest.raises(ValueError, match="at least two"):
        SoftmaxExplorer(classes=["only"])
    with pytest.raises(ValueError, match="different"):
        SoftmaxExplorer(classes=["a", "a"])
    with pytest.raises(ValueError, match="one evidence value per class"):
        SoftmaxExplorer(classes=["a", "b"], evidence=[1.0])


def test_slider_change_redraws_and_set_evidence_redraws_once():
    explorer = SoftmaxExplorer(classes=["cat", "dog", "bird"])
    before, redraws = explorer.last_png, explorer.redraws
    assert before.startswith(b"\x89PNG") and explorer.image.value == before
    explorer.sliders[1].value = 3.0
    assert explorer.redraws == redraws + 1 and explorer.last_png != before
    assert explorer.predicted_class == "dog"
    explorer.set_evidence([1, 2, 3])
    assert explorer.redraws == redraws + 2
    explorer.temperature_slider.value = 2.0
    assert explorer.redraws == redraws + 3
    assert len(explorer._figure.axes) == 2  # the same figure, redrawn


def test_temperature_slider_can_be_hidden():
    explorer = SoftmaxExplorer(classes=2, show_temperature=False)
    assert explorer.temperature_slider.layout.display == "none"
    assert explorer.temperature == 1.0


# -- weight images -------------------------------------------------------------------------


FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]


def test_slider_labels_are_wide_enough_for_the_longest_class_name():
    explorer = SoftmaxExplorer(classes=FASHION)
    widths = {slider.style.description_width
              for slider in (*explorer.sliders, explorer.temperature_slider)}
    assert len(widths) == 1                          # the sliders stay aligned
    width = widths.pop()
    assert width.endswith("em")
    # "z[T-shirt/top]" is 14 letters; a letter of the label font is under 0.62 em on average.
    assert float(width.removesuffix("em")) >= 0.62 * len("z[T-shirt/top]")
    assert SoftmaxExplorer(classes=2).sliders[0].style.description_width != width


def test_the_panel_wraps_and_its_picture_shrinks_instead_of_clipping():
    explorer = SoftmaxExplorer(classes=FASHION)
    assert explorer.widget.layout.flex_flow == "row wrap"
    assert explorer.image.layout.width == "100%" and explorer.image.layout.max_width == "560px"


def test_long_class_names_do_not_overlap_under_the_bars():
    explorer = SoftmaxExplorer(classes=FASHION)
    figure = explorer._figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for ax in figure.axes:
        labels = ax.get_xticklabels()
        assert [label.get_rotation() for label in labels] == [45] * 10
        ticks = ax.transData.transform(np.column_stack([ax.get_xticks(), np.zeros(10)]))[:, 0]
        ends = np.array([label.get_window_extent(renderer).x1 for label in labels])
        height = labels[0].get_fontsize() * figure.dpi / 72
        # Each name ends at its own bar (anchored by its right end, the slant adds a bit)...
        assert np.all((ends >= ticks) & (ends - ticks < height))
        # ...so slanted names are parallel lines one tick apart: they do not overlap when that
        # gap, across the slant, is wider than a line of text.
        assert np.diff(ticks).min() * np.sin(np.pi / 4) > height


def test_weight_images_one_per_unit_with_symmetric_scale():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(784, 10))
    kernel[3, 2] = 5.0  # the largest |weight| fixes both limits
    names = [f"digit {k}" for k in range(10)]
    fig = plot_weight_images(kernel, class_names=names)
    images = [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]
    assert len(images) == 10
    assert [ax.get_title() for ax in images] == names
    for ax in images:
        vmin, vmax = ax.images[0].get_clim()
        assert vmin == -5.0 and vmax == 5.0
        assert ax.images[0].get_cmap().name == "RdBu"
        assert ax.images[0].get_array().shape == (28, 28)
    colorbars = [ax for ax in fig.axes if ax not in images]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == WEIGHT_COLORBAR_LABEL


def test_weight_images_of_a_keras_model():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([
        keras.Input(shape=(28, 28)), keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    fig = plot_weight_images(model, cols=5)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [str(k) for k in range(10)]
    layer_fig = plot_weight_images(model.layers[1], image_shape=(28, 28, 1))
    assert len(layer_fig.axes) == 11


def test_weight_images_size_mismatch_and_given_axes():
    with pytest.raises(ValueError, match="784 pixels"):
        plot_weight_images(np.zeros((100, 10)))
    with pytest.raises(ValueError, match="grey image"):
        plot_weight_images(np.zeros((3072, 10)), image_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="class_names has 2 names"):
        plot_weight_images(np.zeros((4, 3)), image_shape=(2, 2), class_names=["a", "b"])
    fig, axes = plt.subplots(1, 3)
    assert plot_weight_images(np.ones((4, 3)), image_shape=(2, 2), ax=axes) is fig
    with pytest.raises(ValueError, match="3 units but only 2 Axes"):
        plot_weight_images(np.ones((4, 3)), image_shape=(2, 2), ax=axes[:2])


# -- prediction bars -----------------------------------------------------------------------


def test_prediction_bars_count_sum_and_true_class():
    p = softmax(np.linspace(-2, 2, 10))
    ax = plot_prediction_bars(p[None, :], true_class=3)
    heights = [bar.get_height() for bar in ax.patches]
    assert len(heights) == 10 and sum(heights) == pytest.approx(1.0)
    assert "sum of bars = 1.000" in ax.get_title()
    assert "prediction: '9'" in ax.get_title() and "true class: '3'" in ax.get_title()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["true class", "predicted (wrong)"]
    assert ax.patches[3].get_facecolor() != ax.patches[0].get_facecolor()


def test_prediction_bars_reject_non_probabilities():
    with pytest.raises(ValueError, match="not probabilities.*softmax"):
        plot_prediction_bars([2.0, 1.0, -0.5])
    with pytest.raises(ValueError, match="not probabilities"):
        plot_prediction_bars([0.2, 0.2, 0.2])
    with pytest.raises(ValueError, match="not probabilities"):
        plot_prediction_bars([0.5, np.nan])
    with pytest.raises(ValueError, match="one image"):
        plot_prediction_bars(np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="true_class"):
        plot_prediction_bars([0.5, 0.5], true_class=7)
    with pytest.raises(ValueError, match="true_class"):
        plot_prediction_bars([0.5, 0.5], class_names=["a", "b"], true_class="c")
