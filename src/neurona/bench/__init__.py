"""The performance lab: time one configuration in a fresh process, sweep grids, compare.

What is timed is the student's code: a Python file of networks and training loops (notebook
11 writes ``timed_code.py`` with a ``%%writefile`` cell; :mod:`neurona.bench.code` says what
it holds). Backend, thread pools and visible devices can only be chosen before the framework
starts, so every configuration runs in its own Python process (:func:`run`), which imports
that file; a sweep (:func:`sweep`) runs a grid of them and keeps every finished row, in a
table, a CSV file and the run ledger, even when it is interrupted.

Examples
--------
>>> import neurona as nr
>>> config = nr.bench.Config(code="timed_code.py", model="mlp",   # doctest: +SKIP
...                          model_args={"hidden_layers": 4, "units": 400}, threads=1)
>>> config.label()                                             # doctest: +SKIP
'mlp 4x400 · train · batch 128 · cpu · 1 thread'
>>> row = nr.bench.run(config)                                 # doctest: +SKIP
>>> nr.bench.Config(code="timed_code.py", model="mlp", backend="theano")
Traceback (most recent call last):
...
ValueError: backend must be one of tensorflow, jax, torch; got 'theano'
>>> nr.bench.Config(code="no_such_code.py", model="mlp")        # doctest: +ELLIPSIS
Traceback (most recent call last):
...
FileNotFoundError: code file 'no_such_code.py' not found (looked for ...)...
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers: nr.bench.NAME.
_FLAT = ("code", "config", "flops", "laws", "limits", "prediction", "runner", "sweeps")

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
