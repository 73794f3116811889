"""The robust local trend: a biweight-weighted local polynomial, and the short trend built on it.

Nothing here deletes outliers: detectors need them. The fit is robust instead
(biweight weights), so flares, dips and glitches barely pull the trend, and it can
be told which points to ignore (found transits, flares) and run again.
"""
from __future__ import annotations

import numpy as np

from core.stats import cadence_days, find_segments, pad_mask, robust_std

BIWEIGHT_C = 5.0  # tuning constant in units of MAD, as used for transit-preserving detrending
BIWEIGHT_ITERATIONS = 5
# Dense data are reduced to bin medians first: ~64 per window is plenty to follow a
# trend, and the medians already shrug off flares and single spikes.
POINTS_PER_WINDOW = 64
DEFAULT_WINDOW_DAYS = 0.75  # ~3x the longest transit: keeps it
SHORT_TREND_WINDOW_DAYS = 0.3  # follows 1-day rotation under a flare
EXTREME_SIGMA = 4.5  # points kept out of the short trend's second fit (flare peaks, spikes, glitches)


def biweight_trend(
    time: np.ndarray,
    flux: np.ndarray,
    window_days: float = DEFAULT_WINDOW_DAYS,
    mask: np.ndarray | None = None,
    degree: int = 0,
    gap_days: float | None = None,
) -> np.ndarray:
    """Robust trend of `flux`, evaluated at every point.

    Within each gap-free segment a biweight-weighted local polynomial (degree 0: the
    biweight location; degree 2: follows curvature of fast rotators) is fitted in a
    sliding window of `window_days`, on a grid of knots an eighth of a window apart,
    and interpolated. Points where `mask` is True are ignored by the fit (they still
    get a trend value). A window should be ~3x the longest transit to keep it.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    usable = np.isfinite(flux)
    if mask is not None:
        usable &= ~np.asarray(mask, dtype=bool)
    trend = np.full(time.size, np.nan)
    for start, stop in find_segments(time, gap_days):
        t, f, ok = time[start:stop], flux[start:stop], usable[start:stop]
        if ok.sum() < 3:
            # Too little to fit: fall back to the segment's median, or the global one.
            fallback = np.nanmedian(f[ok]) if ok.any() else np.nanmedian(flux[usable])
            trend[start:stop] = fallback
            continue
        tt, ff = t[ok], f[ok]
        cadence = cadence_days(tt) if tt.size > 1 else window_days
        bin_width = window_days / POINTS_PER_WINDOW
        if bin_width > 1.5 * cadence:
            tt, ff = _binned_medians(tt, ff, bin_width)
        knots, values = _fit_on_knots(tt, ff, window_days, degree)
        trend[start:stop] = np.interp(t, knots, values)
    return trend


def short_trend(
    time: np.ndarray, flux: np.ndarray, window_days: float = SHORT_TREND_WINDOW_DAYS, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(trend, extreme): a quadratic trend short enough to follow ~1-day rotation under a
    flare, fitted a second time without the points beyond EXTREME_SIGMA.

    At long cadence a window holds ~15 points and a spike or glitch pulls a quadratic
    enough to lift its own neighbours past 3 sigma. Flare, outlier and anomaly
    detection (and the anomaly models' training) all work on residuals from this.
    """
    usable = np.ones(len(time), dtype=bool) if mask is None else ~np.asarray(mask, dtype=bool)
    trend = biweight_trend(time, flux, window_days, degree=2, mask=~usable)
    residual = flux / trend - 1.0
    extreme = np.abs(residual) > EXTREME_SIGMA * robust_std(residual[usable])
    if extreme.any():
        trend = biweight_trend(time, flux, window_days, degree=2, mask=~usable | pad_mask(extreme, 1))
    return trend, extreme


