"""A value set from code right after a panel is displayed survives its views' first messages.

The browser test (tests/browser) shows the race in JupyterLab; here the browser's messages
are played to the widgets as ipywidgets delivers them (``Widget._handle_msg``).
"""

from __future__ import annotations

import ipywidgets as w
import pytest

import neurona as nr
from neurona.widgets.panel import keep_values_from_code

# What a new view of a slider from -3 to 3 by 0.1 sends for -0.5: its own grid's value.
SNAPPED_MINUS_HALF = -0.49999999999999956


def from_browser(control, value) -> None:
    """Deliver an update of ``value`` from the front end, as the kernel's comm does."""
    control._handle_msg({"content": {"data": {"method": "update", "state": {"value": value}}},
                         "buffers": []})


@pytest.fixture
def sent(monkeypatch):
    """The states the kernel sends to the browser: (control's description, state keys)."""
    log = []
    original = w.Widget.send_state

    def send_state(self, key=None):
        log.append((getattr(self, "description", ""), key))
        return original(self, key)

    monkeypatch.setattr(w.Widget, "send_state", send_state)
    return log


def test_set_weights_after_display_survives_the_views_snap(sent):
    explorer = nr.PerceptronExplorer(problem="AND", w1=1.0, w2=1.0, b=-0.5)
    explorer.set_weights(1.0, 1.0, -1.5)  # the next cell of a Run All
    sent.clear()
    from_browser(explorer.sliders["b"], SNAPPED_MINUS_HALF)  # read once the cells have run
    assert explorer.weights == (1.0, 1.0, -1.5)
    assert explorer.mistakes == 0
    assert ("b", "value") in sent  # the browser is told the current value again


def test_the_snap_of_the_current_value_keeps_the_exact_value(sent):
    explorer = nr.PerceptronExplorer(b=-0.5)
    redraws = explorer.redraws
    sent.clear()
    from_browser(explorer.sliders["b"], SNAPPED_MINUS_HALF)
    assert explorer.weights[2] == -0.5
    assert explorer.redraws == redraws
    assert ("b", "value") not in sent


def test_a_students_moves_are_taken():
    explorer = nr.PerceptronExplorer(b=-0.5)
    explorer.set_weights(1.0, 1.0, -1.5)
    slider = explorer.sliders["b"]
    from_browser(slider, SNAPPED_MINUS_HALF)  # the view's snap: dropped
    for value in (-1.4, -1.2, -0.8, SNAPPED_MINUS_HALF):  # then a drag back to -0.5
        from_browser(slider, value)
        assert slider.value == value
    assert explorer.mistakes == 2


def test_every_float_control_of_a_panel_is_kept():
    explorer = nr.SoftmaxExplorer(["cat", "dog", "fish"], evidence=[0.3, 0.0, 1.0])
    sliders = [c for c in explorer.widget.children[0].children if isinstance(c, w.FloatSlider)]
    assert sliders, "the explorer's layout changed: find its sliders"
    first = sliders[0]
    start = first.value
    first.value = 2.0
    from_browser(first, start + 4e-16)
    assert first.value == 2.0


def test_range_sliders_and_log_sliders():
    span = w.FloatRangeSlider(value=(0.2, 0.6), min=0, max=1, step=0.1)
    rate = w.FloatLogSlider(value=0.01, base=10, min=-4, max=0)
    keep_values_from_code(w.HBox([span, rate]))
    span.value, rate.value = (0.3, 0.7), 0.1
    from_browser(span, [0.20000000000000004, 0.6000000000000001])
    from_browser(rate, 0.010000000000000002)
    assert span.value == (0.3, 0.7)
    assert rate.value == 0.1
    from_browser(rate, 0.001)  # a real move
    assert rate.value == 0.001
