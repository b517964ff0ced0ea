"""A live view of learning curves that redraws in place while a model trains.

The view reads a :class:`~neurona.runs.RunRecord` and never talks to a framework: the
Keras callback :class:`neurona.Track` and the NumPy trainers call :meth:`LiveCurves.update`
after each epoch.
"""

from __future__ import annotations

import math
import textwrap
import threading
import time
from collections import OrderedDict

import numpy as np

from neurona.i18n import _
from neurona.plots.render import PacedView, RedrawPacer
from neurona.runs import STATUS_LABELS, RunRecord

__all__ = ["LiveCurves"]


class LiveCurves(PacedView):
    """Learning curves of a run, redrawn in place (one picture, no flicker, no growing output).

    The picture is rendered to PNG off-screen and replaces the previous one through an
    IPython display handle, which JupyterLab, Colab, VS Code and headless execution
    all understand. Redraws are throttled, so that watching a run does not slow it down:
    the first epoch is drawn at once and the final state always; in between, a picture
    comes at most every ``min_interval`` seconds, and only while the drawing for this run
    stays within ``max_overhead`` of its training time (the pictures before and the final
    one counted). The frame of the picture (axes, ticks, labels, grid) is drawn once, on
    limits chosen to change seldom, and kept as pixels: a picture draws only the lines,
    legends and title over it (about 6-10 ms on a 2-core CPU; a legend's inside is pasted
    from pixels kept wherever the same legend was drawn before). After its final picture a
    view hands its figure on to the next view of the same layout, whose first picture then
    draws its frame on panels and ticks already made (about 45-50 ms, against 80-95 on a
    new figure). The frames' pixels are kept across views, a few of them: the next fit
    whose frame is the same (the same panels, limits, labels and language), or a cell run
    again, starts at about 20 ms. A fit's first picture keeps the limits of the fit before
    when its values fit them, so that fits one after another share their frame.

    Parameters
    ----------
    metrics : list of str, optional
        Base metrics to show (``["loss", "accuracy"]``); default: all recorded.
    min_interval : float
        Shortest time between two redraws, in seconds.
    max_overhead : float
        Largest share of the run's training time that drawing may take (0.01 = 1%);
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
        max_overhead: float = 0.01,
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
        self._shape, self._lone = None, []
        self._frame, self._background, self._title_lines = None, None, 0
        # Whether the last picture drew the frame, and laid out the panels anew; what a
        # picture of lines only costs, once timed.
        self._framed, self._built, self._lines_cost = True, True, None
        self._run = (None, 0.0)  # the run drawn last (its id) and the seconds spent on it
        # The figure's layout, and whether it was handed on to later views (the final picture).
        self._layout, self._handed_on = None, False

    def update(self, record: RunRecord, *, final: bool = False) -> bool:
        """Redraw from ``record`` if a redraw is due (always when ``final``).

        Returns
        -------
        bool
            True when a new picture was drawn.
        """
        if not record.history or not (final or self._affordable(record)):
            return False
        start = time.perf_counter()
        if self._handed_on:
            # Drawn on again after the final picture: its own figure, unless a later view
            # has taken it; then another.
            self._handed_on = False
            if _take(self._layout, self._figure) is None:
                self._figure, self._shape = None, None
        self.last_png = self._render(record, final)
        self._show(self.last_png)
        if final:
            _hand_on(self._layout, self._figure)
            self._handed_on = True
        seconds = time.perf_counter() - start
        self.pacer.drawn(seconds)
        if not (self._framed or self._built):
            self._lines_cost = seconds
        run, spent = self._run
        self._run = (id(record), (spent if run == id(record) else 0.0) + seconds)
        return True

    def _affordable(self, record: RunRecord) -> bool:
        """Whether one more picture keeps the drawing within its share of the training."""
        run, spent = self._run
        if run != id(record):
            return True  # the run's first picture: show at once that it is running
        if self.pacer.seconds_since < self.pacer.min_interval:
            return False
        budget = self.pacer.max_overhead * record.total_seconds
        # This picture and the final one, which comes whatever the budget says; both most
        # likely over the kept frame, which costs a quarter or less of drawing it (measured:
        # 6-18 ms against 45-95 on a 2-core CPU), and about half of a first picture whose
        # frame was kept from another view (20-30 ms), until one has been timed.
        share = 4 if self._framed else 2
        cost = self._lines_cost if self._lines_cost is not None else self.pacer.last_cost / share
        return self.pacer.max_overhead >= 1 or spent + 2 * cost <= budget

    # -- internals -----------------------------------------------------------------------
    def _render(self, record: RunRecord, final: bool) -> bytes:
        from neurona.plots.raster import canvas_image, png_bytes

        panels = _panels(record, self.metrics)
        shape = (id(record), tuple(panels))
        lone = [_lone_point(record, keys) for _base, keys in panels]
        title = self._figure is not None and self._wrapped_title(record, final)
        self._built = False
        if (not title or shape != self._shape or title.count("\n") != self._title_lines
                or any(now and not before for now, before in zip(lone, self._lone, strict=True))):
            self._build(record, [base for base, _keys in panels], final)
            self._built = True
            self._shape, self._frame = shape, None
            title = self._wrapped_title(record, final)
        else:
            # The same panels and lines as the last picture: only their data and the title
            # change, and the axes' limits now and then. No new figure, no new layout.
            for ax, (_base, keys), now, before in zip(self._figure.axes, panels, lone,
                                                      self._lone, strict=True):
                lines = ax.get_lines()
                for line, key in zip(lines, [k for k in keys if k is not None], strict=True):
                    values = _finite(record.history[key])
                    line.set_data(np.arange(1, values.size + 1), values)
                if before and not now:
                    _leave_lone_point(ax)
        self._lone = lone
        frame = tuple(_steady_limits(ax, record.epochs, record.hparams.get("epochs"),
                                     fraction="accuracy" in base,
                                     recent=_RECENT_LIMITS.get(base))
                      for ax, (base, _keys) in zip(self._figure.axes, panels, strict=True))
        for (base, _keys), (_xlim, ylim) in zip(panels, frame, strict=True):
            _RECENT_LIMITS[base] = ylim
        if frame != self._frame:
            self._framed = self._draw_frame()
            self._frame = frame
        else:
            self._framed = False
        self._figure.suptitle(title)
        self._draw_changing()
        return png_bytes(canvas_image(self._figure.canvas))

    def _changing(self) -> list:
        """Return the artists that change between pictures, in the order a full drawing does.

        Per panel: its lines, then the spines and the legend, which a full drawing puts
        over the lines; last the figure's title.
        """
        artists = []
        for ax in self._figure.axes:
            artists += ax.get_lines() + list(ax.spines.values())
            if ax.get_legend() is not None:
                artists.append(ax.get_legend())
        return artists + [self._figure._suptitle]

    def _draw_frame(self) -> bool:
        """Draw everything that stays (axes, ticks, labels, grid) once, and keep its pixels.

        The pixels are kept across views too (:data:`_FRAMES`), under a key that describes
        every artist of the frame: a view whose frame equals one drawn before, the next fit
        with the same panels or a cell run again, starts at the cost of its lines.

        Returns
        -------
        bool
            True when the frame was drawn, False when its pixels came from the cache.
        """
        changing = self._changing()
        for artist in changing:
            artist.set_visible(False)
        try:
            key = _frame_key(self._figure, changing)
            self._background = None if key is None else _FRAMES.get(key)
            if self._background is not None:
                _FRAMES.move_to_end(key)
                return False
            canvas = self._figure.canvas
            canvas.draw()
            self._background = canvas.copy_from_bbox(self._figure.bbox)
            if key is not None:
                _FRAMES[key] = self._background
            while len(_FRAMES) > FRAMES_KEPT:
                _FRAMES.popitem(last=False)
            return True
        finally:
            for artist in changing:
                artist.set_visible(True)

    def _draw_changing(self) -> None:
        """Put the kept frame back and draw only what changes over it: a few ms, not 35."""
        from matplotlib.legend import Legend

        canvas = self._figure.canvas
        canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._changing():
            if isinstance(artist, Legend):
                self._draw_legend(artist, canvas, renderer)
            else:
                artist.draw(renderer)

    def _draw_legend(self, legend, canvas, renderer) -> None:
        """Draw a legend over the lines; its inside from pixels kept, where it was drawn before.

        The legend's box is opaque in the live view, so that its inside (texts, keys, the
        box's colour) does not depend on the lines under it: drawn once in a place where
        "best" puts it, and pasted back whenever the same legend is there again, in this
        view or a later one (0.5 ms instead of about 4). The box's rounded edge, which
        does show what is under it, is drawn every time.
        """
        from matplotlib.transforms import Bbox

        frame = legend.get_frame()
        if frame.get_alpha() != 1:
            frame.set_alpha(1)  # opaque: what it covers does not show through
        box = legend.get_window_extent(renderer)
        key = _legend_key(legend, box)
        kept = _LEGENDS.get(key)
        font = renderer.points_to_pixels(legend.get_texts()[0].get_fontsize())
        if kept is not None:
            _LEGENDS.move_to_end(key)
            frame.set_bounds(box.bounds)  # as Legend.draw places and sizes its box
            frame.set_mutation_scale(font)
            frame.draw(renderer)
            canvas.restore_region(kept)
            return
        legend.draw(renderer)
        # The legend's alone: inside its border (half the line, and a pixel of antialiasing)
        # and, above and below, past its rounded corners (a fifth of the font size).
        side = renderer.points_to_pixels(frame.get_linewidth()) / 2 + 1
        rounded = 0.2 * font + 0.5  # matplotlib's legend box: "round", rounding_size=0.2
        inside = Bbox.from_extents(box.x0 + side, box.y0 + max(side, rounded),
                                   box.x1 - side, box.y1 - max(side, rounded))
        _LEGENDS[key] = canvas.copy_from_bbox(inside)
        while len(_LEGENDS) > LEGENDS_KEPT:
            _LEGENDS.popitem(last=False)

    def _build(self, record: RunRecord, bases: list[str], final: bool) -> None:
        """Draw the panels anew: the first picture, or one whose lines changed.

        The panels of a figure with as many of them are emptied and drawn on again, not
        made anew: their ticks stay, and making them is about a third of drawing a frame.
        A view with no figure of that layout takes one that an earlier view handed on.
        """
        from neurona.plots.curves import plot_learning_curves
        from neurona.plots.render import new_figure
        from neurona.plots.style import figure_size

        # At most two panels a row, and no wider than a notebook shows without shrinking.
        columns = min(len(bases), 2)
        rows = -(-len(bases) // columns)
        layout = (len(bases), figure_size(self.width * columns, self.height * rows), self.dpi)
        fig = self._figure if self._figure is not None and layout == self._layout else _take(layout)
        if fig is None:
            fig = new_figure(*layout[1], self.dpi)
            axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
            for extra in axes[len(bases):]:
                fig.delaxes(extra)
        else:
            for ax in fig.axes:
                _empty_panel(ax)
        self._figure, self._layout = fig, layout
        title = self._wrapped_title(record, final)
        plot_learning_curves(record, metrics=bases, axes=fig.axes, title=title)
        for ax in fig.axes:
            # At the top of the panel, where matplotlib would put it after measuring every
            # tick label on the axes for ones above them (there are none): a quarter of the
            # first picture's drawing saved.
            ax.set_title(ax.get_title(), y=1.0)
        self._title_lines = title.count("\n")
        _fixed_margins(fig, rows, columns, title_lines=self._title_lines + 1)

    def _wrapped_title(self, record: RunRecord, final: bool) -> str:
        # A title wider than the figure would be cut at both ends: wrap it to the width.
        width_in = self._figure.get_size_inches()[0]
        chars = max(20, int(width_in * 72 / (0.62 * 12)))
        return textwrap.fill(_title(record, final), chars)


# Figures handed on by views after their final picture, each with its layout (panels, size,
# resolution), for the next view of that layout: their panels and ticks are made already.
# A few, the most recently handed on last. A view takes its own back if no other view has
# taken it in between: a figure is drawn on by one view at a time.
FIGURES_KEPT = 2
_SPARES: list = []
_SPARES_LOCK = threading.Lock()


def _hand_on(layout: tuple, fig) -> None:
    """Offer ``fig`` to the next view of ``layout``: its view has drawn its final picture."""
    with _SPARES_LOCK:
        _SPARES.append((layout, fig))
        del _SPARES[:-FIGURES_KEPT]


def _take(layout: tuple, fig=None):
    """Take a spare figure of ``layout`` (``fig`` itself, when given) out of the spares.

    Returns the figure, or None when there is none (another view took ``fig``).
    """
    with _SPARES_LOCK:
        for k in range(len(_SPARES) - 1, -1, -1):
            if _SPARES[k][0] == layout and (fig is None or _SPARES[k][1] is fig):
                return _SPARES.pop(k)[1]
    return None


def _empty_panel(ax) -> None:
    """Remove a panel's curves and legend, and forget their limits: as a new panel, ticks kept."""
    for artist in [*ax.get_lines(), *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.relim()
    ax.set_autoscale_on(True)
    ax.set_prop_cycle(None)


# The frames' pixels kept across views, the most recently used last: a few, each the
# size of one picture (about 0.8 MB for two panels at 80 dpi).
FRAMES_KEPT = 4
_FRAMES: OrderedDict = OrderedDict()


def _frame_key(fig, changing: list) -> tuple | None:
    """Return what the frame of ``fig`` shows, all of it: equal keys, equal pixels.

    The figure's size, resolution and colour; for each panel its place, limits, scales and
    colours, its ticks (places, label texts, offset text) as a drawing would lay them out
    and the settings they are made from (visibility, grid lines, sizes, colours), the axis
    labels, titles and texts; the figure's texts; the language, and matplotlib's settings.
    The artists in ``changing`` (lines, spines, legends, the figure's title) are drawn over
    the frame and are not part of it. None when the frame holds any other artist (a bar,
    an image, a figure's legend), whose pixels are then not kept.
    """
    skip = {id(artist) for artist in changing}
    known = {id(artist) for artist in (fig.patch, *fig.axes, *fig.texts)}
    if any(id(child) not in skip | known for child in fig.get_children()):
        return None  # a figure's legend, image or patch: not described, not kept
    panels = []
    for ax in fig.axes:
        known = {id(artist) for artist in (ax.xaxis, ax.yaxis, ax.patch, ax.title,
                                           ax._left_title, ax._right_title, *ax.texts)}
        if any(id(child) not in skip | known for child in ax.get_children()):
            return None  # an artist the key does not describe (a bar, an image): not kept
        axes = []
        for axis in (ax.xaxis, ax.yaxis):
            # The ticks a drawing lays out, from the same locators, formatters and tick
            # settings, without making the ticks themselves (most of a drawing's layout).
            major = axis.get_majorticklocs()
            minor = axis.get_minorticklocs()
            axes.append((
                axis.get_scale(), axis.get_label().get_text(), axis.get_label().get_visible(),
                axis.get_visible(), tuple(major), tuple(axis.major.formatter.format_ticks(major)),
                axis.major.formatter.get_offset(), tuple(minor),
                tuple(axis.minor.formatter.format_ticks(minor)),
                repr(sorted(axis._major_tick_kw.items())),
                repr(sorted(axis._minor_tick_kw.items()))))
        panels.append((
            tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim(), repr(ax.get_facecolor()),
            ax.get_visible(), ax.axison, tuple(axes),
            tuple((text.get_text(), text.get_visible(), tuple(text.get_position()))
                  for text in (ax.title, ax._left_title, ax._right_title)),
            tuple((text.get_text(), text.get_visible(), tuple(text.get_position()))
                  for text in ax.texts)))
    return (tuple(fig.get_size_inches()), fig.dpi, repr(fig.get_facecolor()), tuple(panels),
            tuple((text.get_text(), text.get_visible(), tuple(text.get_position()))
                  for text in fig.texts if id(text) not in skip),
            _settings())


def _settings() -> tuple:
    """Return what every kept picture also depends on: the language and matplotlib's settings."""
    import matplotlib

    from neurona.i18n import language

    return language(), hash(tuple((name, repr(value))
                                  for name, value in matplotlib.rcParams.items()))


def _forget_kept() -> None:
    """Empty everything kept across views: frames, figures, legends, recent limits."""
    for kept in (_FRAMES, _SPARES, _LEGENDS, _RECENT_LIMITS):
        kept.clear()


# The insides of legends drawn before, in the places they were drawn: a few dozen, each a few
# kB (see LiveCurves._draw_legend).
LEGENDS_KEPT = 32
_LEGENDS: OrderedDict = OrderedDict()


def _legend_key(legend, box) -> tuple:
    """Return what the inside of ``legend``, drawn in ``box``, shows: equal keys, equal pixels.

    Its place to a fraction of a pixel; its texts and their font; each key's line (colour,
    style, width, marker); the box's colours and border; the resolution, the language and
    matplotlib's settings.
    """
    frame = legend.get_frame()
    texts = tuple((text.get_text(), text.get_fontsize(), repr(text.get_color()),
                   hash(text.get_fontproperties())) for text in legend.get_texts())
    keys = tuple((repr(line.get_color()), repr(line.get_linestyle()), line.get_linewidth(),
                  repr(line.get_marker()), line.get_markersize(),
                  repr(line.get_markerfacecolor()), repr(line.get_markeredgecolor()),
                  line.get_markeredgewidth(), repr(line.get_xydata().tolist()))
                 for line in legend.get_lines())
    return (tuple(box.bounds), texts, keys, repr(frame.get_facecolor()),
            repr(frame.get_edgecolor()), frame.get_linewidth(), legend.figure.dpi, _settings())


# Margins in inches, fixed: room for the tick labels and an axis label (left, between
# panels, below) and for the title's lines and each panel's title (above). tight_layout
# fitted them to each picture's text for a whole extra drawing, and made the panels jump
# between pictures when the tick labels changed.
LEFT, RIGHT, BOTTOM, GAP_WIDE, GAP_HIGH = 0.8, 0.15, 0.6, 0.85, 0.9
TITLE_LINE, PANEL_TITLE = 0.24, 0.36


def _fixed_margins(fig, rows: int, columns: int, title_lines: int) -> None:
    """Place the panels with the fixed margins above (in inches, whatever the size)."""
    width, height = fig.get_size_inches()
    top = 0.12 + TITLE_LINE * title_lines + PANEL_TITLE
    panel_width = (width - LEFT - RIGHT - (columns - 1) * GAP_WIDE) / columns
    panel_height = (height - top - BOTTOM - (rows - 1) * GAP_HIGH) / rows
    fig.subplots_adjust(left=LEFT / width, right=1 - RIGHT / width, bottom=BOTTOM / height,
                        top=1 - top / height, wspace=GAP_WIDE / panel_width,
                        hspace=GAP_HIGH / panel_height)


def _panels(record: RunRecord, chosen: list[str] | None) -> list[tuple[str, tuple]]:
    """Return the panels to draw: ``(base, (training key, validation key))``, loss first.

    A key is None when that curve was not recorded (a fit without validation data).
    """
    from neurona.plots.style import split_metric

    keys: dict[str, list] = {}
    for metric in record.metrics():
        base, validation = split_metric(metric)
        if chosen is None or base in chosen:
            keys.setdefault(base, [None, None])[int(validation)] = metric
    bases = sorted(keys, key=lambda base: base != "loss")  # as in plot_learning_curves
    return [(base, tuple(keys[base])) for base in bases]


# The y limits each metric's panel had last, in any view: a fit's first picture keeps them
# when its values fit them well enough (see _steady_limits).
_RECENT_LIMITS: dict = {}
LOOSER = 1.5  # how much wider than its own limits a first picture takes recent ones
ACCURACY_TOP = 1.05  # where an accuracy's axis ends: a little above 1, where it is headed


def _steady_limits(ax, epochs: int, planned: int | None, fraction: bool = False,
                   recent: tuple | None = None) -> tuple:
    """Set the panel's limits so that they change seldom, and return them.

    The x axis spans the planned epochs from the start (as matplotlib's margins would
    show the whole fit), or 10, 15, 20, 30, ... epochs when none were planned. The y axis
    starts at 0 for values that cannot be negative (a loss) and ends at a round number
    above the first values; for a ``fraction`` (an accuracy) it ends a little above 1,
    where the curves are headed, and starts at a round number well under the first values.
    It keeps its limits while the curves stay inside them; when one leaves, the limits
    move to multiples of a round step with room to spare on that side, so that the frame
    is drawn again a few times in a long fit, not each epoch, and seldom in a short one,
    whose first and final pictures may then share it. A fit's first picture takes the
    ``recent`` limits of the same metric's panel (the fit before) instead of its own when
    they are of the same kind and hold its values, at most ``LOOSER`` times as wide: fits
    one after another then share their axes, which compare at a glance, and their frame.
    """
    from neurona.plots.style import integer_ticks

    last = planned if planned and planned >= epochs else _nice_ceiling(max(10, epochs))
    margin = 0.05 * (last - 1) if last > 1 else 0.5
    xlim = (1 - margin, last + margin)
    if ax.get_xlim() != xlim:
        ax.set_xlim(*xlim)
        integer_ticks(ax.xaxis)
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=float)
                             for line in ax.get_lines()])
    values = values[np.isfinite(values)]
    if not values.size:
        return xlim, ax.get_ylim()
    low, high = float(values.min()), float(values.max())
    if ax.get_autoscaley_on() and low >= 0:  # the first picture: from 0 to a round top
        if fraction and high <= 1:
            # Up to 1, where the curves are headed; down to 0, or close enough under the
            # first values that 0.96 and 1.0 still read apart.
            bottom = max(0.0, low - max(ACCURACY_TOP - low, 0.05))
            step = _nice_ceiling((ACCURACY_TOP - bottom) / 5)
            bottom, top = math.floor(bottom / step) * step, ACCURACY_TOP
        else:
            bottom, top = 0.0, _nice_ceiling(1.05 * high) if high else 1.0
        # A margin under 0 as matplotlib leaves, so that a curve at 0 is not under the spine.
        ylim = (round(bottom - 0.02 * (top - bottom), 12), top)
        if recent is not None and _fits_well(recent, ylim, low, high):
            ylim = recent
        ax.set_ylim(*ylim)
        return xlim, ylim
    bottom, top = ax.get_ylim() if ax.get_autoscaley_on() is False else (np.inf, -np.inf)
    if bottom <= low and high <= top:
        return xlim, (bottom, top)
    span = max(high - low, 0.1 * max(abs(high), abs(low)), 1e-6)
    step = _nice_ceiling(span / 4)
    # Room beyond the curves on the side they left by: as much as the axis spanned, so
    # that the span at least doubles each time and a fit redraws its frame a few times.
    room = max(0.25 * span, top - bottom) if np.isfinite(bottom) else 0.05 * span
    if low < bottom:
        low -= room
    if high > top:
        high += room
    new_bottom, new_top = np.floor(low / step) * step, np.ceil(high / step) * step
    if values.min() >= 0 > new_bottom:  # a loss or an accuracy never goes below 0
        new_bottom = -0.02 * (new_top - new_bottom)
    ylim = (round(float(min(new_bottom, bottom)), 12), round(float(max(new_top, top)), 12))
    ax.set_ylim(*ylim)
    return xlim, ylim


