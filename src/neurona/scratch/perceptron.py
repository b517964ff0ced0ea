"""Rosenblatt's perceptron and Widrow's Adaline, one neuron each, in NumPy.

Both keep the bias as weight ``w[0]`` on a constant input 1, so that the net input is
``z = w[0] + x1 w[1] + ... + xn w[n]``. The perceptron learns from its mistakes, one
sample at a time; Adaline follows the gradient of the squared error of ``z`` itself.
Every ``fit`` writes a :class:`~neurona.runs.RunRecord` to the ledger, like a Keras run.
"""

from __future__ import annotations

import functools
import math
import sys
import time

import numpy as np

from neurona import runs
from neurona.i18n import _, ngettext
from neurona.scratch.activations import get_activation
from neurona.scratch.initializers import INITIALIZERS, initialize
from neurona.validate import one_of, real_number, whole_number

__all__ = ["Perceptron", "Adaline"]

#: The label values each step activation produces, and so accepts as targets.
PERCEPTRON_LABELS = {"heaviside": (0, 1), "sign": (-1, 1)}


#: Adaline stops as diverged when its loss exceeds this multiple of the first epoch's loss.
BLOW_UP = 1000.0

class _Neuron:
    """What the perceptron and Adaline share: weights with the bias first, and their use."""

    weights_: np.ndarray

    def net_input(self, X) -> np.ndarray:
        """Return the net input ``z = w0 + X . w`` of each sample, shape ``(N,)``."""
        X = self._check_X(X)  # first, so that an unfitted neuron says so
        return self.weights_[0] + X @ self.weights_[1:]

    def decision_line(self) -> tuple[float, float] | None:
        """Return the boundary ``w0 + w1 x1 + w2 x2 = 0`` of a 2-D neuron as ``x2 = m x1 + c``.

        Returns
        -------
        (slope, intercept) or None
            None when ``w2 == 0`` (the boundary is vertical, or there is none).

        Examples
        --------
        >>> p = Perceptron().fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1],
        ...                      ledger=runs.Ledger())                        # OR
        >>> p.decision_line()
        (-1.0, 1.0)
        """
        w = self._fitted_weights()
        if len(w) != 3:
            raise ValueError(_("decision_line needs 2 input features; this one has {n}").format(
                n=len(w) - 1))
        w0, w1, w2 = w
        if w2 == 0:
            return None
        return float(-w1 / w2), float(-w0 / w2)

    def _fitted_weights(self) -> np.ndarray:
        if not hasattr(self, "weights_"):
            name = type(self).__name__
            raise RuntimeError(_("this {name} is not fitted yet: call fit(X, y) first").format(
                name=name))
        return self.weights_

    def _check_X(self, X) -> np.ndarray:
        n = len(self._fitted_weights()) - 1
        X = as_float_array("X", X)
        if X.ndim != 2 or X.shape[1] != n:
            raise ValueError(_("X must have shape (N, {n}) (one row per sample); got {shape}")
                             .format(n=n, shape=X.shape))
        return X


