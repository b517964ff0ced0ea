"""Weight initialisers: where gradient descent starts.

Random starting weights break the symmetry between neurons (with equal weights every
neuron of a layer computes, and learns, the same thing). Their *scale* decides whether
signals and gradients keep their size through many layers: Glorot (Xavier), He and LeCun
choose the variance from the layer's fan-in and fan-out so that they do.

Every initialiser returns a matrix ``W`` of shape ``(fan_in, fan_out)``, the layout of
the course's NumPy nets (``z = a_prev @ W + b``). Biases always start at zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neurona.i18n import _
from neurona.validate import one_of, whole_number

__all__ = ["INITIALIZERS", "initialize"]

#: Half-width of the "uniform" initialiser, Keras's ``RandomUniform`` default.
UNIFORM_LIMIT = 0.05


@dataclass(frozen=True)
class Initializer:
    """One way to draw a starting weight matrix.

    Parameters
    ----------
    name : str
        The name used in the course, e.g. ``"glorot"``.
    draw : callable
        ``draw(fan_in, fan_out, rng)`` -> array of shape ``(fan_in, fan_out)``.
    variance : callable
        ``variance(fan_in, fan_out)``: the variance of one weight, to compare with what
        the drawn matrix shows.
    description : str
        One line on what it is and when to use it.
    """

    name: str
    draw: Callable[[int, int, np.random.Generator], np.ndarray]
    variance: Callable[[int, int], float]
    description: str = ""

    def __repr__(self) -> str:
        return f"Initializer({self.name!r}: {self.description})"


def _zeros(fan_in, fan_out, rng):
    return np.zeros((fan_in, fan_out))


def _uniform(fan_in, fan_out, rng):
    return rng.uniform(-UNIFORM_LIMIT, UNIFORM_LIMIT, (fan_in, fan_out))


def _normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out))


def _glorot_limit(fan_in, fan_out):
    # U(-l, l) has variance l^2 / 3; l = sqrt(6 / (in + out)) gives 2 / (in + out).
    return np.sqrt(6.0 / (fan_in + fan_out))


def _glorot(fan_in, fan_out, rng):
    limit = _glorot_limit(fan_in, fan_out)
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def _glorot_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


def _he(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


def _lecun(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))


#: Every initialiser of the course, by name. The normal ones draw from a plain normal
#: distribution (Keras truncates at two standard deviations and rescales), so that the
#: variance of the weights is exactly the formula's.
INITIALIZERS: dict[str, Initializer] = {
    "zeros": Initializer(
        "zeros",
        _zeros,
        lambda i, o: 0.0,
        "all weights 0: every neuron of a layer stays identical (symmetry is never broken)",
    ),
    "uniform": Initializer(
        "uniform",
        _uniform,
        lambda i, o: UNIFORM_LIMIT**2 / 3,
        f"U(-{UNIFORM_LIMIT}, {UNIFORM_LIMIT}), Keras's RandomUniform default",
    ),
    "normal": Initializer(
        "normal",
        _normal,
        lambda i, o: 1.0,
        "N(0, 1), the classic choice: too large for wide layers, so deep sigmoid nets "
        "saturate and their gradients vanish (or explode)",
    ),
    "glorot": Initializer(
        "glorot",
        _glorot,
        lambda i, o: 2.0 / (i + o),
        "Glorot/Xavier uniform, U(-l, l) with l = sqrt(6 / (fan_in + fan_out)); "
        "for sigmoid, tanh and softmax (Keras's default)",
    ),
    "glorot_normal": Initializer(
        "glorot_normal",
        _glorot_normal,
        lambda i, o: 2.0 / (i + o),
        "Glorot/Xavier normal, variance 2 / (fan_in + fan_out)",
    ),
    "he": Initializer(
        "he",
        _he,
        lambda i, o: 2.0 / i,
        "He normal, variance 2 / fan_in: for ReLU, which zeroes half of its inputs",
    ),
    "lecun": Initializer(
        "lecun",
        _lecun,
        lambda i, o: 1.0 / i,
        "LeCun normal, variance 1 / fan_in: for SELU and tanh",
    ),
}


def initialize(name: str, fan_in: int, fan_out: int, rng: np.random.Generator | int) -> np.ndarray:
    """Draw a weight matrix of shape ``(fan_in, fan_out)`` with initialiser ``name``.

    Parameters
    ----------
    name : str
        One of :data:`INITIALIZERS`: ``"zeros"``, ``"uniform"``, ``"normal"``,
        ``"glorot"``, ``"glorot_normal"``, ``"he"``, ``"lecun"``.
    fan_in, fan_out : int
        Inputs and outputs of the layer (both >= 1).
    rng : numpy.random.Generator or int
        The random generator, or a seed to make one: the same seed gives the same weights.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(fan_in, fan_out)``.

    Examples
    --------
    >>> W = initialize("he", 512, 256, rng=0)
    >>> W.shape
    (512, 256)
    >>> round(float(W.var() * 512), 1)      # He: variance 2 / fan_in
    2.0
    """
    initializer = INITIALIZERS[one_of("initializer", name, INITIALIZERS)]
    fan_in, fan_out = whole_number("fan_in", fan_in, 1), whole_number("fan_out", fan_out, 1)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(whole_number("rng", rng, 0, note=_("a seed, or a Generator")))
    return initializer.draw(fan_in, fan_out, rng)
