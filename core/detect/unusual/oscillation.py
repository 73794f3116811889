"""Bursts of periodic signal: a local periodogram in sliding windows, against the curve's usual power.

In each window (WINDOW_DAYS long, a quarter of that apart) a sine is fitted at
every trial frequency to the flux over its running mean (which keeps periods up
to a third of a window). A window's power at a frequency is judged against the
median power of all windows at that frequency: a pulsator that always pulsates,
or rotation, sets its own median and is no burst; red noise is stronger at low
frequencies and sets a higher median there. Under noise the ratio times ln 4
follows a chi-square with two degrees of freedom, so BURST_POWER is a false-alarm
level, not a tuning knob.

A dip or a step inside a window has power too, but spread over all low
frequencies; a burst is a peak: its power falls to under half one frequency
resolution (1 / window) on either side.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.detect.unusual.grid import Grid, centred, window_sums
from core.stats import robust_std

WINDOW_DAYS = 1.0
STEP_SHARE = 0.25
MIN_CYCLES = 3.0  # per window: the longest period looked for is a third of a window
SHORTEST_PERIOD_DAYS = 0.02
MIN_BINS_PER_PERIOD = 3.0
OVERSAMPLE = 3
BURST_POWER = 225.0  # chi-square (2 dof) of a window's power; red noise and spots make its tail heavier than exp(-x/2)
PEAK_CONTRAST = 2.0  # the peak's power over its neighbours one resolution away
MIN_COVERAGE = 0.6
MEDIAN_TO_MEAN = 1.0 / np.log(2.0)  # an exponential variable's mean over its median
CLIP_SIGMA = 5.0
REFINE_STEPS = 11  # trial frequencies within one resolution of the window's best, tried on the whole burst
KNOT_PERIODS = 2.0  # the burst's amplitude and phase may change this fast


@dataclass(frozen=True)
class Burst:
    """Windows in a row with significant power at one frequency."""

    t_start: float
    t_end: float
    t_peak: float  # centre of the strongest window
    period: float
    amplitude: float  # the strongest window's sine semi-amplitude (relative flux)
    snr: float  # sqrt of its chi-square power
    cos_amp: np.ndarray  # per grid bin, the sine's cos and sin coefficients (interpolated between windows) ...
    sin_amp: np.ndarray  # ... zero outside the burst

    def model(self, time: np.ndarray) -> np.ndarray:
        """The burst's relative flux at `time` (a grid's bin times)."""
        phase = 2 * np.pi * time / self.period
        return self.cos_amp * np.cos(phase) + self.sin_amp * np.sin(phase)


def find_bursts(grid: Grid, relative: np.ndarray) -> list[Burst]:
    """Bursts in `relative` (per grid bin: flux over a trend a day or more long, minus 1)."""
    window = int(round(WINDOW_DAYS / grid.width))
    step = max(int(round(STEP_SHARE * window)), 1)
    frequencies = _frequencies(grid.width, window)
    size = relative.size
    if frequencies.size < 3 or size < 2 * window:
        return []
    usable = (grid.count > 0) & np.isfinite(relative)
    weight = np.where(usable, grid.count, 0.0)
    y = np.where(usable, relative - _running_mean(relative, weight, window // int(MIN_CYCLES)), 0.0)
    # A lone spike has power at every frequency; clipped, it cannot fake a burst, while a burst stays periodic.
    spread = robust_std(y[usable]) if usable.sum() >= 3 else 0.0
    clipped = np.clip(y, -CLIP_SIGMA * spread, CLIP_SIGMA * spread) if spread > 0 else y
    starts = np.arange(0, size - window + 1, step)
    n = window_sums(weight, window)[starts]
    full = window * grid.width / grid.cadence
    covered = n >= MIN_COVERAGE * full
    t = grid.start + (np.arange(size) + 0.5) * grid.width
    power = _power(clipped * weight, frequencies, grid.width, window, starts, n)
    median = np.median(power[:, covered], axis=1, keepdims=True) if covered.any() else np.ones((frequencies.size, 1))
    chi2 = np.where(covered, 2.0 * power / np.maximum(median * MEDIAN_TO_MEAN, 1e-300), 0.0)
    return [_measured(burst, t, y, weight, window, starts) for burst in _bursts(grid, t, frequencies, chi2, starts)]


def _frequencies(bin_days: float, window: int) -> np.ndarray:
    """Trial frequencies (1/day): one resolution below MIN_CYCLES per window (to judge a peak there against)
    up to the shortest period the bins resolve."""
    span = window * bin_days
    f_low = (MIN_CYCLES - 1.0) / span
    f_high = 1.0 / max(SHORTEST_PERIOD_DAYS, MIN_BINS_PER_PERIOD * bin_days)
    if f_high <= f_low:
        return np.empty(0)
    return np.arange(f_low, f_high + 1.0 / span, 1.0 / (OVERSAMPLE * span))


def _running_mean(values: np.ndarray, weight: np.ndarray, length: int) -> np.ndarray:
    length = max(length, 1)
    total = centred(window_sums(np.where(weight > 0, values * weight, 0.0), length), length, values.size, np.nan)
    count = centred(window_sums(weight, length), length, values.size, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where(np.isfinite(mean), mean, 0.0)


def _power(weighted: np.ndarray, frequencies: np.ndarray, width: float, window: int, starts: np.ndarray,
           n: np.ndarray) -> np.ndarray:
    """(frequency, window): the sum of squares a sine explains, 2 (C^2 + S^2) / n with C and S the weighted
    sums of y cos and y sin over the window's bins (`width` days apart); exact for evenly filled windows of a
    few cycles, which is what is searched.

    Windows start `step` bins apart, so each is a run of whole blocks of `step` bins and the first bins of
    one more. A block's sums (whole, and over its first bins), with phases counted from its first bin, are
    one matrix product for every block and frequency; turned by that bin's phase, they add up to the
    windows'. Cosines are taken of (step + blocks) phases per frequency, not of one per bin: at 200k points
    that was an array of frequencies x bins, many times over.
    """
    step = int(starts[1] - starts[0]) if starts.size > 1 else window
    whole, rest = divmod(window, step)
    first = starts // step
    n_blocks = int(first[-1]) + whole + 1
    y = np.zeros(n_blocks * step)
    used = min(weighted.size, y.size)
    y[:used] = weighted[:used]
    y = y.reshape(n_blocks, step)
    inside = 2 * np.pi * (np.arange(step) * width)[:, None] * frequencies[None, :]
    cos_inside, sin_inside = np.cos(inside), np.sin(inside)
    turn = 2 * np.pi * (np.arange(n_blocks) * step * width)[:, None] * frequencies[None, :]
    cos_turn, sin_turn = np.cos(turn), np.sin(turn)

    def turned(y_cos: np.ndarray, y_sin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return cos_turn * y_cos - sin_turn * y_sin, sin_turn * y_cos + cos_turn * y_sin

    block_cos, block_sin = turned(y @ cos_inside, y @ sin_inside)
    zero = np.zeros((1, frequencies.size))
    c = np.concatenate((zero, np.cumsum(block_cos, axis=0)))
    s = np.concatenate((zero, np.cumsum(block_sin, axis=0)))
    yc, ys = c[first + whole] - c[first], s[first + whole] - s[first]
    if rest:
        head_cos, head_sin = turned(y[:, :rest] @ cos_inside[:rest], y[:, :rest] @ sin_inside[:rest])
        yc, ys = yc + head_cos[first + whole], ys + head_sin[first + whole]
    return (2.0 * (yc * yc + ys * ys) / np.maximum(n, 1.0)[:, None]).T


def _bursts(grid: Grid, t: np.ndarray, frequencies: np.ndarray, chi2: np.ndarray,
            starts: np.ndarray) -> list[tuple[int, int, int, float]]:
    """Runs of windows whose best frequency peaks above BURST_POWER, merged while the frequency holds:
    (first window, stop window, frequency index, chi-square of the strongest window)."""
    resolution = int(round(OVERSAMPLE))  # frequency steps in one 1 / window
    columns = np.arange(starts.size)
    best = np.argmax(chi2, axis=0)
    peak = chi2[best, columns]
    below = chi2[np.clip(best - resolution, 0, None), columns]
    above = chi2[np.clip(best + resolution, None, frequencies.size - 1), columns]
    is_peak = ((best - resolution >= 0) & (best + resolution < frequencies.size)
               & (peak >= PEAK_CONTRAST * below) & (peak >= PEAK_CONTRAST * above))
    hot = (peak >= BURST_POWER) & is_peak
    runs = []
    i = 0
    while i < starts.size:
        if not hot[i]:
            i += 1
            continue
        j = i
        while j + 1 < starts.size and hot[j + 1] and abs(int(best[j + 1]) - int(best[i])) <= resolution:
            j += 1
        strongest = i + int(np.argmax(peak[i:j + 1]))
        runs.append((i, j + 1, int(best[strongest]), float(peak[strongest]), frequencies[best[strongest]]))
        i = j + 1
    return runs


def _measured(run: tuple, t: np.ndarray, y: np.ndarray, weight: np.ndarray, window: int,
              starts: np.ndarray) -> Burst:
    """The burst over windows [first, stop): its frequency refined on all its windows, and its sine with an
    amplitude and phase that change smoothly (knots every KNOT_PERIODS periods), fitted on the unclipped flux."""
    first, stop, _, chi2, frequency = run
    lo, hi = int(starts[first]), int(starts[stop - 1] + window)
    span = slice(lo, hi)
    tt, yy, ww = t[span], y[span], weight[span]
    trials = frequency + np.linspace(-0.5, 0.5, REFINE_STEPS) / (window * (t[1] - t[0]))
    frequency = float(trials[np.argmax([_explained(tt, yy, ww, f) for f in trials])])
    period = 1.0 / frequency
    cos_amp, sin_amp = np.zeros(t.size), np.zeros(t.size)
    cos_amp[span], sin_amp[span] = _envelope_fit(tt, yy, ww, frequency, KNOT_PERIODS * period)
    amplitude = np.hypot(cos_amp, sin_amp)
    half_bin = 0.5 * (t[1] - t[0])
    return Burst(t_start=float(t[lo] - half_bin), t_end=float(t[hi - 1] + half_bin),
                 t_peak=float(t[int(np.argmax(amplitude))]), period=period, amplitude=float(amplitude.max()),
                 snr=float(np.sqrt(chi2)), cos_amp=cos_amp, sin_amp=sin_amp)


def _explained(t: np.ndarray, y: np.ndarray, w: np.ndarray, frequency: float) -> float:
    """Sum of squares one sine at `frequency` explains over all of (t, y)."""
    c, s = np.cos(2 * np.pi * frequency * t), np.sin(2 * np.pi * frequency * t)
    design = np.stack([c, s], axis=1)
    coef = np.linalg.lstsq(design * w[:, None] ** 0.5, y * w**0.5, rcond=None)[0]
    return float(np.sum(w * (design @ coef) ** 2))


def _envelope_fit(t: np.ndarray, y: np.ndarray, w: np.ndarray, frequency: float,
                  spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """(cos, sin) amplitudes at every t: a sine whose coefficients are linear between knots `spacing` apart."""
    knots = np.linspace(t[0], t[-1], max(int(np.ceil((t[-1] - t[0]) / spacing)) + 1, 2))
    hats = np.clip(1.0 - np.abs(t[:, None] - knots[None, :]) / (knots[1] - knots[0]), 0.0, None)
    c, s = np.cos(2 * np.pi * frequency * t), np.sin(2 * np.pi * frequency * t)
    design = np.concatenate([hats * c[:, None], hats * s[:, None]], axis=1)
    root = np.sqrt(w)
    coef = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
    k = knots.size
    return hats @ coef[:k], hats @ coef[k:]
