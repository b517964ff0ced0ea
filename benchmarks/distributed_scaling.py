"""Speed-up of data-parallel training with 1, 2, 4 ... worker processes on this machine.

    .venv/bin/python benchmarks/distributed_scaling.py [--workers 1 2 4] [--units 128]
        [--samples 16384] [--epochs 3] [--mode strong|weak] [--threads-per-worker N]

Runs notebook 14's worker script (its ``%%writefile worker_code.py`` cell, written to a temporary
folder) as that many processes joined by ``TF_CONFIG`` (``neurona.distributed.scaling``) and
prints training time without start-up, speed-up, efficiency and final loss per worker count, plus
the Amdahl fraction fitted to the speed-ups. ``--units`` sets the width of the two hidden layers:
more computation per step for the same number of gradient messages, the lever that decides
whether distribution pays.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import neurona  # noqa: F401  (quiets TensorFlow's start-up log in this process)
from neurona import bench, distributed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import writefile_body  # noqa: E402


def main() -> None:
    """Parse the options, run the scaling sweep, print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--units", type=int, default=128)
    p.add_argument("--samples", type=int, default=16_384)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--global-batch", type=int, default=256)
    p.add_argument("--mode", choices=("strong", "weak"), default="strong")
    p.add_argument("--threads-per-worker", type=int, default=None)
    args = p.parse_args()
    run_args = ["--epochs", args.epochs, "--units", args.units, "--global-batch", args.global_batch]

    def launch(count, script, argv, timeout):
        return distributed.launch(count, script, argv, timeout=timeout,
                                  threads_per_worker=args.threads_per_worker)  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "worker_code.py"
        script.write_text(writefile_body("14", "worker_code.py"))
        table = distributed.scaling(args.workers, script, run_args, mode=args.mode,
                                    samples=args.samples, run=launch)  # fmt: skip
    print(f"{args.mode} scaling, {args.units} units, {args.samples:,} samples, "
          f"threads per worker: {args.threads_per_worker or 'default'}")
    print(table.round(3).to_string())
    if len(table) > 1:
        fraction = bench.fit_parallel_fraction(table.index.to_numpy(dtype=float),
                                               table["speed-up"].to_numpy())  # fmt: skip
        print(f"Amdahl parallel fraction fitted to the speed-ups: {fraction:.2f}")


if __name__ == "__main__":
    main()
