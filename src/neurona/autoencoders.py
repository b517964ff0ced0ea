"""Autoencoders: the 2019 thesis's presets and timings, and the plumbing around the lesson's models.

The thesis, de los Reyes (2019), trained one dense autoencoder,
784-1000-500-250-125-32-125-250-500-1000-784 with a mean-squared-error loss, under the
settings ("presets" I-XIII) of its Table 5.1 and sections 5.3-5.11, which vary batch size,
learning rate, initialisers, activations and optimizer. Its time table (Table 5.26) has 23
rows; the kit has 22 presets, because row VIII.a is described nowhere in the text.
:data:`PRESETS` is read from the shipped table ``autoencoder_framework_times.csv``, so that
the settings and the thesis's timings come from one place.

The networks are the lesson, so notebook 10 writes them: the dense autoencoder under any
preset, the convolutional one, the variational one with its sampling layer and KL loss. This
module runs the notebook's builder over several seeds (:func:`run_preset`, checking what it
builds), compares the times with the thesis's (:func:`thesis_times`, :func:`times_table`),
and holds the helpers for noise, the latent plane, reconstruction errors and anomaly detection.

The thesis's "uniform" and "normal" initialisers have two readings (:data:`INIT_READINGS`):
its text says uniform on [0, 1) and normal with variance 1; Keras 2's defaults were +-0.05
and standard deviation 0.05. :func:`make_initializer` and :func:`run_preset` take the
reading; the default is the text's.

Examples
--------
>>> import neurona as nr
>>> nr.autoencoders.preset("vii").label
'VII · batch 500 · Adam lr 0.001 · glorot_normal · relu, sigmoid out'
>>> nr.autoencoders.preset("I").finding
'lr 0.1 with sigmoid: the loss stays flat — it never learns'
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from neurona.i18n import N_, _, ngettext
from neurona.startup import quiet_retracing
from neurona.validate import one_of, real_number, whole_number

__all__ = [
    "ACTIVATIONS",
    "AnomalySplit",
    "DEFAULT_INIT_READING",
    "INITIALIZERS",
    "IMPLEMENTATIONS",
    "INIT_READINGS",
    "PRESETS",
    "PRESET_DATASETS",
    "Preset",
    "PresetResult",
    "THESIS_EPOCHS",
    "THESIS_SAMPLES",
    "add_noise",
    "anomaly_roc",
    "anomaly_split",
    "check_build",
    "check_dataset",
    "check_reading",
    "finite_stat",
    "latent_grid",
    "make_initializer",
    "preset",
    "reconstruction_errors",
    "run_preset",
    "thesis_times",
    "times_table",
]

#: Epochs of every thesis run (the timings in the table are for this many).
THESIS_EPOCHS = 1000
#: Training images of MNIST and Fashion-MNIST: what the thesis's epochs went through.
THESIS_SAMPLES = 60_000
#: Initialiser names of the thesis's presets that :func:`make_initializer` knows.
INITIALIZERS = ("uniform", "normal", "glorot_normal", "glorot_uniform", "he_normal")
#: The two readings of the thesis's "uniform" and "normal" initialisers (see
#: :func:`make_initializer`): ``"text"`` is what the thesis's text says, ``"keras2"`` is
#: Keras 2's defaults, the course's guess at what its Keras runs drew.
INIT_READINGS = {
    "text": N_("uniform on [0, 1), normal with mean 0 and standard deviation 1 "
               "(the thesis's text, sections 5.3 and 5.6)"),
    "keras2": N_("uniform on [-0.05, 0.05], normal with mean 0 and standard deviation 0.05 "
                 "(Keras 2's defaults; the course's reading, not the thesis's text)"),
}
#: The reading used when none is given: the one the thesis's text states.
DEFAULT_INIT_READING = "text"
#: The ``activation`` column of the table -> (hidden layers, output layer).
ACTIVATIONS = {
    "sigmoid": ("sigmoid", "sigmoid"),
    "relu+sigmoid_out": ("relu", "sigmoid"),
    "sigmoid+tanh_out": ("sigmoid", "tanh"),
}
#: Implementations timed in the thesis: columns of the table.
IMPLEMENTATIONS = ("tf", "theano", "keras_tf", "keras_theano")
#: The datasets the presets train on.
PRESET_DATASETS = ("mnist", "fashion_mnist")
_OPTIMIZER_NAMES = {
    "adam": "Adam",
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "rmsprop": "RMSprop",
    "adamax": "Adamax",
}

# What to look for in each preset, in one sentence. Where it states an outcome, it is the
# thesis's over 1,000 epochs (I: section 5.3; VI.a: 5.11.6; IX, X: 5.11.10-11; V, V.a, V.b: Table
# 5.26; VII: 5.13); a student's short run may differ, and the notebook prints what it got.
# Marked for translation, shown translated by the preset explorer: ``_(preset.finding)``.
_FINDINGS = {
    "I": N_("lr 0.1 with sigmoid: the loss stays flat — it never learns"),
    "II": N_("lr 0.01 with sigmoid: ten times smaller steps than I; does it leave the flat line?"),
    "III": N_("lr 0.001 with sigmoid: the reference for the sigmoid runs; slow to start"),
    "III.a": N_("lr 0.0001: ten times smaller steps than III, so even slower to get anywhere"),
    "IV": N_("normal instead of uniform initial weights and biases: compare with III"),
    "IV.a": N_(
        "uniform weights, normal biases: does the bias initialiser matter? Compare with III"),
    "IV.b": N_("normal weights, uniform biases: compare with IV and III"),
    "V": N_("batch 500 instead of 240: fewer, larger steps, so each epoch is faster"),
    "V.a": N_("batch 2000: the fastest epochs, but only a few steps per epoch"),
    "V.b": N_("batch 32: many small steps, so each epoch is several times slower"),
    "VI": N_("ReLU hidden layers with a sigmoid output: does it learn sooner than sigmoid (V)?"),
    "VI.a": N_("tanh output on [0, 1] pixels: half its range is useless, and the loss is worse"),
    "VII": N_("the thesis's best: batch 500, Glorot normal, Adam 0.001, ReLU + sigmoid output"),
    "VII.a": N_("Glorot uniform instead of normal: compare with VII"),
    "VII.b": N_("Glorot normal weights with normal biases: compare with VII"),
    "VII.c": N_("He normal, designed for ReLU: compare with VII"),
    "VIII": N_("lr 0.0001 with Adam: ten times smaller steps than VII, so slower to learn"),
    "IX": N_("plain SGD with lr 0.01: it lags far behind Adam (VII)"),
    "X": N_("Adagrad with lr 0.01: it lags behind Adam (VII)"),
    "XI": N_("Adadelta with lr 1.0: compare with Adam (VII) and SGD (IX)"),
    "XII": N_("RMSprop with lr 0.001: compare with Adam (VII) and SGD (IX)"),
    "XIII": N_("Adamax with lr 0.002: compare with Adam (VII) and SGD (IX)"),
}


# -- presets ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Preset:
    """One experiment of the thesis: the settings of a run of the dense autoencoder.

    Parameters
    ----------
    name : str
        Roman numeral of the experiment, e.g. ``"VII"`` or ``"V.b"``.
    batch_size : int
    learning_rate : float
    kernel_initializer, bias_initializer : str
        Initialisers of the weights and of the biases, by their thesis name
        (one of :data:`INITIALIZERS`).
    activation : str
        Activation of the hidden layers (the bottleneck included).
    output_activation : str
        Activation of the output layer.
    optimizer : str
        Keras optimizer name (one of :data:`neurona.models.OPTIMIZERS`).
    finding : str
        What a student should see when running it, in one sentence.

    Examples
    --------
    >>> PRESETS["IV.a"].kernel_initializer, PRESETS["IV.a"].bias_initializer
    ('uniform', 'normal')
    """

    name: str
    batch_size: int
    learning_rate: float
    kernel_initializer: str
    bias_initializer: str
    activation: str
    output_activation: str
    optimizer: str
    finding: str = ""

    @property
    def initializer(self) -> str:
        """The ``init`` column as the thesis wrote it (one name, or weights+bias)."""
        if self.kernel_initializer == self.bias_initializer:
            return self.kernel_initializer
        return f"weights {self.kernel_initializer}, bias {self.bias_initializer}"

    @property
    def uses_reading(self) -> bool:
        """Whether the weights or biases use ``"uniform"`` or ``"normal"``.

        Those two names have two readings (see :data:`INIT_READINGS`).

        Examples
        --------
        >>> [PRESETS[name].uses_reading for name in ("III", "VII.b", "VII")]
        [True, True, False]
        """
        return bool({self.kernel_initializer, self.bias_initializer} & {"uniform", "normal"})

    @property
    def optimizer_name(self) -> str:
        """The optimizer as Keras spells its class, for labels.

        Examples
        --------
        >>> PRESETS["VII"].optimizer_name
        'Adam'
        """
        return _OPTIMIZER_NAMES.get(self.optimizer, self.optimizer)

    @property
    def label(self) -> str:
        """One line for menus: ``VII · batch 500 · Adam lr 0.001 · glorot_normal · relu, ...``.

        In the kit's language (looked up each time it is read).
        """
        if self.kernel_initializer == self.bias_initializer:
            initializer = self.kernel_initializer
        else:
            initializer = _("weights {weights}, bias {bias}").format(
                weights=self.kernel_initializer, bias=self.bias_initializer)
        return _(
            "{name} · batch {batch} · {optimizer} lr {rate:g} · {initializer} · "
            "{hidden}, {output} out"
        ).format(name=self.name, batch=self.batch_size, optimizer=self.optimizer_name,
                 rate=self.learning_rate, initializer=initializer, hidden=self.activation,
                 output=self.output_activation)


def _presets() -> dict[str, Preset]:
    from neurona.reference import reference_table

    table = reference_table("autoencoder_framework_times")
    presets: dict[str, Preset] = {}
    for row in table.drop_duplicates("experiment").itertuples(index=False):
        kernel, bias = _split_init(str(row.init))
        hidden, output = ACTIVATIONS[str(row.activation)]
        presets[str(row.experiment)] = Preset(
            name=str(row.experiment),
            batch_size=int(row.batch_size),
            learning_rate=float(row.learning_rate),
            kernel_initializer=kernel,
            bias_initializer=bias,
            activation=hidden,
            output_activation=output,
            optimizer=str(row.optimizer),
            finding=_FINDINGS.get(str(row.experiment), ""),
        )
    return presets


def _split_init(init: str) -> tuple[str, str]:
    """``"glorot_normal"`` -> both; ``"weights_uniform+bias_normal"`` -> (uniform, normal)."""
    if "+" in init:
        weights, bias = init.split("+")
        kernel, bias = weights.removeprefix("weights_"), bias.removeprefix("bias_")
    else:
        kernel = bias = init
    for name in (kernel, bias):
        one_of("init", name, INITIALIZERS)
    return kernel, bias


quiet_retracing()

#: Every experiment of the thesis, by name (I, II, ..., VIII, III.a, ..., XIII).
PRESETS: dict[str, Preset] = _presets()


def preset(name: str | Preset) -> Preset:
    """Return a preset by name, in any case (``"vii"`` is ``"VII"``).

    Parameters
    ----------
    name : str or Preset
        Experiment name; a :class:`Preset` is returned as it is.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed ones.

    Examples
    --------
    >>> preset("v.b").batch_size
    32
    >>> preset("XIV")
    Traceback (most recent call last):
    ...
    ValueError: preset must be one of I, II, III, IV, V, VI, VII, VIII, III.a, IV.a, IV.b, V.a, V.b, VI.a, VII.a, VII.b, VII.c, IX, X, XI, XII, XIII; got 'XIV' (did you mean 'XI'?)
    """  # noqa: E501
    if isinstance(name, Preset):
        return name
    if isinstance(name, str):
        wanted = name.strip()
        for key, value in PRESETS.items():
            if key.lower() == wanted.lower():
                return value
    return PRESETS[one_of("preset", name, PRESETS)]  # nothing matched: this raises


# -- initialisers ---------------------------------------------------------------------------------
def make_initializer(name: str, seed: int | None = None, *, reading: str = DEFAULT_INIT_READING):
    """Build a Keras 3 initialiser from a thesis initialiser name.

    The thesis's "uniform" and "normal" have two readings (:data:`INIT_READINGS`):

    - ``reading="text"`` (the default): uniform on [0, 1) and normal with mean 0 and
      standard deviation 1, as the thesis's text says (sections 5.3 and 5.6: "entre 0 y 1",
      "centrada en 0 y con una varianza de 1"); these are also the defaults of TensorFlow 1's
      ``tf.random_uniform`` (which its TensorFlow code of section 4.2 calls) and of NumPy.
    - ``reading="keras2"``: Keras 2's defaults, uniform on [-0.05, 0.05] and normal with
      standard deviation 0.05. The thesis does not show the Keras code of these presets; this
      is the course's guess at what its Keras runs drew, not something the thesis states.

    Glorot and He initialisers mean the same in both readings.

    Parameters
    ----------
    name : str
        One of :data:`INITIALIZERS`.
    seed : int, optional
        Seed of the random values (None: a fresh draw each time).
    reading : str
        ``"text"`` or ``"keras2"``: which reading of "uniform" and "normal".

    Raises
    ------
    ValueError
        For an unknown name or reading; the message lists the allowed ones.

    Examples
    --------
    >>> u = make_initializer("uniform")
    >>> u.minval, u.maxval
    (0.0, 1.0)
    >>> make_initializer("normal", reading="keras2").stddev
    0.05
    >>> type(make_initializer("he_normal", seed=1)).__name__
    'HeNormal'
    >>> make_initializer("uniform", reading="keras3")
    Traceback (most recent call last):
    ...
    ValueError: reading must be one of text, keras2; got 'keras3' (did you mean 'keras2'?)
    """
    import keras

    reading = check_reading(reading)
    init = keras.initializers
    low, high, stddev = (0.0, 1.0, 1.0) if reading == "text" else (-0.05, 0.05, 0.05)
    makers = {
        "uniform": lambda: init.RandomUniform(low, high, seed=seed),
        "normal": lambda: init.RandomNormal(mean=0.0, stddev=stddev, seed=seed),
        "glorot_normal": lambda: init.GlorotNormal(seed=seed),
        "glorot_uniform": lambda: init.GlorotUniform(seed=seed),
        "he_normal": lambda: init.HeNormal(seed=seed),
    }
    return makers[one_of("initializer", name, INITIALIZERS)]()


def check_reading(reading: str, *, name: str = "reading") -> str:
    """Return ``reading`` if it is one of ``INIT_READINGS``, else raise a ValueError naming them.

    ``name`` is the argument's name in the message (``"init_reading"`` in :func:`run_preset`).

    Examples
    --------
    >>> check_reading("keras2")
    'keras2'
    >>> check_reading("Text", name="init_reading")
    Traceback (most recent call last):
    ...
    ValueError: init_reading must be one of text, keras2; got 'Text' (did you mean 'text'?)
    """
    return one_of(name, reading, INIT_READINGS)


# -- running presets ----------------------------------------------------------------------------
@dataclass
class PresetResult:
    """The runs of one preset over several seeds: per-epoch losses and times.

    Arrays are ``seeds x epochs``; a run that stopped early is padded with NaN.

    Attributes
    ----------
    preset : Preset
    seeds : tuple of int
    loss, val_loss, epoch_seconds : numpy.ndarray
    samples : int
        Training images per epoch.
    records : list of RunRecord
        The ledger entries, one per seed.
    init_reading : str
        The reading of "uniform" and "normal" the runs used (see :data:`INIT_READINGS`).
    models : list of keras.Model
        The trained models, one per seed (``models[-1]`` for reconstructions).
    """

    preset: Preset
    seeds: tuple[int, ...]
    loss: np.ndarray
    val_loss: np.ndarray
    epoch_seconds: np.ndarray
    samples: int
    records: list = field(default_factory=list)
    models: list = field(default_factory=list, repr=False)
    init_reading: str = DEFAULT_INIT_READING

    @property
    def name(self) -> str:
        """The preset's name, with the initialiser reading when it matters and is not the default.

        ``"III"``, ``"III (keras2)"``, ``"VII"`` (VII uses neither "uniform" nor "normal").
        """
        if self.preset.uses_reading and self.init_reading != DEFAULT_INIT_READING:
            return f"{self.preset.name} ({self.init_reading})"
        return self.preset.name

    @property
    def mean(self) -> np.ndarray:
        """Mean validation loss per epoch over the seeds."""
        return finite_stat(np.nanmean, self.val_loss)

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the validation loss per epoch over the seeds."""
        return finite_stat(np.nanstd, self.val_loss)

    @property
    def seconds_per_epoch(self) -> float:
        """Median wall time of the steady epochs (the first one, with compilation, left out)."""
        steady = self.epoch_seconds[:, 1:] if self.epoch_seconds.shape[1] > 1 else None
        values = steady if steady is not None and np.isfinite(steady).any() else self.epoch_seconds
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else math.nan

    @property
    def final_val_loss(self) -> tuple[float, float]:
        """Mean and standard deviation over the seeds of each run's last validation loss."""
        last = np.array([_last_finite(row) for row in self.val_loss])
        last = last[np.isfinite(last)]
        if not last.size:
            return math.nan, math.nan
        return float(last.mean()), float(last.std())

    def __repr__(self) -> str:
        mean, std = self.final_val_loss
        seeds = ngettext("{n} seed", "{n} seeds", len(self.seeds)).format(n=len(self.seeds))
        epochs = ngettext("{n} epoch", "{n} epochs", self.val_loss.shape[1]).format(
            n=self.val_loss.shape[1])
        return _(
            "PresetResult({name}, {seeds} x {epochs}, val_loss {mean:.4g} ± {std:.2g}, "
            "{seconds:.3g} s/epoch)"
        ).format(name=self.name, seeds=seeds, epochs=epochs, mean=mean, std=std,
                 seconds=self.seconds_per_epoch)


