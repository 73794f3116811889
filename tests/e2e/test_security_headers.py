"""The Content-Security-Policy in a real browser: the dashboard draws its plots and the browser reports no violation."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_dashboard_works_under_the_policy(page):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    response = page.goto("/gallery")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector("#gallery .gallery-card", timeout=90_000)
    page.click("#gallery >> text=Exoplanet transit (synthetic)")
    page.wait_for_url(re.compile(r".*/analysis\?sample=exoplanet_transit.*"))
    page.wait_for_function("document.querySelectorAll('#events-table .ag-row').length > 0")
    # The figure is drawn after the table can fill: wait for its plot area, then for its traces.
    page.wait_for_selector("#lightcurve-graph .main-svg")
    page.wait_for_selector("#lightcurve-graph .gl-container, #lightcurve-graph .scatterlayer", state="attached")
    assert page.locator("#lightcurve-graph .gl-container, #lightcurve-graph .scatterlayer").count() > 0
    assert violations == []
