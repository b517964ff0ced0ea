"""The classroom board in a notebook: the room's runs, redrawn live while they train.

``nr.classroom.board()`` shows the board this notebook joined (read only);
``nr.classroom.board(address, key=key)`` is the instructor's panel: the class code and the line
students type, shown big, and the sweep, the export and the end of the class one call away::

    room = nr.classroom.board("http://192.168.1.20:8765", key="...")
    room.assign(learning_rate=[0.001, 0.003, 0.01, 0.03, 0.1])
    room                                    # the panel: four pictures, redrawn every 2 s
    room.end("class.csv")                   # no more posts; the class saved as CSV

A daemon thread asks the board every 2 s whether anything changed (an ``If-None-Match``
request: an unchanged board answers 304 with no body) and redraws only when it did, and not
more than a fifth of the kernel's time (a picture of a full room takes about half a second to
draw, and the student's training runs in the same kernel). It stops
when the panel is closed, when Live is switched off and when the class ends. A new live panel
of the same board pauses the older one, so that running the cell again does not double the
requests.
"""

from __future__ import annotations

import html
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from neurona.classroom.client import TIMEOUT_S, Board, BoardAnswer, membership
from neurona.i18n import _, grouped, ngettext
from neurona.plots.render import RedrawPacer
from neurona.widgets.panel import Panel, picture

__all__ = ["BoardPanel", "board"]

INTERVAL_S = 2.0
# The live view spends at most this share of the kernel's time drawing (a student trains there).
MAX_DRAWING_SHARE = 0.2
# The live panel of each board (address, credentials): a newer one pauses the older.
_LIVE: dict[tuple[str, str], weakref.ref] = {}


