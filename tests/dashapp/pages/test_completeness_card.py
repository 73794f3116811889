"""The Analysis page's Completeness card: on every app built, refuses other sessions' curves and curves too
short in words, and seals a job for the session's own curve."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from dashapp import ids
from dashapp.app import create_app
from dashapp.infra.session import SESSION_KEY, unseal
from dashapp.settings import Settings
from tests.dashapp.dash_calls import call

rng = np.random.default_rng(0)
CSV_LONG = "time,flux\n" + "".join(f"{1000 + i * 0.002:.4f},{1 + 1e-3 * rng.standard_normal():.6f}\n"
                                   for i in range(3000))
CSV_SHORT = "time,flux\n" + "".join(f"{1000 + i * 0.002:.4f},{1 + 1e-3 * rng.standard_normal():.6f}\n"
                                    for i in range(60))


@pytest.fixture
def app(tmp_path: Path):
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data")}))


def _browser(app):
    client = app.server.test_client()
    client.get("/")
    client.get("/_dash-layout")
    return client


def _upload(app, client, text: str, name: str) -> str:
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    call(client, app, "..upload-cards.children", {"upload-data.contents": [contents]}, {"upload-data.filename": [name]})
    with client.session_transaction() as session:
        sid = session[SESSION_KEY]
    with app.server.app_context():
        from dashapp.services import services

        return next(e.curve_hash for e in services().store.list(sid) if e.name == name)


def _request(app, client, curve_hash: str | None, kind: str = "transit", n: str = "50"):
    return call(client, app, "..completeness-request.data", {"completeness-button.n_clicks": 1},
                {"curve-select.value": curve_hash, "completeness-kind.value": kind, "completeness-n.value": n})


def test_every_app_built_gets_the_cards_callbacks(tmp_path):
    first = create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "one")}))
    second = create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "two")}))
    for app in (first, second):
        outputs = " ".join(app.callback_map)
        assert ids.COMPLETENESS_GRAPH in outputs and ids.COMPLETENESS_REQUEST in outputs


def test_seals_a_job_for_the_sessions_own_curve_and_refuses_others_in_words(app):
    alice, bob = _browser(app), _browser(app)
    curve = _upload(app, alice, CSV_LONG, "star.csv")
    answer = _request(app, alice, curve).get_json()["response"]
    with app.server.app_context():
        job = unseal(app.server, answer[ids.COMPLETENESS_REQUEST]["data"])
    assert job["curve"] == curve and job["kind"] == "transit" and job["n"] == 50
    refused = json.dumps(_request(app, bob, curve).get_json())
    assert "Choose a light curve first" in refused and ids.COMPLETENESS_REQUEST not in refused


def test_a_curve_too_short_is_refused_before_anything_runs(app):
    alice = _browser(app)
    curve = _upload(app, alice, CSV_SHORT, "short.csv")
    answer = json.dumps(_request(app, alice, curve).get_json())
    assert "Completeness cannot run on this curve: the curve has 60 points" in answer


@pytest.mark.parametrize("kind, n", [("planet", "50"), ("transit", "7"), ("transit", None)])
def test_choices_the_page_never_offers_change_nothing(app, kind, n):
    alice = _browser(app)
    curve = _upload(app, alice, CSV_LONG, "star.csv")
    assert _request(app, alice, curve, kind, n).status_code == 204
