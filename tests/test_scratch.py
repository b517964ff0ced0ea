"""The NumPy nets of neurona.scratch: perceptron, Adaline, activations, initialisers, MLP."""

from __future__ import annotations

import time

import numpy as np
import pytest

from neurona import runs
from neurona.runs import Ledger
from neurona.scratch import (
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    MLP,
    Adaline,
    Gradients,
    Perceptron,
    get_activation,
    initialize,
)

X_BOOL = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0]}


def labels_for(activation: str, bits) -> np.ndarray:
    bits = np.asarray(bits)
    return bits if activation == "heaviside" else 2 * bits - 1


def circles(n: int = 300, seed: int = 0):
    """An inner disc (label 1, radius < 0.5) and a ring (label 0, 0.7 to 1) in [-1, 1]^2."""
    rng = np.random.default_rng(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X, np.concatenate([np.ones(inner), np.zeros(n - inner)])


# -- perceptron -------------------------------------------------------------------------------
@pytest.mark.parametrize("gate", ["and", "or"])
@pytest.mark.parametrize("activation", ["heaviside", "sign"])
def test_perceptron_learns_and_or_and_its_updates_replay(gate, activation):
    y = labels_for(activation, GATES[gate])
    ledger = Ledger()
    p = Perceptron(activation=activation).fit(X_BOOL, y, ledger=ledger)

    assert p.converged_
    assert np.array_equal(p.predict(X_BOOL), y)
    assert p.errors_per_epoch_[-1] == 0 and len(p.errors_per_epoch_) == p.epochs_
    assert sum(p.errors_per_epoch_) == len(p.updates_) > 0
    assert p.message_ == f"converged after {p.epochs_} epochs ({len(p.updates_)} updates)"
    # Replaying the updates walks from zero weights to the final ones, one mistake at a time.
    assert np.array_equal(p.updates_[0]["w_before"], np.zeros(3))
    for before, after in zip(p.updates_, p.updates_[1:], strict=False):
        assert np.array_equal(before["w_after"], after["w_before"])
    assert np.array_equal(p.updates_[-1]["w_after"], p.weights_)
    for u in p.updates_:
        x1 = np.concatenate([[1.0], u["x"]])  # the bias's constant input
        step = p.learning_rate * (u["target"] - u["output"])
        assert np.allclose(u["w_after"], u["w_before"] + step * x1)
        assert u["output"] != u["target"] and np.array_equal(u["x"], X_BOOL[u["index"]])

    record = p.record_
    assert ledger[0] is record and record.name == "perceptron 1"
    assert record.history["errors"] == p.errors_per_epoch_
    assert record.status == "finished" and record.note == p.message_
    assert record.backend == "numpy" and record.device.endswith("(NumPy)")
    assert record.parameters == 3 and record.samples_per_epoch == 4


@pytest.mark.parametrize("activation", ["heaviside", "sign"])
def test_perceptron_reports_that_no_line_separates_xor(activation):
    y = labels_for(activation, GATES["xor"])
    p = Perceptron(activation=activation, max_epochs=30).fit(X_BOOL, y, ledger=Ledger())
    assert not p.converged_ and p.epochs_ == 30
    assert p.message_ == "no convergence after 30 epochs: no line separates these classes"
    assert min(p.errors_per_epoch_) > 0
    assert p.record_.epochs == 30 and p.record_.note == p.message_


def test_perceptron_decision_line_is_its_boundary():
    p = Perceptron().fit(X_BOOL, GATES["or"], ledger=Ledger())
    slope, intercept = p.decision_line()
    x1 = np.linspace(-2, 2, 5)
    assert np.allclose(p.net_input(np.column_stack([x1, slope * x1 + intercept])), 0)
    assert p.weights_[0] == p.net_input([[0.0, 0.0]])[0]  # weights_[0] is the bias


def test_perceptron_shuffle_is_seeded():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 2))
    y = (X @ [1.0, -2.0] + 0.3 > 0).astype(int)
    runs_ = [Perceptron(shuffle=True, seed=s).fit(X, y, ledger=Ledger()) for s in (1, 1, 2)]
    assert all(r.converged_ for r in runs_)
    assert [u["index"] for u in runs_[0].updates_] == [u["index"] for u in runs_[1].updates_]
    assert [u["index"] for u in runs_[0].updates_] != [u["index"] for u in runs_[2].updates_]


