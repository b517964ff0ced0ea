"""Convolution arithmetic against Keras, and the parameter counts of notebook 08's own networks."""

import itertools
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

import neurona as nr
from neurona import cnn
from neurona.parameters import parameter_table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_code import run_cells, written_module  # noqa: E402


def notebook_08(cell_ids, **names):
    """Run notebook 08's cells ``cell_ids`` with what its earlier cells define; return the names."""
    pixels = np.random.default_rng(0).random((8, 28, 28, 1)).astype("float32")
    namespace = {"nr": nr, "keras": keras, "np": np, "SEED": 0, "x_train": pixels,
                 "display": lambda *args, **kwargs: None, **names}
    return run_cells("08", cell_ids, namespace)


@pytest.fixture
def cnn_code(tmp_path, monkeypatch):
    """Notebook 08's ``cnn_code.py`` written in a folder that becomes the working directory.

    Cell 08-033b writes the file; cell 08-033c imports it from the working directory, as in a run.
    """
    monkeypatch.chdir(tmp_path)
    return written_module("08", "cnn_code.py", tmp_path)


@pytest.fixture(scope="module")
def vgg16_cells():
    """Notebook 08's section 7: VGG16 counted by formula, built by hand, compared with Keras's."""
    found = notebook_08(["08-048", "08-048a"])
    if not found["VGG_FITS"]:
        pytest.skip("not enough free memory to build VGG16 (the notebook skips it too)")
    yield found
    found.clear()
    keras.backend.clear_session()


# -- the output-size formula -------------------------------------------------------------------


@pytest.mark.parametrize("padding", ["valid", "same", 0, 1, 2, 3])
def test_output_size_matches_keras_on_a_grid(padding):
    for n, k, s in itertools.product((5, 7, 12, 28, 32), (1, 2, 3, 5, 7), (1, 2, 3)):
        p = 0 if isinstance(padding, str) else padding
        if k > n + 2 * p:
            continue
        ours = cnn.conv_output_size(n, k, padding, s)
        layers = [] if isinstance(padding, str) else [keras.layers.ZeroPadding2D(padding)]
        layers.append(keras.layers.Conv2D(1, k, strides=s,
                                          padding=padding if isinstance(padding, str)
                                          else "valid"))
        shape = (1, n, n, 1)
        for layer in layers:
            shape = layer.compute_output_shape(shape)
        assert ours == shape[1], (n, k, padding, s)


def test_output_size_of_a_real_layer_call():
    x = np.zeros((1, 28, 28, 1), "float32")
    for padding, s in (("valid", 2), ("same", 3)):
        y = keras.layers.Conv2D(2, 5, strides=s, padding=padding)(x)
        assert y.shape[1] == cnn.conv_output_size(28, 5, padding, s)


@pytest.mark.parametrize("args, message", [
    ((4, 5), "does not fit"),
    ((28, 3, "full"), "padding must be one of valid, same"),
    ((28, 3, -1), "padding must be a whole number >= 0"),
    ((28, 3, "valid", 0), "stride"),
    ((0, 3), "n must be a whole number >= 1 (the input size)"),
])
def test_output_size_errors_say_what_is_allowed(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cnn.conv_output_size(*args)


# -- convolution and pooling in NumPy vs Keras -------------------------------------------------


def _keras_conv(image, kernel, padding, stride):
    layers = []
    if not isinstance(padding, str):
        layers.append(keras.layers.ZeroPadding2D(padding))
        padding = "valid"
    conv = keras.layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    model = keras.Sequential([keras.Input(image.shape + (1,)), *layers, conv])
    conv.set_weights([kernel[:, :, None, None].astype("float32")])
    return model(image[None, :, :, None].astype("float32")).numpy()[0, :, :, 0]


def test_convolve2d_equals_keras_conv2d():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(11, 11))
    for k, padding, stride in [(3, "valid", 1), (3, "same", 1), (5, "same", 2), (3, "same", 3),
                               (2, "same", 1), (4, "valid", 3), (3, 1, 2), (5, 2, 1)]:
        kernel = rng.normal(size=(k, k))
        ours = cnn.convolve2d(image, kernel, padding, stride)
        np.testing.assert_allclose(ours, _keras_conv(image, kernel, padding, stride),
                                   rtol=1e-4, atol=1e-4, err_msg=f"{k} {padding} {stride}")


