"""API rate limits: 429 with Retry-After after N requests per IP, per window; never on /health or Dash routes."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from dashapp.app import create_app
from dashapp.infra.ratelimit import Rate, RateLimiter
from dashapp.settings import Settings

LIMIT = 3


def _client(tmp_path: Path, **env: str) -> FlaskClient:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "API_RATE_LIMIT": f"{LIMIT}/minute", **env})
    return create_app(settings).server.test_client()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _assert_limited_after(client: FlaskClient, n: int, **kwargs) -> None:
    for _ in range(n):
        assert client.get("/api/samples", **kwargs).status_code == 200
    response = client.get("/api/samples", **kwargs)
    assert response.status_code == 429
    assert set(response.json) == {"error"} and "too many requests" in response.json["error"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("text, expected", [("60/minute", Rate(60, 60)), (" 5 / second", Rate(5, 1)),
                                            ("1000/day", Rate(1000, 86400))])
def test_parse_rate(text: str, expected: Rate) -> None:
    assert Rate.parse(text) == expected


@pytest.mark.parametrize("text", ["", "60", "0/minute", "-1/minute", "60/fortnight", "many/minute"])
def test_parse_rate_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="API_RATE_LIMIT"):
        Rate.parse(text)


def test_api_answers_429_after_the_limit(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _assert_limited_after(client, LIMIT)
    analyze = client.post("/api/analyze", data={}, content_type="multipart/form-data")
    assert analyze.status_code == 429 and analyze.headers["X-Content-Type-Options"] == "nosniff"


def test_limit_is_per_client_ip(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _assert_limited_after(client, LIMIT, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert client.get("/api/samples", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200


def test_health_dashboard_routes_and_job_polls_are_never_limited(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _assert_limited_after(client, LIMIT)
    for _ in range(3 * LIMIT):
        assert client.get("/health").status_code == 200
        assert client.get("/api/jobs/" + "0" * 32).status_code == 404  # polled, not limited
        assert client.get("/_dash-layout").status_code == 200
        assert client.get("/").status_code == 200


def test_new_window_allows_again() -> None:
    now = [1000.0 * 60]
    limiter = RateLimiter(Rate(2, 60), clock=lambda: now[0])
    assert [limiter.hit("ip") for _ in range(2)] == [0.0, 0.0]
    now[0] += 15
    assert limiter.hit("ip") == pytest.approx(45)
    now[0] += 45
    assert limiter.hit("ip") == 0.0


def test_redis_down_falls_back_to_memory(tmp_path: Path) -> None:
    client = _client(tmp_path, REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    _assert_limited_after(client, LIMIT)


@pytest.fixture
def redis_url(tmp_path: Path):
    if not shutil.which("redis-server"):
        pytest.skip("the shared-counter test needs redis-server (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, cwd=tmp_path)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_counter_is_shared_between_workers(redis_url: str) -> None:
    first, second = RateLimiter(Rate(LIMIT, 60), redis_url), RateLimiter(Rate(LIMIT, 60), redis_url)
    assert [first.hit("ip"), second.hit("ip"), first.hit("ip")] == [0.0, 0.0, 0.0]
    assert second.hit("ip") > 0  # the fourth request, counted across both "workers"
    assert first.memory._counts == {}  # nothing fell back to memory


def test_forwarded_for_is_ignored_by_default(tmp_path: Path) -> None:
    """Without TRUSTED_PROXY_COUNT a client cannot dodge the limit by making up addresses."""
    client = _client(tmp_path)
    for i in range(LIMIT):
        assert client.get("/api/samples", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code == 200
    assert client.get("/api/samples", headers={"X-Forwarded-For": "203.0.113.99"}).status_code == 429


def test_behind_one_trusted_proxy_each_forwarded_client_has_its_own_bucket(tmp_path: Path) -> None:
    client = _client(tmp_path, TRUSTED_PROXY_COUNT="1")
    router = {"REMOTE_ADDR": "10.1.0.1"}  # every request arrives from the PaaS router
    _assert_limited_after(client, LIMIT, environ_base=router, headers={"X-Forwarded-For": "198.51.100.7"})
    assert client.get("/api/samples", environ_base=router,
                      headers={"X-Forwarded-For": "198.51.100.8"}).status_code == 200
    # The router appends the real peer: an address the client put in front of it is not believed.
    spoofed = {"X-Forwarded-For": "192.0.2.1, 198.51.100.7"}
    assert client.get("/api/samples", environ_base=router, headers=spoofed).status_code == 429


@pytest.mark.parametrize("text", ["-1", "one", "1.5", ""])
def test_trusted_proxy_count_must_be_a_whole_number(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXY_COUNT"):
        Settings.from_env({"DATA_DIR": str(tmp_path), "TRUSTED_PROXY_COUNT": text})