def check_build(build: Callable) -> Callable:
    """Return ``build`` if it can be a builder of autoencoders; raise a clear error if not.

    A builder is the notebook's function that makes the network for one preset:
    ``build(preset, init_reading=...)`` takes a :class:`Preset` and a reading of "uniform"
    and "normal" (see :data:`INIT_READINGS`) and returns a compiled Keras model whose output
    has the shape of its input. :func:`run_preset` checks the model it returns.

    Raises
    ------
    TypeError
        If ``build`` is not a function (or other callable).

    Examples
    --------
    >>> check_build(print) is print
    True
    >>> check_build("VII")
    Traceback (most recent call last):
    ...
    TypeError: build must be a function that takes a preset and returns a compiled Keras autoencoder, e.g. build=dense_autoencoder; got 'VII'
    """  # noqa: E501
    if not callable(build):
        raise TypeError(_(
            "build must be a function that takes a preset and returns a compiled Keras "
            "autoencoder, e.g. build=dense_autoencoder; got {build!r}"
        ).format(build=build))
    return build


def _build_name(build: Callable) -> str:
    """Name the builder in messages and the run record (``functools.partial`` unwrapped)."""
    name = getattr(getattr(build, "func", build), "__name__", "")
    if not name or name == "<lambda>":
        return "build"
    return name


