"""What a visitor does in the browser, shared by the browser tests: drop files on the upload page, wait for an analysis."""
from __future__ import annotations

from pathlib import Path


def upload(page, *paths: Path) -> None:
    page.goto("/")
    page.wait_for_selector("#upload-data")
    page.set_input_files("#upload-data input[type=file]", [str(p) for p in paths])


def wait_for_analysis(page) -> None:
    page.wait_for_selector("#result-summary:has-text('points analysed')")
    page.wait_for_function("document.querySelectorAll('#events-table .ag-row').length > 0")
