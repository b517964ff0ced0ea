"""Pictures from arrays (neurona.plots.raster): colours, orientation, size, PNG, bad input."""

import io

import numpy as np
import pytest
from PIL import Image

from neurona.plots.raster import colour_table, png_bytes, surface_image

ORANGE_WHITE_BLUE = ["#E69F00", "#ffffff", "#0072B2"]


def test_the_colour_table_runs_through_the_colours():
    table = colour_table(ORANGE_WHITE_BLUE)
    assert table.shape == (256, 3) and table.dtype == np.uint8
    assert table[0].tolist() == [230, 159, 0] and table[-1].tolist() == [0, 114, 178]
    assert table[128].tolist() == pytest.approx([255, 255, 255], abs=2)


def test_the_surface_is_upscaled_coloured_and_origin_lower():
    values = np.zeros((60, 60))
    values[30:] = 1.0  # the upper half of the plane (rows count from the bottom)
    image = surface_image(values, colour_table(ORANGE_WHITE_BLUE), (271, 200))
    assert image.size == (271, 200) and image.mode == "RGB"
    assert image.getpixel((10, 5)) == (0, 114, 178)        # top: class 1, blue
    assert image.getpixel((10, 194)) == (230, 159, 0)      # bottom: class 0, orange
    middle = np.asarray(image)[95:105, 10].astype(int)     # bilinear: through white, no jump
    assert (middle.min(axis=1) > 150).any()


def test_an_undecided_or_diverged_network_is_white():
    image = surface_image(np.full((5, 5), np.nan), colour_table(ORANGE_WHITE_BLUE), (8, 8))
    assert image.getpixel((4, 4)) == pytest.approx((255, 255, 255), abs=2)


def test_png_bytes_round_trip():
    pixels = np.random.default_rng(0).integers(0, 256, (13, 7, 3), dtype=np.uint8)
    for source in (pixels, Image.fromarray(pixels)):
        decoded = np.asarray(Image.open(io.BytesIO(png_bytes(source))))
        assert np.array_equal(decoded, pixels)


@pytest.mark.parametrize("call, message", [
    (lambda: colour_table(["red"]), "at least two colours"),
    (lambda: colour_table("red"), "at least two colours"),
    (lambda: colour_table(["red", "blue"], n=1000), "n must be a whole number from 2 to 256"),
    (lambda: surface_image(np.zeros(5), colour_table(["red", "blue"]), (4, 4)),
     r"values must be a 2-D grid, got shape \(5,\)"),
    (lambda: surface_image(np.zeros((3, 3)), np.zeros((256, 3)), (4, 4)),
     "table must be an \\(n, 3\\) uint8 array"),
    (lambda: surface_image(np.zeros((3, 3)), colour_table(["red", "blue"]), (0, 4)),
     "size must be \\(width, height\\) in whole pixels"),
    (lambda: png_bytes(np.zeros((4, 4)), 1), "image must be an RGB picture"),
    (lambda: png_bytes(np.zeros((4, 4, 3), np.uint8), 12), "compress_level must be"),
])
def test_bad_arguments_say_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()
