"""The transit-search trend: the rotation option follows a fast spotted star and leaves a planet's transits."""
import numpy as np
from spotted_star import CADENCE, P_ROT, box, spotted_star

from core.stats import cdpp_ppm
from core.trend.robust import biweight_trend
from core.trend.rotation import rotation_trend
from core.trend.transit import TransitTrend, choose_transit_trend, fast_rotation, modulated_share, search_weights


def test_keeps_a_transit_that_a_local_polynomial_eats(rng):
    t, flux = spotted_star(rng)
    inside = box(t, 5.3, 2.1, 0.17)
    flux = flux * (1.0 - 0.004 * inside)
    rotation, _ = TransitTrend(1, 0.75, P_ROT).fit(t, flux)
    quadratic = biweight_trend(t, flux, 0.75, degree=2)
    kept = -(flux / rotation - 1.0)[inside].mean()
    assert kept > 0.8 * 0.004
    # ... and leaves far less of the spots behind than the quadratic does.
    scatter_rotation = cdpp_ppm((flux / rotation - 1.0)[~inside], CADENCE)
    scatter_quadratic = cdpp_ppm((flux / quadratic - 1.0)[~inside], CADENCE)
    assert scatter_rotation < 0.5 * scatter_quadratic


def test_the_option_is_offered_only_for_a_strong_fast_rotation_seen_several_times(rng):
    t, flux = spotted_star(rng)
    assert fast_rotation(t, flux, P_ROT, 0.7, 0.2, 0.75) == P_ROT
    assert fast_rotation(t, flux, P_ROT, 0.1, 0.2, 0.75) is None  # weak periodicity
    assert fast_rotation(t, flux, 8.0, 0.7, 0.2, 0.75) is None  # slow: polynomials follow it
    short = t < 3.0
    assert fast_rotation(t[short], flux[short], P_ROT, 0.7, 0.2, 0.75) is None  # fewer than three rotations
    assert fast_rotation(t, flux, float("nan"), 0.0, 0.2, 0.75) is None


def test_a_short_period_planet_is_not_mistaken_for_rotation(rng):
    """A deep 0.94-day planet wins Lomb-Scargle; modelled as rotation it would be removed."""
    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    phase = np.mod(t - 0.3 + 0.47, 0.9415) - 0.47
    flux = 1.0 - 0.008 * (np.abs(phase) < 0.045) + rng.normal(0, 1e-3, t.size)
    assert modulated_share(t, flux, 0.9415) < 0.15
    assert fast_rotation(t, flux, 0.9415, 0.5, 0.2, 0.75) is None
    t, spotted = spotted_star(rng)
    assert modulated_share(t, spotted, P_ROT) > 0.3


def test_choice_takes_the_rotation_trend_for_a_fast_rotator_and_a_line_for_a_quiet_star(rng):
    t, flux = spotted_star(rng)
    option, _, _ = choose_transit_trend(t, flux, 0.75, np.zeros(t.size, bool), rotation_days=P_ROT)
    assert option.rotation_days == P_ROT
    quiet = 1.0 + rng.normal(0, 5e-4, t.size)
    option, _, _ = choose_transit_trend(t, quiet, 0.75, np.zeros(t.size, bool), rotation_days=None)
    assert option == TransitTrend(1, 0.75)


def test_where_the_rotations_disagree_the_search_listens_less(rng):
    t, flux = spotted_star(rng)
    changed = t > 30.0
    flux[changed] = 1.0 + 1.5 * (flux[changed] - 1.0)  # the spots grow suddenly at day 30
    _, spread = rotation_trend(t, flux, P_ROT)
    weights = search_weights(spread, 5e-4)
    near_change = np.abs(t - 30.0) < 2 * P_ROT
    assert np.median(weights[~near_change]) > 0.5
    assert np.median(weights[near_change]) < 0.2
    assert (search_weights(np.zeros(10), 5e-4) == 1).all()
