"""The course's exercises for students and for the grader: the student release and autograding.

One source: ``course/solutions/NN_name.ipynb`` is each notebook with its solutions. The copy in
``notebooks/`` that students open is generated from it, without the solutions; graded cells carry
nbgrader's metadata, derived from the notebook itself. Instructors run::

    .venv/bin/python course/grade.py release [OUT]          # the student notebooks, in OUT
    .venv/bin/python course/grade.py autograde SUBMISSIONS  # grade a folder of submissions

``SUBMISSIONS`` holds one folder per student, named by the student's id, with the notebooks they
handed in under their course names (``SUBMISSIONS/alice/08_cnn.ipynb``). ``autograde`` runs
nbgrader (https://nbgrader.readthedocs.io) offline in a working folder of its own: each submission
is executed with the checks in graded mode (``NEURONA_STRICT=1``: a wrong or missing answer fails
its check cell) and in quick mode unless ``--full``; it prints every student's points and writes
them, check by check, to ``grades.csv``. Maintainers, after editing a notebook in
``course/solutions/``::

    .venv/bin/python course/grade.py notebooks               # regenerate notebooks/
    .venv/bin/python tools/translations.py check             # the Spanish copies: what is stale
    .venv/bin/python tools/translations.py build             # regenerate notebooks/es/

``notebooks/es/`` is the Spanish edition, built from ``notebooks/`` and the translations in
``course/es/catalogues/`` (tools/translations.py); nothing here reads or writes it.

How a notebook marks what is graded
-----------------------------------
An **answer cell** is a code cell with a ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block;
its first line names its points, ``# Exercise 2 (2 points). ...`` or ``# Question 1 (1 point)``.
The next code cell is its **check cell**, which calls ``nr.check`` and is the grader's test. In
the students' copy the block is gone (the ``answer = ...`` line above it stays), outputs are
cleared and check cells cannot be edited or deleted.
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "course" / "solutions"
NOTEBOOKS = ROOT / "notebooks"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BLOCK = re.compile(r"[ \t]*### BEGIN SOLUTION\n.*?[ \t]*### END SOLUTION\n?", re.DOTALL)
POINTS = re.compile(r"\((\d+) points?\)")
CHECK_CALL = re.compile(r"\bnr\.check\.(value|equal|shape|function|question|answered)\(")
NBGRADER_SCHEMA = 3


@dataclass(frozen=True)
class Graded:
    """One graded item of a notebook: its answer cell, its check cell and its points."""

    answer_id: str
    check_id: str
    points: int
    kind: str  # "exercise" or "question"


def solution_notebooks(only: list[str] | None = None) -> list[Path]:
    """Return the source notebooks, with solutions, in course order (``only``: those "NN")."""
    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if only is None or p.name[:2] in only]


def graded_items(nb: nbformat.NotebookNode, name: str = "notebook") -> list[Graded]:
    """Find every answer cell and its check cell; raise ValueError naming what is malformed."""
    items = []
    cells = nb.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            continue
        where = f"{name}, cell {cell.get('id')}"
        if cell.source.count(BEGIN) != cell.source.count(END):
            raise ValueError(f"{where}: unbalanced {BEGIN!r} / {END!r}")
        first = cell.source.lstrip().splitlines()[0]
        points = POINTS.search(first)
        if not points:
            raise ValueError(f"{where}: the answer cell's first line must give its points, "
                             f"e.g. '# Exercise 1 (2 points). ...'; it reads {first!r}")
        check = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
        if check is None or BEGIN in check.source or not CHECK_CALL.search(check.source):
            raise ValueError(f"{where}: the code cell after an answer cell must be its check "
                             "cell, calling nr.check (and holding no solution)")
        kind = "question" if "nr.check.question(" in check.source else "exercise"
        items.append(Graded(cell.id, check.id, int(points[1]), kind))
    return items


def with_grading_metadata(nb: nbformat.NotebookNode,
                          name: str = "notebook") -> nbformat.NotebookNode:
    """Return a copy of ``nb`` whose answer and check cells carry nbgrader's metadata.

    Answer cells are nbgrader *solution* cells; check cells are locked *autograder test* cells
    with the points of their answer cell; no other cell has nbgrader metadata.
    """
    nb = copy.deepcopy(nb)
    items = {item.answer_id: item for item in graded_items(nb, name)}
    checks = {item.check_id: item for item in items.values()}
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        if cell.get("id") in items:
            cell.metadata["nbgrader"] = {
                "grade": False, "grade_id": cell.id, "locked": False,
                "schema_version": NBGRADER_SCHEMA, "solution": True, "task": False,
            }
        elif cell.get("id") in checks:
            cell.metadata["nbgrader"] = {
                "grade": True, "grade_id": cell.id, "locked": True,
                "points": checks[cell.id].points, "schema_version": NBGRADER_SCHEMA,
                "solution": False, "task": False,
            }
    return nb


def strip_solutions(source: str) -> str:
    """Remove every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block from a cell's source."""
    if source.count(BEGIN) != source.count(END):
        raise ValueError("unbalanced solution markers")
    return BLOCK.sub("", source).rstrip("\n") if BEGIN in source else source


