"""Parameter counts worked by hand beside Keras's count_params(), for the course's models."""

import numpy as np
import pytest

from neurona.parameters import (
    COLUMNS,
    count_conv2d,
    count_dense,
    explain_parameters,
    parameter_table,
)

keras = pytest.importorskip("keras")
layers = keras.layers


def _total(table):
    total = table.iloc[-1]
    assert total["layer"] == "total"
    return int(total["by hand"]), int(total["Keras count_params()"])


def _all_agree(table):
    return bool(table["agree"].all())


def test_book_first_network_7960():
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(10, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ])
    table = parameter_table(model)
    assert list(table.columns) == list(COLUMNS)
    assert list(table["formula"][:2]) == ["784 × 10 + 10", "10 × 10 + 10"]
    assert list(table["by hand"][:2]) == [7850, 110]
    assert _total(table) == (7960, 7960) and _all_agree(table)
    assert table["input shape"][0] == "(None, 784)"
    assert table["output shape"][1] == "(None, 10)"
    assert count_dense([784, 10, 10]) == 7960


def test_book_wider_network_407050():
    model = keras.Sequential([
        keras.Input(shape=(784,)), layers.Dense(512, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    assert _total(parameter_table(model)) == (407_050, 407_050)
    assert count_dense([784, 512, 10]) == 407_050


def test_book_cnn_62346():
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, (5, 5), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (5, 5), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    table = parameter_table(model)
    assert table["formula"][0] == "(5 × 5 × 1) × 32 + 32"
    assert table["formula"][2] == "(5 × 5 × 32) × 64 + 64"
    assert list(table["formula"][[1, 3, 4]]) == ["0", "0", "0"]
    assert table["formula"][5] == "1024 × 10 + 10"
    assert _total(table) == (62_346, 62_346) and _all_agree(table)
    assert count_conv2d(5, 1, 32) == 832 and count_conv2d((5, 5), 32, 64) == 51_264


def test_thesis_fashion_mlp_266610():
    model = keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(),
        layers.Dense(300, activation="relu"), layers.Dense(100, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    table = parameter_table(model)
    assert table["output shape"][0] == "(None, 784)"
    assert _total(table) == (266_610, 266_610) and _all_agree(table)


def test_batchnorm_dropout_and_no_bias():
    model = keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(64, 3, use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.5),
        layers.Dense(10),
        layers.BatchNormalization(center=False),
    ])
    table = parameter_table(model).set_index("layer")
    rows = table.reset_index()
    assert rows["formula"][0] == "(3 × 3 × 3) × 64"
    assert rows["formula"][1] == "4 × 64 (γ, β, moving mean, moving variance)"
    assert rows["by hand"][1] == 256
    assert list(rows["formula"][2:5]) == ["0", "0", "0"]
    assert rows["formula"][6] == "3 × 10 (γ, moving mean, moving variance)"
    assert _all_agree(rows) and _total(rows)[0] == 1728 + 256 + 650 + 30


def test_unknown_layers_fall_back_to_keras():
    model = keras.Sequential([
        keras.Input(shape=(20,)), layers.Embedding(1000, 8), layers.GlobalAveragePooling1D(),
        layers.Dense(1),
    ])
    table = parameter_table(model)
    assert table["formula"][0] == "from count_params()" and table["by hand"][0] == 8000
    assert _total(table) == (8009, 8009)


def test_pyramid_formula_matches_keras():
    sizes = [50, 400, 200, 100, 1]  # a pyramid MLP of the heterogeneous-hardware thesis
    model = keras.Sequential(
        [keras.Input(shape=(sizes[0],))] + [layers.Dense(c) for c in sizes[1:]]
    )
    assert count_dense(sizes) == 50 * 400 + 400 + 400 * 200 + 200 + 200 * 100 + 100 + 100 + 1
    assert _total(parameter_table(model)) == (count_dense(sizes), model.count_params())


def test_vgg16_138357544():
    model = keras.applications.VGG16(weights=None)
    table = parameter_table(model)
    assert _total(table) == (138_357_544, 138_357_544)
    assert _all_agree(table)
    assert "from count_params()" not in set(table["formula"])
    assert table["formula"][1] == "(3 × 3 × 3) × 64 + 64"
    assert table["formula"].iloc[-2] == "4096 × 1000 + 1000"


def test_unbuilt_model_raises_a_clear_error():
    model = keras.Sequential([layers.Dense(10)])
    with pytest.raises(ValueError, match=r"keras\.Input\(shape="):
        parameter_table(model)
    with pytest.raises(TypeError, match="Keras model"):
        parameter_table("not a model")


def test_model_build_also_counts():
    model = keras.Sequential([layers.Dense(10)])
    model.build((None, 784))
    assert _total(parameter_table(model)) == (7850, 7850)


def test_explain_parameters_shows_html():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3)])
    table = explain_parameters(model)
    html = table._repr_html_()
    assert "4 × 3 + 3" in html and "✓" in html and "total" in html
    assert int(table["by hand"].sum()) == 2 * 15  # layer row + total row
    assert type(table[["layer"]]).__name__ == "DataFrame"


