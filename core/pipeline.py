"""analyze(): one light curve in, every kind of event out.

Stages: quality mask and normalise; a short robust trend for flares and
outliers (flares found, masked, trend refitted, found again); a longer
transit-preserving trend with flares and outliers masked for the BLS search
(except drops that recur on a period: short transits at long cadence);
the search's transits masked and the trend refitted so depths are not eaten;
then the Isolation Forest + LOF ensemble on window features, whose flagged
windows become `anomaly` events only where nothing else explains them.
"""
from __future__ import annotations

import time as clock
from typing import Callable

import numpy as np
from scipy.ndimage import median_filter

from core.config import AnalysisConfig
from core.anomaly.estimator import AnomalyEnsemble, points_from_windows
from core.anomaly.features import feature_stride, model_features
from core.detect.flares import find_flares
from core.detect.outliers import find_outliers
from core.detect.periodic_drops import MIN_DROPS, periodic_drops
from core.detect.transits import TRANSIT_MASK_FACTOR, period_range, refine_candidate, search_transits
from core.detect.vetting import dips_before_flares, transit_mask, vet_candidate
from core.errors import LightCurveFormatError
from core.lightcurve import LightCurve
from core.prepare import check_flux_usable, correct_k2_roll, prepare
from core.result import LABEL_CODES, AnalysisResult, Event, TransitCandidate
from core.stats import cadence_days, cdpp_ppm, find_segments, flag_runs, pad_mask, point_to_point_std, robust_std
from core.trend import TransitTrend, fit_trend
from core.trend.robust import SHORT_TREND_WINDOW_DAYS
from core.trend.rotation import rotation_period
from core.trend.transit import fast_rotation, search_weights

ProgressCallback = Callable[[float, str], None]

MIN_ANALYSIS_POINTS = 20
FLARE_MASK_PAD_CADENCES = 3
ANOMALY_REFERENCE_WINDOWS = 4000
MIN_FIT_WINDOWS = 2  # the ensemble fitted on a curve's own windows needs at least this many
SHAKY_TREND_WEIGHT = 0.2  # search weight below which a point's trend is too uncertain to measure a transit on
TRANSIT_MEDIAN_POINTS = 7  # running median that spikes inside a transit are measured from
TRANSIT_FLOOR_DEPTHS = 2.0  # a known transit explains flux down to this many mean depths (a V-shaped eclipse)
SEARCH_RETRIES = 2  # searches again without candidates the re-measurement refused, at most this often
ROTATION_VETO_POWER = 0.2  # Lomb-Scargle power above which the rotation period vetoes transits
BLS_PROGRESS_STEP = 0.05  # the BLS reports progress in steps of this share of its periods
# An anomaly event needs a window this many score spreads beyond the ensemble's
# own cut: `contamination` sets where IF and LOF start to flag, and this keeps
# the ordinary tail of a clean star's windows from becoming events.
ANOMALY_MIN_MARGIN = 3.0


