"""Seconds of CPU training to 91% test accuracy on Fashion-MNIST: the course's CNN vs keras.io's.

    .venv/bin/python benchmarks/cnn_time_to_accuracy.py [--explore] [--json out.json]

Trains, on the real Fashion-MNIST (60,000 training and 10,000 test images):

- ``course``: notebook 08's default recipe, its ``fast_cnn(policy)`` as cell 08-033b writes it
  to ``cnn_code.py`` (Conv 32 3x3 - Pool - Conv 64 3x3 - Pool - Dropout - Dense 128 - Dropout -
  Dense 10; read from cells 08-033 and 08-033b, so that a change there is what gets timed),
  batch 128, Adam with a warm-up + cosine learning-rate schedule peaking at 0.003, 8 epochs,
  in the number format the notebook's ``policy`` picks (``nr.cnn.choose_precision()``: mixed
  bfloat16 where the CPU multiplies bfloat16 in hardware and Keras runs on TensorFlow, else
  float32);
- ``keras.io``: the "simple MNIST convnet" example as published (Conv 32 3x3 - Pool -
  Conv 64 3x3 - Pool - Flatten - Dropout 0.5 - Dense 10), batch 128, Adam at its default
  rate 0.001, 15 epochs.

After every epoch the test accuracy is measured (the clock is stopped meanwhile), so the
report gives, for each recipe, the training seconds until the test accuracy first reached
91%, the epoch it happened in, and the final accuracy. ``--explore`` adds the variants the
notebook's "speed is part of the lesson" section discusses (float32 throughout, constant
rate, batch 256, batch normalisation, XLA) so that their cost and benefit can be re-measured
on any machine. Each recipe runs in its own process so that a global setting (mixed
precision) cannot leak into the next.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import neurona as nr  # before Keras: it quiets TensorFlow's start-up log

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells  # noqa: E402

#: Notebook 08's cells that choose the number format and write ``cnn_code.py`` (its ``fast_cnn``).
FAST_CNN_CELLS = ["08-033", "08-033b"]

RECIPES = {
    # name: (builder, batch size, peak learning rate, schedule, epochs, options)
    "course": ("fast_cnn", 128, 0.003, "cosine", 8, {}),
    "keras.io": ("keras_io", 128, 0.001, "constant", 15, {}),
}
BUILDERS = ("fast_cnn", "fast_cnn_float32", "keras_io", "fast_cnn_bn")
VARIANTS = {
    "course in float32": ("fast_cnn_float32", 128, 0.003, "cosine", 8, {}),
    "course, constant lr 0.001": ("fast_cnn", 128, 0.001, "constant", 8, {}),
    "course, batch 256": ("fast_cnn", 256, 0.004, "cosine", 8, {}),
    "course + batch norm": ("fast_cnn_bn", 128, 0.003, "cosine", 8, {}),
    "course, XLA (jit_compile)": ("fast_cnn", 128, 0.003, "cosine", 2, {"jit": True}),
}


def notebook_fast_cnn(policy: str | None = None):
    """Build notebook 08's fast CNN from its own cells, in its policy or in ``policy``."""
    import keras

    with contextlib.redirect_stdout(io.StringIO()):  # the cells' print and summary
        cells = run_cells("08", FAST_CNN_CELLS, {"nr": nr, "keras": keras})
    # cnn_code.py's fast_cnn(policy), in the policy the notebook passes it (cell 08-033c) or the one
    # a student overruling the kit's choice writes
    return cells["fast_cnn"](policy or cells["policy"])


def build(name: str):
    """Return an uncompiled model by builder name."""
    import keras
    from keras import layers

    if name == "fast_cnn":
        return notebook_fast_cnn()  # the notebook's choice of number format
    if name == "fast_cnn_float32":
        return notebook_fast_cnn("float32")
    if name == "keras_io":
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10, activation="softmax"),
            ]
        )
    if name == "fast_cnn_bn":
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, use_bias=False),
                layers.BatchNormalization(),
                layers.ReLU(),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, use_bias=False),
                layers.BatchNormalization(),
                layers.ReLU(),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.3),
                layers.Dense(128, activation="relu"),
                layers.Dropout(0.3),
                layers.Dense(10, activation="softmax"),
            ]
        )
    raise ValueError(f"unknown builder {name!r}; known: {', '.join(BUILDERS)}")


