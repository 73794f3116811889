"""What `analyze` returns: events, transit candidates, series for plots, timings."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from core.candidate_vetting import Vetting

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
    """A periodic dip found by the BLS search and kept by its refusal tests, with its vetting once judged.

    `flags` names the vetting tests it failed (the search flags an odd/even mismatch
    before it is vetted); `vetting` (verdict, reasons, metrics) is filled by the
    pipeline's vetting stage and flattened into to_dict(), as the result contract asks.
    """

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
    vetting: Vetting | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {spec.name: _plain(getattr(self, spec.name)) for spec in fields(self) if spec.name != "vetting"}
        out["flags"] = list(self.flags)
        if self.vetting is not None:
            out.update(self.vetting.to_dict())
        return out

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "TransitCandidate":
        """The inverse of to_dict (None read back as NaN), so a stored result keeps every field and the vetting."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = row.get(spec.name)
            if spec.name == "n_transits":
                values[spec.name] = int(raw or 0)
            elif spec.name == "flags":
                values[spec.name] = tuple(raw or ())
            elif spec.name == "vetting":
                values[spec.name] = Vetting.from_dict(row) if "verdict" in row else None
            else:
                values[spec.name] = float("nan") if raw is None else float(raw)
        return cls(**values)


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
        """One row per candidate: its fields, verdict and metrics, with the lists (reasons, per-transit
        depths and SNRs, aliases) as text, so a CSV or a grid carries them in one cell each."""
        columns = ["period", "t0", "duration", "depth", "snr", "sde", "n_transits"]
        rows = [_flat_transit(t.to_dict()) for t in self.transits]
        return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)

    def counts(self) -> dict[str, int]:
        return {kind: sum(e.kind == kind for e in self.events) for kind in EVENT_KINDS}


def _flat_transit(row: dict[str, Any]) -> dict[str, Any]:
    """A transit's to_dict() with its lists written out as '; '-separated text."""
    out = dict(row)
    if "reasons" in out:
        out["reasons"] = "; ".join(
            f"{r['test']} {'passed' if r['passed'] else 'FAILED'} ({_short(r['value'])} vs {_short(r['threshold'])})"
            for r in row["reasons"])
    if "per_transit" in out:
        transits = out.pop("per_transit")
        out["per_transit_depth"] = "; ".join(_short(t["depth"]) for t in transits)
        out["per_transit_depth_err"] = "; ".join(_short(t["depth_err"]) for t in transits)
        out["per_transit_snr"] = "; ".join(_short(t["snr"]) for t in transits)
    if "aliases" in out:
        out["aliases"] = "; ".join(f"{a['label']}: {_short(a['sde'])}" for a in row["aliases"])
    out["flags"] = ", ".join(row.get("flags", ()))
    return out


def _short(value: Any) -> str:
    return "n/a" if value is None else f"{value:.4g}"


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
