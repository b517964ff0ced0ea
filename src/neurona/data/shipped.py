"""Datasets installed with scikit-learn: the 8x8 digits and Fisher's iris.

They need no network, which also makes the digits the honest offline stand-in for
MNIST and Fashion-MNIST: real scans of handwriting, upscaled to MNIST's 28x28.
"""

from __future__ import annotations

import numpy as np

from neurona.data.dataset import Dataset
from neurona.i18n import N_, _

__all__ = ["digits", "digits_28x28", "iris"]

DIGITS_CREDIT = N_(
    "scikit-learn's digits (UCI Optical Recognition of Handwritten Digits, CC BY 4.0)"
)
IRIS_CREDIT = "Iris (R. A. Fisher 1936, UCI Machine Learning Repository, CC BY 4.0)"


def _digit_scans() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    # scikit-learn stores grey levels 0-16; labels as uint8, like MNIST's.
    return bunch.images, bunch.target.astype(np.uint8)


def _as_uint8(levels: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(levels * (255 / 16)), 0, 255).astype(np.uint8)


def digits(*, test_size: float = 0.25, seed: int = 0) -> Dataset:
    """scikit-learn's 1,797 handwritten digits, 8x8 pixels as uint8 0-255.

    Parameters
    ----------
    test_size : float
        Fraction held out for testing, strictly between 0 and 1.
    seed : int
        Seed of the stratified train/test split.

    Returns
    -------
    Dataset

    Examples
    --------
    >>> digits().x_train.shape
    (1348, 8, 8)
    """
    images, labels = _digit_scans()
    return _split_digits(
        "digits",
        _as_uint8(images),
        labels,
        test_size,
        seed,
        _("{credit}, installed with scikit-learn; 8x8 grey levels 0-16 scaled to "
          "0-255").format(credit=_(DIGITS_CREDIT)),
    )


def digits_28x28(*, seed: int = 0, instead_of: str = "MNIST") -> Dataset:
    """Upscale the digits to 20x20 and centre them on 28x28: the offline MNIST stand-in.

    MNIST's digits fill a 20x20 box centred in 28x28 pixels; bilinear upscaling
    (``scipy.ndimage.zoom``, order 1) and a 4-pixel border give the same layout, so a
    model built for MNIST runs unchanged.

    Parameters
    ----------
    seed : int
        Seed of the stratified train/test split (25% test).
    instead_of : str
        The dataset this replaces, named in the provenance.

    Returns
    -------
    Dataset
        Named ``"digits_28x28"``, with ``source="shipped"``.

    Examples
    --------
    >>> digits_28x28().x_train.shape
    (1348, 28, 28)
    """
    from scipy.ndimage import zoom

    images, labels = _digit_scans()
    big = zoom(images, (1, 2.5, 2.5), order=1)
    big = np.pad(big, ((0, 0), (4, 4), (4, 4)))
    return _split_digits(
        "digits_28x28",
        _as_uint8(big),
        labels,
        0.25,
        seed,
        _("FALLBACK for {instead_of} (offline): {credit}, installed with scikit-learn; "
          "1,797 real 8x8 scans upscaled to 20x20 and padded to 28x28").format(
            instead_of=instead_of, credit=_(DIGITS_CREDIT)),
    )


def _split_digits(
    name: str, x: np.ndarray, y: np.ndarray, test_size: float, seed: int, provenance: str
) -> Dataset:
    return Dataset.from_arrays(
        name,
        x,
        y,
        test_size=test_size,
        seed=seed,
        class_names=[str(d) for d in range(10)],
        provenance=provenance,
        source="shipped",
    )


def iris(*, test_size: float = 0.25, seed: int = 0) -> Dataset:
    """Fisher's 150 iris flowers: 4 measurements in cm (float32), 3 species.

    Parameters
    ----------
    test_size : float
        Fraction held out for testing, strictly between 0 and 1.
    seed : int
        Seed of the stratified train/test split.

    Returns
    -------
    Dataset
        With ``feature_names`` such as ``"petal length (cm)"``.

    Examples
    --------
    >>> iris().x_train.shape
    (112, 4)
    """
    from sklearn.datasets import load_iris

    bunch = load_iris()
    x = bunch.data.astype(np.float32)
    y = bunch.target.astype(np.int64)
    return Dataset.from_arrays(
        "iris",
        x,
        y,
        test_size=test_size,
        seed=seed,
        class_names=list(bunch.target_names),
        feature_names=list(bunch.feature_names),
        provenance=_("{credit}, installed with scikit-learn").format(credit=IRIS_CREDIT),
        source="shipped",
    )
