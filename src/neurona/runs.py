"""The run record: what one training did, and the ledger that collects runs.

Every training in the course produces one :class:`RunRecord`: the Keras callback
(:class:`neurona.Track`), the NumPy trainers and the benchmark runner write it; the plots,
tables, comparisons and CSV export read it. A notebook-wide :class:`Ledger`
(``neurona.ledger``) collects the records so runs can be compared side by side.

The record draws nothing: pictures of runs are in :mod:`neurona.plots`, which read records
(``nr.plot_run_comparison(nr.ledger, "val_loss")``).
"""

from __future__ import annotations

import json
import math
import numbers
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from neurona.i18n import N_, _, grouped, ngettext
from neurona.validate import one_of, real_number

__all__ = ["Ledger", "RunRecord", "ledger"]

#: The states a run can be in. ``running`` becomes one of the others when training ends.
STATUSES = ("running", "finished", "stopped", "diverged", "interrupted")
# How a table shows them (the record keeps the English word: code compares it).
STATUS_LABELS = {"running": N_("running"), "finished": N_("finished"), "stopped": N_("stopped"),
                 "diverged": N_("diverged"), "interrupted": N_("interrupted")}


@dataclass
class RunRecord:
    """What happened in one training run.

    Parameters
    ----------
    name : str
        A short label shown in tables and legends, e.g. ``"relu, lr 0.01"``.
    hparams : dict
        Hyper-parameters (batch size, learning rate, optimizer, ...).
    history : dict of str to list of float
        Per-epoch metrics, e.g. ``{"loss": [...], "val_accuracy": [...]}``.
    epoch_seconds : list of float
        Wall time of each epoch (training and validation), without the kit's own drawing time.
    samples_per_epoch : int or None
        Training samples seen in one epoch, for samples/s.
    device : str
        Where the work ran, e.g. ``"CPU: AMD EPYC (2 cores)"`` or ``"GPU: NVIDIA H100"``.
    backend : str
        ``"tensorflow"``, ``"jax"``, ``"torch"`` or ``"numpy"``.
    versions : dict
        Library versions that produced the run.
    status : str
        One of :data:`STATUSES`.
    note : str
        One line that explains the status (why it stopped, where it diverged).
    parameters : int or None
        Number of trainable and non-trainable parameters of the model.
    partial_batches : int
        Batches done in an epoch that did not finish (after Stop, a divergence or an interrupt).
    overhead_seconds : float
        Time spent by the kit itself (drawing live plots), kept out of ``epoch_seconds``.
    started : str
        ISO time stamp of the start.
    resumed_after : list of int
        The epochs after which the training was resumed from a checkpoint (:meth:`resume`),
        e.g. ``[3]`` for a run trained 3 epochs, saved, loaded and trained on.
    """

    name: str
    hparams: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    epoch_seconds: list[float] = field(default_factory=list)
    samples_per_epoch: int | None = None
    device: str = ""
    backend: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    status: str = "running"
    note: str = ""
    parameters: int | None = None
    partial_batches: int = 0
    overhead_seconds: float = 0.0
    started: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )
    resumed_after: list[int] = field(default_factory=list)

    # -- writing -------------------------------------------------------------------------
    def add_epoch(self, metrics: dict[str, float], seconds: float) -> None:
        """Append one finished epoch: its metrics and its wall time in seconds."""
        real_number("seconds", seconds, 0, note="the epoch's wall time")
        done = len(self.epoch_seconds)
        for key in [*self.history, *(k for k in metrics if k not in self.history)]:
            column = self.history.setdefault(key, [math.nan] * done)
            column.append(float(metrics.get(key, math.nan)))
        self.epoch_seconds.append(float(seconds))
        self.partial_batches = 0

    def resume(self, initial_epoch: int) -> None:
        """Open a finished run again, to append the epochs of a training resumed from a checkpoint.

        Parameters
        ----------
        initial_epoch : int
            The ``initial_epoch`` the resumed ``fit`` starts from: the epochs recorded so far,
            so that the record's epochs go on where they stopped.

        Raises
        ------
        ValueError
            When ``initial_epoch`` is not the number of epochs recorded, or the run is still
            running.

        Examples
        --------
        >>> run = RunRecord("part 1", status="finished", epoch_seconds=[1.0, 1.0])
        >>> run.resume(2)
        >>> run.status, run.resumed_after
        ('running', [2])
        >>> run.resume(3)
        Traceback (most recent call last):
        ...
        ValueError: run 'part 1' is still running: finish it before resuming it
        """
        if self.status == "running":
            raise ValueError(_("run {name!r} is still running: finish it before resuming it")
                             .format(name=self.name))
        if initial_epoch != self.epochs:
            raise ValueError(
                _("run {name!r} has {epochs} recorded: resume it with fit(..., initial_epoch={n}) "
                  "so that its epochs go on from there (got initial_epoch={got})").format(
                    name=self.name, epochs=_epochs(self.epochs), n=self.epochs, got=initial_epoch)
            )
        self.resumed_after.append(int(initial_epoch))
        self.status = "running"

    def finish(self, status: str = "finished", note: str = "") -> None:
        """Close the run with a final status and a one-line note."""
        one_of("status", status, [s for s in STATUSES if s != "running"])
        self.status = status
        if note:
            self.note = note

    # -- reading -------------------------------------------------------------------------
    @property
    def epochs(self) -> int:
        """Number of finished epochs."""
        return len(self.epoch_seconds)

    @property
    def total_seconds(self) -> float:
        """Wall time of all finished epochs."""
        return float(sum(self.epoch_seconds))

    @property
    def first_epoch_seconds(self) -> float | None:
        """Wall time of the first epoch, which includes tracing and compilation."""
        return self.epoch_seconds[0] if self.epoch_seconds else None

    @property
    def steady_epoch_seconds(self) -> float | None:
        """Median wall time of the epochs after the first (None with fewer than two epochs)."""
        rest = self.epoch_seconds[1:]
        return statistics.median(rest) if rest else None

    @property
    def samples_per_second(self) -> float | None:
        """Training throughput in steady state (first epoch if there is only one)."""
        seconds = self.steady_epoch_seconds or self.first_epoch_seconds
        if not self.samples_per_epoch or not seconds:
            return None
        return self.samples_per_epoch / seconds

    def metrics(self) -> list[str]:
        """Names of the recorded metrics, training ones first (``loss``, then ``val_loss``)."""
        base = [k for k in self.history if not k.startswith("val_")]
        ordered = []
        for key in base:
            ordered.append(key)
            if f"val_{key}" in self.history:
                ordered.append(f"val_{key}")
        return ordered + [k for k in self.history if k not in ordered]

    def final(self, metric: str) -> float | None:
        """Value of ``metric`` after the last finished epoch, or None if it was not recorded."""
        values = self.history.get(metric)
        return values[-1] if values else None

    def best(self, metric: str) -> float | None:
        """Best value of ``metric`` over the epochs (lowest for losses/errors, else highest)."""
        values = [v for v in self.history.get(metric, []) if math.isfinite(v)]
        if not values:
            return None
        lower_is_better = any(w in metric for w in ("loss", "error", "mse", "mae"))
        return min(values) if lower_is_better else max(values)

    def summary(self) -> str:
        """One line a student can read: epochs, time per epoch, throughput, device, result."""
        from neurona.timing import format_seconds

        parts = [f"{self.name}: {_epochs(self.epochs)}"]
        if self.first_epoch_seconds is not None:
            first = format_seconds(self.first_epoch_seconds)
            # Only frameworks that compile the training step have a tracing cost.
            parts.append(_("first {seconds}").format(seconds=first)
                         if self.backend in ("numpy", "")
                         else _("first {seconds} (includes tracing)").format(seconds=first))
        if self.steady_epoch_seconds is not None:
            parts.append(_("then {seconds}/epoch").format(
                seconds=format_seconds(self.steady_epoch_seconds)))
        if self.samples_per_second:
            rate = grouped(self.samples_per_second, ",.0f")
            parts.append(_("{rate} samples/s").format(rate=rate))
        if self.device:
            parts.append(_("on {device}").format(device=self.device))
        line = ", ".join(parts)
        for metric in ("val_accuracy", "accuracy", "val_loss", "loss"):
            value = self.final(metric)
            if value is not None and math.isfinite(value):
                line += f"; {metric} {value:.4f}"
                break
        if self.resumed_after:
            after = ", ".join(str(epoch) for epoch in self.resumed_after)
            line += " " + _("(resumed after epoch {epochs})").format(epochs=after)
        if self.status != "finished":
            status = _(STATUS_LABELS.get(self.status, self.status))
            line += f" [{status}{': ' + self.note if self.note else ''}]"
        return line

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python copy of the record (JSON-serialisable)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        """Rebuild a record from :meth:`to_dict` output (unknown keys are ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def __repr__(self) -> str:
        return f"RunRecord({self.summary()!r})"


class Ledger:
    """An ordered collection of runs: a table, a tidy per-epoch frame and a CSV export.

    The course keeps one ledger per notebook, ``neurona.ledger``; every tracked training
    adds its record to it. To draw runs, hand the ledger (or :meth:`select`'s runs) to a
    plot, e.g. :func:`neurona.plot_run_comparison`.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.ledger.table()                                      # doctest: +SKIP
    >>> nr.plot_run_comparison(nr.ledger, "val_accuracy")      # doctest: +SKIP
    >>> nr.ledger.to_csv("runs.csv")                           # doctest: +SKIP
    """

    def __init__(self, runs: Iterable[RunRecord] = ()):
        self._runs: list[RunRecord] = []
        for run in runs:
            self.add(run)

    # -- collection ----------------------------------------------------------------------
    def add(self, record: RunRecord) -> RunRecord:
        """Add a record; a name already taken gets a suffix `` (2)``, `` (3)``..."""
        if not isinstance(record, RunRecord):
            raise TypeError(_("a Ledger holds RunRecord objects, got {kind}").format(
                kind=type(record).__name__))
        if any(r is record for r in self._runs):
            return record
        taken = {r.name for r in self._runs}
        if record.name in taken:
            k = 2
            while f"{record.name} ({k})" in taken:
                k += 1
            record.name = f"{record.name} ({k})"
        self._runs.append(record)
        return record

    def new_name(self, prefix: str = "run") -> str:
        """Return a fresh default name such as ``run 3``."""
        taken = {r.name for r in self._runs}
        k = len(self._runs) + 1
        while f"{prefix} {k}" in taken:
            k += 1
        return f"{prefix} {k}"

    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(self._runs)

    def __getitem__(self, key: int | str) -> RunRecord:
        if isinstance(key, int):
            return self._runs[key]
        for run in reversed(self._runs):
            if run.name == key:
                return run
        names = ", ".join(repr(r.name) for r in self._runs) or _("none yet")
        raise KeyError(_("no run named {key!r}; runs in this ledger: {names}").format(
            key=key, names=names))

    @property
    def last(self) -> RunRecord | None:
        """The most recently added run (None when empty)."""
        return self._runs[-1] if self._runs else None

    def drop(self, name: str) -> None:
        """Remove the run called ``name``."""
        self._runs.remove(self[name])

    def clear(self) -> None:
        """Forget every run."""
        self._runs.clear()

    def close_open_runs(
        self, status: str = "interrupted", note: str = "", keep=None
    ) -> list[RunRecord]:
        """Mark every run still ``running`` with ``status``; returns the runs it closed.

        A Ctrl-C or a kernel interrupt stops ``model.fit`` without telling its callbacks,
        so the run would look as if it were still going; the notebook hook calls this
        after each cell. ``keep(run)``, if given, spares runs that really are still going
        (a fit in a background thread).
        """
        closed = []
        for run in self._runs:
            if run.status == "running" and not (keep is not None and keep(run)):
                if run.partial_batches:
                    done = _("interrupted after {epochs} and {batches}; the model keeps what it "
                             "learned").format(epochs=_epochs(run.epochs),
                                               batches=_batches(run.partial_batches))
                else:
                    done = _("interrupted after {epochs}; the model keeps what it learned").format(
                        epochs=_epochs(run.epochs))
                run.finish(status, note or done)
                closed.append(run)
        return closed

    # -- views ---------------------------------------------------------------------------
    def table(self, all_columns: bool = False):
        """One row per run, indexed by run name (a DataFrame that shows itself compactly).

        By default the columns a student compares: status, epochs, the final value of each
        metric, the first and the steady epoch's seconds, samples per second and the device.
        ``all_columns=True`` adds the number of parameters and every hyper-parameter. The values
        are the record's own numbers; only the notebook's display rounds them (see
        :func:`table_html`). The ledger's own columns and the status are in the kit's language;
        the metrics keep Keras's names and the hyper-parameters the names the notebook gave them.

        Examples
        --------
        >>> import neurona as nr
        >>> nr.ledger.table()                                   # doctest: +SKIP
        >>> nr.ledger.table(all_columns=True)["batch_size"]     # doctest: +SKIP
        """
        import pandas as pd

        if not isinstance(all_columns, bool):
            raise ValueError(_("{name} must be True or False, got {value!r}").format(
                name="all_columns", value=all_columns))
        rows = []
        for run in self._runs:
            row = {_("run"): run.name, _("status"): _(STATUS_LABELS.get(run.status, run.status)),
                   _("epochs"): run.epochs}
            if all_columns:
                row[_("parameters")] = run.parameters
            else:  # the results first, where a student looks for them
                row.update({metric: run.final(metric) for metric in run.metrics()})
            row.update({
                _("first epoch (s)"): run.first_epoch_seconds,
                _("steady epoch (s)"): run.steady_epoch_seconds,
                _("samples/s"): run.samples_per_second,
                _("device"): run.device,
            })
            if all_columns:
                for metric in run.metrics():
                    row[metric] = run.final(metric)
                for key, value in run.hparams.items():
                    row.setdefault(key, value if _is_scalar(value) else str(value))
            rows.append(row)
        frame = pd.DataFrame(rows)
        if len(frame):
            frame = frame.set_index(_("run"))
        hidden = 0
        if not all_columns and self._runs:
            keys = {key for run in self._runs for key in run.hparams}
            hidden = 1 + len(keys - set(frame.columns) - {_("run")})  # 1: the parameters
        return _run_table(frame, hidden)

    def select(self, names: Iterable[str]) -> list[RunRecord]:
        """Return the runs called ``names``, in that order (to compare a few of them).

        Raises
        ------
        KeyError
            For a name that is not in the ledger; the message lists the runs there are.

        Examples
        --------
        >>> ledger = Ledger([RunRecord("sgd"), RunRecord("adam"), RunRecord("nadam")])
        >>> [run.name for run in ledger.select(["nadam", "sgd"])]
        ['nadam', 'sgd']
        """
        if isinstance(names, str):  # one name, not its letters
            names = [names]
        return [self[name] for name in names]

    def to_frame(self):
        """Tidy per-epoch table: one row per (run, epoch) with metrics and seconds."""
        import pandas as pd

        rows = []
        for run in self._runs:
            for epoch in range(run.epochs):
                row = {"run": run.name, "epoch": epoch + 1, "seconds": run.epoch_seconds[epoch]}
                row.update({m: v[epoch] for m, v in run.history.items() if epoch < len(v)})
                rows.append(row)
        return pd.DataFrame(rows)

    def to_csv(self, path: str | Path | None = None) -> Path | str:
        """Write every run, one row per epoch, to ``path``; :meth:`read_csv` reads it back.

        Run-level fields (hyper-parameters, device, versions, status) go into a JSON column
        so that the file stays one tidy table that spreadsheets open. Without ``path`` the
        CSV text is returned instead (the classroom board sends it).
        """
        import pandas as pd

        frames = [self._run_frame(run) for run in self._runs]
        data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if path is None:
            return data.to_csv(index=False)
        path = Path(path)
        data.to_csv(path, index=False)
        return path

    @staticmethod
    def _run_frame(run: RunRecord):
        import pandas as pd

        meta = run.to_dict()
        for key in ("history", "epoch_seconds", "name"):
            meta.pop(key)
        n = max(run.epochs, 1)
        frame = pd.DataFrame({"run": [run.name] * n, "epoch": list(range(1, n + 1))})
        frame["seconds"] = run.epoch_seconds if run.epochs else [math.nan]
        for metric, values in run.history.items():
            frame[metric] = values if run.epochs else [math.nan]
        frame["record"] = [json.dumps(meta, default=str)] + [""] * (n - 1)
        return frame

    @classmethod
    def read_csv(cls, path: str | Path) -> Ledger:
        """Read a file written by :meth:`to_csv` back into a ledger."""
        import pandas as pd

        # Read back exactly the floats that were written: pandas 2's default parser can be
        # one unit in the last place off; pandas 3's is exact and deprecates the option.
        exact = {"float_precision": "round_trip"} if pd.__version__.startswith("2.") else {}
        data = pd.read_csv(path, keep_default_na=False, na_values=[""], **exact)
        ledger = cls()
        reserved = {"run", "epoch", "seconds", "record"}
        for name, part in data.groupby("run", sort=False):
            meta = json.loads(part["record"].iloc[0])
            metric_cols = [c for c in part.columns if c not in reserved and part[c].notna().any()]
            seconds = [float(s) for s in part["seconds"] if not _isnan(s)]
            history = {c: [float(v) for v in part[c]][: len(seconds)] for c in metric_cols}
            record = RunRecord.from_dict(
                {**meta, "name": str(name), "epoch_seconds": seconds, "history": history}
            )
            ledger._runs.append(record)
        return ledger

    def _repr_html_(self) -> str:
        if not self._runs:
            return "<p><i>{}</i></p>".format(
                _("The ledger is empty: train a model with neurona's callbacks."))
        table = self.table()
        return table_html(table, hidden=table.hidden_columns)

    def __repr__(self) -> str:
        lines = [ngettext("Ledger with {n} run", "Ledger with {n} runs", len(self)).format(
            n=len(self))]
        lines += [f"  {run.summary()}" for run in self._runs]
        return "\n".join(lines)


#: Widest a text cell (not the run's name) is shown, in characters (longer ones end in "…").
_TEXT_CHARS = 28


def _run_table(frame, hidden: int):
    """``frame`` as a :class:`RunTable` that remembers how many columns it left out."""
    table = __getattr__("RunTable")(frame)
    table.hidden_columns = hidden
    return table


def compact(frame):
    """Return ``frame`` as a table that a notebook shows compactly (see :func:`table_html`).

    The values stay as they are: only the display rounds them, groups thousands, keeps each
    row's name on one line and scrolls a wide table instead of cutting it off.

    Examples
    --------
    >>> import pandas as pd
    >>> table = compact(pd.DataFrame({"parameters": [407050]}, index=["relu, 512 units"]))
    >>> int(table.loc["relu, 512 units", "parameters"]), "407,050" in table._repr_html_()
    (407050, True)
    """
    return _run_table(frame, 0)


def _make_run_table_class():
    import pandas as pd

    class RunTable(pd.DataFrame):
        """A ledger's table: a DataFrame that a notebook shows compactly (see :func:`table_html`).

        Anything computed from it (``.loc``, ``.round``, ``reset_index``) is a plain DataFrame.
        """

        _metadata = ["hidden_columns"]
        hidden_columns = 0

        def _repr_html_(self) -> str:
            return table_html(self, hidden=self.hidden_columns)

    RunTable.__module__ = __name__
    RunTable.__qualname__ = "RunTable"
    return RunTable


def __getattr__(name: str):
    # RunTable subclasses pandas' DataFrame; made on first use so that import neurona stays
    # free of pandas, and found here by name so that a pickled table loads again.
    if name == "RunTable":
        cls = globals().get("RunTable") or _make_run_table_class()
        globals()["RunTable"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, and pandas' NA (whose comparison raises)
    except TypeError:
        return True


def _short_device(device: str) -> str:
    """``"CPU: AMD EPYC 7763 64-Core Processor (2 cores)"`` -> ``"CPU (2 cores)"``; GPU -> GPU."""
    kind, colon, rest = str(device).partition(": ")
    if not colon:
        return str(device)
    count = rest[rest.rfind("("):] if rest.endswith(")") and "(" in rest else ""
    return f"{kind} {count}".strip()


def _number(value: float, whole: bool) -> str:
    """Write ``value`` with up to 4 significant digits (whole numbers whole), thousands grouped."""
    size = abs(value)
    if whole or size >= 1000 or not math.isfinite(value):
        return grouped(value, ",.0f") if math.isfinite(value) else str(value)
    if size == 0:
        return "0"
    if size < 1e-3:
        return format(value, ".3g")
    text = grouped(value, f",.{3 - math.floor(math.log10(size))}f")
    # No trailing zeros: a learning rate of 0.001 reads 0.001, not 0.001000.
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number_cells(values: list) -> list[str] | None:
    """Return the cells of a numeric column as text, or None when the column is not numeric."""
    present = [v for v in values if not _is_missing(v)]
    if not present or any(isinstance(v, (bool, str)) for v in present):
        return None
    try:
        [float(v) for v in present]
    except (TypeError, ValueError):
        return None
    # Whole numbers (epochs, units, parameters) by their type: a float that happens to be
    # whole (2.0 s) keeps its 4 digits, like the rest of its column.
    whole = all(isinstance(v, numbers.Integral) for v in present)
    return ["" if _is_missing(v) else _number(float(v), whole) for v in values]


def table_html(frame, hidden: int = 0) -> str:
    """Return a compact HTML table of ``frame``, for a notebook or a panel.

    Numbers right-aligned with up to 4 significant digits (whole numbers whole), thousands grouped
    in the kit's language; the index (the run) and every cell on one line, long text other than
    the index cut with "…" (the whole text on hover); the table scrolls sideways instead of
    being cut off when it is wider than the output area. The ``device`` column is shown short
    ("CPU (2 cores)"). ``hidden``: how many columns were left out, said in a line below.

    Examples
    --------
    >>> import pandas as pd
    >>> html = table_html(pd.DataFrame({"loss": [0.123456, 12.5]}, index=["a", "b"]))
    >>> "0.1235" in html and "12.5<" in html and "overflow-x: auto" in html
    True
    """
    import html as html_module

    def escape(value) -> str:
        return html_module.escape(str(value))

    def text_cell(value, tag: str, align: str, cut: bool = True, device: bool = False) -> str:
        text = "" if _is_missing(value) else str(value)
        short = _short_device(text) if device else text
        if cut and len(short) > _TEXT_CHARS:
            short = short[: _TEXT_CHARS - 1] + "…"
        title = f' title="{escape(text)}"' if short != text else ""
        return (f'<{tag} style="text-align: {align}; white-space: nowrap; padding: 2px 6px"'
                f"{title}>{escape(short)}</{tag}>")

    cell = "padding: 2px 6px; white-space: nowrap"
    # Headers may wrap at their spaces (two lines at most for the kit's names); cells never do.
    head = "padding: 2px 6px; border-bottom: 1px solid currentColor; vertical-align: bottom"
    index_name = frame.index.name or ""
    device = _("device")  # shown short ("CPU (2 cores)"), all of it on hover
    columns = []
    for name in frame.columns:
        values = list(frame[name])
        numbers = _number_cells(values)
        columns.append((name, numbers, values))
    header = [f'<th style="{head}; text-align: left">{escape(index_name)}</th>']
    header += [f'<th style="{head}; text-align: {"right" if numbers else "left"}">'
               f"{escape(name)}</th>" for name, numbers, _values in columns]
    body = []
    for row, key in enumerate(frame.index):
        cells = [text_cell(key, "th", "left", cut=False)]  # the run's name, whole
        for name, numbers, values in columns:
            if numbers is not None:
                cells.append(f'<td style="{cell}; text-align: right">{numbers[row]}</td>')
            else:
                cells.append(text_cell(values[row], "td", "left", device=name == device))
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if hidden:
        note = ('<div style="font-size: 90%; opacity: 0.75">{}</div>'.format(escape(ngettext(
            "{n} more column (parameters, hyper-parameters): table(all_columns=True)",
            "{n} more columns (parameters, hyper-parameters): table(all_columns=True)",
            hidden).format(n=hidden))))
    # width 0 and min-width 100%: the box asks for no width of its own (a widget's flex row or
    # the output area's table cell would otherwise grow to the table's width and cut it off),
    # then fills what its parent has; the table scrolls inside it.
    return ('<div class="neurona-table" style="overflow-x: auto; width: 0; min-width: 100%">'
            # class "dataframe" as pandas gives it: what reads a pandas table reads this one.
            '<table class="dataframe" style="border-collapse: collapse; border: none; margin: 0; '
            'font-variant-numeric: tabular-nums">'
            "<thead><tr>" + "".join(header) + "</tr></thead>"
            "<tbody>" + "".join(body) + "</tbody></table>" + note + "</div>")


def _epochs(n: int) -> str:
    """``1 epoch``, ``3 epochs``, in the kit's language."""
    return ngettext("{n} epoch", "{n} epochs", n).format(n=n)


def _batches(n: int) -> str:
    """``1 batch``, ``3 batches``, in the kit's language."""
    return ngettext("{n} batch", "{n} batches", n).format(n=n)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None


def _isnan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


#: The notebook-wide ledger that every tracked training joins by default.
ledger = Ledger()
