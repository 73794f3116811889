"""Confidence: the share of events of a given significance that were real, never decreasing with it."""
import json

import numpy as np
import pytest

from core.__main__ import main
from core.confidence import confidence, fit_calibration, with_confidence
from core.result import Event


def _records(rng, n=400):
    """Flares whose chance of being real rises with snr: real with probability snr / 20 (capped at 1)."""
    snr = rng.uniform(5.0, 30.0, n)
    real = rng.random(n) < np.minimum(snr / 20.0, 1.0)
    return [{"kind": "flare", "real": bool(r), "cadence_min": 2.0, "features": {"snr": float(s)}}
            for s, r in zip(snr, real)]


def test_the_fitted_map_never_decreases_and_follows_the_share_real(rng):
    curve = fit_calibration(_records(rng))["flare|short"]
    assert np.all(np.diff(curve["real"]) >= 0)
    x = np.exp(np.array(curve["log_snr"]))
    assert np.interp(np.log(8.0), curve["log_snr"], curve["real"]) == pytest.approx(0.4, abs=0.15)
    assert np.interp(np.log(25.0), curve["log_snr"], curve["real"]) > 0.9
    assert x.min() >= 5.0


def test_too_few_events_are_not_calibrated_and_fall_back_to_a_logistic(rng):
    assert fit_calibration(_records(rng, 10)) == {}
    assert confidence("never-seen-kind", 7.0, 2.0 / 1440.0) == pytest.approx(0.5)
    assert confidence("never-seen-kind", 20.0, 2.0 / 1440.0) > 0.99
    assert confidence("flare", float("nan"), 2.0 / 1440.0) == 0.0


def test_every_event_gets_a_confidence_in_its_fields():
    events = [Event("outlier", 1.0, 1.0, 1.0, -0.01, 12.0, 12.0)]
    (event,) = with_confidence(events, 2.0 / 1440.0)
    assert 0.0 <= event.extra["confidence"] <= 1.0
    assert event.to_dict()["confidence"] == event.extra["confidence"]


def test_calibrate_command_writes_the_fit(tmp_path, rng, capsys):
    records = tmp_path / "records.json"
    records.write_text(json.dumps({"kinds": {"flare": [{k: v for k, v in r.items() if k != "kind"}
                                                       for r in _records(rng)]}}))
    out = tmp_path / "calibration.json"
    assert main(["calibrate", str(records), "--write", "--out", str(out)]) == 0
    assert "flare|short" in json.loads(out.read_text())
    assert "flare|short (400 events)" in capsys.readouterr().out


def _transit_records(rng):
    """Transit events of as high an SNR whether the vetting believed their candidate or called it a false alarm.
    The planets' are real; of three false alarms, one (40 dips, 2-min) was a planet, two (10 dips each, 30-min)
    were not."""
    records = [{"kind": "transit", "real": True, "cadence_min": 2.0, "verdict": "planet_candidate", "case": "a",
                "features": {"snr": 1.0, "score": float(s), "period": 3.0}} for s in rng.uniform(10.0, 40.0, 60)]
    for case, n, real, cadence in (("b", 40, True, 2.0), ("c", 10, False, 30.0), ("d", 10, False, 30.0)):
        records += [{"kind": "transit", "real": real, "cadence_min": cadence, "verdict": "false_alarm", "case": case,
                     "features": {"snr": 1.0, "score": float(s), "period": 5.0}} for s in rng.uniform(10.0, 40.0, n)]
    return records


def test_a_false_alarms_transits_get_one_confidence_each_candidate_counted_once(rng, monkeypatch):
    fitted = fit_calibration(_transit_records(rng))
    assert set(fitted) == {"transit|short", "transit_false_alarm|any"}
    assert fitted["transit_false_alarm|any"]["n_candidates"] == 3
    monkeypatch.setattr("core.confidence._calibration", lambda: fitted)
    assert confidence("transit", 25.0, 2.0 / 1440.0, "planet_candidate") == pytest.approx(1.0)
    for snr, cadence in ((12.0, 2.0), (35.0, 30.0)):  # one of three candidates, not 40 of 60 dips
        assert confidence("transit", snr, cadence / 1440.0, "false_alarm") == pytest.approx(1 / 3, abs=1e-3)
    fitted["transit|short"] = {"log_snr": [np.log(10.0), np.log(20.0)], "real": [0.1, 1.0]}
    # ... and never more than a believed candidate's dips of the same SNR
    assert confidence("transit", 10.0, 2.0 / 1440.0, "false_alarm") == pytest.approx(0.1)
    (event,) = with_confidence([Event("transit", 1.0, 1.1, 1.05, -0.001, 3.0, 25.0,
                                      {"period": 2.0, "verdict": "false_alarm"})], 2.0 / 1440.0)
    assert event.extra["confidence"] == pytest.approx(1 / 3, abs=1e-3)
