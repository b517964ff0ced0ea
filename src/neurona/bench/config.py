"""One timed configuration: which network of which file, where, on how many threads, which backend.

A :class:`Config` is plain data (it crosses a process boundary as JSON): checked when it is
made, so that a typo fails in the notebook with the allowed values named, not in a child
process minutes later.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from neurona.bench.code import LEVELS, check, resolve
from neurona.i18n import _, ngettext, pgettext
from neurona.validate import one_of, real_number, whole_number

#: Keras backends a configuration may name (the child process fixes it before Keras starts).
BACKENDS = ("tensorflow", "jax", "torch")
#: Where the work runs.
DEVICES = ("cpu", "gpu")
#: What is timed: training epochs, or one inference call on ``samples`` inputs.
TASKS = ("train", "infer")
#: Number formats for the model and its data.
DTYPES = ("float32", "bfloat16", "mixed_bfloat16")

__all__ = ["BACKENDS", "DEVICES", "DTYPES", "TASKS", "Config", "check_machine", "describe"]


@dataclass(frozen=True)
class Config:
    """One benchmark configuration, run in a fresh process by :func:`neurona.bench.run`.

    Parameters
    ----------
    code : str or Path
        The Python file of networks and training loops to time, e.g. ``"timed_code.py"``
        (notebook 11's ``%%writefile`` cell writes it; see :mod:`neurona.bench.code`). Kept
        as an absolute path, so that the child process finds it.
    model : str
        A network of that file: the name of a function that returns an uncompiled Keras
        model, e.g. ``"mlp"``.
    model_args : dict
        That function's arguments, e.g. ``{"hidden_layers": 4, "units": 400}``: numbers,
        strings and lists (they cross to the child as JSON).
    samples : int
        Training samples per epoch (``task="train"``), or inputs in the one timed call
        (``task="infer"``). The inputs are random numbers of the model's input shape: a
        benchmark times the arithmetic, which does not depend on the values.
    batch_size : int
        Samples per step.
    epochs : int
        Epochs per timed repeat (training).
    repeats : int
        Timed repeats after one untimed warm-up; the row reports their median and spread.
    task : str
        ``"train"`` or ``"infer"``.
    device : str
        ``"cpu"`` (GPUs hidden from the framework) or ``"gpu"``.
    threads : int or None
        Threads for the work inside one operation (TensorFlow's intra-op pool, JAX's and
        PyTorch's thread count, and the CPUs the process may use); ``None``: the
        framework's default (every core).
    inter_threads : int or None
        TensorFlow's pool for independent operations; ``None``: its default.
    backend : str
        Keras backend: one of :data:`BACKENDS`.
    level : str
        One of :data:`LEVELS`: the training loop of that name in the code file;
        ``"tf_function"`` and ``"eager"`` need the TensorFlow backend.
    dtype : str
        One of :data:`DTYPES`.
    seed : int
        Seeds the weights and the random inputs.
    timeout : float
        Seconds before the child process is stopped and the row reports a time-out.
    """

    code: str
    model: str
    model_args: dict[str, Any] = field(default_factory=dict)
    samples: int = 8192
    batch_size: int = 128
    epochs: int = 1
    repeats: int = 3
    task: str = "train"
    device: str = "cpu"
    threads: int | None = None
    inter_threads: int | None = None
    backend: str = "tensorflow"
    level: str = "fit"
    dtype: str = "float32"
    seed: int = 0
    timeout: float = 600.0

    def __post_init__(self) -> None:
        one_of("task", self.task, TASKS)
        one_of("level", self.level, LEVELS)
        one_of("dtype", self.dtype, DTYPES)
        check_machine(self.device, self.threads, self.inter_threads, self.backend)
        for name in ("samples", "batch_size", "epochs", "repeats"):
            whole_number(name, getattr(self, name), 1)
        whole_number("seed", self.seed, 0)
        if self.level != "fit" and self.backend != "tensorflow":
            raise ValueError(
                _("level {level!r} is a TensorFlow loop: use backend 'tensorflow', "
                  "or level 'fit' for the {backend} backend").format(
                    level=self.level, backend=self.backend)
            )
        if self.task == "infer" and self.level != "fit":
            raise ValueError(_("level applies to training; use level 'fit' with task 'infer'"))
        real_number("timeout", self.timeout, 0, low_open=True, note=_("seconds"))
        args = {} if self.model_args is None else self.model_args
        if not isinstance(args, dict):
            raise TypeError(_("model_args must be a dict, got {kind}").format(
                kind=type(args).__name__))
        try:
            json.dumps(args)
        except TypeError:
            raise TypeError(_("model_args must hold numbers, strings and lists (they go to a "
                              "child process as JSON); got {args!r}").format(args=args)) from None
        object.__setattr__(self, "model_args", args)
        if not isinstance(self.model, str):
            raise TypeError(_("model must be the name of a network function, got {model!r}")
                            .format(model=self.model))
        object.__setattr__(self, "code", resolve(self.code))
        check(self.code, self.model, args, self.level if self.task == "train" else None)

    # -- conversions --------------------------------------------------------------------
    def with_(self, **changes: Any) -> Config:
        """Return a copy with some fields changed (checked again)."""
        known = [f.name for f in fields(self)]
        for key in changes:
            if key not in known:
                raise ValueError(_("Config has no field {key!r}; its fields: {known}").format(
                    key=key, known=", ".join(known)))
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """Return the configuration as one line of JSON."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """Rebuild a configuration from :meth:`to_dict`'s output."""
        return cls(**data)

    def label(self) -> str:
        """Return a short name for tables and the ledger.

        For example ``"mlp 2x256 · train · batch 128 · cpu · 2 threads"``.
        """
        task = (pgettext("benchmark task", "train") if self.task == "train"
                else pgettext("benchmark task", "infer"))
        parts = [describe(self.model, self.model_args), task]
        parts.append(_("batch {size}").format(size=self.batch_size) if self.task == "train"
                     else _("{samples} in").format(samples=self.samples))
        parts.append(self.device)
        if self.threads is not None:
            parts.append(ngettext("{n} thread", "{n} threads", self.threads).format(
                n=self.threads))
        if self.backend != "tensorflow":
            parts.append(self.backend)
        if self.level != "fit":
            parts.append(self.level)
        if self.dtype != "float32":
            parts.append(self.dtype)
        return " · ".join(parts)


def describe(model: str, model_args: dict[str, Any] | None = None) -> str:
    """Return a network's short name: its function, then its arguments' values.

    Two or more numbers are joined by ``x``, as the sources name sizes ("4 x 400"); a list by
    ``-``; a single number keeps its name.

    Examples
    --------
    >>> describe("mlp", {"hidden_layers": 4, "units": 400})
    'mlp 4x400'
    >>> describe("pyramid", {"widths": [800, 400, 208]})
    'pyramid 800-400-208'
    >>> describe("lenet", {"maps": 64})
    'lenet maps=64'
    >>> describe("cnn")
    'cnn'
    """
    args = model_args or {}
    lists = ["-".join(str(v) for v in value) for value in args.values()
             if isinstance(value, Sequence) and not isinstance(value, str)]  # fmt: skip
    scalars = {key: value for key, value in args.items()
               if not isinstance(value, Sequence) or isinstance(value, str)}  # fmt: skip
    if len(scalars) == 1:
        [(key, value)] = scalars.items()
        lists.append(f"{key}={value}")
    elif scalars:
        lists.append("x".join(str(value) for value in scalars.values()))
    return " ".join([model, *lists])


def check_machine(device: str, threads: int | None, inter_threads: int | None,
                  backend: str) -> None:
    """Check where a run goes (device, thread pools, backend), naming the allowed values.

    Examples
    --------
    >>> check_machine("cpu", 2, None, "theano")
    Traceback (most recent call last):
    ...
    ValueError: backend must be one of tensorflow, jax, torch; got 'theano'
    """
    one_of("device", device, DEVICES)
    one_of("backend", backend, BACKENDS)
    for name, value in (("threads", threads), ("inter_threads", inter_threads)):
        if value is not None:
            whole_number(name, value, 1, note=_("or None for the framework's default"))
