"""The loss explorer: move a prediction with a slider and watch each loss and its gradient.

The notebook writes the losses and their derivatives in NumPy; the explorer only calls them.
For each loss it draws the loss and the gradient against the error (or against the value
itself), marks the point of the slider on every curve, and prints the numbers there.

Examples
--------
>>> import neurona as nr
>>> losses = {"squared error": (lambda y, p: (p - y) ** 2, lambda y, p: 2 * (p - y)),
...           "absolute error": (lambda y, p: abs(p - y), lambda y, p: (p > y) * 2.0 - 1)}
>>> explorer = nr.LossExplorer(losses, target=1.0, value=3.0, value_range=(-2, 4))
>>> explorer.values()["squared error"]
{'loss': 4.0, 'gradient': 4.0}
>>> explorer.set(value=0.0)
>>> explorer.values()["absolute error"]
{'loss': 1.0, 'gradient': -1.0}
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from neurona.i18n import _
from neurona.plots.losses import AGAINST, evaluate, loss_pairs, plot_losses, value_limits
from neurona.plots.render import figure_png, new_figure
from neurona.validate import one_of, real_number
from neurona.widgets.panel import Panel, picture

__all__ = ["LossExplorer"]


class LossExplorer(Panel):
    """A slider for one value, a target, and every loss with its gradient at that point.

    Parameters
    ----------
    losses : mapping of str to (loss, gradient)
        For each name, two NumPy functions of ``(y, value)``: the loss of one example with
        target ``y``, and its derivative with respect to ``value``. They are called with a
        number ``y`` and an array of values and must return an array of the same shape.
    target : float
        The starting target ``y``.
    value : float
        The starting position of the slider.
    targets : sequence of float, optional
        The targets to choose from with buttons (``target`` must be one of them). Default:
        the target stays fixed and no buttons are shown.
    value_range : (float, float)
        The slider's range.
    against : {"error", "value"}
        The pictures' horizontal axis: the error ``value - y``, or the value itself.
    value_name, symbol : str
        What the slider moves and its symbol: ``"prediction"`` and ``"ŷ"``, or ``"net
        input"`` and ``"z"``. By default the value is called "prediction", in the kit's
        language.
    output : (str, callable), optional
        A name and a function of the value, printed under the slider: for a net input z,
        ``("probability σ(z)", sigmoid)``.
    step : float
        The slider's step.

    Attributes
    ----------
    widget : ipywidgets.Widget
        The whole panel (a notebook shows it when the explorer is the cell's last line).
    slider : ipywidgets.FloatSlider
        Moves the value.
    target_buttons : ipywidgets.ToggleButtons or None
        Chooses the target, when ``targets`` was given.
    readout : ipywidgets.HTML
        The numbers at the current point.
    redraws : int
        How many times the picture was drawn.
    last_png : bytes
        The last picture, as PNG.

    Raises
    ------
    ValueError
        For an empty ``losses``, a range that is not two increasing numbers, a starting value
        outside it, a target not among ``targets``, or an unknown ``against``.
    TypeError
        When a loss is not a pair of functions, or a function fails or returns another shape
        than the values it was given (the message names the loss).
    """

    def __init__(
        self,
        losses: Mapping[str, tuple[Callable[..., Any], Callable[..., Any]]],
        target: float = 0.0,
        value: float = 1.0,
        *,
        targets: Sequence[float] | None = None,
        value_range: tuple[float, float] = (-3.0, 3.0),
        against: str = "error",
        value_name: str | None = None,
        symbol: str = "ŷ",
        output: tuple[str, Callable[[float], Any]] | None = None,
        step: float = 0.05,
    ):
        import ipywidgets as w

        self.losses = loss_pairs(losses)
        self.value_range = value_limits(value_range)
        self.against = one_of("against", against, AGAINST, meanings=AGAINST)
        self.value_name = _("prediction") if value_name is None else str(value_name)
        self.symbol = str(symbol)
        self.output = _output(output)
        low, high = self.value_range
        value = real_number("value", value, low, high, note=_("inside value_range"))
        step = real_number("step", step, 0, high - low, low_open=True,
                           note=_("smaller than the value range"))
        self.targets = None if targets is None else _targets(targets)
        target = real_number("target", target)
        if self.targets is not None:
            one_of("target", target, self.targets)
        for name, pair in self.losses.items():  # a broken function fails here, not in a slider
            evaluate(name, pair, target, np.linspace(low, high, 5))
        self.redraws, self.last_png = 0, None
        style = {"description_width": "110px"}
        self.slider = w.FloatSlider(
            value=value, min=low, max=high, step=step, description=f"{self.value_name} {symbol}",
            readout_format=".2f", continuous_update=True, style=style,
            layout=w.Layout(width="420px", max_width="100%"),
        )
        self.target_buttons = None
        controls = [self.slider]
        if self.targets is not None:
            self.target_buttons = w.ToggleButtons(
                options=[(f"{t:g}", t) for t in self.targets], value=target,
                description=_("target y"), style={"description_width": "110px",
                                               "button_width": "60px"},
            )
            controls.append(self.target_buttons)
        self._fixed_target = target
        self.readout = w.HTML(layout=w.Layout(flex="1 1 260px", min_width="0"))
        self.image = picture("800px")
        for control in controls:
            control.observe(lambda _: self.redraw(), names="value")
        self._figure = new_figure(10, 3.8, dpi=80)
        # On a narrow page the readout goes under the controls instead of squeezing them.
        controls_box = w.VBox(controls, layout=w.Layout(flex="0 1 auto", max_width="100%"))
        top = w.HBox([controls_box, self.readout], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([top, self.image])
        self.redraw()

    @property
    def value(self) -> float:
        """The slider's value."""
        return float(self.slider.value)

    @property
    def target(self) -> float:
        """The current target y."""
        if self.target_buttons is not None:
            return float(self.target_buttons.value)
        return self._fixed_target

    def values(self) -> dict[str, dict[str, float]]:
        """Return each loss and its gradient at the current value and target.

        Returns
        -------
        dict
            ``{name: {"loss": L, "gradient": dL/dvalue}}``, computed by the notebook's
            functions.
        """
        point = np.array([self.value])
        found = {}
        for name, pair in self.losses.items():
            loss, gradient = evaluate(name, pair, self.target, point)
            found[name] = {"loss": float(loss[0]), "gradient": float(gradient[0])}
        return found

    def set(self, value: float | None = None, target: float | None = None) -> None:
        """Move the slider and/or choose the target from code (the picture is drawn once).

        Raises
        ------
        ValueError
            For a value outside the slider's range, or a target that is not one of the
            explorer's targets (or any target, when the explorer has a fixed one).
        """
        low, high = self.value_range
        if value is not None:
            value = real_number("value", value, low, high, note=_("the slider's range"))
        if target is not None:
            target = real_number("target", target)
            if self.targets is None:
                one_of("target", target, (self._fixed_target,))
            else:
                one_of("target", target, self.targets)
        with self.redraw_once():
            if value is not None:
                self.slider.value = value
            if target is not None and self.target_buttons is not None:
                self.target_buttons.value = target

    def redraw(self) -> None:
        """Draw the curves with the current point, and print its numbers."""
        if self._holding:
            return
        plot_losses(self.losses, self.target, self.value, value_range=self.value_range,
                    against=self.against, value_name=self.value_name, symbol=self.symbol,
                    figure=self._figure)
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.readout.value = self._table()
        self.redraws += 1

    def _table(self) -> str:
        s, y, v = html.escape(self.symbol), self.target, self.value
        if self.against == "error":
            lines = [_("{symbol} = {value:.2f}, target y = {target:g}, error {symbol} − y = "
                       "{error:+.2f}").format(symbol=s, value=v, target=y, error=v - y)]
        else:
            lines = [_("{symbol} = {value:.2f}, target y = {target:g}").format(
                symbol=s, value=v, target=y)]
        if self.output is not None:
            name, function = self.output
            lines.append(f"{html.escape(name)} = {float(function(v)):.4f}")
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{_number(numbers['loss'], '.4f')}</td>"
            f"<td>{_number(numbers['gradient'], '+.4f')}</td></tr>"
            for name, numbers in self.values().items()
        )
        head = _("<th>loss</th><th>L</th><th>∂L/∂{symbol}</th>").format(symbol=s)
        table = f"<table><tr>{head}</tr>{rows}</table>"
        return "<br>".join(lines) + table


def _number(x: float, form: str) -> str:
    return format(x, form) if math.isfinite(x) else str(x)


def _targets(targets: Any) -> tuple[float, ...]:
    if isinstance(targets, (str, bytes)) or not hasattr(targets, "__iter__"):
        raise TypeError(_("targets must be a list of numbers; got {targets!r}").format(
            targets=targets))
    found = tuple(real_number("targets[...]", t) for t in targets)
    if not found or len(set(found)) != len(found):
        raise ValueError(_("targets must be one or more different numbers; got {targets}")
                         .format(targets=list(targets)))
    return found


def _output(output: Any) -> tuple[str, Callable[[float], Any]] | None:
    if output is None:
        return None
    if not (isinstance(output, (tuple, list)) and len(output) == 2 and callable(output[1])):
        raise TypeError(_("output must be a pair (name, function of the value); got {output!r}")
                        .format(output=output))
    return str(output[0]), output[1]
