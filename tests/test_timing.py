import time

import pytest

from neurona.timing import Stopwatch, format_seconds, run_timed


def test_stopwatch_measures_wall_and_cpu(capsys):
    with Stopwatch("sleep and spin") as watch:
        time.sleep(0.05)
        watch.lap("slept")
        sum(i * i for i in range(200_000))
    assert watch.wall >= 0.05
    assert 0 < watch.cpu < watch.wall + 1
    assert watch.laps[0][0] == "slept" and watch.laps[0][1] >= 0.05
    out = capsys.readouterr().out
    assert out.startswith("sleep and spin:") and "wall" in out and "cores busy" in out


def test_format_seconds_units():
    assert format_seconds(0.0123) == "12 ms"
    assert format_seconds(3.14159) == "3.1 s"
    assert format_seconds(42) == "42 s"
    assert format_seconds(61) == "1 min 01 s"


def test_run_timed_returns_the_last_expression():
    namespace = {}
    value, watch = run_timed("x = 20\nx + 22", namespace)
    assert value == 42 and namespace["x"] == 20 and watch.wall >= 0
    value, _ = run_timed("y = 1", namespace)
    assert value is None
    with pytest.raises(ZeroDivisionError):
        run_timed("1 / 0", namespace)