def _fits_well(recent: tuple, own: tuple, low: float, high: float) -> bool:
    """Whether a first picture may take ``recent`` limits instead of its ``own``.

    They must be of the same kind (an accuracy's top a little above 1; a loss's bottom just
    under 0), hold the values from ``low`` to ``high``, and span at most ``LOOSER`` times
    as much as ``own``.
    """
    bottom, top = recent
    own_bottom, own_top = own
    if own_top == ACCURACY_TOP:
        same_kind = top == ACCURACY_TOP
    else:
        same_kind = bottom <= 0 and -bottom <= 0.03 * (top - bottom)
    return (same_kind and bottom <= min(low, own_bottom) and top >= max(high, own_top)
            and top - bottom <= LOOSER * (own_top - own_bottom))


def _nice_ceiling(value: float) -> float:
    """Return the smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= value.

    The same round steps as the Playground's loss axes.

    >>> _nice_ceiling(11), _nice_ceiling(0.07), _nice_ceiling(0.3)
    (15.0, 0.08, 0.3)
    """
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0):
        if step * power >= value * (1 - 1e-9):
            return round(step * power, 12)  # 0.15, not 0.15000000000000002
    return round(10 * power, 12)


def _finite(values) -> np.ndarray:
    """Return the values as floats, with a gap (NaN) where a run blew up (inf)."""
    array = np.asarray(values, dtype=float)
    return np.where(np.isfinite(array), array, np.nan)


def _leave_lone_point(ax) -> None:
    """Undo what plot_learning_curves does for a curve of one point, now that it has more."""
    from neurona.plots.style import integer_ticks

    for line in ax.get_lines():
        line.set_marker("None")
    ax.set_autoscalex_on(True)
    integer_ticks(ax.xaxis)
    ax.legend()  # its keys showed the markers


def _lone_point(record: RunRecord, keys: tuple) -> bool:
    """Whether a curve has one point only (it is drawn with a marker, on a fixed axis)."""
    return any(np.count_nonzero(np.isfinite(_finite(record.history[key]))) == 1
               for key in keys if key is not None)


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

