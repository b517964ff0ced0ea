"""MNIST and Fashion-MNIST: 70,000 grey 28x28 images each, read from wherever they are.

The files are the ones ``keras.datasets`` downloads, from the same place, so a copy of
``~/.keras/datasets/fashion-mnist`` can serve as a shared folder. Offline, the lessons go
on with scikit-learn's digits, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neurona import settings
from neurona.data import fetch, shipped
from neurona.data.dataset import Dataset
from neurona.data.idx import read_idx
from neurona.i18n import N_, _

__all__ = ["MNIST", "FASHION_MNIST", "ImageSet", "load_image_set"]

#: Role -> IDX file name (without ``.gz``), the same for MNIST and Fashion-MNIST.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

FASHION_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


@dataclass(frozen=True)
class ImageSet:
    """How to find, read and credit one of the MNIST-shaped sets."""

    key: str
    title: str
    credit: str
    class_names: tuple[str, ...]
    files: tuple[str, ...]  # what Keras downloads into the cache
    system_folders: tuple[str, ...]
    system_layouts: tuple[tuple[str, ...], ...]
    how_to_install: str  # one clause for the "how to get it" message (marked N_)
    instead: str  # what the offline message says about the change of task (marked N_)


MNIST = ImageSet(
    key="mnist",
    title="MNIST",
    credit="Yann LeCun and Corinna Cortes, CC BY-SA 3.0",
    class_names=tuple(str(d) for d in range(10)),
    files=("mnist.npz",),
    system_folders=("mnist",),
    system_layouts=(("mnist.npz",), tuple(IDX_FILES.values())),
    how_to_install=N_(
        "copy mnist.npz (from a connected machine's ~/.cache/neurona/mnist/ or "
        "~/.keras/datasets/) or the four IDX files (train-images-idx3-ubyte.gz, "
        "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) "
        "into a folder mnist/ inside a folder named in NEURONA_DATA_DIRS"
    ),
    instead="",
)

FASHION_MNIST = ImageSet(
    key="fashion_mnist",
    title="Fashion-MNIST",
    credit="Zalando SE, MIT",
    class_names=tuple(FASHION_CLASSES),
    files=tuple(f"{name}.gz" for name in IDX_FILES.values()),
    system_folders=("fashion-mnist", "fashion_mnist"),
    system_layouts=(tuple(IDX_FILES.values()),),
    how_to_install=N_(
        "on Debian or Ubuntu, `sudo apt-get install dataset-fashion-mnist`; or copy "
        "the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into a folder fashion-mnist/ "
        "inside a folder named in NEURONA_DATA_DIRS"
    ),
    instead=N_(": the task is now digits, not clothes"),
)


def load_image_set(spec: ImageSet, *, seed: int = 0, fallback: bool = True) -> Dataset:
    """Load MNIST or Fashion-MNIST; offline, scikit-learn's digits at 28x28 if allowed.

    Parameters
    ----------
    spec : ImageSet
        :data:`MNIST` or :data:`FASHION_MNIST`.
    seed : int
        Seed of the fallback's train/test split.
    fallback : bool
        Whether to go on with the digits when the data cannot be had. If False,
        raise :class:`~neurona.data.fetch.DatasetUnavailable` instead.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> load_image_set(FASHION_MNIST).source                  # doctest: +SKIP
    'system'
    """
    try:
        arrays, found = fetch.locate(
            spec.key, spec.files, spec.system_folders, spec.system_layouts, _read_arrays
        )
    except fetch.NetworkUnavailable as exc:
        if not fallback:
            raise fetch.DatasetUnavailable(_(
                "{title} is not on this machine and could not be downloaded ({error}). "
                "To get it: connect to the internet and load it again (it is then kept in "
                "{folder}); or {how_to_install}."
            ).format(title=spec.title, error=exc, folder=settings.cache_dir() / spec.key,
                     how_to_install=_(spec.how_to_install))) from exc
        instead = _(spec.instead) if spec.instead else ""
        if settings.offline():
            line = _("{variable}=1 makes this machine fresh and offline; using scikit-learn's "
                     "digits instead (1,797 real 8x8 scans, upscaled to 28x28){instead}.").format(
                variable=settings.OFFLINE_ENV, instead=instead)
        else:
            line = _("{title} is not on this machine and could not be downloaded (offline?); "
                     "using scikit-learn's digits instead (1,797 real 8x8 scans, upscaled to "
                     "28x28){instead}.").format(title=spec.title, instead=instead)
        settings.notice(line)
        stand_in = shipped.digits_28x28(seed=seed, instead_of=spec.title)
        stand_in.stands_in_for = spec.key
        return stand_in

    where = {
        "cache": _("read from the kit's cache {folder}"),
        "system": _("read from {folder}"),
        "download": _("downloaded from {url} into {folder}"),
    }[found.source].format(folder=found.folder, url=fetch.KERAS_DATASETS_URL)
    return Dataset(
        name=spec.key,
        class_names=list(spec.class_names),
        provenance=f"{spec.title} ({spec.credit}) {where}",
        source=found.source,
        **arrays,
    )


def _read_arrays(paths: dict[str, Path]) -> dict[str, np.ndarray]:
    # The cache holds the gzipped names Keras downloads; system folders may hold either.
    paths = {name.removesuffix(".gz"): path for name, path in paths.items()}
    if "mnist.npz" in paths:
        with np.load(paths["mnist.npz"], allow_pickle=False) as npz:
            arrays = {role: npz[role] for role in IDX_FILES}
    else:
        arrays = {role: read_idx(paths[name]) for role, name in IDX_FILES.items()}
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
            raise ValueError(_("{name} must be uint8 images of 28x28; got {shape} {dtype}").format(
                name=f"x_{split}", shape=x.shape, dtype=x.dtype))
        if y.shape != (len(x),) or (len(y) and int(y.max()) > 9):
            raise ValueError(_("{name} must hold {n} labels from 0 to 9").format(
                name=f"y_{split}", n=len(x)))
    return arrays
