"""Flares are found at their injected times with sensible extents and energies; noise is not a flare."""
import numpy as np
import pytest

from core.detect.flares import find_flares, min_points_for_cadence
from core.flare_model import flare_template

CADENCE = 2.0 / 1440.0
LONG_CADENCE = 29.4 / 1440.0


def long_cadence_curve(rng, noise=1e-5, days=20.0):
    """A 30-min cadence time grid and white-noise residuals of `noise` (sigma is 1e-3 in these tests)."""
    t = np.arange(0.0, days, LONG_CADENCE)
    return t, rng.normal(0, noise, t.size)


def peak_cadences(events):
    return [round(e.t_peak / LONG_CADENCE) for e in events]


def test_injected_flares_are_found_at_their_peaks(rng):
    t = np.arange(0.0, 10.0, CADENCE)
    sigma = 1e-3
    peaks = [1.5, 4.25, 8.0]
    residual = rng.normal(0, sigma, t.size)
    for peak, amplitude in zip(peaks, [0.01, 0.02, 0.006]):
        residual += flare_template(t, peak, 10.0 / 1440.0, amplitude)
    events, mask = find_flares(t, residual, sigma)
    assert len(events) == 3
    for event, peak in zip(events, peaks):
        assert event.kind == "flare"
        assert event.t_start <= peak <= event.t_end
        assert event.t_peak == pytest.approx(peak, abs=2 * CADENCE)
        assert event.extra["equivalent_duration"] > 0
    assert mask.sum() >= 3 * 3


def test_equivalent_duration_matches_the_area_under_the_flare():
    t = np.arange(0.0, 2.0, CADENCE)
    residual = flare_template(t, 1.0, 20.0 / 1440.0, 0.05)
    events, _ = find_flares(t, residual + 1e-9, 1e-3)
    area = np.trapezoid(np.clip(residual, 0, None), t) * 86400
    assert events[0].extra["equivalent_duration"] == pytest.approx(area, rel=0.1)


def test_white_noise_has_no_flares(rng):
    t = np.arange(0.0, 27.0, CADENCE)
    events, mask = find_flares(t, rng.normal(0, 1e-3, t.size), 1e-3)
    assert events == [] and not mask.any()


def test_a_faint_long_flare_is_found_by_its_summed_significance_and_a_slow_rise_is_not():
    """A 4-sigma flare with a 20-min FWHM never clears the 4.5-sigma peak test, but spans
    ~20 points above 1 sigma; the same shape run backwards (slow rise, sudden drop) is no flare."""
    t = np.arange(0.0, 4.0, CADENCE)
    flare = flare_template(t, 2.0, 20.0 / 1440.0, 0.004)
    events, _ = find_flares(t, flare + 1e-9, 1e-3)
    assert [round(e.t_peak, 3) for e in events] == [2.0]
    assert find_flares(t, flare[::-1] + 1e-9, 1e-3)[0] == []


def test_most_faint_long_flares_in_noise_are_found_and_noise_alone_gives_none():
    """Seeded: five 4-sigma, 20-min flares in each of 20 curves. The consecutive-points test
    alone finds about 4 in 10 of them (noise breaks their runs); the summed significance ~8 in 10."""
    t = np.arange(0.0, 10.0, CADENCE)
    peaks = [1.3, 3.1, 5.2, 7.4, 9.0]
    found = false = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        residual = rng.normal(0, 1e-3, t.size)
        for peak in peaks:
            residual += flare_template(t, peak, 20.0 / 1440.0, 0.004)
        events, _ = find_flares(t, residual, 1e-3)
        found += sum(any(e.t_start <= p <= e.t_end for e in events) for p in peaks)
        false += sum(min(abs(e.t_peak - p) for p in peaks) > 30 * CADENCE for e in events)
        assert find_flares(t, rng.normal(0, 1e-3, t.size), 1e-3)[0] == []
    assert found >= 70 and false == 0


