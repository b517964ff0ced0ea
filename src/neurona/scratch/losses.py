"""Loss functions of the NumPy nets, with their gradients.

One definition for the whole course (the sources disagree: Theano's MSE had a factor 1/2,
Keras's has none), stated here once:

* every loss is a **mean over the N samples of the batch** of a per-sample loss, so its
  size does not depend on the batch size, and so its gradient carries the factor ``1/N``;
* ``mse``: per-sample loss ``0.5 * sum_j (a_j - y_j)^2``. The 1/2 cancels the 2 of the
  derivative, so ``dL/da = (a - y) / N``. (Keras's ``"mse"`` has no 1/2 and also
  averages over the outputs: for one output it is twice this value.)
* ``cross_entropy``: per-sample ``-sum_j y_j log a_j`` for a softmax output and one-hot
  ``y``. With softmax the two derivatives combine into ``dL/dz = (a - y) / N``.
* ``binary_cross_entropy``: per-sample ``-sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]``
  for sigmoid outputs; with sigmoid, again ``dL/dz = (a - y) / N``.

Logarithms are taken of ``a`` clipped to ``[1e-12, 1 - 1e-12]``, so that a confident
wrong answer gives a large finite loss instead of ``inf``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from neurona.validate import one_of

__all__ = ["LOSSES", "get_loss"]

#: How close to 0 and 1 a probability may get inside a logarithm.
CLIP = 1e-12


@dataclass(frozen=True)
class Loss:
    """A loss function: its value, its gradient and the output it pairs with.

    Parameters
    ----------
    name : str
        ``"mse"``, ``"cross_entropy"`` or ``"binary_cross_entropy"``.
    value : callable
        ``value(a, y)`` -> float: the loss of outputs ``a`` for targets ``y``, both of
        shape ``(N, n_out)``, averaged over the N samples.
    grad : callable
        ``grad(a, y)`` -> ``dL/da`` of shape ``(N, n_out)`` (it includes the ``1/N``).
    output : str or None
        The output activation with which ``dL/dz`` simplifies to ``(a - y) / N``
        (``"softmax"``, ``"sigmoid"``), or None when there is no such shortcut.
    formula : str
        The per-sample loss, as a student would write it.

    Examples
    --------
    >>> a, y = np.array([[0.8], [0.4]]), np.array([[1.0], [0.0]])
    >>> float(LOSSES["mse"].value(a, y))          # (0.5*0.04 + 0.5*0.16) / 2
    0.05
    >>> LOSSES["mse"].grad(a, y)                  # (a - y) / N
    array([[-0.1],
           [ 0.2]])
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output: str | None = None
    formula: str = ""

    def delta(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``dL/dz`` at the output when it is paired with :attr:`output`: ``(a - y) / N``."""
        return (a - y) / len(a)

    def __repr__(self) -> str:
        return f"Loss({self.name!r}: mean over the batch of {self.formula})"


def _mse(a, y):
    return float(0.5 * np.sum((a - y) ** 2) / len(a))


def _mse_grad(a, y):
    return (a - y) / len(a)


def _clipped(a):
    # float64, because 1 - 1e-12 rounds to 1 in float32 and log(1 - 1) is -inf.
    return np.clip(np.asarray(a, dtype=np.float64), CLIP, 1.0 - CLIP)


def _cross_entropy(a, y):
    return float(-np.sum(y * np.log(_clipped(a))) / len(a))


def _cross_entropy_grad(a, y):
    return -y / _clipped(a) / len(a)


def _binary_cross_entropy(a, y):
    a = _clipped(a)
    return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / len(a))


def _binary_cross_entropy_grad(a, y):
    a = _clipped(a)
    return (a - y) / (a * (1 - a)) / len(a)


#: Every loss of the course, by name.
LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", _mse, _mse_grad, None, "0.5 * sum_j (a_j - y_j)^2"),
    "cross_entropy": Loss(
        "cross_entropy", _cross_entropy, _cross_entropy_grad, "softmax", "-sum_j y_j log a_j"
    ),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        _binary_cross_entropy,
        _binary_cross_entropy_grad,
        "sigmoid",
        "-sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]",
    ),
}


def get_loss(name: str | Loss) -> Loss:
    """Return the :class:`Loss` called ``name``.

    Parameters
    ----------
    name : str or Loss
        One of :data:`LOSSES`; a :class:`Loss` is returned as is.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed ones.

    Examples
    --------
    >>> get_loss("cross_entropy").output
    'softmax'
    """
    if isinstance(name, Loss):
        return name
    return LOSSES[one_of("loss", name, LOSSES)]
