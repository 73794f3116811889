"""Noise-free signal shapes: limb-darkened transits and Davenport (2014) flares.

Both are pure, vectorised functions of time, so the generator can evaluate them
on supersampled grids and the tests can check them against simple references.
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial import polynomial as P
from scipy.optimize import brentq

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


# --- Flares (Davenport et al. 2014, ApJ 797, 122, eqs. 1 and 4) ---------------

# Rise for -1 <= x <= 0 and decay for x > 0, with x = (t - t_peak) / fwhm, peak = 1.
_RISE = np.array([1.0, 1.941, -0.175, -2.246, -1.125])
_DECAY_WEIGHTS = np.array([0.6890, 0.3030])
_DECAY_RATES = np.array([1.600, 0.2783])
_RISE_INTEGRAL = P.polyint(_RISE, lbnd=-1.0)
RISE_AREA = float(P.polyval(0.0, _RISE_INTEGRAL))
DECAY_AREA = float(np.sum(_DECAY_WEIGHTS / _DECAY_RATES))


def flare_template(time: np.ndarray, t_peak: float, fwhm: float, amplitude: float = 1.0) -> np.ndarray:
    """Instantaneous relative flux increase of a flare: polynomial rise, double-exponential decay."""
    x = (np.asarray(time, dtype=float) - t_peak) / fwhm
    rise = P.polyval(x, _RISE)
    decay = np.exp(-np.multiply.outer(np.maximum(x, 0.0), _DECAY_RATES)) @ _DECAY_WEIGHTS
    shape = np.where(x > 0, decay, np.where(x >= -1.0, rise, 0.0))
    return amplitude * shape


def flare_cumulative(time: np.ndarray, t_peak: float, fwhm: float) -> np.ndarray:
    """Integral (days) of the unit-amplitude template up to `time`; tends to fwhm * (RISE_AREA + DECAY_AREA)."""
    x = (np.asarray(time, dtype=float) - t_peak) / fwhm
    rise = P.polyval(np.clip(x, -1.0, 0.0), _RISE_INTEGRAL)
    decay = (1.0 - np.exp(-np.multiply.outer(np.maximum(x, 0.0), _DECAY_RATES))) @ (_DECAY_WEIGHTS / _DECAY_RATES)
    return fwhm * (rise + decay)


def flare_binned(
    time: np.ndarray, t_peak: float, fwhm: float, amplitude: float, exposure: float
) -> np.ndarray:
    """Template averaged exactly over each exposure (days), via the closed-form integral.

    A 5-minute flare seen at 30-minute cadence is mostly averaged away; this
    is what makes long-cadence flares look realistic.
    """
    time = np.asarray(time, dtype=float)
    if exposure <= 0:
        return flare_template(time, t_peak, fwhm, amplitude)
    half = exposure / 2
    gained = flare_cumulative(time + half, t_peak, fwhm) - flare_cumulative(time - half, t_peak, fwhm)
    return amplitude * gained / exposure


def flare_equivalent_duration(fwhm: float, amplitude: float) -> float:
    """Equivalent duration (same unit as `fwhm`): the time the quiescent star needs to emit the flare's energy."""
    return float(amplitude * fwhm * (RISE_AREA + DECAY_AREA))


def flare_end_offset(fraction: float = 0.01) -> float:
    """Time after the peak, in units of fwhm, when the decay falls to `fraction` of the peak."""
    return float(brentq(lambda x: float(np.exp(-x * _DECAY_RATES) @ _DECAY_WEIGHTS) - fraction, 0.0, 1e3))
