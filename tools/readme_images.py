"""Commit the README's pictures: what the browser test shot, made small.

    .venv/bin/python tools/readme_images.py          # after the browser test ran (make test)

The browser test (tests/browser/test_jupyterlab.py) saves the parts of the notebooks the
README shows under ``artifacts/browser/readme/``; this copies them to ``course/images/`` as
palette PNGs (256 colours, no wider than ``MAX_WIDTH``), small enough for the repository,
and prints their sizes. tests/test_course.py checks that the README shows each of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "browser" / "readme"
IMAGES = ROOT / "course" / "images"
MAX_WIDTH = 860  # pixels: the README's column on GitHub shows about this much without scaling
PICTURES = ("playground", "trainer", "convolution_explorer", "performance")


def shrink(source: Path, target: Path) -> int:
    """Write ``source`` to ``target`` at most ``MAX_WIDTH`` wide, in 256 colours; return bytes."""
    from PIL import Image

    with Image.open(source) as image:
        picture = image.convert("RGB")
    if picture.width > MAX_WIDTH:
        height = round(picture.height * MAX_WIDTH / picture.width)
        picture = picture.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    picture = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
    target.parent.mkdir(parents=True, exist_ok=True)
    picture.save(target, optimize=True)
    return target.stat().st_size


def main() -> int:
    """Copy every picture the README shows; fail naming those the browser test did not shoot."""
    missing = [name for name in PICTURES if not (SHOTS / f"{name}.png").exists()]
    if missing:
        print(f"not shot yet: {', '.join(missing)} (run the browser test: make test "
              "PYTEST_ARGS=tests/browser)", file=sys.stderr)
        return 1
    for name in PICTURES:
        size = shrink(SHOTS / f"{name}.png", IMAGES / f"{name}.png")
        print(f"course/images/{name}.png: {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
