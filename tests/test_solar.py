"""The Oahu solar generator, the checks, persistence skill, and notebook 12's own task code.

Notebook 12 builds the lesson in its cells (the lagged features, the split by days, the
pyramid MLPs, the maps and the map CNN); the tests run those very cells (by id) on a small
generated frame instead of keeping a second copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import neurona as nr
from neurona import solar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells  # noqa: E402

#: Notebook 12's cells that build the task: features, the split by days, scaling and skill.
TASK_CELLS = ["12-013", "12-013b", "12-014a"]


@pytest.fixture(scope="module")
def classroom() -> pd.DataFrame:
    return solar.generate(size="classroom", seed=0)


def notebook_task(frame: pd.DataFrame, cells=TASK_CELLS) -> dict:
    """Run notebook 12's task cells on ``frame``; return the namespace they fill."""
    return run_cells("12", cells, {"np": np, "pd": pd, "nr": nr, "SEED": 0, "frame": frame})


@pytest.fixture(scope="module")
def task(classroom) -> dict:
    return notebook_task(classroom)


@pytest.fixture(scope="module")
def models() -> dict:
    import keras

    return run_cells("12", ["12-016a", "12-020a", "12-021b"],
                     {"np": np, "nr": nr, "keras": keras})


def test_generate_is_deterministic_per_seed():
    first = solar.generate(1, seed=3, step_seconds=60)
    again = solar.generate(1, seed=3, step_seconds=60)
    other = solar.generate(1, seed=4, step_seconds=60)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first.to_numpy(), other.to_numpy())
    assert first.attrs["days"] == again.attrs["days"]


def test_a_day_is_the_same_however_many_days_are_generated():
    short = solar.generate(1, seed=5, step_seconds=60)
    longer = solar.generate(2, seed=5, step_seconds=60)
    pd.testing.assert_frame_equal(short, longer.iloc[: len(short)], check_freq=False)


def test_classroom_frame_format(classroom):
    assert list(classroom.columns) == list(solar.SENSORS)
    assert len(solar.SENSORS) == 16 and solar.TARGET == "DH10"
    assert isinstance(classroom.index, pd.DatetimeIndex)
    assert classroom.shape == (2 * 15 * 360, 16)        # 05:00-20:00 at 10 s, two days
    assert (np.diff(classroom.index.to_numpy())[:10] == np.timedelta64(10, "s")).all()
    assert classroom.attrs["source"] == "generated"
    assert np.isfinite(classroom.to_numpy()).all()


def test_readings_are_non_negative_and_zero_at_night(classroom):
    assert (classroom.to_numpy() >= 0).all()
    # A row is the mean of its 10 s: it is night when the sun is down at both ends.
    night = (solar.clear_sky(classroom.index) == 0) & (
        solar.clear_sky(classroom.index + pd.Timedelta(seconds=9)) == 0)
    assert night.sum() > 100                             # dawn and dusk inside 05:00-20:00
    assert (classroom[night].to_numpy() == 0).all()
    whole = solar.generate(1, seed=1, step_seconds=60, hours=(0, 24))
    assert (whole.between_time("00:00", "05:00").to_numpy() == 0).all()
    assert (whole.between_time("20:00", "23:59").to_numpy() == 0).all()


def test_clear_day_is_bright_at_noon_and_follows_clear_sky():
    clear = solar.generate(1, seed=0, cloud_cover=0.0, step_seconds=60)
    noon = clear.between_time("12:00", "13:00")
    assert (noon.to_numpy() > 800).all()
    ratio = solar.clear_sky_index(clear).to_numpy()
    assert np.abs(ratio - 1).max() < 0.06                # gains of 1 % and 1 % noise only


def test_clear_sky_model():
    sky = solar.clear_sky(pd.date_range("2010-06-21", periods=24 * 60, freq="min"))
    assert sky.min() == 0 and 950 < sky.max() < 1100
    peak = pd.Timestamp("2010-06-21") + pd.Timedelta(minutes=int(np.argmax(sky)))
    assert pd.Timestamp("2010-06-21 12:15") < peak < pd.Timestamp("2010-06-21 12:45")
    sunrise = np.flatnonzero(sky > 0)[0] / 60
    assert 5.5 < sunrise < 6.2                           # about 05:50 HST at the solstice
    winter = solar.clear_sky(["2010-12-21 12:30"])[0]
    assert winter < sky.max()
    aware = solar.clear_sky(pd.DatetimeIndex(["2010-06-21 22:30"], tz="UTC"))
    assert aware[0] == pytest.approx(solar.clear_sky(["2010-06-21 12:30"])[0])


