"""Pictures of notebook 12: the Oahu sensor grid, a cloud crossing it, maps and forecasts."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from neurona.i18n import _
from neurona.plots.style import PALETTE, axes_or_new, diverging_limits, figure_size
from neurona.validate import one_of, real_number, whole_number

__all__ = [
    "plot_sensor_grid",
    "plot_day",
    "plot_cloud_passage",
    "plot_leads",
    "plot_maps",
    "plot_forecast",
    "plot_predicted_vs_actual",
    "plot_residuals",
    "plot_skill",
]


def plot_sensor_grid(wind_direction: float | None = None, *, target: str | None = None, ax=None):
    """Draw the 16 sensors on the source's 50x50 grid (north up), the target and the wind.

    Parameters
    ----------
    wind_direction : float, optional
        Where the wind comes from, degrees clockwise from north; drawn as an arrow.
    target : str, optional
        The sensor to forecast (default :data:`neurona.solar.TARGET`), drawn as a star.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    from neurona import solar

    target = one_of("target", solar.TARGET if target is None else target, solar.SENSORS)
    if wind_direction is not None:
        real_number("wind_direction", wind_direction, note=_("degrees clockwise from north"))
    ax = axes_or_new(ax, 5.5, 5.5)
    for name, (row, col) in solar.SENSORS.items():
        is_target = name == target
        ax.plot(col, row, "*" if is_target else "o", markersize=16 if is_target else 7,
                color=PALETTE[3] if is_target else PALETTE[0])  # fmt: skip
        ax.annotate(name, (col, row), textcoords="offset points", xytext=(5, 4), fontsize=8)
    if wind_direction is not None:
        blowing = np.deg2rad(float(wind_direction) + 180.0)
        dx, dy = 10 * np.sin(blowing), -10 * np.cos(blowing)   # rows grow southward
        ax.annotate("", xy=(25 + dx, 25 + dy), xytext=(25 - dx, 25 - dy),
                    arrowprops={"arrowstyle": "-|>", "color": PALETTE[2], "lw": 2.5})
        ax.text(25 - dx, 25 - dy, _("wind from {degrees:.0f}°").format(degrees=wind_direction),
                color=PALETTE[2],
                fontsize=8, ha="center", va="bottom")  # fmt: skip
    ax.set_xlim(-3, 53)
    ax.set_ylim(53, -3)
    ax.set_aspect("equal")
    ax.set_xlabel(_("column (1 cell = {metres:g} m), east →").format(metres=solar.CELL_METRES))
    ax.set_ylabel(_("row, ↓ south"))
    ax.set_title(_("The Oahu pyranometer grid"))
    return ax


def plot_day(frame: pd.DataFrame, day: int = 0, *, sensors=None, ax=None):
    """Draw one day's readings against the clear-sky curve.

    Parameters
    ----------
    frame : DataFrame
        From :func:`neurona.solar.generate` or :func:`neurona.solar.load_nrel`.
    day : int
        Which day of the frame (0 = the first).
    sensors : list of str, optional
        Sensors to draw (default: the target and two others).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    from neurona import solar

    days = frame.index.normalize().unique()
    day = whole_number("day", day, 0, len(days) - 1, note=_("which day of the frame"))
    rows = frame[frame.index.normalize() == days[day]]
    sensors = list(sensors or [solar.TARGET, "DH1", "AP6"])
    ax = axes_or_new(ax, 10, 3.8)
    hours = rows.index.hour + rows.index.minute / 60 + rows.index.second / 3600
    ax.plot(hours, solar.clear_sky(rows.index), "--", color="0.3", label=_("clear sky"))
    for index, name in enumerate(sensors):
        ax.plot(hours, rows[name], lw=0.7, color=PALETTE[index % len(PALETTE)], label=name,
                alpha=0.9)  # fmt: skip
    ax.set_xlabel(_("local time (HST), hours"))
    ax.set_ylabel(_("irradiance, W/m²"))
    ax.set_title(_("{date}: the sun's curve, cut by passing clouds").format(date=days[day].date()))
    ax.legend(fontsize=8, ncols=len(sensors) + 1)
    return ax


def plot_cloud_passage(frame: pd.DataFrame, start, minutes: float = 5.0, *,
                       wind_direction: float, sensors=None, ax=None):  # fmt: skip
    """Draw a few minutes of several sensors, upwind at the top, stacked one under the other.

    Each line is a sensor's clear-sky index (1 = sun, lower = shadow), shifted down by its
    place in the wind: the same shadow reaches the lines one after the other.

    Parameters
    ----------
    frame : DataFrame
        Readings, as :func:`neurona.solar.generate` returns them.
    start : str or Timestamp
        First moment to draw (local time).
    minutes : float
        How long a window.
    wind_direction : float
        The day's wind (``frame.attrs["days"][i]["wind_direction"]``), to order the sensors.
    sensors : list of str, optional
        Sensors to draw (default: 6 spread along the wind, the target among them).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    from neurona import solar

    minutes = real_number("minutes", minutes, 0, low_open=True)
    start = pd.Timestamp(start)
    window = frame[(frame.index >= start) & (frame.index < start + pd.Timedelta(minutes=minutes))]
    if window.empty:
        raise ValueError(_("frame has no rows from {start} for {minutes} minutes").format(
            start=start, minutes=minutes))
    index = window[list(solar.SENSORS)].div(np.maximum(solar.clear_sky(window.index), 1.0),
                                            axis=0)
    downwind = solar.downwind_metres(wind_direction)
    if sensors is None:
        ordered = downwind.sort_values()
        picks = np.unique(np.linspace(0, len(ordered) - 1, 6).round().astype(int))
        sensors = sorted({*ordered.index[picks], solar.TARGET}, key=lambda s: downwind[s])
    else:
        sensors = sorted(sensors, key=lambda s: downwind[s])
    ax = axes_or_new(ax, 10, 1 + 0.8 * len(sensors))
    seconds = (window.index - start).total_seconds()
    for place, name in enumerate(sensors):
        is_target = name == solar.TARGET
        ax.plot(seconds, index[name] - 1.0 * place, lw=2.2 if is_target else 1.2,
                color=PALETTE[3] if is_target else PALETTE[place % 3])  # fmt: skip
        label = f"{name} ({downwind[name]:+.0f} m)"
        ax.text(seconds[0] - 3, 1 - 1.0 * place - 0.3, label, ha="right", va="center", fontsize=8)
    ax.set_yticks([])
    ax.set_xlabel(_("seconds after {time}").format(time=start.time()))
    ax.set_title(_("A cloud crossing the grid: upwind sensors first (metres downwind of "
                   "{target} in brackets)").format(target=solar.TARGET))
    return ax


