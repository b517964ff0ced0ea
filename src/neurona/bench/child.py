"""The child process of a benchmark: set the framework up, time one configuration, print a row.

    python -m neurona.bench.child '<config as JSON>'

Backend, visible devices and thread pools can only be chosen before the framework starts,
so every configuration runs here, in a fresh interpreter. The network and the training loop
come from the configuration's code file (notebook 11's ``timed_code.py``), imported here
once the framework is set up; the child only adds random data of the network's shapes, the
clock and the row. The row is the child's one result line (:func:`neurona.processes.report`):
the configuration, what the child read back from inside the framework (backend, thread
counts, CPUs it may use, device), and the timings; an error is a row with ``ok`` false.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from typing import Any

from neurona import processes
from neurona.i18n import _

__all__ = [
    "main",
]


def prepare_environment(config: dict[str, Any]) -> None:
    """Fix backend, devices and threads in the environment, before any framework import."""
    os.environ["KERAS_BACKEND"] = config["backend"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if config["device"] == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
        os.environ["JAX_PLATFORMS"] = "cpu"
    threads = config.get("threads")
    if threads:
        for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
        if hasattr(os, "sched_setaffinity"):
            allowed = sorted(os.sched_getaffinity(0))
            # More threads than CPUs: all CPUs, and the pool is oversubscribed.
            os.sched_setaffinity(0, allowed[: max(1, min(threads, len(allowed)))])
        if threads == 1:
            flags = os.environ.get("XLA_FLAGS", "")
            os.environ["XLA_FLAGS"] = (
                f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
            ).strip()
    if config.get("inter_threads"):
        os.environ["TF_NUM_INTEROP_THREADS"] = str(config["inter_threads"])


def configure_framework(config: dict[str, Any]) -> dict[str, Any]:
    """Import Keras on the chosen backend, apply thread settings; return what it reads back."""
    import neurona  # noqa: F401  (quiets TensorFlow's start-up before Keras imports it)

    backend = config["backend"]
    threads, inter = config.get("threads"), config.get("inter_threads")
    read: dict[str, Any] = {}
    if backend == "tensorflow":
        import tensorflow as tf

        if threads:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
        if inter:
            tf.config.threading.set_inter_op_parallelism_threads(inter)
        read["threads_read"] = tf.config.threading.get_intra_op_parallelism_threads() or None
        read["inter_threads_read"] = tf.config.threading.get_inter_op_parallelism_threads() or None
        gpus = tf.config.list_physical_devices("GPU")
    elif backend == "torch":
        import torch

        if threads:
            torch.set_num_threads(threads)
        read["threads_read"] = torch.get_num_threads()
        gpus = list(range(torch.cuda.device_count())) if config["device"] == "gpu" else []
    else:
        import jax

        read["threads_read"] = threads  # XLA has no thread-count API: the CPU set limits it
        try:
            gpus = jax.devices("gpu") if config["device"] == "gpu" else []
        except RuntimeError:
            gpus = []
    if config["device"] == "gpu" and not gpus:
        raise RuntimeError(_("no GPU is visible to {backend} on this machine").format(
            backend=backend))
    import keras

    read["backend_read"] = keras.backend.backend()
    from neurona.hardware import resource_limits

    # Read again: prepare_environment narrowed the affinity mask after `import neurona`.
    read["cpus_allowed"] = resource_limits(refresh=True).cpus
    if config["dtype"] != "float32":
        keras.mixed_precision.set_global_policy(config["dtype"])
    return read


def time_training(config: dict[str, Any], train, x, y) -> tuple[list[float], float]:
    """Return the timed repeats (seconds for ``epochs`` epochs each) and the warm-up time.

    ``train(x, y, epochs)`` is what the code file's training loop returned.
    """
    batch, epochs = config["batch_size"], config["epochs"]
    # The warm-up traces the step for a full batch and for the last, partial one.
    warm = slice(0, min(len(x), 2 * batch + len(x) % batch))
    start = time.perf_counter()
    train(x[warm], y[warm], 1)
    warmup = time.perf_counter() - start
    seconds = []
    for _repeat in range(config["repeats"]):
        start = time.perf_counter()
        train(x, y, epochs)
        seconds.append(time.perf_counter() - start)
    return seconds, warmup


def random_data(model, n: int, seed: int):
    """Return ``(x, y, loss)``: ``n`` random inputs of the model's input shape, and targets.

    One output unit: real-valued targets and the mean squared error (a regressor); more:
    class labels and the cross-entropy (a classifier with a softmax). A benchmark times the
    arithmetic, which does not depend on the values.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    x = rng.random((n, *shape), dtype=np.float32)
    outputs = int(model.outputs[0].shape[-1])
    if outputs == 1:
        return x, rng.normal(size=(n, 1)).astype("float32"), "mse"
    return x, rng.integers(0, outputs, size=n), "sparse_categorical_crossentropy"


def time_inference(model, x, repeats: int) -> tuple[list[float], float]:
    """Return the timed repeats of one ``predict_on_batch`` call on all of ``x``, and warm-up.

    Two untimed calls first (tracing, and the first run of the traced function).
    """
    start = time.perf_counter()
    model.predict_on_batch(x)
    model.predict_on_batch(x)
    warmup = time.perf_counter() - start
    seconds = []
    for _repeat in range(repeats):
        start = time.perf_counter()
        model.predict_on_batch(x)
        seconds.append(time.perf_counter() - start)
    return seconds, warmup


