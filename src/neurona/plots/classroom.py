"""The classroom board in one figure: the room's runs as one experiment.

:func:`plot_board` draws what :func:`neurona.classroom.summary.summarise` computed, the same
four pictures as the projector page: the final metric against the value each student was
assigned, every student's curve, the spread of each group (across seeds when the seed was
assigned), and the room's hardware beside Martín López (2019)'s devices. The notebook panel
(``nr.classroom.board()``) redraws it live.

Examples
--------
>>> import neurona as nr
>>> summary = nr.classroom.Board(address, key=key).data()["summary"]   # doctest: +SKIP
>>> nr.plot_board(summary, title="Class of 4 Dec");                     # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from neurona.i18n import N_, _, grouped, ngettext
from neurona.plots.style import (
    OKABE_ITO,
    PALETTE,
    WRONG_COLOR,
    axis_label,
    integer_ticks,
    metric_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_board"]

# Sized for a notebook about 950 px wide: 9.5 in at 100 dpi, so 1 pt of text is 1.39 px.
WIDTH_IN, HEIGHT_IN, DPI = 9.5, 7.6, 100
TITLE_PT, LABEL_PT, TICK_PT, SMALL_PT = 10.5, 9.5, 8.5, 8.0
# Hardware rows that fit the bottom row at its normal height; more rows make it taller.
_ROWS_THAT_FIT = 14
# Past this many students' machines, one bar per kind of device (median, min to max).
_MAX_MACHINES = 24
_IN_PER_EXTRA_ROW = 0.17
_REFERENCE_COLOR = "#555555"
_MEAN_COLOR = OKABE_ITO["black"]
_DEVICE_CHARS = 34

# Readable names of the parameters a class sweeps; any other name shows as written.
_PARAMETERS = {
    "learning_rate": N_("learning rate"),
    "lr": N_("learning rate"),
    "batch_size": N_("batch size"),
    "seed": N_("seed"),
    "dropout": N_("dropout"),
    "l2": N_("L2 rate"),
    "units": N_("hidden units"),
    "hidden_units": N_("hidden units"),
    "width": N_("hidden units"),
    "epochs": N_("epochs"),
    "optimizer": N_("optimizer"),
    "activation": N_("activation"),
}


def _plain(text: Any) -> str:
    """Return text as written: a ``$`` in a nickname must not start matplotlib's maths."""
    return str(text).replace("$", r"\$")


def _param_label(name: str | None) -> str:
    if name is None:
        return _("student")
    return _(_PARAMETERS[name]) if name in _PARAMETERS else _plain(name).replace("_", " ")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: Any) -> str:
    """Write a value as a tick label: numbers in 3-4 significant digits, text as written."""
    if value is None:
        return _("not assigned")
    if _number(value):
        return f"{value:.4g}"
    return _plain(value)


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


def _colours(values: list[Any]) -> list[str]:
    """Return one colour per assigned value: the course palette, a colour-blind safe ramp past 7."""
    if len(values) <= len(PALETTE) - 1:
        return [PALETTE[k] for k in range(len(values))]
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ramp = colormaps["viridis"]
    return [to_hex(ramp(k / max(len(values) - 1, 1) * 0.9)) for k in range(len(values))]


def _colour_of(value: Any, values: list[Any], colours: list[str]) -> str:
    for known, colour in zip(values, colours, strict=True):
        if _same(known, value):
            return colour
    return "#999999"


def _spread(n: int, width: float) -> list[float]:
    """``n`` offsets evenly across ``width`` (the same each redraw: no random jitter)."""
    if n <= 1:
        return [0.0] * n
    return [-width / 2 + width * k / (n - 1) for k in range(n)]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}"


def _style(ax) -> None:
    ax.tick_params(labelsize=TICK_PT)
    ax.grid(alpha=0.3)


def _new_figure(figure, height: float):
    if figure is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    figure.clear()
    figure.set_size_inches(WIDTH_IN, height)
    figure.set_dpi(DPI)
    figure.set_layout_engine("constrained")
    return figure


