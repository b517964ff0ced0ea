"""The lessons' "with a class" cells against a real board: what each one sends, and that alone
they do nothing.

The cells are the solutions notebooks' own (found by cell id), run with ``exec`` in a namespace
holding what the notebook defined before them, in quick-mode sizes: no kernel, a few seconds
each. The board is a real server on a free loopback port, started and stopped by each test.
"""

from __future__ import annotations

import ast
import json
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest

import neurona as nr
from neurona.classroom import client as classroom_client
from neurona.classroom.client import Board
from neurona.classroom.server import start
from neurona.runs import ledger as notebook_ledger

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {"04": "04_playground", "06": "06_optimization", "11": "11_performance"}


def cells(nn: str) -> dict[str, str]:
    """The code cells of solutions notebook ``nn``, by cell id."""
    nb = nbformat.read(ROOT / "course" / "solutions" / f"{LESSONS[nn]}.ipynb", as_version=4)
    return {c.id: c.source for c in nb.cells if c.cell_type == "code"}


def notebook(nn: str, board=None, nickname: str = "ana") -> dict:
    """A namespace as after notebook ``nn``'s parameters cell (quick mode), the board filled in."""
    code = cells(nn)
    space = {"nr": nr}
    exec(code[f"{nn}-002"], space)
    assert space["QUICK"] and space["BOARD"] == space["CLASS_CODE"] == space["NICKNAME"] == ""
    if board is not None:
        space.update(BOARD=board.url, CLASS_CODE=board.code, NICKNAME=nickname)
    return space


def run_cell(nn: str, cell_id: str, space: dict) -> None:
    exec(cells(nn)[cell_id], space)


def definitions(source: str, *names: str) -> str:
    """The ``def`` statements called ``names`` in a cell, without the rest of it."""
    tree = ast.parse(source)
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in names]
    assert [node.name for node in found] == list(names)
    return "\n\n".join(ast.get_source_segment(source, node) for node in found)


@pytest.fixture
def board(tmp_path, monkeypatch):
    """A real board, a fresh notebook ledger and a fresh cache (where join keeps its token)."""
    monkeypatch.setenv("NEURONA_QUICK", "1")
    monkeypatch.setenv("NEURONA_CACHE", str(tmp_path / "cache"))
    kept = list(notebook_ledger)
    notebook_ledger.clear()
    running = start(tmp_path / "class.sqlite", title="lessons")
    yield running
    student = classroom_client.membership()
    if student is not None:
        student.leave()
    running.stop()
    notebook_ledger.clear()
    for run in kept:
        notebook_ledger.add(run)


