"""What every panel of the course shares."""

from __future__ import annotations

import collections
import contextlib
import math
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Panel", "BackgroundTraining", "keep_values_from_code", "label_width", "picture"]

#: How many values set from code a control remembers until the front end next speaks.
HELD_VALUES = 32


class Panel:
    """A panel: its ipywidgets layout lives in ``widget``, and displaying the panel shows it.

    Panels that redraw on each control change can change several controls at once inside
    :meth:`redraw_once`; their ``redraw`` returns early while ``_holding`` is true.

    Assigning ``widget`` passes the layout through :func:`keep_values_from_code`, so a value
    a panel's method sets right after the panel is displayed (``explorer.set_weights(...)``
    in the next cell of a Run All) is not undone when the sliders' views are created.
    """

    _widget = None
    _holding = False

    @property
    def widget(self):
        """The ipywidgets layout that displaying the panel shows."""
        return self._widget

    @widget.setter
    def widget(self, layout) -> None:
        self._widget = layout
        if layout is not None:
            keep_values_from_code(layout)

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


def label_width(labels) -> str:
    """Return a CSS width that holds the longest of ``labels`` whole (no "…").

    For a control's ``style={"description_width": ...}``; pass the labels in the kit's
    language (Spanish runs about 20 % longer). Measured in ``em``: a letter of the label
    font is at most about 0.62 em wide on average.

    Examples
    --------
    >>> label_width(["noise (%)", "learning rate"])
    '8.6em'
    """
    return f"{max(len(label) for label in labels) * 0.62 + 0.5:.1f}em"


def picture(width: str | None = None, max_width: str = "100%", **layout):
    """Return an empty PNG ``ipywidgets.Image`` for a panel: it shrinks, never overflows.

    ``width`` is the size it is drawn for (None: its own pixel size); ``max_width`` caps it
    (``"100%"``: no wider than the panel; a narrow page shrinks it, keeping its proportions).
    Its side margins are 0: the 2 px every widget has on each side, beside a width of 100%,
    would overflow the panel by 4 px and make it scroll. Other ``layout`` keywords (``flex``,
    ``align_self``) are passed to ``ipywidgets.Layout``.
    """
    import ipywidgets as w

    return w.Image(format="png", layout=w.Layout(
        width=width, max_width=max_width, height="auto", margin="2px 0", **layout))


def keep_values_from_code(layout) -> None:
    """Make the float controls in ``layout`` ignore the stale values their new views send.

    When a slider's view is created, the browser snaps the value the view started from onto
    its own grid of steps and, with ``continuous_update``, sends the snapped value to the
    kernel when it differs from the model's: -0.5 on a slider from -3 by 0.1 comes back as
    -0.49999999999999956. The view starts from the value the control had when the cell
    displaying it ran. In a Run All the kernel runs the next cells first, and reads the
    message only after them: a value set from code in between (``set_weights(1, 1, -1.5)``)
    was replaced by the snapped old one, in the kernel and (through the kernel's echo) in the
    browser.

    So each float control of ``layout`` (``FloatSlider``, ``FloatLogSlider``, float range
    sliders and boxes) remembers the values it held since the browser last sent it one. A
    value from the browser that differs from one of them by rounding only is that snap:
    one close to the current value is dropped (the kernel keeps the exact value), one close
    to an older value is dropped and the current value is sent to the browser again. A value
    a student moves the slider to differs by at least one step, and is taken as usual; only
    a student's very first move of a slider set from code, straight back to a value it held
    before, is indistinguishable from the snap and is undone.

    Examples
    --------
    >>> import ipywidgets as w
    >>> slider = w.FloatSlider(value=-0.5, min=-3, max=3, step=0.1)
    >>> keep_values_from_code(w.VBox([slider]))
    >>> slider.value = -1.5                                   # from code, after display
    >>> slider.set_state({"value": -0.49999999999999956})     # the new view's snap of -0.5
    >>> slider.value
    -1.5
    """
    for control in _controls(layout):
        if _is_float(getattr(control, "value", None)) and "_neurona_held" not in vars(control):
            _guard(control)


def _controls(layout):
    """``layout`` and every widget inside it (children of boxes, tabs and accordions)."""
    yield layout
    for child in getattr(layout, "children", ()) or ():
        yield from _controls(child)


def _is_float(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_float(v) for v in value)
    return isinstance(value, float)


def _guard(control) -> None:
    held = collections.deque([control.value], maxlen=HELD_VALUES)
    control._neurona_held = held
    control.observe(lambda change: held.append(change["new"]), names="value")
    # Log sliders show base ** position: their rounding is relative, not a share of the range.
    span = 0.0 if hasattr(control, "base") else abs(getattr(control, "max", 1) -
                                                    getattr(control, "min", 0))

    def same(a, b) -> bool:
        a = a if isinstance(a, (list, tuple)) else [a]
        b = b if isinstance(b, (list, tuple)) else [b]
        return len(a) == len(b) and all(
            isinstance(x, (int, float)) and isinstance(y, (int, float))
            and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9 * span)
            for x, y in zip(a, b, strict=True))

    set_state = control.set_state  # what ipywidgets calls with each message from the browser

    def set_state_kept(sync_data: dict) -> None:
        resend, spoke = False, "value" in sync_data
        if spoke:
            sent, now = sync_data["value"], control.value
            if same(sent, now):
                sync_data = {k: v for k, v in sync_data.items() if k != "value"}
            elif any(same(sent, old) for old in held):
                sync_data = {k: v for k, v in sync_data.items() if k != "value"}
                resend = True
        if sync_data:
            set_state(sync_data)
        if spoke:
            held.clear()
            held.append(control.value)  # the browser has spoken: older values are settled
        if resend:
            control.send_state("value")

    control.set_state = set_state_kept


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
