"""Exercises and questions: one source, no solution in the students' copies, no check that shows
its answer, questions with feedback for every option, and the summary every notebook ends with."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from neurona.check import question_bank

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import grade  # noqa: E402

SOLUTIONS = grade.solution_notebooks()
OPTION = re.compile(r"^- \*\*([a-e])\*\* ", re.MULTILINE)
QUESTION_ID = re.compile(r'nr\.check\.question\(\s*\w+\s*,\s*"(\d\d\.\d+)"\s*\)')
# Functions of the kit that compute an exercise's answer in one call: a check that calls one
# hands the answer over (write the expected value sealed instead, or compute it from the run).
ORACLES = {"amdahl_speedup", "gustafson_speedup", "count_params", "n_parameters", "layer_flops",
           "pyramid_parameters", "conv_output_size", "count_dense", "count_conv2d"}


def test_there_are_solution_notebooks():
    assert len(SOLUTIONS) >= 12
    assert not list(SOLUTIONS[0].parent.glob("make_student_version.py"))


def test_the_students_notebooks_are_generated_from_the_solutions():
    stale = grade.build_notebooks(write=False)
    assert not stale, ("edited in one place only: run `.venv/bin/python course/grade.py notebooks` "
                       "after changing course/solutions/ (never edit notebooks/ by hand):\n"
                       + "\n".join(stale))


def load(path: Path) -> tuple[nbformat.NotebookNode, list[grade.Graded]]:
    nb = nbformat.read(path, as_version=4)
    return nb, grade.graded_items(nb, path.name)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_student_copy_differs_only_in_the_solution_cells(path):
    solution, items = load(path)
    student = nbformat.read(grade.NOTEBOOKS / path.name, as_version=4)
    answers = {item.answer_id for item in items}
    assert [c.id for c in student.cells] == [c.id for c in solution.cells]
    for theirs, ours in zip(student.cells, solution.cells, strict=True):
        shows = grade.BEGIN in theirs.source or grade.END in theirs.source
        assert not shows, f"{path.name} cell {theirs.id} shows a solution"
        if theirs.id in answers:
            assert theirs.source == grade.strip_solutions(ours.source)
            assert theirs.source != ours.source
        else:
            assert theirs.source == ours.source, f"{path.name} cell {theirs.id} differs"
        if theirs.cell_type == "code":
            assert theirs.outputs == [] and theirs.execution_count is None


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_notebook_has_exercises_and_questions_that_are_graded(path):
    nb, items = load(path)
    exercises = [item for item in items if item.kind == "exercise"]
    questions = [item for item in items if item.kind == "question"]
    assert len(exercises) >= 3, f"{path.name}: at least three exercises"
    assert 2 <= len(questions) <= 4, f"{path.name}: two to four questions about ideas"
    assert all(item.points > 0 for item in items)
    looked_up = [item.answer_id for item in exercises if is_lookup(solution_code(nb, item))]
    assert len(looked_up) <= 1, f"{path.name}: at most one exercise only reads a value: {looked_up}"


def solution_code(nb: nbformat.NotebookNode, item: grade.Graded) -> str:
    source = next(cell.source for cell in nb.cells if cell.id == item.answer_id)
    block = source.split(grade.BEGIN, 1)[1].split(grade.END, 1)[0]
    return "\n".join(line for line in block.splitlines() if line.strip())


def _dedented(code: str) -> str:
    lines = code.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return "\n".join(line[indent:] for line in lines)


def is_lookup(code: str) -> bool:
    """Whether a solution only reads values: assignments of names, attributes or items."""
    tree = ast.parse(_dedented(code))
    reads = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Load)
    assignments = [node for node in tree.body if isinstance(node, ast.Assign)]
    if not assignments or len(assignments) != len(tree.body):
        return False
    return all(all(isinstance(sub, reads) for sub in ast.walk(node.value)) and
               not isinstance(node.value, ast.Constant) for node in assignments)


def literal_values(code: str) -> tuple[dict[str, str], list]:
    """A solution's right-hand sides (as text) and the values of those that are plain arithmetic."""
    tree = ast.parse(_dedented(code))
    texts, values = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            texts[ast.unparse(node.value)] = ast.unparse(node.targets[0])
            try:
                values.append(eval(compile(ast.Expression(node.value), "<solution>", "eval"),  # noqa: S307
                                   {"__builtins__": {}}))
            except Exception:  # noqa: BLE001 - not plain arithmetic: it uses the notebook's names
                pass
    return texts, values


