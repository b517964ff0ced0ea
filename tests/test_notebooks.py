"""Every notebook runs top to bottom in quick mode, cleanly, and is committed clean.

The notebooks run are the solution versions (``course/solutions/``), in graded mode
(``NEURONA_STRICT=1``): every exercise's and question's check must pass. The students' copies in
``notebooks/`` differ only in their answer cells (tests/test_exercises.py). Where Chromium is
here, tests/browser/test_jupyterlab.py runs them in JupyterLab instead (tests/notebook_runs.py);
the offline runs below are always here.
"""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "course" / "solutions").glob("[0-9][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
from notebook_runs import COMPUTED, browser_missing  # noqa: E402
from release import REPO, SETUP  # noqa: E402


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a code cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: execution counts left in"


def assert_course_conventions(nb: nbformat.NotebookNode, where: str,
                              headings: tuple[str, str] = ("What you will learn", "What it needs"),
                              setup: str = SETUP):
    """A title with its headings and a Colab badge opening ``where`` (the notebook's path in the
    repository), the standard set-up cell (``setup``) second, and one parameters cell with quick
    mode."""
    title = nb.cells[0].source
    assert title.startswith("# ") and all(heading in title for heading in headings)
    badge = f"colab.research.google.com/github/{REPO}/blob/main/{where}"
    assert badge in title, "the Colab badge must open this very notebook"
    assert nb.cells[1].source == setup, "the second cell must be the standard set-up cell"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "quick_mode()" in tagged[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_course_conventions(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"  # the kernel every Jupyter install has
    assert_course_conventions(nb, f"notebooks/{path.name}")
    text = "\n".join(c.source for c in nb.cells)
    assert not re.search(r"\bTODO\b|\bFIXME\b", text)



# A notebook reaches the kit one way: nr.NAME for the flat names, nr.TOPIC.NAME for a lesson's
# internals (neurona/__init__.py): `import neurona as nr`, no other import of the kit, no local
# alias, no name that left the flat API.
IMPORT = re.compile(r"^\s*(from\s+neurona\b|import\s+neurona\b(?!\s+as\s+nr\s*(#|$)))")
REACHED = re.compile(r"(?<![\w.])nr\.(\w+)(?:\.(\w+))?")


def names_reached(path: Path) -> list[str]:
    """What a notebook's code, and the inline code of its prose, reaches another way."""
    import neurona
    from neurona.exports import public_names

    topics = set(neurona._TOPICS)
    flat = set(public_names("neurona")) - topics
    wrong = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            text = cell.source
            wrong += [f"cell {cell.id}: {line.strip()}" for line in cell.source.splitlines()
                      if IMPORT.match(line)]
        else:  # what the prose tells students to type: its inline code
            text = "\n".join(re.findall(r"`([^`\n]+)`", cell.source))
        for match in REACHED.finditer(text):
            name, inner = match[1], match[2]
            if name in topics:
                if inner and inner not in public_names(f"neurona.{name}"):
                    wrong.append(f"cell {cell.id}: nr.{name}.{inner} (not in its __all__)")
            elif name not in flat:
                wrong.append(f"cell {cell.id}: nr.{name} (neither a flat name nor a topic)")
    return wrong


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reaches_names_one_way(path):
    wrong = names_reached(path)
    assert not wrong, f"{path.name} reaches names another way than nr.NAME or nr.TOPIC.NAME:\n" + \
        "\n".join(wrong)


# The notebooks that load MNIST or Fashion-MNIST: offline, without them, they run on a stand-in.
LOADS_IMAGES = re.compile(r'nr\.load\(\\"(fashion_)?mnist\\"')  # as written in the .ipynb JSON
IMAGE_NOTEBOOKS = [p for p in SOLUTIONS if LOADS_IMAGES.search(p.read_text())]


def execute_quickly(path: Path, monkeypatch, tmp_path: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in quick, graded mode; fail on any error or stderr output."""
    monkeypatch.setenv("NEURONA_QUICK", "1")
    monkeypatch.setenv("NEURONA_STRICT", "1")  # a solution whose check fails raises
    # Students do not set this: run with the kit's own TensorFlow silencing.
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    finally:
        nbformat.write(nb, tmp_path / path.name)  # the executed copy, for a look after a failure
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                pytest.fail(f"{path.name}, cell {index} printed to stderr:\n{out.text[:500]}")
    return nb


def printed(nb: nbformat.NotebookNode) -> str:
    """Everything the notebook printed to stdout."""
    return "".join(out.text for cell in nb.cells for out in cell.get("outputs", [])
                   if out.output_type == "stream" and out.name == "stdout")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_executes_in_quick_mode(path, monkeypatch, tmp_path):
    if not browser_missing():  # the same run, in JupyterLab: tests/browser/test_jupyterlab.py
        pytest.skip("executed in JupyterLab by tests/browser (NEURONA_BROWSER=0 runs it here)")
    out = printed(execute_quickly(path, monkeypatch, tmp_path))
    for line in COMPUTED.get(path.stem, []):
        assert line in out, f"{path.name} no longer prints {line!r}"


def test_the_image_notebooks_are_found():
    assert {p.stem[:2] for p in IMAGE_NOTEBOOKS} >= {"00", "05", "06", "07", "08", "10"}


@pytest.mark.parametrize("path", IMAGE_NOTEBOOKS, ids=lambda p: p.stem)
def test_executes_on_a_fresh_offline_machine(path, monkeypatch, tmp_path):
    # NEURONA_OFFLINE=1 hides every local copy of the data and forbids downloads: what a student
    # on a laptop with no network and no dataset sees.
    monkeypatch.setenv("NEURONA_OFFLINE", "1")
    out = printed(execute_quickly(path, monkeypatch, tmp_path))
    assert "NEURONA_OFFLINE=1 makes this machine fresh and offline" in out
    assert "digits" in out


# The NumPy notebooks (02 the perceptron, 04 the playground) build no Keras model.
KERAS_NOTEBOOKS = [p for p in NOTEBOOKS if p.stem[:2] not in {"02", "04"}]


@pytest.mark.parametrize("path", KERAS_NOTEBOOKS, ids=lambda p: p.stem)
def test_a_keras_notebook_shows_its_model_and_how_it_trains(path):
    """Students see the code they learn: a model definition and a compile/fit or a training step."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert re.search(r"keras\.(Sequential|Model)\b", code), f"{path.name}: no model in a cell"
    trains = (".compile(" in code and ".fit(" in code) or "GradientTape" in code
    assert trains, f"{path.name}: no visible compile/fit or training step"