class BoardPanel(Panel):
    """The board in a notebook: a metric menu, a status line, Refresh, Live and the pictures.

    Make one with :func:`board`. Displaying it shows ``widget`` (an ``ipywidgets.VBox``).

    Parameters
    ----------
    source : neurona.classroom.Board
        The data client to read (and, with the instructor key, to run the class).
    metric : str, optional
        The metric to show first (default: the board's choice, e.g. ``val_accuracy``).
    live : bool
        Redraw every ``interval`` seconds while something changes.
    interval : float
        Seconds between two looks at the board.

    Attributes
    ----------
    data : dict or None
        The board's latest answer (its ``summary`` is what is drawn).
    state : str
        ``"live"``, ``"paused"``, ``"unreachable"``, ``"ended"`` or ``"refused"``.
    redraws : int
        Pictures drawn so far; ``last_png`` holds the latest.
    """

    def __init__(self, source: Board, *, metric: str | None = None, live: bool = True,
                 interval: float = INTERVAL_S):
        import ipywidgets as w

        from neurona.plots.classroom import DPI, HEIGHT_IN, WIDTH_IN
        from neurona.plots.render import new_figure

        if not isinstance(source, Board):
            raise TypeError(_("BoardPanel reads a neurona.classroom.Board, got {kind}").format(
                kind=type(source).__name__))
        if metric is not None and not isinstance(metric, str):
            raise TypeError(_("metric is a name such as 'val_accuracy', got {value!r}").format(
                value=metric))
        self.source = source
        self.instructor = source.key is not None
        self.metric = metric
        self.interval = float(interval)
        self.data: dict[str, Any] | None = None
        self.state = "paused"
        self.problem = ""
        self.redraws, self.last_png = 0, None
        self._drawn: tuple | None = None
        self._etag: str | None = None
        self._syncing = False     # the metric menu is being set by the panel, not the user
        self._switching = False   # the Live button is being set by the panel, not the user
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._stop: threading.Event | None = None
        self._figure = new_figure(WIDTH_IN, HEIGHT_IN, dpi=DPI)
        self._pacer = RedrawPacer(min_interval=0.0, max_overhead=MAX_DRAWING_SHARE)

        self.heading = w.HTML()
        self.join_line = w.HTML()
        self.metric_menu = w.Dropdown(description=_("metric"), options=[],
                                      layout=w.Layout(width="320px"))
        self.refresh_button = w.Button(description=_("Refresh"), icon="refresh",
                                       tooltip=_("read the board now"))
        self.live_button = w.ToggleButton(value=False, description=_("Live"), icon="play",
                                          tooltip=_("redraw every {seconds:g} s while the "
                                                    "class posts").format(seconds=self.interval))
        self.status = w.HTML()
        self.image = picture("100%", max_width="950px")
        self.metric_menu.observe(self._metric_chosen, names="value")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.live_button.observe(self._live_switched, names="value")
        controls = w.HBox([self.metric_menu, self.refresh_button, self.live_button])
        parts = [self.heading] + ([self.join_line] if self.instructor else [])
        self.widget = w.VBox([*parts, controls, self.status, self.image])

        self.refresh()
        if live and self.state not in ("ended", "refused"):
            self.live = True

    # -- reading the board ----------------------------------------------------------------
    def _get(self, metric: str | None, etag: str | None) -> dict[str, Any] | None:
        """One look at the board; ``None`` when it answers 304 (nothing changed since ``etag``)."""
        data, self._etag = self.source.fetch(metric, etag)
        return data

    def _wanted_metric(self) -> str | None:
        """Return the chosen metric once a run recorded it (until then the board's default)."""
        if self.metric is None or self.data is None:
            return self.metric
        return self.metric if self.metric in self.data.get("metrics", []) else None

    def _update(self, conditional: bool) -> bool:
        """Read the board and redraw if it changed; return whether a picture was drawn."""
        with self._lock:
            metric = self._wanted_metric()
            try:
                try:
                    data = self._get(metric, self._etag if conditional else None)
                except BoardAnswer as error:
                    if error.status != 400 or metric is None:
                        raise
                    data = self._get(None, None)   # a metric no run recorded yet
            except ConnectionError as error:
                self.state, self.problem = "unreachable", str(error)
                self._show_status()
                return False
            except BoardAnswer as error:
                self.state, self.problem = "refused", str(error)
                if self.instructor and error.status in (401, 403):
                    # The board takes any other key for a student's token: say what is wrong.
                    self.problem = _("that is not this board's instructor key (the server "
                                     "printed the key when it started)")
                self._show_status()
                self._halt()
                return False
            if data is not None:
                self.data = data
            if self.data is None:
                return False
            self.problem = ""
            if self.data.get("ended"):
                self.state = "ended"
            else:
                self.state = "live" if self.live else "paused"
            drawn = self._draw_if_changed(paced=conditional)
            self._show_status()
            if self.state == "ended":
                self._halt()
            return drawn

    def _draw_if_changed(self, paced: bool) -> bool:
        from neurona.classroom.summary import summarise
        from neurona.plots.classroom import plot_board
        from neurona.plots.render import figure_png

        data = self.data
        summary = data.get("summary") or summarise(data, self._wanted_metric())
        key = (data.get("version"), summary.get("metric"), data.get("ended"))
        self._sync_menu(data.get("metrics") or [], summary.get("metric"))
        self._show_heading()
        if key == self._drawn or (paced and not self._pacer.due()):
            return False
        start = time.perf_counter()
        plot_board(summary, title=data.get("title"), figure=self._figure)
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self._pacer.drawn(time.perf_counter() - start)
        self.redraws += 1
        self._drawn = key
        return True

    # -- what the panel shows -------------------------------------------------------------
    def _sync_menu(self, metrics: list[str], chosen: str | None) -> None:
        from neurona.plots.style import metric_label

        options = [(metric_label(m), m) for m in metrics]
        self._syncing = True
        try:
            if list(self.metric_menu.options) != options:
                self.metric_menu.options = options
            if chosen in metrics and self.metric_menu.value != chosen:
                self.metric_menu.value = chosen
        finally:
            self._syncing = False

    def _show_heading(self) -> None:
        data = self.data or {}
        title = html.escape(str(data.get("title", "")))
        self.heading.value = f"<h3 style='margin:4px 0'>{title}</h3>"
        if self.instructor and data.get("join"):
            self.join_line.value = (
                "<div style='font-size:1.5em;line-height:1.5'>"
                + html.escape(_("Class code {code} · students join with:").format(
                    code=data.get("code", "")))
                + "<br><code style='font-size:1.05em'>" + html.escape(data["join"])
                + "</code></div>")

    def counts_line(self) -> str:
        """Return one line with the board's students, runs and epochs."""
        summary = (self.data or {}).get("summary") or {}
        counts = summary.get("counts") or {}
        parts = []
        for singular, plural, key in (("{n} student", "{n} students", "students"),
                                      ("{n} run", "{n} runs", "runs"),
                                      ("{n} epoch", "{n} epochs", "epochs")):
            n = counts.get(key, 0)
            parts.append(ngettext(singular, plural, n).format(n=grouped(n, ",.0f")))
        return " · ".join(parts)

    def status_line(self) -> str:
        """Return the status line: the counts and whether the panel is live."""
        states = {
            "live": _("live, every {seconds:g} s").format(seconds=self.interval),
            "paused": _("paused"),
            "unreachable": (_("board unreachable: retrying") if self.live
                            else _("board unreachable: press Refresh to try again")),
            "ended": _("class ended"),
            "refused": _("the board refused: {reason}").format(reason=self.problem),
        }
        text = states[self.state]
        return f"{self.counts_line()} · {text}" if self.data is not None else text

    def _show_status(self) -> None:
        colour = {"unreachable": "#D55E00", "refused": "#D55E00", "ended": "#555555"}.get(
            self.state, "#000000")
        self.status.value = (f"<span style='color:{colour}'>"
                             f"{html.escape(self.status_line())}</span>")

    # -- controls -------------------------------------------------------------------------
    def _metric_chosen(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self.metric = change["new"]
        self._etag = None
        self.refresh()

    def _live_switched(self, change) -> None:
        if self._switching:
            return
        if change["new"]:
            self._start()
        else:
            self._halt(wait=True)

    @property
    def live(self) -> bool:
        """Whether the panel redraws by itself (the Live button)."""
        return self.live_button.value

    @live.setter
    def live(self, value: bool) -> None:
        self.live_button.value = bool(value)

    def _start(self) -> None:
        if self.state in ("ended", "refused") or (self._thread and self._thread.is_alive()):
            if self.state in ("ended", "refused"):
                self.live = False
            return
        slot = (self.source.address, self.source.token)
        older = _LIVE.get(slot)
        older = older() if older is not None else None
        if older is not None and older is not self:
            older.live = False
        _LIVE[slot] = weakref.ref(self)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(self._stop,),
                                        name="neurona-board-panel", daemon=True)
        if self.state == "paused":
            self.state = "live"
        self._show_status()
        self._thread.start()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                self._update(conditional=True)
            except Exception as error:  # noqa: BLE001 - a live view must outlive one bad answer
                self.problem = str(error)
            if self.state in ("ended", "refused"):
                return

    def _halt(self, wait: bool = False) -> None:
        """Stop the live thread (from any thread); ``wait`` for it to end (not under the lock)."""
        if self._stop is not None:
            self._stop.set()
        if self.live_button.value:
            self._switching = True
            try:
                self.live_button.value = False
            finally:
                self._switching = False
        if self.state == "live":
            self.state = "paused"
        self._show_status()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(TIMEOUT_S + 1)

    # -- public API -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Whether the live thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def refresh(self) -> bool:
        """Read the board now and redraw it; return whether a picture was drawn.

        ``False`` when the board could not be read (the status line says why; the last
        picture stays).
        """
        with self._lock:
            self._drawn = None
            return self._update(conditional=False)

    def figure(self):
        """Return the matplotlib Figure of the latest picture (reading the board if none yet)."""
        if self._drawn is None:
            self.refresh()
        return self._figure

    def close(self) -> None:
        """Stop the live thread and close the widgets."""
        self._halt(wait=True)
        self.widget.close()

    def assign(self, **grid: Any) -> list[dict[str, Any]]:
        """Hand out a sweep (instructor): ``assign(learning_rate=[0.001, 0.01, 0.1])``.

        See :meth:`neurona.classroom.Board.assign`; the panel redraws at once.
        """
        values = self.source.assign(**grid)
        self.refresh()
        return values

    def end(self, csv_path: str | Path | None = None) -> Path:
        """End the class (instructor): no more posts; returns where its CSV was written."""
        path = self.source.end(csv_path)
        self.refresh()
        self._halt(wait=True)
        return path

    def export_csv(self, path: str | Path) -> Path:
        """Write the class to ``path`` in the ledger's CSV format (instructor)."""
        return self.source.export_csv(path)

    def __repr__(self) -> str:
        return f"BoardPanel({self.source.address.rstrip('/')!r}: {self.status_line()})"


