"""Shared page pieces: the status alert's colours."""
from __future__ import annotations

from dashapp.views.components import alert_state


def test_alert_state_colours():
    assert alert_state([])[1] is False
    assert alert_state(["x: bad"])[2] == "danger"
    assert alert_state(["x: bad"], "Loaded 1 curve.")[2] == "warning"
    assert alert_state([], "Loaded 1 curve.") == ("Loaded 1 curve.", True, "success")
