"""Instrumental outliers: single points and glitches of a few cadences far from the trend, either sign.

A glitch is told by its shape, not its length: a flat-topped box with sharp edges on
both sides (`core.detect.shapes`), one cadence or several. What is already explained
(a flare, a transit) is not an outlier; inside a known transit's window points are
judged against their own neighbours instead (`find_outliers`). Points the mission
flagged in QUALITY are counted separately by the pipeline.
"""
from __future__ import annotations

import numpy as np

from core.detect.flares import one_exposure_spike
from core.detect.shapes import ShapeFit
from core.result import Event

MAX_GLITCH_CADENCES = 2  # inside a known transit, where a glitch is judged against its neighbours
GLITCH_MINUTES = 20.0  # elsewhere a glitch lasts up to this long ...
GLITCH_CADENCES = (6, 10)  # ... and between these many cadences
SHORTEST_TRANSIT_MINUTES = 30.0  # a drop longer than this may be a planet's transit (two long-cadence exposures are)
EDGE_MARGIN = 4.0  # chi^2 (2 sigma) a partial dip must gain over the box: it has several times the shapes to fit noise with
MARGIN = 9.0  # chi^2 by which a flare or a smooth bump must beat the box before the box is not called a glitch
# A one-exposure box at a window's last row before a gap is the same column as a step there: their gains
# then differ by rounding alone (1e-13), which must not decide. One exposure does not show a level kept.
TIE_SHARE = 1e-9
NEIGHBOUR_SIGMA = 3.0  # an outlier's neighbours sit back near the trend
# A box the local quadratic refuses is refitted over a baseline that follows a turning star only when it
# stands this share of the threshold above its neighbours: most candidates are noise that never does.
REFIT_SHARE = 0.9


def find_outliers(
    time: np.ndarray,
    residual: np.ndarray,
    sigma: float,
    *,
    threshold: float = 5.0,
    explained: np.ndarray | None = None,
) -> tuple[list[Event], np.ndarray]:
    """Runs of <= 2 points beyond `threshold` sigma whose neighbours are within 3 sigma or on the other side.

    Returns the events and a per-point outlier mask. `explained` marks points that
    belong to flares or transits and so are never called outliers.
    """
    time = np.asarray(time, dtype=np.float64)
    residual = np.asarray(residual, dtype=np.float64)
    mask = np.zeros(time.size, dtype=bool)
    if time.size < 3 or not np.isfinite(sigma) or sigma <= 0:
        return [], mask
    z = np.where(np.isfinite(residual), residual / sigma, 0.0)
    explained = np.zeros(time.size, dtype=bool) if explained is None else np.asarray(explained, dtype=bool)
    extreme = (np.abs(z) > threshold) & ~explained
    events: list[Event] = []
    index = np.flatnonzero(extreme)
    i = 0
    while i < index.size:
        start = index[i]
        stop = start + 1
        # A glitch is consecutive extreme points of the same sign.
        while stop < time.size and extreme[stop] and np.sign(z[stop]) == np.sign(z[start]):
            stop += 1
        i = int(np.searchsorted(index, stop))
        if stop - start > MAX_GLITCH_CADENCES:
            continue
        before_ok = start == 0 or _apart(z[start - 1], z[start]) or explained[start - 1]
        after_ok = stop >= time.size or _apart(z[stop], z[start]) or explained[stop]
        if not (before_ok and after_ok):
            continue
        peak = start + int(np.argmax(np.abs(z[start:stop])))
        mask[start:stop] = True
        strength = abs(z[peak])
        events.append(Event.spanning("outlier", time, residual, start, stop, peak, snr=strength, score=strength,
                                     n_points=int(stop - start)))
    return events, mask


def max_glitch_cadences(cadence: float) -> int:
    """Longest glitch, in cadences: GLITCH_MINUTES, and 6 to 10 cadences (3 h at long cadence, 20 min at 2-min)."""
    return int(np.clip(round(GLITCH_MINUTES / (cadence * 1440.0)), *GLITCH_CADENCES))


def glitch_fit(fit: ShapeFit, sigma: float, threshold: float, cadence: float) -> ShapeFit | None:
    """The fit that shows the excursion is a glitch, or None when it is not one.

    The fit over the local quadratic, or, when that refuses a box that stands at least
    REFIT_SHARE of `threshold` above its neighbours (`ShapeFit.contrast`), the same shapes
    over a baseline that follows a turning star (`ShapeFit.turning`): there the curvature
    the quadratic leaves let a bump or a step out-fit a plain spike. Refitting only those
    keeps the cost to the few that can change.
    """
    if _box_is_glitch(fit, sigma, threshold, cadence):
        return fit
    if not fit.contrast >= REFIT_SHARE * threshold:
        return None
    turning = fit.turning
    return turning if turning is not None and _box_is_glitch(turning, sigma, threshold, cadence) else None


def _box_is_glitch(fit: ShapeFit, sigma: float, threshold: float, cadence: float) -> bool:
    """The box explains the excursion at least as well as a step, no flare, bump or wider dip beats it by MARGIN,
    and its level is beyond `threshold` times the local scatter. A flare with no tail at long cadence is no rival.

    A drop lasting longer than SHORTEST_TRANSIT_MINUTES may be a short transit (at long
    cadence that is three exposures or more): it is a glitch only when its edges are
    sharp, each a one-cadence jump, so that a dip with partly dimmed edge exposures
    (a transit's ingress and egress fall anywhere inside an exposure) fits no better.
    """
    if "glitch" not in fit.gains:
        return False
    start, stop, amplitude = fit.params["glitch"]
    transit_long = (stop - start) * cadence * 1440.0 > SHORTEST_TRANSIT_MINUTES
    if amplitude < 0 and transit_long and fit.lead("glitch", ("partial_dip",)) < -EDGE_MARGIN:
        return False
    rivals = ("bump", "dip") if one_exposure_spike(fit, cadence) else ("flare", "bump", "dip")
    tie = TIE_SHARE * abs(fit.gains["glitch"])  # a box and a step that are the same column fit equally well
    return (fit.lead("glitch", ("step",)) >= -tie and fit.lead("glitch", rivals) > -MARGIN
            and abs(amplitude) >= threshold * sigma * fit.scale)


def glitch_event(time: np.ndarray, fit: ShapeFit, sigma: float) -> Event:
    """The outlier event of a box-shaped glitch (`fit` as `glitch_fit` returned it): cadences, level, significance."""
    start, stop, amplitude = fit.params["glitch"]
    snr = abs(amplitude) / (sigma * fit.scale)
    return Event(kind="outlier", t_start=float(time[start]), t_end=float(time[stop - 1]), t_peak=float(time[fit.peak]),
                 amplitude=float(amplitude), snr=float(snr), score=float(snr), extra={"n_points": int(stop - start)})


def _apart(neighbour: float, glitch: float) -> bool:
    """A neighbour is not part of the glitch when it is near the trend or on the trend's other side.

    The other side happens when the glitch pulled a short trend up (or down) with it.
    """
    return abs(neighbour) < NEIGHBOUR_SIGMA or np.sign(neighbour) != np.sign(glitch)
