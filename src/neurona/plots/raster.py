"""Pictures made from arrays with NumPy and Pillow, for views that redraw many times a second.

A matplotlib figure costs about 100 ms to draw and encode on a 2-core CPU: the text, the
500 outlined points and the PNG at matplotlib's default compression. A live panel such as
the Playground changes only a few things between frames (the colours of the decision
surface, two loss curves), so it draws what stays the same once with matplotlib and puts
each frame together from arrays:

- the decision surface: the grid of probabilities, upscaled with Pillow (bilinear, like
  ``imshow(interpolation="bilinear")`` when it upsamples in data space) and coloured
  through a 256-entry table made from the colour map (:func:`colour_table`,
  :func:`surface_image`);
- the static frame (axes, ticks, labels, title) and the points: matplotlib pixels copied
  once (:func:`canvas_image`, :func:`canvas_layer`) and pasted over the surface;
- the PNG: rows unfiltered into zlib at a low level (:func:`png_bytes`), about 3 ms where
  matplotlib's ``savefig`` takes 20 and Pillow's encoder (which tries four filters per
  row) 7, for a file no larger.

Everything here works on plain arrays and Pillow images; it knows nothing of training.
"""

from __future__ import annotations

import numpy as np

from neurona.i18n import _

__all__ = ["colour_table", "surface_image", "canvas_image", "canvas_layer", "pixel_box",
           "png_bytes"]


def colour_table(colours, n: int = 256) -> np.ndarray:
    """Return an ``(n, 3)`` uint8 table running through ``colours`` (a linear colour map).

    Parameters
    ----------
    colours : sequence of colours
        Anything matplotlib reads as a colour (``"#e69f00"``, ``"white"``), from the
        colour of 0 to the colour of 1.
    n : int
        Entries in the table (2 to 256: it becomes a PNG palette).

    Examples
    --------
    >>> table = colour_table(["black", "white"])
    >>> table.shape, table[0].tolist(), table[-1].tolist()
    ((256, 3), [0, 0, 0], [255, 255, 255])
    """
    from matplotlib.colors import LinearSegmentedColormap

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= 256:
        raise ValueError(_("n must be a whole number from 2 to 256; got {n!r}").format(n=n))
    if isinstance(colours, str) or len(colours) < 2:
        raise ValueError(_("colours must be a list of at least two colours; got {colours!r}")
                         .format(colours=colours))
    cmap = LinearSegmentedColormap.from_list("table", list(colours), N=n)
    rgba = cmap(np.arange(n))
    return np.round(rgba[:, :3] * 255).astype(np.uint8)


def surface_image(values: np.ndarray, table: np.ndarray, size: tuple[int, int]):
    """Colour a grid of values in [0, 1] and upscale it to ``size`` pixels, bilinear.

    Row 0 of ``values`` is the bottom of the picture (``origin="lower"`` in matplotlib).
    The values are interpolated first and coloured after, as matplotlib does when it
    upsamples: between an orange and a blue cell the colour passes through white.
    NaN (a diverged network) shows as the middle of the table.

    Parameters
    ----------
    values : 2-D array
        The grid, e.g. the network's probability of class 1 on a 60x60 grid.
    table : (n, 3) uint8 array
        The colours, from :func:`colour_table`.
    size : (width, height)
        The picture's size in pixels.

    Returns
    -------
    PIL.Image.Image
        An RGB picture of ``size``.

    Examples
    --------
    >>> picture = surface_image(np.eye(3), colour_table(["black", "white"]), (30, 20))
    >>> picture.size, picture.getpixel((0, 0)), picture.getpixel((29, 0))
    ((30, 20), (0, 0, 0), (255, 255, 255))
    """
    from PIL import Image

    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or min(values.shape) < 1:
        raise ValueError(_("values must be a 2-D grid, got shape {shape}").format(
            shape=values.shape))
    table = np.asarray(table)
    if (table.ndim != 2 or table.shape[1] != 3 or table.dtype != np.uint8
            or not 2 <= len(table) <= 256):
        raise ValueError(_("table must be an (n, 3) uint8 array from colour_table; got {kind} "
                           "of shape {shape}").format(kind=table.dtype, shape=table.shape))
    if (len(size) != 2 or any(isinstance(s, bool) or not isinstance(s, (int, np.integer))
                              or s < 1 for s in size)):
        raise ValueError(_("size must be (width, height) in whole pixels, at least 1; got "
                           "{size!r}").format(size=size))
    top = len(table) - 1
    # Whole levels of the table, interpolated by Pillow in 8 bits (as fine as the table),
    # then coloured through a palette: all of it in C, about 0.3 ms for 270x270 pixels.
    levels = np.round(np.nan_to_num(values, nan=0.5).clip(0, 1)[::-1] * top).astype(np.uint8)
    picture = Image.fromarray(levels).resize((int(size[0]), int(size[1])),
                                             Image.Resampling.BILINEAR)
    picture.putpalette(table.tobytes(), rawmode="RGB")
    return picture.convert("RGB")


