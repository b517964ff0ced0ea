"""Autoencoders: the thesis's presets, the notebook's networks and VAE, anomaly detection, panels.

The networks are notebook 10's own cells (its dense autoencoder of any preset, its convolutional
autoencoder, its VAE with the sampling layer and the KL term), run here with
tools/notebook_code.run_cells; the package's plumbing around them is tested on them.
"""

import sys
import time
from functools import partial
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import neurona as nr
from neurona import autoencoders as ae
from neurona.runs import Ledger

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_code import run_cells  # noqa: E402

# The cells of notebook 10 that define its networks: the dense autoencoder of any preset, the
# convolutional autoencoder, the VAE's sampling layer and loss terms, its model, its builder.
LESSON_CELLS = ["10-013a", "10-033", "10-039a", "10-039c", "10-039e"]

PNG = b"\x89PNG"
ALL = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "III.a",
    "IV.a",
    "IV.b",
    "V.a",
    "V.b",
    "VI.a",
    "VII.a",
    "VII.b",
    "VII.c",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
]
OPTIMIZER_CLASS = {
    "adam": "Adam",
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "rmsprop": "RMSprop",
    "adamax": "Adamax",
}
INIT_CLASS = {
    "uniform": "RandomUniform",
    "normal": "RandomNormal",
    "glorot_normal": "GlorotNormal",
    "glorot_uniform": "GlorotUniform",
    "he_normal": "HeNormal",
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def lesson():
    """The notebook's own definitions, run in a namespace with what its earlier cells import."""
    return run_cells("10", LESSON_CELLS, {"keras": keras, "nr": nr, "np": np})


@pytest.fixture(scope="module")
def dense_autoencoder(lesson):
    return lesson["dense_autoencoder"]


@pytest.fixture(scope="module")
def images():
    """1,000 Fashion-MNIST-like images in [0, 1]: real data when present, else the fallback."""
    data = nr.load("fashion_mnist", n_train=1000, n_test=300)
    x = data.x_train.astype("float32") / 255
    return x, data.x_test.astype("float32") / 255


def test_every_experiment_of_the_table_is_a_preset():
    assert list(ae.PRESETS) == ALL
    table = nr.reference_table("autoencoder_framework_times")
    for row in table.itertuples():
        p = ae.PRESETS[row.experiment]
        assert (p.batch_size, p.learning_rate, p.optimizer) == (
            row.batch_size,
            row.learning_rate,
            row.optimizer,
        )


def test_preset_names_are_case_blind_and_bad_names_list_the_choices(dense_autoencoder):
    assert ae.preset("vii") is ae.PRESETS["VII"] and ae.preset("v.B").batch_size == 32
    with pytest.raises(ValueError, match=r"preset must be one of I, II, .*XIII; got 'XIV'"):
        ae.preset("XIV")
    with pytest.raises(ValueError, match="preset must be one of I, II"):
        dense_autoencoder("nope")
    assert ae.PRESETS["VII"].label == (
        "VII · batch 500 · Adam lr 0.001 · glorot_normal · relu, sigmoid out"
    )
    assert "never learns" in ae.PRESETS["I"].finding


def test_the_init_column_splits_weights_and_biases():
    assert (ae.PRESETS["IV.a"].kernel_initializer, ae.PRESETS["IV.a"].bias_initializer) == (
        "uniform",
        "normal",
    )
    assert (ae.PRESETS["IV.b"].kernel_initializer, ae.PRESETS["IV.b"].bias_initializer) == (
        "normal",
        "uniform",
    )
    assert (ae.PRESETS["VII.b"].kernel_initializer, ae.PRESETS["VII.b"].bias_initializer) == (
        "glorot_normal",
        "normal",
    )
    # A plain name applies to the biases too: that is what makes VII.b differ from VII.
    assert ae.PRESETS["VII"].bias_initializer == "glorot_normal"
    assert ae.PRESETS["V"].bias_initializer == "normal"


def dense_layers(model):
    """The Dense layers of the notebook's dense autoencoder, encoder then decoder."""
    return model.get_layer("encoder").layers + model.get_layer("decoder").layers


@pytest.mark.parametrize("name", ALL)
def test_each_preset_builds_its_optimizer_initialisers_and_activations(name, dense_autoencoder):
    p = ae.PRESETS[name]
    model = dense_autoencoder(name, layers=(16, 4))  # the notebook's builder, compiled
    assert type(model.optimizer).__name__ == OPTIMIZER_CLASS[p.optimizer]
    assert float(model.optimizer.learning_rate) == pytest.approx(p.learning_rate)
    assert model.loss == "mse"
    layers = dense_layers(model)
    assert [layer.units for layer in layers] == [16, 4, 16, 784]
    hidden, output = {"sigmoid": ("sigmoid", "sigmoid"), "relu": ("relu", "sigmoid")}.get(
        p.activation, (p.activation, p.output_activation)
    )
    if name == "VI.a":
        hidden, output = "sigmoid", "tanh"
    for layer in layers:
        expected = output if layer is layers[-1] else hidden
        assert layer.activation.__name__ == expected, layer.name
        for init, wanted in (
            (layer.kernel_initializer, p.kernel_initializer),
            (layer.bias_initializer, p.bias_initializer),
        ):
            assert type(init).__name__ == INIT_CLASS[wanted]
            if wanted == "uniform":  # the default reading: the thesis's text, [0, 1)
                assert (init.minval, init.maxval) == (0.0, 1.0)
            if wanted == "normal":
                assert (init.mean, init.stddev) == (0.0, 1.0)
    if p.bias_initializer in ("uniform", "normal"):  # biases really are drawn, not zero
        assert np.abs(layers[0].bias.numpy()).max() > 0


# The thesis's "uniform" and "normal": its text's reading and Keras 2's, checked on built weights.
READINGS = {
    # reading: (uniform low, uniform high, normal standard deviation)
    "text": (0.0, 1.0, 1.0),
    "keras2": (-0.05, 0.05, 0.05),
}


@pytest.mark.parametrize("reading", list(READINGS))
def test_both_initialiser_readings_give_their_documented_weights(reading, dense_autoencoder):
    low, high, sigma = READINGS[reading]
    # III: uniform weights and biases; IV: normal weights and biases.
    uniform = dense_layers(dense_autoencoder("III", init_reading=reading, layers=(256, 8)))
    weights = uniform[0].kernel.numpy()  # 784 x 256 draws
    bias = uniform[0].bias.numpy()
    assert low <= weights.min() and weights.max() <= high
    assert weights.mean() == pytest.approx((low + high) / 2, abs=0.01 * (high - low))
    assert weights.std() == pytest.approx((high - low) / np.sqrt(12), rel=0.02)
    assert low <= bias.min() and bias.max() <= high and bias.std() > 0.2 * (high - low)
    normal = dense_layers(dense_autoencoder("IV", init_reading=reading, layers=(256, 8)))
    weights = normal[0].kernel.numpy()
    assert weights.mean() == pytest.approx(0.0, abs=0.02 * sigma)
    assert weights.std() == pytest.approx(sigma, rel=0.02)
    # Glorot does not depend on the reading.
    glorot = dense_layers(dense_autoencoder("VII", init_reading=reading, layers=(256, 8)))
    assert glorot[0].kernel.numpy().std() < 0.06
    # Every layer draws its own numbers: no two layers of one shape start alike.
    assert not np.allclose(uniform[0].bias.numpy(), uniform[2].bias.numpy())  # 256 each


def test_the_default_reading_is_the_text_and_results_say_which_was_used(images, dense_autoencoder):
    assert ae.DEFAULT_INIT_READING == "text"
    assert set(ae.INIT_READINGS) == {"text", "keras2"}
    assert (
        "Keras 2" in ae.INIT_READINGS["keras2"] and "not the thesis" in ae.INIT_READINGS["keras2"]
    )
    assert ae.make_initializer("uniform").maxval == 1.0
    assert ae.make_initializer("normal", reading="keras2").stddev == 0.05
    x, x_val = images
    flat, flat_val = x[:64].reshape(64, -1), x_val[:32].reshape(32, -1)
    ledger = Ledger()
    small = partial(dense_autoencoder, layers=(8, 4))
    run = ae.run_preset(
        "III", flat, flat_val, build=small, epochs=1, init_reading="keras2", ledger=ledger
    )
    assert run.init_reading == "keras2" and run.name == "III (keras2)"
    assert ledger[0].hparams["init_reading"] == "keras2"
    assert ledger[0].hparams["build"] == "dense_autoencoder"
    # The builder got the reading: the first layer's weights lie in Keras 2's +-0.05.
    assert np.abs(run.models[0].get_layer("encoder").layers[0].kernel.numpy()).max() <= 0.05
    assert list(ae.times_table([run]).index) == ["III (keras2)"]
    plain = ae.run_preset("VII", flat, flat_val, build=small, epochs=1, ledger=Ledger())
    assert plain.name == "VII" and plain.init_reading == "text"


def test_bad_initialiser_readings_name_the_allowed_ones(dense_autoencoder):
    for bad in ("keras3", "Text", None, 0):
        with pytest.raises(ValueError, match="reading must be one of text, keras2"):
            ae.make_initializer("uniform", reading=bad)
    with pytest.raises(ValueError, match="reading must be one of text, keras2"):
        dense_autoencoder("III", init_reading="keras", layers=(8, 4))
    with pytest.raises(ValueError, match="reading must be one of text, keras2"):
        ae.run_preset(
            "III",
            np.zeros((4, 784)),
            np.zeros((4, 784)),
            build=dense_autoencoder,
            epochs=1,
            init_reading="tf",
        )


def test_the_thesis_network_has_the_thesis_shape(dense_autoencoder):
    model = dense_autoencoder("VII")
    sizes = [layer.units for layer in dense_layers(model)]
    assert sizes == [1000, 500, 250, 125, 32, 125, 250, 500, 1000, 784]
    assert model.count_params() == 2_893_066
    assert model.get_layer("encoder").output.shape == (None, 32)


# -- run_preset checks what the notebook's builder returns ----------------------------------------
def _model(inputs, outputs, compiled=True):
    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(outputs)])
    if compiled:
        model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda preset, init_reading: None, TypeError, "NoneType: does it end with `return model`"),
        (lambda preset, init_reading: "model", TypeError, r"must return a Keras model"),
        (lambda preset, init_reading: _model(784, 784, False), ValueError, "not compiled"),
        (lambda preset, init_reading: _model(100, 784), ValueError, r"keras.Input\(\(784,\)\)"),
        (lambda preset, init_reading: _model(784, 32), ValueError, "must rebuild its input"),
        ("dense_autoencoder", TypeError, "build must be a function"),
    ],
)
def test_run_preset_explains_a_builder_that_returns_no_autoencoder(build, error, message):
    x = np.zeros((8, 784), dtype="float32")
    with pytest.raises(error, match=message):
        ae.run_preset("VII", x, x, build=build, epochs=1, ledger=Ledger())
    from neurona.widgets.autoencoder import PresetExplorer

    if isinstance(build, str):
        with pytest.raises(TypeError, match="build must be a function"):
            PresetExplorer(x, x, build=build)


