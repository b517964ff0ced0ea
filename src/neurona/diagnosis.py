"""``nr.doctor()``: check that this machine is ready for the course, and say how to fix it.

Each check gives a status (``ok``, ``warn`` or ``fail``), one line on what was found and,
when something is wrong, the command or click that fixes it. In a notebook the report also
shows a tiny slider: whether it appears is the only sure test that widgets work in the
front end at hand, which Python cannot see from inside the kernel.

Nothing here imports TensorFlow: versions come from package metadata, and the GPU check
reports what TensorFlow sees only when it is already running.

The module is named for what the doctor gives, a diagnosis. It is not ``neurona.doctor``:
importing a submodule binds it on its package, so ``import neurona.doctor`` would replace
the function ``nr.doctor`` with the module.
"""

from __future__ import annotations

import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

from neurona import settings
from neurona.hardware import (
    ResourceLimits,
    dist_version,
    hardware_report,
    keras_backend,
    nvidia_smi_gpus,
    resource_limits,
    tensorflow_gpu_names,
)
from neurona.i18n import N_, _, pgettext
from neurona.validate import one_of

__all__ = ["doctor"]

#: The states of a check, from good to bad.
STATUSES = ("ok", "warn", "fail")

_SYMBOLS = {"ok": "✓", "warn": "!", "fail": "✗"}
_COLOURS = {"ok": "#1a7f37", "warn": "#9a6700", "fail": "#cf222e"}  # readable on white and grey
# What a status shows as the tooltip of its symbol (the status itself is what code compares).
_STATUS_WORDS = {"ok": N_("ok"), "warn": N_("warning"), "fail": N_("failed")}

_INSTALL_FIX = N_(
    "From the course folder run `make lab`, or in this environment `pip install neurona`"
)

# (distribution names, shown name, lowest major version or None)
_PACKAGES = (
    (("tensorflow", "tensorflow-cpu", "tensorflow-macos"), "tensorflow", None),
    (("keras",), "keras", 3),
    (("numpy",), "numpy", None),
    (("matplotlib",), "matplotlib", None),
    (("seaborn",), "seaborn", None),
    (("scikit-learn",), "scikit-learn", None),
    (("pandas",), "pandas", None),
    (("ipywidgets",), "ipywidgets", 8),
)

# Front ends, as told by the environment the kernel was started with.
FRONT_ENDS = ("Colab", "VS Code", "JupyterLab or Notebook 7", "no notebook", "unknown")

# What to do when the slider does not show, per front end (translated where shown).
_WIDGET_FIXES = {
    "Colab": N_(
        "run `from google.colab import output; output.enable_custom_widget_manager()` "
        "in a cell, then run this cell again"
    ),
    "VS Code": N_(
        "install or update VS Code's Jupyter extension (ms-toolsai.jupyter), "
        "then reload the window (Developer: Reload Window)"
    ),
    "JupyterLab or Notebook 7": N_(
        'run `pip install "jupyterlab_widgets>=3,<4"` in the environment that runs Jupyter '
        "(`make lab` does it), restart Jupyter and reload the browser page"
    ),
    "no notebook": N_("open the notebook in JupyterLab (`make lab`), Colab or VS Code"),
    "unknown": N_(
        "open the notebook in JupyterLab (`make lab`), Colab or VS Code; other front ends "
        "may not show ipywidgets 8"
    ),
}


@dataclass
class Check:
    """The result of one check.

    Attributes
    ----------
    name : str
        What was checked, e.g. ``"Python"``: in English, as code looks it up (the report shows
        it in the kit's language).
    status : str
        One of :data:`STATUSES`.
    message : str
        What was found.
    fix : str
        How to fix it; empty when there is nothing to fix.
    """

    name: str
    status: str
    message: str
    fix: str = ""

    def __post_init__(self) -> None:
        one_of("status", self.status, STATUSES)


