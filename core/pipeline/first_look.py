"""Stage 2: flares and outliers on the residual from a short robust trend.

The short trend follows a 1-day rotation under a flare. Flares are found, masked,
the trend refitted without them (so long flares do not lift it) and found again;
then single points and short glitches far from the trend are outliers. After the
transit search this stage runs again with the found transits' windows kept out
of the trend: a short trend cannot follow a transit's edges.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from core.config import AnalysisConfig
from core.detect.flares import find_flares
from core.detect.outliers import find_outliers
from core.pipeline.progress import ProgressCallback
from core.result import Event
from core.stats import pad_mask, robust_std
from core.trend import fit_trend
from core.trend.robust import SHORT_TREND_WINDOW_DAYS

FLARE_MASK_PAD_CADENCES = 3
TRANSIT_MEDIAN_POINTS = 7  # running median that spikes inside a transit are measured from


@dataclass(frozen=True)
class FirstLook:
    """Flares and outliers found, and the short trend, residual and noise they were found on."""

    flares: list[Event]
    flare_mask: np.ndarray
    outliers: list[Event]
    outlier_mask: np.ndarray
    trend: np.ndarray
    residual: np.ndarray  # flux / trend - 1
    sigma: float  # the residual's robust scatter

    def not_transit_material(self, released: np.ndarray | None = None) -> np.ndarray:
        """Points the transit search and its trend must not use: flares (padded) and outliers,
        except `released` ones (drops that recur on a period: short transits at long cadence)."""
        outliers = self.outlier_mask if released is None else self.outlier_mask & ~released
        return pad_mask(self.flare_mask, FLARE_MASK_PAD_CADENCES) | outliers


@dataclass(frozen=True)
class _Residual:
    trend: np.ndarray
    residual: np.ndarray
    sigma: float

    @classmethod
    def of(cls, flux: np.ndarray, trend: np.ndarray, keep: np.ndarray) -> "_Residual":
        residual = flux / trend - 1.0
        return cls(trend, residual, robust_std(residual[keep]))


def first_look(
    time: np.ndarray, flux: np.ndarray, config: AnalysisConfig, report: ProgressCallback,
    transit_floor: np.ndarray | None = None,
) -> FirstLook:
    """Flares (found, masked, trend refitted, found again) and outliers on the short-trend residual.

    Points in known transits' windows (`transit_floor` < 0: how far below the trend
    the transits there can reach) are kept out of the trend and of the flare detector.
    """
    floor = np.zeros(time.size) if transit_floor is None else transit_floor
    unusable = floor < 0
    window = min(SHORT_TREND_WINDOW_DAYS, config.detrend_window_days)
    short = fit_trend(time, flux, "short", window, unusable)
    base = _Residual.of(flux, short.trend, ~(unusable | short.extreme))
    flares: list[Event] = []
    flare_mask = np.zeros(time.size, dtype=bool)
    if "flares" in config.detectors:
        report(0.2, "Looking for flares")
        flares, flare_mask = find_flares(time, base.residual, base.sigma, threshold=config.flare_sigma,
                                         usable=~unusable)
        if flares:
            # Refit the trend without the flares so long flares do not lift it, then look again.
            masked = unusable | pad_mask(flare_mask, FLARE_MASK_PAD_CADENCES) | pad_mask(short.extreme, 1)
            base = _Residual.of(flux, fit_trend(time, flux, "biweight", window, masked, degree=2).trend, ~masked)
            flares, flare_mask = find_flares(time, base.residual, base.sigma, threshold=config.flare_sigma,
                                             usable=~unusable)
    outliers: list[Event] = []
    outlier_mask = np.zeros(time.size, dtype=bool)
    if "outliers" in config.detectors:
        report(0.3, "Looking for outliers")
        outliers, outlier_mask = find_outliers(time, _outlier_residual(flux, base.residual, floor), base.sigma,
                                               threshold=config.outlier_sigma, explained=flare_mask)
    return FirstLook(flares, flare_mask, outliers, outlier_mask, base.trend, base.residual, base.sigma)


def _outlier_residual(flux: np.ndarray, residual: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """The residual outliers are judged on; inside a known transit, judged against its own neighbours.

    A transit has no local maximum, so a point above its neighbours' running median
    is a glitch (the median's own noise, var ~ pi sigma^2 / 2n, allowed for). A point
    below them may be the bottom of a V-shaped eclipse, so a drop must also go below
    the transit's floor; and one below the floor but not below its neighbours is the
    trend's error across the window.
    """
    local = flux / median_filter(flux, size=TRANSIT_MEDIAN_POINTS, mode="nearest") - 1.0
    local /= np.sqrt(1.0 + np.pi / (2.0 * TRANSIT_MEDIAN_POINTS))
    below_floor = np.clip(residual - floor, None, 0.0)
    in_transit = np.where(local > 0, local, np.maximum(below_floor, local))
    return np.where(floor < 0, in_transit, residual)
