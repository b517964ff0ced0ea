"""Checked building blocks for widgets and presets: optimizers by name, batch sizes.

Notebooks write ``keras.optimizers.Adam(learning_rate=0.001)`` themselves; the widgets and
the thesis presets choose optimizers from a menu, and these functions turn a choice into a
Keras object or a clear message naming what is allowed.
"""

from __future__ import annotations

import difflib
import numbers

#: Optimizer names the course uses (the 2018 book's list, plus SGD with momentum).
OPTIMIZERS = (
    "sgd",
    "momentum",
    "nesterov",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adam",
    "adamax",
    "nadam",
)


def make_optimizer(name: str, learning_rate: float | None = None, **options):
    """Build a Keras optimizer from its name.

    Parameters
    ----------
    name : str
        One of :data:`OPTIMIZERS` (case-insensitive). ``"momentum"`` is SGD with
        momentum 0.9; ``"nesterov"`` the same with Nesterov's look-ahead.
    learning_rate : float, optional
        Step size, > 0; default: Keras's default for that optimizer.
    **options
        Passed on to the Keras class (e.g. ``beta_1=0.95``).

    Returns
    -------
    keras.optimizers.Optimizer

    Examples
    --------
    >>> type(make_optimizer("adam", 0.01)).__name__
    'Adam'
    >>> make_optimizer("momentum").momentum
    0.9
    """
    import keras

    key = str(name).strip().lower()
    if key not in OPTIMIZERS:
        close = difflib.get_close_matches(key, OPTIMIZERS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}.{hint}"
        )
    if learning_rate is not None:
        if (
            isinstance(learning_rate, bool)
            or not isinstance(learning_rate, numbers.Real)
            or not learning_rate > 0
        ):
            raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
        options["learning_rate"] = float(learning_rate)
    if key in ("momentum", "nesterov"):
        options.setdefault("momentum", 0.9)
        options["nesterov"] = key == "nesterov"
        key = "sgd"
    classes = {
        "sgd": keras.optimizers.SGD,
        "rmsprop": keras.optimizers.RMSprop,
        "adagrad": keras.optimizers.Adagrad,
        "adadelta": keras.optimizers.Adadelta,
        "adam": keras.optimizers.Adam,
        "adamax": keras.optimizers.Adamax,
        "nadam": keras.optimizers.Nadam,
    }
    return classes[key](**options)


def check_batch_size(batch_size, n_samples: int | None = None) -> int:
    """Return ``batch_size`` as an int if it is usable, else raise a clear ValueError.

    Parameters
    ----------
    batch_size : int
        Samples per gradient step: 1 (online learning) up to ``n_samples`` (full batch).
    n_samples : int, optional
        Size of the training set, for the upper bound.

    Examples
    --------
    >>> check_batch_size(128, n_samples=60_000)
    128
    >>> check_batch_size(0)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be a whole number from 1 (one sample per step) upward; got 0
    """
    upper = f" to {n_samples:,} (the whole training set)" if n_samples else " upward"
    allowed = f"a whole number from 1 (one sample per step){upper}"
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise ValueError(f"batch_size must be {allowed}; got {batch_size!r}")
    if batch_size < 1 or (n_samples and batch_size > n_samples):
        raise ValueError(f"batch_size must be {allowed}; got {batch_size!r}")
    return int(batch_size)
