"""Two browser sessions, one server: the pages show each model as yours, shared or built-in, hide other
sessions' private models, and let only the owner publish or delete (whatever model id a request names)."""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from dash._get_app import with_app_context_factory
from flask.testing import FlaskClient

from core.anomaly.estimator import AnomalyEnsemble
from dashapp import ids
from dashapp.app import create_app
from dashapp.infra.ownership import Caller
from dashapp.infra.session import SESSION_KEY
from dashapp.pages.analysis import MODEL_GONE_ALERT
from dashapp.services import EXTENSION_KEY
from dashapp.settings import Settings
from dashapp.training_service import OwnedRegistry
from dashapp.views.models import FIT_ON_CURVE
from tests.dashapp.dash_calls import call

CSV = "time,flux\n" + "".join(f"{1000 + i * 0.002:.4f},{1 + 1e-4 * (i % 7):.6f}\n" for i in range(500))


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "MAX_MODELS_PER_OWNER": "2"}))


def _browser(app: Any) -> FlaskClient:
    client = app.server.test_client()
    client.get("/")
    return client


def _owner(client: FlaskClient) -> Caller:
    with client.session_transaction() as session:
        return Caller.of_session(session[SESSION_KEY])


def _save_model(app: Any, owner: Caller) -> str:
    """A model saved the way training saves it for `owner` (without the seconds of training)."""
    svc = app.server.extensions[EXTENSION_KEY]
    fitted = AnomalyEnsemble(n_estimators=10, random_state=0).fit(np.random.default_rng(2).standard_normal((300, 14)))
    return OwnedRegistry(svc.registry.root, owner, svc.training.limits).save(fitted, {"note": "test"})


def _layout(app: Any, client: FlaskClient, page: str) -> Any:
    """A page's layout as this browser gets it (called in a request with its cookie: the page registry is global)."""
    from dashapp.pages import analysis, training

    cookie = client.get_cookie(app.server.config["SESSION_COOKIE_NAME"])
    with app.server.test_request_context(f"/{page}", headers={"Cookie": f"{cookie.key}={cookie.value}"}):
        return {"training": training, "analysis": analysis}[page].layout()


def _saved_models(app: Any, client: FlaskClient) -> dict[str, tuple[str, bool, bool]]:
    """The Training page's saved models: id -> (owner word, has a publish switch, has a delete button)."""
    layout = _layout(app, client, "training")
    shown = {}
    for item in layout._traverse():
        model_id = getattr(item, "data-model-id", None)
        if model_id is not None:
            inner = [getattr(c, "id", None) for c in item._traverse()]
            types = {i["type"] for i in inner if isinstance(i, dict)}
            shown[model_id] = (getattr(item, "data-owner"), ids.MODEL_PUBLISH_TYPE in types,
                               ids.MODEL_DELETE_TYPE in types)
    return shown


def _model_choices(app: Any, client: FlaskClient) -> dict[str, str]:
    """The Analysis page's model-select: value -> label."""
    [select] = [c for c in _layout(app, client, "analysis")._traverse() if getattr(c, "id", None) == ids.MODEL_SELECT]
    return {o["value"]: o["label"] for o in select.options}


def _change(app: Any, client: FlaskClient, model_id: str, kind: str, value: Any) -> dict:
    """Flip a model's publish switch or press its delete button, as the browser posts it."""
    callback_id = next(k for k in app.callback_map if k.startswith(f"..{ids.MODEL_LIST_CONTAINER}.children@"))
    spec = app.callback_map[callback_id]
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in callback_id.strip(".").split("...")]
    publish = {"id": {"model": model_id, "type": ids.MODEL_PUBLISH_TYPE}, "property": "value",
               "value": value if kind == "publish" else False}
    delete = {"id": {"model": model_id, "type": ids.MODEL_DELETE_TYPE}, "property": "n_clicks",
              "value": value if kind == "delete" else None}
    changed = publish if kind == "publish" else delete
    body = {"output": callback_id, "outputs": outputs, "inputs": [[publish], [delete]], "state": spec["state"],
            "changedPropIds": [json.dumps(changed["id"], separators=(",", ":"), sort_keys=True)
                               + f".{changed['property']}"]}
    response = with_app_context_factory(lambda: client.post("/_dash-update-component", json=body), app)()
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def test_each_session_sees_its_own_models_as_yours_and_nobody_elses(app: Any) -> None:
    alice, bob = _browser(app), _browser(app)
    model_id = _save_model(app, _owner(alice))
    assert _saved_models(app, alice) == {model_id: ("yours", True, True)}
    assert "· yours" in _model_choices(app, alice)[model_id]
    assert model_id not in _saved_models(app, bob)
    assert model_id not in _model_choices(app, bob)


