"""Data-parallel training on several processes: the plumbing around the workers' script.

The training script every worker runs is the notebook's (``%%writefile worker_code.py`` in
notebook 11); this package starts the workers, writes and checks their ``TF_CONFIG``, gives them
their data and reads back what they :func:`report`.

Examples
--------
>>> from neurona import distributed
>>> run = distributed.launch(2, "worker_code.py", ["--epochs", 2])  # doctest: +SKIP
>>> run.loss, run.seconds                                           # doctest: +SKIP
"""

from neurona.distributed.data import make_data
from neurona.distributed.launcher import (
    LaunchResult,
    WorkerError,
    check_tf_config,
    free_ports,
    launch,
    report,
    scaling,
    tf_config,
)
from neurona.distributed.local import MODES, combine_deltas, simulate, split_cpu

__all__ = [
    "MODES",
    "LaunchResult",
    "WorkerError",
    "check_tf_config",
    "combine_deltas",
    "free_ports",
    "launch",
    "make_data",
    "report",
    "scaling",
    "simulate",
    "split_cpu",
    "tf_config",
]
