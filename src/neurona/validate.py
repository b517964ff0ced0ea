"""Checks of the arguments a student types, each with one message that names the allowed values.

Every module checks its arguments with these four functions instead of writing the test
inline, so that a count, a rate, a name from a menu or a set of 2-D points is refused with
the same sentence everywhere: the argument's name, what is allowed, and what was given.

- :func:`whole_number`: a count or an index, ``int`` or NumPy integer, never ``True``/``False``
  and never ``3.0``;
- :func:`real_number`: a finite number in a range, each end open or closed;
- :func:`one_of`: a choice among names, suggesting the close match for a typo;
- :func:`points_2d`: an array of 2-D points, shape ``(n, 2)``.

Each returns the value it checked, converted (``int``, ``float``, a float array), so that a
caller writes ``epochs = whole_number("epochs", epochs, 1)``. Nothing heavy is imported here:
NumPy only when points are checked.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from neurona.i18n import _, grouped

__all__ = ["one_of", "points_2d", "real_number", "whole_number"]


def whole_number(
    name: str, value: Any, low: int, high: int | None = None, *, note: str = ""
) -> int:
    """Return ``value`` as an ``int`` if it is a whole number from ``low`` to ``high``.

    ``True``/``False`` and floats such as ``3.0`` are refused: a setting that needs a count
    says so. NumPy integers are accepted. Without ``high`` only the lower bound is checked.

    Parameters
    ----------
    name : str
        The argument's name, as the student typed it (``"epochs"``).
    value : object
        What was given.
    low, high : int
        The smallest and, if given, the largest allowed value (both allowed).
    note : str, optional
        A few words on what the number means, shown in parentheses (``"cells per side"``).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Naming the argument, the allowed range and the value given.

    Examples
    --------
    >>> whole_number("epochs", 5, 1, 100)
    5
    >>> whole_number("units", 0, 1, 1024)
    Traceback (most recent call last):
    ...
    ValueError: units must be a whole number from 1 to 1,024; got 0
    >>> whole_number("layers", 2.0, 1)
    Traceback (most recent call last):
    ...
    ValueError: layers must be a whole number >= 1; got 2.0
    >>> whole_number("seed", True, 0, note="True is not a seed")
    Traceback (most recent call last):
    ...
    ValueError: seed must be a whole number >= 0 (True is not a seed); got True
    """
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        allowed = _range_text(low, high, False, False, whole_numbers=True)
        raise ValueError(_must(name, _("a whole number {allowed}").format(allowed=allowed),
                               note, value))
    return int(value)


def real_number(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    note: str = "",
) -> float:
    """Return ``value`` as a ``float`` if it is a finite number in the range given.

    ``low_open=True`` excludes ``low`` itself (a learning rate is ``> 0``), ``high_open=True``
    excludes ``high`` (a validation split is ``< 1``). ``True``/``False``, NaN, infinities and
    strings such as ``"0.1"`` are refused; NumPy numbers are accepted.

    Parameters
    ----------
    name : str
        The argument's name, as the student typed it (``"learning_rate"``).
    value : object
        What was given.
    low, high : float, optional
        The ends of the allowed range; leave one out for no bound on that side.
    low_open, high_open : bool
        Whether ``low`` (``high``) itself is refused.
    note : str, optional
        A few words on what the number means, shown in parentheses (``"seconds"``).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Naming the argument, the allowed range and the value given.

    Examples
    --------
    >>> real_number("dropout", 0.5, 0, 0.9)
    0.5
    >>> real_number("learning_rate", 0, 0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a finite number > 0; got 0
    >>> real_number("validation_split", 1.0, 0, 1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: validation_split must be a number >= 0 and < 1; got 1.0
    >>> real_number("l2", "0.1", 0, note="0 means no weight decay")
    Traceback (most recent call last):
    ...
    ValueError: l2 must be a finite number >= 0 (0 means no weight decay); got '0.1'
    """
    real = isinstance(value, numbers.Real) and not _is_bool(value)
    ok = real and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        # With both ends given the range says it is finite; with one open side it says so.
        allowed = _range_text(low, high, low_open, high_open, whole_numbers=False)
        kind = (_("a number {allowed}") if low is not None and high is not None
                else _("a finite number {allowed}"))
        raise ValueError(_must(name, kind.format(allowed=allowed).rstrip(), note, value))
    return float(value)


def one_of(
    name: str,
    value: Any,
    allowed: Iterable[Any],
    *,
    meanings: Mapping[Any, str] | None = None,
) -> Any:
    """Return ``value`` if it is one of ``allowed``; else say which are, and the close match.

    ``allowed`` may be any collection (a tuple, a list, the keys of a dict). A string that
    is close to an allowed one (a typo, another case) gets a suggestion in the message.

    Parameters
    ----------
    name : str
        The argument's name, as the student typed it (``"optimizer"``).
    value : object
        What was given.
    allowed : iterable
        The allowed values, in the order the message lists them.
    meanings : mapping, optional
        A few words on each allowed value, shown after it in parentheses.

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    ValueError
        Naming the argument, every allowed value, the value given and, for a near miss,
        the allowed value it is closest to.

    Examples
    --------
    >>> one_of("optimizer", "adam", ("sgd", "adam"))
    'adam'
    >>> one_of("optimizer", "adma", ("sgd", "adam"))
    Traceback (most recent call last):
    ...
    ValueError: optimizer must be one of sgd, adam; got 'adma' (did you mean 'adam'?)
    >>> one_of("size", "Full", {"small": 8, "full": 16})
    Traceback (most recent call last):
    ...
    ValueError: size must be one of small, full; got 'Full' (did you mean 'full'?)
    >>> one_of("normalize", "row", (None, "true"), meanings={None: "counts", "true": "by row"})
    Traceback (most recent call last):
    ...
    ValueError: normalize must be one of None (counts), true (by row); got 'row'
    """
    choices = list(allowed)
    try:
        if value in choices and not (_is_bool(value) and not any(c is value for c in choices)):
            return value
    except (TypeError, ValueError):  # an array compared with names: not one of them
        pass
    meanings = meanings or {}
    listed = ", ".join(
        _shown(c) + (f" ({meanings[c]})" if c in meanings else "") for c in choices
    )
    message = _("{name} must be one of {listed}; got {value!r}").format(
        name=name, listed=listed, value=value)
    if isinstance(value, str):
        import difflib

        names = [c for c in choices if isinstance(c, str)]
        close = difflib.get_close_matches(value, names, n=1) or [
            c for c in names if c.lower() == value.lower()
        ]
        if close:
            message += " " + _("(did you mean {name!r}?)").format(name=close[0])
    raise ValueError(message)


def points_2d(name: str, value: Any, *, finite: bool = True, note: str = "") -> Any:
    """Return ``value`` as a float array of shape ``(n, 2)``: ``n >= 1`` points in the plane.

    Parameters
    ----------
    name : str
        The argument's name, as the student typed it (``"X"``).
    value : array_like
        What was given: a list of pairs or an array.
    finite : bool
        Whether NaN and infinite coordinates are refused (the default). A path of a run that
        blew up has them, and is drawn up to where it left the plane.
    note : str, optional
        A few words on what the points are, shown in parentheses (``"one row per sample"``).

    Returns
    -------
    numpy.ndarray
        Float64, shape ``(n, 2)``.

    Raises
    ------
    ValueError
        Naming the argument, the shape wanted and the shape (or the problem) found.

    Examples
    --------
    >>> points_2d("X", [[0, 1], [2, 3]]).shape
    (2, 2)
    >>> points_2d("X", [[0, 1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: X must be an (n, 2) array of finite 2-D points, n >= 1; got shape (1, 3)
    >>> points_2d("path", [[0.0, float("nan")]], finite=False).shape
    (1, 2)
    >>> points_2d("X", [[0.0, float("inf")]], note="x1, x2")
    Traceback (most recent call last):
    ...
    ValueError: X must be an (n, 2) array of finite 2-D points, n >= 1 (x1, x2); got NaN or inf
    """
    import numpy as np

    wanted = (_("an (n, 2) array of finite 2-D points, n >= 1") if finite
              else _("an (n, 2) array of 2-D points, n >= 1"))
    try:
        points = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(_must(name, wanted, note, value, got=_kind(value))) from None
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(_must(name, wanted, note, value,
                               got=_("shape {shape}").format(shape=points.shape)))
    if finite and not np.isfinite(points).all():
        raise ValueError(_must(name, wanted, note, value, got=_("NaN or inf")))
    return points


def _must(name: str, wanted: str, note: str, value: Any, got: str | None = None) -> str:
    """Write the one sentence: ``name must be wanted (note); got value``."""
    note = f" ({note})" if note else ""
    return _("{name} must be {wanted}{note}; got {got}").format(
        name=name, wanted=wanted, note=note, got=repr(value) if got is None else got)


def _range_text(
    low: float | None, high: float | None, low_open: bool, high_open: bool, *, whole_numbers: bool
) -> str:
    def num(x: float) -> str:
        if whole_numbers or (isinstance(x, numbers.Integral) and not isinstance(x, bool)):
            return grouped(int(x))
        return f"{x:g}"

    above = f"{'>' if low_open else '>='} {num(low)}" if low is not None else ""
    below = f"{'<' if high_open else '<='} {num(high)}" if high is not None else ""
    if low is not None and high is not None:
        if not (low_open or high_open):
            return _("from {low} to {high}").format(low=num(low), high=num(high))
        return _("{above} and {below}").format(above=above, below=below)
    return above or below


def _shown(choice: Any) -> str:
    """Write an allowed value as the list shows it: names bare, numbers as typed."""
    if isinstance(choice, str):
        return choice
    if isinstance(choice, float):
        return f"{choice:g}"
    return repr(choice)


def _kind(value: Any) -> str:
    return _("a {kind}").format(kind=type(value).__name__)


def _is_bool(value: Any) -> bool:
    """Tell ``True``/``False`` and NumPy's ``bool_`` apart from numbers (neither is one)."""
    return isinstance(value, bool) or type(value).__name__ == "bool_"
