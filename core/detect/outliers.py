"""Instrumental outliers: single points and short glitches far from the trend, either sign.

What is already explained (a flare, a transit) is not an outlier. Points the
mission flagged in QUALITY are counted separately by the pipeline.
"""
from __future__ import annotations

import numpy as np

from core.result import Event

MAX_GLITCH_CADENCES = 2
NEIGHBOUR_SIGMA = 3.0  # an outlier's neighbours sit back near the trend


def find_outliers(
    time: np.ndarray,
    residual: np.ndarray,
    sigma: float,
    *,
    threshold: float = 5.0,
    explained: np.ndarray | None = None,
) -> tuple[list[Event], np.ndarray]:
    """Runs of <= 2 points beyond `threshold` sigma whose neighbours are within 3 sigma or on the other side.

    Returns the events and a per-point outlier mask. `explained` marks points that
    belong to flares or transits and so are never called outliers.
    """
    time = np.asarray(time, dtype=np.float64)
    residual = np.asarray(residual, dtype=np.float64)
    mask = np.zeros(time.size, dtype=bool)
    if time.size < 3 or not np.isfinite(sigma) or sigma <= 0:
        return [], mask
    z = np.where(np.isfinite(residual), residual / sigma, 0.0)
    explained = np.zeros(time.size, dtype=bool) if explained is None else np.asarray(explained, dtype=bool)
    extreme = (np.abs(z) > threshold) & ~explained
    events: list[Event] = []
    index = np.flatnonzero(extreme)
    i = 0
    while i < index.size:
        start = index[i]
        stop = start + 1
        # A glitch is consecutive extreme points of the same sign.
        while stop < time.size and extreme[stop] and np.sign(z[stop]) == np.sign(z[start]):
            stop += 1
        i = int(np.searchsorted(index, stop))
        if stop - start > MAX_GLITCH_CADENCES:
            continue
        before_ok = start == 0 or _apart(z[start - 1], z[start]) or explained[start - 1]
        after_ok = stop >= time.size or _apart(z[stop], z[start]) or explained[stop]
        if not (before_ok and after_ok):
            continue
        peak = start + int(np.argmax(np.abs(z[start:stop])))
        mask[start:stop] = True
        strength = abs(z[peak])
        events.append(Event.spanning("outlier", time, residual, start, stop, peak, snr=strength, score=strength,
                                     n_points=int(stop - start)))
    return events, mask


def _apart(neighbour: float, glitch: float) -> bool:
    """A neighbour is not part of the glitch when it is near the trend or on the trend's other side.

    The other side happens when the glitch pulled a short trend up (or down) with it.
    """
    return abs(neighbour) < NEIGHBOUR_SIGMA or np.sign(neighbour) != np.sign(glitch)
