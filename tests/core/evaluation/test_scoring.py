"""Scoring one curve: recall, precision, aliases and forgiven known signals, on hand-made lists."""
from __future__ import annotations

from hand_made import CADENCE, detection, flare_truth, vetted

from core.candidate_vetting import FALSE_ALARM, PLANET_CANDIDATE

from core.evaluation.cases import Case
from core.evaluation.scoring import score_case
from core.lightcurve import from_arrays
from core.result import AnalysisResult, TransitCandidate


def test_score_case_counts_recall_precision_alias_and_forgives_known_signals():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    planets = [{"period": 4.0, "snr": 12.0}, {"period": 5.0, "snr": 40.0}]
    events = [flare_truth(1.0), flare_truth(2.0), flare_truth(3.0),
              {"kind": "outlier", "t_start": 4.0, "t_end": 4.0, "t_peak": 4.0, "sigma": 9.0, "peak_sigma": 9.0}]
    case = Case("hand", "synthetic-TESS", lc, events, planets, CADENCE, known=[(8.0, 8.1)])
    detected = [detection("flare", 0.995, 1.03), detection("flare", 2.995, 3.02), detection("flare", 6.0, 6.1),
                detection("flare", 8.02, 8.05), detection("outlier", 4.0, 4.0), detection("outlier", 4.5, 4.5)]
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
    assert counts["candidate_det_false_alarm"] == 0  # not vetted: nothing was called a false alarm


def test_candidates_the_vetting_calls_false_alarms_are_counted_apart_and_do_not_count_as_believed_finds():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    planets = [{"period": 4.0, "snr": 12.0, "effective_snr": 11.0}, {"period": 6.0, "snr": 20.0, "effective_snr": 12.0}]
    case = Case("hand", "synthetic-TESS", lc, [], planets, CADENCE)
    candidates = [vetted(TransitCandidate(period, 0, 0.1, 0.01, 10, 10, 3), verdict)
                  for period, verdict in ((4.0, FALSE_ALARM), (6.0, PLANET_CANDIDATE), (0.7, FALSE_ALARM))]
    result = AnalysisResult(n_points=2, meta={}, transits=candidates, events=[], time=lc.time, flux=lc.flux,
                            trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    counts, _ = score_case(case, result, seed_runs=[])
    assert counts["planet_effective_found|10-15"] == 2 and counts["planet_effective_believed|10-15"] == 1
    assert (counts["candidate_det"], counts["candidate_det_true"]) == (3, 2)
    assert (counts["candidate_det_false_alarm"], counts["candidate_det_false_alarm_true"]) == (2, 1)


def test_flares_of_one_high_exposure_are_counted_apart():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    short = dict(flare_truth(1.0), second_sigma=0.5)  # a 4-min flare in a 30-min exposure: one high point
    resolved = dict(flare_truth(3.0), second_sigma=4.0)
    faint = dict(flare_truth(5.0), peak_sigma=4.0, second_sigma=0.1)  # under 5 sigma: in neither count
    case = Case("hand", "synthetic-Kepler", lc, [short, resolved, faint], [], CADENCE)
    result = AnalysisResult(n_points=2, meta={}, transits=[], events=[detection("flare", 2.995, 3.02)], time=lc.time,
                            flux=lc.flux, trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    counts, _ = score_case(case, result, seed_runs=[])
    assert (counts["flare_one_exposure"], counts["flare_one_exposure_found"]) == (1, 0)
    assert (counts["flare_resolved"], counts["flare_resolved_found"]) == (1, 1)


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
