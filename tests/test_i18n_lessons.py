"""The lessons' internals speak Spanish: what neurona.cnn, .autoencoders and .solar say.

Notebooks 08, 10 and 12 print what these modules return (the reason for a number format, a
memory estimate, a preset's label and what to look for in it, a run's summary) and show the
errors they raise. Each text is made twice, with the kit in English and in Spanish, and a word
of three letters or more that the Spanish text shares with its English twin is English left
behind, unless it is a name, an identifier the student types (an argument's name, an
initialiser or activation name) or a word Spanish writes the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from i18n_support import in_both as shown_in_both

from neurona import autoencoders, cnn, i18n, solar

# Names, and words Spanish writes the same way.
SAME_IN_SPANISH = {
    "adam", "sgd", "adagrad", "adadelta", "rmsprop", "adamax", "relu", "tanh", "sigmoid",
    "glorot", "keras", "jax", "tensorflow", "cpu", "bfloat", "float", "vae", "rmse", "normal",
    "total", "none", "nonetype", "true", "false", "pandas", "dataframe", "datetimeindex",
    "presetresult", "preset", "txt", "csv", "hst", "doy", "year", "seconds", "valid", "same",
    "error", "mse", "divisor", "int", "ndarray",
}
# Identifiers a student types, named in the messages: argument names and initialiser names.
IDENTIFIERS = {
    "build", "seeds", "span", "low", "high", "errors", "frame", "hours", "start", "model",
    "uniform", "shape", "input", "timestamp", "datetime", "features", "level", "text",
}
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{3,}")
# Left out before comparing: tags, quoted values ('0 -1 0'), code such as keras.Input(...),
# `return model`, paths, dotted and snake_case names (keras.Model, dense_autoencoder, val_loss)
# and the presets' names (III, VII.a).
NOT_WORDS = re.compile(r"<[^>]*>|'[^']*'|`[^`]*`|\b[\w.]+\([^)]*\)|\S*/\S*|\b\w+(?:\.\w+)+\b"
                       r"|\b\w*_\w*\b|\b[IVX]+\b")


def words(text: str) -> set[str]:
    plain = html.unescape(NOT_WORDS.sub(" ", text))
    return {word.lower() for word in WORD.findall(plain)}


def in_both(make: Callable[[], list[str]]) -> tuple[list[str], list[str]]:
    """The texts ``make`` returns with the kit in English, then in Spanish."""
    english, spanish = shown_in_both(make)
    assert len(english) == len(spanish)
    return english, spanish


def english_left(make: Callable[[], list[str]]) -> list[str]:
    """Each Spanish text of ``make`` that shares a word (not a name) with its English twin."""
    english, spanish = in_both(make)
    left = []
    for en, es in zip(english, spanish, strict=True):
        assert es.strip(), f"no Spanish text for {en!r}"
        shared = (words(en) & words(es)) - SAME_IN_SPANISH - IDENTIFIERS
        if shared:
            left.append(f"{es!r} (English: {en!r}; shared: {sorted(shared)})")
    return left


def errors_of(*calls: Callable[[], object]) -> list[str]:
    """The message of the error each call raises (each must raise)."""
    messages = []
    for call in calls:
        with pytest.raises((ValueError, TypeError)) as raised:
            call()
        messages.append(str(raised.value))
    return messages


# -- notebook 08: the convolution's arithmetic and its cost ----------------------------------------
@pytest.fixture(scope="module")
def tiny_cnn():
    import keras

    return keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3),
                             keras.layers.Flatten(), keras.layers.Dense(3)])


def test_the_memory_estimate_and_the_number_format_speak_spanish(tiny_cnn):
    def shown():
        estimate = cnn.training_memory_estimate(tiny_cnn, 2, optimizer="adam")
        return [*map(str, estimate.index), str(estimate.name), cnn.choose_precision("float32")[1]]

    assert english_left(shown) == []


def test_the_memory_estimate_keeps_total_for_code_that_reads_it(spanish, tiny_cnn):
    estimate = cnn.training_memory_estimate(tiny_cnn, 2)
    assert estimate.index[0] == "pesos"
    assert estimate["total"] == pytest.approx(estimate.iloc[:-1].sum())


def test_the_convolution_errors_speak_spanish(tiny_cnn):
    def shown():
        return errors_of(
            lambda: cnn.conv_output_size(3, 5),
            lambda: cnn.conv_output_size(0, 3),
            lambda: cnn.parse_kernel(3),
            lambda: cnn.parse_kernel(" ; "),
            lambda: cnn.parse_kernel("1 2 3; 4 5"),
            lambda: cnn.parse_kernel("1 2; 3 4; 5 6"),
            lambda: cnn.parse_kernel("1 2; 3 4"),
            lambda: cnn.parse_kernel("1 x 3; 1 2 3; 1 2 3"),
            lambda: cnn.parse_kernel("1 inf 3; 1 2 3; 1 2 3"),
            lambda: cnn.convolve2d(np.ones(3), np.ones((3, 3))),
            lambda: cnn.convolve2d(np.ones((4, 4)), np.ones(3)),
            lambda: cnn.activation_memory(object()),
        )

    assert english_left(shown) == []


# -- notebook 10: the thesis's presets ----------------------------------------------------------
def a_result() -> autoencoders.PresetResult:
    losses = np.array([[0.09, 0.05, 0.04], [0.08, 0.06, 0.03]])
    return autoencoders.PresetResult(
        preset=autoencoders.preset("IV.a"), seeds=(0, 1), loss=losses, val_loss=losses,
        epoch_seconds=np.ones((2, 3)), samples=6000)


def test_the_presets_labels_findings_and_readings_speak_spanish():
    def shown():
        return ([p.label for p in autoencoders.PRESETS.values()]
                + [i18n._(p.finding) for p in autoencoders.PRESETS.values()]
                + [i18n._(text) for text in autoencoders.INIT_READINGS.values()]
                + [repr(a_result())])

    assert english_left(shown) == []


def test_a_preset_keeps_its_english_data(spanish):
    chosen = autoencoders.preset("IV.a")
    assert chosen.label.startswith("IV.a · lote 240 · Adam lr 0.001 · pesos uniform")
    # The settings and the finding as written stay English: the ledger and code read them.
    assert chosen.initializer == "weights uniform, bias normal"
    assert chosen.finding.startswith("uniform weights")


def test_the_preset_explorer_shows_the_presets_in_spanish():
    from neurona.widgets.autoencoder import PresetExplorer

    x = np.zeros((8, 784), dtype="float32")

    def shown():
        panel = PresetExplorer(x, x, build=lambda preset, init_reading="text": None)
        menus = [panel.controls["preset"], panel.controls["reading"]]
        return [label for menu in menus for label in menu._options_labels] + [panel.info.value]

    assert english_left(shown) == []


def test_the_autoencoder_errors_speak_spanish():
    import keras

    flat = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4)])

    def shown():
        return errors_of(
            lambda: autoencoders.check_build("VII"),
            lambda: autoencoders.times_table([1]),
            lambda: autoencoders.add_noise(np.zeros(3), 2),
            lambda: autoencoders.latent_grid(flat, span="wide"),
            lambda: autoencoders.latent_grid(flat, span=(1, 0)),
            lambda: autoencoders.reconstruction_errors(flat, np.zeros(3)),
            lambda: autoencoders.anomaly_roc([0.1, 0.2], [True]),
            lambda: autoencoders.anomaly_roc([0.1, 0.2], [2, 3]),
            lambda: autoencoders.anomaly_roc([0.1, 0.2], [True, True]),
            lambda: autoencoders.anomaly_roc([0.1, np.nan], [True, False]),
            lambda: autoencoders.run_preset("VII", np.zeros((4, 784)), np.zeros((4, 784)),
                                            build=lambda preset, init_reading="text": None,
                                            epochs=1),
            lambda: autoencoders.run_preset("VII", np.zeros(3), np.zeros((4, 784)),
                                            build=print, epochs=1),
        )

    assert english_left(shown) == []


# -- notebook 12: the solar grid -----------------------------------------------------------------
@pytest.fixture(scope="module")
def one_day():
    return solar.generate(1, seed=0, step_seconds=60)


def test_the_solar_checks_speak_spanish(one_day, tmp_path):
    train = pd.to_datetime([f"2010-06-{day:02d} 10:00" for day in range(1, 9)])

    def shown():
        return errors_of(
            lambda: solar.generate(step_seconds=7),
            lambda: solar.generate(hours=(20, 5)),
            lambda: solar.generate(hours="day"),
            lambda: solar.generate(start="someday"),
            lambda: solar.generate(cloud_cover=2),
            lambda: solar.load_nrel(tmp_path / "nowhere"),
            lambda: solar.load_nrel(tmp_path),
            lambda: solar.check_day_split(train, train),
            lambda: solar.check_day_split(train[:1], train[:1]),
            lambda: solar.check_day_split(train, train[:0]),
            lambda: solar.check_no_future(lambda f: f[["DH10"]].shift(-1), one_day),
            lambda: solar.check_no_future(lambda f: f.to_numpy(), one_day),
            lambda: solar.clear_sky_index(one_day.to_numpy()),
            lambda: solar.clear_sky_index(one_day[["DH10"]]),
            lambda: solar.rmse([1.0], [1.0, 2.0]),
            lambda: solar.skill([1.0, 2.0], [1.0, 2.0], [1.0, 2.0]),
        )

    assert english_left(shown) == []


def test_a_translated_error_keeps_its_english_class(spanish):
    with pytest.raises(ValueError, match="^el filtro debe ser cuadrado"):
        cnn.parse_kernel("1 2; 3 4; 5 6")
    with pytest.raises(TypeError, match="^build debe ser una función"):
        autoencoders.check_build("VII")
    with pytest.raises(ValueError, match="^2 días tienen filas tanto en entrenamiento"):
        solar.check_day_split(pd.to_datetime(["2010-06-01 10:00", "2010-06-02 10:00"]),
                              pd.to_datetime(["2010-06-01 11:00", "2010-06-02 11:00"]))
