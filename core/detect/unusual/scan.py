"""Excursions significant on their own timescale: box filters from an hour to days, each on its own trend.

For each width w (shortest first) the trend spans TREND_WIDTHS widths; windows
beyond MASK_SIGMA are masked and the trend refitted around them until the mask
stops changing; windows beyond DETECT_SIGMA are candidates. A candidate's bins
stay masked for the longer widths, so a transit does not drag the trend that
looks for day-long dips.

Two guards against what stars do on their own:

- the noise at each width is at least the yardstick's (yardstick.py): the
  scatter left by a plain running mean, as a detector that does not know where
  the events are would see it. Spots a quadratic trend cannot follow are
  ordinary there, while a masked trend makes them look like events;
- a candidate that recurs one or two rotations away, at the same sign and at
  least RECURRENCE_SHARE of its size, is the star's spots coming round again.

An excursion needs data on both of its flanks: at a segment's edge a dip cannot
be told from a ramp after a gap.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.detect.unusual.grid import Grid, window_sums
from core.detect.unusual.matched import BoxFilter, box_filter, cover, runs_beyond
from core.detect.unusual.trend import event_trend
from core.detect.unusual.yardstick import yardstick_red

WIDTHS_HOURS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)
TREND_WIDTHS = 4.0
DETECT_SIGMA = 7.0
MASK_SIGMA = 4.5
MAX_ROUNDS = 4
BINS_PER_WIDTH = 8
OUTSTANDING_SIGMA = 30.0  # far beyond what a spotted star's own features reach against the trend's own noise
RECURRENCE_SHARE = 0.5
RECURRENCE_TOLERANCE = 0.1  # rotations: spots drift (differential rotation, an imprecise period)


@dataclass(frozen=True)
class Candidate:
    """A run of box windows of one width beyond DETECT_SIGMA, one sign."""

    sign: int
    width: float  # days
    snr: float  # at the peak window
    t_peak: float  # centre of the most significant window
    t_start: float  # the run's first window's start ...
    t_end: float  # ... and its last window's end
    depth: float  # the peak window's mean residual (signed)


@dataclass(frozen=True)
class WidthScan:
    """One width's converged trend and box filter, and the bins it masked."""

    width: float
    trend: np.ndarray
    box: BoxFilter
    masked: np.ndarray


def scan_widths(grid: Grid, sigma_white: float, rotation_days: float | None = None,
                breaks: tuple[float, ...] = ()) -> list[Candidate]:
    """Candidates at every width, shortest first. `rotation_days` enables the recurrence veto; the trends
    are fitted apart on each side of the times in `breaks` (steps).

    Two passes: the first with each width's own noise finds what stands out beyond
    OUTSTANDING_SIGMA; the second measures each width's yardstick on the flux with
    those bridged over (a 3-day brightening would swell every shorter width's
    yardstick) and keeps what stands out against it. Each width runs on bins about
    a BINS_PER_WIDTH-th of it wide: a day-long filter needs no 10-min bins.
    """
    first = _pass(grid, sigma_white, rotation_days, breaks, None)
    outstanding = [c for c in first if c.snr >= OUTSTANDING_SIGMA]
    return _pass(grid, sigma_white, rotation_days, breaks, _bridged(grid, outstanding))


