"""Solar irradiance nowcasting on the Oahu sensor grid (Martín López (2019)): data, baseline, maps.

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
* **prepares** the supervised task (:func:`make_supervised`): lagged inputs, the 10-second
  horizon, a split by whole days and the persistence baseline, scored with :func:`skill`
  (the baseline and the score are the course's addition: the thesis scored no forecasts);
  and 50x50 maps for the CNN (:func:`to_maps`).

The frame format shared by :func:`generate` and :func:`load_nrel`: a ``pandas.DataFrame``
indexed by local standard time (HST, UTC-10, naive timestamps, each the *start* of its
interval), one float column per sensor in the order of :data:`SENSORS`, in W/m².

Examples
--------
>>> from neurona import solar
>>> frame = solar.generate(size="classroom", seed=0)       # doctest: +SKIP
>>> task = solar.make_supervised(frame)                    # doctest: +SKIP
>>> task.x_train.shape                                     # doctest: +SKIP
(7690, 50)
>>> solar.skill(task.y_val, task.persistence_val, task.persistence_val)  # doctest: +SKIP
0.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from neurona.guards import quiet_retracing

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

#: Networks see irradiance in kW/m² (W/m² divided by this) and changes in 100 W/m² units.
IRRADIANCE_SCALE, CHANGE_SCALE = 1000.0, 100.0

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
_EAST = np.array([c for _, c in SENSORS.values()], dtype=float) * CELL_METRES
_NORTH = -np.array([r for r, _ in SENSORS.values()], dtype=float) * CELL_METRES


def sensor_metres() -> pd.DataFrame:
    """Each sensor's grid cell and its position in metres (east, north of the NW corner).

    Examples
    --------
    >>> sensor_metres().loc["DH10"].tolist()
    [8.0, 25.0, 500.0, -160.0]
    """
    return pd.DataFrame(
        {"row": [float(r) for r, _ in SENSORS.values()],
         "col": [float(c) for _, c in SENSORS.values()],
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


def _check_fraction(name: str, value, low: float = 0.0, high: float = 1.0) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number from {low} to {high}; got {value!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}; got {value}")
    return value


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
        if size not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)} or None; got {size!r}")
        days = SIZES[size]
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise ValueError(f"days must be a positive integer; got {days!r}")
    if (isinstance(step_seconds, bool) or not isinstance(step_seconds, (int, np.integer))
            or step_seconds < 1 or 3600 % step_seconds):
        raise ValueError(
            f"step_seconds must be a positive integer that divides 3600 (1, 2, 5, 10, 30, "
            f"60, ...); got {step_seconds!r}")
    cloud_cover = _check_fraction("cloud_cover", cloud_cover)
    noise = _check_fraction("noise", noise, 0.0, 0.5)
    if wind_speed is not None and not (isinstance(wind_speed, (int, float, np.number))
                                       and 0 < wind_speed <= 60):
        raise ValueError(f"wind_speed must be in m/s, above 0 and at most 60; got {wind_speed!r}")
    if wind_direction is not None and not isinstance(wind_direction, (int, float, np.number)):
        raise ValueError(
            f"wind_direction must be degrees clockwise from north; got {wind_direction!r}")
    try:
        low, high = (float(h) for h in hours)
    except (TypeError, ValueError):
        raise ValueError(
            f"hours must be two numbers (start, end) from 0 to 24; got {hours!r}") from None
    if not (0 <= low < high <= 24) or (high - low) * 3600 % step_seconds:
        raise ValueError(
            f"hours must be (start, end) with 0 <= start < end <= 24, whole multiples of "
            f"step_seconds; got {hours!r}")
    try:
        first = pd.Timestamp(start).normalize()
    except (TypeError, ValueError):
        raise ValueError(f"start must be a date such as '2010-06-01'; got {start!r}") from None

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
    raise ValueError(
        f"{source}: no time columns found; expected a 'timestamp' (or 'datetime') column, or "
        f"'Year' and 'DOY' with 'HST' (hhmm) and/or 'Seconds'; columns are "
        f"{', '.join(map(str, table.columns[:12]))}")


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
    if (isinstance(step_seconds, bool) or not isinstance(step_seconds, (int, np.integer))
            or step_seconds < 1 or 3600 % step_seconds):
        raise ValueError(f"step_seconds must be a positive integer that divides 3600; "
                         f"got {step_seconds!r}")
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*")
                       if p.is_file() and re.search(r"\.(txt|csv)(\.gz)?$", p.name, re.I))
        if not files:
            raise ValueError(f"{path}: no .txt or .csv files (optionally .gz) in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise ValueError(f"{path}: no such file or folder; see datasets/solar.md")
    frames = []
    for file in files:
        try:
            table = pd.read_csv(file, skipinitialspace=True)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise ValueError(f"{file}: not a comma-separated table ({error})") from None
        times = _times_of(table, str(file))
        columns = {}
        for column in table.columns:
            name = _sensor_name(column)
            if name is not None and name not in columns:
                columns[name] = column
        missing = [s for s in SENSORS if s not in columns]
        if missing:
            raise ValueError(f"{file}: no column for sensor(s) {', '.join(missing)}; expected one "
                             f"column per sensor named like 'DH10' or 'GH DH10'")
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


# --------------------------------------------------------------------------- the task


@dataclass(repr=False)
class SolarTask:
    """The supervised nowcasting task: inputs, targets and persistence, split by days.

    Attributes
    ----------
    x_train, x_val : numpy.ndarray
        ``(n, n_features)`` float32 inputs: each sensor's last ``lags`` readings in W/m²
        (divide by 1,000 before feeding a network), then ``sin`` and ``cos`` of the hour.
    y_train, y_val : numpy.ndarray
        The target sensor ``horizon_seconds`` later, W/m², float32.
    persistence_train, persistence_val : numpy.ndarray
        The persistence forecast: the target's current reading.
    feature_names : list of str
        ``"DH10_t-10s"``-style names of the columns of ``x``.
    days_train, days_val : list of str
        ISO dates of the days in each split (whole days, validation last).
    times_train, times_val : pandas.DatetimeIndex
        The time of each row (the "now" the forecast is made at).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    persistence_train: np.ndarray
    persistence_val: np.ndarray
    feature_names: list[str]
    days_train: list[str]
    days_val: list[str]
    times_train: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))
    times_val: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))
    target: str = TARGET
    horizon_seconds: int = 10

    def skill(self, y_pred) -> float:
        """Skill of predictions for the validation rows against persistence."""
        return skill(self.y_val, y_pred, self.persistence_val)

    def network_x(self, split: str = "train") -> np.ndarray:
        """Return inputs for a network: irradiance in kW/m² (divided by 1,000), hours as they are.

        ``split`` is ``"train"`` or ``"val"``.
        """
        x = self._pick(split, self.x_train, self.x_val).copy()
        hours = [i for i, n in enumerate(self.feature_names) if n.startswith("hour_")]
        irradiance = np.setdiff1d(np.arange(x.shape[1]), hours)
        x[:, irradiance] /= IRRADIANCE_SCALE
        return x

    def network_y(self, split: str = "train", target: str = "change") -> np.ndarray:
        """Targets for a network, ``(n, 1)`` float32.

        ``target="change"``: how much the reading will change in ``horizon_seconds``, in
        units of :data:`CHANGE_SCALE` (100 W/m²), so an output of 0 *is* persistence and the
        network learns only what persistence misses. ``target="level"``: the reading itself in
        kW/m², as the thesis predicted it (its section 4.3).
        """
        y = self._pick(split, self.y_train, self.y_val)
        if target == "change":
            p = self._pick(split, self.persistence_train, self.persistence_val)
            return ((y - p) / CHANGE_SCALE).astype(np.float32)[:, None]
        if target == "level":
            return (y / IRRADIANCE_SCALE).astype(np.float32)[:, None]
        raise ValueError(f"target must be one of change, level; got {target!r}")

    def forecast(self, output, split: str = "val", target: str = "change") -> np.ndarray:
        """Turn a network's outputs back into W/m² forecasts (the inverse of :meth:`network_y`)."""
        out = np.asarray(output, dtype=np.float32).reshape(-1)
        p = self._pick(split, self.persistence_train, self.persistence_val)
        if len(out) != len(p):
            raise ValueError(f"output has {len(out)} rows; the {split} split has {len(p)}")
        if target == "change":
            return p + out * CHANGE_SCALE
        if target == "level":
            return out * IRRADIANCE_SCALE
        raise ValueError(f"target must be one of change, level; got {target!r}")

    @staticmethod
    def _pick(split: str, train, val):
        if split == "train":
            return train
        if split == "val":
            return val
        raise ValueError(f"split must be one of train, val; got {split!r}")

    def __repr__(self) -> str:
        return (f"SolarTask(target={self.target!r}, horizon={self.horizon_seconds} s, "
                f"features={len(self.feature_names)}, train={len(self.y_train)} rows / "
                f"{len(self.days_train)} days, val={len(self.y_val)} rows / "
                f"{len(self.days_val)} days)")


