"""What the classroom board shows, computed once for the projector page and the notebook panel.

:func:`summarise` reads the board's data (the server's ``/api/board`` answer) and returns the
four pictures' numbers: each student's final value of one metric against the value the student
was assigned, the groups of students that share a value (mean, spread), every student's curve,
and the room's hardware beside Martín López (2019)'s devices for the same model. The server
sends it as the board's ``summary``; the page and :func:`neurona.plots.plot_board` only draw it.

Only the standard library is used, except to read Martín López (2019)'s table once (pandas).
"""

from __future__ import annotations

import functools
import math
import statistics
from typing import Any

from neurona.i18n import N_, _
from neurona.validate import one_of

__all__ = ["summarise", "higher_is_better", "reference", "HARDWARE_MODEL", "ROOM_PREFIX"]

#: Runs named with this prefix are the class's experiment (the lessons' "with a class" cells):
#: when a student sent any, the board shows only those, not the notebook's other runs.
ROOM_PREFIX = "room:"
#: The model whose speed the room compares with Martín López (2019)'s devices (notebook 11's cell).
HARDWARE_MODEL = "MLP 50-1600-1"

# The metric chosen when none is asked for: the first of these that a run recorded.
_DEFAULT_METRICS = ("val_accuracy", "accuracy", "val_loss", "loss")
# Words in a metric's name that mean lower is better.
_LOWER_IS_BETTER = ("loss", "error", "mse", "mae")
# A numeric parameter is drawn on a log axis when its values span this ratio or more.
_LOG_RATIO = 20.0

# Martín López (2019)'s devices (the columns of its table), as the board names them.
_REFERENCE_DEVICES = {
    "core_i7_5700hq": "Intel Core i7-5700HQ",
    "xeon_e5_2695v3": "Intel Xeon E5-2695 v3",
    "gtx950m": "NVIDIA GeForce GTX 950M",
    "gtx980": "NVIDIA GeForce GTX 980",
    "gtx1080": "NVIDIA GeForce GTX 1080",
}
# Its runs: 2 epochs over 1,366,100 samples, total seconds in the table.
_REFERENCE_SAMPLES = 2 * 1_366_100
_REFERENCE_SOURCE = N_("Martín López (2019), TFM, result files of its code (metrics_total.csv): "
                       "2 epochs of 1,366,100 samples, batch 1000")


def reference() -> dict[str, str]:
    """Return where the reference devices' numbers come from and for which model."""
    return {"source": _(_REFERENCE_SOURCE), "model": HARDWARE_MODEL}


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of ``metric`` is better (``False`` for a loss or an error).

    Examples
    --------
    >>> higher_is_better("val_accuracy"), higher_is_better("val_loss"), higher_is_better("mae")
    (True, False, False)
    """
    name = str(metric).lower()
    return not any(word in name for word in _LOWER_IS_BETTER)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(values: list[Any]) -> list[float]:
    return [float(v) for v in values if _number(v) and math.isfinite(v)]


def _default_metric(board: dict[str, Any]) -> str | None:
    recorded = {name for run in board.get("runs", []) for name in run.get("history", {})}
    for name in _DEFAULT_METRICS:
        if name in recorded:
            return name
    metrics = board.get("metrics") or sorted(recorded)
    return metrics[0] if metrics else None


def _value_order(values: list[Any], assignment: list[Any]) -> list[Any]:
    """Numbers ascending; other values in the order the assignment gave them; null last."""
    distinct: list[Any] = []
    for value in values:
        if not any(value == seen and type(value) is type(seen) for seen in distinct):
            distinct.append(value)
    if all(_number(v) for v in distinct if v is not None):
        known = sorted(v for v in distinct if v is not None)
    else:
        rank = {repr(v): k for k, v in enumerate(assignment)}
        known = sorted((v for v in distinct if v is not None),
                       key=lambda v: (rank.get(repr(v), len(rank)), str(v)))
    return known + ([None] if None in distinct else [])


def _group(value: Any, points: list[dict[str, Any]]) -> dict[str, Any]:
    mine = [p for p in points if p["value"] == value and type(p["value"]) is type(value)]
    finals = [p["final"] for p in mine if p["final"] is not None]
    if not finals:
        return {"value": value, "n": len(mine), "mean": None, "sd": None, "min": None,
                "max": None}
    return {"value": value, "n": len(mine), "mean": statistics.fmean(finals),
            "sd": statistics.stdev(finals) if len(finals) > 1 else 0.0,
            "min": min(finals), "max": max(finals)}


def _steady(run: dict[str, Any]) -> tuple[float | None, float | None]:
    """(samples/s, seconds per epoch) after the first epoch (the first alone when only one)."""
    seconds = _finite(run.get("epoch_seconds") or [])
    steady = seconds[1:] or seconds
    per_epoch = statistics.fmean(steady) if steady else None
    speed = run.get("samples_per_second")
    if not _number(speed) or not math.isfinite(speed):
        samples = run.get("samples_per_epoch")
        speed = samples / per_epoch if _number(samples) and per_epoch else None
    return speed, per_epoch


@functools.cache
def _reference_rows() -> tuple[tuple[str, float], ...]:
    """Martín López (2019)'s devices and their samples/s training the 1600-unit MLP (read once)."""
    from neurona.reference import reference_table

    table = reference_table("heterogeneous_mlp_training")
    row = table[table["hidden_layers"].astype(str) == "1600"].iloc[0]
    rows = []
    for column, device in _REFERENCE_DEVICES.items():
        seconds = row.get(column)
        if seconds is not None and math.isfinite(float(seconds)) and float(seconds) > 0:
            rows.append((device, round(_REFERENCE_SAMPLES / float(seconds), 1)))
    return tuple(sorted(rows, key=lambda r: -r[1]))


