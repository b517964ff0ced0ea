"""The classroom board's web server: Tornado (which Jupyter already brings) over a SQLite class.

Who may do what:

- anyone may ask ``/api/health`` (it says only that a board answers, so that a student's
  client can tell "unreachable" from "wrong code");
- a holder of the **class code** may join; joining gives a **token**, and only a token's holder
  may post runs (to its own student only) and read the board;
- the holder of the **instructor key** may read the board (also as the projector page, after
  logging in there once), hand out assignments, export the class and end it.

Every post is parsed and checked by :mod:`neurona.classroom.protocol` before anything is stored;
nothing a student sends is executed or unpickled. Wrong codes, keys and tokens are counted per
address: after 20 in a minute that address gets status 429 for the rest of the minute.
"""

from __future__ import annotations

import asyncio
import collections
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

from neurona.classroom import protocol
from neurona.classroom.store import ClassStore, StoreError
from neurona.i18n import _

__all__ = ["Classroom", "RunningServer", "lan_address", "make_app", "start"]

PAGE_DIR = Path(__file__).with_name("page")
COOKIE = "neurona_board"
FAILURES_PER_MINUTE = 20
DEFAULT_PORT = 8765
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class Classroom:
    """The state one server shares between its handlers: the class, its caches, the addresses."""

    def __init__(self, store: ClassStore, address: str):
        self.store = store
        self.address = address
        self.failures: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._cache: dict[tuple, bytes] = {}

    def failed(self, ip: str) -> None:
        """Count one wrong code, key or token from ``ip``."""
        self.failures[ip].append(time.monotonic())

    def blocked(self, ip: str) -> bool:
        """Whether ``ip`` made too many wrong tries in the last minute."""
        times = self.failures.get(ip)
        if not times:
            return False
        while times and time.monotonic() - times[0] > 60:
            times.popleft()
        return len(times) >= FAILURES_PER_MINUTE

    def join_line(self) -> str:
        """Return the line students type, as the projector shows it."""
        code = protocol.show_code(self.store.code)
        return f'nr.classroom.join("{self.address}", "{code}", name="...")'

    def board_json(self, instructor: bool, metric: str | None, summary: bool) -> bytes:
        """Return the board as JSON bytes, cached until the class changes."""
        key = (self.store.version, instructor, metric, summary)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        data = self.store.board()
        if instructor:
            data["code"] = protocol.show_code(self.store.code)
            data["join"] = self.join_line()
        if summary:
            from neurona.classroom import summary as summaries

            data["summary"] = summaries.summarise(data, metric or None)
            data["reference"] = summaries.reference()
        body = json.dumps(data, separators=(",", ":")).encode()
        self._cache = {key: body}
        return body


class _Handler(tornado.web.RequestHandler):
    """Shared behaviour: security headers, JSON errors, the three kinds of credentials."""

    def initialize(self, room: Classroom) -> None:
        self.room = room

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", _CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-cache")

    def check_xsrf_cookie(self) -> None:
        """Skip: the API authenticates by header, not cookie, so no cross-site form can post."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        self.finish({"error": message})

    def refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``{"error": message}`` and stop the handler."""
        self.set_status(status)
        self.finish({"error": message})
        raise tornado.web.Finish()

    def json_body(self, check=None) -> Any:
        """Return the request's body as JSON, through ``check`` (a :mod:`protocol` checker).

        Answers 400 with the reason when the parser or the checker refuses it.
        """
        try:
            data = protocol.parse_json(self.request.body)
            return check(data) if check is not None else data
        except protocol.ProtocolError as error:
            self.refuse(400, str(error))

    def guard(self) -> None:
        """429 for an address that made too many wrong tries."""
        if self.room.blocked(self.request.remote_ip):
            self.refuse(429, _("too many wrong codes or keys from this machine: wait a minute"))

    def bearer(self) -> str | None:
        header = self.request.headers.get("Authorization", "")
        return header[7:].strip() if header.startswith("Bearer ") else None

    def is_instructor(self) -> bool:
        """Tell whether the instructor key came (Authorization header, or the page's cookie)."""
        token = self.bearer()
        if token is not None and secrets.compare_digest(token, self.room.store.key):
            return True
        cookie = self.get_signed_cookie(COOKIE, max_age_days=2)
        return cookie is not None and secrets.compare_digest(cookie, self.room.store.code.encode())

    def instructor(self) -> None:
        """Go on only for the instructor (403 otherwise, counted as a wrong try)."""
        self.guard()
        if not self.is_instructor():
            self.room.failed(self.request.remote_ip)
            self.refuse(403, _("this needs the instructor key"))

    def student(self) -> tuple[int, str]:
        """Return the student whose token came with the request (401 otherwise)."""
        self.guard()
        token = self.bearer()
        found = self.room.store.student(token) if token else None
        if found is None:
            self.room.failed(self.request.remote_ip)
            self.refuse(401, _("this needs the token the board gave when you joined: "
                               "join again with nr.classroom.join"))
        return found

    def stored(self, call, *args):
        """Run a store call, turning its refusals into answers."""
        try:
            return call(*args)
        except StoreError as error:
            self.refuse(error.status, str(error))


