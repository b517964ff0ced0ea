"""The machine's limits: its matrix-multiply peak, and whether a run will fit before it starts.

:func:`matmul_peak` times the largest dense product the framework does well (the operation
every Dense and Conv layer becomes) and reports FLOP/s: the ceiling that a model's achieved
FLOP/s is compared with (:func:`add_share_of_peak`).

:func:`estimate` answers "will this fit, and how long will it take?" before a large run:
memory for the weights, their gradients and Adam's two moments, plus the activations kept
for the backward pass; time per epoch from a short calibration run. When the estimate is
over the memory limit it says so and proposes a batch size that fits, instead of letting the
kernel die.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from neurona.bench.config import Config, check_machine
from neurona.bench.runner import Results, run_child
from neurona.hardware import resource_limits
from neurona.i18n import _, grouped
from neurona.validate import one_of, real_number

__all__ = [
    "Estimate",
    "estimate",
    "matmul_peak",
    "add_share_of_peak",
]


def matmul_peak(
    dtype: str = "float32",
    size: int = 2048,
    *,
    device: str = "cpu",
    threads: int | None = None,
    backend: str = "tensorflow",
    budget_s: float = 3.0,
    timeout: float = 300.0,
) -> dict:
    """Measure matrix-multiply FLOP/s (``2 n**3`` per ``n x n`` product) in a fresh process.

    Parameters
    ----------
    dtype : str
        ``"float32"`` or ``"bfloat16"`` (fast only where the CPU has bf16 instructions, e.g.
        AVX-512 BF16 or AMX, or on a recent GPU).
    size : int
        Matrix side; 2048 is large enough to reach peak on a laptop CPU.
    device, threads, backend
        As in :class:`~neurona.bench.Config`.
    budget_s : float
        Seconds of repeated products; the best one counts.
    timeout : float
        Seconds before the child process is stopped.

    Returns
    -------
    dict
        A row with ``peak_gflops`` (best product) and ``ok``/``error``.
    """
    one_of("dtype", dtype, ("float32", "bfloat16"))
    check_machine(device, threads, None, backend)  # the same checks as a run
    job = {"job": "peak", "matmul_dtype": dtype, "size": int(size), "device": device,
           "threads": threads, "inter_threads": None, "backend": backend, "budget_s": budget_s,
           "dtype": "float32"}  # fmt: skip
    row = run_child(json.dumps(job), job, timeout)
    row["label"] = _("matmul {size}x{size} {dtype} · {device}").format(size=size, dtype=dtype,
                                                                        device=device)
    return row


def add_share_of_peak(results: Results, peak_gflops: float) -> Results:
    """Add ``percent_of_peak`` (achieved / peak FLOP/s x 100) to every row that ran."""
    real_number("peak_gflops", peak_gflops, 0, low_open=True)
    for row in results.rows:
        if row.get("ok") and row.get("achieved_gflops") is not None:
            row["percent_of_peak"] = 100.0 * row["achieved_gflops"] / peak_gflops
    return results


@dataclass
class Estimate:
    """What a run will need: memory (bytes) and time per epoch (seconds, when calibrated)."""

    config: Config
    parameters: int
    parameter_bytes: int
    activation_bytes: int
    limit_bytes: int
    seconds_per_epoch: float | None
    suggested_batch_size: int | None

    @property
    def total_bytes(self) -> int:
        """Weights, gradients and optimizer state plus activations."""
        return self.parameter_bytes + self.activation_bytes

    @property
    def fits(self) -> bool:
        """Whether the estimate is within the memory limit."""
        return self.total_bytes <= self.limit_bytes

    @property
    def message(self) -> str:
        """One line for the notebook: fits or not, how long, what to change."""
        fields = {"label": self.config.label(), "gb": self.total_bytes / 1e9,
                  "parameters": grouped(self.parameters, ",.0f"),
                  "batch": self.config.batch_size, "seconds": self.seconds_per_epoch,
                  "limit": self.limit_bytes / 1e9, "suggested": self.suggested_batch_size}
        if self.seconds_per_epoch is not None:
            line = _("{label}: about {gb:.2f} GB ({parameters} parameters; activations for "
                     "batch {batch}), about {seconds:.1f} s per epoch")
        else:
            line = _("{label}: about {gb:.2f} GB ({parameters} parameters; activations for "
                     "batch {batch})")
        line = line.format(**fields)
        if self.fits:
            return line + "."
        tip = (
            _("Try batch_size={suggested}.") if self.suggested_batch_size
            else _("Even batch 1 does not fit: choose a smaller model.")
        ).format(**fields)
        return _("Too large: {line}, over the {limit:.1f} GB allowed. {tip}").format(
            line=line, tip=tip, **fields)

    def __str__(self) -> str:
        return self.message


def estimate(config: Config, *, calibrate: bool = True, limit_bytes: int | None = None) -> Estimate:
    """Estimate memory and time of ``config`` before running it.

    Parameters
    ----------
    config : Config
        The run to check (training).
    calibrate : bool
        Time a short run (4 batches, in a child process) to estimate seconds per epoch.
    limit_bytes : int, optional
        Memory allowed; default: half of the memory available now (:func:`memory_limit`).

    Returns
    -------
    Estimate
        ``.fits``, ``.message`` and ``.suggested_batch_size``.
    """
    from neurona.bench.code import build

    model = build(config)  # the network of the configuration's code file, built here
    memory = memory_needed(model, config.batch_size, config.dtype)
    if limit_bytes is None:
        limit_bytes = memory_limit()
    too_large = memory["parameter_bytes"] + memory["activation_bytes"] > limit_bytes
    suggested = largest_batch(memory, limit_bytes) if too_large else None
    seconds = None
    if calibrate and not too_large:
        from neurona.bench.runner import run

        samples = min(config.samples, 4 * config.batch_size)
        probe = config.with_(samples=samples, repeats=1, epochs=1)
        row = run(probe)
        if row.get("ok"):
            seconds = row["median_s"] / probe.samples * config.samples
    return Estimate(config, memory["parameters"], memory["parameter_bytes"],
                    memory["activation_bytes"], limit_bytes, seconds, suggested)  # fmt: skip


def memory_needed(model, batch_size: int, dtype: str = "float32") -> dict:
    """Bytes a training run of ``model`` needs: parameters (x4 with Adam) and activations.

    Weights, their gradients and Adam's two moment estimates make 4 float32 copies of the
    parameters. Every layer's output is kept for the backward pass, and the gradients flowing
    back are as large again: 2 copies of the activations of a whole batch.
    """
    from neurona.cnn import activation_memory

    parameters = int(model.count_params())
    per_value = 2 if "bfloat16" in dtype else 4
    per_sample = int(activation_memory(model).iloc[-1]["values"])  # input + every layer
    return {
        "parameters": parameters,
        "parameter_bytes": 4 * 4 * parameters,
        "activation_bytes": 2 * per_sample * per_value * int(batch_size),
        "bytes_per_sample": 2 * per_sample * per_value,
    }


def memory_limit(share: float = 0.5) -> int:
    """Return a share of the memory available now, in bytes (the default limit of a run).

    In a container that is its memory limit less what its processes use, not the machine's
    free RAM (:meth:`neurona.ResourceLimits.available_memory_bytes`): a 2 GB pod on a
    512 GB node must not plan batches for the node.

    Parameters
    ----------
    share : float
        Fraction of the available memory, more than 0 and at most 1.

    Examples
    --------
    >>> memory_limit(0.5) > 0
    True
    """
    real_number("share", share, 0, 1, low_open=True, note=_("of the memory available now"))
    return int(resource_limits().available_memory_bytes() * share)


def largest_batch(memory: dict, limit_bytes: int) -> int | None:
    """Return the largest power-of-two batch that fits ``limit_bytes`` (None: not even 1)."""
    room = limit_bytes - memory["parameter_bytes"]
    largest = room // memory["bytes_per_sample"] if room > 0 else 0
    return 1 << (int(largest).bit_length() - 1) if largest >= 1 else None

