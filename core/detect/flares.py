"""Flare detection: runs of consecutive high points on residuals from a robust trend.

In the spirit of Chang et al. (2015): a flare is N or more consecutive points
above `sigma` times the noise, with N set by the cadence (a flare lasting tens of
minutes spans several 2-min points but only one or two 30-min points). Runs are
extended down to the noise on both sides, merged when close, and reported with
their equivalent duration (the area under the relative flux, in seconds). At
short cadence a faint flare lasting tens of minutes, whose single points noise
knocks under the threshold, is found by its significance summed over its span.
"""
from __future__ import annotations

import numpy as np

from core.result import Event
from core.stats import cadence_days, flag_runs

SECONDS_PER_DAY = 86400.0
EDGE_SIGMA = 1.0  # a flare's extent: where the residual falls back below this
MERGE_GAP_CADENCES = 3
# One missing cadence (a K2 thruster firing, a flagged point) does not end a flare's run or tail.
MAX_STEP_CADENCES = 2.5
MIN_FLARE_SPAN = 3  # points above EDGE_SIGMA, rise to end of the decay
TAIL_SIGMA = 2.0  # long cadence: the point after a short flare's peak is at least this high
DECAY_RATIO = 0.8  # ... and at most this fraction of the peak
# ... and at least this fraction of it: a 30-min exposure after the peak of a flare
# with a FWHM of 4 min or more keeps >= ~9% of the peak exposure's excess (Davenport
# 2014 template, binned), while after a cosmic-ray spike only noise is left.
MIN_TAIL_RATIO = 0.1
GLITCH_RATIO = 0.7  # two high points this close in height, with no tail, are a glitch
INTEGRATED_SIGMA = 7.0  # short cadence: a span above EDGE_SIGMA whose summed z / sqrt(length) reaches this is a flare


def min_points_for_cadence(cadence_days: float) -> int:
    """Consecutive points a flare must span: 3 at 2-min cadence, 2 at 30-min cadence."""
    cadence_min = cadence_days * 24 * 60
    return 3 if cadence_min <= 10 else 2


def find_flares(
    time: np.ndarray,
    residual: np.ndarray,
    sigma: float,
    *,
    threshold: float = 3.0,
    min_points: int | None = None,
    min_peak_sigma: float | None = None,
    usable: np.ndarray | None = None,
) -> tuple[list[Event], np.ndarray]:
    """Flares in `residual` (relative flux minus one) as events, and a per-point flare mask.

    `sigma` is the residual's white-noise level. A run qualifies when it has at
    least `min_points` consecutive points above `threshold` sigma, its peak
    reaches `min_peak_sigma` (default threshold + 1.5, which keeps pure-noise runs
    out) and it spans at least three points down to 1 sigma. At short cadence a
    span above 1 sigma, twice `min_points` long, with its peak above `threshold` in
    its first half and INTEGRATED_SIGMA in all qualifies as well; at long cadence a
    peak followed by a clearly lower point above 2 sigma does.
    """
    time = np.asarray(time, dtype=np.float64)
    residual = np.asarray(residual, dtype=np.float64)
    n = time.size
    flare_mask = np.zeros(n, dtype=bool)
    if n < 3 or not np.isfinite(sigma) or sigma <= 0:
        return [], flare_mask
    ok = np.isfinite(residual) if usable is None else (np.asarray(usable, dtype=bool) & np.isfinite(residual))
    cadence = cadence_days(time)
    min_points = min_points or min_points_for_cadence(cadence)
    min_peak = threshold + 1.5 if min_peak_sigma is None else min_peak_sigma
    z = np.where(ok, residual / sigma, 0.0)

    # Runs are broken by gaps in time as well as by low points.
    contiguous = np.concatenate(([False], np.diff(time) < MAX_STEP_CADENCES * cadence))
    runs = flag_runs(z > threshold, contiguous)
    candidates = [(a, b) for a, b in runs if b - a >= min_points and z[a:b].max() >= min_peak]
    if min_points < 3:
        candidates = [(a, b) for a, b in candidates if not (_two_point_glitch(z, a, b) or _spike_and_noise(z, a, b))]
    spans = [_extend(z, contiguous, a, b) for a, b in candidates]
    # With fewer than three high points (long cadence) a flare must still show a
    # decay tail; two equal points with quiet neighbours are an instrumental glitch.
    spans = [(a, b) for a, b in spans if b - a >= MIN_FLARE_SPAN]
    if min_points >= 3:
        spans += _integrated_spans(z, contiguous, threshold, 2 * min_points)
    else:
        spans += [_extend(z, contiguous, i, i + 2) for i in _peaks_with_decay(z, contiguous, min_peak)]
    events: list[Event] = []
    for a, b in _merge(spans, MERGE_GAP_CADENCES):
        flare_mask[a:b] = True
        peak = a + int(np.argmax(z[a:b]))
        segment_t = time[a:b]
        segment_r = np.clip(residual[a:b], 0, None)
        if b - a > 1:
            area = float(np.sum(0.5 * (segment_r[1:] + segment_r[:-1]) * np.diff(segment_t)))
        else:
            area = float(segment_r[0] * cadence)
        events.append(Event.spanning("flare", time, residual, a, b, peak, snr=z[peak], score=z[peak],
                                     equivalent_duration=area * SECONDS_PER_DAY, n_points=int(b - a)))
    return events, flare_mask


