"""Start a batch, read it, summarise it: the one way routes and pages handle many curves.

A curve whose result the shared cache already holds (same bytes, same settings) is done
at once, from its kept row; the others go to the queue (a web worker's pool, or Celery).
Whoever started a batch reads it; to anyone else it does not exist.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from core.batch.summary import FAILED, OK, Row, summary_csv, summary_row
from core.config import AnalysisConfig
from dashapp.api.jobs import QUEUE_DOWN_MESSAGE, JobQueueUnavailableError
from dashapp.batch.celery_queue import CeleryQueue
from dashapp.batch.embedded import EmbeddedQueue
from dashapp.batch.store import DONE, BatchCurve, BatchNotStoredError, BatchStore, batch_view
from dashapp.batch.work import STORED, UPLOADED, CurveDone, CurveInput
from dashapp.infra.curve_store import content_hash
from dashapp.infra.ownership import Caller, may_read_job
from dashapp.infra.result_cache import ResultCache, result_key

log = logging.getLogger(__name__)

NOT_QUEUED = "this curve could not be queued (the job queue is unreachable); send it again later"


@dataclass(frozen=True)
class BatchFile:
    """One file of a batch request: its bytes, or why it cannot be analysed (e.g. an encrypted zip member)."""

    label: str
    data: bytes | None
    error: str | None = None


class BatchService:
    def __init__(self, store: BatchStore, results: ResultCache, queue: EmbeddedQueue | CeleryQueue) -> None:
        self.store = store
        self.results = results
        self.queue = queue

    # ------------------------------------------------------------------ starting

    def start_uploads(self, owner: str, files: list[BatchFile], config: AnalysisConfig) -> str:
        """A batch of uploaded files (the REST API); returns its id."""
        entries = [(f.label, None if f.data is None else CurveInput(f.label, f.data, UPLOADED, content_hash(f.data, f.label)),
                    f.error) for f in files]
        return self._start(owner, entries, config)

    def start_stored(self, owner: str, curves: list[tuple[str, str, bytes]], config: AnalysisConfig) -> str:
        """A batch of a session's stored curves, each (label, curve hash, .npz bytes) (the Batch page)."""
        return self._start(owner, [(label, CurveInput(label, npz, STORED, curve_hash), None)
                                   for label, curve_hash, npz in curves], config)

    def _start(self, owner: str, entries: list[tuple[str, CurveInput | None, str | None]],
               config: AnalysisConfig) -> str:
        curves = [BatchCurve(label, curve.curve_hash if curve else "",
                             result_key(curve.curve_hash, config) if curve else "") for label, curve, _ in entries]
        try:
            batch_id = self.store.create(owner, curves, config.to_dict(), self.queue.backend)
        except BatchNotStoredError:
            raise JobQueueUnavailableError(QUEUE_DOWN_MESSAGE) from None
        known = self.known_rows([c.result_key for c in curves])
        work = []
        for index, ((label, curve, error), about) in enumerate(zip(entries, curves)):
            if curve is None:
                self.record(batch_id, index, "", CurveDone(summary_row(label, None, error), None))
            elif known.get(about.result_key) is not None:
                self.record(batch_id, index, "", CurveDone({**known[about.result_key], "file": label}, None))
            else:
                work.append((index, curve))
        if work:
            refused = self.queue.submit(batch_id, work, config,
                                        lambda index, done: self.record(batch_id, index, curves[index].result_key, done))
            for index in refused:
                self.record(batch_id, index, "", CurveDone(summary_row(curves[index].label, None, NOT_QUEUED), None))
        return batch_id

    def record(self, batch_id: str, index: int, key: str, done: CurveDone) -> None:
        """A finished curve: its result and row beside it in the cache (when analysed now), and its state."""
        if done.result is not None and key:
            self.results.put(key, done.result)
            self.store.put_row(key, {**done.row, "file": None})
        status = DONE if done.row["status"] == OK else FAILED
        self.store.set_curve(batch_id, index, {"status": status, "row": done.row})

    def known_rows(self, keys: list[str]) -> dict[str, Row]:
        """The summary rows (without their `file`) of the results the cache holds for `keys`.

        A result analysed on the Analysis page or by POST /api/analyze has no row yet: it is
        made from the result once and kept.
        """
        wanted = [key for key in dict.fromkeys(keys) if key]
        known = {}
        for key, row in zip(wanted, self.store.rows(wanted)):
            if not self.results.has(key):
                continue
            if row is None:
                result = self.results.get(key)
                if result is None:
                    continue
                row = {**summary_row("", result.to_dict()), "file": None}
                self.store.put_row(key, row)
            known[key] = row
        return known

    # ------------------------------------------------------------------ reading

    def meta(self, batch_id: str, caller: Caller) -> dict[str, Any] | None:
        """The batch as it was made, for whoever started it (and the operator); None for anyone else."""
        meta = self.store.meta(batch_id)
        if meta is None or not may_read_job(caller, caller.owner is not None and caller.owner == meta["owner"]):
            return None
        return meta

    def view(self, batch_id: str, caller: Caller) -> dict[str, Any] | None:
        """Status, progress, each curve and the summary rows (see store.batch_view); lost curves are sent again."""
        meta = self.meta(batch_id, caller)
        if meta is None:
            return None
        states = self.store.curves(batch_id, len(meta["curves"]))
        if meta["backend"] == self.queue.backend:
            self.queue.recover(meta, states)
        return batch_view(meta, states)

    def summary_csv(self, batch_id: str, caller: Caller) -> str | None:
        view = self.view(batch_id, caller)
        return None if view is None else summary_csv(view["summary"])

    def curve_result(self, batch_id: str, index: int, caller: Caller) -> dict[str, Any] | None:
        """The full result document of one curve of the batch, once it is analysed (None before, or if not yours)."""
        meta = self.meta(batch_id, caller)
        if meta is None or not 0 <= index < len(meta["curves"]) or not meta["curves"][index]["result_key"]:
            return None
        result = self.results.get(meta["curves"][index]["result_key"])
        return None if result is None else result.to_dict()
