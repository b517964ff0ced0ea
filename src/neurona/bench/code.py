"""The code a benchmark times: a Python file of networks and training loops, read and imported.

Notebook 11 writes its networks and its training loops to ``timed_code.py`` (a ``%%writefile``
cell) and every :class:`~neurona.bench.Config` names such a file: the child process imports
that very file, so a student's change is what gets timed. The file holds

- **networks**: functions that return an uncompiled Keras model, sized by their arguments
  (``def mlp(hidden_layers=2, units=100): ...``); a configuration's ``model`` is the
  function's name and ``model_args`` its arguments;
- **training loops**, one per level of :data:`~neurona.bench.LEVELS` that is timed:
  ``fit(model, loss, batch_size)`` (and ``tf_function``, ``eager``) sets up what it needs
  once and returns ``train(x, y, epochs)``, the function the child times.

Names starting with ``_`` are the file's own helpers, neither networks nor loops.

The file is read twice: here, without running it (:func:`definitions`, so that a typo fails
in the notebook, naming what the file defines), and in the child, imported for real
(:func:`load_code`).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from neurona.i18n import _

__all__ = [
    "LEVELS",
    "Network",
    "build",
    "load_code",
]

#: How the training loop is written: Keras ``fit``; a TensorFlow ``GradientTape`` loop
#: compiled with ``tf.function``; the same loop run eagerly, op by op. Each is a function of
#: that name in the code file.
LEVELS = ("fit", "tf_function", "eager")


@dataclass(frozen=True)
class Network:
    """A network function of a code file: its argument names, and which ones have no default."""

    name: str
    arguments: tuple[str, ...]
    required: tuple[str, ...]
    any_keyword: bool  # it takes **kwargs

    def check(self, model_args: dict[str, Any], file: str) -> None:
        """Raise ValueError for an argument it does not take or a required one left out."""
        if not self.any_keyword:
            for key in model_args:
                if key not in self.arguments:
                    known = ", ".join(self.arguments) or _("none")
                    raise ValueError(_("{file}'s {name}() has no argument {key!r}; its "
                                       "arguments: {known}").format(
                        file=file, name=self.name, key=key, known=known))
        missing = [name for name in self.required if name not in model_args]
        if missing:
            raise ValueError(_("{file}'s {name}() needs model_args for {missing}").format(
                file=file, name=self.name, missing=", ".join(missing)))


def resolve(code: str | Path) -> str:
    """Return the absolute path of the code file ``code``; FileNotFoundError if it is missing."""
    if not isinstance(code, (str, Path)) or not str(code):
        raise TypeError(_("code must be the path of a Python file, e.g. 'timed_code.py'; "
                          "got {code!r}").format(code=code))
    path = Path(code).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(
            _("code file {code!r} not found (looked for {path}): run the notebook's "
              "'%%writefile {name}' cell first, or give the path of your file").format(
                code=str(code), path=path, name=Path(code).name)
        )
    return str(path)


def definitions(path: str | Path) -> tuple[dict[str, Network], tuple[str, ...]]:
    """Read a code file without running it: its networks and the training loops it defines.

    Returns
    -------
    networks : dict
        Name -> :class:`Network`, for every public top-level function that is not a loop.
    loops : tuple of str
        The names of :data:`LEVELS` the file defines.
    """
    path = Path(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    networks: dict[str, Network] = {}
    loops = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        if node.name in LEVELS:
            loops.append(node.name)
            continue
        args = node.args
        named = [*args.posonlyargs, *args.args]
        with_default = len(args.defaults)
        required = [a.arg for a in named[: len(named) - with_default]]
        required += [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                     if d is None]  # fmt: skip
        arguments = [a.arg for a in [*named, *args.kwonlyargs]]
        networks[node.name] = Network(node.name, tuple(arguments), tuple(required),
                                      args.kwarg is not None)  # fmt: skip
    return networks, tuple(loops)


def check(path: str, model: str, model_args: dict[str, Any], level: str | None) -> None:
    """Raise a clear error unless the file at ``path`` defines the network ``model``.

    The network must take ``model_args``; when ``level`` is given, the file must also define
    the training loop of that name. The message names what the file does define.
    """
    file = Path(path).name
    networks, loops = definitions(path)
    if model not in networks:
        known = ", ".join(networks) or _("none (a network is a function that returns a model)")
        raise ValueError(_("{file} defines no network {model!r}; its networks: {known}").format(
            file=file, model=model, known=known))
    networks[model].check(model_args, file)
    if level is not None and level not in loops:
        known = ", ".join(loops) or _("none")
        raise ValueError(_("{file} defines no training loop {level!r} (a function "
                           "{level}(model, loss, batch_size)); its loops: {known}").format(
            file=file, level=level, known=known))


def load_code(path: str | Path) -> ModuleType:
    """Import the code file at ``path`` afresh (a changed file is read again) and return it.

    This is how each benchmark's child imports the file; in a notebook it gives the same
    networks, e.g. to count a model's FLOPs.

    Examples
    --------
    >>> timed_code = load_code("timed_code.py")              # doctest: +SKIP
    >>> model = timed_code.mlp(hidden_layers=4, units=400)   # doctest: +SKIP
    """
    path = Path(resolve(path))
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the newest version, also for a later `import timed_code`
    spec.loader.exec_module(module)
    return module


def build(config) -> Any:
    """Build ``config``'s network in this process, from its code file, with its arguments.

    Examples
    --------
    >>> import neurona as nr
    >>> config = nr.bench.Config(code="timed_code.py", model="lenet")   # doctest: +SKIP
    >>> model = nr.bench.build(config)                                   # doctest: +SKIP
    """
    module = load_code(config.code)
    return network(module, config.model)(**config.model_args)


def network(module: ModuleType, name: str):
    """Return the network function ``name`` of an imported code file, checked."""
    return _function(module, name, "network")


def loop(module: ModuleType, level: str):
    """Return the training-loop function ``level`` of an imported code file, checked."""
    return _function(module, level, "training loop")


def _function(module: ModuleType, name: str, kind: str):
    found = getattr(module, name, None)
    if not callable(found):
        file = Path(module.__file__).name
        message = (_("{file} defines no network {name!r}") if kind == "network"
                   else _("{file} defines no training loop {name!r}"))
        raise ValueError(message.format(file=file, name=name))
    return found
