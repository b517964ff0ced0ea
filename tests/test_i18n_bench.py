"""The performance lab (notebook 11) and the distributed launcher (notebook 14) speak Spanish.

Everything here is cheap: configurations are checked (the code file is read, not run), estimates
skip their calibration run, sweeps use a fake runner, and one tiny child process fails on purpose.
Each text is made twice, with the kit in English and in Spanish: a word of three letters or more
that a Spanish text shares with its English twin is English left behind, unless it is a name or
the same word in Spanish (:data:`SAME_IN_SPANISH`). Row keys, status words and the columns that
notebook code indexes stay English: they are data, and the tests of bench check them as such.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from i18n_support import in_both
from test_bench import TINY

from neurona import bench, distributed, i18n, processes
from neurona.bench import __main__ as cli
from neurona.bench import child, sweeps
from neurona.bench.limits import memory_limit
from neurona.runs import Ledger

# Names (networks, frameworks, devices, units), argument names a message quotes, and words
# that are the same in Spanish.
SAME_IN_SPANISH = {
    "mlp", "lenet", "pyramid", "sizes", "tiny", "tensorflow", "jax", "torch", "keras", "cpu",
    "gpu", "json", "python", "flop", "flops", "gflop", "config", "kernel", "restart", "chief",
    "worker", "host", "port", "task", "index", "cluster", "level", "model", "backend",
    "processors", "inputs", "samples", "workers", "epochs", "code", "run", "sweep", "fit",
    "eager", "matmul", "bfloat", "float", "mixed", "intra", "peak", "dict",
    "none", "list", "str", "total", "error", "launch", "writefile", "array", "arrays", "framework",
    "device", "dtype", "repeats", "seed", "threads", "timeout", "fraction", "units", "classes",
    "width", "cnn", "share", "script",
}
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{3,}")
# Left out before comparing: code (split_cpu(2), batch_size=64), quoted and dotted names
# (timed_code.py, nr.bench.Config), identifiers with an underscore, Python's exceptions, options
# (--code) and paths.
NOT_WORDS = re.compile(r"\b\w+\([^)]*\)|\b\w+=\S+|'[^']*'|\"[^\"]*\"|\b[\w-]+(\.[\w-]+)+"
                       r"|\b\w*_\w*\b|\b\w+Error\b|--[\w-]+|[\w.~-]*/\S+")
def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(NOT_WORDS.sub(" ", text))}


def error(call: Callable[[], object]) -> str:
    """The message of the error ``call()`` raises."""
    try:
        call()
    except Exception as err:  # noqa: BLE001  (any error: its message is what is compared)
        return str(err)
    raise AssertionError("no error raised")


def english_left(english: list[str], spanish: list[str]) -> list[str]:
    """Each Spanish text that shares a word (not a name) with its English twin, or is the same."""
    assert len(english) == len(spanish)
    left = []
    for en, es in zip(english, spanish, strict=True):
        shared = (words(en) & words(es)) - SAME_IN_SPANISH
        if shared or (en == es and words(en) - SAME_IN_SPANISH):
            left.append(f"{es!r} (English: {en!r}; shared: {sorted(shared)})")
    return left


def printed(call: Callable[[], object]) -> str:
    """What ``call()`` writes to standard output and standard error."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        call()
    return buffer.getvalue().strip()


def fake_runner(config):
    return {**config.to_dict(), "label": config.label(), "ok": True, "error": "",
            "median_s": 1.0, "min_s": 0.9, "max_s": 1.1, "samples_per_s": 100.0,
            "achieved_gflops": 5.0, "parameters": 10}  # fmt: skip


