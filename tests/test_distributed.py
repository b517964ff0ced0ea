"""Data-parallel training on local worker processes: it runs, it matches, it cleans up.

The workers run notebook 14's own worker script (its ``%%writefile worker_code.py`` cell).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import psutil
import pytest

from neurona import distributed, processes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_code import writefile_body  # noqa: E402

ARGS = ["--epochs", "2", "--samples", "2048", "--global-batch", "256", "--units", "32"]

# A stand-in for a worker that fails: worker 1 crashes, the others wait, as a worker blocked in
# an all-reduce for a partner that is gone would wait forever.
CRASHING = """
import json, os, sys, time
index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
if index == 1:
    time.sleep(0.5)
    sys.exit("worker 1 crashed on purpose")
time.sleep(120)
"""


@pytest.fixture
def worker_code(tmp_path):
    """The notebook's worker script, written as the notebook writes it."""
    path = tmp_path / "worker_code.py"
    path.write_text(writefile_body("14", "worker_code.py"))
    return path


def all_gone(pids):
    return not [pid for pid in pids if psutil.pid_exists(pid) and
                psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]  # fmt: skip


def running(script):
    children = psutil.Process().children(recursive=True)
    return [c for c in children if str(script) in " ".join(c.cmdline())]


def test_two_workers_train_in_step_and_match_one_process(worker_code):
    lines = []
    two = distributed.launch(2, worker_code, ARGS, on_line=lambda i, line: lines.append((i, line)),
                             timeout=240)  # fmt: skip
    one = distributed.launch(1, str(worker_code), ARGS, timeout=240)
    assert [r["replicas"] for r in two.results] == [2, 2] and one.results[0]["replicas"] == 1
    assert [r["worker"] for r in two.results] == [0, 1]
    assert two.results[0]["checksum"] == pytest.approx(two.results[1]["checksum"])  # same weights
    assert two.results[0]["checksum"] == pytest.approx(one.results[0]["checksum"], rel=1e-4)
    # Synchronous all-reduce: the same global batches, the same updates, up to float rounding.
    assert len(two.loss) == 2 and two.loss == pytest.approx(one.loss, rel=1e-3)
    assert two.loss[-1] < two.loss[0]
    assert {i for i, _ in lines} == {0, 1}
    assert [line for i, line in lines if i == 1 and line.startswith("epoch ")] == [
        f"epoch {e}: loss {loss:.6f}" for e, loss in enumerate(two.loss, 1)]
    assert all_gone(two.pids + one.pids)


def test_a_missing_script_is_named_before_anything_starts(tmp_path, monkeypatch):
    missing = tmp_path.resolve() / "worker_code.py"
    expected = f"no worker script at {re.escape(str(missing))}: write it first"
    with pytest.raises(FileNotFoundError, match=expected):
        distributed.launch(2, missing)
    monkeypatch.chdir(tmp_path)  # a relative path is taken from the current folder, shown in full
    with pytest.raises(FileNotFoundError, match=expected):
        distributed.scaling((1,), "worker_code.py")


def test_a_script_that_reports_nothing_is_named(tmp_path):
    silent = tmp_path / "silent_code.py"
    silent.write_text("print('trained, but forgot to report')\n")
    with pytest.raises(distributed.WorkerError, match=r"worker 0 printed no result.*"
                                                      r"distributed.report.*forgot to report"):
        distributed.launch(1, silent, timeout=60)


def test_a_crashing_worker_stops_the_others_with_a_clear_error(tmp_path):
    script = tmp_path / "crashing_code.py"
    script.write_text(CRASHING)
    expected = r"worker 1 of 2 exited with code 1.*crashed on purpose"
    with pytest.raises(distributed.WorkerError, match=expected):
        distributed.launch(2, script, timeout=60)
    # launch() has returned: none of its workers may still run.
    assert not running(script)


def test_a_run_out_of_time_is_stopped(tmp_path):
    script = tmp_path / "slow_code.py"
    script.write_text("import time\ntime.sleep(120)\n")
    with pytest.raises(TimeoutError, match="did not finish within 1 s; all were stopped"):
        distributed.launch(2, script, timeout=1)
    assert not running(script)


