"""The course as a student sees it: JupyterLab in a real (headless) Chromium, widgets and all.

The unit tests drive the widgets from Python. A student sees them in a browser, where a
missing front-end extension shows "Error displaying widget: model not found" or the bare
text ``VBox(children=...)``, and where a notebook whose kernel name the environment does not
know opens with a "Select Kernel" prompt. This test starts JupyterLab from the kit's own
environment on a free localhost port and opens every course notebook (and the Spanish
Playground) in Chromium driven by Playwright, answered right (and checked so): this is where the
notebooks run in a test run (tests/notebook_runs.py). It runs all cells in quick mode from
the Run menu, checks every output, checks that values a cell set in a panel displayed by the
cell before are still shown (the race of a Run All, where the browser creates the panel's
views while the kernel runs on), presses the panels' buttons, checks that every output fits
at a laptop's width and at a narrow one, and saves screenshots of each notebook at both
widths under ``artifacts/browser/`` (and the README's pictures under ``readme/`` there).

It needs Chromium (``apt-get install chromium``; another browser binary through
``NEURONA_CHROMIUM=/path/to/chrome``) and the ``playwright`` package (the ``test`` extra); it
never downloads a browser. Without them it is skipped, with the reason in the summary.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from notebook_runs import COMPUTED, browser_missing, chromium

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "artifacts" / "browser"
sys.path.insert(0, str(ROOT / "course"))
import grade  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"  # a traceback, or text written to stderr
# What a widget looks like when the front end cannot draw it: its Python repr as plain text.
WIDGET_REPR = re.compile(
    r"^\s*(VBox|HBox|Box|GridBox|Tab|Accordion|IntSlider|FloatSlider|FloatLogSlider|"
    r"SelectionSlider|Button|ToggleButtons|Dropdown|Checkbox|Text|Textarea|Label|HTML|"
    r"Image|Output|Play)\("
)
# Seconds for one notebook: starting the server, running all cells, clicking, layout checks and
# screenshots. Quick mode takes 15 s to 3 min (11_performance); this only guards against a hang.
TIME_LIMIT = 600
CELLS_LIMIT_MS = 420_000  # running all cells of one notebook
CLICK_LIMIT_S = 60  # one button's effect (a Trainer run, a few Playground epochs)


# -- what is needed, and why the test is skipped without it -------------------------------------
def find_chromium() -> str:
    """Return the Chromium to drive, or skip the test with a one-line reason."""
    why = browser_missing()
    if why:
        pytest.skip(why)
    return chromium()[0]


def playwright_api():
    """Return ``playwright.sync_api``, or skip the test with a one-line reason."""
    try:
        from playwright import sync_api
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    return sync_api


# -- JupyterLab ------------------------------------------------------------------------------
@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(folder: Path) -> None:
    """User settings for this server only: every cell in the DOM, no news or update pop-ups."""
    settings = {
        # By default JupyterLab 4 draws only the cells near the viewport; the checks (and a
        # whole-notebook screenshot) need them all.
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        # Saved when the test says so (an autosave could overlap the test's own save).
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for name, values in settings.items():
        path = folder / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def private_folder(prefix: str):
    """A temporary folder outside pytest's ``tmp_path`` folders.

    pytest deletes old ones when another session starts, which would pull the notebooks from
    under a running server.
    """
    return tempfile.TemporaryDirectory(prefix=f"neurona-{prefix}-", ignore_cleanup_errors=True)


@pytest.fixture(scope="module")
def lab():
    """JupyterLab from this environment, on a free port with a token, on a copy of the notebooks.

    Shut down (kernels included) when the module's tests are done, also after a failure.
    """
    find_chromium()
    playwright_api()
    with private_folder("lab") as folder:
        yield from serve(Path(folder))


# Items left unanswered in the copies the test opens: 00's first question, whose answer buttons
# the test presses (press_question). A question answered in its cell shows no buttons.
UNANSWERED = {"00_start_here.ipynb": ["00-q1-answer"]}


def graded(name: str) -> list:
    """The graded items of notebook ``name`` (``es/`` too) that its copy here answers."""
    path = grade.SOLUTIONS / name.split("/")[-1]
    if not path.exists():
        return []
    items = grade.graded_items(nbformat.read(path, as_version=4), path.name)
    left = UNANSWERED.get(name.split("/")[-1], [])
    return [item for item in items if item.answer_id not in left]


def write_answered_copies(root: Path) -> None:
    """Replace each students' notebook in ``root`` by its copy answered right (English and Spanish).

    What a student who answered everything hands in (but ``UNANSWERED``): after the run every
    answered item's check must say it is right (check_graded), as graded mode demands under
    nbclient; the copy differs from the students' own only in its answer cells.
    """
    for path in grade.solution_notebooks():
        solution = nbformat.read(path, as_version=4)
        answers = [item.answer_id for item in graded(path.name)]
        for student in (root / path.name, root / "es" / path.name):
            if student.exists():
                nb = grade.answered_copy(nbformat.read(student, as_version=4), solution, answers)
                nbformat.write(nb, student)


def check_graded(lab: Lab, name: str, report: list[str]) -> None:
    """Every answered exercise and question of ``name`` says it is right.

    Its check cell's output has a ✓ (``neurona.check.RIGHT``) and no ✗ (``WRONG``) or ✎
    (``PENDING``, not answered). Reads the notebook as JupyterLab last saved it.
    """
    from neurona.check import PENDING, RIGHT, WRONG

    saved = nbformat.reads((lab.root / name).read_text(), as_version=4)
    outputs = {cell.id: "".join(out.get("text", "") for out in cell.get("outputs", []))
               for cell in saved.cells if cell.cell_type == "code"}
    items = graded(name)
    wrong = [f"{item.kind} checked in cell {item.check_id}: {outputs[item.check_id][:200]!r}"
             for item in items if RIGHT not in outputs[item.check_id]
             or WRONG in outputs[item.check_id] or PENDING in outputs[item.check_id]]
    assert not wrong, f"{name}: answered right, yet not accepted:\n" + "\n".join(wrong)
    report.append(f"{name}: {len(items)} answered exercises and questions accepted")


def serve(base: Path):
    """Start JupyterLab with its files in ``base``; yield it, then stop it."""
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_answered_copies(root)
    lab_settings(base / "settings")
    env = dict(os.environ)
    # tests/conftest.py sets these for the test process; a student's kernel has neither
    # (MPLBACKEND=Agg would hide every inline plot).
    for name in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL"):
        env.pop(name, None)
    env.update(
        NEURONA_QUICK="1",  # kernels inherit it: the notebooks' quick mode
        JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        # Nothing from the user's own Jupyter set-up: only what the kit's environment has.
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    token = secrets.token_hex(16)
    port = free_port()
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if os.name == "posix" and os.getuid() == 0:
        command.append("--allow-root")  # as `make lab` does in a container
    log = base / "jupyterlab.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command, env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    here = Lab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{here.log_tail()}")
            try:
                here.api("/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within 60 s:\n{here.log_tail()}")
                time.sleep(0.3)
        yield here
    finally:
        stop_server(server, here)


def stop_server(server: subprocess.Popen, lab: Lab) -> None:
    """Shut the server and its kernels down: politely, then by signal, then by force."""
    import psutil

    try:
        children = psutil.Process(server.pid).children(recursive=True)  # kernels among them
    except psutil.Error:
        children = []
    if server.poll() is None:
        try:
            lab.api("/api/shutdown", method="POST")  # stops the kernels too
        except (OSError, urllib.error.URLError):
            pass
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
    # Kernels run in sessions of their own: end any that outlived the server.
    _, alive = psutil.wait_procs(children, timeout=5)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


# -- Chromium --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(lab):
    """Headless Chromium with a fresh profile; closed when the module's tests are done."""
    chromium = find_chromium()
    sync_api = playwright_api()
    with private_folder("chromium") as profile, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


