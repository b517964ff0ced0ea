"""A student's side of the classroom board: join once, and every run of the ledger is sent.

:func:`join` adds this notebook to the class. A daemon thread then looks at the ledger twice a
second and sends what the board has not acknowledged: new runs, new epochs, a changed status.
Training never waits for it. While the board cannot be reached, nothing is dropped: the runs
stay in the ledger, the thread tries again (after 1, 2, 4... up to 30 s) and sends them when the
board is back. The board acknowledges a run by the number of its epochs it has stored without a
gap; the thread resends from there, and the board ignores an epoch it already has, so a lost
acknowledgement never counts an epoch twice.

What is sent: the run's name, hyper-parameters, per-epoch metrics and seconds, device, backend,
parameter count and status, the hardware line, and the nickname. Nothing else about the student.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import math
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from neurona.classroom import protocol
from neurona.i18n import _, ngettext

__all__ = ["Board", "BoardAnswer", "Student", "assigned", "join", "joined", "membership"]

TIMEOUT_S = 5.0
MAX_BACKOFF_S = 30.0
_MEMBERSHIP: dict[str, Student] = {}


def _address(address: Any) -> str:
    """``"host:8765"`` or ``"http://host:8765/prefix"`` -> ``"http://host:8765/prefix/"``."""
    if not isinstance(address, str) or not address.strip():
        raise ValueError(_("the board's address is text such as \"http://192.168.1.20:8765\", "
                           "got {value!r}").format(value=address))
    address = address.strip()
    if "://" not in address:
        address = "http://" + address
    if not address.startswith(("http://", "https://")):
        raise ValueError(_("the board's address starts with http:// or https://, got {value!r}")
                         .format(value=address))
    return address.rstrip("/") + "/"


class BoardAnswer(Exception):
    """The board answered with an error status (kept apart from "could not reach it")."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _request(base: str, path: str, *, body: Any = None, token: str | None = None,
             timeout: float = TIMEOUT_S, raw: bool = False, etag: str | None = None,
             seen: dict[str, str] | None = None) -> Any:
    """One call to the board: JSON in, JSON (or text) out.

    With ``etag`` (the ETag of an earlier answer) an unchanged board answers ``None``; ``seen``
    receives the answer's ``etag``.

    Raises
    ------
    BoardAnswer
        The board answered with an error (its message).
    ConnectionError
        The board could not be reached.
    """
    data = None if body is None else json.dumps(body, allow_nan=False).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if data is None
                                     else "POST")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read().decode("utf-8")
            if seen is not None:
                seen["etag"] = answer.headers.get("Etag", "")
        return text if raw else json.loads(text)
    except urllib.error.HTTPError as error:
        if error.code == 304 and etag:
            return None
        try:
            message = json.loads(error.read().decode("utf-8")).get("error", "")
        except (ValueError, AttributeError, OSError):
            message = ""
        raise BoardAnswer(error.code, message or str(error.reason)) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        # Refused, timed out, or an answer cut short (a server killed mid-answer): all mean
        # "not reached"; what was not acknowledged is sent again.
        reason = getattr(error, "reason", None) or type(error).__name__
        raise ConnectionError(_(
            "cannot reach the board at {address} ({reason}). Check the address your instructor "
            "gave (it starts with http:// and ends with the port, e.g. http://192.168.1.20:8765) "
            "and that this computer is on the same network.").format(
                address=base.rstrip("/"), reason=reason)) from None


def _hardware_line() -> str:
    from neurona.hardware import hardware_report

    return hardware_report().summary()[: protocol.MAX_TEXT]


def _tokens_file() -> Path:
    from neurona.settings import cache_dir

    return cache_dir() / "classroom-tokens.json"


def _token_slot(base: str, code: str, name: str) -> str:
    return hashlib.sha256(f"{base}|{code}|{name}".encode()).hexdigest()[:24]


