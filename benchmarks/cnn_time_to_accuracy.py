"""Seconds of CPU training to 91% test accuracy on Fashion-MNIST: the course's CNN recipe, before
and after issue 21, against keras.io's, with each recipe's share of the machine's matmul peak.

    .venv/bin/python benchmarks/cnn_time_to_accuracy.py [--explore] [--json out.json]

Trains, on the real Fashion-MNIST (60,000 training and 10,000 test images), each recipe in its
own process (so that a global setting such as mixed precision cannot leak into the next):

- ``course``: notebook 08's recipe as its cells write it. ``fast_cnn(policy)`` and
  ``batches(x, y, batch_size)`` are read from cells 08-033 and 08-033b (the ``cnn_code.py`` the
  notebook writes), so that a change there is what gets timed: pixels standardised by the
  network's first layer, Conv 32 3x3 - Pool - Conv 64 3x3 - Pool - Dense 256 - Dense 10, fed by
  a ``tf.data`` pipeline with tf.data's autotuning off, batch 256, Adam with a warm-up + cosine
  learning-rate schedule peaking at 0.005, 5 epochs, in the number format the notebook's
  ``policy`` picks (``nr.cnn.choose_precision()``: mixed bfloat16 where the CPU multiplies
  bfloat16 in hardware and Keras runs on TensorFlow, else float32);
- ``course before issue 21``: the recipe the notebook taught until then, kept here as the
  reference (its network is written out below): no standardisation, dropout 0.3 before and
  after Dense 128, the arrays handed to ``fit`` as they are, batch 128, peak 0.003, 8 epochs;
- ``keras.io``: the "simple MNIST convnet" example as published (Conv 32 3x3 - Pool - Conv 64
  3x3 - Pool - Flatten - Dropout 0.5 - Dense 10), arrays to ``fit``, batch 128, Adam at its
  default rate 0.001, 15 epochs, in float32.

After every epoch the test accuracy is measured (the clock is stopped meanwhile), so the report
gives, for each recipe, the training seconds until the test accuracy first reached 91%, the
epoch it happened in, the same time in keras.io epochs, the final accuracy, and the training
arithmetic per second (FLOPs counted layer by layer, ``nr.bench.training_flops``) as a share of
the matmul peak in the recipe's number format (``nr.bench.matmul_peak``, measured first in the
same run). ``--explore`` adds variants that take one lever away from the course's recipe at a
time, so that what each is worth can be re-measured on any machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import neurona as nr  # before Keras: it quiets TensorFlow's start-up log

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells  # noqa: E402

#: Notebook 08's cells that choose the number format and write ``cnn_code.py``.
CNN_CELLS = ["08-033", "08-033b"]

RECIPES = {
    # name: (builder, feed, batch size, peak learning rate, schedule, epochs, options)
    "course before issue 21": ("fast_cnn_before", "arrays", 128, 0.003, "cosine", 8, {}),
    "course": ("fast_cnn", "pipeline", 256, 0.005, "cosine", 5, {}),
    "keras.io": ("keras_io", "arrays", 128, 0.001, "constant", 15, {}),
}
VARIANTS = {
    "course, arrays to fit": ("fast_cnn", "arrays", 256, 0.005, "cosine", 5, {}),
    "course, pixels not standardised": ("fast_cnn_raw", "pipeline", 256, 0.005, "cosine", 5, {}),
    "course, batch 128, peak 0.003": ("fast_cnn", "pipeline", 128, 0.003, "cosine", 5, {}),
    "course in float32": ("fast_cnn_float32", "pipeline", 256, 0.005, "cosine", 5, {}),
    "course, 8 epochs": ("fast_cnn", "pipeline", 256, 0.005, "cosine", 8, {}),
}
BUILDERS = ("fast_cnn", "fast_cnn_float32", "fast_cnn_raw", "fast_cnn_before", "keras_io")


def notebook_code() -> dict:
    """Run notebook 08's cells that write ``cnn_code.py``; return their namespace."""
    import keras

    with contextlib.redirect_stdout(io.StringIO()):  # the cells' print
        return run_cells("08", CNN_CELLS, {"nr": nr, "keras": keras})


def build(name: str, cells: dict):
    """Return an uncompiled model by builder name."""
    import keras
    from keras import layers

    policy = cells["policy"]  # what the notebook computes in (cell 08-033)
    if name == "fast_cnn":
        return cells["fast_cnn"](policy)
    if name == "fast_cnn_float32":
        return cells["fast_cnn"]("float32")
    if name == "fast_cnn_raw":
        return cells["fast_cnn"](policy, mean=0.0, std=1.0)  # the standardisation undone
    if name == "fast_cnn_before":
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu", dtype=policy),
                layers.MaxPooling2D(2, dtype=policy),
                layers.Conv2D(64, 3, activation="relu", dtype=policy),
                layers.MaxPooling2D(2, dtype=policy),
                layers.Flatten(dtype=policy),
                layers.Dropout(0.3, dtype=policy),
                layers.Dense(128, activation="relu", dtype=policy),
                layers.Dropout(0.3, dtype=policy),
                layers.Dense(10, activation="softmax", dtype="float32"),
            ]
        )
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
    raise ValueError(f"unknown builder {name!r}; known: {', '.join(BUILDERS)}")


