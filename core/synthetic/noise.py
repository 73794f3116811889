"""Stellar and instrumental noise: spot rotation, correlated (red) noise, white noise.

Each function takes its own numpy Generator, so switching one component off
leaves the random draws of every other component unchanged.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

# Relative size of the first overtone of spot modulation (two-spot stars have a strong one).
_HARMONIC_WEIGHTS = (1.0, 0.35)


def rotation_signal(time: np.ndarray, period: float, amplitude: float, rng: np.random.Generator) -> np.ndarray:
    """Quasi-periodic spot modulation: two harmonics whose amplitude and phase drift.

    `amplitude` is the mean semi-amplitude of the fundamental (relative flux).
    Amplitudes vary by +-30% and phases wander by up to ~0.5 rad on time scales of a
    few rotations, as spots grow and decay; this is what keeps rotation from being
    a clean sinusoid a detrender could subtract exactly.
    """
    time = np.asarray(time, dtype=float)
    t = time - time[0]
    signal = np.zeros_like(t)
    for harmonic, weight in enumerate(_HARMONIC_WEIGHTS, start=1):
        evolve_amp, evolve_phase = rng.uniform(2.0, 5.0, size=2) * period
        psi_amp, psi_phase, phase0 = rng.uniform(0.0, 2 * np.pi, size=3)
        amp = amplitude * weight * (1.0 + 0.3 * np.sin(2 * np.pi * t / evolve_amp + psi_amp))
        phase = phase0 + 0.5 * np.sin(2 * np.pi * t / evolve_phase + psi_phase)
        signal += amp * np.sin(2 * np.pi * harmonic * t / period + phase)
    return signal


def red_noise(
    n_points: int, cadence_days: float, sigma: float, tau_days: float, rng: np.random.Generator
) -> np.ndarray:
    """Stationary AR(1) noise with standard deviation `sigma` and correlation time `tau_days`.

    x[i] = c x[i-1] + sqrt(1 - c^2) sigma e[i] with c = exp(-cadence / tau); the
    first value is drawn from the stationary distribution so there is no burn-in.
    """
    if sigma <= 0 or n_points == 0:
        return np.zeros(n_points)
    c = float(np.exp(-cadence_days / tau_days))
    innovations = rng.standard_normal(n_points)
    start = rng.standard_normal()
    gain = np.sqrt(1.0 - c**2) * sigma
    return lfilter([gain], [1.0, -c], innovations, zi=[c * sigma * start])[0]


def white_noise(n_points: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Independent Gaussian noise (photon and read noise) with standard deviation `sigma`."""
    return sigma * rng.standard_normal(n_points)
