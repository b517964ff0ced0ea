"""What every panel of the course shares."""

from __future__ import annotations

import contextlib


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
