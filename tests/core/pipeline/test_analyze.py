"""analyze() end to end: the samples' promised content, real planets and flares, the JSON contract."""
import json

import numpy as np
import pytest

from core import AnalysisConfig, LightCurveFormatError, analyze, from_arrays, generate_sample, load_lightcurve
from core.__main__ import main
from tests.conftest import REPO_ROOT


def _matched(truth_events, found, kind, slack=0.01):
    found = [e for e in found if e.kind == kind]
    truths = [e for e in truth_events if e["kind"] == kind]
    hits = sum(any(f.t_start - slack <= e["t_peak"] <= f.t_end + slack for f in found) for e in truths)
    false = sum(not any(f.t_start - slack <= e["t_peak"] <= f.t_end + slack for e in truths) for f in found)
    return len(truths), hits, false


@pytest.fixture(scope="module")
def sample_results():
    return {name: (truth, analyze(lc)) for name, (lc, truth) in
            ((n, generate_sample(n)) for n in ("normal_star", "exoplanet_transit", "stellar_flares",
                                               "noisy_outliers", "complex_system"))}


def test_normal_star_gives_no_events(sample_results):
    _, result = sample_results["normal_star"]
    assert result.transits == []
    assert len(result.events) <= 1


def test_exoplanet_sample_period_is_fifteen_days_and_every_transit_is_an_event(sample_results):
    truth, result = sample_results["exoplanet_transit"]
    assert len(result.transits) == 1
    assert result.transits[0].period == pytest.approx(15.0, rel=0.01)
    assert _matched(truth.events, result.events, "transit")[1] == len(truth.planets and
                                                                    [e for e in truth.events if e["kind"] == "transit"])


def test_flare_sample_finds_every_flare_and_nothing_else(sample_results):
    truth, result = sample_results["stellar_flares"]
    n, hits, false = _matched(truth.events, result.events, "flare")
    assert hits == n and false == 0
    assert result.transits == []


def test_outlier_sample_finds_every_outlier_without_false_ones(sample_results):
    truth, result = sample_results["noisy_outliers"]
    n, hits, false = _matched(truth.events, result.events, "outlier")
    assert hits == n and false == 0


def test_complex_system_separates_planet_flares_and_outliers(sample_results):
    truth, result = sample_results["complex_system"]
    assert len(result.transits) == 1
    assert result.transits[0].period == pytest.approx(truth.planets[0]["period"], rel=0.01)
    for kind in ("flare", "outlier"):
        n, hits, false = _matched(truth.events, result.events, kind)
        assert hits == n and false == 0, kind


def test_result_dict_has_the_designed_json_shape(sample_results):
    _, result = sample_results["complex_system"]
    document = json.loads(json.dumps(result.to_dict()))
    assert set(document) >= {"n_points", "meta", "transits", "events", "timings"}
    assert set(document["transits"][0]) >= {"period", "t0", "duration", "depth", "snr", "sde", "n_transits"}
    assert set(document["events"][0]) >= {"kind", "t_start", "t_end", "t_peak", "amplitude", "snr", "score"}
    assert {"prepare", "flares_outliers", "detrend_transits", "transits", "anomaly", "total"} <= set(document["timings"])
    assert document["meta"]["time_system"] == "BTJD"
    labels = result.labels
    assert labels.shape == result.time.shape == result.trend.shape == result.detrended.shape


def test_detectors_can_be_switched_off(sample_results):
    lc, _ = generate_sample("complex_system")
    result = analyze(lc, AnalysisConfig(detectors=("flares",)))
    assert {e.kind for e in result.events} == {"flare"}
    assert result.periodogram is None


def test_too_few_good_points_is_a_clear_error():
    t = np.arange(30) * 0.01
    quality = np.full(30, 1)
    lc = from_arrays(t, np.ones(30), None, quality, {"quality_bitmask": 1})
    with pytest.raises(LightCurveFormatError, match="bad-quality"):
        analyze(lc)


