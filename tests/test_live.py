"""The live learning-curve view, without a kernel: throttling and the picture it renders."""

import pytest

from neurona.plots.live import LiveCurves
from neurona.runs import RunRecord


@pytest.fixture(autouse=True)
def nothing_kept():
    """Each test starts with no frame, figure or limits kept by the tests before it."""
    from neurona.plots import live

    live._forget_kept()


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


def test_the_figure_and_its_lines_are_kept_between_pictures():
    view = LiveCurves(min_interval=0, max_overhead=1)
    run = record(3)
    view.update(run)
    figure, lines = view._figure, [ax.get_lines() for ax in view._figure.axes]
    first = view.last_png
    run.add_epoch({"loss": 0.1, "val_loss": 0.2, "accuracy": 0.9, "val_accuracy": 0.8}, 1.0)
    assert view.update(run) is True
    assert view._figure is figure and [ax.get_lines() for ax in figure.axes] == lines
    assert lines[0][0].get_xdata().tolist() == [1, 2, 3, 4]
    assert lines[0][1].get_ydata()[-1] == pytest.approx(0.2)
    assert view.last_png != first and "epoch 4/10" in figure._suptitle.get_text()
    top = figure.axes[0].get_ylim()[1]
    run.add_epoch({"loss": 3.0, "val_loss": 3.5, "accuracy": 0.9, "val_accuracy": 0.8}, 1.0)
    view.update(run)
    assert figure.axes[0].get_ylim()[1] > max(top, 3.5)  # the limits follow the data


def test_the_picture_has_the_size_of_its_panels():
    import io

    from PIL import Image

    view = LiveCurves(metrics=["loss"], min_interval=0, width=4.6, height=3.2, dpi=80)
    view.update(record(3), final=True)
    assert Image.open(io.BytesIO(view.last_png)).size == (368, 256)


def test_a_new_line_draws_the_panels_anew():
    view = LiveCurves(min_interval=0, max_overhead=1)
    run = RunRecord("demo")
    run.add_epoch({"loss": 1.0}, 1.0)
    run.add_epoch({"loss": 0.5}, 1.0)
    view.update(run)
    assert [len(ax.get_lines()) for ax in view._figure.axes] == [1]
    run = record(3)
    view.update(run)
    assert [len(ax.get_lines()) for ax in view._figure.axes] == [2, 2]


def test_drawing_keeps_within_its_share_of_the_training_time():
    view = LiveCurves(min_interval=0, max_overhead=0.01)
    run = record(1)
    assert view.update(run) is True           # the first picture comes at once
    cost = view.pacer.last_cost
    run.epoch_seconds[-1] = cost              # a run as short as one picture
    run.add_epoch({"loss": 0.5, "val_loss": 0.6, "accuracy": 0.5, "val_accuracy": 0.4}, cost)
    assert view.update(run) is False          # it would take far more than 1% of it
    run.add_epoch({"loss": 0.4, "val_loss": 0.5, "accuracy": 0.6, "val_accuracy": 0.5},
                  300 * cost)                 # now the training has paid for two more
    assert view.update(run) is True
    assert view.update(run, final=True) is True and view.redraws == 3


def test_each_picture_is_the_same_as_a_full_drawing_of_the_figure():
    """Only the lines, spines, legends and title are drawn over the kept frame: no pixel differs."""
    import io

    import numpy as np
    from PIL import Image

    from neurona.plots.raster import canvas_image

    run = RunRecord("demo", hparams={"epochs": 8})
    view = LiveCurves(min_interval=0, max_overhead=1)
    for k in range(8):
        run.add_epoch({"loss": 0.9 * 0.8 ** k, "val_loss": 1.0 * 0.85 ** k,
                       "accuracy": 0.5 + 0.05 * k, "val_accuracy": 0.45 + 0.05 * k}, 1.0)
        view.update(run, final=k == 7)
        picture = np.asarray(Image.open(io.BytesIO(view.last_png)).convert("RGB"), dtype=int)
        view._figure.canvas.draw()
        assert np.array_equal(picture, np.asarray(canvas_image(view._figure.canvas), dtype=int))
    assert view._figure.axes[0].get_lines()[0].get_marker() == "None"  # no lone-point marker


