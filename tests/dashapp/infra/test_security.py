"""Security headers: present on pages, assets, Dash routes and the API; the CSP admits only our inline scripts."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
from flask.testing import FlaskClient

from dashapp.app import create_app
from dashapp.settings import Settings

PATHS = ["/", "/analysis", "/assets/app.css", "/_dash-layout", "/_dash-dependencies", "/health",
         "/api/samples", "/api/no-such-endpoint", "/no-such-page"]
INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)  # Dash's IE warning sits in a conditional comment: never run


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("security-data"))})
    return create_app(settings).server.test_client()


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


def test_errors_and_posts_have_the_headers(client: FlaskClient) -> None:
    response = client.post("/api/analyze", json={})
    assert response.status_code == 415
    assert response.headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response.headers


def test_script_src_allows_the_page_inline_scripts_by_hash_only(client: FlaskClient) -> None:
    response = client.get("/")
    script_src = _directives(response)["script-src"]
    assert "'unsafe-inline'" not in script_src and "*" not in script_src
    assert "'self'" in script_src and "'unsafe-eval'" in script_src  # plotly's WebGL traces need eval
    executable = [m["body"] for m in INLINE_SCRIPT.finditer(HTML_COMMENT.sub("", response.get_data(as_text=True)))
                  if "src=" not in m["attrs"] and "application/json" not in m["attrs"]]
    assert executable, "the Dash index page should start its renderer with an inline script"
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src, body[:80]