# -- one notebook, as a student runs it --------------------------------------------------------
def open_notebook(page, lab: Lab, name: str) -> None:
    """Open ``name`` in a workspace of its own and wait until its kernel is idle."""
    workspace = "browser-" + name.replace("/", "-").removesuffix(".ipynb")
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={lab.token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # The kernel named in the notebook must start without a "Select Kernel" prompt.
    deadline = time.monotonic() + 90
    while True:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            pytest.fail(f"{name}: JupyterLab asks: {dialog.first.inner_text()[:300]!r}")
        sessions = [s for s in lab.api("/api/sessions") if s["path"] == name]
        if sessions and sessions[0]["kernel"]["execution_state"] == "idle":
            break
        if time.monotonic() > deadline:
            pytest.fail(f"{name}: no idle kernel after 90 s: {sessions}\n{lab.log_tail()}")
        page.wait_for_timeout(300)
    kernel = sessions[0]["kernel"]["name"]
    assert kernel == "python3", f"{name} runs on kernel {kernel!r}"


def menu_command(page, menu: str, command: str) -> None:
    """Click ``menu`` in the menu bar, then its item that runs JupyterLab's ``command``."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def run_all_cells(page, name: str) -> None:
    """Run > Run All Cells, then wait until every cell ran (or one failed) and the kernel idles."""
    menu_command(page, "Run", "runmenu:run-all")  # "Run All Cells"
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll(
                '.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent.trim());
            if (!prompts.length || prompts.includes('[*]:')) return false;
            const failed = document.querySelector(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
            return failed !== null || prompts.every(p => /^\\[\\d+\\]:$/.test(p));
        }""",
        timeout=CELLS_LIMIT_MS,
        polling=500,
    )
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]')


