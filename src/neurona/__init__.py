"""neurona: the helper package of a Jupyter course on deep learning.

It times every training on the hardware at hand, draws live learning curves and the other
pictures the lessons need, loads datasets and provides the widgets. The Keras code stays in
the notebooks; this package removes the plumbing.

A notebook reaches every name one way:

- ``nr.NAME`` for what every lesson uses: data (``nr.load``), the run record (``nr.ledger``,
  ``nr.callbacks``), timing, hardware, checked choices (``nr.make_optimizer``), parameter
  counts, reference tables, every picture (``nr.plot_...``) and every panel (``nr.Playground``).
  They are the ``__all__`` of the modules listed in ``_FLAT`` below.
- ``nr.TOPIC.NAME`` for the internals of one lesson or one tool, listed in ``_TOPICS``:
  ``nr.check`` (the exercises' self-checks), ``nr.scratch`` (the NumPy networks of notebooks
  02-06), ``nr.cnn`` (08), ``nr.autoencoders`` (10), ``nr.bench`` (the performance lab, 11),
  ``nr.solar`` (12), ``nr.distributed`` (14) and ``nr.classroom`` (the classroom board).

``import neurona`` is fast: a name imports its module the first time it is used, so TensorFlow,
matplotlib and scikit-learn load only when a function needs them (see :mod:`neurona.exports`).

Examples
--------
>>> import neurona as nr
>>> data = nr.load("fashion_mnist")                       # doctest: +SKIP
>>> model.fit(x, y, callbacks=nr.callbacks("first model"))  # doctest: +SKIP
>>> nr.ledger.table()                                      # doctest: +SKIP
>>> nr.scratch.MLP([2, 4, 1]).n_parameters
17
>>> nr.laod("iris")
Traceback (most recent call last):
...
AttributeError: module 'neurona' has no attribute 'laod'; did you mean nr.load?
>>> nr.Perceptron
Traceback (most recent call last):
...
AttributeError: module 'neurona' has no attribute 'Perceptron'; use nr.scratch.Perceptron
"""

from __future__ import annotations

from neurona import hardware as _hardware
from neurona import startup as _startup
from neurona.exports import lazy_exports as _lazy_exports

__version__ = "0.3.0"

# Modules whose __all__ names are neurona's own: nr.load, nr.callbacks, nr.plot_confusion_matrix.
_FLAT = (
    "data",
    "runs",
    "tracking",
    "timing",
    "hardware",
    "diagnosis",
    "seeding",
    "settings",
    "i18n",
    "network",
    "models",
    "parameters",
    "reference",
    "plots",
    "widgets",
)
# Lesson internals, reached as nr.check.value, nr.scratch.MLP, nr.bench.sweep.
_TOPICS = (
    "check",
    "scratch",
    "cnn",
    "autoencoders",
    "bench",
    "solar",
    "distributed",
    "classroom",
)

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT, _TOPICS)


def load_ipython_extension(ipython) -> None:
    """``%load_ext neurona``: registers the ``%%timed`` cell magic."""
    from neurona.timing import register_magics

    register_magics(ipython)


# Students should see their own output, not TensorFlow's start-up log.
_startup.quiet_tensorflow()
# In a container allowed fewer CPUs than its machine has, TensorFlow's pools fit those CPUs.
_hardware.fit_threads_to_limit()
# On Colab, the panels need the widget manager that draws ipywidgets 8.
_startup.colab_widgets()
