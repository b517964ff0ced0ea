"""The code a notebook teaches, read from the notebook, so that tests check the notebook's own code.

The lessons' networks, training loops and features live in notebook cells (students read and change
them there); the package only times, runs, plots and checks them. A test that needs that code takes
it from the committed notebook with these functions instead of keeping a second copy:

- :func:`source` gives one cell's text by its id;
- :func:`written_module` writes the body of a ``%%writefile NAME`` cell to a folder and imports it,
  exactly as the notebook's own run writes it for a child process;
- :func:`run_cells` executes chosen cells in a fresh namespace and returns it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def notebook(name: str) -> nbformat.NotebookNode:
    """Return the committed notebook whose file name starts with ``name`` (e.g. ``"09"``)."""
    found = sorted(NOTEBOOKS.glob(f"{name}*.ipynb"))
    if len(found) != 1:
        raise LookupError(f"expected one notebook starting with {name!r} in {NOTEBOOKS}, "
                          f"found {len(found)}")
    return nbformat.read(found[0], as_version=4)


def source(name: str, cell_id: str) -> str:
    """Return the source of the cell with id ``cell_id`` in notebook ``name``."""
    for cell in notebook(name).cells:
        if cell.get("id") == cell_id:
            return cell.source
    raise LookupError(f"notebook {name!r} has no cell with id {cell_id!r}")


def writefile_body(name: str, filename: str) -> str:
    """Return the text that notebook ``name``'s ``%%writefile filename`` cell writes."""
    for cell in notebook(name).cells:
        first, _, body = cell.source.partition("\n")
        if cell.cell_type == "code" and first.split() == ["%%writefile", filename]:
            return body if body.endswith("\n") else body + "\n"
    raise LookupError(f"notebook {name!r} has no '%%writefile {filename}' cell")


def written_module(name: str, filename: str, folder: Path) -> ModuleType:
    """Write notebook ``name``'s ``%%writefile filename`` cell into ``folder`` and import it.

    It is imported the way the kit imports such a file for a child process
    (:func:`neurona.bench.load_code`).
    """
    from neurona.bench import load_code

    path = Path(folder) / filename
    path.write_text(writefile_body(name, filename))
    return load_code(path)


def run_cells(name: str, cell_ids: list[str], namespace: dict | None = None) -> dict:
    """Execute the cells ``cell_ids`` of notebook ``name`` in order, in ``namespace``; return it.

    Lines that are IPython magics or shell escapes (``%``, ``!``) are skipped: the cells a test runs
    this way define functions, layers and models, and need none.
    """
    namespace = {} if namespace is None else namespace
    for cell_id in cell_ids:
        text = source(name, cell_id)
        lines = text.splitlines()
        code = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        exec(compile(code, f"<notebook {name} cell {cell_id}>", "exec"), namespace)  # noqa: S102
    return namespace
