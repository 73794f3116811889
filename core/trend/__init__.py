"""One call for every trend in core: `fit_trend(time, flux, method=..., window=..., mask=...)`.

Each method lives in its own module:

- "biweight": robust local polynomial of `degree` (robust.py); splits the curve at gaps.
- "short": a quadratic biweight fitted twice, the second time without extreme points,
  short enough to follow a 1-day rotation under a flare (robust.py).
- "transit": the long, transit-preserving trend for the search: the quietest of a few
  options on the 1-h scale, or the `option` given (transit.py).
- "rotation": the star's own light curve one and two rotations away (rotation.py).
- "k2_sff": K2 roll self-flat-fielding against the centroid track (k2_sff.py).

Flux is divided by the trend (it is multiplicative everywhere). Points where `mask`
is True are kept out of the fit but still get a trend value.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.trend.k2_sff import WINDOW_DAYS as K2_WINDOW_DAYS
from core.trend.k2_sff import RollCorrection, sff_correction
from core.trend.robust import DEFAULT_WINDOW_DAYS, SHORT_TREND_WINDOW_DAYS, biweight_trend, short_trend
from core.trend.rotation import rotation_trend
from core.trend.transit import TransitTrend, choose_transit_trend

__all__ = ["METHODS", "TransitTrend", "TrendFit", "fit_trend"]

METHODS = ("biweight", "short", "transit", "rotation", "k2_sff")
_DEFAULT_WINDOWS = {"short": SHORT_TREND_WINDOW_DAYS, "k2_sff": K2_WINDOW_DAYS}


@dataclass(frozen=True)
class TrendFit:
    """A trend (divide the flux by it), and what some methods know beside it."""

    trend: np.ndarray
    spread: np.ndarray | None = None  # transit, rotation: the trend's own uncertainty beyond the noise
    extreme: np.ndarray | None = None  # short: points beyond EXTREME_SIGMA of its first fit
    option: TransitTrend | None = None  # transit: the option fitted (pass it back to refit the same trend)
    roll: RollCorrection | None = None  # k2_sff: windows fitted, noise before and after


def fit_trend(
    time: np.ndarray,
    flux: np.ndarray,
    method: str = "biweight",
    window: float | None = None,
    mask: np.ndarray | None = None,
    *,
    degree: int = 0,
    gap_days: float | None = None,
    rotation_days: float | None = None,
    option: TransitTrend | None = None,
    centroids: tuple[np.ndarray, np.ndarray] | None = None,
) -> TrendFit:
    """The `method` trend of `flux` over a `window` in days (None: the method's default).

    `degree` and `gap_days` steer "biweight"; `rotation_days` is the period for
    "rotation" (required) and, for "transit", offers the rotation options too;
    `option` makes "transit" fit that one option instead of choosing;
    `centroids` (column, row) are required by "k2_sff".
    """
    if method not in METHODS:
        raise ValueError(f"unknown trend method {method!r}; choose from {list(METHODS)}")
    window = _DEFAULT_WINDOWS.get(method, DEFAULT_WINDOW_DAYS) if window is None else float(window)
    if not window > 0:
        raise ValueError(f"the trend window must be positive (days), got {window}")
    if method == "biweight":
        return TrendFit(biweight_trend(time, flux, window, mask=mask, degree=degree, gap_days=gap_days))
    if method == "short":
        trend, extreme = short_trend(time, flux, window, mask=mask)
        return TrendFit(trend, extreme=extreme)
    if method == "transit":
        return _transit(time, flux, window, mask, rotation_days, option)
    if method == "rotation":
        if rotation_days is None:
            raise ValueError('the "rotation" trend needs rotation_days, the star\'s rotation period')
        trend, spread = rotation_trend(time, flux, rotation_days, mask)
        return TrendFit(trend, spread=spread)
    if centroids is None:
        raise ValueError('the "k2_sff" trend needs centroids: (column, row) per cadence')
    roll = sff_correction(time, flux, centroids[0], centroids[1], mask, window_days=window)
    return TrendFit(roll.correction, roll=roll)


def _transit(time: np.ndarray, flux: np.ndarray, window: float, mask: np.ndarray | None,
             rotation_days: float | None, option: TransitTrend | None) -> TrendFit:
    if option is None:
        excluded = np.zeros(len(time), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        option, trend, spread = choose_transit_trend(time, flux, window, excluded, rotation_days)
    else:
        trend, spread = option.fit(time, flux, mask)
    return TrendFit(trend, spread=spread, option=option)
