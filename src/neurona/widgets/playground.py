"""The TensorFlow Playground inside Jupyter, built from core ipywidgets and NumPy.

A small network (``neurona.scratch.MLP``) learns a 2-D problem while the picture of its
decision surface and its train and test losses redraws in place. Core widgets only, so
it works in JupyterLab, Notebook 7, VS Code and Colab without extra front-end extensions.

Examples
--------
>>> pg = Playground(dataset="xor", hidden=(4,), activation="tanh")
>>> pg.step(5)
>>> pg.epoch
5
>>> from neurona.runs import Ledger
>>> pg.record("xor, 4 neurons", ledger=Ledger()).epochs
5
"""

from __future__ import annotations

import asyncio
import html
import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.style import OKABE_ITO
from neurona.scratch.losses import LOSSES
from neurona.validate import one_of, real_number, whole_number
from neurona.widgets.panel import Panel, label_width, picture

__all__ = ["Playground", "PlaygroundSettings"]

DATASETS = {"clusters": "clusters", "circle": "circles", "xor": "xor", "spiral": "spiral"}
# What the dataset buttons say (the settings string keeps the keys above).
DATASET_LABELS = {"clusters": N_("clusters"), "circle": N_("circle"), "xor": N_("xor"),
                  "spiral": N_("spiral")}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS, MAX_NEURONS, MAX_BATCH = 6, 8, 30
# Play's pace: as smooth as a film, and no more pictures than a browser shows.
FRAMES_PER_SECOND = 30.0

# Input features, as in the Playground. The points lie in [-6, 6]; x1 and x2 are scaled to
# [-1, 1] so that one learning rate suits every feature, the sines see the raw coordinates.
FEATURES = {
    "x1": ("x₁", lambda p: p[:, 0] / 6),
    "x2": ("x₂", lambda p: p[:, 1] / 6),
    "x1sq": ("x₁²", lambda p: (p[:, 0] / 6) ** 2),
    "x2sq": ("x₂²", lambda p: (p[:, 1] / 6) ** 2),
    "x1x2": ("x₁·x₂", lambda p: p[:, 0] * p[:, 1] / 36),
    "sinx1": (N_("sin x₁"), lambda p: np.sin(p[:, 0])),
    "sinx2": (N_("sin x₂"), lambda p: np.sin(p[:, 1])),
}

# The book's guided challenges (SOURCES.md A, ch. 3.5): dataset, most hidden neurons, goal.
CHALLENGES = (
    ("clusters", 1, N_("Two clusters with a single neuron.")),
    ("circle", 3, N_("The circle with 3 neurons in one hidden layer.")),
    ("xor", 5, N_("XOR with about 5 neurons (3 sometimes, depending on the random start).")),
    ("spiral", None, N_("The spiral: one layer of 8 is not enough, it needs depth.")),
)
GOAL_TEST_ACCURACY = 0.95
SPIRAL_TEST_ACCURACY = 0.90


