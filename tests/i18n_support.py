"""What the tests of the kit's Spanish share: showing the same thing in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from neurona import i18n

Shown = TypeVar("Shown")


def in_both(make: Callable[[], Shown]) -> tuple[Shown, Shown]:
    """Return what ``make()`` shows with the kit in English, then in Spanish (English after)."""
    i18n.set_language("en")
    try:
        english = make()
        i18n.set_language("es")
        spanish = make()
    finally:
        i18n.set_language("en")
    return english, spanish