class Perceptron(_Neuron):
    """Rosenblatt's perceptron: a threshold unit that learns from its mistakes.

    For each sample, in order, the output ``y_hat = step(w[0] + x . w[1:])`` is compared with
    the target ``y``; after a mistake the weights move by ``eta (y - y_hat) x`` (with
    ``x[0] = 1`` for the bias). On data that a line (a hyperplane) separates, this stops
    after finitely many mistakes; otherwise it never stops, as on XOR.

    Parameters
    ----------
    activation : {"heaviside", "sign"}
        The step: ``"heaviside"`` outputs 0 or 1 (labels 0/1), ``"sign"`` outputs -1 or +1
        (labels -1/+1).
    learning_rate : float
        ``eta`` > 0. With zero initial weights it scales the weights and, in exact
        arithmetic, leaves the mistakes as they are; in floating point a point that lands
        exactly on the line (z = 0) can round either way, so some rates (0.1 on AND) take
        a different path.
    max_epochs : int
        Passes over the data before giving up.
    init : str
        Initialiser of the input weights (see :data:`~neurona.scratch.INITIALIZERS`);
        the bias always starts at 0.
    seed : int
        Seed of the initial weights and of the shuffles.
    shuffle : bool
        Visit the samples in a new (seeded) random order each epoch instead of in order.

    Attributes
    ----------
    weights_ : numpy.ndarray
        ``[w0, w1, ..., wn]``: ``weights_[0]`` is the bias.
    updates_ : list of dict
        One dict per mistake-driven update, with keys ``epoch`` (from 1), ``index`` (the
        sample), ``x``, ``target``, ``output``, ``w_before`` and ``w_after``: replaying
        them shows the learning step by step.
    errors_per_epoch_ : list of int
        Mistakes (= updates) in each epoch.
    converged_ : bool
        Whether an epoch went by without a mistake.
    epochs_ : int
        Epochs run, including the last one without mistakes.
    message_ : str
        ``"converged after 3 epochs (5 updates)"`` or ``"no convergence after 100 epochs:
        no line separates these classes"``. The second is the perceptron's verdict, not a
        proof: a separable set with a tiny margin can need more epochs.
    record_ : RunRecord
        The run in the ledger (metric ``"errors"`` per epoch).

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> p = Perceptron().fit(X, [0, 0, 0, 1], ledger=runs.Ledger())   # AND
    >>> p.message_
    'converged after 6 epochs (11 updates)'
    >>> p.predict(X)
    array([0, 0, 0, 1])
    >>> p.weights_            # bias first
    array([-3.,  2.,  1.])
    """

    def __init__(
        self,
        activation: str = "heaviside",
        learning_rate: float = 1.0,
        max_epochs: int = 100,
        init: str = "zeros",
        seed: int = 0,
        shuffle: bool = False,
    ):
        labels = {name: _("labels {a}/{b}").format(a=a, b=b)
                  for name, (a, b) in PERCEPTRON_LABELS.items()}
        self.activation = one_of("activation", activation, PERCEPTRON_LABELS, meanings=labels)
        self.learning_rate = real_number("learning_rate", learning_rate, 0, low_open=True)
        self.max_epochs = whole_number("max_epochs", max_epochs, 1)
        self.init = one_of("init", init, INITIALIZERS)
        self.seed = whole_number("seed", seed, 0)
        self.shuffle = check_bool("shuffle", shuffle)

    @property
    def labels(self) -> tuple[int, int]:
        """The two label values of the chosen activation: ``(0, 1)`` or ``(-1, 1)``."""
        return PERCEPTRON_LABELS[self.activation]

    # -- learning ------------------------------------------------------------------------------
    def fit(self, X, y, ledger: runs.Ledger | None = None, name: str | None = None) -> Perceptron:
        """Learn with Rosenblatt's rule until an epoch has no mistakes or ``max_epochs`` pass.

        Parameters
        ----------
        X : array of shape (N, n_features)
            Inputs.
        y : array of shape (N,)
            Targets: 0/1 for ``"heaviside"``, -1/+1 for ``"sign"``.
        ledger : Ledger, optional
            Where the run record goes; default the notebook-wide ``neurona.ledger``.
        name : str, optional
            Name of the run; default ``perceptron 1``, ``perceptron 2``, ...

        Returns
        -------
        Perceptron
            ``self``, fitted.
        """
        X, y = check_xy(X, y)
        self._check_labels(y)
        rng = np.random.default_rng(self.seed)
        self.weights_ = initial_weights(self.init, X.shape[1], rng)
        self.updates_: list[dict] = []
        self.errors_per_epoch_: list[int] = []
        self.converged_ = False
        self.epochs_ = 0
        hparams = {
            "activation": self.activation,
            "learning_rate": self.learning_rate,
            "max_epochs": self.max_epochs,
            "init": self.init,
            "seed": self.seed,
            "shuffle": self.shuffle,
        }
        self.record_ = start_record("perceptron", name, ledger, hparams, len(X), X.shape[1] + 1)
        try:
            for epoch in range(1, self.max_epochs + 1):
                start = time.perf_counter()
                order = rng.permutation(len(X)) if self.shuffle else range(len(X))
                mistakes = self._train_epoch(X, y, order, epoch)
                self.errors_per_epoch_.append(mistakes)
                self.epochs_ = epoch
                self.record_.add_epoch({"errors": mistakes}, time.perf_counter() - start)
                if mistakes == 0:
                    self.converged_ = True
                    break
        except KeyboardInterrupt:
            self.message_ = _("interrupted in epoch {epoch}; the weights are kept").format(
                epoch=self.epochs_ + 1)
            self.record_.finish("interrupted", self.message_)
            return self
        self.message_ = self._verdict(X.shape[1])
        self.record_.finish("finished", self.message_)
        return self

    def _train_epoch(self, X: np.ndarray, y: np.ndarray, order, epoch: int) -> int:
        """One pass of Rosenblatt's rule; returns the number of mistakes."""
        mistakes = 0
        # One sample at a time on purpose: each update changes the weights that judge the
        # next sample, which is the rule itself (a vectorised batch would be another rule).
        for i in order:
            output = self._predict_one(X[i])
            if output == y[i]:
                continue
            w_before = self.weights_.copy()
            step = self.learning_rate * (y[i] - output)
            self.weights_[0] += step  # the bias's input is the constant 1
            self.weights_[1:] += step * X[i]
            self.updates_.append(
                {
                    "epoch": epoch,
                    "index": int(i),
                    "x": X[i].copy(),
                    "target": int(y[i]),
                    "output": output,
                    "w_before": w_before,
                    "w_after": self.weights_.copy(),
                }
            )
            mistakes += 1
        return mistakes

    def _predict_one(self, x: np.ndarray) -> int:
        z = self.weights_[0] + x @ self.weights_[1:]
        return int(get_activation(self.activation).f(z))

    def _verdict(self, n_features: int) -> str:
        epochs = _epochs(self.epochs_)
        if self.converged_:
            n = len(self.updates_)
            updates = ngettext("{n} update", "{n} updates", n).format(n=n)
            return _("converged after {epochs} ({updates})").format(epochs=epochs, updates=updates)
        # Whole sentences: the noun's gender changes the Spanish of "no ... separates".
        verdict = {
            1: _("no convergence after {epochs}: no threshold separates these classes"),
            2: _("no convergence after {epochs}: no line separates these classes"),
            3: _("no convergence after {epochs}: no plane separates these classes"),
        }.get(n_features) or _("no convergence after {epochs}: no hyperplane separates these "
                               "classes")
        return verdict.format(epochs=epochs)

    def _check_labels(self, y: np.ndarray) -> None:
        wrong = np.setdiff1d(np.unique(y), self.labels)
        if wrong.size == 0:
            return
        low, high = self.labels
        other = "sign" if self.activation == "heaviside" else "heaviside"
        shown = ", ".join(f"{v:g}" for v in wrong[:5])
        raise ValueError(
            _("with activation={activation!r} the labels must be {low} or {high}; got {shown} "
              "(for labels {labels} use activation={other!r})").format(
                activation=self.activation, low=low, high=high, shown=shown,
                labels=PERCEPTRON_LABELS[other], other=other)
        )

    # -- using it ------------------------------------------------------------------------------
    def predict(self, X) -> np.ndarray:
        """Return the step of the net input: 0/1 (heaviside) or -1/+1 (sign), shape ``(N,)``."""
        return get_activation(self.activation).f(self.net_input(X)).astype(np.int64)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(activation={self.activation!r}, "
            f"learning_rate={self.learning_rate:g}, max_epochs={self.max_epochs})"
        )


