"""Eclipsing binaries and rotation-harmonic dimmings: the false planets vetting must tell apart.

An eclipsing binary dims twice per orbit: the primary eclipse (the companion in front)
and the secondary (the companion behind its star, at `secondary_phase`, 0.5 for a
circular orbit), each as deep as the light the hidden disc gives. Both share the
geometry of the same two discs (radius ratio, impact parameter, duration): the
primary keeps the limb-darkened shape, the secondary the uniform companion's;
each is scaled to its own depth. With b near 1 + k they are grazing and V-shaped.

A rotation-harmonic dimming is a spotted star seen as a dip: the spot's darkening
follows its projected area, sharp when the spot crosses the disc's centre, smooth
near the limb, so the light curve has harmonics at P_rot / 2, P_rot / 3 ...
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import ConfigError
from core.synthetic.signals import a_rs_from_duration, transit_dip


@dataclass(frozen=True)
class BinarySpec:
    """An eclipsing binary: period and duration (days), a primary mid-eclipse t0, eclipse depths (relative
    flux at their deepest), radius ratio k and impact parameter b (b >= 1 - k grazes), and the phase of the
    secondary eclipse."""

    period: float
    t0: float
    primary_depth: float
    secondary_depth: float
    radius_ratio: float
    b: float
    duration: float
    secondary_phase: float = 0.5

    def __post_init__(self) -> None:
        if not (self.period > 0 and 0 < self.duration < self.period / 4):
            raise ConfigError(f"eclipse duration must be in (0, period/4), got {self.duration} at P={self.period}")
        if not (0 < self.primary_depth < 1 and 0 <= self.secondary_depth < 1):
            raise ConfigError("eclipse depths must be in [0, 1) (the primary above 0)")
        if not (0 < self.radius_ratio < 1 and 0 <= self.b < 1 + self.radius_ratio):
            raise ConfigError("radius_ratio must be in (0, 1) and b in [0, 1 + radius_ratio) to eclipse")
        if not 0 < self.secondary_phase < 1:
            raise ConfigError(f"secondary_phase must be in (0, 1), got {self.secondary_phase}")


def eclipse_dips(time: np.ndarray, spec: BinarySpec, exposure: float = 0.0, n_sub: int = 1,
                 limb_darkening: tuple[float, float] = (0.4, 0.25)) -> np.ndarray:
    """Relative flux lost to both eclipses on every cadence (>= 0), averaged over the exposure."""
    k, b = spec.radius_ratio, spec.b
    a_rs = a_rs_from_duration(spec.period, k, spec.duration, b)
    primary = transit_dip(time, spec.period, spec.t0, k, a_rs, b, *limb_darkening, exposure, n_sub)
    out = spec.primary_depth * primary / _deepest(spec, a_rs, limb_darkening)
    if spec.secondary_depth > 0:
        t2 = spec.t0 + spec.secondary_phase * spec.period
        secondary = transit_dip(time, spec.period, t2, k, a_rs, b, 0.0, 0.0, exposure, n_sub)
        out += spec.secondary_depth * secondary / _deepest(spec, a_rs, (0.0, 0.0))
    return out


def _deepest(spec: BinarySpec, a_rs: float, limb_darkening: tuple[float, float]) -> float:
    """The eclipse shape's value at mid-eclipse, so that depths scale the deepest point."""
    return float(transit_dip(np.array([spec.t0]), spec.period, spec.t0, spec.radius_ratio, a_rs, spec.b,
                             *limb_darkening)[0])


def spot_dimming(time: np.ndarray, period: float, amplitude: float, t_min: float, sharpness: float) -> np.ndarray:
    """Relative flux lost to one dark spot on a rotating star (>= 0, `amplitude` at its deepest, at `t_min`).

    The spot's projected area goes as cos(longitude) while it faces us; `sharpness` >= 1
    raises it to that power (a spot near the pole of an inclined star, or limb
    darkening, narrows the dimming), so the signal is periodic at `period` with strong
    harmonics, a dip with no flat bottom that a box search may take for a transit.
    """
    angle = 2 * np.pi * (np.asarray(time, dtype=float) - t_min) / period
    return amplitude * np.clip(np.cos(angle), 0.0, None) ** sharpness
