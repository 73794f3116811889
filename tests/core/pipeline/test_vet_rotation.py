"""The vetting's rotation: measured beside the candidates' windows, or the curve's own when they cover most of it."""
from dataclasses import replace

import numpy as np
import pytest

from core.config import AnalysisConfig
from core.lightcurve import from_arrays
from core.pipeline.first_look import first_look
from core.pipeline.prepared import prepare_curve
from core.pipeline.search import TransitFindings
from core.pipeline.search_trend import trend_for_search
from core.pipeline.vet import vet_transits
from core.result import TransitCandidate

ROTATION_DAYS = 1.91


def _vetted(candidate: TransitCandidate):
    """A spotted star (1.5%, three harmonics, 30-min cadence) with `candidate` handed to the vetting."""
    rng = np.random.default_rng(46)
    time = 170.0 + np.arange(3700) * 29.4 / 1440.0
    phase = 2 * np.pi * (time - time[0]) / ROTATION_DAYS
    spots = 0.01 * np.sin(phase) + 0.004 * np.sin(2 * phase + 1.0) + 0.0015 * np.sin(3 * phase + 2.0)
    lc = from_arrays(time, 1.0 + spots + rng.normal(0.0, 7e-4, time.size), None, None, {"mission": "Kepler"})
    config = AnalysisConfig()
    curve = prepare_curve(lc, config)
    look = first_look(curve, config, lambda *_: None)
    found = replace(TransitFindings.not_searched(curve.flux, look, trend_for_search(curve, look, config)),
                    transits=[candidate])
    (vetted,) = vet_transits(curve, found, config).transits
    return vetted


def test_windows_covering_most_of_the_curve_leave_the_rotation_to_the_whole_curve():
    """An independent generator's clean star, spots of 1.5% in 1.91 d, was folded at 1.913 d into 0.47-d
    "eclipses": their windows (and phase 0.5's) left 27% of the curve, which measured no rotation, so the
    spot was judged as a binary."""
    wide = TransitCandidate(period=1.9133, t0=170.9, duration=0.47, depth=0.002, snr=70.0, sde=13.7, n_transits=39)
    metrics = _vetted(wide).vetting.metrics
    assert metrics.rotation_period == pytest.approx(ROTATION_DAYS, rel=0.01)
    assert metrics.rotation_harmonic == "P_rot"


def test_narrow_windows_measure_the_rotation_beside_them():
    narrow = TransitCandidate(period=3.37, t0=171.2, duration=0.1, depth=0.002, snr=20.0, sde=10.0, n_transits=20)
    metrics = _vetted(narrow).vetting.metrics
    assert metrics.rotation_period == pytest.approx(ROTATION_DAYS, rel=0.01)
    assert metrics.rotation_harmonic is None
