"""How many numbers a network learns, worked out by hand beside Keras's own count.

The book counts the parameters of its first network by hand before it trusts
``model.summary()``: 784 × 10 + 10 for the first Dense layer, 10 × 10 + 10 for the second,
7,960 in all. :func:`parameter_table` does the same for every layer of any built Keras
model: it writes the formula as text, evaluates that formula itself (never asking Keras),
and puts Keras's ``count_params()`` beside it, so the two can be checked against each other.

Examples
--------
>>> import neurona as nr
>>> nr.count_dense([784, 10, 10])          # the book's first network
7960
>>> nr.count_conv2d(5, 1, 20)              # a 5x5 receptive field, 20 feature maps
520
>>> nr.count_dense([784, 30])              # a dense layer of 30 units on the same image
23550
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from neurona.i18n import N_, _, grouped
from neurona.validate import whole_number

__all__ = [
    "ParameterTable",
    "count_conv2d",
    "count_dense",
    "explain_parameters",
    "parameter_table",
]

#: Columns of :func:`parameter_table`, in order.
# Data: code indexes the columns by these English names; the notebook view shows them translated.
COLUMNS = (
    N_("layer"),
    N_("type"),
    N_("input shape"),
    N_("output shape"),
    N_("formula"),
    N_("by hand"),
    N_("Keras count_params()"),
    N_("agree"),
)

# Layers that only move, reshape, pick or drop numbers: nothing to learn.
_NO_PARAMETERS = {
    "InputLayer", "Flatten", "Reshape", "Permute", "RepeatVector", "Dropout",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
    "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Add", "Subtract",
    "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Rescaling",
}
_CONV = {"Conv1D", "Conv2D", "Conv3D"}
_BATCH_NORM_NAMES = (("γ", "scale"), ("β", "center"))


def count_dense(sizes: Sequence[int]) -> int:
    """Count the parameters of a stack of Dense layers: sum of (c_i + 1) × c_(i+1).

    Each unit of layer i + 1 has one weight per unit of layer i, plus its own bias.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from the input to the output, e.g. ``[784, 512, 10]``.

    Returns
    -------
    int
        The number of weights and biases.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, or a size is not a positive integer.

    Examples
    --------
    >>> count_dense([784, 512, 10])
    407050
    >>> count_dense([784, 300, 100, 10])
    266610
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise TypeError(_("sizes must be a list of layer widths such as [784, 10]; "
                          "got {sizes!r}").format(sizes=sizes))
    widths = [whole_number(_("every layer size"), size, 1) for size in sizes]
    if len(widths) < 2:
        raise ValueError(_(
            "sizes needs at least two widths (inputs and outputs), e.g. [784, 10]; got {sizes!r}"
        ).format(sizes=sizes))
    return sum((c_in + 1) * c_out for c_in, c_out in zip(widths[:-1], widths[1:], strict=True))


def count_conv2d(kernel: int | Sequence[int], in_channels: int, filters: int,
                 bias: bool = True) -> int:
    """Count the parameters of a 2-D convolution: (kh × kw × in_channels) × filters + filters.

    Every filter sees a ``kh × kw`` window through all input channels and has one bias;
    the same weights are shared by every position of the image, so the image size does
    not appear.

    Parameters
    ----------
    kernel : int or (int, int)
        Window size: ``5`` means 5 × 5.
    in_channels : int
        Channels of the input (1 for grey images, 3 for colour, or the previous layer's filters).
    filters : int
        Number of filters (feature maps) the layer produces.
    bias : bool
        Whether each filter has a bias (Keras's ``use_bias``).

    Returns
    -------
    int
        The number of weights and biases.

    Examples
    --------
    >>> count_conv2d(5, 1, 32)
    832
    >>> count_conv2d((3, 3), 64, 128, bias=False)
    73728
    """
    if isinstance(kernel, (int, np.integer)) and not isinstance(kernel, bool):
        kh = kw = whole_number("kernel", kernel, 1)
    elif isinstance(kernel, Sequence) and len(kernel) == 2:
        kh, kw = (whole_number("kernel", k, 1) for k in kernel)
    else:
        raise ValueError(_(
            "kernel must be an int such as 5 or a pair such as (5, 5); got {kernel!r}"
        ).format(kernel=kernel))
    channels = whole_number("in_channels", in_channels, 1)
    maps = whole_number("filters", filters, 1)
    return kh * kw * channels * maps + (maps if bias else 0)


