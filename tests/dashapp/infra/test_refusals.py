"""Refused /api/* requests: the body is read before the answer, or the answer closes the connection."""
from __future__ import annotations

import io

from flask import Flask

from dashapp.infra import refusals

LIMIT = 1000


def _app() -> Flask:
    app = Flask(__name__)
    refusals.install(app, LIMIT)

    @app.post("/api/refuse")
    def refuse():
        return {"error": "no"}, 429, {"Retry-After": "7"}

    @app.post("/api/take")
    def take():
        return {"ok": True}, 200

    return app


def test_a_refused_body_within_the_limit_is_read_and_the_connection_kept() -> None:
    app = _app()
    stream = io.BytesIO(b"x" * 800)
    response = app.test_client().post("/api/refuse", input_stream=stream, content_type="application/octet-stream",
                                      headers={"Content-Length": "800"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert stream.tell() == 800 and "Connection" not in response.headers


def test_a_refused_body_beyond_the_limit_is_not_read_and_the_connection_closed() -> None:
    app = _app()
    stream = io.BytesIO(b"x" * 5000)
    response = app.test_client().post("/api/refuse", input_stream=stream, content_type="application/octet-stream",
                                      headers={"Content-Length": "5000"})
    assert response.status_code == 429 and response.headers["Connection"] == "close"
    assert stream.tell() == 0


def test_answers_that_are_not_refusals_are_left_alone() -> None:
    app = _app()
    stream = io.BytesIO(b"x" * 800)
    response = app.test_client().post("/api/take", input_stream=stream, content_type="application/octet-stream",
                                      headers={"Content-Length": "800"})
    assert response.status_code == 200 and stream.tell() == 0