def test_a_single_high_point_is_not_a_flare_at_two_minute_cadence(rng):
    t = np.arange(0.0, 2.0, CADENCE)
    residual = rng.normal(0, 1e-3, t.size)
    residual[500] = 0.02
    assert find_flares(t, residual, 1e-3)[0] == []


def test_runs_do_not_bridge_data_gaps(rng):
    t = np.arange(0.0, 2.0, CADENCE)
    residual = rng.normal(0, 1e-4, t.size)
    residual[[700, 701]] = 0.01
    t = np.concatenate([t[:701], t[701:] + 0.5])  # a gap between the two high points
    assert find_flares(t, residual, 1e-3)[0] == []


def test_fewer_points_are_required_at_thirty_minute_cadence():
    assert min_points_for_cadence(2.0 / 1440.0) == 3
    assert min_points_for_cadence(29.4 / 1440.0) == 2


def test_long_cadence_flare_is_a_peak_with_a_decaying_tail_and_a_glitch_is_not(rng):
    t, residual = long_cadence_curve(rng, noise=1e-3)
    residual[100], residual[101] = 0.012, 0.004  # fast rise, slower decay: a short flare
    residual[300], residual[301] = 0.010, 0.010  # two equal points with quiet neighbours: a glitch
    events, _ = find_flares(t, residual, 1e-3)
    assert peak_cadences(events) == [100]


def test_two_equal_points_without_a_tail_are_a_glitch_but_a_decaying_pair_is_a_flare(rng):
    t, residual = long_cadence_curve(rng, noise=1e-4)
    residual[100:102] = [0.020, 0.019]  # glitch: up, up, straight down
    residual[300:303] = [0.020, 0.008, 0.003]  # flare: peak, decay, tail
    events, _ = find_flares(t, residual, 1e-3)
    assert peak_cadences(events) == [300]


def test_a_big_spike_over_a_noise_high_next_point_is_not_a_flare_but_binned_flares_are(rng):
    """At 30-min cadence the exposure after a flare's peak keeps >= ~9% of its excess (FWHM >= 4 min);
    after a cosmic-ray spike only noise is left, even when that noise happens to be 2.5 sigma."""
    from core.flare_model import flare_binned

    t, residual = long_cadence_curve(rng)
    residual[100:102] = [0.030, 0.0025]  # 30-sigma spike, 2.5-sigma noise after it
    residual[200:203] = [0.030, 0.029, 0.0025]  # 30-sigma two-cadence glitch, same
    peaks = [300.3, 500.6, 700.9]
    for peak, fwhm_min in zip(peaks, (4.0, 8.0, 20.0)):
        residual += flare_binned(t, peak * LONG_CADENCE, fwhm_min / 1440.0, 0.1, LONG_CADENCE)
    events, _ = find_flares(t, residual, 1e-3)
    assert peak_cadences(events) == [round(p) for p in peaks]


def test_a_spike_next_to_a_barely_high_noise_point_is_not_a_flare(rng):
    t, residual = long_cadence_curve(rng)
    residual[100:103] = [0.060, 0.0032, 0.0012]  # 60 sigma, then 3.2 and 1.2 sigma of noise
    residual[300:303] = [0.020, 0.0032, 0.0012]  # 20 sigma: 3.2 sigma is a 16% tail, a short flare
    events, _ = find_flares(t, residual, 1e-3)
    assert peak_cadences(events) == [300]


def test_a_flare_tail_across_one_missing_cadence_still_counts(rng):
    """K2 drops a cadence at every thruster firing: a flare just before one keeps its tail."""
    t, residual = long_cadence_curve(rng)
    residual[100], residual[102] = 0.012, 0.004  # peak, (cadence 101 missing), decaying tail
    keep = np.ones(t.size, dtype=bool)
    keep[101] = False
    events, _ = find_flares(t[keep], residual[keep], 1e-3)
    assert peak_cadences(events) == [100]
