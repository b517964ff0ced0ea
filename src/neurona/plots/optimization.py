"""Pictures of optimization: the optimizer race, layer histograms and activation shapes.

:func:`plot_optimizer_race` draws the paths of several optimizers on the contour map of a
2-D surface, :func:`plot_race_losses` their loss step by step; both read what
:func:`neurona.scratch.surfaces.race` returns. :func:`plot_layer_histograms` shows one small
histogram per layer (activations or gradients) for the initialisation lab, and
:func:`plot_activation_functions` draws activation functions with their slopes and shades
where they saturate.

Examples
--------
>>> import neurona as nr
>>> racers = {"GD": nr.scratch.GD(1e-3), "Adam": nr.scratch.Adam(0.05)}
>>> paths = nr.scratch.race("rosenbrock", racers, steps=100)
>>> ax = nr.plot_optimizer_race("rosenbrock", paths)
>>> len(ax.get_legend().get_texts())
2
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from neurona.i18n import _, ngettext
from neurona.plots.style import WRONG_COLOR, figure_size, legend_below, series_color
from neurona.validate import one_of, points_2d

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ACTIVATION_FUNCTIONS",
    "plot_activation_functions",
    "plot_layer_histograms",
    "plot_optimizer_race",
    "plot_race_losses",
]

#: Slope below which an activation counts as saturated: the gradient passing through it is
#: cut to less than 5 %.
SATURATION_SLOPE = 0.05
_Z_RANGE = (-5.0, 5.0)
_LEVELS = 25  # contour lines of the race picture
_MAX_COLUMNS = 5  # histograms per row
_ACTIVATION_COLUMNS = 4  # activation panels per row


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805

#: The activations :func:`plot_activation_functions` can draw: name -> (f, f').
ACTIVATION_FUNCTIONS: dict[str, tuple[Any, Any]] = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, 0.2 * z),
        lambda z: np.where(z > 0, 1.0, 0.2),
    ),
    "elu": (
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
        lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0))),
    ),
    "selu": (
        lambda z: _SELU_SCALE * np.where(z > 0, z, _SELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
        lambda z: _SELU_SCALE * np.where(z > 0, 1.0, _SELU_ALPHA * np.exp(np.minimum(z, 0.0))),
    ),
    "softplus": (lambda z: np.logaddexp(0.0, z), _sigmoid),
}


# -- checking arguments -------------------------------------------------------------------------
def _surface(surface):
    from neurona.scratch.surfaces import get_surface

    return get_surface(surface)


def _trajectories(trajectories) -> dict[str, np.ndarray]:
    if not isinstance(trajectories, Mapping) or not trajectories:
        raise ValueError(
            _("trajectories must be a non-empty dict of label -> path, as returned by "
              "race(surface, optimizers, steps), got {kind}").format(
                kind=type(trajectories).__name__)
        )
    paths = {}
    for label, path in trajectories.items():
        note = _("steps + 1 points")
        paths[str(label)] = points_2d(f"trajectories[{label!r}]", path, finite=False, note=note)
    return paths


def _last_finite(path: np.ndarray) -> int:
    finite = np.flatnonzero(np.isfinite(path).all(axis=1))
    return int(finite[-1]) if finite.size else 0


def _new_axes(figsize) -> Axes:
    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


# -- the race -----------------------------------------------------------------------------------
def plot_optimizer_race(
    surface: Any, trajectories: Mapping[str, Any], ax: Axes | None = None
) -> Axes:
    """Draw each optimizer's path on the contour map of a 2-D surface.

    Contour levels are log-spaced above the surface's lowest value in the window, so both the
    steep walls and the flat valley floor show. Every path starts at a circle and ends at a
    square; a path that diverged ends with a red cross where it left, and says so in the legend.
    The legend gives each optimizer's final loss. The minimum is a black star.

    Parameters
    ----------
    surface : str or Surface
        The surface, or its name in :data:`neurona.scratch.SURFACES`.
    trajectories : dict of str to array-like, shape (steps + 1, 2)
        Label -> path, as returned by :func:`neurona.scratch.surfaces.race`; rows of NaN
        after a diverged run are allowed.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with one line per optimizer (``ax.lines`` holds the paths first, in the
        order of ``trajectories``).

    Raises
    ------
    ValueError
        For an unknown surface or a path that is not of shape ``(n, 2)``.

    Examples
    --------
    >>> import neurona as nr
    >>> paths = nr.scratch.race("elongated", {"GD": nr.scratch.GD(0.05)}, 50)
    >>> ax = nr.plot_optimizer_race("elongated", paths)
    >>> ax.get_title()
    'elongated: f = (x**2 + 25 y**2) / 2'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from neurona.scratch.surfaces import diverged, losses_along

    surface = _surface(surface)
    paths = _trajectories(trajectories)
    if ax is None:
        ax = _new_axes((6.4, 4.8))
    X, Y, Z = surface.grid(201)
    floor = float(np.nanmin(Z))
    span = float(np.nanmax(Z)) - floor
    # Log-spaced heights above the floor: many lines near the minimum, few on the walls.
    levels = floor + np.logspace(
        np.log10(max(span, 1e-12) * 1e-4), np.log10(max(span, 1e-12)), _LEVELS
    )
    ax.contour(X, Y, Z, levels=levels, cmap="Greys", linewidths=0.6, alpha=0.7)

    ends = []
    for k, (label, path) in enumerate(paths.items()):
        color = series_color(k)
        last = _last_finite(path)
        gone = diverged(path)
        loss = losses_along(surface, path[: last + 1])[-1]
        text = (_("{label}: diverged").format(label=label) if gone
                else _("{label}: final loss {loss:.3g}").format(label=label, loss=loss))
        ax.plot(path[:, 0], path[:, 1], color=color, lw=1.6, marker=".", ms=3, label=text)
        ends.append((path[last], color, gone))
    for k, path in enumerate(paths.values()):
        ax.plot(*path[0], "o", color=series_color(k), ms=7, mec="black", mew=0.6)
    for point, color, gone in ends:
        if gone:
            ax.plot(*point, "X", color=WRONG_COLOR, ms=10, mec="black", mew=0.6)
        else:
            ax.plot(*point, "s", color=color, ms=7, mec="black", mew=0.6)
    ax.plot(*surface.minimum, "*", color="black", ms=13)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{surface.name}: {surface.formula}")
    # Paths and contours cover the whole surface: the legend goes under it.
    legend_below(ax, fontsize="small")
    return ax


