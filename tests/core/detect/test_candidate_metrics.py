"""Known answers for each vetting metric on seeded synthetic curves measured at the true ephemeris."""
import numpy as np
import pytest

from core.detect.candidate_metrics import measure_candidate, rotation_harmonic
from core.detect.periodogram_metrics import alias_table, false_alarm_probability
from core.result import Periodogram, TransitCandidate
from core.synthetic.binaries import BinarySpec, eclipse_dips
from core.synthetic.signals import a_rs_from_duration, transit_dip

CADENCE = 2.0 / 1440.0
NOISE = 5e-4


def _curve(seed: int, days: float = 27.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, days, CADENCE)
    return t, 1.0 + rng.normal(0.0, NOISE, t.size)


def _candidate(period: float, t0: float, duration: float, depth: float) -> TransitCandidate:
    return TransitCandidate(period=period, t0=t0, duration=duration, depth=depth, snr=50.0, sde=20.0, n_transits=5)


def _measure(t, flux, candidate, **kwargs):
    return measure_candidate(t, flux, np.ones(t.size, dtype=bool), candidate, **kwargs)


def _planet(t, period, t0, duration, rp_rs=0.06, b=0.2):
    a_rs = a_rs_from_duration(period, rp_rs, duration, b)
    return transit_dip(t, period, t0, rp_rs, a_rs, b, exposure=CADENCE, n_sub=3)


def test_a_planet_has_no_odd_even_difference_no_secondary_and_a_flat_bottom():
    t, flux = _curve(1)
    flux -= _planet(t, 3.1, 1.2, 0.12)
    m = _measure(t, flux, _candidate(3.1, 1.2, 0.12, 0.0036))
    assert m.odd_even_sigma < 3.0
    assert m.secondary_sigma < 4.0
    assert m.v_shape < 0.6
    assert m.max_single_event_share < 0.3
    assert len(m.per_transit) == 9
    assert np.median([p.depth for p in m.per_transit]) == pytest.approx(m.odd_depth, rel=0.2)


def test_an_eclipsing_binary_shows_its_secondary_at_half_phase():
    t, flux = _curve(2)
    spec = BinarySpec(period=2.6, t0=0.7, primary_depth=0.01, secondary_depth=0.003, radius_ratio=0.3, b=0.2,
                      duration=0.15)
    flux -= eclipse_dips(t, spec, CADENCE, 3)
    m = _measure(t, flux, _candidate(2.6, 0.7, 0.15, 0.009))
    assert m.secondary_phase == pytest.approx(0.5, abs=0.01)
    assert m.secondary_sigma > 20.0
    assert m.secondary_depth == pytest.approx(0.003, rel=0.3)  # the box's mean depth: a little under the deepest


def test_unequal_eclipses_folded_at_half_the_period_differ_odd_against_even():
    t, flux = _curve(3)
    spec = BinarySpec(period=4.0, t0=0.9, primary_depth=0.006, secondary_depth=0.004, radius_ratio=0.3, b=0.1,
                      duration=0.16)
    flux -= eclipse_dips(t, spec, CADENCE, 3)
    m = _measure(t, flux, _candidate(2.0, 0.9, 0.16, 0.005))
    assert m.odd_even_sigma > 10.0
    assert m.even_depth > m.odd_depth  # epoch 0 (even) is the primary
    assert m.even_depth / m.odd_depth == pytest.approx(1.5, rel=0.2)


def test_a_grazing_eclipse_is_v_shaped_and_a_central_transit_is_not():
    t, flux = _curve(4)
    grazing = BinarySpec(period=3.3, t0=0.5, primary_depth=0.01, secondary_depth=0.0, radius_ratio=0.2, b=1.05,
                         duration=0.14)
    m_grazing = _measure(t, flux - eclipse_dips(t, grazing, CADENCE, 3), _candidate(3.3, 0.5, 0.1, 0.006))
    m_central = _measure(t, flux - _planet(t, 3.3, 0.5, 0.14, rp_rs=0.1, b=0.0), _candidate(3.3, 0.5, 0.12, 0.01))
    assert m_grazing.v_shape >= 0.8 and m_grazing.v_shape_sigma > 5.0
    assert m_grazing.b_plus_k >= 0.95
    assert m_central.v_shape <= 0.4
    assert m_central.v_shape_sigma < 3.0


def test_period_uncertainty_shrinks_with_more_transits():
    errors = []
    for days in (10.0, 27.0, 80.0):
        t, flux = _curve(5, days)
        flux -= _planet(t, 2.2, 0.4, 0.1)
        m = _measure(t, flux, _candidate(2.2, 0.4, 0.1, 0.0036))
        assert m.period_err > 0
        errors.append(m.period_err)
    assert errors[0] > 2 * errors[1] > 4 * errors[2]


def test_the_period_error_covers_a_candidate_period_that_is_off():
    t, flux = _curve(6)
    flux -= _planet(t, 2.2, 0.4, 0.1)
    m = _measure(t, flux, _candidate(2.2005, 0.4, 0.1, 0.0036))
    assert m.period_err >= 0.0004


def test_one_deep_event_carries_the_signal():
    t, flux = _curve(7)
    flux -= 0.0005 * (np.abs(np.mod(t - 1.0 + 1.5, 3.0) - 1.5) < 0.05)
    flux -= 0.01 * (np.abs(t - 10.0) < 0.05)
    m = _measure(t, flux, _candidate(3.0, 1.0, 0.1, 0.001))
    assert m.max_single_event_share > 0.8


