"""Steps: the flux jumps to a new level and stays there.

At every bin boundary a straight line is fitted to the flux on each side over
`half` days and both are extrapolated to the boundary; their difference is the
jump there. A star's own variability is continuous, so its slope and curvature
cancel in that difference (to second order) while a discontinuity does not. The
jump's noise is the white noise of the two intercepts plus the correlated part
the curve shows at that scale (its robust scatter over all boundaries).

A jump is a step only if it lasts: seen again, as large, with lines fitted
four times further on each side; the ingress of a transit or a dip jumps too,
but comes back within the longer lines. A level change across a gap (an empty
bin, one with no cadence at all, at the boundary: a downlink, a K2 thruster firing) is not a step: the
instrument, not the star, moved. Only a few missing cadences (`bridge_days`; a Kepler attitude tweak
is flagged and leaves such a hole) are bridged: the jump across them is measured as any other. Our own ruptures-free implementation is two
cumulative-sum passes (see the package docstring for why not `ruptures`).

On a star rotating in a day or two the lines cannot follow the rotation, and a
jump there never seems to last (Kepler Q2 of KIC 10002792: +4% at an attitude
tweak on a 1.16-day rotator). `find_rotation_steps` divides the flux by itself
one rotation earlier: the rotation cancels, and a step at T becomes a box exactly
one rotation long, up at T and down again at T + P. A jump in that ratio which
lasts and comes back, as large and the other way, one rotation later is a step;
a flare or a transit comes back within its own length, and evolving spots drift.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.detect.unusual.grid import Grid
from core.stats import robust_std

HALF_WIDTH_DAYS = 0.25
LONG_FACTOR = 4.0  # the longer lines that check a jump lasts
STEP_SIGMA = 7.0
LASTING_SHARE = 0.6  # of the jump still there with the longer lines
MIN_COVERAGE = 0.5
GAP_GUARD_BINS = 1
HOLE_CADENCES = 1.5  # points this far apart, or more, have a hole between them
SPLIT_POINTS = 5  # points on each side that place a step between two cadences
REFINE_FACTOR = 2  # the step is placed where lines this many times shorter see the largest jump  # empty bins this close to the boundary make it a gap, not a step


@dataclass(frozen=True)
class Step:
    """A lasting jump between the points at `last_before` and `first_after` (times)."""

    time: float  # midway between them
    last_before: float
    first_after: float
    jump: float  # relative flux change (after / before - 1)
    snr: float
    before: float  # the level just before (the left line's value at the boundary)


@dataclass(frozen=True)
class _Jumps:
    jump: np.ndarray  # per boundary (NaN where a side lacks data)
    white: np.ndarray  # the white-noise variance of each jump
    level: np.ndarray  # the left line at the boundary


def find_steps(grid: Grid, sigma_white: float, bridge_days: float = 0.0) -> list[Step]:
    """Lasting, significant jumps inside the data (never across more than `bridge_days` of empty bins)."""
    half = max(int(round(HALF_WIDTH_DAYS / grid.width)), 2)
    if grid.flux.size < 4 * LONG_FACTOR * half:
        return []
    short = _jumps(grid, half, sigma_white)
    long = _jumps(grid, int(LONG_FACTOR * half), sigma_white)
    fine = _jumps(grid, max(half // REFINE_FACTOR, 2), sigma_white)
    snr = _significance(short)
    snr_long = _significance(long)
    gap = _near_gap(_bridged(grid.sampled, int(bridge_days / grid.width)))
    steps = []
    for peak in _peaks(np.where(gap, 0.0, snr), STEP_SIGMA, half):
        index = _refine(fine.jump, peak, max(half // 4, 1), np.sign(short.jump[peak]), gap)
        j, j_long = short.jump[index], long.jump[index]
        lasting = np.isfinite(j_long) and j_long * j > 0 and abs(j_long) >= LASTING_SHARE * abs(j)
        if not lasting or abs(snr_long[index]) < LASTING_SHARE * STEP_SIGMA:
            continue
        level = short.level[index]
        before, after = _split(grid, grid.start + index * grid.width, np.sign(j), max(half // 2, 2) * grid.width)
        if after - before > bridge_days + HOLE_CADENCES * grid.cadence:
            continue  # the flux changed across a hole in the data
        steps.append(Step(0.5 * (before + after), before, after, float(j / level), float(abs(snr[peak])),
                          float(level)))
    return steps


def find_rotation_steps(grid: Grid, period: float, bridge_days: float = 0.0) -> tuple[Grid, float, list[Step]]:
    """(the ratio grid, its white noise per point, its steps) for a star rotating with `period` (days): the flux
    over itself one rotation earlier (see the module docstring). No steps when a rotation is too short for the
    longer lines to fit inside it.

    The noise is the ratio's own: a fast rotator's point-to-point scatter holds its slopes.
    """
    lag = int(round(period / grid.width))
    if period < LONG_FACTOR * HALF_WIDTH_DAYS + 2 * grid.width or lag >= grid.flux.size:
        return grid, float("nan"), []
    ratio = _lagged_ratio(grid, lag)
    filled = ratio.count > 0
    if filled.sum() < 4 * LONG_FACTOR * max(int(round(HALF_WIDTH_DAYS / grid.width)), 2):
        return ratio, float("nan"), []
    sigma = float(robust_std(np.diff(ratio.flux[filled])) / np.sqrt(2.0) * np.sqrt(np.median(ratio.count[filled])))
    steps = []
    for step in find_steps(ratio, sigma, bridge_days):
        back = _jump_near(ratio, step.time + lag * grid.width)
        if np.isfinite(back) and back * step.jump < 0 and (
                LASTING_SHARE <= abs(back) / abs(step.jump) <= 1.0 / LASTING_SHARE):
            steps.append(replace(step, before=_level_before(grid, step.last_before)))  # the flux's, not the ratio's
    return ratio, sigma, steps


def _lagged_ratio(grid: Grid, lag: int) -> Grid:
    """The grid's flux over its flux `lag` bins earlier (empty where either bin is), as a grid; its points are
    each point's flux over the bin `lag` bins before its own (they place a step between two cadences)."""
    earlier = np.full(grid.flux.size, np.nan)
    earlier[lag:] = grid.flux[:-lag]
    ratio = grid.flux / earlier
    both = np.isfinite(ratio)
    count = np.zeros(grid.count.size)
    count[lag:] = np.minimum(grid.count[lag:], grid.count[:-lag])
    sampled = np.zeros(grid.sampled.size, dtype=bool)
    sampled[lag:] = grid.sampled[lag:] & grid.sampled[:-lag]
    point_earlier = earlier[np.minimum(grid.index, earlier.size - 1)]
    point_ratio = grid.point_flux / point_earlier
    return replace(grid, flux=np.where(both, ratio, np.nan), count=np.where(both, count, 0.0),
                   sampled=sampled, point_flux=point_ratio,
                   point_usable=grid.point_usable & np.isfinite(point_ratio))


