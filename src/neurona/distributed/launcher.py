"""Start a data-parallel training on several worker processes on this machine, and clean up.

The training script is yours (notebook 14 writes it with ``%%writefile worker_code.py``).
:func:`launch` gives each worker a free localhost port and its ``TF_CONFIG`` (the cluster's
addresses and the worker's index), runs the script once per worker, streams their output, times
them and returns what each reported with :func:`report`. Whatever happens (a worker fails, the
time runs out, the notebook's stop button), every worker is stopped before :func:`launch` returns
or raises: a worker left waiting for a dead partner would otherwise block forever in its
all-reduce. The workers are child processes of :mod:`neurona.processes`, as a benchmark's are.

On a real cluster nothing changes in the training script: each machine runs it with a
``TF_CONFIG`` naming every machine's address and its own index (:func:`tf_config`); Kubernetes
(the TensorFlow training operator) or a Spark job writes that variable for you.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurona import processes
from neurona.i18n import _, ngettext
from neurona.validate import one_of, whole_number

__all__ = [
    "LaunchResult",
    "WorkerError",
    "check_tf_config",
    "free_ports",
    "launch",
    "report",
    "scaling",
    "tf_config",
]


class WorkerError(RuntimeError):
    """A worker failed and the others were stopped; the message quotes its last lines."""


def tf_config(addresses: Sequence[str], index: int) -> dict[str, Any]:
    """Return the ``TF_CONFIG`` of worker ``index`` in a cluster of ``addresses`` ("host:port").

    Examples
    --------
    >>> tf_config(["localhost:2222", "localhost:2223"], 1)["task"]
    {'type': 'worker', 'index': 1}
    """
    config = {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}
    check_tf_config(config)
    return config


def check_tf_config(config: str | dict[str, Any]) -> dict[str, Any]:
    """Return ``config`` (JSON text or dict) as a dict if it is a usable ``TF_CONFIG``, else raise.

    Raises
    ------
    ValueError
        Naming what is wrong: not JSON, no ``cluster.worker`` list of "host:port" strings,
        a task type other than worker or chief, an index outside the cluster.

    Examples
    --------
    >>> check_tf_config('{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}')
    Traceback (most recent call last):
    ...
    ValueError: TF_CONFIG task index must be a whole number from 0 to 0 (1 worker); got 3
    """
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except json.JSONDecodeError as err:
            raise ValueError(_("TF_CONFIG is not valid JSON: {err}").format(err=err)) from None
    if not isinstance(config, dict):
        raise ValueError(_("TF_CONFIG must be a JSON object with 'cluster' and 'task'"))
    cluster = config.get("cluster")
    workers = cluster.get("worker") if isinstance(cluster, dict) else None
    if not isinstance(workers, list) or not workers:
        raise ValueError(_(
            'TF_CONFIG needs "cluster": {{"worker": ["host:port", ...]}} with at least one worker'
        ).format())
    for address in workers:
        host, _colon, port = str(address).rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(_("TF_CONFIG worker address {address!r} is not 'host:port'").format(
                address=address))
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in ("worker", "chief"):
        raise ValueError(_('TF_CONFIG needs "task": {{"type": "worker" or "chief", "index": N}}')
                         .format())
    index = task.get("index")
    n = len(workers)
    whole_number("TF_CONFIG task index", index, 0, n - 1,
                 note=ngettext("{n} worker", "{n} workers", n).format(n=n))
    return config


def report(*, index: int, replicas: int, loss: Sequence[float], epoch_seconds: Sequence[float],
           weights: Iterable[Any], **extra: Any) -> dict[str, Any]:
    """Print a worker's result as the one line :func:`launch` reads back; return it.

    The line is a child's result line (:func:`neurona.processes.report`).

    Call it once, at the end of the worker script. The weights are reduced to a checksum (the
    sum of all their values): workers that hold copies of one model report the same checksum.

    Parameters
    ----------
    index : int
        The worker's index in ``TF_CONFIG`` (0 without it).
    replicas : int
        ``strategy.num_replicas_in_sync``: the model copies that trained together.
    loss, epoch_seconds : sequence of float
        The loss and the training seconds of each epoch.
    weights : iterable of arrays or variables
        The model's weights, e.g. ``model.weights``.
    **extra
        Further values to report; they must be JSON-serialisable.

    Examples
    --------
    >>> result = report(index=0, replicas=1, loss=[2.3, 1.1], epoch_seconds=[0.5, 0.4],
    ...                 weights=[[1.0, 2.0], [0.5]])       # doctest: +ELLIPSIS
    NEURONA_RESULT {"ok": true, "worker": 0, "replicas": 1, ..., "checksum": 3.5}
    >>> result["checksum"]
    3.5
    """
    import numpy as np

    checksum = sum(float(np.sum(np.asarray(w), dtype=np.float64)) for w in weights)
    result = {"worker": int(index), "replicas": int(replicas), "loss": [float(v) for v in loss],
              "epoch_seconds": [float(v) for v in epoch_seconds], "checksum": checksum,
              **extra}  # fmt: skip
    return processes.report(result)


def free_ports(n: int) -> list[int]:
    """Return ``n`` distinct TCP ports free on localhost now."""
    sockets, ports = [], []
    try:
        for _port in range(n):
            s = socket.socket()
            s.bind(("localhost", 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


@dataclass
class LaunchResult:
    """What a launch produced: each worker's result, its output lines and the wall time."""

    workers: int
    seconds: float
    results: list[dict[str, Any]]
    logs: list[list[str]] = field(repr=False)
    pids: list[int] = field(repr=False)

    @property
    def loss(self) -> list[float]:
        """The loss per epoch (identical on every worker after a synchronous run)."""
        return self.results[0]["loss"]


