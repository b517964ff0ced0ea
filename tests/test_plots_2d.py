"""The 2-D pictures: decision maps (static and live), one neuron, and a backpropagation step."""

from __future__ import annotations

import io
import warnings
from types import SimpleNamespace

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.contour import ContourSet
from matplotlib.lines import Line2D

from neurona.plots.backprop import backprop_tables, plot_backprop_step
from neurona.plots.decision import (
    CLASS_COLORS,
    LiveDecisionMap,
    class_labels,
    plot_decision_boundary,
)
from neurona.plots.neuron import (
    line_segment,
    plot_neuron,
    plot_perceptron_update,
    plot_training_errors,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class LinearModel:
    """A fixed neuron: P(class 1) = sigmoid(a x1 + b x2 + c)."""

    def __init__(self, a=1.0, b=1.0, c=0.0):
        self.a, self.b, self.c = a, b, c

    def predict(self, X):
        X = np.asarray(X)
        return sigmoid(self.a * X[:, 0] + self.b * X[:, 1] + self.c)


class ThreeBlobs:
    """Softmax of minus the squared distances to three centres: (N, 3) probabilities."""

    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])

    def predict(self, X):
        d = -((np.asarray(X)[:, None, :] - self.centres[None]) ** 2).sum(axis=2)
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def contour_vertices(ax):
    sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert sets, "no decision boundary was drawn"
    return np.vstack([path.vertices for cs in sets for path in cs.get_paths() if len(path)])


def collection(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def same_color(a, b):
    return np.allclose(mcolors.to_rgba(a), mcolors.to_rgba(b))


def render(figure):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # mathtext errors and layout warnings surface here
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


# -- plot_decision_boundary ----------------------------------------------------------------


def test_boundary_of_a_linear_model_is_the_line_x1_plus_x2_equals_0():
    X, y = data()
    ax = plot_decision_boundary(LinearModel(), X, y, resolution=80)
    vertices = contour_vertices(ax)
    step = (X.max() - X.min() + 1.0) / 79
    assert np.abs(vertices.sum(axis=1)).max() < step
    image = ax.images[0].get_array()
    assert image.shape == (80, 80)
    assert 0.0 <= image.min() and image.max() <= 1.0
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    assert ax.get_aspect() == 1.0
    assert ax.get_title() == "Decision boundary · training accuracy 100%"
    render(ax.figure)


def test_training_points_are_filled_and_test_points_hollow_in_class_colours():
    X, y = data()
    X_test, y_test = data(10, seed=1)
    ax = plot_decision_boundary(LinearModel(), X, y, X_test=X_test, y_test=y_test, resolution=30)
    train, test = collection(ax, "training points"), collection(ax, "test points")
    assert np.allclose(train.get_offsets(), X)
    faces = train.get_facecolors()
    assert all(same_color(faces[i], CLASS_COLORS[y[i]]) for i in range(len(y)))
    assert np.allclose(test.get_offsets(), X_test)
    assert len(test.get_facecolors()) == 0  # hollow
    edges = test.get_edgecolors()
    assert all(same_color(edges[i], CLASS_COLORS[y_test[i]]) for i in range(len(y_test)))
    assert "test 100%" in ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "test (hollow)", "decision boundary"]


def test_feature_map_feeds_the_model_its_features():
    calls = []

    def squares(P):
        calls.append(P.shape)
        return np.column_stack([P, P**2])

    class Circle:
        def predict(self, F):
            assert F.shape[1] == 4, "the model must see the mapped features"
            return sigmoid(4 * (F[:, 2] + F[:, 3] - 1.0))  # class 1 outside the unit circle

    X, _ = data()
    y = (np.hypot(X[:, 0], X[:, 1]) > 1).astype(int)
    ax = plot_decision_boundary(Circle(), X, y, resolution=100, feature_map=squares)
    radius = np.hypot(*contour_vertices(ax).T)
    assert np.abs(radius - 1.0).max() < 0.06
    assert (100 * 100, 2) in calls and (len(X), 2) in calls


