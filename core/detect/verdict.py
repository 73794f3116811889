"""The policy: a transit candidate's metrics judged against `VettingThresholds`, with a reason per test.

Tests that say the signal is not a periodic transit of this star (noise, a one-off
event, stellar variability, a duration no orbit around this star gives) come first:
failing any makes the candidate a false alarm. Then the tests that say a star, not a
planet, is eclipsing (odd/even depths, a secondary eclipse deeper than a planet's
occultation, a significant V shape): failing any makes it an eclipsing binary.
A candidate that passes every test is a planet candidate. A metric that could not be
measured passes, and its reason says so.
"""
from __future__ import annotations

import math

from core.candidate_vetting import (
    ECLIPSING_BINARY,
    FALSE_ALARM,
    PLANET_CANDIDATE,
    CandidateMetrics,
    Reason,
    Vetting,
)
from core.config import VettingThresholds
from core.result import TransitCandidate

SAME_DEPTH_SIGMA = 3.0  # a dip at phase 0.5 this close to the primary's depth is the primary again (period 2x)


def judge(metrics: CandidateMetrics, candidate: TransitCandidate, limits: VettingThresholds) -> Vetting:
    """The verdict on `candidate` from its `metrics`, with every test's reason in order."""
    not_transit = [_fap(metrics, limits), _uniqueness(metrics, limits), _single_event(metrics, limits),
                   _sinusoid(metrics, limits), _rotation(metrics, limits), _duration(metrics, limits)]
    stellar = [_odd_even(metrics, limits), _secondary(metrics, candidate, limits), _v_shape(metrics, limits)]
    if not all(r.passed for r in not_transit):
        verdict = FALSE_ALARM
    elif not all(r.passed for r in stellar):
        verdict = ECLIPSING_BINARY
    else:
        verdict = PLANET_CANDIDATE
    return Vetting(verdict=verdict, reasons=tuple(not_transit + stellar), metrics=metrics)


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _fap(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    if not _known(m.fap):
        return Reason("false_alarm_probability", None, limits.max_fap, True, FALSE_ALARM,
                      "too few noise peaks in the periodogram to estimate it")
    passed = m.fap <= limits.max_fap
    return Reason("false_alarm_probability", m.fap, limits.max_fap, passed, FALSE_ALARM,
                  f"noise alone reaches this SDE with probability {m.fap:.2g}"
                  + ("" if passed else f", above {limits.max_fap:g}"))


def _uniqueness(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    if not _known(m.uniqueness):
        return Reason("uniqueness", None, limits.min_uniqueness, True, FALSE_ALARM, "the fold is too sparse to scan")
    passed = m.uniqueness >= limits.min_uniqueness
    other = "dip" if m.tertiary_sigma >= m.positive_sigma else "bump"
    return Reason("uniqueness", m.uniqueness, limits.min_uniqueness, passed, FALSE_ALARM,
                  f"the transit ({m.primary_sigma:.1f} sigma) stands {m.uniqueness:.1f} sigma above the fold's next "
                  f"{other} (red noise x{m.red_noise_factor:.2f})")


def _single_event(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    if not _known(m.max_single_event_share):
        return Reason("single_event", None, limits.max_single_event_share, True, FALSE_ALARM,
                      "no transit measured on its own")
    passed = m.max_single_event_share <= limits.max_single_event_share
    return Reason("single_event", m.max_single_event_share, limits.max_single_event_share, passed, FALSE_ALARM,
                  f"the strongest of {len(m.per_transit)} transits carries {m.max_single_event_share:.0%} of the SNR^2")


def _sinusoid(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    """Sinusoids explain a smooth modulation nearly whole, and a box more the longer its duty cycle: a dip
    fails when they explain more than `max_sine_vs_box` of it and clearly more than of a box like it,
    unless a box fitted together with them keeps `min_box_beyond_sines` of the dip's depth: then the
    sinusoids' extra is the star's rotation at that period, and a transit sits on it."""
    if not _known(m.sine_vs_box):
        return Reason("sinusoid", None, limits.max_sine_vs_box, True, FALSE_ALARM, "no dip for a box to fit")
    box = m.sine_vs_box_of_box if _known(m.sine_vs_box_of_box) else 0.0
    threshold = max(limits.max_sine_vs_box, box + limits.max_sine_excess)
    detail = (f"sinusoids at P/2, P and 2P explain {m.sine_vs_box:.2f} times what a box does ({box:.2f} for a "
              "noiseless box this long)")
    if m.sine_vs_box <= threshold:
        return Reason("sinusoid", m.sine_vs_box, threshold, True, FALSE_ALARM, detail)
    if _known(m.box_beyond_sines) and m.box_beyond_sines >= limits.min_box_beyond_sines:
        return Reason("sinusoid", m.sine_vs_box, threshold, True, FALSE_ALARM,
                      f"{detail}, but a box fitted together with them keeps {m.box_beyond_sines:.0%} of the "
                      "depth: a transit on the star's own modulation")
    return Reason("sinusoid", m.sine_vs_box, threshold, False, FALSE_ALARM,
                  f"{detail}: stellar variability, not a transit")


def _rotation(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    """A smooth dip with no flat bottom at a harmonic of the star's rotation is a spot, not an eclipse.

    A synchronised binary also eclipses at its rotation period, but its sharp eclipses leave
    the sinusoids little (sine_vs_box under `min_sine_vs_box_at_rotation`).
    """
    value = m.v_shape if _known(m.v_shape) else None
    if m.rotation_harmonic is None:
        where = "no strong rotation measured" if m.rotation_period is None else \
            f"the period is no harmonic of the rotation ({m.rotation_period:.3f} d)"
        return Reason("rotation", value, limits.max_v_shape, True, FALSE_ALARM, where)
    pointed = value is not None and value >= limits.max_v_shape
    smooth = _known(m.sine_vs_box) and m.sine_vs_box >= limits.min_sine_vs_box_at_rotation
    passed = not (pointed and smooth)
    detail = f"the period is {m.rotation_harmonic} ({m.rotation_period:.3f} d); "
    if not pointed:
        detail += "the dip is flat-bottomed: kept"
    elif not smooth:
        detail += f"the V-shaped dip is sharp (sinusoids explain {m.sine_vs_box:.2f} of it): an eclipse, kept"
    else:
        detail += f"a V-shaped dip sinusoids explain {m.sine_vs_box:.2f} of: a spot rotating, not a transit"
    return Reason("rotation", value, limits.max_v_shape, passed, FALSE_ALARM, detail)


def _duration(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    threshold = limits.max_duration_ratio
    if not _known(m.duration_ratio):
        return Reason("duration", None, threshold, True, FALSE_ALARM,
                      "the file gives no stellar radius and log g: not tested")
    passed = limits.min_duration_ratio <= m.duration_ratio <= limits.max_duration_ratio
    if m.duration_ratio < limits.min_duration_ratio:
        threshold = limits.min_duration_ratio
    return Reason("duration", m.duration_ratio, threshold, passed, FALSE_ALARM,
                  f"T14 is {m.duration_ratio:.2f} times a central transit's on a circular orbit around this star "
                  f"(allowed {limits.min_duration_ratio:g}-{limits.max_duration_ratio:g})")


def _odd_even(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    if not _known(m.odd_even_sigma):
        return Reason("odd_even", None, limits.max_odd_even_sigma, True, ECLIPSING_BINARY,
                      "needs at least one odd and one even transit")
    passed = m.odd_even_sigma <= limits.max_odd_even_sigma
    return Reason("odd_even", m.odd_even_sigma, limits.max_odd_even_sigma, passed, ECLIPSING_BINARY,
                  f"odd depth {m.odd_depth * 1e6:.0f} +- {m.odd_depth_err * 1e6:.0f} ppm, even "
                  f"{m.even_depth * 1e6:.0f} +- {m.even_depth_err * 1e6:.0f} ppm"
                  + ("" if passed else ": two different eclipses at twice the period"))


def _secondary(m: CandidateMetrics, candidate: TransitCandidate, limits: VettingThresholds) -> Reason:
    if not _known(m.secondary_sigma):
        return Reason("secondary", None, limits.max_secondary_sigma, True, ECLIPSING_BINARY, "the fold is too sparse")
    ratio = m.secondary_depth / candidate.depth if candidate.depth > 0 else math.inf
    where = f"{m.secondary_depth * 1e6:.0f} ppm ({ratio:.0%} of the transit) at phase {m.secondary_phase:.3f}"
    if m.secondary_sigma <= limits.max_secondary_sigma:
        return Reason("secondary", m.secondary_sigma, limits.max_secondary_sigma, True, ECLIPSING_BINARY,
                      f"no significant secondary eclipse; the deepest other dip is {where}")
    if _primary_again(m, candidate):
        return Reason("secondary", m.secondary_sigma, limits.max_secondary_sigma, True, ECLIPSING_BINARY,
                      f"the dip at phase {m.secondary_phase:.3f} has the transit's depth: the period is likely P/2")
    if ratio <= limits.max_occultation_ratio:
        return Reason("secondary", m.secondary_sigma, limits.max_secondary_sigma, True, ECLIPSING_BINARY,
                      f"secondary eclipse of {where}: shallow enough to be a planet's occultation "
                      f"(<= {limits.max_occultation_ratio:.0%})")
    return Reason("secondary", m.secondary_sigma, limits.max_secondary_sigma, False, ECLIPSING_BINARY,
                  f"secondary eclipse of {where}: too deep for a planet's occultation")


def _primary_again(m: CandidateMetrics, candidate: TransitCandidate) -> bool:
    """True when the 'secondary' sits at phase 0.5 with the primary's depth: the same body at half the period."""
    half_window = 0.5 * candidate.duration / candidate.period
    error = math.hypot(m.secondary_depth_err, m.depth_err) if _known(m.depth_err) else m.secondary_depth_err
    return (abs(m.secondary_phase - 0.5) <= half_window
            and abs(m.secondary_depth - candidate.depth) <= SAME_DEPTH_SIGMA * error)


def _v_shape(m: CandidateMetrics, limits: VettingThresholds) -> Reason:
    if not _known(m.v_shape):
        return Reason("v_shape", None, limits.max_v_shape, True, ECLIPSING_BINARY, "too few points to fit a shape")
    shaped = m.v_shape >= limits.max_v_shape
    significant = _known(m.v_shape_sigma) and m.v_shape_sigma >= limits.min_v_shape_sigma
    passed = not (shaped and significant)
    detail = (f"ingress and egress take {m.v_shape:.0%} of T14 (b + Rp/R* ~ {m.b_plus_k:.2f}); a flat bottom is "
              f"ruled out at {m.v_shape_sigma:.1f} sigma")
    if shaped and not significant:
        detail += f", below {limits.min_v_shape_sigma:g}: not a clear V"
    elif not passed:
        detail += ": a grazing eclipse"
    return Reason("v_shape", m.v_shape, limits.max_v_shape, passed, ECLIPSING_BINARY, detail)
