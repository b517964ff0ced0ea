"""Self-check exercises: compare an answer with the right one and say so in one line.

Each check prints ``✓`` and the answer when it is right, or ``✗``, what was given and the
hint when it is wrong, and returns True or False. A wrong answer never raises (a student
should read a hint, not a traceback) and the expected value is never printed, so that
the exercise still makes you think. An answer still left as ``...`` raises
:class:`NotAnsweredError`: the cell is not done yet.

How the notebooks use it
------------------------
Exercises follow the nbgrader convention. In the teacher's notebook an exercise cell
reads::

    hidden_parameters = ...
    ### BEGIN SOLUTION
    hidden_parameters = 28 * 28 * 128 + 128
    ### END SOLUTION
    nr.check.value(hidden_parameters, model.layers[1].count_params(),
                   hint="784 inputs per unit, 128 units, and one bias per unit")

``course/solutions/make_student_version.py`` deletes every block from
``### BEGIN SOLUTION`` to ``### END SOLUTION``, so the students' copy keeps
``hidden_parameters = ...`` for them to fill in, and the check below it tells them whether
they got it. The teacher's copy runs from top to bottom with the solutions, which is how
the tests execute the notebooks.

Examples
--------
>>> import neurona as nr
>>> nr.check.value(784 * 128 + 128, 100480)
✓ answer: 100,480
True
>>> nr.check.value(784 * 128, 100480, hint="one bias per unit, too")
✗ answer: got 100352, expected something else. Hint: one bias per unit, too
False
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from neurona.validate import real_number

__all__ = ["NotAnsweredError", "equal", "function", "shape", "value"]

RIGHT = "✓"
WRONG = "✗"
_FORGOT_RETURN = "Did you forget to return or assign a value?"
_MAX_SHOWN = 6  # arrays up to this many numbers are written out in the messages
_TOL_MEANS = "a relative tolerance such as 1e-6"


class NotAnsweredError(ValueError):
    """Raised when an answer is still ``...``: the exercise has not been filled in."""


def value(
    answer: Any, expected: Any, hint: str = "", tol: float = 1e-6, name: str = "answer"
) -> bool:
    """Check a number or an array of numbers, up to a relative tolerance.

    Parameters
    ----------
    answer : number or array-like
        The student's answer.
    expected : number or array-like
        The right answer (never printed).
    hint : str
        Printed after a wrong answer.
    tol : float
        Relative tolerance: ``|answer - expected| <= tol * |expected|``, and at least
        ``tol`` in absolute terms, so that an expected 0 can be met. Arrays must have the
        expected shape and every element must be within the tolerance.
    name : str
        What is checked, for the printed line.

    Returns
    -------
    bool
        True when the answer is right.

    Raises
    ------
    NotAnsweredError
        If ``answer`` is still ``...``.

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
    _require_answer(answer, name)
    tol = real_number("tol", tol, 0, 1, high_open=True, note=_TOL_MEANS)
    if answer is None:
        return _report(False, name, f"got None, expected something else. {_FORGOT_RETURN}", hint)
    numbers = _numbers(answer)
    if numbers is None:
        return _report(False, name, f"got {_plain(answer)}, expected a number.", hint)
    right = _numbers(expected)
    if right is None:
        raise TypeError(f"expected must be a number or an array of numbers, got {expected!r}")
    if numbers.shape != right.shape:
        what = "a number" if numbers.ndim == 0 else f"an array of shape {numbers.shape}"
        return _report(False, name, f"got {what}, expected another shape.", hint)
    if _close(numbers, right, tol):
        return _report(True, name, _pretty(answer))
    return _report(False, name, f"got {_plain(answer)}, expected something else.", hint)


def shape(array: Any, expected_shape: Any, hint: str = "", name: str = "shape") -> bool:
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
    name : str
        What is checked, for the printed line.

    Returns
    -------
    bool

    Raises
    ------
    NotAnsweredError
        If ``array`` is still ``...``.

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
    _require_answer(array, name)
    wanted = _shape_spec(expected_shape)
    if array is None:
        return _report(False, name, f"got None, expected an array. {_FORGOT_RETURN}", hint)
    actual = _shape_of(array)
    if actual is None:
        return _report(False, name, f"got {_plain(array)}, which has no shape.", hint)
    matches = len(actual) == len(wanted) and all(
        w is None or a == w for a, w in zip(actual, wanted, strict=True)
    )
    if matches:
        return _report(True, name, _shape_text(actual))
    return _report(False, name, f"got {_shape_text(actual)}, expected something else.", hint)


