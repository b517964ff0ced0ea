"""Autoencoders: the thesis's presets, training, the VAE, anomaly detection, the panels."""

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

import neurona as nr
from neurona import autoencoders as ae
from neurona.runs import Ledger

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


def test_preset_names_are_case_blind_and_bad_names_list_the_choices():
    assert ae.preset("vii") is ae.PRESETS["VII"] and ae.preset("v.B").batch_size == 32
    with pytest.raises(ValueError, match=r"unknown preset 'XIV'; choose one of: I, II, .*XIII"):
        ae.preset("XIV")
    with pytest.raises(ValueError, match="choose one of"):
        ae.dense_autoencoder("nope")
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


@pytest.mark.parametrize("name", ALL)
def test_each_preset_builds_its_optimizer_initialisers_and_activations(name):
    p = ae.PRESETS[name]
    model = ae.compile_preset(ae.dense_autoencoder(name, layers=(16, 4), seed=1), name)
    assert type(model.optimizer).__name__ == OPTIMIZER_CLASS[p.optimizer]
    assert float(model.optimizer.learning_rate) == pytest.approx(p.learning_rate)
    assert model.loss == "mse"
    layers = model.encoder.layers + model.decoder.layers
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
def test_both_initialiser_readings_give_their_documented_weights(reading):
    low, high, sigma = READINGS[reading]
    # III: uniform weights and biases; IV: normal weights and biases.
    uniform = ae.dense_autoencoder("III", layers=(256, 8), seed=0, init_reading=reading)
    weights = uniform.encoder.layers[0].kernel.numpy()  # 784 x 256 draws
    bias = uniform.encoder.layers[0].bias.numpy()
    assert low <= weights.min() and weights.max() <= high
    assert weights.mean() == pytest.approx((low + high) / 2, abs=0.01 * (high - low))
    assert weights.std() == pytest.approx((high - low) / np.sqrt(12), rel=0.02)
    assert low <= bias.min() and bias.max() <= high and bias.std() > 0.2 * (high - low)
    normal = ae.dense_autoencoder("IV", layers=(256, 8), seed=0, init_reading=reading)
    weights = normal.encoder.layers[0].kernel.numpy()
    assert weights.mean() == pytest.approx(0.0, abs=0.02 * sigma)
    assert weights.std() == pytest.approx(sigma, rel=0.02)
    # Glorot does not depend on the reading.
    glorot = ae.dense_autoencoder("VII", layers=(256, 8), seed=0, init_reading=reading)
    assert glorot.encoder.layers[0].kernel.numpy().std() < 0.06


def test_the_default_reading_is_the_text_and_results_say_which_was_used(images):
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
    run = ae.run_preset(
        "III", flat, flat_val, epochs=1, layers=(8, 4), init_reading="keras2", ledger=ledger
    )
    assert run.init_reading == "keras2" and run.name == "III (keras2)"
    assert ledger[0].hparams["init_reading"] == "keras2"
    assert list(ae.times_table([run]).index) == ["III (keras2)"]
    plain = ae.run_preset("VII", flat, flat_val, epochs=1, layers=(8, 4), ledger=Ledger())
    assert plain.name == "VII" and plain.init_reading == "text"


def test_bad_initialiser_readings_name_the_allowed_ones():
    for bad in ("keras3", "Text", None, 0):
        with pytest.raises(
            ValueError, match="unknown initialiser reading .*choose one of: text, keras2"
        ):
            ae.make_initializer("uniform", reading=bad)
    with pytest.raises(ValueError, match="choose one of: text, keras2"):
        ae.dense_autoencoder("III", layers=(8, 4), init_reading="keras")
    with pytest.raises(ValueError, match="choose one of: text, keras2"):
        ae.run_preset("III", np.zeros((4, 784)), np.zeros((4, 784)), epochs=1, init_reading="tf")


def test_the_thesis_network_has_the_thesis_shape():
    model = ae.dense_autoencoder("VII", seed=0)
    sizes = [layer.units for layer in model.encoder.layers + model.decoder.layers]
    assert sizes == [1000, 500, 250, 125, 32, 125, 250, 500, 1000, 784]
    assert model.count_params() == 2_893_066
    assert model.encoder.output.shape == (None, 32)


