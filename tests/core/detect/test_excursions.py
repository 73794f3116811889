"""Glitches by shape: a flat-topped box of one to a few cadences is an outlier, not a flare or an anomaly."""
import numpy as np

from core.detect.excursions import find_excursions
from core.flare_model import flare_binned

CADENCE = 2.0 / 1440.0
LONG_CADENCE = 29.4 / 1440.0
SIGMA = 1e-3


def excursions(t, flux):
    return find_excursions(t, flux, flux - 1.0, SIGMA, np.ones(t.size, dtype=bool))


def test_glitches_of_one_to_five_cadences_are_outliers_not_flares():
    rng = np.random.default_rng(4)
    t = np.arange(0.0, 5.0, CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    starts = [500, 1200, 1900, 2600, 3300]
    for length, start in zip(range(1, 6), starts):
        flux[start:start + length] += 0.012 * (-1) ** length
    found = excursions(t, flux)
    assert found.flares == []
    assert [round(e.t_start / CADENCE) for e in found.glitches] == starts
    assert [e.extra["n_points"] for e in found.glitches] == [1, 2, 3, 4, 5]


def test_at_long_cadence_a_three_exposure_spike_is_a_glitch_but_a_three_exposure_drop_is_left_to_the_search():
    """A flat 1.5-h drop at 30-min cadence is what a short transit is; a 1.5-h flat brightening is no flare."""
    rng = np.random.default_rng(5)
    t = np.arange(0.0, 20.0, LONG_CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux[200:203] += 0.015
    flux[500:503] -= 0.015
    found = excursions(t, flux)
    assert found.flares == []
    assert [round(e.t_start / LONG_CADENCE) for e in found.glitches] == [200]


def test_a_flare_beside_a_glitch_is_each_named_for_its_shape():
    rng = np.random.default_rng(6)
    t = np.arange(0.0, 3.0, CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux += flare_binned(t, 1.0, 8.0 / 1440.0, 0.03, CADENCE)
    flux[1500:1503] += 0.02
    found = excursions(t, flux)
    assert [round(e.t_peak, 2) for e in found.flares] == [1.0]
    assert [round(e.t_start / CADENCE) for e in found.glitches] == [1500]
