"""analyze(): one light curve in, every kind of event out, as a sequence of named stages.

prepare (quality mask, normalise, K2 roll) -> first look (flares, outliers on a
short trend) -> trend for the search (transit-preserving, flares and outliers
masked) -> search and re-measure (BLS, then each candidate on a trend refitted
around it) -> vetting (each candidate measured and judged: planet candidate,
eclipsing binary or false alarm; a false alarm's dips are no events) -> unusual
events (single transits, dips, brightenings, steps, oscillation bursts; the flares
and outliers they explain dropped) -> anomalies (stretches of raised noise, and
IF + LOF where nothing else explains the data) -> result.
"""
from __future__ import annotations

from core.anomaly.estimator import AnomalyEnsemble
from core.config import AnalysisConfig
from core.lightcurve import LightCurve
from core.pipeline.anomalies import AnomalyFindings, find_anomalies
from core.pipeline.assemble import assemble_result
from core.pipeline.first_look import first_look
from core.pipeline.prepared import prepare_curve
from core.pipeline.progress import ProgressCallback, StageClock, forward_only
from core.pipeline.scatter import find_raised_noise
from core.pipeline.search import TransitFindings, search_and_remeasure
from core.pipeline.search_trend import trend_for_search
from core.pipeline.unusual import UnusualFindings, find_unusual_events
from core.pipeline.vet import set_aside_false_alarms, vet_transits
from core.result import AnalysisResult


def analyze(
    lc: LightCurve,
    config: AnalysisConfig | None = None,
    progress: ProgressCallback | None = None,
    model: AnomalyEnsemble | None = None,
) -> AnalysisResult:
    """Find transits, flares, outliers, unusual events and anomalies in `lc`.

    `model` is a fitted AnomalyEnsemble (e.g. from the model registry); without
    one the ensemble is fitted on this curve's own windows, as the seed app did.
    `progress(fraction, message)` hears how far the analysis has got.
    """
    config = config or AnalysisConfig()
    report = forward_only(progress)
    clock = StageClock()

    report(0.0, "Masking bad quality and normalising")
    curve = prepare_curve(lc, config)
    clock.lap("prepare")

    report(0.1, "Detrending; looking for flares and outliers")
    look = first_look(curve, config, report)
    clock.lap("flares_outliers")

    report(0.35, "Detrending for the transit search")
    trend = trend_for_search(curve, look, config)
    clock.lap("detrend_transits")

    found = TransitFindings.not_searched(curve.flux, look, trend)
    if "transits" in config.detectors:
        report(0.4, "Searching for periodic transits (BLS)")
        found = search_and_remeasure(curve, look, trend, config, report)
        clock.lap("transits")
        report(0.75, "Vetting the transit candidates")
        found = set_aside_false_alarms(curve, vet_transits(curve, found, config), trend, config, report)
        clock.lap("vetting")

    unusual = UnusualFindings.none(found.final.look)
    if "unusual" in config.detectors:
        report(0.78, "Looking for single transits, dips, brightenings, steps and oscillations")
        unusual = find_unusual_events(curve.time, curve.flux, found.final.look, found.transits,
                                      curve.rotation_period, config, curve.lc.meta.get("mission"),
                                      curve.fast_rotation)
        clock.lap("unusual")

    anomalies = AnomalyFindings.none(curve.time.size)
    if "anomaly" in config.detectors and curve.time.size >= config.window_size:
        report(0.8, "Looking for raised noise; scoring windows with the Isolation Forest + LOF ensemble")
        noise = find_raised_noise(curve.time, found.in_transit, unusual, config)
        unusual = noise.unusual
        explained = found.in_transit | unusual.mask | noise.mask
        anomalies = find_anomalies(curve.time, curve.flux, unusual.look, explained, config, model)
        anomalies = anomalies.with_events(noise.events, noise.mask)
        clock.lap("anomaly")

    report(1.0, "Done")
    return assemble_result(lc, curve, trend, found, unusual, anomalies, config, clock.timings())
