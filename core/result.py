"""What `analyze` returns: events, transit candidates, series for plots, timings."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

EVENT_KINDS = ("transit", "flare", "outlier", "single_transit", "dip", "brightening", "step", "oscillation", "anomaly")
# Per-point label codes (AnalysisResult.labels); 0 is "nothing found here". New kinds go at the end: codes are kept.
LABEL_NAMES = ("normal", "transit", "flare", "outlier", "anomaly", "masked", "single_transit", "dip", "brightening",
               "step", "oscillation")
LABEL_CODES = {name: code for code, name in enumerate(LABEL_NAMES)}


@dataclass(frozen=True)
class Event:
    """One thing found in the curve, in the input's own time units (days)."""

    kind: str
    t_start: float
    t_end: float
    t_peak: float
    amplitude: float  # relative flux change at the peak (negative for dips)
    snr: float
    score: float  # detector-specific confidence, higher is more certain
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def spanning(
        cls, kind: str, time: np.ndarray, residual: np.ndarray, start: int, stop: int, peak: int,
        snr: float, score: float, **extra: Any,
    ) -> "Event":
        """The event over points [start, stop) of `time`, peaking at index `peak`, where `residual` gives its amplitude."""
        return cls(kind=kind, t_start=float(time[start]), t_end=float(time[stop - 1]), t_peak=float(time[peak]),
                   amplitude=float(residual[peak]), snr=float(snr), score=float(score), extra=extra)

    def to_dict(self) -> dict[str, Any]:
        out = {k: _plain(v) for k, v in asdict(self).items() if k != "extra"}
        out.update({k: _plain(v) for k, v in self.extra.items()})
        return out


@dataclass(frozen=True)
class TransitCandidate:
    """A periodic dip found by the BLS search and kept by vetting."""

    period: float
    t0: float
    duration: float
    depth: float
    snr: float
    sde: float
    n_transits: int
    depth_err: float = float("nan")
    odd_even_sigma: float = float("nan")
    snr_pink: float = float("nan")  # SNR counting red noise on the transit's time scale
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {k: _plain(v) for k, v in asdict(self).items()}
        out["flags"] = list(self.flags)
        return out


@dataclass(frozen=True)
class Periodogram:
    """BLS power against period for the first search (kept for plotting)."""

    period: np.ndarray
    power: np.ndarray


@dataclass
class AnalysisResult:
    """The outcome of `analyze`. `to_dict()` is the JSON shape of the CLI and REST API.

    Series (time, flux, trend, detrended, labels) cover the points that were
    analysed: finite, and not masked by the quality bitmask. `flux_uncorrected` is the
    normalised flux before the K2 roll correction (None when none was applied), so the
    correction can be shown next to what it changed.
    """

    n_points: int
    meta: dict[str, Any]
    transits: list[TransitCandidate]
    events: list[Event]
    time: np.ndarray
    flux: np.ndarray
    trend: np.ndarray
    detrended: np.ndarray
    labels: np.ndarray
    periodogram: Periodogram | None = None
    anomaly_scores: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    flux_uncorrected: np.ndarray | None = None

    def to_dict(self, include_series: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n_points": int(self.n_points),
            "meta": {k: _plain(v) for k, v in self.meta.items()},
            "transits": [t.to_dict() for t in self.transits],
            "events": [e.to_dict() for e in self.events],
            "timings": {k: round(float(v), 6) for k, v in self.timings.items()},
            "config": {k: _plain(v) for k, v in self.config.items()},
        }
        if include_series:
            out["series"] = {
                "time": self.time.tolist(),
                "flux": self.flux.tolist(),
                "trend": self.trend.tolist(),
                "detrended": self.detrended.tolist(),
                "labels": [LABEL_NAMES[c] for c in self.labels],
            }
            if self.flux_uncorrected is not None:
                out["series"]["flux_uncorrected"] = self.flux_uncorrected.tolist()
        return out

    def events_frame(self) -> pd.DataFrame:
        """One row per event (columns of Event plus any extras); empty frame with the columns if none."""
        columns = ["kind", "t_start", "t_end", "t_peak", "amplitude", "snr", "score"]
        rows = [e.to_dict() for e in self.events]
        return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)

    def transits_frame(self) -> pd.DataFrame:
        columns = ["period", "t0", "duration", "depth", "snr", "sde", "n_transits"]
        rows = [t.to_dict() for t in self.transits]
        return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)

    def counts(self) -> dict[str, int]:
        return {kind: sum(e.kind == kind for e in self.events) for kind in EVENT_KINDS}


def _plain(value: Any) -> Any:
    """Make numpy scalars, arrays and NaN JSON-friendly (NaN and inf become None)."""
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if np.isfinite(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