def test_thesis_times_are_cpu_seconds_per_epoch():
    times = ae.thesis_times(dataset="fashion_mnist")
    assert set(times.index) == set(ALL)
    assert times.loc["V.b", "keras_tf"] == pytest.approx(12.21482)
    assert np.isnan(ae.thesis_times("XIII")["tf"])
    assert "user" in times.attrs["source"]
    ratio = ae.thesis_times("V.b")["keras_tf"] / ae.thesis_times("V")["keras_tf"]
    assert 10 < ratio < 12  # batch 32 vs 500: the thesis's "small batches are slower"


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="choose one of: uniform, normal"):
        ae.make_initializer("zeros")
    with pytest.raises(ValueError, match="level must be"):
        ae.add_noise(np.zeros(3), 2.0)
    with pytest.raises(ValueError, match="layers must be a whole number"):
        ae.dense_autoencoder("VII", layers=(16, 0))
    with pytest.raises(ValueError, match="epochs must be a whole number"):
        ae.run_preset("VII", np.zeros((4, 784)), np.zeros((4, 784)), epochs=0)
    with pytest.raises(ValueError, match="both normal"):
        ae.anomaly_roc([0.1, 0.2], [True, True])
    with pytest.raises(ValueError, match="one value per sample"):
        ae.anomaly_roc([0.1, 0.2, 0.3], [True, False])


def test_reconstruction_error_falls_and_a_seed_repeats_the_run(images):
    x, x_val = images
    flat, flat_val = x.reshape(len(x), -1), x_val.reshape(len(x_val), -1)
    ledger = Ledger()
    result = ae.run_preset(
        "VII", flat, flat_val, epochs=3, seeds=(0, 1), layers=(64, 16), ledger=ledger
    )
    assert result.val_loss.shape == (2, 3) and result.epoch_seconds.shape == (2, 3)
    assert (result.val_loss[:, -1] < result.val_loss[:, 0]).all()
    assert [r.name for r in ledger] == ["VII · seed 0", "VII · seed 1"]
    assert ledger["VII · seed 0"].hparams["preset"] == "VII"
    assert result.mean.shape == (3,) and (result.std >= 0).all()
    assert result.seconds_per_epoch > 0
    again = ae.run_preset(
        "VII", flat, flat_val, epochs=3, seeds=(0,), layers=(64, 16), ledger=Ledger()
    )
    np.testing.assert_allclose(again.val_loss[0], result.val_loss[0], rtol=1e-5)
    table = ae.times_table([result], dataset="fashion_mnist")
    assert table.loc["VII", "thesis keras_tf s/epoch (CPU)"] == pytest.approx(1.14026)
    assert table.loc["VII", "seeds"] == 2
    assert nr.plot_loss_band(result).get_yscale() == "log"
    assert nr.plot_preset_times(table).get_ylabel() == "seconds per epoch (s)"


def test_conv_autoencoder_learns_and_errors_are_per_sample(images):
    x, _ = images
    keras.utils.set_random_seed(0)
    model = ae.conv_autoencoder(seed=0)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
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


def test_vae_trains_with_its_kl_term_and_decodes_a_grid(images):
    x, x_val = images
    keras.utils.set_random_seed(0)
    model = ae.vae(seed=0)
    z_mean, z_log_var, z = model.encoder.predict(x_val[:7], verbose=0)
    assert z_mean.shape == z_log_var.shape == z.shape == (7, 2)
    history = model.fit(x, x, epochs=2, batch_size=128, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    terms = ae.vae_loss_terms(model, x_val)
    assert terms["kl"] > 0 and terms["reconstruction"] > terms["kl"]
    grid = ae.latent_grid(model.decoder, n=5, span=2.0)
    assert grid.shape == (5, 5, 28, 28)
    assert 0 <= grid.min() and grid.max() <= 1
    assert nr.plot_latent_grid(grid, span=2.0).axes[0].get_xlabel() == "z[0]"
    nr.plot_latent_scatter(z_mean, np.arange(7) % 3, class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="2-D codes"):
        ae.latent_grid(ae.vae(latent_dim=3).decoder)


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


# -- the panels ------------------------------------------------------------------------------------
@pytest.fixture
def explorer(images):
    x, x_val = images
    from neurona.widgets.autoencoder import PresetExplorer

    return PresetExplorer(
        x[:256], x_val[:128], epochs=1, dataset="fashion_mnist", layers=(32, 8), ledger=Ledger()
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
    with pytest.raises(ValueError, match="choose one of: I, II"):
        explorer.set(preset="XX")
    with pytest.raises(ValueError, match="seeds must be a whole number from 1 to 5"):
        explorer.set(seeds=6)
    with pytest.raises(ValueError, match="epochs must be a whole number from 1 to 100"):
        explorer.set(epochs=0)
    with pytest.raises(ValueError, match="settings: preset, epochs, seeds, reading"):
        explorer.set(units=3)
    with pytest.raises(ValueError, match="choose one of: text, keras2"):
        explorer.set(reading="keras3")
    assert explorer.settings["preset"] == "VII"  # nothing changed


def test_noise_slider_redraws(images):
    x, _ = images
    model = ae.conv_autoencoder(seed=0)
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
