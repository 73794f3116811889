"""POST /api/batch and GET /api/batch/<id> on one machine (the web worker's own pool, no Redis).

Curves are small (1500 points) and the pool has one process, so a batch of a few curves
takes seconds. What is checked is what a client sees: every file a row, failures with
their reason, only the owner reads the batch, and bad batches refused whole with a status
that says why, without touching anybody else's batch.
"""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.batch.summary import SUMMARY_COLUMNS, read_summary_csv
from core.io.writers import write_csv
from core.synthetic import generate_lightcurve
from dashapp.app import create_app
from dashapp.settings import Settings
from tests.dashapp.api_client import bearer

BATCH_TIMEOUT_S = 180
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _app(data_dir: Path, **env: str) -> Any:
    return create_app(Settings.from_env({"DATA_DIR": str(data_dir), "API_RATE_LIMIT": "100000/minute",
                                         "BATCH_PROCESSES": "1", **env}))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return _app(tmp_path_factory.mktemp("batch-api"), MAX_BATCH_FILES="20", MAX_UPLOAD_MB="4").server.test_client()


@pytest.fixture(scope="module")
def curves(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("batch-curves")
    made = {}
    for seed in range(3):
        lc, _ = generate_lightcurve(n_points=1500, seed=seed, target=f"TIC {700 + seed}")
        made[f"tic{700 + seed}.csv"] = write_csv(lc, folder / f"tic{700 + seed}.csv").read_bytes()
    return made


def _post(client: FlaskClient, files: list[tuple[bytes, str]], key: str | None = None, **fields: str):
    data: dict[str, Any] = {"files": [(io.BytesIO(body), name) for body, name in files], **fields}
    return client.post("/api/batch", data=data, content_type="multipart/form-data", headers=bearer(key))


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _finished(client: FlaskClient, accepted: dict[str, Any]) -> dict[str, Any]:
    headers = bearer(accepted["key"])
    deadline = time.monotonic() + BATCH_TIMEOUT_S
    while time.monotonic() < deadline:
        response = client.get(accepted["status_url"], headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        view = response.json
        assert 0.0 <= view["progress"] <= 1.0
        if view["status"] == "done":
            return view
        time.sleep(0.2)
    pytest.fail(f"batch {accepted['status_url']} did not finish within {BATCH_TIMEOUT_S} s")


def test_good_and_bad_files_each_get_a_row_and_only_the_owner_reads_them(client: FlaskClient,
                                                                       curves: dict[str, bytes]) -> None:
    files = [(body, name) for name, body in curves.items()]
    files += [(b"this is not,a light curve\nat all,really\n", "corrupt.csv"), (b"", "empty.csv"), (PNG, "photo.png")]
    response = _post(client, files)
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    accepted = response.json
    assert accepted["n_curves"] == 6 and response.headers["Location"] == accepted["status_url"]

    view = _finished(client, accepted)
    assert view["counts"] == {"queued": 0, "running": 0, "done": 3, "failed": 3}
    rows = {row["file"]: row for row in view["summary"]}
    assert list(rows) == [name for _, name in files]
    for name in curves:
        assert rows[name]["status"] == "ok" and rows[name]["error"] is None and rows[name]["n_points"] > 1000
    assert "no time column" in rows["corrupt.csv"]["error"]
    assert "empty" in rows["empty.csv"]["error"]
    assert rows["photo.png"]["status"] == "failed" and rows["photo.png"]["error"]

    csv = client.get(accepted["summary_csv_url"], headers=bearer(accepted["key"]))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    table = read_summary_csv(csv.get_data(as_text=True))
    assert [row["file"] for row in table] == [name for _, name in files]
    assert set(table[0]) == set(SUMMARY_COLUMNS)

    first = client.get(f"{accepted['status_url']}/curves/0", headers=bearer(accepted["key"]))
    assert first.status_code == 200 and first.json["n_points"] == rows[files[0][1]]["n_points"]
    assert client.get(f"{accepted['status_url']}/curves/3", headers=bearer(accepted["key"])).status_code == 404

    stranger = client.post("/api/keys").json["key"]
    for url in (accepted["status_url"], accepted["summary_csv_url"], f"{accepted['status_url']}/curves/0"):
        assert client.get(url, headers=bearer(stranger)).status_code == 404
        assert client.get(url).status_code == 404


def test_a_curve_analysed_before_is_not_analysed_again(client: FlaskClient, curves: dict[str, bytes]) -> None:
    name, body = next(iter(curves.items()))
    first = _finished(client, _post(client, [(body, name)]).json)
    again = _post(client, [(body, "renamed.csv")]).json
    view = client.get(again["status_url"], headers=bearer(again["key"])).json  # done at once, from the kept row
    assert view["status"] == "done"
    assert {**view["summary"][0], "file": name} == first["summary"][0]


def test_zip_members_are_curves_and_their_paths_only_labels(client: FlaskClient, curves: dict[str, bytes]) -> None:
    (name, body), *_ = curves.items()
    archive = _zip({"../../escaped.csv": body, "/etc/abs.csv": body, "folder/": b"", "__MACOSX/._x.csv": b"junk",
                    "inner.zip": _zip({"a.csv": body}), "notes/bad.csv": b"nope"})
    response = _post(client, [(archive, "curves.zip")])
    assert response.status_code == 202, response.get_data(as_text=True)[:300]
    view = _finished(client, response.json)
    rows = {row["file"]: row for row in view["summary"]}
    assert list(rows) == ["escaped.csv", "etc/abs.csv", "inner.zip", "notes/bad.csv"]
    assert rows["escaped.csv"]["status"] == rows["etc/abs.csv"]["status"] == "ok"
    assert "zip inside the zip" in rows["inner.zip"]["error"]
    assert rows["notes/bad.csv"]["status"] == "failed"


def test_a_zip_bomb_is_refused_whole(client: FlaskClient) -> None:
    bomb = _zip({f"zeros{i}.csv": b"0" * (3 * 1024 * 1024) for i in range(4)})  # 12 MB unzipped, a few KB sent
    assert len(bomb) < 100_000
    response = _post(client, [(bomb, "bomb.zip")])
    assert response.status_code == 413
    assert "zip bomb" in response.json["error"]


def test_more_files_than_a_batch_takes_is_refused_with_the_limit(client: FlaskClient) -> None:
    tiny = b"time,flux\n1,1\n"
    as_parts = _post(client, [(tiny, f"c{i}.csv") for i in range(10_000)])
    assert as_parts.status_code == 413 and "MAX_BATCH_FILES" in as_parts.json["error"]
    as_zip = _post(client, [(_zip({f"c{i}.csv": tiny for i in range(10_000)}), "many.zip")])
    assert as_zip.status_code == 413 and "10,000 files" in as_zip.json["error"]
    just_over = _post(client, [(tiny, f"c{i}.csv") for i in range(21)])
    assert just_over.status_code == 413 and "20" in just_over.json["error"]


def test_refused_batches_leave_another_callers_batch_alone(client: FlaskClient, curves: dict[str, bytes]) -> None:
    files = [(body, name) for name, body in curves.items()]
    accepted = _post(client, files).json
    tiny = b"time,flux\n1,1\n"
    assert _post(client, [(tiny, f"c{i}.csv") for i in range(10_000)]).status_code == 413
    assert _post(client, [(_zip({"z.csv": b"0" * (12 * 1024 * 1024)}), "bomb.zip")]).status_code == 413
    view = _finished(client, accepted)
    assert [(row["file"], row["status"]) for row in view["summary"]] == [(name, "ok") for _, name in files]


@pytest.mark.parametrize(("send", "status", "words"), [
    (lambda c: c.post("/api/batch", json={"files": []}), 415, "multipart/form-data"),
    (lambda c: c.post("/api/batch", data={"contamination": "0.1"}, content_type="multipart/form-data"), 400,
     "no files"),
    (lambda c: _post(c, [(b"time,flux\n1,1\n", "a.csv")], model_id="abc"), 422, "model_id"),
    (lambda c: _post(c, [(b"time,flux\n1,1\n", "a.csv")], colour="red"), 422, "unknown form field"),
    (lambda c: _post(c, [(b"PK\x03\x04garbage", "broken.zip")]), 422, "zip file cannot be read"),
])
def test_bad_requests_are_told_why(client: FlaskClient, send, status: int, words: str) -> None:
    response = send(client)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert words in response.json["error"]


def test_an_unknown_batch_is_404(client: FlaskClient) -> None:
    assert client.get("/api/batch/" + "0" * 32).status_code == 404
    assert client.get("/api/batch/not-an-id").status_code == 404
