"""Stage 6: the result: events in time order, a label per point, and what was measured on the way."""
from __future__ import annotations

from typing import Any

import numpy as np

from core.confidence import with_confidence
from core.config import AnalysisConfig
from core.lightcurve import LightCurve
from core.pipeline.anomalies import AnomalyFindings
from core.pipeline.prepared import PreparedCurve
from core.pipeline.search import TransitFindings
from core.pipeline.search_trend import SearchTrend
from core.pipeline.unusual import UnusualFindings
from core.result import LABEL_CODES, AnalysisResult
from core.stats import cdpp_ppm, find_segments, point_to_point_std


def assemble_result(
    lc: LightCurve, curve: PreparedCurve, trend: SearchTrend, found: TransitFindings, unusual: UnusualFindings,
    anomalies: AnomalyFindings, config: AnalysisConfig, timings: dict[str, float],
) -> AnalysisResult:
    """The AnalysisResult of `lc`, from what every stage found (flares and outliers as the unusual stage left them)."""
    look = unusual.look
    events = sorted(with_confidence(found.events + look.flares + look.outliers + unusual.events + anomalies.events,
                                    curve.lc.cadence_days), key=lambda e: e.t_start)
    return AnalysisResult(
        n_points=len(lc),
        meta=_meta(lc, curve, trend, found, config),
        transits=found.transits,
        events=events,
        time=curve.time,
        flux=curve.flux,
        trend=found.final.trend,
        detrended=found.final.detrended,
        labels=_labels(found, unusual, anomalies),
        periodogram=found.periodogram,
        anomaly_scores=anomalies.scores,
        timings=timings,
        config=config.to_dict(),
        flux_uncorrected=curve.shown_uncorrected,
    )


def _labels(found: TransitFindings, unusual: UnusualFindings, anomalies: AnomalyFindings) -> np.ndarray:
    """One code per point (LABEL_CODES); a flare or outlier wins over a transit, which wins over an unusual
    event, which wins over an anomaly."""
    look = unusual.look
    labels = np.zeros(look.residual.size, dtype=np.int8)
    labels[anomalies.mask] = LABEL_CODES["anomaly"]
    for kind, mask in unusual.masks.items():
        labels[mask] = LABEL_CODES[kind]
    labels[found.in_transit] = LABEL_CODES["transit"]
    labels[look.flare_mask] = LABEL_CODES["flare"]
    labels[look.outlier_mask] = LABEL_CODES["outlier"]
    return labels


def _meta(lc: LightCurve, curve: PreparedCurve, trend: SearchTrend, found: TransitFindings,
          config: AnalysisConfig) -> dict[str, Any]:
    """The reader's meta, plus noise figures, the rotation and the trend chosen, and refused candidates."""
    searched = "transits" in config.detectors
    p_rot, option = trend.rotation_period, trend.option
    quiet = ~found.final.not_transit_material & ~found.in_transit
    return {
        **curve.lc.meta,
        "n_analysed": int(curve.time.size),
        "n_segments": len(find_segments(curve.time)),
        "noise_ppm": round(point_to_point_std(found.final.look.residual) * 1e6, 2),
        "rotation_period_days": round(p_rot, 5) if searched and np.isfinite(p_rot) else None,
        "rotation_power": round(trend.rotation_power, 4) if searched else None,
        "k2_roll_correction": curve.roll_correction,
        "transit_trend_degree": option.degree,
        "transit_trend_window_days": round(option.window_days, 4),
        "transit_trend_rotation_days": None if option.rotation_days is None else round(option.rotation_days, 5),
        "transit_candidates_rejected": found.rejected,
        "cdpp_1h_ppm": round(cdpp_ppm((found.final.detrended - 1.0)[quiet], curve.lc.cadence_days), 2),
        # The readers' definition: points with a bit of the default mask set.
        "n_quality_flagged": lc.meta.get("n_quality_flagged", int((~lc.good_mask()).sum())),
    }
