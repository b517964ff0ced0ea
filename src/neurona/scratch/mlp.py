"""A multi-layer perceptron in NumPy: forward pass, backpropagation and gradient descent.

Layout (the course's convention, the same as Keras's ``Dense``): a batch is a matrix ``X`` of
shape ``(N, n_in)``, one row per sample; layer ``l`` has weights ``W[l]`` of shape
``(n_in, n_out)`` and biases ``b[l]`` of shape ``(n_out,)``, and computes

    z = a_prev @ W + b,        a = f(z).

Backpropagation, with ``L`` the loss averaged over the batch (see :mod:`.losses`):

    output layer:   delta = dL/da * f'(z)         (= (a - y) / N for softmax + cross_entropy
                                                     and for sigmoid + binary_cross_entropy)
    hidden layers:  delta = (delta_next @ W_next.T) * f'(z)
    every layer:    dW = a_prev.T @ delta (+ l2 * W),   db = delta.sum(axis=0)

The ``1/N`` of the mean sits in ``dL/da`` (and so in every delta), which makes ``dW`` and
``db`` both batch *averages* — the course's source summed one and averaged the other.

A consequence for its learning rates: the source's cost derivative is ``2 * (a - y)`` (no
1/2) and its weight step is ``eta * sum`` over the N samples, which is ``eta * 2N * mean``
of this module's gradient; its bias step is ``eta * 2 * mean``. Its two-circles setting
(``[2, 4, 1]``, sigmoid, MSE, "learning rate 0.05", 500 full-batch epochs) therefore takes
the weight steps of ``learning_rate=0.05 * 2 * N`` here (25 for 250 points), which
separates the circles; 0.05 itself barely moves the weights in 500 epochs. (Notebook 03
runs the source's own rule beside both.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from neurona import runs
from neurona.i18n import _, ngettext
from neurona.scratch.activations import Activation, get_activation
from neurona.scratch.initializers import INITIALIZERS, initialize
from neurona.scratch.losses import get_loss
from neurona.scratch.perceptron import (
    as_float_array,
    check_bool,
    diverged_note,
    start_record,
)
from neurona.validate import one_of, real_number, whole_number

__all__ = ["MLP", "Gradients"]

#: Activations backpropagation cannot use in a hidden layer.
_STEPS = ("heaviside", "sign")


@dataclass
class Gradients:
    """The result of one backward pass: one entry per weight layer, first layer first.

    Attributes
    ----------
    deltas : list of numpy.ndarray
        ``dL/dz`` of each layer, shape ``(N, n_out)``: how the loss changes with each
        neuron's net input, for each sample.
    dW : list of numpy.ndarray
        ``dL/dW``, shape ``(n_in, n_out)`` like the weights (batch average, plus ``l2 * W``).
    db : list of numpy.ndarray
        ``dL/db``, shape ``(n_out,)`` like the biases (batch average).
    """

    deltas: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]


class MLP:
    """A fully connected network trained by backpropagation and gradient descent.

    Parameters
    ----------
    layers : list of int
        Sizes from input to output, e.g. ``[2, 4, 1]``: 2 inputs, 4 hidden neurons,
        1 output. At least two entries.
    activation : str or list of str
        Activation of the hidden layers (one of :data:`~neurona.scratch.ACTIVATIONS` except
        the steps and softmax), or a list with one name per weight layer, output last
        (then ``output_activation`` must be None).
    output_activation : str, optional
        Activation of the output layer. Default: ``"softmax"`` for ``cross_entropy``,
        ``"sigmoid"`` for ``binary_cross_entropy``, and the hidden activation for ``mse``
        (the source's two-circles net is sigmoid everywhere).
    loss : {"mse", "cross_entropy", "binary_cross_entropy"}
        The loss, averaged over the batch (see :mod:`neurona.scratch.losses`).
        ``cross_entropy`` goes with a softmax output of 2 or more units,
        ``binary_cross_entropy`` with sigmoid outputs.
    init : str
        Weight initialiser (see :data:`~neurona.scratch.INITIALIZERS`); biases start at 0.
    l2 : float
        Weight decay: adds ``0.5 * l2 * sum(W**2)`` over the weights (not the biases) to the
        loss, and ``l2 * W`` to each ``dW``.
    seed : int
        Seed of the initial weights and of the mini-batch shuffles.

    Attributes
    ----------
    weights : list of numpy.ndarray
        ``W`` of each layer, shape ``(n_in, n_out)``.
    biases : list of numpy.ndarray
        ``b`` of each layer, shape ``(n_out,)``.
    activation_names : list of str
        The activation of each weight layer, output last.
    loss_name : str
        The loss.
    record_ : RunRecord
        The record of the last :meth:`fit`.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> net = MLP([2, 4, 1], activation="tanh", loss="binary_cross_entropy", seed=1)
    >>> net
    MLP([2, 4, 1], activations tanh -> sigmoid, loss 'binary_cross_entropy', 17 parameters)
    >>> record = net.fit(X, [0, 1, 1, 0], epochs=1000, learning_rate=0.5, ledger=runs.Ledger())
    >>> net.predict_classes(X)                                   # XOR
    array([0, 1, 1, 0])
    >>> record.status, record.epochs
    ('finished', 1000)
    """

    def __init__(
        self,
        layers: Sequence[int],
        activation: str | Sequence[str] = "sigmoid",
        output_activation: str | None = None,
        loss: str = "mse",
        init: str = "glorot",
        l2: float = 0.0,
        seed: int = 0,
    ):
        self.layers = _check_layers(layers)
        self._loss = get_loss(loss)
        self.loss_name = self._loss.name
        self.activation_names = self._choose_activations(activation, output_activation)
        self.activation = activation if isinstance(activation, str) else list(activation)
        self.output_activation = self.activation_names[-1]
        self.init = one_of("init", init, INITIALIZERS)
        self.l2 = real_number("l2", l2, 0, note=_("0 means no weight decay"))
        self.seed = whole_number("seed", seed, 0)
        self._activations: list[Activation] = [get_activation(n) for n in self.activation_names]
        rng = np.random.default_rng(self.seed)
        sizes = list(zip(self.layers[:-1], self.layers[1:], strict=True))
        self.weights = [initialize(init, n_in, n_out, rng) for n_in, n_out in sizes]
        self.biases = [np.zeros(n_out) for _n_in, n_out in sizes]

    def _choose_activations(self, activation, output_activation) -> list[str]:
        """One activation name per weight layer, checked against the loss."""
        n_layers = len(self.layers) - 1
        if isinstance(activation, str):
            output = output_activation or {
                "cross_entropy": "softmax",
                "binary_cross_entropy": "sigmoid",
            }.get(self.loss_name, activation)
            names = [activation] * (n_layers - 1) + [output]
        else:
            if not isinstance(activation, (list, tuple)):
                raise ValueError(
                    _("activation must be a name such as 'relu', or a list with one name per "
                      "weight layer; got {activation!r}").format(activation=activation)
                )
            if output_activation is not None:
                raise ValueError(
                    _("give activation as a list with the output's activation last, "
                      "or as one name plus output_activation, not both")
                )
            names = list(activation)
            if len(names) != n_layers:
                raise ValueError(
                    _("activation as a list needs one name per weight layer: {n} for layers "
                      "{layers}; got {got}").format(n=n_layers, layers=self.layers, got=len(names))
                )
        for name in names:
            get_activation(name)  # an unknown name raises, listing the allowed ones
        for name in names[:-1]:
            _check_hidden(name)
        self._check_output(names[-1])
        return names

    def _check_output(self, output: str) -> None:
        if output in _STEPS:
            _check_hidden(output)
        n_out = self.layers[-1]
        if output == "softmax" and self.loss_name != "cross_entropy":
            raise ValueError(
                _("a softmax output needs loss='cross_entropy' (the course uses softmax only "
                  "with it); got loss={loss!r}").format(loss=self.loss_name)
            )
        if self.loss_name == "cross_entropy":
            if output != "softmax":
                raise ValueError(
                    _("loss='cross_entropy' needs a softmax output; got {output!r} "
                      "(for sigmoid outputs use loss='binary_cross_entropy')").format(output=output)
                )
            if n_out < 2:
                raise ValueError(
                    _("softmax with cross_entropy needs 2 or more output units; for "
                      "one output use loss='binary_cross_entropy' (a sigmoid output)")
                )
        if self.loss_name == "binary_cross_entropy" and output != "sigmoid":
            raise ValueError(
                _("loss='binary_cross_entropy' needs a sigmoid output (a probability); "
                  "got {output!r}").format(output=output)
            )

    # -- the parameters ----------------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        """Weights and biases in all: ``sum((n_in + 1) * n_out)`` over the layers."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def get_params(self) -> dict[str, list[np.ndarray]]:
        """Return a copy of the weights and biases: ``{"weights": [...], "biases": [...]}``.

        Examples
        --------
        >>> net = MLP([2, 3, 1])
        >>> start = net.get_params()
        >>> loss = net.step([[0.0, 1.0]], [1.0], learning_rate=1.0)   # changes the weights
        >>> net.set_params(start)                                   # back to the start
        >>> bool(np.array_equal(net.weights[0], start["weights"][0]))
        True
        """
        return {
            "weights": [W.copy() for W in self.weights],
            "biases": [b.copy() for b in self.biases],
        }

    def set_params(self, params: dict[str, Sequence[np.ndarray]]) -> None:
        """Replace the weights and biases with copies of ``params`` (from :meth:`get_params`)."""
        if not isinstance(params, dict) or set(params) != {"weights", "biases"}:
            raise ValueError(
                _('params must be a dict with keys "weights" and "biases", '
                  "as returned by get_params()")
            )
        new = {}
        for key, current in (("weights", self.weights), ("biases", self.biases)):
            arrays = [as_float_array(key, p).copy() for p in params[key]]
            expected = [c.shape for c in current]
            if [a.shape for a in arrays] != expected:
                raise ValueError(
                    _("{key} must have shapes {expected} for layers {layers}; got {got}").format(
                        key=key, expected=expected, layers=self.layers,
                        got=[a.shape for a in arrays])
                )
            new[key] = arrays
        self.weights, self.biases = new["weights"], new["biases"]

    # -- forward -----------------------------------------------------------------------------
    def forward(self, X) -> list[tuple[np.ndarray, np.ndarray]]:
        """Run the forward pass; return ``(z, a)`` of every weight layer, first layer first.

        ``forward(X)[-1][1]`` is the output. The input ``X`` itself is not in the list
        (:meth:`forward_all` includes it).

        Parameters
        ----------
        X : array of shape (N, n_in)
            Inputs, one row per sample.

        Returns
        -------
        list of (z, a)
            One pair per weight layer, each array of shape ``(N, n_out)`` of that layer.

        Examples
        --------
        >>> net = MLP([2, 4, 1])
        >>> [(z.shape, a.shape) for z, a in net.forward(np.zeros((5, 2)))]
        [((5, 4), (5, 4)), ((5, 1), (5, 1))]
        """
        return self._forward(self._check_X(X))

    def _forward(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        pairs = []
        a = X
        for W, b, act in zip(self.weights, self.biases, self._activations, strict=True):
            z = a @ W + b
            a = act.f(z)
            pairs.append((z, a))
        return pairs

    def forward_all(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the forward pass; return two lists, ``(activations, zs)``.

        ``activations[0]`` is ``X`` and ``activations[l + 1] = f(zs[l])``, so
        ``activations`` has one more entry than ``zs`` (the layout many textbooks use).

        Examples
        --------
        >>> activations, zs = MLP([2, 4, 1]).forward_all(np.zeros((5, 2)))
        >>> len(activations), len(zs)
        (3, 2)
        """
        X = self._check_X(X)
        pairs = self._forward(X)
        return [X] + [a for _z, a in pairs], [z for z, _a in pairs]

    def predict(self, X) -> np.ndarray:
        """Return the network's output for each sample, shape ``(N, n_out)``."""
        return self.forward(X)[-1][1]

    def predict_classes(self, X) -> np.ndarray:
        """Return the class of each sample, shape ``(N,)``.

        Several outputs: the index of the largest. One output: 1 where it is >= 0.5 for a
        sigmoid (or ReLU) output, >= 0 for tanh, linear and leaky ReLU; else 0.
        """
        a = self.predict(X)
        if a.shape[1] > 1:
            return a.argmax(axis=1)
        threshold = 0.5 if self.output_activation in ("sigmoid", "relu") else 0.0
        return (a[:, 0] >= threshold).astype(np.int64)

    # -- loss and gradients ------------------------------------------------------------------
    def loss(self, X, Y) -> float:
        """Return the loss on ``(X, Y)``, averaged over the samples, plus the L2 penalty if any.

        ``Y`` has shape ``(N, n_out)``; 1-D targets are accepted for one output, and class
        labels 0..n_out-1 for ``cross_entropy``.
        """
        X, Y = self._check_data(X, Y)
        return self._loss_value(self._forward(X)[-1][1], Y)

    def _loss_value(self, output: np.ndarray, Y: np.ndarray) -> float:
        value = self._loss.value(output, Y)
        if self.l2 > 0:
            value += 0.5 * self.l2 * sum(float(np.sum(W**2)) for W in self.weights)
        return value

    def backward(self, X, Y) -> Gradients:
        """Backpropagation: the gradient of :meth:`loss` with respect to every W and b.

        The formulas (module docstring): output ``delta = dL/da * f'(z)``, or ``(a - y) / N``
        for softmax + cross_entropy and sigmoid + binary_cross_entropy; hidden
        ``delta = (delta_next @ W_next.T) * f'(z)``; ``dW = a_prev.T @ delta + l2 * W``;
        ``db = delta.sum(axis=0)``. The ``1/N`` is in every delta, so ``dW`` and ``db`` are
        both averages over the batch.

        Returns
        -------
        Gradients
            ``deltas``, ``dW`` and ``db``, one entry per weight layer.

        Examples
        --------
        >>> net = MLP([2, 4, 1])
        >>> grads = net.backward(np.ones((3, 2)), np.ones(3))
        >>> grads.dW[0].shape, grads.db[0].shape, grads.deltas[1].shape
        ((2, 4), (4,), (3, 1))
        """
        X, Y = self._check_data(X, Y)
        return self._backward(X, Y, self._forward(X))

    def _backward(self, X: np.ndarray, Y: np.ndarray, pairs) -> Gradients:
        z_out, a_out = pairs[-1]
        if self._loss.output == self.output_activation:
            delta = self._loss.delta(a_out, Y)  # softmax/sigmoid and their loss: (a - y) / N
        else:
            delta = self._loss.grad(a_out, Y) * self._activations[-1].df(z_out)
        deltas = [delta]
        for layer in range(len(self.weights) - 2, -1, -1):
            # Blame flows back through the next layer's weights, scaled by this layer's slope.
            delta = (delta @ self.weights[layer + 1].T) * self._activations[layer].df(
                pairs[layer][0]
            )
            deltas.insert(0, delta)
        inputs = [X] + [a for _z, a in pairs[:-1]]  # a_prev of each layer
        dW = [
            a_prev.T @ d + self.l2 * W
            for a_prev, d, W in zip(inputs, deltas, self.weights, strict=True)
        ]
        db = [d.sum(axis=0) for d in deltas]
        return Gradients(deltas=deltas, dW=dW, db=db)

    def gradient_check(self, X, Y, eps: float = 1e-6) -> float:
        """Compare backpropagation with central finite differences on every parameter.

        For each weight and bias ``p``: ``numeric = (L(p + eps) - L(p - eps)) / (2 eps)``.
        The result is one relative error for the whole network,
        ``||numeric - backprop|| / (||numeric|| + ||backprop||)`` over all parameters
        together: a per-parameter ratio would blow up on the many gradients near zero of
        a deep net, where rounding in the finite difference dominates. Below about 1e-7
        (float64, smooth activations) backpropagation is right; around 1e-2 or more
        something is wrong. Costs two forward passes per parameter: use a small network
        and a few samples.

        Returns
        -------
        float
            The relative error.

        Examples
        --------
        >>> net = MLP([2, 3, 2], activation="tanh", loss="cross_entropy")
        >>> net.gradient_check([[0.5, -1.0], [1.5, 0.3]], [0, 1]) < 1e-6
        True
        """
        X, Y = self._check_data(X, Y)
        real_number("eps", eps, 0, 1, low_open=True, high_open=True, note=_("a small step: 1e-6"))
        grads = self._backward(X, Y, self._forward(X))
        analytic, numeric = [], []
        for params, gradients in ((self.weights, grads.dW), (self.biases, grads.db)):
            for P, G in zip(params, gradients, strict=True):
                for index in np.ndindex(P.shape):
                    numeric.append(self._numeric_gradient(X, Y, P, index, eps))
                    analytic.append(G[index])
        analytic, numeric = np.array(analytic), np.array(numeric)
        scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
        return float(np.linalg.norm(analytic - numeric) / max(scale, 1e-12))

    def _numeric_gradient(self, X, Y, P: np.ndarray, index, eps: float) -> float:
        original = P[index]
        try:
            P[index] = original + eps
            up = self._loss_value(self._forward(X)[-1][1], Y)
            P[index] = original - eps
            down = self._loss_value(self._forward(X)[-1][1], Y)
        finally:
            P[index] = original
        return (up - down) / (2 * eps)

    # -- learning ----------------------------------------------------------------------------
    def step(self, X, Y, learning_rate: float) -> float:
        """One gradient-descent update ``W <- W - learning_rate * dW`` (and the same for b).

        Returns
        -------
        float
            The loss *before* the update (the one its gradient belongs to).

        Examples
        --------
        >>> net = MLP([1, 1], activation="linear")
        >>> X, Y = [[1.0], [2.0]], [2.0, 4.0]
        >>> first = net.step(X, Y, learning_rate=0.1)
        >>> net.loss(X, Y) < first
        True
        """
        X, Y = self._check_data(X, Y)
        return self._step(X, Y, real_number("learning_rate", learning_rate, 0, low_open=True))[0]

    def _step(self, X: np.ndarray, Y: np.ndarray, learning_rate: float):
        """Update in place; return (loss before the update, outputs before the update)."""
        # A diverging run overflows to inf and nan; fit reports that, so no warnings here.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            pairs = self._forward(X)
            output = pairs[-1][1]
            loss = self._loss_value(output, Y)
            grads = self._backward(X, Y, pairs)
            for W, b, dW, db in zip(self.weights, self.biases, grads.dW, grads.db, strict=True):
                W -= learning_rate * dW
                b -= learning_rate * db
        return loss, output

    def fit(
        self,
        X,
        Y,
        epochs: int = 100,
        learning_rate: float = 0.05,
        batch_size: int | None = None,
        X_val=None,
        Y_val=None,
        shuffle: bool = True,
        ledger: runs.Ledger | None = None,
        name: str | None = None,
        view=None,
        on_epoch: Callable[[MLP, int, runs.RunRecord], object] | None = None,
        every: int = 1,
    ) -> runs.RunRecord:
        """Train by gradient descent: full batch, or mini-batch SGD with ``batch_size``.

        Each epoch records ``loss`` (the mean of the batch losses during the epoch, as Keras
        reports it; with a full batch, the loss before the epoch's step) and, where it makes
        sense, ``accuracy``:

        * ``cross_entropy``: the largest output is the target class;
        * ``binary_cross_entropy``: each output on the right side of 0.5;
        * ``mse``: one output with targets all 0/1 (right side of 0.5) or all -1/+1 (right
          side of 0), or several outputs with one-hot targets (largest output);
          no accuracy for other targets (regression).

        With validation data, ``val_loss`` and ``val_accuracy`` are measured after each
        epoch. Epoch times include the validation, but not ``view.update`` or ``on_epoch``:
        their time goes to ``record.overhead_seconds``.

        Parameters
        ----------
        X : array of shape (N, n_in)
            Training inputs, one row per sample.
        Y : array of shape (N, n_out)
            Targets; 1-D for one output, or class labels 0..n_out-1 for ``cross_entropy``.
        epochs : int
            Passes over the training data (>= 1).
        learning_rate : float
            Step size (> 0).
        batch_size : int, optional
            Samples per update, 1..N. None: the whole training set (full batch).
        X_val, Y_val : arrays, optional
            Validation data, given together.
        shuffle : bool
            With mini-batches, visit the samples in a new seeded order each epoch. The
            shuffles depend only on ``seed``: the same weights, data and arguments give the
            same run every time ``fit`` is called.
        ledger : Ledger, optional
            Where the run goes; default the notebook-wide ``neurona.ledger``.
        name : str, optional
            Name of the run; default ``mlp 1``, ``mlp 2``, ...
        view : LiveCurves, optional
            Anything with ``update(record, final=False)``, called after each epoch.
        on_epoch : callable, optional
            ``on_epoch(mlp, epoch, record)`` every ``every`` epochs and after the last one,
            e.g. to redraw a decision heat-map. Epochs count from 1.
        every : int
            How often ``on_epoch`` is called.

        Returns
        -------
        RunRecord
            Also kept as ``self.record_``. Status ``"finished"``; ``"diverged"`` if the loss
            became NaN or infinite (training stops, the history so far is kept);
            ``"interrupted"`` after Kernel -> Interrupt (the model keeps what it learned).

        Examples
        --------
        >>> net = MLP([2, 3, 1], activation="tanh", loss="binary_cross_entropy")
        >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, -1.0]]), np.array([1, 1, 0])
        >>> record = net.fit(X, y, epochs=20, learning_rate=0.5, ledger=runs.Ledger())
        >>> record.metrics(), record.epochs
        (['loss', 'accuracy'], 20)
        """
        X, Y = self._check_data(X, Y)
        n = len(X)
        epochs = whole_number("epochs", epochs, 1)
        learning_rate = real_number("learning_rate", learning_rate, 0, low_open=True)
        note = _("the number of samples; None means the full batch")
        batch = n if batch_size is None else whole_number("batch_size", batch_size, 1, n, note=note)
        validation = self._check_validation(X_val, Y_val)
        shuffle = check_bool("shuffle", shuffle)
        every = whole_number("every", every, 1)
        _check_watchers(view, on_epoch)
        hparams = {
            "layers": list(self.layers),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "loss": self.loss_name,
            "init": self.init,
            "l2": self.l2,
            "learning_rate": learning_rate,
            "batch_size": batch,
            "epochs": epochs,
            "seed": self.seed,
        }
        record = start_record("mlp", name, ledger, hparams, n, self.n_parameters)
        self.record_ = record
        # A stream of its own, so the shuffles do not depend on how the weights were drawn.
        rng = np.random.default_rng([self.seed, 1])
        correct = _accuracy_rule(self.loss_name, Y)
        epoch = 0
        try:
            for epoch in range(1, epochs + 1):
                order = rng.permutation(n) if shuffle and batch < n else None
                metrics, seconds = self._epoch(
                    X, Y, order, batch, learning_rate, validation, correct, record
                )
                if not math.isfinite(metrics["loss"]):
                    record.finish("diverged", diverged_note(metrics["loss"], epoch, learning_rate))
                    break
                record.add_epoch(metrics, seconds)
                due = epoch % every == 0 or epoch == epochs
                self._watch(record, view, on_epoch if due else None, epoch)
        except KeyboardInterrupt:
            record.finish("interrupted", _interrupted_note(record, epoch))
        if record.status == "running":
            record.finish("finished")
        if view is not None:
            self._watch(record, view, None, epoch, final=True)
        return record

    def _epoch(self, X, Y, order, batch, learning_rate, validation, correct, record):
        """One pass over the data; returns (metrics, seconds) or a non-finite loss."""
        start = time.perf_counter()
        if order is not None:
            X, Y = X[order], Y[order]
        total_loss = total_correct = 0.0
        record.partial_batches = 0
        for first in range(0, len(X), batch):
            Xb, Yb = X[first : first + batch], Y[first : first + batch]
            loss, output = self._step(Xb, Yb, learning_rate)
            if not math.isfinite(loss):
                return {"loss": loss}, time.perf_counter() - start
            total_loss += loss * len(Xb)
            if correct is not None:
                total_correct += correct(output, Yb)
            record.partial_batches += 1
        metrics = {"loss": total_loss / len(X)}
        if correct is not None:
            metrics["accuracy"] = total_correct / len(X)
        if validation is not None:
            X_val, Y_val = validation
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                output = self._forward(X_val)[-1][1]
                metrics["val_loss"] = self._loss_value(output, Y_val)
            if correct is not None:
                metrics["val_accuracy"] = correct(output, Y_val) / len(X_val)
        return metrics, time.perf_counter() - start

    def _watch(self, record, view, on_epoch, epoch: int, final: bool = False) -> None:
        """Let the live view and ``on_epoch`` look, keeping their time out of the epochs."""
        start = time.perf_counter()
        try:
            if view is not None:
                view.update(record, final=final)
            if on_epoch is not None:
                on_epoch(self, epoch, record)
        finally:
            record.overhead_seconds += time.perf_counter() - start

    # -- checking what comes in --------------------------------------------------------------
    def _check_X(self, X, label: str = "X") -> np.ndarray:
        X = as_float_array(label, X)
        n_in = self.layers[0]
        if X.ndim != 2 or X.shape[1] != n_in or len(X) == 0:
            text = _("{name} must have shape (N, {n}) for layers {layers}; got {shape}").format(
                name=label, n=n_in, layers=self.layers, shape=X.shape)
            if X.ndim == 1:
                text += " " + _("(one sample: {name}[None, :])").format(name=label)
            raise ValueError(text)
        return X

    def _check_data(self, X, Y, labels: tuple[str, str] = ("X", "Y")):
        X = self._check_X(X, labels[0])
        return X, self._check_targets(Y, len(X), labels[1])

    def _check_targets(self, Y, n: int, label: str = "Y") -> np.ndarray:
        """Targets as an ``(n, n_out)`` float array; class labels become one-hot rows."""
        Y = as_float_array(label, Y)
        n_out = self.layers[-1]
        if self.loss_name == "cross_entropy" and (Y.ndim == 1 or Y.shape[1:] == (1,)):
            Y = _one_hot(Y.reshape(-1), n_out, label)
        elif Y.ndim == 1 and n_out == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2 or Y.shape[1] != n_out:
            if self.loss_name == "cross_entropy":
                text = _("{name} must have shape ({n}, {n_out}) for layers {layers}, or class "
                         "labels 0..{last}; got {shape}")
            else:
                text = _("{name} must have shape ({n}, {n_out}) for layers {layers}; got {shape}")
            raise ValueError(text.format(name=label, n=n, n_out=n_out, layers=self.layers,
                                         last=n_out - 1, shape=Y.shape))
        if len(Y) != n:
            raise ValueError(_("X has {n} samples but {name} has {m}").format(
                n=n, name=label, m=len(Y)))
        if self.loss_name == "binary_cross_entropy" and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(
                _("binary_cross_entropy needs targets between 0 and 1 in {name}; "
                  "got values from {low:g} to {high:g}").format(name=label, low=Y.min(),
                                                                high=Y.max())
            )
        if self.loss_name == "cross_entropy" and (
            Y.min() < 0 or not np.allclose(Y.sum(axis=1), 1.0)
        ):
            raise ValueError(
                _("cross_entropy needs each row of {name} to be probabilities "
                  "summing to 1 (one-hot), or class labels").format(name=label)
            )
        return Y

    def _check_validation(self, X_val, Y_val):
        if X_val is None and Y_val is None:
            return None
        if X_val is None or Y_val is None:
            raise ValueError(_("give X_val and Y_val together (or neither)"))
        return self._check_data(X_val, Y_val, ("X_val", "Y_val"))

    def __repr__(self) -> str:
        chain = " -> ".join(_runs_of(self.activation_names))
        return (
            f"MLP({self.layers}, activations {chain}, loss {self.loss_name!r}, "
            f"{self.n_parameters} parameters)"
        )


# -- helpers --------------------------------------------------------------------------------
def _check_layers(layers) -> list[int]:
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or len(layers) < 2:
        raise ValueError(
            _("layers must be a list of at least 2 sizes, input first, e.g. "
              "[2, 4, 1]; got {layers!r}").format(layers=layers)
        )
    return [whole_number(f"layers[{i}]", size, 1) for i, size in enumerate(layers)]


def _check_hidden(name: str) -> None:
    if name in _STEPS:
        raise ValueError(
            _("{name!r} is a step with no usable derivative: backpropagation "
              "cannot train it (the Perceptron class uses it); try 'sigmoid'").format(name=name)
        )
    if name == "softmax":
        raise ValueError(_("softmax is only allowed as the output layer, with "
                           "loss='cross_entropy'"))


def _check_watchers(view, on_epoch) -> None:
    if view is not None and not callable(getattr(view, "update", None)):
        raise ValueError(
            _("view must have an update(record, final=False) method, like "
              "neurona.LiveCurves; got {kind}").format(kind=type(view).__name__)
        )
    if on_epoch is not None and not callable(on_epoch):
        raise ValueError(_("on_epoch must be a function on_epoch(mlp, epoch, record)"))


def _one_hot(labels: np.ndarray, n_classes: int, label: str) -> np.ndarray:
    """Class labels 0..n_classes-1 as one-hot rows."""
    bad = labels[(labels != np.round(labels)) | (labels < 0) | (labels >= n_classes)]
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in np.unique(bad)[:5])
        raise ValueError(
            _("class labels in {name} must be integers 0..{last} (one per output unit); "
              "got {shown}").format(name=label, last=n_classes - 1, shown=shown)
        )
    return np.eye(n_classes)[labels.astype(np.int64)]


def _accuracy_rule(loss: str, Y: np.ndarray) -> Callable[[np.ndarray, np.ndarray], float] | None:
    """How to count right answers for these targets, or None when accuracy means nothing."""
    values = np.unique(Y)
    one_hot = Y.shape[1] > 1 and set(values) <= {0.0, 1.0} and bool(np.all(Y.sum(axis=1) == 1))
    if loss == "cross_entropy" or (loss == "mse" and one_hot):
        return lambda a, y: float(np.sum(a.argmax(axis=1) == y.argmax(axis=1)))
    if loss == "binary_cross_entropy" or (Y.shape[1] == 1 and set(values) <= {0.0, 1.0}):
        return lambda a, y: float(np.sum(np.mean((a >= 0.5) == (y >= 0.5), axis=1)))
    if Y.shape[1] == 1 and set(values) <= {-1.0, 1.0}:
        return lambda a, y: float(np.sum((a >= 0) == (y > 0)))
    return None


def _interrupted_note(record: runs.RunRecord, epoch: int) -> str:
    if record.epochs == epoch:  # stopped while on_epoch or the view was drawing
        return _("interrupted after epoch {epoch}; the model keeps what it learned").format(
            epoch=epoch)
    finished = ngettext("{n} finished epoch", "{n} finished epochs", record.epochs).format(
        n=record.epochs)
    if record.partial_batches:
        batches = ngettext("{n} batch", "{n} batches", record.partial_batches).format(
            n=record.partial_batches)
        return _("interrupted in epoch {epoch}, after {finished} and {batches}; the model keeps "
                 "what it learned").format(epoch=epoch, finished=finished, batches=batches)
    return _("interrupted in epoch {epoch}, after {finished}; the model keeps what it "
             "learned").format(epoch=epoch, finished=finished)


def _runs_of(names: list[str]) -> list[str]:
    """``["tanh", "tanh", "sigmoid"]`` -> ``["tanh", "sigmoid"]`` for a short repr."""
    return [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]
