"""How much arithmetic a model does: floating-point operations per sample, by layer.

A multiply-add counts as 2 operations (FLOPs), as peak figures count them:

- Dense ``in -> out``: ``2 * in * out`` per sample per forward pass (the bias add and the
  activation are a rounding error beside it and are left out);
- Conv2D with a ``kh x kw`` kernel, ``c_in -> c_out`` channels and an ``h x w`` output map:
  ``2 * kh * kw * (c_in / groups) * c_out * h * w``;
- a training step costs about 3 forward passes: the forward pass itself, then the gradient
  with respect to the inputs and the gradient with respect to the weights, each as large.

Pooling, activations, dropout and normalisation move memory more than they compute and are
not counted; a model whose time goes there (tiny layers) reaches a low share of peak FLOP/s,
which is itself the lesson.
"""

from __future__ import annotations

import math

from neurona.i18n import _

__all__ = [
    "layer_flops",
    "forward_flops",
    "training_flops",
    "flops_table",
]

#: A training step's FLOPs per forward pass's (forward + two backward products).
TRAINING_FACTOR = 3


def layer_flops(layer) -> int:
    """Forward FLOPs per sample of one Keras layer (0 for layers that are not counted).

    Examples
    --------
    >>> import keras
    >>> layer = keras.layers.Dense(10)
    >>> layer.build((None, 784))
    >>> layer_flops(layer)
    15680
    """
    kind = type(layer).__name__
    if kind == "Dense":
        fan_in = int(layer.kernel.shape[0])
        try:  # a Dense layer on (steps, features) inputs works at every step
            positions = math.prod(int(d) for d in layer.output.shape[1:-1])
        except (AttributeError, ValueError):  # built alone, without keras.Input: flat inputs
            positions = 1
        return 2 * fan_in * int(layer.units) * positions
    if kind in ("Conv2D", "Conv1D", "Conv3D"):
        kernel = layer.kernel.shape  # (*window, c_in / groups, c_out)
        try:
            output = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            raise ValueError(
                _("layer {name!r} has no output shape yet: count FLOPs of a model built "
                  "with keras.Input").format(name=layer.name)
            ) from None
        channels_last = getattr(layer, "data_format", "channels_last") == "channels_last"
        spatial = output[1:-1] if channels_last else output[2:]
        return 2 * math.prod(int(k) for k in kernel) * math.prod(int(s) for s in spatial)
    return 0


def forward_flops(model) -> int:
    """Forward-pass FLOPs per sample of a built model (sum over its counted layers)."""
    total = 0
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:  # a nested model
            total += forward_flops(layer)
        else:
            total += layer_flops(layer)
    return total


def training_flops(model, samples: int = 1) -> int:
    """FLOPs of training on ``samples`` samples: :data:`TRAINING_FACTOR` forward passes each."""
    return TRAINING_FACTOR * forward_flops(model) * int(samples)


def flops_table(model):
    """Return a DataFrame of each layer's output shape, parameters and forward FLOPs per sample.

    Its headers (and the last row's name, total) are in the kit's language.
    """
    import pandas as pd

    layer, kind, shape = _("layer"), _("type"), _("output shape")
    parameters, flops = _("parameters"), _("forward FLOPs")
    rows = [
        {
            layer: item.name,
            kind: type(item).__name__,
            shape: str(tuple(item.output.shape[1:])),
            parameters: int(item.count_params()),
            flops: layer_flops(item),
        }
        for item in model.layers
    ]
    frame = pd.DataFrame(rows).set_index(layer)
    frame.loc[_("total")] = ["", "", int(frame[parameters].sum()), int(frame[flops].sum())]
    return frame
