"""Where a board keeps its class: one SQLite file in write-ahead-log mode, on local disk.

Every accepted post is committed before the server answers it, so a server that is killed and
started again on the same file has every epoch it acknowledged, the same class code, the same
instructor key and the same students. An epoch is stored under its run and its number, so a
client that resends it (its acknowledgement was lost) changes nothing: it is never counted twice.

Students' tokens are kept only as SHA-256 hashes; the instructor key is kept as it is, so that a
restarted server can print it again (the file stays on the instructor's machine).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import secrets
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from neurona.classroom import protocol
from neurona.i18n import _

__all__ = ["ClassStore", "StoreError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS class (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL, key TEXT NOT NULL, secret TEXT NOT NULL, title TEXT NOT NULL,
    created TEXT NOT NULL, ended TEXT, version INTEGER NOT NULL DEFAULT 0, assignment TEXT
);
CREATE TABLE IF NOT EXISTS students (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, token_hash TEXT NOT NULL UNIQUE,
    hardware TEXT NOT NULL, joined TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, student INTEGER NOT NULL REFERENCES students(id),
    client_id TEXT NOT NULL, name TEXT NOT NULL, hparams TEXT NOT NULL, device TEXT NOT NULL,
    backend TEXT NOT NULL,
    samples_per_epoch INTEGER, parameters INTEGER, status TEXT NOT NULL, note TEXT NOT NULL,
    started TEXT NOT NULL, stored INTEGER NOT NULL DEFAULT 0,
    UNIQUE (student, client_id)
);
CREATE TABLE IF NOT EXISTS epochs (
    run INTEGER NOT NULL REFERENCES runs(id), epoch INTEGER NOT NULL, seconds REAL NOT NULL,
    metrics TEXT NOT NULL, PRIMARY KEY (run, epoch)
) WITHOUT ROWID;
"""