@dataclass(frozen=True)
class PlaygroundSettings:
    """Everything that defines a Playground experiment; shareable as a short string.

    ``seed`` draws the data; ``start`` numbers the network's random start (Reset moves to
    the next one), so that a shared string reproduces the same run exactly.

    Examples
    --------
    >>> s = PlaygroundSettings(dataset="xor", hidden=(5,))
    >>> PlaygroundSettings.from_string(s.to_string()) == s
    True
    """

    dataset: str = "circle"
    noise: int = 0
    train_ratio: int = 50
    batch_size: int = 10
    learning_rate: float = 0.03
    activation: str = "tanh"
    l2: float = 0.0
    hidden: tuple[int, ...] = (4, 2)
    features: tuple[str, ...] = ("x1", "x2")
    seed: int = 0
    start: int = 0

    def __post_init__(self):
        for name, value in asdict(self).items():
            if value is Ellipsis:
                raise ValueError(_("fill in the ... first: {name} needs a value").format(
                    name=name))
        for name in ("hidden", "features"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                example = getattr(PlaygroundSettings, name)
                raise ValueError(_("{name} must be a tuple, e.g. {example}; got {value!r}").format(
                    name=name, example=example, value=value))
        object.__setattr__(self, "hidden", tuple(self.hidden))
        object.__setattr__(self, "features", tuple(self.features))
        _validate(self)

    def to_string(self) -> str:
        """One line an instructor can paste into a chat: ``data=xor noise=0 ...``."""
        parts = {
            "data": self.dataset,
            "noise": self.noise,
            "train": self.train_ratio,
            "batch": self.batch_size,
            "lr": f"{self.learning_rate:g}",
            "act": self.activation,
            "l2": f"{self.l2:g}",
            "layers": ",".join(map(str, self.hidden)),
            "features": ",".join(self.features),
            "seed": self.seed,
            "start": self.start,
        }
        return " ".join(f"{key}={value}" for key, value in parts.items())

    @classmethod
    def from_string(cls, text: str) -> PlaygroundSettings:
        """Read a string made by :meth:`to_string` (missing keys keep their defaults)."""
        keys = {
            "data": ("dataset", str),
            "noise": ("noise", int),
            "train": ("train_ratio", int),
            "batch": ("batch_size", int),
            "lr": ("learning_rate", float),
            "act": ("activation", str),
            "l2": ("l2", float),
            "layers": ("hidden", lambda v: tuple(int(n) for n in v.split(",") if n)),
            "features": ("features", lambda v: tuple(f for f in v.split(",") if f)),
            "seed": ("seed", int),
            "start": ("start", int),
        }
        values = {}
        for token in str(text).split():
            key, sep, value = token.partition("=")
            if not sep or key not in keys:
                raise ValueError(
                    _("cannot read {token!r}: expected key=value with keys {keys}").format(
                        token=token, keys=", ".join(keys))
                )
            name, convert = keys[key]
            try:
                values[name] = convert(value)
            except ValueError as err:
                raise ValueError(_("cannot read {token!r}: {error}").format(
                    token=token, error=err)) from None
        return cls(**values)


def _validate(s: PlaygroundSettings) -> None:
    one_of("dataset", s.dataset, DATASETS)
    whole_number("noise", s.noise, 0, 50, note=_("percent"))
    whole_number("train_ratio", s.train_ratio, 10, 90, note=_("percent"))
    whole_number("batch_size", s.batch_size, 1, MAX_BATCH)
    one_of("learning_rate", s.learning_rate, LEARNING_RATES)
    one_of("activation", s.activation, ACTIVATIONS)
    one_of("l2", s.l2, L2_RATES)
    if not 1 <= len(s.hidden) <= MAX_LAYERS:
        raise ValueError(
            _("hidden must have 1 to {most} layers; got {n} ({hidden})").format(
                most=MAX_LAYERS, n=len(s.hidden), hidden=s.hidden)
        )
    for i, n in enumerate(s.hidden):
        whole_number(f"hidden[{i}]", n, 1, MAX_NEURONS, note=_("neurons in that layer"))
    if not s.features:
        raise ValueError(_("choose at least one input feature from {features}").format(
            features=", ".join(FEATURES)))
    for i, f in enumerate(s.features):
        one_of(f"features[{i}]", f, FEATURES)
    whole_number("seed", s.seed, 0, 2**31 - 1)
    whole_number("start", s.start, 0, 2**31 - 1, note=_("the random start, advanced by Reset"))


# The loss axes grow in steps, so that matplotlib redraws the frame only when one is
# passed: epochs 10, 15, 20, 30, 40, 50, 60, 80, 100, ...; losses 0.1 ... 5 likewise.
_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)


def _nice_ceiling(value: float) -> float:
    """Return the smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= value."""
    power = 10.0 ** np.floor(np.log10(value))
    for step in _STEPS:
        if step * power >= value * (1 - 1e-9):
            return round(step * power, 12)  # 0.15, not 0.15000000000000002
    return round(10 * power, 12)


def _loss_limits(top: float | None, points: int) -> tuple[float, float]:
    """Return the loss axes' upper limits (epochs, loss) for ``points`` values of each curve.

    ``top`` is the largest finite loss so far (None: none yet).
    """
    top = 1.0 if top is None else top
    return (_nice_ceiling(max(10, points - 1)),
            _nice_ceiling(max(0.1, min(top, 5.0)) * 1.05))


def _legend_box(canvas, legend) -> tuple[int, int, int, int]:
    """Return the legend's pixels on the canvas, as Pillow's (left, top, right, bottom)."""
    width, height = canvas.get_width_height()
    box = legend.get_window_extent(canvas.get_renderer())
    return (max(int(box.x0) - 1, 0), max(height - int(box.y1) - 2, 0),
            min(int(box.x1) + 2, width), min(height - int(box.y0) + 1, height))


@dataclass
class _State:
    epoch: int = 0
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    # Each value's first entry is the untrained network's (epoch 0), as for the losses.
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    # Wall time of each epoch's training (its updates and its losses), without the drawing.
    epoch_seconds: list[float] = field(default_factory=list)


