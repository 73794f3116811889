"""Flares are found at their injected times by their shape; glitches, steps, flanks and noise are not flares."""
import numpy as np
import pytest

from core.detect.excursions import find_excursions
from core.detect.flares import candidate_peaks, flare_energy_erg, min_points_for_cadence
from core.flare_model import flare_binned, flare_equivalent_duration, flare_template

CADENCE = 2.0 / 1440.0
LONG_CADENCE = 29.4 / 1440.0
SIGMA = 1e-3


def flares_in(t, flux, sigma=SIGMA, star=None):
    """Flare events on a flat-baseline curve (the residual is the flux minus 1)."""
    return find_excursions(t, flux, flux - 1.0, sigma, np.ones(t.size, dtype=bool), glitches=False,
                           star=star).flares


def long_cadence_curve(rng, noise=1e-5, days=20.0):
    """A 30-min cadence time grid and a flat flux with white noise of `noise` (sigma is 1e-3 in these tests)."""
    t = np.arange(0.0, days, LONG_CADENCE)
    return t, 1.0 + rng.normal(0, noise, t.size)


def peak_cadences(events):
    return [round(e.t_peak / LONG_CADENCE) for e in events]


def test_injected_flares_are_found_at_their_peaks(rng):
    t = np.arange(0.0, 10.0, CADENCE)
    peaks = [1.5, 4.25, 8.0]
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    for peak, amplitude in zip(peaks, [0.01, 0.02, 0.006]):
        flux += flare_template(t, peak, 10.0 / 1440.0, amplitude)
    events = flares_in(t, flux)
    assert len(events) == 3
    for event, peak in zip(events, peaks):
        assert event.kind == "flare"
        assert event.t_start <= peak <= event.t_end
        assert event.t_peak == pytest.approx(peak, abs=2 * CADENCE)
        assert event.extra["equivalent_duration"] > 0


@pytest.mark.parametrize("cadence, fwhm_min", [(CADENCE, 6.0), (CADENCE, 25.0), (LONG_CADENCE, 20.0),
                                              (LONG_CADENCE, 60.0)])
def test_flare_properties_match_the_injected_davenport_flare(cadence, fwhm_min):
    """Known answers: equivalent duration within 10%, FWHM within 20%, on flares seen through exposures."""
    rng = np.random.default_rng(7)
    t = np.arange(0.0, 6.0, cadence)
    fwhm, amplitude = fwhm_min / 1440.0, 0.05
    flux = 1.0 + flare_binned(t, 3.0 + 0.3 * cadence, fwhm, amplitude, cadence) + rng.normal(0, SIGMA, t.size)
    (event,) = flares_in(t, flux)
    truth_ed = flare_equivalent_duration(fwhm, amplitude) * 86400.0
    assert event.extra["equivalent_duration"] == pytest.approx(truth_ed, rel=0.1)
    assert event.extra["fwhm"] == pytest.approx(fwhm, rel=0.2)
    assert 0 < event.extra["equivalent_duration_err"] < 0.1 * truth_ed
    assert event.extra["rise"] < event.extra["fwhm"] < event.extra["decay"] * 10


def test_white_noise_has_no_flares(rng):
    t = np.arange(0.0, 27.0, CADENCE)
    assert flares_in(t, 1.0 + rng.normal(0, SIGMA, t.size)) == []


def test_a_faint_long_flare_is_found_by_its_summed_significance_and_a_slow_rise_is_not():
    """A 4-sigma flare with a 20-min FWHM never clears the 4.5-sigma peak test, but spans
    ~20 points above 1 sigma; the same shape run backwards (slow rise, sudden drop) is no flare."""
    t = np.arange(0.0, 4.0, CADENCE)
    flare = flare_template(t, 2.0, 20.0 / 1440.0, 0.004)
    assert [round(e.t_peak, 3) for e in flares_in(t, 1.0 + flare)] == [2.0]
    assert flares_in(t, 1.0 + flare[::-1]) == []


def test_most_faint_long_flares_in_noise_are_found_and_noise_alone_gives_none():
    """Seeded: five 4-sigma, 20-min flares in each of 20 curves (summed significance ~10 each).

    Each must also beat a symmetric bump by 3 sigma (flare-like bumps are not flares), which a
    4-sigma flare manages about two times in three; noise alone never makes one."""
    t = np.arange(0.0, 10.0, CADENCE)
    peaks = [1.3, 3.1, 5.2, 7.4, 9.0]
    found = false = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        flux = 1.0 + rng.normal(0, SIGMA, t.size)
        for peak in peaks:
            flux += flare_template(t, peak, 20.0 / 1440.0, 0.004)
        events = flares_in(t, flux)
        found += sum(any(e.t_start <= p <= e.t_end for e in events) for p in peaks)
        false += sum(min(abs(e.t_peak - p) for p in peaks) > 30 * CADENCE for e in events)
        assert flares_in(t, 1.0 + rng.normal(0, SIGMA, t.size)) == []
    assert found >= 62 and false == 0


