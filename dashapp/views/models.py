"""How the pages show the model registry: model-select's options (and what its value means),
a model's one-line label with whose it is, the Training page's list of saved models, and a
model's metrics as table rows."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashapp import ids
from dashapp.infra.ownership import BUILT_IN, PRIVATE, SHARED, YOU

FIT_ON_CURVE = "fit-on-curve"  # model-select value meaning "fit the ensemble on the analysed curve itself"
# The API's `owner` of a model, as the pages say it.
OWNER_WORDS = {YOU: "yours", SHARED: "shared", BUILT_IN: "built-in", PRIVATE: "private"}
_BADGE_COLORS = {"yours": "primary", "shared": "info", "built-in": "secondary", "private": "dark"}


def model_options(models: list[dict[str, Any]]) -> list[dict[str, str]]:
    """model-select options: fitting on the curve itself, then the saved `models` (as the caller sees them, newest first)."""
    return [{"label": "Fit on this curve (as the seed app did)", "value": FIT_ON_CURVE}] + [
        {"label": f"{model_label(m)} · {owner_word(m)}", "value": m["id"]} for m in models
    ]


def saved_model_id(selected: str | None) -> str | None:
    """model-select's value as AnalysisConfig.model_id: None means fit on the curve."""
    return None if selected in (None, "", FIT_ON_CURVE) else selected


def owner_word(model: dict[str, Any]) -> str:
    """"yours", "shared", "built-in" (or, for the operator, "private")."""
    return OWNER_WORDS[model["owner"]]


def model_label(metadata: dict[str, Any]) -> str:
    """"<id> (<n> curves, contamination <c>)" from the registry's metadata."""
    n_curves = metadata.get("training_data", {}).get("n_curves")
    contamination = metadata.get("params", {}).get("contamination")
    detail = ", ".join(part for part in (
        f"{n_curves} curves" if n_curves is not None else "",
        f"contamination {contamination}" if contamination is not None else "",
    ) if part)
    return f"{metadata['id']} ({detail})" if detail else str(metadata["id"])


def model_list(models: list[dict[str, Any]]) -> html.Ul | html.P:
    """The Training page's saved models: whose each is, and a publish switch and a delete button on your own."""
    if not models:
        return html.P("No saved models yet.", className="text-muted")
    return html.Ul([model_item(m) for m in models], id=ids.MODEL_LIST, className="list-group")


def model_item(model: dict[str, Any]) -> html.Li:
    word = owner_word(model)
    parts: list[Any] = [html.Span(model_label(model), className="me-2 text-truncate"),
                        dbc.Badge(word, color=_BADGE_COLORS[word], className="me-auto model-owner")]
    if model["owner"] == YOU:
        parts += [
            dbc.Switch(id={"type": ids.MODEL_PUBLISH_TYPE, "model": model["id"]}, value=bool(model["published"]),
                       label="shared with everyone", className="mb-0 mx-3"),
            dbc.Button("Delete", id={"type": ids.MODEL_DELETE_TYPE, "model": model["id"]}, size="sm", color="danger",
                       outline=True),
        ]
    return html.Li(parts, className="list-group-item d-flex align-items-center",
                   **{"data-model-id": model["id"], "data-owner": word})


def flat_metrics(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested metrics as (dotted name, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    for name, value in metrics.items():
        if isinstance(value, dict):
            rows += flat_metrics(value, f"{prefix}{name}.")
        else:
            rows.append((f"{prefix}{name}", value))
    return rows