def test_thesis_times_are_cpu_seconds_per_epoch():
    times = ae.thesis_times(dataset="fashion_mnist")
    assert set(times.index) == set(ALL)
    assert times.loc["V.b", "keras_tf"] == pytest.approx(12.21482)
    assert np.isnan(ae.thesis_times("XIII")["tf"])
    assert "user" in times.attrs["source"]
    ratio = ae.thesis_times("V.b")["keras_tf"] / ae.thesis_times("V")["keras_tf"]
    assert 10 < ratio < 12  # batch 32 vs 500: the thesis's "small batches are slower"


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="initializer must be one of uniform, normal"):
        ae.make_initializer("zeros")
    with pytest.raises(ValueError, match="level must be"):
        ae.add_noise(np.zeros(3), 2.0)
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        ae.run_preset("VII", np.zeros((4, 784)), np.zeros((4, 784)), build=print, epochs=0)
    with pytest.raises(ValueError, match="both normal"):
        ae.anomaly_roc([0.1, 0.2], [True, True])
    with pytest.raises(ValueError, match="one value per sample"):
        ae.anomaly_roc([0.1, 0.2, 0.3], [True, False])


def test_reconstruction_error_falls_and_a_seed_repeats_the_run(images, dense_autoencoder):
    x, x_val = images
    flat, flat_val = x.reshape(len(x), -1), x_val.reshape(len(x_val), -1)
    ledger = Ledger()
    small = partial(dense_autoencoder, layers=(64, 16))
    result = ae.run_preset(
        "VII", flat, flat_val, build=small, epochs=3, seeds=(0, 1), ledger=ledger
    )
    assert result.val_loss.shape == (2, 3) and result.epoch_seconds.shape == (2, 3)
    assert (result.val_loss[:, -1] < result.val_loss[:, 0]).all()
    assert [r.name for r in ledger] == ["VII · seed 0", "VII · seed 1"]
    assert ledger["VII · seed 0"].hparams["preset"] == "VII"
    assert result.mean.shape == (3,) and (result.std >= 0).all()
    assert result.seconds_per_epoch > 0
    again = ae.run_preset("VII", flat, flat_val, build=small, epochs=3, seeds=(0,), ledger=Ledger())
    np.testing.assert_allclose(again.val_loss[0], result.val_loss[0], rtol=1e-5)
    table = ae.times_table([result], dataset="fashion_mnist")
    assert table.loc["VII", "thesis keras_tf s/epoch (CPU)"] == pytest.approx(1.14026)
    assert table.loc["VII", "seeds"] == 2
    assert nr.plot_loss_band(result).get_yscale() == "log"
    assert nr.plot_preset_times(table).get_ylabel() == "seconds per epoch (s)"


