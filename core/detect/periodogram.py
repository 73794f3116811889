"""What one transit-search round computes: box log-likelihood power over a duration-aware period grid.

The grid's step grows with the expected transit duration (Ofir 2014), so a
transit's phase drifts by at most PHASE_DRIFT durations across the data. It is cut
into chunks of periods within CHUNK_RATIO of each other; each chunk tries only the
durations plausible there, on flux binned to a third of its shortest one.

`periodogram` is the fast search: the binned flux is folded by the Fast Folding
Algorithm (`core.detect.fast_fold`), every period near a base period at once, so a
round costs about (time bins x log rows) per base period instead of (bins) per
period; a chunk whose periods fit only a few times in the data is folded period by
period as the reference folds it. Either fold is scanned by `core.detect.box_scan`,
which skips the phases that cannot hold the best box.
`reference_periodogram` is the plain search it replaced: each period folded on its
own by the compiled BLS kernel (`core.detect.box_kernel`, astropy's statistic), every
box tried. Both give the same statistic on the same grid; the tests hold their peaks
together.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable

import numpy as np
from scipy.ndimage import median_filter

from core.detect.box_kernel import BoxPower, box_likelihood_power
from core.detect.fast_fold import fold_search, rows_needed
from core.detect.jit import compiled
from core.detect.shape_metrics import expected_duration as star_central_duration
from core.parallel import threads_per_process
from core.stats import cadence_days

DURATIONS_HOURS = (1.0 / 3.0, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.5, 8.0, 10.0)
MAX_DUTY_CYCLE = 0.15  # longest duration tried at a period, as a fraction of it
PHASE_DRIFT = 0.5  # allowed drift of the transit phase across the data, in durations (peaks are refined)
MIN_PERIOD_DAYS = 0.3
CHUNK_RATIO = 1.5  # periods searched together differ by at most this factor
TASK_PERIODS = 1000  # periods per thread-pool task (about: fast tasks end where a base period does)
SEARCH_THREADS = 2  # at most; one inside a process-pool worker (core.parallel)
BIN_FRACTION = 1.0 / 3.0  # the search bins flux to this fraction of a chunk's shortest duration
OVERSAMPLE = 3  # phase steps per shortest duration (the reference's; the fast search's bins are that step)
MIN_DURATION_FRACTION = 0.6  # shortest duration tried, as a fraction of expected_duration
MIN_DURATION_SCALE = 0.3  # a small star's grid is at most this many times as fine as a Sun-like star's
MIN_FOLD_ROWS = 8  # a chunk is fast-folded when its periods fit this often in the data
POLISH_PEAKS = 10  # the strongest peaks of the fast-folded chunks are recomputed exactly...
POLISH_STEPS = 8  # ... over this many grid periods on each side

Progress = Callable[[float], None]


def expected_duration(period: np.ndarray | float) -> np.ndarray | float:
    """A short plausible central-transit duration (days) at `period` days.

    Half the duration of a central transit of a Sun-like star (13 h at 365 d,
    scaling as P^(1/3)): dense, small stars give shorter transits, so the grid
    built on it is fine enough for them too.
    """
    return 0.5 * (13.0 / 24.0) * (period / 365.25) ** (1.0 / 3.0)


def star_duration_scale(star: dict) -> float:
    """How much shorter than `expected_duration` this star's transits can be: its central transit's duration
    (header radius and log g) over a Sun-like star's (twice `expected_duration`), at most 1, at least
    MIN_DURATION_SCALE; 1 when the header does not say. Around an M dwarf of 0.13 R_sun transits last a quarter of a Sun-like star's, and
    the grid stepped for half of that smeared them over the fold."""
    central = star_central_duration(10.0, star or {})
    if central is None:
        return 1.0
    return float(np.clip(central / (2.0 * float(expected_duration(10.0))), MIN_DURATION_SCALE, 1.0))


def period_range(span_days: float, min_period: float | None, max_period: float | None) -> tuple[float, float]:
    """The periods searched: as asked, else from MIN_PERIOD_DAYS to half the span (two transits in the data)."""
    return float(min_period or MIN_PERIOD_DAYS), float(max_period or span_days / 2.0)


def period_grid(span_days: float, min_period: float, max_period: float, duration_scale: float = 1.0) -> np.ndarray:
    """Periods stepped so a transit's phase drifts by <= PHASE_DRIFT durations (`expected_duration` times
    `duration_scale`: `star_duration_scale`) over the data.

    The loop is compiled: a 4-year Kepler curve has 300k periods, 0.2 s in Python.
    """
    return _grid(float(min_period), float(max_period), float(span_days), float(duration_scale))


@compiled
def _grid(first: float, last: float, span: float, scale: float) -> np.ndarray:
    count = 1
    p = first
    while p < last:
        p = _next_period(p, span, scale)
        count += 1
    periods = np.empty(count)
    periods[0] = first
    for i in range(1, count):
        periods[i] = _next_period(periods[i - 1], span, scale)
    return periods


@compiled
def _next_period(p: float, span: float, scale: float) -> float:
    return p + PHASE_DRIFT * (scale * 0.5 * (13.0 / 24.0) * (p / 365.25) ** (1.0 / 3.0)) * p / span


@dataclass(frozen=True)
class Chunk:
    """Periods [first, last) of the grid, tried with `durations` on flux binned to `width` days,
    by fast folding or by the reference kernel."""

    first: int
    last: int
    durations: np.ndarray
    width: float
    fast: bool = False


def plan_chunks(t: np.ndarray, periods: np.ndarray, duration_scale: float = 1.0) -> list[Chunk]:
    """The grid cut into chunks of periods within CHUNK_RATIO.

    Each chunk tries only durations plausible there (no shorter than
    MIN_DURATION_FRACTION of the expected one, no longer than MAX_DUTY_CYCLE of the
    period) on flux binned to BIN_FRACTION of its shortest duration, so long
    periods cost no more per point than short ones.
    """
    durations = np.asarray(DURATIONS_HOURS) / 24.0
    cadence = cadence_days(t)
    chunks = []
    start = 0
    while start < periods.size:
        stop = int(np.searchsorted(periods, periods[start] * CHUNK_RATIO, side="right"))
        chunk_first, chunk_last = periods[start], periods[stop - 1]
        expected = duration_scale * float(expected_duration(chunk_last))
        shortest = max(durations[0], MIN_DURATION_FRACTION * expected, cadence)
        allowed = durations[(durations >= 0.999 * shortest) & (durations < MAX_DUTY_CYCLE * chunk_first)]
        if allowed.size == 0:
            allowed = np.array([min(shortest, 0.9 * MAX_DUTY_CYCLE * chunk_first)])
        chunks.append(Chunk(start, stop, allowed, float(allowed.min() * BIN_FRACTION)))
        start = stop
    return chunks


def periodogram(
    t: np.ndarray, f: np.ndarray, periods: np.ndarray, w: np.ndarray, progress: Progress | None = None,
    duration_scale: float = 1.0,
) -> tuple[np.ndarray, dict]:
    """Box log-likelihood power at each of `periods`, and the best duration there.

    (t, f, w): time-sorted times, flux and positive weights. Chunks whose periods
    fit at least MIN_FOLD_ROWS times in the data are fast-folded; the others, whose
    few transits fold cheaply anyway, are folded as by the reference kernel (the same
    numbers; the box scan skips phases that cannot win). Around the strongest peaks of
    the fast-folded chunks the power is then recomputed exactly (`_polish_peaks`).
    `progress` hears the share of periods done.
    """
    span = float(t[-1] - t[0])
    chunks = [replace(chunk, fast=folds_fast(chunk, periods, span))
              for chunk in plan_chunks(t, periods, duration_scale)]
    binned = {width: uniform_bins(t, f, w, width) for width in {chunk.width for chunk in chunks if chunk.fast}}
    exact = _reference_runner(t, f, w, periods, [chunk for chunk in chunks if not chunk.fast],
                              partial(box_likelihood_power, pruned=True))

    def run(piece: Chunk) -> tuple[np.ndarray, np.ndarray]:
        if not piece.fast:
            return exact(piece)
        sum_wy, sum_w = binned[piece.width]
        power, width = fold_search(sum_wy, sum_w, periods[piece.first:piece.last] / piece.width,
                                   box_widths(piece.durations, piece.width))
        return power, width * piece.width

    pieces = [piece for chunk in chunks
              for piece in (_fast_pieces(chunk, periods) if chunk.fast else _reference_pieces(chunk))]
    power, best = _run_pieces(pieces, run, periods.size, progress)
    _polish_peaks(t, f, w, periods, [chunk for chunk in chunks if chunk.fast], power, best["duration"])
    return power, best


def reference_periodogram(
    t: np.ndarray, f: np.ndarray, periods: np.ndarray, w: np.ndarray, progress: Progress | None = None,
    kernel: Callable[..., BoxPower] = box_likelihood_power,
) -> tuple[np.ndarray, dict]:
    """The plain search `periodogram` replaced: each period folded on its own (periods x points).

    Same chunks and statistic, on flux binned by weighted mean time; `kernel` is
    our compiled BLS kernel or astropy's (`box_kernel.astropy_likelihood_power`).
    """
    chunks = plan_chunks(t, periods)
    run = _reference_runner(t, f, w, periods, chunks, kernel)
    pieces = [piece for chunk in chunks for piece in _reference_pieces(chunk)]
    return _run_pieces(pieces, run, periods.size, progress)


def warm_up() -> None:
    """Compile every kernel a search runs (or load it from numba's cache: ~1 s), so that no
    request waits for it. The curve's periods fit often enough in it that both kinds of chunk run."""
    t = np.arange(0.0, 40.0, 0.02)
    flux = 1.0 + np.random.default_rng(0).normal(0.0, 1e-3, t.size)
    periodogram(t, flux, period_grid(40.0, 0.3, 20.0), np.ones(t.size))


def detection_efficiency(power: np.ndarray) -> np.ndarray:
    """Signal detection efficiency (SDE): power above a running median, in standard deviations.

    A period at which no trial is a dip (flat flux, or too few points in and out of
    transit) has power -inf: it holds no evidence, so it counts as the lowest power
    measured.
    """
    flattened = _flattened(power)
    spread = np.std(flattened)
    if spread <= 0:
        return np.zeros_like(flattened)
    return (flattened - np.mean(flattened)) / spread


def folds_fast(chunk: Chunk, periods: np.ndarray, span: float) -> bool:
    """Whether `chunk` is fast-folded: its longest period fits MIN_FOLD_ROWS times in `span`."""
    return span >= MIN_FOLD_ROWS * periods[chunk.last - 1]


def search_work(
    time: np.ndarray, min_period: float | None = None, max_period: float | None = None, duration_scale: float = 1.0,
) -> float:
    """Elementary steps of one search round (`periodogram`): folding additions and box trials.

    Callers use it to decide whether an analysis fits in a web request. It grows
    with the span a little faster than linearly: the box trials per period grow
    with the period's phase bins. `duration_scale` (`star_duration_scale`) is the
    search's own: a small star's finer grid costs up to 1 / MIN_DURATION_SCALE times more.
    """
    t = np.sort(np.asarray(time, dtype=np.float64)[np.isfinite(time)])
    if t.size < 20:
        return 0.0
    span = float(t[-1] - t[0])
    p_min, p_max = period_range(span, min_period, max_period)
    if p_max <= p_min:
        return 0.0
    periods = period_grid(span, p_min, p_max, duration_scale)
    ones = np.ones(t.size)
    work = 0.0
    for chunk in plan_chunks(t, periods, duration_scale):
        in_bins = periods[chunk.first:chunk.last] / chunk.width
        work += float(in_bins.sum()) * box_widths(chunk.durations, chunk.width).size
        if not folds_fast(chunk, periods, span):
            work += in_bins.size * _bin_mean(t, ones, chunk.width, ones)[0].size
            continue
        n_bins = int(span / chunk.width) + 1
        step = float(np.min(np.diff(in_bins))) if in_bins.size > 1 else 1.0
        for base in np.unique(np.floor(in_bins).astype(np.int64)).tolist():
            n_rows = rows_needed(n_bins, base, step)
            work += n_rows * base * (2.0 * math.log2(n_rows) + 4.0)
    return work


def uniform_bins(t: np.ndarray, f: np.ndarray, w: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Summed weight x (flux - centre) and summed weight in bins of `width` days from t[0] (0 in gaps).

    The centre is the median binned flux, as the reference kernel centres its input:
    the statistic does not depend on it, its rounding does.
    """
    index = np.floor((t - t[0]) / width).astype(np.int64)
    n_bins = int(index[-1]) + 1
    sum_w = np.bincount(index, weights=w, minlength=n_bins)
    sum_wf = np.bincount(index, weights=w * f, minlength=n_bins)
    filled = sum_w > 0
    centre = float(np.median(sum_wf[filled] / sum_w[filled]))
    return sum_wf - centre * sum_w, sum_w


def box_widths(durations: np.ndarray, width: float) -> np.ndarray:
    """Durations in whole bins of `width` days, rounded as the reference kernel rounds them."""
    return np.unique(np.floor(np.asarray(durations) / width + 0.5).astype(np.int64))


def _polish_peaks(
    t: np.ndarray, f: np.ndarray, w: np.ndarray, periods: np.ndarray, fast_chunks: list[Chunk],
    power: np.ndarray, duration: np.ndarray,
) -> None:
    """Recompute, with the reference kernel, the POLISH_STEPS periods on each side of the
    POLISH_PEAKS strongest peaks (above the running median) of the fast-folded chunks.

    A candidate is refined a few grid steps around its peak's period. The FFA's fold and
    nearest-trial period put a peak within a grid step or two of the reference's, and on
    a peak near the thresholds that can change what the refinement finds; with the power
    there exact, the peak's period is the reference's.
    """
    owner = np.full(periods.size, -1)
    for number, chunk in enumerate(fast_chunks):
        owner[chunk.first:chunk.last] = number
    candidates = np.flatnonzero(owner >= 0)
    if candidates.size == 0:
        return
    flattened = _flattened(power)
    chosen: list[int] = []
    for index in candidates[np.argsort(flattened[candidates])[::-1]].tolist():
        if len(chosen) == POLISH_PEAKS:
            break
        if all(abs(index - other) > POLISH_STEPS for other in chosen):
            chosen.append(index)
    binned: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for index in chosen:
        chunk = fast_chunks[owner[index]]
        first, last = max(chunk.first, index - POLISH_STEPS), min(chunk.last, index + POLISH_STEPS + 1)
        if chunk.width not in binned:
            binned[chunk.width] = _bin_mean(t, f, chunk.width, w)
        tb, fb, weights = binned[chunk.width]
        exact = box_likelihood_power(tb, fb, 1.0 / np.sqrt(weights), periods[first:last], chunk.durations,
                                     OVERSAMPLE, pruned=True)
        power[first:last] = exact.power
        duration[first:last] = exact.duration


def _reference_runner(
    t: np.ndarray, f: np.ndarray, w: np.ndarray, periods: np.ndarray, chunks: list[Chunk],
    kernel: Callable[..., BoxPower] = box_likelihood_power,
) -> Callable[[Chunk], tuple[np.ndarray, np.ndarray]]:
    """A task that folds each period of a piece of one of `chunks` on its own with `kernel`."""
    binned = {width: _bin_mean(t, f, width, w) for width in {chunk.width for chunk in chunks}}

    def run(piece: Chunk) -> tuple[np.ndarray, np.ndarray]:
        tb, fb, weights = binned[piece.width]
        result = kernel(tb, fb, 1.0 / np.sqrt(weights), periods[piece.first:piece.last], piece.durations, OVERSAMPLE)
        return result.power, result.duration

    return run


def _reference_pieces(chunk: Chunk) -> list[Chunk]:
    """`chunk` in thread-pool tasks of TASK_PERIODS periods."""
    return [replace(chunk, first=first, last=min(first + TASK_PERIODS, chunk.last))
            for first in range(chunk.first, chunk.last, TASK_PERIODS)]


def _fast_pieces(chunk: Chunk, periods: np.ndarray) -> list[Chunk]:
    """`chunk` in thread-pool tasks of about TASK_PERIODS periods, each ending where a base period
    ends, so no base period's transform is computed twice."""
    base = np.floor(periods[chunk.first:chunk.last] / chunk.width).astype(np.int64)
    pieces = []
    start = 0
    while start < base.size:
        stop = min(start + TASK_PERIODS, base.size)
        stop = int(np.searchsorted(base, base[stop - 1], side="right"))
        pieces.append(replace(chunk, first=chunk.first + start, last=chunk.first + stop))
        start = stop
    return pieces


def _run_pieces(
    pieces: list[Chunk], run: Callable[[Chunk], tuple[np.ndarray, np.ndarray]], n_periods: int,
    progress: Progress | None,
) -> tuple[np.ndarray, dict]:
    """Every piece on a small thread pool (the kernels release the GIL), results in grid order."""
    power = np.full(n_periods, -np.inf)
    duration = np.zeros(n_periods)
    workers = max(1, min(threads_per_process(SEARCH_THREADS), len(pieces)))
    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for piece, (piece_power, piece_duration) in zip(pieces, pool.map(run, pieces)):
            power[piece.first:piece.last] = piece_power
            duration[piece.first:piece.last] = piece_duration
            done += piece.last - piece.first
            if progress is not None:
                progress(done / n_periods)
    return power, {"duration": duration}


def _flattened(power: np.ndarray) -> np.ndarray:
    """Power minus its running median (-inf counted as the lowest power measured)."""
    measured = np.isfinite(power)
    if not measured.any():
        return np.zeros_like(power)
    power = np.where(measured, power, power[measured].min())
    width = max(3, min(501, power.size // 20) | 1)
    return power - median_filter(power, size=width, mode="nearest")


def _bin_mean(
    t: np.ndarray, f: np.ndarray, width: float, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean time and flux in bins of `width` days (when coarser than the cadence), and summed weights."""
    if width < 1.5 * cadence_days(t):
        return t, f, w
    index = np.floor((t - t[0]) / width).astype(np.int64)
    total = np.bincount(index, weights=w)
    keep = total > 0
    tb = np.bincount(index, weights=w * t)[keep] / total[keep]
    fb = np.bincount(index, weights=w * f)[keep] / total[keep]
    return tb, fb, total[keep]
