"""The lessons' pictures speak Spanish: every text the kit writes on them, drawn in both languages.

Each test draws one picture in English and in Spanish (with labels a notebook would pass in
Spanish or neutral ones) and fails on a word of three or more letters the Spanish picture
shares with the English one, unless it is a name or a word Spanish writes the same way.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from i18n_support import in_both  # noqa: E402

from neurona import i18n  # noqa: E402
from neurona.plots import (  # noqa: E402
    autoencoders,
    convolution,
    optimization,
    performance,
    sequences,
    solar,
    transfer,
    weights,
)

# Names, identifiers a student types (surface and activation names) and words Spanish shares.
SAME_IN_SPANISH = {
    "adam", "sgd", "rosenbrock", "sigmoid", "tanh", "relu", "elu", "selu", "softplus",
    "mnist", "keras", "softmax", "final", "std", "valid", "same", "mse", "auc", "cpu", "cpus",
    "gpu", "original", "error", "hst", "oahu", "rmse", "local", "amdahl", "gustafson", "ideal",
    "cnn", "matmul", "jax", "tensorflow", "bfloat", "real", "lstm", "nan",
}
WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")  # \mathdefault, \partial, \tanh: not words


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(TEX_COMMAND.sub(" ", text))}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    i18n.set_language("en")


def texts(figure) -> list[str]:
    """Every visible text of ``figure``: titles, labels, tick labels, legends, annotations."""
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text)
            if t.get_text().strip() and t.get_visible()]


def figure_of(drawn):
    """The figure of what a plotting function returned (a Figure, an Axes or a list of Axes)."""
    if isinstance(drawn, matplotlib.figure.Figure):
        return drawn
    if isinstance(drawn, matplotlib.axes.Axes):
        return drawn.figure
    return np.ravel(np.asarray(drawn, dtype=object))[0].figure


def both_languages(draw) -> tuple[list[str], list[str]]:
    """The texts of ``draw()``'s picture in English, then in Spanish."""
    def shown():
        figure = figure_of(draw())
        figure.canvas.draw()  # tick labels are written at draw time
        found = texts(figure)
        plt.close("all")
        return found

    return in_both(shown)


def english_left(draw, given=()) -> list[str]:
    """The Spanish picture's texts holding a word of 3+ letters also in the English picture.

    ``given`` are the labels the test passed in, as a notebook would: their words are not the kit's.
    """
    english, spanish = both_languages(draw)
    english_words = set().union(*map(words, english))
    assert english_words, "the English picture has no words: nothing was compared"
    english_words -= SAME_IN_SPANISH | set().union(*map(words, given))
    return [text for text in spanish if words(text) & english_words]


def speaks_spanish(draw, given=()) -> None:
    left = english_left(draw, given)
    assert left == [], f"English left in the Spanish picture: {left}"


# -- optimization ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paths():
    from neurona.scratch import GD, Adam, race

    good = race("rosenbrock", {"Adam": Adam(0.05)}, steps=20)
    gone = race("rosenbrock", {"SGD": GD(0.5)}, steps=20)
    return {**good, **gone}


def test_the_optimizer_race_speaks_spanish(paths):
    speaks_spanish(lambda: optimization.plot_optimizer_race("rosenbrock", paths))
    speaks_spanish(lambda: optimization.plot_race_losses("rosenbrock", paths))


def test_the_layer_histograms_speak_spanish():
    layers = [np.linspace(-1, 1, 50), np.array([0.1, np.nan, 0.3, 0.2])]
    speaks_spanish(lambda: optimization.plot_layer_histograms(layers, title="Capas"), ["Capas"])


def test_the_activation_functions_need_no_translation_beyond_their_names():
    speaks_spanish(lambda: optimization.plot_activation_functions(["sigmoid", "relu"]))


# -- weights --------------------------------------------------------------------------------------

def test_the_weight_images_speak_spanish():
    kernel = np.random.default_rng(0).normal(size=(16, 3))
    speaks_spanish(lambda: weights.plot_weight_images(kernel, image_shape=(4, 4)))


