"""The unusual events' injection set (issue 23): single transits, dips, brightenings, steps, oscillation bursts.

Curves at 2-min (TESS-like) and 30-min (Kepler-like) cadence, on quiet stars
(slow rotation) and spotted ones (evolving spots), each carrying a few events of
different kinds in their own slices of the curve, clear of gaps and of each
other, and nothing else: no planet, flare or outlier, so any flare found inside
an event is false. Every event carries `own_snr`, its SNR on its own timescale
against the same curve without it (effective_snr.py):

- single_transit: depth / scatter at its duration (the periodic planets' rule, one transit);
- dip, brightening: the mean change over its span / scatter at the span's length;
- step: the jump / (sqrt(2) * scatter at STEP_WINDOW_DAYS): the difference of the means either side;
- oscillation: the rms of the burst * sqrt(2 * length / period) / scatter at half a period
  (a sine's matched filter, with a half-cycle as the independent unit).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from core.evaluation.cases import RED_NOISE_TAU_HOURS, Case, StarRecipe
from core.evaluation.effective_snr import duration_scatter, effective_snr
from core.synthetic import EventSpec, SpotSpec, generate_lightcurve
from core.synthetic.event_shapes import event_signal, microlensing
from core.synthetic.specs import EVENT_SIGNS

UNUSUAL_KINDS = tuple(EVENT_SIGNS)
# (recipe, events per curve, cadence name) for the full set and for --quick
CADENCES = ((StarRecipe("TESS", 20160, 2.0), 3, "2min"), (StarRecipe("Kepler", 4000, 29.4), 5, "30min"))
QUICK_CADENCES = ((StarRecipe("TESS", 6000, 2.0), 2, "2min"), (StarRecipe("Kepler", 1500, 29.4), 3, "30min"))
STARS = ("quiet", "spotted")
LIMB_DARKENING = (0.4, 0.25)
MARGIN_DAYS = 0.5  # clear data around an event's span, inside its slice of the curve
STEP_MARGIN_DAYS = 1.0  # a step needs a level on both sides
STEP_WINDOW_DAYS = 0.5
PLACEMENT_TRIES = 200
_SEED_OFFSET = 90_000
_SUBSAMPLE_MIN = 1.0  # exposures sampled once per minute, as the generator does

# Parameter ranges (issue 23); a duration is cut to what fits the event's slice.
SINGLE_TRANSIT_SNR = (10.0, 100.0)
SINGLE_TRANSIT_HOURS = (1.0, 12.0)
DIP_DEPTH = (0.01, 0.2)
DIP_DAYS = (0.3, 3.0)
DIP_FAST_SHARE = (0.15, 0.3)  # share of the duration spent on the fast side
BRIGHTENING_AMPLITUDE = (0.01, 0.2)
BRIGHTENING_FWHM_DAYS = (0.5, 5.0)
STEP_AMPLITUDE = (0.001, 0.02)
OSCILLATION_AMPLITUDE = (0.002, 0.01)
OSCILLATION_DAYS = (1.0, 2.0)
OSCILLATION_PERIOD_DAYS = (0.05, 0.3)
MIN_OSCILLATION_CADENCES = 4  # per period: a faster one is averaged away in the exposure


def build_unusual_cases(n_curves: int, seed: int, quick: bool = False) -> list[Case]:
    """`n_curves` curves cycling through the cadences, then quiet and spotted stars; the kinds rotate so
    every kind lands on every combination."""
    cadences = QUICK_CADENCES if quick else CADENCES
    cases = []
    first_kind = 0
    for index in range(n_curves):
        recipe, n_events, cadence_name = cadences[index % len(cadences)]
        star = STARS[(index // len(cadences)) % len(STARS)]
        kinds = [UNUSUAL_KINDS[(first_kind + j) % len(UNUSUAL_KINDS)] for j in range(n_events)]
        first_kind += n_events
        cases.append(unusual_case(index, seed, recipe, star, kinds, cadence_name))
    return cases


def unusual_case(index: int, seed: int, recipe: StarRecipe, star: str, kinds: list[str], cadence_name: str) -> Case:
    """One curve with one event of each of `kinds`, in shuffled slices of the curve."""
    rng = np.random.default_rng([seed, index, 23])
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    star_kwargs = draw_star(rng, recipe, star)
    generator_seed = seed * 100_003 + _SEED_OFFSET + index
    quiet, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star_kwargs,
                                       limb_darkening=LIMB_DARKENING)
    cadence = recipe.cadence_min / 1440.0
    edges = np.linspace(quiet.time[0], quiet.time[-1], len(kinds) + 1)
    specs = [_place(rng, kind, (edges[j], edges[j + 1]), truth.gaps, quiet.time, quiet.flux, cadence)
             for j, kind in enumerate(kinds)]
    lc, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star_kwargs,
                                    limb_darkening=LIMB_DARKENING, events=specs)
    by_time = {spec.t_peak: spec for spec in specs}
    events = [dict(event, own_snr=own_snr(by_time[event["t_peak"]], lc.time, quiet.flux, cadence))
              for event in truth.events]
    return Case(f"unusual-{star}-{cadence_name}-{index}", f"unusual-{star}-{cadence_name}", lc, events, [], cadence)


def own_snr(spec: EventSpec, time: np.ndarray, quiet_flux: np.ndarray, cadence: float) -> float:
    """The event's SNR on its own timescale (see the module's docstring for each kind's rule)."""
    n_sub = max(1, math.ceil(cadence * 1440.0 / _SUBSAMPLE_MIN))
    signal, (t_start, t_end) = event_signal(spec, time, cadence, n_sub, LIMB_DARKENING)
    if spec.kind == "step":
        return abs(spec.amplitude) / (math.sqrt(2.0) * duration_scatter(time, quiet_flux, STEP_WINDOW_DAYS))
    inside = (time >= t_start) & (time <= t_end)
    n_in = int(np.count_nonzero(inside))
    if n_in == 0:
        return 0.0
    if spec.kind == "single_transit":
        return effective_snr(spec.amplitude, n_in, spec.duration, cadence,
                             duration_scatter(time, quiet_flux, spec.duration))
    if spec.kind == "oscillation":
        assert spec.period is not None  # EventSpec requires one
        rms = float(np.sqrt(np.mean(signal[inside] ** 2)))
        return rms * math.sqrt(2.0 * n_in * cadence / spec.period) / duration_scatter(time, quiet_flux,
                                                                                       spec.period / 2)
    length = t_end - t_start
    return effective_snr(float(np.mean(signal[inside])), n_in, length, cadence,
                         duration_scatter(time, quiet_flux, length))