def _built_autoencoder(build: Callable, chosen: Preset, init_reading: str, input_dim: int):
    """Call ``build`` for one preset and check that it gave a compiled ``input_dim`` autoencoder."""
    import keras

    name = _build_name(build)
    model = build(chosen, init_reading=init_reading)
    if not isinstance(model, keras.Model):
        message = (_("{name}({preset!r}) must return a Keras model (keras.Sequential or "
                     "keras.Model); it returned NoneType: does it end with `return model`?")
                   if model is None else
                   _("{name}({preset!r}) must return a Keras model (keras.Sequential or "
                     "keras.Model); it returned {kind}"))
        raise TypeError(message.format(name=name, preset=chosen.name, kind=type(model).__name__))
    if not getattr(model, "compiled", False):
        raise ValueError(_(
            "{name}({preset!r}) returned a model that is not compiled: call "
            "model.compile(optimizer=..., loss='mse') before returning it"
        ).format(name=name, preset=chosen.name))
    inputs = getattr(model, "inputs", None)
    if inputs:
        shape = tuple(inputs[0].shape[1:])
        if shape != (input_dim,):
            raise ValueError(_(
                "{name}({preset!r}) returned a model that takes inputs of shape "
                "{shape}, but the images are flat vectors of {pixels} pixels: its input "
                "must be keras.Input(({pixels},))"
            ).format(name=name, preset=chosen.name, shape=shape, pixels=input_dim))
    try:
        output = model(np.zeros((2, input_dim), dtype="float32"))
    except Exception as err:  # noqa: BLE001 - any failure here means a wrong shape
        raise ValueError(_(
            "{name}({preset!r}) returned a model that cannot take flat images of "
            "{pixels} pixels: {error}"
        ).format(name=name, preset=chosen.name, pixels=input_dim, error=err)) from err
    shape = tuple(getattr(output, "shape", ()))
    if shape != (2, input_dim):
        raise ValueError(_(
            "{name}({preset!r}) returned a model whose output has shape "
            "{shape}, not its input's {wanted}: an autoencoder must rebuild its input"
        ).format(name=name, preset=chosen.name, shape=(None, *shape[1:]),
                 wanted=(None, input_dim)))
    return model


