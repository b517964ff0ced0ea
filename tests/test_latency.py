"""bench.latency: inference time of a model in memory, against a real-time budget.

The models are notebook 11's pyramid MLPs (its ``%%writefile timed_code.py`` cell).
"""


import numpy as np
import pytest

import neurona  # noqa: F401  (quiets TensorFlow's start-up)
from neurona import bench


def test_latency_rows_per_size_with_the_budget(timed):
    model = timed.pyramid((32,))
    inputs = np.random.default_rng(0).random((10, 50), dtype=np.float32)
    results = bench.latency(model, inputs, samples=(2, 64), repeats=2, budget_s=10.0, label="tiny")
    frame = results.frame
    assert list(frame["samples"]) == [2, 64]
    assert list(frame["label"]) == ["tiny · infer 2", "tiny · infer 64"]
    assert frame["within_budget"].all() and (frame["median_s"] > 0).all()
    assert (frame["min_s"] <= frame["median_s"]).all()
    assert (frame["median_s"] <= frame["max_s"]).all()
    assert set(frame["parameters"]) == {model.count_params()}


def test_latency_rejects_bad_input(timed):
    model = timed.pyramid((8,))
    with pytest.raises(ValueError, match=r"samples\[0\] must be a whole number >= 1"):
        bench.latency(model, np.zeros((2, 50)), samples=(0,))
    with pytest.raises(ValueError, match="repeats must be a whole number >= 1"):
        bench.latency(model, np.zeros((2, 50)), repeats=0)
    with pytest.raises(ValueError, match="inputs must be a non-empty batch"):
        bench.latency(model, np.zeros(50))
