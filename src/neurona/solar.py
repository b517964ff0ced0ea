"""Solar irradiance nowcasting on the Oahu sensor grid (Martín López (2019)): data and checks.

Martín López (2019) trained networks to predict the irradiance at one sensor 10 seconds
ahead (its section 4.3) from readings of NREL's Oahu Solar Measurement Grid (section 3.2);
the target ``DH10`` and the sensors' grid cells come from the thesis's public code
repository, not from its document. NREL describes the grid as 17 pyranometers about 1 km
across near Kalaeloa airport, recorded every second from March 2010 to October 2011.
Classrooms and CI cannot reach that archive, so this module

* **generates** a physically plausible stand-in (:func:`generate`): the 16 named sensors at
  their grid positions, a clear-sky day for the site's latitude and day of year
  (:func:`clear_sky`), cloud shadows blown across the grid by a wind of random speed and
  direction (so upwind sensors see a shadow before the target does), sensor noise, and
  nights at exactly zero;
* **loads** the real daily files for those who have them (:func:`load_nrel`), into the same
  format;
* **measures** the grid (:func:`clear_sky_index`, :func:`downwind_metres`,
  :func:`lead_seconds`) and **scores** forecasts against persistence (:func:`rmse`,
  :func:`skill`; the baseline and the score are the course's addition: the thesis scored
  no forecasts);
* **checks** the task notebook 12 builds in its own cells (the lagged features, the split by
  days, the pyramid MLPs, the maps and the CNN live there, for students to read and change):
  :func:`check_no_future` (no input uses a later reading) and :func:`check_day_split` (no day
  on both sides of the split);
* keeps the thesis's reference data: its zoo of MLPs (:func:`zoo`) and their training
  times (:func:`reference_per_epoch`).

The frame format shared by :func:`generate` and :func:`load_nrel`: a ``pandas.DataFrame``
indexed by local standard time (HST, UTC-10, naive timestamps, each the *start* of its
interval), one float column per sensor in the order of :data:`SENSORS`, in W/m².

Examples
--------
>>> import neurona as nr
>>> frame = nr.solar.generate(size="classroom", seed=0)
>>> frame.shape
(10800, 16)
>>> nr.solar.skill([500.0, 300.0], [480.0, 350.0], [520.0, 500.0])   # 1: perfect, 0: persistence
0.7320...
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from neurona.i18n import _, grouped, ngettext
from neurona.startup import quiet_retracing
from neurona.validate import one_of, real_number, whole_number

__all__ = [
    "CELL_METRES",
    "LATITUDE",
    "LONGITUDE",
    "SENSORS",
    "SIZES",
    "TARGET",
    "UTC_OFFSET",
    "ZOO_WIDTHS",
    "check_day_split",
    "check_no_future",
    "clear_sky",
    "clear_sky_index",
    "downwind_metres",
    "generate",
    "lead_seconds",
    "load_nrel",
    "reference_per_epoch",
    "rmse",
    "sensor_metres",
    "skill",
    "solar_elevation",
    "zoo",
]

#: The 16 named sensors of the Oahu grid and their (row, column) on the 50x50 grid of the
#: thesis's code repository (its document names no sensor). The kit's convention: north is
#: up, so ``row`` grows southward and ``col`` eastward. The real grid spans about 1 km, so
#: one cell is :data:`CELL_METRES` (20 m).
SENSORS: dict[str, tuple[int, int]] = {
    "AP1": (17, 31), "AP4": (41, 22), "AP5": (25, 12), "AP6": (41, 0), "AP7": (49, 45),
    "DH1": (0, 49), "DH2": (9, 43), "DH3": (13, 29), "DH4": (11, 33), "DH5": (15, 37),
    "DH6": (2, 25), "DH7": (1, 41), "DH8": (2, 15), "DH9": (1, 31), "DH10": (8, 25),
    "DH11": (10, 15),
}  # fmt: skip

#: The target sensor in the thesis's code repository (its document names none).
TARGET = "DH10"

#: Metres per grid cell: the 50x50 grid covers about 1 km.
CELL_METRES = 20.0

#: Kalaeloa airport, Oahu, Hawaii; local standard time is HST (UTC-10, no daylight saving).
LATITUDE, LONGITUDE, UTC_OFFSET = 21.31, -158.08, -10.0

#: ``size`` presets of :func:`generate`: number of days. With the default recording window
#: of 05:00-20:00 (5,400 rows a day at 10 s), "source" gives 254 x 5,400 = 1,371,600 rows,
#: about the 1,366,100 rows of the thesis's runs (its code repository's result files).
SIZES = {"classroom": 2, "medium": 30, "source": 254}

# The notebook trains one model per zoo entry: TensorFlow's "retracing" notes would only puzzle.
quiet_retracing()

#: Sensor metres (east, north) from the grid's north-west corner.
_EAST = np.array([c for _row, c in SENSORS.values()], dtype=float) * CELL_METRES
_NORTH = -np.array([r for r, _col in SENSORS.values()], dtype=float) * CELL_METRES


def sensor_metres() -> pd.DataFrame:
    """Each sensor's grid cell and its position in metres (east, north of the NW corner).

    Examples
    --------
    >>> sensor_metres().loc["DH10"].tolist()
    [8.0, 25.0, 500.0, -160.0]
    """
    return pd.DataFrame(
        {"row": [float(r) for r, _col in SENSORS.values()],
         "col": [float(c) for _row, c in SENSORS.values()],
         "east_m": _EAST, "north_m": _NORTH},
        index=list(SENSORS),
    )  # fmt: skip


# --------------------------------------------------------------------------- clear sky


def _to_local(times, utc_offset: float = UTC_OFFSET) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(pd.to_datetime(times))
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None) + pd.Timedelta(hours=utc_offset)
    return index


def solar_elevation(times, latitude: float = LATITUDE, longitude: float = LONGITUDE,
                    utc_offset: float = UTC_OFFSET) -> np.ndarray:
    """Solar elevation in degrees (negative: the sun is below the horizon).

    Textbook approximations, good to a fraction of a degree: Cooper's declination
    ``23.45 sin(360 (284 + n) / 365)``, the equation of time
    ``9.87 sin 2B - 7.53 cos B - 1.5 sin B`` minutes with ``B = 360 (n - 81) / 364``, and
    solar time = local standard time + 4 min per degree east of the time zone's meridian
    (``15 * utc_offset``) + the equation of time.

    Parameters
    ----------
    times : array-like of datetimes
        Naive timestamps are local standard time (``utc_offset`` hours from UTC);
        time-zone-aware ones are converted.
    latitude, longitude : float
        Degrees north and east (west is negative).
    utc_offset : float
        Hours from UTC of the local standard time, -10 for Hawaii.
    """
    index = _to_local(times, utc_offset)
    day = index.day_of_year.to_numpy(dtype=float)
    hours = (index.hour.to_numpy() + index.minute.to_numpy() / 60
             + (index.second.to_numpy() + index.microsecond.to_numpy() / 1e6) / 3600)
    declination = np.radians(23.45 * np.sin(np.radians(360 * (284 + day) / 365)))
    b = np.radians(360 * (day - 81) / 364)
    equation_of_time = 9.87 * np.sin(2 * b) - 7.53 * np.cos(b) - 1.5 * np.sin(b)
    solar_time = hours + (4 * (longitude - 15 * utc_offset) + equation_of_time) / 60
    hour_angle = np.radians(15 * (solar_time - 12))
    lat = np.radians(latitude)
    sin_elevation = (np.sin(lat) * np.sin(declination)
                     + np.cos(lat) * np.cos(declination) * np.cos(hour_angle))
    return np.degrees(np.arcsin(np.clip(sin_elevation, -1, 1)))


def clear_sky(times, latitude: float = LATITUDE, longitude: float = LONGITUDE, *,
              utc_offset: float = UTC_OFFSET) -> np.ndarray:
    """Global horizontal irradiance under a clear sky, in W/m² (Haurwitz's model).

    ``GHI = 1098 cos(z) exp(-0.057 / cos(z))`` with ``z`` the solar zenith angle from
    :func:`solar_elevation`; exactly 0 when the sun is below the horizon. Around noon in
    Oahu's summer this gives about 1,000 W/m².

    Parameters
    ----------
    times : array-like of datetimes
        Naive timestamps are local standard time; aware ones are converted.
    latitude, longitude : float
        Degrees north and east; the default is Kalaeloa airport, Oahu.
    utc_offset : float, keyword-only
        Hours from UTC of local standard time (HST is -10).

    Examples
    --------
    >>> noon = clear_sky(["2010-06-21 12:30"])[0]
    >>> bool(950 < noon < 1100), float(clear_sky(["2010-06-21 02:00"])[0])
    (True, 0.0)
    """
    cos_z = np.sin(np.radians(solar_elevation(times, latitude, longitude, utc_offset)))
    ghi = np.zeros_like(cos_z)
    up = cos_z > 0
    ghi[up] = 1098.0 * cos_z[up] * np.exp(-0.057 / cos_z[up])
    return ghi


# --------------------------------------------------------------------------- generator


def _check_step(step_seconds) -> int:
    """Seconds per row: a whole number that divides an hour, so that rows line up on the hour."""
    note = _("a divisor of 3600: 1, 2, 5, 10, 30, 60, ...")
    step = whole_number("step_seconds", step_seconds, 1, 3600, note=note)
    if 3600 % step:
        raise ValueError(
            _("step_seconds must be a whole number from 1 to {most} ({note}); got {value!r}")
            .format(most=grouped(3600), note=note, value=step_seconds))
    return step


def _cloud_field(rng: np.random.Generator, length: int, width: int, cell: float,
                 scales: tuple[float, ...]) -> np.ndarray:
    """Make a smooth random field, standardised, of shape ``(length, width)``, float32.

    White noise smoothed with Gaussians of several lengths (metres) in Fourier space and
    summed, so clouds come in several sizes. Periodic at its borders, which the caller
    pads away.
    """
    noise = rng.standard_normal((length, width)).astype(np.float32)
    spectrum = np.fft.rfft2(noise)
    ka = np.fft.fftfreq(length, d=cell)[:, None].astype(np.float32)
    kc = np.fft.rfftfreq(width, d=cell)[None, :].astype(np.float32)
    k2 = ka**2 + kc**2
    filt = sum(np.exp(-2 * (np.pi * s) ** 2 * k2) * (s / scales[0]) for s in scales)
    out = np.fft.irfft2(spectrum * filt, s=(length, width)).astype(np.float32)
    out -= out.mean()
    out /= out.std() + 1e-12
    return out


def _advected(rng: np.random.Generator, t: np.ndarray, speed: float, direction: float,
              scales: tuple[float, ...]) -> np.ndarray:
    """Blow a frozen random cloud field across the grid; return what each sensor sees.

    Returns ``(len(t), 16)``: the field's value over each sensor at each second ``t``.
    The wind comes from ``direction`` (degrees clockwise from north) and blows toward
    ``direction + 180``; a sensor at ``along`` metres down-wind sees at time ``t`` the
    cloud that was at ``along - speed * t`` at ``t = 0``, so a sensor further down-wind
    sees it later, by projected distance / speed.
    """
    from scipy.ndimage import map_coordinates

    theta = np.radians(direction)
    along_e, along_n = -np.sin(theta), -np.cos(theta)
    along = _EAST * along_e + _NORTH * along_n          # metres down-wind
    cross = -_EAST * along_n + _NORTH * along_e          # metres across the wind
    cell, pad = 25.0, 40
    s_idx = along[None, :] - speed * t[:, None]          # (time, sensor), metres
    s_idx = (s_idx - s_idx.min()) / cell + pad
    c_idx = (cross - cross.min()) / cell + pad
    length = int(np.ceil(s_idx.max())) + pad + 1
    width = int(np.ceil(c_idx.max())) + pad + 1
    fld = _cloud_field(rng, length, width, cell, scales)
    coords = np.stack([s_idx.ravel(), np.broadcast_to(c_idx, s_idx.shape).ravel()])
    return map_coordinates(fld, coords, order=1, mode="nearest").reshape(s_idx.shape)


def _one_day(day: pd.Timestamp, rng: np.random.Generator, *, hours: tuple[float, float],
             step: int, cloud_cover: float, speed: float, direction: float,
             noise: float) -> tuple[np.ndarray, dict]:
    """One day's readings, 1 s sampling averaged to ``step`` seconds: ``(n, 16)``."""
    seconds = np.arange(int(hours[0] * 3600), int(hours[1] * 3600))
    times = day + pd.to_timedelta(seconds, unit="s")
    ghi = clear_sky(times).astype(np.float32)
    t = (seconds - seconds[0]).astype(np.float32)
    shadow_depth = rng.uniform(0.2, 0.5)                 # clear-sky index under a cloud
    # Two frozen layers: the day's clouds, and a weaker, slower layer on its own wind, so
    # the pattern the sensors see also changes shape as it crosses the grid (clouds grow
    # and dissolve), as real ones do; a perfectly frozen field would be too predictable.
    main = _advected(rng, t, speed, direction, (rng.uniform(250, 500), rng.uniform(800, 2000)))
    evolution = _advected(rng, t, rng.uniform(1, 4), rng.uniform(0, 360), (300.0, 900.0))
    sampled = (main + 0.6 * evolution) / np.hypot(1, 0.6)
    threshold = np.quantile(sampled, 1 - cloud_cover) if 0 < cloud_cover < 1 else None
    if cloud_cover <= 0:
        cloudy = np.zeros_like(sampled)
    elif cloud_cover >= 1:
        cloudy = np.ones_like(sampled)
    else:
        # A soft edge (about 0.15 standard deviations) so shadows fade in over a second or two.
        cloudy = 1 / (1 + np.exp(-(sampled - threshold) / 0.15))
        # Thicker (higher) parts of a cloud are a little darker.
        cloudy *= 1 + 0.3 * np.clip(sampled - threshold, 0, 2) / 2
    index = np.clip(1 - (1 - shadow_depth) * cloudy, 0.05, 1.2)
    gain = 1 + 0.01 * rng.standard_normal(len(SENSORS)).astype(np.float32)  # calibration
    readings = ghi[:, None] * index * gain[None, :]
    if noise:
        readings *= 1 + noise * rng.standard_normal(readings.shape).astype(np.float32)
    readings = np.maximum(readings, 0)
    readings[ghi <= 0] = 0.0                             # nights are exactly zero
    means = readings.reshape(-1, step, len(SENSORS)).mean(axis=1)
    info = {"date": day.date().isoformat(), "wind_speed": round(float(speed), 3),
            "wind_direction": round(float(direction), 3), "cloud_cover": cloud_cover,
            "shadow_index": round(float(shadow_depth), 3)}
    return means, info


def generate(days: int = 2, *, seed: int = 0, start: str = "2010-06-01",
             step_seconds: int = 10, cloud_cover: float = 0.5, wind_speed: float | None = None,
             wind_direction: float | None = None, noise: float = 0.01,
             size: str | None = None, hours: tuple[float, float] = (5, 20)) -> pd.DataFrame:
    """Generate irradiance readings of the 16 Oahu sensors, a stand-in for NREL's archive.

    Per second and per sensor: the clear-sky irradiance (:func:`clear_sky`) times a
    *clear-sky index* (1 in the sun, 0.2-0.5 in a cloud's shadow, drawn per day) times a
    1 % calibration gain per sensor times multiplicative noise; then the mean over each
    ``step_seconds``. The shadows come from a random field of clouds (smoothed noise, two
    sizes drawn per day, about 250-500 m and 0.8-2 km), thresholded so that ``cloud_cover``
    of the time is shaded, that moves with the day's wind. A sensor ``d`` metres further
    down-wind sees the same shadow ``d / wind_speed`` seconds later: that is what lets the
    upwind sensors forecast the target. A second, weaker and slower cloud layer on its own
    wind makes the pattern change as it crosses the grid, so the forecast is never perfect.

    Parameters
    ----------
    days : int
        Number of consecutive days from ``start``. Replaced by ``size`` when that is given.
    seed : int
        Same seed, same frame. Each day draws from its own stream (``seed``, day number),
        so day 3 is the same whether 5 or 50 days are generated.
    start : str or datetime
        First day (local date).
    step_seconds : int
        Seconds per row: the 1-second samples are averaged over this many. A divisor of
        3,600 (1, 2, 5, 10, 30, 60, ...); 10 by default (the course's choice).
    cloud_cover : float
        Fraction of the sky in cloud, 0 (clear) to 1 (overcast).
    wind_speed : float, optional
        Metres per second; drawn per day from 5 to 15 when not given.
    wind_direction : float, optional
        Where the wind comes *from*, degrees clockwise from north (270: from the west);
        when not given, drawn per day around Oahu's trade winds, normal with mean 70°
        (east-north-east) and standard deviation 20°. The grid has north up (row 0).
    noise : float
        Standard deviation of the multiplicative 1-second sensor noise (0.01 = 1 %).
    size : {"classroom", "medium", "source"}, optional
        Presets for ``days`` (:data:`SIZES`): 2 days (10,800 rows, about a second),
        30 days, or 254 days = 1,371,600 rows at 10 s, about the size of the thesis's
        (generated day by day, under a minute on a laptop core).
    hours : (float, float)
        The daily recording window in local hours, 05:00-20:00 by default, like NREL's
        archive; the sun is down at both ends, so every day starts and ends at zero.
        ``(0, 24)`` gives whole days.

    Returns
    -------
    pandas.DataFrame
        Indexed by local standard time (HST), one column per sensor in W/m², float32.
        ``frame.attrs["days"]`` lists each day's wind speed and direction, cloud cover
        and shadow index; ``frame.attrs["source"]`` is ``"generated"``.

    Examples
    --------
    >>> frame = generate(size="classroom", seed=1)
    >>> frame.shape
    (10800, 16)
    """
    if size is not None:
        days = SIZES[one_of("size", size, SIZES)]
    days = whole_number("days", days, 1)
    seed = whole_number("seed", seed, 0)
    step_seconds = _check_step(step_seconds)
    cloud_cover = real_number("cloud_cover", cloud_cover, 0, 1, note=_("0 clear, 1 overcast"))
    noise = real_number("noise", noise, 0, 0.5, note=_("0.01 = 1 %"))
    if wind_speed is not None:
        wind_speed = real_number("wind_speed", wind_speed, 0, 60, low_open=True, note=_("m/s"))
    if wind_direction is not None:
        wind_direction = real_number(
            "wind_direction", wind_direction, note=_("degrees clockwise from north"))
    try:
        low, high = (float(h) for h in hours)
    except (TypeError, ValueError):
        raise ValueError(_("hours must be two numbers (start, end) from 0 to 24; got {hours!r}")
                         .format(hours=hours)) from None
    if not (0 <= low < high <= 24) or (high - low) * 3600 % step_seconds:
        raise ValueError(_(
            "hours must be (start, end) with 0 <= start < end <= 24, whole multiples of "
            "step_seconds; got {hours!r}").format(hours=hours))
    try:
        first = pd.Timestamp(start).normalize()
    except (TypeError, ValueError):
        raise ValueError(_("start must be a date such as '2010-06-01'; got {start!r}").format(
            start=start)) from None

    blocks, infos, indexes = [], [], []
    offsets = pd.to_timedelta(np.arange(int(low * 3600), int(high * 3600), step_seconds), unit="s")
    for number in range(days):
        rng = np.random.default_rng([seed, number])
        speed = rng.uniform(5, 15) if wind_speed is None else float(wind_speed)
        # Oahu's trade winds blow from the east-north-east most days.
        direction = (rng.normal(70, 20) if wind_direction is None else float(wind_direction))
        day = first + pd.Timedelta(days=number)
        values, info = _one_day(day, rng, hours=(low, high), step=step_seconds,
                                cloud_cover=cloud_cover, speed=speed,
                                direction=direction % 360, noise=noise)
        blocks.append(values.astype(np.float32))
        indexes.append(day + offsets)
        infos.append(info)
    index = pd.DatetimeIndex(np.concatenate([i.to_numpy() for i in indexes]), name="time")
    frame = pd.DataFrame(np.concatenate(blocks), index=index, columns=list(SENSORS))
    frame.attrs = {"source": "generated", "seed": seed, "step_seconds": step_seconds,
                   "days": infos}
    return frame


# --------------------------------------------------------------------------- real archive


def _sensor_name(column: str) -> str | None:
    """``"GH DH10"``, ``"dh10"``, ``"DH10 [W/m^2]"`` -> ``"DH10"``; others -> None."""
    found = re.findall(r"(?<![A-Za-z])(AP|DH)\s*0*(\d+)(?!\d)", str(column), re.IGNORECASE)
    if len(found) != 1:
        return None
    name = f"{found[0][0].upper()}{int(found[0][1])}"
    return name if name in SENSORS else None


def _times_of(table: pd.DataFrame, source: str) -> pd.DatetimeIndex:
    lower = {str(c).strip().lower(): c for c in table.columns}
    for key in ("timestamp", "datetime", "time", "date"):
        if key in lower:
            try:
                return pd.DatetimeIndex(pd.to_datetime(table[lower[key]]))
            except (TypeError, ValueError):
                break
    year = next((lower[k] for k in ("year", "yr") if k in lower), None)
    doy = next((lower[k] for k in ("doy", "day of year", "dayofyear") if k in lower), None)
    if year is not None and doy is not None:
        base = pd.to_datetime(table[year].astype(int).astype(str), format="%Y") + pd.to_timedelta(
            table[doy].astype(int) - 1, unit="D")
        if "hst" in lower:
            hhmm = table[lower["hst"]].astype(int)
            sec = table[lower["seconds"]].astype(int) % 60 if "seconds" in lower else 0
            return pd.DatetimeIndex(base + pd.to_timedelta(hhmm // 100 * 3600 + hhmm % 100 * 60
                                                           + sec, unit="s"))
        if "seconds" in lower:
            seconds = table[lower["seconds"]].astype(float) % 86400
            return pd.DatetimeIndex(base + pd.to_timedelta(seconds, unit="s"))
    raise ValueError(_(
        "{source}: no time columns found; expected a 'timestamp' (or 'datetime') column, or "
        "'Year' and 'DOY' with 'HST' (hhmm) and/or 'Seconds'; columns are {columns}"
    ).format(source=source, columns=", ".join(map(str, table.columns[:12]))))


def load_nrel(path, *, step_seconds: int = 10) -> pd.DataFrame:
    """Read NREL's Oahu Solar Measurement Grid files into :func:`generate`'s format.

    **Untested against the real archive here** (it cannot be reached from the kit's CI):
    the layout below is the kit's understanding of the daily 1-second files. Anything else
    raises a ``ValueError`` that names what was expected and what was found; please report it.

    Expected layout: one comma-separated text file per day (``.txt``, ``.csv``, optionally
    ``.gz``), a header line, then one row per second, with

    * time: ``Year``, ``DOY`` (day of year) and ``HST`` (local standard time as ``hhmm``),
      plus ``Seconds`` for the second; or ``Year``, ``DOY`` and ``Seconds`` of the day; or a
      single ``timestamp`` column (local standard time, HST);
    * one global-horizontal irradiance column per sensor, in W/m², whose name contains the
      sensor's name (``DH10``, ``GH DH10``, ``dh10``...). All 16 sensors of :data:`SENSORS`
      must be present; other columns (``AP3``, tilted sensors, flags) are ignored.

    Negative night-time offsets are set to 0, readings are averaged over ``step_seconds``
    (10 s by default) and the days are concatenated in time order.

    Parameters
    ----------
    path : str or Path
        One file, or a folder of daily files (searched recursively).
    step_seconds : int
        Seconds per row of the result; a divisor of 3,600.

    Returns
    -------
    pandas.DataFrame
        Like :func:`generate`: local-time index, one column per sensor (W/m²), float32;
        ``attrs["source"]`` is ``"nrel"``.
    """
    step_seconds = _check_step(step_seconds)
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*")
                       if p.is_file() and re.search(r"\.(txt|csv)(\.gz)?$", p.name, re.I))
        if not files:
            raise ValueError(_("{path}: no .txt or .csv files (optionally .gz) in this folder")
                             .format(path=path))
    elif path.is_file():
        files = [path]
    else:
        raise ValueError(_("{path}: no such file or folder; see datasets/solar.md").format(
            path=path))
    frames = []
    for file in files:
        try:
            table = pd.read_csv(file, skipinitialspace=True)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise ValueError(_("{file}: not a comma-separated table ({error})").format(
                file=file, error=error)) from None
        times = _times_of(table, str(file))
        columns = {}
        for column in table.columns:
            name = _sensor_name(column)
            if name is not None and name not in columns:
                columns[name] = column
        missing = [s for s in SENSORS if s not in columns]
        if missing:
            raise ValueError(_("{file}: no column for sensor(s) {missing}; expected one "
                               "column per sensor named like 'DH10' or 'GH DH10'").format(
                                   file=file, missing=", ".join(missing)))
        values = table[[columns[s] for s in SENSORS]].apply(pd.to_numeric, errors="coerce")
        values.columns = list(SENSORS)
        values.index = times
        values = values.clip(lower=0)
        frames.append(values.resample(f"{step_seconds}s").mean().dropna(how="all"))
    frame = pd.concat(frames).sort_index().astype(np.float32)
    frame = frame[~frame.index.duplicated()]
    frame.index.name = "time"
    frame.attrs = {"source": "nrel", "step_seconds": step_seconds}
    return frame


