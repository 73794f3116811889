"""Call a page callback through Dash's real update route, as the browser does."""
from __future__ import annotations

from typing import Any

import dash
from dash._get_app import with_app_context_factory
from flask.testing import FlaskClient


def call(client: FlaskClient, app: dash.Dash, output_prefix: str, inputs: dict[str, Any],
         state: dict[str, Any] | None = None) -> Any:
    """POST one callback (found by the start of its output id) and return the response.

    `inputs`/`state` map "component-id.property" to values; every input counts as changed.
    """
    callback_id = next(k for k in app.callback_map if k.startswith(output_prefix))
    spec = app.callback_map[callback_id]
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1].split("@")[0]}
               for part in callback_id.strip(".").split("...")]

    def props(items: list[dict[str, str]], values: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**item, "value": values.get(f"{item['id']}.{item['property']}")} for item in items]

    single = not callback_id.startswith("..")  # Output(...) rather than a list of them: Dash sends one dict
    body = {"output": callback_id, "outputs": outputs[0] if single else outputs, "inputs": props(spec["inputs"], inputs),
            "state": props(spec.get("state", []), state or {}), "changedPropIds": list(inputs)}
    # Tests build several apps in one process; the callbacks' dash.get_app() must name this one.
    return with_app_context_factory(lambda: client.post("/_dash-update-component", json=body), app)()
