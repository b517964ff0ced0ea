"""The one child-process protocol of bench and distributed, on tiny children (no TensorFlow)."""

import os
import signal
import sys
import textwrap
import threading
import time

import psutil
import pytest

from neurona import processes


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` has ended, waiting up to ``within`` s for a signal to act."""
    deadline = time.monotonic() + within
    while True:
        try:
            if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def test_the_result_line_is_read_back_and_every_line_is_streamed():
    seen = []
    child = processes.start(python("""
        import sys
        from neurona import processes
        print("working")
        print("a warning", file=sys.stderr, flush=True)
        processes.report({"loss": 0.25, "steps": [1, 2]})
        """), on_line=seen.append)  # fmt: skip
    assert processes.wait_all([child], timeout=60) is None
    assert processes.result_of(child) == {"ok": True, "loss": 0.25, "steps": [1, 2]}
    assert seen[:2] == ["working", "a warning"]  # standard error merged, in order
    assert seen[-1].startswith(processes.RESULT_PREFIX) and child.lines == seen


def test_a_child_without_a_result_gives_a_failure_with_its_exit_code_and_last_lines():
    result = processes.run(python("""
        import sys
        print("step 1")
        print("", flush=True)
        sys.stderr.write("out of luck\\n")
        sys.exit(3)
        """), timeout=60)  # fmt: skip
    assert result == {"ok": False, "error": "the child exited with code 3: step 1 | out of luck"}


def test_an_exception_in_a_served_child_is_a_result_with_ok_false_and_exit_code_1():
    child = processes.start(python("""
        import sys
        from neurona import processes
        def work():
            raise ValueError("batch_size must be positive, got -1")
        sys.exit(processes.serve(work, fallback={"job": "demo"}))
        """))  # fmt: skip
    processes.wait_all([child], timeout=60)
    assert child.returncode == 1
    error = "ValueError: batch_size must be positive, got -1"
    assert processes.result_of(child) == {"ok": False, "job": "demo", "error": error}
    served = processes.start(python("""
        import sys
        from neurona import processes
        sys.exit(processes.serve(lambda: {"answer": 42}))
        """))  # fmt: skip
    assert processes.wait_all([served], timeout=60) is None
    assert processes.result_of(served) == {"ok": True, "answer": 42}


SLEEPER = """
    import subprocess, sys, time
    # A grandchild too: stopping a child stops its whole process group.
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print(grandchild.pid, flush=True)
    time.sleep(120)
    """


def started_sleepers(n: int) -> tuple[list, list[int]]:
    children = [processes.start(python(SLEEPER)) for _ in range(n)]
    for child in children:  # wait for each grandchild's pid
        for _ in range(500):
            if child.lines:
                break
            threading.Event().wait(0.02)
    return children, [int(child.lines[0]) for child in children]


def test_a_time_out_stops_every_child_and_what_they_started():
    children, grandchildren = started_sleepers(2)
    with pytest.raises(TimeoutError, match="did not finish within 0.5 s"):
        processes.wait_all(children, timeout=0.5)
    assert all(child.returncode == -signal.SIGTERM for child in children)
    assert all(gone(pid) for pid in grandchildren)
    result = processes.run(python("import time; time.sleep(120)"), timeout=0.5)
    assert result == {"ok": False, "error": "timed out after 0.5 s"}


def test_one_failing_child_stops_the_others():
    children, _ = started_sleepers(2)
    failing = processes.start(python("import sys, time; time.sleep(0.3); sys.exit('crashed')"))
    failed = processes.wait_all([*children, failing], timeout=60)
    assert failed is failing and failing.returncode == 1 and failing.tail() == "crashed"
    assert all(child.returncode == -signal.SIGTERM for child in children)


def test_ctrl_c_stops_every_child_and_is_raised_again():
    # Python's own Ctrl-C handler, whatever an earlier test in this worker process left.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        children, grandchildren = started_sleepers(2)
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            processes.wait_all(children, timeout=60)
        timer.join()
    finally:
        signal.signal(signal.SIGINT, before)
    assert all(child.returncode is not None for child in children)
    assert all(gone(pid) for pid in grandchildren)


def test_a_child_that_ignores_sigterm_is_killed(monkeypatch):
    monkeypatch.setattr(processes, "GRACE_S", 0.5)
    stubborn = processes.start(python("""
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ready", flush=True)
        time.sleep(120)
        """))  # fmt: skip
    while not stubborn.lines:
        threading.Event().wait(0.02)
    with pytest.raises(TimeoutError):
        processes.wait_all([stubborn], timeout=0.2)
    assert stubborn.returncode == -signal.SIGKILL


def test_child_env_drops_the_inherited_backend(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    monkeypatch.setenv("TF_CONFIG", "{}")
    env = processes.child_env(TF_CONFIG=None, OMP_NUM_THREADS=2)
    assert "KERAS_BACKEND" not in env and "TF_CONFIG" not in env
    assert env["OMP_NUM_THREADS"] == "2" and env["PATH"] == os.environ["PATH"]