@dataclass
class DoctorReport:
    """What :func:`doctor` found: a list of :class:`Check`.

    Shows as a table in a notebook, followed by a live widget test; ``print`` gives the
    same as plain text.

    Attributes
    ----------
    checks : list of Check
        One entry per check, in the order they ran.
    front_end : str
        The notebook front end found, one of :data:`FRONT_ENDS`.
    """

    checks: list[Check] = field(default_factory=list)
    front_end: str = "unknown"

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings are allowed).

        Examples
        --------
        >>> assert doctor().ok                                 # doctest: +SKIP
        """
        return not any(check.status == "fail" for check in self.checks)

    def __getitem__(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        names = ", ".join(repr(c.name) for c in self.checks)
        raise KeyError(_("no check named {name!r}; the checks are {names}").format(
            name=name, names=names))

    def _verdict(self) -> str:
        return _("Ready for the course.") if self.ok else _("Fix the ✗ lines first.")

    def __str__(self) -> str:
        width = max((len(_(c.name)) for c in self.checks), default=0)
        lines = []
        for check in self.checks:
            lines.append(f"{_SYMBOLS[check.status]} {_(check.name):<{width}}  {check.message}")
            if check.fix and check.status != "ok":
                fix = _("fix: {fix}").format(fix=check.fix)
                lines.append(f"  {'':<{width}}  {fix}")
        return "\n".join(["neurona doctor", *lines, self._verdict()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = []
        for check in self.checks:
            colour = _COLOURS[check.status]
            fix = _code_to_html(check.fix) if check.status != "ok" else ""
            rows.append(
                "<tr>"
                f"<td style='color:{colour};font-weight:bold;text-align:center' "
                f"title='{html.escape(_(_STATUS_WORDS[check.status]))}'>"
                f"{_SYMBOLS[check.status]}</td>"
                f"<th style='text-align:left'>{html.escape(_(check.name))}</th>"
                f"<td style='text-align:left'>{html.escape(check.message)}</td>"
                f"<td style='text-align:left'>{fix}</td>"
                "</tr>"
            )
        headers = "".join(f"<th style='text-align:left'>{html.escape(text)}</th>"
                          for text in (pgettext("doctor table", "Check"), _("Found"), _("Fix")))
        return (
            "<table class='neurona-doctor'>"
            "<caption style='text-align:left;font-weight:bold'>neurona doctor: "
            f"{html.escape(self._verdict())}</caption>"
            f"<tr><th></th>{headers}</tr>"
            f"{''.join(rows)}</table>"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"text/plain": str(self), "text/html": self._repr_html_()}, raw=True)
        # Outside a kernel (a terminal IPython) a widget can only print its text form.
        box = _widget_test(self.front_end) if _shell() is not None else None
        if box is not None:
            display(box)


def _code_to_html(text: str) -> str:
    """Escape ``text`` and show its `back-quoted` parts as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def _widget_test_text(front_end: str) -> str:
    fix = _(_WIDGET_FIXES.get(front_end, _WIDGET_FIXES["unknown"]))
    return _(
        "If you see a slider here, widgets work. If you see 'IntSlider(...)' text or "
        "'Error displaying widget', {fix}."
    ).format(fix=fix)


def _widget_test(front_end: str):
    """Return a slider with its explanation, or None when ipywidgets is missing."""
    try:
        import ipywidgets as widgets
    except ImportError:
        return None
    text = _widget_test_text(front_end)

    class WidgetTest(widgets.HBox):
        # A front end that cannot draw widgets shows the text form instead, which ipywidgets
        # cuts at 110 characters; this one carries the whole fix.
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/plain"] = f"IntSlider(...)  {text}"
            return bundle

    label = widgets.HTML(value=_code_to_html(text), layout=widgets.Layout(flex="1 1 260px"))
    # A fixed width: beside the long label, a flexible slider would shrink to no track at all.
    fixed = widgets.Layout(width="300px", min_width="300px", flex="0 0 auto")
    slider = widgets.IntSlider(value=5, min=0, max=10, description=_("Test"), layout=fixed)
    # On a narrow page the label goes under the slider.
    return WidgetTest([slider, label], layout=widgets.Layout(flex_flow="row wrap"))


