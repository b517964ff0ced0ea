"""Pictures of the performance lab: speed-up maps, thread scaling, time against size and batch.

Each function takes a sweep's results (:class:`neurona.bench.Results` or its DataFrame) and,
where the sources published the same experiment, their table as a reference to draw beside
it, so that "what the thesis found" and "what this machine does" sit in one figure.
:func:`backend_verdicts` is the one text view: the backend comparison said in sentences.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.i18n import _, grouped
from neurona.plots.style import (
    PALETTE,
    axes_or_new,
    integer_ticks,
    legend_below,
    plain_log_ticks,
    whole_number_labels,
)

__all__ = [
    "plot_thread_scaling",
    "plot_time_vs_batch",
    "plot_time_vs_parameters",
    "plot_inference_latency",
    "plot_share_of_peak",
    "plot_speedup_heatmap",
    "plot_scaling_laws",
    "backend_verdicts",
]


def _frame(results: Any):
    import pandas as pd

    frame = getattr(results, "frame", results)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(_("expected sweep results or a DataFrame, got {kind}").format(
            kind=type(results).__name__))
    if "ok" in frame:
        frame = frame[frame["ok"].astype(bool)]
    if frame.empty:
        raise ValueError(
            _("no row ran: there is nothing to draw (see the table's error column)"))
    return frame


def plot_speedup_heatmap(table, *, title: str = "", ax=None, cmap: str = "viridis", fmt=".1f"):
    """Draw a table of speed-ups (rows x columns) as a heat-map with the numbers written in.

    Parameters
    ----------
    table : pandas.DataFrame
        Numbers only, indexed by the row labels (e.g. the ``framework_gpu_speedup_mlp`` of
        the Theano/TensorFlow/Keras study (2017), with ``net`` as index and the unit columns).
    title : str
        Axes title.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    cmap : str
        Matplotlib colour map (log-scaled colours).
    fmt : str
        Format of the numbers written in the cells.
    """
    values = table.to_numpy(dtype=float)
    ax = axes_or_new(ax, 1.1 * values.shape[1] + 2.5, 0.45 * values.shape[0] + 1.5)
    shown = np.log10(np.where(values > 0, values, np.nan))
    image = ax.imshow(shown, cmap=cmap, aspect="auto")
    ax.set_xticks(range(values.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(values.shape[0]), [str(i) for i in table.index])
    middle = np.nanmean(shown) if np.isfinite(shown).any() else 0
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            color = "white" if shown[i, j] < middle else "black"
            ax.text(j, i, format(value, fmt), ha="center", va="center", color=color, fontsize=8)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(_("speed-up (log scale)"))
    ticks = bar.get_ticks()
    bar.set_ticks(ticks, labels=[f"{10**t:.3g}" for t in ticks])
    ax.set_title(title)
    return ax


def plot_thread_scaling(results, *, reference: dict[str, Any] | None = None, ax=None):
    """Draw speed-up and efficiency against threads, with the ideal line and Amdahl's fit.

    Parameters
    ----------
    results : Results or DataFrame
        A thread sweep (columns ``threads``, ``speedup``, ``efficiency``).
    reference : dict, optional
        A published point to mark, e.g. ``{"threads": 8, "speedup": 1.81, "label": "2017
        study, MLP"}``.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    from neurona.bench.laws import amdahl_speedup, fit_parallel_fraction

    frame = _frame(results).sort_values("threads")
    threads = frame["threads"].astype(float).to_numpy()
    speedup = frame["speedup"].astype(float).to_numpy()
    ax = axes_or_new(ax)
    top = max(threads.max(), (reference or {}).get("threads", 1))
    grid = np.linspace(1, top, 50)
    ax.plot(grid, grid, color="grey", linestyle=":", label=_("ideal (speed-up = threads)"))
    ax.plot(threads, speedup, "o-", color=PALETTE[0], label=_("measured speed-up"))
    if len(threads) > 1 and threads.max() > 1:
        fraction = fit_parallel_fraction(threads, speedup)
        ax.plot(grid, amdahl_speedup(fraction, grid), "--", color=PALETTE[1],
                label=_("Amdahl, parallel share F = {share:.2f}").format(share=fraction))
    if reference:
        ax.plot([reference["threads"]], [reference["speedup"]], "s", color=PALETTE[2],
                label=reference.get("label", _("published")))  # fmt: skip
    ax.set_xlabel(_("threads"))
    ax.set_ylabel(_("speed-up over 1 thread"))
    integer_ticks(ax.xaxis)
    twin = ax.twinx()
    twin.bar(threads, frame["efficiency"].astype(float), width=0.25, alpha=0.25, color=PALETTE[0])
    twin.set_ylim(0, 1.2)
    twin.set_ylabel(_("efficiency = speed-up / threads (bars)"))
    # Below the plot: inside it, the legend would cover the efficiency bars or the curves.
    legend_below(ax, fontsize=8)
    ax.set_title(_("More threads for one training step"))
    return ax


def plot_time_vs_parameters(results, *, reference=None, x: str = "parameters",
                            y: str = "per_epoch_s", ax=None):  # fmt: skip
    """Draw time against model size on log axes: ours per device, a source's per device.

    Parameters
    ----------
    results : Results or DataFrame
        A size sweep (``parameters``, ``per_epoch_s``, ``device``).
    reference : DataFrame, optional
        Martín López (2019)'s ``heterogeneous_mlp_training``: a ``parameters`` column and one
        column of seconds per device; drawn dashed.
    x, y : str
        Columns for the axes.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    frame = _frame(results)
    ax = axes_or_new(ax)
    for index, (device, rows) in enumerate(frame.groupby("device_read")):
        rows = rows.sort_values(x)
        ax.plot(rows[x], rows[y], "o-", color=PALETTE[index % len(PALETTE)],
                label=_("this machine: {device}").format(device=device))
    if reference is not None:
        devices = [c for c in reference.columns if c not in ("hidden_layers", "parameters")]
        for index, device in enumerate(devices, start=2):
            rows = reference[["parameters", device]].dropna().sort_values("parameters")
            ax.plot(rows["parameters"], rows[device], "--", marker=".",
                    color=PALETTE[index % len(PALETTE)], alpha=0.8,
                    label=_("2019 thesis: {device}").format(device=device))
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)  # under a decade: "0.17", not "1.692x10^-1"
    ax.set_xlabel(_("parameters"))
    ax.set_ylabel(_("seconds") if y != "per_epoch_s" else _("seconds per epoch"))
    ax.legend(fontsize=7)
    ax.set_title(_("Training time grows with the model"))
    return ax


def plot_time_vs_batch(results, *, reference=None, per: str = "epoch", ax=None):
    """Draw time per epoch against batch size (log x); a source's rows dashed beside ours.

    Parameters
    ----------
    results : Results or DataFrame
        A batch-size sweep (``batch_size``, ``per_epoch_s``).
    reference : DataFrame, optional
        Martín López (2019)'s ``heterogeneous_cnn_batch``: a ``device`` column and ``b2 ... b2048``.
    per : str
        What one time is per, for the axis label.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    frame = _frame(results).sort_values("batch_size")
    ax = axes_or_new(ax)
    setup = frame["label"].iloc[0].split(" · ")[0]
    ax.plot(frame["batch_size"], frame["per_epoch_s"], "o-", color=PALETTE[0],
            label=_("this machine ({setup})").format(setup=setup))
    if reference is not None:
        columns = [c for c in reference.columns if c.startswith("b")]
        sizes = [int(c[1:]) for c in columns]
        ref_ax = ax.twinx()
        for index, (_row_name, row) in enumerate(reference.iterrows(), start=1):
            values = row[columns].astype(float).to_numpy()
            ref_ax.plot(sizes, values, "--", marker=".", alpha=0.7,
                        color=PALETTE[index % len(PALETTE)],
                        label=_("2019 thesis: {device}").format(device=row["device"]))
        ref_ax.set_yscale("log")
        plain_log_ticks(ref_ax.yaxis)
        ref_ax.set_ylabel(_("thesis: seconds per epoch (dashed, 4.4 M-parameter CNN)"))
        ref_ax.legend(fontsize=7, loc="upper right")
    ax.set_xscale("log", base=2)
    whole_number_labels(ax.xaxis)
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)  # under a decade: "0.17", not "1.692x10^-1"
    ax.set_xlabel(_("batch size"))
    ax.set_ylabel(_("seconds per epoch") if per == "epoch"
                  else _("seconds per {per}").format(per=per))
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title(_("Bigger batches: fewer, larger steps"))
    return ax


