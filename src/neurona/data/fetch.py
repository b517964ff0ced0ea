"""Finding dataset files: the kit's cache, then folders on this machine, then a download.

Every file is checked against the SHA-256 in :data:`SHA256` before it is used. A corrupt
file in the cache is deleted and fetched again; a corrupt file in a system folder is
skipped; a download that does not match is deleted and is an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from neurona import settings
from neurona.i18n import _
from neurona.settings import notice

__all__ = ["DatasetUnavailable"]

T = TypeVar("T")

#: Where Keras itself downloads MNIST and Fashion-MNIST from.
KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: SHA-256 of every file the kit accepts, keyed by ``"<dataset>/<file name>"``.
#: The gzipped files are the ones Keras downloads and Debian packages; the un-gzipped
#: Fashion-MNIST sums were computed from Debian's files. Sums not listed here (MNIST's
#: un-gzipped IDX files) are not checked; the IDX reader's size checks still apply.
SHA256 = {
    "mnist/mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "mnist/train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "mnist/train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "mnist/t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "mnist/t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
    "fashion_mnist/train-images-idx3-ubyte.gz": (
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"
    ),
    "fashion_mnist/train-labels-idx1-ubyte.gz": (
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"
    ),
    "fashion_mnist/t10k-images-idx3-ubyte.gz": (
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"
    ),
    "fashion_mnist/t10k-labels-idx1-ubyte.gz": (
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"
    ),
    "fashion_mnist/train-images-idx3-ubyte": (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
    ),
    "fashion_mnist/train-labels-idx1-ubyte": (
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
    ),
    "fashion_mnist/t10k-images-idx3-ubyte": (
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
    ),
    "fashion_mnist/t10k-labels-idx1-ubyte": (
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    ),
}


class DatasetUnavailable(RuntimeError):
    """A dataset is neither on this machine nor downloadable, or its download was corrupt.

    The message says how to get the data.

    Examples
    --------
    >>> try:
    ...     data = nr.load("fashion_mnist", fallback=False)
    ... except nr.DatasetUnavailable as err:
    ...     print(err)                                    # doctest: +SKIP
    """


class NetworkUnavailable(OSError):
    """The download failed for want of a network (or the server could not be reached)."""


@dataclass(frozen=True)
class Found:
    """Where a dataset's files were found: a file per name, and how they were obtained."""

    paths: dict[str, Path]
    source: str
    folder: Path