def test_the_prediction_bars_speak_spanish():
    names = ["gato", "perro", "pájaro"]
    speaks_spanish(lambda: weights.plot_prediction_bars([0.1, 0.7, 0.2], names, true_class=0),
                   names)
    speaks_spanish(lambda: weights.plot_prediction_bars([0.1, 0.7, 0.2], names), names)


# -- convolution ----------------------------------------------------------------------------------

@pytest.mark.parametrize("padding", ["valid", 1])
def test_a_convolution_step_speaks_spanish(padding):
    image = np.eye(6)
    kernel = np.ones((3, 3)) / 9
    speaks_spanish(lambda: convolution.plot_convolution_step(image, kernel, 2, padding=padding))


def test_pooling_speaks_spanish():
    speaks_spanish(convolution.plot_pooling)


@pytest.mark.parametrize("channels", [1, 3])
def test_the_filters_speak_spanish(channels):
    kernel = np.random.default_rng(0).normal(size=(3, 3, channels, 4))
    speaks_spanish(lambda: convolution.plot_filters(kernel))


def test_the_feature_maps_speak_spanish():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="conv"),
                              keras.layers.MaxPooling2D(2, name="pool")])
    image = np.random.default_rng(0).random((8, 8))
    speaks_spanish(lambda: convolution.plot_feature_maps(model, image), ["conv", "pool"])


# -- autoencoders ---------------------------------------------------------------------------------

IMAGES = np.random.default_rng(0).random((3, 16))


def test_reconstructions_and_denoising_speak_spanish():
    speaks_spanish(lambda: autoencoders.plot_reconstructions(IMAGES, IMAGES * 0.9, n=3))
    speaks_spanish(lambda: autoencoders.plot_denoising(IMAGES, IMAGES, IMAGES, n=3))


@pytest.fixture(scope="module")
def preset_runs():
    from neurona.autoencoders import PresetResult, preset

    losses = np.array([[0.09, 0.05, 0.04], [0.08, 0.06, 0.03]])
    return [PresetResult(preset=preset(name), seeds=seeds, loss=losses[: len(seeds)],
                         val_loss=losses[: len(seeds)], epoch_seconds=np.ones((len(seeds), 3)),
                         samples=6000)
            for name, seeds in (("III", (0, 1)), ("I", (0,)))]


@pytest.mark.parametrize("metric, band", [("val_loss", "std"), ("loss", "range")])
def test_the_loss_band_speaks_spanish(preset_runs, metric, band):
    speaks_spanish(lambda: autoencoders.plot_loss_band(preset_runs, metric=metric, band=band),
                   ["III", "adam", "sgd", "sigmoid", "relu", "linear"])


def test_the_preset_times_speak_spanish(preset_runs):
    from neurona.autoencoders import times_table

    speaks_spanish(lambda: autoencoders.plot_preset_times(times_table(preset_runs)), ["III"])


def test_the_latent_pictures_and_the_roc_speak_spanish():
    codes = np.random.default_rng(0).normal(size=(6, 2))
    speaks_spanish(lambda: autoencoders.plot_latent_scatter(codes, [0, 1, 0, 1, 0, 1],
                                                            ["cero", "uno"]), ["cero", "uno"])
    speaks_spanish(lambda: autoencoders.plot_latent_grid(np.zeros((3, 3, 4, 4))))
    speaks_spanish(lambda: autoencoders.plot_roc([0, 0.5, 1], [0, 0.8, 1], 0.8))


# -- solar forecasting (notebook 12) --------------------------------------------------------------

@pytest.fixture(scope="module")
def day():
    from neurona.solar import generate

    return generate(1, seed=0, step_seconds=60)


MODELS = ["persistencia", "red densa"]


def test_the_sensor_grid_and_a_day_speak_spanish(day):
    speaks_spanish(lambda: solar.plot_sensor_grid(250.0))
    speaks_spanish(lambda: solar.plot_day(day))


