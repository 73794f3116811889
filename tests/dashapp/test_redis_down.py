"""REDIS_URL set but Redis down: /health says "degraded", pages and the API keep answering, fast.

Redis is "down" here in the two ways it fails in production: nothing listens on its port
(connection refused) and a server that accepts connections but never answers (a hung or
overloaded Redis, which without socket timeouts would block every request for ever).
"""
from __future__ import annotations

import base64
import io
import json
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import dash
import pytest
from flask.testing import FlaskClient

from core.io.writers import write_csv
from core.synthetic import generate_sample
from dashapp.infra import cache as cache_module
from dashapp.app import create_app
from dashapp.pages.analysis import CACHE_DOWN_ALERT
from dashapp.settings import Settings
from tests.dashapp.dash_calls import call

PAGES = ["/", "/analysis", "/training", "/gallery"]
FAST_S = 5.0  # "never a hang": every answer below, Redis down or not, within this
CELERY_FAIL_S = 10.0  # a click handed to Celery: 0.5 s with Redis refused, ~6 s with Redis hung (was ~19 s)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


class SilentServer:
    """Accepts connections and never answers; hangs up after HOLD_S, so a client without
    socket timeouts fails this test by being slow instead of hanging the whole run."""

    HOLD_S = 20.0

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        held: list[tuple[socket.socket, float]] = []
        while not self._stop.is_set():
            try:
                held.append((self.sock.accept()[0], time.monotonic()))
            except socket.timeout:
                pass
            for conn, since in [h for h in held if time.monotonic() - h[1] > self.HOLD_S]:
                conn.close()
            held = [h for h in held if time.monotonic() - h[1] <= self.HOLD_S]
        for conn, _ in held:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module", params=["refused", "hung"])
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "refused":
        yield f"redis://127.0.0.1:{_closed_port()}/0"
        return
    server = SilentServer()
    try:
        yield f"redis://127.0.0.1:{server.port}/0"
    finally:
        server.close()


@pytest.fixture(scope="module")
def app(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    data_dir = tmp_path_factory.mktemp("redis-down")
    return create_app(Settings.from_env({"DATA_DIR": str(data_dir), "REDIS_URL": redis_url}))


@pytest.fixture(scope="module")
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    lc, _ = generate_sample("exoplanet_transit")
    return write_csv(lc, tmp_path_factory.mktemp("csv") / "transit.csv").read_bytes()


def _timed(request) -> tuple[object, float]:
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def test_health_reports_redis_unreachable(client: FlaskClient) -> None:
    response, seconds = _timed(lambda: client.get("/health"))
    assert response.status_code == 200 and seconds < FAST_S
    assert response.json["status"] == "degraded"
    assert response.json["cache"] == {"backend": "redis", "reachable": False}


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_served(app: dash.Dash, client: FlaskClient, path: str) -> None:
    response, seconds = _timed(lambda: client.get(path))
    assert response.status_code == 200 and seconds < FAST_S
    content, seconds = _timed(lambda: call(client, app, ".._pages_content.children",
                                          {"_pages_location.pathname": path, "_pages_location.search": ""}))
    assert content.status_code == 200 and seconds < FAST_S  # the page's layout (gallery thumbnails use the cache)


def test_analyze_works_without_the_cache(client: FlaskClient, sample_csv: bytes) -> None:
    response, seconds = _timed(lambda: client.post("/api/analyze", data={"file": (io.BytesIO(sample_csv), "t.csv")},
                                                   content_type="multipart/form-data"))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["transits"] and seconds < 30  # the analysis itself takes a few seconds


def test_jobs_answer_503_not_500(client: FlaskClient) -> None:
    for response in (client.post("/api/train/synthetic", json={"n_samples": 50}),
                     client.get("/api/jobs/" + "a" * 32)):
        assert response.status_code == 503, response.get_data(as_text=True)[:300]
        assert "job queue unavailable" in response.json["error"] and "Redis" in response.json["error"]
        assert response.headers["Retry-After"]


def test_dashboard_analysis_says_the_cache_is_down(app: dash.Dash, client: FlaskClient) -> None:
    """Instead of handing the job to a queue nobody can read (no answer, ever), the page says why."""
    client.get("/")
    csv = "time,flux\n" + "\n".join(f"{i * 0.02},{1 + (i % 5) * 1e-4}" for i in range(200))
    upload = call(client, app, "..upload-cards.children",
                  {"upload-data.contents": ["data:text/csv;base64," + base64.b64encode(csv.encode()).decode()]},
                  {"upload-data.filename": ["ok.csv"]})
    curve_hash = json.dumps(upload.get_json()).split("curve=")[1][:32]
    response, seconds = _timed(lambda: call(client, app, "..analysis-request.data",
                                            {"analyze-button.n_clicks": 1, "autorun.data": None},
                                            {"curve-select.value": curve_hash, "setting-contamination.value": 0.05,
                                             "setting-window-size.value": 50, "setting-vote-threshold.value": 0.3,
                                             "setting-detrend-window.value": 0.75,
                                             "setting-detectors.value": ["transits"],
                                             "model-select.value": None}))
    assert response.status_code == 200 and seconds < FAST_S
    assert response.get_json()["response"]["analysis-ready"]["data"] == {"error": CACHE_DOWN_ALERT}


def test_a_failing_backend_is_skipped_for_a_while(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """After one failure the cache answers "miss" at once; after BACKEND_RETRY_S it asks Redis again."""
    cache = client.application.extensions["lightcurve_dashboard"].cache
    now = [1000.0]
    monkeypatch.setattr(cache, "_clock", lambda: now[0])
    monkeypatch.setattr(cache, "_retry_at", 0.0)
    calls: list[str] = []
    backend_get = cache.cache.get

    def counting_get(key: str):
        calls.append(key)
        return backend_get(key)

    monkeypatch.setattr(cache.cache, "get", counting_get)
    assert cache.get("a") is None and cache.get("b") is None
    assert calls == ["a"]
    now[0] += cache_module.BACKEND_RETRY_S + 1
    assert cache.get("c") is None and calls == ["a", "c"]


def test_redis_timeouts_are_short(tmp_path: Path) -> None:
    config = cache_module.cache_config(Settings.from_env({"DATA_DIR": str(tmp_path), "REDIS_URL": "redis://x:1/0"}))
    assert config["CACHE_OPTIONS"]["socket_timeout"] <= 2 and config["CACHE_OPTIONS"]["socket_connect_timeout"] <= 2


def test_a_training_click_says_training_is_unavailable_within_seconds(app: dash.Dash, client: FlaskClient) -> None:
    """With Redis down the training job could not even be queued on Celery: the click must
    answer quickly with the reason in the status alert, not a bare server error."""
    client.get("/training")
    response, seconds = _timed(lambda: call(client, app, "..train-request.data", {"train-button.n_clicks": 1},
                                            {"train-n-samples.value": 10, "train-contamination.value": 0.05,
                                             "train-source.value": "synthetic"}))
    assert seconds < CELERY_FAIL_S
    assert response.status_code == 200
    assert "Training is unavailable right now" in response.get_data(as_text=True)


def test_claiming_and_deleting_keys_answer_false_instead_of_raising(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job runner claims a work's name with add and drops a lost race's job with delete."""
    cache = client.application.extensions["lightcurve_dashboard"].cache
    monkeypatch.setattr(cache, "_retry_at", 0.0)
    assert cache.add("apijob-for:x", "job") is False
    monkeypatch.setattr(cache, "_retry_at", 0.0)
    assert cache.delete("apijob:job") is False
