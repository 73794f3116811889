"""Detrending keeps what we search for and removes what we don't; noise estimates are honest."""
import numpy as np
import pytest

from core.lightcurve import from_arrays
from core.prepare import prepare
from core.preprocess import detrend
from core.stats import cdpp_ppm, find_segments, point_to_point_std, robust_std

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
    residual = flux / detrend(t, flux, 0.75) - 1.0
    assert -residual[inside].mean() > 0.75 * 0.003


def test_masking_the_transit_restores_its_full_depth(rng):
    t = _grid()
    inside = _box(t, 5.0, 1.3, 0.125)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) - 0.003 * inside
    residual = flux / detrend(t, flux, 0.75, mask=_box(t, 5.0, 1.3, 0.2)) - 1.0
    assert -residual[inside].mean() == pytest.approx(0.003, rel=0.05)


def test_quadratic_trend_follows_one_day_rotation():
    t = _grid()
    rotation = 1.0 + 0.02 * np.sin(2 * np.pi * t / 1.0)
    residual = rotation / detrend(t, rotation, 0.3, degree=2) - 1.0
    assert np.std(residual) < 0.05 * 0.02 / np.sqrt(2)


def test_trend_is_not_pulled_up_by_a_flare(rng):
    t = _grid(5.0)
    flare = np.where((t > 2.0) & (t < 2.05), 0.05 * np.exp(-(t - 2.0) / 0.01), 0.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) + flare
    trend = detrend(t, flux, 0.3, degree=2)
    near = (t > 1.99) & (t < 2.06)
    assert np.max(np.abs(trend[near] - 1.0)) < 0.1 * 0.05


def test_trend_does_not_cross_gaps_where_the_level_jumps(rng):
    t = _grid(10.0)
    t = t[(t < 4.0) | (t > 5.0)]
    flux = np.where(t < 4.5, 1.0, 1.01) + rng.normal(0, 1e-4, t.size)
    residual = flux / detrend(t, flux, 0.75) - 1.0
    assert np.max(np.abs(residual)) < 1e-3


def test_masked_stretch_longer_than_the_window_still_gets_a_finite_trend(rng):
    t = _grid(5.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size)
    mask = (t > 2.0) & (t < 3.0)
    trend = detrend(t, flux, 0.3, degree=2, mask=mask)
    assert np.all(np.isfinite(trend))
    assert np.max(np.abs(trend - 1.0)) < 2e-3


def test_constant_flux_gives_a_constant_trend():
    t = _grid(3.0)
    flux = np.full(t.size, 2.5)
    assert np.allclose(detrend(t, flux, 0.5, degree=2), 2.5)


def test_trend_matches_a_plain_per_point_biweight_on_sparse_data(rng):
    """Fast path (knots, interpolation) against an obvious loop, on 30-min data where no binning happens."""
    t = np.arange(0.0, 10.0, 30.0 / 1440.0)
    flux = 1.0 + 0.005 * np.sin(2 * np.pi * t / 4.0) + rng.normal(0, 5e-4, t.size)
    fast = detrend(t, flux, 0.75)
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


def test_segments_split_at_gaps_longer_than_half_a_day():
    t = np.concatenate([np.arange(0, 1, 0.01), np.arange(1.2, 2, 0.01), np.arange(3, 4, 0.01)])
    assert find_segments(t) == [(0, 180), (180, 280)]


def test_noise_estimates_recover_white_noise(rng):
    values = rng.normal(0, 2e-3, 50_000)
    assert robust_std(values) == pytest.approx(2e-3, rel=0.03)
    assert point_to_point_std(values + np.linspace(0, 0.1, values.size)) == pytest.approx(2e-3, rel=0.03)
    # 1-h CDPP of white noise at 2-min cadence is sigma / sqrt(30).
    assert cdpp_ppm(values, CADENCE, 1.0) == pytest.approx(2e-3 / np.sqrt(30) * 1e6, rel=0.1)


def test_prepare_masks_bad_quality_and_normalises():
    t = np.arange(100) * CADENCE
    quality = np.zeros(100, dtype=int)
    quality[:10] = 4  # coarse point
    lc = from_arrays(t, np.full(100, 5000.0), np.full(100, 5.0), quality, {"quality_bitmask": 4})
    prepared = prepare(lc)
    assert len(prepared) == 90
    assert prepared.meta["n_quality_masked"] == 10
    assert np.allclose(prepared.flux, 1.0) and np.allclose(prepared.flux_err, 0.001)