def test_convolution_steps_build_the_full_output():
    image, kernel = np.arange(25.0).reshape(5, 5), cnn.KERNELS["sharpen"]
    steps = list(cnn.convolution_steps(image, kernel, "same", 2))
    assert len(steps) == 9 and [s.index for s in steps] == list(range(9))
    assert np.isnan(steps[3].output).sum() == 5
    np.testing.assert_allclose(steps[-1].output, cnn.convolve2d(image, kernel, "same", 2))
    step = steps[4]
    assert (step.row, step.col, step.top, step.left) == (1, 1, 2, 2)
    assert step.value == pytest.approx(float(np.sum(step.window * kernel)))


@pytest.mark.parametrize("mode, layer", [("max", keras.layers.MaxPooling2D),
                                         ("average", keras.layers.AveragePooling2D)])
@pytest.mark.parametrize("size, stride, padding", [(2, None, "valid"), (3, 2, "valid"),
                                                   (2, None, "same"), (3, 2, "same")])
def test_pool2d_equals_keras(mode, layer, size, stride, padding):
    x = np.random.default_rng(1).normal(size=(7, 7))
    expected = layer(size, strides=stride, padding=padding)(x[None, :, :, None].astype("float32"))
    np.testing.assert_allclose(cnn.pool2d(x, size, stride, mode, padding),
                               np.asarray(expected)[0, :, :, 0], rtol=1e-5, atol=1e-6)


def test_book_seven_pools_to_different_numbers():
    top_max, top_mean = cnn.pool2d(cnn.BOOK_SEVEN, 2), cnn.pool2d(cnn.BOOK_SEVEN, 2,
                                                                  mode="average")
    assert top_max.shape == top_mean.shape == (3, 3)
    assert top_max[0, 0] == 8 and top_mean[0, 0] == pytest.approx(9 / 4)
    assert np.all(top_max >= top_mean)


def test_kernels_are_three_by_three():
    assert {"sharpen", "Gaussian blur", "Laplacian edge", "identity", "emboss"} <= set(cnn.KERNELS)
    assert all(k.shape == (3, 3) for k in cnn.KERNELS.values())
    assert cnn.KERNELS["Gaussian blur"].sum() == pytest.approx(1.0)


def test_parse_kernel_reads_rows_and_fractions():
    np.testing.assert_array_equal(cnn.parse_kernel("0 -1 0; -1 5 -1; 0 -1 0"),
                                  cnn.KERNELS["sharpen"])
    np.testing.assert_allclose(cnn.parse_kernel("1/9,1/9,1/9\n1/9 1/9 1/9\n1/9 1/9 1/9"),
                               cnn.KERNELS["blur (box)"])
    assert cnn.parse_kernel("2").shape == (1, 1)


@pytest.mark.parametrize("text, message", [
    ("", "type a kernel"),
    ("1 2; 3 4", "odd"),
    ("1 2 3; 4 5 6", "square"),
    ("1 2 3; 4 5; 6 7 8", "same number of values"),
    ("1 x 3; 1 1 1; 1 1 1", "cannot read 'x'"),
    ("1/0", "cannot read"),
    ("; ".join(["1 " * 9] * 9), "odd, from 1 to 7"),
])
def test_parse_kernel_errors(text, message):
    with pytest.raises(ValueError, match=message):
        cnn.parse_kernel(text)


# -- the notebook's networks: parameters by hand vs Keras ---------------------------------------