def run_preset(
    preset: str | Preset,
    x_train,
    x_val,
    *,
    build: Callable,
    epochs: int,
    seeds: Iterable[int] = (0,),
    ledger=None,
    live: Any = False,
    callbacks: Sequence[Any] = (),
    stop: threading.Event | None = None,
    init_reading: str = DEFAULT_INIT_READING,
) -> PresetResult:
    """Train the notebook's autoencoder with one preset, once per seed, and collect the curves.

    For each seed, ``run_preset`` seeds every random generator (:func:`neurona.seed`), calls
    ``build(preset, init_reading=init_reading)`` to get a fresh compiled model, checks that it
    is an autoencoder of the images' size, and fits it with the preset's batch size, the
    images as their own targets. Each run is recorded in the ledger by
    :class:`neurona.Track` (named ``"VII · seed 0"``), so its times are measured like every
    other run of the course.

    Parameters
    ----------
    preset : str or Preset
        The experiment to run (see :data:`PRESETS`).
    x_train, x_val : numpy.ndarray
        Flat images ``(N, 784)`` in [0, 1]; the targets are the inputs.
    build : callable
        The notebook's builder: ``build(preset, init_reading=...)`` returns a compiled Keras
        model whose input and output are flat images (see :func:`check_build`).
    epochs : int
        Epochs per run (the thesis ran 1000).
    seeds : iterable of int
        One run per seed; the same seed gives the same run again.
    ledger : Ledger, optional
        Where the runs go; default ``neurona.ledger``.
    live : bool or LiveCurves
        Draw live learning curves while each run trains.
    callbacks : sequence of keras.callbacks.Callback
        Extra callbacks for every fit.
    stop : threading.Event, optional
        When set, the current run stops after its batch and no further seed starts.
    init_reading : str
        ``"text"`` (the default) or ``"keras2"``: which reading of the thesis's "uniform"
        and "normal" initialisers (see :func:`make_initializer`).

    Returns
    -------
    PresetResult

    Raises
    ------
    TypeError, ValueError
        If ``build`` returns no compiled Keras model, or one whose input or output is not a
        flat image of the data's size; the message says which.

    Examples
    --------
    >>> result = run_preset("VII", x_train, x_test, build=dense_autoencoder,
    ...                     epochs=5, seeds=(0, 1))                # doctest: +SKIP
    >>> result.mean, result.seconds_per_epoch                      # doctest: +SKIP
    """
    import keras

    from neurona.seeding import seed as seed_everything
    from neurona.tracking import NaNGuard, Track

    chosen = _preset_arg(preset)
    build = check_build(build)
    init_reading = check_reading(init_reading, name="init_reading")
    epochs = whole_number("epochs", epochs, 1)
    seeds = tuple(whole_number("seed", s, 0) for s in seeds)
    if not seeds:
        raise ValueError(_("seeds must name at least one seed, e.g. (0,) or (0, 1, 2)"))
    x_train, x_val = _flat_images(x_train, "x_train"), _flat_images(x_val, "x_val")
    from neurona.models import check_batch_size

    batch_size = min(chosen.batch_size, len(x_train))
    check_batch_size(batch_size, len(x_train))

    class _Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if stop is not None and stop.is_set():
                self.model.stop_training = True

    shape = (len(seeds), epochs)
    loss, val_loss, seconds = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    records, models = [], []
    for row, seed in enumerate(seeds):
        if stop is not None and stop.is_set() and records:
            break
        seed_everything(seed)  # the same seed gives the same initial weights and batches again
        model = _built_autoencoder(build, chosen, init_reading, x_train.shape[1])
        track = Track(
            f"{chosen.name} · seed {seed}",
            live=live,
            ledger=ledger,
            verbose=False,
            preset=chosen.name,
            seed=seed,
            initializer=chosen.initializer,
            init_reading=init_reading,
            activation=f"{chosen.activation}, {chosen.output_activation} out",
            build=_build_name(build),
        )
        model.fit(
            x_train,
            x_train,
            validation_data=(x_val, x_val),
            batch_size=batch_size,
            epochs=epochs,
            shuffle=True,
            verbose=0,
            callbacks=[track, NaNGuard(verbose=False), _Stop(), *callbacks],
        )
        record = track.record
        records.append(record)
        models.append(model)
        done = record.epochs
        loss[row, :done] = record.history.get("loss", [np.nan] * done)[:done]
        val_loss[row, :done] = record.history.get("val_loss", [np.nan] * done)[:done]
        seconds[row, :done] = record.epoch_seconds[:done]
    used = len(records)
    return PresetResult(
        preset=chosen,
        seeds=seeds[:used],
        loss=loss[:used],
        val_loss=val_loss[:used],
        epoch_seconds=seconds[:used],
        samples=len(x_train),
        records=records,
        models=models,
        init_reading=init_reading,
    )


