"""The curve on a uniform time grid: what the sliding filters of this package run over.

Matched filters, change points and local periodograms are sums over windows of
fixed length in time. On a grid of equal bins (empty across gaps) every such sum
is a difference of two cumulative sums, whatever the cadence and however many
points are missing, and a 65k-point 2-min curve shrinks to ~13k 10-min bins.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.stats import cadence_days

MIN_BIN_DAYS = 10.0 / 1440.0  # 10 min: the shortest event looked for lasts an hour


@dataclass(frozen=True)
class Grid:
    """Usable points summed into equal bins of `width` days starting at `start`.

    `flux` is the mean usable flux of each bin (NaN where a bin has none),
    `count` how many usable points it holds, `index` the bin of every input point.
    """

    start: float
    width: float
    time: np.ndarray  # mean time of the bin's points; the bin's centre when empty
    flux: np.ndarray
    count: np.ndarray
    index: np.ndarray
    sampled: np.ndarray  # bins holding any input point, usable or not: where the instrument took data
    point_time: np.ndarray  # the input points' times ...
    point_flux: np.ndarray  # ... fluxes ...
    point_usable: np.ndarray  # ... and which of them the bins hold
    cadence: float  # of the input points (days)

    @property
    def filled(self) -> np.ndarray:
        return self.count > 0

    def bins_of(self, t_start: float, t_end: float) -> slice:
        """The bins whose centres lie within [t_start, t_end]."""
        first = int(np.ceil((t_start - self.start) / self.width - 0.5))
        last = int(np.floor((t_end - self.start) / self.width - 0.5))
        return slice(max(first, 0), max(min(last + 1, self.time.size), 0))

    def coarsened(self, factor: int) -> "Grid":
        """The same points in bins `factor` times wider (a day-long filter needs no 10-min bins)."""
        if factor <= 1:
            return self
        size = -(-self.flux.size // factor) * factor
        def merged(values: np.ndarray) -> np.ndarray:
            return np.concatenate((values, np.zeros(size - values.size))).reshape(-1, factor).sum(axis=1)
        filled = self.count > 0
        count = merged(self.count)
        flux = merged(np.where(filled, self.flux * self.count, 0.0))
        time = merged(np.where(filled, self.time * self.count, 0.0))
        width = self.width * factor
        centres = self.start + (np.arange(count.size) + 0.5) * width
        has = count > 0
        return Grid(self.start, width, np.where(has, time / np.where(has, count, 1.0), centres),
                    np.where(has, flux / np.where(has, count, 1.0), np.nan), count, self.index // factor,
                    merged(self.sampled.astype(np.float64)) > 0, self.point_time, self.point_flux,
                    self.point_usable, self.cadence)


def make_grid(time: np.ndarray, flux: np.ndarray, usable: np.ndarray, cadence: float | None = None) -> Grid:
    """`flux` at `usable` points binned on a grid of max(cadence, MIN_BIN_DAYS) days."""
    time = np.asarray(time, dtype=np.float64)
    cadence = cadence_days(time) if cadence is None else cadence
    width = max(cadence, MIN_BIN_DAYS)
    start = float(time[0]) - 0.5 * width
    index = np.floor((time - start) / width).astype(np.int64)
    n_bins = int(index[-1]) + 1
    weights = np.asarray(usable, dtype=np.float64)
    count = np.bincount(index, weights=weights, minlength=n_bins)
    summed = np.bincount(index, weights=weights * flux, minlength=n_bins)
    t_sum = np.bincount(index, weights=weights * time, minlength=n_bins)
    centres = start + (np.arange(n_bins) + 0.5) * width
    filled = count > 0
    mean_time = np.where(filled, t_sum / np.where(filled, count, 1.0), centres)
    mean_flux = np.where(filled, summed / np.where(filled, count, 1.0), np.nan)
    sampled = np.bincount(index, minlength=n_bins) > 0
    return Grid(start, width, mean_time, mean_flux, count, index, sampled, time, np.asarray(flux, dtype=np.float64),
                np.asarray(usable, dtype=bool), cadence)


def window_sums(values: np.ndarray, length: int) -> np.ndarray:
    """Sum of `values` over windows of `length` bins, one per window start (size - length + 1 of them)."""
    total = np.concatenate(([0.0], np.cumsum(values)))
    return total[length:] - total[:-length]


def centred(per_start: np.ndarray, length: int, size: int, fill: float = np.nan) -> np.ndarray:
    """Window values (indexed by first bin) re-indexed by the window's centre bin, `fill` where none fits."""
    out = np.full(size, fill)
    offset = length // 2
    out[offset:offset + per_start.size] = per_start
    return out
