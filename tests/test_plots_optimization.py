"""The pictures of notebook 06: optimizer race, race losses, layer histograms, activations."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from neurona.plots.optimization import (
    ACTIVATION_FUNCTIONS,
    plot_activation_functions,
    plot_layer_histograms,
    plot_optimizer_race,
    plot_race_losses,
)
from neurona.scratch.optimizers import GD, Adam, Momentum
from neurona.scratch.surfaces import SURFACES, race


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def paths():
    optimizers = {"GD": GD(0.05), "momentum": Momentum(0.02), "Adam": Adam(0.1), "GD big": GD(0.1)}
    return race("elongated", optimizers, steps=60)


def test_race_has_one_path_per_optimizer_in_order(paths):
    ax = plot_optimizer_race("elongated", paths)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 4
    assert labels[0].startswith("GD: final loss")
    assert labels[3] == "GD big: diverged"  # GD diverges above 2/25 on this surface
    for line, path in zip(ax.lines[:4], paths.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), path[:, 0])
    assert ax.get_xlim() == SURFACES["elongated"].xlim


@pytest.mark.parametrize("name", list(SURFACES))
def test_race_draws_on_every_surface(name):
    paths = race(name, {"Adam": Adam(0.05)}, steps=20)
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_optimizer_race(name, paths, ax=left) is left
    assert plot_race_losses(name, paths, ax=right) is right
    assert len(right.lines) == 1 and right.get_yscale() == "log"


def test_race_losses_one_line_per_optimizer(paths):
    ax = plot_race_losses(SURFACES["elongated"], paths)
    assert len(ax.lines) == len(paths)
    assert len(ax.lines[0].get_ydata()) == 61


@pytest.mark.parametrize("bad", [{}, [np.zeros((3, 2))], {"GD": np.zeros((3, 3))}, None])
def test_race_rejects_bad_trajectories(bad):
    with pytest.raises(ValueError, match="trajector"):
        plot_optimizer_race("elongated", bad)
    with pytest.raises(ValueError, match="trajector"):
        plot_race_losses("elongated", bad)


def test_race_rejects_unknown_surface(paths):
    with pytest.raises(ValueError, match="surface must be one of elongated, .*; got 'bowl'"):
        plot_optimizer_race("bowl", paths)


def test_layer_histograms_one_axes_per_layer_with_std():
    rng = np.random.default_rng(0)
    layers = [rng.normal(0, s, (50, 10)) for s in (1.0, 0.5, 0.25, 0.1, 0.05, 0.01, 0.001)]
    fig = plot_layer_histograms(layers, title="activations")
    assert len(fig.axes) == 7
    assert fig.axes[0].get_title().startswith("layer 1: std 1")
    assert fig._suptitle.get_text() == "activations"


def test_layer_histograms_into_given_axes_and_non_finite():
    fig, axes = plt.subplots(1, 2)
    out = plot_layer_histograms([np.array([1.0, np.inf, 2.0]), np.ones(3)], axes=axes)
    assert out is fig
    assert "1 not finite" in axes[0].get_title()
    with pytest.raises(ValueError, match="3 layers"):
        plot_layer_histograms([np.ones(2)] * 3, axes=axes)


@pytest.mark.parametrize("bad", [[], np.ones((3, 3)), "relu", [np.ones(2), np.array([])]])
def test_layer_histograms_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        plot_layer_histograms(bad)


def test_activation_functions_panels_and_slopes():
    names = list(ACTIVATION_FUNCTIONS)
    fig = plot_activation_functions(names)
    assert [a.get_title() for a in fig.axes] == names
    assert all(len(a.lines) == 3 for a in fig.axes)  # f, f' and the zero line
    z = np.linspace(-4, 4, 81)
    for name, (f, df) in ACTIVATION_FUNCTIONS.items():
        numeric = (f(z + 1e-5) - f(z - 1e-5)) / 2e-5
        away = np.abs(z) > 1e-3  # relu & co have a kink at 0
        np.testing.assert_allclose(df(z)[away], numeric[away], atol=1e-4, err_msg=name)


def test_activation_functions_rejects_unknown_and_empty():
    with pytest.raises(ValueError, match="activation must be one of sigmoid, .*; got 'swish'"):
        plot_activation_functions(["swish"])
    with pytest.raises(ValueError, match="empty"):
        plot_activation_functions([])
