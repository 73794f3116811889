"""How likely an event is to be real: a confidence in [0, 1], calibrated on the evaluation.

A detector's significance is not a probability: a 10-sigma flare on a quiet star and
a 10-sigma "flare" on a K2 roll ramp are not equally real. So, per event kind and
cadence class (short: <= 10 min, long), the confidence of an event of significance S
is the share of events of about that significance that were real on the evaluation's
injection set: an isotonic (never decreasing) map from log S to that share.
`python -m core calibrate RECORDS` fits it from `python -m core evaluate
--calibration-out RECORDS` (on seeds other than those the README's reliability
table uses) and writes `calibration.json` beside this module.

`calibration.json` also says what it was fitted on (`fitted_on`: the evaluate settings).
A kind the calibration has not seen gets FALLBACK: a logistic in S centred on 7 sigma.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from core.result import Event

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
SHORT_CADENCE_MINUTES = 10.0
MIN_EVENTS = 20  # a kind and cadence class with fewer labelled events is not calibrated
FALLBACK_CENTRE, FALLBACK_WIDTH = 7.0, 1.5  # sigma


def cadence_class(cadence_days: float) -> str:
    return "short" if cadence_days * 1440.0 <= SHORT_CADENCE_MINUTES else "long"


def confidence(kind: str, significance: float, cadence_days: float) -> float:
    """The calibrated probability that an event of `kind` and `significance` is real (see `significance`)."""
    if not (significance is not None and math.isfinite(significance) and significance > 0):
        return 0.0
    curve = _calibration().get(f"{kind}|{cadence_class(cadence_days)}")
    if curve is None:
        return float(1.0 / (1.0 + math.exp(-(significance - FALLBACK_CENTRE) / FALLBACK_WIDTH)))
    return float(np.interp(math.log(significance), curve["log_snr"], curve["real"]))


def significance(kind: str, snr: float | None, score: float | None) -> float | None:
    """What an event's confidence is read from: its SNR, but for a transit its candidate's SNR (the
    event's `score`), since one transit of a real planet can be faint and one of a false candidate deep."""
    return score if kind == "transit" else snr


def with_confidence(events: Iterable[Event], cadence_days: float) -> list[Event]:
    """The events, each with `confidence` in its extra fields."""
    return [replace(e, extra={**e.extra, "confidence": round(
        confidence(e.kind, significance(e.kind, e.snr, e.score), cadence_days), 3)}) for e in events]


def fit_calibration(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, list[float]]]:
    """Isotonic maps (log snr -> share real) per kind and cadence class, from labelled evaluation records.

    Each record is `{"kind", "real", "cadence_min", "features": {"snr", ...}}`, as
    `evaluate --calibration-out` writes them (grouped by kind there).
    """
    from sklearn.isotonic import IsotonicRegression

    groups: dict[str, list[tuple[float, bool]]] = {}
    for record in records:
        features = record["features"]
        snr = significance(record["kind"], features.get("snr"), features.get("score"))
        if snr is None or not (snr > 0 and math.isfinite(snr)):
            continue
        key = f"{record['kind']}|{cadence_class(record['cadence_min'] / 1440.0)}"
        groups.setdefault(key, []).append((math.log(snr), bool(record["real"])))
    out = {}
    for key, pairs in sorted(groups.items()):
        if len(pairs) < MIN_EVENTS:
            continue
        x, y = np.array(pairs, dtype=float).T
        fit = IsotonicRegression(increasing=True, y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
        out[key] = {"log_snr": [round(float(v), 4) for v in fit.X_thresholds_],
                    "real": [round(float(v), 4) for v in fit.y_thresholds_], "n_events": len(pairs)}
    return out


def write_calibration(calibration: dict[str, Any], path: Path = CALIBRATION_FILE) -> Path:
    from core.atomic import write_bytes_atomically

    write_bytes_atomically(path, (json.dumps(calibration, indent=1, sort_keys=True) + "\n").encode())
    if Path(path) == CALIBRATION_FILE:
        _calibration.cache_clear()
    return Path(path)


@lru_cache(maxsize=1)
def _calibration() -> dict[str, Any]:
    if not CALIBRATION_FILE.is_file():
        return {}
    return json.loads(CALIBRATION_FILE.read_text())