def analyze(
    lc: LightCurve,
    config: AnalysisConfig | None = None,
    progress: ProgressCallback | None = None,
    model: AnomalyEnsemble | None = None,
) -> AnalysisResult:
    """Find transits, flares, outliers and anomalies in `lc`.

    `model` is a fitted AnomalyEnsemble (e.g. from the model registry); without
    one the ensemble is fitted on this curve's own windows, as the seed app did.
    """
    config = config or AnalysisConfig()
    report = _forward_only(progress) if progress else (lambda fraction, message: None)
    timings: dict[str, float] = {}
    stage_start = clock.perf_counter()

    def lap(name: str) -> None:
        nonlocal stage_start
        now = clock.perf_counter()
        timings[name] = now - stage_start
        stage_start = now

    report(0.0, "Masking bad quality and normalising")
    prepared = prepare(lc, config.quality_bitmask)
    if len(prepared) < MIN_ANALYSIS_POINTS:
        raise LightCurveFormatError(
            f"only {len(prepared)} points are left after removing bad-quality data; "
            f"at least {MIN_ANALYSIS_POINTS} are needed (try quality_bitmask='none')"
        )
    check_flux_usable(prepared.flux)
    uncorrected_flux = prepared.flux
    prepared, roll_correction = correct_k2_roll(prepared, enabled=config.k2_roll_correction)
    time, flux = prepared.time, prepared.flux
    n = time.size
    lap("prepare")

    report(0.1, "Detrending; looking for flares and outliers")
    want = set(config.detectors)
    short_window = min(SHORT_TREND_WINDOW_DAYS, config.detrend_window_days)
    flare_events, flare_mask, outlier_events, outlier_mask, fast_trend, residual, sigma = _flares_and_outliers(
        time, flux, short_window, config, want, transit_floor=np.zeros(n), report=report
    )
    first_look_flares = flare_events  # before any transit is masked: a flare just after a "transit" shows whole
    lap("flares_outliers")

    report(0.35, "Detrending for the transit search")
    # Drops that recur on a period are short transits at long cadence: search material, not outliers.
    released = _periodic_drop_points(time, outlier_events, config) if "transits" in want else np.zeros(n, dtype=bool)
    not_transit_material = pad_mask(flare_mask, FLARE_MASK_PAD_CADENCES) | (outlier_mask & ~released)
    p_rot, rot_power = float("nan"), 0.0
    if "transits" in want:
        p_rot, rot_power = rotation_period(time, flux)
        fast = fast_rotation(time, flux, p_rot, rot_power, ROTATION_VETO_POWER, config.detrend_window_days)
        search_trend = fit_trend(time, flux, "transit", config.detrend_window_days, not_transit_material,
                                 rotation_days=fast)
        trend_option, trend, trend_spread = search_trend.option, search_trend.trend, search_trend.spread
    else:  # the long trend is only shown; no need to weigh options for a search that won't run
        trend_option = TransitTrend(1, config.detrend_window_days)
        trend = fit_trend(time, flux, "transit", mask=not_transit_material, option=trend_option).trend
    detrended = flux / trend
    lap("detrend_transits")

    search = None
    transit_rejections: list[dict] = []
    transit_events: list[Event] = []
    transits = []
    in_transit = np.zeros(n, dtype=bool)
    if "transits" in want:
        report(0.4, "Searching for periodic transits (BLS)")
        avoid = (0.5 * p_rot, p_rot, 2.0 * p_rot) if rot_power >= ROTATION_VETO_POWER else ()
        search_flux, search_usable = detrended, ~not_transit_material  # every retry searches the first look
        weights = search_weights(trend_spread, point_to_point_std(detrended[search_usable]))
        bls_progress = _bls_reporter(report)
        shaky = weights < SHAKY_TREND_WEIGHT  # left out of the re-measurement, as a glitch would be
        excluded: tuple[float, ...] = ()
        periodograms: dict = {}  # a retry's rounds that search the same points as before reuse them
        for _ in range(1 + SEARCH_RETRIES):
            search = search_transits(
                time, search_flux, search_usable, avoid_periods=avoid, exclude_periods=excluded, weights=weights,
                min_period=config.min_period_days, max_period=config.max_period_days,
                min_snr=config.transit_min_snr, min_sde=config.transit_min_sde, max_planets=config.max_planets,
                progress=bls_progress, periodograms=periodograms,
            )
            if not search.candidates:
                transits, transit_events = [], []
                break
            floor = _transit_floor(time, search.candidates)
            transit_windows = floor < 0
            # A short trend cannot follow a transit's edges, so the first look may have
            # called them flares or outliers: look again with the transits out of the way.
            flare_events, flare_mask, outlier_events, outlier_mask, fast_trend, residual, sigma = _flares_and_outliers(
                time, flux, short_window, config, want, transit_floor=floor, report=report
            )
            not_transit_material = pad_mask(flare_mask, FLARE_MASK_PAD_CADENCES) | (outlier_mask & ~released)
            # Refit the long trend with the transits masked so it no longer eats their depth, then re-measure.
            trend = fit_trend(time, flux, "transit", mask=not_transit_material | transit_windows, option=trend_option).trend
            detrended = flux / trend
            transits, transit_events, rejected = _remeasure(
                time, detrended, ~not_transit_material & ~shaky, search.candidates, first_look_flares,
                config.transit_min_snr,
            )
            transit_rejections.extend(rejected)
            if not rejected:
                break
            # A refused candidate used up a search round and hid its windows from the
            # others: search again without it.
            excluded += tuple(r["period"] for r in rejected)
        if transit_rejections:
            # Refused candidates' windows were kept away from the flare and outlier
            # detectors and the trend; look there again with only the kept transits masked.
            floor = _transit_floor(time, transits)
            flare_events, flare_mask, outlier_events, outlier_mask, fast_trend, residual, sigma = (
                _flares_and_outliers(time, flux, short_window, config, want, transit_floor=floor, report=report)
            )
            not_transit_material = pad_mask(flare_mask, FLARE_MASK_PAD_CADENCES) | outlier_mask
            trend = fit_trend(time, flux, "transit", mask=not_transit_material | (floor < 0), option=trend_option).trend
            detrended = flux / trend
        in_transit = _transit_windows(time, transits, 1.0)
        lap("transits")

    anomaly_events: list[Event] = []
    anomaly_scores = None
    anomaly_mask = np.zeros(n, dtype=bool)
    if "anomaly" in want and n >= config.window_size:
        report(0.8, "Scoring windows with the Isolation Forest + LOF ensemble")
        explained = flare_mask | outlier_mask | in_transit
        anomaly_events, anomaly_mask, anomaly_scores = _anomalies(
            time, flux, fast_trend, residual, sigma, explained, config, model
        )
        lap("anomaly")

    labels = np.zeros(n, dtype=np.int8)
    labels[anomaly_mask] = LABEL_CODES["anomaly"]
    labels[in_transit] = LABEL_CODES["transit"]
    labels[flare_mask] = LABEL_CODES["flare"]
    labels[outlier_mask] = LABEL_CODES["outlier"]

    events = sorted(transit_events + flare_events + outlier_events + anomaly_events, key=lambda e: e.t_start)
    residual_long = detrended - 1.0
    meta = dict(prepared.meta)
    meta.update(
        {
            "n_analysed": int(n),
            "n_segments": len(find_segments(time)),
            "noise_ppm": round(point_to_point_std(residual) * 1e6, 2),
            "rotation_period_days": round(p_rot, 5) if "transits" in want and np.isfinite(p_rot) else None,
            "rotation_power": round(rot_power, 4) if "transits" in want else None,
            "k2_roll_correction": roll_correction,
            "transit_trend_degree": trend_option.degree,
            "transit_trend_window_days": round(trend_option.window_days, 4),
            "transit_trend_rotation_days": None if trend_option.rotation_days is None
            else round(trend_option.rotation_days, 5),
            "transit_candidates_rejected": (search.rejected[:10] if search else []) + transit_rejections,
            "cdpp_1h_ppm": round(cdpp_ppm(residual_long[~not_transit_material & ~in_transit], prepared.cadence_days), 2),
            # The readers' definition: points with a bit of the default mask set.
            "n_quality_flagged": lc.meta.get("n_quality_flagged", int((~lc.good_mask()).sum())),
        }
    )
    report(1.0, "Done")
    timings["total"] = sum(timings.values())
    return AnalysisResult(
        n_points=len(lc),
        meta=meta,
        transits=transits,
        events=events,
        time=time,
        flux=flux,
        trend=trend,
        detrended=detrended,
        labels=labels,
        periodogram=search.periodogram if search else None,
        anomaly_scores=anomaly_scores,
        timings=timings,
        config=config.to_dict(),
        flux_uncorrected=uncorrected_flux if roll_correction and roll_correction["applied"] else None,
    )