def sha256_of(path: Path) -> str:
    """SHA-256 of a file as 64 hex digits, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _matches(dataset: str, path: Path) -> bool:
    expected = SHA256.get(f"{dataset}/{path.name}")
    return expected is None or sha256_of(path) == expected


def download(url: str, fname: str, sha256: str, subdir: str) -> Path:
    """Download one file into ``cache_dir()/subdir`` with Keras, checking its SHA-256.

    Parameters
    ----------
    url : str
        Where the file is.
    fname : str
        The file's name in the cache.
    sha256 : str
        Its expected SHA-256; Keras refuses a download that does not match.
    subdir : str
        Folder inside the kit's cache.

    Returns
    -------
    pathlib.Path
        The downloaded file.

    Raises
    ------
    NetworkUnavailable
        When the server cannot be reached (no network, DNS failure, HTTP error).
    DatasetUnavailable
        When the downloaded file does not match ``sha256``; it is deleted.

    Examples
    --------
    >>> download(KERAS_DATASETS_URL + "mnist.npz", "mnist.npz",
    ...          SHA256["mnist/mnist.npz"], "mnist")       # doctest: +SKIP
    PosixPath('/home/student/.cache/neurona/mnist/mnist.npz')
    """
    # Keras is imported here only: `import neurona.data` must not start TensorFlow.
    import keras

    folder = settings.cache_dir() / subdir
    # Keras falls back to /tmp/.keras when the cache folder does not exist yet.
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with _hold_until_data_arrives():
            path = keras.utils.get_file(
                fname,
                origin=url,
                file_hash=sha256,
                cache_dir=str(settings.cache_dir()),
                cache_subdir=subdir,
            )
    except ValueError as exc:
        if "hash" not in str(exc):
            raise
        # Keras keeps a download whose hash does not match; never let it be used.
        (folder / fname).unlink(missing_ok=True)
        raise DatasetUnavailable(_corrupt_download(url)) from exc
    except OSError as exc:  # urllib's URLError and socket errors are OSErrors
        raise NetworkUnavailable(_("could not download {url}: {error}").format(
            url=url, error=exc)) from exc
    except Exception as exc:
        # Keras turns urllib's errors into a bare Exception("URL fetch failure on ...").
        if "URL fetch failure" in str(exc):
            raise NetworkUnavailable(_("could not download {url}: {error}").format(
                url=url, error=exc)) from exc
        raise
    return Path(path)


class _HeldLines(io.TextIOBase):
    """A stdout that holds back what is written until something else follows it.

    Keras prints "Downloading data from ..." before it connects. Offline, that line and
    the kit's own explanation would make two; online, the progress bar follows at once.
    """

    def __init__(self, target) -> None:
        self.target = target
        self.held: list[str] = []
        self.passing = False

    def write(self, text: str) -> int:
        if self.passing:
            return self.target.write(text)
        self.held.append(text)
        if text.strip() and not text.startswith("Downloading data from"):
            self.release()
        return len(text)

    def release(self) -> None:
        self.passing = True
        self.target.write("".join(self.held))
        self.held.clear()

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        if self.passing:
            self.target.flush()

    def isatty(self) -> bool:
        # Keras's progress bar redraws in place only on a terminal or in Jupyter.
        return self.target.isatty()

    @property
    def encoding(self):  # Keras reads it when a message cannot be encoded
        return getattr(self.target, "encoding", "utf-8")


@contextlib.contextmanager
def _hold_until_data_arrives() -> Iterator[None]:
    held = _HeldLines(sys.stdout)
    with contextlib.redirect_stdout(held):
        yield  # on an exception the held line is dropped: the caller explains instead
    if not held.passing:
        held.release()


def locate(
    dataset: str,
    files: Sequence[str],
    system_folders: Sequence[str],
    system_layouts: Sequence[Sequence[str]],
    read: Callable[[dict[str, Path]], T],
) -> tuple[T, Found]:
    """Find a dataset's files, read them, and say where they were found.

    The order: the kit's cache (``cache_dir()/<dataset>/``, the files Keras downloads);
    then each folder in ``data_search_dirs()`` under each name in ``system_folders``,
    with any of ``system_layouts`` (a name without ``.gz`` also matches the gzipped file);
    then :func:`download` of the files missing from the cache.

    Parameters
    ----------
    dataset : str
        Name of the cache folder and prefix of the keys in :data:`SHA256`.
    files : sequence of str
        What Keras downloads, e.g. ``["mnist.npz"]``.
    system_folders : sequence of str
        Folder names to look for in each search dir, e.g. ``["fashion-mnist"]``.
    system_layouts : sequence of sequence of str
        File sets that make the dataset in a system folder.
    read : callable
        Turns ``{file name as listed: path}`` into the arrays; raises ``ValueError``
        for files it cannot read.

    Returns
    -------
    (arrays, Found)

    Raises
    ------
    NetworkUnavailable
        When the files are not on this machine and cannot be downloaded, and always in
        offline mode (``NEURONA_OFFLINE=1``, see :func:`neurona.settings.offline`).
    DatasetUnavailable
        When a download is corrupt.
    """
    if settings.offline():
        raise NetworkUnavailable(
            _("{variable}=1 hides every local copy and forbids downloads").format(
                variable=settings.OFFLINE_ENV)
        )
    cache = settings.cache_dir() / dataset
    cached: dict[str, Path] = {}
    for name in files:
        path = cache / name
        if not path.is_file():
            continue
        if _matches(dataset, path):
            cached[name] = path
        else:
            notice(_("{path} is corrupt (checksum mismatch); fetching it again.").format(
                path=path))
            path.unlink()
    if len(cached) == len(files):
        return read(cached), Found(cached, "cache", cache)

    for base in settings.data_search_dirs():
        for folder in (base / name for name in system_folders):
            if folder.is_dir():
                found = _system_files(dataset, folder, system_layouts)
                if found is None:
                    continue
                try:
                    return read(found), Found(found, "system", folder)
                except ValueError as exc:
                    notice(_("cannot read the files in {folder} ({error}); skipping them.").format(
                        folder=folder, error=exc))

    for name in files:
        if name in cached:
            continue
        expected = SHA256[f"{dataset}/{name}"]
        path = download(KERAS_DATASETS_URL + name, name, expected, dataset)
        if sha256_of(path) != expected:
            path.unlink(missing_ok=True)
            raise DatasetUnavailable(_corrupt_download(KERAS_DATASETS_URL + name))
        cached[name] = path
    return read(cached), Found(cached, "download", cache)


def _system_files(
    dataset: str, folder: Path, layouts: Sequence[Sequence[str]]
) -> dict[str, Path] | None:
    """Return the first complete, uncorrupted layout in a folder, or None."""
    for layout in layouts:
        found: dict[str, Path] = {}
        for name in layout:
            path = _good_file(dataset, folder, name)
            if path is None:
                break
            found[name] = path
        else:
            return found
    return None


def _good_file(dataset: str, folder: Path, name: str) -> Path | None:
    candidates = [name] if name.endswith(".npz") else [f"{name}.gz", name]
    for path in (folder / c for c in candidates):
        if not path.is_file():
            continue
        if _matches(dataset, path):
            return path
        notice(_("{path} is corrupt (checksum mismatch); skipping it.").format(path=path))
    return None


def _corrupt_download(url: str) -> str:
    return _("the download of {url} is corrupt (checksum mismatch) and was deleted; try again, "
             "and if it happens again a proxy or the server is changing the file").format(url=url)
