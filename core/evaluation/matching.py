"""Matching detections to injected signals: pure functions the tests pin with hand-made lists.

A detection of a flare, outlier or transit event matches an injected one when the
injected t_peak lies within [t_start - cadence, t_end + cadence] of the detection.
"""
from __future__ import annotations

from typing import Any, Sequence

from core.result import Event

PERIOD_TOLERANCE = 0.01


def period_match(true_period: float, periods: Sequence[float], tolerance: float = PERIOD_TOLERANCE) -> str:
    """"found" if a period is within `tolerance` of the truth, else "alias" for P/2 or 2P, else "missed"."""
    def near(target: float) -> bool:
        return any(abs(p / target - 1.0) <= tolerance for p in periods)

    if near(true_period):
        return "found"
    if near(true_period / 2) or near(true_period * 2):
        return "alias"
    return "missed"


def peak_in(t_peak: float, t_start: float, t_end: float, cadence: float) -> bool:
    """True when an injected peak lies within a detection's extent widened by one cadence."""
    return t_start - cadence <= t_peak <= t_end + cadence


def match_events(
    truths: Sequence[dict[str, Any]], detections: Sequence[Event], cadence: float
) -> tuple[list[bool], list[bool]]:
    """(per truth: found by some detection, per detection: matches some truth)."""
    found = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for d in detections) for t in truths]
    true = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for t in truths) for d in detections]
    return found, true


def runs_touching(
    truths: Sequence[dict[str, Any]], runs: Sequence[tuple[float, float]]
) -> tuple[list[bool], list[bool]]:
    """For the seed-style method's untyped runs: (per truth: overlapped by a run, per run: overlaps a truth)."""
    def overlap(t: dict[str, Any], run: tuple[float, float]) -> bool:
        return run[0] <= t["t_end"] and t["t_start"] <= run[1]

    touched = [any(overlap(t, r) for r in runs) for t in truths]
    true = [any(overlap(t, r) for t in truths) for r in runs]
    return touched, true


def bin_of(value: float, bins: Sequence[tuple[str, float, float]]) -> str:
    """Name of the [low, high) bin holding `value`."""
    return next(name for name, low, high in bins if low <= value < high)
