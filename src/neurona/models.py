"""Checked building blocks for widgets and presets: optimizers by name, batch sizes.

Notebooks write ``keras.optimizers.Adam(learning_rate=0.001)`` themselves; the widgets and
the thesis presets choose optimizers from a menu, and these functions turn a choice into a
Keras object or a clear message naming what is allowed.
"""

from __future__ import annotations

from neurona.i18n import _, grouped
from neurona.validate import one_of, real_number, whole_number

__all__ = ["OPTIMIZERS", "make_optimizer", "make_schedule", "check_batch_size"]

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
    learning_rate : float or keras LearningRateSchedule, optional
        Step size, > 0, or a schedule (see :func:`make_schedule`); default: Keras's
        default for that optimizer.
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

    key = one_of("optimizer", str(name).strip().lower(), OPTIMIZERS)
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        options["learning_rate"] = learning_rate
    elif learning_rate is not None:
        options["learning_rate"] = real_number("learning_rate", learning_rate, 0, low_open=True)
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
    ValueError: batch_size must be a whole number >= 1 (1 is one sample per step); got 0
    """
    note = _("1 is one sample per step")
    if n_samples:
        note = _("1 is one sample per step, {n} the whole training set").format(
            n=grouped(n_samples))
    return whole_number("batch_size", batch_size, 1, n_samples or None, note=note)


#: Learning-rate schedules the course's panels offer.
SCHEDULES = ("constant", "cosine")


def make_schedule(kind: str, learning_rate: float, total_steps: int, warmup: float = 0.2):
    """Return a learning rate for ``total_steps`` optimizer steps: a number or a schedule.

    Parameters
    ----------
    kind : str
        ``"constant"``: ``learning_rate`` all along. ``"cosine"``: a linear warm-up from a
        tenth of ``learning_rate`` to ``learning_rate`` over the first ``warmup`` share of the
        steps, then a cosine decay to 0 at the last step. Large steps early, when the loss
        surface is rough and far from a minimum, and small ones at the end to settle: on a
        CPU this reaches a given accuracy in fewer epochs than a constant rate.
    learning_rate : float
        The constant rate, or the peak of the schedule (> 0).
    total_steps : int
        Optimizer steps in the whole run: ``epochs * ceil(n_train / batch_size)``.
    warmup : float
        Share of the steps spent warming up, from 0 to below 1.

    Returns
    -------
    float or keras.optimizers.schedules.LearningRateSchedule

    Examples
    --------
    >>> make_schedule("constant", 0.01, 100)
    0.01
    >>> rate = make_schedule("cosine", 0.01, 100)
    >>> [round(float(rate(step)), 4) for step in (0, 20, 60, 100)]
    [0.001, 0.01, 0.005, 0.0]
    >>> make_schedule("linear", 0.01, 100)
    Traceback (most recent call last):
    ...
    ValueError: schedule must be one of constant, cosine; got 'linear'
    """
    one_of("schedule", kind, SCHEDULES)
    real_number("learning_rate", learning_rate, 0, low_open=True)
    whole_number("total_steps", total_steps, 1)
    real_number("warmup", warmup, 0, 1, high_open=True, note=_("a share of the steps"))
    if kind == "constant":
        return float(learning_rate)
    import keras

    warmup_steps = int(round(warmup * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=float(learning_rate) / 10 if warmup_steps else float(learning_rate),
        decay_steps=max(1, total_steps - warmup_steps),
        warmup_target=float(learning_rate) if warmup_steps else None,
        warmup_steps=warmup_steps,
    )
