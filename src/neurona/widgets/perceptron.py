"""Widgets for the first lesson: one neuron by hand, and the perceptron rule step by step.

Examples
--------
>>> explorer = PerceptronExplorer(problem="AND")
>>> explorer.set_weights(1.0, 1.0, -1.5)
>>> explorer.mistakes
0
"""

from __future__ import annotations

import numpy as np

from neurona.i18n import N_, _, ngettext
from neurona.plots.render import figure_png, new_figure
from neurona.validate import one_of, points_2d, real_number
from neurona.widgets.panel import Panel, picture

__all__ = ["CORNERS", "PROBLEMS", "PerceptronExplorer", "PerceptronReplay"]

#: The four corners of the unit square and the logic functions of two inputs on them.
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
PROBLEMS = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "XOR": np.array([0, 1, 1, 0]),
    "NAND": np.array([1, 1, 1, 0]),
}
#: What the activation buttons say (their values are the names the code uses).
ACTIVATION_LABELS = {"step": N_("step"), "sigmoid": N_("sigmoid")}


class PerceptronExplorer(Panel):
    """Sliders for w1, w2 and b of one neuron; the picture shows its output and decision line.

    The neuron computes z = b + w1·x1 + w2·x2 and outputs step(z) (0 or 1) or sigmoid(z).
    The four corners of a logic problem (AND, OR, XOR, NAND) show which inputs it gets
    wrong, so a student can solve AND and OR by hand, and find that no setting solves XOR.

    Parameters
    ----------
    problem : str
        ``"AND"``, ``"OR"``, ``"XOR"`` or ``"NAND"``.
    w1, w2, b : float
        Starting weights and bias (sliders go from -3 to 3).
    activation : str
        ``"step"`` or ``"sigmoid"``.
    """

    def __init__(
        self,
        problem: str = "AND",
        w1: float = 1.0,
        w2: float = 1.0,
        b: float = -0.5,
        activation: str = "step",
    ):
        import ipywidgets as w

        self.redraws, self.last_png = 0, None
        style = {"description_width": "30px"}
        slider = dict(min=-3.0, max=3.0, step=0.1, continuous_update=True, style=style,
                      readout_format=".1f")
        self.sliders = {
            "w1": w.FloatSlider(value=w1, description="w₁", **slider),
            "w2": w.FloatSlider(value=w2, description="w₂", **slider),
            "b": w.FloatSlider(value=b, description="b", **slider),
        }
        problem = one_of("problem", str(problem).upper(), PROBLEMS)
        self.problem_buttons = w.ToggleButtons(options=list(PROBLEMS), value=problem)
        self.activation_buttons = w.ToggleButtons(
            options=[(_(label), key) for key, label in ACTIVATION_LABELS.items()],
            value=activation)
        self.table = w.HTML()
        self.image = picture("430px")
        for control in (*self.sliders.values(), self.problem_buttons, self.activation_buttons):
            control.observe(lambda _: self.redraw(), names="value")
        self._figure = new_figure(5.4, 4.6, dpi=80)
        # Controls beside the picture in a wide notebook, above it in a narrow one: the row
        # wraps instead of squeezing the controls.
        self.widget = w.HBox(
            [
                w.VBox([self.problem_buttons, self.activation_buttons, *self.sliders.values(),
                        self.table], layout=w.Layout(min_width="320px")),
                self.image,
            ],
            layout=w.Layout(flex_flow="row wrap"),
        )
        self.redraw()

    @property
    def weights(self) -> tuple[float, float, float]:
        """The current (w1, w2, b)."""
        return tuple(float(self.sliders[k].value) for k in ("w1", "w2", "b"))

    def set_weights(self, w1: float, w2: float, b: float) -> None:
        """Move the sliders (and redraw once)."""
        values = {"w1": w1, "w2": w2, "b": b}
        for key, value in values.items():
            real_number(key, value, self.sliders[key].min, self.sliders[key].max)
        with self.redraw_once():
            for key, value in values.items():
                self.sliders[key].value = value

    def outputs(self) -> np.ndarray:
        """Return the output (0/1 for step, a probability for sigmoid) on the 4 corners."""
        w1, w2, b = self.weights
        z = b + CORNERS @ np.array([w1, w2])
        if self.activation_buttons.value == "step":
            return (z >= 0).astype(int)
        return 1 / (1 + np.exp(-z))

    @property
    def mistakes(self) -> int:
        """Corners where the thresholded output differs from the target."""
        predicted = (self.outputs() >= 0.5).astype(int)
        return int((predicted != PROBLEMS[self.problem_buttons.value]).sum())

    def redraw(self) -> None:
        """Draw the picture and the table of the four inputs."""
        if self._holding:
            return
        from neurona.plots.neuron import plot_neuron

        w1, w2, b = self.weights
        target = PROBLEMS[self.problem_buttons.value]
        self._figure.clear()
        ax = self._figure.add_subplot()
        plot_neuron([w1, w2], b, activation=self.activation_buttons.value, ax=ax,
                    X=CORNERS, y=target)
        self._figure.tight_layout()
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.redraws += 1
        self.table.value = self._table_html(target)

    def _table_html(self, target: np.ndarray) -> str:
        w1, w2, b = self.weights
        rows = []
        for (x1, x2), t, out in zip(CORNERS, target, self.outputs(), strict=True):
            z = b + w1 * x1 + w2 * x2
            ok = (out >= 0.5) == bool(t)
            shown = f"{out:.0f}" if self.activation_buttons.value == "step" else f"{out:.2f}"
            rows.append(
                f"<tr><td>{x1:.0f}</td><td>{x2:.0f}</td><td>{z:+.2f}</td><td>{shown}</td>"
                f"<td>{t}</td><td>{'✓' if ok else '✗'}</td></tr>"
            )
        verdict = (
            _("<b>All four right.</b>")
            if self.mistakes == 0
            else _("{n} of 4 wrong.").format(n=self.mistakes)
        )
        head = _("<th>x₁</th><th>x₂</th><th>z</th><th>output</th><th>target</th>")
        return f"<table><tr>{head}<th></th></tr>{''.join(rows)}</table><p>{verdict}</p>"