def plot_leads(leads: pd.DataFrame, wind_speed: float, *, ax=None):
    """Draw each sensor's measured lead over the target against distance / wind speed.

    Parameters
    ----------
    leads : DataFrame
        Indexed by sensor, with ``downwind_m`` and ``lead_s`` columns.
    wind_speed : float
        The day's wind in m/s: a frozen cloud would arrive ``-downwind_m / wind_speed``
        seconds early (the dashed line).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    ax = axes_or_new(ax, 6, 4)
    x = leads["downwind_m"].to_numpy(dtype=float)
    ax.scatter(x, leads["lead_s"], color=PALETTE[0], zorder=3)
    for name, row in leads.iterrows():
        ax.annotate(name, (row["downwind_m"], row["lead_s"]), textcoords="offset points",
                    xytext=(4, 3), fontsize=7)  # fmt: skip
    line = np.linspace(x.min(), x.max(), 2)
    ax.plot(line, -line / wind_speed, "--", color=PALETTE[3],
            label=_("frozen cloud at {speed:.1f} m/s").format(speed=wind_speed))  # fmt: skip
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel(_("metres downwind of the target (negative: upwind)"))
    ax.set_ylabel(_("lead over the target, s"))
    ax.set_title(_("Upwind sensors see the clouds first"))
    ax.legend(fontsize=8)
    return ax


def plot_maps(maps, titles=None, *, ax=None, vmax: float | None = None):
    """Draw irradiance maps side by side, sensors marked.

    Parameters
    ----------
    maps : array
        ``(n, size, size)`` or ``(n, size, size, channels)`` (the first channel is drawn).
    titles : list of str, optional
        One title per map.
    ax : matplotlib Axes, optional
        One axis per map; default: a new figure.
    vmax : float, optional
        Top of the colour scale (default: the largest value), to compare maps fairly.
    """
    from neurona import solar

    maps = np.asarray(maps)
    if maps.ndim == 4:
        maps = maps[..., 0]
    if maps.ndim == 2:
        maps = maps[None]
    if maps.ndim != 3:
        raise ValueError(_("maps must be (n, size, size[, channels]); got shape {shape}")
                         .format(shape=maps.shape))
    n, size = len(maps), maps.shape[1]
    if ax is None:
        _fig, axes = plt.subplots(1, n, figsize=figure_size(3.2 * n, 3.3), layout="constrained",
                                  squeeze=False)
        axes = axes[0]
    else:
        axes = np.atleast_1d(ax)
    vmax = vmax or float(maps.max()) or 1.0
    scale = (size - 1) / 49
    for i, (axis, image) in enumerate(zip(axes, maps, strict=True)):
        if image.min() < 0:   # a difference of maps: blue darker, red brighter, white unchanged
            low, high = diverging_limits(image)
            shown = axis.imshow(image, cmap="RdBu_r", vmin=low, vmax=high)
        else:
            shown = axis.imshow(image, cmap="inferno", vmin=0, vmax=vmax)
        for name, (row, col) in solar.SENSORS.items():
            axis.plot(col * scale, row * scale, "*" if name == solar.TARGET else ".",
                      color="cyan" if image.min() >= 0 else "black",
                      markersize=9 if name == solar.TARGET else 4)  # fmt: skip
        axis.set_xticks([])
        axis.set_yticks([])
        if titles is not None:
            axis.set_title(titles[i], fontsize=9)
        plt.colorbar(shown, ax=axis, shrink=0.8)
    return axes


def plot_forecast(times, actual, forecasts: Mapping[str, np.ndarray], *, start=None,
                  minutes: float = 20.0, ax=None):  # fmt: skip
    """Draw a stretch of the actual target and the forecasts made 10 s earlier.

    Parameters
    ----------
    times : DatetimeIndex
        When each forecast was made (notebook 12's ``times_val``, the validation rows' "now").
    actual : array
        The target's real reading.
    forecasts : dict of str to array
        Each model's forecast (persistence included, if wanted).
    start : Timestamp, optional
        Start of the stretch (default: the cloudiest 20 minutes of the first day).
    minutes : float
        Length of the stretch.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    times = pd.DatetimeIndex(times)
    actual = np.asarray(actual, dtype=float)
    if start is None:
        first_day = times.normalize() == times.normalize()[0]
        change = pd.Series(np.abs(np.diff(actual, prepend=actual[0])), index=times)[first_day]
        busy = change.rolling(f"{int(minutes)}min").sum()
        start = busy.idxmax() - pd.Timedelta(minutes=minutes)
    start = pd.Timestamp(start)
    keep = (times >= start) & (times < start + pd.Timedelta(minutes=minutes))
    if not keep.any():
        raise ValueError(_("no forecast between {start} and {minutes} minutes later").format(
            start=start, minutes=minutes))
    ax = axes_or_new(ax, 11, 3.8)
    ax.plot(times[keep], actual[keep], color="black", lw=2.0, label=_("actual"))
    for index, (name, values) in enumerate(forecasts.items()):
        ax.plot(times[keep], np.asarray(values)[keep], lw=1.1, color=PALETTE[index % len(PALETTE)],
                label=name, alpha=0.9)  # fmt: skip
    import matplotlib.dates as mdates

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.set_xlabel(_("local time (HST), {date}").format(date=times[keep][0].date()))
    ax.set_ylabel("W/m²")
    ax.set_title(_("Forecasts 10 s ahead against what happened (validation day)"))
    ax.legend(fontsize=8, ncols=min(len(forecasts) + 1, 5))
    return ax


