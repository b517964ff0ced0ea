"""Interactive panels built from core ipywidgets (they work in JupyterLab, VS Code and Colab).

A notebook opens them as ``nr.Playground(...)``, ``nr.Trainer(...)``. Each panel's module loads
the first time it is used, so the NumPy lessons never start TensorFlow.
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers (panel is the plumbing they share).
_FLAT = (
    "perceptron",
    "backprop",
    "playground",
    "softmax",
    "losses",
    "trainer",
    "convolution",
    "autoencoder",
)

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