def summarise(board: dict[str, Any], metric: str | None = None) -> dict[str, Any]:
    """Return what the board shows of one metric: points, groups, curves, hardware, counts.

    Parameters
    ----------
    board : dict
        The board's data, as ``/api/board`` answers it (see the classroom contract).
    metric : str, optional
        One of the board's ``metrics``. Default: ``val_accuracy`` if a run recorded it, else
        ``accuracy``, ``val_loss``, ``loss``, else the first.

    Returns
    -------
    dict
        ``metric``, ``higher_is_better``, ``param`` (the first assigned parameter or ``None``),
        ``param2`` (the second or ``None``), ``log_x``, ``points`` (one per student: the
        latest run that recorded the metric, among the runs named ``"room: ..."`` when
        there are any; ``final`` is its last finite value, ``None`` for
        a run that diverged at once), ``groups`` (per assigned value: n, mean, sd, min, max of
        the finals), ``curves``, ``hardware`` (the latest run of :data:`HARDWARE_MODEL` per
        student, fastest first), ``reference`` (Martín López (2019)'s devices for that model) and
        ``counts``. With two assigned parameters each point and curve also has ``value2``.

    Raises
    ------
    ValueError
        ``metric`` is not one the board's runs recorded (the message lists them).

    Examples
    --------
    >>> board = {"students": [{"id": 1, "name": "ana", "assigned": {"lr": 0.1}},
    ...                       {"id": 2, "name": "ben", "assigned": {"lr": 0.01}}],
    ...          "assignment": {"params": ["lr"], "values": [{"lr": 0.1}, {"lr": 0.01}]},
    ...          "metrics": ["loss"],
    ...          "runs": [{"id": 1, "student": 1, "name": "a", "epochs": 2, "status": "finished",
    ...                    "history": {"loss": [0.9, 0.5]}},
    ...                   {"id": 2, "student": 2, "name": "b", "epochs": 2, "status": "diverged",
    ...                    "history": {"loss": [0.8, None]}}]}
    >>> s = summarise(board)
    >>> s["metric"], s["higher_is_better"], s["param"]
    ('loss', False, 'lr')
    >>> [(p["student"], p["value"], p["final"], p["best"]) for p in s["points"]]
    [('ana', 0.1, 0.5, 0.5), ('ben', 0.01, 0.8, 0.8)]
    >>> [g["value"] for g in s["groups"]], s["counts"]
    ([0.01, 0.1], {'students': 2, 'runs': 2, 'epochs': 4})
    """
    metrics = list(board.get("metrics") or [])
    if metric is None:
        metric = _default_metric(board)
    elif metrics:
        one_of("metric", metric, metrics)
    higher = higher_is_better(metric) if metric is not None else True
    assignment = board.get("assignment") or {}
    params = list(assignment.get("params") or [])
    param = params[0] if params else None
    param2 = params[1] if len(params) > 1 else None

    students = list(board.get("students") or [])
    runs = sorted(board.get("runs") or [], key=lambda r: r.get("id", 0))
    latest: dict[Any, dict[str, Any]] = {}
    machine: dict[Any, dict[str, Any]] = {}
    with_metric = [r for r in runs if metric is not None and metric in (r.get("history") or {})]
    if any(str(r.get("name", "")).startswith(ROOM_PREFIX) for r in with_metric):
        # The lesson's "with a class" runs are the room's experiment: the rest stay off it.
        with_metric = [r for r in with_metric if str(r.get("name", "")).startswith(ROOM_PREFIX)]
    for run in with_metric:
        latest[run.get("student")] = run
    for run in runs:
        if (run.get("hparams") or {}).get("model") == HARDWARE_MODEL:
            machine[run.get("student")] = run

    points, curves, hardware = [], [], []
    for student in students:
        assigned = student.get("assigned") or {}
        run = latest.get(student.get("id"))
        if run is not None:
            y = list(run["history"][metric])
            finite = _finite(y)
            common = {"student": student.get("name", ""), "run": run.get("name", ""),
                      "value": assigned.get(param) if param else None}
            if param2:
                common["value2"] = assigned.get(param2)
            best = (max(finite) if higher else min(finite)) if finite else None
            points.append({**common, "final": finite[-1] if finite else None, "best": best,
                           "epochs": run.get("epochs", len(y)),
                           "status": run.get("status", "")})
            curves.append({**common, "y": [v if _number(v) and math.isfinite(v) else None
                                           for v in y]})
        run = machine.get(student.get("id"))
        if run is not None:
            speed, per_epoch = _steady(run)
            if speed is not None:
                hardware.append({"student": student.get("name", ""),
                                 "device": run.get("device") or student.get("hardware", ""),
                                 "backend": run.get("backend", ""),
                                 "samples_per_second": round(speed, 1),
                                 "epoch_seconds": per_epoch})
    hardware.sort(key=lambda h: -h["samples_per_second"])

    order = _value_order([p["value"] for p in points],
                         [v.get(param) for v in assignment.get("values") or []] if param else [])
    groups = [_group(value, points) for value in order]
    numbers = [v for v in order if v is not None]
    log_x = (bool(numbers) and all(_number(v) and v > 0 for v in numbers)
             and max(numbers) / min(numbers) >= _LOG_RATIO)

    reference = [{"device": _("{device} (Martín López 2019)").format(device=device),
                  "samples_per_second": speed} for device, speed in _reference_rows()]
    counts = {"students": len(students), "runs": len(runs),
              "epochs": sum(int(r.get("epochs") or 0) for r in runs)}
    return {"metric": metric, "higher_is_better": higher, "param": param, "param2": param2,
            "log_x": log_x, "points": points, "groups": groups, "curves": curves,
            "hardware": hardware, "reference": reference, "counts": counts}
