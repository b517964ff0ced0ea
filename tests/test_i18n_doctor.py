"""The doctor, the hardware report, the kit's notices and its data errors speak Spanish.

Each test renders what a student reads in English and in Spanish, on the same machine, and
fails on a word of three letters or more that the Spanish kept from the English, except names
(CPU, TensorFlow, ...) and the words the allowlist below explains.
"""

from __future__ import annotations

import re

import pytest
from i18n_support import in_both

import neurona as nr
from neurona import diagnosis as doc
from neurona import hardware as hw

# Names, commands and words that are the same in both languages.
SAME = {
    # names of things
    "cpu", "cpus", "gpu", "gpus", "ram", "nvidia", "nvidia-smi", "tensorflow", "keras", "jax",
    "torch", "pytorch", "numpy", "matplotlib", "seaborn", "scikit-learn", "pandas", "python",
    "ipywidgets", "jupyter", "jupyterlab", "jupyterhub", "notebook", "colab", "code", "binder",
    "kaggle", "linux", "debian", "ubuntu", "windows", "wsl2", "amd", "epyc", "intel",
    "fashion-mnist", "mnist", "neurona", "doctor", "kubespawner", "taskset", "numactl",
    "cpuset", "cgroup", "max", "mem_limit", "cpu_limit", "true", "false", "none", "nan",
    "idx", "gzip", "sha256", "digits", "iris",
    "optical", "recognition", "handwritten",  # the UCI data set's title
    "sign",  # the formula sign(x1*x2)
    # what the front end itself shows, in English whatever the kit's language
    "intslider", "error", "displaying", "widget", "widgets", "kernel", "restart",
    "developer", "reload", "window", "ms-toolsai",
    # values a student types (NEURONA_QUICK=yes), the tests' own values
    "yes", "off", "maybe", "lood", "ftp", "example",
    # words the two languages share
    "local", "total", "actual", "kit", "internet",
}


def words(text: str) -> set[str]:
    """The words of ``text`` a translator should have changed: no code, paths or variables."""
    # code (Markdown and HTML), tags, HTML entities, paths
    text = re.sub(r"`[^`]*`|<code>.*?</code>|<[^>]*>|&#?\w+;|[\w.~-]*[/\\][\w./\\-]*", " ",
                  text)
    tokens = [t.strip("'-") for t in re.findall(r"[^\W\d][\w'-]*", text)]
    return {t.lower() for t in tokens
            if len(t) >= 3 and not re.search(r"[_\d]", t) and not t.isupper()
            and t.lower() not in SAME}


def english_left(english: str, spanish: str) -> set[str]:
    """Words of three letters or more found in both texts, less the allowlist."""
    assert english != spanish, "nothing was translated"
    return words(english) & words(spanish)


def assert_spanish(english: str, spanish: str) -> None:
    left = english_left(english, spanish)
    assert not left, f"English left in the Spanish: {sorted(left)}"


# -- the doctor ------------------------------------------------------------------------------
def all_checks() -> list[doc.Check]:
    """The doctor's checks here, and the ones a student meets on other machines."""
    small = hw.ResourceLimits(host_cpus=8, cpus=1, cpu_quota=1.0, cpu_source="cgroup v2 cpu.max",
                              host_memory_bytes=64 * 2**30, memory_bytes=2**30,
                              memory_source="MEM_LIMIT")
    masked = hw.ResourceLimits(host_cpus=8, cpus=1, cpu_quota=None, cpu_source="CPU affinity",
                               host_memory_bytes=64 * 2**30, memory_bytes=64 * 2**30,
                               memory_source="host")
    checks = list(nr.doctor().checks)
    checks += [doc._check_python((3, 9)), doc._check_limits(small), doc._check_limits(masked)]
    checks += [doc._check_gpu([], [], False), doc._check_gpu(["T4"], [], False),
               doc._check_gpu(["T4"], ["T4"], True)]
    checks += [doc._check_widgets(front_end, "8.1.0") for front_end in doc.FRONT_ENDS]
    checks.append(doc._check_widgets("Colab", None))
    return checks


def report_texts() -> str:
    report = doc.DoctorReport(checks=all_checks(), front_end="unknown")
    widget_texts = [doc._widget_test_text(front_end) for front_end in doc.FRONT_ENDS]
    return "\n".join([str(report), report._repr_html_(), *widget_texts])


def test_the_doctors_report_speaks_spanish_as_text_and_as_html():
    english, spanish = in_both(report_texts)
    assert_spanish(english, spanish)
    assert "Comprobación" in spanish and "Solución" in spanish


def test_a_check_keeps_its_english_name_for_code_and_shows_it_in_spanish(spanish):
    report = nr.doctor()
    assert report["Cache folder"].status == "ok"
    assert "Carpeta de caché" in str(report) and "Carpeta de caché" in report._repr_html_()


def test_the_hardware_report_speaks_spanish():
    def texts():
        report = hw.hardware_report()
        report.limits = hw.ResourceLimits(
            host_cpus=16, cpus=1, cpu_quota=1.0, cpu_source="cgroup v2 cpu.max",
            host_memory_bytes=64 * 2**30, memory_bytes=2 * 2**30, memory_source="MEM_LIMIT")
        report.gpus = [{"name": "T4", "memory_gb": 15.0, "seen_by": ["nvidia-smi", "tensorflow"]}]
        unlimited = hw.resource_limits()
        return "\n".join([str(report), report._repr_html_(), report.summary(),
                          report.limits.summary(), unlimited.summary()])

    english, spanish = in_both(texts)
    assert_spanish(english, spanish)
    assert "Esta máquina" in spanish


