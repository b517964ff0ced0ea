"""Overhead of the kit's callbacks: the same model and data trained with and without them.

    .venv/bin/python benchmarks/overhead.py [--epochs 5] [--repeats 3]

Trains a 784-128-10 MLP on Fashion-MNIST (real data) alternately bare and with
``nr.callbacks()`` (timing, live curves rendered to PNG, NaN guard), and reports the median
wall time of ``fit`` for each and the overhead ratio. The first fit of each model is a
warm-up (tracing) and is not counted. Target: overhead <= 3%.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import keras

import neurona as nr


def build(seed: int) -> keras.Model:
    nr.seed(seed)
    model = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def timed_fit(model, x, y, epochs, batch_size, callbacks) -> float:
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.1,
              verbose=0, callbacks=callbacks)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    data = nr.load("fashion_mnist")
    x = data.x_train.astype("float32") / 255.0
    y = data.y_train
    print(f"data: {data.provenance}; {len(x):,} images")

    bare_model, kit_model = build(0), build(0)
    ledger = nr.Ledger()
    # Warm-up: trace both models once so that only steady training is compared.
    timed_fit(bare_model, x[:2048], y[:2048], 1, args.batch_size, [])
    timed_fit(kit_model, x[:2048], y[:2048], 1, args.batch_size,
              nr.callbacks(ledger=ledger, verbose=False))

    bare, kit = [], []
    for repeat in range(args.repeats):
        # Alternate the order so that drift of the machine's speed hits both sides.
        order = ("bare", "kit") if repeat % 2 == 0 else ("kit", "bare")
        for side in order:
            if side == "bare":
                bare.append(timed_fit(bare_model, x, y, args.epochs, args.batch_size, []))
            else:
                callbacks = nr.callbacks(f"kit {repeat}", ledger=ledger, verbose=False)
                kit.append(timed_fit(kit_model, x, y, args.epochs, args.batch_size, callbacks))
        print(f"repeat {repeat + 1}: bare {bare[-1]:.2f} s, with the kit {kit[-1]:.2f} s")

    # Each repeat trains both sides back to back, so the ratio within a pair cancels most of
    # the machine's drift; the median of the pairs is the overhead.
    ratios = [k / b - 1 for b, k in zip(bare, kit, strict=True)]
    overhead = statistics.median(ratios)
    drawing = statistics.median(r.overhead_seconds for r in list(ledger)[1:])
    result = {
        "machine": nr.hardware_report().summary(),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "bare_fit_seconds": bare,
        "kit_fit_seconds": kit,
        "paired_overheads": ratios,
        "median_overhead": overhead,
        "median_drawing_seconds": drawing,
    }
    print(f"\nmedian fit: bare {statistics.median(bare):.2f} s, with the kit "
          f"{statistics.median(kit):.2f} s")
    print(f"overhead: median of pairs {100 * overhead:+.1f}% "
          f"(pairs from {100 * min(ratios):+.1f}% to {100 * max(ratios):+.1f}%); "
          f"drawing the live curves {drawing:.2f} s per fit")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
