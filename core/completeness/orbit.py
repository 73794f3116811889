"""Where an injected planet's orbit puts it: a/R* and transit duration for a main-sequence star of a given radius.

Only the star's radius is read from a file header, so its mass is taken equal to
its radius in solar units (roughly true from M dwarfs to F stars); a Sun-like star
when the radius is unknown.
"""
from __future__ import annotations

import numpy as np

SOLAR_RADII_PER_AU = 215.0
EARTH_RADII_PER_SOLAR_RADIUS = 109.1


def scaled_semi_major_axis(period: float, star_radius: float = 1.0) -> float:
    """a/R* by Kepler's third law for a star of `star_radius` solar radii and as many solar masses."""
    a_au = (period / 365.25) ** (2.0 / 3.0) * star_radius ** (1.0 / 3.0)
    return SOLAR_RADII_PER_AU * a_au / star_radius


def central_duration(period: float, star_radius: float = 1.0) -> float:
    """Duration (days) of a central transit of a small planet across that star."""
    return float(period / np.pi * np.arcsin(min(1.0, 1.0 / scaled_semi_major_axis(period, star_radius))))
