"""A full or unwritable disk: a clear start-up error, 503 from the API, an alert on the upload page.

ENOSPC is simulated by making the write itself fail (no disk has to fill up); the chmod
variants need a non-root user, since root writes through any permission bits.
"""
from __future__ import annotations

import base64
import errno
import json
import os
from pathlib import Path
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient

import core.anomaly.registry
from dashapp.api.jobs import JobQueueUnavailableError, JobRunner
from dashapp.app import create_app
from dashapp.infra import disk
from dashapp.infra.disk import STORAGE_MESSAGE, StorageError
from dashapp.infra.result_cache import ResultCache, ResultNotStoredError
from dashapp.settings import Settings
from tests.dashapp.builders import DictStore, make_result
from tests.dashapp.dash_calls import call

OWNER = "key:0123456789abcdef"
needs_non_root = pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")


def _full_disk(*_args: Any, **_kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("storage"))}))


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


# ----------------------------------------------------------------------------- start-up

def test_start_up_names_a_directory_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StorageError, match="DATA_DIR") as info:
        create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "file" / "data")}))
    assert str(tmp_path / "file") in str(info.value)


def test_start_up_names_a_full_cache_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    real_probe = disk.probe
    monkeypatch.setattr(disk, "probe", lambda path: "No space left on device" if path == settings.cache_dir
                        else real_probe(path))
    with pytest.raises(StorageError, match="CACHE_DIR") as info:
        create_app(settings)
    assert str(settings.cache_dir) in str(info.value) and "No space left" in str(info.value)


@needs_non_root
def test_start_up_refuses_a_read_only_cache_directory(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    settings.cache_dir.mkdir(parents=True)
    settings.cache_dir.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="CACHE_DIR"):
            create_app(settings)
    finally:
        settings.cache_dir.chmod(0o700)


# ----------------------------------------------------------------------------- health

def test_health_reports_an_unwritable_directory(app: dash.Dash, client: FlaskClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/health").json["storage"] == {"writable": True, "problems": []}
    models_dir = app.server.extensions["lightcurve_dashboard"].settings.models_dir
    real_probe = disk.probe
    monkeypatch.setattr(disk, "probe", lambda path: "No space left on device" if path == models_dir
                        else real_probe(path))
    body = client.get("/health").json
    assert body["status"] == "degraded" and body["storage"]["writable"] is False
    assert "MODELS_DIR" in body["storage"]["problems"][0]


@needs_non_root
def test_health_reports_a_read_only_cache(app: dash.Dash, client: FlaskClient) -> None:
    cache_dir = app.server.extensions["lightcurve_dashboard"].settings.cache_dir
    (cache_dir / "flask").chmod(0o500)
    cache_dir.chmod(0o500)
    try:
        body = client.get("/health").json
    finally:
        cache_dir.chmod(0o700)
        (cache_dir / "flask").chmod(0o700)
    assert body["status"] == "degraded" and body["cache"]["reachable"] is False
    assert body["storage"]["writable"] is False


# ----------------------------------------------------------------------------- writes at run time

def test_upload_to_a_full_disk_shows_a_clear_alert(app: dash.Dash, client: FlaskClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    client.get("/")
    csv = "time,flux\n" + "\n".join(f"{i * 0.02},{1 + (i % 5) * 1e-4}" for i in range(200))
    monkeypatch.setattr(Path, "write_bytes", _full_disk)
    response = call(client, app, "..upload-cards.children",
                    {"upload-data.contents": ["data:text/csv;base64," + base64.b64encode(csv.encode()).decode()]},
                    {"upload-data.filename": ["full.csv"]})
    assert response.status_code == 200
    alert = response.get_json()["response"]["status-alert"]
    assert alert["is_open"] is True and alert["color"] == "danger"
    assert STORAGE_MESSAGE in json.dumps(alert["children"])
    upload_dir = app.server.extensions["lightcurve_dashboard"].settings.upload_dir
    assert not [p for p in upload_dir.rglob("*") if p.is_file()]  # no half-written file left behind


def test_model_save_on_a_full_disk_is_a_503(app: dash.Dash, client: FlaskClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's OSError reaches the API, which answers 503 in plain words instead of a generic 500."""
    monkeypatch.setattr(core.anomaly.registry, "write_bytes_atomically", _full_disk)
    response = client.post("/api/train/synthetic", json={"n_samples": 2, "n_heldout": 1})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.json == {"error": STORAGE_MESSAGE} and response.headers["Retry-After"]
    assert [m for m in client.get("/api/models").json["models"] if m["owner"] != "built-in"] == []
    keys_dir = app.server.extensions["lightcurve_dashboard"].settings.keys_dir
    assert list(keys_dir.iterdir()) == []  # the key made for the refused model is revoked again


def test_an_unstorable_dashboard_result_is_an_error_not_a_missing_result() -> None:
    class RefusingCache:
        def get(self, key: str) -> None:
            return None

        def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
            return False  # what flask-caching answers for a full disk or (ResilientCache) a dead Redis

    with pytest.raises(ResultNotStoredError, match="storage is full"):
        ResultCache(RefusingCache(), 60).get_or_compute("k", make_result)


# ----------------------------------------------------------------------------- jobs

def test_a_job_is_refused_when_its_state_cannot_be_stored() -> None:
    runner = JobRunner(DictStore(accept=False), max_pending=1)
    for _ in range(2):  # the refused job does not keep its queue slot
        with pytest.raises(JobQueueUnavailableError, match="job queue unavailable"):
            runner.submit("train", lambda progress: {}, owner=OWNER)


def test_a_job_that_hits_a_full_disk_fails_with_a_clear_message() -> None:
    runner = JobRunner(DictStore())
    job_id = runner.submit("train", _full_disk, owner=OWNER)
    runner._pool.shutdown(wait=True)
    state = runner.status(job_id)
    assert state is not None and state["status"] == "failed" and state["error"] == STORAGE_MESSAGE
