"""Stage 1: the curve as analysed: quality-masked, normalised, checked, K2 roll corrected; and the star.

The star's rotation is measured once here: the flare detector divides a fast
rotator's spots out before it judges a long flare, the search's trend may model the
rotation, and the search vetoes candidates at its period.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from core.config import AnalysisConfig
from core.errors import LightCurveFormatError
from core.lightcurve import LightCurve
from core.prepare import check_flux_usable, correct_k2_roll, prepare
from core.trend import fit_trend
from core.trend.robust import SHORT_TREND_WINDOW_DAYS
from core.trend.rotation import rotation_period
from core.trend.transit import fast_rotation

MIN_ANALYSIS_POINTS = 20
ROTATION_VETO_POWER = 0.2  # Lomb-Scargle power above which the star's rotation is strong enough to act on


@dataclass(frozen=True)
class PreparedCurve:
    """The curve every later stage works on, and what the K2 roll correction did to it."""

    lc: LightCurve
    uncorrected_flux: np.ndarray  # normalised flux before the roll correction
    roll_correction: dict[str, Any] | None  # None when the curve is not K2
    rotation_period: float = float("nan")  # the strongest periodicity (Lomb-Scargle), days
    rotation_power: float = 0.0
    fast_rotation: float | None = None  # the period, when the star rotates too fast for a local polynomial
    star: dict[str, Any] = field(default_factory=dict)  # mission, teff (K), radius (R_sun) when the file says

    @property
    def time(self) -> np.ndarray:
        return self.lc.time

    @property
    def flux(self) -> np.ndarray:
        return self.lc.flux

    @cached_property
    def rotation_flux(self) -> np.ndarray | None:
        """The flux divided by the star's own light curve one and two rotations away (fast rotators only)."""
        if self.fast_rotation is None:
            return None
        model = fit_trend(self.time, self.flux, "rotation", rotation_days=self.fast_rotation).trend
        unknown = ~np.isfinite(model)  # no neighbouring rotation with data: a local quadratic there
        if unknown.any():
            model[unknown] = fit_trend(self.time, self.flux, "biweight", SHORT_TREND_WINDOW_DAYS, degree=2).trend[unknown]
        return self.flux / model

    @property
    def shown_uncorrected(self) -> np.ndarray | None:
        """The flux before the roll correction when one was applied, for showing next to it."""
        applied = self.roll_correction and self.roll_correction["applied"]
        return self.uncorrected_flux if applied else None


def prepare_curve(lc: LightCurve, config: AnalysisConfig) -> PreparedCurve:
    """Mask bad quality, normalise, refuse a flux with nothing to find, correct the K2 roll."""
    prepared = prepare(lc, config.quality_bitmask)
    if len(prepared) < MIN_ANALYSIS_POINTS:
        raise LightCurveFormatError(
            f"only {len(prepared)} points are left after removing bad-quality data; "
            f"at least {MIN_ANALYSIS_POINTS} are needed (try quality_bitmask='none')"
        )
    check_flux_usable(prepared.flux)
    corrected, roll_correction = correct_k2_roll(prepared, enabled=config.k2_roll_correction)
    time, flux = corrected.time, corrected.flux
    period, power = rotation_period(time, flux)
    fast = fast_rotation(time, flux, period, power, ROTATION_VETO_POWER, config.detrend_window_days)
    star = {key: corrected.meta.get(key) for key in ("mission", "teff", "radius", "logg")}
    return PreparedCurve(corrected, prepared.flux, roll_correction, period, power, fast, star)
