"""How many times per second the Playground trains one epoch and redraws, headless.

    .venv/bin/python benchmarks/playground_fps.py [--seconds 10]

The issue's target: at least 10 redraws per second for a 2x8 network on 500 points on a
2-core CPU. Each frame = one epoch of mini-batch training (250 training points, batch 10)
+ the decision surface on a 60x60 grid + the loss curves, rendered to PNG.
"""

from __future__ import annotations

import argparse
import json
import time

from neurona.widgets import Playground


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    results = {}
    for dataset in ("circle", "spiral"):
        pg = Playground(dataset=dataset, hidden=(8, 8), activation="tanh", n_samples=500)
        pg.step()  # warm-up: the first draw builds the figure
        frames, draw = 0, pg.draw_seconds
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            pg.step()
            frames += 1
        elapsed = time.perf_counter() - start
        drawing = pg.draw_seconds - draw
        results[dataset] = {
            "frames_per_second": frames / elapsed,
            "ms_per_frame": 1000 * elapsed / frames,
            "ms_drawing_per_frame": 1000 * drawing / frames,
            "test_accuracy_after": pg.accuracy(),
            "epochs": pg.epoch,
        }
        r = results[dataset]
        print(
            f"{dataset:8s} {r['frames_per_second']:5.1f} redraws/s "
            f"({r['ms_per_frame']:.1f} ms per frame, {r['ms_drawing_per_frame']:.1f} ms of it "
            f"drawing); test accuracy {r['test_accuracy_after']:.0%} after {r['epochs']} epochs"
        )
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
