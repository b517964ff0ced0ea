"""The performance lab's runner: fresh processes that time the notebook's own code, and obey.

The networks and training loops timed here are notebook 11's: its ``%%writefile timed_code.py``
cell, written to a temporary folder exactly as the notebook writes it.
"""

import json
import subprocess
import sys
from pathlib import Path

import keras
import pytest

from neurona import bench, processes
from neurona.bench import sweeps
from neurona.parameters import count_conv2d, count_dense
from neurona.reference import reference_table
from neurona.runs import Ledger

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_code import writefile_body, written_module  # noqa: E402

TINY = {"model": "mlp", "model_args": {"hidden_layers": 1, "units": 16}, "samples": 256,
        "batch_size": 64, "repeats": 1}  # fmt: skip


def test_a_child_times_the_notebooks_network_and_obeys_its_settings(code):
    row = bench.run(bench.Config(code=code, **TINY, threads=1, inter_threads=1))
    assert row["ok"], row["error"]
    assert row["backend_read"] == "tensorflow"
    assert row["threads_read"] == 1 and row["inter_threads_read"] == 1
    assert row["cpus_allowed"] == 1
    assert row["median_s"] > 0 and row["samples_per_s"] > 0
    assert row["parameters"] == (9 + 1) * 16 + (16 + 1) * 7
    assert row["flops"] == 3 * 2 * (9 * 16 + 16 * 7) * 256
    assert row["label"] == "mlp 1x16 · train · batch 64 · cpu · 1 thread"
    assert row["code"] == code


def test_a_child_on_another_backend_reads_that_backend_back(code):
    missing = bench.available_backends()["jax"]
    if missing:
        pytest.skip(f"JAX backend not tested: {missing}")
    row = bench.run(bench.Config(code=code, **TINY, backend="jax", threads=1))
    assert row["ok"], row["error"]
    assert row["backend_read"] == "jax" and row["cpus_allowed"] == 1


def test_a_child_under_a_cpu_limit_reads_the_cpus_allowed(code, monkeypatch):
    import os

    monkeypatch.setenv("CPU_LIMIT", "1")  # as JupyterHub sets it for a 1-CPU pod
    row = bench.run(bench.Config(code=code, **TINY))
    assert row["ok"], row["error"]
    assert row["cpus_allowed"] == 1
    if (os.cpu_count() or 1) > 1:  # a limit below the machine: TensorFlow's pools fit it
        assert row["threads_read"] == 1 and row["inter_threads_read"] == 1


def test_the_notebooks_training_loops_and_inference_all_run(code):
    for config in (
        bench.Config(code=code, **TINY, level="tf_function"),
        bench.Config(code=code, **TINY, level="eager"),
        bench.Config(code=code, **{**TINY, "samples": 2}, task="infer"),
    ):
        row = bench.run(config)
        assert row["ok"], (config.label(), row["error"])
        assert row["median_s"] > 0


def test_a_students_change_to_the_file_is_what_the_child_times(tmp_path):
    """A network added to the notebook's file (a regressor: one output, MSE) is built and timed."""
    path = tmp_path / "timed_code.py"
    path.write_text(writefile_body("11", "timed_code.py") + '''

def tiny(units=3):
    return keras.Sequential([keras.Input((5,)), keras.layers.Dense(units), keras.layers.Dense(1)])
''')
    row = bench.run(bench.Config(code=path, model="tiny", model_args={"units": 4}, samples=64,
                                 batch_size=32, repeats=1))  # fmt: skip
    assert row["ok"], row["error"]
    assert row["parameters"] == (5 + 1) * 4 + (4 + 1) * 1
    assert row["label"] == "tiny units=4 · train · batch 32 · cpu"


