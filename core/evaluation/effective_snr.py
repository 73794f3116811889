"""Effective SNR: a signal's depth against the noise a detector meets on the signal's own timescale.

White-noise SNR (depth / sigma * sqrt(points)) assumes the noise averages down
as 1/sqrt(points). Spots, red noise, roll and ramps do not, so that SNR promises
planets a detector cannot see. Like Kepler's MES, the effective SNR divides the
depth by the scatter of the light curve averaged over one transit duration,
after flattening it with a running mean three durations long (what any
detrender leaves at that timescale), measured on the same curve without the
signal.
"""
from __future__ import annotations

import math

import numpy as np

from core.stats import cadence_days, robust_std

FLATTEN_DURATIONS = 3.0  # the running mean that flattens the curve is this many durations long
MIN_FILL = 0.5  # a window with less than this share of its cadences (gaps, edges) is not used


def duration_scatter(time: np.ndarray, flux: np.ndarray, duration: float) -> float:
    """The noise of a `duration`-long average, in units that white noise of sigma per point makes
    sigma / sqrt(points per duration).

    The flux, minus its running mean over FLATTEN_DURATIONS durations, is averaged
    over one duration around every cadence; the robust scatter of those averages
    is divided by the white-noise gain of the same two filters (subtracting the
    long mean also removes some white noise), so white noise gives exactly the
    white-noise answer and anything above it is correlated noise. NaN when too
    few windows are filled.
    """
    time = np.asarray(time, dtype=float)
    flux = np.asarray(flux, dtype=float)
    cadence = cadence_days(time)
    if not (duration > 0 and np.isfinite(cadence) and cadence > 0):
        return float("nan")
    long_mean, long_count = _running_mean(time, flux, FLATTEN_DURATIONS * duration)
    average, count = _running_mean(time, flux - long_mean, duration)
    filled = (count >= MIN_FILL * _window_points(duration, cadence)) & (
        long_count >= MIN_FILL * _window_points(FLATTEN_DURATIONS * duration, cadence))
    if np.count_nonzero(filled) < 10:
        return float("nan")
    per_duration = duration / cadence
    return robust_std(average[filled]) / math.sqrt(_white_gain(duration, cadence) * per_duration)


def effective_snr(depth: float, points_in_signal: int, duration: float, cadence: float, scatter: float) -> float:
    """depth * sqrt(N) / scatter, where N = points in the signal / points per duration: the number of
    transits with data, each counted by the share of it that has data."""
    if not (scatter > 0 and duration > 0):
        return float("nan")
    return abs(depth) * math.sqrt(points_in_signal * cadence / duration) / scatter


def _running_mean(time: np.ndarray, values: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean of `values` over |t - t_i| <= width / 2 around every cadence, and how many points it used."""
    total = np.concatenate(([0.0], np.cumsum(values)))
    low = np.searchsorted(time, time - width / 2, side="left")
    high = np.searchsorted(time, time + width / 2, side="right")
    count = high - low
    return (total[high] - total[low]) / count, count


def _window_points(width: float, cadence: float) -> int:
    """Cadences in a centred window of `width` on a regular grid."""
    return 2 * int(math.floor(width / 2 / cadence + 1e-9)) + 1


def _white_gain(duration: float, cadence: float) -> float:
    """Sum of squared weights of "average over one duration of (flux - its long running mean)" on a
    regular grid: the variance that filter leaves of unit white noise."""
    short = np.full(_window_points(duration, cadence), 1.0 / _window_points(duration, cadence))
    n_long = _window_points(FLATTEN_DURATIONS * duration, cadence)
    flatten = -np.full(n_long, 1.0 / n_long)
    flatten[n_long // 2] += 1.0
    return float(np.sum(np.convolve(short, flatten) ** 2))