# -- the checks ------------------------------------------------------------------------------
def doctor() -> DoctorReport:
    """Check that this machine is ready for the course and say how to fix what is not.

    Checks Python, the course's packages, the Keras backend, the widget front end, the
    CPUs and memory this process may use (a container's limits), the GPU, the offline
    datasets, quick mode and the dataset cache. It does not import TensorFlow.

    Returns
    -------
    DoctorReport
        ``.ok`` is True when nothing failed. In a notebook it shows as a table of
        ✓ / ! / ✗ with fixes, followed by a slider that tests the widgets.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.doctor()                                            # doctest: +SKIP
    >>> print(nr.doctor())                                     # doctest: +SKIP
    """
    front_end = _front_end()
    checks = [_check_python()]
    checks += _check_packages()
    checks.append(_check_backend())
    checks.append(_check_widgets(front_end))
    checks.append(_check_hardware())
    checks.append(_check_limits())
    checks.append(_check_gpu())
    checks.append(_check_offline_data())
    checks.append(_check_quick_mode())
    checks.append(_check_cache())
    return DoctorReport(checks=checks, front_end=front_end)


def _check_python(version: tuple[int, int] | None = None) -> Check:
    major, minor = version or sys.version_info[:2]
    text = f"Python {major}.{minor}"
    if (3, 10) <= (major, minor) <= (3, 13):
        return Check("Python", "ok", text)
    return Check(
        "Python",
        "fail",
        _("{python}: TensorFlow 2.21 has wheels for Python 3.10 to 3.13 only").format(
            python=text),
        _("Install Python 3.12 and run `make PYTHON=/path/to/python3.12 lab`"),
    )


def _major(version: str) -> int | None:
    match = re.match(r"\d+", version)
    return int(match.group(0)) if match else None


def _check_packages() -> list[Check]:
    backend = keras_backend()[0]
    checks = []
    for dists, name, minimum in _PACKAGES:
        version = dist_version(dists)
        if version is None:
            # Without TensorFlow the course still runs on another Keras backend.
            status = "warn" if name == "tensorflow" and backend != "tensorflow" else "fail"
            checks.append(Check(name, status, _("not installed"), _(_INSTALL_FIX)))
        elif minimum is not None and (_major(version) or 0) < minimum:
            checks.append(
                Check(
                    name,
                    "fail",
                    _("{version} is too old: the course needs {name} {minimum} or newer").format(
                        version=version, name=name, minimum=minimum),
                    _('`pip install "{name}>={minimum}"`, then restart the kernel').format(
                        name=name, minimum=minimum),
                )
            )
        else:
            checks.append(Check(name, "ok", version))
    return checks


def _check_backend() -> Check:
    backend, source = keras_backend()
    module = {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos")}.get(
        backend, (backend,)
    )
    name = N_("Keras backend")
    source = _(source)  # keras_backend() gives it in English, marked where it is written
    if backend not in ("tensorflow", "jax", "torch", "numpy"):
        return Check(
            name,
            "fail",
            _("{backend} (from {source}): not a Keras 3 backend").format(
                backend=backend, source=source),
            _("Set KERAS_BACKEND to tensorflow, jax or torch, or fix ~/.keras/keras.json"),
        )
    if backend == "numpy":
        return Check(
            name,
            "warn",
            _("{backend} (from {source}): the numpy backend cannot train models").format(
                backend=backend, source=source),
            _("Set KERAS_BACKEND=tensorflow (before importing Keras) and restart the kernel"),
        )
    if dist_version(module) is None:
        return Check(
            name,
            "fail",
            _("{backend} (from {source}), but {backend} is not installed").format(
                backend=backend, source=source),
            _("`pip install {backend}`, or set KERAS_BACKEND=tensorflow and restart the "
              "kernel").format(backend=backend),
        )
    return Check(name, "ok", _("{backend} (from {source})").format(backend=backend, source=source))


def _shell():
    """Return the IPython shell of a Jupyter kernel, or None in plain Python or a terminal."""
    if "ipykernel" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


