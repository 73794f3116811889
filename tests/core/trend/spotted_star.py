"""A fast, strongly spotted rotator at Kepler long cadence, for the rotation and transit trend tests."""
import numpy as np

CADENCE = 29.4244 / 1440.0  # Kepler long cadence: a 1.2-day rotation is only ~60 points
P_ROT = 1.2


def spotted_star(rng, days=60.0):
    """Two spots at different longitudes (non-sinusoidal), slowly evolving, 3% deep."""
    t = np.arange(0.0, days, CADENCE)
    phase = 2 * np.pi * t / P_ROT
    evolve = 1.0 + 0.2 * np.sin(2 * np.pi * t / 25.0)
    spots = 0.03 * evolve * np.maximum(np.cos(phase), 0) + 0.015 * np.maximum(np.cos(phase - 2.2), 0) ** 2
    return t, 1.0 - spots + rng.normal(0, 5e-4, t.size)


def box(t, period, t0, duration):
    phase = np.mod(t - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) < 0.5 * duration
