"""POST /api/analyze as a job: a transit search too long for one request is queued (202), checks stay synchronous.

The threshold is monkeypatched tiny so a small sample curve takes the job path; no test
needs a curve that really takes minutes.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from dashapp.api import analyze_request
from dashapp.app import create_app
from dashapp.services import EXTENSION_KEY
from dashapp.settings import Settings
from tests.dashapp.api_client import post_file, wait_for_job

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[Any, FlaskClient]:
    dash_app = create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp(name))}))
    return dash_app, dash_app.server.test_client()


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, FlaskClient]:
    return _client(tmp_path_factory, "analyze-jobs")


@pytest.fixture(scope="module")
def client(app_and_client: tuple[Any, FlaskClient]) -> FlaskClient:
    return app_and_client[1]


@pytest.fixture(scope="module")
def reference_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A second app with its own caches, so its answers are fresh synchronous analyses."""
    return _client(tmp_path_factory, "analyze-reference")[1]


@pytest.fixture(scope="module")
def sample_csv(client: FlaskClient) -> bytes:
    response = client.get("/api/samples/exoplanet_transit.csv")
    assert response.status_code == 200
    return response.data


@pytest.fixture
def tiny_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze_request, "SYNC_MAX_SEARCH_WORK", 1.0)


@pytest.fixture
def no_jobs(app_and_client: tuple[Any, FlaskClient], monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the request (500) if it queues a job."""
    def refuse(*args: Any) -> str:
        raise AssertionError("no job should have been queued")

    monkeypatch.setattr(app_and_client[0].server.extensions[EXTENSION_KEY].jobs.analysis, "submit", refuse)


def _same_json(a: Any, b: Any) -> bool:
    """Equal as JSON text (NaN fields compare equal this way, unlike with ==)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_long_search_runs_as_job_and_then_is_cached(client: FlaskClient, reference_client: FlaskClient,
                                                    sample_csv: bytes, tiny_threshold: None) -> None:
    response = post_file(client, sample_csv)
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    job_id = response.json["job_id"]
    assert response.json["status_url"] == f"/api/jobs/{job_id}" == response.headers["Location"]
    state = wait_for_job(client, response.json)
    assert state["status"] == "done", state["error"]
    assert state["kind"] == "analyze" and state["progress"] == 1.0
    document = state["result"]

    with pytest.MonkeyPatch.context() as default_threshold:
        default_threshold.setattr(analyze_request, "SYNC_MAX_SEARCH_WORK", 2e9)
        reference = post_file(reference_client, sample_csv)
    assert reference.status_code == 200
    assert set(document) == set(reference.json)
    assert document["transits"], "the sample's planet should be found"
    assert _same_json(document["transits"], reference.json["transits"])
    assert _same_json(document["events"], reference.json["events"])

    again = post_file(client, sample_csv)  # still over the tiny threshold: only a cache hit answers 200
    assert again.status_code == 200
    assert _same_json(again.json, document)


@pytest.mark.parametrize(("data", "status"), [(PNG, 415), (b"time,flux\nnot,numbers\n", 422)])
def test_bad_file_is_refused_before_any_job(client: FlaskClient, tiny_threshold: None, no_jobs: None,
                                            data: bytes, status: int) -> None:
    response = post_file(client, data)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert set(response.json) == {"error"}


def test_without_transit_search_the_analysis_stays_synchronous(client: FlaskClient, sample_csv: bytes,
                                                               tiny_threshold: None, no_jobs: None) -> None:
    response = post_file(client, sample_csv, detectors="flares")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["config"]["detectors"] == ["flares"]
    assert response.json["transits"] == []


class _RefusingStore:
    """A job-state cache that stores nothing, as when Redis is down."""

    def get(self, *args: Any) -> None:
        return None

    def set(self, *args: Any, **kwargs: Any) -> bool:
        return False


@pytest.mark.parametrize(("attribute", "value", "message"), [
    ("max_pending", 0, "already queued"),
    ("store", _RefusingStore(), "job queue unavailable"),
])
def test_no_room_for_a_job_is_503(app_and_client: tuple[Any, FlaskClient], sample_csv: bytes, tiny_threshold: None,
                                  monkeypatch: pytest.MonkeyPatch, attribute: str, value: Any, message: str) -> None:
    app, client = app_and_client
    monkeypatch.setattr(app.server.extensions[EXTENSION_KEY].jobs.analysis, attribute, value)
    response = post_file(client, sample_csv, window_size="60")  # other settings: not cached
    assert response.status_code == 503 and set(response.json) == {"error"}
    assert message in response.json["error"]
    assert response.headers["Retry-After"]