def _front_end(environ=None, modules=None, shell="auto") -> str:
    """Guess which front end shows this notebook, from the kernel's environment."""
    env = os.environ if environ is None else environ
    mods = sys.modules if modules is None else modules
    if "google.colab" in mods or "COLAB_RELEASE_TAG" in env:
        return "Colab"
    if shell == "auto":
        shell = _shell()
    user_ns = getattr(shell, "user_ns", None) or {}
    # VS Code's Jupyter extension names the notebook in the kernel's namespace.
    if "__vsc_ipynb_file__" in user_ns:
        return "VS Code"
    # A kernel started by VS Code inherits its VSCODE_* variables; a `jupyter lab` started
    # in VS Code's terminal does too, but also TERM_PROGRAM=vscode, and is not VS Code's.
    vscode = "VSCODE_PID" in env or "VSCODE_CWD" in env
    if vscode and env.get("TERM_PROGRAM") != "vscode":
        return "VS Code"
    if shell is None:
        return "no notebook"
    # jupyter_server names the notebook of each kernel it starts, for Lab and Notebook 7.
    if "JPY_SESSION_NAME" in env or "JUPYTERHUB_API_URL" in env or "JPY_PARENT_PID" in env:
        return "JupyterLab or Notebook 7"
    return "unknown"


def _check_widgets(front_end: str, ipywidgets_version: str | None = "auto") -> Check:
    name = N_("Widgets")
    if ipywidgets_version == "auto":
        ipywidgets_version = dist_version(("ipywidgets",))
    if ipywidgets_version is None:
        return Check(name, "fail", _("ipywidgets is not installed"), _(_INSTALL_FIX))
    fix = _(_WIDGET_FIXES[front_end])
    fix = fix[0].upper() + fix[1:]
    if front_end == "Colab":
        return Check(name, "ok", _("Colab shows ipywidgets itself"), fix)
    if front_end == "VS Code":
        return Check(
            name, "ok", _("VS Code: its Jupyter extension shows ipywidgets 8; see the slider"), fix
        )
    if front_end == "JupyterLab or Notebook 7":
        lab_widgets = dist_version(("jupyterlab_widgets", "jupyterlab-widgets"))
        wanted = 3 if (_major(ipywidgets_version) or 0) >= 8 else 1
        if lab_widgets is None:
            return Check(
                name,
                "warn",
                _("jupyterlab_widgets is not installed in this kernel's environment; "
                  "if Jupyter runs from another environment it must be there"),
                fix,
            )
        if _major(lab_widgets) != wanted:
            return Check(
                name,
                "fail",
                _("jupyterlab_widgets {lab} does not match ipywidgets {ipywidgets} "
                  "(needs {wanted}.x)").format(
                    lab=lab_widgets, ipywidgets=ipywidgets_version, wanted=wanted),
                fix,
            )
        return Check(
            name,
            "ok",
            _("JupyterLab or Notebook 7 with jupyterlab_widgets {lab} "
              "for ipywidgets {ipywidgets}").format(lab=lab_widgets, ipywidgets=ipywidgets_version),
            fix,
        )
    if front_end == "no notebook":
        return Check(name, "warn",
                     _("not running in a notebook, so widgets cannot show here"), fix)
    return Check(name, "warn", _("could not tell which front end shows this notebook"), fix)


def _check_hardware() -> Check:
    return Check(N_("Hardware"), "ok", hardware_report().summary())


#: Below these the course's trainings crawl or do not fit: the doctor warns.
_SMALL_CPUS = 1
_SMALL_MEMORY_BYTES = 2 * 2**30


def _check_limits(limits: ResourceLimits | None = None) -> Check:
    name = N_("CPUs and memory")
    limits = resource_limits() if limits is None else limits
    message = limits.summary()
    if limits.cpus > _SMALL_CPUS and limits.memory_bytes >= _SMALL_MEMORY_BYTES:
        return Check(name, "ok", message)
    small = []
    if limits.cpus <= _SMALL_CPUS:
        small.append(_("only one CPU: the trainings take longer"))
    if limits.memory_bytes < _SMALL_MEMORY_BYTES:
        small.append(_("under 2 GB: the larger models and batches may not fit"))
    if limits.cpu_source == "CPU affinity" and limits.memory_bytes >= _SMALL_MEMORY_BYTES:
        fix = _(
            "Jupyter was started with a CPU mask (taskset, numactl, a cpuset): start it "
            "without one to use all {n} CPUs"
        ).format(n=limits.host_cpus)
    elif limits.limited:
        fix = _(
            "Ask the hub's administrator for at least 2 CPUs and 2 GB per user (KubeSpawner's "
            "cpu_limit and mem_limit), or run the course on Colab or your own computer; "
            "meanwhile use smaller batch sizes and check large runs with `nr.enough_memory`"
        )
    else:
        fix = _(
            "Run the course on a larger computer or on Colab; meanwhile use smaller batch "
            "sizes and check large runs with `nr.enough_memory`"
        )
    return Check(name, "warn", f"{message} ({'; '.join(small)})", fix)


