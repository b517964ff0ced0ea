"""Off-screen figures for views and widgets that update one picture in place.

A figure made here is not registered with pyplot, so Jupyter's inline backend never shows
it by itself and it is freed with its owner; the picture reaches the notebook as PNG bytes
(an ``ipywidgets.Image`` value or an IPython display update).
"""

from __future__ import annotations

import io
import time

from neurona.i18n import _
from neurona.validate import real_number

__all__ = ["new_figure", "figure_png", "pyplot_png", "kernel_shell", "RedrawPacer", "PacedView"]


def new_figure(width: float, height: float, dpi: int = 80):
    r"""Return a matplotlib Figure with an Agg canvas, outside pyplot.

    Examples
    --------
    >>> fig = new_figure(4, 3)
    >>> figure_png(fig).startswith(b"\x89PNG")
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure, dpi: int | None = None) -> bytes:
    """Render ``figure`` to PNG bytes (at its own dpi unless ``dpi`` is given)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi or figure.dpi)
    return buffer.getvalue()


def pyplot_png(figure) -> bytes:
    """Render a figure made through pyplot to PNG and close it, so it is not shown twice."""
    import matplotlib.pyplot as plt

    try:
        return figure_png(figure)
    finally:
        plt.close(figure)


def kernel_shell():
    """Return the IPython shell when running inside a Jupyter kernel (which shows images).

    None in a plain script or terminal, where there is nothing to draw into.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


class RedrawPacer:
    """Decide when a live picture may redraw, so that watching training does not slow it.

    A redraw is due when ``min_interval`` seconds have passed since the last one and
    drawing has taken at most ``max_overhead`` of the time (the gap grows with the cost of
    a drawing; ``max_overhead=1`` removes that limit). The first picture is always due.

    Examples
    --------
    >>> pacer = RedrawPacer(min_interval=60, max_overhead=0.02)
    >>> pacer.due()
    True
    >>> pacer.drawn(0.05)
    >>> pacer.due(), pacer.redraws
    (False, 1)
    """

    def __init__(self, min_interval: float, max_overhead: float):
        self.min_interval = real_number("min_interval", min_interval, 0, note=_("seconds"))
        share = _("the share of time spent drawing")
        self.max_overhead = real_number("max_overhead", max_overhead, 0, 1, low_open=True,
                                        note=share)
        self.redraws = 0
        self.draw_seconds = 0.0
        self._last_draw = -float("inf")
        self._last_cost = 0.0

    @property
    def last_cost(self) -> float:
        """Seconds the last redraw took (0 before the first)."""
        return self._last_cost

    @property
    def seconds_since(self) -> float:
        """Seconds since the last redraw ended (inf before the first)."""
        return time.perf_counter() - self._last_draw

    def due(self) -> bool:
        """Whether a redraw may happen now."""
        now = time.perf_counter()
        budget = self._last_cost / self.max_overhead if self.max_overhead < 1 else 0.0
        return now - self._last_draw >= max(self.min_interval, budget)

    def drawn(self, seconds: float) -> None:
        """Record a redraw that just finished and took ``seconds``."""
        self._last_cost = float(seconds)
        self._last_draw = time.perf_counter()
        self.draw_seconds += self._last_cost
        self.redraws += 1


class PacedView:
    """A live picture whose redraws a :class:`RedrawPacer` (``self.pacer``) decides.

    Each new picture goes to ``target`` (a widget with a ``value``, e.g. an
    ``ipywidgets.Image`` in a panel) when there is one, else into one notebook output
    that is updated in place; outside a kernel it is only kept in ``last_png``.
    """

    pacer: RedrawPacer
    target = None
    _handle = None

    @property
    def redraws(self) -> int:
        """How many pictures were drawn."""
        return self.pacer.redraws

    @property
    def draw_seconds(self) -> float:
        """Total time spent drawing."""
        return self.pacer.draw_seconds

    def due(self) -> bool:
        """Whether enough time has passed since the last redraw."""
        return self.pacer.due()

    def _show(self, png: bytes) -> None:
        if self.target is not None:  # a widget in a panel shows it, in or out of a kernel
            self.target.value = png
            return
        if kernel_shell() is None:  # a plain script or terminal: nothing to draw into
            return
        from IPython.display import Image, display

        image = Image(data=png, format="png")
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
