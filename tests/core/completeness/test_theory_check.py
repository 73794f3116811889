"""Checked against theory: on pure white noise of known sigma, recovery against the injected SNR is an
S-curve whose 50% point is the configured SNR threshold (AnalysisConfig.transit_min_snr, which the
vetting applies to the box SNR depth x sqrt(points in transit) / sigma), within +-15%."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from core.completeness import completeness
from core.config import AnalysisConfig
from tests.core.completeness.curves import white_noise_curve

SIGMA = 1e-3
# 5.6 days at 2-min cadence; a 1.3-d planet transits 4 times. These depths span injected SNRs ~3 to ~16.
GRID = {"period": [1.3], "depth": [2.5e-4, 3.13e-4, 3.91e-4, 4.9e-4, 6.13e-4, 7.67e-4, 9.59e-4, 1.2e-3]}


def fitted_s_curve(snr: np.ndarray, found: np.ndarray) -> tuple[float, float]:
    """(50% point, width in ln SNR) of the logistic in ln SNR that best explains found / missed (max likelihood)."""
    def negative_log_likelihood(params: np.ndarray) -> float:
        middle, width = params
        chance = 1.0 / (1.0 + np.exp(-(np.log(snr) - np.log(middle)) / abs(width)))
        chance = np.clip(chance, 1e-9, 1 - 1e-9)
        return -float(np.sum(found * np.log(chance) + (1 - found) * np.log(1 - chance)))

    best = minimize(negative_log_likelihood, [5.0, 0.3], method="Nelder-Mead")
    return float(best.x[0]), float(abs(best.x[1]))


def test_half_of_the_planets_are_found_at_the_configured_snr_threshold():
    result = completeness(white_noise_curve(n_points=4000, sigma=SIGMA, seed=21), kind="transit", grid=GRID,
                          n_injections=48, seed=1, jobs=2)
    # The SNR each planet was injected at, against the known sigma (the map measured it from the curve).
    snr = np.array([r["snr"] for r in result.injections]) * result.noise / SIGMA
    found = np.array([r["recovered"] for r in result.injections], dtype=float)
    middle, width = fitted_s_curve(snr, found)
    threshold = AnalysisConfig().transit_min_snr
    assert abs(middle / threshold - 1.0) <= 0.15, f"50% point at SNR {middle:.2f}, threshold {threshold}"
    # An S-curve, not a ramp: below half the threshold nothing, above 1.5x everything.
    assert width < 0.25
    assert not found[snr < 0.5 * threshold].any()
    assert found[snr > 1.5 * threshold].all()
