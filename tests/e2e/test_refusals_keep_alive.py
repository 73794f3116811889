"""A client that keeps its connection alive gets every refusal whole: status, Retry-After, and a usable connection.

Gunicorn with a tiny API rate limit; one http.client connection exhausts it, then sends 20
uploads of 2 MB each. Each must be answered 429 with Retry-After on the same connection:
no reset, no closed socket, because the server reads the refused body before answering.
"""
from __future__ import annotations

import http.client
import secrets

import pytest

from tests.e2e.conftest import Services, _app_env, _start_gunicorn

pytestmark = pytest.mark.e2e

UPLOADS = 20
UPLOAD_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def limited_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = tmp_path_factory.mktemp("keep-alive")
    services = Services(data_dir)
    try:
        yield _start_gunicorn(services, _app_env(data_dir, API_RATE_LIMIT="3/minute"))
    finally:
        services.stop()


def _upload_body() -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    rows = b"".join(b"%d,1.0\n" % i for i in range(UPLOAD_BYTES // 8))
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode() + b"time,flux\n" + rows + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_uploads_past_the_rate_limit_are_clean_429s_on_one_connection(limited_url: str) -> None:
    host, port = limited_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    body, content_type = _upload_body()
    try:
        for _ in range(10):  # spend the limit with small requests
            connection.request("GET", "/api/samples")
            response = connection.getresponse()
            response.read()
            if response.status == 429:
                break
        else:
            pytest.fail("the rate limit of 3/minute never answered 429")
        socket_before = connection.sock
        for attempt in range(UPLOADS):
            connection.request("POST", "/api/analyze", body=body, headers={"Content-Type": content_type})
            response = connection.getresponse()
            answer = response.read()
            assert response.status == 429, (attempt, response.status, answer[:200])
            assert int(response.getheader("Retry-After")) >= 1
            assert b"too many requests" in answer
            assert not response.will_close, f"upload {attempt}: the server closed the connection"
        assert connection.sock is socket_before  # never reconnected: one connection throughout
    finally:
        connection.close()