class ParameterTable(pd.DataFrame):
    """A :func:`parameter_table` that shows itself in a notebook with readable numbers.

    It is a plain pandas DataFrame in every other way; operations on it return DataFrames.
    """

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> str | None:
        if not set(COLUMNS) <= set(self.columns):
            return super()._repr_html_()
        counts = ["by hand", "Keras count_params()"]
        differ = _("✗ differ")
        styler = (
            self.style.format(grouped, subset=counts)
            .format(lambda ok: "✓" if ok else differ, subset=["agree"])
            .relabel_index([_(column) for column in self.columns], axis="columns")
            .hide(axis="index")
            .set_properties(subset=["formula"], **{"text-align": "left"})
            .apply(lambda row: ["font-weight: bold" if row["layer"] == "total" else ""] * len(row),
                   axis=1)
            .apply(lambda column: ["color: #D55E00" if not ok else "" for ok in column],
                   subset=["agree"])
        )
        return styler.to_html()


def parameter_table(model: Any) -> pd.DataFrame:
    """One row per layer: its shapes, its parameter formula worked by hand, and Keras's count.

    The ``by hand`` column evaluates the formula written in ``formula`` (it never reads
    Keras's count); ``Keras count_params()`` is what Keras says; ``agree`` compares them.
    Layers the kit has no formula for (Embedding, LSTM, a nested model, ...) say
    ``"from count_params()"`` and copy Keras's number. The last row is the total.

    Parameters
    ----------
    model : keras.Model
        A built model: give it ``keras.Input(shape=...)`` (or call ``model.build``) first.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer``, ``type``, ``input shape``, ``output shape``, ``formula``,
        ``by hand``, ``Keras count_params()``, ``agree``.

    Raises
    ------
    ValueError
        If the model is not built yet, so its layers have no weights to count.
    TypeError
        If ``model`` is not a Keras model.

    Examples
    --------
    >>> import keras                                                  # doctest: +SKIP
    >>> model = keras.Sequential([keras.Input(shape=(784,)),          # doctest: +SKIP
    ...     keras.layers.Dense(10, activation="sigmoid"),
    ...     keras.layers.Dense(10, activation="softmax")])
    >>> parameter_table(model)[["layer", "formula", "by hand"]]        # doctest: +SKIP
       layer          formula  by hand
    0  dense     784 × 10 + 10     7850
    1  dense_1    10 × 10 + 10      110
    2  total                       7960
    """
    _check_built(model)
    rows = []
    for layer in model.layers:
        formula, by_hand = _formula(layer)
        keras_count = int(layer.count_params())
        rows.append({
            "layer": layer.name,
            "type": type(layer).__name__,
            "input shape": _shape(layer, "input"),
            "output shape": _shape(layer, "output"),
            "formula": formula,
            "by hand": int(by_hand),
            "Keras count_params()": keras_count,
            "agree": int(by_hand) == keras_count,
        })
    hand_total = sum(row["by hand"] for row in rows)
    keras_total = int(model.count_params())
    rows.append({
        "layer": "total",
        "type": "",
        "input shape": "",
        "output shape": "",
        "formula": " + ".join(grouped(row["by hand"]) for row in rows if row["by hand"]) or "0",
        "by hand": hand_total,
        "Keras count_params()": keras_total,
        "agree": hand_total == keras_total,
    })
    return ParameterTable(rows, columns=list(COLUMNS))


