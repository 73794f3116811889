"""Evolving starspots on a differentially rotating star: the fast rotators that fooled the flare finder.

A spot is a dark patch at a latitude and longitude; it darkens the star by its
area times its foreshortening (and limb darkening) while it faces us. Spots are
born, grow for about a third of their life and shrink linearly after (the decay
law of sunspot areas), each living a few rotations; spots at other latitudes
rotate at other rates (differential rotation), so they drift past each other.
The sum is periodic only roughly: its shape and depth change from one rotation
to the next, which is what a detrender built for a clean sinusoid gets wrong.
"""
from __future__ import annotations

import numpy as np

from core.synthetic.specs import SpotSpec

_LIMB_DARKENING = 0.6  # linear law, a Sun-like star in a red band
_MAX_LATITUDE_DEG = 45.0
_MIN_SIN_INCLINATION = 0.7  # near equator-on: the spots come and go as the star turns
_GROWTH_SHARE = 0.3  # of a spot's life spent growing
_AREA_SCATTER = 0.3  # log-normal spread of the spots' largest areas


def spot_modulation(time: np.ndarray, spec: SpotSpec, rng: np.random.Generator) -> tuple[np.ndarray, list[dict]]:
    """Relative flux change of the spotted star (median ~0) and one truth dict per spot.

    The summed spot darkening is scaled so that half the range between its 1st
    and 99th percentiles is `spec.amplitude`.
    """
    time = np.asarray(time, dtype=float)
    start, end = float(time[0]), float(time[-1])
    mean_life = spec.period * float(np.mean(spec.lifetime_rotations))
    n_spots = max(1, int(np.ceil(spec.n_alive * (end - start + mean_life) / mean_life)))
    sin_i = rng.uniform(_MIN_SIN_INCLINATION, 1.0)
    cos_i = np.sqrt(1.0 - sin_i**2)
    latitude = np.radians(rng.uniform(-_MAX_LATITUDE_DEG, _MAX_LATITUDE_DEG, n_spots))
    longitude = rng.uniform(0.0, 2 * np.pi, n_spots)
    life = spec.period * rng.uniform(*spec.lifetime_rotations, n_spots)
    born = rng.uniform(start - mean_life, end, n_spots)
    area = np.exp(_AREA_SCATTER * rng.standard_normal(n_spots))
    period = spec.period / (1.0 - spec.shear * np.sin(latitude) ** 2)

    darkening = np.zeros_like(time)
    spots = []
    for k in range(n_spots):
        grown = _area_history(time, born[k], life[k])
        if not grown.any():
            continue
        angle = longitude[k] + 2 * np.pi * (time - start) / period[k]
        mu = sin_i * np.cos(latitude[k]) * np.cos(angle) + cos_i * np.sin(latitude[k])
        facing = np.clip(mu, 0.0, None)
        darkening += area[k] * grown * facing * (1.0 - _LIMB_DARKENING * (1.0 - facing))
        spots.append({"latitude_deg": float(np.degrees(latitude[k])), "longitude_deg": float(np.degrees(longitude[k])),
                      "period": float(period[k]), "born": float(born[k]), "lifetime": float(life[k]),
                      "relative_area": float(area[k])})
    signal = np.median(darkening) - darkening
    low, high = np.percentile(signal, [1, 99])
    scale = 2.0 * spec.amplitude / (high - low) if high > low else 0.0
    return signal * scale, spots


def _area_history(time: np.ndarray, born: float, life: float) -> np.ndarray:
    """A spot's area over time, relative to its largest: linear growth, then linear decay to nothing."""
    growth = _GROWTH_SHARE * life
    age = time - born
    rising = np.clip(age / growth, 0.0, 1.0)
    falling = np.clip((life - age) / (life - growth), 0.0, 1.0)
    return np.where(age < growth, rising, falling)

