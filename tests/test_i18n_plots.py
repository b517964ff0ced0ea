"""The kit's pictures speak Spanish: every text the kit writes on a figure, in the chosen language.

Each test draws one picture in English and again in Spanish and reads every text on the figure
(titles, axis labels, tick labels, legends, annotations): a word of three or more letters
that is the same in both languages is English left untranslated, unless it is a name or a word
both languages share (:data:`SAME_IN_BOTH`) or a label the test itself passed in.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from i18n_support import in_both as shown_in_both  # noqa: E402

from neurona import i18n  # noqa: E402
from neurona.runs import RunRecord  # noqa: E402

#: Words the same in English and Spanish, names and symbols' spellings.
SAME_IN_BOTH = {"auc", "nan", "relu", "sigmoid", "tanh", "softmax", "keras", "numpy", "mnist",
                "error", "total", "final", "normal", "adaline"}
WORD = re.compile(r"[^\W\d_]{3,}")
MATH = re.compile(r"\$[^$]*\$")  # matplotlib's mathtext: symbols, not words


@pytest.fixture(autouse=True)
def english_after():
    """English again, and no figure left open, after each test."""
    yield
    i18n.set_language("en")
    plt.close("all")


def texts_of(figure) -> list[str]:
    """Every text shown on ``figure``: titles, labels, ticks, legends, annotations."""
    found = [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
    return [text for text in found if text.strip()]


def figure_of(drawn):
    """The Figure of what a plotting function returned (a Figure, an Axes or Axes)."""
    if hasattr(drawn, "findobj") and hasattr(drawn, "axes") and not hasattr(drawn, "figure"):
        return drawn
    if hasattr(drawn, "get_figure"):
        return drawn.get_figure()
    if isinstance(drawn, (list, tuple, np.ndarray)):
        return figure_of(np.ravel(drawn)[0])
    return drawn.figure


def in_both(draw) -> tuple[list[str], list[str]]:
    """Draw with ``draw()`` in English, then in Spanish; return the two lists of texts."""
    def shown():
        texts = texts_of(figure_of(draw()))
        plt.close("all")
        return texts

    return shown_in_both(shown)


def words(texts) -> set[str]:
    return {word.lower() for text in texts for word in WORD.findall(MATH.sub(" ", text))}


def assert_spanish(draw, given=()):
    """Fail on any word of 3+ letters that reads the same in the English and Spanish picture."""
    english, spanish = in_both(draw)
    assert spanish, "the picture shows no text"
    allowed = SAME_IN_BOTH | words(given)
    left = sorted((words(english) & words(spanish)) - allowed)
    untranslated = [text for text in spanish if words([text]) & set(left)]
    assert left == [], f"English left in the Spanish picture: {left} in {untranslated}"
    return english, spanish


# -- learning curves, comparisons, time per epoch, live curves -------------------------------------

HISTORY = {"loss": [0.9, 0.6, 0.45], "val_loss": [0.95, 0.7, 0.6],
           "accuracy": [0.6, 0.75, 0.82], "val_accuracy": [0.55, 0.7, 0.78],
           "mae": [0.5, 0.4, 0.3]}


def run(name="r1", history=HISTORY, finish=True, epochs=None):
    record = RunRecord(name, hparams={"epochs": epochs} if epochs else None)
    for e in range(len(history["loss"])):
        record.add_epoch({k: v[e] for k, v in history.items()}, 2.0 if e == 0 else 1.0)
    if finish:
        record.finish()
    return record


def test_learning_curves_speak_spanish():
    from neurona.plots.curves import plot_learning_curves

    english, spanish = assert_spanish(lambda: plot_learning_curves(HISTORY))
    assert "Curvas de aprendizaje" in spanish and "Learning curves" in english
    assert "exactitud de validación" not in spanish  # one subplot per metric: its legend says
    assert {"entrenamiento", "validación", "época"} <= words(spanish)


def test_run_comparison_and_time_per_epoch_speak_spanish():
    from neurona.plots.curves import plot_run_comparison, plot_time_per_epoch

    without = {"loss": [0.5, 0.4, 0.3]}
    runs = [run("r1"), run("r2"), run("r3", history=without)]
    for metric in ("val_accuracy", "loss", "mae"):
        assert_spanish(lambda metric=metric: plot_run_comparison(runs, metric=metric),
                       given=[metric])
    english, spanish = assert_spanish(lambda: plot_time_per_epoch(run("r1")))
    assert any("época" in text for text in spanish)
    assert_spanish(lambda: plot_time_per_epoch([3.0, 1.0, 1.2]))


def test_live_curves_speak_spanish():
    from neurona.plots.live import LiveCurves

    def draw(final):
        view = LiveCurves(min_interval=0)
        record = run("r1", finish=final, epochs=5)
        view.update(record, final=final)
        return view._figure

    for final in (False, True):
        english, spanish = assert_spanish(lambda final=final: draw(final))
    assert any("época 3/5" in text and "terminada" in text for text in spanish), spanish


def test_metric_names_in_words_follow_the_language():
    from neurona.plots.style import axis_label, metric_label

    i18n.set_language("es")
    assert metric_label("val_accuracy") == "exactitud de validación"
    assert axis_label("accuracy") == "exactitud (fracción de aciertos)"
    assert metric_label("my_metric") == "my metric"  # a notebook's own metric: as written
    i18n.set_language("en")
    assert metric_label("val_accuracy") == "validation accuracy"


def test_an_error_of_the_pictures_keeps_its_class_and_speaks_spanish():
    from neurona.plots.curves import plot_learning_curves

    i18n.set_language("es")
    with pytest.raises(ValueError, match="no registrado en esta ejecución: 'f1'"):
        plot_learning_curves(HISTORY, metrics="f1")
    with pytest.raises(TypeError, match="se recibió"):
        plot_learning_curves(HISTORY, metrics=[3])


# -- confusion matrix and image grids ----------------------------------------------------------

CLASSES = ["gato", "perro", "ave"]
Y_TRUE = np.array([0, 1, 2, 2, 1, 0])
Y_SCORES = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8],
                     [0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.9, 0.05, 0.05]])


def test_confusion_matrix_speaks_spanish():
    from neurona.plots.confusion import plot_confusion_matrix

    for normalize in ("both", "true", None):
        assert_spanish(lambda normalize=normalize: plot_confusion_matrix(
            Y_TRUE, Y_SCORES, class_names=CLASSES, normalize=normalize).figure, given=CLASSES)
    english, spanish = assert_spanish(
        lambda: plot_confusion_matrix(Y_TRUE, Y_SCORES, title="Prueba").figure, given=["Prueba"])
    assert any(text.startswith("Prueba\nexactitud = traza / total") for text in spanish)
    i18n.set_language("es")
    matrix = plot_confusion_matrix(Y_TRUE, Y_SCORES, class_names=CLASSES)
    assert repr(matrix).startswith("ConfusionMatrix: exactitud 66.7% (4 / 6) en 3 clases")


def test_image_grids_speak_spanish(capsys):
    from neurona.plots.images import plot_image_grid, plot_misclassified

    images = np.random.default_rng(0).random((6, 4, 4))
    english, spanish = assert_spanish(lambda: plot_image_grid(images, Y_TRUE, n=4, cols=2))
    assert "primeras 4 de 6 imágenes" in spanish
    assert_spanish(lambda: plot_image_grid(images, Y_TRUE, class_names=CLASSES, cols=3),
                   given=CLASSES)
    for scores in (Y_SCORES, Y_SCORES.argmax(axis=1)):
        assert_spanish(lambda scores=scores: plot_misclassified(
            images, Y_TRUE, scores, class_names=CLASSES), given=CLASSES)
    i18n.set_language("es")
    assert plot_misclassified(images, Y_TRUE, Y_TRUE) is None
    assert "Las 6 predicciones son correctas" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no hay imágenes que mostrar"):
        plot_image_grid(np.zeros((0, 4, 4)))


# -- losses and their gradients ----------------------------------------------------------------

LOSSES = {"cuadrática": (lambda y, v: (v - y) ** 2, lambda y, v: 2 * (v - y)),
          "absoluta": (lambda y, v: np.abs(v - y), lambda y, v: np.sign(v - y))}


def test_losses_speak_spanish():
    from neurona.plots.losses import plot_losses

    english, spanish = assert_spanish(lambda: plot_losses(LOSSES, 1.0, 0.5), given=LOSSES)
    assert "pérdida L de un ejemplo" in spanish
    english, spanish = assert_spanish(lambda: plot_losses(LOSSES, 1.0, against="value"),
                                      given=LOSSES)
    assert "predicción ŷ" in spanish
    given = [*LOSSES, "entrada neta"]
    english, spanish = assert_spanish(lambda: plot_losses(
        LOSSES, 1.0, against="value", value_name="entrada neta", symbol="z"), given=given)
    assert "entrada neta z" in spanish
    i18n.set_language("es")
    with pytest.raises(TypeError, match="la función gradiente de 'mala' debe devolver"):
        plot_losses({"mala": (LOSSES["absoluta"][0], lambda y, v: v[:2])}, 1.0)


# -- decision maps -----------------------------------------------------------------------------

X2 = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 0.5], [0.8, -0.2]])
Y2 = np.array([0, 1, 0, 1])


def probability(points):
    return 1 / (1 + np.exp(-3 * (points[:, 0] + points[:, 1])))


def three_classes(points):
    return np.stack([points[:, 0], points[:, 1], -points[:, 0] - points[:, 1]], axis=1)


def test_decision_boundary_speaks_spanish():
    from neurona.plots.decision import plot_decision_boundary

    english, spanish = assert_spanish(lambda: plot_decision_boundary(
        probability, X2, Y2, X_test=X2[:2], y_test=Y2[:2], resolution=20))
    assert any(text.startswith("Frontera de decisión · exactitud de entrenamiento")
               for text in spanish), spanish
    assert {"prueba", "clase"} <= words(spanish)
    assert_spanish(lambda: plot_decision_boundary(
        lambda points: points[:, 0] + points[:, 1], X2, Y2, resolution=20))
    assert_spanish(lambda: plot_decision_boundary(
        three_classes, X2, [0, 1, 2, 1], resolution=20, title="Tres"), given=["Tres"])


def test_live_decision_map_speaks_spanish():
    from neurona.plots.decision import LiveDecisionMap

    def draw(model):
        view = LiveDecisionMap(min_interval=0, resolution=20)
        view.update(model, X2, Y2, X_test=X2[:2], y_test=Y2[:2], title="época 3", final=True)
        return view.figure

    english, spanish = assert_spanish(lambda: draw(probability), given=["época"])
    english, spanish = assert_spanish(
        lambda: draw(lambda points: np.full(len(points), np.nan)), given=["época"])
    assert any("¿divergió el entrenamiento?" in text for text in spanish), spanish
    i18n.set_language("es")
    with pytest.raises(ValueError, match="da X_test e y_test a la vez"):
        LiveDecisionMap().update(probability, X2, Y2, X_test=X2)


# -- the neuron, the perceptron's update and its mistakes ---------------------------------------

UPDATE = {"epoch": 2, "index": 3, "x": np.array([0.5, -1.0]), "target": 1, "output": 0,
          "w_before": np.array([-0.2, 1.0, 1.0]), "w_after": np.array([-0.1, 1.05, 0.9])}
XP = np.array([[0.5, -1.0], [1.0, 1.0], [-1.0, -1.0]])
YP = np.array([1, 1, 0])


def test_neuron_pictures_speak_spanish():
    from neurona.plots.neuron import plot_neuron, plot_perceptron_update, plot_training_errors

    english, spanish = assert_spanish(lambda: plot_neuron([1.0, 2.0], -0.5, X=XP, y=[0, 1, 1]))
    assert any(text.endswith("ŷ = escalón(z)") for text in spanish), spanish
    assert_spanish(lambda: plot_neuron([1.0, 1.0], 0.0, activation="sigmoid", X=XP, y=YP))
    english, spanish = assert_spanish(lambda: plot_neuron([0.0, 0.0], 0.5))
    assert any("no hay recta de decisión" in text for text in spanish), spanish
    assert_spanish(lambda: plot_neuron([1.0, 0.0], -50.0))
    assert_spanish(lambda: plot_perceptron_update(UPDATE, XP, YP))
    assert_spanish(lambda: plot_perceptron_update(dict(UPDATE, w_after=UPDATE["w_before"]),
                                                  XP, YP))
    english, spanish = assert_spanish(
        lambda: plot_training_errors([4, 2, 1, 0], losses=[1.0, 0.6, 0.4, 0.35]))
    assert "pérdida de Adaline (por época)" in spanish
    assert_spanish(lambda: plot_training_errors([3, 0], losses=[0.5, 0.2], loss_label="ECM"),
                   given=["ECM"])
    i18n.set_language("es")
    with pytest.raises(ValueError, match="el sesgo primero"):
        plot_neuron([0.5, 1, 1], 0)


# -- one step of backpropagation ---------------------------------------------------------------

XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_backprop_step_and_tables_speak_spanish():
    from neurona.plots.backprop import backprop_tables, plot_backprop_step
    from neurona.scratch import MLP

    net = MLP([2, 3, 1], activation="tanh", seed=0)
    for rate in (None, 0.5):
        english, spanish = assert_spanish(lambda rate=rate: plot_backprop_step(
            net, XOR, XOR_Y, learning_rate=rate))
    assert "Un paso de retropropagación con 4 muestras · tasa de aprendizaje η = 0.5" in spanish
    assert_spanish(lambda: plot_backprop_step(net, XOR[:1], XOR_Y[:1]))

    def table_texts(code):
        i18n.set_language(code)
        table = backprop_tables(net, XOR, XOR_Y)[0]
        return [str(label) for label in (*table.index.get_level_values(1), *table.columns,
                                         table.columns.name, *table.index.names)]

    english, spanish = table_texts("en"), table_texts("es")
    left = (words(english) & words(spanish)) - SAME_IN_BOTH
    assert left == set(), f"English left in the Spanish table: {sorted(left)}"
    i18n.set_language("es")
    table = backprop_tables(net, XOR, XOR_Y)[0]
    assert table.loc["delta"].shape == (4, 3)  # the quantities are keys: they stay as they are
    assert list(table.loc["dW"].index) == ["desde x1", "desde x2"]
    with pytest.raises(TypeError, match="no tiene forward"):
        plot_backprop_step(object(), XOR, XOR_Y)
