"""The rotation trend follows a fast spotted star and leaves a planet's transits in the residual."""
import numpy as np
import pytest

from core.preprocess import detrend
from core.stats import cdpp_ppm
from core.rotation_trend import rotation_trend
from core.transit_trend import TransitTrend, choose_transit_trend, fast_rotation, modulated_share, search_weights

CADENCE = 29.4244 / 1440.0  # Kepler long cadence: a 1.2-day rotation is only ~60 points
P_ROT = 1.2


def _spotted_star(rng, days=60.0):
    """Two spots at different longitudes (non-sinusoidal), slowly evolving, 3% deep."""
    t = np.arange(0.0, days, CADENCE)
    phase = 2 * np.pi * t / P_ROT
    evolve = 1.0 + 0.2 * np.sin(2 * np.pi * t / 25.0)
    spots = 0.03 * evolve * np.maximum(np.cos(phase), 0) + 0.015 * np.maximum(np.cos(phase - 2.2), 0) ** 2
    return t, 1.0 - spots + rng.normal(0, 5e-4, t.size)


def _box(t, period, t0, duration):
    phase = np.mod(t - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) < 0.5 * duration


def test_keeps_a_transit_that_a_local_polynomial_eats(rng):
    t, flux = _spotted_star(rng)
    inside = _box(t, 5.3, 2.1, 0.17)
    flux = flux * (1.0 - 0.004 * inside)
    rotation, _ = TransitTrend(1, 0.75, P_ROT).fit(t, flux)
    quadratic = detrend(t, flux, 0.75, degree=2)
    kept = -(flux / rotation - 1.0)[inside].mean()
    assert kept > 0.8 * 0.004
    # ... and leaves far less of the spots behind than the quadratic does.
    scatter_rotation = cdpp_ppm((flux / rotation - 1.0)[~inside], CADENCE)
    scatter_quadratic = cdpp_ppm((flux / quadratic - 1.0)[~inside], CADENCE)
    assert scatter_rotation < 0.5 * scatter_quadratic


def test_is_built_from_other_rotations_only(rng):
    t, flux = _spotted_star(rng)
    dip = (t > 30.0) & (t < 30.15)
    flux[dip] -= 0.01
    trend, _ = rotation_trend(t, flux, P_ROT)
    # The dip is absent one and two rotations away, so the trend under it does not sink.
    assert np.abs(trend[dip] - (flux[dip] + 0.01)).max() < 3e-3


def test_no_interpolation_across_gaps_and_nan_where_no_rotation_has_data(rng):
    t, flux = _spotted_star(rng, days=10.0)
    keep = (t < 3.0) | (t > 7.0)  # a 4-day gap: more than two rotations
    t, flux = t[keep], flux[keep]
    trend, _ = rotation_trend(t, flux, P_ROT)
    # Points just after the gap have nothing at t - P or t - 2P, but t + P and t + 2P exist.
    assert np.isfinite(trend[t > 7.0]).all()
    lonely, _ = rotation_trend(t[:10], flux[:10], P_ROT)  # 10 points, far less than a rotation
    assert np.isnan(lonely).all()
    filled, spread = TransitTrend(1, 0.75, P_ROT).fit(t[:10], flux[:10])
    assert np.isfinite(filled).all() and (spread == 0).all()


def test_masked_points_stay_out_of_the_model(rng):
    t, flux = _spotted_star(rng)
    flare = (t > 20.0) & (t < 20.1)
    flux_with_flare = flux.copy()
    flux_with_flare[flare] += 0.05
    near = np.abs(t - (20.05 + P_ROT)) < 0.05  # one rotation later the model samples the flare
    masked, _ = rotation_trend(t, flux_with_flare, P_ROT, mask=flare)
    clean, _ = rotation_trend(t, flux, P_ROT)
    assert np.abs(masked[near] - clean[near]).max() < 1e-3


def test_rejects_a_non_positive_period():
    with pytest.raises(ValueError, match="positive"):
        rotation_trend(np.arange(10.0), np.ones(10), 0.0)


def test_the_option_is_offered_only_for_a_strong_fast_rotation_seen_several_times(rng):
    t, flux = _spotted_star(rng)
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
    t, spotted = _spotted_star(rng)
    assert modulated_share(t, spotted, P_ROT) > 0.3


def test_choice_takes_the_rotation_trend_for_a_fast_rotator_and_a_line_for_a_quiet_star(rng):
    t, flux = _spotted_star(rng)
    option, _, _ = choose_transit_trend(t, flux, 0.75, np.zeros(t.size, bool), rotation_days=P_ROT)
    assert option.rotation_days == P_ROT
    quiet = 1.0 + rng.normal(0, 5e-4, t.size)
    option, _, _ = choose_transit_trend(t, quiet, 0.75, np.zeros(t.size, bool), rotation_days=None)
    assert option == TransitTrend(1, 0.75)


def test_where_the_rotations_disagree_the_search_listens_less(rng):
    t, flux = _spotted_star(rng)
    changed = t > 30.0
    flux[changed] = 1.0 + 1.5 * (flux[changed] - 1.0)  # the spots grow suddenly at day 30
    _, spread = rotation_trend(t, flux, P_ROT)
    weights = search_weights(spread, 5e-4)
    near_change = np.abs(t - 30.0) < 2 * P_ROT
    assert np.median(weights[~near_change]) > 0.5
    assert np.median(weights[near_change]) < 0.2
    assert (search_weights(np.zeros(10), 5e-4) == 1).all()