def test_nearby_sensors_correlate_more_than_distant_ones():
    index = solar.clear_sky_index(solar.generate(4, seed=2))
    corr = index.corr()
    near = corr.loc["DH10", ["DH6", "DH9"]].mean()     # 120 m and 190 m away
    far = corr.loc["DH10", ["AP7", "AP6"]].mean()      # 910 m and 850 m away
    assert near > far + 0.1


def test_upwind_sensor_leads_the_target():
    # Wind from the west at 10 m/s: DH11 is 200 m west of DH10, so it sees the shadows
    # 20 s earlier.
    frame = solar.generate(1, seed=3, step_seconds=1, wind_speed=10.0, wind_direction=270.0)
    index = solar.clear_sky_index(frame)
    upwind, target = index["DH11"].to_numpy(), index["DH10"].to_numpy()
    lags = np.arange(-60, 61)

    def corr(lag: int) -> float:
        if lag >= 0:
            return np.corrcoef(upwind[: len(upwind) - lag], target[lag:])[0, 1]
        return np.corrcoef(upwind[-lag:], target[: len(target) + lag])[0, 1]

    best = lags[np.argmax([corr(int(lag)) for lag in lags])]
    distance = (solar.SENSORS["DH10"][1] - solar.SENSORS["DH11"][1]) * solar.CELL_METRES
    assert best > 0
    assert best == pytest.approx(distance / 10.0, abs=4)


def test_persistence_skill_is_exactly_zero(task):
    actual, persistence = task["actual_val"], task["persistence_val"]
    assert solar.skill(actual, persistence, persistence) == 0.0
    assert task["skill"](persistence) == 0.0
    assert solar.skill(actual, actual, persistence) == 1.0


def test_notebook_features_layout(classroom, task):
    inputs, later = task["inputs"], task["later"]
    assert inputs.shape[1] == 50 == task["x_train"].shape[1]
    assert list(inputs.columns[:2]) == ["AP1_t", "AP4_t"]
    assert "DH10_t-20s" in inputs.columns and inputs.columns[-1] == "hour_cos"
    assert (later.index == inputs.index).all()
    # The inputs are the readings now and 10 s, 20 s earlier; the target is DH10 10 s later.
    for column, seconds in [("DH10_t", 0), ("DH3_t-10s", -10), ("AP7_t-20s", -20)]:
        sensor = column.split("_")[0]
        earlier = classroom[sensor].reindex(inputs.index + pd.Timedelta(seconds=seconds))
        np.testing.assert_array_equal(inputs[column].to_numpy(), earlier.to_numpy())
    np.testing.assert_array_equal(
        later.to_numpy(), classroom["DH10"].reindex(inputs.index + pd.Timedelta(seconds=10)))
    np.testing.assert_array_equal(task["persistence_val"], inputs.loc[task["is_val"], "DH10_t"])
    assert (solar.clear_sky(inputs.index) > 0).all()          # every row has daylight


def test_notebook_features_use_no_future_reading(classroom, task):
    solar.check_no_future(task["make_features"], classroom)       # the notebook's own: clean
    make_features = task["make_features"]

    def peeking(frame):   # the readings 10 s later, passed off as the readings now
        inputs, later = make_features(frame)
        shifted = frame[list(solar.SENSORS)].shift(-1).reindex(inputs.index)
        inputs[[f"{s}_t" for s in solar.SENSORS]] = shifted.to_numpy()
        return inputs, later

    with pytest.raises(ValueError, match=r"features use the future.*AP1_t"):
        solar.check_no_future(peeking, classroom)


def test_notebook_features_never_cross_a_gap_or_a_day():
    frame = solar.generate(3, seed=0, step_seconds=10, hours=(0, 24))
    frame = frame.drop(frame.between_time("12:00", "12:05").index[:31])  # a gap on day 1
    task = notebook_task(frame)
    inputs, later = task["make_features"](frame, lags=2, horizon_s=60)
    times = inputs.index
    assert not ((times >= "2010-06-01 11:59") & (times < "2010-06-01 12:05")).any()
    assert ((times + pd.Timedelta(seconds=60)).normalize() == times.normalize()).all()
    assert inputs.shape[1] == 16 * 2 + 2 and len(later) == len(inputs)
    is_val = task["split_by_day"](times)
    assert solar.check_day_split(times[~is_val], times[is_val]) == (
        ["2010-06-01", "2010-06-02"], ["2010-06-03"])


