"""Course material: student versions without solutions still parse and keep the exercises."""

import ast
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course" / "solutions"))
from make_student_version import strip_solutions  # noqa: E402


def test_strip_solutions_keeps_the_blank_and_the_check():
    source = (
        "answer = ...\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n"
        "assert answer == 42, 'Hint'\n"
    )
    assert strip_solutions(source) == "answer = ...\nassert answer == 42, 'Hint'\n"


def test_student_versions_of_every_notebook(tmp_path):
    script = ROOT / "course" / "solutions" / "make_student_version.py"
    result = subprocess.run([sys.executable, str(script), str(ROOT / "notebooks"), str(tmp_path)],
                            capture_output=True, text=True, check=True)
    assert "solutions removed" in result.stdout
    for path in tmp_path.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "BEGIN SOLUTION" not in cell.source
            if cell.cell_type == "code" and not cell.source.lstrip().startswith("%"):
                ast.parse("\n".join(line for line in cell.source.splitlines()
                                    if not line.lstrip().startswith("%")))


def test_every_notebook_has_an_instructor_page():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert (ROOT / "course" / "instructor" / f"{path.stem}.md").exists(), path.name
