"""Package-level promises: fast import without TensorFlow, the flat API, shipped tables."""

import ast
import importlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import neurona as nr
from neurona.exports import flat_modules, public_names

SRC = Path(nr.__file__).parent

# Modules being rewritten by the other helpers of issue 15 (phase 1, and validate.py of phase 2),
# which get their __all__ when their work is merged; neurona.exports reads their public
# definitions until then. This set must end empty.


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


def module_files():
    """Dotted name -> source file of every module of the package."""
    files = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def test_every_module_declares_its_public_names_once():
    for module, path in module_files().items():
        tree = ast.parse(path.read_text())
        assigned = [node for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))]
        targets = [target for node in assigned
                   for target in getattr(node, "targets", [getattr(node, "target", None)])]
        targets += [element for target in targets if isinstance(target, ast.Tuple)
                    for element in target.elts]   # A, B = 1, 2
        declared = {target.id for target in targets if isinstance(target, ast.Name)}
        # A package that re-exports lists its modules (_FLAT), never their names.
        assert ("__all__" in declared) != ("_FLAT" in declared), module
        if "__all__" in declared:
            defined = {getattr(node, "name", None) for node in tree.body} | declared | {
                alias.asname or alias.name for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
            names = public_names(module)
            assert len(set(names)) == len(names), f"{module}: a name twice in __all__"
            assert set(names) <= defined, f"{module}: __all__ names {set(names) - defined}"


def test_every_flat_name_resolves_from_neurona_to_its_module():
    for module in flat_modules("neurona"):
        imported = importlib.import_module(module)
        for name in public_names(module):
            assert getattr(nr, name) is getattr(imported, name), f"nr.{name} from {module}"
    assert set(nr.__all__) <= set(dir(nr))
    for name in nr.__all__:
        assert getattr(nr, name) is not None, name
    assert not hasattr(nr, "no_such_thing")


def test_no_two_flat_modules_offer_the_same_name():
    offered = Counter(name for module in flat_modules("neurona") for name in public_names(module))
    assert [name for name, count in offered.items() if count > 1] == []
    modules = {name.rpartition(".")[2] for name in module_files()}
    assert sorted(set(offered) & modules) == [], "a name is also a module's name"


def test_a_mistyped_name_gets_close_matches_and_a_lesson_internal_its_topic():
    with pytest.raises(AttributeError, match=r"did you mean nr\.plot_learning_curves\?"):
        nr.plot_learning_curve  # noqa: B018
    with pytest.raises(AttributeError, match=r"did you mean nr\.Playground\?"):
        nr.playground  # noqa: B018
    with pytest.raises(AttributeError, match=r"; use nr\.scratch\.Perceptron$"):
        nr.Perceptron  # noqa: B018
    with pytest.raises(AttributeError, match=r"^module 'neurona' has no attribute 'zzz'$"):
        nr.zzz  # noqa: B018
    assert {"load", "callbacks", "Playground", "check", "scratch"} <= set(dir(nr))
    assert "Perceptron" not in dir(nr) and "Perceptron" in dir(nr.scratch)


def test_import_loads_no_picture_and_callbacks_only_the_live_one():
    result = run_python(
        "import sys; import neurona as nr; "
        "print(sorted(m for m in sys.modules if m.startswith(('neurona.', 'matplotlib', "
        "'tensorflow', 'keras')))); "
        "import keras; nr.callbacks(); "
        "print(sorted(m for m in sys.modules if m.startswith('neurona.plots')))"
    )
    assert result.returncode == 0, result.stderr
    at_import, after_callbacks = result.stdout.splitlines()
    assert at_import == str(['neurona.exports', 'neurona.hardware', 'neurona.i18n',
                             'neurona.startup', 'neurona.validate'])
    assert after_callbacks == "['neurona.plots', 'neurona.plots.live', 'neurona.plots.render']"


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
        "import neurona as nr, sys; nr.Playground; nr.PerceptronExplorer; nr.scratch.MLP; "
        "nr.check; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
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
