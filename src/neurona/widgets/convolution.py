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
from neurona.plots.render import figure_png, new_figure
from neurona.validate import one_of, whole_number
from neurona.widgets.panel import Panel

__all__ = ["ConvolutionExplorer", "PoolingExplorer", "keras_output_size"]

#: The kernel menu's entry for a kernel typed in the text box.
TYPED = "typed in"
MAX_STRIDE = 3
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
            raise ValueError(f"give one grey image of shape (height, width); got shape {x.shape}")
        self.x = x
        self.check_with_keras = bool(check_with_keras)
        self.kernel = np.asarray(KERNELS["identity"])
        self.kernel_name = "identity"
        self.keras_size: int | None = None
        self.redraws, self.last_png = 0, None
        self._figure = new_figure(10, 3.6, dpi=80)
        self.kernel_menu = w.Dropdown(options=[*KERNELS, TYPED], value="identity",
                                      description="kernel")
        self.kernel_text = w.Text(value="", placeholder="0 -1 0; -1 5 -1; 0 -1 0",
                                  description="type one", continuous_update=False)
        self.padding_buttons = w.ToggleButtons(options=list(PADDINGS), value="valid",
                                               description="padding")
        self.stride_slider = w.IntSlider(value=1, min=1, max=MAX_STRIDE, description="stride")
        self.step_slider = w.IntSlider(value=0, min=0, max=0, description="window",
                                       continuous_update=True)
        self.play = w.Play(value=0, min=0, max=0, interval=60, description="play")
        w.jslink((self.play, "value"), (self.step_slider, "value"))
        self.message = w.HTML()
        self.formula = w.HTML()
        self.keras_line = w.HTML()
        self.step_line = w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="800px"))
        self.kernel_menu.observe(self._menu_changed, names="value")
        self.kernel_text.observe(self._text_changed, names="value")
        for control in (self.padding_buttons, self.stride_slider):
            control.observe(lambda _: self._settings_changed(), names="value")
        self.step_slider.observe(lambda _: self.redraw(), names="value")
        self.widget = w.VBox([
            w.HBox([self.kernel_menu, self.kernel_text]),
            self.message,
            w.HBox([self.padding_buttons, self.stride_slider]),
            w.HBox([self.play, self.step_slider]),
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
        """The window shown, counted from 0 (top left), row by row."""
        return int(self.step_slider.value)

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
                note = f"there are {last + 1} windows; -1 is the last"
                step = whole_number("step", step, -1, last, note=note)
                self.step_slider.value = last if step == -1 else step

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
            agree = "✓ the same" if self.keras_size == out_h else "✗ differs"
            self.keras_line.value = (f"Keras says {self.keras_size} "
                                     f"(Conv2D({k}×{k}, strides={s}, padding='{self.padding}')): "
                                     f"{agree}")
        else:
            self.keras_line.value = ""
        step = min(self.step, self.windows - 1)
        row, col = divmod(step, out_w)
        value = self.output[row, col]
        self.step_line.value = (f"window {step + 1} of {self.windows}: output[{row}, {col}] = "
                                f"Σ window × kernel = {value:.3g} &nbsp;·&nbsp; "
                                f"{k * k} weights shared by all {self.windows} positions")
        plot_convolution_step(self.x, self.kernel, step, self.padding, s, figure=self._figure)
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.redraws += 1

    # -- control changes ---------------------------------------------------------------------

    def _use_kernel(self, kernel: Any) -> None:
        if isinstance(kernel, str) and kernel in KERNELS:
            self.kernel, self.kernel_name = KERNELS[kernel], kernel
            self.kernel_menu.value = kernel
            return
        values = parse_kernel(kernel) if isinstance(kernel, str) else _kernel_array(kernel)
        self._check_fits(values)
        self.kernel, self.kernel_name = values, TYPED
        self.kernel_menu.value = TYPED

    def _check_fits(self, kernel: np.ndarray) -> None:
        k = kernel.shape[0]
        if k > min(self.x.shape):
            raise ValueError(f"a {k}×{k} kernel does not fit in a {self.x.shape[0]}×"
                             f"{self.x.shape[1]} image")

    def _menu_changed(self, change) -> None:
        if change["new"] == TYPED:
            return
        self.kernel, self.kernel_name = KERNELS[change["new"]], change["new"]
        self.message.value = ""
        self._settings_changed()

    def _text_changed(self, change) -> None:
        text = change["new"]
        if not text.strip():
            return
        try:
            values = parse_kernel(text)
            self._check_fits(values)
        except ValueError as error:
            # A typing mistake is not an exception: say what is wrong, keep the last kernel.
            self.message.value = (f"<span style='{_ERROR_STYLE}'>Could not use that kernel: "
                                  f"{html.escape(str(error))}. Still using "
                                  f"<b>{html.escape(self.kernel_name)}</b>.</span>")
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
            self.step_slider.max = max(self.step_slider.max, total - 1)
            self.play.max = total - 1
            self.play.step = max(1, total // PLAY_FRAMES)
            if (at_end and keep_end) or self.step_slider.value > total - 1:
                self.step_slider.value = total - 1
            self.step_slider.max = total - 1


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
        self.size_slider = w.IntSlider(value=size, min=2, max=3, description="window")
        self.stride_slider = w.IntSlider(value=stride or size, min=1, max=3,
                                         description="stride")
        self.summary = w.HTML()
        self.image = w.Image(format="png", layout=w.Layout(width="760px"))
        for control in (self.size_slider, self.stride_slider):
            control.observe(lambda _: self.redraw(), names="value")
        self.widget = w.VBox([w.HBox([self.size_slider, self.stride_slider]), self.summary,
                              self.image])
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
        self.summary.value = (
            f"{self.x.shape[0]}×{self.x.shape[1]} → {high.shape[0]}×{high.shape[1]}: "
            f"max pooling keeps the strongest value of each window (total {high.sum():.3g}); "
            f"average pooling their mean (total {mean.sum():.3g}). Neither has weights to learn."
        )
        self.redraws += 1


def _formula(n: int, k: int, padding: str, s: int, out: int) -> str:
    if padding == "same":
        before, after = padding_amounts(n, k, "same", s)
        if s == 1 and before == after:
            return (f"output size: ({n} + 2·{before} − {k})/{s} + 1 = {out} "
                    f"(<i>same</i> padding: p = (k − 1)/2 = {before} zeros on each side)")
        return (f"output size: ⌈{n} / {s}⌉ = {out} "
                f"(<i>same</i> padding adds zeros so that the window fits ⌈n/s⌉ times)")
    exact = (n - k) % s == 0
    text = f"({n} + 2·0 − {k})/{s} + 1 = {out}"
    if not exact:
        text = f"⌊({n} + 2·0 − {k})/{s}⌋ + 1 = {out} (the last {(n - k) % s} column(s) are skipped)"
    return f"output size: {text}"


def _kernel_array(kernel: Any) -> np.ndarray:
    try:
        values = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"the kernel must be numbers; got {kernel!r}") from error
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] % 2 == 0:
        raise ValueError(f"the kernel must be square with an odd size (1x1, 3x3, 5x5, 7x7); "
                         f"got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("the kernel must hold finite numbers")
    return values
