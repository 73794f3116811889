"""The Batch page through Dash's real callback route: a zip uploaded, every curve analysed, the table, a click, a download."""
from __future__ import annotations

import base64
import io
import time
import zipfile
from pathlib import Path

import pytest

from core.batch.summary import SUMMARY_COLUMNS, read_summary_csv
from core.io.writers import write_csv
from core.synthetic import generate_lightcurve
from dashapp.app import create_app
from dashapp.settings import Settings
from tests.dashapp.dash_calls import call

TIMEOUT_S = 180


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    return create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("batch-page")),
                                         "BATCH_PROCESSES": "1"}))


def _zip_url(folder: Path) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for seed in range(2):
            lc, _ = generate_lightcurve(n_points=1500, seed=seed)
            archive.writestr(f"curves/c{seed}.csv", write_csv(lc, folder / f"c{seed}.csv").read_bytes())
    return "data:application/zip;base64," + base64.b64encode(buffer.getvalue()).decode()


def _response(reply) -> dict:
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_json()["response"]


def test_a_zip_analysed_as_a_batch_fills_the_table_and_a_row_opens_its_curve(app, tmp_path: Path) -> None:
    client = app.server.test_client()
    client.get("/")
    uploaded = _response(call(client, app, "..upload-cards.children", {"upload-data.contents": [_zip_url(tmp_path)]},
                              {"upload-data.filename": ["curves.zip"]}))
    assert "Loaded 2 curves" in str(uploaded["status-alert"]["children"])

    started = _response(call(client, app, "..batch-id.data", {"batch-run-button.n_clicks": 1}))
    batch_id = started["batch-id"]["data"]
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        assert time.monotonic() < deadline, "the batch did not finish"
        shown = _response(call(client, app, "..batch-table.rowData", {"batch-id.data": batch_id,
                                                                      "batch-poll.n_intervals": 1}))
        if shown["batch-poll"]["disabled"]:
            break
        time.sleep(0.3)
    rows = shown["batch-table"]["rowData"]
    assert sorted(row["file"] for row in rows) == ["curves/c0.csv", "curves/c1.csv"]
    assert all(row["status"] == "ok" and row["n_points"] > 1000 for row in rows)
    assert shown["batch-progress"]["value"] == 100 and shown["batch-progress"]["label"] == "2 / 2 curves"
    assert shown["batch-download-csv"]["disabled"] is False

    opened = _response(call(client, app, "batch-open.href", {"batch-table.cellClicked": {"rowId": "1"}},
                            {"batch-table.rowData": rows}))
    assert opened["batch-open"]["href"] == f"/analysis?curve={rows[1]['curve']}&run=1"

    download = _response(call(client, app, "batch-download-file.data", {"batch-download-csv.n_clicks": 1},
                              {"batch-id.data": batch_id}))["batch-download-file"]["data"]
    table = read_summary_csv(download["content"])
    assert [row["file"] for row in table] == [row["file"] for row in rows]
    assert list(table[0]) == list(SUMMARY_COLUMNS)

    stranger = app.server.test_client()
    stranger.get("/")
    theirs = _response(call(stranger, app, "..batch-table.rowData", {"batch-id.data": batch_id,
                                                                     "batch-poll.n_intervals": 1}))
    assert theirs["batch-table"]["rowData"] == [] and theirs["batch-download-csv"]["disabled"] is True


def test_a_session_without_curves_is_told_to_upload_first(app) -> None:
    client = app.server.test_client()
    client.get("/")
    reply = _response(call(client, app, "..batch-id.data", {"batch-run-button.n_clicks": 1}))
    assert "batch-id" not in reply and "upload some first" in str(reply["status-alert"]["children"])
