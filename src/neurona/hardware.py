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
import importlib.abc
import importlib.metadata
import json
import numbers
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Where a notebook can run; see :func:`hardware_report`.
PLATFORMS = ("local", "Colab", "Binder", "JupyterHub", "Kaggle")

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

_RESTART_HINT = (
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

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain Python data, e.g. for JSON or a run record.

        Examples
        --------
        >>> import json
        >>> json.dumps(hardware_report().to_dict())            # doctest: +SKIP
        """
        return asdict(self)

    def summary(self) -> str:
        """One line: CPU, RAM, GPUs and the Keras backend with its version.

        Examples
        --------
        >>> hardware_report().summary()                         # doctest: +SKIP
        'CPU: AMD EPYC (2 cores, 2 threads), 23.4 GB RAM, no GPU; Keras 3.15.1 on tensorflow 2.21.0'
        """
        parts = [f"CPU: {self.cpu_model} ({self._cores_text()})", f"{self.ram_gb:.1f} GB RAM"]
        parts.append(self._gpus_text())
        text = ", ".join(parts)
        keras_version = self.versions.get("keras")
        if keras_version is None:
            return f"{text}; Keras not installed"
        backend_version = self.versions.get(self.keras_backend)
        backend = self.keras_backend + (f" {backend_version}" if backend_version else "")
        return f"{text}; Keras {keras_version} on {backend}"

    # -- views ---------------------------------------------------------------------------
    def _rows(self) -> list[tuple[str, str]]:
        versions = ", ".join(f"{name} {v}" for name, v in self.versions.items())
        return [
            ("Platform", self.platform),
            ("OS", self.os),
            ("Python", self.python),
            ("CPU", self.cpu_model),
            ("Cores", self._cores_text()),
            ("RAM", f"{self.ram_gb:.1f} GB"),
            ("GPU", self._gpus_text(detailed=True)),
            ("Keras backend", self.keras_backend),
            ("Versions", versions or "none found"),
        ]

    def _cores_text(self) -> str:
        cores = "core" if self.physical_cores == 1 else "cores"
        threads = "thread" if self.logical_cores == 1 else "threads"
        return f"{self.physical_cores} {cores}, {self.logical_cores} {threads}"

    def _gpus_text(self, detailed: bool = False) -> str:
        if not self.gpus:
            return "no GPU"
        texts = []
        for gpu in self.gpus:
            text = gpu["name"]
            if gpu.get("memory_gb") is not None:
                text += f" ({gpu['memory_gb']:.1f} GB)"
            if detailed and gpu.get("seen_by"):
                text += f", seen by {' and '.join(gpu['seen_by'])}"
            texts.append(text)
        count = len(self.gpus)
        if not detailed and len(set(texts)) == 1 and count > 1:
            return f"{count}x GPU: {texts[0]}"
        label = "GPU" if count == 1 else f"{count} GPUs"
        return f"{label}: " + "; ".join(texts)

    def __str__(self) -> str:
        rows = self._rows()
        width = max(len(key) for key, _ in rows)
        lines = ["This machine"] + [f"  {key:<{width}}  {value}" for key, value in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(key)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for key, value in self._rows()
        )
        return (
            "<table class='neurona-hardware'>"
            "<caption style='text-align:left;font-weight:bold'>This machine</caption>"
            f"{cells}</table>"
        )


# -- the report ------------------------------------------------------------------------------
def hardware_report(probe_backend: bool = False) -> HardwareReport:
    """Describe this machine: platform, CPU, memory, GPUs and library versions.

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
        raise ValueError(f"probe_backend must be True or False, got {probe_backend!r}")
    physical, logical = _core_counts()
    gpus = _nvidia_smi_gpus()
    if probe_backend or "tensorflow" in sys.modules:
        gpus = _merge_gpus(gpus, _tensorflow_gpu_names(import_if_needed=probe_backend))
    return HardwareReport(
        platform=_detect_platform(),
        os=_os_text(),
        python=platform.python_version(),
        cpu_model=_cpu_model(),
        physical_cores=physical,
        logical_cores=logical,
        ram_gb=round(_ram_bytes() / 2**30, 1),
        gpus=gpus,
        keras_backend=_keras_backend()[0],
        versions=_versions(),
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


def _run_quietly(command: list[str], timeout: float = _NVIDIA_SMI_TIMEOUT_S) -> str:
    """Return the stdout of a short command, or "" when it is missing, fails or hangs."""
    if shutil.which(command[0]) is None:
        return ""
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
        name, _, memory = line.rpartition(",")
        if not name:  # no comma: a name alone
            name, memory = memory, ""
        try:
            memory_gb: float | None = round(float(memory.strip()) / 1024, 1)
        except ValueError:
            memory_gb = None
        gpus.append({"name": name.strip(), "memory_gb": memory_gb, "seen_by": ["nvidia-smi"]})
    return gpus


def _nvidia_smi_gpus() -> list[dict[str, Any]]:
    out = _run_quietly(
        ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"]
    )
    return _parse_nvidia_smi(out)


def _tensorflow_gpu_names(import_if_needed: bool = False) -> list[str]:
    """Names of the GPUs TensorFlow can use (listing them does not start its runtime)."""
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


def _keras_backend() -> tuple[str, str]:
    """Find the Keras backend and where that choice comes from, without importing Keras."""
    keras = sys.modules.get("keras")
    if keras is not None:
        try:
            return str(keras.backend.backend()), "Keras is running with it"
        except AttributeError:  # a half-imported keras during its own import
            pass
    env = os.environ.get("KERAS_BACKEND", "").strip()
    if env:
        return env, "the KERAS_BACKEND environment variable"
    config = _keras_home() / "keras.json"
    try:
        backend = json.loads(config.read_text()).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    if backend:
        return str(backend), str(config)
    return "tensorflow", "Keras' default"


def _dist_version(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for key, names in _VERSION_DISTS.items():
        version = _dist_version(names)
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
        raise ValueError(f"refresh must be True or False, got {refresh!r}")
    if refresh or "device" not in _DEVICE_CACHE:
        _DEVICE_CACHE["device"] = _ask_backend_for_device()
    return _DEVICE_CACHE["device"]


def _cpu_device() -> str:
    physical, _ = _core_counts()
    return f"CPU: {_cpu_model()} ({physical} {'core' if physical == 1 else 'cores'})"


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
    gpus = _nvidia_smi_gpus()
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
# Settings waiting for a module to be imported: module name -> callables taking the module.
_AFTER_IMPORT: dict[str, dict[str, Callable[[Any], None]]] = {}


class _AfterImportFinder(importlib.abc.MetaPathFinder):
    """Runs the waiting settings right after a module such as ``tensorflow`` is imported.

    The environment variables set before import are read by TensorFlow's C++ core, but its
    Python API (``tf.config.threading.get_*``) only reports what was set through it, so the
    same values are also applied there, before any operation runs.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname not in _AFTER_IMPORT:
            return None
        # Let the other finders (the kit's quiet-import finder included) find the module,
        # then wrap whatever loader they return.
        for finder in list(sys.meta_path):  # a finder may remove itself while we ask
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _AfterImportLoader(spec.loader, fullname)
                return spec
        return None


class _AfterImportLoader(importlib.abc.Loader):
    def __init__(self, loader, name: str):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        for action in _AFTER_IMPORT.pop(self._name, {}).values():
            try:
                action(module)
            except Exception:  # noqa: BLE001 - the environment variables still apply
                pass
        if not _AFTER_IMPORT:
            _remove_finder()

    def __getattr__(self, name):  # get_resource_reader, is_package, ... pass through
        return getattr(self._loader, name)


def _remove_finder() -> None:
    for finder in list(sys.meta_path):
        if isinstance(finder, _AfterImportFinder):
            sys.meta_path.remove(finder)


def _after_import(module: str, key: str, action: Callable[[Any], None]) -> None:
    """Run ``action(module)`` once ``module`` is imported; ``key`` replaces an earlier one."""
    _AFTER_IMPORT.setdefault(module, {})[key] = action
    if not any(isinstance(f, _AfterImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImportFinder())


def _too_late(what: str, detail: str = "") -> TooLateError:
    reason = f" ({detail})" if detail else ""
    return TooLateError(
        f"Too late to {what}: the backend has already started in this kernel{reason}. "
        f"Restart the kernel and call it before the first training: {_RESTART_HINT}"
    )


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
            raise _too_late("hide the GPUs", "TensorFlow already set up its GPUs") from err
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
    print("GPUs hidden: Keras will train on the CPU in this kernel.")


def _refuse_if_jax_on_gpu() -> None:
    if "jax" not in sys.modules:
        return
    try:
        from jax._src import xla_bridge

        started = dict(getattr(xla_bridge, "_backends", {}) or {})
    except (ImportError, AttributeError):
        return
    if any(name != "cpu" for name in started):
        raise _too_late("hide the GPUs", "JAX already started on " + ", ".join(started))


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
        raise _too_late("hide the GPUs", "PyTorch already uses the GPU")


def _check_threads(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be a whole number of threads from 1 to {MAX_THREADS}, got {value!r}"
        )
    if not 1 <= int(value) <= MAX_THREADS:
        raise ValueError(
            f"{name} must be a whole number of threads from 1 to {MAX_THREADS} "
            f"(this machine has {_core_counts()[1]} logical cores), got {value!r}"
        )
    return int(value)


def set_threads(intra: int, inter: int | None = None) -> dict[str, int | None]:
    """Choose how many CPU threads the backend uses, to time training on 1, 2, ... cores.

    Call it at the top of the notebook, before Keras runs anything: TensorFlow creates its
    thread pools with its first operation. Before TensorFlow is imported this sets
    ``TF_NUM_INTRAOP_THREADS`` / ``TF_NUM_INTEROP_THREADS``, which TensorFlow reads when it
    starts, and applies the same values through ``tf.config.threading`` as soon as it is
    imported. PyTorch, when imported, gets ``torch.set_num_threads``.

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

    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "config"):
        try:
            _apply_tf_threads(tf, intra, inter)
        except RuntimeError as err:  # "... cannot be modified after initialization"
            raise _too_late("change the thread count", "TensorFlow already ran") from err
    else:
        _after_import("tensorflow", "threads", lambda m: _apply_tf_threads(m, intra, inter))
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
