import pytest

keras = pytest.importorskip("keras")

from neurona.models import OPTIMIZERS, check_batch_size, make_optimizer  # noqa: E402


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_course_optimizer_builds(name):
    optimizer = make_optimizer(name, 0.05)
    assert isinstance(optimizer, keras.optimizers.Optimizer)
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(0.05)


def test_momentum_and_nesterov_are_sgd_variants():
    assert make_optimizer("Momentum").nesterov is False
    nesterov = make_optimizer("nesterov", momentum=0.5)
    assert isinstance(nesterov, keras.optimizers.SGD) and nesterov.nesterov
    assert nesterov.momentum == 0.5


def test_unknown_optimizer_names_the_allowed_ones():
    message = "optimizer must be one of sgd, momentum.*; got 'adamm' \\(did you mean 'adam'\\?\\)"
    with pytest.raises(ValueError, match=message):
        make_optimizer("adamm")


@pytest.mark.parametrize("rate", [0, -0.1, "fast", True])
def test_bad_learning_rates_are_refused(rate):
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        make_optimizer("sgd", rate)


@pytest.mark.parametrize("size", [0, -3, 2.5, "32", True, None])
def test_bad_batch_sizes_are_refused(size):
    with pytest.raises(ValueError, match="batch_size must be a whole number >= 1"):
        check_batch_size(size)


def test_batch_size_bounded_by_the_data():
    assert check_batch_size(60_000, n_samples=60_000) == 60_000
    message = "from 1 to 100 \\(.*100 the whole training set\\); got 101"
    with pytest.raises(ValueError, match=message):
        check_batch_size(101, n_samples=100)