def check_outputs(page, lab: Lab, name: str) -> int:
    """No cell failed or wrote to stderr; every widget the kernel showed is a live control.

    Returns the number of widgets shown.
    """
    cells = page.evaluate(
        """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')].map(cell => {
            const area = cell.querySelector('.jp-OutputArea');
            const top = area ? [...area.querySelectorAll(
                ':scope > .jp-OutputArea-child > .jp-OutputArea-output')] : [];
            return {
                prompt: cell.querySelector('.jp-InputArea-prompt').textContent.trim(),
                source: cell.querySelector('.jp-InputArea-editor').textContent.slice(0, 60),
                // Outputs inside Output widgets too.
                outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
                    mime: o.getAttribute('data-mime-type'),
                    text: o.textContent.slice(0, 2000),
                })),
                // A widget drawn by the widget manager: a control inside the output.
                widgets: top.filter(o => o.querySelector(
                    ':scope > .jupyter-widgets[class*="widget-"]')).length,
            };
        })"""
    )
    for index, cell in enumerate(cells):
        where = f"{name}, code cell {index + 1} ({cell['source']!r}...)"
        assert re.fullmatch(r"\[\d+\]:", cell["prompt"]), f"{where} did not run: {cell['prompt']}"
        for output in cell["outputs"]:
            text = output["text"]
            assert output["mime"] != STDERR_MIME, f"{where} shows an error:\n{text[:1500]}"
            assert not text.strip().startswith("Error displaying widget"), f"{where}: {text}"
            if output["mime"] == "text/plain":
                assert not WIDGET_REPR.match(text), f"{where} shows a widget as text: {text[:200]}"

    # Which widgets the kernel displayed: the outputs JupyterLab saves say so.
    saved = save_notebook(page, lab, name)
    shown = [
        sum(WIDGET_MIME in output.get("data", {}) for output in cell["outputs"])
        for cell in saved["cells"]
        if cell["cell_type"] == "code"
    ]
    assert len(shown) == len(cells), f"{name}: {len(cells)} code cells shown, {len(shown)} saved"
    for index, (cell, widgets) in enumerate(zip(cells, shown, strict=True)):
        assert cell["widgets"] == widgets, (
            f"{name}, code cell {index + 1} ({cell['source']!r}...) displayed {widgets} widgets;"
            f" {cell['widgets']} are drawn as controls"
        )
    return sum(shown)


def save_notebook(page, lab: Lab, name: str) -> dict:
    """File > Save Notebook; return the notebook as saved.

    The file is read once the server has answered the save: it writes in place, and a read
    through the server while it writes makes it "recover" the file from its backup copy.
    """

    def is_save(response) -> bool:
        path = response.url.split("?")[0]
        return response.request.method == "PUT" and path.endswith(f"/api/contents/{name}")

    with page.expect_response(is_save, timeout=30_000) as saving:
        menu_command(page, "File", "docmanager:save")  # "Save Notebook"
    response = saving.value
    assert response.ok, f"{name}: saving failed: {response.status} {response.text()[:500]}"
    return json.loads((lab.root / name).read_text())


