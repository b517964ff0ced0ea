"""A package's public names, read from its modules' ``__all__``: declared once, never copied.

A package ``__init__`` that re-exports names lists its modules, never the names:

- ``_FLAT``: modules whose names the package itself offers. Each name in such a module's
  ``__all__`` is reached from the package: ``nr.load``, ``nr.plot_learning_curves``.
- ``_TOPICS``: lesson internals, reached through their module: ``nr.check.value``,
  ``nr.scratch.MLP``. Their names are not offered flat, so every name is reached one way.

:func:`lazy_exports` gives the package its ``__getattr__`` and ``__dir__`` (PEP 562). Nothing is
read at import time. The first time a name is looked up, the ``__all__`` of each flat module is
read from its source file without importing the module (:func:`public_names`); the name then
imports only the module that defines it, so ``nr.callbacks()`` loads the live plot and none of
the other picture modules. A flat module that is itself such a package (``neurona.plots``)
offers the names of its own flat modules.

A module's ``__all__`` lists the names meant for use outside it. In a flat module those are the
names a notebook calls, each of which becomes ``nr.NAME``; plumbing that other modules of the
package import stays out of ``__all__`` and out of ``nr``.

Examples
--------
>>> from neurona.exports import public_names
>>> public_names("neurona.tracking")
('Track', 'NaNGuard', 'callbacks')
>>> "plot_learning_curves" in public_names("neurona.plots")
True
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Callable, Iterable
from types import ModuleType

from neurona.i18n import _

__all__ = ["flat_modules", "lazy_exports", "public_names"]

# `__all__ = [...]`, `_FLAT = (...)`, `_TOPICS = (...)` at the start of a line: lists of strings.
_DECLARATION = re.compile(r"^(__all__|_FLAT|_TOPICS)\s*=\s*([\[(][^\])]*[\])])", re.MULTILINE)


def _spec(module: str) -> importlib.machinery.ModuleSpec | None:
    """Find ``module``'s source without importing it or its parent packages."""
    parent = module.rpartition(".")[0]
    if not parent or parent in sys.modules:
        return importlib.util.find_spec(module)
    parent_spec = _spec(parent)
    if parent_spec is None or parent_spec.submodule_search_locations is None:
        return None
    return importlib.machinery.PathFinder.find_spec(module, parent_spec.submodule_search_locations)


@functools.cache
def _declarations(module: str) -> dict[str, tuple[str, ...]]:
    """Read the ``__all__``, ``_FLAT`` and ``_TOPICS`` literals of ``module``'s source file."""
    import ast

    spec = _spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise ImportError(f"{module} is not a module of Python source that can be read")
    with open(spec.origin, encoding="utf-8") as file:
        text = file.read()
    found = {}
    for match in _DECLARATION.finditer(text):
        try:
            value = ast.literal_eval(match[2])
        except (ValueError, SyntaxError) as error:
            raise ImportError(f"{match[1]} in {spec.origin} must be a list of names") from error
        found[match[1]] = tuple(value)
    if not found:  # tests/test_package.py keeps every module declaring one of them
        raise ImportError(f"{spec.origin} declares neither __all__ nor _FLAT")
    return found


@functools.cache
def public_names(module: str) -> tuple[str, ...]:
    """Return the names ``module`` offers, read from its source file without importing it.

    A module's ``__all__``; for a package built with :func:`lazy_exports`, the names of its
    flat modules and then its topics.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"neurona.plots.curves"``.

    Returns
    -------
    tuple of str
    """
    found = _declarations(module)
    if "__all__" in found:
        return found["__all__"]
    names = [name for flat in found.get("_FLAT", ()) for name in public_names(f"{module}.{flat}")]
    return tuple(names) + found.get("_TOPICS", ())


@functools.cache
def flat_modules(package: str) -> tuple[str, ...]:
    """Return the modules whose ``__all__`` names ``package`` offers, with packages expanded.

    Examples
    --------
    >>> from neurona.exports import flat_modules
    >>> flat_modules("neurona.data")
    ('neurona.data.catalog', 'neurona.data.dataset', 'neurona.data.fetch', 'neurona.data.idx')
    """
    modules: list[str] = []
    for flat in _declarations(package).get("_FLAT", ()):
        module = f"{package}.{flat}"
        modules.extend(flat_modules(module) if "_FLAT" in _declarations(module) else [module])
    return tuple(modules)


