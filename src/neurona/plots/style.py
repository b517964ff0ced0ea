"""The course's look: colours, line styles and labels shared by every picture.

One place decides that the loss is always blue, that training is a solid line and
validation a dashed line of the same colour, and that ``val_accuracy`` reads as
"validation accuracy". Every plot in the kit (static curves, live curves, comparisons)
takes its colours and labels from here, so a student sees the same code for the same
thing in every lesson.

The palette is Okabe & Ito's (2008), designed to stay distinguishable for the common
forms of colour-vision deficiency and in grey-scale print.

Examples
--------
>>> from neurona.plots.style import metric_color, metric_label, split_metric
>>> metric_color("loss") == metric_color("val_loss")
True
>>> split_metric("val_accuracy")
('accuracy', True)
>>> metric_label("val_accuracy")
'validation accuracy'
"""

from __future__ import annotations

import math
import zlib

from neurona.i18n import N_, _
from neurona.validate import whole_number

__all__ = ["OKABE_ITO", "series_color", "use_course_style"]

#: Widest figure the kit draws, in inches. Jupyter's inline backend shows a figure at
#: its size in inches times 100 dpi and the browser shrinks anything wider than the
#: notebook (about 950 px on a laptop), so a 9.5 in figure keeps 10 pt text at 13 px.
MAX_FIGURE_WIDTH = 9.5
#: Smallest text, in screen pixels, a figure may show at the notebook's width.
MIN_TEXT_PX = 9.0
#: Width, in pixels, of a notebook on a laptop with the file browser open.
NOTEBOOK_WIDTH_PX = 950

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish green": "#009E73",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "sky blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: The course palette, in the order series take it. Yellow comes last: it is the hardest
#: to see on white, so it is only used when seven series are already on the plot.
PALETTE: tuple[str, ...] = tuple(OKABE_ITO.values())

#: Line style of a training curve.
TRAIN_LINESTYLE = "-"
#: Line style of a validation curve (same colour as its training curve).
VALIDATION_LINESTYLE = "--"
#: Legend text of the two kinds of curve (marked for translation: show them as ``_(TRAIN_LABEL)``).
TRAIN_LABEL = N_("training")
VALIDATION_LABEL = N_("validation")

#: Prefix Keras gives to metrics measured on the validation data.
VALIDATION_PREFIX = "val_"

#: Colour of things that went wrong (misclassified images, diverged runs): warm and
#: distinct from the blue of the loss.
WRONG_COLOR = OKABE_ITO["vermillion"]
#: Colour of things that went right (correct predictions).
RIGHT_COLOR = OKABE_ITO["bluish green"]
#: Colour of the first epoch in timing plots: it includes tracing and compilation.
FIRST_EPOCH_COLOR = OKABE_ITO["orange"]
#: Colour of the epochs after the first in timing plots.
STEADY_EPOCH_COLOR = OKABE_ITO["blue"]

#: Sequential colormap for non-negative quantities (confusion matrices, counts): one hue,
#: lightness rising with the value, so it reads the same with any colour vision and in print.
SEQUENTIAL_CMAP = "Blues"
#: Diverging colormap for signed quantities such as weights: red negative, white zero,
#: blue positive. Use it with symmetric limits, see :func:`diverging_limits`.
DIVERGING_CMAP = "RdBu"

# Metrics the course meets, with a fixed palette slot each, so that accuracy has the same
# colour in lesson 2 and in lesson 9 whatever else was recorded.
_METRIC_SLOTS = {
    "loss": 0,
    "accuracy": 1,
    "acc": 1,
    "sparse_categorical_accuracy": 1,
    "categorical_accuracy": 1,
    "binary_accuracy": 1,
    "mae": 2,
    "mean_absolute_error": 2,
    "mse": 3,
    "mean_squared_error": 3,
    "auc": 4,
    "precision": 5,
    "recall": 6,
    "top_k_categorical_accuracy": 4,
    "sparse_top_k_categorical_accuracy": 4,
    "learning_rate": 5,
    "lr": 5,
}