@pytest.mark.parametrize("flux, match", [
    (np.zeros(300), "same value"),  # a fill value, built in Python rather than read from a file
    (np.random.default_rng(1).normal(0, 1e-3, 300), "centred on zero"),  # a differential flux
    # Constant but for rounding error: which points look "extreme" to the trend was decided by rounding.
    (1.0 + 1e-16 * np.random.default_rng(2).normal(size=300), "rounding error"),
])
def test_flux_that_cannot_be_normalised_is_a_clear_error(flux, match):
    lc = from_arrays(np.arange(300) * 0.02, flux)
    with pytest.raises(LightCurveFormatError, match=match):
        analyze(lc)


@pytest.mark.parametrize("n_points, scored", [(50, False), (62, True)])
def test_a_curve_of_one_window_is_analysed_without_the_anomaly_ensemble(rng, n_points, scored):
    # 50-point windows in steps of 12: 50 points make one window, too few to fit the ensemble on.
    lc = from_arrays(np.arange(n_points) * 0.02, 1.0 + rng.normal(0, 1e-3, n_points))
    result = analyze(lc)
    assert (result.anomaly_scores is not None) == scored
    assert not [e for e in result.events if e.kind == "anomaly"]


PLANETS = {
    "wasp18b_flat_lightcurve.csv": 0.941478,
    "pi_men_tess_s01_detrended.csv": 6.268439,
    "koi1003_kepler_q2.csv": 8.354339,
}


@pytest.mark.parametrize("name", sorted(PLANETS))
def test_real_planet_periods_are_found_within_one_percent(real_data_dir, name):
    result = analyze(load_lightcurve(real_data_dir / name))
    assert result.transits, "no candidate"
    assert result.transits[0].period == pytest.approx(PLANETS[name], rel=0.01)


FLARE_STARS = ("kplr010002792-2009259160929_llc.fits", "kplr010002792-2010174085026_llc.fits",
               "ktwo211117077-c04_llc.fits", "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits")
LABELS = json.loads((REPO_ROOT / "data" / "labels" / "flares_by_eye.json").read_text())["files"]


@pytest.mark.parametrize("name", FLARE_STARS)
def test_flare_stars_have_no_transit_and_their_confirmed_flares_are_found(real_data_dir, real_manifest, name):
    """Every flare MANIFEST.json confirms is found, but those our by-eye labels show are something else
    (data/labels/README.md), which must not be called flares."""
    result = analyze(load_lightcurve(real_data_dir / name))
    assert result.transits == [], "rotation or noise called a planet"
    flares = [e for e in result.events if e.kind == "flare"]
    cadence = np.median(np.diff(result.time))
    not_flares = [float(t) for t in LABELS[name].get("notes", {})]

    def reported(t_peak):
        return any(f.t_start - cadence <= t_peak <= f.t_end + cadence for f in flares)

    confirmed = real_manifest[name]["ground_truth"]["flares"]
    assert confirmed
    for truth in confirmed:
        relabelled = any(abs(truth["t_peak"] - t) < 2 * cadence for t in not_flares)
        assert reported(truth["t_peak"]) != relabelled, truth


