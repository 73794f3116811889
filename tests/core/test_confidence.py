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
