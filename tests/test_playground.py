"""The Playground driven from Python: settings, Step, Reset, Play, bad input."""

import asyncio

import numpy as np
import pytest

from neurona.widgets import Playground, PlaygroundSettings


@pytest.fixture
def pg():
    return Playground(
        dataset="clusters",
        hidden=(2,),
        activation="tanh",
        learning_rate=0.1,
        n_samples=200,
        resolution=30,
    )


def test_step_advances_epochs_lowers_loss_and_redraws(pg):
    before_png, before_redraws = pg.last_png, pg.redraws
    start_loss = pg.history["test_loss"][-1]
    pg.step(20)
    assert pg.epoch == 20
    assert len(pg.history["loss"]) == 21  # the starting point plus one value per epoch
    assert pg.history["test_loss"][-1] < start_loss
    assert pg.redraws == before_redraws + 1
    assert pg.last_png != before_png and pg.image.value == pg.last_png
    assert pg.accuracy() >= 0.9
    assert "epoch 20" in pg.status.value


def test_the_step_button_trains_one_epoch(pg):
    pg.step_button.click()
    pg.step_button.click()
    assert pg.epoch == 2


def test_reset_gives_a_new_random_start(pg):
    pg.step(5)
    weights = [w.copy() for w in pg.model.weights]
    pg.reset_button.click()
    assert pg.epoch == 0 and len(pg.history["loss"]) == 1
    assert not all(np.allclose(a, b) for a, b in zip(weights, pg.model.weights, strict=True))


def test_changing_the_architecture_rebuilds_the_network(pg):
    pg.controls["layers"].value = 3
    pg.neuron_sliders[2].value = 5
    assert pg.settings.hidden == (2, 4, 5)
    assert pg.model.layers == [2, 2, 4, 5, 1]
    assert pg.neuron_sliders[3].layout.display == "none"
    pg.feature_boxes["x1sq"].value = True
    assert pg.model.layers[0] == 3 and pg.epoch == 0


def test_the_last_feature_cannot_be_unticked(pg):
    pg.feature_boxes["x1"].value = False
    pg.feature_boxes["x2"].value = False
    assert pg.settings.features == ("x2",)
    assert "at least one input feature" in pg.message.value


def test_changing_the_data_regenerates_points(pg):
    old = pg._points_train.copy()
    pg.controls["dataset"].value = "spiral"
    assert pg._points_train.shape == old.shape and not np.allclose(pg._points_train, old)
    pg.controls["train_ratio"].value = 80
    assert len(pg._points_train) == 160


def test_settings_round_trip_through_a_string(pg):
    pg.controls["dataset"].value = "xor"
    pg.controls["learning_rate"].value = 0.3
    text = pg.export_settings()
    assert text.startswith("data=xor ") and "lr=0.3" in text
    other = Playground(text, n_samples=200, resolution=20)
    assert other.settings == pg.settings
    other.share_text.value = "data=spiral layers=8,8,8 act=relu"
    other.load_button.click()
    assert other.settings.hidden == (8, 8, 8) and other.settings.dataset == "spiral"


