"""Peak memory of each notebook's kernel and every process it starts, to size a hub's pods.

    .venv/bin/python benchmarks/notebook_memory.py [NOTEBOOK ...] [--mode quick full]
        [--out artifacts/notebook_memory.csv] [--limit 2G] [--cpus 1] [--executed DIR]
        [--timeout 3600] [--psutil]

Executes each notebook in notebooks/ (all, those whose names contain one of the NOTEBOOK
words, or the .ipynb files named) in quick mode (``NEURONA_QUICK=1``) and/or full mode, and
prints a markdown table of peak memory and wall time; the CSV is rewritten after each notebook,
so a long run that is stopped keeps what it measured; ``<out>_cells.csv`` beside it has the
peak of every cell (the start-up of the kernel is cell -1), to find the cell that needs a
guard. Two methods, the better one available is used and named:

``cgroup v1`` / ``cgroup v2``
    The kernel is started inside a memory cgroup of its own (a child of this process's cgroup;
    root is needed), so the kernel and every process it starts (benchmark children, worker
    processes) are counted exactly as a pod's memory limit counts them. ``peak`` is the
    cgroup's own high-water mark (``memory.max_usage_in_bytes``, or ``memory.peak`` on v2),
    which includes page cache the kernel could reclaim; ``working set`` (usage less inactive
    file cache, what Kubernetes reports) is sampled every 0.1 s. ``--limit 2G`` also sets the
    cgroup's limit, to check that a notebook finishes inside a 2 GiB pod; ``--cpus 1`` gives
    it a CPU quota, as a pod's CPU limit (the kit reads both, as it would in the pod).
``psutil``
    Elsewhere: the resident memory of the kernel and its descendants, summed and sampled every
    0.1 s. Pages shared between processes are counted once per process and a child that lives
    less than 0.1 s can be missed.

``files`` is the largest file-backed resident set of one process (TensorFlow's libraries and
mapped data; from ``memory_info().shared``), sampled with both methods. A cgroup is charged for
a file page by whoever first reads it: on a machine where other kernels have already loaded
TensorFlow those pages are charged elsewhere, but a fresh pod pays for them once. So a fresh
pod needs about ``peak + files`` at most, and at least ``peak`` (file pages can be reclaimed).

Sizes are in MiB (2**20 bytes), the unit of ``2G`` in a cgroup, Kubernetes ``2Gi`` and
JupyterHub's ``2G``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import re
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MIB = 2**20
INTERVAL = 0.1
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}
CPU_PERIOD = 100_000  # microseconds, the kernel's default period of a CPU quota
# Joins the cgroups before exec, so the kernel and all its children are born inside them.
LAUNCHER = (
    "import os, sys\n"
    "for procs in sys.argv[1].split(os.pathsep):\n"
    "    with open(procs, 'w') as f:\n"
    "        f.write(str(os.getpid()))\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)
COLUMNS = ["notebook", "mode", "peak_mib", "peak_cell", "working_set_peak_mib",
           "files_peak_mib", "rss_peak_mib", "wall_s", "status", "method", "limit_mib",
           "limit_cpus", "measured_at", "machine"]  # fmt: skip


class MemoryCgroup:
    """A fresh memory cgroup below this process's own one (v1 or v2), removed by ``close``.

    With ``cpus`` it also carries a CPU quota (on v1 in a second cgroup, of the cpu
    hierarchy), as a pod's CPU limit does.
    """

    def __init__(self, directory: Path, version: int, limit: int | None,
                 cpu_dir: Path | None = None, cpus: float | None = None) -> None:  # fmt: skip
        self.dir, self.version = directory, version
        self.cpu_dir = cpu_dir if version == 1 and cpus is not None else None
        directory.mkdir()
        if limit is not None:
            name = "memory.limit_in_bytes" if version == 1 else "memory.max"
            (directory / name).write_text(str(limit))
        if cpus is None:
            return
        quota = round(cpus * CPU_PERIOD)
        if self.cpu_dir is None:
            (directory / "cpu.max").write_text(f"{quota} {CPU_PERIOD}")
        else:
            self.cpu_dir.mkdir()
            (self.cpu_dir / "cpu.cfs_period_us").write_text(str(CPU_PERIOD))
            (self.cpu_dir / "cpu.cfs_quota_us").write_text(str(quota))

    @classmethod
    def create(cls, limit: int | None, cpus: float | None = None) -> MemoryCgroup | None:
        """Return a new cgroup, or None where this machine or user cannot make one."""
        name = f"neurona-notebook-memory-{os.getpid()}-{time.monotonic_ns()}"
        paths = {}
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else ["v2"]:
                paths[controller] = path.lstrip("/")
        try:
            if "memory" in paths:
                cpu_dir = Path("/sys/fs/cgroup/cpu") / paths.get("cpu", "") / name
                return cls(Path("/sys/fs/cgroup/memory") / paths["memory"] / name, 1, limit,
                           cpu_dir, cpus)  # fmt: skip
            if "v2" in paths:
                base = Path("/sys/fs/cgroup") / paths["v2"]
                wanted = ["memory"] + (["cpu"] if cpus is not None else [])
                enabled = (base / "cgroup.subtree_control").read_text().split()
                for controller in set(wanted) - set(enabled):
                    (base / "cgroup.subtree_control").write_text(f"+{controller}")
                return cls(base / name, 2, limit, None, cpus)
        except OSError:
            pass
        return None

    @property
    def method(self) -> str:
        """The name of the method, for the table."""
        return f"cgroup v{self.version}"

    @property
    def joins(self) -> list[Path]:
        """The files a process writes its pid into to join (memory, and cpu on v1)."""
        dirs = [self.dir] if self.cpu_dir is None else [self.dir, self.cpu_dir]
        return [d / "cgroup.procs" for d in dirs]

    def pids(self) -> list[int]:
        """The processes in the cgroup now."""
        return [int(p) for p in (self.dir / "cgroup.procs").read_text().split()]

    def _stat(self) -> dict[str, int]:
        pairs = (line.split() for line in (self.dir / "memory.stat").read_text().splitlines())
        return {key: int(value) for key, value in pairs}

    def working_set(self) -> int:
        """Usage less inactive file cache, in bytes (Kubernetes' working set)."""
        if self.version == 1:
            usage = int((self.dir / "memory.usage_in_bytes").read_text())
            return usage - self._stat().get("total_inactive_file", 0)
        return int((self.dir / "memory.current").read_text()) - self._stat().get("inactive_file", 0)

    def peak(self) -> int | None:
        """The cgroup's own high-water mark in bytes (None on a v2 kernel older than 5.19)."""
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        try:
            return int((self.dir / name).read_text())
        except OSError:
            return None

    def oom_kills(self) -> int:
        """How many processes the kernel killed for going over the limit."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        for line in (self.dir / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def close(self) -> None:
        """End what is left inside (all of it started by this script) and remove the cgroup."""
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    psutil.Process(pid).kill()
                except psutil.Error:
                    pass
            time.sleep(0.1)
        self.dir.rmdir()
        if self.cpu_dir is not None:
            self.cpu_dir.rmdir()


class LaunchedKernelManager(KernelManager):
    """A kernel manager whose kernel first joins cgroups (those in ``joins``)."""

    joins: list[Path] = []

    def format_kernel_cmd(self, extra_arguments=None):  # noqa: D102 (jupyter_client's)
        cmd = super().format_kernel_cmd(extra_arguments)
        if not self.joins:
            return cmd
        return [sys.executable, "-c", LAUNCHER, os.pathsep.join(map(str, self.joins)), *cmd]


class Sampler(threading.Thread):
    """Samples the kernel's memory every 0.1 s and keeps the largest values, also per cell.

    ``cells`` maps a cell's index (-1: the kernel's start) to the largest sample while it
    ran: the working set in a cgroup, the RSS sum without one. Not the cgroup's high-water
    mark: that counts the page cache, which grows from cell to cell whatever the cell does.
    """

    def __init__(self, km: KernelManager, cgroup: MemoryCgroup | None) -> None:
        super().__init__(daemon=True)
        self.km, self.cgroup = km, cgroup
        self.rss = self.working_set = self.files = 0
        self.done = threading.Event()
        self.cell = -1
        self.cells: dict[int, int] = {}

    def next_cell(self, cell_index: int, **_) -> None:
        """Count the next samples for this cell (an nbclient hook)."""
        self.cell = cell_index

    def finish(self) -> None:
        """Stop sampling."""
        self.done.set()
        self.join()

    def _processes(self) -> list[psutil.Process]:
        if self.cgroup is not None:  # also catches a child that left the kernel's tree
            return [psutil.Process(pid) for pid in self.cgroup.pids()]
        pid = getattr(self.km.provisioner, "pid", None)
        if pid is None:
            return []
        kernel = psutil.Process(pid)
        return [kernel, *kernel.children(recursive=True)]

    def run(self) -> None:  # noqa: D102 (threading's)
        while not self.done.wait(INTERVAL):
            try:
                total = 0
                for process in self._processes():
                    try:
                        info = process.memory_info()
                    except psutil.Error:
                        continue
                    total += info.rss
                    self.files = max(self.files, info.shared)
                self.rss = max(self.rss, total)
                if self.cgroup is not None:
                    total = self.cgroup.working_set()
                    self.working_set = max(self.working_set, total)
                self.cells[self.cell] = max(self.cells.get(self.cell, 0), total)
            except (psutil.Error, OSError):
                pass


def parse_size(text: str) -> int:
    """Bytes in ``2G``, ``1536M`` or ``2147483648`` (K, M, G are powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)i?B?\s*", text.upper())
    if match is None:
        raise argparse.ArgumentTypeError(f"--limit {text!r}: give a size like 2G, 1536M or bytes")
    return int(match[1]) * UNITS[match[2]]


