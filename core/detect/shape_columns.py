"""The shape columns that depend only on where the candidate sits in its window, built once and shared.

Boxes (glitches, dips, a transit's recovery), partial dips and ramps (steps) are
functions of the window's length and the grid of index ranges alone, not of the
times or the flux. Candidates in the middle of a uniformly sampled curve share the
same window length and position, so at 2-min cadence a few dozen grids serve
thousands of candidates (a partial-dip block is ~600 columns of ~290 rows, and
was built anew for every downward candidate). The arrays are read-only: callers
only project them, so the fits are the same to the bit.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

CACHED_GRIDS = 8  # per kind of column: more than 95% of candidates reuse one of the last few


def _read_only(columns: np.ndarray) -> np.ndarray:
    columns.flags.writeable = False
    return columns


@lru_cache(maxsize=CACHED_GRIDS)
def box_columns(n: int, boxes: tuple[tuple[int, int], ...]) -> np.ndarray:
    """One column per [first, stop) box: 1 inside, 0 outside."""
    first, stop = np.array(boxes).reshape(-1, 2).T
    index = np.arange(n)[:, None]
    return _read_only(((index >= first) & (index < stop)).astype(float))


@lru_cache(maxsize=CACHED_GRIDS)
def partial_columns(n: int, grid: tuple[tuple[int, int, float, float], ...]) -> np.ndarray:
    """One column per (first, stop, left, right): 1 on [first, stop), `left` and `right` on the exposures beside."""
    first, stop, left, right = np.array(grid, dtype=float).T
    index = np.arange(n, dtype=float)[:, None]
    return _read_only(((index >= first) & (index < stop)).astype(float) + left * (index == first - 1)
                      + right * (index == stop))


@lru_cache(maxsize=CACHED_GRIDS)
def ramp_columns(n: int, steps: tuple[tuple[int, int], ...]) -> np.ndarray:
    """One column per (end, length): 0 until the ramp starts, rising linearly to 1 at index `end`, then 1."""
    ends, lengths = np.array(steps, dtype=float).T
    return _read_only(np.clip((np.arange(n)[:, None] - ends + lengths) / lengths, 0.0, 1.0))
