"""Naming what the filters found: single transit, dip, brightening or step, with what was measured.

Candidates of every width that overlap are one excursion. Its flux, over a trend
fitted without it (and without the other excursions), is fitted with each shape
(shapes.py) in a window twice its length:

- a drop lasting at most MAX_TRANSIT_DAYS, not deeper than MAX_TRANSIT_DEPTH,
  and symmetric (a transit goes in as it comes out; a big planet's limb-darkened
  transit is as round as a smooth profile, so roundness is not held against it)
  is a `single_transit`, and so is one too short for its shape to show; any
  other drop is a `dip`, its asymmetry saying fast in and slow out or the reverse.
  Lopsided means very unequal sides, or moderately unequal ones that fit clearly
  better than equal ones: at high SNR a smooth fit's asymmetry is measured, not
  guessed;
- a rise is a `brightening`.

A group's extent is that of its longest window; when the best fit is much shorter,
the shapes are fitted again around it, on a grid fine enough for its own length.

An excursion narrower than MIN_FWHM_DAYS is not reported (a glitch or a flare),
nor a dip or brightening whose fast side falls in a hole in the data: a level
change across the hole (the instrument moved) explains it as well.

A jump from the step search is a `step` only if a step fits the flux around it
better than a dip or a brightening does: the edges of both jump too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.detect.unusual.grid import Grid
from core.detect.unusual.oscillation import Burst
from core.detect.unusual.scan import TREND_WIDTHS, Candidate
from core.detect.unusual.shapes import ShapeFit, fit_shapes
from core.detect.unusual.steps import Step
from core.detect.unusual.trend import event_trend

MAX_TRANSIT_DAYS = 1.5
MAX_TRANSIT_DEPTH = 0.6  # WD 1856+534 b blocks 56% of its white dwarf: deeper is no planet
MAX_TRANSIT_ASYMMETRY = 0.35
UNRESOLVED_BINS = 3  # a drop this many fitted bins long has no shape to tell
# A drop at least this lopsided is not a transit when unequal sides fit this much better than equal ones
# (chi-square over the reduced chi-square: 3 sigma for the one parameter more)
MIN_LOPSIDED_ASYMMETRY = 0.2
LOPSIDED_TIE = 9.0
TRANSIT_TIE = 4.0  # a trapezoid this much better (chi-square over the reduced chi-square) is a transit, lopsided or not
STEP_MARGIN = 9.0  # a step must beat a dip or brightening by this much (same units)
STEP_WINDOW_DAYS = 1.0  # on each side of a jump
MAX_FIT_BINS = 400
# Half the shortest box searched: anything shorter is a glitch or a flare, which have their own detectors
# (a glitch of a few 2-min cadences the outlier detector lets pass is not a transit).
MIN_FWHM_DAYS = 0.5 / 24.0
HOLE_SHARE = 0.3  # this share of empty bins (and at least one) on an event's fast side makes it unseen
ZOOM_SHARE = 0.5  # a fit shorter than this share of its group is fitted again around itself
SHOULDER_SHARE = 0.3  # of a stronger overlapping excursion's SNR, under which a candidate is its shoulder


@dataclass(frozen=True)
class Unusual:
    """One named event, where it is, how big and how significant, and the model that was fitted to it."""

    kind: str
    t_start: float
    t_end: float
    t_peak: float
    amplitude: float  # relative flux change at the peak (negative for a drop)
    snr: float
    extra: dict[str, float] = field(default_factory=dict)
    fit: ShapeFit | None = None
    burst: Burst | None = None
    grid_time: np.ndarray | None = None  # the bins the burst's sine is tabulated on

    def relative_model(self, time: np.ndarray) -> np.ndarray:
        """The relative flux the event adds at `time` (0 outside it)."""
        time = np.asarray(time, dtype=np.float64)
        if self.burst is not None and self.grid_time is not None:
            inside = (time >= self.t_start) & (time <= self.t_end)
            cos_amp = np.interp(time, self.grid_time, self.burst.cos_amp)
            sin_amp = np.interp(time, self.grid_time, self.burst.sin_amp)
            phase = 2 * np.pi * time / self.burst.period
            return np.where(inside, cos_amp * np.cos(phase) + sin_amp * np.sin(phase), 0.0)
        if self.fit is None:
            return np.zeros(time.size)
        return self.fit.amplitude * self.fit.shape(time)


def group_candidates(candidates: list[Candidate]) -> list[list[Candidate]]:
    """Candidates of every width that see the same excursion, one group each (in time order).

    The strongest candidate seeds a group; another joins it when either one's peak
    lies within the other's span. One that would join two groups bridges two
    excursions (a days-long window over a transit and a dip nearby) and joins none;
    one that only overlaps a group much stronger than itself is that excursion's
    shoulder (where the trend bent around it) and is dropped.
    """
    groups: list[list[Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: -c.snr):
        matches = [g for g in groups if _same_excursion(g[0], candidate)]
        if len(matches) == 1:
            matches[0].append(candidate)
        elif not matches and not any(_shoulder(g, candidate) for g in groups):
            groups.append([candidate])
    return sorted(groups, key=lambda g: min(c.t_start for c in g))


def _shoulder(group: list[Candidate], other: Candidate) -> bool:
    """Whether `other` overlaps the group's extent and is much weaker than its seed."""
    start, end = min(c.t_start for c in group), max(c.t_end for c in group)
    return other.t_start <= end and start <= other.t_end and other.snr < SHOULDER_SHARE * group[0].snr


