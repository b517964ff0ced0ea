"""What this machine is, where Keras computes, and the two switches that must come early.

Every timing in the course is only meaningful next to the hardware that produced it, so
:func:`hardware_report` describes the machine (CPU, cores, RAM, GPUs, library versions) and
:func:`compute_device` gives the short device string stored in every run record.

:func:`use_cpu_only` and :func:`set_threads` change how the backend starts. TensorFlow fixes
its devices and thread pools when it runs its first operation; after that both switches
raise :class:`TooLateError`, which tells the student to restart the kernel.

Importing this module imports neither TensorFlow nor Keras: the report reads installed
versions from package metadata and asks TensorFlow about GPUs only when TensorFlow is
already running (or when asked with ``probe_backend=True``).
"""

from __future__ import annotations

import html
import json
import math
import os
import platform
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from neurona.i18n import N_, _, ngettext
from neurona.startup import after_import
from neurona.validate import real_number, whole_number

__all__ = [
    "hardware_report",
    "HardwareReport",
    "compute_device",
    "use_cpu_only",
    "set_threads",
    "TooLateError",
    "resource_limits",
    "ResourceLimits",
    "enough_memory",
    "memory_shortfall",
]

#: Where a notebook can run; see :func:`hardware_report`.
PLATFORMS = (N_("local"), "Colab", "Binder", "JupyterHub", "Kaggle")

#: Keras 3 backends.
BACKENDS = ("tensorflow", "jax", "torch", "numpy")

#: Largest thread count :func:`set_threads` accepts; more is a typo, not a machine.
MAX_THREADS = 256

