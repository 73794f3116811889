"""Name a short excursion by its shape: a flare, a glitch, a step or a smooth bump.

A run of points above a trend is not yet a flare. On a spotted star's flank, at a
K2 roll reset or a gap edge, a trend that lags the star leaves runs of high points
that rise no faster than their neighbours. So around a candidate the flux itself is
fitted with a local quadratic alone and with each shape added:

- flare: the Davenport (2014) template averaged over each exposure (impulsive rise,
  then decay), its peak time and FWHM on a grid;
- bump: a symmetric Gaussian, for smooth brightenings that are not flares;
- glitch: a flat-topped box of 1 to a few cadences with sharp edges (either sign);
- step: the level moves to a new one within a few cadences and stays (a pointing
  change, a gap edge; over several cadences, a transit's or an eclipse's egress);
- recovery: the flux was low until just before the rise (a transit's or an eclipse's egress);
- dip: a drop wider than a glitch (up to DIP_CADENCES), as a short transit is;
- partial dip: a drop whose first and last exposures are only partly dimmed. A transit
  begins and ends at any time within an exposure, so at long cadence its edge exposures
  are partial; an instrumental glitch starts and stops with the exposures.

Each shape has one linear amplitude, so for every grid point its chi^2 gain over the
quadratic is a projection: all of them are computed at once. On a fast, deep rotator
the star itself turns within the window and a quadratic leaves several sigma of
curvature, which a bump or a step then "explains" better than a glitch explains its
spike; when what the best glitch leaves still holds that curvature, cubic and quartic
(then fifth and sixth) terms join the baseline and every shape is fitted again, for
judging the glitch only (a transit in the window is a misfit too). The gains are counted
against the scatter the best shape leaves (never less than the curve's noise), so a
stretch of flux that no shape explains well, like a K2 sawtooth, counts for less.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import Callable

import numpy as np

from core.detect.shape_columns import box_columns, partial_columns, ramp_columns
from core.flare_model import flare_binned, flare_binned_grid
from core.stats import robust_std

HALF_WINDOW_DAYS = 0.2  # flux within this of the candidate is fitted; short enough for a quadratic to follow spots
BASELINE_DEGREE = 2
# The shortest flare fitted: a cadence, and no more than 4 minutes (at 30-min cadence a flare that short
# leaves a tail of ~10% of its peak in the next exposure; anything shorter is a one-point spike).
SHORTEST_FWHM_DAYS = 4.0 / 1440.0
MAX_FWHM_DAYS = 0.1
N_FWHM = 12  # coarse FWHM grid, geometric; the best one is refined on a grid N_FWHM_FINE times finer
N_FWHM_FINE = 7
PEAK_STEP_CADENCES = 0.25  # the flare's peak time is tried at this step, from a cadence before the highest point
N_BUMP_WIDTHS = 8
BUMP_SHIFTS = (-0.5, -0.25, 0.0, 0.25, 0.5)  # bump centres tried, in bump widths (at least a cadence) from the peak
MAX_TAIL_GAP_CADENCES = 2.5  # the exposure after a peak may follow one missing cadence
DIP_CADENCES = 12  # the widest drop fitted, to tell a short transit from a glitch
EDGE_SHARES = (0.0, 1.0 / 3.0, 2.0 / 3.0)  # how much of an edge exposure a partial dip may dim
STEP_REACH = 3  # a step may end this many cadences either side of the candidate ...
STEP_CADENCES = (1, 2, 3, 4, 6, 8)  # ... after moving over this many cadences
RISE_CADENCES = 10  # a flare's rise is looked for over its FWHM and a cadence before the peak, at most this far
MIN_POINTS = 2 * BASELINE_DEGREE + 4
# chi^2 (5 sigma) that cubic and quartic terms must take from what the best glitch leaves (a bump, a step or
# a dip would take the curvature in themselves) before they join the baseline: a spotted star turning within
# the window (1.3 d rotation, spots 30 times the noise) leaves 100-250.
MISFIT_GAIN = 25.0
HIGHER_DEGREES = ((3, 4), (5, 6))  # ... first these, then these if the misfit stays
POINTS_PER_TERM = 8  # ... while the window holds this many points per baseline term
CONTRAST_POINTS = 3  # a box's contrast is against the median of this many points on each side
_FINE_STEPS = np.linspace(-0.5, 0.5, N_FWHM_FINE)  # the fine grid, in coarse steps about the best
_NEAR_PEAKS = np.linspace(-0.5, 0.5, 5)  # peak times tried about the best, in PEAK_STEP_CADENCES


@dataclass(frozen=True)
class ShapeFit:
    """The chi^2 each shape gains over the local quadratic around one candidate, and its best parameters.

    `params[shape]` ends with the amplitude (relative flux); flare: (t_peak, fwhm,
    amplitude, amplitude error); bump: (centre, width, amplitude); glitch, dip and
    recovery: (first, stop, amplitude) as indices into the whole curve; partial_dip:
    (first, stop, amplitude) of its fully dimmed exposures; step: (index, amplitude).
    `scale` is the scatter left by the best shape, in units of the curve's noise (>= 1).
    `tail` is the flux above the flare fit's baseline in the exposure after the
    highest point, as a fraction of the highest point's (nan when no flare was fitted
    or no exposure follows within MAX_TAIL_GAP_CADENCES).
    `rise` is how far the highest point stands above the lowest of the points in the
    flare fit's rise before it (`_rise`), in units of the curve's noise, and `height`
    how far the fitted template stands there above its baseline, in the same units.
    `turning` is the same fits with cubic to sixth-order terms in the baseline, when
    the star turns within the window (`core.detect.outliers.glitch_fit` judges a box on
    it that the quadratic refused, and `core.detect.excursions` a flare, but only on a
    closer window's fit). It and `contrast` are computed on first use.
    """

    peak: int
    gains: dict[str, float]
    params: dict[str, tuple]
    scale: float
    tail: float = float("nan")
    rise: float = float("nan")
    height: float = float("nan")
    refit: Callable[[], "ShapeFit | None"] | None = field(default=None, repr=False, compare=False)
    measure_contrast: Callable[[], float] | None = field(default=None, repr=False, compare=False)

    @property
    def best(self) -> str | None:
        return max(self.gains, key=self.gains.get) if self.gains else None

    def lead(self, shape: str, over: tuple[str, ...]) -> float:
        """How much more chi^2 `shape` gains than the best of `over` (inf when none of them was fitted)."""
        others = [self.gains[o] for o in over if o in self.gains]
        return self.gains.get(shape, -np.inf) - max(others, default=-np.inf)

    def significance(self, shape: str) -> float:
        return float(np.sqrt(max(self.gains.get(shape, 0.0), 0.0)))

    @cached_property
    def contrast(self) -> float:
        """How far the most contrasted box at the peak stands above its neighbours, in units of the noise."""
        return float("nan") if self.measure_contrast is None else self.measure_contrast()

    @cached_property
    def turning(self) -> "ShapeFit | None":
        """The same fits over a baseline with higher terms when the star turns in the window, else None."""
        return None if self.refit is None else self.refit()


def fit_shapes(
    time: np.ndarray, flux: np.ndarray, sigma: float, peak: int, cadence: float, sign: int, max_glitch: int,
    before: float = HALF_WINDOW_DAYS, after: float = HALF_WINDOW_DAYS, usable: np.ndarray | None = None,
) -> ShapeFit:
    """Fit each shape near `peak` (an upward excursion when `sign` > 0, downward when < 0).

    Flares and bumps are only tried upward; glitches only in the direction of `sign`.
    `before` and `after` bound the window in days; points not `usable` (a known
    transit's window) are left out of the fit.
    """
    # `time` is sorted: the window is found by bisection, not by comparing every point of a long curve.
    first = int(np.searchsorted(time, time[peak] - before, side="left"))
    stop = int(np.searchsorted(time, time[peak] + after, side="right"))
    if usable is None:
        window = np.arange(first, stop)
    else:
        near = np.array(usable[first:stop], dtype=bool)
        near[peak - first] = True
        window = first + np.flatnonzero(near)
    if window.size < MIN_POINTS:
        return ShapeFit(peak, {}, {}, 1.0)
    t, y = time[window], flux[window] / sigma
    p = int(np.searchsorted(window, peak))
    basis, _ = np.linalg.qr(np.vander((t - time[peak]) / max(before, after), BASELINE_DEGREE + 1, increasing=True))
    columns: dict = {}  # each shape's grid of columns, built once for both bases
    fits, ramp = _fit_families(basis, t, y, p, window, cadence, sign, max_glitch, before, after, columns)
    if max(fits, key=lambda shape: fits[shape][0]) == "step" and ramp is not None:
        # A step away from the candidate is the background's, not the candidate's explanation:
        # take it into the baseline and judge the candidate on top of it.
        basis, _ = np.linalg.qr(np.column_stack([basis, ramp]))
        fits, _ = _fit_families(basis, t, y, p, window, cadence, sign, max_glitch, before, after, columns)
    # Only a glitch's judgement, and a flare's closer look, need the refit (see `_turning`); most candidates
    # never ask for it.
    refit = partial(_turning, time, peak, sigma, basis, fits, t, y, p, window, cadence, sign, max_glitch, before,
                    after, columns)
    return dataclasses.replace(_judged(peak, fits, sigma, t, y, p, cadence), refit=refit,
                               measure_contrast=partial(_box_contrast, y, p, sign, max_glitch))


def _box_contrast(y: np.ndarray, p: int, sign: int, max_glitch: int) -> float:
    """How far the most contrasted box of 1 to `max_glitch` points holding `p` stands (in the direction of
    `sign`) above the median of the CONTRAST_POINTS on each side of it, in units of the noise.

    Unlike a fitted box's level, a turning star's curvature hardly moves it: the sides' median
    cancels the slope, and the box is a few cadences long.
    """
    boxes = [(a, a + n) for n in range(1, max_glitch + 1)
             for a in range(max(p - n + 1, CONTRAST_POINTS), min(p, y.size - n - CONTRAST_POINTS) + 1)]
    if not boxes:
        return float("nan")
    first, stop = np.array(boxes).T
    running = np.concatenate(([0.0], np.cumsum(y)))
    level = (running[stop] - running[first]) / (stop - first)
    offsets = np.arange(CONTRAST_POINTS)
    sides = np.concatenate([y[first[:, None] - CONTRAST_POINTS + offsets], y[stop[:, None] + offsets]], axis=1)
    return float(np.max((level - np.median(sides, axis=1)) * (1.0 if sign >= 0 else -1.0)))


def _turning(time, peak, sigma, basis, fits, t, y, p, window, cadence, sign, max_glitch, before, after,
             columns) -> "ShapeFit | None":
    """The fits again over a baseline with higher terms, when the quadratic leaves a turning star's curvature.

    A fast, deep rotator curves more than a quadratic over the window, and the misfit would make every
    shape gain and swamp a glitch's own. Higher terms join the baseline for the glitch's judgement, and
    for a flare's only over the closer window (`core.detect.excursions._closer_look`): over the full
    window a transit is a misfit too, and there they turned its egress into a flare.
    """
    turning, latest = None, fits
    for degrees in HIGHER_DEGREES:
        if t.size < POINTS_PER_TERM * (basis.shape[1] + len(degrees)) or "glitch" not in latest:
            break  # a long-cadence window (19 exposures): more terms would fit its flares too
        higher = _powers(t, time[peak], max(before, after), degrees)
        if _misfit(basis, higher, latest["glitch"][2]) <= MISFIT_GAIN:
            break
        basis, _ = np.linalg.qr(np.column_stack([basis, higher]))
        latest, _ = _fit_families(basis, t, y, p, window, cadence, sign, max_glitch, before, after, columns)
        turning = _judged(peak, latest, sigma, t, y, p, cadence)
    return turning


def _judged(peak: int, fits: dict, sigma: float, t: np.ndarray, y: np.ndarray, p: int, cadence: float) -> ShapeFit:
    """The ShapeFit of one set of fits: gains counted against the scatter the best shape leaves."""
    best = max(fits, key=lambda shape: fits[shape][0])
    left = robust_std(fits[best][2])
    scale = max(1.0, left) if np.isfinite(left) else 1.0
    gains = {shape: fit[0] / scale**2 for shape, fit in fits.items()}
    # Amplitudes were fitted to flux / sigma: back to relative flux (the flare's error also to the scatter left).
    params = {shape: (*fit[1][:-1], fit[1][-1] * sigma) for shape, fit in fits.items() if shape != "flare"}
    tail = height = float("nan")
    if "flare" in fits:
        t_peak, fwhm, amplitude, error = fits["flare"][1]
        params["flare"] = (t_peak, fwhm, amplitude * sigma, error * sigma * scale)
        template = amplitude * flare_binned(t, t_peak, fwhm, 1.0, cadence)
        excess = fits["flare"][2] + template
        if p + 1 < t.size and t[p + 1] - t[p] < MAX_TAIL_GAP_CADENCES * cadence and excess[p] > 0:
            tail = float(excess[p + 1] / excess[p])
        height = float(template[p])
    return ShapeFit(peak, gains, params, scale, tail, _rise(t, y, p, cadence, fits), height=height)


def _rise(t: np.ndarray, y: np.ndarray, p: int, cadence: float, fits: dict) -> float:
    """How far the highest point stands above the lowest of the points just before it (the flare's rise, at
    most RISE_CADENCES), in units of the noise: what the flux itself did, whatever the baseline under it."""
    if "flare" not in fits or p == 0:
        return float("nan")
    reach = int(np.clip(np.ceil(fits["flare"][1][1] / cadence) + 1, 2, RISE_CADENCES))
    before = np.flatnonzero(t[max(0, p - reach):p] >= t[p] - (reach + 0.5) * cadence) + max(0, p - reach)
    return float(y[p] - y[before].min()) if before.size else float("nan")


def _powers(t: np.ndarray, centre: float, half_window: float, degrees: tuple[int, ...]) -> np.ndarray:
    """Terms of the window's baseline beyond the quadratic, scaled as the quadratic's."""
    x = (t - centre) / half_window
    return np.column_stack([x**degree for degree in degrees])


def _misfit(basis: np.ndarray, higher: np.ndarray, residual: np.ndarray) -> float:
    """chi^2 (in units of the noise) that the `higher` terms would take from `residual` (what a fit left)."""
    q, _ = np.linalg.qr(higher - basis @ (basis.T @ higher))
    return float(np.sum((q.T @ residual) ** 2))


def _fit_families(basis, t, y, p, window, cadence, sign, max_glitch, before, after, columns):
    """Each shape's (gain, params, residual) over `basis`, and the best step's column when it does not touch
    the candidate (None when it does). `columns` keeps the template grids for a refit on another basis."""
    fits: dict[str, tuple] = {}
    if sign > 0:
        fits["flare"] = _best_flare(basis, t, y, p, cadence, after, columns)
        # Noise moves the highest point of a wide bump off its centre: look up to half a width either side.
        widths = _geometric_grid(cadence, max(before, after) / 3.0, N_BUMP_WIDTHS)
        grid = [(t[p] + shift * max(w, cadence), w) for w in widths for shift in BUMP_SHIFTS]
        centres, sigmas = np.array(grid).T
        bumps = _once(columns, "bump", lambda: np.exp(-0.5 * ((t[:, None] - centres) / sigmas) ** 2))
        fits["bump"] = _best_column(basis, bumps, y, grid, +1)
        dips = [(a, b) for b in (p, p + 1) for a in range(0, p) if b <= t.size and b - a >= 2]
        if dips:
            lows = box_columns(t.size, tuple(dips))
            gain, params, residual = _best_column(basis, lows, y, dips, -1)
            fits["recovery"] = (gain, (int(window[params[0]]), int(window[params[1] - 1]) + 1, params[2]), residual)
    boxes = [(a, a + n) for n in range(1, max_glitch + 1) for a in range(p - n + 1, p + 1) if a >= 0 and a + n <= t.size]
    highs = box_columns(t.size, tuple(boxes))
    gain, params, residual = _best_column(basis, highs, y, boxes, sign)
    if sign < 0:
        wide = [(a, a + n) for n in range(max_glitch + 1, DIP_CADENCES + 1) for a in range(p - n + 1, p + 1)
                if a >= 0 and a + n <= t.size]
        if wide:
            drops = box_columns(t.size, tuple(wide))
            dip_gain, dip_params, dip_residual = _best_column(basis, drops, y, wide, -1)
            fits["dip"] = (dip_gain, (int(window[dip_params[0]]), int(window[dip_params[1] - 1]) + 1, dip_params[2]),
                           dip_residual)
    fits["glitch"] = (gain, (int(window[params[0]]), int(window[params[1] - 1]) + 1, params[2]), residual)
    if sign < 0:
        fits["partial_dip"] = _best_partial_dip(basis, t.size, p, window, y)
    steps = [(k, n) for k in range(max(1, p - STEP_REACH), min(t.size - 1, p + STEP_REACH) + 1) for n in STEP_CADENCES]
    ramps = ramp_columns(t.size, tuple(steps))
    gain, params, residual = _best_column(basis, ramps, y, steps, 0)
    fits["step"] = (gain, (int(window[params[0]]), params[2]), residual)
    k, n = params[0], params[1]
    away = not (k - n - 1 <= p <= k + 1)
    return fits, (ramps[:, steps.index((k, n))] if away else None)


def _best_partial_dip(basis: np.ndarray, n: int, p: int, window: np.ndarray, y: np.ndarray):
    """(gain, (first, stop, amplitude), residual) of the best drop over exposures [first, stop) (holding `p`)
    whose neighbours on either side are dimmed by a share in EDGE_SHARES, at least one of them partly."""
    grid = [(a, a + length, left, right)
            for length in range(1, DIP_CADENCES + 1)
            for a in range(max(p - length + 1, 0), min(p, n - length) + 1)
            for left in (EDGE_SHARES if a > 0 else (0.0,))
            for right in (EDGE_SHARES if a + length < n else (0.0,))
            if left or right]
    if not grid:
        return -np.inf, (int(window[p]), int(window[p]) + 1, 0.0), y
    drops = partial_columns(n, tuple(grid))
    gain, (a, b, _, _, amplitude), residual = _best_column(basis, drops, y, grid, -1)
    return gain, (int(window[a]), int(window[b - 1]) + 1, amplitude), residual


def _once(columns: dict, key, build: Callable[[], np.ndarray]) -> np.ndarray:
    """The columns under `key`, built on first use: the refit on the ramp-augmented basis uses the same."""
    if key not in columns:
        columns[key] = build()
    return columns[key]


def _best_flare(basis: np.ndarray, t: np.ndarray, y: np.ndarray, p: int, cadence: float, after: float,
                columns: dict):
    """(gain, (t_peak, fwhm, amplitude, amplitude error), residual) of the best flare template, coarse then fine.

    The peak may sit in a gap just before the highest point: a table that kept only
    good-quality rows often lost the flare's own peak, flagged by the mission.
    """
    earliest = min(t[p] - cadence, t[p - 1]) if p > 0 else t[p] - cadence
    peaks = np.arange(earliest, t[p] + 0.5 * cadence + 1e-12, PEAK_STEP_CADENCES * cadence)
    longest = min(MAX_FWHM_DAYS, after / 3.0)
    shortest = min(cadence, SHORTEST_FWHM_DAYS, longest)
    coarse = _geometric_grid(shortest, longest, N_FWHM)
    gain, (t_peak, fwhm, _, _), _ = _flare_grid(basis, t, y, peaks, coarse, cadence, columns)
    step = (longest / shortest) ** (1.0 / (N_FWHM - 1))
    fine = fwhm * step ** _FINE_STEPS
    near = t_peak + PEAK_STEP_CADENCES * cadence * _NEAR_PEAKS
    refined = _flare_grid(basis, t, y, near, fine, cadence, columns)
    return refined if refined[0] >= gain else _flare_grid(basis, t, y, [t_peak], [fwhm], cadence, columns)


@lru_cache(maxsize=64)
def _geometric_grid(first: float, last: float, n: int) -> np.ndarray:
    """np.geomspace, computed once per curve's cadence rather than once per candidate (read-only)."""
    grid = np.geomspace(first, last, n)
    grid.flags.writeable = False
    return grid


def _flare_grid(basis, t, y, peaks, fwhms, cadence, columns):
    grid = [(tp, fw) for fw in fwhms for tp in peaks]
    t_peaks, widths = np.array(grid).T
    templates = _once(columns, ("flare", t_peaks.tobytes(), widths.tobytes()),
                      lambda: flare_binned_grid(t, t_peaks, widths, cadence))
    gain, params, residual, error = _best_column(basis, templates, y, grid, +1, with_error=True)
    return gain, (*params, error), residual


def _best_column(basis: np.ndarray, columns: np.ndarray, y: np.ndarray, grid: list, sign: int,
                 with_error: bool = False):
    """The column of `columns` that, added to the orthonormal `basis`, lowers chi^2 of `y` the most.

    Returns (gain, (*grid point, amplitude), residual[, amplitude error]); amplitudes
    of the wrong sign (when `sign` is not 0) are not allowed.
    """
    projected = columns - basis @ (basis.T @ columns)
    target = y - basis @ (basis.T @ y)
    norm = np.einsum("ij,ij->j", projected, projected)
    fitted = norm > 1e-12
    amplitude = np.where(fitted, projected.T @ target / np.where(fitted, norm, 1.0), 0.0)
    gain = np.where(fitted, amplitude**2 * norm, -np.inf)
    if sign:
        gain = np.where(np.sign(amplitude) == sign, gain, -np.inf)
    j = int(np.argmax(gain))
    out = (float(gain[j]), (*grid[j], float(amplitude[j])), target - projected[:, j] * amplitude[j])
    if with_error:
        return (*out, float(1.0 / np.sqrt(norm[j])) if fitted[j] else float("inf"))
    return out
