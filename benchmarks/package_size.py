"""How big the helper package is next to the notebooks, how tangled, and what importing it costs.

    .venv/bin/python benchmarks/package_size.py [--json]

Reports:

- code lines of ``src/`` and of the notebooks' code cells: lines that are neither blank, nor
  comments, nor docstrings (module, class and function docstrings are found with ``ast``);
  docstring lines are counted separately;
- import cycles among the package's modules, counting every ``import`` statement, also those
  inside functions (a cycle through a function-local import still ties two modules together);
- the wall time of ``import neurona`` and then of ``nr.callbacks()`` (after ``import keras``,
  whose own seconds are not the kit's) in a fresh interpreter that imports this checkout's
  ``src/``, how many ``neurona`` modules each loaded and whether pyplot was loaded (median of
  three fresh interpreters); ``pyplot_after_import_keras`` says whether Keras loaded it itself.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import statistics
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "neurona"


def docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers covered by module, class and function docstrings."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant
            ) and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def count(text: str) -> tuple[int, int]:
    """(code lines, docstring lines) of Python source ``text``."""
    try:
        tree = ast.parse(text)
    except SyntaxError:  # a notebook cell with IPython syntax: count it as plain lines
        tree = ast.Module(body=[], type_ignores=[])
    docs = docstring_lines(tree)
    code: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            code.update(range(token.start[0], token.end[0] + 1))
    except (tokenize.TokenError, IndentationError):
        code = {i for i, line in enumerate(text.splitlines(), 1)
                if line.strip() and not line.strip().startswith("#")}
    return len(code - docs), len(docs)


def source_lines() -> dict[str, int]:
    """Code and docstring lines of src/ and code lines of the notebooks."""
    src_code = src_docs = 0
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        code, docs = count(path.read_text())
        src_code += code
        src_docs += docs
    nb_code = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                text = "\n".join(line for line in cell.source.splitlines()
                                 if not line.lstrip().startswith(("%", "!")))
                nb_code += count(text)[0]
    return {"src_code_lines": src_code, "src_docstring_lines": src_docs,
            "notebook_code_lines": nb_code}


def module_name(path: Path) -> str:
    """Dotted module name of a file under src/."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> set[str]:
    """The package modules that the file ``path`` (module ``name``) imports anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return {f for f in found if f == PACKAGE or f.startswith(PACKAGE + ".")}


def import_cycles() -> list[list[str]]:
    """Strongly connected groups of two or more modules in the package's import graph."""
    files = {module_name(p): p for p in (SRC / PACKAGE).rglob("*.py")}
    graph = {name: sorted(m for m in imports_of(path, name) if m in files and m != name)
             for name, path in files.items()}
    # A module imports its parent packages' __init__ anyway; an edge to a parent is not a cycle.
    graph = {name: [m for m in targets if not name.startswith(m + ".")]
             for name, targets in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


PROBE = """
import sys, time
start = time.perf_counter()
import neurona as nr
imported = time.perf_counter() - start
loaded = sum(name.startswith("neurona") for name in sys.modules)
import keras  # callbacks are Keras callbacks: Keras's own import is not the kit's cost
keras_pyplot = "matplotlib.pyplot" in sys.modules
start = time.perf_counter()
nr.callbacks()
called = time.perf_counter() - start
print(imported, loaded, called, sum(name.startswith("neurona") for name in sys.modules),
      "matplotlib.pyplot" in sys.modules, "tensorflow" in sys.modules, keras_pyplot)
"""


def import_cost(repeats: int = 3) -> dict[str, float]:
    """Median seconds of ``import neurona`` and of ``nr.callbacks()`` in fresh interpreters."""
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                             check=True, env={"TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg",
                                              "PATH": "/usr/bin:/bin",
                                              "PYTHONPATH": str(SRC)})
        runs.append(out.stdout.split())
    return {
        "import_s": statistics.median(float(r[0]) for r in runs),
        "modules_after_import": int(runs[0][1]),
        "callbacks_s": statistics.median(float(r[2]) for r in runs),
        "modules_after_callbacks": int(runs[0][3]),
        "pyplot_after_callbacks": runs[0][4] == "True",
        "tensorflow_after_callbacks": runs[0][5] == "True",
        "pyplot_after_import_keras": runs[0][6] == "True",
    }


def main() -> None:
    """Print the measurements (a table, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    cycles = import_cycles()
    result = {**source_lines(), "import_cycles": len(cycles), "cycle_groups": cycles,
              **import_cost()}
    if options.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:28s} {value}")


if __name__ == "__main__":
    main()
