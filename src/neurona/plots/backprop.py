r"""One step of backpropagation, in numbers and in colour.

For each weight layer ``l`` (first layer first), with ``a^(0) = x``:

- forward: ``z^(l) = a^(l-1) W^(l) + b^(l)`` and ``a^(l) = f(z^(l))``;
- backward: at the output ``δ^(L) = ∂L/∂a ⊙ f'(z^(L))``, below it
  ``δ^(l) = (δ^(l+1) W^(l+1)ᵀ) ⊙ f'(z^(l))``;
- gradients: ``∂L/∂W^(l) = a^(l-1)ᵀ δ^(l)`` and ``∂L/∂b^(l) = Σ_n δ^(l)_n``;
- the step: ``W ← W − η ∂L/∂W``.

:func:`backprop_tables` gives these numbers as tables, :func:`plot_backprop_step` draws
them as heat-maps (red negative, blue positive, white zero). Both only call
``model.forward(X)`` and ``model.backward(X, Y)`` and read ``model.weights``, so they work
with :class:`neurona.scratch.MLP` and anything shaped like it.

Examples
--------
>>> import neurona as nr
>>> net = nr.scratch.MLP([2, 2, 1], activation="sigmoid")         # doctest: +SKIP
>>> nr.backprop_tables(net, X_xor, y_xor)[-1]                      # doctest: +SKIP
>>> nr.plot_backprop_step(net, X_xor, y_xor, learning_rate=0.5);   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from neurona.i18n import _, ngettext
from neurona.plots.style import DIVERGING_CMAP, diverging_limits, figure_size
from neurona.validate import real_number, whole_number

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["backprop_tables", "plot_backprop_step"]

_MAX_ANNOTATED = 8  # heat-maps up to 8 x 8 get their numbers written in the cells
_QUANTITIES = ("z", "a", "delta", "dW", "db")


@dataclass
class _Layer:
    """Everything one weight layer contributes to one step."""

    number: int  # 1 for the first weight layer
    activation: str | None
    W: np.ndarray  # (n_in, n_out)
    a_prev: np.ndarray  # (N, n_in)
    z: np.ndarray  # (N, n_out)
    a: np.ndarray  # (N, n_out)
    delta: np.ndarray  # (N, n_out)
    dW: np.ndarray  # (n_in, n_out)
    db: np.ndarray  # (n_out,)

    @property
    def n_in(self) -> int:
        return self.W.shape[0]

    @property
    def n_out(self) -> int:
        return self.W.shape[1]


def backprop_tables(
    model: Any, X: Any, Y: Any, decimals: int = 4, max_samples: int = 8
) -> list[pd.DataFrame]:
    """Tabulate one forward and backward pass: z, a, δ, ∂L/∂W and ∂L/∂b of each layer.

    Parameters
    ----------
    model : MLP-like
        Has ``forward(X) -> [(z, a), ...]`` and ``backward(X, Y)`` returning ``deltas``,
        ``dW`` and ``db`` (one entry per weight layer), and ``weights``.
    X : array-like, shape (N, n_inputs)
        The batch of one step.
    Y : array-like
        Its targets, as ``model.backward`` takes them.
    decimals : int
        Digits after the decimal point in the tables.
    max_samples : int
        Rows of z, a and δ shown (the first samples); the gradients always use the whole
        batch.

    Returns
    -------
    list of pandas.DataFrame
        One table per weight layer, first layer first. The columns are the layer's units;
        the rows are grouped by quantity: ``z``, ``a`` and ``delta`` (one row per sample),
        ``dW`` (one row per input of the layer) and ``db``. Select one with
        ``table.loc["delta"]``. The corner of the table names the layer. The labels of the
        units, samples and inputs are in the kit's language.

    Raises
    ------
    TypeError
        If the model has no ``forward``/``backward``.
    ValueError
        If what they return does not fit together (the message says which layer and
        which shapes).

    Examples
    --------
    >>> tables = backprop_tables(net, X, Y)  # doctest: +SKIP
    >>> tables[-1].loc["delta"]               # doctest: +SKIP
    """
    import pandas as pd

    decimals = whole_number("decimals", decimals, 0)
    max_samples = whole_number("max_samples", max_samples, 0)
    layers, n_samples = _one_step(model, X, Y)
    shown = min(max_samples, n_samples)
    tables = []
    for layer in layers:
        units = [_("unit {number}").format(number=j + 1) for j in range(layer.n_out)]
        sources = _input_names(layer.number, layer.n_in)
        blocks, keys = [], []
        for name in ("z", "a", "delta"):
            values = getattr(layer, name)[:shown]
            rows = [_("sample {number}").format(number=n + 1) for n in range(shown)]
            blocks.append(pd.DataFrame(values, index=rows, columns=units))
            keys.append(name)
        sources = [_("from {source}").format(source=source) for source in sources]
        blocks.append(pd.DataFrame(layer.dW, index=sources, columns=units))
        keys.append("dW")
        blocks.append(pd.DataFrame(layer.db[None, :], index=[_("bias")], columns=units))
        keys.append("db")
        table = pd.concat(blocks, keys=keys, names=[_("quantity"), _("row")]).round(decimals)
        table.columns.name = _layer_name(layer)
        table.attrs.update(
            {
                "layer": layer.number,
                "activation": layer.activation,
                "samples": n_samples,
                "samples_shown": shown,
            }
        )
        tables.append(table)
    return tables


def plot_backprop_step(model: Any, X: Any, Y: Any, learning_rate: float | None = None) -> Figure:
    r"""Draw one step of backpropagation: a row per weight layer, output layer last.

    Each row shows, as heat-maps on a diverging scale centred on zero (red negative,
    blue positive): the weights ``W``, their gradient ``∂L/∂W``, and with
    ``learning_rate`` the weights after the step ``W − η ∂L/∂W`` (on the same scale as
    ``W``, so the change shows); then the layer's ``δ`` averaged over the batch, one bar
    per unit. Cells carry their values up to 8 x 8. The row title gives the equations.

    Parameters
    ----------
    model : MLP-like
        Has ``forward``, ``backward`` and ``weights``, see :func:`backprop_tables`.
        Per-layer activation names are read from ``activation_names`` or
        ``activations`` if present.
    X : array-like, shape (N, n_inputs)
        The batch of the step.
    Y : array-like
        Its targets.
    learning_rate : float, optional
        η; when given, a column shows the weights after the step.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the learning rate is not a positive number, or the model's answers do not fit
        together (see :func:`backprop_tables`).

    Examples
    --------
    >>> plot_backprop_step(net, X_xor, y_xor, learning_rate=0.5);  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if learning_rate is not None:
        real_number("learning_rate", learning_rate, 0, low_open=True)
    layers, n_samples = _one_step(model, X, Y)
    columns = 4 if learning_rate is not None else 3
    heights = [float(np.clip(0.32 * layer.n_in + 1.6, 2.2, 4.4)) for layer in layers]
    figure = plt.figure(figsize=figure_size(3.0 * columns + 0.4, sum(heights) + 0.6),
                        layout="constrained")
    rows = figure.subfigures(len(layers), 1, height_ratios=heights, squeeze=False)[:, 0]
    last = len(layers)
    for row, layer in zip(rows, layers, strict=True):
        axes = row.subplots(1, columns, squeeze=False)[0]
        l = layer.number  # noqa: E741 - the layer index of the equations
        w_limits = diverging_limits(layer.W)
        if learning_rate is not None:
            after = layer.W - learning_rate * layer.dW
            w_limits = diverging_limits(np.concatenate([layer.W.ravel(), after.ravel()]))
        _heat_map(axes[0], layer.W, w_limits, layer,
                  _("weights {symbol}").format(symbol=rf"$W^{{({l})}}$"))
        _heat_map(
            axes[1],
            layer.dW,
            diverging_limits(layer.dW),
            layer,
            _("gradient {symbol}").format(symbol=rf"$\partial L/\partial W^{{({l})}}$"),
        )
        if learning_rate is not None:
            _heat_map(
                axes[2],
                after,
                w_limits,
                layer,
                _("after the step {update}, η = {rate:g}").format(
                    update=r"$W - \eta\,\partial L/\partial W$", rate=learning_rate),
            )
        _delta_bars(axes[-1], layer, n_samples)
        if l == last:
            rule = r"$\delta^{(L)} = \partial L/\partial a \odot f'(z^{(L)})$"
        else:
            rule = (
                rf"$\delta^{{({l})}} = (\delta^{{({l + 1})}} W^{{({l + 1})T}})"
                rf" \odot f'(z^{{({l})}})$"
            )
        gradient = rf"$\partial L/\partial W^{{({l})}} = a^{{({l - 1})T}} \delta^{{({l})}}$"
        row.suptitle(f"{_layer_name(layer)}:   {rule}    {gradient}", fontsize="medium")
    title = ngettext("One step of backpropagation on {n} sample",
                     "One step of backpropagation on {n} samples", n_samples).format(n=n_samples)
    if learning_rate is not None:
        title += " · " + _("learning rate η = {rate:g}").format(rate=learning_rate)
    figure.suptitle(title, fontsize="large")
    return figure


