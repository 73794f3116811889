"""What the analysis page does, as plain functions: settings -> config, cached runs, views.

The page's callbacks only pass values in and out of these, so they can be tested
without a browser or a running server.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any, Callable

import plotly.graph_objects as go

from core.config import AnalysisConfig
from core.prepare import describe_roll_correction
from core.pipeline import analyze
from core.result import AnalysisResult
from dashapp import figures, tables
from dashapp.lru import LRU
from dashapp.results import ResultCache, result_key
from dashapp.store import CurveStore

VIEWS_LRU_SIZE = 16  # results whose figures a worker keeps ready (~1 MB each)

# Form field -> AnalysisConfig field.
FORM_FIELDS = {
    "contamination": "contamination",
    "window_size": "window_size",
    "vote_threshold": "vote_threshold",
    "detectors": "detectors",
    "detrend_window": "detrend_window_days",
    "model_id": "model_id",
    "k2_roll": "k2_roll_correction",
}


def build_config(form: dict[str, Any]) -> AnalysisConfig:
    """AnalysisConfig from the form's raw values; ConfigError names the bad field."""
    values = {FORM_FIELDS[name]: value for name, value in form.items() if name in FORM_FIELDS}
    if values.get("detectors") is not None:
        values["detectors"] = tuple(values["detectors"])
    return AnalysisConfig.from_mapping(values)


@dataclass(frozen=True)
class Plan:
    """Where an analysis request goes: straight to the cache, or to a background job."""

    key: str
    cached: bool


def plan(results: ResultCache, curve_hash: str, config: AnalysisConfig) -> Plan:
    key = result_key(curve_hash, config)
    return Plan(key=key, cached=results.has(key))


def run(store: CurveStore, results: ResultCache, sid: str, curve_hash: str, config: AnalysisConfig,
        model: Any = None, progress: Callable[[float, str], None] | None = None) -> str:
    """Analyse a stored curve (or take the cached result) and return the result's cache key.

    `model` is the fitted ensemble named by config.model_id (None: fit on this curve).
    """
    lc = store.load(sid, curve_hash)
    if lc is None:
        raise LookupError("this curve is no longer stored for your session; upload it again")
    key = result_key(curve_hash, config)
    results.get_or_compute(key, lambda: analyze(lc, config, progress=progress, model=model))
    return key


@dataclass(frozen=True)
class Views:
    """Everything the page shows for one result."""

    lightcurve: go.Figure
    detrended: go.Figure
    periodogram: go.Figure
    folds: list[go.Figure]
    events_rows: list[dict]
    events_columns: list[dict]
    transits_rows: list[dict]
    transits_columns: list[dict]
    summary: str


def views(result: AnalysisResult) -> Views:
    events_rows, events_columns = tables.events_grid(result)
    transits_rows, transits_columns = tables.transits_grid(result)
    return Views(
        lightcurve=figures.lightcurve_figure(result),
        detrended=figures.detrended_figure(result),
        periodogram=figures.periodogram_figure(result),
        folds=[figures.phase_fold_figure(result, c, n) for n, c in enumerate(result.transits, start=1)],
        events_rows=events_rows,
        events_columns=events_columns,
        transits_rows=transits_rows,
        transits_columns=transits_columns,
        summary=summary_text(result),
    )


def cached_views(results: ResultCache, memo: LRU[str, Views], key: str) -> Views | None:
    """The views of a cached result, built once per worker while it stays among the recent ones.

    Building the figures (plotly validates every property) costs ~70 ms, far more than
    reading the result, and every visitor who opens the same result would pay it again.
    """
    found = memo.get(key)
    if found is None:
        result = results.get(key)
        if result is None:
            return None
        found = views(result)
        memo.put(key, found)
    return found


def summary_text(result: AnalysisResult) -> str:
    counts = result.counts()
    found = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n) or "no events"
    timings = result.timings or {}
    total = timings.get("total", sum(timings.values()))
    planets = len(result.transits)
    roll = describe_roll_correction(result.meta.get("k2_roll_correction"))
    return (f"{result.n_points:,} points analysed: {found}; {planets} transit candidate"
            f"{'s' if planets != 1 else ''}. {roll + ' ' if roll else ''}Analysis took {total:.2f} s.")


def export(result: AnalysisResult, what: str, stem: str) -> dict[str, Any]:
    """dcc.Download data for the events CSV, the transits CSV or the full JSON."""
    if what == "json":
        return {"content": json.dumps(result.to_dict(), indent=2), "filename": f"{stem}-result.json",
                "type": "application/json"}
    frame = result.events_frame() if what == "events" else result.transits_frame()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return {"content": buffer.getvalue(), "filename": f"{stem}-{what}.csv", "type": "text/csv"}


def file_stem(meta: dict[str, Any]) -> str:
    """A download file name stem from the target name: letters, digits, '-' and '_' only."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(meta.get("target") or "lightcurve")).strip("_")
    return stem[:60] or "lightcurve"


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
