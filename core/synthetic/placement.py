"""Randomly placed events: flares, outliers (spikes, drops, flat-topped glitches) and flare-like bumps.

Each lands on kept cadences, away from every event placed before it (`busy`),
so the truth never holds two signals on top of each other; each draws only from
the random stream it is given.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.errors import ConfigError
from core.flare_model import flare_binned, flare_end_offset, flare_equivalent_duration
from core.synthetic.event_shapes import bump_span, exposure_average, slow_rise_bump, symmetric_bump

OUTLIER_SHAPES = ("spike", "drop", "glitch")
BUMP_SHAPES = ("symmetric", "slow_rise")
OUTLIER_MIN_SEPARATION = 10  # cadences between two outliers


def near(mask: np.ndarray, before: int, after: int) -> np.ndarray:
    """True at i when mask is set anywhere in i - after .. i + before (index units).

    An event starting `after` cadences before i and ending `before` cadences after
    it would touch a set cadence, so these are the forbidden places for it.
    """
    count = np.concatenate(([0], np.cumsum(mask)))
    i = np.arange(len(mask))
    return count[np.minimum(i + before + 1, len(mask))] - count[np.maximum(i - after, 0)] > 0


def pick(allowed: np.ndarray, rng: np.random.Generator, what: str) -> int:
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        raise ConfigError(f"no room left on the curve to place {what}; ask for fewer or a longer curve")
    return int(rng.choice(candidates))


def place_flares(
    time: np.ndarray, kept: np.ndarray, cadence: float, busy: np.ndarray, n_flares: int,
    amp_range: tuple[float, float], fwhm_range_min: tuple[float, float], rng: np.random.Generator,
) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Flares peaking within half a cadence of a kept cadence, none overlapping another or a transit."""
    end_offset = flare_end_offset()
    widest = fwhm_range_min[1] / 1440.0
    # A peak at cadence i covers i - rise .. i + decay (in cadences) for the widest flare.
    rise, decay = math.ceil(widest / cadence) + 1, math.ceil(end_offset * widest / cadence) + 1
    placed = []
    for _ in range(n_flares):
        amplitude = float(np.exp(rng.uniform(np.log(amp_range[0]), np.log(amp_range[1]))))
        fwhm = float(rng.uniform(*fwhm_range_min)) / 1440.0
        centre = pick(kept & ~near(busy, before=decay, after=rise), rng, f"{n_flares} flares")
        t_peak = float(time[centre] + rng.uniform(-0.5, 0.5) * cadence)
        t_start, t_end = t_peak - fwhm, t_peak + end_offset * fwhm
        busy |= (time >= t_start - cadence) & (time <= t_end + cadence)
        signal = flare_binned(time, t_peak, fwhm, amplitude, cadence)
        highest = np.sort(signal[kept])[-2:]
        placed.append(({
            "kind": "flare", "t_start": t_start, "t_end": t_end, "t_peak": t_peak, "amplitude": amplitude,
            "observed_amplitude": float(highest[-1]), "observed_second": float(highest[0]), "fwhm": fwhm,
            "equivalent_duration": flare_equivalent_duration(fwhm, amplitude),
        }, signal))
    return placed


def place_outliers(
    time: np.ndarray, kept: np.ndarray, busy: np.ndarray, n_outliers: int, sigma_range: tuple[float, float],
    sigma: float, glitch_cadences: tuple[int, int], rng: np.random.Generator,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Spikes (+) and drops (-) of one cadence, and flat-topped glitches (either sign) of `glitch_cadences`
    (low, high) cadences, on kept cadences away from other events.

    A glitch is a box: every cadence in it is offset by the same amplitude, with
    sharp edges on both sides, as a cosmic-ray hit or a pointing jump leaves it.
    """
    flux = np.zeros(len(time))
    events = []
    for _ in range(n_outliers):
        shape = str(rng.choice(OUTLIER_SHAPES))
        n_sigma = float(rng.uniform(*sigma_range))
        if shape == "glitch":
            sign = float(rng.choice((-1.0, 1.0)))
            low, high = glitch_cadences
            width = low if low == high else int(rng.integers(low, high + 1))
        else:
            sign = 1.0 if shape == "spike" else -1.0
            width = 1
        allowed = kept & ~near(busy, before=OUTLIER_MIN_SEPARATION + width - 1, after=OUTLIER_MIN_SEPARATION)
        first = pick(allowed & _run_kept(kept, width), rng, f"{n_outliers} outliers")
        cadences = slice(first, first + width)
        amplitude = sign * n_sigma * sigma
        flux[cadences] = amplitude
        busy[cadences] = True
        events.append({
            "kind": "outlier", "t_start": float(time[first]), "t_end": float(time[first + width - 1]),
            "t_peak": float(time[first]), "amplitude": amplitude, "observed_amplitude": amplitude,
            "sigma": n_sigma, "shape": shape, "n_cadences": width,
        })
    return flux, events


def _run_kept(kept: np.ndarray, width: int) -> np.ndarray:
    """True at i when cadences i .. i + width - 1 (on the regular grid) are all kept."""
    count = np.concatenate(([0], np.cumsum(kept)))
    i = np.arange(len(kept))
    return count[np.minimum(i + width, len(kept))] - count[i] == width


def place_bumps(
    time: np.ndarray, kept: np.ndarray, cadence: float, busy: np.ndarray, n_bumps: int,
    amp_range: tuple[float, float], width_range_hours: tuple[float, float], n_sub: int, rng: np.random.Generator,
) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Bumps that a flare finder may take for flares but are not: symmetric, or rising slowly and dropping fast.

    `width` is a symmetric bump's FWHM or a slow bump's rise time (e-folding),
    drawn from `width_range_hours`; amplitudes are log-uniform in `amp_range`.
    Each peaks on a kept cadence, its span clear of every other event.
    """
    placed = []
    for _ in range(n_bumps):
        shape = str(rng.choice(BUMP_SHAPES))
        amplitude = float(np.exp(rng.uniform(np.log(amp_range[0]), np.log(amp_range[1]))))
        width = float(rng.uniform(*width_range_hours)) / 24.0
        rise, fall = bump_span(shape, 0.0, width)
        allowed = kept & ~near(busy, before=math.ceil(fall / cadence) + 1, after=math.ceil(-rise / cadence) + 1)
        centre = pick(allowed, rng, f"{n_bumps} bumps")
        t_peak = float(time[centre])
        t_start, t_end = bump_span(shape, t_peak, width)
        busy |= (time >= t_start - cadence) & (time <= t_end + cadence)
        form = symmetric_bump(t_peak, width) if shape == "symmetric" else slow_rise_bump(t_peak, width)
        signal = amplitude * exposure_average(form, time, cadence, n_sub)
        placed.append(({
            "kind": "bump", "shape": shape, "t_start": t_start, "t_end": t_end, "t_peak": t_peak,
            "amplitude": amplitude, "observed_amplitude": float(signal[kept].max()), "width": width,
        }, signal))
    return placed