def _same_excursion(seed: Candidate, other: Candidate) -> bool:
    return seed.t_start <= other.t_peak <= seed.t_end or other.t_start <= seed.t_peak <= other.t_end


def name_excursion(grid: Grid, group: list[Candidate], others: np.ndarray, sigma_white: float,
                   breaks: tuple[int, ...]) -> Unusual | None:
    """The named event of one group of candidates, or None when no shape of its sign fits.

    `others` masks the bins of every excursion (kept out of the trend). A days-long
    window joins the group of a shorter event it holds, and a fit across all of it
    places the shapes on a grid too coarse for the event; when the best fit is much
    shorter than the group, it is fitted again around itself.
    """
    best = max(group, key=lambda c: c.snr)
    start, end = min(c.t_start for c in group), max(c.t_end for c in group)
    trend = event_trend(grid, TREND_WIDTHS * max(end - start, best.width), others, breaks)
    shortest = max(2.0 * grid.width, min(c.width for c in group) / 4.0)
    named = _fit_and_name(grid, trend, (start, end), shortest, best.sign, sigma_white)
    if named is None:
        return None
    kind, fit = named
    t0, t1 = fit.span
    t0, t1 = max(t0, start), min(t1, end)
    if t1 - t0 < ZOOM_SHARE * (end - start):
        zoomed = _fit_and_name(grid, trend, (t0, t1), min(shortest, 0.5 * (t1 - t0)), best.sign, sigma_white)
        if zoomed is not None:
            kind, fit = zoomed
    if fit.fwhm < MIN_FWHM_DAYS or (fit.family in ("gaussian", "cosine") and _fast_side_unseen(grid, fit)):
        return None
    t0, t1 = fit.span
    t0, t1 = max(t0, start), min(t1, end)
    extra: dict[str, float] = {"snr": best.snr, "width_searched": best.width}
    if fit.family == "trapezoid":
        centre, duration, ingress = fit.params
        extra.update(depth=-fit.amplitude, duration=duration, ingress_share=ingress, asymmetry=0.0)
        peak = centre
        if kind == "single_transit":
            extra["min_period"] = max(centre - grid.point_time[0], grid.point_time[-1] - centre)
    else:
        peak, rise, fall = fit.params
        size = "depth" if fit.amplitude < 0 else "amplitude"
        extra.update({size: abs(fit.amplitude), "duration": fit.fwhm, "asymmetry": fit.asymmetry,
                      "rise": rise, "fall": fall})
    return Unusual(kind, float(t0), float(t1), float(peak), float(fit.amplitude), best.snr, extra, fit=fit)


def _fit_and_name(grid: Grid, trend: np.ndarray, span: tuple[float, float], shortest: float, sign: int,
                  sigma_white: float) -> tuple[str, ShapeFit] | None:
    """(kind, fit) of the shapes centred within `span`, fitted over `trend` in a window twice its length."""
    start, end = span
    length = end - start
    window = grid.bins_of(start - 0.5 * length, end + 0.5 * length)
    time, flux, weight = _fit_data(grid, window, trend[window], sigma_white)
    if time.size < 8:
        return None
    fits = fit_shapes(time, flux, weight, sign, (start, end), (shortest, max(1.2 * length, 2 * shortest)),
                      ("trapezoid", "gaussian", "cosine", "even_cosine"), refine=True)
    if len(fits) == 1:
        return None
    scale = _reduced_chi2(fits, time.size)
    return _kind(fits, sign, scale, UNRESOLVED_BINS * float(np.median(np.diff(time))))


def _fast_side_unseen(grid: Grid, fit: ShapeFit) -> bool:
    """Whether the event's fast side (its quicker edge, two of its timescales long, and the cadence beyond)
    falls in a hole in the data: a level change across the hole (the instrument moved) then explains the flux
    as well as an event. The cadence beyond counts: a K2 roll reset's jump across one missing cadence, fitted
    as a brightening, falls in two cadences and the hole just after them."""
    peak, rise, fall = fit.params
    reach = grid.cadence
    edge = grid.bins_of(peak - 2 * rise - reach, peak) if rise <= fall else grid.bins_of(peak, peak + 2 * fall + reach)
    missing = int((~grid.sampled[edge]).sum())
    return missing >= max(HOLE_SHARE * (edge.stop - edge.start), 1)