def student_version(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """Return the students' copy of a solution notebook: no solutions, no outputs, checks locked."""
    nb = with_grading_metadata(nb, name)
    for cell in nb.cells:
        cell.source = strip_solutions(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build_notebooks(write: bool = True, only: list[str] | None = None) -> list[str]:
    """Bring every source notebook's metadata and its student copy up to date.

    Returns the files that were (or, with ``write=False``, would be) changed: the tests call it
    with ``write=False`` so that a notebook edited in one place only is caught. ``only`` limits
    it to the notebooks with those "NN" prefixes.
    """
    changed = []
    sources = solution_notebooks(only)
    expected = {path.name for path in solution_notebooks()}
    for stale in sorted(NOTEBOOKS.glob("*.ipynb")):
        if stale.name not in expected:
            changed.append(str(stale.relative_to(ROOT)))
            if write:
                stale.unlink()
    for path in sources:
        nb = nbformat.read(path, as_version=4)
        for target, version in ((path, with_grading_metadata(nb, path.name)),
                                (NOTEBOOKS / path.name, student_version(nb, path.name))):
            text = _text(version)
            if not target.exists() or target.read_text() != text:
                changed.append(str(target.relative_to(ROOT)))
                if write:
                    target.write_text(text)
    return changed


def answered_copy(student: nbformat.NotebookNode, solution: nbformat.NotebookNode,
                  answer_ids: list[str]) -> nbformat.NotebookNode:
    """Return the students' copy with the answer cells ``answer_ids`` filled in as the solution.

    What a student who answered those items right hands in: the tests and
    ``benchmarks/grading_time.py`` grade such copies.
    """
    nb = copy.deepcopy(student)
    solved = {cell.id: cell.source for cell in solution.cells}
    for cell in nb.cells:
        if cell.id in answer_ids:
            cell.source = "\n".join(line for line in solved[cell.id].splitlines()
                                    if line.strip() not in (BEGIN, END))
    return nb


def release(out: Path) -> list[Path]:
    """Write the student notebooks into ``out`` (what students get), and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in solution_notebooks():
        target = out / path.name
        target.write_text(_text(student_version(nbformat.read(path, as_version=4), path.name)))
        written.append(target)
    return written


# -- autograding with nbgrader -------------------------------------------------------------------

NBGRADER_CONFIG = """\
c = get_config()  # noqa: F821 - nbgrader's configuration namespace
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db!r}
c.Execute.timeout = {timeout}
c.Execute.allow_errors = True
"""


def submissions(folder: Path) -> dict[str, list[Path]]:
    """Return ``{student: [their notebooks]}`` from ``folder/<student>/<NN_name>.ipynb``.

    Raises ValueError when the folder holds nothing to grade, or a notebook whose name is not
    one of the course's (the message lists them).
    """
    known = {path.name for path in solution_notebooks()}
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of submissions (one folder per student)")
    for student in sorted(p for p in folder.iterdir() if p.is_dir()):
        for path in sorted(student.glob("*.ipynb")):
            if path.name not in known:
                raise ValueError(f"{path}: not a course notebook; hand in one of: "
                                 f"{', '.join(sorted(known))}")
            found.setdefault(student.name, []).append(path)
    if not found:
        raise ValueError(f"{folder} holds no notebooks: put each student's notebooks in a folder "
                         "named by the student's id, e.g. alice/08_cnn.ipynb")
    return found


def autograde(folder: Path, workdir: Path | None = None, full: bool = False,
              timeout: int = 900) -> list[dict]:
    """Grade every submission in ``folder`` with nbgrader; return one row per student and notebook.

    Each row holds ``student``, ``notebook``, ``score``, ``max_score`` and one column per graded
    check (its cell id) with the points it earned. ``workdir`` keeps nbgrader's course folder
    (default: a temporary one, removed afterwards).
    """
    handed_in = submissions(folder)
    temporary = workdir is None
    root = Path(tempfile.mkdtemp(prefix="neurona-grading-")) if temporary else workdir
    root = root.resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(
            root=str(root), db=f"sqlite:///{root / 'gradebook.db'}", timeout=int(timeout)))
        # nbgrader runs its own tools (alembic) by name: they sit beside this Python
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        env = {**os.environ, "PATH": path, "NEURONA_STRICT": "1",
               "NEURONA_QUICK": "0" if full else "1"}
        assignments = sorted({path.stem for paths in handed_in.values() for path in paths})
        for assignment in assignments:
            source = root / "source" / assignment
            source.mkdir(parents=True, exist_ok=True)
            solution = nbformat.read(SOLUTIONS / f"{assignment}.ipynb", as_version=4)
            (source / f"{assignment}.ipynb").write_text(
                _text(with_grading_metadata(solution, assignment)))
            _nbgrader(["generate_assignment", assignment, "--force"], root, env)
        for student, paths in handed_in.items():
            for path in paths:
                target = root / "submitted" / student / path.stem
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target / path.name)
        for assignment in assignments:
            _nbgrader(["autograde", assignment, "--create", "--force"], root, env)
        return _scores(root, handed_in)
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)


def _nbgrader(arguments: list[str], root: Path, env: dict) -> None:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=root, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")


def _scores(root: Path, handed_in: dict[str, list[Path]]) -> list[dict]:
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for student, paths in handed_in.items():
            for path in paths:
                notebook = gradebook.find_submission_notebook(path.stem, path.stem, student)
                row = {"student": student, "notebook": path.stem,
                       "score": float(notebook.score), "max_score": float(notebook.max_score)}
                for grade in sorted(notebook.grades, key=lambda g: g.name):
                    row[grade.name] = float(grade.score)
                rows.append(row)
    return rows


def write_grades(rows: list[dict], path: Path) -> None:
    """Write the rows of :func:`autograde` to a CSV file, one column per graded check."""
    columns = ["student", "notebook", "score", "max_score"]
    columns += sorted({key for row in rows for key in row} - set(columns))
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``release``, ``autograde`` and (maintainers) ``notebooks``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    give = commands.add_parser("release", help="write the student notebooks (no solutions)")
    give.add_argument("out", nargs="?", type=Path, default=Path("release"),
                      help="folder to write them to (default: release)")
    grade = commands.add_parser("autograde", help="grade a folder of submitted notebooks")
    grade.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/<NN_name>.ipynb")
    grade.add_argument("--out", type=Path, default=Path("grades.csv"),
                       help="the CSV of points, check by check (default: grades.csv)")
    grade.add_argument("--workdir", type=Path, help="keep nbgrader's course folder here")
    grade.add_argument("--full", action="store_true",
                       help="run each submission in full mode (default: quick mode)")
    grade.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    build = commands.add_parser("notebooks",
                                help="maintainers: regenerate notebooks/ from the solutions")
    build.add_argument("only", nargs="*", help="only these notebooks, by number (e.g. 08 10)")
    args = parser.parse_args(argv)
    if args.command == "release":
        for path in release(args.out):
            print(f"{path.name} -> {path}")
    elif args.command == "autograde":
        try:
            rows = autograde(args.submissions, args.workdir, args.full, args.timeout)
        except ValueError as error:
            parser.error(str(error))
        write_grades(rows, args.out)
        for row in rows:
            print(f"{row['student']:>16}  {row['notebook']:<24} "
                  f"{row['score']:g} / {row['max_score']:g} points")
        print(f"check by check: {args.out}")
    else:
        changed = build_notebooks(only=args.only or None)
        print("\n".join(changed) if changed else "notebooks/ is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