def board(address: str | None = None, key: str | None = None, *, metric: str | None = None,
          live: bool = True) -> BoardPanel:
    """Show the class's board in the notebook, redrawn live while students train.

    Parameters
    ----------
    address : str, optional
        The board's address. Default: the one this notebook joined (read only).
    key : str, optional
        The instructor key: the panel then shows the class code and the join line, and
        offers ``assign``, ``end`` and ``export_csv``.
    metric : str, optional
        The metric to show first (default: ``val_accuracy``, ``accuracy``, ``val_loss`` or
        ``loss``, whichever the runs recorded).
    live : bool
        Redraw every 2 seconds when something changed (the Live button switches it).

    Returns
    -------
    BoardPanel

    Raises
    ------
    PermissionError
        No address and no key, and this notebook has not joined a class.

    Examples
    --------
    >>> nr.classroom.join("http://192.168.1.20:8765", "ABCD-2345", name="ana")  # doctest: +SKIP
    >>> nr.classroom.board()                                                  # doctest: +SKIP
    """
    if address is None and membership() is None:
        if key is not None:
            raise PermissionError(_("give the board's address with the instructor key, e.g. "
                                    "nr.classroom.board(\"http://192.168.1.20:8765\", key=...)"))
        raise PermissionError(_("to see the board, join the class first (nr.classroom.join) "
                                "or give the board's address and the instructor key"))
    if not isinstance(live, bool):
        raise TypeError(_("live is True or False, got {value!r}").format(value=live))
    return BoardPanel(Board(address, key), metric=metric, live=live)