def draw_star(rng: np.random.Generator, recipe: StarRecipe, star: str) -> dict[str, Any]:
    """A quiet star (slow two-harmonic rotation) or a spotted one (evolving spots), with white and red noise."""
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(1500))))
    kwargs: dict[str, Any] = dict(mission=recipe.mission, noise_ppm=noise_ppm,
                                  red_noise_ppm=float(rng.uniform(0.1, 0.3) * noise_ppm),
                                  red_noise_tau_hours=RED_NOISE_TAU_HOURS)
    if star == "quiet":
        kwargs.update(rotation_period=float(rng.uniform(2.0, 15.0)),
                      rotation_amp=float(np.exp(rng.uniform(np.log(0.001), np.log(0.005)))))
    else:
        kwargs["spots"] = SpotSpec(period=float(rng.uniform(0.5, 5.0)),
                                   amplitude=float(np.exp(rng.uniform(np.log(0.005), np.log(0.03)))))
    return kwargs


def _place(rng: np.random.Generator, kind: str, slot: tuple[float, float], gaps: list[tuple[float, float]],
           time: np.ndarray, quiet_flux: np.ndarray, cadence: float) -> EventSpec:
    """An event of `kind` with drawn parameters, centred where its span and margins fit in `slot` off the gaps."""
    margin = STEP_MARGIN_DAYS if kind == "step" else MARGIN_DAYS
    room = slot[1] - slot[0] - 2 * margin
    spec = _draw(rng, kind, room, time, quiet_flux, cadence)
    n_sub = max(1, math.ceil(cadence * 1440.0 / _SUBSAMPLE_MIN))
    _, (before, after) = event_signal(spec, np.array([0.0]), cadence, n_sub, LIMB_DARKENING)
    low, high = slot[0] + margin - before, slot[1] - margin - after
    centre = 0.5 * (low + high)
    for _ in range(PLACEMENT_TRIES):
        candidate = float(rng.uniform(low, high)) if high > low else centre
        start, end = candidate + before - margin, candidate + after + margin
        if not any(gap_start <= end and start <= gap_end for gap_start, gap_end in gaps):
            centre = candidate
            break
    return replace(spec, t_peak=centre)


def _draw(rng: np.random.Generator, kind: str, room: float, time: np.ndarray, quiet_flux: np.ndarray,
          cadence: float) -> EventSpec:
    """Parameters of one event at t_peak = 0, its span cut to `room` days."""
    def log_uniform(bounds: tuple[float, float]) -> float:
        return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))

    if kind == "single_transit":
        duration = min(log_uniform(SINGLE_TRANSIT_HOURS) / 24.0, room)
        depth = log_uniform(SINGLE_TRANSIT_SNR) * duration_scatter(time, quiet_flux, duration)
        return EventSpec("single_transit", 0.0, -depth, duration)
    if kind == "dip":
        fast = float(rng.uniform(*DIP_FAST_SHARE))
        asymmetry = fast if rng.uniform() < 0.5 else 1.0 - fast
        return EventSpec("dip", 0.0, -log_uniform(DIP_DEPTH), min(log_uniform(DIP_DAYS), room), asymmetry)
    if kind == "brightening":
        amplitude = log_uniform(BRIGHTENING_AMPLITUDE)
        _, half_span_per_day = microlensing(amplitude, 1.0)  # the span scales with the width
        fwhm = min(log_uniform(BRIGHTENING_FWHM_DAYS), room / (2 * half_span_per_day))
        return EventSpec("brightening", 0.0, amplitude, fwhm)
    if kind == "step":
        return EventSpec("step", 0.0, log_uniform(STEP_AMPLITUDE) * float(rng.choice((-1.0, 1.0))))
    length = min(float(rng.uniform(*OSCILLATION_DAYS)), room)
    shortest = max(OSCILLATION_PERIOD_DAYS[0], MIN_OSCILLATION_CADENCES * cadence)
    period = min(log_uniform((shortest, max(shortest, OSCILLATION_PERIOD_DAYS[1]))), length / 2)
    return EventSpec("oscillation", 0.0, log_uniform(OSCILLATION_AMPLITUDE), length, period=period)
