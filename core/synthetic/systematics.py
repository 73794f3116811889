"""Instrument signals that fooled the detectors: K2's roll sawtooth and the ramps after data gaps.

Both are smooth, so a running median follows neither where it matters: at a
roll reset the flux jumps back within one cadence, and after a gap the flux
settles exponentially while the trend has no data before it to lean on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from core.synthetic.specs import RollSpec

_ARC_LENGTH_PX = (0.3, 0.8)  # how far the star drifts along its arc between resets
_ARC_CURVATURE = (0.2, 0.6)  # rows per column^2 across the arc
_SLOW_DRIFT_PX_PER_DAY = 0.01  # the arc itself creeps over a campaign
_CENTROID_NOISE_PX = 0.002
_LOSS_EXPONENT = (1.0, 2.0)  # flux lost grows as (distance along the arc) ** this
_RESET_JITTER = 0.05  # firings come every period_hours, give or take this fraction
_RAMP_TAU_DAYS = (0.1, 0.5)
_RAMP_FALLING_SHARE = 0.7  # most ramps start low and settle up, as Kepler's thermal ramps do


@dataclass(frozen=True)
class RollTrack:
    """What K2's roll does on every cadence: the flux it takes away and where the star sits on the detector."""

    loss: np.ndarray  # relative flux lost, 0 right after a reset, `amplitude` just before the next
    centroid_col: np.ndarray
    centroid_row: np.ndarray
    n_resets: int
    firing: np.ndarray  # the exposures during which the thrusters fire: flagged, and dropped by default masks


def k2_roll(time: np.ndarray, spec: RollSpec, rng: np.random.Generator) -> RollTrack:
    """The sawtooth and the centroid track that drives it, so self-flat-fielding can take it out.

    Between two thruster firings the star moves along a curved arc; the flux it
    loses is a function of its place on that arc alone, (distance / arc
    length) ** p times the amplitude, and a firing puts it back at the start.
    """
    time = np.asarray(time, dtype=float)
    period = spec.period_hours / 24.0
    n_firings = int(np.ceil((time[-1] - time[0]) / period * (1 + _RESET_JITTER))) + 2
    spacing = period * rng.uniform(1 - _RESET_JITTER, 1 + _RESET_JITTER, n_firings)
    firings = time[0] - rng.uniform(0.0, period) + np.concatenate(([0.0], np.cumsum(spacing[:-1])))
    index = np.searchsorted(firings, time, side="right") - 1
    along = (time - firings[index]) / (firings[index + 1] - firings[index])  # 0 -> 1 between firings
    length = rng.uniform(*_ARC_LENGTH_PX)
    curvature = rng.uniform(*_ARC_CURVATURE)
    exponent = rng.uniform(*_LOSS_EXPONENT)
    creep = _SLOW_DRIFT_PX_PER_DAY * (time - time[0])
    col = 500.0 + length * along + creep + _CENTROID_NOISE_PX * rng.standard_normal(time.size)
    row = 300.0 + curvature * (length * along) ** 2 - 0.5 * creep + _CENTROID_NOISE_PX * rng.standard_normal(time.size)
    n_resets = int(np.count_nonzero((firings > time[0]) & (firings <= time[-1])))
    return RollTrack(spec.amplitude * along**exponent, col, row, n_resets, _exposures_holding(time, firings))


def _exposures_holding(time: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """Which exposures (centred on `time`, one cadence long) hold one of `moments`."""
    cadence = float(np.median(np.diff(time))) if time.size > 1 else 1.0
    index = np.searchsorted(time - 0.5 * cadence, moments, side="right") - 1
    holding = np.zeros(time.size, dtype=bool)
    holding[index[(index >= 0) & (moments < time[-1] + 0.5 * cadence)]] = True
    return holding


def gap_ramps(
    time: np.ndarray, gaps: Sequence[tuple[float, float]], amplitude_range: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Exponential settling after each gap: a * exp(-(t - gap end) / tau) once the data resume.

    |a| is drawn from `amplitude_range` (relative flux); most ramps start low
    (a < 0). One truth dict per gap followed by data.
    """
    time = np.asarray(time, dtype=float)
    signal = np.zeros_like(time)
    ramps = []
    for _, gap_end in gaps:
        amplitude = float(rng.uniform(*amplitude_range))
        if rng.uniform() < _RAMP_FALLING_SHARE:
            amplitude = -amplitude
        tau = float(rng.uniform(*_RAMP_TAU_DAYS))
        after = time > gap_end
        if not after.any():
            continue
        resume = float(time[after][0])
        signal[after] += amplitude * np.exp(-(time[after] - resume) / tau)
        ramps.append({"kind": "gap_ramp", "t_start": resume, "amplitude": amplitude, "tau": tau})
    return signal, ramps
