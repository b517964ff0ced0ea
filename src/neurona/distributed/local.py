"""Data parallelism inside one process: logical CPU devices, and four ways to combine workers.

:func:`split_cpu` cuts the CPU into logical devices so that ``tf.distribute.MirroredStrategy``
has several replicas to mirror a model on, as it would on the GPUs of one machine.

:func:`simulate` trains the same network with ``workers`` simulated workers combined four
ways, to compare their losses on equal terms:

* ``"sync"``: synchronous all-reduce, what ``MirroredStrategy`` and
  ``MultiWorkerMirroredStrategy`` do. Each step, every worker computes the gradient of its
  slice of the global batch; the gradients are summed (all-reduce) and every copy of the
  model takes the same step. Mathematically one step on the whole batch.
* ``"async"``: an asynchronous parameter server (Elephas's default, ``mode="asynchronous"``).
  Each worker computes a gradient on its own small batch from weights it fetched earlier,
  while the others were updating them; the server applies gradients as they arrive. The
  gradient is ``staleness`` updates old.
* ``"average"`` and ``"sum"``: local training, then one combination. Every worker starts
  from the driver's weights, trains its own copy on its shard of the data for
  ``local_epochs`` passes, and hands back its change ``before - after``; the driver
  subtracts the mean (``"average"``, the same as averaging the copies' weights) or the sum
  (``"sum"``) of the changes from its weights (:func:`combine_deltas`). This is Elephas's
  ``mode="synchronous"``: its driver summed the workers' changes from version 0.4.2
  (March 2019) to 1.3.1 and averages them since 1.4.1 (February 2021).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

import numpy as np

from neurona.distributed.data import make_data
from neurona.i18n import _
from neurona.validate import one_of, real_number, whole_number

__all__ = [
    "MODES",
    "combine_deltas",
    "simulate",
    "split_cpu",
]

#: How :func:`simulate` combines the workers.
MODES = ("sync", "async", "average", "sum")


def combine_deltas(start: list[np.ndarray], finals: list[list[np.ndarray]],
                   how: str = "sum") -> list[np.ndarray]:  # fmt: skip
    """Combine workers that trained from ``start`` into ``finals``, as Elephas's driver does.

    Each worker's change is ``start - final`` (a list of arrays, one per weight tensor); the
    driver subtracts the sum of the changes (``how="sum"``) or their mean (``how="mean"``)
    from ``start``. The mean is the average of the workers' weights; the sum moves as far as
    all the workers' steps put end to end.

    Examples
    --------
    >>> start = [np.array([1.0, 1.0])]
    >>> finals = [[np.array([0.0, 1.0])], [np.array([1.0, 3.0])]]   # two workers
    >>> combine_deltas(start, finals, "sum")        # changes (1, 0) and (0, -2), summed
    [array([0., 3.])]
    >>> combine_deltas(start, finals, "mean")       # the average of the two workers' weights
    [array([0.5, 2. ])]
    """
    one_of("how", how, ("sum", "mean"))
    if not finals:
        raise ValueError(_("combine_deltas needs at least one worker's weights"))
    reduce = np.sum if how == "sum" else np.mean
    deltas = [[s - f for s, f in zip(start, final, strict=True)] for final in finals]
    return [s - reduce(parts, axis=0) for s, parts in zip(start, zip(*deltas, strict=True),
                                                           strict=True)]


def split_cpu(devices: int = 2) -> list[str]:
    """Split the CPU into ``devices`` logical devices and return their names.

    TensorFlow fixes its devices when its runtime starts (the first operation or device
    query), so call this before any other TensorFlow work in the process; calling it again
    with the same number is fine.

    Raises
    ------
    RuntimeError
        TensorFlow already started with another split: restart the kernel and run the
        notebook from the top.
    """
    devices = whole_number("devices", devices, 1, 64)
    import tensorflow as tf

    # tf.distribute narrates every reduction at INFO level; a notebook wants warnings only.
    logger = logging.getLogger("tensorflow")
    if logger.getEffectiveLevel() < logging.WARNING:
        logger.setLevel(logging.WARNING)

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _device in range(int(devices))]
        )
    except RuntimeError:
        found = tf.config.list_logical_devices("CPU")
        if len(found) != devices:
            raise RuntimeError(
                _("TensorFlow has already started with {found} CPU device(s), and devices are "
                  "fixed at start-up. Restart the kernel (Kernel > Restart) and run the notebook "
                  "from the top: split_cpu({devices}) must come before any TensorFlow work."
                  ).format(found=len(found), devices=devices)
            ) from None
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def simulate(mode: str = "sync", workers: int = 4, *, epochs: int = 5, samples: int = 4096,
             global_batch: int = 256, learning_rate: float = 0.01, staleness: int | None = None,
             local_epochs: int = 1, units: int = 64, noise: float = 4.0,
             seed: int = 0) -> dict[str, Any]:  # fmt: skip
    """Train the workers' network with simulated workers combined by ``mode``; return losses.

    Every mode sees the same data, the same initial weights and batches of
    ``global_batch / workers`` samples per worker, with plain SGD at ``learning_rate``, so
    that only the way the workers are combined differs. The loss is measured on all the
    training samples with the weights the server (or the driver) holds: before training,
    then after each epoch (for ``"average"`` and ``"sum"``, after each combination).

    Parameters
    ----------
    mode : str
        One of :data:`MODES`: ``"sync"``, ``"async"``, ``"average"`` or ``"sum"`` (see the
        module's description).
    workers : int
        Simulated workers, 1 to 32.
    epochs : int
        Passes over the data.
    samples : int
        Training samples (:func:`~neurona.distributed.make_data`'s 10-class, 64-feature problem).
    global_batch : int
        Samples per round, all workers together (a multiple of ``workers``).
    learning_rate : float
        SGD step size.
    staleness : int, optional
        ``"async"`` only: how many updates old each gradient is; default ``workers - 1``
        (every other worker updated the weights while this one computed).
    local_epochs : int
        ``"average"`` and ``"sum"`` only: passes each worker makes over its shard between
        two combinations (``epochs`` must be a multiple of it). ``local_epochs=epochs`` is
        one round, as one call of Elephas's synchronous ``fit``.
    units : int
        Width of the two hidden layers.
    noise : float
        Overlap of the classes (see :func:`neurona.distributed.make_data`); at the
        default 4 the loss has a floor well above 0, as real data do.
    seed : int
        Data and initial weights.

    Returns
    -------
    dict
        ``mode``, ``workers``, ``loss`` (before training as ``loss[0]``, then one value per
        epoch or combination), ``epoch`` (the epochs after which each loss was measured,
        starting with 0), ``updates`` (how many times the server's weights changed) and
        ``staleness`` (``"async"`` only, else None).

    Examples
    --------
    One worker that combines after every epoch is plain training, whatever the combination:

    >>> plain = simulate("sync", 1, epochs=2, samples=256, global_batch=64, learning_rate=0.1)
    >>> summed = simulate("sum", 1, epochs=2, samples=256, global_batch=64, learning_rate=0.1)
    >>> plain["epoch"], summed["updates"]
    ([0, 1, 2], 2)
    >>> bool(np.allclose(plain["loss"], summed["loss"], rtol=1e-5))
    True
    >>> simulate("elephas")
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of sync, async, average, sum; got 'elephas'
    """
    one_of("mode", mode, MODES)
    workers = whole_number("workers", workers, 1, 32)
    epochs = whole_number("epochs", epochs, 1, 1000)
    samples = whole_number("samples", samples, 64, 10_000_000)
    global_batch = whole_number("global_batch", global_batch, 1, samples)
    if global_batch % workers:
        raise ValueError(_("global_batch ({batch}) must be a multiple of workers ({workers})")
                         .format(batch=global_batch, workers=workers))
    real_number("learning_rate", learning_rate, 0, low_open=True)
    stale = workers - 1 if staleness is None else whole_number("staleness", staleness, 0, 1000)
    local_epochs = whole_number("local_epochs", local_epochs, 1, epochs)
    if epochs % local_epochs:
        raise ValueError(_("epochs ({epochs}) must be a multiple of local_epochs ({local})")
                         .format(epochs=epochs, local=local_epochs))

    import keras
    import tensorflow as tf

    x, y = make_data(samples, seed, noise)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    variables = model.trainable_variables
    x_all, y_all = tf.constant(x), tf.constant(y)

    @tf.function(reduce_retracing=True)
    def gradient(weights, xb, yb):
        for variable, value in zip(variables, weights, strict=True):
            variable.assign(value)
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        return tape.gradient(loss, variables)

    def full_loss(weights) -> float:
        for variable, value in zip(variables, weights, strict=True):
            variable.assign(value)
        return float(loss_fn(y_all, model(x_all, training=False)))

    weights = [v.numpy() for v in variables]
    history = [full_loss(weights)]
    measured = [0]
    local = global_batch // workers
    rounds = samples // global_batch
    updates = 0
    past: deque[list[np.ndarray]] = deque([weights], maxlen=stale + 1)
    combining = mode in ("average", "sum")
    for epoch in range(1, epochs + 1):
        if combining:
            if epoch % local_epochs:
                continue                 # the workers are still training on their own
            copies = []
            shard = samples // workers
            for w in range(workers):     # each from the driver's weights, on its own shard
                mine = [value.copy() for value in weights]
                xs, ys = x[w * shard:(w + 1) * shard], y[w * shard:(w + 1) * shard]
                for _epoch in range(local_epochs):
                    for start in range(0, shard - local + 1, local):
                        grads = gradient(mine, xs[start:start + local], ys[start:start + local])
                        mine = [m - learning_rate * g.numpy()
                                for m, g in zip(mine, grads, strict=True)]
                copies.append(mine)
            weights = combine_deltas(weights, copies, "mean" if mode == "average" else "sum")
            updates += 1
        else:
            for r in range(rounds):
                xb = x[r * global_batch:(r + 1) * global_batch]
                yb = y[r * global_batch:(r + 1) * global_batch]
                if mode == "sync":
                    # each worker's slice; all-reduce = the mean of the slices' gradients
                    grads = [gradient(weights, xb[w * local:(w + 1) * local],
                                      yb[w * local:(w + 1) * local]) for w in range(workers)]
                    mean = [np.mean([g[i].numpy() for g in grads], axis=0)
                            for i in range(len(variables))]
                    weights = [wt - learning_rate * m for wt, m in zip(weights, mean, strict=True)]
                    updates += 1
                else:
                    for w in range(workers):
                        read = past[0]          # the weights this worker fetched
                        grads = gradient(read, xb[w * local:(w + 1) * local],
                                         yb[w * local:(w + 1) * local])
                        weights = [wt - learning_rate * g.numpy()
                                   for wt, g in zip(weights, grads, strict=True)]
                        past.append(weights)
                        updates += 1
        history.append(full_loss(weights))
        measured.append(epoch)
    return {"mode": mode, "workers": workers, "loss": history, "epoch": measured,
            "updates": updates, "staleness": stale if mode == "async" else None}