def test_multi_class_probabilities_colour_each_region_by_its_class():
    rng = np.random.default_rng(2)
    X = np.vstack([c + rng.normal(scale=0.4, size=(15, 2)) for c in ThreeBlobs.centres])
    y = np.repeat([0, 1, 2], 15)
    ax = plot_decision_boundary(ThreeBlobs(), X, y, resolution=60, title="blobs")
    rgba = ax.images[0].get_array()
    assert rgba.shape == (60, 60, 4)
    # The pixel nearest the first centre has the colour of class 0.
    xs = np.linspace(*ax.get_xlim(), 60)
    ys = np.linspace(*ax.get_ylim(), 60)
    i, j = np.abs(ys - 2.0).argmin(), np.abs(xs - 0.0).argmin()
    assert np.allclose(rgba[i, j, :3], mcolors.to_rgb(CLASS_COLORS[0]))
    assert len(contour_vertices(ax)) > 0
    assert ax.get_title().startswith("blobs · training accuracy")
    assert len(ax.figure.axes) == 1  # no colour bar for classes


def test_a_raw_score_is_cut_at_zero_and_logits_go_through_softmax():
    X, y = data()
    ax = plot_decision_boundary(lambda P: 3 * (P[:, 0] + P[:, 1]), X, y, resolution=50)
    assert np.abs(contour_vertices(ax).sum(axis=1)).max() < 0.15
    low, high = ax.images[0].get_clim()
    assert low == -high  # centred on the threshold 0
    assert "score" in ax.figure.axes[1].get_ylabel()
    logits = lambda P: np.column_stack([-(P[:, 0] + P[:, 1]), P[:, 0] + P[:, 1]])  # noqa: E731
    ax = plot_decision_boundary(logits, X, y, resolution=50)
    values = ax.images[0].get_array()
    assert 0 <= values.min() and values.max() <= 1
    assert "100%" in ax.get_title()


def test_labels_minus_one_plus_one_and_one_hot_are_read():
    assert class_labels([-1, 1, -1]).tolist() == [0, 1, 0]
    assert class_labels(np.eye(3)[[2, 0]]).tolist() == [2, 0]
    assert class_labels(np.array([[1.0], [0.0]])).tolist() == [1, 0]
    with pytest.raises(ValueError, match="negative label"):
        class_labels([-2, 1])


def test_bad_inputs_are_refused_with_a_clear_message():
    X, y = data()
    with pytest.raises(ValueError, match=r"X must be an \(n, 2\) array.*\(5, 3\).*feature_map"):
        plot_decision_boundary(LinearModel(), np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="39 labels for 40 points"):
        plot_decision_boundary(LinearModel(), X, y[:-1])
    with pytest.raises(ValueError, match="both X_test and y_test"):
        plot_decision_boundary(LinearModel(), X, y, X_test=X)
    with pytest.raises(TypeError, match="predict"):
        plot_decision_boundary(object(), X, y)
    with pytest.raises(ValueError, match=r"predict returned shape \(3,\)"):
        plot_decision_boundary(lambda P: np.zeros(3), X, y, resolution=10)
    with pytest.raises(ValueError, match="NaN"):
        plot_decision_boundary(lambda P: np.full(len(P), np.nan), X, y, resolution=10)
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(LinearModel(), X, y, resolution=1)
    with pytest.raises(ValueError, match="padding"):
        plot_decision_boundary(LinearModel(), X, y, padding=-1)
    with pytest.raises(ValueError, match="one row of features per point"):
        plot_decision_boundary(LinearModel(), X, y, resolution=10, feature_map=lambda P: P[:3])


# -- LiveDecisionMap -----------------------------------------------------------------------


def test_live_map_is_throttled_but_the_final_picture_always_comes():
    X, y = data()
    view = LiveDecisionMap(resolution=30, min_interval=60)
    assert view.figure is None
    assert view.update(LinearModel(), X, y) is True
    assert view.update(LinearModel(2.0), X, y) is False  # too soon
    assert view.update(LinearModel(2.0), X, y, final=True) is True
    assert view.redraws == 2 and view.last_png.startswith(b"\x89PNG")
    assert view.draw_seconds > 0
    assert view._handle is None  # headless: nothing was displayed, nothing failed


