"""Data-parallel training on several processes: the plumbing around the workers' script.

The training script every worker runs is the notebook's (``%%writefile worker_code.py`` in
notebook 14); this package starts the workers, writes and checks their ``TF_CONFIG``, gives them
their data and reads back what they :func:`report`.

Examples
--------
>>> import neurona as nr
>>> run = nr.distributed.launch(2, "worker_code.py", ["--epochs", 2])  # doctest: +SKIP
>>> run.loss, run.seconds                                              # doctest: +SKIP
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers: nr.distributed.NAME.
_FLAT = ("data", "launcher", "local")

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
