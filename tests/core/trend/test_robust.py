"""The robust local trend keeps what we search for and follows what we don't."""
import numpy as np
import pytest

from core.trend.robust import biweight_trend

CADENCE = 2.0 / 1440.0


def _grid(days=20.0, cadence=CADENCE):
    return np.arange(0.0, days, cadence)


def _box(t, period, t0, duration):
    phase = np.mod(t - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) < 0.5 * duration


def test_biweight_trend_keeps_most_of_a_three_hour_transit(rng):
    t = _grid()
    inside = _box(t, 5.0, 1.3, 0.125)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) - 0.003 * inside
    residual = flux / biweight_trend(t, flux, 0.75) - 1.0
    assert -residual[inside].mean() > 0.75 * 0.003


def test_masking_the_transit_restores_its_full_depth(rng):
    t = _grid()
    inside = _box(t, 5.0, 1.3, 0.125)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) - 0.003 * inside
    residual = flux / biweight_trend(t, flux, 0.75, mask=_box(t, 5.0, 1.3, 0.2)) - 1.0
    assert -residual[inside].mean() == pytest.approx(0.003, rel=0.05)


def test_quadratic_trend_follows_one_day_rotation():
    t = _grid()
    rotation = 1.0 + 0.02 * np.sin(2 * np.pi * t / 1.0)
    residual = rotation / biweight_trend(t, rotation, 0.3, degree=2) - 1.0
    assert np.std(residual) < 0.05 * 0.02 / np.sqrt(2)


def test_trend_is_not_pulled_up_by_a_flare(rng):
    t = _grid(5.0)
    flare = np.where((t > 2.0) & (t < 2.05), 0.05 * np.exp(-(t - 2.0) / 0.01), 0.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) + flare
    trend = biweight_trend(t, flux, 0.3, degree=2)
    near = (t > 1.99) & (t < 2.06)
    assert np.max(np.abs(trend[near] - 1.0)) < 0.1 * 0.05


def test_trend_does_not_cross_gaps_where_the_level_jumps(rng):
    t = _grid(10.0)
    t = t[(t < 4.0) | (t > 5.0)]
    flux = np.where(t < 4.5, 1.0, 1.01) + rng.normal(0, 1e-4, t.size)
    residual = flux / biweight_trend(t, flux, 0.75) - 1.0
    assert np.max(np.abs(residual)) < 1e-3


def test_masked_stretch_longer_than_the_window_still_gets_a_finite_trend(rng):
    t = _grid(5.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size)
    mask = (t > 2.0) & (t < 3.0)
    trend = biweight_trend(t, flux, 0.3, degree=2, mask=mask)
    assert np.all(np.isfinite(trend))
    assert np.max(np.abs(trend - 1.0)) < 2e-3


def test_constant_flux_gives_a_constant_trend():
    t = _grid(3.0)
    flux = np.full(t.size, 2.5)
    assert np.allclose(biweight_trend(t, flux, 0.5, degree=2), 2.5)


def test_trend_matches_a_plain_per_point_biweight_on_sparse_data(rng):
    """Fast path (knots, interpolation) against an obvious loop, on 30-min data where no binning happens."""
    t = np.arange(0.0, 10.0, 30.0 / 1440.0)
    flux = 1.0 + 0.005 * np.sin(2 * np.pi * t / 4.0) + rng.normal(0, 5e-4, t.size)
    fast = biweight_trend(t, flux, 0.75)
    reference = np.empty(t.size)
    for i, centre in enumerate(t):
        values = flux[np.abs(t - centre) <= 0.375]
        location = np.median(values)
        scale = 5.0 * np.median(np.abs(values - location))
        for _ in range(5):
            u = np.clip((values - location) / scale, -1, 1)
            w = (1 - u * u) ** 2
            location = np.sum(w * values) / np.sum(w)
        reference[i] = location
    # Interpolating between knots an eighth of a window apart costs far less than the noise.
    assert np.max(np.abs(fast - reference)) < 0.5 * 5e-4
