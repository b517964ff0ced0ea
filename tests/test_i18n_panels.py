"""The panels speak Spanish: every panel of ``neurona.widgets``, built in English and in Spanish.

Each panel is built twice, with the kit in English and in Spanish, and its ipywidgets tree is
walked in the same order both times: descriptions, button labels, tooltips, placeholders, the
labels of dropdowns and toggle buttons, the text of HTML and Label widgets (tags, ``$maths$``
and ``code(...)`` left out) and Tab/Accordion titles. A word of three letters or more that a
Spanish text shares with its English twin is English left behind, unless it is the same word
in Spanish or a name (:data:`SAME_IN_SPANISH`). An option whose label is its value is a name
the code uses (``relu``, ``adam``, ``valid``) and stays as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import numpy as np
import pytest

import neurona as nr
from neurona import i18n

# Same word in Spanish, or a name: kept in both languages.
SAME_IN_SPANISH = {
    "error", "total", "min", "preset", "kernel", "horizontal", "vertical", "delta", "deltas",
    "xor", "and", "nand", "keras", "jupyter", "sobel", "softmax", "dropout", "nan", "mse",
    "mae", "cpu", "gpu", "linux", "same", "valid",
}
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{3,}")
# Left out before comparing: tags, $maths$, code such as step(epochs) or
# Conv2D(3×3, strides=1), and snake_case names (val_loss, keras_tf).
NOT_WORDS = re.compile(r"<[^>]*>|\$[^$]*\$|\b\w+\([^)]*\)|\b\w*_\w*\b")


def shown_texts(widget, skip: tuple = ()) -> list[str]:
    """Every text ``widget`` and the widgets inside it show, in a fixed order."""
    import ipywidgets as w

    found: list[str] = []
    if any(widget is other for other in skip):
        return found
    for attribute in ("description", "tooltip", "placeholder"):
        found.append(str(getattr(widget, attribute, "") or ""))
    labels = getattr(widget, "_options_labels", ())
    values = getattr(widget, "_options_values", ())
    # An option labelled by its value is a name the code uses: nothing to translate.
    found += ["" if label == str(value) else label
              for label, value in zip(labels, values, strict=False)]
    if isinstance(widget, (w.HTML, w.HTMLMath, w.Label)):
        found.append(str(widget.value))
    found += [str(title or "") for title in getattr(widget, "titles", ())]
    for child in getattr(widget, "children", ()):
        found += shown_texts(child, skip)
    return found


def words(text: str) -> set[str]:
    plain = html.unescape(NOT_WORDS.sub(" ", text))
    return {word.lower() for word in WORD.findall(plain)}


def english_left(english: list[str], spanish: list[str]) -> list[str]:
    """Each Spanish text that shares a word (not a name) with its English twin."""
    assert len(english) == len(spanish), "the panel has other widgets in Spanish"
    left = []
    for en, es in zip(english, spanish, strict=True):
        shared = (words(en) & words(es)) - SAME_IN_SPANISH
        if shared:
            left.append(f"{es!r} (English: {en!r}; shared: {sorted(shared)})")
    return left


# -- the panels, built cheaply ---------------------------------------------------------------------
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def perceptron_explorer():
    panel = nr.PerceptronExplorer(problem="XOR")
    yield panel.widget
    panel.set_weights(1.0, 1.0, -1.5)
    panel.problem_buttons.value = "AND"  # all four right: the other verdict
    yield panel.widget


def perceptron_replay():
    perceptron = nr.scratch.Perceptron().fit(CORNERS, nr.PROBLEMS["OR"], ledger=nr.Ledger())
    panel = nr.PerceptronReplay(perceptron, CORNERS, nr.PROBLEMS["OR"])
    yield panel.widget
    panel.next_button.click()  # the caption of one update (the last one is the perceptron's)
    yield panel.widget


def backprop_inspector():
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    net = nr.scratch.MLP([2, 2, 1], activation="sigmoid", seed=1)
    panel = nr.BackpropInspector(net, CORNERS, Y, 0.5)
    yield panel.widget
    panel.step()
    yield panel.widget


def playground():
    panel = nr.Playground(dataset="xor", hidden=(2,), n_samples=40, resolution=10)
    yield panel.widget
    panel.step(2)
    panel.play()  # no running event loop here: the panel says so in its message
    panel._playing = True  # the button as it is while playing
    panel._set_play_button()
    yield panel.widget


def softmax_explorer():
    panel = nr.SoftmaxExplorer()
    yield panel.widget
    panel.set_temperature(2.0)
    yield panel.widget


def loss_explorer():
    losses = {"MSE": (lambda y, p: (p - y) ** 2, lambda y, p: 2 * (p - y)),
              "MAE": (lambda y, p: abs(p - y), lambda y, p: np.sign(p - y))}
    yield nr.LossExplorer(losses, target=1.0, value=0.5, targets=[0, 1]).widget
    yield nr.LossExplorer(losses, target=1.0, value=0.5, against="value",
                          output=("σ(z)", lambda z: 1 / (1 + np.exp(-z)))).widget


def convolution_explorer():
    panel = nr.ConvolutionExplorer(np.eye(4), check_with_keras=True)
    yield panel.widget
    panel.set(padding="same", stride=2)
    yield panel.widget
    panel.set(padding="valid", stride=1)
    panel.kernel_text.value = "0 0 0 0 0; 0 0 0 0 0; 0 0 1 0 0; 0 0 0 0 0; 0 0 0 0 0"
    yield panel.widget  # a 5×5 kernel does not fit a 4×4 image: the panel says so


def pooling_explorer():
    yield nr.PoolingExplorer().widget


def tiny_model(hidden_layers=0, units=4, activation="relu", initializer="glorot_uniform",
               dropout=0.0, l2=0.0):
    """A builder that takes every architecture setting, so the Trainer shows every control."""
    import keras

    layers = [keras.layers.Dense(units, activation, kernel_initializer=initializer)
              for _layer in range(hidden_layers)]
    return keras.Sequential([keras.Input((4,)), *layers, keras.layers.Dense(2, "softmax")])


def trainer():
    from neurona.widgets.trainer import Trainer

    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    panel = Trainer(tiny_model, x, np.arange(16) % 2, ledger=nr.Ledger(),
                    defaults={"epochs": 1, "batch_size": 16}, name_format="{learning_rate:g}")
    yield panel.widget
    panel.train(wait=True)  # one epoch of one batch: the timing line and the comparison
    panel.pin(panel.runs[0])
    # The timing line names the machine, the table the ledger's columns (hyper-parameter
    # names are identifiers): test_the_trainer_in_spanish_... checks their words.
    yield panel.widget, (panel.timing, panel.table_html)


class _Echo:
    """A stand-in autoencoder: gives back what it gets."""

    def predict(self, x, verbose=0):
        return x


def preset_explorer():
    from neurona.widgets.autoencoder import PresetExplorer

    x = np.zeros((8, 784), dtype="float32")
    panel = PresetExplorer(x, x, build=lambda preset, init_reading="text": None)
    # The presets' own words come from neurona.autoencoders: not this panel's text.
    theirs = (panel.controls["preset"], panel.controls["reading"], panel.info)
    yield panel.widget, theirs


def noise_slider():
    yield nr.noise_slider(_Echo(), np.zeros((2, 28, 28)), n=2).widget


PANELS: dict[str, Callable] = {
    "PerceptronExplorer": perceptron_explorer,
    "PerceptronReplay": perceptron_replay,
    "BackpropInspector": backprop_inspector,
    "Playground": playground,
    "SoftmaxExplorer": softmax_explorer,
    "LossExplorer": loss_explorer,
    "ConvolutionExplorer": convolution_explorer,
    "PoolingExplorer": pooling_explorer,
    "Trainer": trainer,
    "PresetExplorer": preset_explorer,
    "NoiseSlider": noise_slider,
}


def test_every_panel_class_the_widgets_export_is_checked():
    import importlib

    from neurona.widgets import _FLAT
    from neurona.widgets.panel import Panel

    exported = set()
    for module in _FLAT:
        found = importlib.import_module(f"neurona.widgets.{module}")
        exported |= {name for name in found.__all__ if isinstance(getattr(found, name), type)
                     and issubclass(getattr(found, name), Panel)}
    assert exported and exported <= set(PANELS)


def texts_of(build: Callable, language: str) -> list[list[str]]:
    """The texts of each state of the panel ``build`` makes, with the kit in ``language``."""
    i18n.set_language(language)
    try:
        states = []
        for state in build():
            widget, skip = state if isinstance(state, tuple) else (state, ())
            states.append(shown_texts(widget, skip))
        return states
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("name", list(PANELS))
def test_a_panel_in_spanish_leaves_no_english_label(name):
    english, spanish = texts_of(PANELS[name], "en"), texts_of(PANELS[name], "es")
    assert len(english) == len(spanish)
    left = [text for en, es in zip(english, spanish, strict=True) for text in english_left(en, es)]
    assert left == []
    assert any(words(text) for state in spanish for text in state)  # it did show words


def test_the_labels_the_browser_test_reads_keep_their_shape_in_spanish(spanish):
    panel = nr.Playground(dataset="xor", hidden=(2,), n_samples=40, resolution=10)
    panel.step(3)
    buttons = [panel.step_button, panel.play_button, panel.reset_button]
    assert [b.description for b in buttons] == ["Paso", "Reproducir", "Reiniciar"]
    status = re.sub(r"<[^>]*>", "", panel.status.value)
    assert re.match(r"^época 3 · pérdida de entrenamiento \d\.\d{3} · ", status)
    panel._playing = True
    panel._set_play_button()
    assert panel.play_button.description == "Pausa"


def test_the_trainer_in_spanish_names_its_table_and_its_timing_line(spanish):
    from neurona.runs import RunRecord
    from neurona.widgets.trainer import Trainer, timing_line

    x = np.zeros((8, 4), dtype="float32")
    panel = Trainer(tiny_model, x, np.zeros(8, dtype=int), ledger=nr.Ledger())
    assert panel.train_button.description == "Entrenar"
    assert panel.stop_button.description == "Parar"
    run = RunRecord("relu", device="CPU", samples_per_epoch=1000)
    run.add_epoch({"loss": 0.5, "val_loss": 0.6}, 2.0)
    run.add_epoch({"loss": 0.4, "val_loss": 0.5}, 0.5)
    run.finish("finished")
    assert timing_line(run) == ("<b>relu</b> · terminada · 2 épocas en CPU · primera época 2.0 s, "
                                "después 500 ms/época · 2\u202f000 muestras/s · val_loss 0.5")
    panel = Trainer(tiny_model, x, np.zeros(8, dtype=int), ledger=nr.Ledger([run]))
    panel.runs.append("relu")
    panel.pin("relu")
    head = re.findall(r"<th[^>]*>([^<]*)</th>", panel.table_html.value)
    assert {"fijada", "épocas"} <= set(head)  # the browser test sums the column of epochs
    assert panel.run_menu.options == (("relu (fijada)", "relu"),)


def test_an_error_of_a_panel_keeps_its_english_class_and_speaks_spanish(spanish):
    explorer = nr.SoftmaxExplorer(classes=3)
    with pytest.raises(ValueError, match="da un valor de evidencia por clase: 3 números"):
        explorer.set_evidence([1.0])
    with pytest.raises(TypeError, match="^settings debe ser una cadena de ajustes"):
        nr.Playground(settings=3)
