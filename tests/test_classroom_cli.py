"""The classroom board's command line and the errors a student or instructor sees.

``python -m neurona.classroom`` is what the instructor types; ``nr.classroom.join`` what each
student types. Each mistake they can make (a wrong code, a board that is not there, a nickname
the board refuses, a port already taken) must say what is wrong and what to do, and a finished
class must come back as a ledger from its CSV.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

import neurona
import neurona as nr
from neurona.classroom import client as classroom_client
from neurona.classroom import protocol
from neurona.classroom.server import start
from neurona.runs import Ledger, RunRecord


def classroom(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m neurona.classroom ARGS`` to the end."""
    return subprocess.run([sys.executable, "-m", "neurona.classroom", *args], env=_env(),
                          capture_output=True, text=True, timeout=timeout)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(neurona.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def board(tmp_path):
    running = start(tmp_path / "class.sqlite", title="cli class")
    yield running
    running.stop()


@pytest.fixture
def notebook(monkeypatch, tmp_path):
    """A notebook that has joined nothing yet (and keeps its tokens in a temporary cache)."""
    monkeypatch.setenv("NEURONA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(classroom_client, "_MEMBERSHIP", {})


def test_help_names_the_commands_and_the_options():
    top = classroom("--help")
    assert top.returncode == 0, top.stderr
    assert "serve" in top.stdout and "export" in top.stdout
    assert "nr.classroom.join" in top.stdout
    serve = classroom("serve", "--help")
    assert serve.returncode == 0, serve.stderr
    for option in ("--host", "--port", "--db", "--title", "--base-url", "--json"):
        assert option in serve.stdout, option
    export = classroom("export", "--help")
    assert export.returncode == 0 and "--db" in export.stdout and "csv" in export.stdout


def test_a_port_in_use_exits_2_with_one_line_that_says_what_to_do(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = classroom("serve", "--host", "127.0.0.1", "--port", str(port),
                           "--db", str(tmp_path / "class.sqlite"))
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert str(port) in line and "in use" in line and "--port" in line


def test_serve_json_prints_one_line_for_scripts_and_stops_on_sigterm(tmp_path):
    db = tmp_path / "class.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "neurona.classroom", "serve", "--json", "--host", "127.0.0.1",
         "--port", "0", "--db", str(db), "--title", "json class"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(60)
        assert box, "serve --json printed nothing"
        info = json.loads(box[0])
        assert set(info) == {"url", "code", "key", "db"}
        assert info["url"].startswith("http://127.0.0.1:")
        assert len(info["code"]) == 8 and set(info["code"]) <= set(protocol.CODE_ALPHABET)
        assert len(info["key"]) == 22 and Path(info["db"]) == db.resolve()
        with urllib.request.urlopen(info["url"] + "/api/health", timeout=10) as answer:
            assert json.loads(answer.read())["ok"] is True
    finally:
        process.terminate()
        out, _err = process.communicate(timeout=20)
    # 0 after its clean stop; killed by the signal when SIGTERM comes a few milliseconds after
    # the line, before serve installed its handler (it prints the line first): either way it stops
    assert process.returncode in (0, -signal.SIGTERM), _err
    assert out == ""   # the JSON line was the only output


def test_a_wrong_code_is_a_permission_error_that_shows_what_was_typed(board, notebook):
    with pytest.raises(PermissionError, match=r"'ABCD-2345' is not this board's class code"):
        nr.classroom.join(board.url, "abcd 2345", name="ana")
    assert not nr.classroom.joined()


def test_an_unreachable_board_is_a_connection_error_naming_the_address(notebook):
    port = free_port()   # closed: nothing listens there
    with pytest.raises(ConnectionError) as caught:
        nr.classroom.join(f"127.0.0.1:{port}", "ABCD-2345", name="ana")
    message = str(caught.value)
    assert f"http://127.0.0.1:{port}" in message and "network" in message
    assert not nr.classroom.joined()


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "nul\x00byte"])
def test_a_bad_nickname_is_a_value_error_naming_the_rule(board, notebook, name):
    with pytest.raises(ValueError, match="nickname is 1 to 40 printable characters"):
        nr.classroom.join(board.url, board.code, name=name)


def test_a_taken_nickname_is_a_value_error_suggesting_another(board, notebook):
    first = classroom_client.Student(board.url, board.code, "ana", ledger=Ledger(),
                                     hardware="h").start()
    first.stop()
    with pytest.raises(ValueError, match="ana2"):
        classroom_client.Student(board.url, board.code, "ana", ledger=Ledger(),
                                 hardware="h").start()


def test_after_end_the_class_reads_back_as_a_ledger(board, notebook, tmp_path):
    ledgers = {}
    instructor = nr.classroom.Board(board.url, key=board.key)
    instructor.assign(learning_rate=[0.001, 0.1])
    for name in ("ana", "bob"):
        ledgers[name] = Ledger()
        student = classroom_client.Student(board.url, board.code, name, ledger=ledgers[name],
                                           hardware="CPU: test", interval=0.05).start()
        run = ledgers[name].add(RunRecord("sweep", hparams={"batch_size": 32},
                                          samples_per_epoch=500))
        for epoch in range(1, 4):
            run.add_epoch({"loss": 1.0 / epoch, "val_accuracy": 0.5 + epoch / 10}, 0.2)
        run.finish()
        assert student.flush(10)
        student.stop()
    written = instructor.end(tmp_path / "class.csv")
    back = Ledger.read_csv(written)
    assert [r.name for r in back] == ["ana · sweep", "bob · sweep"]
    for record, (name, rate) in zip(back, [("ana", 0.001), ("bob", 0.1)], strict=True):
        assert record.hparams == {"student": name, "learning_rate": rate, "batch_size": 32}
        assert record.history["loss"] == pytest.approx([1.0, 0.5, 1 / 3])
        assert record.history["val_accuracy"] == pytest.approx([0.6, 0.7, 0.8])
        assert len(record.epoch_seconds) == 3 and record.status == "finished"
    server_copy = Ledger.read_csv(board.db.with_suffix(".csv"))   # written next to the db
    assert [r.name for r in server_copy] == ["ana · sweep", "bob · sweep"]
    again = classroom_client.Student(board.url, board.code, "cy", ledger=Ledger(), hardware="h")
    with pytest.raises(PermissionError, match="ended"):
        again.start()


def test_the_export_command_writes_the_same_csv_from_the_db(board, tmp_path):
    ledger = Ledger()
    student = classroom_client.Student(board.url, board.code, "ana", ledger=ledger,
                                       hardware="h").start()
    ledger.add(RunRecord("xor", hparams={"layers": 3})).add_epoch({"accuracy": 0.75}, 0.1)
    assert student.flush(10)
    student.stop()
    result = classroom("export", "--db", str(board.db), str(tmp_path / "out.csv"))
    assert result.returncode == 0, result.stderr
    (back,) = Ledger.read_csv(tmp_path / "out.csv")
    assert back.name == "ana · xor" and back.history == {"accuracy": [0.75]}
    missing = classroom("export", "--db", str(tmp_path / "none.sqlite"), str(tmp_path / "x.csv"))
    assert missing.returncode == 2 and "none.sqlite" in missing.stderr
