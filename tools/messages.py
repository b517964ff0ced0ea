"""The kit's message catalogue: what the package says, in Spanish (maintainers', translators' tool).

The kit's messages are written in English in ``src/neurona`` and marked ``_("...")``,
``N_("...")``, ``ngettext("...", "...", n)`` or ``pgettext("context", "...")`` (see
:mod:`neurona.i18n`). Their Spanish lives in
one gettext catalogue, ``src/neurona/locale/es/LC_MESSAGES/neurona.po``, compiled to
``neurona.mo`` beside it (the file the kit reads; both are committed). Babel, which JupyterLab
already installs, reads the code and writes the catalogue; the kit itself needs only the standard
library's :mod:`gettext`.

How a translator works::

    python tools/messages.py update   # add new messages to the .po (empty), mark changed ones fuzzy
    python tools/messages.py todo     # the messages without a (current) translation, as JSON
    # translate: edit the .po, or write {"English": "Español", ...} to a file and
    python tools/messages.py fill FILE.json
    python tools/messages.py compile     # write neurona.mo
    python tools/messages.py check       # what the tests check (nothing printed: all good)

``check`` fails for a message in the code without a translation, a fuzzy translation (its English
changed), an entry for a message no longer in the code, a translation whose ``{fields}`` differ
from the English ones, or a ``.mo`` that is not the compiled ``.po``. Messages use ``str.format``
fields (``_("{n} epochs").format(n=n)``), never f-strings, which gettext cannot look up.
"""

from __future__ import annotations

import argparse
import io
import json
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "neurona"
LOCALE = PACKAGE / "locale"
LANGUAGE = "es"
PO = LOCALE / LANGUAGE / "LC_MESSAGES" / "neurona.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# How a message with a context is keyed in todo's and fill's JSON: "context::message".
CONTEXT_SEPARATOR = "::"
HEADER = "The Spanish messages of the neurona kit (see tools/messages.py)."


def extract() -> Catalog:
    """Return every message marked in ``src/neurona``, in the order of the files and lines."""
    template = Catalog(domain="neurona", project="neurona", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True):
        template.add(message, locations=[(f"neurona/{filename}", lineno)],
                     auto_comments=comments, context=context)
    return template


def read() -> Catalog:
    """Return the Spanish catalogue as it is on disk (an empty one if there is none yet)."""
    if not PO.exists():
        return Catalog(locale=LANGUAGE, domain="neurona", project="neurona", version="",
                       header_comment=f"# {HEADER}", fuzzy=False,
                       msgid_bugs_address="https://github.com/neurona-course/neurona/issues",
                       last_translator="the neurona course", language_team="es")
    with PO.open("rb") as handle:
        return read_po(handle, locale=LANGUAGE, domain="neurona")