def run_one(name: str, spec: tuple, target: float, seed: int) -> dict:
    """Train one recipe in this process; return its row."""
    import keras
    import numpy as np

    builder, batch_size, rate, schedule, epochs, options = spec
    data = nr.load("fashion_mnist")
    x = (data.x_train.astype("float32") / 255.0)[..., None]
    x_test = (data.x_test.astype("float32") / 255.0)[..., None]
    nr.seed(seed)
    model = build(builder)
    steps = epochs * int(np.ceil(len(x) / batch_size))
    model.compile(
        optimizer=nr.make_optimizer("adam", nr.models.make_schedule(schedule, rate, steps)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=bool(options.get("jit")),
    )

    class Clock(keras.callbacks.Callback):
        """Training seconds per epoch, the clock stopped while the test set is scored."""

        def __init__(self):
            super().__init__()
            self.train_seconds, self.accuracies = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_test_begin(self, logs=None):
            self.train_seconds.append(time.perf_counter() - self.start)

        def on_epoch_end(self, epoch, logs=None):
            self.accuracies.append(float(logs["val_accuracy"]))
            total, accuracy = sum(self.train_seconds), self.accuracies[-1]
            print(
                f"  {name}: epoch {epoch + 1}, {total:5.1f} s, test accuracy {accuracy:.4f}",
                file=sys.stderr,
                flush=True,
            )

    clock = Clock()
    wall = time.perf_counter()
    model.fit(
        x,
        data.y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x_test, data.y_test),
        callbacks=[clock],
        verbose=0,
    )
    wall = time.perf_counter() - wall
    cumulative = np.cumsum(clock.train_seconds)
    steady = clock.train_seconds[1:] or clock.train_seconds
    reached = [i for i, acc in enumerate(clock.accuracies) if acc >= target]
    first = reached[0] if reached else None
    return {
        "recipe": name,
        "parameters": int(model.count_params()),
        "batch_size": batch_size,
        "learning_rate": rate,
        "schedule": schedule,
        "epochs": epochs,
        "seconds_per_epoch": round(float(np.median(steady)), 2),
        "first_epoch_seconds": round(clock.train_seconds[0], 2),
        "epoch_reaching_target": None if first is None else first + 1,
        "seconds_to_target": None if first is None else round(float(cumulative[first]), 1),
        "final_accuracy": round(clock.accuracies[-1], 4),
        "best_accuracy": round(max(clock.accuracies), 4),
        "training_seconds": round(float(cumulative[-1]), 1),
        "wall_seconds_with_scoring": round(wall, 1),
        "device": nr.compute_device(),
        "precision": model.layers[0].dtype_policy.name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--explore", action="store_true", help="also time the variants")
    parser.add_argument("--only", help="run this one recipe (used for the child processes)")
    parser.add_argument("--target", type=float, default=0.91)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()

    recipes = {**RECIPES, **(VARIANTS if args.explore else {})}
    if args.only:
        print(json.dumps(run_one(args.only, recipes[args.only], args.target, args.seed)))
        return

    print(nr.hardware_report().summary())
    rows = []
    for name in recipes:
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--only",
                name,
                "--target",
                str(args.target),
                "--seed",
                str(args.seed),
                *(["--explore"] if args.explore else []),
            ],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(f"\nTime to {args.target:.0%} test accuracy on Fashion-MNIST (training seconds only):")
    for row in rows:
        reached = (
            f"{row['seconds_to_target']:6.1f} s (epoch {row['epoch_reaching_target']})"
            if row["seconds_to_target"] is not None
            else f"not reached in {row['epochs']} epochs"
        )
        print(
            f"  {row['recipe']:28s} {reached:>26s} · {row['seconds_per_epoch']:.1f} s/epoch · "
            f"final {row['final_accuracy']:.4f} (best {row['best_accuracy']:.4f}) · "
            f"{row['parameters']:,} parameters"
        )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
