"""The kit's language: its messages, panels and plots in English or in Spanish.

Every text the kit shows a student (a panel's buttons and labels, the doctor's report, the one-line
notices, run summaries, the ledger's columns, the titles and axes of its plots, the messages of
the errors it raises) is written in English in the code and marked for translation::

    from neurona.i18n import _
    button = widgets.Button(description=_("Train"))
    raise ValueError(_("unknown optimizer {name!r}; choose one of {allowed}").format(...))

The translations live in one gettext message catalogue,
``neurona/locale/es/LC_MESSAGES/neurona.po``, compiled to ``neurona.mo`` beside it (the maintainers'
tool ``tools/messages.py`` extracts the messages, checks the catalogue and compiles it). At run
time only the standard library's :mod:`gettext` reads it.

The language is chosen by ``NEURONA_LANG=es`` in the environment or by ``nr.set_language("es")``
in a notebook (every Spanish notebook does it in its set-up cell). It applies to what is made
after the call: a panel or a figure already on the screen keeps its words. An error raised to
Python keeps its English class (``ValueError``) and carries the message in the chosen language.

Numbers in a message keep Python's decimal point (as the numbers a notebook prints do); thousands
are grouped with :func:`grouped`, which in Spanish uses a thin space instead of a comma.

A short message that means different things in different places (a noun here, a verb there) takes
a context: ``pgettext("doctor table", "Check")``.

A message shown later than it is written (a table of labels at the top of a module) is marked
with ``N_("...")``, which only marks it, and translated where it is shown with ``_(label)``.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

__all__ = ["set_language", "language"]

LANG_ENV = "NEURONA_LANG"
# The languages the kit speaks; English is the language of the code and needs no catalogue.
LANGUAGES = {"en": "English", "es": "español"}
DOMAIN = "neurona"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_ENGLISH = gettext.NullTranslations()
_translations: gettext.NullTranslations = _ENGLISH
_language = "en"


def _(message: str) -> str:
    """Return ``message`` (English, as written in the code) in the kit's language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or the plural form of a message for ``n``, in the kit's language."""
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Return ``message`` in the kit's language, as meant in ``context``.

    For a short message that two places mean differently: the table header "Check" of the doctor
    (a noun) and the button "Check" of a question (a verb) are one English word, two Spanish ones.
    """
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it (it is translated where shown)."""
    return message


def grouped(value: float, spec: str = ",") -> str:
    """Format ``value`` with ``spec`` (which groups thousands with ``","``) for the kit's language.

    Spanish groups thousands with a thin space, since a comma there marks decimals: ``1,024``
    would read as one and a bit. Decimals keep the point, as the numbers Python prints do.

    Examples
    --------
    >>> grouped(1024), grouped(12345.678, ",.1f")
    ('1,024', '12,345.7')
    """
    text = format(value, spec)
    return text.replace(",", "\u202f") if _language == "es" else text


def _normalise(code: str) -> str | None:
    """``"es"``, ``"ES"``, ``"es_ES.UTF-8"``, ``"es-419"``: ``"es"``; None for another language."""
    if not isinstance(code, str):
        return None
    base = code.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return base if base in LANGUAGES else None


def _catalogue(code: str) -> gettext.NullTranslations:
    if code == "en":
        return _ENGLISH
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code])


def set_language(code: str) -> None:
    """Choose the language of the kit's messages, panels and plots: ``"en"`` or ``"es"``.

    What is made after the call speaks that language; a panel or a figure already shown keeps
    its words (run its cell again). ``NEURONA_LANG`` chooses the language a kernel starts with.

    Parameters
    ----------
    code : str
        ``"en"`` (English) or ``"es"`` (español); a regional form such as ``"es_ES"`` is accepted.

    Raises
    ------
    ValueError
        For a language the kit does not speak; the message names the ones it does.

    Examples
    --------
    >>> set_language("es")
    >>> language()
    'es'
    >>> set_language("en")
    >>> set_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: the kit does not speak 'fr'; choose one of 'en' (English), 'es' (español)
    """
    global _translations, _language
    chosen = _normalise(code)
    if chosen is None:
        allowed = ", ".join(f"{key!r} ({name})" for key, name in LANGUAGES.items())
        raise ValueError(_("the kit does not speak {code!r}; choose one of {allowed}").format(
            code=code, allowed=allowed))
    _translations = _catalogue(chosen)
    _language = chosen


def language() -> str:
    """Return the code of the kit's language now: ``"en"`` or ``"es"``."""
    return _language


def _from_environment() -> None:
    raw = os.environ.get(LANG_ENV, "").strip()
    if not raw:
        return
    chosen = _normalise(raw)
    if chosen is None:
        from neurona.settings import notice

        allowed = ", ".join(LANGUAGES)
        notice(f"{LANG_ENV}={raw!r} is not a language the kit speaks ({allowed}); using English",
               once=True)
        return
    set_language(chosen)


_from_environment()
