"""Write a course notebook from a compact list of cells (maintainers' tool).

Usage from another script::

    write_notebook(path, title, [("md", text), ("code", src), ("code", src, ["parameters"])])

The header (title, Colab badge, set-up cell) is the same in every notebook; tests check it.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = "neurona-course/neurona"

SETUP = f'''# Set-up: on Colab, or anywhere the kit is not installed yet, this installs it.
try:
    import neurona as nr
except ImportError:
    import importlib
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "neurona @ git+https://github.com/{REPO}"], check=True)
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