def test_live_map_redraws_one_figure_in_place_and_reuses_the_grid():
    grid_calls = []

    def identity(P):
        if len(P) == 40 * 40:
            grid_calls.append(1)
        return P

    X, y = data()
    X_test, y_test = data(10, seed=3)
    view = LiveDecisionMap(resolution=40, min_interval=0, feature_map=identity)
    view.update(LinearModel(), X, y, X_test, y_test, title="epoch 1", final=True)
    figure, image = view.figure, view._painter.image
    first = view.last_png
    view.update(LinearModel(1.0, -1.0), X, y, X_test, y_test, title="epoch 1", final=True)
    second = view.last_png
    assert second != first  # the model changed, so did the picture
    assert view.figure is figure and view._painter.image is image  # same artists, new data
    view.update(LinearModel(), X, y, X_test, y_test, title="epoch 1", final=True)
    assert view.last_png == first  # blitting leaves no trace of the previous map
    assert len(grid_calls) == 1  # the grid's features were computed once
    ax = figure.axes[0]
    assert ax.get_title() == "epoch 1 · training accuracy 100% · test 100%"
    assert len([c for c in ax.collections if isinstance(c, ContourSet)]) == 1


def test_live_map_follows_new_data_new_features_and_a_new_kind_of_output():
    X, y = data()
    view = LiveDecisionMap(resolution=20, min_interval=0, max_overhead=1)
    view.update(LinearModel(), X, y)
    plane = view._plane
    view.update(LinearModel(), X * 3, y)
    assert view._plane is not plane  # wider data, wider grid
    view.feature_map = lambda P: np.column_stack([P, P**2])
    view.update(lambda F: sigmoid(F[:, 2] - 1), X * 3, y)
    assert view._features.shape == (400, 4)
    view.feature_map = None
    view.update(ThreeBlobs(), X * 3, y, final=True)
    assert view._features.shape == (400, 2)
    assert view.figure.axes[0].images[0].get_array().shape == (20, 20, 4)
    assert view.redraws == 4


def test_live_map_survives_a_diverged_model():
    X, y = data()
    view = LiveDecisionMap(resolution=20, min_interval=0)
    assert view.update(lambda P: np.full(len(P), np.nan), X, y, final=True)
    assert "NaN" in view.figure.axes[0].get_title()


def test_live_map_counts_and_times_every_redraw():
    """The Playground reads draw_seconds to keep drawing cheap; how fast it is, is measured by
    benchmarks/playground_fps.py, not asserted here."""
    X, y = data(200)
    view = LiveDecisionMap(resolution=100, min_interval=0)
    view.update(LinearModel(), X, y, final=True)  # the first picture lays the figure out
    before, redraws = view.draw_seconds, view.redraws
    for k in range(5):
        view.update(LinearModel(1.0, 0.2 * k), X, y, final=True)
    assert view.redraws == redraws + 5
    assert view.draw_seconds > before > 0


def test_live_map_refuses_bad_settings():
    with pytest.raises(ValueError, match="min_interval"):
        LiveDecisionMap(min_interval=-1)
    with pytest.raises(ValueError, match="max_overhead"):
        LiveDecisionMap(max_overhead=0)
    with pytest.raises(ValueError, match="resolution"):
        LiveDecisionMap(resolution=5000)


# -- one neuron ----------------------------------------------------------------------------


def line(ax, gid):
    found = [artist for artist in ax.get_lines() if artist.get_gid() == gid]
    return found[0] if found else None


def test_neuron_line_satisfies_its_equation_and_the_title_writes_it():
    ax = plot_neuron([1.0, 2.0], -0.5)
    decision = line(ax, "decision line z = 0")
    x1, x2 = decision.get_xdata(), decision.get_ydata()
    assert np.allclose(1.0 * x1 + 2.0 * x2 - 0.5, 0.0)
    assert ax.get_title().splitlines()[0] == "z = −0.50 + 1.00·x1 + 2.00·x2"
    ax = plot_neuron([1.0, 1.0], 0.5)
    assert ax.get_title().splitlines()[0] == "z = 0.50 + 1.00·x1 + 1.00·x2"
    assert set(np.unique(ax.images[0].get_array())) == {0.0, 1.0}  # step: two colours
    render(ax.figure)


