"""The transit's shape and timing: a trapezoid fitted to the fold, and each transit's mid-time.

The trapezoid (total duration T14, flat bottom T23, depth) is fitted by a grid over its
shape, the depth solved by least squares at each; every model is averaged over the
exposure, so 30-minute cadences do not make every transit look V-shaped. Each
transit's mid-time is the trapezoid's best shift against that transit alone; a straight
line through the mid-times gives the period and t0 and their errors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect.fold_metrics import Fold
from core.candidate_vetting import TransitMeasure
from core.stats import cadence_days

T14_FACTORS = np.linspace(0.6, 1.8, 25)  # trial T14 in box durations (a V's box is narrower than its T14)
T23_FRACTIONS = np.linspace(0.0, 1.0, 21)  # trial T23 / T14
CENTRE_SHIFTS = np.array([-0.1, -0.05, 0.0, 0.05, 0.1])  # trial centres, in box durations
FIT_WINDOW = 2.0  # durations each side of mid-transit that the shape is fitted on
BINS_PER_DURATION = 20
EXPOSURE_SAMPLES = 5
FLAT_BOTTOM = 0.5  # T23 / T14 at or above this is a flat-bottomed transit (v_shape <= 0.5)
GAUSSIAN_WIDTHS = np.linspace(0.1, 1.2, 23)  # trial sigmas of a smooth (Gaussian) dip, in box durations
TIMING_SHIFTS = 41  # trial shifts of the template against one transit, over +-T14 / 2


@dataclass(frozen=True)
class Trapezoid:
    t14: float
    t23: float
    depth: float
    centre: float  # offset of the best centre from the ephemeris, days
    v_shape: float
    v_shape_sigma: float
    b_plus_k: float
    smooth_sigma: float  # how much better a Gaussian dip fits than the trapezoid, in sigma (< 0: worse)

    @property
    def ingress(self) -> float:
        return 0.5 * (self.t14 - self.t23)


@dataclass(frozen=True)
class Ephemeris:
    period: float
    period_err: float
    t0: float
    t0_err: float


def trapezoid_profile(offset: np.ndarray, t14: np.ndarray | float, t23: np.ndarray | float) -> np.ndarray:
    """The trapezoid's dip (1 at the bottom, 0 outside) at `offset` days from mid-transit (broadcasts)."""
    slope = np.maximum(0.5 * (np.asarray(t14) - t23), 1e-12)
    return np.clip((0.5 * np.asarray(t14) - np.abs(offset)) / slope, 0.0, 1.0)


def smeared_profile(offset: np.ndarray, t14: np.ndarray | float, t23: np.ndarray | float,
                    exposure: float) -> np.ndarray:
    """trapezoid_profile averaged over an exposure of `exposure` days centred on each offset (broadcasts)."""
    steps = (np.arange(EXPOSURE_SAMPLES) + 0.5) / EXPOSURE_SAMPLES - 0.5
    return sum(trapezoid_profile(offset + s * exposure, t14, t23) for s in steps) / EXPOSURE_SAMPLES


