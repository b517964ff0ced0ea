"""neurona.startup: one import hook quiets a module's start-up log and applies the settings
waiting for it, in that order; a fake module stands in for TensorFlow, and a fresh process
checks both effects on the real one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from neurona import startup

FAKE = "neurona_fake_framework"


@pytest.fixture
def fake_framework(tmp_path, monkeypatch):
    """A module that writes start-up noise and a real warning to file descriptor 2."""
    (tmp_path / f"{FAKE}.py").write_text(textwrap.dedent("""
        import os
        os.write(2, b"fake noise: registering factories\\n")
        os.write(2, b"a real warning\\n")
        threads = "default"
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    # Only this test's hook: the real one (waiting for TensorFlow, if any) is put back after.
    monkeypatch.setattr(sys, "meta_path",
                        [f for f in sys.meta_path if not isinstance(f, startup._ImportHook)])
    monkeypatch.setattr(startup, "_QUIET", {})
    monkeypatch.setattr(startup, "_AFTER_IMPORT", {})
    yield FAKE
    sys.modules.pop(FAKE, None)


def hooks() -> list:
    return [f for f in sys.meta_path if isinstance(f, startup._ImportHook)]


def test_one_hook_quiets_the_import_then_applies_the_waiting_settings(fake_framework, capfd):
    seen = []

    def threads(module):
        seen.append(module.threads)  # the module's own code has run
        os.write(2, b"fake noise: set by the setting\n")  # still inside the quiet part
        module.threads = 2

    startup.quiet_import(fake_framework, re.compile("fake noise"))
    startup.after_import(fake_framework, "threads", lambda module: None)
    startup.after_import(fake_framework, "threads", threads)  # the same key replaces
    assert len(hooks()) == 1 and list(startup.waiting(fake_framework)) == ["threads"]

    module = __import__(fake_framework)

    assert seen == ["default"] and module.threads == 2
    err = capfd.readouterr().err
    assert "a real warning" in err and "fake noise" not in err
    assert hooks() == [] and startup.waiting(fake_framework) == {}  # done: the hook is gone


def test_settings_alone_leave_stderr_alone(fake_framework, capfd):
    startup.after_import(fake_framework, "threads", lambda module: setattr(module, "threads", 1))
    assert __import__(fake_framework).threads == 1
    assert "fake noise" in capfd.readouterr().err  # nobody asked for quiet
    assert hooks() == []


def test_the_hook_ignores_other_modules_and_a_look_without_import(fake_framework):
    import importlib.util

    startup.after_import(fake_framework, "threads", lambda module: None)
    assert hooks()[0].find_spec("json", None) is None
    assert importlib.util.find_spec(fake_framework) is not None  # looked up, not imported
    assert len(hooks()) == 1 and "threads" in startup.waiting(fake_framework)


def test_an_imported_module_is_not_quieted_again(fake_framework):
    __import__(fake_framework)
    startup.quiet_import(fake_framework, re.compile("."))
    assert hooks() == []


def test_real_tensorflow_starts_quiet_with_the_threads_chosen_before():
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_NUM_INTRAOP_THREADS",
                                "TF_NUM_INTEROP_THREADS")}  # fmt: skip
    code = textwrap.dedent("""
        import neurona as nr
        nr.set_threads(1, 1)
        import tensorflow as tf
        threading = tf.config.threading
        print(threading.get_intra_op_parallelism_threads(),
              threading.get_inter_op_parallelism_threads())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=environment, timeout=180, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "1 1"
    assert done.stderr.strip() == "", done.stderr
