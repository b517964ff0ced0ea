"""The backprop inspector: one gradient step of a NumPy MLP, every number on screen.

Examples
--------
>>> import numpy as np
>>> import neurona as nr
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
>>> Y = np.array([[0], [1], [1], [0]], dtype=float)
>>> net = nr.scratch.MLP([2, 2, 1], activation="sigmoid", seed=1)
>>> inspector = nr.BackpropInspector(net, X, Y, 0.5)
>>> inspector.step_button.click()
>>> inspector.steps, inspector.losses[1] < inspector.losses[0]
(1, True)
"""

from __future__ import annotations

import math

import numpy as np

from neurona.i18n import N_, _
from neurona.validate import real_number
from neurona.widgets.panel import Panel, picture

__all__ = ["BackpropInspector"]

EQUATIONS = N_("""
<b>Forward</b>: z<sup>(l)</sup> = a<sup>(l−1)</sup> W<sup>(l)</sup> + b<sup>(l)</sup>,
a<sup>(l)</sup> = f(z<sup>(l)</sup>), with a<sup>(0)</sup> = X.<br>
<b>Output delta</b>: δ<sup>(L)</sup> = ∂L/∂a<sup>(L)</sup> ⊙ f′(z<sup>(L)</sup>)
(for softmax + cross-entropy or sigmoid + binary cross-entropy: (a − y)/N).<br>
<b>Hidden deltas</b>:
δ<sup>(l)</sup> = (δ<sup>(l+1)</sup> W<sup>(l+1)T</sup>) ⊙ f′(z<sup>(l)</sup>).<br>
<b>Gradients</b> (averaged over the N samples, weights and biases alike):
∂L/∂W<sup>(l)</sup> = a<sup>(l−1)T</sup> δ<sup>(l)</sup>,
∂L/∂b<sup>(l)</sup> = Σ<sub>n</sub> δ<sup>(l)</sup>.<br>
<b>Update</b>: W ← W − η ∂L/∂W, b ← b − η ∂L/∂b.
""")


class BackpropInspector(Panel):
    """Show one step of backpropagation as tables and heat-maps, then take it on a click.

    For the current weights it shows, layer by layer, z, a and δ for each sample and the
    gradients ∂L/∂W and ∂L/∂b (tables), the heat-maps of W, ∂L/∂W and W − η∂L/∂W, and the
    equations that produced them. **Take this step** applies the update and shows the
    next one, with the loss before and after.

    Parameters
    ----------
    model : neurona.scratch.MLP
        The network (it is changed by each step).
    X, Y : arrays
        The batch of the step (full batch for the course's small problems).
    learning_rate : float
        η of the update.
    max_samples : int
        Rows per table (a batch of 4 shows every sample).
    """

    def __init__(self, model, X, Y, learning_rate: float = 0.5, max_samples: int = 4):
        import ipywidgets as w

        learning_rate = real_number("learning_rate", learning_rate, 0, low_open=True)
        self.model, self.learning_rate, self.max_samples = model, learning_rate, max_samples
        self.X = np.asarray(X, dtype=float)
        self.Y = np.asarray(Y, dtype=float)
        if self.Y.ndim == 1:
            self.Y = self.Y.reshape(-1, 1)
        self.losses = [float(model.loss(self.X, self.Y))]
        self.steps, self.last_png = 0, None
        self.step_button = w.Button(description=_("Take this step"), icon="step-forward",
                                    button_style="primary")
        self.status = w.HTML()
        self.tables = w.Output()
        self.image = picture()
        self.step_button.on_click(lambda _: self.step())
        self.widget = w.VBox(
            [w.HTML(_(EQUATIONS)), w.HBox([self.step_button, self.status]), self.image,
             self.tables]
        )
        self.refresh()

    def step(self) -> float:
        """Apply one gradient step; returns the loss after it."""
        self.model.step(self.X, self.Y, self.learning_rate)
        self.steps += 1
        self.losses.append(float(self.model.loss(self.X, self.Y)))
        self.refresh()
        return self.losses[-1]

    def refresh(self) -> None:
        """Recompute the tables and heat-maps for the current weights."""
        from IPython.display import display

        from neurona.plots.backprop import backprop_tables, plot_backprop_step
        from neurona.plots.render import kernel_shell, pyplot_png

        self.last_png = pyplot_png(
            plot_backprop_step(self.model, self.X, self.Y, learning_rate=self.learning_rate)
        )
        self.image.value = self.last_png
        self.last_tables = backprop_tables(self.model, self.X, self.Y,
                                           max_samples=self.max_samples)
        if kernel_shell() is not None:  # an Output widget captures only inside a kernel
            self.tables.clear_output()
            with self.tables:
                for table in self.last_tables:
                    display(table)
        if self.steps:
            line = _("step {step} · loss {loss:.5f} (was {before:.5f} before step {step}) · "
                     "η = {rate:g}")
        else:
            line = _("step {step} · loss {loss:.5f} · η = {rate:g}")
        before = self.losses[-2] if self.steps else math.nan
        self.status.value = "&nbsp; " + line.format(
            step=self.steps, loss=self.losses[-1], before=before, rate=self.learning_rate)
