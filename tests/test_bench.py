"""The performance lab's runner: fresh processes that obey their settings, rows that survive."""

import json
import subprocess
import sys

import keras
import pytest

from neurona import bench
from neurona.bench import sweeps
from neurona.bench.child import ROW_PREFIX
from neurona.reference import reference_table
from neurona.runs import Ledger

TINY = {"model": "mlp", "model_args": {"hidden_layers": 1, "units": 16}, "samples": 256,
        "batch_size": 64, "repeats": 1}  # fmt: skip


def test_a_child_obeys_the_thread_count_and_backend_it_was_given():
    row = bench.run(bench.Config(**TINY, threads=1, inter_threads=1))
    assert row["ok"], row["error"]
    assert row["backend_read"] == "tensorflow"
    assert row["threads_read"] == 1 and row["inter_threads_read"] == 1
    assert row["cpus_allowed"] == 1
    assert row["median_s"] > 0 and row["samples_per_s"] > 0
    assert row["parameters"] == (9 + 1) * 16 + (16 + 1) * 7
    assert row["flops"] == 3 * 2 * (9 * 16 + 16 * 7) * 256
    assert row["label"] == "mlp 1x16 · train · batch 64 · cpu · 1 thread"


def test_a_child_on_another_backend_reads_that_backend_back():
    missing = bench.available_backends()["jax"]
    if missing:
        pytest.skip(f"JAX backend not tested: {missing}")
    row = bench.run(bench.Config(**TINY, backend="jax", threads=1))
    assert row["ok"], row["error"]
    assert row["backend_read"] == "jax" and row["cpus_allowed"] == 1


def test_a_child_under_a_cpu_limit_reads_the_cpus_allowed(monkeypatch):
    import os

    monkeypatch.setenv("CPU_LIMIT", "1")  # as JupyterHub sets it for a 1-CPU pod
    row = bench.run(bench.Config(**TINY))
    assert row["ok"], row["error"]
    assert row["cpus_allowed"] == 1
    if (os.cpu_count() or 1) > 1:  # a limit below the machine: TensorFlow's pools fit it
        assert row["threads_read"] == 1 and row["inter_threads_read"] == 1


def test_training_levels_and_inference_all_run():
    for config in (
        bench.Config(**TINY, level="tf_function"),
        bench.Config(**TINY, level="eager"),
        bench.Config(**{**TINY, "samples": 2}, task="infer"),
    ):
        row = bench.run(config)
        assert row["ok"], (config.label(), row["error"])
        assert row["median_s"] > 0


def test_a_failing_child_returns_a_clear_error_row_not_a_hang():
    row = bench.run(bench.Config(**TINY, timeout=0.5))
    assert not row["ok"] and row["error"] == "timed out after 0.5 s"
    job = {**bench.Config(**TINY).to_dict(), "model": "resnet"}
    child = subprocess.run(
        [sys.executable, "-m", "neurona.bench.child", json.dumps(job)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 1
    row = json.loads(child.stdout.strip().splitlines()[-1][len(ROW_PREFIX) :])
    assert not row["ok"] and "model must be one of mlp, pyramid, lenet, cnn" in row["error"]


def test_a_run_too_large_for_memory_is_refused_with_a_batch_size_that_fits():
    config = bench.Config(model="lenet", model_args={"maps": 64}, batch_size=2**24, samples=64)
    row = bench.run(config)
    assert not row["ok"] and row["error"].startswith("MemoryError: this run needs about")
    assert "try batch_size=" in row["error"]


def test_no_gpu_is_an_error_row_that_says_so():
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    row = bench.run(bench.Config(**TINY, device="gpu"))
    assert not row["ok"] and "no GPU is visible to tensorflow" in row["error"]


def fake_runner(config):
    return {**config.to_dict(), "label": config.label(), "ok": True, "error": "",
            "median_s": 1.0 / (config.threads or 1), "min_s": 0.9, "max_s": 1.1,
            "samples_per_s": 100.0, "achieved_gflops": 5.0, "parameters": 10}  # fmt: skip


def test_rows_round_trip_through_csv_and_join_the_ledger(tmp_path):
    ledger = Ledger()
    configs = [bench.Config(**TINY, threads=n) for n in (1, 2)]
    configs.append(bench.Config(model="pyramid", model_args={"widths": (800, 400, 208)}))
    results = bench.sweep(configs, runner=fake_runner, ledger=ledger, progress=False,
                          csv=tmp_path / "rows.csv")  # fmt: skip
    assert len(ledger) == 3 and ledger.last.hparams["widths"] == (800, 400, 208)
    again = bench.Results.read_csv(tmp_path / "rows.csv")
    assert len(again) == 3
    assert again.rows[2]["model_args"] == {"widths": [800, 400, 208]}
    assert [r["threads"] for r in again.rows[:2]] == [1, 2]
    assert list(again.frame["median_s"][:2]) == [1.0, 0.5]
    assert list(again.frame.columns) == list(results.frame.columns)


def test_an_interrupted_sweep_keeps_the_finished_rows(tmp_path):
    calls = []

    def runner(config):
        calls.append(config)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return fake_runner(config)

    configs = [bench.Config(**{**TINY, "batch_size": b}) for b in (8, 16, 32, 64)]
    results = bench.sweep(configs, runner=runner, ledger=Ledger(), progress=False,
                          csv=tmp_path / "rows.csv")  # fmt: skip
    assert results.interrupted and len(results) == 2
    assert len(bench.Results.read_csv(tmp_path / "rows.csv")) == 2
    assert "interrupted" in repr(results)


def test_thread_sweep_adds_speedup_and_efficiency():
    results = sweeps.threads(bench.Config(**TINY), counts=(1, 2, 4), runner=fake_runner,
                             ledger=Ledger(), progress=False)  # fmt: skip
    assert [round(r["speedup"], 3) for r in results.rows] == [1.0, 2.0, 4.0]
    assert [r["efficiency"] for r in results.rows] == [1.0, 1.0, 1.0]


def test_a_progress_callback_sees_every_row():
    seen = []
    bench.sweep([bench.Config(**TINY)] * 2, runner=fake_runner, ledger=Ledger(),
                progress=lambda done, total, row: seen.append((done, total)))  # fmt: skip
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_bad_configurations_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="backend must be one of tensorflow, jax, torch"):
        bench.Config(backend="theano")
    with pytest.raises(ValueError, match="level must be one of fit, tf_function, eager"):
        bench.Config(level="graph")
    with pytest.raises(ValueError, match="level 'eager' is a TensorFlow loop"):
        bench.Config(level="eager", backend="jax")
    with pytest.raises(ValueError, match="threads must be a whole number >= 1 or None"):
        bench.Config(threads=0)
    with pytest.raises(ValueError, match="model 'mlp' has no argument 'maps'"):
        bench.Config(model="mlp", model_args={"maps": 4})
    with pytest.raises(ValueError, match="maps must be a whole number from 1 to 256"):
        bench.Config(model="lenet", model_args={"maps": 0})
    with pytest.raises(ValueError, match="Config has no field 'thread'"):
        bench.Config().with_(thread=2)


def test_the_flop_estimate_of_dense_and_conv_layers():
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128),
                              keras.layers.Dense(10)])  # fmt: skip
    assert bench.layer_flops(model.layers[0]) == 2 * 784 * 128
    assert bench.forward_flops(model) == 2 * 784 * 128 + 2 * 128 * 10
    assert bench.training_flops(model, 32) == 3 * 32 * bench.forward_flops(model)
    conv = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 5),
                             keras.layers.MaxPooling2D(2), keras.layers.Conv2D(64, 5)])  # fmt: skip
    assert bench.forward_flops(conv) == 2 * 25 * 32 * 24 * 24 + 2 * 25 * 32 * 64 * 8 * 8
    table = bench.flops_table(conv)
    assert table.loc["total", "forward FLOPs"] == bench.forward_flops(conv)


