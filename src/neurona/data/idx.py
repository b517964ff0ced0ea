"""The IDX format of MNIST and Fashion-MNIST, read with nothing but the standard library and NumPy.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian 32-bit size per dimension, then the values in C order.
The files are usually gzipped; the gzip magic bytes, not the file name, tell.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from typing import BinaryIO

import numpy as np

from neurona.i18n import _, grouped

__all__ = ["read_idx"]

#: IDX type code -> NumPy dtype of the big-endian values in the file.
IDX_DTYPES = {
    0x08: np.dtype(">u1"),  # unsigned byte
    0x09: np.dtype(">i1"),  # signed byte
    0x0B: np.dtype(">i2"),  # short
    0x0C: np.dtype(">i4"),  # int
    0x0D: np.dtype(">f4"),  # float
    0x0E: np.dtype(">f8"),  # double
}

_GZIP_MAGIC = b"\x1f\x8b"
_TYPE_NAMES = "0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double"


def read_idx(path_or_bytes: str | os.PathLike | bytes | bytearray | memoryview) -> np.ndarray:
    """Read one IDX file (gzipped or not) into a NumPy array.

    Parameters
    ----------
    path_or_bytes : str, path-like or bytes
        A file name, or the content of a file. Gzipped content is recognised by its
        first two bytes (``1f 8b``), whatever the file is called.

    Returns
    -------
    numpy.ndarray
        An array with the file's shape and values, in the machine's byte order
        (``uint8`` for MNIST images and labels).

    Raises
    ------
    ValueError
        If the content is not IDX (wrong magic number, unknown type code, no dimensions),
        if it is truncated or has bytes after the data, or if the gzip stream is broken.

    Examples
    --------
    >>> path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
    >>> x = read_idx(path)          # doctest: +SKIP
    >>> x.shape, x.dtype            # doctest: +SKIP
    ((10000, 28, 28), dtype('uint8'))
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        label = _("the given bytes")
        raw: BinaryIO = io.BytesIO(bytes(path_or_bytes))
    elif isinstance(path_or_bytes, (str, os.PathLike)):
        label = os.fspath(path_or_bytes)
        raw = open(path_or_bytes, "rb")  # noqa: SIM115 - closed in the finally below
    else:
        raise TypeError(_(
            "read_idx expects a file name (str or pathlib.Path) or bytes, got {kind}"
        ).format(kind=type(path_or_bytes).__name__))
    try:
        gzipped = raw.read(2) == _GZIP_MAGIC
        # Without gzip the file size is known, so a bogus header cannot ask for terabytes.
        size = None if gzipped else raw.seek(0, io.SEEK_END)
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
        try:
            return _read_stream(stream, label, size)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            # A download cut short ends up here: gzip notices before the IDX sizes do.
            raise ValueError(_("{file} is a broken or truncated gzip file ({error})").format(
                file=label, error=exc)) from exc
    finally:
        raw.close()


def _read_stream(stream: BinaryIO, label: str, size: int | None) -> np.ndarray:
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\0\0" or magic[2] not in IDX_DTYPES or magic[3] == 0:
        found = " ".join(f"{b:02x}" for b in magic) or _("nothing")
        raise ValueError(_(
            "{file} is not an IDX file: it must start with two zero bytes, a type code "
            "({types}) and the number of dimensions (at least 1); found {found}"
        ).format(file=label, types=_TYPE_NAMES, found=found))
    dtype = IDX_DTYPES[magic[2]]
    ndim = magic[3]
    header = stream.read(4 * ndim)
    if len(header) < 4 * ndim:
        raise ValueError(_("{file} is truncated: the header promises {ndim} sizes but ends "
                           "early").format(file=label, ndim=ndim))
    shape = tuple(int(n) for n in np.frombuffer(header, dtype=">u4"))
    needed = int(np.prod(shape, dtype=np.uint64)) * dtype.itemsize
    if size is not None and needed > size - 4 - 4 * ndim:
        raise ValueError(_truncated(label, shape, needed, size - 4 - 4 * ndim))

    # Read straight into the array: no second copy of a 47 MB image file.
    values = np.empty(shape, dtype=dtype)
    buffer = memoryview(values.reshape(-1).view(np.uint8))
    got = 0
    while got < len(buffer):
        n = stream.readinto(buffer[got:])
        if not n:
            break
        got += n
    if got < needed:
        raise ValueError(_truncated(label, shape, needed, got))
    if stream.read(1):
        raise ValueError(_(
            "{file} has bytes after the data: shape {shape} needs exactly "
            "{needed} bytes; is the header wrong?"
        ).format(file=label, shape=shape, needed=grouped(needed)))
    # Native byte order, so that students never meet dtype('>f4') in their arrays.
    return values.astype(dtype.newbyteorder("="), copy=False)


def _truncated(label: str, shape: tuple[int, ...], needed: int, found: int) -> str:
    text = _("{file} is truncated: shape {shape} needs {needed} bytes of data, found {found}")
    return text.format(file=label, shape=shape, needed=grouped(needed), found=grouped(found))
