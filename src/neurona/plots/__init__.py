"""The course's pictures: one function per picture, named for what it shows.

Functions draw with matplotlib and return the Figure or Axes; in a notebook end the call
with ``;`` so that the figure shows once. A notebook calls them as ``nr.plot_...``; each
picture module loads the first time one of its names is used, so ``nr.callbacks()`` loads
the live curves and not the other pictures.

Examples
--------
>>> import neurona.plots as plots
>>> "plot_learning_curves" in dir(plots) and "performance" not in dir(plots)
True
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers (render is the drawing plumbing).
_FLAT = (
    "curves",
    "live",
    "images",
    "confusion",
    "decision",
    "neuron",
    "losses",
    "backprop",
    "weights",
    "optimization",
    "convolution",
    "autoencoders",
    "performance",
    "solar",
    "transfer",
    "sequences",
    "classroom",
    "style",
)

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