def test_cli_prints_json_and_exits_zero(tmp_path, capsys):
    lc, _ = generate_sample("noisy_outliers")
    path = tmp_path / "curve.csv"
    path.write_text("time,flux\n" + "\n".join(f"{t:.8f},{f:.8f}" for t, f in zip(lc.time, lc.flux)))
    assert main(["analyze", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert sum(e["kind"] == "outlier" for e in document["events"]) == 20


def test_cli_reports_progress_on_a_terminal_only_and_can_skip_the_roll_correction(
        real_data_dir, monkeypatch, capsys):
    k2 = str(real_data_dir / "ktwo211117077-c04_llc.fits")
    assert main(["analyze", k2, "--detectors", "flares"]) == 0
    out, err = capsys.readouterr()
    assert "K2 roll corrected" in out and err == ""  # stderr is not a terminal under pytest
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["analyze", k2, "--detectors", "flares", "--no-k2-roll-correction"]) == 0
    out, err = capsys.readouterr()
    assert "K2 roll corrected" not in out
    assert "[100%] Done" in err.splitlines()


def test_cli_bad_input_is_one_line_and_exit_two(tmp_path, capsys):
    path = tmp_path / "junk.fits"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err
    assert main(["analyze", str(path), "--contamination", "2"]) == 2


def test_transit_trend_bends_for_a_spotted_star_and_stays_straight_for_a_quiet_star():
    from core.synthetic import generate_lightcurve

    quiet, _ = generate_lightcurve(seed=3, noise_ppm=500)
    # The generator's spots wander by half a radian within a few rotations: the
    # rotations do not repeat well enough for the rotation trend, a quadratic wins.
    spotted, _ = generate_lightcurve(seed=3, noise_ppm=500, rotation_period=2.0, rotation_amp=0.02)
    config = AnalysisConfig(detectors=("transits",))
    meta = analyze(quiet, config).meta
    assert (meta["transit_trend_degree"], meta["transit_trend_rotation_days"]) == (1, None)
    assert analyze(spotted, config).meta["transit_trend_degree"] == 2


def test_planet_of_a_fast_spotted_rotator_is_found_beside_the_rotation(rng):
    """Stable spots 3% deep on a 1.16-day rotator hide a 0.5% transit from every local polynomial."""
    from core.lightcurve import from_arrays

    t = np.arange(0.0, 90.0, 29.4244 / 1440.0)
    phase = 2 * np.pi * t / 1.16
    spots = 0.03 * np.maximum(np.cos(phase), 0) + 0.015 * np.maximum(np.cos(phase - 2.2), 0) ** 2
    in_transit = np.abs(np.mod(t - 1.7 + 2.65, 5.3) - 2.65) < 0.085
    flux = (1.0 - spots) * (1.0 - 0.005 * in_transit) + rng.normal(0, 8e-4, t.size)
    result = analyze(from_arrays(t, flux), AnalysisConfig(detectors=("transits",)))
    assert result.meta["transit_trend_rotation_days"] == pytest.approx(1.16, rel=0.02)
    assert [round(c.period, 2) for c in result.transits] == [5.3]
    # Each polynomial option alone leaves the planet unfound.
    from core.detect.transits import search_transits
    from core.trend.transit import candidate_trends

    for option in candidate_trends(0.75):
        trend, _ = option.fit(t, flux)
        found = search_transits(t, flux / trend, avoid_periods=(0.58, 1.16, 2.32)).candidates
        assert not any(abs(c.period / 5.3 - 1) < 0.01 for c in found), option


def test_a_spike_at_thirty_minute_cadence_is_an_outlier_with_quiet_neighbours():
    from core.synthetic import generate_lightcurve

    lc, truth = generate_lightcurve(n_points=4000, cadence_min=29.4244, seed=11, noise_ppm=500,
                                    rotation_period=3.0, rotation_amp=0.01, n_outliers=10, mission="Kepler")
    result = analyze(lc)
    n, hits, false = _matched(truth.events, result.events, "outlier", slack=0.03)
    assert hits >= n - 1 and false <= 1


def test_a_shallow_planet_whose_transit_meets_a_deep_ones_is_kept(rng):
    """WASP-18-like: the shallow planet's epochs that fall on the deep planet's transits
    must not make it look like a glitch when it is re-measured."""
    from core.detect.vetting import transit_mask
    from core.lightcurve import from_arrays

    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size)
    flux -= 0.008 * transit_mask(t, 0.9415, 0.30, 0.09)
    flux -= 0.001 * transit_mask(t, 1.747, 0.33, 0.17)  # its first transit sits on the deep one's
    result = analyze(from_arrays(t, flux), AnalysisConfig(detectors=("transits",)))
    assert sorted(round(c.period, 2) for c in result.transits) == [0.94, 1.75]