def test_notebook_split_is_by_whole_days(task):
    assert task["train_days"] == ["2010-06-01"] and task["val_days"] == ["2010-06-02"]
    times = task["inputs"].index
    train, val = times[~task["is_val"]], times[task["is_val"]]
    assert not set(train.normalize()) & set(val.normalize())
    assert set(task["times_val"].normalize()) == {pd.Timestamp("2010-06-02")}
    assert len(task["x_train"]) == len(train) and len(task["x_val"]) == len(val)


def test_check_day_split_names_the_shared_days():
    days = pd.to_datetime(["2010-06-01 10:00", "2010-06-02 10:00", "2010-06-03 10:00"])
    assert solar.check_day_split(days[:2], days[2:]) == (["2010-06-01", "2010-06-02"],
                                                        ["2010-06-03"])
    with pytest.raises(ValueError, match="2 days have rows in both.*2010-06-01, 2010-06-02"):
        solar.check_day_split(days, days[:2] + pd.Timedelta(hours=1))
    with pytest.raises(ValueError, match="val_times has no rows"):
        solar.check_day_split(days, days[:0])


def test_notebook_network_inputs_targets_and_forecast_round_trip(classroom):
    task = notebook_task(classroom)
    inputs, x = task["inputs"][~task["is_val"]], task["x_train"]
    assert x.shape == inputs.shape and x.dtype == np.float32
    np.testing.assert_allclose(x[:, :48], inputs.to_numpy()[:, :48] / 1000, rtol=1e-6)
    np.testing.assert_array_equal(x[:, -2:], inputs.to_numpy()[:, -2:])   # the hour as it is
    actual, now = task["actual_val"], task["persistence_val"]
    for kind in ("change", "level"):
        task["TARGET_KIND"] = kind
        y = task["network_y"](actual, now)
        assert y.shape == (len(actual), 1) and y.dtype == np.float32
        np.testing.assert_allclose(task["to_forecast"](y, now), actual, atol=1e-3)
    task["TARGET_KIND"] = "change"
    # an output of zero change *is* persistence
    zero = task["to_forecast"](np.zeros(len(actual)), now)
    assert task["skill"](zero) == pytest.approx(0.0, abs=1e-9)


def test_a_small_model_beats_persistence(task):
    from sklearn.linear_model import Ridge

    model = Ridge(alpha=1.0).fit(task["x_train"], task["y_train"])
    forecast = task["to_forecast"](model.predict(task["x_val"]), task["persistence_val"])
    assert task["skill"](forecast) > 0.1


def test_notebook_maps_hold_each_sensor_reading_on_its_cell(task, models):
    x = task["x_val"][:10]
    maps = models["maps_from_inputs"](x, channels=2)
    assert maps.shape == (10, 50, 50, 2) and maps.dtype == np.float32
    for k, (r, c) in enumerate(solar.SENSORS.values()):
        np.testing.assert_allclose(maps[:, r, c, 0], x[:, k], rtol=1e-5)        # now
        np.testing.assert_allclose(maps[:, r, c, 1], x[:, 16 + k], rtol=1e-5)   # 10 s ago
    now = x[:, :16]
    assert (maps[..., 0] >= now.min(axis=1)[:, None, None] - 1e-6).all()
    assert (maps[..., 0] <= now.max(axis=1)[:, None, None] + 1e-6).all()
    assert models["maps_from_inputs"](x, channels=1).shape == (10, 50, 50, 1)


def test_load_nrel_reads_daily_files(tmp_path, classroom):
    day = classroom.loc["2010-06-01"].iloc[::1]
    seconds = ((day.index - day.index.normalize()).total_seconds()).astype(int)
    table = pd.DataFrame({"Year": 2010, "DOY": 152, "Seconds": seconds})
    for name in solar.SENSORS:
        table[f"GH {name.lower()}"] = day[name].to_numpy()
    table["GH AP3"] = 1.0                                  # an extra sensor is ignored
    table.to_csv(tmp_path / "20100601.txt", index=False)
    loaded = solar.load_nrel(tmp_path, step_seconds=10)
    assert list(loaded.columns) == list(solar.SENSORS)
    np.testing.assert_allclose(loaded.to_numpy(), day.to_numpy(), rtol=1e-6)
    assert (loaded.index == day.index).all() and loaded.attrs["source"] == "nrel"


