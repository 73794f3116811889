"""The Train button: inputs checked before a job starts, and a sealed request that the job reads back."""
from __future__ import annotations

from pathlib import Path

from dashapp.app import create_app
from dashapp.infra.session import unseal
from dashapp.settings import Settings
from tests.dashapp.dash_calls import call

STATE = {"train-n-samples.value": 10, "train-contamination.value": 0.05, "train-source.value": "synthetic"}


def _app(tmp_path: Path):
    app = create_app(Settings.from_env({"DATA_DIR": str(tmp_path / "data")}))
    client = app.server.test_client()
    client.get("/training")
    return app, client


def test_a_click_starts_a_job_with_the_checked_inputs(tmp_path):
    app, client = _app(tmp_path)
    response = call(client, app, "..train-request.data", {"train-button.n_clicks": 1}, STATE)
    assert response.status_code == 200
    token = response.get_json()["response"]["train-request"]["data"]
    with app.server.app_context():
        job = unseal(app.server, token)
    assert (job["n"], job["contamination"], job["source"]) == (10, 0.05, "synthetic")


def test_bad_inputs_are_refused_before_any_job(tmp_path):
    app, client = _app(tmp_path)
    response = call(client, app, "..train-request.data", {"train-button.n_clicks": 1},
                    {**STATE, "train-contamination.value": 0.9})
    body = response.get_json()["response"]
    assert "train-request" not in body  # no job
    assert "Check the inputs" in str(body["status-alert"]["children"]) and body["status-alert"]["is_open"]
