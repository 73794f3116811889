"""Requests the REST tests send again and again: a multipart upload, a key in Authorization, polling a job to its end."""
from __future__ import annotations

import io
import time

import pytest
from flask.testing import FlaskClient

JOB_TIMEOUT_S = 180


def bearer(key: str | None) -> dict[str, str]:
    """The Authorization header for `key` (none for None: an anonymous request)."""
    return {"Authorization": f"Bearer {key}"} if key else {}


def post_file(client: FlaskClient, data: bytes, name: str = "curve.csv", key: str | None = None, **fields: str):
    return client.post("/api/analyze", data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data", headers=bearer(key))


def wait_for_job(client: FlaskClient, accepted: dict, key: str | None = None) -> dict:
    """The final state ("done" or "failed") of the job a 202 answered with; progress stays within [0, 1] on the way.

    Polled with `key`, else with the key the answer handed out (a request without one gets one).
    """
    headers = bearer(key or accepted.get("key"))
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        response = client.get(accepted["status_url"], headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        state = response.json
        assert 0.0 <= state["progress"] <= 1.0
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    pytest.fail(f"job {accepted['status_url']} did not finish within {JOB_TIMEOUT_S} s")
