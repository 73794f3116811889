"""Noise-free shapes of the events no periodic template names, and of bumps that only look like flares.

Unusual events (issue 23): a single transit, an asymmetric dip, a microlensing-
like brightening, a lasting step and a burst of oscillation. Flare impostors
(issue 16): a symmetric bump and a bump that rises slowly and drops fast (a
flare run backwards). Every shape is a pure function of time with peak 1 (or a
jump of 1), averaged over each exposure by `exposure_average`, and comes with the
span a detection must touch to count.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy import special
from scipy.optimize import brentq

from core.synthetic.signals import occulted_fraction, projected_separation, transit_dip
from core.synthetic.specs import EventSpec, PlanetSpec

# A brightening's span ends where its excess falls below this share of the peak.
BRIGHTENING_EDGE = 0.1
# A bump's span: a symmetric bump's +-1.5 FWHM (0.2% of its peak); a slow rise's last 3 e-folds and the first 3 of
# its drop (where it ends: see slow_rise_bump).
BUMP_EDGE_FWHM = 1.5
BUMP_EDGE_EFOLDS = 3.0
SLOW_RISE_DROP = 1.0 / 20.0  # a slow-rise bump drops this many times faster than it rose
OSCILLATION_TAPER = 0.2  # share of a burst's length at each end over which it fades in and out
SINGLE_TRANSIT_IMPACT = 0.3
_SINGLE_TRANSIT_PERIOD_FACTOR = 1000.0  # a single transit is a planet whose period is this many durations

Shape = Callable[[np.ndarray], np.ndarray]

# Tovar Mendoza et al. (2022, AJ 164, 17), eq. 4: a Gaussian heating pulse convolved with a two-exponential
# decay, in units of the flare's half-width. Their published best-fit constants.
_MENDOZA_A, _MENDOZA_B, _MENDOZA_C = 0.9687734504375167, -0.251299705922117, 0.22675974948468916
_MENDOZA_DECAYS = (0.15551880775110513, 1.2150539528490194)
_MENDOZA_WEIGHTS = (0.12695865022878844, 1.0 - 0.12695865022878844)


def exposure_average(shape: Shape, time: np.ndarray, exposure: float, n_sub: int) -> np.ndarray:
    """`shape` averaged over each exposure, sampled at `n_sub` evenly spaced instants (as transits are)."""
    time = np.asarray(time, dtype=float)
    n_sub = max(1, int(n_sub))
    offsets = ((np.arange(n_sub) + 0.5) / n_sub - 0.5) * exposure
    return shape((time[:, None] + offsets[None, :]).ravel()).reshape(time.size, n_sub).mean(axis=1)


# --- A flare of another shape than the detector's template ---------------------


def _mendoza_raw(x: np.ndarray) -> np.ndarray:
    """The published profile at x half-widths from its reference time (peak ~0.95 near x = 0)."""
    total = np.zeros_like(x, dtype=float)
    for weight, decay in zip(_MENDOZA_WEIGHTS, _MENDOZA_DECAYS):
        exponent = -decay * x + (_MENDOZA_B / _MENDOZA_C + decay * _MENDOZA_C / 2.0) ** 2
        argument = (_MENDOZA_B - x) / _MENDOZA_C + _MENDOZA_C * decay / 2.0
        total += weight * np.exp(np.minimum(exponent, 700.0)) * special.erfc(argument)
    return math.sqrt(math.pi) * _MENDOZA_A * _MENDOZA_C / 2.0 * total


def _mendoza_normalisation() -> tuple[float, float, float, float]:
    """Peak, time of peak, FWHM and area of the raw profile, measured on a fine grid once."""
    x = np.linspace(-3.0, 60.0, 63_001)
    profile = _mendoza_raw(x)
    peak = float(profile.max())
    above = x[profile >= peak / 2.0]
    return peak, float(x[profile.argmax()]), float(above[-1] - above[0]), float(np.trapezoid(profile, x))


_MENDOZA_PEAK, _MENDOZA_T_PEAK, _MENDOZA_FWHM, _MENDOZA_AREA = _mendoza_normalisation()
# Area of the peak-1, FWHM-1 flare: its equivalent duration is amplitude x fwhm x this.
MENDOZA_AREA = _MENDOZA_AREA / (_MENDOZA_PEAK * _MENDOZA_FWHM)


def mendoza_flare(t_peak: float, fwhm: float) -> Shape:
    """Mendoza et al. (2022) flare of peak 1 at t_peak and full width at half maximum fwhm.

    Rounder at the peak and longer in the tail than Davenport (2014), the template
    the detector fits: injecting it asks whether the detector finds flares it was
    not built around.
    """
    return lambda t: _mendoza_raw((np.asarray(t, dtype=float) - t_peak) / fwhm * _MENDOZA_FWHM
                                  + _MENDOZA_T_PEAK) / _MENDOZA_PEAK


# --- Flare impostors ---------------------------------------------------------


def symmetric_bump(t_peak: float, fwhm: float) -> Shape:
    """A Gaussian bump of peak 1: rises as slowly as it falls, which no flare does."""
    width = fwhm / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    return lambda t: np.exp(-0.5 * ((t - t_peak) / width) ** 2)


def slow_rise_bump(t_peak: float, rise: float) -> Shape:
    """An exponential rise with e-folding time `rise` to a peak of 1, then a drop SLOW_RISE_DROP times faster.

    Both exponentials are lowered to reach zero BUMP_EDGE_EFOLDS e-folds from the
    peak and are zero beyond, so a bump ends where its span says and adds nothing
    to its neighbours.
    """
    drop = rise * SLOW_RISE_DROP
    floor = math.exp(-BUMP_EDGE_EFOLDS)

    def shape(t: np.ndarray) -> np.ndarray:
        x = t - t_peak
        scaled = np.where(x <= 0, np.minimum(x, 0.0) / rise, -np.maximum(x, 0.0) / drop)
        return np.clip((np.exp(scaled) - floor) / (1.0 - floor), 0.0, None)

    return shape


def bump_span(shape: str, t_peak: float, width: float) -> tuple[float, float]:
    """Where a bump of `width` (FWHM of a symmetric one, rise time of a slow one) stands above its wings."""
    if shape == "symmetric":
        return t_peak - BUMP_EDGE_FWHM * width, t_peak + BUMP_EDGE_FWHM * width
    return t_peak - BUMP_EDGE_EFOLDS * width, t_peak + BUMP_EDGE_EFOLDS * width * SLOW_RISE_DROP


# --- Unusual events ----------------------------------------------------------


def event_signal(
    spec: EventSpec, time: np.ndarray, exposure: float, n_sub: int, limb_darkening: tuple[float, float]
) -> tuple[np.ndarray, tuple[float, float]]:
    """The event's relative flux change on every cadence, and its span (t_start, t_end)."""
    if spec.kind == "single_transit":
        signal = -single_transit(time, spec.t_peak, -spec.amplitude, spec.duration, exposure, n_sub, limb_darkening)
        return signal, (spec.t_peak - spec.duration / 2, spec.t_peak + spec.duration / 2)
    if spec.kind == "dip":
        going_in = spec.asymmetry * spec.duration
        shape = asymmetric_dip(spec.t_peak, going_in, spec.duration - going_in)
        return spec.amplitude * exposure_average(shape, time, exposure, n_sub), (
            spec.t_peak - going_in, spec.t_peak + spec.duration - going_in)
    if spec.kind == "brightening":
        shape, half_span = microlensing(spec.amplitude, spec.duration)
        return exposure_average(lambda t: shape(t - spec.t_peak), time, exposure, n_sub), (
            spec.t_peak - half_span, spec.t_peak + half_span)
    if spec.kind == "step":
        return spec.amplitude * exposure_average(lambda t: (t >= spec.t_peak).astype(float), time, exposure,
                                                 n_sub), (spec.t_peak, spec.t_peak)
    assert spec.period is not None  # EventSpec checks an oscillation has one
    shape = oscillation_burst(spec.t_peak, spec.duration, spec.period)
    return spec.amplitude * exposure_average(shape, time, exposure, n_sub), (
        spec.t_peak - spec.duration / 2, spec.t_peak + spec.duration / 2)


