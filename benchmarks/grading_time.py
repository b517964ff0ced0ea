"""How long nbgrader takes to autograde a submission of each notebook, and that it scores right.

    .venv/bin/python benchmarks/grading_time.py [NN ...] [--full] [--json out.json]

For each notebook (all, or those numbered NN), three submissions are graded with
``course/grade.py``'s autograde, the instructors' command: the blank student copy, the student copy
with every answer filled in as the solution writes it, and one with only the first exercise filled
in. It prints the seconds per submission (nbgrader's set-up, then executing the notebook in quick
mode, or full mode with ``--full``) and the points each earned out of the maximum: 0, all, and the
first exercise's points. Run it on a quiet machine: the times are the notebook's execution time plus
a few seconds of nbgrader.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import grade  # noqa: E402


def measure(path: Path, full: bool) -> dict:
    """Grade three submissions of one notebook; return the seconds and the points."""
    solution = nbformat.read(path, as_version=4)
    student = nbformat.read(grade.NOTEBOOKS / path.name, as_version=4)
    items = grade.graded_items(solution, path.name)
    first = [item for item in items if item.kind == "exercise"][:1]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        submissions = {"blank": student,
                       "full": grade.answered_copy(student, solution, [i.answer_id for i in items]),
                       "one": grade.answered_copy(student, solution, [i.answer_id for i in first])}
        for who, nb in submissions.items():
            (folder / "in" / who).mkdir(parents=True)
            nbformat.write(nb, folder / "in" / who / path.name)
        start = time.perf_counter()
        rows = grade.autograde(folder / "in", workdir=folder / "work", full=full)
        seconds = time.perf_counter() - start
    scores = {row["student"]: row["score"] for row in rows}
    return {"notebook": path.stem, "seconds_per_submission": seconds / 3,
            "max_score": rows[0]["max_score"], "blank": scores["blank"], "full": scores["full"],
            "one_exercise": scores["one"], "first_exercise_points": first[0].points}


def main() -> None:
    """Command line: time the grading of each chosen notebook and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook numbers, e.g. 00 08 (default: all)")
    parser.add_argument("--full", action="store_true", help="grade in full mode")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    rows = []
    for path in grade.solution_notebooks(args.only or None):
        row = measure(path, args.full)
        rows.append(row)
        print(f"{row['notebook']:<24} {row['seconds_per_submission']:6.1f} s per submission; "
              f"blank {row['blank']:g}, full {row['full']:g}, first exercise only "
              f"{row['one_exercise']:g} (of {row['max_score']:g}; that exercise is worth "
              f"{row['first_exercise_points']})", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
