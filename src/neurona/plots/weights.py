"""What a one-layer network learned, and what it says about one image.

In the book's first network every output unit adds up *evidence* for its class: each
pixel votes with its weight. Drawing the 784 weights of a unit as a 28 × 28 image shows
where a dark pixel counts for the class (blue) and where it counts against it (red).
The prediction vector then turns that evidence into probabilities that sum to 1.

Examples
--------
>>> import neurona as nr
>>> nr.plot_weight_images(model, class_names=data.class_names);     # doctest: +SKIP
>>> probabilities = model.predict(x_test[11:12])[0]                 # doctest: +SKIP
>>> nr.plot_prediction_bars(probabilities, true_class=y_test[11]);  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.style import (
    DIVERGING_CMAP,
    OKABE_ITO,
    RIGHT_COLOR,
    WRONG_COLOR,
    diverging_limits,
    figure_size,
)
from neurona.validate import one_of, whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_prediction_bars", "plot_weight_images"]

#: Label of the colour bar of :func:`plot_weight_images`.
WEIGHT_COLORBAR_LABEL = N_("weight (red: evidence against, blue: evidence for)")
#: How far from 1 the sum of a prediction vector may be (float32 rounding) and still count.
SUM_TOLERANCE = 1e-3
_BAR_COLOR = OKABE_ITO["sky blue"]
_TILE = 1.6  # inches per weight image


def plot_weight_images(
    weights: Any,
    image_shape: tuple[int, ...] = (28, 28),
    class_names: Sequence[str] | None = None,
    cols: int = 5,
    ax: Any = None,
) -> Figure:
    """Draw each output unit's weights as an image: blue pixels are evidence for its class.

    All images share one colour scale, symmetric around zero, so white means "this pixel
    does not matter" and the same shade means the same weight in every image.

    Parameters
    ----------
    weights : keras.Model, Dense layer or array-like
        A model (the kernel of its first Dense layer is used, as in
        ``Sequential([Input((28, 28)), Flatten(), Dense(10, activation="softmax")])``), a
        Dense layer, or a kernel of shape ``(pixels, units)`` such as ``(784, 10)``.
    image_shape : tuple of int
        Shape of one input image, e.g. ``(28, 28)``; ``(28, 28, 1)`` works too.
        The kernel must have exactly that many rows.
    class_names : sequence of str, optional
        Title of each image. Default: ``"0"``, ``"1"``, ...
    cols : int
        Images per row.
    ax : sequence of matplotlib Axes, optional
        One Axes per unit to draw in. Default: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the images and the colour bar.

    Raises
    ------
    ValueError
        If the kernel's rows do not match ``image_shape``, the image has colour channels,
        there are too few ``class_names`` or ``ax``, or the model has no Dense layer.

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_weight_images(np.random.default_rng(0).normal(size=(784, 10)))
    >>> len(fig.axes)        # ten images and the colour bar
    11
    """
    kernel = _kernel(weights)
    shape = _image_shape(image_shape)
    pixels = math.prod(shape)
    if kernel.shape[0] != pixels:
        raise ValueError(
            _("the kernel has {inputs} inputs per unit but image_shape {shape} has {pixels} "
              "pixels; pass the image_shape of the images the layer was trained on "
              "(for MNIST (28, 28) = 784)").format(
                inputs=grouped(kernel.shape[0]), shape=tuple(shape), pixels=grouped(pixels))
        )
    units = kernel.shape[1]
    names = _names(class_names, units)
    cols = whole_number("cols", cols, 1)
    axes = _grid_axes(ax, units, cols)
    vmin, vmax = diverging_limits(kernel)
    image = None
    for unit, unit_ax in enumerate(axes):
        image = unit_ax.imshow(kernel[:, unit].reshape(shape), cmap=DIVERGING_CMAP,
                               vmin=vmin, vmax=vmax)
        unit_ax.set_title(names[unit])
        unit_ax.set_xticks([])
        unit_ax.set_yticks([])
    figure = axes[0].figure
    colorbar = figure.colorbar(image, ax=list(axes), shrink=0.95)
    # The label is long; a smaller font keeps it inside a two-row figure.
    colorbar.set_label(_(WEIGHT_COLORBAR_LABEL), fontsize="small")
    return figure


def plot_prediction_bars(
    probabilities: Any,
    class_names: Sequence[str] | None = None,
    true_class: int | str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one image's prediction vector: a bar per class, the bars summing to 1.

    The title writes the sum and the predicted class. The true class, when given, is
    highlighted in green; if the model picked another class, that bar is vermillion.

    Parameters
    ----------
    probabilities : array-like
        Class probabilities for one image, shape ``(classes,)`` or ``(1, classes)``, e.g.
        ``model.predict(x_test[11:12])``.
    class_names : sequence of str, optional
        Name of each class. Default: ``"0"``, ``"1"``, ...
    true_class : int or str, optional
        The correct class, as an index or as one of ``class_names``.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the bars.

    Raises
    ------
    ValueError
        If the values are not probabilities (negative, not finite, or not summing to 1),
        or ``true_class`` is not one of the classes.

    Examples
    --------
    >>> ax = plot_prediction_bars([0.1, 0.7, 0.2], class_names=["cat", "dog", "bird"],
    ...                           true_class="dog")
    >>> ax.get_title()
    "prediction: 'dog' (70.0%); true class: 'dog'; sum of bars = 1.000"
    """
    p = _probabilities(probabilities)
    names = _names(class_names, p.size)
    truth = _class_index(true_class, names)
    if ax is None:
        _fig, ax = plt.subplots(figsize=figure_size(max(4.0, 0.45 * p.size + 1.5), 3.2),
                                layout="constrained")
    elif not hasattr(ax, "bar"):
        raise TypeError(_("ax must be a matplotlib Axes; got {kind!r}").format(kind=type(ax)))
    predicted = int(np.argmax(p))
    colors = [_BAR_COLOR] * p.size
    if truth is not None:
        colors[truth] = RIGHT_COLOR
        if predicted != truth:
            colors[predicted] = WRONG_COLOR
    positions = np.arange(p.size)
    bars = ax.bar(positions, p, color=colors, edgecolor="black", linewidth=0.5)
    if truth is not None:
        bars[truth].set_label(_("true class"))
        if predicted != truth:
            bars[predicted].set_label(_("predicted (wrong)"))
        ax.legend(loc="upper right", fontsize="small")
    ax.set_xticks(positions, names, rotation=45 if max(map(len, names)) > 3 else 0)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(_("class"))
    ax.set_ylabel(_("probability"))
    if truth is None:
        title = _("prediction: {predicted!r} ({share:.1%}); sum of bars = {total:.3f}")
    else:
        title = _("prediction: {predicted!r} ({share:.1%}); true class: {truth!r}; "
                  "sum of bars = {total:.3f}")
    ax.set_title(title.format(predicted=names[predicted], share=p[predicted], total=p.sum(),
                              truth=None if truth is None else names[truth]))
    return ax