def test_a_cloud_passage_and_the_leads_speak_spanish(day):
    import pandas as pd

    start = day.index[len(day) // 2]
    speaks_spanish(lambda: solar.plot_cloud_passage(day, start, 20.0, wind_direction=250.0))
    leads = pd.DataFrame({"downwind_m": [-300.0, 0.0, 200.0], "lead_s": [30.0, 0.0, -20.0]},
                         index=["AP1", "DH10", "DH2"])
    speaks_spanish(lambda: solar.plot_leads(leads, 10.0))


def test_maps_need_no_words_of_the_kit():
    maps = np.random.default_rng(0).random((2, 10, 10))
    shown = solar.plot_maps(maps, titles=["ahora", "dentro de 10 s"])
    assert [axis.get_title() for axis in shown] == ["ahora", "dentro de 10 s"]


def test_the_forecast_pictures_speak_spanish(day):
    times = day.index
    actual = day["DH10"].to_numpy()
    forecasts = {name: actual * (1 + 0.05 * k) + 1 for k, name in enumerate(MODELS)}
    speaks_spanish(lambda: solar.plot_forecast(times, actual, forecasts), MODELS)
    speaks_spanish(lambda: solar.plot_predicted_vs_actual(actual, forecasts), MODELS)
    speaks_spanish(lambda: solar.plot_residuals(actual, forecasts), MODELS)
    speaks_spanish(lambda: solar.plot_skill({"red densa": 0.2, "lineal": -0.1}),
                   ["red densa", "lineal"])


# -- the performance lab --------------------------------------------------------------------------

def bench_rows(**columns):
    import pandas as pd

    from neurona import bench

    n = len(next(iter(columns.values())))
    base = {"ok": [True] * n, "label": ["mlp · entrenar"] * n, "device_read": ["CPU"] * n}
    return bench.Results(pd.DataFrame({**base, **columns}).to_dict("records"))


def test_the_speedup_heatmap_and_thread_scaling_speak_spanish():
    import pandas as pd

    table = pd.DataFrame({"u25": [2.0, 10.0], "u50": [3.0, 30.0]}, index=["red 1", "red 2"])
    speaks_spanish(lambda: performance.plot_speedup_heatmap(table, title="Aceleraciones"),
                   ["red", "Aceleraciones"])
    threads = bench_rows(threads=[1, 2, 4], speedup=[1.0, 1.8, 2.9],
                         efficiency=[1.0, 0.9, 0.725])
    speaks_spanish(lambda: performance.plot_thread_scaling(threads, reference={
        "threads": 8, "speedup": 1.81}))


def test_time_against_size_and_batch_speaks_spanish():
    import pandas as pd

    sizes = bench_rows(parameters=[1e3, 1e4, 1e5], per_epoch_s=[0.1, 0.2, 0.9])
    reference = pd.DataFrame({"parameters": [1e3, 1e5], "GPU": [0.2, 0.5]})
    speaks_spanish(lambda: performance.plot_time_vs_parameters(sizes, reference=reference))
    batch = bench_rows(batch_size=[8, 32, 128], per_epoch_s=[4.0, 1.5, 0.8])
    reference = pd.DataFrame({"device": ["GPU"], "b8": [3.0], "b32": [1.0]})
    speaks_spanish(lambda: performance.plot_time_vs_batch(batch, reference=reference),
                   ["mlp"])


def test_latency_share_of_peak_and_scaling_laws_speak_spanish():
    from neurona import bench

    results = bench_rows(samples=[2, 64], median_s=[0.001, 0.01], achieved_gflops=[1.0, 50.0])
    speaks_spanish(lambda: performance.plot_inference_latency(results), ["mlp"])
    bench.add_share_of_peak(results, 400.0)
    speaks_spanish(lambda: performance.plot_share_of_peak(results), ["mlp", "entrenar"])
    speaks_spanish(lambda: performance.plot_scaling_laws(0.9, processors=8,
                                                         measured=([1, 2], [1.0, 1.7])))


def test_the_backend_verdicts_speak_spanish():
    import pandas as pd

    rows = pd.DataFrame({"ok": True, "task": "train", "model": "cnn", "model_args": [{}] * 4,
                         "dtype": ["float32", "float32", "mixed_bfloat16", "mixed_bfloat16"],
                         "backend": ["tensorflow", "jax"] * 2,
                         "samples_per_s": [3000.0, 1000.0, 600.0, 1050.0]})
    i18n.set_language("es")
    assert performance.backend_verdicts(rows) == [
        "cnn, float32: TensorFlow 3\u202f000 muestras/s, JAX 1\u202f000: "
        "TensorFlow es 3.0x más rápido que JAX",
        "cnn, mixed_bfloat16: JAX 1\u202f050 muestras/s, TensorFlow 600: "
        "JAX es 1.8x más rápido que TensorFlow",
        "cnn en TensorFlow: bfloat16 mixto fue 5.0x más lento que float32",
        "cnn en JAX: bfloat16 mixto fue más o menos igual de rápido que float32 (1.05x)",
    ]


# -- sequences (notebook 13) ----------------------------------------------------------------------

def test_a_window_and_the_unrolled_rnn_speak_spanish():
    window = np.random.default_rng(0).random((4, 16)) * 800
    speaks_spanish(lambda: sequences.plot_window(window, 500.0))
    speaks_spanish(lambda: sequences.plot_unrolled_rnn(3))


@pytest.mark.parametrize("relative", [False, True])
def test_gradients_by_step_speak_spanish(relative):
    norms = {"LSTM": [1e-3, 1e-2, 1e-1], "recurrente simple": [1e-6, 1e-3, 1.0]}
    speaks_spanish(lambda: sequences.plot_gradient_by_step(norms, relative=relative),
                   list(norms))


def test_batch_losses_speak_spanish():
    losses = {"sin recorte": [5.0, 80.0, float("nan")], "clipnorm=1": [5.0, 4.8, 4.6]}
    speaks_spanish(lambda: sequences.plot_batch_losses(losses), ["sin recorte", "clipnorm"])


@pytest.mark.parametrize("batch", [None, 1024])
def test_skill_and_time_speak_spanish(batch):
    import pandas as pd

    table = pd.DataFrame({"skill": [0.0, 0.3], "per_epoch_s": [float("nan"), 2.5],
                          "latency_1_s": [1e-4, 0.02], "latency_batch_s": [1e-3, 0.3]},
                         index=["persistencia", "LSTM"])
    speaks_spanish(lambda: sequences.plot_skill_and_time(table, batch=batch), ["persistencia"])


# -- transfer learning ----------------------------------------------------------------------------

def test_accuracy_against_labels_speaks_spanish():
    import pandas as pd

    runs = [("desde cero", 20, 0.70, 3.0), ("desde cero", 1000, 0.85, 4.0),
            ("base congelada", 20, 0.80, 2.0), ("base congelada", 1000, 0.86, 2.5)]
    table = pd.DataFrame([{"strategy": s, "labels per class": n, "test accuracy": a,
                           "training s": t} for s, n, a, t in runs])
    speaks_spanish(lambda: transfer.plot_accuracy_vs_labels(table, title="Transferencia"),
                   ["desde cero", "base congelada", "Transferencia"])


def test_an_error_keeps_its_english_class_and_carries_a_spanish_message():
    i18n.set_language("es")
    with pytest.raises(ValueError, match="esto no son probabilidades"):
        weights.plot_prediction_bars([0.5, 0.9])
    with pytest.raises(TypeError, match="debe ser una lista de nombres"):
        weights.plot_prediction_bars([0.5, 0.5], class_names="ab")
    with pytest.raises(ValueError, match=r"p\. ej\. \{'LSTM': norms\}$"):
        sequences.plot_gradient_by_step({})
