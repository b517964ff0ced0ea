"""Gradient-descent optimizers written out in NumPy, one readable update rule each.

Every optimizer has the same two methods:

* ``step(params, grad)`` takes the current parameters and the gradient of the loss *at
  those parameters* and returns the new parameters, as a fresh float64 array (the array
  passed in is never changed);
* ``reset()`` forgets the optimizer's state (velocities, accumulators, step count), so the
  same instance can start a new race.

One instance follows **one parameter array** (the course's 2-D optimizer race moves a single
point ``(x, y)``). Its state has the shape of the first array it is given; a later call with
another shape raises ``ValueError`` instead of silently mixing two problems. Use one
instance per array, or :meth:`Optimizer.reset` in between.

The rules match ``keras.optimizers`` step for step (the tests check 1e-5 agreement on a
quadratic), including where Keras puts ``epsilon``. Where the textbook writes the rule in
another but equivalent form, the class docstring says so.

Examples
--------
>>> opt = get_optimizer("momentum", learning_rate=0.1)
>>> p = np.array([1.0, -2.0])
>>> for _ in range(3):
...     p = opt.step(p, 2 * p)          # gradient of x**2 + y**2
>>> p.round(4)
array([ 0.062, -0.124])
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from neurona.i18n import _
from neurona.validate import one_of, real_number

__all__ = [
    "OPTIMIZERS",
    "Optimizer",
    "GD",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "Adamax",
    "Adadelta",
    "get_optimizer",
]


# -- the common interface -----------------------------------------------------------------------
class Optimizer:
    """The interface every optimizer shares: ``step(params, grad)`` and ``reset()``.

    Subclasses write their rule in :meth:`_update`, which receives float64 copies and
    returns the new parameters. The step count ``t_`` starts at 0 and is 1 during the
    first update (Adam's bias correction uses it).

    Attributes
    ----------
    learning_rate : float
        The step size ``eta``.
    t_ : int
        How many steps have been taken since the last :meth:`reset`.
    """

    #: Short name used in :data:`OPTIMIZERS` and in plot legends.
    name = "optimizer"

    def __init__(self, learning_rate: float):
        self.learning_rate = real_number(
            "learning_rate", learning_rate, 0, low_open=True, note=_example("0.01")
        )
        self.reset()

    def reset(self) -> None:
        """Forget all state: the next :meth:`step` is a first step again."""
        self.t_ = 0
        self._shape = None
        self._reset_state()

    def _reset_state(self) -> None:
        """Clear the subclass's own state (velocities, accumulators)."""

    def _init_state(self, shape: tuple[int, ...]) -> None:
        """Create zeroed state for parameters of ``shape``."""

    def _update(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def step(self, params, grad) -> np.ndarray:
        """Take one step and return the new parameters.

        Parameters
        ----------
        params : array_like
            The current parameters (not modified).
        grad : array_like
            The gradient of the loss at ``params``, same shape.

        Returns
        -------
        numpy.ndarray
            The new parameters, a new float64 array.

        Raises
        ------
        ValueError
            If ``grad`` and ``params`` differ in shape, or the shape differs from the one
            this instance has been following since its last :meth:`reset`.
        """
        params = np.array(params, dtype=np.float64)
        grad = np.array(grad, dtype=np.float64)
        if params.shape != grad.shape:
            raise ValueError(_("grad must have the shape of params {shape}, got {got}").format(
                shape=params.shape, got=grad.shape))
        if self._shape is None:
            self._shape = params.shape
            self._init_state(params.shape)
        elif params.shape != self._shape:
            raise ValueError(
                _("this {name} follows parameters of shape {shape}, got {got}; use one "
                  "optimizer per parameter array or call reset()").format(
                    name=type(self).__name__, shape=self._shape, got=params.shape)
            )
        self.t_ += 1
        return self._update(params, grad)

    def _hyper(self) -> str:
        return f"learning_rate={self.learning_rate!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._hyper()})"


class GD(Optimizer):
    """Plain gradient descent: ``theta <- theta - eta * g``.

    Keras: ``keras.optimizers.SGD(learning_rate)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0``. Too big and the iterates bounce across the valley and grow; too small
        and they crawl.

    Examples
    --------
    >>> GD(0.1).step(np.array([1.0, 2.0]), np.array([1.0, -1.0]))
    array([0.9, 2.1])
    """

    name = "gd"

    def _update(self, params, grad):
        return params - self.learning_rate * grad


class Momentum(Optimizer):
    """Gradient descent with momentum (heavy ball).

    ``m <- beta * m - eta * g``; ``theta <- theta + m``, with ``m`` starting at 0.

    The velocity ``m`` remembers past steps, so a constant slope is descended faster (up to
    ``1 / (1 - beta)`` times) and zig-zags across a narrow valley cancel out.
    Keras: ``keras.optimizers.SGD(learning_rate, momentum=beta)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0``.
    beta : float, default 0.9
        Momentum, ``0 <= beta < 1``; 0 is plain gradient descent.

    Examples
    --------
    >>> opt = Momentum(0.1, beta=0.9)
    >>> p = opt.step(np.zeros(1), np.ones(1))
    >>> opt.step(p, np.ones(1))          # second step: 0.1 + (0.9 * 0.1 + 0.1)
    array([-0.29])
    """

    name = "momentum"

    def __init__(self, learning_rate: float, beta: float = 0.9):
        self.beta = real_number("beta", beta, 0, 1, high_open=True, note=_example("0.9"))
        super().__init__(learning_rate)

    def _reset_state(self):
        self.m_ = None

    def _init_state(self, shape):
        self.m_ = np.zeros(shape)

    def _update(self, params, grad):
        self.m_ = self.beta * self.m_ - self.learning_rate * grad
        return params + self.m_

    def _hyper(self):
        return f"{super()._hyper()}, beta={self.beta!r}"


class Nesterov(Momentum):
    """Nesterov accelerated gradient: momentum that looks ahead before it measures the slope.

    The textbook rule evaluates the gradient at the look-ahead point ``theta + beta * m``::

        g = grad L(theta + beta * m);  m <- beta * m - eta * g;  theta <- theta + m

    ``step(params, grad)`` only receives the gradient at ``params``, so this class uses the
    equivalent form of Keras (Sutskever et al., 2013), in which the stored parameters *are*
    the look-ahead point ``phi = theta + beta * m``::

        g = grad L(phi);  m <- beta * m - eta * g;  phi <- phi + beta * m - eta * g

    Substituting ``phi`` shows the two produce the same sequence of look-ahead points.
    Keras: ``keras.optimizers.SGD(learning_rate, momentum=beta, nesterov=True)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0``.
    beta : float, default 0.9
        Momentum, ``0 <= beta < 1``.

    Examples
    --------
    >>> opt = Nesterov(0.1, beta=0.9)
    >>> opt.step(np.zeros(1), np.ones(1))   # 0.9 * (-0.1) - 0.1
    array([-0.19])
    """

    name = "nesterov"

    def _update(self, params, grad):
        self.m_ = self.beta * self.m_ - self.learning_rate * grad
        return params + self.beta * self.m_ - self.learning_rate * grad


class AdaGrad(Optimizer):
    """AdaGrad: each coordinate's step shrinks with the sum of its squared gradients.

    ``s <- s + g**2``; ``theta <- theta - eta * g / sqrt(s + epsilon)``, with ``s`` starting
    at ``initial_accumulator``.

    Steep coordinates get small steps and flat ones large steps, but ``s`` only grows, so
    learning slows down for good (RMSProp fixes that). The textbook writes
    ``sqrt(s) + epsilon`` and starts ``s`` at 0; Keras puts ``epsilon`` inside the square root
    and starts at 0.1, and this class follows Keras so both give the same numbers.
    Keras: ``keras.optimizers.Adagrad(learning_rate, initial_accumulator_value, epsilon)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0`` (Keras's default is 0.001).
    epsilon : float, default 1e-7
        Added under the square root so that a zero gradient never divides by zero; ``>= 0``.
    initial_accumulator : float, default 0.1
        Starting value of ``s``, ``>= 0``.

    Examples
    --------
    >>> AdaGrad(0.1).step(np.zeros(1), np.ones(1)).round(4)     # 0.1 / sqrt(1.1)
    array([-0.0953])
    """

    name = "adagrad"

    def __init__(
        self, learning_rate: float, epsilon: float = 1e-7, initial_accumulator: float = 0.1
    ):
        self.epsilon = real_number("epsilon", epsilon, 0, note=_example("1e-7"))
        self.initial_accumulator = real_number(
            "initial_accumulator", initial_accumulator, 0, note=_example("0.1")
        )
        if self.epsilon == 0 and self.initial_accumulator == 0:
            raise ValueError(
                _("epsilon and initial_accumulator cannot both be 0: a zero "
                  "gradient would divide 0 by 0; use epsilon=1e-7")
            )
        super().__init__(learning_rate)

    def _reset_state(self):
        self.s_ = None

    def _init_state(self, shape):
        self.s_ = np.full(shape, self.initial_accumulator)

    def _update(self, params, grad):
        self.s_ = self.s_ + grad**2
        return params - self.learning_rate * grad / np.sqrt(self.s_ + self.epsilon)

    def _hyper(self):
        return (
            f"{super()._hyper()}, epsilon={self.epsilon!r}, "
            f"initial_accumulator={self.initial_accumulator!r}"
        )


class RMSProp(Optimizer):
    """RMSProp: AdaGrad with a moving average, so old gradients are forgotten.

    ``s <- rho * s + (1 - rho) * g**2``; ``theta <- theta - eta * g / sqrt(s + epsilon)``,
    with ``s`` starting at 0.

    The textbook writes ``sqrt(s) + epsilon``; Keras puts ``epsilon`` inside the square root,
    and this class follows Keras. Note the first step: ``s = (1 - rho) g**2``, so it has size
    ``eta / sqrt(1 - rho)``, about ``3.2 * eta`` for ``rho = 0.9`` (RMSProp has no bias
    correction; Adam adds one). Keras: ``keras.optimizers.RMSprop(learning_rate, rho,
    epsilon=epsilon)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0`` (Keras's default is 0.001).
    rho : float, default 0.9
        Decay of the average of squared gradients, ``0 <= rho < 1``.
    epsilon : float, default 1e-7
        Added under the square root, ``> 0``.

    Examples
    --------
    >>> RMSProp(0.1).step(np.zeros(1), np.ones(1)).round(4)     # 0.1 / sqrt(0.1)
    array([-0.3162])
    """

    name = "rmsprop"

    def __init__(self, learning_rate: float, rho: float = 0.9, epsilon: float = 1e-7):
        self.rho = real_number("rho", rho, 0, 1, high_open=True, note=_example("0.9"))
        self.epsilon = real_number("epsilon", epsilon, 0, low_open=True, note=_example("1e-7"))
        super().__init__(learning_rate)

    def _reset_state(self):
        self.s_ = None

    def _init_state(self, shape):
        self.s_ = np.zeros(shape)

    def _update(self, params, grad):
        self.s_ = self.rho * self.s_ + (1 - self.rho) * grad**2
        return params - self.learning_rate * grad / np.sqrt(self.s_ + self.epsilon)

    def _hyper(self):
        return f"{super()._hyper()}, rho={self.rho!r}, epsilon={self.epsilon!r}"


class Adam(Optimizer):
    """Adam: momentum plus RMSProp, with bias correction.

    With ``m`` and ``v`` starting at 0 and ``t`` the step number (1 on the first step)::

        m <- beta_1 * m + (1 - beta_1) * g            # average gradient
        v <- beta_2 * v + (1 - beta_2) * g**2         # average squared gradient
        m_hat = m / (1 - beta_1**t);  v_hat = v / (1 - beta_2**t)
        theta <- theta - eta * m_hat / (sqrt(v_hat) + epsilon_hat)

    **The bias correction needs the power t.** ``m`` and ``v`` start at 0, so early on they
    underestimate the averages by the factors ``1 - beta**t``; dividing by them undoes
    exactly that, and the correction fades to nothing as ``t`` grows. The course's source
    writes ``1 - beta`` without the ``t``: that is right only at ``t = 1``; afterwards it
    keeps multiplying ``m`` by 10 and ``v`` by 1000 (default betas) for ever instead of
    fading out. On a constant slope its steps are up to 2.1 times too large around step 12,
    right again near step 106, and then too small, shrinking towards
    ``sqrt(1 - beta_2) / (1 - beta_1) ~ 0.32`` times the intended size. With no correction
    at all, the first step would be ``eta * (1 - beta_1) / sqrt(1 - beta_2) ~ 3.2 * eta``
    instead of ``eta``.

    Keras writes the same rule as ``alpha = eta * sqrt(1 - beta_2**t) / (1 - beta_1**t)``,
    ``theta <- theta - alpha * m / (sqrt(v) + epsilon)``: its ``epsilon`` sits next to the
    *uncorrected* ``sqrt(v)``, which is the formula above with
    ``epsilon_hat = epsilon / sqrt(1 - beta_2**t)``. This class uses that ``epsilon_hat`` so
    that it agrees with ``keras.optimizers.Adam``; the difference from the paper's placement
    only matters when gradients are about as small as ``epsilon``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0`` (Keras's default is 0.001). Thanks to the correction, the first step has
        size about ``eta`` in every coordinate, whatever the gradient's scale.
    beta_1 : float, default 0.9
        Decay of the average gradient, ``0 <= beta_1 < 1``.
    beta_2 : float, default 0.999
        Decay of the average squared gradient, ``0 <= beta_2 < 1``.
    epsilon : float, default 1e-7
        Keeps the division finite, ``> 0``.

    Examples
    --------
    >>> Adam(0.1).step(np.zeros(2), np.array([5.0, -0.01])).round(4)
    array([-0.1,  0.1])
    """

    name = "adam"

    def __init__(
        self,
        learning_rate: float,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ):
        self.beta_1 = real_number("beta_1", beta_1, 0, 1, high_open=True, note=_example("0.9"))
        self.beta_2 = real_number("beta_2", beta_2, 0, 1, high_open=True, note=_example("0.999"))
        self.epsilon = real_number("epsilon", epsilon, 0, low_open=True, note=_example("1e-7"))
        super().__init__(learning_rate)

    def _reset_state(self):
        self.m_ = None
        self.v_ = None

    def _init_state(self, shape):
        self.m_ = np.zeros(shape)
        self.v_ = np.zeros(shape)

    def _update(self, params, grad):
        t = self.t_
        self.m_ = self.beta_1 * self.m_ + (1 - self.beta_1) * grad
        self.v_ = self.beta_2 * self.v_ + (1 - self.beta_2) * grad**2
        m_hat = self.m_ / (1 - self.beta_1**t)
        v_hat = self.v_ / (1 - self.beta_2**t)
        epsilon_hat = self.epsilon / math.sqrt(1 - self.beta_2**t)  # Keras's placement
        return params - self.learning_rate * m_hat / (np.sqrt(v_hat) + epsilon_hat)

    def _hyper(self):
        return (
            f"{super()._hyper()}, beta_1={self.beta_1!r}, beta_2={self.beta_2!r}, "
            f"epsilon={self.epsilon!r}"
        )


class Adamax(Adam):
    """Adamax: Adam with the largest recent gradient in place of the root-mean-square.

    ``m <- beta_1 * m + (1 - beta_1) * g``; ``u <- max(beta_2 * u, |g|)``;
    ``theta <- theta - eta * m / ((1 - beta_1**t) * (u + epsilon))``.

    ``u`` needs no bias correction (a maximum is not pulled towards its zero start).
    Keras: ``keras.optimizers.Adamax(learning_rate, beta_1, beta_2, epsilon)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0`` (Keras's default is 0.001).
    beta_1 : float, default 0.9
        ``0 <= beta_1 < 1``.
    beta_2 : float, default 0.999
        Decay of the running maximum, ``0 <= beta_2 < 1``.
    epsilon : float, default 1e-7
        ``> 0``.

    Examples
    --------
    >>> Adamax(0.1).step(np.zeros(2), np.array([5.0, -0.01])).round(4)
    array([-0.1,  0.1])
    """

    name = "adamax"

    def _update(self, params, grad):
        self.m_ = self.beta_1 * self.m_ + (1 - self.beta_1) * grad
        self.v_ = np.maximum(self.beta_2 * self.v_, np.abs(grad))  # u in the formula
        m_hat = self.m_ / (1 - self.beta_1**self.t_)
        return params - self.learning_rate * m_hat / (self.v_ + self.epsilon)


class Adadelta(Optimizer):
    """Adadelta: RMSProp whose step is scaled by the average size of past steps.

    With ``s`` and ``d`` starting at 0::

        s <- rho * s + (1 - rho) * g**2
        delta = -sqrt(d + epsilon) / sqrt(s + epsilon) * g
        d <- rho * d + (1 - rho) * delta**2
        theta <- theta + eta * delta

    The original paper has no learning rate (``eta = 1``); Keras keeps one (default 0.001)
    and this class follows Keras. The first steps are tiny, about ``eta * sqrt(epsilon)``
    relative to the gradient's scale, so Adadelta is slow to start.
    Keras: ``keras.optimizers.Adadelta(learning_rate, rho, epsilon)``.

    Parameters
    ----------
    learning_rate : float
        ``eta > 0``; 1.0 is the paper's rule.
    rho : float, default 0.95
        ``0 <= rho < 1``.
    epsilon : float, default 1e-7
        ``> 0``; it also sets the size of the first steps.

    Examples
    --------
    >>> Adadelta(1.0, epsilon=1e-6).step(np.zeros(1), np.ones(1)).round(5)
    array([-0.00447])
    """

    name = "adadelta"

    def __init__(self, learning_rate: float, rho: float = 0.95, epsilon: float = 1e-7):
        self.rho = real_number("rho", rho, 0, 1, high_open=True, note=_example("0.95"))
        self.epsilon = real_number("epsilon", epsilon, 0, low_open=True, note=_example("1e-7"))
        super().__init__(learning_rate)

    def _reset_state(self):
        self.s_ = None
        self.d_ = None

    def _init_state(self, shape):
        self.s_ = np.zeros(shape)
        self.d_ = np.zeros(shape)

    def _update(self, params, grad):
        self.s_ = self.rho * self.s_ + (1 - self.rho) * grad**2
        delta = -np.sqrt(self.d_ + self.epsilon) / np.sqrt(self.s_ + self.epsilon) * grad
        self.d_ = self.rho * self.d_ + (1 - self.rho) * delta**2
        return params + self.learning_rate * delta

    def _hyper(self):
        return f"{super()._hyper()}, rho={self.rho!r}, epsilon={self.epsilon!r}"


#: Every optimizer by its short name.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, Adamax, Adadelta)
}


def _example(value: str) -> str:
    """Return the note of a hyper-parameter's check: ``for example 0.9``."""
    return _("for example {value}").format(value=value)


def get_optimizer(name: str | Optimizer, **kwargs) -> Optimizer:
    """Build the optimizer called ``name`` with the given hyper-parameters.

    Parameters
    ----------
    name : str or Optimizer
        One of the keys of :data:`OPTIMIZERS` (case does not matter); an :class:`Optimizer`
        instance is returned as is (then no keyword arguments are allowed).
    **kwargs
        Hyper-parameters of that class, e.g. ``learning_rate=0.01, beta=0.9``.

    Returns
    -------
    Optimizer
        A fresh instance.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the allowed ones), an unknown keyword or a
        hyper-parameter out of range.

    Examples
    --------
    >>> get_optimizer("adam", learning_rate=0.01)
    Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-07)
    """
    if isinstance(name, Optimizer):
        if kwargs:
            raise ValueError(
                _("pass hyper-parameters either to the optimizer or to get_optimizer, not both")
            )
        return name
    key = one_of("optimizer", name.lower() if isinstance(name, str) else name, OPTIMIZERS)
    cls = OPTIMIZERS[key]
    if "learning_rate" not in kwargs:
        raise ValueError(
            _("{name} needs a learning_rate, e.g. get_optimizer({key!r}, learning_rate=0.01)")
            .format(name=cls.__name__, key=key)
        )
    try:
        return cls(**kwargs)
    except TypeError as err:
        allowed = ", ".join(p for p in inspect.signature(cls.__init__).parameters if p != "self")
        raise ValueError(
            _("{name} got an unexpected argument ({error}); allowed: {allowed}").format(
                name=cls.__name__, error=err, allowed=allowed)
        ) from None