def test_weight_arrow_points_to_the_side_classified_one():
    w, b = np.array([-1.0, 0.5]), 0.3
    ax = plot_neuron(w, b)
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 1
    tip, start = np.array(arrows[0].xy), np.array(arrows[0].xyann)
    assert abs(start @ w + b) < 1e-9  # it starts on the line
    assert tip @ w + b > 0  # and ends where the output is 1


def test_vertical_line_when_w2_is_zero_and_a_note_when_both_are():
    ax = plot_neuron([2.0, 0.0], -1.0)
    decision = line(ax, "decision line z = 0")
    assert np.allclose(decision.get_xdata(), 0.5)
    assert np.ptp(decision.get_ydata()) > 0
    ax = plot_neuron([0.0, 0.0], 0.5)
    assert line(ax, "decision line z = 0") is None
    assert any("no decision line" in t.get_text() for t in ax.texts)
    ax = plot_neuron([1.0, 0.0], -50.0)  # x1 = 50: far outside the view
    assert any("outside this view" in t.get_text() for t in ax.texts)


def test_line_segment_clips_to_the_view():
    ends = line_segment(1.0, -1.0, 0.0, (-1, 1, -2, 2))  # x2 = x1
    assert np.allclose(ends, [[-1, -1], [1, 1]])
    assert line_segment(0.0, 1.0, -5.0, (-1, 1, -1, 1)) is None  # x2 = 5


def test_sigmoid_neuron_is_a_gradient_with_a_colour_bar_and_marks_wrong_points():
    X = np.array([[1.0, 1.0], [-1.0, -1.0], [1.5, 0.0]])
    y = np.array([1, 0, 0])  # the last one lies on the side of output 1
    ax = plot_neuron([1.0, 1.0], 0.0, activation="Sigmoid", X=X, y=y)
    values = ax.images[0].get_array()
    assert 0 < values.min() < 0.5 < values.max() < 1
    assert len(ax.figure.axes) == 2  # the colour bar
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "wrong: 1 of 3" in labels
    assert "sigmoid" in ax.get_title()