def button(scope, label: str):
    """The ipywidgets buttons labelled ``label`` in ``scope`` (a page or a locator)."""
    exactly = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return scope.locator("button.widget-button", has_text=exactly)


def panel_with(page, label: str):
    """The first widget output holding a button labelled ``label``."""
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    return outputs.filter(has=button(page, label)).first


def image_digest(image) -> str:
    """SHA-256 of the PNG bytes an ``ipywidgets.Image`` shows right now."""
    return image.evaluate(
        """async img => {
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const hash = await crypto.subtle.digest('SHA-256', bytes);
            return [...new Uint8Array(hash)].map(b => b.toString(16).padStart(2, '0')).join('');
        }"""
    )


def wait_until(page, condition, what: str, seconds: float = CLICK_LIMIT_S):
    """Poll ``condition()`` until it returns something true; fail saying ``what`` if never."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"after {seconds:.0f} s: {what}"
        page.wait_for_timeout(250)


# The Playground's words, as the kit shows them in each language (src/neurona/locale).
PLAYGROUND_WORDS = {
    "en": {"Step": "Step", "Play": "Play", "Pause": "Pause", "epoch": "epoch"},
    "es": {"Step": "Paso", "Play": "Reproducir", "Pause": "Pausa", "epoch": "época"},
}


def playground_epoch(panel, words: dict[str, str]) -> int:
    pattern = rf"^{words['epoch']} ([\d,\u202f]+) ·"
    status = panel.locator(".widget-html-content", has_text=re.compile(pattern))
    digits = re.match(pattern, status.first.inner_text()).group(1)
    return int(re.sub(r"\D", "", digits))


def press_playground(page, report: list[str], language: str = "en") -> None:
    """Step, then Play and Pause, the notebook's first Playground: epochs and picture move on.

    In ``language``: the Spanish notebook's panel must show its Spanish buttons and status line.
    """
    words = PLAYGROUND_WORDS[language]
    panel = panel_with(page, words["Step"])
    image = panel.locator("img.widget-image").first
    epoch, picture = playground_epoch(panel, words), image_digest(image)

    button(panel, words["Step"]).click()
    wait_until(
        page,
        lambda: playground_epoch(panel, words) == epoch + 1 and image_digest(image) != picture,
        f"{words['Step']} did not advance the Playground from epoch {epoch} with a new picture",
    )
    report.append(f"Playground {words['Step']}: epoch {epoch} -> {epoch + 1}, picture redrawn")
    epoch, picture = epoch + 1, image_digest(image)

    button(panel, words["Play"]).click()
    wait_until(
        page,
        lambda: playground_epoch(panel, words) >= epoch + 3 and image_digest(image) != picture,
        f"{words['Play']} did not train the Playground past epoch {epoch + 3} with a new picture",
    )
    button(panel, words["Pause"]).click()
    button(panel, words["Play"]).wait_for()
    report.append(f"Playground {words['Play']}/{words['Pause']}: epoch {epoch} -> "
                  f"{playground_epoch(panel, words)}")


def press_spanish_playground(page, report: list[str]) -> None:
    """The Spanish 04: its Playground speaks Spanish (Paso, Reproducir, Pausa, "época N ·")."""
    press_playground(page, report, language="es")
    panel = panel_with(page, PLAYGROUND_WORDS["es"]["Step"])
    english = [label for label in PLAYGROUND_WORDS["en"].values() if button(panel, label).count()]
    assert not english, f"the Spanish Playground still shows English buttons: {english}"
    report.append("Spanish Playground: no English button left")


def trainer_table(panel) -> tuple[int, int]:
    """(runs, epochs in all) from the Trainer's comparison table."""
    return tuple(
        panel.evaluate(
            """out => {
                const table = out.querySelector('table.dataframe');
                if (!table) return [0, 0];
                const head = [...table.querySelector('thead tr').children].map(c => c.textContent);
                const column = head.indexOf('epochs');
                const rows = [...table.querySelectorAll('tbody tr')];
                const epochs = rows.map(r => Number(r.children[column].textContent));
                return [rows.length, epochs.reduce((a, b) => a + b, 0)];
            }"""
        )
    )