# -- reading the model ---------------------------------------------------------------------


def _one_step(model: Any, X: Any, Y: Any) -> tuple[list[_Layer], int]:
    """Run ``model.forward`` and ``model.backward`` once and check that the parts fit."""
    for method in ("forward", "backward"):
        if not callable(getattr(model, method, None)):
            raise TypeError(
                _("model must have forward(X) and backward(X, Y) methods like "
                  "neurona.scratch.MLP; {kind} has no {method}()").format(
                    kind=type(model).__name__, method=method)
            )
    weights = getattr(model, "weights", None)
    if weights is None:
        raise TypeError(
            _("model must have a list of weight matrices, model.weights; {kind} has none")
            .format(kind=type(model).__name__)
        )
    inputs = np.asarray(X, dtype=float)
    if inputs.ndim == 1:
        inputs = inputs[None, :]
    if inputs.ndim != 2 or inputs.shape[0] == 0:
        raise ValueError(_("X must be a batch of shape (N, n_inputs), got shape {shape}").format(
            shape=inputs.shape))
    pairs = list(model.forward(X))
    gradients = model.backward(X, Y)
    deltas, dWs, dbs = (_field(gradients, name) for name in ("deltas", "dW", "db"))
    weights = list(weights)
    count = len(weights)
    for name, values in (("forward(X)", pairs), ("deltas", deltas), ("dW", dWs), ("db", dbs)):
        if len(values) != count:
            raise ValueError(
                _("the model has {count} weight layers but {name} has {entries} entries; "
                  "expected one per weight layer, first layer first").format(
                    count=count, name=name, entries=len(values))
            )
    names = _activation_names(model, count)
    layers = []
    a_prev = inputs
    n = inputs.shape[0]
    for k in range(count):
        W = np.asarray(weights[k], dtype=float)
        if W.ndim != 2 or W.shape[0] != a_prev.shape[1]:
            raise ValueError(
                _("layer {number}: weights of shape {shape} do not take inputs of width "
                  "{width}; expected W of shape (n_in, n_out)").format(
                    number=k + 1, shape=W.shape, width=a_prev.shape[1])
            )
        z, a = (np.asarray(v, dtype=float) for v in pairs[k])
        delta = np.asarray(deltas[k], dtype=float)
        dW = np.asarray(dWs[k], dtype=float)
        db = np.asarray(dbs[k], dtype=float).reshape(-1)
        expected = (n, W.shape[1])
        for label, value, shape in (
            ("z", z, expected),
            ("a", a, expected),
            ("delta", delta, expected),
            ("dW", dW, W.shape),
            ("db", db, (W.shape[1],)),
        ):
            if value.shape != shape:
                raise ValueError(
                    _("layer {number}: {name} has shape {shape}, expected {expected} "
                      "for {n} samples and W of shape {w_shape}").format(
                        number=k + 1, name=label, shape=value.shape, expected=shape, n=n,
                        w_shape=W.shape)
                )
        layers.append(_Layer(k + 1, names[k], W, a_prev, z, a, delta, dW, db))
        a_prev = a
    return layers, n