class Health(_Handler):
    """GET /api/health: a board answers here (no credentials)."""

    def get(self) -> None:
        """Answer that the board is up."""
        from neurona import __version__

        self.finish({"ok": True, "kit": __version__})


class Join(_Handler):
    """POST /api/join: a holder of the class code joins and gets a token."""

    def post(self) -> None:
        """Add the student, or let it back in."""
        self.guard()
        post = self.json_body(protocol.check_join)
        if not secrets.compare_digest(post["code"].encode(), self.room.store.code.encode()):
            self.room.failed(self.request.remote_ip)
            self.refuse(403, _("wrong class code"))
        student, token = self.stored(self.room.store.join, post["name"], post["hardware"],
                                     post["token"])
        self.finish({"student": student, "token": token, "name": post["name"],
                     "assigned": self.room.store.assigned(student), "title": self.room.store.title})


class Me(_Handler):
    """GET /api/me: what the board knows of the calling student."""

    def get(self) -> None:
        """Answer the nickname and the assigned values."""
        student, name = self.student()
        self.finish({"name": name, "assigned": self.room.store.assigned(student),
                     "ended": self.room.store.ended is not None})


class Runs(_Handler):
    """POST /api/runs: a student's run and its new epochs."""

    def post(self) -> None:
        """Store the post; answer the acknowledgement."""
        student, _name = self.student()
        post = self.json_body(protocol.check_run_post)
        self.finish({"stored": self.stored(self.room.store.post, student, post)})


class BoardData(_Handler):
    """GET /api/board: the whole class, for the page and the notebook panel."""

    def get(self) -> None:
        """Answer the board as JSON (304 when unchanged)."""
        instructor = self.is_instructor()
        if not instructor:
            self.student()
        metric = self.get_query_argument("metric", None)
        try:
            body = self.room.board_json(instructor, metric, metric is not None)
        except ValueError as error:   # an unknown metric: summarise names the allowed ones
            self.refuse(400, str(error))
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(body)


class Assign(_Handler):
    """POST /api/assign: the instructor hands out a sweep."""

    def post(self) -> None:
        """Store the sweep; answer its values."""
        self.instructor()
        grid = self.json_body(protocol.check_grid)
        self.finish({"values": self.stored(self.room.store.assign, grid)})


class End(_Handler):
    """POST /api/end: the instructor ends the class."""

    def post(self) -> None:
        """Close the class and write its CSV next to the database."""
        self.instructor()
        self.room.store.end()
        path = self.room.store.path.with_suffix(".csv")
        self.room.store.ledger().to_csv(path)
        self.finish({"csv": str(path)})


class Export(_Handler):
    """GET /api/export.csv: the class in the ledger's CSV format."""

    def get(self) -> None:
        """Answer the CSV."""
        self.instructor()
        self.set_header("Content-Type", "text/csv; charset=UTF-8")
        self.set_header("Content-Disposition", 'attachment; filename="class.csv"')
        self.finish(self.room.store.ledger().to_csv())


class Page(_Handler):
    """GET /board: the projector page, or the key form until the instructor logs in."""

    def get(self) -> None:
        """Render the board, or the key form."""
        if not self.is_instructor():
            self.render("login.html", title=self.room.store.title, error="")
            return
        from neurona.classroom.labels import page_labels

        labels = json.dumps(page_labels()).replace("</", "<\\/")
        self.render("board.html", title=self.room.store.title, labels=labels)

    def check_xsrf_cookie(self) -> None:
        """Check the form's XSRF token: the page's forms are the only cookie-authenticated posts."""
        tornado.web.RequestHandler.check_xsrf_cookie(self)


class Login(Page):
    """POST /board/login: the key form's answer."""

    def post(self) -> None:
        """Set the instructor's cookie, or show the form again."""
        key = self.get_body_argument("key", "")
        if self.room.blocked(self.request.remote_ip):
            error = _("too many wrong codes or keys from this machine: wait a minute")
        elif key and secrets.compare_digest(key.strip().encode(), self.room.store.key.encode()):
            self.set_signed_cookie(COOKIE, self.room.store.code, expires_days=1, httponly=True,
                                   samesite="Strict")
            self.redirect(self.reverse_url("board"))
            return
        else:
            self.room.failed(self.request.remote_ip)
            error = _("that is not this board's instructor key")
        self.set_status(403)
        self.render("login.html", title=self.room.store.title, error=error)


