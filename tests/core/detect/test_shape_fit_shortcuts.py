"""The shape fit's shortcuts give what the direct computation gives, bit for bit: a flare's model only on
its support, the template grid only on the rows a template can reach, index-only columns shared between candidates."""
import numpy as np
import pytest

from core.config import AnalysisConfig
from core.detect import flares, shape_columns, shapes
from core.flare_model import flare_binned, flare_binned_grid, flare_support
from core.pipeline.first_look import first_look
from core.pipeline.prepared import prepare_curve
from core.synthetic import PlanetSpec, generate_lightcurve

CADENCES = [2.0 / 1440.0, 29.4 / 1440.0, 20.0 / 86400.0]


@pytest.mark.parametrize("cadence", CADENCES)
@pytest.mark.parametrize("fwhm_cadences", [0.2, 1.0, 7.0, 40.0])
def test_a_flare_model_is_exactly_zero_outside_its_support(rng, cadence, fwhm_cadences):
    time = np.sort(rng.uniform(0.0, 30.0, 20_000))
    fwhm = fwhm_cadences * cadence
    for t_peak in (0.0, rng.uniform(1.0, 29.0), 30.0, rng.choice(time)):
        full = flare_binned(time, t_peak, fwhm, 0.01, cadence)
        support = flare_support(time, t_peak, fwhm, cadence)
        outside = np.ones(time.size, dtype=bool)
        outside[support] = False
        assert np.all(full[outside] == 0.0)
        assert np.array_equal(flare_binned(time[support], t_peak, fwhm, 0.01, cadence), full[support])


def test_a_short_flares_support_is_a_small_part_of_a_long_curve():
    time = np.arange(0.0, 300.0, 2.0 / 1440.0)
    support = flare_support(time, 150.0, 10.0 / 1440.0, 2.0 / 1440.0)
    assert time[support.start] < 150.0 - 9.0 / 1440.0 and support.stop - support.start < 0.01 * time.size


@pytest.mark.parametrize("cadence", CADENCES)
def test_the_template_grid_equals_the_broadcast_templates_bit_for_bit(rng, cadence):
    time = np.sort(rng.uniform(100.0, 100.4, 300))
    centre = time[150]
    t_peaks = np.repeat(centre + cadence * np.arange(-1.0, 0.75, 0.25), 12)
    fwhms = np.tile(np.geomspace(min(cadence, 4.0 / 1440.0), 0.4 / 3.0, 12), 7)
    grid = flare_binned_grid(time, t_peaks, fwhms, cadence)
    assert np.array_equal(grid, flare_binned(time[:, None], t_peaks[None, :], fwhms[None, :], 1.0, cadence))
    assert np.all(grid[0] == 0.0) and grid.flags.c_contiguous


def reference_shape_fits(monkeypatch):
    """Every shortcut off: templates on every row, columns rebuilt for the refit and for every candidate, grids
    per candidate, flare models over the whole curve."""
    monkeypatch.setattr(shapes, "flare_binned_grid", lambda t, t_peaks, fwhms, exposure: flare_binned(
        t[:, None], t_peaks[None, :], fwhms[None, :], 1.0, exposure))
    monkeypatch.setattr(shapes, "_once", lambda columns, key, build: build())
    monkeypatch.setattr(shapes, "_geometric_grid", np.geomspace)
    for shared in ("box_columns", "partial_columns", "ramp_columns"):  # built anew, not shared between candidates
        monkeypatch.setattr(shapes, shared, getattr(shape_columns, shared).__wrapped__)
    monkeypatch.setattr(flares, "flare_support", lambda time, *args: slice(0, len(time)))


CURVES = {
    "tess": dict(n_points=4000, cadence_min=2.0, noise_ppm=800.0, rotation_period=1.3, rotation_amp=0.01,
                 red_noise_ppm=150.0, n_flares=6, n_outliers=8, glitch_cadences=(1, 3), n_bumps=3,
                 gap_ramp_amp_range=(0.002, 0.01), planets=[PlanetSpec(period=1.7, t0=1.0, rp_rs=0.08, duration=0.1)]),
    "kepler": dict(n_points=1500, cadence_min=29.4, noise_ppm=300.0, rotation_period=6.0, rotation_amp=0.005,
                   n_flares=5, n_outliers=6, n_bumps=2, gap_ramp_amp_range=(0.001, 0.005), mission="Kepler"),
}


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("seed", [0, 1])
def test_the_first_look_finds_the_same_flares_and_glitches_with_and_without_the_shortcuts(monkeypatch, name, seed):
    config = AnalysisConfig()
    lc, _ = generate_lightcurve(seed=seed, **CURVES[name])
    curve = prepare_curve(lc, config)
    fast = first_look(curve, config, lambda *args: None)
    assert fast.flares and fast.outliers  # the curve exercises both decisions
    with monkeypatch.context() as patched:
        reference_shape_fits(patched)
        slow = first_look(curve, config, lambda *args: None)
    assert fast.flares == slow.flares and fast.outliers == slow.outliers
    assert np.array_equal(fast.flare_mask, slow.flare_mask) and np.array_equal(fast.outlier_mask, slow.outlier_mask)