def _field(gradients: Any, name: str) -> list:
    value = (
        gradients.get(name) if isinstance(gradients, Mapping) else getattr(gradients, name, None)
    )
    if value is None:
        raise TypeError(
            _("model.backward(X, Y) must return deltas, dW and db (one entry per weight "
              "layer); what it returned has no {name!r}").format(name=name)
        )
    return list(value)


def _activation_names(model: Any, count: int) -> list[str | None]:
    for attribute in ("activation_names", "activations"):
        names = getattr(model, attribute, None)
        if isinstance(names, (list, tuple)) and len(names) == count:
            return [
                name if isinstance(name, str) else getattr(name, "name", None) for name in names
            ]
    return [None] * count


def _input_names(number: int, n_in: int) -> list[str]:
    if number == 1:
        return [f"x{i + 1}" for i in range(n_in)]
    return [_("unit {number}").format(number=i + 1) for i in range(n_in)]


def _layer_name(layer: _Layer) -> str:
    if layer.activation:
        return _("layer {number} ({n_in} → {n_out}, {activation})").format(
            number=layer.number, n_in=layer.n_in, n_out=layer.n_out, activation=layer.activation)
    return _("layer {number} ({n_in} → {n_out})").format(
        number=layer.number, n_in=layer.n_in, n_out=layer.n_out)


# -- drawing -----------------------------------------------------------------------------


