"""Shared test set-up: headless plotting, a private dataset cache, quiet TensorFlow, screenshots,
the kit in Spanish for one test, notebook 11's timed code."""

from __future__ import annotations

import os

# Before anything imports matplotlib or TensorFlow.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A fresh, empty dataset cache for this test only."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("NEURONA_CACHE", str(cache))
    return cache


@pytest.fixture
def spanish():
    """The kit in Spanish for one test, English again after it."""
    from neurona import i18n

    i18n.set_language("es")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def timed(tmp_path_factory):
    """Notebook 11's timed_code.py, written and imported as the notebook does."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from notebook_code import written_module

    return written_module("11", "timed_code.py", tmp_path_factory.mktemp("notebook11"))


@pytest.fixture(scope="module")
def code(timed):
    """The path of notebook 11's timed_code.py (what nr.bench.Config(code=...) takes)."""
    from pathlib import Path

    return str(Path(timed.__file__).resolve())


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a network connection fails, as on a machine that is offline."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test (no_network fixture)")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def pytest_terminal_summary(terminalreporter):
    """List the browser test's screenshots at the end of the run, where CI logs show them.

    Here rather than in tests/browser: with ``make test``'s workers (pytest-xdist) only this
    conftest is loaded by the process that prints the summary.
    """
    shots = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            shots += [value for name, value in report.user_properties if name == "screenshot"]
    if shots:
        terminalreporter.section("browser screenshots")
        for path in shots:
            terminalreporter.line(str(path))