class Student:
    """One student of a class: joins, then sends a ledger's runs from a daemon thread.

    :func:`join` makes one over ``nr.ledger``; a simulation may make many in one process.

    Parameters
    ----------
    address : str
        The board's address, e.g. ``"http://192.168.1.20:8765"``.
    code : str
        The class code (any case; spaces and dashes ignored).
    name : str
        A nickname, 1 to 40 characters: all the board keeps about the student.
    ledger : Ledger, optional
        Whose runs to send (default ``nr.ledger``).
    hardware : str, optional
        The machine's one-line description (default: :func:`neurona.hardware_report`'s).
    interval : float
        Seconds between two looks at the ledger.
    remember : bool
        Keep the token on disk so that the same nickname can join again after a restart.
    """

    def __init__(self, address: str, code: str, name: str, *, ledger=None,
                 hardware: str | None = None, interval: float = 0.5, remember: bool = False):
        self.address = _address(address)
        try:
            self.code = protocol.normalise_code(code)
            self.name = protocol.check_nickname(name)
        except protocol.ProtocolError as error:
            raise ValueError(str(error)) from None
        if ledger is None:
            from neurona.runs import ledger as notebook_ledger

            ledger = notebook_ledger
        self.ledger = ledger
        self.hardware = hardware
        self.interval = float(interval)
        self.remember = remember
        self.token: str | None = None
        self.assigned: dict[str, Any] = {}
        self.title = ""
        self.stats = {"posts": 0, "failures": 0, "epochs_acked": 0}
        self.last_error = ""
        self._runs: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._ended = False

    # -- joining ---------------------------------------------------------------------------
    def start(self) -> Student:
        """Join the class (errors are raised here, clearly) and start sending."""
        if len(self.code) != protocol.CODE_LENGTH or set(self.code) - set(protocol.CODE_ALPHABET):
            raise PermissionError(self._wrong_code())
        _request(self.address, "api/health")   # ConnectionError: unreachable
        saved = self._saved_token()
        body = {"code": self.code, "name": self.name,
                "hardware": self.hardware if self.hardware is not None else _hardware_line()}
        if saved:
            body["token"] = saved
        try:
            answer = _request(self.address, "api/join", body=body)
        except BoardAnswer as error:
            raise self._joining_error(error) from None
        self.token, self.assigned, self.title = answer["token"], answer["assigned"], answer["title"]
        self.name = answer["name"]
        if self.remember:
            self._save_token()
        self._thread = threading.Thread(target=self._loop, name=f"neurona-class-{self.name}",
                                        daemon=True)
        self._thread.start()
        return self

    def _wrong_code(self) -> str:
        return _("{code!r} is not this board's class code: check it on the projector (8 letters "
                 "and digits, e.g. ABCD-2345)").format(code=protocol.show_code(self.code))

    def _joining_error(self, error: BoardAnswer) -> Exception:
        if error.status == 403:
            return PermissionError(self._wrong_code())
        if error.status == 409:
            return ValueError(_("the nickname {name!r} is already taken in this class: choose "
                                "another, e.g. name=\"{name}2\"").format(name=self.name))
        if error.status == 410:
            return PermissionError(_("this class has ended: the board takes no more students"))
        if error.status == 429:
            return PermissionError(_("the board refused: {reason}").format(reason=error))
        return ValueError(_("the board refused to let you join: {reason}").format(reason=error))

    def _saved_token(self) -> str | None:
        if not self.remember:
            return None
        try:
            saved = json.loads(_tokens_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        token = saved.get(_token_slot(self.address, self.code, self.name))
        return token if isinstance(token, str) else None

    def _save_token(self) -> None:
        path = _tokens_file()
        try:
            saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            saved = {}
        saved[_token_slot(self.address, self.code, self.name)] = self.token
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(saved), encoding="utf-8")
        except OSError:
            pass   # only a rejoin after a restart needs it

    def refresh_assignment(self) -> dict[str, Any]:
        """Ask the board again what this student is assigned (kept as it was if unreachable)."""
        try:
            self.assigned = _request(self.address, "api/me", token=self.token,
                                     timeout=2.0)["assigned"]
        except (BoardAnswer, ConnectionError):
            pass
        return self.assigned

    # -- sending ---------------------------------------------------------------------------
    def _loop(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            try:
                self.send()
                delay = self.interval
            except ConnectionError as error:
                self.stats["failures"] += 1
                self.last_error = str(error)
                delay = min(max(delay * 2, 1.0), MAX_BACKOFF_S)
            except BoardAnswer as error:
                self.stats["failures"] += 1
                self.last_error = str(error)
                if error.status == 410:
                    self._ended = True
                    return
                delay = min(max(delay * 2, 1.0), MAX_BACKOFF_S)
            except Exception as error:  # noqa: BLE001 - the sender must outlive any surprise
                self.stats["failures"] += 1
                self.last_error = repr(error)
                delay = MAX_BACKOFF_S
            self._wake.wait(delay)
            self._wake.clear()

    def _state(self, run) -> dict[str, Any]:
        state = self._runs.get(id(run))
        if state is None or state["run"] is not run:
            state = {"run": run, "id": uuid.uuid4().hex, "acked": 0, "meta": None}
            self._runs[id(run)] = state
        return state

    def pending(self) -> tuple[int, int]:
        """Count the (runs, epochs) the board has not acknowledged yet."""
        runs = epochs = 0
        for run in list(self.ledger):
            state = self._runs.get(id(run))
            acked = state["acked"] if state and state["run"] is run else 0
            meta_sent = state is not None and state["meta"] == _meta(run)
            waiting = max(len(run.epoch_seconds) - acked, 0)
            if waiting or not meta_sent:
                runs += 1
                epochs += waiting
        return runs, epochs

    def send(self) -> None:
        """Send every run's unacknowledged part now (the thread calls it; so may a test).

        Raises ConnectionError or BoardAnswer when the board cannot take it; what was
        acknowledged before stays acknowledged.
        """
        with self._lock:
            for run in list(self.ledger):
                state = self._state(run)
                meta = _meta(run)
                done = len(run.epoch_seconds)
                while state["acked"] < done or state["meta"] != meta:
                    first = state["acked"]
                    last = min(done, first + protocol.MAX_EPOCHS_PER_POST)
                    body = {"run": {"id": state["id"], **meta},
                            "epochs": [_epoch(run, i) for i in range(first, last)]}
                    stored = _request(self.address, "api/runs", body=body,
                                      token=self.token)["stored"]
                    self.stats["posts"] += 1
                    self.stats["epochs_acked"] += max(stored - state["acked"], 0)
                    state["acked"], state["meta"] = stored, meta
                    if stored < last:   # a gap the board lacks: resend from its count next time
                        break
            self.last_error = ""

    def flush(self, timeout: float = 10.0) -> bool:
        """Send now and wait until the board acknowledged everything; ``False`` at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.send()
            except (ConnectionError, BoardAnswer) as error:
                self.last_error = str(error)
            if self.pending() == (0, 0):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))

    def stop(self) -> None:
        """Stop the sending thread (what is unsent stays in the ledger)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(TIMEOUT_S + 1)

    def leave(self) -> None:
        """Stop sending and leave the class: the "with a class" cells do nothing again.

        What the board already has stays there; the ledger keeps every run.
        """
        self.stop()
        if _MEMBERSHIP.get("student") is self:
            del _MEMBERSHIP["student"]

    def status(self) -> str:
        """One line: where the runs go and what is still waiting."""
        runs, epochs = self.pending()
        sent = len(self.ledger) - runs
        text = ngettext("{name} in the class at {address}: {n} run sent",
                        "{name} in the class at {address}: {n} runs sent", sent).format(
            name=self.name, address=self.address.rstrip("/"), n=sent)
        if self._ended:
            return text + "; " + _("the class has ended")
        if epochs or runs:
            text += "; " + ngettext("{n} epoch waiting", "{n} epochs waiting", epochs).format(
                n=epochs)
            if self.last_error:
                text += " " + _("(the board cannot be reached now: they are kept and sent "
                                "when it is back)")
        return text

    def __repr__(self) -> str:
        return self.status()


def _meta(run) -> dict[str, Any]:
    """Return a run's fields as the board takes them (cut to the protocol's limits)."""
    hparams = {}
    for key, value in list(run.hparams.items())[: protocol.MAX_HPARAMS]:
        key = str(key)[:40]
        if isinstance(value, bool) or value is None or isinstance(value, str):
            hparams[key] = value if not isinstance(value, str) else value[: protocol.MAX_TEXT]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            number = protocol.finite_or_none(value)
            hparams[key] = (int(value) if isinstance(value, int) and abs(value) < 2**53
                            else number)
        else:
            hparams[key] = str(value)[: protocol.MAX_TEXT]
    return {"name": run.name[: protocol.MAX_RUN_NAME], "hparams": hparams,
            "device": run.device[: protocol.MAX_TEXT], "backend": run.backend[:40],
            "samples_per_epoch": _whole(run.samples_per_epoch),
            "parameters": _whole(run.parameters), "status": run.status,
            "note": run.note[: protocol.MAX_TEXT], "started": run.started[:40]}


def _whole(value: Any) -> int | None:
    try:
        return int(value) if value is not None and math.isfinite(value) else None
    except (TypeError, ValueError):
        return None


def _epoch(run, i: int) -> dict[str, Any]:
    metrics = {str(k)[:40]: protocol.finite_or_none(v[i]) if i < len(v) else None
               for k, v in list(run.history.items())[: protocol.MAX_METRICS]}
    return {"epoch": i + 1, "seconds": max(float(run.epoch_seconds[i]), 0.0), "metrics": metrics}


# -- the notebook's membership ----------------------------------------------------------------
def join(address: str, code: str, name: str, *, ledger=None) -> Student:
    """Join the class's board: from now on this notebook's runs are sent to it as they train.

    Parameters
    ----------
    address : str
        The board's address your instructor gave, e.g. ``"http://192.168.1.20:8765"``.
    code : str
        The class code shown on the projector, e.g. ``"ABCD-2345"``.
    name : str
        A nickname (1 to 40 characters). It is all the board keeps about you: use one that
        does not say who you are if you prefer.
    ledger : Ledger, optional
        Whose runs to send (default ``nr.ledger``).

    Returns
    -------
    Student
        Its ``status()`` says what was sent; ``assigned`` what the board gave you.

    Raises
    ------
    PermissionError
        The class code is wrong, or the class has ended.
    ConnectionError
        The board cannot be reached at that address.
    ValueError
        The nickname is not allowed or is taken.
    """
    current = _MEMBERSHIP.get("student")
    if current is not None:
        current.stop()
    student = Student(address, code, name, ledger=ledger, remember=True).start()
    _MEMBERSHIP["student"] = student
    text = _("Joined {title!r} as {name}: your runs go to the board.").format(
        title=student.title, name=student.name)
    if student.assigned:
        text += " " + _("Assigned to you: {values}.").format(values=", ".join(
            f"{k} = {v}" for k, v in student.assigned.items()))
    print(text)
    return student


def membership() -> Student | None:
    """Return the notebook's membership of a class, or ``None`` if it has not joined."""
    return _MEMBERSHIP.get("student")


def joined() -> bool:
    """Whether this notebook joined a board (the "with a class" cells do nothing otherwise)."""
    return "student" in _MEMBERSHIP


def assigned(name: str, default: Any = None) -> Any:
    """Return the value of ``name`` the board assigned to you, or ``default`` (not joined, or none).

    Examples
    --------
    >>> assigned("learning_rate", 0.01)     # not in a class: the default
    0.01
    """
    student = membership()
    if student is None:
        return default
    return student.refresh_assignment().get(name, default)


class Board:
    """Read a board, and with the instructor key run it: assign, export, end.

    Parameters
    ----------
    address : str, optional
        The board's address (default: the one this notebook joined).
    key : str, optional
        The instructor key the server printed. Without it the board is read with this
        notebook's membership, read only.
    """

    def __init__(self, address: str | None = None, key: str | None = None):
        student = membership()
        if student is None and (key is None or address is None):
            raise PermissionError(_("to read the board, join the class first "
                                    "(nr.classroom.join) or give its address and the "
                                    "instructor key"))
        self.address = _address(address) if address is not None else student.address
        self.key = key
        self._token = key if key is not None else student.token

    @property
    def token(self) -> str:
        """The credential this reader sends: the instructor key, or the student's token."""
        return self._token

    def _call(self, path: str, body: Any = None, raw: bool = False, **conditional: Any) -> Any:
        try:
            return _request(self.address, path, body=body, token=self._token, raw=raw,
                            **conditional)
        except BoardAnswer as error:
            if error.status == 403:
                raise PermissionError(
                    _("the board refused: that is not its instructor key")) from None
            if error.status == 401:
                raise PermissionError(
                    _("the board does not know this notebook: join again")) from None
            raise ValueError(_("the board refused: {reason}").format(reason=error)) from None

    def data(self, metric: str | None = None) -> dict[str, Any]:
        """Return the board as data, with the ``summary`` of ``metric`` (default: the board's)."""
        return self.fetch(metric)[0]

    def fetch(self, metric: str | None = None,
              etag: str | None = None) -> tuple[dict[str, Any] | None, str]:
        """Return (board data, its ETag); the data is ``None`` when unchanged since ``etag``.

        Raises ``BoardAnswer`` for a refusal (an unknown metric is status 400) and
        ``ConnectionError`` when the board cannot be reached.
        """
        seen: dict[str, str] = {}
        data = _request(self.address, "api/board?metric=" + urllib.request.quote(metric or ""),
                        token=self._token, etag=etag, seen=seen)
        return data, seen.get("etag", etag or "")

    def _instructor(self) -> None:
        if self.key is None:
            raise PermissionError(_("only the instructor can do this: give the key, "
                                    "nr.classroom.Board(address, key=...)"))

    def assign(self, **grid: Any) -> list[dict[str, Any]]:
        """Hand out a sweep: ``assign(learning_rate=[0.001, 0.01, 0.1])``.

        Two parameters give every combination; ``seed=range(40)`` hands out seeds. Students
        get the values in join order, round robin.
        """
        self._instructor()
        lists = {}
        for name, values in grid.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
                values = [values]
            lists[name] = [v.item() if hasattr(v, "item") else v for v in values]
        return self._call("api/assign", {"grid": lists})["values"]

    def export_csv(self, path: str | Path) -> Path:
        """Write the class to ``path`` in the ledger's CSV format (``nr.Ledger.read_csv``)."""
        self._instructor()
        path = Path(path)
        path.write_text(self._call("api/export.csv", raw=True), encoding="utf-8")
        return path

    def end(self, csv_path: str | Path | None = None) -> Path:
        """End the class (no more posts) and save its CSV; returns where it was written."""
        self._instructor()
        written = Path(self._call("api/end", {})["csv"])
        return self.export_csv(csv_path) if csv_path is not None else written
