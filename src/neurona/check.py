"""Self-check exercises and questions: compare an answer with the right one, say so in one line.

Each check prints ``✓`` and the answer when it is right, or ``✗``, what was given and the
hint when it is wrong, and returns True or False. The expected value is never printed, so
that the exercise still makes you think, and a check line never has to show it either: an
answer that does not depend on the run is given *sealed* (:func:`sealed`), out of sight. An
answer still left as ``...`` prints ``✎`` and a reminder: running the whole notebook never
stops at an exercise.

Questions about ideas (:func:`question`) take a letter or a number and print the feedback
written for that answer: why it is right, or why that option is wrong. Their right answers
and feedback live in the kit's question bank (``neurona/questions/NN.json``), not in the
notebook.

The lines speak the kit's language (:func:`neurona.set_language`): in Spanish a wrong answer
reads ``✗ respuesta: se obtuvo 3; se esperaba otra cosa. Pista: ...``. The marks and the
shape of a line (``mark name: text``) are the same in every language.

Graded mode
-----------
With ``NEURONA_STRICT=1`` (:func:`neurona.settings.strict_mode`) a wrong answer raises
:class:`CheckFailed` and an unanswered one :class:`NotAnsweredError`, after the same line is
printed: an autograder (``course/grade.py``, which runs nbgrader) then gives the check cell no
points. Students never need it.

How the notebooks use it
------------------------
The course's notebooks live with their solutions in ``course/solutions/``; the copies in
``notebooks/`` that students open are generated from them without the solutions
(``course/grade.py``). An exercise is an answer cell and a check cell::

    # Exercise 2 (2 points). How many parameters has Conv2D(128, (3, 3)) on 64 channels?
    conv_parameters = ...
    ### BEGIN SOLUTION
    conv_parameters = 3 * 3 * 64 * 128 + 128
    ### END SOLUTION

    nr.check.value(conv_parameters, nr.check.sealed("..."), hint="one bias per filter");

The students' copy keeps ``conv_parameters = ...`` for them to fill in; the check cell is
the grader's test.

Examples
--------
>>> import neurona as nr
>>> nr.check.value(784 * 128 + 128, 100480)
✓ answer: 100,480
True
>>> nr.check.value(784 * 128, 100480, hint="one bias per unit, too")
✗ answer: got 100352, expected something else. Hint: one bias per unit, too
False
>>> nr.check.value(784 * 128 + 128, nr.check.sealed(nr.check.seal(100480)))
✓ answer: 100,480
True
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import importlib.resources
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from neurona.i18n import N_, _, grouped, language
from neurona.settings import strict_mode
from neurona.validate import real_number

__all__ = [
    "CheckFailed",
    "NotAnsweredError",
    "Sealed",
    "answered",
    "equal",
    "function",
    "question",
    "question_bank",
    "question_widget",
    "seal",
    "sealed",
    "shape",
    "value",
]

RIGHT = "✓"
WRONG = "✗"
PENDING = "✎"
_FORGOT_RETURN = N_("Did you forget to return or assign a value?")
_MAX_SHOWN = 6  # arrays up to this many numbers are written out in the messages
_TOL_MEANS = N_("a relative tolerance such as 1e-6")


class NotAnsweredError(ValueError):
    """Raised in graded mode when an answer is still ``...``: the exercise is not done."""


class CheckFailed(AssertionError):
    """Raised in graded mode (``NEURONA_STRICT=1``) when an answer is wrong."""


class Sealed:
    """An expected answer kept out of sight: shown as ``<sealed answer>``, compared as its value.

    Made by :func:`sealed` from a token of :func:`seal`. Sealing hides an answer from a
    reader of the check line; it is not encryption, and a determined student can unseal it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<sealed answer>"


_SEAL_PREFIX = "nr1:"


def seal(answer: Any) -> str:
    """Return a token that holds ``answer`` out of sight, for a check line (see :func:`sealed`).

    ``answer`` is a number, a string, a bool, or a list or tuple of them (NumPy numbers and
    arrays become plain numbers and lists). Authors run it once and paste the token.

    Examples
    --------
    >>> token = seal(0.08)
    >>> token.startswith("nr1:") and "0.08" not in token
    True
    """
    data = json.dumps(_to_json(answer), separators=(",", ":")).encode()
    return _SEAL_PREFIX + base64.urlsafe_b64encode(_xor(data)).decode().rstrip("=")


