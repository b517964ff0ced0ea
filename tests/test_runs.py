import math

import pytest

from neurona.runs import Ledger, RunRecord


def make_run(name="a", epochs=3, seconds=(2.0, 1.0, 1.2), samples=1000):
    run = RunRecord(name=name, samples_per_epoch=samples, hparams={"batch_size": 32})
    for k in range(epochs):
        run.add_epoch({"loss": 1.0 / (k + 1), "val_loss": 1.2 / (k + 1), "accuracy": 0.5 + k / 10},
                      seconds[k])
    return run


def test_first_epoch_is_kept_apart_from_steady_epochs():
    run = make_run()
    assert run.epochs == 3
    assert run.first_epoch_seconds == 2.0
    assert run.steady_epoch_seconds == pytest.approx(1.1)  # median of 1.0 and 1.2
    assert run.samples_per_second == pytest.approx(1000 / 1.1)
    assert run.total_seconds == pytest.approx(4.2)


def test_single_epoch_uses_the_first_epoch_for_throughput():
    run = make_run(epochs=1)
    assert run.steady_epoch_seconds is None
    assert run.samples_per_second == pytest.approx(500)


def test_metrics_final_and_best():
    run = make_run()
    assert run.metrics() == ["loss", "val_loss", "accuracy"]
    assert run.final("loss") == pytest.approx(1 / 3)
    assert run.best("loss") == pytest.approx(1 / 3)
    assert run.best("accuracy") == pytest.approx(0.7)
    assert run.final("nothing") is None


def test_a_metric_that_appears_later_is_padded_with_nan():
    run = RunRecord("late")
    run.add_epoch({"loss": 1.0}, 1.0)
    run.add_epoch({"loss": 0.5, "val_loss": 0.7}, 1.0)
    assert math.isnan(run.history["val_loss"][0])
    assert run.history["val_loss"][1] == 0.7


def test_bad_epoch_time_and_status_are_refused():
    run = RunRecord("x")
    with pytest.raises(ValueError, match="seconds"):
        run.add_epoch({"loss": 1.0}, -1)
    with pytest.raises(ValueError, match="finished, stopped, diverged, interrupted"):
        run.finish("done")


def test_summary_mentions_timing_device_and_status():
    run = make_run()
    run.device = "CPU: test (2 cores)"
    run.finish("stopped", "by the Stop button")
    line = run.summary()
    assert "first 2.0 s" in line and "1.1 s/epoch" in line and "CPU: test" in line
    assert "tracing" not in line  # a run with no backend named: nothing was traced
    assert "[stopped: by the Stop button]" in line


def test_ledger_names_are_unique_and_lookups_are_clear():
    ledger = Ledger()
    ledger.add(make_run("a"))
    second = ledger.add(make_run("a"))
    assert second.name == "a (2)"
    assert ledger.new_name() == "run 3"
    assert ledger["a"].name == "a"
    with pytest.raises(KeyError, match="runs in this ledger: 'a', 'a \\(2\\)'"):
        ledger["b"]
    with pytest.raises(TypeError):
        ledger.add({"name": "not a record"})


def test_table_has_one_row_per_run_with_timing_and_hparams():
    ledger = Ledger([make_run("a"), make_run("b", epochs=2)])
    table = ledger.table(all_columns=True)
    assert list(table.index) == ["a", "b"]
    assert table.loc["a", "epochs"] == 3
    assert table.loc["b", "steady epoch (s)"] == pytest.approx(1.0)
    assert table.loc["a", "batch_size"] == 32
    assert "<table" in ledger._repr_html_()


def test_close_open_runs_marks_interrupted_runs_and_keeps_history():
    ledger = Ledger([make_run("a")])
    ledger["a"].status = "running"
    ledger["a"].partial_batches = 7
    closed = ledger.close_open_runs()
    assert [r.name for r in closed] == ["a"]
    assert ledger["a"].status == "interrupted"
    assert "after 3 epochs and 7 batches" in ledger["a"].note
    assert ledger["a"].epochs == 3


def test_csv_round_trip(tmp_path):
    ledger = Ledger([make_run("a"), make_run("b", epochs=2)])
    ledger["b"].device = "GPU: test"
    ledger["b"].versions = {"keras": "3.0"}
    path = ledger.to_csv(tmp_path / "runs.csv")
    back = Ledger.read_csv(path)
    assert [r.name for r in back] == ["a", "b"]
    for original, restored in zip(ledger, back, strict=True):
        assert restored.epoch_seconds == original.epoch_seconds
        assert restored.history == original.history
        assert restored.hparams == original.hparams
        assert restored.samples_per_epoch == original.samples_per_epoch
    assert back["b"].device == "GPU: test" and back["b"].versions == {"keras": "3.0"}


def test_tidy_frame_has_a_row_per_epoch():
    frame = Ledger([make_run("a"), make_run("b", epochs=2)]).to_frame()
    assert len(frame) == 5
    assert set(frame.columns) >= {"run", "epoch", "seconds", "loss"}


def test_closing_spares_runs_still_training_in_another_thread():
    import threading

    from neurona.tracking import fit_ended, fit_started, still_training

    ledger = Ledger([make_run("background"), make_run("cut off")])
    for run in ledger:
        run.status = "running"
    fit_started(ledger["cut off"])  # its fit ran in this thread, which has moved on
    release, started = threading.Event(), threading.Event()

    def background_fit():
        fit_started(ledger["background"])
        started.set()
        release.wait(10)
        fit_ended(ledger["background"])

    worker = threading.Thread(target=background_fit)
    worker.start()
    started.wait(10)
    try:
        assert still_training(ledger["background"]) and not still_training(ledger["cut off"])
        closed = ledger.close_open_runs(keep=still_training)
        assert [run.name for run in closed] == ["cut off"]
        assert ledger["background"].status == "running"
    finally:
        release.set()
        worker.join()
    assert not still_training(ledger["background"])


def test_select_gives_the_runs_named_in_that_order():
    ledger = Ledger([make_run("sgd"), make_run("adam"), make_run("nadam")])
    assert [run.name for run in ledger.select(["nadam", "sgd"])] == ["nadam", "sgd"]
    assert ledger.select("adam") == [ledger["adam"]]
    with pytest.raises(KeyError, match="no run named 'rmsprop'; runs in this ledger: 'sgd'"):
        ledger.select(["adam", "rmsprop"])


def test_the_record_module_draws_nothing():
    import ast
    from pathlib import Path

    import neurona.runs

    tree = ast.parse(Path(neurona.runs.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if "plot" in name or name.startswith("matplotlib")}
    assert not hasattr(Ledger, "plot")