def test_load_nrel_explains_a_wrong_layout(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        solar.load_nrel(tmp_path / "missing")
    with pytest.raises(ValueError, match="no .txt or .csv"):
        solar.load_nrel(tmp_path)
    pd.DataFrame({"Year": [2010], "DOY": [152], "Seconds": [0], "DH10": [1.0]}).to_csv(
        tmp_path / "a.csv", index=False)
    with pytest.raises(ValueError, match="AP1"):
        solar.load_nrel(tmp_path / "a.csv")
    pd.DataFrame({"when": [1], "DH10": [1.0]}).to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(ValueError, match="time columns"):
        solar.load_nrel(tmp_path / "b.csv")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": "huge"}, "size must be one of classroom, medium, source"),
        ({"days": 0}, "days must be a whole number >= 1"),
        ({"step_seconds": 7}, r"step_seconds must be .* \(a divisor of 3600: 1, 2, 5"),
        ({"cloud_cover": 1.5}, "cloud_cover"),
        ({"noise": -0.1}, "noise"),
        ({"wind_speed": 0}, "wind_speed"),
        ({"hours": (20, 5)}, "hours"),
        ({"start": "not a date"}, "start"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        solar.generate(**kwargs)


def test_other_functions_reject_bad_arguments(classroom):
    def features(frame):
        return frame.iloc[:, :3]

    with pytest.raises(ValueError, match="DataFrame indexed by time"):
        solar.check_no_future(features, classroom.to_numpy())
    with pytest.raises(ValueError, match="no column for sensor"):
        solar.check_no_future(features, classroom.drop(columns="AP7"))
    with pytest.raises(ValueError, match="must return the inputs as a DataFrame"):
        solar.check_no_future(lambda frame: frame.to_numpy(), classroom)
    with pytest.raises(ValueError, match="made no row at or before"):
        solar.check_no_future(features, classroom, at="2009-01-01")
    with pytest.raises(ValueError, match="train_times must be the rows' times"):
        solar.check_day_split(3, classroom.index)
    with pytest.raises(ValueError, match="same length"):
        solar.rmse([1, 2], [1])
    with pytest.raises(ValueError, match="persistence is perfect"):
        solar.skill([1, 2], [1, 2], [1, 2])
    with pytest.raises(ValueError, match="wind_direction must be a finite number"):
        solar.downwind_metres("west")
    with pytest.raises(ValueError, match="max_lag_seconds must be a finite number > 0"):
        solar.lead_seconds(classroom, "DH11", max_lag_seconds=0)


def test_sensor_metres():
    table = solar.sensor_metres()
    assert table.loc["AP7", "north_m"] == -49 * solar.CELL_METRES
    assert table.loc["DH1", "east_m"] == 49 * solar.CELL_METRES


# --------------------------------------------------------------------------- notebook 12's helpers


def test_clear_sky_index_is_one_in_the_sun():
    clear = solar.generate(1, seed=0, step_seconds=60, cloud_cover=0.0, noise=0.0)
    index = solar.clear_sky_index(clear)
    assert len(index) > 100
    np.testing.assert_allclose(index.to_numpy(), 1.0, atol=0.04)   # only the 1 % calibration


def test_downwind_distances_follow_the_wind():
    west = solar.downwind_metres(270.0)          # wind from the west blows eastward
    assert west["DH10"] == 0.0
    assert west["DH11"] == pytest.approx(-200.0)  # 10 cells west of DH10: upwind
    assert west["DH1"] == pytest.approx(480.0)    # 24 cells east: downwind
    east = solar.downwind_metres(90.0)
    np.testing.assert_allclose(east.to_numpy(), -west.to_numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="target must be one of"):
        solar.downwind_metres(90.0, target="DH99")


def test_lead_seconds_matches_distance_over_wind_speed():
    frame = solar.generate(1, seed=3, step_seconds=5, wind_speed=10.0, wind_direction=270.0)
    lead, corr = solar.lead_seconds(frame, "DH11", max_lag_seconds=60)
    assert lead == pytest.approx(20.0, abs=5) and corr > 0.8
    lag_back, _ = solar.lead_seconds(frame, "DH3", max_lag_seconds=60)   # 80 m downwind
    assert lag_back < 0
    with pytest.raises(ValueError, match="sensor must be one of"):
        solar.lead_seconds(frame, "XX1")


def test_the_zoo_has_the_thesis_sizes():
    table = solar.zoo()
    assert len(table) == 30
    assert table["hidden_layers"].value_counts().to_dict() == {1: 10, 2: 10, 3: 10}
    thesis = nr_reference_parameters()
    for widths in ["50", "1600", "800-400-208", "1600-800-416", "12800-6400-3328"]:
        assert table.loc[widths, "parameters"] == thesis[widths]
    assert solar.zoo(max_parameters=100_000)["parameters"].max() <= 100_000


def test_notebook_pyramid_mlps_have_the_zoo_parameters(models):
    table = solar.zoo()
    for name in ["50", "1600", "800-400-208", "1600-800-416"]:
        model = models["pyramid_mlp"](table.loc[name, "widths"], seed=0)
        assert model.count_params() == table.loc[name, "parameters"]
        assert model.output_shape == (None, 1)
        assert model.layers[-1].activation.__name__ == "linear"
    same = models["pyramid_mlp"]((8,), seed=3).get_weights()[0]
    np.testing.assert_array_equal(same, models["pyramid_mlp"]((8,), seed=3).get_weights()[0])


def test_notebook_map_cnn_has_the_thesis_size_and_a_linear_output(task, models):
    cnn = models["map_cnn"]()
    assert cnn.count_params() == 4_352_641
    assert cnn.layers[-1].activation.__name__ == "linear"
    two = models["map_cnn"](channels=2)
    assert two.count_params() == 4_352_641 + 9 * 32
    maps = models["maps_from_inputs"](task["x_val"][:3], channels=2)
    assert two.predict(maps, verbose=0).shape == (3, 1)


def nr_reference_parameters() -> dict[str, int]:
    from neurona import reference_table

    table = reference_table("heterogeneous_mlp_training")
    return dict(zip(table["hidden_layers"].astype(str), table["parameters"], strict=True))


def test_reference_times_rescaled_to_one_epoch():
    per_epoch = solar.reference_per_epoch(1_366_100)
    from neurona import reference_table

    raw = reference_table("heterogeneous_mlp_training")
    np.testing.assert_allclose(per_epoch["gtx1080"].dropna(), raw["gtx1080"].dropna() / 2)
    with pytest.raises(ValueError, match="samples must be a whole number >= 1"):
        solar.reference_per_epoch(0)


def test_solar_pictures_draw(classroom):
    import matplotlib.pyplot as plt

    from neurona import plots

    rows = classroom.between_time("07:00", "17:00")
    times, actual = rows.index[:-1], rows["DH10"].to_numpy()[1:]
    forecasts = {"persistence": rows["DH10"].to_numpy()[:-1], "perfect": actual}
    assert plots.plot_sensor_grid(70.0) is not None
    plots.plot_day(classroom, day=1)
    start = classroom.index[0] + pd.Timedelta(hours=7)
    ax = plots.plot_cloud_passage(classroom, start, minutes=3, wind_direction=70.0)
    assert len(ax.lines) == 7                     # six sensors along the wind, and the target
    leads = pd.DataFrame({"lead_s": [10.0, -10.0], "downwind_m": [-100.0, 100.0]},
                         index=["DH2", "DH11"])  # fmt: skip
    plots.plot_leads(leads, 10.0)
    axes = plots.plot_maps(np.random.default_rng(0).random((2, 50, 50, 2)))
    assert len(axes) == 2
    plots.plot_forecast(times, actual, forecasts)
    plots.plot_predicted_vs_actual(actual, forecasts)
    plots.plot_residuals(actual, forecasts)
    ax = plots.plot_skill({"persistence": 0.0, "model": 0.4})
    assert [p.get_width() for p in ax.patches] == [0.0, 0.4]
    with pytest.raises(ValueError, match="day must be a whole number from 0 to 1"):
        plots.plot_day(classroom, day=5)
    with pytest.raises(ValueError, match="target must be one of AP1, AP4"):
        plots.plot_sensor_grid(target="DH99")
    plt.close("all")
