"""One neuron in the plane: the perceptron explorer and the pictures of its training.

A neuron with two inputs computes ``z = b + w1·x1 + w2·x2`` and outputs ``step(z)`` or
``sigmoid(z)``. Its decision line is where ``z = 0``; the weight vector ``w = (w1, w2)``
is perpendicular to that line and points to the side where the output is 1.

:func:`plot_neuron` draws that for given numbers (the explorer's sliders call it),
:func:`plot_perceptron_update` one step of the perceptron rule, and
:func:`plot_training_errors` the mistakes per epoch of a whole training.

Examples
--------
>>> import neurona as nr
>>> nr.plot_neuron([1.0, 1.0], 0.5, activation="sigmoid", X=X, y=y);  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from neurona.i18n import N_, _
from neurona.plots.decision import (
    class_color,
    class_labels,
    class_legend_handles,
    draw_points,
    tint,
    two_class_cmap,
)
from neurona.plots.style import WRONG_COLOR, integer_ticks, legend_below, metric_color
from neurona.validate import one_of, points_2d, real_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["plot_neuron", "plot_perceptron_update", "plot_training_errors"]

#: The activations :func:`plot_neuron` can draw, with what each outputs.
ACTIVATIONS = {
    "step": N_("1 where z >= 0, else 0"),
    "sigmoid": N_("1 / (1 + exp(-z)), between 0 and 1"),
}
# The output's formula in the title (a whole message: "step" alone means other things).
_OUTPUT_FORMULAS = {"step": N_("ŷ = step(z)"), "sigmoid": "ŷ = sigmoid(z)"}

_DEFAULT_LIMITS = (-2.0, 2.0)  # the view without data points, on both axes
_PADDING = 0.5  # margin around the data points, in feature units
_RESOLUTION = 200  # grid points per axis for the background
_ARROW = 0.18  # length of the weight arrow, as a fraction of the smaller side of the view


def plot_neuron(
    w: Any,
    b: float,
    activation: str = "step",
    ax: Axes | None = None,
    X: Any = None,
    y: Any = None,
) -> Axes:
    """Draw what a two-input neuron outputs over the plane, its decision line and weights.

    The background is the neuron's output: two colours for ``step`` (blue where it says
    1), a gradient for ``sigmoid``. The black line is ``w1·x1 + w2·x2 + b = 0``; the arrow
    is the weight vector, perpendicular to the line and pointing to the side of output 1.
    Points the neuron gets wrong are ringed.

    Parameters
    ----------
    w : array-like of 2 numbers
        The weights ``(w1, w2)``. For a perceptron's ``weights_`` (bias first) pass
        ``weights_[1:]`` and ``weights_[0]``.
    b : float
        The bias.
    activation : {"step", "sigmoid"}
        The neuron's activation function.
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.
    X : array-like, shape (N, 2), optional
        Points to show; the view is fitted around them (default view: -2..2).
    y : array-like, shape (N,), optional
        Their classes (0/1 or -1/+1). Required with ``X``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, titled with the neuron's formula, e.g.
        ``"z = 0.50 + 1.00·x1 + 1.00·x2"``.

    Raises
    ------
    ValueError
        For an unknown activation (the message lists the allowed ones), weights that are
        not two finite numbers, or points of another shape than (N, 2).

    Examples
    --------
    >>> import neurona as nr
    >>> ax = nr.plot_neuron([1.0, 1.0], 0.5)
    >>> ax.get_title().splitlines()[0]
    'z = 0.50 + 1.00·x1 + 1.00·x2'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    activation = activation.lower() if isinstance(activation, str) else activation
    one_of("activation", activation, ACTIVATIONS,
           meanings={key: _(meaning) for key, meaning in ACTIVATIONS.items()})
    w1, w2 = _check_weights(w, "w", 2)
    b = real_number("b", b)
    points, labels = _check_points(X, y)
    if ax is None:
        _figure, ax = plt.subplots(figsize=(5.8, 4.8), layout="constrained")
    limits = _view(points)
    xs, ys, z = _net_input(w1, w2, b, limits)

    extent = _extent(xs, ys)
    handles = []
    if activation == "step":
        output = (z >= 0).astype(float)
        cmap = _step_cmap()
        ax.imshow(
            output,
            origin="lower",
            extent=extent,
            cmap=cmap,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            zorder=0,
        )
        handles += _output_patches()
    else:
        output = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
        image = ax.imshow(
            output,
            origin="lower",
            extent=extent,
            cmap=two_class_cmap(),
            vmin=0,
            vmax=1,
            interpolation="bilinear",
            zorder=0,
        )
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04).set_label(_("output σ(z)"))

    handles += _decision_line(
        ax,
        (w1, w2, b),
        limits,
        color="black",
        linestyle="-",
        label=_("decision line z = 0"),
        arrow=True,
    )
    if points is not None:
        draw_points(ax, points, labels)
        predicted = (b + points @ np.array([w1, w2]) >= 0).astype(int)
        wrong = predicted != labels
        handles += class_legend_handles(sorted(set(labels.tolist())))
        if wrong.any():
            ax.scatter(
                points[wrong, 0],
                points[wrong, 1],
                s=150,
                facecolors="none",
                edgecolors="black",
                linewidths=1.8,
                zorder=4,
            )
        handles.append(_ring(_("wrong: {wrong} of {total}").format(
            wrong=int(wrong.sum()), total=wrong.size)))

    _frame(ax, limits)
    ax.set_title(f"{_formula(w1, w2, b)}\n{_(_OUTPUT_FORMULAS[activation])}")
    # The coloured plane is data everywhere: the legend goes under it.
    legend_below(ax, handles, [handle.get_label() for handle in handles], fontsize="small")
    return ax