def expected_arguments(check: str) -> list[ast.AST]:
    """The expected-value arguments of every nr.check call in a check cell."""
    found = []
    for node in ast.walk(ast.parse(check.rstrip().rstrip(";"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func = node.func
        if not (isinstance(func.value, ast.Attribute) and func.value.attr == "check"):
            continue
        if func.attr in {"value", "equal", "shape", "function"}:
            found += node.args[1:2] + [kw.value for kw in node.keywords
                                       if kw.arg in {"expected", "expected_shape", "reference_fn"}]
    return found


def _same_literal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_no_check_shows_its_answer(path):
    nb, items = load(path)
    cells = {cell.id: cell.source for cell in nb.cells}
    shown = []
    for item in items:
        if item.kind == "question":
            continue
        texts, values = literal_values(solution_code(nb, item))
        for expected in expected_arguments(cells[item.check_id]):
            where = f"{path.name} {item.check_id}: {ast.unparse(expected)[:80]}"
            if ast.unparse(expected) in texts:
                shown.append(f"{where} (the solution's own expression)")
            for node in ast.walk(expected):
                if isinstance(node, ast.Constant) and any(_same_literal(node.value, v)
                                                          for v in values):
                    shown.append(f"{where} (the answer, {node.value!r}, written out)")
                if isinstance(node, (ast.Tuple, ast.List)):
                    try:
                        literal = ast.literal_eval(node)
                    except ValueError:
                        continue
                    if any(_same_literal(literal, v) for v in values):
                        shown.append(f"{where} (the answer written out)")
                name = getattr(node, "attr", None) or getattr(node, "id", None)
                if isinstance(node, (ast.Attribute, ast.Name)) and name in ORACLES:
                    shown.append(f"{where} (calls {name}, which computes the answer)")
    assert not shown, "checks that show their answer (seal it: nr.check.seal):\n" + "\n".join(shown)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_question_has_its_options_and_feedback_in_the_bank(path):
    nb, items = load(path)
    number = path.name[:2]
    bank = question_bank(number)
    cells = nb.cells
    used = []
    for item in items:
        if item.kind != "question":
            continue
        position = next(i for i, cell in enumerate(cells) if cell.id == item.answer_id)
        check = next(cell.source for cell in cells if cell.id == item.check_id)
        question_id = QUESTION_ID.search(check)[1]
        used.append(question_id)
        assert question_id in bank, f"{path.name}: {question_id} is not in the question bank"
        entry = bank[question_id]
        text = cells[position - 1].source
        assert cells[position - 1].cell_type == "markdown" and "**Question" in text
        if entry["kind"] == "choice":
            assert OPTION.findall(text) == list(entry["feedback"]), (
                f"{question_id}: the options in the notebook and the bank's feedback differ")
        for feedback in entry["feedback"].values():
            assert len(feedback) >= 30, f"{question_id}: explain each answer: {feedback!r}"
    assert sorted(used) == sorted(bank), f"{path.name}: questions used vs in the bank"
    assert len(set(used)) == len(used)


def test_the_question_bank_is_valid_json_with_one_file_per_notebook():
    files = sorted((ROOT / "src" / "neurona" / "questions").glob("*.json"))
    assert [f.stem for f in files] == [p.name[:2] for p in SOLUTIONS]
    for file in files:
        bank = json.loads(file.read_text())
        assert all(key.startswith(f"{file.stem}.") for key in bank)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_notebook_ends_with_key_ideas_and_further_reading(path):
    nb = nbformat.read(path, as_version=4)
    headings = [cell.source.splitlines()[0] for cell in nb.cells
                if cell.cell_type == "markdown" and cell.source.startswith("## ")]
    assert "## Key ideas" in headings and "## Further reading" in headings
    assert headings.index("## Key ideas") < headings.index("## Further reading")
    key_ideas = next(cell.source for cell in nb.cells if cell.source.startswith("## Key ideas"))
    lines = [line for line in key_ideas.splitlines()[1:] if line.strip()]
    assert 1 <= len(lines) <= 5, f"{path.name}: Key ideas in five lines at most"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_instructor_page_says_how_long_the_exercises_take(path):
    page = (ROOT / "course" / "instructor" / f"{path.stem}.md").read_text()
    assert "\n## Exercises and questions\n" in page
    section = page.split("\n## Exercises and questions\n", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"\d+ minutes", section), f"{path.stem}: say how long the exercises take"
    _, items = load(path)
    questions = sum(item.kind == "question" for item in items)
    assert section.count("**Question") == questions, f"{path.stem}: each question's answer"


def test_notebook_14s_open_projects_have_a_rubric():
    page = (ROOT / "course" / "instructor" / "14_distributed.md").read_text()
    assert "\n## Rubric for the open projects\n" in page
