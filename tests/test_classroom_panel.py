"""The board's summary, its figure and its notebook panel.

``summarise`` is tried on hand-made boards (the shape ``/api/board`` answers); the figure on
its output; the panel against a real board on a loopback port, with students posting through
the kit's own client.
"""

from __future__ import annotations

import math
import time

import pytest
from i18n_support import in_both

from neurona.classroom import client as classroom_client
from neurona.classroom.client import Board, Student
from neurona.classroom.panel import BoardPanel, board
from neurona.classroom.server import start
from neurona.classroom.summary import HARDWARE_MODEL, higher_is_better, summarise
from neurona.plots.classroom import plot_board
from neurona.plots.render import RedrawPacer
from neurona.runs import Ledger, RunRecord


# -- hand-made boards ------------------------------------------------------------------------
def make_board(values, params=("learning_rate",), finals=None, runs_per_student=1):
    """A board of one student per value (a list of tuples for two parameters)."""
    params = list(params)
    students, runs = [], []
    for k, value in enumerate(values):
        value = value if isinstance(value, tuple) else (value,)
        assigned = dict(zip(params, value, strict=True))
        students.append({"id": k + 1, "name": f"s{k}", "hardware": "h", "assigned": assigned})
        final = finals[k] if finals is not None else 0.5 + k / 100
        for r in range(runs_per_student):
            runs.append({"id": len(runs) + 1, "student": k + 1, "name": f"s{k} run {r}",
                         "hparams": dict(assigned), "device": "CPU", "backend": "tensorflow",
                         "status": "finished", "note": "", "parameters": 10,
                         "samples_per_epoch": 100, "epochs": 3,
                         "history": {"loss": [1.0, 0.8, 1 - final],
                                     "val_accuracy": [0.2, 0.4, final]},
                         "epoch_seconds": [1.0, 0.5, 0.5], "samples_per_second": 200.0})
    unique = list(dict.fromkeys(values))
    assignment = {"params": params, "values": [
        dict(zip(params, v if isinstance(v, tuple) else (v,), strict=True)) for v in unique]}
    return {"title": "t", "ended": False, "version": 1, "assignment": assignment,
            "students": students, "runs": runs, "metrics": ["loss", "val_accuracy"]}


def test_each_student_is_a_point_at_the_assigned_value_and_groups_summarise_the_finals():
    board_data = make_board([0.001, 0.01, 0.1, 0.001, 0.01, 0.1],
                            finals=[0.6, 0.8, 0.7, 0.62, 0.84, 0.5])
    s = summarise(board_data)
    assert s["metric"] == "val_accuracy" and s["higher_is_better"] is True
    assert s["param"] == "learning_rate" and s["param2"] is None
    assert [(p["student"], p["value"], p["final"]) for p in s["points"]][:3] == [
        ("s0", 0.001, 0.6), ("s1", 0.01, 0.8), ("s2", 0.1, 0.7)]
    assert [g["value"] for g in s["groups"]] == [0.001, 0.01, 0.1]
    middle = s["groups"][1]
    assert middle["n"] == 2 and middle["mean"] == pytest.approx(0.82)
    assert middle["sd"] == pytest.approx(math.sqrt(2 * 0.02**2)) and middle["min"] == 0.8
    assert s["log_x"] is True   # 0.1 / 0.001 = 100
    assert [len(c["y"]) for c in s["curves"]] == [3] * 6
    assert s["counts"] == {"students": 6, "runs": 6, "epochs": 18}


def test_log_x_only_for_positive_numbers_spanning_twenty_times_and_strings_are_categories():
    assert summarise(make_board([0.01, 0.1]))["log_x"] is False
    assert summarise(make_board([32, 64, 128, 1024]))["log_x"] is True
    assert summarise(make_board([0, 1, 100]))["log_x"] is False
    s = summarise(make_board(["sgd", "adam", "rmsprop", "adam"], params=("optimizer",)))
    assert s["log_x"] is False
    assert [g["value"] for g in s["groups"]] == ["sgd", "adam", "rmsprop"]   # as assigned
    assert [g["n"] for g in s["groups"]] == [1, 2, 1]


def test_a_loss_like_metric_is_lower_is_better_and_its_best_is_the_minimum():
    assert [higher_is_better(m) for m in ("val_loss", "mean_squared_error", "mae", "val_mse",
                                          "accuracy", "auc")] == [False] * 4 + [True] * 2
    s = summarise(make_board([0.1, 0.01]), "loss")
    assert s["higher_is_better"] is False
    assert s["points"][0]["best"] == min(s["curves"][0]["y"])