def test_report_prints_the_line_launch_reads(capsys):
    result = distributed.report(index=1, replicas=2, loss=[np.float32(0.5)], epoch_seconds=[1.0],
                                weights=[np.ones((2, 3)), np.full(4, 0.25)], steps=8)  # fmt: skip
    line = capsys.readouterr().out
    assert line.startswith(processes.RESULT_PREFIX) and line.endswith("\n")
    assert json.loads(line[len(processes.RESULT_PREFIX):]) == result
    assert result == {"ok": True, "worker": 1, "replicas": 2, "loss": [0.5], "epoch_seconds": [1.0],
                      "checksum": 7.0, "steps": 8}  # fmt: skip


def task(index=0, kind="worker"):
    return {"type": kind, "index": index}


def test_bad_tf_config_is_refused_with_what_is_wrong():
    with pytest.raises(ValueError, match="not valid JSON"):
        distributed.check_tf_config("{cluster")
    with pytest.raises(ValueError, match="at least one worker"):
        distributed.check_tf_config({"cluster": {"worker": []}, "task": task()})
    with pytest.raises(ValueError, match="'nohost' is not 'host:port'"):
        distributed.check_tf_config({"cluster": {"worker": ["nohost"]}, "task": task()})
    with pytest.raises(ValueError, match='"type": "worker" or "chief"'):
        distributed.check_tf_config({"cluster": {"worker": ["a:1"]}, "task": task(0, "ps")})
    with pytest.raises(ValueError, match="workers must be a whole number from 1 to 16"):
        distributed.launch(0, "worker_code.py")


def test_the_worker_script_checks_its_tf_config(worker_code):
    config = {"cluster": {"worker": ["localhost:1"]}, "task": task(2)}
    env = {**os.environ, "TF_CONFIG": json.dumps(config)}
    done = subprocess.run([sys.executable, str(worker_code), *ARGS],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    expected = "TF_CONFIG task index must be a whole number from 0 to 0 (1 worker); got 2"
    assert done.returncode != 0 and expected in done.stderr


def test_mirrored_strategy_over_logical_cpus_matches_one_device():
    # Section 1 of the notebook, in a fresh process: split_cpu must come before TensorFlow starts.
    code = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "tools")!r})