def confirm_step(grid: Grid, step: Step, sigma_white: float) -> Unusual | None:
    """The step as an event when a step fits the flux around it clearly better than a dip or a brightening."""
    fitted = _step_fit(grid, step, sigma_white, STEP_WINDOW_DAYS)
    if fitted is None:
        return None
    time, flux, weight, fit = fitted
    # Rivals end inside the window: a dip or a brightening comes back, a step does not.
    reach = 0.5 * STEP_WINDOW_DAYS
    rivals = []
    for rival_sign in (1, -1):
        fits = fit_shapes(time, flux, weight, rival_sign, (step.time - reach, step.time + reach),
                          (2 * grid.width, STEP_WINDOW_DAYS), ("trapezoid", "cosine"))
        rivals += [f.chi2 for name, f in fits.items() if name != "none"]
    scale = max(fit.chi2 / max(time.size - 5, 1), 1.0)
    if rivals and min(rivals) - fit.chi2 < STEP_MARGIN * scale:
        return None
    extra = {"jump": step.jump, "level_before": step.before, "snr": step.snr}
    return Unusual("step", step.last_before, step.first_after, step.time, step.jump, step.snr, extra, fit=fit)


def rotation_step(ratio: Grid, step: Step, sigma: float, period: float) -> Unusual | None:
    """A step found in the flux over itself one rotation earlier (steps.find_rotation_steps), as an event.

    It has already come back one rotation later, which neither a dip nor a
    brightening does, so no rival is fitted; its model is the step fitted to
    the ratio within the rotation (`sigma`: the ratio's white noise per point).
    """
    fitted = _step_fit(ratio, step, sigma, min(STEP_WINDOW_DAYS, period - 2 * ratio.width))
    if fitted is None:
        return None
    extra = {"jump": step.jump, "level_before": step.before, "snr": step.snr, "rotation_period": period}
    return Unusual("step", step.last_before, step.first_after, step.time, step.jump, step.snr, extra,
                   fit=fitted[3])


def _step_fit(grid: Grid, step: Step, sigma_white: float,
              half_window: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, ShapeFit] | None:
    """(time, flux, weight, the step's fit) within `half_window` days of the step, or None."""
    window = grid.bins_of(step.time - half_window, step.time + half_window)
    time, flux, weight = _fit_data(grid, window, None, sigma_white)
    if time.size < 8:
        return None
    sign = 1 if step.jump > 0 else -1
    near = (step.time - 2 * grid.width, step.time + 2 * grid.width)
    steps = fit_shapes(time, flux, weight, sign, near, (grid.width, grid.width), ("step",))
    return (time, flux, weight, steps["step"]) if "step" in steps else None


def _kind(fits: dict[str, ShapeFit], sign: int, scale: float, unresolved: float) -> tuple[str, ShapeFit]:
    """(kind, the fit that describes it) from the shapes' fits (see the module docstring).

    `unresolved` is the longest duration (days) whose shape the data cannot tell:
    a drop that short and symmetric enough is a transit whatever fits it best.
    """
    trapezoid = fits.get("trapezoid")
    smooth = min((fits[f] for f in ("gaussian", "cosine") if f in fits), key=lambda f: f.chi2, default=None)
    if sign > 0:
        return "brightening", smooth or trapezoid
    if trapezoid is None:
        return "dip", smooth
    if smooth is None:
        return "dip", trapezoid
    duration = trapezoid.params[1]
    plausible = duration <= MAX_TRANSIT_DAYS and -trapezoid.amplitude <= MAX_TRANSIT_DEPTH
    margin = (trapezoid.chi2 - smooth.chi2) / scale  # > 0: the smooth shape fits better
    even = fits.get("even_cosine")
    needs_sides = even is not None and (even.chi2 - smooth.chi2) / scale > LOPSIDED_TIE
    lopsided = abs(smooth.asymmetry) > MAX_TRANSIT_ASYMMETRY or (
        abs(smooth.asymmetry) > MIN_LOPSIDED_ASYMMETRY and needs_sides)
    symmetric = not lopsided or margin < -TRANSIT_TIE
    if plausible and (duration <= unresolved or symmetric):
        return "single_transit", trapezoid
    return "dip", smooth


def _reduced_chi2(fits: dict[str, ShapeFit], n: int) -> float:
    """The best shape's chi-square per degree of freedom, at least 1: red noise makes every chi-square bigger."""
    best = min(f.chi2 for name, f in fits.items() if name != "none")
    return max(best / max(n - 7, 1), 1.0)


def _fit_data(grid: Grid, window: slice, trend: np.ndarray | None,
              sigma_white: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(time, flux over `trend` or as it is, weight) of the filled bins in `window`, merged to <= MAX_FIT_BINS."""
    count = grid.count[window]
    flux = grid.flux[window] if trend is None else grid.flux[window] / trend
    filled = (count > 0) & np.isfinite(flux)
    time, flux, count = grid.time[window][filled], flux[filled], count[filled]
    factor = int(np.ceil(time.size / MAX_FIT_BINS))
    if factor > 1:
        n = time.size // factor * factor
        c = count[:n].reshape(-1, factor)
        total = c.sum(axis=1)
        time = (time[:n] * count[:n]).reshape(-1, factor).sum(axis=1) / total
        flux = (flux[:n] * count[:n]).reshape(-1, factor).sum(axis=1) / total
        count = total
    return time, flux, count / sigma_white**2
