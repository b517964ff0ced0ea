"""Package-level promises: fast import without TensorFlow, the flat API, shipped tables."""

import subprocess
import sys

import pytest

import neurona as nr


def run_python(code, **env):
    import os

    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180, env=environment)


def test_import_is_light_and_does_not_start_tensorflow():
    result = run_python(
        "import time, sys; t = time.perf_counter(); import neurona; "
        "print(time.perf_counter() - t); "
        "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib', 'sklearn', 'pandas') "
        "if m in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    seconds, heavy = result.stdout.splitlines()
    assert heavy == "[]"
    assert float(seconds) < 5  # generous: the promise (<= 0.5 s) is measured in benchmarks


def test_tensorflow_start_up_log_is_silenced_but_real_errors_are_not():
    quiet = run_python("import neurona, tensorflow as tf; print(float(tf.reduce_sum(tf.ones(3))))")
    assert quiet.returncode == 0 and quiet.stdout.strip() == "3.0"
    assert quiet.stderr.strip() == "", quiet.stderr
    loud = run_python("import neurona, sys; sys.stderr.write('real problem\\n'); "
                      "import tensorflow")
    assert "real problem" in loud.stderr


def test_user_choice_of_tf_log_level_is_respected():
    result = run_python("import neurona, os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])",
                        TF_CPP_MIN_LOG_LEVEL="0")
    assert result.stdout.strip() == "0"


def test_every_public_name_resolves():
    for name in nr.__all__:
        assert getattr(nr, name) is not None, name
    assert not hasattr(nr, "no_such_thing")


def test_reference_tables_ship_with_the_package():
    names = nr.reference_tables()
    assert len(names) == 9 and "autoencoder_framework_times" in names
    book = nr.reference_table("keras_book_runs")
    assert list(book.run) == ["E2a", "E2b", "E3a", "E3b", "E3c", "E5"]
    assert "Keras 2.1.3" in book.attrs["source"]
    presets = nr.reference_table("autoencoder_framework_times")
    assert presets.shape == (44, 11)
    thesis = nr.reference_table("intro_thesis_runs")
    assert thesis.shape[0] == 1 and "circles" in thesis.attrs["source"]
    with pytest.raises(ValueError, match="table must be one of autoencoder_framework_times"):
        nr.reference_table("nope")


def test_quick_mode_reads_the_environment(monkeypatch):
    monkeypatch.setenv("NEURONA_QUICK", "1")
    assert nr.quick_mode()
    monkeypatch.setenv("NEURONA_QUICK", "0")
    assert not nr.quick_mode()


def test_the_numpy_lessons_do_not_start_tensorflow():
    result = run_python(
        "import neurona as nr, sys; nr.Playground; nr.PerceptronExplorer; nr.MLP; nr.check; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


def test_on_colab_the_widget_manager_for_ipywidgets_8_is_switched_on(monkeypatch):
    import types

    from neurona import startup

    calls = []
    output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("on"))
    colab = types.ModuleType("google.colab")
    colab.output = output
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    assert startup.colab_widgets() is True and calls == ["on"]
    monkeypatch.delitem(sys.modules, "google.colab")
    assert startup.colab_widgets() is False and calls == ["on"]