class _Owners:
    """Which flat module of a package offers each name, read module by module as names are asked.

    A look-up reads the flat modules in their order until one offers the name, so the names the
    notebooks use most (``load``, ``ledger``, ``callbacks``) cost a few files, not all of them.
    """

    def __init__(self, package: str, flat: tuple[str, ...], topics: tuple[str, ...]) -> None:
        self.package, self.modules = package, set(flat) | set(topics)
        self.unread = list(flat)
        self.found: dict[str, str] = {}

    def _read(self, module: str) -> None:
        for name in public_names(f"{self.package}.{module}"):
            if name in self.found:
                raise ImportError(f"{self.package}.{self.found[name]} and {self.package}.{module} "
                                  f"both offer {name!r}: a name must be offered by one module")
            if name in self.modules:
                raise ImportError(f"{self.package}.{module} offers {name!r}, which is also the "
                                  f"name of the module {self.package}.{name}")
            self.found[name] = module

    def get(self, name: str) -> str | None:
        """Return the flat module that offers ``name``, or None."""
        while name not in self.found and self.unread:
            self._read(self.unread.pop(0))
        return self.found.get(name)

    def all(self) -> dict[str, str]:
        """Return every offered name with its module, in the order of the flat modules."""
        while self.unread:
            self._read(self.unread.pop(0))
        return self.found


def _as_written(dotted: str) -> str:
    """Write a name as a notebook does: ``neurona.scratch.MLP`` -> ``nr.scratch.MLP``."""
    return "nr" + dotted[len("neurona"):] if dotted.split(".")[0] == "neurona" else dotted


def _missing(package: str, name: str, names: Iterable[str], topics: tuple[str, ...]) -> str:
    """Say where a name ``package`` does not have is, or which of its names are close."""
    for topic in topics:
        try:
            inside = public_names(f"{package}.{topic}")
        except ImportError:
            continue
        if name in inside:
            return _("module {package!r} has no attribute {name!r}; use {where}").format(
                package=package, name=name, where=_as_written(f"{package}.{topic}.{name}"))
    import difflib

    close = difflib.get_close_matches(name, [*names, *topics], n=3, cutoff=0.7)
    if not close:
        return _("module {package!r} has no attribute {name!r}").format(package=package, name=name)
    written = [_as_written(f"{package}.{match}") for match in close]
    choices = written[0] if len(written) == 1 else _("{names} or {last}").format(
        names=", ".join(written[:-1]), last=written[-1])
    return _("module {package!r} has no attribute {name!r}; did you mean {choices}?").format(
        package=package, name=name, choices=choices)


def lazy_exports(
    package: str, flat: Iterable[str], topics: Iterable[str] = ()
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return the ``__getattr__`` and ``__dir__`` of a package that re-exports modules' names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    flat : iterable of str
        Modules of the package whose ``__all__`` names the package offers itself.
    topics : iterable of str
        Modules reached as ``package.topic``; their names are not offered flat.

    Returns
    -------
    (__getattr__, __dir__)
        Assign both at module level of the package's ``__init__``.

    Examples
    --------
    In a package ``__init__``::

        _FLAT = ("curves", "live")
        __getattr__, __dir__ = lazy_exports(__name__, _FLAT)
    """
    flat, topics = tuple(flat), tuple(topics)
    owners = _Owners(package, flat, topics)
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        if name in owners.modules:
            return importlib.import_module(f"{package}.{name}")
        if name == "__all__":
            namespace["__all__"] = [*owners.all(), *topics]
            return namespace["__all__"]
        if name.startswith("_"):  # tools probing for hooks (_repr_html_, __wrapped__ ...)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        owner = owners.get(name)
        if owner is None:
            raise AttributeError(_missing(package, name, owners.all(), topics))
        value = getattr(importlib.import_module(f"{package}.{owner}"), name)
        namespace[name] = value  # found once: later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        # What a student may type after `nr.`: the offered names and topics, not the modules
        # Python attaches to the package as they load, nor the package's private names.
        private = {key for key in namespace if key.startswith("_") and not key.startswith("__")}
        own = (key for key, value in namespace.items()
               if key not in private and not isinstance(value, ModuleType))
        return sorted({*own, *owners.all(), *topics})

    return __getattr__, __dir__
