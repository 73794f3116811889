"""A fast, deep rotator turns within the shape-fit window: the baseline must follow it, or the misfit names the glitch.

On a 0.65-d rotator with spots 60 times the noise (issue 16's independent set has
spotted fast rotators), a quadratic over +-0.2 d leaves several sigma of curvature; a bump, a step or a
transit's recovery then explained that misfit better than a box explained a 12-sigma
spike, and the spike was reported as nothing.
"""
import numpy as np
import pytest

import core.detect.shapes as shapes
from core.detect.outliers import glitch_fit, max_glitch_cadences
from core.detect.shapes import fit_shapes

CADENCE = 2.0 / 1440.0
SIGMA = 2e-4


def _rotator(rng, spikes, period=0.65, amplitude=60 * SIGMA):
    time = 1000.0 + np.arange(8000) * CADENCE
    flux = 1.0 + amplitude * np.sin(2 * np.pi * time / period) + rng.normal(0, SIGMA, time.size)
    for index, sigmas in spikes:
        flux[index] += sigmas * SIGMA
    return time, flux


def _glitches(time, flux, spikes):
    found = []
    for index, sigmas in spikes:
        fit = fit_shapes(time, flux, SIGMA, index, CADENCE, int(np.sign(sigmas)), max_glitch_cadences(CADENCE))
        found.append(glitch_fit(fit, SIGMA, 5.0, CADENCE) is not None)
    return found


# Spikes and drops of 8-14 sigma at the rotation's turning points and flanks.
SPIKES = [(1200, 12.0), (2300, -10.0), (3100, 9.0), (4400, -14.0), (5600, 8.0), (6900, 11.0)]


def test_spikes_on_a_turning_rotator_are_glitches(rng):
    time, flux = _rotator(rng, SPIKES)
    assert all(_glitches(time, flux, SPIKES))


def test_with_a_quadratic_baseline_alone_the_misfit_hides_them(rng, monkeypatch):
    monkeypatch.setattr(shapes, "MISFIT_GAIN", np.inf)
    time, flux = _rotator(rng, SPIKES)
    assert sum(_glitches(time, flux, SPIKES)) <= len(SPIKES) // 2


@pytest.mark.parametrize("period", [3.0, 10.0])
def test_a_slow_rotator_keeps_the_quadratic(rng, period):
    time, flux = _rotator(rng, [(3000, 12.0)], period=period, amplitude=30 * SIGMA)
    window = np.abs(time - time[3000]) <= shapes.HALF_WINDOW_DAYS
    basis, _ = np.linalg.qr(np.vander((time[window] - time[3000]) / shapes.HALF_WINDOW_DAYS, 3, increasing=True))
    residual = flux[window] / SIGMA
    residual = residual - basis @ (basis.T @ residual)
    higher = shapes._powers(time[window], time[3000], shapes.HALF_WINDOW_DAYS, shapes.HIGHER_DEGREES[0])
    assert shapes._misfit(basis, higher, residual) < shapes.MISFIT_GAIN