class StoreError(Exception):
    """A request the class refuses; ``status`` is the HTTP status the server answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClassStore:
    """One class in one SQLite file: students, runs, epochs and the assignment.

    Parameters
    ----------
    path : str or Path
        The database file; created with a new class if it does not exist, resumed if it does.
    title : str, optional
        The class's title for a new file (default: "Class of" and the date).
    durable : bool
        Wait for the disk at every commit (``synchronous=FULL``). ``False`` survives a killed
        server just as well, not a power cut.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = ClassStore(pathlib.Path(tempfile.mkdtemp()) / "class.sqlite", title="demo")
    >>> len(store.code), store.title
    (8, 'demo')
    """

    def __init__(self, path: str | Path, title: str | None = None, *, durable: bool = True):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT code FROM class WHERE id = 1").fetchone()
        self.resumed = row is not None
        if row is None:
            default = _("Class of {date}").format(date=datetime.now().strftime("%Y-%m-%d"))
            self.db.execute(
                "INSERT INTO class (id, code, key, secret, title, created) "
                "VALUES (1, ?, ?, ?, ?, ?)",
                (protocol.new_code(), protocol.new_key(), secrets.token_hex(32),
                 title or default, _now()))
        (self.code, self.key, self.secret, self.title) = self.db.execute(
            "SELECT code, key, secret, title FROM class WHERE id = 1").fetchone()

    # -- the class -------------------------------------------------------------------------
    @property
    def version(self) -> int:
        """A counter that grows with every change: the board's cache and ETag key."""
        return self.db.execute("SELECT version FROM class WHERE id = 1").fetchone()[0]

    @property
    def ended(self) -> str | None:
        """When the class was ended (ISO time), or ``None`` while it is open."""
        return self.db.execute("SELECT ended FROM class WHERE id = 1").fetchone()[0]

    @contextlib.contextmanager
    def _transaction(self):
        """One transaction: committed when the block ends, rolled back if it raises."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _bump(self) -> None:
        self.db.execute("UPDATE class SET version = version + 1 WHERE id = 1")

    def _open(self) -> None:
        if self.ended:
            raise StoreError(410, _("this class has ended; the board takes no more posts"))

    def end(self) -> None:
        """Close the class: every later join or post is refused (status 410)."""
        with self._transaction():
            self.db.execute("UPDATE class SET ended = coalesce(ended, ?) WHERE id = 1", (_now(),))
            self._bump()

    def assign(self, grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
        """Hand out a sweep: the grid's combinations, first parameter slowest, in join order."""
        self._open()
        names = list(grid)
        combos = itertools.product(*grid.values())
        values = [dict(zip(names, combo, strict=True)) for combo in combos]
        with self._transaction():
            self.db.execute("UPDATE class SET assignment = ? WHERE id = 1",
                            (json.dumps({"params": names, "values": values}),))
            self._bump()
        return values

    def assignment(self) -> dict[str, Any] | None:
        """Return the sweep handed out, ``{"params": [...], "values": [...]}``, or ``None``."""
        text = self.db.execute("SELECT assignment FROM class WHERE id = 1").fetchone()[0]
        return json.loads(text) if text else None

    def assigned(self, student_id: int) -> dict[str, Any]:
        """Return the values a student was given: by join order, round robin over the sweep."""
        slot = self.db.execute("SELECT count(*) FROM students WHERE id < ?",
                               (student_id,)).fetchone()[0]
        return _nth_value(self.assignment(), slot)

    # -- students --------------------------------------------------------------------------
    def join(self, name: str, hardware: str, token: str | None = None) -> tuple[int, str]:
        """Add a student, or let one back in with the token it was given; return (id, token).

        Raises
        ------
        StoreError
            410 after the class ended, 409 when the nickname is taken by someone without its
            token, 429 when the class is full.
        """
        self._open()
        row = self.db.execute("SELECT id, token_hash FROM students WHERE name = ?",
                              (name,)).fetchone()
        if row is not None:
            if token is not None and secrets.compare_digest(row[1], _hash(token)):
                with self._transaction():
                    self.db.execute("UPDATE students SET hardware = ? WHERE id = ?",
                                    (hardware, row[0]))
                    self._bump()
                return row[0], token
            raise StoreError(409, _("the nickname {name!r} is taken in this class: choose another")
                             .format(name=name))
        count = self.db.execute("SELECT count(*) FROM students").fetchone()[0]
        if count >= protocol.MAX_STUDENTS:
            raise StoreError(429, _("the class is full ({n} students)").format(n=count))
        token = protocol.new_key()
        with self._transaction():
            cursor = self.db.execute(
                "INSERT INTO students (name, token_hash, hardware, joined) VALUES (?, ?, ?, ?)",
                (name, _hash(token), hardware, _now()))
            self._bump()
        return cursor.lastrowid, token

    def student(self, token: str) -> tuple[int, str] | None:
        """Return the student (id, nickname) a token belongs to, or ``None``."""
        row = self.db.execute("SELECT id, name FROM students WHERE token_hash = ?",
                              (_hash(token),)).fetchone()
        return (row[0], row[1]) if row else None

    # -- runs ------------------------------------------------------------------------------
    def post(self, student_id: int, post: dict[str, Any]) -> int:
        """Store a checked run post (:func:`protocol.check_run_post`) in one transaction.

        Returns the acknowledgement: how many epochs 1..n of the run are stored without a gap.
        """
        self._open()
        run = post["run"]
        fields = (run["name"], json.dumps(run["hparams"]), run["device"], run["backend"],
                  run["samples_per_epoch"], run["parameters"], run["status"], run["note"],
                  run["started"])
        with self._transaction():
            row = self.db.execute("SELECT id, stored FROM runs WHERE student = ? AND client_id = ?",
                                  (student_id, run["id"])).fetchone()
            if row is None:
                runs = self.db.execute("SELECT count(*) FROM runs WHERE student = ?",
                                       (student_id,)).fetchone()[0]
                if runs >= protocol.MAX_RUNS_PER_STUDENT:
                    raise StoreError(429, _("a student may send at most {n} runs").format(
                        n=protocol.MAX_RUNS_PER_STUDENT))
                run_id = self.db.execute(
                    "INSERT INTO runs (student, client_id, name, hparams, device, backend, "
                    "samples_per_epoch, parameters, status, note, started) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (student_id, run["id"], *fields)).lastrowid
                stored = 0
            else:
                run_id, stored = row
                self.db.execute(
                    "UPDATE runs SET name = ?, hparams = ?, device = ?, backend = ?, "
                    "samples_per_epoch = ?, parameters = ?, status = ?, note = ?, started = ? "
                    "WHERE id = ?", (*fields, run_id))
            self.db.executemany(
                "INSERT OR IGNORE INTO epochs (run, epoch, seconds, metrics) VALUES (?, ?, ?, ?)",
                [(run_id, e["epoch"], e["seconds"], json.dumps(e["metrics"]))
                 for e in post["epochs"]])
            have = {n for (n,) in self.db.execute(
                "SELECT epoch FROM epochs WHERE run = ? AND epoch > ?", (run_id, stored))}
            while stored + 1 in have:
                stored += 1
            self.db.execute("UPDATE runs SET stored = ? WHERE id = ?", (stored, run_id))
            self._bump()
        return stored

    # -- reading ---------------------------------------------------------------------------
    def board(self) -> dict[str, Any]:
        """Everything the board shows, as plain data (see the classroom contract)."""
        sweep = self.assignment()   # read once; a student's slot is its place in join order
        students = [{"id": sid, "name": name, "hardware": hardware,
                     "assigned": _nth_value(sweep, slot)}
                    for slot, (sid, name, hardware) in enumerate(self.db.execute(
                        "SELECT id, name, hardware FROM students ORDER BY id"))]
        epochs: dict[int, list[tuple[int, float, dict]]] = {}
        for run_id, number, seconds, metrics in self.db.execute(
                "SELECT run, epoch, seconds, metrics FROM epochs ORDER BY run, epoch"):
            epochs.setdefault(run_id, []).append((number, seconds, json.loads(metrics)))
        runs, names = [], []
        for (run_id, student, name, hparams, device, backend, samples, parameters, status,
             note) in self.db.execute(
                "SELECT id, student, name, hparams, device, backend, samples_per_epoch, "
                "parameters, status, note FROM runs ORDER BY id"):
            rows = epochs.get(run_id, [])
            keys = list(dict.fromkeys(k for _n, _s, m in rows for k in m))
            names += [k for k in keys if k not in names]
            history = {k: [m.get(k) for _n, _s, m in rows] for k in keys}
            seconds = [s for _n, s, _m in rows]
            runs.append({
                "id": run_id, "student": student, "name": name, "hparams": json.loads(hparams),
                "device": device, "backend": backend, "status": status, "note": note,
                "parameters": parameters, "samples_per_epoch": samples, "epochs": len(rows),
                "epoch_numbers": [n for n, _s, _m in rows],
                "history": history, "epoch_seconds": seconds,
                "samples_per_second": _samples_per_second(samples, seconds)})
        return {"title": self.title, "ended": self.ended is not None, "version": self.version,
                "assignment": sweep, "students": students, "runs": runs,
                "metrics": names}

    def ledger(self):
        """Return the class as a :class:`neurona.Ledger`, one run per student's run.

        Runs are named ``"nickname · run"``; the student and the assigned values join the
        run's hyper-parameters.
        """
        from neurona.runs import Ledger, RunRecord

        board = self.board()
        students = {s["id"]: s for s in board["students"]}
        started = dict(self.db.execute("SELECT id, started FROM runs"))
        ledger = Ledger()
        for run in board["runs"]:
            student = students[run["student"]]
            hparams = {"student": student["name"], **student["assigned"], **run["hparams"]}
            history = {k: [float("nan") if v is None else v for v in values]
                       for k, values in run["history"].items()}
            ledger.add(RunRecord(
                name=f"{student['name']} · {run['name']}", hparams=hparams, history=history,
                epoch_seconds=list(run["epoch_seconds"]),
                samples_per_epoch=run["samples_per_epoch"],
                device=run["device"], backend=run["backend"], status=run["status"],
                note=run["note"], parameters=run["parameters"],
                started=started[run["id"]] or _now()))
        return ledger

    def close(self) -> None:
        """Close the database file."""
        self.db.close()


def _nth_value(sweep: dict[str, Any] | None, slot: int) -> dict[str, Any]:
    """Return the values of the student in join-order place ``slot`` (round robin)."""
    if not sweep or not sweep["values"]:
        return {}
    return dict(sweep["values"][slot % len(sweep["values"])])


def _samples_per_second(samples: int | None, seconds: list[float]) -> float | None:
    """Steady speed: epochs after the first (the first alone when it is the only one)."""
    steady = seconds[1:] or seconds
    total = sum(steady)
    if not samples or not steady or total <= 0:
        return None
    return samples * len(steady) / total