def _forward_only(progress: ProgressCallback) -> ProgressCallback:
    """`progress` that never goes back: flares and outliers are looked at again after the search."""
    furthest = [0.0]

    def report(fraction: float, message: str) -> None:
        furthest[0] = max(furthest[0], fraction)
        progress(furthest[0], message)

    return report


def _bls_reporter(report: ProgressCallback) -> Callable[[int, float], None]:
    """Progress of the BLS rounds, in steps of BLS_PROGRESS_STEP: on a multi-year curve each takes minutes.

    How many rounds will run is not known in advance (one more than the planets
    found), so round r spans a shrinking share of the bar between 0.4 and 0.75.
    """
    last = [-1.0]

    def heard(round_index: int, fraction: float) -> None:
        step = round_index + np.floor(fraction / BLS_PROGRESS_STEP) * BLS_PROGRESS_STEP
        if step <= last[0]:
            return
        last[0] = step
        position = 0.4 + 0.35 * (1.0 - 1.0 / (1.0 + step))
        what = "for a first planet" if round_index == 0 else f"for planet {round_index + 1}"
        report(position, f"Searching for periodic transits {what} (BLS): {fraction:.0%} of the periods")

    return heard


def _flares_and_outliers(time, flux, window, config, want, transit_floor, report):
    """Short-trend residual, then flares (found, masked, trend refitted, found again) and outliers.

    Points in known transits' windows (`transit_floor` < 0: how far below the trend
    the transits there can reach) are kept out of the trend and of the flare detector.
    """
    n = time.size
    unusable = transit_floor < 0
    short = fit_trend(time, flux, "short", window, unusable)
    trend, extreme = short.trend, short.extreme
    residual = flux / trend - 1.0
    sigma = robust_std(residual[~(unusable | extreme)])
    flare_events: list[Event] = []
    flare_mask = np.zeros(n, dtype=bool)
    if "flares" in want:
        report(0.2, "Looking for flares")
        flare_events, flare_mask = find_flares(time, residual, sigma, threshold=config.flare_sigma, usable=~unusable)
        if flare_events:
            # Refit the trend without the flares so long flares do not lift it, then look again.
            masked = unusable | pad_mask(flare_mask, FLARE_MASK_PAD_CADENCES) | pad_mask(extreme, 1)
            trend = fit_trend(time, flux, "biweight", window, masked, degree=2).trend
            residual = flux / trend - 1.0
            sigma = robust_std(residual[~masked])
            flare_events, flare_mask = find_flares(time, residual, sigma, threshold=config.flare_sigma, usable=~unusable)
    outlier_events: list[Event] = []
    outlier_mask = np.zeros(n, dtype=bool)
    if "outliers" in want:
        report(0.3, "Looking for outliers")
        # Inside a known transit: a transit has no local maximum, so a point above its
        # neighbours' running median is a glitch (the median's own noise, var ~ pi
        # sigma^2 / 2n, allowed for). A point below them may be the bottom of a V-shaped
        # eclipse, so a drop must also go below the transit's floor; and one below the
        # floor but not below its neighbours is the trend's error across the window.
        local = flux / median_filter(flux, size=TRANSIT_MEDIAN_POINTS, mode="nearest") - 1.0
        local /= np.sqrt(1.0 + np.pi / (2.0 * TRANSIT_MEDIAN_POINTS))
        below_floor = np.clip(residual - transit_floor, None, 0.0)
        in_transit = np.where(local > 0, local, np.maximum(below_floor, local))
        outlier_events, outlier_mask = find_outliers(
            time, np.where(unusable, in_transit, residual), sigma, threshold=config.outlier_sigma,
            explained=flare_mask,
        )
    return flare_events, flare_mask, outlier_events, outlier_mask, trend, residual, sigma


