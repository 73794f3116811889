"""The batch summary: one row per input file, the same columns from the CLI, the REST API and the pages.

A row is built from a result document (`AnalysisResult.to_dict()`), so a result read back
from a record file or a cache gives the same row as a fresh analysis. Numbers are rounded
to six significant digits: the table is for reading and comparing, the full values are in
each curve's result JSON.
"""
from __future__ import annotations

import csv
import io
import math
from typing import Any, Iterable

SUMMARY_COLUMNS = (
    "file", "status", "error", "target", "mission", "n_points", "span_days", "noise_ppm", "cdpp_1h_ppm",
    "n_candidates", "best_period", "best_depth", "best_snr", "best_verdict", "n_flares", "flares_per_day",
    "n_outliers", "n_anomalies",
)
OK, FAILED = "ok", "failed"
SIGNIFICANT_DIGITS = 6

Row = dict[str, Any]


def summary_row(file: str, document: dict[str, Any] | None, error: str | None = None) -> Row:
    """The row of `file`: from its result document, or (document None) a failed row carrying `error`."""
    row: Row = dict.fromkeys(SUMMARY_COLUMNS)
    row["file"] = file
    if document is None:
        row.update(status=FAILED, error=error or "not analysed")
        return row
    meta = document.get("meta") or {}
    transits = document.get("transits") or []
    kinds = [event.get("kind") for event in document.get("events") or []]
    span = _number(meta.get("time_span_days"))
    n_flares = kinds.count("flare")
    best = max(transits, key=_snr_or_lowest) if transits else {}
    row.update(
        status=OK,
        target=meta.get("target"),
        mission=meta.get("mission"),
        n_points=document.get("n_points"),
        span_days=_rounded(span),
        noise_ppm=_rounded(meta.get("noise_ppm")),
        cdpp_1h_ppm=_rounded(meta.get("cdpp_1h_ppm")),
        n_candidates=len(transits),
        best_period=_rounded(best.get("period")),
        best_depth=_rounded(best.get("depth")),
        best_snr=_rounded(best.get("snr")),
        best_verdict=best.get("verdict"),  # the vetting's (core.pipeline.vet); empty for a document without it
        n_flares=n_flares,
        flares_per_day=_rounded(n_flares / span) if span else None,
        n_outliers=kinds.count("outlier"),
        n_anomalies=kinds.count("anomaly"),
    )
    return row


def summary_csv(rows: Iterable[Row]) -> str:
    """The rows as CSV text with the header; a missing value is an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row[column] for column in SUMMARY_COLUMNS})
    return buffer.getvalue()


def read_summary_csv(text: str) -> list[dict[str, str]]:
    """The rows of a summary CSV as text cells (for comparing tables and resuming reports)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != SUMMARY_COLUMNS:
        raise ValueError(f"not a batch summary: the columns are {reader.fieldnames}, expected {list(SUMMARY_COLUMNS)}")
    return list(reader)


def _snr_or_lowest(candidate: dict[str, Any]) -> float:
    snr = _number(candidate.get("snr"))
    return -math.inf if snr is None else snr


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _rounded(value: Any) -> float | None:
    number = _number(value)
    return None if number is None else float(f"{number:.{SIGNIFICANT_DIGITS}g}")
