"""Convolution and pooling, one window at a time.

:class:`ConvolutionExplorer` slides a kernel (edge, blur, sharpen... or one typed in) over
an image and builds the output map window by window, with the output-size formula written
with the numbers and checked against what Keras computes. :class:`PoolingExplorer` shows
max and average pooling of the small "7" with every number written.

Examples
--------
>>> import numpy as np
>>> explorer = ConvolutionExplorer(np.eye(28), check_with_keras=False)
>>> explorer.set(kernel="sharpen", padding="same", stride=2)
>>> explorer.output_size
(14, 14)
>>> explorer.formula.value
'output size: ⌈28 / 2⌉ = 14 (<i>same</i> padding adds zeros so that the window fits ⌈n/s⌉ times)'
"""

from __future__ import annotations

import contextlib
import functools
import html
from typing import Any

import numpy as np

from neurona.cnn import (
    BOOK_SEVEN,
    KERNELS,
    PADDINGS,
    conv_output_size,
    convolve2d,
    padding_amounts,
    parse_kernel,
)
from neurona.i18n import N_, _, ngettext
from neurona.plots.render import figure_png, new_figure
from neurona.validate import one_of, whole_number
from neurona.widgets.panel import Panel, picture

__all__ = ["ConvolutionExplorer", "PoolingExplorer", "keras_output_size"]

#: The kernel menu's entry for a kernel typed in the text box.
TYPED = "typed in"
#: What the kernel menu shows for each kernel (its values are the names the code uses).
KERNEL_LABELS = {
    "identity": N_("identity"),
    "edge (horizontal)": N_("edge (horizontal)"),
    "edge (vertical)": N_("edge (vertical)"),
    "Sobel (horizontal)": N_("Sobel (horizontal)"),
    "Sobel (vertical)": N_("Sobel (vertical)"),
    "Laplacian edge": N_("Laplacian edge"),
    "blur (box)": N_("blur (box)"),
    "Gaussian blur": N_("Gaussian blur"),
    "sharpen": N_("sharpen"),
    "emboss": N_("emboss"),
    TYPED: N_("typed in"),
}
MAX_STRIDE = 3
#: Size in inches (at 80 dpi) of the explorer's picture: whole at 950 px, readable at 570 px.
FIGURE_SIZE = (8.0, 3.0)
#: Frames the Play button takes to build a whole output map, whatever its size.
PLAY_FRAMES = 120
_ERROR_STYLE = "color: #D55E00"


@functools.lru_cache(maxsize=256)
def keras_output_size(n: int, k: int, padding: str, stride: int) -> int:
    """Ask Keras itself for the output size of a ``Conv2D`` (no weights are made).

    Examples
    --------
    >>> keras_output_size(28, 5, "valid", 1)         # doctest: +SKIP
    24
    """
    import keras

    layer = keras.layers.Conv2D(1, k, strides=stride, padding=padding)
    return int(layer.compute_output_shape((1, n, n, 1))[1])


