"""Whose a model is, as two visitors and a script see it on one Gunicorn server (issue 22).

Alice trains on the curve she uploaded; Bob (another browser) and a client without a key
(no cookies, no key) neither see the model nor can delete it; Alice still has it; once she
shares it, Bob analyses with it but still cannot delete it.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.browser_steps import upload, wait_for_analysis

pytestmark = pytest.mark.e2e
TRAIN_TIMEOUT_MS = 180_000


def _anonymous(server_url: str, method: str, path: str) -> tuple[int, dict]:
    """(status, JSON body) of a request with no cookie and no key."""
    request = urllib.request.Request(server_url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _listed_by_anonymous(server_url: str) -> dict[str, str]:
    status, body = _anonymous(server_url, "GET", "/api/models")
    assert status == 200
    return {m["id"]: m["owner"] for m in body["models"]}


def _model_options(page) -> dict[str, str]:
    page.wait_for_selector("#model-select")
    return dict(page.eval_on_selector_all("#model-select option", "els => els.map(e => [e.value, e.textContent])"))


def _row(model_id: str) -> str:
    return f'#model-list li[data-model-id="{model_id}"]'


def test_a_model_trained_on_uploads_is_private_until_its_owner_shares_it(new_page, server_url, inputs):
    alice, bob = new_page(), new_page()

    upload(alice, inputs["sample_csv"])
    alice.wait_for_selector("#status-alert:has-text('Loaded')")
    alice.goto("/training")
    alice.click("text=my uploaded curves")
    alice.click("#train-button")
    model_id = alice.wait_for_selector("#trained-model-id", timeout=TRAIN_TIMEOUT_MS).inner_text().strip()
    alice.wait_for_selector(f'{_row(model_id)}[data-owner="yours"]')

    # Bob sees it on neither page; the keyless client does not list it.
    bob.goto("/training")
    bob.wait_for_selector("#model-list-container")
    assert bob.locator(_row(model_id)).count() == 0
    bob.goto("/analysis")
    assert model_id not in _model_options(bob)
    assert model_id not in _listed_by_anonymous(server_url)

    # Deleting it: 404 for Bob (his browser's cookies name no key) and for the keyless client.
    assert bob.request.delete(f"/api/models/{model_id}").status == 404
    assert _anonymous(server_url, "DELETE", f"/api/models/{model_id}")[0] == 404
    alice.reload()
    alice.wait_for_selector(f'{_row(model_id)}[data-owner="yours"]')

    # Alice shares it: Bob can analyse with it, not delete it.
    alice.click(f"{_row(model_id)} input[type=checkbox]")
    alice.wait_for_selector("#status-alert:has-text('is shared')")
    assert _listed_by_anonymous(server_url)[model_id] == "shared"
    bob.goto("/analysis?sample=exoplanet_transit")
    assert "shared" in _model_options(bob)[model_id]
    bob.select_option("#model-select", model_id)
    bob.click("#analyze-button")
    wait_for_analysis(bob)
    bob.goto("/training")
    bob.wait_for_selector(f'{_row(model_id)}[data-owner="shared"]')
    assert bob.locator(f"{_row(model_id)} button, {_row(model_id)} input").count() == 0
    assert bob.request.delete(f"/api/models/{model_id}").status == 404
    assert _anonymous(server_url, "DELETE", f"/api/models/{model_id}")[0] == 404
    alice.reload()
    alice.wait_for_selector(f'{_row(model_id)}[data-owner="yours"]')