# Readable names of the metrics the course meets (Keras short names included); any other
# name is shown as written, underscores as spaces.
_READABLE = {
    "loss": N_("loss"),
    "accuracy": N_("accuracy"),
    "acc": N_("accuracy"),
    "sparse_categorical_accuracy": N_("sparse categorical accuracy"),
    "categorical_accuracy": N_("categorical accuracy"),
    "binary_accuracy": N_("binary accuracy"),
    "top_k_categorical_accuracy": N_("top k categorical accuracy"),
    "sparse_top_k_categorical_accuracy": N_("sparse top k categorical accuracy"),
    "mae": N_("mean absolute error"),
    "mean_absolute_error": N_("mean absolute error"),
    "mse": N_("mean squared error"),
    "mean_squared_error": N_("mean squared error"),
    "rmse": N_("root mean squared error"),
    "root_mean_squared_error": N_("root mean squared error"),
    "auc": "AUC",
    "precision": N_("precision"),
    "recall": N_("recall"),
    "lr": N_("learning rate"),
    "learning_rate": N_("learning rate"),
}

# What the y axis measures, where the metric's unit is known.
_FRACTION_CORRECT = N_("fraction correct")
_TARGET_UNITS = N_("target units")
_TARGET_UNITS_SQUARED = N_("target units squared")
_UNITS = {
    "accuracy": _FRACTION_CORRECT,
    "acc": _FRACTION_CORRECT,
    "sparse_categorical_accuracy": _FRACTION_CORRECT,
    "categorical_accuracy": _FRACTION_CORRECT,
    "binary_accuracy": _FRACTION_CORRECT,
    "top_k_categorical_accuracy": _FRACTION_CORRECT,
    "sparse_top_k_categorical_accuracy": _FRACTION_CORRECT,
    "precision": N_("fraction"),
    "recall": N_("fraction"),
    "auc": N_("0 to 1"),
    "mae": _TARGET_UNITS,
    "mean_absolute_error": _TARGET_UNITS,
    "rmse": _TARGET_UNITS,
    "mse": _TARGET_UNITS_SQUARED,
    "mean_squared_error": _TARGET_UNITS_SQUARED,
    "seconds": "s",
    "time": "s",
}


def series_color(k: int) -> str:
    """Colour of the ``k``-th series on a plot (0 first), cycling through the palette.

    Parameters
    ----------
    k : int
        Position of the series, 0 for the first; larger values wrap around.

    Returns
    -------
    str
        A hex colour from :data:`PALETTE`.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.series_color(0), nr.series_color(1)
    ('#0072B2', '#E69F00')
    """
    return PALETTE[whole_number("k", k, 0, note=_("the series' position")) % len(PALETTE)]


def split_metric(name: str) -> tuple[str, bool]:
    """Split a Keras metric name into its base name and whether it is a validation metric.

    Parameters
    ----------
    name : str
        A key of ``History.history``, e.g. ``"loss"`` or ``"val_accuracy"``.

    Returns
    -------
    base : str
        The name without the ``val_`` prefix.
    is_validation : bool
        True when the metric was measured on the validation data.

    Examples
    --------
    >>> from neurona.plots.style import split_metric
    >>> split_metric("val_loss")
    ('loss', True)
    >>> split_metric("accuracy")
    ('accuracy', False)
    """
    if not isinstance(name, str):
        raise TypeError(_("a metric name is a string such as 'val_loss', got {name!r}").format(
            name=name))
    if name.startswith(VALIDATION_PREFIX) and len(name) > len(VALIDATION_PREFIX):
        return name[len(VALIDATION_PREFIX) :], True
    return name, False


def metric_color(name: str) -> str:
    """Colour of a metric; a training metric and its validation twin share it.

    Metrics the course uses (loss, accuracy, mae, ...) have a fixed colour; any other name
    gets a colour derived from its text, the same in every session.

    Parameters
    ----------
    name : str
        A metric name, with or without the ``val_`` prefix.

    Returns
    -------
    str
        A hex colour from :data:`PALETTE`.

    Examples
    --------
    >>> from neurona.plots.style import metric_color
    >>> metric_color("loss") == metric_color("val_loss")
    True
    >>> metric_color("loss") != metric_color("accuracy")
    True
    """
    base, _validation = split_metric(name)
    slot = _METRIC_SLOTS.get(base)
    if slot is None:
        # crc32, not hash(): Python salts str hashes per process, colours must not change.
        slot = zlib.crc32(base.encode("utf-8"))
    return series_color(slot)


