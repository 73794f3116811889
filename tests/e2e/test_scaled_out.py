"""The REDIS_URL deployment in a browser: Celery runs the analysis, Redis caches the result."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_analysis_runs_on_celery_and_repeats_from_redis(scaled_out_page, inputs):
    page = scaled_out_page
    page.goto("/")
    page.set_input_files("#upload-data input[type=file]", [str(inputs["sample_csv"])])
    page.wait_for_selector(".curve-card")
    page.goto("/analysis")
    page.click("#analyze-button")
    page.wait_for_selector("#result-summary:has-text('points analysed')")
    page.wait_for_function("document.querySelectorAll('#events-table .ag-row').length > 0")
    page.click("#analyze-button")
    page.wait_for_selector("#status-alert:has-text('Loaded from the cache')")
