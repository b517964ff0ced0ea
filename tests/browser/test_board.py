"""The classroom board's projector page in a real (headless) Chromium, while students post.

A board runs in this process (``neurona.classroom.server.start``); simulated students join it and
post their runs epoch by epoch with plain ``urllib`` JSON from a background thread, as the
kit's client would. The browser logs in on ``/board`` with the instructor key (a wrong key
first) and the test reads the page twice while the class trains: the counts, the dots and the
curves must grow. One nickname is an HTML tag, which must show as text. The page must load
nothing from anywhere but the board, and write nothing to the console. Screenshots at projector
width (1280 px) and phone width (600 px) go to ``artifacts/browser/``.

Chromium and Playwright are found (or the test skipped) as in ``test_jupyterlab.py``.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .test_jupyterlab import ARTIFACTS, CHROMIUM_ARGS, find_chromium, playwright_api, private_folder

PAGE = Path(__file__).resolve().parents[2] / "src" / "neurona" / "classroom" / "page"
HOSTILE = "<img src=x onerror=alert(1)>"
NAMES = ["ana", "bruno", HOSTILE, "carla", "diego", "elena", "fran"]
RATES = [0.001, 0.003, 0.01, 0.03, 0.1]
EPOCHS = 12
FIRST = 3  # students who train before the test's first look at the page
WAIT_MS = 15_000  # a guard against a hang; the page polls every 1.5 s


# -- simulated students: what nr.classroom.join would send ----------------------------------------
def call(url: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def accuracy(rate: float, epoch: int, seed: int) -> float | None:
    """A plausible validation accuracy; the largest rate diverges after three epochs."""
    if rate >= 0.1 and epoch > 3:
        return None
    top = 0.95 - 0.07 * abs(math.log10(rate / 0.01)) - 0.013 * (seed % 3)
    return round(top - (top - 0.5) * math.exp(-epoch * math.sqrt(rate / 0.01) / 3), 4)


class Student:
    def __init__(self, url: str, code: str, name: str, number: int):
        self.url, self.name, self.number = url, name, number
        joined = call(url, "/api/join", {"code": code, "name": name,
                                         "hardware": f"CPU: laptop {number} (4 cores), 8 GB"})
        self.token, self.rate = joined["token"], joined["assigned"]["learning_rate"]
        self.epoch = 0
        if number % 2 == 0:  # notebook 11's hardware run, on half of the machines
            self.post({"id": f"mlp-{number}", "name": "hardware", "hparams": {
                "model": "MLP 50-1600-1", "batch_size": 1000},
                "samples_per_epoch": 1_366_100}, [
                {"epoch": 1, "seconds": 60.0, "metrics": {"loss": 0.09}},
                {"epoch": 2, "seconds": 40.0 + 7 * number, "metrics": {"loss": 0.05}}])

    def post(self, run: dict, epochs: list[dict]) -> None:
        run = {"device": f"CPU: laptop {self.number}", "backend": "tensorflow",
               "parameters": 7960, "status": "running", "note": "",
               "started": "2026-12-04T10:00:00", **run}
        stored = call(self.url, "/api/runs", {"run": run, "epochs": epochs}, self.token)
        assert stored["stored"] == epochs[-1]["epoch"], stored

    def train_one_epoch(self) -> None:
        self.epoch += 1
        value = accuracy(self.rate, self.epoch, self.number)
        self.post({"id": f"sweep-{self.number}", "name": f"lr {self.rate}",
                   "hparams": {"learning_rate": self.rate, "batch_size": 32},
                   "samples_per_epoch": 5000,
                   "status": "finished" if self.epoch == EPOCHS else "running"},
                  [{"epoch": self.epoch, "seconds": 0.5,
                    "metrics": {"loss": None if value is None else round(1 - value, 4),
                                "val_accuracy": value}}])


def simulate(url: str, code: str, paused: threading.Event, go: threading.Event,
             errors: list) -> None:
    """The first students train a few epochs, then pause; after ``go`` the rest join and all
    train on."""
    try:
        room = [Student(url, code, name, k) for k, name in enumerate(NAMES[:FIRST])]
        for _epoch in range(3):
            for student in room:
                student.train_one_epoch()
        paused.set()
        if not go.wait(60):
            return
        for k, name in enumerate(NAMES[FIRST:], start=FIRST):
            room.append(Student(url, code, name, k))
            for student in room:
                if student.epoch < EPOCHS:
                    student.train_one_epoch()
            time.sleep(0.3)  # a room's pace, roughly: the page sees the class grow
        while any(student.epoch < EPOCHS for student in room):
            for student in room:
                if student.epoch < EPOCHS:
                    student.train_one_epoch()
    except Exception as error:  # reported by the test
        errors.append(error)


# -- the page ---------------------------------------------------------------------------------
def look(page) -> dict:
    """What the projector shows now: the counts and the number of dots and curves."""
    return page.evaluate("""() => ({
        students: Number(document.querySelector('.count-students')?.textContent || 0),
        epochs: Number((document.querySelector('.count-epochs')?.textContent || '0')
                       .replace(/\\D/g, '')),
        dots: document.querySelectorAll('#panel-against .dot').length,
        curves: document.querySelectorAll('#panel-curves path.curve').length,
        state: document.getElementById('state').className,
    })""")


def settled(page, board) -> dict:
    """Wait until the page shows the counts the server has now; return them."""
    summary = call_get(board, "/api/board?metric=")["summary"]
    counts = summary["counts"]
    page.wait_for_function(
        """([students, epochs]) => {
            const s = document.querySelector('.count-students');
            const e = document.querySelector('.count-epochs');
            return s !== null && e !== null && Number(s.textContent) === students
                && Number(e.textContent.replace(/\\D/g, '')) === epochs;
        }""",
        arg=[counts["students"], counts["epochs"]], timeout=WAIT_MS, polling=200)
    return summary


def call_get(board, path: str) -> dict:
    request = urllib.request.Request(board.url + path,
                                     headers={"Authorization": f"Bearer {board.key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture()
def board(tmp_path):
    from neurona.classroom.server import start

    server = start(tmp_path / "class.sqlite", port=0)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.timeout(120)
def test_board_page_updates_while_students_post(board, record_property):
    chromium = find_chromium()
    sync_api = playwright_api()
    call(board.url, "/api/assign", {"grid": {"learning_rate": RATES}}, board.key)
    origin = urlsplit(board.url)[:2]
    requests, console, dialogs, errors = [], [], [], []
    paused, go = threading.Event(), threading.Event()
    students = threading.Thread(target=simulate, daemon=True,
                                args=(board.url, board.code, paused, go, errors))
    with private_folder("chromium") as profile, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}")
                    if message.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            # The key form: a wrong key is refused with a sentence, the right one lets in.
            page.goto(board.url + "/board")
            page.fill("#key", "not-the-key")
            page.click("button[type=submit]")
            error = page.wait_for_selector(".error")
            assert "key" in error.inner_text(), page.content()[:2000]
            console.clear()  # the refused form's 403 is the browser's own console line
            page.fill("#key", board.key)
            page.click("button[type=submit]")
            page.wait_for_selector("#state.state-live")
            assert page.locator("#code").inner_text().replace("-", "") == board.code

            students.start()
            assert paused.wait(30), errors
            settled(page, board)
            first = look(page)
            go.set()  # the others join and everyone trains on while the page is watched
            students.join(60)
            assert not errors, errors
            assert not students.is_alive()
            settled(page, board)
            last = look(page)
            record_property("board", json.dumps({"first": first, "last": last}))
            assert first["students"] < last["students"] == len(NAMES)
            assert first["epochs"] < last["epochs"]
            assert first["dots"] < last["dots"], (first, last)
            assert first["curves"] == FIRST < last["curves"] == len(NAMES)
            assert "live" in last["state"]

            # Nothing changes now: the page asks with its ETag and the board answers 304.
            with page.expect_response(lambda r: "/api/board?" in r.url and r.status == 304,
                                      timeout=WAIT_MS):
                pass

            # The nickname that is an HTML tag is text, and no image was made from it.
            hostile = page.locator("#panel-hardware td.who", has_text=HOSTILE)
            assert hostile.count() == 1, page.locator("#panel-hardware").inner_text()
            assert page.locator("img").count() == 0
            assert not dialogs, dialogs

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=ARTIFACTS / "board.png", full_page=True)
            page.set_viewport_size({"width": 600, "height": 900})
            page.wait_for_function(  # the charts are redrawn for the new width
                """() => [...document.querySelectorAll('.chart svg')].every(
                    svg => svg.width.baseVal.value <= svg.parentNode.clientWidth)""",
                timeout=WAIT_MS)
            page.screenshot(path=ARTIFACTS / "board-narrow.png", full_page=True)
            # Nothing sticks out sideways at phone width: no sideways scrolling.
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 600)
                .map(e => e.tagName + '.' + e.getAttribute('class') + ' '
                     + e.textContent.slice(0, 40))""")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 600, wide
            quiet = list(console)

            # Another metric: the panels draw it.
            page.select_option("#metric", "loss")
            page.wait_for_function("() => document.querySelector('#panel-curves h2')"
                                   ".textContent.includes('loss')", timeout=WAIT_MS)
            assert look(page)["curves"] == len(NAMES)

            # The board stops: the page says so and retries; it comes back on the same class
            # (and the same cookie); then the class ends, and the page says that too.
            from neurona.classroom.server import start

            board.stop()
            page.wait_for_selector("#state.state-unreachable", timeout=WAIT_MS)
            again = start(board.db, port=urlsplit(board.url).port)
            try:
                page.wait_for_selector("#state.state-live", timeout=WAIT_MS)
                call(again.url, "/api/end", {}, again.key)
                page.wait_for_selector("#state.state-ended", timeout=WAIT_MS)
                assert look(page)["curves"] == len(NAMES)
            finally:
                again.stop()
        except Exception:
            go.set()
            raise
        finally:
            context.close()
    assert not quiet, quiet
    strangers = [url for url in requests
                 if not url.startswith("data:") and urlsplit(url)[:2] != origin]
    assert not strangers, strangers
    assert any(url.endswith("/api/board?metric=loss") for url in requests)


