"""Inference latency of a model already in memory, against a real-time budget.

:func:`neurona.bench.sweeps.inference` times a network of a code file in a fresh process; this
times the model you just trained, in the notebook's own process, the same way: two untimed warm-up
calls per input size, then ``repeats`` timed calls of ``model.predict_on_batch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from neurona.bench.child import time_inference
from neurona.bench.runner import Results
from neurona.bench.sweeps import INFERENCE_SAMPLES
from neurona.i18n import _
from neurona.validate import real_number, whole_number

__all__ = [
    "latency",
]


def latency(model, inputs, samples: Sequence[int] = INFERENCE_SAMPLES, *, repeats: int = 5,
            budget_s: float = 1.0, label: str | None = None) -> Results:  # fmt: skip
    """Time one inference call on ``n`` inputs for each ``n`` in ``samples``.

    Parameters
    ----------
    model : keras.Model
        A built model.
    inputs : numpy.ndarray, or a list of them
        Real inputs to draw from (rows are repeated if ``n`` exceeds them). For a model with
        several inputs (Keras's functional API), a list with one array per input, in the
        order of ``model.inputs``, all with the same number of rows.
    samples : sequence of int
        Inputs per call; the source used 2, 64, 512 and 1,024.
    repeats : int
        Timed calls per size; the row gives their median, fastest and slowest.
    budget_s : float
        The real-time budget; ``within_budget`` says whether the median met it.
    label : str, optional
        The model's name in tables and legends (default: ``model.name``).

    Returns
    -------
    Results
        One row per size, with the columns :func:`neurona.plots.performance.plot_inference_latency`
        draws (``label``, ``samples``, ``median_s``) and ``within_budget``.
    """
    from neurona.hardware import compute_device

    whole_number("repeats", repeats, 1)
    real_number("budget_s", budget_s, 0, low_open=True, note=_("seconds"))
    several = isinstance(inputs, (list, tuple))
    arrays = [np.asarray(a) for a in inputs] if several else [np.asarray(inputs)]
    if not arrays:
        raise ValueError(_("inputs must be an array of rows, or a list with one array per input"))
    for k, array in enumerate(arrays):
        where = f"inputs[{k}]" if several else "inputs"
        if array.ndim < 2 or len(array) == 0:
            raise ValueError(_("{where} must be a non-empty batch of rows; got shape {shape}")
                             .format(where=where, shape=array.shape))
    if len({len(a) for a in arrays}) > 1:
        raise ValueError(_("the arrays of inputs must have as many rows each; got {rows}").format(
            rows=", ".join(str(len(a)) for a in arrays)))
    sizes = [whole_number(f"samples[{i}]", n, 1) for i, n in enumerate(samples)]
    if not sizes:
        raise ValueError(_("samples must name at least one batch size, e.g. (1, 64)"))
    name = label or model.name
    device = compute_device()
    rows: list[dict[str, Any]] = []
    for n in sizes:
        batch = [np.resize(a, (int(n), *a.shape[1:])) for a in arrays]   # repeats rows if needed
        batch = batch if several else batch[0]
        times, warmup = time_inference(model, batch, repeats)   # as a benchmark's child times it
        median = float(np.median(times))
        label_n = _("{name} · infer {n}").format(name=name, n=n)
        rows.append({"label": label_n, "ok": True, "model": name, "model_args": {},
                     "task": "infer", "samples": int(n), "repeats": repeats,
                     "median_s": median, "min_s": min(times), "max_s": max(times),
                     "samples_per_s": n / median, "warmup_s": warmup,
                     "parameters": model.count_params(),
                     "device_read": device, "within_budget": median <= budget_s,
                     "budget_s": float(budget_s)})  # fmt: skip
    return Results(rows)
