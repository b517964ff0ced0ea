"""One timed configuration: what to run, where, with how many threads, on which backend.

A :class:`Config` is plain data (it crosses a process boundary as JSON): checked when it is
made, so that a typo fails in the notebook with the allowed values named, not in a child
process minutes later.
"""

from __future__ import annotations

import json
import numbers
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

#: Keras backends a configuration may name (the child process fixes it before Keras starts).
BACKENDS = ("tensorflow", "jax", "torch")
#: How the training loop is written: Keras ``fit``; a TensorFlow ``GradientTape`` loop
#: compiled with ``tf.function``; the same loop run eagerly, op by op.
LEVELS = ("fit", "tf_function", "eager")
#: Where the work runs.
DEVICES = ("cpu", "gpu")
#: What is timed: training epochs, or one inference call on ``samples`` inputs.
TASKS = ("train", "infer")
#: Number formats for the model and its data.
DTYPES = ("float32", "bfloat16", "mixed_bfloat16")


@dataclass(frozen=True)
class Config:
    """One benchmark configuration, run in a fresh process by :func:`neurona.bench.run`.

    Parameters
    ----------
    model : str
        A name from :data:`neurona.bench.zoo.ZOO`: ``"mlp"``, ``"pyramid"``, ``"lenet"``,
        ``"cnn"``, ``"dense"``.
    model_args : dict
        The zoo model's size, e.g. ``{"hidden_layers": 4, "units": 400}`` for ``"mlp"``.
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
        One of :data:`LEVELS`; ``"tf_function"`` and ``"eager"`` need the TensorFlow backend.
    dtype : str
        One of :data:`DTYPES`.
    seed : int
        Seeds the weights and the random inputs.
    timeout : float
        Seconds before the child process is stopped and the row reports a time-out.
    """

    model: str = "mlp"
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
        from neurona.bench.zoo import ZOO

        _choice("model", self.model, tuple(ZOO))
        _choice("task", self.task, TASKS)
        _choice("device", self.device, DEVICES)
        _choice("backend", self.backend, BACKENDS)
        _choice("level", self.level, LEVELS)
        _choice("dtype", self.dtype, DTYPES)
        for name in ("samples", "batch_size", "epochs", "repeats"):
            _whole(name, getattr(self, name), 1)
        _whole("seed", self.seed, 0)
        for name in ("threads", "inter_threads"):
            if getattr(self, name) is not None:
                _whole(name, getattr(self, name), 1, "or None for the framework's default")
        if self.level != "fit" and self.backend != "tensorflow":
            raise ValueError(
                f"level {self.level!r} is a TensorFlow loop: use backend 'tensorflow', "
                f"or level 'fit' for the {self.backend} backend"
            )
        if self.task == "infer" and self.level != "fit":
            raise ValueError("level applies to training; use level 'fit' with task 'infer'")
        if not isinstance(self.model_args, dict):
            raise TypeError(f"model_args must be a dict, got {type(self.model_args).__name__}")
        ZOO[self.model].check(self.model_args)
        if (
            isinstance(self.timeout, bool)
            or not isinstance(self.timeout, numbers.Real)
            or not self.timeout > 0
        ):
            raise ValueError(f"timeout must be a number of seconds > 0, got {self.timeout!r}")

    # -- conversions --------------------------------------------------------------------
    def with_(self, **changes: Any) -> Config:
        """Return a copy with some fields changed (checked again)."""
        known = {f.name for f in fields(self)}
        for key in changes:
            if key not in known:
                raise ValueError(f"Config has no field {key!r}; its fields: {', '.join(known)}")
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
        from neurona.bench.zoo import ZOO

        parts = [ZOO[self.model].describe(self.model_args), self.task]
        parts.append(f"batch {self.batch_size}" if self.task == "train" else f"{self.samples} in")
        parts.append(self.device)
        if self.threads is not None:
            parts.append(f"{self.threads} thread{'s' if self.threads > 1 else ''}")
        if self.backend != "tensorflow":
            parts.append(self.backend)
        if self.level != "fit":
            parts.append(self.level)
        if self.dtype != "float32":
            parts.append(self.dtype)
        return " · ".join(parts)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _whole(name: str, value: Any, low: int, extra: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        tail = f" {extra}" if extra else ""
        raise ValueError(f"{name} must be a whole number >= {low}{tail}; got {value!r}")