def press_trainer(page, report: list[str]) -> None:
    """Train in the notebook's Trainer: a new run, its epochs counted, its curves drawn."""
    panel = panel_with(page, "Train")
    train = button(panel, "Train")
    live = panel.locator("img.widget-image").first
    runs, epochs = trainer_table(panel)
    picture = image_digest(live)

    train.click()
    wait_until(
        page,
        lambda: trainer_table(panel)[0] == runs + 1 and train.is_enabled(),
        f"Train did not finish a new run (the table had {runs} runs)",
    )
    runs_after, epochs_after = trainer_table(panel)
    assert epochs_after > epochs, f"the Trainer's epoch count stayed at {epochs}"
    assert image_digest(live) != picture, "the Trainer's live curves were not redrawn"
    trouble = re.compile("Cannot do that|The run failed")  # what the panel says on an error
    message = panel.locator(".widget-html-content", has_text=trouble)
    assert not message.count(), message.first.inner_text()
    timing = panel.locator(".widget-html-content", has_text=re.compile(r"\d+ epochs? on")).first
    report.append(
        f"Trainer Train: runs {runs} -> {runs_after}, epochs trained {epochs} -> {epochs_after}"
        f" ({timing.inner_text()[:120]})"
    )


# Pixels: a taller notebook is shot in parts (-2.png, -3.png, ...). Chromium paints a window
# at most 16,384 px tall (its largest texture); below that line a picture would be black.
SHOT_HEIGHT = 12_000


def screenshot(page, path: Path) -> list[Path]:
    """The whole notebook, top to bottom (the window, if there is no notebook); the files saved.

    A notebook taller than ``SHOT_HEIGHT`` goes into several pictures, ``path`` then
    ``name-2.png``, ``name-3.png`` and so on, each starting where the one before ended.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{path.stem}-[0-9]*.png"):
        old.unlink()
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    if not scroller.count():
        page.screenshot(path=path)
        return [path]
    measure = """o => {
        o.scrollTop = 0;
        const content = o.querySelector('.jp-WindowedPanel-inner').getBoundingClientRect().height;
        return [Math.ceil(content), o.clientHeight];
    }"""
    content, shown = scroller.evaluate(measure)
    window = page.viewport_size
    tall = min(content + 40, SHOT_HEIGHT)
    saved = []
    try:
        for part, top in enumerate(range(0, content, tall), start=1):
            # A window as tall as this part: the notebook panel grows with it.
            height = min(tall, content + 40 - top)
            page.set_viewport_size(
                {"width": window["width"], "height": window["height"] - shown + height})
            scroller.evaluate("(o, top) => { o.scrollTop = top; }", top)
            page.wait_for_timeout(500)  # let the tall layout settle and paint
            target = path if part == 1 else path.with_name(f"{path.stem}-{part}.png")
            page.locator(".jp-NotebookPanel").first.screenshot(path=target)
            saved.append(target)
    finally:
        page.set_viewport_size(window)
    return saved


def shut_kernel(lab: Lab, name: str) -> None:
    for session in lab.api("/api/sessions"):
        if session["path"] == name:
            with contextlib.suppress(OSError, urllib.error.URLError):
                lab.api(f"/api/sessions/{session['id']}", method="DELETE")


def press_question(page, report: list[str]) -> None:
    """Try two answers of the first unanswered question: each shows its own feedback."""
    panel = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=page.locator("button.widget-toggle-button")).first
    feedback = panel.locator(".widget-html-content").last
    shown = []
    for letter, mark in (("a", "✗"), ("b", "✓")):  # Question 00.1's right answer is b
        exactly = re.compile(rf"^\s*{letter}\s*$")
        panel.locator("button.widget-toggle-button", has_text=exactly).click()
        text = wait_until(page, lambda m=mark: (t := feedback.inner_text()).startswith(m) and t,
                          f"the feedback of answer {letter} starting with {mark}")
        shown.append(text[:60])
    report.append(f"Question 00.1: a -> {shown[0]!r}; b -> {shown[1]!r}")


def press_loss_explorer(page, report: list[str]) -> None:
    """Switch the classification loss explorer's target: its numbers and its picture follow."""
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    panel = outputs.filter(has=page.locator("img.widget-image")).filter(
        has=page.locator("button.widget-toggle-button")).first
    image = panel.locator("img.widget-image").first
    readout = panel.locator(".widget-html-content").last
    picture, numbers = image_digest(image), readout.inner_text()
    panel.locator("button.widget-toggle-button", has_text=re.compile(r"^\s*0\s*$")).click()
    wait_until(
        page,
        lambda: image_digest(image) != picture and readout.inner_text() != numbers,
        "choosing target 0 did not redraw the loss explorer and its numbers",
    )
    shown = readout.inner_text()[:80]
    report.append(f"Loss explorer target 1 -> 0: picture and numbers redrawn ({shown!r})")


