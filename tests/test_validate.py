"""The argument checks every module uses: what they accept, return, and say when they refuse."""

import math
import re

import numpy as np
import pytest

from neurona.validate import one_of, points_2d, real_number, whole_number


# -- whole numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [1, 5, 100, np.int64(7), np.uint8(3)])
def test_whole_number_returns_a_plain_int(value):
    result = whole_number("epochs", value, 1, 100)
    assert result == value and type(result) is int


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 3.0, "3", None, [3], 2.5])
def test_whole_number_refuses_what_is_not_a_count(value):
    message = f"seed must be a whole number >= 0; got {value!r}"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        whole_number("seed", value, 0)


def test_whole_number_names_the_argument_and_the_range():
    with pytest.raises(ValueError, match=r"^units must be a whole number from 1 to 1,024; got 0$"):
        whole_number("units", 0, 1, 1024)
    with pytest.raises(ValueError, match=r"from 1 to 1,024; got 1025$"):
        whole_number("units", 1025, 1, 1024)
    with pytest.raises(ValueError, match=r"^n must be a whole number >= 1; got -2$"):
        whole_number("n", -2, 1)
    # The bounds themselves are allowed.
    assert whole_number("units", 1, 1, 1024) == 1 and whole_number("units", 1024, 1, 1024) == 1024
    assert whole_number("step", -1, -1, 5) == -1


def test_whole_number_note_explains_the_number():
    message = "step must be a whole number from 0 to 8 (there are 9 windows); got 9"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        whole_number("step", 9, 0, 8, note="there are 9 windows")


# -- real numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.25), np.float64(0.9), np.int64(0)])
def test_real_number_returns_a_float(value):
    result = real_number("share", value, 0, 1)
    assert result == pytest.approx(float(value)) and type(result) is float


@pytest.mark.parametrize(
    "value", [True, np.bool_(False), "0.1", None, [0.1], math.nan, math.inf, -math.inf]
)
def test_real_number_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match=r"^learning_rate must be a finite number > 0; got "):
        real_number("learning_rate", value, 0, low_open=True)


@pytest.mark.parametrize(
    ("bounds", "value", "range_text"),
    [
        ({"low": 0}, -1, "a finite number >= 0"),
        ({"low": 0, "low_open": True}, 0, "a finite number > 0"),
        ({"high": 1}, 2, "a finite number <= 1"),
        ({"high": 1, "high_open": True}, 1, "a finite number < 1"),
        ({"low": 0, "high": 0.9}, 1.0, "a number from 0 to 0.9"),
        ({"low": 0, "high": 1, "high_open": True}, 1.0, "a number >= 0 and < 1"),
        ({"low": 0, "high": 1, "low_open": True}, 0.0, "a number > 0 and <= 1"),
        ({"low": 0, "high": 1, "low_open": True, "high_open": True}, 1.0, "a number > 0 and < 1"),
        ({"low": 1e-6, "high": 10}, 20, "a number from 1e-06 to 10"),
    ],
)
def test_real_number_says_which_ends_are_open(bounds, value, range_text):
    message = f"x must be {range_text}; got {value!r}"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        real_number("x", value, **bounds)


def test_real_number_accepts_the_closed_ends_and_refuses_the_open_ones():
    assert real_number("x", 0, 0, 1) == 0.0 and real_number("x", 1, 0, 1) == 1.0
    with pytest.raises(ValueError):
        real_number("x", 0, 0, 1, low_open=True)
    with pytest.raises(ValueError):
        real_number("x", 1, 0, 1, high_open=True)
    assert real_number("x", -1e300) == -1e300  # no bound: any finite number


def test_real_number_note():
    message = "l2 must be a finite number >= 0 (0 means no weight decay); got -1"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        real_number("l2", -1, 0, note="0 means no weight decay")


# -- a choice among names --------------------------------------------------------------------------
def test_one_of_returns_the_value():
    assert one_of("optimizer", "adam", ("sgd", "adam")) == "adam"
    assert one_of("normalize", None, {"true": "rows", None: "counts"}) is None
    assert one_of("learning_rate", 0.01, [0.001, 0.01, 0.1]) == 0.01


def test_one_of_lists_every_allowed_value_and_what_was_given():
    allowed = ("clusters", "circle", "xor", "spiral")
    with pytest.raises(ValueError) as info:
        one_of("dataset", "moons", allowed)
    assert str(info.value) == "dataset must be one of clusters, circle, xor, spiral; got 'moons'"


def test_one_of_suggests_the_close_match():
    with pytest.raises(ValueError, match=r"'fashion-mnist' \(did you mean 'fashion_mnist'\?\)$"):
        one_of("dataset", "fashion-mnist", ["mnist", "fashion_mnist", "digits"])
    with pytest.raises(ValueError, match=r"\(did you mean 'Adam'\?\)$"):
        one_of("optimizer", "adam", ["SGD", "Adam"])  # another case is a near miss too
    with pytest.raises(ValueError) as info:
        one_of("dataset", "zzz", ["mnist", "digits"])
    assert "did you mean" not in str(info.value)


def test_one_of_shows_numbers_as_typed_and_meanings_in_parentheses():
    with pytest.raises(ValueError, match=r"^learning_rate must be one of 1e-05, 0.001, 1; got 5$"):
        one_of("learning_rate", 5, [1e-5, 0.001, 1.0])
    meanings = {"true": "rows sum to 1", None: "counts only"}
    message = "normalize must be one of true (rows sum to 1), None (counts only); got 'all'"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        one_of("normalize", "all", meanings, meanings=meanings)


@pytest.mark.parametrize("value", [True, ["a"], np.array(["a", "b"]), {"a": 1}])
def test_one_of_refuses_odd_values_with_the_same_message(value):
    with pytest.raises(ValueError, match=r"^mode must be one of 1, a; got "):
        one_of("mode", value, [1, "a"])  # True == 1, but True is not the choice 1


# -- 2-D points ------------------------------------------------------------------------------------
def test_points_2d_returns_a_float_array():
    points = points_2d("X", [[0, 1], [2, 3], [4, 5]])
    assert points.shape == (3, 2) and points.dtype == np.float64


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ([[0, 1, 2]], "shape (1, 3)"),
        ([0, 1], "shape (2,)"),
        (np.zeros((0, 2)), "shape (0, 2)"),
        (np.zeros((2, 2, 2)), "shape (2, 2, 2)"),
        ([[0.0, np.nan]], "NaN or inf"),
        ([[np.inf, 0.0]], "NaN or inf"),
        ([["a", "b"]], "a list"),
    ],
)
def test_points_2d_names_the_shape_wanted_and_found(value, got):
    wanted = "X must be an (n, 2) array of finite 2-D points, n >= 1 (one row per point); got "
    with pytest.raises(ValueError, match="^" + re.escape(wanted + got) + "$"):
        points_2d("X", value, note="one row per point")


def test_points_2d_may_keep_the_points_of_a_run_that_blew_up():
    path = points_2d("path", [[0.0, 0.0], [np.inf, np.nan]], finite=False)
    assert path.shape == (2, 2) and not np.isfinite(path[1]).any()
    message = "path must be an (n, 2) array of 2-D points, n >= 1; got shape (3,)"
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        points_2d("path", [0.0, 1.0, 2.0], finite=False)