def test_perceptron_checks_labels_and_arguments():
    with pytest.raises(ValueError, match="must be 0 or 1; got -1.*activation='sign'"):
        Perceptron().fit(X_BOOL, [-1, -1, -1, 1], ledger=Ledger())
    with pytest.raises(ValueError, match="must be -1 or 1; got 0"):
        Perceptron(activation="sign").fit(X_BOOL, [0, 0, 0, 1], ledger=Ledger())
    allowed = r"activation must be one of heaviside \(labels 0/1\), sign \(labels -1/1\)"
    with pytest.raises(ValueError, match=allowed):
        Perceptron(activation="sigmoid")
    with pytest.raises(ValueError, match="learning_rate"):
        Perceptron(learning_rate=0)
    with pytest.raises(ValueError, match="max_epochs"):
        Perceptron(max_epochs=0)
    with pytest.raises(ValueError, match="4 samples but y has 3"):
        Perceptron().fit(X_BOOL, [0, 0, 1], ledger=Ledger())
    with pytest.raises(RuntimeError, match="not fitted"):
        Perceptron().predict(X_BOOL)


def test_fit_without_ledger_goes_to_the_notebook_ledger(monkeypatch):
    fresh = Ledger()
    monkeypatch.setattr(runs, "ledger", fresh)
    p = Perceptron().fit(X_BOOL, GATES["and"])
    net = MLP([2, 2, 1])
    record = net.fit(X_BOOL, GATES["and"], epochs=2)
    assert list(fresh) == [p.record_, record] and record.name == "mlp 2"


# -- Adaline ----------------------------------------------------------------------------------
def test_adaline_loss_decreases_and_it_classifies_a_separable_set():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-2, 0.7, (50, 2)), rng.normal(2, 0.7, (50, 2))])
    y = np.repeat([-1, 1], 50)
    ada = Adaline(learning_rate=0.05, epochs=60).fit(X, y, ledger=Ledger())
    losses = np.array(ada.loss_per_epoch_)
    assert len(losses) == 60 and np.all(np.diff(losses) <= 1e-12) and losses[-1] < losses[0] / 5
    assert np.array_equal(ada.predict(X), y)
    assert ada.record_.history["loss"] == ada.loss_per_epoch_
    assert ada.record_.status == "finished" and ada.weights_.shape == (3,)


def test_adaline_too_large_a_rate_diverges_without_warnings():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 30, (20, 2))
    ada = Adaline(learning_rate=1.0, epochs=1000).fit(X, np.sign(X[:, 0]), ledger=Ledger())
    assert ada.record_.status == "diverged"
    assert "smaller learning rate" in ada.record_.note
    assert 0 < len(ada.loss_per_epoch_) == ada.record_.epochs < 1000


# -- activations, initialisers, losses ----------------------------------------------------------
SMOOTH = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


@pytest.mark.parametrize("name", SMOOTH)
def test_derivatives_match_finite_differences_on_arrays(name):
    act = get_activation(name)
    z = np.array([[-3.0, -1.2, -0.4], [0.3, 1.1, 2.5]])  # both signs, away from the kinks
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    assert act.df(z).shape == z.shape
    assert np.allclose(act.df(z), numeric, atol=1e-8)


def test_relu_derivative_works_on_a_vector_with_both_signs():
    # The source's `0 if x < 0 else 1` fails on arrays; ours is element-wise.
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    assert np.array_equal(ACTIVATIONS["relu"].df(z), [0, 0, 0, 1, 1])
    assert np.array_equal(ACTIVATIONS["relu"].f(z), [0, 0, 0, 0.5, 3.0])


def test_sigmoid_has_its_minus_sign_and_does_not_overflow():
    sigmoid = ACTIVATIONS["sigmoid"].f
    z = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    assert np.allclose(sigmoid(z), 1 / (1 + np.exp(-np.clip(z, -50, 50))))
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z))
    assert sigmoid(np.array([2.0]))[0] > 0.5


def test_softmax_rows_are_probabilities_and_its_df_explains():
    softmax = ACTIVATIONS["softmax"]
    p = softmax.f(np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]]))
    assert np.allclose(p.sum(axis=1), 1) and np.all(p >= 0) and p[1, 0] == 1
    with pytest.raises(ValueError, match="cross_entropy"):
        softmax.df(np.zeros((1, 3)))