def _heat_map(ax: Axes, values: np.ndarray, limits, layer: _Layer, title: str) -> None:
    import matplotlib.pyplot as plt

    image = ax.imshow(
        values,
        cmap=DIVERGING_CMAP,
        vmin=limits[0],
        vmax=limits[1],
        aspect="auto",
        interpolation="nearest",
    )
    rows, cols = values.shape
    names = _input_names(layer.number, rows) if layer.number == 1 else None
    ax.set_xticks(*_ticks(cols))
    ax.set_yticks(*_ticks(rows, names))
    ax.set_xlabel(_("unit of layer {number}").format(number=layer.number))
    ax.set_ylabel(_("input") if layer.number == 1
                  else _("unit of layer {number}").format(number=layer.number - 1))
    if rows <= _MAX_ANNOTATED and cols <= _MAX_ANNOTATED:
        exponent = _common_exponent(values)
        if exponent:
            title += "  " + _("(values {scale})").format(scale=rf"$\times 10^{{{exponent}}}$")
        cmap = plt.get_cmap(DIVERGING_CMAP)
        size = 8 if max(rows, cols) <= 4 else 6.5
        for i in range(rows):
            for j in range(cols):
                value = values[i, j]
                share = (value - limits[0]) / (limits[1] - limits[0])
                ax.text(
                    j,
                    i,
                    _cell_text(value, exponent),
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=_ink_on(cmap(share)),
                )
    else:
        ax.figure.colorbar(image, ax=ax, fraction=0.05, pad=0.02)
    ax.set_title(title, fontsize="small")


def _delta_bars(ax: Axes, layer: _Layer, n_samples: int) -> None:
    import matplotlib.pyplot as plt

    mean = layer.delta.mean(axis=0)
    low, high = diverging_limits(mean)
    cmap = plt.get_cmap(DIVERGING_CMAP)
    units = np.arange(1, layer.n_out + 1)
    ax.bar(
        units,
        mean,
        color=[cmap((v - low) / (high - low)) for v in mean],
        edgecolor="#444444",
        linewidth=0.6,
    )
    ax.axhline(0, color="black", linewidth=0.8)
    positions, labels = _ticks(layer.n_out)
    ax.set_xticks(positions + 1, labels=labels)
    ax.set_xlim(0.4, layer.n_out + 0.6)
    ax.set_ylim(low * 1.2, high * 1.2)
    ax.set_xlabel(_("unit of layer {number}").format(number=layer.number))
    ax.set_ylabel(_("mean {delta} = mean ∂L/∂z").format(delta=r"$\delta$"))
    title = ngettext("{delta} averaged over {n} sample", "{delta} averaged over {n} samples",
                     n_samples)
    ax.set_title(title.format(delta=rf"$\delta^{{({layer.number})}}$", n=n_samples),
                 fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    if layer.n_out <= 4:  # more bars leave no room for their numbers; the axis has them
        for x, value in zip(units, mean, strict=True):
            ax.annotate(
                _short(value),
                (x, value),
                xytext=(0, 3 if value >= 0 else -3),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=7,
            )


def _ticks(count: int, names: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Tick positions 0..count-1 labelled 1..count (or ``names``), thinned beyond 10."""
    step = 1 if count <= 10 else int(np.ceil(count / 8))
    positions = np.arange(0, count, step)
    labels = names or [str(k + 1) for k in range(count)]
    return positions, [labels[k] for k in positions]


def _common_exponent(values: np.ndarray) -> int:
    """Power of ten to factor out so that a matrix's numbers fit in its cells (0: none).

    Examples
    --------
    >>> import numpy as np
    >>> _common_exponent(np.array([0.0021, -0.0009])), _common_exponent(np.array([0.5, -1.2]))
    (-3, 0)
    """
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    if largest == 0.0 or 0.1 <= largest < 100:
        return 0
    return int(np.floor(np.log10(largest)))


def _cell_text(value: float, exponent: int) -> str:
    """Write a cell's number divided by 10**exponent: 2 decimals, or 1 when factored.

    Examples
    --------
    >>> _cell_text(-0.6412, 0), _cell_text(0.00213, -3), _cell_text(0.0, 0)
    ('-0.64', '2.1', '0')
    """
    if not np.isfinite(value):
        return str(value)
    scaled = value / 10.0**exponent
    text = f"{scaled:.1f}" if exponent or abs(scaled) >= 10 else f"{scaled:.2f}"
    return "0" if float(text) == 0 else text


def _short(value: float) -> str:
    """Two significant digits, without a lone minus on zero.

    Examples
    --------
    >>> _short(-0.3456), _short(0.000123), _short(-0.0), _short(12.5)
    ('-0.35', '0.00012', '0', '12')
    """
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else str(value)
    return f"{value:.2g}"


def _ink_on(rgba: tuple[float, ...]) -> str:
    """Black text on light cells, white on dark ones (relative luminance)."""
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