def select(words: list[str]) -> list[Path]:
    """The notebooks whose file names contain one of ``words`` (all of them for none)."""
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not words:
        return paths
    if all(w.endswith(".ipynb") and Path(w).is_file() for w in words):  # files of one's own
        return [Path(w) for w in words]
    chosen = [p for p in paths if any(w in p.name for w in words)]
    unknown = [w for w in words if not any(w in p.name for p in paths)]
    if unknown:
        names = ", ".join(p.stem for p in paths)
        raise SystemExit(f"no notebook matches {', '.join(unknown)}; there are: {names}")
    return chosen


def measure(path: Path, mode: str, args: argparse.Namespace) -> dict[str, object]:
    """Execute one notebook in one mode; return one row of the table."""
    if mode == "quick":
        os.environ["NEURONA_QUICK"] = "1"
    else:
        os.environ.pop("NEURONA_QUICK", None)
    cgroup = None if args.psutil else MemoryCgroup.create(args.limit, args.cpus)
    if (args.limit is not None or args.cpus is not None) and cgroup is None:
        raise SystemExit("--limit and --cpus need a cgroup this process can create (root, cgroups)")
    km = LaunchedKernelManager(kernel_name="python3")
    km.joins = [] if cgroup is None else cgroup.joins
    nb = nbformat.read(path, as_version=4)
    sampler = Sampler(km, cgroup)
    client = NotebookClient(nb, km=km, timeout=args.timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}},
                            on_cell_execute=sampler.next_cell)  # fmt: skip
    measured_at = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    start = time.perf_counter()
    status = "ok"
    sampler.start()
    try:
        client.execute()
    except CellExecutionError as error:
        failed = next((i for i, c in enumerate(nb.cells)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
                      "?")  # fmt: skip
        status = f"error in cell {failed}: {str(error).strip().splitlines()[-1][:120]}"
    except DeadKernelError:
        status = "kernel died"
    except KeyboardInterrupt:  # Ctrl-C: leave no kernel or cgroup behind
        sampler.finish()
        km.shutdown_kernel(now=True)
        if cgroup is not None:
            cgroup.close()
        raise
    except Exception as error:  # a timeout or a kernel that does not start: record, go on
        status = f"{type(error).__name__}: {str(error)[:120]}"
    wall = time.perf_counter() - start
    sampler.finish()
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:  # the kernel may already be gone (killed for memory)
        pass
    if args.executed is not None:
        args.executed.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, args.executed / f"{path.stem}.{mode}.ipynb")
    heaviest = max(sampler.cells, key=sampler.cells.get, default=None)
    row = {"notebook": path.stem, "mode": mode, "rss_peak_mib": round(sampler.rss / MIB),
           "files_peak_mib": round(sampler.files / MIB), "peak_cell": heaviest,
           "cells": {i: (nb.cells[i].source.split("\n", 1)[0][:70] if i >= 0 else "(start-up)",
                         round(v / MIB)) for i, v in sorted(sampler.cells.items())},
           "wall_s": round(wall, 1), "status": status, "method": "psutil",
           "limit_mib": None if args.limit is None else args.limit / MIB,
           "limit_cpus": args.cpus,
           "measured_at": measured_at, "machine": machine()}  # fmt: skip
    if cgroup is not None:
        kills = cgroup.oom_kills()
        if kills:
            row["status"] = f"{status}; {kills} process(es) killed for memory"
        peak = cgroup.peak()
        limits = [f"{args.limit / 2**30:g} GiB"] if args.limit is not None else []
        limits += [f"{args.cpus:g} CPU"] if args.cpus is not None else []
        row.update(peak_mib=None if peak is None else round(peak / MIB),
                   working_set_peak_mib=round(sampler.working_set / MIB),
                   method=", limit ".join([cgroup.method, *limits]))  # fmt: skip
        cgroup.close()
    else:
        row["peak_mib"] = row["rss_peak_mib"]
    return row


