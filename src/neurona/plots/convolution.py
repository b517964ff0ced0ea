"""Pictures of convolution: a window sliding over an image, pooling, filters and feature maps.

Examples
--------
>>> import numpy as np
>>> import neurona as nr
>>> fig = nr.plot_convolution_step(np.eye(8), nr.cnn.KERNELS["sharpen"], step=5)
>>> [ax.get_title().split(":")[0] for ax in fig.axes[:3]]
['input 8×8 (valid padding)', 'kernel 3×3', 'output 6×6']
>>> nr.plot_pooling();                                  # doctest: +SKIP
>>> nr.plot_filters(model);                             # doctest: +SKIP
>>> nr.plot_feature_maps(model, x_test[0]);             # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from neurona.cnn import (
    BOOK_SEVEN,
    conv_output_size,
    convolve2d,
    padding_amounts,
    pool2d,
)
from neurona.i18n import N_, _, ngettext
from neurona.plots.style import (
    DIVERGING_CMAP,
    OKABE_ITO,
    SEQUENTIAL_CMAP,
    diverging_limits,
    figure_size,
)
from neurona.validate import whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_convolution_step", "plot_feature_maps", "plot_filters", "plot_pooling"]

WINDOW_COLOR = OKABE_ITO["orange"]
_GREY = "Greys"
_MAX_NUMBERS = 12  # beyond this many cells per side, numbers no longer fit in a cell
# The title of each pooled panel, by pool2d's mode.
_POOLING_TITLES = {"max": N_("max pooling → {height}×{width}"),
                   "average": N_("average pooling → {height}×{width}")}


def text_color_on(background: Any) -> str:
    """Pick black or white text, whichever reads better on a cell of colour ``background``.

    Uses the relative luminance of sRGB (WCAG): dark cells get white numbers.

    Examples
    --------
    >>> text_color_on((0.02, 0.19, 0.38)), text_color_on((0.97, 0.97, 0.97))
    ('white', 'black')
    """
    from matplotlib.colors import to_rgb

    channels = np.asarray(to_rgb(background), dtype=float)
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))
    # Black wins over white when its contrast ratio, (L + 0.05) / 0.05, beats 1.05 / (L + 0.05).
    return "black" if (luminance + 0.05) ** 2 > 0.05 * 1.05 else "white"


def plot_convolution_step(
    image: Any,
    kernel: Any,
    step: int | None = None,
    padding: str | int = "valid",
    stride: int = 1,
    figure: Figure | None = None,
) -> Figure:
    """Draw one step of a convolution: the window on the input, the kernel, the output so far.

    Parameters
    ----------
    image : array-like, shape (height, width)
        One grey image, e.g. a 28×28 digit.
    kernel : array-like, shape (k, k)
        The filter (its numbers are written in its cells).
    step : int, optional
        Window number, 0 for the top-left; default the last one (the whole output).
    padding : "valid", "same" or int
        As in :func:`neurona.cnn.conv_output_size`; added zeros are drawn hatched.
    stride : int
        Step between windows.
    figure : matplotlib Figure, optional
        Draw into this figure (cleared first), as a widget does; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: input, kernel, output (cells not computed yet are blank).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    x = np.asarray(image, dtype=float).squeeze()
    w = np.asarray(kernel, dtype=float)
    if x.ndim != 2:
        raise ValueError(_("give one grey image of shape (height, width); got shape {shape}")
                         .format(shape=x.shape))
    out_h = conv_output_size(x.shape[0], w.shape[0], padding, stride)
    out_w = conv_output_size(x.shape[1], w.shape[1], padding, stride)
    total = out_h * out_w
    note = ngettext("there is {count} window", "there are {count} windows", total).format(
        count=total)
    step = total - 1 if step is None else whole_number("step", step, 0, total - 1, note=note)
    full = convolve2d(x, w, padding, stride)
    row, col = divmod(step, out_w)
    current_output = full.copy().ravel()
    current_output[step + 1:] = np.nan  # windows not reached yet
    current_output = current_output.reshape(full.shape)
    (top, bottom), (left, right) = (padding_amounts(n, k, padding, stride)
                                    for n, k in zip(x.shape, w.shape, strict=True))
    padded = np.pad(x, ((top, bottom), (left, right)))

    if figure is None:
        figure = plt.figure(figsize=figure_size(10, 3.6))
    else:
        figure.clear()
    ax_in, ax_k, ax_out = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.6, 1]})
    ax_in.imshow(padded, cmap=_GREY, vmin=min(0.0, x.min()), vmax=max(x.max(), 1e-9))
    if top or bottom or left or right:
        ax_in.add_patch(Rectangle((left - 0.5, top - 0.5), x.shape[1], x.shape[0], fill=False,
                                  edgecolor=OKABE_ITO["sky blue"], linewidth=1.2,
                                  linestyle="--"))
    ax_in.add_patch(Rectangle((col * stride - 0.5, row * stride - 0.5), w.shape[1], w.shape[0],
                              fill=False, edgecolor=WINDOW_COLOR, linewidth=2.5))
    title = (_("input {height}×{width} ({padding} padding)") if isinstance(padding, str)
             else _("input {height}×{width} (p = {padding})"))
    ax_in.set_title(title.format(height=x.shape[0], width=x.shape[1], padding=padding))

    limit = diverging_limits(w)
    cells = ax_k.imshow(w, cmap=DIVERGING_CMAP, vmin=limit[0], vmax=limit[1])
    if max(w.shape) <= _MAX_NUMBERS:
        for (i, j), value in np.ndenumerate(w):
            ax_k.text(j, i, f"{value:.2g}", ha="center", va="center",
                      fontsize=11 if max(w.shape) <= 3 else 9,
                      color=text_color_on(cells.to_rgba(value)))
    ax_k.set_title(_("kernel {height}×{width}").format(height=w.shape[0], width=w.shape[1]))

    shown = np.ma.masked_invalid(current_output)
    low, high = diverging_limits(full)
    ax_out.imshow(shown, cmap=DIVERGING_CMAP, vmin=low, vmax=high)
    ax_out.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False,
                               edgecolor=WINDOW_COLOR, linewidth=2.5))
    ax_out.set_title(_("output {height}×{width}: [{row}, {col}] = {value:.3g}").format(
        height=out_h, width=out_w, row=row, col=col, value=current_output[row, col]))
    for ax in (ax_in, ax_k, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    figure.tight_layout()
    return figure


def plot_pooling(x: Any = BOOK_SEVEN, size: int = 2, stride: int | None = None) -> Figure:
    """Draw a small image and its max- and average-pooled versions, every number written.

    Parameters
    ----------
    x : array-like, shape (height, width)
        A small map; default :data:`neurona.cnn.BOOK_SEVEN`, a 6×6 "7".
    size : int
        Pooling window.
    stride : int, optional
        Default ``size``.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the input with the pooling windows outlined, max pooling, average pooling.

    Examples
    --------
    >>> fig = plot_pooling()
    >>> [ax.get_title() for ax in fig.axes]
    ['input 6×6, windows 2×2', 'max pooling → 3×3', 'average pooling → 3×3']
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    image = np.asarray(x, dtype=float)
    if image.ndim != 2 or max(image.shape) > _MAX_NUMBERS:
        raise ValueError(_("plot_pooling writes every number: give a 2-D map of at most "
                           "{most}×{most}; got shape {shape}").format(most=_MAX_NUMBERS,
                                                                     shape=image.shape))
    stride = size if stride is None else stride
    pooled = {mode: pool2d(image, size, stride, mode) for mode in ("max", "average")}
    vmax = max(image.max(), 1e-9)
    figure, axes = plt.subplots(1, 3, figsize=figure_size(10, 3.6),
                                gridspec_kw={"width_ratios": [image.shape[1],
                                                              *(p.shape[1] * 1.6
                                                                for p in pooled.values())]})
    panels = [(image, _("input {height}×{width}, windows {size}×{size}").format(
        height=image.shape[0], width=image.shape[1], size=size))]
    panels += [(values, _(_POOLING_TITLES[mode]).format(height=values.shape[0],
                                                        width=values.shape[1]))
               for mode, values in pooled.items()]
    for ax, (values, title) in zip(axes, panels, strict=True):
        ax.imshow(values, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax)
        for (i, j), value in np.ndenumerate(values):
            ink = "white" if value > 0.6 * vmax else "black"
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", color=ink, fontsize=10)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    out_h, out_w = pooled["max"].shape
    for i in range(out_h):
        for j in range(out_w):
            axes[0].add_patch(Rectangle((j * stride - 0.5, i * stride - 0.5), size, size,
                                        fill=False, edgecolor=WINDOW_COLOR, linewidth=2))
    figure.tight_layout()
    return figure


def plot_filters(weights: Any, cols: int = 8, max_filters: int = 64,
                 channel: int | None = None) -> Figure:
    """Draw a convolution layer's filters as small images (blue positive, red negative).

    Parameters
    ----------
    weights : keras.Model, Conv2D layer or array of shape (kh, kw, in_channels, filters)
        A model (its first Conv2D layer is used), a layer, or a kernel array.
    cols : int
        Filters per row.
    max_filters : int
        Draw at most this many.
    channel : int, optional
        Which input channel to show; default the mean over input channels (for a grey
        first layer that is the only channel).

    Returns
    -------
    matplotlib.figure.Figure
        One small image per filter, all on one colour scale centred on zero.

    Examples
    --------
    >>> fig = plot_filters(np.random.default_rng(0).normal(size=(3, 3, 1, 16)))
    >>> len(fig.axes)             # 16 filters and the colour bar
    17
    """
    import matplotlib.pyplot as plt

    kernel = _conv_kernel(weights)
    if kernel.ndim != 4:
        raise ValueError(_("a Conv2D kernel has shape (kh, kw, in_channels, filters); "
                           "got {shape}").format(shape=kernel.shape))
    shown = kernel.mean(axis=2) if channel is None else kernel[:, :, int(channel), :]
    count = min(shown.shape[-1], int(max_filters))
    cols = max(1, min(int(cols), count))
    rows = math.ceil(count / cols)
    figure, axes = plt.subplots(rows, cols, figsize=figure_size(1.1 * cols + 1.0, 1.1 * rows + 0.5),
                                squeeze=False)
    vmin, vmax = diverging_limits(shown[..., :count])
    image = None
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= count:
            ax.set_visible(False)
            continue
        image = ax.imshow(shown[..., index], cmap=DIVERGING_CMAP, vmin=vmin, vmax=vmax)
        ax.set_title(str(index), fontsize=8)
    figure.colorbar(image, ax=list(axes.flat), shrink=0.9, label=_("weight"))
    if kernel.shape[2] == 1:
        title = ngettext("{count} filter of {height}×{width}",
                         "{count} filters of {height}×{width}", count)
    else:
        title = ngettext("{count} filter of {height}×{width} (mean of {channels} channels)",
                         "{count} filters of {height}×{width} (mean of {channels} channels)",
                         count)
    figure.suptitle(title.format(count=count, height=kernel.shape[0], width=kernel.shape[1],
                                 channels=kernel.shape[2]))
    return figure


def plot_feature_maps(model: Any, image: Any, layers: Sequence[str] | None = None,
                      max_maps: int = 8) -> Figure:
    """Run one image through ``model`` and draw the feature maps of its layers, one row per layer.

    Parameters
    ----------
    model : keras.Model
        A built model (Sequential or functional) with 2-D feature maps.
    image : array-like
        One image, shape (28, 28), (28, 28, 1) or (1, 28, 28, 1).
    layers : sequence of str, optional
        Layer names to show; default every layer whose output is a stack of 2-D maps
        (convolutions and pooling).
    max_maps : int
        Maps per layer (the first ones).

    Returns
    -------
    matplotlib.figure.Figure
        The input on the left of the first row; each row a layer, titled with its name and
        output shape.
    """
    import keras
    import matplotlib.pyplot as plt

    chosen = ([layer for layer in model.layers if len(layer.output.shape) == 4]
              if layers is None else [model.get_layer(name) for name in layers])
    if not chosen:
        raise ValueError(
            _("the model has no layer with 2-D feature maps (4-D outputs) to show"))
    x = np.asarray(image, dtype="float32")
    x = x.reshape((1, *tuple(int(d) for d in model.inputs[0].shape[1:])))
    probe = keras.Model(model.inputs[0], [layer.output for layer in chosen])
    outputs = probe(x)
    # float32: a bfloat16 model's maps would draw as one flat colour (or not at all).
    outputs = [keras.ops.convert_to_numpy(o).astype("float32") for o in
               (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    maps = max(1, min(int(max_maps), max(o.shape[-1] for o in outputs)))
    figure, axes = plt.subplots(len(chosen), maps + 1,
                                figsize=figure_size(1.2 * (maps + 1), 1.3 * len(chosen) + 0.3),
                                squeeze=False)
    for row, (layer, output) in enumerate(zip(chosen, outputs, strict=True)):
        first = axes[row, 0]
        if row == 0:
            first.imshow(x[0, :, :, 0], cmap=_GREY)
            first.set_title(_("input"), fontsize=8)
        else:
            first.set_visible(False)
        for j in range(maps):
            ax = axes[row, j + 1]
            if j < output.shape[-1]:
                ax.imshow(output[0, :, :, j], cmap="viridis")
            else:
                ax.set_visible(False)
        axes[row, 1].set_title(f"{layer.name} {tuple(output.shape[1:])}", fontsize=8, loc="left")
        for ax in axes[row]:
            ax.set_xticks([])
            ax.set_yticks([])
    figure.suptitle(
        _("feature maps of one image, layer by layer (bright = strong response)"))
    figure.tight_layout()
    return figure


def _conv_kernel(weights: Any) -> np.ndarray:
    if hasattr(weights, "layers"):
        convs = [layer for layer in weights.layers if type(layer).__name__ == "Conv2D"]
        if not convs:
            raise ValueError(_("the model has no Conv2D layer whose filters could be drawn"))
        weights = convs[0]
    if hasattr(weights, "get_weights"):
        weights = weights.get_weights()[0]  # a layer: its kernel comes first
    elif hasattr(weights, "numpy"):
        weights = weights.numpy()  # a Keras variable or a tensor
    return np.asarray(weights, dtype=float)
