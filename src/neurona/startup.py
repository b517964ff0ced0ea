"""What the kit sets up as a notebook starts: a quiet TensorFlow, with the settings chosen before.

On Colab it also switches on the widget manager that the panels need.

``import neurona`` calls :func:`quiet_tensorflow` and :func:`colab_widgets`;
:func:`neurona.set_threads` and :func:`neurona.hardware.fit_threads_to_limit` leave their
thread counts with :func:`after_import` when TensorFlow is not imported yet.

One import hook serves both. It sits in ``sys.meta_path`` only while it has work, wraps the
first import of a module it waits for (``tensorflow``), and does, in this order:

1. hold the process's standard error back, when the module's import is to be quiet
   (:func:`quiet_import`): TensorFlow's C++ core writes its start-up log there before its
   logging is configured;
2. run the module's own import;
3. apply the settings waiting for the module (:func:`after_import`), before anything uses it;
4. let through the held-back lines that are not known start-up noise.

Also here, for the lessons that trace many functions: :func:`quiet_retracing`.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable
from typing import Any

__all__ = [
    "after_import",
    "colab_widgets",
    "quiet_import",
    "quiet_retracing",
    "quiet_tensorflow",
    "stderr_filtered",
    "waiting",
]

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

# The hook's work. Module name -> the noise to drop while it is imported.
_QUIET: dict[str, re.Pattern] = {}
# Module name -> settings waiting for its import: key -> callable taking the module.
_AFTER_IMPORT: dict[str, dict[str, Callable[[Any], None]]] = {}


def quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up log out of the notebook.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` and, while TensorFlow is first imported, holds the
    process's stderr back and lets through only the lines that are not known start-up
    noise; then keeps TensorFlow's Python logger to warnings and errors, less its notes
    about retracing (:func:`quiet_retracing`). Nothing happens if the user set
    ``TF_CPP_MIN_LOG_LEVEL`` already (they want to choose) or if TensorFlow is already
    imported.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ or "tensorflow" in sys.modules:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    quiet_import("tensorflow", _TF_NOISE)
    after_import("tensorflow", "log level", _warnings_only)


def _warnings_only(tensorflow: Any) -> None:
    # In a Jupyter kernel TensorFlow takes itself for an interactive shell and sets its Python
    # logger to INFO: saving a SavedModel (model.export) then writes "INFO:tensorflow:Assets
    # written to ..." to stderr, in red. And a notebook that predicts with several models
    # traces a new function for each, which TensorFlow notes as "retracing".
    tensorflow.get_logger().setLevel(logging.WARNING)
    quiet_retracing()


def quiet_import(module: str, noise: re.Pattern) -> None:
    """While ``module`` is first imported, drop the lines of stderr that match ``noise``.

    Other lines written meanwhile (a real warning or error) are let through once the import
    is done. Nothing happens if ``module`` is already imported.

    Parameters
    ----------
    module : str
        A top-level module name, e.g. ``"tensorflow"``.
    noise : re.Pattern
        Matches the lines to drop.
    """
    if module in sys.modules:
        return
    _QUIET[module] = noise
    _install_hook()


def after_import(module: str, key: str, action: Callable[[Any], None]) -> None:
    """Run ``action(module)`` once ``module`` is imported, right after its own import code.

    The kit uses it for settings that a framework reads through its Python API and that
    must be applied before it runs anything (TensorFlow's thread pools). An action that
    fails is skipped: what it sets is a preference, and environment variables still apply.

    Parameters
    ----------
    module : str
        A top-level module name, e.g. ``"tensorflow"``, not imported yet.
    key : str
        What the action sets, e.g. ``"threads"``; a later action with the same key
        replaces the earlier one.
    action : callable
        Called with the imported module.
    """
    _AFTER_IMPORT.setdefault(module, {})[key] = action
    _install_hook()


def waiting(module: str) -> dict[str, Callable[[Any], None]]:
    """Return the actions waiting for ``module``'s import, by key (a copy; empty if none)."""
    return dict(_AFTER_IMPORT.get(module, {}))


class _ImportHook(importlib.abc.MetaPathFinder):
    """Wraps the loader of each module that :data:`_QUIET` or :data:`_AFTER_IMPORT` waits for."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _QUIET and fullname not in _AFTER_IMPORT:
            return None
        # Let the other finders find the module, then wrap whatever loader they return.
        for finder in list(sys.meta_path):
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _HookedLoader(spec.loader, fullname)
                return spec
        return None


class _HookedLoader(importlib.abc.Loader):
    def __init__(self, loader, name: str):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        noise = _QUIET.pop(self._name, None)
        held = stderr_filtered(noise) if noise is not None else contextlib.nullcontext()
        try:
            with held:
                self._loader.exec_module(module)
                for action in _AFTER_IMPORT.pop(self._name, {}).values():
                    try:
                        action(module)
                    except Exception:  # noqa: BLE001 - the environment variables still apply
                        pass
        finally:
            if not _QUIET and not _AFTER_IMPORT:
                _remove_hook()

    def __getattr__(self, name):  # get_resource_reader, is_package, ... pass through
        return getattr(self._loader, name)


def _install_hook() -> None:
    if not any(isinstance(f, _ImportHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _ImportHook())


def _remove_hook() -> None:
    for finder in list(sys.meta_path):
        if isinstance(finder, _ImportHook):
            sys.meta_path.remove(finder)


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
