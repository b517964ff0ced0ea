"""The Spanish notebooks: one source, two languages (maintainers' and translators' tool).

``notebooks/es/NN_name.ipynb`` is generated, never edited: it is the students' copy
``notebooks/NN_name.ipynb`` (no solutions) with its text replaced by the translations in
``course/es/catalogues/NN_name.json``, one catalogue per notebook, keyed by cell id::

    {"00-003": {"en": "3f2a9c0d81b7", "es": ["## 1. ¿Funciona todo?", "", "El *doctor*..."]}, ...}

``es`` is the Spanish source of the whole cell, line by line (a diff then shows the line);
``en`` is the fingerprint (first 12 hex digits of the SHA-256) of the English cell it translates.
When the English cell changes, its fingerprint no longer matches and the translation is *stale*:
``check`` and the tests fail until it is redone.

What a catalogue must hold:

- every markdown cell (the Sources cell too: its citations keep the Spanish titles of the
  documents, its sentences are translated like any other);
- a code cell only where it has comments or strings a student reads; a code cell without an
  entry is copied in English, as it is (the set-up cell, a bare ``nr.doctor()``);
- a graded check cell (the ``nr.check`` cell after an answer) may translate only what it tells
  the student (the ``name=`` and ``hint=`` it passes, what it prints, docstrings): nbgrader
  grades a Spanish hand-in with the English check cells, so every run name or key it looks up
  must be the English one, in the other cells too (the tests execute each Spanish notebook with
  the English check cells, as the grader does);
- a translated code cell has the same code: identifiers stay English, only comments and string
  constants (f-string text included, the order of its ``{...}`` fields free) may change. The
  comparison is of the Python syntax trees with every string replaced by a placeholder, so
  comments, line wrapping and spacing are free; a trailing ``;`` (which hides a cell's value)
  must be kept. IPython lines (``%magic``, ``%%cell_magic``, ``!shell``) must be identical,
  except the label after ``%%timed``, which is text a student reads; a cell magic's body is
  compared as Python.

The build keeps cell ids, metadata and tags, clears outputs, points the Colab badge of the
title cell at ``notebooks/es/<file>`` and writes the Spanish set-up cell (``SETUP_ES`` of
``tools/release.py``: the same code, then ``nr.set_language("es")``, so that the kit's panels,
messages and plots speak Spanish too). Strings that are data, not text (a run's name used again
as ``nr.ledger["..."]``, a loss name), are for the translator to keep consistent or untouched:
the tests execute every Spanish notebook in quick mode.

How a translator works::

    python tools/translations.py todo 03    # the cells of 03 to translate, with fingerprints
    python tools/translations.py todo 03 --json  # the same as entries to fill in (es: English)
    # write course/es/catalogues/03_mlp_from_scratch.json (each entry: "en" from todo, "es")
    python tools/translations.py build 03   # write notebooks/es/03_mlp_from_scratch.ipynb
    python tools/translations.py check      # stale, missing, orphan entries, code differences

After an English notebook changes (``course/grade.py notebooks``), ``check`` names the stale
entries; ``todo NN`` prints their English text; update ``es`` and ``en``, then ``build``.

The feedback of a notebook's questions (``src/neurona/questions/NN.json``, which the kit shows
when a student answers) has its Spanish in ``src/neurona/questions/es/NN.json``, one entry per
question: ``{"NN.k": {"en": fingerprint of the English feedback, "feedback": {"a": "...", ...}}}``.
``questions NN`` prints the entries still to translate (their feedback in English);
``check`` fails for a missing or stale one, as for the cells.

The course's pages (the syllabus ``course/README.md``, the glossary and the instructor pages)
have their Spanish in ``course/es/`` (``README.md``, ``glosario.md``, ``instructor/NN_name.md``).
A page is translated whole; its first line names the English page and the fingerprint of the
text it translates (``pages`` prints the line each must carry), so ``check`` names a page whose
English changed since. Each entry of the Spanish glossary gives its English term beside the
Spanish one: ``- **época** (*epoch*): ...``, in the English glossary's order.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from release import SETUP, SETUP_ES

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SPANISH = NOTEBOOKS / "es"
CATALOGUES = ROOT / "course" / "es" / "catalogues"
QUESTIONS = ROOT / "src" / "neurona" / "questions"
SPANISH_QUESTIONS = QUESTIONS / "es"
BADGE = re.compile(r"(colab\.research\.google\.com/github/[^)\s]+/blob/main/notebooks/)"
                   r"([^)\s/]+\.ipynb)")
# Cell magics whose argument is a label for the reader, free to translate.
LABEL_MAGICS = {"%%timed"}


def fingerprint(text: str) -> str:
    """Return the fingerprint a catalogue records for the English cell ``text`` (12 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# -- catalogues ------------------------------------------------------------------------------------

def catalogue_path(name: str) -> Path:
    """Return the catalogue of notebook ``name`` (its file name, ``NN_name.ipynb``)."""
    return CATALOGUES / (Path(name).stem + ".json")


def read_catalogue(path: Path) -> dict[str, dict[str, str]]:
    """Read a catalogue, checking its shape: ``{cell_id: {"en": fingerprint, "es": text}}``."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(entries, dict):
        raise ValueError(f"{path}: a catalogue is a JSON object keyed by cell id")
    for cell_id, entry in entries.items():
        if not (isinstance(entry, dict) and set(entry) == {"en", "es"}
                and isinstance(entry["en"], str) and isinstance(entry["es"], list)
                and all(isinstance(line, str) for line in entry["es"])):
            raise ValueError(f"{path}: entry {cell_id!r} must be {{\"en\": fingerprint, "
                             "\"es\": [Spanish text, line by line]}}")
        entry["es"] = "\n".join(entry["es"])
    return entries


def write_catalogue(path: Path, entries: dict[str, dict[str, str]]) -> None:
    """Write a catalogue the way it is committed: sorted keys, UTF-8, the text line by line."""
    lines = {cell_id: {"en": entry["en"], "es": entry["es"].split("\n")}
             for cell_id, entry in entries.items()}
    text = json.dumps(lines, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def translated_notebooks(only: list[str] | None = None) -> list[Path]:
    """Return the English students' notebooks that have a catalogue (``only``: those "NN")."""
    names = sorted(path.stem for path in CATALOGUES.glob("[0-9][0-9]_*.json"))
    paths = [NOTEBOOKS / f"{name}.ipynb" for name in names]
    return [p for p in paths if only is None or p.name[:2] in only]


# -- the feedback of the questions ---------------------------------------------------------------

def feedback_fingerprint(feedback: dict[str, str]) -> str:
    """Return the fingerprint a Spanish bank records for the English feedback of one question."""
    return fingerprint(json.dumps(feedback, ensure_ascii=False, sort_keys=True))


def write_feedback(path: Path, entries: dict[str, dict]) -> None:
    """Write a Spanish question bank the way it is committed (sorted keys, UTF-8)."""
    text = json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def compare_feedback(number: str) -> tuple[list[str], dict[str, dict]]:
    """Check notebook ``number``'s Spanish question bank against the English one.

    Returns the problems, one line each, and a draft of the entries still to translate
    (``{"NN.k": {"en": fingerprint, "feedback": the English feedback}}``).
    """
    english_path = QUESTIONS / f"{number}.json"
    if not english_path.exists():
        return [], {}
    english = json.loads(english_path.read_text(encoding="utf-8"))
    spanish_path = SPANISH_QUESTIONS / english_path.name
    where = f"questions/es/{english_path.name}"
    spanish = (json.loads(spanish_path.read_text(encoding="utf-8"))
               if spanish_path.exists() else {})
    problems, draft = [], {}
    for question_id, entry in english.items():
        feedback = entry["feedback"]
        ours = spanish.get(question_id)
        if ours is None or ours.get("en") != feedback_fingerprint(feedback):
            why = "missing" if ours is None else "stale: the English feedback changed"
            problems.append(f"{where}: {question_id} {why} (run: python tools/translations.py "
                            f"questions {number})")
            draft[question_id] = {"en": feedback_fingerprint(feedback), "feedback": feedback}
        elif set(ours.get("feedback", {})) != set(feedback) or not all(ours["feedback"].values()):
            problems.append(f"{where}: {question_id} must give feedback for exactly "
                            f"{sorted(feedback)}")
    problems += [f"{where}: {question_id} is no question of the English bank"
                 for question_id in spanish if question_id not in english]
    if spanish_path.exists() and spanish:
        written = json.dumps(spanish, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if spanish_path.read_text(encoding="utf-8") != written:
            problems.append(f"{where}: not written as write_feedback writes it")
    return problems, draft


# -- the course's pages ----------------------------------------------------------------------------

PAGE_HEADER = re.compile(r"<!-- traducción de (\S+), huella ([0-9a-f]{12})\b[^>]*-->")
GLOSSARY_TERM = re.compile(r"^- \*\*(.+?)\*\*(?: \(\*(.+?)\*[;)])?", re.MULTILINE)


def pages() -> dict[str, str]:
    """{English page: its Spanish page}, paths relative to the repository (``course/es/``)."""
    found = {"course/README.md": "course/es/README.md",
             "course/glossary.md": "course/es/glosario.md"}
    for path in sorted((ROOT / "course" / "instructor").glob("*.md")):
        found[f"course/instructor/{path.name}"] = f"course/es/instructor/{path.name}"
    return {english: spanish for english, spanish in found.items() if (ROOT / english).exists()}


def page_header(english: str) -> str:
    """Return the first line a Spanish page carries: the English page it translates, and when."""
    text = (ROOT / english).read_text(encoding="utf-8")
    return (f"<!-- traducción de {english}, huella {fingerprint(text)}: "
            "python tools/translations.py pages -->")


def glossary_terms(text: str, spanish: bool) -> list[str]:
    """Return the English terms of a glossary's entries, in order.

    A Spanish entry gives its English term in ``(*...*)`` after the bold one
    (``- **época** (*epoch*): ...``), or none when the two are the same.
    """
    return [(match[2] or match[1]) if spanish else match[1]
            for match in GLOSSARY_TERM.finditer(text)]


def compare_pages() -> list[str]:
    """Every problem of the Spanish pages of ``course/es/``, one line each (none: all good)."""
    problems = []
    for english, spanish in pages().items():
        path = ROOT / spanish
        if not path.exists():
            problems.append(f"{spanish}: missing, the translation of {english}")
            continue
        text = path.read_text(encoding="utf-8")
        first = text.split("\n", 1)[0]
        header = PAGE_HEADER.fullmatch(first)
        if header is None or header[1] != english:
            problems.append(f"{spanish}: its first line must be {page_header(english)!r}")
        elif first != page_header(english):
            problems.append(f"{spanish}: stale, {english} changed since it was translated "
                            f"(git diff its English, update the Spanish, then the first line)")
        if english.endswith("glossary.md"):
            theirs = glossary_terms((ROOT / english).read_text(encoding="utf-8"), spanish=False)
            ours = glossary_terms(text, spanish=True)
            if ours != theirs:
                lost = [t for t in theirs if t not in ours][:5]
                problems.append(f"{spanish}: its entries must give the English terms of "
                                f"{english} in the same order ({len(ours)} of {len(theirs)}; "
                                f"first missing or out of place: {lost})")
    return problems


# -- what "the same code" means --------------------------------------------------------------------

class _Strings(ast.NodeTransformer):
    """Replace every string constant by one placeholder; keep only an f-string's fields, sorted.

    A field's expression, conversion (``!r``) and format (``:.2f``) are kept as they are.
    """

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("<str>") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        fields = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        for field_ in fields:
            field_.value = self.visit(field_.value)
        node.values = sorted(fields, key=ast.dump)
        return node


def _magic(line: str) -> bool:
    return line.lstrip().startswith(("%", "!"))


def code_shape(source: str) -> tuple[list[str], str, bool]:
    """Return what must not change in a translation of code cell ``source``.

    Returns its IPython lines (labels of ``LABEL_MAGICS`` dropped), its Python syntax tree with
    strings replaced by a placeholder (comments and layout are not in it), and whether it ends
    with ``;``. Raises ``SyntaxError`` if the Python is not valid.
    """
    lines = source.splitlines()
    magics, python = [], []
    for line in lines:
        if _magic(line):
            words = line.split()
            magics.append(words[0] if words[0] in LABEL_MAGICS else " ".join(words))
            python.append("")  # keep line numbers for error messages
        else:
            python.append(line)
    tree = ast.parse("\n".join(python))
    hides_value = False
    if tree.body:  # a ';' right after the last statement hides the cell's value
        last = tree.body[-1]
        rest = python[last.end_lineno - 1].encode()[last.end_col_offset:]  # offsets count bytes
        hides_value = rest.lstrip().startswith(b";")
    tree = _Strings().visit(tree)
    return magics, ast.dump(tree), hides_value


def code_difference(english: str, spanish: str) -> str | None:
    """Why code cell ``spanish`` is not a translation of ``english``; ``None`` if it is."""
    try:
        ours = code_shape(spanish)
    except SyntaxError as error:
        return f"the Spanish cell is not valid Python ({error.msg}, line {error.lineno})"
    theirs = code_shape(english)
    if ours[0] != theirs[0]:
        return f"IPython lines differ: {theirs[0]} in English, {ours[0]} in Spanish"
    if ours[1] != theirs[1]:
        return "the code differs (only comments and strings may be translated)"
    if ours[2] != theirs[2]:
        return "a trailing ';' was added or removed"
    return None


# The arguments of a check a student reads: with print()'s arguments and docstrings, the only
# strings of a check cell that may change.
CHECK_TEXT_ARGUMENTS = {"name", "hint"}


def _data_strings(source: str) -> list[str]:
    """Return the string constants of ``source`` that are data, in order.

    Data is every string but the texts a student reads: the name= and hint= of a check (or a
    variable so named), what print() prints, docstrings.
    """
    tree = ast.parse("\n".join("" if _magic(line) else line for line in source.split("\n")))
    read = [keyword.value for call in ast.walk(tree) if isinstance(call, ast.Call)
            for keyword in call.keywords if keyword.arg in CHECK_TEXT_ARGUMENTS]
    read += [argument for call in ast.walk(tree) if isinstance(call, ast.Call)
             and isinstance(call.func, ast.Name) and call.func.id == "print"
             for argument in call.args]
    read += [node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
             and any(isinstance(target, ast.Name) and target.id in CHECK_TEXT_ARGUMENTS
                     for target in node.targets)]
    read += [node.body[0].value for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
             and node.body and isinstance(node.body[0], ast.Expr)]
    texts = {id(node) for part in read for node in ast.walk(part)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in texts]


def check_cell_difference(english: str, spanish: str) -> str | None:
    """Why the Spanish of a graded check cell would grade differently; ``None`` if it would not.

    nbgrader grades a handed-in notebook with the check cells of the English source (it writes
    them over the locked cells), so a check cell may translate only what it tells the student
    (its ``name=`` and ``hint=``, what it prints, docstrings); a run name or a key it looks up
    must stay as the English has it.
    """
    # the same code (code_difference), so the same number of strings, in the same places
    for theirs, ours in zip(_data_strings(english), _data_strings(spanish), strict=False):
        if theirs != ours:
            return (f"a check cell is graded in English (nbgrader): only what it tells the student "
                    f"may be translated, but {theirs!r} became {ours!r}")
    return None


def has_text(source: str) -> bool:
    """Whether code cell ``source`` has text a student reads: a comment, or a string with a space.

    Strings without a space (``"relu"``, ``"val_accuracy"``, ``"00.1"``) are taken for data.
    """
    python = "\n".join("" if _magic(line) else line for line in source.splitlines())
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    for token in tokens:
        if token.type == tokenize.COMMENT:
            return True
        if token.type == tokenize.STRING:
            text = token.string.lstrip("rRbBuUfF")
            if any(c.isspace() for c in text.strip("'\"")):
                return True
    return any(line.split()[0] in LABEL_MAGICS for line in source.splitlines() if _magic(line))


# -- checking and building -------------------------------------------------------------------------

@dataclass
class Report:
    """What is wrong with one notebook's translation."""

    name: str
    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    orphan: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per problem, for the command line and the tests."""
        return ([f"{self.name}: stale (the English cell changed): {i}" for i in self.stale]
                + [f"{self.name}: missing translation of markdown cell {i}" for i in self.missing]
                + [f"{self.name}: orphan entry (no such English cell): {i}" for i in self.orphan]
                + [f"{self.name}: code differs in {c}" for c in self.code])


def compare(english: nbformat.NotebookNode, entries: dict[str, dict[str, str]],
            name: str = "") -> Report:
    """Check a catalogue's ``entries`` against the English notebook they translate."""
    report = Report(name)
    cells = {cell.id: cell for cell in english.cells}
    report.orphan = [i for i in entries if i not in cells]
    for cell in english.cells:
        entry = entries.get(cell.id)
        if entry is None:
            if cell.cell_type == "markdown":
                report.missing.append(cell.id)
            continue
        if entry["en"] != fingerprint(cell.source):
            report.stale.append(cell.id)
        if cell.cell_type == "code":
            why = code_difference(cell.source, entry["es"])
            if why is None and cell.metadata.get("nbgrader", {}).get("grade"):
                why = check_cell_difference(cell.source, entry["es"])
            if why:
                report.code.append(f"{cell.id}: {why}")
    return report


def spanish_version(english: nbformat.NotebookNode, entries: dict[str, dict[str, str]],
                    name: str) -> nbformat.NotebookNode:
    """Return ``english`` in Spanish: its cells' text from ``entries``, outputs cleared."""
    nb = copy.deepcopy(english)
    for cell in nb.cells:
        if cell.id in entries:
            cell.source = entries[cell.id]["es"]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if cell.source == SETUP:  # the Spanish one also sets the kit's language
                cell.source = SETUP_ES
    title = nb.cells[0]
    title.source = BADGE.sub(lambda m: f"{m[1]}es/{name}", title.source)
    nbformat.validate(nb)
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build(write: bool = True, only: list[str] | None = None) -> list[str]:
    """Bring ``notebooks/es/`` up to date with the English notebooks and the catalogues.

    Returns the files that were (or, with ``write=False``, would be) changed or removed; the tests
    call it with ``write=False``. ``only`` limits it to the notebooks with those "NN" prefixes.
    """
    changed = []
    expected = {path.name for path in translated_notebooks()}
    for extra in sorted(SPANISH.glob("*.ipynb")):
        if extra.name not in expected and (only is None or extra.name[:2] in only):
            changed.append(str(extra.relative_to(ROOT)))
            if write:
                extra.unlink()
    for path in translated_notebooks(only):
        english = nbformat.read(path, as_version=4)
        entries = read_catalogue(catalogue_path(path.name))
        target = SPANISH / path.name
        text = _text(spanish_version(english, entries, path.name))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(str(target.relative_to(ROOT)))
            if write:
                SPANISH.mkdir(exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed


def check(only: list[str] | None = None) -> list[str]:
    """Every problem of the catalogues and of ``notebooks/es/``, one line each (none: all good)."""
    problems = []
    for path in translated_notebooks(only):
        english = nbformat.read(path, as_version=4)
        problems += compare(english, read_catalogue(catalogue_path(path.name)), path.name).lines()
        problems += compare_feedback(path.name[:2])[0]
    for name in sorted(p.stem for p in CATALOGUES.glob("*.json")):
        if not (NOTEBOOKS / f"{name}.ipynb").exists():
            problems.append(f"{name}.json: a catalogue for no English notebook")
    problems += [f"{path}: not up to date (run: python tools/translations.py build)"
                 for path in build(write=False, only=only)]
    if only is None:
        problems += compare_pages()
    return problems


def todo(number: str, as_json: bool = False) -> str:
    """For a translator: the English cells of notebook ``number`` that need a (new) translation.

    Each comes with its id, why it is listed (missing, stale, or optional: a code cell with text
    that is copied in English until translated) and the fingerprint to record. With ``as_json``,
    the same cells as catalogue entries whose ``es`` is still the English text, to translate.
    """
    found = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    if len(found) != 1:
        raise LookupError(f"no English notebook {number}_*.ipynb in {NOTEBOOKS}")
    path = found[0]
    english = nbformat.read(path, as_version=4)
    catalogue = catalogue_path(path.name)
    entries = read_catalogue(catalogue) if catalogue.exists() else {}
    report = compare(english, entries, path.name)
    stale, missing = set(report.stale), set(report.missing)
    out = [f"# {path.relative_to(ROOT)} -> {catalogue.relative_to(ROOT)}"]
    draft = {}
    for cell in english.cells:
        if cell.id in stale:
            why = "stale: the English changed since it was translated"
        elif cell.id in missing:
            why = "missing"
        elif (cell.cell_type == "code" and cell.id not in entries and has_text(cell.source)
              and cell.source != SETUP):
            why = "optional: code with text a student reads, copied in English until translated"
        else:
            continue
        draft[cell.id] = {"en": fingerprint(cell.source), "es": cell.source.split("\n")}
        out += [f"\n----- cell {cell.id} ({cell.cell_type}, {why}) "
                f"\"en\": \"{fingerprint(cell.source)}\"", cell.source]
    out += [f"\n----- orphan entry, to delete: {i}" for i in report.orphan]
    if as_json:
        return json.dumps(draft, ensure_ascii=False, indent=1)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build [NN ...]``, ``check [NN ...]``, ``todo NN``, ``questions NN``."""
    parser = argparse.ArgumentParser(description="The Spanish notebooks, from the English ones "
                                     "and the catalogues in course/es/catalogues/.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command, text in (("build", "write notebooks/es/"),
                          ("check", "list stale, missing and orphan entries, code differences")):
        sub = commands.add_parser(command, help=text)
        sub.add_argument("only", nargs="*", help="only these notebooks, by number (e.g. 00 08)")
    sub = commands.add_parser("todo", help="print the English cells of a notebook to translate")
    sub.add_argument("number", help="the notebook's number, e.g. 03")
    sub.add_argument("--json", action="store_true",
                     help="print them as catalogue entries, their text still English")
    sub = commands.add_parser("questions", help="print the question feedback of a notebook to "
                              "translate, as entries of src/neurona/questions/es/NN.json")
    sub.add_argument("number", help="the notebook's number, e.g. 03")
    commands.add_parser("pages", help="list the Spanish pages of course/es/ that are missing or "
                        "stale, with the first line each must carry")
    args = parser.parse_args(argv)
    if args.command == "pages":
        for line in compare_pages():
            print(line)
        for english, spanish in pages().items():
            print(f"{spanish}: {page_header(english)}")
        return 0
    if args.command == "questions":
        print(json.dumps(compare_feedback(args.number)[1], ensure_ascii=False, indent=1))
        return 0
    if args.command == "build":
        changed = build(only=args.only or None)
        print("\n".join(changed) if changed else "notebooks/es/ is up to date")
        return 0
    if args.command == "check":
        problems = check(args.only or None)
        print("\n".join(problems) if problems else "the Spanish notebooks are up to date")
        return 1 if problems else 0
    try:
        print(todo(args.number, as_json=args.json))
    except LookupError as error:
        print(f"translations: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
