"""The course's static pictures: learning curves, comparisons, confusion matrix, image grids."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from neurona.plots.confusion import ConfusionMatrix, plot_confusion_matrix
from neurona.plots.curves import (
    plot_learning_curves,
    plot_run_comparison,
    plot_time_per_epoch,
)
from neurona.plots.images import plot_image_grid, plot_misclassified
from neurona.plots.style import (
    DIVERGING_CMAP,
    PALETTE,
    TRAIN_LINESTYLE,
    VALIDATION_LINESTYLE,
    WRONG_COLOR,
    axis_label,
    diverging_limits,
    metric_color,
    metric_label,
    series_color,
    split_metric,
)
from neurona.runs import Ledger, RunRecord

HISTORY = {
    "loss": [0.9, 0.6, 0.45, 0.4],
    "accuracy": [0.6, 0.75, 0.82, 0.85],
    "val_loss": [0.95, 0.7, 0.6, 0.62],
    "val_accuracy": [0.55, 0.7, 0.78, 0.79],
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def make_run(name="relu, lr 0.01", history=HISTORY, seconds=None):
    run = RunRecord(name)
    epochs = len(next(iter(history.values())))
    seconds = seconds or [2.5] + [1.0] * (epochs - 1)
    for e in range(epochs):
        run.add_epoch({k: v[e] for k, v in history.items()}, seconds[e])
    run.finish()
    return run


class FakeHistory:
    """What keras.callbacks.History looks like to the plots: a .history dict."""

    def __init__(self, history):
        self.history = history


def same_color(a, b):
    return mcolors.to_rgba(a) == mcolors.to_rgba(b)


# -- style -------------------------------------------------------------------------------


def test_style_pairs_train_and_validation():
    assert split_metric("val_loss") == ("loss", True)
    assert split_metric("loss") == ("loss", False)
    assert metric_color("loss") == metric_color("val_loss")
    assert metric_color("accuracy") != metric_color("loss")
    assert metric_color("my_metric") == metric_color("val_my_metric") in PALETTE
    assert metric_label("val_accuracy") == "validation accuracy"
    assert "fraction" in axis_label("accuracy")
    assert series_color(0) != series_color(1)
    assert series_color(len(PALETTE)) == series_color(0)
    assert TRAIN_LINESTYLE == "-" and VALIDATION_LINESTYLE == "--"
    assert DIVERGING_CMAP == "RdBu"
    assert diverging_limits([-0.2, 0.5]) == (-0.5, 0.5)


# -- learning curves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [make_run(), dict(HISTORY), FakeHistory(dict(HISTORY))],
    ids=["run", "dict", "history"],
)
def test_learning_curves_one_axis_per_base_metric(source):
    fig = plot_learning_curves(source)
    assert len(fig.axes) == 2  # loss and accuracy
    for ax in fig.axes:
        lines = ax.get_lines()
        solid = [line for line in lines if line.get_linestyle() == TRAIN_LINESTYLE]
        dashed = [line for line in lines if line.get_linestyle() == VALIDATION_LINESTYLE]
        assert len(solid) == 1 and len(dashed) == 1
        assert same_color(solid[0].get_color(), dashed[0].get_color())
        assert list(solid[0].get_xdata()) == [1, 2, 3, 4]
        assert ax.get_xlabel() == "epoch"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]
    assert fig.axes[0].get_ylabel() == "loss"
    assert "accuracy" in fig.axes[1].get_ylabel()


def test_learning_curves_title_and_metric_choice():
    fig = plot_learning_curves(make_run("tanh"), metrics="val_accuracy")
    assert len(fig.axes) == 1
    assert fig.get_suptitle() == "tanh"
    assert "accuracy" in fig.axes[0].get_ylabel()


def test_learning_curves_put_the_loss_first():
    keras_order = FakeHistory({"accuracy": [0.5, 0.6], "loss": [1.0, 0.8]})
    fig = plot_learning_curves(keras_order)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", axis_label("accuracy")]


def test_learning_curves_single_epoch_has_markers():
    fig = plot_learning_curves({"loss": [0.5], "val_loss": [0.6]})
    assert all(line.get_marker() == "o" for line in fig.axes[0].get_lines())


def test_learning_curves_draw_into_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert plot_learning_curves(HISTORY, axes=axes, title="mine") is fig
    assert fig.get_suptitle() == "mine"
    with pytest.raises(ValueError, match="one Axes per metric"):
        plot_learning_curves(HISTORY, axes=axes[0])


def test_learning_curves_unknown_metric_lists_recorded_ones():
    with pytest.raises(ValueError, match="'mae'.*loss, val_loss, accuracy, val_accuracy"):
        plot_learning_curves(make_run(), metrics=["loss", "mae"])


@pytest.mark.parametrize("empty", [{}, {"loss": [], "val_loss": []}, RunRecord("fresh")])
def test_learning_curves_empty_history_raises(empty):
    with pytest.raises(ValueError, match="nothing was recorded yet"):
        plot_learning_curves(empty)
    assert not plt.get_fignums()  # no empty figure left behind


def test_learning_curves_reject_other_objects():
    with pytest.raises(TypeError, match="RunRecord, a Keras History"):
        plot_learning_curves([0.5, 0.4])


# -- run comparison ----------------------------------------------------------------------


def test_run_comparison_one_line_per_run_with_distinct_colours():
    runs = [make_run("a"), make_run("b"), make_run("c")]
    ax = plot_run_comparison(runs, metric="val_loss")
    lines = ax.get_lines()
    assert len(lines) == 3
    assert len({mcolors.to_hex(line.get_color()) for line in lines}) == 3
    assert all(line.get_linestyle() == VALIDATION_LINESTYLE for line in lines)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # The three runs recorded the same numbers: the legend says so, and the repeats get
    # hollow markers of growing size, so that no line hides under another.
    assert labels == ["a (0.6200)", "b (0.6200): the same as a where both ran",
                      "c (0.6200): the same as a where both ran"]
    assert [line.get_marker() for line in lines][1:] == ["o", "s"]
    assert lines[1].get_markersize() < lines[2].get_markersize()


def test_run_comparison_training_metric_is_solid_and_ledger_accepted():
    ax = plot_run_comparison(Ledger([make_run("a"), make_run("b")]), metric="loss")
    assert [line.get_linestyle() for line in ax.get_lines()] == [TRAIN_LINESTYLE] * 2


def test_run_comparison_skips_runs_without_the_metric():
    no_val = make_run("no validation", history={"loss": [1.0, 0.5]})
    ax = plot_run_comparison([make_run("a"), no_val, make_run("c")], metric="val_loss")
    assert len(ax.get_lines()) == 2
    legend = ax.get_legend()
    assert "no validation" in legend.get_title().get_text()
    # Colours follow the position in the list, so run "c" keeps its colour.
    assert same_color(ax.get_lines()[1].get_color(), series_color(2))


def test_run_comparison_raises_when_no_run_has_the_metric():
    with pytest.raises(ValueError, match="metrics available: loss, val_loss, accuracy"):
        plot_run_comparison([make_run("a")], metric="mae")
    with pytest.raises(ValueError, match="no runs to compare"):
        plot_run_comparison(Ledger())


# -- time per epoch ----------------------------------------------------------------------


def test_time_per_epoch_bars_and_median():
    run = make_run(seconds=[3.0, 1.0, 1.2, 1.1])
    ax = plot_time_per_epoch(run)
    assert len(ax.patches) == 4
    assert not same_color(ax.patches[0].get_facecolor(), ax.patches[1].get_facecolor())
    median = [line for line in ax.get_lines() if "s/epoch" in line.get_label()]
    assert len(median) == 1 and median[0].get_ydata()[0] == pytest.approx(1.1)
    with pytest.raises(ValueError, match="no epoch has finished"):
        plot_time_per_epoch(RunRecord("fresh"))


# -- confusion matrix --------------------------------------------------------------------


@pytest.fixture
def labels():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 400)
    y_pred = np.where(rng.random(400) < 0.7, y_true, rng.integers(0, 4, 400))
    return y_true, y_pred


def test_confusion_matrix_matches_sklearn(labels):
    y_true, y_pred = labels
    cm = plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c", "d"])
    assert isinstance(cm, ConfusionMatrix)
    np.testing.assert_array_equal(cm.matrix, sk_confusion_matrix(y_true, y_pred))
    np.testing.assert_allclose(cm.normalized.sum(axis=1), 1.0)
    assert cm.accuracy == pytest.approx(np.trace(cm.matrix) / cm.matrix.sum())
    assert cm.accuracy == pytest.approx((y_true == y_pred).mean())
    assert len(cm.figure.axes) == 4  # two panels, two colour bars
    correct = int((y_true == y_pred).sum())
    assert f"= {correct} / 400 = {correct / 400:.1%}" in cm.figure.get_suptitle()
    assert "accuracy" in repr(cm) and "\n" not in repr(cm)
    assert not hasattr(cm, "_repr_png_") and not hasattr(cm, "_repr_html_")


def test_confusion_matrix_one_hot_and_probabilities_agree(labels):
    y_true, y_pred = labels
    one_hot = np.eye(4)[y_true]
    rng = np.random.default_rng(1)
    probabilities = rng.random((400, 4)) * 0.5
    probabilities[np.arange(400), y_pred] = 1.0
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    logits = np.log(probabilities) * 3.0
    plain = plot_confusion_matrix(y_true, y_pred).matrix
    np.testing.assert_array_equal(plot_confusion_matrix(one_hot, probabilities).matrix, plain)
    np.testing.assert_array_equal(plot_confusion_matrix(y_true[:, None], logits).matrix, plain)


def test_confusion_matrix_writes_whole_percents_in_the_normalised_panel(labels):
    cm = plot_confusion_matrix(*labels, normalize="true")
    shown = [text.get_text() for text in cm.figure.axes[0].texts]
    expected = [f"{100 * value:.0f}" for value in cm.normalized.ravel()]
    assert shown == expected  # "83", not "0.83": ten cells a row stay apart
    ticks = [label.get_text() for label in cm.figure.axes[1].get_yticklabels()]
    assert ticks and all(tick.endswith("%") for tick in ticks if tick)


@pytest.mark.parametrize("normalize, panels", [("true", 1), (None, 1), ("both", 2)])
def test_confusion_matrix_panels(labels, normalize, panels):
    cm = plot_confusion_matrix(*labels, normalize=normalize)
    assert len(cm.figure.axes) == 2 * panels  # each panel has a colour bar


def test_confusion_matrix_bad_normalize_names_the_allowed_values(labels):
    with pytest.raises(ValueError, match="normalize must be one of both .*, true .*, None .*"):
        plot_confusion_matrix(*labels, normalize="all")


def test_confusion_matrix_bad_input(labels):
    y_true, y_pred = labels
    with pytest.raises(ValueError, match="same"):
        plot_confusion_matrix(y_true, y_pred[:-1])
    with pytest.raises(ValueError, match="empty"):
        plot_confusion_matrix([], [])
    with pytest.raises(ValueError, match="class_names has 2 names"):
        plot_confusion_matrix(y_true, y_pred, class_names=["a", "b"])


def test_confusion_matrix_hardest_and_most_confused():
    names = ["T-shirt", "Trouser", "Shirt"]
    # Trouser always right, T-shirt 8/10 right, Shirt 5/10 right (mostly called T-shirt).
    y_true = [0] * 10 + [1] * 10 + [2] * 10
    y_pred = [0] * 8 + [2] * 2 + [1] * 10 + [2] * 5 + [0] * 4 + [1]
    cm = plot_confusion_matrix(y_true, y_pred, class_names=names)
    assert cm.hardest(2) == [("Shirt", 0.5), ("T-shirt", 0.8)]
    assert cm.hardest()[-1] == ("Trouser", 1.0)
    assert cm.most_confused(2) == [("Shirt", "T-shirt", 4), ("T-shirt", "Shirt", 2)]
    assert "Shirt 0.50" in repr(cm)


# -- image grids -------------------------------------------------------------------------


def image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


def test_image_grid_reshapes_flat_images():
    flat = np.random.default_rng(0).random((10, 784))
    fig = plot_image_grid(flat, labels=np.arange(10) % 3, class_names=["a", "b", "c"], cols=4)
    axes = image_axes(fig)
    assert len(axes) == 10
    assert axes[0].images[0].get_array().shape == (28, 28)
    assert [ax.get_title() for ax in axes[:4]] == ["a", "b", "c", "a"]
    assert axes[0].get_xticks().size == 0 and axes[0].get_yticks().size == 0


@pytest.mark.parametrize("shape", [(5, 8, 8), (5, 8, 8, 1), (5, 8, 8, 3)])
def test_image_grid_accepts_grey_and_colour(shape):
    fig = plot_image_grid(np.random.default_rng(0).random(shape), labels=["x"] * 5)
    assert len(image_axes(fig)) == 5


@pytest.mark.parametrize("shape", [(5, 783), (5, 8, 8, 2), (5, 3, 8, 8), (8,)])
def test_image_grid_bad_shape_names_allowed_shapes(shape):
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        plot_image_grid(np.zeros(shape))


def test_image_grid_default_size_and_label_count():
    images = np.zeros((100, 4, 4))
    assert len(image_axes(plot_image_grid(images))) == 32  # four rows of eight
    assert len(image_axes(plot_image_grid(images, n=5))) == 5
    with pytest.raises(ValueError, match="one label per image"):
        plot_image_grid(images, labels=[1, 2, 3])


def test_misclassified_shows_only_wrong_ones():
    x = np.zeros((12, 784))
    y_true = np.arange(12) % 3
    y_pred = y_true.copy()
    y_pred[[1, 5, 7]] = (y_pred[[1, 5, 7]] + 1) % 3
    fig = plot_misclassified(x, y_true, y_pred, class_names=["a", "b", "c"])
    axes = image_axes(fig)
    assert len(axes) == 3
    assert [ax.get_title() for ax in axes] == ["b → c", "c → a", "b → c"]


def test_misclassified_with_probabilities_most_confident_first():
    x = np.zeros((4, 8, 8))
    y_true = np.eye(2)[[0, 0, 1, 1]]  # one-hot
    probabilities = np.array([[0.4, 0.6], [0.9, 0.1], [0.87, 0.13], [0.2, 0.8]])
    fig = plot_misclassified(x, y_true, probabilities, class_names=["Shirt", "T"])
    titles = [ax.get_title() for ax in image_axes(fig)]
    assert titles == ["T → Shirt 87%", "Shirt → T 60%"]
    assert "most confident first" in fig.get_suptitle()
    assert all(same_color(ax.title.get_color(), WRONG_COLOR) for ax in image_axes(fig))


def test_misclassified_long_captions_wrap_after_the_arrow():
    probabilities = np.array([[0.13, 0.87]])
    fig = plot_misclassified(np.zeros((1, 8, 8)), [0], probabilities, ["Shirt", "T-shirt/top"])
    assert image_axes(fig)[0].get_title() == "Shirt →\nT-shirt/top 87%"


def test_misclassified_all_right_prints_one_line(capsys):
    y = np.array([0, 1, 2])
    assert plot_misclassified(np.zeros((3, 4, 4)), y, np.eye(3)) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "correct" in out
    assert not plt.get_fignums()


def test_misclassified_length_mismatch():
    with pytest.raises(ValueError, match="same samples"):
        plot_misclassified(np.zeros((3, 4, 4)), [0, 1, 2], [0, 1])


def test_runs_beyond_the_palette_are_told_apart_by_markers():
    from neurona.plots.curves import plot_run_comparison
    from neurona.plots.style import PALETTE

    runs = []
    for k in range(len(PALETTE) + 1):
        run = RunRecord(f"run {k}")
        for epoch in range(3):
            run.add_epoch({"val_loss": 1.0 / (epoch + k + 1)}, 1.0)
        runs.append(run)
    ax = plot_run_comparison(runs, metric="val_loss")
    first, ninth = ax.get_lines()[0], ax.get_lines()[len(PALETTE)]
    assert first.get_color() == ninth.get_color()
    assert first.get_marker() != ninth.get_marker()
