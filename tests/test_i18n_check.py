"""The self-checks, the questions and the NumPy neurons speak Spanish.

Each check is run twice, with the kit in English and in Spanish, and the lines it prints are
compared: a word of three letters or more that a Spanish line shares with its English twin is
English left behind, unless it is the same word in Spanish or a name (:data:`SAME_IN_SPANISH`).
The ``✓``/``✗``/``✎`` marks and the shape of the lines (``mark name: text``) stay.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable

import numpy as np
import pytest
from i18n_support import in_both

import neurona as nr
from neurona import i18n, runs

# Same word in Spanish, or a name: kept in both languages.
SAME_IN_SPANISH = {"none", "true", "false", "relu", "abs", "array", "list", "tuple"}
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{3,}")
# Left out before comparing: code such as relu(-1.0) or activation='sign', quoted names and
# Python's exceptions (KeyError: 1.0).
NOT_WORDS = re.compile(r"\b\w+\([^)]*\)|\b\w+=\S+|'[^']*'|\b\w+Error\b")
AND = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def printed(show: Callable[[], object]) -> list[str]:
    """The lines ``show()`` prints."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        show()
    return buffer.getvalue().splitlines()


def printed_in_both(show: Callable[[], object]) -> tuple[list[str], list[str]]:
    """The lines ``show()`` prints in English, then in Spanish."""
    return in_both(lambda: printed(show))


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(NOT_WORDS.sub(" ", text))}


def english_left(english: list[str], spanish: list[str]) -> list[str]:
    """Each Spanish text that shares a word (not a name) with its English twin."""
    assert len(english) == len(spanish)
    left = []
    for en, es in zip(english, spanish, strict=True):
        shared = (words(en) & words(es)) - SAME_IN_SPANISH
        if shared:
            left.append(f"{es!r} (English: {en!r}; shared: {sorted(shared)})")
    return left


def relu(z):
    return abs(z)  # wrong on purpose


CHECKS = {
    "value, right": lambda: nr.check.value(784 * 128 + 128, 100480),
    "value, wrong, with a hint": lambda: nr.check.value(784 * 128, 100480, hint="η/2"),
    "value, None": lambda: nr.check.value(None, 1.0),
    "value, not a number": lambda: nr.check.value("seven", 7),
    "value, another shape": lambda: nr.check.value([1.0, 2.0], 3.0),
    "value, not answered": lambda: nr.check.value(..., 3),
    "shape, right": lambda: nr.check.shape(np.zeros((4, 784)), (None, 784)),
    "shape, wrong": lambda: nr.check.shape(np.zeros((28, 28)), (None, 784)),
    "equal, case": lambda: nr.check.equal("Relu", "relu"),
    "equal, list for tuple": lambda: nr.check.equal([28, 28], (28, 28)),
    "equal, big": lambda: nr.check.equal(list(range(40)), 3),
    "function, right": lambda: nr.check.function(abs, abs, [-1.0, 2.0]),
    "function, wrong": lambda: nr.check.function(relu, lambda z: max(z, 0), [2.5, -1.0]),
    "function, raises": lambda: nr.check.function(lambda z: {}[z], abs, [1.0]),
    "function, not a function": lambda: nr.check.function(3, abs, [1.0]),
    "question, right": lambda: nr.check.question("b", "00.1"),
    "question, wrong": lambda: nr.check.question("a", "00.1"),
    "question, not an option": lambda: nr.check.question("z", "00.1"),
    "question, a number": lambda: nr.check.question(7, "99.1"),
    "question, not answered": lambda: nr.check.question(..., "00.1"),
}


def number_question() -> dict:
    """A numeric question whose feedback, like the bank's, is in the kit's language."""
    if i18n.language() == "es":
        feedback = {"right": "Correcto.", "low": "Poco.", "high": "Demasiado."}
    else:
        feedback = {"right": "Right.", "low": "Too little.", "high": "Too much."}
    return {"kind": "number", "answer": 40, "tol": 0.01, "feedback": feedback}


