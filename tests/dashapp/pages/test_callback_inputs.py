"""Callback inputs the page would never send (a crafted request) end quietly, not in a 500."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashapp.app import create_app
from dashapp.settings import Settings
from tests.dashapp.dash_calls import call


@pytest.fixture
def app(tmp_path: Path):
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data")}))


@pytest.fixture
def client(app):
    browser = app.server.test_client()
    browser.get("/")
    return browser


@pytest.mark.parametrize("contents, filenames", [
    ("1e309", 1e308),  # dcc.Upload with multiple=True always sends lists of strings
    ([{"a": 1}], ["x.csv"]),
    (["data:text/csv;base64,"], {"name": "x.csv"}),
])
def test_an_upload_in_an_unexpected_form_is_refused_in_words(app, client, contents, filenames):
    response = call(client, app, "..upload-cards.children", {"upload-data.contents": contents},
                    {"upload-data.filename": filenames})
    assert response.status_code == 200
    assert "unexpected form" in json.dumps(response.get_json())


@pytest.mark.parametrize("relayout", [{"xaxis.range[0]": "a", "xaxis.range[1]": 2}, {"xaxis.range": ["a"]}])
def test_a_zoom_event_with_unreadable_ranges_leaves_the_plot_as_it_is(app, client, relayout):
    response = call(client, app, "lightcurve-graph.figure", {"lightcurve-graph.relayoutData": relayout},
                    {"analysis-shown.data": None})
    assert response.status_code == 204  # PreventUpdate


@pytest.mark.parametrize("value", ["0.8", -1, 2, [0.5], None])
def test_a_confidence_filter_outside_the_slider_range_changes_nothing(app, client, value):
    response = call(client, app, "..lightcurve-graph.figure@", {"event-confidence.value": value},
                    {"analysis-shown.data": None})
    assert response.status_code == 204


def test_the_confidence_filter_sets_the_events_table_filter_even_before_a_result(app, client):
    response = call(client, app, "..lightcurve-graph.figure@", {"event-confidence.value": 0.8},
                    {"analysis-shown.data": None})
    assert response.status_code == 200
    table = response.get_json()["response"]["events-table"]["filterModel"]
    assert table == {"confidence": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 0.8}}
