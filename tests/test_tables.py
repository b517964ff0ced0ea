"""The tables a notebook shows: the ledger's compact table and the Trainer's comparison."""

from __future__ import annotations

import pickle
import re

import pandas as pd
import pytest

from neurona.i18n import set_language
from neurona.runs import Ledger, RunRecord, table_html


def make_run(name, epochs=3, samples=60000, hparams=None):
    run = RunRecord(name=name, samples_per_epoch=samples,
                    device="CPU: Intel Xeon Platinum 8375C (8 cores)",
                    hparams=hparams or {"batch_size": 32, "learning_rate": 0.001})
    for k in range(epochs):
        run.add_epoch({"loss": 0.123456789 / (k + 1), "val_accuracy": 0.9 + k / 100},
                      2.0 if k == 0 else 1.234567)
    run.finish("finished")
    return run


@pytest.fixture
def ledger():
    return Ledger([make_run("adam, lr 0.001, batch 32, 3 epochs"), make_run("sgd", epochs=2)])


def cells(html):
    """The text of every header and cell, row by row."""
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    return [[re.sub("<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", r)]
            for r in rows]


def test_the_default_table_has_the_columns_a_student_compares(ledger):
    table = ledger.table()
    assert list(table.columns) == ["status", "epochs", "loss", "val_accuracy", "first epoch (s)",
                                   "steady epoch (s)", "samples/s", "device"]
    assert table.hidden_columns == 3  # parameters, batch_size, learning_rate
    every = ledger.table(all_columns=True)
    assert {"parameters", "batch_size", "learning_rate"} <= set(every.columns)
    assert every.loc["sgd", "learning_rate"] == 0.001


def test_the_numbers_stay_exact_and_derived_frames_are_plain(ledger):
    table = ledger.table()
    assert table.loc["sgd", "samples/s"] == pytest.approx(60000 / 1.234567)
    assert table.loc["sgd", "loss"] == pytest.approx(0.123456789 / 2)
    part = table.loc[["sgd"]].reset_index()
    assert type(part) is pd.DataFrame and part["run"].tolist() == ["sgd"]
    back = pickle.loads(pickle.dumps(table))
    assert back.equals(table) and back.hidden_columns == 3


def test_the_html_is_compact_grouped_and_scrolls(ledger):
    html = ledger._repr_html_()
    assert 'overflow-x: auto' in html and "border=" not in html
    header, first, second = cells(html)
    assert header[0] == "run" and header[-1] == "device"
    # the run name on one line, whole numbers whole, 4 significant digits, thousands grouped
    assert first[0] == "adam, lr 0.001, batch 32, 3 epochs"
    assert re.search(r'<th style="[^"]*white-space: nowrap[^"]*">adam, lr', html)
    assert first[2] == "3" and first[3] == "0.04115" and first[4] == "0.92"
    assert first[5] == "2" and first[6] == "1.235" and first[7] == "48,600"
    assert second[2] == "2" and second[3] == "0.06173"
    assert first[8] == "CPU (8 cores)"  # the device short, all of it on hover
    assert 'title="CPU: Intel Xeon Platinum 8375C (8 cores)"' in html
    assert "3 more columns" in html and "all_columns=True" in html


def test_numbers_align_right_and_text_left(ledger):
    html = ledger._repr_html_()
    heads = re.findall(r'<th style="[^"]*text-align: (\w+)">([^<]*)</th>', html)
    assert dict((name, side) for side, name in heads) == {
        "run": "left", "status": "left", "epochs": "right", "loss": "right",
        "val_accuracy": "right", "first epoch (s)": "right", "steady epoch (s)": "right",
        "samples/s": "right", "device": "left"}


def test_spanish_groups_with_a_thin_space_and_keeps_its_column_names(ledger):
    set_language("es")
    try:
        table = ledger.table()
        html = table._repr_html_()
    finally:
        set_language("en")
    assert "época" in " ".join(table.columns) or "épocas" in table.columns
    assert "48\u202f600" in html


def test_long_text_is_cut_and_the_gpu_named_by_its_kind():
    frame = pd.DataFrame({"note": ["x" * 40], "device": ["GPU: NVIDIA H100 80GB HBM3"]},
                         index=["a run with a long name that stays whole"])
    rows = cells(table_html(frame))
    assert rows[1] == ["a run with a long name that stays whole", "x" * 27 + "…", "GPU"]


def test_missing_values_and_mixed_columns():
    frame = pd.DataFrame({"a": [1.0, float("nan")], "b": [pd.NA, 1234567.8], "c": ["x", None],
                          "d": [0.00001234, 0.5]}, index=["r1", "r2"]).convert_dtypes()
    rows = cells(table_html(frame))
    assert rows[1][1:] == ["1", "", "x", "1.23e-05"]
    assert rows[2][1:] == ["", "1,234,568", "", "0.5"]


def test_an_empty_ledger_says_so():
    assert "empty" in Ledger()._repr_html_()
    assert len(Ledger().table()) == 0


def test_the_trainer_shows_its_runs_compact_and_its_run_menu_has_a_run():
    keras = pytest.importorskip("keras")
    import numpy as np

    from neurona.widgets.trainer import Trainer

    def dense(units=8):
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, "relu"),
                                 keras.layers.Dense(2, "softmax")])

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.integers(0, 2, size=64)
    trainer = Trainer(dense, x, y, validation_split=0.25, ledger=Ledger(),
                      defaults={"epochs": 2})  # 2: a steady epoch too
    trainer.train(wait=True)
    first = trainer.runs[0]
    assert trainer.run_menu.value == first  # not an empty menu beside a run
    trainer.set(learning_rate=0.01)
    trainer.train(wait=True)
    assert trainer.run_menu.value == first and len(trainer.run_menu.options) == 2
    html = trainer.table_html.value
    assert "overflow-x: auto" in html and "border=" not in html
    header = cells(html)[0]
    assert header[:4] == ["run", "pinned", "status", "epochs"]  # then the metrics, the settings
    assert header[-5:] == ["parameters", "first epoch (s)", "steady epoch (s)", "samples/s",
                           "device"]
    table = trainer.table()
    assert table.loc[first, "learning_rate"] == pytest.approx(0.001)
    assert "0.001<" in html and "0.001000" not in html
    assert "<table" in table._repr_html_()