def test_a_smooth_modulation_is_mostly_sinusoid_and_a_box_is_not():
    t, flux = _curve(8)
    box = _measure(t, flux - 0.003 * (np.abs(np.mod(t - 1.0 + 1.5, 3.0) - 1.5) < 0.06),
                   _candidate(3.0, 1.0, 0.12, 0.003))
    wave = _measure(t, flux + 0.003 * np.cos(2 * np.pi * (t - 1.0) / 3.0), _candidate(3.0, 1.0, 0.5, 0.003))
    assert box.sine_vs_box < 0.35
    assert box.sine_vs_box == pytest.approx(box.sine_vs_box_of_box, abs=0.05)  # what a noiseless box gives
    assert wave.sine_vs_box > 0.8


def test_a_box_keeps_its_own_shape_beyond_the_sinusoids_whatever_the_rotation_under_it():
    # A planet at the period of a spotted star's modulation (issue 16: a planet at twice the rotation
    # period was vetoed as rotation): the sinusoids take the rotation and part of the box, but the box
    # keeps what a box keeps beyond them; a rotation minimum alone keeps little.
    t, flux = _curve(10)
    transit = 0.003 * (np.abs(np.mod(t - 1.0 + 1.5, 3.0) - 1.5) < 0.06)
    spots = 0.004 * np.cos(2 * np.pi * (t - 1.0) / 3.0) + 0.002 * np.cos(2 * np.pi * (t - 1.0) / 6.0)
    alone = _measure(t, flux - transit, _candidate(3.0, 1.0, 0.12, 0.003))
    on_spots = _measure(t, flux - transit + spots, _candidate(3.0, 1.0, 0.12, 0.003))
    spots_only = _measure(t, flux + spots, _candidate(3.0, 1.0, 0.5, 0.003))
    assert alone.box_beyond_sines == pytest.approx(1.0, abs=0.1)
    assert on_spots.sine_vs_box > 1.0  # the SWEET-like ratio alone would call it rotation
    assert on_spots.box_beyond_sines == pytest.approx(1.0, abs=0.15)
    assert spots_only.box_beyond_sines < 0.3


def test_duration_ratio_against_the_star():
    t, flux = _curve(9)
    flux -= _planet(t, 3.0, 1.0, 0.12, b=0.0)
    sun = {"radius": 1.0, "logg": 4.44}
    m = _measure(t, flux, _candidate(3.0, 1.0, 0.12, 0.0036), star=sun)
    assert m.expected_duration == pytest.approx(0.125, rel=0.1)  # a Sun-like star's central transit at 3 d
    assert m.duration_ratio == pytest.approx(1.0, abs=0.25)
    assert _measure(t, flux, _candidate(3.0, 1.0, 0.12, 0.0036)).duration_ratio is None


def test_rotation_harmonics_are_named_within_the_rotation_uncertainty():
    assert rotation_harmonic(4.0, 2.0) == "2 x P_rot"  # Lomb-Scargle's half rotation of a two-spot star
    assert rotation_harmonic(0.67, 2.0) == "P_rot / 3"
    assert rotation_harmonic(10.0, 2.0) == "5 x P_rot"  # Lomb-Scargle took a sharp spot's fifth harmonic
    assert rotation_harmonic(12.0, 2.0) is None
    assert rotation_harmonic(2.5, 2.0) is None
    assert rotation_harmonic(2.08, 2.0, span=10.0) == "P_rot"  # a 10-day curve knows a 2-day rotation to 5%
    assert rotation_harmonic(2.3, 2.0, span=2.0) is None  # never wider than 5%
    assert rotation_harmonic(2.1, None) is None


def test_false_alarm_probability_falls_with_the_peak_height():
    rng = np.random.default_rng(10)
    periods = np.geomspace(0.5, 10.0, 4000)
    power = rng.normal(0, 1, periods.size)
    power = np.convolve(power, np.ones(5) / 5, mode="same")
    power = (power - power.mean()) / power.std()
    gram = Periodogram(period=periods, power=power)
    faps = [false_alarm_probability(gram, sde, [3.0], 0.1, 27.0) for sde in (power.max(), 6.0, 12.0)]
    assert 0.3 < faps[0] <= 1.0  # the highest noise peak is no detection
    assert faps[0] > faps[1] > faps[2]
    assert faps[2] < 1e-4
    assert np.isnan(false_alarm_probability(None, 10.0, [3.0], 0.1, 27.0))


def test_alias_table_reads_the_periodogram_at_simple_multiples():
    periods = np.geomspace(0.5, 10.0, 4000)
    power = np.zeros(periods.size)
    for p, height in ((2.0, 15.0), (1.0, 7.0), (4.0, 9.0)):
        power[np.argmin(np.abs(periods - p))] = height
    table = {a.label: a.sde for a in alias_table(Periodogram(period=periods, power=power), 2.0, 0.1, 27.0)}
    assert table["P"] == 15.0 and table["P/2"] == 7.0 and table["2P"] == 9.0
    assert table["P/3"] == pytest.approx(0.0)
    assert alias_table(Periodogram(period=periods, power=power), 4.0, 0.1, 27.0)[-1].sde is None  # 12 d: not searched
