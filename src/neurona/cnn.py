"""Convolutional networks in numbers: output sizes, convolution and pooling in NumPy, their cost.

Notebook 08 writes its networks out itself (the book's CNN, LeNet-5, the fast CNN, a Dense
network and VGG16 are ``keras.Sequential`` models in its cells); this module holds what
explains and checks them:

- the arithmetic of a convolution: :func:`conv_output_size` (the formula
  ⌊(n + 2p − k)/s⌋ + 1 and Keras's ``"same"`` rule ⌈n/s⌉), :func:`convolve2d` and
  :func:`pool2d` written in NumPy so that every number can be followed by hand (they give
  exactly what ``keras.layers.Conv2D`` and the pooling layers give), :func:`convolution_steps`
  for a visualiser that slides the window one position at a time, a few classic
  :data:`KERNELS` and :func:`parse_kernel` for a kernel typed as text;
- which number format pays on this machine: :func:`choose_precision` (the notebook hands it
  to its layers as their ``dtype``);
- what a model the notebook built costs in memory: :func:`activation_memory` and
  :func:`training_memory_estimate`.

This module imports no Keras (the cost functions read the model they are given), so the
convolution widget starts without TensorFlow.

Examples
--------
>>> conv_output_size(28, 5)                 # the book: a 5x5 window over 28x28
24
>>> conv_output_size(28, 3, padding="same", stride=2)
14
>>> convolve2d(np.arange(16.0).reshape(4, 4), np.ones((3, 3))).tolist()
[[45.0, 54.0], [81.0, 90.0]]
>>> pool2d(BOOK_SEVEN, 2, mode="max").shape
(3, 3)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from neurona.i18n import _
from neurona.validate import one_of, whole_number

__all__ = [
    "BOOK_SEVEN",
    "KERNELS",
    "PADDINGS",
    "POOL_MODES",
    "ConvolutionStep",
    "activation_memory",
    "choose_precision",
    "conv_output_size",
    "convolution_steps",
    "convolve2d",
    "padding_amounts",
    "parse_kernel",
    "pool2d",
    "training_memory_estimate",
]

#: The padding names Keras accepts (an integer p means p zeros on every side).
PADDINGS = ("valid", "same")
#: The pooling modes of :func:`pool2d`.
POOL_MODES = ("max", "average")
#: Largest kernel :func:`parse_kernel` accepts (the widget's pictures stay readable).
MAX_TYPED_KERNEL = 7

#: Named 3 × 3 kernels for the convolution visualiser. Cross-correlation, as Keras computes:
#: the kernel is laid on the window as written, not flipped.
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "edge (horizontal)": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=float),
    "edge (vertical)": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=float),
    "Sobel (horizontal)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
    "Sobel (vertical)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "Laplacian edge": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], dtype=float),
    "blur (box)": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
}

#: A small "7" for the pooling example, 6 × 6 grey levels from 0 (paper) to 9 (ink).
#: The book pools a "7" to show max vs average pooling; its exact numbers are not in the
#: course's sources, so these are our own: a top bar and a diagonal stroke, with soft edges
#: so that max and average pooling give visibly different numbers.
BOOK_SEVEN = np.array([
    [0, 0, 0, 0, 0, 0],
    [1, 8, 9, 9, 9, 3],
    [0, 1, 2, 3, 9, 2],
    [0, 0, 0, 7, 6, 0],
    [0, 0, 4, 9, 1, 0],
    [0, 0, 8, 5, 0, 0],
], dtype=float)


# -- the arithmetic ---------------------------------------------------------------------------


def conv_output_size(n: int, k: int, padding: str | int = "valid", stride: int = 1) -> int:
    """Size of a convolution's (or a pooling's) output along one axis.

    With ``p`` zeros on each side the window fits ⌊(n + 2p − k)/s⌋ + 1 times. Keras's
    ``"valid"`` is p = 0; ``"same"`` pads just enough that the output has ⌈n/s⌉ positions
    (for stride 1 and odd k that is p = (k − 1)/2 and the size does not change).

    Parameters
    ----------
    n : int
        Input size (height or width), ≥ 1.
    k : int
        Window (kernel) size, ≥ 1.
    padding : "valid", "same" or int
        As Keras's ``padding``, or a number p ≥ 0 of zeros on each side
        (``ZeroPadding2D(p)`` followed by a ``"valid"`` convolution).
    stride : int
        Step between windows, ≥ 1 (Keras's ``strides``).

    Returns
    -------
    int
        The output size.

    Raises
    ------
    ValueError
        If a size is not a positive integer, the padding is not one of the allowed
        values, or the window is larger than the padded input.

    Examples
    --------
    >>> conv_output_size(28, 5)
    24
    >>> conv_output_size(224, 3, padding=1)
    224
    >>> conv_output_size(7, 3, stride=2)
    3
    """
    n = whole_number("n", n, 1, note=_("the input size"))
    k = whole_number("k", k, 1, note=_("the kernel size"))
    s = whole_number("stride", stride, 1)
    if isinstance(padding, str):
        if one_of("padding", padding, PADDINGS) == "same":
            return -(-n // s)
        p = 0
    else:
        p = whole_number("padding", padding, 0, note=_("zeros on each side; or 'valid' or 'same'"))
    if k > n + 2 * p:
        raise ValueError(_(
            "a {k}x{k} window does not fit in {n} + 2*{p} = {size} positions; "
            "use a kernel of at most {size}, or more padding"
        ).format(k=k, n=n, p=p, size=n + 2 * p))
    return (n + 2 * p - k) // s + 1


def padding_amounts(n: int, k: int, padding: str | int = "valid",
                    stride: int = 1) -> tuple[int, int]:
    """Zeros added before and after the input along one axis, as Keras adds them.

    For ``"same"`` Keras pads ``max((out − 1)·s + k − n, 0)`` zeros in all, the odd one
    after (bottom or right).

    Examples
    --------
    >>> padding_amounts(28, 5, "same")
    (2, 2)
    >>> padding_amounts(28, 3, "same", stride=2)
    (0, 1)
    """
    out = conv_output_size(n, k, padding, stride)
    if padding == "valid":
        return 0, 0
    if padding == "same":
        total = max((out - 1) * stride + k - n, 0)
        return total // 2, total - total // 2
    return int(padding), int(padding)


def convolve2d(image: Any, kernel: Any, padding: str | int = "valid",
               stride: int = 1) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and write the sum of products at each position.

    This is cross-correlation, which is what Keras's ``Conv2D`` computes (the kernel is
    not flipped): one filter, one channel, no bias. ``Conv2D(1, k, strides=stride,
    padding=padding, use_bias=False)`` with this kernel as its weights gives the same map.

    Parameters
    ----------
    image : array-like, shape (height, width)
        One grey image.
    kernel : array-like, shape (kh, kw)
        The filter's weights.
    padding : "valid", "same" or int
        See :func:`conv_output_size`.
    stride : int
        Step between windows.

    Returns
    -------
    numpy.ndarray
        The output map, shape ``(out_h, out_w)``.

    Examples
    --------
    >>> convolve2d(np.eye(3), np.eye(2)).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    x, w = _image(image), _kernel_array(kernel)
    padded, (out_h, out_w) = _padded(x, w.shape, padding, stride)
    kh, kw = w.shape
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = float(np.sum(window * w))
    return out


@dataclass(frozen=True)
class ConvolutionStep:
    """One position of the sliding window.

    Attributes
    ----------
    index : int
        Step number, 0 for the top-left window; steps go row by row.
    row, col : int
        Where the output value goes.
    top, left : int
        The window's top-left corner in the *padded* input.
    window : numpy.ndarray
        The input numbers under the kernel.
    value : float
        Their sum of products with the kernel: ``output[row, col]``.
    output : numpy.ndarray
        The output map so far: filled up to and including this step, NaN after it.
    """

    index: int
    row: int
    col: int
    top: int
    left: int
    window: np.ndarray
    value: float
    output: np.ndarray


def convolution_steps(image: Any, kernel: Any, padding: str | int = "valid",
                      stride: int = 1) -> Iterator[ConvolutionStep]:
    """Yield the convolution one window at a time, with the output map building up.

    Parameters
    ----------
    image, kernel, padding, stride
        As for :func:`convolve2d`.

    Yields
    ------
    ConvolutionStep
        The window position, the numbers under it, the value written and the partial
        output (NaN where the window has not been yet).

    Examples
    --------
    >>> steps = list(convolution_steps(np.ones((4, 4)), np.ones((3, 3))))
    >>> len(steps), steps[0].value, int(np.isnan(steps[0].output).sum())
    (4, 9.0, 3)
    """
    x, w = _image(image), _kernel_array(kernel)
    padded, (out_h, out_w) = _padded(x, w.shape, padding, stride)
    kh, kw = w.shape
    out = np.full((out_h, out_w), np.nan)
    for index in range(out_h * out_w):
        row, col = divmod(index, out_w)
        top, left = row * stride, col * stride
        window = padded[top:top + kh, left:left + kw]
        value = float(np.sum(window * w))
        out[row, col] = value
        yield ConvolutionStep(index, row, col, top, left, window.copy(), value, out.copy())


def pool2d(x: Any, size: int = 2, stride: int | None = None, mode: str = "max",
           padding: str = "valid") -> np.ndarray:
    """Max or average pooling of one 2-D map, as Keras's pooling layers compute it.

    Parameters
    ----------
    x : array-like, shape (height, width)
        One map (an image or a feature map).
    size : int
        Window size (``pool_size``).
    stride : int, optional
        Step between windows; default ``size`` (windows that do not overlap), as in Keras.
    mode : "max" or "average"
        Keep the largest number of each window, or their mean.
    padding : "valid" or "same"
        As in Keras; with ``"same"`` the average counts only the real (unpadded) numbers.

    Returns
    -------
    numpy.ndarray
        The pooled map.

    Examples
    --------
    >>> pool2d([[1, 2], [3, 4]], 2).tolist()
    [[4.0]]
    >>> pool2d([[1, 2], [3, 4]], 2, mode="average").tolist()
    [[2.5]]
    """
    image = _image(x)
    size = whole_number("size", size, 1)
    stride = size if stride is None else whole_number("stride", stride, 1)
    one_of("mode", mode, POOL_MODES)
    one_of("padding", padding, PADDINGS)
    (top, bottom), (left, right) = (padding_amounts(n, size, padding, stride)
                                    for n in image.shape)
    out_h, out_w = (conv_output_size(n, size, padding, stride) for n in image.shape)
    padded = np.pad(image, ((top, bottom), (left, right)), constant_values=np.nan)
    out = np.empty((out_h, out_w))
    reduce = np.nanmax if mode == "max" else np.nanmean
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = reduce(padded[i * stride:i * stride + size, j * stride:j * stride + size])
    return out


def parse_kernel(text: str) -> np.ndarray:
    r"""Read a kernel typed as text: rows split by ``;`` or new lines, numbers by spaces or commas.

    Parameters
    ----------
    text : str
        E.g. ``"0 -1 0; -1 5 -1; 0 -1 0"``. Fractions such as ``1/9`` are allowed.

    Returns
    -------
    numpy.ndarray
        A square kernel of odd size 1 to 7.

    Raises
    ------
    ValueError
        If a number cannot be read, rows differ in length, or the kernel is not square
        with an odd size from 1 to 7.

    Examples
    --------
    >>> parse_kernel("0 -1 0; -1 5 -1; 0 -1 0").tolist()
    [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]
    >>> parse_kernel("1/9, 1/9, 1/9\n1/9, 1/9, 1/9\n1/9, 1/9, 1/9").sum().round(6)
    np.float64(1.0)
    """
    if not isinstance(text, str):
        raise TypeError(_("the kernel text must be a string such as '0 -1 0; -1 5 -1; 0 -1 0'; "
                          "got {kind}").format(kind=type(text).__name__))
    lines = [line.strip() for line in re.split(r"[;\n]", text) if line.strip()]
    if not lines:
        raise ValueError(_("type a kernel: rows separated by ';', numbers by spaces, "
                           "e.g. '0 -1 0; -1 5 -1; 0 -1 0'"))
    rows = [[_number(token) for token in re.split(r"[\s,]+", line) if token] for line in lines]
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ValueError(_("every row needs the same number of values; got rows of {sizes}")
                         .format(sizes=[len(row) for row in rows]))
    size = widths.pop()
    if size != len(rows):
        raise ValueError(_("the kernel must be square; got {rows} rows of {size} values").format(
            rows=len(rows), size=size))
    if size % 2 == 0 or size > MAX_TYPED_KERNEL:
        raise ValueError(_("the kernel size must be odd, from 1 to {most} "
                           "(1x1, 3x3, 5x5, 7x7), so that it has a centre; got {size}x{size}")
                         .format(most=MAX_TYPED_KERNEL, size=size))
    return np.array(rows, dtype=float)


# -- the number format of notebook 08's fast CNN ------------------------------------------------


#: Number formats :func:`choose_precision` accepts.
PRECISIONS = ("auto", "float32", "mixed_bfloat16")


#: Keras backends on which mixed bfloat16 made the CNN faster on a CPU with bfloat16
#: instructions. On JAX the same recipe ran about 2x slower than in float32 (100 s against
#: 48 s per epoch on a 2-core CPU with AVX-512 BF16): jaxlib 0.10's compiled step converts a
#: bfloat16 convolution's inputs to float32, convolves in float32 and converts back, so it only
#: adds work. PyTorch has not been measured, so it gets float32 too.
BF16_FAST_BACKENDS = ("tensorflow",)


def choose_precision(precision: str = "auto") -> tuple[str, str]:
    """Return the Keras dtype policy for notebook 08's fast CNN here, and one line saying why.

    The notebook passes the policy to its layers as ``dtype=policy`` (the output layer stays
    ``"float32"``, so that the probabilities keep their full precision); a student can
    overrule it there.

    ``"auto"`` picks ``"mixed_bfloat16"`` (weights kept in float32, arithmetic in bfloat16)
    only where it was measured to pay: Keras on TensorFlow, on a CPU with bfloat16
    instructions and no GPU, where it made an epoch about 1.7 times faster for the same
    accuracy. Everywhere else it picks ``"float32"``: on a CPU without those instructions
    bfloat16 is emulated and slower; on Keras's JAX backend bfloat16 convolutions are slower
    than float32 ones even on a CPU that has them (see :data:`BF16_FAST_BACKENDS`). The
    backend is read without importing Keras when Keras is not imported yet.

    Examples
    --------
    >>> choose_precision("float32")
    ('float32', 'float32, as asked')
    >>> choose_precision("half")
    Traceback (most recent call last):
    ...
    ValueError: precision must be one of auto, float32, mixed_bfloat16; got 'half'
    """
    one_of("precision", precision, PRECISIONS)
    if precision != "auto":
        return precision, _("{precision}, as asked").format(precision=precision)
    from neurona.hardware import compute_device, cpu_has_bf16, keras_backend

    device = compute_device()
    if not device.startswith("CPU"):
        return "float32", _("float32: computing on {device}").format(device=device)
    if not cpu_has_bf16():
        return "float32", _(
            "float32: this CPU has no bfloat16 instructions (it would emulate them)")
    backend = keras_backend()[0]
    if backend == "jax":
        return "float32", _("float32: Keras runs on JAX here, whose CPU convolutions in bfloat16 "
                            "are slower than in float32")
    if backend not in BF16_FAST_BACKENDS:
        return "float32", _("float32: Keras runs on {backend} here, where mixed bfloat16 has not "
                            "been measured to pay on a CPU (it does on TensorFlow)").format(
                                backend=backend)
    return "mixed_bfloat16", _("mixed bfloat16: this CPU multiplies bfloat16 in hardware")


# -- what a network costs ----------------------------------------------------------------------


def activation_memory(model: Any, batch_size: int = 1, bytes_per_value: int = 4,
                      include_input: bool = True):
    """How many numbers a forward pass produces, layer by layer, and the memory they take.

    One row per layer (and one for the input): its output shape, the values it holds for
    ``batch_size`` images, their size in MB (10⁶ bytes), and the multiply-adds the layer
    does for them (convolution: out_h·out_w·k·k·c_in·c_out; Dense: inputs·units). The last
    row is the total. ``result.attrs`` holds the parameter count and the parameters' MB.

    For VGG16 on one 224×224×3 image the forward activations are about 15.2 million
    values, 61 MB in float32 (the input included), and 15.5 billion multiply-adds.
    Training keeps them for the backward pass and computes as many gradients of the
    same sizes, so about twice that (~120 MB per image) — the "~100 MB per image" order
    of magnitude often quoted. The often-copied figure of "24 M values" does not follow
    from the layer sizes: the same table's rows add up to 15.2 M.

    Parameters
    ----------
    model : keras.Model
        A built model.
    batch_size : int
        Images per forward pass.
    bytes_per_value : int
        4 for float32, 2 for float16/bfloat16.
    include_input : bool
        Whether the input images count (they are in memory too).

    Returns
    -------
    pandas.DataFrame
        Columns ``layer``, ``type``, ``output shape``, ``values``, ``MB``,
        ``multiply-adds``; last row ``total``.

    Examples
    --------
    On notebook 08's VGG16 (cell 08-048a builds ``vgg_by_hand``):

    >>> table = activation_memory(vgg_by_hand)                 # doctest: +SKIP
    >>> int(table.iloc[-1]["values"])                          # doctest: +SKIP
    15262696
    """
    import pandas as pd

    batch = whole_number("batch_size", batch_size, 1)
    size = whole_number("bytes_per_value", bytes_per_value, 1)
    _check_model(model)
    rows = []
    if include_input:
        shape = tuple(model.inputs[0].shape[1:])
        rows.append(_memory_row("input", "Input", shape, batch, size, 0))
    for layer in model.layers:
        shape = tuple(layer.output.shape[1:])
        rows.append(_memory_row(layer.name, type(layer).__name__, shape, batch, size,
                                _multiply_adds(layer) * batch))
    total_values = sum(row["values"] for row in rows)
    rows.append({"layer": "total", "type": "", "output shape": "", "values": total_values,
                 "MB": total_values * size / 1e6,
                 "multiply-adds": sum(row["multiply-adds"] for row in rows)})
    table = pd.DataFrame(rows)
    parameters = int(model.count_params())
    table.attrs.update({"parameters": parameters, "parameter MB": parameters * size / 1e6,
                        "batch_size": batch, "bytes_per_value": size})
    return table


#: Numbers an optimizer keeps per weight, besides the weight and its gradient.
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def training_memory_estimate(model: Any, batch_size: int, optimizer: str = "adam",
                             bytes_per_value: int = 4):
    """Estimate a lower bound on the memory one training step needs, in GB (10⁹ bytes).

    weights + their gradients + the optimizer's per-weight state (Adam keeps two moments)
    + the forward activations of the batch, counted twice because the backward pass keeps
    them and produces gradients of the same sizes. Real frameworks need more (workspace
    buffers, the data pipeline, fragmentation); this is what no implementation can avoid.

    Parameters
    ----------
    model : keras.Model
        A built model.
    batch_size : int
        Images per training step.
    optimizer : str
        One of ``"sgd"``, ``"momentum"``, ``"rmsprop"``, ``"adam"``, ``"adamw"``.
    bytes_per_value : int
        4 for float32.

    Returns
    -------
    pandas.Series
        GB for ``weights``, ``gradients``, ``optimizer state``, ``activations (forward)``,
        ``activations (backward)`` and ``total``.

    Examples
    --------
    On notebook 08's VGG16 (``vgg_by_hand``, cell 08-048a):

    >>> training_memory_estimate(vgg_by_hand, 32).round(2)["total"]   # doctest: +SKIP
    np.float64(6.11)
    """
    import pandas as pd

    key = one_of("optimizer", str(optimizer).lower(), OPTIMIZER_SLOTS)
    table = activation_memory(model, batch_size, bytes_per_value)
    weights = table.attrs["parameter MB"] / 1000
    forward = float(table.iloc[-1]["MB"]) / 1000
    parts = {
        _("weights"): weights,
        _("gradients"): weights,
        _("optimizer state"): OPTIMIZER_SLOTS[key] * weights,
        _("activations (forward)"): forward,
        _("activations (backward)"): forward,
    }
    parts["total"] = sum(parts.values())  # "total" in both languages: code reads it
    return pd.Series(parts, name=_("GB at batch {batch}").format(batch=batch_size))


# -- helpers -----------------------------------------------------------------------------------


def _memory_row(name: str, kind: str, shape: tuple, batch: int, size: int,
                multiply_adds: int) -> dict[str, Any]:
    values = math.prod(int(d) for d in shape) * batch
    return {"layer": name, "type": kind, "output shape": shape, "values": values,
            "MB": values * size / 1e6, "multiply-adds": int(multiply_adds)}


def _multiply_adds(layer: Any) -> int:
    from neurona.bench.flops import layer_flops

    return layer_flops(layer) // 2  # a multiply-add is 2 floating-point operations


def _check_model(model: Any) -> None:
    if not (hasattr(model, "layers") and hasattr(model, "count_params")):
        raise TypeError(_("model must be a built Keras model; got {kind!r}").format(
            kind=type(model)))
    if not getattr(model, "built", False):
        raise ValueError(_("the model is not built yet: give it keras.Input(shape=...) first"))


def _padded(x: np.ndarray, kernel_shape: tuple[int, int], padding: str | int,
            stride: int) -> tuple[np.ndarray, tuple[int, int]]:
    stride = whole_number("stride", stride, 1)
    out = tuple(conv_output_size(n, k, padding, stride)
                for n, k in zip(x.shape, kernel_shape, strict=True))
    pads = [padding_amounts(n, k, padding, stride)
            for n, k in zip(x.shape, kernel_shape, strict=True)]
    return np.pad(x, pads), out


def _image(image: Any) -> np.ndarray:
    x = np.asarray(image, dtype=float)
    if x.ndim == 3 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 2 or 0 in x.shape:
        raise ValueError(_("give one grey image of shape (height, width); got shape {shape}")
                         .format(shape=x.shape))
    return x


def _kernel_array(kernel: Any) -> np.ndarray:
    w = np.asarray(kernel, dtype=float)
    if w.ndim != 2 or 0 in w.shape:
        raise ValueError(_("the kernel must be a 2-D array such as 3x3; got shape {shape}")
                         .format(shape=w.shape))
    if not np.all(np.isfinite(w)):
        raise ValueError(_("the kernel must hold finite numbers"))
    return w


def _number(token: str) -> float:
    try:
        if "/" in token:
            top, bottom = token.split("/", 1)
            value = float(top) / float(bottom)
        else:
            value = float(token)
    except (ValueError, ZeroDivisionError):
        raise ValueError(_("cannot read {token!r} as a number; write numbers such as -1, 0.5 "
                           "or 1/9").format(token=token)) from None
    if not math.isfinite(value):
        raise ValueError(_("{token!r} is not a finite number").format(token=token))
    return value