@pytest.mark.parametrize("bad", [[784], [784, 0], "784,10", [784, 2.5]])
def test_count_dense_rejects_bad_sizes(bad):
    with pytest.raises((ValueError, TypeError)):
        count_dense(bad)


def test_count_conv2d_checks_arguments():
    assert count_conv2d(5, 1, 20) == 520
    assert count_conv2d(np.int64(3), 3, 8, bias=False) == 216
    with pytest.raises(ValueError, match="kernel"):
        count_conv2d((3, 3, 3), 1, 8)
    with pytest.raises(ValueError, match="filters"):
        count_conv2d(3, 1, 0)


def _notebook_models():
    """The Keras architectures the notebooks build (00, 02, 04, 05, 06)."""
    import keras

    def dense(*units, inputs=(28, 28), activation="relu", extra=()):
        layers = [keras.Input(inputs), *extra, keras.layers.Flatten()]
        layers += [keras.layers.Dense(n, activation=activation) for n in units]
        return keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])

    augment = [
        keras.layers.RandomTranslation(0.1, 0.1),
        keras.layers.RandomRotation(0.05),
        keras.layers.RandomZoom(0.1),
    ]
    return {
        "00 first model": dense(128),
        "03 circles in keras": keras.Sequential([
            keras.Input((2,)), keras.layers.Dense(4, activation="sigmoid"),
            keras.layers.Dense(1, activation="sigmoid")]),
        "05 book 784-10-10": dense(10, activation="sigmoid"),
        "05 book 784-512-10": dense(512),
        "05 thesis 300-100-10": dense(300, 100),
        "05 softmax only": dense(),
        "07 baseline 2x256": dense(256, 256),
        "07 dropout": keras.Sequential([
            keras.Input((28, 28)), keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(0.4), keras.layers.Dense(256, activation="relu"),
            keras.layers.Dropout(0.4), keras.layers.Dense(10, activation="softmax")]),
        "07 augmentation": dense(256, 256, extra=augment),
        "06 optimizers 2x128": dense(128, 128),
        "06 clipping 3x128": dense(128, 128, 128),
        "06 batch norm 8x100": _deep_batch_norm(keras),
    }


def _deep_batch_norm(keras):
    layers = [keras.Input((28, 28)), keras.layers.Flatten()]
    for _ in range(8):
        layers += [keras.layers.Dense(100, use_bias=False), keras.layers.BatchNormalization(),
                   keras.layers.Activation("sigmoid")]
    return keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])


def test_the_hand_count_agrees_for_every_notebook_model():
    for name, model in _notebook_models().items():
        table = parameter_table(model)
        assert table["agree"].all(), f"{name}:\n{table}"
        assert table.iloc[-1]["by hand"] == model.count_params(), name