def _jump_near(grid: Grid, time: float) -> float:
    """The change of the median flux across `time` (HALF_WIDTH_DAYS on each side, two bins apart)."""
    guard = 2 * grid.width
    before = grid.flux[grid.bins_of(time - HALF_WIDTH_DAYS, time - guard)]
    after = grid.flux[grid.bins_of(time + guard, time + HALF_WIDTH_DAYS)]
    need = MIN_COVERAGE * (HALF_WIDTH_DAYS - guard) / grid.width
    if np.isfinite(before).sum() < need or np.isfinite(after).sum() < need:
        return float("nan")
    return float(np.nanmedian(after) - np.nanmedian(before))


def _level_before(grid: Grid, last_before: float) -> float:
    """The median usable flux of the SPLIT_POINTS points up to `last_before`."""
    time, flux = grid.point_time[grid.point_usable], grid.point_flux[grid.point_usable]
    end = int(np.searchsorted(time, last_before, side="right"))
    return float(np.median(flux[max(end - SPLIT_POINTS, 0):end])) if end else float("nan")


def _jumps(grid: Grid, half: int, sigma_white: float) -> _Jumps:
    """The jump at every boundary with lines `half` bins long on each side (count-weighted)."""
    filled = grid.count > 0
    w = np.where(filled, grid.count, 0.0)
    t = grid.time - grid.time[0]  # small numbers: the normal equations lose no precision
    y = np.where(filled, grid.flux, 0.0)
    sums = [np.concatenate(([0.0], np.cumsum(v))) for v in (w, w * t, w * t * t, w * y, w * t * y)]
    size = grid.flux.size
    boundary = np.arange(size + 1)
    edge = grid.start + boundary * grid.width - grid.time[0]
    left = _line_at(sums, np.maximum(boundary - half, 0), boundary, edge, sigma_white)
    right = _line_at(sums, boundary, np.minimum(boundary + half, size), edge, sigma_white)
    covered = (left[2] >= MIN_COVERAGE * half * _points_per_bin(grid)) & (
        right[2] >= MIN_COVERAGE * half * _points_per_bin(grid))
    jump = np.where(covered, right[0] - left[0], np.nan)
    return _Jumps(jump[:size], (left[1] + right[1])[:size], left[0][:size])