def explain_parameters(model: Any) -> pd.DataFrame:
    """Return :func:`parameter_table` for ``model``; in a notebook it shows as a styled table.

    Numbers get thousands separators, the total row is bold and a disagreement between the
    hand count and Keras is marked in red.

    Parameters
    ----------
    model : keras.Model
        A built model (give it ``keras.Input(shape=...)``).

    Returns
    -------
    pandas.DataFrame
        The table of :func:`parameter_table`.

    Examples
    --------
    >>> import neurona as nr                                          # doctest: +SKIP
    >>> nr.explain_parameters(model)                                   # doctest: +SKIP
    """
    return parameter_table(model)


# -- one formula per kind of layer -------------------------------------------------------


def _formula(layer: Any) -> tuple[str, int]:
    kind = type(layer).__name__
    if kind == "Dense" and _has(layer, "kernel"):
        n_in, n_out = (int(d) for d in layer.kernel.shape)
        text, count = f"{n_in} × {n_out}", n_in * n_out
        if getattr(layer, "use_bias", True) and _has(layer, "bias"):
            text, count = f"{text} + {n_out}", count + n_out
        return text, count
    if kind in _CONV and _has(layer, "kernel"):
        *window, n_in, filters = (int(d) for d in layer.kernel.shape)
        inside = " × ".join(str(d) for d in (*window, n_in))
        text, count = f"({inside}) × {filters}", math.prod(window) * n_in * filters
        if getattr(layer, "use_bias", True) and _has(layer, "bias"):
            text, count = f"{text} + {filters}", count + filters
        return text, count
    if kind == "BatchNormalization" and _has(layer, "moving_mean"):
        channels = math.prod(int(d) for d in layer.moving_mean.shape)
        names = [symbol for symbol, flag in _BATCH_NORM_NAMES if getattr(layer, flag, True)]
        names += [_("moving mean"), _("moving variance")]
        return f"{len(names)} × {channels} ({', '.join(names)})", len(names) * channels
    if kind == "LayerNormalization" and (_has(layer, "gamma") or _has(layer, "beta")):
        vectors = [(symbol, getattr(layer, attr)) for symbol, attr in (("γ", "gamma"),
                   ("β", "beta")) if _has(layer, attr)]
        channels = math.prod(int(d) for d in vectors[0][1].shape)
        names = ", ".join(symbol for symbol, _tensor in vectors)
        return f"{len(vectors)} × {channels} ({names})", len(vectors) * channels
    if kind in _NO_PARAMETERS or not layer.weights:
        return "0", 0
    return _("from count_params()"), int(layer.count_params())


def _has(layer: Any, attribute: str) -> bool:
    try:
        return getattr(layer, attribute, None) is not None
    except (AttributeError, ValueError):
        return False


def _shape(layer: Any, which: str) -> str:
    # A layer used twice, or a subclassed model's layer, has no single input/output.
    try:
        tensor = getattr(layer, which)
    except (AttributeError, ValueError, RuntimeError):
        return ""
    if isinstance(tensor, (list, tuple)):
        return ", ".join(str(tuple(t.shape)) for t in tensor)
    if isinstance(tensor, dict):
        return ", ".join(str(tuple(t.shape)) for t in tensor.values())
    shape = getattr(tensor, "shape", None)
    return "" if shape is None else str(tuple(shape))


def _check_built(model: Any) -> None:
    if not (hasattr(model, "layers") and hasattr(model, "count_params")):
        raise TypeError(_(
            "model must be a Keras model such as keras.Sequential([...]); got {kind!r}"
        ).format(kind=type(model)))
    if not getattr(model, "built", False) or not all(layer.built for layer in model.layers):
        raise ValueError(_(
            "this model is not built yet, so its layers have no weights to count. Give it an "
            "input shape: keras.Sequential([keras.Input(shape=(784,)), ...]) (or call "
            "model.build((None, 784)) or train it once), then ask again."
        ))
