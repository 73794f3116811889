"""Box matched filters at one width, with noise that knows about red noise.

The mean of the residual over a window of width w is the matched filter of a box
of that width. Its noise is not sigma / sqrt(n): spots, granulation and
instrumental drifts make neighbouring points move together. The noise used here
is measured: the robust scatter of the curve's w-long means, split into a white
part (sigma_white^2 / n, known from point-to-point differences) and what is left
over, the correlated part at that width. A window with fewer points than usual
(next to a gap) gets the white part it deserves and the same red part.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect.unusual.grid import centred, window_sums
from core.stats import robust_std

MIN_COVERAGE = 0.5  # a window needs at least this share of its usual points


@dataclass(frozen=True)
class WidthNoise:
    """The scatter of a w-long mean of n points: sqrt(white^2 / n + red^2)."""

    white: float  # per point
    red: float  # correlated part at this width

    def sigma(self, n: np.ndarray | float) -> np.ndarray | float:
        return np.sqrt(self.white**2 / np.maximum(n, 1.0) + self.red**2)


@dataclass(frozen=True)
class BoxFilter:
    """Per bin: the mean residual over the window centred there (NaN where too empty), its points, its SNR."""

    mean: np.ndarray
    n: np.ndarray
    snr: np.ndarray  # 0 where the window is too empty
    noise: WidthNoise
    full: float  # points in a window without gaps


def box_noise(means: np.ndarray, full: float, sigma_white: float) -> WidthNoise:
    """The white and red parts of the robust scatter of full windows' `means` (NaN ones ignored)."""
    means = means[np.isfinite(means)]
    spread = robust_std(means) if means.size >= 3 else 0.0
    return WidthNoise(sigma_white, float(np.sqrt(max(spread**2 - sigma_white**2 / full, 0.0))))


def box_filter(residual: np.ndarray, count: np.ndarray, length: int, full: float, sigma_white: float,
               quiet: np.ndarray, red_floor: float = 0.0) -> BoxFilter:
    """The box filter of `length` bins over `residual` (per bin, weighted by its `count` points).

    Windows with less than MIN_COVERAGE of `full` get no SNR. The red noise is
    measured on windows centred on `quiet` bins (not known to hold an event) and
    is at least `red_floor`.
    """
    size = residual.size
    usable = count > 0
    n = centred(window_sums(np.where(usable, count, 0.0), length), length, size, 0.0)
    sums = centred(window_sums(np.where(usable, residual * count, 0.0), length), length, size, 0.0)
    covered = n >= MIN_COVERAGE * full
    mean = np.where(covered, sums / np.where(covered, n, 1.0), np.nan)
    noise = box_noise(mean[covered & quiet], full, sigma_white)
    noise = WidthNoise(noise.white, max(noise.red, red_floor))
    snr = np.where(covered, np.nan_to_num(mean) / noise.sigma(n), 0.0)
    return BoxFilter(mean, n, snr, noise, full)


def runs_beyond(snr: np.ndarray, threshold: float) -> list[tuple[int, int, int]]:
    """(start, stop, peak) bins of runs where |snr| >= threshold with one sign; peak is the most significant."""
    out = []
    for sign in (1.0, -1.0):
        above = sign * snr >= threshold
        if not above.any():
            continue
        edges = np.diff(np.concatenate(([0], above.astype(np.int8), [0])))
        for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            out.append((int(start), int(stop), int(start + np.argmax(sign * snr[start:stop]))))
    return out


def cover(runs: list[tuple[int, int, int]], length: int, size: int) -> np.ndarray:
    """The bins inside the windows of `length` bins centred on the bins of `runs`."""
    mask = np.zeros(size, dtype=bool)
    for start, stop, _ in runs:
        mask[max(start - length // 2, 0):min(stop - length // 2 + length, size)] = True
    return mask