def _counts_line(summary: dict[str, Any]) -> str:
    counts = summary.get("counts") or {}
    parts = [
        ngettext("{n} student", "{n} students", counts.get("students", 0)),
        ngettext("{n} run", "{n} runs", counts.get("runs", 0)),
        ngettext("{n} epoch", "{n} epochs", counts.get("epochs", 0)),
    ]
    return " · ".join(part.format(n=grouped(n, ",.0f")) for part, n in zip(
        parts, (counts.get("students", 0), counts.get("runs", 0), counts.get("epochs", 0)),
        strict=True))


def plot_board(summary: dict[str, Any], *, title: str | None = None,
               figure: Figure | None = None) -> Figure:
    """Draw the classroom board: four pictures of the room's runs in one figure.

    (1) the final metric against the assigned parameter (a dot per student, the group's mean
    and range); (2) every student's curve, coloured by assigned value; (3) the spread of each
    group (across seeds when the seed was assigned); (4) the room's samples/s training the
    same model, beside Martín López (2019)'s devices (hatched).

    Parameters
    ----------
    summary : dict
        What :func:`neurona.classroom.summary.summarise` returns (the board's ``summary``).
    title : str, optional
        The class's title, shown above the pictures with the counts.
    figure : matplotlib Figure, optional
        Draw into this figure (cleared first), e.g. one a panel redraws; default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Four axes; with no run yet, one axes that says so.

    Examples
    --------
    >>> from neurona.classroom.summary import summarise
    >>> fig = plot_board(summarise({"students": [], "runs": []}))
    >>> len(fig.axes)
    1
    """
    if not isinstance(summary, dict):
        raise TypeError(_("plot_board draws a board's summary (a dict from "
                          "neurona.classroom.summary.summarise), got {kind}").format(
            kind=type(summary).__name__))
    heading = _plain(title) if title else _("The class's board")
    if not summary.get("points"):
        return _draw_empty(summary, heading, figure)
    extra = max(len(_hardware_rows(summary)[0]) - _ROWS_THAT_FIT, 0) * _IN_PER_EXTRA_ROW
    fig = _new_figure(figure, HEIGHT_IN + extra)
    # Two rows of their own, so that the long labels of one row do not narrow the other's axes.
    rows = fig.subfigures(2, 1, height_ratios=(HEIGHT_IN / 2, HEIGHT_IN / 2 + extra))
    axes = [ax for row in rows for ax in row.subplots(1, 2)]
    fig.suptitle(heading + " — " + _counts_line(summary), fontsize=TITLE_PT + 1)
    values = [g["value"] for g in summary.get("groups") or []]
    colours = _colours(values)
    _draw_finals(axes[0], summary, values, colours)
    _draw_curves(axes[1], summary, values, colours)
    _draw_spread(axes[2], summary, values, colours)
    _draw_hardware(axes[3], summary)
    return fig


def _draw_empty(summary, heading, figure):
    fig = _new_figure(figure, 2.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.66, _("No runs on the board yet"), ha="center", va="center",
            fontsize=TITLE_PT + 6, transform=ax.transAxes)
    ax.text(0.5, 0.36, _("Students join with nr.classroom.join(...) and train: each run "
                         "appears here as its epochs finish."), ha="center", va="center",
            fontsize=LABEL_PT + 1, color="#444444", transform=ax.transAxes, wrap=True)
    ax.text(0.5, 0.12, _counts_line(summary), ha="center", va="center", fontsize=LABEL_PT,
            color="#444444", transform=ax.transAxes)
    ax.set_title(heading, fontsize=TITLE_PT + 1)
    return fig


def _better(summary) -> str:
    return _("higher is better") if summary.get("higher_is_better", True) else \
        _("lower is better")


def _positions(summary, values):
    """Return how the assigned values lie on an x axis: (numeric?, log?, position of a value)."""
    numeric = bool(values) and summary.get("param") is not None and all(
        _number(v) for v in values)
    log = numeric and bool(summary.get("log_x"))
    if numeric:
        return True, log, lambda v: float(v)
    index = {repr(v): k for k, v in enumerate(values)}
    return False, False, lambda v: float(index.get(repr(v), 0))


