"""Injection-recovery scoring: matching rules pinned on hand-made lists, and a quick end-to-end run."""
from __future__ import annotations

import numpy as np
import pytest

from core.evaluate import (
    SIGMA_BINS,
    SNR_BINS,
    Case,
    bin_of,
    correlated_snr,
    evaluate,
    load_real,
    match_events,
    period_match,
    runs_touching,
    score_case,
    wilson_interval,
)
from core.lightcurve import from_arrays
from core.result import AnalysisResult, Event, TransitCandidate
from core.synthetic.variability import red_noise

CADENCE = 0.01


def _flare(t_peak: float) -> dict:
    return {"kind": "flare", "t_start": t_peak - 0.01, "t_end": t_peak + 0.05, "t_peak": t_peak, "peak_sigma": 8.0}


def _event(kind: str, t_start: float, t_end: float) -> Event:
    return Event(kind=kind, t_start=t_start, t_end=t_end, t_peak=t_start, amplitude=0.01, snr=10.0, score=1.0)


def test_period_match_found_alias_missed():
    assert period_match(3.0, [3.02]) == "found"  # 0.67% off
    assert period_match(3.0, [3.04]) == "missed"  # 1.3% off, and no alias
    assert period_match(3.0, [1.5]) == "alias"
    assert period_match(3.0, [6.01]) == "alias"
    assert period_match(3.0, [1.5, 3.0]) == "found"
    assert period_match(3.0, []) == "missed"


def test_one_missed_flare_of_three_and_one_false_detection():
    truths = [_flare(1.0), _flare(2.0), _flare(3.0)]
    detections = [_event("flare", 0.995, 1.03), _event("flare", 2.02, 2.05), _event("flare", 5.0, 5.02)]
    found, true = match_events(truths, detections, CADENCE)
    assert found == [True, False, False]  # 2.0 is more than one cadence before 2.02
    assert true == [True, False, False]  # recall 1/3, precision 1/3


def test_peak_must_lie_within_one_cadence_of_the_detection():
    found, _ = match_events([_flare(2.0)], [_event("flare", 2.011, 2.05)], CADENCE)
    assert found == [False]


def test_seed_runs_touch_by_overlap():
    truths = [_flare(1.0), _flare(2.0)]
    touched, true = runs_touching(truths, [(1.04, 1.2), (7.0, 7.1)])
    assert touched == [True, False]
    assert true == [True, False]


def test_bins():
    assert bin_of(6.9, SNR_BINS) == "<7"
    assert bin_of(10.0, SNR_BINS) == "10-15"
    assert bin_of(31.0, SNR_BINS) == ">30"
    assert bin_of(5.0, SIGMA_BINS) == "5-10"
    assert bin_of(2.0, SIGMA_BINS) == "<3"


def test_score_case_counts_recall_precision_alias_and_forgives_known_signals():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    planets = [{"period": 4.0, "snr": 12.0}, {"period": 5.0, "snr": 40.0}]
    events = [_flare(1.0), _flare(2.0), _flare(3.0),
              {"kind": "outlier", "t_start": 4.0, "t_end": 4.0, "t_peak": 4.0, "sigma": 9.0, "peak_sigma": 9.0}]
    case = Case("hand", "synthetic-TESS", lc, events, planets, CADENCE, known=[(8.0, 8.1)])
    detected = [_event("flare", 0.995, 1.03), _event("flare", 2.995, 3.02), _event("flare", 6.0, 6.1),
                _event("flare", 8.02, 8.05), _event("outlier", 4.0, 4.0), _event("outlier", 4.5, 4.5)]
    result = AnalysisResult(n_points=2, meta={}, transits=[TransitCandidate(2.5, 0, 0.1, 0.01, 10, 10, 3)],
                            events=detected, time=lc.time, flux=lc.flux, trend=lc.flux, detrended=lc.flux,
                            labels=lc.flux.astype("int8"))
    counts, errors = score_case(case, result, seed_runs=[(2.0, 2.01), (9.0, 9.1)])
    assert counts["planet|10-15"] == 1 and counts["planet_missed|10-15"] == 1
    assert counts["planet|>30"] == 1 and counts["planet_alias|>30"] == 1  # 2.5 = 5.0 / 2
    assert errors == []
    assert counts["flare|5-10"] == 3 and counts["flare_found|5-10"] == 2  # recall 2/3
    assert counts["flare_seed|5-10"] == 1
    # The flare on a known (real) signal is forgiven: 2 true of 3 counted.
    assert counts["flare_det"] == 3 and counts["flare_det_true"] == 2
    assert counts["outlier"] == 1 and counts["outlier_found"] == 1
    assert counts["outlier_det"] == 2 and counts["outlier_det_true"] == 1  # precision 1/2
    assert counts["seed_runs"] == 2 and counts["seed_runs_true"] == 1


