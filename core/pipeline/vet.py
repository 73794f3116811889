"""Stage 5: every kept transit candidate measured and judged: planet candidate, eclipsing binary or false alarm.

The search's refusal tests decided what became a candidate; this stage classifies
what they kept. Each candidate is measured (core.detect.candidate_metrics) on the
final detrended flux without flares, outliers and the deeper candidates' transits
(`outside_deeper_transits`, as the search re-measures them), beside the star's
rotation measured between all candidates' transits, then judged (core.detect.verdict)
against the config's thresholds. Candidates at the same period stay in each other's
fold: two such dips are one binary's two eclipses, and each must show the other as its
secondary.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.candidate_vetting import FALSE_ALARM
from core.config import AnalysisConfig
from core.detect.candidate_metrics import measure_candidate
from core.detect.transits import TRANSIT_MASK_FACTOR
from core.detect.verdict import judge
from core.detect.vetting import outside_deeper_transits, transit_mask
from core.pipeline.prepared import ROTATION_VETO_POWER, PreparedCurve
from core.pipeline.progress import ProgressCallback
from core.pipeline.search import TransitFindings, look_again, transit_windows
from core.pipeline.search_trend import SearchTrend
from core.trend.rotation import rotation_period

SAME_PERIOD_TOLERANCE = 0.01  # relative: candidates this close in period are judged as one system
MIN_OUTSIDE_SHARE = 0.5  # the rotation is measured beside the candidates' windows when they leave this much


def vet_transits(curve: PreparedCurve, found: TransitFindings, config: AnalysisConfig) -> TransitFindings:
    """`found` with each candidate carrying its vetting, and flags naming the tests it failed; each transit
    event carries its candidate's verdict, so a table of events says which dips the vetting doubts."""
    if not found.transits:
        return found
    time, detrended = curve.time, found.final.detrended
    usable = ~found.final.not_transit_material & np.isfinite(detrended)
    windows = [transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration) for c in found.transits]
    periods = [c.period for c in found.transits]
    secondaries = [transit_mask(time, c.period, c.t0 + 0.5 * c.period, TRANSIT_MASK_FACTOR * c.duration)
                   for c in found.transits]
    eclipses = np.any(windows + secondaries, axis=0)
    curve_rotation = curve.rotation_period if curve.rotation_power >= ROTATION_VETO_POWER else None
    rotation = _rotation_beside(time, curve.flux, ~eclipses & np.isfinite(curve.flux), curve_rotation)
    vetted = []
    for i, candidate in enumerate(found.transits):
        own = outside_deeper_transits(usable, found.transits, windows, i, same_period=SAME_PERIOD_TOLERANCE)
        metrics = measure_candidate(time, detrended, own, candidate, found.periodogram, curve.star, periods,
                                    rotation)
        vetting = judge(metrics, candidate, config.vetting)
        vetted.append(replace(candidate, depth_err=metrics.depth_err, odd_even_sigma=metrics.odd_even_sigma,
                              flags=vetting.failed_tests(), vetting=vetting))
    verdicts = {c.period: c.vetting.verdict for c in vetted}
    events = [replace(e, extra={**e.extra, "verdict": verdicts[e.extra["period"]]})
              if e.kind == "transit" and e.extra.get("period") in verdicts else e for e in found.events]
    return replace(found, transits=vetted, events=events)


def set_aside_false_alarms(curve: PreparedCurve, found: TransitFindings, trend: SearchTrend, config: AnalysisConfig,
                           report: ProgressCallback) -> TransitFindings:
    """`found` with the candidates the vetting calls false alarms still listed (with why), but their dips no
    transit events or transit points, and flares and outliers looked for again in their windows.

    A false alarm's dips as events would claim what its verdict denies: on an independent injection set's
    clean stars with strong red noise, false alarms made 1.06 transit events per star (the bar is 0.2), and a
    15.7-sigma flare beside a false alarm's window went unseen. The unusual-event stage still leaves their
    windows alone: a false alarm folds red-noise wander or spots, which are not single events either.
    """
    believed = [c for c in found.transits if c.vetting is None or c.vetting.verdict != FALSE_ALARM]
    if len(believed) == len(found.transits):
        return found
    periods = {c.period for c in believed}
    events = [e for e in found.events if e.kind != "transit" or e.extra.get("period") in periods]
    return replace(found, final=look_again(curve, believed, trend, config, report), events=events,
                   in_transit=transit_windows(curve.time, believed, 1.0))


def _rotation_beside(time: np.ndarray, flux: np.ndarray, outside: np.ndarray, own: float | None) -> float | None:
    """The star's rotation measured with every candidate's transits (and phase 0.5) masked, when strong enough.

    The curve's own rotation (PreparedCurve, `own` when strong) is often the candidates
    themselves: an eclipsing binary's deep eclipses win the Lomb-Scargle periodogram, and
    then every binary would sit at a "rotation harmonic", and its secondary eclipses would
    too. A spot's modulation goes on between its dips. But when the windows leave less than
    MIN_OUTSIDE_SHARE of the curve, what is left is the modulation's flanks, which measure
    nothing: then the curve's own rotation stands. (A clean star of an independent generator,
    spots of 1.5% rotating in 1.91 d, was folded at 1.913 d into 0.47-d "eclipses" whose
    windows left 27% of the curve; with no rotation measured it was called a binary.)
    """
    if outside.mean() < MIN_OUTSIDE_SHARE:
        return own
    if outside.sum() < 20:
        return None
    period, power = rotation_period(time[outside], flux[outside])
    return period if power >= ROTATION_VETO_POWER and np.isfinite(period) else None
