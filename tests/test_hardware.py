"""neurona.hardware and neurona.diagnosis: the machine report, the start-up switches, the doctor.

Start-up switches are tested in fresh Python processes: once TensorFlow has run in the test
process, its devices and thread pools can no longer change.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

from neurona import hardware as hw

doc = importlib.import_module("neurona.diagnosis")

SUBPROCESS_TIMEOUT_S = 120


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with a clean start-up environment."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    for name in ("CUDA_VISIBLE_DEVICES", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )


def assert_child_ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, f"child failed:\n{done.stdout}\n{done.stderr}"


def smi_gpus() -> list[dict]:
    return hw.nvidia_smi_gpus()


# -- the report ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report() -> hw.HardwareReport:
    return hw.hardware_report()


def test_report_fields_are_sensible(report):
    assert report.physical_cores >= 1
    assert report.logical_cores >= report.physical_cores
    assert report.ram_gb > 0
    assert report.cpu_model.strip()
    assert report.platform in hw.PLATFORMS
    assert report.os.split()[0] in {"Linux", "macOS", "Windows"}
    assert report.python.count(".") == 2
    assert "numpy" in report.versions
    assert report.versions["python"] == report.python
    assert report.keras_backend in hw.BACKENDS
    for gpu in report.gpus:
        assert set(gpu) == {"name", "memory_gb", "seen_by"}


def test_report_views(report):
    page = report._repr_html_()
    assert "<table" in page and "This machine" in page
    assert report.cpu_model.replace("&", "&amp;") in page
    text = str(report)
    assert text.startswith("This machine") and report.cpu_model in text
    assert report.to_dict()["cpu_model"] == report.cpu_model
    line = report.summary()
    assert line.startswith(f"CPU: {report.cpu_model} (")
    assert "GB RAM" in line and "\n" not in line
    if not smi_gpus():
        assert "no GPU" in line


def test_summary_names_gpus_and_backend():
    report = hw.HardwareReport(
        platform="Colab",
        os="Linux 6.1 x86_64",
        python="3.11.7",
        cpu_model="Intel Xeon",
        physical_cores=1,
        logical_cores=2,
        ram_gb=12.7,
        gpus=[{"name": "Tesla T4", "memory_gb": 15.0, "seen_by": ["nvidia-smi"]}] * 2,
        keras_backend="jax",
        versions={"keras": "3.15.1", "jax": "0.6.0"},
    )
    assert report.summary() == (
        "CPU: Intel Xeon (1 core, 2 threads), 12.7 GB RAM, 2x GPU: Tesla T4 (15.0 GB); "
        "Keras 3.15.1 on jax 0.6.0"
    )
    assert "seen by nvidia-smi" in report._repr_html_()


def test_report_does_not_probe_tensorflow_unless_asked():
    done = run_python(
        """
        import sys
        import neurona
        import neurona.hardware as hw
        assert "tensorflow" not in sys.modules, "import neurona.hardware imported TensorFlow"
        report = hw.hardware_report()
        neurona.doctor()
        assert "tensorflow" not in sys.modules, "the report or the doctor imported TensorFlow"
        assert "keras" not in sys.modules
        print(report.summary())
        """
    )
    assert_child_ok(done)
    assert done.stdout.startswith("CPU: ")


@pytest.mark.parametrize(
    ("env", "modules", "expected"),
    [
        ({}, {}, "local"),
        ({"COLAB_RELEASE_TAG": "release-colab_20250101"}, {}, "Colab"),
        ({"COLAB_GPU": "1"}, {}, "Colab"),
        ({}, {"google.colab": object()}, "Colab"),
        ({"BINDER_REPO_URL": "https://github.com/x/y", "JUPYTERHUB_USER": "u"}, {}, "Binder"),
        ({"BINDER_SERVICE_HOST": "10.0.0.1"}, {}, "Binder"),
        ({"JUPYTERHUB_API_URL": "http://hub:8081/hub/api"}, {}, "JupyterHub"),
        ({"JUPYTERHUB_USER": "student1"}, {}, "JupyterHub"),
        ({"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, {}, "Kaggle"),
    ],
)
def test_platform_detection(env, modules, expected):
    assert hw._detect_platform(env, modules) == expected


def test_platform_from_the_real_environment(monkeypatch):
    for name in (
        "COLAB_RELEASE_TAG",
        "COLAB_GPU",
        "BINDER_SERVICE_HOST",
        "BINDER_REPO_URL",
        "JUPYTERHUB_API_URL",
        "JUPYTERHUB_USER",
        "KAGGLE_KERNEL_RUN_TYPE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert hw.hardware_report().platform == "local"
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://hub:8081/hub/api")
    assert hw.hardware_report().platform == "JupyterHub"
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20250101")
    assert hw.hardware_report().platform == "Colab"


def test_keras_backend_from_environment(monkeypatch):
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert hw.keras_backend()[0] == "jax"


def test_keras_backend_from_config_file(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert hw.keras_backend() == ("tensorflow", "Keras' default")
    (tmp_path / "keras.json").write_text('{"backend": "torch"}')
    assert hw.keras_backend() == ("torch", str(tmp_path / "keras.json"))


# -- GPUs ------------------------------------------------------------------------------------
def test_nvidia_smi_parsing():
    canned = "NVIDIA H100 80GB HBM3, 81559\nTesla T4, 15360\n\nNVIDIA A100-SXM4-40GB, [N/A]\n"
    assert hw._parse_nvidia_smi(canned) == [
        {"name": "NVIDIA H100 80GB HBM3", "memory_gb": 79.6, "seen_by": ["nvidia-smi"]},
        {"name": "Tesla T4", "memory_gb": 15.0, "seen_by": ["nvidia-smi"]},
        {"name": "NVIDIA A100-SXM4-40GB", "memory_gb": None, "seen_by": ["nvidia-smi"]},
    ]
    assert hw._parse_nvidia_smi("") == []


def test_gpus_seen_by_both_are_merged():
    smi = hw._parse_nvidia_smi("Tesla T4, 15360\nTesla T4, 15360\n")
    merged = hw._merge_gpus(smi, ["Tesla T4"])
    assert [g["seen_by"] for g in merged] == [["nvidia-smi", "tensorflow"], ["nvidia-smi"]]
    assert smi[0]["seen_by"] == ["nvidia-smi"]  # the input is not changed
    only_tf = hw._merge_gpus([], ["Apple M2"])
    assert only_tf == [{"name": "Apple M2", "memory_gb": None, "seen_by": ["tensorflow"]}]


def test_missing_nvidia_smi_means_no_gpus(monkeypatch):
    monkeypatch.setattr(hw.shutil, "which", lambda name: None)
    assert hw.nvidia_smi_gpus() == []


def test_accelerator_strings():
    assert hw._accelerator("GPU", ["NVIDIA H100 80GB HBM3"]) == "GPU: NVIDIA H100 80GB HBM3"
    assert hw._accelerator("GPU", ["Tesla T4", "Tesla T4"]) == "2x GPU: Tesla T4"
    assert hw._accelerator("GPU", []).startswith("CPU: ")


def test_compute_device_here():
    device = hw.compute_device(refresh=True)
    if smi_gpus():
        assert device.startswith(("GPU", "CPU"))
    else:
        assert device.startswith("CPU: ")
        assert device.endswith("cores)") or device.endswith("core)")
    assert hw.compute_device() is device  # cached for the process


# -- start-up switches -----------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0, -1, "two", 2.5, True, None, 10_000])
def test_set_threads_rejects_bad_counts(bad, monkeypatch):
    monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
    with pytest.raises(ValueError, match=f"from 1 to {hw.MAX_THREADS}"):
        hw.set_threads(bad)
    with pytest.raises(ValueError, match="inter must be a whole number"):
        hw.set_threads(1, inter=bad if bad is not None else "x")
    assert "TF_NUM_INTRAOP_THREADS" not in os.environ  # refused before changing anything


def test_set_threads_before_tensorflow_starts():
    done = run_python(
        """
        import sys
        import neurona as nr
        print(nr.set_threads(1, 1))
        assert "tensorflow" not in sys.modules
        import keras
        import tensorflow as tf
        print(tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
        """
    )
    assert_child_ok(done)
    assert done.stdout.split("\n")[:2] == ["{'intra': 1, 'inter': 1}", "1 1"]


def test_set_threads_after_tensorflow_ran_is_too_late():
    done = run_python(
        """
        import neurona as nr
        import tensorflow as tf
        tf.constant(1.0) + 1.0
        try:
            nr.set_threads(2)
        except nr.TooLateError as err:
            assert isinstance(err, RuntimeError)
            print(err)
        else:
            raise SystemExit("no TooLateError")
        """
    )
    assert_child_ok(done)
    assert "restart" in done.stdout.lower()
    assert "Kernel → Restart" in done.stdout


def test_use_cpu_only_before_tensorflow_starts():
    done = run_python(
        """
        import os
        import neurona as nr
        nr.use_cpu_only()
        assert os.environ["CUDA_VISIBLE_DEVICES"] == "-1"
        import tensorflow as tf
        assert tf.config.list_logical_devices("GPU") == []
        print(nr.compute_device())
        """
    )
    assert_child_ok(done)
    assert done.stdout.startswith("GPUs hidden")
    assert done.stdout.splitlines()[1].startswith("CPU: ")


def test_too_late_error_says_how_to_recover():
    err = hw._too_late("hide the GPUs", "TensorFlow already set up its GPUs")
    assert isinstance(err, RuntimeError)
    assert "Restart the kernel" in str(err) and "run this cell first" in str(err)


# -- doctor ----------------------------------------------------------------------------------
def test_nr_doctor_is_the_function_even_after_importing_its_module():
    import neurona as nr

    assert isinstance(nr.doctor(), doc.DoctorReport)


def test_doctor_report(tmp_cache):
    result = doc.doctor()
    assert isinstance(result.ok, bool)
    names = [check.name for check in result.checks]
    for expected in ("Python", "keras", "ipywidgets", "Keras backend", "Widgets", "GPU"):
        assert expected in names
    assert {c.status for c in result.checks} <= set(doc.STATUSES)
    assert result["Cache folder"].status == "ok"
    assert tmp_cache.is_dir()
    page = result._repr_html_()
    assert "<table" in page and "✓" in page
    assert str(result).startswith("neurona doctor")


def test_doctor_displays_with_a_widget_headless(capsys):
    from IPython.display import display

    result = doc.doctor()
    result._ipython_display_()  # outside a kernel: the table as text, no widget
    box = doc._widget_test(result.front_end)
    display(box)  # no front end to draw it: must not raise
    assert "slider" in box.children[1].value
    assert "IntSlider" in capsys.readouterr().out
    # Where widgets cannot be drawn, the text form carries the whole fix.
    assert box._repr_mimebundle_()["text/plain"].endswith(doc._widget_test_text(result.front_end))


def test_doctor_fails_on_old_python_and_missing_packages(monkeypatch):
    assert doc._check_python((3, 9)).status == "fail"
    assert doc._check_python((3, 13)).status == "ok"
    assert "make PYTHON=" in doc._check_python((3, 14)).fix
    real = doc.dist_version
    monkeypatch.setattr(doc, "dist_version", lambda d: None if d == ("seaborn",) else real(d))
    seaborn = next(c for c in doc._check_packages() if c.name == "seaborn")
    assert seaborn.status == "fail" and "make lab" in seaborn.fix


@pytest.mark.parametrize(
    ("env", "user_ns", "in_kernel", "expected"),
    [
        ({"COLAB_RELEASE_TAG": "x"}, {}, True, "Colab"),
        ({"VSCODE_PID": "123"}, {}, True, "VS Code"),
        ({}, {"__vsc_ipynb_file__": "/a.ipynb"}, True, "VS Code"),
        (
            {"VSCODE_PID": "1", "TERM_PROGRAM": "vscode", "JPY_SESSION_NAME": "a.ipynb"},
            {},
            True,
            "JupyterLab or Notebook 7",
        ),
        ({"JPY_SESSION_NAME": "a.ipynb"}, {}, True, "JupyterLab or Notebook 7"),
        ({}, {}, True, "unknown"),
        ({}, {}, False, "no notebook"),
    ],
)
def test_front_end_detection(env, user_ns, in_kernel, expected):
    class Shell:
        pass

    shell = Shell() if in_kernel else None
    if shell is not None:
        shell.user_ns = user_ns
    assert doc._front_end(env, {}, shell=shell) == expected


@pytest.mark.parametrize("front_end", doc.FRONT_ENDS)
def test_every_front_end_has_a_widget_fix(front_end):
    check = doc._check_widgets(front_end)
    assert check.fix
    assert "slider" in doc._widget_test_text(front_end)


def test_lab_widgets_must_match_ipywidgets(monkeypatch):
    monkeypatch.setattr(doc, "dist_version", lambda names: "1.1.7")
    check = doc._check_widgets("JupyterLab or Notebook 7", ipywidgets_version="8.1.9")
    assert check.status == "fail" and "jupyterlab_widgets" in check.fix


def test_gpu_check():
    assert doc._check_gpu(smi_names=[]).status == "ok"
    waiting = doc._check_gpu(smi_names=["Tesla T4"], tf_started=False)
    assert waiting.status == "ok" and "not started yet" in waiting.message
    missing = doc._check_gpu(smi_names=["Tesla T4"], tf_names=[], tf_started=True)
    if os.environ.get("CUDA_VISIBLE_DEVICES") != "-1":
        assert missing.status == "warn" and "tensorflow[and-cuda]" in missing.fix


def test_offline_data_check(tmp_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(doc.settings, "SYSTEM_DATA_DIRS", ())
    monkeypatch.delenv("NEURONA_DATA_DIRS", raising=False)
    missing = doc._check_offline_data()
    assert missing.status == "warn" and "dataset-fashion-mnist" in missing.fix
    shared = tmp_path / "shared"
    (shared / "fashion-mnist").mkdir(parents=True)
    (shared / "fashion-mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"")
    monkeypatch.setenv("NEURONA_DATA_DIRS", str(shared))
    assert doc._check_offline_data().status == "ok"


def test_unwritable_cache_fails(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEURONA_CACHE", str(blocker / "cache"))
    check = doc._check_cache()
    assert check.status == "fail" and "NEURONA_CACHE" in check.fix


def test_quick_mode_check(monkeypatch):
    monkeypatch.setenv("NEURONA_QUICK", "1")
    assert doc._check_quick_mode().message.startswith("on")
    monkeypatch.setenv("NEURONA_QUICK", "0")
    assert doc._check_quick_mode().message.startswith("off")
