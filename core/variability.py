"""The star's own periodicity (rotation), from a Lomb-Scargle periodogram of the raw flux.

Used to veto transit candidates at the rotation period or its half or double: a
spotted star's residual minima repeat at exactly those periods.
"""
from __future__ import annotations

import numpy as np
from astropy.timeseries import LombScargle

from core.preprocess import detrend

MIN_PERIOD_DAYS = 0.1
BIN_DAYS = 1.0 / 48.0  # 30-min bins are plenty for periods above a few hours
HIGH_PASS_DAYS = 4.0  # slow drifts and level jumps between segments are removed first


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
    flux = flux / detrend(time, flux, HIGH_PASS_DAYS, degree=1)
    index = np.floor((time - time[0]) / BIN_DAYS).astype(np.int64)
    counts = np.bincount(index)
    keep = counts > 0
    tb = np.bincount(index, weights=time)[keep] / counts[keep]
    fb = np.bincount(index, weights=flux)[keep] / counts[keep]
    frequency = np.linspace(2.0 / span, 1.0 / MIN_PERIOD_DAYS, 20_000)
    power = LombScargle(tb, fb).power(frequency, method="fast")
    best = int(np.argmax(power))
    return float(1.0 / frequency[best]), float(power[best])