def thesis_times(preset: str | Preset | None = None, dataset: str = "mnist"):
    """Return the thesis's time per epoch for each preset and implementation, in seconds.

    The table holds the mean Linux *user* time (CPU time of the process, all cores
    added up, not wall-clock time) of 1000 epochs on 60,000 images, on a machine with
    4 CPUs and a GPU; divided by 1000 here, it is CPU seconds per epoch.

    Parameters
    ----------
    preset : str or Preset, optional
        One preset (returns a pandas Series) or None for all (a DataFrame).
    dataset : str
        ``"mnist"`` or ``"fashion_mnist"``.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Indexed by experiment; columns ``batch_size`` and ``tf``, ``theano``,
        ``keras_tf``, ``keras_theano`` in CPU seconds per epoch (NaN where not measured).

    Examples
    --------
    >>> round(float(thesis_times("VII")["keras_tf"]), 3)
    1.119
    >>> thesis_times(dataset="cifar10")
    Traceback (most recent call last):
    ...
    ValueError: dataset must be one of mnist, fashion_mnist; got 'cifar10'
    """
    from neurona.reference import reference_table

    check_dataset(dataset)
    table = reference_table("autoencoder_framework_times")
    table = table[table.dataset == dataset].set_index("experiment")
    times = table[["batch_size", *IMPLEMENTATIONS]].copy()
    times[list(IMPLEMENTATIONS)] = times[list(IMPLEMENTATIONS)] / THESIS_EPOCHS
    times.attrs["source"] = table.attrs.get("source", "")
    if preset is None:
        return times
    return times.loc[_preset_arg(preset).name]


