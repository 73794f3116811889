"""Ownership through the REST API: keys, whose each model is, 404 for what is not yours, the operator's token.

Models are trained through the API (two synthetic curves, no held-out curves: about a
second each), so what is checked is what a client sees.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask.testing import FlaskClient

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import ModelRegistry
from dashapp.api import analyze_request
from dashapp.app import create_app
from dashapp.infra.api_keys import KEY_PATTERN
from dashapp.services import EXTENSION_KEY
from dashapp.settings import Settings
from tests.dashapp.api_client import bearer, post_file, wait_for_job

ADMIN_TOKEN = "operator-" + "t" * 40
QUICK = {"n_samples": 2, "n_heldout": 0}


def _app(data_dir: Path, **env: str) -> Any:
    return create_app(Settings.from_env({"DATA_DIR": str(data_dir), "API_RATE_LIMIT": "100000/minute", **env}))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _app(tmp_path_factory.mktemp("owners"), ADMIN_TOKEN=ADMIN_TOKEN)


@pytest.fixture(scope="module")
def client(app: Any) -> FlaskClient:
    return app.server.test_client()


@pytest.fixture(scope="module")
def sample_csv(client: FlaskClient) -> bytes:
    return client.get("/api/samples/exoplanet_transit.csv").data


def _key(client: FlaskClient) -> str:
    response = client.post("/api/keys")
    assert response.status_code == 201 and response.headers["Location"] == response.json["revoke_url"]
    return response.json["key"]


def _train(client: FlaskClient, key: str | None = None) -> tuple[str, str]:
    """(model id, the key that owns it): the caller's, or the one handed back when none was sent."""
    response = client.post("/api/train/synthetic", json=QUICK, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    return response.json["model_id"], key or response.json["key"]


def _listed(client: FlaskClient, key: str | None = None) -> dict[str, str]:
    response = client.get("/api/models", headers=bearer(key))
    assert response.status_code == 200
    return {m["id"]: m["owner"] for m in response.json["models"]}


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json and set(response.json) == {"error"}
    return response.json["error"]


def test_a_key_is_made_once_and_stored_only_as_a_hash(app: Any, client: FlaskClient) -> None:
    made = client.post("/api/keys").json
    assert KEY_PATTERN.fullmatch(made["key"]) and made["revoke_url"] == f"/api/keys/{made['key_id']}"
    store = app.server.extensions[EXTENSION_KEY].settings.keys_dir
    stored = b"".join(p.read_bytes() for p in store.iterdir())
    assert made["key"].encode() not in stored and made["key"].rsplit("_", 1)[1].encode() not in stored


def test_training_without_a_key_answers_with_a_key_that_alone_owns_the_model(client: FlaskClient) -> None:
    response = client.post("/api/train/synthetic", json=QUICK)
    assert response.status_code == 201
    model_id, key = response.json["model_id"], response.json["key"]
    assert response.json["model"]["owner"] == "you" and response.json["key_id"] in key
    assert _listed(client, key)[model_id] == "you"
    assert model_id not in _listed(client) and model_id not in _listed(client, _key(client))


def test_another_owner_gets_404_for_everything_and_the_model_stays(client: FlaskClient, sample_csv: bytes) -> None:
    model_id, alice = _train(client, _key(client))
    never_made = "m-20240101T000000Z-deadbeef"
    for other in (_key(client), None):
        assert model_id not in _listed(client, other)
        for method in ("get", "delete"):
            hidden = _error(getattr(client, method)(f"/api/models/{model_id}", headers=bearer(other)), 404)
            missing = _error(getattr(client, method)(f"/api/models/{never_made}", headers=bearer(other)), 404)
            assert hidden == missing.replace(never_made, model_id)  # nothing tells the two apart
        _error(client.patch(f"/api/models/{model_id}", json={"published": True}, headers=bearer(other)), 404)
        _error(post_file(client, sample_csv, key=other, model_id=model_id), 404)
    assert _listed(client, alice)[model_id] == "you"


def test_a_published_model_is_used_by_others_and_changed_by_its_owner_only(client: FlaskClient,
                                                                           sample_csv: bytes) -> None:
    model_id, alice = _train(client, _key(client))
    bob = _key(client)
    published = client.patch(f"/api/models/{model_id}", json={"published": True}, headers=bearer(alice))
    assert published.status_code == 200 and published.json["published"] is True
    assert _listed(client, bob)[model_id] == _listed(client)[model_id] == "shared"
    analysed = post_file(client, sample_csv, key=bob, model_id=model_id, detectors="anomaly")
    assert analysed.status_code == 200 and analysed.json["config"]["model_id"] == model_id
    for other in (bob, None):
        _error(client.delete(f"/api/models/{model_id}", headers=bearer(other)), 404)
        _error(client.patch(f"/api/models/{model_id}", json={"published": False}, headers=bearer(other)), 404)
    assert client.patch(f"/api/models/{model_id}", json={"published": False}, headers=bearer(alice)).status_code == 200
    assert model_id not in _listed(client, bob)
    assert client.delete(f"/api/models/{model_id}", headers=bearer(alice)).json == {"deleted": model_id}


@pytest.mark.parametrize("body, status", [({"published": "yes"}, 422), ({"published": True, "x": 1}, 422),
                                          ([True], 422), (None, 415)])
def test_a_bad_publish_request_is_refused(client: FlaskClient, body: Any, status: int) -> None:
    model_id, alice = _train(client, _key(client))
    kwargs = {"json": body} if body is not None else {"data": "published=true"}
    _error(client.patch(f"/api/models/{model_id}", headers=bearer(alice), **kwargs), status)


def test_a_job_is_read_only_by_whoever_started_it(client: FlaskClient) -> None:
    alice = _key(client)
    accepted = client.post("/api/train/synthetic", json={"n_samples": 6, "n_heldout": 0}, headers=bearer(alice)).json
    assert "key" not in accepted  # she sent one
    assert wait_for_job(client, accepted, key=alice)["status"] == "done"
    for other in (_key(client), None):
        assert "no job with id" in _error(client.get(accepted["status_url"], headers=bearer(other)), 404)
    operator_view = client.get(accepted["status_url"], headers=bearer(ADMIN_TOKEN))
    assert operator_view.status_code == 200 and operator_view.json["result"]["model_id"]


def test_the_operator_token_lists_and_deletes_anything(client: FlaskClient) -> None:
    model_id, alice = _train(client, _key(client))
    assert _listed(client, ADMIN_TOKEN)[model_id] == "private"
    assert client.delete(f"/api/models/{model_id}", headers=bearer(ADMIN_TOKEN)).json == {"deleted": model_id}
    assert model_id not in _listed(client, alice)
    _error(client.delete("/api/models/default", headers=bearer(ADMIN_TOKEN)), 409)


def test_without_an_admin_token_set_no_request_deletes_another_owners_model(tmp_path: Path) -> None:
    client = _app(tmp_path / "data").server.test_client()
    model_id, alice = _train(client, _key(client))
    _error(client.delete(f"/api/models/{model_id}", headers=bearer(ADMIN_TOKEN)), 401)
    for header in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {_key(client)}"}):
        assert client.delete(f"/api/models/{model_id}", headers=header).status_code in (401, 404)
    assert _listed(client, alice)[model_id] == "you"


def test_a_model_saved_before_owners_is_shared_and_read_only(tmp_path: Path) -> None:
    """Upgrading keeps every model: one on disk without an owner loads as shared, and only the operator deletes it."""
    data_dir = tmp_path / "data"
    fitted = AnomalyEnsemble(n_estimators=10, random_state=0).fit(np.random.default_rng(1).standard_normal((300, 14)))
    legacy = ModelRegistry(data_dir / "models").save(fitted, {"note": "trained before owners"})
    client = _app(data_dir, ADMIN_TOKEN=ADMIN_TOKEN).server.test_client()
    key = _key(client)
    assert _listed(client)[legacy] == _listed(client, key)[legacy] == "shared"
    assert client.get(f"/api/models/{legacy}").json["published"] is True
    _error(client.delete(f"/api/models/{legacy}", headers=bearer(key)), 404)
    _error(client.patch(f"/api/models/{legacy}", json={"published": False}, headers=bearer(key)), 404)
    assert client.delete(f"/api/models/{legacy}", headers=bearer(ADMIN_TOKEN)).status_code == 200


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer", "Token abc",
                                    "Bearer lcd_0123456789abcdef_" + "A" * 43, "Bearer " + "\u00ff" * 300])