# Distribution names, in the order shown in the report. TensorFlow ships under several names.
_VERSION_DISTS: dict[str, tuple[str, ...]] = {
    "numpy": ("numpy",),
    "keras": ("keras",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "jax": ("jax",),
    "torch": ("torch",),
    "ipywidgets": ("ipywidgets",),
    "jupyterlab": ("jupyterlab",),
    "neurona": ("neurona",),
}

_RESTART_HINT = N_(
    "Kernel → Restart, then run this cell first, before any cell that builds or trains a model."
)

# nvidia-smi can hang for seconds when the driver is in a bad state; a report must not.
_NVIDIA_SMI_TIMEOUT_S = 5


class TooLateError(RuntimeError):
    """The backend has already started, so a start-up setting can no longer change.

    Examples
    --------
    >>> import neurona as nr
    >>> try:
    ...     nr.set_threads(2)
    ... except nr.TooLateError as err:
    ...     print(err)                                     # doctest: +SKIP
    """


@dataclass
class HardwareReport:
    """What this machine is: platform, CPU, memory, GPUs and library versions.

    Build it with :func:`hardware_report`. In a notebook it shows as a small table; ``print``
    gives the same as plain text and :meth:`summary` one line.

    Attributes
    ----------
    platform : str
        One of :data:`PLATFORMS`: ``"local"``, ``"Colab"``, ``"Binder"``, ``"JupyterHub"``
        or ``"Kaggle"``.
    os : str
        Operating system, release and machine, e.g. ``"Linux 6.1 x86_64"``.
    python : str
        Python version, e.g. ``"3.11.7"``.
    cpu_model : str
        The processor's name, e.g. ``"AMD EPYC 7B13"``.
    physical_cores : int
        Cores (without hyper-threading).
    logical_cores : int
        Hardware threads the operating system schedules on.
    ram_gb : float
        Total memory in GiB (what Colab and most tools call GB).
    gpus : list of dict
        One dict per GPU: ``name``, ``memory_gb`` (GiB, or None when unknown) and ``seen_by``
        (a list with ``"nvidia-smi"`` and/or ``"tensorflow"``).
    keras_backend : str
        The Keras backend that is (or will be) used: ``"tensorflow"``, ``"jax"``, ``"torch"``.
    versions : dict of str to str
        Versions of Python and of the installed libraries of the course.
    limits : ResourceLimits or None
        The CPUs and memory this process may use (:func:`resource_limits`): in a container
        or under ``taskset``, fewer than the machine above has.
    """

    platform: str
    os: str
    python: str
    cpu_model: str
    physical_cores: int
    logical_cores: int
    ram_gb: float
    gpus: list[dict[str, Any]] = field(default_factory=list)
    keras_backend: str = "tensorflow"
    versions: dict[str, str] = field(default_factory=dict)
    limits: ResourceLimits | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain Python data, e.g. for JSON or a run record.

        Examples
        --------
        >>> import json
        >>> json.dumps(hardware_report().to_dict())            # doctest: +SKIP
        """
        data = asdict(self)
        if self.limits is not None:
            data["limits"] = self.limits.to_dict()
        return data

    def summary(self) -> str:
        """One line: CPU, RAM, GPUs and the Keras backend with its version.

        Examples
        --------
        >>> hardware_report().summary()                         # doctest: +SKIP
        'CPU: AMD EPYC (2 cores, 2 threads), 23.4 GB RAM, no GPU; Keras 3.15.1 on tensorflow 2.21.0'

        In a container with limits they follow the machine's numbers: ``CPU: AMD EPYC (64
        cores, 128 threads; 1 CPU allowed), 503.5 GB RAM (2.0 GB allowed), ...``.
        """
        cores, ram = self._cores_text(), _("{ram:.1f} GB RAM").format(ram=self.ram_gb)
        limits = self.limits
        if limits is not None and limits.cpus < limits.host_cpus:
            cores += "; " + ngettext("{n} CPU allowed", "{n} CPUs allowed", limits.cpus).format(
                n=limits.cpus)
        if limits is not None and limits.memory_bytes < limits.host_memory_bytes:
            ram += " " + _("({memory} allowed)").format(memory=_gb(limits.memory_bytes))
        parts = [f"CPU: {self.cpu_model} ({cores})", ram]
        parts.append(self._gpus_text())
        text = ", ".join(parts)
        keras_version = self.versions.get("keras")
        if keras_version is None:
            return _("{machine}; Keras not installed").format(machine=text)
        backend_version = self.versions.get(self.keras_backend)
        backend = self.keras_backend + (f" {backend_version}" if backend_version else "")
        return _("{machine}; Keras {version} on {backend}").format(
            machine=text, version=keras_version, backend=backend)

    # -- views ---------------------------------------------------------------------------
    def _rows(self) -> list[tuple[str, str]]:
        versions = ", ".join(f"{name} {v}" for name, v in self.versions.items())
        return [
            (_("Platform"), _(self.platform)),
            (_("OS"), self.os),
            ("Python", self.python),
            ("CPU", self.cpu_model),
            (_("Cores"), self._cores_text() + self._limit_text("cpu")),
            ("RAM", f"{self.ram_gb:.1f} GB" + self._limit_text("memory")),
            ("GPU", self._gpus_text(detailed=True)),
            (_("Keras backend"), self.keras_backend),
            (_("Versions"), versions or _("none found")),
        ]

    def _limit_text(self, kind: str) -> str:
        limits = self.limits
        if limits is None:
            return ""
        if kind == "cpu" and limits.cpus < limits.host_cpus:
            return f"; {limits.cpu_text()}"
        if kind == "memory" and limits.memory_bytes < limits.host_memory_bytes:
            return "; " + _("limit {memory} ({source})").format(
                memory=_gb(limits.memory_bytes), source=limits.memory_source)
        return ""

    def _cores_text(self) -> str:
        cores = ngettext("{n} core", "{n} cores", self.physical_cores)
        threads = ngettext("{n} thread", "{n} threads", self.logical_cores)
        return _("{cores}, {threads}").format(
            cores=cores.format(n=self.physical_cores), threads=threads.format(n=self.logical_cores))

    def _gpus_text(self, detailed: bool = False) -> str:
        if not self.gpus:
            return _("no GPU")
        texts = []
        for gpu in self.gpus:
            text = gpu["name"]
            if gpu.get("memory_gb") is not None:
                text += f" ({gpu['memory_gb']:.1f} GB)"
            if detailed and gpu.get("seen_by"):
                seen = gpu["seen_by"]
                who = seen[0] if len(seen) == 1 else _("{first} and {last}").format(
                    first=", ".join(seen[:-1]), last=seen[-1])
                text = _("{gpu}, seen by {who}").format(gpu=text, who=who)
            texts.append(text)
        count = len(self.gpus)
        if not detailed and len(set(texts)) == 1 and count > 1:
            return f"{count}x GPU: {texts[0]}"
        label = "GPU" if count == 1 else ngettext("{n} GPU", "{n} GPUs", count).format(n=count)
        return f"{label}: " + "; ".join(texts)

    def __str__(self) -> str:
        rows = self._rows()
        width = max(len(key) for key, _value in rows)
        lines = [_("This machine")] + [f"  {key:<{width}}  {value}" for key, value in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(key)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for key, value in self._rows()
        )
        return (
            "<table class='neurona-hardware'>"
            "<caption style='text-align:left;font-weight:bold'>"
            f"{html.escape(_('This machine'))}</caption>"
            f"{cells}</table>"
        )


# -- the report ------------------------------------------------------------------------------
def hardware_report(probe_backend: bool = False) -> HardwareReport:
    """Describe this machine: platform, CPU, memory, GPUs and library versions.

    In a container (JupyterHub, Binder, Docker) or under ``taskset`` the report also shows
    the CPUs and memory this process may use, and what limits them (:func:`resource_limits`).

    Parameters
    ----------
    probe_backend : bool
        Also import TensorFlow (a few seconds) to ask which GPUs it can use. Without it
        TensorFlow is asked only when it is already imported, and GPUs come from
        ``nvidia-smi`` alone.

    Returns
    -------
    HardwareReport
        Shows as a table in a notebook; ``.summary()`` gives one line.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.hardware_report()                                   # doctest: +SKIP
    >>> print(nr.hardware_report().summary())                  # doctest: +SKIP
    CPU: AMD EPYC (2 cores, 2 threads), 23.4 GB RAM, no GPU; Keras 3.15.1 on tensorflow 2.21.0
    """
    if not isinstance(probe_backend, bool):
        raise ValueError(_("{name} must be True or False, got {value!r}").format(
            name="probe_backend", value=probe_backend))
    physical, logical = _core_counts()
    gpus = nvidia_smi_gpus()
    if probe_backend or "tensorflow" in sys.modules:
        gpus = _merge_gpus(gpus, tensorflow_gpu_names(import_if_needed=probe_backend))
    return HardwareReport(
        platform=_detect_platform(),
        os=_os_text(),
        python=platform.python_version(),
        cpu_model=_cpu_model(),
        physical_cores=physical,
        logical_cores=logical,
        ram_gb=round(_ram_bytes() / 2**30, 1),
        gpus=gpus,
        keras_backend=keras_backend()[0],
        versions=_versions(),
        limits=resource_limits(refresh=True),
    )


def _detect_platform(
    environ: Mapping[str, str] | None = None, modules: Mapping[str, Any] | None = None
) -> str:
    """Which hosted service runs this kernel, from its environment variables."""
    env = os.environ if environ is None else environ
    mods = sys.modules if modules is None else modules
    if "google.colab" in mods or "COLAB_RELEASE_TAG" in env or "COLAB_GPU" in env:
        return "Colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in env:
        return "Kaggle"
    # Binder runs a JupyterHub too, so it is tested before the generic hub.
    if "BINDER_SERVICE_HOST" in env or "BINDER_REPO_URL" in env:
        return "Binder"
    if "JUPYTERHUB_API_URL" in env or "JUPYTERHUB_USER" in env:
        return "JupyterHub"
    return "local"


def _os_text() -> str:
    system, machine = platform.system(), platform.machine()
    if system == "Darwin":
        return f"macOS {platform.mac_ver()[0]} {machine}".replace("  ", " ")
    if system == "Linux":
        # "6.1.0-18-amd64" -> "6.1": the patch level says nothing to a student.
        match = re.match(r"\d+\.\d+", platform.release())
        release = match.group(0) if match else platform.release()
        return f"Linux {release} {machine}"
    return f"{system} {platform.release()} {machine}".strip()


def _cpu_model() -> str:
    name = ""
    system = platform.system()
    if system == "Linux":
        name = _cpu_model_linux()
    elif system == "Darwin":
        name = _run_quietly(["sysctl", "-n", "machdep.cpu.brand_string"])
    elif system == "Windows":
        name = _cpu_model_windows()
    name = name or platform.processor() or platform.machine() or "unknown CPU"
    # "Intel(R) Core(TM) i7" -> "Intel Core i7": the marks only make the tables wider.
    name = re.sub(r"\((R|TM|tm|r)\)", "", name)
    return re.sub(r"\s+", " ", name).strip()


def _cpu_model_linux() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return ""
    # x86 names the CPU "model name"; many ARM boards only give "Hardware" or "Model".
    for key in ("model name", "Hardware", "Model"):
        match = re.search(rf"^{key}\s*:\s*(.+)$", text, flags=re.MULTILINE)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return ""


def _cpu_model_windows() -> str:
    try:
        import winreg

        key = winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE, r"HARDWARE\DESCRIPTION\System\CentralProcessor\0"
        )
        return str(winreg.QueryValueEx(key, "ProcessorNameString")[0])
    except (ImportError, OSError):
        return ""


def _core_counts() -> tuple[int, int]:
    logical = physical = None
    try:
        import psutil

        logical = psutil.cpu_count(logical=True)
        physical = psutil.cpu_count(logical=False)
    except ImportError:  # pragma: no cover - psutil is a dependency
        pass
    logical = logical or os.cpu_count() or 1
    # psutil answers None where the OS hides the topology (some VMs and containers).
    physical = min(physical or logical, logical)
    return physical, logical


def _ram_bytes() -> int:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except ImportError:  # pragma: no cover - psutil is a dependency
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return 0


# -- the limits in force: CPU affinity, cgroups, the hub's variables ------------------------
#: Variables JupyterHub's spawners (KubeSpawner, DockerSpawner) set from a user's limits:
#: CPUs as a number (``"1.5"``) and memory in bytes (``"2147483648"``).
CPU_LIMIT_ENV = "CPU_LIMIT"
MEM_LIMIT_ENV = "MEM_LIMIT"

#: Share of the memory free now that one computation may take (:func:`enough_memory`, the
#: benchmark child). The rest covers what an estimate of the tensors leaves out: the
#: allocator's rounding and fragmentation, temporary copies inside operations, the Python
#: objects around them. Past a container's limit the kernel kills the process, it does not
#: swap, so the margin is on the side of a slower run, never of a dead kernel.
MEMORY_SAFETY = 0.8

# Where the running system shows them; the tests point the readers at fake trees instead.
_PROC = Path("/proc")
_ROOT = Path("/")

# cgroup v1 writes "no limit" as the largest page-aligned 64-bit number, 9223372036854771712.
_NO_LIMIT_BYTES = 2**62

_CPU_SOURCES = ("cgroup v2 cpu.max", "cgroup v1 cpu.cfs_quota_us", CPU_LIMIT_ENV)

# What the readers expect, for the line that names a value they cannot read.
_FORMS = {
    "cpu.max": N_("'max 100000' or '<quota> <period>' in microseconds, e.g. '150000 100000'"),
    "cpu.cfs_quota_us": N_("-1 (no limit) or a whole number of microseconds"),
    "cpu.cfs_period_us": N_("a whole number of microseconds, e.g. 100000"),
    "memory.max": N_("'max' or a whole number of bytes"),
    "memory.limit_in_bytes": N_("a whole number of bytes"),
    CPU_LIMIT_ENV: N_("a number of CPUs, e.g. 1 or 1.5"),
    MEM_LIMIT_ENV: N_("a whole number of bytes, e.g. 2147483648 for 2 GB"),
}

# Per process: the CPU part is read by `import neurona`, the memory part on first use.
_LIMITS: dict[str, dict[str, Any]] = {}


@dataclass
class ResourceLimits:
    """The CPUs and memory this process may use, next to the machine's, and what limits them.

    On a laptop they are the machine's own. In a JupyterHub or Binder pod, a Docker
    container or under ``taskset`` they are smaller: a pod allowed 1 CPU and 2 GB on a
    64-core node still sees 64 cores in ``os.cpu_count()`` and the node's memory in
    ``/proc/meminfo``. Get it from :func:`resource_limits`.

    Attributes
    ----------
    host_cpus : int
        Logical CPUs of the machine.
    cpus : int
        CPUs this process may use: the smallest of ``host_cpus``, the CPU affinity mask and
        the CPU quota rounded up; at least 1.
    cpu_quota : float or None
        CPU time allowed, in CPUs (``1.5``: one and a half CPUs' worth of time each second),
        from the cgroup or ``CPU_LIMIT``; None without a quota.
    cpu_source : str
        What sets ``cpus``: ``"host"``, ``"CPU affinity"``, ``"cgroup v2 cpu.max"``,
        ``"cgroup v1 cpu.cfs_quota_us"`` or ``"CPU_LIMIT"``.
    host_memory_bytes : int
        The machine's memory.
    memory_bytes : int
        Memory this process may use: the smallest of ``host_memory_bytes`` and the limits.
    memory_source : str
        What sets ``memory_bytes``: ``"host"``, ``"cgroup v2 memory.max"``,
        ``"cgroup v1 memory.limit_in_bytes"`` or ``"MEM_LIMIT"``.
    memory_usage_files : tuple
        For each cgroup level with a memory limit: ``(limit, usage file, memory.stat file,
        key of its reclaimable page cache)``, read again by :meth:`available_memory_bytes`.
    memory_variable_bytes : int or None
        ``MEM_LIMIT`` when it is set. A spawner that sets it may not enforce it through a
        cgroup (JupyterHub's local spawners do not), so :meth:`available_memory_bytes`
        subtracts what the Jupyter server and its kernels hold from it.

    Examples
    --------
    >>> limits = resource_limits()
    >>> 1 <= limits.cpus <= limits.host_cpus
    True
    >>> limits.memory_text()                                   # doctest: +SKIP
    'this container allows 2.0 GB (cgroup v2 memory.max)'
    """

    host_cpus: int
    cpus: int
    cpu_quota: float | None
    cpu_source: str
    host_memory_bytes: int
    memory_bytes: int
    memory_source: str
    memory_usage_files: tuple[tuple[int, str, str, str], ...] = field(default=(), repr=False)
    memory_variable_bytes: int | None = field(default=None, repr=False)

    @property
    def limited(self) -> bool:
        """True when a limit leaves fewer CPUs or less memory than the machine has."""
        return self.cpus < self.host_cpus or self.memory_bytes < self.host_memory_bytes

    def available_memory_bytes(self) -> int:
        """Memory free for this process now, in bytes (read again at each call).

        The machine's available memory, at most the limit, and for each cgroup level with
        a limit, that limit less what its processes use now. Their page cache that the
        kernel can drop (``inactive_file`` in ``memory.stat``) does not count as used,
        as in ``docker stats`` and Kubernetes' "working set". With ``MEM_LIMIT`` set, also
        that limit less the resident memory of the Jupyter server this kernel runs under and
        all its processes (this process and its children when it does not run under one),
        what JupyterHub's memory indicator counts.

        Examples
        --------
        >>> resource_limits().available_memory_bytes() > 0
        True
        """
        free = min(_host_available_bytes(), self.memory_bytes)
        for limit, usage_file, stat_file, key in self.memory_usage_files:
            used = _working_set_bytes(Path(usage_file), Path(stat_file), key)
            if used is not None:
                free = min(free, max(limit - used, 0))
        if self.memory_variable_bytes is not None:
            free = min(free, max(self.memory_variable_bytes - _server_resident_bytes(), 0))
        return int(free)

    def cpu_text(self) -> str:
        """Say how many CPUs are allowed and why.

        E.g. ``"this container may use 1 CPU (cgroup v2 cpu.max)"``.
        """
        if self.cpus >= self.host_cpus:
            return _("this machine has {cpus}").format(cpus=_cpus(self.host_cpus))
        amount = _cpus(self.cpus)
        if self.cpu_source in _CPU_SOURCES and self.cpu_quota not in (None, self.cpus):
            # time of 1.5 CPUs, spread over 2
            amount = _("{quota:g} CPUs").format(quota=self.cpu_quota)
        if self.cpu_source == "CPU affinity":
            text = _("this process may use {cpus} ({source})")
        else:
            text = _("this container may use {cpus} ({source})")
        return text.format(cpus=amount, source=_(self.cpu_source))

    def memory_text(self) -> str:
        """Say how much memory is allowed and why.

        E.g. ``"this container allows 2.0 GB (MEM_LIMIT)"``.
        """
        if self.memory_bytes >= self.host_memory_bytes:
            return _("this machine has {memory}").format(memory=_gb(self.host_memory_bytes))
        return _("this container allows {memory} ({source})").format(
            memory=_gb(self.memory_bytes), source=self.memory_source)

    def summary(self) -> str:
        """One line: the CPUs and memory allowed, of the machine's, and the memory free now.

        Examples
        --------
        >>> resource_limits().summary()                        # doctest: +SKIP
        'this container may use 1 CPU (cgroup v2 cpu.max) of the machine's 64; this
        container allows 2.0 GB (MEM_LIMIT) of its 503.5 GB, 1.1 GB of it free now'
        """
        free = _gb(self.available_memory_bytes())
        if not self.limited:
            return _("no limits: all {cpus} and {memory} of this machine, {free} free now").format(
                cpus=_cpus(self.host_cpus), memory=_gb(self.host_memory_bytes), free=free)
        cpus = _("all {cpus} of this machine").format(cpus=_cpus(self.host_cpus))
        if self.cpus < self.host_cpus:
            cpus = _("{allowed} of the machine's {n}").format(
                allowed=self.cpu_text(), n=self.host_cpus)
        memory = _("all {memory} of this machine").format(memory=_gb(self.host_memory_bytes))
        if self.memory_bytes < self.host_memory_bytes:
            memory = _("{allowed} of its {memory}").format(
                allowed=self.memory_text(), memory=_gb(self.host_memory_bytes))
        return _("{cpus}; {memory}, {free} of it free now").format(
            cpus=cpus, memory=memory, free=free)

    def to_dict(self) -> dict[str, Any]:
        """Return the limits as plain data, with ``limited`` and the memory available now."""
        data = asdict(self)
        del data["memory_usage_files"]
        data["limited"] = self.limited
        data["available_memory_bytes"] = self.available_memory_bytes()
        return data


def resource_limits(refresh: bool = False) -> ResourceLimits:
    """Find the CPUs and memory this process may use: the machine's, or a container's limits.

    Reads, and takes the smallest of: the machine's logical CPUs and memory; the CPU
    affinity mask (``taskset``, a container's cpuset); the cgroup of this process, v2
    (``cpu.max``, ``memory.max``) or v1 (``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``,
    ``memory.limit_in_bytes``), at its own level and its parents'; and the variables
    JupyterHub's spawners set, ``CPU_LIMIT`` (CPUs) and ``MEM_LIMIT`` (bytes). Their
    ``CPU_GUARANTEE`` and ``MEM_GUARANTEE`` are not read: a guarantee is what the user is
    sure to get, not a ceiling. A value that cannot be read gets one line naming it and
    the form expected, and the other sources apply.

    Parameters
    ----------
    refresh : bool
        Read again instead of returning what was read in this process (the limits of a
        running container rarely change; the memory available now is read at each call of
        :meth:`ResourceLimits.available_memory_bytes`).

    Returns
    -------
    ResourceLimits
        ``.cpus``, ``.memory_bytes``, ``.available_memory_bytes()``, ``.limited`` and what
        sets each.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.resource_limits()                                   # doctest: +SKIP
    ResourceLimits(host_cpus=64, cpus=1, cpu_quota=1.0, cpu_source='cgroup v2 cpu.max', ...)
    """
    if not isinstance(refresh, bool):
        raise ValueError(_("{name} must be True or False, got {value!r}").format(
            name="refresh", value=refresh))
    if refresh:
        _LIMITS.clear()
    if "cpu" not in _LIMITS:
        _LIMITS["cpu"] = _read_cpu_limits()
    if "memory" not in _LIMITS:
        _LIMITS["memory"] = _read_memory_limits()
    return ResourceLimits(**_LIMITS["cpu"], **_LIMITS["memory"])


def enough_memory(needed_bytes: int, what: str) -> bool:
    """Whether a computation that needs ``needed_bytes`` fits in the memory free now.

    It fits when it needs at most :data:`MEMORY_SAFETY` (80 %) of the memory available to
    this process now (:meth:`ResourceLimits.available_memory_bytes`: in a container, its
    limit less what it uses). Otherwise one line says what is skipped and why, and the
    answer is False, so that a notebook skips the cell instead of the kernel dying.

    Parameters
    ----------
    needed_bytes : int
        The estimate, in bytes (0 or more).
    what : str
        What would run, for the line, e.g. ``"VGG16's forward pass"``.

    Returns
    -------
    bool
        True when it fits.

    Raises
    ------
    ValueError
        When ``needed_bytes`` is not a number of bytes or ``what`` is not a text.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.enough_memory(1_000, "a tiny array")
    True
    >>> if nr.enough_memory(estimate, "VGG16's forward pass"):  # doctest: +SKIP
    ...     features = vgg.predict(images)
    neurona: skipping VGG16's forward pass: it needs about 2.6 GB and this container allows
    2.0 GB (cgroup v2 memory.max), 1.1 GB of it free now
    """
    reason = memory_shortfall(needed_bytes, what)
    if reason is None:
        return True
    from neurona.settings import notice

    notice(reason)
    return False


def memory_shortfall(needed_bytes: int, what: str) -> str | None:
    """Say why ``what`` is skipped if it does not fit in the memory free now; None if it fits.

    The test and the words of :func:`enough_memory`, for a caller that gives the reason
    elsewhere than on a line of its own, such as a benchmark row's ``error``.

    Raises
    ------
    ValueError
        When ``needed_bytes`` is not a number of bytes or ``what`` is not a text.
    """
    real_number("needed_bytes", needed_bytes, 0, note=_("bytes, e.g. 2_500_000_000"))
    if not isinstance(what, str) or not what.strip():
        raise ValueError(_(
            "what must be a short text naming the computation, e.g. \"VGG16's forward pass\", "
            "got {what!r}"
        ).format(what=what))
    limits = resource_limits()
    free = limits.available_memory_bytes()
    if needed_bytes <= MEMORY_SAFETY * free:
        return None
    return _(
        "skipping {what}: it needs about {needed} and {memory}, {free} of it free now "
        "(the kit leaves {spare:.0%} of that spare)"
    ).format(what=what.strip(), needed=_gb(needed_bytes), memory=limits.memory_text(),
             free=_gb(free), spare=1 - MEMORY_SAFETY)


def _cpus(n: int) -> str:
    return ngettext("{n} CPU", "{n} CPUs", n).format(n=n)


def _gb(n_bytes: float) -> str:
    """Bytes as the report writes them: GiB, called GB (as Colab and most tools do)."""
    gib = n_bytes / 2**30
    return f"{gib:.1f} GB" if gib >= 0.1 else f"{n_bytes / 2**20:.0f} MB"


def _read_text(path: Path) -> str | None:
    """Return a small system file's text, stripped; None when it is absent or unreadable."""
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _cannot_read(what: str, form: str) -> None:
    from neurona.settings import notice

    notice(_("{what}: expected {form}. Going on without this limit.").format(
        what=what, form=_(form)), once=True)


def _unescape_mount(path: str) -> str:
    # mountinfo writes a space as \040, a tab as \011, ...
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), path)


def _cgroup_mounts(proc: Path = _PROC, root: Path = _ROOT) -> dict[str, tuple[Path, str]]:
    """Where the cgroup hierarchies are mounted, from ``/proc/self/mountinfo``.

    Returns ``{"v2": (folder, mount root), "cpu": ..., "memory": ...}`` for those found.
    The mount root is the cgroup the folder shows: in a container, often its own. Folders
    are under ``root``, so that tests can point at a fake tree.
    """
    mounts: dict[str, tuple[Path, str]] = {}
    for line in (_read_text(proc / "self" / "mountinfo") or "").splitlines():
        before, dash, after = line.partition(" - ")
        fields, kind = before.split(), after.split()
        if not dash or len(fields) < 5 or len(kind) < 3:
            continue
        folder = root / _unescape_mount(fields[4]).lstrip("/")
        if kind[0] == "cgroup2":
            mounts.setdefault("v2", (folder, fields[3]))
        elif kind[0] == "cgroup":
            for option in kind[2].split(","):
                if option in ("cpu", "memory"):
                    mounts.setdefault(option, (folder, fields[3]))
    return mounts


def _cgroup_paths(proc: Path = _PROC) -> dict[str, str]:
    """Find the cgroup of this process in each hierarchy, from ``/proc/self/cgroup``.

    Lines are ``ID:CONTROLLERS:PATH``; v1 has one per hierarchy (``4:memory:/user/1``,
    ``3:cpu,cpuacct:/``), v2 one line ``0::/PATH``, returned under the key ``"v2"``.
    """
    paths: dict[str, str] = {}
    for line in (_read_text(proc / "self" / "cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        number, controllers, path = parts
        if number == "0" and not controllers:
            paths["v2"] = path
        for name in controllers.split(","):
            if name:
                paths.setdefault(name, path)
    return paths


def _cgroup_dirs(
    mounts: dict[str, tuple[Path, str]], paths: dict[str, str], key: str
) -> list[Path]:
    """Folders of this process's cgroup in hierarchy ``key`` and of its parents, innermost first.

    A limit set on a parent (the pod, a systemd slice) binds its children, so every level
    up to the mount counts. When the process's path is not below the mount (a container
    that sees only its own cgroup there), the mount's folder is the one that exists.
    """
    if key not in mounts:
        return []
    folder, mount_root = mounts[key]
    path = paths.get(key, "/")
    mount_root = mount_root.rstrip("/")
    if mount_root and (path == mount_root or path.startswith(mount_root + "/")):
        path = path[len(mount_root) :]
    parts = [part for part in path.split("/") if part not in ("", ".", "..")]
    return [folder.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _cgroup_value(folder: Path, name: str, parse: Callable[[str], Any]) -> Any:
    """One cgroup file parsed; None when absent, or when unreadable (then one line says so)."""
    text = _read_text(folder / name)
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError:
        _cannot_read(_("{file} holds {text!r}").format(file=folder / name, text=text),
                     _FORMS[name])
        return None


def _positive(value: float, text: str) -> float:
    if not value > 0 or not math.isfinite(value):
        raise ValueError(f"not a positive number: {text!r}")
    return value


def _parse_cpu_max(text: str) -> float | None:
    """CPUs from cgroup v2's ``cpu.max``: ``"max 100000"`` is no limit, ``"150000 100000"`` 1.5.

    Examples
    --------
    >>> _parse_cpu_max("150000 100000"), _parse_cpu_max("max 100000")
    (1.5, None)
    """
    parts = text.split()
    if len(parts) not in (1, 2):
        raise ValueError(text)
    period = _positive(int(parts[1]), text) if len(parts) == 2 else 100_000
    if parts[0] == "max":
        return None
    return _positive(int(parts[0]), text) / period


def _parse_cfs_quota(text: str) -> int | None:
    """Read cgroup v1's ``cpu.cfs_quota_us``: microseconds per period, ``-1`` for no limit."""
    quota = int(text)
    if quota == -1:
        return None
    return int(_positive(quota, text))


def _parse_whole(text: str) -> int:
    return int(_positive(int(text), text))


def _parse_memory(text: str) -> int | None:
    """Bytes from ``memory.max`` (``"max"``: no limit) or ``memory.limit_in_bytes``.

    Examples
    --------
    >>> _parse_memory("2147483648"), _parse_memory("max"), _parse_memory("9223372036854771712")
    (2147483648, None, None)
    """
    if text == "max":
        return None
    value = _parse_whole(text)
    return None if value >= _NO_LIMIT_BYTES else value


def _env_limit(environ: Mapping[str, str], name: str, parse: Callable[[str], float]) -> Any:
    """Read a limit from a spawner's variable; None when unset, empty or unreadable (one line)."""
    raw = environ.get(name, "")
    if not raw.strip():
        return None
    try:
        return parse(raw.strip())
    except ValueError:
        _cannot_read(_("{name}={raw!r} is not understood").format(name=name, raw=raw),
                     _FORMS[name])
        return None


def _affinity_cpus() -> int | None:
    """CPUs in this process's affinity mask (``taskset``, a cpuset); None where the OS has none."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    try:
        return len(os.sched_getaffinity(0)) or None
    except OSError:
        return None


def _read_cpu_limits(
    proc: Path = _PROC,
    root: Path = _ROOT,
    environ: Mapping[str, str] | None = None,
    host_cpus: int | None = None,
) -> dict[str, Any]:
    """Read the CPU fields of :class:`ResourceLimits` from ``proc``, ``root`` and ``environ``."""
    env = os.environ if environ is None else environ
    host = host_cpus or os.cpu_count() or 1
    mounts, paths = _cgroup_mounts(proc, root), _cgroup_paths(proc)
    quotas: list[tuple[float, str]] = []
    for folder in _cgroup_dirs(mounts, paths, "v2"):
        cpus = _cgroup_value(folder, "cpu.max", _parse_cpu_max)
        if cpus is not None:
            quotas.append((cpus, _CPU_SOURCES[0]))
    for folder in _cgroup_dirs(mounts, paths, "cpu"):
        quota = _cgroup_value(folder, "cpu.cfs_quota_us", _parse_cfs_quota)
        period = _cgroup_value(folder, "cpu.cfs_period_us", _parse_whole) if quota else None
        if quota and period:
            quotas.append((quota / period, _CPU_SOURCES[1]))
    cpus = _env_limit(env, CPU_LIMIT_ENV, lambda text: _positive(float(text), text))
    if cpus is not None:
        quotas.append((cpus, CPU_LIMIT_ENV))
    # The first of equal quotas wins: the cgroup is what the kernel enforces.
    quota, quota_source = min(quotas, key=lambda q: q[0]) if quotas else (None, "")
    affinity = _affinity_cpus()
    choices = [(host, "host")]
    if affinity is not None:
        choices.append((affinity, N_("CPU affinity")))
    if quota is not None:
        choices.append((max(1, math.ceil(quota - 1e-9)), quota_source))
    # On a tie, the last named wins: a quota says more than a mask, a mask more than the host.
    effective, source = min(reversed(choices), key=lambda c: c[0])
    effective = max(1, min(effective, host))
    source = "host" if effective >= host else source
    return {"host_cpus": host, "cpus": effective, "cpu_quota": quota, "cpu_source": source}


def _read_memory_limits(
    proc: Path = _PROC,
    root: Path = _ROOT,
    environ: Mapping[str, str] | None = None,
    host_memory: int | None = None,
) -> dict[str, Any]:
    """Read the memory fields of :class:`ResourceLimits` from ``proc``, ``root``, ``environ``."""
    env = os.environ if environ is None else environ
    host = host_memory or _ram_bytes()
    mounts, paths = _cgroup_mounts(proc, root), _cgroup_paths(proc)
    limits: list[tuple[int, str]] = []
    usage_files = []
    # (hierarchy, limit file, usage file, memory.stat key of the page cache it may drop)
    for key, limit_file, usage_file, cache_key in (
        ("v2", "memory.max", "memory.current", "inactive_file"),
        ("memory", "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
    ):
        version = "v2" if key == "v2" else "v1"
        for folder in _cgroup_dirs(mounts, paths, key):
            limit = _cgroup_value(folder, limit_file, _parse_memory)
            if limit is not None:
                limits.append((limit, f"cgroup {version} {limit_file}"))
                usage_files.append(
                    (limit, str(folder / usage_file), str(folder / "memory.stat"), cache_key)
                )
    variable = _env_limit(env, MEM_LIMIT_ENV, _parse_whole)
    if variable is not None:
        limits.append((variable, MEM_LIMIT_ENV))
    # The machine's size can be unknown (0); the limits still say something then.
    candidates = ([(host, "host")] if host else []) + limits
    memory, source = min(candidates, key=lambda m: m[0]) if candidates else (0, "host")
    return {
        "host_memory_bytes": host,
        "memory_bytes": memory,
        "memory_source": source,
        "memory_usage_files": tuple(usage_files),
        "memory_variable_bytes": variable,
    }


def _server_resident_bytes() -> int:
    """Resident memory of the Jupyter server above this process and all its processes.

    Without a Jupyter server as parent (a script, a test run), this process and its
    children. Processes that end while being read are skipped.
    """
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency
        return 0
    top = psutil.Process()
    try:
        parent = top.parent()
        if parent is not None and "jupyter" in " ".join(parent.cmdline()).lower():
            top = parent
    except (psutil.Error, OSError):
        pass
    total = 0
    for process in [top, *top.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except (psutil.Error, OSError):
            continue
    return total


def _working_set_bytes(usage_file: Path, stat_file: Path, cache_key: str) -> int | None:
    """Return what a cgroup uses now, less the page cache the kernel can drop; None: unknown."""
    try:
        used = int(_read_text(usage_file) or "")
    except ValueError:
        return None
    match = re.search(rf"^{cache_key} (\d+)$", _read_text(stat_file) or "", flags=re.MULTILINE)
    return max(used - (int(match.group(1)) if match else 0), 0)


def _host_available_bytes() -> int:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover - psutil is a dependency
        return _ram_bytes()


def _run_quietly(command: list[str], timeout: float = _NVIDIA_SMI_TIMEOUT_S) -> str:
    """Return the stdout of a short command, or "" when it is missing, fails or hangs."""
    if shutil.which(command[0]) is None:
        return ""
    import subprocess  # here: `import neurona` imports this module, and must stay fast

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _parse_nvidia_smi(text: str) -> list[dict[str, Any]]:
    """GPUs from ``nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits``.

    Each line is ``NAME, MEBIBYTES``; memory can be ``[N/A]`` (MIG slices, some drivers).
    """
    gpus = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _comma, memory = line.rpartition(",")
        if not name:  # no comma: a name alone
            name, memory = memory, ""
        try:
            memory_gb: float | None = round(float(memory.strip()) / 1024, 1)
        except ValueError:
            memory_gb = None
        gpus.append({"name": name.strip(), "memory_gb": memory_gb, "seen_by": ["nvidia-smi"]})
    return gpus


def nvidia_smi_gpus() -> list[dict[str, Any]]:
    """List the NVIDIA GPUs that ``nvidia-smi`` sees, without starting any framework.

    Returns
    -------
    list of dict
        One ``{"name": str, "memory_gb": float or None, "seen_by": ["nvidia-smi"]}`` per GPU;
        empty when ``nvidia-smi`` is missing, fails or hangs (after a few seconds).

    Examples
    --------
    >>> isinstance(nvidia_smi_gpus(), list)
    True
    """
    out = _run_quietly(
        ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"]
    )
    return _parse_nvidia_smi(out)


def tensorflow_gpu_names(import_if_needed: bool = False) -> list[str]:
    """Names of the GPUs TensorFlow can use (listing them does not start its runtime).

    Parameters
    ----------
    import_if_needed : bool
        Import TensorFlow (a few seconds) when it is not imported yet. By default a
        TensorFlow that is not running is not asked, and the answer is an empty list.

    Returns
    -------
    list of str
        One name per GPU, e.g. ``["NVIDIA H100 80GB HBM3"]``; empty without TensorFlow,
        without a GPU, or when CUDA is broken.
    """
    if "tensorflow" not in sys.modules and not import_if_needed:
        return []
    try:
        import tensorflow as tf
    except ImportError:
        return []
    names = []
    try:
        devices = tf.config.list_physical_devices("GPU")
    except Exception:  # noqa: BLE001 - a broken CUDA set-up must not break a report
        return []
    for device in devices:
        try:
            details = tf.config.experimental.get_device_details(device)
        except Exception:  # noqa: BLE001
            details = {}
        names.append(details.get("device_name") or device.name.replace("/physical_device:", ""))
    return names


def _merge_gpus(smi: list[dict[str, Any]], tf_names: list[str]) -> list[dict[str, Any]]:
    """Join what nvidia-smi and TensorFlow see, matching GPUs by name in order."""
    gpus = [dict(gpu, seen_by=list(gpu["seen_by"])) for gpu in smi]
    for name in tf_names:
        match = next(
            (g for g in gpus if g["name"] == name and "tensorflow" not in g["seen_by"]), None
        )
        if match is not None:
            match["seen_by"].append("tensorflow")
        else:
            gpus.append({"name": name, "memory_gb": None, "seen_by": ["tensorflow"]})
    return gpus


def _keras_home() -> Path:
    # Keras' own rule: KERAS_HOME, else ~/.keras, else /tmp/.keras when home is read-only.
    explicit = os.environ.get("KERAS_HOME")
    if explicit:
        return Path(explicit).expanduser()
    home = Path("~").expanduser() / ".keras"
    if not os.access(home.parent, os.W_OK):
        return Path("/tmp") / ".keras"
    return home


def keras_backend() -> tuple[str, str]:
    """Find the Keras backend and where that choice comes from, without importing Keras.

    Keras's own order: the backend of a Keras already imported, else ``KERAS_BACKEND``,
    else the ``backend`` of ``keras.json`` in Keras's home folder, else TensorFlow.

    Returns
    -------
    tuple of str
        ``(backend, where the choice comes from)``, e.g.
        ``("jax", "the KERAS_BACKEND environment variable")``.

    Examples
    --------
    >>> backend, source = keras_backend()
    >>> isinstance(backend, str) and isinstance(source, str)
    True
    """
    keras = sys.modules.get("keras")
    if keras is not None:
        try:
            return str(keras.backend.backend()), N_("Keras is running with it")
        except AttributeError:  # a half-imported keras during its own import
            pass
    env = os.environ.get("KERAS_BACKEND", "").strip()
    if env:
        return env, N_("the KERAS_BACKEND environment variable")
    config = _keras_home() / "keras.json"
    try:
        backend = json.loads(config.read_text()).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    if backend:
        return str(backend), str(config)
    return "tensorflow", N_("Keras' default")


def dist_version(names: tuple[str, ...]) -> str | None:
    """Return the version of the first of ``names`` (distribution names) that is installed.

    A package can ship under several names (``tensorflow``, ``tensorflow-cpu``, ...); the
    version is read from package metadata, without importing the package.

    Parameters
    ----------
    names : tuple of str
        Distribution names, the preferred one first.

    Returns
    -------
    str or None
        The version, or None when none of them is installed.

    Examples
    --------
    >>> dist_version(("numpy",)) is not None
    True
    >>> dist_version(("no-such-distribution",)) is None
    True
    """
    import importlib.metadata  # here: it costs ~25 ms, and `import neurona` imports this module

    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for key, names in _VERSION_DISTS.items():
        version = dist_version(names)
        if version is not None:
            versions[key] = version
    return versions


# -- where Keras computes --------------------------------------------------------------------
_DEVICE_CACHE: dict[str, str] = {}


#: CPU flags (as Linux names them) of instructions that multiply bfloat16 numbers in hardware.
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 numbers in hardware (AVX-512 BF16 or AMX).

    Recent server CPUs (Intel Xeon since Cooper Lake, AMD EPYC and Ryzen since Zen 4) have
    these instructions; most laptops older than 2023 do not, and there bfloat16 is emulated
    and slower than float32. Read from ``/proc/cpuinfo`` on Linux; elsewhere the answer is
    ``False`` (unknown), the safe choice.

    Examples
    --------
    >>> cpu_has_bf16() in (True, False)
    True
    """
    if platform.system() != "Linux":
        return False
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    match = re.search(r"^flags\s*:\s*(.+)$", text, flags=re.MULTILINE)
    flags = set(match.group(1).split()) if match else set()
    return any(flag in flags for flag in BF16_CPU_FLAGS)


def compute_device(refresh: bool = False) -> str:
    """Where Keras computations run now, as a short string for run records.

    Asks the active Keras backend. With TensorFlow this starts its runtime, so call it when
    training is about to start (the kit's callbacks do), not before :func:`use_cpu_only`.

    Parameters
    ----------
    refresh : bool
        Ask the backend again instead of returning the answer cached for this process.

    Returns
    -------
    str
        E.g. ``"CPU: AMD EPYC (2 cores)"``, ``"GPU: NVIDIA H100 80GB HBM3"`` or
        ``"2x GPU: NVIDIA T4"``.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.compute_device()                                    # doctest: +SKIP
    'CPU: AMD EPYC (2 cores)'
    """
    if not isinstance(refresh, bool):
        raise ValueError(_("{name} must be True or False, got {value!r}").format(
            name="refresh", value=refresh))
    if refresh or "device" not in _DEVICE_CACHE:
        _DEVICE_CACHE["device"] = _ask_backend_for_device()
    return _DEVICE_CACHE["device"]


def _cpu_device() -> str:
    # In a container allowed fewer CPUs than the machine has, the run used those.
    cores = min(_core_counts()[0], resource_limits().cpus)
    return f"CPU: {_cpu_model()} ({cores} {'core' if cores == 1 else 'cores'})"


def _accelerator(kind: str, names: list[str]) -> str:
    if not names:
        return _cpu_device()
    name = names[0] or kind
    if len(names) == 1:
        return f"{kind}: {name}"
    if len(set(names)) == 1:
        return f"{len(names)}x {kind}: {name}"
    return f"{len(names)}x {kind}: " + ", ".join(names)


def _ask_backend_for_device() -> str:
    try:
        import keras

        backend = keras.backend.backend()
    except ImportError:
        return _cpu_device()
    if backend == "tensorflow":
        return _tensorflow_device()
    if backend == "jax":
        return _jax_device()
    if backend == "torch":
        return _torch_device()
    return _cpu_device()


def _tensorflow_device() -> str:
    import tensorflow as tf

    logical = tf.config.list_logical_devices("GPU")
    if not logical:
        return _cpu_device()
    names = []
    for device in tf.config.get_visible_devices("GPU"):
        try:
            names.append(tf.config.experimental.get_device_details(device).get("device_name"))
        except Exception:  # noqa: BLE001 - the name is decoration, the count matters
            names.append(None)
    if len(names) == len(logical) and all(names):
        return _accelerator("GPU", names)
    # A GPU split into logical devices counts once per logical device, as Keras sees it.
    name = next((n for n in names if n), None) or _first_smi_name() or "GPU"
    return _accelerator("GPU", [name] * len(logical))


def _first_smi_name() -> str | None:
    gpus = nvidia_smi_gpus()
    return gpus[0]["name"] if gpus else None


def _jax_device() -> str:
    import jax

    devices = jax.devices()
    first = devices[0]
    platform_name = str(first.platform).lower()
    if platform_name == "cpu":
        return _cpu_device()
    kind = "TPU" if platform_name == "tpu" else "GPU"
    same = [d for d in devices if d.platform == first.platform]
    return _accelerator(kind, [str(getattr(d, "device_kind", "") or kind) for d in same])


def _torch_device() -> str:
    import torch

    device = "cpu"
    try:
        from keras.src.backend.torch.core import get_device

        device = str(get_device())
    except (ImportError, AttributeError):
        if torch.cuda.is_available():
            device = "cuda"
    if device.startswith("cuda"):
        count = torch.cuda.device_count()
        return _accelerator("GPU", [torch.cuda.get_device_name(i) for i in range(count)])
    if device.startswith("mps"):
        return "GPU: Apple (MPS)"
    return _cpu_device()


# -- start-up switches -----------------------------------------------------------------------
def _too_late(what: str, detail: str = "") -> TooLateError:
    """Return the error for ``what`` and ``detail``, both already in the kit's language."""
    reason = f" ({detail})" if detail else ""
    return TooLateError(_(
        "Too late to {what}: the backend has already started in this kernel{reason}. "
        "Restart the kernel and call it before the first training: {hint}"
    ).format(what=what, reason=reason, hint=_(_RESTART_HINT)))


def use_cpu_only() -> None:
    """Hide the GPUs from the backend so that Keras trains on the CPU.

    Useful to time the CPU on a machine that has a GPU. Call it at the top of the
    notebook: once the backend has started on a GPU it raises :class:`TooLateError`.
    Before the backend is imported it sets ``CUDA_VISIBLE_DEVICES=-1`` (and
    ``JAX_PLATFORMS=cpu``), which the frameworks read when they start; if TensorFlow is
    already imported it also hides the GPUs through ``tf.config``.

    Raises
    ------
    TooLateError
        When TensorFlow, JAX or PyTorch already started using a GPU in this kernel.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.use_cpu_only()                                      # doctest: +SKIP
    GPUs hidden: Keras will train on the CPU in this kernel.
    """
    # Check every framework before changing anything, so a refusal leaves no half state.
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError as err:
            raise _too_late(_("hide the GPUs"),
                            _("TensorFlow already set up its GPUs")) from err
    _refuse_if_jax_on_gpu()
    _refuse_if_torch_on_gpu()
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    os.environ["JAX_PLATFORMS"] = "cpu"
    jax = sys.modules.get("jax")
    if jax is not None:
        try:
            jax.config.update("jax_platforms", "cpu")
        except Exception:  # noqa: BLE001 - the environment variable still applies
            pass
    _DEVICE_CACHE.clear()
    print(_("GPUs hidden: Keras will train on the CPU in this kernel."))


def _refuse_if_jax_on_gpu() -> None:
    if "jax" not in sys.modules:
        return
    try:
        from jax._src import xla_bridge

        started = dict(getattr(xla_bridge, "_backends", {}) or {})
    except (ImportError, AttributeError):
        return
    if any(name != "cpu" for name in started):
        raise _too_late(_("hide the GPUs"), _("JAX already started on {devices}").format(
            devices=", ".join(started)))


def _refuse_if_torch_on_gpu() -> None:
    torch = sys.modules.get("torch")
    if torch is None:
        return
    try:
        cuda_started = bool(torch.cuda.is_initialized())
    except AttributeError:
        cuda_started = False
    keras_device = ""
    core = sys.modules.get("keras.src.backend.torch.core")
    if core is not None:
        # Keras' torch backend picks its device once, when it is imported.
        keras_device = str(getattr(core, "DEFAULT_DEVICE", ""))
    if cuda_started or keras_device.startswith(("cuda", "mps")):
        raise _too_late(_("hide the GPUs"), _("PyTorch already uses the GPU"))


def _check_threads(value: Any, name: str) -> int:
    limits = resource_limits()
    allowed = f"; {limits.cpu_text()}" if limits.cpus < limits.host_cpus else ""
    note = _("threads; this machine has {n} logical cores{allowed}").format(
        n=_core_counts()[1], allowed=allowed)
    return whole_number(name, value, 1, MAX_THREADS, note=note)


def set_threads(intra: int, inter: int | None = None) -> dict[str, int | None]:
    """Choose how many CPU threads the backend uses, to time training on 1, 2, ... cores.

    Call it at the top of the notebook, before Keras runs anything: TensorFlow creates its
    thread pools with its first operation. Before TensorFlow is imported this sets
    ``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS``, which TensorFlow reads when it
    starts, and applies the same values through ``tf.config.threading`` as soon as it is
    imported. PyTorch, when imported, gets ``torch.set_num_threads``.

    More threads than the CPUs this process may use (:func:`resource_limits`: a container's
    quota, ``taskset``) are allowed, to see what oversubscription does, and get one line
    saying they will take turns.

    Parameters
    ----------
    intra : int
        Threads inside one operation (a matrix product), from 1 to :data:`MAX_THREADS`.
        Usually the number of physical cores or fewer.
    inter : int or None
        Threads that run independent operations side by side, from 1 to
        :data:`MAX_THREADS`. None keeps the backend's default.

    Returns
    -------
    dict
        ``{"intra": intra, "inter": inter}`` as set.

    Raises
    ------
    ValueError
        When a count is not a whole number from 1 to :data:`MAX_THREADS`.
    TooLateError
        When TensorFlow has already run an operation in this kernel.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.set_threads(1)                                      # doctest: +SKIP
    {'intra': 1, 'inter': None}
    """
    intra = _check_threads(intra, "intra")
    inter = None if inter is None else _check_threads(inter, "inter")
    limits = resource_limits()
    if intra > limits.cpus:
        from neurona.settings import notice

        notice(_(
            "{intra} threads per operation, but {allowed}: the threads will take "
            "turns, which is usually slower than set_threads({cpus})."
        ).format(intra=intra, allowed=limits.cpu_text(), cpus=limits.cpus))

    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        try:
            _apply_tf_threads(tf, intra, inter)
        except RuntimeError as err:  # "... cannot be modified after initialization"
            raise _too_late(_("change the thread count"), _("TensorFlow already ran")) from err
    else:
        # TensorFlow's C++ core reads the variables below, but its Python API reports only
        # what was set through it: the same values go there too, right after its import.
        after_import("tensorflow", "threads", lambda m: _apply_tf_threads(m, intra, inter))
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(intra)
    if inter is not None:
        os.environ["TF_NUM_INTEROP_THREADS"] = str(inter)

    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(intra)
        if inter is not None:
            try:
                torch.set_num_interop_threads(inter)
            except RuntimeError:  # fixed after torch's first parallel work; intra still counts
                pass
    return {"intra": intra, "inter": inter}


def _apply_tf_threads(tf: Any, intra: int, inter: int | None) -> None:
    tf.config.threading.set_intra_op_parallelism_threads(intra)
    if inter is not None:
        tf.config.threading.set_inter_op_parallelism_threads(inter)


#: The variables in which a user chooses TensorFlow's two thread pools.
_TF_THREAD_VARIABLES = {"intra": "TF_NUM_INTRAOP_THREADS", "inter": "TF_NUM_INTEROP_THREADS"}


def fit_threads_to_limit() -> dict[str, int] | None:
    """Size TensorFlow's thread pools to the CPUs allowed, when a limit is below the machine.

    TensorFlow sizes its pools from the CPUs it can schedule on and does not read a
    container's CPU quota: in a pod allowed 1 CPU on a 64-core node it starts 64 threads
    per pool, which take turns on that one CPU. ``import neurona`` calls this function.
    When the CPUs allowed (:func:`resource_limits`) are fewer than the machine's and the
    user has not chosen a pool's size (``TF_NUM_INTRAOP_THREADS``,
    ``TF_NUM_INTEROP_THREADS``, :func:`set_threads`, ``tf.config.threading``), that pool
    gets the CPUs allowed, through ``tf.config.threading``, as soon as TensorFlow is
    imported (at once if it is imported but has not started). The choice is looked at
    again then, so a variable set after ``import neurona`` still wins.

    Without a limit nothing changes; once TensorFlow has run it is too late, and nothing
    changes either. No environment variable is set: child processes (the benchmarks)
    import the kit and decide for themselves. Only the CPU part of the limits is read
    here (a few small files under ``/proc`` and ``/sys/fs/cgroup``, once per process).

    Returns
    -------
    dict or None
        ``{"intra": n, "inter": n}`` for the pools that will get ``n`` threads (a pool the
        user chose is left out); None when nothing will change.

    Examples
    --------
    >>> fit_threads_to_limit()                                 # doctest: +SKIP
    {'intra': 1, 'inter': 1}
    """
    if "cpu" not in _LIMITS:
        _LIMITS["cpu"] = _read_cpu_limits()
    cpus, host = _LIMITS["cpu"]["cpus"], _LIMITS["cpu"]["host_cpus"]
    if cpus >= host:
        return None
    pools = {pool: cpus for pool, name in _TF_THREAD_VARIABLES.items() if not os.environ.get(name)}
    if not pools:
        return None
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        try:
            _apply_default_threads(tf, cpus)
        except RuntimeError:  # TensorFlow already ran: its pools are fixed
            return None
    else:
        after_import("tensorflow", "default threads", lambda m: _apply_default_threads(m, cpus))
    return pools


def _apply_default_threads(tf: Any, cpus: int) -> None:
    """Give ``cpus`` threads to each pool that neither a variable nor ``tf.config`` sized."""
    threading = tf.config.threading
    pools = {
        "intra": (
            threading.get_intra_op_parallelism_threads,
            threading.set_intra_op_parallelism_threads,
        ),
        "inter": (
            threading.get_inter_op_parallelism_threads,
            threading.set_inter_op_parallelism_threads,
        ),
    }
    for pool, (get, set_) in pools.items():
        if not os.environ.get(_TF_THREAD_VARIABLES[pool]) and not get():
            set_(cpus)
