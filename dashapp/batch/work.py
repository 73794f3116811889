"""One curve of a batch, analysed wherever it runs: a web worker's pool process or a Celery worker.

The curve comes as bytes (an uploaded file, or a session's stored curve as .npz), never
as a path, so a worker on another machine needs no shared disk. Nothing raises out of
`analyse_curve`: a file a person has to fix, or a failure of ours, is a failed row.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from core.batch.summary import Row, summary_row
from core.config import AnalysisConfig
from core.errors import UserError
from core.io import load_lightcurve
from core.lightcurve import LightCurve
from core.pipeline import analyze
from core.result import AnalysisResult
from dashapp.infra.curve_store import lightcurve_from_npz

log = logging.getLogger(__name__)

UPLOADED, STORED = "uploaded", "stored"
INTERNAL_ERROR = "this curve could not be analysed because of an internal error; it has been logged"


@dataclass(frozen=True)
class CurveInput:
    """What a worker needs to analyse one curve of a batch."""

    label: str  # the file's name as its sender gave it (display only)
    payload: bytes  # the uploaded file, or a stored curve's .npz
    kind: str  # UPLOADED or STORED
    curve_hash: str  # dashapp.infra.curve_store.content_hash: the curve's identity in caches

    def to_message(self) -> dict[str, Any]:
        """A plain dict for the cache (no objects of ours)."""
        return {"label": self.label, "payload": self.payload, "kind": self.kind, "curve_hash": self.curve_hash}

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> "CurveInput":
        return cls(label=str(message["label"]), payload=bytes(message["payload"]), kind=str(message["kind"]),
                   curve_hash=str(message["curve_hash"]))


@dataclass(frozen=True)
class CurveDone:
    """A curve's summary row, and its full result for the result cache when it was analysed."""

    row: Row
    result: AnalysisResult | None


def analyse_curve(curve: CurveInput, config: AnalysisConfig) -> CurveDone:
    try:
        result = analyze(_lightcurve(curve), config)
    except UserError as exc:
        return CurveDone(summary_row(curve.label, None, str(exc)), None)
    except Exception:  # noqa: BLE001 - one curve's failure is its row; the traceback goes to the log only
        log.exception("batch curve %s could not be analysed", curve.curve_hash)
        return CurveDone(summary_row(curve.label, None, INTERNAL_ERROR), None)
    return CurveDone(summary_row(curve.label, result.to_dict()), result)


def analyse_pair(pair: tuple[CurveInput, AnalysisConfig]) -> CurveDone:
    """`analyse_curve` for a process pool, which hands each call one item."""
    return analyse_curve(*pair)


def _lightcurve(curve: CurveInput) -> LightCurve:
    if curve.kind == STORED:
        return lightcurve_from_npz(curve.payload)
    return load_lightcurve(curve.payload, filename=curve.label)
