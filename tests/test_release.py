"""One version, in pyproject.toml: the package, Colab's set-up cell and the README follow it."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

import neurona

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import release  # noqa: E402
from project import version  # noqa: E402


def test_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", version()), "tags are vX.Y.Z"


def test_package_version_is_pyprojects():
    assert neurona.__version__ == version(), "set __version__ in src/neurona/__init__.py"


def test_setup_cell_installs_the_tagged_release():
    url = f"git+https://github.com/{release.REPO}@v{version()}"
    assert f'"neurona @ {url}"' in release.SETUP


def test_readme_names_the_release_colab_installs():
    readme = (ROOT / "README.md").read_text()
    release = rf"importable: release v{re.escape(version())}\b"
    assert re.search(release, readme), "README's Colab item names another release than pyproject"


def test_refresh_setup_rewrites_only_the_setup_cell(tmp_path):
    path = tmp_path / "00_demo.ipynb"
    old = release.SETUP.replace(f"@v{version()}", "")  # the set-up cell of an older release
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demo"),
                                         nbformat.v4.new_code_cell(old),
                                         nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, path)
    before = nbformat.read(path, as_version=4)

    assert release.refresh_setup(path) is True
    after = nbformat.read(path, as_version=4)
    assert after.cells[1].source == release.SETUP
    assert [c.id for c in after.cells] == [c.id for c in before.cells]
    assert [c.source for c in after.cells[2:]] == [c.source for c in before.cells[2:]]
    assert after.cells[0] == before.cells[0] and after.metadata == before.metadata
    assert release.refresh_setup(path) is False  # already up to date: the file is left alone


def test_refresh_setup_refuses_a_notebook_without_a_setup_cell(tmp_path):
    path = tmp_path / "other.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Other"),
                                         nbformat.v4.new_code_cell("print(1)")])
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="not a set-up cell"):
        release.refresh_setup(path)
    assert nbformat.read(path, as_version=4).cells[1].source == "print(1)"
