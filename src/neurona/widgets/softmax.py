"""Softmax by hand: move the evidence for each class and watch the probabilities follow.

The book explains the output layer as *evidence* z_k for each class (how strongly the
image looks like a 7) that softmax turns into probabilities:
p_k = exp(z_k) / Σ_j exp(z_j). Adding the same amount to every z_k changes nothing;
only the differences matter. Dividing the evidence by a temperature T sharpens (T < 1)
or flattens (T > 1) the distribution.

Examples
--------
>>> explorer = SoftmaxExplorer(classes=["cat", "dog", "bird"], evidence=[0.0, 2.0, 1.0])
>>> explorer.predicted_class
'dog'
>>> round(float(explorer.probabilities().sum()), 6)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from neurona.i18n import _
from neurona.plots.render import figure_png, new_figure
from neurona.plots.style import OKABE_ITO, diverging_limits
from neurona.validate import real_number
from neurona.widgets.panel import Panel, label_width, picture

__all__ = ["SoftmaxExplorer"]

#: Range of each evidence slider.
EVIDENCE_RANGE = (-5.0, 5.0)
#: Range of the temperature slider (it moves on a log scale).
TEMPERATURE_RANGE = (0.01, 10.0)
DIGITS = tuple(str(k) for k in range(10))


def softmax(evidence: Any, temperature: float = 1.0) -> np.ndarray:
    """Turn evidence (logits) into probabilities: exp(z_k / T) / Σ_j exp(z_j / T).

    Computed as exp(z_k / T − max_j z_j / T), which is the same number (the common factor
    cancels) but never overflows.

    Parameters
    ----------
    evidence : array-like
        One number per class (a 1-D vector), or one vector per row.
    temperature : float
        T > 0; 1 is the ordinary softmax, small T approaches a one-hot arg-max.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape, summing to 1 along the last axis.

    Examples
    --------
    >>> softmax([1.0, 1.0]).tolist()
    [0.5, 0.5]
    >>> softmax([1000.0, 0.0]).round(3).tolist()
    [1.0, 0.0]
    """
    z = np.asarray(evidence, dtype=float)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(_("evidence must hold one number per class; got shape {shape}").format(
            shape=z.shape))
    if not np.all(np.isfinite(z)):
        raise ValueError(_("evidence must be finite numbers (no NaN or infinity)"))
    t = _temperature(temperature)
    scaled = z / t
    shifted = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


class SoftmaxExplorer(Panel):
    """One slider of evidence per class, and the softmax probabilities as bars.

    Parameters
    ----------
    classes : sequence of str or int
        Class names (default the digits ``"0"`` .. ``"9"``), or a number of classes.
    evidence : sequence of float, optional
        Starting evidence z_k, one per class, each in [-5, 5]. Default: all zero.
    temperature : float
        Starting temperature T (1 is the ordinary softmax).
    show_temperature : bool
        Whether to show the temperature slider.

    Attributes
    ----------
    widget : ipywidgets.Widget
        The whole panel (a notebook shows it when the explorer is the cell's last line).
    sliders : list of ipywidgets.FloatSlider
        The evidence sliders, one per class.
    redraws : int
        How many times the picture was drawn.
    """

    def __init__(
        self,
        classes: Sequence[str] | int = DIGITS,
        evidence: Sequence[float] | None = None,
        temperature: float = 1.0,
        show_temperature: bool = True,
    ):
        import ipywidgets as w

        self.classes = _classes(classes)
        self.redraws, self.last_png = 0, None
        start = (np.zeros(len(self.classes)) if evidence is None
                 else self._checked_evidence(evidence))
        low, high = EVIDENCE_RANGE
        labels = [f"z[{name}]" for name in self.classes]
        style = {"description_width": label_width([*labels, _("temperature T")])}
        self.sliders = [
            w.FloatSlider(value=float(z), min=low, max=high, step=0.1, description=label,
                          readout_format=".1f", continuous_update=True, style=style,
                          layout=w.Layout(width="100%", margin="2px 0"))
            for label, z in zip(labels, start, strict=True)
        ]
        t_low, t_high = TEMPERATURE_RANGE
        self.temperature_slider = w.FloatLogSlider(
            value=_temperature(temperature), base=10, min=math.log10(t_low),
            max=math.log10(t_high), step=0.05, description=_("temperature T"),
            readout_format=".2f", continuous_update=True, style=style,
            layout=w.Layout(display=None if show_temperature else "none", width="100%",
                            margin="2px 0"),
        )
        self.formula = w.HTMLMath()
        self.summary = w.HTML()
        self.image = picture("100%", max_width="560px")
        for control in (*self.sliders, self.temperature_slider):
            control.observe(lambda _: self.redraw(), names="value")
        self._figure = new_figure(7.0, 3.2, dpi=80)
        # Sliders and picture side by side on a wide notebook, one above the other on a
        # narrow one: the row wraps instead of squeezing or clipping either.
        self.widget = w.HBox([
            w.VBox([*self.sliders, self.temperature_slider],
                   layout=w.Layout(flex="0 1 290px", min_width="260px")),
            w.VBox([self.formula, self.image, self.summary],
                   layout=w.Layout(flex="1 1 360px", max_width="560px")),
        ], layout=w.Layout(flex_flow="row wrap"))
        self.redraw()

    @property
    def evidence(self) -> np.ndarray:
        """The current evidence z_k, one per class."""
        return np.array([float(slider.value) for slider in self.sliders])

    @property
    def temperature(self) -> float:
        """The current temperature T."""
        return float(self.temperature_slider.value)

    def probabilities(self) -> np.ndarray:
        """Return softmax(z / T) for the current sliders; it sums to 1."""
        return softmax(self.evidence, self.temperature)

    @property
    def predicted_class(self) -> str:
        """The class with the largest evidence (and so the largest probability)."""
        return self.classes[int(np.argmax(self.probabilities()))]

    def set_evidence(self, values: Sequence[float]) -> None:
        """Move every evidence slider at once (and redraw once).

        Raises
        ------
        ValueError
            If there is not one finite number per class, or one is outside [-5, 5].
        """
        checked = self._checked_evidence(values)
        with self.redraw_once():
            for slider, value in zip(self.sliders, checked, strict=True):
                slider.value = float(value)

    def set_temperature(self, temperature: float) -> None:
        """Move the temperature slider (0.01 to 10)."""
        low, high = TEMPERATURE_RANGE
        t = real_number("temperature", temperature, low, high, note=_("the slider's range"))
        self.temperature_slider.value = t

    def redraw(self) -> None:
        """Draw the evidence and probability bars, the formula and the sum."""
        if self._holding:
            return
        z, t = self.evidence, self.temperature
        p = softmax(z, t)
        best = int(np.argmax(p))
        self._draw(z, p, best)
        self.last_png = figure_png(self._figure)
        self.image.value = self.last_png
        self.redraws += 1
        if math.isclose(t, 1.0):
            self.formula.value = r"$p_k = \dfrac{e^{z_k}}{\sum_j e^{z_j}}$ &nbsp; " + _(
                "(computed as {formula} on top and bottom, which never overflows)"
            ).format(formula=r"$e^{z_k - \max_j z_j}$")
        else:
            self.formula.value = _("{formula} with {t}").format(
                formula=r"$p_k = \dfrac{e^{z_k / T}}{\sum_j e^{z_j / T}}$", t=f"$T = {t:.2f}$")
        self.summary.value = _(
            "Σ p<sub>k</sub> = {total:.3f} &nbsp;·&nbsp; largest evidence: "
            "<b>{name}</b> with p = {p:.3f}"
        ).format(total=p.sum(), name=self.classes[best], p=p[best])

    def _draw(self, z: np.ndarray, p: np.ndarray, best: int) -> None:
        figure = self._figure
        figure.clear()
        left, right = figure.subplots(1, 2)
        positions = np.arange(len(self.classes))
        colors = [OKABE_ITO["blue"] if value >= 0 else OKABE_ITO["vermillion"] for value in z]
        left.bar(positions, z, color=colors)
        left.axhline(0, color="black", linewidth=0.8)
        low, high = diverging_limits(EVIDENCE_RANGE)
        left.set_ylim(low * 1.05, high * 1.05)
        left.set_title(_("evidence z (logits)"))
        left.set_ylabel(_("evidence"))
        bar_colors = [OKABE_ITO["sky blue"]] * len(self.classes)
        bar_colors[best] = OKABE_ITO["bluish green"]
        right.bar(positions, p, color=bar_colors, edgecolor="black", linewidth=0.5)
        right.set_ylim(0, 1.05)
        right.set_title(_("softmax: probabilities (sum = {total:.3f})").format(total=p.sum()))
        right.set_ylabel(_("probability"))
        slanted = max(map(len, self.classes)) > 3
        for ax in (left, right):
            # Long names slant and end at their tick (anchored by their right end), so that
            # neighbours do not overlap.
            ax.set_xticks(positions, self.classes, rotation=45 if slanted else 0,
                          ha="right" if slanted else "center", rotation_mode="anchor")
            ax.set_xlabel(_("class"))
        figure.tight_layout()

    def _checked_evidence(self, values: Any) -> np.ndarray:
        if isinstance(values, (str, bytes)):
            raise TypeError(_("evidence must be a list of numbers, one per class"))
        try:
            z = np.asarray(values, dtype=float)
        except (TypeError, ValueError) as error:
            raise ValueError(_("evidence must be numbers, one per class; got {values!r}").format(
                values=values)) from error
        n = len(self.classes)
        if z.shape != (n,):
            raise ValueError(
                _("give one evidence value per class: {n} numbers for {classes}; "
                  "got shape {shape}").format(n=n, classes=list(self.classes), shape=z.shape)
            )
        if not np.all(np.isfinite(z)):
            raise ValueError(_("evidence must be finite numbers (no NaN or infinity)"))
        low, high = EVIDENCE_RANGE
        if z.min() < low or z.max() > high:
            raise ValueError(_("the evidence sliders go from {low} to {high}; got {values}")
                             .format(low=low, high=high, values=z.tolist()))
        return z


def _classes(classes: Any) -> tuple[str, ...]:
    if isinstance(classes, (int, np.integer)) and not isinstance(classes, bool):
        names = tuple(str(k) for k in range(int(classes)))
    elif isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise TypeError(_("classes must be a list of class names or a number; got {classes!r}")
                        .format(classes=classes))
    else:
        names = tuple(str(name) for name in classes)
    if len(names) < 2:
        raise ValueError(_("softmax needs at least two classes; got {n}").format(n=len(names)))
    if len(set(names)) != len(names):
        raise ValueError(_("class names must be different from each other; got {names}").format(
            names=list(names)))
    return names


def _temperature(temperature: Any) -> float:
    return real_number("temperature", temperature, 0, low_open=True)
