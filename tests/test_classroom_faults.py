"""The classroom board killed mid-class: nothing acknowledged is lost, nothing is counted twice.

The board runs as ``python -m neurona.classroom serve --json`` in a subprocess, is killed with
SIGKILL (no shutdown of any kind) and started again on the same database and port, as an
instructor's laptop that crashed and was restarted. The students are
:class:`~neurona.classroom.client.Student` objects in this process, each with its own ledger.
The load version at full scale (200 students x 30 epochs) is ``benchmarks/classroom_load.py``.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import neurona
from neurona.classroom import client as classroom_client
from neurona.classroom.client import Board, Student
from neurona.runs import Ledger, RunRecord

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

STUDENTS, EPOCHS = 5, 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serve:
    """A board in a subprocess that a test can kill with SIGKILL and start again."""

    def __init__(self, db: Path):
        self.db, self.port, self.process, self.info = db, free_port(), None, {}

    def start(self) -> dict:
        env = dict(os.environ)
        src = str(Path(neurona.__file__).resolve().parents[1])
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neurona.classroom", "serve", "--json", "--host",
             "127.0.0.1", "--port", str(self.port), "--db", str(self.db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        box: list[bytes] = []
        reader = threading.Thread(target=lambda: box.append(self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(60)
        assert box and box[0].strip(), self.process.stderr.read1().decode() if box else "silent"
        self.info = json.loads(box[0])
        return self.info

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def serve(tmp_path):
    server = Serve(tmp_path / "class.sqlite")
    server.start()
    yield server
    server.stop()


def loss(student: int, epoch: int) -> float:
    return 1.0 / epoch + student / 100


def students_with_runs(server: Serve) -> tuple[list[Student], list[RunRecord]]:
    students, runs = [], []
    for number in range(STUDENTS):
        ledger = Ledger()
        students.append(Student(server.info["url"], server.info["code"], f"s{number}",
                                ledger=ledger, hardware="CPU: test", interval=0.05).start())
        runs.append(ledger.add(RunRecord("run", hparams={"learning_rate": 0.01 * (number + 1)},
                                         samples_per_epoch=100)))
    return students, runs


def train(runs: list[RunRecord], epochs: range) -> None:
    for epoch in epochs:
        for number, run in enumerate(runs):
            run.add_epoch({"loss": loss(number, epoch)}, 0.01)


def stored_epochs(db: Path) -> int:
    """Count the epochs committed to the class's file (read directly, the server may be dead)."""
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM epochs").fetchone()[0]


def assert_every_epoch_once(server: Serve, tmp_path: Path) -> None:
    """The class's CSV and board hold every student's epochs exactly once, with their values."""
    board = Board(server.info["url"], key=server.info["key"])
    back = Ledger.read_csv(board.export_csv(tmp_path / "class.csv"))
    assert sorted(r.name for r in back) == [f"s{n} · run" for n in range(STUDENTS)]
    for record in back:
        number = int(record.name.split(" ")[0][1:])
        assert record.history["loss"] == pytest.approx(
            [loss(number, e) for e in range(1, EPOCHS + 1)]), record.name
        assert len(record.epoch_seconds) == EPOCHS
    for run in board.data()["runs"]:
        assert run["epoch_numbers"] == list(range(1, EPOCHS + 1))
    assert stored_epochs(server.db) == STUDENTS * EPOCHS


def test_a_board_killed_mid_class_keeps_every_epoch_exactly_once(serve, tmp_path):
    students, runs = students_with_runs(serve)
    train(runs, range(1, 4))
    assert all(s.flush(20) for s in students)
    acknowledged = sum(s.stats["epochs_acked"] for s in students)
    serve.kill9()
    assert stored_epochs(serve.db) >= acknowledged == STUDENTS * 3
    train(runs, range(4, 7))   # the room goes on training while the board is down
    restarted = serve.start()
    assert (restarted["code"], restarted["key"]) == (serve.info["code"], serve.info["key"])
    train(runs, range(7, EPOCHS + 1))
    for run in runs:
        run.finish()
    assert all(s.flush(30) for s in students)
    assert sum(s.stats["epochs_acked"] for s in students) == STUDENTS * EPOCHS
    for student in students:
        student.stop()
    assert_every_epoch_once(serve, tmp_path)


def test_an_epoch_whose_acknowledgement_was_lost_is_not_counted_twice(serve, tmp_path,
                                                                     monkeypatch):
    students, runs = students_with_runs(serve)
    for student in students:   # this test sends by hand, at known moments
        student.stop()
    train(runs, range(1, 3))
    for student in students:
        student.send()
    plain = classroom_client._request
    lost: list[int] = []

    def killed_after_commit(base, path, *, body=None, **kwargs):
        answer = plain(base, path, body=body, **kwargs)
        if path == "api/runs" and not lost:
            lost.append(answer["stored"])   # committed; the server dies before answering
            serve.kill9()
            raise ConnectionError("the board went away before answering")
        return answer

    monkeypatch.setattr(classroom_client, "_request", killed_after_commit)
    train(runs, range(3, 6))
    with pytest.raises(ConnectionError):
        students[0].send()
    assert lost == [5] and stored_epochs(serve.db) == 2 * STUDENTS + 3
    assert students[0].stats["epochs_acked"] == 2     # the client never heard of epochs 3-5
    serve.start()
    train(runs, range(6, EPOCHS + 1))
    for run in runs:
        run.finish()
    for student in students:
        assert student.flush(30)
        assert student.stats["epochs_acked"] == EPOCHS   # resent, acknowledged once
    assert_every_epoch_once(serve, tmp_path)


def test_a_student_keeps_training_while_the_board_is_down(serve, tmp_path):
    students, runs = students_with_runs(serve)
    train(runs, range(1, 3))
    assert all(s.flush(20) for s in students)
    serve.kill9()
    train(runs, range(3, EPOCHS + 1))   # no exception: training never waits for the board
    for run in runs:
        run.finish()
    assert all(len(run.epoch_seconds) == EPOCHS for run in runs)
    assert not any(s.flush(0.5) for s in students)
    assert all(s.pending() == (1, EPOCHS - 2) for s in students)
    assert all(s._thread.is_alive() for s in students)   # the sender waits and tries again
    assert "6 epochs waiting" in students[0].status()
    serve.start()
    assert all(s.flush(30) for s in students)
    for student in students:
        student.stop()
    assert_every_epoch_once(serve, tmp_path)


class _Truncating(http.server.BaseHTTPRequestHandler):
    """A board that lets students join, then dies in the middle of every answer to a post."""

    def log_message(self, *args) -> None:   # quiet
        pass

    def _answer(self, body: bytes, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self) -> None:
        body = json.dumps({"ok": True}).encode()
        self._answer(body, len(body))

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.endswith("/api/join"):
            body = json.dumps({"student": 1, "token": "t" * 22, "name": "ana", "assigned": {},
                               "title": "t"}).encode()
            self._answer(body, len(body))
        else:
            self._answer(b'{"sto', 100)   # the connection ends 95 bytes short


def test_an_answer_cut_short_does_not_stop_the_sender():
    fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Truncating)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    try:
        ledger = Ledger()
        student = Student(f"http://127.0.0.1:{fake.server_address[1]}", "ABCD-2345", "ana",
                          ledger=ledger, hardware="h", interval=0.05).start()
        ledger.add(RunRecord("run")).add_epoch({"loss": 1.0}, 0.1)
        assert student.flush(0.5) is False
        assert student._thread.is_alive() and student.pending() == (1, 1)
        student.stop()
    finally:
        fake.shutdown()
        fake.server_close()