class Adaline(_Neuron):
    """Adaline (Widrow and Hoff): a linear neuron trained by gradient descent on the MSE.

    The output during training is ``z = w[0] + x . w[1:]`` itself (identity activation), and
    the loss is ``L = 0.5 * mean((y - z)^2)``, so each epoch does one full-batch step
    ``w <- w + eta X^T (y - z) / N`` (and ``w0 <- w0 + eta mean(y - z)``). Unlike the
    perceptron it also learns from the samples it already classifies right, and it settles
    even when no line separates the classes. To classify, ``z`` is thresholded at 0.

    Parameters
    ----------
    learning_rate : float
        Step size ``eta`` > 0. Too large and the loss grows without bound: standardise the
        inputs or make it smaller.
    epochs : int
        Full-batch gradient steps.
    init : str
        Initialiser of the input weights; the bias starts at 0.
    seed : int
        Seed of the initial weights.

    Attributes
    ----------
    weights_ : numpy.ndarray
        ``[w0, w1, ..., wn]``, bias first.
    loss_per_epoch_ : list of float
        The loss at the start of each epoch (the loss its gradient step was computed from).
    record_ : RunRecord
        The run in the ledger (metric ``"loss"``); status ``"diverged"`` if the loss became
        infinite or grew to more than :data:`BLOW_UP` times its first value.

    Examples
    --------
    >>> X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    >>> ada = Adaline(learning_rate=0.1, epochs=100).fit(X, [-1, -1, -1, 1], ledger=runs.Ledger())
    >>> ada.predict(X)
    array([-1, -1, -1,  1])
    >>> round(ada.loss_per_epoch_[-1], 3)     # the least-squares line's 0.5 * mean error^2
    0.125
    """

    def __init__(
        self, learning_rate: float = 0.01, epochs: int = 50, init: str = "zeros", seed: int = 0
    ):
        self.learning_rate = real_number("learning_rate", learning_rate, 0, low_open=True)
        self.epochs = whole_number("epochs", epochs, 1)
        self.init = one_of("init", init, INITIALIZERS)
        self.seed = whole_number("seed", seed, 0)

    def fit(self, X, y, ledger: runs.Ledger | None = None, name: str | None = None) -> Adaline:
        """Run ``epochs`` full-batch gradient steps on ``0.5 * mean((y - z)^2)``.

        Parameters
        ----------
        X : array of shape (N, n_features)
            Inputs (standardised inputs allow a larger learning rate).
        y : array of shape (N,)
            Real targets, typically -1/+1.
        ledger : Ledger, optional
            Where the run record goes; default the notebook-wide ``neurona.ledger``.
        name : str, optional
            Name of the run; default ``adaline 1``, ...

        Returns
        -------
        Adaline
            ``self``, fitted.
        """
        X, y = check_xy(X, y)
        self.weights_ = initial_weights(self.init, X.shape[1], np.random.default_rng(self.seed))
        self.loss_per_epoch_: list[float] = []
        hparams = {
            "learning_rate": self.learning_rate,
            "epochs": self.epochs,
            "init": self.init,
            "seed": self.seed,
        }
        self.record_ = start_record("adaline", name, ledger, hparams, len(X), X.shape[1] + 1)
        try:
            for epoch in range(1, self.epochs + 1):
                start = time.perf_counter()
                loss = self._gradient_step(X, y)
                if not math.isfinite(loss):
                    self.record_.finish("diverged", diverged_note(loss, epoch, self.learning_rate))
                    return self
                self.loss_per_epoch_.append(loss)
                self.record_.add_epoch({"loss": loss}, time.perf_counter() - start)
                first = self.loss_per_epoch_[0]
                if loss > BLOW_UP * max(first, 1e-12):  # still finite, but clearly exploding
                    self.record_.finish(
                        "diverged",
                        _("the loss grew from {first:.3g} to {loss:.3g} by epoch {epoch}; try a "
                          "smaller learning rate than {rate:g}").format(
                            first=first, loss=loss, epoch=epoch, rate=self.learning_rate),
                    )
                    return self
        except KeyboardInterrupt:
            note = _("interrupted after {epochs}; the weights are kept").format(
                epochs=_epochs(self.record_.epochs))
            self.record_.finish("interrupted", note)
            return self
        self.record_.finish("finished")
        return self

    def _gradient_step(self, X: np.ndarray, y: np.ndarray) -> float:
        """One step down the gradient of ``0.5 mean((y - z)^2)``; returns the loss before it."""
        # A diverging run overflows to inf; that is reported by fit, not as a warning.
        with np.errstate(over="ignore", invalid="ignore"):
            error = y - self.net_input(X)
            loss = float(0.5 * np.mean(error**2))
            # dL/dw = -X^T error / N and dL/dw0 = -mean(error): step against them.
            self.weights_[1:] += self.learning_rate * (X.T @ error) / len(X)
            self.weights_[0] += self.learning_rate * error.mean()
        return loss

    def predict(self, X) -> np.ndarray:
        """Class labels -1/+1: the sign of the net input (0 counts as +1)."""
        return np.where(self.net_input(X) >= 0, 1, -1)

    def __repr__(self) -> str:
        return f"Adaline(learning_rate={self.learning_rate:g}, epochs={self.epochs})"


