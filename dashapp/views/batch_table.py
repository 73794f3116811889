"""The Batch page's grid: one row per curve with the summary columns, numbers filtered as numbers."""
from __future__ import annotations

from typing import Any

from core.batch.summary import SUMMARY_COLUMNS

TEXT_COLUMNS = {"file", "status", "error", "target", "mission", "best_verdict"}
HEADERS = {
    "file": "File", "status": "Status", "error": "Why it failed", "target": "Target", "mission": "Mission",
    "n_points": "Points", "span_days": "Span (d)", "noise_ppm": "Noise (ppm)", "cdpp_1h_ppm": "CDPP 1 h (ppm)",
    "n_candidates": "Candidates", "best_period": "Best period (d)", "best_depth": "Best depth",
    "best_snr": "Best SNR", "best_verdict": "Verdict", "n_flares": "Flares", "flares_per_day": "Flares / day",
    "n_outliers": "Outliers", "n_anomalies": "Anomalies",
}
NUMBER_FORMAT = {"function": "params.value == null ? '' : d3.format('.6~g')(params.value)"}


def batch_columns() -> list[dict[str, Any]]:
    """Every summary column, in the table's order; the file stays in view while scrolling sideways."""
    columns = []
    for name in SUMMARY_COLUMNS:
        text = name in TEXT_COLUMNS
        columns.append({"field": name, "headerName": HEADERS[name],
                        "filter": "agTextColumnFilter" if text else "agNumberColumnFilter",
                        **({} if text else {"valueFormatter": NUMBER_FORMAT}),
                        **({"pinned": "left", "minWidth": 180} if name == "file" else {})})
    return columns


def batch_rows(view: dict[str, Any], curve_hashes: list[str]) -> list[dict[str, Any]]:
    """The summary rows of a batch view, each with its place in the batch (`index`, the grid's row id) and its
    curve's hash (`curve`, what a click opens)."""
    return [{**row, "index": index, "curve": curve_hash}
            for index, (row, curve_hash) in enumerate(zip(view["summary"], curve_hashes))]
