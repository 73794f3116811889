"""K2 roll correction by self-flat-fielding (Vanderburg & Johnson 2014).

With two reaction wheels K2 rolled slowly about its boresight and fired its
thrusters every ~6 h to roll back. The star drifts along an arc on the detector,
and its flux changes with the position on that arc (intra-pixel and aperture
losses): a sawtooth of a few hundred ppm that hides shallow transits and mimics
short flares. Within a window short enough for the arc to stay put, the flux
divided by the star's own slow variability is a smooth function of the distance
along the arc; fitting and dividing out that function removes the sawtooth.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.stats import find_segments, point_to_point_std, robust_std
from core.trend.robust import short_trend

WINDOW_DAYS = 1.5  # the arc drifts over days: fit it afresh in windows this long
STAR_TREND_DAYS = 0.75  # the star's own variability, divided out before the fit
ARC_DEGREE = 3  # the arc's shape, as a polynomial across its main axis
FLUX_DEGREE = 5  # flux against arclength: few parameters, so the fit adds little noise
ITERATIONS = 3  # star trend and roll fit are refined in turn
CLIP_SIGMA = 3.0  # flares and outliers are left out of the roll fit
MIN_POINTS_PER_WINDOW = 30
GAP_DAYS = 0.5
MIN_NOISE_GAIN = 0.1  # the correction is kept only when it takes this much off the noise


@dataclass(frozen=True)
class RollCorrection:
    """The multiplicative correction (divide the flux by it) and how it went."""

    correction: np.ndarray
    windows: int
    noise_before_ppm: float
    noise_after_ppm: float

    @property
    def helps(self) -> bool:
        """Whether dividing by the correction lowered the point-to-point noise by MIN_NOISE_GAIN.

        Six free parameters per window take ~5% off pure noise at long cadence
        (~70 points per window) even when the centroids say nothing about the flux.
        """
        return self.windows > 0 and self.noise_after_ppm < (1.0 - MIN_NOISE_GAIN) * self.noise_before_ppm


def sff_correction(
    time: np.ndarray,
    flux: np.ndarray,
    centroid_col: np.ndarray,
    centroid_row: np.ndarray,
    mask: np.ndarray | None = None,
    window_days: float = WINDOW_DAYS,
) -> RollCorrection:
    """Fit flux against arclength along the centroid track in windows of `window_days`.

    `flux` is normalised (median 1). Points where `mask` is True, or whose centroid is
    not finite, are left out of every fit; every point with a finite centroid gets a
    correction (1 elsewhere). Noise figures are point-to-point, on residuals from the
    star's trend, so the caller can keep the correction only when it helps.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    col = np.asarray(centroid_col, dtype=np.float64)
    row = np.asarray(centroid_row, dtype=np.float64)
    if not (time.shape == flux.shape == col.shape == row.shape):
        raise ValueError("time, flux and both centroid arrays must have the same length")
    placed = np.isfinite(col) & np.isfinite(row) & np.isfinite(flux)
    usable = placed & (np.ones(time.size, dtype=bool) if mask is None else ~np.asarray(mask, dtype=bool))
    correction = np.ones(time.size)
    if usable.sum() < MIN_POINTS_PER_WINDOW:
        return RollCorrection(correction=correction, windows=0, noise_before_ppm=float("nan"),
                              noise_after_ppm=float("nan"))
    spans = _windows(time, window_days)
    before = float("nan")
    windows = 0
    for iteration in range(ITERATIONS):
        star, extreme = short_trend(time, flux / correction, STAR_TREND_DAYS, mask=~usable)
        relative = flux / star
        if iteration == 0:  # the uncorrected flux's own trend: the noise before
            before = _scatter_ppm(relative, usable & ~extreme)
        windows = 0
        for a, b in spans:
            fit = usable[a:b] & ~extreme[a:b]
            if fit.sum() < MIN_POINTS_PER_WINDOW:
                continue
            arc = _arclength(col[a:b], row[a:b], fit)
            if arc is None:
                continue
            model = _robust_polyval(arc, relative[a:b], fit, FLUX_DEGREE)
            here = placed[a:b]
            scale = float(np.median(model[fit]))
            # A fit gone wild on junk centroids (a non-positive or non-finite value) is not used.
            if not (np.isfinite(scale) and scale > 0 and np.all(np.isfinite(model[here]))
                    and model[here].min() > 0):
                continue
            correction[a:b] = np.where(here, model / scale, 1.0)
            windows += 1
    corrected = flux / correction
    star, extreme = short_trend(time, corrected, STAR_TREND_DAYS, mask=~usable)
    after = _scatter_ppm(corrected / star, usable & ~extreme)
    return RollCorrection(correction=correction, windows=windows, noise_before_ppm=before, noise_after_ppm=after)


def _windows(time: np.ndarray, width: float) -> list[tuple[int, int]]:
    """[start, stop) index ranges of about `width` days that never cross a data gap."""
    out = []
    for a, b in find_segments(time, GAP_DAYS):
        count = max(1, int(round((time[b - 1] - time[a]) / width)))
        edges = np.linspace(time[a], time[b - 1], count + 1)
        cuts = np.searchsorted(time[a:b], edges[1:-1]) + a
        bounds = np.concatenate(([a], cuts, [b]))
        out.extend((int(x), int(y)) for x, y in zip(bounds[:-1], bounds[1:]) if y > x)
    return out


def _arclength(col: np.ndarray, row: np.ndarray, fit: np.ndarray) -> np.ndarray | None:
    """Distance along the centroid track, from a polynomial fitted across its principal axis;
    None when the centroid did not move (nothing to fit against)."""
    centre = np.array([col[fit].mean(), row[fit].mean()])
    xy = np.column_stack((col, row)) - centre
    _, spread, axes = np.linalg.svd(xy[fit], full_matrices=False)
    if not np.isfinite(spread[0]) or spread[0] <= 1e-9 * max(1.0, float(np.abs(centre).max())):
        return None
    along, across = np.nan_to_num(xy @ axes[0]), np.nan_to_num(xy @ axes[1])
    shape = np.polyfit(along[fit], across[fit], ARC_DEGREE)
    grid = np.linspace(along[fit].min(), along[fit].max(), 256)
    speed = np.sqrt(1.0 + np.polyval(np.polyder(shape), grid) ** 2)
    distance = np.concatenate(([0.0], np.cumsum(0.5 * (speed[1:] + speed[:-1]) * np.diff(grid))))
    return np.interp(along, grid, distance)


def _robust_polyval(x: np.ndarray, y: np.ndarray, fit: np.ndarray, degree: int) -> np.ndarray:
    """A polynomial fitted to y(x) on `fit`, refitted twice without points beyond CLIP_SIGMA."""
    keep = fit.copy()
    span = float(np.ptp(x[fit])) or 1.0
    u = (x - x[fit].min()) / span  # a unit interval keeps the fit well conditioned
    coefficients = np.polyfit(u[keep], y[keep], degree)
    for _ in range(2):
        residual = y - np.polyval(coefficients, u)
        keep = fit & (np.abs(residual) < CLIP_SIGMA * robust_std(residual[fit]))
        if keep.sum() <= 2 * (degree + 1):
            break
        coefficients = np.polyfit(u[keep], y[keep], degree)
    # Outside the fitted arc the polynomial is not trusted: hold its edge values.
    return np.polyval(coefficients, np.clip(u, 0.0, 1.0))


def _scatter_ppm(relative: np.ndarray, keep: np.ndarray) -> float:
    """Point-to-point noise (ppm) of flux over the star's trend, on the points kept."""
    return float(point_to_point_std(relative[keep] - 1.0) * 1e6)
