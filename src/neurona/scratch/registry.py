"""Choosing a piece by name from one of the scratch package's menus."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

__all__ = ["look_up"]

T = TypeVar("T")


def look_up(registry: Mapping[str, T], name: Any, kind: str) -> T:
    """Return ``registry[name]``, or raise a ValueError that lists the allowed names.

    Examples
    --------
    >>> look_up({"relu": 1, "tanh": 2}, "tanh", "activation")
    2
    >>> look_up({"relu": 1}, "swish", "activation")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'swish'; allowed: 'relu'
    """
    if not isinstance(name, str) or name not in registry:
        allowed = ", ".join(repr(n) for n in registry)
        raise ValueError(f"unknown {kind} {name!r}; allowed: {allowed}")
    return registry[name]
