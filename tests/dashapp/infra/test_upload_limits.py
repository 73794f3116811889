"""Upload size limits through the Dash callback route: base64 room for a file at the limit, plain words above it."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from dashapp.app import create_app
from dashapp.settings import Settings
from dashapp.infra.upload_limits import MIB, callback_body_limit, decoded_size

LIMIT_MB = 1
ROW = "{:.5f},{:.6f}\n"


def _csv_of_size(n_bytes: int) -> bytes:
    """A readable light-curve CSV of exactly `n_bytes` (rows padded out with one trailing comment line)."""
    rows = ["time,flux\n"]
    size = len(rows[0])
    i = 0
    while size + 40 < n_bytes:
        row = ROW.format(1000 + i * 0.02, 1 + (i % 7) * 1e-4)
        rows.append(row)
        size += len(row)
        i += 1
    text = "".join(rows).encode()
    return text + b"#" * (n_bytes - len(text) - 1) + b"\n"


def _data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    app = create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "MAX_UPLOAD_MB": str(LIMIT_MB)}))
    client = app.server.test_client()
    client.get("/")  # a session id, as a browser has one before it can drop files
    client.get("/_dash-layout")  # as a browser does before its first callback
    client.callback_id = next(k for k in app.callback_map if k.startswith("..upload-cards.children"))
    return client


def _upload(client: FlaskClient, contents: list[str], names: list[str]):
    """POST exactly what the browser posts when files are dropped on upload-data."""
    callback_id = client.callback_id
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in callback_id.strip(".").split("...")]
    body = {"output": callback_id, "outputs": outputs,
            "inputs": [{"id": "upload-data", "property": "contents", "value": contents}],
            "state": [{"id": "upload-data", "property": "filename", "value": names}],
            "changedPropIds": ["upload-data.contents"]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("n", range(0, 9))
def test_decoded_size_matches_base64(n: int) -> None:
    assert decoded_size(_data_url(b"x" * n)) == n
    assert decoded_size("garbage") == 0


def test_body_limit_fits_one_file_at_the_limit() -> None:
    assert callback_body_limit(64 * MIB) > len(_data_url(b"\0" * 64 * MIB)) + 10_000
    assert callback_body_limit(64 * MIB) < 64 * MIB * 4 // 3 + 2 * MIB


def test_file_just_under_the_limit_uploads_through_the_callback(client: FlaskClient) -> None:
    data = _csv_of_size(LIMIT_MB * MIB - 10)
    assert len(data) == LIMIT_MB * MIB - 10 and len(_data_url(data)) > LIMIT_MB * MIB  # base64 is over MAX_CONTENT_LENGTH
    response = _upload(client, [_data_url(data)], ["near-limit.csv"])
    assert response.status_code == 200
    text = json.dumps(response.get_json())
    assert "near-limit.csv" in text and "Loaded 1 curve" in text and "Could not read" not in text


def test_file_just_over_the_limit_is_refused_in_words(client: FlaskClient) -> None:
    response = _upload(client, [_data_url(_csv_of_size(LIMIT_MB * MIB + 1))], ["too-big.csv"])
    assert response.status_code == 200
    text = json.dumps(response.get_json())
    assert "too-big.csv: 1.1 MB is more than the limit of 1 MB per upload" in text


def test_drop_over_the_body_limit_opens_the_alert_instead_of_a_bare_413(client: FlaskClient) -> None:
    big = _csv_of_size(LIMIT_MB * MIB - 10)
    response = _upload(client, [_data_url(big), _data_url(big + b"\n")], ["a.csv", "b.csv"])
    assert response.status_code == 200
    alert = response.get_json()["sideUpdate"]["status-alert"]
    assert alert["is_open"] and alert["color"] == "danger"
    assert "more than the limit of 1 MB per upload" in alert["children"]


def test_other_routes_keep_max_content_length(client: FlaskClient) -> None:
    data = _csv_of_size(LIMIT_MB * MIB + 1000)
    response = client.post("/api/analyze", data={"file": (io.BytesIO(data), "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "error" in response.get_json()
