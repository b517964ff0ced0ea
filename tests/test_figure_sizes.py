"""Kit figures are sized for the notebook they are shown in: text stays readable, ticks honest."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import neurona as nr  # noqa: E402
from neurona import bench  # noqa: E402
from neurona.plots import performance as perf  # noqa: E402
from neurona.plots.live import LiveCurves, _title  # noqa: E402
from neurona.plots.style import (  # noqa: E402
    MAX_FIGURE_WIDTH,
    MIN_TEXT_PX,
    PALETTE,
    figure_size,
    smallest_text_px,
)
from neurona.runs import RunRecord  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def rows(**columns):
    n = len(next(iter(columns.values())))
    base = {"ok": [True] * n, "label": ["mlp 4x400 · train"] * n, "device_read": ["CPU"] * n}
    return bench.Results(pd.DataFrame({**base, **columns}).to_dict("records"))


def history(metrics):
    return {name: list(np.linspace(1.0, 0.3, 6)) for name in metrics}


def loss_pairs():
    return {"MSE": (lambda y, v: (v - y) ** 2, lambda y, v: 2 * (v - y)),
            "MAE": (lambda y, v: np.abs(v - y), lambda y, v: np.sign(v - y))}


def transfer_results():
    return pd.DataFrame({"strategy": ["scratch"] * 3 + ["frozen"] * 3,
                         "labels per class": [10, 100, 1000] * 2,
                         "test accuracy": [0.3, 0.5, 0.7, 0.6, 0.7, 0.8],
                         "training s": [1.0, 2.0, 8.0, 1.0, 1.5, 4.0]})


# Kit pictures that used to be drawn wider than a notebook (13-14 in).
WIDE_PICTURES = {
    "learning curves, five metrics": lambda: nr.plot_learning_curves(
        history(["loss", "val_loss", "accuracy", "val_accuracy", "mae"])),
    "losses side by side": lambda: nr.plot_losses(loss_pairs(), target=0.0),
    "accuracy vs labels": lambda: nr.plot_accuracy_vs_labels(transfer_results()),
    "thread scaling": lambda: perf.plot_thread_scaling(
        rows(threads=[1, 2, 4], speedup=[1.0, 1.8, 2.9], efficiency=[1.0, 0.9, 0.7])).figure,
    "time vs batch": lambda: perf.plot_time_vs_batch(
        rows(batch_size=[8, 32, 128], per_epoch_s=[0.17, 0.15, 0.12])).figure,
}


@pytest.mark.parametrize("name", list(WIDE_PICTURES))
def test_kit_figures_fit_the_notebook_with_readable_text(name):
    figure = WIDE_PICTURES[name]()
    assert figure.get_figwidth() <= MAX_FIGURE_WIDTH + 1e-9
    assert smallest_text_px(figure) >= MIN_TEXT_PX


def test_figure_size_keeps_the_shape_of_a_wide_figure():
    assert figure_size(6.0, 4.0) == (6.0, 4.0)
    width, height = figure_size(14.0, 4.2)
    assert width == MAX_FIGURE_WIDTH and height == pytest.approx(4.2 * 9.5 / 14.0)


def test_learning_curves_wrap_after_two_columns():
    figure = nr.plot_learning_curves(history(["loss", "accuracy", "mae"]))
    columns = {round(ax.get_position().x0, 2) for ax in figure.axes}
    assert len(figure.axes) == 3 and len(columns) == 2


def test_the_live_picture_wraps_and_fits_too():
    run = RunRecord("demo", hparams={"epochs": 4})
    for k in range(3):
        run.add_epoch({"loss": 1 / (k + 1), "accuracy": k / 4, "mae": 0.5, "auc": 0.7}, 1.0)
    view = LiveCurves(min_interval=0)
    view.update(run, final=True)
    figure = view._figure
    assert len(figure.axes) == 4
    assert figure.get_figwidth() * figure.dpi <= 950
    assert smallest_text_px(figure) >= MIN_TEXT_PX


def test_the_live_title_uses_the_kits_time_units():
    run = RunRecord("perceptron", hparams={"epochs": 4})
    for _epoch in range(3):
        run.add_epoch({"loss": 0.5}, 0.000096)
    title = _title(run, final=False)
    assert "µs/epoch" in title and "0.00 s" not in title


def test_counts_get_whole_number_ticks():
    ax = perf.plot_thread_scaling(
        rows(threads=[1, 2, 3], speedup=[1.0, 1.8, 2.4], efficiency=[1.0, 0.9, 0.8]))
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_a_log_axis_under_a_decade_reads_as_plain_numbers():
    ax = perf.plot_time_vs_batch(rows(batch_size=[8, 32, 128], per_epoch_s=[0.17, 0.15, 0.12]))
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() + ax.get_yticklabels(minor=True)
              if t.get_text()]
    assert labels and not any("times" in label or "^" in label for label in labels)
    assert "32" in [t.get_text() for t in ax.get_xticklabels()]  # a batch size, not 2^5


def test_every_notebook_draws_in_the_course_palette():
    nr.plot_losses(loss_pairs(), target=0.0)  # any kit picture sets the course's look
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == list(PALETTE)


def test_only_repeated_curves_are_marked_as_the_same():
    runs = []
    for name, values in {"a": [0.9, 0.6], "b": [0.8, 0.5], "c": [0.9, 0.6, 0.4]}.items():
        run = RunRecord(name)
        for value in values:
            run.add_epoch({"loss": value}, 1.0)
        runs.append(run)
    ax = nr.plot_run_comparison(runs, "loss")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["a (0.6000)", "b (0.5000)", "c (0.4000): the same as a where both ran"]


def test_legends_over_full_plots_go_under_the_axes():
    ax = nr.plot_training_errors([3, 2, 2, 1, 3, 2], losses=[2.0, 1.8, 1.5, 1.4, 1.2, 1.1])
    ax.figure.canvas.draw()
    legend_top = ax.get_legend().get_window_extent().y1
    assert legend_top < ax.get_window_extent().y0  # below the plot: no bar under it
    assert len(ax.get_legend().get_texts()) == 2
