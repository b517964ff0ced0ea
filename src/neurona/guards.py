"""Guards around training: reproducible seeds, a quiet TensorFlow start, interrupted runs.

The divergence guard itself is a Keras callback, :class:`neurona.NaNGuard`, in
``neurona.callbacks``.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import logging
import os
import random
import re
import sys
import tempfile
import threading

__all__ = ["seed"]

# Lines TensorFlow's C++ core writes to the process's stderr while it starts. They are
# written before its logging is configured, so TF_CPP_MIN_LOG_LEVEL cannot hide them, and
# Jupyter forwards them into the notebook in red, where students read them as errors.
_TF_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on"
    r"|cudart_stub|Could not find cuda drivers|cpu_feature_guard"
    r"|To enable the following instructions|rebuild TensorFlow with the appropriate compiler"
    r"|Unable to register cu(DNN|FFT|BLAS) factory|TF-TRT Warning|cuda_platform\.cc"
    r"|failed call to cuInit|computation_placer\.cc|This TensorFlow binary is optimized"
)


def seed(n: int = 0) -> int:
    """Seed Python, NumPy and the Keras backend so that a run gives the same numbers again.

    Same seed, same machine and same backend give the same weights and the same losses.
    Keras owns the backend's random generator, so this call imports Keras (and its
    backend) when Keras is installed.

    Parameters
    ----------
    n : int
        A non-negative integer.

    Returns
    -------
    int
        The seed, so that a notebook can print it.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.seed(42)
    42
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"seed must be a non-negative integer, got {n!r}")
    random.seed(n)
    os.environ["PYTHONHASHSEED"] = str(n)
    import numpy as np

    np.random.seed(n)
    try:
        import keras
    except ImportError:  # the NumPy-only parts of the course still work
        return n
    keras.utils.set_random_seed(n)
    return n


def quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up log out of the notebook.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` and, while TensorFlow is first imported, holds the
    process's stderr back and lets through only the lines that are not known start-up
    noise. Nothing happens if the user set ``TF_CPP_MIN_LOG_LEVEL`` already (they want
    to choose) or if TensorFlow is already imported.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ or "tensorflow" in sys.modules:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if not any(isinstance(f, _QuietTensorFlowFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowFinder())


class _QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Wraps the loader of the top-level ``tensorflow`` package, once."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with stderr_filtered(_TF_NOISE):
            self._loader.exec_module(module)

    def __getattr__(self, name):  # get_resource_reader, is_package, ... pass through
        return getattr(self._loader, name)


@contextlib.contextmanager
def stderr_filtered(noise: re.Pattern):
    """Capture what is written to file descriptor 2 and re-emit the lines not matching ``noise``.

    Works for output from C/C++ code, which bypasses ``sys.stderr``.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (some embedded hosts)
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            kept = [
                line
                for line in sink.read().decode("utf-8", "replace").splitlines()
                if line.strip() and not noise.search(line)
            ]
            if kept:
                print("\n".join(kept), file=sys.stderr)


# Fits in progress: id(record) -> (record, the thread running the fit). The record is held
# so that its id stays unique; an interrupted fit never unregisters, which is how it shows.
_FITS: dict[int, tuple[object, threading.Thread]] = {}


def fit_started(record) -> None:
    """Note that a fit writing ``record`` runs in the current thread (Track calls this)."""
    _FITS[id(record)] = (record, threading.current_thread())


def fit_ended(record) -> None:
    """Note that the fit writing ``record`` has ended normally."""
    _FITS.pop(id(record), None)


def still_training(record) -> bool:
    """Whether ``record``'s fit is running now in another, live thread (a widget's run).

    A fit in the thread that asks has been cut off: that thread is busy asking.
    """
    entry = _FITS.get(id(record))
    if entry is None:
        return False
    thread = entry[1]
    return thread.is_alive() and thread is not threading.current_thread()


def watch_interrupts(ledger) -> None:
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
    if shell is None or getattr(shell, "_neurona_watching", None) is ledger:
        return

    def close_runs(result=None) -> None:
        for run in ledger.close_open_runs("interrupted", keep=still_training):
            _FITS.pop(id(run), None)
            print(f"neurona: '{run.name}' was {run.note}. Its history is in the ledger.")

    shell.events.register("post_run_cell", close_runs)
    shell._neurona_watching = ledger


class _NoRetracingNotes(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" notes.

    Lessons that build one model per preset, seed or zoo entry trace new functions each
    time, which is expected there; TensorFlow's note about it would only puzzle students.
    """

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_retracing() -> None:
    """Silence TensorFlow's retracing notes (once; idempotent). Other warnings still show."""
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _NoRetracingNotes) for f in logger.filters):
        logger.addFilter(_NoRetracingNotes())


def colab_widgets() -> bool:
    """On Google Colab, switch on the widget manager that draws ipywidgets 8; elsewhere nothing.

    Colab draws its own old ipywidgets 7 by default; the kit's panels need version 8, which
    Colab draws only after ``google.colab.output.enable_custom_widget_manager()``. Returns
    whether it was switched on.
    """
    if "google.colab" not in sys.modules:
        return False
    try:
        from google.colab import output

        output.enable_custom_widget_manager()
    except Exception:  # an older or newer Colab without it: widgets may show as text
        return False
    return True
