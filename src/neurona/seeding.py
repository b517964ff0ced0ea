"""Reproducible runs: one call seeds Python, NumPy and the Keras backend."""

from __future__ import annotations

import os
import random

from neurona.validate import whole_number

__all__ = ["seed"]


def seed(n: int = 0) -> int:
    """Seed Python, NumPy and the Keras backend so that a run gives the same numbers again.

    Same seed, same machine and same backend give the same weights and the same losses.
    Keras owns the backend's random generator, so this call imports Keras (and its
    backend) when Keras is installed.

    Parameters
    ----------
    n : int
        A whole number >= 0.

    Returns
    -------
    int
        The seed, so that a notebook can print it.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.seed(42)
    42
    """
    n = whole_number("seed", n, 0)
    random.seed(n)
    os.environ["PYTHONHASHSEED"] = str(n)
    import numpy as np

    np.random.seed(n)
    try:
        import keras
    except ImportError:  # the NumPy-only parts of the course still work
        return n
    keras.utils.set_random_seed(n)
    return n
