"""The sources are named one way, cited in full, and every claim about them has a row."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import course_sources  # noqa: E402
from course_sources import SOURCES, expected_sources_cell, is_sources_cell, refresh  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOURCES_MD = ROOT / "course" / "sources.md"
STATUSES = {"kept", "corrected", "marked own", "removed", "from repository"}
# The project's internal labels: "seed D", "source C", "seed 004". Readers never see them.
INTERNAL_LABEL = re.compile(r"\b(seed|source)s? ([A-E]|00[0-4])\b", re.IGNORECASE)


def test_every_source_has_a_short_name_and_a_full_citation():
    assert [source.letter for source in SOURCES] == list("ABCDE")
    assert len({source.key for source in SOURCES}) == 5
    for source in SOURCES:
        assert source.short in course_sources.sources_cell([source])
        assert "Licence" in source.citation or "licence" in source.citation


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_that_names_a_source_ends_with_its_sources_cell(path):
    nb = nbformat.read(path, as_version=4)
    expected = expected_sources_cell(nb)
    sources_cells = [cell for cell in nb.cells if is_sources_cell(cell)]
    if expected is None:
        assert not sources_cells, f"{path.name} names no source but has a Sources cell"
        return
    assert is_sources_cell(nb.cells[-1]), (
        f"{path.name}: the last cell must be the Sources cell "
        "(python tools/course_sources.py course/solutions/*.ipynb, then course/grade.py notebooks)")
    assert [cell.source for cell in sources_cells] == [expected], (
        f"{path.name}: the Sources cell is stale (python tools/course_sources.py {path})")


def test_the_tool_adds_updates_and_removes_the_sources_cell(tmp_path):
    path = tmp_path / "08_test.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("As Torres (2018) shows.")])
    nbformat.write(nb, path)
    assert refresh(path, check=True)  # missing: check reports it and changes nothing
    assert len(nbformat.read(path, as_version=4).cells) == 1
    assert refresh(path) and not refresh(path, check=True)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[-1].id == "08-sources" and "Jordi Torres" in cells[-1].source
    assert "Martín López" not in cells[-1].source
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "The Theano/TensorFlow/Keras study (2017) and Martín López (2019)."
    nbformat.write(nb, path)
    assert refresh(path)
    last = nbformat.read(path, as_version=4).cells[-1].source
    assert "Jordi Torres" not in last and "Lorenzo Martín López" in last and "final-year" in last
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "No source here."
    nbformat.write(nb, path)
    assert refresh(path)
    assert len(nbformat.read(path, as_version=4).cells) == 1


def student_and_instructor_texts():
    for path in NOTEBOOKS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            yield f"{path.name} cell {index}", cell.source
    for path in [ROOT / "README.md", *sorted((ROOT / "course").rglob("*.md")),
                 *sorted((ROOT / "datasets").rglob("*.md"))]:
        yield str(path.relative_to(ROOT)), path.read_text()
    package = ROOT / "src" / "neurona"
    for path in [*sorted(package.rglob("*.py")), *sorted(package.rglob("*.csv"))]:
        yield str(path.relative_to(ROOT)), path.read_text()


def test_no_reader_meets_the_projects_internal_letters_for_the_sources():
    found = [f"{where}: {match.group(0)!r}" for where, text in student_and_instructor_texts()
             for match in INTERNAL_LABEL.finditer(text)]
    advice = "name the sources by their short names (tools/course_sources.py):\n"
    assert not found, advice + "\n".join(found)


def test_the_course_readme_cites_every_source_in_full():
    text = (ROOT / "course" / "README.md").read_text()
    for source in SOURCES:
        assert f"- **{source.short}**: {source.citation}" in text, source.short


def claim_rows():
    """The rows of course/sources.md's tables of claims: (where, claim, section, quote, status)."""
    rows = []
    for line in SOURCES_MD.read_text().splitlines():
        if not line.startswith("| ") or set(line) <= set("|- "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "where":
            continue
        rows.append(cells)
    return rows


def test_every_claim_row_is_complete_and_points_at_a_real_cell():
    rows = claim_rows()
    assert len(rows) >= 50
    ids = {path.stem[:2]: {cell.id for cell in nbformat.read(path, as_version=4).cells}
           for path in NOTEBOOKS}
    for row in rows:
        assert len(row) == 5, row
        where, claim, section, quote, status = row
        assert claim and section, row
        assert status in STATUSES, f"status {status!r} must be one of {sorted(STATUSES)}"
        cells = re.fullmatch(r"(\d\d) cell ([\w-]+(?:, [\w-]+)*)", where)
        if cells:
            assert cells.group(1) in ids, row
            for cell_id in cells.group(2).split(", "):
                assert cell_id in ids[cells.group(1)], f"{where}: no cell {cell_id}"
        else:
            pages = r"instructor \d\d|README|glossary|dataset \S+|package src/\S+"
            assert re.fullmatch(pages, where), (
                "where must be 'NN cell <id>[, <id>...]', 'instructor NN', 'glossary', "
                f"'dataset <card>' or 'package <path>': {where!r}")


def test_every_notebook_that_names_a_source_has_rows_in_sources_md():
    cited = {row[0][:2] for row in claim_rows()}
    for path in NOTEBOOKS:
        if expected_sources_cell(nbformat.read(path, as_version=4)):
            assert path.stem[:2] in cited, f"{path.name} names a source but has no row"
