"""Activation functions and their derivatives, written out in NumPy.

Each :class:`Activation` holds a function ``f(z)`` and its derivative ``df(z)`` with
respect to ``z``, both applied element by element to whole arrays (the course's source
applied its ReLU derivative to scalars only, which breaks on a batch). Backpropagation
multiplies by ``df(z)``; the steps and softmax have no derivative that backpropagation
may use, and their ``df`` says why instead of returning something wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neurona.i18n import _
from neurona.validate import one_of

__all__ = ["ACTIVATIONS", "Activation", "get_activation"]

#: Slope of the leaky ReLU for negative inputs (Keras's ``LeakyReLU`` uses 0.3; 0.01 is the
#: value of the original paper and of most textbooks).
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function with its derivative.

    Parameters
    ----------
    name : str
        The name used everywhere in the course, e.g. ``"sigmoid"``.
    f : callable
        ``f(z)``: the activation, applied element-wise (row-wise for softmax).
    df : callable
        ``df(z)``: the derivative of ``f`` with respect to ``z``, element-wise. It raises
        ``ValueError`` for activations that backpropagation cannot use.
    formula : str
        The formula as a student would write it.

    Examples
    --------
    >>> act = get_activation("sigmoid")
    >>> act.f(np.array([0.0, 2.0])).round(3)
    array([0.5  , 0.881])
    >>> act.df(np.array([0.0]))
    array([0.25])
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    formula: str = ""

    def __repr__(self) -> str:
        return f"Activation({self.name!r}: {self.formula})"


def _floats(z) -> np.ndarray:
    """``z`` as a floating-point array (integers would make 1/2 become 0)."""
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


# -- the smooth ones ----------------------------------------------------------------------------
def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, computed without overflow.

    ``exp(-z)`` overflows for z below about -710; using ``exp(-|z|)``, which is at most 1,
    and the identity ``sigmoid(z) = exp(z) / (1 + exp(z))`` for negative z avoids it.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = _floats(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_df(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def _tanh(z):
    return np.tanh(_floats(z))


def _tanh_df(z):
    return 1.0 - np.tanh(_floats(z)) ** 2


def _relu(z):
    z = _floats(z)
    return np.maximum(z, 0.0)


def _relu_df(z):
    # A comparison on the whole array, not `if z > 0`, so that it works on batches.
    # At z == 0 we take 0, as Keras and most libraries do.
    z = _floats(z)
    return (z > 0).astype(z.dtype)


def _leaky_relu(z):
    z = _floats(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_relu_df(z):
    z = _floats(z)
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


def _linear(z):
    return _floats(z).copy()


def _linear_df(z):
    return np.ones_like(_floats(z))


def softmax(z):
    """Row-wise softmax ``exp(z_j) / sum_k exp(z_k)``: each row becomes probabilities.

    Subtracting the row maximum first changes nothing mathematically (it cancels in the
    fraction) but keeps ``exp`` from overflowing.

    Examples
    --------
    >>> softmax(np.array([[1.0, 1.0], [0.0, 1000.0]]))
    array([[0.5, 0.5],
           [0. , 1. ]])
    """
    z = _floats(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_df(z):
    raise ValueError(
        _("softmax has no element-wise derivative: each output depends on every input of its "
          "row (its derivative is a matrix). The course uses softmax only as the output layer "
          "with the cross_entropy loss, where the two together give dL/dz = (a - y) / N.")
    )


# -- the steps of the perceptron ----------------------------------------------------------------
def _heaviside(z):
    z = _floats(z)
    return (z >= 0).astype(z.dtype)


def _sign(z):
    z = _floats(z)
    return np.where(z >= 0, 1.0, -1.0).astype(z.dtype)


def _step_df(name):
    def df(z):
        raise ValueError(
            _("{name} is a step: its derivative is 0 everywhere except at 0, where it does "
              "not exist, so gradient descent cannot learn with it. It is used by the "
              "perceptron, which learns with Rosenblatt's rule instead; use sigmoid or tanh "
              "for a smooth step.").format(name=name)
        )

    return df


#: Every activation of the course, by name.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_df, "1 / (1 + exp(-z))"),
    "tanh": Activation("tanh", _tanh, _tanh_df, "(exp(z) - exp(-z)) / (exp(z) + exp(-z))"),
    "relu": Activation("relu", _relu, _relu_df, "max(0, z)"),
    "leaky_relu": Activation(
        "leaky_relu", _leaky_relu, _leaky_relu_df, f"z if z > 0 else {LEAKY_SLOPE} z"
    ),
    "linear": Activation("linear", _linear, _linear_df, "z"),
    "softmax": Activation("softmax", softmax, _softmax_df, "exp(z_j) / sum_k exp(z_k)"),
    "heaviside": Activation("heaviside", _heaviside, _step_df("heaviside"), "1 if z >= 0 else 0"),
    "sign": Activation("sign", _sign, _step_df("sign"), "+1 if z >= 0 else -1"),
}


def get_activation(name: str | Activation) -> Activation:
    """Return the :class:`Activation` called ``name``.

    Parameters
    ----------
    name : str or Activation
        One of the keys of :data:`ACTIVATIONS`; an :class:`Activation` is returned as is.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed ones.

    Examples
    --------
    >>> get_activation("relu").df(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    if isinstance(name, Activation):
        return name
    return ACTIVATIONS[one_of("activation", name, ACTIVATIONS)]
