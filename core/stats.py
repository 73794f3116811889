"""Small statistics every stage needs: cadence, robust noise, runs of flagged points, gaps.

Kept free of any other core module so that readers, trends, detectors and the
pipeline can all use it without importing each other.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

MAD_TO_SIGMA = 1.482602218505602  # a Gaussian's sigma over its median absolute deviation


def cadence_days(time: np.ndarray) -> float:
    """Median spacing of the samples (days); NaN for fewer than two points."""
    time = np.asarray(time, dtype=np.float64)
    if time.size < 2:
        return float("nan")
    return float(np.median(np.diff(time)))


def robust_std(values: np.ndarray) -> float:
    """Standard deviation estimated from the median absolute deviation (NaNs ignored)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan")
    return float(MAD_TO_SIGMA * np.median(np.abs(values - np.median(values))))


def point_to_point_std(values: np.ndarray) -> float:
    """White-noise level from differences of neighbours: blind to slow variability."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size < 3:
        return robust_std(values)
    return robust_std(np.diff(values)) / np.sqrt(2.0)


def cdpp_ppm(residual: np.ndarray, cadence: float, duration_hours: float = 1.0) -> float:
    """Combined-differential-photometric-precision-like figure (ppm).

    The robust scatter of the residual averaged over `duration_hours`: the noise a
    transit of that duration has to beat. Kepler quotes it for 6.5 h, TESS for 1 h.
    """
    residual = np.asarray(residual, dtype=np.float64)
    residual = residual[np.isfinite(residual)]
    n_per_bin = max(1, int(round(duration_hours / 24.0 / cadence)))
    n_bins = residual.size // n_per_bin
    if n_bins < 3:
        return float("nan")
    binned = residual[: n_bins * n_per_bin].reshape(n_bins, n_per_bin).mean(axis=1)
    return robust_std(binned) * 1e6


def find_segments(time: np.ndarray, gap_days: float | None = None) -> list[tuple[int, int]]:
    """Index ranges [start, stop) of stretches without gaps longer than `gap_days`.

    The default gap is the larger of half a day and five cadences: a trend must not
    be carried across a downlink or a safe mode, where the flux level often jumps.
    """
    time = np.asarray(time, dtype=np.float64)
    if time.size == 0:
        return []
    if gap_days is None:
        cadence = cadence_days(time) if time.size > 1 else 0.0
        gap_days = max(0.5, 5.0 * cadence)
    breaks = np.flatnonzero(np.diff(time) > gap_days) + 1
    edges = np.concatenate(([0], breaks, [time.size]))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def flag_runs(flags: np.ndarray, contiguous: np.ndarray | None = None) -> list[tuple[int, int]]:
    """[start, stop) index ranges of consecutive True values.

    `contiguous[i]` says whether point i follows on from point i - 1 (no gap in
    time between them); a run also ends where it is False. Without it every point
    follows on from the one before.
    """
    flags = np.asarray(flags, dtype=bool)
    continues = flags & np.concatenate(([False], flags[:-1]))
    if contiguous is not None:
        continues &= np.asarray(contiguous, dtype=bool)
    starts = np.flatnonzero(flags & ~continues)
    stops = np.flatnonzero(flags & ~np.concatenate((continues[1:], [False]))) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops)]


def span_mask(time: np.ndarray, spans: Iterable[Any]) -> np.ndarray:
    """True on the points of `time` within any span's [t_start, t_end] (events, or anything with both)."""
    mask = np.zeros(time.size, dtype=bool)
    for span in spans:
        mask[np.searchsorted(time, span.t_start):np.searchsorted(time, span.t_end, side="right")] = True
    return mask


def pad_mask(mask: np.ndarray, width: int) -> np.ndarray:
    """A boolean mask grown by `width` points on each side (a new array)."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any() or width <= 0:
        return mask.copy()
    before = np.concatenate(([0], np.cumsum(mask)))
    index = np.arange(mask.size)
    return before[np.minimum(index + width + 1, mask.size)] - before[np.maximum(index - width, 0)] > 0
