"""Run configurations in fresh processes; collect rows in a table, a CSV file and the ledger.

A sweep can be interrupted (the notebook's stop button, Ctrl-C in a terminal): the child
being timed is stopped, and every row finished before stays in the table and in the CSV,
which is written after each row.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from neurona import processes
from neurona.bench.config import Config
from neurona.i18n import _, ngettext, pgettext
from neurona.runs import Ledger, RunRecord, compact

__all__ = [
    "Results",
    "run",
    "sweep",
    "to_record",
]

#: Columns of the tidy table, in order (configuration first, then what was measured).
COLUMNS = (
    "label", "ok", "error", "code", "model", "model_args", "task", "samples", "batch_size",
    "epochs", "device", "threads", "inter_threads", "backend", "level", "dtype", "repeats", "seed",
    "median_s", "min_s", "max_s", "per_epoch_s", "samples_per_s", "warmup_s", "parameters",
    "forward_flops", "flops", "achieved_gflops", "backend_read", "threads_read",
    "inter_threads_read", "cpus_allowed", "device_read",
)  # fmt: skip


def run(config: Config, *, python: str | None = None) -> dict[str, Any]:
    """Time one configuration in a fresh Python process and return its row (a dict).

    A configuration that fails in the child (an unknown option the child meets, a missing
    backend, no GPU, out of memory, a time-out) returns a row with ``ok=False`` and the
    reason in ``error``, instead of raising: a sweep goes on.

    Parameters
    ----------
    config : Config
        What to time.
    python : str, optional
        The interpreter to run; default: this one.
    """
    if not isinstance(config, Config):
        raise TypeError(_("run takes a neurona.bench.Config, got {kind}").format(
            kind=type(config).__name__))
    row = run_child(config.to_json(), config.to_dict(), config.timeout, python=python)
    return row | {"label": config.label()}


#: What a fresh Python process that imports Keras and trains a small network holds at its
#: peak (resident memory), by backend: measured on the course machine with notebook 08's
#: networks, 0.83-0.88 GB on TensorFlow and 0.95-1.21 GB on JAX. PyTorch was not measured:
#: JAX's figure stands for it.
PROCESS_BYTES = {"tensorflow": int(0.9 * 2**30), "jax": int(1.25 * 2**30),
                 "torch": int(1.25 * 2**30)}


def run_child(job: str, base: dict[str, Any], timeout: float, *,
              python: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Run ``python -m neurona.bench.child job`` (a JSON job); return its row.

    A child that fails before it reports (or runs out of time) gives ``base`` with ``ok=False``
    and the reason in ``error``. So does a child that would not fit beside this process in
    the memory free now (:data:`PROCESS_BYTES`, :func:`neurona.hardware.memory_shortfall`):
    it is not started, since past a container's memory limit the kernel kills the largest
    process, most often the notebook's own.
    """
    from neurona.hardware import memory_shortfall

    backend = base.get("backend") or "tensorflow"
    short = memory_shortfall(PROCESS_BYTES.get(backend, max(PROCESS_BYTES.values())),
                             _("a fresh Python process with Keras on {backend}").format(
                                 backend=backend))
    if short is not None:
        return {**base, "ok": False, "error": short}
    command = [python or sys.executable, "-m", "neurona.bench.child", job]
    return {**base, **processes.run(command, timeout=timeout, env=processes.child_env())}