def _draw_finals(ax, summary, values, colours):
    metric = summary.get("metric") or ""
    points = summary.get("points") or []
    _style(ax)
    ax.set_title(_("Final {metric} per student ({better})").format(
        metric=metric_label(metric), better=_better(summary)), fontsize=TITLE_PT)
    ax.set_ylabel(axis_label(metric), fontsize=LABEL_PT)
    failed = [p for p in points if p.get("final") is None]
    if summary.get("param") is None:   # nothing assigned: one dot per student, best first
        shown = sorted((p for p in points if p.get("final") is not None),
                       key=lambda p: p["final"], reverse=summary.get("higher_is_better", True))
        ax.scatter(range(len(shown)), [p["final"] for p in shown], color=PALETTE[0], s=28,
                   zorder=3, gid="students")
        ax.set_xticks(range(len(shown)), [_plain(p["student"]) for p in shown], rotation=90,
                      fontsize=SMALL_PT)
        ax.set_xlabel(_("student (best first)"), fontsize=LABEL_PT)
        ax.grid(axis="x", visible=False)
    else:
        numeric, log, where = _positions(summary, values)
        gaps = sorted(where(v) for v in values)
        step = min((b - a for a, b in zip(gaps, gaps[1:], strict=False)), default=1.0)
        if log:
            steps = [math.log10(b / a) for a, b in zip(gaps, gaps[1:], strict=False)]
            step = min(steps, default=1.0)
        for value, colour, group in zip(values, colours, summary.get("groups") or [],
                                        strict=False):
            mine = [p for p in points if _same(p.get("value"), value)
                    and p.get("final") is not None]
            offsets = _spread(len(mine), 0.35 * step)
            x0 = where(value)
            xs = [x0 * 10 ** o if log else x0 + o for o in offsets]
            ax.scatter(xs, [p["final"] for p in mine], color=colour, s=26, alpha=0.85,
                       zorder=3, edgecolors="white", linewidths=0.5, gid="students")
            if group.get("mean") is not None:
                if group["max"] > group["min"]:
                    ax.vlines(x0, group["min"], group["max"], color=_MEAN_COLOR, lw=1.2,
                              zorder=2)
                ax.scatter([x0], [group["mean"]], marker="_", s=500, color=_MEAN_COLOR,
                           linewidths=2.5, zorder=4, gid="means")
        means = [(where(g["value"]), g["mean"]) for g in summary.get("groups") or []
                 if g.get("mean") is not None]
        if numeric and len(means) > 1:
            ax.plot(*zip(*sorted(means), strict=True), color=_MEAN_COLOR, lw=1, alpha=0.5,
                    zorder=2)
        if log:
            ax.set_xscale("log")
        if numeric:
            ax.set_xticks([where(v) for v in values], [_show(v) for v in values])
            ax.minorticks_off()
            # Room for the outer groups' dots and mean marks.
            ax.set_xlim((gaps[0] / 10 ** (0.6 * step), gaps[-1] * 10 ** (0.6 * step)) if log
                        else (gaps[0] - 0.6 * step, gaps[-1] + 0.6 * step))
        else:
            ax.set_xticks(range(len(values)), [_show(v) for v in values])
            ax.set_xlim(-0.6, len(values) - 0.4)
        if len(values) > 6:
            ax.tick_params(axis="x", labelrotation=45)
        label = _param_label(summary["param"])
        if log:
            label = _("{param} (log scale)").format(param=label)
        ax.set_xlabel(label, fontsize=LABEL_PT)
    handles = [Line2D([], [], marker="_", color=_MEAN_COLOR, linestyle="none", markersize=12,
                      markeredgewidth=2.5, label=_("group mean, line: min to max"))]
    if failed:
        _mark_failed(ax, summary, failed, values)
        handles.append(Line2D([], [], marker="x", color=WRONG_COLOR, linestyle="none",
                              label=ngettext("{n} run without a finite value (diverged)",
                                             "{n} runs without a finite value (diverged)",
                                             len(failed)).format(n=len(failed))))
    if summary.get("param") is not None or failed:
        ax.legend(handles=handles, fontsize=SMALL_PT, loc="best", framealpha=0.85)