@pytest.mark.parametrize("method, path", [("get", "/api/models"), ("get", "/api/jobs/" + "0" * 32),
                                          ("post", "/api/analyze"), ("delete", "/api/models/m-20240101T000000Z-00000000"),
                                          ("post", "/api/train/synthetic"), ("get", "/api/samples")])
def test_a_bad_key_is_a_401_on_every_endpoint(client: FlaskClient, header: str, method: str, path: str) -> None:
    response = getattr(client, method)(path, headers={"Authorization": header})
    assert "key" in _error(response, 401) and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_a_401_and_only_its_holder_revokes_it(client: FlaskClient) -> None:
    made = client.post("/api/keys").json
    other = _key(client)
    for someone in (other, None):
        _error(client.delete(made["revoke_url"], headers=bearer(someone)), 404)
    assert client.get("/api/models", headers=bearer(made["key"])).status_code == 200
    assert client.delete(made["revoke_url"], headers=bearer(made["key"])).json == {"revoked": made["key_id"]}
    assert "revoked" in _error(client.get("/api/models", headers=bearer(made["key"])), 401)
    spare = client.post("/api/keys").json
    assert client.delete(spare["revoke_url"], headers=bearer(ADMIN_TOKEN)).status_code == 200


def test_an_owner_at_the_model_limit_gets_a_409_that_says_so(tmp_path: Path) -> None:
    client = _app(tmp_path / "data", MAX_MODELS_PER_OWNER="1").server.test_client()
    _, alice = _train(client, _key(client))
    refused = _error(client.post("/api/train/synthetic", json=QUICK, headers=bearer(alice)), 409)
    assert "MAX_MODELS_PER_OWNER=1" in refused and "delete one" in refused
    _error(client.post("/api/train/synthetic", json={"n_samples": 6}, headers=bearer(alice)), 409)  # before queueing
    _train(client)  # a new owner has room


def test_the_same_long_analysis_sent_by_two_owners_is_one_job_both_read(app: Any, client: FlaskClient,
                                                                         sample_csv: bytes,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze_request, "SYNC_MAX_SEARCH_WORK", 1.0)
    lane = app.server.extensions[EXTENSION_KEY].jobs.analysis
    release = threading.Event()
    lane.submit("analyze", lambda progress: {} if release.wait(60) else {}, owner="key:holds-the-lane")
    try:
        alice, bob = _key(client), _key(client)
        first = post_file(client, sample_csv, key=alice, window_size="70")
        second = post_file(client, sample_csv, key=bob, window_size="70")
        anonymous = post_file(client, sample_csv, window_size="70")
    finally:
        release.set()
    assert first.status_code == second.status_code == anonymous.status_code == 202
    assert first.json["job_id"] == second.json["job_id"] == anonymous.json["job_id"]
    assert "key" in anonymous.json and "key" not in first.json
    for key in (alice, bob, anonymous.json["key"]):
        assert wait_for_job(client, first.json, key=key)["status"] == "done"
    _error(client.get(first.json["status_url"], headers=bearer(_key(client))), 404)