@pytest.mark.parametrize(
    "text, message",
    [
        ("layers=0", r"hidden\[0\] must be a whole number from 1 to 8 \(neurons"),
        ("layers=2,2,2,2,2,2,2", "1 to 6 layers"),
        ("data=moons", "dataset must be one of clusters, circle, xor, spiral"),
        ("lr=0.05", "learning_rate must be one of"),
        ("features=x3", r"features\[0\] must be one of x1, x2.*; got 'x3'"),
        ("speed=fast", "expected key=value with keys data, noise"),
        ("noise=70", r"noise must be a whole number from 0 to 50 \(percent\)"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        PlaygroundSettings.from_string(text)


def test_bad_settings_in_the_panel_are_reported_not_raised(pg):
    pg.share_text.value = "layers=9"
    pg.load_button.click()
    assert "Cannot load these settings" in pg.message.value


def test_widget_bounds_refuse_absurd_values(pg):
    assert pg.controls["layers"].max == 6 and pg.controls["layers"].min == 1
    assert all(s.min == 1 and s.max == 8 for s in pg.neuron_sliders)
    pg.controls["layers"].value = 7  # a slider clamps instead of accepting it
    assert pg.controls["layers"].value == 6


def test_play_runs_until_paused(pg):
    async def scenario():
        pg.play()
        await asyncio.sleep(0.5)
        assert pg.play_button.description == "Pause"
        pg.play_button.click()  # Pause
        await asyncio.sleep(0.1)
        return pg.epoch

    epochs = asyncio.run(scenario())
    assert epochs >= 2 and pg.play_button.description == "Play"
    settled = pg.epoch
    assert settled == epochs or settled == epochs + 1


def test_play_outside_a_kernel_says_what_to_do(pg):
    pg.play()
    assert "use step(epochs)" in pg.message.value and pg.epoch == 0


def test_challenge_is_ticked_when_reached():
    pg = Playground(
        dataset="clusters", hidden=(1,), learning_rate=0.1, n_samples=200, resolution=20
    )
    pg.step(30)
    assert pg.challenge_boxes[0].value is True
    assert pg.challenge_boxes[1].value is False


def test_a_shared_string_reproduces_the_run_after_resets():
    first = Playground("data=circle layers=3", n_samples=200, resolution=20)
    first.reset()
    first.reset()
    text = first.export_settings()
    assert "start=2" in text
    first.step(40)
    again = Playground(text, n_samples=200, resolution=20)
    again.step(40)
    assert again.history == first.history


def test_training_does_not_depend_on_how_epochs_are_split():
    one = Playground("data=xor layers=4", n_samples=200, resolution=20)
    one.step(30)
    split = Playground("data=xor layers=4", n_samples=200, resolution=20)
    for _ in range(3):
        split.step(10)
    assert split.history == one.history


@pytest.mark.parametrize("settings, error, message", [
    (42, TypeError, "settings must be a settings string"),
    (PlaygroundSettings, TypeError, "settings must be a settings string"),
])
def test_bad_constructor_input_says_what_is_allowed(settings, error, message):
    with pytest.raises(error, match=message):
        Playground(settings)


def test_an_unfilled_exercise_field_says_fill_in():
    with pytest.raises(ValueError, match=r"fill in the \.\.\. first: hidden"):
        Playground(hidden=...)
    with pytest.raises(ValueError, match="hidden must be a tuple"):
        Playground(hidden=4)


# -- the picture -------------------------------------------------------------------------
def picture(pg):
    import io

    from PIL import Image

    return Image.open(io.BytesIO(pg.last_png)).convert("RGB")


def a_sure_model(pg, bias):
    """Make the network say the same class everywhere, as sure as sigmoid(bias)."""
    pg.model.weights[-1][:] = 0
    pg.model.biases[-1][:] = bias


def test_the_picture_has_the_panel_size_and_changes_with_the_model(pg):
    first = pg.last_png
    assert first.startswith(b"\x89PNG") and picture(pg).size == (756, 331)
    assert len(first) < 200_000  # a frame the browser can take 30 times a second
    pg.step(5)
    assert pg.last_png != first and picture(pg).size == (756, 331)
    trained = np.asarray(picture(pg), dtype=int)
    a_sure_model(pg, 20.0)
    redrawn = np.asarray(pg.redraw() and picture(pg), dtype=int)
    left, top, right, bottom = pg._surface_box
    # Only the surface changed: the same losses, so the same loss panel and frame.
    changed = np.abs(redrawn - trained).sum(axis=2) > 0
    assert changed[top:bottom, left:right].mean() > 0.5
    assert not changed[:, right + 10:].any()


@pytest.mark.parametrize("bias, colour", [(20.0, (0, 114, 178)), (-20.0, (230, 159, 0))])
def test_the_surface_shows_the_class_colour_where_the_model_is_sure(pg, bias, colour):
    a_sure_model(pg, bias)
    pg.redraw()
    image = picture(pg)
    left, top, right, bottom = pg._surface_box
    # Near the corners of the square [-6, 6]^2, where the clusters have no points.
    for x, y in ((left + 3, top + 3), (right - 4, top + 3), (left + 3, bottom - 4)):
        assert image.getpixel((x, y)) == pytest.approx(colour, abs=2)


def test_the_surface_is_the_right_way_up():
    pg = Playground(dataset="clusters", hidden=(1,), features=("x2",), n_samples=40,
                    resolution=20)
    # Class 1 (blue) for x2 > 0: the top of the picture, as the y axis goes up.
    pg.model.weights[0][:] = 20
    pg.model.biases[0][:] = 0
    pg.model.weights[-1][:] = 20
    pg.model.biases[-1][:] = 0
    pg.redraw()
    image = picture(pg)
    left, top, right, bottom = pg._surface_box
    middle = (left + right) // 2
    assert image.getpixel((middle, top + 3))[2] > 150       # blue above
    assert image.getpixel((middle, bottom - 4))[0] > 200    # orange below


def test_the_loss_panel_follows_the_training_and_its_axes_grow_in_steps(pg):
    from neurona.widgets.playground import _loss_limits

    assert _loss_limits(0.7, 2) == (10.0, 0.8)
    assert _loss_limits(0.7, 12) == (15.0, 0.8)
    assert _loss_limits(90.0, 101) == (100.0, 6.0)
    assert _loss_limits(0.05, 102) == (150.0, 0.15)
    assert _loss_limits(None, 1) == (10.0, 1.5)
    pg._state.train_loss.append(float("nan"))
    pg._state.test_loss.append(3.0)
    assert pg._top_loss() == 3.0    # NaN left out, the new values read
    pg.reset()
    assert pg._top_loss() == max(pg.history["loss"] + pg.history["test_loss"])
    pg.step(3)
    before = np.asarray(picture(pg), dtype=int)
    pg.step(3)
    after = np.asarray(picture(pg), dtype=int)
    left, top, right, bottom = pg._loss_box
    assert (before[top:bottom, left:right] != after[top:bottom, left:right]).any()
    assert pg._limits == (10.0, pg._limits[1])


def test_play_keeps_its_pace_and_refuses_a_bad_one(pg):
    async def one_second():
        asyncio.get_running_loop().call_later(0.5, pg.pause)
        await pg.run(frames_per_second=10)

    asyncio.run(one_second())
    assert 3 <= pg.epoch <= 7  # about 5 frames in half a second at 10 a second
    with pytest.raises(ValueError, match="frames_per_second"):
        asyncio.run(pg.run(frames_per_second=0))


def test_hidden_layer_sliders_hide_alone_and_labels_fit_in_spanish(spanish):
    pg = Playground("layers=1")
    shown = [s.layout.display for s in pg.neuron_sliders]
    assert shown[0] is None and all(d == "none" for d in shown[1:])
    assert all(c.layout.display is None for c in pg.controls.values())  # no shared Layout
    width = float(pg.controls["noise"].style.description_width.removesuffix("em"))
    longest = max(len(c.description) for c in pg.controls.values())
    assert longest == len("datos de entrenamiento (%)") and width >= 0.62 * longest
