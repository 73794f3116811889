"""Synthetic curves: the signal models are right, and the truth says exactly what was injected."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.errors import ConfigError
from core.synthetic import (
    SAMPLE_DESCRIPTIONS,
    SAMPLE_NAMES,
    PlanetSpec,
    describe_sample,
    generate_lightcurve,
    generate_sample,
    generate_variant,
    sample_names,
)
from core.synthetic.noise import red_noise
from core.flare_model import flare_binned, flare_equivalent_duration, flare_template
from core.synthetic.signals import occulted_fraction, transit_dip

U1, U2 = 0.4, 0.25
LIMB_FACTOR = 1.0 / (1.0 - U1 / 3.0 - U2 / 6.0)  # central intensity over mean disc intensity
MINUTE = 1.0 / 1440.0


def uniform_disc_overlap(z: float, p: float) -> float:
    """Reference: fraction of a uniform unit disc hidden by a disc of radius p at distance z (lens area)."""
    if z >= 1 + p:
        return 0.0
    if z <= p - 1:
        return 1.0
    if z <= 1 - p:
        return p * p
    k0 = np.arccos((p * p + z * z - 1) / (2 * p * z))
    k1 = np.arccos((1 - p * p + z * z) / (2 * z))
    return float((p * p * k0 + k1 - 0.5 * np.sqrt(4 * z * z - (1 + z * z - p * p) ** 2)) / np.pi)


# --- Transit model ---------------------------------------------------------


@pytest.mark.parametrize("p", [0.02, 0.1, 0.3])
def test_occulted_fraction_of_uniform_disc_equals_exact_overlap_area(p):
    z = np.linspace(0.0, 1.0 + p + 0.05, 401)
    expected = np.array([uniform_disc_overlap(zz, p) for zz in z])
    np.testing.assert_allclose(occulted_fraction(z, p, 0.0, 0.0), expected, atol=1e-4 * p * p)


def test_central_transit_depth_is_radius_ratio_squared_times_limb_darkening_factor():
    p = 0.1
    depth = occulted_fraction(np.array([0.0]), p, U1, U2)[0]
    assert depth == pytest.approx(p * p * LIMB_FACTOR, rel=0.02)


def test_transit_is_symmetric_flat_bottomed_and_zero_outside_its_duration():
    planet = PlanetSpec(period=5.0, t0=10.0, rp_rs=0.1, b=0.2, duration=0.15)
    t = np.linspace(9.5, 10.5, 20001)
    dip = transit_dip(t, planet.period, planet.t0, planet.rp_rs, planet.a_rs, planet.b, U1, U2)
    outside = np.abs(t - planet.t0) > planet.duration / 2
    assert np.all(dip[outside] == 0.0)
    np.testing.assert_allclose(dip, dip[::-1], atol=1e-12)
    # Between 2nd and 3rd contact only limb darkening shapes the bottom: the middle
    # third of the transit stays within 15% of the deepest point.
    middle = np.abs(t - planet.t0) < planet.duration / 6
    assert dip[middle].min() > 0.85 * dip.max()


def test_transit_lasts_the_requested_duration():
    planet = PlanetSpec(period=7.0, t0=0.0, rp_rs=0.08, b=0.5, duration=0.2)
    t = np.linspace(-0.3, 0.3, 60001)
    dip = transit_dip(t, planet.period, planet.t0, planet.rp_rs, planet.a_rs, planet.b)
    in_transit = t[dip > 0]
    assert in_transit.max() - in_transit.min() == pytest.approx(0.2, abs=5e-5)


def test_planet_spec_derives_duration_from_a_rs_and_back():
    from_a = PlanetSpec(period=10.0, t0=0.0, rp_rs=0.1, b=0.3, a_rs=20.0)
    from_duration = PlanetSpec(period=10.0, t0=0.0, rp_rs=0.1, b=0.3, duration=from_a.duration)
    assert from_duration.a_rs == pytest.approx(20.0, rel=1e-9)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(period=0.0, t0=0, rp_rs=0.1, a_rs=10),
        dict(period=5.0, t0=0, rp_rs=1.2, a_rs=10),
        dict(period=5.0, t0=0, rp_rs=0.1, b=1.2, a_rs=10),
        dict(period=5.0, t0=0, rp_rs=0.1),
        dict(period=5.0, t0=0, rp_rs=0.1, a_rs=10, duration=0.1),
        dict(period=5.0, t0=0, rp_rs=0.1, a_rs=0.5),
    ],
)
def test_impossible_planets_are_refused(kwargs):
    with pytest.raises(ConfigError):
        PlanetSpec(**kwargs)


# --- Flare model -----------------------------------------------------------


def test_flare_template_peaks_at_its_amplitude_and_is_about_fwhm_wide():
    t = np.linspace(-2.0, 10.0, 1_200_001)
    flux = flare_template(t, t_peak=0.0, fwhm=1.0, amplitude=0.05)
    assert flux.max() == pytest.approx(0.05, rel=1e-6)
    assert t[np.argmax(flux)] == pytest.approx(0.0, abs=1e-5)
    half = t[flux >= 0.025]
    assert half.max() - half.min() == pytest.approx(1.0, rel=0.1)
    assert np.all(flux[t < -1.0] == 0.0)


def test_flare_equivalent_duration_is_the_integral_of_the_template():
    fwhm, amplitude = 12 * MINUTE, 0.08
    t = np.linspace(-1.0, 2.0, 3_000_001)
    integral = np.trapezoid(flare_template(t, 0.0, fwhm, amplitude), t)
    assert flare_equivalent_duration(fwhm, amplitude) > 0
    assert flare_equivalent_duration(fwhm, amplitude) == pytest.approx(integral, rel=1e-5)


def test_long_cadence_flare_is_the_template_averaged_over_each_exposure():
    exposure, fwhm = 30 * MINUTE, 8 * MINUTE
    times = 0.3 + np.arange(-3, 12) * exposure
    fine = times[:, None] + (np.arange(3000) + 0.5)[None, :] / 3000 * exposure - exposure / 2
    expected = flare_template(fine, 0.31, fwhm, 0.1).mean(axis=1)
    binned = flare_binned(times, 0.31, fwhm, 0.1, exposure)
    np.testing.assert_allclose(binned, expected, atol=1e-6)
    assert binned.max() < 0.5 * 0.1  # an 8-minute flare is smeared out at 30-minute cadence


# --- Noise -------------------------------------------------------------------


def test_red_noise_has_the_requested_sigma_and_correlation_time():
    cadence, tau, sigma = 2 * MINUTE, 2.0 / 24, 1e-3
    x = red_noise(400_000, cadence, sigma, tau, np.random.default_rng(3))
    assert x.std() == pytest.approx(sigma, rel=0.05)
    lag1 = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert lag1 == pytest.approx(np.exp(-cadence / tau), abs=0.005)


def test_white_noise_in_truth_matches_the_scatter_of_a_quiet_star():
    lc, truth = generate_lightcurve(seed=4, noise_ppm=500.0, gaps=False)
    assert truth.noise_sigma == pytest.approx(5e-4)
    assert np.std(lc.flux - 1.0) == pytest.approx(5e-4, rel=0.03)
    assert np.all(lc.flux_err == pytest.approx(5e-4))


# --- Generator: reproducibility, gaps, meta ----------------------------------

BUSY = dict(
    rotation_period=3.0,
    rotation_amp=0.005,
    red_noise_ppm=100.0,
    planets=(PlanetSpec(period=4.0, t0=1327.0, rp_rs=0.08, b=0.2, a_rs=12.0),),
    n_flares=5,
    n_outliers=10,
)


def test_same_seed_gives_identical_curve_and_truth():
    lc_a, truth_a = generate_lightcurve(seed=7, **BUSY)
    lc_b, truth_b = generate_lightcurve(seed=7, **BUSY)
    np.testing.assert_array_equal(lc_a.time, lc_b.time)
    np.testing.assert_array_equal(lc_a.flux, lc_b.flux)
    assert truth_a.to_dict() == truth_b.to_dict()


def test_different_seeds_give_different_curves():
    lc_a, truth_a = generate_lightcurve(seed=7, **BUSY)
    lc_b, truth_b = generate_lightcurve(seed=8, **BUSY)
    assert len(lc_a) != len(lc_b) or not np.array_equal(lc_a.flux, lc_b.flux)
    assert truth_a.events != truth_b.events


def test_gaps_remove_the_points_inside_them():
    lc, truth = generate_lightcurve(seed=1)
    assert len(truth.gaps) >= 2  # the mid-sector downlink and random small gaps
    assert truth.n_points == len(lc) < 20160
    full = 1325.30 + np.arange(20160) * 2 * MINUTE
    in_gap = np.zeros(len(full), dtype=bool)
    for start, end in truth.gaps:
        assert not np.any((lc.time >= start) & (lc.time <= end))
        in_gap |= (full >= start) & (full <= end)
    assert len(lc) == 20160 - in_gap.sum()
    assert any(end - start > 0.7 for start, end in truth.gaps)  # the ~1-day downlink


def test_without_gaps_every_cadence_is_kept():
    lc, truth = generate_lightcurve(n_points=5000, seed=1, gaps=False)
    assert len(lc) == 5000 and truth.gaps == []
    assert lc.cadence_days == pytest.approx(2 * MINUTE)


def test_meta_names_mission_time_system_and_marks_the_curve_synthetic():
    tess, _ = generate_lightcurve(n_points=100, seed=0, target="SYN-test")
    kepler, _ = generate_lightcurve(n_points=100, cadence_min=29.4244, seed=0, mission="Kepler")
    assert (tess.meta["mission"], tess.meta["time_system"], tess.meta["time_offset"]) == ("TESS", "BTJD", 2457000.0)
    assert (kepler.meta["mission"], kepler.meta["time_system"]) == ("Kepler", "BKJD")
    assert kepler.meta["time_offset"] == 2454833.0
    assert tess.meta["synthetic"] is True and tess.meta["target"] == "SYN-test"
    assert kepler.meta["cadence_min"] == pytest.approx(29.4244)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_points=5),
        dict(cadence_min=0.0),
        dict(mission="Hubble"),
        dict(noise_ppm=-1.0),
        dict(flare_amp_range=(0.1, 0.01)),
        dict(noise_ppm=0.0, n_outliers=3),
        dict(gaps=[(5.0, 4.0)]),
        dict(limb_darkening=(0.9, 0.5)),
    ],
)
def test_bad_parameters_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        generate_lightcurve(**kwargs)


def test_too_many_flares_for_the_curve_is_a_clear_error():
    with pytest.raises(ConfigError, match="no room"):
        generate_lightcurve(n_points=500, n_flares=200, seed=0)


def test_truth_is_json_serialisable_and_sorted_by_time():
    _, truth = generate_lightcurve(seed=3, **BUSY)
    data = json.loads(json.dumps(truth.to_dict(), allow_nan=False))
    peaks = [event["t_peak"] for event in data["events"]]
    assert peaks == sorted(peaks)
    assert {event["kind"] for event in data["events"]} == {"transit", "flare", "outlier"}
    for event in data["events"]:
        assert event["t_start"] <= event["t_peak"] <= event["t_end"]


def test_every_listed_event_has_data_inside_it():
    lc, truth = generate_lightcurve(seed=11, n_small_gaps=8, **BUSY)
    for event in truth.events:
        half_cadence = lc.cadence_days / 2
        inside = (lc.time >= event["t_start"] - half_cadence) & (lc.time <= event["t_end"] + half_cadence)
        assert inside.any(), event


# --- Generator: the truth matches the injected signals -------------------------

QUIET = dict(noise_ppm=0.0, gaps=False)


def test_transit_depth_and_period_are_recovered_from_the_noiseless_curve():
    planet = PlanetSpec(period=3.7, t0=1326.1, rp_rs=0.1, b=0.3, a_rs=11.0)
    lc, truth = generate_lightcurve(seed=0, planets=[planet], **QUIET)
    truth_planet = truth.planets[0]
    assert truth_planet["depth"] == pytest.approx(0.01 * LIMB_FACTOR, rel=0.05)
    assert 1.0 - lc.flux.min() == pytest.approx(truth_planet["depth"], rel=0.005)
    # Fold at the true period: all the dip is within half a duration of phase 0.
    phase = ((lc.time - truth_planet["t0"]) / truth_planet["period"] + 0.5) % 1.0 - 0.5
    dip = lc.flux < 1.0
    assert np.abs(phase[dip]).max() * truth_planet["period"] <= truth_planet["duration"] / 2 + lc.cadence_days
    # Mid-transit times step by the period.
    centres = [lc.time[np.argmin(np.where(np.abs(lc.time - e["t_peak"]) < 0.2, lc.flux, np.inf))]
               for e in truth.events_of("transit")]
    assert np.diff(centres) == pytest.approx(planet.period, abs=lc.cadence_days)


def test_one_transit_event_per_transit_centre_on_data():
    planet = PlanetSpec(period=3.0, t0=1326.0, rp_rs=0.08, a_rs=10.0)
    # Gaps swallow the 2nd transit (centre 1329.0) whole, the middle and egress of the 5th (1338.0),
    # and only the egress of the 7th (1344.0): its centre is still sampled.
    gaps = [(1328.8, 1329.2), (1337.97, 1338.3), (1344.01, 1344.3)]
    lc, truth = generate_lightcurve(seed=0, planets=[planet], noise_ppm=0.0, gaps=gaps)
    numbers = [event["transit_number"] for event in truth.events_of("transit")]
    centres = 1326.0 + 3.0 * np.arange(10)
    on_data = [n for n, c in enumerate(centres) if np.any(np.abs(lc.time - c) <= lc.cadence_days / 2)]
    assert numbers == on_data == [0, 2, 3, 5, 6, 7, 8, 9]
    assert truth.planets[0]["n_transits"] == 8
    for event in truth.events_of("transit"):
        assert event["planet"] == 0 and event["amplitude"] == -truth.planets[0]["depth"]
        assert event["t_end"] - event["t_start"] == pytest.approx(planet.duration)


def test_flare_flux_adds_up_to_its_equivalent_duration():
    lc, truth = generate_lightcurve(seed=5, n_flares=4, flare_amp_range=(0.01, 0.2), **QUIET)
    flares = truth.events_of("flare")
    assert len(flares) == 4
    for flare in flares:
        assert flare["equivalent_duration"] > 0
        assert flare["equivalent_duration"] == pytest.approx(
            flare_equivalent_duration(flare["fwhm"], flare["amplitude"]))
        window = (lc.time > flare["t_start"] - 0.01) & (lc.time < flare["t_end"] + 0.3)
        measured = np.sum(lc.flux[window] - 1.0) * lc.cadence_days
        assert measured == pytest.approx(flare["equivalent_duration"], rel=0.01)
        assert flare["observed_amplitude"] <= flare["amplitude"]


def _next_highest_ratios(cadence_min: float, fwhm_min: float, seeds: range) -> list[float]:
    """observed_second / observed_amplitude of one noise-free flare per seed, checked against the flux."""
    ratios = []
    for seed in seeds:
        lc, truth = generate_lightcurve(n_points=500, cadence_min=cadence_min, seed=seed, n_flares=1,
                                        flare_fwhm_range_min=(fwhm_min, fwhm_min), **QUIET)
        (flare,) = truth.events_of("flare")
        exposures = np.sort(lc.flux - 1.0)
        assert flare["observed_second"] == pytest.approx(exposures[-2], abs=1e-12)
        ratios.append(flare["observed_second"] / flare["observed_amplitude"])
    return ratios


def test_flare_truth_gives_the_next_highest_exposure() -> None:
    # Many 2-min exposures across a 30-min flare's peak: the next-highest is nearly as high.
    assert min(_next_highest_ratios(2.0, 30.0, range(3))) > 0.9
    # A 4-min flare in 30-min exposures: unless its peak falls at an exposure's edge,
    # the next exposure keeps only a small part of the excess.
    assert min(_next_highest_ratios(29.4, 4.0, range(10))) < 0.25


def test_flares_never_overlap_each_other_or_transits():
    _, truth = generate_lightcurve(seed=2, **(BUSY | {"n_flares": 12}))
    busy = sorted((e["t_start"], e["t_end"]) for e in truth.events if e["kind"] in ("flare", "transit"))
    for (_, end), (start, _) in zip(busy, busy[1:]):
        assert start > end


def test_outliers_sit_at_the_listed_times_with_the_listed_sigma():
    lc, truth = generate_lightcurve(seed=9, **BUSY)
    clean, _ = generate_lightcurve(seed=9, **(BUSY | {"n_outliers": 0}))
    noiseless, _ = generate_lightcurve(seed=9, **(BUSY | {"n_outliers": 0, "noise_ppm": 0.0}))
    outliers = truth.events_of("outlier")
    assert len(outliers) == 10
    injected = lc.flux - clean.flux  # every other component is drawn from its own stream
    hit = np.zeros(len(lc), dtype=bool)
    for outlier in outliers:
        cadences = (lc.time >= outlier["t_start"]) & (lc.time <= outlier["t_end"])
        assert cadences.sum() == outlier["n_cadences"]
        hit |= cadences
        np.testing.assert_allclose(injected[cadences], outlier["amplitude"], rtol=1e-9)
        assert abs(outlier["amplitude"]) / truth.noise_sigma == pytest.approx(outlier["sigma"])
        assert 7.0 <= outlier["sigma"] <= 20.0
        deviation = (lc.flux[cadences] - noiseless.flux[cadences]) / truth.noise_sigma
        assert np.all(np.abs(deviation - np.sign(outlier["amplitude"]) * outlier["sigma"]) < 4.5)
    np.testing.assert_allclose(injected[~hit], 0.0, atol=1e-12)
    shapes = {o["shape"] for o in outliers}
    assert {"spike", "drop"} <= shapes or "glitch" in shapes


# --- The five samples and their variants ---------------------------------------


def test_five_named_samples_each_with_a_one_line_description():
    assert SAMPLE_NAMES == ("normal_star", "exoplanet_transit", "stellar_flares", "noisy_outliers", "complex_system")
    assert set(SAMPLE_DESCRIPTIONS) == set(SAMPLE_NAMES)
    assert all(len(text) < 120 and "\n" not in text for text in SAMPLE_DESCRIPTIONS.values())


def test_normal_star_has_rotation_and_nothing_to_find():
    lc, truth = generate_sample("normal_star")
    assert truth.events == [] and truth.planets == []
    assert truth.rotation_period and truth.rotation_amp > 0
    assert lc.meta["mission"] == "TESS" and lc.meta["target"] == "SYN-normal_star-seed101"


def test_exoplanet_transit_has_a_15_day_planet_with_at_least_5_transits():
    lc, truth = generate_sample("exoplanet_transit")
    assert lc.meta["mission"] == "Kepler" and lc.meta["time_system"] == "BKJD"
    assert lc.meta["cadence_min"] == pytest.approx(29.4, abs=0.1)
    assert 4000 <= len(lc) <= 4400 and lc.meta["time_span_days"] > 85
    (planet,) = truth.planets
    assert planet["period"] == 15.0
    assert planet["depth"] == pytest.approx(0.01, rel=0.1)
    assert len(truth.events_of("transit")) == planet["n_transits"] >= 5


def test_stellar_flares_has_several_flares_from_faint_to_strong():
    lc, truth = generate_sample("stellar_flares")
    assert lc.meta["cadence_min"] == 2.0 and len(lc) > 18000
    amplitudes = [flare["amplitude"] for flare in truth.events_of("flare")]
    assert len(amplitudes) >= 6 and len(truth.events) == len(amplitudes)
    assert max(amplitudes) / min(amplitudes) > 5
    assert min(amplitudes) / truth.noise_sigma > 5  # all detectable in principle


def test_noisy_outliers_has_about_20_outliers_of_both_signs():
    _, truth = generate_sample("noisy_outliers")
    outliers = truth.events_of("outlier")
    assert len(outliers) == len(truth.events) == 20
    assert {np.sign(o["amplitude"]) for o in outliers} == {-1.0, 1.0}
    assert any(o["n_cadences"] == 2 for o in outliers)
    assert truth.noise_sigma >= 1e-3


def test_complex_system_has_rotation_a_planet_flares_outliers_and_gaps():
    _, truth = generate_sample("complex_system")
    assert truth.rotation_amp > 0 and len(truth.gaps) >= 2
    assert len(truth.planets) == 1 and len(truth.events_of("transit")) >= 3
    assert len(truth.events_of("flare")) >= 2 and len(truth.events_of("outlier")) >= 3


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_are_identical_run_to_run(name):
    lc_a, truth_a = generate_sample(name)
    lc_b, truth_b = generate_sample(name)
    np.testing.assert_array_equal(lc_a.flux, lc_b.flux)
    assert truth_a.to_dict() == truth_b.to_dict()


def test_another_seed_changes_the_realisation_but_not_the_planet():
    _, default = generate_sample("exoplanet_transit")
    _, other = generate_sample("exoplanet_transit", seed=5)
    assert other.planets[0]["period"] == default.planets[0]["period"] == 15.0
    assert other.gaps != default.gaps and other.target == "SYN-exoplanet_transit-seed5"


def test_variants_cycle_through_the_kinds_with_their_own_parameters():
    names = sample_names(12)
    assert names[:5] == list(SAMPLE_NAMES)
    assert names[5:8] == ["normal_star_v5", "exoplanet_transit_v6", "stellar_flares_v7"]
    lc, truth = generate_variant(6)
    assert lc.meta["sample"] == "exoplanet_transit_v6" and truth.target.startswith("SYN-exoplanet_transit_v6-")
    assert truth.planets[0]["period"] != 15.0 and len(truth.events_of("transit")) >= 5
    assert "variant 6" in describe_sample("exoplanet_transit_v6")
    assert generate_sample("exoplanet_transit_v6")[1].to_dict() == truth.to_dict()


@pytest.mark.parametrize("name", ["galaxy", "normal_star_v6", "normal_star_v2", "exoplanet_transit_vx"])
def test_unknown_sample_names_are_refused(name):
    with pytest.raises(ConfigError, match="unknown sample"):
        generate_sample(name)
