"""The injection set: the SNR with correlated noise counted is what simulated noise gives."""
from __future__ import annotations

import numpy as np
import pytest

from core.evaluation.cases import correlated_snr
from core.synthetic.noise import red_noise


def test_correlated_snr_without_red_noise_is_the_white_snr():
    assert correlated_snr(1e-3, [30, 30, 40], 1e-3, 0.0, 0.9) == pytest.approx(1e-3 / 1e-3 * np.sqrt(100))


def test_correlated_snr_matches_the_scatter_of_transit_means_in_simulated_noise():
    """The mean over a 120-point (4-h) window of white + AR(1) noise scatters as the formula says."""
    cadence, tau, m = 2.0 / 1440, 2.0 / 24, 120
    sigma_white, sigma_red = 1e-3, 2.5e-4
    rng = np.random.default_rng(5)
    noise = red_noise(600_000, cadence, sigma_red, tau, rng) + sigma_white * rng.standard_normal(600_000)
    scatter = noise.reshape(-1, m).mean(axis=1).std()
    snr = correlated_snr(1.0, [m], sigma_white, sigma_red, np.exp(-cadence / tau))
    assert 1.0 / snr == pytest.approx(scatter, rel=0.1)
    # Here the red part dominates: the white-only SNR would be over 2x too optimistic.
    assert np.sqrt(m) / sigma_white > 2.0 * snr
