"""The Vetting view: a verdict badge, the reasons as an HTML table and the report page as a PNG."""
from __future__ import annotations

import base64

import pytest

from core import analyze, generate_sample
from dashapp.views.tables import transits_grid
from dashapp.views.vetting import candidate_options, vetting_view


@pytest.fixture(scope="module")
def planet_result():
    lc, _ = generate_sample("exoplanet_transit")
    return analyze(lc)


def _find(component, id_):
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = _find(child, id_)
        if found is not None:
            return found
    return None


def test_the_view_shows_the_verdict_reasons_and_page(planet_result):
    assert candidate_options(planet_result)[0]["value"] == 1
    assert "planet candidate" in candidate_options(planet_result)[0]["label"]
    view = vetting_view(planet_result, 1)
    assert _find(view, "vetting-verdict").children == "Planet candidate"
    rows = _find(view, "vetting-reasons").children[1].children
    tests = [row.children[0].children for row in rows]
    assert {"odd even", "secondary", "v shape", "false alarm probability"} <= set(tests)
    src = _find(view, "vetting-report-image").src
    assert base64.b64decode(src.removeprefix("data:image/png;base64,"))[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError):
        vetting_view(planet_result, 5)


def test_the_transits_grid_has_the_verdict_as_text(planet_result):
    rows, columns = transits_grid(planet_result)
    assert rows[0]["verdict"] == "planet_candidate"
    verdict = next(c for c in columns if c["field"] == "verdict")
    assert verdict["filter"] == "agTextColumnFilter" and "valueFormatter" not in verdict