# -- shared by the NumPy trainers (the MLP uses them too) -------------------------------------
@functools.cache
def numpy_device() -> str:
    """Return the device string of NumPy runs, e.g. ``"CPU: AMD EPYC (NumPy)"`` (asked once)."""
    from neurona.hardware import hardware_report

    return f"CPU: {hardware_report().cpu_model} (NumPy)"


def start_record(
    prefix: str,
    name: str | None,
    ledger: runs.Ledger | None,
    hparams: dict,
    samples_per_epoch: int,
    parameters: int,
) -> runs.RunRecord:
    """Open a ``running`` record of a NumPy training and add it to the ledger."""
    if ledger is None:
        ledger = runs.ledger  # looked up now, so the notebook-wide ledger is always the current one
    if not isinstance(ledger, runs.Ledger):
        raise ValueError(_("ledger must be a neurona Ledger or None, got {kind}").format(
            kind=type(ledger).__name__))
    if name is not None and not isinstance(name, str):
        raise ValueError(_("name must be a string or None, got {name!r}").format(name=name))
    record = runs.RunRecord(
        name=name or ledger.new_name(prefix),
        hparams=hparams,
        samples_per_epoch=samples_per_epoch,
        device=numpy_device(),
        backend="numpy",
        versions={"python": sys.version.split()[0], "numpy": np.__version__},
        parameters=parameters,
    )
    return ledger.add(record)


