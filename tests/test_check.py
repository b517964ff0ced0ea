"""Self-check exercises: one line of feedback, True/False, never the expected value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neurona import check
from neurona.check import NotAnsweredError


def one_line(capsys):
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out.rstrip("\n")


# -- value ---------------------------------------------------------------------------------


def test_value_right_and_wrong(capsys):
    assert check.value(784 * 128 + 128, 100480) is True
    assert one_line(capsys) == "✓ answer: 100,480"
    assert check.value(784 * 128, 100480, hint="one bias per unit") is False
    assert one_line(capsys) == (
        "✗ answer: got 100352, expected something else. Hint: one bias per unit"
    )


def test_value_uses_a_relative_tolerance_and_compares_arrays(capsys):
    assert check.value(100.00001, 100.0, tol=1e-6)
    assert not check.value(100.01, 100.0)
    assert check.value(1e-9, 0.0)  # an expected 0 is met within tol in absolute terms
    assert check.value([0.1 + 0.2, 1.0], np.array([0.3, 1.0]), name="probabilities")
    assert "✓ probabilities:" in capsys.readouterr().out
    assert not check.value(np.zeros((3, 1)), np.zeros(3))
    assert one_line(capsys) == "✗ answer: got an array of shape (3, 1), expected another shape."
    assert not check.value(np.arange(100.0), np.arange(100.0) + 1)
    assert "an array of shape (100,)" in one_line(capsys)


def test_value_never_prints_the_expected_value(capsys):
    for answer, expected in ((17, 4242), (3.5, 4242.0), ([1.0, 2.0], [1.0, 4242.0]), ("x", 4242)):
        assert check.value(answer, expected) is False
        assert "4242" not in one_line(capsys)
    assert check.equal("sigmoid", "softmax4242") is False
    assert check.shape(np.zeros(3), (4242,)) is False
    assert check.function(abs, lambda x: 4242, [1]) is False
    assert "4242" not in capsys.readouterr().out


def test_value_explains_none_and_text(capsys):
    assert not check.value(None, 3.0, hint="compute it")
    assert one_line(capsys) == (
        "✗ answer: got None, expected something else. "
        "Did you forget to return or assign a value? Hint: compute it"
    )
    assert not check.value("abc", 3.0)
    assert one_line(capsys) == "✗ answer: got 'abc', expected a number."


def test_hint_is_shown_only_on_a_wrong_answer(capsys):
    assert check.value(2, 2, hint="SECRET HINT")
    assert "Hint" not in one_line(capsys)
    assert check.equal("a", "a", hint="SECRET HINT")
    assert check.shape(np.zeros(3), (3,), hint="SECRET HINT")
    assert check.function(abs, abs, [1], hint="SECRET HINT")
    assert "SECRET" not in capsys.readouterr().out


# -- an unanswered exercise --------------------------------------------------------------


def test_an_answer_still_left_as_ellipsis_is_a_reminder_not_an_error(capsys):
    assert check.value(..., 3, name="hidden_parameters") is False
    assert one_line(capsys) == ("✎ hidden_parameters: not answered yet: replace the ... in the "
                                "cell above, run it, then this cell.")
    assert check.equal((28, ...), (28, 28)) is False
    assert check.shape(..., (3,)) is False
    assert check.function(..., abs, [1]) is False
    assert check.answered(1, [2, ...], name="weights") is False
    assert check.answered(1, (2, 3)) is True
    assert capsys.readouterr().out.count("✎") == 4


def test_graded_mode_raises_for_a_missing_or_a_wrong_answer(monkeypatch, capsys):
    monkeypatch.setenv("NEURONA_STRICT", "1")
    with pytest.raises(NotAnsweredError, match=r"hidden_parameters: not answered yet"):
        check.value(..., 3, name="hidden_parameters")
    with pytest.raises(check.CheckFailed, match="✗ answer: got 4, expected something else"):
        check.value(4, 3)
    with pytest.raises(check.CheckFailed):
        check.question("a", "00.1")
    with pytest.raises(NotAnsweredError):
        check.question(..., "00.1")
    assert check.value(3, 3) is True
    assert issubclass(check.CheckFailed, AssertionError)
    assert issubclass(NotAnsweredError, ValueError)
    capsys.readouterr()


def test_a_function_that_is_not_written_yet_is_a_reminder_too(capsys, monkeypatch):
    def returns_ellipsis(x):
        return ...

    def not_implemented(x):
        raise NotImplementedError()

    assert check.function(returns_ellipsis, abs, [1]) is False
    assert "returns_ellipsis: not written yet (it still returns ...)" in one_line(capsys)
    assert check.function(not_implemented, abs, [1]) is False
    assert "not_implemented: not written yet (it raises NotImplementedError)" in one_line(capsys)
    monkeypatch.setenv("NEURONA_STRICT", "1")
    with pytest.raises(NotAnsweredError, match="not written yet"):
        check.function(not_implemented, abs, [1])


# -- sealed answers -------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [0.08, 101_770, "relu", ("x1sq", "x2sq"), [1.5, 2], True])
def test_a_sealed_answer_hides_its_value_and_checks_like_the_value(answer, capsys):
    token = check.seal(answer)
    assert str(answer) not in token and repr(answer) not in token
    expected = check.sealed(token)
    assert repr(expected) == "<sealed answer>" and str(answer) not in str(expected)
    checker = check.value if isinstance(answer, (int, float, list)) and \
        not isinstance(answer, bool) else check.equal
    assert checker(answer, expected) is True
    assert checker("wrong" if isinstance(answer, (str, tuple)) else -1, expected) is False
    assert capsys.readouterr().out.splitlines()[-1].startswith("✗ answer: got ")


def test_a_damaged_or_foreign_token_is_refused_clearly():
    with pytest.raises(ValueError, match="not a sealed answer"):
        check.sealed("0.08")
    with pytest.raises(ValueError, match="is damaged"):
        check.sealed("nr1:@@@")
    with pytest.raises(TypeError, match="can be sealed"):
        check.seal({"a": 1})


# -- questions about ideas ------------------------------------------------------------------


def test_a_question_explains_the_chosen_answer(capsys):
    entry = check.question_bank("00")["00.1"]
    assert check.question(" (B) ", "00.1") is True
    assert one_line(capsys) == f"✓ Question 00.1 (b): {entry['feedback']['b']}"
    assert check.question("a", "00.1") is False
    assert one_line(capsys) == f"✗ Question 00.1 (a): {entry['feedback']['a']}"
    assert check.question("z", "00.1") is False
    assert one_line(capsys) == ("✗ Question 00.1 ('z'): not one of the options; "
                                "answer 'a', 'b', 'c' or 'd'.")


def test_an_unknown_question_names_the_notebooks_questions():
    with pytest.raises(ValueError, match="no question '00.9'; notebook 00's questions: 00.1, 00.2"):
        check.question("a", "00.9")
    with pytest.raises(ValueError, match="'NN.k'"):
        check.question("a", "first")


def test_a_number_question_says_too_low_or_too_high(monkeypatch, capsys):
    bank = {"99.1": {"kind": "number", "answer": 4.0, "tol": 0.05,
                     "feedback": {"right": "Right: four.", "low": "Too low.", "high": "Too high."}}}
    monkeypatch.setattr(check, "_load_bank", lambda notebook: bank)
    assert check.question(4.1, "99.1") is True
    assert one_line(capsys) == "✓ Question 99.1 (4.1): Right: four."
    assert check.question(3, "99.1") is False
    assert one_line(capsys) == "✗ Question 99.1 (3): Too low."
    assert check.question(9, "99.1") is False and "Too high." in one_line(capsys)
    assert check.question("four", "99.1") is False
    assert one_line(capsys) == "✗ Question 99.1 ('four'): expected a number."


def test_the_question_widget_gives_the_feedback_of_the_clicked_answer():
    entry = check.question_bank("00")["00.2"]
    panel = check.question_widget("00.2")
    buttons, feedback = panel.children
    assert list(buttons.options) == list(entry["feedback"]) and feedback.value == ""
    buttons.value = "a"
    assert feedback.value.startswith("<b>✗</b>") and "(a)" in feedback.value
    buttons.value = entry["answer"]
    assert feedback.value.startswith("<b>✓</b>")


def test_every_bank_entry_is_well_formed():
    for path in sorted((Path(check.__file__).parent / "questions").glob("*.json")):
        bank = check.question_bank(path.stem)
        assert bank, path.name
        for entry in bank.values():
            if entry["kind"] == "choice":
                assert entry["answer"] in entry["feedback"] and len(entry["feedback"]) >= 3



# -- shape and equal -------------------------------------------------------------------------


def test_shape(capsys):
    assert check.shape(np.zeros((60000, 784)), (60000, 784))
    assert one_line(capsys) == "✓ shape: (60000, 784)"
    assert check.shape(np.zeros((32, 784)), (None, 784))  # None: any batch size
    assert check.shape((3, 4), (3, 4))  # a tuple of whole numbers is a shape
    assert check.shape([[1, 2, 3]], (1, 3))
    assert check.shape(np.zeros(5), 5)
    capsys.readouterr()
    assert not check.shape(np.zeros((28, 28)), (784,), hint="flatten", name="x.shape")
    assert one_line(capsys) == "✗ x.shape: got (28, 28), expected something else. Hint: flatten"
    assert not check.shape(np.zeros(4), (4, 1))
    assert "(4,)" in one_line(capsys)
    with pytest.raises(TypeError, match="expected_shape"):
        check.shape(np.zeros(3), "3")


def test_equal_is_exact(capsys):
    assert check.equal("relu", "relu", name="activation")
    assert one_line(capsys) == "✓ activation: 'relu'"
    assert check.equal((28, 28), (28, 28)) and check.equal(10, 10)
    assert check.equal(np.array([1, 2]), np.array([1, 2]))
    capsys.readouterr()
    assert not check.equal(10, 11)
    assert one_line(capsys) == "✗ answer: got 10, expected something else."
    assert not check.equal("ReLU", "relu")
    assert "upper/lower case" in one_line(capsys)
    assert not check.equal([28, 28], (28, 28))
    assert "should be a tuple" in one_line(capsys)
    assert not check.equal(np.array([1, 2]), np.array([1, 2, 3]))
    capsys.readouterr()


# -- function ----------------------------------------------------------------------------------


def test_function_right(capsys):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def reference(z):
        return np.exp(z) / (1 + np.exp(z))

    assert check.function(sigmoid, reference, [0.0, 2.0, np.array([-1.0, 1.0])]) is True
    assert one_line(capsys) == "✓ sigmoid: same results as the reference on all 3 inputs"


def test_function_reports_the_first_input_where_it_differs(capsys):
    def relu(z):
        return z if z < 2.5 else 0.0

    assert check.function(relu, lambda z: max(z, 0.0), [1.0, 2.0, 3.0, 4.0], hint="max") is False
    assert one_line(capsys) == "✗ relu(3.0): got 0.0, expected something else. Hint: max"


def test_function_takes_several_arguments_and_keeps_inputs_apart(capsys):
    def add(a, b):
        return a + b

    assert check.function(add, lambda a, b: a + b, [(1, 2), (np.ones(2), np.ones(2))])
    capsys.readouterr()

    def centre(x):
        x -= x.mean()  # changes its argument in place: the reference must not see that
        return x

    assert check.function(centre, lambda x: x - x.mean(), [np.array([1.0, 2.0, 6.0])])
    assert "✓ centre" in one_line(capsys)


def test_function_results_that_are_tuples_dicts_or_text(capsys):
    assert check.function(lambda: 0, lambda: 0, [()])  # no arguments
    capsys.readouterr()

    def loss_and_grad(w):
        return float(w**2), 2 * w

    assert check.function(loss_and_grad, lambda w: (w**2, 2 * w), [1.0, 3.0])
    assert check.function(lambda s: s.upper(), str.upper, ["relu"])
    assert check.function(lambda k: {"k": k}, lambda k: {"k": k}, [1])
    capsys.readouterr()
    assert not check.function(lambda w: (w, w), lambda w: (w, 2 * w), [1.0])
    capsys.readouterr()


def test_function_errors_and_missing_returns_are_reported_not_raised(capsys):
    def divide(a, b):
        return a / b

    assert check.function(divide, lambda a, b: a, [(1, 1), (1, 0)]) is False
    assert one_line(capsys) == "✗ divide(1, 0): raised ZeroDivisionError: division by zero."

    def forgot(x):
        x + 1

    assert check.function(forgot, lambda x: x + 1, [1]) is False
    assert "Did you forget to return" in one_line(capsys)
    assert check.function(42, abs, [1]) is False
    assert "not a function" in one_line(capsys)
    with pytest.raises(ValueError, match="inputs is empty"):
        check.function(abs, abs, [])