@pytest.mark.parametrize("cells, name, hand, total", [
    (["08-025"], "book",
     (5 * 5 * 1 * 32 + 32) + (5 * 5 * 32 * 64 + 64) + (4 * 4 * 64 * 10 + 10), 62_346),
    (["08-031"], "lenet",
     (5 * 5 * 6 + 6) + (5 * 5 * 6 * 16 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10),
     61_706),
    (["08-033", "08-033c"], "fast_cnn",
     (9 * 32 + 32) + (9 * 32 * 64 + 64) + (5 * 5 * 64 * 256 + 256) + (256 * 10 + 10), 431_242),
    (["08-033", "08-033c", "08-039"], "dense",
     784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10, 266_610),
], ids=["book CNN", "LeNet-5", "fast CNN", "Dense"])
def test_the_notebooks_networks_have_the_parameters_it_counts(cells, name, hand, total, cnn_code):
    found = notebook_08(cells)[name]
    model = found if isinstance(found, keras.Model) else found()   # the fast CNN is a builder
    assert model.count_params() == hand == total
    table = parameter_table(model)
    assert table["agree"].all() and table.iloc[-1]["by hand"] == hand


def test_the_notebooks_vgg16_equals_keras_applications(vgg16_cells):
    by_hand, ours, theirs = (vgg16_cells[name] for name in ("vgg_by_hand", "ours", "theirs"))
    assert vgg16_cells["by_formula"] == by_hand.count_params() == 138_357_544
    assert sum(theirs.values()) == 138_357_544
    assert ours == {name: n for name, n in theirs.items() if name in ours}
    left = set(theirs) - set(ours)                 # Keras's input layer, which has no weights
    assert len(left) == 1 and theirs[left.pop()] == 0
    assert parameter_table(by_hand)["agree"].all()
    assert by_hand.get_layer("block5_conv3").count_params() == 3 * 3 * 512 * 512 + 512


def test_vgg16_activation_memory(vgg16_cells):
    by_hand = vgg16_cells["vgg_by_hand"]
    table = cnn.activation_memory(by_hand)
    total = table.iloc[-1]
    assert total["values"] == pytest.approx(15.26e6, rel=0.01)
    assert total["MB"] == pytest.approx(61.05, rel=0.01)
    assert total["multiply-adds"] == pytest.approx(15.47e9, rel=0.01)
    assert table.attrs["parameters"] == 138_357_544
    estimate = cnn.training_memory_estimate(by_hand, 32)
    assert estimate["weights"] == pytest.approx(0.5534, rel=1e-3)
    assert estimate["optimizer state"] == pytest.approx(2 * estimate["weights"])
    assert estimate["total"] == pytest.approx(sum(estimate.drop("total")))


def test_activation_memory_of_a_tiny_model_by_hand():
    model = keras.Sequential([
        keras.Input((6, 6, 1)),
        keras.layers.Conv2D(2, 3),         # (4, 4, 2): 32 values, 16 * 2 * 9 = 288 mult-adds
        keras.layers.MaxPooling2D(2),      # (2, 2, 2): 8 values
        keras.layers.Flatten(),            # 8 values
        keras.layers.Dense(3),             # 3 values, 8 * 3 = 24 mult-adds
    ])
    table = cnn.activation_memory(model, batch_size=2, bytes_per_value=4)
    assert table["values"].tolist() == [72, 64, 16, 16, 6, 174]
    assert table["multiply-adds"].tolist() == [0, 576, 0, 0, 48, 624]
    assert table.iloc[-1]["MB"] == pytest.approx(174 * 4 / 1e6)
    assert table.attrs["parameters"] == 2 * 9 + 2 + 8 * 3 + 3
    without = cnn.activation_memory(model, include_input=False)
    assert without.iloc[-1]["values"] == 32 + 8 + 8 + 3
    estimate = cnn.training_memory_estimate(model, 2, optimizer="sgd")
    assert estimate["optimizer state"] == 0
    assert estimate["activations (backward)"] == pytest.approx(174 * 4 / 1e9)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        cnn.training_memory_estimate(model, 2, optimizer="lion")


# -- the number format "auto" picks --------------------------------------------------------------


