"""The seed-style baseline runs end to end and keeps the seed's behaviour, faults included."""
from __future__ import annotations

import numpy as np
import pytest

from core.baseline import seed_style_detect, seed_window_features, seed_window_features_fast


@pytest.fixture(scope="module")
def glitch_curve():
    rng = np.random.default_rng(21)
    time = np.arange(4_000) * (2.0 / 1440.0)
    flux = 1.0 + rng.normal(0, 1e-3, time.size)
    flux[1_500:1_530] -= 0.004  # a 4-sigma step-like dip: kept by the clip
    flux[3_000] += 0.05  # a 50-sigma spike: deleted by the clip
    return time, flux


def test_flags_a_glitch_and_reports_it_as_an_event(glitch_curve):
    time, flux = glitch_curve
    result = seed_style_detect(time, flux)
    assert result.flags.shape == flux.shape
    assert result.flags[1_500:1_530].any()
    assert any(t0 <= time[1_515] <= t1 for t0, t1 in result.events)


def test_clipped_points_are_never_flagged(glitch_curve):
    time, flux = glitch_curve
    result = seed_style_detect(time, flux)
    assert result.n_clipped == 1
    assert not result.flags[3_000]


def test_events_are_the_flagged_runs(glitch_curve):
    time, flux = glitch_curve
    result = seed_style_detect(time, flux)
    starts = np.flatnonzero(np.diff(np.concatenate(([0], result.flags.astype(int)))) == 1)
    assert len(result.events) == len(starts)
    assert [t0 for t0, _ in result.events] == time[starts].tolist()


def test_same_input_gives_same_flags(glitch_curve):
    time, flux = glitch_curve
    np.testing.assert_array_equal(seed_style_detect(time, flux).flags, seed_style_detect(time, flux).flags)


def test_window_statistics_are_the_apps_fourteen():
    time = np.arange(100) * 0.5
    flux = 2.0 + 0.1 * time  # a straight line: slope 0.1, no skew, steps of 0.05
    features, starts = seed_window_features(flux, time, window_size=50, stride=25)
    assert starts.tolist() == [0, 25, 50]
    first = features[0]
    assert first.shape == (14,)
    np.testing.assert_allclose(first[[2, 3, 4, 5]], [flux[:50].mean(), flux[0], flux[49], flux[49] - flux[0]])
    np.testing.assert_allclose(first[6], 0.0, atol=1e-9)  # skewness of a ramp
    np.testing.assert_allclose(first[8:10], [0.1, 2.0])  # slope and intercept against time
    np.testing.assert_allclose(first[12:14], [0.05, 0.05])  # mean and largest step


def test_all_windows_at_once_give_the_loops_statistics_and_flags(glitch_curve):
    time, flux = glitch_curve
    values = (flux - flux.mean()) / flux.std()
    slow, slow_starts = seed_window_features(values, time)
    fast, fast_starts = seed_window_features_fast(values, time)
    np.testing.assert_array_equal(slow_starts, fast_starts)
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(seed_style_detect(time, flux).flags, seed_style_detect(time, flux, as_it_ran=True).flags)
