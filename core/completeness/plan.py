"""Where and when each injection goes: every random draw of a run, made up front from its seed.

The plan is made in the calling process before any analysis runs, so a seeded
run injects exactly the same signals whatever the number of workers and in
whatever order they finish. Cells are dealt round-robin, so each cell gets the
same number of injections (give or take one), in a shuffled order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.completeness.grid import Grid
from core.completeness.inject import MAX_IMPACT, FlareInjection, TransitInjection, planet
from core.errors import ConfigError
from core.flare_model import flare_end_offset

FLARES_PER_TRIAL = 5  # flares injected into one copy of the curve, far enough apart not to touch
FLARE_END_FRACTION = 0.01  # a flare occupies the curve until its decay falls to this share of the peak
MARGIN_CADENCES = 3  # free cadences kept between an injected flare and any other event
PLACEMENT_TRIES = 200


@dataclass(frozen=True)
class Trial:
    """One copy of the curve with its injections, analysed once."""

    injections: tuple[TransitInjection, ...] | tuple[FlareInjection, ...]


def shuffled_cells(grid: Grid, n_injections: int, rng: np.random.Generator) -> np.ndarray:
    """Cell number of each injection: every cell n_injections // n_cells times or once more, in random order."""
    return rng.permutation(np.arange(n_injections) % grid.n_cells)


def plan_transits(
    grid: Grid, n_injections: int, rng: np.random.Generator, time: np.ndarray, star_radius: float | None,
) -> list[Trial]:
    """One planet per trial (two planets in one curve would compete for the search's rounds)."""
    trials = []
    for cell in shuffled_cells(grid, n_injections, rng):
        period, strength = grid.cell_values(int(cell))
        t0 = float(time[0] + rng.uniform(0.0, period))
        b = float(rng.uniform(0.0, MAX_IMPACT))
        size = {grid.y_name: strength}
        trials.append(Trial((planet(int(cell), period, t0, b, star_radius, **size),)))
    return trials


def plan_flares(
    grid: Grid, n_injections: int, rng: np.random.Generator, kept_time: np.ndarray, busy: list[tuple[float, float]],
) -> list[Trial]:
    """Up to FLARES_PER_TRIAL flares per trial, on kept data, clear of the curve's own events and of each other."""
    cadence = float(np.median(np.diff(kept_time)))
    margin = MARGIN_CADENCES * cadence
    tail = flare_end_offset(FLARE_END_FRACTION)
    trials: list[Trial] = []
    current: list[FlareInjection] = []
    taken: list[tuple[float, float]] = []
    for cell in shuffled_cells(grid, n_injections, rng):
        fwhm, amplitude = grid.cell_values(int(cell))
        if len(current) == FLARES_PER_TRIAL:
            trials.append(Trial(tuple(current)))
            current, taken = [], []
        t_peak = _free_peak(rng, kept_time, cadence, fwhm, tail, margin, busy + taken)
        if t_peak is None and current:
            trials.append(Trial(tuple(current)))
            current, taken = [], []
            t_peak = _free_peak(rng, kept_time, cadence, fwhm, tail, margin, busy)
        if t_peak is None:
            raise ConfigError(f"this curve has no stretch clear of its own events long enough for a flare "
                              f"with a FWHM of {fwhm:g} d: choose shorter FWHMs")
        current.append(FlareInjection(int(cell), t_peak, fwhm, amplitude))
        taken.append((t_peak - fwhm, t_peak + tail * fwhm))
    if current:
        trials.append(Trial(tuple(current)))
    return trials


def _free_peak(
    rng: np.random.Generator, kept_time: np.ndarray, cadence: float, fwhm: float, tail: float, margin: float,
    busy: list[tuple[float, float]],
) -> float | None:
    """A random peak time on a kept cadence whose flare, widened by `margin`, touches nothing in `busy`."""
    starts = np.array([a for a, _ in busy]) - margin
    ends = np.array([b for _, b in busy]) + margin
    for _ in range(PLACEMENT_TRIES):
        t_peak = float(kept_time[rng.integers(kept_time.size)] + rng.uniform(-0.5, 0.5) * cadence)
        low, high = t_peak - fwhm, t_peak + tail * fwhm
        if low < kept_time[0] or high > kept_time[-1]:
            continue
        if not np.any((starts <= high) & (low <= ends)):
            return t_peak
    return None