def _remeasure(time, detrended, usable, candidates, flares, min_snr):
    """Re-fit and re-vet each candidate on the refitted trend; returns (kept, events, rejected).

    The search ran on a trend that had partly eaten the dips and on flare/outlier
    masks from the first look; a candidate that fails vetting on the cleaner data
    is dropped, with the reason kept for the result's meta, as is one whose
    transits end where big flares (`flares`, from the first look) start or whose SNR
    falls below `min_snr` (the reported SNR must meet the threshold). Each candidate is
    measured without the other candidates' transits, as in the search: a shallow
    planet's epoch that coincides with a deep planet's transit would otherwise
    look like a glitch.
    """
    sigma = point_to_point_std(detrended[usable])
    windows = [transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration) for c in candidates]
    transits, events, rejected = [], [], []
    for i, c in enumerate(candidates):
        own = usable.copy()
        for j, window in enumerate(windows):
            if j != i:
                own &= ~window
        period, duration, t0 = refine_candidate(time, detrended, own, c)
        verdict = vet_candidate(time, detrended, own, period, t0, duration, sigma, c.sde)
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


def _anomalies(time, flux, trend, residual, sigma, explained, config, model):
    """Ensemble-flagged runs of points that no other detector explains, as events."""
    features, starts = model_features(flux, trend, config.window_size, feature_stride(config.window_size))
    if model is None and starts.size < MIN_FIT_WINDOWS:
        return [], np.zeros(time.size, dtype=bool), None  # too short to fit the ensemble on its own windows
    if model is None:
        model = AnomalyEnsemble(
            contamination=config.contamination,
            max_reference=ANOMALY_REFERENCE_WINDOWS,
            random_state=config.random_state,
        ).fit(features)
    margins = model.score_samples(features)
    # A window holding a flare, transit or outlier is explained by it, not anomalous.
    explained_before = np.concatenate(([0], np.cumsum(explained)))
    window_explained = explained_before[starts + config.window_size] - explained_before[starts] > 0
    margins = np.where(window_explained, np.inf, margins)
    flagged = points_from_windows(margins < 0, starts, config.window_size, time.size, config.vote_threshold)
    # Per point, the most anomalous margin among the windows covering it.
    point_margin = np.full(time.size, np.inf)
    for offset in range(config.window_size):
        np.minimum.at(point_margin, starts + offset, margins)
    candidates = flagged & ~explained
    events: list[Event] = []
    mask = np.zeros(time.size, dtype=bool)
    contiguous = np.concatenate(([False], np.diff(time) <= 1.5 * cadence_days(time)))
    for a, b in flag_runs(candidates, contiguous):
        strength = float(-point_margin[a:b].min())
        if not np.isfinite(strength) or strength < ANOMALY_MIN_MARGIN:
            continue
        z = np.abs(residual[a:b]) / sigma
        peak = a + int(np.argmax(z))
        mask[a:b] = True
        events.append(
            Event(kind="anomaly", t_start=float(time[a]), t_end=float(time[b - 1]), t_peak=float(time[peak]),
                  amplitude=float(residual[peak]), snr=float(z.max()), score=strength)
        )
    return events, mask, point_margin


