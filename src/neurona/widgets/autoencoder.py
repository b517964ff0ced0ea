"""Panels for the autoencoder lesson: the thesis's preset picker and a denoising slider.

:class:`PresetExplorer` trains the notebook's dense autoencoder (its builder function) with
any of the thesis's 22 presets (over one to five seeds, with either reading of the thesis's
"uniform" and "normal" initialisers), draws the live loss curve, then lays every preset
trained so far side by side: a mean ± band plot and a table with our time per epoch beside
the thesis's. Core ipywidgets only.

Examples
--------
>>> explorer = PresetExplorer(x_train, x_val, build=dense_autoencoder, epochs=5)  # doctest: +SKIP
>>> explorer.set(preset="IX", seeds=3)                     # doctest: +SKIP
>>> explorer.train(wait=True)                              # doctest: +SKIP
>>> explorer.results["IX"]                                 # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.autoencoders import (
    DEFAULT_INIT_READING,
    INIT_READINGS,
    PRESETS,
    THESIS_EPOCHS,
    THESIS_SAMPLES,
    PresetResult,
    add_noise,
    check_build,
    check_dataset,
    check_reading,
    preset,
    run_preset,
    times_table,
)
from neurona.i18n import N_, _, grouped, ngettext
from neurona.plots.live import LiveCurves
from neurona.runs import Ledger
from neurona.validate import real_number, whole_number
from neurona.widgets.panel import BackgroundTraining, Panel, picture

__all__ = [
    "PresetExplorer",
    "noise_slider",
]

MAX_EPOCHS, MAX_SEEDS = 100, 5
MAX_NOISE = 0.8
#: The columns of :func:`times_table` the panel shows, with the words it shows them under.
#: Size in inches (at 80 dpi) of the explorer's two plots: live curves and comparison.
PLOT_WIDTH, PLOT_HEIGHT = 5.2, 3.4
SHOWN_COLUMNS = (
    N_("batch"),
    N_("seeds"),
    N_("epochs"),
    N_("our s/epoch (wall)"),
    N_("ours scaled to 60k"),
    N_("thesis keras_tf s/epoch (CPU)"),
    N_("final val loss"),
    N_("± (std over seeds)"),
)


class PresetExplorer(BackgroundTraining, Panel):
    """Train the notebook's dense autoencoder with the thesis's presets and compare them.

    Parameters
    ----------
    x_train, x_val : numpy.ndarray
        Flat images ``(N, 784)`` (or ``(N, 28, 28)``) with pixels in [0, 1].
    build : callable
        The notebook's builder, e.g. ``dense_autoencoder``: ``build(preset, init_reading=...)``
        returns a compiled Keras model that rebuilds flat images (see
        :func:`neurona.autoencoders.run_preset`, which calls it once per seed and checks it).
    preset : str
        The preset selected at the start.
    epochs : int
        Epochs per run at the start (the thesis ran 1000).
    seeds : int
        Runs per preset at the start, 1 to 5 (seeds 0, 1, ...).
    dataset : str
        Which of the thesis's timing tables to compare with: ``"mnist"`` or
        ``"fashion_mnist"``.
    ledger : Ledger, optional
        Where the runs go; default ``neurona.ledger``.
    reading : str
        The reading of the thesis's "uniform" and "normal" initialisers at the start:
        ``"text"`` (what the thesis's text says) or ``"keras2"`` (Keras 2's defaults); see
        :func:`neurona.autoencoders.make_initializer`.

    Attributes
    ----------
    results : dict of str to PresetResult
        The latest result of every preset trained, in training order, by
        :attr:`PresetResult.name` (e.g. ``"III (keras2)"``).
    widget : ipywidgets.Widget
    """

    def __init__(
        self,
        x_train,
        x_val,
        *,
        build: Callable,
        preset: str = "VII",
        epochs: int = 5,
        seeds: int = 1,
        dataset: str = "mnist",
        ledger: Ledger | None = None,
        reading: str = DEFAULT_INIT_READING,
    ):
        check_dataset(dataset)
        if ledger is not None and not isinstance(ledger, Ledger):
            raise TypeError(_("ledger must be a neurona Ledger, got {kind}").format(
                kind=type(ledger).__name__))
        self.build = check_build(build)
        self.x_train = _flat(x_train, "x_train")
        self.x_val = _flat(x_val, "x_val")
        self.dataset = dataset
        self.ledger = ledger
        self.results: dict[str, PresetResult] = {}
        self._build_widgets()
        self.set(preset=preset, epochs=epochs, seeds=seeds, reading=reading)

    # -- settings ----------------------------------------------------------------------------
    def set(self, **values: Any) -> None:
        """Set ``preset``, ``epochs``, ``seeds`` and/or ``reading``.

        A bad value raises and changes nothing.

        Raises
        ------
        ValueError
            Naming the allowed presets or range.
        """
        checked = {}
        for key, value in values.items():
            if key == "preset":
                checked[key] = preset(value).name
            elif key == "reading":
                checked[key] = check_reading(value)
            elif key in ("epochs", "seeds"):
                high = MAX_EPOCHS if key == "epochs" else MAX_SEEDS
                checked[key] = whole_number(key, value, 1, high)
            else:
                raise ValueError(
                    _("unknown setting {key!r}; settings: preset, epochs, seeds, reading").format(
                        key=key)
                )
        for key, value in checked.items():
            self.controls[key].value = value

    @property
    def settings(self) -> dict[str, Any]:
        """The current preset name, epochs, number of seeds and initialiser reading."""
        return {key: widget.value for key, widget in self.controls.items()}

    # -- training ----------------------------------------------------------------------------
    def train(self, wait: bool = False) -> None:
        """Train the selected preset over the chosen seeds, in the background.

        Parameters
        ----------
        wait : bool
            Return only when the runs have ended (and raise what they raised).
        """
        if self.training:
            raise RuntimeError(
                _("a preset is already training: press Stop or wait for it to end"))
        settings = self.settings
        self._set_buttons(training=True)
        self.message.value = ""
        self.status.value = _("<b>{name}</b> · training…").format(
            name=html.escape(settings["preset"]))
        self._start(self._run, (settings,), "neurona-presets")
        if wait:
            self.wait()

    def _run(self, settings: dict[str, Any]) -> None:
        name = settings["preset"]
        try:
            result = run_preset(
                name,
                self.x_train,
                self.x_val,
                build=self.build,
                epochs=settings["epochs"],
                seeds=range(settings["seeds"]),
                ledger=self.ledger,
                # As wide as the comparison plot, so that the title (run, epoch, s/epoch) fits.
                live=LiveCurves(target=self.live_image, min_interval=0.5, width=PLOT_WIDTH,
                                height=PLOT_HEIGHT),
                stop=self._stop,
                init_reading=settings["reading"],
            )
            name = result.name
            self.results.pop(name, None)
            self.results[name] = result
            seeds = ngettext("{n} seed", "{n} seeds", len(result.seeds)).format(
                n=len(result.seeds))
            if self._stop.is_set():
                seeds = _("{seeds} (stopped early)").format(seeds=seeds)
            mean, std = result.final_val_loss
            self.status.value = _(
                "<b>{name}</b> · {seeds} · {seconds:.3g} s/epoch on {images} images · "
                "final val_loss {mean:.4g} ± {std:.2g}"
            ).format(name=html.escape(name), seeds=seeds, seconds=result.seconds_per_epoch,
                     images=grouped(result.samples), mean=mean, std=std)
        except BaseException as err:  # shown in the panel; wait() re-raises it
            self._error = err
            self.message.value = _("<b>The run failed:</b> {error}").format(
                error=html.escape(str(err)))
        finally:
            self._set_buttons(training=False)
            self.refresh()

    # -- drawing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the comparison plot and table from :attr:`results`."""
        if not self.results:
            self.compare_image.value = b""
            self.table_html.value = ""
            return
        import matplotlib.pyplot as plt

        from neurona.plots.autoencoders import plot_loss_band
        from neurona.plots.render import pyplot_png

        figure, ax = plt.subplots(figsize=(PLOT_WIDTH, PLOT_HEIGHT), dpi=80, layout="constrained")
        plot_loss_band(list(self.results.values()), ax=ax)
        self.compare_image.value = pyplot_png(figure)
        table = self.table()
        # The table's columns may already be in the kit's language: take either.
        columns = [c if c in table.columns else _(c) for c in SHOWN_COLUMNS]
        shown = table[columns].rename(columns=lambda c: _(c))
        note = _(
            "Ours: median wall-clock seconds of the steady epochs on {images} images, and that "
            "scaled to the thesis's {thesis_images}. Thesis: Linux user (CPU) time of {epochs} "
            "epochs / {epochs}, 4 CPUs + 1 GPU, {dataset}: CPU time, not wall time."
        ).format(images=grouped(len(self.x_train)), thesis_images=grouped(THESIS_SAMPLES),
                 epochs=THESIS_EPOCHS, dataset=self.dataset)
        self.table_html.value = (_compact_table(shown)
                                 + f"<div style='line-height: 1.3'><small>{note}</small></div>")

    def redraw(self) -> None:
        """Redraw: the same as :meth:`refresh` (for :meth:`Panel.redraw_once`)."""
        self.refresh()

    def table(self):
        """Return the comparison table: one row per preset trained (see :func:`times_table`)."""
        return times_table(self.results.values(), dataset=self.dataset)

    def _describe(self, change=None) -> None:
        chosen = PRESETS[self.controls["preset"].value]
        # The presets' words come from neurona.autoencoders (translated there, if at all).
        self.info.value = _("<b>{label}</b><br><i>What to look for:</i> {finding}").format(
            label=html.escape(chosen.label),
            finding=html.escape(_(chosen.finding) if chosen.finding else ""))

    def _build_widgets(self) -> None:
        import ipywidgets as w

        style = {"description_width": "70px"}
        self.controls = {
            "preset": w.Dropdown(
                options=[(p.label, p.name) for p in PRESETS.values()],
                description=_("preset"),
                style=style,
                layout=w.Layout(width="100%", max_width="520px", margin="2px 0"),
            ),
            "epochs": w.IntSlider(min=1, max=MAX_EPOCHS, description=_("epochs"), style=style),
            "seeds": w.IntSlider(min=1, max=MAX_SEEDS, description=_("seeds"), style=style),
            "reading": w.Dropdown(
                options=[(f"{key}: {_(text)}", key) for key, text in INIT_READINGS.items()],
                description=_("reading"),
                style=style,
                layout=w.Layout(width="100%", max_width="720px", margin="2px 0"),
            ),
        }
        self.info = w.HTML()
        self.train_button = w.Button(description=_("Train"), icon="play", button_style="success")
        self.stop_button = w.Button(
            description=_("Stop"), icon="stop", button_style="danger", disabled=True
        )
        self.status = w.HTML()
        self.message = w.HTML()
        # Each plot takes half a wide notebook and the whole of a narrow one (the row wraps),
        # never more than its own width, and keeps its proportions.
        # They flex and wrap, never stretch.
        plot = {"flex": "1 1 340px", "min_width": "0"}
        self.live_image = picture(max_width=f"{round(PLOT_WIDTH * 80)}px", **plot)
        self.compare_image = picture(max_width=f"{round(PLOT_WIDTH * 80)}px", **plot)
        self.table_html = w.HTML()
        self.controls["preset"].observe(self._describe, names="value")
        self.train_button.on_click(lambda _: self._clicked(self.train))
        self.stop_button.on_click(lambda _: self.stop())
        self._describe()
        self.widget = w.VBox(
            [
                self.controls["preset"],
                self.info,
                w.HBox([self.controls["epochs"], self.controls["seeds"]],
                       layout=w.Layout(flex_flow="row wrap")),
                self.controls["reading"],
                w.HBox([self.train_button, self.stop_button]),
                self.status,
                self.message,
                w.HBox([self.live_image, self.compare_image],
                       layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                self.table_html,
            ]
        )

    def _clicked(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except (ValueError, TypeError, RuntimeError) as err:
            self.message.value = _("<b>Cannot do that:</b> {error}").format(
                error=html.escape(str(err)))

    def _set_buttons(self, training: bool) -> None:
        self.train_button.disabled = training
        self.stop_button.disabled = not training

    def __repr__(self) -> str:
        return f"PresetExplorer({len(self.results)} presets trained, next: {self.settings})"


_CELL = "padding: 2px 8px; border-bottom: 1px solid #ddd; "


def _compact_table(frame) -> str:
    """Return ``frame`` as a compact HTML table inside a box that scrolls sideways.

    One line per row (the row's name never wraps), numbers right-aligned under right-aligned
    headers with 4 significant digits and grouped thousands, single rules between rows: a
    narrow notebook scrolls the table instead of cutting its last columns.
    """
    def cell(value) -> str:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return grouped(int(value))
        if isinstance(value, (float, np.floating)):
            return "" if not np.isfinite(value) else grouped(float(value), ",.4g")
        return html.escape(str(value))

    head = "".join(f"<th style='{_CELL}text-align: right; vertical-align: bottom'>"
                   f"{html.escape(str(name))}</th>" for name in frame.columns)
    rows = "".join(
        f"<tr><th style='{_CELL}text-align: left; white-space: nowrap'>{html.escape(str(name))}"
        "</th>" + "".join(f"<td style='{_CELL}text-align: right; white-space: nowrap'>"
                          f"{cell(value)}</td>" for value in row) + "</tr>"
        for name, row in zip(frame.index, frame.itertuples(index=False), strict=True))
    # width 0 + min-width 100%: the box takes the panel's width, not the table's, and scrolls.
    return ("<div style='overflow-x: auto; width: 0; min-width: 100%'>"
            "<table style='border-collapse: collapse; font-size: 90%; line-height: 1.3'>"
            f"<thead><tr><th style='{_CELL}'></th>{head}</tr></thead><tbody>{rows}</tbody>"
            "</table></div>")


class NoiseSlider(Panel):
    """A noise-level slider above three rows of images: clean, noisy input, denoised output.

    Moving the slider adds that much Gaussian noise to the images and redraws what the
    model makes of them; the title gives both errors against the clean images. The
    picture is an ``ipywidgets.Image``, so it redraws in any front end.

    Parameters
    ----------
    model : keras.Model
        A (denoising) autoencoder whose input and output have the shape of ``x``.
    x : array-like
        Clean images in [0, 1]; the first ``n`` are shown.
    n : int
        How many images.
    level : float
        Starting noise level (standard deviation), 0 to 0.8.
    seed : int
        Seed of the noise.

    Attributes
    ----------
    slider : ipywidgets.FloatSlider
    image : ipywidgets.Image
    errors : tuple of float
        Mean squared error of the noisy input and of the output, at the current level.
    """

    def __init__(self, model, x, *, n: int = 8, level: float = 0.3, seed: int = 0):
        import ipywidgets as w

        images = np.asarray(x, dtype="float32")
        if images.ndim < 2 or not len(images):
            raise ValueError(_("x must hold images (N, 28, 28) or (N, 784); got {shape}").format(
                shape=images.shape))
        n = whole_number("n", n, 1)
        self.model = model
        self.images = images[:n]
        self.seed = seed
        self.errors = (math.nan, math.nan)
        self.slider = w.FloatSlider(
            value=0.0,
            min=0.0,
            max=MAX_NOISE,
            step=0.05,
            description=_("noise"),
            continuous_update=False,
        )
        self.image = picture()
        self.widget = w.VBox([self.slider, self.image])
        self.set(level)
        self.redraw()
        self.slider.observe(lambda change: self.redraw(), names="value")

    def set(self, level: float) -> None:
        """Move the slider to ``level`` (0 to 0.8); the picture redraws."""
        self.slider.value = real_number("level", level, 0, MAX_NOISE)

    def redraw(self) -> None:
        """Draw the three rows for the slider's noise level."""
        if self._holding:
            return
        from neurona.plots.autoencoders import plot_denoising
        from neurona.plots.render import pyplot_png

        level = float(self.slider.value)
        clean = self.images
        noisy = add_noise(clean, level, seed=self.seed)
        denoised = np.asarray(self.model.predict(noisy, verbose=0)).reshape(clean.shape)
        self.errors = (
            float(np.mean((noisy - clean) ** 2)),
            float(np.mean((denoised - clean) ** 2)),
        )
        figure = plot_denoising(
            clean,
            noisy,
            denoised,
            n=len(clean),
            title=_("noise level {level:.2f}: MSE of the noisy input {noisy:.4f}, of the "
                    "denoised output {denoised:.4f}").format(
                level=level, noisy=self.errors[0], denoised=self.errors[1]),
        )
        self.image.value = pyplot_png(figure)

    def __repr__(self) -> str:
        return f"NoiseSlider(level={self.slider.value:g}, {len(self.images)} images)"


def noise_slider(model, x, *, n: int = 8, level: float = 0.3, seed: int = 0) -> NoiseSlider:
    """Make a slider of the noise level: noisy inputs and the denoiser's outputs, redrawn.

    Parameters
    ----------
    model : keras.Model
        A (denoising) autoencoder whose input and output have the shape of ``x``.
    x : array-like
        Clean images in [0, 1]; the first ``n`` are shown.
    n : int
        How many images.
    level : float
        Starting noise level (standard deviation), 0 to 0.8.
    seed : int
        Seed of the noise.

    Returns
    -------
    NoiseSlider
        Display it (or make it the last line of a cell).

    Examples
    --------
    >>> nr.noise_slider(denoiser, x_test, level=0.3)   # doctest: +SKIP
    """
    return NoiseSlider(model, x, n=n, level=level, seed=seed)


def _flat(x, name: str) -> np.ndarray:
    array = np.asarray(x, dtype="float32")
    if array.ndim < 2 or not len(array):
        raise ValueError(_("{name} must be images (N, 784) or (N, 28, 28); got shape {shape}")
                         .format(name=name, shape=array.shape))
    return array.reshape(len(array), -1)