def fit_trapezoid(fold: Fold, red_noise_factor: float = 1.0) -> Trapezoid:
    """The best trapezoid on the fold binned to a twentieth of a duration.

    `v_shape_sigma` is sqrt(delta chi^2) between the best flat-bottomed shape (T23 >= T14 / 2)
    and the best of all, with chi^2 in white-noise units divided by `red_noise_factor`^2.
    """
    duration = fold.duration
    near = np.abs(fold.phase) <= FIT_WINDOW * duration
    nan = float("nan")
    if near.sum() < 10:
        return Trapezoid(nan, nan, nan, nan, nan, nan, nan, nan)
    width = duration / BINS_PER_DURATION
    index = np.floor((fold.phase[near] + FIT_WINDOW * duration) / width).astype(np.int64)
    counts = np.bincount(index)
    keep = counts > 0
    dip = np.bincount(index, weights=fold.baseline - fold.flux[near])[keep] / counts[keep]
    centres = (np.flatnonzero(keep) + 0.5) * width - FIT_WINDOW * duration
    counts = counts[keep]
    exposure = cadence_days(fold.time)
    t14s, fractions, shifts = (grid.ravel() for grid in np.meshgrid(
        T14_FACTORS * duration, T23_FRACTIONS, CENTRE_SHIFTS * duration, indexing="ij"))
    t23s = fractions * t14s
    profiles = smeared_profile(centres[None, :] - shifts[:, None], t14s[:, None], t23s[:, None], exposure)
    along = profiles @ (counts * dip)
    norm = (profiles**2) @ counts
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where(norm > 0, along**2 / norm, 0.0)  # chi^2 removed by each shape, in flux^2
    gain = np.where(along > 0, gain, 0.0)  # only dips
    best = int(np.argmax(gain))
    t14, t23, shift = t14s[best], t23s[best], shifts[best]
    flat = fractions >= FLAT_BOTTOM - 1e-12
    deficit = max(float(gain[best] - gain[flat].max()), 0.0) / fold.sigma**2
    depth = float(along[best] / norm[best])
    smooth = _best_gain(_gaussian_profiles(centres, duration, exposure), counts, dip) - gain[best]
    return Trapezoid(t14=float(t14), t23=float(t23), depth=depth, centre=float(shift),
                     v_shape=float(1.0 - t23 / t14), v_shape_sigma=float(np.sqrt(deficit) / red_noise_factor),
                     b_plus_k=b_plus_k(depth, t23 / t14),
                     smooth_sigma=float(np.sign(smooth) * np.sqrt(abs(smooth)) / fold.sigma / red_noise_factor))


def _gaussian_profiles(centres: np.ndarray, duration: float, exposure: float) -> np.ndarray:
    """Gaussian dips (1 at the centre) of GAUSSIAN_WIDTHS x CENTRE_SHIFTS, averaged over the exposure."""
    widths, shifts = (grid.ravel() for grid in np.meshgrid(GAUSSIAN_WIDTHS * duration, CENTRE_SHIFTS * duration,
                                                             indexing="ij"))
    steps = (np.arange(EXPOSURE_SAMPLES) + 0.5) / EXPOSURE_SAMPLES - 0.5
    offsets = centres[None, :] - shifts[:, None]
    return sum(np.exp(-0.5 * ((offsets + s * exposure) / widths[:, None]) ** 2) for s in steps) / EXPOSURE_SAMPLES


def _best_gain(profiles: np.ndarray, counts: np.ndarray, dip: np.ndarray) -> float:
    """The most chi^2 (flux^2 units) any of `profiles`, scaled to a dip, removes from the binned `dip`."""
    along = profiles @ (counts * dip)
    norm = (profiles**2) @ counts
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = np.where((norm > 0) & (along > 0), along**2 / norm, 0.0)
    return float(gain.max())


def b_plus_k(depth: float, t23_over_t14: float) -> float:
    """Impact parameter plus radius ratio from a trapezoid (Seager & Mallen-Ornelas 2003, no limb darkening).

    k = sqrt(depth); T23/T14 = sqrt(((1-k)^2 - b^2) / ((1+k)^2 - b^2)) solved for b. A V
    (T23 = 0) only says b >= 1 - k, so its b + k is 1: grazing or nearly.
    """
    if not depth > 0:
        return float("nan")
    k = float(np.sqrt(depth))
    r2 = float(t23_over_t14) ** 2
    if r2 <= 0:
        return 1.0
    if r2 >= 1:
        return k
    b2 = ((1 - k) ** 2 - r2 * (1 + k) ** 2) / (1 - r2)
    return float(np.sqrt(max(b2, 0.0)) + k)