def test_zoo_models_have_the_sources_parameter_counts():
    for widths in sweeps.PYRAMIDS[:8]:
        model = bench.ZOO["pyramid"].build(keras, {"widths": widths})
        assert model.count_params() == bench.pyramid_parameters(widths)
    for model, args in [("mlp", {"hidden_layers": 3, "units": 50}), ("lenet", {"maps": 4}),
                        ("lenet", {"conv_layers": 2, "maps": 8}), ("cnn", {}),
                        ("dense", {})]:  # fmt: skip
        config = bench.Config(model=model, model_args=args)
        built = bench.ZOO[model].build(keras, args)
        assert sweeps.parameters(config) == built.count_params(), config.label()
    reference = reference_table("heterogeneous_mlp_training")
    assert sorted(reference["parameters"]) == sorted(
        bench.pyramid_parameters(w) for w in sweeps.PYRAMIDS
    )
    lenet = bench.ZOO["lenet"].build(keras, {"conv_layers": 2, "maps": 2})
    assert lenet.layers[0].filters == 6 and lenet.output_shape == (None, 10)


def test_the_reference_tables_of_the_lab_load_with_their_shapes():
    assert reference_table("framework_gpu_speedup_mlp").shape == (8, 7)
    assert reference_table("framework_gpu_speedup_cnn").shape == (8, 8)
    assert reference_table("heterogeneous_cnn_batch").shape == (5, 10)
    assert reference_table("heterogeneous_mlp_training").shape == (11, 7)


def test_the_memory_guard_suggests_a_batch_size_that_fits():
    config = bench.Config(model="lenet", model_args={"maps": 64}, batch_size=4096)
    estimate = bench.estimate(config, calibrate=False, limit_bytes=200_000_000)
    assert not estimate.fits
    assert estimate.suggested_batch_size and estimate.suggested_batch_size < 4096
    smaller = bench.estimate(config.with_(batch_size=estimate.suggested_batch_size),
                             calibrate=False, limit_bytes=200_000_000)  # fmt: skip
    assert smaller.fits
    assert f"Try batch_size={estimate.suggested_batch_size}" in estimate.message
    assert bench.estimate(config.with_(batch_size=8), calibrate=False).fits


def test_the_command_line_has_help_and_refuses_bad_options():
    done = subprocess.run([sys.executable, "-m", "neurona.bench", "--help"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and "threads" in done.stdout and "inference" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "neurona.bench", "threads", "--backend", "mxnet"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "backend must be one of" in bad.stderr


def test_the_device_grid_pairs_cpu_and_gpu_rows_into_a_speedup_table():
    def runner(config):
        row = fake_runner(config)
        row["median_s"] = 1.0 if config.device == "cpu" else 1.0 / config.model_args["units"]
        return row

    results = sweeps.device_grid(bench.Config(**TINY), grid="mlp", runner=runner,
                                 ledger=Ledger(), progress=False)  # fmt: skip
    assert len(results) == 2 * 2 * 4
    assert all(r["threads"] == 1 for r in results.rows if r["device"] == "cpu")
    table = sweeps.speedup_table(results, "mlp")
    assert table.shape == (2, 4) and table.loc[16, 200] == pytest.approx(200)
    with pytest.raises(ValueError, match="no GPU row ran"):
        sweeps.speedup_table(bench.Results([]))