class Results:
    """The rows of a sweep: a DataFrame (:attr:`frame`), CSV export and plots' input.

    Attributes
    ----------
    rows : list of dict
        One dict per configuration, in the order they ran.
    interrupted : bool
        Whether the sweep was stopped before its last configuration.
    """

    def __init__(self, rows: Iterable[dict[str, Any]] = (), interrupted: bool = False):
        self.rows = list(rows)
        self.interrupted = interrupted

    @property
    def frame(self):
        """The tidy table (pandas DataFrame), one row per configuration."""
        import pandas as pd

        frame = pd.DataFrame(self.rows)
        for column in COLUMNS:
            if column not in frame:
                frame[column] = None
        extra = [c for c in frame.columns if c not in COLUMNS and c != "seconds"]
        return frame[[*COLUMNS, *extra]]

    def table(self, *columns: str):
        """Return ``columns`` of :attr:`frame` as a table a notebook shows compactly.

        One row per configuration, named by its label (on one line); 4 significant digits,
        thousands grouped, empty cells for what did not run (see
        :func:`neurona.runs.table_html`); no argument: every column. The values stay as they
        are: ``results.table("median_s")["median_s"]`` is the data.

        Raises
        ------
        ValueError
            For a column the table does not have; the message lists those it has.
        """
        frame = self.frame
        unknown = [c for c in columns if c not in frame.columns or c == "label"]
        if unknown:
            allowed = ", ".join(c for c in frame.columns if c != "label")
            raise ValueError(_("no column {names} in these results; they have: {allowed}").format(
                names=", ".join(repr(c) for c in unknown), allowed=allowed))
        return compact(frame.set_index("label")[list(columns) or [
            c for c in frame.columns if c != "label"]])

    def ok(self):
        """Return the rows that ran (``ok`` is true), as a DataFrame."""
        frame = self.frame
        return frame[frame["ok"].astype(bool)]

    def to_csv(self, path: str | Path) -> Path:
        """Write the table to ``path`` (model arguments as JSON text); return the path."""
        path = Path(path)
        frame = self.frame.copy()
        frame["model_args"] = [json.dumps(a, sort_keys=True) for a in frame["model_args"]]
        frame.to_csv(path, index=False)
        return path

    @classmethod
    def read_csv(cls, path: str | Path) -> Results:
        """Read a table written by :meth:`to_csv`."""
        import pandas as pd

        frame = pd.read_csv(path)
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in rows:
            row["model_args"] = json.loads(row["model_args"]) if row["model_args"] else {}
        return cls(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _repr_html_(self) -> str:
        shown = self.table("ok", "median_s", "samples_per_s", "achieved_gflops", "error")
        note = ("<p><i>{}</i></p>".format(_("Interrupted: the finished rows are kept."))
                if self.interrupted else "")
        return note + shown._repr_html_()

    def __repr__(self) -> str:
        failed = sum(not row.get("ok") for row in self.rows)
        state = ", interrupted" if self.interrupted else ""
        return f"Results({len(self.rows)} rows, {failed} failed{state})"


def sweep(
    configs: Iterable[Config],
    *,
    csv: str | Path | None = None,
    ledger: Ledger | None = None,
    progress: bool | Callable[[int, int, dict[str, Any]], None] = True,
    runner: Callable[[Config], dict[str, Any]] = run,
) -> Results:
    """Run configurations one after the other, each in a fresh process.

    Parameters
    ----------
    configs : iterable of Config
        The grid.
    csv : path, optional
        Rewritten after every row, so an interrupted sweep loses nothing finished.
    ledger : Ledger, optional
        Each row that ran becomes a :class:`~neurona.runs.RunRecord` there (default: the
        notebook-wide ``neurona.ledger``; pass ``Ledger()`` to keep them apart).
    progress : bool or callable
        Show a progress bar (a widget in a notebook, a line in a terminal), or call
        ``progress(done, total, row)`` after each row.
    runner : callable
        What runs one configuration (tests replace it).

    Returns
    -------
    Results
        With ``interrupted=True`` if the sweep was stopped; finished rows are kept.
    """
    configs = list(configs)
    for config in configs:
        if not isinstance(config, Config):
            kind = type(config).__name__
            raise TypeError(_("sweep takes neurona.bench.Config objects, got {kind}").format(
                kind=kind))
    if ledger is None:
        from neurona.runs import ledger as default_ledger

        ledger = default_ledger
    show = progress if callable(progress) else (_progress_bar(len(configs)) if progress else None)
    results = Results()
    try:
        for config in configs:
            if show is not None:
                show(len(results), len(configs), {"label": config.label()})
            row = runner(config)
            results.rows.append(row)
            if row.get("ok"):
                ledger.add(to_record(row))
            if csv is not None:
                results.to_csv(csv)
    except KeyboardInterrupt:
        results.interrupted = True
    if show is not None:
        last = (pgettext("sweep", "interrupted") if results.interrupted
                else pgettext("sweep", "done"))
        show(len(results), len(configs), {"label": last})
    return results


def to_record(row: dict[str, Any]) -> RunRecord:
    """Return a ledger record of a row: the configuration as hyper-parameters, its time."""
    keys = ("model", "task", "samples", "batch_size", "epochs", "device", "threads", "backend",
            "level", "dtype", "repeats")  # fmt: skip
    hparams = {key: row.get(key) for key in keys if row.get(key) is not None}
    hparams.update({k: v for k, v in (row.get("model_args") or {}).items()})
    per_unit = row.get("per_epoch_s") or row["median_s"]
    record = RunRecord(
        name=row.get("label") or Config.from_dict(_config_part(row)).label(),
        hparams=hparams,
        samples_per_epoch=row.get("samples"),
        device=row.get("device_read") or "",
        backend=row.get("backend_read") or row.get("backend") or "",
        parameters=row.get("parameters"),
    )
    record.add_epoch({"seconds": row["median_s"]}, per_unit)
    repeats = row.get("repeats")
    note = ngettext("median of {n} repeat after a warm-up", "median of {n} repeats after a warm-up",
                    repeats if isinstance(repeats, int) else 2).format(n=repeats)
    if row.get("min_s") is not None:
        note += "; " + "{low:.4g}-{high:.4g} s".format(low=row["min_s"], high=row["max_s"])
    record.finish("finished", note)
    return record


def _config_part(row: dict[str, Any]) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: row[f.name] for f in fields(Config) if f.name in row}


def _progress_bar(total: int) -> Callable[[int, int, dict[str, Any]], None]:
    started = time.perf_counter()
    try:
        from IPython import get_ipython

        in_notebook = get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:
        in_notebook = False
    if in_notebook:
        import ipywidgets as w
        from IPython.display import display

        bar = w.IntProgress(min=0, max=max(total, 1), description=_("sweep"))
        text = w.HTML()
        display(w.HBox([bar, text]))

        def show(done, total, row):
            bar.value = done
            text.value = f"{done}/{total} · {time.perf_counter() - started:.0f} s · {row['label']}"

        return show

    def show(done, total, row):
        width = 24
        filled = int(width * done / max(total, 1))
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
        line += f"{time.perf_counter() - started:5.0f} s  {row['label'][:60]:60s}"
        print(line, end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show