def run_config(config: dict[str, Any]) -> dict[str, Any]:
    """Time one configuration (already in a fresh process); return the row."""
    from neurona.bench import code
    from neurona.bench.config import Config
    from neurona.bench.flops import forward_flops

    Config.from_dict(config)  # checked again, in case the JSON was written by hand
    prepare_environment(config)
    row: dict[str, Any] = dict(config)
    row.update(configure_framework(config))
    import keras

    import neurona as nr

    nr.seed(config["seed"])
    module = code.load_code(config["code"])  # the student's file, imported once Keras is set
    model = code.network(module, config["model"])(**config["model_args"])
    if not (hasattr(model, "count_params") and getattr(model, "inputs", None)):
        raise TypeError(_("{model}() must return a Keras model built with keras.Input; it "
                          "returned {kind}").format(model=config["model"],
                                                    kind=type(model).__name__))
    check_memory(config, model)
    x, y, loss = random_data(model, config["samples"], config["seed"])
    if config["task"] == "train":
        train = code.loop(module, config["level"])(model, loss, config["batch_size"])
        seconds, warmup = time_training(config, train, x, y)
        flops = 3 * forward_flops(model) * config["samples"] * config["epochs"]
    else:
        seconds, warmup = time_inference(model, x, config["repeats"])
        flops = forward_flops(model) * config["samples"]
    median = statistics.median(seconds)
    row.update(
        ok=True,
        error="",
        seconds=[round(s, 6) for s in seconds],
        median_s=median,
        min_s=min(seconds),
        max_s=max(seconds),
        warmup_s=warmup,
        per_epoch_s=median / config["epochs"] if config["task"] == "train" else None,
        samples_per_s=config["samples"] * (config["epochs"] if config["task"] == "train" else 1)
        / median,
        parameters=int(model.count_params()),
        forward_flops=forward_flops(model),
        flops=flops,
        achieved_gflops=flops / median / 1e9,
        device_read=nr.compute_device(),
        versions={"python": platform.python_version(), "keras": keras.__version__},
    )
    return row


def check_memory(config: dict[str, Any], model) -> None:
    """Refuse, with a suggested batch size, a run that would not fit in the memory free now.

    Free under the limits in force (a container's memory limit less what it uses), of which
    a run may take :data:`neurona.hardware.MEMORY_SAFETY`.
    """
    from neurona.bench.limits import largest_batch, memory_limit, memory_needed
    from neurona.hardware import MEMORY_SAFETY, resource_limits

    memory = memory_needed(model, config["batch_size"], config["dtype"])
    inputs = 1
    for dim in model.inputs[0].shape[1:]:
        inputs *= int(dim)
    data_bytes = 4 * config["samples"] * inputs  # the random inputs, float32
    limit = memory_limit(MEMORY_SAFETY) - data_bytes
    needed = memory["parameter_bytes"] + memory["activation_bytes"]
    if needed > limit:
        batch = largest_batch(memory, limit)
        tip = (_("try batch_size={batch}").format(batch=batch) if batch
               else _("even batch 1 does not fit: a smaller model"))
        limits = resource_limits()
        fields = {"needed": needed / 1e9, "free": max(limit, 0) / 1e9, "tip": tip,
                  "source": limits.memory_source}
        if limits.memory_bytes < limits.host_memory_bytes:
            message = _("this run needs about {needed:.1f} GB and {free:.1f} GB is free within "
                        "this container's limit ({source}): {tip}")
        else:
            message = _("this run needs about {needed:.1f} GB and {free:.1f} GB is free: {tip}")
        raise MemoryError(message.format(**fields))


def measure_peak(job: dict[str, Any]) -> dict[str, Any]:
    """Best matrix-multiply throughput (FLOP/s) for ``job["dtype"]`` at size ``job["size"]``."""
    prepare_environment(job)
    row: dict[str, Any] = dict(job)
    row.update(configure_framework({**job, "dtype": "float32"}))
    import keras
    import numpy as np

    n, dtype = job["size"], job["matmul_dtype"]
    rng = np.random.default_rng(0)
    a = keras.ops.convert_to_tensor(rng.random((n, n), dtype=np.float32), dtype=dtype)
    b = keras.ops.convert_to_tensor(rng.random((n, n), dtype=np.float32), dtype=dtype)

    def product():  # summed and cast to float32, so that the copy back is one number
        total = keras.ops.sum(keras.ops.cast(keras.ops.matmul(a, b), "float32"))
        return keras.ops.convert_to_numpy(total)

    product()  # warm-up
    seconds = []
    deadline = time.perf_counter() + job.get("budget_s", 3.0)
    while len(seconds) < 3 or (time.perf_counter() < deadline and len(seconds) < 50):
        start = time.perf_counter()
        product()
        seconds.append(time.perf_counter() - start)
    best = min(seconds)
    import neurona as nr

    row.update(ok=True, error="", median_s=statistics.median(seconds), min_s=best,
               peak_gflops=2 * n**3 / best / 1e9, device_read=nr.compute_device())
    return row


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the JSON job in ``argv[0]``; print its row (or an error row)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(_("usage: python -m neurona.bench.child '<config as JSON>'"), file=sys.stderr)
        return 2
    job = json.loads(argv[0])
    # An error is reported as a row: a sweep goes on with the next configuration.
    work = measure_peak if job.get("job") == "peak" else run_config
    return processes.serve(lambda: work(job), fallback=job)


if __name__ == "__main__":
    sys.exit(main())