def plot_perceptron_update(
    update: Mapping[str, Any], X: Any, y: Any, ax: Axes | None = None
) -> Axes:
    """Draw one step of the perceptron rule: the decision line before and after it.

    The dashed line is the line before the update, the solid one after it; the sample
    that caused the update is ringed. The background shows the classes after the update.
    The title writes the rule ``w ← w + η (y − ŷ) x`` and the numbers of this step.

    Parameters
    ----------
    update : dict
        One entry of ``Perceptron.updates_``, with keys ``epoch``, ``index``, ``x``,
        ``target``, ``output``, ``w_before`` and ``w_after`` (weights bias first:
        ``w0, w1, w2``). An ``eta`` key, if present, gives the learning rate.
    X : array-like, shape (N, 2)
        The training points.
    y : array-like, shape (N,)
        Their classes (0/1 or -1/+1).
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If a key is missing (the message lists the needed ones) or the weights are not
        three numbers, bias first.

    Examples
    --------
    >>> import neurona as nr
    >>> p = nr.scratch.Perceptron(learning_rate=0.1).fit(X, y)  # doctest: +SKIP
    >>> nr.plot_perceptron_update(p.updates_[0], X, y);          # doctest: +SKIP
    """
    if not isinstance(update, Mapping):
        raise TypeError(
            _("update must be one entry of Perceptron.updates_ (a dict), got {update!r}").format(
                update=update))
    missing = [key for key in _UPDATE_KEYS if key not in update]
    if missing:
        raise ValueError(
            _("update lacks {missing}; an entry of Perceptron.updates_ has {keys}").format(
                missing=", ".join(missing), keys=", ".join(_UPDATE_KEYS))
        )
    before = _check_weights(update["w_before"], "update['w_before']", 3)
    after = _check_weights(update["w_after"], "update['w_after']", 3)
    sample = np.asarray(update["x"], dtype=float).ravel()
    if sample.size != 2 or not np.all(np.isfinite(sample)):
        raise ValueError(_("update['x'] must be one point (x1, x2), got {x!r}").format(
            x=update["x"]))
    target = real_number("update['target']", update["target"])
    output = real_number("update['output']", update["output"])
    points, labels = _check_points(X, y)
    if points is None:
        raise ValueError(_("X and y are needed: the training points to draw the lines over"))

    if ax is None:
        _figure, ax = plt.subplots(figsize=(5.8, 4.8), layout="constrained")
    limits = _view(np.vstack([points, sample[None, :]]))
    xs, ys, z = _net_input(after[1], after[2], after[0], limits)
    ax.imshow(
        (z >= 0).astype(float),
        origin="lower",
        extent=_extent(xs, ys),
        cmap=_step_cmap(),
        vmin=0,
        vmax=1,
        interpolation="nearest",
        zorder=0,
    )

    handles = _decision_line(
        ax,
        (before[1], before[2], before[0]),
        limits,
        color="#555555",
        linestyle="--",
        label=_("line before"),
        arrow=False,
        note_at=0.6,
    )
    handles += _decision_line(
        ax,
        (after[1], after[2], after[0]),
        limits,
        color="black",
        linestyle="-",
        label=_("line after"),
        arrow=True,
        note_at=0.4,
    )
    draw_points(ax, points, labels)
    # Points the new line gets wrong: the rule fixes one sample and may break others.
    wrong_after = (after[0] + points @ np.array(after[1:]) >= 0).astype(int) != labels
    if wrong_after.any():
        ax.scatter(
            *points[wrong_after].T,
            s=150,
            facecolors="none",
            edgecolors="black",
            linewidths=1.2,
            linestyles=":",
            zorder=4,
        )
        handles.append(_ring(_("wrong after this update: {wrong}").format(
            wrong=int(wrong_after.sum())), "black"))
    misclassified = target != output
    # The sample in the colour of its true class, ringed (it may not be among X).
    draw_points(ax, sample[None, :], class_labels([target], 1, "update['target']"), s=60)
    ax.scatter(
        [sample[0]],
        [sample[1]],
        s=280,
        facecolors="none",
        edgecolors="black",
        linewidths=2.6,
        linestyles="-" if misclassified else ":",
        zorder=5,
    )
    handles += class_legend_handles(sorted(set(labels.tolist())))
    if misclassified:
        verdict = _("sample {index}: misclassified, so w changes")
    else:
        verdict = _("sample {index}: correct, w stays")
    handles.append(_ring(verdict.format(index=update["index"])))

    change = np.subtract(after, before)
    eta = update.get("eta", update.get("learning_rate"))
    if eta is None and misclassified and change[0] != 0:
        eta = change[0] / (target - output)  # the bias input is 1, so Δw0 = η (y − ŷ)
    rate = f"η = {_number(eta)}, " if eta is not None else ""
    numbers = (
        f"{rate}y = {_number(target)}, ŷ = {_number(output)}: "
        f"w = {_vector(before)} → {_vector(after)}"
        if np.any(change)
        else _("y = ŷ = {target}: correct, w stays {w}").format(
            target=_number(target), w=_vector(before))
    )
    _frame(ax, limits)
    ax.set_title(
        _("epoch {epoch}, sample {index}:  w ← w + η (y − ŷ) x").format(
            epoch=update["epoch"], index=update["index"]) + f"\n{numbers}",
        fontsize="medium",
    )
    # The coloured plane is data everywhere: the legend goes under it.
    legend_below(ax, handles, [handle.get_label() for handle in handles], fontsize="small")
    return ax


