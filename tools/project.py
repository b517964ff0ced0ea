"""What the maintainers' tools read from ``pyproject.toml``: one reader for all of them."""

from __future__ import annotations

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest depends on tomli there, the same parser
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def pyproject() -> dict:
    """Return the parsed ``pyproject.toml`` of this checkout."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)


def version() -> str:
    """Return the kit's version, ``[project] version`` of ``pyproject.toml`` (e.g. ``"0.1.0"``)."""
    return pyproject()["project"]["version"]
