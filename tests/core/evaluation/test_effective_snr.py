"""Effective SNR: white noise gives the white SNR, AR(1) noise the correlated SNR, and slow noise is flattened."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.evaluation.cases import correlated_snr
from core.evaluation.effective_snr import duration_scatter, effective_snr
from core.synthetic.noise import red_noise

MINUTE = 1.0 / 1440.0


def transit_snrs(time: np.ndarray, noise: np.ndarray, depth: float, duration: float, n_transits: int,
                 sigma_white: float) -> tuple[float, float]:
    """(effective, white-noise) SNR of `n_transits` full transits in this noise."""
    cadence = time[1] - time[0]
    points = n_transits * round(duration / cadence)
    effective = effective_snr(depth, points, duration, cadence, duration_scatter(time, noise, duration))
    return effective, depth / sigma_white * math.sqrt(points)


@pytest.mark.parametrize("cadence_min, n_points", [(2.0, 40_000), (29.4, 8_000)])
@pytest.mark.parametrize("duration_hours", [1.0, 3.0, 6.0])
def test_effective_snr_of_white_noise_is_the_white_snr(cadence_min, n_points, duration_hours):
    time = np.arange(n_points) * cadence_min * MINUTE
    noise = np.random.default_rng(int(duration_hours * 10)).normal(0.0, 1e-3, n_points)
    effective, white = transit_snrs(time, noise, 5e-4, duration_hours / 24.0, 6, 1e-3)
    assert effective == pytest.approx(white, rel=0.1)


@pytest.mark.parametrize("duration_hours", [3.0, 6.0])
def test_effective_snr_of_ar1_noise_matches_the_correlated_snr(duration_hours):
    """Red noise correlated over minutes (not over the flattening window) is counted in full."""
    cadence, tau, n = 2.0 * MINUTE, 0.25 / 24.0, 200_000
    sigma_white, sigma_red = 5e-4, 1e-3
    rng = np.random.default_rng(7)
    time = np.arange(n) * cadence
    noise = sigma_white * rng.standard_normal(n) + red_noise(n, cadence, sigma_red, tau, rng)
    duration = duration_hours / 24.0
    effective, white = transit_snrs(time, noise, 5e-4, duration, 6, sigma_white)
    m = round(duration / cadence)
    expected = correlated_snr(5e-4, [m] * 6, sigma_white, sigma_red, math.exp(-cadence / tau))
    assert effective == pytest.approx(expected, rel=0.1)
    assert white > 2 * effective  # the white-noise SNR would promise far more


def test_noise_slower_than_three_durations_is_flattened_away():
    """A slow wander (a spot's rotation, a long red-noise correlation) is what the running mean removes."""
    cadence, n = 2.0 * MINUTE, 40_000
    time = np.arange(n) * cadence
    rng = np.random.default_rng(3)
    white = rng.normal(0.0, 1e-3, n)
    slow = 0.01 * np.sin(2 * np.pi * time / 20.0)  # 1% over 20 days
    duration = 2.0 / 24.0
    assert duration_scatter(time, white + slow, duration) == pytest.approx(
        duration_scatter(time, white, duration), rel=0.05)
    fast = 0.002 * np.sin(2 * np.pi * time / (3 * duration))  # a wiggle as long as the flattening window
    assert duration_scatter(time, white + fast, duration) > 3 * duration_scatter(time, white, duration)


def test_gaps_and_edges_leave_windows_out_rather_than_bias_them():
    cadence = 2.0 * MINUTE
    time = np.arange(30_000) * cadence
    keep = (time < 10.0) | (time > 12.0)  # a two-day gap
    noise = np.random.default_rng(5).normal(0.0, 1e-3, time.size)
    duration = 3.0 / 24.0
    gapped = duration_scatter(time[keep], noise[keep], duration)
    assert gapped == pytest.approx(1e-3 / math.sqrt(duration / cadence), rel=0.1)


def test_too_short_a_curve_has_no_scatter():
    time = np.arange(20) * 2.0 * MINUTE
    assert math.isnan(duration_scatter(time, np.ones(20), 1.0))
    assert math.isnan(effective_snr(1e-3, 100, 0.1, 2.0 * MINUTE, float("nan")))