class Playground(Panel):
    """The TensorFlow Playground in a notebook: data, network, training, live picture.

    Parameters
    ----------
    settings : PlaygroundSettings or str, optional
        Start from these settings (a string from :meth:`export_settings` works too).
    n_samples : int
        Points in the dataset (train and test together).
    resolution : int
        Cells per side of the decision-surface picture.
    **overrides
        Any field of :class:`PlaygroundSettings`, e.g. ``dataset="spiral"``.

    Attributes
    ----------
    epoch : int
        Epochs trained since the last reset.
    redraws : int
        Pictures drawn so far; ``last_png`` holds the latest.
    widget : ipywidgets.Widget
        The whole panel (displaying the Playground shows it).
    """

    def __init__(self, settings=None, *, n_samples: int = 500, resolution: int = 60, **overrides):
        import ipywidgets as w

        if isinstance(settings, str):
            settings = PlaygroundSettings.from_string(settings)
        elif settings is not None and not isinstance(settings, PlaygroundSettings):
            raise TypeError(
                _("settings must be a settings string such as 'data=xor layers=4', a "
                  "PlaygroundSettings, or None; got {settings!r}").format(settings=settings)
            )
        settings = replace(settings or PlaygroundSettings(), **overrides)
        self.n_samples = whole_number("n_samples", n_samples, 20, 100_000)
        self.resolution = whole_number("resolution", resolution, 10, 400,
                                       note=_("cells per side"))
        self.redraws, self.draw_seconds, self.last_png = 0, 0.0, None
        self._playing, self._task, self._syncing = False, None, False

        labels = {key: _(text) for key, text in (
            ("noise", N_("noise (%)")), ("train_ratio", N_("training data (%)")),
            ("batch_size", N_("batch size")), ("learning_rate", N_("learning rate")),
            ("activation", N_("activation")), ("l2", N_("L2 rate")),
            ("layers", N_("hidden layers")))}
        # Wide enough for the longest label in the kit's language; the controls as wide as
        # the column, so that a long label still leaves the slider a usable track.
        style = {"description_width": label_width([*labels.values(), _("settings")])}

        def wide():  # each control its own Layout: hiding one must not hide the others
            return {"style": style, "layout": w.Layout(width="350px")}

        self.controls = {
            "dataset": w.ToggleButtons(
                options=[(_(DATASET_LABELS[key]), key) for key in DATASETS], description=_("data")
            ),
            "noise": w.IntSlider(min=0, max=50, step=5, description=labels["noise"], **wide()),
            "train_ratio": w.IntSlider(min=10, max=90, step=10, description=labels["train_ratio"],
                                       **wide()),
            "batch_size": w.IntSlider(min=1, max=MAX_BATCH, description=labels["batch_size"],
                                      **wide()),
            "learning_rate": w.Dropdown(options=[(f"{r:g}", r) for r in LEARNING_RATES],
                                        description=labels["learning_rate"], **wide()),
            # The activations keep their Keras names: they are what the code writes.
            "activation": w.Dropdown(options=ACTIVATIONS, description=labels["activation"],
                                     **wide()),
            "l2": w.Dropdown(options=[(f"{r:g}", r) for r in L2_RATES],
                             description=labels["l2"], **wide()),
            "layers": w.IntSlider(min=1, max=MAX_LAYERS, description=labels["layers"], **wide()),
        }
        self.neuron_sliders = [
            w.IntSlider(
                min=1,
                max=MAX_NEURONS,
                value=4,
                description=_("layer {k}").format(k=k + 1),
                **wide(),
            )
            for k in range(MAX_LAYERS)
        ]
        self.feature_boxes = {
            key: w.Checkbox(description=_(label), indent=False, layout=w.Layout(width="80px"))
            for key, (label, _function) in FEATURES.items()
        }
        self.play_button = w.Button(description=_("Play"), icon="play", button_style="success")
        self.step_button = w.Button(description=_("Step"), icon="step-forward")
        self.reset_button = w.Button(
            description=_("Reset"), icon="refresh", tooltip=_("new random start")
        )
        self.status = w.HTML()
        self.image = picture("760px")
        self.share_text = w.Text(description=_("settings"), style=style,
                                 layout=w.Layout(flex="1 1 300px", max_width="560px"))
        self.load_button = w.Button(description=_("Load"),
                                    tooltip=_("apply the settings string"))
        self.message = w.HTML()
        # Each challenge: a box, and its text beside it in a line that wraps on a narrow page
        # (a checkbox's own description is cut with "…" instead).
        tick = w.Layout(width="auto", flex="0 0 auto")
        self.challenge_boxes = [w.Checkbox(value=False, disabled=True, indent=False, layout=tick)
                                for _challenge in CHALLENGES]
        self.challenge_boxes.append(w.Checkbox(indent=False, layout=tick))
        texts = [_(text) for _dataset, _most, text in CHALLENGES]
        texts.append(_("Find a smaller network that still works."))
        self._challenge_rows = [
            w.HBox([box, w.HTML(html.escape(text), layout=w.Layout(flex="1 1 0", min_width="0"))],
                   layout=w.Layout(align_items="center"))
            for box, text in zip(self.challenge_boxes, texts, strict=True)
        ]

        self._figure = None
        self._seen = [None, 0, None]  # the training whose losses _top_loss read, how far, max
        axis = np.linspace(-6, 6, resolution)
        gx, gy = np.meshgrid(axis, axis)
        self._grid_points, self._grid_shape = np.column_stack([gx.ravel(), gy.ravel()]), gx.shape
        self._apply_to_widgets(settings)
        self._connect()
        self._new_data()
        self.widget = self._layout()

    # -- public API ----------------------------------------------------------------------
    @property
    def settings(self) -> PlaygroundSettings:
        """The settings currently chosen in the widgets."""
        c = self.controls
        layers = c["layers"].value
        return PlaygroundSettings(
            dataset=c["dataset"].value,
            noise=c["noise"].value,
            train_ratio=c["train_ratio"].value,
            batch_size=c["batch_size"].value,
            learning_rate=c["learning_rate"].value,
            activation=c["activation"].value,
            l2=c["l2"].value,
            hidden=tuple(s.value for s in self.neuron_sliders[:layers]),
            features=tuple(k for k, box in self.feature_boxes.items() if box.value),
            seed=self._seed,
            start=self._start,
        )

    @property
    def epoch(self) -> int:
        """Epochs trained since the last reset."""
        return self._state.epoch

    @property
    def history(self) -> dict[str, list[float]]:
        """Train and test loss after each epoch (copies)."""
        return {"loss": list(self._state.train_loss), "test_loss": list(self._state.test_loss)}

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs (mini-batches of the chosen size), then redraw."""
        epochs = whole_number("epochs", epochs, 1, 100_000)
        s = self.settings
        for _epoch in range(epochs):
            began = time.perf_counter()
            # One generator per network: step(300) and three step(100) give the same run.
            order = self._shuffle.permutation(len(self._x_train))
            for start in range(0, len(order), s.batch_size):
                batch = order[start : start + s.batch_size]
                self.model.step(self._x_train[batch], self._y_train[batch], s.learning_rate)
            self._state.epoch += 1
            self._record_losses()
            self._state.epoch_seconds.append(time.perf_counter() - began)
            if not np.isfinite(self._state.train_loss[-1]):
                self.pause()
                self.message.value = _(
                    "<b>The loss became NaN: the learning rate is too large.</b> "
                    "Choose a smaller one and press Reset."
                )
                break
        self._check_challenges()
        self.redraw()

    def reset(self) -> None:
        """Start again from new random weights at epoch 0 (the data stay the same)."""
        self._start += 1
        self._new_network()
        self.export_settings()

    def play(self) -> None:
        """Train continuously until :meth:`pause` (needs a running Jupyter kernel)."""
        if self._playing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.message.value = _("Play needs a running Jupyter kernel; use step(epochs) here.")
            return
        self._task = loop.create_task(self.run())

    def pause(self) -> None:
        """Stop a running Play after the current epoch."""
        self._playing = False
        self._set_play_button()

    async def run(self, max_epochs: int | None = None,
                  frames_per_second: float = FRAMES_PER_SECOND) -> None:
        """Train epoch by epoch, one picture each, at most ``frames_per_second`` a second.

        Between epochs it yields to the kernel, so that clicks get through; when an epoch
        and its picture take less than a frame, it waits out the rest of the frame. The
        frames keep to a steady clock, so a slow frame is made up by the next ones. A
        picture takes about 8 ms on a 2-core CPU, so at 30 frames a second drawing is a
        quarter of the time, and the browser receives at most 30 pictures (about 2 MB) a
        second instead of as many as the kernel can make.
        """
        rate = real_number("frames_per_second", frames_per_second, 0, low_open=True)
        self._playing = True
        self._set_play_button()
        done = 0
        next_frame = time.perf_counter()
        try:
            while self._playing and (max_epochs is None or done < max_epochs):
                self.step()
                done += 1
                next_frame = max(next_frame + 1 / rate, time.perf_counter() - 1 / rate)
                await asyncio.sleep(max(0.0, next_frame - time.perf_counter()))
        finally:
            self._playing = False
            self._set_play_button()

    def export_settings(self) -> str:
        """Return the current settings as a short string (also shown in the settings box)."""
        text = self.settings.to_string()
        self.share_text.value = text
        return text

    def import_settings(self, text: str | PlaygroundSettings) -> None:
        """Apply settings from :meth:`export_settings`; a bad string raises ValueError."""
        settings = PlaygroundSettings.from_string(text) if isinstance(text, str) else text
        self.pause()
        self._apply_to_widgets(settings)
        self._new_data()

    def redraw(self) -> bytes:
        """Draw the decision surface and the loss curves into the panel; returns the PNG."""
        start = time.perf_counter()
        self.last_png = self._draw()
        self.image.value = self.last_png
        self.draw_seconds += time.perf_counter() - start
        self.redraws += 1
        s = self._state
        test_acc = self.accuracy(test=True)
        # The browser test reads "epoch N ·" at the start of this line.
        self.status.value = _(
            "<b>epoch {epoch}</b> · training loss {train:.3f} · test loss {test:.3f} · "
            "test accuracy {accuracy:.0%}"
        ).format(epoch=grouped(s.epoch), train=s.train_loss[-1], test=s.test_loss[-1],
                 accuracy=test_acc)
        return self.last_png

    def accuracy(self, test: bool = True) -> float:
        """Share of test (or training) points classified correctly."""
        x, y = (self._x_test, self._y_test) if test else (self._x_train, self._y_train)
        predicted = (self.model.predict(x).ravel() >= 0.5).astype(int)
        return float((predicted == y.ravel()).mean())

    # -- data and network ----------------------------------------------------------------
    def _new_data(self) -> None:
        from neurona.data import load

        s = self.settings
        data = load(
            DATASETS[s.dataset],
            n_samples=self.n_samples,
            noise=s.noise / 100,
            test_size=1 - s.train_ratio / 100,
            seed=s.seed,
        )
        self._points_train, self._points_test = data.x_train, data.x_test
        self._labels_train, self._labels_test = data.y_train, data.y_test
        self._figure = None  # the scatter of points changes
        self._new_network()

    def _new_network(self) -> None:
        from neurona.scratch import MLP

        s = self.settings
        self._x_train = self._features(self._points_train)
        self._x_test = self._features(self._points_test)
        self._grid_features = self._features(self._grid_points)
        self._y_train = self._labels_train.reshape(-1, 1).astype(float)
        self._y_test = self._labels_test.reshape(-1, 1).astype(float)
        self.model = MLP(
            [len(s.features), *s.hidden, 1],
            activation=s.activation,
            output_activation="sigmoid",
            loss="binary_cross_entropy",
            init="glorot",
            l2=s.l2,
            seed=int(np.random.SeedSequence((s.seed, s.start)).generate_state(1)[0]),
        )
        self._shuffle = np.random.default_rng((s.seed, s.start, 1))
        self._state = _State()
        self._record_losses()
        self.message.value = ""
        self.redraw()

    def _features(self, points: np.ndarray) -> np.ndarray:
        columns = [FEATURES[key][1](points) for key in self.settings.features]
        return np.column_stack(columns).astype(float)

    def _record_losses(self) -> None:
        # The data loss alone (without the L2 term), as the Playground shows it; the accuracies
        # come from the same predictions, so they cost no second pass.
        loss = LOSSES["binary_cross_entropy"].value
        s = self._state
        for x, y, losses, accuracies in ((self._x_train, self._y_train, s.train_loss,
                                          s.train_accuracy),
                                         (self._x_test, self._y_test, s.test_loss,
                                          s.test_accuracy)):
            predicted = self.model.predict(x)
            losses.append(float(loss(predicted, y)))
            accuracies.append(float(((predicted.ravel() >= 0.5) == (y.ravel() >= 0.5)).mean()))

    def _check_challenges(self) -> None:
        s = self.settings
        neurons = sum(s.hidden)
        for box, (dataset, most, _text) in zip(self.challenge_boxes, CHALLENGES, strict=False):
            goal = SPIRAL_TEST_ACCURACY if dataset == "spiral" else GOAL_TEST_ACCURACY
            small_enough = most is None or neurons <= most
            deep_enough = dataset != "spiral" or len(s.hidden) >= 2
            if (
                s.dataset == dataset
                and small_enough
                and deep_enough
                and self.accuracy(test=True) >= goal
            ):
                box.value = True

    # -- widgets ---------------------------------------------------------------------------
    def _apply_to_widgets(self, s: PlaygroundSettings) -> None:
        self._syncing = True
        try:
            c = self.controls
            for name in (
                "dataset",
                "noise",
                "train_ratio",
                "batch_size",
                "learning_rate",
                "activation",
                "l2",
            ):
                c[name].value = getattr(s, name)
            c["layers"].value = len(s.hidden)
            for slider, n in zip(self.neuron_sliders, s.hidden, strict=False):
                slider.value = n
            for key, box in self.feature_boxes.items():
                box.value = key in s.features
            self._seed, self._start = s.seed, s.start
            self._show_layer_sliders()
            self.share_text.value = s.to_string()
        finally:
            self._syncing = False

    def _connect(self) -> None:
        data_keys = ("dataset", "noise", "train_ratio")
        network_keys = ("activation", "l2", "layers")

        def on_data(change):
            if not self._syncing:
                self.pause()
                self._new_data()
                self.export_settings()

        def on_network(change):
            if self._syncing:
                return
            self._show_layer_sliders()
            refused = not any(box.value for box in self.feature_boxes.values())
            if refused:
                self._syncing = True
                change["owner"].value = True  # at least one input feature
                self._syncing = False
            self.pause()
            self._new_network()
            self.export_settings()
            if refused:
                self.message.value = _("The network needs at least one input feature.")

        def on_training(change):
            if not self._syncing:
                self.export_settings()

        for key in data_keys:
            self.controls[key].observe(on_data, names="value")
        for key in network_keys:
            self.controls[key].observe(on_network, names="value")
        for key in ("learning_rate", "batch_size"):
            self.controls[key].observe(on_training, names="value")
        for slider in self.neuron_sliders:
            slider.observe(on_network, names="value")
        for box in self.feature_boxes.values():
            box.observe(on_network, names="value")

        self.play_button.on_click(lambda _: self.pause() if self._playing else self.play())
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: (self.pause(), self.reset()))
        self.load_button.on_click(lambda _: self._load_clicked())

    def _load_clicked(self) -> None:
        try:
            self.import_settings(self.share_text.value)
        except ValueError as err:
            self.message.value = _("<b>Cannot load these settings:</b> {error}").format(
                error=err)

    def _show_layer_sliders(self) -> None:
        layers = self.controls["layers"].value
        for k, slider in enumerate(self.neuron_sliders):
            slider.layout.display = None if k < layers else "none"

    def _set_play_button(self) -> None:
        playing = self._playing
        self.play_button.description = _("Pause") if playing else _("Play")
        self.play_button.icon = "pause" if playing else "play"
        self.play_button.button_style = "warning" if playing else "success"

    def _layout(self):
        import ipywidgets as w

        c = self.controls
        left = w.VBox(
            [
                w.HTML(_("<b>Data</b>")),
                c["dataset"],
                c["noise"],
                c["train_ratio"],
                w.HTML(_("<b>Features</b>")),
                w.HBox(
                    list(self.feature_boxes.values()),
                    layout=w.Layout(flex_flow="row wrap", width="340px"),
                ),
                w.HTML(_("<b>Network</b>")),
                c["layers"],
                *self.neuron_sliders,
                c["activation"],
                w.HTML(_("<b>Training</b>")),
                c["learning_rate"],
                c["batch_size"],
                c["l2"],
            ],
            layout=w.Layout(width="360px", flex="0 0 auto"),  # never squeezed
        )
        buttons = w.HBox([self.play_button, self.step_button, self.reset_button],
                         layout=w.Layout(flex_flow="row wrap"))
        # Beside the controls where the page is wide enough for the picture at its size,
        # under them on a laptop's notebook, shrunk to the page on a narrow one.
        right = w.VBox([buttons, self.status, self.image, self.message],
                       layout=w.Layout(flex="1 1 760px", min_width="0", max_width="764px"))
        share = w.HBox([self.share_text, self.load_button], layout=w.Layout(flex_flow="row wrap"))
        challenges = w.VBox(
            [w.HTML(_("<b>Challenges</b> (ticked when reached)")), *self._challenge_rows]
        )
        top = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))
        return w.VBox([top, share, challenges])

    # -- drawing -------------------------------------------------------------------------
    # Each frame is put together from arrays (see neurona.plots.raster): matplotlib draws
    # the frame (axes, ticks, labels, titles, grid) and the points once, and again only when
    # the data or the loss axes' limits change; per frame it draws just the two loss lines
    # and the legend over the saved frame, Pillow colours and upscales the 60x60 surface,
    # pastes the points on top and encodes the PNG. About 5 ms a frame instead of 100.
    def _draw(self) -> bytes:
        from neurona.plots.raster import canvas_image, png_bytes, surface_image

        if self._figure is None:
            self._build_figure()
        s = self._state
        limits = _loss_limits(self._top_loss(), len(s.train_loss))
        epochs = np.arange(len(s.train_loss))
        self._train_line.set_data(epochs, s.train_loss)
        self._test_line.set_data(epochs, s.test_loss)
        if limits != self._limits:
            self._draw_frame(limits)
        canvas = self._figure.canvas
        canvas.restore_region(self._loss_background)
        self._loss_axes.draw_artist(self._train_line)
        self._loss_axes.draw_artist(self._test_line)
        picture = self._frame.copy()
        picture.paste(canvas_image(canvas, self._loss_box), self._loss_box[:2])
        probability = self.model.predict(self._grid_features).reshape(self._grid_shape)
        left, top, right, bottom = self._surface_box
        picture.paste(surface_image(probability, self._colours, (right - left, bottom - top)),
                      (left, top))
        for layer, box in self._layers:  # the points over the surface, the legend over lines
            picture.paste(layer, box[:2], layer)
        return png_bytes(picture)

    def _top_loss(self) -> float | None:
        """Return the largest finite loss of this training, reading only the new values."""
        s = self._state
        if self._seen[0] is not s:
            self._seen = [s, 0, None]
        _state, done, top = self._seen
        for values in (s.train_loss[done:], s.test_loss[done:]):
            finite = [v for v in values if np.isfinite(v)]
            if finite:
                top = max(finite) if top is None else max(top, *finite)
        self._seen = [s, len(s.train_loss), top]
        return top

    def _draw_frame(self, limits: tuple[float, float]) -> None:
        """Draw what stays the same between frames, with the loss axes up to ``limits``.

        The first time, the whole figure and the layers of points and legend; afterwards
        only the loss axes (about half the cost), pasted right of the gap between the panels.
        """
        from neurona.plots.raster import canvas_image, canvas_layer, pixel_box

        self._loss_axes.set_xlim(0, limits[0])
        self._loss_axes.set_ylim(0, limits[1])
        canvas = self._figure.canvas
        first = self._frame is None
        self._surface_axes.set_visible(first or self._split is None)
        try:
            canvas.draw()  # all but the animated artists: points, lines, legend
        finally:
            self._surface_axes.set_visible(True)
        if first:
            self._frame = canvas_image(canvas)
            renderer = canvas.get_renderer()
            # Left of the split nothing changes; a title that reaches the loss panel (in a
            # longer language) leaves no split, and the whole frame is drawn each time.
            surface_end = self._surface_axes.get_tightbbox(renderer).x1
            loss_start = self._loss_axes.get_tightbbox(renderer).x0
            self._split = (int(np.ceil(surface_end)) + 1 if surface_end + 2 < loss_start
                           else None)
            self._surface_box = pixel_box(canvas, self._surface_axes)
            self._loss_box = pixel_box(canvas, self._loss_axes)
        elif self._split is None:
            self._frame = canvas_image(canvas)
        else:
            width, height = self._frame.size
            right = canvas_image(canvas, (self._split, 0, width, height))
            self._frame.paste(right, (self._split, 0))
        self._loss_background = canvas.copy_from_bbox(self._loss_axes.bbox)
        self._limits = limits
        # Last, as a layer clears the canvas: the points once, the legend where it hides
        # least of the curves as they are now ("best"), kept there until the next frame.
        if first:
            box = pixel_box(canvas, self._surface_axes, margin=2)
            self._points_layer = (canvas_layer(canvas, self._points, box), box)
        box = _legend_box(canvas, self._legend)
        self._layers = [self._points_layer,
                        (canvas_layer(canvas, [self._legend], box), box)]

    def _build_figure(self) -> None:
        from matplotlib.ticker import MaxNLocator

        from neurona.plots.raster import colour_table
        from neurona.plots.render import new_figure

        orange, blue = OKABE_ITO["orange"], OKABE_ITO["blue"]
        self._colours = colour_table([orange, "#ffffff", blue])
        fig = new_figure(10.5, 4.6, dpi=72)
        surface_axes = fig.add_axes((0.04, 0.1, 0.5, 0.82))
        loss_axes = fig.add_axes((0.64, 0.16, 0.33, 0.74))
        colors = np.array([orange, blue])
        # As in the web Playground: training points outlined in white, test points in black.
        # The points and the spines over them form one layer, drawn once; animated artists
        # stay out of the saved frame.
        self._points = []
        for points, labels, edge, label in (
            (self._points_train, self._labels_train, "white", _("training")),
            (self._points_test, self._labels_test, "black", _("test")),
        ):
            self._points.append(surface_axes.scatter(
                *points.T, c=colors[labels], s=22, edgecolors=edge, linewidths=0.9, label=label,
                animated=True))
        for spine in surface_axes.spines.values():
            spine.set_animated(True)
            self._points.append(spine)
        surface_axes.set_xlim(-6, 6)
        surface_axes.set_ylim(-6, 6)
        surface_axes.set_aspect("equal")  # as imshow made it: square cells
        surface_axes.set_xlabel("x₁")
        surface_axes.set_ylabel("x₂")
        surface_axes.set_title(
            _("orange: class 0, blue: class 1 · outline white: train, black: test"))
        (self._train_line,) = loss_axes.plot([], [], color="#333333", ls="-",
                                             label=_("training"), animated=True)
        (self._test_line,) = loss_axes.plot([], [], color="#333333", ls="--", label=_("test"),
                                            animated=True)
        loss_axes.set_xlabel(_("epoch"))
        loss_axes.set_ylabel(_("loss (binary cross-entropy)"))
        # The label keeps its place when the tick labels change (at most 4 characters with
        # these steps), so that redrawing the loss panel never moves it onto the surface's.
        loss_axes.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
        loss_axes.yaxis.set_label_coords(-0.15, 0.5)
        loss_axes.set_title(_("loss"))
        self._legend = loss_axes.legend(loc="best")
        self._legend.set_animated(True)
        loss_axes.grid(alpha=0.3)
        self._figure, self._surface_axes, self._loss_axes = fig, surface_axes, loss_axes
        self._limits, self._frame, self._split = None, None, None
        self._points_layer = None

    def __repr__(self) -> str:
        return f"Playground({self.settings.to_string()!r}, epoch={self.epoch})"

    def as_dict(self) -> dict:
        """Return the settings as a plain dictionary."""
        return asdict(self.settings)

    def record(self, name: str | None = None, *, ledger=None):
        """Add the training so far to the ledger as one finished run, and return it.

        A Playground trains by steps and presses, so it writes no run by itself; ``record``
        writes what happened since the last reset as a run like any other: the settings as
        hyper-parameters (``settings`` holds the whole string that reproduces the run), per
        epoch the training loss and accuracy and, on the test points, ``val_loss`` and
        ``val_accuracy`` (Keras's names for held-out data), each epoch's seconds of training
        (the drawing left out) and the NumPy device. A joined class's board receives it like
        every run of the ledger. Each call writes a new run; the Playground trains on.

        Parameters
        ----------
        name : str, optional
            The run's name; default ``playground 1``, ``playground 2``, ...
        ledger : Ledger, optional
            Where the run goes (default: the notebook's ``nr.ledger``).

        Returns
        -------
        RunRecord
            Status ``"finished"``, or ``"diverged"`` when the loss became NaN (the epochs
            before it are kept). The hyper-parameters are the settings now: a learning rate
            changed in the middle of the training is recorded as the last one chosen.

        Raises
        ------
        ValueError
            Nothing trained yet (epoch 0), or ``ledger`` or ``name`` of the wrong kind.

        Examples
        --------
        >>> pg = Playground("data=xor layers=3")
        >>> pg.step(10)
        >>> from neurona.runs import Ledger
        >>> run = pg.record("room: xor", ledger=Ledger())
        >>> run.hparams["layers"], run.epochs, run.metrics()
        ('3', 10, ['loss', 'val_loss', 'accuracy', 'val_accuracy'])
        """
        import sys

        from neurona import runs
        from neurona.scratch.perceptron import diverged_note, numpy_device

        target = runs.ledger if ledger is None else ledger
        if not isinstance(target, runs.Ledger):
            raise ValueError(_("ledger must be a neurona Ledger or None, got {kind}").format(
                kind=type(target).__name__))
        if name is not None and not isinstance(name, str):
            raise ValueError(_("name must be a string or None, got {name!r}").format(name=name))
        state, s = self._state, self.settings
        if state.epoch == 0:
            raise ValueError(_("nothing to record yet: train the Playground first, e.g. "
                               "step(100) or Play"))
        hparams = {
            "dataset": s.dataset,
            "layers": ",".join(map(str, s.hidden)),
            "hidden_neurons": sum(s.hidden),
            "activation": s.activation,
            "learning_rate": s.learning_rate,
            "batch_size": s.batch_size,
            "l2": s.l2,
            "features": ",".join(s.features),
            "noise": s.noise,
            "train_ratio": s.train_ratio,
            "seed": s.seed,
            "start": s.start,
            "epochs": state.epoch,
            "settings": s.to_string(),
        }
        record = runs.RunRecord(
            name=name or target.new_name("playground"),
            hparams=hparams,
            samples_per_epoch=len(self._x_train),
            device=numpy_device(),
            backend="numpy",
            versions={"python": sys.version.split()[0], "numpy": np.__version__},
            parameters=self.model.n_parameters,
        )
        status, note = "finished", ""
        for epoch in range(1, state.epoch + 1):
            if not np.isfinite(state.train_loss[epoch]):
                status = "diverged"
                note = diverged_note(state.train_loss[epoch], epoch, s.learning_rate)
                break
            record.add_epoch({"loss": state.train_loss[epoch], "val_loss": state.test_loss[epoch],
                              "accuracy": state.train_accuracy[epoch],
                              "val_accuracy": state.test_accuracy[epoch]},
                             state.epoch_seconds[epoch - 1])
        record.finish(status, note)
        return target.add(record)