@pytest.mark.parametrize("name, outputs", [("heaviside", [0, 1, 1]), ("sign", [-1, 1, 1])])
def test_steps_have_no_derivative(name, outputs):
    act = ACTIVATIONS[name]
    assert np.array_equal(act.f(np.array([-0.5, 0.0, 2.0])), outputs)
    with pytest.raises(ValueError, match="perceptron"):
        act.df(np.zeros(3))


def test_unknown_activation_names_the_allowed_ones():
    with pytest.raises(ValueError, match="activation must be one of sigmoid, tanh, relu"):
        get_activation("swish")


@pytest.mark.parametrize(
    "name, variance",
    [
        ("glorot", 2 / (300 + 500)),
        ("glorot_normal", 2 / (300 + 500)),
        ("he", 2 / 300),
        ("lecun", 1 / 300),
        ("uniform", 0.05**2 / 3),
        ("normal", 1.0),
    ],
)
def test_initializer_variances(name, variance):
    W = initialize(name, 300, 500, np.random.default_rng(0))
    assert W.shape == (300, 500)
    assert abs(W.mean()) < 0.01 * np.sqrt(variance) * 10
    assert W.var() == pytest.approx(variance, rel=0.03)
    assert INITIALIZERS[name].variance(300, 500) == pytest.approx(variance)


def test_initializers_are_seeded_and_checked():
    assert np.array_equal(initialize("he", 4, 3, 7), initialize("he", 4, 3, 7))
    assert not np.array_equal(initialize("he", 4, 3, 7), initialize("he", 4, 3, 8))
    assert not initialize("zeros", 2, 3, 0).any()
    assert np.abs(initialize("glorot", 10, 20, 0)).max() <= np.sqrt(6 / 30)
    with pytest.raises(ValueError, match="initializer must be one of zeros, uniform"):
        initialize("xavier", 2, 2, 0)
    with pytest.raises(ValueError, match="fan_in"):
        initialize("he", 0, 2, 0)


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradients_match_finite_differences(name):
    rng = np.random.default_rng(1)
    a = rng.uniform(0.1, 0.9, (5, 3))
    a = a / a.sum(axis=1, keepdims=True) if name == "cross_entropy" else a
    y = np.eye(3)[rng.integers(0, 3, 5)]
    loss, h = LOSSES[name], 1e-6
    numeric = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (loss.value(up, y) - loss.value(down, y)) / (2 * h)
    assert np.allclose(loss.grad(a, y), numeric, rtol=1e-5, atol=1e-9)


def test_mse_has_the_half_and_the_batch_mean():
    a, y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.zeros((2, 2))
    assert LOSSES["mse"].value(a, y) == pytest.approx(0.5 * (1 + 4) / 2)


# -- MLP: gradients ---------------------------------------------------------------------------
def _data(n_in, n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, n_in))


@pytest.mark.parametrize(
    "layers, kwargs, targets",
    [
        ([2, 4, 3, 1], {"activation": "sigmoid", "loss": "mse"}, "binary"),
        ([2, 4, 3, 1], {"activation": "tanh", "loss": "mse"}, "real"),
        ([4, 5, 3], {"activation": "sigmoid", "loss": "cross_entropy"}, "classes"),
        ([4, 5, 3], {"activation": "tanh", "loss": "cross_entropy", "l2": 0.1}, "classes"),
        ([2, 4, 3, 1], {"activation": "sigmoid", "loss": "mse", "l2": 0.05}, "binary"),
        ([3, 4, 2], {"activation": "leaky_relu", "loss": "mse"}, "real"),
        ([2, 5, 1], {"activation": "tanh", "loss": "binary_cross_entropy"}, "binary"),
        ([2, 3, 2], {"activation": ["tanh", "sigmoid"], "loss": "mse", "init": "he"}, "real"),
    ],
)
def test_gradient_check(layers, kwargs, targets):
    net = MLP(layers, seed=3, **kwargs)
    X = _data(layers[0], 6)
    if kwargs["activation"] == "leaky_relu":
        X = np.sign(X) * (0.5 + np.abs(X))  # away from 0, so no z sits on the kink
    rng = np.random.default_rng(4)
    Y = {
        "binary": rng.integers(0, 2, (6, layers[-1])).astype(float),
        "real": rng.normal(size=(6, layers[-1])),
        "classes": rng.integers(0, layers[-1], 6),
    }[targets]
    assert net.gradient_check(X, Y) < 1e-6