# --------------------------------------------------------------------------- checking the task


def _check_frame(frame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError(_("frame must be a pandas DataFrame indexed by time, as generate() and "
                           "load_nrel() return; got {kind}").format(kind=type(frame).__name__))
    missing = [s for s in SENSORS if s not in frame.columns]
    if missing:
        raise ValueError(_("frame has no column for sensor(s) {missing}; expected {sensors}")
                         .format(missing=", ".join(missing), sensors=", ".join(SENSORS)))
    return frame


def _listed(days, most: int = 6) -> str:
    days = [str(day) for day in days]        # days, or column names, which need not be text
    shown = ", ".join(days[:most])
    if len(days) <= most:
        return shown
    return _("{shown} and {n} more").format(shown=shown, n=len(days) - most)


def _iso_days(times, name: str) -> list[str]:
    try:
        index = pd.DatetimeIndex(times)
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be the rows' times (a DatetimeIndex); got {kind}")
                         .format(name=name, kind=type(times).__name__)) from None
    if len(index) == 0:
        raise ValueError(_("{name} has no rows").format(name=name))
    return [day.date().isoformat() for day in index.normalize().unique().sort_values()]


def check_day_split(train_times, val_times) -> tuple[list[str], list[str]]:
    """Check that no day has rows in both training and validation; return each side's days.

    Rows 10 s apart are near-copies: a cloud's first seconds in training and its next
    seconds in validation would let any model look brilliant. A split by whole days keeps
    every validation cloud unseen.

    Parameters
    ----------
    train_times, val_times : DatetimeIndex
        The time of each training row and of each validation row.

    Returns
    -------
    (list of str, list of str)
        The ISO dates of the training days and of the validation days.

    Raises
    ------
    ValueError
        Naming the days that have rows on both sides, or a side without rows.

    Examples
    --------
    >>> check_day_split(pd.to_datetime(["2010-06-01 10:00", "2010-06-01 10:10"]),
    ...                 pd.to_datetime(["2010-06-02 10:00"]))
    (['2010-06-01'], ['2010-06-02'])
    >>> check_day_split(pd.to_datetime(["2010-06-01 10:00"]),
    ...                 pd.to_datetime(["2010-06-01 10:10"]))
    Traceback (most recent call last):
    ...
    ValueError: 1 day has rows in both training and validation: 2010-06-01. ...
    """
    train_days = _iso_days(train_times, "train_times")
    val_days = _iso_days(val_times, "val_times")
    shared = sorted(set(train_days) & set(val_days))
    if shared:
        raise ValueError(ngettext(
            "{n} day has rows in both training and validation: {days}. Rows seconds apart are "
            "near-copies, so validation would score clouds the model saw in training: split by "
            "whole days",
            "{n} days have rows in both training and validation: {days}. Rows seconds apart are "
            "near-copies, so validation would score clouds the model saw in training: split by "
            "whole days", len(shared)).format(n=len(shared), days=_listed(shared)))
    return train_days, val_days


