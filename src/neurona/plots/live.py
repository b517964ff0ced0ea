"""A live view of learning curves that redraws in place while a model trains.

The view reads a :class:`~neurona.runs.RunRecord` and never talks to a framework: the
Keras callback :class:`neurona.Track` and the NumPy trainers call :meth:`LiveCurves.update`
after each epoch.
"""

from __future__ import annotations

import textwrap
import time

from neurona.i18n import _
from neurona.plots.render import PacedView, RedrawPacer
from neurona.runs import STATUS_LABELS, RunRecord

__all__ = ["LiveCurves"]


class LiveCurves(PacedView):
    """Learning curves of a run, redrawn in place (one picture, no flicker, no growing output).

    The picture is rendered to PNG off-screen and replaces the previous one through an
    IPython display handle, which JupyterLab, Colab, VS Code and headless execution
    all understand. Redraws are throttled: at most one every ``min_interval`` seconds,
    and rarer when drawing would cost more than ``max_overhead`` of the elapsed time,
    so that watching a run does not slow it down. The final state is always drawn.

    Parameters
    ----------
    metrics : list of str, optional
        Base metrics to show (``["loss", "accuracy"]``); default: all recorded.
    min_interval : float
        Shortest time between two redraws, in seconds.
    max_overhead : float
        Largest fraction of the elapsed time that drawing may take (0.02 = 2%);
        1 removes this limit, so that every update past ``min_interval`` redraws.
    width, height : float
        Size of one panel, in inches.
    dpi : int
        Resolution of the PNG.
    target : object, optional
        Where the picture goes instead of the notebook output: anything with a ``value``
        attribute that takes PNG bytes, such as an ``ipywidgets.Image`` inside a panel.

    Attributes
    ----------
    redraws : int
        How many pictures were drawn.
    draw_seconds : float
        Total time spent drawing.
    last_png : bytes or None
        The latest picture.

    Examples
    --------
    >>> view = LiveCurves()
    >>> view.update(record)                  # doctest: +SKIP
    >>> view.update(record, final=True)      # doctest: +SKIP
    """

    def __init__(
        self,
        metrics: list[str] | None = None,
        *,
        min_interval: float = 0.5,
        max_overhead: float = 0.02,
        width: float = 4.6,
        height: float = 3.2,
        dpi: int = 80,
        target=None,
    ):
        self.pacer = RedrawPacer(min_interval, max_overhead)
        self.metrics = metrics
        self.width, self.height, self.dpi = width, height, dpi
        self.last_png: bytes | None = None
        self.target = target
        self._handle = None
        self._figure = None

    def update(self, record: RunRecord, *, final: bool = False) -> bool:
        """Redraw from ``record`` if a redraw is due (always when ``final``).

        Returns
        -------
        bool
            True when a new picture was drawn.
        """
        if not record.history or not (final or self.due()):
            return False
        start = time.perf_counter()
        self.last_png = self._render(record, final)
        self._show(self.last_png)
        self.pacer.drawn(time.perf_counter() - start)
        return True

    # -- internals -----------------------------------------------------------------------
    def _render(self, record: RunRecord, final: bool) -> bytes:
        from neurona.plots.curves import plot_learning_curves
        from neurona.plots.render import figure_png, new_figure
        from neurona.plots.style import figure_size, split_metric

        bases = []
        for metric in record.metrics():
            base, _validation = split_metric(metric)
            if base not in bases and (self.metrics is None or base in self.metrics):
                bases.append(base)
        bases.sort(key=lambda base: base != "loss")  # loss first, as in plot_learning_curves
        # At most two panels a row, and no wider than a notebook shows without shrinking.
        columns = min(len(bases), 2)
        rows = -(-len(bases) // columns)
        if self._figure is None or len(self._figure.axes) != len(bases):
            self._figure = new_figure(*figure_size(self.width * columns, self.height * rows),
                                      self.dpi)
        fig = self._figure
        fig.clear()
        axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
        for extra in axes[len(bases):]:
            fig.delaxes(extra)
        # A title wider than the figure would be cut at both ends: wrap it to the width.
        width_in = fig.get_size_inches()[0]
        chars = max(20, int(width_in * 72 / (0.62 * 12)))
        title = textwrap.fill(_title(record, final), chars)
        plot_learning_curves(record, metrics=bases, axes=axes[: len(bases)], title=title)
        fig.tight_layout()
        return figure_png(fig)



def _title(record: RunRecord, final: bool) -> str:
    from neurona.timing import format_seconds

    planned = record.hparams.get("epochs")
    if planned:
        parts = [_("epoch {epoch}/{planned}").format(epoch=record.epochs, planned=planned)]
    else:
        parts = [_("epoch {epoch}").format(epoch=record.epochs)]
    if record.steady_epoch_seconds:
        parts.append(_("{time}/epoch").format(time=format_seconds(record.steady_epoch_seconds)))
    elif record.first_epoch_seconds:
        first = format_seconds(record.first_epoch_seconds)
        parts.append(_("first epoch {time}").format(time=first))
    if final and record.status != "running":
        parts.append(_(STATUS_LABELS.get(record.status, record.status)))
    return f"{record.name} — " + " · ".join(parts)

