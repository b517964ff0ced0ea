"""Checks of the numbers a student types, with a message that names the allowed values."""

from __future__ import annotations

import numbers
from typing import Any


def whole_number(name: str, value: Any, low: int, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is a whole number from ``low`` to ``high``.

    ``True``/``False`` and floats such as ``3.0`` are refused: a setting that needs a count
    says so. Without ``high`` only the lower bound is checked.

    Raises
    ------
    ValueError
        Naming the setting, the allowed range and the value given.

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
    """
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if high is None:
        if not whole or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}; got {value!r}")
    elif not whole or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high:,}; got {value!r}")
    return int(value)