def single_transit(
    time: np.ndarray, t_mid: float, depth: float, duration: float, exposure: float, n_sub: int,
    limb_darkening: tuple[float, float],
) -> np.ndarray:
    """Flux lost (>= 0) to one limb-darkened transit `depth` deep at its centre, lasting `duration` (days).

    It is a planet on an orbit so long that no other transit falls near the curve,
    with the radius ratio that gives the requested central depth.
    """
    u1, u2 = limb_darkening
    period = _SINGLE_TRANSIT_PERIOD_FACTOR * duration

    def centre_depth(rp_rs: float) -> float:
        planet = PlanetSpec(period=period, t0=0.0, rp_rs=rp_rs, b=SINGLE_TRANSIT_IMPACT, duration=duration)
        z = projected_separation(np.array([0.0]), period, 0.0, planet.a_rs, planet.b)
        return float(occulted_fraction(z, rp_rs, u1, u2)[0]) - depth

    rp_rs = brentq(centre_depth, 1e-4, 0.9, xtol=1e-10)
    planet = PlanetSpec(period=period, t0=t_mid, rp_rs=rp_rs, b=SINGLE_TRANSIT_IMPACT, duration=duration)
    return transit_dip(time, period, t_mid, rp_rs, planet.a_rs, planet.b, u1, u2, exposure, n_sub)