@dataclass(frozen=True)
class SetFromCode:
    """Values a cell sets in a panel right after the cell before displays it.

    ``cell`` starts the source of the cell that displays the panel; ``sliders`` maps a
    slider's label to the value the code set; ``text``, if given, is shown in the panel.
    """

    cell: str
    sliders: dict[str, float]
    text: str | None = None


# Each is a cell that displays a panel followed by one that sets it from code: in a Run All the
# browser creates the panel's views while the kernel already runs the next cell.
VALUES_FROM_CODE = {
    "01_foundations.ipynb": [  # classification_explorer.set(value=-5.0, target=1)
        SetFromCode("classification_explorer = nr.LossExplorer(", {"net input z": -5.0}),
    ],
    "02_perceptron.ipynb": [  # explorer.set_weights(1.0, 1.0, -1.5)
        SetFromCode("explorer = nr.PerceptronExplorer(", {"w₁": 1.0, "w₂": 1.0, "b": -1.5},
                    "All four right."),
    ],
    "07_overfitting.ipynb": [  # trainer.set(dropout=0.5)
        SetFromCode("trainer = nr.Trainer(build", {"dropout": 0.5}),
    ],
}


def panel_values(page, cell: str) -> dict:
    """The slider readouts (label -> number) and the text of the panel shown by ``cell``."""
    return page.evaluate(
        """start => {
            const cell = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')].find(
                c => c.querySelector('.jp-InputArea-editor').textContent.trim().startsWith(start));
            if (!cell) return null;
            const area = cell.querySelector('.jp-OutputArea');
            const sliders = {};
            for (const slider of area.querySelectorAll('.widget-slider')) {
                const label = slider.querySelector('.widget-label');
                const readout = slider.querySelector('.widget-readout');
                if (label && readout) sliders[label.textContent.trim()] = readout.textContent;
            }
            return {sliders, text: area.textContent};
        }""",
        cell,
    )


def check_values_from_code(page, name: str, report: list[str]) -> None:
    """The values the notebook's code set in its panels are the values the panels show."""
    for expected in VALUES_FROM_CODE.get(name, []):
        shown = panel_values(page, expected.cell)
        assert shown is not None, f"{name}: no cell starts with {expected.cell!r}"
        readouts = {}
        for label in expected.sliders:
            assert label in shown["sliders"], (
                f"{name}: the panel of {expected.cell!r} has no slider {label!r}: "
                f"{sorted(shown['sliders'])}")
            text = shown["sliders"][label]
            readouts[label] = float(text.replace("\u2212", "-").replace(",", ""))
        wanted = {label: float(value) for label, value in expected.sliders.items()}
        assert readouts == pytest.approx(wanted), (
            f"{name}: after Run All the panel of {expected.cell!r} shows {readouts}, "
            f"not the values its next cell set: {wanted}")
        if expected.text is not None:
            assert expected.text in shown["text"], (
                f"{name}: the panel of {expected.cell!r} does not say {expected.text!r}")
        report.append(f"{name}: values set from code still shown: {readouts}")


# What is pressed in each notebook after its Run All (None: nothing beyond the checks).
PRESSES = {
    "00_start_here.ipynb": press_question,
    "01_foundations.ipynb": press_loss_explorer,
    "04_playground.ipynb": press_playground,
    "07_overfitting.ipynb": press_trainer,
    "es/04_playground.ipynb": press_spanish_playground,
}
# Every course notebook, and the Spanish edition's Playground.
BROWSER_NOTEBOOKS = [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))] + [
    "es/04_playground.ipynb"]