def _check_frame(frame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError("frame must be a pandas DataFrame indexed by time, as generate() and "
                         f"load_nrel() return; got {type(frame).__name__}")
    missing = [s for s in SENSORS if s not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column for sensor(s) {', '.join(missing)}; "
                         f"expected {', '.join(SENSORS)}")
    return frame


def make_supervised(frame: pd.DataFrame, *, target: str = TARGET, horizon_seconds: int = 10,
                    lags: int = 3, split_days: float | int | None = None) -> SolarTask:
    """Turn readings into a forecasting task: predict ``target`` ``horizon_seconds`` ahead.

    Inputs per row, at time ``t`` with the frame's step ``s`` (10 s): the readings of all
    16 sensors at ``t, t - s, ..., t - (lags - 1) s`` plus ``sin`` and ``cos`` of the hour
    of day. With the default ``lags=3`` that is 16 x 3 + 2 = **50 features**, as many as the
    50 irradiance columns of Martín López (2019) (section 3.2, which does not list them: this
    choice is the course's). The output is ``target`` at ``t + horizon_seconds``.

    A row is kept only when every reading it uses lies on the same day, the times between
    them are exactly the step (no gap in the data), and the sun is up (:func:`clear_sky` > 0)
    at ``t - (lags - 1) s`` and at ``t + horizon``: no forecast crosses a night.

    The split is by whole days, the last ones for validation, so no validation cloud was
    seen in training.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`generate` or :func:`load_nrel`.
    target : str
        Sensor to predict, one of :data:`SENSORS`; the thesis's code repository uses ``"DH10"``.
    horizon_seconds : int
        How far ahead, a positive multiple of the frame's step.
    lags : int
        Readings per sensor (1 = only the current one).
    split_days : float or int, optional
        Validation days: a fraction in (0, 1) of the days (rounded, at least one), or a
        whole number of days. Default: a quarter of the days.

    Returns
    -------
    SolarTask

    Examples
    --------
    >>> task = make_supervised(generate(size="classroom"))   # doctest: +SKIP
    >>> len(task.feature_names)                              # doctest: +SKIP
    50
    """
    frame = _check_frame(frame)
    if target not in SENSORS:
        raise ValueError(f"target must be one of {', '.join(SENSORS)}; got {target!r}")
    if isinstance(lags, bool) or not isinstance(lags, (int, np.integer)) or lags < 1:
        raise ValueError(f"lags must be a positive integer; got {lags!r}")
    frame = frame.sort_index()
    times = frame.index.as_unit("ns").to_numpy()
    if len(times) < 2:
        raise ValueError("frame must have at least two rows")
    step_ns = int(np.median(np.diff(times).astype(np.int64)))
    step = step_ns / 1e9
    if (isinstance(horizon_seconds, bool) or not isinstance(horizon_seconds, (int, np.integer))
            or horizon_seconds < 1 or (horizon_seconds * 10**9) % step_ns):
        raise ValueError(f"horizon_seconds must be a positive multiple of the frame's step "
                         f"({step:g} s); got {horizon_seconds!r}")
    ahead = int(horizon_seconds * 10**9 // step_ns)
    back = lags - 1
    n = len(frame)
    rows = np.arange(back, n - ahead)
    if len(rows) == 0:
        raise ValueError("frame is too short for these lags and horizon")
    t64 = times.astype(np.int64)
    dates = frame.index.normalize().to_numpy()
    ok = (t64[rows + ahead] - t64[rows - back] == (ahead + back) * step_ns)
    ok &= dates[rows + ahead] == dates[rows - back]
    sun = clear_sky(frame.index) > 0
    ok &= sun[rows - back] & sun[rows + ahead]
    rows = rows[ok]
    if len(rows) == 0:
        raise ValueError("no rows left: the frame has no stretch of daylight long enough "
                         "for these lags and horizon")

    values = frame[list(SENSORS)].to_numpy(dtype=np.float32)
    parts, names = [], []
    for lag in range(lags):
        parts.append(values[rows - lag])
        suffix = "t" if lag == 0 else f"t-{lag * step:g}s"
        names += [f"{s}_{suffix}" for s in SENSORS]
    local = frame.index[rows]
    hour = (local.hour + local.minute / 60 + local.second / 3600).to_numpy(dtype=float)
    angle = 2 * np.pi * hour / 24
    parts += [np.sin(angle)[:, None].astype(np.float32), np.cos(angle)[:, None].astype(np.float32)]
    names += ["hour_sin", "hour_cos"]
    x = np.concatenate(parts, axis=1)
    column = list(SENSORS).index(target)
    y = values[rows + ahead, column]
    persistence = values[rows, column]

    row_days = dates[rows]
    unique_days = np.unique(row_days)
    if len(unique_days) < 2:
        raise ValueError(f"a day-wise split needs at least 2 days with daylight; the frame has "
                         f"{len(unique_days)}")
    if split_days is None:
        split_days = 0.25
    if isinstance(split_days, bool) or not isinstance(split_days, (int, float, np.number)):
        raise ValueError(f"split_days must be a fraction in (0, 1) or a number of days; "
                         f"got {split_days!r}")
    if isinstance(split_days, (int, np.integer)):
        if not 1 <= split_days < len(unique_days):
            raise ValueError(f"split_days must be from 1 to {len(unique_days) - 1} days; "
                             f"got {split_days}")
        n_val = int(split_days)
    else:
        if not 0 < split_days < 1:
            raise ValueError(f"split_days as a fraction must be in (0, 1); got {split_days}")
        n_val = min(max(round(len(unique_days) * split_days), 1), len(unique_days) - 1)
    val_days = unique_days[-n_val:]
    is_val = np.isin(row_days, val_days)

    def iso(days) -> list[str]:
        return [pd.Timestamp(d).date().isoformat() for d in days]

    return SolarTask(
        x_train=x[~is_val], y_train=y[~is_val], x_val=x[is_val], y_val=y[is_val],
        persistence_train=persistence[~is_val], persistence_val=persistence[is_val],
        feature_names=names, days_train=iso(unique_days[:-n_val]), days_val=iso(val_days),
        times_train=local[~is_val], times_val=local[is_val], target=target,
        horizon_seconds=int(horizon_seconds),
    )


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
        raise ValueError(f"y_true and y_pred must be non-empty and of the same length; got "
                         f"{y_true.size} and {y_pred.size}")
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
        raise ValueError("persistence is perfect on these rows (RMSE 0), so skill is undefined")
    return 1.0 - rmse(y_true, y_pred) / reference


# --------------------------------------------------------------------------- maps

_WEIGHTS: dict[tuple[int, str], np.ndarray] = {}


def _positions(size: int) -> np.ndarray:
    return np.array(list(SENSORS.values()), dtype=float) * (size - 1) / 49


def _idw_weights(size: int, power: float = 2.0) -> np.ndarray:
    rows, cols = np.mgrid[0:size, 0:size]
    cells = np.stack([rows.ravel(), cols.ravel()], axis=1).astype(float)
    distance = np.linalg.norm(cells[:, None, :] - _positions(size)[None, :, :], axis=2)
    with np.errstate(divide="ignore"):
        weights = 1.0 / distance**power
    exact = distance < 1e-9
    hit = exact.any(axis=1)
    weights[hit] = exact[hit].astype(float)          # a sensor's own cell is its reading
    return weights / weights.sum(axis=1, keepdims=True)


def _linear_weights(size: int) -> np.ndarray:
    from scipy.spatial import Delaunay

    rows, cols = np.mgrid[0:size, 0:size]
    cells = np.stack([rows.ravel(), cols.ravel()], axis=1).astype(float)
    triangulation = Delaunay(_positions(size))
    simplex = triangulation.find_simplex(cells)
    weights = _idw_weights(size)                     # outside the sensors' hull: IDW
    inside = simplex >= 0
    transform = triangulation.transform[simplex[inside]]
    partial = np.einsum("nij,nj->ni", transform[:, :2], cells[inside] - transform[:, 2])
    bary = np.concatenate([partial, 1 - partial.sum(axis=1, keepdims=True)], axis=1)
    linear = np.zeros((inside.sum(), len(SENSORS)))
    np.put_along_axis(linear, triangulation.simplices[simplex[inside]], bary, axis=1)
    weights[inside] = linear
    return weights


def to_maps(readings, size: int = 50, method: str = "idw") -> np.ndarray:
    """Interpolate sensor readings onto ``size x size`` maps, the CNN's input.

    Each map is a fixed linear combination of the 16 readings, so all maps are one matrix
    product. ``"idw"``: inverse-distance weighting (power 2), which equals each sensor's
    reading on its own cell and is smooth elsewhere. ``"linear"``: linear interpolation on
    the Delaunay triangles of the sensors (what ``scipy.interpolate.griddata`` does), with
    IDW outside their convex hull.

    Memory: ``n x size² x 4`` bytes, 10 kB per map at 50x50; map a subset, not 1.37 M rows.

    Parameters
    ----------
    readings : pandas.DataFrame or array-like
        A frame with the 16 sensor columns, or an ``(n, 16)`` array in the order of
        :data:`SENSORS`, or one row ``(16,)``.
    size : int
        Cells per side; the sensors' grid positions are scaled from the 50x50 grid.
    method : {"idw", "linear"}
        Inverse-distance weighting, or linear on triangles (see above).

    Returns
    -------
    numpy.ndarray
        ``(n, size, size, 1)`` float32, row 0 north, as ``keras.layers.Conv2D`` expects.

    Examples
    --------
    >>> maps = to_maps(np.arange(16.0))
    >>> maps.shape, float(maps[0, 8, 25, 0])     # DH10's cell holds DH10's reading
    ((1, 50, 50, 1), 14.0)
    """
    if method not in ("idw", "linear"):
        raise ValueError(f"method must be 'idw' or 'linear'; got {method!r}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"size must be an integer of at least 2; got {size!r}")
    if isinstance(readings, pd.DataFrame):
        values = _check_frame(readings)[list(SENSORS)].to_numpy(dtype=np.float32)
    else:
        values = np.asarray(readings, dtype=np.float32)
        if values.ndim == 1:
            values = values[None, :]
        if values.ndim != 2 or values.shape[1] != len(SENSORS):
            raise ValueError(f"readings must be a frame with the sensor columns or an array of "
                             f"shape (n, {len(SENSORS)}); got shape {values.shape}")
    key = (int(size), method)
    if key not in _WEIGHTS:
        build = _idw_weights if method == "idw" else _linear_weights
        _WEIGHTS[key] = build(int(size)).astype(np.float32)
    maps = values @ _WEIGHTS[key].T
    return maps.reshape(len(values), size, size, 1)


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
    if target not in SENSORS:
        raise ValueError(f"target must be one of {', '.join(SENSORS)}; got {target!r}")
    blowing = np.deg2rad(float(wind_direction) + 180.0)   # where the wind blows *to*
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
    for name in (sensor, target):
        if name not in SENSORS:
            raise ValueError(f"sensor must be one of {', '.join(SENSORS)}; got {name!r}")
    index = clear_sky_index(frame)
    if len(index) < 10:
        raise ValueError("frame has too little daylight to correlate (fewer than 10 rows)")
    step = float(np.median(np.diff(index.index.as_unit("ns").to_numpy()).astype(np.int64))) / 1e9
    max_rows = int(max_lag_seconds // step)
    best_lag, best_corr = 0, -np.inf
    days = index.index.normalize()
    # Each day's two series, sliced once: a lag never pairs rows of different days.
    per_day = [(rows[sensor].to_numpy(), rows[target].to_numpy())
               for _, rows in index.groupby(days)]  # fmt: skip
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


def current_readings(x: np.ndarray) -> np.ndarray:
    """Return the 16 current readings (``*_t`` columns) of a task's inputs, ``(n, 16)``.

    :func:`make_supervised` puts them first, in the order of :data:`SENSORS`; these are
    what :func:`to_maps` spreads over the CNN's 50x50 maps.
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] < len(SENSORS):
        raise ValueError(f"x must be a task's inputs, shape (n, >= {len(SENSORS)}); "
                         f"got {x.shape}")
    return x[:, : len(SENSORS)]


def maps_from_inputs(x, channels: int = 1, size: int = 50, method: str = "idw") -> np.ndarray:
    """Make the CNN's maps from a task's inputs: one channel per reading time.

    Channel 0 maps the current readings, channel 1 those 10 s earlier, and so on (at most
    the task's ``lags``). One map is a snapshot: it shows where the shadows are, not where
    they go. Two show the motion, as two frames of a film do.

    Returns
    -------
    numpy.ndarray
        ``(n, size, size, channels)`` float32, in the units of ``x``.
    """
    x = np.asarray(x)
    lags = (x.shape[1] - 2) // len(SENSORS) if x.ndim == 2 else 0
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) \
            or not 1 <= channels <= max(lags, 1):
        raise ValueError(f"channels must be from 1 to the task's lags ({lags}); got {channels!r}")
    current_readings(x)
    parts = [to_maps(x[:, k * len(SENSORS):(k + 1) * len(SENSORS)], size, method)
             for k in range(int(channels))]
    return np.concatenate(parts, axis=-1)


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

#: The subset notebook 10 trains by default: small to 1.7 M parameters, all three depths.
ZOO_SUBSET: tuple[tuple[int, ...], ...] = ((50,), (1600,), (800, 400, 208), (1600, 800, 416))


def zoo(max_parameters: int | None = None, inputs: int = 50) -> pd.DataFrame:
    """List the 30 pyramid MLPs of Martín López (2019) (Table 3.1), smallest first.

    Each with its parameter count.

    ``max_parameters`` leaves out the larger ones (the largest has 414 M parameters, 1.7 GB
    of float32 weights before the optimizer's copies).

    Examples
    --------
    >>> table = zoo()
    >>> len(table), int(table["parameters"].min()), int(table.loc["800-400-208", "parameters"])
    (30, 2601, 444817)
    """
    from neurona.bench.zoo import pyramid_parameters

    rows = [{"model": "-".join(map(str, w)), "widths": w, "hidden_layers": len(w),
             "parameters": pyramid_parameters(w, inputs)} for w in ZOO_WIDTHS]  # fmt: skip
    table = pd.DataFrame(rows).set_index("model").sort_values("parameters")
    if max_parameters is not None:
        table = table[table["parameters"] <= max_parameters]
    return table


def pyramid_mlp(widths, inputs: int = 50, *, seed: int | None = None):
    """Build a pyramid MLP of Martín López (2019) (its Figure 3.4), uncompiled.

    ``inputs`` -> ``widths`` (ReLU) -> 1 linear output, as in the thesis's code.

    The same network :mod:`neurona.bench` times (``ZOO["pyramid"]``), here for training on
    the real task. ``seed`` fixes the initial weights.
    """
    import keras

    from neurona.bench.zoo import ZOO

    if seed is not None:
        keras.utils.set_random_seed(seed)
    widths = tuple(widths) if isinstance(widths, (list, tuple)) else widths
    return ZOO["pyramid"].build(keras, {"widths": widths, "inputs": inputs})


def map_cnn(size: int = 50, channels: int = 1, *, seed: int | None = None):
    """Build the CNN of Martín López (2019) on irradiance maps, with a **linear** output.

    The thesis's code (its Figure 3.9) ends in a ReLU, which cannot output a negative
    change; the linear unit is the course's correction.

    Conv 32 3x3 ReLU -> Conv 64 3x3 ReLU -> MaxPool 2x2 -> Dropout 0.25 -> Flatten ->
    Dense 128 ReLU -> Dropout 0.5 -> Dense 1. On 50x50x1 maps: 4,352,641 parameters, almost
    all in the first Dense layer (23 x 23 x 64 = 33,856 inputs x 128).

    Examples
    --------
    >>> map_cnn().count_params()       # doctest: +SKIP
    4352641
    """
    import keras

    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 6:
        raise ValueError(f"size must be an integer of at least 6; got {size!r}")
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels < 1:
        raise ValueError(f"channels must be a positive integer; got {channels!r}")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    layers = keras.layers
    return keras.Sequential([
        keras.Input((int(size), int(size), int(channels))),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(1, dtype="float32"),   # linear: irradiance is a number, not a class
    ], name="map_cnn")


def reference_per_epoch(samples: int) -> pd.DataFrame:
    """Return the MLP training times of Martín López (2019), rescaled to one epoch of ``samples``.

    They come from the result files in the thesis's public code repository, not its
    document: 2 epochs over 1,366,100 samples (batch 1000, section 4.2). The thesis found
    time linear in epochs and steps (Tables 4.3, 4.4), so its seconds times
    ``samples / (2 x 1,366,100)`` are what its devices would need for one of our epochs:
    heights become comparable, not only slopes.
    """
    from neurona.reference import reference_table

    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ValueError(f"samples must be a positive integer; got {samples!r}")
    table = reference_table("heterogeneous_mlp_training").copy()
    devices = [c for c in table.columns if c not in ("hidden_layers", "parameters")]
    table[devices] = table[devices] * (samples / (2 * 1_366_100))
    return table
