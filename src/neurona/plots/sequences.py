"""Pictures of notebook 13: a window of readings, a recurrent layer unrolled, gradients by step.

The sequence models of notebook 13 read *windows*: the last few readings of every sensor, oldest
first. :func:`plot_window` draws one and what it is asked to forecast; :func:`plot_unrolled_rnn`
draws a recurrent layer copied once per time step, with the path backpropagation through time
takes; :func:`plot_gradient_by_step` draws measured gradient norms step by step on a log axis, where
a vanishing gradient is a straight falling line; :func:`plot_batch_losses` draws trainings batch by
batch, where an exploding one leaves the picture; :func:`plot_skill_and_time` puts every model's
skill, training time and inference latency side by side.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from neurona.i18n import N_, _, grouped, ngettext
from neurona.plots.style import OKABE_ITO, PALETTE, axes_or_new, figure_size
from neurona.validate import real_number, whole_number

__all__ = [
    "plot_window",
    "plot_unrolled_rnn",
    "plot_gradient_by_step",
    "plot_batch_losses",
    "plot_skill_and_time",
]

#: The columns :func:`plot_skill_and_time` reads, with what each holds.
SKILL_AND_TIME_COLUMNS = {
    "skill": N_("1 - RMSE / RMSE(persistence) on the validation days"),
    "per_epoch_s": N_("seconds per training epoch (NaN for a model that has no epochs)"),
    "latency_1_s": N_("seconds for one call on 1 input"),
    "latency_batch_s": N_("seconds for one call on a batch of inputs"),
}

_FORWARD = OKABE_ITO["blue"]
_BACKWARD = OKABE_ITO["vermillion"]


def plot_window(window, later: float, *, step_s: float = 10.0, horizon_s: float = 10.0,
                names=None, highlight: str | None = None, ax=None):
    """Draw one window of readings and the value it is asked to forecast.

    Every sensor's readings over the window are thin lines; the target sensor is bold, its
    reading ``horizon_s`` after the window's last step is a star, and persistence ("it stays
    as it is now") a dashed line from the last reading to the horizon.

    Parameters
    ----------
    window : array-like, shape (steps, sensors)
        Readings in W/m², oldest first; the last row is "now".
    later : float
        The target sensor's reading ``horizon_s`` seconds after now, in W/m².
    step_s : float
        Seconds between two readings of the window.
    horizon_s : float
        How far ahead the forecast looks, in seconds.
    names : sequence of str, optional
        One name per sensor column; default the 16 sensors of :data:`neurona.solar.SENSORS`.
    highlight : str, optional
        The target sensor, drawn bold; default :data:`neurona.solar.TARGET`.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_window(windows[0], float(later.iloc[0]));   # doctest: +SKIP
    """
    from neurona import solar

    window = np.asarray(window, dtype=float)
    if window.ndim != 2 or window.shape[0] < 2 or not np.isfinite(window).all():
        raise ValueError(_("window must be a finite array of shape (steps, sensors) with at "
                           "least 2 steps; got shape {shape}").format(shape=window.shape))
    later = real_number("later", later, note=_("the target's reading at the horizon, W/m²"))
    step_s = real_number("step_s", step_s, 0, low_open=True,
                         note=_("seconds between readings"))
    horizon_s = real_number("horizon_s", horizon_s, 0, low_open=True, note=_("seconds ahead"))
    names = list(solar.SENSORS) if names is None else [str(n) for n in names]
    if len(names) != window.shape[1]:
        raise ValueError(_("names must give one name per sensor column: {columns} columns, "
                           "{names} names").format(columns=window.shape[1], names=len(names)))
    highlight = solar.TARGET if highlight is None else highlight
    if highlight not in names:
        raise ValueError(_("highlight must be one of the names; got {value!r}").format(
            value=highlight))
    steps = window.shape[0]
    seconds = (np.arange(steps) - (steps - 1)) * step_s
    ax = axes_or_new(ax, 8.0, 4.0)
    ax.axvspan(seconds[0], 0, color=OKABE_ITO["sky blue"], alpha=0.12, lw=0)
    for k, name in enumerate(names):
        if name != highlight:
            ax.plot(seconds, window[:, k], color="grey", lw=0.8, alpha=0.6,
                    label=_("the other sensors") if k == 0 or (k == 1 and names[0] == highlight)
                    else None)  # fmt: skip
    target = window[:, names.index(highlight)]
    ax.plot(seconds, target, "o-", color=_FORWARD, lw=2.2, markersize=4,
            label=_("{sensor}: the window's inputs").format(sensor=highlight))
    ax.plot([0, horizon_s], [target[-1], target[-1]], "--", color=OKABE_ITO["orange"], lw=1.5,
            label=_("persistence: as it is now"))
    ax.plot(horizon_s, later, "*", color=_BACKWARD, markersize=15,
            label=_("{sensor} {horizon:g} s later: the target").format(sensor=highlight,
                                                                       horizon=horizon_s))
    ax.set_xlabel(_("seconds from now (the window's last reading)"))
    ax.set_ylabel(_("irradiance (W/m²)"))
    ax.set_title(_("One window: {steps} readings of {sensors} sensors, then {sensor} "
                   "{horizon:g} s later").format(steps=steps, sensors=len(names),
                                                 sensor=highlight, horizon=horizon_s))
    ax.legend(fontsize=8, loc="best")
    return ax


def _box(ax, x, y, text, color, width=1.1, height=0.62, fontsize=10):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.04", facecolor="white", edgecolor=color,
                                lw=1.8))  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, color, style="-", text=None, offset=(0.0, 0.0), fontsize=9):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.6, "linestyle": style,
                            "shrinkA": 0, "shrinkB": 0})  # fmt: skip
    if text:
        mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, text, color=color, ha="center", va="center", fontsize=fontsize)


def plot_unrolled_rnn(steps: int = 4, *, backward: bool = True, ax=None):
    """Draw a simple recurrent layer unrolled over ``steps`` time steps, and BPTT's way back.

    One box per step computes ``h_t = tanh(x_t W + h_(t-1) U + b)`` with the *same* W, U and b
    (blue arrows, forward). The last state gives the forecast and the loss. With ``backward``,
    the vermillion dashed arrows follow the gradient back: from the loss to the last state, then
    from each state to the one before (a factor ∂h_t/∂h_(t-1) each time) and down to each input.

    Parameters
    ----------
    steps : int
        Time steps drawn, 2 to 8.
    backward : bool
        Draw the gradient's way back (backpropagation through time).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_unrolled_rnn(4);   # doctest: +SKIP
    """
    steps = whole_number("steps", steps, 2, 8, note=_("time steps to draw"))
    if not isinstance(backward, (bool, np.bool_)):
        raise TypeError(_("backward must be True or False; got {value!r}").format(value=backward))
    ax = axes_or_new(ax, 2.0 + 1.9 * steps, 4.6)
    gap = 1.9
    xs = [1.6 + gap * t for t in range(steps)]
    y_in, y_h, y_out = 0.0, 1.5, 3.0
    _box(ax, 0.0, y_h, "$h_0 = 0$", "grey", width=0.9)
    for t, x in enumerate(xs, start=1):
        last = t == steps
        label_t = "T" if last else str(t)
        _box(ax, x, y_h, f"$h_{{{label_t}}}$", _FORWARD)
        ax.text(x, y_in, f"$x_{{{label_t}}}$", ha="center", va="center", fontsize=11,
                bbox={"boxstyle": "circle,pad=0.25", "facecolor": OKABE_ITO["sky blue"],
                      "alpha": 0.35, "edgecolor": "none"})  # fmt: skip
        _arrow(ax, (x, y_in + 0.3), (x, y_h - 0.33), _FORWARD,
               text="W" if t == 1 else None, offset=(-0.2, 0))
        previous = xs[t - 2] + 0.57 if t > 1 else 0.47
        _arrow(ax, (previous, y_h + 0.08), (x - 0.57, y_h + 0.08), _FORWARD,
               text="U" if t == 1 else None, offset=(0, 0.22))
        if backward and t > 1:         # h_0 is fixed at 0: nothing to learn there
            _arrow(ax, (x - 0.57, y_h - 0.14), (previous, y_h - 0.14), _BACKWARD, style="--",
                   text=r"$\times\,\partial h_{t}/\partial h_{t-1}$" if t == steps else None,
                   offset=(0, -0.3), fontsize=8)
        if backward:
            _arrow(ax, (x + 0.12, y_h - 0.33), (x + 0.12, y_in + 0.3), _BACKWARD, style="--")
            ax.text(x + 0.2, y_in + 0.62, rf"$\partial L/\partial x_{{{label_t}}}$",
                    color=_BACKWARD, fontsize=8, ha="left")  # fmt: skip
    x_last = xs[-1]
    _box(ax, x_last, y_out, _(r"$\hat y$ → loss $L$"), "black", width=1.5)
    _arrow(ax, (x_last - 0.1, y_h + 0.33), (x_last - 0.1, y_out - 0.33), _FORWARD)
    if backward:
        _arrow(ax, (x_last + 0.1, y_out - 0.33), (x_last + 0.1, y_h + 0.33), _BACKWARD, style="--")
    # Translators: the formula between $...$ is LaTeX; keep it as it is.
    ax.text(xs[0] - 0.55, y_out + 0.05,
            _("each box: $h_t = \\tanh(x_t W + h_{t-1} U + b)$,\nthe same W, U, b at every step"),
            fontsize=9, ha="left", va="center")  # fmt: skip
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=_FORWARD, lw=1.6,
                      label=_("forward: one step after another"))]
    if backward:
        handles.append(Line2D([], [], color=_BACKWARD, lw=1.6, linestyle="--",
                              label=_("backward: backpropagation through time")))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, -0.16), ncol=2, fontsize=8,
              frameon=False)  # fmt: skip
    ax.set_xlim(-0.6, xs[-1] + 1.0)
    ax.set_ylim(-0.5, 3.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(_("A recurrent layer unrolled over {steps} time steps").format(steps=steps))
    return ax


def plot_gradient_by_step(norms: Mapping, *, relative: bool = False, ax=None,
                          title: str | None = None):
    """Draw measured gradient norms step by step, on a log axis, one line per model.

    Parameters
    ----------
    norms : mapping of str to array-like
        For each model, one non-negative number per time step of its windows, **oldest step
        first** (the order of the window): e.g. the norm of the loss's gradient with respect to
        the state after each step, or to each step's input. Steps are drawn as "steps before
        the last", so the last step is at 0 and older ones to the right.
    relative : bool
        Divide each line by its value at the last step, so that lines of models whose losses
        differ in size compare: what share of the last step's gradient reaches each older step.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_gradient_by_step({"SimpleRNN": [1e-4, 1e-3, 1e-2, 1e-1]});   # doctest: +SKIP
    """
    if not isinstance(relative, (bool, np.bool_)):
        raise TypeError(_("relative must be True or False; got {value!r}").format(value=relative))
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError(_("norms must be a non-empty mapping of model name -> one gradient norm "
                           "per time step, e.g. {{'LSTM': norms}}").format())
    arrays = {}
    for name, values in norms.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or len(values) < 2:
            raise ValueError(_("norms[{name!r}] must be 1-D with one value per time step (at "
                               "least 2); got shape {shape}").format(name=name,
                                                                    shape=values.shape))
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(_("norms[{name!r}] must be finite and non-negative (they are norms)")
                             .format(name=name))
        if relative and values[-1] == 0:
            raise ValueError(_("norms[{name!r}] is 0 at the last step: nothing to be relative to")
                             .format(name=name))
        arrays[str(name)] = values / values[-1] if relative else values
    ax = axes_or_new(ax, 7.0, 4.0)
    for k, (name, values) in enumerate(arrays.items()):
        back = np.arange(len(values))[::-1]      # oldest first -> steps before the last
        shown = np.where(values > 0, values, np.nan)
        ax.plot(back, shown, "o-", markersize=3, color=PALETTE[k % len(PALETTE)], label=name)
    ax.set_yscale("log")
    ax.set_xlabel(_("steps before the last (0 = the last step of the window)"))
    ax.set_ylabel(_("gradient norm / its value at the last step") if relative
                  else _("gradient norm"))
    ax.set_title(title or _("The loss's gradient, step by step back (log scale)"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_batch_losses(losses: Mapping, *, ax=None, title: str | None = None):
    """Draw trainings batch by batch on a log axis; a run that ended at nan or inf gets a cross.

    Parameters
    ----------
    losses : mapping of str to array-like
        For each run, the loss Keras reported after each of its batches, in order (``logs["loss"]``
        in a callback's ``on_train_batch_end``: the mean over the epoch so far). A run whose last
        value is nan or infinite is marked with a cross at its last finite value.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    title : str, optional
        Title of the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import neurona as nr
    >>> losses = {"no clipping": [5.0, 80.0, float("nan")], "clipnorm=1": [5.0, 4.8, 4.6]}
    >>> nr.plot_batch_losses(losses);   # doctest: +SKIP
    """
    if not isinstance(losses, Mapping) or not losses:
        raise ValueError(_("losses must be a non-empty mapping of run name -> the loss after "
                           "each batch"))
    ax = axes_or_new(ax, 8.0, 4.0)
    for k, (name, values) in enumerate(losses.items()):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(_("losses[{name!r}] must be 1-D with one loss per batch; got shape "
                               "{shape}").format(name=name, shape=values.shape))
        if (values[np.isfinite(values)] < 0).any():
            raise ValueError(_("losses[{name!r}] has negative values: a loss drawn on a log axis "
                               "must be positive").format(name=name))
        color = PALETTE[k % len(PALETTE)]
        finite = np.isfinite(values)
        batches = np.arange(1, len(values) + 1)
        ended = not finite[-1]
        label = (_("{name}: ended at {value} after batch {batch}").format(
            name=name, value=values[-1], batch=len(values)) if ended else name)
        ax.plot(batches[finite], values[finite], "-", color=color, lw=1.4, label=label)
        if ended and finite.any():
            last = np.flatnonzero(finite)[-1]
            ax.plot(batches[last], values[last], "x", color=color, markersize=12, mew=2.5)
    ax.set_yscale("log")
    ax.set_xlabel(_("batch"))
    ax.set_ylabel(_("loss, mean over the epoch so far (log scale)"))
    ax.set_title(title or _("Training, batch by batch"))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_skill_and_time(table: pd.DataFrame, *, budget_s: float = 1.0, batch: int | None = None):
    """Draw every model's skill, seconds per epoch and latency side by side.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per model (the index names it) with the columns of
        :data:`SKILL_AND_TIME_COLUMNS`: ``skill``, ``per_epoch_s`` (NaN where a model has no
        epochs), ``latency_1_s`` and ``latency_batch_s``.
    budget_s : float
        The real-time budget, drawn as a line on the latency panel.
    batch : int, optional
        How many inputs the batch of ``latency_batch_s`` held, for the legend.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: skill, seconds per epoch, latency for 1 input and for a batch (log axis)
        against the budget.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_skill_and_time(table, budget_s=1.0, batch=1024);   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if not isinstance(table, pd.DataFrame) or table.empty:
        raise ValueError(_("table must be a non-empty DataFrame, one row per model"))
    missing = [c for c in SKILL_AND_TIME_COLUMNS if c not in table.columns]
    if missing:
        wanted = "; ".join(f"{c}: {_(what)}" for c, what in SKILL_AND_TIME_COLUMNS.items())
        raise ValueError(_("table lacks the column(s) {missing}; it needs {wanted}").format(
            missing=", ".join(missing), wanted=wanted))
    budget_s = real_number("budget_s", budget_s, 0, low_open=True, note=_("seconds"))
    if batch is not None:
        batch = whole_number("batch", batch, 1, note=_("inputs in the batch call"))
    names = [str(n) for n in table.index]
    rows = np.arange(len(names))
    fig, axes = plt.subplots(1, 3, figsize=figure_size(14, 0.9 + 0.42 * len(names)), sharey=True,
                             layout="constrained")  # fmt: skip
    skill = table["skill"].astype(float).to_numpy()
    axes[0].barh(rows, skill, color=[PALETTE[0] if v > 0 else PALETTE[3] for v in skill])
    for y, value in zip(rows, skill, strict=True):
        axes[0].text(value, y, f" {value:.2f}", va="center", fontsize=8)
    axes[0].axvline(0, color="black", lw=0.8)
    axes[0].set_xlabel(_("skill = 1 - RMSE / RMSE(persistence)"))
    axes[0].set_title(_("Skill (higher is better)"))
    epoch = table["per_epoch_s"].astype(float).to_numpy()
    trained = np.isfinite(epoch) & (epoch > 0)
    axes[1].barh(rows[trained], epoch[trained], color=PALETTE[1])
    for y, value, has in zip(rows, epoch, trained, strict=True):
        axes[1].text(value if has else 0, y, f" {value:.2f} s" if has else " " + _("no epochs"),
                     va="center", fontsize=8)  # fmt: skip
    axes[1].set_xlim(0, 1.25 * max(float(np.max(epoch[trained])), 1e-3) if trained.any() else 1)
    axes[1].set_xlabel(_("seconds per epoch"))
    axes[1].set_title(_("Training time"))
    one = table["latency_1_s"].astype(float).to_numpy()
    many = table["latency_batch_s"].astype(float).to_numpy()
    height = 0.38
    axes[2].barh(rows - height / 2, one, height, color=PALETTE[2], label=_("1 input"))
    axes[2].barh(rows + height / 2, many, height, color=PALETTE[4],
                 label=ngettext("{count} input", "{count} inputs", batch).format(
                     count=grouped(batch)) if batch
                 else _("a batch"))
    axes[2].axvline(budget_s, color=PALETTE[3], linestyle="--",
                    label=_("budget: {budget:g} s").format(budget=budget_s))
    axes[2].set_xscale("log")
    axes[2].set_xlabel(_("seconds per call (log scale)"))
    axes[2].set_title(_("Inference latency"))
    axes[2].legend(fontsize=8, loc="lower right")
    axes[0].set_yticks(rows, names)
    axes[0].invert_yaxis()
    return fig
