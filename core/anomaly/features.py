"""What the anomaly ensemble sees: 14 statistics of overlapping windows of the noise-normalised residual.

`model_features` is the one definition of those features: training and `analyze`
both call it, so a model from the registry is applied to what it was trained on.
`window_features` is the fast path (one `sliding_window_view`, no loop over
windows); `window_features_reference` is the plain per-window loop the seed app
ran. Tests hold them to 1e-10 of each other.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.errors import ConfigError
from core.lightcurve import LightCurve
from core.prepare import check_flux_usable, prepare
from core.trend import fit_trend

FEATURE_NAMES = (
    "mean",
    "std",
    "min",
    "max",
    "median",
    "peak_to_peak",
    "p25",
    "p75",
    "iqr",
    "skewness",
    "kurtosis",
    "mean_abs_diff",
    "max_abs_diff",
    "slope",
)

# A window whose spread is below this fraction of its magnitude is treated as
# constant: its skewness and kurtosis are 0 instead of amplified rounding noise.
_CONSTANT_SPREAD = 1e-10
STRIDE_FRACTION = 4  # windows step by a quarter of their length: the seed stepped 50-point windows by 12
# The residual's scale: 1.4826 MAD, rounded as the registry's models were trained with it.
_MAD_TO_SIGMA_ROUNDED = 1.4826


def feature_stride(window_size: int) -> int:
    """How many points one window starts after the previous one, for `window_size`-point windows."""
    return max(1, window_size // STRIDE_FRACTION)


def model_features(
    flux: np.ndarray, trend: np.ndarray, window_size: int = 50, stride: int = 12
) -> tuple[np.ndarray, np.ndarray]:
    """(n_windows, 14) features an anomaly model sees, and each window's start index.

    Window statistics of the residual from `trend` in units of its robust scatter
    (`noise_normalised_residual`), so one model fits stars of any brightness.
    """
    return window_features(noise_normalised_residual(flux, trend), window_size, stride)


def curve_features(
    lc: LightCurve, window_size: int = 50, stride: int = 12
) -> tuple[np.ndarray, np.ndarray, LightCurve]:
    """Model features of a whole curve: quality-masked, normalised, short-trend residual.

    The short trend is the one `analyze` scores residuals from, so a model trained
    on curves sees what it will be applied to. Returns (features, window_starts,
    the prepared curve the starts index into).
    """
    prepared = prepare(lc)
    check_flux_usable(prepared.flux)
    trend = fit_trend(prepared.time, prepared.flux, "short").trend
    features, starts = model_features(prepared.flux, trend, window_size, stride)
    return features, starts, prepared


def window_starts(n_points: int, window_size: int = 50, stride: int = 12) -> np.ndarray:
    """Start index of every window; the last one is aligned to the end so the tail is covered."""
    _validate_windowing(n_points, window_size, stride)
    starts = np.arange(0, n_points - window_size + 1, stride)
    if starts[-1] != n_points - window_size:
        starts = np.append(starts, n_points - window_size)
    return starts


def window_features(
    values: np.ndarray, window_size: int = 50, stride: int = 12
) -> tuple[np.ndarray, np.ndarray]:
    """(n_windows, 14) statistics of overlapping windows, and each window's start index."""
    values = _validate_values(values)
    starts = window_starts(len(values), window_size, stride)
    windows = sliding_window_view(values, window_size)[starts]

    ordered = np.sort(windows, axis=1)
    mean = windows.mean(axis=1)
    centred = windows - mean[:, None]
    m2 = np.mean(centred**2, axis=1)
    m3 = np.mean(centred**3, axis=1)
    m4 = np.mean(centred**4, axis=1)
    low, high = ordered[:, 0], ordered[:, -1]
    spread = high - low
    varying = spread > _CONSTANT_SPREAD * np.maximum(np.abs(low), np.abs(high))
    safe_m2 = np.where(varying, m2, 1.0)
    skew = np.where(varying, m3 / safe_m2**1.5, 0.0)
    kurt = np.where(varying, m4 / safe_m2**2 - 3.0, 0.0)

    median, p25, p75 = (_sorted_percentile(ordered, q) for q in (50.0, 25.0, 75.0))
    abs_diff = np.abs(np.diff(windows, axis=1))
    x = np.arange(window_size) - (window_size - 1) / 2.0
    slope = centred @ x / np.dot(x, x)

    features = np.column_stack(
        [
            mean, np.sqrt(m2), low, high, median, spread, p25, p75, p75 - p25,
            skew, kurt, abs_diff.mean(axis=1), abs_diff.max(axis=1), slope,
        ]
    )
    return features, starts


def window_features_reference(
    values: np.ndarray, window_size: int = 50, stride: int = 12
) -> tuple[np.ndarray, np.ndarray]:
    """Same result as `window_features`, one window at a time: the obvious version to test against."""
    values = _validate_values(values)
    starts = window_starts(len(values), window_size, stride)
    rows = []
    for start in starts:
        w = values[start : start + window_size]
        mean = np.mean(w)
        c = w - mean
        m2, m3, m4 = np.mean(c**2), np.mean(c**3), np.mean(c**4)
        if np.ptp(w) > _CONSTANT_SPREAD * np.max(np.abs(w)):
            skew, kurt = m3 / m2**1.5, m4 / m2**2 - 3.0
        else:
            skew, kurt = 0.0, 0.0
        p25, median, p75 = np.percentile(w, [25, 50, 75])
        d = np.abs(np.diff(w))
        slope = np.polyfit(np.arange(window_size), w, 1)[0]
        rows.append(
            [mean, np.std(w), np.min(w), np.max(w), median, np.ptp(w), p25, p75, p75 - p25,
             skew, kurt, np.mean(d), np.max(d), slope]
        )
    return np.array(rows, dtype=np.float64), starts


def noise_normalised_residual(flux: np.ndarray, trend: np.ndarray) -> np.ndarray:
    """Relative residual from the trend in units of its robust scatter (1.4826 MAD).

    Model features are computed on this so one model fits stars of any brightness
    and noise level; a model trained on it must be applied to it too.
    """
    residual = np.asarray(flux, dtype=np.float64) / np.asarray(trend, dtype=np.float64) - 1.0
    centre = np.median(residual)
    sigma = _MAD_TO_SIGMA_ROUNDED * np.median(np.abs(residual - centre))
    if not np.isfinite(sigma) or sigma == 0:
        sigma = float(np.std(residual)) or 1.0
    return (residual - centre) / sigma


def _sorted_percentile(ordered: np.ndarray, q: float) -> np.ndarray:
    """np.percentile's default (linear) rule on rows that are already sorted."""
    position = (ordered.shape[1] - 1) * q / 100.0
    below = int(np.floor(position))
    above = min(below + 1, ordered.shape[1] - 1)
    fraction = position - below
    return ordered[:, below] + (ordered[:, above] - ordered[:, below]) * fraction


def _validate_windowing(n_points: int, window_size: int, stride: int) -> None:
    if int(window_size) != window_size or window_size < 3:
        raise ConfigError(f"window_size must be a whole number of at least 3 points, got {window_size}")
    if int(stride) != stride or stride < 1:
        raise ConfigError(f"stride must be a whole number of at least 1 point, got {stride}")
    if n_points < window_size:
        raise ConfigError(
            f"the series has {n_points} points, fewer than one window of {window_size}; "
            "use a longer light curve or a smaller window_size"
        )


def _validate_values(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("values contain NaN or infinity; drop or interpolate them before computing features")
    return values
