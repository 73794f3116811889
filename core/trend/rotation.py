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

`rotation_period` finds P: the strongest Lomb-Scargle periodicity of the flux. The
pipeline also uses it to veto transit candidates at the rotation period or its half
or double, where a spotted star's residual minima repeat.
"""
from __future__ import annotations

import numpy as np
from astropy.timeseries import LombScargle

from core.stats import cadence_days
from core.trend.robust import biweight_trend

CYCLE_OFFSETS = (-2, -1, 1, 2)
MAX_GAP_CADENCES = 2.5  # no interpolation across a gap wider than this
SMOOTH_HOURS = 1.0  # running mean applied before interpolating, so the trend adds little white noise
MIN_PERIOD_DAYS = 0.1  # shortest rotation period looked for
BIN_DAYS = 1.0 / 48.0  # 30-min bins are plenty for periods above a few hours
HIGH_PASS_DAYS = 4.0  # slow drifts and level jumps between segments are removed first


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


def rotation_period(time: np.ndarray, flux: np.ndarray) -> tuple[float, float]:
    """(period in days, normalised Lomb-Scargle power) of the strongest periodicity.

    Searches from MIN_PERIOD_DAYS to half the time span on 30-min binned flux,
    after dividing out a slow gap-aware trend: level jumps between segments and
    drifts would otherwise win the periodogram at long periods.
    Returns (nan, 0) for curves too short to tell.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    span = float(time[-1] - time[0]) if time.size > 1 else 0.0
    if time.size < 20 or span < 4 * MIN_PERIOD_DAYS:
        return float("nan"), 0.0
    flux = flux / biweight_trend(time, flux, HIGH_PASS_DAYS, degree=1)
    index = np.floor((time - time[0]) / BIN_DAYS).astype(np.int64)
    counts = np.bincount(index)
    keep = counts > 0
    tb = np.bincount(index, weights=time)[keep] / counts[keep]
    fb = np.bincount(index, weights=flux)[keep] / counts[keep]
    frequency = np.linspace(2.0 / span, 1.0 / MIN_PERIOD_DAYS, 20_000)
    power = LombScargle(tb, fb).power(frequency, method="fast")
    best = int(np.argmax(power))
    return float(1.0 / frequency[best]), float(power[best])


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
