"""Stretches where the noise itself grows: pointing jitter, scattered light, rolling bands.

No template names them (the mean does not move, so box filters and flare fits see
only noise), yet a user wants to know the data there are worse. Each point-to-point
difference of the residual measures the white noise; the median of their absolute
values over a window, against the curve's own, is a scatter ratio that a spotted
star's slow variability, a transit or a few flares hardly move (the median ignores
them, and differences ignore what is slow). A window is flagged when that ratio is
both large (MIN_RATIO) and far beyond what the curve's other windows show (DETECT_Z
in the larger of the sampling spread and the windows' own spread, so red noise
and a wandering K2 roll correction raise the bar with them). A deep transit the
short trend did not follow also has large differences at its ingress and egress:
a stretch whose residual is smooth (lag-one autocorrelation over MAX_COHERENCE) is
a shape, not noise, and is not reported.

The sampling spread of log(median |difference|) over n differences of white noise
is SAMPLING_SPREAD / sqrt(n) (measured by simulation: 1.20 at n = 24 to 1.28 at
n = 720; neighbouring differences share a point, hence more than the 1.17 of
independent ones).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.stats import flag_runs

SCALES_DAYS = (0.25, 1.0, 3.0)
MIN_DIFFERENCES = 24  # per window: a 30-min curve's 0.25-d window is raised to this
WINDOW_STEP_SHARE = 0.25
MIN_RATIO = 1.5
DETECT_Z = 5.0
SAMPLING_SPREAD = 1.3
CONTIGUOUS_CADENCES = 1.5
MAX_COHERENCE = 0.5  # lag-one autocorrelation over a stretch above which it is a shape, not noise
HALF_NORMAL_SQUARE = 1.0 / 0.6745**2  # mean of (|d| / median |d|)^2 for white noise


@dataclass(frozen=True)
class ScatterBurst:
    """A stretch whose point-to-point scatter is `ratio` times the curve's, `z` sampling spreads above it."""

    t_start: float
    t_end: float
    ratio: float
    z: float
    n_differences: int


def find_scatter_bursts(time: np.ndarray, residual: np.ndarray, usable: np.ndarray,
                        cadence: float) -> list[ScatterBurst]:
    """Stretches of raised white noise in `residual` (flux / trend - 1), from `usable` points only.

    Flares, outliers and transits should be left out of `usable`: their edges are
    large differences (the median mostly ignores a few, not a flare every hour).
    """
    points = np.flatnonzero(usable)
    if points.size < 2 * MIN_DIFFERENCES:
        return []
    steps = np.diff(residual[points])
    follows = np.diff(time[points]) <= CONTIGUOUS_CADENCES * cadence
    size = np.abs(steps[follows])
    where = points[:-1][follows]  # index of the first point of each difference
    typical = float(np.median(size))
    if size.size < 2 * MIN_DIFFERENCES or not typical > 0:
        return []
    best_ratio = np.zeros(size.size)
    for scale in SCALES_DAYS:
        n = max(MIN_DIFFERENCES, int(round(scale / cadence)))
        best_ratio = np.maximum(best_ratio, _flagged_ratio(size, typical, n))
    flagged = best_ratio > 0
    bursts = []
    contiguous = np.concatenate(([True], np.diff(where) * cadence <= scale_gap(cadence)))
    for run in flag_runs(flagged, contiguous):
        trimmed = _trimmed(size, *run, typical, float(best_ratio[run[0]:run[1]].max()))
        a, b = trimmed if _strength(size, *trimmed, typical)[1] >= DETECT_Z else run
        ratio, z = _strength(size, a, b, typical)
        if _coherence(time, residual, where[a], where[b - 1] + 1, cadence) > MAX_COHERENCE:
            continue  # a shape the trend did not follow (a deep transit's ingress and egress), not noise
        bursts.append(ScatterBurst(float(time[where[a]]), float(time[where[b - 1] + 1]), ratio, z, b - a))
    return bursts


def _coherence(time: np.ndarray, residual: np.ndarray, first: int, last: int, cadence: float) -> float:
    """Lag-one autocorrelation of the residual over points first..last: about 0 for noise, near 1 for a shape."""
    values = residual[first:last + 1] - np.median(residual[first:last + 1])
    follows = np.diff(time[first:last + 1]) <= CONTIGUOUS_CADENCES * cadence
    power = float(np.sum(values**2))
    return float(np.sum((values[1:] * values[:-1])[follows]) / power) if power > 0 else 0.0


def _strength(size: np.ndarray, a: int, b: int, typical: float) -> tuple[float, float]:
    """Scatter ratio of differences [a, b) and how many sampling spreads its log is above zero."""
    ratio = float(np.median(size[a:b]) / typical)
    return ratio, float(np.log(ratio) * np.sqrt(b - a) / SAMPLING_SPREAD)


def _trimmed(size: np.ndarray, a: int, b: int, typical: float, ratio: float) -> tuple[int, int]:
    """The part of a flagged run [a, b) the raised noise fills: a flagged window also holds quiet differences.

    The stretch maximising the sum of (|d| / typical)^2 less the geometric mean of
    its expectation for the curve's noise and for the strongest flagged window's
    `ratio` (a largest-sum subarray), so it ends where the noise falls back.
    """
    scaled = (size[a:b] / typical) ** 2
    score = scaled - HALF_NORMAL_SQUARE * ratio
    best, best_span, running, start = -np.inf, (a, b), 0.0, 0
    for i, value in enumerate(score):
        if running <= 0.0:
            running, start = 0.0, i
        running += value
        if running > best:
            best, best_span = running, (a + start, a + i + 1)
    return best_span


def scale_gap(cadence: float) -> float:
    """A burst does not run across a hole in the data longer than the shortest window."""
    return max(SCALES_DAYS[0], MIN_DIFFERENCES * cadence)


def _flagged_ratio(size: np.ndarray, typical: float, n: int) -> np.ndarray:
    """Per difference: the highest scatter ratio of the flagged windows of `n` differences holding it (0: none)."""
    out = np.zeros(size.size)
    if size.size < n:
        return out
    step = max(1, int(n * WINDOW_STEP_SHARE))
    starts = np.arange(0, size.size - n + 1, step)
    log_ratio = np.log(np.median(sliding_window_view(size, n)[starts], axis=1) / typical)
    centre = np.median(log_ratio)
    spread = max(1.4826 * float(np.median(np.abs(log_ratio - centre))), SAMPLING_SPREAD / np.sqrt(n))
    hits = np.flatnonzero((log_ratio >= np.log(MIN_RATIO)) & (log_ratio - centre >= DETECT_Z * spread))
    for index in hits[np.argsort(log_ratio[hits])]:  # strongest last, so it wins where windows overlap
        out[starts[index]:starts[index] + n] = np.exp(log_ratio[index])
    return out
