"""Stage 1: the curve as analysed: quality-masked, normalised, checked, K2 roll corrected."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core.config import AnalysisConfig
from core.errors import LightCurveFormatError
from core.lightcurve import LightCurve
from core.prepare import check_flux_usable, correct_k2_roll, prepare

MIN_ANALYSIS_POINTS = 20


@dataclass(frozen=True)
class PreparedCurve:
    """The curve every later stage works on, and what the K2 roll correction did to it."""

    lc: LightCurve
    uncorrected_flux: np.ndarray  # normalised flux before the roll correction
    roll_correction: dict[str, Any] | None  # None when the curve is not K2

    @property
    def time(self) -> np.ndarray:
        return self.lc.time

    @property
    def flux(self) -> np.ndarray:
        return self.lc.flux

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
    return PreparedCurve(corrected, prepared.flux, roll_correction)