@pytest.mark.parametrize("loss, n_out", [("mse", 2), ("cross_entropy", 3)])
def test_batch_gradient_is_the_mean_of_per_sample_gradients(loss, n_out):
    net = MLP([3, 4, n_out], activation="tanh", loss=loss, seed=2)
    X = _data(3, 8)
    Y = np.eye(n_out)[np.arange(8) % n_out]
    batch = net.backward(X, Y)
    singles = [net.backward(X[i : i + 1], Y[i : i + 1]) for i in range(8)]
    assert isinstance(batch, Gradients) and len(batch.deltas) == 2
    for layer in range(2):
        assert np.allclose(batch.dW[layer], np.mean([g.dW[layer] for g in singles], axis=0))
        assert np.allclose(batch.db[layer], np.mean([g.db[layer] for g in singles], axis=0))
        assert batch.deltas[layer].shape == (8, net.layers[layer + 1])


def test_forward_shapes_and_step():
    net = MLP([2, 4, 3, 1])
    X = _data(2, 5)
    pairs = net.forward(X)
    assert [a.shape for _, a in pairs] == [(5, 4), (5, 3), (5, 1)]
    activations, zs = net.forward_all(X)
    assert activations[0] is not None and np.array_equal(activations[0], X)
    assert np.array_equal(activations[-1], net.predict(X)) and len(zs) == 3
    assert net.n_parameters == (2 * 4 + 4) + (4 * 3 + 3) + (3 + 1) == 31
    Y = np.ones(5)
    before = net.loss(X, Y)
    assert net.step(X, Y, learning_rate=0.5) == pytest.approx(before)
    assert net.loss(X, Y) < before


def test_params_snapshot_and_reset_are_copies():
    net = MLP([2, 3, 1])
    snapshot = net.get_params()
    net.fit(X_BOOL, GATES["or"], epochs=5, learning_rate=1.0, ledger=Ledger())
    assert not np.array_equal(net.weights[0], snapshot["weights"][0])
    net.set_params(snapshot)
    snapshot["weights"][0][:] = 99  # the net holds its own copy
    assert np.array_equal(net.get_params()["weights"][0], MLP([2, 3, 1]).weights[0])
    with pytest.raises(ValueError, match="shapes"):
        net.set_params({"weights": [np.zeros((2, 2)), np.zeros((2, 1))], "biases": net.biases})


def test_predict_classes_rules():
    X = _data(2, 10)
    assert set(MLP([2, 3, 4], loss="cross_entropy").predict_classes(X)) <= {0, 1, 2, 3}
    sigmoid_net = MLP([2, 1])
    assert np.array_equal(sigmoid_net.predict_classes(X), sigmoid_net.predict(X)[:, 0] >= 0.5)
    tanh_net = MLP([2, 1], activation="tanh")
    assert np.array_equal(tanh_net.predict_classes(X), tanh_net.predict(X)[:, 0] >= 0)


