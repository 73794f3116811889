"""Progress reports and stage timings of one analysis."""
from __future__ import annotations

import time as clock
from typing import Callable

import numpy as np

ProgressCallback = Callable[[float, str], None]

BLS_PROGRESS_STEP = 0.05  # the BLS reports progress in steps of this share of its periods


def forward_only(progress: ProgressCallback | None) -> ProgressCallback:
    """`progress` that never goes back: flares and outliers are looked at again after the search."""
    if progress is None:
        return lambda fraction, message: None
    furthest = [0.0]

    def report(fraction: float, message: str) -> None:
        furthest[0] = max(furthest[0], fraction)
        progress(furthest[0], message)

    return report


def bls_reporter(report: ProgressCallback) -> Callable[[int, float], None]:
    """Progress of the BLS rounds, in steps of BLS_PROGRESS_STEP: on a multi-year curve each takes minutes.

    How many rounds will run is not known in advance (one more than the planets
    found), so round r spans a shrinking share of the bar between 0.4 and 0.75.
    """
    last = [-1.0]

    def heard(round_index: int, fraction: float) -> None:
        step = round_index + np.floor(fraction / BLS_PROGRESS_STEP) * BLS_PROGRESS_STEP
        if step <= last[0]:
            return
        last[0] = step
        position = 0.4 + 0.35 * (1.0 - 1.0 / (1.0 + step))
        what = "for a first planet" if round_index == 0 else f"for planet {round_index + 1}"
        report(position, f"Searching for periodic transits {what} (BLS): {fraction:.0%} of the periods")

    return heard


class StageClock:
    """Seconds spent in each named stage, lap by lap (the result's `timings`)."""

    def __init__(self) -> None:
        self._laps: dict[str, float] = {}
        self._start = clock.perf_counter()

    def lap(self, name: str) -> None:
        now = clock.perf_counter()
        self._laps[name] = now - self._start
        self._start = now

    def timings(self) -> dict[str, float]:
        """Every lap, and their sum as "total"."""
        return {**self._laps, "total": sum(self._laps.values())}