@pytest.fixture
def machine(monkeypatch):
    """Pretend to be a machine: where Keras computes, its backend, whether the CPU has bf16."""
    from neurona import hardware

    def pretend(device="CPU: test", backend="tensorflow", bf16=True):
        monkeypatch.setattr(hardware, "compute_device", lambda refresh=False: device)
        monkeypatch.setattr(hardware, "keras_backend", lambda: (backend, "a test"))
        monkeypatch.setattr(hardware, "cpu_has_bf16", lambda: bf16)

    return pretend


@pytest.mark.parametrize("device, backend, bf16, policy, reason", [
    ("CPU: test", "tensorflow", True, "mixed_bfloat16", "multiplies bfloat16 in hardware"),
    ("CPU: test", "tensorflow", False, "float32", "no bfloat16 instructions"),
    ("CPU: test", "jax", True, "float32", "Keras runs on JAX here, whose CPU convolutions in "
                                          "bfloat16 are slower than in float32"),
    ("CPU: test", "jax", False, "float32", "no bfloat16 instructions"),
    ("CPU: test", "torch", True, "float32", "Keras runs on torch here"),
    ("GPU: NVIDIA T4", "tensorflow", True, "float32", "computing on GPU: NVIDIA T4"),
    ("GPU: NVIDIA T4", "jax", True, "float32", "computing on GPU: NVIDIA T4"),
])
def test_auto_precision_picks_bfloat16_only_where_it_pays(machine, device, backend, bf16,
                                                          policy, reason):
    machine(device, backend, bf16)
    chosen, why = cnn.choose_precision()
    assert chosen == policy
    assert why.startswith(policy.replace("mixed_bfloat16", "mixed bfloat16"))
    assert reason in why


def test_the_notebooks_fast_cnn_computes_in_the_chosen_policy(machine, cnn_code):
    machine(backend="jax", bf16=True)
    found = notebook_08(["08-033", "08-033c"])
    assert found["policy"] == "float32"
    assert {layer.dtype_policy.name for layer in found["fast_cnn"]().layers} == {"float32"}
    machine(backend="tensorflow", bf16=True)
    found = notebook_08(["08-033", "08-033c"])
    assert found["policy"] == "mixed_bfloat16"
    model = found["fast_cnn"]()
    assert model.layers[0].dtype_policy.name == "float32"     # standardising, in full precision
    assert model.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert model.layers[-1].dtype_policy.name == "float32"   # the probabilities stay float32
    found["policy"] = "float32"                               # a student overruling the choice
    assert {layer.dtype_policy.name for layer in found["fast_cnn"]().layers} == {"float32"}


def test_the_notebooks_pipeline_gives_every_image_once_per_epoch_in_a_new_order(cnn_code):
    x = np.arange(10, dtype="float32").reshape(10, 1, 1, 1) * np.ones((10, 28, 28, 1), "float32")
    y = np.arange(10)
    pipeline = cnn_code.batches(x, y, 4, seed=1)
    epochs = [[(xb.numpy()[:, 0, 0, 0], yb.numpy()) for xb, yb in pipeline] for _ in range(2)]
    for batches in epochs:
        assert [len(yb) for _, yb in batches] == [4, 4, 2]
        assert all(np.array_equal(xb, yb) for xb, yb in batches)   # each image keeps its label
        assert sorted(np.concatenate([yb for _, yb in batches])) == list(range(10))
    orders = [np.concatenate([yb for _, yb in batches]) for batches in epochs]
    assert not np.array_equal(*orders)                             # shuffled anew each epoch
    again = np.concatenate([yb.numpy() for _, yb in cnn_code.batches(x, y, 4, seed=1)])
    assert np.array_equal(again, orders[0])                        # the seed fixes the order
    assert not pipeline.options().autotune.enabled


def test_the_fast_cnn_standardises_its_input(cnn_code):
    model = cnn_code.fast_cnn("float32", mean=0.5, std=0.25)
    first = keras.Model(model.inputs[0], model.layers[0].output)
    out = keras.ops.convert_to_numpy(first(np.full((1, 28, 28, 1), 0.75, "float32")))
    assert np.allclose(out, 1.0, atol=1e-3)