def test_the_frame_is_steady_while_the_curves_stay_inside_it():
    run = RunRecord("demo", hparams={"epochs": 20})
    view = LiveCurves(metrics=["loss"], min_interval=0, max_overhead=1)
    frames = []
    for k in range(20):
        run.add_epoch({"loss": 0.9 * 0.9 ** k, "val_loss": 1.0 * 0.92 ** k}, 1.0)
        view.update(run)
        frames.append(view._frame)
        ax = view._figure.axes[0]
        bottom, top = ax.get_ylim()
        assert bottom <= 0.9 * 0.9 ** k and top >= 1.0      # the curves stay inside
    assert ax.get_xlim() == pytest.approx((0.05, 20.95))    # the planned epochs, from the start
    assert len(set(frames)) <= 4                            # redrawn a few times, not 20


def test_without_planned_epochs_the_x_axis_grows_in_round_steps():
    run = RunRecord("demo")
    view = LiveCurves(metrics=["loss"], min_interval=0, max_overhead=1)
    for k in range(12):
        run.add_epoch({"loss": 1 / (k + 1)}, 1.0)
        view.update(run)
        if k == 2:
            assert view._figure.axes[0].get_xlim()[1] == pytest.approx(10.45)
    assert view._figure.axes[0].get_xlim()[1] == pytest.approx(15.7)


def test_a_high_accuracy_keeps_room_to_read_the_gap_and_a_loss_starts_at_0():
    run = RunRecord("demo", hparams={"epochs": 8})
    run.add_epoch({"loss": 0.05, "val_loss": 0.3, "accuracy": 1.0, "val_accuracy": 0.964}, 1.0)
    view = LiveCurves(min_interval=0, max_overhead=1)
    view.update(run)
    loss, accuracy = (ax.get_ylim() for ax in view._figure.axes)
    assert loss[0] < 0 < 0.05 and loss[1] >= 0.3        # 0 shows, above the bottom spine
    assert 0.5 < accuracy[0] < 0.964 and accuracy[1] > 1.0


def fitted(epochs, planned=8, scale=1.0):
    run = RunRecord("demo", hparams={"epochs": planned})
    for k in range(epochs):
        run.add_epoch({"loss": scale * 0.9 * 0.8 ** k, "val_loss": scale * 0.85 ** k,
                       "accuracy": 0.5 + 0.05 * k, "val_accuracy": 0.45 + 0.05 * k}, 1.0)
    return run


def same_as_a_full_drawing(view):
    import io

    import numpy as np
    from PIL import Image

    from neurona.plots.raster import canvas_image

    picture = np.asarray(Image.open(io.BytesIO(view.last_png)).convert("RGB"), dtype=int)
    view._figure.canvas.draw()
    return np.array_equal(picture, np.asarray(canvas_image(view._figure.canvas), dtype=int))


def test_the_next_view_with_the_same_frame_reuses_its_pixels_and_draws_the_same_picture():
    from neurona.plots import live

    live._FRAMES.clear()
    first = LiveCurves(min_interval=0, max_overhead=1)
    first.update(fitted(1))
    assert first._framed is True and len(live._FRAMES) == 1  # drawn, and kept
    second = LiveCurves(min_interval=0, max_overhead=1)
    run = fitted(1)
    second.update(run)
    assert second._framed is False  # the frame came from the first view
    assert same_as_a_full_drawing(second)
    for k in range(1, 8):
        run.add_epoch({"loss": 0.9 * 0.8 ** k, "val_loss": 0.85 ** k,
                       "accuracy": 0.5 + 0.05 * k, "val_accuracy": 0.45 + 0.05 * k}, 1.0)
        second.update(run, final=k == 7)
        assert same_as_a_full_drawing(second)


@pytest.mark.parametrize("change", ["planned epochs", "limits", "metrics", "language"])
def test_views_whose_frames_differ_never_share_one(change):
    from neurona.i18n import language, set_language
    from neurona.plots import live

    live._FRAMES.clear()
    before = language()
    first = LiveCurves(min_interval=0, max_overhead=1)
    first.update(fitted(1))
    other = {"planned epochs": lambda: (fitted(1, planned=10), {}),
             "limits": lambda: (fitted(1, scale=30.0), {}),
             "metrics": lambda: (fitted(1), {"metrics": ["loss"]}),
             "language": lambda: (fitted(1), {})}[change]
    try:
        if change == "language":
            set_language("es" if before != "es" else "en")
        run, options = other()
        second = LiveCurves(min_interval=0, max_overhead=1, **options)
        second.update(run)
    finally:
        set_language(before)
    assert second._framed is True and second._background is not first._background
    assert len(live._FRAMES) == 2
    assert same_as_a_full_drawing(second)


