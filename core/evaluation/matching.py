"""Matching detections to injected signals: pure functions the tests pin with hand-made lists.

A detection of a flare or transit event matches an injected one when the
injected t_peak lies within [t_start - cadence, t_end + cadence] of the detection.
An outlier matches when the detection overlaps its cadences widened by one (a
glitch is flat: any of its cadences is its peak; for one cadence the two rules
agree). Longer events (single transits, dips, brightenings, steps, oscillation bursts,
and anything an `anomaly` may point at) match when the detection overlaps the
injected span widened by one cadence.
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


def overlaps(detection: Event, truth: dict[str, Any], cadence: float) -> bool:
    """True when a detection overlaps an injected event's span widened by one cadence on each side."""
    return detection.t_start <= truth["t_end"] + cadence and truth["t_start"] - cadence <= detection.t_end


def near_known(detection: Event, known: Sequence[tuple[float, float]], cadence: float) -> bool:
    """True when a detection, widened by one cadence, touches a signal the real curve already had."""
    return any(detection.t_start - cadence <= b and a <= detection.t_end + cadence for a, b in known)


def match_events(
    truths: Sequence[dict[str, Any]], detections: Sequence[Event], cadence: float
) -> tuple[list[bool], list[bool]]:
    """(per truth: found by some detection, per detection: matches some truth)."""
    found = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for d in detections) for t in truths]
    true = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for t in truths) for d in detections]
    return found, true


def match_spans(
    truths: Sequence[dict[str, Any]], detections: Sequence[Event], cadence: float
) -> tuple[list[bool], list[bool]]:
    """Like match_events, by overlap of the injected span widened by one cadence."""
    found = [any(overlaps(d, t, cadence) for d in detections) for t in truths]
    true = [any(overlaps(d, t, cadence) for t in truths) for d in detections]
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