def _check_gpu(
    smi_names: list[str] | None = None, tf_names: list[str] | None = None, tf_started=None
) -> Check:
    name = "GPU"
    if smi_names is None:
        smi_names = [gpu["name"] for gpu in nvidia_smi_gpus()]
    if tf_started is None:
        tf_started = "tensorflow" in sys.modules
    if not smi_names:
        return Check(name, "ok", _("no NVIDIA GPU on this machine: training runs on the CPU"))
    gpus = ", ".join(smi_names)
    if not tf_started:
        return Check(name, "ok", _("nvidia-smi sees {gpus}; TensorFlow not checked, it has not "
                                   "started yet").format(gpus=gpus))
    if tf_names is None:
        tf_names = tensorflow_gpu_names()
    if tf_names:
        return Check(name, "ok", _("nvidia-smi sees {gpus}; TensorFlow sees {n} GPU(s)").format(
            gpus=gpus, n=len(tf_names)))
    if os.environ.get("CUDA_VISIBLE_DEVICES", "").strip() == "-1":
        return Check(name, "ok", _("nvidia-smi sees {gpus}; hidden from TensorFlow on purpose "
                                   "(use_cpu_only)").format(gpus=gpus))
    if sys.platform == "win32":
        fix = _(
            "TensorFlow has no GPU support on native Windows since 2.11: run the course in "
            'WSL2 and `pip install "tensorflow[and-cuda]"` there'
        )
    else:
        fix = _('`pip install "tensorflow[and-cuda]"`, then restart the kernel')
    return Check(name, "warn", _("nvidia-smi sees {gpus}, but TensorFlow sees no GPU").format(
        gpus=gpus), fix)


def _fashion_mnist_dirs():
    dirs = [settings.cache_dir() / "fashion_mnist"]
    # The same folder names the data loader searches (Debian's package uses the first).
    dirs += [
        d / name for d in settings.data_search_dirs() for name in ("fashion-mnist", "fashion_mnist")
    ]
    return dirs


def _check_offline_data() -> Check:
    name = N_("Offline data")
    if settings.offline():
        return Check(
            name,
            "ok",
            _("{variable}=1: local copies are hidden and downloads forbidden, as on a fresh "
              "offline machine; the lessons use scikit-learn's digits instead of "
              "Fashion-MNIST").format(variable=settings.OFFLINE_ENV),
        )
    for folder in _fashion_mnist_dirs():
        for file in ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"):
            if (folder / file).is_file():
                return Check(name, "ok", _("Fashion-MNIST is on this machine, in {folder}").format(
                    folder=folder))
    return Check(
        name,
        "warn",
        _("Fashion-MNIST is not on this machine yet; it is downloaded on first use"),
        _('Connect to the internet once and run `nr.load("fashion_mnist")` (it is kept in '
          "{folder}), or on Debian/Ubuntu `sudo apt-get install "
          "dataset-fashion-mnist`").format(folder=settings.cache_dir()),
    )


def _check_quick_mode() -> Check:
    if settings.quick_mode():
        message = _("on ({variable}=1): small data and few epochs, for tests").format(
            variable=settings.QUICK_ENV)
    else:
        message = _("off: full data and epochs")
    return Check(N_("Quick mode"), "ok", message)


def _check_cache() -> Check:
    name = N_("Cache folder")
    folder = settings.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as err:
        return Check(
            name,
            "fail",
            _("{folder} is not writable ({error})").format(
                folder=folder, error=err.strerror or err),
            _("Set {variable} to a folder you can write to, e.g. "
              '`os.environ["{variable}"] = "/tmp/neurona"`').format(variable=settings.CACHE_ENV),
        )
    return Check(name, "ok", _("{folder} is writable").format(folder=folder))
