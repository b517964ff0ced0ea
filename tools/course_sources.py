"""The five sources of the course: one name and one full citation each (maintainers' tool).

Student-facing text names a source by its short name (``Torres (2018)``, ...), never by a
letter. Every notebook that names a source ends with a "Sources" cell that gives the full
citation of each source it names; this module writes that cell, and the tests check it::

    python tools/course_sources.py course/solutions/*.ipynb   # add or refresh the Sources cells
    python tools/course_sources.py --check course/solutions/*.ipynb  # exit 1 when missing or stale

``course/README.md`` carries the same citations (checked by the tests), and
``course/sources.md`` lists every claim the course makes about a source, with its section.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

SOURCES_URL = "https://github.com/neurona-course/neurona/blob/main/course/sources.md"
HEADING = "## Sources"


@dataclass(frozen=True)
class Source:
    """One source document: the short name used in the course and its full citation."""

    letter: str  # the project's internal label (reference notes, tables); never shown to students
    short: str  # how the course names it, in notebooks and instructor pages
    citation: str  # authors, title, kind, institution or publisher, year, licence

    @property
    def key(self) -> str:
        """What marks a mention of the source: the short name, less a leading "the "."""
        return self.short.removeprefix("the ")


SOURCES = (
    Source("A", "Torres (2018)",
           "Jordi Torres, *Deep Learning: Introducción práctica con Keras (primera parte)*, "
           "colección Watch This Space, Barcelona, 2018 (UPC Barcelona Tech; 3rd edition, "
           "June 2018), ISBN 978-1-983-12981-0. Licence: Creative Commons BY-NC-SA."),
    Source("B", "Coello de Portugal (2021)",
           "Diego Coello de Portugal Mecke, *Introducción al ML y redes neuronales*, Trabajo Fin "
           "de Grado (Grado en Matemáticas), Facultad de Ciencias Matemáticas, Universidad "
           "Complutense de Madrid, 2021; tutor Carlos Gregorio Rodríguez. No licence is stated "
           "in the text."),
    Source("C", "de los Reyes (2019)",
           "Álvaro de los Reyes Guío, *Análisis de rendimiento de autoencoders en entornos Big "
           "Data*, Trabajo Fin de Grado (Grado en Ingeniería de Sistemas de Comunicaciones), "
           "Universidad Carlos III de Madrid, July 2019; tutor Harold Yesid Molina Bulla. "
           "Licence: Creative Commons BY-NC-ND."),
    Source("D", "the Theano/TensorFlow/Keras study (2017)",
           "a final-year project comparing Theano, TensorFlow and Keras on fully connected and "
           "convolutional networks, on CPU (with and without multithreading) and GPU, 2017. The "
           "copy the course was built from names neither its author nor its institution, and "
           "states no licence."),
    Source("E", "Martín López (2019)",
           "Lorenzo Martín López, *Evaluación temporal del entrenamiento e inferencia de redes "
           "neuronales sobre plataformas hardware heterogéneas*, Trabajo de Fin de Máster "
           "(Máster en Internet de las Cosas), Facultad de Informática, Universidad Complutense "
           "de Madrid, September 2019; directors José Ignacio Gómez Pérez and Francisco Daniel "
           "Igual Peña. No licence is stated in the text."),
)
BY_LETTER = {source.letter: source for source in SOURCES}


def is_sources_cell(cell) -> bool:
    """Whether a notebook cell is the Sources cell."""
    return cell.cell_type == "markdown" and cell.source.startswith(HEADING)


def named_sources(nb) -> list[Source]:
    """Return the sources a notebook names by their short name, outside its Sources cell."""
    text = "\n".join(cell.source for cell in nb.cells if not is_sources_cell(cell))
    return [source for source in SOURCES if source.key in text]


def sources_cell(sources: list[Source]) -> str:
    """Return the text of the Sources cell for these sources."""
    lines = [HEADING, ""]
    lines += [f"- **{source.short}**: {source.citation}" for source in sources]
    lines += [
        "",
        "Their numbers were measured on their authors' machines with the libraries of their time;"
        " the numbers in this notebook's outputs are yours. Every claim the course makes about"
        f" these sources, with its section and a short quote, is listed in [course/sources.md]"
        f"({SOURCES_URL}).",
    ]
    return "\n".join(lines)


def expected_sources_cell(nb) -> str | None:
    """Return the Sources cell a notebook should end with, or None when it names no source."""
    sources = named_sources(nb)
    return sources_cell(sources) if sources else None


def refresh(path: Path, check: bool = False) -> bool:
    """Add, update or remove the notebook's Sources cell (its last cell); True when it changed."""
    nb = nbformat.read(path, as_version=4)
    expected = expected_sources_cell(nb)
    kept = [cell for cell in nb.cells if not is_sources_cell(cell)]
    current = [cell.source for cell in nb.cells if is_sources_cell(cell)]
    last_is_sources = bool(nb.cells) and is_sources_cell(nb.cells[-1])
    up_to_date = (current == [expected] and last_is_sources) if expected else not current
    if up_to_date or check:
        return not up_to_date
    nb.cells = kept
    if expected:
        cell = nbformat.v4.new_markdown_cell(expected)
        cell["id"] = f"{path.stem[:2]}-sources"  # ids are "NN-..." in every notebook
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Refresh (or with --check, verify) the Sources cell of each notebook given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    changed = [path for path in args.notebooks if refresh(path, check=args.check)]
    for path in changed:
        print(f"{path}: Sources cell {'is missing or stale' if args.check else 'updated'}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
