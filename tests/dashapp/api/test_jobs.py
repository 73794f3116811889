"""The job runner: the same work sent twice while queued or running is one job; lanes keep kinds apart."""
from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.errors import LightCurveFormatError
from dashapp.api import analyze_request, jobs
from dashapp.api.jobs import JobRunner, QueueFullError
from dashapp.app import create_app
from dashapp.services import EXTENSION_KEY
from dashapp.settings import Settings
from tests.dashapp.api_client import post_file, wait_for_job
from tests.dashapp.builders import DictStore

WAIT_S = 60
OWNER = "key:0123456789abcdef"


def _blocked_until(release: threading.Event) -> Any:
    def work(progress: Any) -> dict:
        assert release.wait(WAIT_S), "the test never released the job"
        return {"answer": 42}
    return work


def _finish(runner: JobRunner) -> None:
    runner._pool.shutdown(wait=True)


def test_same_work_joins_the_live_job_without_a_queue_slot() -> None:
    release = threading.Event()
    runner = JobRunner(DictStore(), max_pending=1)
    first = runner.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-a")
    assert runner.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-a") == first
    with pytest.raises(QueueFullError):  # other work still needs a slot, and the only one is taken
        runner.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-b")
    release.set()
    _finish(runner)
    assert runner.status(first)["result"] == {"answer": 42}


def _unreadable(progress: Any) -> dict:
    raise LightCurveFormatError("not a light curve")


@pytest.mark.parametrize(("work", "status"), [(lambda progress: {}, "done"), (_unreadable, "failed")])
def test_finished_or_failed_work_is_queued_afresh(work: Any, status: str) -> None:
    runner = JobRunner(DictStore())
    ended = runner.submit("analyze", work, owner=OWNER, same_work="curve-a")
    _finish(runner)
    assert runner.status(ended)["status"] == status
    runner = JobRunner(runner.store)
    assert runner.submit("analyze", lambda progress: {}, owner=OWNER, same_work="curve-a") != ended


def test_a_live_job_not_heard_from_for_long_is_not_joined(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    runner = JobRunner(DictStore(), max_pending=2)
    lost = runner.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-a")
    later = time.time() + jobs.STALE_AFTER_S + 1
    monkeypatch.setattr(jobs.time, "time", lambda: later)
    try:
        assert runner.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-a") != lost
    finally:
        release.set()
        _finish(runner)


def test_of_two_workers_taking_new_work_at_once_one_queues_it_and_the_other_joins(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker B looked for a live job just before worker A queued the same work: B's claim of
    the work's name fails, so B drops its own job and answers A's."""
    release = threading.Event()
    store = DictStore()
    worker_a, worker_b = JobRunner(store), JobRunner(store, max_pending=1)
    first_look = [True]
    looked = worker_b._live_job_for
    a_job: list[str] = []

    def look_before_a_queued(same_work: str) -> str | None:
        if first_look[0]:
            first_look[0] = False
            a_job.append(worker_a.submit("analyze", _blocked_until(release), owner=OWNER, same_work=same_work))
            return None
        return looked(same_work)

    monkeypatch.setattr(worker_b, "_live_job_for", look_before_a_queued)
    try:
        assert worker_b.submit("analyze", _blocked_until(release), owner=OWNER, same_work="curve-a") == a_job[0]
        assert [k for k in store.items if k.startswith("apijob:")] == [f"apijob:{a_job[0]}"]
        # B gave its queue slot back: its only slot takes other work.
        assert worker_b.submit("analyze", lambda progress: {}, owner=OWNER, same_work="curve-b") != a_job[0]
    finally:
        release.set()
        _finish(worker_a)
        _finish(worker_b)


@pytest.fixture
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("jobs"))}))


@pytest.fixture
def client(app: Any) -> FlaskClient:
    return app.server.test_client()


def test_a_repeated_upload_gets_the_queued_job(app: Any, client: FlaskClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze_request, "SYNC_MAX_SEARCH_WORK", 1.0)
    data = client.get("/api/samples/exoplanet_transit.csv").data
    release = threading.Event()
    lane = app.server.extensions[EXTENSION_KEY].jobs.analysis
    lane.submit("analyze", _blocked_until(release), owner=OWNER)  # holds the lane, so the uploads stay queued
    try:
        first = post_file(client, data)
        assert first.status_code == 202, first.get_data(as_text=True)[:300]
        again = post_file(client, data)
        assert again.status_code == 202 and again.json["job_id"] == first.json["job_id"]
        other_settings = post_file(client, data, window_size="60")
        assert other_settings.status_code == 202 and other_settings.json["job_id"] != first.json["job_id"]
    finally:
        release.set()
    for response in (first, other_settings):
        assert wait_for_job(client, response.json)["status"] == "done"


def test_training_is_not_held_up_by_a_running_analysis(app: Any, client: FlaskClient) -> None:
    release = threading.Event()
    app.server.extensions[EXTENSION_KEY].jobs.analysis.submit("analyze", _blocked_until(release), owner=OWNER)
    try:
        response = client.post("/api/train/synthetic", json={"n_samples": 6})
        assert response.status_code == 202, response.get_data(as_text=True)[:300]
        state = wait_for_job(client, response.json)
        assert state["status"] == "done", state["error"]
        assert state["result"]["model_id"]
    finally:
        release.set()
