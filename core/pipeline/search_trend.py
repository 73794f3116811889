"""Stage 3: the long, transit-preserving trend the search runs on.

Flares and outliers are kept out of it, except drops that recur on a period
(short transits at long cadence: search material, not outliers). The star's
rotation (measured when the curve was prepared) chooses whether the trend may
model the rotation, and the search vetoes candidates at its period.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.config import AnalysisConfig
from core.detect.periodic_drops import MIN_DROPS, periodic_drops
from core.detect.periodogram import period_range
from core.pipeline.first_look import FirstLook
from core.pipeline.prepared import ROTATION_VETO_POWER, PreparedCurve
from core.result import Event
from core.stats import cadence_days
from core.trend import TransitTrend, fit_trend


@dataclass(frozen=True)
class SearchTrend:
    """The trend option chosen, its fit, and what it was fitted without."""

    option: TransitTrend
    trend: np.ndarray
    spread: np.ndarray  # the trend's own uncertainty beyond the noise (0 for a plain polynomial)
    released: np.ndarray  # outlier drops that recur on a period, given back to the search
    not_transit_material: np.ndarray  # what the trend and the search leave out
    rotation_period: float = float("nan")
    rotation_power: float = 0.0

    def rotation_aliases(self) -> tuple[float, ...]:
        """Periods where a candidate must be clearly unique in phase: a strong rotation, its half and double."""
        p = self.rotation_period
        return (0.5 * p, p, 2.0 * p) if self.rotation_power >= ROTATION_VETO_POWER else ()


def trend_for_search(curve: PreparedCurve, look: FirstLook, config: AnalysisConfig) -> SearchTrend:
    """The search's trend; without a transit search, only the plainest option (it is only shown)."""
    time, flux = curve.time, curve.flux
    window = config.detrend_window_days
    if "transits" not in config.detectors:
        released = np.zeros(time.size, dtype=bool)
        material = look.not_transit_material(released)
        fit = fit_trend(time, flux, "transit", mask=material, option=TransitTrend(1, window))
        return SearchTrend(fit.option, fit.trend, fit.spread, released, material)
    released = _periodic_drop_points(time, look.outliers, config)
    material = look.not_transit_material(released)
    fit = fit_trend(time, flux, "transit", window, material, rotation_days=curve.fast_rotation)
    return SearchTrend(fit.option, fit.trend, fit.spread, released, material, curve.rotation_period,
                       curve.rotation_power)


def _periodic_drop_points(time: np.ndarray, outlier_events: list[Event], config: AnalysisConfig) -> np.ndarray:
    """Points of the outlier drops that recur on a period (`periodic_drops`)."""
    drops = [e for e in outlier_events if e.amplitude < 0]
    points = np.zeros(time.size, dtype=bool)
    if len(drops) < MIN_DROPS:
        return points
    p_min, p_max = period_range(float(time[-1] - time[0]), config.min_period_days, config.max_period_days)
    released = periodic_drops(time, np.array([e.t_peak for e in drops]), cadence_days(time), p_min, p_max,
                              np.array([-e.amplitude for e in drops]))
    for event, periodic in zip(drops, released):
        if periodic:
            points[np.searchsorted(time, event.t_start):np.searchsorted(time, event.t_end, side="right")] = True
    return points