def test_conv_autoencoder_learns_and_errors_are_per_sample(images, lesson):
    x, _ = images
    nr.seed(0)
    model = lesson["conv_autoencoder"]()  # the notebook's, compiled with Adam
    assert model.get_layer("encoder").output.shape == (None, 7, 7, 8)
    assert model.output.shape == (None, 28, 28) and model.count_params() == 3_217
    before = ae.reconstruction_errors(model, x[:200])
    model.fit(x, x, epochs=2, batch_size=64, verbose=0)
    after = ae.reconstruction_errors(model, x[:200])
    assert before.shape == (200,) and after.mean() < before.mean()
    figure = nr.plot_reconstructions(x[:200], model.predict(x[:200], verbose=0), n=6, order="worst")
    assert len(figure.axes) == 12 and "MSE" in figure.axes[-1].get_title()


def test_add_noise_is_seeded_and_clipped():
    x = np.full((3, 28, 28), 0.5, dtype="float32")
    a, b = ae.add_noise(x, 0.4, seed=3), ae.add_noise(x, 0.4, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() <= 1 and a.std() > 0.1
    np.testing.assert_array_equal(ae.add_noise(x, 0.0), x)


def test_the_sampling_layer_draws_mean_plus_sigma_times_noise(lesson):
    sampling = lesson["Sampling"]
    z_mean = np.array([[0.0, 1.0], [-2.0, 3.0], [5.0, 0.5]], dtype="float32")
    z_log_var = np.log(np.array([[1.0, 4.0], [0.25, 9.0], [1.0, 1.0]], dtype="float32"))
    nr.seed(0)
    eps = np.asarray(sampling()([np.zeros_like(z_mean), np.zeros_like(z_mean)]))  # mean 0, sigma 1
    nr.seed(0)  # the same noise again
    z = np.asarray(sampling()([z_mean, z_log_var]))
    assert z.shape == eps.shape == (3, 2)
    np.testing.assert_allclose(z, z_mean + np.exp(z_log_var / 2) * eps, rtol=1e-5, atol=1e-6)
    # eps is standard normal, and the layer draws new noise at every call
    layer = sampling()
    draws = np.asarray(layer([np.zeros((20_000, 2), "float32"), np.zeros((20_000, 2), "float32")]))
    assert abs(draws.mean()) < 0.03 and draws.std() == pytest.approx(1.0, abs=0.03)
    again = np.asarray(layer([np.zeros((3, 2), "float32"), np.zeros((3, 2), "float32")]))
    assert not np.allclose(again, draws[:3])


def test_the_kl_term_is_zero_only_at_the_standard_normal(lesson):
    kl = lesson["kl_divergence"]
    zeros = np.zeros((4, 2), dtype="float32")
    np.testing.assert_allclose(np.asarray(kl(zeros, zeros)), 0.0, atol=1e-7)
    # one code number: KL(N(m, s^2) || N(0, 1)) = (s^2 + m^2 - 1) / 2 - log s
    m, s = 1.5, 0.5
    value = np.asarray(kl(np.array([[m]], "float32"), np.array([[2 * np.log(s)]], "float32")))
    assert value.shape == (1,)
    assert value[0] == pytest.approx((s**2 + m**2 - 1) / 2 - np.log(s), rel=1e-5)
    # summed over the code numbers, one value per image
    assert np.asarray(kl(np.ones((3, 2), "float32"), zeros[:3])).tolist() == [1.0, 1.0, 1.0]
    images = np.zeros((2, 28, 28), dtype="float32")
    recon = np.asarray(lesson["reconstruction_loss"](images, np.full_like(images, 0.5)))
    np.testing.assert_allclose(recon, 784 * np.log(2), rtol=1e-4)  # summed over the 784 pixels


def test_the_vae_trains_on_reconstruction_plus_kl_and_decodes_a_grid(images, lesson):
    x, x_val = images
    nr.seed(0)
    vae = lesson["make_vae"](latent_dim=2)
    z_mean, z_log_var, z = vae.encoder.predict(x_val[:7], verbose=0)
    assert z_mean.shape == z_log_var.shape == z.shape == (7, 2)
    one_step = vae.fit(x[:64], epochs=1, batch_size=64, verbose=0).history
    assert set(one_step) == {"loss", "reconstruction", "kl"}
    assert all(np.isfinite(v[0]) for v in one_step.values())
    assert one_step["loss"][0] == pytest.approx(
        one_step["reconstruction"][0] + one_step["kl"][0], rel=1e-5
    )
    history = vae.fit(x, epochs=2, batch_size=128, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    terms = vae.evaluate(x_val, verbose=0, return_dict=True)
    assert terms["kl"] > 0 and terms["reconstruction"] > terms["kl"]
    assert vae.predict(x_val[:3], verbose=0).shape == (3, 28, 28)
    grid = ae.latent_grid(vae.decoder, n=5, span=2.0)
    assert grid.shape == (5, 5, 28, 28)
    assert 0 <= grid.min() and grid.max() <= 1
    assert nr.plot_latent_grid(grid, span=2.0).axes[0].get_xlabel() == "z[0]"
    nr.plot_latent_scatter(z_mean, np.arange(7) % 3, class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="2-D codes"):
        ae.latent_grid(lesson["make_vae"](latent_dim=3).decoder)


def test_anomaly_detection_separates_an_easy_case():
    rng = np.random.default_rng(0)
    normal = rng.normal(0.1, 0.02, 200)
    odd = rng.normal(0.3, 0.05, 50)
    fpr, tpr, auc = ae.anomaly_roc(np.r_[normal, odd], np.r_[np.zeros(200), np.ones(50)])
    assert auc > 0.95 and fpr[0] == 0 and tpr[-1] == 1
    assert nr.plot_roc(fpr, tpr, auc).get_legend() is not None


def test_anomaly_split_keeps_the_normal_classes_for_training():
    data = nr.load("fashion_mnist", n_train=600, n_test=200)
    split = ae.anomaly_split(data, normal_classes=[0, 1, 2], n_train=100)
    assert len(split.x_train) == 100 and split.x_train.max() <= 1
    assert split.is_anomaly.tolist() == (~np.isin(data.y_test, [0, 1, 2])).tolist()
    with pytest.raises(ValueError, match="from 0 to 9"):
        ae.anomaly_split(data, normal_classes=[12])
    with pytest.raises(ValueError, match="leave out"):
        ae.anomaly_split(data, normal_classes=range(10))
    with pytest.raises(ValueError, match="at least one class"):
        ae.anomaly_split(data, normal_classes=[])


# -- the panels ------------------------------------------------------------------------------------
@pytest.fixture
def explorer(images, dense_autoencoder):
    x, x_val = images
    from neurona.widgets.autoencoder import PresetExplorer

    return PresetExplorer(
        x[:256],
        x_val[:128],
        build=partial(dense_autoencoder, layers=(32, 8)),
        epochs=1,
        dataset="fashion_mnist",
        ledger=Ledger(),
    )


def test_explorer_trains_a_preset_and_compares_it(explorer):
    assert "never learns" not in explorer.info.value
    explorer.set(preset="i")
    assert "never learns" in explorer.info.value
    explorer.set(preset="ix", epochs=2, seeds=2)
    assert explorer.settings == {"preset": "IX", "epochs": 2, "seeds": 2, "reading": "text"}
    assert bytes(explorer.compare_image.value) == b""
    explorer.train(wait=True)
    result = explorer.results["IX"]
    assert result.val_loss.shape == (2, 2) and len(explorer.ledger) == 2
    assert bytes(explorer.live_image.value).startswith(PNG)
    first = bytes(explorer.compare_image.value)
    assert first.startswith(PNG) and "IX" in explorer.table_html.value
    assert "CPU time, not wall time" in explorer.table_html.value
    explorer.set(preset="VII", epochs=1, seeds=1)
    explorer.train(wait=True)
    assert list(explorer.results) == ["IX", "VII"]
    assert bytes(explorer.compare_image.value) != first
    assert list(explorer.table().index) == ["IX", "VII"]
    assert not explorer.train_button.disabled and explorer.stop_button.disabled
    explorer.set(preset="III", reading="keras2")
    explorer.train(wait=True)
    assert list(explorer.results) == ["IX", "VII", "III (keras2)"]
    assert explorer.results["III (keras2)"].init_reading == "keras2"


def test_explorer_stop_keeps_the_history(explorer):
    explorer.set(preset="VII", epochs=100, seeds=3)
    explorer.train()
    deadline = time.time() + 60
    while time.time() < deadline and not any(r.epochs for r in explorer.ledger):
        time.sleep(0.05)
    explorer.stop()
    explorer.wait()
    result = explorer.results["VII"]
    assert len(result.seeds) == 1  # no further seed starts after Stop
    done = np.isfinite(result.val_loss[0]).sum()
    assert 1 <= done < 100
    assert explorer.ledger[0].status == "stopped"
    assert "stopped early" in explorer.status.value


def test_explorer_rejects_bad_settings(explorer):
    with pytest.raises(ValueError, match="preset must be one of I, II"):
        explorer.set(preset="XX")
    with pytest.raises(ValueError, match="seeds must be a whole number from 1 to 5"):
        explorer.set(seeds=6)
    with pytest.raises(ValueError, match="epochs must be a whole number from 1 to 100"):
        explorer.set(epochs=0)
    with pytest.raises(ValueError, match="settings: preset, epochs, seeds, reading"):
        explorer.set(units=3)
    with pytest.raises(ValueError, match="reading must be one of text, keras2"):
        explorer.set(reading="keras3")
    assert explorer.settings["preset"] == "VII"  # nothing changed


def test_noise_slider_redraws(images, lesson):
    x, _ = images
    model = lesson["conv_autoencoder"]()
    panel = nr.noise_slider(model, x, n=4, level=0.2)
    first = bytes(panel.image.value)
    assert first.startswith(PNG) and panel.slider.value == 0.2
    light = panel.errors
    panel.slider.value = 0.5
    assert bytes(panel.image.value) != first and panel.errors[0] > light[0]
    with pytest.raises(ValueError, match="level must be a number from 0 to 0.8"):
        nr.noise_slider(model, x, level=0.9)
    with pytest.raises(ValueError, match="level must be"):
        panel.set(-1)


def test_loss_band_ticks_whole_epochs_and_plain_numbers():
    val = np.array([[0.170, 0.166, 0.163, 0.158, 0.153], [0.168, 0.165, 0.160, 0.156, 0.150]])
    result = ae.PresetResult(ae.PRESETS["VII"], (0, 1), val + 0.01, val, np.ones((2, 5)), 600)
    ax = nr.plot_loss_band(result)
    ax.figure.canvas.draw()
    assert all(float(tick).is_integer() for tick in ax.get_xticks())
    low, high = ax.get_ylim()
    shown = [t.get_text() for t in (*ax.get_yticklabels(), *ax.get_yticklabels(minor=True))
             if t.get_text() and low <= t.get_position()[1] <= high]
    assert len(shown) >= 2      # "0.16" and the like, not "1.6×10⁻¹"
    assert all("×" not in text and 0.1 <= float(text) <= 0.2 for text in shown)


def test_explorer_plots_flex_and_its_table_scrolls_instead_of_clipping(explorer):
    import pandas as pd

    from neurona.widgets.autoencoder import _compact_table

    row = explorer.widget.children[-2]
    assert row.layout.flex_flow == "row wrap" and row.layout.align_items == "flex-start"
    for image in (explorer.live_image, explorer.compare_image):
        assert image.layout.max_width == "416px" and image.layout.height == "auto"
    assert explorer.controls["preset"].layout.width == "100%"
    frame = pd.DataFrame({"seeds": [1, 2], "our s/epoch (wall)": [0.27345, 12345.678],
                          "± (std over seeds)": [float("nan"), 0.004583]},
                         index=["XII", "III (keras2)"])
    table = _compact_table(frame)
    assert table.startswith("<div style='overflow-x: auto")
    assert ">0.2735<" in table and ">1.235e+04<" in table and ">0.004583<" in table
    assert "white-space: nowrap'>III (keras2)</th>" in table and "nan" not in table
    assert table.count("<tr>") == 3 and "border='1'" not in table
