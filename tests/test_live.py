"""The live learning-curve view, without a kernel: throttling and the picture it renders."""

import pytest

from neurona.plots.live import LiveCurves
from neurona.runs import RunRecord


def record(epochs):
    run = RunRecord("demo", hparams={"epochs": 10})
    for k in range(epochs):
        run.add_epoch({"loss": 1 / (k + 1), "val_loss": 1.1 / (k + 1), "accuracy": k / 10,
                       "val_accuracy": k / 11}, 1.0)
    return run


def test_redraws_are_throttled_but_the_final_picture_always_comes():
    view = LiveCurves(min_interval=60)
    run = record(1)
    assert view.update(run) is True  # the first picture comes at once
    run.add_epoch({"loss": 0.4}, 1.0)
    assert view.update(run) is False  # too soon
    assert view.update(run, final=True) is True
    assert view.redraws == 2 and view.last_png.startswith(b"\x89PNG")


def test_nothing_to_draw_before_the_first_epoch():
    view = LiveCurves()
    assert view.update(RunRecord("empty")) is False and view.redraws == 0


def test_drawing_cost_sets_the_pace():
    view = LiveCurves(min_interval=0, max_overhead=0.001)
    run = record(2)
    view.update(run)
    assert not view.due()  # drawing took far more than 0.1% of the time since
    assert LiveCurves(min_interval=0, max_overhead=1).due()


def test_only_the_chosen_metrics_are_drawn():
    view = LiveCurves(metrics=["loss"])
    view.update(record(3), final=True)
    assert len(view._figure.axes) == 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="max_overhead"):
        LiveCurves(max_overhead=0)
    with pytest.raises(ValueError, match="min_interval"):
        LiveCurves(min_interval=-1)


def test_a_long_title_wraps_to_the_width_of_the_picture():
    run = RunRecord("III (keras2) · seed 2 of 5", hparams={"epochs": 100})
    run.status = "stopped"
    for k in range(3):
        run.add_epoch({"loss": 1 / (k + 1), "val_loss": 1.1 / (k + 1)}, 0.213)
    view = LiveCurves(metrics=["loss"], min_interval=0, width=5.2)
    view.update(run, final=True)
    figure = view._figure
    title = figure._suptitle
    assert "\n" in title.get_text()                  # too long for one line at 5.2 in
    figure.canvas.draw()
    box = title.get_window_extent(figure.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width   # not cut at either end
