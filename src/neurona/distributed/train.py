"""The data-parallel training script every worker runs: ``python -m neurona.distributed.train``.

Each worker process reads its place in the cluster from ``TF_CONFIG``, joins the others through
``tf.distribute.MultiWorkerMirroredStrategy``, and trains the same small network on its share of
every global batch; after each step the gradients are summed across workers (all-reduce), so all
workers hold identical weights. Without ``TF_CONFIG`` the same script trains in one process, the
baseline the distributed run is compared with.

Keras 3's ``model.fit`` does not support ``MultiWorkerMirroredStrategy``
(keras-team/keras#20585), so the script writes the training loop itself: ``strategy.run`` of one
step inside a ``tf.function``, with the loss averaged over the *global* batch.

Every worker prints one line ``NEURONA_DIST_RESULT {...}`` at the end: its index, the number of
replicas, the loss per epoch, the seconds per epoch and a checksum of its weights.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

RESULT_PREFIX = "NEURONA_DIST_RESULT "


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command line's options."""
    p = argparse.ArgumentParser(prog="python -m neurona.distributed.train", description=__doc__)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--global-batch", type=int, default=256,
                   help="samples per step, all workers together")  # fmt: skip
    p.add_argument("--samples", type=int, default=8192)
    p.add_argument("--units", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--learning-rate", type=float, default=0.001)
    p.add_argument("--mirrored", type=int, default=None, metavar="N",
                   help="one process on N logical CPUs: MirroredStrategy, Keras fit")  # fmt: skip
    p.add_argument("--crash-at-step", type=int, default=None,
                   help="(tests) raise an error at this step on the last worker")  # fmt: skip
    return p.parse_args(argv)


def make_data(samples: int, seed: int, noise: float = 1.0):
    """Return a deterministic 10-class problem of 64 features (the same on every worker).

    Ten random class centres plus Gaussian ``noise``: at 1 the classes barely overlap, at 4
    they overlap a lot and the loss cannot reach zero.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(10, 64)).astype("float32")
    y = rng.integers(0, 10, size=samples)
    x = centres[y] + noise * rng.normal(size=(samples, 64)).astype("float32")
    return x.astype("float32"), y.astype("int32")


def main(argv: list[str] | None = None) -> int:
    """Train; print the result line."""
    args = parse(argv)
    import neurona  # noqa: F401, I001  (first: it quiets TensorFlow's start-up log)
    import keras
    import tensorflow as tf

    from neurona.distributed.launcher import check_tf_config

    if args.mirrored:
        return mirrored(args)
    text = os.environ.get("TF_CONFIG", "").strip()
    config = check_tf_config(text) if text else {}
    index = int(config.get("task", {}).get("index", 0))
    workers = len(config.get("cluster", {}).get("worker", [])) or 1
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    x, y = make_data(args.samples, args.seed)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(args.global_batch)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = strategy.experimental_distribute_dataset(dataset.with_options(options))
    with strategy.scope():
        model = build(args)
        optimizer = keras.optimizers.Adam(args.learning_rate)
        optimizer.build(model.trainable_variables)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)

    def step(xb, yb):
        with tf.GradientTape() as tape:
            per_sample = loss_fn(yb, model(xb, training=True))
            loss = tf.nn.compute_average_loss(per_sample, global_batch_size=args.global_batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def distributed_step(xb, yb):
        losses = strategy.run(step, args=(xb, yb))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    history, seconds, steps = [], [], 0
    for _ in range(args.epochs):
        start, total, count = time.perf_counter(), 0.0, 0
        for xb, yb in batches:
            steps += 1
            if args.crash_at_step == steps and index == workers - 1:
                raise RuntimeError(f"worker {index} crashed on purpose at step {steps}")
            total += float(distributed_step(xb, yb))
            count += 1
        seconds.append(time.perf_counter() - start)
        history.append(total / count)
    checksum = float(sum(float(tf.reduce_sum(v)) for v in model.trainable_variables))
    result = {"worker": index, "workers": workers, "replicas": strategy.num_replicas_in_sync,
              "loss": history, "epoch_seconds": seconds, "steps": steps,
              "checksum": checksum}  # fmt: skip
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def build(args: argparse.Namespace):
    """Return the network every worker trains (seeded, so every worker starts alike)."""
    import keras

    keras.utils.set_random_seed(args.seed)
    return keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(args.units, activation="relu"),
        keras.layers.Dense(args.units, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def mirrored(args: argparse.Namespace) -> int:
    """Train in one process on ``args.mirrored`` logical CPU devices with MirroredStrategy.

    The CPU is split into logical devices before TensorFlow starts; each holds a replica of
    the model and takes a slice of every batch, as GPUs of one machine would. Keras ``fit``
    supports this strategy.
    """
    import keras
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(args.mirrored)]
    )
    devices = [device.name for device in tf.config.list_logical_devices("CPU")]
    strategy = tf.distribute.MirroredStrategy(devices=devices)
    x, y = make_data(args.samples, args.seed)
    with strategy.scope():
        model = build(args)
        model.compile(optimizer=keras.optimizers.Adam(args.learning_rate),
                      loss="sparse_categorical_crossentropy")  # fmt: skip
    seconds = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    history = model.fit(x, y, batch_size=args.global_batch, epochs=args.epochs, shuffle=False,
                        verbose=0, callbacks=[Clock()])  # fmt: skip
    checksum = float(sum(float(tf.reduce_sum(v)) for v in model.trainable_variables))
    result = {"worker": 0, "workers": 1, "replicas": strategy.num_replicas_in_sync,
              "devices": devices, "loss": history.history["loss"], "epoch_seconds": seconds,
              "checksum": checksum}  # fmt: skip
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