def _pass(grid: Grid, sigma_white: float, rotation_days: float | None, breaks: tuple[float, ...],
          yardstick_grid: Grid | None) -> list[Candidate]:
    """One pass over the widths; with `yardstick_grid`, each width's noise is at least its yardstick there."""
    found: list[Candidate] = []
    for hours in WIDTHS_HOURS:
        factor = max(int(hours / 24.0 / grid.width) // BINS_PER_WIDTH, 1)
        coarse = grid.coarsened(factor)
        length = int(round(hours / 24.0 / coarse.width))
        if length < 2 or length * 4 > coarse.flux.size:
            continue
        events = np.zeros(coarse.flux.size, dtype=bool)
        for c in found:
            events[coarse.bins_of(c.t_start, c.t_end)] = True
        cuts = tuple(int(round((t - coarse.start) / coarse.width)) for t in breaks)
        scan = _converge(coarse, events, length, sigma_white, 0.0, cuts)
        if yardstick_grid is not None:
            floor = yardstick_red(yardstick_grid.coarsened(factor), scan.trend, scan.box, scan.masked, length,
                                  sigma_white, DETECT_SIGMA, cuts)
            if floor > scan.box.noise.red:
                scan = _converge(coarse, events, length, sigma_white, floor, cuts)
        found += _candidates(coarse, scan, length, rotation_days)
    return found


def _candidates(grid: Grid, scan: WidthScan, length: int, rotation_days: float | None) -> list[Candidate]:
    """The runs beyond DETECT_SIGMA with data on both flanks that do not come round with the rotation."""
    flanked = _flanks_covered(grid.count, length, scan.box.full)
    found = []
    for start, stop, peak in runs_beyond(np.where(flanked, scan.box.snr, 0.0), DETECT_SIGMA):
        sign = int(np.sign(scan.box.snr[peak]))
        span = (stop - start + length) * grid.width
        if rotation_days and span < 0.5 * rotation_days and _recurs(scan.box.mean, peak, sign,
                                                                    rotation_days / grid.width, length):
            continue
        first, last = start - length // 2, stop - length // 2 + length
        found.append(Candidate(
            sign=sign, width=scan.width, snr=float(abs(scan.box.snr[peak])),
            t_peak=float(grid.start + (peak + 0.5) * grid.width),
            t_start=float(grid.start + first * grid.width), t_end=float(grid.start + last * grid.width),
            depth=float(scan.box.mean[peak]),
        ))
    return found


def _bridged(grid: Grid, candidates: list[Candidate]) -> Grid:
    """The grid with the flux across `candidates`' spans replaced by a straight line between their edges."""
    flux = grid.flux.copy()
    inside = np.zeros(flux.size, dtype=bool)
    for c in candidates:
        inside[grid.bins_of(c.t_start, c.t_end)] = True
    known = grid.filled & ~inside
    if inside.any() and known.sum() >= 2:
        flux[inside] = np.interp(grid.time[inside], grid.time[known], grid.flux[known])
    return replace(grid, flux=np.where(grid.filled, flux, np.nan))


def _converge(grid: Grid, events: np.ndarray, length: int, sigma_white: float, red_floor: float,
              breaks: tuple[int, ...]) -> WidthScan:
    width = length * grid.width
    full = width / grid.cadence
    masked = events.copy()
    for _ in range(MAX_ROUNDS):
        trend = event_trend(grid, TREND_WIDTHS * width, masked, breaks)
        box = box_filter(grid.flux / trend - 1.0, grid.count, length, full, sigma_white, ~masked, red_floor)
        grown = events | cover(runs_beyond(box.snr, MASK_SIGMA), length, masked.size)
        if np.array_equal(grown, masked):
            break
        masked = grown
    return WidthScan(width, trend, box, masked)


def _recurs(mean: np.ndarray, centre: int, sign: int, period_bins: float, length: int) -> bool:
    """Whether RECURRENCE_SHARE of the window's mean, same sign, is seen one or two rotations away."""
    tolerance = int(round(RECURRENCE_TOLERANCE * period_bins + length / 2))
    for k in (-2, -1, 1, 2):
        other = centre + int(round(k * period_bins))
        lo, hi = max(other - tolerance, 0), min(other + tolerance + 1, mean.size)
        if hi > lo and np.nanmax(np.append(sign * mean[lo:hi], -np.inf)) >= RECURRENCE_SHARE * abs(mean[centre]):
            return True
    return False


def _flanks_covered(count: np.ndarray, length: int, full: float) -> np.ndarray:
    """Per centre bin: the half-width flanks just outside its window both hold MIN_COVERAGE of their points."""
    size = count.size
    half = max(length // 2, 1)
    flank = window_sums(count, half)  # indexed by first bin
    need = 0.5 * full * half / length
    centre = np.arange(size)
    before = centre - length // 2 - half
    after = centre - length // 2 + length
    left = np.where((before >= 0) & (before < flank.size), flank[np.clip(before, 0, flank.size - 1)], 0.0)
    right = np.where((after >= 0) & (after < flank.size), flank[np.clip(after, 0, flank.size - 1)], 0.0)
    return (left >= need) & (right >= need)
