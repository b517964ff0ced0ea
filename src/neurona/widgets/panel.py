"""What every panel of the course shares."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

__all__ = ["Panel", "BackgroundTraining"]


class Panel:
    """A panel: its ipywidgets layout lives in ``widget``, and displaying the panel shows it.

    Panels that redraw on each control change can change several controls at once inside
    :meth:`redraw_once`; their ``redraw`` returns early while ``_holding`` is true.
    """

    widget = None
    _holding = False

    @contextlib.contextmanager
    def redraw_once(self):
        """Hold redraws while the block changes controls, then redraw once."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            self.redraw()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


class BackgroundTraining:
    """Training in a thread of its own, so that Stop reaches the kernel while it runs.

    A panel calls :meth:`_start` with the function that trains; errors that function
    stores in ``_error`` are re-raised by :meth:`wait`. The training code checks ``_stop``
    (a :class:`threading.Event`) after each batch.
    """

    _thread: threading.Thread | None = None
    _error: BaseException | None = None

    @property
    def _stop(self) -> threading.Event:
        if "_stop_event" not in self.__dict__:
            self._stop_event = threading.Event()
        return self._stop_event

    @property
    def training(self) -> bool:
        """Whether a run is training now."""
        return self._thread is not None and self._thread.is_alive()

    def _start(self, target: Callable[..., None], args: tuple, name: str) -> None:
        self._stop.clear()
        self._error = None
        self._thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Block until the current run ends; re-raise an error it raised."""
        thread = self._thread
        if thread is None:
            return
        try:
            thread.join()
        except KeyboardInterrupt:
            # Ctrl-C lands in this thread, not in the training: stop it cleanly instead.
            self.stop()
            thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def stop(self) -> None:
        """Ask the run to stop after the current batch; it keeps what it has learned."""
        self._stop.set()
