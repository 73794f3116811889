"""Two browsers, one server: a second session can neither list, read nor analyse the first one's curves."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from dashapp.app import create_app
from dashapp.infra.session import SESSION_KEY
from dashapp.settings import Settings
from dashapp.views.models import FIT_ON_CURVE
from tests.dashapp.dash_calls import call

CSV = "time,flux\n" + "".join(f"{1000 + i * 0.002:.4f},{1 + 1e-4 * (i % 7):.6f}\n" for i in range(500))


def _browser(app) -> FlaskClient:
    client = app.server.test_client()
    client.get("/")
    client.get("/_dash-layout")
    return client


def _sid(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return session[SESSION_KEY]


def _analysis_page(app, client: FlaskClient, curve_hash: str) -> str:
    """The analysis page's layout for /analysis?curve=`curve_hash`, as this browser would get it.

    Called directly in a request carrying the browser's cookie: Dash's page registry is
    global to the process, and the tests build many apps in one.
    """
    from dashapp.pages import analysis as page

    cookie = client.get_cookie(app.server.config["SESSION_COOKIE_NAME"])
    with app.server.test_request_context("/analysis", headers={"Cookie": f"{cookie.key}={cookie.value}"}):
        return repr(page.layout(curve=curve_hash))


def _analyse(client: FlaskClient, app, curve_hash: str) -> str:
    """Press Analyse with `curve_hash` chosen, as the analysis page does."""
    state = {"curve-select.value": curve_hash, "setting-contamination.value": 0.05,
             "setting-window-size.value": 50, "setting-vote-threshold.value": 0.3,
             "setting-detrend-window.value": 0.75, "setting-detectors.value": ["flares"],
             "model-select.value": FIT_ON_CURVE}
    response = call(client, app, "..analysis-request.data", {"analyze-button.n_clicks": 1, "autorun.data": None},
                    state)
    assert response.status_code == 200
    return json.dumps(response.get_json())


@pytest.fixture
def app(tmp_path: Path):
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data")}))


def test_a_second_session_cannot_list_read_or_analyse_the_first_ones_curve(app):
    alice, bob = _browser(app), _browser(app)
    assert _sid(alice) != _sid(bob)
    assert len(base64.urlsafe_b64decode(_sid(alice) + "==")) * 8 >= 128
    contents = "data:text/csv;base64," + base64.b64encode(CSV.encode()).decode()
    response = call(alice, app, "..upload-cards.children", {"upload-data.contents": [contents]},
                    {"upload-data.filename": ["alice-secret-star.csv"]})
    assert "Loaded 1 curve" in json.dumps(response.get_json())
    with app.server.app_context():
        from dashapp.services import services

        store = services().store
        [entry] = store.list(_sid(alice))
        assert store.list(_sid(bob)) == []
    # Bob's pages do not show Alice's curve, even when asked for it by hash; hers do.
    for path in ("/", f"/analysis?curve={entry.curve_hash}"):
        assert b"alice-secret-star" not in bob.get(path).data
    assert "alice-secret-star" not in _analysis_page(app, bob, entry.curve_hash)
    assert "alice-secret-star" in _analysis_page(app, alice, entry.curve_hash)
    # Analysing it by hash is refused for Bob and works for Alice.
    assert "Choose a light curve first" in _analyse(bob, app, entry.curve_hash)
    assert "Choose a light curve first" not in _analyse(alice, app, entry.curve_hash)
