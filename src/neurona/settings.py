"""Course-wide settings read from the environment: quick mode, offline mode, where data is kept.

Everything here is cheap to import and imports nothing heavy. A setting with a value the kit
cannot read is never fatal: it gets one line (:func:`notice`) that names the allowed values,
and the safe default applies.
"""

from __future__ import annotations

import os
from pathlib import Path

from neurona.i18n import N_, _

__all__ = ["quick_mode", "cache_dir", "strict_mode"]

QUICK_ENV = "NEURONA_QUICK"
OFFLINE_ENV = "NEURONA_OFFLINE"
STRICT_ENV = "NEURONA_STRICT"
CACHE_ENV = "NEURONA_CACHE"
DATA_DIRS_ENV = "NEURONA_DATA_DIRS"

# Debian's dataset-* packages put real datasets here (IDX files, gzipped).
SYSTEM_DATA_DIRS = ("/usr/share/datasets",)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")

# Each distinct complaint is printed once per process: a setting read in a loop must not
# fill the notebook with the same line.
_SAID: set[str] = set()


def notice(message: str, *, once: bool = False) -> None:
    """Print one line to the student, prefixed with the kit's name.

    Parameters
    ----------
    message : str
        The line, without the prefix.
    once : bool
        Print it only the first time in this process (for settings that are read often).

    Examples
    --------
    >>> notice("using scikit-learn's digits instead")
    neurona: using scikit-learn's digits instead

    The line is given in the kit's language: ``notice(_("...").format(...))``.
    """
    if once:
        if message in _SAID:
            return
        _SAID.add(message)
    print(f"neurona: {message}", flush=True)


def _switch(name: str, on: str, off: str) -> bool:
    """Read an on/off variable; ``on`` and ``off`` name the two modes (marked ``N_``)."""
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        notice(
            _("{name}={raw!r} is not understood; use 1 (or true, yes, on) for {on}, "
              "0 (or false, no, off, or unset) for {off}. Going on with {off}.").format(
                name=name, raw=raw, on=_(on), off=_(off)),
            once=True,
        )
    return False


def quick_mode() -> bool:
    """Whether the course runs in quick mode (``NEURONA_QUICK=1``).

    Quick mode shrinks data and epochs so that the test suite can execute every
    notebook in a few minutes. Students run the full mode. A value that is neither on
    nor off (``NEURONA_QUICK=maybe``) gets one line saying so, and the full mode applies.

    Returns
    -------
    bool
        True when ``NEURONA_QUICK`` is ``1``, ``true``, ``yes`` or ``on``.

    Examples
    --------
    >>> EPOCHS = 1 if quick_mode() else 10
    """
    return _switch(QUICK_ENV, N_("quick mode"), N_("full mode"))


def strict_mode() -> bool:
    """Whether self-checks are graded (``NEURONA_STRICT=1``): a wrong or missing answer raises.

    Students never need it: their checks print one line and go on. An autograder sets it
    (``course/grade.py`` does), so that a failed check fails the grader's test cell, and the
    test suite sets it when it runs the solution notebooks, so that every check must pass.

    Returns
    -------
    bool
        True when ``NEURONA_STRICT`` is ``1``, ``true``, ``yes`` or ``on``.

    Examples
    --------
    >>> strict_mode() in (True, False)
    True
    """
    return _switch(STRICT_ENV, N_("strict (graded) checks"), N_("self-checks that never raise"))


def offline() -> bool:
    """Whether this machine is to behave as a fresh, offline one (``NEURONA_OFFLINE=1``).

    Offline mode hides every local copy of the datasets (the kit's cache,
    ``NEURONA_DATA_DIRS``, ``/usr/share/datasets`` and Keras's folder) and forbids downloads,
    so that the offline fallbacks can be tried on any machine: what a student sees on a
    laptop with no network and nothing installed but the kit.

    Returns
    -------
    bool
        True when ``NEURONA_OFFLINE`` is ``1``, ``true``, ``yes`` or ``on``.

    Examples
    --------
    >>> offline() in (True, False)
    True
    """
    return _switch(OFFLINE_ENV, N_("a fresh offline machine"),
                   N_("the data and network this machine has"))


def cache_dir() -> Path:
    """Return the folder where the kit keeps downloaded datasets.

    ``NEURONA_CACHE`` wins; otherwise ``$XDG_CACHE_HOME/neurona`` or ``~/.cache/neurona``.
    The folder is created on first use by whoever writes to it. In offline mode
    (:func:`offline`) the loaders do not read it.
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "neurona"


def data_search_dirs() -> list[Path]:
    """Folders searched for datasets that are already on this machine.

    ``NEURONA_DATA_DIRS`` (``os.pathsep``-separated, e.g. a shared folder on a JupyterHub)
    comes first, then the system folders such as Debian's ``/usr/share/datasets``, then
    Keras's own download folder, so that data fetched earlier by Keras is reused. An entry
    of ``NEURONA_DATA_DIRS`` that is a file or does not exist gets one line and is skipped.
    In offline mode (:func:`offline`) the list is empty.
    """
    if offline():
        return []
    extra = os.environ.get(DATA_DIRS_ENV, "")
    dirs = []
    for entry in (p.strip() for p in extra.split(os.pathsep)):
        if not entry:
            continue
        path = Path(entry).expanduser()
        if path.is_dir():
            dirs.append(path)
            continue
        if path.exists():
            problem = _("{variable} names {entry!r}, which is a file, not a folder; skipping it.")
        else:
            problem = _("{variable} names {entry!r}, which does not exist; skipping it.")
        notice(
            problem.format(variable=DATA_DIRS_ENV, entry=entry) + " "
            + _("{variable} lists folders separated by {separator!r}, each holding "
                "dataset folders such as fashion-mnist/.").format(
                variable=DATA_DIRS_ENV, separator=os.pathsep),
            once=True,
        )
    dirs += [Path(p) for p in SYSTEM_DATA_DIRS]
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    dirs.append(Path(keras_home).expanduser() / "datasets")
    return dirs