def test_few_frames_are_kept():
    from neurona.plots import live

    for planned in range(2, 12):
        LiveCurves(min_interval=0, max_overhead=1).update(fitted(1, planned=planned))
    assert len(live._FRAMES) == live.FRAMES_KEPT


def test_a_frame_with_an_artist_the_key_does_not_describe_is_not_kept():
    from neurona.plots import live

    view = LiveCurves(min_interval=0, max_overhead=1)
    view.update(fitted(1))
    assert live._frame_key(view._figure, view._changing()) is not None
    view._figure.axes[0].axvspan(1, 2)
    assert live._frame_key(view._figure, view._changing()) is None


def pixels(png):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_a_later_view_draws_on_the_figure_handed_on_and_the_same_pictures_as_on_a_new_one():
    import numpy as np

    from neurona.plots import live

    first = LiveCurves(min_interval=0, max_overhead=1)
    first.update(fitted(5, scale=3.0), final=True)        # its final picture: handed on
    assert any(fig is first._figure for _layout, fig in live._SPARES)
    later = LiveCurves(min_interval=0, max_overhead=1)
    run = RunRecord("later", hparams={"epochs": 6})
    pictures = []
    for k in range(6):                                    # a lone point first, then lines
        run.add_epoch({"loss": 0.7 * 0.8 ** k, "val_loss": 0.8 * 0.85 ** k,
                       "accuracy": 0.6 + 0.05 * k, "val_accuracy": 0.55 + 0.05 * k}, 1.0)
        later.update(run, final=k == 5)
        assert later._figure is first._figure and same_as_a_full_drawing(later)
        pictures.append(pixels(later.last_png))
    # The same run drawn by a view that finds no figure and no frame kept: not a pixel apart.
    live._SPARES.clear()
    live._FRAMES.clear()
    new = LiveCurves(min_interval=0, max_overhead=1)
    again = RunRecord("later", hparams={"epochs": 6})
    for k in range(6):
        again.add_epoch({"loss": 0.7 * 0.8 ** k, "val_loss": 0.8 * 0.85 ** k,
                         "accuracy": 0.6 + 0.05 * k, "val_accuracy": 0.55 + 0.05 * k}, 1.0)
        new.update(again, final=k == 5)
        assert np.array_equal(pixels(new.last_png), pictures[k])
    assert new._figure is not first._figure


def test_a_view_drawn_again_after_its_final_picture_takes_its_figure_back_or_another():
    from neurona.plots import live

    live._SPARES.clear()
    view = LiveCurves(min_interval=0, max_overhead=1)
    run = fitted(3)
    view.update(run, final=True)
    figure = view._figure
    view.update(run, final=True)                     # nobody took it: the same figure
    assert view._figure is figure and len(live._SPARES) == 1
    other = LiveCurves(min_interval=0, max_overhead=1)
    other.update(fitted(2))                          # takes it, and keeps it (not final)
    assert other._figure is figure and not live._SPARES
    view.update(run, final=True)                     # a figure of its own, not the other's
    assert view._figure is not figure and same_as_a_full_drawing(view)
    assert same_as_a_full_drawing(other)


def test_few_figures_are_kept_and_only_for_their_layout():
    from neurona.plots import live

    live._SPARES.clear()
    views = [LiveCurves(min_interval=0, max_overhead=1) for _ in range(5)]
    for view in views:                               # five fits at once: five figures
        view.update(fitted(2))
    assert len({id(view._figure) for view in views}) == 5
    for view in views:
        view.update(fitted(2), final=True)
    assert [fig for _layout, fig in live._SPARES] == [view._figure for view in views[-2:]]
    assert len(live._SPARES) == live.FIGURES_KEPT
    one_panel = LiveCurves(metrics=["loss"], min_interval=0, max_overhead=1)
    one_panel.update(fitted(2))                      # a different layout: a new figure
    assert all(fig is not one_panel._figure for _layout, fig in live._SPARES)
    assert len(live._SPARES) == live.FIGURES_KEPT and len(one_panel._figure.axes) == 1


