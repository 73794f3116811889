"""Short excursions from the trend, each named by its shape: flares and glitches (outliers).

Candidates, strongest first, are fitted with every shape (`core.detect.shapes`) on
the flux with the flares found so far subtracted, so a flare on another flare's tail
is fitted as its own part. At short cadence a candidate the +-0.2-d quadratic
refuses gets a closer look over +-2 h, where a fast rotator's spots curve less
(CLOSER_HALF_WINDOW_DAYS). Two things guard the flares against what a star's own
systematics fake:

- on K2, the upside-down and the backwards curve. Flares only go up and rise
  faster than they decay; the roll-corrected flux's residual jumps and ramps go both
  ways in flux and in time (a slow ramp ending in a sharp drop is, run backwards, a
  flare's shape). The strongest "flare" either curve shows (away from the star's own
  flares, and upside down from dips deeper than INVERTED_MAX_DEPTH: transits and
  eclipses, not roll residuals) is what this star's systematics can fake, and a flare
  must be at least that significant. (Kepler and TESS curves have no such
  systematics; there a deep eclipse or a gap ramp turned over would only cost real
  flares.)
- a step that is a long flare. A big flare decays for longer than the fitting
  window and looks like a step there; it is looked at again over a longer window,
  on the flux divided by the star's own rotation when the star rotates fast (the
  decay then stands out from the spots), and kept only if it decays back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect.flares import LONG_CADENCE_DAYS, MIN_SIGNIFICANCE, FoundFlare, candidate_peaks, flare_events, is_flare
from core.detect.outliers import glitch_event, glitch_fit, max_glitch_cadences
from core.detect.shapes import fit_shapes
from core.result import Event
from core.stats import cadence_days, span_mask

INVERTED_MAX_DEPTH = 0.02  # dips deeper than this (relative) are transits or eclipses, not roll systematics
GLITCH_CANDIDATE_SIGMA = 4.0  # any local extremum this far from the trend is a glitch candidate
LONG_FLARE_SIGNIFICANCE = 20.0  # a step this significant ...
LONG_FLARE_SHARE = 0.7  # ... that the template explains nearly as well is looked at again
LONG_FLARE_AFTER_DAYS = 0.6  # over this long after its peak
SAME_FLARE_CADENCES = 2  # candidates this close to a flare's peak are that flare
# Short cadence: a flare the +-0.2-d quadratic refuses is fitted again over +-2 h (a 25-min-FWHM flare keeps ~9%
# of its peak there). A spotted star turning within +-0.2 d leaves tens of sigma of curvature that a bump, a
# step or a transit's recovery takes; on fast rotators with spots 25-130 times the noise that lost 64 of 77
# flares of 5-30 sigma.
CLOSER_HALF_WINDOW_DAYS = 0.08
# ... when the wide fit's best shape is one of these and the template gains at least this (sqrt chi^2). On
# ten lab fast rotators this keeps 29 of the 30 flares the closer look found, and on the bench's 20k-point
# TESS curve it leaves 18 of 151 candidates to refit (0.16 -> 0.03 s).
CLOSER_LOOK_LEADERS = ("flare", "bump", "step", "recovery")
CLOSER_LOOK_MIN_SIGNIFICANCE = 3.0


@dataclass(frozen=True)
class Excursions:
    """Flares and glitches found, with the points each covers."""

    flares: list[Event]
    flare_mask: np.ndarray
    glitches: list[Event]
    glitch_mask: np.ndarray


def find_excursions(
    time: np.ndarray, flux: np.ndarray, residual: np.ndarray, sigma: float, usable: np.ndarray, *,
    flare_sigma: float = 3.0, outlier_sigma: float = 5.0, flares: bool = True, glitches: bool = True,
    rotation_flux: np.ndarray | None = None, star: dict | None = None, flare_usable: np.ndarray | None = None,
) -> Excursions:
    """Flares and glitches among the candidates of `residual` (flux over a short trend, minus 1; noise `sigma`).

    Points not `usable` (known transit windows) are never candidates, but flares may use `flare_usable`
    (`usable` and the windows of transits too shallow to fake a flare's shape). `rotation_flux`
    is the flux divided by the star's rotation model, when the star rotates fast;
    `star` (mission, teff, radius) turns equivalent durations into energies.
    """
    n = time.size
    if n < 3 or not (np.isfinite(sigma) and sigma > 0) or not (flares or glitches):
        return Excursions([], np.zeros(n, dtype=bool), [], np.zeros(n, dtype=bool))
    floor = MIN_SIGNIFICANCE
    if flares and (star or {}).get("mission") == "K2":  # what the roll systematics fake, upside down or backwards
        own = usable & ~_upright_flares(time, flux, residual, sigma, usable, flare_sigma, outlier_sigma, rotation_flux)
        shallow = own & (residual > -INVERTED_MAX_DEPTH)
        inverted, _ = _look(time, 2.0 - flux, -residual, sigma, shallow, flare_sigma, outlier_sigma, floor,
                            flares=True, glitches=False, rotation_flux=None if rotation_flux is None else 2.0 - rotation_flux)
        backwards, _ = _look(time[0] + time[-1] - time[::-1], flux[::-1], residual[::-1], sigma, own[::-1],
                             flare_sigma, outlier_sigma, floor, flares=True, glitches=False,
                             rotation_flux=None if rotation_flux is None else rotation_flux[::-1])
        floor = max([floor] + [f.significance for f in inverted + backwards])
    found, outliers = _look(time, flux, residual, sigma, usable, flare_sigma, outlier_sigma, floor, flares=flares,
                            glitches=glitches, rotation_flux=rotation_flux, flare_usable=flare_usable)
    flare_list = flare_events(found, time, star)
    return Excursions(flare_list, span_mask(time, flare_list), outliers, span_mask(time, outliers))


def _upright_flares(time, flux, residual, sigma, usable, flare_sigma, outlier_sigma, rotation_flux) -> np.ndarray:
    """Points of the flares found with no floor. Turned upside down they are dips beside the systematics, and
    one in a systematic's window blurs its fit: on the real K2 star an injected flare 0.7 d before the
    campaign-start ramp hid the ramp, and the floor fell from 22 sigma to 6."""
    found, _ = _look(time, flux, residual, sigma, usable, flare_sigma, outlier_sigma, MIN_SIGNIFICANCE,
                     flares=True, glitches=False, rotation_flux=rotation_flux)
    mask = np.zeros(time.size, dtype=bool)
    for flare in found:
        mask[flare.start:flare.stop] = True
    return mask


def _look(
    time: np.ndarray, flux: np.ndarray, residual: np.ndarray, sigma: float, usable: np.ndarray, flare_sigma: float,
    outlier_sigma: float, floor: float, *, flares: bool, glitches: bool, rotation_flux: np.ndarray | None,
    flare_usable: np.ndarray | None = None,
) -> tuple[list[FoundFlare], list[Event]]:
    """Each candidate, strongest first, fitted on the flux less the flares already found: a flare, a glitch or neither.

    Fits and flare candidates use `flare_usable` (default `usable`); glitches are judged only at `usable` points.
    """
    cadence = cadence_days(time)
    usable = np.asarray(usable, dtype=bool)
    fit_usable = usable if flare_usable is None else np.asarray(flare_usable, dtype=bool)
    found: list[FoundFlare] = []
    outliers: list[Event] = []
    model = np.zeros(time.size)
    remaining = flux - model  # the flux less the flares found so far, recomputed only when one is found
    taken = ~fit_usable
    for peak in _candidates(time, flux, residual, sigma, fit_usable, usable, cadence, flare_sigma, flares, glitches):
        if taken[peak]:
            continue
        sign = 1 if residual[peak] > 0 else -1
        fit = fit_shapes(time, remaining, sigma, peak, cadence, sign, max_glitch_cadences(cadence),
                         usable=fit_usable)
        if flares and sign > 0:
            fit = _long_flare(time, remaining, sigma, fit, cadence, rotation_flux, model, fit_usable)
            if not is_flare(fit, floor, cadence) and cadence <= LONG_CADENCE_DAYS:
                fit = _closer_look(time, remaining, sigma, fit, cadence, fit_usable, floor)
            if is_flare(fit, floor, cadence):
                flare = FoundFlare.from_fit(time, fit, sigma, cadence, fit_usable)
                found.append(flare)
                flare.add_model(model, time, cadence)
                remaining = flux - model
                # Its own peak is done; elsewhere on it, flux less the template may hold another flare.
                taken[max(fit.peak - SAME_FLARE_CADENCES, 0):fit.peak + SAME_FLARE_CADENCES + 1] = True
                continue
        judged = glitch_fit(fit, sigma, outlier_sigma, cadence) if glitches and usable[peak] else None
        if judged is not None:
            outliers.append(glitch_event(time, judged, sigma))
            start, stop, _ = judged.params["glitch"]
            taken[start:stop] = True
    return found, sorted(outliers, key=lambda e: e.t_start)


def _candidates(time, flux, residual, sigma, flare_usable, usable, cadence, flare_sigma, flares, glitches) -> list[int]:
    """Flare candidates (among `flare_usable` points) and glitch candidates (among `usable` ones), the furthest
    from the trend first."""
    peaks: set[int] = set()
    if flares:
        peaks |= set(candidate_peaks(time, flux, residual, sigma, cadence, threshold=flare_sigma,
                                     usable=flare_usable).tolist())
    if glitches:
        z = np.where(usable, residual / sigma, 0.0)
        extreme = np.abs(z[1:-1]) > GLITCH_CANDIDATE_SIGMA
        local = ((z[1:-1] >= z[:-2]) & (z[1:-1] >= z[2:])) | ((z[1:-1] <= z[:-2]) & (z[1:-1] <= z[2:]))
        peaks |= set((np.flatnonzero(extreme & local) + 1).tolist())
        peaks |= {i for i in (0, time.size - 1) if abs(z[i]) > GLITCH_CANDIDATE_SIGMA}
    return sorted(peaks, key=lambda i: -abs(residual[i]))


def _closer_look(time, flux, sigma, fit, cadence, usable, floor):
    """A short-cadence candidate the quadratic refused, fitted again over CLOSER_HALF_WINDOW_DAYS: over the
    quadratic, then over the higher-order baseline of a turning star (`ShapeFit.turning`). The first that
    calls it a flare is kept; else the original fit stands, and the glitch is judged on it.

    Only a candidate whose template already stands out and that a smooth rival or the template itself
    leads is looked at: curvature hides a flare behind a bump, a step or a recovery, not behind a spike.
    """
    if fit.best not in CLOSER_LOOK_LEADERS or fit.significance("flare") < CLOSER_LOOK_MIN_SIGNIFICANCE:
        return fit
    closer = fit_shapes(time, flux, sigma, fit.peak, cadence, +1, max_glitch_cadences(cadence),
                        before=CLOSER_HALF_WINDOW_DAYS, after=CLOSER_HALF_WINDOW_DAYS, usable=usable)
    if is_flare(closer, floor, cadence):
        return closer
    turning = closer.turning
    return turning if turning is not None and is_flare(turning, floor, cadence) else fit


def _long_flare(time, flux, sigma, fit, cadence, rotation_flux, model, usable):
    """A step that the template explains nearly as well, looked at again over a longer window (see the module doc)."""
    if not (fit.best == "step" and fit.gains["step"] >= LONG_FLARE_SIGNIFICANCE**2
            and fit.gains.get("flare", -np.inf) >= LONG_FLARE_SHARE * fit.gains["step"]):
        return fit
    basis = flux if rotation_flux is None else rotation_flux - model
    longer = fit_shapes(time, basis, sigma, fit.peak, cadence, +1, max_glitch_cadences(cadence),
                        after=LONG_FLARE_AFTER_DAYS, usable=usable)
    return longer if longer.best == "flare" else fit
