"""Matching rules, pinned on hand-made lists."""
from __future__ import annotations

from hand_made import CADENCE, detection, flare_truth

from core.evaluation.matching import bin_of, match_events, match_spans, period_match, runs_touching
from core.evaluation.scoring import SIGMA_BINS, SNR_BINS


def test_period_match_found_alias_missed():
    assert period_match(3.0, [3.02]) == "found"  # 0.67% off
    assert period_match(3.0, [3.04]) == "missed"  # 1.3% off, and no alias
    assert period_match(3.0, [1.5]) == "alias"
    assert period_match(3.0, [6.01]) == "alias"
    assert period_match(3.0, [1.5, 3.0]) == "found"
    assert period_match(3.0, []) == "missed"


def test_one_missed_flare_of_three_and_one_false_detection():
    truths = [flare_truth(1.0), flare_truth(2.0), flare_truth(3.0)]
    detections = [detection("flare", 0.995, 1.03), detection("flare", 2.02, 2.05), detection("flare", 5.0, 5.02)]
    found, true = match_events(truths, detections, CADENCE)
    assert found == [True, False, False]  # 2.0 is more than one cadence before 2.02
    assert true == [True, False, False]  # recall 1/3, precision 1/3


def test_peak_must_lie_within_one_cadence_of_the_detection():
    found, _ = match_events([flare_truth(2.0)], [detection("flare", 2.011, 2.05)], CADENCE)
    assert found == [False]


def test_seed_runs_touch_by_overlap():
    truths = [flare_truth(1.0), flare_truth(2.0)]
    touched, true = runs_touching(truths, [(1.04, 1.2), (7.0, 7.1)])
    assert touched == [True, False]
    assert true == [True, False]


def test_bins():
    assert bin_of(6.9, SNR_BINS) == "<7"
    assert bin_of(10.0, SNR_BINS) == "10-15"
    assert bin_of(31.0, SNR_BINS) == ">30"
    assert bin_of(5.0, SIGMA_BINS) == "5-10"
    assert bin_of(2.0, SIGMA_BINS) == "<3"


def test_a_glitch_of_several_cadences_is_found_by_any_of_its_cadences():
    glitch = {"kind": "outlier", "t_start": 1.0, "t_end": 1.04, "t_peak": 1.0, "n_cadences": 5}
    middle_only = detection("outlier", 1.02, 1.03)
    assert match_events([glitch], [middle_only], CADENCE) == ([False], [False])  # its t_peak is the first cadence
    assert match_spans([glitch], [middle_only], CADENCE) == ([True], [True])
    spike = {"kind": "outlier", "t_start": 2.0, "t_end": 2.0, "t_peak": 2.0}
    for start in (1.985, 1.99, 2.01, 2.015):  # for one cadence the two rules agree
        one = [detection("outlier", start, start)]
        assert match_spans([spike], one, CADENCE) == match_events([spike], one, CADENCE)
