"""A training panel around any Keras model builder: controls, live curves, run comparison.

The notebook writes the model-building function (students still see ``keras.Sequential``);
the panel compiles and fits it with the hyper-parameters chosen in its controls, draws the
learning curves while it trains, times it, and lays every finished run side by side in a
table and an overlay plot, so that "lr 0.1 vs 0.001" or "sigmoid vs relu" is two clicks.
Core ipywidgets only, so it works in JupyterLab, Notebook 7, VS Code and Colab.

Examples
--------
>>> import keras
>>> import numpy as np
>>> def build(hidden_layers=1, units=32, activation="relu"):
...     layers = [keras.Input((4,))]
...     layers += [keras.layers.Dense(units, activation) for _ in range(hidden_layers)]
...     return keras.Sequential([*layers, keras.layers.Dense(3, "softmax")])
>>> x, y = np.zeros((60, 4)), np.zeros(60, dtype=int)
>>> trainer = Trainer(build, x, y, validation_split=0.2)
>>> trainer.set(units=128, learning_rate=0.01)
>>> trainer.run_name()
'lr 0.01, 128 units'
>>> trainer.set(units=0)
Traceback (most recent call last):
...
ValueError: units must be a whole number from 1 to 1,024; got 0
>>> trainer.train(wait=True)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import inspect
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import keras

from neurona.i18n import _, grouped
from neurona.models import OPTIMIZERS, SCHEDULES, check_batch_size, make_optimizer, make_schedule
from neurona.plots.live import LiveCurves
from neurona.runs import STATUS_LABELS, Ledger, RunRecord, _epochs, compact, table_html
from neurona.tracking import NaNGuard, Track
from neurona.validate import one_of, real_number, whole_number
from neurona.widgets.panel import BackgroundTraining, Panel, picture

__all__ = ["Trainer"]

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "selu", "linear")
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "random_normal",
    "zeros",
)
LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 0.001, 0.003, 0.005, 0.01, 0.03, 0.1, 0.3, 1.0)
MAX_HIDDEN_LAYERS, MAX_UNITS, MAX_EPOCHS = 6, 1024, 200
MAX_DROPOUT, MAX_L2 = 0.9, 0.1

#: Hyper-parameters handed to the builder (when its signature takes them).
ARCHITECTURE = ("hidden_layers", "units", "activation", "initializer", "dropout", "l2")
#: Hyper-parameters the panel itself uses to compile and fit.
TRAINING = ("optimizer", "learning_rate", "schedule", "batch_size", "epochs")

DEFAULTS: dict[str, Any] = {
    "hidden_layers": 1,
    "units": 64,
    "activation": "relu",
    "initializer": "glorot_uniform",
    "dropout": 0.0,
    "l2": 0.0,
    "optimizer": "adam",
    "learning_rate": 0.001,
    "schedule": "constant",
    "batch_size": 32,
    "epochs": 10,
}

# How a changed hyper-parameter reads in a run name, in the order names list them. Run names
# are data, not text: notebooks look runs up by them (nr.ledger["relu, 10 units, 5 epochs"]),
# so they stay in English in every language.
_NAME_PARTS: dict[str, Callable[[Any], str]] = {
    "activation": str,
    "initializer": str,
    "optimizer": str,
    "learning_rate": lambda v: f"lr {v:g}",
    "schedule": lambda v: f"{v} schedule",
    "hidden_layers": lambda v: f"{v} hidden layer{'' if v == 1 else 's'}",
    "units": lambda v: f"{v} units",
    "dropout": lambda v: f"dropout {v:g}",
    "l2": lambda v: f"L2 {v:g}",
    "batch_size": lambda v: f"batch {v}",
    "epochs": lambda v: f"{v} epoch{'' if v == 1 else 's'}",
}
# The overlay plot's metric menu lists these first, when recorded.
_PREFERRED_METRICS = ("val_loss", "val_accuracy", "loss", "accuracy")


class Trainer(BackgroundTraining, Panel):
    """A panel that trains models from a builder function and compares the runs.

    Parameters
    ----------
    build : callable
        ``build(**hp) -> keras.Model``, not compiled. It receives those of ``hidden_layers``,
        ``units``, ``activation``, ``initializer``, ``dropout`` and ``l2`` that its signature
        names (all of them if it takes ``**kwargs``); a builder without parameters works too
        (CNNs, autoencoders) and the panel then shows only the training controls.
    x_train, y_train : array-like
        Training data, as ``model.fit`` takes it.
    batches : callable, optional
        ``batches(x_train, y_train, batch_size)``, returning what ``model.fit`` trains on
        instead of the arrays, such as a ``tf.data`` pipeline (notebook 08 writes one): it is
        called at every run with the batch size of the controls. Not with
        ``validation_split``: pass ``validation_data``.
    validation_data : tuple, optional
        ``(x_val, y_val)`` for the validation curves.
    validation_split : float
        Share of the training data kept apart for validation (when no ``validation_data``).
    loss : str or keras loss
        Passed to ``compile``.
    metrics : sequence of str
        Passed to ``compile``.
    defaults : dict, optional
        Starting values (and what "Reset to defaults" restores), e.g. ``{"epochs": 5}``;
        default: :data:`DEFAULTS`, with the builder's own default arguments where valid.
    controls : sequence of str, optional
        Which controls the panel shows; default: the training controls and every
        architecture control the builder accepts. Hidden training controls keep their
        default values; hidden architecture parameters keep the builder's defaults.
    ledger : Ledger, optional
        Where finished runs go; default the notebook-wide ``neurona.ledger``.
    name_format : str or callable, optional
        Run names: a format string such as ``"{activation}, lr {learning_rate:g}"`` or a
        function of the hyper-parameter dict. Default: what differs from the defaults,
        e.g. ``"sigmoid, lr 0.01, 128 units"``.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The shown controls, by hyper-parameter name.
    model : keras.Model or None
        The most recently trained model (kept after Stop or a divergence).
    models : dict of str to keras.Model
        Every run's model, by run name (dropped runs leave).
    record : RunRecord or None
        The record of the current or last run.
    runs : list of str
        Names of the runs in the comparison, oldest first.
    pinned : set of str
        Runs that "Clear unpinned" keeps.
    widget : ipywidgets.Widget
        The whole panel (displaying the Trainer shows it).
    """

    def __init__(
        self,
        build: Callable[..., Any],
        x_train,
        y_train,
        *,
        batches: Callable[[Any, Any, int], Any] | None = None,
        validation_data=None,
        validation_split: float = 0.0,
        loss: Any = "sparse_categorical_crossentropy",
        metrics: Iterable[str] = ("accuracy",),
        defaults: Mapping[str, Any] | None = None,
        controls: Iterable[str] | None = None,
        ledger: Ledger | None = None,
        name_format: str | Callable[[dict], str] | None = None,
    ):
        if not callable(build):
            raise TypeError(
                _("build must be a function that returns a keras.Model, got {kind}").format(
                    kind=type(build).__name__)
            )
        real_number("validation_split", validation_split, 0, 1, high_open=True)
        if batches is not None and not callable(batches):
            raise TypeError(_("batches must be a function of (x_train, y_train, batch_size), "
                              "got {kind}").format(kind=type(batches).__name__))
        if batches is not None and validation_split:
            raise ValueError(_("batches cannot be used with validation_split: pass "
                               "validation_data instead"))
        if ledger is not None and not isinstance(ledger, Ledger):
            raise TypeError(_("ledger must be a neurona Ledger, got {kind}").format(
                kind=type(ledger).__name__))
        if name_format is not None and not (isinstance(name_format, str) or callable(name_format)):
            raise TypeError(_("name_format must be a format string or a function of the hparams"))
        from neurona.runs import ledger as default_ledger

        self.build = build
        self.x_train, self.y_train = x_train, y_train
        self.batches = batches
        self.validation_data = validation_data
        self.validation_split = float(validation_split)
        self.loss = loss
        self.metrics = list(metrics)
        self.ledger = default_ledger if ledger is None else ledger
        self.name_format = name_format
        self.n_train = _training_samples(x_train, self.validation_split)

        self.accepted = _accepted_parameters(build)
        self.controls_shown = self._choose_controls(controls)
        self.defaults = self._starting_values(defaults)

        self.model = None
        self.models: dict[str, Any] = {}
        self.record: RunRecord | None = None
        self.runs: list[str] = []
        self._settings_of: dict[str, dict[str, Any]] = {}  # run name -> its settings
        self.pinned: set[str] = set()
        self._compare_figure = None
        self._build_widgets()
        self.reset()

    # -- settings ---------------------------------------------------------------------------
    def hparams(self) -> dict[str, Any]:
        """Return the hyper-parameters now: the shown controls' values, defaults for the rest."""
        values = {key: self.defaults[key] for key in TRAINING}
        values.update({key: self.controls[key].value for key in self.controls})
        return values

    def set(self, **values: Any) -> None:
        """Set controls by name, e.g. ``trainer.set(units=128, learning_rate=0.01)``.

        Raises
        ------
        ValueError
            For a control the panel does not show, or a value outside its allowed range
            (the message names the range); nothing is changed then.
        """
        for key, value in values.items():
            if key not in self.controls:
                shown = ", ".join(self.controls)
                raise ValueError(_("this panel has no control {key!r}; its controls: {shown}")
                                 .format(key=key, shown=shown))
            values[key] = self._check(key, value)
        for key, value in values.items():
            self.controls[key].value = value

    def reset(self) -> None:
        """Put every control back to its default value."""
        for key, widget in self.controls.items():
            widget.value = self.defaults[key]

    def run_name(self, hparams: Mapping[str, Any] | None = None) -> str:
        """Return the next run's name (from ``name_format``, or what differs from defaults)."""
        hp = dict(self.hparams() if hparams is None else hparams)
        if isinstance(self.name_format, str):
            return self.name_format.format(**hp)
        if callable(self.name_format):
            return str(self.name_format(hp))
        # A setting changed in a run still in the comparison stays in every name, so that
        # "lr 0.1" is compared with "lr 0.001", not with an unnamed default.
        varied = {
            key
            for run in self.runs
            for key, value in self._settings_of.get(run, {}).items()
            if key in self.defaults and value != self.defaults[key]
        }
        parts = [
            describe(hp[key])
            for key, describe in _NAME_PARTS.items()
            if key in hp and (hp[key] != self.defaults.get(key) or key in varied)
        ]
        return ", ".join(parts) or "defaults"

    # -- training ---------------------------------------------------------------------------
    def train(self, wait: bool = False) -> None:
        """Build, compile and fit a model with the current settings, in the background.

        Parameters
        ----------
        wait : bool
            Return only when the run has ended (and raise what the fit raised, if anything).
            By default it returns at once, so that Stop reaches the kernel.
        """
        if self.training:
            raise RuntimeError(_("a run is already training: press Stop or wait for it to end"))
        hp = self.hparams()
        architecture = {k: hp[k] for k in ARCHITECTURE if k in hp}
        model = self.build(**architecture)
        if not isinstance(model, keras.Model):
            raise TypeError(_("build must return a keras.Model, got {kind}").format(
                kind=type(model).__name__))
        steps = hp["epochs"] * math.ceil(self.n_train / hp["batch_size"])
        rate = make_schedule(hp["schedule"], hp["learning_rate"], steps)
        model.compile(
            optimizer=make_optimizer(hp["optimizer"], rate),
            loss=self.loss,
            metrics=self.metrics,
        )
        name = self.run_name(hp)
        self.record = None
        self.model = model
        self._set_buttons(training=True)
        self.message.value = ""
        self.timing.value = _("<b>{name}</b> · training…").format(name=html.escape(name))
        self._start(self._fit, (model, name, hp), "neurona-trainer")
        if wait:
            self.wait()

    def _fit(self, model, name: str, hp: dict[str, Any]) -> None:
        track = Track(
            name,
            live=LiveCurves(target=self.live_image, min_interval=0.5),
            ledger=self.ledger,
            verbose=False,
            samples_per_epoch=self.n_train,
            **hp,
        )
        fit_args = {"validation_split": self.validation_split} if self.validation_split else {}
        if self.validation_data is not None:
            fit_args = {"validation_data": self.validation_data}
        try:
            if self.batches is None:
                data = {"x": self.x_train, "y": self.y_train, "batch_size": hp["batch_size"]}
            else:
                # the pipeline shuffles, if it should: fit only reads it
                data = {"x": self.batches(self.x_train, self.y_train, hp["batch_size"]),
                        "shuffle": False}
            model.fit(
                **data,
                epochs=hp["epochs"],
                verbose=0,
                callbacks=[track, NaNGuard(verbose=False), _StopFlag(self._stop, self, track)],
                **fit_args,
            )
        except BaseException as err:  # shown in the panel; wait() re-raises it
            self._error = err
            self.message.value = _("<b>The run failed:</b> {error}").format(
                error=html.escape(str(err)))
        finally:
            self._finish(model, track.record, hp)

    def _finish(self, model, record: RunRecord | None, hp: dict[str, Any]) -> None:
        if record is not None:
            if record.status == "running":
                record.finish("interrupted", _("the fit failed after {epochs}").format(
                    epochs=_epochs(record.epochs)))
            elif record.status == "finished" and self._stop.is_set():
                # Stop pressed in the last epoch: the run is still cut short.
                record.finish("stopped", record.note or _("stopped in the last epoch"))
            self.models[record.name] = model
            self.runs.append(record.name)
            self._settings_of[record.name] = dict(hp)
            self.timing.value = timing_line(record)
        self._set_buttons(training=False)
        self.refresh()

    # -- comparison -------------------------------------------------------------------------
    def pin(self, name: str, pinned: bool = True) -> None:
        """Keep run ``name`` when "Clear unpinned" is pressed (``pinned=False`` unpins it)."""
        self._check_run(name)
        if pinned:
            self.pinned.add(name)
        else:
            self.pinned.discard(name)
        self.refresh()

    def drop(self, name: str) -> None:
        """Remove run ``name`` from the comparison, the ledger and :attr:`models`."""
        self._check_run(name)
        self.runs.remove(name)
        self.pinned.discard(name)
        self.models.pop(name, None)
        if any(run.name == name for run in self.ledger):
            self.ledger.drop(name)
        self.refresh()

    def clear_unpinned(self) -> None:
        """Drop every run that is not pinned."""
        for name in [n for n in self.runs if n not in self.pinned]:
            self.drop(name)
        self.refresh()

    def table(self):
        """Return the ledger's table restricted to this panel's runs (a compact DataFrame).

        Every column (:meth:`Ledger.table` with ``all_columns=True``), the results and the
        settings first: pinned, status, epochs, the final metrics, the hyper-parameters, then
        the parameters, the timing and the device.
        """
        frame = self.ledger.table(all_columns=True)
        names = [n for n in self.runs if n in getattr(frame, "index", ())]
        # Columns of other runs in the ledger leave gaps that turn whole numbers into floats.
        frame = frame.loc[names].dropna(axis="columns", how="all").convert_dtypes()
        kit = [_("status"), _("epochs"), _("parameters"), _("first epoch (s)"),
               _("steady epoch (s)"), _("samples/s"), _("device")]
        rest = [c for c in frame.columns if c not in kit]
        order = [c for c in kit[:2] + rest + kit[2:] if c in frame.columns]
        frame = frame[order]
        frame.insert(0, _("pinned"), [_("yes") if n in self.pinned else "" for n in names])
        return compact(frame)  # a DataFrame that a notebook shows like the panel's table

    def refresh(self) -> None:
        """Redraw the comparison: run menu, metric menu, table and overlay plot."""
        runs = [self.ledger[n] for n in self.runs if any(r.name == n for r in self.ledger)]
        chosen_run = self.run_menu.value
        self.run_menu.options = [
            (_("{name} (pinned)").format(name=n) if n in self.pinned else n, n) for n in self.runs
        ]
        # A dropdown shows nothing until it is given a value: keep the run chosen, else the newest.
        if self.runs:
            self.run_menu.value = chosen_run if chosen_run in self.runs else self.runs[-1]
        recorded = []
        for run in runs:
            recorded += [m for m in run.metrics() if m not in recorded]
        options = [m for m in _PREFERRED_METRICS if m in recorded]
        options += [m for m in recorded if m not in options]
        chosen = self.metric_menu.value
        self._syncing = True
        try:
            self.metric_menu.options = options
            self.metric_menu.value = chosen if chosen in options else (options or [None])[0]
        finally:
            self._syncing = False
        if not runs:
            self.table_html.value = _("<i>No runs yet: press Train.</i>")
            self.compare_image.value = b""
            return
        self.table_html.value = table_html(self.table())
        self.compare_image.value = self._draw_comparison(runs, self.metric_menu.value)

    def _draw_comparison(self, runs: list[RunRecord], metric: str | None) -> bytes:
        from neurona.plots.curves import plot_run_comparison
        from neurona.plots.render import figure_png, new_figure

        if self._compare_figure is None:
            self._compare_figure = new_figure(7.0, 4.2, dpi=80)
            self._compare_figure.set_layout_engine("constrained")
        fig = self._compare_figure
        fig.clear()
        if metric is not None:
            plot_run_comparison(runs, metric=metric, ax=fig.add_subplot())
        return figure_png(fig)

    def _check_run(self, name: str) -> None:
        if name not in self.runs:
            shown = ", ".join(repr(n) for n in self.runs) or _("none yet")
            raise KeyError(_("no run named {name!r} in this panel; its runs: {shown}").format(
                name=name, shown=shown))

    # -- checking values ----------------------------------------------------------------------
    def _check(self, key: str, value: Any) -> Any:
        choices = {
            "activation": ACTIVATIONS,
            "initializer": INITIALIZERS,
            "optimizer": OPTIMIZERS,
            "learning_rate": LEARNING_RATES,
            "schedule": SCHEDULES,
        }
        whole = {
            "hidden_layers": (0, MAX_HIDDEN_LAYERS),
            "units": (1, MAX_UNITS),
            "epochs": (1, MAX_EPOCHS),
        }
        fractions = {"dropout": MAX_DROPOUT, "l2": MAX_L2}
        if key in choices:
            one_of(key, value, choices[key])
            return float(value) if key == "learning_rate" else value
        if key in whole:
            return whole_number(key, value, *whole[key])
        if key in fractions:
            return real_number(key, value, 0, fractions[key])
        if key == "batch_size":
            return check_batch_size(value, self.n_train)
        one_of(_("hyper-parameter"), key, DEFAULTS)

    def _choose_controls(self, controls: Iterable[str] | None) -> list[str]:
        possible = [k for k in DEFAULTS if k in TRAINING or k in self.accepted]
        if controls is None:
            return possible
        if isinstance(controls, str):
            raise TypeError(_("controls must be a list of names, e.g. ['units'], got {controls!r}")
                            .format(controls=controls))
        chosen = list(controls)
        for key in chosen:
            one_of("control", key, DEFAULTS)
            if key not in possible:
                raise ValueError(
                    _("the builder does not take {key!r}, so the panel cannot set it; "
                      "its parameters: {names}").format(
                        key=key, names=", ".join(sorted(self.accepted)) or _("none"))
                )
        return [k for k in DEFAULTS if k in chosen]

    def _starting_values(self, defaults: Mapping[str, Any] | None) -> dict[str, Any]:
        values = dict(DEFAULTS)
        values["batch_size"] = min(values["batch_size"], self.n_train)
        for key, default in _builder_defaults(self.build).items():
            try:
                values[key] = self._check(key, default)
            except ValueError:
                continue  # a builder default outside the panel's range: keep the panel's
        for key, value in (defaults or {}).items():
            values[key] = self._check(key, value)
        return values

    # -- widgets ----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        import ipywidgets as w

        style = {"description_width": "110px"}
        rates = [(f"{r:g}", r) for r in LEARNING_RATES]
        every = {
            "hidden_layers": w.IntSlider(min=0, max=MAX_HIDDEN_LAYERS,
                                         description=_("hidden layers")),
            "units": w.IntSlider(min=1, max=MAX_UNITS, description=_("units per layer")),
            # Activations, initialisers, optimizers and schedules keep the names the code uses.
            "activation": w.Dropdown(options=ACTIVATIONS, description=_("activation")),
            "initializer": w.Dropdown(options=INITIALIZERS, description=_("initialiser")),
            "dropout": w.FloatSlider(min=0, max=MAX_DROPOUT, step=0.05, description=_("dropout")),
            "l2": w.FloatSlider(
                min=0, max=MAX_L2, step=0.001, readout_format=".3f", description=_("L2 rate")
            ),
            "optimizer": w.Dropdown(options=OPTIMIZERS, description=_("optimizer")),
            "learning_rate": w.Dropdown(options=rates, description=_("learning rate")),
            "schedule": w.Dropdown(options=SCHEDULES, description=_("lr schedule")),
            "batch_size": w.IntSlider(min=1, max=self.n_train, description=_("batch size")),
            "epochs": w.IntSlider(min=1, max=MAX_EPOCHS, description=_("epochs")),
        }
        for widget in every.values():
            widget.style = style
            # As wide as the Settings column: a wider control would slide under the live column.
            widget.layout = w.Layout(width="370px")
        self.controls = {key: every[key] for key in self.controls_shown}

        self.train_button = w.Button(description=_("Train"), icon="play", button_style="success")
        self.stop_button = w.Button(
            description=_("Stop"), icon="stop", button_style="danger", disabled=True
        )
        self.reset_button = w.Button(description=_("Reset to defaults"), icon="refresh")
        self.timing = w.HTML()
        self.message = w.HTML()
        self.live_image = picture()
        self.metric_menu = w.Dropdown(description=_("compare"),
                                      style={"description_width": "60px"})
        self.run_menu = w.Dropdown(description=_("run"), style={"description_width": "60px"},
                                   layout=w.Layout(width="auto", min_width="300px"))
        self.pin_button = w.Button(description=_("Pin / unpin"), icon="thumb-tack")
        self.drop_button = w.Button(description=_("Drop"), icon="trash")
        self.clear_button = w.Button(description=_("Clear unpinned"), icon="eraser")
        # Drawn at its own size: a column would stretch it to the panel's width and blur it.
        self.compare_image = picture(align_self="flex-start")
        # As wide as the panel and no wider: a wide table scrolls inside it (see table_html).
        # (margin 2px 0: a widget's side margins beside width 100% would overflow the panel.)
        self.table_html = w.HTML(layout=w.Layout(width="100%", min_width="0", margin="2px 0"))
        self._syncing = False

        self.train_button.on_click(lambda _: self._clicked(self.train))
        self.stop_button.on_click(lambda _: self.stop())
        self.reset_button.on_click(lambda _: self._clicked(self.reset))
        self.pin_button.on_click(lambda _: self._clicked(self._toggle_pin))
        self.drop_button.on_click(lambda _: self._clicked(self._drop_selected))
        self.clear_button.on_click(lambda _: self._clicked(self.clear_unpinned))
        self.metric_menu.observe(self._metric_changed, names="value")

        controls = w.VBox(
            [w.HTML(_("<b>Settings</b>")), *self.controls.values()],
            layout=w.Layout(width="380px", min_width="380px", flex="0 0 auto"),  # never squeezed
        )
        buttons = w.HBox([self.train_button, self.stop_button, self.reset_button])
        live = w.VBox([buttons, self.timing, self.live_image, self.message])
        comparison = w.VBox(
            [
                w.HTML(_("<b>Comparison</b>")),
                w.HBox([self.metric_menu, self.run_menu], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.pin_button, self.drop_button, self.clear_button],
                       layout=w.Layout(flex_flow="row wrap")),
                self.compare_image,
                self.table_html,
            ]
        )
        # On a narrow page the live column goes under the settings instead of over them.
        top = w.HBox([controls, live], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([top, comparison])

    def _clicked(self, action: Callable[[], Any]) -> None:
        # A button has no caller to raise to: say what went wrong in the panel.
        try:
            action()
        except (ValueError, TypeError, RuntimeError, KeyError) as err:
            self.message.value = _("<b>Cannot do that:</b> {error}").format(
                error=html.escape(str(err)))

    def _toggle_pin(self) -> None:
        name = self.run_menu.value
        if name is not None:
            self.pin(name, pinned=name not in self.pinned)

    def _drop_selected(self) -> None:
        if self.run_menu.value is not None:
            self.drop(self.run_menu.value)

    def _metric_changed(self, change) -> None:
        if not self._syncing:
            self.refresh()

    def _set_buttons(self, training: bool) -> None:
        self.train_button.disabled = training
        self.stop_button.disabled = not training
        self.reset_button.disabled = training

    def __repr__(self) -> str:
        return f"Trainer({len(self.runs)} runs, next: {self.run_name()!r})"


class _StopFlag(keras.callbacks.Callback):
    """End the fit after the current batch once the panel's Stop was pressed."""

    def __init__(self, flag: threading.Event, trainer: Trainer, track: Track):
        super().__init__()
        self.flag = flag
        self.trainer = trainer
        self.track = track

    def on_train_begin(self, logs=None):
        """Let the panel see the record while the run trains (the Track, first, made it)."""
        self.trainer.record = self.track.record

    def on_train_batch_end(self, batch, logs=None):
        """Stop after this batch if asked to."""
        if self.flag.is_set():
            self.model.stop_training = True


def timing_line(record: RunRecord) -> str:
    """One HTML line about a run: status, device, first vs steady epoch, samples/s, metrics.

    Examples
    --------
    >>> run = RunRecord("relu", device="CPU", samples_per_epoch=1000)
    >>> run.add_epoch({"loss": 0.5, "val_loss": 0.6}, 2.0)
    >>> run.add_epoch({"loss": 0.4, "val_loss": 0.5}, 0.5)
    >>> run.finish("finished")
    >>> print(timing_line(run))
    <b>relu</b> · finished · 2 epochs on CPU · first epoch 2.0 s, then 500 ms/epoch · 2,000 samples/s · val_loss 0.5
    """  # noqa: E501
    from neurona.timing import format_seconds

    parts = [f"<b>{html.escape(record.name)}</b>",
             _(STATUS_LABELS.get(record.status, record.status))]
    epochs = _epochs(record.epochs)
    # The browser test reads "N epochs on" in this line.
    parts.append(_("{epochs} on {device}").format(epochs=epochs, device=html.escape(record.device))
                 if record.device else epochs)
    if record.first_epoch_seconds is not None:
        first = format_seconds(record.first_epoch_seconds)
        if record.steady_epoch_seconds is not None:
            parts.append(_("first epoch {first}, then {steady}/epoch").format(
                first=first, steady=format_seconds(record.steady_epoch_seconds)))
        else:
            parts.append(_("first epoch {first}").format(first=first))
    if record.samples_per_second:
        parts.append(_("{rate} samples/s").format(
            rate=grouped(record.samples_per_second, ",.0f")))
    finals = [
        f"{metric} {value:.4g}"
        for metric in record.metrics()
        if metric.startswith("val_")
        and (value := record.final(metric)) is not None
        and math.isfinite(value)
    ]
    if finals:
        parts.append(", ".join(finals))
    line = " · ".join(parts)
    if record.note:
        note = record.note
        rate = record.hparams.get("learning_rate")
        if record.status == "diverged" and rate:
            note += "; " + _("the learning rate ({rate:g}) is probably too large: try 10x smaller"
                             ).format(rate=rate)
        line += f"<br><i>{html.escape(note)}</i>"
    return line


def _accepted_parameters(build: Callable[..., Any]) -> set[str]:
    try:
        parameters = inspect.signature(build).parameters.values()
    except (TypeError, ValueError):  # a callable without a readable signature
        return set()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return set(ARCHITECTURE)
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name for p in parameters if p.kind in kinds and p.name in ARCHITECTURE}


def _builder_defaults(build: Callable[..., Any]) -> dict[str, Any]:
    try:
        parameters = inspect.signature(build).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {
        p.name: p.default
        for p in parameters
        if p.name in ARCHITECTURE and p.default is not inspect.Parameter.empty
    }


def _training_samples(x, validation_split: float) -> int:
    if isinstance(x, Mapping):
        x = next(iter(x.values()))
    elif isinstance(x, (list, tuple)) and x and hasattr(x[0], "shape"):
        x = x[0]
    try:
        n = len(x)
    except TypeError:
        raise TypeError(
            _("x_train must be an array (or a list or dict of arrays) with one row per sample")
        ) from None
    if n < 1:
        raise ValueError(_("x_train is empty: the panel needs at least one training sample"))
    # As Keras splits: the first ceil(n * (1 - split)) samples train.
    return max(1, int(math.ceil(n * (1 - validation_split))))
