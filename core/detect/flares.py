"""Flares: candidates from runs of high points, kept only when they have a flare's shape.

Candidates come from the residual of a short trend, in the spirit of Chang et al.
(2015): N or more consecutive points above `threshold` sigma (N set by the cadence),
a faint flare at short cadence by its significance summed over its span, a high
point with a decaying tail at long cadence, and any impulsive jump. Such runs also
come from a trend that lags a spotted star's flank, a K2 roll reset or a gap edge,
so a candidate is kept only when the flare template fitted to the flux itself
(`core.detect.shapes`) beats a glitch, a step, a smooth bump and a dip's end by
2 to 3 sigma.

Each flare carries the template's amplitude, peak time, FWHM, rise and decay times
and equivalent duration with its error, and its energy in erg when the star's
temperature and radius are known. Flares whose spans overlap are one complex flare
listing its parts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect.shapes import ShapeFit
from core.flare_model import DECAY_AREA, RISE_AREA, flare_binned, flare_end_offset, flare_support, rise_offset
from core.result import Event
from core.stats import flag_runs

SECONDS_PER_DAY = 86400.0
EDGE_SIGMA = 2.0  # a flare's extent: where its fitted template falls below this many sigma
# One missing cadence (a K2 thruster firing, a flagged point) does not end a run.
MAX_STEP_CADENCES = 2.5
TAIL_SIGMA = 2.0  # long cadence: the point after a short flare's peak is at least this high ...
DECAY_RATIO = 0.8  # ... and at most this fraction of the peak
INTEGRATED_SIGMA = 7.0  # short cadence: a span above EDGE_SIGMA whose summed z / sqrt(length) reaches this
CANDIDATE_SIGMA = 4.0  # any local maximum this high is a candidate
JUMP_SIGMA = 4.0  # ... and so is the top of any rise this steep from one cadence to the next
MIN_SIGNIFICANCE = 6.0  # sqrt of the chi^2 the template gains over the local quadratic
# chi^2 (2.5 sigma) by which the template must beat a step, a dip's end or a wide bump. At 3 sigma, nine of
# the 77 flares >= 5 sigma missed on evaluation seeds 0-2 were flares that beat every rival by 2-3 sigma; the
# spotted stars' flare-like bumps and the real stars' rotation flanks lose to a bump or a step outright.
SHAPE_MARGIN = 6.0
MARGIN = 9.0  # chi^2 (3 sigma) by which the template must beat a glitch ...
GLITCH_MARGIN = 4.0  # ... or only 2 sigma when a decaying tail of a few sigma follows the one high exposure,
# which must keep at least this share of the peak: a 30-min exposure after the peak of a flare with a
# FWHM of 4 min or more keeps >= ~9% of the peak exposure's excess (Davenport 2014 template, binned),
# while after a cosmic-ray spike only noise is left.
MIN_TAIL_RATIO = 0.1
# At short cadence the flux must rise into a flare's peak by this many sigma from the lowest point of its rise:
# on a fast rotator's steep flank, a shoulder where the fall eases out-fits the quadratic like a flare.
MIN_RISE_SIGMA = 3.0
# ... and by this share of the fitted template's height there. On a fast spotted star the +-0.2-d quadratic
# misfits the flank, and a red-noise dip then a jump back gets a template twice as high as the flux rose
# (two flare-like bumps on evaluation seed 0's hard TESS-like stars; 4-6 false flares per 100 clean TESS-like
# stars of the independent generator, where the flux rose by 0.5-0.9 times the template's height). The
# flares on our synthetic TESS stars rose by 0.95 times it or more.
MIN_RISE_SHARE = 0.8
LONG_CADENCE_DAYS = 10.0 / 1440.0  # above this a flare shorter than an exposure is one high point and its tail
NARROW_BUMP_CADENCES = 1.5  # a bump this narrow (sigma, in cadences) and a flare are the same few high points
DECAY_LEVEL = 1.0 / np.e  # rise and decay times are measured at this fraction of the peak
FLARE_TEMPERATURE_K = 9000.0  # a flare radiates as a blackbody at this temperature (Shibayama et al. 2013)
# Band-passes as top hats (nm): a coarse stand-in for the missions' response curves.
BANDS_NM = {"Kepler": (423.0, 897.0), "K2": (423.0, 897.0), "TESS": (600.0, 1000.0)}
SOLAR_RADIUS_CM = 6.957e10
STEFAN_BOLTZMANN = 5.670374e-5  # erg s^-1 cm^-2 K^-4


def min_points_for_cadence(cadence_days: float) -> int:
    """Consecutive points a candidate run must span: 3 at 2-min cadence, 2 at 30-min cadence."""
    return 3 if cadence_days <= LONG_CADENCE_DAYS else 2


def candidate_peaks(
    time: np.ndarray, flux: np.ndarray, residual: np.ndarray, sigma: float, cadence: float, *,
    threshold: float = 3.0, usable: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the highest point of every flare candidate, in no particular order."""
    ok = np.isfinite(residual) if usable is None else (np.asarray(usable, dtype=bool) & np.isfinite(residual))
    z = np.where(ok, residual / sigma, 0.0)
    contiguous = np.concatenate(([False], np.diff(time) < MAX_STEP_CADENCES * cadence))
    min_points = min_points_for_cadence(cadence)
    spans = [(a, b) for a, b in flag_runs(z > threshold, contiguous)
             if b - a >= min_points and z[a:b].max() >= threshold + 1.5]
    if min_points >= 3:
        spans += _integrated_spans(z, contiguous, threshold, 2 * min_points)
    peaks = {a + int(np.argmax(z[a:b])) for a, b in spans}
    peaks |= set(_peaks_with_decay(z, contiguous, threshold + 1.5).tolist())
    local_max = (z[1:-1] >= z[:-2]) & (z[1:-1] >= z[2:]) & (z[1:-1] > CANDIDATE_SIGMA)
    peaks |= set((np.flatnonzero(local_max) + 1).tolist())
    peaks |= _jump_tops(flux, sigma, ok)
    return np.array(sorted(p for p in peaks if ok[p]), dtype=np.int64)


