"""The models the performance lab times, sized by a few numbers, as the sources sized theirs.

- ``mlp``: the MLP of the Theano/TensorFlow/Keras study (2017): ``hidden_layers`` x ``units``, He
  initialisation, ReLU, softmax over 7 classes, 9 inputs (the Statlog Shuttle data's shape).
- ``pyramid``: the regressors of Martín López (2019): 50 inputs, the
  hidden ``widths`` (e.g. ``(800, 400, 208)``), ReLU, one linear output, MSE.
- ``lenet``: the 2017 study's LeNet-style CNN on CIFAR-10-shaped inputs (32x32x3):
  ``conv_layers`` (1 or 2) 5x5 valid convolutions with ``3 * maps`` filters (``maps`` per
  colour channel), ReLU, 2x2 max-pool, then Dense 120-84-10.
- ``cnn``: notebook 07's Fashion-MNIST recipe (28x28x1).
- ``dense``: notebook 07's Dense network on the same images, 784-300-100-10 (266,610
  parameters, about as many as ``cnn``), to time a dense and a convolutional network of one
  size side by side.

Each entry builds a Keras model once Keras is imported in the child process, and makes random
inputs of the right shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neurona.validate import whole_number


@dataclass(frozen=True)
class ZooModel:
    """A model family of the zoo: its size arguments and how to build it."""

    name: str
    defaults: dict[str, Any]
    input_shape: Callable[[dict[str, Any]], tuple[int, ...]]
    outputs: Callable[[dict[str, Any]], int]
    layers: Callable[[Any, dict[str, Any]], list]
    loss: str
    describe_args: Callable[[dict[str, Any]], str]
    limits: dict[str, tuple[int, int]]
    whole_model: Callable[[], Any] | None = None  # builds the model itself, ignoring ``layers``

    def args(self, given: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the defaults updated with ``given`` (checked)."""
        self.check(given or {})
        return {**self.defaults, **(given or {})}

    def check(self, given: dict[str, Any]) -> None:
        """Raise ValueError for an unknown size argument or a value out of range."""
        for key, value in given.items():
            if key not in self.defaults:
                known = ", ".join(self.defaults)
                raise ValueError(
                    f"model {self.name!r} has no argument {key!r}; its arguments: {known}"
                )
            if key == "widths":
                if not isinstance(value, (list, tuple)) or not value:
                    raise ValueError(
                        f"widths must be a non-empty list of layer widths; got {value!r}"
                    )
                for width in value:
                    whole_number("a width", width, 1, 100_000)
                continue
            low, high = self.limits[key]
            whole_number(key, value, low, high)

    def describe(self, given: dict[str, Any]) -> str:
        """Return a short name such as ``"mlp 4x400"``."""
        return f"{self.name} {self.describe_args(self.args(given))}"

    def build(self, keras, given: dict[str, Any] | None = None):
        """Return the uncompiled Keras model (call only where Keras is imported)."""
        args = self.args(given)
        if self.whole_model is not None:
            return self.whole_model()
        return keras.Sequential(
            [keras.Input(self.input_shape(args)), *self.layers(keras, args)], name=self.name
        )

    def make_data(self, n: int, seed: int = 0, given: dict[str, Any] | None = None):
        """Return ``(x, y)``: ``n`` random inputs and targets of the right shapes."""
        import numpy as np

        args = self.args(given)
        rng = np.random.default_rng(seed)
        x = rng.random((n, *self.input_shape(args)), dtype=np.float32)
        if self.loss == "mse":
            y = rng.normal(size=(n, 1)).astype("float32")
        else:
            y = rng.integers(0, self.outputs(args), size=n)
        return x, y


def _mlp_layers(keras, a):
    hidden = [
        keras.layers.Dense(a["units"], activation="relu", kernel_initializer="he_normal")
        for _ in range(a["hidden_layers"])
    ]
    return [*hidden, keras.layers.Dense(a["classes"], activation="softmax")]


def _pyramid_layers(keras, a):
    hidden = [keras.layers.Dense(width, activation="relu") for width in a["widths"]]
    return [*hidden, keras.layers.Dense(1)]  # linear, as in Martín López (2019)


def _lenet_layers(keras, a):
    layers = []
    for _ in range(a["conv_layers"]):
        layers += [
            keras.layers.Conv2D(3 * a["maps"], 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
        ]
    return [
        *layers,
        keras.layers.Flatten(),
        keras.layers.Dense(120, activation="relu"),
        keras.layers.Dense(84, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]


def _fast_cnn():
    import keras

    from neurona.cnn import PRECISIONS, fast_cnn

    # The configuration's dtype (set as Keras's global policy in the child) decides, not "auto".
    policy = keras.mixed_precision.global_policy().name
    return fast_cnn(precision=policy if policy in PRECISIONS else "float32")


def _dense_baseline():
    from neurona.cnn import dense_baseline

    return dense_baseline()  # follows the global policy the child set, as every layer does


ZOO: dict[str, ZooModel] = {
    "mlp": ZooModel(
        name="mlp",
        defaults={"hidden_layers": 2, "units": 100, "inputs": 9, "classes": 7},
        input_shape=lambda a: (a["inputs"],),
        outputs=lambda a: a["classes"],
        layers=_mlp_layers,
        loss="sparse_categorical_crossentropy",
        describe_args=lambda a: f"{a['hidden_layers']}x{a['units']}",
        limits={"hidden_layers": (0, 64), "units": (1, 65_536), "inputs": (1, 1_000_000),
                "classes": (2, 100_000)},
    ),
    "pyramid": ZooModel(
        name="pyramid",
        defaults={"widths": (1600,), "inputs": 50},
        input_shape=lambda a: (a["inputs"],),
        outputs=lambda a: 1,
        layers=_pyramid_layers,
        loss="mse",
        describe_args=lambda a: "-".join(str(w) for w in a["widths"]),
        limits={"inputs": (1, 1_000_000)},
    ),
    "lenet": ZooModel(
        name="lenet",
        defaults={"conv_layers": 1, "maps": 2},
        input_shape=lambda a: (32, 32, 3),
        outputs=lambda a: 10,
        layers=_lenet_layers,
        loss="sparse_categorical_crossentropy",
        describe_args=lambda a: f"{a['conv_layers']} conv x {a['maps']} maps/colour",
        limits={"conv_layers": (1, 2), "maps": (1, 256)},
    ),
    "cnn": ZooModel(
        name="cnn",
        defaults={},
        input_shape=lambda a: (28, 28, 1),
        outputs=lambda a: 10,
        layers=lambda keras, a: [],
        loss="sparse_categorical_crossentropy",
        describe_args=lambda a: "(notebook 07)",
        limits={},
        whole_model=_fast_cnn,
    ),
    "dense": ZooModel(
        name="dense",
        defaults={},
        input_shape=lambda a: (28, 28, 1),
        outputs=lambda a: 10,
        layers=lambda keras, a: [],
        loss="sparse_categorical_crossentropy",
        describe_args=lambda a: "784-300-100 (notebook 07)",
        limits={},
        whole_model=_dense_baseline,
    ),
}


def pyramid_parameters(widths, inputs: int = 50) -> int:
    """Parameters of a pyramid MLP by Martín López (2019)'s formula ``sum((c_i + 1) * c_(i+1))``.

    Examples
    --------
    >>> pyramid_parameters((800, 400, 208))
    444817
    """
    from neurona.parameters import count_dense

    return count_dense([inputs, *widths, 1])
