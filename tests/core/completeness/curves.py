"""White-noise curves with a known sigma: the star whose detection limit theory predicts."""
from __future__ import annotations

import numpy as np

from core.lightcurve import LightCurve, from_arrays


def white_noise_curve(n_points: int = 4000, sigma: float = 1e-3, cadence_min: float = 2.0, seed: int = 3,
                      **meta) -> LightCurve:
    """A flat star at 1000 (raw-count-like units) with Gaussian noise of `sigma` relative flux per point."""
    rng = np.random.default_rng(seed)
    time = 1500.0 + np.arange(n_points) * cadence_min / 1440.0
    flux = 1000.0 * (1.0 + sigma * rng.standard_normal(n_points))
    return from_arrays(time, flux, np.full(n_points, 1000.0 * sigma), meta={"mission": "TESS", **meta})
