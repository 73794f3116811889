"""Batches on Celery (REDIS_URL): one task per curve, so every worker on every machine takes a share.

A curve's bytes wait in Redis (`BatchStore.put_input`) and its task carries only the batch
id and the curve's index; the worker reads the bytes from Redis, puts the full result in
the result cache and the row in the curve's state, so no disk is shared. Tasks are
acknowledged late (`acks_late`): a worker that dies mid-curve has not acknowledged it.

Redis gives an unacknowledged message to another worker only after the visibility timeout
(an hour, and longer than any analysis must be), so a lost curve is also noticed sooner:
while a worker analyses a curve it keeps a short-lived "alive" key fresh, and whoever
reads the batch (`recover`, on every status read) sends a curve whose worker stopped
refreshing it again, up to MAX_ATTEMPTS times. A task finds its curve already finished
or alive elsewhere and returns: a curve sent twice is analysed once and is one row.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from kombu import Queue

from core.batch.summary import FAILED, summary_row
from core.config import AnalysisConfig
from dashapp.batch.store import FINISHED, QUEUED, RUNNING, BatchStore
from dashapp.batch.work import CurveDone, CurveInput, analyse_curve

log = logging.getLogger(__name__)

TASK_NAME = "dashapp.batch.analyse_curve"
QUEUE = "batch"  # apart from the dashboard's own callbacks ("celery"), which workers take in turn with these
HEARTBEAT_S = 5.0
LOST_AFTER_S = 30.0  # no heartbeat for this long: the worker is gone
MAX_ATTEMPTS = 3
GAVE_UP = ("the worker analysing this curve stopped {n} times (out of memory, or killed); it is not tried again")
INPUT_GONE = "this curve's data expired before a worker took it; send it again"

Finished = Callable[[int, CurveDone], None]
Record = Callable[[str, int, str, CurveDone], None]  # (batch id, curve index, result key, outcome)


def batch_queues() -> tuple[Queue, Queue]:
    """The queues every worker consumes (unless started with -Q): the dashboard's callbacks and batch curves."""
    return Queue("celery"), Queue(QUEUE)


class CeleryQueue:
    """Sends each curve of a batch to the Celery workers through Redis."""

    backend = "celery"

    def __init__(self, celery: Any, store: BatchStore) -> None:
        self.celery = celery
        self.store = store

    def submit(self, batch_id: str, work: list[tuple[int, CurveInput]], config: AnalysisConfig,
               finished: Finished) -> list[int]:
        """Queue every curve (the settings travel in the batch, and the worker records what it finds);
        the indexes that could not be queued (Redis refused them)."""
        refused = []
        for index, curve in work:
            if not (self.store.put_input(batch_id, index, curve) and self._send(batch_id, index)):
                refused.append(index)
        return refused

    def recover(self, meta: dict[str, Any], states: list[dict[str, Any]]) -> None:
        """Send again each running curve of the batch whose worker stopped; fail it after MAX_ATTEMPTS."""
        batch_id = meta["id"]
        for index, state in enumerate(states):
            if state.get("status") != RUNNING or self.store.is_alive(batch_id, index):
                continue
            attempts = int(state.get("attempts", 1))
            if not self.store.claim_once(f"{batch_id}:{index}:{attempts}"):
                continue  # another reader of the batch is already on it
            if attempts >= MAX_ATTEMPTS:
                row = summary_row(meta["curves"][index]["label"], None, GAVE_UP.format(n=attempts))
                self.store.set_curve(batch_id, index, {"status": FAILED, "attempts": attempts, "row": row})
                continue
            log.warning("batch %s: curve %d lost its worker; sending it again", batch_id, index)
            self.store.set_curve(batch_id, index, {"status": QUEUED, "attempts": attempts})
            self._send(batch_id, index)

    def _send(self, batch_id: str, index: int) -> bool:
        try:
            self.celery.send_task(TASK_NAME, args=[batch_id, index], queue=QUEUE)
        except Exception:  # noqa: BLE001 - kombu/redis errors: this curve is reported, the others go on
            log.warning("batch %s: curve %d could not be queued", batch_id, index, exc_info=True)
            return False
        return True


def run_curve(store: BatchStore, record: Record, batch_id: str, index: int) -> None:
    """The task: analyse curve `index` of the batch unless it is finished or another worker has it."""
    meta = store.meta(batch_id)
    state = store.curve(batch_id, index) or {}
    if meta is None or state.get("status") in FINISHED:
        return
    if state.get("status") == RUNNING and store.is_alive(batch_id, index):
        return
    curve = store.input(batch_id, index)
    about = meta["curves"][index]
    if curve is None:
        record(batch_id, index, about["result_key"], CurveDone(summary_row(about["label"], None, INPUT_GONE), None))
        return
    attempts = int(state.get("attempts", 0)) + 1
    store.set_curve(batch_id, index, {"status": RUNNING, "attempts": attempts})
    with _kept_alive(store, batch_id, index):
        done = analyse_curve(curve, AnalysisConfig.from_mapping(meta["config"]))
    record(batch_id, index, about["result_key"], done)
    store.drop_input(batch_id, index)


@contextmanager
def _kept_alive(store: BatchStore, batch_id: str, index: int) -> Iterator[None]:
    """Refresh the curve's alive key every HEARTBEAT_S while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        while True:
            store.mark_alive(batch_id, index, LOST_AFTER_S)
            if stop.wait(HEARTBEAT_S):
                return

    thread = threading.Thread(target=beat, name="batch-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def register_task(celery_app: Any, context: Callable[[], tuple[BatchStore, Record]]) -> None:
    """Make the curve task known to a worker's Celery app; `context()` gives the store and what records a finished curve."""

    @celery_app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
    def analyse_batch_curve(batch_id: str, index: int) -> None:
        store, record = context()
        run_curve(store, record, batch_id, index)
