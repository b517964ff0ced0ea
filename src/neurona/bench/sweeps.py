"""The lab's experiments, each a grid of :class:`Config` run by :func:`~neurona.bench.sweep`.

Every function takes a ``base`` configuration (what stays fixed) and returns
:class:`~neurona.bench.runner.Results` with the derived columns its plot needs (speed-up,
efficiency, within the real-time budget, share of peak).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from typing import Any

from neurona.bench.config import BACKENDS, LEVELS, Config
from neurona.bench.runner import Results, sweep
from neurona.hardware import resource_limits
from neurona.i18n import _
from neurona.validate import one_of

__all__ = [
    "INFERENCE_SAMPLES",
    "PYRAMIDS",
    "available_backends",
    "backends",
    "batch_sizes",
    "cpu_count",
    "device_grid",
    "devices",
    "inference",
    "levels",
    "model_sizes",
    "parameters",
    "pyramid_parameters",
    "speedup_table",
    "threads",
]

#: Inference sizes of Martín López (2019)'s real-time test (samples per call).
INFERENCE_SAMPLES = (2, 64, 512, 1024)
#: The MLP grid of the Theano/TensorFlow/Keras study (2017): hidden layers x units per layer.
MLP_GRID = {"hidden_layers": (2, 4, 8, 16), "units": (25, 50, 100, 200, 400, 800, 1600)}
#: The LeNet grid of the 2017 study: conv layers x feature maps per colour channel.
LENET_GRID = {"conv_layers": (1, 2), "maps": (2, 4, 8, 16, 32, 64)}
#: Martín López (2019)'s pyramid MLPs (hidden widths), from 2,601 to 104 M parameters.
PYRAMIDS = ((50,), (1600,), (3200,), (800, 400, 208), (12800,), (25600,), (1600, 800, 416),
            (3200, 1600, 832), (6400, 3200), (6400, 3200, 1664), (12800, 6400, 3328))  # fmt: skip


def cpu_count() -> int:
    """Return the CPUs this process may use: the machine's, or fewer under a limit.

    The smallest of the machine's logical CPUs, the affinity mask (``taskset``) and a
    container's CPU quota (cgroups, JupyterHub's ``CPU_LIMIT``), as
    :func:`neurona.resource_limits` reads them: a JupyterHub pod allowed 2 CPUs on a
    64-core node answers 2.

    Examples
    --------
    >>> cpu_count() >= 1
    True
    """
    return resource_limits().cpus


def available_backends() -> dict[str, str]:
    """Each Keras backend with ``""`` if installed, else a one-line reason it is skipped."""
    modules = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    return {
        name: "" if importlib.util.find_spec(module)
        else _("{module} is not installed").format(module=module)
        for name, module in modules.items()
    }


def threads(base: Config, counts: Iterable[int] | None = None, **options: Any) -> Results:
    """Time ``base`` with 1, 2, ... threads; add ``speedup`` (vs 1 thread) and ``efficiency``.

    ``counts`` default: 1 up to the CPUs available, plus twice that, which shows what
    oversubscription does (the 2017 study's curve got worse past 8 threads).
    """
    n = cpu_count()
    counts = list(counts) if counts is not None else sorted({*range(1, n + 1), 2 * n})
    results = sweep([base.with_(threads=c) for c in counts], **options)
    _add_speedup(results, key="threads")
    return results


def batch_sizes(
    base: Config, sizes: Sequence[int] = (8, 32, 128, 512, 2048), **options: Any
) -> Results:
    """Time one training epoch of ``base`` for each batch size."""
    return sweep([base.with_(batch_size=b) for b in sizes], **options)


def inference(
    base: Config, samples: Sequence[int] = INFERENCE_SAMPLES, budget_s: float = 1.0, **options: Any
) -> Results:
    """Latency of one inference call on 2, 64, 512, 1024 inputs, against a real-time budget."""
    configs = [base.with_(task="infer", samples=n, level="fit", repeats=max(base.repeats, 5))
               for n in samples]  # fmt: skip
    results = sweep(configs, **options)
    for row in results.rows:
        if row.get("ok"):
            row["within_budget"] = row["median_s"] <= budget_s
            row["budget_s"] = budget_s
    return results


def model_sizes(
    base: Config, grid: str = "mlp", max_parameters: int | None = 2_000_000, **options: Any
) -> Results:
    """Time per epoch across the 2017 study's MLP or LeNet grid, or the 2019 pyramids.

    The grids of the Theano/TensorFlow/Keras study (2017) and Martín López (2019).

    Models with more than ``max_parameters`` parameters are left out (``None``: the whole
    grid; the 2017 study's largest MLP has 41 M parameters, the 2019 thesis's largest pyramid
    104 M).

    The configurations name the networks ``mlp``, ``lenet`` or ``pyramid`` of ``base``'s code
    file, with the arguments ``hidden_layers`` and ``units``, ``conv_layers`` and ``maps``, or
    ``widths``. With ``max_parameters``, each network is built here once to count its parameters.
    """
    if grid == "mlp":
        configs = [base.with_(model="mlp", model_args={"hidden_layers": h, "units": u})
                   for h in MLP_GRID["hidden_layers"] for u in MLP_GRID["units"]]  # fmt: skip
    elif grid == "lenet":
        configs = [base.with_(model="lenet", model_args={"conv_layers": c, "maps": m})
                   for c in LENET_GRID["conv_layers"] for m in LENET_GRID["maps"]]  # fmt: skip
    elif grid == "pyramid":
        configs = [base.with_(model="pyramid", model_args={"widths": w}) for w in PYRAMIDS]
    else:
        one_of("grid", grid, ("mlp", "lenet", "pyramid"))
    if max_parameters is not None:
        configs = [c for c in configs if parameters(c) <= max_parameters]
    return sweep(configs, **options)


def parameters(config: Config) -> int:
    """Parameters of a configuration's network, built here from its code file and counted."""
    from neurona.bench.code import build

    return int(build(config).count_params())


def pyramid_parameters(widths, inputs: int = 50) -> int:
    """Parameters of a pyramid MLP by Martín López (2019)'s formula ``sum((c_i + 1) * c_(i+1))``.

    ``inputs`` -> ``widths`` -> 1 output, each layer with its bias.

    Examples
    --------
    >>> pyramid_parameters((800, 400, 208))
    444817
    """
    from neurona.parameters import count_dense

    return count_dense([inputs, *widths, 1])


def backends(base: Config, names: Iterable[str] = BACKENDS, **options: Any) -> Results:
    """Time the same configuration on each installed Keras backend (absent ones: skipped rows)."""
    found = available_backends()
    names = list(names)
    configs = [base.with_(backend=name, level="fit") for name in names if not found.get(name)]
    results = sweep(configs, **options)
    for name in names:
        if found.get(name):
            skipped = base.with_(backend=name, level="fit").to_dict()
            skipped.update(label=name, ok=False,
                           error=_("skipped: {why}").format(why=found[name]))
            results.rows.append(skipped)
    return results


def levels(base: Config, names: Iterable[str] = LEVELS, **options: Any) -> Results:
    """Time the same network trained by Keras ``fit``, a ``tf.function`` loop and an eager loop."""
    return sweep([base.with_(level=name, backend="tensorflow") for name in names], **options)


def devices(base: Config, **options: Any) -> Results:
    """CPU vs GPU for the same configuration, with ``speedup`` of the GPU over the CPU.

    Without a GPU the GPU row fails with the reason, and the table says so.
    """
    results = sweep([base.with_(device="cpu"), base.with_(device="gpu")], **options)
    rows = {row["device"]: row for row in results.rows if row.get("ok")}
    if "cpu" in rows and "gpu" in rows:
        rows["gpu"]["speedup"] = rows["cpu"]["median_s"] / rows["gpu"]["median_s"]
    return results


#: The GPU tables of the Theano/TensorFlow/Keras study (2017): hidden layers x units for the
#: MLP, conv layers x maps for LeNet.
DEVICE_GRIDS = {
    "mlp": ("hidden_layers", (8, 16), "units", (25, 50, 100, 200)),
    "lenet": ("conv_layers", (1, 2), "maps", (2, 4, 8, 16, 32)),
}


def device_grid(base: Config, grid: str = "mlp", **options: Any) -> Results:
    """GPU vs one CPU thread for every network of the 2017 study's grid (its baseline).

    Each GPU row gets ``speedup`` = CPU time / GPU time; :func:`speedup_table` lays them out
    like the 2017 study's tables. Without a GPU the GPU rows fail with the reason.
    """
    one_of("grid", grid, DEVICE_GRIDS)
    row_key, row_values, column_key, column_values = DEVICE_GRIDS[grid]
    configs = []
    for r in row_values:
        for c in column_values:
            config = base.with_(model=grid, model_args={row_key: r, column_key: c})
            configs += [config.with_(device="cpu", threads=1), config.with_(device="gpu")]
    results = sweep(configs, **options)
    for cpu, gpu in zip(results.rows[::2], results.rows[1::2], strict=False):
        if cpu.get("ok") and gpu.get("ok"):
            gpu["speedup"] = cpu["median_s"] / gpu["median_s"]
    return results


def speedup_table(results: Results, grid: str = "mlp"):
    """Return the GPU rows' speed-ups as a table: one row per depth, one column per width."""
    row_key, _rows, column_key, _columns = DEVICE_GRIDS[grid]
    cells = [
        {row_key: row["model_args"][row_key], column_key: row["model_args"][column_key],
         "speedup": row["speedup"]}
        for row in results.rows
        if row.get("device") == "gpu" and row.get("speedup") is not None
    ]  # fmt: skip
    if not cells:
        raise ValueError(_("no GPU row ran: there is no speed-up to tabulate"))
    import pandas as pd

    return pd.DataFrame(cells).pivot(index=row_key, columns=column_key, values="speedup")


def _add_speedup(results: Results, key: str) -> None:
    rows = [row for row in results.rows if row.get("ok")]
    reference = next((row for row in rows if row.get(key) == 1), None)
    if reference is None:
        return
    for row in rows:
        row["speedup"] = reference["median_s"] / row["median_s"]
        row["efficiency"] = row["speedup"] / row[key]
