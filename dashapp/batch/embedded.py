"""Batches without Redis: the web worker that accepted a batch analyses it on its own process pool.

One batch at a time per web worker (the machine's CPUs are the pool's), a few more may
wait; beyond that the batch is refused with a 503 and Retry-After (QueueFullError) rather
than piling up work nobody waits for. If the web worker restarts, its batch is lost: use
REDIS_URL and Celery workers when batches must survive a restart.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from core.parallel import parallel_map
from core.batch.summary import summary_row
from core.config import AnalysisConfig
from dashapp.api.jobs import QueueFullError
from dashapp.batch.work import CurveDone, CurveInput, analyse_pair

log = logging.getLogger(__name__)

MAX_PENDING_BATCHES = 3
POOL_STOPPED = "the process analysing this curve stopped (out of memory?); send it again in a smaller batch"

Finished = Callable[[int, CurveDone], None]  # (curve index, outcome)


class EmbeddedQueue:
    """Runs each batch on `processes` processes, one batch at a time, at most MAX_PENDING_BATCHES accepted."""

    backend = "embedded"

    def __init__(self, processes: int, max_pending: int = MAX_PENDING_BATCHES) -> None:
        self.processes = processes
        self.max_pending = max_pending
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch")
        self._pending = 0
        self._lock = threading.Lock()

    def submit(self, batch_id: str, work: list[tuple[int, CurveInput]], config: AnalysisConfig,
               finished: Finished) -> list[int]:
        """Analyse `work` (curve index, input) and tell `finished` about each curve as it ends; nothing is refused
        curve by curve (a full queue refuses the whole batch with QueueFullError)."""
        with self._lock:
            if self._pending >= self.max_pending:
                raise QueueFullError(f"{self._pending} batches are already waiting on this server; try again later")
            self._pending += 1
        self._pool.submit(self._run, work, config, finished)
        return []

    def recover(self, meta: dict, states: list[dict]) -> None:
        """Nothing to do: a batch here ends with every curve finished (or its web worker is gone with it)."""

    def _run(self, work: list[tuple[int, CurveInput]], config: AnalysisConfig, finished: Finished) -> None:
        reported: set[int] = set()

        def heard(position: int, done: CurveDone) -> None:
            index = work[position][0]
            reported.add(index)
            finished(index, done)

        try:
            parallel_map(analyse_pair, [(curve, config) for _, curve in work], jobs=self.processes, on_result=heard)
        except BrokenProcessPool:
            log.warning("a batch's process pool stopped; its unfinished curves are reported as failed")
        except Exception:  # noqa: BLE001 - a batch must end with every curve in a state its reader can see
            log.exception("a batch failed")
        finally:
            for index, curve in work:
                if index not in reported:
                    finished(index, CurveDone(summary_row(curve.label, None, POOL_STOPPED), None))
            with self._lock:
                self._pending -= 1
