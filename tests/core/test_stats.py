"""Noise estimates are honest and gaps split the curve where a trend must not cross."""
import numpy as np
import pytest

from core.stats import cdpp_ppm, find_segments, point_to_point_std, robust_std

CADENCE = 2.0 / 1440.0


def test_segments_split_at_gaps_longer_than_half_a_day():
    t = np.concatenate([np.arange(0, 1, 0.01), np.arange(1.2, 2, 0.01), np.arange(3, 4, 0.01)])
    assert find_segments(t) == [(0, 180), (180, 280)]


def test_noise_estimates_recover_white_noise(rng):
    values = rng.normal(0, 2e-3, 50_000)
    assert robust_std(values) == pytest.approx(2e-3, rel=0.03)
    assert point_to_point_std(values + np.linspace(0, 0.1, values.size)) == pytest.approx(2e-3, rel=0.03)
    # 1-h CDPP of white noise at 2-min cadence is sigma / sqrt(30).
    assert cdpp_ppm(values, CADENCE, 1.0) == pytest.approx(2e-3 / np.sqrt(30) * 1e6, rel=0.1)