def board_json(board) -> dict:
    """The board as the instructor reads it (``GET /api/board`` with the key, no summary)."""
    request = urllib.request.Request(f"{board.url}/api/board",
                                     headers={"Authorization": f"Bearer {board.key}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read().decode("utf-8"))


def sent(board) -> dict[str, dict]:
    """The board's runs by name."""
    return {run["name"]: run for run in board_json(board)["runs"]}


def test_alone_the_cells_print_nothing_and_send_nothing(board, monkeypatch, capsys):
    monkeypatch.setenv("NEURONA_QUICK", "1")
    for nn in LESSONS:
        space = notebook(nn)  # BOARD, CLASS_CODE and NICKNAME left empty
        run_cell(nn, f"{nn}-class-join", space)
        run_cell(nn, f"{nn}-class-run", space)  # nothing it needs is defined: it must not run
    assert capsys.readouterr().out == ""
    assert not nr.classroom.joined() and nr.classroom.membership() is None
    assert len(notebook_ledger) == 0
    data = board_json(board)
    assert data["students"] == [] and data["runs"] == []


def test_one_student_s_three_lessons_reach_the_board(board, capsys):
    instructor = Board(board.url, board.key)

    # 04: the size and the random start come from the board (a grid of two parameters).
    instructor.assign(layers=[2, 5], start=[3, 4])
    space = notebook("04", board)
    run_cell("04", "04-class-join", space)
    joined = capsys.readouterr().out
    assert "ana" in joined and "layers = 2" in joined and "start = 3" in joined
    assert nr.classroom.joined()
    run_cell("04", "04-class-run", space)
    out = capsys.readouterr().out
    assert "XOR, 2 hidden neurons, start 3: test accuracy" in out
    # The membership's status line, after the cell's short flush: the run is acknowledged.
    assert f"ana in the class at {board.url}: 1 run sent" in out
    assert nr.classroom.membership().flush(10)
    xor = sent(board)["room: xor"]
    assert xor["hparams"]["dataset"] == "xor" and xor["hparams"]["layers"] == "2"
    assert xor["hparams"]["start"] == 3 and xor["status"] == "finished"
    assert xor["epochs"] == space["EPOCHS"] == len(xor["history"]["val_accuracy"])
    assert xor["backend"] == "numpy" and len(xor["epoch_seconds"]) == space["EPOCHS"]
    final = xor["history"]["val_accuracy"][-1]
    assert final == pytest.approx(float(out.split("test accuracy ")[1][:4]), abs=0.006)
    # What the board shows: the test accuracy against the assigned size, the start beside it.
    shown = instructor.data()["summary"]
    assert (shown["metric"], shown["param"], shown["param2"]) == ("val_accuracy", "layers", "start")
    points = [(p["student"], p["run"], p["value"]) for p in shown["points"]]
    assert points == [("ana", "room: xor", 2)]
    assert shown["points"][0]["final"] == pytest.approx(final)

    # 06: the learning rate comes from the board; the network is the notebook's build().
    instructor.assign(learning_rate=[0.003, 0.03])
    space = notebook("06", board)
    run_cell("06", "06-class-join", space)   # the same nickname joins again: its token is kept
    import keras

    rng = np.random.default_rng(0)
    space.update(keras=keras,
                 x_train=rng.random((256, 28, 28), dtype=np.float32),
                 y_train=rng.integers(0, 10, 256), x_val=rng.random((64, 28, 28), dtype=np.float32),
                 y_val=rng.integers(0, 10, 64))
    exec(definitions(cells("06")["06-016"], "build"), space)
    capsys.readouterr()
    run_cell("06", "06-class-run", space)
    assert "in the class at" in capsys.readouterr().out
    assert nr.classroom.membership().flush(10)
    lr = sent(board)["room: lr 0.003"]
    assert lr["hparams"]["learning_rate"] == pytest.approx(0.003)
    assert lr["hparams"]["optimizer"] == "adam" and lr["backend"] == "tensorflow"
    assert lr["epochs"] == space["EPOCHS"] and lr["samples_per_epoch"] == 256
    assert set(lr["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    shown = instructor.data()["summary"]
    assert (shown["metric"], shown["param"]) == ("val_accuracy", "learning_rate")
    assert [(p["run"], p["value"]) for p in shown["points"]] == [("room: lr 0.003", 0.003)]

    # 11: the hardware comparison's model, on random data.
    space = notebook("11", board)
    space["keras"] = keras
    run_cell("11", "11-class-join", space)
    capsys.readouterr()
    run_cell("11", "11-class-run", space)
    assert "in the class at" in capsys.readouterr().out
    assert nr.classroom.membership().flush(10)
    hardware = sent(board)["room: hardware"]
    assert hardware["hparams"]["model"] == "MLP 50-1600-1"
    assert hardware["hparams"]["batch_size"] == 1000
    assert hardware["hparams"]["learning_rate"] == pytest.approx(0.001)
    assert hardware["parameters"] == 50 * 1600 + 1600 + 1600 + 1 == 83_201
    assert hardware["epochs"] == space["ROOM_EPOCHS"] and hardware["samples_per_epoch"] == 2_000
    assert hardware["samples_per_second"] and hardware["samples_per_second"] > 0
    # The board's hardware table: this machine beside Martín López (2019)'s devices.
    shown = instructor.data()["summary"]
    assert [(h["student"], h["device"]) for h in shown["hardware"]] == [("ana", hardware["device"])]
    assert shown["hardware"][0]["samples_per_second"] > 0
    assert any("i7-5700HQ" in r["device"] for r in shown["reference"])

    # One student, three notebooks: every run under the same nickname, nothing else kept.
    data = board_json(board)
    assert [s["name"] for s in data["students"]] == ["ana"]
    assert {run["student"] for run in data["runs"]} == {data["students"][0]["id"]}
