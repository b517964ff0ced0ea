"""The small synthetic problem every worker (and the simulation) trains on."""

from __future__ import annotations

import numpy as np

__all__ = [
    "make_data",
]


def make_data(samples: int, seed: int = 0, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return a deterministic 10-class problem of 64 features: ``(x, y)``, the same on every worker.

    Ten random class centres plus Gaussian ``noise``: at 1 the classes barely overlap, at 4
    they overlap a lot and the loss cannot reach zero. The same ``samples`` and ``seed`` give
    the same arrays in every process, so workers need no data shipped to them.

    Examples
    --------
    >>> x, y = make_data(5, seed=0)
    >>> x.shape, x.dtype, y.shape, y.dtype
    ((5, 64), dtype('float32'), (5,), dtype('int32'))
    >>> bool((make_data(5, seed=0)[0] == x).all())
    True
    """
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=2.0, size=(10, 64)).astype("float32")
    y = rng.integers(0, 10, size=samples)
    x = centres[y] + noise * rng.normal(size=(samples, 64)).astype("float32")
    return x.astype("float32"), y.astype("int32")