@pytest.fixture(autouse=True)
def a_bank_with_a_number_question(monkeypatch):
    """Notebook 99's bank: one question, 99.1, that takes a number (in both languages)."""
    bank = nr.check.question_bank
    monkeypatch.setattr(nr.check, "question_bank", lambda notebook: (
        {"99.1": number_question()} if notebook == "99" else bank(notebook)))


@pytest.mark.parametrize("show", CHECKS.values(), ids=CHECKS.keys())
def test_a_check_prints_its_line_in_spanish_with_the_same_mark(show):
    english, spanish = printed_in_both(show)
    assert len(spanish) == 1 and spanish[0][:2] == english[0][:2]
    assert spanish[0][0] in "✓✗✎" and spanish != english
    assert english_left(english, spanish) == []


def test_the_spanish_lines_read_as_a_spanish_course_writes_them(spanish):
    lines = printed(lambda: (nr.check.value(784 * 128 + 128, 100480),
                             nr.check.value(784 * 128, 100480, hint="un sesgo por unidad"),
                             nr.check.question("b", "00.1"), nr.check.answered(...)))
    assert lines[0] == "✓ respuesta: 100\u202f480"
    assert lines[1] == ("✗ respuesta: se obtuvo 100352; se esperaba otra cosa. "
                        "Pista: un sesgo por unidad")
    assert lines[2].startswith("✓ Pregunta 00.1 (b): Correcto:")
    assert lines[3].startswith("✎ respuesta: aún sin responder")


def widget_texts(widget) -> list[str]:
    import ipywidgets as w

    found = [str(getattr(widget, "description", "") or "")]
    if isinstance(widget, w.HTML):
        found.append(re.sub(r"<[^>]*>", " ", widget.value))
    for child in getattr(widget, "children", ()):
        found += widget_texts(child)
    return found


@pytest.mark.parametrize("question_id, answer", [("00.1", "a"), ("99.1", 7.0)])
def test_the_question_widget_has_spanish_buttons_and_feedback(question_id, answer):
    import ipywidgets as w

    def build():
        widget = nr.check.question_widget(question_id)
        control = widget.children[0]
        if isinstance(control, w.ToggleButtons):
            control.value = answer
        else:
            control.children[0].value = answer
            control.children[1].click()
        return widget_texts(widget)

    english = build()
    i18n.set_language("es")
    try:
        spanish = build()
    finally:
        i18n.set_language("en")
    assert "prueba" in spanish and ("Comprobar" in spanish or question_id == "00.1")
    assert english_left(english, spanish) == []


def test_a_perceptron_says_in_spanish_whether_it_converged(spanish):
    done = nr.scratch.Perceptron().fit(AND, [0, 0, 0, 1], ledger=runs.Ledger())
    assert done.message_ == "convergió tras 6 épocas (11 actualizaciones)"
    xor = nr.scratch.Perceptron(max_epochs=3).fit(AND, [0, 1, 1, 0], ledger=runs.Ledger())
    assert xor.message_ == "sin convergencia tras 3 épocas: ninguna recta separa estas clases"
    assert xor.record_.note == xor.message_


def test_a_diverged_adaline_says_why_in_spanish(spanish):
    adaline = nr.scratch.Adaline(learning_rate=50.0, epochs=30).fit(
        AND * 10.0, [-1, -1, -1, 1], ledger=runs.Ledger())
    assert adaline.record_.status == "diverged"
    assert "prueba una tasa de aprendizaje menor que 50" in adaline.record_.note


def test_a_translated_error_keeps_its_english_class(spanish):
    with pytest.raises(ValueError, match="necesita un learning_rate"):
        nr.scratch.get_optimizer("adam")
    with pytest.raises(ValueError, match="las etiquetas deben ser -1 o 1"):
        nr.scratch.Perceptron(activation="sign").fit(AND, [0, 0, 0, 1], ledger=runs.Ledger())


def test_a_graded_check_raises_check_failed_with_the_spanish_line(spanish, monkeypatch):
    monkeypatch.setenv("NEURONA_STRICT", "1")
    with pytest.raises(nr.check.CheckFailed, match="se esperaba otra cosa"), \
            contextlib.redirect_stdout(io.StringIO()):
        nr.check.value(1, 2)
    with pytest.raises(nr.check.NotAnsweredError, match="aún sin responder"):
        nr.check.value(..., 2)
