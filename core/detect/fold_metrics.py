"""Metrics read from a candidate's folded light curve: each transit, odd against even, and the whole phase.

Pure functions of a `Fold` (the usable detrended flux, its phase and epoch at the
candidate's ephemeris, and its noise). Errors count red noise as the search does
(Pont et al. 2006): a transit's depth is uncertain by sqrt(sigma^2 / n + red), where
`red` is the variance of duration-long means beyond what white noise explains and
averages down only with the number of transits.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.candidate_vetting import TransitMeasure
from core.detect.vetting import with_transit_data
from core.stats import cadence_days, robust_std

LOCAL_BASELINE_DURATIONS = (1.0, 3.0)  # a transit's own baseline: this far (in durations) from its middle
MIN_LOCAL_BASELINE_POINTS = 5
SCAN_STEPS_PER_DURATION = 4  # trial phases of the whole-phase scan per transit duration
PRIMARY_EXCLUSION = 1.5  # durations around the primary (and the secondary) that the other dips must avoid
MIN_SCAN_PHASES = 8  # fewer trial phases outside the primary measure no red-noise factor


@dataclass(frozen=True)
class Fold:
    """Usable points of the detrended flux at one ephemeris: phase (days from mid-transit, in [-P/2, P/2))
    and epoch (0 at t0) per point, the out-of-transit baseline, the white noise and the red variance."""

    time: np.ndarray
    flux: np.ndarray
    phase: np.ndarray
    epoch: np.ndarray
    period: float
    t0: float
    duration: float
    baseline: float
    sigma: float
    red: float

    @classmethod
    def of(cls, time: np.ndarray, flux: np.ndarray, period: float, t0: float, duration: float, sigma: float,
           red: float) -> "Fold":
        phase = np.mod(time - t0 + 0.5 * period, period) - 0.5 * period
        epoch = np.round((time - t0) / period).astype(np.int64)
        out = np.abs(phase) > duration
        baseline = float(np.median(flux[out])) if out.any() else float(np.median(flux))
        return cls(time, flux, phase, epoch, float(period), float(t0), float(duration), baseline, float(sigma),
                   float(red))

    @property
    def inside(self) -> np.ndarray:
        return np.abs(self.phase) < 0.5 * self.duration

    def depth_error(self, n_points: int | np.ndarray, n_transits: float | np.ndarray) -> np.ndarray | float:
        """Error of a mean depth over `n_points` in-transit points spread over `n_transits` transits."""
        return np.sqrt(self.sigma**2 / np.maximum(n_points, 1) + self.red / np.maximum(n_transits, 1e-9))


@dataclass(frozen=True)
class OddEven:
    odd_depth: float
    odd_depth_err: float
    even_depth: float
    even_depth_err: float
    sigma: float  # |odd - even| over its error, inflated when the transits scatter more than their errors


@dataclass(frozen=True)
class PhaseScan:
    """The strongest dips and bump of the fold besides the primary, in red-noise sigmas (ModShift-like)."""

    primary_sigma: float
    secondary_depth: float
    secondary_depth_err: float
    secondary_sigma: float
    secondary_phase: float
    tertiary_sigma: float
    positive_sigma: float
    red_noise_factor: float

    @property
    def uniqueness(self) -> float:
        """How far the primary stands above the next dip that is not the secondary, or the highest bump."""
        return self.primary_sigma - max(self.tertiary_sigma, self.positive_sigma)


def per_transit(fold: Fold) -> tuple[TransitMeasure, ...]:
    """Each transit with enough data (`with_transit_data`): depth against its own baseline.

    The baseline is the mean flux 1-3 durations from the transit's middle, which follows
    what the trend left near that transit; the fold's median when too few points are there.
    """
    inside = fold.inside
    if not inside.any():
        return ()
    expected = fold.duration / max(cadence_days(fold.time), 1e-9)
    first = int(fold.epoch.min())
    index = fold.epoch - first
    size = int(index.max()) + 1
    n_in = np.bincount(index[inside], minlength=size)
    sum_in = np.bincount(index[inside], weights=fold.flux[inside], minlength=size)
    low, high = LOCAL_BASELINE_DURATIONS
    near = (np.abs(fold.phase) >= low * fold.duration) & (np.abs(fold.phase) <= high * fold.duration)
    n_near = np.bincount(index[near], minlength=size)
    sum_near = np.bincount(index[near], weights=fold.flux[near], minlength=size)
    measured = np.flatnonzero(with_transit_data(n_in, expected))
    out = []
    for i in measured:
        base = sum_near[i] / n_near[i] if n_near[i] >= MIN_LOCAL_BASELINE_POINTS else fold.baseline
        depth = base - sum_in[i] / n_in[i]
        error = float(fold.depth_error(int(n_in[i]), 1.0))
        epoch = int(i) + first
        out.append(TransitMeasure(epoch=epoch, t_mid=fold.t0 + epoch * fold.period, depth=float(depth),
                                  depth_err=error, snr=float(depth / error), n_points=int(n_in[i])))
    return tuple(out)


def max_single_event_share(transits: tuple[TransitMeasure, ...]) -> float:
    """The strongest transit's share of the summed SNR^2 (dips only): near 1 when one event makes the signal."""
    power = np.clip([t.snr for t in transits], 0.0, None) ** 2
    return float(power.max() / power.sum()) if power.size and power.sum() > 0 else float("nan")


