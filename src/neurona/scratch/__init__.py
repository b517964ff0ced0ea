"""Neural networks from scratch, in NumPy: the perceptron, Adaline and a small MLP.

Everything the Keras notebooks hide is written out here, short enough to read in class:
activations with their derivatives, initialisers, losses, Rosenblatt's rule, and
backpropagation with a gradient check, the optimizers (GD to Adam) and the 2-D surfaces
they race on (``race``). Every ``fit`` writes a
:class:`~neurona.runs.RunRecord` to the ledger, so a NumPy run sits in the same table and
plots as a Keras run.

Examples
--------
>>> import neurona as nr
>>> net = nr.scratch.MLP([2, 4, 1], activation="sigmoid", loss="mse")
>>> net.n_parameters
17
>>> record = net.fit(X, y, epochs=500, learning_rate=0.05)   # doctest: +SKIP
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers.
_FLAT = ("activations", "initializers", "losses", "mlp", "optimizers", "perceptron", "surfaces")

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
