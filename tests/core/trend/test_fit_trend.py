"""fit_trend is one call in front of every trend method, and says in words what it needs."""
import numpy as np
import pytest

from core.trend import TransitTrend, fit_trend
from core.trend.k2_sff import sff_correction
from core.trend.robust import biweight_trend, short_trend
from core.trend.rotation import rotation_trend
from core.trend.transit import choose_transit_trend

CADENCE = 2.0 / 1440.0


@pytest.fixture
def curve(rng):
    t = np.arange(0.0, 6.0, CADENCE)
    flux = 1.0 + 0.01 * np.sin(2 * np.pi * t / 1.5) + rng.normal(0, 1e-3, t.size)
    flux[1000] += 0.05  # a spike for the short trend to call extreme
    return t, flux


def test_each_method_gives_what_its_own_module_gives(curve, rng):
    t, flux = curve
    mask = np.zeros(t.size, dtype=bool)
    mask[2000:2050] = True
    assert np.array_equal(fit_trend(t, flux, "biweight", 0.5, mask, degree=2).trend,
                          biweight_trend(t, flux, 0.5, mask=mask, degree=2))
    short = fit_trend(t, flux, "short", mask=mask)
    trend, extreme = short_trend(t, flux, mask=mask)
    assert np.array_equal(short.trend, trend) and np.array_equal(short.extreme, extreme) and extreme[1000]
    rotation = fit_trend(t, flux, "rotation", mask=mask, rotation_days=1.5)
    expected, spread = rotation_trend(t, flux, 1.5, mask)
    assert np.array_equal(rotation.trend, expected, equal_nan=True)
    assert np.array_equal(rotation.spread, spread, equal_nan=True)
    chosen = fit_trend(t, flux, "transit", 0.75, mask)
    option, expected, _ = choose_transit_trend(t, flux, 0.75, mask)
    assert chosen.option == option and np.array_equal(chosen.trend, expected)
    refit = fit_trend(t, flux, "transit", mask=mask, option=TransitTrend(2, 0.5))
    assert np.array_equal(refit.trend, TransitTrend(2, 0.5).fit(t, flux, mask)[0])
    col, row = 500.0 + 0.01 * np.sin(t), 300.0 + 0.01 * np.cos(t)
    k2 = fit_trend(t, flux, "k2_sff", centroids=(col, row))
    assert np.array_equal(k2.trend, sff_correction(t, flux, col, row).correction) and k2.roll is not None


def test_the_transit_option_chosen_can_be_refitted_by_name(curve):
    t, flux = curve
    first = fit_trend(t, flux, "transit")
    again = fit_trend(t, flux, "transit", option=first.option)
    assert np.array_equal(first.trend, again.trend)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "savgol"}, "unknown trend method"),
    ({"method": "biweight", "window": 0.0}, "must be positive"),
    ({"method": "rotation"}, "rotation_days"),
    ({"method": "k2_sff"}, "centroids"),
])
def test_a_call_it_cannot_serve_is_refused_in_words(curve, kwargs, message):
    t, flux = curve
    with pytest.raises(ValueError, match=message):
        fit_trend(t, flux, **kwargs)