def plot_inference_latency(results, *, budget_s: float = 1.0, ax=None):
    """Draw the latency of one inference call against the number of inputs, with the budget."""
    frame = _frame(results).sort_values("samples")
    ax = axes_or_new(ax)
    for index, (label, rows) in enumerate(frame.groupby(frame["label"].str.split(" · ").str[0])):
        ax.plot(rows["samples"], rows["median_s"], "o-", color=PALETTE[index % len(PALETTE)],
                label=label)  # fmt: skip
    ax.axhline(budget_s, color=PALETTE[3], linestyle="--",
               label=_("real-time budget: {budget:g} s").format(budget=budget_s))
    ax.set_xscale("log", base=2)
    whole_number_labels(ax.xaxis)
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)  # under a decade: "0.17", not "1.692x10^-1"
    ax.set_xlabel(_("inputs in one call"))
    ax.set_ylabel(_("seconds per call (median)"))
    ax.legend(fontsize=8)
    ax.set_title(_("Inference latency"))
    return ax


def plot_share_of_peak(results, *, ax=None):
    """Draw each run's achieved FLOP/s as a share of the machine's matrix-multiply peak."""
    frame = _frame(results)
    if "percent_of_peak" not in frame:
        raise ValueError(
            _("no percent_of_peak column: call neurona.bench.add_share_of_peak first"))
    ax = axes_or_new(ax, 7.0, 0.35 * len(frame) + 1.5)
    labels = frame["label"].tolist()
    ax.barh(range(len(frame)), frame["percent_of_peak"].astype(float), color=PALETTE[0])
    ax.set_yticks(range(len(frame)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(_("% of the measured matmul peak"))
    ax.set_xlim(0, max(100.0, float(frame["percent_of_peak"].max()) * 1.1))
    ax.set_title(_("How much of the machine each run used"))
    return ax


def plot_scaling_laws(fraction: float, *, processors: int = 64, measured=None, ax=None):
    """Draw Amdahl's and Gustafson's speed-ups for a parallel share, and measured points.

    Parameters
    ----------
    fraction : float
        Parallel share F (Amdahl); Gustafson's serial share is taken as ``1 - F``.
    measured : tuple of arrays, optional
        ``(threads, speedups)`` from a thread sweep.
    processors : int
        The x axis runs from 1 to this.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    """
    from neurona.bench.laws import amdahl_speedup, gustafson_speedup

    ax = axes_or_new(ax)
    p = np.arange(1, processors + 1)
    ax.plot(p, p, ":", color="grey", label=_("ideal"))
    ax.plot(p, amdahl_speedup(fraction, p), color=PALETTE[0],
            label=_("Amdahl (fixed problem), F = {share:.2f}").format(share=fraction))
    ax.plot(p, gustafson_speedup(1 - fraction, p), color=PALETTE[1],
            label=_("Gustafson (problem grows), serial share {share:.2f}").format(
                share=1 - fraction))
    if fraction < 1:
        ax.axhline(1 / (1 - fraction), color=PALETTE[0], linestyle="--", alpha=0.5,
                   label=_("Amdahl's ceiling 1/(1-F) = {ceiling:.1f}").format(
                       ceiling=1 / (1 - fraction)))
    if measured is not None:
        ax.plot(*measured, "o", color=PALETTE[2], label=_("measured here"))
    ax.set_xlabel(_("processors (threads)"))
    integer_ticks(ax.xaxis)
    ax.set_ylabel(_("speed-up"))
    ax.legend(fontsize=8)
    ax.set_title(_("Strong vs weak scaling"))
    return ax


#: How the backends are named in sentences.
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
#: Closer than this ratio, two measured speeds are called a tie: a shared machine's times
#: move by 10 to 30 % between runs.
TIE_RATIO = 1.15


def backend_verdicts(results) -> list[str]:
    """Say, one line per network and number format, which Keras backend trained it faster.

    The training rows that ran are grouped by network and ``dtype``; each group with two or
    more backends gets a line with their samples per second and the winner's lead (a lead
    under :data:`TIE_RATIO` is called a tie). Each network and backend timed in both float32
    and mixed bfloat16 gets a line saying what bfloat16 changed.

    Parameters
    ----------
    results : Results or DataFrame
        Rows of :func:`neurona.bench.sweeps.backends` (or any sweep over ``backend`` and
        ``dtype``).

    Returns
    -------
    list of str
        The sentences, in the order the networks ran; empty when nothing can be compared
        (fewer than two backends ran a network, or no row ran at all).

    Examples
    --------
    >>> import pandas as pd
    >>> mlp = {"hidden_layers": 4, "units": 400}
    >>> rows = pd.DataFrame({"ok": True, "task": "train", "model": "mlp", "model_args": [mlp, mlp],
    ...                      "dtype": "float32", "backend": ["tensorflow", "jax"],
    ...                      "samples_per_s": [1000.0, 3000.0]})
    >>> print(*backend_verdicts(rows))
    mlp 4x400, float32: JAX 3,000 samples/s, TensorFlow 1,000: JAX is 3.0x faster than TensorFlow
    """
    from neurona.bench.config import describe

    frame = getattr(results, "frame", results)
    if frame.empty or "ok" not in frame:
        return []
    frame = frame[frame["ok"].astype(bool) & (frame["task"] == "train")]
    speeds: dict[tuple[str, str], dict[str, float]] = {}
    for row in frame.to_dict("records"):
        network = describe(row["model"], row["model_args"] or {})
        speeds.setdefault((network, row["dtype"]), {})[row["backend"]] = float(
            row["samples_per_s"]
        )
    lines = []
    for (network, dtype), by_backend in speeds.items():
        if len(by_backend) < 2:
            continue
        ranked = sorted(by_backend.items(), key=lambda item: -item[1])
        # The first speed carries the unit: "JAX 3,000 samples/s, TensorFlow 1,000".
        listing = ", ".join(
            [_("{backend} {speed} samples/s").format(backend=BACKEND_NAMES.get(b, b),
                                                     speed=grouped(v, ",.0f"))
             if k == 0 else f"{BACKEND_NAMES.get(b, b)} {grouped(v, ',.0f')}"
             for k, (b, v) in enumerate(ranked)])
        (best, fast), (second, slow) = ranked[0], ranked[1]
        lead = fast / slow
        verdict = (_("{fast} is {lead:.1f}x faster than {slow}").format(
                       fast=BACKEND_NAMES.get(best, best), lead=lead,
                       slow=BACKEND_NAMES.get(second, second)) if lead >= TIE_RATIO
                   else _("a tie (within {margin:.0%})").format(margin=TIE_RATIO - 1))
        lines.append(f"{network}, {dtype}: {listing}: {verdict}")
    for (network, dtype), by_backend in speeds.items():
        if dtype != "mixed_bfloat16":
            continue
        for backend, bf16 in by_backend.items():
            f32 = speeds.get((network, "float32"), {}).get(backend)
            if f32 is None:
                continue
            ratio = bf16 / f32
            name = BACKEND_NAMES.get(backend, backend)
            if ratio >= TIE_RATIO:
                line = _("{network} on {backend}: mixed bfloat16 ran {ratio:.1f}x faster "
                         "than float32")
            elif ratio <= 1 / TIE_RATIO:
                line = _("{network} on {backend}: mixed bfloat16 ran {slower:.1f}x slower "
                         "than float32")
            else:
                line = _("{network} on {backend}: mixed bfloat16 ran about as fast as "
                         "float32 ({ratio:.2f}x)")
            lines.append(line.format(network=network, backend=name, ratio=ratio,
                                     slower=1 / ratio))
    return lines
