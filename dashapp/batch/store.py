"""A batch's state in the shared cache (files, or Redis), where every web and Celery worker reads it.

Keys, all expiring with the result cache:
  batch:<id>              the batch: owner tag, created, settings, each curve's label, hash and result key
  batch:<id>:<i>          curve i: status (queued, running, done, failed), its summary row, attempts
  batch-input:<id>:<i>    curve i's bytes while it waits for a Celery worker (gone once it is done)
  batch-alive:<id>:<i>    present while a worker is analysing curve i (refreshed; expires if the worker dies)
  batch-row:<result key>  the summary row of an analysis, kept beside the result for tables of many curves
Every curve has its own key and is written only by whoever analyses it, so two workers
never overwrite each other's curves and a curve analysed twice is still one row.
"""
from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from core.batch.summary import FAILED, Row, summary_row
from dashapp.batch.work import CurveInput

BATCH_ID_CHARS = 32
QUEUED, RUNNING, DONE = "queued", "running", "done"
FINISHED = (DONE, FAILED)


class BatchNotStoredError(RuntimeError):
    """The cache refused the batch (Redis down, disk full): nobody could follow it."""


@dataclass(frozen=True)
class BatchCurve:
    """One curve of a batch as the batch was made."""

    label: str
    curve_hash: str
    result_key: str


class BatchStore:
    def __init__(self, cache: Any, timeout_s: int) -> None:
        self.cache = cache
        self.timeout_s = timeout_s

    # ------------------------------------------------------------------ the batch

    def create(self, owner: str, curves: list[BatchCurve], config: dict[str, Any], backend: str) -> str:
        """A new batch of `curves`, every one queued; BatchNotStoredError when the cache refuses it."""
        batch_id = secrets.token_hex(BATCH_ID_CHARS // 2)
        meta = {"id": batch_id, "owner": owner, "created": time.time(), "config": config, "backend": backend,
                "curves": [vars(curve) for curve in curves]}
        if not self.cache.set(_meta_key(batch_id), json.dumps(meta), timeout=self.timeout_s):
            raise BatchNotStoredError("the batch could not be stored")
        for index in range(len(curves)):
            self.set_curve(batch_id, index, {"status": QUEUED})
        return batch_id

    def meta(self, batch_id: str) -> dict[str, Any] | None:
        raw = self.cache.get(_meta_key(batch_id)) if is_batch_id(batch_id) else None
        return json.loads(raw) if isinstance(raw, str) else None

    # ------------------------------------------------------------------ its curves

    def set_curve(self, batch_id: str, index: int, state: dict[str, Any]) -> bool:
        return bool(self.cache.set(_curve_key(batch_id, index), json.dumps(state), timeout=self.timeout_s))

    def curve(self, batch_id: str, index: int) -> dict[str, Any] | None:
        raw = self.cache.get(_curve_key(batch_id, index))
        return json.loads(raw) if isinstance(raw, str) else None

    def curves(self, batch_id: str, n: int) -> list[dict[str, Any]]:
        """Every curve's state, in one read; a state the cache lost reads as queued."""
        raws = self.cache.get_many(*[_curve_key(batch_id, index) for index in range(n)]) if n else []
        return [json.loads(raw) if isinstance(raw, str) else {"status": QUEUED} for raw in raws]

    # ------------------------------------------------------------------ the bytes on their way to a worker

    def put_input(self, batch_id: str, index: int, curve: CurveInput) -> bool:
        return bool(self.cache.set(_input_key(batch_id, index), curve.to_message(), timeout=self.timeout_s))

    def input(self, batch_id: str, index: int) -> CurveInput | None:
        message = self.cache.get(_input_key(batch_id, index))
        return CurveInput.from_message(message) if isinstance(message, dict) else None

    def drop_input(self, batch_id: str, index: int) -> None:
        self.cache.delete(_input_key(batch_id, index))

    # ------------------------------------------------------------------ who is on it

    def mark_alive(self, batch_id: str, index: int, for_s: float) -> None:
        self.cache.set(_alive_key(batch_id, index), 1, timeout=max(1, int(for_s)))

    def is_alive(self, batch_id: str, index: int) -> bool:
        return self.cache.get(_alive_key(batch_id, index)) is not None

    def claim_once(self, name: str) -> bool:
        """True for the first caller of `name` (Redis: SETNX), so one worker of many acts on it."""
        return bool(self.cache.add(f"batch-once:{name}", 1, timeout=self.timeout_s))

    # ------------------------------------------------------------------ rows beside results

    def put_row(self, result_key: str, row: Row) -> None:
        self.cache.set(_row_key(result_key), json.dumps(row), timeout=self.timeout_s)

    def rows(self, result_keys: list[str]) -> list[Row | None]:
        """The kept row of each result key (None where there is none)."""
        raws = self.cache.get_many(*[_row_key(key) for key in result_keys]) if result_keys else []
        return [json.loads(raw) if isinstance(raw, str) else None for raw in raws]


def is_batch_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == BATCH_ID_CHARS and all(c in "0123456789abcdef" for c in value)


def batch_view(meta: dict[str, Any], states: list[dict[str, Any]]) -> dict[str, Any]:
    """What a reader sees: overall status and progress, each curve's status, and one summary row per file.

    A finished curve's row is the one its worker made (status "ok" or "failed", as in the
    CLI's table); a curve still waiting has a row with its status and nothing else yet.
    """
    curves = meta["curves"]
    statuses = [state.get("status", QUEUED) for state in states]
    counts = Counter(statuses)
    finished = counts[DONE] + counts[FAILED]
    rows = [state["row"] if status in FINISHED and state.get("row") else {**summary_row(curve["label"], None),
                                                                          "status": status, "error": None}
            for curve, state, status in zip(curves, states, statuses)]
    return {
        "id": meta["id"],
        "status": DONE if finished == len(curves) else RUNNING if finished or counts[RUNNING] else QUEUED,
        "created": meta["created"],
        "n_curves": len(curves),
        "progress": round(finished / len(curves), 4) if curves else 1.0,
        "counts": {name: counts[name] for name in (QUEUED, RUNNING, DONE, FAILED)},
        "curves": [{"index": index, "file": curve["label"], "status": status, "error": row["error"]}
                   for index, (curve, status, row) in enumerate(zip(curves, statuses, rows))],
        "summary": rows,
    }


def _meta_key(batch_id: str) -> str:
    return f"batch:{batch_id}"


def _curve_key(batch_id: str, index: int) -> str:
    return f"batch:{batch_id}:{index}"


def _input_key(batch_id: str, index: int) -> str:
    return f"batch-input:{batch_id}:{index}"


def _alive_key(batch_id: str, index: int) -> str:
    return f"batch-alive:{batch_id}:{index}"


def _row_key(result_key: str) -> str:
    return f"batch-row:{result_key}"
