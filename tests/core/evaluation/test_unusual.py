"""The unusual events' set and its scoring: found, named, flares inside, false events, on hand-made lists."""
from __future__ import annotations

from collections import Counter

import pytest
from hand_made import CADENCE, detection

from core.evaluation.cases import Case
from core.evaluation.unusual import score_unusual, unusual_summary
from core.evaluation.unusual_cases import UNUSUAL_KINDS, build_unusual_cases
from core.lightcurve import from_arrays
from core.result import AnalysisResult


@pytest.fixture(scope="module")
def curves():
    return build_unusual_cases(4, seed=2)


def test_every_kind_lands_on_both_cadences_and_both_stars(curves):
    assert [c.source for c in curves] == ["unusual-quiet-2min", "unusual-quiet-30min", "unusual-spotted-2min",
                                          "unusual-spotted-30min"]
    kinds = Counter(e["kind"] for c in curves for e in c.events)
    assert set(kinds) == set(UNUSUAL_KINDS) and sum(kinds.values()) == 3 + 5 + 3 + 5
    assert {e["kind"] for c in curves[1::2] for e in c.events} == set(UNUSUAL_KINDS)  # every kind at 30 min


def test_events_sit_apart_on_data_with_an_snr_on_their_own_timescale(curves):
    for case in curves:
        spans = sorted((e["t_start"], e["t_end"]) for e in case.events)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # in their own slices
        for event in case.events:
            time = case.lc.time
            on_data = (time >= event["t_start"] - case.cadence) & (time <= event["t_end"] + case.cadence)
            assert on_data.any() and event["own_snr"] > 0
            if event["kind"] == "single_transit":
                assert 8.0 <= event["own_snr"] <= 110.0  # drawn in 10-100, measured after the fact


def truth(kind: str, t_start: float, t_end: float, own_snr: float = 20.0) -> dict:
    return {"kind": kind, "t_start": t_start, "t_end": t_end, "t_peak": t_start, "own_snr": own_snr,
            "duration": t_end - t_start}


def scored(events: list[dict], detections) -> Counter:
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    case = Case("hand", "unusual-quiet-2min", lc, events, [], CADENCE)
    result = AnalysisResult(n_points=2, meta={}, transits=[], events=detections, time=lc.time, flux=lc.flux,
                            trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))
    return score_unusual(case, result)


def test_found_named_and_flares_inside_are_counted_per_kind_and_snr():
    events = [truth("dip", 1.0, 2.0), truth("step", 5.0, 5.0), truth("brightening", 8.0, 10.0, own_snr=50.0),
              truth("single_transit", 12.0, 12.2, own_snr=5.0)]
    detections = [detection("dip", 1.5, 1.6), detection("flare", 1.9, 1.95), detection("flare", 2.005, 2.02),
                  detection("anomaly", 5.005, 5.2),  # touches the step within a cadence
                  detection("transit", 9.0, 9.1),  # a periodic candidate's transit does not find a brightening
                  detection("transit", 12.1, 12.15),  # but does find a single transit
                  detection("step", 20.0, 20.0)]  # nothing there: false
    c = scored(events, detections)
    assert (c["unusual|dip|15-30"], c["unusual_any|dip|15-30"], c["unusual_kind|dip|15-30"]) == (1, 1, 1)
    assert c["unusual_flare_inside|dip|15-30"] == 1 and c["unusual_flares_inside|dip"] == 2
    assert (c["unusual_any|step|15-30"], c["unusual_kind|step|15-30"]) == (1, 0)
    assert (c["unusual|brightening|30-100"], c["unusual_any|brightening|30-100"]) == (1, 0)
    assert c["unusual_as|brightening|transit"] == 1
    assert (c["unusual|single_transit|<10"], c["unusual_any|single_transit|<10"]) == (1, 1)
    assert (c["single_transit|<10|3-6 h"], c["single_transit_any|<10|3-6 h"]) == (1, 1)  # 0.2 d = 4.8 h
    assert c["unusual_false|step"] == 1 and c["unusual_as|step|anomaly"] == 1


def test_summary_pools_events_at_snr_15_and_up_and_counts_false_events_on_clean_stars():
    c = scored([truth("dip", 1.0, 2.0), truth("oscillation", 4.0, 5.0, own_snr=200.0), truth("step", 7.0, 7.0, 9.0)],
               [detection("oscillation", 4.1, 4.9), detection("flare", 1.2, 1.3)])
    clean = Counter({"stars": 4, "false|step": 1, "false|dip": 1, "false|flare": 7})
    s = unusual_summary(c, clean)
    assert (s["injected_snr_ge_15"], s["found_snr_ge_15"], s["named_snr_ge_15"]) == (2, 1, 1)
    assert s["with_flare_inside_snr_ge_15"] == 1
    assert s["false_per_clean_star"] == 0.5  # flares on clean stars are counted elsewhere