# -- reading the inputs --------------------------------------------------------------------


def _kernel(weights: Any) -> np.ndarray:
    if hasattr(weights, "layers"):  # a Keras model: its first Dense layer
        dense = [layer for layer in weights.layers if type(layer).__name__ == "Dense"]
        if not dense:
            raise ValueError(
                _("this model has no Dense layer to draw; pass a model such as "
                  "Sequential([Input((28, 28)), Flatten(), Dense(10)]) or the kernel array")
            )
        weights = dense[0]
    if hasattr(weights, "kernel"):  # a Dense layer
        if not getattr(weights, "built", True):
            raise ValueError(
                _("this layer is not built yet: give the model keras.Input(shape=...)"))
        weights = weights.kernel
    if hasattr(weights, "numpy"):
        weights = weights.numpy()
    kernel = np.asarray(weights, dtype=float)
    if kernel.ndim == 1:
        kernel = kernel[:, None]
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(
            _("weights must be a Dense kernel of shape (pixels, units) such as (784, 10); "
              "got shape {shape}").format(shape=kernel.shape)
        )
    return kernel


def _image_shape(image_shape: Any) -> tuple[int, ...]:
    shape = tuple(whole_number(f"image_shape[{i}]", d, 1) for i, d in enumerate(image_shape))
    if len(shape) == 3 and shape[2] == 1:
        shape = shape[:2]
    if len(shape) != 2:
        raise ValueError(
            _("image_shape must be (height, width) of a grey image, e.g. (28, 28); got "
              "{shape} (colour weights have no single red/blue picture)").format(
                shape=tuple(image_shape))
        )
    return shape


def _probabilities(values: Any) -> np.ndarray:
    p = np.asarray(values, dtype=float)
    if p.ndim == 2 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 1 or p.size < 2:
        raise ValueError(
            _("give the prediction vector of one image, shape (classes,) or (1, classes); "
              "got shape {shape}").format(shape=p.shape)
        )
    if not np.all(np.isfinite(p)):
        raise ValueError(_("these are not probabilities: some values are NaN or infinite"))
    total = float(p.sum())
    if p.min() < 0 or p.max() > 1 + SUM_TOLERANCE or abs(total - 1) > SUM_TOLERANCE:
        raise ValueError(
            _("these are not probabilities: they range from {low:.3g} to {high:.3g} and "
              "sum to {total:.4g}, not 1. If they are evidence (logits), turn them into "
              "probabilities with softmax first, e.g. keras.ops.softmax(z) or a Dense layer "
              "with activation='softmax'").format(low=p.min(), high=p.max(), total=total)
        )
    return p


def _names(class_names: Sequence[str] | None, n: int) -> list[str]:
    if class_names is None:
        return [str(i) for i in range(n)]
    if isinstance(class_names, str):
        raise TypeError(
            _("class_names must be a list of names, one per class, not one string"))
    names = [str(name) for name in class_names]
    if len(names) < n:
        raise ValueError(_("class_names has {names} names but there are {classes} classes")
                         .format(names=len(names), classes=n))
    return names[:n]


def _class_index(true_class: Any, names: list[str]) -> int | None:
    if true_class is None:
        return None
    if isinstance(true_class, str):
        return names.index(one_of("true_class", true_class, names))
    index = np.asarray(true_class)
    if index.size == 1 and np.issubdtype(index.dtype, np.integer):
        k = int(index.ravel()[0])
        if 0 <= k < len(names):
            return k
    raise ValueError(
        _("true_class must be a class index 0..{last} or a class name; got {value!r}").format(
            last=len(names) - 1, value=true_class)
    )


def _grid_axes(ax: Any, units: int, cols: int) -> list[Any]:
    if ax is None:
        cols = min(cols, units)
        rows = math.ceil(units / cols)
        figure, grid = plt.subplots(rows, cols,
                                    figsize=figure_size(_TILE * cols + 1.2, _TILE * rows + 0.3),
                                    squeeze=False, layout="constrained")
        axes = list(grid.ravel())
        for spare in axes[units:]:
            figure.delaxes(spare)
        return axes[:units]
    axes = list(np.ravel(np.asarray(ax, dtype=object)))
    if not all(hasattr(a, "imshow") for a in axes):
        raise TypeError(_("ax must be a sequence of matplotlib Axes, one per unit"))
    if len(axes) < units:
        raise ValueError(_("the layer has {units} units but only {axes} Axes were given").format(
            units=units, axes=len(axes)))
    return axes[:units]
