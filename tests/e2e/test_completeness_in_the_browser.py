"""A visitor asks what a 65k-point curve could hide from the flare finder: the Completeness card runs in the
background with progress and draws the heatmap and the sentence."""
from __future__ import annotations

import pytest

from tests.e2e.browser_steps import upload

pytestmark = pytest.mark.e2e


def test_flare_completeness_of_a_65k_point_curve_draws_the_heatmap(page, inputs, screenshot_dir):
    upload(page, inputs["tess_65k_fits"])
    page.wait_for_selector(".curve-card")
    page.goto("/analysis")
    page.wait_for_selector("#completeness-card")
    page.click("#completeness-card >> text=Flares (FWHM x amplitude)")
    page.select_option("#completeness-n", "50")
    page.click("#completeness-button")
    page.wait_for_selector("#completeness-sentence:has-text('Injecting')")
    page.wait_for_selector("#completeness-sentence:has-text('flares')", timeout=240_000)
    page.wait_for_selector("#completeness-graph .heatmaplayer, #completeness-graph .hm", state="attached")
    assert page.locator("#completeness-graph .js-plotly-plot").count() == 1
    sentence = page.inner_text("#completeness-sentence")
    assert "would have been found" in sentence or "Fewer than half" in sentence
    page.screenshot(path=str(screenshot_dir / "completeness.png"), full_page=True)
