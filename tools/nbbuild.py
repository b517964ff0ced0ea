"""Write a course notebook from a compact list of cells (maintainers' tool).

Usage from another script::

    write_notebook(path, title, [("md", text), ("code", src), ("code", src, ["parameters"])])

The header (title, Colab badge, set-up cell) is the same in every notebook; tests check it.
After a release (a new ``version`` in pyproject.toml), point every notebook's set-up cell at it::

    python tools/nbbuild.py --refresh-setup notebooks/*.ipynb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from project import version

REPO = "neurona-course/neurona"
# Colab installs the release tagged for this version, never whatever main holds that day.
RELEASE = f"v{version()}"

SETUP = f'''# Set-up: on Colab, or anywhere the kit is not installed yet, this installs it.
try:
    import neurona as nr
except ImportError:
    import importlib
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "neurona @ git+https://github.com/{REPO}@{RELEASE}"], check=True)
    importlib.invalidate_caches()  # let this running Python see the newly installed package
    import neurona as nr'''


def colab_badge(name: str) -> str:
    """Return the markdown of an "Open in Colab" badge for ``notebooks/<name>``."""
    url = f"https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{name}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def write_notebook(path: str | Path, title_md: str, cells: list[tuple]) -> None:
    """Write a notebook: title with badge, the set-up cell, then ``cells``, without outputs."""
    path = Path(path)
    nb = new_notebook()
    nb.cells.append(new_markdown_cell(title_md.strip() + "\n\n" + colab_badge(path.name)))
    nb.cells.append(new_code_cell(SETUP))
    for kind, text, *tags in cells:
        cell = new_markdown_cell(text.strip()) if kind == "md" else new_code_cell(text.strip())
        if tags:
            cell.metadata["tags"] = tags[0]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{path.stem[:2]}-{index:03d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)


def refresh_setup(path: str | Path) -> bool:
    """Make the set-up cell (the second cell) of notebook ``path`` read ``SETUP``.

    Cell ids, metadata and every other cell stay as they are. Returns whether the file changed.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    cell = nb.cells[1] if len(nb.cells) > 1 else None
    if cell is None or cell.cell_type != "code" or not cell.source.startswith("# Set-up:"):
        raise ValueError(f"{path}: the second cell is not a set-up cell (code starting "
                         "'# Set-up:'); nothing was changed")
    if cell.source == SETUP:
        return False
    cell.source = SETUP
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--refresh-setup NOTEBOOK...`` rewrites the notebooks' set-up cells."""
    parser = argparse.ArgumentParser(description="Maintainers' notebook tool.")
    parser.add_argument("--refresh-setup", nargs="+", metavar="NOTEBOOK", required=True,
                        help=f"make the set-up cell of each notebook install {RELEASE}")
    args = parser.parse_args(argv)
    for path in args.refresh_setup:
        try:
            changed = refresh_setup(path)
        except (OSError, ValueError) as error:
            print(f"nbbuild: {error}", file=sys.stderr)
            return 1
        print(f"{path}: {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