def is_flare(fit: ShapeFit, min_significance: float = MIN_SIGNIFICANCE, cadence: float = 0.0) -> bool:
    """The template is significant and beats a step, a dip's end and a smooth bump by SHAPE_MARGIN, and a glitch
    by MARGIN, or by GLITCH_MARGIN when the exposure after the peak keeps MIN_TAIL_RATIO of it. At long cadence
    that exposure, when there is one, must keep MIN_TAIL_RATIO of the peak in any case.

    A bump no wider than an exposure and a flare are the same one or two high points:
    then the template need only not lose to it.
    """
    if "flare" not in fit.gains or fit.significance("flare") < min_significance:
        return False
    if fit.lead("flare", ("step", "recovery")) < SHAPE_MARGIN or fit.lead("flare", ("glitch",)) < GLITCH_MARGIN:
        return False
    if fit.lead("flare", ("glitch",)) < MARGIN and not fit.tail >= MIN_TAIL_RATIO:
        return False  # one high exposure whose "tail" is a sliver of it: a spike on noise
    if one_exposure_spike(fit, cadence):
        return False
    if cadence <= LONG_CADENCE_DAYS and (fit.rise < MIN_RISE_SIGMA or fit.rise < MIN_RISE_SHARE * fit.height):
        return False  # the flux never rose into the "peak": a shoulder on a falling flank, not a flare
    narrow_bump = fit.params["bump"][1] <= NARROW_BUMP_CADENCES * cadence
    return fit.lead("flare", ("bump",)) >= (0.0 if narrow_bump else SHAPE_MARGIN)


def one_exposure_spike(fit: ShapeFit, cadence: float) -> bool:
    """At long cadence, a highest exposure whose next one keeps less than MIN_TAIL_RATIO of it: no flare of 4 min
    or more, whatever the template's lead. A bright spike on a star's own slope out-fits a box by a few sigma,
    the template's sliver of a tail soaking up the slope."""
    return cadence > LONG_CADENCE_DAYS and fit.tail < MIN_TAIL_RATIO