def plot_training_errors(
    errors_per_epoch: Any,
    losses: Any = None,
    ax: Axes | None = None,
    *,
    loss_label: str | None = None,
) -> Axes:
    """Draw the perceptron's mistakes per epoch as bars, and optionally a loss per epoch.

    The perceptron has converged when an epoch makes no mistake (a bar of height 0),
    which happens only for linearly separable data. Adaline's loss, on a second y axis,
    falls smoothly instead, separable or not.

    Parameters
    ----------
    errors_per_epoch : sequence of int
        Misclassified samples in each epoch, e.g. ``Perceptron.errors_per_epoch_``.
    losses : sequence of float, optional
        A loss per epoch, e.g. ``Adaline.loss_per_epoch_``; drawn as a line on the right axis.
    ax : matplotlib Axes, optional
        Where to draw the bars. Default: a new figure.
    loss_label : str, optional
        Name of the loss, for its axis and the legend. Default: "Adaline loss", in the kit's
        language.

    Returns
    -------
    matplotlib.axes.Axes
        The axes of the bars (the loss axis is ``ax.right_ax`` when drawn).

    Raises
    ------
    ValueError
        If there is no epoch, a count is negative or not a whole number, or a loss is
        not a number.

    Examples
    --------
    >>> import neurona as nr
    >>> ax = nr.plot_training_errors([3, 2, 1, 0], losses=[0.9, 0.5, 0.3, 0.2])
    >>> ax.get_ylabel()
    'misclassified samples (count)'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    errors = _series(errors_per_epoch, "errors_per_epoch")
    if np.any(errors < 0) or not np.all(errors == np.round(errors)):
        raise ValueError(
            _("errors_per_epoch must be whole counts >= 0, one per epoch; got {counts}").format(
                counts=errors.tolist())
        )
    if loss_label is None:
        loss_label = _("Adaline loss")
    if ax is None:
        _figure, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")
    epochs = np.arange(1, errors.size + 1)
    ax.bar(epochs, errors, color=WRONG_COLOR, alpha=0.85, label=_("perceptron: misclassified"))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("misclassified samples (count)"))
    integer_ticks(ax.xaxis)
    integer_ticks(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    title = _("Perceptron: mistakes per epoch")
    if losses is not None:
        values = _series(losses, "losses")
        right = ax.twinx()
        color = metric_color("loss")
        right.plot(
            np.arange(1, values.size + 1),
            values,
            color=color,
            marker="o",
            markersize=3.5,
            linewidth=2,
            label=loss_label,
        )
        right.set_ylabel(_("{loss} (per epoch)").format(loss=loss_label), color=color)
        right.tick_params(axis="y", colors=color)
        right.set_ylim(bottom=0 if np.nanmin(values) >= 0 else None)
        more_handles, more_labels = right.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
        ax.right_ax = right
        title += f" · {loss_label}"
    ax.set_title(title)
    # Bars fill every epoch: inside the plot the legend would hide some of them.
    legend_below(ax, handles, labels, fontsize="small")
    return ax


# -- internals -------------------------------------------------------------------------

_UPDATE_KEYS = ("epoch", "index", "x", "target", "output", "w_before", "w_after")


def _check_weights(w: Any, name: str, size: int) -> tuple[float, ...]:
    try:
        array = np.asarray(w, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be {size} numbers, got {w!r}").format(
            name=name, size=size, w=w)) from None
    if array.size != size:
        if size == 2:
            message = _("{name} must be 2 numbers (w1, w2); got {given}.").format(
                name=name, given=array.size)
        else:
            message = _("{name} must be 3 numbers (w0, w1, w2), bias first; got {given}.").format(
                name=name, given=array.size)
        if size == 2 and array.size == 3:
            message += " " + _("For a perceptron's weights_ (bias first) pass w=weights_[1:], "
                               "b=weights_[0].")
        raise ValueError(message)
    if not np.all(np.isfinite(array)):
        raise ValueError(_("{name} must be finite numbers, got {values}").format(
            name=name, values=array.tolist()))
    return tuple(float(v) for v in array)


def _check_points(X: Any, y: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    if X is None and y is None:
        return None, None
    if X is None or y is None:
        raise ValueError(_("give both X and y (the points and their classes), or neither"))
    points = points_2d("X", X, note=_("one row per point"))
    return points, class_labels(y, points.shape[0], "y")


def _view(points: np.ndarray | None) -> tuple[float, float, float, float]:
    if points is None:
        return (*_DEFAULT_LIMITS, *_DEFAULT_LIMITS)
    low = points.min(axis=0) - _PADDING
    high = points.max(axis=0) + _PADDING
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def _net_input(w1: float, w2: float, b: float, limits) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x0, x1, y0, y1 = limits
    xs = np.linspace(x0, x1, _RESOLUTION)
    ys = np.linspace(y0, y1, _RESOLUTION)
    return xs, ys, b + w1 * xs[None, :] + w2 * ys[:, None]


def _extent(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float]:
    dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    return (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)


def _frame(ax: Axes, limits) -> None:
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")


def _step_cmap():
    from matplotlib.colors import ListedColormap

    return ListedColormap([tint(class_color(0)), tint(class_color(1))], name="neurona_step")


def _output_patches() -> list:
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=tint(class_color(1)), edgecolor="none", label=_("output 1 (z ≥ 0)")),
        Patch(facecolor=tint(class_color(0)), edgecolor="none", label=_("output 0 (z < 0)")),
    ]


def _ring(label: str, color: str = "black"):
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        linestyle="",
        marker="o",
        markersize=10,
        markerfacecolor="none",
        markeredgecolor=color,
        markeredgewidth=1.8,
        label=label,
    )


def line_segment(w1: float, w2: float, b: float, limits) -> np.ndarray | None:
    """Clip the line ``w1·x1 + w2·x2 + b = 0`` to a view: its two visible end points, or None.

    Parameters
    ----------
    w1, w2, b : float
        The line's coefficients; ``w1 = w2 = 0`` is no line.
    limits : (x1_min, x1_max, x2_min, x2_max)
        The view.

    Returns
    -------
    numpy.ndarray of shape (2, 2) or None
        The two end points (one per row), or None when the line misses the view.

    Examples
    --------
    >>> line_segment(0.0, 1.0, -0.5, (-1, 1, -1, 1)).tolist()  # x2 = 0.5
    [[-1.0, 0.5], [1.0, 0.5]]
    >>> line_segment(1.0, 0.0, 0.0, (-1, 1, -1, 1)).tolist()   # x1 = 0, vertical
    [[0.0, -1.0], [0.0, 1.0]]
    >>> line_segment(0.0, 0.0, 1.0, (-1, 1, -1, 1)) is None
    True
    """
    x0, x1, y0, y1 = limits
    if w1 == 0 and w2 == 0:
        return None
    # A point on the line and its direction, then clip the parameter to the box.
    norm2 = w1 * w1 + w2 * w2
    base = np.array([-b * w1 / norm2, -b * w2 / norm2])
    direction = np.array([-w2, w1]) / np.sqrt(norm2)
    if direction[0] < 0 or (direction[0] == 0 and direction[1] < 0):
        direction = -direction  # left to right, bottom to top
    low, high = -np.inf, np.inf
    for k, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
        if direction[k] == 0:
            if not lo <= base[k] <= hi:
                return None
            continue
        t1, t2 = (lo - base[k]) / direction[k], (hi - base[k]) / direction[k]
        low, high = max(low, min(t1, t2)), min(high, max(t1, t2))
    if low >= high:
        return None
    ends = np.array([base + low * direction, base + high * direction])
    ends[np.abs(ends) < 1e-12] = 0.0  # no -0.0 in the data
    return ends


def _decision_line(
    ax: Axes, coefficients, limits, color, linestyle, label, arrow, note_at: float = 0.5
) -> list:
    """Draw the part of z = 0 in view and, if asked, the weight vector; return legend handles.

    When the line is not in view a note says so, at height ``note_at`` (a fraction of the
    view) and naming the line, so that two notes (before / after) do not cover each other.
    """
    from matplotlib.lines import Line2D

    w1, w2, b = coefficients
    segment = line_segment(w1, w2, b, limits)
    if segment is None:
        x0, x1, y0, y1 = limits
        if w1 == 0 and w2 == 0:
            text = _("{label}: w1 = w2 = 0, z = {b} everywhere,\nso there is no decision line")
            text = text.format(label=label, b=_number(b))
        else:
            text = _("{label}: z = 0\nlies outside this view").format(label=label)
        ax.text(
            (x0 + x1) / 2,
            y0 + note_at * (y1 - y0),
            text,
            ha="center",
            va="center",
            fontsize="small",
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85},
            zorder=6,
        )
        return []
    (line,) = ax.plot(
        segment[:, 0],
        segment[:, 1],
        color=color,
        linestyle=linestyle,
        linewidth=2.2,
        zorder=2,
        label=label,
    )
    line.set_gid(label)
    handles = [Line2D([], [], color=color, linestyle=linestyle, linewidth=2.2, label=label)]
    if arrow:
        x0, x1, y0, y1 = limits
        start = segment.mean(axis=0)
        direction = np.array([w1, w2]) / np.hypot(w1, w2)
        tip = start + _ARROW * min(x1 - x0, y1 - y0) * direction
        ax.annotate(
            "",
            xy=tip,
            xytext=start,
            zorder=6,
            arrowprops={
                "arrowstyle": "-|>",
                "color": color,
                "linewidth": 2,
                "mutation_scale": 16,
                "shrinkA": 0,
                "shrinkB": 0,
            },
        )
        ax.annotate(
            f"w = ({_number(w1)}, {_number(w2)})",
            xy=tip,
            xytext=(4, 4),
            textcoords="offset points",
            fontsize="small",
            color=color,
            zorder=6,
            bbox={
                "boxstyle": "round,pad=0.2",
                "facecolor": "white",
                "alpha": 0.7,
                "edgecolor": "none",
            },
        )
    return handles


def _formula(w1: float, w2: float, b: float) -> str:
    """Write z = b + w1·x1 + w2·x2 with the numbers, minus signs as subtraction.

    Examples
    --------
    >>> _formula(1.0, -2.0, 0.5)
    'z = 0.50 + 1.00·x1 − 2.00·x2'
    >>> _formula(1.0, 1.0, -0.25)
    'z = −0.25 + 1.00·x1 + 1.00·x2'
    """
    text = f"z = {'−' if b < 0 else ''}{abs(b):.2f}"
    for value, name in ((w1, "x1"), (w2, "x2")):
        text += f" {'−' if value < 0 else '+'} {abs(value):.2f}·{name}"
    return text


def _number(value: Any) -> str:
    number = float(value)
    return f"{number:g}" if number == round(number, 3) else f"{number:.3f}"


def _vector(values) -> str:
    return "(" + ", ".join(_number(v) for v in values) + ")"


def _series(values: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be numbers, one per epoch; got {values!r}").format(
            name=name, values=values)) from None
    if array.size == 0:
        raise ValueError(_("{name} is empty: train for at least one epoch first").format(
            name=name))
    return np.where(np.isfinite(array), array, np.nan)
