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

from __future__ import annotations

from neurona.data.catalog import DATASETS, load
from neurona.data.dataset import SOURCES, Dataset
from neurona.data.fetch import DatasetUnavailable
from neurona.data.idx import read_idx

__all__ = ["DATASETS", "SOURCES", "Dataset", "DatasetUnavailable", "load", "read_idx"]