def times_table(results: Iterable[PresetResult], dataset: str = "mnist"):
    """Our time per epoch beside the thesis's, one row per preset.

    Our numbers are wall-clock seconds on this machine for the images we trained on,
    also scaled to the thesis's 60,000 images per epoch; the thesis's are CPU (user)
    seconds per epoch, which on a multi-core machine can exceed wall time.

    Parameters
    ----------
    results : iterable of PresetResult
        From :func:`run_preset`, one per preset.
    dataset : str
        Which of the thesis's two tables to compare with.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    thesis = thesis_times(dataset=dataset)
    rows = []
    for result in results:
        if not isinstance(result, PresetResult):
            raise TypeError(_("times_table takes PresetResult objects, got {kind}").format(
                kind=type(result).__name__))
        name = result.preset.name
        mean, std = result.final_val_loss
        ours = result.seconds_per_epoch
        rows.append(
            {
                "preset": result.name,
                "batch": result.preset.batch_size,
                "seeds": len(result.seeds),
                "epochs": result.val_loss.shape[1],
                "images": result.samples,
                "our s/epoch (wall)": ours,
                "ours scaled to 60k": ours * THESIS_SAMPLES / result.samples,
                "thesis keras_tf s/epoch (CPU)": thesis.loc[name, "keras_tf"],
                "thesis tf s/epoch (CPU)": thesis.loc[name, "tf"],
                "final val loss": mean,
                "± (std over seeds)": std,
            }
        )
    return pd.DataFrame(rows).set_index("preset") if rows else pd.DataFrame()


# -- noise and the latent plane -------------------------------------------------------------------
def add_noise(x, level: float, seed: int | None = None) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``level`` and clip back to [0, 1].

    Parameters
    ----------
    x : array-like
        Images with pixels in [0, 1].
    level : float
        Standard deviation of the noise, from 0 (none) to 1.
    seed : int, optional
        Seed of the noise: the same seed gives the same noisy images.

    Returns
    -------
    numpy.ndarray
        float32, same shape as ``x``.

    Examples
    --------
    >>> noisy = add_noise(np.full((2, 3), 0.5), 0.1, seed=0)
    >>> noisy.shape, noisy.dtype.name, bool((noisy >= 0).all() and (noisy <= 1).all())
    ((2, 3), 'float32', True)
    """
    level = real_number("level", level, 0, 1, note=_("the noise's standard deviation"))
    array = np.asarray(x, dtype="float32")
    rng = np.random.default_rng(seed)
    noisy = array + float(level) * rng.standard_normal(array.shape).astype("float32")
    return np.clip(noisy, 0.0, 1.0)