# -- layout: every output fits its area, at a laptop's width and at a narrow one -------------------
LAYOUT_WIDTHS = {"wide": 1280, "narrow": 900}  # windows; the file browser open beside the notebook
LAYOUT_PROBLEMS = """() => {
    const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')];
    const describe = el => {
        const cls = [...el.classList].filter(c => !c.startsWith('lm-')).slice(0, 3).join('.');
        return el.tagName.toLowerCase() + (cls ? '.' + cls : '');
    };
    const scrolls = (el, out) => {  // inside something the student can scroll sideways?
        for (let p = el.parentElement; p && p !== out.parentElement; p = p.parentElement) {
            if (/(auto|scroll)/.test(getComputedStyle(p).overflowX)) return true;
        }
        return false;
    };
    const problems = [];
    cells.forEach((cell, index) => {
        for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
            const area = out.getBoundingClientRect();
            const reported = new Set();
            for (const el of out.querySelectorAll('*')) {
                if ([...reported].some(r => r.contains(el))) continue;
                const box = el.getBoundingClientRect();
                if (!box.width) continue;
                if ((box.right > area.right + 1 || box.left < area.left - 1) && !scrolls(el, out)) {
                    reported.add(el);
                    problems.push({cell: index + 1, kind: 'wider than its output',
                        what: describe(el), px: Math.round(box.width), area: Math.round(area.width),
                        text: el.textContent.trim().slice(0, 40)});
                }
            }
            // Content wider than a box that hides it, or that scrolls it inside a panel (a
            // widget box scrolls what does not fit: the panel looks cut off).
            for (const el of out.querySelectorAll('*')) {
                const overflow = getComputedStyle(el).overflowX;
                const panel = el.matches('.widget-box, .widget-html-content, .widget-html');
                if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth
                        && (/(hidden|clip)/.test(overflow) || panel)
                        && !el.matches('.widget-label, .widget-readout, input, textarea')) {
                    problems.push({cell: index + 1,
                        kind: /(hidden|clip)/.test(overflow) ? 'content clipped' : 'panel scrolls',
                        what: describe(el), px: el.scrollWidth, area: el.clientWidth,
                        text: el.textContent.trim().slice(0, 40)});
                }
            }
            for (const label of out.querySelectorAll('.widget-label, .widget-readout')) {
                if (label.scrollWidth > label.clientWidth + 1) {
                    problems.push({cell: index + 1, kind: 'text cut', what: describe(label),
                        px: label.scrollWidth, area: label.clientWidth,
                        text: label.textContent.trim().slice(0, 40)});
                }
            }
        }
    });
    return problems;
}"""


def notebook_width(page) -> int:
    return round(page.locator(".jp-NotebookPanel").first.bounding_box()["width"])


def open_file_browser(page) -> None:
    """Show the file browser beside the notebook, as a student who opened it from there has."""
    if not page.locator("#filebrowser:visible").count():
        page.locator('.jp-SideBar [data-id="filebrowser"]').first.click()
        page.locator("#filebrowser").wait_for(state="visible")


def check_layout(page, name: str, report: list[str]) -> list[str]:
    """At each width of ``LAYOUT_WIDTHS``: find what does not fit, save a screenshot.

    Returns the problems found, one line each (also added to ``report``).
    """
    problems = []
    for width, window in LAYOUT_WIDTHS.items():
        page.set_viewport_size({"width": window, "height": 900})
        page.wait_for_timeout(1000)  # let the widgets' layout settle
        found = page.evaluate(LAYOUT_PROBLEMS)
        report.append(f"{name} at {window} px (notebook {notebook_width(page)} px): "
                      f"{len(found)} layout problems")
        problems += [f"  {width}, code cell {p['cell']}: {p['kind']}: {p['what']} {p['px']} px"
                     f" in {p['area']} px {p['text']!r}" for p in found]
        report += problems[len(problems) - len(found):]
        shot = ARTIFACTS / name.replace("/", "_").replace(".ipynb", f"-{width}.png")
        saved = screenshot(page, shot)
        report.append(f"screenshot: {shot.relative_to(ROOT)}"
                      + (f" and {len(saved) - 1} more parts" if len(saved) > 1 else ""))
    return problems


# -- the README's pictures: parts of notebooks, shot at the laptop width ------------------------
README_IMAGES = ARTIFACTS / "readme"


def cell_of(page, start: str):
    """The code cell whose source starts with ``start``."""
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=re.compile("^" + re.escape(start)))
    ).first


