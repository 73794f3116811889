"""A noisier stretch is one `anomaly` (raised noise), not a dip, a single transit or a swarm of outliers."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.pipeline import analyze
from core.synthetic import generate_lightcurve

NAMED_KINDS = ("dip", "single_transit", "brightening", "outlier", "flare", "step")


def _jittered(cadence_min: float, n_points: int, factor: float, days: float, rotation_amp: float = 0.0):
    lc, _ = generate_lightcurve(n_points, cadence_min, 5, noise_ppm=500.0, rotation_period=3.3,
                                rotation_amp=rotation_amp)
    start = lc.time[0] + 5.0
    noisy = (lc.time > start) & (lc.time < start + days)
    rng = np.random.default_rng(1)
    flux = lc.flux.copy()
    flux[noisy] += np.sqrt(factor**2 - 1.0) * 500e-6 * rng.standard_normal(noisy.sum())
    return dataclasses.replace(lc, flux=flux), start, start + days


@pytest.mark.parametrize("rotation_amp", [0.0, 0.004])
def test_a_noisier_day_at_2_min_is_one_raised_noise_anomaly_and_nothing_named(rotation_amp):
    lc, start, end = _jittered(2.0, 20_000, 2.5, 1.0, rotation_amp)
    result = analyze(lc)
    inside = [e for e in result.events if e.t_end >= start and e.t_start <= end]
    raised = [e for e in inside if e.extra.get("reason") == "raised noise"]
    assert len(raised) == 1
    assert raised[0].kind == "anomaly"
    assert raised[0].t_start == pytest.approx(start, abs=0.05) and raised[0].t_end == pytest.approx(end, abs=0.05)
    assert 2.0 < raised[0].extra["scatter_ratio"] < 3.0
    assert not [e.kind for e in inside if e.kind in NAMED_KINDS]


def test_a_noisier_day_at_30_min_takes_its_outliers_with_it():
    lc, start, end = _jittered(29.4, 4_000, 4.0, 1.0)
    result = analyze(lc)
    inside = [e for e in result.events if e.t_end >= start and e.t_start <= end]
    assert any(e.extra.get("reason") == "raised noise" for e in inside)
    assert not [e.kind for e in inside if e.kind in NAMED_KINDS]


def test_the_same_star_without_the_noisier_stretch_has_no_raised_noise():
    lc, _ = generate_lightcurve(20_000, 2.0, 5, noise_ppm=500.0, rotation_period=3.3, rotation_amp=0.004)
    assert not [e for e in analyze(lc).events if e.extra.get("reason") == "raised noise"]