def make_app(room: Classroom, base_url: str = "/") -> tornado.web.Application:
    """Make the Tornado application of one board, under ``base_url`` (e.g. a JupyterHub prefix)."""
    base = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    args = {"room": room}
    routes = [
        (r"api/health", Health), (r"api/join", Join), (r"api/me", Me), (r"api/runs", Runs),
        (r"api/board", BoardData), (r"api/assign", Assign), (r"api/end", End),
        (r"api/export\.csv", Export),
    ]
    handlers = [tornado.web.url(base + path, cls, args) for path, cls in routes]
    handlers += [tornado.web.url(base + "board", Page, args, name="board"),
                 tornado.web.url(base + "board/login", Login, args),
                 tornado.web.url(base, tornado.web.RedirectHandler, {"url": base + "board"})]
    return tornado.web.Application(
        handlers, template_path=str(PAGE_DIR), static_path=str(PAGE_DIR),
        static_url_prefix=base + "static/", cookie_secret=room.store.secret, xsrf_cookies=True,
        autoescape="xhtml_escape", compress_response=True, log_function=_log)


def _log(handler: tornado.web.RequestHandler) -> None:
    """Log only the server's own failures: a refused post is answered, not printed."""
    if handler.get_status() >= 500:
        tornado.web.app_log.error("%d %s", handler.get_status(), handler._request_summary())


@dataclass
class RunningServer:
    """A board running in a background thread (tests, benchmarks, a notebook demo)."""

    url: str
    code: str
    key: str
    db: Path
    _loop: Any = None
    _thread: Any = None
    _server: Any = None

    def stop(self) -> None:
        """Stop serving and close the database (it keeps everything for a restart)."""
        if self._loop is None:
            return
        done = threading.Event()

        async def shut():
            self._server.stop()
            try:   # a browser's kept-alive connection must fail now, not hang
                await asyncio.wait_for(self._server.close_all_connections(), 2)
            except asyncio.TimeoutError:
                pass
            done.set()

        self._loop.add_callback(shut)
        done.wait(5)
        self._loop.add_callback(self._loop.stop)
        self._thread.join(5)
        self._loop = None


def _bind(host: str, port: int):
    try:
        return tornado.netutil.bind_sockets(port, host, reuse_port=False)
    except OSError as error:
        if error.errno in (98, 48, 10048):   # EADDRINUSE on Linux, macOS, Windows
            raise OSError(error.errno, _(
                "port {port} is in use: another board (or another program) is listening there; "
                "stop it, or choose another port with --port {other}").format(
                    port=port, other=port + 1)) from None
        raise


def start(db: str | Path, *, host: str = "127.0.0.1", port: int = 0, title: str | None = None,
          base_url: str = "/", durable: bool = True) -> RunningServer:
    """Start a board in a background thread of this process and return it once it listens.

    Parameters
    ----------
    db : str or Path
        The class's SQLite file (resumed if it exists).
    host, port : str, int
        Where to listen; port 0 picks a free one.
    title, base_url, durable
        As for ``python -m neurona.classroom serve``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> board = start(pathlib.Path(tempfile.mkdtemp()) / "c.sqlite")
    >>> board.url.startswith("http://127.0.0.1:")
    True
    >>> board.stop()
    """
    sockets = _bind(host, port)
    port = sockets[0].getsockname()[1]
    shown = "127.0.0.1" if host in ("127.0.0.1", "localhost") else lan_address()
    path = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    url = f"http://{shown}:{port}{path.rstrip('/')}"
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run():
        asyncio.set_event_loop(asyncio.new_event_loop())
        try:
            store = ClassStore(db, title, durable=durable)
            app = make_app(Classroom(store, url), base_url)
            server = tornado.httpserver.HTTPServer(
                app, max_body_size=protocol.MAX_BODY_BYTES + 4096)
            server.add_sockets(sockets)
        except BaseException as error:  # reported to the caller below
            box["error"] = error
            ready.set()
            return
        box.update(store=store, server=server, loop=tornado.ioloop.IOLoop.current())
        ready.set()
        box["loop"].start()
        store.close()

    thread = threading.Thread(target=run, name="neurona-board", daemon=True)
    thread.start()
    ready.wait()
    if "error" in box:
        raise box["error"]
    return RunningServer(url=url, code=box["store"].code, key=box["store"].key, db=Path(db),
                         _loop=box["loop"], _thread=thread, _server=box["server"])


def lan_address() -> str:
    """Return the machine's address on the local network (no packet is sent), or 127.0.0.1."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()
