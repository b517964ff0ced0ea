"""Learning curves, run comparisons and time per epoch: the pictures of a training.

Each function reads a run record (or what ``model.fit`` returned) and never talks to Keras,
so the same picture works for the Keras callback, the NumPy trainers and the benchmarks.
Training curves are solid, validation curves dashed in the same colour (see
:mod:`neurona.plots.style`).

Examples
--------
>>> import neurona as nr
>>> history = model.fit(x, y, validation_split=0.1, epochs=10)  # doctest: +SKIP
>>> nr.plot_learning_curves(history);                            # doctest: +SKIP
"""

from __future__ import annotations

import math
import statistics
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.style import (
    FIRST_EPOCH_COLOR,
    PALETTE,
    STEADY_EPOCH_COLOR,
    TRAIN_LABEL,
    TRAIN_LINESTYLE,
    VALIDATION_LABEL,
    VALIDATION_LINESTYLE,
    axis_label,
    figure_size,
    integer_ticks,
    legend_below,
    metric_color,
    metric_label,
    metric_linestyle,
    series_color,
    split_metric,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_learning_curves", "plot_run_comparison", "plot_time_per_epoch"]

_RUN_KINDS = N_(
    "a RunRecord, a Keras History (what model.fit returns) "
    "or a dict of metric name -> list of per-epoch values"
)
_MAX_COLUMNS = 2  # learning-curve subplots per row before wrapping


def plot_learning_curves(
    run: Any,
    metrics: str | Iterable[str] | None = None,
    axes: Any = None,
    title: str | None = None,
) -> Figure:
    """Draw the learning curves of one training: one subplot per metric, per epoch.

    Training values are a solid line, validation values a dashed line of the same colour,
    so over-fitting shows as the dashed line turning away from the solid one.

    Parameters
    ----------
    run : RunRecord, keras.callbacks.History or dict
        The training to show: a :class:`neurona.RunRecord`, the object ``model.fit``
        returns, or a plain ``{"loss": [...], "val_loss": [...]}`` dict.
    metrics : str or list of str, optional
        Which metrics to show, e.g. ``"loss"`` or ``["loss", "accuracy"]``. A name with or
        without ``val_`` selects the same subplot, which shows training and validation
        together. Default: every recorded metric.
    axes : matplotlib Axes or sequence of Axes, optional
        Where to draw, one Axes per metric. Default: a new figure.
    title : str, optional
        Figure title (also when ``axes`` are given). Default: the run's name
        (``"Learning curves"`` for a History or dict).

    Returns
    -------
    matplotlib.figure.Figure
        The figure that holds the curves. End the notebook line with ``;`` so that
        Jupyter shows the picture once.

    Raises
    ------
    ValueError
        If nothing was recorded yet, or a requested metric was not recorded (the message
        lists the recorded ones).

    Examples
    --------
    >>> import neurona as nr
    >>> history = model.fit(x, y, validation_split=0.1, epochs=10)  # doctest: +SKIP
    >>> nr.plot_learning_curves(history);                            # doctest: +SKIP
    >>> nr.plot_learning_curves(nr.ledger.last, metrics="accuracy"); # doctest: +SKIP
    """
    history, name = _read_history(run)
    groups = _group_by_base(history)
    chosen = _choose_metrics(metrics, history, groups)

    if axes is None:
        columns = min(len(chosen), _MAX_COLUMNS)
        rows = math.ceil(len(chosen) / columns)
        figure, grid = plt.subplots(
            rows,
            columns,
            figsize=figure_size(4.6 * columns + 0.6, 3.6 * rows + 0.5),
            squeeze=False,
            layout="constrained",
        )
        axs = list(grid.ravel())
        for extra in axs[len(chosen) :]:
            figure.delaxes(extra)
        axs = axs[: len(chosen)]
    else:
        axs = _axes_list(axes, len(chosen))
        figure = axs[0].figure

    for ax, base in zip(axs, chosen, strict=True):
        train, validation = groups[base]
        color = metric_color(base)
        for values, linestyle, label in (
            (train, TRAIN_LINESTYLE, _(TRAIN_LABEL)),
            (validation, VALIDATION_LINESTYLE, _(VALIDATION_LABEL)),
        ):
            if values is None:
                continue
            _plot_per_epoch(ax, values, color=color, linestyle=linestyle, label=label)
        _epoch_axis(ax)
        ax.set_ylabel(axis_label(base))
        ax.legend()
        ax.set_title(metric_label(base))

    figure.suptitle(title or name or _("Learning curves"))
    return figure


def plot_run_comparison(runs: Any, metric: str = "val_loss", ax: Axes | None = None) -> Axes:
    """Overlay one metric of several runs, to see which settings trained better.

    Each run gets its own palette colour; a validation metric is dashed, a training metric
    solid, as everywhere in the course. The legend gives each run's final value.

    Parameters
    ----------
    runs : iterable of RunRecord, or a Ledger
        The runs to compare, e.g. ``nr.ledger`` or ``[run_a, run_b]``.
    metric : str
        The metric to overlay, e.g. ``"val_loss"`` or ``"accuracy"``.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with one line per run that recorded ``metric``. Runs without it are
        named in the legend title.

    Raises
    ------
    ValueError
        If there are no runs, or none recorded ``metric`` (the message lists the metrics
        the runs have).

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_run_comparison(nr.ledger, metric="val_accuracy");  # doctest: +SKIP
    """
    if not isinstance(metric, str) or not metric:
        raise TypeError(_("metric must be a metric name such as 'val_loss', got {metric!r}").format(
            metric=metric))
    if hasattr(runs, "history") and hasattr(runs, "name"):
        runs = [runs]  # one run is a comparison of one
    try:
        runs = list(runs)
    except TypeError:
        raise TypeError(
            _("runs must be a Ledger or a list of RunRecord objects, got {kind}").format(
                kind=type(runs).__name__)) from None
    if not runs:
        raise ValueError(_(
            "no runs to compare: train a model with neurona's callbacks first, "
            "or pass a list of RunRecord objects"
        ))

    drawn: list[tuple[int, str, np.ndarray]] = []
    skipped: list[str] = []
    available: list[str] = []
    for k, run in enumerate(runs):
        history, name = _read_history(run, allow_empty=True)
        label = name if name is not None else _("run {number}").format(number=k + 1)
        for key in history:
            if key not in available:
                available.append(key)
        values = history.get(metric)
        if values is None or values.size == 0:
            skipped.append(label)
        else:
            drawn.append((k, label, values))
    if not drawn:
        recorded = ", ".join(_ordered_metrics(available)) or _("none (no epoch has finished)")
        raise ValueError(_("no run recorded {metric!r}; metrics available: {recorded}").format(
            metric=metric, recorded=recorded))

    if ax is None:
        _figure, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
    linestyle = metric_linestyle(metric)
    markers = ("", "o", "s", "^", "D")  # past the palette's 8 colours, markers tell runs apart
    every = np.concatenate([values for _k, _label, values in drawn])
    every = every[np.isfinite(every)]
    # Two curves closer than about a line's width (0.3% of the axis) look like one.
    tolerance = 0.003 * float(np.ptp(every)) if every.size else 0.0
    repeats = 0  # hollow markers grow with each repeat, so that every one stays visible
    for index, (k, label, values) in enumerate(drawn):
        marker = markers[(k // len(PALETTE)) % len(markers)]
        text = f"{label} ({_format_value(values[-1])})"
        extra: dict[str, Any] = {"marker": marker, "markersize": 4} if marker else {}
        twin = _same_curve_as(values, drawn[:index], tolerance)
        if twin is not None:
            # It would lie exactly under an earlier run's line: hollow markers on a thin line
            # show both, and the legend says why only one seems drawn.
            text = _("{run}: the same as {other} where both ran").format(run=text, other=twin)
            repeats += 1
            extra = {"marker": ("o", "s", "D", "^")[(repeats - 1) % 4],
                     "markersize": 4 + 3 * repeats, "markerfacecolor": "none", "linewidth": 1}
        _plot_per_epoch(ax, values, color=series_color(k), linestyle=linestyle, label=text,
                        **extra)
    _epoch_axis(ax)
    ax.set_ylabel(axis_label(metric))
    title = _("{metric} by run").format(metric=metric_label(metric))
    ax.set_title(title[0].upper() + title[1:])
    legend_title = None
    if skipped:
        legend_title = textwrap.fill(_("not shown, no {metric}: {runs}").format(
            metric=metric, runs=", ".join(skipped)), width=40)
    # Under the plot: runs often fill every corner of it, and a long legend covers one.
    legend = legend_below(ax, columns=1, title=legend_title, fontsize="small")
    if legend_title:
        legend.get_title().set_fontsize("small")
    return ax


def plot_time_per_epoch(run: Any, ax: Axes | None = None) -> Axes:
    """Draw the wall time of each epoch as bars, the first one apart.

    The first epoch includes tracing and compiling the model, so it is usually slower; the
    horizontal line marks the median of the epochs after it, the steady speed.

    Parameters
    ----------
    run : RunRecord or sequence of float
        A run record (its ``epoch_seconds`` are used) or the seconds of each epoch.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with one bar per epoch.

    Raises
    ------
    ValueError
        If no epoch has finished, or a time is negative or not a number.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_time_per_epoch(nr.ledger.last);  # doctest: +SKIP
    """
    seconds = getattr(run, "epoch_seconds", run)
    name = getattr(run, "name", None)
    try:
        values = np.asarray(seconds, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            _("run must be a RunRecord or a list of seconds per epoch, got {kind}").format(
                kind=type(run).__name__)) from None
    if values.size == 0:
        raise ValueError(_("no epoch has finished yet: there is no time per epoch to show"))
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(_("epoch times must be finite seconds >= 0, got {values}").format(
            values=values.tolist()))

    if ax is None:
        _figure, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")
    epochs = np.arange(1, values.size + 1)
    ax.bar(
        epochs[:1],
        values[:1],
        color=FIRST_EPOCH_COLOR,
        label=_("epoch 1: {seconds} s (includes tracing/compilation)").format(
            seconds=_format_seconds(values[0])),
    )
    if values.size > 1:
        steady = statistics.median(values[1:].tolist())
        ax.bar(epochs[1:], values[1:], color=STEADY_EPOCH_COLOR, label=_("later epochs"))
        ax.axhline(
            steady,
            color="black",
            linestyle=":",
            linewidth=1.5,
            label=_("steady median {seconds} s/epoch").format(seconds=_format_seconds(steady)),
        )
    integer_ticks(ax.xaxis)
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("wall time (s/epoch)"))
    ax.set_title(_("Time per epoch: {name}").format(name=name) if name else _("Time per epoch"))
    ax.legend(fontsize="small")
    return ax


# -- reading ---------------------------------------------------------------------------


def _read_history(run: Any, allow_empty: bool = False) -> tuple[dict[str, np.ndarray], str | None]:
    """Read the per-epoch metrics of ``run`` as float arrays, and its name if it has one."""
    if isinstance(run, Mapping):
        raw, name = run, None
    else:
        raw = getattr(run, "history", None)
        if not isinstance(raw, Mapping):
            raise TypeError(_("expected {kinds}; got {kind}").format(
                kinds=_(_RUN_KINDS), kind=type(run).__name__))
        name = getattr(run, "name", None)
        name = name if isinstance(name, str) and name else None
    history: dict[str, np.ndarray] = {}
    for key, values in raw.items():
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                _("metric {key!r} must be a list of numbers, one per epoch; got {values!r}").format(
                    key=key, values=values)
            ) from None
        if array.ndim > 1:
            raise ValueError(
                _("metric {key!r} must be one number per epoch; got an array of shape {shape}")
                .format(key=key, shape=array.shape)
            )
        # inf would stretch the axes to nothing; a gap shows where the run blew up.
        history[str(key)] = np.where(np.isfinite(array), array, np.nan).ravel()
    if not allow_empty and not any(values.size for values in history.values()):
        if name:
            message = _("nothing was recorded yet: run {name!r} has no finished epoch. "
                        "Train for at least one epoch, then plot.").format(name=name)
        else:
            message = _("nothing was recorded yet: this history has no finished epoch. "
                        "Train for at least one epoch, then plot.")
        raise ValueError(message)
    return history, name


def _group_by_base(
    history: dict[str, np.ndarray],
) -> dict[str, tuple[np.ndarray | None, np.ndarray | None]]:
    """Pair each metric with its validation twin: base -> (training, validation)."""
    groups: dict[str, list[np.ndarray | None]] = {}
    for key, values in history.items():
        if values.size == 0:
            continue
        base, is_validation = split_metric(key)
        pair = groups.setdefault(base, [None, None])
        pair[1 if is_validation else 0] = values
    # The loss leads whatever order the metrics were recorded in (Keras puts accuracy first).
    order = sorted(groups, key=lambda base: base != "loss")
    return {base: (groups[base][0], groups[base][1]) for base in order}


def _choose_metrics(
    metrics: str | Iterable[str] | None,
    history: dict[str, np.ndarray],
    groups: dict[str, Any],
) -> list[str]:
    if metrics is None:
        return list(groups)
    requested = [metrics] if isinstance(metrics, str) else list(metrics)
    if not requested:
        raise ValueError(_("metrics is empty; leave it out to show every recorded metric"))
    chosen: list[str] = []
    unknown: list[str] = []
    for name in requested:
        if not isinstance(name, str):
            raise TypeError(_("metric names are strings such as 'loss', got {name!r}").format(
                name=name))
        base, _validation = split_metric(name)
        if base not in groups:
            unknown.append(name)
        elif base not in chosen:
            chosen.append(base)
    if unknown:
        recorded = ", ".join(_ordered_metrics(k for k in history if history[k].size))
        missing = ", ".join(repr(name) for name in unknown)
        raise ValueError(_("not recorded in this run: {missing}; recorded metrics: {recorded}")
                         .format(missing=missing, recorded=recorded))
    return chosen


def _ordered_metrics(keys: Iterable[str]) -> list[str]:
    """Metric names with each training metric followed by its validation twin."""
    keys = list(dict.fromkeys(keys))
    ordered: list[str] = []
    for key in keys:
        base, is_validation = split_metric(key)
        if is_validation and base in keys:
            continue  # placed right after its training metric
        ordered.append(key)
        if not is_validation and f"val_{key}" in keys:
            ordered.append(f"val_{key}")
    return ordered


def _axes_list(axes: Any, needed: int) -> list[Axes]:
    axs = [ax for ax in np.ravel(np.asarray(axes, dtype=object))]
    if not all(hasattr(ax, "plot") and hasattr(ax, "figure") for ax in axs):
        raise TypeError(_("axes must be a matplotlib Axes or a sequence of Axes"))
    if len(axs) < needed:
        raise ValueError(
            _("{needed} metrics to show but {given} Axes given; "
              "pass one Axes per metric, choose fewer metrics, or leave axes out").format(
                needed=needed, given=len(axs))
        )
    return axs[:needed]


# -- drawing ---------------------------------------------------------------------------


def _same_curve_as(values: np.ndarray, earlier: list[tuple[int, str, np.ndarray]],
                   tolerance: float) -> str | None:
    """Name of an earlier run whose curve ``values`` repeats on the epochs both have, if any.

    Repeats means within ``tolerance`` at every shared epoch: closer than a line is wide.
    """
    for _k, label, other in earlier:
        n = min(values.size, other.size)
        if n and np.allclose(values[:n], other[:n], rtol=0.0, atol=tolerance, equal_nan=True):
            return label
    return None


def _plot_per_epoch(ax: Axes, values: np.ndarray, **style: Any) -> None:
    """Draw one curve against epochs 1, 2, ...; a lone point gets a marker so that it shows."""
    epochs = np.arange(1, values.size + 1)
    if np.count_nonzero(np.isfinite(values)) == 1:
        style["marker"] = "o"
        if style.get("linestyle") == VALIDATION_LINESTYLE:  # a dash needs two points
            style["markerfacecolor"] = "white"
    style.setdefault("linewidth", 2)
    ax.plot(epochs, values, **style)


def _epoch_axis(ax: Axes) -> None:
    ax.set_xlabel(_("epoch"))
    integer_ticks(ax.xaxis)
    longest = max((len(line.get_xdata()) for line in ax.get_lines()), default=0)
    if longest == 1:  # otherwise matplotlib zooms in to epochs 0.95..1.05
        ax.set_xlim(0.5, 1.5)
        ax.set_xticks([1])
    ax.grid(alpha=0.3)


def _format_value(value: float) -> str:
    if not math.isfinite(value):
        return "nan"
    if abs(value) >= 1000:
        return grouped(value, ",.0f")
    if abs(value) >= 0.001 or value == 0:
        return f"{value:.4f}"  # fixed decimals, so that runs line up in the legend
    return f"{value:.3g}"


def _format_seconds(seconds: float) -> str:
    if seconds >= 100:
        return grouped(seconds, ",.0f")
    if seconds >= 1:
        return f"{seconds:.2f}"
    return f"{seconds:.3g}"
