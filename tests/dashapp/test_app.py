"""The app shell: pages answer, sessions are handed out, limits and secrets are set."""
from __future__ import annotations

import json

import pytest

from dashapp.app import app, server
from dashapp.infra.session import SESSION_KEY, is_valid_session_id, seal, unseal
from dashapp.settings import Settings, secret_key


@pytest.fixture
def client():
    return server.test_client()


@pytest.mark.parametrize("path", ["/", "/analysis", "/training", "/gallery", "/no-such-page"])
def test_every_page_serves_the_app_shell(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"_dash-config" in response.data


def test_first_request_gets_a_server_made_session_id(client):
    client.get("/")
    with client.session_transaction() as session:
        assert is_valid_session_id(session[SESSION_KEY])
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only


def test_pages_are_registered_with_their_paths():
    import dash

    paths = {page["path"] for page in dash.page_registry.values()}
    assert {"/", "/analysis", "/training", "/gallery"} <= paths


def test_limits_and_no_debug():
    assert server.config["MAX_CONTENT_LENGTH"] == 64 * 1024 * 1024
    assert not server.debug
    assert app.config.assets_folder.endswith("/assets")


def test_generated_secret_is_shared_between_workers(settings):
    first = secret_key(settings, env={})
    assert first and secret_key(settings, env={}) == first  # a second worker reads the same key
    assert secret_key(settings, env={"SECRET_KEY": "from-env"}) == "from-env"


def test_sealed_values_cannot_be_edited():
    token = seal(server, {"sid": "x" * 22, "key": "result:1"})
    assert unseal(server, token)["key"] == "result:1"
    signed, signature = token.rsplit(".", 1)
    other_signed = seal(server, {"sid": "x" * 22, "key": "result:2"}).rsplit(".", 1)[0]
    assert unseal(server, f"{other_signed}.{signature}") is None  # another key under our signature
    # A changed signature: flip a middle character (the last one carries padding bits base64 ignores).
    flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    assert unseal(server, f"{signed}.{flipped}") is None
    assert unseal(server, None) is None


def test_settings_follow_the_environment(tmp_path):
    s = Settings.from_env({"DATA_DIR": str(tmp_path), "MAX_UPLOAD_MB": "8"})
    assert s.upload_dir == tmp_path / "uploads" and s.cache_dir == tmp_path / "cache"
    assert s.max_upload_mb == 8 and s.redis_url is None and not s.secure_cookies
    assert Settings.from_env({"SECURE_COOKIES": "true"}).secure_cookies


def test_upload_callback_stores_curves_for_the_callers_session(client):
    """The real callback route: a CSV and a broken file, through Dash's update endpoint."""
    import base64

    client.get("/")
    csv = "time,flux\n" + "\n".join(f"{i * 0.02},{1 + (i % 5) * 1e-4}" for i in range(100))
    contents = ["data:text/csv;base64," + base64.b64encode(csv.encode()).decode(),
                "data:text/plain;base64," + base64.b64encode(b"garbage").decode()]
    callback_id = next(k for k in app.callback_map if k.startswith("..upload-cards.children"))
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in callback_id.strip(".").split("...")]
    body = {
        "output": callback_id,
        "outputs": outputs,
        "inputs": [{"id": "upload-data", "property": "contents", "value": contents}],
        "state": [{"id": "upload-data", "property": "filename", "value": ["ok.csv", "bad.txt"]}],
        "changedPropIds": ["upload-data.contents"],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    text = json.dumps(response.get_json())
    assert "ok.csv" in text and "bad.txt: " in text


def test_a_fresh_worker_serves_javascript_bundles_before_any_page(tmp_path):
    """With several workers, bundle requests can reach a worker that has served no page yet."""
    import re

    from dashapp.app import create_app

    page = server.test_client().get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/dash_bootstrap_components/[^"]+)"', page).group(1)
    fresh = create_app(Settings.from_env({"DATA_DIR": str(tmp_path)}))
    assert fresh.server.test_client().get(bundle).status_code == 200


def test_callbacks_use_the_services_of_the_app_serving_the_request(tmp_path):
    """dash.get_app() names the app that last served a layout in this thread, not the one serving now."""
    from dashapp.app import create_app
    from dashapp.services import EXTENSION_KEY, services

    other = create_app(Settings.from_env({"DATA_DIR": str(tmp_path)}))
    other.server.test_client().get("/_dash-layout")
    with server.test_request_context("/"):
        assert services() is server.extensions[EXTENSION_KEY]


def test_the_operator_token_is_off_by_default_long_enough_and_never_printed(tmp_path):
    env = {"DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).admin_token is None
    with pytest.raises(ValueError, match="at least 32 characters"):
        Settings.from_env({**env, "ADMIN_TOKEN": "letmein"})
    token = "operator-" + "t" * 40
    settings = Settings.from_env({**env, "ADMIN_TOKEN": token})
    assert settings.admin_token == token and token not in repr(settings)


@pytest.mark.parametrize("name", ["MAX_MODELS_PER_OWNER", "MAX_MODEL_MB_PER_OWNER"])
@pytest.mark.parametrize("value", ["0", "-1", "ten", ""])
def test_a_mistyped_owner_limit_stops_start_up(tmp_path, name, value):
    with pytest.raises(ValueError, match=name):
        Settings.from_env({"DATA_DIR": str(tmp_path), name: value})