def machine() -> str:
    """A short description of this machine: CPUs, memory, Python."""
    memory = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} CPUs, {memory:.0f} GiB, {platform.machine()}, "
            f"Python {platform.python_version()}")  # fmt: skip


def markdown(rows: list[dict[str, object]]) -> str:
    """The table a course page can paste."""
    head = ["notebook", "mode", "peak MiB", "heaviest cell", "working set MiB", "files MiB",
            "RSS MiB",
            "wall s", "status", "method"]  # fmt: skip
    keys = ["notebook", "mode", "peak_mib", "peak_cell", "working_set_peak_mib",
            "files_peak_mib", "rss_peak_mib", "wall_s", "status", "method"]  # fmt: skip

    def cell(value: object) -> str:
        if value is None:
            return "–"
        return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(row.get(k)) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    """Parse the options, execute the notebooks, print and save the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                   help="part of a notebook's file name, e.g. 08 or 14_distributed")  # fmt: skip
    p.add_argument("--mode", nargs="+", choices=("quick", "full"), default=["quick", "full"])
    p.add_argument("--out", type=Path, default=ROOT / "artifacts" / "notebook_memory.csv")
    p.add_argument("--limit", type=parse_size, default=None,
                   help="also limit the kernel's cgroup to this size, e.g. 2G")  # fmt: skip
    p.add_argument("--cpus", type=float, default=None,
                   help="also give the kernel a CPU quota, e.g. 1, as a pod's limit")  # fmt: skip
    p.add_argument("--executed", type=Path, default=None,
                   help="save each executed notebook, with its outputs, here")  # fmt: skip
    p.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    p.add_argument("--psutil", action="store_true", help="use psutil even where cgroups work")
    args = p.parse_args()
    paths = select(args.notebooks)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for mode in args.mode:
        for path in paths:
            rows.append(measure(path, mode, args))
            print(markdown(rows[-1:]).splitlines()[-1], flush=True)
            with args.out.open("w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
            with args.out.with_name(f"{args.out.stem}_cells.csv").open("w", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["notebook", "mode", "cell", "first_line", "peak_mib"])
                writer.writerows([row["notebook"], row["mode"], i, line, mib]
                                 for row in rows for i, (line, mib) in row["cells"].items())
    print()
    print(markdown(rows))
    print(f"\n{machine()}; saved to {args.out}")


if __name__ == "__main__":
    main()
