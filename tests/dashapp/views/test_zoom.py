"""Zoom: a selected event's time range, and what a plotly relayout event asks for."""
from __future__ import annotations

from dashapp.views.zoom import NO_CHANGE, relayout_range, zoom_range


def test_zoom_range_covers_the_event():
    lo, hi = zoom_range({"t_start": 10.0, "t_end": 10.1})
    assert lo < 10.0 and hi > 10.1
    assert zoom_range({"kind": "flare"}) is None


def test_relayout_events_map_to_time_ranges():
    assert relayout_range({"xaxis.range[0]": 1.0, "xaxis.range[1]": 2.0}) == [1.0, 2.0]
    assert relayout_range({"xaxis.range": [3, 4]}) == [3.0, 4.0]
    assert relayout_range({"xaxis.autorange": True, "yaxis.autorange": True}) is None
    assert relayout_range({"dragmode": "pan"}) is NO_CHANGE
    # What plotly never sends leaves the view as it is.
    assert relayout_range({"xaxis.range[0]": "a", "xaxis.range[1]": 2}) is NO_CHANGE
    assert relayout_range({"xaxis.range": ["a"]}) is NO_CHANGE
    assert relayout_range([1, 2]) is NO_CHANGE
