"""Everything the analysis page shows for one result: figures, grid rows and a one-line summary."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from core.prepare import describe_roll_correction
from core.result import AnalysisResult
from dashapp.infra.lru import LRU
from dashapp.views import figures, tables

VIEWS_LRU_SIZE = 16  # results whose figures a worker keeps ready (~1 MB each)


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


def build_views(result: AnalysisResult) -> Views:
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


def cached_views(results: Any, memo: LRU[str, Views], key: str) -> Views | None:
    """The views of a cached result (`results.get(key)`), built once per worker while it stays among the recent ones.

    Building the figures (plotly validates every property) costs ~70 ms, far more than
    reading the result, and every visitor who opens the same result would pay it again.
    """
    found = memo.get(key)
    if found is None:
        result = results.get(key)
        if result is None:
            return None
        found = build_views(result)
        memo.put(key, found)
    return found


def summary_text(result: AnalysisResult) -> str:
    counts = result.counts()
    found = figures.count_phrase(counts) or "no events"
    timings = result.timings or {}
    total = timings.get("total", sum(timings.values()))
    planets = len(result.transits)
    roll = describe_roll_correction(result.meta.get("k2_roll_correction"))
    return (f"{result.n_points:,} points analysed: {found}; {planets} transit candidate"
            f"{'s' if planets != 1 else ''}. {roll + ' ' if roll else ''}Analysis took {total:.2f} s.")
