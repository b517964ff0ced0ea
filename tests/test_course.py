"""Course material: the student release, autograding with nbgrader, and the instructor pages."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import grade  # noqa: E402


def test_strip_solutions_keeps_the_blank_and_the_function_stub():
    source = "answer = ...\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION"
    assert grade.strip_solutions(source) == "answer = ..."
    function = ("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
                "    raise NotImplementedError('write f')")
    assert grade.strip_solutions(function) == "def f(x):\n    raise NotImplementedError('write f')"
    with pytest.raises(ValueError, match="unbalanced"):
        grade.strip_solutions("### BEGIN SOLUTION\nx = 1")


def test_a_malformed_answer_cell_is_named():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("# Exercise 1. no points\nx = ...\n### BEGIN SOLUTION\nx = 1\n"
                                  "### END SOLUTION"),
        nbformat.v4.new_code_cell("nr.check.value(x, 1);"),
    ])
    with pytest.raises(ValueError, match="first line must give its points"):
        grade.graded_items(nb, "07_test.ipynb")
    nb.cells[0].source = nb.cells[0].source.replace("Exercise 1.", "Exercise 1 (2 points).")
    nb.cells[1].source = "print(x)"
    with pytest.raises(ValueError, match="must be its check cell"):
        grade.graded_items(nb, "07_test.ipynb")


def test_the_release_command_writes_every_student_notebook(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "course" / "grade.py"), "release",
                             str(tmp_path)], capture_output=True, text=True, check=True)
    written = sorted(tmp_path.glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in grade.solution_notebooks()]
    assert result.stdout.count(" -> ") == len(written)
    for path in written:
        nb = nbformat.read(path, as_version=4)
        assert path.read_text() == (ROOT / "notebooks" / path.name).read_text()
        for cell in nb.cells:
            assert "BEGIN SOLUTION" not in cell.source
            if cell.metadata.get("nbgrader", {}).get("grade"):
                assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
            if cell.cell_type == "code":
                ast.parse("\n".join(line for line in cell.source.splitlines()
                                    if not line.lstrip().startswith(("%", "!"))))


def test_autograde_refuses_a_folder_it_cannot_grade(tmp_path):
    with pytest.raises(ValueError, match="holds no notebooks"):
        grade.submissions(tmp_path)
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "homework.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="not a course notebook; hand in one of: 00_start_here"):
        grade.submissions(tmp_path)


@pytest.mark.timeout(900)
def test_nbgrader_grades_a_blank_a_full_and_a_half_done_notebook(tmp_path, monkeypatch):
    """The real grader, offline: a blank copy earns 0, the solution every point, half of it half;
    the Spanish copy (notebooks/es/), answered in full, every point too."""
    monkeypatch.setenv("NEURONA_OFFLINE", "1")  # as on a fresh machine: no data, no network
    name = "00_start_here"
    solution = nbformat.read(grade.SOLUTIONS / f"{name}.ipynb", as_version=4)
    student = nbformat.read(grade.NOTEBOOKS / f"{name}.ipynb", as_version=4)
    items = grade.graded_items(solution, name)
    total = sum(item.points for item in items)
    half = [item for item in items if item.kind == "exercise"][:2]
    spanish = nbformat.read(grade.NOTEBOOKS / "es" / f"{name}.ipynb", as_version=4)
    submissions = {"blank": student,
                   "full": grade.answered_copy(student, solution, [i.answer_id for i in items]),
                   "half": grade.answered_copy(student, solution, [i.answer_id for i in half]),
                   "spanish": grade.answered_copy(spanish, solution, [i.answer_id for i in items])}
    for who, nb in submissions.items():
        (tmp_path / "in" / who).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "in" / who / f"{name}.ipynb")
    rows = grade.autograde(tmp_path / "in", workdir=tmp_path / "nbgrader")
    scores = {row["student"]: row for row in rows}
    assert {row["max_score"] for row in rows} == {total}
    assert scores["blank"]["score"] == 0
    assert scores["full"]["score"] == total
    assert scores["spanish"]["score"] == total
    assert scores["half"]["score"] == sum(item.points for item in half)
    for item in half:
        assert scores["half"][item.check_id] == item.points
    grade.write_grades(rows, tmp_path / "grades.csv")
    header = (tmp_path / "grades.csv").read_text().splitlines()[0]
    assert header.startswith("student,notebook,score,max_score,")
    assert all(item.check_id in header for item in items)


def test_every_notebook_has_an_instructor_page():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert (ROOT / "course" / "instructor" / f"{path.stem}.md").exists(), path.name


def _plain(text: str) -> str:
    return re.sub(r"[\s`*_]+", " ", text.lower().replace("-", ""))


def test_the_glossary_lists_each_term_once_under_the_notebook_that_uses_it():
    """course/glossary.md: a section per notebook, in course order; each term found in it."""
    text = (ROOT / "course" / "glossary.md").read_text()
    sections = re.split(r"^## (\d\d) · .*$", text, flags=re.MULTILINE)[1:]
    numbers = sections[0::2]
    assert numbers == [path.name[:2] for path in grade.solution_notebooks()]
    seen = set()
    for number, body in zip(numbers, sections[1::2], strict=True):
        (path,) = grade.solution_notebooks([number])
        lesson = _plain("\n".join(c.source for c in nbformat.read(path, as_version=4).cells))
        terms = re.findall(r"^- \*\*(.+?)\*\*", body, flags=re.MULTILINE)
        assert terms, f"glossary section {number} is empty"
        for term in terms:
            assert term.lower() not in seen, f"{term!r} is in the glossary twice"
            seen.add(term.lower())
            stem = _plain(term).strip()
            words = [word.rstrip("s") for word in re.findall(r"\w+", stem) if len(word) > 2]
            found = stem.rstrip("s") in lesson or all(re.search(rf"\b{re.escape(word)}", lesson)
                                                       for word in words)
            assert found, (
                f"glossary: {term!r} is listed under {number}, whose text never uses it")
    assert len(seen) >= 100


def test_the_readme_shows_what_the_course_looks_like():
    """The README's pictures (shot by the browser test, tools/readme_images.py) are committed,
    shown, and small: a palette PNG no wider than the README's column."""
    from PIL import Image

    sys.path.insert(0, str(ROOT / "tools"))
    import readme_images

    readme = (ROOT / "README.md").read_text()
    for name in readme_images.PICTURES:
        path = readme_images.IMAGES / f"{name}.png"
        assert f"course/images/{name}.png" in readme, f"the README does not show {name}.png"
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run tools/readme_images.py"
        assert path.stat().st_size < 200 * 1024, f"{path.name} is {path.stat().st_size:,} bytes"
        with Image.open(path) as image:
            assert image.mode == "P" and image.width <= readme_images.MAX_WIDTH