def launch(
    workers: int,
    script: str | os.PathLike,
    args: Sequence[Any] = (),
    *,
    timeout: float = 300.0,
    on_line: Callable[[int, str], None] | None = None,
    threads_per_worker: int | None = None,
) -> LaunchResult:
    """Run ``python script args`` as ``workers`` processes joined by ``TF_CONFIG``.

    Parameters
    ----------
    workers : int
        Worker processes, 1 to 16 (1: the same script without a cluster).
    script : str or path
        The training script every worker runs (relative paths are taken from the current
        folder). It ends by calling :func:`report`.
    args : sequence
        Command-line arguments of the training script (numbers are passed as text).
    timeout : float
        Seconds for the whole run; then every worker is stopped and TimeoutError raised.
    on_line : callable, optional
        Called as ``on_line(worker, line)`` for every line a worker writes (to stream logs).
    threads_per_worker : int, optional
        TensorFlow's intra-op threads in each worker (default: TensorFlow's choice).

    Returns
    -------
    LaunchResult

    Raises
    ------
    FileNotFoundError
        No file at ``script``.
    WorkerError
        A worker exited with an error: the others are stopped and the message quotes the
        failing worker's last lines.

    Examples
    --------
    >>> run = launch(2, "worker_code.py", ["--epochs", 2])     # doctest: +SKIP
    >>> run.loss, run.seconds                                   # doctest: +SKIP
    """
    whole_number("workers", workers, 1, 16)
    path = Path(script).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            _("no worker script at {path}: write it first (notebook 14's %%writefile "
              "worker_code.py cell) or give launch the path of yours").format(path=path)
        )
    addresses = [f"localhost:{port}" for port in free_ports(workers)]
    children: list[processes.Child] = []
    start = time.perf_counter()
    try:
        for index in range(workers):
            cluster = json.dumps(tf_config(addresses, index)) if workers > 1 else None
            env = processes.child_env(KERAS_BACKEND="tensorflow", TF_CONFIG=cluster)
            if threads_per_worker:
                env["TF_NUM_INTRAOP_THREADS"] = str(threads_per_worker)
            env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            env.setdefault("CUDA_VISIBLE_DEVICES", "-1")
            numbered = None if on_line is None else lambda line, i=index: on_line(i, line)
            children.append(processes.start([sys.executable, path, *args], env,
                                            on_line=numbered))
        failed = processes.wait_all(children, timeout)
    except TimeoutError:
        raise TimeoutError(_("the workers did not finish within {timeout:g} s; all were stopped"
                             ).format(timeout=timeout)) from None
    finally:
        processes.stop_all(children)  # also when a worker could not start
    seconds = time.perf_counter() - start
    if failed is not None:
        raise WorkerError(
            _("worker {index} of {workers} exited with code {code}; the others were stopped. "
              "Its last lines: {lines}").format(index=children.index(failed), workers=workers,
                                                code=failed.returncode, lines=failed.tail())
        )
    results = []
    for index, child in enumerate(children):
        result = processes.result_of(child)
        if not result["ok"]:
            raise WorkerError(_("worker {index} printed no result (its script must end with "
                                "distributed.report(...)): {lines}").format(
                index=index, lines=child.tail()))
        results.append(result)
    logs = [child.lines for child in children]
    return LaunchResult(workers, seconds, results, logs, [child.pid for child in children])


def scaling(
    workers: Sequence[int],
    script: str | os.PathLike,
    args: Sequence[Any] = (),
    *,
    mode: str = "strong",
    samples: int = 8192,
    timeout: float = 600.0,
    run: Callable[..., LaunchResult] | None = None,
):
    """Train with 1, 2, ... workers and tabulate time, speed-up and final loss.

    Parameters
    ----------
    workers : sequence of int
        Worker counts; the first is the reference of the speed-up (usually 1).
    script : str or path
        The training script (see :func:`launch`); it must take ``--samples``.
    args : sequence
        Further arguments of the training script (not ``--samples``).
    mode : str
        ``"strong"``: the same ``samples`` whatever the number of workers (Amdahl's fixed
        problem). ``"weak"``: ``samples`` per worker, the problem grows with the cluster
        (Gustafson's view); the speed-up is then throughput, samples per second, relative.
    samples : int
        Training samples (per worker in weak mode).
    timeout : float
        Seconds allowed for each launch.
    run : callable, optional
        Called as ``run(count, script, args, timeout=timeout)`` instead of :func:`launch`
        (tests, or a launch with other options).

    Returns
    -------
    pandas.DataFrame
        One row per worker count: training seconds (the epochs, without start-up), wall
        seconds of the launch, samples per second, speed-up, efficiency and final loss.
    """
    import pandas as pd

    one_of("mode", mode, ("strong", "weak"))
    run = run or launch
    rows = []
    for count in workers:
        n = samples * (count if mode == "weak" else 1)
        result = run(count, script, [*args, "--samples", n], timeout=timeout)
        training = sum(result.results[0]["epoch_seconds"])
        epochs = len(result.results[0]["epoch_seconds"])
        rows.append({"workers": count, "samples": n, "training s": training,
                     "wall s": result.seconds, "samples/s": n * epochs / training,
                     "final loss": result.loss[-1]})  # fmt: skip
    frame = pd.DataFrame(rows).set_index("workers")
    reference = frame.iloc[0]
    frame["speed-up"] = frame["samples/s"] / reference["samples/s"]
    frame["efficiency"] = frame["speed-up"] / (frame.index / frame.index[0])
    return frame