def lab_texts(code: str, timed) -> list[str]:
    """What the performance lab shows a student: labels, lines, headers and errors."""
    base = bench.Config(code=code, **TINY)
    mine = Path(code).parent / "mine_code.py"
    mine.write_text("def net(width):\n    pass\n")
    texts = [base.with_(threads=2).label(), base.with_(task="infer").label()]
    big = base.with_(model="lenet", model_args={"maps": 64}, batch_size=4096)
    texts.append(bench.estimate(big, calibrate=False, limit_bytes=200_000_000).message)
    estimate = bench.estimate(base, calibrate=False)
    estimate.seconds_per_epoch = 1.5
    texts.append(estimate.message)
    estimate.suggested_batch_size, estimate.limit_bytes = None, 1
    texts.append(estimate.message)
    # a sweep: its progress labels, the ledger's note, an interrupted table, skipped backends
    labels = []
    results = bench.sweep([base], runner=fake_runner, ledger=Ledger(),
                          progress=lambda done, total, row: labels.append(row["label"]))
    texts.append(labels[-1])
    texts.append(bench.to_record(results.rows[0]).note)
    results.interrupted = True
    texts.append(results._repr_html_().split("</p>")[0])
    skipped = sweeps.backends(base, names=["jax"], runner=fake_runner, ledger=Ledger(),
                              progress=False)  # no backend is installed (see the test)
    texts += [row["error"] for row in skipped.rows]
    # the FLOPs table's headers
    table = bench.flops_table(timed.mlp(hidden_layers=1, units=8))
    texts += [table.index.name, *table.columns, table.index[-1]]
    # latency: a model already in memory
    rows = bench.latency(timed.mlp(hidden_layers=1, units=8), np.zeros((4, 9), "float32"),
                         samples=(2,), repeats=1, label="tiny")  # fmt: skip
    texts.append(rows.rows[0]["label"])
    # the command line: its help, its refusals
    parser = cli.parser()
    texts += [parser.description, *(action.help for action in parser._actions[1:] if action.help)]
    texts.append(printed(lambda: cli.main(["threads"])))
    texts.append(printed(lambda: cli.main(["threads", "--code", code, "--model-args", "[1]"])))
    texts.append(printed(lambda: child.main([])))
    # errors a student meets in the notebook
    texts += [
        error(lambda: base.with_(level="eager", backend="jax")),
        error(lambda: base.with_(task="infer", level="eager")),
        error(lambda: base.with_(model_args=[1])),
        error(lambda: base.with_(model_args={"f": {1, 2}})),
        error(lambda: base.with_(model=3)),
        error(lambda: base.with_(thread=2)),
        error(lambda: base.with_(threads=0)),
        error(lambda: base.with_(timeout=0)),
        error(lambda: bench.Config(code="nowhere_code.py", model="mlp")),
        error(lambda: bench.Config(code=3, model="mlp")),
        error(lambda: base.with_(model="resnet")),
        error(lambda: base.with_(model_args={"maps": 2})),
        error(lambda: bench.Config(code=mine, model="net", level="eager")),
        error(lambda: bench.Config(code=mine, model="net", model_args={"width": [1]})),
        error(lambda: bench.run("mlp")),
        error(lambda: bench.sweep(["mlp"])),
        error(lambda: bench.amdahl_speedup(0.5, 0)),
        error(lambda: bench.amdahl_speedup(2, 4)),
        error(lambda: bench.gustafson_speedup(0.1, 0)),
        error(lambda: bench.fit_parallel_fraction([1], [1])),
        error(lambda: bench.fit_parallel_fraction([1, 0], [1, 1])),
        error(lambda: bench.fit_parallel_fraction([1, 1], [1, 1])),
        error(lambda: memory_limit(0)),
        error(lambda: bench.speedup_table(results)),
        error(lambda: bench.latency(None, [])),
        error(lambda: bench.latency(None, np.zeros(3))),
        error(lambda: bench.latency(None, [np.zeros((2, 1)), np.zeros((3, 1))])),
        error(lambda: bench.latency(None, np.zeros((2, 1)), samples=())),
        error(lambda: bench.latency(None, np.zeros((2, 1)), budget_s=0)),
    ]
    return [text for text in texts if text]


def test_the_performance_lab_speaks_spanish(code, timed, monkeypatch):
    nothing_installed = SimpleNamespace(util=SimpleNamespace(find_spec=lambda name: None))
    monkeypatch.setattr(sweeps, "importlib", nothing_installed)
    english, spanish = in_both(lambda: lab_texts(code, timed))
    assert english_left(english, spanish) == []
    assert spanish[0] == "mlp 1x16 · entrenamiento · lote 64 · cpu · 2 hilos"
    assert any(text.startswith("Demasiado grande") for text in spanish)


def distributed_texts(tmp_path: Path) -> list[str]:
    """What notebook 14's launcher and simulation tell a student, and a failed child's reason."""
    def tf_config(text):
        return lambda: distributed.check_tf_config(text)

    return [
        error(tf_config("{nope")).split(":")[0],  # then json's own English reason
        error(tf_config("[1]")),
        error(tf_config({"cluster": {}})),
        error(tf_config({"cluster": {"worker": ["nohost"]}})),
        error(tf_config({"cluster": {"worker": ["a:1"]}, "task": {"type": "ps"}})),
        error(tf_config({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker",
                                                                         "index": 5}})),
        error(lambda: distributed.launch(2, tmp_path / "missing.py")),
        error(lambda: distributed.simulate("sync", 3, global_batch=64)),
        error(lambda: distributed.simulate("sum", 2, epochs=3, local_epochs=2)),
        error(lambda: distributed.combine_deltas([np.zeros(2)], [])),
        processes.run([sys.executable, "-c", "import sys; sys.exit(3)"], timeout=60)["error"],
    ]


def test_the_distributed_launcher_and_the_child_processes_speak_spanish(tmp_path):
    english, spanish = in_both(lambda: distributed_texts(tmp_path))
    assert english_left(english, spanish) == []
    assert spanish[-1] == "el proceso hijo terminó con el código 3: (sin salida)"


def test_a_translated_error_keeps_its_english_class(code):
    i18n.set_language("es")
    try:
        with pytest.raises(ValueError, match="no define ninguna red 'resnet'; sus redes: mlp"):
            bench.Config(code=code, model="resnet")
        with pytest.raises(FileNotFoundError, match="no hay ningún script de trabajador"):
            distributed.launch(1, "no_such_worker.py")
    finally:
        i18n.set_language("en")


def test_a_child_process_speaks_the_notebooks_language():
    assert processes.child_env()["NEURONA_LANG"] == "en"
    i18n.set_language("es")
    try:
        assert processes.child_env()["NEURONA_LANG"] == "es"
    finally:
        i18n.set_language("en")
