"""Where the course notebooks are executed in a test run, and what every execution must show.

Every notebook runs once per test run, top to bottom in quick mode, answered right, and every
exercise's and question's check must accept the answer: in JupyterLab in a real Chromium
(tests/browser/test_jupyterlab.py), which also checks widgets, layout and screenshots, when
Chromium and Playwright are here; under nbclient in graded mode (``NEURONA_STRICT=1``,
tests/test_notebooks.py) when they are not, or when ``NEURONA_BROWSER=0`` says so.
"""

from __future__ import annotations

import os
import shutil

BROWSER_ENV = "NEURONA_BROWSER"  # "0": no browser, every notebook runs under nbclient
CHROMIUM_ENV = "NEURONA_CHROMIUM"  # another Chromium (or Chrome) binary than the system's

# Ratios the notebooks compute from their own models (once typed by hand, and typed wrong):
# what they must print, whatever the data, because parameter counts do not depend on it.
COMPUTED = {
    "08_cnn": ["17,391 times the parameters of one shared filter", "520 vs 23,550, 45 times"],
    "10_autoencoders": ["dense 2,893,066, convolutional 3,217: 899 times fewer"],
}


def chromium() -> tuple[str | None, str]:
    """The Chromium binary to drive and ``""``, or None and why there is none."""
    wanted = os.environ.get(CHROMIUM_ENV)
    if wanted:
        if not (os.path.isfile(wanted) and os.access(wanted, os.X_OK)):
            return None, f"{CHROMIUM_ENV}={wanted} is not an executable file"
        return wanted, ""
    found = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package puts it there
    if os.access(found, os.X_OK):
        return found, ""
    return None, "no Chromium: apt-get install chromium, or set NEURONA_CHROMIUM=/path/to/chrome"


def browser_missing() -> str:
    """Why the notebooks cannot run in the browser in this test run; ``""`` when they can."""
    if os.environ.get(BROWSER_ENV, "").strip().lower() in {"0", "no", "false", "off"}:
        return f"{BROWSER_ENV}=0"
    binary, why = chromium()
    if binary is None:
        return why
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return ""
