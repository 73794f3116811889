"""What the search's own periodogram says about a candidate: its false-alarm probability and its aliases.

The false-alarm probability comes from the SDE periodogram of the search itself, with
no extra search: the local maxima of the SDE away from every candidate's period and its
simple ratios are the peaks noise (and systematics) made in this curve. Their upper
tail is fitted with an exponential (peaks over a threshold, the Gumbel domain of the
maximum of many nearly Gaussian trials), which gives the chance that the highest of
that many noise peaks reaches the candidate's SDE.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from core.candidate_vetting import AliasPower
from core.result import Periodogram

ALIAS_FACTORS = (("P/3", 1 / 3), ("P/2", 0.5), ("P", 1.0), ("2P", 2.0), ("3P", 3.0))
MAX_RATIO_ORDER = 4  # peaks at m/n times a candidate's period (m, n <= this) are the candidate's, not noise
TAIL_SHARE = 0.1  # the highest tenth of the noise peaks ...
MIN_TAIL_PEAKS = 10  # ... and at least this many, are fitted
MIN_NOISE_PEAKS = 30  # fewer noise peaks give no false-alarm probability


def false_alarm_probability(periodogram: Periodogram | None, sde: float, candidate_periods: Sequence[float],
                            duration: float, span: float) -> float:
    """Chance that noise alone puts a peak of SDE >= `sde` anywhere in the searched periods (NaN: too few peaks).

    Peaks within a peak's width (`duration` / `span`, relative) of m/n times any of
    `candidate_periods` are left out: they are the candidates' own harmonics.
    """
    if periodogram is None or not np.isfinite(sde):
        return float("nan")
    peaks = noise_peaks(periodogram, candidate_periods, max(duration / span, 1e-3) if span > 0 else 1e-3)
    if peaks.size < MIN_NOISE_PEAKS:
        return float("nan")
    n_tail = max(MIN_TAIL_PEAKS, int(np.ceil(TAIL_SHARE * peaks.size)))
    ordered = np.sort(peaks)[::-1]
    threshold = float(ordered[n_tail])  # the tail: the n_tail peaks above it
    excess = ordered[:n_tail] - threshold
    scale = float(np.mean(excess))
    if not scale > 0:
        return float("nan")
    expected_above = n_tail * np.exp(-(sde - threshold) / scale)  # noise peaks expected at or above `sde`
    return float(-np.expm1(-expected_above))


def noise_peaks(periodogram: Periodogram, candidate_periods: Sequence[float], tolerance: float) -> np.ndarray:
    """SDE of the periodogram's local maxima that are not at a simple ratio of a candidate's period."""
    order = np.argsort(periodogram.period)
    period = np.asarray(periodogram.period, dtype=float)[order]
    power = np.asarray(periodogram.power, dtype=float)[order]
    if power.size < 3:
        return np.empty(0)
    inner = (power[1:-1] > power[:-2]) & (power[1:-1] >= power[2:]) & np.isfinite(power[1:-1])
    index = np.flatnonzero(inner) + 1
    keep = np.ones(index.size, dtype=bool)
    ratios = sorted({m / n for m in range(1, MAX_RATIO_ORDER + 1) for n in range(1, MAX_RATIO_ORDER + 1)})
    for candidate in candidate_periods:
        for ratio in ratios:
            keep &= np.abs(period[index] / (candidate * ratio) - 1.0) > tolerance
    return power[index[keep]]


def alias_table(periodogram: Periodogram | None, period: float, duration: float, span: float) -> tuple[AliasPower, ...]:
    """The SDE at P/3, P/2, P, 2P and 3P: the highest within a peak's width of each (None: not searched)."""
    if periodogram is None or len(periodogram.period) == 0:
        return tuple(AliasPower(label, period * factor, None) for label, factor in ALIAS_FACTORS)
    order = np.argsort(periodogram.period)
    periods = np.asarray(periodogram.period, dtype=float)[order]
    power = np.asarray(periodogram.power, dtype=float)[order]
    width = max(duration / span, 1e-4) if span > 0 else 1e-4
    out = []
    for label, factor in ALIAS_FACTORS:
        target = period * factor
        if not periods[0] <= target <= periods[-1]:
            out.append(AliasPower(label, float(target), None))
            continue
        low = int(np.searchsorted(periods, target * (1 - width)))
        high = int(np.searchsorted(periods, target * (1 + width), side="right"))
        if high <= low:
            nearest = int(np.clip(np.searchsorted(periods, target), 1, periods.size - 1))
            low, high = nearest - 1, nearest + 1
        out.append(AliasPower(label, float(target), float(np.max(power[low:high]))))
    return tuple(out)
