"""Amdahl's and Gustafson's laws, and the parallel fraction a measured speed-up implies.

Amdahl (strong scaling, a fixed problem): with a share ``F`` of the work sped up ``S``
times, the whole runs ``1 / ((1 - F) + F / S)`` times faster; with ``S = P`` processors the
speed-up can never pass ``1 / (1 - F)``. Gustafson (weak scaling, the problem grows with
the machine): with a serial share ``alpha`` of the scaled run, ``S(P) = P - alpha (P - 1)``.
The autoencoder thesis of de los Reyes (2019) states both (§2.5); the lab feeds them the thread
speed-ups measured on the student's machine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from neurona.i18n import _
from neurona.validate import real_number

__all__ = [
    "amdahl_speedup",
    "gustafson_speedup",
    "fit_parallel_fraction",
]


def amdahl_speedup(fraction: float, processors):
    """Speed-up of a fixed problem whose share ``fraction`` runs on ``processors`` in parallel.

    Examples
    --------
    >>> round(float(amdahl_speedup(0.9, 8)), 3)
    4.706
    >>> round(float(amdahl_speedup(0.9, 1e9)), 3)   # the ceiling 1 / (1 - F)
    10.0
    """
    _share("fraction", fraction)
    p = np.asarray(processors, dtype=float)
    if np.any(p < 1):
        raise ValueError(_("processors must be >= 1"))
    return 1.0 / ((1.0 - fraction) + fraction / p)


def gustafson_speedup(serial_fraction: float, processors):
    """Scaled speed-up ``P - alpha (P - 1)`` when the problem grows with the processors.

    Examples
    --------
    >>> float(gustafson_speedup(0.1, 8))
    7.3
    """
    _share("serial_fraction", serial_fraction)
    p = np.asarray(processors, dtype=float)
    if np.any(p < 1):
        raise ValueError(_("processors must be >= 1"))
    return p - serial_fraction * (p - 1.0)


def fit_parallel_fraction(threads: Sequence[float], speedups: Sequence[float]) -> float:
    """Return the Amdahl fraction ``F`` that best explains measured speed-ups (least squares).

    Amdahl gives ``1/S = 1 - F (1 - 1/P)``, a straight line in ``1 - 1/P``; the fit is
    clipped to [0, 1] (a speed-up that falls with more threads gives 0: more threads only
    cost).

    Examples
    --------
    >>> speedups = amdahl_speedup(0.8, [1, 2, 4])
    >>> round(fit_parallel_fraction([1, 2, 4], speedups), 6)
    0.8
    """
    p = np.asarray(threads, dtype=float)
    s = np.asarray(speedups, dtype=float)
    if p.shape != s.shape or p.size < 2:
        raise ValueError(_("give at least two (threads, speedup) pairs of equal length"))
    if np.any(p < 1) or np.any(s <= 0):
        raise ValueError(_("threads must be >= 1 and speed-ups > 0"))
    x = 1.0 - 1.0 / p
    y = 1.0 - 1.0 / s
    if not np.any(x > 0):
        raise ValueError(_("the measurements need at least one run with more than one thread"))
    fraction = float(np.dot(x, y) / np.dot(x, x))
    return min(1.0, max(0.0, fraction))


def _share(name: str, value) -> None:
    real_number(name, value, 0, 1, note=_("a share"))
