"""Write student versions of the course notebooks: solution blocks removed, outputs cleared.

python course/solutions/make_student_version.py notebooks/ student-notebooks/
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat

BLOCK = re.compile(r"[ \t]*### BEGIN SOLUTION\n.*?[ \t]*### END SOLUTION\n?", re.DOTALL)


def strip_solutions(source: str) -> str:
    """Remove every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block from cell source."""
    if source.count("### BEGIN SOLUTION") != source.count("### END SOLUTION"):
        raise ValueError("unbalanced solution markers")
    return BLOCK.sub("", source)


def convert(src: Path, dst: Path) -> int:
    """Convert one notebook; returns the number of solution blocks removed."""
    nb = nbformat.read(src, as_version=4)
    removed = 0
    for cell in nb.cells:
        removed += cell.source.count("### BEGIN SOLUTION")
        cell.source = strip_solutions(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return removed


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a notebook or a folder of notebooks")
    parser.add_argument("target", type=Path, help="where to write the student versions")
    args = parser.parse_args()
    paths = [args.source] if args.source.is_file() else sorted(args.source.glob("*.ipynb"))
    for path in paths:
        target = args.target / path.name if args.target.suffix != ".ipynb" else args.target
        print(f"{path.name}: {convert(path, target)} solutions removed -> {target}")


if __name__ == "__main__":
    main()