README_SHOTS = {  # notebook -> (picture, what of it)
    "04_playground.ipynb": ("playground", lambda page: panel_with(page, "Step")),
    "07_overfitting.ipynb": ("trainer", lambda page: panel_with(page, "Train")),
    "08_cnn.ipynb": ("convolution_explorer", lambda page: cell_of(
        page, "explorer = nr.ConvolutionExplorer(").locator(".jp-OutputArea-output").first),
    "11_performance.ipynb": ("performance", lambda page: cell_of(
        page, "everything = nr.bench.Results(").locator(".jp-OutputArea-output img").first),
}


def readme_shot(page, name: str, report: list[str]) -> None:
    """Save the part of ``name`` the README shows (README_SHOTS), at the laptop width."""
    if name not in README_SHOTS:
        return
    picture, where = README_SHOTS[name]
    width = LAYOUT_WIDTHS["wide"]
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(500)
    part = where(page)
    # A window taller than the part by the page's header: the part fits in the notebook,
    # with no menu bar or toolbar drawn over it.
    tall = round(part.bounding_box()["height"]) + 900
    page.set_viewport_size({"width": width, "height": min(tall, SHOT_HEIGHT)})
    part.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    path = README_IMAGES / f"{picture}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    part.screenshot(path=path)
    page.set_viewport_size({"width": width, "height": 900})
    report.append(f"README picture: {path.relative_to(ROOT)} (tools/readme_images.py commits it)")


@pytest.mark.timeout(TIME_LIMIT)
@pytest.mark.parametrize("name", BROWSER_NOTEBOOKS, ids=lambda n: n.split(".")[0].replace("/", "_"))
def test_notebook_in_jupyterlab(lab, browser, name):
    """A notebook as a student runs it, answered right, at 1280 px and at 900 px.

    Run All at 1280 px with the file browser open (a notebook about 950 px wide). Fails on a
    cell that did not run, an error or stderr output, an answered exercise or question whose
    check does not accept it, a widget not drawn as a control, a
    value set from code that the panel no longer shows, a line the notebook must print
    (COMPUTED), a button that does not work (PRESSES), and, at both widths (the narrow one
    leaves a notebook about 570 px wide), on an element wider than its output area outside
    a horizontal scroll container, content wider than a widget box or than an element that
    hides it, and a widget label or readout whose text is cut. Saves
    ``artifacts/browser/NN_name-wide.png`` and ``-narrow.png``, and the README's pictures.
    """
    report: list[str] = []
    console: list[str] = []
    problems: list[str] = []
    page = browser.new_page()
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda error: console.append(f"uncaught: {error}"))
    try:
        page.set_viewport_size({"width": LAYOUT_WIDTHS["wide"], "height": 900})
        open_notebook(page, lab, name)
        open_file_browser(page)
        run_all_cells(page, name)
        widgets = check_outputs(page, lab, name)
        report.append(f"{name}: all cells ran cleanly, {widgets} widgets drawn as controls")
        check_printed(page, name)
        check_graded(lab, name, report)
        # After the save above the kernel has read the browser's messages from the Run All.
        check_values_from_code(page, name, report)
        press = PRESSES.get(name)
        if press is not None:
            press(page, report)
            check_outputs(page, lab, name)  # the clicks raised nothing either
        readme_shot(page, name, report)
    finally:
        try:
            problems = check_layout(page, name, report)
        finally:
            shut_kernel(lab, name)
            page.close()
            print("\n".join(report))
    widget_errors = [e for e in console if re.search("widget|model", e, re.I)]
    assert not widget_errors, f"{name}: the browser console reports: {widget_errors[:3]}"
    assert not problems, f"{name}: outputs that do not fit:\n" + "\n".join(problems)


def check_printed(page, name: str) -> None:
    """The lines ``name`` must print (COMPUTED in tests/notebook_runs.py) are in its outputs."""
    wanted = COMPUTED.get(name.split("/")[-1].removesuffix(".ipynb"), [])
    if not wanted:
        return
    text = page.locator(".jp-NotebookPanel .jp-OutputArea").all_inner_texts()
    missing = [line for line in wanted if not any(line in t for t in text)]
    assert not missing, f"{name} no longer prints {missing}"
