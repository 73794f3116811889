"""A trend for fast, strongly spotted rotators: the star's own light curve one and two rotations away.

A local polynomial short enough to follow a rotation of a day or two also follows
(and eats) a transit of a few hours. The spot pattern, though, repeats from one
rotation to the next while a planet's transits, at an unrelated period, do not. So
the trend at time t is the median of the (lightly smoothed) flux at t +- P and
t +- 2P: built only from other rotations, it keeps the dip at t, and the median of
four shrugs off a transit or flare in one of them. Slow spot evolution and
instrumental drifts are what is left for an ordinary detrend afterwards.

Where the spots change within a rotation or two the neighbours disagree and the
trend there cannot be trusted; `rotation_trend` also returns the estimates'
spread so a search can give those points less weight.
"""
from __future__ import annotations

import numpy as np

from core.stats import cadence_days

CYCLE_OFFSETS = (-2, -1, 1, 2)
MAX_GAP_CADENCES = 2.5  # no interpolation across a gap wider than this
SMOOTH_HOURS = 1.0  # running mean applied before interpolating, so the trend adds little white noise


def rotation_trend(
    time: np.ndarray, flux: np.ndarray, period: float, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(trend, spread) of `flux` from the neighbouring rotations (both NaN where none has data).

    `spread` is the standard deviation of the rotations' estimates (0 with only one).
    `mask` marks points to keep out of the model (flares, outliers, known transits).
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    if not period > 0:
        raise ValueError(f"rotation period must be positive, got {period}")
    usable = np.isfinite(flux)
    if mask is not None:
        usable &= ~np.asarray(mask, dtype=bool)
    t, f = time[usable], flux[usable]
    out = np.full(time.size, np.nan)
    spread = np.full(time.size, np.nan)
    if t.size < 3:
        return out, spread
    cadence = cadence_days(t)
    smooth = _running_mean(t, f, max(SMOOTH_HOURS / 24.0, 3.0 * cadence))
    estimates = np.stack([_interpolate(t, smooth, time + k * period, MAX_GAP_CADENCES * cadence)
                          for k in CYCLE_OFFSETS])
    has_any = np.isfinite(estimates).any(axis=0)
    out[has_any] = np.nanmedian(estimates[:, has_any], axis=0)
    spread[has_any] = np.nanstd(estimates[:, has_any], axis=0)
    return out, spread


def _running_mean(t: np.ndarray, f: np.ndarray, width: float) -> np.ndarray:
    """Mean of the points within +-width/2 of each point (sorted `t`)."""
    total = np.concatenate(([0.0], np.cumsum(f)))
    lo = np.searchsorted(t, t - width / 2.0, side="left")
    hi = np.searchsorted(t, t + width / 2.0, side="right")
    return (total[hi] - total[lo]) / (hi - lo)


def _interpolate(t: np.ndarray, f: np.ndarray, target: np.ndarray, max_gap: float) -> np.ndarray:
    """Linear interpolation of (t, f) at `target`, NaN outside the data or inside a gap wider than `max_gap`."""
    right = np.searchsorted(t, target, side="left")
    inside = (right > 0) & (right < t.size)
    right = np.clip(right, 1, t.size - 1)
    left = right - 1
    exact = t[np.clip(right, 0, t.size - 1)] == target
    gap = t[right] - t[left]
    valid = (inside & (gap <= max_gap)) | exact
    weight = np.where(gap > 0, (target - t[left]) / np.where(gap > 0, gap, 1.0), 0.0)
    value = f[left] + weight * (f[right] - f[left])
    return np.where(valid, value, np.nan)