def plot_race_losses(surface: Any, trajectories: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Plot the loss along each optimizer's path, step by step, on a log axis.

    Surfaces whose minimum is not 0 (the saddle's is -1/4) are shifted: the y axis shows
    ``f - f_min``, the distance to the minimum value, which a log axis can show.

    Parameters
    ----------
    surface : str or Surface
        The surface the paths ran on.
    trajectories : dict of str to array-like, shape (steps + 1, 2)
        Label -> path, as returned by :func:`neurona.scratch.surfaces.race`.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One line per optimizer, in the colours of :func:`plot_optimizer_race`.

    Raises
    ------
    ValueError
        For an unknown surface or a path that is not of shape ``(n, 2)``.

    Examples
    --------
    >>> import neurona as nr
    >>> paths = nr.scratch.race("plateau", {"GD": nr.scratch.GD(0.1)}, 20)
    >>> ax = nr.plot_race_losses("plateau", paths)
    >>> ax.get_yscale(), len(ax.lines)
    ('log', 1)
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from neurona.scratch.surfaces import losses_along

    surface = _surface(surface)
    paths = _trajectories(trajectories)
    if ax is None:
        ax = _new_axes((6.4, 3.8))
    f_min = surface.value(surface.minimum)
    for k, (label, path) in enumerate(paths.items()):
        gap = losses_along(surface, path) - f_min
        # A run that lands exactly on the minimum would vanish from a log axis.
        gap = np.where(np.isfinite(gap), np.maximum(gap, 1e-16), np.nan)
        ax.plot(np.arange(len(path)), gap, color=series_color(k), lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(_("optimizer step"))
    ax.set_ylabel("f - f_min" if f_min != 0 else _("loss f(x, y)"))
    ax.set_title(_("{surface}: loss along each path").format(surface=surface.name))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax


# -- the initialisation lab ---------------------------------------------------------------------
def plot_layer_histograms(
    values: Sequence[Any], title: str | None = None, axes: Any = None
) -> Figure:
    """Draw one small histogram per layer, each titled with the layer's standard deviation.

    Use it on the activations of each layer (from ``MLP.forward_all``) or on the weight
    gradients (``MLP.backward(...).dW``): a spread that shrinks layer after layer is a
    vanishing signal, one that grows is an exploding one.

    Parameters
    ----------
    values : sequence of array-like
        One array per layer, any shape (it is flattened). Non-finite values are left out
        and counted in the subplot's title.
    title : str, optional
        Title of the whole figure.
    axes : sequence of matplotlib Axes, optional
        One Axes per layer to draw into. Default: a new figure with up to 5 per row.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; its histogram axes come first in ``fig.axes``, one per layer.

    Raises
    ------
    ValueError
        If ``values`` is empty or not a sequence of arrays, a layer is empty, or ``axes`` has
        another length than ``values``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fig = plot_layer_histograms([rng.normal(0, s, 500) for s in (1.0, 0.5, 0.1)])
    >>> len(fig.axes), fig.axes[0].get_title().startswith("layer 1")
    (3, True)
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(values, (str, bytes, np.ndarray)) or not isinstance(values, Sequence):
        raise ValueError(
            _("values must be a list with one array per layer, e.g. the activations from "
              "MLP.forward_all(X)[0], got {kind}").format(kind=type(values).__name__)
        )
    if not values:
        raise ValueError(_("values is empty: give one array per layer"))
    layers = [np.asarray(v, dtype=np.float64).ravel() for v in values]
    for k, layer in enumerate(layers):
        if layer.size == 0:
            raise ValueError(_("layer {number} of values is empty").format(number=k + 1))
    if axes is None:
        columns = min(len(layers), _MAX_COLUMNS)
        rows = -(-len(layers) // columns)
        fig, grid = plt.subplots(
            rows, columns, figsize=figure_size(2.3 * columns, 1.9 * rows), layout="constrained",
            squeeze=False,
        )
        axes = list(grid.ravel())
        for extra in axes[len(layers) :]:
            extra.remove()
        axes = axes[: len(layers)]
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(layers):
            raise ValueError(_("axes has {axes} Axes for {layers} layers").format(
                axes=len(axes), layers=len(layers)))
        fig = axes[0].figure
    for k, (ax, layer) in enumerate(zip(axes, layers, strict=True)):
        finite = layer[np.isfinite(layer)]
        std = float(finite.std()) if finite.size else float("nan")
        title_k = _("layer {number}: std {std:.2g}").format(number=k + 1, std=std)
        if finite.size < layer.size:
            missing = layer.size - finite.size
            title_k += "\n" + ngettext("{count} not finite", "{count} not finite",
                                       missing).format(count=missing)
        if finite.size:
            ax.hist(finite, bins=40, color=series_color(0), alpha=0.85)
        ax.set_title(title_k, fontsize="small")
        ax.tick_params(labelsize="x-small")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))  # gradients need room for 1e-5 etc.
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    return fig


def plot_activation_functions(names: Sequence[str], ax: Any = None) -> Figure:
    """Draw each activation ``f`` and its slope ``f'`` on [-5, 5], with saturation shaded.

    One panel per activation: ``f`` solid, ``f'`` dashed; the grey band marks where
    ``|f'| < 0.05``, where a unit passes on less than 5 % of the gradient it receives.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`ACTIVATION_FUNCTIONS`: sigmoid, tanh, relu, leaky_relu (slope 0.2
        for z < 0, as in Keras), elu, selu, softplus.
    ax : sequence of matplotlib Axes, optional
        One Axes per name. Default: a new figure with up to 4 panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, one panel per activation, each with two lines (``f`` then ``f'``).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the allowed ones), an empty list, or a number
        of Axes that differs from the number of names.

    Examples
    --------
    >>> fig = plot_activation_functions(["sigmoid", "relu"])
    >>> [a.get_title() for a in fig.axes]
    ['sigmoid', 'relu']
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    if isinstance(names, str):
        names = [names]
    names = list(names)
    if not names:
        raise ValueError(_("names is empty: give at least one activation, e.g. ['sigmoid']"))
    for name in names:
        one_of("activation", name, ACTIVATION_FUNCTIONS)
    if ax is None:
        columns = min(len(names), _ACTIVATION_COLUMNS)
        rows = -(-len(names) // columns)
        fig, grid = plt.subplots(
            rows,
            columns,
            figsize=figure_size(3.0 * columns, 2.7 * rows),
            layout="constrained",
            squeeze=False,
            sharey=True,
        )
        axes = list(grid.ravel())
        for extra in axes[len(names) :]:
            extra.remove()
        axes = axes[: len(names)]
    else:
        axes = list(np.ravel(ax))
        if len(axes) != len(names):
            raise ValueError(_("ax has {axes} Axes for {names} activations").format(
                axes=len(axes), names=len(names)))
        fig = axes[0].figure
    z = np.linspace(*_Z_RANGE, 1001)
    for panel, name in zip(axes, names, strict=True):
        f, df = ACTIVATION_FUNCTIONS[name]
        slope = df(z)
        panel.fill_between(
            z,
            -2,
            5,
            where=np.abs(slope) < SATURATION_SLOPE,
            color="0.85",
            label=f"|f'| < {SATURATION_SLOPE}",
        )
        panel.plot(z, f(z), color=series_color(0), lw=2, label="f(z)")
        panel.plot(z, slope, color=series_color(1), lw=2, ls="--", label="f'(z)")
        panel.axhline(0, color="black", lw=0.5)
        panel.set_xlim(_Z_RANGE)
        panel.set_ylim(-2, 5)
        panel.set_title(name)
        panel.set_xlabel("z")
    axes[0].legend(loc="upper left", fontsize="x-small")
    return fig
