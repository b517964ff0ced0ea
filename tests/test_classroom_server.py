"""The classroom board's server and client: who may do what, what a post may hold, nothing lost.

Each test starts its own board on a free loopback port (a few milliseconds) and talks to it
over HTTP, as students' notebooks and the projector page do.
"""

from __future__ import annotations

import json
import pickle
import urllib.error
import urllib.request

import pytest

from neurona.classroom import client as classroom_client
from neurona.classroom.client import Board, Student
from neurona.classroom.protocol import MAX_BODY_BYTES
from neurona.classroom.server import FAILURES_PER_MINUTE, start
from neurona.runs import Ledger, RunRecord


@pytest.fixture
def board(tmp_path):
    running = start(tmp_path / "class.sqlite", title="test class")
    yield running
    running.stop()


def call(board, path, body=None, token=None, raw_body=None):
    """(status, answer) of one request; the answer is parsed JSON or text."""
    data = raw_body if raw_body is not None else (
        None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(f"{board.url}/{path}", data=data,
                                     method="GET" if data is None else "POST")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            status, text, headers = answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as error:
        status, text, headers = error.code, error.read().decode(), error.headers
    kind = headers.get("Content-Type", "")
    return status, json.loads(text) if kind.startswith("application/json") else text


def joined(board, name="ana"):
    status, answer = call(board, "api/join", {"code": board.code, "name": name, "hardware": "h"})
    assert status == 200, answer
    return answer["token"]


def run_post(run_id="r1", epochs=(1,), name="lr 0.1", **metrics):
    return {"run": {"id": run_id, "name": name, "hparams": {"learning_rate": 0.1},
                    "status": "running"},
            "epochs": [{"epoch": e, "seconds": 0.5,
                        "metrics": {"loss": 1.0 / e, **metrics}} for e in epochs]}


def test_a_students_run_reaches_the_board_epoch_by_epoch(board):
    ledger = Ledger()
    student = Student(board.url, board.code.lower(), "ana", ledger=ledger, hardware="CPU: test",
                      interval=0.05).start()
    run = ledger.add(RunRecord("lr 0.1", hparams={"learning_rate": 0.1}, samples_per_epoch=100))
    for epoch in range(3):
        run.add_epoch({"loss": 1.0 / (epoch + 1), "val_accuracy": float("nan") if epoch == 1
                       else 0.5 + epoch / 10}, 0.25)
    run.finish("finished")
    assert student.flush(10)
    student.stop()
    data = call(board, "api/board", token=board.key)[1]
    (sent,) = data["runs"]
    assert sent["name"] == "lr 0.1" and sent["status"] == "finished" and sent["epochs"] == 3
    assert sent["history"]["loss"] == [1.0, 0.5, pytest.approx(1 / 3)]
    assert sent["history"]["val_accuracy"] == [0.5, None, 0.7]   # a NaN travels as null
    assert sent["samples_per_second"] == pytest.approx(400.0)
    assert data["students"] == [{"id": 1, "name": "ana", "hardware": "CPU: test", "assigned": {}}]
    assert data["code"] == board.code[:4] + "-" + board.code[4:] and board.url in data["join"]
    assert student.stats["epochs_acked"] == 3 and "1 run sent" in student.status()


def test_only_holders_of_the_code_join_and_wrong_codes_are_rate_limited(board):
    assert call(board, "api/join", {"code": "ABCD2345", "name": "eve"})[0] == 403
    assert call(board, "api/join", {"code": board.code.lower()[:4] + "-" + board.code[4:],
                                    "name": "ana"})[0] == 200   # case and dash do not matter
    for _attempt in range(FAILURES_PER_MINUTE):
        call(board, "api/join", {"code": "ABCD2345", "name": "eve"})
    status, answer = call(board, "api/join", {"code": board.code, "name": "bob"})
    assert status == 429 and "wait a minute" in answer["error"]


def test_without_a_token_nothing_is_posted_or_read(board):
    token = joined(board)
    for path, body in [("api/runs", run_post()), ("api/board", None), ("api/me", None)]:
        for bad in (None, "not-a-token-at-all", token[::-1]):
            status, answer = call(board, path, body, token=bad)
            assert status == 401 and "join again" in answer["error"], (path, bad)
    assert call(board, "api/board", token=token)[0] == 200
    assert call(board, "api/board", token=board.key)[0] == 200


def test_the_instructor_key_alone_assigns_exports_and_ends(board):
    token = joined(board)
    for path, body in [("api/assign", {"grid": {"seed": [1, 2]}}), ("api/end", {}),
                       ("api/export.csv", None)]:
        for bad in (None, token, board.code):
            status, answer = call(board, path, body, token=bad)
            assert status == 403 and "instructor key" in answer["error"], (path, bad)
    student_view = call(board, "api/board", token=token)[1]
    assert "code" not in student_view and "join" not in student_view
    assert call(board, "api/assign", {"grid": {"seed": [1, 2]}}, token=board.key)[0] == 200
    assert call(board, "api/end", {}, token=board.key)[0] == 200
    status, answer = call(board, "api/runs", run_post(), token=token)
    assert status == 410 and "ended" in answer["error"]


def test_a_student_cannot_touch_another_students_runs(board):
    ana, bob = joined(board, "ana"), joined(board, "bob")
    assert call(board, "api/runs", run_post("same-id", (1, 2)), token=ana)[1] == {"stored": 2}
    hostile = run_post("same-id", (1, 2, 3), name="overwritten")
    hostile["epochs"][0]["metrics"]["loss"] = 99.0
    assert call(board, "api/runs", hostile, token=bob)[1] == {"stored": 3}
    runs = {r["student"]: r for r in call(board, "api/board", token=board.key)[1]["runs"]}
    assert runs[1]["name"] == "lr 0.1" and runs[1]["history"]["loss"] == [1.0, 0.5]
    assert runs[2]["name"] == "overwritten" and runs[2]["history"]["loss"][0] == 99.0
    status, answer = call(board, "api/join", {"code": board.code, "name": "ana"})
    assert status == 409 and "taken" in answer["error"]   # a nickname cannot be taken over


@pytest.mark.parametrize(("body", "words"), [
    (b'{"run": {"id": "r"}, "epochs": [{"epoch": 1, "seconds": NaN}]}', "NaN"),
    (b'{"run": {"id": "r"}, "epochs": [{"epoch": 1, "seconds": 1, '
     b'"metrics": {"loss": Infinity}}]}', "Infinity"),
    (b'{"run": {"id": "r"}, "run": {"id": "s"}}', "twice"),
    (pickle.dumps({"run": {"id": "r"}}), "not JSON"),
    (b"[[[[[[1]]]]]]", "deeper"),
    (json.dumps({"run": {"id": "r"}, "epochs": [{"epoch": 0, "seconds": 1}]}).encode(), "epoch"),
    (json.dumps({"run": {"id": "r"}, "epochs": [{"epoch": True, "seconds": 1}]}).encode(), "epoch"),
    (json.dumps({"run": {"id": "r"}, "epochs": [{"epoch": 1, "seconds": -1}]}).encode(),
     "at least"),
    (json.dumps({"run": {"id": "r"}, "epochs": [{"epoch": 1, "seconds": 1,
                                                  "metrics": {"loss": "0.5"}}]}).encode(),
     "finite number"),
    (json.dumps({"run": {"id": "r"}, "epochs": [{"epoch": 1, "seconds": 1, "metrics": {
        f"m{i}": 0.1 for i in range(17)}}]}).encode(), "at most 16 metrics"),
    (json.dumps({"run": {"id": "r", "command": "rm -rf /"}}).encode(), "unknown fields"),
    (json.dumps({"run": {"id": "../../etc"}}).encode(), "run.id"),
    (json.dumps({"run": {"id": "r", "name": "x" * 81}}).encode(), "at most 80"),
    (json.dumps({"run": {"id": "r", "status": "hacked"}}).encode(), "run.status"),
    (json.dumps({"run": {"id": "r", "hparams": {"lr": [1, 2]}}}).encode(), "true/false or null"),
    (json.dumps({"run": {"id": "r", "hparams": {"<script>": 1}}}).encode(), "not a name"),
    (b"x" * (MAX_BODY_BYTES + 10), "bytes"),
])
def test_posts_are_checked_before_anything_is_stored(board, body, words):
    token = joined(board)
    status, answer = call(board, "api/runs", raw_body=body, token=token)
    assert status == 400 and words in answer["error"], answer
    assert call(board, "api/board", token=board.key)[1]["runs"] == []


def test_a_nickname_is_plain_text_kept_as_typed(board):
    hostile = '<img src=x onerror=alert(1)>'
    token = joined(board, hostile)
    call(board, "api/runs", run_post(name="<b>run</b>"), token=token)
    data = call(board, "api/board", token=board.key)[1]
    assert data["students"][0]["name"] == hostile and data["runs"][0]["name"] == "<b>run</b>"
    for name in ("", "   ", "a\x00b", "x" * 41, 7):
        status, answer = call(board, "api/join", {"code": board.code, "name": name})
        assert status == 400 and "nickname" in answer["error"]


def test_resent_epochs_count_once_and_the_acknowledgement_has_no_gap(board):
    token = joined(board)
    assert call(board, "api/runs", run_post(epochs=(1, 2, 3)), token=token)[1] == {"stored": 3}
    assert call(board, "api/runs", run_post(epochs=(1, 2, 3)), token=token)[1] == {"stored": 3}
    assert call(board, "api/runs", run_post(epochs=(5,)), token=token)[1] == {"stored": 3}
    assert call(board, "api/runs", run_post(epochs=(4,)), token=token)[1] == {"stored": 5}
    (run,) = call(board, "api/board", token=board.key)[1]["runs"]
    assert run["epoch_numbers"] == [1, 2, 3, 4, 5] and run["epochs"] == 5


def test_a_restarted_board_has_the_same_class_and_every_acknowledged_epoch(tmp_path):
    first = start(tmp_path / "class.sqlite")
    token = joined(first)
    call(first, "api/runs", run_post(epochs=(1, 2)), token=token)
    first.stop()
    second = start(tmp_path / "class.sqlite")
    try:
        assert (second.code, second.key) == (first.code, first.key)
        assert call(second, "api/runs", run_post(epochs=(2, 3)), token=token)[1] == {"stored": 3}
        (run,) = call(second, "api/board", token=second.key)[1]["runs"]
        assert run["history"]["loss"] == [1.0, 0.5, pytest.approx(1 / 3)]
    finally:
        second.stop()


def test_assignments_go_round_robin_in_join_order(board):
    tokens = [joined(board, name) for name in ("a", "b", "c", "d")]
    instructor = Board(board.url, key=board.key)
    values = instructor.assign(learning_rate=[0.001, 0.01], batch_size=[32, 128])
    assert values[1] == {"learning_rate": 0.001, "batch_size": 128} and len(values) == 4
    instructor.assign(learning_rate=[0.001, 0.01, 0.1])
    got = [call(board, "api/me", token=t)[1]["assigned"]["learning_rate"] for t in tokens]
    assert got == [0.001, 0.01, 0.1, 0.001]
    with pytest.raises(ValueError, match="one or two parameters"):
        instructor.assign(a=[1], b=[2], c=[3])
    with pytest.raises(PermissionError, match="instructor"):
        Board(board.url, key="wrong").assign(seed=[1])


def test_join_gives_the_notebook_its_assignment(board, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("NEURONA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(classroom_client, "_MEMBERSHIP", {})
    assert classroom_client.assigned("learning_rate", 0.5) == 0.5 and not classroom_client.joined()
    Board(board.url, key=board.key).assign(learning_rate=[0.03])
    ledger = Ledger()
    me = classroom_client.join(board.url, board.code, name="ana", ledger=ledger)
    try:
        assert "Assigned to you: learning_rate = 0.03" in capsys.readouterr().out
        assert classroom_client.joined() and classroom_client.membership() is me
        assert classroom_client.assigned("learning_rate", 0.5) == 0.03
        assert classroom_client.assigned("batch_size", 32) == 32
    finally:
        me.stop()
    again = classroom_client.join(board.url, board.code, name="ana", ledger=ledger)
    again.leave()   # the same nickname came back in with the token it kept
    assert not classroom_client.joined() and classroom_client.assigned("learning_rate", 1) == 1


def test_wrong_code_unreachable_board_and_bad_nickname_say_what_to_do(board):
    with pytest.raises(PermissionError, match="ABCD-2345.*projector"):
        Student(board.url, "abcd2345", "ana", ledger=Ledger(), hardware="h").start()
    with pytest.raises(PermissionError, match="projector"):
        Student(board.url, "too short", "ana", ledger=Ledger(), hardware="h").start()
    with pytest.raises(ConnectionError, match="127.0.0.1:9.*same network"):
        Student("127.0.0.1:9", board.code, "ana", ledger=Ledger(), hardware="h").start()
    with pytest.raises(ValueError, match="nickname"):
        Student(board.url, board.code, "x" * 41, ledger=Ledger(), hardware="h")
    with pytest.raises(ValueError, match="http://"):
        Student("ftp://x", board.code, "ana", ledger=Ledger(), hardware="h")


def test_the_export_is_the_ledgers_csv(board, tmp_path):
    ledger = Ledger()
    student = Student(board.url, board.code, "ana", ledger=ledger, hardware="h").start()
    Board(board.url, key=board.key).assign(seed=[7])
    run = ledger.add(RunRecord("xor", hparams={"layers": 3}))
    run.add_epoch({"accuracy": 0.75}, 0.1)
    run.finish()
    assert student.flush(10)
    student.stop()
    path = Board(board.url, key=board.key).end(tmp_path / "class.csv")
    (back,) = Ledger.read_csv(path)
    assert back.name == "ana · xor" and back.history == {"accuracy": [0.75]}
    assert back.hparams == {"student": "ana", "seed": 7, "layers": 3}
    assert (board.db.with_suffix(".csv")).exists()


def test_answers_carry_the_security_headers(board):
    request = urllib.request.Request(f"{board.url}/api/health")
    with urllib.request.urlopen(request, timeout=5) as answer:
        headers = answer.headers
        assert json.loads(answer.read()) == {"ok": True, "kit": __import__("neurona").__version__}
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_a_board_under_a_jupyterhub_prefix_answers_only_there(tmp_path):
    running = start(tmp_path / "hub.sqlite", base_url="/services/neurona-board/")
    try:
        assert running.url.endswith("/services/neurona-board")
        student = Student(running.url, running.code, "ana", ledger=Ledger(), hardware="h").start()
        student.stop()
        root = urllib.request.Request(running.url.rsplit("/services", 1)[0] + "/api/health")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(root, timeout=5)
    finally:
        running.stop()