def plot_predicted_vs_actual(actual, forecasts: Mapping[str, np.ndarray], *, axes=None):
    """Scatter each model's forecast against the actual value; perfect is the diagonal."""
    actual = np.asarray(actual, dtype=float)
    n = len(forecasts)
    if axes is None:
        _fig, axes = plt.subplots(1, n, figsize=figure_size(3.3 * n, 3.4), layout="constrained",
                               sharex=True, sharey=True, squeeze=False)  # fmt: skip
        axes = axes[0]
    top = float(actual.max())
    for axis, (name, values), color in zip(axes, forecasts.items(), PALETTE * 3, strict=False):
        axis.scatter(actual, values, s=2, alpha=0.25, color=color, rasterized=True)
        axis.plot([0, top], [0, top], color="black", lw=0.8)
        rmse = float(np.sqrt(np.mean((np.asarray(values) - actual) ** 2)))
        axis.set_title(f"{name}\nRMSE {rmse:.1f} W/m²", fontsize=9)
        axis.set_xlabel(_("actual, W/m²"))
    axes[0].set_ylabel(_("forecast, W/m²"))
    return axes


def plot_residuals(actual, forecasts: Mapping[str, np.ndarray], *, ax=None):
    """Histogram of each model's errors (forecast - actual), log counts: the tails matter."""
    actual = np.asarray(actual, dtype=float)
    ax = axes_or_new(ax, 7, 4)
    errors = {name: np.asarray(values, dtype=float) - actual for name, values in forecasts.items()}
    spread = max(float(np.quantile(np.abs(e), 0.999)) for e in errors.values())
    bins = np.linspace(-spread, spread, 61)
    for index, (name, error) in enumerate(errors.items()):
        ax.hist(error, bins=bins, histtype="step", lw=1.5, color=PALETTE[index % len(PALETTE)],
                label=f"{name} (RMSE {np.sqrt(np.mean(error ** 2)):.1f})")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel(_("forecast error, W/m²"))
    ax.set_ylabel(_("rows"))
    ax.set_title(_("Residuals: most forecasts are close, clouds' edges make the tails"))
    ax.legend(fontsize=8)
    return ax


def plot_skill(skills: Mapping[str, float] | pd.Series, *, ax=None):
    """Horizontal bars of skill against persistence (0 = no better than persistence)."""
    skills = pd.Series(skills, dtype=float).sort_values()
    ax = axes_or_new(ax, 7, 0.8 + 0.4 * len(skills))
    colors = [PALETTE[0] if v > 0 else PALETTE[3] for v in skills]
    ax.barh(skills.index, skills.to_numpy(), color=colors)
    for y, value in enumerate(skills):
        ax.text(value, y, f" {value:.2f}", va="center", fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(_("skill = 1 - RMSE / RMSE(persistence)"))
    ax.set_title(_("Skill on the validation days"))
    return ax