def check_no_future(features, frame: pd.DataFrame, at=None) -> None:
    """Check that ``features(frame)`` builds each row's inputs from readings up to its time only.

    Changes every reading after the moment ``at`` (by default, the middle of the frame's
    first stretch of daylight) and builds the features again: the inputs of the rows up to
    ``at`` must not move. A forecast made at ``t`` cannot use a reading from after ``t``;
    the target, which does lie in the future, is not checked.

    Parameters
    ----------
    features : callable
        ``features(frame)`` returns the inputs, a DataFrame indexed by each row's time (the
        "now" its forecast is made at), or a tuple whose first item is that DataFrame.
    frame : DataFrame
        Readings, from :func:`generate` or :func:`load_nrel`.
    at : Timestamp, optional
        The moment after which readings are changed.

    Raises
    ------
    ValueError
        Naming the input columns that moved and the first row whose inputs did.

    Examples
    --------
    >>> frame = generate(1, seed=0, step_seconds=60)
    >>> check_no_future(lambda f: f[["DH10", "DH11"]], frame)             # readings now: fine
    >>> check_no_future(lambda f: f[["DH10", "DH11"]].shift(-1), frame)   # a minute later
    Traceback (most recent call last):
    ...
    ValueError: the features use the future: changing only the readings after ...
    """
    frame = _check_frame(frame)

    def inputs_of(readings: pd.DataFrame) -> pd.DataFrame:
        built = features(readings)
        inputs = built[0] if isinstance(built, tuple) else built
        if not isinstance(inputs, pd.DataFrame) or not isinstance(inputs.index, pd.DatetimeIndex):
            raise ValueError(_("features(frame) must return the inputs as a DataFrame indexed by "
                               "each row's time, or a tuple that starts with one; got {kind}")
                             .format(kind=type(inputs).__name__))
        return inputs

    if at is None:
        daylight = frame.index[clear_sky(frame.index) > 0]
        if len(daylight) == 0:
            raise ValueError(_("frame has no daylight to check the features on"))
        first_day = daylight[daylight.normalize() == daylight.normalize()[0]]
        at = first_day[len(first_day) // 2]
    at = pd.Timestamp(at)
    before = inputs_of(frame)
    changed = frame.copy()
    later = changed.index > at
    changed.loc[later, list(SENSORS)] = changed.loc[later, list(SENSORS)] * 0.5 + 37.0
    after = inputs_of(changed)
    rows = before.index[(before.index <= at) & before.index.isin(after.index)]
    if len(rows) == 0:
        raise ValueError(_("features(frame) made no row at or before {at}, so nothing could be "
                           "checked; give another moment with at=").format(at=at))
    old = before.loc[rows].to_numpy(dtype=float)
    new = after.loc[rows, before.columns].to_numpy(dtype=float)
    moved = (old != new) & ~(np.isnan(old) & np.isnan(new))
    if moved.any():
        columns = list(before.columns[moved.any(axis=0)])
        first = rows[np.flatnonzero(moved.any(axis=1))[0]]
        raise ValueError(_(
            "the features use the future: changing only the readings after {at} moved the "
            "inputs of {rows} row(s) made at or before it, first at {first}, in column(s) "
            "{columns}; a row's inputs may use readings up to its own time only"
        ).format(at=at, rows=int(moved.any(axis=1).sum()), first=first,
                 columns=_listed(columns)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error.

    Examples
    --------
    >>> rmse([0, 0], [3, 4])
    3.5355...
    """
    y_true = np.asarray(y_true, dtype=float).ravel()
    y_pred = np.asarray(y_pred, dtype=float).ravel()
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(_("y_true and y_pred must be non-empty and of the same length; got "
                           "{true} and {pred}").format(true=y_true.size, pred=y_pred.size))
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def skill(y_true, y_pred, y_persistence) -> float:
    """Forecast skill against persistence: ``1 - RMSE(pred) / RMSE(persistence)``.

    1 is a perfect forecast, 0 is no better than "the next reading equals this one",
    negative is worse. Persistence scored against itself is exactly 0.

    Examples
    --------
    >>> skill([1.0, 2.0, 4.0], [1.0, 2.0, 3.5], [0.0, 1.0, 2.0])
    0.7958...
    """
    reference = rmse(y_true, y_persistence)
    if reference == 0:
        raise ValueError(
            _("persistence is perfect on these rows (RMSE 0), so skill is undefined"))
    return 1.0 - rmse(y_true, y_pred) / reference


# --------------------------------------------------------------------------- exploring the grid


def clear_sky_index(frame: pd.DataFrame, min_clear_sky: float = 300.0) -> pd.DataFrame:
    """Divide readings by the clear-sky curve, in full daylight only.

    1 means full sun, 0.2-0.5 a cloud's shadow; the diurnal curve is gone, so what is left
    is the clouds. Rows where the clear-sky irradiance is below ``min_clear_sky`` W/m²
    (dawn, dusk, night) are dropped: dividing by a small number only amplifies noise.

    Examples
    --------
    >>> index = clear_sky_index(generate(1, seed=0, step_seconds=60))
    >>> bool(index.max().max() < 1.5), bool(index.min().min() > 0)
    (True, True)
    """
    frame = _check_frame(frame)
    min_clear_sky = real_number("min_clear_sky", min_clear_sky, 0, note=_("W/m²"))
    sky = clear_sky(frame.index)
    day = sky > min_clear_sky
    return frame.loc[day, list(SENSORS)].div(sky[day], axis=0)


def downwind_metres(wind_direction: float, target: str = TARGET) -> pd.Series:
    """How far each sensor lies *downwind* of ``target``, in metres (negative: upwind).

    ``wind_direction`` is where the wind comes from, degrees clockwise from north, as in
    ``frame.attrs["days"]``. A sensor at ``-200`` m sees a shadow ``200 / wind_speed``
    seconds before the target does.

    Examples
    --------
    >>> float(downwind_metres(270.0)["DH11"])     # west wind: DH11 is 200 m west of DH10
    -200.0
    """
    one_of("target", target, SENSORS)
    wind_direction = real_number(
        "wind_direction", wind_direction, note=_("degrees clockwise from north"))
    blowing = np.deg2rad(wind_direction + 180.0)   # where the wind blows *to*
    to_east, to_north = np.sin(blowing), np.cos(blowing)
    t = list(SENSORS).index(target)
    along = (_EAST - _EAST[t]) * to_east + (_NORTH - _NORTH[t]) * to_north
    return pd.Series(np.round(along, 6) + 0.0, index=list(SENSORS), name="downwind_m")


def lead_seconds(frame: pd.DataFrame, sensor: str, target: str = TARGET,
                 max_lag_seconds: int = 120) -> tuple[float, float]:
    """How many seconds ``sensor``'s clouds come before ``target``'s, by cross-correlation.

    Correlates the two sensors' clear-sky indices (:func:`clear_sky_index`) with the
    sensor shifted by every lag from ``-max_lag_seconds`` to ``+max_lag_seconds``, one row
    step at a time, and returns the best lag and its correlation. A positive lag: the sensor
    sees the shadows first, so it helps forecast the target. Lags never pair rows of
    different days.

    Returns
    -------
    (float, float)
        The lag in seconds and the correlation at that lag.
    """
    one_of("sensor", sensor, SENSORS)
    one_of("target", target, SENSORS)
    max_lag_seconds = real_number("max_lag_seconds", max_lag_seconds, 0, low_open=True)
    index = clear_sky_index(frame)
    if len(index) < 10:
        raise ValueError(_("frame has too little daylight to correlate (fewer than 10 rows)"))
    step = float(np.median(np.diff(index.index.as_unit("ns").to_numpy()).astype(np.int64))) / 1e9
    max_rows = int(max_lag_seconds // step)
    best_lag, best_corr = 0, -np.inf
    days = index.index.normalize()
    # Each day's two series, sliced once: a lag never pairs rows of different days.
    per_day = [(rows[sensor].to_numpy(), rows[target].to_numpy())
               for _day, rows in index.groupby(days)]  # fmt: skip
    for lag in range(-max_rows, max_rows + 1):
        pairs_a, pairs_b = [], []
        for a, b in per_day:
            if len(a) <= abs(lag) + 2:
                continue
            if lag >= 0:
                pairs_a.append(a[: len(a) - lag])
                pairs_b.append(b[lag:])
            else:
                pairs_a.append(a[-lag:])
                pairs_b.append(b[: len(b) + lag])
        if not pairs_a:
            continue
        corr = float(np.corrcoef(np.concatenate(pairs_a), np.concatenate(pairs_b))[0, 1])
        if corr > best_corr:
            best_lag, best_corr = lag, corr
    return best_lag * step, best_corr


# --------------------------------------------------------------------------- the source's models

#: The zoo of pyramid MLPs of Martín López (2019), its Table 3.1: one, two or three hidden
#: layers starting at 50 x 2**k units (k = 0 ... 9, up to 25,600), each next layer half the
#: previous and the third about a quarter of the first (0.26 x, as in the result files of its
#: code repository: 800-400-208, 3200-1600-832): 30 models.
ZOO_WIDTHS: tuple[tuple[int, ...], ...] = tuple(
    widths
    for first in (50 * 2**k for k in range(10))
    for widths in ((first,), (first, first // 2), (first, first // 2, round(first * 0.26)))
)


def zoo(max_parameters: int | None = None, inputs: int = 50) -> pd.DataFrame:
    """List the 30 pyramid MLPs of Martín López (2019) (Table 3.1), smallest first.

    Each with its parameter count, by the thesis's formula ``sum((c_i + 1) * c_(i+1))`` over
    the layers ``inputs -> widths -> 1`` (its section 3.4.1): the reference a notebook's own
    builder is checked against.

    ``max_parameters`` leaves out the larger ones (the largest has 414 M parameters, 1.7 GB
    of float32 weights before the optimizer's copies).

    Examples
    --------
    >>> table = zoo()
    >>> len(table), int(table["parameters"].min()), int(table.loc["800-400-208", "parameters"])
    (30, 2601, 444817)
    """
    from neurona.parameters import count_dense

    inputs = whole_number("inputs", inputs, 1)
    if max_parameters is not None:
        max_parameters = whole_number("max_parameters", max_parameters, 1)
    rows = [{"model": "-".join(map(str, w)), "widths": w, "hidden_layers": len(w),
             "parameters": count_dense([inputs, *w, 1])} for w in ZOO_WIDTHS]  # fmt: skip
    table = pd.DataFrame(rows).set_index("model").sort_values("parameters")
    if max_parameters is not None:
        table = table[table["parameters"] <= max_parameters]
    return table


def reference_per_epoch(samples: int) -> pd.DataFrame:
    """Return the MLP training times of Martín López (2019), rescaled to one epoch of ``samples``.

    They come from the result files in the thesis's public code repository, not its
    document: 2 epochs over 1,366,100 samples (batch 1000, section 4.2). The thesis found
    time linear in epochs and steps (Tables 4.3, 4.4), so its seconds times
    ``samples / (2 x 1,366,100)`` are what its devices would need for one of our epochs:
    heights become comparable, not only slopes.
    """
    from neurona.reference import reference_table

    samples = whole_number("samples", samples, 1)
    table = reference_table("heterogeneous_mlp_training").copy()
    devices = [c for c in table.columns if c not in ("hidden_layers", "parameters")]
    table[devices] = table[devices] * (samples / (2 * 1_366_100))
    return table
