"""Batches on Celery without Redis or workers: the task's choices and the recovery of curves whose worker died.

The cache is a dict with the cache's operations, the Celery app a recorder of sent tasks;
the real thing (Redis, two workers, one SIGKILLed) is tests/e2e/test_batch_scaled_out.py.
"""
from __future__ import annotations

from typing import Any

import pytest

from core.config import AnalysisConfig
from core.io.writers import write_csv
from core.synthetic import generate_lightcurve
from dashapp.batch.celery_queue import MAX_ATTEMPTS, TASK_NAME, CeleryQueue, run_curve
from dashapp.batch.store import BatchCurve, BatchStore, batch_view
from dashapp.batch.work import UPLOADED, CurveDone, CurveInput
from tests.dashapp.builders import DictStore


class Cache(DictStore):
    """DictStore with get_many, and keys that expire only when a test says so."""

    def get_many(self, *keys: str) -> list[Any]:
        return [self.items.get(key) for key in keys]

    def expire(self, prefix: str) -> None:
        for key in [k for k in self.items if k.startswith(prefix)]:
            del self.items[key]


class SentTasks:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list, str]] = []

    def send_task(self, name: str, args: list, queue: str) -> None:
        self.sent.append((name, args, queue))


@pytest.fixture
def parts(tmp_path) -> tuple[Cache, BatchStore, CeleryQueue, SentTasks, str, CurveInput]:
    cache, celery = Cache(), SentTasks()
    store = BatchStore(cache, 3600)
    lc, _ = generate_lightcurve(n_points=1500, seed=3)
    curve = CurveInput("c.csv", write_csv(lc, tmp_path / "c.csv").read_bytes(), UPLOADED, "a" * 32)
    batch_id = store.create("key:k1", [BatchCurve("c.csv", curve.curve_hash, "result-key")],
                            AnalysisConfig().to_dict(), "celery")
    return cache, store, CeleryQueue(celery, store), celery, batch_id, curve


def _recorder(store: BatchStore, calls: list) -> Any:
    def record(batch_id: str, index: int, key: str, done: CurveDone) -> None:
        calls.append(index)
        store.set_curve(batch_id, index, {"status": "done" if done.row["status"] == "ok" else "failed",
                                          "row": done.row})
    return record


def test_a_curve_travels_through_the_cache_and_is_analysed_once(parts) -> None:
    _, store, queue, celery, batch_id, curve = parts
    assert queue.submit(batch_id, [(0, curve)], AnalysisConfig(), lambda *_: None) == []
    assert celery.sent == [(TASK_NAME, [batch_id, 0], "batch")]
    calls: list = []
    run_curve(store, _recorder(store, calls), batch_id, 0)
    run_curve(store, _recorder(store, calls), batch_id, 0)  # the same message delivered again
    assert calls == [0]
    assert store.curve(batch_id, 0)["status"] == "done" and store.input(batch_id, 0) is None


def test_a_curve_whose_worker_stopped_is_sent_again_once_then_given_up(parts) -> None:
    cache, store, queue, celery, batch_id, curve = parts
    queue.submit(batch_id, [(0, curve)], AnalysisConfig(), lambda *_: None)
    meta = store.meta(batch_id)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        store.set_curve(batch_id, 0, {"status": "running", "attempts": attempt})
        store.mark_alive(batch_id, 0, 30)
        queue.recover(meta, store.curves(batch_id, 1))  # alive: left alone
        assert len(celery.sent) == attempt
        cache.expire("batch-alive:")  # the worker died
        seen = store.curves(batch_id, 1)  # two readers of the batch see it at once: one acts
        queue.recover(meta, seen)
        queue.recover(meta, seen)
        if attempt < MAX_ATTEMPTS:
            assert len(celery.sent) == attempt + 1 and store.curve(batch_id, 0)["status"] == "queued"
    view = batch_view(meta, store.curves(batch_id, 1))
    assert len(celery.sent) == MAX_ATTEMPTS and view["status"] == "done"
    assert view["summary"][0]["status"] == "failed" and "stopped 3 times" in view["summary"][0]["error"]


def test_a_curve_being_analysed_elsewhere_is_not_taken(parts) -> None:
    _, store, queue, _, batch_id, curve = parts
    queue.submit(batch_id, [(0, curve)], AnalysisConfig(), lambda *_: None)
    store.set_curve(batch_id, 0, {"status": "running", "attempts": 1})
    store.mark_alive(batch_id, 0, 30)
    calls: list = []
    run_curve(store, _recorder(store, calls), batch_id, 0)
    assert calls == [] and store.input(batch_id, 0) is not None


def test_a_curve_whose_bytes_expired_is_a_failed_row_saying_so(parts) -> None:
    cache, store, queue, _, batch_id, curve = parts
    queue.submit(batch_id, [(0, curve)], AnalysisConfig(), lambda *_: None)
    cache.expire("batch-input:")
    rows: list = []
    run_curve(store, lambda b, i, k, done: rows.append(done.row), batch_id, 0)
    assert rows[0]["status"] == "failed" and "expired" in rows[0]["error"]


def test_a_refused_send_is_reported_for_that_curve(parts) -> None:
    _, store, _, _, batch_id, curve = parts

    class Down:
        def send_task(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("redis is down")

    assert CeleryQueue(Down(), store).submit(batch_id, [(0, curve)], AnalysisConfig(), lambda *_: None) == [0]
