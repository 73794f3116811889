"""How the pages show the model registry: model-select's options (and what its value means),
a model's one-line label, and its metrics as table rows."""
from __future__ import annotations

from typing import Any

FIT_ON_CURVE = "fit-on-curve"  # model-select value meaning "fit the ensemble on the analysed curve itself"


def model_options(models: list[dict[str, Any]]) -> list[dict[str, str]]:
    """model-select options: fitting on the curve itself, then the saved `models` (metadata, newest first)."""
    return [{"label": "Fit on this curve (as the seed app did)", "value": FIT_ON_CURVE}] + [
        {"label": model_label(m), "value": m["id"]} for m in models
    ]


def saved_model_id(selected: str | None) -> str | None:
    """model-select's value as AnalysisConfig.model_id: None means fit on the curve."""
    return None if selected in (None, "", FIT_ON_CURVE) else selected


def model_label(metadata: dict[str, Any]) -> str:
    """"<id> (<n> curves, contamination <c>)" from the registry's metadata."""
    n_curves = metadata.get("training_data", {}).get("n_curves")
    contamination = metadata.get("params", {}).get("contamination")
    detail = ", ".join(part for part in (
        f"{n_curves} curves" if n_curves is not None else "",
        f"contamination {contamination}" if contamination is not None else "",
    ) if part)
    return f"{metadata['id']} ({detail})" if detail else str(metadata["id"])


def flat_metrics(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested metrics as (dotted name, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    for name, value in metrics.items():
        if isinstance(value, dict):
            rows += flat_metrics(value, f"{prefix}{name}.")
        else:
            rows.append((f"{prefix}{name}", value))
    return rows
