"""The performance lab: time one configuration in a fresh process, sweep grids, compare.

What is timed is the student's code: a Python file of networks and training loops (notebook
09 writes ``timed_code.py`` with a ``%%writefile`` cell; :mod:`neurona.bench.code` says what
it holds). Backend, thread pools and visible devices can only be chosen before the framework
starts, so every configuration runs in its own Python process (:func:`run`), which imports
that file; a sweep (:func:`sweep`) runs a grid of them and keeps every finished row, in a
table, a CSV file and the run ledger, even when it is interrupted.

Examples
--------
>>> from neurona import bench
>>> config = bench.Config(code="timed_code.py", model="mlp",   # doctest: +SKIP
...                       model_args={"hidden_layers": 4, "units": 400}, threads=1)
>>> config.label()                                             # doctest: +SKIP
'mlp 4x400 · train · batch 128 · cpu · 1 thread'
>>> row = bench.run(config)                                    # doctest: +SKIP
>>> bench.Config(code="timed_code.py", model="mlp", backend="theano")
Traceback (most recent call last):
...
ValueError: backend must be one of tensorflow, jax, torch; got 'theano'
>>> bench.Config(code="no_such_code.py", model="mlp")        # doctest: +ELLIPSIS
Traceback (most recent call last):
...
FileNotFoundError: code file 'no_such_code.py' not found (looked for ...)...
"""

from neurona.bench import sweeps
from neurona.bench.code import build, load_code
from neurona.bench.config import BACKENDS, DEVICES, DTYPES, LEVELS, TASKS, Config
from neurona.bench.flops import flops_table, forward_flops, layer_flops, training_flops
from neurona.bench.latency import latency
from neurona.bench.laws import amdahl_speedup, fit_parallel_fraction, gustafson_speedup
from neurona.bench.limits import Estimate, add_share_of_peak, estimate, matmul_peak
from neurona.bench.runner import Results, run, sweep, to_record
from neurona.bench.sweeps import available_backends, cpu_count, pyramid_parameters

__all__ = [
    "BACKENDS",
    "DEVICES",
    "DTYPES",
    "LEVELS",
    "TASKS",
    "Config",
    "Estimate",
    "Results",
    "add_share_of_peak",
    "amdahl_speedup",
    "fit_parallel_fraction",
    "gustafson_speedup",
    "available_backends",
    "build",
    "cpu_count",
    "estimate",
    "matmul_peak",
    "sweeps",
    "flops_table",
    "forward_flops",
    "latency",
    "layer_flops",
    "load_code",
    "pyramid_parameters",
    "run",
    "sweep",
    "to_record",
    "training_flops",
]
