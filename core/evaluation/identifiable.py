"""Could anyone have called this injected flare a flare? An ideal observer's answer.

At 30-min cadence a flare of a few minutes is one bright exposure and a tail under
the noise: the same few points a cosmic ray or a flat instrumental glitch leaves.
To know how much of the flare recall a detector can reach at all, an observer who
knows the flare's exact shape and peak time (the injected template) fits it, over a
local quadratic, against the best flat-topped box of 1 to MAX_BOX_CADENCES exposures
holding its brightest exposure. The flare is identifiable when the template beats
the box by IDENTIFIABLE_LEAD in chi^2 (2 sigma) and the quadratic by
MIN_SIGNIFICANCE (5 sigma). A real detector, which must also find the peak time and
the width, can do no better than this observer on the flares it is not.
"""
from __future__ import annotations

import numpy as np

from core.detect.shape_columns import box_columns
from core.flare_model import flare_binned
from core.stats import robust_std

HALF_WINDOW_DAYS = 0.2  # the flux fitted around the peak, as the detector's own shape fit (core.detect.shapes)
MAX_BOX_CADENCES = 4  # the widest glitch a flare is told from (the evaluation injects boxes of 1-5 exposures)
IDENTIFIABLE_LEAD = 4.0  # chi^2 by which the true template must beat the best box
MIN_SIGNIFICANCE = 5.0  # ... and the quadratic, as sqrt(chi^2)
MIN_POINTS = 8


def flare_identifiable(time: np.ndarray, flux: np.ndarray, flare: dict, cadence: float, sigma: float) -> bool:
    """Whether the injected `flare` (t_peak, fwhm, amplitude in relative flux) stands out from a flat box.

    `flux` is the curve as the detector got it (in any unit) and `sigma` its white noise relative to the
    median flux; the chi^2 is counted against the larger of that and the scatter the true model leaves in
    the window (red noise).
    """
    time, flux = np.asarray(time, dtype=float), np.asarray(flux, dtype=float)
    near = np.isfinite(time) & np.isfinite(flux) & (np.abs(time - flare["t_peak"]) <= HALF_WINDOW_DAYS)
    if np.count_nonzero(near) < MIN_POINTS:
        return False
    t, y = time[near], flux[near] / np.nanmedian(flux[np.isfinite(flux)])
    template = flare_binned(t, flare["t_peak"], flare["fwhm"], 1.0, cadence)
    baseline = np.vander((t - flare["t_peak"]) / HALF_WINDOW_DAYS, 3, increasing=True)
    quadratic = _chi2(baseline, y)
    with_flare, residual = _fit(np.column_stack([baseline, template]), y)
    scale = max(sigma, robust_std(residual)) ** 2
    brightest = int(np.argmax(template))
    boxes = box_columns(t.size, tuple((first, first + width) for width in range(1, MAX_BOX_CADENCES + 1)
                                      for first in range(brightest - width + 1, brightest + 1)
                                      if first >= 0 and first + width <= t.size))
    best_box = min(_chi2(np.column_stack([baseline, box]), y) for box in boxes.T)
    significant = (quadratic - with_flare) / scale >= MIN_SIGNIFICANCE**2
    return bool(significant and (best_box - with_flare) / scale >= IDENTIFIABLE_LEAD)


def _fit(design: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    residual = y - design @ coefficients
    return float(residual @ residual), residual


def _chi2(design: np.ndarray, y: np.ndarray) -> float:
    return _fit(design, y)[0]