def _fit_on_knots(t: np.ndarray, f: np.ndarray, window: float, degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Biweight local-polynomial value at knots spanning [t0, t1] (all points usable)."""
    cadence = cadence_days(t) if t.size > 1 else window
    spacing = max(window / 8.0, cadence)
    n_knots = max(2, int(np.ceil((t[-1] - t[0]) / spacing)) + 1)
    knots = np.linspace(t[0], t[-1], n_knots)
    lo = np.searchsorted(t, knots - window / 2.0, side="left")
    hi = np.searchsorted(t, knots + window / 2.0, side="right")
    width = int((hi - lo).max())
    index = lo[:, None] + np.arange(width)[None, :]
    inside = index < hi[:, None]
    index = np.minimum(index, t.size - 1)
    values = np.where(inside, f[index], np.nan)
    dt = np.where(inside, t[index] - knots[:, None], 0.0)

    counts = inside.sum(axis=1)
    location = _row_median(values, counts)
    # The biweight scale is fixed from the first MAD: re-estimating it every
    # iteration costs a sort per pass and changes the trend by far less than the noise.
    mad = _row_median(np.abs(values - location[:, None]), counts)
    # A window of identical values has no spread: any positive scale then gives weight 1.
    mad = np.where(mad > 0, mad, 1.0)
    scale = (BIWEIGHT_C * mad)[:, None]
    y = np.where(inside, values, 0.0)
    coeffs = np.zeros((values.shape[0], degree + 1))
    coeffs[:, 0] = location
    for _ in range(BIWEIGHT_ITERATIONS):
        u = np.clip((y - _polyval(coeffs, dt)) / scale, -1.0, 1.0)
        weight = np.where(inside, (1.0 - u * u) ** 2, 0.0)
        updated = _weighted_polyfit(dt, y, weight, degree)
        # A window whose points all fell outside the biweight keeps its last fit.
        supported = weight.sum(axis=1) > 0
        coeffs[supported] = updated[supported]
    # Inside a segment a knot needs data on both sides: at the edge of a masked
    # stretch a one-sided polynomial would extrapolate. Such knots are left out and
    # the trend is interpolated across them; the segment's end knots are kept.
    both_sides = ((dt < 0) & inside).any(axis=1) & ((dt > 0) & inside).any(axis=1)
    both_sides[[0, -1]] = True
    keep = (counts > 0) & both_sides
    return knots[keep], coeffs[keep, 0]


def _binned_medians(t: np.ndarray, f: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Median time and flux in consecutive bins of `width` days (empty bins skipped)."""
    bins = np.floor((t - t[0]) / width).astype(np.int64)
    order = np.lexsort((f, bins))
    sorted_bins, sorted_f = bins[order], f[order]
    starts = np.flatnonzero(np.concatenate(([True], np.diff(sorted_bins) > 0)))
    counts = np.diff(np.concatenate((starts, [sorted_bins.size])))
    median_f = 0.5 * (sorted_f[starts + (counts - 1) // 2] + sorted_f[starts + counts // 2])
    # Times are sorted within a bin already (t is sorted and the sort is stable by bin).
    first = np.searchsorted(bins, sorted_bins[starts], side="left")
    median_t = 0.5 * (t[first + (counts - 1) // 2] + t[first + counts // 2])
    return median_t, median_f


def _row_median(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Median of each row's first `counts` finite values (NaNs sort last).

    np.nanmedian takes a slow per-row path for short rows; one sort is ~20x faster.
    """
    ordered = np.sort(values, axis=1)
    rows = np.arange(values.shape[0])
    low = np.maximum((counts - 1) // 2, 0)
    high = np.maximum(counts // 2, 0)
    return 0.5 * (ordered[rows, low] + ordered[rows, high])


def _weighted_polyfit(x: np.ndarray, y: np.ndarray, w: np.ndarray, degree: int) -> np.ndarray:
    """Row-wise weighted least squares y ~ sum_k c_k x^k; falls back to the weighted mean."""
    # Moments sum(w x^k) for k <= 2d and sum(w y x^k) for k <= d, one multiplication each.
    wx = w
    wy = w * y
    moments = [wx.sum(axis=1)]
    rhs = [wy.sum(axis=1)]
    for k in range(1, 2 * degree + 1):
        wx = wx * x
        moments.append(wx.sum(axis=1))
        if k <= degree:
            wy = wy * x
            rhs.append(wy.sum(axis=1))
    sw = moments[0]
    coeffs = np.zeros((x.shape[0], degree + 1))
    coeffs[:, 0] = rhs[0] / np.where(sw > 0, sw, 1.0)
    if degree == 0:
        return coeffs
    lhs = np.stack([np.stack([moments[i + j] for j in range(degree + 1)], axis=1) for i in range(degree + 1)], axis=1)
    # Solve only where the system is well conditioned (enough spread in x with weight).
    det = np.linalg.det(lhs)
    scale = np.prod(np.diagonal(lhs, axis1=1, axis2=2), axis=1)
    good = np.isfinite(det) & (np.abs(det) > 1e-10 * np.abs(scale)) & (sw > degree + 1)
    if good.any():
        coeffs[good] = np.linalg.solve(lhs[good], np.stack(rhs, axis=1)[good][..., None])[..., 0]
    return coeffs


def _polyval(coeffs: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    for k in range(coeffs.shape[1] - 1, -1, -1):
        out = out * x + coeffs[:, k : k + 1]
    return out
