"""Signals added to the user's own curve: limb-darkened planets and Davenport flares.

Both multiply the curve's flux (a dip of 1% removes 1% of whatever the star gives
there), so they work on normalised and on raw electron counts alike and ride on
the star's own variability, gaps and systematics, which is the point.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from core.completeness.orbit import EARTH_RADII_PER_SOLAR_RADIUS, scaled_semi_major_axis
from core.flare_model import flare_binned
from core.lightcurve import LightCurve
from core.synthetic.signals import occulted_fraction, transit_dip

LIMB_DARKENING = (0.4, 0.25)  # quadratic (u1, u2): a Sun-like star in the Kepler and TESS bands
MAX_IMPACT = 0.8  # impact parameters are drawn uniformly below this (no grazing transits)
SUBSAMPLE_MINUTES = 1.0  # long exposures are averaged over instants this far apart


@dataclass(frozen=True)
class TransitInjection:
    """One planet: its orbit, its size, and the grid cell it stands for."""

    cell: int
    period: float
    t0: float
    b: float
    rp_rs: float
    a_rs: float
    depth: float  # at mid-transit, relative flux

    def signal(self, time: np.ndarray, exposure: float) -> np.ndarray:
        """Relative flux lost (>= 0) on each cadence, averaged over the exposure."""
        n_sub = max(1, math.ceil(exposure * 1440.0 / SUBSAMPLE_MINUTES))
        u1, u2 = LIMB_DARKENING
        return transit_dip(time, self.period, self.t0, self.rp_rs, self.a_rs, self.b, u1, u2, exposure, n_sub)

    def to_dict(self) -> dict[str, float]:
        return {"period": self.period, "t0": self.t0, "b": self.b, "rp_rs": self.rp_rs, "a_rs": self.a_rs,
                "depth": self.depth}


@dataclass(frozen=True)
class FlareInjection:
    """One flare: the Davenport template at `t_peak`, and the grid cell it stands for."""

    cell: int
    t_peak: float
    fwhm: float
    amplitude: float

    def signal(self, time: np.ndarray, exposure: float) -> np.ndarray:
        """Relative flux added on each cadence, averaged over the exposure."""
        return flare_binned(time, self.t_peak, self.fwhm, self.amplitude, exposure)

    def to_dict(self) -> dict[str, float]:
        return {"t_peak": self.t_peak, "fwhm": self.fwhm, "amplitude": self.amplitude}


def planet(cell: int, period: float, t0: float, b: float, star_radius: float | None,
           depth: float | None = None, radius: float | None = None) -> TransitInjection:
    """A planet of the given mid-transit `depth`, or of `radius` Earth radii when the star's radius is known."""
    a_rs = scaled_semi_major_axis(period, star_radius or 1.0)
    if radius is not None:
        rp_rs = radius / (EARTH_RADII_PER_SOLAR_RADIUS * star_radius)
    else:
        rp_rs = brentq(lambda r: central_depth(r, b) - depth, 1e-5, 0.95, xtol=1e-12)
    return TransitInjection(cell, period, t0, b, float(rp_rs), a_rs, central_depth(rp_rs, b))


def central_depth(rp_rs: float, b: float) -> float:
    """Relative flux lost at mid-transit, where the planet is `b` stellar radii from the centre."""
    u1, u2 = LIMB_DARKENING
    return float(occulted_fraction(np.array([b]), rp_rs, u1, u2)[0])


def inject(
    lc: LightCurve, injections: tuple[TransitInjection, ...] | tuple[FlareInjection, ...],
) -> tuple[LightCurve, list[np.ndarray]]:
    """`lc` with every injection's signal multiplied into its flux (errors scaled alike), and the signals."""
    exposure = lc.cadence_days
    signals = [injection.signal(lc.time, exposure) for injection in injections]
    change = np.zeros(len(lc))
    for injection, signal in zip(injections, signals):
        change += -signal if isinstance(injection, TransitInjection) else signal
    injected = replace(lc, flux=lc.flux * (1.0 + change), flux_err=lc.flux_err * (1.0 + change), meta=dict(lc.meta))
    return injected, signals