def test_a_failing_child_returns_a_clear_error_row_not_a_hang(code):
    row = bench.run(bench.Config(code=code, **TINY, timeout=0.5))
    assert not row["ok"] and row["error"] == "timed out after 0.5 s"
    job = {**bench.Config(code=code, **TINY).to_dict(), "model": "resnet"}
    child = subprocess.run(
        [sys.executable, "-m", "neurona.bench.child", json.dumps(job)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == 1
    row = json.loads(child.stdout.strip().splitlines()[-1][len(processes.RESULT_PREFIX) :])
    assert not row["ok"]
    assert "timed_code.py defines no network 'resnet'; its networks: mlp, pyramid, lenet, cnn" in (
        row["error"]
    )


def test_a_run_too_large_for_memory_is_refused_with_a_batch_size_that_fits(code):
    config = bench.Config(code=code, model="lenet", model_args={"maps": 64}, batch_size=2**24,
                          samples=64)  # fmt: skip
    row = bench.run(config)
    assert not row["ok"] and row["error"].startswith("MemoryError: this run needs about")
    assert "try batch_size=" in row["error"]


def test_no_gpu_is_an_error_row_that_says_so(code):
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    row = bench.run(bench.Config(code=code, **TINY, device="gpu"))
    assert not row["ok"] and "no GPU is visible to tensorflow" in row["error"]


def fake_runner(config):
    return {**config.to_dict(), "label": config.label(), "ok": True, "error": "",
            "median_s": 1.0 / (config.threads or 1), "min_s": 0.9, "max_s": 1.1,
            "samples_per_s": 100.0, "achieved_gflops": 5.0, "parameters": 10}  # fmt: skip


def test_rows_round_trip_through_csv_and_join_the_ledger(code, tmp_path):
    ledger = Ledger()
    configs = [bench.Config(code=code, **TINY, threads=n) for n in (1, 2)]
    configs.append(bench.Config(code=code, model="pyramid", model_args={"widths": (800, 400, 208)}))
    results = bench.sweep(configs, runner=fake_runner, ledger=ledger, progress=False,
                          csv=tmp_path / "rows.csv")  # fmt: skip
    assert len(ledger) == 3 and ledger.last.hparams["widths"] == (800, 400, 208)
    again = bench.Results.read_csv(tmp_path / "rows.csv")
    assert len(again) == 3
    assert again.rows[2]["model_args"] == {"widths": [800, 400, 208]}
    assert again.rows[2]["code"] == code
    assert [r["threads"] for r in again.rows[:2]] == [1, 2]
    assert list(again.frame["median_s"][:2]) == [1.0, 0.5]
    assert list(again.frame.columns) == list(results.frame.columns)


def test_an_interrupted_sweep_keeps_the_finished_rows(code, tmp_path):
    calls = []

    def runner(config):
        calls.append(config)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return fake_runner(config)

    configs = [bench.Config(code=code, **{**TINY, "batch_size": b}) for b in (8, 16, 32, 64)]
    results = bench.sweep(configs, runner=runner, ledger=Ledger(), progress=False,
                          csv=tmp_path / "rows.csv")  # fmt: skip
    assert results.interrupted and len(results) == 2
    assert len(bench.Results.read_csv(tmp_path / "rows.csv")) == 2
    assert "interrupted" in repr(results)


def test_thread_sweep_adds_speedup_and_efficiency(code):
    results = sweeps.threads(bench.Config(code=code, **TINY), counts=(1, 2, 4),
                             runner=fake_runner, ledger=Ledger(), progress=False)  # fmt: skip
    assert [round(r["speedup"], 3) for r in results.rows] == [1.0, 2.0, 4.0]
    assert [r["efficiency"] for r in results.rows] == [1.0, 1.0, 1.0]


def test_a_progress_callback_sees_every_row(code):
    seen = []
    bench.sweep([bench.Config(code=code, **TINY)] * 2, runner=fake_runner, ledger=Ledger(),
                progress=lambda done, total, row: seen.append((done, total)))  # fmt: skip
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_bad_configurations_are_refused_with_the_allowed_values(code):
    with pytest.raises(ValueError, match="backend must be one of tensorflow, jax, torch"):
        bench.Config(code=code, model="mlp", backend="theano")
    with pytest.raises(ValueError, match="level must be one of fit, tf_function, eager"):
        bench.Config(code=code, model="mlp", level="graph")
    with pytest.raises(ValueError, match="level 'eager' is a TensorFlow loop"):
        bench.Config(code=code, model="mlp", level="eager", backend="jax")
    with pytest.raises(ValueError, match=r"threads must be a whole number >= 1 \(or None"):
        bench.Config(code=code, model="mlp", threads=0)
    with pytest.raises(ValueError, match="Config has no field 'thread'"):
        bench.Config(code=code, model="mlp").with_(thread=2)
    with pytest.raises(TypeError, match="model_args must hold numbers, strings and lists"):
        bench.Config(code=code, model="mlp", model_args={"units": {1, 2}})


def test_a_code_file_that_is_missing_or_lacks_the_network_is_a_clear_error(code, tmp_path):
    with pytest.raises(FileNotFoundError, match="code file 'nowhere_code.py' not found .*"
                                                "'%%writefile nowhere_code.py' cell first"):
        bench.Config(code="nowhere_code.py", model="mlp")
    with pytest.raises(ValueError, match="timed_code.py defines no network 'resnet'; "
                                         "its networks: mlp, pyramid, lenet, cnn$"):
        bench.Config(code=code, model="resnet")
    with pytest.raises(ValueError, match="timed_code.py's mlp\\(\\) has no argument 'maps'; "
                                         "its arguments: hidden_layers, units, inputs, classes"):
        bench.Config(code=code, model="mlp", model_args={"maps": 4})
    mine = tmp_path / "mine_code.py"
    mine.write_text("import keras\n\n\ndef net(width):\n    ...\n\n\n"
                    "def _helper():\n    ...\n\n\ndef fit(model, loss, batch_size):\n    ...\n")
    with pytest.raises(ValueError, match="mine_code.py's net\\(\\) needs model_args for width"):
        bench.Config(code=mine, model="net")
    with pytest.raises(ValueError, match="mine_code.py defines no training loop 'eager' .*"
                                         "its loops: fit$"):
        bench.Config(code=mine, model="net", model_args={"width": 3}, level="eager")
    with pytest.raises(ValueError, match="its networks: net$"):  # helpers (_name) are not networks
        bench.Config(code=mine, model="helper")
    config = bench.Config(code=mine, model="net", model_args={"width": 3})
    assert config.code == str(mine.resolve())


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


def test_the_notebooks_networks_have_the_sources_parameter_counts(timed, code):
    for widths in sweeps.PYRAMIDS[:8]:
        assert timed.pyramid(widths).count_params() == bench.pyramid_parameters(widths)
    assert timed.mlp(3, 50).count_params() == count_dense([9, 50, 50, 50, 7])
    lenet = timed.lenet(conv_layers=2, maps=2)
    assert lenet.layers[0].filters == 6 and lenet.output_shape == (None, 10)
    # 32 -> conv 5x5 -> 28 -> pool -> 14 -> conv -> 10 -> pool -> 5
    assert lenet.count_params() == (count_conv2d(5, 3, 6) + count_conv2d(5, 6, 6)
                                    + count_dense([5 * 5 * 6, 120, 84, 10]))  # fmt: skip
    assert timed.cnn().count_params() == 225_034  # notebook 08's CNN
    reference = reference_table("heterogeneous_mlp_training")
    assert sorted(reference["parameters"]) == sorted(
        bench.pyramid_parameters(w) for w in sweeps.PYRAMIDS
    )
    config = bench.Config(code=code, model="mlp", model_args={"hidden_layers": 2, "units": 100})
    assert sweeps.parameters(config) == 11_807


def test_a_size_sweep_leaves_out_networks_above_the_limit(code):
    base = bench.Config(code=code, **TINY)
    results = sweeps.model_sizes(base, grid="lenet", max_parameters=100_000, runner=fake_runner,
                                 ledger=Ledger(), progress=False)  # fmt: skip
    kept = [row["model_args"] for row in results.rows]
    assert {"conv_layers": 2, "maps": 2} in kept and {"conv_layers": 1, "maps": 64} not in kept
    for args in kept:
        assert sweeps.parameters(base.with_(model="lenet", model_args=args)) <= 100_000
    with pytest.raises(ValueError, match="grid must be one of mlp, lenet, pyramid"):
        sweeps.model_sizes(base, grid="vgg")


def test_the_reference_tables_of_the_lab_load_with_their_shapes():
    assert reference_table("framework_gpu_speedup_mlp").shape == (8, 7)
    assert reference_table("framework_gpu_speedup_cnn").shape == (8, 8)
    assert reference_table("heterogeneous_cnn_batch").shape == (5, 10)
    assert reference_table("heterogeneous_mlp_training").shape == (11, 7)


def test_the_memory_guard_suggests_a_batch_size_that_fits(code):
    config = bench.Config(code=code, model="lenet", model_args={"maps": 64}, batch_size=4096)
    estimate = bench.estimate(config, calibrate=False, limit_bytes=200_000_000)
    assert not estimate.fits
    assert estimate.suggested_batch_size and estimate.suggested_batch_size < 4096
    smaller = bench.estimate(config.with_(batch_size=estimate.suggested_batch_size),
                             calibrate=False, limit_bytes=200_000_000)  # fmt: skip
    assert smaller.fits
    assert f"Try batch_size={estimate.suggested_batch_size}" in estimate.message
    assert bench.estimate(config.with_(batch_size=8), calibrate=False).fits


def test_the_command_line_has_help_and_refuses_bad_options(code):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "neurona.bench", *args],
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    done = cli("--help")
    assert done.returncode == 0 and "threads" in done.stdout and "--code" in done.stdout
    bad = cli("threads", "--code", code, "--backend", "mxnet")
    assert bad.returncode == 2 and "backend must be one of" in bad.stderr
    no_code = cli("threads")
    assert no_code.returncode == 2 and "give --code" in no_code.stderr
    unknown = cli("batch", "--code", code, "--model", "resnet")
    assert unknown.returncode == 2 and "its networks: mlp, pyramid, lenet, cnn" in unknown.stderr


def test_the_device_grid_pairs_cpu_and_gpu_rows_into_a_speedup_table(code):
    def runner(config):
        row = fake_runner(config)
        row["median_s"] = 1.0 if config.device == "cpu" else 1.0 / config.model_args["units"]
        return row

    results = sweeps.device_grid(bench.Config(code=code, **TINY), grid="mlp", runner=runner,
                                 ledger=Ledger(), progress=False)  # fmt: skip
    assert len(results) == 2 * 2 * 4
    assert all(r["threads"] == 1 for r in results.rows if r["device"] == "cpu")
    table = sweeps.speedup_table(results, "mlp")
    assert table.shape == (2, 4) and table.loc[16, 200] == pytest.approx(200)
    with pytest.raises(ValueError, match="no GPU row ran"):
        sweeps.speedup_table(bench.Results([]))


def test_the_modules_notebooks_08_and_12_time_define_what_their_cells_name(tmp_path):
    """Cell 08-055b times cnn_code.py's dense_network and fast_cnn; 12-028 pyramid_code.py's."""
    nb08 = written_module("08", "cnn_code.py", tmp_path)
    assert nb08.dense_network().count_params() == 266_610
    assert nb08.fast_cnn().count_params() == 431_242
    for model in ("dense_network", "fast_cnn"):
        bench.Config(code=nb08.__file__, model=model, backend="jax")
    nb12 = written_module("12", "pyramid_code.py", tmp_path)
    widths = [800, 400, 208]
    assert nb12.pyramid_mlp(widths).count_params() == bench.pyramid_parameters(widths)
    bench.Config(code=nb12.__file__, model="pyramid_mlp",
                 model_args={"widths": widths, "inputs": 50})


def test_results_table_is_compact_and_keeps_the_values():
    results = bench.Results([
        {"label": "mlp · 1 thread", "ok": True, "median_s": 0.1234567,
         "samples_per_s": 6945.488086},
        {"label": "torch", "ok": False, "error": "skipped: torch is not installed"},
    ])
    table = results.table("median_s", "samples_per_s", "error")
    assert list(table.columns) == ["median_s", "samples_per_s", "error"]
    assert table.loc["mlp · 1 thread", "median_s"] == 0.1234567  # the data, not the display
    shown = table._repr_html_()
    assert "0.1235" in shown and "6,945" in shown and "NaN" not in shown
    assert "mlp · 1 thread" in shown and "overflow-x: auto" in shown
    assert "NaN" not in results._repr_html_()
    with pytest.raises(ValueError, match=r"no column 'speed' in these results; they have: ok, "):
        results.table("median_s", "speed")
