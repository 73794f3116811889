"""Redis dies under a running scaled-out deployment: /health says so, pages and the API keep answering.

Gunicorn (two workers) with REDIS_URL against a real redis-server, which is SIGKILLed mid-run
and later started again on the same port. No browser and no Celery worker are needed.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from core.io.writers import write_csv
from core.synthetic import generate_sample
from tests.e2e.conftest import _start_gunicorn, redis_args, with_redis

pytestmark = pytest.mark.e2e
FAST_S = 5.0  # no request may hang longer than this while Redis is down
RECOVERY_S = 30.0  # the cache is skipped for 10 s after a failure; then the next request tries Redis again


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    services, env, redis, port = with_redis(tmp_path_factory, "redis-outage", "the Redis outage test")
    try:
        url = _start_gunicorn(services, env)
        yield {"url": url, "redis": redis, "port": port, "services": services, "env": env}
    finally:
        services.stop()


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    return status, body, time.monotonic() - started


def _multipart(field: str, filename: str, content: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def _health(url: str) -> tuple[dict[str, Any], float]:
    status, body, seconds = _request(url + "/health")
    assert status == 200
    return json.loads(body), seconds


def test_redis_outage_is_reported_and_survived(deployment: dict[str, Any], tmp_path: Path) -> None:
    url = deployment["url"]
    body, _ = _health(url)
    assert body["status"] == "ok" and body["cache"] == {"backend": "redis", "reachable": True}

    deployment["redis"].kill()
    deployment["redis"].wait()

    for _ in range(4):  # two workers: each must notice on its own
        body, seconds = _health(url)
        assert body["status"] == "degraded" and body["cache"]["reachable"] is False and seconds < FAST_S
    for path in ("/", "/analysis", "/training", "/gallery"):
        status, _, seconds = _request(url + path)
        assert status == 200 and seconds < FAST_S, path

    csv = write_csv(generate_sample("exoplanet_transit")[0], tmp_path / "transit.csv").read_bytes()
    status, raw, _ = _request(url + "/api/analyze", *_multipart("file", "transit.csv", csv))
    assert status == 200 and json.loads(raw)["transits"], raw[:300]
    status, raw, seconds = _request(url + "/api/train/synthetic", json.dumps({"n_samples": 50}).encode(),
                                    {"Content-Type": "application/json"})
    assert status == 503 and "job queue unavailable" in json.loads(raw)["error"] and seconds < FAST_S

    deployment["services"].start("redis-again", redis_args(deployment["port"]), deployment["env"])
    deadline = time.monotonic() + RECOVERY_S
    while _health(url)[0]["status"] != "ok":
        assert time.monotonic() < deadline, "the app did not notice that Redis is back"
        time.sleep(0.5)