def latent_grid(decoder, n: int = 15, span: float | tuple[float, float] = 2.5) -> np.ndarray:
    """Decode an ``n x n`` grid of points of a 2-D latent plane into images.

    Row 0 is the top of the plane (largest second coordinate), column 0 its left.

    Parameters
    ----------
    decoder : keras.Model
        Maps ``(N, 2)`` codes to images (``(N, 28, 28)`` or flat ``(N, 784)``).
    n : int
        Points per side.
    span : float or (low, high)
        The grid covers ``-span .. span`` (or ``low .. high``) on both axes.

    Returns
    -------
    numpy.ndarray
        ``(n, n, 28, 28)``.

    Examples
    --------
    >>> import keras
    >>> decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(784, "sigmoid")])
    >>> latent_grid(decoder, n=3).shape
    (3, 3, 28, 28)
    """
    n = whole_number("n", n, 2)
    if isinstance(span, numbers.Real) and not isinstance(span, bool):
        span = real_number("span", span, 0, low_open=True)
        low, high = -span, span
    else:
        try:
            low, high = (float(v) for v in span)
        except (TypeError, ValueError):
            raise ValueError(
                _("span must be a number > 0 or a pair (low, high); got {span!r}").format(span=span)
            ) from None
        if not low < high:
            raise ValueError(
                _("span must be a pair with low < high; got {span!r}").format(span=span))
    inputs = getattr(decoder, "inputs", None)
    if not inputs or inputs[0].shape[-1] != 2:
        raise ValueError(
            _("latent_grid needs a decoder of 2-D codes (a VAE with latent_dim=2)"))
    xs = np.linspace(low, high, n)
    ys = np.linspace(high, low, n)
    codes = np.array([[x, y] for y in ys for x in xs], dtype="float32")
    images = np.asarray(decoder.predict(codes, batch_size=1024, verbose=0))
    side = int(round(math.sqrt(images[0].size)))
    return images.reshape(n, n, side, side)


# -- reconstruction error and anomaly detection -----------------------------------------------
def reconstruction_errors(model, x, batch_size: int = 512) -> np.ndarray:
    """Mean squared error between each input and its reconstruction.

    Parameters
    ----------
    model : keras.Model
        An autoencoder: its output has the shape of its input.
    x : array-like
        The inputs, pixels in [0, 1].
    batch_size : int
        Samples per prediction step.

    Returns
    -------
    numpy.ndarray
        One error per sample, ``(N,)``.

    Examples
    --------
    >>> import keras
    >>> identity = keras.Sequential([keras.Input((4,)), keras.layers.Identity()])
    >>> reconstruction_errors(identity, np.ones((3, 4))).tolist()
    [0.0, 0.0, 0.0]
    """
    x = np.asarray(x, dtype="float32")
    if x.ndim < 2 or not len(x):
        raise ValueError(_("x must hold at least one sample, shaped (N, ...); got {shape}").format(
            shape=x.shape))
    output = np.asarray(model.predict(x, batch_size=batch_size, verbose=0))
    if output.size != x.size:
        raise ValueError(_(
            "the model's output {output} does not match its input {input}: is it an autoencoder?"
        ).format(output=output.shape, input=x.shape))
    diff = (output.reshape(len(x), -1) - x.reshape(len(x), -1)) ** 2
    return diff.mean(axis=1)


