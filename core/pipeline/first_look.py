"""Stage 2: flares and outliers, found on the residual from a short robust trend and named by their shape.

The short trend follows a 1-day rotation under a flare. Candidates far from it are
fitted with a flare, a glitch, a step and a smooth bump (`core.detect.excursions`):
what has a flare's shape is a flare, what has a glitch's is an outlier, and what
only a trend that lags the star made is nothing. The trend is then refitted
without the flares (so long flares do not lift it). After the transit search this
stage runs again with the found transits' windows kept out: a short trend cannot
follow a transit's edges, and inside those windows outliers are judged against
their own neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import median_filter

from core.config import AnalysisConfig
from core.detect.excursions import find_excursions
from core.detect.outliers import find_outliers
from core.pipeline.prepared import PreparedCurve
from core.pipeline.progress import ProgressCallback
from core.result import Event
from core.stats import pad_mask, point_to_point_std, robust_std
from core.trend import fit_trend
from core.trend.robust import SHORT_TREND_WINDOW_DAYS

FLARE_MASK_PAD_CADENCES = 3
TRANSIT_MEDIAN_POINTS = 7  # running median that drops inside a transit are measured from
SIDE_POINTS = 3  # ... and spikes from the median of this many points on each side
ROTATION_GAIN = 1.25  # the short trend leaves this many times the divided flux's scatter ...
ROTATION_WHITE = 1.6  # ... which is within this many times the white noise: candidates from the divided flux
# A known transit that can take the flux no further than this many sigma below the trend is noise to the flare
# detector: its edges cannot fake a flare's shape, and a flare inside its window (or inside a false candidate's,
# whose depth is noise) is still looked for.
FLARE_BLIND_FLOOR_SIGMA = 3.0


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


def first_look(
    curve: PreparedCurve, config: AnalysisConfig, report: ProgressCallback, transit_floor: np.ndarray | None = None,
) -> FirstLook:
    """Flares and outliers by shape on the short-trend residual; the trend refitted without the flares.

    Points in known transits' windows (`transit_floor` < 0: how far below the trend
    the transits there can reach) are kept out of the trend, and out of the flare
    detector unless the transits are shallow (FLARE_BLIND_FLOOR_SIGMA).
    """
    time, flux = curve.time, curve.flux
    floor = np.zeros(time.size) if transit_floor is None else transit_floor
    unusable = floor < 0
    window = min(SHORT_TREND_WINDOW_DAYS, config.detrend_window_days)
    short = fit_trend(time, flux, "short", window, unusable)
    trend = short.trend
    residual = flux / trend - 1.0
    sigma = robust_std(residual[~(unusable | short.extreme)])
    report(0.2, "Looking for flares and outliers")
    look_residual, look_sigma = _rotation_residual(curve, window, unusable, sigma) or (residual, sigma)
    found = find_excursions(
        time, flux, look_residual, look_sigma, ~unusable, flare_sigma=config.flare_sigma,
        outlier_sigma=config.outlier_sigma,
        flares="flares" in config.detectors, glitches="outliers" in config.detectors,
        rotation_flux=curve.rotation_flux, star=curve.star,
        flare_usable=~(floor < -FLARE_BLIND_FLOOR_SIGMA * sigma),
    )
    if found.flares:  # refit the trend without the flares so long flares do not lift it
        masked = unusable | pad_mask(found.flare_mask, FLARE_MASK_PAD_CADENCES) | pad_mask(short.extreme, 1)
        trend = fit_trend(time, flux, "biweight", window, masked, degree=2).trend
        residual = flux / trend - 1.0
        sigma = robust_std(residual[~masked])
    outliers, outlier_mask = found.glitches, found.glitch_mask
    if "outliers" in config.detectors and unusable.any():
        inside, inside_mask = find_outliers(time, _outlier_residual(flux, residual, floor), sigma,
                                            threshold=config.outlier_sigma, explained=found.flare_mask | ~unusable)
        outliers = sorted(outliers + inside, key=lambda e: e.t_start)
        outlier_mask = outlier_mask | inside_mask
    return FirstLook(found.flares, found.flare_mask, outliers, outlier_mask, trend, residual, sigma)


def _rotation_residual(curve: PreparedCurve, window: float, unusable: np.ndarray,
                       sigma: float) -> tuple[np.ndarray, float] | None:
    """On a fast, deep rotator whose spots the short trend cannot follow, the residual (and its scatter) of the
    flux divided by the star's neighbouring rotations, to find candidates and judge their height on; else None.

    Used only when the short trend's residual scatter (`sigma`) is ROTATION_GAIN times the divided flux's,
    and that is within ROTATION_WHITE of the white noise: then the divided flux is the star without its
    spots, while on a star whose spots drift between rotations it keeps bumps of several sigma. The shapes
    are still fitted to the flux itself.
    """
    divided = curve.rotation_flux
    if divided is None:
        return None
    trend = fit_trend(curve.time, divided, "short", window, unusable)
    residual = divided / trend.trend - 1.0
    divided_sigma = robust_std(residual[~(unusable | trend.extreme)])
    white = point_to_point_std(divided[~unusable])
    if not (sigma >= ROTATION_GAIN * divided_sigma and divided_sigma <= ROTATION_WHITE * white):
        return None
    return residual, divided_sigma


def _outlier_residual(flux: np.ndarray, residual: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Inside a known transit, the residual judged against the transit's own neighbours.

    A transit has no local maximum, so a point above its neighbours on both sides (the
    median of the SIDE_POINTS before it and of those after it) is a glitch (the median's
    own noise, var ~ pi sigma^2 / 2n, allowed for). Both sides: at long cadence the
    exposure just before an ingress or after an egress is above a running median that
    the transit's own exposures pull down, and it was called an outlier. A point below
    its neighbours' running median may be the bottom of a V-shaped eclipse, so a drop
    must also go below the transit's floor; and one below the floor but not below its
    neighbours is the trend's error across the window.
    """
    local = flux / median_filter(flux, size=TRANSIT_MEDIAN_POINTS, mode="nearest") - 1.0
    local /= np.sqrt(1.0 + np.pi / (2.0 * TRANSIT_MEDIAN_POINTS))
    above = flux / np.maximum(*_side_medians(flux)) - 1.0
    above /= np.sqrt(1.0 + np.pi / (2.0 * SIDE_POINTS))
    below_floor = np.clip(residual - floor, None, 0.0)
    return np.where(local > 0, np.clip(above, 0.0, None), np.maximum(below_floor, local))


def _side_medians(flux: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of the SIDE_POINTS points before each point, and of those after it (the ends repeated)."""
    padded = np.pad(flux, SIDE_POINTS, mode="edge")
    windows = sliding_window_view(padded, SIDE_POINTS)
    before = np.median(windows[:flux.size], axis=1)
    after = np.median(windows[SIDE_POINTS + 1:SIDE_POINTS + 1 + flux.size], axis=1)
    return before, after