def _integrated_spans(z: np.ndarray, contiguous: np.ndarray, threshold: float, min_length: int) -> list[tuple[int, int]]:
    """Spans above EDGE_SIGMA that are flares by their significance summed over the span.

    A flare of a few sigma lasting tens of minutes at 2-min cadence has noise knock
    single points under the run test's thresholds; over its whole span it is many
    sigma. A flare rises fast and decays slowly, so its peak sits in the span's
    first half. Spans the run test also found are merged with its own.
    """
    out = []
    for a, b in flag_runs(z > EDGE_SIGMA, contiguous):
        length = b - a
        if length < min_length:
            continue
        segment = z[a:b]
        peak = int(np.argmax(segment))
        if segment[peak] >= threshold and peak < length / 2 and segment.sum() / np.sqrt(length) >= INTEGRATED_SIGMA:
            out.append((a, b))
    return out


def _two_point_glitch(z: np.ndarray, a: int, b: int) -> bool:
    """Two near-equal high points and no tail: an instrumental glitch, not a long-cadence flare.

    A flare high in two 30-min exposures has decayed by the second and still shows
    in the third; a glitch steps up and straight back down.
    """
    if b - a != 2:
        return False
    low, high = sorted(z[a:b])
    return low >= GLITCH_RATIO * high and (b >= z.size or not _keeps_tail(z[b], high))


def _keeps_tail(after: np.ndarray | float, peak: np.ndarray | float) -> np.ndarray | bool:
    """Whether the exposure after a peak is a flare's tail: >= TAIL_SIGMA and >= MIN_TAIL_RATIO of the peak."""
    return (after >= TAIL_SIGMA) & (after >= MIN_TAIL_RATIO * peak)


def _spike_and_noise(z: np.ndarray, a: int, b: int) -> bool:
    """A high point whose only high neighbour keeps less than MIN_TAIL_RATIO of it: a spike on noise.

    A flare's next exposure keeps at least ~9% of its peak's excess; one that clears
    the threshold by a hair beside a 60-sigma spike is noise, not a decay.
    """
    return b - a == 2 and z[a] > z[a + 1] and z[a + 1] < MIN_TAIL_RATIO * z[a]


def _peaks_with_decay(z: np.ndarray, contiguous: np.ndarray, min_peak: float) -> np.ndarray:
    """Long-cadence flares shorter than two exposures: a high point, then a lower one still above noise.

    A spike has quiet neighbours and a two-cadence glitch two similar points; a
    flare's fast rise and slower decay leave a clearly lower, positive next point.
    """
    peak = z[:-1]
    after = z[1:]
    before = np.concatenate(([-np.inf], z[:-2]))
    ok = (peak >= min_peak) & _keeps_tail(after, peak) & (after <= DECAY_RATIO * peak) & (before < peak)
    ok &= contiguous[1:]
    return np.flatnonzero(ok)


def _extend(z: np.ndarray, contiguous: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """Grow [a, b) while neighbours stay above EDGE_SIGMA and no gap is crossed."""
    while a > 0 and contiguous[a] and z[a - 1] > EDGE_SIGMA:
        a -= 1
    while b < z.size and contiguous[b] and z[b] > EDGE_SIGMA:
        b += 1
    return a, b


def _merge(spans: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
