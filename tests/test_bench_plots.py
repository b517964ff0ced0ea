"""The performance lab's pictures draw ours beside the sources' numbers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from neurona import bench  # noqa: E402
from neurona.bench import laws  # noqa: E402
from neurona.plots import performance as perf  # noqa: E402
from neurona.reference import reference_table  # noqa: E402


def rows(**columns):
    n = len(next(iter(columns.values())))
    base = {"ok": [True] * n, "label": ["mlp 4x400 · train"] * n, "device_read": ["CPU"] * n}
    return bench.Results(pd.DataFrame({**base, **columns}).to_dict("records"))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_thread_scaling_draws_measured_ideal_and_amdahl():
    results = rows(threads=[1, 2, 4], speedup=[1.0, 1.8, 2.9], efficiency=[1.0, 0.9, 0.725])
    ax = perf.plot_thread_scaling(results, reference={"threads": 8, "speedup": 1.81})
    labels = [line.get_label() for line in ax.get_lines()]
    assert "measured speed-up" in labels
    assert any(label.startswith("Amdahl, parallel") for label in labels)
    measured = ax.get_lines()[1]
    assert list(measured.get_ydata()) == [1.0, 1.8, 2.9]


def test_a_speedup_heatmap_writes_every_number():
    table = reference_table("framework_gpu_speedup_mlp").set_index("net")
    table = table[["u25", "u50", "u100", "u200"]]
    ax = perf.plot_speedup_heatmap(table, title="2017 study")
    assert len(ax.texts) == table.size
    assert "1128.0" in [t.get_text() for t in ax.texts]


def test_time_vs_parameters_and_batch_with_references():
    sizes = rows(parameters=[1e3, 1e4, 1e5], per_epoch_s=[0.1, 0.2, 0.9])
    reference = reference_table("heterogeneous_mlp_training")
    ax = perf.plot_time_vs_parameters(sizes, reference=reference)
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 1 + 5
    batch = rows(batch_size=[8, 32, 128], per_epoch_s=[4.0, 1.5, 0.8])
    ax = perf.plot_time_vs_batch(batch, reference=reference_table("heterogeneous_cnn_batch"))
    assert list(ax.get_lines()[0].get_xdata()) == [8, 32, 128]


def test_latency_against_the_budget_and_share_of_peak():
    results = rows(samples=[2, 64, 512, 1024], median_s=[0.001, 0.002, 0.01, 0.02],
                   achieved_gflops=[1.0, 10.0, 50.0, 80.0])
    ax = perf.plot_inference_latency(results, budget_s=1.0)
    assert any("real-time budget: 1 s" in line.get_label() for line in ax.get_lines())
    bench.add_share_of_peak(results, 400.0)
    assert [r["percent_of_peak"] for r in results.rows] == [0.25, 2.5, 12.5, 20.0]
    ax = perf.plot_share_of_peak(results)
    assert len(ax.patches) == 4
    with pytest.raises(ValueError, match="peak_gflops must be a finite number > 0"):
        bench.add_share_of_peak(results, 0)


def test_nothing_to_draw_is_a_clear_error():
    failed = bench.Results([{"ok": False, "label": "x", "error": "no GPU"}])
    with pytest.raises(ValueError, match="no row ran"):
        perf.plot_inference_latency(failed)


def test_scaling_laws():
    assert laws.amdahl_speedup(1.0, 8) == 8
    assert laws.amdahl_speedup(0.0, 8) == 1
    assert np.allclose(laws.gustafson_speedup(0.0, [1, 4]), [1, 4])
    assert laws.fit_parallel_fraction([1, 2], [1.0, 0.5]) == 0.0  # slower with 2: no gain
    with pytest.raises(ValueError, match="fraction must be a number from 0 to 1 \\(a share\\)"):
        laws.amdahl_speedup(1.5, 2)
    with pytest.raises(ValueError, match="at least one run with more than one thread"):
        laws.fit_parallel_fraction([1, 1], [1.0, 1.0])
    ax = perf.plot_scaling_laws(0.9, processors=16, measured=([1, 2], [1.0, 1.7]))
    assert any("ceiling" in line.get_label() for line in ax.get_lines())


def test_backend_verdicts_name_the_faster_backend_per_network_and_format():
    mlp = {"hidden_layers": 4, "units": 400}
    results = bench.Results([
        {"ok": True, "task": "train", "model": "cnn", "model_args": {}, "dtype": d,
         "backend": b, "samples_per_s": v}
        for b, d, v in [("tensorflow", "float32", 3000.0), ("jax", "float32", 1000.0),
                        ("tensorflow", "mixed_bfloat16", 600.0),
                        ("jax", "mixed_bfloat16", 1050.0)]
    ] + [
        {"ok": True, "task": "train", "model": "mlp", "model_args": mlp, "dtype": "float32",
         "backend": "tensorflow", "samples_per_s": 1000.0},
        {"ok": True, "task": "train", "model": "mlp", "model_args": mlp, "dtype": "float32",
         "backend": "jax", "samples_per_s": 1100.0},
        {"ok": False, "task": "train", "model": "mlp", "model_args": mlp, "dtype": "float32",
         "backend": "torch", "samples_per_s": None, "error": "skipped: torch is not installed"},
        {"ok": True, "task": "infer", "model": "mlp", "model_args": mlp, "dtype": "float32",
         "backend": "torch", "samples_per_s": 1e6},
    ])
    assert perf.backend_verdicts(results) == [
        "cnn, float32: TensorFlow 3,000 samples/s, JAX 1,000: "
        "TensorFlow is 3.0x faster than JAX",
        "cnn, mixed_bfloat16: JAX 1,050 samples/s, TensorFlow 600: "
        "JAX is 1.8x faster than TensorFlow",
        "mlp 4x400, float32: JAX 1,100 samples/s, TensorFlow 1,000: a tie (within 15%)",
        "cnn on TensorFlow: mixed bfloat16 ran 5.0x slower than float32",
        "cnn on JAX: mixed bfloat16 ran about as fast as float32 (1.05x)",
    ]


def test_backend_verdicts_need_two_backends():
    one = bench.Results([{"ok": True, "task": "train", "model": "cnn", "model_args": {},
                          "dtype": "float32", "backend": "tensorflow", "samples_per_s": 10.0}])
    assert perf.backend_verdicts(one) == []
    failed = {"ok": False, "task": "train", "model": "cnn", "model_args": {}, "dtype": "float32",
              "samples_per_s": None, "error": "timed out"}
    both_failed = [dict(failed, backend="tensorflow"), dict(failed, backend="jax")]
    assert perf.backend_verdicts(bench.Results(both_failed)) == []
    assert perf.backend_verdicts(bench.Results([])) == []
