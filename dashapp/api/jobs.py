"""Background jobs for the REST API (training), with status kept in the shared cache.

Gunicorn runs several workers, and the request that polls a job may land on another
worker than the one running it; so the job's state lives in the flask-caching backend
(files or Redis) that every worker reads, while the work itself runs in a small
thread pool of the worker that accepted it. The queue is bounded: a full queue is
refused with a clear error instead of piling up work nobody waits for. Without a
working cache (Redis down, disk full) nobody could poll a job, so none is accepted.

The same work sent again while its job is still queued or running (a client that
retried after a timeout, a double click) joins that job instead of taking a second
queue slot for minutes of identical computing.

Every job records who started it (`infra.ownership`); whoever joins it with the same work
is recorded as having started it too (they sent the same bytes and settings). A job is
read only through `JobLanes.status`, which asks the ownership rules, so every kind of job,
today's and any added later, is readable by its starters (and the operator) and by no one else.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from core.errors import UserError
from dashapp.infra.cache import cache_reachable
from dashapp.infra.disk import STORAGE_MESSAGE, is_storage_error
from dashapp.infra.ownership import Caller, may_read_job

log = logging.getLogger(__name__)

JOB_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
ProgressFn = Callable[[float], None]
Work = Callable[[ProgressFn], dict[str, Any]]


class QueueFullError(RuntimeError):
    """More jobs are waiting than this worker accepts."""


class JobQueueUnavailableError(RuntimeError):
    """The cache that holds job states cannot be written or read, so jobs cannot be followed."""


# Jobs are CPU-bound and the machine is shared: one at a time per lane. Analyses and
# training get a lane each, so a minutes-long search of years of data does not hold
# up a model someone is training (and the other way round).
JOB_WORKERS = 1
JOB_QUEUE = 4
LIVE_STATUSES = ("queued", "running")
# A live job not heard from for this long is taken for lost (its worker restarted)
# and is not joined; the BLS reports every 5% of a round, seconds apart even for years of data.
STALE_AFTER_S = 15 * 60

QUEUE_DOWN_MESSAGE = ("job queue unavailable: the server cannot store job states (Redis unreachable or "
                      "cache storage full); try again later")


class JobRunner:
    """Runs jobs on `max_workers` threads, at most `max_pending` queued or running at once."""

    def __init__(self, store: Any, max_workers: int = 1, max_pending: int = 4, timeout_s: int = 24 * 3600) -> None:
        self.store = store
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="api-job")
        self._pending = 0
        self._lock = threading.Lock()

    def submit(self, kind: str, work: Work, *, owner: str, same_work: str | None = None) -> str:
        """Queue `work` for `owner` (an owner tag) and return its new job id; raises QueueFullError when the queue is full.

        `same_work` names what the job computes (e.g. an analysis's result key): while a
        job for it is queued or running on any worker, its id is returned instead, and
        `owner` may read it too. The first job for it claims the name with the cache's
        add (Redis: SETNX), so of two workers taking the same new work in the same instant
        one queues it and the other joins; the file cache checks and writes in two steps,
        a window of microseconds.
        """
        if same_work is not None:
            live = self._live_job_for(same_work)
            if live is not None:
                return self._join(live, owner)
        with self._lock:
            if self._pending >= self.max_pending:
                raise QueueFullError(f"{self._pending} jobs are already queued or running; try again later")
            self._pending += 1
        job_id = secrets.token_hex(16)
        if not self._save({"id": job_id, "kind": kind, "owner": owner, "status": "queued", "progress": 0.0,
                           "created": time.time(), "result": None, "error": None}):
            self._release_slot()
            raise JobQueueUnavailableError(QUEUE_DOWN_MESSAGE)
        if same_work is not None and not self.store.add(_work_key(same_work), job_id, timeout=self.timeout_s):
            other = self._live_job_for(same_work)
            if other is not None:  # another worker queued the same work since we looked
                self.store.delete(_key(job_id))
                self._release_slot()
                return self._join(other, owner)
            self.store.set(_work_key(same_work), job_id, timeout=self.timeout_s)  # the name's old job has ended
        self._pool.submit(self._run, job_id, work)
        return job_id

    def _join(self, job_id: str, owner: str) -> str:
        """Record that `owner` sent this live job's work too (one cache entry per joiner: no lost update)."""
        self.store.set(_joined_key(job_id, owner), 1, timeout=self.timeout_s)
        return job_id

    def started_by(self, state: dict[str, Any], owner: str) -> bool:
        """Whether `owner` started the job whose state this is, or joined it with the same work."""
        return state.get("owner") == owner or self.store.get(_joined_key(state["id"], owner)) is not None

    def _live_job_for(self, same_work: str) -> str | None:
        job_id = self.store.get(_work_key(same_work))
        state = self._load(job_id) if isinstance(job_id, str) else None
        if state is None or state.get("status") not in LIVE_STATUSES:
            return None
        if time.time() - float(state.get("updated", 0.0)) > STALE_AFTER_S:
            return None
        return job_id

    def status(self, job_id: str) -> dict[str, Any] | None:
        """The job's full state (its owner too), or None for an id this server never made (or that expired).

        A miss while the cache is down raises JobQueueUnavailableError: the job may well exist.
        """
        if not JOB_ID_PATTERN.fullmatch(job_id):
            return None
        state = self._load(job_id)
        if state is None and not cache_reachable(self.store):
            raise JobQueueUnavailableError(QUEUE_DOWN_MESSAGE)
        return state

    def _run(self, job_id: str, work: Work) -> None:
        state = self._load(job_id) or {"id": job_id}
        last_saved = [0.0]

        def progress(fraction: float) -> None:
            fraction = round(min(max(float(fraction), 0.0), 1.0), 3)
            if fraction - last_saved[0] >= 0.01:  # a cache write per percent is plenty
                last_saved[0] = fraction
                self._save({**state, "status": "running", "progress": fraction})

        try:
            state = {**state, "status": "running", "started": time.time()}
            self._save(state)
            result = work(progress)
            self._save({**state, "status": "done", "progress": 1.0, "result": result, "finished": time.time()})
        except UserError as exc:
            self._save({**state, "status": "failed", "error": str(exc), "finished": time.time()})
        except Exception as exc:  # noqa: BLE001 - a job must always end in a state the client can read
            if is_storage_error(exc):
                log.warning("job %s could not save its output: %s", job_id, exc)
                error = STORAGE_MESSAGE
            else:
                log.exception("job %s failed", job_id)
                error = "the job failed on the server; see the server log"
            self._save({**state, "status": "failed", "error": error, "finished": time.time()})
        finally:
            self._release_slot()

    def _release_slot(self) -> None:
        with self._lock:
            self._pending -= 1

    def _load(self, job_id: str) -> dict[str, Any] | None:
        raw = self.store.get(_key(job_id))
        return json.loads(raw) if isinstance(raw, str) else None

    def _save(self, state: dict[str, Any]) -> bool:
        """Store the state (False if the cache refused it); JSON text, so no objects of ours in the cache."""
        state = {**state, "updated": time.time()}
        return bool(self.store.set(_key(state["id"]), json.dumps(state), timeout=self.timeout_s))


@dataclass(frozen=True)
class JobLanes:
    """The API's two job runners; both keep job states in the same shared cache, so either answers for any job."""

    analysis: JobRunner
    training: JobRunner

    @classmethod
    def on(cls, store: Any) -> "JobLanes":
        return cls(analysis=JobRunner(store, max_workers=JOB_WORKERS, max_pending=JOB_QUEUE),
                   training=JobRunner(store, max_workers=JOB_WORKERS, max_pending=JOB_QUEUE))

    def status(self, job_id: str, caller: Caller) -> dict[str, Any] | None:
        """The job's state as its starter sees it; None when there is no such job or `caller` did not start it."""
        state = self.analysis.status(job_id)
        if state is None:
            return None
        started_it = caller.owner is not None and self.analysis.started_by(state, caller.owner)
        if not may_read_job(caller, started_it):
            return None
        return {k: v for k, v in state.items() if k != "owner"}


def _key(job_id: str) -> str:
    return f"apijob:{job_id}"


def _work_key(same_work: str) -> str:
    return f"apijob-for:{same_work}"


def _joined_key(job_id: str, owner: str) -> str:
    return f"apijob-joined:{job_id}:{owner}"
