"""The replaced app's method, reproduced faithfully as the yardstick for `evaluate` and `bench`.

Per file: 5-sigma clip that *deletes* points, z-normalise, 50-point windows with
stride 12, the app's own 14 window statistics computed as it computed them (a Python
loop calling scipy.stats and np.polyfit per window: that loop was most of its run
time, so `bench` compares against it), StandardScaler, IsolationForest (100 trees)
and LOF (20 neighbours, novelty) fitted on the file's own windows with all cores, a
window anomalous only when both agree, a point flagged when more than 30% of its
windows are. Its faults are kept on purpose (clipped points can never be flagged);
do not "fix" them here, fix them in the real detectors.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from core.anomaly.estimator import points_from_windows
from core.anomaly.features import window_starts
from core.stats import flag_runs

SEED_WINDOW = 50
SEED_STRIDE = 12
SEED_CLIP_SIGMA = 5.0


@dataclass(frozen=True)
class SeedStyleResult:
    """Per-point flags on the input's time grid, flagged runs as (t_start, t_end), points clipped."""

    flags: np.ndarray
    events: list[tuple[float, float]]
    n_clipped: int


def seed_style_detect(
    time: np.ndarray,
    flux: np.ndarray,
    contamination: float = 0.05,
    vote_threshold: float = 0.3,
    random_state: int = 42,
    *,
    as_it_ran: bool = False,
) -> SeedStyleResult:
    """Run the seed app's pipeline on one curve (finite, time-sorted arrays).

    `as_it_ran` computes the window statistics with the app's own per-window loop
    (what `bench` times); otherwise all windows at once, the same values to 1e-9
    (a test), for the evaluation, which needs the app's answers, not its speed.
    """
    time = np.asarray(time, dtype=np.float64)
    flux = np.asarray(flux, dtype=np.float64)
    kept = np.abs(flux - flux.mean()) <= SEED_CLIP_SIGMA * flux.std()
    values = flux[kept]
    values = (values - values.mean()) / (values.std() or 1.0)

    window_statistics = seed_window_features if as_it_ran else seed_window_features_fast
    features, starts = window_statistics(values, time[kept], SEED_WINDOW, SEED_STRIDE)
    scaled = StandardScaler().fit_transform(features)
    forest = IsolationForest(n_estimators=100, contamination=contamination, random_state=random_state,
                             n_jobs=-1).fit(scaled)
    lof = LocalOutlierFactor(n_neighbors=20, contamination=contamination, novelty=True, n_jobs=-1).fit(scaled)
    window_flags = (forest.predict(scaled) == -1) & (lof.predict(scaled) == -1)

    flags = np.zeros(len(flux), dtype=bool)
    flags[kept] = points_from_windows(window_flags, starts, SEED_WINDOW, len(values), vote_threshold)
    events = [(float(time[a]), float(time[b - 1])) for a, b in flag_runs(flags)]
    return SeedStyleResult(flags=flags, events=events, n_clipped=int((~kept).sum()))


def seed_window_features(
    values: np.ndarray, time: np.ndarray, window_size: int = SEED_WINDOW, stride: int = SEED_STRIDE
) -> tuple[np.ndarray, np.ndarray]:
    """The replaced app's window statistics, one window at a time as it ran them.

    Mean, std, median, min, max, peak-to-peak, skewness and excess kurtosis
    (scipy.stats), the slope and intercept of a line against time, median absolute
    deviation, rms, and the mean and largest absolute step between neighbours.
    Deliberately unvectorised: this is the cost `bench` measures the app by.
    """
    starts = window_starts(len(values), window_size, stride)
    rows = []
    for start in starts:
        flux = values[start : start + window_size]
        median = np.median(flux)
        slope, intercept = np.polyfit(time[start : start + window_size], flux, 1)
        steps = np.abs(np.diff(flux))
        rows.append([
            np.mean(flux), np.std(flux), median, np.min(flux), np.max(flux), np.ptp(flux),
            stats.skew(flux), stats.kurtosis(flux), slope, intercept,
            np.median(np.abs(flux - median)), np.sqrt(np.mean(flux**2)), np.mean(steps), np.max(steps),
        ])
    # A flat window has no skewness: scipy says NaN, which would stop the forest; the app never met one.
    return np.nan_to_num(np.array(rows, dtype=np.float64)), starts


def seed_window_features_fast(
    values: np.ndarray, time: np.ndarray, window_size: int = SEED_WINDOW, stride: int = SEED_STRIDE
) -> tuple[np.ndarray, np.ndarray]:
    """`seed_window_features` for every window at once (the line fitted in closed form about each window's mean time)."""
    starts = window_starts(len(values), window_size, stride)
    flux = sliding_window_view(values, window_size)[starts]
    times = sliding_window_view(time, window_size)[starts]
    median = np.median(flux, axis=1)
    centred_time = times - times.mean(axis=1, keepdims=True)
    mean = flux.mean(axis=1)
    slope = (centred_time * (flux - mean[:, None])).sum(axis=1) / (centred_time**2).sum(axis=1)
    intercept = mean - slope * times.mean(axis=1)
    steps = np.abs(np.diff(flux, axis=1))
    columns = [
        mean, flux.std(axis=1), median, flux.min(axis=1), flux.max(axis=1), np.ptp(flux, axis=1),
        stats.skew(flux, axis=1), stats.kurtosis(flux, axis=1), slope, intercept,
        np.median(np.abs(flux - median[:, None]), axis=1), np.sqrt(np.mean(flux**2, axis=1)),
        steps.mean(axis=1), steps.max(axis=1),
    ]
    return np.nan_to_num(np.column_stack(columns)), starts