def test_a_published_model_is_shared_for_others_without_switch_or_button(app: Any) -> None:
    alice, bob = _browser(app), _browser(app)
    model_id = _save_model(app, _owner(alice))
    answer = _change(app, alice, model_id, "publish", True)
    assert "shared" in json.dumps(answer[ids.STATUS_ALERT]["children"])
    assert _saved_models(app, bob)[model_id] == ("shared", False, False)
    assert "· shared" in _model_choices(app, bob)[model_id]
    assert _saved_models(app, alice)[model_id] == ("yours", True, True)


def test_another_session_cannot_delete_or_publish_by_naming_the_id(app: Any) -> None:
    alice, bob = _browser(app), _browser(app)
    model_id = _save_model(app, _owner(alice))
    for kind, value in (("delete", 1), ("publish", True)):
        answer = _change(app, bob, model_id, kind, value)
        assert "Nothing changed: no model" in json.dumps(answer[ids.STATUS_ALERT]["children"])
    assert _saved_models(app, alice) == {model_id: ("yours", True, True)}
    assert model_id not in _saved_models(app, bob)  # still private
    answer = _change(app, alice, model_id, "delete", 1)
    assert "deleted" in json.dumps(answer[ids.STATUS_ALERT]["children"])
    assert _saved_models(app, alice) == {}


def test_analysing_with_another_sessions_private_model_is_refused(app: Any) -> None:
    alice, bob = _browser(app), _browser(app)
    model_id = _save_model(app, _owner(alice))
    contents = "data:text/csv;base64," + base64.b64encode(CSV.encode()).decode()
    uploaded = call(bob, app, "..upload-cards.children", {"upload-data.contents": [contents]},
                    {"upload-data.filename": ["bob.csv"]})
    assert "Loaded 1 curve" in uploaded.get_data(as_text=True)
    svc = app.server.extensions[EXTENSION_KEY]
    [entry] = svc.store.list(_owner(bob).owner.split(":", 1)[1])
    state = {"curve-select.value": entry.curve_hash, "setting-contamination.value": 0.05,
             "setting-window-size.value": 50, "setting-vote-threshold.value": 0.3,
             "setting-detrend-window.value": 0.75, "setting-detectors.value": ["anomaly"],
             "model-select.value": model_id, "setting-k2-roll.value": False}
    refused = call(bob, app, "..analysis-request.data", {"analyze-button.n_clicks": 1, "autorun.data": None}, state)
    assert refused.get_json()["response"]["analysis-ready"]["data"] == {"error": MODEL_GONE_ALERT}
    allowed = call(bob, app, "..analysis-request.data", {"analyze-button.n_clicks": 1, "autorun.data": None},
                   {**state, "model-select.value": FIT_ON_CURVE})
    assert "error" not in allowed.get_data(as_text=True)


def test_training_is_not_started_for_a_session_at_its_model_limit(app: Any) -> None:
    alice = _browser(app)
    for _ in range(2):
        _save_model(app, _owner(alice))
    alice.get("/training")
    response = call(alice, app, "..train-request.data", {"train-button.n_clicks": 1},
                    {"train-n-samples.value": 10, "train-contamination.value": 0.05, "train-source.value": "synthetic"})
    body = response.get_json()["response"]
    assert "train-request" not in body
    assert "MAX_MODELS_PER_OWNER=2" in json.dumps(body[ids.STATUS_ALERT]["children"])