def test_a_single_high_point_is_not_a_flare_at_two_minute_cadence(rng):
    t = np.arange(0.0, 2.0, CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux[500] += 0.02
    assert flares_in(t, flux) == []


def test_fewer_points_are_required_at_thirty_minute_cadence():
    assert min_points_for_cadence(2.0 / 1440.0) == 3
    assert min_points_for_cadence(29.4 / 1440.0) == 2


def test_long_cadence_flare_is_a_peak_with_a_decaying_tail_and_a_glitch_is_not(rng):
    t, flux = long_cadence_curve(rng, noise=1e-3)
    flux[100:103] += [0.012, 0.004, 0.0015]  # fast rise, slower decay: a short flare
    flux[300:302] += [0.010, 0.010]  # two equal points with quiet neighbours: a glitch
    assert peak_cadences(flares_in(t, flux)) == [100]


def test_two_equal_points_without_a_tail_are_a_glitch_but_a_decaying_pair_is_a_flare(rng):
    t, flux = long_cadence_curve(rng, noise=1e-4)
    flux[100:102] += [0.020, 0.019]  # glitch: up, up, straight down
    flux[300:303] += [0.020, 0.008, 0.003]  # flare: peak, decay, tail
    assert peak_cadences(flares_in(t, flux)) == [300]


def test_a_big_spike_over_a_noise_high_next_point_is_not_a_flare_but_binned_flares_are(rng):
    """At 30-min cadence the exposure after a flare's peak keeps >= ~9% of its excess (FWHM >= 4 min);
    after a cosmic-ray spike only noise is left, even when that noise happens to be 2.5 sigma."""
    t, flux = long_cadence_curve(rng)
    flux[100:102] += [0.030, 0.0025]  # 30-sigma spike, 2.5-sigma noise after it
    flux[200:203] += [0.030, 0.029, 0.0025]  # 30-sigma two-cadence glitch, same
    peaks = [300.3, 500.6, 700.9]
    for peak, fwhm_min in zip(peaks, (8.0, 15.0, 30.0)):
        flux += flare_binned(t, peak * LONG_CADENCE, fwhm_min / 1440.0, 0.1, LONG_CADENCE)
    assert peak_cadences(flares_in(t, flux)) == [round(p) for p in peaks]


def test_a_flare_tail_across_one_missing_cadence_still_counts(rng):
    """K2 drops a cadence at every thruster firing: a flare just before one keeps its tail."""
    t, flux = long_cadence_curve(rng)
    flux[100:104] += [0.012, 0.006, 0.003, 0.0015]  # peak, decaying tail ...
    keep = np.ones(t.size, dtype=bool)
    keep[101] = False  # ... with its first cadence missing
    assert peak_cadences(flares_in(t[keep], flux[keep])) == [100]


def test_a_flare_whose_peak_was_dropped_from_the_table_is_still_a_flare(rng):
    """A table of good-quality rows often lost the flare's own (flagged) peak: the decay still shows it."""
    t, flux = long_cadence_curve(rng, noise=1e-3)
    flux += flare_binned(t, 200.2 * LONG_CADENCE, 40.0 / 1440.0, 0.08, LONG_CADENCE)
    keep = np.ones(t.size, dtype=bool)
    keep[200] = False
    events = flares_in(t[keep], flux[keep])
    assert len(events) == 1 and events[0].t_start <= 201 * LONG_CADENCE


def test_overlapping_flares_are_one_complex_flare_with_its_parts(rng):
    t = np.arange(0.0, 3.0, CADENCE)
    flux = 1.0 + rng.normal(0, SIGMA, t.size)
    flux += flare_template(t, 1.5, 8.0 / 1440.0, 0.03) + flare_template(t, 1.53, 6.0 / 1440.0, 0.015)
    (event,) = flares_in(t, flux)
    assert [round(p["t_peak"], 2) for p in event.extra["parts"]] == [1.5, 1.53]
    assert event.extra["peak_amplitude"] == pytest.approx(0.03, rel=0.2)


def test_a_spotted_flank_fools_the_run_test_but_not_the_shape_test():
    """30-min cadence, a 1.2-day rotator with 3% spots: a short trend lags the flanks, leaving runs of
    'high' points (candidates), but none rises faster than its neighbours or decays."""
    t = np.arange(0.0, 20.0, LONG_CADENCE)
    flux = 1.0 + 0.03 * np.sin(2 * np.pi * t / 1.2) + 0.012 * np.sin(4 * np.pi * t / 1.2 + 1.0)
    flux += np.random.default_rng(3).normal(0, 3e-4, t.size)
    from core.trend import fit_trend

    residual = flux / fit_trend(t, flux, "short").trend - 1.0
    assert candidate_peaks(t, flux, residual, 3e-4, LONG_CADENCE).size > 0
    assert find_excursions(t, flux, residual, 3e-4, np.ones(t.size, dtype=bool), glitches=False).flares == []


def test_a_jump_that_stays_is_a_step_not_a_flare(rng):
    t, flux = long_cadence_curve(rng, noise=1e-3)
    flux[300:] += 0.02
    assert flares_in(t, flux) == []


def test_energy_needs_the_star_and_scales_with_radius_squared():
    kepler = {"mission": "Kepler", "teff": 4500.0, "radius": 0.65}
    energy = flare_energy_erg(100.0, kepler)
    assert 1e32 < energy < 1e35
    assert flare_energy_erg(100.0, dict(kepler, radius=1.3)) == pytest.approx(4 * energy)
    assert flare_energy_erg(100.0, {"mission": "Kepler", "teff": 4500.0}) is None


def test_flares_carry_their_energy_when_the_star_is_known(rng):
    t = np.arange(0.0, 2.0, CADENCE)
    flux = 1.0 + flare_template(t, 1.0, 10.0 / 1440.0, 0.05) + rng.normal(0, SIGMA, t.size)
    star = {"mission": "TESS", "teff": 3200.0, "radius": 0.3}
    (event,) = flares_in(t, flux, star=star)
    assert event.extra["energy_erg"] == pytest.approx(flare_energy_erg(event.extra["equivalent_duration"], star))
