"""The noise a plain detector sees: the scatter left by a running mean three widths long.

The event-preserving trend (trend.py) follows spots and drifts better than a
running mean, so on a quiet star its residual is the better noise. On a spotted
star it is too good: its robust scatter comes from the stretches between spots,
and every spot minimum it cannot follow stands many of those sigmas out. The
running mean's scatter is what such a star looks like on that timescale to any
detector that does not know where the events are; that is the floor for the
width's correlated noise (as in Kepler's MES and our evaluation's effective SNR).

Big events must not count as the star's own scatter: a 3-day brightening would
swell the yardstick at every width. The scan bridges over those that stand out
overwhelmingly against the trend's own noise before the yardstick is measured
(scan.py); others are replaced by the event-preserving trend where the box filter
finds them significant against the yardstick itself, and the yardstick measured
again until that stops changing, so only what stands far out of the star's own
variability is taken out.
"""
from __future__ import annotations

import numpy as np

from core.detect.unusual.grid import Grid, centred, window_sums
from core.detect.unusual.trend import pieces
from core.detect.unusual.matched import MIN_COVERAGE, BoxFilter, box_noise, cover, runs_beyond

RUNNING_MEAN_WIDTHS = 3
MAX_ROUNDS = 4
OUTSTANDING_SIGMA = 30.0  # far beyond what a spotted star's own features reach against the trend's noise


def yardstick_red(grid: Grid, trend: np.ndarray, box: BoxFilter, masked: np.ndarray, length: int,
                  sigma_white: float, threshold: float, breaks: tuple[int, ...] = ()) -> float:
    """The correlated noise at this width as the running mean leaves it, big events replaced by `trend`.

    Replaced are the masked windows beyond `threshold` against the yardstick itself.
    """
    replaced = np.zeros(masked.size, dtype=bool)
    red = 0.0
    for _ in range(MAX_ROUNDS):
        flux = np.where(replaced, trend, grid.flux)
        means = _box_means(_running_mean_residual(grid, flux, RUNNING_MEAN_WIDTHS * length, breaks), grid.count,
                           length, box.full)
        # Subtracting a mean over three widths also takes a third of the white noise's variance off the box mean.
        noise = box_noise(means / np.sqrt(1.0 - 1.0 / RUNNING_MEAN_WIDTHS), box.full, sigma_white)
        red = noise.red
        snr = np.where(np.isfinite(box.mean), np.nan_to_num(box.mean) / noise.sigma(box.n), 0.0)
        grown = masked & cover(runs_beyond(snr, threshold), length, masked.size)
        if np.array_equal(grown, replaced):
            break
        replaced = grown
    return red


def _running_mean_residual(grid: Grid, flux: np.ndarray, length: int, breaks: tuple[int, ...]) -> np.ndarray:
    """flux over its count-weighted running mean of `length` bins, minus 1, on each piece between gaps and
    `breaks` as the trends are (NaN where the mean has no data)."""
    length += 1 - length % 2  # odd, so it is centred
    out = np.full(flux.size, np.nan)
    filled = grid.count > 0
    weighted = np.where(filled, flux * grid.count, 0.0)
    for lo, hi in pieces(grid, breaks):
        if hi - lo < length:
            continue
        total = centred(window_sums(weighted[lo:hi], length), length, hi - lo, np.nan)
        count = centred(window_sums(grid.count[lo:hi], length), length, hi - lo, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[lo:hi] = flux[lo:hi] / (total / count) - 1.0
    return out


def _box_means(values: np.ndarray, count: np.ndarray, length: int, full: float) -> np.ndarray:
    """Count-weighted means of `values` over windows of `length` bins (NaN where under MIN_COVERAGE)."""
    usable = (count > 0) & np.isfinite(values)
    weight = np.where(usable, count, 0.0)
    sums = centred(window_sums(np.where(usable, values * count, 0.0), length), length, values.size, 0.0)
    n = centred(window_sums(weight, length), length, values.size, 0.0)
    return np.where(n >= MIN_COVERAGE * full, sums / np.where(n > 0, n, 1.0), np.nan)