def _periodic_drop_points(time: np.ndarray, outlier_events: list[Event], config: AnalysisConfig) -> np.ndarray:
    """Points of the outlier drops that recur on a period (`periodic_drops`)."""
    drops = [e for e in outlier_events if e.amplitude < 0]
    points = np.zeros(time.size, dtype=bool)
    if len(drops) < MIN_DROPS:
        return points
    p_min, p_max = period_range(float(time[-1] - time[0]), config.min_period_days, config.max_period_days)
    released = periodic_drops(time, np.array([e.t_peak for e in drops]), cadence_days(time), p_min, p_max)
    for event, periodic in zip(drops, released):
        if periodic:
            points[np.searchsorted(time, event.t_start):np.searchsorted(time, event.t_end, side="right")] = True
    return points


def _transit_floor(time: np.ndarray, candidates: list[TransitCandidate]) -> np.ndarray:
    """Per point, how far below the trend known transits can take the flux: 0 outside their
    masked windows, minus TRANSIT_FLOOR_DEPTHS mean depths (summed where they overlap) inside,
    so `floor < 0` is the windows themselves (depths are positive)."""
    floor = np.zeros(time.size)
    for c in candidates:
        floor[transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration)] -= TRANSIT_FLOOR_DEPTHS * c.depth
    return floor


def _transit_windows(time: np.ndarray, candidates: list[TransitCandidate], factor: float) -> np.ndarray:
    """True within `factor` durations (centred) of every transit of every candidate."""
    windows = np.zeros(time.size, dtype=bool)
    for c in candidates:
        windows |= transit_mask(time, c.period, c.t0, factor * c.duration)
    return windows
