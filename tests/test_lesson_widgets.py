"""The widgets of notebooks 02-03 driven from Python: sliders, replay, backprop inspector."""

import numpy as np
import pytest

from neurona.runs import Ledger
from neurona.scratch import MLP, Perceptron
from neurona.widgets import BackpropInspector, PerceptronExplorer, PerceptronReplay
from neurona.widgets.perceptron import CORNERS, PROBLEMS


def test_explorer_sliders_redraw_and_count_mistakes():
    explorer = PerceptronExplorer(problem="AND", w1=1.0, w2=1.0, b=-0.5)
    assert explorer.mistakes == 2  # (0,1) and (1,0) wrongly say 1
    before, redraws = explorer.last_png, explorer.redraws
    explorer.sliders["b"].value = -1.5
    assert explorer.mistakes == 0
    assert explorer.redraws == redraws + 1 and explorer.last_png != before
    assert "All four right" in explorer.table.value


def test_set_weights_redraws_once_and_checks_bounds():
    explorer = PerceptronExplorer(problem="OR")
    redraws = explorer.redraws
    explorer.set_weights(1.0, 1.0, -0.5)
    assert explorer.redraws == redraws + 1 and explorer.mistakes == 0
    with pytest.raises(ValueError, match="w1 must be a number from -3 to 3; got 5"):
        explorer.set_weights(5, 0, 0)


def test_no_setting_solves_xor():
    explorer = PerceptronExplorer(problem="XOR")
    grid = np.linspace(-3, 3, 13)
    best = min(
        _mistakes(w1, w2, b, PROBLEMS["XOR"]) for w1 in grid for w2 in grid for b in grid
    )
    assert best == 1
    explorer.activation_buttons.value = "sigmoid"
    assert 0 < explorer.outputs().min() < explorer.outputs().max() < 1


def _mistakes(w1, w2, b, target):
    return int((((b + CORNERS @ [w1, w2]) >= 0).astype(int) != target).sum())


def test_bad_problem_is_refused():
    with pytest.raises(ValueError, match="problem must be one of AND, OR, XOR, NAND"):
        PerceptronExplorer(problem="MAYBE")


def test_replay_walks_through_the_recorded_updates():
    perceptron = Perceptron().fit(CORNERS, PROBLEMS["AND"], ledger=Ledger())
    replay = PerceptronReplay(perceptron, CORNERS, PROBLEMS["AND"])
    n = len(perceptron.updates_)
    assert replay.position == 0 and "updates recorded" in replay.caption.value
    replay.next_button.click()
    replay.next_button.click()
    assert replay.position == 2 and "Update 2 of" in replay.caption.value
    replay.previous_button.click()
    assert replay.position == 1
    replay.go(n + 10)
    assert replay.position == n and "converged" in replay.caption.value
    png = replay.last_png
    replay.reset_button.click()
    assert replay.position == 0 and replay.last_png != png
    assert replay.player.max == n


def test_replay_on_xor_ends_with_no_convergence():
    perceptron = Perceptron(max_epochs=10).fit(CORNERS, PROBLEMS["XOR"], ledger=Ledger())
    replay = PerceptronReplay(perceptron, CORNERS, PROBLEMS["XOR"])
    replay.go(len(perceptron.updates_))
    assert "no convergence after 10 epochs" in replay.caption.value


def test_replay_needs_a_fitted_perceptron():
    with pytest.raises(ValueError, match="fit the perceptron first"):
        PerceptronReplay(Perceptron(), CORNERS, PROBLEMS["AND"])


def test_backprop_inspector_steps_and_shows_every_layer():
    X = CORNERS
    Y = PROBLEMS["XOR"].reshape(-1, 1).astype(float)
    model = MLP([2, 3, 1], activation="tanh", output_activation="sigmoid",
                loss="binary_cross_entropy", seed=0)
    inspector = BackpropInspector(model, X, Y, learning_rate=0.5)
    assert len(inspector.last_tables) == 2  # one table per weight layer
    first_png = inspector.last_png
    weights = model.weights[0].copy()
    for _ in range(3):
        inspector.step_button.click()
    assert inspector.steps == 3 and len(inspector.losses) == 4
    assert inspector.losses[-1] < inspector.losses[0]
    assert not np.allclose(weights, model.weights[0])
    assert inspector.last_png != first_png and "step 3" in inspector.status.value
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        BackpropInspector(model, X, Y, learning_rate=0)
