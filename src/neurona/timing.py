"""Timing for code that is not a Keras ``fit``: a stopwatch and the ``%%timed`` cell magic.

Both report wall time and CPU time. CPU time counts every core the process used, so
CPU / wall tells how many cores were busy: about 1 for plain Python, close to the number
of cores for a multi-threaded TensorFlow or NumPy kernel, well below 1 when the work ran
on a GPU or the process waited (for disk, network, or a sleeping thread).
"""

from __future__ import annotations

import ast
import sys
import time
from dataclasses import dataclass, field

from neurona.i18n import N_, _, ngettext

__all__ = ["Stopwatch", "format_seconds"]


@dataclass
class Stopwatch:
    """Measure the wall time and CPU time of a block of code.

    Parameters
    ----------
    label : str
        Name printed with the result (the default one is printed in the kit's language).
    verbose : bool
        Print one line when the block ends.

    Attributes
    ----------
    wall : float
        Elapsed wall-clock seconds.
    cpu : float
        CPU seconds of this process (all threads).
    laps : list of (str, float)
        Wall time at each :meth:`lap`, from the start.

    Examples
    --------
    >>> with Stopwatch("matrix product", verbose=False) as watch:
    ...     total = sum(i * i for i in range(1000))
    >>> watch.wall >= 0
    True
    """

    label: str = N_("block")
    verbose: bool = True
    wall: float = 0.0
    cpu: float = 0.0
    laps: list[tuple[str, float]] = field(default_factory=list)
    _start_wall: float = field(default=0.0, repr=False)
    _start_cpu: float = field(default=0.0, repr=False)

    def __enter__(self) -> Stopwatch:
        self.laps.clear()
        self._start_cpu = time.process_time()
        self._start_wall = time.perf_counter()
        return self

    def lap(self, name: str) -> float:
        """Record the wall time since the start under ``name``; returns it."""
        elapsed = time.perf_counter() - self._start_wall
        self.laps.append((name, elapsed))
        return elapsed

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._start_wall
        self.cpu = time.process_time() - self._start_cpu
        if self.verbose:
            print(self.summary())

    @property
    def cores_busy(self) -> float:
        """CPU time / wall time: how many cores worked on average."""
        return self.cpu / self.wall if self.wall > 0 else 0.0

    def summary(self) -> str:
        """One line: wall time, CPU time, cores busy."""
        label = _(self.label) if self.label in _DEFAULT_LABELS else self.label
        return _("{label}: {wall} wall, {cpu} CPU ({cores:.1f} cores busy)").format(
            label=label, wall=format_seconds(self.wall), cpu=format_seconds(self.cpu),
            cores=self.cores_busy)


# The labels the kit gives when the student gives none, shown in the kit's language.
_DEFAULT_LABELS = (N_("block"), N_("cell"))


def format_seconds(seconds: float) -> str:
    """Seconds in a unit a person reads at a glance: 36 µs, 850 ms, 3.1 s, 2 min 05 s.

    Examples
    --------
    >>> format_seconds(0.85)
    '850 ms'
    >>> format_seconds(0.000036)
    '36 µs'
    >>> format_seconds(125)
    '2 min 05 s'
    """
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def where_it_ran() -> str:
    """Where array work runs right now: the Keras device if Keras is in use, else the CPU."""
    if "keras" in sys.modules:
        from neurona.hardware import compute_device

        return _("Keras on {backend}, {device}").format(
            backend=sys.modules["keras"].backend.backend(), device=compute_device())
    from neurona.hardware import hardware_report, resource_limits

    limits = resource_limits()
    n = limits.host_cpus
    threads = ngettext("{n} thread", "{n} threads", n).format(n=n)
    if limits.cpus < n:  # a container or taskset: say what this process may use
        threads = ngettext("{allowed} of {n} thread allowed", "{allowed} of {n} threads allowed",
                           n).format(allowed=limits.cpus, n=n)
    return _("NumPy on CPU: {cpu} ({threads})").format(
        cpu=hardware_report().cpu_model, threads=threads)


def run_timed(source: str, namespace: dict, label: str = "cell"):
    """Execute ``source`` in ``namespace`` and time it; returns (value of last expression, watch).

    The engine behind ``%%timed``; the value is what the cell would have displayed.
    """
    tree = ast.parse(source)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, f"<{label}>", "exec")
    tail = compile(last, f"<{label}>", "eval") if last is not None else None
    watch = Stopwatch(label, verbose=False)
    with watch:
        exec(body, namespace)
        value = eval(tail, namespace) if tail is not None else None
    return value, watch


def register_magics(ipython) -> None:
    """Register ``%%timed`` with an IPython shell (``%load_ext neurona`` calls this)."""

    def timed(line: str, cell: str):
        """Time a cell: wall time, CPU time, cores busy, and the device the work ran on.

        Usage: ``%%timed`` or ``%%timed a label`` on the first line of a cell.
        """
        label = line.strip() or N_("cell")
        value, watch = run_timed(cell, ipython.user_ns, label)
        print(f"⏱ {watch.summary()} · {where_it_ran()}")
        return value

    ipython.register_magic_function(timed, magic_kind="cell", magic_name="timed")
