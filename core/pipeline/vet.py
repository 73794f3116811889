"""Stage 5: every kept transit candidate measured and judged: planet candidate, eclipsing binary or false alarm.

The search's refusal tests decided what became a candidate; this stage classifies
what they kept. Each candidate is measured (core.detect.candidate_metrics) on the
final detrended flux without flares, outliers and the other candidates' transits,
then judged (core.detect.verdict) against the config's thresholds.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.config import AnalysisConfig
from core.detect.candidate_metrics import measure_candidate
from core.detect.transits import TRANSIT_MASK_FACTOR
from core.detect.verdict import judge
from core.detect.vetting import transit_mask
from core.pipeline.prepared import ROTATION_VETO_POWER, PreparedCurve
from core.pipeline.search import TransitFindings


def vet_transits(curve: PreparedCurve, found: TransitFindings, config: AnalysisConfig) -> TransitFindings:
    """`found` with each candidate carrying its vetting, and flags naming the tests it failed."""
    if not found.transits:
        return found
    time, detrended = curve.time, found.final.detrended
    usable = ~found.final.not_transit_material & np.isfinite(detrended)
    windows = [transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration) for c in found.transits]
    periods = [c.period for c in found.transits]
    rotation = curve.rotation_period if curve.rotation_power >= ROTATION_VETO_POWER else None
    vetted = []
    for i, candidate in enumerate(found.transits):
        own = usable.copy()
        for j, window in enumerate(windows):
            if j != i:
                own &= ~window
        metrics = measure_candidate(time, detrended, own, candidate, found.periodogram, curve.star, periods,
                                    rotation)
        vetting = judge(metrics, candidate, config.vetting)
        vetted.append(replace(candidate, depth_err=metrics.depth_err, odd_even_sigma=metrics.odd_even_sigma,
                              flags=vetting.failed_tests(), vetting=vetting))
    return replace(found, transits=vetted)