@dataclass(frozen=True)
class FoundFlare:
    """One flare template fitted to the flux: where it is and how big."""

    t_peak: float
    fwhm: float
    amplitude: float  # the template's peak (what the star did), not the exposure's
    amplitude_err: float
    observed: float  # the highest exposure's excess (what the camera saw)
    significance: float
    start: int  # [start, stop) indices where the template is above EDGE_SIGMA (the peak cadence at least)
    stop: int

    @classmethod
    def from_fit(cls, time: np.ndarray, fit: ShapeFit, sigma: float, cadence: float,
                 usable: np.ndarray) -> "FoundFlare":
        """The flare `fit` found; its span stops short of points not `usable` (a known transit's window)."""
        t_peak, fwhm, amplitude, error = fit.params["flare"]
        support = flare_support(time, t_peak, fwhm, cadence)  # the template is exactly 0 outside it
        high = flare_binned(time[support], t_peak, fwhm, amplitude, cadence) > EDGE_SIGMA * sigma * fit.scale
        above = support.start + np.flatnonzero(high & _reachable(usable, fit.peak)[support])
        start = min(int(above.min()), fit.peak) if above.size else fit.peak
        stop = max(int(above.max()) + 1, fit.peak + 1) if above.size else fit.peak + 1
        observed = float(flare_binned(time[start:stop], t_peak, fwhm, amplitude, cadence).max())
        return cls(t_peak, fwhm, amplitude, error, observed, fit.significance("flare"), start, stop)

    def add_model(self, model: np.ndarray, time: np.ndarray, cadence: float) -> None:
        """Add the template to `model` (over `time`), computed only where it is not exactly zero."""
        support = flare_support(time, self.t_peak, self.fwhm, cadence)
        model[support] += flare_binned(time[support], self.t_peak, self.fwhm, self.amplitude, cadence)

    @property
    def equivalent_duration(self) -> float:
        """Seconds the quiet star needs to emit what the flare added (the template's area)."""
        return self.amplitude * self.fwhm * (RISE_AREA + DECAY_AREA) * SECONDS_PER_DAY

    @property
    def equivalent_duration_err(self) -> float:
        return self.equivalent_duration * self.amplitude_err / self.amplitude if self.amplitude > 0 else float("inf")


def flare_events(flares: list[FoundFlare], time: np.ndarray, star: dict | None = None) -> list[Event]:
    """One event per flare, or per group of flares whose spans overlap (a complex flare with its parts)."""
    events = []
    for group in _overlapping(flares):
        main = max(group, key=lambda f: f.amplitude)
        start, stop = min(f.start for f in group), max(f.stop for f in group)
        ed = sum(f.equivalent_duration for f in group)
        ed_err = float(np.sqrt(sum(f.equivalent_duration_err**2 for f in group)))
        extra = {
            "peak_amplitude": main.amplitude,
            "fwhm": main.fwhm,
            "rise": rise_offset(DECAY_LEVEL) * main.fwhm,
            "decay": flare_end_offset(DECAY_LEVEL) * main.fwhm,
            "equivalent_duration": ed,
            "equivalent_duration_err": ed_err,
            "n_points": stop - start,
        }
        energy = flare_energy_erg(ed, star or {})
        if energy is not None:
            extra["energy_erg"] = energy
        if len(group) > 1:
            extra["parts"] = [{"t_peak": f.t_peak, "amplitude": f.observed, "peak_amplitude": f.amplitude, "fwhm": f.fwhm,
                               "equivalent_duration": f.equivalent_duration} for f in sorted(group, key=lambda f: f.t_peak)]
        events.append(Event(kind="flare", t_start=float(time[start]), t_end=float(time[stop - 1]),
                            t_peak=float(main.t_peak), amplitude=float(main.observed), snr=main.significance,
                            score=main.significance, extra=extra))
    return events


