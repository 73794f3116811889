"""Which time range the light-curve plot shows: after a zoom on the plot, or on a selected event."""
from __future__ import annotations

from typing import Any

NO_CHANGE = object()  # a relayout that did not move the time axis (pan mode, y zoom, resize)


def relayout_range(relayout: Any) -> list[float] | None | object:
    """The time range a plotly relayout event asks for: a range, None (zoomed out), or NO_CHANGE
    (also for an event plotly never sends, whose range is not two numbers)."""
    if not isinstance(relayout, dict):
        return NO_CHANGE
    try:
        if "xaxis.range[0]" in relayout and "xaxis.range[1]" in relayout:
            return [float(relayout["xaxis.range[0]"]), float(relayout["xaxis.range[1]"])]
        if "xaxis.range" in relayout:
            start, end = relayout["xaxis.range"]
            return [float(start), float(end)]
    except (TypeError, ValueError):
        return NO_CHANGE
    if relayout.get("xaxis.autorange"):
        return None
    return NO_CHANGE


def zoom_range(row: dict[str, Any], pad_fraction: float = 2.0) -> list[float] | None:
    """x-range showing one event (its span plus `pad_fraction` of it, at least 0.2 d each side)."""
    try:
        start, end = float(row["t_start"]), float(row["t_end"])
    except (KeyError, TypeError, ValueError):
        return None
    pad = max((end - start) * pad_fraction, 0.2)
    return [start - pad, end + pad]