def transit_depth(fold: Fold, n_transits: int) -> tuple[float, float]:
    """(depth, error) of the folded transit: mean in-transit flux below the baseline."""
    inside = fold.inside
    if not inside.any():
        return float("nan"), float("nan")
    depth = fold.baseline - float(np.mean(fold.flux[inside]))
    return depth, float(fold.depth_error(int(inside.sum()), max(n_transits, 1)))


def odd_even(fold: Fold, transits: tuple[TransitMeasure, ...]) -> OddEven:
    """Depths of the odd and of the even transits folded apart, and their difference in sigmas.

    When four or more transits scatter about their own group's depth by more than their
    errors (systematics), the difference's error is inflated by that excess (a reduced
    chi-square); the alternation itself, measured about each group's own depth, does not
    inflate it, so an eclipsing binary keeps its significance.
    """
    inside = fold.inside
    measured = {t.epoch for t in transits}
    odd_points = inside & np.isin(fold.epoch, list(measured)) & (fold.epoch % 2 == 1)
    even_points = inside & np.isin(fold.epoch, list(measured)) & (fold.epoch % 2 == 0)
    n_odd = sum(t.epoch % 2 == 1 for t in transits)
    n_even = len(transits) - n_odd
    if n_odd == 0 or n_even == 0:
        nan = float("nan")
        return OddEven(nan, nan, nan, nan, nan)
    odd_depth = fold.baseline - float(np.mean(fold.flux[odd_points]))
    even_depth = fold.baseline - float(np.mean(fold.flux[even_points]))
    odd_err = float(fold.depth_error(int(odd_points.sum()), n_odd))
    even_err = float(fold.depth_error(int(even_points.sum()), n_even))
    inflation = 1.0
    if len(transits) >= 4:
        depths = np.array([t.depth for t in transits])
        errors = np.array([t.depth_err for t in transits])
        odd = np.array([t.epoch % 2 == 1 for t in transits])
        centre = np.where(odd, _weighted_mean(depths[odd], errors[odd]), _weighted_mean(depths[~odd], errors[~odd]))
        chi2 = float(np.sum(((depths - centre) / errors) ** 2))
        inflation = float(np.sqrt(max(1.0, chi2 / (len(transits) - 2))))
    sigma = abs(odd_depth - even_depth) / np.hypot(odd_err, even_err) / inflation
    return OddEven(odd_depth, odd_err, even_depth, even_err, float(sigma))


def phase_scan(fold: Fold) -> PhaseScan:
    """A box of the transit's duration slid over the whole fold, as Kepler's Model-shift test does.

    At trial phases a quarter duration apart it measures the mean depth below the
    baseline and its white-noise significance. The red-noise factor is the scatter of
    those significances away from the primary over what white noise gives (at least
    1); every sigma here is divided by it. The secondary is the most significant dip
    at least PRIMARY_EXCLUSION durations from the primary, at any phase; the tertiary
    the next one that far from both; the positive the most significant bump.
    """
    period, duration = fold.period, fold.duration
    order = np.argsort(fold.phase)
    phase, flux = fold.phase[order], fold.flux[order]
    wrapped = np.concatenate([phase - period, phase, phase + period])
    totals = np.concatenate([[0.0], np.cumsum(np.tile(flux, 3))])
    centres = np.arange(-0.5 * period, 0.5 * period, duration / SCAN_STEPS_PER_DURATION)
    low = np.searchsorted(wrapped, centres - 0.5 * duration)
    high = np.searchsorted(wrapped, centres + 0.5 * duration)
    counts = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        depth = fold.baseline - (totals[high] - totals[low]) / counts
        white = depth / (fold.sigma / np.sqrt(counts))
    filled = counts >= 2
    primary = int(np.argmin(np.abs(centres)))
    away = filled & (np.abs(centres) >= PRIMARY_EXCLUSION * duration)
    nan = float("nan")
    if not filled[primary] or away.sum() < 1:
        return PhaseScan(nan, nan, nan, nan, nan, nan, nan, nan)
    factor = robust_std(white[away]) if away.sum() >= MIN_SCAN_PHASES else nan
    factor = max(1.0, factor) if np.isfinite(factor) else 1.0
    significance = white / factor
    secondary = int(np.flatnonzero(away)[np.argmax(significance[away])])
    distance = np.abs(np.mod(centres - centres[secondary] + 0.5 * period, period) - 0.5 * period)
    third = away & (distance >= PRIMARY_EXCLUSION * duration)
    tertiary = float(np.max(significance[third])) if third.any() else nan
    positive = float(np.max(-significance[away]))
    secondary_err = float(fold.sigma / np.sqrt(counts[secondary]) * factor)
    return PhaseScan(
        primary_sigma=float(significance[primary]),
        secondary_depth=float(depth[secondary]),
        secondary_depth_err=secondary_err,
        secondary_sigma=float(significance[secondary]),
        secondary_phase=float(np.mod(centres[secondary] / period, 1.0)),
        tertiary_sigma=tertiary if np.isfinite(tertiary) else 0.0,
        positive_sigma=positive,
        red_noise_factor=float(factor),
    )


def _weighted_mean(values: np.ndarray, errors: np.ndarray) -> float:
    weights = 1.0 / errors**2
    return float(np.sum(weights * values) / np.sum(weights))