def diverged_note(loss: float, epoch: int, learning_rate: float) -> str:
    """Return the one line a diverged run ends with."""
    return _("the loss became {loss} in epoch {epoch}; try a smaller learning rate than "
             "{rate:g}").format(loss=loss, epoch=epoch, rate=learning_rate)


def initial_weights(init: str, n_features: int, rng: np.random.Generator) -> np.ndarray:
    """``[0, w1, ..., wn]``: the bias starts at 0, the input weights from ``init``."""
    w = np.zeros(n_features + 1)
    w[1:] = initialize(init, n_features, 1, rng)[:, 0]
    return w


def _epochs(n: int) -> str:
    """Return ``1 epoch``, ``3 epochs`` in the kit's language."""
    return ngettext("{n} epoch", "{n} epochs", n).format(n=n)


def as_float_array(label: str, values) -> np.ndarray:
    """``values`` as a float64 array, or a ValueError that names ``label``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be numbers (an array of floats or ints)").format(
            name=label)) from None
    if not np.all(np.isfinite(array)):
        raise ValueError(_("{name} contains NaN or infinite values").format(name=label))
    return array


def check_xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Return inputs ``(N, n_features)`` and targets ``(N,)`` as float arrays, or a ValueError."""
    X, y = as_float_array("X", X), as_float_array("y", y)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(_("X must be 2-D, shape (N, n_features) with N >= 1; got {shape}")
                         .format(shape=X.shape))
    if y.ndim != 1:
        raise ValueError(_("y must be 1-D, one target per sample; got shape {shape}").format(
            shape=y.shape))
    if len(y) != len(X):
        raise ValueError(_("X has {n} samples but y has {m}").format(n=len(X), m=len(y)))
    return X, y


def check_bool(label: str, value) -> bool:
    """``value`` if it is True or False, else a ValueError."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(_("{name} must be True or False, got {value!r}").format(
            name=label, value=value))
    return bool(value)
