"""Raised noise: found where the scatter grows, nowhere on white noise, a spotted star or a transit."""
from __future__ import annotations

import numpy as np
import pytest

from core.detect.scatter import find_scatter_bursts

CADENCE = 2.0 / 1440.0


def _white(n: int, seed: int, sigma: float = 5e-4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.arange(n) * CADENCE, sigma * rng.standard_normal(n)


@pytest.mark.parametrize("seed", range(5))
def test_white_noise_has_no_raised_noise(seed):
    time, residual = _white(20_000, seed)
    assert find_scatter_bursts(time, residual, np.ones(time.size, bool), CADENCE) == []


def test_a_noisier_half_day_is_found_with_its_ratio_and_edges():
    time, residual = _white(20_000, 7)
    noisy = (time > 10.0) & (time < 10.5)
    residual[noisy] *= 2.5
    bursts = find_scatter_bursts(time, residual, np.ones(time.size, bool), CADENCE)
    assert len(bursts) == 1
    burst = bursts[0]
    assert abs(burst.t_start - 10.0) < 0.03 and abs(burst.t_end - 10.5) < 0.03
    assert 2.2 < burst.ratio < 2.8 and burst.z > 10


def test_slow_variability_transits_and_a_few_spikes_do_not_raise_it():
    time, residual = _white(20_000, 8)
    residual = residual + 0.01 * np.sin(2 * np.pi * time / 0.8)  # a 0.8-d spotted star left in the residual
    for centre in (3.0, 9.0, 15.0, 21.0):  # 3-h, 1% transits
        residual[np.abs(time - centre) < 0.0625] -= 0.01
    residual[np.arange(500, 20_000, 700)] += 0.01  # a 20-sigma spike every day
    assert find_scatter_bursts(time, residual, np.ones(time.size, bool), CADENCE) == []


def test_left_out_points_are_not_looked_at():
    time, residual = _white(20_000, 9)
    noisy = (time > 10.0) & (time < 10.5)
    residual[noisy] *= 3.0
    assert find_scatter_bursts(time, residual, ~noisy, CADENCE) == []


@pytest.mark.parametrize("cadence_min", [2.0, 29.4])
def test_a_deep_shape_the_trend_did_not_follow_is_not_noise(cadence_min):
    """A 10%-deep transit leaves a residual wiggle with large differences at its ingress and egress: smooth."""
    cadence = cadence_min / 1440.0
    rng = np.random.default_rng(3)
    time = np.arange(int(60.0 / cadence)) * cadence
    residual = 5e-4 * rng.standard_normal(time.size)
    for centre in (10.0, 30.0, 50.0):
        x = (time - centre) / 0.1
        residual += 0.05 * np.sin(np.pi * x) * (np.abs(x) < 1.0)  # down and up again across 0.2 d
    assert find_scatter_bursts(time, residual, np.ones(time.size, bool), cadence) == []
