"""What a student sees in a real Jupyter kernel: live curves updated in place, an interrupted
run kept in the ledger, the %%timed magic, a question's buttons, and no start-up noise from
TensorFlow."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

CELLS = [
    # 0: the quiet import is what students get: TF_CPP_MIN_LOG_LEVEL is not set by them
    "import neurona as nr\nimport keras\nimport numpy as np\n"
    "rng = np.random.default_rng(0)\n"
    "x = rng.normal(size=(300, 4)).astype('float32'); y = (x[:, 0] > 0).astype('int64')\n"
    "def model():\n"
    "    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation='relu'),\n"
    "                          keras.layers.Dense(2, activation='softmax')])\n"
    "    m.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "    return m",
    # 1: live curves, forced to redraw every epoch
    "view = nr.LiveCurves(min_interval=0, max_overhead=1)\n"
    "model().fit(x, y, epochs=4, validation_split=0.2, verbose=0,\n"
    "            callbacks=[nr.Track('live', live=view)])\n"
    "print('redraws', view.redraws)",
    # 2: Ctrl-C in the middle of the second epoch
    "from neurona.tracking import record_of\n"
    "class CtrlC(keras.callbacks.Callback):\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        if record_of(self.model).epochs == 1 and batch == 1:\n"
    "            raise KeyboardInterrupt\n"
    "model().fit(x, y, epochs=5, batch_size=30, verbose=0,\n"
    "            callbacks=nr.callbacks('cut', live=False) + [CtrlC()])",
    # 3
    "run = nr.ledger['cut']\n"
    "assert run.status == 'interrupted', run.status\n"
    "assert run.epochs == 1 and run.partial_batches == 2\n"
    "assert nr.ledger['live'].status == 'finished'",
    # 4
    "%load_ext neurona",
    # 5
    "%%timed matrix product\nimport numpy as np\na = np.ones((200, 200))\n(a @ a)[0, 0]",
    # 6: Play runs on the kernel's event loop while the kernel stays responsive; Pause stops it
    "import asyncio\n"
    "pg = nr.Playground('data=clusters layers=1', resolution=20)\n"
    "pg.play_button.click()\n"
    "await asyncio.sleep(1.5)\n"
    "assert pg.play_button.description == 'Pause', pg.message.value\n"
    "assert pg.epoch >= 3, pg.epoch\n"
    "pg.play_button.click()\n"
    "await asyncio.sleep(0.3)\n"
    "stopped = pg.epoch\n"
    "await asyncio.sleep(0.5)\n"
    "assert pg.epoch == stopped and pg.play_button.description == 'Play'\n"
    "print('played', stopped, 'epochs')",
    # 7: a Trainer run goes on in the background while the next cell runs
    "panel = nr.Trainer(lambda: keras.Sequential([keras.Input((4,)),\n"
    "                   keras.layers.Dense(2, activation='softmax')]), x, y)\n"
    "panel.set(epochs=200, batch_size=1)\n"
    "panel.train()",
    # 8: the after-cell hook left it running; Stop ends it as stopped
    "import time\n"
    "time.sleep(1.5)\n"
    "run = nr.ledger.last\n"
    "assert panel.training and run.status == 'running', (panel.training, run.status)\n"
    "panel.stop()\n"
    "panel.wait()\n"
    "print('background run', run.status)",
    # 9: an unanswered question: one reminder line, then buttons to try the answers in place
    "q1 = ...\nnr.check.question(q1, '00.1');",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    mp.delenv("NEURONA_QUICK", raising=False)
    try:
        nb = new_notebook(cells=[new_code_cell(src) for src in CELLS])
        nb.cells[2].metadata["tags"] = ["raises-exception"]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        NotebookClient(nb, timeout=300, kernel_name="python3").execute()
        nbformat.write(nb, tmp_path_factory.mktemp("kernel") / "executed.ipynb")
        return nb
    finally:
        mp.undo()


def outputs(nb, index, kind):
    return [o for o in nb.cells[index].outputs if o.output_type == kind]


def test_live_curves_update_one_picture_in_place(executed):
    images = [o for o in executed.cells[1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # redrawn four times, but one picture in the notebook
    text = "".join(o.text for o in outputs(executed, 1, "stream"))
    assert "redraws 5" in text  # four epochs plus the final picture
    assert "live: 4 epochs, first" in text


def test_interrupted_run_is_announced_and_kept(executed):
    errors = outputs(executed, 2, "error")
    assert errors and errors[0].ename == "KeyboardInterrupt"
    text = "".join(o.text for o in outputs(executed, 2, "stream"))
    assert "'cut' was interrupted after 1 epoch and 2 batches" in text
    assert not outputs(executed, 3, "error")  # the assertions about the ledger held


def test_timed_magic_reports_and_returns_the_value(executed):
    text = "".join(o.text for o in outputs(executed, 5, "stream"))
    assert "⏱ matrix product:" in text and "wall" in text and "CPU" in text
    assert "Keras on tensorflow" in text
    results = outputs(executed, 5, "execute_result")
    assert results and results[0].data["text/plain"] == "np.float64(200.0)"


def test_no_tensorflow_noise_reaches_the_notebook(executed):
    for index, cell in enumerate(executed.cells):
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                pytest.fail(f"cell {index} wrote to stderr: {out.text[:300]}")


def test_playground_plays_and_pauses_in_a_kernel(executed):
    assert not outputs(executed, 6, "error")
    text = "".join(o.text for o in outputs(executed, 6, "stream"))
    assert text.startswith("played ")


def test_a_background_trainer_run_survives_the_cell_that_started_it(executed):
    assert not outputs(executed, 8, "error")
    text = "".join(o.text for o in outputs(executed, 8, "stream"))
    assert "background run stopped" in text
    assert "interrupted" not in "".join(o.get("text", "") for o in executed.cells[7].outputs)


def test_an_unanswered_question_shows_its_buttons_after_one_line(executed):
    cell = executed.cells[9].outputs
    assert not [o for o in cell if o.output_type == "error"]
    assert cell[0].output_type == "stream"
    assert cell[0].text.startswith("✎ Question 00.1: not answered")
    widgets = [o for o in cell if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 1 and cell.index(widgets[0]) == 1
