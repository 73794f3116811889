"""The unusual: single transits, dips, brightenings, steps and bursts of oscillation, found and named.

`find_unusual` looks at the flux on a uniform grid (grid.py) in four ways:

- steps.py: jumps to a new level that lasts, kept apart from gaps (on a fast
  rotator, also in the flux over itself one rotation earlier);
- oscillation.py: a local periodogram in sliding windows, against the curve's usual power;
- scan.py: box filters from an hour to days on a trend that does not eat the event
  (trend.py), with noise that counts red noise (matched.py) and is at least what a
  plain running mean leaves (yardstick.py);
- classify.py: each excursion fitted with a trapezoid and a (split) Gaussian on a
  local baseline (shapes.py), and named by which fits.

Flares, outliers and the periodic transits already found are not looked at by
the box filters (they have their own detectors); the step search keeps the
flares (a step's first points look like one) and the periodogram keeps flares and
outliers too (at long cadence an oscillation's crests are called both).

Change points: `ruptures` (PELT, binary segmentation) was considered for the
steps. It finds where the mean changes, so a spotted star's every slope is a
chain of change points, and it knows nothing of gaps or of steps that must last;
the two-sided line fit of steps.py is blind to smooth variability by
construction, needs no penalty tuned per star, and is two cumulative-sum passes.
"""
from __future__ import annotations

import numpy as np

from core.detect.unusual.classify import Unusual, confirm_step, group_candidates, name_excursion, rotation_step
from core.detect.unusual.grid import Grid, make_grid
from core.detect.unusual.oscillation import Burst, find_bursts
from core.detect.unusual.scan import scan_widths
from core.detect.unusual.steps import find_rotation_steps, find_steps
from core.stats import cadence_days, point_to_point_std

__all__ = ["UNUSUAL_KINDS", "Unusual", "find_unusual"]

UNUSUAL_KINDS = ("single_transit", "dip", "brightening", "step", "oscillation")
BURST_DOMINANCE = 2.0  # an excursion this many times the burst's amplitude is a transient, not part of the burst


def find_unusual(time: np.ndarray, flux: np.ndarray, *, flares: np.ndarray, outliers: np.ndarray,
                 transits: np.ndarray, rotation_days: float | None = None,
                 bridge_days: float = 0.0, fast_rotation: float | None = None) -> list[Unusual]:
    """Unusual events in `flux` (normalised), in time order.

    `flares`, `outliers` and `transits` mark the points other detectors explain;
    `rotation_days` (the star's rotation, when it has one) lets the search tell
    spots that come round again from events; a step may span a hole in the data
    of at most `bridge_days` (steps.py); `fast_rotation` (days, a star rotating too
    fast for a local polynomial) has steps looked for one rotation apart too.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    quiet = ~(flares | outliers | transits)
    if quiet.sum() < 20:
        return []
    sigma_white = point_to_point_std(flux[quiet])
    if not (np.isfinite(sigma_white) and sigma_white > 0):
        return []
    cadence = cadence_days(time)
    box_grid = make_grid(time, flux, quiet, cadence)
    step_grid = make_grid(time, flux, ~(outliers | transits), cadence)
    wave_grid = make_grid(time, flux, ~transits, cadence)

    steps = [(s, confirm_step(step_grid, s, sigma_white)) for s in find_steps(step_grid, sigma_white, bridge_days)]
    steps = [(s, event) for s, event in steps if event is not None]
    if fast_rotation:
        steps += _rotation_steps(step_grid, fast_rotation, bridge_days, steps)
    breaks = tuple(sorted(s.time for s, _ in steps))
    bursts = find_bursts(wave_grid, wave_grid.flux / np.nanmedian(wave_grid.flux) - 1.0)

    candidates = scan_widths(box_grid, sigma_white, rotation_days, breaks)
    groups = group_candidates(candidates)
    spans = np.zeros(box_grid.flux.size, dtype=bool)
    for group in groups:
        spans[box_grid.bins_of(min(c.t_start for c in group), max(c.t_end for c in group))] = True
    excursions = []
    for group in groups:
        if _at_a_step(group, steps) or _part_of_a_burst(group, bursts):
            continue
        named = name_excursion(box_grid, group, spans, sigma_white, _bins_at(box_grid, breaks))
        if named is not None:
            excursions.append(named)
    oscillations = [_oscillation(b, wave_grid) for b in bursts if not _transient_leak(b, excursions)]
    found = excursions + oscillations + [event for _, event in steps]
    return sorted(found, key=lambda e: e.t_start)


def _rotation_steps(grid: Grid, period: float, bridge_days: float, found: list) -> list[tuple]:
    """The steps one rotation apart (steps.find_rotation_steps) that the plain search did not confirm."""
    ratio, sigma, steps = find_rotation_steps(grid, period, bridge_days)
    steps = [s for s in steps if not any(abs(s.time - other.time) <= period / 2 for other, _ in found)]
    events = [(s, rotation_step(ratio, s, sigma, period)) for s in steps]
    return [(s, event) for s, event in events if event is not None]


def _bins_at(grid: Grid, times: tuple[float, ...]) -> tuple[int, ...]:
    return tuple(int(round((t - grid.start) / grid.width)) for t in times)


def _at_a_step(group: list, steps: list) -> bool:
    """Whether a confirmed step lies within the group's windows: the robust trends jumped there."""
    start, end = min(c.t_start for c in group), max(c.t_end for c in group)
    return any(start <= s.time <= end for s, _ in steps)


def _part_of_a_burst(group: list, bursts: list[Burst]) -> bool:
    """Whether the group sits in a burst and is no bigger than its oscillation (a crest or a trough)."""
    best = max(group, key=lambda c: c.snr)
    return any(b.t_start <= best.t_peak <= b.t_end and abs(best.depth) <= BURST_DOMINANCE * b.amplitude
               for b in bursts)


def _transient_leak(burst: Burst, excursions: list[Unusual]) -> bool:
    """Whether a much bigger dip or brightening overlaps the burst: its edges, not a periodic signal."""
    return any(e.t_start <= burst.t_end and burst.t_start <= e.t_end
               and abs(e.amplitude) >= BURST_DOMINANCE * burst.amplitude for e in excursions)


def _oscillation(burst: Burst, grid: Grid) -> Unusual:
    extra = {"period": burst.period, "amplitude": burst.amplitude, "duration": burst.t_end - burst.t_start,
             "n_cycles": (burst.t_end - burst.t_start) / burst.period, "snr": burst.snr}
    return Unusual("oscillation", burst.t_start, burst.t_end, burst.t_peak, burst.amplitude, burst.snr, extra,
                   burst=burst, grid_time=grid.time)