def _mark_failed(ax, summary, failed, values):
    """Mark with a cross at the axis' bottom edge for each run whose metric was never finite."""
    transform = ax.get_xaxis_transform()
    if summary.get("param") is None:
        xs = [ax.get_xlim()[1]] * len(failed)
    else:
        _numeric, _log, where = _positions(summary, values)
        xs = [where(p.get("value")) for p in failed]
    ax.scatter(xs, [0.04] * len(xs), marker="x", color=WRONG_COLOR, s=40, transform=transform,
               zorder=5, clip_on=False, gid="failed")


def _draw_curves(ax, summary, values, colours):
    metric = summary.get("metric") or ""
    curves = summary.get("curves") or []
    _style(ax)
    ax.set_title(_("Every student's curve"), fontsize=TITLE_PT)
    ax.set_xlabel(_("epoch"), fontsize=LABEL_PT)
    ax.set_ylabel(axis_label(metric), fontsize=LABEL_PT)
    integer_ticks(ax.xaxis)
    finite = []
    for curve in curves:
        y = [math.nan if v is None else v for v in curve.get("y") or []]
        finite += [v for v in y if not math.isnan(v)]
        colour = (_colour_of(curve.get("value"), values, colours)
                  if summary.get("param") is not None else PALETTE[0])
        ax.plot(range(1, len(y) + 1), y, color=colour, lw=1.2, alpha=0.75,
                marker="." if len(y) == 1 else None)
    if (finite and not summary.get("higher_is_better", True) and min(finite) > 0
            and max(finite) / min(finite) > 100):
        ax.set_yscale("log")
    if summary.get("param") is not None and values:
        handles = [Line2D([], [], color=c, lw=2, label=_show(v))
                   for v, c in zip(values, colours, strict=True)]
        ax.legend(handles=handles, title=_param_label(summary["param"]), fontsize=SMALL_PT,
                  title_fontsize=SMALL_PT, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0, ncols=1 if len(handles) <= 12 else 2)


def _spread_groups(summary, values):
    """Return the rows of the spread picture: each assigned value, or the whole room in one row.

    With the seed assigned (or nothing, or one student per value) the spread worth seeing is
    across the whole room: one row of every final.
    """
    points = [p for p in summary.get("points") or [] if p.get("final") is not None]
    param = summary.get("param")
    groups = summary.get("groups") or []
    pooled = (param is None or "seed" in str(param).lower()
              or all(g.get("n", 0) <= 1 for g in groups))
    if pooled:
        label = (_("all seeds") if param is not None and "seed" in str(param).lower()
                 else _("all students"))
        return True, [(label, None, points)]
    rows = []
    for value in values:
        mine = [p for p in points if _same(p.get("value"), value)]
        rows.append((f"{_param_label(param)} = {_show(value)}", value, mine))
    return False, rows


def _draw_spread(ax, summary, values, colours):
    import statistics

    metric = summary.get("metric") or ""
    pooled, rows = _spread_groups(summary, values)
    _style(ax)
    title = (_("Spread across seeds") if pooled and summary.get("param") is not None
             and "seed" in str(summary["param"]).lower()
             else _("Spread of the final {metric}").format(metric=metric_label(metric)))
    ax.set_title(_("{title} (◆ mean ± sd)").format(title=title), fontsize=TITLE_PT)
    ax.set_xlabel(axis_label(metric), fontsize=LABEL_PT)
    labels = []
    for k, (label, value, mine) in enumerate(rows):
        finals = [p["final"] for p in mine]
        colour = PALETTE[0] if pooled else _colour_of(value, values, colours)
        offsets = _spread(len(finals), 0.5)
        ax.scatter(finals, [k + o * 0.6 for o in offsets], color=colour, s=22, alpha=0.8,
                   zorder=3, edgecolors="white", linewidths=0.5)
        if finals:
            mean = statistics.fmean(finals)
            sd = statistics.stdev(finals) if len(finals) > 1 else 0.0
            ax.errorbar([mean], [k], xerr=[sd], fmt="D", color=_MEAN_COLOR, markersize=5,
                        capsize=4, lw=1.5, zorder=4)
            line = _("n {n} · mean {mean} · sd {sd}").format(
                n=len(finals), mean=_fmt(mean), sd=_fmt(sd))
        else:
            line = _("n {n} · no finite value").format(n=len(mine))
        # The numbers above the row's strip, inside the axes: a tick label this long would
        # squeeze the picture.
        ax.text(0.99, k - 0.3, line, ha="right", va="bottom", fontsize=SMALL_PT,
                color="#333333", transform=ax.get_yaxis_transform())
        labels.append(label)
    ax.set_yticks(range(len(rows)), labels, fontsize=SMALL_PT)
    ax.set_ylim(len(rows) - 0.5, -0.75)
    ax.grid(axis="y", visible=False)


