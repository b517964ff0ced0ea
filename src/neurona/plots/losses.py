"""Losses and their gradients, drawn side by side: what each loss punishes, and how hard it pushes.

A notebook writes each loss as a NumPy function ``loss(y, value)`` of the target ``y`` and of
one number the network produces (a prediction ŷ, or the net input z of an output unit), and its
derivative ``gradient(y, value)`` with respect to that number. :func:`plot_losses` draws every
loss and its gradient against the error ``value - y`` (or against the value itself), with one
point marked; the loss explorer (``nr.LossExplorer``) redraws the same picture from a slider.
The kit never defines a loss: the curves are the notebook's own functions.

Examples
--------
>>> import numpy as np
>>> import neurona as nr
>>> losses = {"squared error": (lambda y, p: (p - y) ** 2, lambda y, p: 2 * (p - y))}
>>> figure = nr.plot_losses(losses, target=1.0, value=2.5)
>>> [ax.get_xlabel() for ax in figure.axes]
['error ŷ − y', 'error ŷ − y']
>>> import matplotlib.pyplot as plt; plt.close("all")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from neurona.i18n import N_, _
from neurona.plots.style import figure_size, series_color
from neurona.validate import one_of, real_number, whole_number

__all__ = ["plot_losses"]

#: What the horizontal axis can show.
AGAINST = {
    "error": N_("the error, value − target"),
    "value": N_("the value itself: a prediction or a net input"),
}

LossPair = tuple[Callable[..., Any], Callable[..., Any]]


def plot_losses(
    losses: Mapping[str, LossPair],
    target: float,
    value: float | None = None,
    *,
    value_range: tuple[float, float] = (-3.0, 3.0),
    against: str = "error",
    value_name: str | None = None,
    symbol: str = "ŷ",
    n_points: int = 401,
    figure: Any = None,
):
    """Draw each loss (left) and its gradient (right) over a range of values, one point marked.

    Parameters
    ----------
    losses : mapping of str to (loss, gradient)
        For each name, two NumPy functions of ``(y, value)``: the loss of one example with
        target ``y``, and its derivative with respect to ``value``. Both are called with a
        number ``y`` and an array of values and must return an array of the same shape.
    target : float
        The target ``y``.
    value : float, optional
        The value to mark on every curve (the explorer's slider). Default: none marked.
    value_range : (float, float)
        The smallest and largest value drawn.
    against : {"error", "value"}
        The horizontal axis: the error ``value - y``, or the value itself.
    value_name : str, optional
        What the value is, for the axis label: ``"net input"``. Default: "prediction", in the
        kit's language.
    symbol : str
        Its symbol, for the labels: ``"ŷ"``, ``"z"``.
    n_points : int
        Points per curve.
    figure : matplotlib Figure, optional
        Where to draw (it is cleared first). Default: a new pyplot figure.

    Returns
    -------
    matplotlib.figure.Figure
        With two axes: the losses and the gradients.

    Raises
    ------
    ValueError
        For an empty ``losses``, a range whose ends are not two increasing finite numbers,
        a marked value outside the range, or ``against`` other than "error" or "value".
    TypeError
        When a loss is not a pair of functions, or a function fails or returns another
        shape than the values it was given (the message names the loss).

    Examples
    --------
    >>> import neurona as nr
    >>> half_squares = {"½ e²": (lambda y, p: 0.5 * (p - y) ** 2, lambda y, p: p - y)}
    >>> figure = nr.plot_losses(half_squares, target=0.0, against="value", symbol="z",
    ...                         value_name="net input")
    >>> figure.axes[1].get_ylabel()
    'gradient ∂L/∂z'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    pairs = loss_pairs(losses)
    target = real_number("target", target)
    low, high = value_limits(value_range)
    one_of("against", against, AGAINST,
           meanings={key: _(meaning) for key, meaning in AGAINST.items()})
    n_points = whole_number("n_points", n_points, 10, 100_000)
    if value is not None:
        value = real_number("value", value, low, high, note=_("inside value_range"))
    values = np.linspace(low, high, n_points)
    curves = {name: evaluate(name, pair, target, values) for name, pair in pairs.items()}
    if figure is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=figure_size(10, 3.8), layout="constrained")
    else:
        figure.clear()
        figure.set_layout_engine("constrained")
    left, right = figure.subplots(1, 2)
    shift = target if against == "error" else 0.0
    for k, (name, (loss, gradient)) in enumerate(curves.items()):
        color = series_color(k)
        left.plot(values - shift, _finite(loss), color=color, linewidth=2, label=name)
        right.plot(values - shift, _finite(gradient), color=color, linewidth=2, label=name)
        if value is not None:
            at_loss, at_gradient = evaluate(name, pairs[name], target, np.array([value]))
            left.plot(value - shift, at_loss[0], "o", color=color, markersize=7,
                      markeredgecolor="black")
            right.plot(value - shift, at_gradient[0], "o", color=color, markersize=7,
                       markeredgecolor="black")
    if against == "error":
        x_label = _("error {symbol} − y").format(symbol=symbol)
    else:
        name = _("prediction") if value_name is None else value_name
        x_label = f"{name} {symbol}"
    for ax in (left, right):
        ax.axhline(0, color="black", linewidth=0.8)
        if against == "error":  # where the output equals the target
            ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
        if value is not None:
            ax.axvline(value - shift, color="black", linewidth=1, linestyle="--")
        ax.set_xlabel(x_label)
        ax.grid(alpha=0.3)
    left.set_ylabel(_("loss L of one example"))
    right.set_ylabel(_("gradient ∂L/∂{symbol}").format(symbol=symbol))
    where = f"y = {target:g}" if value is None else f"y = {target:g}, {symbol} = {value:.2f}"
    left.set_title(_("loss ({where})").format(where=where), fontsize="medium")
    right.set_title(_("gradient: how hard each loss pushes"), fontsize="medium")
    left.legend(fontsize="small")
    return figure


