"""Periodic transit search: rounds of periodogram, peak refinement and vetting.

Each round's periodogram (`core.detect.periodogram`: box least squares over a
duration-aware period grid, by fast folding) is computed on binned flux; its
strongest peaks are refined and vetted on the unbinned flux with the exact BLS
kernel (`core.detect.box_kernel`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from core.detect.box_kernel import box_likelihood_power
from core.detect.periodogram_metrics import false_alarm_probability
from core.detect.periodogram import MAX_DUTY_CYCLE, detection_efficiency, period_grid, period_range, periodogram
from core.detect.vetting import loudest_epoch, sine_vs_box, transit_mask, vet_candidate
from core.stats import point_to_point_std
from core.result import Event, Periodogram, TransitCandidate

TRANSIT_MASK_FACTOR = 1.5  # mask this many durations around a found transit
REFINE_STEPS = 3
REFINE_FRACTION = 0.01  # a candidate's period is re-fitted within this fraction
REFINE_POINTS = 100
ACCEPTED_ALIAS_TOLERANCE = 0.002  # relative: accepted candidates' periods are refined
MAX_ALIAS_ORDER = 10  # periods in integer ratios up to this are aliases of each other
HARMONIC_ORDER = 5  # ... and in ratios m/n (m, n up to this) within HARMONIC_TOLERANCE: harmonics of one signal
HARMONIC_TOLERANCE = 0.002  # relative: a periodic signal's harmonics sit at its ratios to the grid's precision
SINE_OVER_BOX = 0.6  # at the rotation period a candidate whose dip a sinusoid explains this well is rotation
SURE_PINK_SNR = 10.0  # a dip this strong against the correlated noise needs no word from the periodogram's FAP
MAX_MASKED_EVENTS = 6  # single events (glitch runs, ramps) masked per search when they alone made a round's peaks
LONE_EVENT_SHARE = 0.5  # ... when one epoch of a refused peak carries at least this share of its SNR^2


@dataclass
class TransitSearch:
    """What the search found: vetted candidates, their transits as events, a mask of in-transit points."""

    candidates: list[TransitCandidate]
    events: list[Event]
    in_transit: np.ndarray
    periodogram: Periodogram | None
    rejected: list[dict] = field(default_factory=list)
    lone_events: np.ndarray | None = None  # points of single events set aside because they alone made peaks
    # (period, t0, duration, sde) of peaks refused because their transits disagree in depth: unrelated dips, or
    # one planet some of whose transits the trend ate
    uneven_peaks: list[tuple[float, float, float, float]] = field(default_factory=list)


def search_transits(
    time: np.ndarray,
    flux: np.ndarray,
    usable: np.ndarray | None = None,
    *,
    min_period: float | None = None,
    max_period: float | None = None,
    min_snr: float = 7.0,
    min_sde: float = 7.0,
    max_fap: float = 1.0,
    max_planets: int = 3,
    peaks_per_round: int = 3,
    avoid_periods: tuple[float, ...] = (),
    exclude_periods: tuple[float, ...] = (),
    weights: np.ndarray | None = None,
    progress: Callable[[int, float], None] | None = None,
    periodograms: dict | None = None,
    duration_scale: float = 1.0,
) -> TransitSearch:
    """Find periodic dips in detrended, normalised `flux` (baseline 1).

    Each round searches the points still usable, vets the strongest peaks, keeps
    the first that passes, masks its transits and searches again. Peaks within 2%
    of a period in `avoid_periods` (the star's rotation and its half and double)
    are rejected only when a smooth modulation at that period explains the folded
    dip nearly as well as a box does (`sine_vs_box`): a planet may orbit at twice the
    rotation period, a rotation residual's minima are no box. Peaks within 1%
    of a period in `exclude_periods` (candidates an earlier pass refused on a
    cleaner trend) are passed over without using up the round's peaks.
    A peak that noise and systematics reach in this round's own periodogram with a
    probability above `max_fap` (`false_alarm_probability`, from the round's other
    peaks) is no candidate unless its SNR with correlated noise counted reaches
    SURE_PINK_SNR: on a spotted or K2 star a weak dip's SDE says little, while with
    a few transits in a long curve a strong dip's SDE is low anyway.
    When every peak of a round is refused and one transit of a refused peak carries
    most of its signal (a glitch run, a ramp after a gap), that event is set aside
    (`lone_events`, at most MAX_MASKED_EVENTS) and the round searched again.
    `progress(round, fraction)` hears how far each round's periodogram has got.
    `periodograms`, when given, keeps each round's periodogram by the points it
    searched, so a later call on the same flux and weights (the pipeline's retries
    without a refused candidate) reuses the rounds that search the same points.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    usable = np.isfinite(flux) if usable is None else (np.asarray(usable, dtype=bool) & np.isfinite(flux))
    weights = np.ones(time.size) if weights is None else np.asarray(weights, dtype=np.float64)
    if weights.shape != time.shape or not np.all(weights > 0):
        raise ValueError("weights must be positive, one per point")
    in_transit = np.zeros(time.size, dtype=bool)
    result = TransitSearch(candidates=[], events=[], in_transit=in_transit, periodogram=None,
                           lone_events=np.zeros(time.size, dtype=bool))
    if usable.sum() < 20 or max_planets == 0:
        return result

    span = float(time[usable][-1] - time[usable][0])
    p_min, p_max = period_range(span, min_period, max_period)
    if p_max <= p_min:
        return result
    periods = period_grid(span, p_min, p_max, duration_scale)
    sigma = point_to_point_std(flux[usable])

    remaining = usable.copy()
    masked_events = 0
    round_index = 0
    while round_index < max_planets:
        t, f, w = time[remaining], flux[remaining], weights[remaining]
        heard = None if progress is None else (lambda fraction, r=round_index: progress(r, fraction))
        key = (p_min, p_max, hashlib.sha1(np.packbits(remaining).tobytes()).digest())
        if periodograms is not None and key in periodograms:
            power, best = periodograms[key]
            if heard is not None:
                heard(1.0)
        else:
            power, best = periodogram(t, f, periods, w, heard, duration_scale)
            if periodograms is not None:
                periodograms[key] = (power, best)
        sde = detection_efficiency(power)
        if result.periodogram is None:
            result.periodogram = Periodogram(period=periods.copy(), power=sde)
        accepted, refused = None, []
        for index in _peak_indices(sde, periods, peaks_per_round, exclude_periods):
            if sde[index] < min_sde:
                break
            if not best["duration"][index] > 0:
                continue  # no trial at this period was a dip: nothing to refine
            period, duration, t0 = _refine_peak(t, f, periods, index, best["duration"][index], w)
            verdict = vet_candidate(time, flux, remaining, period, t0, duration, sigma, float(sde[index]))
            if verdict.get("multiple"):
                # Only every k-th transit is real: the planet's period is k times longer.
                k, j = verdict["multiple"]
                longer = vet_candidate(time, flux, remaining, k * period, t0 + j * period, duration, sigma,
                                       float(sde[index]))
                if longer["reason"] is None:
                    period, t0, verdict = k * period, t0 + j * period, longer
            if verdict["reason"] is None and verdict["snr"] < min_snr:
                verdict["reason"] = f"SNR {verdict['snr']:.1f} below {min_snr}"
            if verdict["reason"] is None and _is_alias(period, [c.period for c in result.candidates]):
                verdict["reason"] = "alias of an earlier candidate"
            if verdict["reason"] is None and any(abs(period / p - 1.0) < 0.02 for p in avoid_periods):
                box, sine = sine_vs_box(time[remaining], flux[remaining], period, t0, duration)
                if sine >= SINE_OVER_BOX * box:
                    verdict["reason"] = (f"period matches the star's rotation (or its half or double), and a "
                                         f"sinusoid explains {sine / box:.0%} of what a transit does")
            if verdict["reason"] is None and verdict["candidate"].snr_pink < SURE_PINK_SNR:
                fap = false_alarm_probability(Periodogram(period=periods, power=sde), float(sde[index]),
                                              [period] + [c.period for c in result.candidates], duration, span)
                if fap > max_fap:
                    verdict["reason"] = (f"noise and systematics make a peak this high in this periodogram with "
                                         f"probability {fap:.2f}")
            if verdict["reason"] is None:
                accepted = verdict
                break
            refused.append((period, t0, duration, float(sde[index])))
            if verdict.get("uneven"):
                result.uneven_peaks.append(refused[-1])
            result.rejected.append({"period": float(period), "sde": float(sde[index]), "reason": verdict["reason"]})
        if accepted is None:
            lone = _lone_event(time, flux, remaining, refused, sigma) if masked_events < MAX_MASKED_EVENTS else None
            if lone is None:
                break
            # One event (a glitch run, a ramp after a gap) made a refused peak, maybe its aliases too:
            # the same round searches again without it, where a planet's transits can win.
            lone_time, lone_peak = lone
            result.lone_events |= np.abs(time - lone_time) < 0.5 * TRANSIT_MASK_FACTOR * lone_peak[2]
            remaining &= ~result.lone_events
            masked_events += 1
            result.rejected.append({"period": float(lone_peak[0]), "sde": lone_peak[3],
                                    "reason": f"one event at {lone_time:.4f} made the peak: searched again without it"})
            if remaining.sum() < 20:
                break
            continue
        round_index += 1
        candidate = accepted["candidate"]
        result.candidates.append(candidate)
        result.events.extend(accepted["events"])
        mask = transit_mask(time, candidate.period, candidate.t0, TRANSIT_MASK_FACTOR * candidate.duration)
        in_transit |= transit_mask(time, candidate.period, candidate.t0, candidate.duration)
        remaining &= ~mask
        if remaining.sum() < 20:
            break
    return result


def _lone_event(
    time: np.ndarray, flux: np.ndarray, usable: np.ndarray, refused: list[tuple[float, float, float, float]],
    sigma: float,
) -> tuple[float, tuple[float, float, float, float]] | None:
    """(mid-time, peak) of the first refused peak (period, t0, duration, sde) one of whose transits carries
    LONE_EVENT_SHARE of its signal, or None."""
    for peak in refused:
        lone = loudest_epoch(time, flux, usable, *peak[:3], sigma, LONE_EVENT_SHARE)
        if lone is not None:
            return lone, peak
    return None


def refine_candidate(
    time: np.ndarray, flux: np.ndarray, usable: np.ndarray, candidate: TransitCandidate
) -> tuple[float, float, float]:
    """(period, duration, t0) re-fitted within +-REFINE_FRACTION of `candidate` on cleaner data.

    Used after the trend is refitted with the transits masked: the first search ran
    on a trend that had eaten part of each dip, which can shift a peak by more than
    a grid step when there are only a few transits.
    """
    t, f = time[usable], flux[usable]
    periods = candidate.period * (1.0 + np.linspace(-REFINE_FRACTION, REFINE_FRACTION, 2 * REFINE_POINTS + 1))
    return _refine_peak(t, f, periods, REFINE_POINTS, candidate.duration, steps=REFINE_POINTS)


def _refine_peak(
    t: np.ndarray, f: np.ndarray, periods: np.ndarray, index: int, duration: float, w: np.ndarray | None = None,
    steps: int = 0,
) -> tuple[float, float, float]:
    """Best (period, duration, t0) near a coarse peak, on unbinned flux with a fine phase step.

    The coarse search bins flux and phase to a third of the shortest duration, so
    its peak can sit a step or two off; here periods within REFINE_STEPS grid
    steps (20 per step), durations around the coarse
    one and phases at 1/20 of a duration are tried.
    """
    steps = steps or REFINE_STEPS
    low = periods[max(index - steps, 0)]
    high = periods[min(index + steps, periods.size - 1)]
    fine = np.linspace(low, high, min(20 * steps, 400) + 1)
    durations = duration * np.array([0.6, 0.75, 0.9, 1.0, 1.15, 1.3, 1.5])
    durations = durations[durations < MAX_DUTY_CYCLE * 2 * low]
    if durations.size == 0:
        durations = np.array([duration])
    dy = None if w is None else 1.0 / np.sqrt(w)
    res = box_likelihood_power(t, f, dy, fine, durations, 20, pruned=True)
    i = int(np.argmax(res.power))
    return float(fine[i]), float(res.duration[i]), float(res.transit_time[i])


def _peak_indices(sde: np.ndarray, periods: np.ndarray, count: int, exclude: tuple[float, ...] = ()) -> list[int]:
    """Indices of the `count` highest peaks whose periods are not within 1% of, aliases of, or harmonics
    of a higher one, nor within 1% of a period in `exclude` (whose aliases may be real: junk at P/2 of a planet).

    A short periodic systematic (K2's 5.9-h roll left in the flux) makes peaks at 2, 3 and 5 times its
    period, 3/2 and 5/3 of one another: counted once, they leave the round room for a planet's peak.
    """
    chosen: list[int] = []
    for index in np.argsort(sde)[::-1]:
        if len(chosen) >= count:
            break
        if any(_same_or_alias(periods[index], periods[c]) or _harmonic(periods[index], periods[c]) for c in chosen):
            continue
        if any(abs(periods[index] / p - 1.0) < 0.01 for p in exclude):
            continue
        chosen.append(int(index))
    return chosen


def _same_or_alias(a: float, b: float, tolerance: float = 0.01) -> bool:
    """Periods equal, or in a small integer ratio (up to MAX_ALIAS_ORDER), within `tolerance`.

    Without the cap every pair of periods far enough apart would count: at a ratio
    of 50 a 1% tolerance covers any value.
    """
    ratio = max(a, b) / min(a, b)
    nearest = round(ratio)
    return 1 <= nearest <= MAX_ALIAS_ORDER and abs(ratio - nearest) < tolerance * nearest


def _harmonic(a: float, b: float) -> bool:
    """Periods in a ratio m/n with m, n <= HARMONIC_ORDER, to HARMONIC_TOLERANCE."""
    ratio = max(a, b) / min(a, b)
    for n in range(2, HARMONIC_ORDER + 1):
        m = round(ratio * n)
        if m <= HARMONIC_ORDER and abs(ratio * n - m) < HARMONIC_TOLERANCE * ratio * n:
            return True
    return False


def _is_alias(period: float, accepted: list[float]) -> bool:
    """An alias of an accepted candidate repeats its (refined, precise) period exactly; a tolerance
    of 1% times the ratio would also swallow a real planet near a 3:1 resonance with it."""
    return any(_same_or_alias(period, p, ACCEPTED_ALIAS_TOLERANCE) for p in accepted)