def run_one(name: str, spec: tuple, target: float, seed: int) -> dict:
    """Train one recipe in this process; return its row."""
    import keras
    import numpy as np

    builder, feed, batch_size, rate, schedule, epochs, _options = spec
    data = nr.load("fashion_mnist")
    x = (data.x_train.astype("float32") / 255.0)[..., None]
    x_test = (data.x_test.astype("float32") / 255.0)[..., None]
    cells = notebook_code()
    nr.seed(seed)
    model = build(builder, cells)
    steps = epochs * int(np.ceil(len(x) / batch_size))
    model.compile(
        optimizer=nr.make_optimizer("adam", nr.models.make_schedule(schedule, rate, steps)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    if feed == "pipeline":
        fed = {"x": cells["batches"](x, data.y_train, batch_size), "shuffle": False}
    else:
        fed = {"x": x, "y": data.y_train, "batch_size": batch_size}

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
                f"  {name}: epoch {epoch + 1}, {self.train_seconds[-1]:4.1f} s "
                f"(total {total:5.1f} s), test accuracy {accuracy:.4f}",
                file=sys.stderr,
                flush=True,
            )

    clock = Clock()
    wall = time.perf_counter()
    model.fit(
        **fed,
        epochs=epochs,
        validation_data=(x_test, data.y_test),
        validation_batch_size=1000,
        callbacks=[clock],
        verbose=0,
    )
    wall = time.perf_counter() - wall
    cumulative = np.cumsum(clock.train_seconds)
    steady = clock.train_seconds[1:] or clock.train_seconds
    reached = [i for i, acc in enumerate(clock.accuracies) if acc >= target]
    first = reached[0] if reached else None
    precision = model.layers[-1].dtype_policy.name
    precision = next((layer.dtype_policy.name for layer in model.layers
                      if isinstance(layer, keras.layers.Conv2D)), precision)
    return {
        "recipe": name,
        "parameters": int(model.count_params()),
        "feed": feed,
        "batch_size": batch_size,
        "learning_rate": rate,
        "schedule": schedule,
        "epochs": epochs,
        "epoch_seconds": [round(s, 2) for s in clock.train_seconds],
        "seconds_per_epoch": round(float(statistics.median(steady)), 2),
        "first_epoch_seconds": round(clock.train_seconds[0], 2),
        "epoch_reaching_target": None if first is None else first + 1,
        "seconds_to_target": None if first is None else round(float(cumulative[first]), 1),
        "accuracies": [round(a, 4) for a in clock.accuracies],
        "final_accuracy": round(clock.accuracies[-1], 4),
        "best_accuracy": round(max(clock.accuracies), 4),
        "training_seconds": round(float(cumulative[-1]), 1),
        "wall_seconds_with_scoring": round(wall, 1),
        "training_flops_per_epoch": nr.bench.training_flops(model, len(x)),
        "device": nr.compute_device(),
        "precision": precision,
    }


def peaks() -> dict[str, float]:
    """The matmul peak in GFLOP/s, float32 and bfloat16, each measured in a fresh process."""
    found = {}
    for dtype in ("float32", "bfloat16"):
        row = nr.bench.matmul_peak(dtype)
        if row.get("ok"):
            found[dtype] = float(row["peak_gflops"])
    return found


def report(rows: list[dict], peak: dict[str, float], target: float) -> list[str]:
    """The side-by-side lines: time to target, in keras.io epochs, share of peak, accuracy."""
    keras_io = next((r for r in rows if r["recipe"] == "keras.io"), None)
    lines = [f"\nTime to {target:.0%} test accuracy on Fashion-MNIST (training seconds only):"]
    for row in rows:
        reached = (
            f"{row['seconds_to_target']:6.1f} s (epoch {row['epoch_reaching_target']})"
            if row["seconds_to_target"] is not None
            else f"not reached in {row['epochs']} epochs"
        )
        in_keras = ""
        if keras_io and row["seconds_to_target"] is not None:
            epochs = row["seconds_to_target"] / keras_io["seconds_per_epoch"]
            in_keras = f" = {epochs:.1f} keras.io epochs"
        dtype = "bfloat16" if "bfloat16" in row["precision"] else "float32"
        achieved = row["training_flops_per_epoch"] / row["seconds_per_epoch"] / 1e9
        share = (f", {100 * achieved / peak[dtype]:.0f}% of the {dtype} peak"
                 if dtype in peak else "")
        lines.append(
            f"  {row['recipe']:32s} {reached:>26s}{in_keras} · "
            f"{row['seconds_per_epoch']:.1f} s/epoch "
            f"({achieved:.0f} GFLOP/s{share}) · final {row['final_accuracy']:.4f} "
            f"(best {row['best_accuracy']:.4f}) · {row['parameters']:,} parameters"
        )
    before = next((r for r in rows if r["recipe"] == "course before issue 21"), None)
    now = next((r for r in rows if r["recipe"] == "course"), None)
    if before and now and before["seconds_to_target"] and now["seconds_to_target"]:
        lines.append(
            "\ncourse now vs before: "
            f"{before['seconds_to_target'] / now['seconds_to_target']:.2f}x less time to "
            f"{target:.0%}, "
            f"{before['seconds_per_epoch'] / now['seconds_per_epoch']:.2f}x less time per epoch, "
            "final accuracy "
            f"{now['final_accuracy'] - before['final_accuracy']:+.4f}"
        )
    return lines


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
    peak = peaks()
    print("matmul peak: "
          + ", ".join(f"{dtype} {gflops:.0f} GFLOP/s" for dtype, gflops in peak.items()))
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
    print("\n".join(report(rows, peak, args.target)))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"peak_gflops": peak, "rows": rows}, out, indent=2)


if __name__ == "__main__":
    main()
