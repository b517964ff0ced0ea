"""Datasets for the course: MNIST, Fashion-MNIST, scikit-learn's digits and iris, 2-D toy sets.

One call gets any of them, wherever it is: :func:`load`. It returns a :class:`Dataset`
that says where the data came from. Importing this package is cheap: Keras (and with it
TensorFlow) is imported only if a file has to be downloaded, scikit-learn only when a set
that needs it is loaded.

Examples
--------
>>> import neurona as nr
>>> data = nr.load("fashion_mnist")            # doctest: +SKIP
>>> data                                        # doctest: +SKIP
Dataset 'fashion_mnist'
  source:  system
  ...
>>> sorted(nr.DATASETS)[:3]
['circles', 'clusters', 'digits']
"""

from neurona.exports import lazy_exports as _lazy_exports

# Modules whose __all__ names this package offers (mnist, shipped and toy are its loaders).
_FLAT = ("catalog", "dataset", "fetch", "idx")

__getattr__, __dir__ = _lazy_exports(__name__, _FLAT)