# -- MLP: learning ----------------------------------------------------------------------------
def test_mlp_learns_xor():
    net = MLP([2, 4, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    record = net.fit(X_BOOL, GATES["xor"], epochs=1000, learning_rate=0.5, ledger=Ledger())
    assert np.array_equal(net.predict_classes(X_BOOL), GATES["xor"])
    assert record.final("accuracy") == 1.0 and record.final("loss") < 0.1


def test_circles_with_the_source_setting():
    """[2, 4, 1], sigmoid everywhere, MSE, 500 full-batch epochs, "learning rate 0.05".

    The source summed the weight gradient over the N samples (and averaged the bias
    gradient); the kit averages both. Its weight step ``0.05 * sum`` is therefore
    ``0.05 * N * mean``: in the kit's convention the source's rate is ``0.05 * N``
    (15 for these 300 points). Taken literally, 0.05 on an averaged gradient moves the
    weights N times less: 500 epochs stay near chance (a search over 27 input scalings
    and shifts x 150 seeds never passed 86%).
    """
    X, y = circles(300, seed=0)
    literal = MLP([2, 4, 1], activation="sigmoid", loss="mse", seed=0)
    literal.fit(X, y, epochs=500, learning_rate=0.05, ledger=Ledger())
    assert np.mean(literal.predict_classes(X) == y) < 0.8

    net = MLP([2, 4, 1], activation="sigmoid", loss="mse", seed=0)
    record = net.fit(X, y, epochs=500, learning_rate=0.05 * len(X), ledger=Ledger())
    assert np.mean(net.predict_classes(X) == y) >= 0.95
    assert record.best("accuracy") >= 0.95 and record.status == "finished"


def test_fit_writes_one_record_entry_per_epoch():
    ledger = Ledger()
    X, y = circles(100, seed=1)
    net = MLP([2, 4, 1], seed=0)
    record = net.fit(X, y, epochs=7, learning_rate=1.0, X_val=X[:20], Y_val=y[:20], ledger=ledger)
    assert list(ledger) == [record] and net.record_ is record and record.name == "mlp 1"
    assert record.status == "finished" and record.epochs == 7
    assert set(record.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 7 for v in record.history.values())
    assert record.hparams == {
        "layers": [2, 4, 1],
        "activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "mse",
        "init": "glorot",
        "l2": 0.0,
        "learning_rate": 1.0,
        "batch_size": 100,
        "epochs": 7,
        "seed": 0,
    }
    assert record.backend == "numpy" and record.device.startswith("CPU: ")
    assert record.device.endswith("(NumPy)") and record.versions["numpy"] == np.__version__
    assert record.parameters == 17 and record.samples_per_epoch == 100
    # Full batch: the recorded loss is the loss before each epoch's step.
    assert record.history["val_loss"][-1] == pytest.approx(net.loss(X[:20], y[:20]))


def test_regression_targets_have_no_accuracy():
    X = _data(2, 30)
    record = MLP([2, 3, 1], activation="tanh", output_activation="linear").fit(
        X, X.sum(axis=1), epochs=3, ledger=Ledger()
    )
    assert record.metrics() == ["loss"]


def test_class_labels_and_one_hot_targets_give_the_same_run():
    X = _data(4, 30)
    labels = np.arange(30) % 3
    histories = []
    for Y in (labels, np.eye(3)[labels]):
        net = MLP([4, 5, 3], activation="relu", loss="cross_entropy", init="he", seed=1)
        histories.append(net.fit(X, Y, epochs=5, batch_size=8, ledger=Ledger()).history)
    assert histories[0] == histories[1]


def test_epoch_times_leave_out_the_view_and_on_epoch():
    calls, updates = [], []

    class View:
        def update(self, record, final=False):
            updates.append(final)

    def slow(mlp, epoch, record):
        calls.append(epoch)
        time.sleep(0.05)

    X, y = circles(60, seed=2)
    record = MLP([2, 4, 1]).fit(
        X, y, epochs=12, ledger=Ledger(), view=View(), on_epoch=slow, every=5
    )
    assert calls == [5, 10, 12]
    assert updates == [False] * 12 + [True]
    assert max(record.epoch_seconds) < 0.04
    assert record.overhead_seconds >= 0.05 * len(calls)


def test_divergence_stops_and_keeps_the_history():
    X = _data(2, 20) * 10
    net = MLP([2, 8, 1], activation="linear")
    record = net.fit(X, X @ [3.0, -2.0], epochs=200, learning_rate=50.0, ledger=Ledger())
    assert record.status == "diverged"
    assert record.note.startswith("the loss became")
    assert f"in epoch {record.epochs + 1}; try a smaller learning rate" in record.note
    assert 0 < record.epochs < 200 and len(record.history["loss"]) == record.epochs


def test_keyboard_interrupt_keeps_the_model():
    def stop(mlp, epoch, record):
        raise KeyboardInterrupt

    X, y = circles(40, seed=3)
    net = MLP([2, 4, 1])
    record = net.fit(X, y, epochs=50, on_epoch=stop, every=3, ledger=Ledger())
    assert record.status == "interrupted" and record.epochs == 3
    assert "keeps what it learned" in record.note
    assert net.predict(X).shape == (40, 1)


def test_minibatch_fit_is_reproducible_per_seed():
    X, y = circles(100, seed=4)

    def run(seed):
        net = MLP([2, 6, 1], activation="tanh", loss="binary_cross_entropy", seed=seed)
        record = net.fit(X, y, epochs=5, learning_rate=0.3, batch_size=16, ledger=Ledger())
        return record.history["loss"], net.weights[0]

    (loss_a, w_a), (loss_b, w_b), (loss_c, _) = run(3), run(3), run(4)
    assert loss_a == loss_b and np.array_equal(w_a, w_b)
    assert loss_a != loss_c


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"layers": [2]}, "at least 2"),
        ({"layers": [2, 0, 1]}, r"layers\[1\] must be a whole number >= 1; got 0"),
        ({"layers": [2, 4.5, 1]}, r"layers\[1\] must be a whole number >= 1; got 4.5"),
        ({"activation": "swish"}, "activation must be one of sigmoid, .*; got 'swish'"),
        ({"loss": "hinge"}, "loss must be one of mse, cross_entropy.*; got 'hinge'"),
        ({"init": "xavier"}, "init must be one of zeros, .*; got 'xavier'"),
        ({"l2": -0.1}, "l2 must be a finite number >= 0"),
        ({"activation": "softmax"}, "softmax is only allowed as the output"),
        ({"output_activation": "softmax"}, "needs loss='cross_entropy'"),
        ({"activation": "heaviside"}, "step with no usable derivative"),
        ({"loss": "cross_entropy"}, "2 or more output units"),
        (
            {"layers": [2, 3, 2], "loss": "cross_entropy", "output_activation": "sigmoid"},
            "needs a softmax output",
        ),
        ({"loss": "binary_cross_entropy", "output_activation": "tanh"}, "needs a sigmoid"),
        ({"activation": ["tanh"]}, "one name per weight layer: 2"),
        ({"activation": ["tanh", "sigmoid"], "output_activation": "sigmoid"}, "not both"),
        ({"seed": -1}, "seed must be a whole number >= 0"),
    ],
)
def test_mlp_checks_its_configuration(kwargs, match):
    kwargs = {"layers": [2, 4, 1], **kwargs}
    with pytest.raises(ValueError, match=match):
        MLP(**kwargs)