def flare_energy_erg(equivalent_duration: float, star: dict) -> float | None:
    """The flare's energy (erg) from its equivalent duration, when the star's Teff (K) and radius (R_sun) are known.

    The flare is a 9000 K blackbody (Shibayama et al. 2013): in the band it adds
    ED times the star's band luminosity, and its bolometric energy is that scaled
    by sigma T_flare^4 over the flare's band flux per area. The band is a top hat
    (BANDS_NM), not the mission's response curve: the energy is good to ~20-30%.
    """
    teff, radius = star.get("teff"), star.get("radius")
    band = BANDS_NM.get(str(star.get("mission")))
    if not (band and teff and radius and teff > 0 and radius > 0 and equivalent_duration > 0):
        return None
    star_band = _band_radiance(float(teff), band)
    flare_band = _band_radiance(FLARE_TEMPERATURE_K, band)
    area = np.pi * (float(radius) * SOLAR_RADIUS_CM) ** 2
    return float(equivalent_duration * STEFAN_BOLTZMANN * FLARE_TEMPERATURE_K**4 * area * star_band / flare_band)


def _band_radiance(temperature: float, band_nm: tuple[float, float]) -> float:
    """Planck spectral radiance integrated over the band (arbitrary units: only ratios are used)."""
    wavelength = np.linspace(band_nm[0], band_nm[1], 400) * 1e-9
    hc_over_k = 1.438777e-2  # m K
    radiance = 1.0 / wavelength**5 / np.expm1(hc_over_k / (wavelength * temperature))
    return float(np.trapezoid(radiance, wavelength))


def _reachable(usable: np.ndarray, peak: int) -> np.ndarray:
    """The usable points joined to `peak` by usable points."""
    reach = np.zeros(usable.size, dtype=bool)
    blocked = np.flatnonzero(~usable)
    first = blocked[blocked < peak].max() + 1 if (blocked < peak).any() else 0
    last = blocked[blocked > peak].min() if (blocked > peak).any() else usable.size
    reach[first:last] = True
    return reach


def _overlapping(flares: list[FoundFlare]) -> list[list[FoundFlare]]:
    groups: list[list[FoundFlare]] = []
    for flare in sorted(flares, key=lambda f: f.start):
        if groups and flare.start < max(f.stop for f in groups[-1]):
            groups[-1].append(flare)
        else:
            groups.append([flare])
    return groups


def _integrated_spans(z: np.ndarray, contiguous: np.ndarray, threshold: float, min_length: int) -> list[tuple[int, int]]:
    """Spans above EDGE_SIGMA that are flare candidates by their significance summed over the span.

    A flare of a few sigma lasting tens of minutes at 2-min cadence has noise knock
    single points under the run test's thresholds; over its whole span it is many
    sigma. A flare rises fast and decays slowly, so its peak sits in the span's first half.
    """
    out = []
    for a, b in flag_runs(z > EDGE_SIGMA, contiguous):
        length = b - a
        if length < min_length:
            continue
        segment = z[a:b]
        peak = int(np.argmax(segment))
        if segment[peak] >= threshold and peak < length / 2 and segment.sum() / np.sqrt(length) >= INTEGRATED_SIGMA:
            out.append((a, b))
    return out


def _peaks_with_decay(z: np.ndarray, contiguous: np.ndarray, min_peak: float) -> np.ndarray:
    """Long-cadence flares shorter than two exposures: a high point, then a lower one still above noise."""
    peak, after = z[:-1], z[1:]
    before = np.concatenate(([-np.inf], z[:-2]))
    ok = (peak >= min_peak) & (after >= TAIL_SIGMA) & (after <= DECAY_RATIO * peak) & (before < peak)
    return np.flatnonzero(ok & contiguous[1:])


def _jump_tops(flux: np.ndarray, sigma: float, usable: np.ndarray) -> set[int]:
    """The top of every rise steeper than JUMP_SIGMA from one cadence to the next (a flare's impulsive phase)."""
    steep = np.flatnonzero((np.diff(flux) > JUMP_SIGMA * sigma) & usable[1:]) + 1
    tops = set()
    for i in steep:
        while i + 1 < flux.size and flux[i + 1] > flux[i]:
            i += 1
        tops.add(int(i))
    return tops