class ConvolutionExplorer(Panel):
    """Slide a kernel over an image; watch the output map build up and its size follow the formula.

    Parameters
    ----------
    image : array-like, shape (height, width)
        A grey image, e.g. one 28×28 Fashion-MNIST or MNIST image (any scale).
    kernel : str or array-like
        A name from :data:`neurona.cnn.KERNELS`, a kernel typed as text
        (``"0 -1 0; -1 5 -1; 0 -1 0"``) or an array.
    padding : "valid" or "same"
    stride : int
        1 to 3.
    check_with_keras : bool
        Whether to ask Keras for the output size after each change (imports TensorFlow).

    Attributes
    ----------
    kernel : numpy.ndarray
        The kernel in use (the last good one, if a typed kernel could not be read).
    output : numpy.ndarray
        The whole output map for the current settings.
    keras_size : int or None
        What Keras says the output size is (None when not checked).
    redraws : int
        How many pictures were drawn.
    """

    def __init__(self, image: Any, kernel: Any = "edge (vertical)", padding: str = "valid",
                 stride: int = 1, check_with_keras: bool = True):
        import ipywidgets as w

        x = np.asarray(image, dtype=float).squeeze()
        if x.ndim != 2 or min(x.shape) < 1:
            raise ValueError(_("give one grey image of shape (height, width); got shape {shape}")
                             .format(shape=x.shape))
        self.x = x
        self.check_with_keras = bool(check_with_keras)
        self.kernel = np.asarray(KERNELS["identity"])
        self.kernel_name = "identity"
        self._showing_kernel = False
        self.keras_size: int | None = None
        self.redraws, self.last_png = 0, None
        self._figure = new_figure(FIGURE_SIZE[0], FIGURE_SIZE[1], dpi=80)
        self.kernel_menu = w.Dropdown(options=[(_kernel_label(k), k) for k in [*KERNELS, TYPED]],
                                      value="identity", description=_("kernel"))
        self.kernel_text = w.Text(value="", placeholder="0 -1 0; -1 5 -1; 0 -1 0",
                                  description=_("type one"), continuous_update=False)
        # "valid" and "same" are Keras's names for the paddings: the code writes them.
        self.padding_buttons = w.ToggleButtons(options=list(PADDINGS), value="valid",
                                               description=_("padding"))
        self.stride_slider = w.IntSlider(value=1, min=1, max=MAX_STRIDE, description=_("stride"))
        # The window slider counts from 1, as the text under it does ("window 5 of 676").
        self.step_slider = w.IntSlider(value=1, min=1, max=1, description=_("window"),
                                       continuous_update=True)
        self.play = w.Play(value=1, min=1, max=1, interval=60, description=_("play"))
        w.jslink((self.play, "value"), (self.step_slider, "value"))
        self.message = w.HTML()
        self.formula = w.HTML()
        self.keras_line = w.HTML()
        self.step_line = w.HTML()
        # The picture shrinks with a narrow notebook instead of being cut off.
        self.image = picture("100%", max_width=f"{round(FIGURE_SIZE[0] * 80)}px")
        self.kernel_menu.observe(self._menu_changed, names="value")
        self.kernel_text.observe(self._text_changed, names="value")
        for control in (self.padding_buttons, self.stride_slider):
            control.observe(lambda _: self._settings_changed(), names="value")
        self.step_slider.observe(lambda _: self.redraw(), names="value")
        def wrap():  # rows of controls wrap on a narrow notebook, never clip
            return w.Layout(flex_flow="row wrap")

        self.widget = w.VBox([
            w.HBox([self.kernel_menu, self.kernel_text], layout=wrap()),
            self.message,
            w.HBox([self.padding_buttons, self.stride_slider], layout=wrap()),
            w.HBox([self.play, self.step_slider], layout=wrap()),
            self.formula, self.keras_line, self.step_line, self.image,
        ])
        with self.redraw_once():
            self._use_kernel(kernel)
            self.padding_buttons.value = one_of("padding", padding, PADDINGS)
            self.stride_slider.value = whole_number("stride", stride, 1, MAX_STRIDE)
            self._settings_changed()
            self.step_slider.value = self.step_slider.max

    @contextlib.contextmanager
    def redraw_once(self):
        """Hold redraws while the block changes controls, then redraw once (nests safely)."""
        if self._holding:
            yield
            return
        with super().redraw_once():
            yield

    # -- what the panel shows ----------------------------------------------------------------

    @property
    def padding(self) -> str:
        """The padding chosen: "valid" or "same"."""
        return str(self.padding_buttons.value)

    @property
    def stride(self) -> int:
        """The stride chosen (1 to 3)."""
        return int(self.stride_slider.value)

    @property
    def step(self) -> int:
        """The window shown, counted from 0 (top left), row by row (the slider counts from 1)."""
        return int(self.step_slider.value) - 1

    @property
    def output_size(self) -> tuple[int, int]:
        """(height, width) of the output map, from the formula."""
        k = self.kernel.shape[0]
        return (conv_output_size(self.x.shape[0], k, self.padding, self.stride),
                conv_output_size(self.x.shape[1], k, self.padding, self.stride))

    @property
    def output(self) -> np.ndarray:
        """The whole output map for the current kernel, padding and stride."""
        return convolve2d(self.x, self.kernel, self.padding, self.stride)

    @property
    def windows(self) -> int:
        """How many window positions the kernel takes (the number of output values)."""
        out_h, out_w = self.output_size
        return out_h * out_w

    def set(self, kernel: Any = None, padding: str | None = None, stride: int | None = None,
            step: int | None = None) -> None:
        """Change several controls at once and redraw once.

        ``kernel`` is a name from :data:`neurona.cnn.KERNELS`, a kernel typed as text or an
        array; ``step`` is a window number (``-1`` for the last, the whole map).

        Raises
        ------
        ValueError
            If a value is not allowed (the message says what is).
        """
        with self.redraw_once():
            if kernel is not None:
                self._use_kernel(kernel)
            if padding is not None:
                self.padding_buttons.value = one_of("padding", padding, PADDINGS)
            if stride is not None:
                self.stride_slider.value = whole_number("stride", stride, 1, MAX_STRIDE)
            self._settings_changed(keep_end=step is None)
            if step is not None:
                last = self.windows - 1
                note = ngettext("there is {n} window; -1 is the last",
                                "there are {n} windows; -1 is the last", last + 1)
                note = note.format(n=last + 1)
                step = whole_number("step", step, -1, last, note=note)
                self.step_slider.value = (last if step == -1 else step) + 1

    def redraw(self) -> None:
        """Draw the window on the input, the kernel and the output so far; write the formula."""
        if self._holding:
            return
        from neurona.plots.convolution import plot_convolution_step

        n, k, s = self.x.shape[0], self.kernel.shape[0], self.stride
        out_h, out_w = self.output_size
        self.formula.value = _formula(n, k, self.padding, s, out_h)
        if self.check_with_keras:
            self.keras_size = keras_output_size(n, k, self.padding, s)
            agree = _("✓ the same") if self.keras_size == out_h else _("✗ differs")
            layer = f"Conv2D({k}×{k}, strides={s}, padding='{self.padding}')"
            self.keras_line.value = _("Keras says {size} ({layer}): {agree}").format(
                size=self.keras_size, layer=layer, agree=agree)
        else:
            self.keras_line.value = ""
        step = min(self.step, self.windows - 1)
        row, col = divmod(step, out_w)
        value = self.output[row, col]
        self.step_line.value = _(
            "window {step} of {windows}: output[{row}, {col}] = Σ window × kernel = {value:.3g}"
            " &nbsp;·&nbsp; {weights} weights shared by all {windows} positions"
        ).format(step=step + 1, windows=self.windows, row=row, col=col, value=value,
                 weights=k * k)
        plot_convolution_step(self.x, self.kernel, step, self.padding, s, figure=self._figure)
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.redraws += 1

    # -- control changes ---------------------------------------------------------------------

    def _use_kernel(self, kernel: Any) -> None:
        if isinstance(kernel, str) and kernel in KERNELS:
            self.kernel, self.kernel_name = KERNELS[kernel], kernel
            self.kernel_menu.value = kernel
            self._show_kernel(_kernel_text(self.kernel))
            return
        values = parse_kernel(kernel) if isinstance(kernel, str) else _kernel_array(kernel)
        self._check_fits(values)
        self.kernel, self.kernel_name = values, TYPED
        self.kernel_menu.value = TYPED
        self._show_kernel(kernel if isinstance(kernel, str) else _kernel_text(values))

    def _show_kernel(self, text: str) -> None:
        # The text box always holds the kernel in use, ready to be edited (as if typed there).
        self._showing_kernel = True
        try:
            self.kernel_text.value = text
        finally:
            self._showing_kernel = False

    def _check_fits(self, kernel: np.ndarray) -> None:
        k = kernel.shape[0]
        if k > min(self.x.shape):
            raise ValueError(_("a {k}×{k} kernel does not fit in a {height}×{width} image").format(
                k=k, height=self.x.shape[0], width=self.x.shape[1]))

    def _menu_changed(self, change) -> None:
        if change["new"] == TYPED:
            return
        self.kernel, self.kernel_name = KERNELS[change["new"]], change["new"]
        self._show_kernel(_kernel_text(self.kernel))
        self.message.value = ""
        self._settings_changed()

    def _text_changed(self, change) -> None:
        text = change["new"]
        if self._showing_kernel or not text.strip():
            return
        try:
            values = parse_kernel(text)
            self._check_fits(values)
        except ValueError as error:
            # A typing mistake is not an exception: say what is wrong, keep the last kernel.
            said = _("Could not use that kernel: {error}. Still using <b>{kernel}</b>.").format(
                error=html.escape(str(error)), kernel=html.escape(_kernel_label(self.kernel_name)))
            self.message.value = f"<span style='{_ERROR_STYLE}'>{said}</span>"
            return
        self.message.value = ""
        with self.redraw_once():
            self.kernel, self.kernel_name = values, TYPED
            self.kernel_menu.value = TYPED
            self._settings_changed()

    def _settings_changed(self, keep_end: bool = True) -> None:
        total = self.windows
        at_end = self.step_slider.value >= self.step_slider.max
        with self.redraw_once():
            # Widen before narrowing, so the slider never holds a value outside its range.
            self.step_slider.max = max(self.step_slider.max, total)
            self.play.max = total
            self.play.step = max(1, total // PLAY_FRAMES)
            if (at_end and keep_end) or self.step_slider.value > total:
                self.step_slider.value = total
            self.step_slider.max = total


class PoolingExplorer(Panel):
    """Max and average pooling of a small map, side by side with every number written.

    Parameters
    ----------
    x : array-like
        A small 2-D map; default :data:`neurona.cnn.BOOK_SEVEN`, the 6×6 "7".
    size : int
        Pooling window, 2 or 3.
    stride : int, optional
        Default ``size``.

    Examples
    --------
    >>> explorer = PoolingExplorer()
    >>> explorer.set(size=3)
    >>> explorer.pooled("max").shape
    (2, 2)
    """

    def __init__(self, x: Any = BOOK_SEVEN, size: int = 2, stride: int | None = None):
        import ipywidgets as w

        self.x = np.asarray(x, dtype=float)
        self.redraws, self.last_png = 0, None
        self.size_slider = w.IntSlider(value=size, min=2, max=3, description=_("window"))
        self.stride_slider = w.IntSlider(value=stride or size, min=1, max=3,
                                         description=_("stride"))
        self.summary = w.HTML()
        self.image = picture("100%", max_width="760px")
        for control in (self.size_slider, self.stride_slider):
            control.observe(lambda _: self.redraw(), names="value")
        self.widget = w.VBox([
            w.HBox([self.size_slider, self.stride_slider], layout=w.Layout(flex_flow="row wrap")),
            self.summary, self.image])
        self.redraw()

    def pooled(self, mode: str) -> np.ndarray:
        """Return the map pooled with ``mode`` ("max" or "average") for the current sliders."""
        from neurona.cnn import pool2d

        return pool2d(self.x, self.size_slider.value, self.stride_slider.value, mode)

    def set(self, size: int | None = None, stride: int | None = None) -> None:
        """Move the sliders (and redraw once)."""
        with self.redraw_once():
            if size is not None:
                self.size_slider.value = int(size)
            if stride is not None:
                self.stride_slider.value = int(stride)

    def redraw(self) -> None:
        """Draw the map and both poolings; summarise what each keeps."""
        if self._holding:
            return
        import matplotlib.pyplot as plt

        from neurona.plots.convolution import plot_pooling

        size, stride = self.size_slider.value, self.stride_slider.value
        figure = plot_pooling(self.x, size, stride)
        try:
            self.last_png = figure_png(figure)
        finally:
            plt.close(figure)
        self.image.value = self.last_png
        high, mean = self.pooled("max"), self.pooled("average")
        self.summary.value = _(
            "{height}×{width} → {out_h}×{out_w}: max pooling keeps the strongest value of each "
            "window (total {high:.3g}); average pooling their mean (total {mean:.3g}). "
            "Neither has weights to learn."
        ).format(height=self.x.shape[0], width=self.x.shape[1], out_h=high.shape[0],
                 out_w=high.shape[1], high=high.sum(), mean=mean.sum())
        self.redraws += 1


def _kernel_label(name: str) -> str:
    """Return what the kernel menu shows for kernel ``name``, in the kit's language."""
    return _(KERNEL_LABELS[name]) if name in KERNEL_LABELS else name


def _kernel_text(kernel: Any) -> str:
    """Write a kernel as the text box reads it: numbers by spaces, rows by semicolons.

    Examples
    --------
    >>> _kernel_text([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    '0 -1 0; -1 5 -1; 0 -1 0'
    >>> _kernel_text([[0.0625, 0.125], [0.125, 0.25]])
    '0.0625 0.125; 0.125 0.25'
    """
    rows = np.asarray(kernel, dtype=float)
    return "; ".join(" ".join(f"{value:.6g}" for value in row) for row in rows)


def _formula(n: int, k: int, padding: str, s: int, out: int) -> str:
    if padding == "same":
        before, after = padding_amounts(n, k, "same", s)
        if s == 1 and before == after:
            return _("output size: {formula} (<i>same</i> padding: p = (k − 1)/2 = {p} zeros on "
                     "each side)").format(formula=f"({n} + 2·{before} − {k})/{s} + 1 = {out}",
                                          p=before)
        return _("output size: {formula} (<i>same</i> padding adds zeros so that the window fits "
                 "⌈n/s⌉ times)").format(formula=f"⌈{n} / {s}⌉ = {out}")
    skipped = (n - k) % s
    if not skipped:
        return _("output size: {formula}").format(formula=f"({n} + 2·0 − {k})/{s} + 1 = {out}")
    return ngettext("output size: {formula} (the last {n} column is skipped)",
                    "output size: {formula} (the last {n} columns are skipped)", skipped).format(
        formula=f"⌊({n} + 2·0 − {k})/{s}⌋ + 1 = {out}", n=skipped)


def _kernel_array(kernel: Any) -> np.ndarray:
    try:
        values = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(_("the kernel must be numbers; got {kernel!r}").format(
            kernel=kernel)) from error
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] % 2 == 0:
        raise ValueError(_("the kernel must be square with an odd size (1x1, 3x3, 5x5, 7x7); "
                           "got shape {shape}").format(shape=values.shape))
    if not np.all(np.isfinite(values)):
        raise ValueError(_("the kernel must hold finite numbers"))
    return values
