"""POST /api/completeness: a job owned by its caller whose result is the map; bad requests are 4xx at once."""
from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.io.writers import write_csv
from dashapp.app import create_app
from dashapp.settings import Settings
from tests.core.completeness.curves import white_noise_curve
from tests.dashapp.api_client import bearer, wait_for_job


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    app = create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("completeness-api"))}))
    return app.server.test_client()


@pytest.fixture(scope="module")
def star_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_csv(white_noise_curve(n_points=3000), tmp_path_factory.mktemp("star") / "star.csv").read_bytes()


def post(client: FlaskClient, data: bytes, key: str | None = None, **fields: Any):
    return client.post("/api/completeness", data={"file": (io.BytesIO(data), "star.csv"), **fields},
                       content_type="multipart/form-data", headers=bearer(key))


def test_a_job_whose_result_is_the_map_readable_only_by_its_starter(client, star_csv):
    accepted = post(client, star_csv, kind="transit", period="1.1", depth="1e-4,4e-3", n_injections="4", seed="3")
    assert accepted.status_code == 202, accepted.json
    assert accepted.headers["Location"] == accepted.json["status_url"] and accepted.json["key"]
    stranger = client.post("/api/keys").json["key"]
    assert client.get(accepted.json["status_url"], headers=bearer(stranger)).status_code == 404
    state = wait_for_job(client, accepted.json)
    assert state["status"] == "done", state
    result = state["result"]
    assert result["kind"] == "transit" and result["grid"] == {"period": [1.1], "depth": [1e-4, 4e-3]}
    assert result["recovery"] == [[0.0], [1.0]] and result["injected"] == [[2], [2]] and result["seed"] == 3
    assert result["low"][1][0] < 1.0 == result["high"][1][0]
    assert result["sentence"].startswith("At least 90% of planets at least 4000 ppm deep")
    again = post(client, star_csv, kind="transit", period="1.1", depth="1e-4,4e-3", n_injections="4", seed="3")
    assert again.status_code == 200 and again.json == result  # from the cache: no second job
    other_seed = post(client, star_csv, kind="transit", period="1.1", depth="1e-4,4e-3", n_injections="4", seed="4")
    assert other_seed.status_code == 202 and wait_for_job(client, other_seed.json)["status"] == "done"


@pytest.mark.parametrize("fields, status, message", [
    ({"n_injections": "0"}, 422, "n_injections must be a whole number from 1 to 5000"),
    ({"period": ",".join(str(0.3 + 0.01 * i) for i in range(21)),
      "depth": ",".join(str(1e-4 * (i + 1)) for i in range(20))}, 422, "the limit is 400"),
    ({"period": "3", "depth": "1e-3"}, 422, "too short for a period of 3 d"),
    ({"kind": "planet"}, 422, "kind must be one of ['transit', 'flare']"),
    ({"period": "1,x", "depth": "1e-3"}, 422, "period must be comma-separated numbers"),
    ({"colour": "red"}, 422, "unknown form field(s) ['colour']"),
])
def test_bad_settings_are_refused_before_anything_is_queued(client, star_csv, fields, status, message):
    response = post(client, star_csv, **fields)
    assert response.status_code == status
    assert message in response.json["error"]
    assert "key" not in response.json


def test_bad_uploads_are_refused(client):
    assert client.post("/api/completeness", data={"kind": "transit"},
                       content_type="multipart/form-data").status_code == 400
    assert client.post("/api/completeness", json={"kind": "transit"}).status_code == 415
    png = post(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert png.status_code == 415 and "image" in png.json["error"]
    assert post(client, b"time,flux\n1,2\n").status_code == 422
