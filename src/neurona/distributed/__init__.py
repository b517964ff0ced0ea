"""Data-parallel training on several processes: a launcher and the script its workers run.

Examples
--------
>>> from neurona import distributed
>>> run = distributed.launch(workers=2, args=["--epochs", "2"])    # doctest: +SKIP
>>> run.loss, run.seconds                                           # doctest: +SKIP
"""

from neurona.distributed.launcher import (
    LaunchResult,
    WorkerError,
    check_tf_config,
    free_ports,
    launch,
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
    "scaling",
    "simulate",
    "split_cpu",
    "tf_config",
]