def fit_ephemeris(fold: Fold, shape: Trapezoid, transits: tuple[TransitMeasure, ...]) -> Ephemeris:
    """Period and t0 (at epoch 0) from a straight line through each transit's mid-time, with errors.

    A transit's mid-time is where the fitted trapezoid, shifted over +-T14/2, matches it best;
    its error follows Carter et al. (2008): (T14 / Q) sqrt(tau / 2 T14), with Q the transit's
    SNR (red noise counted) and tau the ingress, no shorter than a cadence. With three or
    more transits the errors are inflated by the line's reduced chi^2 when it exceeds 1.
    The errors returned are those of the *candidate's* period and t0: the fit's error, or
    how far the candidate's value sits from the fit when that is larger (the search's
    period grid is coarser than the best transits deserve).
    """
    nan = float("nan")
    if len(transits) < 2 or not (shape.t14 > 0 and shape.depth > 0):
        return Ephemeris(fold.period, nan, fold.t0, nan)
    epochs = np.array([t.epoch for t in transits])
    window = (np.abs(fold.phase) <= shape.t14) & np.isin(fold.epoch, epochs)
    which = np.searchsorted(epochs, fold.epoch[window])
    offset = fold.phase[window]
    dip = fold.baseline - fold.flux[window]
    shifts = np.linspace(-0.5, 0.5, TIMING_SHIFTS) * shape.t14
    exposure = cadence_days(fold.time)
    chi2 = np.array([
        np.bincount(which, weights=(dip - shape.depth * smeared_profile(offset - s, shape.t14, shape.t23, exposure)) ** 2,
                    minlength=epochs.size)
        for s in shifts
    ]).T
    best = np.argmin(chi2, axis=1)
    measured = shifts[best] + _parabola_offset(chi2, best) * (shifts[1] - shifts[0])
    mid_times = fold.t0 + epochs * fold.period + measured
    ingress = min(max(shape.ingress, exposure), 0.5 * shape.t14)
    snr = np.array([shape.depth / fold.depth_error(t.n_points, 1.0) for t in transits])
    errors = shape.t14 / np.maximum(snr, 1e-9) * np.sqrt(ingress / (2.0 * shape.t14))
    period, t0, period_var, t0_var = _weighted_line(epochs.astype(float), mid_times, errors)
    return Ephemeris(period=period, period_err=max(np.sqrt(period_var), abs(period - fold.period)),
                     t0=t0, t0_err=max(np.sqrt(t0_var), abs(t0 - fold.t0)))


def expected_duration(period: float, star: dict, radius_ratio: float = 0.0) -> float | None:
    """T14 (days) of a central transit on a circular orbit around the star the header describes.

    Needs its radius (R_sun) and log g (cgs), which give its mass; None otherwise.
    """
    radius, logg = star.get("radius"), star.get("logg")
    try:
        radius, logg = float(radius), float(logg)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(radius) and np.isfinite(logg) and radius > 0):
        return None
    gravity_constant, solar_radius = 6.674e-8, 6.957e10  # cgs
    radius_cm = radius * solar_radius
    mass = 10.0**logg * radius_cm**2 / gravity_constant
    seconds = period * 86400.0
    a_rs = (gravity_constant * mass * seconds**2 / (4 * np.pi**2)) ** (1 / 3) / radius_cm
    return float(period / np.pi * np.arcsin(min(1.0, (1.0 + radius_ratio) / a_rs)))


def _parabola_offset(chi2: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Sub-step position of each row's minimum from a parabola through it and its neighbours (0 at the edges)."""
    rows = np.arange(chi2.shape[0])
    inner = (best > 0) & (best < chi2.shape[1] - 1)
    left = chi2[rows, np.clip(best - 1, 0, None)]
    mid = chi2[rows, best]
    right = chi2[rows, np.clip(best + 1, None, chi2.shape[1] - 1)]
    curvature = left - 2 * mid + right
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(inner & (curvature > 0), 0.5 * (left - right) / curvature, 0.0)
    return np.clip(step, -0.5, 0.5)


def _weighted_line(x: np.ndarray, y: np.ndarray, errors: np.ndarray) -> tuple[float, float, float, float]:
    """(slope, intercept at x = 0, their variances) of y = intercept + slope * x, weighted by 1/errors^2."""
    w = 1.0 / errors**2
    s, sx, sxx = w.sum(), (w * x).sum(), (w * x * x).sum()
    sy, sxy = (w * y).sum(), (w * x * y).sum()
    det = s * sxx - sx**2
    slope = (s * sxy - sx * sy) / det
    intercept = (sxx * sy - sx * sxy) / det
    slope_var, intercept_var = s / det, sxx / det
    if x.size >= 3:
        chi2 = float(np.sum(w * (y - intercept - slope * x) ** 2))
        scale = max(1.0, chi2 / (x.size - 2))
        slope_var, intercept_var = slope_var * scale, intercept_var * scale
    return float(slope), float(intercept), float(slope_var), float(intercept_var)
