"""A trend that does not eat the event: a local quadratic, refitted with the events found so far left out.

A quadratic a few event-widths long follows rotation and drifts but not an event
of that width, as long as the event's own points are kept out of the fit. Which
points those are is what the search finds, so trend and search take turns
(scan.py) until the masked points stop changing: the masking, not a robust
weight, is what keeps the events out. Inside a masked stretch a bin's trend
needs data on both sides (else it would be a one-sided extrapolation) and is
interpolated otherwise.

On the uniform grid the local fit at every bin is a handful of convolutions
(sums of weight * offset^k and weight * flux * offset^k over the window), so a
trend costs about a millisecond whatever its window. The fit is done apart on
each piece between gaps of more than GAP_DAYS and between the bins in `breaks`
(steps): the level often jumps across a downlink, and a found step is one.
"""
from __future__ import annotations

import numpy as np
from scipy.fft import irfft, next_fast_len, rfft

from core.detect.unusual.grid import Grid

GAP_DAYS = 0.5


def event_trend(grid: Grid, window: float, masked: np.ndarray, breaks: tuple[int, ...] = ()) -> np.ndarray:
    """The trend per bin over `window` days without the `masked` bins, fitted apart on each side of every bin
    in `breaks` and across gaps (NaN on pieces with too little data)."""
    out = np.full(grid.flux.size, np.nan)
    half = max(int(round(0.5 * window / grid.width)), 1)
    weight = np.where(grid.filled & ~masked, grid.count, 0.0)
    for lo, hi in pieces(grid, breaks):
        out[lo:hi] = _local_quadratic(grid.flux[lo:hi], weight[lo:hi], half)
    return out


def pieces(grid: Grid, breaks: tuple[int, ...]) -> list[tuple[int, int]]:
    """[lo, hi) bin ranges between gaps longer than GAP_DAYS and at `breaks`."""
    filled = np.flatnonzero(grid.filled)
    if filled.size == 0:
        return []
    jumps = np.flatnonzero(np.diff(filled) * grid.width > GAP_DAYS)
    edges = {0, grid.flux.size, *(int(filled[j + 1]) for j in jumps), *breaks}
    edges = sorted(e for e in edges if 0 <= e <= grid.flux.size)
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _local_quadratic(flux: np.ndarray, weight: np.ndarray, half: int) -> np.ndarray:
    """Weighted least-squares quadratic over bins [i - half, i + half] evaluated at every bin i.

    Bins with data on one side only within the window get the value interpolated
    from their neighbours (at the piece's own ends, the nearest fitted value).
    """
    size = flux.size
    out = np.full(size, np.nan)
    if np.count_nonzero(weight) < 3:
        return out
    offsets = np.arange(-half, half + 1, dtype=np.float64)
    level = float(np.median(flux[weight > 0]))  # convolving flux - level keeps the FFT's rounding small
    y = np.where(weight > 0, flux - level, 0.0)
    # Correlations: m_k[i] = sum_j w[i + j] j^k, r_k[i] = sum_j w[i + j] y[i + j] j^k, and the weight on each side.
    kernels = np.stack([offsets**k for k in range(5)] + [(offsets < 0) * 1.0, (offsets > 0) * 1.0])
    m0, m1, m2, m3, m4, before, after = _correlate(weight, kernels)
    r = _correlate(weight * y, kernels[:3])
    r0, r1, r2 = r
    # The fit's value at the bin itself (offset 0) by Cramer's rule: det(A with r as first column) / det(A).
    minor = m2 * m4 - m3 * m3
    det = m0 * minor - m1 * (m1 * m4 - m3 * m2) + m2 * (m1 * m3 - m2 * m2)
    det0 = r0 * minor - m1 * (r1 * m4 - m3 * r2) + m2 * (r1 * m3 - m2 * r2)
    position = np.arange(size)
    at_end = (position < half) | (position >= size - half)
    # Weights are point counts: a sum under a half is an empty window side plus the FFT's rounding.
    ok = ((np.abs(det) > 1e-9 * np.maximum(m0 * m2 * m4, 1e-300)) & (m0 > 2.5)
          & (((before > 0.5) & (after > 0.5)) | at_end))
    out[ok] = level + det0[ok] / det[ok]
    if ok.any() and not ok.all():
        out[~ok] = np.interp(position[~ok], position[ok], out[ok])
    return out


def _correlate(values: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """Per kernel row: sum_j values[i + j] * kernel[j + half] for every i (zero beyond the ends)."""
    size, width = values.size, kernels.shape[1]
    n = next_fast_len(size + width - 1, real=True)
    spectrum = rfft(values, n) * rfft(kernels[:, ::-1], n, axis=1)
    full = irfft(spectrum, n, axis=1)
    half = width // 2
    return full[:, half:half + size]