@dataclass
class AnomalySplit:
    """Data for anomaly detection: train on "normal" classes only, score every test image.

    Attributes
    ----------
    x_train : numpy.ndarray
        Training images of the normal classes, float32 in [0, 1].
    x_test : numpy.ndarray
        All test images, float32 in [0, 1].
    y_test : numpy.ndarray
        Their classes.
    is_anomaly : numpy.ndarray
        True for test images of a class not seen in training.
    normal_classes : tuple of int
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    is_anomaly: np.ndarray
    normal_classes: tuple[int, ...]


def anomaly_split(data, normal_classes: Iterable[int], n_train: int | None = None) -> AnomalySplit:
    """Keep the training images of ``normal_classes``; mark the other test images anomalies.

    Parameters
    ----------
    data : Dataset
        An image dataset from :func:`neurona.load` (pixels 0-255).
    normal_classes : iterable of int
        Classes the autoencoder learns; at least one, not all.
    n_train : int, optional
        Keep only the first ``n_train`` normal training images.

    Returns
    -------
    AnomalySplit

    Examples
    --------
    >>> split = anomaly_split(data, normal_classes=[0, 1, 2])  # doctest: +SKIP
    >>> split.is_anomaly.mean()                                # doctest: +SKIP
    """
    n_classes = int(max(data.y_train.max(), data.y_test.max())) + 1
    normal = tuple(sorted({
        whole_number(f"normal_classes[{i}]", c, 0, n_classes - 1, note=_("a class number"))
        for i, c in enumerate(normal_classes)
    }))
    if not normal:
        raise ValueError(_("normal_classes must name at least one class, e.g. [0, 1, 2]"))
    if len(normal) == n_classes:
        raise ValueError(
            _("normal_classes must leave out at least one class to be the anomalies"))
    keep = np.isin(data.y_train, normal)
    x_train = data.x_train[keep]
    if n_train is not None:
        x_train = x_train[: whole_number("n_train", n_train, 1)]
    return AnomalySplit(
        x_train=x_train.astype("float32") / 255.0,
        x_test=data.x_test.astype("float32") / 255.0,
        y_test=np.asarray(data.y_test),
        is_anomaly=~np.isin(data.y_test, normal),
        normal_classes=normal,
    )


def anomaly_roc(errors, is_anomaly) -> tuple[np.ndarray, np.ndarray, float]:
    """ROC curve of "reconstruction error above a threshold means anomaly".

    Parameters
    ----------
    errors : array-like
        Anomaly scores, one per sample (higher = more anomalous).
    is_anomaly : array-like of bool
        The truth, one per sample; both kinds must be present.

    Returns
    -------
    fpr, tpr : numpy.ndarray
        False and true positive rates, one per threshold.
    auc : float
        Area under the curve: 0.5 is guessing, 1 is perfect.

    Examples
    --------
    >>> fpr, tpr, auc = anomaly_roc([0.1, 0.2, 0.8, 0.9], [False, False, True, True])
    >>> auc
    1.0
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    scores = np.asarray(errors, dtype=float).ravel()
    truth = np.asarray(is_anomaly).ravel()
    if scores.shape != truth.shape:
        raise ValueError(_(
            "errors and is_anomaly must have one value per sample; got {scores} and {truth}"
        ).format(scores=scores.size, truth=truth.size))
    if truth.dtype != bool:
        if not np.isin(truth, (0, 1)).all():
            raise ValueError(_("is_anomaly must be True/False (or 1/0) for each sample"))
        truth = truth.astype(bool)
    if truth.all() or not truth.any():
        raise ValueError(
            _("is_anomaly must contain both normal (False) and anomalous (True) samples"))
    if not np.isfinite(scores).all():
        raise ValueError(_("errors must be finite numbers"))
    fpr, tpr, _thresholds = roc_curve(truth, scores)
    return fpr, tpr, float(roc_auc_score(truth, scores))


# -- helpers --------------------------------------------------------------------------------------
def _preset_arg(value: str | Preset) -> Preset:
    if isinstance(value, Preset):
        return value
    return preset(value)


def _flat_images(x, name: str) -> np.ndarray:
    array = np.asarray(x, dtype="float32")
    if array.ndim < 2 or not len(array):
        raise ValueError(_("{name} must be images (N, 784) or (N, 28, 28); got shape {shape}")
                         .format(name=name, shape=array.shape))
    return array.reshape(len(array), -1)


def check_dataset(dataset: str) -> str:
    """Return ``dataset`` if the presets train on it (``PRESET_DATASETS``), else raise a ValueError.

    Examples
    --------
    >>> check_dataset("fashion_mnist")
    'fashion_mnist'
    """
    return one_of("dataset", dataset, PRESET_DATASETS)


def finite_stat(function: Callable, values: np.ndarray) -> np.ndarray:
    """Apply ``function`` to each column of ``values`` (seeds x epochs), ignoring NaN and inf.

    A column with no finite value gives NaN: a run that stopped early leaves its last epochs empty.

    Examples
    --------
    >>> finite_stat(np.mean, np.array([[1.0, np.nan], [3.0, np.nan]]))
    array([ 2., nan])
    """
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        column = values[:, j][np.isfinite(values[:, j])]
        if column.size:
            out[j] = function(column)
    return out


def _last_finite(row: np.ndarray) -> float:
    finite = row[np.isfinite(row)]
    return float(finite[-1]) if finite.size else math.nan
