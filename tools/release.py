"""The release the notebooks install on Colab, and the tool that points them at it (maintainers).

Every notebook's second cell is the same set-up cell, ``SETUP``: on Colab, or anywhere the kit is
not installed yet, it installs the release tagged for ``version`` in pyproject.toml (tests check
it). After a release, point every notebook's set-up cell at the new tag::

    python tools/release.py --refresh-setup course/solutions/*.ipynb
    python course/grade.py notebooks      # the students' copies in notebooks/ follow
    python tools/translations.py build    # and the Spanish ones in notebooks/es/

The notebooks are edited in ``course/solutions/`` (in JupyterLab, or with nbformat in a script);
``course/grade.py notebooks`` generates the students' copies from them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
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

# The Spanish notebooks' set-up cell (tools/translations.py writes it): the same code, then the
# kit's language.
SETUP_ES = f'''# Preparación: en Colab, o donde el kit aún no esté instalado, esto lo instala.
try:
    import neurona as nr
except ImportError:
    import importlib
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "neurona @ git+https://github.com/{REPO}@{RELEASE}"], check=True)
    importlib.invalidate_caches()  # que este Python, ya en marcha, vea el paquete recién instalado
    import neurona as nr
nr.set_language("es")  # el kit en español: paneles, mensajes, tablas y gráficas'''


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
            print(f"release: {error}", file=sys.stderr)
            return 1
        print(f"{path}: {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