def metric_linestyle(name: str) -> str:
    """Line style of a metric: solid for training, dashed for validation.

    Examples
    --------
    >>> from neurona.plots.style import metric_linestyle
    >>> metric_linestyle("loss"), metric_linestyle("val_loss")
    ('-', '--')
    """
    _base, is_validation = split_metric(name)
    return VALIDATION_LINESTYLE if is_validation else TRAIN_LINESTYLE


def metric_label(name: str) -> str:
    """Readable text for a metric name, for legends and titles.

    Parameters
    ----------
    name : str
        A metric name such as ``"val_sparse_categorical_accuracy"``.

    Returns
    -------
    str
        The name in words, in the kit's language: ``"validation sparse categorical accuracy"``.
        A metric the course does not know is shown as written, underscores as spaces.

    Examples
    --------
    >>> from neurona.plots.style import metric_label
    >>> metric_label("val_accuracy")
    'validation accuracy'
    >>> metric_label("mae")
    'mean absolute error'
    """
    base, is_validation = split_metric(name)
    words = _(_READABLE[base]) if base in _READABLE else base.replace("_", " ")
    return _("validation {metric}").format(metric=words) if is_validation else words


def axis_label(name: str) -> str:
    """Y-axis text for a metric: its readable name and, where known, its unit.

    Examples
    --------
    >>> from neurona.plots.style import axis_label
    >>> axis_label("accuracy")
    'accuracy (fraction correct)'
    >>> axis_label("val_loss")
    'validation loss'
    """
    base, _validation = split_metric(name)
    unit = _UNITS.get(base)
    label = metric_label(name)
    return f"{label} ({_(unit)})" if unit else label


def axes_or_new(ax, width: float = 7.0, height: float = 4.0):
    """Return ``ax``, or the Axes of a new ``width`` x ``height`` inch figure when it is None."""
    import matplotlib.pyplot as plt

    if ax is None:
        _figure, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def figure_size(width: float, height: float) -> tuple[float, float]:
    """Size of a new figure, scaled down (keeping its shape) to fit a notebook.

    Parameters
    ----------
    width, height : float
        The size the picture was designed at, in inches.

    Returns
    -------
    (width, height) : tuple of float
        The same size when ``width`` is at most :data:`MAX_FIGURE_WIDTH`, otherwise both
        scaled by the same factor so that the width is :data:`MAX_FIGURE_WIDTH`. Text keeps
        its size in points, so it stays readable where a wider figure would be shrunk.

    Examples
    --------
    >>> from neurona.plots.style import figure_size
    >>> figure_size(7.0, 4.0)
    (7.0, 4.0)
    >>> figure_size(19.0, 4.0)
    (9.5, 2.0)
    """
    if width <= MAX_FIGURE_WIDTH:
        return width, height
    scale = MAX_FIGURE_WIDTH / width
    return MAX_FIGURE_WIDTH, height * scale