def sealed(token: str) -> Sealed:
    """Return the expected answer in ``token`` (made by :func:`seal`), to pass to a check.

    Raises ValueError for text that is not such a token.

    Examples
    --------
    >>> sealed(seal((1, "relu")))
    <sealed answer>
    """
    if not isinstance(token, str) or not token.startswith(_SEAL_PREFIX):
        raise ValueError(_("not a sealed answer (a token from nr.check.seal, starting "
                           "{prefix!r}): {token!r}").format(prefix=_SEAL_PREFIX, token=token))
    body = token[len(_SEAL_PREFIX):]
    try:
        raw = _xor(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        return Sealed(_from_json(json.loads(raw)))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(_("the sealed answer {token!r} is damaged: {error}").format(
            token=token, error=error)) from None


def _xor(data: bytes) -> bytes:
    stream = b""
    counter = 0
    while len(stream) < len(data):
        stream += hashlib.sha256(b"neurona-check-%d" % counter).digest()
        counter += 1
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))


def _to_json(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return _to_json(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, tuple):
        return {"tuple": [_to_json(item) for item in x]}
    if isinstance(x, list):
        return [_to_json(item) for item in x]
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    raise TypeError(_("only numbers, strings, bools and lists or tuples of them can be sealed, "
                      "not {kind}").format(kind=type(x).__name__))


def _from_json(x: Any) -> Any:
    if isinstance(x, dict):
        return tuple(_from_json(item) for item in x["tuple"])
    if isinstance(x, list):
        return [_from_json(item) for item in x]
    return x


def _unsealed(expected: Any) -> Any:
    return expected._value if isinstance(expected, Sealed) else expected


def answered(*answers: Any, name: str | None = None) -> bool:
    """Whether every one of ``answers`` is filled in (none is still ``...``).

    A check cell that must use an answer before checking it (to train with it, to draw it)
    starts with ``if nr.check.answered(x):``. When one is missing, it prints ``✎`` and a
    reminder and returns False; in graded mode it raises :class:`NotAnsweredError`.

    Examples
    --------
    >>> answered(3, (1, 2))
    True
    >>> answered(3, ..., name="weights")
    ✎ weights: not answered yet: replace the ... in the cell above, run it, then this cell.
    False
    """
    if any(_holds_ellipsis(answer) for answer in answers):
        return _not_answered(_("answer") if name is None else name)
    return True


def value(
    answer: Any, expected: Any, hint: str = "", tol: float = 1e-6, name: str | None = None
) -> bool:
    """Check a number or an array of numbers, up to a relative tolerance.

    Parameters
    ----------
    answer : number or array-like
        The student's answer.
    expected : number, array-like or Sealed
        The right answer (never printed); :func:`sealed` keeps it out of the check line.
    hint : str
        Printed after a wrong answer.
    tol : float
        Relative tolerance: ``|answer - expected| <= tol * |expected|``, and at least
        ``tol`` in absolute terms, so that an expected 0 can be met. Arrays must have the
        expected shape and every element must be within the tolerance.
    name : str, optional
        What is checked, for the printed line; default: "answer" in the kit's language.

    Returns
    -------
    bool
        True when the answer is right.

    Raises
    ------
    CheckFailed
        In graded mode (``NEURONA_STRICT=1``), when the answer is wrong.
    NotAnsweredError
        In graded mode, if ``answer`` is still ``...``. Otherwise that prints a reminder and
        returns False.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.check.value(0.1 + 0.2, 0.3, name="sum")
    ✓ sum: 0.3
    True
    >>> nr.check.value([1.0, 2.0], [1.0, 2.5], hint="look at the second element")
    ✗ answer: got [1.0, 2.0], expected something else. Hint: look at the second element
    False
    """
    name = _("answer") if name is None else name
    if not answered(answer, name=name):
        return False
    tol = real_number("tol", tol, 0, 1, high_open=True, note=_(_TOL_MEANS))
    expected = _unsealed(expected)
    if answer is None:
        return _report(False, name, _got_none(), hint)
    numbers = _numbers(answer)
    if numbers is None:
        return _report(False, name, _("got {answer}, expected a number.").format(
            answer=_plain(answer)), hint)
    right = _numbers(expected)
    if right is None:
        raise TypeError(_("expected must be a number or an array of numbers, got {expected!r}")
                        .format(expected=expected))
    if numbers.shape != right.shape:
        text = (_("got a number, expected another shape.") if numbers.ndim == 0 else
                _("got an array of shape {shape}, expected another shape.").format(
                    shape=numbers.shape))
        return _report(False, name, text, hint)
    if _close(numbers, right, tol):
        return _report(True, name, _pretty(answer))
    return _report(False, name, _got(answer), hint)


def shape(array: Any, expected_shape: Any, hint: str = "", name: str | None = None) -> bool:
    """Check the shape of an array (or of anything with a ``.shape``).

    Parameters
    ----------
    array : array-like, or a tuple of ints
        The student's array; a tuple of whole numbers such as ``x.shape`` is taken as the
        shape itself.
    expected_shape : tuple of int or None
        The right shape; ``None`` in a position accepts any size there (a batch axis).
    hint : str
        Printed after a wrong answer.
    name : str, optional
        What is checked, for the printed line; default: "shape" in the kit's language.

    Returns
    -------
    bool

    Raises
    ------
    CheckFailed
        In graded mode (``NEURONA_STRICT=1``), when the answer is wrong.
    NotAnsweredError
        In graded mode, if ``array`` is still ``...``. Otherwise that prints a reminder and
        returns False.

    Examples
    --------
    >>> import numpy as np
    >>> import neurona as nr
    >>> nr.check.shape(np.zeros((60000, 784)), (60000, 784))
    ✓ shape: (60000, 784)
    True
    >>> nr.check.shape(np.zeros((28, 28)), (None, 784), hint="flatten each image")
    ✗ shape: got (28, 28), expected something else. Hint: flatten each image
    False
    """
    name = _("shape") if name is None else name
    if not answered(array, name=name):
        return False
    wanted = _shape_spec(_unsealed(expected_shape))
    if array is None:
        return _report(False, name, _("got None, expected an array.") + " " + _(_FORGOT_RETURN),
                       hint)
    actual = _shape_of(array)
    if actual is None:
        return _report(False, name, _("got {answer}, which has no shape.").format(
            answer=_plain(array)), hint)
    matches = len(actual) == len(wanted) and all(
        w is None or a == w for a, w in zip(actual, wanted, strict=True)
    )
    if matches:
        return _report(True, name, _shape_text(actual))
    return _report(False, name, _got(_shape_text(actual), shown=True), hint)


def equal(answer: Any, expected: Any, hint: str = "", name: str | None = None) -> bool:
    """Check an answer that must be exactly right: a string, an integer, a tuple.

    Parameters
    ----------
    answer : object
        The student's answer.
    expected : object or Sealed
        The right answer (never printed; :func:`sealed` keeps it out of sight); compared
        with ``==`` (arrays: same shape and elements).
    hint : str
        Printed after a wrong answer.
    name : str, optional
        What is checked, for the printed line; default: "answer" in the kit's language.

    Returns
    -------
    bool

    Raises
    ------
    CheckFailed
        In graded mode (``NEURONA_STRICT=1``), when the answer is wrong.
    NotAnsweredError
        In graded mode, if ``answer`` is still ``...``. Otherwise that prints a reminder and
        returns False.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.check.equal("relu", "relu", name="activation")
    ✓ activation: 'relu'
    True
    >>> nr.check.equal((28, 28), (784,), hint="the images are flattened")
    ✗ answer: got (28, 28), expected something else. Hint: the images are flattened
    False
    """
    name = _("answer") if name is None else name
    if not answered(answer, name=name):
        return False
    expected = _unsealed(expected)
    if _same(answer, expected):
        return _report(True, name, _pretty(answer))
    if answer is None:
        return _report(False, name, _got_none(), hint)
    text = _got(answer)
    if isinstance(answer, str) and isinstance(expected, str):
        if " ".join(answer.split()).lower() == " ".join(expected.split()).lower():
            text += " " + _("Look at upper/lower case and spaces.")
    elif (
        isinstance(answer, (list, tuple))
        and isinstance(expected, (list, tuple))
        and type(answer) is not type(expected)
        and _same(list(answer), list(expected))
    ):
        text += " " + _("The items are right, but it should be a {kind}.").format(
            kind=type(expected).__name__)
    return _report(False, name, text, hint)


def function(
    student_fn: Callable[..., Any],
    reference_fn: Callable[..., Any],
    inputs: Iterable[Any],
    hint: str = "",
    tol: float = 1e-6,
    name: str | None = None,
) -> bool:
    """Check a function by running it and a reference on the same inputs.

    Results are compared like :func:`value` for numbers and arrays (relative tolerance
    ``tol``) and exactly otherwise; tuples and lists of results element by element. The
    first input where the two differ is reported, with what the student's function
    returned for it.

    Parameters
    ----------
    student_fn : callable
        The student's function.
    reference_fn : callable
        The right function (its results are never printed).
    inputs : iterable
        The inputs to try. Each item is the single argument, or a tuple of positional
        arguments (to pass a tuple as the single argument, wrap it: ``((1, 2),)``).
        Each function gets its own copy, so one that changes its input in place does not
        spoil the comparison.
    hint : str
        Printed after a wrong answer.
    tol : float
        Relative tolerance for numbers and arrays.
    name : str, optional
        What is checked; default: the student function's name.

    Returns
    -------
    bool

    Raises
    ------
    CheckFailed
        In graded mode (``NEURONA_STRICT=1``), when the function is wrong.
    NotAnsweredError
        In graded mode, if the function is still ``...``, returns ``...`` or raises
        NotImplementedError. Otherwise that prints a reminder and returns False.
    ValueError
        If there are no inputs to try.

    Examples
    --------
    >>> import numpy as np
    >>> import neurona as nr
    >>> def relu(z):
    ...     return np.maximum(z, 0)
    >>> nr.check.function(relu, lambda z: np.maximum(z, 0), [-1.0, 0.0, 2.5])
    ✓ relu: same results as the reference on all 3 inputs
    True
    >>> def relu(z):
    ...     return abs(z)
    >>> nr.check.function(relu, lambda z: np.maximum(z, 0), [2.5, -1.0], hint="negative z gives 0")
    ✗ relu(-1.0): got 1.0, expected something else. Hint: negative z gives 0
    False
    """
    label = name or getattr(student_fn, "__name__", None) or _("function")
    if label == "<lambda>":
        label = _("function")
    if not answered(student_fn, name=label):
        return False
    tol = real_number("tol", tol, 0, 1, high_open=True, note=_(_TOL_MEANS))
    if not callable(reference_fn):
        raise TypeError(_("reference_fn must be a function, got {reference!r}").format(
            reference=reference_fn))
    cases = list(inputs)
    if not cases:
        raise ValueError(_("inputs is empty: give at least one input to try the function on"))
    if not callable(student_fn):
        return _report(False, label, _("got {answer}, which is not a function.").format(
            answer=_plain(student_fn)), hint)

    for case in cases:
        args = case if isinstance(case, tuple) else (case,)
        call = f"{label}({', '.join(_plain(arg) for arg in args)})"
        expected = reference_fn(*copy.deepcopy(args))
        try:
            got = student_fn(*copy.deepcopy(args))
        except NotImplementedError:
            return _not_answered(label, _("not written yet (it raises NotImplementedError): "
                                          "write its body, run that cell, then this one."))
        except Exception as error:  # a wrong answer: report it, do not raise
            message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return _report(False, call, _("raised {error}.").format(error=message), hint)
        if got is Ellipsis:
            return _not_answered(label, _("not written yet (it still returns ...): fill it "
                                          "in, run that cell, then this one."))
        if not _matches(got, expected, tol):
            text = _got_none() if got is None and expected is not None else _got(got)
            return _report(False, call, text, hint)
    if len(cases) > 1:
        text = _("same results as the reference on all {n} inputs").format(n=len(cases))
    else:
        text = _("same results as the reference on the input")
    return _report(True, label, text)


def question(answer: Any, question_id: str) -> bool:
    """Check the answer to one of the course's questions about ideas, and explain it.

    Prints ``✓`` or ``✗`` with the feedback written for that very answer: why it is right,
    or why that option is wrong. The question's text and options are in the notebook; its
    right answer and feedback are in the kit's question bank, out of sight.

    Parameters
    ----------
    answer : str or number
        A letter (``"b"``; case, spaces and brackets do not matter) for a multiple-choice
        question, a number for a numeric one.
    question_id : str
        ``"NN.k"``: question ``k`` of notebook ``NN``, as the notebook names it.

    Returns
    -------
    bool
        True when the answer is right.

    Raises
    ------
    ValueError
        For a question the bank does not hold (the message lists the notebook's questions).
    CheckFailed, NotAnsweredError
        In graded mode (``NEURONA_STRICT=1``), for a wrong or a missing answer. Otherwise a
        missing answer prints a reminder and, in a notebook, shows buttons to try the
        options and read their feedback in place.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.check.question("B", "00.1")   # doctest: +ELLIPSIS
    ✓ Question 00.1 (b): ...
    True
    """
    entry = _question_entry(question_id)
    label = _("Question {id}").format(id=question_id)
    if _holds_ellipsis(answer):
        if strict_mode() or not _widgets_shown():
            return _not_answered(label)
        why = _("not answered yet: try the answers with the buttons below, then write yours in "
                "the cell above and run this cell again.")
        print(f"{PENDING} {label}: {why}", flush=True)
        from IPython.display import display

        display(question_widget(question_id, entry))
        return False
    ok, shown, text = _judge(entry, answer)
    return _report(ok, f"{label} ({shown})", text)


_QUESTION_KINDS = ("choice", "number")


def _question_entry(question_id: str) -> dict:
    if not isinstance(question_id, str) or "." not in question_id:
        raise ValueError(_("question_id must read 'NN.k', e.g. '08.2', got {got!r}").format(
            got=question_id))
    notebook = question_id.split(".", 1)[0]
    bank = question_bank(notebook)
    if question_id not in bank:
        if not bank:
            raise ValueError(_("there is no question {id!r}; notebook {notebook} has no "
                               "questions").format(id=question_id, notebook=notebook))
        raise ValueError(_("there is no question {id!r}; notebook {notebook}'s questions: "
                           "{known}").format(id=question_id, notebook=notebook,
                                             known=", ".join(bank)))
    return bank[question_id]


def question_bank(notebook: str) -> dict[str, dict]:
    """Return notebook ``notebook``'s questions (``"08"`` -> {"08.1": entry, ...}), checked.

    Each entry has ``kind`` ("choice" or "number"), ``answer`` and ``feedback``: for a choice,
    one explanation per option letter; for a number, ``right``, ``low`` and ``high`` (and a
    relative ``tol``). Empty for a notebook without questions. With the kit in Spanish the
    feedback is the Spanish one, from ``questions/es/NN.json`` (kept in step with the English
    by ``tools/translations.py``); the answers are the English bank's.
    """
    bank = _load_bank(str(notebook))
    if language() == "es":
        spanish = _load_spanish_feedback(str(notebook))
        bank = {question_id: {**entry, "feedback": spanish.get(question_id, entry["feedback"])}
                for question_id, entry in bank.items()}
    return bank


@functools.cache
def _load_spanish_feedback(notebook: str) -> dict[str, dict[str, str]]:
    """{question id: Spanish feedback} of notebook ``notebook`` (empty without a Spanish bank)."""
    path = importlib.resources.files("neurona").joinpath("questions", "es", f"{notebook}.json")
    if not path.is_file():
        return {}
    return {question_id: entry["feedback"]
            for question_id, entry in json.loads(path.read_text(encoding="utf-8")).items()}


@functools.cache
def _load_bank(notebook: str) -> dict[str, dict]:
    path = importlib.resources.files("neurona").joinpath("questions", f"{notebook}.json")
    if not path.is_file():
        return {}
    bank = json.loads(path.read_text(encoding="utf-8"))
    for question_id, entry in bank.items():
        kind = entry.get("kind")
        if kind not in _QUESTION_KINDS:
            raise ValueError(_("question {id}: kind must be one of {kinds}, got {kind!r}").format(
                id=question_id, kinds=_QUESTION_KINDS, kind=kind))
        feedback = entry.get("feedback", {})
        if kind == "choice" and entry.get("answer") not in feedback:
            raise ValueError(_("question {id}: the answer {answer!r} is not one of its options "
                               "{options}").format(id=question_id, answer=entry.get("answer"),
                                                   options=sorted(feedback)))
        if kind == "number" and set(feedback) != {"right", "low", "high"}:
            raise ValueError(_("question {id}: a number's feedback needs 'right', 'low' and "
                               "'high'").format(id=question_id))
    return bank


def _judge(entry: dict, answer: Any) -> tuple[bool, str, str]:
    """Whether ``answer`` is right, the answer as shown, and the text that explains it."""
    feedback = entry["feedback"]
    if entry["kind"] == "choice":
        letters = list(feedback)
        letter = str(answer).strip().strip("()[]. ").lower() if isinstance(answer, str) else None
        if letter not in feedback:
            text = _("not one of the options; answer {options} or {last!r}.").format(
                options=", ".join(repr(x) for x in letters[:-1]), last=letters[-1])
            return False, _plain(answer), text
        return letter == entry["answer"], letter, feedback[letter]
    number = _numbers(answer)
    if number is None or number.ndim != 0:
        return False, _plain(answer), _("expected a number.")
    right = float(entry["answer"])
    got = float(number)
    if _close(np.asarray(got), np.asarray(right), float(entry.get("tol", 1e-6))):
        return True, _pretty(got), feedback["right"]
    return False, _pretty(got), feedback["low" if got < right else "high"]


def _widgets_shown() -> bool:
    """Whether this runs in a Jupyter kernel with ipywidgets, where a widget can be drawn."""
    from neurona.plots.render import kernel_shell

    if kernel_shell() is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:  # pragma: no cover - ipywidgets is a dependency
        return False
    return True


def question_widget(question_id: str, entry: dict | None = None):
    """Return the widget that tries answers to question ``question_id`` and shows feedback.

    A row of letter buttons for a multiple-choice question, a number box and a button for a
    numeric one; the feedback appears under it. Nothing is recorded: the answer cell is.
    """
    import html

    import ipywidgets as widgets

    entry = entry or _question_entry(question_id)
    feedback = widgets.HTML(value="")

    def show(answer: Any) -> None:
        ok, shown, text = _judge(entry, answer)
        mark = RIGHT if ok else WRONG
        feedback.value = f"<b>{mark}</b> {html.escape(f'({shown}): {text}')}"

    if entry["kind"] == "choice":
        picker = widgets.ToggleButtons(options=list(entry["feedback"]), value=None,
                                       description=_("try"), style={"button_width": "3em"})
        picker.observe(lambda change: change["new"] is not None and show(change["new"]),
                       names="value")
        controls = [picker]
    else:
        box = widgets.FloatText(description=_("try"), layout=widgets.Layout(width="14em"))
        button = widgets.Button(description=_("Check"), layout=widgets.Layout(width="7em"))
        button.on_click(lambda _button: show(box.value))
        controls = [widgets.HBox([box, button])]
    return widgets.VBox([*controls, feedback])


# -- internals -------------------------------------------------------------------------


def _not_answered(name: str, why: str = "") -> bool:
    text = f"{name}: " + (
        why or _("not answered yet: replace the ... in the cell above, run it, then this cell."))
    if strict_mode():
        raise NotAnsweredError(text)
    print(f"{PENDING} {text}")
    return False


def _got(answer: Any, shown: bool = False) -> str:
    """Return the sentence of a wrong answer, "got 3, expected something else."."""
    return _("got {answer}, expected something else.").format(
        answer=answer if shown else _plain(answer))


def _got_none() -> str:
    """Return the sentence of an answer that is None (a function without ``return``?)."""
    return _("got None, expected something else.") + " " + _(_FORGOT_RETURN)


def _holds_ellipsis(answer: Any, depth: int = 0) -> bool:
    if answer is Ellipsis:
        return True
    if depth >= 3:  # answers are shallow; do not walk big structures
        return False
    if isinstance(answer, (list, tuple)) and len(answer) <= 100:
        return any(_holds_ellipsis(item, depth + 1) for item in answer)
    if isinstance(answer, Mapping) and len(answer) <= 100:
        return any(_holds_ellipsis(item, depth + 1) for item in answer.values())
    return False


def _report(ok: bool, name: str, text: str, hint: str = "") -> bool:
    line = f"{RIGHT if ok else WRONG} {name}: {text}"
    if not ok and hint:
        line += " " + _("Hint: {hint}").format(hint=hint)
    print(line)
    if not ok and strict_mode():
        raise CheckFailed(line)
    return ok


def _numbers(x: Any) -> np.ndarray | None:
    """``x`` as an array of numbers, or None when it is not numbers (strings, None, ...)."""
    if isinstance(x, (str, bytes)) or x is None:
        return None
    try:
        array = np.asarray(x)
    except (TypeError, ValueError):
        return None
    if array.dtype.kind not in "biufc":
        return None
    return array


def _close(a: np.ndarray, e: np.ndarray, tol: float) -> bool:
    if a.dtype.kind == "c" or e.dtype.kind == "c":
        return bool(np.allclose(a, e, rtol=tol, atol=tol, equal_nan=True))
    return bool(np.allclose(a.astype(float), e.astype(float), rtol=tol, atol=tol, equal_nan=True))


def _matches(got: Any, expected: Any, tol: float) -> bool:
    """Whether a function's result equals the reference's (numbers up to ``tol``)."""
    if expected is None or got is None:
        return got is expected
    if isinstance(expected, (str, bytes)) or isinstance(got, (str, bytes)):
        return _same(got, expected)
    if isinstance(expected, Mapping):
        return (
            isinstance(got, Mapping)
            and set(got) == set(expected)
            and all(_matches(got[key], expected[key], tol) for key in expected)
        )
    right = _numbers(expected)
    if right is not None:
        numbers = _numbers(got)
        return numbers is not None and numbers.shape == right.shape and _close(numbers, right, tol)
    if isinstance(expected, Sequence) and isinstance(got, Sequence):
        return len(got) == len(expected) and all(
            _matches(g, e, tol) for g, e in zip(got, expected, strict=True)
        )
    return _same(got, expected)


def _same(a: Any, b: Any) -> bool:
    """Exact equality that also works for arrays (same shape, same elements)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            left, right = np.asarray(a), np.asarray(b)
        except (TypeError, ValueError):
            return False
        return left.shape == right.shape and bool(np.array_equal(left, right))
    try:
        result = a == b
        return bool(result) if not isinstance(result, np.ndarray) else bool(np.all(result))
    except (TypeError, ValueError):
        return False


def _shape_spec(expected_shape: Any) -> tuple[int | None, ...]:
    if isinstance(expected_shape, (int, np.integer)) and not isinstance(expected_shape, bool):
        return (int(expected_shape),)
    try:
        spec = tuple(expected_shape)
    except TypeError:
        raise TypeError(
            _("expected_shape must be a tuple such as (60000, 784), got {got!r}").format(
                got=expected_shape)
        ) from None
    for size in spec:
        if size is not None and (isinstance(size, bool) or not isinstance(size, (int, np.integer))):
            raise TypeError(
                _("expected_shape must hold whole numbers or None, got {got!r}").format(
                    got=expected_shape)
            )
    return tuple(None if size is None else int(size) for size in spec)


def _shape_of(array: Any) -> tuple | None:
    if hasattr(array, "shape") and not callable(array.shape):
        try:
            return tuple(None if size is None else int(size) for size in array.shape)
        except (TypeError, ValueError):
            return None
    if isinstance(array, tuple) and all(
        isinstance(size, (int, np.integer)) and not isinstance(size, bool) for size in array
    ):
        return tuple(int(size) for size in array)  # already a shape, e.g. x.shape
    try:
        return np.shape(array)
    except (TypeError, ValueError):
        return None


def _shape_text(shape_: tuple) -> str:
    return "(" + ", ".join(str(size) for size in shape_) + ("," if len(shape_) == 1 else "") + ")"


def _pretty(x: Any) -> str:
    """Write an answer as the ✓ line shows it: thousands separated, floats to 6 digits."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return grouped(int(x))
    if isinstance(x, (float, np.floating)):
        number = float(x)
        if math.isfinite(number) and number == round(number) and abs(number) < 1e15:
            return grouped(int(number))
        return grouped(number, ",.6g")
    return _plain(x)


def _plain(x: Any) -> str:
    """Write an answer as given, short: numbers as typed, big arrays by their shape."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return repr(float(x))
    if isinstance(x, np.ndarray) or (hasattr(x, "shape") and hasattr(x, "dtype")):
        array = np.asarray(x)
        if array.ndim == 0:
            return _plain(array.item())
        if array.size <= _MAX_SHOWN:
            return np.array2string(array, precision=4, separator=" ")
        return _("an array of shape {shape}").format(shape=_shape_text(array.shape))
    if callable(x):
        return _("the function {name}").format(name=getattr(x, "__name__", type(x).__name__))
    text = repr(x)
    if len(text) <= 60:
        return text
    return _("a {kind} of length {length}").format(kind=type(x).__name__, length=_length(x))


def _length(x: Any) -> str:
    try:
        return str(len(x))
    except TypeError:
        return "?"