def _line_at(sums: list[np.ndarray], lo: np.ndarray, hi: np.ndarray, x0: np.ndarray,
             sigma_white: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value at x0, its white-noise variance, points) of the weighted line through bins [lo, hi)."""
    s, st, stt, sy, sty = (c[hi] - c[lo] for c in sums)
    # Centre on x0: sums of (t - x0)^k.
    sx = st - x0 * s
    sxx = stt - 2 * x0 * st + x0 * x0 * s
    sxy = sty - x0 * sy
    det = s * sxx - sx * sx
    ok = (s > 0) & (det > 1e-12 * np.maximum(s * sxx, 1e-300))
    safe = np.where(ok, det, 1.0)
    value = np.where(ok, (sxx * sy - sx * sxy) / safe, np.nan)
    variance = np.where(ok, sigma_white**2 * sxx / safe, np.inf)
    return value, variance, s


def _significance(jumps: _Jumps) -> np.ndarray:
    """jump / sqrt(white + red), the red part measured on every boundary's jump (0 where undefined)."""
    ok = np.isfinite(jumps.jump) & np.isfinite(jumps.white)
    if ok.sum() < 3:
        return np.zeros(jumps.jump.size)
    spread = robust_std(jumps.jump[ok])
    red2 = max(spread**2 - float(np.median(jumps.white[ok])), 0.0)
    return np.where(ok, np.nan_to_num(jumps.jump) / np.sqrt(np.where(ok, jumps.white, 1.0) + red2), 0.0)


def _bridged(sampled: np.ndarray, longest: int) -> np.ndarray:
    """`sampled` with runs of at most `longest` empty bins between sampled ones counted as sampled."""
    if longest < 1:
        return sampled
    edges = np.diff(np.concatenate(([1], sampled.astype(np.int8), [1])))
    starts, ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)  # empty runs [start, end)
    out = sampled.copy()
    for start, end in zip(starts, ends):
        if 0 < start and end < sampled.size and end - start <= longest:
            out[start:end] = True
    return out


def _near_gap(filled: np.ndarray) -> np.ndarray:
    """Per boundary i (between bins i-1 and i): an empty bin within GAP_GUARD_BINS of it."""
    empty = np.concatenate(([1.0], (~filled).astype(float), [1.0]))
    total = np.concatenate(([0.0], np.cumsum(empty)))
    i = np.arange(filled.size)
    # bins i-g .. i+g-1 of the data are empty[i-g+1 .. i+g] in the padded array
    lo = np.clip(i - GAP_GUARD_BINS + 1, 0, empty.size)
    hi = np.clip(i + GAP_GUARD_BINS + 1, 0, empty.size)
    return total[hi] - total[lo] > 0


def _peaks(snr: np.ndarray, threshold: float, separation: int) -> list[int]:
    """Boundaries where |snr| >= threshold and is the largest within `separation` bins, strongest first."""
    strength = np.abs(snr)
    candidates = np.flatnonzero(strength >= threshold)
    chosen: list[int] = []
    for index in candidates[np.argsort(-strength[candidates])]:
        if all(abs(index - other) > separation for other in chosen):
            chosen.append(int(index))
    return chosen


def _refine(jump: np.ndarray, peak: int, reach: int, sign: float, gap: np.ndarray) -> int:
    """The boundary within `reach` of `peak` (and not at a gap) where the short lines' jump of this sign is largest."""
    lo, hi = max(peak - reach, 0), min(peak + reach + 1, jump.size)
    local = np.where(gap[lo:hi] | ~np.isfinite(jump[lo:hi]), -np.inf, sign * np.nan_to_num(jump[lo:hi]))
    return lo + int(np.argmax(local)) if np.isfinite(local.max()) else peak


def _split(grid: Grid, boundary: float, sign: float, reach: float) -> tuple[float, float]:
    """(last point before, first point after) the jump near `boundary`: the split between usable points within
    `reach` of it where SPLIT_POINTS points on each side differ most, in the jump's direction."""
    time, flux = grid.point_time[grid.point_usable], grid.point_flux[grid.point_usable]
    lo = max(int(np.searchsorted(time, boundary - reach)), 1)
    hi = min(int(np.searchsorted(time, boundary + reach)), time.size - 1)
    if hi <= lo:
        k = int(np.clip(np.searchsorted(time, boundary), 1, time.size - 1))
        return float(time[k - 1]), float(time[k])
    splits = np.arange(lo, hi + 1)
    differences = [np.mean(flux[k:k + SPLIT_POINTS]) - np.mean(flux[max(k - SPLIT_POINTS, 0):k]) for k in splits]
    k = int(splits[np.argmax(sign * np.asarray(differences))])
    return float(time[k - 1]), float(time[k])


def _points_per_bin(grid: Grid) -> float:
    return grid.width / grid.cadence
