"""Analysis results in the shared cache, keyed by (curve content hash, settings).

A result is stored as .npz bytes (arrays plus the `to_dict()` JSON as text), so the
cache never holds a pickled object of ours and a cached re-analysis is one read.
"""
from __future__ import annotations

import hashlib
import io
import json
from typing import Any, Callable

import numpy as np

from core import __version__ as core_version
from core.config import AnalysisConfig
from core.result import AnalysisResult, Event, Periodogram, TransitCandidate

_EVENT_FIELDS = ("kind", "t_start", "t_end", "t_peak", "amplitude", "snr", "score")
_RESULT_FORMAT = 3  # 2: results carry flux_uncorrected (K2 roll correction); 3: transits carry their vetting


def result_key(curve_hash: str, config: AnalysisConfig) -> str:
    """Cache key of one analysis: the same bytes analysed with the same settings by the same core."""
    canonical = json.dumps({"curve": curve_hash, "config": config.to_dict(), "v": _RESULT_FORMAT,
                            "core": core_version}, sort_keys=True)
    return "result:" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


def result_to_npz(result: AnalysisResult) -> bytes:
    arrays: dict[str, np.ndarray] = {
        "time": np.asarray(result.time, dtype=float),
        "flux": np.asarray(result.flux, dtype=float),
        "trend": np.asarray(result.trend, dtype=float),
        "detrended": np.asarray(result.detrended, dtype=float),
        "labels": np.asarray(result.labels, dtype=np.int8),
        "doc": np.array(json.dumps(result.to_dict())),
    }
    if result.periodogram is not None:
        arrays["pg_period"] = np.asarray(result.periodogram.period, dtype=float)
        arrays["pg_power"] = np.asarray(result.periodogram.power, dtype=float)
    if result.anomaly_scores is not None:
        arrays["anomaly_scores"] = np.asarray(result.anomaly_scores, dtype=float)
    if result.flux_uncorrected is not None:
        arrays["flux_uncorrected"] = np.asarray(result.flux_uncorrected, dtype=float)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def result_from_npz(data: bytes) -> AnalysisResult:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        doc = json.loads(str(npz["doc"]))
        periodogram = Periodogram(npz["pg_period"], npz["pg_power"]) if "pg_period" in npz else None
        return AnalysisResult(
            n_points=int(doc["n_points"]),
            meta=doc["meta"],
            transits=[TransitCandidate.from_dict(t) for t in doc["transits"]],
            events=[_event(e) for e in doc["events"]],
            time=npz["time"],
            flux=npz["flux"],
            trend=npz["trend"],
            detrended=npz["detrended"],
            labels=npz["labels"],
            periodogram=periodogram,
            anomaly_scores=npz["anomaly_scores"] if "anomaly_scores" in npz else None,
            timings=doc.get("timings", {}),
            config=doc.get("config", {}),
            flux_uncorrected=npz["flux_uncorrected"] if "flux_uncorrected" in npz else None,
        )


class ResultNotStoredError(RuntimeError):
    """The cache refused a result (backend down, disk full), so a page cannot fetch it afterwards."""


class ResultCache:
    """get/put of results in a flask-caching backend (file system or Redis)."""

    def __init__(self, cache: Any, timeout_s: int) -> None:
        self.cache = cache
        self.timeout_s = timeout_s

    def get(self, key: str) -> AnalysisResult | None:
        data = self.cache.get(key)
        return result_from_npz(data) if isinstance(data, bytes) else None

    def has(self, key: str) -> bool:
        return bool(self.cache.has(key))

    def put(self, key: str, result: AnalysisResult) -> bool:
        """Store a result; False if the backend refused it (down, full): callers decide if that matters."""
        return bool(self.cache.set(key, result_to_npz(result), timeout=self.timeout_s))

    def grant(self, key: str, owner: str) -> None:
        """Record that `owner` (an owner tag) reached the result under `key`, for as long as results are kept."""
        self.cache.set(f"{key}:reader:{owner}", 1, timeout=self.timeout_s)

    def reached(self, key: str, owner: str) -> bool:
        return self.cache.get(f"{key}:reader:{owner}") is not None

    def get_or_compute(self, key: str, compute: Callable[[], AnalysisResult]) -> AnalysisResult:
        """The cached result, else a computed and stored one; ResultNotStoredError if it cannot be stored,
        since the dashboard hands results from its background job to the page through this cache."""
        cached = self.get(key)
        if cached is not None:
            return cached
        result = compute()
        if not self.put(key, result):
            raise ResultNotStoredError("the result could not be saved because the server's cache is unreachable "
                                       "or its storage is full; try again later, or tell the server's administrator")
        return result


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _event(row: dict[str, Any]) -> Event:
    extra = {k: v for k, v in row.items() if k not in _EVENT_FIELDS}
    return Event(
        kind=row["kind"],
        **{k: _float(row.get(k)) for k in _EVENT_FIELDS if k != "kind"},
        extra=extra,
    )