def test_glitches_inside_transits_are_outliers_but_a_v_shaped_bottom_is_not(rng):
    from core.detect.vetting import transit_mask
    from core.lightcurve import from_arrays

    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    flux = 1.0 + rng.normal(0, 5e-4, t.size)
    phase = np.mod(t - 1.0 + 1.5, 3.0) - 1.5
    flux -= 0.02 * np.clip(1.0 - np.abs(phase) / 0.06, 0.0, None)  # V-shaped eclipses every 3 days
    flux -= 0.004 * transit_mask(t, 4.3, 2.2, 0.12)  # and a box transit
    spike = int(np.argmin(np.abs(t - (2.2 + 4.3 * 3))))  # the middle of a transit
    drop = int(np.argmin(np.abs(t - (2.2 + 4.3 * 4 + 0.03))))
    flux[spike] += 0.006
    flux[drop] -= 0.012
    # A smooth extra dip under one transit (what a trend error across the window looks
    # like) is below the floor, but no point of it is below its neighbours.
    flux -= 0.01 * np.exp(-0.5 * ((t - (2.2 + 4.3 * 2)) / 0.03) ** 2)
    result = analyze(from_arrays(t, flux), AnalysisConfig(detectors=("transits", "outliers")))
    assert sorted(round(c.period, 1) for c in result.transits) == [3.0, 4.3]
    outliers = sorted(e.t_peak for e in result.events if e.kind == "outlier")
    assert outliers == [pytest.approx(t[spike]), pytest.approx(t[drop])], outliers


@pytest.mark.parametrize("seed", [0, 5])
def test_the_exposures_beside_a_long_cadence_transit_are_not_outliers(seed):
    # A 2.2-h, 1% transit every 5.6 d on a 1.16-d rotator at 30-min cadence, as injected into the real
    # Kepler flare star: the exposure just outside an ingress or an egress sat above a running median
    # that the transit's own exposures pulled down, and was called an outlier (1-4 per curve).
    from core.lightcurve import from_arrays
    from core.synthetic.signals import a_rs_from_duration, transit_dip

    rng = np.random.default_rng(seed)
    cadence = 29.4 / 1440.0
    t = np.arange(0.0, 90.0, cadence)
    flux = 1.0 + rng.normal(0, 6e-4, t.size) + 0.01 * np.sin(2 * np.pi * t / 1.16 + seed)
    period, t0, duration, radius_ratio = 5.6, 1.3 + 0.37 * seed, 2.2 / 24.0, 0.095
    a_rs = a_rs_from_duration(period, radius_ratio, duration, 0.4)
    flux -= transit_dip(t, period, t0, radius_ratio, a_rs, 0.4, exposure=cadence, n_sub=7)
    result = analyze(from_arrays(t, flux))
    assert [round(c.period, 1) for c in result.transits] == [5.6]
    assert [e.t_peak for e in result.events if e.kind == "outlier"] == []


@pytest.mark.parametrize("name", sorted(FLARE_STARS))
def test_csv_exports_of_the_flare_stars_give_no_planet(real_data_dir, real_manifest, name):
    """CSV exports carry no quality flags or centroids; on K2 the roll ramps stay uncorrected.

    The K2 star's ramps, each ending at a thruster reset, once folded into a 12.3-day
    "planet" of five dips of unrelated depths.
    """
    result = analyze(load_lightcurve(real_data_dir / real_manifest[name]["csv_export"]["file"]))
    assert result.transits == [], [(c.period, c.snr) for c in result.transits]


def test_progress_reports_the_bls_rounds_and_never_goes_back():
    heard: list[tuple[float, str]] = []
    lc, _ = generate_sample("exoplanet_transit")
    analyze(lc, progress=lambda f, m: heard.append((f, m)))  # flares and outliers are looked at twice
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    bls = [m for _, m in heard if "(BLS)" in m]
    assert any("for a first planet" in m for m in bls) and any("for planet 2" in m for m in bls)
    assert any(m.endswith("100% of the periods") for m in bls)


