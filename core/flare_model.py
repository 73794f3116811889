"""The flare template (Davenport et al. 2014, ApJ 797, 122): what a white-light flare looks like.

One shape, used twice: the synthetic generator injects it, and the flare detector fits it
(averaged over each exposure) to tell a flare from a glitch, a step or a smooth bump.
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial import polynomial as P
from scipy.optimize import brentq

# Rise for -1 <= x <= 0 and decay for x > 0, with x = (t - t_peak) / fwhm, peak = 1.
_RISE = np.array([1.0, 1.941, -0.175, -2.246, -1.125])
_DECAY_WEIGHTS = np.array([0.6890, 0.3030])
_DECAY_RATES = np.array([1.600, 0.2783])
_RISE_INTEGRAL = P.polyint(_RISE, lbnd=-1.0)
# Past this many FWHMs after the peak both decay terms of the cumulative integral have saturated in double
# precision (-expm1(-r x) rounds to 1 once r x > ~37.4), so an exposure there gains exactly nothing.
_SATURATED_X = 40.0 / float(np.min(_DECAY_RATES))
RISE_AREA = float(P.polyval(0.0, _RISE_INTEGRAL))
DECAY_AREA = float(np.sum(_DECAY_WEIGHTS / _DECAY_RATES))


def flare_template(time: np.ndarray, t_peak: float, fwhm: float, amplitude: float = 1.0) -> np.ndarray:
    """Instantaneous relative flux increase of a flare: polynomial rise, double-exponential decay."""
    x = (np.asarray(time, dtype=float) - t_peak) / fwhm
    rise = P.polyval(x, _RISE)
    decay = _DECAY_WEIGHTS[0] * np.exp(-_DECAY_RATES[0] * np.maximum(x, 0.0))
    decay = decay + _DECAY_WEIGHTS[1] * np.exp(-_DECAY_RATES[1] * np.maximum(x, 0.0))
    shape = np.where(x > 0, decay, np.where(x >= -1.0, rise, 0.0))
    return amplitude * shape


def flare_cumulative(time: np.ndarray, t_peak: np.ndarray | float, fwhm: np.ndarray | float) -> np.ndarray:
    """Integral (days) of the unit-amplitude template up to `time`; tends to fwhm * (RISE_AREA + DECAY_AREA).

    `time`, `t_peak` and `fwhm` broadcast against each other, so one call gives a whole grid of templates.
    """
    x = (np.asarray(time, dtype=float) - t_peak) / fwhm
    rise = P.polyval(np.clip(x, -1.0, 0.0), _RISE_INTEGRAL)
    after = np.maximum(x, 0.0)
    decay = sum(w / r * -np.expm1(-r * after) for w, r in zip(_DECAY_WEIGHTS, _DECAY_RATES))
    return fwhm * (rise + decay)


def flare_binned(
    time: np.ndarray, t_peak: np.ndarray | float, fwhm: np.ndarray | float, amplitude: float, exposure: float
) -> np.ndarray:
    """Template averaged exactly over each exposure (days), via the closed-form integral.

    A 5-minute flare seen at 30-minute cadence is mostly averaged away; this
    is what makes long-cadence flares look realistic. Arguments broadcast, as in
    `flare_cumulative`.
    """
    time = np.asarray(time, dtype=float)
    if exposure <= 0:
        return flare_template(time, t_peak, fwhm, amplitude)
    half = exposure / 2
    gained = flare_cumulative(time + half, t_peak, fwhm) - flare_cumulative(time - half, t_peak, fwhm)
    return amplitude * gained / exposure


def flare_support(time: np.ndarray, t_peak: float, fwhm: float, exposure: float) -> slice:
    """The indices of sorted `time` outside which `flare_binned` is exactly zero.

    Before the rise starts both ends of an exposure see a zero integral, and long after the
    peak both see the saturated one; so a flare's model is computed on this slice alone
    (the same values, bit for bit) instead of on the whole curve.
    """
    return _support(time, t_peak - fwhm, t_peak + _SATURATED_X * fwhm, fwhm, exposure)


def flare_binned_grid(time: np.ndarray, t_peaks: np.ndarray, fwhms: np.ndarray, exposure: float) -> np.ndarray:
    """(time.size, grid size) array whose column j is `flare_binned(time, t_peaks[j], fwhms[j], 1.0, exposure)`.

    Only the rows where some template can be non-zero are computed (the rest are exactly
    zero): about half of a window centred on the flare's peak.
    """
    t_peaks, fwhms = np.asarray(t_peaks, dtype=float), np.asarray(fwhms, dtype=float)
    rows = _support(time, float(np.min(t_peaks - fwhms)), float(np.max(t_peaks + _SATURATED_X * fwhms)),
                    float(np.max(fwhms)), exposure)
    columns = np.zeros((len(time), t_peaks.size))
    columns[rows] = flare_binned(time[rows, None], t_peaks[None, :], fwhms[None, :], 1.0, exposure)
    return columns


def _support(time: np.ndarray, start: float, end: float, fwhm: float, exposure: float) -> slice:
    """Indices of sorted `time` whose exposures reach into [start, end], with a margin for rounding."""
    if exposure <= 0:  # the instantaneous template's decay never rounds to zero this soon
        return slice(0, len(time))
    half = exposure / 2
    reach = 1e-6 * fwhm + 1e-9  # a margin for the rounding of (t - t_peak) / fwhm
    first = int(np.searchsorted(time, start - half - reach, side="left"))
    stop = int(np.searchsorted(time, end + half + reach, side="right"))
    return slice(first, stop)


def flare_equivalent_duration(fwhm: float, amplitude: float) -> float:
    """Equivalent duration (same unit as `fwhm`): the time the quiescent star needs to emit the flare's energy."""
    return float(amplitude * fwhm * (RISE_AREA + DECAY_AREA))


def flare_end_offset(fraction: float = 0.01) -> float:
    """Time after the peak, in units of fwhm, when the decay falls to `fraction` of the peak."""
    return float(brentq(lambda x: float(np.exp(-x * _DECAY_RATES) @ _DECAY_WEIGHTS) - fraction, 0.0, 1e3))


def rise_offset(fraction: float) -> float:
    """Time before the peak, in units of fwhm, when the rise passes `fraction` of the peak."""
    return float(-brentq(lambda x: float(P.polyval(x, _RISE)) - fraction, -1.0, 0.0))