def test_a_translated_error_keeps_its_english_class(spanish):
    with pytest.raises(ValueError, match="debe ser True o False"):
        nr.hardware_report(probe_backend="yes")
    with pytest.raises(KeyError, match="ninguna comprobación"):
        nr.doctor()["Astrology"]


# -- the one-line notices, the %%timed line, the kit's errors -------------------------------
def test_a_setting_that_is_not_understood_gets_its_line_in_spanish(monkeypatch, capsys):
    from neurona import settings

    monkeypatch.setenv(settings.QUICK_ENV, "maybe")
    monkeypatch.setenv(settings.DATA_DIRS_ENV, "/no/such/folder")
    monkeypatch.delenv(settings.OFFLINE_ENV, raising=False)

    def lines():
        monkeypatch.setattr(settings, "_SAID", set())
        settings.quick_mode()
        settings.data_search_dirs()
        return capsys.readouterr().out

    english, spanish = in_both(lines)
    assert_spanish(english, spanish)
    assert spanish.startswith("neurona: no se entiende NEURONA_QUICK='maybe'")


def test_the_timed_line_speaks_spanish(monkeypatch):
    import sys

    from neurona.timing import Stopwatch, where_it_ran

    monkeypatch.delitem(sys.modules, "keras", raising=False)  # the NumPy line, without Keras

    def line():
        with Stopwatch(verbose=False) as watch:
            sum(range(1000))
        return f"{watch.summary()} · {where_it_ran()}"

    english, spanish = in_both(line)
    assert_spanish(english, spanish)
    assert spanish.startswith("bloque: ") and "núcleos ocupados" in spanish


def test_the_network_status_speaks_spanish(monkeypatch):
    from neurona import settings
    from neurona.network import network_status

    monkeypatch.setenv(settings.OFFLINE_ENV, "1")
    english, spanish = in_both(lambda: network_status()[1])
    assert_spanish(english, spanish)


def test_the_parameter_table_shows_spanish_headers_and_keeps_its_english_columns(spanish):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    table = nr.parameter_table(model)
    assert "by hand" in table.columns
    page = table._repr_html_()
    assert "a mano" in page and "count_params() de Keras" in page and "by hand" not in page


def test_translated_errors_keep_their_english_classes(spanish):
    with pytest.raises(AttributeError, match=r"¿querías decir nr\.load\?"):
        nr.lood  # noqa: B018
    with pytest.raises(ValueError, match="necesita al menos dos anchuras"):
        nr.count_dense([784])
    with pytest.raises(ValueError, match="debe ser una dirección http"):
        from neurona.network import network_status

        network_status("ftp://example.org")


# -- the data: the offline fallback's one line, the dataset's table, its errors --------------
def test_the_offline_fallback_line_of_nr_load_is_spanish(tmp_cache, monkeypatch, capsys):
    from neurona import settings

    monkeypatch.setenv(settings.OFFLINE_ENV, "1")  # a fresh offline machine: no copy, no download

    def line_and_table():
        data = nr.load("fashion_mnist", n_train=12_000, n_test=100)
        return capsys.readouterr().out + repr(data) + data._repr_html_()

    english, spanish = in_both(line_and_table)
    assert_spanish(english, spanish)
    first = spanish.splitlines()[0]
    assert first.startswith("neurona: NEURONA_OFFLINE=1 convierte esta máquina")
    assert "se usan en su lugar los dígitos de scikit-learn" in first
    assert "12\u202f000 imágenes de entrenamiento" in spanish  # Spanish groups with a thin space
    assert "T-shirt/top" not in spanish  # the digits stand in: their class names are data


def test_a_dataset_error_keeps_its_english_class(tmp_cache, monkeypatch, spanish):
    from neurona import settings
    from neurona.data.fetch import DatasetUnavailable

    monkeypatch.setenv(settings.OFFLINE_ENV, "1")
    with pytest.raises(DatasetUnavailable, match="no está en esta máquina") as info:
        nr.load("fashion_mnist", fallback=False)
    assert isinstance(info.value, RuntimeError)
    assert "NEURONA_OFFLINE=1 oculta todas las copias locales" in str(info.value)
    with pytest.raises(TypeError, match="admite n_train, n_test, seed y fallback"):
        nr.load("mnist", colour=True)


def test_the_list_of_datasets_speaks_spanish():
    english, spanish = in_both(lambda: "\n".join(nr.DATASETS.values()))
    assert_spanish(english, spanish)
    assert list(nr.DATASETS)[:2] == ["mnist", "fashion_mnist"]  # the names stay


def test_the_memory_line_and_the_too_late_error_speak_spanish(capsys):
    def texts():
        nr.enough_memory(2**60, "VGG16")
        return capsys.readouterr().out + str(hw._too_late(hw._("hide the GPUs"),
                                                          hw._("TensorFlow already ran")))

    english, spanish = in_both(texts)
    assert_spanish(english, spanish)
    assert "se omite VGG16" in spanish and "Demasiado tarde para ocultar las GPU" in spanish
    assert isinstance(hw._too_late("x"), RuntimeError)
