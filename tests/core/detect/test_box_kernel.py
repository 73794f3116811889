"""The compiled BLS kernel computes astropy's BoxLeastSquares likelihood periodogram (the reference)."""
import numpy as np
import pytest
from astropy.timeseries import BoxLeastSquares

from core.detect.box_kernel import astropy_likelihood_power, box_likelihood_power
from core.detect.periodogram import period_grid, reference_periodogram
from core.detect.vetting import transit_mask
from core.synthetic import PlanetSpec, generate_lightcurve


def _curve(rng, cadence, days=20.0, sigma=1e-3, gaps=True):
    t = np.arange(0.0, days, cadence) + 1325.0
    if gaps:  # a downlink gap and scattered missing points, as in real data
        keep = ~((t > 1331.0) & (t < 1332.5)) & (rng.random(t.size) > 0.05)
        t = t[keep]
    y = 1.0 + rng.normal(0.0, sigma, t.size)
    dy = sigma * rng.uniform(0.5, 2.0, t.size)
    return t, y, dy


def _reference(t, y, dy, periods, durations, oversample):
    return BoxLeastSquares(t, y, dy=dy).power(periods, durations, objective="likelihood", oversample=oversample)


@pytest.mark.parametrize(
    ("cadence", "periods", "durations", "oversample"),
    [
        (2.0 / 1440, np.linspace(0.3, 0.45, 300), np.array([0.5, 0.75, 1.0]) / 24, 3),
        (2.0 / 1440, np.linspace(1.0, 1.5, 200), np.array([0.75, 1.0, 1.5, 2.0, 3.0]) / 24, 3),
        (30.0 / 1440, np.linspace(2.0, 9.0, 300), np.array([1.0, 2.0, 4.0, 6.5]) / 24, 3),
        (10.0 / 1440, np.linspace(3.0, 3.2, 40), np.array([0.06, 0.08, 0.1, 0.12]), 20),
    ],
)
def test_equals_astropy_on_noise_with_a_transit(rng, cadence, periods, durations, oversample):
    t, y, dy = _curve(rng, cadence)
    y = y - 0.002 * transit_mask(t, 3.1, 1325.7, 0.1)
    ours = box_likelihood_power(t, y, dy, periods, durations, oversample)
    reference = _reference(t, y, dy, periods, durations, oversample)
    np.testing.assert_allclose(ours.power, reference.power, rtol=1e-9, atol=1e-12 * reference.power.max())
    np.testing.assert_array_equal(ours.duration, reference.duration)
    np.testing.assert_allclose(ours.transit_time, reference.transit_time, rtol=0, atol=1e-9)


def test_equals_astropy_without_errors_and_finds_the_period(rng):
    t, y, _ = _curve(rng, 2.0 / 1440, gaps=False)
    y = y - 0.003 * transit_mask(t, 2.37, 1325.4, 0.09)
    periods = np.linspace(2.0, 3.0, 500)
    durations = np.array([0.05, 0.09, 0.15])
    ours = box_likelihood_power(t, y, None, periods, durations, 5)
    reference = BoxLeastSquares(t, y).power(periods, durations, objective="likelihood", oversample=5)
    np.testing.assert_allclose(ours.power, reference.power, rtol=1e-9)
    best = int(np.argmax(ours.power))
    assert periods[best] == pytest.approx(2.37, rel=0.002)
    assert ours.duration[best] == pytest.approx(0.09, rel=0.2)


def test_a_bump_is_not_a_dip(rng):
    t, y, dy = _curve(rng, 2.0 / 1440, sigma=1e-4)
    bumped = y + 0.01 * transit_mask(t, 2.5, 1325.3, 0.1)
    dipped = y - 0.01 * transit_mask(t, 2.5, 1325.3, 0.1)
    periods = np.array([2.5])
    durations = np.array([0.1])
    assert box_likelihood_power(t, dipped, dy, periods, durations, 3).power[0] > 100 * box_likelihood_power(
        t, bumped, dy, periods, durations, 3).power[0]


@pytest.mark.parametrize(
    ("periods", "durations", "oversample", "message"),
    [
        (np.array([0.1, 1.0]), np.array([0.2]), 3, "longest duration"),
        (np.array([-1.0, 1.0]), np.array([0.1]), 3, "positive"),
        (np.array([1.0]), np.array([0.1]), 0, "oversample"),
        (np.array([]), np.array([0.1]), 3, "empty"),
    ],
)
def test_refuses_bad_grids(rng, periods, durations, oversample, message):
    t, y, dy = _curve(rng, 30.0 / 1440, days=5.0)
    with pytest.raises(ValueError, match=message):
        box_likelihood_power(t, y, dy, periods, durations, oversample)


def test_refuses_non_finite_data_and_errors_that_are_not_positive(rng):
    t, y, dy = _curve(rng, 30.0 / 1440, days=5.0)
    with pytest.raises(ValueError, match="positive"):
        box_likelihood_power(t, y, np.where(np.arange(t.size) == 5, 0.0, dy), np.array([1.0]), np.array([0.1]), 3)
    y[3] = np.nan
    with pytest.raises(ValueError, match="finite"):
        box_likelihood_power(t, y, dy, np.array([1.0]), np.array([0.1]), 3)


def test_the_whole_reference_search_equals_it_with_astropys_kernel():
    lc, _ = generate_lightcurve(
        20_000, 2.0, seed=3, noise_ppm=700, red_noise_ppm=100,
        planets=[PlanetSpec(period=4.2, t0=1326.0, rp_rs=0.04, b=0.3, duration=0.12)],
    )
    flux = lc.flux / np.median(lc.flux)
    periods = period_grid(float(lc.time[-1] - lc.time[0]), 0.3, 10.0)
    weights = np.ones(lc.time.size)
    ours, ours_best = reference_periodogram(lc.time, flux, periods, weights)
    reference, reference_best = reference_periodogram(lc.time, flux, periods, weights, kernel=astropy_likelihood_power)
    np.testing.assert_allclose(ours, reference, rtol=1e-9, atol=1e-12 * reference.max())
    np.testing.assert_array_equal(ours_best["duration"], reference_best["duration"])
    assert periods[np.argmax(ours)] == pytest.approx(4.2, rel=0.01)


def test_without_a_writable_cache_folder_it_still_imports_and_runs():
    """A read-only deployment with no writable home: numba has nowhere to cache, so the kernels
    are compiled per process instead of failing at import (run in a fresh interpreter)."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import numba.core.caching as caching\n"
        "caching.CacheImpl._locator_classes = []  # no folder numba could cache in\n"
        "import core.detect.box_kernel as kernel\n"
        "import core.detect.fast_fold as fast_fold\n"
        "from core.detect.periodogram import warm_up\n"
        "warm_up()\n"
        "print(type(kernel._fold_and_search_pruned._cache).__name__, type(fast_fold._search._cache).__name__)\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["NullCache", "NullCache"]
