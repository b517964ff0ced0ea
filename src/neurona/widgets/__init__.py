"""Interactive panels built from core ipywidgets (they work in JupyterLab, VS Code and Colab)."""

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
]