def _short(device: str) -> str:
    """Cut a device line short enough for a bar's label: no "CPU:", no memory after the comma."""
    device = _plain(device).strip()
    if device.startswith("CPU: "):
        device = device[5:]
    depth = 0
    for k, char in enumerate(device):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            device = device[:k]
            break
    return device if len(device) <= _DEVICE_CHARS else device[: _DEVICE_CHARS - 1] + "…"


def _hardware_rows(summary) -> tuple[list[tuple], int]:
    """Return the bars (speed, label, is reference, min, max) fastest first, and what was cut.

    The second value counts the kinds of device left out.

    One bar per student's machine; in a large room one bar per kind of device (its median,
    a line from its slowest to its fastest machine), at most :data:`_MAX_MACHINES` of them.
    """
    import statistics

    machines = summary.get("hardware") or []
    left_out = 0
    if len(machines) <= _MAX_MACHINES:
        rows = [(h["samples_per_second"], f"{_plain(h['student'])} · {_short(h['device'])}",
                 False, None, None) for h in machines]
    else:
        kinds: dict[str, list[float]] = {}
        for h in machines:
            kinds.setdefault(_short(h["device"]), []).append(h["samples_per_second"])
        common = sorted(kinds.items(), key=lambda kind: -len(kind[1]))
        left_out = max(len(common) - _MAX_MACHINES, 0)
        rows = [(statistics.median(speeds), ngettext("{device} · {n} machine",
                                                     "{device} · {n} machines",
                                                     len(speeds)).format(device=device,
                                                                         n=len(speeds)),
                 False, min(speeds), max(speeds))
                for device, speeds in common[:_MAX_MACHINES]]
    rows += [(r["samples_per_second"], _plain(r["device"]), True, None, None)
             for r in summary.get("reference") or []]
    rows.sort(key=lambda r: -r[0])
    return rows, left_out


def _draw_hardware(ax, summary):
    from neurona.classroom.summary import HARDWARE_MODEL

    rows, left_out = _hardware_rows(summary)
    ax.set_title(_("Training speed, {model}\n(hatched bars: Martín López 2019)").format(
        model=HARDWARE_MODEL), fontsize=TITLE_PT)
    ax.tick_params(labelsize=TICK_PT)
    ax.grid(axis="x", alpha=0.3)
    top = max((r[4] or r[0] for r in rows), default=1.0)
    for k, (speed, _label, reference, low, high) in enumerate(rows):
        ax.barh(k, speed, height=0.72, color="white" if reference else PALETTE[0],
                edgecolor=_REFERENCE_COLOR if reference else PALETTE[0],
                hatch="///" if reference else None, lw=0.8)
        if low is not None and high > low:
            ax.hlines(k, low, high, color=_MEAN_COLOR, lw=1.2, zorder=3)
        ax.text((high or speed) + top * 0.01, k, grouped(speed, ",.0f"), va="center",
                fontsize=SMALL_PT)
    ax.set_yticks(range(len(rows)), [r[1] for r in rows], fontsize=SMALL_PT)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.xaxis.set_major_formatter(lambda x, _pos: grouped(x, ",.0f"))
    label = _("samples/s (epochs after the first)")
    if not summary.get("hardware"):
        label += "\n" + _("no student has run the hardware cell yet")
    if any(r[3] is not None for r in rows):
        label += "\n" + _("one bar per kind of device: its median; line: slowest to fastest")
    if left_out:
        label += "\n" + ngettext("{n} other kind of device not shown",
                                 "{n} other kinds of device not shown", left_out).format(
            n=left_out)
    ax.set_xlabel(label, fontsize=LABEL_PT)
