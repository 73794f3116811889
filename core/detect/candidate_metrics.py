"""Every vetting metric of one transit candidate, measured on the detrended flux (no judgement here).

`measure_candidate` folds the usable flux at the candidate's ephemeris and asks each
family of metrics in turn: the fold (each transit, odd/even, the whole-phase scan:
fold_metrics.py), the shape and timing (shape_metrics.py), the sinusoids (sweet.py),
and the search's periodogram (periodogram_metrics.py). core.detect.verdict judges them.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from core.candidate_vetting import CandidateMetrics
from core.detect.fold_metrics import Fold, max_single_event_share, odd_even, per_transit, phase_scan, transit_depth
from core.detect.periodogram_metrics import alias_table, false_alarm_probability
from core.detect.shape_metrics import expected_duration, fit_ephemeris, fit_trapezoid
from core.detect.vetting import box_beyond_sines, red_variance, sine_vs_box, transit_mask
from core.result import Periodogram, TransitCandidate
from core.stats import point_to_point_std


ROTATION_TOLERANCE = 0.02  # relative: a period this close to a rotation harmonic is one ...
MAX_ROTATION_TOLERANCE = 0.05  # ... widened for a short curve up to this (wider would take in most periods)
# A spot dims once per rotation (BLS may fold two spots at P_rot / 2 or 3), and Lomb-Scargle may find a
# harmonic of the rotation (a sharp spot puts power in them): these are the periods a spot's dips can take.
ROTATION_HARMONICS = (("P_rot", 1.0), ("P_rot / 2", 0.5), ("P_rot / 3", 1.0 / 3.0), ("2 x P_rot", 2.0),
                      ("3 x P_rot", 3.0), ("4 x P_rot", 4.0), ("5 x P_rot", 5.0))


def rotation_harmonic(period: float, rotation_period: float | None, span: float = np.inf) -> str | None:
    """"P_rot", "P_rot / 2", ... when `period` is within the rotation's uncertainty of one, else None.

    ... or within a quarter of the periodogram peak's width, P_rot / (4 span) relative,
    when a short curve (few rotations) measures the rotation more coarsely than that, up
    to MAX_ROTATION_TOLERANCE.
    """
    if rotation_period is None or not np.isfinite(rotation_period) or rotation_period <= 0:
        return None
    tolerance = ROTATION_TOLERANCE
    if span > 0:
        tolerance = min(max(ROTATION_TOLERANCE, rotation_period / (4.0 * span)), MAX_ROTATION_TOLERANCE)
    for label, factor in ROTATION_HARMONICS:
        if abs(period / (factor * rotation_period) - 1.0) <= tolerance:
            return label
    return None


def measure_candidate(
    time: np.ndarray,
    flux: np.ndarray,
    usable: np.ndarray,
    candidate: TransitCandidate,
    periodogram: Periodogram | None = None,
    star: dict[str, Any] | None = None,
    candidate_periods: Sequence[float] = (),
    rotation_period: float | None = None,
) -> CandidateMetrics:
    """The metrics of `candidate` on detrended `flux` (baseline 1) where `usable` is True.

    `usable` should leave out flares, outliers and the other candidates' transits.
    `periodogram` is the search's SDE periodogram; `star` the curve's stellar
    parameters (radius in R_sun and log g give the expected duration);
    `candidate_periods` every candidate's period, whose harmonics are no noise peaks;
    `rotation_period` the star's rotation when it is strong enough to matter.
    """
    t = np.asarray(time, dtype=float)[usable]
    f = np.asarray(flux, dtype=float)[usable]
    period, duration = candidate.period, candidate.duration
    sigma = point_to_point_std(f)
    first = Fold.of(t, f, period, candidate.t0, duration, sigma, 0.0)
    red = red_variance(t, f - first.baseline, duration, sigma)
    fold = Fold.of(t, f, period, candidate.t0, duration, sigma, red)

    transits = per_transit(fold)
    _, depth_err = transit_depth(fold, len(transits))
    parity = odd_even(fold, transits)
    scan = phase_scan(fold)
    red_factor = scan.red_noise_factor if np.isfinite(scan.red_noise_factor) else 1.0
    shape = fit_trapezoid(fold, red_factor)
    ephemeris = fit_ephemeris(fold, shape, transits)
    span = float(t[-1] - t[0]) if t.size else 0.0
    periods = tuple(candidate_periods) or (period,)
    expected = expected_duration(period, star or {}, np.sqrt(max(shape.depth, 0.0)) if np.isfinite(shape.depth) else 0.0)
    ratio = shape.t14 / expected if expected and np.isfinite(shape.t14) else None
    return CandidateMetrics(
        fap=false_alarm_probability(periodogram, candidate.sde, periods, duration, span),
        period_err=ephemeris.period_err,
        t0_err=ephemeris.t0_err,
        depth_err=depth_err,
        odd_depth=parity.odd_depth,
        odd_depth_err=parity.odd_depth_err,
        even_depth=parity.even_depth,
        even_depth_err=parity.even_depth_err,
        odd_even_sigma=parity.sigma,
        secondary_depth=scan.secondary_depth,
        secondary_depth_err=scan.secondary_depth_err,
        secondary_sigma=scan.secondary_sigma,
        secondary_phase=scan.secondary_phase,
        v_shape=shape.v_shape,
        v_shape_sigma=shape.v_shape_sigma,
        b_plus_k=shape.b_plus_k,
        smooth_dip_sigma=shape.smooth_sigma,
        t14=shape.t14,
        t23=shape.t23,
        trapezoid_depth=shape.depth,
        max_single_event_share=max_single_event_share(transits),
        uniqueness=scan.uniqueness,
        primary_sigma=scan.primary_sigma,
        tertiary_sigma=scan.tertiary_sigma,
        positive_sigma=scan.positive_sigma,
        red_noise_factor=scan.red_noise_factor,
        sine_vs_box=_sine_over_box(t, f, period, candidate.t0, duration),
        sine_vs_box_of_box=_sine_over_box(t, 1.0 - transit_mask(t, period, candidate.t0, duration), period,
                                          candidate.t0, duration),
        box_beyond_sines=_box_share_beyond_sines(t, f, candidate),
        duration_ratio=None if ratio is None else float(ratio),
        expected_duration=expected,
        rotation_period=rotation_period,
        rotation_harmonic=rotation_harmonic(period, rotation_period, span),
        per_transit=transits,
        aliases=alias_table(periodogram, period, duration, span),
    )


def _box_share_beyond_sines(time: np.ndarray, flux: np.ndarray, candidate: TransitCandidate) -> float:
    """The box's depth fitted with the sinusoids, over the candidate's own depth: ~1 for a transit, low for a spot."""
    if not candidate.depth > 0:
        return float("nan")
    return box_beyond_sines(time, flux, candidate.period, candidate.t0, candidate.duration) / candidate.depth


def _sine_over_box(time: np.ndarray, flux: np.ndarray, period: float, t0: float, duration: float) -> float:
    """What sinusoids at P/2, P and 2P explain of what the box explains (the search's `sine_vs_box`, as a ratio).

    About 0.2-0.6 for a transit (more the longer its duty cycle), near or above 1 for a
    smooth modulation; NaN when the box explains nothing.
    """
    box, sine = sine_vs_box(time, flux, period, t0, duration)
    return float(sine / box) if box > 0 else float("nan")
