"""The injection set: the SNR with correlated noise counted is what simulated noise gives."""
from __future__ import annotations

import numpy as np
import pytest

from core.detect.shape_metrics import expected_duration
from core.evaluation.cases import correlated_snr, real_injected_case
from core.lightcurve import from_arrays
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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_planet_injected_into_a_star_the_header_describes_has_its_orbits_duration(seed):
    # The TESS flare star: a 0.13 R_sun M dwarf (log g 5.2), where a 1-6 h transit is impossible.
    star = {"radius": 0.129, "logg": 5.2}
    time = np.arange(0.0, 27.0, 2.0 / 1440.0)
    flux = 1.0 + np.random.default_rng(seed).normal(0.0, 1e-3, time.size)
    base = from_arrays(time, flux, meta=dict(star, mission="TESS"))
    planet = real_injected_case("m-dwarf", base, 0, seed, []).planets[0]
    central = expected_duration(planet["period"], star)
    assert 0.8 * central <= planet["duration"] <= central  # impact parameters up to 0.6
    unknown = real_injected_case("no-header", from_arrays(time, flux), 0, seed, []).planets[0]
    assert 1.0 / 24.0 <= unknown["duration"] <= 6.0 / 24.0