def smallest_text_px(figure, notebook_px: float = NOTEBOOK_WIDTH_PX) -> float:
    """Height in screen pixels of the smallest visible text of ``figure`` in a notebook.

    A notebook shows a figure ``width`` inches wide at ``width x 100`` px, shrunk to
    ``notebook_px`` when wider; text of ``s`` points is ``s x 100 / 72`` px before that.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A drawn figure.
    notebook_px : float
        Width of the notebook's output area, in pixels.

    Returns
    -------
    float
        The smallest font size on screen, in pixels (``inf`` when the figure has no text).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import smallest_text_px
    >>> figure, ax = plt.subplots(figsize=(19, 4))
    >>> _ = ax.set_title("wide", fontsize=10)
    >>> round(smallest_text_px(figure), 1)   # 9 pt tick labels shrunk to half: too small
    6.2
    >>> plt.close(figure)
    """
    from matplotlib.text import Text

    shown_px = min(figure.get_figwidth() * 100.0, float(notebook_px))
    px_per_point = shown_px / (figure.get_figwidth() * 72.0)
    figure.canvas.draw()  # tick labels exist only once the figure is drawn
    sizes = [text.get_fontsize() for text in figure.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    return float(min(sizes) * px_per_point) if sizes else math.inf


def integer_ticks(axis) -> None:
    """Put ticks on whole numbers only, for counts such as epochs, threads or layers.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import integer_ticks
    >>> figure, ax = plt.subplots()
    >>> integer_ticks(ax.xaxis)
    >>> plt.close(figure)
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def plain_log_ticks(axis, values=None) -> None:
    """On a log axis that spans less than a decade, label ticks as plain numbers.

    matplotlib then labels only minor ticks, as "1.692x10^-1"; this writes ``0.17``.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``, already on a log scale.
    values : array-like, optional
        The positive values drawn on it. Default: the axis' data interval.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import plain_log_ticks
    >>> figure, ax = plt.subplots()
    >>> ax.set_yscale("log")
    >>> plain_log_ticks(ax.yaxis, [0.15, 0.4])
    >>> plt.close(figure)
    """
    import numpy as np
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

    array = np.asarray(axis.get_data_interval() if values is None else values, dtype=float)
    array = array[np.isfinite(array) & (array > 0)]
    if array.size == 0 or array.max() / array.min() >= 10.0:
        return
    axis.set_major_locator(MaxNLocator(nbins=5))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.3g}"))
    axis.set_minor_formatter(NullFormatter())


def whole_number_labels(axis) -> None:
    """Label a log axis of counts (batch sizes, inputs) as 8, 32, 128 rather than 2^3, 2^5, 2^7.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import whole_number_labels
    >>> figure, ax = plt.subplots()
    >>> ax.set_xscale("log", base=2)
    >>> whole_number_labels(ax.xaxis)
    >>> plt.close(figure)
    """
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}"))


def legend_below(ax, handles=None, labels=None, *, columns: int = 2, **settings):
    """Put ``ax``'s legend under the x axis, where it covers no bar and no curve.

    Use it where the data fill the whole plot (bars over every epoch, curves in every
    corner); a figure with ``layout="constrained"`` makes room for it.

    Parameters
    ----------
    ax : matplotlib Axes
        The axes whose legend to draw.
    handles, labels : list, optional
        What to list (default: ``ax``'s own artists), e.g. with a twin axis's lines added.
    columns : int
        Entries per row.
    **settings
        Passed to :meth:`matplotlib.axes.Axes.legend`, e.g. ``fontsize=8``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import legend_below
    >>> figure, ax = plt.subplots(layout="constrained")
    >>> _ = ax.bar([1, 2], [3, 4], label="mistakes")
    >>> legend_below(ax).get_texts()[0].get_text()
    'mistakes'
    >>> plt.close(figure)
    """
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    return ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16),
                     ncol=columns, **settings)


#: matplotlib settings of every picture in the course (see :func:`use_course_style`).
COURSE_RC = {
    "axes.prop_cycle": None,  # set from PALETTE by use_course_style
    "figure.figsize": (6.4, 4.0),
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "legend.framealpha": 0.85,
    "figure.titlesize": 12.0,
}


def use_course_style() -> None:
    """Make matplotlib draw in the course's style: Okabe-Ito colours, readable text sizes.

    The kit calls this when one of its picture modules first loads. Call it after
    ``import matplotlib.pyplot`` in a notebook whose own plots come before any kit picture:
    an Axes takes its colour cycle when it is created.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.use_course_style()
    >>> import matplotlib as mpl
    >>> from neurona.plots.style import PALETTE, use_course_style
    >>> use_course_style()
    >>> mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    True
    """
    import matplotlib as mpl
    from cycler import cycler

    settings = dict(COURSE_RC, **{"axes.prop_cycle": cycler(color=list(PALETTE))})
    mpl.rcParams.update(settings)


def diverging_limits(values) -> tuple[float, float]:
    """Colour limits centred on zero, so that white means 0 in :data:`DIVERGING_CMAP`.

    Parameters
    ----------
    values : array-like
        The signed numbers to show, e.g. a layer's weights.

    Returns
    -------
    (vmin, vmax) : tuple of float
        ``(-m, m)`` with ``m`` the largest absolute finite value (1.0 if all are zero).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from neurona.plots.style import DIVERGING_CMAP, diverging_limits
    >>> vmin, vmax = diverging_limits(w)                              # doctest: +SKIP
    >>> plt.imshow(w, cmap=DIVERGING_CMAP, vmin=vmin, vmax=vmax)      # doctest: +SKIP
    """
    import numpy as np

    array = np.asarray(values, dtype=float)
    finite = np.abs(array[np.isfinite(array)])
    m = float(finite.max()) if finite.size else 0.0
    if m == 0.0 or not math.isfinite(m):
        m = 1.0
    return -m, m


# Every kit picture module imports this one: the first kit picture of a lesson sets the
# course's look for the rest of the notebook, plain matplotlib cells included.
use_course_style()