def asymmetric_dip(t_peak: float, going_in: float, coming_out: float) -> Shape:
    """A dimming of depth 1 at `t_peak`: half a cosine down over `going_in` days, half a cosine up over `coming_out`.

    Unequal halves make the fast-in-slow-out (or the reverse) dimmings of
    Boyajian's star, which neither a transit (symmetric) nor a flare fits.
    """
    def shape(t: np.ndarray) -> np.ndarray:
        x = t - t_peak
        down = 0.5 * (1.0 + np.cos(np.pi * np.clip(x / going_in, -1.0, 0.0)))
        up = 0.5 * (1.0 + np.cos(np.pi * np.clip(x / coming_out, 0.0, 1.0)))
        return np.where(x < 0, down, up)

    return shape


def microlensing(amplitude: float, fwhm: float) -> tuple[Shape, float]:
    """A point-lens magnification curve (Paczynski 1986) peaking `amplitude` above 1, `fwhm` days wide.

    The impact parameter u0 is what gives that peak, A(u0) - 1 = amplitude; the
    Einstein time is what gives that width. Returns the excess as a function of
    (t - t_peak) and the half-width where it falls to BRIGHTENING_EDGE of the peak.
    """
    def excess(u: np.ndarray | float) -> np.ndarray | float:
        return (u * u + 2.0) / (u * np.sqrt(u * u + 4.0)) - 1.0

    u0 = brentq(lambda u: excess(u) - amplitude, 1e-6, 1e3)

    def offset_at(share: float) -> float:
        """Time from the peak, in Einstein times, when the excess is `share` of its peak."""
        u = brentq(lambda v: excess(v) - share * amplitude, u0, 1e4)
        return math.sqrt(u * u - u0 * u0)

    einstein_time = fwhm / (2.0 * offset_at(0.5))
    return (lambda dt: excess(np.sqrt(u0 * u0 + (dt / einstein_time) ** 2))), einstein_time * offset_at(
        BRIGHTENING_EDGE)


def oscillation_burst(t_mid: float, length: float, period: float) -> Shape:
    """A sine of amplitude 1 and `period`, switched on for `length` days around `t_mid`, fading in and out."""
    taper = OSCILLATION_TAPER * length

    def shape(t: np.ndarray) -> np.ndarray:
        from_edge = length / 2 - np.abs(t - t_mid)
        envelope = np.where(from_edge >= taper, 1.0,
                            0.5 * (1.0 - np.cos(np.pi * np.clip(from_edge, 0.0, taper) / taper)))
        return envelope * np.sin(2 * np.pi * (t - t_mid) / period)

    return shape
