"""Hand-built light curves, results, forms and stores with known contents, for figure, callback and job tests."""
from __future__ import annotations

from typing import Any

import numpy as np

from core.lightcurve import from_arrays
from core.result import LABEL_CODES, AnalysisResult, Event, Periodogram, TransitCandidate


def make_lightcurve(n: int = 2000, seed: int = 0, **meta):
    rng = np.random.default_rng(seed)
    time = 1000.0 + np.arange(n) * (2.0 / 1440)
    flux = 1.0 + 1e-3 * rng.standard_normal(n)
    return from_arrays(time, flux, np.full(n, 1e-3), meta={"mission": "TESS", "target": "TIC 1", **meta})


def analysis_form(**changes: Any) -> dict[str, Any]:
    """The analysis page's settings form at its defaults, with `changes`."""
    values = {"contamination": 0.05, "window_size": 50, "vote_threshold": 0.3, "detrend_window": 0.75,
              "detectors": ["transits", "flares", "outliers", "anomaly"], "model_id": None}
    return {**values, **changes}


def make_result(n: int = 5000, seed: int = 1) -> AnalysisResult:
    """A hand-built result with one event of each kind and one transit candidate."""
    rng = np.random.default_rng(seed)
    time = 1000.0 + np.arange(n) * (2.0 / 1440)
    flux = 1.0 + 5e-4 * rng.standard_normal(n)
    labels = np.zeros(n, dtype=np.int8)
    events = []
    for i, kind in enumerate(("transit", "flare", "outlier", "anomaly")):
        start = 500 + 900 * i
        labels[start:start + 5] = LABEL_CODES[kind]
        events.append(Event(kind, time[start], time[start + 4], time[start + 2], 0.01, 12.0, 3.0,
                            extra={"n_points": 5}))
    candidate = TransitCandidate(period=1.5, t0=1000.7, duration=0.1, depth=0.004, snr=15.0, sde=9.0,
                                 n_transits=4, flags=("odd_even",))
    return AnalysisResult(
        n_points=n, meta={"mission": "TESS", "target": "TIC 1", "time_system": "BTJD"},
        transits=[candidate], events=events, time=time, flux=flux, trend=np.ones(n), detrended=flux,
        labels=labels, periodogram=Periodogram(np.linspace(0.5, 10, 3000), rng.random(3000)),
        anomaly_scores=rng.random(n), timings={"load": 0.01, "transits": 0.2, "total": 0.21}, config={"contamination": 0.05},
    )


class DictStore:
    """A job-state cache in a dict; with accept=False it refuses every write, as a full disk would."""

    def __init__(self, accept: bool = True) -> None:
        self.items: dict[str, Any] = {}
        self.accept = accept

    def get(self, key: str) -> Any:
        return self.items.get(key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        if self.accept:
            self.items[key] = value
        return self.accept

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return key not in self.items and self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        return self.items.pop(key, None) is not None