def test_a_diverged_run_keeps_its_last_finite_value_and_one_never_finite_has_none():
    data = make_board([0.1, 0.1, 0.1], finals=[0.7, 0.9, 0.8])
    data["runs"][1]["history"]["val_accuracy"] = [0.3, None, None]
    data["runs"][1]["status"] = "diverged"
    data["runs"][2]["history"]["val_accuracy"] = [None, None, None]
    s = summarise(data)
    assert [p["final"] for p in s["points"]] == [0.7, 0.3, None]
    assert [p["status"] for p in s["points"]][1] == "diverged"
    assert s["curves"][1]["y"] == [0.3, None, None]
    group = s["groups"][0]
    assert group["n"] == 3 and group["mean"] == pytest.approx(0.5)   # finite finals only
    assert group["min"] == 0.3 and group["max"] == 0.7


def test_two_parameters_group_by_the_first_and_give_each_point_the_second():
    grid = [(0.01, 0), (0.01, 1), (0.1, 0), (0.1, 1)]
    s = summarise(make_board(grid, params=("learning_rate", "seed")))
    assert s["param"] == "learning_rate" and s["param2"] == "seed"
    assert [(p["value"], p["value2"]) for p in s["points"]] == grid
    assert [c["value2"] for c in s["curves"]] == [0, 1, 0, 1]
    assert [(g["value"], g["n"]) for g in s["groups"]] == [(0.01, 2), (0.1, 2)]


def test_the_latest_run_with_the_metric_wins_and_nothing_assigned_makes_one_group():
    data = make_board([0.1, 0.01], runs_per_student=2)
    data["runs"][1]["history"]["val_accuracy"][-1] = 0.99      # s0's second (latest) run
    data["runs"].append({**data["runs"][0], "id": 99, "name": "no metric",
                         "history": {"loss": [0.1]}})          # latest, but without it
    s = summarise(data)
    assert s["points"][0]["run"] == "s0 run 1" and s["points"][0]["final"] == 0.99
    assert len(s["points"]) == 2

    data["assignment"] = None
    for student in data["students"]:
        student["assigned"] = {}
    s = summarise(data)
    assert s["param"] is None and [p["value"] for p in s["points"]] == [None, None]
    assert [(g["value"], g["n"]) for g in s["groups"]] == [(None, 2)]


def test_the_default_metric_and_an_empty_board():
    data = make_board([0.1])
    assert summarise(data)["metric"] == "val_accuracy"
    for run in data["runs"]:
        del run["history"]["val_accuracy"]
    data["metrics"] = ["loss"]
    assert summarise(data)["metric"] == "loss"
    empty = summarise({"title": "t", "students": [], "runs": [], "metrics": [],
                       "assignment": None})
    assert empty["metric"] is None and empty["points"] == [] and empty["groups"] == []
    assert empty["counts"] == {"students": 0, "runs": 0, "epochs": 0}


def test_an_unknown_metric_is_refused_naming_the_ones_the_runs_recorded():
    with pytest.raises(ValueError, match="loss, val_accuracy") as error:
        summarise(make_board([0.1]), "val_acuracy")
    assert "val_accuracy" in str(error.value)


def test_hardware_is_the_latest_mlp_run_per_student_fastest_first_beside_source_e():
    import neurona as nr

    data = make_board([0.1, 0.01, 0.001])
    for k, seconds in enumerate([[4.0, 2.0, 2.0], [3.0, 1.0, 1.0], [9.0]]):
        data["runs"].append({
            "id": 10 + k, "student": k + 1, "name": "hardware", "device": f"CPU {k}",
            "backend": "tensorflow", "status": "finished", "note": "", "parameters": 83201,
            "hparams": {"model": HARDWARE_MODEL}, "samples_per_epoch": 1000,
            "epochs": len(seconds), "history": {"loss": [0.1] * len(seconds)},
            "epoch_seconds": seconds, "samples_per_second": None})
    s = summarise(data)
    assert [(h["student"], h["samples_per_second"]) for h in s["hardware"]] == [
        ("s1", 1000.0), ("s0", 500.0), ("s2", pytest.approx(111.1, abs=0.1))]
    assert s["hardware"][0]["epoch_seconds"] == 1.0 and s["hardware"][0]["device"] == "CPU 1"

    table = nr.reference_table("heterogeneous_mlp_training")
    seconds = float(table.loc[table.hidden_layers == "1600", "core_i7_5700hq"].iloc[0])
    reference = {r["device"]: r["samples_per_second"] for r in s["reference"]}
    assert reference["Intel Core i7-5700HQ (Martín López 2019)"] == pytest.approx(
        2 * 1_366_100 / seconds, abs=0.1)
    assert len(reference) == 5
    speeds = [r["samples_per_second"] for r in s["reference"]]
    assert speeds == sorted(speeds, reverse=True)


