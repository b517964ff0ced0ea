"""Run the performance lab's sweeps from a terminal, on the networks of a code file.

    python -m neurona.bench threads --code timed_code.py --model mlp --hidden-layers 4 --units 400
    python -m neurona.bench batch --code timed_code.py --model lenet --maps 8 --csv batch.csv
    python -m neurona.bench inference --code timed_code.py --model pyramid --widths 1600,800
    python -m neurona.bench sizes --code timed_code.py --grid lenet --samples 2048
    python -m neurona.bench backends | levels | devices --code timed_code.py
    python -m neurona.bench peak

``--code`` is the file of networks and training loops that notebook 11 writes
(``notebooks/timed_code.py`` once the notebook has run), or your own. Each configuration
runs in a fresh process; a progress bar shows on standard error. Ctrl-C stops the sweep and
keeps the rows finished so far (and the CSV file, when given).
"""

from __future__ import annotations

import argparse
import json
import sys

from neurona.i18n import _, grouped

__all__ = [
    "main",
]

SWEEPS = ("threads", "batch", "inference", "sizes", "backends", "levels", "devices", "peak")


def parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    p = argparse.ArgumentParser(
        prog="python -m neurona.bench",
        description=_("Time neural-network training and inference on this machine."),
    )
    p.add_argument("sweep", choices=SWEEPS, help=_("what to measure"))
    p.add_argument("--code", help=_("the Python file of networks and training loops to time "
                                    "(notebook 11 writes notebooks/timed_code.py); needed by "
                                    "every sweep but peak"))
    p.add_argument("--model", default="mlp", help=_("a network (function) of the code file"))
    p.add_argument("--model-args", help=_("other arguments of the network, as JSON, "
                                          "e.g. '{{\"inputs\": 20}}'").format())
    p.add_argument("--hidden-layers", type=int, help=_("mlp: hidden layers"))
    p.add_argument("--units", type=int, help=_("mlp: units per hidden layer"))
    p.add_argument("--widths", help=_("pyramid: hidden widths, e.g. 800,400,208"))
    p.add_argument("--conv-layers", type=int, help=_("lenet: 1 or 2"))
    p.add_argument("--maps", type=int, help=_("lenet: feature maps per colour channel"))
    p.add_argument("--grid", default="mlp", help=_("sizes: mlp, lenet or pyramid"))
    p.add_argument("--samples", type=int, default=8192, help=_("samples per epoch"))
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--device", default="cpu", help=_("cpu or gpu"))
    p.add_argument("--threads", type=int, help=_("intra-op threads (default: all)"))
    p.add_argument("--backend", default="tensorflow", help=_("tensorflow, jax or torch"))
    p.add_argument("--dtype", default="float32", help=_("float32, bfloat16 or mixed_bfloat16"))
    p.add_argument("--csv", help=_("write the table here (after every row)"))
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the sweep, print the table."""
    args = parser().parse_args(argv)
    from neurona.bench import limits, sweeps
    from neurona.bench.config import Config
    from neurona.runs import Ledger

    if args.sweep == "peak":
        for dtype in ("float32", "bfloat16"):
            row = limits.matmul_peak(dtype, device=args.device, threads=args.threads,
                                     backend=args.backend)  # fmt: skip
            result = (_("{gflops} GFLOP/s").format(gflops=grouped(row["peak_gflops"], ",.0f"))
                      if row.get("ok") else row["error"])
            print(f"{row['label']}: {result}")
        return 0
    if not args.code:
        print(_("error: give --code, the file of networks and training loops to time "
                "(notebook 11 writes notebooks/timed_code.py)"), file=sys.stderr)
        return 2
    try:
        extra = json.loads(args.model_args) if args.model_args else {}
    except json.JSONDecodeError as err:
        print(_("error: --model-args is not JSON: {err}").format(err=err), file=sys.stderr)
        return 2
    model_args = {
        key: value
        for key, value in {
            "hidden_layers": args.hidden_layers,
            "units": args.units,
            "conv_layers": args.conv_layers,
            "maps": args.maps,
            "widths": tuple(int(w) for w in args.widths.split(",")) if args.widths else None,
        }.items()
        if value is not None
    }
    try:
        if not isinstance(extra, dict):
            raise TypeError(_("--model-args must be a JSON object, got {got}").format(
                got=args.model_args))
        model_args.update(extra)
        base = Config(code=args.code, model=args.model, model_args=model_args,
                      samples=args.samples, batch_size=args.batch_size, epochs=args.epochs,
                      repeats=args.repeats,
                      device=args.device, threads=args.threads, backend=args.backend,
                      dtype=args.dtype)  # fmt: skip
    except (ValueError, TypeError, FileNotFoundError, SyntaxError) as err:
        print(_("error: {err}").format(err=err), file=sys.stderr)
        return 2
    options = {"csv": args.csv, "ledger": Ledger()}
    experiments = {
        "threads": lambda: sweeps.threads(base, **options),
        "batch": lambda: sweeps.batch_sizes(base, **options),
        "inference": lambda: sweeps.inference(base, **options),
        "sizes": lambda: sweeps.model_sizes(base, grid=args.grid, **options),
        "backends": lambda: sweeps.backends(base, **options),
        "levels": lambda: sweeps.levels(base, **options),
        "devices": lambda: sweeps.devices(base, **options),
    }
    results = experiments[args.sweep]()
    wanted = ("label", "median_s", "samples_per_s", "achieved_gflops", "speedup", "efficiency",
              "within_budget", "error")  # fmt: skip
    columns = [c for c in wanted if c in results.frame]
    print(results.frame[columns].to_string(index=False, float_format=lambda v: f"{v:,.4g}"))
    if results.interrupted:
        print(_("interrupted: the rows above are the ones that finished"), file=sys.stderr)
    return 130 if results.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
