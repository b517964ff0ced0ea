"""Child processes that run code and report one result: the one protocol of bench and distributed.

A benchmark's configuration (:mod:`neurona.bench`) and a data-parallel worker
(:mod:`neurona.distributed`) both run in fresh Python processes, because a framework's backend,
devices and threads are fixed when it starts. Both speak the same protocol:

- the parent starts each child (:func:`start`) in its own process group, with standard error merged
  into standard output, and a thread that keeps every line (and passes it to ``on_line``);
- :func:`wait_all` waits for all of them; on the first failure, the time-out or Ctrl-C (the
  notebook's stop button) every child still running is stopped, so none is left waiting for a
  partner that is gone;
- the child ends with :func:`report`, which prints exactly one line ``NEURONA_RESULT {json}``
  (:func:`serve` turns an exception into such a line with ``ok`` false, and exit code 1);
- :func:`result_of` reads that line back, or says why there is none (exit code, last lines).

Examples
--------
>>> import sys
>>> run([sys.executable, "-c", "from neurona import processes; processes.report({'x': 2})"],
...     timeout=60)
{'ok': True, 'x': 2}
>>> run([sys.executable, "-c", "import sys; sys.exit('no luck')"], timeout=60)
{'ok': False, 'error': 'the child exited with code 1: no luck'}
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from neurona.i18n import _, language

__all__ = [
    "RESULT_PREFIX",
    "Child",
    "child_env",
    "report",
    "result_of",
    "run",
    "serve",
    "start",
    "stop_all",
    "wait_all",
]

#: The start of the one line a child prints with its result (:func:`report`).
RESULT_PREFIX = "NEURONA_RESULT "

#: Seconds a child has to end after SIGTERM before it is killed.
GRACE_S = 5.0


# ------------------------------------------------------------------------------- child side


def report(result: dict[str, Any]) -> dict[str, Any]:
    """Print ``result`` as the one line the parent reads back; return what was printed.

    ``ok`` is true unless ``result`` says otherwise. Values JSON cannot hold are written as text.

    Examples
    --------
    >>> report({"loss": 0.5})
    NEURONA_RESULT {"ok": true, "loss": 0.5}
    {'ok': True, 'loss': 0.5}
    """
    result = {"ok": True, **result}
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)
    return result


def serve(work: Callable[[], dict[str, Any]], fallback: dict[str, Any] | None = None) -> int:
    """Run ``work()`` and :func:`report` its result; return the exit code (0, or 1 if not ok).

    An exception in ``work`` is reported as ``{**fallback, "ok": False, "error": "Type: text"}``
    instead of a traceback, so that the parent reads why.

    Examples
    --------
    >>> serve(lambda: 1 / 0, {"job": "divide"})
    NEURONA_RESULT {"ok": false, "job": "divide", "error": "ZeroDivisionError: division by zero"}
    1
    """
    try:
        result = work()
    except Exception as err:  # reported as a result: the parent decides what to do with it
        result = {**(fallback or {}), "ok": False, "error": f"{type(err).__name__}: {err}"}
    return 0 if report(result)["ok"] else 1


# ------------------------------------------------------------------------------ parent side


def child_env(**overrides: str | None) -> dict[str, str]:
    """Return this process's environment for a child, without ``KERAS_BACKEND``, plus ``overrides``.

    The child chooses its own backend (an inherited one would win over it) and speaks the kit's
    language now (``NEURONA_LANG``); an override of ``None`` removes that variable.

    Examples
    --------
    >>> env = child_env(KERAS_BACKEND="jax", TF_CONFIG=None)
    >>> env["KERAS_BACKEND"], "TF_CONFIG" in env
    ('jax', False)
    """
    env = {name: value for name, value in os.environ.items() if name != "KERAS_BACKEND"}
    env["NEURONA_LANG"] = language()  # an error row's reason in the notebook's language
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


class Child:
    """A started child process: its :attr:`process`, and the :attr:`lines` it wrote so far."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None,
                 on_line: Callable[[str], None] | None):  # fmt: skip
        self.argv = [str(a) for a in argv]
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            start_new_session=True,  # its own process group: stopped with everything it started
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, args=(on_line,), daemon=True)
        self._reader.start()

    def _read(self, on_line) -> None:
        with self.process.stdout:  # closed at its end: the child has exited
            for line in self.process.stdout:
                line = line.rstrip("\n")
                self.lines.append(line)
                if on_line is not None:
                    on_line(line)

    @property
    def pid(self) -> int:
        """Its process id (also its process group's)."""
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        """The exit code, or None while it runs (negative: stopped by that signal)."""
        return self.process.poll()

    def tail(self, n: int = 3) -> str:
        """Return its last ``n`` lines worth reading (not blank, not a result, not TF's log)."""
        useful = [line for line in self.lines if line.strip()
                  and not line.startswith((RESULT_PREFIX, "I0000", "W0000"))]  # fmt: skip
        return " | ".join(useful[-n:]) or _("(no output)")