# -- the figure ------------------------------------------------------------------------------
def test_the_figure_has_four_pictures_with_a_dot_per_student_a_curve_each_and_a_bar_per_machine():
    data = make_board([0.001, 0.01, 0.1] * 3)
    data["runs"].append({**data["runs"][0], "id": 50, "hparams": {"model": HARDWARE_MODEL}})
    data["runs"][4]["history"]["val_accuracy"] = [None, None, None]   # never finite
    s = summarise(data)
    fig = plot_board(s, title="class")
    ax_finals, ax_curves, ax_spread, ax_hardware = fig.axes
    def count(gid):
        return sum(len(c.get_offsets()) for c in ax_finals.collections if c.get_gid() == gid)

    assert (count("students"), count("means"), count("failed")) == (8, 3, 1)
    assert len(ax_curves.get_lines()) == 9
    assert all(float(t).is_integer() for t in ax_curves.get_xticks())
    assert ax_finals.get_xscale() == "log"
    assert len(ax_hardware.patches) == 1 + len(s["reference"])
    hatched = [p for p in ax_hardware.patches if p.get_hatch()]
    assert len(hatched) == len(s["reference"])
    assert len(ax_spread.get_yticks()) == 3


def test_an_empty_board_draws_one_picture_that_says_so():
    fig = plot_board(summarise({"students": [], "runs": [], "metrics": []}))
    assert len(fig.axes) == 1
    assert "No runs on the board yet" in [t.get_text() for t in fig.axes[0].texts]


def test_a_nickname_with_dollar_signs_is_drawn_as_written():
    data = make_board([0.1])
    data["assignment"] = None
    data["students"][0].update(name="$\\alpha$ $x", assigned={})
    fig = plot_board(summarise(data))
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["\\$\\alpha\\$ \\$x"]


# -- the panel against a real board ----------------------------------------------------------
@pytest.fixture
def room(tmp_path):
    running = start(tmp_path / "class.sqlite", title="panel class")
    students: list[Student] = []
    yield running, students
    for student in students:
        student.stop()
    running.stop()


def student_with_run(room, name, accuracy=(0.5, 0.7), learning_rate=None):
    running, students = room
    ledger = Ledger()
    student = Student(running.url, running.code, name, ledger=ledger, hardware="CPU test",
                      interval=60).start()
    run = RunRecord(f"{name}'s run", hparams={"learning_rate": learning_rate
                                              or student.assigned.get("learning_rate", 0.1)})
    run.history = {"loss": [1 - a for a in accuracy], "accuracy": list(accuracy)}
    run.epoch_seconds = [0.5] * len(accuracy)
    ledger.add(run)
    assert student.flush(5)
    students.append(student)
    return student


def test_the_instructors_panel_draws_the_board_and_follows_new_posts(room):
    running, _students = room
    panel = board(running.url, key=running.key, live=False)
    try:
        assert panel.state == "paused" and panel.redraws == 1
        assert running.code[:4] in panel.join_line.value and "nr.classroom.join" in \
            panel.join_line.value
        assert panel.assign(learning_rate=[0.001, 0.01, 0.1])[2] == {"learning_rate": 0.1}
        student_with_run(room, "ana")
        first = bytes(panel.image.value)
        assert panel.refresh() is True
        assert bytes(panel.image.value) != first
        assert bytes(panel.image.value).startswith(b"\x89PNG")
        assert "1 student · 1 run · 2 epochs" in panel.status.value
        assert panel.data["summary"]["points"][0]["value"] == 0.001

        student_with_run(room, "ben")
        before = bytes(panel.image.value)
        assert panel.refresh() is True
        assert bytes(panel.image.value) != before and "2 students · 2 runs" in panel.status.value
        assert [p["value"] for p in panel.data["summary"]["points"]] == [0.001, 0.01]

        # What the live thread does: nothing changed, the board answers 304, nothing is drawn;
        # after a post it draws (the pacer may always draw here).
        panel._pacer = RedrawPacer(min_interval=0, max_overhead=1)
        drawn = panel.redraws
        assert panel._update(conditional=True) is False and panel.redraws == drawn
        student_with_run(room, "carla")
        assert panel._update(conditional=True) is True and panel.redraws == drawn + 1
        assert panel._update(conditional=True) is False
        drawn = panel.redraws

        assert [value for _label, value in panel.metric_menu.options] == ["loss", "accuracy"]
        panel.metric_menu.value = "loss"
        assert panel.redraws == drawn + 1 and panel.data["summary"]["metric"] == "loss"
        assert panel.figure().axes[0].get_title().startswith("Final loss")
    finally:
        panel.close()


