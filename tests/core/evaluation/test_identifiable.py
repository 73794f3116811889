"""The ideal observer: which injected flares a flat glitch could not have made, on seeded white noise."""
from __future__ import annotations

import numpy as np
import pytest

from core.evaluation.identifiable import flare_identifiable
from core.flare_model import flare_binned

SIGMA = 1e-3
TWO_MIN, THIRTY_MIN = 2.0 / 1440.0, 30.0 / 1440.0


def _curve(cadence: float, t_peak: float, fwhm_min: float, peak_sigma: float, seed: int):
    """A flat star with white noise and one flare whose brightest exposure is `peak_sigma` above it."""
    time = np.arange(0.0, 2.0, cadence)
    shape = flare_binned(time, t_peak, fwhm_min / 1440.0, 1.0, cadence)
    amplitude = peak_sigma * SIGMA / shape.max()
    flux = 1.0 + amplitude * shape + np.random.default_rng(seed).normal(0.0, SIGMA, time.size)
    return time, flux, {"t_peak": t_peak, "fwhm": fwhm_min / 1440.0, "amplitude": amplitude}


@pytest.mark.parametrize("seed", range(5))
def test_a_resolved_two_minute_flare_is_identifiable(seed):
    time, flux, flare = _curve(TWO_MIN, 1.0, 20.0, 8.0, seed)
    assert flare_identifiable(time, flux, flare, TWO_MIN, SIGMA)


@pytest.mark.parametrize("seed", range(5))
def test_a_four_minute_flare_in_one_thirty_minute_exposure_is_not(seed):
    # Its next exposure keeps ~10% of the peak (under 1 sigma): a one-cadence box explains it as well.
    time, flux, flare = _curve(THIRTY_MIN, 1.0 + 0.4 * THIRTY_MIN, 4.0, 8.0, seed)
    assert not flare_identifiable(time, flux, flare, THIRTY_MIN, SIGMA)


@pytest.mark.parametrize("seed", range(5))
def test_a_long_thirty_minute_flare_is_identifiable_by_its_decay(seed):
    # FWHM 40 min: a decay over several exposures that no flat box follows.
    time, flux, flare = _curve(THIRTY_MIN, 1.0, 40.0, 10.0, seed)
    assert flare_identifiable(time, flux, flare, THIRTY_MIN, SIGMA)


def test_a_faint_flare_is_not_significant_enough():
    time, flux, flare = _curve(TWO_MIN, 1.0, 20.0, 1.0, 0)
    assert not flare_identifiable(time, flux, flare, TWO_MIN, SIGMA)


def test_a_flare_in_a_gap_has_too_few_points():
    time, flux, flare = _curve(TWO_MIN, 1.0, 20.0, 8.0, 0)
    keep = np.abs(time - 1.0) > 0.25
    assert not flare_identifiable(time[keep], flux[keep], flare, TWO_MIN, SIGMA)