def po_bytes(catalog: Catalog) -> bytes:
    """Return the .po file of ``catalog`` as this tool writes it.

    Its locations name files without line numbers, so that moving code leaves it alone.
    """
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """Return the compiled .mo of ``catalog`` (fuzzy translations left out, as gettext expects)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def write(catalog: Catalog) -> None:
    """Write the .po and the compiled .mo."""
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(po_bytes(catalog))
    MO.write_bytes(mo_bytes(read()))


def update() -> Catalog:
    """Bring the catalogue in step with the code.

    New messages come in empty, changed ones keep their old Spanish marked fuzzy, gone ones go.
    """
    catalog = read()
    catalog.update(extract(), update_creation_date=False)
    catalog.obsolete.clear()
    write(catalog)
    return catalog


def _fields(text: str) -> list[tuple[str, str, str]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        return [("<unparsable>", str(error), "")]
    return sorted((name, conversion or "", spec or "")
                  for _literal, name, spec, conversion in parsed if name is not None)


def _translations(entry) -> list[str]:
    return list(entry.string) if isinstance(entry.string, tuple) else [entry.string]


def _ids(entry) -> list[str]:
    return list(entry.id) if isinstance(entry.id, tuple) else [entry.id]


def _key(entry) -> str:
    """How ``entry`` is named in JSON and in problems: its (singular) English, after its context."""
    english = _ids(entry)[0]
    return f"{entry.context}{CONTEXT_SEPARATOR}{english}" if entry.context else english


def check() -> list[str]:
    """Every problem of the catalogue, one line each (none: all good)."""
    problems = []
    template = extract()
    catalog = read()
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        where = message.locations[0][0] if message.locations else "?"
        key = _key(message)
        if entry is None:
            problems.append(f"missing: {key!r} ({where}); run: python tools/messages.py update")
        elif entry.fuzzy:
            problems.append(f"fuzzy (the English changed): {key!r} ({where})")
        elif not all(_translations(entry)):
            problems.append(f"untranslated: {key!r} ({where})")
        else:
            english = _fields(_ids(entry)[-1])
            for text in _translations(entry):
                if _fields(text) != english:
                    problems.append(f"fields differ: {key!r} has {english}, "
                                    f"the Spanish {_fields(text)}")
    for entry in catalog:
        if entry.id and template.get(entry.id, context=entry.context) is None:
            problems.append(f"obsolete: {_key(entry)!r} is no longer in the code; "
                            "run: python tools/messages.py update")
    if PO.exists() and PO.read_bytes() != po_bytes(catalog):
        problems.append(f"{PO.relative_to(ROOT)} is not written as the tool writes it; "
                        "run: python tools/messages.py update")
    if not MO.exists() or MO.read_bytes() != mo_bytes(catalog):
        problems.append(f"{MO.relative_to(ROOT)} is not the compiled .po; "
                        "run: python tools/messages.py compile")
    return problems


def todo() -> dict[str, str]:
    """Return the messages without a current translation: {English: ""} (plurals: singular)."""
    catalog = read()
    return {_key(entry): "" for entry in catalog
            if entry.id and (entry.fuzzy or not all(_translations(entry)))}


def fill(translations: dict[str, str | list[str]]) -> list[str]:
    """Set the Spanish of the messages in ``translations`` and write the catalogue.

    ``translations`` is {English: Spanish}; a plural message takes [singular, plural], a message
    with a context is keyed ``"context::English"``. Returns
    the English keys the catalogue does not have.
    """
    catalog = read()
    unknown = []
    for english, spanish in translations.items():
        entry = next((e for e in catalog if e.id and _key(e) == english), None)
        if entry is None:
            unknown.append(english)
            continue
        entry.string = tuple(spanish) if isinstance(entry.id, tuple) else spanish
        entry.flags.discard("fuzzy")
        entry.previous_id = []
    write(catalog)
    return unknown


def main(argv: list[str] | None = None) -> int:
    """Command line: ``update``, ``todo``, ``fill FILE.json``, ``compile``, ``check``."""
    parser = argparse.ArgumentParser(description="The kit's Spanish message catalogue.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="add the code's new messages, mark changed ones fuzzy")
    commands.add_parser("todo", help="print the messages to translate, as JSON")
    sub = commands.add_parser("fill", help="set translations from a JSON file {English: Spanish}")
    sub.add_argument("file", type=Path)
    commands.add_parser("compile", help="write neurona.mo from neurona.po")
    commands.add_parser("check", help="list what is missing, fuzzy, obsolete or not compiled")
    args = parser.parse_args(argv)
    if args.command == "update":
        catalog = update()
        print(f"{PO.relative_to(ROOT)}: {sum(1 for e in catalog if e.id)} messages, "
              f"{len(todo())} to translate")
    elif args.command == "todo":
        print(json.dumps(todo(), ensure_ascii=False, indent=1))
    elif args.command == "fill":
        unknown = fill(json.loads(args.file.read_text(encoding="utf-8")))
        for english in unknown:
            print(f"not in the catalogue (run update first?): {english!r}", file=sys.stderr)
        return 1 if unknown else 0
    elif args.command == "compile":
        MO.write_bytes(mo_bytes(read()))
    else:
        problems = check()
        print("\n".join(problems) if problems else "the Spanish messages are complete")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