def test_neuron_refuses_bad_arguments():
    with pytest.raises(ValueError, match="must be one of step .*, sigmoid .*; got 'relu'"):
        plot_neuron([1, 1], 0, activation="relu")
    with pytest.raises(ValueError, match=r"weights_\[1:\]"):
        plot_neuron([0.5, 1, 1], 0)
    with pytest.raises(ValueError, match="both X and y"):
        plot_neuron([1, 1], 0, X=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        plot_neuron([np.nan, 1], 0)


UPDATE = {
    "epoch": 2,
    "index": 3,
    "x": np.array([0.5, -1.0]),
    "target": 1,
    "output": 0,
    "w_before": np.array([-0.2, 1.0, 1.0]),
    "w_after": np.array([-0.1, 1.05, 0.9]),
}


def test_perceptron_update_shows_both_lines_the_sample_and_the_rule():
    X = np.array([[0.5, -1.0], [1.0, 1.0], [-1.0, -1.0]])
    y = np.array([1, 1, 0])
    ax = plot_perceptron_update(UPDATE, X, y)
    before, after = line(ax, "line before"), line(ax, "line after")
    assert before.get_linestyle() == "--" and after.get_linestyle() == "-"
    assert np.allclose(-0.2 + 1.0 * before.get_xdata() + 1.0 * before.get_ydata(), 0)
    assert np.allclose(-0.1 + 1.05 * after.get_xdata() + 0.9 * after.get_ydata(), 0)
    rings = [c for c in ax.collections if np.allclose(c.get_offsets(), [[0.5, -1.0]])]
    assert rings, "the sample of the update is highlighted"
    title = ax.get_title()
    assert "w ← w + η (y − ŷ) x" in title
    assert "η = 0.1" in title and "epoch 2, sample 3" in title
    assert "(-0.2, 1, 1) → (-0.1, 1.05, 0.9)" in title
    render(ax.figure)


def test_perceptron_update_without_change_and_with_missing_keys():
    same = dict(UPDATE, output=1, w_after=UPDATE["w_before"])
    ax = plot_perceptron_update(same, np.zeros((2, 2)), [0, 1])
    assert "correct" in ax.get_title()
    with pytest.raises(ValueError, match="lacks w_after"):
        plot_perceptron_update({k: v for k, v in UPDATE.items() if k != "w_after"}, [[0, 0]], [0])
    with pytest.raises(ValueError, match="bias first"):
        plot_perceptron_update(dict(UPDATE, w_after=[1.0, 2.0]), [[0, 0]], [0])


def test_training_errors_bars_and_loss_on_a_twin_axis():
    ax = plot_training_errors([4, 2, 1, 0], losses=[1.0, 0.6, 0.4, 0.35, 0.3])
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [4, 2, 1, 0]
    right = ax.right_ax
    (loss_line,) = right.get_lines()
    assert np.allclose(loss_line.get_ydata(), [1.0, 0.6, 0.4, 0.35, 0.3])
    assert ax.get_xlabel() == "epoch" and "count" in ax.get_ylabel()
    assert "Adaline loss" in right.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["perceptron: misclassified", "Adaline loss"]
    ax = plot_training_errors([3, 0])
    assert not hasattr(ax, "right_ax")
    with pytest.raises(ValueError, match="whole counts"):
        plot_training_errors([1, -1])
    with pytest.raises(ValueError, match="empty"):
        plot_training_errors([])


# -- backpropagation -----------------------------------------------------------------------


class FakeMLP:
    """A tanh network with a sigmoid output and mean squared error, shaped like scratch.MLP."""

    def __init__(self, layers, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = list(layers)
        self.weights = [
            rng.normal(size=(a, b)) for a, b in zip(layers[:-1], layers[1:], strict=True)
        ]
        self.biases = [np.zeros(b) for b in layers[1:]]
        self.activations = ["tanh"] * (len(layers) - 2) + ["sigmoid"]

    def forward(self, X):
        a, pairs = np.asarray(X, dtype=float), []
        for k, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = a @ W + b
            a = sigmoid(z) if k == len(self.weights) - 1 else np.tanh(z)
            pairs.append((z, a))
        return pairs

    def backward(self, X, Y):
        X = np.asarray(X, dtype=float)
        pairs = self.forward(X)
        Y = np.asarray(Y, dtype=float).reshape(pairs[-1][1].shape)
        a = pairs[-1][1]
        delta = 2 * (a - Y) / len(X) * a * (1 - a)
        deltas = [delta]
        for k in range(len(self.weights) - 2, -1, -1):
            delta = (delta @ self.weights[k + 1].T) * (1 - pairs[k][1] ** 2)
            deltas.insert(0, delta)
        inputs = [X] + [a for _, a in pairs[:-1]]
        dW = [p.T @ d for p, d in zip(inputs, deltas, strict=True)]
        return SimpleNamespace(deltas=deltas, dW=dW, db=[d.sum(axis=0) for d in deltas])


XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_backprop_tables_hold_one_step_per_layer():
    net = FakeMLP([2, 3, 1])
    tables = backprop_tables(net, XOR, XOR_Y)
    assert len(tables) == 2 and all(isinstance(t, pd.DataFrame) for t in tables)
    first, last = tables
    assert list(first.index.get_level_values(0).unique()) == ["z", "a", "delta", "dW", "db"]
    assert first.loc["z"].shape == (4, 3) and first.loc["dW"].shape == (2, 3)
    assert list(first.loc["dW"].index) == ["from x1", "from x2"]
    assert list(last.loc["dW"].index) == ["from unit 1", "from unit 2", "from unit 3"]
    grads = net.backward(XOR, XOR_Y)
    assert np.allclose(last.loc["delta"].to_numpy(), grads.deltas[1], atol=5e-5)
    assert np.allclose(first.loc["db"].to_numpy(), grads.db[0], atol=5e-5)
    assert first.columns.name == "layer 1 (2 → 3, tanh)"
    assert last.attrs["activation"] == "sigmoid" and last.attrs["samples"] == 4
    short = backprop_tables(net, XOR, XOR_Y, max_samples=2, decimals=2)
    assert short[0].loc["a"].shape == (2, 3)
    assert short[0].loc["dW"].shape == (2, 3)  # gradients still use the whole batch


def test_backprop_figure_has_one_row_per_weight_layer():
    net = FakeMLP([2, 3, 1])
    figure = plot_backprop_step(net, XOR, XOR_Y)
    assert len(figure.subfigs) == 2
    assert all(len(row.axes) == 3 for row in figure.subfigs)  # W, dW, mean delta
    w_image = figure.subfigs[0].axes[0].images[0]
    assert np.allclose(w_image.get_array(), net.weights[0])
    low, high = w_image.get_clim()
    assert low == -high  # centred on zero
    assert any("-" in t.get_text() or "." in t.get_text() for t in figure.subfigs[0].axes[0].texts)
    render(figure)


def test_backprop_figure_with_a_learning_rate_shows_the_weights_after_the_step():
    net = FakeMLP([2, 2, 1])
    figure = plot_backprop_step(net, XOR, XOR_Y, learning_rate=0.5)
    grads = net.backward(XOR, XOR_Y)
    row = figure.subfigs[1]
    assert len(row.axes) == 4
    after = row.axes[2].images[0].get_array()
    assert np.allclose(after, net.weights[1] - 0.5 * grads.dW[1])
    assert row.axes[2].images[0].get_clim() == row.axes[0].images[0].get_clim()
    assert "η = 0.5" in figure.get_suptitle()
    render(figure)


def test_backprop_figure_of_a_deep_net_and_a_backward_that_returns_a_dict():
    net = FakeMLP([2, 8, 8, 8, 8, 1])
    figure = plot_backprop_step(net, XOR, XOR_Y, learning_rate=0.1)
    assert len(figure.subfigs) == 5

    class DictBackward(FakeMLP):
        def backward(self, X, Y):
            return vars(super().backward(X, Y))

    assert len(backprop_tables(DictBackward([2, 16, 3]), XOR, np.eye(3)[[0, 1, 2, 1]])) == 2
    wide = plot_backprop_step(DictBackward([2, 16, 3]), XOR, np.eye(3)[[0, 1, 2, 1]])
    assert len(wide.subfigs[0].axes) == 5  # 16 units: no numbers, colour bars instead


def test_backprop_refuses_models_whose_parts_do_not_fit():
    with pytest.raises(TypeError, match="forward"):
        backprop_tables(object(), XOR, XOR_Y)

    class Broken(FakeMLP):
        def backward(self, X, Y):
            grads = super().backward(X, Y)
            grads.dW[1] = grads.dW[1].T
            return grads

    with pytest.raises(ValueError, match=r"layer 2: dW has shape \(1, 3\)"):
        backprop_tables(Broken([2, 3, 1]), XOR, XOR_Y)

    class Short(FakeMLP):
        def backward(self, X, Y):
            grads = super().backward(X, Y)
            grads.deltas = grads.deltas[:1]
            return grads

    with pytest.raises(ValueError, match="2 weight layers but deltas has 1"):
        plot_backprop_step(Short([2, 3, 1]), XOR, XOR_Y)
    with pytest.raises(ValueError, match="learning_rate"):
        plot_backprop_step(FakeMLP([2, 3, 1]), XOR, XOR_Y, learning_rate=-1.0)


def test_legend_proxies_are_plain_markers():
    ax = plot_neuron([1, 1], 0, X=np.array([[1.0, 1.0], [-1.0, -1.0]]), y=[1, 0])
    handles = ax.get_legend().legend_handles
    assert any(isinstance(h, Line2D) and h.get_label() == "class 0" for h in handles)
