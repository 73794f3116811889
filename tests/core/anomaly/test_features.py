"""Window features: the vectorised path agrees with the plain loop and covers the whole series."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from core.errors import ConfigError
from core.anomaly.features import (
    FEATURE_NAMES,
    noise_normalised_residual,
    window_features,
    window_features_reference,
    window_starts,
)


def _curve_with_flat_stretches(rng: np.random.Generator, n: int = 3_000) -> np.ndarray:
    values = rng.normal(1.0, 1e-3, n)
    values[200:320] = 0.3  # constant windows at a value with no exact binary mean
    values[1_000:1_100] = 0.0
    values[2_000:2_050] += np.linspace(0, 0.05, 50)
    return values


def test_fast_features_equal_plain_loop_to_1e_10(rng):
    values = _curve_with_flat_stretches(rng)
    fast, fast_starts = window_features(values, window_size=50, stride=12)
    slow, slow_starts = window_features_reference(values, window_size=50, stride=12)
    np.testing.assert_array_equal(fast_starts, slow_starts)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("window_size,stride", [(10, 1), (25, 7), (50, 50), (101, 12)])
def test_fast_features_equal_plain_loop_for_other_windows(rng, window_size, stride):
    values = rng.standard_t(3, 2_000)
    fast, _ = window_features(values, window_size, stride)
    slow, _ = window_features_reference(values, window_size, stride)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-10)


def test_constant_windows_have_zero_skew_and_kurtosis_and_no_nan(rng):
    values = _curve_with_flat_stretches(rng)
    features, starts = window_features(values)
    assert np.all(np.isfinite(features))
    flat = (starts >= 200) & (starts + 50 <= 320)
    assert flat.any()
    for name in ("std", "skewness", "kurtosis", "peak_to_peak", "iqr", "slope", "mean_abs_diff"):
        assert np.all(np.abs(features[flat, FEATURE_NAMES.index(name)]) < 1e-12), name


def test_statistics_match_scipy_definitions(rng):
    values = rng.gamma(2.0, size=50)
    features, _ = window_features(values, window_size=50)
    row = dict(zip(FEATURE_NAMES, features[0]))
    assert len(FEATURE_NAMES) == 14 == features.shape[1]
    assert row["skewness"] == pytest.approx(stats.skew(values), rel=1e-10)
    assert row["kurtosis"] == pytest.approx(stats.kurtosis(values), rel=1e-10)
    assert row["slope"] == pytest.approx(stats.linregress(np.arange(50), values).slope, rel=1e-10)
    assert row["iqr"] == pytest.approx(stats.iqr(values), rel=1e-10)
    assert row["max_abs_diff"] == pytest.approx(np.max(np.abs(np.diff(values))))


def test_last_window_is_aligned_to_cover_the_tail():
    starts = window_starts(n_points=105, window_size=50, stride=12)
    assert starts.tolist() == [0, 12, 24, 36, 48, 55]
    assert window_starts(n_points=50, window_size=50, stride=12).tolist() == [0]
    assert window_starts(n_points=98, window_size=50, stride=12).tolist() == [0, 12, 24, 36, 48]


def test_series_shorter_than_a_window_is_a_clear_error():
    with pytest.raises(ConfigError, match="fewer than one window"):
        window_features(np.zeros(30), window_size=50)


def test_non_finite_values_are_refused():
    values = np.ones(100)
    values[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        window_features(values)


def test_noise_normalised_residual_has_unit_robust_scatter(rng):
    trend = np.linspace(1.0, 1.1, 5_000)
    flux = trend * (1 + rng.normal(0, 2e-4, 5_000))
    residual = noise_normalised_residual(flux, trend)
    mad_sigma = 1.4826 * np.median(np.abs(residual - np.median(residual)))
    assert mad_sigma == pytest.approx(1.0, rel=1e-9)
    assert abs(np.median(residual)) < 1e-9
