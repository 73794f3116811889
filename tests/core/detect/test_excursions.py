"""Glitches by shape: a flat-topped box of one to a few cadences is an outlier, not a flare or an anomaly."""
import numpy as np
import pytest

from core.detect.excursions import find_excursions
from core.flare_model import flare_binned
from core.synthetic.event_shapes import single_transit

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


def test_at_long_cadence_a_flat_drop_of_three_to_five_exposures_with_sharp_edges_is_a_glitch():
    """Before, any drop longer than two 30-min exposures was left to the transit search (and called a single
    transit there); a box that starts and stops with the exposures is instrumental."""
    rng = np.random.default_rng(5)
    t = np.arange(0.0, 20.0, LONG_CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    starts = [200, 350, 500, 650]
    flux[200:203] += 0.015
    for length, start in zip((3, 4, 5), starts[1:]):
        flux[start:start + length] -= 0.015
    found = excursions(t, flux)
    assert found.flares == []
    assert [round(e.t_start / LONG_CADENCE) for e in found.glitches] == starts
    assert [e.extra["n_points"] for e in found.glitches] == [3, 3, 4, 5]


@pytest.mark.parametrize("hours", [1.5, 2.0, 2.5])
def test_at_long_cadence_a_short_transit_whose_edges_fall_inside_exposures_is_not_a_glitch(hours):
    """A transit begins and ends anywhere within an exposure: its edge exposures are only partly dimmed."""
    rng = np.random.default_rng(7)
    t = np.arange(0.0, 20.0, LONG_CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux -= single_transit(t, t[300] + 0.4 * LONG_CADENCE, 0.015, hours / 24.0, LONG_CADENCE, 30, (0.4, 0.25))
    assert excursions(t, flux).glitches == []


def test_a_flare_beside_a_glitch_is_each_named_for_its_shape():
    rng = np.random.default_rng(6)
    t = np.arange(0.0, 3.0, CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux += flare_binned(t, 1.0, 8.0 / 1440.0, 0.03, CADENCE)
    flux[1500:1503] += 0.02
    found = excursions(t, flux)
    assert [round(e.t_peak, 2) for e in found.flares] == [1.0]
    assert [round(e.t_start / CADENCE) for e in found.glitches] == [1500]