@pytest.mark.parametrize(
    "X, Y, kwargs, match",
    [
        (X_BOOL, GATES["or"], {"learning_rate": 0}, "learning_rate must be a finite number > 0"),
        (X_BOOL, GATES["or"], {"epochs": 0}, "epochs must be a whole number >= 1"),
        (X_BOOL, GATES["or"], {"batch_size": 5}, r"batch_size .* from 1 to 4 \(the number of"),
        (X_BOOL, GATES["or"], {"batch_size": 0}, "batch_size"),
        (X_BOOL, GATES["or"], {"every": 0}, "every must be"),
        (X_BOOL, GATES["or"], {"X_val": X_BOOL}, "X_val and Y_val together"),
        (X_BOOL, GATES["or"], {"on_epoch": 3}, "on_epoch must be a function"),
        (X_BOOL, GATES["or"], {"view": object()}, "update"),
        (X_BOOL[:, :1], GATES["or"], {}, r"X must have shape \(N, 2\) for layers \[2, 3, 1\]"),
        (X_BOOL, [0, 1, 1], {}, "4 samples but Y has 3"),
        (X_BOOL, np.zeros((4, 2)), {}, r"Y must have shape \(4, 1\)"),
        (X_BOOL, [0, 1, np.nan, 1], {}, "NaN"),
    ],
)
def test_fit_checks_its_arguments(X, Y, kwargs, match):
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match=match):
        net.fit(X, Y, ledger=Ledger(), **kwargs)


def test_cross_entropy_labels_are_checked():
    net = MLP([2, 3, 3], loss="cross_entropy")
    with pytest.raises(ValueError, match=r"integers 0..2 .*got 3"):
        net.loss(X_BOOL, [0, 1, 2, 3])
    with pytest.raises(ValueError, match="between 0 and 1"):
        MLP([2, 1], loss="binary_cross_entropy").loss(X_BOOL, [0, 1, 2, 1])


def test_adaline_stops_a_finite_blow_up_as_diverged():
    from neurona.runs import Ledger
    from neurona.scratch import Adaline

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)) * 3
    y = np.where(X[:, 0] > 0, 1.0, -1.0)
    model = Adaline(learning_rate=0.5, epochs=200).fit(X, y, ledger=Ledger())
    assert model.record_.status == "diverged"
    assert "the loss grew from" in model.record_.note
    assert len(model.loss_per_epoch_) < 200


def test_gradient_check_holds_on_a_deep_net_with_tiny_gradients():
    from neurona.data import load
    from neurona.scratch import MLP

    data = load("spiral", n_samples=40, seed=0)
    net = MLP([2, 8, 8, 8, 8, 1], activation="tanh", output_activation="sigmoid",
              loss="binary_cross_entropy", seed=0)
    assert net.gradient_check(data.x_train[:20] / 6, data.y_train[:20]) < 1e-6