def test_transit_candidates_are_true_at_an_injected_period_or_alias_and_a_real_curves_planet_is_forgiven():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    planets = [{"period": 4.0, "snr": 12.0}, {"period": 5.0, "snr": 3.0}]  # a faint planet counts too
    case = Case("hand", "real-injected", lc, [], planets, CADENCE, known_periods=[9.0])
    candidates = [TransitCandidate(period, 0, 0.1, 0.01, 10, 10, 3) for period in (4.02, 2.5, 7.3, 9.05)]
    result = AnalysisResult(n_points=2, meta={}, transits=candidates, events=[], time=lc.time, flux=lc.flux,
                            trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    counts, _ = score_case(case, result, seed_runs=[])
    # 4.02 (within 1% of 4.0) and 2.5 (5.0 / 2) are true, 7.3 is false, 9.05 is the curve's own planet.
    assert (counts["candidate_det"], counts["candidate_det_true"]) == (3, 2)


def test_flares_of_one_high_exposure_are_counted_apart():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    short = dict(_flare(1.0), second_sigma=0.5)  # a 4-min flare in a 30-min exposure: one high point
    resolved = dict(_flare(3.0), second_sigma=4.0)
    faint = dict(_flare(5.0), peak_sigma=4.0, second_sigma=0.1)  # under 5 sigma: in neither count
    case = Case("hand", "synthetic-Kepler", lc, [short, resolved, faint], [], CADENCE)
    result = AnalysisResult(n_points=2, meta={}, transits=[], events=[_event("flare", 2.995, 3.02)], time=lc.time,
                            flux=lc.flux, trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    counts, _ = score_case(case, result, seed_runs=[])
    assert (counts["flare_one_exposure"], counts["flare_one_exposure_found"]) == (1, 0)
    assert (counts["flare_resolved"], counts["flare_resolved_found"]) == (1, 1)


def test_correlated_snr_without_red_noise_is_the_white_snr():
    assert correlated_snr(1e-3, [30, 30, 40], 1e-3, 0.0, 0.9) == pytest.approx(1e-3 / 1e-3 * np.sqrt(100))


def test_correlated_snr_matches_the_scatter_of_transit_means_in_simulated_noise():
    """The mean over a 120-point (4-h) window of white + AR(1) noise scatters as the formula says."""
    cadence, tau, m = 2.0 / 1440, 2.0 / 24, 120
    sigma_white, sigma_red = 1e-3, 2.5e-4
    rng = np.random.default_rng(5)
    noise = red_noise(600_000, cadence, sigma_red, tau, rng) + sigma_white * rng.standard_normal(600_000)
    scatter = noise.reshape(-1, m).mean(axis=1).std()
    snr = correlated_snr(1.0, [m], sigma_white, sigma_red, np.exp(-cadence / tau))
    assert 1.0 / snr == pytest.approx(scatter, rel=0.1)
    # Here the red part dominates: the white-only SNR would be over 2x too optimistic.
    assert np.sqrt(m) / sigma_white > 2.0 * snr


@pytest.fixture(scope="module")
def quick_report():
    return evaluate(n_stars=2, seed=0, include_real=False, quick=True)


def test_quick_evaluate_structure_and_high_snr_recall(quick_report):
    data = quick_report.to_dict()
    assert set(data["counts"]) == {"synthetic-TESS", "clean"}
    assert data["counts"]["synthetic-TESS"]["stars"] == 2
    c = quick_report.total()
    assert c["planet|>30"] >= 1
    assert c["planet_found|>30"] / c["planet|>30"] > 0.5
    assert c["flare|>10"] > 0 and c["outlier"] == 20
    summary = data["summary"]
    assert 0.0 <= summary["outlier_recall"] <= 1.0
    assert set(summary["false_per_clean_star"]) == {"transit_candidate", "transit", "flare", "outlier", "anomaly"}
    text = quick_report.to_markdown()
    assert "| SNR | planets | found | alias | recall |" in text
    assert "| SNR (white + red) | planets | found | recall |" in text
    assert sum(c[f"planet_correlated|{name}"] for name, _, _ in SNR_BINS) == 2  # every synthetic planet
    assert "**Design bars**" in text and "| bar | measured | 95% interval | met |" in text
    hits, n = data["summary"]["fractions"]["outlier_recall"]
    assert (hits, n) == (c["outlier_found"], 20)


def test_quick_evaluate_is_reproducible(quick_report):
    again = evaluate(n_stars=1, seed=0, include_real=False, quick=True)
    first = quick_report.counts["synthetic-TESS"]
    # Star 0 is built the same way whatever n_stars is, so its planet verdict repeats.
    assert again.counts["synthetic-TESS"]["planet|>30"] == 1
    assert again.counts["synthetic-TESS"]["planet_found|>30"] == first["planet_found|>30"]


def test_impulsive_rise_tells_a_flare_from_a_rising_flank():
    from core.evaluate import impulsive_rise

    t = np.arange(0.0, 2.0, 29.4 / 1440.0)
    flank = 1.0 + 0.002 * np.arange(t.size)  # 4 sigma per cadence, but no faster at the "peak"
    assert not impulsive_rise(t, flank, t[40], t[43], 5e-4)
    flare = np.ones(t.size)
    flare[40:44] += [0.02, 0.01, 0.005, 0.002]
    assert impulsive_rise(t, flare, t[40], t[43], 5e-4)
    assert impulsive_rise(t, flare, t[41], t[43], 5e-4)  # a label starting a cadence after the peak
    assert not impulsive_rise(t, flare, 10.0, 11.0, 5e-4)  # no data in the label


def test_a_planet_with_one_transit_in_the_data_is_left_out_of_recall():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    planets = [{"period": 4.0, "snr": 12.0, "n_transits": 1}, {"period": 6.0, "snr": 12.0, "n_transits": 3}]
    transit = {"kind": "transit", "t_start": 0.0, "t_end": 0.1, "t_peak": 0.05, "planet": 0}
    case = Case("gaps", "synthetic-TESS", lc, [transit], planets, CADENCE)
    result = AnalysisResult(n_points=2, meta={}, transits=[], events=[], time=lc.time, flux=lc.flux,
                            trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    counts, _ = score_case(case, result, seed_runs=[])
    assert counts["planet_single"] == 1
    assert counts["planet|10-15"] == 1 and counts["planet_missed|10-15"] == 1  # only the 6-day one
    assert counts["transit|10-15"] == 0


def test_csv_exports_of_real_files_are_checked_as_they_are_but_not_injected(real_data_dir):
    loaded, _ = load_real(real_data_dir)
    copies = {entry["file"]: entry.get("copy_of") for entry, _ in loaded}
    assert copies["ktwo211117077-c04_llc.csv"] == "ktwo211117077-c04_llc.fits"
    assert copies["ktwo211117077-c04_llc.fits"] is None
    assert sum(source is not None for source in copies.values()) == 4


def test_wilson_interval_matches_textbook_values():
    assert wilson_interval(0, 10) == pytest.approx([0.0, 0.2775], abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx([0.7225, 1.0], abs=1e-4)
    assert wilson_interval(31, 34) == pytest.approx([0.770, 0.970], abs=1e-3)
    assert wilson_interval(0, 0) is None


def test_pooled_seeds_add_counts_and_score_the_real_files_once(quick_report):
    from core.evaluate import EvaluationReport

    pooled = EvaluationReport.pooled([quick_report, quick_report])
    for source, counts in quick_report.counts.items():
        assert pooled.counts[source] == {key: 2 * value for key, value in counts.items()}
    assert pooled.real_checks == quick_report.real_checks
    assert len(pooled.period_errors) == 2 * len(quick_report.period_errors)
    assert pooled.summary()["outlier_recall"] == quick_report.summary()["outlier_recall"]
    assert pooled.to_markdown().startswith("Injection-recovery, seeds 0, 0 pooled:")
