"""Course-wide settings read from the environment: quick mode and where data is kept.

Everything here is cheap to import and imports nothing heavy.
"""

from __future__ import annotations

import os
from pathlib import Path

QUICK_ENV = "NEURONA_QUICK"
CACHE_ENV = "NEURONA_CACHE"
DATA_DIRS_ENV = "NEURONA_DATA_DIRS"

# Debian's dataset-* packages put real datasets here (IDX files, gzipped).
SYSTEM_DATA_DIRS = ("/usr/share/datasets",)


def quick_mode() -> bool:
    """Whether the course runs in quick mode (``NEURONA_QUICK=1``).

    Quick mode shrinks data and epochs so that the test suite can execute every
    notebook in a few minutes. Students run the full mode.

    Returns
    -------
    bool
        True when the environment variable ``NEURONA_QUICK`` is ``1``, ``true`` or ``yes``.

    Examples
    --------
    >>> EPOCHS = 1 if quick_mode() else 10
    """
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def cache_dir() -> Path:
    """Return the folder where the kit keeps downloaded datasets.

    ``NEURONA_CACHE`` wins; otherwise ``$XDG_CACHE_HOME/neurona`` or ``~/.cache/neurona``.
    The folder is created on first use by whoever writes to it.
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
    Keras's own download folder, so that data fetched earlier by Keras is reused.
    """
    extra = os.environ.get(DATA_DIRS_ENV, "")
    dirs = [Path(p).expanduser() for p in extra.split(os.pathsep) if p.strip()]
    dirs += [Path(p) for p in SYSTEM_DATA_DIRS]
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    dirs.append(Path(keras_home).expanduser() / "datasets")
    return dirs
