"""The download buttons' files: events and transits as CSV, everything as JSON, under a safe name."""
from __future__ import annotations

import json

from dashapp.views.downloads import export, file_stem
from tests.dashapp.builders import make_result


def test_exports_are_csv_and_json():
    result = make_result()
    events = export(result, "events", "TIC_1")
    assert events["filename"] == "TIC_1-events.csv" and events["content"].startswith("kind,")
    assert export(result, "transits", "TIC_1")["content"].startswith("period,")
    doc = json.loads(export(result, "json", "TIC_1")["content"])
    assert doc["n_points"] == result.n_points and len(doc["events"]) == 4


def test_download_name_is_safe():
    assert file_stem({"target": "../TIC 261136679 / b"}) == "TIC_261136679_b"
    assert file_stem({}) == "lightcurve"