def canvas_image(canvas, box: tuple[int, int, int, int] | None = None):
    """Copy what a matplotlib Agg canvas holds now (or its ``box`` part) into an RGB image.

    ``box`` is Pillow's ``(left, top, right, bottom)`` in pixels, e.g. from :func:`pixel_box`.
    """
    from PIL import Image

    buffer = canvas.buffer_rgba()
    width, height = canvas.get_width_height()
    whole = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1)
    return (whole if box is None else whole.crop(box)).convert("RGB")


def pixel_box(canvas, axes, margin: int = 0) -> tuple[int, int, int, int]:
    """Return the axes' plot area on the canvas, as Pillow's ``(left, top, right, bottom)`` pixels.

    ``margin`` widens the box on every side (e.g. for a spine drawn on its edge).
    """
    width, height = canvas.get_width_height()
    box = axes.get_window_extent()
    left, right = round(box.x0) - margin, round(box.x1) + margin
    top, bottom = height - round(box.y1) - margin, height - round(box.y0) + margin
    return max(left, 0), max(top, 0), min(right, width), min(bottom, height)


def canvas_layer(canvas, artists, box: tuple[int, int, int, int]):
    """Draw only ``artists`` on a transparent canvas and return the ``box`` part as RGBA.

    The canvas must have been drawn once (``canvas.draw()``); its pixels are cleared, so
    copy what you need from it first. Pasting the layer with itself as the mask puts the
    artists back on top of anything, e.g. points over a decision surface.
    """
    from PIL import Image

    renderer = canvas.get_renderer()
    renderer.clear()
    for artist in artists:
        artist.draw(renderer)
    width, height = canvas.get_width_height()
    buffer = canvas.buffer_rgba()
    whole = Image.frombuffer("RGBA", (width, height), buffer, "raw", "RGBA", 0, 1)
    return whole.crop(box)


def png_bytes(image, compress_level: int = 3) -> bytes:
    r"""Encode an RGB picture (Pillow image or ``(h, w, 3)`` uint8 array) as PNG, fast.

    Pillow's encoder tries four PNG filters on every row, which costs more than the
    compression itself; here the rows go unfiltered to zlib. A picture of flat colours,
    text and a surface coloured from a 256-entry table compresses as small that way
    (about 75 kB for the Playground's 756x331 picture) in a third of the time.

    Examples
    --------
    >>> png = png_bytes(np.zeros((4, 6, 3), np.uint8))
    >>> png.startswith(b"\x89PNG"), png[16:24].hex()
    (True, '0000000600000004')
    """
    import struct
    import zlib

    if isinstance(compress_level, bool) or compress_level not in range(10):
        raise ValueError(_("compress_level must be a whole number from 0 to 9; got {level!r}")
                         .format(level=compress_level))
    pixels = np.asarray(image.convert("RGB") if hasattr(image, "convert") else image)
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8 or not pixels.size:
        raise ValueError(_("image must be an RGB picture: a Pillow image or an (h, w, 3) uint8 "
                           "array; got {kind} of shape {shape}").format(kind=pixels.dtype,
                                                                        shape=pixels.shape))
    height, width, _depth = pixels.shape
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # a 0 before each row: no filter
    rows[:, 1:] = pixels.reshape(height, 3 * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, compress_level)) + chunk(b"IEND", b""))
