"""Confidence reliability: which events are real, binned by confidence; calibration records per event."""
from __future__ import annotations

from dataclasses import replace

from hand_made import CADENCE, detection, flare_truth

from core.evaluation.cases import Case
from core.evaluation.reliability import (
    calibration_records,
    label_events,
    reliability_counts,
    reliability_markdown,
    reliability_summary,
)
from core.lightcurve import from_arrays
from core.result import AnalysisResult


def result_with(detections) -> AnalysisResult:
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    return AnalysisResult(n_points=2, meta={}, transits=[], events=detections, time=lc.time, flux=lc.flux,
                          trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))


def test_transit_events_of_a_planet_the_real_curve_already_had_are_real():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    case = Case("wasp18+inj0", "real-injected", lc, [], [], CADENCE, known_periods=[0.9415])
    own = replace(detection("transit", 2.0, 2.1), extra={"period": 0.94152})
    other = replace(detection("transit", 3.0, 3.1), extra={"period": 1.7})
    assert [real for _, real in label_events(case, result_with([own, other]))] == [True, False]


def test_a_brightening_on_a_flare_like_bump_is_real_and_a_flare_there_is_not():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    bump = {"kind": "bump", "t_start": 2.0, "t_end": 2.2, "t_peak": 2.1}
    case = Case("hard", "hard-TESS", lc, [bump], [], CADENCE)
    found = [detection("brightening", 2.05, 2.15), detection("flare", 2.09, 2.12)]
    assert [real for _, real in label_events(case, result_with(found))] == [True, False]


def sure(event, confidence):
    return replace(event, extra={**event.extra, "confidence": confidence})


def test_events_are_real_when_they_match_their_own_kind_an_anomaly_anything_or_a_known_signal():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    events = [flare_truth(1.0), {"kind": "dip", "t_start": 3.0, "t_end": 4.0, "t_peak": 3.5}]
    case = Case("hand", "synthetic-TESS", lc, events, [], CADENCE, known=[(9.0, 9.1)])
    detections = [detection("flare", 0.995, 1.03),  # on the flare
                  detection("outlier", 0.995, 1.03),  # right place, wrong kind
                  detection("dip", 3.5, 3.6), detection("step", 3.5, 3.6),
                  detection("anomaly", 3.9, 4.5),  # an anomaly finds anything injected
                  detection("flare", 9.05, 9.06),  # the real curve had it already
                  detection("flare", 6.0, 6.1)]
    labels = [real for _, real in label_events(case, result_with(detections))]
    assert labels == [True, False, True, False, True, True, False]
    clean = Case("hand", "clean-hard", lc, [], [], CADENCE)
    assert [real for _, real in label_events(clean, result_with(detections))] == [False] * 7


def test_reliability_bins_by_confidence_and_says_how_many_of_the_sure_ones_are_real():
    events = [(sure(detection("flare", 0, 1), 0.95), True), (sure(detection("flare", 0, 1), 0.85), False),
              (sure(detection("outlier", 0, 1), 1.0), True), (sure(detection("dip", 0, 1), 0.1), False),
              (sure(detection("anomaly", 0, 1), 0.5), True), (detection("transit", 0, 1), True)]
    c = reliability_counts(events)
    summary = reliability_summary(c)
    rows = {row["bin"]: (row["events"], row["real"]) for row in summary["bins"]}
    assert rows == {"0.0-0.2": (1, 0), "0.2-0.4": (0, 0), "0.4-0.6": (1, 1), "0.6-0.8": (0, 0),
                    "0.8-1.0": (3, 2)}
    assert summary["high_confidence_precision"] == 2 / 3
    assert summary["without_confidence"] == {"transit": 1}
    text = "\n".join(reliability_markdown(c))
    assert "| 0.8-1.0 | 3 | 2 | 67% |" in text and "67% are real (2 of 3)" in text


def test_without_any_confidence_the_table_says_so():
    text = "\n".join(reliability_markdown(reliability_counts([(detection("flare", 0, 1), True)])))
    assert "none were reported" in text and "flare 1" in text


def test_calibration_records_hold_numeric_features_and_the_label():
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    case = Case("star-7", "hard-K2", lc, [], [], CADENCE)
    event = replace(detection("flare", 2.0, 2.1), extra={"fwhm": 0.01, "parts": [1, 2], "shape": "impulsive",
                                                          "confidence": 0.7})
    (record,) = calibration_records(case, [(event, False)])
    assert record["kind"] == "flare" and record["real"] is False and record["case"] == "star-7"
    assert record["features"] == {"amplitude": 0.01, "snr": 10.0, "score": 1.0, "fwhm": 0.01, "confidence": 0.7,
                                  "duration": record["features"]["duration"]}
    assert abs(record["features"]["duration"] - 0.1) < 1e-12
