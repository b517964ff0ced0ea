"""Neural networks from scratch, in NumPy: the perceptron, Adaline and a small MLP.

Everything the Keras notebooks hide is written out here, short enough to read in class:
activations with their derivatives, initialisers, losses, Rosenblatt's rule, and
backpropagation with a gradient check, the optimizers (GD to Adam) and the 2-D surfaces
they race on (``race``). Every ``fit`` writes a
:class:`~neurona.runs.RunRecord` to the ledger, so a NumPy run sits in the same table and
plots as a Keras run.

Examples
--------
>>> from neurona.scratch import MLP
>>> net = MLP([2, 4, 1], activation="sigmoid", loss="mse")
>>> net.n_parameters
17
>>> record = net.fit(X, y, epochs=500, learning_rate=0.05)   # doctest: +SKIP
"""

from neurona.scratch.activations import ACTIVATIONS, Activation, get_activation
from neurona.scratch.initializers import INITIALIZERS, initialize
from neurona.scratch.losses import LOSSES, get_loss
from neurona.scratch.mlp import MLP, Gradients
from neurona.scratch.optimizers import get_optimizer
from neurona.scratch.perceptron import Adaline, Perceptron
from neurona.scratch.surfaces import SURFACES, get_surface, race

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "MLP",
    "SURFACES",
    "Activation",
    "Adaline",
    "Gradients",
    "Perceptron",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "get_surface",
    "initialize",
    "race",
]
