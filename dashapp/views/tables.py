"""Rows and column definitions for the events and transits grids (dash-ag-grid)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.result import AnalysisResult

_TEXT_COLUMNS = {"kind", "flags"}
# The transits grid shows these (the vetting view and the CSV have every metric and reason).
TRANSIT_GRID_COLUMNS = ("period", "t0", "duration", "depth", "snr", "sde", "n_transits", "verdict", "fap",
                        "odd_even_sigma", "secondary_sigma", "v_shape", "flags")
_HEADERS = {
    "kind": "Kind", "t_start": "Start", "t_end": "End", "t_peak": "Peak", "amplitude": "Amplitude",
    "snr": "SNR", "score": "Score", "period": "Period (d)", "t0": "T0", "duration": "Duration (d)",
    "depth": "Depth", "sde": "SDE", "n_transits": "Transits seen", "depth_err": "Depth error",
    "odd_even_sigma": "Odd/even (sigma)", "flags": "Flags", "equivalent_duration": "Equiv. duration (s)",
    "confidence": "Confidence", "min_period": "Min. period (d)", "asymmetry": "Asymmetry", "jump": "Jump",
    "verdict": "Verdict", "fap": "FAP", "secondary_sigma": "Secondary (sigma)", "v_shape": "V shape",
}
# Kind names contain each other ("transit" in "single_transit"): the kind filter matches whole names first.
_KIND_FILTER = {"filterOptions": ["equals", "contains", "notEqual"], "defaultOption": "equals"}
DEFAULT_COL_DEF = {"sortable": True, "filter": True, "resizable": True, "floatingFilter": True, "minWidth": 90}


def column_defs(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One sortable, filterable column per field; numbers get a number filter."""
    defs = []
    for column in frame.columns:
        numeric = column not in _TEXT_COLUMNS and pd.api.types.is_numeric_dtype(frame[column])
        defs.append({
            "field": column,
            "headerName": _HEADERS.get(column, column.replace("_", " ").capitalize()),
            "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter",
            **({"filterParams": _KIND_FILTER} if column == "kind" else {}),
            **({"valueFormatter": {"function": "params.value == null ? '' : d3.format('.6~g')(params.value)"}} if numeric else {}),
        })
    return defs


def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe records (NaN becomes empty, lists become text)."""
    clean = frame.copy()
    for column in clean.columns:
        if clean[column].map(lambda v: isinstance(v, (list, tuple))).any():
            clean[column] = clean[column].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    clean = clean.astype(object).where(pd.notna(clean), None)
    return [{k: _plain(v) for k, v in record.items()} for record in clean.to_dict("records")]


def events_grid(result: AnalysisResult) -> tuple[list[dict], list[dict]]:
    frame = result.events_frame()
    return rows(frame), column_defs(frame)


def confidence_filter(min_confidence: float) -> dict[str, Any]:
    """The events grid's filter model that hides events below `min_confidence` (none at 0)."""
    if not min_confidence:
        return {}
    return {"confidence": {"filterType": "number", "type": "greaterThanOrEqual", "filter": float(min_confidence)}}


def transits_grid(result: AnalysisResult) -> tuple[list[dict], list[dict]]:
    frame = result.transits_frame()
    frame = frame[[c for c in TRANSIT_GRID_COLUMNS if c in frame.columns]]
    return rows(frame), column_defs(frame)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
