"""REST API through Flask's test client: every endpoint, the bad requests, a training job end to end."""
from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from dashapp import analysis_service
from dashapp.api.routes import api
from dashapp.app import create_app
from dashapp.services import EXTENSION_KEY
from dashapp.settings import Settings
from tests.dashapp.api_client import bearer, post_file, wait_for_job

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class CheckedClient(FlaskClient):
    """A test client that fails any test whose response leaks a traceback."""

    def open(self, *args: Any, **kwargs: Any):
        response = super().open(*args, **kwargs)
        assert b"Traceback" not in response.get_data(), response.get_data()[:500]
        return response


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("api-data")
    dash_app = create_app(Settings.from_env({"DATA_DIR": str(data_dir)}))
    dash_app.server.test_client_class = CheckedClient
    return dash_app


@pytest.fixture(scope="module")
def client(app) -> FlaskClient:
    return app.server.test_client()


@pytest.fixture(scope="module")
def sample_csv(client: FlaskClient) -> bytes:
    response = client.get("/api/samples/exoplanet_transit.csv")
    assert response.status_code == 200
    return response.data


def _error_of(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json and set(response.json) == {"error"}
    return response.json["error"]


# ----------------------------------------------------------------------------- happy paths

def test_health(client: FlaskClient) -> None:
    body = client.get("/health").json
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["default_model"] is False
    assert body["cache"] == {"backend": "filesystem", "reachable": True}


def test_samples_list_and_download(client: FlaskClient, sample_csv: bytes) -> None:
    samples = client.get("/api/samples").json["samples"]
    assert [s["name"] for s in samples][:2] == ["normal_star", "exoplanet_transit"]
    assert all(s["description"] and s["url"] == f"/api/samples/{s['name']}.csv" for s in samples)
    assert sample_csv.splitlines()[0].startswith(b"time")
    _error_of(client.get("/api/samples/nope.csv"), 404)
    _error_of(client.get("/api/samples/..%2F..%2Fsecret.csv"), 404)


def test_analyze_sample_csv_and_cached_repeat(client: FlaskClient, sample_csv: bytes,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = post_file(client, sample_csv, contamination="0.05")
    assert first.status_code == 200
    body = first.json
    assert {"n_points", "meta", "transits", "events", "timings"} <= set(body)
    assert body["n_points"] > 1000
    assert any(abs(t["period"] - 15) < 0.5 for t in body["transits"]), body["transits"]
    monkeypatch.setattr(analysis_service, "analyze", lambda *a, **k: pytest.fail("re-analysed a cached upload"))
    again = post_file(client, sample_csv, contamination="0.05")
    assert again.json == body


def test_analyze_real_fits(client: FlaskClient, real_data_dir: Path) -> None:
    data = (real_data_dir / "kplr010002792-2009259160929_llc.fits").read_bytes()
    response = post_file(client, data, name="anything.bin", detectors="flares,outliers")
    assert response.status_code == 200
    body = response.json
    assert body["meta"]["mission"] == "Kepler"
    assert any(e["kind"] == "flare" for e in body["events"])
    assert body["transits"] == []


def test_k2_fits_is_roll_corrected_unless_asked_not_to(client: FlaskClient, real_data_dir: Path) -> None:
    data = (real_data_dir / "ktwo211117077-c04_llc.fits").read_bytes()
    corrected = post_file(client, data, detectors="flares,outliers").json["meta"]
    plain = post_file(client, data, detectors="flares,outliers", k2_roll_correction="false").json["meta"]
    assert corrected["k2_roll_correction"]["applied"]
    assert plain["k2_roll_correction"] == {"applied": False, "reason": "turned off (k2_roll_correction=false)"}
    assert corrected["noise_ppm"] < 0.9 * plain["noise_ppm"]


def test_a_csv_takes_its_mission_from_an_archive_file_name(client: FlaskClient, real_data_dir: Path) -> None:
    """The same bytes as ktwo...csv are a K2 curve (told why it is not roll-corrected), as star.csv not."""
    data = (real_data_dir / "ktwo211117077-c04_llc.csv").read_bytes()
    named = post_file(client, data, name="ktwo211117077-c04_llc.csv", detectors="flares").json["meta"]
    plain = post_file(client, data, name="star.csv", detectors="flares").json["meta"]
    assert (named["mission"], named["mission_source"]) == ("K2", "file name")
    assert "no centroid columns" in named["k2_roll_correction"]["reason"]
    assert plain["mission"] is None and plain["k2_roll_correction"] is None


# ----------------------------------------------------------------------------- bad requests

def test_analyze_without_file(client: FlaskClient) -> None:
    assert "file" in _error_of(client.post("/api/analyze", data={"contamination": "0.1"},
                                           content_type="multipart/form-data"), 400)


def test_analyze_not_multipart(client: FlaskClient) -> None:
    _error_of(client.post("/api/analyze", json={"file": "x"}), 415)


def test_analyze_empty_file(client: FlaskClient) -> None:
    assert "empty" in _error_of(post_file(client, b""), 422)


def test_analyze_flux_of_one_value_is_refused_in_words(client: FlaskClient) -> None:
    csv = "time,flux\n" + "".join(f"{1500 + 0.02 * i},0\n" for i in range(100))
    assert "same value (0) in every usable row" in _error_of(post_file(client, csv.encode()), 422)


def test_analyze_png(client: FlaskClient) -> None:
    assert "PNG" in _error_of(post_file(client, PNG, name="curve.csv"), 415)


def test_analyze_text_that_is_no_curve(client: FlaskClient) -> None:
    _error_of(post_file(client, b"hello\nworld\n"), 422)


def test_analyze_oversized(app, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, sample_csv: bytes) -> None:
    monkeypatch.setitem(app.server.config, "MAX_CONTENT_LENGTH", 1024)
    assert "1,024" in _error_of(post_file(client, sample_csv), 413)


@pytest.mark.parametrize("field, value, word", [
    ("contamination", "2", "contamination"),
    ("contamination", "abc", "contamination"),
    ("window_size", "5", "window_size"),
    ("vote_threshold", "0", "vote_threshold"),
    ("detectors", "transits,magic", "detector"),
    ("contamnation", "0.1", "unknown"),
    ("k2_roll_correction", "maybe", "k2_roll_correction"),
])
def test_analyze_bad_settings(client: FlaskClient, sample_csv: bytes, field: str, value: str, word: str) -> None:
    assert word in _error_of(post_file(client, sample_csv, **{field: value}), 422)


@pytest.mark.parametrize("model_id", ["m-20240101T000000Z-deadbeef", "../../etc/passwd", "nope"])
def test_analyze_unknown_model(client: FlaskClient, sample_csv: bytes, model_id: str) -> None:
    _error_of(post_file(client, sample_csv, model_id=model_id), 404)


@pytest.mark.parametrize("body, status", [
    ("{not json", 400),
    ("[1, 2]", 422),
    ('{"n_samples": 0}', 422),
    ('{"n_samples": 1001}', 422),
    ('{"n_samples": "abc"}', 422),
    ('{"n_samples": true}', 422),
    ('{"n_samples": 2.5}', 422),
    ('{"n_samples": 10, "contamination": 2}', 422),
    ('{"n_samples": 10, "colour": "red"}', 422),
])
def test_train_synthetic_bad_requests(client: FlaskClient, body: str, status: int) -> None:
    _error_of(client.post("/api/train/synthetic", data=body, content_type="application/json"), status)


def test_train_synthetic_needs_json(client: FlaskClient) -> None:
    _error_of(client.post("/api/train/synthetic", data="n_samples=10"), 415)


def test_train_files_bad_requests(client: FlaskClient) -> None:
    _error_of(client.post("/api/train", data={}, content_type="multipart/form-data"), 400)
    png = client.post("/api/train", data={"files": [(io.BytesIO(PNG), "a.csv")]}, content_type="multipart/form-data")
    assert "file 1" in _error_of(png, 415)


def test_queue_full(app, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.server.extensions[EXTENSION_KEY].jobs.training, "max_pending", 0)
    response = client.post("/api/train/synthetic", json={"n_samples": 50})
    _error_of(response, 503)
    assert response.headers["Retry-After"]


def test_uploads_refused_by_a_full_queue_leave_no_staged_files(app, client: FlaskClient, sample_csv: bytes,
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app.server.extensions[EXTENSION_KEY].jobs.training, "max_pending", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = client.post("/api/train", data={"files": [(io.BytesIO(sample_csv), "a.csv")]},
                           content_type="multipart/form-data")
    _error_of(response, 503)
    assert list(tmp_path.iterdir()) == []


def test_unknown_ids(client: FlaskClient) -> None:
    _error_of(client.get("/api/jobs/" + "0" * 32), 404)
    _error_of(client.get("/api/jobs/../../etc"), 404)
    _error_of(client.get("/api/models/m-20240101T000000Z-deadbeef"), 404)
    _error_of(client.get("/api/models/..%2F..%2Fetc"), 404)
    _error_of(client.delete("/api/models/m-20240101T000000Z-deadbeef"), 404)
    _error_of(client.delete("/api/models/default"), 409)
    _error_of(client.get("/api/no-such-endpoint"), 404)
    _error_of(client.post("/api/models"), 405)


def test_unexpected_error_is_generic(app, client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                     sample_csv: bytes) -> None:
    def explode(*args: Any) -> None:
        raise RuntimeError("secret detail /srv/private")

    monkeypatch.setattr(app.server.extensions[EXTENSION_KEY].analysis, "lookup", explode)
    message = _error_of(post_file(client, sample_csv), 500)
    assert "secret" not in message and "/srv" not in message


# ----------------------------------------------------------------------------- models and jobs

def test_small_training_answers_at_once_and_model_is_usable(client: FlaskClient, sample_csv: bytes) -> None:
    response = client.post("/api/train/synthetic", json={"n_samples": 2, "n_heldout": 1})
    assert response.status_code == 201
    model_id, key = response.json["model_id"], response.json["key"]  # no key sent: a new one owns the model
    assert response.headers["Location"] == f"/api/models/{model_id}"
    assert "point_recall" in response.json["metrics"]
    assert response.json["model"]["owner"] == "you" and "owner_id" not in response.json["model"]
    assert client.get(f"/api/models/{model_id}", headers=bearer(key)).json["id"] == model_id
    analysed = post_file(client, sample_csv, key=key, model_id=model_id)
    assert analysed.status_code == 200 and analysed.json["config"]["model_id"] == model_id
    assert client.delete(f"/api/models/{model_id}", headers=bearer(key)).json == {"deleted": model_id}
    _error_of(client.get(f"/api/models/{model_id}", headers=bearer(key)), 404)
    _error_of(post_file(client, sample_csv, key=key, model_id=model_id), 404)


def test_training_job_flow(client: FlaskClient) -> None:
    response = client.post("/api/train/synthetic", json={"n_samples": 6, "contamination": 0.05, "n_heldout": 1})
    assert response.status_code == 202
    job_id, key = response.json["job_id"], response.json["key"]
    assert re.fullmatch(r"[0-9a-f]{32}", job_id)
    assert response.json["status_url"] == f"/api/jobs/{job_id}" == response.headers["Location"]
    state = wait_for_job(client, response.json)
    assert state["status"] == "done", state
    assert state["progress"] == 1.0 and state["error"] is None and "owner" not in state
    model_id = state["result"]["model_id"]
    assert state["result"]["model"]["training_data"]["n_curves"] == 6
    assert model_id in [m["id"] for m in client.get("/api/models", headers=bearer(key)).json["models"]]
    assert client.delete(f"/api/models/{model_id}", headers=bearer(key)).status_code == 200
    assert model_id not in [m["id"] for m in client.get("/api/models", headers=bearer(key)).json["models"]]


def test_training_on_uploaded_files(client: FlaskClient, sample_csv: bytes) -> None:
    flares = client.get("/api/samples/normal_star.csv").data
    response = client.post(
        "/api/train",
        data={"files": [(io.BytesIO(sample_csv), "a.csv"), (io.BytesIO(flares), "../../b.csv")],
              "contamination": "0.05", "n_heldout": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.json
    state = wait_for_job(client, response.json)
    assert state["status"] == "done", state
    training = state["result"]["model"]["training_data"]
    assert training["n_curves"] == 2
    assert training["files"] == ["upload-001", "upload-002"]  # client names never reach the disk
    deleted = client.delete(f"/api/models/{state['result']['model_id']}", headers=bearer(response.json["key"]))
    assert deleted.status_code == 200


def test_training_on_a_file_that_cannot_be_normalised_fails_in_words(client: FlaskClient) -> None:
    flat = ("time,flux\n" + "".join(f"{1500 + 0.02 * i},0\n" for i in range(200))).encode()
    response = client.post("/api/train", data={"files": [(io.BytesIO(flat), "flat.csv")], "n_heldout": "0"},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.json
    state = wait_for_job(client, response.json)
    assert state["status"] == "failed"
    assert "upload-001: the flux has the same value (0) in every usable row" in state["error"]


# ----------------------------------------------------------------------------- the description

def test_openapi_lists_every_route(app, client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = set()
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint.startswith(f"{api.name}.") and rule.endpoint != f"{api.name}.unknown_api_path":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
