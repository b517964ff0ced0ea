"""The kit's language: the message catalogue, choosing a language, and how messages are marked."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import neurona as nr
from neurona import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "neurona"
sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402


def test_the_catalogue_translates_every_message_of_the_code_and_is_compiled():
    assert messages.check() == []


def test_the_kit_starts_in_english_and_set_language_switches_both_ways():
    assert nr.language() == "en"
    message = "the kit does not speak {code!r}; choose one of {allowed}"
    assert i18n._(message) == message
    nr.set_language("es")
    try:
        assert nr.language() == "es"
        assert i18n._(message) != message and "{allowed}" in i18n._(message)
    finally:
        nr.set_language("en")
    assert i18n._(message) == message


@pytest.mark.parametrize("code, expected", [("es", "es"), ("ES", "es"), ("es_ES.UTF-8", "es"),
                                            ("es-419", "es"), ("en_GB", "en")])
def test_a_regional_form_of_a_language_is_accepted(code, expected):
    try:
        nr.set_language(code)
        assert nr.language() == expected
    finally:
        nr.set_language("en")


@pytest.mark.parametrize("code", ["fr", "", "spanish", None, 3])
def test_a_language_the_kit_does_not_speak_is_refused_naming_the_ones_it_does(code):
    with pytest.raises(ValueError, match=r"'en' \(English\), 'es' \(español\)"):
        nr.set_language(code)
    assert nr.language() == "en"


def test_an_error_keeps_its_english_class_and_carries_the_spanish_message(spanish):
    with pytest.raises(ValueError, match="no habla 'fr'"):
        nr.set_language("fr")


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(PACKAGE.parent), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=environment, timeout=120, check=True)


def test_neurona_lang_chooses_the_language_a_kernel_starts_with():
    done = run_python("import neurona as nr; print(nr.language())", NEURONA_LANG="es_ES")
    assert done.stdout.strip() == "es" and done.stderr == ""


def test_a_neurona_lang_the_kit_does_not_speak_gets_one_line_and_english():
    done = run_python("import neurona as nr; print(nr.language())", NEURONA_LANG="klingon")
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "en" and len(lines) == 2
    assert "NEURONA_LANG='klingon'" in lines[0] and "(en, es)" in lines[0]


# -- how the code marks its messages ---------------------------------------------------------------

def modules_importing_the_markers():
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module == "neurona.i18n"
                    for alias in node.names}
        if imported & {"_", "N_", "ngettext", "pgettext"} or path.name == "i18n.py":
            yield path, tree


def test_the_markers_are_used_by_some_modules():
    assert len(list(modules_importing_the_markers())) > 1


def test_a_message_is_a_plain_string_never_an_f_string_or_a_formatted_one():
    """gettext looks a message up by its English text: ``_(f"...")`` would never be found, so
    the fields are filled after the lookup: ``_("{n} epochs").format(n=n)``. (``_(label)`` of a
    label marked ``N_("...")`` where it is written is fine.)"""
    wrong = []
    for path, tree in modules_importing_the_markers():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext", "pgettext")):
                texts = node.args[:2] if node.func.id in ("ngettext", "pgettext") else node.args[:1]
                if node.keywords or any(_formatted(a) for a in texts):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if node.func.id == "N_" and not isinstance(node.args[0], ast.Constant):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def _formatted(node: ast.AST) -> bool:
    """An f-string, ``"..." % x``, ``"a" + b`` or ``"...".format(...)``: made before the lookup."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format")


def test_no_module_that_marks_messages_assigns_the_name_underscore():
    """``for _ in ...`` beside ``_("...")`` would shadow the translation function."""
    wrong = []
    for path, tree in modules_importing_the_markers():
        if path.name == "i18n.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_one_english_word_meant_two_ways_gets_two_translations(spanish):
    assert i18n.pgettext("doctor table", "Check") == "Comprobación"   # a noun: what was checked
    assert i18n._("Check") == "Comprobar"                              # a verb: a question's button
