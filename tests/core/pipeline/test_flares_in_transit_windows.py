"""A flare during a shallow transit is still a flare; a deep transit's edges are still no flares.

Once a candidate is known, its windows are kept from the short trend. They were kept
from the flare detector too, so a flare inside one (or inside a false candidate's,
whose depth is noise) came out as an outlier or as nothing. Flares on M dwarfs
during their planets' transits are what some users look for.
"""
import numpy as np

from core.flare_model import flare_binned
from core.lightcurve import from_arrays
from core.pipeline import analyze
from core.stats import point_to_point_std
from core.synthetic import PlanetSpec, generate_lightcurve

NOISE_PPM = 500.0


def _with_flare(lc, t_peak: float, peak_sigma: float, fwhm_min: float = 12.0):
    shape = flare_binned(lc.time, t_peak, fwhm_min / 1440.0, 1.0, lc.cadence_days)
    amplitude = peak_sigma * point_to_point_std(lc.flux) / shape.max()
    return from_arrays(lc.time, lc.flux + amplitude * shape, lc.flux_err, None, dict(lc.meta))


def _flares_at(result, t_peak: float):
    return [e for e in result.events if e.kind == "flare" and e.t_start - 0.01 <= t_peak <= e.t_end + 0.01]


def test_a_flare_in_the_middle_of_a_shallow_transit_is_found_and_the_planet_too():
    # 400 ppm deep under 500 ppm of noise per 2-min point: under a sigma, about SNR 20 over 10 transits.
    planet = PlanetSpec(period=2.0, t0=1326.0, rp_rs=0.02, duration=0.12)
    lc, _ = generate_lightcurve(14000, 2.0, 11, noise_ppm=NOISE_PPM, planets=[planet], gaps=False)
    t_peak = 1326.0 + 4 * 2.0 - 0.01  # the middle of the fifth transit
    result = analyze(_with_flare(lc, t_peak, 10.0))
    assert any(abs(c.period - 2.0) < 0.02 for c in result.transits)
    assert _flares_at(result, t_peak)


def test_a_deep_transits_edges_are_no_flares():
    # 1% deep under 500 ppm: its windows stay hidden from the flare detector.
    planet = PlanetSpec(period=2.0, t0=1326.0, rp_rs=0.1, duration=0.12)
    lc, _ = generate_lightcurve(14000, 2.0, 12, noise_ppm=NOISE_PPM, planets=[planet], gaps=False)
    result = analyze(lc)
    assert any(abs(c.period - 2.0) < 0.02 for c in result.transits)
    centres = 1326.0 + 2.0 * np.arange(-1, 11)
    near_transit = [e for e in result.events if e.kind == "flare"
                    and np.min(np.abs(0.5 * (e.t_start + e.t_end) - centres)) < 0.2]
    assert near_transit == []