def test_a_fit_whose_values_fit_the_last_limits_keeps_them_and_their_frame():
    first = LiveCurves(min_interval=0, max_overhead=1)
    first.update(fitted(1), final=True)
    limits = [ax.get_ylim() for ax in first._figure.axes]
    later = LiveCurves(min_interval=0, max_overhead=1)
    run = fitted(1, scale=0.8)                   # a little lower: inside, and not too loose
    run.history["accuracy"][0] = 0.6
    later.update(run)
    assert [ax.get_ylim() for ax in later._figure.axes] == limits
    assert later._framed is False and same_as_a_full_drawing(later)
    alone = LiveCurves(min_interval=0, max_overhead=1)
    from neurona.plots import live

    live._RECENT_LIMITS.clear()
    alone.update(run)                            # its own limits: tighter, but not far
    own = [ax.get_ylim() for ax in alone._figure.axes]
    for (bottom, top), (own_bottom, own_top) in zip(limits, own, strict=True):
        assert bottom <= own_bottom and own_top <= top
        assert top - bottom <= live.LOOSER * (own_top - own_bottom)


@pytest.mark.parametrize("scale", [0.3, 3.0])
def test_a_fit_far_from_the_last_limits_gets_its_own(scale):
    first = LiveCurves(metrics=["loss"], min_interval=0, max_overhead=1)
    first.update(fitted(1), final=True)
    (before,) = [ax.get_ylim() for ax in first._figure.axes]
    later = LiveCurves(metrics=["loss"], min_interval=0, max_overhead=1)
    later.update(fitted(1, scale=scale))         # far lower (too loose) or higher (outside)
    (now,) = [ax.get_ylim() for ax in later._figure.axes]
    assert now != before and now[1] >= 0.9 * scale and now[1] <= 2 * scale


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_legend_that_stays_in_place_is_pasted_back_and_no_pixel_differs(seed, monkeypatch):
    """Wandering curves move the legends ("best" place) now and then: every picture still
    equals a full drawing, and a legend is drawn again only where it moved."""
    import numpy as np
    from matplotlib.legend import Legend

    draws = []
    draw = Legend.draw
    monkeypatch.setattr(Legend, "draw", lambda self, renderer: (draws.append(self),
                                                                draw(self, renderer)))
    rng = np.random.default_rng(seed)
    run = RunRecord("wandering", hparams={"epochs": 12})
    view = LiveCurves(min_interval=0, max_overhead=1)
    loss, accuracy = 1.0, 0.5
    for k in range(12):
        loss = abs(loss + rng.normal(0, 0.3))
        accuracy = float(np.clip(accuracy + rng.normal(0.02, 0.1), 0, 1))
        run.add_epoch({"loss": loss, "val_loss": loss * 1.1 + 0.05, "accuracy": accuracy,
                       "val_accuracy": accuracy * 0.95}, 1.0)
        view.update(run, final=k == 11)
        assert same_as_a_full_drawing(view)
    legends = [ax.get_legend() for ax in view._figure.axes]
    assert all(legend.get_frame().get_alpha() == 1 for legend in legends)  # opaque
    pictures = view.redraws
    # same_as_a_full_drawing draws each legend once a picture too: the view's own draws are
    # the rest, fewer than one per legend and picture.
    assert len(draws) - 2 * pictures < 2 * pictures


def test_a_later_view_pastes_a_legend_drawn_in_the_same_place_before(monkeypatch):
    from matplotlib.legend import Legend

    from neurona.i18n import language, set_language
    from neurona.plots import live

    LiveCurves(min_interval=0, max_overhead=1).update(fitted(1))
    kept = len(live._LEGENDS)
    draws = []
    draw = Legend.draw
    monkeypatch.setattr(Legend, "draw", lambda self, renderer: (draws.append(self),
                                                                draw(self, renderer)))
    later = LiveCurves(min_interval=0, max_overhead=1)
    later.update(fitted(1))
    assert kept == 2 and draws == [] and len(live._LEGENDS) == 2  # both pasted
    assert same_as_a_full_drawing(later)
    before = language()
    try:
        set_language("es" if before != "es" else "en")
        other = LiveCurves(min_interval=0, max_overhead=1)
        other.update(fitted(1))                      # other words: drawn, not pasted
    finally:
        set_language(before)
    assert len(live._LEGENDS) == 4
