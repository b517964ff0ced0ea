"""The NumPy optimizers follow Keras step for step; the race surfaces and the race behave."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurona.scratch.optimizers import (
    GD,
    OPTIMIZERS,
    Adadelta,
    AdaGrad,
    Adam,
    Adamax,
    Momentum,
    Nesterov,
    RMSProp,
    get_optimizer,
)
from neurona.scratch.surfaces import SURFACES, diverged, get_surface, losses_along, race

# A quadratic bowl f(w) = sum(A * w**2) / 2 with different curvatures per coordinate, so the
# adaptive optimizers have something to adapt to.
CURVATURE = np.array([1.0, 10.0, 0.3])
W0 = np.array([1.5, -2.0, 0.7])
STEPS = 8


def quadratic_grad(w):
    return CURVATURE * np.asarray(w, dtype=np.float64)


def _keras_pairs():
    """(label, NumPy optimizer, function building the matching Keras optimizer)."""
    import keras

    lr = 0.05
    return [
        ("sgd", GD(lr), lambda: keras.optimizers.SGD(lr)),
        ("momentum", Momentum(lr, beta=0.8), lambda: keras.optimizers.SGD(lr, momentum=0.8)),
        (
            "nesterov",
            Nesterov(lr, beta=0.9),
            lambda: keras.optimizers.SGD(lr, momentum=0.9, nesterov=True),
        ),
        ("adagrad", AdaGrad(lr), lambda: keras.optimizers.Adagrad(lr)),
        ("rmsprop", RMSProp(lr, rho=0.8), lambda: keras.optimizers.RMSprop(lr, rho=0.8)),
        ("adam", Adam(lr), lambda: keras.optimizers.Adam(lr)),
        (
            "adam-betas",
            Adam(lr, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
            lambda: keras.optimizers.Adam(lr, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
        ),
        ("adamax", Adamax(lr), lambda: keras.optimizers.Adamax(lr)),
        (
            "adadelta",
            Adadelta(1.0, epsilon=1e-3),
            lambda: keras.optimizers.Adadelta(1.0, epsilon=1e-3),
        ),
    ]


LABELS = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "adam-betas",
    "adamax",
    "adadelta",
]


@pytest.mark.parametrize("label", LABELS)
def test_numpy_optimizer_matches_keras_on_a_quadratic(label):
    keras = pytest.importorskip("keras")
    ((_, ours, make_theirs),) = [p for p in _keras_pairs() if p[0] == label]
    theirs = make_theirs()
    var = keras.Variable(W0.astype(np.float32), dtype="float32")
    w = W0.copy()
    for step in range(1, STEPS + 1):
        k_now = np.array(var.numpy(), dtype=np.float64)
        theirs.apply_gradients([(quadratic_grad(k_now).astype(np.float32), var)])
        w = ours.step(w, quadratic_grad(w))
        k_next = np.array(var.numpy(), dtype=np.float64)
        np.testing.assert_allclose(
            w, k_next, rtol=0, atol=1e-5, err_msg=f"{label} differs from Keras at step {step}"
        )
    # The runs really moved, so the comparison was not trivially between two starts.
    assert np.abs(w - W0).max() > 1e-3


def test_every_registered_optimizer_is_compared_with_keras():
    compared = {"sgd": "gd", "adam-betas": "adam"}
    assert {compared.get(label, label) for label in LABELS} == set(OPTIMIZERS)


# -- Adam's bias correction ---------------------------------------------------------------------
def test_adam_first_step_has_size_learning_rate_whatever_the_gradient_scale():
    lr = 0.01
    g = np.array([1e3, 1.0, -1e-2])
    step = Adam(lr).step(np.zeros(3), g)
    np.testing.assert_allclose(np.abs(step), lr, rtol=1e-3)
    assert np.array_equal(np.sign(step), -np.sign(g))


def test_adam_without_the_t_in_the_bias_correction_takes_wrong_steps():
    lr, b1, b2 = 0.01, 0.9, 0.999
    g = np.ones(1)

    def steps_of(correct1, correct2, n):
        """Step sizes of Adam on a constant gradient with the given correction factors."""
        m = v = 0.0
        sizes = []
        for t in range(1, n + 1):
            m = b1 * m + (1 - b1) * 1.0  # the gradient is 1 at every step
            v = b2 * v + (1 - b2) * 1.0**2
            sizes.append(lr * (m / correct1(t)) / (np.sqrt(v / correct2(t)) + 1e-7))
        return np.array(sizes)

    ours = Adam(lr)
    p, sizes = np.zeros(1), []
    for _ in range(300):
        new = ours.step(p, g)
        sizes.append(float((p - new)[0]))
        p = new
    sizes = np.array(sizes)
    # With 1 - beta**t: every step on a constant slope has size lr.
    np.testing.assert_allclose(sizes, lr, rtol=1e-4)
    textbook = steps_of(lambda t: 1 - b1**t, lambda t: 1 - b2**t, 300)
    np.testing.assert_allclose(sizes, textbook, rtol=1e-4)
    # Without the t (the thesis): right at t = 1 only, then up to ~2x too big, then too small.
    no_t = steps_of(lambda t: 1 - b1, lambda t: 1 - b2, 300)
    assert no_t[0] == pytest.approx(lr, rel=1e-4)
    assert no_t[11] == pytest.approx(2.08 * lr, rel=1e-2)
    assert no_t[-1] < 0.8 * lr
    # Without any correction the first step is lr (1 - b1) / sqrt(1 - b2) ~ 3.2 lr.
    none = steps_of(lambda t: 1.0, lambda t: 1.0, 1)
    assert none[0] == pytest.approx(lr * (1 - b1) / np.sqrt(1 - b2), rel=1e-4)
    assert none[0] > 3 * sizes[0]


def test_nesterov_is_the_textbook_look_ahead_rule_in_other_variables():
    lr, beta = 0.05, 0.9
    theta, m = W0.copy(), np.zeros(3)
    phi = W0.copy()  # theta + beta * m, with m = 0 at the start
    opt = Nesterov(lr, beta=beta)
    for _ in range(10):
        g = quadratic_grad(theta + beta * m)  # gradient at the look-ahead point
        m = beta * m - lr * g
        theta = theta + m
        phi = opt.step(phi, quadratic_grad(phi))
        np.testing.assert_allclose(phi, theta + beta * m, atol=1e-12)


# -- the interface ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_returns_a_new_float64_array_and_reset_restarts(name):
    opt = get_optimizer(name, learning_rate=0.1)
    params = np.array([3, -1])  # integers on purpose
    before = params.copy()
    first = opt.step(params, np.array([1, 2]))
    assert first.dtype == np.float64
    assert np.array_equal(params, before)
    assert first is not params
    run = [first]
    for _ in range(3):
        run.append(opt.step(run[-1], 2 * run[-1]))
    opt.reset()
    assert opt.t_ == 0
    assert np.array_equal(opt.step(params, np.array([1, 2])), first)


def test_one_instance_follows_one_parameter_shape():
    opt = Momentum(0.1)
    opt.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match=r"shape \(2,\).*reset\(\)"):
        opt.step(np.zeros(3), np.ones(3))
    with pytest.raises(ValueError, match="grad must have the shape of params"):
        GD(0.1).step(np.zeros(2), np.ones(3))
    opt.reset()
    assert opt.step(np.zeros(3), np.ones(3)).shape == (3,)


def test_get_optimizer_names_and_errors():
    assert isinstance(get_optimizer("Adam", learning_rate=0.1), Adam)
    opt = RMSProp(0.1)
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError, match="optimizer must be one of gd, .*; got 'adamw'"):
        get_optimizer("adamw", learning_rate=0.1)
    with pytest.raises(ValueError, match="needs a learning_rate"):
        get_optimizer("gd")
    with pytest.raises(ValueError, match="allowed: learning_rate, beta"):
        get_optimizer("momentum", learning_rate=0.1, momentum=0.9)
    assert repr(Momentum(0.1)) == "Momentum(learning_rate=0.1, beta=0.9)"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: GD(0), r"learning_rate must be a finite number > 0 \(for example 0.01\)"),
        (lambda: GD(-0.1), r"learning_rate must be a finite number > 0"),
        (lambda: GD(float("nan")), r"learning_rate must be a finite number"),
        (lambda: GD(True), r"learning_rate must be a finite number"),
        (lambda: GD("0.1"), r"learning_rate must be a finite number"),
        (lambda: Momentum(0.1, beta=1.0), r"beta must be a number >= 0 and < 1"),
        (lambda: Nesterov(0.1, beta=-0.1), r"beta must be a number >= 0 and < 1"),
        (lambda: RMSProp(0.1, rho=1.5), r"rho must be a number >= 0 and < 1"),
        (lambda: RMSProp(0.1, epsilon=0), r"epsilon must be a finite number > 0"),
        (lambda: Adam(0.1, beta_1=1), r"beta_1 must be a number >= 0 and < 1"),
        (lambda: Adam(0.1, beta_2=1.0), r"beta_2 must be a number >= 0 and < 1"),
        (lambda: AdaGrad(0.1, initial_accumulator=-1), r"initial_accumulator must be a finite"),
        (lambda: AdaGrad(0.1, epsilon=0, initial_accumulator=0), r"cannot both be 0"),
        (lambda: Adadelta(0.1, rho=1), r"rho must be a number >= 0 and < 1"),
    ],
)
def test_bad_hyper_parameters_say_what_is_allowed(build, message):
    with pytest.raises(ValueError, match=message):
        build()


# -- surfaces -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_gradient_matches_finite_differences(name):
    s = get_surface(name)
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(*s.xlim, 20), rng.uniform(*s.ylim, 20)])
    h = 1e-6
    for p in [*points, np.array(s.start)]:
        numeric = np.array([(s.value(p + h * e) - s.value(p - h * e)) / (2 * h) for e in np.eye(2)])
        np.testing.assert_allclose(s.gradient(p), numeric, rtol=1e-5, atol=1e-5)
    # The minimum is a stationary point and lower than the start.
    np.testing.assert_allclose(s.gradient(s.minimum), 0.0, atol=1e-12)
    assert s.value(s.minimum) < s.value(s.start)
    # Start and minimum lie in the plotting window; the grid evaluates f on it.
    for x, y in (s.start, s.minimum):
        assert s.xlim[0] <= x <= s.xlim[1] and s.ylim[0] <= y <= s.ylim[1]
    X, Y, Z = s.grid(11)
    assert X.shape == Y.shape == Z.shape == (11, 11) and np.isfinite(Z).all()


def test_saddle_is_a_saddle_and_bounded_below():
    s = get_surface("saddle")
    np.testing.assert_allclose(s.gradient((0.0, 0.0)), 0.0)
    assert s.value((0.1, 0.0)) > 0 > s.value((0.0, 0.1))
    _, _, Z = s.grid(201)
    assert Z.min() >= s.value(s.minimum) - 1e-12


def test_get_surface_errors():
    assert get_surface(SURFACES["plateau"]) is SURFACES["plateau"]
    with pytest.raises(ValueError, match="surface must be one of elongated, .*; got 'bowl'"):
        get_surface("bowl")
    with pytest.raises(ValueError, match=r"\(x, y\)"):
        get_surface("rosenbrock").value([1.0, 2.0, 3.0])


# -- the race -----------------------------------------------------------------------------------
def test_race_shapes_start_and_repeatability():
    opts = {name: get_optimizer(name, learning_rate=1e-3) for name in OPTIMIZERS}
    paths = race("rosenbrock", opts, steps=50)
    assert set(paths) == set(opts)
    for path in paths.values():
        assert path.shape == (51, 2)
        np.testing.assert_array_equal(path[0], (-1.5, 2.0))
        assert np.isfinite(path).all() and not diverged(path)
        assert losses_along("rosenbrock", path).shape == (51,)
    # The optimizers are reset, so a second race with the same instances is identical.
    again = race("rosenbrock", opts, steps=50)
    for name in opts:
        np.testing.assert_array_equal(paths[name], again[name])
    custom = race("saddle", {"gd": GD(0.1)}, steps=0, start=(1.0, 1.0))
    np.testing.assert_array_equal(custom["gd"], [[1.0, 1.0]])


def test_gd_learning_rate_too_big_bounces_and_diverges_too_small_crawls():
    s = get_surface("elongated")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = race(s, {"big": GD(0.1), "good": GD(0.05), "tiny": GD(1e-5)}, steps=200)
    big, good, tiny = paths["big"], paths["good"], paths["tiny"]
    # Too big (> 2 / 25): y flips sign every step and grows until the run is stopped.
    assert diverged(big)
    stop = int(np.isnan(big[:, 0]).argmax())
    assert 1 < stop < 200
    assert np.hypot(*big[stop - 1]) > s.bound
    assert np.all(np.sign(big[1:stop, 1]) != np.sign(big[: stop - 1, 1]))
    loss = losses_along(s, big)
    assert np.isnan(loss[stop:]).all() and loss[stop - 1] > loss[0]
    # Good: at the minimum.
    assert not diverged(good) and np.abs(good[-1]).max() < 1e-3
    # Too small: 200 steps later it has barely left the start.
    assert not diverged(tiny)
    assert np.hypot(*(tiny[-1] - tiny[0])) < 0.1
    assert losses_along(s, tiny)[-1] > 0.85 * losses_along(s, tiny)[0]


def test_non_finite_steps_stop_the_race_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = race("rosenbrock", {"gd": GD(1.0)}, steps=100, bound=1e300)["gd"]
    assert diverged(path)
    assert np.isfinite(path[0]).all()
    assert not diverged(race("rosenbrock", {"adam": Adam(0.01)}, steps=10)["adam"])


def test_adaptive_optimizers_cross_the_plateau_where_gd_crawls():
    paths = race("plateau", {"gd": GD(0.1), "adam": Adam(0.1)}, steps=200)
    loss = {k: losses_along("plateau", v)[-1] for k, v in paths.items()}
    assert loss["gd"] > 0.99 and loss["adam"] < 1e-3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": -1}, "steps must be a whole number"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"start": (1.0, np.nan)}, "start must be a finite point"),
        ({"start": (1.0, 2.0, 3.0)}, "start must be a finite point"),
        ({"bound": 0}, "bound must be a finite number > 0"),
        ({"optimizers": {"adam": "adam"}}, r"optimizers\['adam'\] must be an optimizer"),
        ({"optimizers": [GD(0.1)]}, "must be a dict"),
        ({"surface": "bowl"}, "surface must be one of elongated"),
    ],
)
def test_race_rejects_bad_arguments(kwargs, message):
    args = {"surface": "elongated", "optimizers": {"gd": GD(0.01)}} | kwargs
    with pytest.raises(ValueError, match=message):
        race(**args)
