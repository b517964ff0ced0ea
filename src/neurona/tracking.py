"""Tracking trainings: Keras callbacks for timing, live curves and the divergence guard.

They are ordinary ``keras.callbacks.Callback`` objects, so they work with any
``model.fit`` on any Keras 3 backend:

>>> model.fit(x, y, epochs=5, callbacks=nr.callbacks("first model"))  # doctest: +SKIP

While a fit runs, :func:`record_of` gives its run record to the other callbacks of the same
fit (the divergence guard, a panel's Stop button, a student's own callback), and the fits
in progress are known here, so that a run cut off by an interrupt is closed after its cell
(:func:`watch_interrupts`).
"""

from __future__ import annotations

import math
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import keras

from neurona.i18n import _
from neurona.plots.live import LiveCurves
from neurona.runs import Ledger, RunRecord, _epochs
from neurona.runs import ledger as default_ledger
from neurona.validate import whole_number

__all__ = ["Track", "NaNGuard", "callbacks"]


class Track(keras.callbacks.Callback):
    """Record one training in the ledger: per-epoch metrics, wall times, device, versions.

    The first epoch (which includes tracing and compilation) is kept apart from the steady
    epochs, samples/s is computed from the batch size and data size that ``fit`` was given,
    and with ``live=True`` the learning curves redraw in place while the model trains
    (drawing time is measured and kept out of the epoch times).

    Parameters
    ----------
    name : str, optional
        Label of the run in tables and legends; default ``run 1``, ``run 2``, ...
    live : bool or LiveCurves
        Draw live learning curves; pass a :class:`neurona.LiveCurves` to choose how often.
    ledger : Ledger, optional
        Where the run goes; default the notebook-wide ``neurona.ledger``.
    metrics : list of str, optional
        Base metrics the live view shows (default: all).
    verbose : bool
        Print a one-line summary when training ends.
    resume : RunRecord, optional
        A finished run to go on with, for a training resumed from a checkpoint: ``fit``
        must start at ``initial_epoch=resume.epochs``, and its epochs are appended to this
        record (which joins ``ledger`` if it is not there yet) instead of making a new one.
        The record may come from a ledger saved with the checkpoint
        (:meth:`neurona.Ledger.to_csv`, read back with :meth:`neurona.Ledger.read_csv`).
        ``name``, if given, renames it.
    samples_per_epoch : int, optional
        Training samples in one epoch, for the samples per second. Read from the arrays
        ``fit`` is given; pass it when ``fit`` trains on a dataset (a ``tf.data`` pipeline),
        whose size Keras does not tell its callbacks.
    **hparams
        Extra hyper-parameters to store with the run (e.g. ``units=512``). Batch size,
        epochs, optimizer, learning rate and loss are read from the model and from ``fit``.

    Attributes
    ----------
    record : RunRecord or None
        The record of the current (or last) training.
    view : LiveCurves or None
        The live view, when ``live`` is true.

    Examples
    --------
    >>> track = nr.Track("relu", units=512)                    # doctest: +SKIP
    >>> model.fit(x, y, epochs=5, callbacks=[track])           # doctest: +SKIP
    >>> track.record.steady_epoch_seconds                      # doctest: +SKIP

    A training saved after 3 epochs, loaded and continued (notebook 09):

    >>> part = nr.Ledger.read_csv("checkpoint_runs.csv")["source"]     # doctest: +SKIP
    >>> model = keras.models.load_model("checkpoint.keras")            # doctest: +SKIP
    >>> model.fit(x, y, initial_epoch=3, epochs=6,
    ...           callbacks=[nr.Track(resume=part)])                   # doctest: +SKIP
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        live: bool | LiveCurves = True,
        ledger: Ledger | None = None,
        metrics: list[str] | None = None,
        verbose: bool = True,
        resume: RunRecord | None = None,
        samples_per_epoch: int | None = None,
        **hparams: Any,
    ):
        super().__init__()
        if name is not None and not isinstance(name, str):
            raise TypeError(_("name must be a string, got {kind}").format(kind=type(name).__name__))
        if resume is not None and not isinstance(resume, RunRecord):
            raise TypeError(
                _("resume must be the RunRecord of the run to go on with (e.g. "
                  "nr.Ledger.read_csv(path)['its name']), got {kind}").format(
                    kind=type(resume).__name__)
            )
        self.name = name
        self.resume = resume
        self.live = live
        self.ledger = default_ledger if ledger is None else ledger
        self.metrics = metrics
        self.verbose = verbose
        self.hparams = hparams
        self.samples_per_epoch = (None if samples_per_epoch is None
                                  else whole_number("samples_per_epoch", samples_per_epoch, 1))
        self.record: RunRecord | None = None
        self.view = None
        self._epoch_start = 0.0
        self._batches = 0

    # -- Keras hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        from neurona.hardware import compute_device

        fit_args = _fit_arguments(self.model)
        steps = self.params.get("steps")
        samples = self.samples_per_epoch or _samples_per_epoch(fit_args, steps)
        hparams = {**_model_hparams(self.model, fit_args, self.params), **self.hparams}
        if self.resume is not None:
            self._go_on(self.resume, fit_args, hparams)
            return
        self.record = RunRecord(
            name=self.name or self.ledger.new_name(),
            hparams=hparams,
            samples_per_epoch=samples,
            device=compute_device(),
            backend=keras.backend.backend(),
            versions=_versions(),
            parameters=_count_params(self.model),
        )
        self.record.hparams.setdefault("steps_per_epoch", steps)
        self._start()

    def _go_on(self, record: RunRecord, fit_args: dict[str, Any], hparams: dict[str, Any]) -> None:
        """Append this fit to ``record``, a run resumed from a checkpoint."""
        record.resume(int(fit_args.get("initial_epoch") or 0))   # refuses a gap or an overlap
        if self.name is not None:
            record.name = self.name
        # What this part was given (epochs: the new total) overrides; the rest is kept.
        record.hparams.update(hparams)
        self.record = record
        self._start()

    def _start(self) -> None:
        self.ledger.add(self.record)
        # Other callbacks of the same fit (NaNGuard, the Trainer's Stop) find it: record_of.
        fit_started(self.record, self.model)
        watch_interrupts(self.ledger)
        if isinstance(self.live, LiveCurves):
            self.view = self.live
        elif self.live:
            self.view = LiveCurves(metrics=self.metrics)

    def on_epoch_begin(self, epoch, logs=None):
        self._batches = 0
        self._epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1
        self.record.partial_batches = self._batches

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._epoch_start
        steps = self.params.get("steps")
        if steps and self._batches < steps and self.model.stop_training:
            cut = _("last epoch cut short after {done}/{steps} batches").format(
                done=self._batches, steps=steps)
            self.record.note = f"{self.record.note}; {cut}" if self.record.note else cut
        self.record.add_epoch(_floats(logs), seconds)
        self._redraw(final=False)

    def on_train_end(self, logs=None):
        record = self.record
        fit_ended(record)
        if record.status == "running":
            planned = record.hparams.get("epochs")
            if self.model.stop_training and planned and record.epochs < planned:
                record.finish("stopped", record.note or _("stopped after {epochs}").format(
                    epochs=_epochs(record.epochs)))
            else:
                record.finish("finished")
        self._redraw(final=True)
        if self.verbose:
            print(record.summary())

    # -- helpers ---------------------------------------------------------------------------
    def _redraw(self, final: bool) -> None:
        if self.view is None:
            return
        start = time.perf_counter()
        self.view.update(self.record, final=final)
        self.record.overhead_seconds += time.perf_counter() - start


class NaNGuard(keras.callbacks.Callback):
    """Stop a diverging run (loss NaN or infinite) and say why in one line.

    The history up to the divergence stays in the run record (status ``diverged``: the
    record that a :class:`Track` of the same fit writes, found with :func:`record_of`) and
    the model keeps its last weights, so nothing is lost; the message suggests the usual
    cure, a smaller learning rate.

    Examples
    --------
    >>> model.fit(x, y, callbacks=[nr.Track(), nr.NaNGuard()])  # doctest: +SKIP
    """

    def __init__(self, verbose: bool = True):
        super().__init__()
        self.verbose = verbose
        self.stopped_at: tuple[int, int] | None = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        self.model.stop_training = True
        self.stopped_at = (self._epoch + 1, batch + 1)
        message = _("training stopped in epoch {epoch}, batch {batch}: the loss became {loss}")
        message = message.format(epoch=self._epoch + 1, batch=batch + 1, loss=float(loss))
        rate = _learning_rate(self.model)
        cure = ""
        if rate:
            cure = "; " + _("the learning rate ({rate:g}) is probably too large: try 10x smaller"
                            ).format(rate=rate)
        record = record_of(self.model)
        if record is not None and record.status == "running":
            record.finish("diverged", message)
        if self.verbose:
            print(f"neurona: {message}{cure}. " + _("The history up to here is kept."))


def callbacks(
    name: str | None = None,
    *,
    live: bool = True,
    guard: bool = True,
    ledger: Ledger | None = None,
    resume: RunRecord | None = None,
    verbose: bool = True,
    **hparams: Any,
) -> list[keras.callbacks.Callback]:
    """Return the course's standard callbacks for ``model.fit``: tracking, live curves, NaN guard.

    Parameters
    ----------
    name : str, optional
        Label of the run.
    live : bool
        Draw live learning curves.
    guard : bool
        Stop the run if the loss becomes NaN or infinite.
    ledger : Ledger, optional
        Where the run goes (default ``neurona.ledger``).
    resume : RunRecord, optional
        A run to go on with after loading a checkpoint; ``fit`` starts at
        ``initial_epoch=resume.epochs`` (see :class:`Track`).
    verbose : bool
        Print the run's one-line summary when training ends.
    **hparams
        Extra hyper-parameters to store with the run.

    Returns
    -------
    list of keras.callbacks.Callback

    Examples
    --------
    >>> history = model.fit(x, y, epochs=5, callbacks=nr.callbacks("first model"))  # doctest: +SKIP
    """
    chosen: list[keras.callbacks.Callback] = [
        Track(name, live=live, ledger=ledger, verbose=verbose, resume=resume, **hparams)
    ]
    if guard:
        chosen.append(NaNGuard())
    return chosen


# -- fits in progress -------------------------------------------------------------------------
@dataclass
class _Fit:
    record: RunRecord
    thread: threading.Thread
    model: weakref.ref | None  # weak: a fit cut off by an interrupt must not keep its model


# Fits in progress, by the id of their record (held, so that the id stays unique). A fit cut
# off by an interrupt never ends here: that is how it shows.
_FITS: dict[int, _Fit] = {}

# (shell, ledger) pairs whose after-cell hook is registered.
_WATCHED: list[tuple[Any, Ledger]] = []


def fit_started(record: RunRecord, model=None) -> None:
    """Note that a fit of ``model`` writing ``record`` runs in this thread (Track calls this)."""
    _FITS[id(record)] = _Fit(record, threading.current_thread(),
                             None if model is None else weakref.ref(model))  # fmt: skip


def fit_ended(record: RunRecord) -> None:
    """Note that the fit writing ``record`` has ended normally."""
    _FITS.pop(id(record), None)


def still_training(record: RunRecord) -> bool:
    """Whether ``record``'s fit is running now in another, live thread (a widget's run).

    A fit in the thread that asks has been cut off: that thread is busy asking.
    """
    fit = _FITS.get(id(record))
    if fit is None:
        return False
    return fit.thread.is_alive() and fit.thread is not threading.current_thread()


def record_of(model) -> RunRecord | None:
    """Return the run record that a :class:`Track` writes for the fit now training ``model``.

    Keras gives every callback of a fit the model (``self.model``) but not the other
    callbacks; this is how they find the record (NaNGuard marks it ``diverged``).

    Parameters
    ----------
    model : keras.Model
        The model being trained.

    Returns
    -------
    RunRecord or None
        The record of the fit in progress (the latest, if several Tracks write one), or
        None when no tracked fit of ``model`` is running.

    Examples
    --------
    >>> class Report(keras.callbacks.Callback):                # doctest: +SKIP
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(record_of(self.model).epochs, "epochs recorded")
    """
    for fit in reversed(_FITS.values()):
        if fit.model is not None and fit.model() is model:
            return fit.record
    return None


def watch_interrupts(ledger: Ledger) -> None:
    """After every notebook cell, mark runs that were cut off by an interrupt.

    Ctrl-C (or the kernel's stop button) raises ``KeyboardInterrupt`` inside ``model.fit``;
    Keras then never calls ``on_train_end``. The record already holds every finished
    epoch, so the only thing missing is its status: this hook closes it as
    ``interrupted`` and says so in one line. Runs training in a background thread (the
    Trainer panel's) are left alone. Outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is None or any(s is shell and w is ledger for s, w in _WATCHED):
        return

    def close_runs(result=None) -> None:
        for run in ledger.close_open_runs("interrupted", keep=still_training):
            _FITS.pop(id(run), None)
            print("neurona: " + _("'{name}' was {note}. Its history is in the ledger.").format(
                name=run.name, note=run.note))

    shell.events.register("post_run_cell", close_runs)
    _WATCHED.append((shell, ledger))


# -- reading what fit was given ---------------------------------------------------------------
def _fit_arguments(model) -> dict[str, Any]:
    """Return the local variables of the ``fit`` call that is training ``model``, if any.

    Keras does not pass the batch size or data size to callbacks; reading them from
    ``fit``'s frame spares students from repeating them.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
            return dict(frame.f_locals)
        frame = frame.f_back
    return {}


def _samples_per_epoch(fit_args: dict[str, Any], steps: int | None) -> int | None:
    batch_size = fit_args.get("batch_size")
    x = fit_args.get("x")
    if isinstance(x, dict):
        x = next(iter(x.values()), None)
    elif isinstance(x, (list, tuple)) and x and hasattr(x[0], "shape"):
        x = x[0]
    n = int(x.shape[0]) if hasattr(x, "shape") and len(getattr(x, "shape", ())) else None
    if n is not None:
        if steps and batch_size:
            return min(n, steps * batch_size)
        return n
    if steps and batch_size:
        return steps * batch_size
    return None


def _model_hparams(model, fit_args: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    hp: dict[str, Any] = {}
    x = fit_args.get("x")
    batch_size = fit_args.get("batch_size")
    if batch_size is None and hasattr(x, "shape"):
        batch_size = 32  # what Keras uses for arrays when none is given
    if batch_size is not None:
        hp["batch_size"] = batch_size
    hp["epochs"] = params.get("epochs") or fit_args.get("epochs")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        hp["optimizer"] = type(optimizer).__name__.lower()
        rate = _learning_rate(model)
        if rate is not None:
            hp["learning_rate"] = rate
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        hp["loss"] = loss
    elif loss is not None:
        hp["loss"] = getattr(loss, "name", type(loss).__name__)
    split = fit_args.get("validation_split")
    if split:
        hp["validation_split"] = split
    return hp


def _learning_rate(model) -> float | None:
    optimizer = getattr(model, "optimizer", None)
    rate = getattr(optimizer, "learning_rate", None)
    if hasattr(rate, "numpy"):  # a Keras variable
        rate = rate.numpy()
    try:
        return float(rate)
    except (TypeError, ValueError):
        return None  # a schedule object: no single number


def _count_params(model) -> int | None:
    try:
        return int(model.count_params())
    except ValueError:  # a model that is not built yet
        return None


def _floats(logs: dict | None) -> dict[str, float]:
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def _versions() -> dict[str, str]:
    found = {"python": sys.version.split()[0]}
    for package in ("keras", keras.backend.backend(), "numpy", "neurona"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found
