"""Requests the REST tests send again and again: a multipart upload, and polling a job to its end."""
from __future__ import annotations

import io
import time

import pytest
from flask.testing import FlaskClient

JOB_TIMEOUT_S = 180


def post_file(client: FlaskClient, data: bytes, name: str = "curve.csv", **fields: str):
    return client.post("/api/analyze", data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def wait_for_job(client: FlaskClient, status_url: str) -> dict:
    """The job's final state ("done" or "failed"); progress stays within [0, 1] on the way."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        state = client.get(status_url).json
        assert 0.0 <= state["progress"] <= 1.0
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    pytest.fail(f"job {status_url} did not finish within {JOB_TIMEOUT_S} s")