def loss_pairs(losses: Any) -> dict[str, LossPair]:
    """Return ``losses`` as a dict of name -> (loss, gradient), each a callable; else raise."""
    if not isinstance(losses, Mapping) or not losses:
        raise ValueError(_("losses must be a dict of name -> (loss function, gradient function), "
                           "with at least one loss; got {losses!r}").format(losses=losses))
    pairs = {}
    for name, pair in losses.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(map(callable, pair))):
            raise TypeError(_("losses[{name!r}] must be a pair (loss function, gradient "
                              "function); got {pair!r}").format(name=name, pair=pair))
        pairs[str(name)] = (pair[0], pair[1])
    return pairs


def value_limits(value_range: Any) -> tuple[float, float]:
    """Return ``value_range`` as two increasing finite floats; else raise ValueError."""
    try:
        low, high = value_range
    except (TypeError, ValueError) as error:
        raise ValueError(_("value_range must be two numbers (low, high); got {value_range!r}")
                         .format(value_range=value_range)) from error
    low = real_number("value_range[0]", low)
    high = real_number("value_range[1]", high, low, low_open=True,
                       note=_("larger than the low end"))
    return low, high


def evaluate(name: str, pair: LossPair, target: float, values: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Call a loss and its gradient on ``values``; return two float arrays of their shape."""
    results = []
    failed = (_("the loss function of {name!r} failed on target {target:g} and an array of "
                "values: {error}"),
              _("the gradient function of {name!r} failed on target {target:g} and an array of "
                "values: {error}"))
    wrong_shape = (_("the loss function of {name!r} must return one number per value "
                     "(shape {shape}); it returned shape {returned}"),
                   _("the gradient function of {name!r} must return one number per value "
                     "(shape {shape}); it returned shape {returned}"))
    for k, function in enumerate(pair):
        try:
            result = np.asarray(function(target, values), dtype=float)
        except Exception as error:
            raise TypeError(failed[k].format(name=name, target=target,
                                             error=f"{type(error).__name__}: {error}")) from error
        if result.shape != values.shape:
            result = np.broadcast_to(result, values.shape) if result.ndim == 0 else result
        if result.shape != values.shape:
            raise TypeError(wrong_shape[k].format(name=name, shape=values.shape,
                                                  returned=result.shape))
        results.append(result)
    return results[0], results[1]


def _finite(values: np.ndarray) -> np.ndarray:
    """Leave infinities and NaN out of the drawing: they become a gap in the curve."""
    return np.where(np.isfinite(values), values, np.nan)