# -- the page's files, without a browser -----------------------------------------------------
def test_page_takes_every_word_from_the_labels():
    from neurona.classroom.labels import page_labels

    labels = page_labels()
    script = (PAGE / "board.js").read_text()
    used = set(re.findall(r"""word\("(\w+)\"""", script))
    assert used and used <= set(labels), sorted(used - set(labels))
    assert all(isinstance(v, str) and v for v in labels.values())


def test_page_labels_speak_spanish(spanish):
    from neurona.classroom.labels import page_labels

    labels = page_labels()
    assert labels["live"] == "en directo"
    assert labels["metric:val_accuracy"] == "exactitud de validación"
    assert labels["thousands"] == "\u202f"


def test_page_uses_the_kits_palette_and_builds_no_html_from_data():
    from neurona.plots.style import PALETTE

    script = (PAGE / "board.js").read_text()
    palette = re.search(r"var PALETTE = \[([^\]]*)\]", script).group(1)
    assert tuple(re.findall(r'"(#[0-9A-Fa-f]{6})"', palette)) == PALETTE
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    for name in ("board.html", "login.html", "board.js", "board.css"):
        text = (PAGE / name).read_text()
        # Nothing from elsewhere: the page works offline, under default-src 'self'.
        assert not re.search(r"(src|href)=\"(https?:)?//", text), name
        if name.endswith(".html"):  # no inline style: the CSP allows none
            assert "style=" not in text and "<style" not in text, name