def equal(answer: Any, expected: Any, hint: str = "", name: str = "answer") -> bool:
    """Check an answer that must be exactly right: a string, an integer, a tuple.

    Parameters
    ----------
    answer : object
        The student's answer.
    expected : object
        The right answer (never printed); compared with ``==`` (arrays: same shape and
        elements).
    hint : str
        Printed after a wrong answer.
    name : str
        What is checked, for the printed line.

    Returns
    -------
    bool

    Raises
    ------
    NotAnsweredError
        If ``answer`` is still ``...``.

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
    _require_answer(answer, name)
    if _same(answer, expected):
        return _report(True, name, _pretty(answer))
    if answer is None:
        return _report(False, name, f"got None, expected something else. {_FORGOT_RETURN}", hint)
    note = ""
    if isinstance(answer, str) and isinstance(expected, str):
        if " ".join(answer.split()).lower() == " ".join(expected.split()).lower():
            note = " Look at upper/lower case and spaces."
    elif (
        isinstance(answer, (list, tuple))
        and isinstance(expected, (list, tuple))
        and type(answer) is not type(expected)
        and _same(list(answer), list(expected))
    ):
        note = f" The items are right, but it should be a {type(expected).__name__}."
    return _report(False, name, f"got {_plain(answer)}, expected something else.{note}", hint)


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
    NotAnsweredError
        If the function is still ``...``, returns ``...`` or raises NotImplementedError.
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
    label = name or getattr(student_fn, "__name__", None) or "function"
    if label == "<lambda>":
        label = "function"
    _require_answer(student_fn, label)
    tol = real_number("tol", tol, 0, 1, high_open=True, note=_TOL_MEANS)
    if not callable(reference_fn):
        raise TypeError(f"reference_fn must be a function, got {reference_fn!r}")
    cases = list(inputs)
    if not cases:
        raise ValueError("inputs is empty: give at least one input to try the function on")
    if not callable(student_fn):
        return _report(False, label, f"got {_plain(student_fn)}, which is not a function.", hint)

    for case in cases:
        args = case if isinstance(case, tuple) else (case,)
        call = f"{label}({', '.join(_plain(arg) for arg in args)})"
        expected = reference_fn(*copy.deepcopy(args))
        try:
            got = student_fn(*copy.deepcopy(args))
        except NotImplementedError:
            raise NotAnsweredError(
                f"{label} is not written yet (it raises NotImplementedError): "
                "fill in its body first, then run this cell again"
            ) from None
        except Exception as error:  # a wrong answer: report it, do not raise
            message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return _report(False, call, f"raised {message}.", hint)
        if got is Ellipsis:
            raise NotAnsweredError(
                f"{label} still returns ...: fill in the ... first, then run this cell again"
            )
        if not _matches(got, expected, tol):
            text = f"got {_plain(got)}, expected something else."
            if got is None and expected is not None:
                text += f" {_FORGOT_RETURN}"
            return _report(False, call, text, hint)
    count = f"all {len(cases)} inputs" if len(cases) > 1 else "the input"
    return _report(True, label, f"same results as the reference on {count}")


# -- internals -------------------------------------------------------------------------


def _require_answer(answer: Any, name: str) -> None:
    if _holds_ellipsis(answer):
        raise NotAnsweredError(
            f"{name} is still ...: fill in the ... first, then run this cell again"
        )


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
        line += f" Hint: {hint}"
    print(line)
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
            f"expected_shape must be a tuple such as (60000, 784), got {expected_shape!r}"
        ) from None
    for size in spec:
        if size is not None and (isinstance(size, bool) or not isinstance(size, (int, np.integer))):
            raise TypeError(
                f"expected_shape must hold whole numbers or None, got {expected_shape!r}"
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
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        number = float(x)
        if math.isfinite(number) and number == round(number) and abs(number) < 1e15:
            return f"{int(number):,}"
        return f"{number:,.6g}"
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
        return f"an array of shape {_shape_text(array.shape)}"
    if callable(x):
        return f"the function {getattr(x, '__name__', type(x).__name__)}"
    text = repr(x)
    return text if len(text) <= 60 else f"a {type(x).__name__} of length {_length(x)}"


def _length(x: Any) -> str:
    try:
        return str(len(x))
    except TypeError:
        return "?"