def start(argv: Sequence[Any], env: dict[str, str] | None = None, *,
          on_line: Callable[[str], None] | None = None) -> Child:  # fmt: skip
    """Start ``argv`` as a child process; every line it writes goes to ``on_line`` too.

    Parameters
    ----------
    argv : sequence
        The command (items are passed as text), e.g. ``[sys.executable, "worker_code.py"]``.
    env : dict, optional
        Its environment (default: this one's; see :func:`child_env`).
    on_line : callable, optional
        Called with each line of its output (standard output and error), as it comes.
    """
    return Child(argv, env, on_line)


def wait_all(children: Sequence[Child], timeout: float) -> Child | None:
    """Wait until every child has exited; return the first that failed, or None.

    Whatever ends the wait (a child failing, the time-out, Ctrl-C), no child is left running
    when this returns or raises.

    Raises
    ------
    TimeoutError
        Some child still ran after ``timeout`` seconds.
    """
    deadline = time.perf_counter() + timeout
    try:
        while True:
            codes = [child.returncode for child in children]
            failed = next((c for c, code in zip(children, codes, strict=True)
                           if code not in (None, 0)), None)  # fmt: skip
            if failed is not None or all(code == 0 for code in codes):
                return failed
            if time.perf_counter() > deadline:
                raise TimeoutError(_("did not finish within {timeout:g} s").format(timeout=timeout))
            time.sleep(0.02)
    finally:
        stop_all(children)


def stop_all(children: Sequence[Child]) -> None:
    """Stop every child still running (SIGTERM, then SIGKILL after :data:`GRACE_S`)."""
    for child in children:
        if child.returncode is None:
            _signal(child, signal.SIGTERM)
    for child in children:
        try:
            child.process.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            _signal(child, signal.SIGKILL)
            child.process.wait(timeout=GRACE_S)
        child._reader.join(timeout=GRACE_S)  # every line it wrote is in child.lines now


def _signal(child: Child, sig: int) -> None:
    try:
        os.killpg(child.pid, sig)  # the group: what the child started stops too
    except (ProcessLookupError, PermissionError):
        child.process.send_signal(sig)


def result_of(child: Child) -> dict[str, Any]:
    """Return the child's last result line as a dict, or ``{"ok": False, "error": why}``.

    ``why`` names the exit code and quotes the child's last lines.
    """
    for line in reversed(child.lines):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    return {"ok": False, "error": _("the child exited with code {code}: {lines}").format(
        code=child.returncode, lines=child.tail())}


def run(argv: Sequence[Any], *, timeout: float,
        env: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Run one child to its end and return :func:`result_of` it (a time-out is a failure too).

    A Ctrl-C stops the child and is raised again.
    """
    child = start(argv, env)
    try:
        wait_all([child], timeout)
    except TimeoutError:
        return {"ok": False, "error": _("timed out after {timeout:g} s").format(timeout=timeout)}
    return result_of(child)
