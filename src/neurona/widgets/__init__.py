"""Interactive panels built from core ipywidgets (they work in JupyterLab, VS Code and Colab).

The Keras ``Trainer`` loads on first use, so that the NumPy lessons never start TensorFlow.
"""

import importlib

from neurona.widgets.backprop import BackpropInspector
from neurona.widgets.perceptron import PerceptronExplorer, PerceptronReplay
from neurona.widgets.playground import Playground, PlaygroundSettings
from neurona.widgets.softmax import SoftmaxExplorer

__all__ = [
    "BackpropInspector",
    "PerceptronExplorer",
    "PerceptronReplay",
    "Playground",
    "PlaygroundSettings",
    "SoftmaxExplorer",
    "Trainer",
    "PresetExplorer",
    "noise_slider",
    "ConvolutionExplorer",
    "PoolingExplorer",
]


def __getattr__(name: str):
    if name == "Trainer":
        return importlib.import_module("neurona.widgets.trainer").Trainer
    if name in ("PresetExplorer", "noise_slider"):
        return getattr(importlib.import_module("neurona.widgets.autoencoder"), name)
    if name in ("ConvolutionExplorer", "PoolingExplorer"):
        return getattr(importlib.import_module("neurona.widgets.convolution"), name)
    raise AttributeError(f"module 'neurona.widgets' has no attribute {name!r}")