def test_dips_made_by_flare_tails_are_not_a_planet_and_the_flares_are_found():
    """Seeded evaluation star (seed 2, TESS-inj-24): two bright flares 22.45 d apart on a
    spotted, red-noise star. Their faint tails lifted the transit trend, the hours before each
    flare looked like a dip, and an 11.2-day "planet" hid both flares; its injected planet is
    at SNR 4, too faint to find. (With the flares fitted by their template, their tails are
    masked whole and the dips no longer appear; `dips_before_flares` still guards the rest.)"""
    from core.evaluation.cases import TESS_STAR, synthetic_case

    case = synthetic_case(24, 2, TESS_STAR)
    result = analyze(case.lc)
    assert result.transits == []
    flares = [e.t_peak for e in result.events if e.kind == "flare"]
    for peak in (1327.978, 1350.427):
        assert min(abs(np.array(flares) - peak)) < 0.01


def test_a_planet_whose_transits_are_single_long_cadence_drops_is_found_not_called_outliers():
    """At 30-min cadence a deep 0.8-hour transit is one or two exposures, each a 'drop' to
    the outlier detector; lined up on 3.37 days they are a planet."""
    from core.synthetic import PlanetSpec, generate_lightcurve

    lc, truth = generate_lightcurve(4300, 29.4244, 3, noise_ppm=400.0, t_start=169.7, mission="Kepler",
                                    planets=[PlanetSpec(period=3.37, t0=170.5, rp_rs=0.1, b=0.2, duration=0.8 / 24)])
    result = analyze(lc)
    assert [round(c.period, 2) for c in result.transits] == [3.37]
    drops = [e for e in result.events if e.kind == "outlier" and e.amplitude < 0]
    assert drops == []


def test_a_candidate_whose_remeasured_snr_is_below_the_threshold_is_refused(rng):
    """The search's SNR is measured on the first trend; the one reported is re-measured on
    the refitted trend, and it too must meet `transit_min_snr`."""
    from core.detect.vetting import transit_mask
    from core.pipeline.search import _remeasure
    from core.result import TransitCandidate

    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    flux = 1.0 + rng.normal(0, 1e-3, t.size) - 0.0006 * transit_mask(t, 3.1, 0.7, 0.1)
    candidate = TransitCandidate(period=3.1, t0=0.7, duration=0.1, depth=6e-4, snr=12.0, sde=9.0, n_transits=8)
    usable = np.ones(t.size, dtype=bool)
    kept, _, _ = _remeasure(t, flux, usable, [candidate], [], min_snr=7.0)
    assert [round(c.period, 2) for c in kept] == [3.1] and kept[0].snr > 7.0
    kept, _, rejected = _remeasure(t, flux, usable, [candidate], [], min_snr=kept[0].snr + 1.0)
    assert kept == [] and "once re-measured" in rejected[0]["reason"]


def test_a_one_hour_planet_on_the_k2_flare_star_is_found_though_each_transit_is_two_exposures(real_data_dir):
    """Issue 16: a 1-h, ~2.5-ppt planet with 61 transits at 30-min cadence on the K2 star came out as ~40
    outliers and no candidate. Each transit is one or two exposures, each shaped like a glitch."""
    from core.lightcurve import from_arrays
    from core.prepare import prepare
    from core.synthetic.signals import a_rs_from_duration, transit_dip

    lc = prepare(load_lightcurve(real_data_dir / "ktwo211117077-c04_llc.fits"))
    period, duration = 1.1573, 1.0 / 24.0
    dip = transit_dip(lc.time, period, 2230.0, 0.045, a_rs_from_duration(period, 0.045, duration, 0.2), 0.2,
                      0.4, 0.25, lc.cadence_days, 30)
    planet = from_arrays(lc.time, lc.flux * (1 - dip), lc.flux_err, None, dict(lc.meta),
                         centroid_col=lc.centroid_col, centroid_row=lc.centroid_row)
    result = analyze(planet)
    assert [round(c.period, 3) for c in result.transits] == [1.157]