import neurona as nr
from notebook_code import run_cells
ns = run_cells("14", ["14-002", "14-003", "14-005", "14-007"], {{"nr": nr}})
print("RESULT", json.dumps([ns["devices"], ns["one"], ns["mirrored"], ns["difference"]]))
"""
    env = {**os.environ, "NEURONA_QUICK": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=240)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    found = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    devices, one, mirrored, difference = json.loads(found[-1][len("RESULT "):])
    assert len(devices) == 2
    assert difference < 1e-5  # the all-reduced sum of the replicas' gradients is the batch's
    assert len(one) == 2 and mirrored == pytest.approx(one, rel=1e-4)


def test_scaling_tabulates_speedup_and_efficiency_for_strong_and_weak_scaling():
    def fake(count, script, args, timeout):
        assert script == "worker_code.py"
        samples = int(args[args.index("--samples") + 1])
        seconds = samples / 1000 / count * (1.2 if count > 1 else 1.0)  # some communication cost
        result = {"epoch_seconds": [seconds], "loss": [0.5]}
        return distributed.LaunchResult(count, seconds + 3, [result], [[]], [])

    strong = distributed.scaling((1, 2, 4), "worker_code.py", run=fake, samples=4000)
    assert list(strong["samples"]) == [4000] * 3
    assert strong.loc[2, "speed-up"] == pytest.approx(2 / 1.2)
    assert strong.loc[4, "efficiency"] == pytest.approx(1 / 1.2)
    weak = distributed.scaling((1, 2), "worker_code.py", run=fake, samples=4000,
                                mode="weak")
    assert list(weak["samples"]) == [4000, 8000]
    assert weak.loc[2, "speed-up"] == pytest.approx(2 / 1.2)
    with pytest.raises(ValueError, match="mode must be one of strong, weak"):
        distributed.scaling((1, 2), "worker_code.py", mode="gustafson")


# --------------------------------------------------------------------------- in one process


def test_sync_all_reduce_trains_the_same_model_whatever_the_workers():
    one = distributed.simulate("sync", 1, epochs=2, samples=512, global_batch=64)
    four = distributed.simulate("sync", 4, epochs=2, samples=512, global_batch=64)
    assert len(one["loss"]) == 3 and one["updates"] == four["updates"] == 16
    np.testing.assert_allclose(four["loss"], one["loss"], rtol=1e-4)
    assert four["loss"][-1] < four["loss"][0]


def test_stale_gradients_hurt_where_all_reduce_does_not():
    kwargs = {"epochs": 3, "samples": 1024, "global_batch": 128, "learning_rate": 0.2}
    sync = distributed.simulate("sync", 4, **kwargs)
    stale = distributed.simulate("async", 4, staleness=11, **kwargs)
    average = distributed.simulate("average", 4, **kwargs)
    assert stale["updates"] == 4 * sync["updates"] and average["updates"] == 3
    assert sync["loss"][-1] < 0.5 * stale["loss"][-1]
    assert average["loss"][-1] < sync["loss"][0]


SMALL = {"samples": 512, "global_batch": 64, "learning_rate": 0.1}


def test_one_worker_that_combines_every_epoch_is_plain_training():
    plain = distributed.simulate("sync", 1, epochs=2, **SMALL)
    for mode in ("sum", "average"):
        alone = distributed.simulate(mode, 1, epochs=2, **SMALL)
        assert alone["epoch"] == plain["epoch"] == [0, 1, 2]
        assert alone["updates"] == 2
        np.testing.assert_allclose(alone["loss"], plain["loss"], rtol=1e-5)


def test_combine_deltas_sums_or_averages_the_workers_changes():
    rng = np.random.default_rng(0)
    start = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    one = [w - 0.1 * rng.normal(size=w.shape) for w in start]  # a worker's weights after an epoch
    for k in (1, 3):
        summed = distributed.combine_deltas(start, [one] * k, "sum")
        averaged = distributed.combine_deltas(start, [one] * k, "mean")
        for s, o, total, mean in zip(start, one, summed, averaged, strict=True):
            np.testing.assert_allclose(s - total, k * (s - o))  # k identical workers: k changes
            np.testing.assert_allclose(mean, o)                 # their average: one worker
    other = [w + 1.0 for w in start]
    for s, o, t, m in zip(start, one, distributed.combine_deltas(start, [one, other], "sum"),
                          distributed.combine_deltas(start, [one, other], "mean"), strict=True):
        np.testing.assert_allclose(t, o + (s + 1.0) - s)        # start - (s - o) - (s - other)
        np.testing.assert_allclose(m, (o + s + 1.0) / 2)       # the average of the two workers
    with pytest.raises(ValueError, match="how must be one of sum, mean; got 'median'"):
        distributed.combine_deltas(start, [one], "median")
    with pytest.raises(ValueError, match="at least one worker"):
        distributed.combine_deltas(start, [])


def test_summed_changes_take_longer_steps_than_averaged_ones():
    kwargs = {"epochs": 2, "samples": 1024, "global_batch": 128, "learning_rate": 0.2}
    average = distributed.simulate("average", 4, **kwargs)
    summed = distributed.simulate("sum", 4, **kwargs)
    once = distributed.simulate("sum", 4, local_epochs=2, **kwargs)
    assert summed["loss"][0] == average["loss"][0]                # the same start
    assert summed["loss"][1] != pytest.approx(average["loss"][1], rel=1e-3)
    assert once["epoch"] == [0, 2] and once["updates"] == 1 and len(once["loss"]) == 2
    assert summed["staleness"] is None and summed["mode"] == "sum"


def test_simulate_and_split_cpu_reject_bad_input():
    allowed = "mode must be one of sync, async, average, sum; got 'elephas'"
    with pytest.raises(ValueError, match=allowed):
        distributed.simulate("elephas")
    with pytest.raises(ValueError, match=r"epochs \(3\) must be a multiple of local_epochs \(2\)"):
        distributed.simulate("sum", 2, epochs=3, local_epochs=2)
    with pytest.raises(ValueError, match="local_epochs must be a whole number from 1 to 3"):
        distributed.simulate("sum", 2, epochs=3, local_epochs=4)
    with pytest.raises(ValueError, match="must be a multiple of workers"):
        distributed.simulate("sync", 3, global_batch=256)
    with pytest.raises(ValueError, match="devices must be a whole number from 1 to 64"):
        distributed.split_cpu(0)
