"""Noise-free transit shapes: limb-darkened planets crossing their star (the flare template is core.flare_model).

They are pure, vectorised functions of time, so the generator can evaluate them
on supersampled grids and the tests can check them against simple references.
"""
from __future__ import annotations

import numpy as np

# --- Transits -------------------------------------------------------------

# Nodes of the angular quadrature used across the occulted annuli. With the
# cosine substitution below the integrand is smooth, so a few dozen nodes give
# ~1e-6 relative accuracy (tests compare against the exact uniform-disc overlap).
_N_NODES = 48
_CHUNK = 8192


def _cumulative_disc_flux(radius: np.ndarray, u1: float, u2: float) -> np.ndarray:
    """Flux of a quadratic limb-darkened disc inside `radius` (stellar radii), star's total = pi*(1-u1/3-u2/6).

    With mu = sqrt(1 - r^2), r dr = -mu dmu, the integral of I(mu) 2 pi r dr is a
    polynomial in mu, so the inner, fully covered part of the stellar disc needs no quadrature.
    """
    mu = np.sqrt(np.clip(1.0 - np.asarray(radius, dtype=float) ** 2, 0.0, 1.0))

    def antiderivative(m: np.ndarray | float) -> np.ndarray | float:
        return (1 - u1 - u2) * m**2 / 2 + (u1 + 2 * u2) * m**3 / 3 - u2 * m**4 / 4

    return 2 * np.pi * (antiderivative(1.0) - antiderivative(mu))


def _intensity(radius: np.ndarray, u1: float, u2: float) -> np.ndarray:
    one_minus_mu = 1.0 - np.sqrt(np.clip(1.0 - radius**2, 0.0, 1.0))
    return 1.0 - u1 * one_minus_mu - u2 * one_minus_mu**2


def occulted_fraction(z: np.ndarray, rp_rs: float, u1: float = 0.4, u2: float = 0.25) -> np.ndarray:
    """Fraction of the star's light blocked by a planet at projected separation `z` (stellar radii).

    The stellar disc is cut into annuli around its centre; on the annulus of
    radius r the planet covers an arc of half-angle theta(r). The fully covered
    core (r < rp_rs - z) is integrated in closed form, the partly covered ring
    between |z - p| and min(1, z + p) numerically, with r = c - h cos(phi) so the
    square-root edges of theta(r) and of mu(r) become smooth in phi.
    """
    z = np.abs(np.asarray(z, dtype=float))
    p = float(rp_rs)
    total = _cumulative_disc_flux(np.array(1.0), u1, u2)
    blocked = np.zeros_like(z)
    touching = np.flatnonzero(z < 1.0 + p)
    phi = (np.arange(_N_NODES) + 0.5) * np.pi / _N_NODES
    for start in range(0, len(touching), _CHUNK):
        idx = touching[start : start + _CHUNK]
        zz = np.maximum(z[idx], 1e-12)[:, None]
        core = np.clip(p - zz[:, 0], 0.0, 1.0)
        lo = np.minimum(np.abs(zz - p), 1.0)
        hi = np.minimum(zz + p, 1.0)
        centre, half = (lo + hi) / 2, (hi - lo) / 2
        r = centre - half * np.cos(phi)
        cos_theta = np.clip((r**2 + zz**2 - p**2) / (2 * r * zz), -1.0, 1.0)
        ring = _intensity(r, u1, u2) * 2 * np.arccos(cos_theta) * r * half * np.sin(phi)
        blocked[idx] = _cumulative_disc_flux(core, u1, u2) + ring.sum(axis=1) * (np.pi / _N_NODES)
    return blocked / total


def transit_duration(period: float, rp_rs: float, a_rs: float, b: float) -> float:
    """First-to-fourth-contact duration (days) of a circular orbit (Seager & Mallen-Ornelas 2003, eq. 3)."""
    sin_i = np.sqrt(1.0 - (b / a_rs) ** 2)
    chord = np.sqrt((1.0 + rp_rs) ** 2 - b**2)
    return float(period / np.pi * np.arcsin(min(1.0, chord / (a_rs * sin_i))))


def a_rs_from_duration(period: float, rp_rs: float, duration: float, b: float) -> float:
    """Scaled semi-major axis that gives the requested first-to-fourth-contact duration (inverse of the above)."""
    chord2 = (1.0 + rp_rs) ** 2 - b**2
    return float(np.sqrt(b**2 + chord2 / np.sin(np.pi * duration / period) ** 2))


def projected_separation(time: np.ndarray, period: float, t0: float, a_rs: float, b: float) -> np.ndarray:
    """Sky-projected star-planet distance (stellar radii), circular orbit; +inf while the planet is behind the star."""
    phase = 2 * np.pi * (np.asarray(time, dtype=float) - t0) / period
    cos_i = b / a_rs
    z = a_rs * np.sqrt(np.sin(phase) ** 2 + (cos_i * np.cos(phase)) ** 2)
    return np.where(np.cos(phase) > 0, z, np.inf)


def transit_dip(
    time: np.ndarray,
    period: float,
    t0: float,
    rp_rs: float,
    a_rs: float,
    b: float,
    u1: float = 0.4,
    u2: float = 0.25,
    exposure: float = 0.0,
    n_sub: int = 1,
) -> np.ndarray:
    """Relative flux lost to the planet (>= 0), averaged over an exposure of `exposure` days.

    The exposure is sampled at `n_sub` evenly spaced instants, so long-cadence
    ingress and egress are smeared as they are in Kepler 30-min data.
    """
    time = np.asarray(time, dtype=float)
    n_sub = max(1, int(n_sub))
    offsets = ((np.arange(n_sub) + 0.5) / n_sub - 0.5) * exposure
    sub_times = time[:, None] + offsets[None, :]
    z = projected_separation(sub_times.ravel(), period, t0, a_rs, b)
    return occulted_fraction(z, rp_rs, u1, u2).reshape(sub_times.shape).mean(axis=1)
