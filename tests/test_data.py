"""Tests of neurona.data: the IDX reader, where datasets are found, fallbacks, toy sets."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from neurona import settings
from neurona.data import DATASETS, Dataset, DatasetUnavailable, fetch, load, read_idx

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
TOY = ["circles", "moons", "xor", "spiral", "clusters"]
IDX_CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode an array as IDX, the way the MNIST files are written."""
    code = IDX_CODES[array.dtype.str[1:]]
    header = struct.pack(">BBBB", 0, 0, code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


@pytest.fixture
def away_from_system(monkeypatch, tmp_path):
    """No system folder, no NEURONA_DATA_DIRS, no Keras download folder: only the cache and
    the download are left."""
    monkeypatch.setattr(settings, "SYSTEM_DATA_DIRS", ())
    monkeypatch.delenv(settings.DATA_DIRS_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))


@pytest.fixture
def small_mnist_npz(monkeypatch):
    """Bytes of a tiny mnist.npz, made the file the kit expects by patching its checksum."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "y_train": np.arange(20, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        "y_test": np.arange(10, dtype=np.uint8),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    content = buffer.getvalue()
    monkeypatch.setitem(fetch.SHA256, "mnist/mnist.npz", hashlib.sha256(content).hexdigest())
    return content


def fake_download(content: bytes, calls: list):
    """A stand-in for fetch.download that 'downloads' the given bytes into the cache."""

    def download(url, fname, sha256, subdir):
        calls.append(fname)
        path = settings.cache_dir() / subdir / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path

    return download


# --- IDX ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_round_trip(dtype, gzipped, tmp_path):
    array = np.arange(2 * 3 * 4).reshape(2, 3, 4).astype(dtype)
    if dtype != "u1":
        array = array - 5  # negative values too
    if dtype[0] == "f":
        array = array / 3
    content = idx_bytes(array)
    if gzipped:
        content = gzip.compress(content)
    # A misleading name: gzip is told by its magic bytes, not by ".gz".
    path = tmp_path / "values.idx"
    path.write_bytes(content)
    for source in (content, path, str(path)):
        got = read_idx(source)
        assert got.shape == array.shape
        assert got.dtype == np.dtype(dtype)  # native byte order
        np.testing.assert_array_equal(got, array)


def test_read_idx_labels_are_one_dimensional():
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(idx_bytes(labels)), labels)


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04not idx at all", b"\x00\x00\x07\x01\x00\x00\x00\x01x", b"\x00\x00\x08\x00", b""],
    ids=["zip", "unknown-type", "zero-dims", "empty"],
)
def test_read_idx_rejects_non_idx(content):
    with pytest.raises(ValueError, match="not an IDX file.*0x08 ubyte"):
        read_idx(content)


def test_read_idx_rejects_truncated_data():
    content = idx_bytes(np.zeros((4, 28, 28), dtype=np.uint8))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(content[:-10])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(content[:10])  # inside the header
    with pytest.raises(ValueError, match="truncated"):
        read_idx(gzip.compress(content[:-10]))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(gzip.compress(content)[:-20])  # a download cut short
    with pytest.raises(ValueError, match="bytes after the data"):
        read_idx(content + b"\x00")


# --- MNIST and Fashion-MNIST ------------------------------------------------------------------


def test_fashion_mnist_from_debian(tmp_cache):
    if not (DEBIAN_FASHION / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    data = load("fashion_mnist")
    assert data.source == "system"
    assert str(DEBIAN_FASHION) in data.provenance
    assert data.x_train.shape == (60000, 28, 28) and data.x_test.shape == (10000, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.uint8
    assert data.x_train.max() == 255
    assert set(np.unique(data.y_train)) == set(range(10))
    assert np.bincount(data.y_train).tolist() == [6000] * 10
    assert data.class_names[0] == "T-shirt/top" and data.class_names[9] == "Ankle boot"
    assert data.input_shape == (28, 28) and data.n_classes == 10

    small = load("fashion_mnist", n_train=1000, n_test=200, seed=3)
    assert small.x_train.shape == (1000, 28, 28) and small.y_test.shape == (200,)
    assert np.bincount(small.y_train).tolist() == [100] * 10  # stratified
    again = load("fashion_mnist", n_train=1000, n_test=200, seed=3)
    np.testing.assert_array_equal(small.x_train, again.x_train)


def test_shared_folder_with_ungzipped_idx(tmp_cache, tmp_path, monkeypatch, away_from_system):
    shared = tmp_path / "shared"
    (shared / "mnist").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for name, n in [("train", 30), ("t10k", 12)]:
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        (shared / "mnist" / f"{name}-images-idx3-ubyte").write_bytes(idx_bytes(images))
        (shared / "mnist" / f"{name}-labels-idx1-ubyte").write_bytes(idx_bytes(labels))
    monkeypatch.setenv(settings.DATA_DIRS_ENV, str(shared))
    data = load("mnist", n_train=20)
    assert data.source == "system" and str(shared / "mnist") in data.provenance
    assert data.x_train.shape == (20, 28, 28) and data.x_test.shape == (12, 28, 28)
    assert data.class_names == [str(d) for d in range(10)]


def test_corrupt_cached_file_is_fetched_again(
    tmp_cache, away_from_system, small_mnist_npz, monkeypatch, capsys
):
    cached = tmp_cache / "mnist" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(small_mnist_npz[:-100])  # a download cut short
    calls: list[str] = []
    monkeypatch.setattr(fetch, "download", fake_download(small_mnist_npz, calls))

    data = load("mnist")
    assert calls == ["mnist.npz"]
    assert "is corrupt (checksum mismatch); fetching it again" in capsys.readouterr().out
    assert data.source == "download"
    assert data.x_train.shape == (20, 28, 28) and data.y_test.shape == (10,)

    assert load("mnist").source == "cache"
    assert calls == ["mnist.npz"]  # not downloaded twice


def test_corrupt_download_is_refused(tmp_cache, away_from_system, small_mnist_npz, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(fetch, "download", fake_download(b"an HTML error page", calls))
    with pytest.raises(DatasetUnavailable, match="corrupt"):
        load("mnist")  # never falls back quietly on a bad file, either
    assert calls == ["mnist.npz"]
    assert not (tmp_cache / "mnist" / "mnist.npz").exists()


def test_corrupt_system_file_is_skipped(tmp_cache, tmp_path, monkeypatch, away_from_system, capsys):
    shared = tmp_path / "shared" / "fashion-mnist"
    shared.mkdir(parents=True)
    (shared / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"not the real file"))
    monkeypatch.setenv(settings.DATA_DIRS_ENV, str(shared.parent))

    def offline(url, fname, sha256, subdir):
        raise fetch.NetworkUnavailable("no network in this test")

    monkeypatch.setattr(fetch, "download", offline)
    data = load("fashion_mnist")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "train-images-idx3-ubyte.gz is corrupt (checksum mismatch); skipping it" in lines[0]
    assert "could not be downloaded" in lines[1]
    assert data.source == "shipped"


def test_offline_falls_back_to_digits_and_says_so(tmp_cache, away_from_system, no_network, capsys):
    data = load("fashion_mnist", n_train=500)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out  # exactly one line, and no Keras "Downloading ..." line
    assert out.startswith("neurona: Fashion-MNIST is not on this machine")
    assert "scikit-learn's digits" in out and "28x28" in out
    assert data.source == "shipped" and "FALLBACK" in data.provenance
    assert data.x_train.shape == (500, 28, 28) and data.x_train.dtype == np.uint8
    assert data.x_train.max() > 200 and data.x_train[:, :2, :].max() == 0  # centred, MNIST-like
    assert data.class_names == [str(d) for d in range(10)]  # digits now, not clothes

    # Asking for more than the stand-in has gives what there is, not an error.
    assert len(load("mnist", n_train=60000).x_train) == 1348


def test_no_fallback_raises_with_how_to(tmp_cache, away_from_system, no_network, capsys):
    with pytest.raises(DatasetUnavailable) as info:
        load("fashion_mnist", fallback=False)
    message = str(info.value)
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "NEURONA_DATA_DIRS" in message and "connect" in message
    assert isinstance(info.value, RuntimeError)
    assert capsys.readouterr().out == ""  # nothing printed: the error says it all


def test_download_shows_keras_progress_when_online(tmp_cache, monkeypatch, capsys):
    import keras

    def get_file(fname, origin, file_hash, cache_dir, cache_subdir):
        print(f"Downloading data from {origin}")
        print("11490434/11490434 ━━━━━━━━━━━━━━━━━━━━ 1s 0us/step")
        path = Path(cache_dir) / cache_subdir / fname
        path.write_bytes(b"data")
        return str(path)

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    path = fetch.download("https://example.org/mnist.npz", "mnist.npz", "0" * 64, "mnist")
    assert path == tmp_cache / "mnist" / "mnist.npz"
    assert capsys.readouterr().out.splitlines() == [
        "Downloading data from https://example.org/mnist.npz",
        "11490434/11490434 ━━━━━━━━━━━━━━━━━━━━ 1s 0us/step",
    ]


# --- scikit-learn's sets --------------------------------------------------------------------------


def test_digits_and_iris():
    digits = load("digits")
    assert digits.x_train.shape == (1348, 8, 8) and digits.x_test.shape == (449, 8, 8)
    assert digits.x_train.dtype == np.uint8 and digits.x_train.max() == 255
    assert digits.source == "shipped" and digits.n_classes == 10

    iris = load("iris", test_size=0.2)
    assert iris.x_train.shape == (120, 4) and iris.x_test.shape == (30, 4)
    assert iris.x_train.dtype == np.float32
    assert np.bincount(iris.y_test).tolist() == [10, 10, 10]  # stratified
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert iris.feature_names[2] == "petal length (cm)"
    # Shuffled: iris is stored sorted by species, which would spoil validation_split.
    assert len(set(iris.y_train[-24:])) == 3


def test_subsets_are_seeded_and_validated():
    a = load("digits", n_train=100, n_test=50, seed=1)
    b = load("digits", n_train=100, n_test=50, seed=1)
    c = load("digits", n_train=100, n_test=50, seed=2)
    assert a.x_train.shape == (100, 8, 8) and a.x_test.shape == (50, 8, 8)
    assert np.bincount(a.y_train).tolist() == [10] * 10
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    for bad in (0, -5, 1349, 2.5, True):
        with pytest.raises(ValueError, match="n_train must be"):
            load("digits", n_train=bad)


# --- toy sets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TOY)
def test_toy_sets(name):
    data = load(name, n_samples=200, noise=0.2, seed=4)
    assert data.x_train.shape == (100, 2) and data.x_test.shape == (100, 2)
    assert data.x_train.dtype == np.float32
    assert set(np.unique(np.concatenate([data.y_train, data.y_test]))) == {0, 1}
    assert np.abs(data.x_train).max() < 10
    assert data.source == "generated" and "generated by neurona" in data.provenance
    assert data.feature_names == ["x1", "x2"] and data.n_classes == 2

    again = load(name, n_samples=200, noise=0.2, seed=4)
    np.testing.assert_array_equal(data.x_train, again.x_train)
    np.testing.assert_array_equal(data.y_test, again.y_test)
    other = load(name, n_samples=200, noise=0.2, seed=5)
    assert not np.array_equal(data.x_train, other.x_train)


def test_toy_defaults_and_odd_sizes():
    data = load("spiral")
    assert len(data.x_train) + len(data.x_test) == 500 and len(data.x_test) == 250
    odd = load("xor", n_samples=7, test_size=0.3)
    assert len(odd.x_train) + len(odd.x_test) == 7 and len(odd.x_test) == 2


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("noise", 0.6, "noise must be a number from 0 to 0.5"),
        ("noise", -0.1, "noise must be a number from 0 to 0.5"),
        ("noise", 30, "noise must be a number from 0 to 0.5"),
        ("n_samples", 1, "n_samples must be a whole number from 2 to 1,000,000"),
        ("n_samples", 10.0, "n_samples must be a whole number from 2 to 1,000,000"),
        ("test_size", 0.0, "test_size must be a number > 0 and < 1"),
        ("test_size", 1.0, "test_size must be a number > 0 and < 1"),
    ],
)
def test_toy_options_are_validated(option, value, message):
    with pytest.raises(ValueError, match=message):
        load("circles", **{option: value})


def test_unknown_options_are_named():
    with pytest.raises(TypeError, match="n_samples, noise, test_size"):
        load("moons", n_points=100)
    with pytest.raises(TypeError, match="accepts n_train, n_test, seed and fallback"):
        load("mnist", noise=0.1)


# --- the catalog and the record -----------------------------------------------------------------


def test_unknown_name_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="did you mean 'fashion_mnist'") as info:
        load("fashion-mnist")
    for name in DATASETS:
        assert name in str(info.value)
    assert set(DATASETS) == {"mnist", "fashion_mnist", "digits", "iris", *TOY}


def test_dataset_repr_and_html():
    data = load("iris")
    text = repr(data)
    assert "'iris'" in text and "(112, 4) float32" in text and "setosa" in text
    assert "Fisher" in text and "shipped" in text
    page = data._repr_html_()
    assert page.startswith("<table>") and "petal length (cm)" in page
    with pytest.raises(ValueError, match="source must be one of cache, system"):
        Dataset("x", data.x_train, data.y_train, data.x_test, data.y_test, ["a"], "p", "web")


def test_import_does_not_start_tensorflow():
    code = (
        "import neurona.data, sys; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_data_keras_downloaded_earlier_is_reused(away_from_system, tmp_cache, tmp_path):
    debian = DEBIAN_FASHION
    if not debian.is_dir():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    folder = tmp_path / "keras-home" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for file in debian.glob("*.gz"):
        (folder / file.name).symlink_to(file)
    data = load("fashion_mnist", n_train=100, n_test=50)
    assert data.source == "system" and str(folder) in data.provenance


# --- a fresh offline machine on demand (NEURONA_OFFLINE=1) ----------------------------------------


def test_offline_mode_hides_every_local_copy_and_forbids_downloads(
    tmp_cache, tmp_path, monkeypatch, small_mnist_npz, capsys
):
    # A good copy in the cache, in NEURONA_DATA_DIRS and in Keras's folder: all hidden.
    for folder in (tmp_cache / "mnist", tmp_path / "shared" / "mnist",
                   tmp_path / "keras-home" / "datasets" / "mnist"):
        folder.mkdir(parents=True)
        (folder / "mnist.npz").write_bytes(small_mnist_npz)
    monkeypatch.setenv(settings.DATA_DIRS_ENV, str(tmp_path / "shared"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    assert load("mnist").source == "cache"
    capsys.readouterr()

    calls: list[str] = []
    monkeypatch.setattr(fetch, "download", fake_download(small_mnist_npz, calls))
    monkeypatch.setenv(settings.OFFLINE_ENV, "1")
    assert settings.data_search_dirs() == []
    data = load("mnist")
    out = capsys.readouterr().out
    assert calls == []  # no download was even tried
    assert data.source == "shipped" and data.stands_in_for == "mnist"
    assert out.count("\n") == 1 and "NEURONA_OFFLINE=1" in out and "digits" in out
    with pytest.raises(DatasetUnavailable, match="NEURONA_OFFLINE=1"):
        load("mnist", fallback=False)


def test_a_real_dataset_stands_in_for_nothing(tmp_cache, away_from_system, small_mnist_npz,
                                              monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(fetch, "download", fake_download(small_mnist_npz, calls))
    assert load("mnist").stands_in_for is None
    assert load("digits").stands_in_for is None and "replaces" not in repr(load("digits"))


def test_asking_the_stand_in_for_too_much_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv(settings.OFFLINE_ENV, "1")
    data = load("fashion_mnist", n_train=12_000, n_test=100)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines  # the fallback, then the sizes
    assert lines[1] == (
        "neurona: asked the stand-in for 12,000 training images but it has 1,348: "
        "using all of them."
    )
    assert len(data.x_train) == 1348 and len(data.x_test) == 100  # a smaller ask is honoured
    assert data.stands_in_for == "fashion_mnist" and "replaces" in repr(data)
    load("fashion_mnist", n_train=1_000)
    assert len(capsys.readouterr().out.splitlines()) == 1  # enough images: no second line


@pytest.mark.parametrize("value", ["maybe", "2", "offline please"])
def test_a_switch_that_is_not_understood_gets_one_line(monkeypatch, capsys, value):
    monkeypatch.setattr(settings, "_SAID", set())
    monkeypatch.setenv(settings.QUICK_ENV, value)
    monkeypatch.setenv(settings.OFFLINE_ENV, value)
    assert not settings.quick_mode() and not settings.quick_mode()
    assert not settings.offline()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines  # once per variable, however often it is read
    assert lines[0].startswith(f"neurona: NEURONA_QUICK={value!r} is not understood; use 1")
    assert "Going on with full mode" in lines[0]
    assert lines[1].startswith(f"neurona: NEURONA_OFFLINE={value!r} is not understood")


def test_data_dirs_that_are_files_or_missing_are_skipped_with_one_line(tmp_path, monkeypatch,
                                                                       capsys):
    monkeypatch.setattr(settings, "_SAID", set())
    a_file = tmp_path / "file.txt"
    a_file.write_text("not a folder")
    good = tmp_path / "good"
    good.mkdir()
    entries = [str(a_file), str(tmp_path / "missing"), str(good)]
    monkeypatch.setenv(settings.DATA_DIRS_ENV, os.pathsep.join(entries))
    dirs = settings.data_search_dirs()
    settings.data_search_dirs()
    assert dirs[0] == good and a_file not in dirs
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines
    assert "is a file, not a folder; skipping it" in lines[0]
    assert "does not exist; skipping it" in lines[1]
