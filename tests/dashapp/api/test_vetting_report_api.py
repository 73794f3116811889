"""The vetting report through the REST API: served to the key that analysed the curve, 404 to anyone else."""
from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from matplotlib.image import imread

from dashapp.app import create_app
from dashapp.settings import Settings
from tests.dashapp.api_client import bearer, post_file

ADMIN_TOKEN = "operator-" + "r" * 40


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    app: Any = create_app(Settings.from_env({"DATA_DIR": str(tmp_path_factory.mktemp("report-api")),
                                             "API_RATE_LIMIT": "100000/minute", "ADMIN_TOKEN": ADMIN_TOKEN}))
    return app.server.test_client()


@pytest.fixture(scope="module")
def analysed(client: FlaskClient) -> tuple[str, dict]:
    key = client.post("/api/keys").json["key"]
    sample = client.get("/api/samples/exoplanet_transit.csv").data
    response = post_file(client, sample, "exoplanet_transit.csv", key=key)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return key, response.json


def test_every_candidate_carries_its_verdict_reasons_and_report_url(analysed):
    _, document = analysed
    transit = document["transits"][0]
    assert transit["verdict"] == "planet_candidate"
    assert {r["test"] for r in transit["reasons"]} >= {"odd_even", "secondary", "v_shape"}
    assert transit["report_url"] == f"/api/results/{document['result_id']}/transits/1/report.pdf"


def test_the_analysing_key_gets_the_pdf_and_the_png(client, analysed):
    key, document = analysed
    pdf = client.get(document["transits"][0]["report_url"], headers=bearer(key))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    png = client.get(f"/api/results/{document['result_id']}/transits/1/report.png", headers=bearer(key))
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert imread(io.BytesIO(png.data), format="png").shape[:2] == (1540, 1210)


def test_another_key_nobody_and_bad_ids_get_404_and_the_operator_the_page(client, analysed):
    _, document = analysed
    url = document["transits"][0]["report_url"]
    stranger = client.post("/api/keys").json["key"]
    assert client.get(url, headers=bearer(stranger)).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url, headers=bearer(ADMIN_TOKEN)).status_code == 200
    key = analysed[0]
    for bad in (f"/api/results/{document['result_id']}/transits/7/report.pdf",
                f"/api/results/{document['result_id']}/transits/1/report.svg",
                "/api/results/not-an-id/transits/1/report.pdf",
                f"/api/results/{'0' * 40}/transits/1/report.pdf"):
        response = client.get(bad, headers=bearer(key))
        assert response.status_code == 404 and "error" in response.json


def test_a_key_that_sends_the_same_curve_reaches_the_cached_result_too(client, analysed):
    _, document = analysed
    other = client.post("/api/keys").json["key"]
    sample = client.get("/api/samples/exoplanet_transit.csv").data
    again = post_file(client, sample, "exoplanet_transit.csv", key=other).json
    assert again["result_id"] == document["result_id"]
    assert client.get(again["transits"][0]["report_url"], headers=bearer(other)).status_code == 200