class PerceptronReplay(Panel):
    """Replay a perceptron's training one update at a time: Previous, Next, auto-play, Reset.

    Parameters
    ----------
    perceptron : neurona.scratch.Perceptron
        A fitted perceptron (it recorded every update in ``updates_``).
    X, y : arrays
        The data it was fitted on (2 features).
    interval_ms : int
        Time between two updates in auto-play (the animation runs in the browser).

    Examples
    --------
    >>> import neurona as nr
    >>> X, y = nr.CORNERS, nr.PROBLEMS["OR"]
    >>> perceptron = nr.scratch.Perceptron().fit(X, y, ledger=nr.Ledger())
    >>> replay = nr.PerceptronReplay(perceptron, X, y)
    >>> replay.next_button.click()
    >>> replay.position
    1
    """

    def __init__(self, perceptron, X, y, interval_ms: int = 700):
        import ipywidgets as w

        updates = getattr(perceptron, "updates_", None)
        if updates is None:
            raise ValueError(_("fit the perceptron first: PerceptronReplay shows its updates_"))
        self.perceptron, self.X, self.y = perceptron, points_2d("X", X), np.asarray(y)
        self.updates = list(updates)
        self.redraws, self.last_png = 0, None
        n = len(self.updates)
        self.slider = w.IntSlider(min=0, max=max(n, 1), value=0, description=_("update"),
                                  disabled=n == 0)
        self.player = w.Play(min=0, max=max(n, 1), interval=interval_ms,
                             description=_("auto-play"))
        w.jslink((self.player, "value"), (self.slider, "value"))
        self.previous_button = w.Button(description=_("Previous"), icon="step-backward")
        self.next_button = w.Button(description=_("Next update"), icon="step-forward")
        self.reset_button = w.Button(description=_("Reset"), icon="refresh")
        self.caption = w.HTML()
        self.image = picture("460px")
        self.previous_button.on_click(lambda _: self.go(self.position - 1))
        self.next_button.on_click(lambda _: self.go(self.position + 1))
        self.reset_button.on_click(lambda _: self.go(0))
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self._figure = new_figure(5.6, 4.8, dpi=80)
        controls = w.HBox([self.previous_button, self.next_button, self.player, self.slider,
                           self.reset_button], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([controls, self.caption, self.image])
        self._show(0)

    @property
    def position(self) -> int:
        """How many updates have been applied (0 = the starting weights)."""
        return int(self.slider.value)

    def go(self, position: int) -> None:
        """Show the weights after ``position`` updates (clamped to the recorded range)."""
        self.slider.value = int(min(max(position, 0), len(self.updates)))  # redraws on change

    def _show(self, position: int) -> None:
        from neurona.plots.neuron import plot_neuron, plot_perceptron_update

        self._figure.clear()
        ax = self._figure.add_subplot()
        n = len(self.updates)
        if position == 0 or n == 0:
            w = self.updates[0]["w_before"] if n else self.perceptron.weights_
            plot_neuron(w[1:], w[0], ax=ax, X=self.X, y=self.y)
            self.caption.value = ngettext(
                "Starting weights w = ({b:.2f}, {w1:.2f}, {w2:.2f}) (bias first). "
                "{n} update recorded. Press <b>Next update</b>.",
                "Starting weights w = ({b:.2f}, {w1:.2f}, {w2:.2f}) (bias first). "
                "{n} updates recorded. Press <b>Next update</b>.", n,
            ).format(b=w[0], w1=w[1], w2=w[2], n=n)
        else:
            update = self.updates[position - 1]
            plot_perceptron_update(update, self.X, self.y, ax=ax)
            x = update["x"]
            before, after = update["w_before"], update["w_after"]
            self.caption.value = _(
                "Update {position} of {n} (epoch {epoch}): sample {index} x = ({x1:g}, {x2:g}) "
                "has target {target} but the neuron said {output}, so w moves from "
                "({b0:.2f}, {w10:.2f}, {w20:.2f}) to ({b1:.2f}, {w11:.2f}, {w21:.2f})."
            ).format(position=position, n=n, epoch=update["epoch"], index=update["index"],
                     x1=x[0], x2=x[1], target=update["target"], output=update["output"],
                     b0=before[0], w10=before[1], w20=before[2],
                     b1=after[0], w11=after[1], w21=after[2])
            if position == n:
                self.caption.value += f"<br><b>{self.perceptron.message_}</b>"
        self._figure.tight_layout()
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.redraws += 1