def test_a_live_panel_redraws_by_itself_when_a_student_posts(room):
    running, _students = room
    panel = BoardPanel(Board(running.url, key=running.key), live=True, interval=0.05)
    try:
        panel._pacer = RedrawPacer(min_interval=0, max_overhead=1)
        drawn = panel.redraws
        student_with_run(room, "ana")
        deadline = time.monotonic() + 10
        while panel.redraws == drawn and time.monotonic() < deadline:
            time.sleep(0.05)
        assert panel.redraws > drawn and panel.data["summary"]["counts"]["runs"] == 1
    finally:
        panel.close()


def test_the_live_thread_runs_until_the_panel_is_closed_and_a_new_panel_pauses_the_old(room):
    running, _students = room
    first = board(running.url, key=running.key)
    assert first.running and first.state == "live" and "live, every 2 s" in first.status.value
    second = board(running.url, key=running.key)
    assert second.running and not first.running and first.live is False
    second.live = False
    assert not second.running and "paused" in second.status.value
    second.live = True
    assert second.running
    second.close()
    assert not second.running and second.state == "paused"
    first.close()


def test_ending_the_class_stops_the_panel_and_an_unreachable_board_is_said(room, tmp_path):
    running, _students = room
    student_with_run(room, "ana")
    panel = board(running.url, key=running.key, live=True)
    path = panel.end(tmp_path / "class.csv")
    assert path.read_text().count("ana") >= 1
    assert panel.state == "ended" and not panel.running and panel.live is False
    assert "class ended" in panel.status.value
    running.stop()
    shown = bytes(panel.image.value)
    panel.refresh()
    assert panel.state == "unreachable" and "board unreachable" in panel.status.value
    assert bytes(panel.image.value) == shown   # the last picture stays
    panel.close()


def test_a_students_panel_reads_the_joined_board_and_cannot_run_the_class(room, monkeypatch):
    student = student_with_run(room, "ana")
    monkeypatch.setitem(classroom_client._MEMBERSHIP, "student", student)
    panel = board(live=False)
    try:
        assert not panel.instructor and panel.join_line not in panel.widget.children
        assert panel.data["summary"]["points"][0]["student"] == "ana"
        assert "code" not in panel.data
        with pytest.raises(PermissionError, match="instructor"):
            panel.assign(learning_rate=[0.1])
    finally:
        panel.close()


def test_a_wrong_key_is_said_on_the_status_line_and_the_panel_does_not_poll(room):
    running, _students = room
    panel = board(running.url, key="x" * 22)
    assert panel.state == "refused" and not panel.running and panel.live is False
    assert "instructor key" in panel.status.value and panel.redraws == 0
    panel.close()


def test_without_a_membership_the_panel_says_how_to_get_one(monkeypatch):
    monkeypatch.setattr(classroom_client, "_MEMBERSHIP", {})
    with pytest.raises(PermissionError, match="join the class first"):
        board()
    with pytest.raises(PermissionError, match="address"):
        board(key="k" * 22)
    with pytest.raises(TypeError):
        BoardPanel("http://127.0.0.1:1")


def test_the_panel_and_the_figure_speak_spanish(room):
    running, _students = room
    student_with_run(room, "ana")

    def shown():
        panel = board(running.url, key=running.key, live=False)
        try:
            axes = panel.figure().axes
            return (panel.status_line(), panel.refresh_button.description,
                    [ax.get_title() for ax in axes], axes[3].get_xlabel())
        finally:
            panel.close()

    english, spanish = in_both(shown)
    assert english[0].endswith("paused") and spanish[0] != english[0]
    assert spanish[1] != english[1]
    assert all(es != en for es, en in zip(spanish[2], english[2], strict=True))
    assert spanish[3] != english[3]


def test_the_rooms_runs_outrank_a_students_other_runs():
    from neurona.classroom.summary import summarise

    board = {"students": [{"id": 1, "name": "ana", "assigned": {"learning_rate": 0.01}}],
             "assignment": {"params": ["learning_rate"], "values": [{"learning_rate": 0.01}]},
             "metrics": ["val_accuracy"],
             "runs": [{"id": 1, "student": 1, "name": "room: lr 0.01", "epochs": 1,
                       "history": {"val_accuracy": [0.8]}},
                      {"id": 2, "student": 1, "name": "dropout 0.5", "epochs": 1,
                       "history": {"val_accuracy": [0.6]}}]}
    (point,) = summarise(board)["points"]
    assert (point["run"], point["final"]) == ("room: lr 0.01", 0.8)
    board["runs"][0]["name"] = "lr 0.01"      # no room run: the latest run counts
    (point,) = summarise(board)["points"]
    assert (point["run"], point["final"]) == ("dropout 0.5", 0.6)
